//! Each service figure of `spc.service_figures` month by month, over the `spc.months`
//! months to the period's end, read as an XmR chart (`crate::spc`): the series
//! metrics.json gives analysts, and the SPC charts and icons build on. Months before the
//! extracts' first referral are not part of a series (no data is not zero); a month
//! inside them with no event is a real zero for a count and no figure for a share. A
//! month whose figure the PDF would hide for its small counts is not read (nor, later,
//! plotted): the reading, the icons and the chart rest on the months a reader may see.

use chrono::{Datelike, Months, NaiveDate};
use serde_json::{Value, json};

use crate::config::Settings;
use crate::data::query::QueryError;
use crate::data::session::DataSession;
use crate::metrics::{Metric, run_columns_query_as};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::registry::{self, Kind};
use crate::spc::{self, Assurance, Chart, Reading, Variation};

/// One figure's months and their reading.
#[derive(Debug, Clone)]
pub struct MonthSeries {
    pub id: String,
    /// YYYY-MM, in order.
    pub months: Vec<String>,
    /// Each month's figure (counts and value); None: nothing to compute it from.
    pub points: Vec<Option<Metric>>,
    /// Whether the PDF would hide the month's figure for its own counts.
    pub suppressed: Vec<bool>,
    /// The months the reading takes (those with a figure the PDF shows), as indexes
    /// into `months`.
    pub read: Vec<usize>,
    pub reading: Reading,
}

/// The first day of the month `back` months before the month of `day`.
fn month_start(day: NaiveDate, back: u32) -> NaiveDate {
    let first = day.with_day(1).expect("the first of a month");
    first - Months::new(back)
}

/// Every listed figure's monthly series, from one query over the per-referral facts.
pub(super) async fn monthly(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    first_referral: NaiveDate,
) -> Result<Vec<MonthSeries>, QueryError> {
    let p = &settings.spc;
    let start = month_start(period.end, p.months - 1).max(month_start(first_referral, 0));
    let mut months = vec![];
    let mut m = start;
    while m <= period.end {
        months.push(m.format("%Y-%m").to_string());
        m = m + Months::new(1);
    }
    let (name, sql) = queries::SERVICE_MONTHLY;
    let mut params = vec![
        ("series_start", Param::Date(start)),
        ("period_end", Param::Date(period.end)),
    ];
    params.extend(super::clinical_params(&settings.clinical));
    let sql = queries::fill(name, sql, &params)?;
    // the monthly rows have the columns of the period's query, so the registry reads
    // the figures from them as it reads the period's
    let metrics = run_columns_query_as(&s.ctx, name, &sql, registry::REFERRAL_QUERY).await?;
    let mut out = vec![];
    for id in &p.service_figures {
        let Some(figure) = registry::figure(id) else {
            continue;
        };
        let points: Vec<Option<Metric>> = months
            .iter()
            .map(|m| match metrics.get(id, &[("month", m)]) {
                Some(x) => Some(x.clone()),
                // a month with no event at all: a count of none, a share of nothing
                None if figure.kind == Kind::Count => {
                    let by = [("month".to_string(), m.clone())].into_iter().collect();
                    Some(Metric::value(id, by, 0.0))
                }
                None => None,
            })
            .collect();
        // (a count is hidden as the PDF shows counts; a share by its counts)
        let d = &settings.disclosure;
        let suppressed: Vec<bool> = points
            .iter()
            .map(|x| match x {
                None => false,
                Some(x) if figure.kind == Kind::Count => {
                    x.value.is_some_and(|v| d.count_hidden(v.round() as u64))
                }
                Some(x) => d.figure_hidden(x),
            })
            .collect();
        let read: Vec<usize> = (0..months.len())
            .filter(|i| !suppressed[*i] && points[*i].as_ref().is_some_and(|x| x.value.is_some()))
            .collect();
        let values: Vec<f64> = read
            .iter()
            .filter_map(|i| points[*i].as_ref().and_then(|x| x.value))
            .collect();
        let read_months: Vec<String> = read.iter().map(|i| months[*i].clone()).collect();
        let target = settings.targets.get(id.as_str()).map(|t| t.value);
        let reading = spc::read(&values, figure.better, target, &p.engine(&read_months));
        out.push(MonthSeries {
            id: id.clone(),
            months: months.clone(),
            points,
            suppressed,
            read,
            reading,
        });
    }
    Ok(out)
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
pub fn to_json(series: &[MonthSeries]) -> Value {
    let list: Vec<Value> = series
        .iter()
        .map(|s| {
            let points: Vec<Value> = s
                .months
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let x = s.points[i].as_ref();
                    let mut p = json!({
                        "period": m,
                        "value": x.and_then(|x| x.value),
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
                "by": "month",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_back_from_the_month_of_a_day() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(
            month_start(d, 0),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert_eq!(
            month_start(d, 23),
            NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()
        );
    }
}
