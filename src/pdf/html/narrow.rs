//! Each chart drawn a second time for phones: 288 units wide, the width a 320 CSS px
//! screen gives it, so its 13-unit text reads at 13 px rather than shrinking with a
//! 720-unit drawing. Same geometry as the wide drawing; what needs room across goes
//! down instead: a bar's name and value on a line above it, the point labels broken
//! into lines, the reference lines and tones in a key under the plot, and the points
//! without their values (the data table under every chart holds them).

use std::fmt::Write;

use super::marks::{series_line, spc_key, spc_lines, spc_mark, value_ticks, whisker};
use super::{TONES, esc};
use crate::pdf::geometry;
use crate::pdf::model::{BarChart, LineChart};
use crate::spc::Variation;

/// The drawing's width, in units of the SVG: one unit is a CSS px at 320 px.
pub(super) const W: f64 = 288.0;
/// About how many characters of 13-unit text fit on one line of the drawing.
const LINE_CHARS: usize = 40;
pub(super) const LEAD: f64 = 17.0;
/// About how wide a character of 13-unit text is, in units.
pub(super) const CHAR_W: f64 = 8.0;

/// Words broken into lines of at most [`LINE_CHARS`] characters.
fn lines(text: &str) -> Vec<String> {
    lines_of(text, LINE_CHARS)
}

/// Words broken into lines of at most `most` characters (a longer word alone).
fn lines_of(text: &str, most: usize) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for word in text.split(' ') {
        match out.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= most => {
                l.push(' ');
                l.push_str(word);
            }
            _ => out.push(word.to_string()),
        }
    }
    out
}

pub(super) fn open(height: f64) -> String {
    format!(
        "<svg aria-hidden=\"true\" focusable=\"false\" class=\"chart-narrow\" \
         viewBox=\"0 0 {W} {height:.0}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
    )
}

/// Text lines from `y` down; returns the y under them.
pub(super) fn text_lines(out: &mut String, x: f64, mut y: f64, text: &str) -> f64 {
    for l in lines(text) {
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" class=\"halo\">{}</text>",
            esc(&l)
        );
        y += LEAD;
    }
    y
}

/// A key entry for reference line `k`: a short dashed stroke and its words.
fn reference_key(out: &mut String, k: usize, y: f64, label: &str) -> f64 {
    let _ = writeln!(
        out,
        "<line x1=\"0\" y1=\"{0:.1}\" x2=\"24\" y2=\"{0:.1}\" class=\"reference r{1}\"/>",
        y - 4.0,
        k % 3
    );
    text_lines(out, 30.0, y, label)
}

pub(super) fn bar_chart(c: &BarChart) -> String {
    let g = geometry::bars(c);
    let top = 4.0;
    let (plot_x, plot_w) = (4.0, W - 12.0);
    let x = |at: f64| plot_x + at * plot_w;
    // each bar under its name and value, on as many lines as they take
    let said: Vec<Vec<String>> = c
        .bars
        .iter()
        .map(|b| lines(&format!("{}: {}", b.label, b.annotation)))
        .collect();
    let mut starts = vec![];
    let mut bottom = top;
    for s in &said {
        starts.push(bottom);
        bottom += LEAD * s.len() as f64 + 23.0;
    }
    let mut body = String::new();
    for tick in &g.axis.ticks {
        let _ = writeln!(
            body,
            "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{bottom:.1}\" class=\"grid\"/>\
             <text x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\" class=\"tick\">{2}</text>",
            x(tick.at).clamp(12.0, W - 12.0),
            bottom + 16.0,
            tick.label
        );
    }
    // under the bars' words, which stand out from it on a white edge
    if let Some((at, _)) = &g.reference {
        let _ = writeln!(
            body,
            "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{bottom:.1}\" class=\"reference\"/>",
            x(*at)
        );
    }
    for (i, (b, m)) in c.bars.iter().zip(&g.bars).enumerate() {
        let y = text_lines(&mut body, plot_x, starts[i] + 13.0, &said[i].join(" ")) - 30.0;
        if let Some(at) = m.end {
            let _ = writeln!(
                body,
                "<rect x=\"{plot_x}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{}\"/>",
                y + 19.0,
                (x(at) - plot_x).max(0.0),
                TONES[usize::from(b.tone).min(2)]
            );
        }
        if let Some((lo, hi)) = m.whisker {
            let _ = writeln!(
                body,
                "<path d=\"M{0:.1} {1:.1}H{2:.1}M{0:.1} {3:.1}V{4:.1}M{2:.1} {3:.1}V{4:.1}\" \
                 class=\"whisker\"/>",
                x(lo),
                y + 26.0,
                x(hi),
                y + 21.0,
                y + 31.0
            );
        }
    }
    let mut y = bottom + 40.0;
    if let Some((_, label)) = &g.reference {
        y = reference_key(&mut body, 0, y, label);
    }
    for (tone, label) in &c.legend {
        let _ = writeln!(
            body,
            "<rect x=\"0\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\" class=\"key\"/>",
            y - 11.0,
            TONES[usize::from(*tone).min(2)]
        );
        y = text_lines(&mut body, 30.0, y, label);
    }
    let y = text_lines(&mut body, 0.0, y + 4.0, &c.axis_label);
    format!("{}{body}</svg>\n", open(y))
}

pub(super) fn line_chart(c: &LineChart) -> String {
    let g = geometry::lines(c);
    let (plot_x, top, plot_h) = (44.0, 10.0, 180.0);
    let plot_w = W - plot_x - 12.0;
    let x = |at: f64| plot_x + plot_w * at;
    let y = |at: f64| top + plot_h * (1.0 - at);
    let mut body = String::new();
    value_ticks(&mut body, &g.axis, plot_x, plot_w, 5.0, y);
    // each point's label broken into lines as wide as the space between points, and
    // kept inside the drawing at the ends
    // (every `step`th point's, where two years of months would crowd them)
    // (a label breaks at its spaces, so its longest word is what must fit)
    let widths: Vec<f64> = c
        .x_labels
        .iter()
        .map(|l| l.split(' ').map(|w| w.chars().count()).max().unwrap_or(0) as f64 * CHAR_W)
        .collect();
    let step = geometry::label_step(&widths, plot_w);
    let between = plot_w / (g.xs.len().max(2) - 1) as f64 * step as f64;
    let below = top + plot_h + 16.0;
    let mut deepest: usize = 1;
    for (l, at) in c.x_labels.iter().zip(&g.xs).step_by(step) {
        let parts = lines_of(l, (between / CHAR_W) as usize);
        let half = parts.iter().map(|p| p.chars().count()).max().unwrap_or(0) as f64 * CHAR_W / 2.0;
        let centre = x(*at).clamp(half, W - half);
        deepest = deepest.max(parts.len());
        for (i, p) in parts.iter().enumerate() {
            let _ = writeln!(
                body,
                "<text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                below + LEAD * i as f64,
                esc(p)
            );
        }
    }
    for (k, (at, _)) in g.references.iter().enumerate() {
        let _ = writeln!(
            body,
            "<line x1=\"{plot_x}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" class=\"reference r{2}\"/>",
            y(*at),
            plot_x + plot_w,
            k % 3
        );
    }
    for (k, s) in g.series.iter().enumerate() {
        let colour = TONES[k % 2];
        series_line(&mut body, colour, s, x, y);
        for (i, p) in s.points.iter().enumerate() {
            whisker(&mut body, p, x, y);
            match p.y {
                Some(at) if c.spc.is_some() => {
                    let kinds = c.spc.iter().flat_map(|spc| spc.kinds.get(i)).next();
                    spc_mark(
                        &mut body,
                        x(p.x),
                        y(at),
                        kinds.copied().unwrap_or(Variation::CommonCause),
                    );
                }
                Some(at) => {
                    let _ = writeln!(
                        body,
                        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>",
                        x(p.x),
                        y(at)
                    );
                }
                None => {
                    let _ = writeln!(
                        body,
                        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"value\">{}</text>",
                        x(p.x),
                        y(0.0) - 4.0,
                        p.label
                    );
                }
            }
        }
    }
    let mut at = below + LEAD * deepest as f64 + 12.0;
    if let Some(spc) = &c.spc {
        spc_lines(&mut body, &g, spc.trial, x, y);
        at = spc_key(&mut body, spc, 0.0, at, W, LEAD);
    }
    for (k, (_, label)) in g.references.iter().enumerate() {
        at = reference_key(&mut body, k, at, label);
    }
    let end = text_lines(&mut body, 0.0, at + 4.0, &c.axis_label);
    format!("{}{body}</svg>\n", open(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_broken_into_lines_that_fit_the_narrow_drawing() {
        let text = "Share of referrals / share of registered population (95 % confidence interval)";
        let l = lines(text);
        assert_eq!(l.join(" "), text);
        assert!(l.iter().all(|l| l.chars().count() <= LINE_CHARS), "{l:?}");
        assert_eq!(l.len(), 2);
    }
}
