//! The key messages of a service report (`crate::report::messages`): the rules every
//! report shares, and the service's own: a group significantly worse than the service on
//! a standard the service meets.

use std::cmp::Ordering;

use super::{Builder, DATASETS, Vars, display_kind, group_label, plain_of};
use crate::pdf::model::Section;
use crate::registry::{self, Better};
use crate::report::ReportError;
use crate::report::messages::{Message, Rule};
use crate::standards::{Rag, rag_of};
use crate::template::Ph;

/// The breakdowns a group is judged in: every one but single ethnic categories, whose
/// groups are too small to stand alone and are summed in their ethnic group (and a
/// priority group that is one category is judged as that group).
const JUDGED: &[&str] = &[
    "priority_group",
    "ethnic_group",
    "age_band",
    "sex",
    "disability",
    "imd_quintile",
];

impl Builder<'_> {
    /// The report's key messages, in the rules' order.
    pub(super) fn key_messages(&self, v: &Vars) -> Result<Section, ReportError> {
        let ids = &self.template.summary.figures;
        let mut m = self.missed_messages(ids, v, &plain_of)?;
        m.extend(self.special_cause_messages(self.series, v, &plain_of)?);
        m.extend(self.below_messages(v)?);
        m.extend(self.quality_messages(DATASETS, v)?);
        self.key_messages_section(m, v)
    }

    /// Rule 5: for each figure whose target the service meets (Green), each group whose
    /// 95 % interval lies wholly on the worse side of the service's value.
    fn below_messages(&self, v: &Vars) -> Result<Vec<Message>, ReportError> {
        let t = &self.template;
        let Some(text) = &t.key_messages.below else {
            return Ok(vec![]);
        };
        let mut out = vec![];
        // a group's figure is read more in the first section printed with it as a column
        let sections = t.section_order()?;
        for id in registry::ids().filter(|id| id.starts_with("tt.")) {
            let Some(overall) = self.metrics.get(id, &[]) else {
                continue;
            };
            let Some(value) = overall.value else { continue };
            if self.hidden(overall)
                || rag_of(&self.settings.targets, id, Some(value)) != Some(Rag::Green)
            {
                continue;
            }
            let worse = match registry::figure(id).map(|f| f.better) {
                Some(Better::Higher) => (Ordering::Less, "below"),
                Some(Better::Lower) => (Ordering::Greater, "above"),
                _ => continue,
            };
            let see = sections
                .iter()
                .find(|k| {
                    t.columns(k)
                        .is_some_and(|c| c.figures.iter().any(|f| f == id))
                })
                .map_or("summary", String::as_str);
            for dim in JUDGED {
                for group in self.values(dim) {
                    let Some(m) = self.metrics.get(id, &[(dim, group.as_str())]) else {
                        continue;
                    };
                    if self.compared(m, Some(value)) != Some(worse.0) {
                        continue;
                    }
                    let mut vv = v.clone();
                    vv.insert(Ph::Group, group_label(&t.codes, dim, &group));
                    vv.insert(Ph::Figure, t.label(id)?.fill(v)?);
                    vv.insert(Ph::Value, self.shown(Some(m), display_kind(id), true));
                    vv.insert(Ph::Overall, plain_of(id, value));
                    vv.insert(Ph::Direction, worse.1.to_string());
                    let key = if *dim == "priority_group" && t.priority.is_some() {
                        "priority"
                    } else {
                        see
                    };
                    vv.insert(Ph::See, self.heading_of(key, v)?);
                    out.push(Message {
                        rule: Rule::Below,
                        text: text.fill(&vv)?,
                    });
                }
            }
        }
        Ok(out)
    }
}
