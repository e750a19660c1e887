//! The pages only the annual workforce report has: the trend over the year's quarters,
//! representation by band (WRES 1), the population comparison, the outside-partnership
//! indicators and a page per partner.

use crate::contract::BAND_CLUSTERS;
use crate::metrics::Metric;
use crate::pdf::model::{
    Align, Bar, BarChart, Block, LineChart, Section, Series, Table, col, item,
};
use crate::report::compose::{section, table};
use crate::report::workforce::Vars;
use crate::report::{ReportError, pct};

use super::{Annual, label_of, trend_figures};
use crate::template::Ph;

/// The WRES groups, in the order (and tone) the band-share chart draws them.
const WRES_GROUPS: [&str; 3] = ["White", "BME", "Unknown"];

impl Annual<'_> {
    pub(super) fn trend_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let mut blocks = vec![Block::Paragraph(t.need(&t.trend, "trend")?.intro.fill(v)?)];
        if self.quarters.iter().any(|q| q.metrics.is_none()) {
            blocks.push(Block::Paragraph(
                t.need(&t.trend, "trend")?.missing.fill(v)?,
            ));
        }
        let x_labels: Vec<String> = self.quarters.iter().map(|q| q.label.clone()).collect();
        for id in &trend_figures(t) {
            let id = id.as_str();
            let title = label_of(t, id)?;
            let figures = self.quarter_figures(id);
            if figures.iter().all(Option::is_none) {
                if b.is_unsupplied(id) {
                    let mut vv = v.clone();
                    vv.insert(Ph::Figure, title.to_string());
                    blocks.push(item(
                        id,
                        vec![Block::Paragraph(
                            t.need(&t.trend, "trend")?.not_supplied.fill(&vv)?,
                        )],
                    ));
                }
                continue;
            }
            let shown: Vec<Option<Metric>> = figures
                .iter()
                .map(|m| {
                    m.filter(|m| !b.primary_hidden(m) && m.value.is_some())
                        .map(|m| b.d().as_shown(m))
                })
                .collect();
            let points: Vec<Option<f64>> = shown
                .iter()
                .map(|m| m.as_ref().and_then(|m| m.value))
                .collect();
            let ci = shown
                .iter()
                .map(|m| m.as_ref().and_then(|m| m.ci_low.zip(m.ci_high)))
                .collect();
            let mut references = Vec::new();
            if let Some(target) = b.settings.targets.get(id) {
                references.push((target.value, format!("Target {}", pct(target.value))));
            }
            if let Some(base) = b.settings.baseline.values.get(id) {
                references.push((
                    *base,
                    format!("{} baseline {}", b.settings.baseline.label, pct(*base)),
                ));
            }
            let mut vv = v.clone();
            vv.insert(Ph::Figure, title.to_string());
            vv.insert(
                Ph::First,
                points
                    .iter()
                    .flatten()
                    .next()
                    .map_or("not shown".into(), |x| pct(*x)),
            );
            vv.insert(
                Ph::Last,
                points
                    .iter()
                    .rev()
                    .flatten()
                    .next()
                    .map_or("not shown".into(), |x| pct(*x)),
            );
            // the lines as a sentence names them: "target 19.8% and May 2025 baseline
            // 17.0%" (the baseline's own name as the settings give it)
            let has_target = b.settings.targets.contains_key(id);
            let has_lines = !references.is_empty();
            vv.insert(
                Ph::References,
                references
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        if i == 0 && has_target {
                            crate::report::in_sentence(&r.1)
                        } else {
                            r.1.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" and "),
            );
            let chart = Block::LineChart(LineChart {
                title: t.need(&t.trend, "trend")?.chart_title.fill(&vv)?,
                axis_label: t.need(&t.trend, "trend")?.chart_axis.fill(&vv)?,
                x_labels: x_labels.clone(),
                series: vec![Series {
                    label: "All partners".into(),
                    points,
                    ci,
                    missing: figures
                        .iter()
                        .map(|m| match m {
                            Some(m) if b.primary_hidden(m) => "*",
                            _ => "-",
                        })
                        .collect(),
                }],
                references,
                percent: true,
                spc: None,
                alt_text: {
                    // inside its sentence the figure's name starts small ("staff
                    // declaring a disability"), an initialism as it is ("BME staff")
                    vv.insert(Ph::Figure, crate::report::in_sentence(&title));
                    let trend = t.need(&t.trend, "trend")?;
                    if !has_lines {
                        trend.chart_alt_plain.fill(&vv)?
                    } else {
                        trend.chart_alt.fill(&vv)?
                    }
                },
            });
            blocks.push(item(id, vec![chart]));
        }
        section(t, "trend", v, true, blocks)
    }

    /// WRES indicator 1: White, BME and Unknown shares of each band cluster.
    pub(super) fn representation_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let d = b.d();
        let mut bars = Vec::new();
        let mut rows = Vec::new();
        for cluster in BAND_CLUSTERS {
            let groups: Vec<(&str, &Metric)> = WRES_GROUPS
                .into_iter()
                .filter_map(|g| {
                    b.metrics
                        .get(
                            "wres1.band_share",
                            &[("band_cluster", cluster), ("wres_group", g)],
                        )
                        .map(|m| (g, m))
                })
                .collect();
            let Some(total) = groups.first().and_then(|(_, m)| m.denominator) else {
                continue;
            };
            // The run's plan hides a group's share with its staff count, and a band's
            // count where the bands' sum would give a hidden one away.
            let staff = if b.staff_hidden(&[("band_cluster", cluster)]) {
                "*".to_string()
            } else {
                d.show_count(total)
            };
            let mut row = vec![cluster.to_string(), staff];
            for (group, m) in &groups {
                // each group its own tone in every cluster, as the key says
                let tone = WRES_GROUPS.iter().position(|g| g == group).unwrap_or(0);
                let hidden = b.hidden(m);
                let m = &d.as_shown(m);
                bars.push(Bar {
                    label: format!("{cluster}: {group}"),
                    value: if hidden { None } else { m.value },
                    ci: if hidden {
                        None
                    } else {
                        m.ci_low.zip(m.ci_high)
                    },
                    annotation: if hidden {
                        "* (small numbers)".into()
                    } else {
                        m.value.map_or("none".into(), pct)
                    },
                    tone: tone as u8,
                });
                row.push(if hidden {
                    "*".into()
                } else {
                    b.shown(Some(m), true)
                });
            }
            rows.push(row);
        }
        let chart = BarChart {
            title: t.need(&t.wres1, "wres1")?.chart_title.fill(v)?,
            axis_label: t.need(&t.wres1, "wres1")?.chart_axis.fill(v)?,
            axis_max: 1.0,
            bars,
            reference: None,
            percent: true,
            legend: WRES_GROUPS
                .iter()
                .enumerate()
                .map(|(tone, g)| {
                    let words = crate::template::wording::code_words(&t.codes, "wres_group", g);
                    (tone as u8, words.unwrap_or_else(|| g.to_string()))
                })
                .collect(),
            alt_text: t.need(&t.wres1, "wres1")?.chart_alt.fill(v)?,
        };
        let table = table(
            vec![
                col("Band cluster", 1.6, Align::Left),
                col("Staff", 0.8, Align::Right),
                col("White (95 % CI)", 2.0, Align::Right),
                col("BME (95 % CI)", 2.0, Align::Right),
                col("Unknown (95 % CI)", 2.0, Align::Right),
            ],
            rows,
        );
        section(
            t,
            "wres1",
            v,
            true,
            vec![
                Block::Paragraph(t.need(&t.wres1, "wres1")?.intro.fill(v)?),
                item("band_share_chart", vec![Block::BarChart(chart)]),
                item("band_share_table", vec![Block::Table(table)]),
            ],
        )
    }

    /// The workforce's ethnic mix beside the population's.
    pub(super) fn population_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let d = b.d();
        let rows = self
            .mix
            .iter()
            .map(|r| {
                let count_hidden = b
                    .plan
                    .hides("staff_known_ethnicity", &[("ethnic_mix", &r.group)]);
                let hidden = count_hidden || d.proportion_hidden(r.staff, r.staff_known_ethnicity);
                // a rounded copy's share and interval are of its rounded counts
                let of_rounded = Metric::proportion(
                    "staff_share",
                    Default::default(),
                    d.rounded(r.staff),
                    d.rounded(r.staff_known_ethnicity),
                );
                let (staff_share, ci_low, ci_high) = if d.round_to > 0 {
                    (of_rounded.value, of_rounded.ci_low, of_rounded.ci_high)
                } else {
                    (r.staff_share, r.ci_low, r.ci_high)
                };
                let share = match (hidden, staff_share, ci_low, ci_high) {
                    (true, ..) => "*".to_string(),
                    (false, Some(s), Some(lo), Some(hi)) => {
                        format!("{} ({} to {})", pct(s), pct(lo), pct(hi))
                    }
                    _ => "-".to_string(),
                };
                // (judged on the interval to four decimals, as metrics.json gives it)
                let four = crate::metrics::round4;
                let population = four(r.population_share);
                let reading = match (hidden, ci_low.map(four), ci_high.map(four)) {
                    (false, Some(lo), _) if lo > population => {
                        t.need(&t.population, "population")?.higher.fill(v)?
                    }
                    (false, _, Some(hi)) if hi < population => {
                        t.need(&t.population, "population")?.lower.fill(v)?
                    }
                    (false, Some(_), Some(_)) => {
                        t.need(&t.population, "population")?.similar.fill(v)?
                    }
                    _ => String::new(),
                };
                Ok(vec![
                    r.group.clone(),
                    pct(r.population_share),
                    if count_hidden {
                        "*".to_string()
                    } else {
                        d.show_count(r.staff)
                    },
                    share,
                    reading,
                ])
            })
            .collect::<Result<Vec<_>, ReportError>>()?;
        let table = Table {
            note: Some(t.need(&t.population, "population")?.note.fill(v)?),
            ..table(
                vec![
                    col("Ethnic group", 2.6, Align::Left),
                    col("Population", 1.1, Align::Right),
                    col("Staff", 0.8, Align::Right),
                    col("Staff share (95 % CI)", 2.1, Align::Right),
                    col("Reading", 2.2, Align::Left),
                ],
                rows,
            )
        };
        section(
            t,
            "population",
            v,
            true,
            vec![
                Block::Paragraph(t.need(&t.population, "population")?.intro.fill(v)?),
                item("population_table", vec![Block::Table(table)]),
            ],
        )
    }

    /// The WRES and WDES indicators these extracts cannot give, named so the board sees
    /// all of them and where each is reported.
    pub(super) fn outside_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.b.template;
        let rows = crate::template::fill_all(&t.need(&t.outside, "outside")?.indicators, v)?
            .into_iter()
            .map(|line| match line.split_once(" | ") {
                Some((name, source)) => vec![name.to_string(), source.to_string()],
                None => vec![line, String::new()],
            })
            .collect();
        section(
            t,
            "outside",
            v,
            false,
            vec![
                Block::Paragraph(t.need(&t.outside, "outside")?.intro.fill(v)?),
                item(
                    "outside_table",
                    vec![Block::Table(table(
                        vec![
                            col("Indicator", 4.0, Align::Left),
                            col("Where it is reported", 2.4, Align::Left),
                        ],
                        rows,
                    ))],
                ),
            ],
        )
    }

    /// A page per partner organisation: its figures beside the partnership's. A small
    /// partner keeps its page, with its small figures hidden.
    pub(super) fn partner_pages(&self, v: &Vars) -> Result<Vec<Section>, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let keys = b.partner_keys();
        let heads = b.partner_headcounts(&keys);
        // The same suppression as the partner table, so no page shows what it hides.
        let page = t.need(&t.partner_page, "partner_page")?;
        let columns: Vec<Vec<String>> = page
            .figures
            .iter()
            .map(|id| b.partner_column(id, &keys, true))
            .collect();
        let mut pages = Vec::new();
        for (i, (code, name)) in keys.iter().enumerate() {
            let by = [("partner_org", code.as_str())];
            let mut vv = v.clone();
            vv.insert(Ph::Partner, format!("{name} ({code})"));
            vv.insert(Ph::PartnerStaff, heads[i].clone());
            let mut blocks = Vec::new();
            let present = b.metrics.get("wf.headcount", &by).is_some();
            blocks.push(Block::Paragraph(if !present {
                t.need(&t.partner_page, "partner_page")?
                    .no_staff
                    .fill(&vv)?
            } else if heads[i] == "*" {
                t.need(&t.partner_page, "partner_page")?.small.fill(&vv)?
            } else {
                t.need(&t.partner_page, "partner_page")?.intro.fill(&vv)?
            }));
            let mut rows = vec![vec![
                "Staff in post (headcount)".to_string(),
                heads[i].clone(),
                b.shown(b.metrics.get("wf.headcount", &[]), false),
            ]];
            for (k, id) in page.figures.iter().enumerate() {
                let id = id.as_str();
                let label = label_of(t, id)?;
                if b.is_unsupplied(id) && b.metrics.get(id, &[]).is_none() {
                    rows.push(vec![
                        label.to_string(),
                        "not supplied".into(),
                        String::new(),
                    ]);
                    continue;
                }
                rows.push(vec![
                    label.to_string(),
                    columns[k][i].clone(),
                    b.shown(b.metrics.get(id, &[]), true),
                ]);
            }
            let mentees = match b.metrics.get("mentoring.bme_matched", &by) {
                None => "-".into(),
                m => b.shown(m, false),
            };
            rows.push(vec![
                "BME staff matched on leadership mentoring".into(),
                mentees,
                b.shown(b.metrics.get("mentoring.bme_matched", &[]), false),
            ]);
            for (id, key) in [
                ("wres2.relative_likelihood", &t.indicators.wres2),
                ("wres3.relative_likelihood", &t.indicators.wres3),
                ("wres4.relative_likelihood", &t.indicators.wres4),
                ("wdes2.relative_likelihood", &t.indicators.wdes2),
            ] {
                let label = key.fill(v)?;
                let cell = |m: Option<&Metric>| -> Result<String, ReportError> {
                    Ok(match m {
                        Some(m) => {
                            let [_, shown, reading] = b.likelihood_cells(m, v)?;
                            if reading.is_empty() || shown == "*" || shown == "-" {
                                if shown == "-" { reading } else { shown }
                            } else {
                                format!("{shown}: {reading}")
                            }
                        }
                        None if b.is_unsupplied(id) => "not supplied".into(),
                        None => "-".into(),
                    })
                };
                rows.push(vec![
                    label,
                    cell(b.metrics.get(id, &by))?,
                    cell(b.metrics.get(id, &[]))?,
                ]);
            }
            let table = Table {
                note: Some(t.need(&t.partner_page, "partner_page")?.note.fill(&vv)?),
                ..table(
                    vec![
                        col("Figure", 3.0, Align::Left),
                        col(&format!("{name} (95 % CI)"), 2.4, Align::Right),
                        col("All partners (95 % CI)", 2.4, Align::Right),
                    ],
                    rows,
                )
            };
            blocks.push(item("figures_table", vec![Block::Table(table)]));
            pages.push(section(t, "partner_page", &vv, true, blocks)?);
        }
        Ok(pages)
    }
}
