//! `access-biannual`: who is referred and who reaches treatment in a half year, against
//! the GP-registered population aged 17+, for every group, priority groups first.

use chrono::NaiveDate;

use super::{Builder, Shown, ethnicity_unknown_by_partner, extra, gather, referral_sources};
use crate::catalog::ReportId;
use crate::config::Settings;
use crate::data::quality::QualityReport;
use crate::data::session::DataSession;
use crate::disclosure::record::Record;
use crate::pdf::model::{Block, Document, item};
use crate::period::Period;
use crate::report::compose::{documents, section};
use crate::report::{Computed, ReportError};

pub const REPORT: ReportId = ReportId::AccessBiannual;

/// Compute the report's figures and tables and compose its document.
pub async fn compute(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    as_of: NaiveDate,
    quality: QualityReport,
    earlier: &[Record],
) -> Result<Computed, ReportError> {
    let mut g = gather(s, settings, period, as_of).await?;
    // ethnic group by sex, IMD decile and partner (the ethnicity gaps' too) are
    // equity-annual's breakdowns: a half-year's counts by partner, once published, would
    // pin the year's, leaving the year's report no way to hide a partner's small count
    let ours = |m: &crate::metrics::Metric| {
        m.by.len() < 2 && !m.by.contains_key("imd_decile") && !m.by.contains_key("partner_org")
    };
    g.metrics.0.retain(ours);
    if let Some((_, pm)) = &mut g.previous {
        pm.0.retain(ours);
    }
    let unknown = ethnicity_unknown_by_partner(s, period).await?;
    let sources = referral_sources(s, period).await?;
    let shown = Shown {
        sources: sources.clone(),
        unknown: unknown.clone(),
        earlier: earlier.to_vec(),
    };
    let mut b = Builder::new(s, &g, settings, period, &quality, REPORT, &shown)?;
    let (document, variants) =
        documents::<crate::template::ServiceWording>(settings, REPORT, |d| {
            b.disclosure = d.clone();
            compose(&b, &sources, &unknown, as_of)
        })?;
    let record = b.plan.record().clone();
    let tables = b.tables(&sources, &unknown);
    Ok(Computed {
        extra: extra(&g, &unknown, settings),
        tables,
        document,
        variants,
        metrics: g.metrics,
        quality,
        disclosure: Some(record),
    })
}

/// The document under the builder's disclosure rules.
fn compose(
    b: &Builder,
    sources: &[(String, String, u64)],
    unknown: &[(String, u64, u64)],
    as_of: NaiveDate,
) -> Result<Document, ReportError> {
    let v = b.vars();
    let t = &b.template;
    let mut sections = vec![b.key_messages(&v)?, b.summary_section(&v)?];
    sections.extend(b.change_section(b.series, &v, &super::plain_of)?);
    sections.extend(b.gaps_section(&v)?);
    sections.push(b.access_section(&v)?);
    sections.push(section(
        t,
        "sources",
        &v,
        true,
        vec![
            Block::Paragraph(t.sources.intro.fill(&v)?),
            item(
                "sources_table",
                vec![Block::Table(b.sources_table(sources))],
            ),
        ],
    )?);
    sections.push(section(
        t,
        "interpreter",
        &v,
        false,
        vec![
            Block::Paragraph(t.interpreter.intro.fill(&v)?),
            item(
                "interpreter_table",
                vec![Block::Table(
                    b.section_table("interpreter", "ethnic_category")?,
                )],
            ),
        ],
    )?);
    sections.push(b.methodology_section(&v)?);
    sections.push(b.quality_section(&v, unknown)?);
    b.document(&v, sections, as_of)
}
