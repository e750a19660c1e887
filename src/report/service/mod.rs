//! The service-user reports: what `access-biannual` and `equity-annual` share
//! (computing every `tt.*` figure of a period), with each report's composition in its
//! module.

use crate::data::session::DataSession;
use crate::metrics::{GroupRate, Metric, Metrics, QueryError, collect, i64_column, parse_by_key, run_metric_query, string_column};
use crate::period::Period;
use crate::queries::{self, Param};

/// Datasets the service-user reports read (and whose data quality they show).
pub const DATASETS: &[&str] = &["referrals", "appointments", "measures", "population"];

/// Every `tt.*` figure of a period, overall and by every breakdown (the ethnic group by
/// sex cross included).
pub async fn service_metrics(s: &DataSession, period: &Period) -> Result<Metrics, QueryError> {
    let params = |name: &str, sql: &str| {
        queries::fill(
            name,
            sql,
            &[
                ("period_start", Param::Date(period.start)),
                ("period_end", Param::Date(period.end)),
            ],
        )
    };
    let name = "service/referral_metrics.sql";
    let mut m = run_metric_query(&s.ctx, name, &params(name, queries::SERVICE_METRICS)?).await?;
    let name = "service/access.sql";
    m.0.extend(access_metrics(s, name, &params(name, queries::SERVICE_ACCESS)?).await?);
    m.sort();
    Ok(m)
}

/// Access rate per 1,000 and representation ratio from one row per group of referrals
/// aged 17+ and registered population.
async fn access_metrics(
    s: &DataSession,
    name: &str,
    sql: &str,
) -> Result<Vec<Metric>, QueryError> {
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, sql).await? {
        let by_key = string_column(&b, 1, name)?;
        let nums = [i64_column(&b, 3, name)?, i64_column(&b, 6, name)?];
        let dens = [i64_column(&b, 4, name)?, i64_column(&b, 7, name)?];
        let count = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
        for i in 0..b.num_rows() {
            let by = parse_by_key(by_key[i].as_deref().unwrap_or(""));
            let referrals = GroupRate {
                group: "referrals".into(),
                numerator: count(nums[0][i]),
                denominator: count(dens[0][i]),
            };
            let registered = GroupRate {
                group: "registered".into(),
                numerator: count(nums[1][i]),
                denominator: count(dens[1][i]),
            };
            out.push(Metric::rate_per_1000(
                "tt.access_rate_per_1000",
                by.clone(),
                referrals.numerator,
                registered.numerator,
            ));
            out.push(Metric::likelihood(
                "tt.representation_ratio",
                by,
                referrals,
                registered,
            ));
        }
    }
    Ok(out)
}

/// The service's figures of one period, with the period before for change.
pub struct Gathered {
    pub metrics: Metrics,
    pub previous: Option<(Period, Metrics)>,
}

/// Whether the extracts hold referrals dated in a period.
async fn has_referrals(s: &DataSession, period: &Period) -> Result<bool, QueryError> {
    let name = "service/has_referrals";
    let sql = format!(
        "SELECT count(*) FROM referral_facts WHERE referral_date BETWEEN DATE '{}' AND DATE '{}'",
        period.start, period.end
    );
    let batches = collect(&s.ctx, name, &sql).await?;
    let n = batches
        .first()
        .map(|b| i64_column(b, 0, name))
        .transpose()?
        .and_then(|c| c.first().copied().flatten())
        .unwrap_or(0);
    Ok(n > 0)
}

/// The period's figures, and the previous period's when its referrals are present.
pub async fn gather(s: &DataSession, period: &Period) -> Result<Gathered, crate::report::ReportError> {
    if !has_referrals(s, period).await? {
        return Err(crate::report::ReportError::NoData(format!(
            "dataset referrals has no referral dated in {} ({} to {})",
            period.id, period.start, period.end
        )));
    }
    let metrics = service_metrics(s, period).await?;
    let prev = period.previous();
    let previous = if has_referrals(s, &prev).await? {
        Some((prev.clone(), service_metrics(s, &prev).await?))
    } else {
        None
    };
    Ok(Gathered { metrics, previous })
}
