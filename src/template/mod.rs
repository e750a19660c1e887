//! Report wording from `report_templates/<report>.toml` laid over the family's shared
//! file, read into types ([`wording`]): a key the code reads and the files lack, a key
//! nothing reads, a placeholder the family never fills, a section or figure name the
//! report does not have are all refused when the template loads, naming file, table and
//! key (and line where it helps), so no run can find one missing later.

pub mod family;
pub mod service_pages;
pub mod text;
pub mod wording;
pub mod workforce_pages;

use std::collections::BTreeMap;

use crate::catalog::{Family, ReportId};
pub use family::Wording;
pub use text::{Ph, Text, Vars, fill_all};
pub use wording::{Head, ServiceWording, WorkforceWording};

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
    #[error("template text {text:?}: the program gives placeholder {{{name}}} no value here")]
    Unfilled { name: String, text: String },
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

/// What the reports have, which their wording is checked against: given by the
/// reports, which stand above the wording they read.
#[derive(Clone, Copy)]
pub struct Known {
    /// The tables and charts a report's section can show.
    pub shows: fn(ReportId, &str) -> Vec<String>,
    /// The breakdowns a service-user report tables.
    pub dimensions: &'static [&'static str],
}

/// A report's wording, `W` one family's types, with the files it was read from (for
/// the file and line of a later complaint about a list).
pub struct Template<W> {
    pub wording: W,
    /// The report these files word.
    pub report: ReportId,
    known: Known,
    layers: Vec<Layer>,
}

impl<W> std::ops::Deref for Template<W> {
    type Target = W;
    fn deref(&self) -> &W {
        &self.wording
    }
}

struct Layer {
    file: &'static str,
    source: &'static str,
    root: toml::Table,
}

const WORKFORCE_COMMON: (&str, &str) = (
    "report_templates/workforce-common.toml",
    include_str!("../../report_templates/workforce-common.toml"),
);

const SERVICE_COMMON: (&str, &str) = (
    "report_templates/service-common.toml",
    include_str!("../../report_templates/service-common.toml"),
);

const CODES: (&str, &str) = (
    "report_templates/codes.toml",
    include_str!("../../report_templates/codes.toml"),
);

/// The template files built into the program for a report, most specific first: its
/// own, its family's, and the wording of codes every report shares.
pub fn builtin(report: ReportId) -> Vec<(&'static str, &'static str)> {
    let mut files = match report {
        ReportId::WorkforceQuarterly => vec![
            (
                "report_templates/workforce-quarterly.toml",
                include_str!("../../report_templates/workforce-quarterly.toml"),
            ),
            WORKFORCE_COMMON,
        ],
        ReportId::WorkforceAnnual => vec![
            (
                "report_templates/workforce-annual.toml",
                include_str!("../../report_templates/workforce-annual.toml"),
            ),
            WORKFORCE_COMMON,
        ],
        ReportId::AccessBiannual => vec![
            (
                "report_templates/access-biannual.toml",
                include_str!("../../report_templates/access-biannual.toml"),
            ),
            SERVICE_COMMON,
        ],
        ReportId::EquityAnnual => vec![
            (
                "report_templates/equity-annual.toml",
                include_str!("../../report_templates/equity-annual.toml"),
            ),
            SERVICE_COMMON,
        ],
    };
    files.push(CODES);
    files
}

impl<W: Wording> Template<W> {
    /// Parse a report's built-in template files and check them whole against what
    /// the report has.
    pub fn load(report: ReportId, known: Known) -> Result<Template<W>, TemplateError> {
        Template::from_files(report, builtin(report), known)
    }

    /// Parse template files given as (name, text), most specific first, into the
    /// wording of `report`, and check them whole.
    pub fn from_files(
        report: ReportId,
        files: Vec<(&'static str, &'static str)>,
        known: Known,
    ) -> Result<Template<W>, TemplateError> {
        let layers: Vec<Layer> = files
            .into_iter()
            .map(|(file, source)| {
                let root = toml::from_str(source).map_err(|e| TemplateError::Invalid {
                    file: file.into(),
                    message: e.to_string(),
                })?;
                Ok(Layer { file, source, root })
            })
            .collect::<Result<_, TemplateError>>()?;
        // (before the types: a name no report fills is refused with its line)
        Template::<W>::check_placeholders(&layers, report.family())?;
        let mut merged = toml::Table::new();
        for layer in layers.iter().rev() {
            merge(&mut merged, &layer.root);
        }
        // "report_templates/x.toml (over report_templates/common.toml, ...)"
        let files_named = || {
            let names: Vec<&str> = layers.iter().map(|l| l.file).collect();
            match names.split_first() {
                Some((own, [])) => own.to_string(),
                Some((own, under)) => format!("{own} (over {})", under.join(", ")),
                None => String::new(),
            }
        };
        let wording: W =
            serde_path_to_error::deserialize(toml::Value::Table(merged)).map_err(|e| {
                TemplateError::Invalid {
                    file: files_named(),
                    message: key_error(&e.path().to_string(), &e.into_inner().to_string()),
                }
            })?;
        let t = Template {
            wording,
            report,
            known,
            layers,
        };
        t.check()?;
        Ok(t)
    }

    /// Everything about the files that can be known before a run: the report's own
    /// keys, its sections and their `show` lists, the figures its tables list with
    /// their labels and headings, and every placeholder.
    fn check(&self) -> Result<(), TemplateError> {
        let report = self.report;
        let own = || TemplateError::Invalid {
            file: self.layers[0].file.into(),
            message: String::new(),
        };
        self.wording
            .required(report, &self.known)
            .map_err(|key| match own() {
                TemplateError::Invalid { file, .. } => TemplateError::Invalid {
                    file,
                    message: format!("missing key `{key}`"),
                },
                e => e,
            })?;
        self.section_order()?;
        for section in report.section_keys() {
            if self.wording.head(section).is_none() {
                return Err(TemplateError::Invalid {
                    file: self.layers[0].file.into(),
                    message: format!("missing table [{section}], a section of {report}"),
                });
            }
            self.section_shows(section)?;
        }
        let known: Vec<&str> = crate::registry::ids().collect();
        for (section, figures, compare) in self.wording.figure_lists() {
            let key = format!("{section}.figures");
            self.names_at(&key, figures, &known, ListKind::Figures)?;
            if let Some(c) = compare {
                let key = format!("{section}.compare");
                self.names_at(&key, &[c.to_string()], &known, ListKind::Figures)?;
            }
        }
        Ok(())
    }

    /// The report's sections in print order, from `sections` in the files: each must
    /// be one of the report's, once. A section left out is not printed.
    pub fn section_order(&self) -> Result<Vec<String>, TemplateError> {
        self.names_at(
            "sections",
            self.wording.sections(),
            self.report.section_keys(),
            ListKind::Sections,
        )
    }

    /// The tables and charts a section shows, in print order, from its `show` list:
    /// each must be one the section has, once. None when the section has no `show`
    /// list: then it shows all it has.
    pub fn section_shows(&self, section: &str) -> Result<Option<Vec<String>>, TemplateError> {
        let Some(list) = self.wording.head(section).and_then(|h| h.show) else {
            return Ok(None);
        };
        let known = (self.known.shows)(self.report, section);
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        self.names_at(&format!("{section}.show"), list, &known, ListKind::Shows)
            .map(Some)
    }

    /// A list of names set at `key`, each one of `known` and listed once; an error
    /// names the file that sets it and the line of the name.
    fn names_at(
        &self,
        key: &str,
        items: &[String],
        known: &[&str],
        kind: ListKind,
    ) -> Result<Vec<String>, TemplateError> {
        let layer = self.layer_of(key);
        let start = layer.key_line(key);
        let mut out: Vec<String> = Vec::new();
        for name in items {
            let line = layer.line_from(start, &format!("\"{name}\""));
            if !known.contains(&name.as_str()) {
                return Err(TemplateError::UnknownName {
                    file: layer.file.into(),
                    line,
                    list: key.into(),
                    name: name.clone(),
                    kind,
                    known: if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    },
                });
            }
            if out.contains(name) {
                return Err(TemplateError::Invalid {
                    file: layer.file.into(),
                    message: format!("line {line}: `{key}` names {name:?} twice"),
                });
            }
            out.push(name.clone());
        }
        Ok(out)
    }

    /// Every `{placeholder}` in the files is one the family fills; otherwise the first
    /// that is not is refused with its file and line. Comment lines are skipped.
    fn check_placeholders(layers: &[Layer], family: Family) -> Result<(), TemplateError> {
        for layer in layers {
            for (i, line) in layer.source.lines().enumerate() {
                if line.trim_start().starts_with('#') {
                    continue;
                }
                for name in text::names_in(line) {
                    if !Ph::parse(name).is_some_and(|p| p.filled_by(family)) {
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

    /// The most specific file that sets a dotted key (the report's own when none does).
    fn layer_of(&self, key: &str) -> &Layer {
        self.layers
            .iter()
            .find(|l| {
                let mut parts = key.split('.');
                let mut cur = parts.next().and_then(|p| l.root.get(p));
                for part in parts {
                    cur = cur.and_then(|v| v.get(part));
                }
                cur.is_some()
            })
            .unwrap_or(&self.layers[0])
    }

    /// Wording a family's files may leave out for the reports that do not print it
    /// (equity-annual's sections, the service methodology's targets): the load refuses
    /// a report whose files lack what it prints, so a report only meets `Ok` here.
    pub fn need<'a, T>(&self, o: &'a Option<T>, key: &str) -> Result<&'a T, TemplateError> {
        o.as_ref().ok_or_else(|| TemplateError::Invalid {
            file: self.own_file().into(),
            message: format!("missing key `{key}`"),
        })
    }

    /// The file to name for a key missing from every file: the report's own.
    pub fn own_file(&self) -> &'static str {
        self.layers[0].file
    }
}

impl<W: Wording> Template<W> {
    /// The label of a figure: `labels."<metric id>"` (checked at load for every figure
    /// a table or chart names by its label).
    pub fn label(&self, id: &str) -> Result<&Text, TemplateError> {
        by_id(
            self.wording.labels(),
            self.own_file(),
            "labels",
            "label",
            id,
        )
    }

    /// A figure's words in a section's table keyed by metric id (`key`, the table's
    /// dotted key, named when the figure has none).
    pub fn of_figure<'a>(
        &self,
        table: &'a BTreeMap<String, Text>,
        key: &str,
        id: &str,
    ) -> Result<&'a Text, TemplateError> {
        by_id(table, self.own_file(), key, "wording", id)
    }

    /// A figure's column heading in a table: `headings."<metric id>"` (checked at load
    /// for every column a table lists).
    pub fn heading(&self, id: &str) -> Result<&Text, TemplateError> {
        by_id(
            self.wording.headings(),
            self.own_file(),
            "headings",
            "column heading",
            id,
        )
    }
}

impl Template<ServiceWording> {
    /// The heading over a breakdown's table.
    pub fn breakdown(&self, dim: &str) -> Result<&Text, TemplateError> {
        by_id(
            &self.breakdowns,
            self.own_file(),
            "breakdowns",
            "heading",
            dim,
        )
    }
}

/// The wording of a figure (or breakdown) by its id in one of the tables keyed so.
fn by_id<'a>(
    table: &'a BTreeMap<String, Text>,
    file: &str,
    name: &str,
    what: &str,
    id: &str,
) -> Result<&'a Text, TemplateError> {
    table.get(id).ok_or_else(|| TemplateError::Invalid {
        file: file.into(),
        message: format!("no {what} for `{id}` (key `{name}.\"{id}\"`)"),
    })
}

/// Lay `over` on `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// serde's complaint about the merged files in a template's words: the table and the
/// key ("in table [summary]: missing key `partial`").
fn key_error(path: &str, inner: &str) -> String {
    // (toml adds the table again on a line of its own)
    let inner = inner
        .lines()
        .next()
        .unwrap_or_default()
        .replace("missing field", "missing key")
        .replace("unknown field", "unknown key");
    // (an unknown key: say what to do, not the list of every key serde expected)
    let inner = match inner.split_once(", expected") {
        Some((head, _)) if inner.starts_with("unknown key") => {
            format!("{head}, which no report reads (misspelt?)")
        }
        _ => inner,
    };
    // (the path of an unknown key ends with the key itself)
    let path = match path.rsplit_once('.') {
        Some((table, _)) if inner.starts_with("unknown key") => table,
        None if inner.starts_with("unknown key") => "",
        _ => path,
    };
    if path.is_empty() || path == "." {
        format!("at the top level: {inner}")
    } else {
        format!("in table [{path}]: {inner}")
    }
}

impl Layer {
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
}
