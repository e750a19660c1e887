//! The wording of each report family as types: every key the code reads is a field, so
//! a file that lacks one is refused when the template loads (naming file, table and
//! key), and a key no field reads is refused too (a misspelt key would otherwise be
//! silently ignored). Sections a family's reports do not all have are options, which
//! the load requires for the reports that print them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::text::Text;

pub use super::service_pages::{
    Access, Deprivation, EthnicSex, EthnicityGap, Funnels, GapsWording, Priority,
};
pub use super::workforce_pages::{BandReturn, Board, ModelEmployerWords, PayGaps, SurveyWords};

/// How each code reads, by breakdown and code (`report_templates/codes.toml`).
pub type Codes = BTreeMap<String, BTreeMap<String, Text>>;

/// How a group's code reads: its wording under its breakdown, or the code itself.
pub fn code_words(codes: &Codes, dim: &str, code: &str) -> Option<String> {
    let text = codes.get(dim)?.get(code)?;
    // (a code's words have no placeholder: the load refuses one)
    text.fill(&Default::default()).ok()
}

/// A key's words in a section's table of them (a column's group, an indicator's
/// name), or the key itself where the table has none.
pub fn words_or_key(
    table: &BTreeMap<String, Text>,
    key: &str,
    vars: &super::text::Vars,
) -> Result<String, super::TemplateError> {
    table.get(key).map_or(Ok(key.to_string()), |t| t.fill(vars))
}

/// A band's name (`codes.afc_band`), or its code.
pub fn band_words(codes: &Codes, band: &str) -> String {
    code_words(codes, "afc_band", band).unwrap_or_else(|| band.to_string())
}

/// What every section has: its heading and the list of tables and charts it shows.
pub struct Head<'a> {
    pub heading: &'a Text,
    pub show: Option<&'a [String]>,
}

/// Three words for a comparison with an interval.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub lower: Text,
    pub higher: Text,
    pub similar: Text,
}

/// The methodology page: paragraphs under a heading.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Methodology {
    pub heading: Text,
    pub paragraphs: Vec<Text>,
    // added after the service reports' own paragraphs
    pub targets_heading: Option<Text>,
    pub targets: Option<Text>,
    pub local_target: Option<Text>,
    pub england: Option<Text>,
    pub no_england: Option<Text>,
}

/// The data-quality page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub no_problems: Text,
    pub rows_heading: Text,
    pub problems_heading: Text,
    pub ethnicity_heading: Text,
    pub exact: Text,
    /// (service-user reports)
    pub ethnicity_intro: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    pub note: Text,
}

/// A section of a heading, an introduction and its tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plain {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
}

/// A section of breakdown tables: the figures of their columns and the one each group
/// is compared with the service on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdowns {
    pub show: Option<Vec<String>>,
    pub figures: Vec<String>,
    pub compare: String,
    pub heading: Text,
    pub intro: Text,
}

/// The headline table of a service-user report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSummary {
    pub show: Option<Vec<String>>,
    pub figures: Vec<String>,
    pub heading: Text,
    pub intro: Text,
    pub note: Text,
    pub change_header: Text,
    pub target_header: Text,
    pub status_header: Text,
    pub target_higher: Text,
    pub target_lower: Text,
    /// A target that is a trajectory's step, with its financial year.
    pub target_of_year: Text,
    pub england_header: Text,
    pub england_note: Text,
    pub partial: Text,
    /// The columns of a figure's change over time: its latest month's reading and its
    /// assurance against the target.
    pub variation_header: Text,
    pub assurance_header: Text,
    pub over_time_note: Text,
}

/// The service-user reports' wording (service-common.toml under each report's file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceWording {
    pub title: Text,
    pub cover_lines: Vec<Text>,
    pub keywords: Vec<Text>,
    pub sections: Vec<String>,
    pub words: Words,
    /// A figure's label, by metric id.
    pub labels: BTreeMap<String, Text>,
    /// A figure's column heading in the breakdown tables, by metric id.
    pub headings: BTreeMap<String, Text>,
    /// The heading over each breakdown's table, by the breakdown's name.
    pub breakdowns: BTreeMap<String, Text>,
    pub codes: Codes,
    pub summary: ServiceSummary,
    pub change: Change,
    pub gaps: GapsWording,
    pub ethnicity_gap: EthnicityGap,
    pub key_messages: KeyMessages,
    pub methodology: Methodology,
    pub access: Access,
    pub sources: Plain,
    pub interpreter: Breakdowns,
    pub quality: Quality,
    pub rounding: Rounding,
    // equity-annual's own
    pub priority: Option<Priority>,
    pub engagement: Option<Breakdowns>,
    pub outcomes: Option<Breakdowns>,
    pub waits: Option<Breakdowns>,
    pub hidden_waits: Option<Breakdowns>,
    pub characteristics: Option<Breakdowns>,
    pub deprivation: Option<Deprivation>,
    pub ethnic_sex: Option<EthnicSex>,
    pub funnels: Option<Funnels>,
}

/// The headline table of a workforce report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkforceSummary {
    pub show: Option<Vec<String>>,
    pub figures: Vec<String>,
    pub heading: Text,
    pub intro: Text,
    pub change_header: Text,
    pub target_header: Text,
    pub status_header: Text,
    pub target_higher: Text,
    pub target_lower: Text,
    /// A target that is a trajectory's step, with its financial year.
    pub target_of_year: Text,
    pub no_previous: Text,
    pub fte_left_out: Text,
    pub rag_note: Text,
    /// The columns of a figure's change over time, as the service summary's, each with
    /// its note (the second column is left out where no series can be judged yet).
    pub variation_header: Text,
    pub assurance_header: Text,
    pub over_time_note: Text,
    pub assurance_note: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Representation {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub chart_title: Text,
    pub chart_axis: Text,
    pub chart_reference: Text,
    pub chart_alt: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub not_supplied: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicators {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub wres2: Text,
    pub wres3: Text,
    pub wres4: Text,
    pub wdes2: Text,
    pub wres9: Text,
    pub turnover: Text,
    pub no_adverse: Text,
    pub higher: Text,
    pub lower: Text,
    pub not_computable: Text,
    pub outside: Text,
    pub chance: Text,
}

/// The SPC charts of a report (docs/reports.md, "Change over time"): one per series of
/// `spc.service_figures` or `spc.workforce_figures`, with its key and its description
/// in words.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// A figure's name on its chart where the report's label does not fit one point
    /// (turnover "in the year" charted a quarter at a time), by metric id.
    #[serde(default)]
    pub labels: BTreeMap<String, Text>,
    pub heading: Text,
    pub intro: Text,
    pub chart_title: Text,
    pub chart_axis: Text,
    pub reading: Text,
    pub mean: Text,
    pub limits: Text,
    pub trial_limits: Text,
    pub common: Text,
    pub improvement: Text,
    pub concern: Text,
    pub neither: Text,
    pub alt_xmr: Text,
    pub alt_run: Text,
    pub latest_common: Text,
    pub latest_special: Text,
    pub rule_beyond: Text,
    pub rule_two: Text,
    pub rule_shift: Text,
    pub rule_trend: Text,
    pub assurance_passes: Text,
    pub assurance_fails: Text,
    pub assurance_hit_and_miss: Text,
    pub left_out: Text,
    pub not_charted: Text,
    /// The summary's words: a series too short for limits, and the assurance icons.
    pub run_chart: Text,
    pub summary_improvement: Text,
    pub summary_concern: Text,
    pub summary_neither: Text,
    pub passes: Text,
    pub fails: Text,
    pub hit_and_miss: Text,
}

/// The key messages that open a report, each chosen by a rule from its figures (README,
/// "Key messages"), in the rules' order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyMessages {
    pub heading: Text,
    pub intro: Text,
    /// When no rule finds anything.
    pub none: Text,
    /// After the cap: how many more the rules found.
    pub more: Text,
    /// A headline figure short of its target.
    pub missed: Text,
    /// The latest point of a figure's SPC chart is a special cause.
    pub concern: Text,
    pub improvement: Text,
    /// Workforce: a WRES or WDES relative likelihood outside the band of no adverse
    /// impact, its interval clear of 1 or not.
    pub adverse: Option<Text>,
    pub adverse_chance: Option<Text>,
    /// Service: a group significantly worse than the service on a standard it meets.
    pub below: Option<Text>,
    /// A dataset with problems in enough of its rows to change a reading.
    pub quality: Text,
    /// The rules and their order, for the methodology page.
    pub method: Text,
    pub decide_heading: Text,
    /// A site's own paragraph for the board, printed under `decide_heading`.
    pub decide: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trend {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub missing: Text,
    pub not_supplied: Text,
    pub chart_title: Text,
    pub chart_axis: Text,
    pub chart_alt: Text,
    /// The description of a trend with no target or baseline line.
    pub chart_alt_plain: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wres1 {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub chart_title: Text,
    pub chart_axis: Text,
    pub chart_alt: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub higher: Text,
    pub lower: Text,
    pub similar: Text,
    pub note: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outside {
    pub show: Option<Vec<String>>,
    pub heading: Text,
    pub intro: Text,
    pub indicators: Vec<Text>,
}

/// The table of each partner's figures.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partners {
    pub show: Option<Vec<String>>,
    /// Its columns after the staff in post (metric ids), each headed by `headings`.
    pub figures: Vec<String>,
    pub heading: Text,
    pub intro: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerPage {
    pub show: Option<Vec<String>>,
    /// Its rows after the staff in post (metric ids), each named by `labels`.
    pub figures: Vec<String>,
    pub heading: Text,
    pub intro: Text,
    pub small: Text,
    pub no_staff: Text,
    pub note: Text,
}

/// The workforce reports' wording (workforce-common.toml under each report's file).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkforceWording {
    pub title: Text,
    pub cover_lines: Vec<Text>,
    pub keywords: Vec<Text>,
    pub sections: Vec<String>,
    /// A figure's label, by metric id.
    pub labels: BTreeMap<String, Text>,
    /// A figure's column heading in the partner table, by metric id.
    pub headings: BTreeMap<String, Text>,
    pub codes: Codes,
    pub summary: WorkforceSummary,
    pub change: Change,
    pub key_messages: KeyMessages,
    pub representation: Representation,
    pub partners: Partners,
    pub training: Training,
    pub quality: Quality,
    pub indicators: Indicators,
    pub methodology: Methodology,
    pub rounding: Rounding,
    // workforce-annual's own
    pub trend: Option<Trend>,
    pub wres1: Option<Wres1>,
    pub population: Option<Population>,
    pub outside: Option<Outside>,
    pub partner_page: Option<PartnerPage>,
    pub band_return: Option<BandReturn>,
    pub board: Option<Board>,
    pub pay_gaps: Option<PayGaps>,
    pub model_employer: Option<ModelEmployerWords>,
    pub survey: Option<SurveyWords>,
}

/// A section's heading and `show` list by its key, from any of its tables.
macro_rules! head {
    ($s:expr) => {
        Head {
            heading: &$s.heading,
            show: $s.show.as_deref(),
        }
    };
}

/// A section of breakdown tables as the tables see it: its columns, the figure each
/// group is compared on, and its introduction.
pub struct Columns<'a> {
    pub figures: &'a [String],
    pub compare: &'a str,
    pub intro: &'a Text,
}

impl ServiceWording {
    /// The columns of a section of breakdown tables (access, interpreter and
    /// equity-annual's engagement, outcomes, waits and hidden waits).
    pub fn columns(&self, key: &str) -> Option<Columns<'_>> {
        let b = match key {
            "access" => {
                return Some(Columns {
                    figures: &self.access.figures,
                    compare: &self.access.compare,
                    intro: &self.access.intro,
                });
            }
            "interpreter" => &self.interpreter,
            "engagement" => self.engagement.as_ref()?,
            "outcomes" => self.outcomes.as_ref()?,
            "waits" => self.waits.as_ref()?,
            "hidden_waits" => self.hidden_waits.as_ref()?,
            "characteristics" => self.characteristics.as_ref()?,
            _ => return None,
        };
        Some(Columns {
            figures: &b.figures,
            compare: &b.compare,
            intro: &b.intro,
        })
    }

    /// The heading and `show` list of a section, if the files word it.
    pub fn head(&self, key: &str) -> Option<Head<'_>> {
        Some(match key {
            "summary" => head!(self.summary),
            "key_messages" => Head {
                heading: &self.key_messages.heading,
                show: None,
            },
            "change" => Head {
                heading: &self.change.heading,
                show: None,
            },
            "gaps" => head!(self.gaps),
            "access" => head!(self.access),
            "sources" => head!(self.sources),
            "interpreter" => head!(self.interpreter),
            "quality" => head!(self.quality),
            "methodology" => Head {
                heading: &self.methodology.heading,
                show: None,
            },
            "priority" => head!(self.priority.as_ref()?),
            "engagement" => head!(self.engagement.as_ref()?),
            "outcomes" => head!(self.outcomes.as_ref()?),
            "waits" => head!(self.waits.as_ref()?),
            "hidden_waits" => head!(self.hidden_waits.as_ref()?),
            "characteristics" => head!(self.characteristics.as_ref()?),
            "deprivation" => head!(self.deprivation.as_ref()?),
            "ethnic_sex" => head!(self.ethnic_sex.as_ref()?),
            "funnels" => head!(self.funnels.as_ref()?),
            _ => return None,
        })
    }
}

impl WorkforceWording {
    /// The heading and `show` list of a section, if the files word it.
    pub fn head(&self, key: &str) -> Option<Head<'_>> {
        Some(match key {
            "summary" => head!(self.summary),
            "key_messages" => Head {
                heading: &self.key_messages.heading,
                show: None,
            },
            "change" => Head {
                heading: &self.change.heading,
                show: None,
            },
            "representation" => head!(self.representation),
            "partners" => head!(self.partners),
            "training" => head!(self.training),
            "quality" => head!(self.quality),
            "indicators" => head!(self.indicators),
            "methodology" => Head {
                heading: &self.methodology.heading,
                show: None,
            },
            "trend" => head!(self.trend.as_ref()?),
            "wres1" => head!(self.wres1.as_ref()?),
            "population" => head!(self.population.as_ref()?),
            "outside" => head!(self.outside.as_ref()?),
            "partner_page" => head!(self.partner_page.as_ref()?),
            "band_return" => head!(self.band_return.as_ref()?),
            "board" => head!(self.board.as_ref()?),
            "pay_gaps" => head!(self.pay_gaps.as_ref()?),
            "model_employer" => head!(self.model_employer.as_ref()?),
            "survey" => head!(self.survey.as_ref()?),
            _ => return None,
        })
    }
}
