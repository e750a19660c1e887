//! Report wording from `report_templates/<report>.toml`: headings and sentences with
//! `{placeholders}`. A placeholder without a value is refused with file and line.

use std::collections::BTreeMap;

use crate::catalog::ReportId;

/// A template that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template {file}: {message}")]
    Invalid { file: String, message: String },
    #[error(
        "template {file} line {line}: `{list}` names {name:?}, which this {} does not \
         have; its {} are {known}",
        .kind.owner(),
        .kind.what()
    )]
    UnknownName {
        file: String,
        line: usize,
        /// The list's key: `sections`, `access.show`.
        list: String,
        name: String,
        kind: ListKind,
        known: String,
    },
    #[error("template {file} line {line}: unknown placeholder {{{name}}} in `{key}`")]
    UnknownPlaceholder {
        file: String,
        line: usize,
        key: String,
        name: String,
    },
}

/// What a list of names in a template names.
#[derive(Debug, Clone, Copy)]
pub enum ListKind {
    /// A report's `sections`.
    Sections,
    /// A section's `show`.
    Shows,
    /// The figures a table shows, by metric id (of the figure registry).
    Figures,
}

impl ListKind {
    fn owner(self) -> &'static str {
        match self {
            ListKind::Sections => "report",
            ListKind::Shows | ListKind::Figures => "section",
        }
    }

    fn what(self) -> &'static str {
        match self {
            ListKind::Sections => "sections",
            ListKind::Shows => "tables and charts",
            ListKind::Figures => "figures",
        }
    }
}

/// A report's wording: its own file, then any shared file it builds on (a key in the
/// report's file wins).
pub struct Template {
    layers: Vec<Layer>,
    /// The report these files word (none for loose files in tests).
    pub report: Option<ReportId>,
    /// The sections the report can print ([`ReportId::section_keys`]).
    pub report_sections: &'static [&'static str],
}

struct Layer {
    file: &'static str,
    source: &'static str,
    root: toml::Table,
}

const WORKFORCE_COMMON: (&str, &str) = (
    "report_templates/workforce-common.toml",
    include_str!("../report_templates/workforce-common.toml"),
);

const SERVICE_COMMON: (&str, &str) = (
    "report_templates/service-common.toml",
    include_str!("../report_templates/service-common.toml"),
);

/// The template files built into the program for a report, most specific first.
pub fn builtin(report: ReportId) -> Vec<(&'static str, &'static str)> {
    match report {
        ReportId::WorkforceQuarterly => vec![
            (
                "report_templates/workforce-quarterly.toml",
                include_str!("../report_templates/workforce-quarterly.toml"),
            ),
            WORKFORCE_COMMON,
        ],
        ReportId::WorkforceAnnual => vec![
            (
                "report_templates/workforce-annual.toml",
                include_str!("../report_templates/workforce-annual.toml"),
            ),
            WORKFORCE_COMMON,
        ],
        ReportId::AccessBiannual => vec![
            (
                "report_templates/access-biannual.toml",
                include_str!("../report_templates/access-biannual.toml"),
            ),
            SERVICE_COMMON,
        ],
        ReportId::EquityAnnual => vec![
            (
                "report_templates/equity-annual.toml",
                include_str!("../report_templates/equity-annual.toml"),
            ),
            SERVICE_COMMON,
        ],
    }
}

impl Template {
    /// Parse a report's built-in template files.
    pub fn load(report: ReportId) -> Result<Template, TemplateError> {
        let mut t = Template::from_files(builtin(report))?;
        t.report = Some(report);
        t.report_sections = report.section_keys();
        Ok(t)
    }

    /// Parse template files given as (name, text), most specific first.
    pub fn from_files(files: Vec<(&'static str, &'static str)>) -> Result<Template, TemplateError> {
        let layers = files
            .into_iter()
            .map(|(file, source)| {
                let root = toml::from_str(source).map_err(|e| TemplateError::Invalid {
                    file: file.into(),
                    message: e.to_string(),
                })?;
                Ok(Layer { file, source, root })
            })
            .collect::<Result<_, TemplateError>>()?;
        Ok(Template {
            layers,
            report: None,
            report_sections: &[],
        })
    }

    /// The value at a dotted key and the layer it came from.
    fn raw(&self, key: &str) -> Result<(&toml::Value, &Layer), TemplateError> {
        for layer in &self.layers {
            let mut parts = key.split('.');
            let mut cur = parts.next().and_then(|p| layer.root.get(p));
            for part in parts {
                cur = cur.and_then(|v| v.get(part));
            }
            if let Some(v) = cur {
                return Ok((v, layer));
            }
        }
        Err(TemplateError::Invalid {
            file: self.layers[0].file.into(),
            message: format!("missing key `{key}`"),
        })
    }

    /// The report's sections in print order, from `sections` in the report's own file:
    /// each must be one of `known`, once. A section left out is not printed.
    pub fn section_order(&self, known: &[&str]) -> Result<Vec<String>, TemplateError> {
        let layer = &self.layers[0];
        let items = layer
            .root
            .get("sections")
            .ok_or_else(|| TemplateError::Invalid {
                file: layer.file.into(),
                message: "missing key `sections` (the order of the report's sections)".into(),
            })?;
        layer.names("sections", items, known, ListKind::Sections)
    }

    /// The tables and charts a section shows, in print order, from its `show` list
    /// (in whichever file words the section): each must be one of `known`, once. None
    /// when the section has no `show` list: then it shows all it has.
    pub fn section_shows(
        &self,
        section: &str,
        known: &[&str],
    ) -> Result<Option<Vec<String>>, TemplateError> {
        let key = format!("{section}.show");
        match self.raw(&key) {
            Ok((items, layer)) => layer.names(&key, items, known, ListKind::Shows).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// The figures listed at `key` (such as `summary.figures`), each one of `known`;
    /// otherwise the first that is not is refused with its file and line.
    pub fn figures(&self, key: &str, known: &[&str]) -> Result<Vec<String>, TemplateError> {
        let (items, layer) = self.raw(key)?;
        layer.names(key, items, known, ListKind::Figures)
    }

    /// The one figure named at `key` (such as `outcomes.compare`), one of `known`.
    pub fn figure(&self, key: &str, known: &[&str]) -> Result<String, TemplateError> {
        let (item, layer) = self.raw(key)?;
        let mut names = layer.names(key, item, known, ListKind::Figures)?;
        match (names.pop(), names.is_empty()) {
            (Some(name), true) => Ok(name),
            _ => Err(TemplateError::Invalid {
                file: layer.file.into(),
                message: format!("`{key}` must name one figure"),
            }),
        }
    }

    /// Whether any of the files sets `key`.
    pub fn has(&self, key: &str) -> bool {
        self.raw(key).is_ok()
    }

    /// Every `{placeholder}` in the template files is one of `known`; otherwise the
    /// first that is not is refused with its file and line. Comment lines are skipped.
    pub fn check_placeholders(&self, known: &[&str]) -> Result<(), TemplateError> {
        for layer in &self.layers {
            for (i, line) in layer.source.lines().enumerate() {
                if line.trim_start().starts_with('#') {
                    continue;
                }
                for name in placeholder_names(line) {
                    if !known.contains(&name) {
                        return Err(TemplateError::UnknownPlaceholder {
                            file: layer.file.into(),
                            line: i + 1,
                            key: line
                                .split('=')
                                .next()
                                .unwrap_or_default()
                                .trim()
                                .to_string(),
                            name: name.into(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The text at `key` (e.g. `summary.intro`) with its placeholders filled.
    pub fn text(&self, key: &str, vars: &BTreeMap<&str, String>) -> Result<String, TemplateError> {
        let (v, layer) = self.raw(key)?;
        let s = v.as_str().ok_or_else(|| TemplateError::Invalid {
            file: layer.file.into(),
            message: format!("`{key}` is not text"),
        })?;
        layer.fill(key, s, vars)
    }

    /// The label of a figure: `labels."<metric id>"` (the id with its dots), filled.
    pub fn label(&self, id: &str, vars: &BTreeMap<&str, String>) -> Result<String, TemplateError> {
        self.by_id("labels", "label", id, vars)
    }

    /// A figure's column heading in a table: `headings."<metric id>"`, filled.
    pub fn heading(
        &self,
        id: &str,
        vars: &BTreeMap<&str, String>,
    ) -> Result<String, TemplateError> {
        self.by_id("headings", "column heading", id, vars)
    }

    /// The text of a figure in the table `table` (`labels`, `headings`), from the first
    /// file that has it.
    fn by_id(
        &self,
        table: &str,
        what: &str,
        id: &str,
        vars: &BTreeMap<&str, String>,
    ) -> Result<String, TemplateError> {
        for layer in &self.layers {
            if let Some(v) = layer.root.get(table).and_then(|t| t.get(id)) {
                let s = v.as_str().ok_or_else(|| TemplateError::Invalid {
                    file: layer.file.into(),
                    message: format!("the {what} of `{id}` is not text"),
                })?;
                return layer.fill(id, s, vars);
            }
        }
        Err(TemplateError::Invalid {
            file: self.layers[0].file.into(),
            message: format!("no {what} for figure `{id}` (key `{table}.\"{id}\"`)"),
        })
    }

    /// The list of texts at `key`, each filled.
    pub fn texts(
        &self,
        key: &str,
        vars: &BTreeMap<&str, String>,
    ) -> Result<Vec<String>, TemplateError> {
        let (v, layer) = self.raw(key)?;
        let items = v.as_array().ok_or_else(|| TemplateError::Invalid {
            file: layer.file.into(),
            message: format!("`{key}` is not a list"),
        })?;
        items
            .iter()
            .map(|i| {
                let s = i.as_str().ok_or_else(|| TemplateError::Invalid {
                    file: layer.file.into(),
                    message: format!("`{key}` holds a value that is not text"),
                })?;
                layer.fill(key, s, vars)
            })
            .collect()
    }
}

/// The `{name}`s in a line of template text (names of lower-case letters, digits and
/// underscores; TOML's own braces have spaces and `=` in them).
fn placeholder_names(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    out.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

impl Layer {
    /// A list of names at `key`, each one of `known` and listed once; an error names
    /// this file and the line of the name.
    fn names(
        &self,
        key: &str,
        items: &toml::Value,
        known: &[&str],
        kind: ListKind,
    ) -> Result<Vec<String>, TemplateError> {
        let invalid = |message: String| TemplateError::Invalid {
            file: self.file.into(),
            message,
        };
        // one name alone counts as a list of one
        let one = [items.clone()];
        let items = match items {
            toml::Value::String(_) => &one[..],
            _ => items
                .as_array()
                .ok_or_else(|| invalid(format!("`{key}` is not a list")))?,
        };
        let start = self.key_line(key);
        let mut out: Vec<String> = Vec::new();
        for item in items {
            let name = item
                .as_str()
                .ok_or_else(|| invalid(format!("`{key}` holds {item}, not a name")))?;
            let line = self.line_from(start, &format!("\"{name}\""));
            if !known.contains(&name) {
                return Err(TemplateError::UnknownName {
                    file: self.file.into(),
                    line,
                    list: key.into(),
                    name: name.into(),
                    kind,
                    known: if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    },
                });
            }
            if out.iter().any(|o| o == name) {
                return Err(invalid(format!(
                    "line {line}: `{key}` names {name:?} twice"
                )));
            }
            out.push(name.into());
        }
        Ok(out)
    }

    /// The line where a key is set: `sections`, or `show` under `[access]` for
    /// `access.show`.
    fn key_line(&self, key: &str) -> usize {
        let (table, name) = match key.rsplit_once('.') {
            Some((t, n)) => (Some(format!("[{t}]")), n),
            None => (None, key),
        };
        let from = match table {
            Some(t) => self
                .source
                .lines()
                .position(|l| l.trim() == t)
                .map_or(0, |i| i + 1),
            None => 0,
        };
        self.source
            .lines()
            .enumerate()
            .skip(from)
            .find(|(_, l)| {
                l.trim_start()
                    .strip_prefix(name)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
            .map_or(0, |(i, _)| i + 1)
    }

    /// The line of the first `needle` at or after line `start` (1-based).
    fn line_from(&self, start: usize, needle: &str) -> usize {
        self.source
            .lines()
            .enumerate()
            .skip(start.saturating_sub(1))
            .find(|(_, l)| l.contains(needle))
            .map_or(0, |(i, _)| i + 1)
    }

    fn fill(
        &self,
        key: &str,
        s: &str,
        vars: &BTreeMap<&str, String>,
    ) -> Result<String, TemplateError> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| TemplateError::Invalid {
                file: self.file.into(),
                message: format!("`{key}` has an unclosed {{"),
            })?;
            let name = &after[..close];
            match vars.get(name) {
                Some(v) => out.push_str(v),
                None => {
                    return Err(TemplateError::UnknownPlaceholder {
                        file: self.file.into(),
                        line: self.line_of(&format!("{{{name}}}")),
                        key: key.into(),
                        name: name.into(),
                    });
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn line_of(&self, needle: &str) -> usize {
        self.source
            .lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_placeholder_names_file_and_line() {
        let t = Template::load(ReportId::WorkforceQuarterly).unwrap();
        let vars = BTreeMap::new();
        let e = t.text("summary.intro", &vars).unwrap_err().to_string();
        assert!(
            e.contains("report_templates/workforce-quarterly.toml line"),
            "{e}"
        );
        assert!(e.contains("{snapshot_date}"), "{e}");
    }

    #[test]
    fn a_placeholder_no_report_fills_is_refused_at_start_with_file_and_line() {
        let t = Template::from_files(vec![(
            "report_templates/x.toml",
            "# a {comment} is not text\ntitle = \"X\"\n[summary]\nintro = \"On {snapshot_date} there were {headcont} staff.\"\n",
        )])
        .unwrap();
        let e = t
            .check_placeholders(&["snapshot_date", "headcount"])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "template report_templates/x.toml line 4: unknown placeholder {headcont} in `intro`"
        );
        assert!(t.check_placeholders(&["snapshot_date", "headcont"]).is_ok());
    }

    #[test]
    fn sections_must_be_known_and_listed_once() {
        let t = Template::from_files(vec![(
            "report_templates/x.toml",
            "title = \"X\"\n# order\nsections = [\n  \"summary\",\n  \"sumary\",\n]\n",
        )])
        .unwrap();
        let e = t
            .section_order(&["summary", "quality"])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "template report_templates/x.toml line 5: `sections` names \"sumary\", which this \
             report does not have; its sections are summary, quality"
        );
        let t = Template::from_files(vec![(
            "report_templates/y.toml",
            "sections = [\"quality\", \"summary\", \"quality\"]\n",
        )])
        .unwrap();
        let e = t
            .section_order(&["summary", "quality"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("names \"quality\" twice"), "{e}");
        let t = Template::from_files(vec![("report_templates/z.toml", "title = \"Z\"\n")]).unwrap();
        let e = t.section_order(&["summary"]).unwrap_err().to_string();
        assert!(
            e.contains("report_templates/z.toml: missing key `sections`"),
            "{e}"
        );
    }

    #[test]
    fn a_show_list_names_only_what_the_section_has_once() {
        let t = Template::from_files(vec![
            (
                "report_templates/x.toml",
                "sections = [\"access\"]\n[summary]\nshow = [\"headline_table\"]\n[access]\nheading = \"A\"\nshow = [\n  \"representation_chart\",\n  \"ethnic_grop_table\",\n]\n",
            ),
            (
                "report_templates/common.toml",
                "[quality]\nshow = [\"rows_table\", \"rows_table\"]\n",
            ),
        ])
        .unwrap();
        let e = t
            .section_shows("access", &["representation_chart", "ethnic_group_table"])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "template report_templates/x.toml line 8: `access.show` names \"ethnic_grop_table\", \
             which this section does not have; its tables and charts are representation_chart, \
             ethnic_group_table"
        );
        // a list in the shared file is checked there
        let e = t
            .section_shows("quality", &["rows_table"])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "template report_templates/common.toml: line 2: `quality.show` names \"rows_table\" twice"
        );
        assert_eq!(
            t.section_shows("summary", &["headline_table"]).unwrap(),
            Some(vec!["headline_table".to_string()])
        );
        assert_eq!(t.section_shows("trend", &["wf.bme_pct"]).unwrap(), None);
    }

    #[test]
    fn a_figures_list_names_only_registry_figures_and_every_service_figure_has_a_label() {
        let t = Template::from_files(vec![(
            "report_templates/x.toml",
            "sections = []\n[summary]\nfigures = [\n  \"tt.referrals\",\n  \"tt.recovery\",\n]\n",
        )])
        .unwrap();
        let known: Vec<&str> = crate::registry::ids().collect();
        let e = t
            .figures("summary.figures", &known)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "template report_templates/x.toml line 5: `summary.figures` names \"tt.recovery\", \
                 which this section does not have; its figures are wf.headcount, "
            ),
            "{e}"
        );
        for report in [ReportId::EquityAnnual, ReportId::AccessBiannual] {
            let t = Template::load(report).unwrap();
            for id in crate::registry::ids().filter(|i| i.starts_with("tt.")) {
                t.label(id, &BTreeMap::new()).unwrap();
            }
        }
    }

    #[test]
    fn a_compared_figure_is_one_registry_figure_and_every_column_has_a_heading() {
        let known: Vec<&str> = crate::registry::ids().collect();
        let t = |text: &'static str| {
            Template::from_files(vec![("report_templates/x.toml", text)]).unwrap()
        };
        let typo = t("[waits]\nfigures = [\"tt.referrals\"]\ncompare = \"tt.wait_6wk\"\n");
        let e = t_err(typo.figure("waits.compare", &known));
        assert!(
            e.starts_with(
                "template report_templates/x.toml line 3: `waits.compare` names \"tt.wait_6wk\", \
                 which this section does not have; its figures are "
            ),
            "{e}"
        );
        let two = t("[waits]\ncompare = [\"tt.referrals\", \"tt.dna_pct\"]\n");
        assert_eq!(
            t_err(two.figure("waits.compare", &known)),
            "template report_templates/x.toml: `waits.compare` must name one figure"
        );
        let bare = t("[headings]\n\"tt.referrals\" = \"Referrals\"\n");
        assert_eq!(
            bare.heading("tt.referrals", &BTreeMap::new()).unwrap(),
            "Referrals"
        );
        assert_eq!(
            t_err(bare.heading("tt.dna_pct", &BTreeMap::new())),
            "template report_templates/x.toml: no column heading for figure `tt.dna_pct` \
             (key `headings.\"tt.dna_pct\"`)"
        );
        // every column the service reports list has its heading in the built-in files
        for report in [ReportId::EquityAnnual, ReportId::AccessBiannual] {
            crate::report::check_template(report).unwrap();
        }
    }

    fn t_err<T: std::fmt::Debug>(r: Result<T, TemplateError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn a_report_file_overrides_the_shared_one_and_errors_name_the_right_file() {
        let t = Template::load(ReportId::WorkforceAnnual).unwrap();
        let mut vars = BTreeMap::new();
        vars.insert("period_noun", "year".to_string());
        // only in the shared file
        assert_eq!(
            t.text("indicators.turnover", &vars).unwrap(),
            "Turnover in the year: leavers as a share of the mean number of staff in post"
        );
        // in both: the report's own wins
        let q = Template::load(ReportId::WorkforceQuarterly).unwrap();
        assert_ne!(
            t.text("summary.change_header", &vars).unwrap(),
            q.text("summary.change_header", &vars).unwrap()
        );
        let e = t.text("quality.intro", &BTreeMap::new());
        assert!(e.is_ok(), "quality.intro has no placeholder");
        let e = t
            .text("training.intro", &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("report_templates/workforce-common.toml line"),
            "{e}"
        );
    }
}
