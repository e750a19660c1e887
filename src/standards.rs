//! Figures held against their targets and set beside published comparators: the RAG
//! judgement every report prints (and `metrics.json` records), in one place.

use serde_json::{Value, json};

use crate::config::{Settings, Target};
use crate::registry::{Better, Figure};

/// Where a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rag {
    /// At or beyond the target on the better side.
    Green,
    /// Short of it by no more than the amber margin.
    Amber,
    /// Further short.
    Red,
}

impl Rag {
    /// The word the PDF prints: colour is never the only signal.
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "Green",
            Rag::Amber => "Amber",
            Rag::Red => "Red",
        }
    }
}

/// The figure's value judged against a target, on the value as it is shown (so a
/// reader never sees 75.0 % called short of 75 %). None for a figure that is better
/// neither higher nor lower.
pub fn judge(figure: &Figure, value: f64, target: &Target) -> Option<Rag> {
    let step = figure.shown_step();
    let shown = (value / step).round() * step;
    // how far short of the target the figure falls, in its own units
    let short = match figure.better {
        Better::Higher => target.value - shown,
        Better::Lower => shown - target.value,
        Better::Neither => return None,
    };
    // half a step of tolerance: the value and the target are both on the shown grid
    let tolerance = step / 2.0;
    Some(if short <= tolerance {
        Rag::Green
    } else if short <= target.amber_margin + tolerance {
        Rag::Amber
    } else {
        Rag::Red
    })
}

/// The settings' `[targets]`, by metric id.
pub type Targets = std::collections::BTreeMap<String, Target>;

/// The target of a figure, if the settings give it one.
pub fn target_of<'a>(targets: &'a Targets, id: &str) -> Option<(&'static Figure, &'a Target)> {
    let f = crate::registry::figure(id)?;
    f.target_key()?;
    Some((f, targets.get(id)?))
}

/// The judgement of a figure's overall value, if it has a target and a value.
pub fn rag_of(targets: &Targets, id: &str, value: Option<f64>) -> Option<Rag> {
    let (f, t) = target_of(targets, id)?;
    judge(f, value?, t)
}

fn better_word(b: Better) -> &'static str {
    match b {
        Better::Higher => "higher",
        Better::Lower => "lower",
        Better::Neither => "neither",
    }
}

/// For `metrics.json`: every target of the report's figures with its source and the
/// overall figure's RAG, and every England comparator with its publication.
/// `value` gives a figure's overall value; `ids` are the report's figures.
pub fn json_for<'a>(
    settings: &Settings,
    ids: impl Iterator<Item = &'a str>,
    value: impl Fn(&str) -> Option<f64>,
) -> serde_json::Map<String, Value> {
    let mut targets = Vec::new();
    let mut england = Vec::new();
    for id in ids {
        if let Some((f, t)) = target_of(&settings.targets, id) {
            let v = value(id);
            targets.push(json!({
                "metric": id,
                "target": t.value,
                "amber_margin": t.amber_margin,
                "better": better_word(f.better),
                "source": t.source,
                "year": t.year,
                "value": v.map(crate::metrics::round4),
                "rag": v.and_then(|v| judge(f, v, t)).map(Rag::as_str),
            }));
        }
        if let Some(c) = settings.comparators.england.get(id) {
            england.push(json!({
                "metric": id,
                "value": c.value,
                "source": c.source,
                "period": c.period,
            }));
        }
    }
    let mut m = serde_json::Map::new();
    m.insert("targets".into(), Value::Array(targets));
    m.insert("comparators".into(), json!({ "england": england }));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::figure;

    fn target(value: f64, amber_margin: f64) -> Target {
        Target {
            value,
            amber_margin,
            source: None,
            by_year: Default::default(),
            year: None,
        }
    }

    /// At, just short of, within and beyond the margin, for a figure better higher
    /// (recovery, target 50 %, margin 5 points) and one better lower (appointments
    /// missed, target 10 %, margin 5 points). Values are counts over 1,000 and 20.
    #[test]
    fn rag_at_and_either_side_of_each_boundary_in_both_directions() {
        let recovery = figure("tt.recovery_pct").unwrap();
        let t = target(0.50, 0.05);
        let r = |n: u32, d: u32| judge(recovery, n as f64 / d as f64, &t);
        assert_eq!(r(10, 20), Some(Rag::Green)); // 50.0 %: at the target
        assert_eq!(r(11, 20), Some(Rag::Green)); // 55.0 %: beyond it
        assert_eq!(r(499, 1000), Some(Rag::Amber)); // 49.9 %: just short
        assert_eq!(r(9, 20), Some(Rag::Amber)); // 45.0 %: at the edge of the margin
        assert_eq!(r(449, 1000), Some(Rag::Red)); // 44.9 %: beyond the margin
        assert_eq!(r(8, 20), Some(Rag::Red)); // 40.0 %
        // judged as shown: 49.96 % is printed 50.0 % and is green
        assert_eq!(r(4996, 10000), Some(Rag::Green));
        assert_eq!(r(4994, 10000), Some(Rag::Amber)); // printed 49.9 %

        let dna = figure("tt.dna_pct").unwrap();
        let t = target(0.10, 0.05);
        let d = |n: u32, den: u32| judge(dna, n as f64 / den as f64, &t);
        assert_eq!(d(2, 20), Some(Rag::Green)); // 10.0 %: at the target
        assert_eq!(d(1, 20), Some(Rag::Green)); // 5.0 %: better
        assert_eq!(d(101, 1000), Some(Rag::Amber)); // 10.1 %: just over
        assert_eq!(d(3, 20), Some(Rag::Amber)); // 15.0 %: edge of the margin
        assert_eq!(d(151, 1000), Some(Rag::Red)); // 15.1 %
        assert_eq!(d(4, 20), Some(Rag::Red)); // 20.0 %

        // a count target (10 matched, margin 3): 10 green, 7 amber, 6 red
        let matched = figure("mentoring.bme_matched").unwrap();
        let t = target(10.0, 3.0);
        let m = |v: f64| judge(matched, v, &t);
        assert_eq!(
            [m(10.0), m(7.0), m(6.0)],
            [Some(Rag::Green), Some(Rag::Amber), Some(Rag::Red)]
        );
        // no direction, no judgement
        assert_eq!(judge(figure("tt.referrals").unwrap(), 5.0, &t), None);
    }
}
