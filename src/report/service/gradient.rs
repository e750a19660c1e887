//! The deprivation gradient as a number (docs/reports.md, "Uncertainty and comparison"):
//! the slope and relative indices of inequality of recovery and of the access rate
//! across IMD deciles, or quintiles where a decile's figure is too small to show, from
//! the figures the run already has for each quantile (`stats::sii`), with intervals by
//! simulation from a fixed seed, so that a rerun gives the same bytes.

use std::collections::BTreeMap;

use crate::config::Disclosure;
use crate::metrics::{GroupRate, Metric, Metrics};
use crate::stats::{self, Scale};

/// Draws of the simulation: PHEindicatormethods's default.
const REPETITIONS: usize = 100_000;
/// The simulation's seed: fixed, so a rerun draws the same numbers.
const SEED: u64 = 20_250_401;

/// The figures a gradient is fitted to, with its two ids, the scale its values are
/// drawn on, and the factor that puts the slope in the figure's units (points for a
/// share).
const GRADIENTS: &[(&str, &str, &str, Scale, f64)] = &[
    (
        "tt.recovery_pct",
        "tt.recovery_sii_pp",
        "tt.recovery_rii",
        Scale::Logit,
        100.0,
    ),
    (
        "tt.access_rate_per_1000",
        "tt.access_sii_per_1000",
        "tt.access_rii",
        Scale::Log,
        1.0,
    ),
];

/// Deciles first; quintiles where a decile's figure cannot be used.
const QUANTILES: [(&str, u32); 2] = [("imd_decile", 10), ("imd_quintile", 5)];

/// Each gradient's SII and RII, overall; without a value where neither deciles nor
/// quintiles can be used (a figure hidden, or one at 0 or 100 %, which the simulation's
/// scale cannot hold).
pub(super) fn metrics(all: &Metrics, d: &Disclosure) -> Vec<Metric> {
    let mut out = Vec::new();
    for &(from, sii_id, rii_id, scale, factor) in GRADIENTS {
        let usable = |m: &Metric| {
            let inside = |x: f64| match scale {
                Scale::Logit => x > 0.0 && x < 1.0,
                Scale::Log => x > 0.0,
            };
            !d.figure_hidden(m)
                && m.denominator.is_some_and(|n| n > 0)
                && [m.value, m.ci_low, m.ci_high]
                    .iter()
                    .all(|x| x.is_some_and(inside))
        };
        let chosen = QUANTILES.iter().find_map(|(dim, n)| {
            let ms: Option<Vec<&Metric>> = (1..=*n)
                .map(|q| all.get(from, &[(dim, &q.to_string())]))
                .collect();
            let ms = ms?;
            ms.iter().all(|m| usable(m)).then_some((*dim, ms))
        });
        let Some((dim, ms)) = chosen else {
            out.push(empty(sii_id));
            out.push(empty(rii_id));
            continue;
        };
        let groups: Vec<GroupRate> = ms
            .iter()
            .map(|m| GroupRate {
                group: format!("{dim}={}", m.by[dim]),
                numerator: m.numerator.unwrap_or(0),
                denominator: m.denominator.unwrap_or(0),
            })
            .collect();
        let weights: Vec<f64> = groups.iter().map(|g| g.denominator as f64).collect();
        let values: Vec<f64> = ms.iter().map(|m| m.value.unwrap_or(0.0)).collect();
        let lows: Vec<f64> = ms.iter().map(|m| m.ci_low.unwrap_or(0.0)).collect();
        let highs: Vec<f64> = ms.iter().map(|m| m.ci_high.unwrap_or(0.0)).collect();
        let point = stats::sii(&weights, &values);
        let interval =
            stats::sii_interval(&weights, (&values, &lows, &highs), scale, REPETITIONS, SEED);
        let metric = |id: &str, value: Option<f64>, ci: Option<(f64, f64)>| Metric {
            id: id.to_string(),
            by: BTreeMap::new(),
            numerator: None,
            denominator: None,
            value,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            groups: groups.clone(),
            left_out: None,
        };
        out.push(metric(
            sii_id,
            point.map(|p| p.0 * factor),
            interval.map(|i| (i.0.0 * factor, i.0.1 * factor)),
        ));
        out.push(metric(rii_id, point.map(|p| p.1), interval.map(|i| i.1)));
    }
    out
}

/// A gradient that could not be fitted.
fn empty(id: &str) -> Metric {
    Metric {
        id: id.to_string(),
        by: BTreeMap::new(),
        numerator: None,
        denominator: None,
        value: None,
        ci_low: None,
        ci_high: None,
        groups: Vec::new(),
        left_out: None,
    }
}

impl super::Builder<'_> {
    /// Each gradient in a sentence: how much lower (or higher) the figure is in the most
    /// deprived areas than in the least, the SII's interval and whether it holds no
    /// difference, and the RII; a sentence saying why where there is none.
    pub(super) fn gradient_words(
        &self,
        v: &super::Vars,
    ) -> Result<Vec<crate::pdf::model::Block>, crate::report::ReportError> {
        use crate::template::Ph;
        let t = &self.template;
        let dep = t.need(&t.deprivation, "deprivation")?;
        let mut out = Vec::new();
        for &(_, sii_id, rii_id, _, _) in GRADIENTS {
            let (Some(sii), Some(rii)) =
                (self.metrics.get(sii_id, &[]), self.metrics.get(rii_id, &[]))
            else {
                continue;
            };
            let sentence = if sii_id.starts_with("tt.recovery") {
                &dep.recovery_gradient
            } else {
                &dep.access_gradient
            };
            let mut vv = v.clone();
            let shown = (!self.hidden(sii) && !self.hidden(rii)).then_some(());
            let (Some(()), Some(s), Some(r)) = (shown, sii.value, rii.value) else {
                out.push(crate::pdf::model::Block::Paragraph(
                    dep.gradient_none.fill(v)?,
                ));
                continue;
            };
            let quintiles = sii
                .groups
                .first()
                .is_some_and(|g| g.group.starts_with("imd_quintile"));
            vv.insert(
                Ph::Group,
                if quintiles {
                    &dep.quintiles
                } else {
                    &dep.deciles
                }
                .fill(v)?,
            );
            vv.insert(Ph::Value, format!("{:.1}", s.abs()));
            let direction = if s >= 0.0 { &dep.lower } else { &dep.higher };
            vv.insert(Ph::Direction, direction.fill(v)?);
            let one = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.1}"));
            vv.insert(Ph::Lower, one(sii.ci_low));
            vv.insert(Ph::Upper, one(sii.ci_high));
            let ratio = match (rii.ci_low, rii.ci_high) {
                (Some(lo), Some(hi)) => format!("{r:.2} ({lo:.2} to {hi:.2})"),
                _ => format!("{r:.2}"),
            };
            vv.insert(Ph::Ratio, ratio);
            // judged on the interval as shown: excluding 0 is a gradient beyond chance
            let clear = match (sii.ci_low, sii.ci_high) {
                (Some(lo), Some(hi)) => super::clear_of_zero(lo, hi),
                _ => false,
            };
            let reading = if clear { &dep.clear } else { &dep.unclear };
            vv.insert(Ph::Significance, reading.fill(v)?);
            out.push(crate::pdf::model::Block::Paragraph(sentence.fill(&vv)?));
        }
        Ok(out)
    }
}
