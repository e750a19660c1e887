//! The wording of the annual workforce report's pages of the national returns: the
//! staff by pay band as the WRES and WDES returns lay them out, and the board. Types of
//! [`super::wording`], which re-exports them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::text::Text;

/// "Staff by pay band: the national returns' table" (WRES 1 and WDES 1).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandReturn {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    /// Each table's subheading: the WRES table's and the WDES table's.
    pub wres_title: Text,
    pub wdes_title: Text,
    pub band_header: Text,
    pub total_header: Text,
    /// The group headings over each half of a table.
    pub clinical: Text,
    pub non_clinical: Text,
    /// The columns' headings by group: WRES groups, then disability codes.
    pub groups: BTreeMap<String, Text>,
    pub note: Text,
}

/// "The board" (WRES 9 and WDES 10).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub role_header: Text,
    pub members_header: Text,
    pub bme_header: Text,
    pub disabled_header: Text,
    pub all_members: Text,
    pub executive: Text,
    pub non_executive: Text,
    pub workforce: Text,
    /// WDES 10: the board's disabled share against the workforce's, in points.
    pub wdes10: Text,
    pub wdes10_hidden: Text,
    pub no_roles: Text,
    pub no_board: Text,
    pub note: Text,
}

/// "Pay gaps": the gender, ethnicity and disability pay gaps and the pay quartiles.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayGaps {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub gap_header: Text,
    pub mean_header: Text,
    pub median_header: Text,
    pub staff_header: Text,
    /// Each gap's row by its mean figure's id: its name and the groups it compares.
    pub gaps: BTreeMap<String, Text>,
    /// "{first} men, {second} women": the staff with pay on each side.
    pub sides: BTreeMap<String, Text>,
    pub quartiles_title: Text,
    pub quartile_header: Text,
    /// The quartiles' names, lower to upper.
    pub quartiles: Vec<Text>,
    /// The quartile table's columns by `pay_group`.
    pub groups: BTreeMap<String, Text>,
    pub no_pay: Text,
    pub note: Text,
}

/// "The model employer": each senior band against this year's step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEmployerWords {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub meets: Text,
    pub short: Text,
    pub hidden: Text,
    pub no_bands: Text,
    pub chart_title: Text,
    pub chart_axis: Text,
    pub chart_alt: Text,
    pub actual: Text,
    pub step: Text,
}

/// "The staff survey": the partners' published WRES and WDES survey results.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyWords {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub not_supplied: Text,
    pub wres_title: Text,
    pub wdes_title: Text,
    pub partner_header: Text,
    pub year_header: Text,
    pub source_header: Text,
    /// The columns' headings by staff group.
    pub groups: BTreeMap<String, Text>,
    /// Each indicator's words by its code (`wres5`).
    pub indicators: BTreeMap<String, Text>,
    pub note: Text,
}
