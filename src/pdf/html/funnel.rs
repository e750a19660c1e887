//! A funnel plot's two drawings, the page's and the phone's, from the geometry the PDF
//! draws from: the value axis up, the number each unit rests on across, the average's
//! line, the 95 % limits dashed and the 99.8 % limits solid, each unit's mark (a
//! diamond beyond the 99.8 % limits) and, on the page, its name; a key under the plot.

use std::fmt::Write;

use super::marks::{diamond, key, path, value_ticks};
use super::narrow::{self, CHAR_W, LEAD};
use super::{Html, TONES, W, esc};
use crate::pdf::geometry::{self, Funnel};
use crate::pdf::model::FunnelChart;

impl Html {
    pub(super) fn funnel_chart(&mut self, c: &FunnelChart) {
        // the plot is as much taller than the PDF's as it is wider, so its 12-unit
        // names stand where the PDF's were found clear
        let (plot_x, plot_w, top, plot_h) = (60.0, W - 60.0 - 140.0, 20.0, 260.0);
        let g = geometry::funnel(c);
        let mut body = String::new();
        let x = |at: f64| plot_x + plot_w * at;
        let y = |at: f64| top + plot_h * (1.0 - at);
        value_ticks(&mut body, &g.axis, plot_x, plot_w, 6.0, y);
        across_ticks(&mut body, &g, top + plot_h, 18.0, x);
        marks(&mut body, &g, x, y);
        for d in &g.points {
            if let Some((lx, ly)) = d.leader {
                let _ = writeln!(
                    body,
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" class=\"leader\"/>",
                    x(d.x),
                    y(d.y),
                    x(lx),
                    y(ly)
                );
            }
            // the name where the geometry found it clear of every line
            let _ = writeln!(
                body,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"value\">{}</text>",
                x(d.label_at.0) + 1.0,
                y(d.label_at.1) - 3.0,
                esc(&d.label)
            );
        }
        let below = key(
            &mut body,
            &entries(c, &g),
            plot_x,
            top + plot_h + 44.0,
            W - plot_x,
            20.0,
        );
        let height = below + 20.0;
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            plot_x + plot_w / 2.0,
            below + 4.0,
            esc(&c.count_label)
        );
        self.figure_open(height);
        self.raw(&body);
        self.figure_close(
            &c.title,
            &c.alt_text,
            &geometry::funnel_data(c),
            &narrow_drawing(c),
        );
    }
}

/// The numbers across under the plot (every other one, or fewer, where they would
/// meet), `gap` below it.
fn across_ticks(out: &mut String, g: &Funnel, bottom: f64, gap: f64, x: impl Fn(f64) -> f64) {
    let widths: Vec<f64> = g
        .across
        .ticks
        .iter()
        .map(|t| CHAR_W * t.label.chars().count() as f64)
        .collect();
    let width = x(1.0) - x(0.0);
    let step = geometry::label_step(&widths, width);
    for t in g.across.ticks.iter().step_by(step) {
        let _ = writeln!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{bottom:.1}\" x2=\"{0:.1}\" y2=\"{1:.1}\" class=\"axis\"/>\
             <text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\" class=\"xtick\">{3}</text>",
            x(t.at),
            bottom + 4.0,
            bottom + gap,
            t.label
        );
    }
}

/// The average's line, the limits and the units' marks, as both drawings make them.
fn marks(out: &mut String, g: &Funnel, x: impl Fn(f64) -> f64, y: impl Fn(f64) -> f64) {
    let _ = writeln!(
        out,
        "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{2:.1}\" y2=\"{1:.1}\" class=\"average\"/>",
        x(0.0),
        y(g.average),
        x(1.0)
    );
    for (k, pair) in g.limits.iter().enumerate() {
        let class = ["limit95", "limit998"][k];
        for curve in pair.iter().filter(|c| c.len() > 1) {
            let d = path(std::slice::from_ref(curve), &x, &y);
            let _ = writeln!(out, "<path d=\"{d}\" class=\"{class}\"/>");
        }
    }
    for d in &g.points {
        mark(out, x(d.x), y(d.y), d.beyond);
    }
}

/// A unit's mark, as the PDF draws it: a dark blue square, an amber diamond beyond the
/// 99.8 % limits.
fn mark(out: &mut String, cx: f64, cy: f64, beyond: bool) {
    if beyond {
        diamond(out, cx, cy);
    } else {
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{}\"/>",
            cx - 4.0,
            cy - 4.0,
            TONES[0]
        );
    }
}

/// The key's entries: the average's line, each pair of limits, and the mark beyond the
/// 99.8 % limits where a unit is.
fn entries<'a>(c: &'a FunnelChart, g: &Funnel) -> Vec<(String, &'a str)> {
    let line =
        |class: &str| format!("<line x1=\"0\" y1=\"-4\" x2=\"18\" y2=\"-4\" class=\"{class}\"/>");
    let w = &c.words;
    let mut out = vec![
        (line("average"), w.average.as_str()),
        (line("limit95"), w.limits_95.as_str()),
        (line("limit998"), w.limits_99_8.as_str()),
    ];
    if g.points.iter().any(|d| d.beyond) {
        let mut m = String::new();
        mark(&mut m, 9.0, -4.0, true);
        out.push((
            m.replacen("<path ", "<path class=\"key\" ", 1),
            w.beyond.as_str(),
        ));
    }
    out
}

/// The phone's drawing: the same marks in 288 units, every other number across where
/// they would crowd, no names (the data table under the chart holds every unit), the
/// key and the count's words in lines under the plot.
fn narrow_drawing(c: &FunnelChart) -> String {
    let g = geometry::funnel(c);
    let (plot_x, top, plot_h) = (44.0, 10.0, 200.0);
    let plot_w = narrow::W - plot_x - 12.0;
    let x = |at: f64| plot_x + plot_w * at;
    let y = |at: f64| top + plot_h * (1.0 - at);
    let mut body = String::new();
    value_ticks(&mut body, &g.axis, plot_x, plot_w, 5.0, y);
    across_ticks(&mut body, &g, top + plot_h, 18.0, x);
    marks(&mut body, &g, x, y);
    let at = key(
        &mut body,
        &entries(c, &g),
        0.0,
        top + plot_h + 16.0 + LEAD + 12.0,
        narrow::W,
        LEAD,
    );
    let end = narrow::text_lines(&mut body, 0.0, at + 4.0, &c.count_label);
    format!("{}{body}</svg>\n", narrow::open(end))
}
