//! The key messages of a workforce report (`crate::report::messages`): the rules every
//! report shares, and the workforce's own: a WRES or WDES relative likelihood outside
//! the band of no adverse impact (0.80 to 1.25, as the WRES reads it).

use super::{Builder, DATASETS, Vars, plain_of};
use crate::pdf::model::Section;
use crate::report::ReportError;
use crate::report::messages::{Message, Rule};
use crate::template::Ph;

/// The band of no adverse impact.
const BAND: std::ops::RangeInclusive<f64> = 0.8..=1.25;

impl Builder<'_> {
    /// The report's key messages, in the rules' order.
    pub(super) fn key_messages(&self, v: &Vars) -> Result<Section, ReportError> {
        let ids: Vec<String> = self.headlines.iter().map(|(id, _)| id.clone()).collect();
        let mut m = self.missed_messages(&ids, v, &plain_of)?;
        m.extend(self.special_cause_messages(self.series, v, &plain_of)?);
        m.extend(self.adverse_messages(v)?);
        m.extend(self.quality_messages(DATASETS, v)?);
        self.key_messages_section(m, v)
    }

    /// Rule 4: each indicator whose relative likelihood, as this copy shows it, lies
    /// outside the band; said with its interval, and whether that interval holds 1.
    fn adverse_messages(&self, v: &Vars) -> Result<Vec<Message>, ReportError> {
        let t = &self.template;
        let (Some(adverse), Some(chance)) =
            (&t.key_messages.adverse, &t.key_messages.adverse_chance)
        else {
            return Ok(vec![]);
        };
        let mut out = vec![];
        for (id, label) in [
            ("wres2.relative_likelihood", &t.indicators.wres2),
            ("wres3.relative_likelihood", &t.indicators.wres3),
            ("wres4.relative_likelihood", &t.indicators.wres4),
            ("wdes2.relative_likelihood", &t.indicators.wdes2),
        ] {
            let Some(m) = self.metrics.get(id, &[]) else {
                continue;
            };
            if self.hidden(m) {
                continue;
            }
            let shown = self.d().as_shown(m);
            let (Some(r), Some(lo), Some(hi)) = (shown.value, shown.ci_low, shown.ci_high) else {
                continue;
            };
            if BAND.contains(&r) {
                continue;
            }
            let mut vv = v.clone();
            vv.insert(Ph::Figure, label.fill(v)?);
            vv.insert(Ph::Value, format!("{r:.2}"));
            vv.insert(Ph::Lower, format!("{lo:.2}"));
            vv.insert(Ph::Upper, format!("{hi:.2}"));
            vv.insert(Ph::See, self.heading_of("indicators", v)?);
            // (whether the interval holds 1 as the indicator table reads it)
            let holds_one =
                crate::metrics::interval4(&shown).is_some_and(|(lo, hi)| lo <= 1.0 && hi >= 1.0);
            let text = if holds_one { chance } else { adverse };
            out.push(Message {
                rule: Rule::Adverse,
                text: text.fill(&vv)?,
            });
        }
        Ok(out)
    }
}
