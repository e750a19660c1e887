//! The marks both of a line chart's drawings (the page's and the phone's) make the same
//! way: a series' line and whiskers, the value axis, and an SPC chart's stretches,
//! points by shape and colour, and key.

use std::fmt::Write;

use super::{TONES, esc};
use crate::pdf::geometry;
use crate::pdf::model::Spc;
use crate::spc::Variation;

/// A series' line, broken where a point is missing, in a drawing whose `x` and `y` map
/// the geometry's fractions: the page's drawing and the phone's share it.
pub(super) fn series_line(
    out: &mut String,
    colour: &str,
    s: &geometry::LineMarks,
    x: impl Fn(f64) -> f64,
    y: impl Fn(f64) -> f64,
) {
    let d = path(&s.runs, x, y);
    let _ = writeln!(
        out,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"/>"
    );
}

/// The `d` of a path through pieces of line given as the geometry's fractions.
pub(super) fn path(
    runs: &[Vec<(f64, f64)>],
    x: impl Fn(f64) -> f64,
    y: impl Fn(f64) -> f64,
) -> String {
    let mut d = String::new();
    for run in runs {
        for (i, (px, py)) in run.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { "L" },
                x(*px),
                y(*py)
            );
        }
    }
    d
}

/// A line chart's value axis: a grid line across the plot at each tick, and its label
/// `gap` to the left of the plot.
pub(super) fn value_ticks(
    out: &mut String,
    axis: &geometry::Axis,
    plot_x: f64,
    plot_w: f64,
    gap: f64,
    y: impl Fn(f64) -> f64,
) {
    for tick in &axis.ticks {
        let _ = writeln!(
            out,
            "<line x1=\"{plot_x}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" class=\"grid\"/>\
             <text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\" class=\"tick\">{4}</text>",
            y(tick.at),
            plot_x + plot_w,
            plot_x - gap,
            y(tick.at) + 4.0,
            tick.label
        );
    }
}

/// An SPC chart's stretches: the mean solid, the process limits dashed (dotted when
/// trial limits).
pub(super) fn spc_lines(
    out: &mut String,
    g: &geometry::Lines,
    trial: bool,
    x: impl Fn(f64) -> f64,
    y: impl Fn(f64) -> f64,
) {
    let limit = if trial { "limit trial" } else { "limit" };
    for s in &g.stretches {
        let (x0, x1) = (x(s.x0), x(s.x1));
        let _ = writeln!(
            out,
            "<line x1=\"{x0:.1}\" y1=\"{0:.1}\" x2=\"{x1:.1}\" y2=\"{0:.1}\" class=\"mean\"/>",
            y(s.mean)
        );
        for at in [s.lower, s.upper].into_iter().flatten() {
            let _ = writeln!(
                out,
                "<line x1=\"{x0:.1}\" y1=\"{0:.1}\" x2=\"{x1:.1}\" y2=\"{0:.1}\" class=\"{limit}\"/>",
                y(at)
            );
        }
    }
}

/// A point of an SPC chart by shape as well as colour, as the PDF draws it.
pub(super) fn spc_mark(out: &mut String, cx: f64, cy: f64, kind: Variation) {
    let _ = match kind {
        Variation::CommonCause => writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\" fill=\"#737373\"/>",
            cx - 3.0,
            cy - 3.0
        ),
        Variation::Improvement => writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"11\" height=\"11\" fill=\"{}\"/>",
            cx - 5.5,
            cy - 5.5,
            TONES[0]
        ),
        Variation::Concern => {
            diamond(out, cx, cy);
            Ok(())
        }
        Variation::Neither => writeln!(
            out,
            "<path d=\"M{:.1} {:.1}L{:.1} {:.1}L{cx:.1} {:.1}Z\" fill=\"#333333\"/>",
            cx - 6.0,
            cy + 5.0,
            cx + 6.0,
            cy + 5.0,
            cy - 6.0
        ),
    };
}

/// An amber diamond 7 each way: an SPC chart's concern, a funnel's unit beyond its
/// outer limits.
pub(super) fn diamond(out: &mut String, cx: f64, cy: f64) {
    let _ = writeln!(
        out,
        "<path d=\"M{cx:.1} {:.1}L{:.1} {cy:.1}L{cx:.1} {:.1}L{:.1} {cy:.1}Z\" fill=\"{}\"/>",
        cy - 7.0,
        cx + 7.0,
        cy + 7.0,
        cx - 7.0,
        TONES[1]
    );
}

/// An SPC chart's key from `(x0, y)`: the two lines and each kind of point shown, in
/// words ([`key`]).
pub(super) fn spc_key(out: &mut String, spc: &Spc, x0: f64, y: f64, width: f64, lead: f64) -> f64 {
    let mut kinds: Vec<Variation> = vec![Variation::CommonCause];
    for k in &spc.kinds {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
    let limit = if spc.trial { "limit trial" } else { "limit" };
    let mut entries: Vec<(String, &str)> = vec![
        (
            "<line x1=\"0\" y1=\"-4\" x2=\"18\" y2=\"-4\" class=\"mean\"/>".to_string(),
            spc.words.mean.as_str(),
        ),
        (
            format!("<line x1=\"0\" y1=\"-4\" x2=\"18\" y2=\"-4\" class=\"{limit}\"/>"),
            spc.words.limits.as_str(),
        ),
    ];
    for k in kinds {
        let mut mark = String::new();
        spc_mark(&mut mark, 9.0, -4.0, k);
        // (a key's swatch, outlined, as a bar chart's are)
        let mark = mark.replacen("<rect ", "<rect class=\"key\" ", 1).replacen(
            "<path ",
            "<path class=\"key\" ",
            1,
        );
        entries.push((mark, spc.words.of(k)));
    }
    key(out, &entries, x0, y, width, lead)
}

/// A chart's key from `(x0, y)`: each entry's mark (drawn about (9, -4)) and words,
/// wrapping within `width`, about 7 units a letter. Returns where the next line would
/// go.
pub(super) fn key(
    out: &mut String,
    entries: &[(String, &str)],
    x0: f64,
    y: f64,
    width: f64,
    lead: f64,
) -> f64 {
    let (mut x, mut y) = (x0, y);
    for (mark, words) in entries {
        let w = 24.0 + 7.0 * words.chars().count() as f64 + 16.0;
        if x + w > x0 + width && x > x0 {
            x = x0;
            y += lead;
        }
        let _ = writeln!(
            out,
            "<g transform=\"translate({x:.1} {y:.1})\">{}<text x=\"24\" y=\"0\">{}</text></g>",
            mark.trim_end(),
            esc(words)
        );
        x += w;
    }
    y + lead
}

/// A point's interval as an upright whisker, where it has one.
pub(super) fn whisker(
    out: &mut String,
    p: &geometry::Point,
    x: impl Fn(f64) -> f64,
    y: impl Fn(f64) -> f64,
) {
    if let Some((l, h)) = p.whisker {
        let _ = writeln!(
            out,
            "<path d=\"M{0:.1} {1:.1}V{2:.1}\" class=\"whisker\"/>",
            x(p.x),
            y(l),
            y(h)
        );
    }
}
