//! Each service figure of `spc.service_figures` month by month, over the `spc.months`
//! months to the period's end, from one query over the per-referral facts (read and
//! charted by `crate::report::change`). Months before the extracts' first referral are
//! not part of a series (no data is not zero), nor, for a figure of a later event of
//! care, the `spc.settle_months` after it; a month inside them with no event is a real
//! zero for a count and no figure for a share.

use chrono::{Datelike, Months, NaiveDate};

use crate::config::Settings;
use crate::data::query::QueryError;
use crate::data::session::DataSession;
use crate::metrics::{Metric, run_columns_query_as};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::registry::{self, Kind};
use crate::report::change::{Periods, Series};

/// The first day of the month `back` months before the month of `day`.
pub(super) fn month_start(day: NaiveDate, back: u32) -> NaiveDate {
    let first = day.with_day(1).expect("the first of a month");
    first - Months::new(back)
}

/// Every listed figure's monthly series, from one query over the per-referral facts.
pub(super) async fn monthly(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    first_referral: NaiveDate,
) -> Result<Vec<Series>, QueryError> {
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
    let periods = Periods {
        by: "month",
        first_months: months.clone(),
        labels: months.iter().map(|m| month_named(m, "%b %Y")).collect(),
        names: months.iter().map(|m| month_named(m, "%B %Y")).collect(),
        ids: months,
    };
    // (a figure of a later event starts once the extracts have run long enough for
    // every course of care to reach it)
    let settled = month_start(first_referral, 0) + Months::new(p.settle_months);
    let mut out = vec![];
    for id in &p.service_figures {
        let Some(figure) = registry::figure(id) else {
            continue;
        };
        let from = if registry::at_referral(id) {
            start
        } else {
            start.max(settled)
        };
        let skip = periods
            .ids
            .iter()
            .take_while(|m| *m < &from.format("%Y-%m").to_string())
            .count();
        let periods = periods.from(skip);
        if periods.ids.is_empty() {
            // (the period ends before the extracts have run long enough: no series)
            continue;
        }
        let points: Vec<Option<Metric>> = periods
            .ids
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
        out.push(Series::read(id, &periods, points, settings));
    }
    Ok(out)
}

/// "2025-04" as a chart labels it ("Apr 2025") or a sentence names it ("April 2025").
fn month_named(m: &str, format: &str) -> String {
    NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
        .map_or(m.to_string(), |d| d.format(format).to_string())
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
