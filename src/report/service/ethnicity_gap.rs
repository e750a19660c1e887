//! NHS England's ethnicity recovery gap over the period (docs/reports.md,
//! `tt.recovery_gap_pp` and `tt.reliable_recovery_gap_pp`): White British (`A`) less
//! every other known code (`B`-`S`), in words on the summary and the priority page, and
//! by partner in a table on equity-annual's priority page. The figures are the
//! registry's (queries/service/recovery_gap.sql); what a reader sees is hidden as the
//! run's disclosure plan says.

use super::{Builder, Kind, Vars, group_label};
use crate::pdf::model::{Align, Block, col, item};
use crate::report::ReportError;
use crate::template::Ph;

/// The two gap figures, with the wording key of the measure each compares.
const GAPS: [&str; 2] = ["tt.recovery_gap_pp", "tt.reliable_recovery_gap_pp"];

impl Builder<'_> {
    /// The service's gaps in words, a sentence each; none for a gap hidden or without a
    /// value (a side with no one).
    pub(super) fn ethnicity_gap_words(&self, v: &Vars) -> Result<Vec<Block>, ReportError> {
        let w = &self.template.ethnicity_gap;
        let mut out = Vec::new();
        for id in GAPS {
            let Some(m) = self.metrics.get(id, &[]) else {
                continue;
            };
            if self.hidden(m) {
                continue;
            }
            let m = self.d().as_shown(m);
            let (Some(gap), Some(lo), Some(hi)) = (m.value, m.ci_low, m.ci_high) else {
                continue;
            };
            let mut vv = v.clone();
            let figure = if id == GAPS[0] {
                &w.recovery
            } else {
                &w.reliable_recovery
            };
            vv.insert(Ph::Figure, figure.fill(v)?);
            vv.insert(Ph::Value, format!("{:.1}", gap.abs()));
            vv.insert(Ph::Lower, format!("{lo:.1}"));
            vv.insert(Ph::Upper, format!("{hi:.1}"));
            // White British less the rest: a positive gap is the rest recovering less
            let shown = (gap * 10.0).round() / 10.0;
            let sentence = if shown == 0.0 {
                w.same.fill(&vv)?
            } else {
                let direction = if shown > 0.0 { &w.lower } else { &w.higher };
                vv.insert(Ph::Direction, direction.fill(v)?);
                // judged on the interval as shown: excluding 0 is a gap beyond chance
                let reading = if super::clear_of_zero(lo, hi) {
                    &w.significant
                } else {
                    &w.not_significant
                };
                vv.insert(Ph::Significance, reading.fill(v)?);
                w.sentence.fill(&vv)?
            };
            out.push(Block::Paragraph(sentence));
        }
        Ok(out)
    }

    /// The service's gaps in words, then each partner's and the service's in a table.
    pub(super) fn ethnicity_gap_table(&self, v: &Vars) -> Result<Block, ReportError> {
        let t = &self.template;
        let w = &t.ethnicity_gap;
        let mut partners: Vec<String> = self
            .metrics
            .0
            .iter()
            .filter(|m| m.id == GAPS[0])
            .filter_map(|m| m.by.get("partner_org").cloned())
            .collect();
        partners.dedup();
        let row = |name: String, by: &[(&str, &str)]| -> Vec<String> {
            std::iter::once(name)
                .chain(
                    GAPS.iter()
                        .map(|id| self.shown(self.metrics.get(id, by), Kind::Points, true)),
                )
                .collect()
        };
        let mut rows: Vec<Vec<String>> = partners
            .iter()
            .map(|p| {
                let name = group_label(&t.codes, "partner_org", p);
                row(name, &[("partner_org", p.as_str())])
            })
            .collect();
        rows.push(row("Service".into(), &[]));
        let mut columns = vec![col(&w.partner_header.fill(v)?, 2.0, Align::Left)];
        for id in GAPS {
            columns.push(col(&t.heading(id)?.fill(v)?, 2.0, Align::Right));
        }
        let mut tb = crate::report::compose::table_with_total(columns, rows);
        tb.note = Some(w.partner_note.fill(v)?);
        let mut blocks = vec![Block::Subheading(w.partner_heading.fill(v)?)];
        blocks.extend(self.ethnicity_gap_words(v)?);
        blocks.push(Block::Table(tb));
        Ok(item("ethnicity_gap_table", blocks))
    }
}
