//! The wording of the service reports' own pages: who is referred (access), the
//! priority groups, the gaps, the partners, deprivation, ethnic group by sex. Types of
//! [`super::wording`], which re-exports them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::text::Text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    pub show: Option<Vec<String>>,
    pub figures: Vec<String>,
    pub compare: String,
    pub heading: Text,
    pub intro: Text,
    pub chart_title: Text,
    pub chart_axis: Text,
    pub chart_reference: Text,
    pub chart_alt: Text,
    pub no_population: Text,
    pub no_disability: Text,
    pub priority_note: Text,
    /// Standardised access by ethnic group (src/report/service/standardised.rs).
    pub standardised_heading: Text,
    pub standardised_crude: Text,
    pub standardised_header: Text,
    pub standardised_note: Text,
    pub standardised_changes: Text,
    pub standardised_same: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    pub show: Option<Vec<String>>,
    pub figures: Vec<String>,
    pub heading: Text,
    pub intro: Text,
    pub note: Text,
    pub sentence: Text,
    pub ratio: Text,
    pub under: Text,
    pub over: Text,
    pub in_line: Text,
    pub hidden: Text,
    pub no_population: Text,
    pub recovery: Text,
    pub recovery_hidden: Text,
    pub standards_heading: Text,
    pub standards_intro: Text,
    pub standards_none: Text,
    pub standard_header: Text,
    pub meets: Text,
    pub misses: Text,
    pub standards_note: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprivation {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub access_title: Text,
    pub access_axis: Text,
    pub access_alt: Text,
    pub recovery_title: Text,
    pub recovery_axis: Text,
    pub recovery_alt: Text,
    pub target_alt: Text,
    pub england_alt: Text,
    /// The gradients in words (src/report/service/gradient.rs).
    pub recovery_gradient: Text,
    pub access_gradient: Text,
    pub lower: Text,
    pub higher: Text,
    pub clear: Text,
    pub unclear: Text,
    pub gradient_none: Text,
    pub deciles: Text,
    pub quintiles: Text,
}

/// How the partners compare: funnel limits (src/report/service/funnel.rs).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funnels {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub note: Text,
    pub partner_header: Text,
    /// Each figure's column heading, by metric id.
    pub headers: BTreeMap<String, Text>,
    /// "{figure}: beyond the 99.8 % limits, higher {first}; lower {second}."
    pub beyond: Text,
    pub none_beyond: Text,
    pub no_partner: Text,
    pub within: Text,
    pub above_95: Text,
    pub below_95: Text,
    pub above_99_8: Text,
    pub below_99_8: Text,
    /// Each figure's funnel plot: its title, what its number across counts (by metric
    /// id), the key's words and the data table's headings.
    pub chart_title: Text,
    pub counts: BTreeMap<String, Text>,
    pub average: Text,
    pub limits_95: Text,
    pub limits_99_8: Text,
    pub beyond_key: Text,
    pub number_header: Text,
    pub reading_header: Text,
    /// The chart's description: how many partners lie where.
    pub alt: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EthnicSex {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub note: Text,
}

/// "Are the gaps closing?" of a service report: the gaps quarter by quarter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GapsWording {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub reading: Text,
    pub white_british_heading: Text,
    pub recovery_first: Text,
    pub recovery_second: Text,
    pub recovery_gap: Text,
    pub reliable_recovery_gap: Text,
    pub white_british_note: Text,
    pub priority_recovery_heading: Text,
    pub priority_wait_heading: Text,
    pub priority_note: Text,
}

/// The ethnicity recovery gap of the period in words (the summary, the priority page)
/// and by partner (equity-annual's priority page).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EthnicityGap {
    /// "{figure} was {value} points {direction} for ... ({lower} to {upper}): {significance}."
    pub sentence: Text,
    pub same: Text,
    pub recovery: Text,
    pub reliable_recovery: Text,
    pub lower: Text,
    pub higher: Text,
    pub significant: Text,
    pub not_significant: Text,
    pub partner_heading: Text,
    pub partner_header: Text,
    pub partner_note: Text,
}
