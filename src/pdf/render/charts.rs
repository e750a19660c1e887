//! Charts drawn as vector graphics: horizontal bars with intervals against a reference,
//! lines over periods with intervals, and the axis and alternative text under each.
//! Where each mark stands comes from [`geometry`], which the HTML twin draws from too.

use crate::pdf::geometry;
use crate::pdf::model::{BarChart, LineChart};

use super::{BAR, Layout, MARGIN_X, REFERENCE_DASHES, SMALL, TONES, grey, rgb};
use crate::pdf::model::Spc;
use crate::spc::Variation;

/// A chart's alternative text: its title is the paragraph above it and its description
/// the one below, so the figure points there rather than reading it twice.
pub(super) const FIGURE_ALT: &str =
    "Chart, described in the paragraph below it; its figures are tabled in the annex Chart data.";

impl Layout<'_> {
    pub(super) fn bar_chart(&mut self, c: &BarChart) {
        let label_w = 150.0;
        let bar_h: f32 = 13.0;
        let gap: f32 = 7.0;
        let line_h: f32 = 10.0;
        let plot_x = MARGIN_X + label_w;
        let plot_w = geometry::BAR_PLOT_W as f32;
        // A long group name wraps onto as many lines as it needs and its row grows.
        let labels: Vec<Vec<String>> = c
            .bars
            .iter()
            .map(|b| self.faces.wrap(&b.label, SMALL, false, label_w - 8.0))
            .collect();
        let rows: Vec<f32> = labels
            .iter()
            .map(|l| (bar_h + gap).max(l.len() as f32 * line_h + 4.0))
            .collect();
        let plot_h: f32 = rows.iter().sum();
        // room above the plot for the reference line's label
        let ref_room = if c.reference.is_some() { 14.0 } else { 0.0 };
        // a key under the ticks where the tones tell groups apart
        let key_h = if c.legend.is_empty() { 0.0 } else { 14.0 };
        let height = 24.0 + ref_room + plot_h + 40.0 + key_h;
        self.need(height + 30.0);
        self.tagged("P", |l| l.paragraph(&c.title, 11.0, true, 0.0));
        // everything drawn from here to the footer is the figure, read as its text
        // alternative; `chart_footer` closes it
        self.tags.open_figure(FIGURE_ALT);
        let top = self.y - ref_room;
        let g = geometry::bars(c);
        let scale = |at: f64| plot_x + at as f32 * plot_w;
        let plot_bottom = top - plot_h;
        // grid and axis ticks
        for tick in &g.axis.ticks {
            let x = scale(tick.at);
            self.line(&[(x, top + 4.0), (x, plot_bottom)], 0.3, grey(0.8), false);
            let label = &tick.label;
            let w = self.faces.width(label, SMALL, false);
            self.text(
                x - w / 2.0,
                plot_bottom - 11.0,
                label,
                SMALL,
                false,
                grey(0.3),
            );
        }
        // The reference line goes under the bars' labels.
        if let Some((at, label)) = &g.reference {
            let x = scale(*at);
            self.line(&[(x, top + 8.0), (x, plot_bottom)], 1.2, grey(0.0), true);
            let w = self.faces.width(label, SMALL, true);
            self.text(
                (x - w / 2.0).max(MARGIN_X),
                top + 11.0,
                label,
                SMALL,
                true,
                grey(0.0),
            );
        }
        let mut row_top = top;
        for (i, (b, m)) in c.bars.iter().zip(&g.bars).enumerate() {
            let row = rows[i];
            let mid = row_top - row / 2.0;
            let y0 = mid - bar_h / 2.0;
            row_top -= row;
            let label = &labels[i];
            for (li, l) in label.iter().enumerate() {
                let ly = mid - 3.0 + (label.len() as f32 - 1.0) * line_h / 2.0 - li as f32 * line_h;
                self.text(MARGIN_X, ly, l, SMALL, false, grey(0.0));
            }
            if let Some(at) = m.end {
                let end = scale(at);
                let tone = TONES[usize::from(b.tone).min(TONES.len() - 1)];
                self.rect(plot_x, y0, (end - plot_x).max(0.5), bar_h, rgb(tone));
                if b.tone > 0 {
                    // an outline keeps light bars visible on white paper
                    let (x1, y1) = ((end).max(plot_x + 0.5), y0 + bar_h);
                    self.line(
                        &[(plot_x, y0), (x1, y0), (x1, y1), (plot_x, y1), (plot_x, y0)],
                        0.5,
                        grey(0.2),
                        false,
                    );
                }
            }
            if let Some((lo, hi)) = m.whisker {
                let (xl, xh) = (scale(lo), scale(hi));
                self.line(&[(xl, mid), (xh, mid)], 1.0, grey(0.0), false);
                self.line(&[(xl, mid - 4.0), (xl, mid + 4.0)], 1.0, grey(0.0), false);
                self.line(&[(xh, mid - 4.0), (xh, mid + 4.0)], 1.0, grey(0.0), false);
            }
            let end = scale(m.text_at);
            self.text(
                end + 4.0,
                mid - 3.0,
                &b.annotation,
                SMALL,
                false,
                grey(0.15),
            );
        }
        if !c.legend.is_empty() {
            let y = plot_bottom - 26.0;
            let mut x = plot_x;
            for (tone, label) in &c.legend {
                let fill = TONES[usize::from(*tone).min(TONES.len() - 1)];
                self.rect(x, y - 1.0, 9.0, 9.0, rgb(fill));
                if *tone > 0 {
                    // the outline a light bar has
                    let box_ = [
                        (x, y - 1.0),
                        (x + 9.0, y - 1.0),
                        (x + 9.0, y + 8.0),
                        (x, y + 8.0),
                        (x, y - 1.0),
                    ];
                    self.line(&box_, 0.5, grey(0.2), false);
                }
                self.text(x + 12.0, y, label, SMALL, false, grey(0.1));
                x += 12.0 + self.faces.width(label, SMALL, false) + 14.0;
            }
        }
        self.y = plot_bottom - 26.0 - key_h;
        self.chart_footer(plot_x, plot_w, &c.axis_label, &c.alt_text);
    }

    /// The axis label centred under the plot, closing the figure, then the chart's text
    /// alternative as a paragraph.
    pub(super) fn chart_footer(
        &mut self,
        plot_x: f32,
        plot_w: f32,
        axis_label: &str,
        alt_text: &str,
    ) {
        let axis_w = self.faces.width(axis_label, SMALL, false);
        self.text(
            plot_x + (plot_w - axis_w) / 2.0,
            self.y + 2.0,
            axis_label,
            SMALL,
            false,
            grey(0.3),
        );
        self.tags.close();
        self.y -= 14.0;
        let description = format!("Chart description: {alt_text}");
        self.tagged("P", |l| l.paragraph(&description, SMALL, false, 0.0));
    }

    pub(super) fn line_chart(&mut self, c: &LineChart) {
        // the plot the geometry places the values in
        let plot_h = geometry::LINE_PLOT.height as f32;
        let plot_x = MARGIN_X + 42.0;
        let plot_w = geometry::LINE_PLOT.width as f32;
        self.need(plot_h + 110.0);
        self.tagged("P", |l| l.paragraph(&c.title, 11.0, true, 0.0));
        // everything drawn from here to the footer is the figure, read as its text
        // alternative; `chart_footer` closes it
        self.tags.open_figure(FIGURE_ALT);
        let top = self.y - 8.0;
        let bottom = top - plot_h;
        let g = geometry::lines(c);
        let sy = |at: f64| bottom + at as f32 * plot_h;
        let sx = |at: f64| plot_x + plot_w * at as f32;
        for tick in &g.axis.ticks {
            let y = sy(tick.at);
            self.line(&[(plot_x, y), (plot_x + plot_w, y)], 0.3, grey(0.8), false);
            self.text_right(plot_x - 4.0, y - 3.0, &tick.label, SMALL, false, grey(0.3));
        }
        let widths: Vec<f64> = c
            .x_labels
            .iter()
            .map(|l| f64::from(self.faces.width(l, SMALL, false)))
            .collect();
        let step = geometry::label_step(&widths, f64::from(plot_w));
        for (x_label, at) in c.x_labels.iter().zip(&g.xs).step_by(step) {
            let w = self.faces.width(x_label, SMALL, false);
            self.text(
                sx(*at) - w / 2.0,
                bottom - 12.0,
                x_label,
                SMALL,
                false,
                grey(0.2),
            );
        }
        for (k, (at, label)) in g.references.iter().enumerate() {
            let y = sy(*at);
            let dash = REFERENCE_DASHES[k % REFERENCE_DASHES.len()];
            self.dash_line(
                &[(plot_x, y), (plot_x + plot_w + 4.0, y)],
                1.1,
                grey(0.1),
                dash,
            );
            let lines = self.faces.wrap(label, SMALL, false, 112.0);
            for (li, l) in lines.iter().take(2).enumerate() {
                let ly = y - 3.0 + (lines.len().min(2) as f32 - 1.0) * 4.5 - li as f32 * 9.0;
                self.text(plot_x + plot_w + 8.0, ly, l, SMALL, false, grey(0.1));
            }
        }
        // an SPC chart: each stretch's mean, solid, and process limits, dashed (dotted
        // where they are trial limits)
        if let Some(spc) = &c.spc {
            let dash: &[f32] = if spc.trial { &[1.0, 2.0] } else { &[3.0, 2.0] };
            for s in &g.stretches {
                let (x0, x1) = (sx(s.x0), sx(s.x1));
                self.line(
                    &[(x0, sy(s.mean)), (x1, sy(s.mean))],
                    1.0,
                    grey(0.25),
                    false,
                );
                for at in [s.lower, s.upper].into_iter().flatten() {
                    self.dash_line(&[(x0, sy(at)), (x1, sy(at))], 0.8, grey(0.45), dash);
                }
            }
        }
        for (k, series) in g.series.iter().enumerate() {
            let colour = rgb(TONES[k % 2]);
            for run in &series.runs {
                let run: Vec<(f32, f32)> = run.iter().map(|(x, y)| (sx(*x), sy(*y))).collect();
                self.line(&run, 1.8, colour.clone(), false);
            }
            for (i, p) in series.points.iter().enumerate() {
                let x = sx(p.x);
                if let Some((l, h)) = p.whisker {
                    let (yl, yh) = (sy(l), sy(h));
                    self.line(&[(x, yl), (x, yh)], 0.8, grey(0.0), false);
                    self.line(&[(x - 3.0, yl), (x + 3.0, yl)], 0.8, grey(0.0), false);
                    self.line(&[(x - 3.0, yh), (x + 3.0, yh)], 0.8, grey(0.0), false);
                }
                match (p.y, &c.spc) {
                    (Some(at), Some(spc)) => {
                        let kind = spc.kinds.get(i).copied().unwrap_or(Variation::CommonCause);
                        self.spc_mark(x, sy(at), kind);
                    }
                    (Some(at), None) => {
                        let y = sy(at);
                        self.rect(x - 2.5, y - 2.5, 5.0, 5.0, colour.clone());
                    }
                    _ => {}
                }
                // the value where the geometry found it clear of every line
                if !p.label.is_empty() {
                    let (lx, ly) = (sx(p.label_at.0) + 1.0, sy(p.label_at.1) + 2.0);
                    self.text(lx, ly, &p.label, SMALL, p.y.is_some(), grey(0.0));
                }
            }
        }
        self.y = bottom - 28.0;
        if let Some(spc) = &c.spc {
            self.spc_key(plot_x, spc);
        }
        self.chart_footer(plot_x, plot_w, &c.axis_label, &c.alt_text);
    }

    /// A point of an SPC chart, by shape as well as colour: a small grey square for
    /// common cause, a blue square for improvement, an orange diamond for concern, a
    /// dark triangle where neither direction is better.
    fn spc_mark(&mut self, x: f32, y: f32, kind: Variation) {
        match kind {
            Variation::CommonCause => self.rect(x - 2.0, y - 2.0, 4.0, 4.0, grey(0.45)),
            Variation::Improvement => self.rect(x - 3.5, y - 3.5, 7.0, 7.0, rgb(BAR)),
            Variation::Concern => self.diamond(x, y),
            Variation::Neither => self.shape(
                &[(x - 4.0, y - 3.5), (x + 4.0, y - 3.5), (x, y + 4.0)],
                grey(0.2),
            ),
        }
    }

    /// An amber diamond 4.5 pt each way: an SPC chart's concern, a funnel's unit beyond
    /// its outer limits.
    pub(super) fn diamond(&mut self, x: f32, y: f32) {
        self.shape(
            &[(x, y - 4.5), (x + 4.5, y), (x, y + 4.5), (x - 4.5, y)],
            rgb(TONES[1]),
        );
    }

    /// The key of an SPC chart under its axis: the lines, and each kind of point it
    /// shows, in words.
    fn spc_key(&mut self, plot_x: f32, spc: &Spc) {
        let y = self.y + 2.0;
        let mut x = plot_x;
        self.line(&[(x, y + 3.0), (x + 14.0, y + 3.0)], 1.0, grey(0.25), false);
        self.text(x + 17.0, y, &spc.words.mean, SMALL, false, grey(0.1));
        x += 17.0 + self.faces.width(&spc.words.mean, SMALL, false) + 12.0;
        let dash: &[f32] = if spc.trial { &[1.0, 2.0] } else { &[3.0, 2.0] };
        self.dash_line(&[(x, y + 3.0), (x + 14.0, y + 3.0)], 0.8, grey(0.45), dash);
        self.text(x + 17.0, y, &spc.words.limits, SMALL, false, grey(0.1));
        x += 17.0 + self.faces.width(&spc.words.limits, SMALL, false) + 12.0;
        let mut kinds: Vec<Variation> = vec![Variation::CommonCause];
        for k in &spc.kinds {
            if !kinds.contains(k) {
                kinds.push(*k);
            }
        }
        for k in kinds {
            let words = spc.words.of(k);
            let w = 17.0 + self.faces.width(words, SMALL, false) + 12.0;
            if x + w > MARGIN_X + super::TEXT_W {
                self.y -= 12.0;
                x = plot_x;
            }
            let y = self.y + 2.0;
            self.spc_mark(x + 5.0, y + 3.0, k);
            self.text(x + 17.0, y, words, SMALL, false, grey(0.1));
            x += w;
        }
        self.y -= 14.0;
    }
}
