//! The staff-survey indicators (WRES 5 to 8, WDES 4 to 9) as the partners' published
//! results give them (dataset `staff_survey`, `survey.<indicator>`): read, never
//! recomputed, each partner's latest survey year to the period's end, shown beside the
//! HR indicators with its year and source; a result whose base is under `min_count` is
//! hidden. Without the dataset the page says where each is published.

use serde::Serialize;

use crate::data::query::{QueryError, collect, f64_column, i64_column, string_column};
use crate::data::session::DataSession;
use crate::metrics::{Metric, round4};
use crate::pdf::model::{Align, Block, Section, Table, col, item};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::report::compose::{section, table};
use crate::report::workforce::Vars;
use crate::report::{ReportError, pct};
use crate::template::wording::words_or_key;

use super::Annual;

/// One published result.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SurveyResult {
    pub partner_org: String,
    pub survey_year: i64,
    pub indicator: String,
    pub staff_group: String,
    pub value_pct: f64,
    pub respondents: Option<i64>,
    pub source: Option<String>,
}

/// The two tables: the WRES indicators by ethnic group, the WDES ones by disability,
/// each with the whole staff's result beside.
const TABLES: [(&str, [&str; 3], &str); 2] = [
    ("wres", ["White", "BME", "All"], "wres_survey_table"),
    (
        "wdes",
        ["Disabled", "Non-disabled", "All"],
        "wdes_survey_table",
    ),
];

/// Each partner's latest published results to the period's end.
pub(super) async fn read(
    s: &DataSession,
    period: &Period,
) -> Result<Vec<SurveyResult>, QueryError> {
    if !s.is_supplied("staff_survey") {
        return Ok(Vec::new());
    }
    let (name, sql) = queries::WORKFORCE_SURVEY;
    let year = chrono::Datelike::year(&period.end);
    let sql = queries::fill(
        name,
        sql,
        &[("period_end_year", Param::Int(i64::from(year)))],
    )?;
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let partner = string_column(&b, "partner_org", name)?;
        let years = i64_column(&b, "survey_year", name)?;
        let indicator = string_column(&b, "indicator", name)?;
        let group = string_column(&b, "staff_group", name)?;
        let value = f64_column(&b, "value_pct", name)?;
        let respondents = i64_column(&b, "respondents", name)?;
        let source = string_column(&b, "source", name)?;
        for i in 0..b.num_rows() {
            out.push(SurveyResult {
                partner_org: partner[i].clone().unwrap_or_default(),
                survey_year: years[i].unwrap_or_default(),
                indicator: indicator[i].clone().unwrap_or_default(),
                staff_group: group[i].clone().unwrap_or_default(),
                value_pct: value[i].unwrap_or_default(),
                respondents: respondents[i],
                source: source[i].clone(),
            });
        }
    }
    Ok(out)
}

/// The results as figures: `survey.<indicator>` by partner and group, the published
/// share as a fraction, the base as its denominator.
pub(super) fn metrics(results: &[SurveyResult]) -> Vec<Metric> {
    results
        .iter()
        .map(|r| Metric {
            denominator: r.respondents.map(|n| n.max(0) as u64),
            value: Some(round4(r.value_pct / 100.0)),
            ..Metric::value(
                &format!("survey.{}", r.indicator),
                [
                    ("partner_org".to_string(), r.partner_org.clone()),
                    ("staff_group".to_string(), r.staff_group.clone()),
                ]
                .into(),
                0.0,
            )
        })
        .collect()
}

/// The results as the CSV `staff_survey` gives them, one row each.
pub(super) fn csv(results: &[SurveyResult]) -> crate::output::CsvTable {
    let mut out = crate::output::CsvTable::new(
        "staff_survey",
        &[
            "partner_org",
            "survey_year",
            "indicator",
            "staff_group",
            "value_pct",
            "respondents",
            "source",
        ],
    );
    for r in results {
        out.rows.push(vec![
            r.partner_org.clone(),
            r.survey_year.to_string(),
            r.indicator.clone(),
            r.staff_group.clone(),
            r.value_pct.to_string(),
            r.respondents.map_or(String::new(), |n| n.to_string()),
            r.source.clone().unwrap_or_default(),
        ]);
    }
    out
}

impl Annual<'_> {
    pub(super) fn survey_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let w = t.need(&t.survey, "survey")?;
        let mut blocks = vec![Block::Paragraph(w.intro.fill(v)?)];
        if self.survey.is_empty() {
            blocks.push(Block::Paragraph(w.not_supplied.fill(v)?));
            return section(t, "survey", v, true, blocks);
        }
        for ((family, groups, name), title) in TABLES.iter().zip([&w.wres_title, &w.wdes_title]) {
            let table = self.survey_table(family, groups, w, v)?;
            blocks.push(item(
                name,
                vec![Block::Subheading(title.fill(v)?), Block::Table(table)],
            ));
        }
        section(t, "survey", v, true, blocks)
    }

    /// A row per indicator and partner that published it: the year, each group's share
    /// with its base (hidden where the base is under `min_count`), the source.
    fn survey_table(
        &self,
        family: &str,
        groups: &[&str; 3],
        w: &crate::template::wording::SurveyWords,
        v: &Vars,
    ) -> Result<Table, ReportError> {
        let b = &self.b;
        let mut rows = Vec::new();
        let mut headed = Vec::new();
        for code in crate::contract::SURVEY_INDICATORS
            .iter()
            .filter(|c| c.starts_with(family))
        {
            let mut partners: Vec<&str> = self
                .survey
                .iter()
                .filter(|r| r.indicator == *code)
                .map(|r| r.partner_org.as_str())
                .collect();
            partners.dedup();
            let start = rows.len();
            for partner in partners {
                let of = |g: &str| {
                    self.survey.iter().find(|r| {
                        r.indicator == *code && r.partner_org == partner && r.staff_group == g
                    })
                };
                let any = groups.iter().find_map(|g| of(g));
                let Some(first) = any else { continue };
                let mut row = vec![partner.to_string(), first.survey_year.to_string()];
                for g in groups {
                    row.push(match of(g) {
                        None => "-".into(),
                        Some(r) => {
                            let m = b.metrics.get(
                                &format!("survey.{code}"),
                                &[("partner_org", partner), ("staff_group", g)],
                            );
                            if m.is_some_and(|m| b.hidden(m)) {
                                "*".into()
                            } else {
                                match r.respondents {
                                    Some(n) => format!(
                                        "{} ({})",
                                        pct(r.value_pct / 100.0),
                                        b.d().show_count(n.max(0) as u64)
                                    ),
                                    None => pct(r.value_pct / 100.0),
                                }
                            }
                        }
                    });
                }
                row.push(first.source.clone().unwrap_or_default());
                rows.push(row);
            }
            // each indicator a heading over its partners' rows
            if rows.len() > start {
                headed.push((start, words_or_key(&w.indicators, code, v)?));
            }
        }
        let mut columns = vec![
            col(&w.partner_header.fill(v)?, 0.7, Align::Left),
            col(&w.year_header.fill(v)?, 0.5, Align::Right),
        ];
        for g in groups {
            columns.push(col(&words_or_key(&w.groups, g, v)?, 1.4, Align::Right));
        }
        columns.push(col(&w.source_header.fill(v)?, 2.6, Align::Left));
        Ok(Table {
            groups: headed,
            note: Some(w.note.fill(v)?),
            ..table(columns, rows)
        })
    }
}
