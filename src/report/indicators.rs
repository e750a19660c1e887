//! WRES and WDES indicators, turnover and board representation for a period: shared by
//! the workforce reports.

use chrono::{Months, NaiveDate};

use crate::config::Settings;
use crate::data::query::QueryError;
use crate::data::session::DataSession;
use crate::metrics::{Metrics, run_likelihood_query, run_metric_query};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::report::drop_unsupplied;

/// First day of the `months` months that end on `end`.
pub fn window_start(end: NaiveDate, months: u32) -> NaiveDate {
    end.succ_opt()
        .and_then(|d| d.checked_sub_months(Months::new(months)))
        .expect("window start in range")
}

/// Compute the indicators of a period at its snapshot.
pub async fn compute_indicators(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    snapshot: NaiveDate,
) -> Result<Metrics, QueryError> {
    let fill = |name: &str, sql: &str| {
        queries::fill(
            name,
            sql,
            &[
                ("snapshot_date", Param::Date(snapshot)),
                ("period_start", Param::Date(period.start)),
                ("period_end", Param::Date(period.end)),
                ("window_start", Param::Date(window_start(period.end, 12))),
                (
                    "case_window_start",
                    Param::Date(window_start(
                        period.end,
                        settings.workforce.disciplinary_window_months,
                    )),
                ),
            ],
        )
    };
    let name = "workforce/relative_likelihoods.sql";
    let mut m =
        run_likelihood_query(&s.ctx, name, &fill(name, queries::WORKFORCE_LIKELIHOODS)?).await?;
    let name = "workforce/turnover_board.sql";
    m.0.extend(
        run_metric_query(
            &s.ctx,
            name,
            &fill(name, queries::WORKFORCE_TURNOVER_BOARD)?,
        )
        .await?
        .0,
    );
    drop_unsupplied(&mut m, s);
    m.sort();
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_on_the_period_end() {
        let end = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(
            window_start(end, 12),
            NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
        );
        assert_eq!(
            window_start(end, 24),
            NaiveDate::from_ymd_opt(2024, 10, 1).unwrap()
        );
    }
}
