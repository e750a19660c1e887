//! The "Change over time" section of a service report: an SPC chart per monthly series
//! (`series.rs`), drawn from the months a reader may see, with its key and its reading
//! in words. A count series with a hidden month is not charted: its other months and the
//! period's total would give the hidden one away.

use chrono::NaiveDate;

use super::series::MonthSeries;
use super::{Builder, Kind, Vars, display_kind, sections::plain};
use crate::pdf::model::{Block, LineChart, Section, Series, Spc, SpcWords};
use crate::registry;
use crate::report::compose::section;
use crate::report::{ReportError, in_sentence};
use crate::spc::{self, Assurance, Chart, Variation};
use crate::template::Ph;

/// "2025-04" as a chart labels it ("Apr 2025") and as a sentence names it ("April 2025").
fn month(m: &str, format: &str) -> String {
    NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
        .map_or(m.to_string(), |d| d.format(format).to_string())
}

impl Builder<'_> {
    /// The section, or none when no figure is read month by month.
    pub(super) fn change_section(&self, v: &Vars) -> Result<Option<Section>, ReportError> {
        if self.series.is_empty() {
            return Ok(None);
        }
        let t = &self.template.change;
        let mut blocks = vec![Block::Paragraph(t.intro.fill(v)?)];
        for s in self.series {
            blocks.extend(self.change_chart(s, v)?);
        }
        Ok(Some(section(&self.template, "change", v, true, blocks)?))
    }

    fn change_chart(&self, s: &MonthSeries, v: &Vars) -> Result<Vec<Block>, ReportError> {
        let t = &self.template.change;
        let id = s.id.as_str();
        let Some(figure) = registry::figure(id) else {
            return Ok(vec![]);
        };
        let kind = display_kind(id);
        let label = self.template.label(id)?.fill(v)?;
        let mut vv = v.clone();
        vv.insert(Ph::Figure, label.clone());
        let counts = figure.kind == registry::Kind::Count;
        let left_out = s.suppressed.iter().filter(|x| **x).count();
        // a count's months add up to the period's count: one hidden is then found
        if counts && left_out > 0 {
            return Ok(vec![Block::Paragraph(t.not_charted.fill(&vv)?)]);
        }
        let d = self.d();
        // a rounded copy shows its counts rounded, and reads what it shows
        let shown = |i: usize| -> Option<f64> {
            let x = s.points[i].as_ref()?;
            let value = x.value?;
            (!s.suppressed[i]).then(|| {
                if counts {
                    d.rounded(value.round() as u64) as f64
                } else {
                    value
                }
            })
        };
        let values: Vec<Option<f64>> = (0..s.months.len()).map(shown).collect();
        let drawn: Vec<f64> = values.iter().flatten().copied().collect();
        let read_months: Vec<String> = (0..s.months.len())
            .filter(|i| values[*i].is_some())
            .map(|i| s.months[i].clone())
            .collect();
        let target = self.settings.targets.get(id).map(|x| x.value);
        let reading = spc::read(
            &drawn,
            figure.better,
            target,
            &self.settings.spc.engine(&read_months),
        );
        let words = SpcWords {
            reading: t.reading.fill(v)?,
            mean: t.mean.fill(v)?,
            limits: if reading.chart == (Chart::Xmr { trial: true }) {
                t.trial_limits.fill(v)?
            } else {
                t.limits.fill(v)?
            },
            common: t.common.fill(v)?,
            improvement: t.improvement.fill(v)?,
            concern: t.concern.fill(v)?,
            neither: t.neither.fill(v)?,
        };
        let shown_as = |x: f64| plain(x, kind);
        vv.insert(Ph::First, month(&s.months[0], "%B %Y"));
        vv.insert(Ph::Last, month(s.months.last().expect("a month"), "%B %Y"));
        let mut alt = match (reading.chart, reading.limits.last().copied().flatten()) {
            (Chart::Xmr { .. }, Some(l)) => {
                vv.insert(Ph::Mean, shown_as(l.mean));
                vv.insert(Ph::Lower, shown_as(l.lower));
                vv.insert(Ph::Upper, shown_as(l.upper));
                vv.insert(Ph::Value, drawn.last().map_or("-".into(), |x| shown_as(*x)));
                let last = reading.flags.last().copied().unwrap_or_default();
                let latest = match spc::point_kind(&last, figure.better) {
                    Variation::CommonCause => t.latest_common.fill(&vv)?,
                    k => {
                        let mut rules = vec![];
                        for (d, rule) in [
                            (last.beyond_limit, &t.rule_beyond),
                            (last.two_of_three, &t.rule_two),
                            (last.shift, &t.rule_shift),
                            (last.trend, &t.rule_trend),
                        ] {
                            if d != 0 {
                                rules.push(rule.fill(&vv)?);
                            }
                        }
                        vv.insert(Ph::Rules, rules.join(" and "));
                        vv.insert(Ph::Reading, in_sentence(words.of(k)));
                        t.latest_special.fill(&vv)?
                    }
                };
                vv.insert(Ph::Latest, latest);
                let mut alt = t.alt_xmr.fill(&vv)?;
                if let (Some(a), Some(target)) = (reading.assurance, target) {
                    vv.insert(Ph::Target, shown_as(target));
                    let said = match a {
                        Assurance::ConsistentlyPasses => &t.assurance_passes,
                        Assurance::ConsistentlyFails => &t.assurance_fails,
                        Assurance::HitAndMiss => &t.assurance_hit_and_miss,
                    };
                    alt = format!("{alt} {}", said.fill(&vv)?);
                }
                alt
            }
            _ => t.alt_run.fill(&vv)?,
        };
        if left_out > 0 {
            vv.insert(Ph::Value, left_out.to_string());
            alt = format!("{alt} {}", t.left_out.fill(&vv)?);
        }
        let mut references = vec![];
        if let Some(target) = target {
            references.push((target, format!("Target {}", shown_as(target))));
        }
        let chart = LineChart {
            title: t.chart_title.fill(&vv)?,
            axis_label: t.chart_axis.fill(&vv)?,
            x_labels: s.months.iter().map(|m| month(m, "%b %Y")).collect(),
            series: vec![Series {
                label: label.clone(),
                ci: vec![None; s.months.len()],
                missing: s
                    .suppressed
                    .iter()
                    .map(|h| if *h { "*" } else { "-" })
                    .collect(),
                points: values.clone(),
            }],
            references,
            percent: kind == Kind::Pct,
            alt_text: alt,
            spc: Some(Box::new(Spc::of(&values, &reading, figure.better, words))),
        };
        Ok(vec![Block::LineChart(chart)])
    }
}
