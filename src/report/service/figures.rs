//! Gathering a service-user period's figures: the referral figures of every breakdown,
//! access against the population, the span the extracts cover, the period before's
//! figures, and the counts the pages add (ethnicity not known, referral sources).

use crate::config::{Clinical, Settings};
use crate::data::query::{QueryError, collect, i64_column, string_column};
use crate::data::session::{DataSession, RunDates};
use std::collections::BTreeMap;

use crate::metrics::{GroupRate, Metric, Metrics, parse_by_key, run_columns_query};
use crate::period::Period;
use crate::queries::{self, Param};
use chrono::NaiveDate;

use super::Gathered;

/// Every `tt.*` figure of a period, overall and by every breakdown (the ethnic group by
/// sex cross included): the run's own period, or (`previous`) the one before it, whose
/// appointments `referral_facts` counted too.
pub(super) async fn service_metrics(
    s: &DataSession,
    clinical: &Clinical,
    min_count: u64,
    period: &Period,
    previous: bool,
) -> Result<Metrics, QueryError> {
    let mut list = vec![
        ("period_start", Param::Date(period.start)),
        ("period_end", Param::Date(period.end)),
        ("previous", Param::Int(i64::from(previous))),
        ("min_count", Param::Int(min_count as i64)),
    ];
    list.extend(super::clinical_params(clinical));
    let params = |name: &str, sql: &str| queries::fill(name, sql, &list);
    let name = "service/referral_metrics.sql";
    let mut m = run_columns_query(&s.ctx, name, &params(name, queries::SERVICE_METRICS)?).await?;
    let name = "service/access.sql";
    m.0.extend(access_metrics(s, name, &params(name, queries::SERVICE_ACCESS)?).await?);
    let (name, sql) = queries::SERVICE_RECOVERY_GAP;
    m.0.extend(gap_metrics(s, name, &params(name, sql)?).await?);
    let (name, sql) = queries::SERVICE_STANDARDISED_ACCESS;
    m.0.extend(super::standardised::metrics(s, name, &params(name, sql)?).await?);
    m.sort();
    Ok(m)
}

/// The sides of the ethnicity recovery gap, in the order the gap compares them, and
/// ethnicity not known (on neither side).
pub(super) const GAP_SIDES: [&str; 3] = ["A", "B-S", "Unknown"];

/// The ethnicity recovery gaps (recovery and reliable recovery, White British less
/// every other known code), overall and by partner, from each side's counts.
async fn gap_metrics(s: &DataSession, name: &str, sql: &str) -> Result<Vec<Metric>, QueryError> {
    // by_key -> side -> [at caseness, recovered, reliably recovered]
    let mut counts: BTreeMap<String, BTreeMap<String, [u64; 3]>> = BTreeMap::new();
    for b in collect(&s.ctx, name, sql).await? {
        let by_key = string_column(&b, "by_key", name)?;
        let side = string_column(&b, "side", name)?;
        let den = i64_column(&b, "at_caseness", name)?;
        let rec = i64_column(&b, "recovered", name)?;
        let rel = i64_column(&b, "reliably_recovered", name)?;
        for i in 0..b.num_rows() {
            let n = |v: &[Option<i64>]| v[i].unwrap_or(0).max(0) as u64;
            counts
                .entry(by_key[i].clone().unwrap_or_default())
                .or_default()
                .insert(
                    side[i].clone().unwrap_or_default(),
                    [n(&den), n(&rec), n(&rel)],
                );
        }
    }
    let mut out = Vec::new();
    for (key, sides) in counts {
        for (id, col) in [
            ("tt.recovery_gap_pp", 1),
            ("tt.reliable_recovery_gap_pp", 2),
        ] {
            let groups = GAP_SIDES
                .iter()
                .map(|side| {
                    let c = sides.get(*side).copied().unwrap_or_default();
                    GroupRate {
                        group: side.to_string(),
                        numerator: c[col],
                        denominator: c[0],
                    }
                })
                .collect();
            out.push(Metric::difference(id, parse_by_key(&key), groups));
        }
    }
    Ok(out)
}

/// Access rate per 1,000 and representation ratio from one row per group of referrals
/// aged 17+ and registered population.
pub(super) async fn access_metrics(
    s: &DataSession,
    name: &str,
    sql: &str,
) -> Result<Vec<Metric>, QueryError> {
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, sql).await? {
        // group a: referrals aged 17+; group b: the registered population
        for r in crate::metrics::two_groups(&b, name)? {
            out.push(Metric::rate_per_1000(
                "tt.access_rate_per_1000",
                r.by.clone(),
                r.a.numerator,
                r.b.numerator,
            ));
            out.push(Metric::likelihood(
                "tt.representation_ratio",
                r.by,
                r.a,
                r.b,
            ));
        }
    }
    Ok(out)
}

/// The first and last referral dates inside a period, if it has any.
pub(super) async fn referral_span(
    s: &DataSession,
    period: &Period,
) -> Result<Option<(NaiveDate, NaiveDate)>, QueryError> {
    let name = "service/referral_span";
    let sql = format!(
        "SELECT CAST(min(referral_date) AS VARCHAR) AS first_referral, \
         CAST(max(referral_date) AS VARCHAR) AS last_referral \
         FROM referral_facts WHERE referral_date BETWEEN DATE '{}' AND DATE '{}'",
        period.start, period.end
    );
    let batches = collect(&s.ctx, name, &sql).await?;
    let Some(b) = batches.first() else {
        return Ok(None);
    };
    let first = string_column(b, "first_referral", name)?;
    let last = string_column(b, "last_referral", name)?;
    let parse = |v: &[Option<String>]| v.first().cloned().flatten().and_then(|d| d.parse().ok());
    Ok(parse(&first).zip(parse(&last)))
}

/// The first referral date the extracts hold, where a series can start.
async fn first_referral(s: &DataSession) -> Result<Option<NaiveDate>, QueryError> {
    let name = "service/first_referral";
    let sql = "SELECT CAST(min(referral_date) AS VARCHAR) AS first_referral FROM referral_facts";
    let batches = collect(&s.ctx, name, sql).await?;
    let Some(b) = batches.first() else {
        return Ok(None);
    };
    let first = string_column(b, "first_referral", name)?;
    Ok(first
        .first()
        .cloned()
        .flatten()
        .and_then(|d| d.parse().ok()))
}

/// Whether referrals cover a period from its first month to its last, so its figures
/// describe the whole period rather than the part an extract happens to hold.
pub(super) fn covers(span: (NaiveDate, NaiveDate), period: &Period) -> bool {
    let month = chrono::Days::new(31);
    span.0 < period.start + month && span.1 + month > period.end
}

/// The period's figures, and the previous period's when the extracts cover all of it.
pub(super) async fn gather(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    as_of: NaiveDate,
) -> Result<Gathered, crate::report::ReportError> {
    let clinical = &settings.clinical;
    let min_count = settings.disclosure.min_count;
    let dates = RunDates::new(&settings.quality, as_of, Some(period));
    s.service_tables(&dates).await?;
    // The checks are done with the referral keys, and referral_facts takes all of the
    // care: their memory is given back before and after the facts are built.
    s.release("referral_keys");
    let (name, sql) = queries::SERVICE_FACTS;
    let sql = queries::fill(name, sql, &s.params(&dates)).map_err(QueryError::from)?;
    s.create(name, &sql).await?;
    s.release("referral_care");
    let prev = period.previous();
    let Some(span) = referral_span(s, period).await? else {
        return Err(crate::report::ReportError::NoData(format!(
            "dataset referrals has no referral dated in {} ({} to {})",
            period.id, period.start, period.end
        )));
    };
    let metrics = service_metrics(s, clinical, min_count, period, false).await?;
    let (previous, previous_missing) = match referral_span(s, &prev).await? {
        Some(p) if covers(p, &prev) => (
            Some((
                prev.clone(),
                service_metrics(s, clinical, min_count, &prev, true).await?,
            )),
            None,
        ),
        Some(p) => (
            None,
            Some(format!(
                "The extracts hold referrals for only part of {} ({} to {}), so change since then is not shown.",
                prev.short_label(),
                p.0.format("%-d %B %Y"),
                p.1.format("%-d %B %Y")
            )),
        ),
        None => (
            None,
            Some(format!(
                "The extracts hold no referrals for {}, so change since then is not shown.",
                prev.short_label()
            )),
        ),
    };
    let first_referral = first_referral(s).await?.unwrap_or(span.0);
    let series = super::series::monthly(s, settings, period, first_referral).await?;
    let gaps = super::gaps::quarterly(s, settings, period, first_referral).await?;
    Ok(Gathered {
        metrics,
        series,
        gaps,
        previous,
        span,
        previous_missing,
    })
}

/// Referrals in the period with ethnicity not stated or not known, by partner:
/// (partner code, unknown, all).
pub(super) async fn ethnicity_unknown_by_partner(
    s: &DataSession,
    period: &Period,
) -> Result<Vec<(String, u64, u64)>, QueryError> {
    let name = "service/ethnicity_by_partner.sql";
    let sql = queries::fill(
        name,
        queries::SERVICE_ETHNICITY_BY_PARTNER,
        &[
            ("period_start", Param::Date(period.start)),
            ("period_end", Param::Date(period.end)),
        ],
    )?;
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let p = string_column(&b, "partner_org", name)?;
        let n = i64_column(&b, "unknown", name)?;
        let t = i64_column(&b, "referrals", name)?;
        for i in 0..b.num_rows() {
            out.push((
                p[i].clone().unwrap_or_default(),
                n[i].unwrap_or(0).max(0) as u64,
                t[i].unwrap_or(0).max(0) as u64,
            ));
        }
    }
    Ok(out)
}

/// Referrals in the period by ethnic group and referral source:
/// (ethnic group, source, referrals).
pub(super) async fn referral_sources(
    s: &DataSession,
    period: &Period,
) -> Result<Vec<(String, String, u64)>, QueryError> {
    let name = "service/referral_sources.sql";
    let sql = queries::fill(
        name,
        queries::SERVICE_REFERRAL_SOURCES,
        &[
            ("period_start", Param::Date(period.start)),
            ("period_end", Param::Date(period.end)),
        ],
    )?;
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let g = string_column(&b, "ethnic_group", name)?;
        let src = string_column(&b, "referral_source", name)?;
        let n = i64_column(&b, "referrals", name)?;
        for i in 0..b.num_rows() {
            out.push((
                g[i].clone().unwrap_or_default(),
                src[i].clone().unwrap_or_default(),
                n[i].unwrap_or(0).max(0) as u64,
            ));
        }
    }
    Ok(out)
}

/// Entries of `metrics.json` beside the figures.
pub(super) fn extra(
    g: &Gathered,
    unknown: &[(String, u64, u64)],
    settings: &Settings,
) -> serde_json::Map<String, serde_json::Value> {
    let mut extra = serde_json::Map::new();
    match &g.previous {
        Some((p, m)) => {
            extra.insert(
                "previous_period".into(),
                serde_json::json!({"id": p.id, "metrics": m}),
            );
        }
        None => {
            extra.insert("previous_period".into(), serde_json::Value::Null);
        }
    }
    extra.insert("series".into(), crate::report::change::to_json(&g.series));
    extra.insert(
        "quarterly_gaps".into(),
        super::gaps::to_json(&g.gaps, &settings.disclosure),
    );
    extra.insert(
        "ethnicity_unknown_by_partner".into(),
        serde_json::json!(
            unknown
                .iter()
                .map(
                    |(p, n, t)| serde_json::json!({"partner_org": p, "unknown": n, "referrals": t})
                )
                .collect::<Vec<_>>()
        ),
    );
    extra
}
