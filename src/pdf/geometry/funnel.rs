//! Where everything of a funnel plot stands: the number each unit rests on across, its
//! proportion up, the average across the plot, and the 95 % and 99.8 % limits as
//! curves narrowing towards it, each cut where it leaves the value axis. The value axis
//! holds every point, the average and the outer limits at the smallest number drawn
//! (or a twentieth of the largest, if more), so the funnel opens as far as the units
//! need and no further.

use super::labels::{FUNNEL_PLOT, point_labels};
use super::{Axis, LineMarks, Lines, Point, interval, round_axis, value_label};
use crate::pdf::model::{Align, FunnelChart, Table, col};
use crate::stats::{Z95, Z998, funnel_limits};

/// A funnel plot's marks, as fractions of the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    /// The proportion, up.
    pub axis: Axis,
    /// The number it rests on, across, from 0.
    pub across: Axis,
    /// The height of the average's line.
    pub average: f64,
    /// The 95 % limits, then the 99.8 % ones: each the lower and the upper curve, as
    /// (across, up) points from where it enters the plot.
    pub limits: [[Vec<(f64, f64)>; 2]; 2],
    /// The units drawn, in the chart's order (a hidden one is left out), with their
    /// names' places.
    pub points: Vec<Dot>,
}

/// A unit's mark: where it stands, whether beyond the 99.8 % limits, its name and
/// where the name is printed (the lower left corner of its box, clear of every line),
/// and where a line from the mark to its name ends, where the name stands nearer
/// another unit's mark than its own or far from it (small units crowd).
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub beyond: bool,
    pub label: String,
    pub label_at: (f64, f64),
    pub leader: Option<(f64, f64)>,
}

/// How many numbers each curve is worked at: spaced closer where it bends most.
const STEPS: usize = 160;

pub fn funnel(c: &FunnelChart) -> Funnel {
    let drawn: Vec<(f64, f64)> = c.points.iter().filter_map(|p| p.at).collect();
    let most = drawn.iter().map(|p| p.0).fold(0.0, f64::max);
    let across = round_axis(0.0, if most > 0.0 { most } else { 100.0 }, false);
    // the funnel as wide open as at the smallest unit drawn, but no wider than at a
    // twentieth of the largest: one tiny unit would squash the rest into a line (it is
    // drawn all the same, where its own limits run off the axis); a tenth of the axis
    // where none is drawn
    let least = if drawn.is_empty() {
        across.hi / 10.0
    } else {
        let smallest = drawn.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
        smallest.max(most / 20.0).max(1.0)
    };
    let (lo, hi) = funnel_limits(c.average, least, Z998);
    let (lo, hi) = drawn
        .iter()
        .map(|p| p.1)
        .chain([c.average])
        .fold((lo, hi), |(a, b), v| (a.min(v), b.max(v)));
    let axis = round_axis(lo, hi, true);
    let limits = [Z95, Z998].map(|z| {
        let lower = curve(&axis, &across, |n| funnel_limits(c.average, n, z).0);
        let upper = curve(&axis, &across, |n| funnel_limits(c.average, n, z).1);
        [lower, upper]
    });
    let mut points: Vec<Dot> = c
        .points
        .iter()
        .filter_map(|p| {
            let (n, v) = p.at?;
            Some(Dot {
                x: across.at(n),
                y: axis.at(v),
                beyond: p.beyond,
                label: p.label.clone(),
                label_at: (0.0, 0.0),
                leader: None,
            })
        })
        .collect();
    let average = axis.at(c.average);
    // the names placed as a line chart's values are, clear of the curves, the average's
    // line and every mark
    let lines = Lines {
        axis: axis.clone(),
        xs: vec![],
        series: vec![
            LineMarks {
                runs: limits.iter().flatten().cloned().collect(),
                points: vec![],
            },
            LineMarks {
                runs: vec![],
                points: points
                    .iter()
                    .map(|d| Point {
                        x: d.x,
                        y: Some(d.y),
                        whisker: None,
                        label: d.label.clone(),
                        label_at: (0.0, 0.0),
                    })
                    .collect(),
            },
        ],
        references: vec![(average, String::new())],
        stretches: vec![],
    };
    let f = &FUNNEL_PLOT;
    let places = point_labels(&lines, f);
    let marks: Vec<(f64, f64)> = points
        .iter()
        .map(|d| (d.x * f.width, d.y * f.height))
        .collect();
    for (i, (d, b)) in points.iter_mut().zip(&places[1]).enumerate() {
        d.label_at = (b.x0 / f.width, b.y0 / f.height);
        // the point of the name's box nearest a mark, and how far
        let nearest = |(x, y): (f64, f64)| {
            let p = (x.clamp(b.x0, b.x1), y.clamp(b.y0, b.y1));
            (p, (p.0 - x).hypot(p.1 - y))
        };
        let (end, own) = nearest(marks[i]);
        let closer = marks
            .iter()
            .enumerate()
            .any(|(k, m)| k != i && nearest(*m).1 < own);
        if closer || own > f.marker + f.text_h {
            d.leader = Some((end.0 / f.width, end.1 / f.height));
        }
    }
    Funnel {
        axis,
        across,
        average,
        limits,
        points,
    }
}

/// One limit's curve over the numbers across, from where it enters the value axis
/// (found by halving between the last number outside and the first inside): a limit
/// moves towards the average as the number grows, so once inside it stays inside.
fn curve(axis: &Axis, across: &Axis, limit: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let inside = |n: f64| (axis.lo..=axis.hi).contains(&limit(n));
    let ns: Vec<f64> = (1..=STEPS)
        .map(|k| (across.hi * (k as f64 / STEPS as f64).powi(2)).max(1.0))
        .collect();
    let Some(first) = ns.iter().position(|n| inside(*n)) else {
        return vec![];
    };
    let mut out = vec![];
    if first > 0 {
        let (mut a, mut b) = (ns[first - 1], ns[first]);
        for _ in 0..50 {
            let m = (a + b) / 2.0;
            if inside(m) {
                b = m;
            } else {
                a = m;
            }
        }
        out.push((across.at(b), axis.at(limit(b))));
    }
    out.extend(
        ns[first..]
            .iter()
            .map(|n| (across.at(*n), axis.at(limit(*n)))),
    );
    out
}

/// Every unit of a funnel plot as a table: the number, the figure, both pairs of
/// limits at that number and where it lies; a unit not drawn as `*` or `-`.
pub fn funnel_data(c: &FunnelChart) -> Table {
    let w = &c.words;
    let rows = c
        .points
        .iter()
        .map(|p| match p.at {
            Some((n, v)) => vec![
                p.label.clone(),
                value_label(n, false),
                value_label(v, true),
                interval(Some(funnel_limits(c.average, n, Z95)), |x| {
                    value_label(x, true)
                }),
                interval(Some(funnel_limits(c.average, n, Z998)), |x| {
                    value_label(x, true)
                }),
                p.reading.clone(),
            ],
            None => {
                let mut row = vec![p.label.clone()];
                row.extend(std::iter::repeat_n(p.missing.to_string(), 4));
                row.push(String::new());
                row
            }
        })
        .collect();
    Table {
        columns: vec![
            col(&w.unit, 1.2, Align::Left),
            col(&w.number, 1.0, Align::Right),
            col(&w.value, 1.0, Align::Right),
            col(&w.limits_95, 1.5, Align::Right),
            col(&w.limits_99_8, 1.5, Align::Right),
            col(&w.reading, 1.3, Align::Left),
        ],
        rows,
        bold_rows: vec![],
        groups: vec![],
        note: Some(format!("Lines across the chart: {}.", w.average)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::model::{FunnelPoint, FunnelWords};

    /// A unit: its name, its number and figure (none: hidden), beyond the outer limits.
    type Unit<'a> = (&'a str, Option<(f64, f64)>, bool);

    fn chart(points: &[Unit]) -> FunnelChart {
        FunnelChart {
            title: "Recovery by partner".into(),
            count_label: "People".into(),
            average: 0.5,
            points: points
                .iter()
                .map(|(label, at, beyond)| FunnelPoint {
                    label: label.to_string(),
                    at: *at,
                    missing: "*",
                    reading: if *beyond { "above 99.8 %" } else { "within" }.into(),
                    beyond: *beyond,
                })
                .collect(),
            words: FunnelWords {
                unit: "Partner".into(),
                number: "Number".into(),
                value: "Recovery".into(),
                reading: "Where it lies".into(),
                average: "Service 50.0%".into(),
                limits_95: "95 % limits".into(),
                limits_99_8: "99.8 % limits".into(),
                beyond: "Beyond the 99.8 % limits".into(),
            },
            alt_text: "d".into(),
        }
    }

    #[test]
    fn the_funnel_opens_as_far_as_its_smallest_unit_needs() {
        // around 50 %: at 100 people the 99.8 % limits are about 35 % and 65 %, so the
        // axis runs 30 % to 70 % in steps of 10; across, 0 to 1,000 by 200
        let c = chart(&[
            ("A", Some((100.0, 0.55)), false),
            ("B", Some((900.0, 0.60)), true),
            ("C", None, false),
        ]);
        let (lo, hi) = funnel_limits(0.5, 100.0, Z998);
        assert!(
            (0.34..0.36).contains(&lo) && (0.64..0.66).contains(&hi),
            "{lo} {hi}"
        );
        let g = funnel(&c);
        let ticks: Vec<&str> = g.axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["30%", "40%", "50%", "60%", "70%"]);
        let across: Vec<&str> = g.across.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(across, ["0", "200", "400", "600", "800", "1,000"]);
        assert!((g.average - 0.5).abs() < 1e-12);
        // the hidden unit is not drawn; the others where their figures put them
        assert_eq!(g.points.len(), 2);
        assert!((g.points[0].x - 0.1).abs() < 1e-12 && (g.points[0].y - 0.625).abs() < 1e-12);
        assert!(g.points[1].beyond && !g.points[0].beyond);
        // each curve enters the plot at its edge and then stays inside, narrowing: the
        // lower rising and the upper falling towards the average
        for [lower, upper] in &g.limits {
            assert!(lower.first().unwrap().1.abs() < 1e-6, "{lower:?}");
            assert!((upper.first().unwrap().1 - 1.0).abs() < 1e-6);
            assert!(
                lower
                    .windows(2)
                    .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1)
            );
            assert!(upper.windows(2).all(|w| w[0].1 >= w[1].1));
            assert!((lower.last().unwrap().0 - 1.0).abs() < 1e-12);
        }
        // the 95 % funnel inside the 99.8 % one: its lower limit reaches the axis at a
        // smaller number
        assert!(g.limits[0][0].first().unwrap().0 < g.limits[1][0].first().unwrap().0);
    }

    #[test]
    fn one_tiny_unit_does_not_open_the_funnel_over_the_whole_axis() {
        // 5 and 4,000 people: the funnel as open as at 200 (a twentieth of 4,000), where
        // the 99.8 % limits around 50 % are 39.1 % and 60.9 %: the axis 35 % to 65 % by
        // 5 points, not 0 % to 100 % as at 5 people; the tiny unit's 40 % still inside
        let c = chart(&[
            ("T", Some((5.0, 0.4)), false),
            ("B", Some((4000.0, 0.5)), false),
        ]);
        let g = funnel(&c);
        assert!((g.axis.lo - 0.35).abs() < 1e-9 && (g.axis.hi - 0.65).abs() < 1e-9);
        assert!((g.points[0].y - 1.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn a_names_place_keeps_clear_of_the_limits_and_the_average() {
        let c = chart(&[
            ("LYPFT", Some((4000.0, 0.51)), false),
            ("GPC", Some((130.0, 0.45)), false),
            ("SH", Some((270.0, 0.50)), false),
            ("WCTS", Some((330.0, 0.62)), true),
        ]);
        let g = funnel(&c);
        let f = &FUNNEL_PLOT;
        for d in &g.points {
            let (x0, y0) = (d.label_at.0 * f.width, d.label_at.1 * f.height);
            let (x1, y1) = (x0 + (f.text_w)(&d.label) + 2.0, y0 + f.text_h);
            assert!(
                x0 >= 0.0 && x1 <= f.width && y0 >= 0.0 && y1 <= f.height,
                "{d:?}"
            );
            // no curve point falls inside the name's box
            for curve in g.limits.iter().flatten() {
                for (cx, cy) in curve {
                    let (cx, cy) = (cx * f.width, cy * f.height);
                    assert!(
                        !(x0 < cx && cx < x1 && y0 < cy && cy < y1),
                        "{} meets a limit at ({cx:.1}, {cy:.1})",
                        d.label
                    );
                }
            }
            let avg = g.average * f.height;
            assert!(!(y0 < avg && avg < y1), "{} meets the average", d.label);
        }
    }

    #[test]
    fn the_data_table_gives_each_units_limits_at_its_own_number() {
        let c = chart(&[("A", Some((100.0, 0.55)), false), ("C", None, false)]);
        let t = funnel_data(&c);
        let (a, b) = funnel_limits(0.5, 100.0, Z95);
        assert_eq!(
            t.rows[0],
            [
                "A".to_string(),
                "100".into(),
                "55.0%".into(),
                format!("{:.1}% to {:.1}%", a * 100.0, b * 100.0),
                t.rows[0][4].clone(),
                "within".into()
            ]
        );
        assert_eq!(t.rows[1][1..5], ["*", "*", "*", "*"]);
    }
}
