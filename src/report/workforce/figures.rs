//! Gathering a workforce period's figures: the snapshot it reports, the snapshot's
//! figures and indicators, and the period before's for change.

use crate::config::Settings;
use crate::data::quality::QualityReport;
use crate::data::query::{QueryError, collect, string_column};
use crate::data::session::DataSession;
use crate::metrics::{Metrics, run_columns_query, run_metric_query};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::report::compose::Composer;
use crate::report::{ReportError, drop_unsupplied};
use crate::template::WorkforceWording;
use chrono::NaiveDate;

use super::{Builder, DATASETS, Gathered, Previous, Shown};

/// The snapshot date a period reports, if any.
pub(super) async fn snapshot_on_or_before(
    s: &DataSession,
    end: NaiveDate,
) -> Result<Option<NaiveDate>, QueryError> {
    let name = "workforce/snapshot_date.sql";
    let sql = queries::fill(
        name,
        queries::WORKFORCE_SNAPSHOT_DATE,
        &[("period_end", Param::Date(end))],
    )?;
    let batches = collect(
        &s.ctx,
        name,
        &format!("SELECT CAST(snapshot_date AS VARCHAR) AS snapshot_date FROM ({sql}) q"),
    )
    .await?;
    let v = batches
        .first()
        .map(|b| string_column(b, "snapshot_date", name))
        .transpose()?;
    Ok(v.and_then(|c| c.into_iter().next().flatten())
        .and_then(|d| d.parse().ok()))
}

pub(super) async fn snapshot_metrics(
    s: &DataSession,
    snapshot: NaiveDate,
    end: NaiveDate,
) -> Result<Metrics, QueryError> {
    let params = [
        ("snapshot_date", Param::Date(snapshot)),
        ("period_end", Param::Date(end)),
    ];
    let mut m = Metrics(Vec::new());
    for (name, sql) in [
        ("workforce/snapshot.sql", queries::WORKFORCE_SNAPSHOT),
        ("workforce/band_share.sql", queries::WORKFORCE_BAND_SHARE),
    ] {
        let sql = queries::fill(name, sql, &params)?;
        m.0.extend(run_columns_query(&s.ctx, name, &sql).await?.0);
    }
    for (name, sql) in queries::WORKFORCE_SNAPSHOT_ROWS {
        let sql = queries::fill(name, sql, &params)?;
        m.0.extend(run_metric_query(&s.ctx, name, &sql).await?.0);
    }
    m.sort();
    drop_unsupplied(&mut m, s);
    Ok(m)
}

/// The snapshot in the period, its figures and indicators, and the previous period's
/// snapshot figures if its data is present. `needs` says which snapshot is missing.
pub(super) async fn gather(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    needs: &str,
) -> Result<Gathered, ReportError> {
    let snapshot = snapshot_in(s, period).await?.ok_or_else(|| {
        ReportError::NoData(format!(
            "dataset staff_snapshot has no snapshot dated in {} ({} to {}); {needs}",
            period.id, period.start, period.end
        ))
    })?;
    let mut metrics = snapshot_metrics(s, snapshot, period.end).await?;
    metrics.0.extend(
        crate::report::indicators::compute_indicators(s, settings, period, snapshot)
            .await?
            .0,
    );
    metrics.sort();
    let prev_period = period.previous();
    let previous = match snapshot_in(s, &prev_period).await? {
        Some(d) => Some(Previous {
            metrics: snapshot_metrics(s, d, prev_period.end).await?,
            period: prev_period,
            snapshot: d,
        }),
        None => None,
    };
    let not_supplied: Vec<String> = DATASETS
        .iter()
        .filter(|d| !s.is_supplied(d))
        .map(|d| d.to_string())
        .collect();
    let series = super::series::quarterly(s, settings, period, snapshot).await?;
    Ok(Gathered {
        snapshot,
        metrics,
        series,
        previous,
        not_supplied,
    })
}

/// The latest snapshot dated inside a period, if any.
pub(super) async fn snapshot_in(
    s: &DataSession,
    period: &Period,
) -> Result<Option<NaiveDate>, QueryError> {
    Ok(snapshot_on_or_before(s, period.end)
        .await?
        .filter(|d| *d >= period.start))
}

impl Gathered {
    /// Entries of `metrics.json` beside the figures: snapshot, previous period, gaps.
    pub(super) fn extra(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut extra = serde_json::Map::new();
        extra.insert("snapshot_date".into(), self.snapshot.to_string().into());
        if let Some(p) = &self.previous {
            extra.insert(
                "previous_period".into(),
                serde_json::json!({
                    "id": p.period.id,
                    "snapshot_date": p.snapshot.to_string(),
                    "metrics": p.metrics,
                }),
            );
        }
        extra.insert("not_supplied".into(), serde_json::json!(self.not_supplied));
        extra.insert(
            "series".into(),
            crate::report::change::to_json(&self.series),
        );
        extra
    }

    pub(super) fn builder<'a>(
        &'a self,
        settings: &'a Settings,
        period: &'a Period,
        quality: &'a QualityReport,
        report: crate::catalog::ReportId,
        shown: &Shown,
    ) -> Result<Builder<'a>, ReportError> {
        let template = crate::report::template::<WorkforceWording>(report)?;
        let mut headlines = Vec::new();
        for id in &template.summary.figures {
            let label = template.label(id)?.fill(&Default::default())?;
            headlines.push((id.clone(), label));
        }
        Ok(Builder {
            c: Composer {
                plan: super::disclosure_plan(settings, self.snapshot, &self.metrics, shown),
                settings,
                period,
                metrics: &self.metrics,
                quality,
                disclosure: settings.disclosure.clone(),
                template,
            },
            snapshot: self.snapshot,
            previous: self.previous.as_ref(),
            not_supplied: &self.not_supplied,
            headlines,
            series: &self.series,
        })
    }
}
