//! `workforce-annual`: the financial year's workforce report for the Partnership Board:
//! year-end figures with their four-quarter trend against target and baseline, WRES
//! indicator 1 by band cluster and the national returns' table by band, the workforce
//! beside the population it serves, every WRES and WDES indicator the extracts carry,
//! the board, and a page per partner organisation.

mod model_employer;
mod pages;
mod pay;
mod returns;
mod survey;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Builder, Gathered, Shown, Vars, gather, snapshot_in, snapshot_metrics};
use crate::catalog::ReportId;
use crate::config::Settings;
use crate::data::quality::QualityReport;
use crate::data::query::{QueryError, collect, i64_column, string_column};
use crate::data::session::DataSession;
use crate::disclosure::record::Record;
use crate::metrics::{Metric, Metrics};
use crate::output::CsvTable;
use crate::pdf::model::Section;
use crate::period::Period;
use crate::queries::{self, Param};
use crate::report::compose::documents;
use crate::report::{Computed, ReportError};
use crate::template::Ph;
use crate::template::{Template, WorkforceWording};

pub const REPORT: ReportId = ReportId::WorkforceAnnual;

/// The headlines drawn as a four-quarter trend: the template's `trend.show` list, or
/// every share of the staff in post it could chart.
fn trend_figures(t: &Template<WorkforceWording>) -> Vec<String> {
    t.trend
        .as_ref()
        .and_then(|tr| tr.show.clone())
        .unwrap_or_else(|| super::shows("trend"))
}

/// How a figure is named in a table or chart title: its label in the wording.
fn label_of(t: &Template<WorkforceWording>, id: &str) -> Result<String, ReportError> {
    Ok(t.label(id)?.fill(&Default::default())?)
}

/// One quarter of the year: its snapshot and figures, if the extracts hold one.
#[derive(Serialize)]
struct Quarter {
    period: String,
    #[serde(skip)]
    label: String,
    snapshot_date: Option<String>,
    metrics: Option<Metrics>,
}

/// One row of the population comparison.
#[derive(Serialize)]
struct MixRow {
    group: String,
    codes: Vec<String>,
    residents: u64,
    #[serde(serialize_with = "crate::metrics::four_decimals_of")]
    population_share: f64,
    staff: u64,
    staff_known_ethnicity: u64,
    // (exact, written to four decimals as every figure is)
    #[serde(serialize_with = "crate::metrics::four_decimals")]
    staff_share: Option<f64>,
    #[serde(serialize_with = "crate::metrics::four_decimals")]
    ci_low: Option<f64>,
    #[serde(serialize_with = "crate::metrics::four_decimals")]
    ci_high: Option<f64>,
}

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
    let mut g = gather(
        s,
        settings,
        period,
        "the annual report needs a snapshot in the year (normally the one at 31 March)",
    )
    .await?;
    let results = survey::read(s, period).await?;
    g.metrics.0.extend(survey::metrics(&results));
    g.metrics.sort();
    let mut quarters = Vec::new();
    for q in period.quarters() {
        let snapshot = snapshot_in(s, &q).await?;
        let metrics = match snapshot {
            Some(d) => Some(snapshot_metrics(s, d, q.end).await?),
            None => None,
        };
        quarters.push(Quarter {
            period: q.id.clone(),
            label: q.short_label(),
            snapshot_date: snapshot.map(|d| d.to_string()),
            metrics,
        });
    }
    let mix = ethnic_mix(s, settings, g.snapshot).await?;
    let shown = Shown {
        mix: mix.iter().map(|r| (r.group.clone(), r.staff)).collect(),
        earlier: earlier.to_vec(),
    };
    let mut a = Annual {
        b: g.builder(settings, period, &quality, REPORT, &shown)?,
        quarters: &quarters,
        mix: &mix,
        survey: &results,
    };
    let (document, variants) =
        documents::<crate::template::WorkforceWording>(settings, REPORT, |d| {
            a.b.disclosure = d.clone();
            a.compose(as_of)
        })?;
    let mut tables = a.b.tables();
    let record = a.b.plan.record().clone();
    tables.push(a.trend_csv());
    tables.push(a.mix_csv());
    tables.push(survey::csv(&results));
    let mut extra = g.extra();
    extra.insert(
        "trend".into(),
        serde_json::to_value(&quarters).unwrap_or_default(),
    );
    extra.insert(
        "benchmark".into(),
        serde_json::json!({
            "label": settings.benchmark.label,
            "source": settings.benchmark.source,
            "groups": mix,
        }),
    );
    extra.insert(
        "staff_survey".into(),
        serde_json::to_value(&results).unwrap_or_default(),
    );
    let model = model_employer::to_json(settings, &g.metrics, g.snapshot);
    tables.push(model_employer::csv(&model));
    extra.insert("model_employer".into(), model);
    let Gathered { metrics, .. } = g;
    Ok(Computed {
        metrics,
        extra,
        tables,
        document,
        variants,
        quality,
        disclosure: Some(record),
    })
}

/// The workforce at the snapshot by the benchmark's groups, beside the population.
async fn ethnic_mix(
    s: &DataSession,
    settings: &Settings,
    snapshot: NaiveDate,
) -> Result<Vec<MixRow>, ReportError> {
    let name = "workforce/ethnic_mix.sql";
    let sql = queries::fill(
        name,
        queries::WORKFORCE_ETHNIC_MIX,
        &[("snapshot_date", Param::Date(snapshot))],
    )
    .map_err(QueryError::from)?;
    let mut by_code: Vec<(String, u64)> = Vec::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let codes = string_column(&b, "ethnic_category", name)?;
        let counts = i64_column(&b, "staff", name)?;
        for (c, n) in codes.into_iter().zip(counts) {
            by_code.push((c.unwrap_or_default(), n.unwrap_or(0).max(0) as u64));
        }
    }
    let known: u64 = by_code
        .iter()
        .filter(|(c, _)| c != "Unknown")
        .map(|x| x.1)
        .sum();
    let groups = &settings.benchmark.groups;
    let residents: u64 = groups.iter().map(|g| g.residents).sum();
    Ok(groups
        .iter()
        .map(|g| {
            let staff: u64 = by_code
                .iter()
                .filter(|(c, _)| g.codes.contains(c))
                .map(|x| x.1)
                .sum();
            let m = Metric::proportion("mix", Default::default(), staff, known);
            MixRow {
                group: g.name.clone(),
                codes: g.codes.clone(),
                residents: g.residents,
                population_share: g.residents as f64 / residents as f64,
                staff,
                staff_known_ethnicity: known,
                staff_share: m.value,
                ci_low: m.ci_low,
                ci_high: m.ci_high,
            }
        })
        .collect())
}

struct Annual<'a> {
    b: Builder<'a>,
    quarters: &'a [Quarter],
    mix: &'a [MixRow],
    survey: &'a [survey::SurveyResult],
}

impl Annual<'_> {
    /// The document under the builder's disclosure rules.
    fn compose(&self, as_of: NaiveDate) -> Result<crate::pdf::model::Document, ReportError> {
        let mut v = self.b.vars();
        self.add_vars(&mut v);
        let sections = self.sections(&v)?;
        self.b.document(&v, sections, as_of)
    }

    fn add_vars(&self, v: &mut Vars) {
        let with_data = self.quarters.iter().filter(|q| q.metrics.is_some()).count();
        v.insert(Ph::QuartersWithData, with_data.to_string());
        v.insert(
            Ph::MissingQuarters,
            self.quarters
                .iter()
                .filter(|q| q.metrics.is_none())
                .map(|q| q.label.clone())
                .collect::<Vec<_>>()
                .join(", "),
        );
        v.insert(Ph::BenchmarkLabel, self.b.settings.benchmark.label.clone());
        v.insert(
            Ph::BenchmarkSource,
            self.b.settings.benchmark.source.clone(),
        );
        let unknown = self.b.metrics.get("wf.ethnicity_unknown_pct", &[]);
        v.insert(Ph::UnknownPct, self.b.shown(unknown, false));
    }

    fn sections(&self, v: &Vars) -> Result<Vec<Section>, ReportError> {
        let b = &self.b;
        let mut sections = vec![b.key_messages(v)?, b.summary_section(v)?];
        sections.extend(b.change_section(b.series, v, &super::plain_of)?);
        sections.extend([
            self.trend_section(v)?,
            self.representation_section(v)?,
            self.band_return_section(v)?,
            self.model_employer_section(v)?,
            self.population_section(v)?,
            b.indicators_section(v, false)?,
            self.board_section(v)?,
            self.pay_section(v)?,
            self.survey_section(v)?,
            self.outside_section(v)?,
            b.training_section(v)?,
            b.partners_section(v)?,
        ]);
        sections.extend(self.partner_pages(v)?);
        sections.push(b.methodology_section(v)?);
        sections.push(b.quality_section(v)?);
        Ok(sections)
    }

    /// A headline's figure in each quarter, as the charts and tables show it.
    fn quarter_figures(&self, id: &str) -> Vec<Option<&Metric>> {
        self.quarters
            .iter()
            .map(|q| q.metrics.as_ref().and_then(|m| m.get(id, &[])))
            .collect()
    }

    fn trend_csv(&self) -> CsvTable {
        let mut out = CsvTable::new(
            "trend",
            &[
                "metric",
                "period",
                "snapshot_date",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
            ],
        );
        for id in &trend_figures(&self.b.template) {
            for (q, m) in self.quarters.iter().zip(self.quarter_figures(id)) {
                let mut row = vec![
                    id.to_string(),
                    q.period.clone(),
                    q.snapshot_date.clone().unwrap_or_default(),
                ];
                match m {
                    Some(m) => row.extend(super::figure_cells(m)),
                    None => row.extend(std::iter::repeat_n(String::new(), 5)),
                }
                out.rows.push(row);
            }
        }
        out
    }

    fn mix_csv(&self) -> CsvTable {
        let mut out = CsvTable::new(
            "population_comparison",
            &[
                "group",
                "codes",
                "residents",
                "population_share",
                "staff",
                "staff_known_ethnicity",
                "staff_share",
                "ci_low",
                "ci_high",
            ],
        );
        let val =
            |x: Option<f64>| x.map_or(String::new(), |v| crate::metrics::round4(v).to_string());
        for r in self.mix {
            out.rows.push(vec![
                r.group.clone(),
                r.codes.join(" "),
                r.residents.to_string(),
                crate::metrics::round4(r.population_share).to_string(),
                r.staff.to_string(),
                r.staff_known_ethnicity.to_string(),
                val(r.staff_share),
                val(r.ci_low),
                val(r.ci_high),
            ]);
        }
        out
    }
}
