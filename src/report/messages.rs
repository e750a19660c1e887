//! The key messages that open every report (README, "Key messages"): sentences chosen
//! by rules from the report's own figures, each with its number and the section to read
//! more in, in the order of the rules, at most `key_messages.max` of them with the rest
//! counted. A figure the copy hides is never a message: no hidden number is said.
//! The rules every report shares are here; each family adds its own (workforce: WRES
//! and WDES indicators outside the band; service: groups worse than a standard the
//! service meets).

use crate::data::quality::QualityReport;
use crate::pdf::model::{Block, Section};
use crate::registry::{self, Kind};
use crate::report::change::{Plain, Series};
use crate::report::compose::{Composer, section};
use crate::report::{ReportError, pct};
use crate::spc::Variation;
use crate::standards::Rag;
use crate::template::{Ph, Vars, Wording};

/// The rules, in the order their messages are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// A headline figure short of its target.
    Missed,
    /// The latest point of an SPC chart is a special cause of concern.
    Concern,
    /// ... of improvement.
    Improvement,
    /// A WRES or WDES relative likelihood outside the band of no adverse impact.
    Adverse,
    /// A group significantly worse than the service on a standard the service meets.
    Below,
    /// A dataset with problems in enough of its rows to change a reading.
    Quality,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub rule: Rule,
    pub text: String,
}

/// The messages in the rules' order (each rule's in the order it found them), and how
/// many the cap leaves out.
pub fn choose(mut messages: Vec<Message>, max: usize) -> (Vec<Message>, usize) {
    messages.sort_by_key(|m| m.rule);
    let more = messages.len().saturating_sub(max);
    messages.truncate(max);
    (messages, more)
}

/// The datasets whose problem rows are at least `share` of their rows read: (dataset,
/// problem rows, rows read).
pub fn quality_problems(
    q: &QualityReport,
    datasets: &[&str],
    share: f64,
) -> Vec<(String, u64, u64)> {
    datasets
        .iter()
        .filter_map(|d| {
            let rows: u64 = q
                .rows_read
                .iter()
                .filter(|r| r.dataset == *d)
                .map(|r| r.rows)
                .sum();
            let problems = q.problems_in(d);
            (rows > 0 && problems as f64 >= share * rows as f64)
                .then(|| (d.to_string(), problems, rows))
        })
        .collect()
}

impl<W: Wording> Composer<'_, W> {
    /// The heading of a section of this report, to say where to read more.
    pub fn heading_of(&self, key: &str, v: &Vars) -> Result<String, ReportError> {
        Ok(match self.template.head(key) {
            Some(h) => h.heading.fill(v)?,
            None => String::new(),
        })
    }

    /// Rule 1: each of `ids` (the summary's figures) short of its target, Amber or Red,
    /// with its value as this copy shows it.
    pub fn missed_messages(
        &self,
        ids: &[String],
        v: &Vars,
        plain: Plain,
    ) -> Result<Vec<Message>, ReportError> {
        let t = self.template.key_messages();
        let mut out = vec![];
        for id in ids {
            let Some(m) = self.metrics.get(id, &[]) else {
                continue;
            };
            if self.hidden(m) {
                continue;
            }
            let Some(rag) = m
                .value
                .and_then(|x| crate::standards::rag_of(&self.settings.targets, id, Some(x)))
            else {
                continue;
            };
            if rag == Rag::Green {
                continue;
            }
            let shown = self.d().as_shown(m);
            let Some(value) = shown.value else { continue };
            let mut vv = v.clone();
            vv.insert(Ph::Figure, self.template.label(id)?.fill(v)?);
            vv.insert(Ph::Value, self.value_words(id, value, plain));
            vv.insert(
                Ph::Target,
                self.target_words(id, v, |x| plain(id, x))?
                    .unwrap_or_default(),
            );
            vv.insert(Ph::Status, rag.as_str().to_string());
            vv.insert(Ph::See, self.heading_of("summary", v)?);
            out.push(Message {
                rule: Rule::Missed,
                text: t.missed.fill(&vv)?,
            });
        }
        Ok(out)
    }

    /// A value as this copy writes it: a count rounded as its tables round it.
    fn value_words(&self, id: &str, value: f64, plain: Plain) -> String {
        match registry::figure(id).map(|f| f.kind) {
            Some(Kind::Count) => self.d().show_count(value.round() as u64),
            _ => plain(id, value),
        }
    }

    /// Rules 2 and 3: each charted figure whose latest point is a special cause of
    /// concern or improvement, read as its chart reads it.
    pub fn special_cause_messages(
        &self,
        series: &[Series],
        v: &Vars,
        plain: Plain,
    ) -> Result<Vec<Message>, ReportError> {
        let t = self.template.key_messages();
        let mut out = vec![];
        for s in series {
            let Some((values, r)) = self.chart_reading(s) else {
                continue;
            };
            let (rule, text) = match r.variation {
                Some(Variation::Concern) => (Rule::Concern, &t.concern),
                Some(Variation::Improvement) => (Rule::Improvement, &t.improvement),
                _ => continue,
            };
            let Some(last) = values.iter().rposition(Option::is_some) else {
                continue;
            };
            let flags = r.flags.last().copied().unwrap_or_default();
            let label = self.chart_label(&s.id, v)?;
            let mut vv = v.clone();
            vv.insert(Ph::Figure, label);
            vv.insert(Ph::Value, plain(&s.id, values[last].unwrap_or_default()));
            vv.insert(Ph::Last, s.names[last].clone());
            vv.insert(Ph::Rules, self.rules_met(&flags, v)?);
            vv.insert(Ph::See, self.heading_of("change", v)?);
            out.push(Message {
                rule,
                text: text.fill(&vv)?,
            });
        }
        Ok(out)
    }

    /// Rule 6: each of the family's datasets with problems in at least
    /// `key_messages.quality_share` of its rows (data-quality counts, shown exactly as
    /// the data-quality page shows them).
    pub fn quality_messages(
        &self,
        datasets: &[&str],
        v: &Vars,
    ) -> Result<Vec<Message>, ReportError> {
        let t = self.template.key_messages();
        let share = self.settings.key_messages.quality_share;
        let mut out = vec![];
        for (dataset, problems, rows) in quality_problems(self.quality, datasets, share) {
            let mut vv = v.clone();
            vv.insert(Ph::Dataset, dataset);
            vv.insert(Ph::Problems, crate::disclosure::thousands(problems));
            vv.insert(Ph::Rows, crate::disclosure::thousands(rows));
            vv.insert(Ph::Share, pct(problems as f64 / rows as f64));
            vv.insert(Ph::See, self.heading_of("quality", v)?);
            out.push(Message {
                rule: Rule::Quality,
                text: t.quality.fill(&vv)?,
            });
        }
        Ok(out)
    }

    /// The section: the chosen messages as a list, how many more, and the site's own
    /// paragraph for the board if its wording has one.
    pub fn key_messages_section(
        &self,
        messages: Vec<Message>,
        v: &Vars,
    ) -> Result<Section, ReportError> {
        let t = self.template.key_messages();
        let (chosen, more) = choose(messages, self.settings.key_messages.max);
        let mut blocks = vec![Block::Paragraph(t.intro.fill(v)?)];
        if chosen.is_empty() {
            blocks.push(Block::Paragraph(t.none.fill(v)?));
        } else {
            blocks.push(Block::List(chosen.into_iter().map(|m| m.text).collect()));
        }
        if more > 0 {
            let mut vv = v.clone();
            vv.insert(Ph::Count, more.to_string());
            blocks.push(Block::Paragraph(t.more.fill(&vv)?));
        }
        if let Some(decide) = &t.decide {
            blocks.push(Block::Subheading(t.decide_heading.fill(v)?));
            blocks.push(Block::Paragraph(decide.fill(v)?));
        }
        section(&self.template, "key_messages", v, true, blocks)
    }
}
