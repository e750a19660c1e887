//! What each family's wording tells the composition both families share (its sections'
//! headings and lists, its cover, its rounding note, its methodology), and the keys
//! and words only the family knows it needs, which the load checks.

use serde::de::DeserializeOwned;

use super::wording::{self, Head, ServiceWording, WorkforceWording};
use super::{Known, Text};
use crate::catalog::ReportId;

/// What a family's wording tells the shared composition (sections, cover, rounding),
/// and the checks only the family knows.
pub trait Wording: DeserializeOwned {
    /// The heading and `show` list of a section, if the files word it.
    fn head(&self, key: &str) -> Option<Head<'_>>;
    fn title(&self) -> &Text;
    fn cover_lines(&self) -> &[Text];
    fn keywords(&self) -> &[Text];
    fn sections(&self) -> &[String];
    fn rounding_note(&self) -> &Text;
    fn methodology(&self) -> &wording::Methodology;
    /// A figure's label, by metric id.
    fn labels(&self) -> &std::collections::BTreeMap<String, Text>;
    /// A figure's column heading in a table, by metric id.
    fn headings(&self) -> &std::collections::BTreeMap<String, Text>;
    /// The wording of change over time: the SPC charts and the summary's words.
    fn change(&self) -> &wording::Change;
    /// The wording of the key messages.
    fn key_messages(&self) -> &wording::KeyMessages;
    /// A target's words by its direction: (higher is better, lower is better).
    /// "at least {target}", "at most {target}", and a trajectory's step with its year.
    fn target_words(&self) -> (&Text, &Text, &Text);
    /// The figure lists of the family's sections: (key, figures, compared figure).
    fn figure_lists(&self) -> Vec<(String, &[String], Option<&str>)>;
    /// Keys a report of the family needs beyond those every report has: `Err(key)`.
    fn required(&self, report: ReportId, known: &Known) -> Result<(), String>;
}

/// The keys every report's wording has, the same in both families.
macro_rules! every_report_has {
    () => {
        fn title(&self) -> &Text {
            &self.title
        }
        fn cover_lines(&self) -> &[Text] {
            &self.cover_lines
        }
        fn keywords(&self) -> &[Text] {
            &self.keywords
        }
        fn sections(&self) -> &[String] {
            &self.sections
        }
        fn rounding_note(&self) -> &Text {
            &self.rounding.note
        }
        fn methodology(&self) -> &wording::Methodology {
            &self.methodology
        }
        fn labels(&self) -> &std::collections::BTreeMap<String, Text> {
            &self.labels
        }
        fn headings(&self) -> &std::collections::BTreeMap<String, Text> {
            &self.headings
        }
        fn change(&self) -> &wording::Change {
            &self.change
        }
        fn key_messages(&self) -> &wording::KeyMessages {
            &self.key_messages
        }
        fn target_words(&self) -> (&Text, &Text, &Text) {
            (
                &self.summary.target_higher,
                &self.summary.target_lower,
                &self.summary.target_of_year,
            )
        }
    };
}

impl Wording for ServiceWording {
    fn head(&self, key: &str) -> Option<Head<'_>> {
        ServiceWording::head(self, key)
    }
    every_report_has!();
    fn figure_lists(&self) -> Vec<(String, &[String], Option<&str>)> {
        let mut out = vec![
            ("summary".to_string(), &self.summary.figures[..], None),
            (
                "access".to_string(),
                &self.access.figures[..],
                Some(self.access.compare.as_str()),
            ),
            (
                "interpreter".to_string(),
                &self.interpreter.figures[..],
                Some(self.interpreter.compare.as_str()),
            ),
        ];
        if let Some(p) = &self.priority {
            out.push(("priority".to_string(), &p.figures[..], None));
        }
        for (key, b) in [
            ("engagement", &self.engagement),
            ("outcomes", &self.outcomes),
            ("waits", &self.waits),
            ("hidden_waits", &self.hidden_waits),
            ("characteristics", &self.characteristics),
        ] {
            if let Some(b) = b {
                out.push((key.to_string(), &b.figures[..], Some(b.compare.as_str())));
            }
        }
        out
    }
    fn required(&self, _report: ReportId, known: &Known) -> Result<(), String> {
        let m = &self.methodology;
        for (key, present) in [
            ("methodology.targets_heading", m.targets_heading.is_some()),
            ("methodology.targets", m.targets.is_some()),
            ("methodology.local_target", m.local_target.is_some()),
            ("methodology.england", m.england.is_some()),
            ("methodology.no_england", m.no_england.is_some()),
            (
                "quality.ethnicity_intro",
                self.quality.ethnicity_intro.is_some(),
            ),
            ("key_messages.below", self.key_messages.below.is_some()),
        ] {
            if !present {
                return Err(key.into());
            }
        }
        for dim in known.dimensions {
            if !self.breakdowns.contains_key(*dim) {
                return Err(format!("breakdowns.{dim}"));
            }
        }
        // every service figure is labelled (the targets table lists any with a
        // target); a breakdown table's columns have their headings
        for id in crate::registry::ids().filter(|i| i.starts_with("tt.")) {
            if !self.labels.contains_key(id) {
                return Err(format!("labels.\"{id}\""));
            }
        }
        for (section, figures, _) in self.figure_lists() {
            if section == "summary" {
                continue;
            }
            if let Some(id) = figures.iter().find(|f| !self.headings.contains_key(*f)) {
                return Err(format!("headings.\"{id}\" (a column of [{section}])"));
            }
        }
        Ok(())
    }
}

impl Wording for WorkforceWording {
    fn head(&self, key: &str) -> Option<Head<'_>> {
        WorkforceWording::head(self, key)
    }
    every_report_has!();
    fn figure_lists(&self) -> Vec<(String, &[String], Option<&str>)> {
        let mut out = vec![
            ("summary".to_string(), &self.summary.figures[..], None),
            ("partners".to_string(), &self.partners.figures[..], None),
        ];
        if let Some(p) = &self.partner_page {
            out.push(("partner_page".to_string(), &p.figures[..], None));
        }
        out
    }
    fn required(&self, report: ReportId, known: &Known) -> Result<(), String> {
        let k = &self.key_messages;
        for (key, present) in [
            ("key_messages.adverse", k.adverse.is_some()),
            ("key_messages.adverse_chance", k.adverse_chance.is_some()),
        ] {
            if !present {
                return Err(key.into());
            }
        }
        // the summary's rows, the trend's charts and a partner page's rows are named
        // by their labels; the partner table's columns by their headings
        let charted = (known.shows)(report, "trend");
        let paged = self.partner_page.iter().flat_map(|p| &p.figures);
        let mut labelled = self.summary.figures.iter().chain(&charted).chain(paged);
        if let Some(id) = labelled.find(|id| !self.labels.contains_key(*id)) {
            return Err(format!("labels.\"{id}\""));
        }
        match self
            .partners
            .figures
            .iter()
            .find(|id| !self.headings.contains_key(*id))
        {
            Some(id) => Err(format!("headings.\"{id}\" (a column of [partners])")),
            None => Ok(()),
        }
    }
}
