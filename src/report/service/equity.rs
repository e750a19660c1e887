//! `equity-annual`: access, uptake, engagement, outcomes and waiting times for every
//! protected characteristic over a financial year, priority groups first, with the
//! deprivation gradient and ethnic group by sex.

use chrono::NaiveDate;

use super::{
    Builder, DIMENSIONS, Kind, Shown, Vars, dimension_table, display_kind,
    ethnicity_unknown_by_partner, extra, gather, group_label, referral_sources,
};
use crate::catalog::ReportId;
use crate::config::Settings;
use crate::data::quality::QualityReport;
use crate::data::session::DataSession;
use crate::disclosure::record::Record;
use crate::metrics::Metrics;
use crate::pdf::model::{Align, Block, LineChart, Section, Series, Table, col, item};
use crate::period::Period;
use crate::registry;
use crate::report::compose::{documents, section, table, table_with_total};
use crate::report::{Computed, ReportError, pct};
use crate::standards::{Rag, Targets, rag_of};
use crate::template::Ph;

pub const REPORT: ReportId = ReportId::EquityAnnual;

/// The sections of breakdown tables after access, by template key: each lists its
/// columns at `<key>.figures` and the figure compared at `<key>.compare`.
const THEMES: &[&str] = &[
    "engagement",
    "outcomes",
    "waits",
    "hidden_waits",
    "characteristics",
];

/// Compute the report's figures and tables and compose its document.
pub async fn compute(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    as_of: NaiveDate,
    quality: QualityReport,
    earlier: &[Record],
) -> Result<Computed, ReportError> {
    let mut g = gather(s, settings, period, as_of).await?;
    // the deprivation gradients, from the deciles' (or quintiles') figures
    let gradients = super::gradient::metrics(&g.metrics, &settings.disclosure);
    g.metrics.0.extend(gradients);
    g.metrics.sort();
    let unknown = ethnicity_unknown_by_partner(s, period).await?;
    let sources = referral_sources(s, period).await?;
    // the sources table is an access-biannual page (here only a CSV)
    let shown = Shown {
        sources: Vec::new(),
        unknown: unknown.clone(),
        earlier: earlier.to_vec(),
    };
    let mut b = Builder::new(s, &g, settings, period, &quality, REPORT, &shown)?;
    let (document, variants) =
        documents::<crate::template::ServiceWording>(settings, REPORT, |d| {
            b.disclosure = d.clone();
            compose(&b, &unknown, as_of)
        })?;
    let record = b.plan.record().clone();
    let tables = b.tables(&sources, &unknown);
    let mut extra = extra(&g, &unknown, settings);
    extra.insert(
        "priority_group_standards".into(),
        priority_standards_json(settings, &g.metrics, &b.values("priority_group")),
    );
    extra.insert("funnels".into(), super::funnel::to_json(&g.metrics));
    Ok(Computed {
        extra,
        tables,
        document,
        variants,
        metrics: g.metrics,
        quality,
        disclosure: Some(record),
    })
}

/// The document under the builder's disclosure rules.
fn compose(
    b: &Builder,
    unknown: &[(String, u64, u64)],
    as_of: NaiveDate,
) -> Result<crate::pdf::model::Document, ReportError> {
    let v = b.vars();
    let mut sections = vec![b.key_messages(&v)?, b.summary_section(&v)?];
    sections.extend(b.change_section(b.series, &v, &super::plain_of)?);
    sections.extend(b.gaps_section(&v)?);
    sections.push(b.priority_section(&v)?);
    sections.push(b.access_section(&v)?);
    let t = &b.template;
    for key in THEMES {
        let theme = t
            .columns(key)
            .ok_or_else(|| crate::template::TemplateError::Invalid {
                file: t.own_file().into(),
                message: format!("missing table [{key}]"),
            })?;
        let mut blocks = vec![Block::Paragraph(theme.intro.fill(&v)?)];
        let dims = if *key == "characteristics" {
            super::CHARACTERISTICS
        } else {
            DIMENSIONS
        };
        for dim in dims {
            let heading = t.breakdown(dim)?.fill(&v)?;
            let table = b.section_table(key, dim)?;
            blocks.push(item(
                &dimension_table(dim),
                vec![Block::Subheading(heading), Block::Table(table)],
            ));
        }
        sections.push(section(t, key, &v, true, blocks)?);
    }
    sections.push(b.funnel_section(&v)?);
    sections.push(b.deprivation_section(&v)?);
    sections.push(b.ethnic_sex_section(&v)?);
    sections.push(b.methodology_section(&v)?);
    sections.push(b.quality_section(&v, unknown)?);
    b.document(&v, sections, as_of)
}

impl Builder<'_> {
    /// Each priority group's figures beside the service's, with the gap in words.
    fn priority_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let p = t.need(&t.priority, "priority")?;
        let figures: Vec<(String, Kind)> = p
            .figures
            .iter()
            .map(|id| (id.clone(), display_kind(id)))
            .collect();
        let mut blocks = vec![Block::Paragraph(p.intro.fill(v)?)];
        let mut rows = Vec::new();
        for x in self.values("priority_group") {
            let by = [("priority_group", x.as_str())];
            let referrals = self.metrics.get("tt.referrals", &by);
            let mut row = vec![x.clone(), self.shown(referrals, Kind::Count, false)];
            for (id, kind) in &figures {
                row.push(self.shown(self.metrics.get(id, &by), *kind, true));
            }
            rows.push(row);
            blocks.push(Block::Paragraph(self.priority_sentence(&x)?));
        }
        let mut service = vec![
            "Service".to_string(),
            self.shown(self.metrics.get("tt.referrals", &[]), Kind::Count, false),
        ];
        for (id, kind) in &figures {
            // a ratio to the service's own share is 1 for the service
            service.push(if *kind == Kind::Ratio {
                "1.00".into()
            } else {
                self.shown(self.metrics.get(id, &[]), *kind, true)
            });
        }
        rows.push(service);
        let mut columns = vec![
            col("Priority group", 1.6, Align::Left),
            col(&t.heading("tt.referrals")?.fill(v)?, 1.0, Align::Right),
        ];
        for (id, _) in &figures {
            columns.push(col(&t.heading(id)?.fill(v)?, 1.8, Align::Right));
        }
        blocks.insert(
            1,
            item(
                "priority_table",
                vec![Block::Table(Table {
                    note: Some(t.need(&t.priority, "priority")?.note.fill(v)?),
                    ..table_with_total(columns, rows)
                })],
            ),
        );
        let standards = self.priority_standards(v)?;
        blocks.insert(2, item("priority_standards_table", standards));
        // the ethnicity recovery gap, in words and by partner
        blocks.push(self.ethnicity_gap_table(v)?);
        section(t, "priority", v, true, blocks)
    }

    /// Each priority group against every standard the service as a whole meets: the
    /// Health Equity Action Plan's question, are some groups left behind?
    fn priority_standards(&self, v: &Vars) -> Result<Vec<Block>, ReportError> {
        let t = &self.template;
        let met: Vec<&str> = standards_met(&self.settings.targets, self.metrics)
            .into_iter()
            .filter(|id| self.metrics.get(id, &[]).is_some_and(|m| !self.hidden(m)))
            .collect();
        let mut blocks = vec![Block::Subheading(
            t.need(&t.priority, "priority")?.standards_heading.fill(v)?,
        )];
        if met.is_empty() {
            blocks.push(Block::Paragraph(
                t.need(&t.priority, "priority")?.standards_none.fill(v)?,
            ));
            return Ok(blocks);
        }
        blocks.push(Block::Paragraph(
            t.need(&t.priority, "priority")?.standards_intro.fill(v)?,
        ));
        let mut columns = vec![col("Priority group", 1.6, Align::Left)];
        for id in &met {
            let mut vv = v.clone();
            vv.insert(Ph::Label, t.label(id)?.fill(v)?);
            vv.insert(
                Ph::Target,
                self.target_words(id, v, |x| super::sections::plain(x, display_kind(id)))?
                    .unwrap_or_default(),
            );
            columns.push(col(
                &t.need(&t.priority, "priority")?.standard_header.fill(&vv)?,
                1.8,
                Align::Left,
            ));
        }
        let mut rows = Vec::new();
        for x in self.values("priority_group") {
            let mut row = vec![x.clone()];
            for id in &met {
                let m = self.metrics.get(id, &[("priority_group", x.as_str())]);
                row.push(match m {
                    Some(m) if self.hidden(m) => "*".into(),
                    Some(m) => match m.value {
                        Some(value) => {
                            let mut vv = v.clone();
                            vv.insert(Ph::Value, pct(value));
                            let p = t.need(&t.priority, "priority")?;
                            let words = if meets(&self.settings.targets, id, value) {
                                &p.meets
                            } else {
                                &p.misses
                            };
                            words.fill(&vv)?
                        }
                        None => "-".into(),
                    },
                    None => "-".into(),
                });
            }
            rows.push(row);
        }
        blocks.push(Block::Table(Table {
            note: Some(t.need(&t.priority, "priority")?.standards_note.fill(v)?),
            ..table(columns, rows)
        }));
        Ok(blocks)
    }

    /// "Pakistani: recovery 41.2% against 49.0% for the service, 7.8 points lower; the
    /// interval (...) lies below the service's figure, so the gap is unlikely to be chance."
    fn priority_sentence(&self, group: &str) -> Result<String, ReportError> {
        let t = &self.template;
        let by = [("priority_group", group)];
        let mut vv = Vars::new();
        vv.insert(Ph::Group, group.to_string());
        let ratio = self.metrics.get("tt.representation_ratio", &by);
        let p = t.need(&t.priority, "priority")?;
        let reading = match ratio.and_then(|m| self.compared(m, Some(1.0))) {
            Some(std::cmp::Ordering::Less) => Some(&p.under),
            Some(std::cmp::Ordering::Greater) => Some(&p.over),
            Some(std::cmp::Ordering::Equal) => Some(&p.in_line),
            None if ratio.is_some_and(|m| self.hidden(m)) => Some(&p.hidden),
            None => None,
        };
        let ratio_sentence = match (ratio.filter(|m| m.value.is_some()), reading) {
            (Some(m), Some(words)) => {
                vv.insert(Ph::Ratio, self.shown(Some(m), Kind::Ratio, true));
                vv.insert(Ph::RatioReading, words.fill(&vv)?);
                p.ratio.fill(&vv)?
            }
            _ => p.no_population.fill(&vv)?,
        };
        vv.insert(Ph::RatioSentence, ratio_sentence);
        let rec = self.metrics.get("tt.recovery_pct", &by);
        let service = self
            .metrics
            .get("tt.recovery_pct", &[])
            .filter(|m| !self.hidden(m));
        let recovery = match (rec, service.and_then(|m| m.value)) {
            (Some(m), Some(sv)) if !self.hidden(m) && m.value.is_some() => {
                let gv = m.value.unwrap_or_default();
                vv.insert(Ph::Recovery, self.shown(Some(m), Kind::Pct, true));
                vv.insert(Ph::ServiceRecovery, pct(sv));
                vv.insert(Ph::Gap, format!("{:.1}", ((gv - sv) * 100.0).abs()));
                vv.insert(
                    Ph::Direction,
                    if gv < sv {
                        "lower".into()
                    } else {
                        "higher".into()
                    },
                );
                vv.insert(
                    Ph::Significance,
                    self.reading(Some(m), Some(sv))?.to_lowercase(),
                );
                t.need(&t.priority, "priority")?.recovery.fill(&vv)?
            }
            _ => t.need(&t.priority, "priority")?.recovery_hidden.fill(&vv)?,
        };
        vv.insert(Ph::RecoverySentence, recovery);
        Ok(t.need(&t.priority, "priority")?.sentence.fill(&vv)?)
    }

    /// Access and recovery by deprivation quintile, most deprived first.
    fn deprivation_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let quintiles = ["1", "2", "3", "4", "5"];
        let x_labels: Vec<String> = quintiles
            .iter()
            .map(|q| group_label(&self.template.codes, "imd_quintile", q))
            .collect();
        let dep = t.need(&t.deprivation, "deprivation")?;
        let mut blocks = vec![Block::Paragraph(dep.intro.fill(v)?)];
        blocks.extend(self.gradient_words(v)?);
        // (figure, its chart's title, axis and description, percent?, chart name)
        for (id, [title, axis, alt], percent, name) in [
            (
                "tt.access_rate_per_1000",
                [&dep.access_title, &dep.access_axis, &dep.access_alt],
                false,
                "access_chart",
            ),
            (
                "tt.recovery_pct",
                [&dep.recovery_title, &dep.recovery_axis, &dep.recovery_alt],
                true,
                "recovery_chart",
            ),
        ] {
            let ms: Vec<_> = quintiles
                .iter()
                .map(|q| {
                    self.metrics
                        .get(id, &[("imd_quintile", q)])
                        .filter(|m| !self.hidden(m) && m.value.is_some())
                        .map(|m| self.d().as_shown(m))
                })
                .collect();
            // the service's line is a figure too: hidden when its counts are small
            let overall = self
                .metrics
                .get(id, &[])
                .filter(|m| !self.hidden(m))
                .and_then(|m| self.d().as_shown(m).value);
            let shown = |x: f64| if percent { pct(x) } else { format!("{x:.1}") };
            let mut vv = v.clone();
            vv.insert(
                Ph::First,
                ms[0]
                    .as_ref()
                    .and_then(|m| m.value)
                    .map_or("hidden".into(), shown),
            );
            vv.insert(
                Ph::Last,
                ms[4]
                    .as_ref()
                    .and_then(|m| m.value)
                    .map_or("hidden".into(), shown),
            );
            vv.insert(Ph::Overall, overall.map_or("-".into(), shown));
            let mut references: Vec<(f64, String)> = overall
                .map(|o| vec![(o, format!("Service {}", shown(o)))])
                .unwrap_or_default();
            let mut alt_text = alt.fill(&vv)?;
            // England's published figure, where an analyst entered one
            if let Some(c) = self.settings.comparators.england.get(id) {
                references.push((c.value, format!("England {}", shown(c.value))));
                vv.insert(Ph::England, shown(c.value));
                vv.insert(Ph::EnglandPeriod, c.period.clone());
                alt_text = format!("{alt_text} {}", dep.england_alt.fill(&vv)?);
            }
            // the figure's target (the national standard, unless the partnership sets
            // its own) inside the axis, so a reader sees how far every quintile falls
            if let Some((_, t)) = crate::standards::target_of(&self.settings.targets, id) {
                references.push((t.value, format!("Target {}", shown(t.value))));
                vv.insert(Ph::Target, shown(t.value));
                alt_text = format!("{alt_text} {}", dep.target_alt.fill(&vv)?);
            }
            let chart = Block::LineChart(LineChart {
                title: title.fill(&vv)?,
                axis_label: axis.fill(&vv)?,
                x_labels: x_labels.clone(),
                series: vec![Series {
                    label: "Service".into(),
                    points: ms
                        .iter()
                        .map(|m| m.as_ref().and_then(|m| m.value))
                        .collect(),
                    ci: ms
                        .iter()
                        .map(|m| m.as_ref().and_then(|m| m.ci_low.zip(m.ci_high)))
                        .collect(),
                    missing: quintiles
                        .iter()
                        .map(|q| match self.metrics.get(id, &[("imd_quintile", q)]) {
                            Some(m) if self.hidden(m) => "*",
                            _ => "-",
                        })
                        .collect(),
                }],
                references,
                percent,
                alt_text,
                spc: None,
            });
            blocks.push(item(name, vec![chart]));
        }
        section(t, "deprivation", v, true, blocks)
    }

    /// Referrals and recovery by ethnic group and sex, with two-way suppression.
    fn ethnic_sex_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let d = self.d();
        let groups = crate::contract::ETHNIC_GROUPS;
        let sexes = ["1", "2"];
        let get =
            |id: &str, g: &str, s: &str| self.metrics.get(id, &[("ethnic_group", g), ("sex", s)]);
        let grid: Vec<Vec<u64>> = groups
            .iter()
            .map(|g| {
                sexes
                    .iter()
                    .map(|s| {
                        get("tt.referrals", g, s)
                            .and_then(|m| m.value)
                            .unwrap_or(0.0) as u64
                    })
                    .collect()
            })
            .collect();
        let hides = |g: &str, s: &str| {
            self.plan
                .hides("referrals", &[("ethnic_group", g), ("sex", s)])
        };
        let rows: Vec<Vec<String>> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut row = vec![group_label(&self.template.codes, "ethnic_group", g)];
                for (j, s) in sexes.iter().enumerate() {
                    if hides(g, s) || d.count_hidden(grid[i][j]) {
                        row.extend(["*".to_string(), "*".to_string()]);
                    } else {
                        row.push(d.show_count(grid[i][j]));
                        row.push(self.shown(get("tt.recovery_pct", g, s), Kind::Pct, true));
                    }
                }
                row
            })
            .collect();
        section(
            t,
            "ethnic_sex",
            v,
            true,
            vec![
                Block::Paragraph(t.need(&t.ethnic_sex, "ethnic_sex")?.intro.fill(v)?),
                item(
                    "ethnic_sex_table",
                    vec![Block::Table(Table {
                        note: Some(t.need(&t.ethnic_sex, "ethnic_sex")?.note.fill(v)?),
                        ..table(
                            vec![
                                col("Ethnic group", 1.8, Align::Left),
                                col("Men: referrals", 1.1, Align::Right),
                                col("Men: recovery (95 % CI)", 2.0, Align::Right),
                                col("Women: referrals", 1.1, Align::Right),
                                col("Women: recovery (95 % CI)", 2.0, Align::Right),
                            ],
                            rows,
                        )
                    })],
                ),
            ],
        )
    }
}

/// The service figures with a target that the service as a whole meets (green), in
/// registry order.
fn standards_met(targets: &Targets, metrics: &Metrics) -> Vec<&'static str> {
    registry::ids()
        .filter(|id| id.starts_with("tt."))
        .filter(|id| {
            let value = metrics.get(id, &[]).and_then(|m| m.value);
            rag_of(targets, id, value) == Some(Rag::Green)
        })
        .collect()
}

/// Whether a value meets its figure's target (green).
fn meets(targets: &Targets, id: &str, value: f64) -> bool {
    rag_of(targets, id, Some(value)) == Some(Rag::Green)
}

/// For `metrics.json`: each priority group against each standard the service meets,
/// unsuppressed, judged as the PDF judges it.
fn priority_standards_json(
    settings: &Settings,
    metrics: &Metrics,
    groups: &[String],
) -> serde_json::Value {
    let mut out = Vec::new();
    for id in standards_met(&settings.targets, metrics) {
        for g in groups {
            let value = metrics
                .get(id, &[("priority_group", g.as_str())])
                .and_then(|m| m.value);
            out.push(serde_json::json!({
                "metric": id,
                "priority_group": g,
                "value": value.map(crate::metrics::round4),
                "meets": value.map(|x| meets(&settings.targets, id, x)),
            }));
        }
    }
    serde_json::Value::Array(out)
}
