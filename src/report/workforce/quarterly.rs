//! `workforce-quarterly`: the staff snapshot at quarter end, change since the previous
//! quarter and since the baseline, the WRES and WDES indicators for the 12 months to
//! quarter end, training and mentoring against targets.

use chrono::NaiveDate;

use super::{Builder, Shown, gather};
use crate::catalog::ReportId;
use crate::config::Settings;
use crate::data::quality::QualityReport;
use crate::data::session::DataSession;
use crate::disclosure::record::Record;
use crate::pdf::model::{Block, Document, item};
use crate::period::Period;
use crate::report::compose::{documents, section};
use crate::report::{Computed, ReportError};

pub const REPORT: ReportId = ReportId::WorkforceQuarterly;

/// Compute the report's figures and tables and compose its document.
pub async fn compute(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    as_of: NaiveDate,
    quality: QualityReport,
    earlier: &[Record],
) -> Result<Computed, ReportError> {
    s.staff_tables().await?;
    let g = gather(
        s,
        settings,
        period,
        "a quarterly report needs the quarter-end snapshot",
    )
    .await?;
    let shown = Shown {
        mix: Vec::new(),
        earlier: earlier.to_vec(),
    };
    let mut b = g.builder(settings, period, &quality, REPORT, &shown)?;
    let (document, variants) =
        documents::<crate::template::WorkforceWording>(settings, REPORT, |d| {
            b.disclosure = d.clone();
            compose(&b, as_of)
        })?;
    let tables = b.tables();
    let record = b.plan.record().clone();
    Ok(Computed {
        extra: g.extra(),
        tables,
        document,
        variants,
        metrics: g.metrics,
        quality,
        disclosure: Some(record),
    })
}

/// The document under the builder's disclosure rules.
fn compose(b: &Builder, as_of: NaiveDate) -> Result<Document, ReportError> {
    let v = b.vars();
    let t = &b.template;
    let representation = section(
        t,
        "representation",
        &v,
        false,
        vec![
            Block::Paragraph(t.representation.intro.fill(&v)?),
            item(
                "band_cluster_chart",
                vec![Block::BarChart(b.bme_cluster_chart(&v)?)],
            ),
        ],
    )?;
    let mut sections = vec![b.key_messages(&v)?, b.summary_section(&v)?];
    sections.extend(b.change_section(b.series, &v, &super::plain_of)?);
    sections.extend([
        representation,
        b.partners_section(&v)?,
        b.training_section(&v)?,
        b.indicators_section(&v, false)?,
        b.methodology_section(&v)?,
        b.quality_section(&v)?,
    ]);
    b.document(&v, sections, as_of)
}
