//! Where everything of a chart stands, worked out once: the value axis and its ticks,
//! each point, interval, bar and reference line, and the words printed beside them,
//! as fractions of the plot (0 at the axis start, 1 at its end). The PDF and its HTML
//! twin only map these fractions onto their own frame, so the two files of one document
//! cannot show one figure on different axes.

mod funnel;
mod labels;

pub use funnel::{Funnel, funnel, funnel_data};
pub(crate) use labels::{BAR_PLOT_W, FUNNEL_PLOT, PLOT as LINE_PLOT};

use super::model::{Align, BarChart, LineChart, Table, col};

/// A value axis: its range and ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<Tick>,
}

/// One tick of a value axis and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

impl Axis {
    /// Where a value stands along the axis, kept inside it.
    pub fn at(&self, v: f64) -> f64 {
        ((v - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0)
    }
}

/// A line chart: the value axis runs up, the categories across.
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub axis: Axis,
    /// Where each category (x label) stands across the plot, in order.
    pub xs: Vec<f64>,
    pub series: Vec<LineMarks>,
    /// Each reference line's height and label, in order.
    pub references: Vec<(f64, String)>,
    /// An SPC chart's stretches: where each runs across, and its mean and limits up.
    pub stretches: Vec<StretchMarks>,
}

/// One stretch of an SPC chart: from the first of its points to the last (half a step
/// beyond each, so a stretch of one point still shows), its mean and process limits.
#[derive(Debug, Clone, PartialEq)]
pub struct StretchMarks {
    pub x0: f64,
    pub x1: f64,
    pub mean: f64,
    /// None where the limit lies beyond the axis (a share's limit below 0 %).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Every how many points an axis `width` wide prints its label, so that no two labels
/// printed side by side (each as wide as `widths` says, and a gap) run into each
/// other: 1 for quarters or quintiles, more for two years of months.
pub fn label_step(widths: &[f64], width: f64) -> usize {
    let spacing = width / widths.len().max(1) as f64;
    (1..widths.len().max(1))
        .find(|&k| {
            (k..widths.len())
                .step_by(k)
                .all(|i| (widths[i - k] + widths[i]) / 2.0 + 6.0 <= spacing * k as f64)
        })
        .unwrap_or(widths.len().max(1))
}

/// One series: the pieces of its line (broken where a point is missing, so a gap is
/// not drawn as a trend) and its points.
#[derive(Debug, Clone, PartialEq)]
pub struct LineMarks {
    pub runs: Vec<Vec<(f64, f64)>>,
    pub points: Vec<Point>,
}

/// A point of a series: across, up (none when hidden: a star stands on the axis), its
/// interval's ends, the value printed beside it and where: the lower left corner of the
/// value's box, clear of every line (`labels`).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: Option<f64>,
    pub whisker: Option<(f64, f64)>,
    pub label: String,
    pub label_at: (f64, f64),
}

/// A bar chart: the value axis runs across, the bars down.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub axis: Axis,
    pub bars: Vec<BarMarks>,
    pub reference: Option<(f64, String)>,
}

/// One bar: where it ends (none when hidden or not computable), its interval's ends,
/// and where its annotation starts (after the bar and its interval, and after the
/// reference line where that would cross it).
#[derive(Debug, Clone, PartialEq)]
pub struct BarMarks {
    pub end: Option<f64>,
    pub whisker: Option<(f64, f64)>,
    pub text_at: f64,
}

/// A value as a chart labels a point: percentages and rates to one decimal, as the
/// tables give them, and a whole number (a count) whole, thousands marked.
pub fn value_label(v: f64, percent: bool) -> String {
    if percent {
        format!("{:.1}%", v * 100.0)
    } else if v.fract() == 0.0 && v >= 0.0 {
        crate::disclosure::thousands(v as u64)
    } else {
        format!("{v:.1}")
    }
}

/// A tick's label: whole percentages, rates to one decimal.
fn tick_label(v: f64, percent: bool) -> String {
    if percent {
        format!("{:.0}%", v * 100.0)
    } else {
        format!("{v:.1}")
    }
}

/// The vertical axis of a line chart: every point, interval and reference line inside.
fn line_axis(c: &LineChart) -> Axis {
    let (lo, hi) = c.extent();
    round_axis(lo, hi, c.percent)
}

/// An axis from `lo` to `hi` on round steps, so a small change is visible without the
/// axis hiding where it sits: from 0 at the lowest for shares and counts.
fn round_axis(lo: f64, hi: f64, percent: bool) -> Axis {
    let span = (hi - lo).max(1e-9);
    // round steps of any size: 1, 2 and 5 times a power of ten (a share's hundredths to a
    // count's thousands), and quarters
    let mut steps: Vec<f64> = (-2..=7)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .chain([0.25])
        .collect();
    steps.sort_by(f64::total_cmp);
    let step = steps.into_iter().find(|s| span / s <= 5.0).unwrap_or(1e7);
    let mut low = (lo / step).floor() * step;
    let mut high = (hi / step).ceil() * step;
    if high - low < step * 1.5 {
        high += step;
    }
    if percent || lo >= 0.0 {
        low = low.max(0.0);
    }
    let n = ((high - low) / step).round() as i32;
    let ticks = (0..=n)
        .map(|i| {
            let v = low + step * f64::from(i);
            Tick {
                at: (v - low) / (high - low),
                // an axis of whole steps in whole numbers, thousands marked: "2,200"
                label: if !percent && step >= 1.0 && v >= 0.0 {
                    crate::disclosure::thousands(v.round() as u64)
                } else {
                    tick_label(v, percent)
                },
            }
        })
        .collect();
    Axis {
        lo: low,
        hi: high,
        ticks,
    }
}

/// Where everything of a line chart stands.
pub fn lines(c: &LineChart) -> Lines {
    let axis = line_axis(c);
    let n = c.x_labels.len().max(1);
    let xs: Vec<f64> = (0..c.x_labels.len())
        .map(|i| (i as f64 + 0.5) / n as f64)
        .collect();
    let x = |i: usize| (i as f64 + 0.5) / n as f64;
    let series = c
        .series
        .iter()
        .map(|s| {
            let mut runs = Vec::new();
            let mut run: Vec<(f64, f64)> = Vec::new();
            for (i, p) in s.points.iter().enumerate() {
                match p {
                    Some(v) => run.push((x(i), axis.at(*v))),
                    None => {
                        if run.len() > 1 {
                            runs.push(std::mem::take(&mut run));
                        }
                        run.clear();
                    }
                }
            }
            if run.len() > 1 {
                runs.push(run);
            }
            let points = s
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| Point {
                    x: x(i),
                    y: p.map(|v| axis.at(v)),
                    whisker: s
                        .ci
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|(l, h)| (axis.at(l), axis.at(h))),
                    // an SPC chart's many points are read from its data table
                    label: match p {
                        _ if c.spc.is_some() => String::new(),
                        Some(v) => value_label(*v, c.percent),
                        None => "*".into(),
                    },
                    label_at: (0.0, 0.0),
                })
                .collect();
            LineMarks { runs, points }
        })
        .collect();
    let references = c
        .references
        .iter()
        .map(|(v, label)| (axis.at(*v), label.clone()))
        .collect();
    let half = 0.5 / n as f64;
    let stretches = c
        .spc
        .iter()
        .flat_map(|s| &s.stretches)
        .map(|t| StretchMarks {
            x0: x(t.from) - half * 0.6,
            x1: x(t.to.saturating_sub(1)) + half * 0.6,
            mean: axis.at(t.limits.mean),
            lower: (t.limits.lower >= axis.lo).then(|| axis.at(t.limits.lower)),
            upper: (t.limits.upper <= axis.hi).then(|| axis.at(t.limits.upper)),
        })
        .collect();
    let mut g = Lines {
        axis,
        xs,
        series,
        references,
        stretches,
    };
    let f = &labels::PLOT;
    let places = labels::point_labels(&g, f);
    for (s, boxes) in g.series.iter_mut().zip(places) {
        for (p, b) in s.points.iter_mut().zip(boxes) {
            p.label_at = (b.x0 / f.width, b.y0 / f.height);
        }
    }
    g
}

/// Where everything of a bar chart stands: the axis from 0 to `axis_max` in quarters.
pub fn bars(c: &BarChart) -> Bars {
    let max = if c.axis_max > 0.0 { c.axis_max } else { 1.0 };
    let axis = Axis {
        lo: 0.0,
        hi: max,
        ticks: (0..=4)
            .map(|i| Tick {
                at: f64::from(i) / 4.0,
                label: tick_label(max * f64::from(i) / 4.0, c.percent),
            })
            .collect(),
    };
    let bars = c
        .bars
        .iter()
        .map(|b| {
            let end = b.value.map(|v| axis.at(v));
            let whisker = b.ci.map(|(l, h)| (axis.at(l), axis.at(h)));
            let after = end.unwrap_or(0.0).max(whisker.map_or(0.0, |w| w.1));
            let reference = c.reference.as_ref().map(|(v, _)| axis.at(*v));
            let text_at = labels::bar_value_at(after, &b.annotation, reference);
            BarMarks {
                end,
                whisker,
                text_at,
            }
        })
        .collect();
    let reference = c
        .reference
        .as_ref()
        .map(|(v, label)| (axis.at(*v), label.clone()));
    Bars {
        axis,
        bars,
        reference,
    }
}

/// An interval as its table shows it: "40.1% to 45.0%".
fn interval(ci: Option<(f64, f64)>, label: impl Fn(f64) -> String) -> String {
    ci.map_or("-".into(), |(l, h)| format!("{} to {}", label(l), label(h)))
}

/// The reference lines of a chart in words, for its data table's note.
fn references_note(refs: &[(f64, String)]) -> Option<String> {
    (!refs.is_empty()).then(|| {
        let lines: Vec<&str> = refs.iter().map(|(_, l)| l.as_str()).collect();
        format!("Lines across the chart: {}.", lines.join("; "))
    })
}

/// Every figure a line chart draws, as a table: a row per point along it, a value and
/// interval per series (hidden points as `*`).
pub fn line_data(c: &LineChart) -> Table {
    let mut columns = vec![col("Point", 1.5, Align::Left)];
    // (an interval column where the series has intervals)
    let has_ci = |s: &crate::pdf::model::Series| s.ci.iter().any(Option::is_some);
    for s in &c.series {
        columns.push(col(&s.label, 1.0, Align::Right));
        if has_ci(s) {
            columns.push(col("95 % interval", 1.5, Align::Right));
        }
    }
    // an SPC chart: each point's reading and the mean and limits it is read against
    if let Some(spc) = &c.spc {
        columns.push(col(&spc.words.reading, 2.0, Align::Left));
        columns.push(col(&spc.words.mean, 1.0, Align::Right));
        columns.push(col(&spc.words.limits, 1.5, Align::Right));
    }
    let rows = c
        .x_labels
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut row = vec![x.clone()];
            for s in &c.series {
                let v = s.points.get(i).copied().flatten();
                let why = s.missing.get(i).copied().unwrap_or("-");
                row.push(v.map_or(why.into(), |v| value_label(v, c.percent)));
                if has_ci(s) {
                    row.push(interval(s.ci.get(i).copied().flatten(), |x| {
                        value_label(x, c.percent)
                    }));
                }
            }
            if let Some(spc) = &c.spc {
                let drawn = c
                    .series
                    .first()
                    .is_some_and(|s| s.points.get(i).copied().flatten().is_some());
                let stretch = spc.stretches.iter().find(|t| (t.from..t.to).contains(&i));
                row.push(match (drawn, spc.kinds.get(i)) {
                    (true, Some(k)) => spc.words.of(*k).to_string(),
                    _ => "-".into(),
                });
                row.push(stretch.map_or("-".into(), |t| value_label(t.limits.mean, c.percent)));
                row.push(interval(
                    stretch.map(|t| (t.limits.lower, t.limits.upper)),
                    |x| value_label(x, c.percent),
                ));
            }
            row
        })
        .collect();
    Table {
        columns,
        rows,
        bold_rows: vec![],
        groups: vec![],
        note: references_note(&c.references),
    }
}

/// Every figure a bar chart draws, as a table: a row per bar, with what is printed at
/// its end and its interval.
pub fn bar_data(c: &BarChart) -> Table {
    let rows = c
        .bars
        .iter()
        .map(|b| {
            vec![
                b.label.clone(),
                b.annotation.clone(),
                // a bar that is not a share is a ratio, printed to two decimals
                interval(b.ci, |x| {
                    if c.percent {
                        value_label(x, true)
                    } else {
                        format!("{x:.2}")
                    }
                }),
            ]
        })
        .collect();
    Table {
        columns: vec![
            col("Group", 2.0, Align::Left),
            col("Value", 1.2, Align::Right),
            col("95 % interval", 1.5, Align::Right),
        ],
        rows,
        bold_rows: vec![],
        groups: vec![],
        note: references_note(c.reference.as_slice()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::model::{Bar, Series};

    fn chart(points: Vec<Option<f64>>, references: Vec<(f64, String)>) -> LineChart {
        LineChart {
            title: "t".into(),
            axis_label: "a".into(),
            x_labels: (1..=points.len()).map(|i| format!("Q{i}")).collect(),
            series: vec![Series {
                label: "s".into(),
                ci: points
                    .iter()
                    .map(|p| p.map(|v| (v - 0.02, v + 0.02)))
                    .collect(),
                missing: vec!["-"; points.len()],
                points,
            }],
            references,
            percent: true,
            alt_text: "d".into(),
            spc: None,
        }
    }

    #[test]
    fn a_line_chart_axis_takes_round_steps_around_everything_drawn() {
        // values 0.41 to 0.47 with intervals to 0.39 and 0.49 and a target at 0.5:
        // span 0.11, so steps of 0.05 (5 points) from 0.35 to 0.50
        let c = chart(
            vec![Some(0.41), None, Some(0.45), Some(0.47)],
            vec![(0.5, "Target 50.0%".into())],
        );
        let g = lines(&c);
        assert!((g.axis.lo - 0.35).abs() < 1e-9 && (g.axis.hi - 0.5).abs() < 1e-9);
        let labels: Vec<&str> = g.axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["35%", "40%", "45%", "50%"]);
        assert_eq!(g.xs, [0.125, 0.375, 0.625, 0.875]);
        let p = &g.series[0].points;
        assert!((p[0].y.unwrap() - 0.4).abs() < 1e-9);
        assert_eq!(p[1].y, None);
        assert_eq!(p[1].label, "*");
        assert_eq!(p[3].label, "47.0%");
        // the line breaks at the hidden point: one run of the last two
        assert_eq!(g.series[0].runs.len(), 1);
        assert_eq!(g.series[0].runs[0].len(), 2);
        assert!((g.references[0].0 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_trend_axis_holds_every_point_interval_and_reference_on_round_steps() {
        let mut c = chart(vec![Some(0.2076), None], vec![(0.198, "baseline".into())]);
        c.series[0].ci = vec![Some((0.1836, 0.2383)), None];
        let a = lines(&c).axis;
        assert!(
            (a.lo - 0.18).abs() < 1e-9 && (a.hi - 0.24).abs() < 1e-9,
            "{a:?}"
        );
        let labels: Vec<&str> = a.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["18%", "20%", "22%", "24%"]);
    }

    #[test]
    fn a_bar_chart_axis_runs_from_zero_in_quarters() {
        let c = BarChart {
            title: "t".into(),
            axis_label: "a".into(),
            bars: vec![
                Bar {
                    label: "A".into(),
                    value: Some(0.5),
                    ci: Some((0.4, 0.6)),
                    annotation: "50.0%".into(),
                    tone: 0,
                },
                Bar {
                    label: "B".into(),
                    value: None,
                    ci: None,
                    annotation: "*".into(),
                    tone: 1,
                },
            ],
            reference: Some((0.25, "All".into())),
            axis_max: 0.8,
            percent: true,
            legend: vec![],
            alt_text: "d".into(),
        };
        let g = bars(&c);
        let labels: Vec<&str> = g.axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0%", "20%", "40%", "60%", "80%"]);
        let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // 0.5 of 0.8; its interval ends at 0.6 of 0.8, where the annotation starts
        assert!(near(g.bars[0].end.unwrap(), 0.625));
        assert!(near(g.bars[0].text_at, 0.75));
        assert_eq!(g.bars[1].end, None);
        assert_eq!(g.bars[1].text_at, 0.0);
        assert!(near(g.reference.as_ref().unwrap().0, 0.3125));
    }

    #[test]
    fn axis_labels_are_thinned_only_where_neighbours_would_meet() {
        // quintiles: two long end labels beside short ones, 66 units apart, all fit
        assert_eq!(label_step(&[70.0, 5.0, 5.0, 5.0, 75.0], 331.0), 1);
        // two years of months 33 units wide, 13.8 apart: every third
        let months = vec![33.0; 24];
        assert_eq!(label_step(&months, 331.0), 3);
        // a label wider than the whole axis: one printed
        assert_eq!(label_step(&[500.0, 500.0], 331.0), 2);
    }

    #[test]
    fn a_count_axis_takes_round_steps_of_its_own_size() {
        // monthly referrals from 1,594 to 2,192: steps of 200 from 1,400 to 2,200
        let c = chart(vec![Some(1594.0), Some(2192.0)], vec![]);
        let c = LineChart {
            percent: false,
            series: vec![Series {
                ci: vec![None, None],
                ..c.series[0].clone()
            }],
            ..c
        };
        let a = lines(&c).axis;
        assert_eq!((a.lo, a.hi), (1400.0, 2200.0), "{a:?}");
        let labels: Vec<&str> = a.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["1,400", "1,600", "1,800", "2,000", "2,200"]);
    }
}
