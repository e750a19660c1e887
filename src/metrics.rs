//! Figures as `metrics.json` holds them, read from the long form every metric query
//! returns (`metric, by_key, numerator, denominator, value`).

use std::collections::BTreeMap;

use datafusion::prelude::SessionContext;
use serde::Serialize;

use crate::data::query::{QueryError, collect, f64_column, i64_column, string_column};
use crate::registry::{self, Kind, Source};
use crate::stats;

/// One figure, overall (`by` empty) or for one breakdown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metric {
    pub id: String,
    pub by: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<u64>,
    /// Fraction for proportions (null when the denominator is 0), else the value. Kept
    /// exact, so a figure is rounded once, as it is shown; written to four decimals.
    #[serde(serialize_with = "four_decimals")]
    pub value: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "four_decimals"
    )]
    pub ci_low: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "four_decimals"
    )]
    pub ci_high: Option<f64>,
    /// For a relative likelihood: the two groups' counts it compares, first the
    /// numerator group's rate, then the reference group's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupRate>,
    /// For a sum or mean of row values: how many rows it left out because their value
    /// was out of range (each also counted on the data-quality page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_out: Option<u64>,
}

/// One group's rate inside a relative likelihood.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupRate {
    pub group: String,
    pub numerator: u64,
    pub denominator: u64,
}

impl Metric {
    /// A proportion with its Wilson interval.
    pub fn proportion(id: &str, by: BTreeMap<String, String>, num: u64, den: u64) -> Metric {
        let ci = stats::wilson(num, den);
        Metric {
            id: id.to_string(),
            by,
            numerator: Some(num),
            denominator: Some(den),
            value: (den > 0).then(|| num as f64 / den as f64),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            groups: Vec::new(),
            left_out: None,
        }
    }

    /// A relative likelihood (a's rate over b's) with its log-scale interval; the value
    /// is null when it is not computable (an empty group, or no events in b).
    pub fn likelihood(
        id: &str,
        by: BTreeMap<String, String>,
        a: GroupRate,
        b: GroupRate,
    ) -> Metric {
        let r = stats::rate_ratio(a.numerator, a.denominator, b.numerator, b.denominator);
        let ci = r.and_then(|x| x.1);
        Metric {
            id: id.to_string(),
            by,
            numerator: None,
            denominator: None,
            value: r.map(|x| x.0),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            groups: vec![a, b],
            left_out: None,
        }
    }

    /// A difference of two groups' shares in percentage points (the first's less the
    /// second's) with its 95 % Newcombe interval; null when a side has no one. Any
    /// further group (one on neither side) is kept for disclosure control, whose sums
    /// need every group.
    pub fn difference(id: &str, by: BTreeMap<String, String>, groups: Vec<GroupRate>) -> Metric {
        let d = match &groups[..] {
            [a, b, ..] => stats::newcombe(a.numerator, a.denominator, b.numerator, b.denominator),
            _ => None,
        };
        Metric {
            id: id.to_string(),
            by,
            numerator: None,
            denominator: None,
            value: d.map(|x| x.0 * 100.0),
            ci_low: d.map(|x| x.1.0 * 100.0),
            ci_high: d.map(|x| x.1.1 * 100.0),
            groups,
            left_out: None,
        }
    }

    /// A rate per 1,000 (`num` events in a population of `den`) with its interval
    /// (exact Poisson below 10 events, Byar from 10: [`stats::rate_interval`]);
    /// the value is null when the population is 0.
    pub fn rate_per_1000(id: &str, by: BTreeMap<String, String>, num: u64, den: u64) -> Metric {
        let ci = stats::rate_interval(num, den, 1000.0);
        Metric {
            id: id.to_string(),
            by,
            numerator: Some(num),
            denominator: Some(den),
            value: (den > 0).then(|| num as f64 / den as f64 * 1000.0),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            groups: Vec::new(),
            left_out: None,
        }
    }

    /// A value-only figure.
    pub fn value(id: &str, by: BTreeMap<String, String>, v: f64) -> Metric {
        Metric {
            id: id.to_string(),
            by,
            numerator: None,
            denominator: None,
            value: Some(round4(v)),
            ci_low: None,
            ci_high: None,
            groups: Vec::new(),
            left_out: None,
        }
    }
}

/// Four decimals, as `metrics.json` gives fractions; also hides the last-bit noise of
/// floating sums taken in a different order, so reruns give the same file.
pub fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// A figure as metrics.json and the CSV tables write it: four decimals. The figure
/// itself stays exact, so the PDF rounds it once (0.434494 is 43.4 %, where rounding
/// first to 0.4345 would show 43.5 %).
pub fn four_decimals<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_some(&round4(*x)),
        None => s.serialize_none(),
    }
}

/// [`four_decimals`] of a value that is always there.
pub fn four_decimals_of<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round4(*v))
}

/// An interval as metrics.json gives it (four decimals), for a reading of whether it
/// lies beyond a value: judged on the file's figures, an analyst reading it judges
/// alike, and an interval that touches the value in exact arithmetic (a share of
/// all of a group, 1) is not called beyond it for the last bit of a float.
pub fn interval4(m: &Metric) -> Option<(f64, f64)> {
    Some((round4(m.ci_low?), round4(m.ci_high?)))
}

/// A set of figures with look-ups by id and breakdown.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Metrics(pub Vec<Metric>);

impl Metrics {
    /// The figure with this id and exactly this breakdown (`&[]` for overall).
    pub fn get(&self, id: &str, by: &[(&str, &str)]) -> Option<&Metric> {
        self.0.iter().find(|m| {
            m.id == id
                && m.by.len() == by.len()
                && by
                    .iter()
                    .all(|(k, v)| m.by.get(*k).map(String::as_str) == Some(*v))
        })
    }

    /// Sort into a stable order: id, then breakdown.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| (&a.id, &a.by).cmp(&(&b.id, &b.by)));
    }
}

/// Run a metric query and read its rows.
pub async fn run_metric_query(
    ctx: &SessionContext,
    name: &str,
    sql: &str,
) -> Result<Metrics, QueryError> {
    let batches = collect(ctx, name, sql).await?;
    let mut out = Vec::new();
    for b in &batches {
        let metric = string_column(b, "metric", name)?;
        let by_key = string_column(b, "by_key", name)?;
        let num = i64_column(b, "numerator", name)?;
        let den = i64_column(b, "denominator", name)?;
        let val = f64_column(b, "value", name)?;
        // An optional column, `left_out`: rows a value figure left out.
        let left_out = if b.schema().index_of("left_out").is_ok() {
            i64_column(b, "left_out", name)?
        } else {
            vec![None; b.num_rows()]
        };
        for i in 0..b.num_rows() {
            let by = parse_by_key(by_key[i].as_deref().unwrap_or(""));
            let id = metric[i].clone().unwrap_or_default();
            let pay_gap = crate::registry::figure(&id)
                .is_some_and(|f| f.kind == crate::registry::Kind::PayGap);
            let m = match (num[i], den[i], val[i]) {
                // a pay gap: the two groups' staff, and the gap (none without both)
                (Some(n), Some(d), v) if pay_gap => Metric {
                    numerator: Some(n.max(0) as u64),
                    denominator: Some(d.max(0) as u64),
                    value: v.map(round4),
                    ..Metric::value(&id, by, 0.0)
                },
                (Some(n), Some(d), _) => {
                    Metric::proportion(&id, by, n.max(0) as u64, d.max(0) as u64)
                }
                (_, _, Some(v)) => Metric::value(&id, by, v),
                // A value-only figure with nothing to give it (a median of no waits).
                (None, None, None) => Metric {
                    value: None,
                    ..Metric::value(&id, by, 0.0)
                },
                _ => {
                    return Err(QueryError {
                        query: name.into(),
                        message: format!("row for {id} has a numerator or denominator missing"),
                    });
                }
            };
            out.push(Metric {
                left_out: left_out[i].filter(|n| *n > 0).map(|n| n as u64),
                ..m
            });
        }
    }
    let mut m = Metrics(out);
    m.sort();
    Ok(m)
}

/// Run a query that gives one row per group (`by_key`, then a column per count) and make
/// from it every figure the registry takes from that query's columns.
pub async fn run_columns_query(
    ctx: &SessionContext,
    name: &str,
    sql: &str,
) -> Result<Metrics, QueryError> {
    run_columns_query_as(ctx, name, sql, name).await
}

/// [`run_columns_query`] for a query that gives the columns of the registry's query
/// `figures_of` (the monthly counts give those of the period's).
pub async fn run_columns_query_as(
    ctx: &SessionContext,
    name: &str,
    sql: &str,
    figures_of: &str,
) -> Result<Metrics, QueryError> {
    let mut out = Vec::new();
    for b in collect(ctx, name, sql).await? {
        let by_key = string_column(&b, "by_key", name)?;
        let by = |i: usize| parse_by_key(by_key[i].as_deref().unwrap_or(""));
        // a group without any row has no counts: zero
        let count = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
        for f in registry::from_columns(figures_of) {
            let Source::Columns {
                numerator,
                denominator,
                ..
            } = f.source
            else {
                continue;
            };
            match (f.kind, denominator) {
                (_, Some(den)) => {
                    let n = i64_column(&b, numerator, name)?;
                    let d = i64_column(&b, den, name)?;
                    for i in 0..b.num_rows() {
                        out.push(Metric::proportion(f.id, by(i), count(n[i]), count(d[i])));
                    }
                }
                (Kind::Count, None) => {
                    let n = i64_column(&b, numerator, name)?;
                    for (i, n) in n.into_iter().enumerate() {
                        out.push(Metric::value(f.id, by(i), count(n) as f64));
                    }
                }
                (_, None) => {
                    let v = f64_column(&b, numerator, name)?;
                    // the records a value leaves out (a whole-time equivalent out of
                    // range), where the query counts them beside it
                    let left_out = format!("{numerator}_left_out");
                    let left_out = match b.schema().index_of(&left_out) {
                        Ok(_) => i64_column(&b, &left_out, name)?,
                        Err(_) => vec![None; b.num_rows()],
                    };
                    for (i, v) in v.into_iter().enumerate() {
                        // a median of nothing is no value
                        out.push(Metric {
                            value: v.map(round4),
                            left_out: left_out[i].filter(|n| *n > 0).map(|n| n as u64),
                            ..Metric::value(f.id, by(i), 0.0)
                        });
                    }
                }
            }
        }
    }
    let mut m = Metrics(out);
    m.sort();
    Ok(m)
}

/// One row of a query of two groups' counts (`metric, by_key, group_a, num_a, den_a,
/// group_b, num_b, den_b`): its metric, its breakdown and the two groups.
pub struct TwoGroups {
    pub metric: String,
    pub by: BTreeMap<String, String>,
    pub a: GroupRate,
    pub b: GroupRate,
}

/// The rows of a batch of a two-groups query.
pub fn two_groups(
    b: &arrow::record_batch::RecordBatch,
    name: &str,
) -> Result<Vec<TwoGroups>, QueryError> {
    let metric = string_column(b, "metric", name)?;
    let by_key = string_column(b, "by_key", name)?;
    let groups = [
        string_column(b, "group_a", name)?,
        string_column(b, "group_b", name)?,
    ];
    let nums = [i64_column(b, "num_a", name)?, i64_column(b, "num_b", name)?];
    let dens = [i64_column(b, "den_a", name)?, i64_column(b, "den_b", name)?];
    Ok((0..b.num_rows())
        .map(|i| {
            let rate = |k: usize| GroupRate {
                group: groups[k][i].clone().unwrap_or_default(),
                numerator: nums[k][i].unwrap_or(0).max(0) as u64,
                denominator: dens[k][i].unwrap_or(0).max(0) as u64,
            };
            TwoGroups {
                metric: metric[i].clone().unwrap_or_default(),
                by: parse_by_key(by_key[i].as_deref().unwrap_or("")),
                a: rate(0),
                b: rate(1),
            }
        })
        .collect())
}

/// Run a relative-likelihood query (a two-groups query) and read its rows.
pub async fn run_likelihood_query(
    ctx: &SessionContext,
    name: &str,
    sql: &str,
) -> Result<Metrics, QueryError> {
    let mut out = Vec::new();
    for b in collect(ctx, name, sql).await? {
        for r in two_groups(&b, name)? {
            out.push(Metric::likelihood(&r.metric, r.by, r.a, r.b));
        }
    }
    let mut m = Metrics(out);
    m.sort();
    Ok(m)
}

/// `partner_org=LCH;wres_group=BME` into a map.
pub fn parse_by_key(s: &str) -> BTreeMap<String, String> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_key_parses_to_a_map() {
        let m = parse_by_key("band_cluster=Bands 8c-9 & VSM;wres_group=BME");
        assert_eq!(m["band_cluster"], "Bands 8c-9 & VSM");
        assert_eq!(m["wres_group"], "BME");
        assert!(parse_by_key("").is_empty());
    }

    #[test]
    fn proportion_with_zero_denominator_has_no_value() {
        let m = Metric::proportion("x", BTreeMap::new(), 0, 0);
        assert_eq!(m.value, None);
        assert_eq!(m.ci_low, None);
        // exact inside, four decimals in metrics.json
        let m = Metric::proportion("x", BTreeMap::new(), 41, 93);
        assert_eq!(m.value, Some(41.0 / 93.0));
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["value"], 0.4409);
        // Wilson at z = 1.96 by hand: (0.461514 ∓ 0.102916) / 1.041308 = 0.3443, 0.5421
        // (docs/reports.md's example prints 0.3437 and 0.5428, which is not the Wilson
        // interval it names)
        assert_eq!(
            (json["ci_low"].clone(), json["ci_high"].clone()),
            (0.3443.into(), 0.5421.into())
        );
    }
}
