//! The sections of the workforce reports, composed from the builder's figures and the
//! template's wording.

use crate::pdf::model::{Align, Bar, BarChart, Block, Section, Table, col, item};
use crate::report::compose::{self, section, table};
use crate::report::{ReportError, pct, pp};

use super::{Builder, Vars, chart_max, is_pct};
use crate::template::Ph;

impl Builder<'_> {
    /// Headline figures against the previous period, the baseline and their targets.
    pub(super) fn summary_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut rows = Vec::new();
        for (id, label) in &self.headlines {
            let id = id.as_str();
            let Some(m) = self.metrics.get(id, &[]) else {
                if self.is_unsupplied(id) {
                    let mut row = vec![label.to_string(), "not supplied".into()];
                    let width = if self.series.is_empty() { 6 } else { 8 };
                    row.resize(width, String::new());
                    rows.push(row);
                }
                continue;
            };
            let prev = self.previous.and_then(|p| p.metrics.get(id, &[]));
            let change = |other: Option<f64>| match (m.value, other) {
                (Some(a), Some(b)) if is_pct(m) && !self.hidden(m) => pp(a - b),
                (Some(a), Some(b)) if id == "wf.fte" => crate::report::change(a - b),
                (Some(a), Some(b)) if !self.hidden(m) => format!("{:+.0}", a - b),
                _ => "-".into(),
            };
            let prev_change = match prev {
                Some(p) if !self.primary_hidden(p) => change(p.value),
                _ => "-".into(),
            };
            let base = self.settings.baseline.values.get(id).copied();
            let base_change = match base {
                Some(b) => format!("{} (was {})", change(Some(b)), pct(b)),
                None => "-".into(),
            };
            // the target and its status in words, as every report gives them
            let is_share = is_pct(m);
            let [target, status] = self.against_target(id, Some(m), v, |x| {
                if is_share { pct(x) } else { format!("{x:.0}") }
            })?;
            let mut row = vec![
                label.to_string(),
                self.shown(Some(m), true),
                prev_change,
                base_change,
                target,
                status,
            ];
            if !self.series.is_empty() {
                row.extend(self.over_time(self.series, id, v)?);
            }
            rows.push(row);
        }
        let mut columns = vec![
            col("Figure", 3.2, Align::Left),
            col("Value (95 % CI)", 2.6, Align::Right),
            col(&t.summary.change_header.fill(v)?, 1.5, Align::Right),
            col(
                &format!("Change since {}", self.settings.baseline.label),
                2.0,
                Align::Right,
            ),
            col(&t.summary.target_header.fill(v)?, 1.4, Align::Right),
            col(&t.summary.status_header.fill(v)?, 0.9, Align::Left),
        ];
        let mut note = t.summary.rag_note.fill(v)?;
        if !self.series.is_empty() {
            columns.push(col(&t.summary.variation_header.fill(v)?, 1.2, Align::Left));
            columns.push(col(&t.summary.assurance_header.fill(v)?, 1.1, Align::Left));
            note = format!("{note} {}", t.summary.over_time_note.fill(v)?);
            // no series long enough to judge against its target: no empty column
            if rows.iter().all(|r| r[7].is_empty()) {
                columns.pop();
                rows.iter_mut().for_each(|r| {
                    r.pop();
                });
            } else {
                note = format!("{note} {}", t.summary.assurance_note.fill(v)?);
            }
        }
        let summary = Table {
            note: Some(note),
            ..table(columns, rows)
        };
        // The whole-time equivalent says how many records it left out for an fte out
        // of range (suppressed as every data-quality count is).
        let mut v = v.clone();
        let left_out = self
            .metrics
            .get("wf.fte", &[])
            .and_then(|m| m.left_out)
            .unwrap_or(0);
        let note = if left_out > 0 {
            let mut vv = v.clone();
            vv.insert(Ph::FteRows, self.d().show_count(left_out));
            t.summary.fte_left_out.fill(&vv)?
        } else {
            String::new()
        };
        v.insert(Ph::FteLeftOut, note);
        let v = &v;
        let mut blocks = vec![Block::Paragraph(t.summary.intro.fill(v)?)];
        if self.previous.is_none() {
            blocks.push(Block::Paragraph(t.summary.no_previous.fill(v)?));
        }
        blocks.push(item("headline_table", vec![Block::Table(summary)]));
        section(t, "summary", v, true, blocks)
    }

    /// The BME share of each band cluster against the overall share.
    pub(super) fn bme_cluster_chart(&self, v: &Vars) -> Result<BarChart, ReportError> {
        let t = &self.template;
        let overall = self.metrics.get("wf.bme_pct", &[]);
        let bars: Vec<Bar> = self
            .bme_by_cluster()
            .into_iter()
            .map(|(c, m)| {
                let total = m.denominator.unwrap_or(0);
                let staff = if self.staff_hidden(&[("band_cluster", c)]) {
                    "*".to_string()
                } else {
                    self.d().show_count(total)
                };
                let label = format!("{c} ({staff} staff)");
                let hidden = self.hidden(m);
                let m = &self.d().as_shown(m);
                if hidden {
                    Bar {
                        label,
                        value: None,
                        ci: None,
                        annotation: "* (small numbers)".into(),
                        tone: 0,
                    }
                } else {
                    Bar {
                        label,
                        value: m.value,
                        ci: m.ci_low.zip(m.ci_high),
                        annotation: m.value.map_or("none".into(), pct),
                        tone: 0,
                    }
                }
            })
            .collect();
        let reference = match overall.filter(|m| !self.hidden(m)).and_then(|m| m.value) {
            Some(x) => Some((x, t.representation.chart_reference.fill(v)?)),
            None => None,
        };
        let chart = BarChart {
            legend: Vec::new(),
            title: t.representation.chart_title.fill(v)?,
            axis_label: t.representation.chart_axis.fill(v)?,
            axis_max: chart_max(&bars, reference.as_ref()),
            bars,
            reference,
            percent: true,
            alt_text: t.representation.chart_alt.fill(v)?,
        };
        Ok(chart)
    }

    pub(super) fn partners_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        section(
            t,
            "partners",
            v,
            true,
            vec![
                Block::Paragraph(t.partners.intro.fill(v)?),
                item("partner_table", vec![Block::Table(self.partner_table(v)?)]),
            ],
        )
    }

    pub(super) fn training_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut blocks = vec![Block::Paragraph(t.training.intro.fill(v)?)];
        for ds in self
            .not_supplied
            .iter()
            .filter(|d| ["training", "mentoring"].contains(&d.as_str()))
        {
            let mut vv = v.clone();
            vv.insert(Ph::Dataset, ds.clone());
            blocks.push(Block::Paragraph(t.training.not_supplied.fill(&vv)?));
        }
        blocks.push(item(
            "training_table",
            vec![Block::Table(self.training_table())],
        ));
        section(t, "training", v, false, blocks)
    }

    pub(super) fn indicators_section(
        &self,
        v: &Vars,
        new_page: bool,
    ) -> Result<Section, ReportError> {
        let t = &self.template;
        section(
            t,
            "indicators",
            v,
            new_page,
            vec![
                Block::Paragraph(t.indicators.intro.fill(v)?),
                item(
                    "indicator_table",
                    vec![Block::Table(self.indicator_table(v)?)],
                ),
                Block::Paragraph(t.indicators.outside.fill(v)?),
            ],
        )
    }

    pub(super) fn methodology_section(&self, v: &Vars) -> Result<Section, ReportError> {
        compose::methodology_section(&self.template, self.settings, v)
    }

    pub(super) fn quality_section(&self, v: &Vars) -> Result<Section, ReportError> {
        section(&self.template, "quality", v, true, self.quality_blocks(v)?)
    }
}
