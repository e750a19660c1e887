//! A funnel plot drawn as vector graphics, from [`geometry::funnel`] as the HTML twin
//! draws it: the value axis up, the number each unit rests on across, the average's
//! line, the limits (95 % dashed, 99.8 % solid), each unit's mark and name, and a key.

use crate::pdf::geometry;
use crate::pdf::model::FunnelChart;

use super::charts::FIGURE_ALT;
use super::{BAR, Layout, SMALL, grey, rgb};

/// The dashes of the 95 % limits; the 99.8 % ones are solid.
const DASH_95: &[f32] = &[4.0, 2.0];

impl Layout<'_> {
    pub(super) fn funnel_chart(&mut self, c: &FunnelChart) {
        let f = &geometry::FUNNEL_PLOT;
        let (plot_w, plot_h) = (f.width as f32, f.height as f32);
        let plot_x = super::MARGIN_X + 42.0;
        self.need(plot_h + 120.0);
        self.tagged("P", |l| l.paragraph(&c.title, 11.0, true, 0.0));
        // everything drawn from here to the footer is the figure (`chart_footer` closes it)
        self.tags.open_figure(FIGURE_ALT);
        let top = self.y - 8.0;
        let bottom = top - plot_h;
        let g = geometry::funnel(c);
        let sx = |at: f64| plot_x + plot_w * at as f32;
        let sy = |at: f64| bottom + at as f32 * plot_h;
        // the value axis first, then the numbers across, as the HTML sets them down
        for tick in &g.axis.ticks {
            let y = sy(tick.at);
            self.line(&[(plot_x, y), (plot_x + plot_w, y)], 0.3, grey(0.8), false);
            self.text_right(plot_x - 4.0, y - 3.0, &tick.label, SMALL, false, grey(0.3));
        }
        for tick in &g.across.ticks {
            let x = sx(tick.at);
            self.line(&[(x, bottom), (x, bottom - 3.0)], 0.5, grey(0.3), false);
            let w = self.faces.width(&tick.label, SMALL, false);
            self.text(
                x - w / 2.0,
                bottom - 12.0,
                &tick.label,
                SMALL,
                false,
                grey(0.2),
            );
        }
        let avg = sy(g.average);
        self.line(
            &[(plot_x, avg), (plot_x + plot_w, avg)],
            1.2,
            grey(0.1),
            false,
        );
        for (k, pair) in g.limits.iter().enumerate() {
            for curve in pair.iter().filter(|c| c.len() > 1) {
                let pts: Vec<(f32, f32)> = curve.iter().map(|(x, y)| (sx(*x), sy(*y))).collect();
                match k {
                    0 => self.dash_line(&pts, 0.9, grey(0.35), DASH_95),
                    _ => self.line(&pts, 0.9, grey(0.35), false),
                }
            }
        }
        for d in &g.points {
            if let Some((lx, ly)) = d.leader {
                let (x, y) = (sx(d.x), sy(d.y));
                self.line(&[(x, y), (sx(lx), sy(ly))], 0.5, grey(0.3), false);
            }
        }
        for d in &g.points {
            self.funnel_mark(sx(d.x), sy(d.y), d.beyond);
            // the name where the geometry found it clear of every line
            let (lx, ly) = (sx(d.label_at.0) + 1.0, sy(d.label_at.1) + 2.0);
            self.text(lx, ly, &d.label, SMALL, true, grey(0.0));
        }
        self.y = bottom - 28.0;
        self.funnel_key(plot_x, c, g.points.iter().any(|d| d.beyond));
        self.chart_footer(plot_x, plot_w, &c.count_label, &c.alt_text);
    }

    /// A unit's mark: a dark blue square, or an amber diamond beyond the 99.8 % limits
    /// (told apart by shape as well as colour).
    fn funnel_mark(&mut self, x: f32, y: f32, beyond: bool) {
        if beyond {
            self.diamond(x, y);
        } else {
            self.rect(x - 2.5, y - 2.5, 5.0, 5.0, rgb(BAR));
        }
    }

    /// The key under the axis: the average's line, each pair of limits, and the mark of
    /// a unit beyond the outer limits where one is.
    fn funnel_key(&mut self, plot_x: f32, c: &FunnelChart, beyond: bool) {
        let w = &c.words;
        let y = self.y + 2.0;
        let mut x = plot_x;
        let entry = |l: &mut Self, x: &mut f32, words: &str| {
            l.text(*x + 17.0, y, words, SMALL, false, grey(0.1));
            *x += 17.0 + l.faces.width(words, SMALL, false) + 12.0;
        };
        self.line(&[(x, y + 3.0), (x + 14.0, y + 3.0)], 1.2, grey(0.1), false);
        entry(self, &mut x, &w.average);
        self.dash_line(
            &[(x, y + 3.0), (x + 14.0, y + 3.0)],
            0.9,
            grey(0.35),
            DASH_95,
        );
        entry(self, &mut x, &w.limits_95);
        self.line(&[(x, y + 3.0), (x + 14.0, y + 3.0)], 0.9, grey(0.35), false);
        entry(self, &mut x, &w.limits_99_8);
        if beyond {
            self.funnel_mark(x + 5.0, y + 3.0, true);
            entry(self, &mut x, &w.beyond);
        }
        self.y -= 14.0;
    }
}
