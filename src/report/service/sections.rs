//! The sections both service-user reports show, composed from the builder's figures and
//! the template's wording.

use crate::metrics::Metric;
use crate::pdf::model::{Align, Bar, BarChart, Block, Section, Table, col, item};
use crate::registry;
use crate::report::compose::{self, section, table, table_with_total};
use crate::report::{ReportError, pct, pp};
use crate::standards::target_of;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::{
    Builder, DATASETS, DIMENSIONS, Kind, Vars, covers, dimension_table, display_kind, group_label,
};
use crate::template::Ph;

impl Builder<'_> {
    /// The headline table: the figures the template's `summary.figures` lists, each
    /// with its change, its target and status in words, and England's figure where an
    /// analyst has entered one.
    pub(super) fn summary_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let figures = &t.summary.figures;
        // the England figures of this table, with their publications
        let mut england = Vec::new();
        for id in figures {
            england.extend(self.england_source(id, v)?);
        }
        let mut rows = Vec::new();
        for id in figures {
            let id = id.as_str();
            let kind = &display_kind(id);
            let m = self.metrics.get(id, &[]);
            let prev = self.previous.and_then(|(_, pm)| pm.get(id, &[]));
            let change = match (m, prev) {
                (Some(a), Some(b)) if !self.hidden(a) && !self.primary_hidden(b) => {
                    match (a.value, b.value, kind) {
                        (Some(x), Some(y), Kind::Pct) => pp(x - y),
                        (Some(x), Some(y), Kind::Count) => format!("{:+.0}", x - y),
                        (Some(x), Some(y), Kind::Days) => format!("{:+.0} days", x - y),
                        (Some(x), Some(y), _) => crate::report::change(x - y),
                        _ => "-".into(),
                    }
                }
                _ => "-".into(),
            };
            let mut row = vec![t.label(id)?.fill(v)?, self.shown(m, *kind, true), change];
            row.extend(self.against_target(id, m, v, |x| plain(x, display_kind(id)))?);
            if !self.series.is_empty() {
                row.extend(self.over_time(self.series, id, v)?);
            }
            if !england.is_empty() {
                let c = self.settings.comparators.england.get(id);
                row.push(c.map_or(String::new(), |c| plain(c.value, *kind)));
            }
            rows.push(row);
        }
        let mut blocks = vec![Block::Paragraph(t.summary.intro.fill(v)?)];
        blocks.extend(self.ethnicity_gap_words(v)?);
        if !covers(self.span, self.period) {
            blocks.push(Block::Paragraph(t.summary.partial.fill(v)?));
        }
        if let Some(why) = &self.previous_missing {
            blocks.push(Block::Paragraph(why.to_string()));
        }
        let mut columns = vec![
            col("Figure", 2.7, Align::Left),
            col("Value (95 % CI)", 2.2, Align::Right),
            col(&t.summary.change_header.fill(v)?, 1.2, Align::Right),
            col(&t.summary.target_header.fill(v)?, 1.5, Align::Right),
            col(&t.summary.status_header.fill(v)?, 0.9, Align::Left),
        ];
        let mut note = t.summary.note.fill(v)?;
        if !self.series.is_empty() {
            columns.push(col(&t.summary.variation_header.fill(v)?, 1.5, Align::Left));
            columns.push(col(&t.summary.assurance_header.fill(v)?, 1.3, Align::Left));
            note = format!("{note} {}", t.summary.over_time_note.fill(v)?);
        }
        if !england.is_empty() {
            columns.push(col(&t.summary.england_header.fill(v)?, 1.0, Align::Right));
            let mut vv = v.clone();
            vv.insert(Ph::EnglandSources, england.join("; "));
            note = format!("{note} {}", t.summary.england_note.fill(&vv)?);
        }
        let table = Table {
            note: Some(note),
            ..table(columns, rows)
        };
        blocks.push(item("headline_table", vec![Block::Table(table)]));
        section(t, "summary", v, true, blocks)
    }

    /// Referrals and access against the population for every group, with the
    /// representation ratio chart.
    pub(super) fn access_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut chart = vec![Block::BarChart(self.representation_chart(v)?)];
        if self.not_supplied.iter().any(|d| d == "population") {
            chart.push(Block::Paragraph(t.access.no_population.fill(v)?));
        }
        let mut blocks = vec![
            Block::Paragraph(t.access.intro.fill(v)?),
            item("representation_chart", chart),
        ];
        for dim in DIMENSIONS {
            let heading = t.breakdown(dim)?.fill(v)?;
            let mut table = vec![Block::Subheading(heading)];
            if *dim == "disability" {
                table.push(Block::Paragraph(t.access.no_disability.fill(v)?));
            }
            if *dim == "priority_group" {
                table.push(Block::Paragraph(t.access.priority_note.fill(v)?));
            }
            table.push(Block::Table(self.section_table("access", dim)?));
            blocks.push(item(&dimension_table(dim), table));
        }
        blocks.push(self.standardised_table(v)?);
        section(t, "access", v, true, blocks)
    }

    /// Bars of the representation ratio with intervals against 1.0, priority groups
    /// first, then ethnic groups.
    pub(super) fn representation_chart(&self, v: &Vars) -> Result<BarChart, ReportError> {
        let t = &self.template;
        let mut bars = Vec::new();
        for (dim, tone) in [("priority_group", 0u8), ("ethnic_group", 1u8)] {
            for x in self.values(dim) {
                let Some(m) = self.metrics.get("tt.representation_ratio", &[(dim, &x)]) else {
                    continue;
                };
                let hidden = self.hidden(m);
                let reading = self.compared(m, Some(1.0));
                let m = &self.d().as_shown(m);
                let note = match reading {
                    Some(Ordering::Less) => " (lower)",
                    Some(Ordering::Greater) => " (higher)",
                    _ => "",
                };
                bars.push(Bar {
                    label: group_label(&self.template.codes, dim, &x),
                    value: if hidden { None } else { m.value },
                    ci: if hidden {
                        None
                    } else {
                        m.ci_low.zip(m.ci_high)
                    },
                    annotation: match (hidden, m.value) {
                        (true, _) => "* (small numbers)".into(),
                        (false, Some(r)) => format!("{r:.2}{note}"),
                        (false, None) => "not computable".into(),
                    },
                    tone,
                });
            }
        }
        let top = bars
            .iter()
            .filter_map(|b| b.ci.map(|c| c.1).or(b.value))
            .fold(0.0f64, f64::max);
        Ok(BarChart {
            title: t.access.chart_title.fill(v)?,
            axis_label: t.access.chart_axis.fill(v)?,
            // whole numbers, so the quarter ticks fall on 0.5 steps and 1.0 is on one
            axis_max: top.ceil().max(2.0),
            bars,
            reference: Some((1.0, t.access.chart_reference.fill(v)?)),
            percent: false,
            // the two tones: priority groups, then ethnic groups
            legend: vec![
                (0, t.breakdown("priority_group")?.fill(v)?),
                (1, t.breakdown("ethnic_group")?.fill(v)?),
            ],
            alt_text: t.access.chart_alt.fill(v)?,
        })
    }

    /// The template's paragraphs, then every target with its source and every England
    /// figure with its publication.
    pub(super) fn methodology_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut s = compose::methodology_section(t, self.settings, v)?;
        let mut targets = Vec::new();
        let mut england = Vec::new();
        for id in registry::ids().filter(|id| id.starts_with("tt.")) {
            let kind = display_kind(id);
            if let Some((_, target)) = target_of(&self.settings.targets, id) {
                let margin = match kind {
                    Kind::Pct => format!("{:.1} points", target.amber_margin * 100.0),
                    _ => plain(target.amber_margin, kind),
                };
                let source = match &target.source {
                    Some(s) => s.clone(),
                    None => t
                        .need(&t.methodology.local_target, "methodology.local_target")?
                        .fill(v)?,
                };
                let words = self
                    .target_words(id, v, |x| plain(x, display_kind(id)))?
                    .unwrap_or_default();
                targets.push(vec![t.label(id)?.fill(v)?, words, margin, source]);
            }
            england.extend(self.england_source(id, v)?);
        }
        let mut vv = v.clone();
        vv.insert(Ph::EnglandSources, england.join("; "));
        if !targets.is_empty() {
            s.blocks.push(Block::Subheading(
                t.need(
                    &t.methodology.targets_heading,
                    "methodology.targets_heading",
                )?
                .fill(v)?,
            ));
            s.blocks.push(Block::Paragraph(
                t.need(&t.methodology.targets, "methodology.targets")?
                    .fill(v)?,
            ));
            let columns = vec![
                col("Figure", 2.2, Align::Left),
                col("Target", 1.1, Align::Left),
                col("Amber margin", 0.9, Align::Left),
                col("Source", 3.0, Align::Left),
            ];
            s.blocks.push(Block::Table(table(columns, targets)));
        }
        s.blocks.push(Block::Paragraph(if england.is_empty() {
            t.need(&t.methodology.no_england, "methodology.no_england")?
                .fill(&vv)?
        } else {
            t.need(&t.methodology.england, "methodology.england")?
                .fill(&vv)?
        }));
        Ok(s)
    }

    /// Rows read, problems, and ethnicity not stated or not known by partner.
    pub(super) fn quality_section(
        &self,
        v: &Vars,
        unknown: &[(String, u64, u64)],
    ) -> Result<Section, ReportError> {
        let t = &self.template;
        let d = self.d();
        let mut blocks = crate::report::quality_page::rows_and_problems(
            self.quality,
            DATASETS,
            &self.not_supplied,
            &t.quality,
            v,
        )?;
        let mut ethnicity = vec![
            Block::Subheading(t.quality.ethnicity_heading.fill(v)?),
            Block::Paragraph(
                t.need(&t.quality.ethnicity_intro, "quality.ethnicity_intro")?
                    .fill(v)?,
            ),
        ];
        let names: BTreeMap<String, String> = self
            .settings
            .partners
            .iter()
            .map(|p| (p.code.to_uppercase(), p.name.clone()))
            .collect();
        let hides = |by: &[(&str, &str)]| self.plan.hides("referrals", by);
        let mut rows: Vec<Vec<String>> = unknown
            .iter()
            .map(|(code, n, total)| {
                let name = names
                    .get(code)
                    .map_or(code.clone(), |n| format!("{n} ({code})"));
                let total_hidden = hides(&[("partner_org", code)]) || d.count_hidden(*total);
                let shown = if total_hidden
                    || hides(&[("partner_org", code), ("ethnicity", "unknown")])
                    || d.proportion_hidden(*n, *total)
                {
                    "*".to_string()
                } else {
                    let m = Metric::proportion("x", BTreeMap::new(), *n, *total);
                    self.shown(Some(&m), Kind::Pct, true)
                };
                let referrals = if total_hidden {
                    "*".to_string()
                } else {
                    d.show_count(*total)
                };
                vec![name, referrals, shown]
            })
            .collect();
        let (n, total) = unknown.iter().fold((0, 0), |a, u| (a.0 + u.1, a.1 + u.2));
        let all = Metric::proportion("x", BTreeMap::new(), n, total);
        let all_hidden = hides(&[]) || hides(&[("ethnicity", "unknown")]);
        rows.push(vec![
            "All partners".into(),
            if hides(&[]) {
                "*".into()
            } else {
                d.show_count(total)
            },
            if all_hidden {
                "*".into()
            } else {
                self.shown(Some(&all), Kind::Pct, true)
            },
        ]);
        ethnicity.push(Block::Table(table_with_total(
            vec![
                col("Partner", 3.0, Align::Left),
                col("Referrals in the period", 1.4, Align::Right),
                col(
                    "Ethnicity not stated or not known (95 % CI)",
                    2.4,
                    Align::Right,
                ),
            ],
            rows,
        )));
        blocks.push(item("ethnicity_unknown_table", ethnicity));
        section(t, "quality", v, true, blocks)
    }
}

impl Builder<'_> {
    /// England's figure for `id` with where it was published, as the summary's note and
    /// the methodology name it: "Recovery 48.0% (publication, 2024-25)". None when no
    /// analyst entered one.
    fn england_source(&self, id: &str, v: &Vars) -> Result<Option<String>, ReportError> {
        let Some(c) = self.settings.comparators.england.get(id) else {
            return Ok(None);
        };
        let value = plain(c.value, display_kind(id));
        let label = self.template.label(id)?.fill(v)?;
        Ok(Some(format!(
            "{label} {value} ({}, {})",
            c.source, c.period
        )))
    }
}

/// A bare value (a target, a published figure) shown as the figure is: no interval,
/// no disclosure rounding.
pub(super) fn plain(value: f64, kind: Kind) -> String {
    match kind {
        Kind::Pct => pct(value),
        Kind::Rate => format!("{value:.1}"),
        Kind::Ratio => format!("{value:.2}"),
        Kind::Points => crate::report::change(value),
        Kind::Count if value >= 0.0 => crate::disclosure::thousands(value.round() as u64),
        Kind::Count | Kind::Days => format!("{value:.0}"),
    }
}
