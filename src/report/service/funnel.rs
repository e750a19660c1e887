//! How the partners compare (docs/reports.md, "Funnel plots"): each partner's recovery,
//! reliable recovery, 6-week wait and missed appointments against the service's, with
//! the 95 % and 99.8 % limits at the partner's own denominator (the proportions whose
//! Wilson interval just reaches the service's figure, as Fingertips draws them:
//! `stats::funnel_limits`). A partner beyond the 99.8 % limit is named in words. The
//! same readings go to metrics.json (`funnels`).

use serde_json::{Value, json};

use super::{Builder, Kind, Vars, group_label};
use crate::metrics::Metric;
use crate::pdf::model::{Align, Block, FunnelChart, FunnelPoint, FunnelWords, Section, col, item};
use crate::report::ReportError;
use crate::report::compose::section;
use crate::stats::{Z95, Z998, funnel_limits};
use crate::template::Ph;

/// The figures each partner is set against the service on.
pub(super) const FIGURES: [&str; 4] = [
    "tt.recovery_pct",
    "tt.reliable_recovery_pct",
    "tt.wait_6wk_pct",
    "tt.dna_pct",
];

/// Where a partner's figure lies against the funnel's limits at its denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Within,
    Above95,
    Below95,
    Above998,
    Below998,
}

impl Place {
    fn key(self) -> &'static str {
        match self {
            Place::Within => "within",
            Place::Above95 => "above_95",
            Place::Below95 => "below_95",
            Place::Above998 => "above_99_8",
            Place::Below998 => "below_99_8",
        }
    }
}

/// A partner's figure against the limits, with the limits: `None` where the figure has
/// no value or the service none to compare with.
pub(super) fn place(m: &Metric, average: f64) -> Option<(Place, [(f64, f64); 2])> {
    let (v, n) = (m.value?, m.denominator? as f64);
    if n == 0.0 {
        return None;
    }
    let inner = funnel_limits(average, n, Z95);
    let outer = funnel_limits(average, n, Z998);
    // judged on four decimals, as metrics.json gives the figures
    let v = crate::metrics::round4(v);
    let r = crate::metrics::round4;
    let at = if v > r(outer.1) {
        Place::Above998
    } else if v < r(outer.0) {
        Place::Below998
    } else if v > r(inner.1) {
        Place::Above95
    } else if v < r(inner.0) {
        Place::Below95
    } else {
        Place::Within
    };
    Some((at, [inner, outer]))
}

/// Each partner's figure, by its code, in the metrics' order (of the codes).
fn partners<'a>(
    metrics: &'a crate::metrics::Metrics,
    id: &'a str,
) -> impl Iterator<Item = (&'a str, &'a Metric)> {
    metrics
        .0
        .iter()
        .filter(move |m| m.id == id && m.by.len() == 1)
        .filter_map(|m| Some((m.by.get("partner_org")?.as_str(), m)))
}

/// The name a template's `show` list gives a figure's funnel plot: `recovery_funnel`.
pub(super) fn chart_name(id: &str) -> String {
    let short = id.trim_start_matches("tt.").trim_end_matches("_pct");
    format!("{short}_funnel")
}

/// A partner's figure as this copy shows it.
struct Reading {
    /// The figure (rounded as the copy rounds), where it is shown.
    shown: Option<Metric>,
    /// Where it lies against the limits, where there is a service figure to set it
    /// against.
    place: Option<Place>,
    /// The table's cell for the figure (`*` hidden, `-` none).
    text: String,
    /// What a chart's data table says where it is not drawn: `*` hidden, `-` none.
    missing: &'static str,
}

impl Builder<'_> {
    /// Each partner's figure `id` as this copy shows it, read against the service's as
    /// this copy shows it: so a rounded copy draws, tables and names what its own
    /// figures give, and a hidden figure has no reading.
    fn readings(&self, id: &str, codes: &[String]) -> (Option<f64>, Vec<Reading>) {
        let average = self
            .metrics
            .get(id, &[])
            .filter(|m| !self.hidden(m))
            .and_then(|m| self.d().as_shown(m).value);
        let readings = codes
            .iter()
            .map(|code| {
                let m = self.metrics.get(id, &[("partner_org", code)]);
                let shown = m.filter(|m| !self.hidden(m)).map(|m| self.d().as_shown(m));
                let place = match (&shown, average) {
                    (Some(m), Some(avg)) => place(m, avg).map(|p| p.0),
                    _ => None,
                };
                Reading {
                    text: self.shown(m, Kind::Pct, false),
                    missing: if m.is_some() && shown.is_none() {
                        "*"
                    } else {
                        "-"
                    },
                    shown,
                    place,
                }
            })
            .collect();
        (average, readings)
    }

    /// The section: the partners beyond the 99.8 % limits named, a funnel plot of each
    /// figure, then every partner's reading on each figure.
    pub(super) fn funnel_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let w = t.need(&t.funnels, "funnels")?;
        let mut blocks = vec![Block::Paragraph(w.intro.fill(v)?)];
        let mut words = Vec::new();
        let mut charts = Vec::new();
        let mut codes: Vec<String> = Vec::new();
        for id in FIGURES {
            for (code, _) in partners(self.metrics, id) {
                if !codes.iter().any(|c| c == code) {
                    codes.push(code.to_string());
                }
            }
        }
        let mut table: Vec<Vec<String>> = codes
            .iter()
            .map(|code| vec![group_label(&t.codes, "partner_org", code)])
            .collect();
        for id in FIGURES {
            let (average, readings) = self.readings(id, &codes);
            let (mut higher, mut lower) = (Vec::new(), Vec::new());
            let mut marks = Vec::new();
            for ((row, code), r) in table.iter_mut().zip(&codes).zip(&readings) {
                let name = group_label(&t.codes, "partner_org", code);
                match r.place {
                    Some(Place::Above998) => higher.push(name),
                    Some(Place::Below998) => lower.push(name),
                    _ => {}
                }
                let mark = match r.place {
                    Some(Place::Within) => w.within.fill(v)?,
                    Some(Place::Above95) => w.above_95.fill(v)?,
                    Some(Place::Below95) => w.below_95.fill(v)?,
                    Some(Place::Above998) => w.above_99_8.fill(v)?,
                    Some(Place::Below998) => w.below_99_8.fill(v)?,
                    None => String::new(),
                };
                row.push(if mark.is_empty() {
                    r.text.clone()
                } else {
                    format!("{} ({mark})", r.text)
                });
                marks.push(mark);
            }
            let mut vv = v.clone();
            vv.insert(Ph::Figure, t.label(id)?.fill(v)?);
            vv.insert(Ph::Overall, average.map_or("-".into(), crate::report::pct));
            let sentence = match (higher.is_empty(), lower.is_empty()) {
                (true, true) => w.none_beyond.fill(&vv)?,
                _ => {
                    vv.insert(Ph::First, list_or(&higher, &w.no_partner.fill(v)?));
                    vv.insert(Ph::Second, list_or(&lower, &w.no_partner.fill(v)?));
                    w.beyond.fill(&vv)?
                }
            };
            words.push(sentence);
            if let Some(average) = average {
                let chart = self.funnel_chart(id, average, &codes, &readings, marks, &vv)?;
                charts.push(item(&chart_name(id), vec![Block::FunnelChart(chart)]));
            }
        }
        blocks.push(Block::List(words));
        blocks.extend(charts);
        let mut columns = vec![col(&w.partner_header.fill(v)?, 1.4, Align::Left)];
        for id in FIGURES {
            let header = t.of_figure(&w.headers, "funnels.headers", id)?;
            columns.push(col(&header.fill(v)?, 1.6, Align::Right));
        }
        let mut tb = crate::report::compose::table(columns, table);
        tb.note = Some(w.note.fill(v)?);
        blocks.push(item("funnel_table", vec![Block::Table(tb)]));
        section(t, "funnels", v, true, blocks)
    }

    /// A figure's funnel plot: each partner shown at its figure and number, those
    /// beyond the 99.8 % limits by a mark of their own, as the sentences name them.
    fn funnel_chart(
        &self,
        id: &str,
        average: f64,
        codes: &[String],
        readings: &[Reading],
        marks: Vec<String>,
        vv: &Vars,
    ) -> Result<FunnelChart, ReportError> {
        let t = &self.template;
        let w = t.need(&t.funnels, "funnels")?;
        let points: Vec<FunnelPoint> = codes
            .iter()
            .zip(readings)
            .zip(marks)
            .map(|((code, r), reading)| FunnelPoint {
                label: group_label(&t.codes, "partner_org", code),
                at: r
                    .place
                    .and(r.shown.as_ref())
                    .and_then(|m| Some((m.denominator? as f64, m.value?))),
                missing: r.missing,
                reading,
                beyond: matches!(r.place, Some(Place::Above998 | Place::Below998)),
            })
            .collect();
        let count =
            |f: fn(Place) -> bool| readings.iter().filter(|r| r.place.is_some_and(f)).count();
        let mut alt = vv.clone();
        alt.insert(Ph::First, count(|p| p == Place::Within).to_string());
        alt.insert(
            Ph::Second,
            count(|p| matches!(p, Place::Above95 | Place::Below95)).to_string(),
        );
        alt.insert(
            Ph::Value,
            count(|p| matches!(p, Place::Above998 | Place::Below998)).to_string(),
        );
        alt.insert(
            Ph::Count,
            points.iter().filter(|p| p.at.is_none()).count().to_string(),
        );
        Ok(FunnelChart {
            title: w.chart_title.fill(vv)?,
            count_label: t.of_figure(&w.counts, "funnels.counts", id)?.fill(vv)?,
            average,
            points,
            words: FunnelWords {
                unit: w.partner_header.fill(vv)?,
                number: w.number_header.fill(vv)?,
                value: t.of_figure(&w.headers, "funnels.headers", id)?.fill(vv)?,
                reading: w.reading_header.fill(vv)?,
                average: w.average.fill(vv)?,
                limits_95: w.limits_95.fill(vv)?,
                limits_99_8: w.limits_99_8.fill(vv)?,
                beyond: w.beyond_key.fill(vv)?,
            },
            alt_text: w.alt.fill(&alt)?,
        })
    }
}

/// Names joined for a sentence ("A, B and C"), or `none`.
fn list_or(names: &[String], none: &str) -> String {
    match names {
        [] => none.to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// For metrics.json: each figure's service average and every partner's figure, limits
/// and reading (unsuppressed, as the rest of the file).
pub(super) fn to_json(metrics: &crate::metrics::Metrics) -> Value {
    let mut out = serde_json::Map::new();
    for id in FIGURES {
        let Some(average) = metrics.get(id, &[]).and_then(|m| m.value) else {
            continue;
        };
        let partners: Vec<Value> = partners(metrics, id)
            .filter_map(|(code, m)| {
                let (at, [inner, outer]) = place(m, average)?;
                let r = crate::metrics::round4;
                Some(json!({
                    "partner_org": code,
                    "denominator": m.denominator,
                    "value": m.value.map(r),
                    "limits_95": [r(inner.0), r(inner.1)],
                    "limits_99_8": [r(outer.0), r(outer.1)],
                    "place": at.key(),
                }))
            })
            .collect();
        out.insert(
            id.to_string(),
            json!({ "average": crate::metrics::round4(average), "partners": partners }),
        );
    }
    Value::Object(out)
}
