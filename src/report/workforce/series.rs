//! Each workforce figure of `spc.workforce_figures` at every quarter-end snapshot the
//! extracts hold to the period's end, and quarterly turnover, from one query over the
//! snapshots and one over the leavers (read and charted by `crate::report::change`). A
//! quarter between the first snapshot and the period's with no snapshot has no figure
//! (no data is not zero).

use crate::config::Settings;
use crate::data::query::QueryError;
use crate::data::session::DataSession;
use crate::metrics::{Metric, Metrics, run_columns_query_as, run_metric_query};
use crate::period::{Period, PeriodKind};
use crate::queries::{self, Param};
use crate::registry;
use crate::report::change::{Periods, Series};

/// Every listed figure's quarterly series, to the quarter of the period's end.
pub(super) async fn quarterly(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    snapshot: chrono::NaiveDate,
) -> Result<Vec<Series>, QueryError> {
    let ids = &settings.spc.workforce_figures;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let params = [("period_end", Param::Date(period.end))];
    let (name, sql) = queries::WORKFORCE_QUARTERLY;
    let sql = queries::fill(name, sql, &params)?;
    // the quarterly rows have the columns of the snapshot's query, so the registry reads
    // the figures from them as it reads the period's
    let mut metrics = run_columns_query_as(&s.ctx, name, &sql, registry::SNAPSHOT_QUERY).await?;
    if s.is_supplied("leavers") && ids.iter().any(|i| i == "wf.turnover_pct") {
        let (name, sql) = queries::WORKFORCE_TURNOVER_QUARTERLY;
        let sql = queries::fill(name, sql, &params)?;
        metrics
            .0
            .extend(run_metric_query(&s.ctx, name, &sql).await?.0);
    }
    let Some(periods) = quarters(&metrics, period) else {
        return Ok(vec![]);
    };
    let mut out = vec![];
    for id in ids {
        let points: Vec<Option<Metric>> = periods
            .ids
            .iter()
            .map(|q| metrics.get(id, &[("quarter", q)]).cloned())
            .collect();
        if points.iter().all(Option::is_none) {
            // (turnover without the leavers extract)
            continue;
        }
        let mut series = Series::read(id, &periods, points, settings);
        let own = Period::containing(PeriodKind::Quarter, snapshot).id;
        series.current = periods.ids.iter().position(|q| *q == own);
        out.push(series);
    }
    Ok(out)
}

/// The calendar quarters from the first that has a snapshot to the period's last, or
/// none when no quarter has one.
fn quarters(metrics: &Metrics, period: &Period) -> Option<Periods> {
    let first = metrics
        .0
        .iter()
        .filter_map(|m| m.by.get("quarter"))
        .filter_map(|q| Period::parse(q).ok())
        .map(|q| q.start)
        .min()?;
    let mut q = Period::containing(PeriodKind::Quarter, period.end);
    let mut list = vec![];
    while q.end >= first {
        list.push(q.clone());
        q = q.previous();
    }
    list.reverse();
    Some(Periods {
        by: "quarter",
        ids: list.iter().map(|q| q.id.clone()).collect(),
        first_months: list
            .iter()
            .map(|q| q.start.format("%Y-%m").to_string())
            .collect(),
        labels: list.iter().map(Period::short_label).collect(),
        names: list.iter().map(Period::short_label).collect(),
    })
}
