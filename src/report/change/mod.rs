//! Change over time (docs/reports.md, "Change over time"), shared by both families: a
//! figure's series over periods (service months, workforce quarter-end snapshots), read
//! as an XmR chart (`crate::spc`) on the periods a reader may see, the series as
//! metrics.json gives them, and (`chart.rs`) the charts, the summary's words and the
//! section. Each family's own module gives the series from its queries.

mod chart;

pub use chart::Plain;

use serde_json::{Value, json};

use crate::config::Settings;
use crate::metrics::Metric;
use crate::registry::{self, Kind};
use crate::spc::{self, Assurance, Chart, Reading, Variation};

/// One figure's points over periods and their reading.
#[derive(Debug, Clone)]
pub struct Series {
    pub id: String,
    /// What a point is: "month" or "quarter" (metrics.json's `by`).
    pub by: &'static str,
    /// Each point's period: YYYY-MM, or YYYY-Qn.
    pub periods: Vec<String>,
    /// Each period's first month (YYYY-MM), which `spc.rebase` months are set against.
    pub first_months: Vec<String>,
    /// Each period as a chart's axis labels it ("Apr 2025") and a sentence names it
    /// ("April 2025").
    pub labels: Vec<String>,
    pub names: Vec<String>,
    /// Each period's figure (counts and value); None: nothing to compute it from.
    pub points: Vec<Option<Metric>>,
    /// Whether the PDF would hide the period's figure for its own counts.
    pub suppressed: Vec<bool>,
    /// The periods the reading takes (those with a figure the PDF shows), as indexes.
    pub read: Vec<usize>,
    pub reading: Reading,
    /// The point that is the report's own figure (a workforce report's snapshot), which
    /// the run's disclosure plan may hide beyond its own counts.
    pub current: Option<usize>,
}

/// A series' periods before its points are read.
pub struct Periods {
    pub by: &'static str,
    pub ids: Vec<String>,
    pub first_months: Vec<String>,
    pub labels: Vec<String>,
    pub names: Vec<String>,
}

impl Periods {
    /// The periods from the `skip`th on.
    pub fn from(&self, skip: usize) -> Periods {
        Periods {
            by: self.by,
            ids: self.ids[skip..].to_vec(),
            first_months: self.first_months[skip..].to_vec(),
            labels: self.labels[skip..].to_vec(),
            names: self.names[skip..].to_vec(),
        }
    }
}

impl Series {
    /// Read a figure's points: a point is hidden as the PDF hides it (a count as it
    /// shows counts, a share by its counts), and the reading rests on the rest.
    pub fn read(id: &str, p: &Periods, points: Vec<Option<Metric>>, settings: &Settings) -> Series {
        let figure = registry::figure(id);
        let count = figure.is_some_and(|f| f.kind == Kind::Count);
        let d = &settings.disclosure;
        let suppressed: Vec<bool> = points
            .iter()
            .map(|x| match x {
                None => false,
                Some(x) if count => x.value.is_some_and(|v| d.count_hidden(v.round() as u64)),
                Some(x) => d.figure_hidden(x),
            })
            .collect();
        let read: Vec<usize> = (0..p.ids.len())
            .filter(|i| !suppressed[*i] && points[*i].as_ref().is_some_and(|x| x.value.is_some()))
            .collect();
        let values: Vec<f64> = read
            .iter()
            .filter_map(|i| points[*i].as_ref().and_then(|x| x.value))
            .collect();
        let first: Vec<String> = read.iter().map(|i| p.first_months[*i].clone()).collect();
        let target = settings.targets.get(id).map(|t| t.value);
        let better = figure.map_or(registry::Better::Neither, |f| f.better);
        let reading = spc::read(&values, better, target, &settings.spc.engine(&first));
        Series {
            id: id.to_string(),
            by: p.by,
            periods: p.ids.clone(),
            first_months: p.first_months.clone(),
            labels: p.labels.clone(),
            names: p.names.clone(),
            points,
            suppressed,
            read,
            reading,
            current: None,
        }
    }
}

fn word(v: Option<Variation>) -> Value {
    match v {
        None => Value::Null,
        Some(Variation::CommonCause) => "common_cause".into(),
        Some(Variation::Improvement) => "special_cause_improvement".into(),
        Some(Variation::Concern) => "special_cause_concern".into(),
        Some(Variation::Neither) => "special_cause_neither".into(),
    }
}

/// The series as metrics.json gives them: every point exactly, with its counts and
/// whether the PDF would hide it, the mean and limits of each point's stretch, the
/// rules each special cause meets, and the two icons.
pub fn to_json(series: &[Series]) -> Value {
    let list: Vec<Value> = series
        .iter()
        .map(|s| {
            let points: Vec<Value> = s
                .periods
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let x = s.points[i].as_ref();
                    let mut p = json!({
                        "period": m,
                        "value": x.and_then(|x| x.value).map(crate::metrics::round4),
                        "numerator": x.and_then(|x| x.numerator),
                        "denominator": x.and_then(|x| x.denominator),
                        "suppressed": s.suppressed[i],
                    });
                    if let Some(k) = s.read.iter().position(|r| *r == i) {
                        let f = s.reading.flags[k];
                        let rules: Vec<&str> = [
                            ("beyond_limit", f.beyond_limit),
                            ("two_of_three", f.two_of_three),
                            ("shift", f.shift),
                            ("trend", f.trend),
                        ]
                        .into_iter()
                        .filter(|(_, d)| *d != 0)
                        .map(|(n, _)| n)
                        .collect();
                        p["special_cause"] = json!(rules);
                        if let Some(l) = s.reading.limits[k] {
                            p["mean"] = json!(l.mean);
                            p["lower_limit"] = json!(l.lower);
                            p["upper_limit"] = json!(l.upper);
                        }
                    }
                    p
                })
                .collect();
            let (chart, trial) = match s.reading.chart {
                Chart::Run => ("run", false),
                Chart::Xmr { trial } => ("xmr", trial),
            };
            json!({
                "figure": s.id,
                "by": s.by,
                "chart": chart,
                "trial_limits": trial,
                "left_out": s.suppressed.iter().filter(|x| **x).count(),
                "points": points,
                "variation": word(s.reading.variation),
                "assurance": match s.reading.assurance {
                    None => Value::Null,
                    Some(Assurance::ConsistentlyPasses) => "consistently_passes".into(),
                    Some(Assurance::ConsistentlyFails) => "consistently_fails".into(),
                    Some(Assurance::HitAndMiss) => "hit_and_miss".into(),
                },
            })
        })
        .collect();
    Value::Array(list)
}
