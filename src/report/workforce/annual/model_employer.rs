//! The model-employer page of the annual workforce report: each senior band's BME
//! share (`wf.model_employer`) against this year's step on the straight line from the
//! band's baseline to the goal (settings `workforce.model_employer`), how many more BME
//! staff the band would need, and a chart per band of its quarters against the line.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::config::{MODEL_EMPLOYER_BANDS, Settings};
use crate::metrics::{Metric, Metrics};
use crate::pdf::model::{Block, LineChart, Section, Series, item};
use crate::report::compose::section;
use crate::report::workforce::Vars;
use crate::report::{ReportError, pct};
use crate::template::Ph;
use crate::template::wording::band_words;

use super::Annual;

/// How many more BME staff a band of `staff` with `bme` of them needs to reach
/// `aspiration` (0 where it does).
pub(super) fn needed(bme: u64, staff: u64, aspiration: f64) -> u64 {
    // (a hair under, so a share that is exactly the step counts as reaching it)
    let wanted = (aspiration * staff as f64 - 1e-9).ceil().max(0.0) as u64;
    wanted.saturating_sub(bme)
}

/// For metrics.json: each senior band's figure at the snapshot with its baseline, this
/// year's step, the goal and the staff it would need (unsuppressed, as the rest).
pub(super) fn to_json(settings: &Settings, metrics: &Metrics, snapshot: NaiveDate) -> Value {
    let me = &settings.workforce.model_employer;
    let bands: Vec<Value> = MODEL_EMPLOYER_BANDS
        .iter()
        .filter_map(|band| {
            let m = metrics.get("wf.model_employer", &[("afc_band", band)])?;
            let aspiration = me.aspiration(band, snapshot, &settings.baseline)?;
            let (bme, staff) = (m.numerator?, m.denominator?);
            let r = crate::metrics::round4;
            Some(json!({
                "afc_band": band,
                "bme_staff": bme,
                "staff": staff,
                "share": m.value.map(r),
                "baseline": me.baseline.get(*band).copied().map(r),
                "aspiration": r(aspiration),
                "needed": needed(bme, staff, aspiration),
            }))
        })
        .collect();
    json!({
        "baseline_date": me.baseline_date.to_string(),
        "goal": me.goal(&settings.baseline).map(crate::metrics::round4),
        "goal_date": me.goal_date.to_string(),
        "bands": bands,
    })
}

/// The bands of `to_json` as the CSV `model_employer` gives them.
pub(super) fn csv(json: &Value) -> crate::output::CsvTable {
    let cols = [
        "afc_band",
        "bme_staff",
        "staff",
        "share",
        "baseline",
        "aspiration",
        "needed",
    ];
    let mut out = crate::output::CsvTable::new("model_employer", &cols);
    for band in json["bands"].as_array().into_iter().flatten() {
        out.rows.push(
            cols.iter()
                .map(|c| match &band[*c] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    v => v.to_string(),
                })
                .collect(),
        );
    }
    out
}

impl Annual<'_> {
    pub(super) fn model_employer_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let w = t.need(&t.model_employer, "model_employer")?;
        let me = &b.settings.workforce.model_employer;
        let mut vv = v.clone();
        vv.insert(
            Ph::Target,
            me.goal(&b.settings.baseline).map_or("-".into(), pct),
        );
        vv.insert(Ph::Last, me.goal_date.format("%-d %B %Y").to_string());
        let mut blocks = vec![Block::Paragraph(w.intro.fill(&vv)?)];
        let mut sentences = Vec::new();
        let mut charts = Vec::new();
        for band in MODEL_EMPLOYER_BANDS {
            let Some(m) = b.metrics.get("wf.model_employer", &[("afc_band", band)]) else {
                continue;
            };
            let Some(step) = me.aspiration(band, b.snapshot, &b.settings.baseline) else {
                continue;
            };
            let mut bv = vv.clone();
            bv.insert(Ph::Label, band_words(&t.codes, band));
            bv.insert(Ph::Value, pct(step));
            sentences.push(self.band_sentence(m, step, w, &mut bv)?);
            charts.extend(self.band_chart(band, w, &bv)?);
        }
        if sentences.is_empty() {
            blocks.push(Block::Paragraph(w.no_bands.fill(v)?));
        } else {
            blocks.push(Block::List(sentences));
            blocks.push(item("model_employer_charts", charts));
        }
        section(t, "model_employer", v, true, blocks)
    }

    /// "Band 8b: 12.0% BME against this year's step of 15.2%: 1 more BME member of
    /// staff would reach it", or that it meets the step; nothing of its counts where
    /// the plan hides them (the shortfall would give them away).
    fn band_sentence(
        &self,
        m: &Metric,
        step: f64,
        w: &crate::template::wording::ModelEmployerWords,
        bv: &mut Vars,
    ) -> Result<String, ReportError> {
        let b = &self.b;
        if b.hidden(m) {
            return Ok(w.hidden.fill(bv)?);
        }
        let shown = b.d().as_shown(m);
        let (Some(bme), Some(staff), Some(share)) =
            (shown.numerator, shown.denominator, shown.value)
        else {
            return Ok(w.hidden.fill(bv)?);
        };
        bv.insert(Ph::Share, pct(share));
        let short = needed(bme, staff, step);
        Ok(if short == 0 {
            w.meets.fill(bv)?
        } else {
            bv.insert(Ph::Count, short.to_string());
            w.short.fill(bv)?
        })
    }

    /// A band's BME share at each quarter end of the year against the line's step at
    /// each: the year-end by the run's plan, the earlier quarters judged alone, as the
    /// trend charts judge them. None where no quarter's share can be shown: its
    /// sentence says why.
    fn band_chart(
        &self,
        band: &str,
        w: &crate::template::wording::ModelEmployerWords,
        bv: &Vars,
    ) -> Result<Option<Block>, ReportError> {
        let b = &self.b;
        let me = &b.settings.workforce.model_employer;
        let mut actual = Vec::new();
        let mut ci = Vec::new();
        let mut missing = Vec::new();
        let mut steps = Vec::new();
        for q in self.quarters {
            let date = q.snapshot_date.as_deref().and_then(|d| d.parse().ok());
            let m = q
                .metrics
                .as_ref()
                .and_then(|m| m.get("wf.model_employer", &[("afc_band", band)]));
            let hidden = |m: &Metric| {
                if date == Some(b.snapshot) {
                    b.hidden(m)
                } else {
                    b.primary_hidden(m)
                }
            };
            let shown = m.filter(|m| !hidden(m)).map(|m| b.d().as_shown(m));
            actual.push(shown.as_ref().and_then(|m| m.value));
            ci.push(shown.as_ref().and_then(|m| m.ci_low.zip(m.ci_high)));
            missing.push(if m.is_some_and(hidden) { "*" } else { "-" });
            steps.push(date.and_then(|d| me.aspiration(band, d, &b.settings.baseline)));
        }
        if actual.iter().all(Option::is_none) {
            return Ok(None);
        }
        let n = self.quarters.len();
        let chart = LineChart {
            title: w.chart_title.fill(bv)?,
            axis_label: w.chart_axis.fill(bv)?,
            x_labels: self.quarters.iter().map(|q| q.label.clone()).collect(),
            series: vec![
                Series {
                    label: w.actual.fill(bv)?,
                    points: actual,
                    ci,
                    missing,
                },
                Series {
                    label: w.step.fill(bv)?,
                    points: steps,
                    ci: vec![None; n],
                    missing: vec!["-"; n],
                },
            ],
            references: vec![],
            percent: true,
            alt_text: w.chart_alt.fill(bv)?,
            spc: None,
        };
        Ok(Some(Block::LineChart(chart)))
    }
}

#[cfg(test)]
mod tests {
    use super::needed;

    #[test]
    fn a_band_needs_the_staff_that_bring_its_share_to_the_step() {
        // 3 of 25 BME against 15.2 %: 3.8 wanted, so 4, one more
        assert_eq!(needed(3, 25, 0.152), 1);
        // exactly the step: none
        assert_eq!(needed(5, 25, 0.2), 0);
        assert_eq!(needed(9, 25, 0.2), 0);
        assert_eq!(needed(0, 7, 0.15), 2);
    }
}
