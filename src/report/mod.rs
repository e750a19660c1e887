//! The reports: one module each, plus the run that every report shares (load, check,
//! compute, write the output folder, deliver).

pub mod compose;
pub mod indicators;
pub mod quality_page;
pub mod service;
pub mod workforce;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::data::quality::QualityReport;
use crate::data::query::QueryError;
use crate::data::session::DataSession;
use crate::metrics::Metrics;
use crate::pdf::model::Document;
use crate::template::Template;

use crate::catalog::{Family, ReportId};

/// The tables and charts a report's section can show, by the names its template's
/// `show` list uses.
pub fn section_shows(report: ReportId, section: &str) -> Vec<String> {
    match report.family() {
        Family::Workforce => workforce::shows(section),
        Family::Service => service::shows(section),
    }
}

/// Every `{placeholder}` the workforce reports fill somewhere (a test keeps this list
/// equal to the names their code inserts).
const WORKFORCE_PLACEHOLDERS: &[&str] = &[
    "baseline_bme_band7_pct",
    "baseline_bme_pct",
    "baseline_label",
    "benchmark_label",
    "benchmark_source",
    "bme_band7_pct",
    "bme_pct",
    "case_window",
    "cultural_target",
    "dataset",
    "figure",
    "first",
    "fte",
    "fte_left_out",
    "fte_rows",
    "headcount",
    "interpreters_target",
    "last",
    "lowest_cluster",
    "mentoring_target",
    "min_count",
    "min_count_less_one",
    "missing_quarters",
    "partner",
    "partner_staff",
    "period_end",
    "period_label",
    "period_noun",
    "previous_end",
    "previous_label",
    "quarters_with_data",
    "ratio",
    "reading",
    "references",
    "round_to",
    "second",
    "snapshot_date",
    "unknown_pct",
];

/// Every `{placeholder}` the service-user reports fill somewhere (kept equal to the
/// names their code inserts by a test).
const SERVICE_PLACEHOLDERS: &[&str] = &[
    "access_rate",
    "direction",
    "england",
    "england_period",
    "england_sources",
    "first",
    "first_referral",
    "gap",
    "group",
    "label",
    "last",
    "last_referral",
    "min_count",
    "min_count_less_one",
    "older_age",
    "overall",
    "period_end",
    "period_label",
    "period_start",
    "previous_label",
    "ratio",
    "ratio_reading",
    "ratio_sentence",
    "recovery",
    "recovery_sentence",
    "referrals",
    "round_to",
    "service_recovery",
    "significance",
    "target",
    "value",
];

/// The placeholders a report's templates may use.
fn placeholders(report: ReportId) -> &'static [&'static str] {
    match report.family() {
        Family::Workforce => WORKFORCE_PLACEHOLDERS,
        Family::Service => SERVICE_PLACEHOLDERS,
    }
}

/// Check a report's template before any work: its `sections` list names only sections
/// the report has, each section's `show` list only tables and charts it has, and every
/// `{placeholder}` is one the report fills. The error names the file and line.
/// (Whether a placeholder is filled in the very text that uses it is checked again as
/// each text is filled.)
pub fn check_template(report: ReportId) -> Result<(), crate::template::TemplateError> {
    let t = Template::load(report)?;
    t.section_order(report.section_keys())?;
    for section in report.section_keys() {
        let known = section_shows(report, section);
        t.section_shows(
            section,
            &known.iter().map(String::as_str).collect::<Vec<_>>(),
        )?;
    }
    let known: Vec<&str> = crate::registry::ids().collect();
    let none = BTreeMap::new();
    for id in t.figures("summary.figures", &known)? {
        t.label(&id, &none)?;
    }
    // the columns of a section's tables, each with its heading
    for section in report.section_keys() {
        let key = format!("{section}.figures");
        if *section != "summary" && t.has(&key) {
            for id in t.figures(&key, &known)? {
                t.heading(&id, &none)?;
            }
        }
        let key = format!("{section}.compare");
        if t.has(&key) {
            t.figure(&key, &known)?;
        }
    }
    t.check_placeholders(placeholders(report))
}

/// The optional dataset each figure is computed from, by metric id prefix: when that
/// dataset is absent its figures are dropped and the report says "not supplied".
const SOURCES: &[(&str, &str)] = &[
    ("train.", "training"),
    ("mentoring.", "mentoring"),
    ("wres2.", "recruitment"),
    ("wdes2.", "recruitment"),
    ("wres3.", "disciplinary"),
    ("wres4.", "training"),
    ("wf.turnover_pct", "leavers"),
];

/// The optional dataset a figure needs, if any.
pub fn source_of(id: &str) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|(prefix, _)| id.starts_with(prefix))
        .map(|(_, ds)| *ds)
}

/// Drop the figures whose dataset was not supplied (an absent dataset reads as an
/// empty table, whose zeros must not pass for real figures).
pub fn drop_unsupplied(m: &mut Metrics, s: &DataSession) {
    for (prefix, dataset) in SOURCES {
        if !s.is_supplied(dataset) {
            m.remove_prefix(prefix);
        }
    }
}

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    NoData(String),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Template(#[from] crate::template::TemplateError),
}

/// A table written to `tables/<name>.csv` (unsuppressed, for analysts).
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    pub fn new(name: &str, header: &[&str]) -> CsvTable {
        CsvTable {
            name: name.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// What a report computed: figures, tables, the document and the data-quality counts.
pub struct Computed {
    pub metrics: Metrics,
    /// Report-specific entries added to `metrics.json` (snapshot date, previous period).
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub tables: Vec<CsvTable>,
    /// The document under the default disclosure rules.
    pub document: Document,
    /// The document again for each other rounding an audience gets: (round_to, document).
    pub variants: Vec<(u64, Document)>,
    pub quality: QualityReport,
    /// The run's disclosure decision, kept as disclosure.json for the runs over
    /// overlapping periods that follow (service-user reports).
    pub disclosure: Option<crate::disclosure::record::Record>,
}

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub report: ReportId,
    pub period: String,
    pub data: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub as_of: NaiveDate,
    pub send: bool,
}

/// A fraction as a percentage with one decimal: 0.1984 -> "19.8%".
pub fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// A difference of fractions in percentage points: 0.012 -> "+1.2 pp".
pub fn pp(v: f64) -> String {
    format!("{} pp", change(v * 100.0))
}

/// A change with its sign and one decimal: 0.4 -> "+0.4", -1.25 -> "-1.3"; one that
/// rounds to nothing reads "0.0", never "-0.0".
pub fn change(x: f64) -> String {
    if x.abs() < 0.05 {
        "0.0".into()
    } else {
        format!("{x:+.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::compose::order_sections;
    use super::*;
    use crate::pdf::model::{Block, Section};

    #[test]
    fn every_report_template_lists_known_sections() {
        for report in ReportId::ALL {
            check_template(report).unwrap();
            let t = Template::load(report).unwrap();
            // every section is printed by default
            assert_eq!(
                t.section_order(report.section_keys()).unwrap(),
                report.section_keys(),
                "{report}"
            );
            // and every table and chart, in the order the code builds them
            for section in report.section_keys() {
                let known = section_shows(report, section);
                let refs: Vec<&str> = known.iter().map(String::as_str).collect();
                let shown = t.section_shows(section, &refs).unwrap();
                if known.is_empty() {
                    assert_eq!(shown, None, "{report} {section}");
                } else {
                    assert_eq!(shown, Some(known), "{report} {section}");
                }
            }
        }
    }

    #[test]
    fn the_show_names_are_the_names_the_code_gives() {
        let sources = [
            include_str!("workforce/mod.rs"),
            include_str!("workforce/sections.rs"),
            include_str!("workforce/tables.rs"),
            include_str!("workforce/annual.rs"),
            include_str!("workforce/annual/pages.rs"),
            include_str!("workforce/quarterly.rs"),
            include_str!("service/mod.rs"),
            include_str!("service/sections.rs"),
            include_str!("service/tables.rs"),
            include_str!("service/access.rs"),
            include_str!("service/equity.rs"),
            include_str!("quality_page.rs"),
        ];
        let mut given: Vec<String> = Vec::new();
        for src in sources {
            for (at, _) in src.match_indices("item(") {
                let rest = src[at + "item(".len()..].trim_start();
                if let Some(rest) = rest.strip_prefix('"') {
                    given.push(rest.chars().take_while(|c| *c != '"').collect());
                }
            }
        }
        // names built at run time: each breakdown's table and each trend metric
        given.extend(service::shows("outcomes"));
        given.extend(workforce::shows("trend"));
        // the deprivation charts are named in a list beside their metric
        given.extend(["access_chart".to_string(), "recovery_chart".to_string()]);
        given.extend(quality_page::SHOWS.iter().map(|s| s.to_string()));
        given.sort();
        given.dedup();
        let mut listed: Vec<String> = ReportId::ALL
            .iter()
            .flat_map(|r| {
                r.section_keys()
                    .iter()
                    .flat_map(move |s| section_shows(*r, s))
            })
            .collect();
        listed.sort();
        listed.dedup();
        assert_eq!(listed, given);
    }

    #[test]
    fn a_show_list_picks_and_orders_tables_and_keeps_the_text_around_them() {
        use crate::pdf::model::item;
        let mut t = Template::from_files(vec![(
            "report_templates/t.toml",
            "sections = [\"quality\"]\n[quality]\nshow = [\"ethnicity_unknown_table\", \"rows_table\"]\n",
        )])
        .unwrap();
        t.report = Some(ReportId::EquityAnnual);
        t.report_sections = &["quality"];
        let p = |s: &str| Block::Paragraph(s.into());
        let section = Section {
            key: "quality".into(),
            heading: "Q".into(),
            new_page: false,
            blocks: vec![
                p("intro"),
                item("rows_table", vec![p("rows")]),
                item("problems_table", vec![p("problems")]),
                item("ethnicity_unknown_table", vec![p("ethnicity")]),
                p("closing"),
            ],
        };
        let out = order_sections(&t, vec![section.clone()]).unwrap();
        let text = |s: &Section| -> Vec<String> {
            fn walk(b: &[Block], out: &mut Vec<String>) {
                for b in b {
                    match b {
                        Block::Paragraph(p) => out.push(p.clone()),
                        Block::Item(i) => walk(&i.blocks, out),
                        _ => {}
                    }
                }
            }
            let mut out = Vec::new();
            walk(&s.blocks, &mut out);
            out
        };
        assert_eq!(text(&out[0]), ["intro", "ethnicity", "rows", "closing"]);
        // without a list, everything as built
        let mut t = Template::from_files(vec![(
            "report_templates/t.toml",
            "sections = [\"quality\"]\n",
        )])
        .unwrap();
        t.report = Some(ReportId::EquityAnnual);
        t.report_sections = &["quality"];
        let out = order_sections(&t, vec![section.clone()]).unwrap();
        assert_eq!(
            text(&out[0]),
            ["intro", "rows", "problems", "ethnicity", "closing"]
        );
        // a name the code gives that the section's list lacks is a program error
        let mut bad = section;
        bad.blocks.push(item("chart_of_nothing", vec![]));
        let e = order_sections(&t, vec![bad]).unwrap_err().to_string();
        assert!(e.contains("\"chart_of_nothing\""), "{e}");
    }

    /// The names a family's code inserts into its placeholder maps (`v`, `vv`), read
    /// from its source.
    fn inserted(sources: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for src in sources {
            for (at, _) in src.match_indices(".insert(") {
                let receiver: String = src[..at]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if receiver != "v" && receiver != "vv" {
                    continue;
                }
                let rest = src[at + ".insert(".len()..].trim_start();
                if let Some(rest) = rest.strip_prefix('"') {
                    names.push(rest.chars().take_while(|c| *c != '"').collect());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn the_placeholder_lists_are_what_the_code_fills() {
        let workforce = inserted(&[
            include_str!("workforce/mod.rs"),
            include_str!("workforce/sections.rs"),
            include_str!("workforce/tables.rs"),
            include_str!("workforce/annual.rs"),
            include_str!("workforce/annual/pages.rs"),
            include_str!("workforce/quarterly.rs"),
        ]);
        assert_eq!(workforce, WORKFORCE_PLACEHOLDERS);
        let service = inserted(&[
            include_str!("service/mod.rs"),
            include_str!("service/sections.rs"),
            include_str!("service/tables.rs"),
            include_str!("service/access.rs"),
            include_str!("service/equity.rs"),
        ]);
        assert_eq!(service, SERVICE_PLACEHOLDERS);
    }

    #[test]
    fn sections_follow_the_template_order_and_unlisted_ones_are_dropped() {
        let mut t = Template::from_files(vec![(
            "report_templates/t.toml",
            "sections = [\"quality\", \"summary\"]\n",
        )])
        .unwrap();
        t.report_sections = &["summary", "partners", "quality"];
        let s = |key: &str| Section {
            key: key.into(),
            heading: key.to_uppercase(),
            new_page: false,
            blocks: Vec::new(),
        };
        let out = order_sections(
            &t,
            vec![s("summary"), s("partners"), s("quality"), s("quality")],
        )
        .unwrap();
        let keys: Vec<&str> = out.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["quality", "quality", "summary"]);
    }

    #[test]
    fn percentages_and_points() {
        assert_eq!(pct(0.1984), "19.8%");
        assert_eq!(pp(0.012), "+1.2 pp");
        assert_eq!(pp(-0.0004), "0.0 pp");
        assert_eq!(change(-0.04), "0.0");
        assert_eq!(change(-0.05), "-0.1");
        assert_eq!(change(12.34), "+12.3");
        assert_eq!(pp(-0.031), "-3.1 pp");
    }
}
