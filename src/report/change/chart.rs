//! The "Change over time" section of either family: an SPC chart per series, drawn
//! from the periods a reader may see, with its key and its reading in words, and the
//! summary's words for each charted figure. A count series with a hidden period is not
//! charted: its other periods and the period's total would give the hidden one away.

use super::Series;
use crate::pdf::model::{self, Block, LineChart, Section, Spc, SpcWords};
use crate::registry;
use crate::report::compose::{Composer, section};
use crate::report::{ReportError, in_sentence};
use crate::spc::{self, Assurance, Chart, Variation};
use crate::template::{Ph, Vars, Wording};

/// How a figure's bare value is written (a mean, a limit, a target): each family's own.
pub type Plain<'f> = &'f dyn Fn(&str, f64) -> String;

impl<W: Wording> Composer<'_, W> {
    /// The months a chart draws (a rounded copy's counts rounded; a hidden month none)
    /// and its reading of them, or none where the series is not charted: a count with a
    /// hidden month, whose other months and the period's total would give it away.
    pub fn chart_reading(&self, s: &Series) -> Option<(Vec<Option<f64>>, spc::Reading)> {
        let figure = registry::figure(&s.id)?;
        let counts = figure.kind == registry::Kind::Count;
        if counts && s.suppressed.iter().any(|x| *x) {
            return None;
        }
        let d = self.d();
        // the report's own point is hidden where its table hides it
        let plan_hides = |i: usize| {
            Some(i) == s.current && self.metrics.get(&s.id, &[]).is_some_and(|m| self.hidden(m))
        };
        let values: Vec<Option<f64>> = (0..s.periods.len())
            .map(|i| {
                let value = s.points[i].as_ref()?.value?;
                (!s.suppressed[i] && !plan_hides(i)).then(|| {
                    if counts {
                        d.rounded(value.round() as u64) as f64
                    } else {
                        value
                    }
                })
            })
            .collect();
        let drawn: Vec<f64> = values.iter().flatten().copied().collect();
        let read_months: Vec<String> = (0..s.periods.len())
            .filter(|i| values[*i].is_some())
            .map(|i| s.first_months[i].clone())
            .collect();
        let target = self.settings.targets.get(s.id.as_str()).map(|x| x.value);
        let engine = self.settings.spc.engine(&read_months);
        Some((values, spc::read(&drawn, figure.better, target, &engine)))
    }

    /// The summary's words for a figure's series: its variation (the latest month's
    /// reading, or too few months for limits) and its assurance against the target;
    /// empty where the figure is not charted.
    pub fn over_time(
        &self,
        series: &[Series],
        id: &str,
        v: &Vars,
    ) -> Result<[String; 2], ReportError> {
        let t = self.template.change();
        let Some((_, r)) = series
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| self.chart_reading(s))
        else {
            return Ok([String::new(), String::new()]);
        };
        let variation = match r.variation {
            None => t.run_chart.fill(v)?,
            Some(Variation::CommonCause) => t.common.fill(v)?,
            Some(Variation::Improvement) => t.summary_improvement.fill(v)?,
            Some(Variation::Concern) => t.summary_concern.fill(v)?,
            Some(Variation::Neither) => t.summary_neither.fill(v)?,
        };
        let assurance = match r.assurance {
            None => String::new(),
            Some(Assurance::ConsistentlyPasses) => t.passes.fill(v)?,
            Some(Assurance::ConsistentlyFails) => t.fails.fill(v)?,
            Some(Assurance::HitAndMiss) => t.hit_and_miss.fill(v)?,
        };
        Ok([variation, assurance])
    }

    /// A figure's name on its chart: the change wording's own where it has one (turnover
    /// "in the year" charted a quarter at a time), else its label.
    pub fn chart_label(&self, id: &str, v: &Vars) -> Result<String, ReportError> {
        Ok(match self.template.change().labels.get(id) {
            Some(l) => l.fill(v)?,
            None => self.template.label(id)?.fill(v)?,
        })
    }

    /// The rules a special cause meets, in words: "beyond a process limit and a run of
    /// months on one side of the mean".
    pub fn rules_met(&self, flags: &spc::Flags, v: &Vars) -> Result<String, ReportError> {
        let t = self.template.change();
        let mut rules = vec![];
        for (d, rule) in [
            (flags.beyond_limit, &t.rule_beyond),
            (flags.two_of_three, &t.rule_two),
            (flags.shift, &t.rule_shift),
            (flags.trend, &t.rule_trend),
        ] {
            if d != 0 {
                rules.push(rule.fill(v)?);
            }
        }
        Ok(rules.join(" and "))
    }

    /// The section, or none when no figure is read month by month.
    pub fn change_section(
        &self,
        series: &[Series],
        v: &Vars,
        plain: Plain,
    ) -> Result<Option<Section>, ReportError> {
        if series.is_empty() {
            return Ok(None);
        }
        let t = self.template.change();
        let mut blocks = vec![Block::Paragraph(t.intro.fill(v)?)];
        for s in series {
            blocks.extend(self.change_chart(s, v, plain)?);
        }
        Ok(Some(section(&self.template, "change", v, true, blocks)?))
    }

    fn change_chart(&self, s: &Series, v: &Vars, plain: Plain) -> Result<Vec<Block>, ReportError> {
        let t = self.template.change();
        let id = s.id.as_str();
        let Some(figure) = registry::figure(id) else {
            return Ok(vec![]);
        };
        if s.periods.is_empty() {
            return Ok(vec![]);
        }
        let label = self.chart_label(id, v)?;
        let mut vv = v.clone();
        vv.insert(Ph::Figure, label.clone());
        let left_out = s.suppressed.iter().filter(|x| **x).count();
        if figure.kind == registry::Kind::Count && left_out > 0 {
            return Ok(vec![Block::Paragraph(t.not_charted.fill(&vv)?)]);
        }
        let Some((values, reading)) = self.chart_reading(s) else {
            return Ok(vec![]);
        };
        let drawn: Vec<f64> = values.iter().flatten().copied().collect();
        let target = self.settings.targets.get(id).map(|x| x.value);
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
        let shown_as = |x: f64| plain(id, x);
        vv.insert(Ph::First, s.names[0].clone());
        vv.insert(Ph::Last, s.names.last().expect("a period").clone());
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
                        vv.insert(Ph::Rules, self.rules_met(&last, &vv)?);
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
            x_labels: s.labels.clone(),
            series: vec![model::Series {
                label: label.clone(),
                ci: vec![None; s.periods.len()],
                missing: s
                    .suppressed
                    .iter()
                    .map(|h| if *h { "*" } else { "-" })
                    .collect(),
                points: values.clone(),
            }],
            references,
            percent: figure.kind == registry::Kind::Proportion,
            alt_text: alt,
            // a run chart judges nothing: no mean, limits or marks to key
            spc: (reading.chart != Chart::Run)
                .then(|| Box::new(Spc::of(&values, &reading, figure.better, words))),
        };
        Ok(vec![Block::LineChart(chart)])
    }
}
