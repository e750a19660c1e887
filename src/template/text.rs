//! One sentence of wording with its `{placeholders}`, parsed when the template loads.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::TemplateError;
use crate::catalog::Family;

/// Every placeholder: its name in the wording, and the families whose reports fill it.
macro_rules! placeholders {
    ($($var:ident = $name:literal for $($family:ident)|+;)*) => {
        /// A placeholder of the wording: a value the program fills in. A report's
        /// sentences may use those of its family; any other name is refused at load.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Ph {
            $($var,)*
        }

        impl Ph {
            /// Its name, as the wording writes it in braces.
            pub fn name(self) -> &'static str {
                match self {
                    $(Ph::$var => $name,)*
                }
            }

            /// The placeholder of a name, if there is one.
            pub fn parse(name: &str) -> Option<Ph> {
                match name {
                    $($name => Some(Ph::$var),)*
                    _ => None,
                }
            }

            /// Whether the reports of a family fill it.
            pub fn filled_by(self, family: Family) -> bool {
                match self {
                    $(Ph::$var => [$(Family::$family),+].contains(&family),)*
                }
            }
        }
    };
}

placeholders! {
    AccessRate = "access_rate" for Service;
    BaselineBmeBand7Pct = "baseline_bme_band7_pct" for Workforce;
    BaselineBmePct = "baseline_bme_pct" for Workforce;
    BaselineLabel = "baseline_label" for Workforce;
    BenchmarkLabel = "benchmark_label" for Workforce;
    BenchmarkSource = "benchmark_source" for Workforce;
    BmeBand7Pct = "bme_band7_pct" for Workforce;
    BmePct = "bme_pct" for Workforce;
    CaseWindow = "case_window" for Workforce;
    CulturalTarget = "cultural_target" for Workforce;
    Dataset = "dataset" for Service | Workforce;
    Direction = "direction" for Service;
    England = "england" for Service;
    EnglandPeriod = "england_period" for Service;
    EnglandSources = "england_sources" for Service;
    Figure = "figure" for Service | Workforce;
    First = "first" for Service | Workforce;
    FirstReferral = "first_referral" for Service;
    Fte = "fte" for Workforce;
    FteLeftOut = "fte_left_out" for Workforce;
    FteRows = "fte_rows" for Workforce;
    Gap = "gap" for Service | Workforce;
    Group = "group" for Service;
    Count = "count" for Service | Workforce;
    Problems = "problems" for Service | Workforce;
    Rows = "rows" for Service | Workforce;
    See = "see" for Service | Workforce;
    Share = "share" for Service | Workforce;
    Status = "status" for Service | Workforce;
    Headcount = "headcount" for Workforce;
    InterpretersTarget = "interpreters_target" for Workforce;
    Label = "label" for Service | Workforce;
    Last = "last" for Service | Workforce;
    LastReferral = "last_referral" for Service;
    LowestCluster = "lowest_cluster" for Workforce;
    MentoringTarget = "mentoring_target" for Workforce;
    MinCount = "min_count" for Service | Workforce;
    MinCountLessOne = "min_count_less_one" for Service | Workforce;
    MissingQuarters = "missing_quarters" for Workforce;
    OlderAge = "older_age" for Service;
    Overall = "overall" for Service;
    Partner = "partner" for Service | Workforce;
    PartnerStaff = "partner_staff" for Workforce;
    PeriodEnd = "period_end" for Service | Workforce;
    PeriodLabel = "period_label" for Service | Workforce;
    PeriodNoun = "period_noun" for Workforce;
    PeriodStart = "period_start" for Service;
    PreviousEnd = "previous_end" for Workforce;
    PreviousLabel = "previous_label" for Service | Workforce;
    QuartersWithData = "quarters_with_data" for Workforce;
    Ratio = "ratio" for Service | Workforce;
    Rules = "rules" for Service | Workforce;
    RatioReading = "ratio_reading" for Service;
    RatioSentence = "ratio_sentence" for Service;
    Latest = "latest" for Service | Workforce;
    Lower = "lower" for Service | Workforce;
    Mean = "mean" for Service | Workforce;
    Reading = "reading" for Service | Workforce;
    Recovery = "recovery" for Service;
    RecoverySentence = "recovery_sentence" for Service;
    References = "references" for Workforce;
    Referrals = "referrals" for Service;
    RoundTo = "round_to" for Service | Workforce;
    Second = "second" for Service | Workforce;
    ServiceRecovery = "service_recovery" for Service;
    Significance = "significance" for Service;
    SnapshotDate = "snapshot_date" for Workforce;
    Target = "target" for Service | Workforce;
    TargetYear = "target_year" for Service | Workforce;
    UnknownPct = "unknown_pct" for Workforce;
    Upper = "upper" for Service | Workforce;
    Value = "value" for Service | Workforce;
}

/// The values a report fills its sentences with.
pub type Vars = BTreeMap<Ph, String>;

/// A sentence of a template: literal text and the placeholders between it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(Ph),
}

impl Text {
    /// Parse `{name}`s (lower-case letters, digits and underscores) out of a sentence;
    /// a `{` that opens no such name stays text. A name that is no placeholder is
    /// refused (`Err(name)`).
    pub fn parse(s: &str) -> Result<Text, String> {
        let mut parts: Vec<Part> = Vec::new();
        for piece in pieces(s) {
            match (piece, parts.last_mut()) {
                (Piece::Name(name), _) => {
                    parts.push(Part::Placeholder(Ph::parse(name).ok_or(name)?));
                }
                (Piece::Text(t), Some(Part::Literal(l))) => l.push_str(t),
                (Piece::Text(t), _) => parts.push(Part::Literal(t.to_string())),
            }
        }
        Ok(Text { parts })
    }

    /// The sentence with its placeholders filled. A placeholder the code gives no value
    /// here is a program error (the template's names were checked when it loaded).
    pub fn fill(&self, vars: &Vars) -> Result<String, TemplateError> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Placeholder(ph) => match vars.get(ph) {
                    Some(v) => out.push_str(v),
                    None => {
                        return Err(TemplateError::Unfilled {
                            name: ph.name().into(),
                            text: self.source(),
                        });
                    }
                },
            }
        }
        Ok(out)
    }

    /// The sentence as written, placeholders in braces.
    pub fn source(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(s) => s.clone(),
                Part::Placeholder(ph) => format!("{{{}}}", ph.name()),
            })
            .collect()
    }
}

/// The `{name}`s of a line of wording, placeholders or not (TOML's own braces have
/// spaces and `=` in them), for the load's check with file and line.
pub fn names_in(line: &str) -> Vec<&str> {
    pieces(line)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Name(n) => Some(n),
            Piece::Text(_) => None,
        })
        .collect()
}

/// A stretch of wording: text as it is, or a `{name}` (lower-case letters, digits and
/// underscores) without its braces.
enum Piece<'a> {
    Text(&'a str),
    Name(&'a str),
}

/// A sentence cut into its text and its `{name}`s; a `{` that opens no name is text.
fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                if open > 0 {
                    out.push(Piece::Text(&rest[..open]));
                }
                out.push(Piece::Name(&after[..close]));
                rest = &after[close + 1..];
            }
            _ => {
                out.push(Piece::Text(&rest[..=open]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Text::parse(&s)
            .map_err(|name| serde::de::Error::custom(format!("unknown placeholder {{{name}}}")))
    }
}

/// Fill every sentence of a list.
pub fn fill_all(texts: &[Text], vars: &Vars) -> Result<Vec<String>, TemplateError> {
    texts.iter().map(|t| t.fill(vars)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_parsed_once_and_filled() {
        let t = Text::parse("On {snapshot_date} there were {headcount} staff {in braces: no}.")
            .unwrap();
        let mut v = Vars::new();
        v.insert(Ph::SnapshotDate, "30 September 2026".into());
        v.insert(Ph::Headcount, "120".into());
        assert_eq!(
            t.fill(&v).unwrap(),
            "On 30 September 2026 there were 120 staff {in braces: no}."
        );
        assert_eq!(
            t.source(),
            "On {snapshot_date} there were {headcount} staff {in braces: no}."
        );
        v.remove(&Ph::Headcount);
        assert_eq!(
            t.fill(&v).unwrap_err().to_string(),
            "template text \"On {snapshot_date} there were {headcount} staff {in braces: \
             no}.\": the program gives placeholder {headcount} no value here"
        );
        assert_eq!(Text::parse("a { b").unwrap().fill(&v).unwrap(), "a { b");
        assert_eq!(Text::parse("{headcont} staff").unwrap_err(), "headcont");
        assert_eq!(names_in("x = \"{a} and {b_2} { c = 1 }\""), ["a", "b_2"]);
    }

    #[test]
    fn each_placeholder_has_its_name_and_families() {
        assert_eq!(Ph::parse("period_label"), Some(Ph::PeriodLabel));
        assert_eq!(Ph::PeriodLabel.name(), "period_label");
        assert!(Ph::PeriodLabel.filled_by(Family::Service));
        assert!(Ph::PeriodLabel.filled_by(Family::Workforce));
        assert!(Ph::AccessRate.filled_by(Family::Service));
        assert!(!Ph::AccessRate.filled_by(Family::Workforce));
        assert_eq!(Ph::parse("access rate"), None);
    }
}
