//! The reports, by family (`workforce`, `service`), each computing its figures and
//! composing its documents; what both families compose with (`compose`, the
//! data-quality page, the WRES and WDES indicators); and what they share here: the
//! template a report loads and what it is checked against, the optional dataset a
//! figure needs, what a computed report holds, and how numbers are written. Loading,
//! writing and delivering a run are `run/`'s.

pub mod change;
pub mod compose;
pub mod indicators;
pub mod messages;
pub mod quality_page;
pub mod service;
#[cfg(test)]
mod wording_tests;
pub mod workforce;

use crate::data::quality::QualityReport;
use crate::data::query::QueryError;
use crate::data::session::DataSession;
use crate::metrics::Metrics;
use crate::pdf::model::Document;
use crate::template::{ServiceWording, Template, WorkforceWording};

use crate::catalog::{Family, ReportId};

/// The tables and charts a report's section can show, by the names its template's
/// `show` list uses.
pub fn section_shows(report: ReportId, section: &str) -> Vec<String> {
    match report.family() {
        Family::Workforce => workforce::shows(section),
        Family::Service => service::shows(section),
    }
}

/// What a report has, which its wording is checked against as it loads.
pub fn known(_report: ReportId) -> crate::template::Known {
    crate::template::Known {
        shows: section_shows,
        dimensions: service::ALL_DIMENSIONS,
    }
}

/// A report's wording, loaded and checked whole.
pub fn template<W: crate::template::Wording>(
    report: ReportId,
) -> Result<Template<W>, crate::template::TemplateError> {
    Template::load(report, known(report))
}

/// Load a report's template before any work: every key, section, figure and
/// placeholder is checked as it loads ([`Template::from_files`]), and the error names the
/// file, table and key (and line where it helps).
pub fn check_template(report: ReportId) -> Result<(), crate::template::TemplateError> {
    match report.family() {
        Family::Service => template::<ServiceWording>(report).map(drop),
        Family::Workforce => template::<WorkforceWording>(report).map(drop),
    }
}

/// The optional dataset a figure needs, if any (its registry row).
pub fn source_of(id: &str) -> Option<&'static str> {
    crate::registry::figure(id).and_then(|f| f.needs)
}

/// Drop the figures whose dataset was not supplied (an absent dataset reads as an
/// empty table, whose zeros must not pass for real figures).
pub fn drop_unsupplied(m: &mut Metrics, s: &DataSession) {
    m.0.retain(|x| source_of(&x.id).is_none_or(|ds| s.is_supplied(ds)));
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

/// What a report computed: figures, tables, the document and the data-quality counts.
pub struct Computed {
    pub metrics: Metrics,
    /// Report-specific entries added to `metrics.json` (snapshot date, previous period).
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub tables: Vec<crate::output::CsvTable>,
    /// The document under the default disclosure rules.
    pub document: Document,
    /// The document again for each other rounding an audience gets: (round_to, document).
    pub variants: Vec<(u64, Document)>,
    pub quality: QualityReport,
    /// The run's disclosure decision, kept as disclosure.json for the runs over
    /// overlapping periods that follow (service-user reports).
    pub disclosure: Option<crate::disclosure::record::Record>,
}

/// A fraction as a percentage with one decimal: 0.1984 -> "19.8%".
pub fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// A name as it reads inside a sentence: its first letter small, unless the first word
/// is an initialism (its second letter is a capital too).
pub(crate) fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
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

    use super::wording_tests::edited;

    #[test]
    fn every_report_template_lists_known_sections() {
        fn check<W: crate::template::Wording>(report: ReportId) {
            let t = template::<W>(report).unwrap();
            // every section is printed by default
            assert_eq!(
                t.section_order().unwrap(),
                report.section_keys(),
                "{report}"
            );
            // and every table and chart, in the order the code builds them (the trend
            // charts in the order the template lists them)
            for section in report.section_keys() {
                let known = section_shows(report, section);
                let shown = t.section_shows(section).unwrap();
                if known.is_empty() {
                    assert_eq!(shown, None, "{report} {section}");
                } else if *section == "trend" {
                    let mut shown = shown.unwrap();
                    shown.sort();
                    let mut known = known;
                    known.sort();
                    assert_eq!(shown, known, "{report} {section}");
                } else {
                    assert_eq!(shown, Some(known), "{report} {section}");
                }
            }
        }
        for report in ReportId::ALL {
            check_template(report).unwrap();
            match report.family() {
                Family::Service => check::<ServiceWording>(report),
                Family::Workforce => check::<WorkforceWording>(report),
            }
        }
    }

    #[test]
    fn a_show_list_picks_and_orders_tables_and_keeps_the_text_around_them() {
        use crate::pdf::model::item;
        let shows = |list: &'static str| {
            move |text: &str| {
                text.replace(
                    "show = [\"rows_table\", \"problems_table\", \"ethnicity_unknown_table\"]",
                    list,
                )
            }
        };
        let t: Template<ServiceWording> = edited(
            ReportId::EquityAnnual,
            "service-common.toml",
            shows("show = [\"ethnicity_unknown_table\", \"rows_table\"]"),
        )
        .unwrap();
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
        let t: Template<ServiceWording> =
            edited(ReportId::EquityAnnual, "service-common.toml", shows("")).unwrap();
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

    /// Every key a report's files set is one the report reads: taken out, the template
    /// is refused at load, naming the file, the table and the key. (Lists of tables and
    /// charts, `show`, may be left out: the section then shows all it has.)
    #[test]
    fn a_template_missing_any_key_is_refused_at_load() {
        fn each<W: crate::template::Wording>(report: ReportId) -> usize {
            let mut tried = 0;
            // (the wording of codes is optional throughout: a code not listed reads as
            // itself)
            let files = crate::template::builtin(report)
                .into_iter()
                .filter(|(file, _)| !file.ends_with("codes.toml"));
            for (file, text) in files {
                let mut table = String::new();
                for (n, line) in text.lines().enumerate() {
                    let l = line.trim();
                    if l.starts_with('[') && l.ends_with(']') {
                        table = l.trim_matches(|c| c == '[' || c == ']').to_string();
                        continue;
                    }
                    // one-line settings of a text (not lists, not figure-keyed tables)
                    let Some((key, value)) = l.split_once(" = ") else {
                        continue;
                    };
                    if l.starts_with('#') || key.starts_with('"') || !value.starts_with('"') {
                        continue;
                    }
                    let without: String = text
                        .lines()
                        .enumerate()
                        .filter(|(i, _)| *i != n)
                        .map(|(_, l)| format!("{l}\n"))
                        .collect();
                    let short = file.rsplit('/').next().unwrap();
                    let e = match edited::<W>(report, short, |_| without.clone()) {
                        Ok(_) => panic!("{report}: {file} without `{table}.{key}` loads"),
                        Err(e) => e.to_string(),
                    };
                    let said = if table.is_empty() {
                        format!("missing key `{key}`")
                    } else {
                        format!("in table [{table}]: missing key `{key}`")
                    };
                    let dotted = format!("missing key `{table}.{key}`");
                    assert!(
                        e.contains(&said) || e.contains(&dotted),
                        "{report}: {file} without `{table}.{key}`: {e}"
                    );
                    assert!(e.contains(report.as_str()), "{e}");
                    tried += 1;
                }
            }
            tried
        }
        // (one test per report: summary.partial would have been caught in each
        // service-user report; the counts show every file was walked)
        assert!(each::<WorkforceWording>(ReportId::WorkforceQuarterly) > 40);
        assert!(each::<WorkforceWording>(ReportId::WorkforceAnnual) > 60);
        assert!(each::<ServiceWording>(ReportId::AccessBiannual) > 50);
        assert!(each::<ServiceWording>(ReportId::EquityAnnual) > 90);
        let e = edited::<ServiceWording>(ReportId::AccessBiannual, "service-common.toml", |t| {
            t.replace("partial = ", "# partial = ")
        })
        .err()
        .unwrap()
        .to_string();
        assert_eq!(
            e,
            "template report_templates/access-biannual.toml (over \
             report_templates/service-common.toml, report_templates/codes.toml): in table \
             [summary]: missing key `partial`"
        );
        // and a key no report reads is refused too (a misspelling would be ignored)
        let e = edited::<WorkforceWording>(
            ReportId::WorkforceQuarterly,
            "workforce-quarterly.toml",
            |t| t.replace("no_previous = ", "no_previuos = "),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.ends_with(
                "in table [summary]: unknown key `no_previuos`, which no report reads (misspelt?)"
            ),
            "{e}"
        );
    }

    /// A code reads the same in every report: the service tables' disability rows and
    /// the workforce likelihoods' groups take their words from one file.
    #[test]
    fn a_code_has_one_wording_in_every_report() {
        use crate::template::wording::code_words;
        let s = template::<ServiceWording>(ReportId::EquityAnnual).unwrap();
        let w = template::<WorkforceWording>(ReportId::WorkforceAnnual).unwrap();
        for code in ["Y", "N", "Z"] {
            let words = code_words(&s.codes, "disability", code).unwrap();
            assert_eq!(code_words(&w.codes, "disability", code).unwrap(), words);
        }
        assert_eq!(
            code_words(&s.codes, "disability", "N").unwrap(),
            "Non-disabled"
        );
        assert_eq!(code_words(&s.codes, "sex", "1").unwrap(), "Male");
        // a code not listed has no words of its own
        assert_eq!(code_words(&s.codes, "ethnic_category", "A"), None);
    }

    #[test]
    fn sections_follow_the_template_order_and_unlisted_ones_are_dropped() {
        let t: Template<WorkforceWording> = edited(
            ReportId::WorkforceQuarterly,
            "workforce-quarterly.toml",
            |text| {
                let at = text.find("sections = [").unwrap();
                let end = at + text[at..].find(']').unwrap() + 1;
                format!(
                    "{}sections = [\"quality\", \"summary\"]{}",
                    &text[..at],
                    &text[end..]
                )
            },
        )
        .unwrap();
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

#[cfg(test)]
mod in_sentence_tests {
    use super::in_sentence;

    #[test]
    fn a_name_starts_small_inside_a_sentence_unless_it_is_an_initialism() {
        assert_eq!(
            in_sentence("Staff declaring a disability"),
            "staff declaring a disability"
        );
        assert_eq!(in_sentence("Men"), "men");
        assert_eq!(
            in_sentence("BME staff at Band 7 and above"),
            "BME staff at Band 7 and above"
        );
        assert_eq!(
            in_sentence("WRES 2: White applicants"),
            "WRES 2: White applicants"
        );
        assert_eq!(in_sentence(""), "");
    }
}
