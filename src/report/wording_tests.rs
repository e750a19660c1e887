//! The wording's load-time checks, tried on the built-in templates with one file edited
//! as a site or a careless edit might: each fault is refused when the template loads.

use crate::catalog::ReportId;
use crate::template::Ph;
use crate::template::{ServiceWording, Template, TemplateError, Vars, Wording, WorkforceWording};

/// A report's built-in template with one of its files edited (`file` ends the file's
/// name), loaded as a run would load it.
pub(crate) fn edited<W: Wording>(
    report: ReportId,
    file: &str,
    edit: impl Fn(&str) -> String,
) -> Result<Template<W>, TemplateError> {
    let files = crate::template::builtin(report)
        .into_iter()
        .map(|(name, text)| {
            let text: &'static str = if name.ends_with(file) {
                Box::leak(edit(text).into_boxed_str())
            } else {
                text
            };
            (name, text)
        })
        .collect();
    Template::from_files(report, files, crate::report::known(report))
}

mod tests {
    use super::*;

    fn load_err<W: Wording>(report: ReportId, file: &str, from: &str, to: &str) -> String {
        match edited::<W>(report, file, |t| {
            assert!(t.contains(from), "{file} has no {from:?}");
            t.replacen(from, to, 1)
        }) {
            Ok(_) => panic!("{file} with {to:?} loads"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn an_unknown_placeholder_is_refused_at_load_with_file_and_line() {
        let e = load_err::<WorkforceWording>(
            ReportId::WorkforceQuarterly,
            "workforce-quarterly.toml",
            "{headcount}",
            "{headcont}",
        );
        assert!(
            e.starts_with("template report_templates/workforce-quarterly.toml line ")
                && e.ends_with(": unknown placeholder {headcont} in `intro`"),
            "{e}"
        );
        // a name the other family fills is not one this family has
        let e = load_err::<WorkforceWording>(
            ReportId::WorkforceAnnual,
            "workforce-common.toml",
            "{min_count_less_one}",
            "{access_rate}",
        );
        assert!(e.contains("unknown placeholder {access_rate}"), "{e}");
    }

    #[test]
    fn sections_must_be_known_and_listed_once() {
        let e = load_err::<ServiceWording>(
            ReportId::AccessBiannual,
            "access-biannual.toml",
            "  \"sources\",",
            "  \"sorces\",",
        );
        assert!(
            e.starts_with("template report_templates/access-biannual.toml line ")
                && e.ends_with(
                    ": `sections` names \"sorces\", which this report does not have; its \
                     sections are key_messages, summary, change, gaps, access, sources, \
                     interpreter, methodology, quality"
                ),
            "{e}"
        );
        let e = load_err::<ServiceWording>(
            ReportId::AccessBiannual,
            "access-biannual.toml",
            "  \"sources\",",
            "  \"quality\",",
        );
        assert!(e.contains("`sections` names \"quality\" twice"), "{e}");
    }

    #[test]
    fn a_show_list_names_only_what_the_section_has_once() {
        let e = load_err::<ServiceWording>(
            ReportId::EquityAnnual,
            "service-common.toml",
            "  \"ethnic_group_table\",",
            "  \"ethnic_grop_table\",",
        );
        assert!(
            e.starts_with("template report_templates/service-common.toml line ")
                && e.contains(
                    ": `access.show` names \"ethnic_grop_table\", which this section does \
                     not have; its tables and charts are representation_chart, "
                ),
            "{e}"
        );
        let e = load_err::<WorkforceWording>(
            ReportId::WorkforceQuarterly,
            "workforce-common.toml",
            "show = [\"rows_table\", \"problems_table\"",
            "show = [\"rows_table\", \"rows_table\"",
        );
        assert!(
            e.contains("`quality.show` names \"rows_table\" twice"),
            "{e}"
        );
    }

    #[test]
    fn figure_lists_name_registry_figures_with_their_words() {
        let e = load_err::<ServiceWording>(
            ReportId::EquityAnnual,
            "equity-annual.toml",
            "  \"tt.recovery_pct\",\n  \"tt.reliable_improvement_pct\",\n  \"tt.reliable_recovery_pct\",\n  \"tt.reliable_deterioration_pct\",",
            "  \"tt.recovery\",\n  \"tt.reliable_improvement_pct\",\n  \"tt.reliable_recovery_pct\",\n  \"tt.reliable_deterioration_pct\",",
        );
        assert!(
            e.contains(
                "`summary.figures` names \"tt.recovery\", which this section does not have; \
                 its figures are wf.headcount, "
            ),
            "{e}"
        );
        let e = load_err::<ServiceWording>(
            ReportId::EquityAnnual,
            "equity-annual.toml",
            "compare = \"tt.wait_6wk_pct\"",
            "compare = \"tt.wait_6wk\"",
        );
        assert!(e.contains("`waits.compare` names \"tt.wait_6wk\""), "{e}");
        // a column without its heading, a figure without its label
        let e = load_err::<ServiceWording>(
            ReportId::EquityAnnual,
            "equity-annual.toml",
            "\"tt.wait_median_days\" = \"Median wait (days)\"",
            "",
        );
        assert_eq!(
            e,
            "template report_templates/equity-annual.toml: missing key \
             `headings.\"tt.wait_median_days\" (a column of [waits])`"
        );
        let e = load_err::<WorkforceWording>(
            ReportId::WorkforceAnnual,
            "workforce-common.toml",
            "\"wf.male_pct\" = ",
            "\"wf.men_pct\" = ",
        );
        assert!(e.contains("missing key `labels.\"wf.male_pct\"`"), "{e}");
    }

    #[test]
    fn a_report_file_overrides_the_shared_one() {
        let v = |noun: &str| {
            let mut v = Vars::new();
            v.insert(Ph::PeriodNoun, noun.to_string());
            v
        };
        let a = crate::report::template::<WorkforceWording>(ReportId::WorkforceAnnual).unwrap();
        let q = crate::report::template::<WorkforceWording>(ReportId::WorkforceQuarterly).unwrap();
        // only in the shared file
        assert_eq!(
            a.indicators.turnover.fill(&v("year")).unwrap(),
            "Turnover in the year: leavers as a share of the mean number of staff in post"
        );
        // in both: the report's own wins
        assert_eq!(a.summary.change_header.source(), "Change since last year");
        assert_eq!(
            q.summary.change_header.source(),
            "Change since last quarter"
        );
        // and only the annual report words its own sections
        assert!(a.trend.is_some() && q.trend.is_none());
        assert!(q.need(&q.trend, "trend").is_err());
    }
}
