//! The workforce reports' settings: the WRES 3 window and the model-employer ambition.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Baseline;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workforce {
    pub disciplinary_window_months: u32,
    pub model_employer: ModelEmployer,
}

/// The model-employer ambition (docs/reports.md, `wf.model_employer`): each senior
/// band's BME share on a straight line from its baseline to the goal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEmployer {
    /// When the bands' baseline shares were taken.
    pub baseline_date: chrono::NaiveDate,
    /// Each band's BME share at the baseline, by band code (`8A`, `8B`, `8C`, `8D`,
    /// `9`, `VSM`); a band without one has no trajectory.
    pub baseline: BTreeMap<String, f64>,
    /// The share every band aims at; none: the organisation's BME share at the
    /// baseline (`baseline."wf.bme_pct"`).
    #[serde(default)]
    pub goal: Option<f64>,
    pub goal_date: chrono::NaiveDate,
}

/// The senior bands the model employer follows, in order.
pub const MODEL_EMPLOYER_BANDS: [&str; 6] = ["8A", "8B", "8C", "8D", "9", "VSM"];

impl ModelEmployer {
    /// The share a band aims at by the goal date.
    pub fn goal(&self, baseline: &Baseline) -> Option<f64> {
        self.goal.or(baseline.values.get("wf.bme_pct").copied())
    }

    /// A band's aspirational share on `on`: its baseline share until the baseline date,
    /// the goal from the goal date, on the straight line between.
    pub fn aspiration(
        &self,
        band: &str,
        on: chrono::NaiveDate,
        baseline: &Baseline,
    ) -> Option<f64> {
        let from = *self.baseline.get(band)?;
        let to = self.goal(baseline)?;
        let span = (self.goal_date - self.baseline_date).num_days() as f64;
        let done = ((on - self.baseline_date).num_days() as f64 / span).clamp(0.0, 1.0);
        Some(from + (to - from) * done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_bands_step_is_on_the_straight_line_from_its_baseline_to_the_goal() {
        let me = ModelEmployer {
            baseline_date: date("2025-03-31"),
            baseline: [("8A".to_string(), 0.10)].into(),
            goal: Some(0.20),
            goal_date: date("2028-03-31"),
        };
        let base = Baseline {
            label: "May 2025".into(),
            values: [("wf.bme_pct".to_string(), 0.198)].into(),
        };
        let at = |d: &str| me.aspiration("8A", date(d), &base).unwrap();
        // 365 of 1,096 days on: a third of the way, less a day's worth
        assert!((at("2026-03-31") - (0.10 + 0.10 * 365.0 / 1096.0)).abs() < 1e-12);
        // held at the ends
        assert_eq!(at("2024-01-01"), 0.10);
        assert_eq!(at("2029-01-01"), 0.20);
        assert_eq!(me.aspiration("9", date("2026-03-31"), &base), None);
        // no goal set: the workforce's share at the baseline
        let me = ModelEmployer { goal: None, ..me };
        assert_eq!(me.goal(&base), Some(0.198));
    }
}
