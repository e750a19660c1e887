//! What both report families compose a document with: the [`Composer`] their
//! builders stand on (the figures, the settings, this copy's disclosure rules with the
//! run's plan, the wording), a section under its template heading, tables, the
//! document around the sections (ordered and picked as the template says) and one
//! document per audience rounding.

use chrono::NaiveDate;

use crate::catalog::ReportId;
use crate::config::{Disclosure, Settings};
use crate::data::quality::QualityReport;
use crate::disclosure::plan::Plan;
use crate::metrics::{Metric, Metrics};
use crate::pdf::model::{Block, Document, Item, Section, Table, TableColumn};
use crate::period::Period;
use crate::report::{ReportError, section_shows};
use crate::template::Ph;
use crate::template::{Template, TemplateError, Vars, Wording, fill_all};

/// What both families compose a document from; each family's builder adds its own
/// figures and stands on this (it dereferences to it), so that a figure is shown or
/// hidden by one rule in every report.
pub struct Composer<'a, W> {
    pub settings: &'a Settings,
    pub period: &'a Period,
    pub metrics: &'a Metrics,
    pub quality: &'a QualityReport,
    /// The disclosure rules this copy of the document follows (its audience's rounding).
    pub disclosure: Disclosure,
    /// Which counts every copy hides, decided once for the run.
    pub plan: Plan,
    pub template: Template<W>,
}

impl<W: Wording> Composer<'_, W> {
    pub fn d(&self) -> &Disclosure {
        &self.disclosure
    }

    /// Whether a figure of this period is hidden: the run's plan hides a count it
    /// rests on, or its own counts are small.
    pub fn hidden(&self, m: &Metric) -> bool {
        self.plan.hides_metric(m) || self.primary_hidden(m)
    }

    /// Whether a figure's own counts are too small to show (a figure of another
    /// period, in a change or a trend, or one made for a table, is judged alone).
    pub fn primary_hidden(&self, m: &Metric) -> bool {
        self.d().figure_hidden(m)
    }

    /// A figure's target with its direction, as the wording has it ("at least 75.0%",
    /// "at most 10.0%"), the value shown by `shown`; None without a target.
    pub fn target_words(
        &self,
        id: &str,
        v: &Vars,
        shown: impl Fn(f64) -> String,
    ) -> Result<Option<String>, ReportError> {
        let Some((f, target)) = crate::standards::target_of(&self.settings.targets, id) else {
            return Ok(None);
        };
        let mut vv = v.clone();
        let (higher, lower, of_year) = self.template.target_words();
        vv.insert(Ph::Target, shown(target.value));
        if let Some(year) = &target.year {
            vv.insert(Ph::TargetYear, year.clone());
            vv.insert(Ph::Target, of_year.fill(&vv)?);
        }
        let words = match f.better {
            crate::registry::Better::Lower => lower,
            _ => higher,
        };
        Ok(Some(words.fill(&vv)?))
    }

    /// A headline's target and its status in words, the same in every report: the
    /// target with its direction, and Green, Amber or Red (`*` when the figure is
    /// hidden, `-` when it has no value); both empty without a target.
    pub fn against_target(
        &self,
        id: &str,
        m: Option<&Metric>,
        v: &Vars,
        shown: impl Fn(f64) -> String,
    ) -> Result<[String; 2], ReportError> {
        let Some((f, target)) = crate::standards::target_of(&self.settings.targets, id) else {
            return Ok([String::new(), String::new()]);
        };
        let words = self.target_words(id, v, shown)?.unwrap_or_default();
        let status = match m {
            Some(m) if self.hidden(m) => "*".to_string(),
            Some(m) => m
                .value
                .and_then(|x| crate::standards::judge(f, x, target))
                .map_or("-".into(), |r| r.as_str().to_string()),
            None => "-".into(),
        };
        Ok([words, status])
    }

    /// The document around its sections: title, cover and production date.
    pub fn document(
        &self,
        v: &Vars,
        sections: Vec<Section>,
        as_of: NaiveDate,
    ) -> Result<Document, ReportError> {
        document(
            &self.template,
            v,
            self.settings,
            self.period,
            sections,
            as_of,
        )
    }
}

/// A section under the template's `{key}.heading`.
pub fn section<W: Wording>(
    t: &Template<W>,
    key: &str,
    v: &Vars,
    new_page: bool,
    blocks: Vec<Block>,
) -> Result<Section, ReportError> {
    let head = t.head(key).ok_or_else(|| TemplateError::Invalid {
        file: t.own_file().into(),
        message: format!("missing table [{key}]"),
    })?;
    Ok(Section {
        key: key.to_string(),
        heading: head.heading.fill(v)?,
        new_page,
        blocks,
    })
}

/// A table whose rows are all alike.
pub fn table(columns: Vec<TableColumn>, rows: Vec<Vec<String>>) -> Table {
    Table {
        columns,
        rows,
        bold_rows: vec![],
        groups: vec![],
        note: None,
    }
}

/// A table whose last row is the total, in bold.
pub fn table_with_total(columns: Vec<TableColumn>, rows: Vec<Vec<String>>) -> Table {
    Table {
        columns,
        bold_rows: rows.len().checked_sub(1).into_iter().collect(),
        rows,
        groups: vec![],
        note: None,
    }
}

/// The methodology page: its paragraphs under its heading, on a new page.
pub fn methodology_section<W: Wording>(
    t: &Template<W>,
    settings: &Settings,
    v: &Vars,
) -> Result<Section, ReportError> {
    let mut paragraphs = fill_all(&t.methodology().paragraphs, v)?;
    // (how the key messages that open the report are chosen: the rules, their order
    // and the cap; report/messages.rs applies them)
    let mut vv = v.clone();
    vv.insert(Ph::Count, settings.key_messages.max.to_string());
    vv.insert(
        Ph::Share,
        crate::report::pct(settings.key_messages.quality_share),
    );
    paragraphs.push(t.key_messages().method.fill(&vv)?);
    section(
        t,
        "methodology",
        v,
        true,
        paragraphs.into_iter().map(Block::Paragraph).collect(),
    )
}

/// A report's document: its sections under the template's title and cover lines.
pub fn document<W: Wording>(
    t: &Template<W>,
    v: &Vars,
    settings: &crate::config::Settings,
    period: &crate::period::Period,
    sections: Vec<Section>,
    as_of: NaiveDate,
) -> Result<Document, ReportError> {
    Ok(Document {
        title: t.title().fill(v)?,
        period_label: period.label(),
        organisation: settings.report.organisation.clone(),
        produced: as_of,
        classification: settings.report.classification.clone(),
        cover_lines: fill_all(t.cover_lines(), v)?,
        keywords: fill_all(t.keywords(), v)?,
        sections: order_sections(t, sections)?,
    })
}

/// The document under the default disclosure rules, and again for each other rounding
/// some audience of the report gets: `compose` draws the document under given rules.
pub fn documents<W: Wording>(
    settings: &crate::config::Settings,
    report: ReportId,
    mut compose: impl FnMut(&crate::config::Disclosure) -> Result<Document, ReportError>,
) -> Result<(Document, Vec<(u64, Document)>), ReportError> {
    let t = crate::report::template::<W>(report)?;
    let rounded = |doc: Document, r: u64| -> Result<Document, ReportError> {
        if r == 0 {
            return Ok(doc);
        }
        let mut v = Vars::new();
        v.insert(Ph::RoundTo, r.to_string());
        Ok(say_rounded(doc, &t.rounding_note().fill(&v)?))
    };
    let document = rounded(compose(&settings.disclosure)?, settings.disclosure.round_to)?;
    let mut variants = Vec::new();
    for r in audience_roundings(settings, report) {
        variants.push((
            r,
            rounded(compose(&settings.disclosure.with_round_to(r))?, r)?,
        ));
    }
    Ok((document, variants))
}

/// A rounded copy says so on its cover, at the top of its summary and on its
/// methodology page, so that no reader takes its counts for exact ones.
fn say_rounded(mut doc: Document, note: &str) -> Document {
    doc.cover_lines.push(note.to_string());
    for s in &mut doc.sections {
        match s.key.as_str() {
            "summary" => s.blocks.insert(0, Block::Paragraph(note.to_string())),
            "methodology" => s.blocks.push(Block::Paragraph(note.to_string())),
            _ => {}
        }
    }
    doc
}

/// The roundings other than the default that some audience of a report gets, each
/// once, in order: a document is composed for each.
fn audience_roundings(settings: &crate::config::Settings, report: ReportId) -> Vec<u64> {
    let mut out: Vec<u64> = settings
        .reports
        .get(report.as_str())
        .map(|r| r.recipients.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|list| settings.disclosure.round_to_for(list))
        .filter(|r| *r != settings.disclosure.round_to)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The sections in the order the template lists them (those it leaves out are
/// dropped), each with the tables and charts its `show` list picks.
pub fn order_sections<W: Wording>(
    t: &Template<W>,
    sections: Vec<Section>,
) -> Result<Vec<Section>, TemplateError> {
    let mut remaining = sections;
    let mut out = Vec::new();
    for key in t.section_order()? {
        let (take, keep): (Vec<Section>, Vec<Section>) =
            remaining.into_iter().partition(|s| s.key == key);
        for s in take {
            let mut s = pick_items(t, s)?;
            s.blocks = combine_breakdowns(s.blocks);
            out.push(s);
        }
        remaining = keep;
    }
    Ok(out)
}

/// A section's tables and charts as its template's `show` list gives them: together
/// where the first of them stood, in the list's order; those it leaves out dropped.
/// Without a list the section shows all it has, as built.
fn pick_items<W: Wording>(t: &Template<W>, mut s: Section) -> Result<Section, TemplateError> {
    let report = t.report;
    let known = section_shows(report, &s.key);
    let list = t.section_shows(&s.key)?;
    let mut items: Vec<Item> = Vec::new();
    let mut blocks = Vec::new();
    let mut slot = None;
    for b in s.blocks {
        match b {
            Block::Item(i) => {
                if !known.contains(&i.name) {
                    // a name the code gives that no template could name: a program error
                    return Err(TemplateError::Invalid {
                        file: format!("report_templates/{report}.toml"),
                        message: format!(
                            "section {} has a table or chart {:?} missing from its list of \
                             names ({})",
                            s.key,
                            i.name,
                            known.join(", ")
                        ),
                    });
                }
                slot.get_or_insert(blocks.len());
                items.push(i);
            }
            other => blocks.push(other),
        }
    }
    let chosen: Vec<Block> = match list {
        None => items.into_iter().map(Block::Item).collect(),
        Some(names) => names
            .iter()
            .filter_map(|n| {
                let at = items.iter().position(|i| &i.name == n)?;
                Some(Block::Item(items.remove(at)))
            })
            .collect(),
    };
    if let Some(at) = slot {
        blocks.splice(at..at, chosen);
    }
    s.blocks = blocks;
    Ok(s)
}

/// Breakdown tables of one shape printed one after another (each under its own
/// subheading, with the same columns and the same total row) become one table: a reader
/// compares the groups down one column, and the header and the total are printed once.
/// Each table's subheading becomes a heading row over its groups; a sentence that stood
/// with one goes into the combined table's note, after that heading.
fn combine_breakdowns(blocks: Vec<Block>) -> Vec<Block> {
    /// An item that is a subheading, sentences and one table with a total row.
    fn parts(b: &Block) -> Option<(&str, Vec<&str>, &Table)> {
        let Block::Item(i) = b else { return None };
        let [Block::Subheading(h), middle @ .., Block::Table(t)] = i.blocks.as_slice() else {
            return None;
        };
        let said: Option<Vec<&str>> = middle
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => Some(p.as_str()),
                _ => None,
            })
            .collect();
        let total = t.rows.len().checked_sub(1)?;
        (t.groups.is_empty() && t.bold_rows == [total]).then_some((h, said?, t))
    }
    let same = |a: &Table, b: &Table| {
        a.columns
            .iter()
            .map(|c| &c.header)
            .eq(b.columns.iter().map(|c| &c.header))
            && a.rows.last() == b.rows.last()
    };
    let mut out: Vec<Block> = Vec::new();
    let mut run: Vec<Block> = Vec::new();
    let flush = |run: &mut Vec<Block>, out: &mut Vec<Block>| {
        if run.len() < 2 {
            out.append(run);
            return;
        }
        let tables: Vec<_> = run.iter().filter_map(parts).collect();
        let first = tables[0].2;
        let mut combined = Table {
            columns: first.columns.clone(),
            rows: vec![],
            bold_rows: vec![],
            groups: vec![],
            note: None,
        };
        let mut notes: Vec<String> = vec![];
        for (heading, said, t) in &tables {
            combined
                .groups
                .push((combined.rows.len(), heading.to_string()));
            let body = &t.rows[..t.rows.len() - 1];
            combined.rows.extend(body.iter().cloned());
            if !said.is_empty() {
                notes.push(format!("{heading}: {}", said.join(" ")));
            }
            notes.extend(t.note.clone());
        }
        combined.bold_rows.push(combined.rows.len());
        combined.rows.extend(first.rows.last().cloned());
        notes.dedup();
        combined.note = (!notes.is_empty()).then(|| notes.join(" "));
        out.push(Block::Table(combined));
        run.clear();
    };
    for b in blocks {
        let joins = match (run.last().and_then(parts), parts(&b)) {
            (Some((_, _, a)), Some((_, _, t))) => same(a, t),
            _ => false,
        };
        if !joins {
            flush(&mut run, &mut out);
        }
        if parts(&b).is_some() {
            run.push(b);
        } else {
            out.push(b);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::model::{Align, col, item};

    fn breakdown(heading: &str, header: &str, groups: &[&str], said: Option<&str>) -> Block {
        let mut rows: Vec<Vec<String>> = groups
            .iter()
            .map(|g| vec![g.to_string(), "1".into()])
            .collect();
        rows.push(vec!["All referrals".into(), "9".into()]);
        let mut blocks = vec![Block::Subheading(heading.into())];
        blocks.extend(said.map(|s| Block::Paragraph(s.into())));
        blocks.push(Block::Table(table_with_total(
            vec![
                col("Group", 1.0, Align::Left),
                col(header, 1.0, Align::Right),
            ],
            rows,
        )));
        item(heading, blocks)
    }

    #[test]
    fn breakdown_tables_of_one_shape_in_a_row_become_one_table_with_one_total() {
        let blocks = vec![
            Block::Paragraph("intro".into()),
            breakdown("Age", "Referrals", &["17-24", "25-34"], None),
            breakdown("Sex", "Referrals", &["Male"], Some("Sex as recorded.")),
            // another shape ends the run; one table alone stays as it was
            breakdown("Disability", "Recovery", &["Disabled"], None),
        ];
        let out = combine_breakdowns(blocks);
        assert_eq!(out.len(), 3, "{out:?}");
        let Block::Table(t) = &out[1] else {
            panic!("{:?}", out[1])
        };
        let firsts: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(firsts, ["17-24", "25-34", "Male", "All referrals"]);
        assert_eq!(t.groups, [(0, "Age".to_string()), (2, "Sex".to_string())]);
        assert_eq!(t.bold_rows, [3]);
        assert_eq!(t.note.as_deref(), Some("Sex: Sex as recorded."));
        assert!(matches!(&out[2], Block::Item(i) if i.name == "Disability"));
    }

    #[test]
    fn tables_with_different_totals_are_not_combined() {
        let mut other = breakdown("Sex", "Referrals", &["Male"], None);
        if let Block::Item(i) = &mut other
            && let Some(Block::Table(t)) = i.blocks.last_mut()
        {
            t.rows.last_mut().unwrap()[1] = "8".into();
        }
        let out = combine_breakdowns(vec![breakdown("Age", "Referrals", &["17-24"], None), other]);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|b| matches!(b, Block::Item(_))));
    }
}
