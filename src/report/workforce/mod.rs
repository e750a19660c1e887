//! The workforce reports: what `workforce-quarterly` and `workforce-annual` share
//! (gathering a period's figures, the sections both show, the CSV tables), with each
//! report's own composition in its module.

pub mod annual;
pub mod quarterly;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::{Disclosure, Settings};
use crate::data::quality::QualityReport;
use crate::data::query::{QueryError, collect, string_column};
use crate::data::session::DataSession;
use crate::disclosure::Cell;
use crate::metrics::{Metric, Metrics, run_metric_query};
use crate::pdf::model::{Align, Bar, BarChart, Block, Document, Section, Table, col, item};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::registry;
use crate::report::compose::{self, section, table, table_with_total};
use crate::report::{CsvTable, ReportError, drop_unsupplied, pct, pp, source_of};
use crate::template::Template;

/// Datasets the workforce reports read (and whose data quality they show).
pub const DATASETS: &[&str] = &[
    "staff_snapshot",
    "leavers",
    "recruitment",
    "training",
    "disciplinary",
    "mentoring",
];

/// The tables and charts a workforce section can show, by the names a template's `show`
/// list uses (the trend's charts are named by their metric ids).
pub fn shows(section: &str) -> Vec<String> {
    let names: Vec<&str> = match section {
        "summary" => vec!["headline_table"],
        "representation" => vec!["band_cluster_chart"],
        "trend" => annual::TRENDS.to_vec(),
        "wres1" => vec!["band_share_chart", "band_share_table"],
        "population" => vec!["population_table"],
        "indicators" => vec!["indicator_table"],
        "outside" => vec!["outside_table"],
        "training" => vec!["training_table"],
        "partners" => vec!["partner_table"],
        "partner_page" => vec!["figures_table"],
        "quality" => [
            crate::report::quality_page::SHOWS,
            &["ethnicity_unknown_table"],
        ]
        .concat(),
        _ => Vec::new(),
    };
    names.into_iter().map(String::from).collect()
}

/// The snapshot date a period reports, if any.
async fn snapshot_on_or_before(
    s: &DataSession,
    end: NaiveDate,
) -> Result<Option<NaiveDate>, QueryError> {
    let name = "workforce/snapshot_date.sql";
    let sql = queries::fill(
        name,
        queries::WORKFORCE_SNAPSHOT_DATE,
        &[("period_end", Param::Date(end))],
    )?;
    let batches = collect(
        &s.ctx,
        name,
        &format!("SELECT CAST(snapshot_date AS VARCHAR) FROM ({sql}) q"),
    )
    .await?;
    let v = batches
        .first()
        .map(|b| string_column(b, 0, name))
        .transpose()?;
    Ok(v.and_then(|c| c.into_iter().next().flatten())
        .and_then(|d| d.parse().ok()))
}

async fn snapshot_metrics(
    s: &DataSession,
    snapshot: NaiveDate,
    end: NaiveDate,
) -> Result<Metrics, QueryError> {
    let name = "workforce/snapshot.sql";
    let sql = queries::fill(
        name,
        queries::WORKFORCE_SNAPSHOT,
        &[
            ("snapshot_date", Param::Date(snapshot)),
            ("period_end", Param::Date(end)),
        ],
    )?;
    let mut m = run_metric_query(&s.ctx, name, &sql).await?;
    drop_unsupplied(&mut m, s);
    Ok(m)
}

/// The figures of one period at its snapshot, gathered the same way by both reports.
struct Gathered {
    snapshot: NaiveDate,
    metrics: Metrics,
    previous: Option<Previous>,
    not_supplied: Vec<String>,
}

/// The period before, for change figures: its snapshot figures only.
struct Previous {
    period: Period,
    snapshot: NaiveDate,
    metrics: Metrics,
}

/// The snapshot in the period, its figures and indicators, and the previous period's
/// snapshot figures if its data is present. `needs` says which snapshot is missing.
async fn gather(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    needs: &str,
) -> Result<Gathered, ReportError> {
    let snapshot = snapshot_in(s, period).await?.ok_or_else(|| {
        ReportError::NoData(format!(
            "dataset staff_snapshot has no snapshot dated in {} ({} to {}); {needs}",
            period.id, period.start, period.end
        ))
    })?;
    let mut metrics = snapshot_metrics(s, snapshot, period.end).await?;
    metrics.0.extend(
        crate::report::indicators::compute_indicators(s, settings, period, snapshot)
            .await?
            .0,
    );
    metrics.sort();
    let prev_period = period.previous();
    let previous = match snapshot_in(s, &prev_period).await? {
        Some(d) => Some(Previous {
            metrics: snapshot_metrics(s, d, prev_period.end).await?,
            period: prev_period,
            snapshot: d,
        }),
        None => None,
    };
    let not_supplied: Vec<String> = DATASETS
        .iter()
        .filter(|d| !s.is_supplied(d))
        .map(|d| d.to_string())
        .collect();
    Ok(Gathered {
        snapshot,
        metrics,
        previous,
        not_supplied,
    })
}

/// The latest snapshot dated inside a period, if any.
async fn snapshot_in(s: &DataSession, period: &Period) -> Result<Option<NaiveDate>, QueryError> {
    Ok(snapshot_on_or_before(s, period.end)
        .await?
        .filter(|d| *d >= period.start))
}

impl Gathered {
    /// Entries of `metrics.json` beside the figures: snapshot, previous period, gaps.
    fn extra(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut extra = serde_json::Map::new();
        extra.insert("snapshot_date".into(), self.snapshot.to_string().into());
        if let Some(p) = &self.previous {
            extra.insert(
                "previous_period".into(),
                serde_json::json!({
                    "id": p.period.id,
                    "snapshot_date": p.snapshot.to_string(),
                    "metrics": p.metrics,
                }),
            );
        }
        extra.insert("not_supplied".into(), serde_json::json!(self.not_supplied));
        extra
    }

    fn builder<'a>(
        &'a self,
        settings: &'a Settings,
        period: &'a Period,
        quality: &'a QualityReport,
        report: crate::catalog::ReportId,
    ) -> Result<Builder<'a>, ReportError> {
        let template = Template::load(report)?;
        let known: Vec<&str> = registry::ids().collect();
        let mut headlines = Vec::new();
        for id in template.figures("summary.figures", &known)? {
            let label = template.label(&id, &BTreeMap::new())?;
            headlines.push((id, label));
        }
        Ok(Builder {
            settings,
            period,
            snapshot: self.snapshot,
            metrics: &self.metrics,
            previous: self.previous.as_ref(),
            not_supplied: &self.not_supplied,
            quality,
            disclosure: settings.disclosure.clone(),
            template,
            headlines,
        })
    }
}

/// Template values by placeholder name.
type Vars = BTreeMap<&'static str, String>;

/// What composes a workforce document: the figures, settings and wording.
struct Builder<'a> {
    settings: &'a Settings,
    period: &'a Period,
    snapshot: NaiveDate,
    metrics: &'a Metrics,
    previous: Option<&'a Previous>,
    not_supplied: &'a [String],
    quality: &'a QualityReport,
    /// The disclosure rules this copy of the document follows (its audience's rounding).
    disclosure: Disclosure,
    template: Template,
    /// The summary's figures (the wording's `summary.figures`): (metric id, label).
    headlines: Vec<(String, String)>,
}

/// RAG status in words, so it reads without colour.
fn rag(value: f64, target: &crate::config::Target) -> &'static str {
    if value >= target.value - 1e-9 {
        "Green"
    } else if value >= target.value - target.amber_margin - 1e-9 {
        "Amber"
    } else {
        "Red"
    }
}

/// Proportions carry a denominator; value-only figures do not.
fn is_pct(m: &Metric) -> bool {
    m.denominator.is_some()
}

impl<'a> Builder<'a> {
    fn d(&self) -> &Disclosure {
        &self.disclosure
    }

    /// A figure as the PDF shows it, suppressed where disclosure control says.
    fn shown(&self, m: Option<&Metric>, with_ci: bool) -> String {
        let Some(m) = m else {
            return "not available".into();
        };
        match (m.numerator, m.denominator, m.value) {
            _ if self.hidden(m) => "*".into(),
            (Some(_), Some(_), None) => "none in group".into(),
            (Some(_), Some(_), Some(v)) => match (with_ci, m.ci_low, m.ci_high) {
                (true, Some(lo), Some(hi)) => format!("{} ({} to {})", pct(v), pct(lo), pct(hi)),
                _ => pct(v),
            },
            (_, _, Some(v)) if m.id == "wf.fte" => {
                // The whole-time equivalent of a handful of staff gives their number away.
                let by: Vec<(&str, &str)> =
                    m.by.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let staff = self.metrics.get("wf.headcount", &by).and_then(|h| h.value);
                if staff.is_some_and(|n| self.d().count_hidden(n.round() as u64)) {
                    "*".into()
                } else {
                    format!("{v:.1}")
                }
            }
            (_, _, Some(v)) => {
                let n = v.round() as u64;
                self.d().show_count(n)
            }
            _ => "not available".into(),
        }
    }

    fn vars(&self) -> Vars {
        let m = self.metrics;
        let base = &self.settings.baseline;
        let target = |id: &str| self.settings.targets.get(id).map(|t| t.value);
        let mut v = BTreeMap::new();
        v.insert(
            "snapshot_date",
            self.snapshot.format("%-d %B %Y").to_string(),
        );
        v.insert(
            "period_end",
            self.period.end.format("%-d %B %Y").to_string(),
        );
        v.insert(
            "period_noun",
            match self.period.kind {
                crate::period::PeriodKind::Quarter => "quarter",
                crate::period::PeriodKind::HalfYear => "half year",
                crate::period::PeriodKind::FinancialYear => "year",
            }
            .to_string(),
        );
        v.insert("period_label", self.period.short_label());
        v.insert("previous_label", self.period.previous().short_label());
        v.insert(
            "previous_end",
            self.period.previous().end.format("%-d %B %Y").to_string(),
        );
        v.insert("headcount", self.shown(m.get("wf.headcount", &[]), false));
        v.insert("fte", self.shown(m.get("wf.fte", &[]), false));
        v.insert("bme_pct", self.shown(m.get("wf.bme_pct", &[]), false));
        v.insert(
            "bme_band7_pct",
            self.shown(m.get("wf.bme_pct_band7plus", &[]), false),
        );
        v.insert("baseline_label", base.label.clone());
        let b = |k: &str| base.values.get(k).map_or("not set".into(), |x| pct(*x));
        v.insert("baseline_bme_pct", b("wf.bme_pct"));
        v.insert("baseline_bme_band7_pct", b("wf.bme_pct_band7plus"));
        v.insert("min_count", self.d().min_count.to_string());
        v.insert(
            "case_window",
            self.settings
                .workforce
                .disciplinary_window_months
                .to_string(),
        );
        v.insert(
            "min_count_less_one",
            self.d().min_count.saturating_sub(1).to_string(),
        );
        v.insert(
            "interpreters_target",
            target("train.interpreters_clinical_pct").map_or("none set".into(), pct),
        );
        v.insert(
            "cultural_target",
            target("train.cultural_competence_pct").map_or("none set".into(), pct),
        );
        v.insert(
            "mentoring_target",
            target("mentoring.bme_matched").map_or("none set".into(), |t| format!("{t:.0}")),
        );
        let lowest = self
            .bme_by_cluster()
            .into_iter()
            .filter(|(_, m)| m.value.is_some() && !self.hidden(m))
            .min_by(|a, b| a.1.value.partial_cmp(&b.1.value).unwrap())
            .map_or("no band cluster".to_string(), |(c, _)| c.to_string());
        v.insert("lowest_cluster", lowest);
        v
    }

    /// Whether a figure is missing because its dataset was not supplied.
    fn is_unsupplied(&self, id: &str) -> bool {
        source_of(id).is_some_and(|ds| self.not_supplied.iter().any(|n| n == ds))
    }

    fn hidden(&self, m: &Metric) -> bool {
        matches!((m.numerator, m.denominator), (Some(n), Some(d)) if self.d().proportion_hidden(n, d))
    }

    fn bme_by_cluster(&self) -> Vec<(&'static str, &'a Metric)> {
        crate::contract::BAND_CLUSTERS
            .iter()
            .filter_map(|c| {
                self.metrics
                    .get(
                        "wres1.band_share",
                        &[("band_cluster", c), ("wres_group", "BME")],
                    )
                    .map(|m| (*c, m))
            })
            .collect()
    }

    /// Headline figures against the previous period, the baseline and their targets.
    fn summary_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut rows = Vec::new();
        for (id, label) in &self.headlines {
            let id = id.as_str();
            let Some(m) = self.metrics.get(id, &[]) else {
                if self.is_unsupplied(id) {
                    rows.push(vec![
                        label.to_string(),
                        "not supplied".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
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
                Some(p) if !self.hidden(p) => change(p.value),
                _ => "-".into(),
            };
            let base = self.settings.baseline.values.get(id).copied();
            let base_change = match base {
                Some(b) => format!("{} (was {})", change(Some(b)), pct(b)),
                None => "-".into(),
            };
            let status = match (self.settings.targets.get(id), m.value) {
                (Some(tg), Some(val)) if !self.hidden(m) => {
                    let shown_target = if is_pct(m) {
                        pct(tg.value)
                    } else {
                        format!("{:.0}", tg.value)
                    };
                    format!("{} (target {shown_target})", rag(val, tg))
                }
                (Some(_), _) => "-".into(),
                (None, _) => "no target".into(),
            };
            rows.push(vec![
                label.to_string(),
                self.shown(Some(m), true),
                prev_change,
                base_change,
                status,
            ]);
        }
        let summary = Table {
            note: Some(t.text("summary.rag_note", v)?),
            ..table(
                vec![
                    col("Figure", 3.2, Align::Left),
                    col("Value (95 % CI)", 2.6, Align::Right),
                    col(&t.text("summary.change_header", v)?, 1.5, Align::Right),
                    col(
                        &format!("Change since {}", self.settings.baseline.label),
                        2.0,
                        Align::Right,
                    ),
                    col("RAG status", 1.8, Align::Left),
                ],
                rows,
            )
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
            vv.insert("fte_rows", self.d().show_count(left_out));
            t.text("summary.fte_left_out", &vv)?
        } else {
            String::new()
        };
        v.insert("fte_left_out", note);
        let v = &v;
        let mut blocks = vec![Block::Paragraph(t.text("summary.intro", v)?)];
        if self.previous.is_none() {
            blocks.push(Block::Paragraph(t.text("summary.no_previous", v)?));
        }
        blocks.push(item("headline_table", vec![Block::Table(summary)]));
        section(t, "summary", v, true, blocks)
    }

    /// The BME share of each band cluster against the overall share.
    fn bme_cluster_chart(&self, v: &Vars) -> Result<BarChart, ReportError> {
        let t = &self.template;
        let overall = self.metrics.get("wf.bme_pct", &[]);
        let bars: Vec<Bar> = self
            .bme_by_cluster()
            .into_iter()
            .map(|(c, m)| {
                let total = m.denominator.unwrap_or(0);
                let label = format!("{c} ({} staff)", self.d().show_count(total));
                if self.hidden(m) {
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
            Some(x) => Some((x, t.text("representation.chart_reference", v)?)),
            None => None,
        };
        let chart = BarChart {
            title: t.text("representation.chart_title", v)?,
            axis_label: t.text("representation.chart_axis", v)?,
            axis_max: chart_max(&bars, reference.as_ref()),
            bars,
            reference,
            percent: true,
            alt_text: t.text("representation.chart_alt", v)?,
        };
        Ok(chart)
    }

    fn partners_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        section(
            t,
            "partners",
            v,
            true,
            vec![
                Block::Paragraph(t.text("partners.intro", v)?),
                item("partner_table", vec![Block::Table(self.partner_table())]),
            ],
        )
    }

    fn training_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut blocks = vec![Block::Paragraph(t.text("training.intro", v)?)];
        for ds in self
            .not_supplied
            .iter()
            .filter(|d| ["training", "mentoring"].contains(&d.as_str()))
        {
            let mut vv = v.clone();
            vv.insert("dataset", ds.clone());
            blocks.push(Block::Paragraph(t.text("training.not_supplied", &vv)?));
        }
        blocks.push(item(
            "training_table",
            vec![Block::Table(self.training_table())],
        ));
        section(t, "training", v, false, blocks)
    }

    fn indicators_section(&self, v: &Vars, new_page: bool) -> Result<Section, ReportError> {
        let t = &self.template;
        section(
            t,
            "indicators",
            v,
            new_page,
            vec![
                Block::Paragraph(t.text("indicators.intro", v)?),
                item(
                    "indicator_table",
                    vec![Block::Table(self.indicator_table(v)?)],
                ),
                Block::Paragraph(t.text("indicators.outside", v)?),
            ],
        )
    }

    fn methodology_section(&self, v: &Vars) -> Result<Section, ReportError> {
        compose::paragraphs_section(&self.template, "methodology", v)
    }

    fn quality_section(&self, v: &Vars) -> Result<Section, ReportError> {
        section(&self.template, "quality", v, true, self.quality_blocks(v)?)
    }

    /// The document around its sections: title, cover and production date.
    fn document(
        &self,
        v: &Vars,
        sections: Vec<Section>,
        as_of: chrono::NaiveDate,
    ) -> Result<Document, ReportError> {
        compose::document(
            &self.template,
            v,
            self.settings,
            self.period,
            sections,
            as_of,
        )
    }

    /// Partners in configured order, then Unlisted if any rows carry it, then the total.
    fn partner_keys(&self) -> Vec<(String, String)> {
        let mut keys: Vec<(String, String)> = self
            .settings
            .partners
            .iter()
            .map(|p| (p.code.to_uppercase(), p.name.clone()))
            .collect();
        if self
            .metrics
            .get("wf.headcount", &[("partner_org", "Unlisted")])
            .is_some()
        {
            keys.push((
                "Unlisted".into(),
                "Unlisted partner code (see data quality)".into(),
            ));
        }
        keys
    }

    /// A column of partner proportions with primary and secondary suppression.
    fn partner_pct_column(&self, id: &str, keys: &[(String, String)]) -> Vec<String> {
        self.partner_column(id, keys, false)
    }

    /// Partner proportions, with their intervals when `with_ci`, suppressed as in
    /// [`Self::partner_pct_column`] so every page hides the same cells.
    fn partner_column(&self, id: &str, keys: &[(String, String)], with_ci: bool) -> Vec<String> {
        let ms: Vec<Option<&Metric>> = keys
            .iter()
            .map(|(k, _)| self.metrics.get(id, &[("partner_org", k)]))
            .collect();
        let cells: Vec<(u64, bool)> = ms
            .iter()
            .map(|m| match m {
                Some(m) => (m.numerator.unwrap_or(0), self.hidden(m)),
                None => (0, false),
            })
            .collect();
        let marks = self.d().secondary(&cells);
        ms.iter()
            .zip(marks)
            .map(|(m, mark)| match (m, mark) {
                (None, _) => "-".into(),
                (Some(_), Cell::Suppressed) => "*".into(),
                (Some(m), Cell::Shown) if m.value.is_none() => "-".into(),
                (Some(m), Cell::Shown) => self.shown(Some(m), with_ci),
            })
            .collect()
    }

    /// Each partner's headcount as shown, with primary and secondary suppression.
    fn partner_headcounts(&self, keys: &[(String, String)]) -> Vec<String> {
        let heads: Vec<Option<u64>> = keys
            .iter()
            .map(|(k, _)| {
                self.metrics
                    .get("wf.headcount", &[("partner_org", k)])
                    .and_then(|m| m.value)
                    .map(|v| v as u64)
            })
            .collect();
        let head_cells: Vec<(u64, bool)> = heads
            .iter()
            .map(|h| (h.unwrap_or(0), self.d().count_hidden(h.unwrap_or(0))))
            .collect();
        let marks = self.d().secondary(&head_cells);
        heads
            .iter()
            .zip(marks)
            .map(|(h, mark)| match (h, mark) {
                (None, _) => "0".into(),
                (Some(_), Cell::Suppressed) => "*".into(),
                (Some(h), Cell::Shown) => self.d().show_count(*h),
            })
            .collect()
    }

    fn partner_table(&self) -> Table {
        let keys = self.partner_keys();
        let staff = self.partner_headcounts(&keys);
        let ids = [
            "wf.bme_pct",
            "wf.bme_pct_band7plus",
            "wf.disability_pct",
            "wf.male_pct",
            "wf.ethnicity_unknown_pct",
        ];
        let cols: Vec<Vec<String>> = ids
            .iter()
            .map(|id| self.partner_pct_column(id, &keys))
            .collect();
        let mut rows = Vec::new();
        for (i, (code, name)) in keys.iter().enumerate() {
            let mut row = vec![format!("{name} ({code})"), staff[i].clone()];
            row.extend(cols.iter().map(|c| c[i].clone()));
            rows.push(row);
        }
        let mut total = vec![
            "All partners".to_string(),
            self.shown(self.metrics.get("wf.headcount", &[]), false),
        ];
        total.extend(
            ids.iter()
                .map(|id| self.shown(self.metrics.get(id, &[]), false)),
        );
        rows.push(total);
        Table {
            note: Some(
                "- : no staff of this partner in the snapshot. * : hidden by disclosure control."
                    .into(),
            ),
            ..table_with_total(
                vec![
                    col("Partner", 3.6, Align::Left),
                    col("Staff", 1.0, Align::Right),
                    col("BME", 1.0, Align::Right),
                    col("BME at Band 7+", 1.2, Align::Right),
                    col("Disability declared", 1.2, Align::Right),
                    col("Men", 1.0, Align::Right),
                    col("Ethnicity unknown", 1.2, Align::Right),
                ],
                rows,
            )
        }
    }

    fn training_table(&self) -> Table {
        let keys = self.partner_keys();
        let interp = self.partner_pct_column("train.interpreters_clinical_pct", &keys);
        let cult = self.partner_pct_column("train.cultural_competence_pct", &keys);
        let mut rows: Vec<Vec<String>> = keys
            .iter()
            .enumerate()
            .map(|(i, (code, name))| {
                let mentees = self
                    .metrics
                    .get("mentoring.bme_matched", &[("partner_org", code)])
                    .and_then(|m| m.value)
                    .map_or("-".into(), |v| self.d().show_count(v as u64));
                vec![
                    format!("{name} ({code})"),
                    interp[i].clone(),
                    cult[i].clone(),
                    mentees,
                ]
            })
            .collect();
        rows.push(vec![
            "All partners".into(),
            self.shown(
                self.metrics.get("train.interpreters_clinical_pct", &[]),
                true,
            ),
            self.shown(self.metrics.get("train.cultural_competence_pct", &[]), true),
            self.shown(self.metrics.get("mentoring.bme_matched", &[]), false),
        ]);
        table_with_total(
            vec![
                col("Partner", 3.2, Align::Left),
                col("Clinical staff trained: interpreters", 2.0, Align::Right),
                col("Staff trained: cultural competence", 2.0, Align::Right),
                col("BME mentees matched", 1.4, Align::Right),
            ],
            rows,
        )
    }

    /// A relative likelihood as the PDF shows it: value with interval and a reading in
    /// words, or why it is not shown.
    fn likelihood_cells(&self, m: &Metric, v: &Vars) -> Result<[String; 3], ReportError> {
        let t = &self.template;
        let d = self.d();
        let rates: Vec<String> = m
            .groups
            .iter()
            .map(|g| {
                let rate = if d.proportion_hidden(g.numerator, g.denominator) || g.denominator == 0
                {
                    "*".to_string()
                } else {
                    pct(g.numerator as f64 / g.denominator as f64)
                };
                format!(
                    "{}: {} of {} ({rate})",
                    group_label(&g.group),
                    d.show_count(g.numerator),
                    d.show_count(g.denominator)
                )
            })
            .collect();
        let hidden = m
            .groups
            .iter()
            .any(|g| d.proportion_hidden(g.numerator, g.denominator));
        let (shown, reading) = match m.value {
            // An empty group or no events is not a small number: say why there is no ratio.
            None => ("-".to_string(), t.text("indicators.not_computable", v)?),
            _ if hidden => ("*".to_string(), "Hidden: small numbers".to_string()),
            Some(r) => {
                let ci = match (m.ci_low, m.ci_high) {
                    (Some(lo), Some(hi)) => format!(" ({lo:.2} to {hi:.2})"),
                    _ => String::new(),
                };
                let mut vv = v.clone();
                vv.insert("first", group_label(&m.groups[0].group).to_string());
                vv.insert("second", group_label(&m.groups[1].group).to_string());
                vv.insert("ratio", format!("{r:.2}"));
                let mut reading = if (0.8..=1.25).contains(&r) {
                    t.text("indicators.no_adverse", &vv)?
                } else if r > 1.25 {
                    t.text("indicators.higher", &vv)?
                } else {
                    t.text("indicators.lower", &vv)?
                };
                let includes_one =
                    matches!((m.ci_low, m.ci_high), (Some(lo), Some(hi)) if lo <= 1.0 && hi >= 1.0);
                if includes_one && !(0.8..=1.25).contains(&r) {
                    vv.insert("reading", reading);
                    reading = t.text("indicators.chance", &vv)?;
                }
                (format!("{r:.2}{ci}"), reading)
            }
        };
        Ok([rates.join("; "), shown, reading])
    }

    fn indicator_table(&self, v: &Vars) -> Result<Table, ReportError> {
        let t = &self.template;
        let mut rows = Vec::new();
        for (id, key) in [
            ("wres2.relative_likelihood", "indicators.wres2"),
            ("wres3.relative_likelihood", "indicators.wres3"),
            ("wres4.relative_likelihood", "indicators.wres4"),
            ("wdes2.relative_likelihood", "indicators.wdes2"),
        ] {
            let label = t.text(key, v)?;
            match self.metrics.get(id, &[]) {
                Some(m) => {
                    let [rates, shown, reading] = self.likelihood_cells(m, v)?;
                    rows.push(vec![label, rates, shown, reading]);
                }
                None => rows.push(vec![
                    label,
                    format!("{} not supplied", source_of(id).unwrap_or("data")),
                    "-".into(),
                    String::new(),
                ]),
            }
        }
        let board = self.metrics.get("wres9.board_bme_pct", &[]);
        rows.push(vec![
            t.text("indicators.wres9", v)?,
            board.map_or("no board members recorded".into(), |m| {
                format!(
                    "{} of {}",
                    self.d().show_count(m.numerator.unwrap_or(0)),
                    self.d().show_count(m.denominator.unwrap_or(0))
                )
            }),
            self.shown(board, true),
            String::new(),
        ]);
        let turnover =
            |by: &[(&str, &str)]| self.shown(self.metrics.get("wf.turnover_pct", by), false);
        rows.push(vec![
            t.text("indicators.turnover", v)?,
            format!(
                "White: {}; BME: {}; disabled: {}; not disabled: {}",
                turnover(&[("wres_group", "White")]),
                turnover(&[("wres_group", "BME")]),
                turnover(&[("disability", "Y")]),
                turnover(&[("disability", "N")]),
            ),
            if self.metrics.get("wf.turnover_pct", &[]).is_some() {
                turnover(&[])
            } else {
                "leavers not supplied".into()
            },
            String::new(),
        ]);
        Ok(table(
            vec![
                col("Indicator", 3.0, Align::Left),
                col("Groups compared", 3.0, Align::Left),
                col("Relative likelihood or share (95 % CI)", 1.8, Align::Right),
                col("Reading", 2.2, Align::Left),
            ],
            rows,
        ))
    }

    fn quality_blocks(&self, v: &Vars) -> Result<Vec<Block>, ReportError> {
        let t = &self.template;
        let d = self.d();
        let mut blocks = vec![Block::Paragraph(t.text("quality.intro", v)?)];
        blocks.extend(crate::report::quality_page::rows_and_problems(
            self.quality,
            DATASETS,
            self.not_supplied,
            d,
            t,
            v,
        )?);
        let heading = Block::Subheading(t.text("quality.ethnicity_heading", v)?);
        let keys = self.partner_keys();
        let col_unknown = self.partner_pct_column("wf.ethnicity_unknown_pct", &keys);
        let mut rows: Vec<Vec<String>> = keys
            .iter()
            .zip(col_unknown)
            .map(|((code, name), c)| vec![format!("{name} ({code})"), c])
            .collect();
        rows.push(vec![
            "All partners".into(),
            self.shown(self.metrics.get("wf.ethnicity_unknown_pct", &[]), true),
        ]);
        let table = Block::Table(table_with_total(
            vec![
                col("Partner", 3.0, Align::Left),
                col("Ethnicity not stated or not known", 2.0, Align::Right),
            ],
            rows,
        ));
        blocks.push(item("ethnicity_unknown_table", vec![heading, table]));
        Ok(blocks)
    }

    fn tables(&self) -> Vec<CsvTable> {
        let mut out = Vec::new();
        let val = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
        let mut summary = CsvTable::new(
            "summary",
            &[
                "metric",
                "label",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
                "previous_value",
                "baseline",
                "target",
                "rag",
            ],
        );
        for (id, label) in &self.headlines {
            let id = id.as_str();
            let Some(m) = self.metrics.get(id, &[]) else {
                continue;
            };
            let prev = self
                .previous
                .and_then(|p| p.metrics.get(id, &[]))
                .and_then(|p| p.value);
            let target = self.settings.targets.get(id);
            let mut row = vec![id.to_string(), label.to_string()];
            row.extend(figure_cells(m));
            row.extend([
                val(prev),
                val(self.settings.baseline.values.get(id).copied()),
                val(target.map(|t| t.value)),
                match (target, m.value) {
                    (Some(t), Some(v)) => rag(v, t).into(),
                    _ => String::new(),
                },
            ]);
            summary.rows.push(row);
        }
        out.push(summary);
        let mut partners = CsvTable::new(
            "by_partner",
            &[
                "metric",
                "partner_org",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
            ],
        );
        for m in self
            .metrics
            .0
            .iter()
            .filter(|m| m.by.len() == 1 && m.by.contains_key("partner_org"))
        {
            let mut row = vec![m.id.clone(), m.by["partner_org"].clone()];
            row.extend(figure_cells(m));
            partners.rows.push(row);
        }
        out.push(partners);
        let mut bands = CsvTable::new(
            "band_share",
            &[
                "band_cluster",
                "wres_group",
                "staff",
                "cluster_total",
                "share",
                "ci_low",
                "ci_high",
            ],
        );
        for m in self
            .metrics
            .0
            .iter()
            .filter(|m| m.id == "wres1.band_share" && m.by.len() == 2)
        {
            let mut row = vec![m.by["band_cluster"].clone(), m.by["wres_group"].clone()];
            row.extend(figure_cells(m));
            bands.rows.push(row);
        }
        out.push(bands);
        out.extend(crate::report::quality_page::csv_tables(self.quality));
        out
    }
}

/// Numerator, denominator, value and interval of a figure as CSV cells.
fn figure_cells(m: &Metric) -> [String; 5] {
    let num = |x: Option<u64>| x.map_or(String::new(), |v| v.to_string());
    let val = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    [
        num(m.numerator),
        num(m.denominator),
        val(m.value),
        val(m.ci_low),
        val(m.ci_high),
    ]
}

/// How a group code reads in a sentence.
fn group_label(code: &str) -> &str {
    match code {
        "N" => "Non-disabled",
        "Y" => "Disabled",
        other => other,
    }
}

/// Axis end: the next multiple of 20 % at or above the largest interval end, so bars
/// are not squashed and the quarter ticks fall on round percentages.
fn chart_max(bars: &[Bar], reference: Option<&(f64, String)>) -> f64 {
    let top = bars
        .iter()
        .filter_map(|b| b.ci.map(|x| x.1).or(b.value))
        .chain(reference.map(|r| r.0))
        .fold(0.0f64, f64::max);
    ((top * 5.0).ceil() / 5.0).clamp(0.2, 1.0)
}
