//! Where a line chart's printed values stand, so that no value is crossed by a line, a
//! whisker, a reference line, a point or another value. The places are found once, in
//! the PDF's plot ([`PLOT`]: its size and its 8.5 pt bold figures), and given as
//! fractions of the plot, so the PDF and its HTML twin print each value at the same
//! place. The HTML's letters are smaller for its plot than the PDF's (12 px in a 520 by
//! 180 plot), so a place clear in the PDF is clear there too; the tests check both.

use super::Lines;

/// A plot in a renderer's own units: its size, and how big its value text is.
pub(crate) struct Frame<'a> {
    pub width: f64,
    pub height: f64,
    /// The height of a line of value text.
    pub text_h: f64,
    /// Half the size of a point's marker.
    pub marker: f64,
    /// The width of a value's text.
    pub text_w: &'a dyn Fn(&str) -> f64,
}

/// The PDF's line-chart plot, where the places are found.
pub(crate) const PLOT: Frame<'static> = Frame {
    width: 331.3,
    height: 110.0,
    text_h: 8.5,
    marker: 2.5,
    text_w: &|s| bold_width(s, 8.5),
};

/// The PDF's funnel plot, taller than a line chart's so its limits open out; the HTML
/// draws it 520 by 260 with 12 px names, smaller for their plot again.
pub(crate) const FUNNEL_PLOT: Frame<'static> = Frame {
    width: 331.3,
    height: 170.0,
    text_h: 8.5,
    marker: 3.0,
    text_w: &|s| bold_width(s, 8.5),
};

/// The width of figures set in Liberation Sans Bold at `size`, from the font's advance
/// widths (a letter other than these counted at its widest, 0.722 em).
pub(crate) fn bold_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            '0'..='9' => 0.556,
            '.' | ',' | ' ' => 0.278,
            '%' => 0.889,
            '*' => 0.389,
            '-' => 0.333,
            _ => 0.722,
        })
        .sum::<f64>()
        * size
}

/// A box in a frame's units: `x` from the plot's left edge, `y` up from its bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LabelBox {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl LabelBox {
    fn centre(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// How far a point is from the box (0 inside it).
    fn distance(&self, (x, y): (f64, f64)) -> f64 {
        (x - x.clamp(self.x0, self.x1)).hypot(y - y.clamp(self.y0, self.y1))
    }

    fn overlaps(&self, o: &LabelBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether the segment from `a` to `b` passes through the box (Liang-Barsky).
    fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// A straight stroke from one end to the other, in a frame's units.
type Segment = ((f64, f64), (f64, f64));

/// Everything drawn on a line chart's plot that a value must not sit on: each line
/// (a series' run, a whisker with its caps, a reference line) as its segments, and
/// each point's marker as a box. A value crossing a line counts once, however many
/// of its short segments (a funnel's curves) it meets.
fn obstacles(g: &Lines, f: &Frame) -> (Vec<Vec<Segment>>, Vec<LabelBox>) {
    let at = |(x, y): (f64, f64)| (x * f.width, y * f.height);
    let mut lines = vec![];
    let mut marks = vec![];
    for s in &g.series {
        for run in &s.runs {
            lines.push(run.windows(2).map(|w| (at(w[0]), at(w[1]))).collect());
        }
        for p in &s.points {
            let x = p.x * f.width;
            if let Some((l, h)) = p.whisker {
                let (l, h) = (l * f.height, h * f.height);
                let cap = f.marker + 0.5;
                lines.push(vec![
                    ((x, l), (x, h)),
                    ((x - cap, l), (x + cap, l)),
                    ((x - cap, h), (x + cap, h)),
                ]);
            }
            if let Some(y) = p.y {
                let y = y * f.height;
                marks.push(LabelBox {
                    x0: x - f.marker,
                    y0: y - f.marker,
                    x1: x + f.marker,
                    y1: y + f.marker,
                });
            }
        }
    }
    for (y, _) in &g.references {
        let y = y * f.height;
        lines.push(vec![((0.0, y), (f.width, y))]);
    }
    (lines, marks)
}

/// Where each point's value is printed, series by series and point by point: the
/// first of fourteen places beside the point (right and just above first), two beyond
/// its whisker's ends and four further out that is inside the plot and clear of
/// everything drawn and every value placed before it; failing all, the place that
/// meets the least (a value or a mark counting twenty lines, a point nearer than its
/// own five, being further out three). A point without a value (hidden) has its mark
/// at the foot of the plot, or a line or more above it.
pub(super) fn point_labels(g: &Lines, f: &Frame) -> Vec<Vec<LabelBox>> {
    let (lines, marks) = obstacles(g, f);
    let mut placed: Vec<LabelBox> = vec![];
    let mut out = vec![];
    for s in &g.series {
        let mut boxes = vec![];
        for p in &s.points {
            let w = (f.text_w)(&p.label) + 2.0;
            let h = f.text_h;
            let x = p.x * f.width;
            let gap = f.marker + 1.5;
            let at = |x0: f64, y0: f64| LabelBox {
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + h,
            };
            let mut candidates = vec![];
            // the places from here on are far from the point: read with a leader line
            let mut near = usize::MAX;
            match p.y.map(|y| y * f.height) {
                // a point without a value: its mark at the foot of the plot, or just above
                None => {
                    for k in 0..4 {
                        candidates.push(at(x - w / 2.0, 2.0 + f64::from(k) * (h + 1.0)));
                    }
                }
                // beside the point, right then left, from just above it outwards in
                // half-lines; then beyond the whisker's ends
                Some(y) => {
                    let (low, high) = p
                        .whisker
                        .map_or((y, y), |(l, hi)| (l * f.height, hi * f.height));
                    for dy in [
                        1.0,
                        -1.0 - h,
                        -h / 2.0,
                        h / 2.0 + 1.0,
                        -1.5 * h - 1.0,
                        h + 1.0,
                        -2.0 * h - 1.0,
                    ] {
                        candidates.push(at(x + gap, y + dy));
                        candidates.push(at(x - gap - w, y + dy));
                    }
                    candidates.push(at(x - w / 2.0, high + 2.0));
                    candidates.push(at(x - w / 2.0, low - 2.0 - h));
                    // where points crowd (a funnel's small units): further out
                    near = candidates.len();
                    for dy in [2.0 * h + 2.0, -3.0 * h - 2.0] {
                        candidates.push(at(x + gap, y + dy));
                        candidates.push(at(x - gap - w, y + dy));
                    }
                }
            }
            // a value on another value or on a mark cannot be read; one nearer another
            // point than its own is misread; one crossed by a line can be read
            let own = p.y.map(|y| (x, y * f.height));
            let meets = |b: &LabelBox| {
                let outside = b.x0 < 0.0 || b.x1 > f.width || b.y0 < 0.0 || b.y1 > f.height;
                let nearer = own.map_or(0, |o| {
                    let mine = b.distance(o);
                    marks
                        .iter()
                        .map(LabelBox::centre)
                        .filter(|m| (m.0 - o.0).hypot(m.1 - o.1) > 1e-6 && b.distance(*m) < mine)
                        .count()
                });
                usize::from(outside) * 1000
                    + lines
                        .iter()
                        .filter(|l| l.iter().any(|(a, c)| b.crossed_by(*a, *c)))
                        .count()
                    + 5 * nearer
                    + 20 * marks.iter().filter(|m| b.overlaps(m)).count()
                    + 20 * placed.iter().filter(|o| b.overlaps(o)).count()
            };
            let best = candidates
                .iter()
                .enumerate()
                .min_by_key(|(i, b)| meets(b) + if *i >= near { 3 } else { 0 })
                .map(|(_, b)| *b)
                .expect("there are candidates");
            placed.push(best);
            boxes.push(best);
        }
        out.push(boxes);
    }
    out
}

/// The PDF's bar-chart plot width, in points, where a bar's value is placed.
pub(crate) const BAR_PLOT_W: f64 = 273.3;

/// Where a bar's value starts, as a fraction of the plot: just after its bar and
/// whisker (`after`), or, if the reference line at `reference` would cross the value's
/// 8.5 pt text there, just after the line. (The HTML's 12 px text is shorter for its
/// plot, so the same place keeps clear there too.)
pub(super) fn bar_value_at(after: f64, text: &str, reference: Option<f64>) -> f64 {
    let gap = 4.0 / BAR_PLOT_W;
    let end = after + gap + (bold_width(text, 8.5) + 2.0) / BAR_PLOT_W;
    match reference {
        Some(r) if (after..end).contains(&r) => r + gap / 2.0,
        _ => after,
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines;
    use super::*;
    use crate::pdf::model::{LineChart, Series};

    fn chart(points: Vec<Option<f64>>, ci: f64, references: Vec<f64>) -> LineChart {
        LineChart {
            title: "t".into(),
            axis_label: "a".into(),
            x_labels: (1..=points.len()).map(|i| format!("Q{i}")).collect(),
            series: vec![Series {
                label: "s".into(),
                ci: points.iter().map(|p| p.map(|v| (v - ci, v + ci))).collect(),
                missing: vec!["*"; points.len()],
                points,
            }],
            references: references.into_iter().map(|r| (r, "r".into())).collect(),
            percent: true,
            alt_text: "d".into(),
            spc: None,
        }
    }

    /// The PDF's plot and letters (8.5 pt bold figures), and the HTML's (12 px).
    fn frames() -> [Frame<'static>; 2] {
        [
            PLOT,
            Frame {
                width: 520.0,
                height: 180.0,
                text_h: 12.0,
                marker: 4.0,
                text_w: &|s| bold_width(s, 12.0),
            },
        ]
    }

    /// What each value, printed at its place in frame `f` at that frame's size, meets:
    /// segments crossing it, markers and other values under it, leaving the plot.
    fn clashes(c: &LineChart, f: &Frame) -> Vec<String> {
        let g = lines(c);
        let (lines, marks) = obstacles(&g, f);
        let boxes: Vec<LabelBox> = g
            .series
            .iter()
            .flat_map(|s| &s.points)
            .map(|p| {
                let (x0, y0) = (p.label_at.0 * f.width, p.label_at.1 * f.height);
                LabelBox {
                    x0,
                    y0,
                    x1: x0 + (f.text_w)(&p.label) + 2.0,
                    y1: y0 + f.text_h,
                }
            })
            .collect();
        let mut out = vec![];
        for (i, b) in boxes.iter().enumerate() {
            if b.x0 < 0.0 || b.x1 > f.width || b.y0 < 0.0 || b.y1 > f.height {
                out.push(format!("value {i} leaves the plot: {b:?}"));
            }
            for (a, e) in lines.iter().flatten() {
                if b.crossed_by(*a, *e) {
                    out.push(format!("value {i} {b:?} is crossed by {a:?}-{e:?}"));
                }
            }
            if marks.iter().any(|m| b.overlaps(m)) {
                out.push(format!("value {i} covers a point"));
            }
            if boxes
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && b.overlaps(o))
            {
                out.push(format!("value {i} covers another value"));
            }
        }
        out
    }

    #[test]
    fn a_segment_crosses_a_box_only_where_it_passes_through_it() {
        let b = LabelBox {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 5.0,
        };
        assert!(b.crossed_by((-5.0, 2.0), (15.0, 2.0)));
        assert!(b.crossed_by((5.0, -5.0), (5.0, 10.0)));
        assert!(b.crossed_by((-1.0, -1.0), (11.0, 6.0)));
        assert!(!b.crossed_by((-5.0, 6.0), (15.0, 6.0)));
        assert!(!b.crossed_by((11.0, -5.0), (11.0, 10.0)));
        assert!(!b.crossed_by((-5.0, 0.0 - 1.0), (0.0 - 1.0, 10.0)));
    }

    #[test]
    fn a_rising_line_moves_a_value_off_the_place_it_would_cross() {
        // from 20 % up to 60 %: right and above the first point is where the line runs
        let c = chart(vec![Some(0.2), Some(0.6), Some(0.6)], 0.01, vec![]);
        let first = &lines(&c).series[0].points[0];
        let (x, y) = first.label_at;
        assert!(!(x > first.x && y > first.y.unwrap()), "{first:?}");
        for f in &frames() {
            assert_eq!(clashes(&c, f), Vec::<String>::new());
        }
    }

    #[test]
    fn a_reference_line_through_the_points_keeps_clear_of_every_value() {
        // the service's line runs through the middle of the points, as on the sample
        let c = chart(
            vec![
                Some(0.391),
                Some(0.434),
                Some(0.442),
                Some(0.432),
                Some(0.418),
            ],
            0.02,
            vec![0.419, 0.5],
        );
        for f in &frames() {
            assert_eq!(clashes(&c, f), Vec::<String>::new());
        }
    }

    #[test]
    fn no_value_meets_a_line_on_many_series_of_four_and_five_points() {
        // a fixed sequence of series shaped like the reports' (quarters, quintiles): up,
        // down, flat, zigzag, wide and narrow intervals, a hidden point, reference lines
        let mut seed: u64 = 20_261_205;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut tried = 0;
        for n in [4, 5] {
            for _ in 0..150 {
                let base = 0.1 + 0.6 * next();
                let points: Vec<Option<f64>> = (0..n)
                    .map(|i| {
                        if next() < 0.08 && i > 0 {
                            None
                        } else {
                            Some((base + 0.12 * (next() - 0.5)).clamp(0.02, 0.95))
                        }
                    })
                    .collect();
                let ci = 0.005 + 0.04 * next();
                let refs = (0..(next() * 3.0) as usize)
                    .map(|_| base + 0.1 * (next() - 0.5))
                    .collect();
                let c = chart(points, ci, refs);
                for f in &frames() {
                    assert_eq!(clashes(&c, f), Vec::<String>::new(), "{:?}", c.series[0]);
                    tried += 1;
                }
            }
        }
        assert_eq!(tried, 600);
    }

    #[test]
    fn a_bar_value_the_reference_line_would_cross_starts_after_it() {
        // "0.59 (lower)" after a whisker ending at 0.35: about 0.22 of the plot long
        let after = bar_value_at(0.35, "0.59 (lower)", Some(0.4));
        assert!((after - (0.4 + 2.0 / BAR_PLOT_W)).abs() < 1e-12, "{after}");
        // a reference line beyond the text, or before the bar's end, leaves it there
        assert_eq!(bar_value_at(0.35, "0.59 (lower)", Some(0.9)), 0.35);
        assert_eq!(bar_value_at(0.35, "0.59 (lower)", Some(0.3)), 0.35);
        assert_eq!(bar_value_at(0.35, "0.59 (lower)", None), 0.35);
    }
}
