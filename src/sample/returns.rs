//! What the national returns read beyond the staff snapshot: each board member's role,
//! each member of staff's hourly pay, and the partners' published staff-survey results.
//! All drawn from the staff id (or the result's own key) rather than the shared random
//! stream, so every other draw of the sample stays as it was.

use chrono::{Datelike, NaiveDate};

use super::fnv;
use super::people::Staff;

/// A board member's role: about four in ten executive, five non-executive, one not
/// voting.
pub(super) fn board_role(s: &Staff) -> Option<&'static str> {
    s.board.then(|| match fnv(&format!("role {}", s.id)) % 10 {
        0..=3 => "executive",
        4..=8 => "non_executive",
        _ => "non_voting",
    })
}

/// Hourly pay at the bottom of each band of `people::BANDS` (2025/26 Agenda for Change
/// annual pay over 1,950 hours; Other: medical and non-AfC staff).
const BAND_FLOOR: [f64; 13] = [
    12.55, 13.17, 14.63, 15.37, 19.15, 23.67, 27.48, 32.30, 39.42, 47.35, 56.30, 68.00, 48.00,
];

/// Ordinary hourly pay at a snapshot: the band's floor, up to 14 % more by time in the
/// band (from the id), 5 % more for men (more of them at the top of their band) and a
/// little less for BME and disabled staff within a band. One partner's HR system does
/// not supply pay.
pub(super) fn hourly_pay(s: &Staff, on: NaiveDate) -> Option<f64> {
    if s.partner == "CL" {
        return None;
    }
    let place = (fnv(&format!("pay {}", s.id)) % 1000) as f64 / 1000.0;
    let years = f64::from((on.year() - s.start.year()).clamp(0, 7)) / 7.0;
    let mut pay =
        BAND_FLOOR[s.band.min(BAND_FLOOR.len() - 1)] * (1.0 + 0.14 * (place + years) / 2.0);
    if s.sex == "1" {
        pay *= 1.05;
    }
    if s.bme() {
        pay *= 0.985;
    }
    if s.disability == "Y" {
        pay *= 0.99;
    }
    Some((pay * 100.0).round() / 100.0)
}

/// One published survey result (`staff_survey`).
pub(super) struct SurveyRow {
    pub partner: &'static str,
    pub year: i64,
    pub indicator: &'static str,
    pub group: &'static str,
    pub value: f64,
    pub respondents: Option<i64>,
    pub source: String,
}

/// The indicators with each group's typical published share: WRES 5-8 for White and
/// BME staff, WDES 4-8 for disabled and non-disabled staff (WDES 8 is asked of disabled
/// staff only). WDES 9a, an engagement score out of 10, is left out of the sample.
const INDICATORS: &[(&str, [(&str, f64); 2])] = &[
    ("wres5", [("White", 24.0), ("BME", 29.0)]),
    ("wres6", [("White", 20.0), ("BME", 26.0)]),
    ("wres7", [("White", 58.0), ("BME", 46.0)]),
    ("wres8", [("White", 6.5), ("BME", 15.0)]),
    ("wdes4a", [("Disabled", 31.0), ("Non-disabled", 24.0)]),
    ("wdes4b", [("Disabled", 15.0), ("Non-disabled", 9.0)]),
    ("wdes4c", [("Disabled", 22.0), ("Non-disabled", 15.0)]),
    ("wdes4d", [("Disabled", 48.0), ("Non-disabled", 46.0)]),
    ("wdes5", [("Disabled", 50.0), ("Non-disabled", 57.0)]),
    ("wdes6", [("Disabled", 27.0), ("Non-disabled", 19.0)]),
    ("wdes7", [("Disabled", 34.0), ("Non-disabled", 44.0)]),
    ("wdes8", [("Disabled", 72.0), ("Non-disabled", -1.0)]),
];

/// The partners that publish survey results, the years, and each group's respondents:
/// the two trusts' NHS Staff Survey for two autumns, the confederation's for the last,
/// and one voluntary partner's own survey of the same questions (too few BME
/// respondents to show).
const SURVEYS: &[(&str, i64, [i64; 4], &str)] = &[
    (
        "LCH",
        2024,
        [910, 170, 160, 890],
        "NHS Staff Survey 2024, WRES and WDES breakdowns",
    ),
    (
        "LCH",
        2025,
        [925, 185, 170, 905],
        "NHS Staff Survey 2025, WRES and WDES breakdowns",
    ),
    (
        "LYPFT",
        2024,
        [1480, 260, 300, 1410],
        "NHS Staff Survey 2024, WRES and WDES breakdowns",
    ),
    (
        "LYPFT",
        2025,
        [1500, 280, 320, 1430],
        "NHS Staff Survey 2025, WRES and WDES breakdowns",
    ),
    (
        "GPC",
        2025,
        [140, 22, 18, 140],
        "NHS Staff Survey 2025, WRES and WDES breakdowns",
    ),
    (
        "CL",
        2025,
        [38, 4, 7, 35],
        "Community Links staff survey 2025",
    ),
];

/// Every published result of the sample, with two a partner sent wrong (an indicator
/// the contract does not list, a share over 100) for the data-quality page.
pub(super) fn survey_rows() -> Vec<SurveyRow> {
    let mut out = Vec::new();
    for (partner, year, bases, source) in SURVEYS {
        for (indicator, groups) in INDICATORS {
            for (group, typical) in groups {
                if *typical < 0.0 {
                    continue;
                }
                let k = ["White", "BME", "Disabled", "Non-disabled"]
                    .iter()
                    .position(|g| g == group)
                    .unwrap_or(0);
                // a point or two either side, the same every run
                let jitter = (fnv(&format!("{partner} {year} {indicator} {group}")) % 41) as f64
                    / 10.0
                    - 2.0;
                out.push(SurveyRow {
                    partner,
                    year: *year,
                    indicator,
                    group,
                    value: ((typical + jitter) * 10.0).round() / 10.0,
                    respondents: Some(bases[k]),
                    source: source.to_string(),
                });
            }
        }
    }
    let source = "NHS Staff Survey 2025, WRES and WDES breakdowns".to_string();
    out.push(SurveyRow {
        partner: "GPC",
        year: 2025,
        indicator: "wres10",
        group: "BME",
        value: 12.0,
        respondents: Some(22),
        source: source.clone(),
    });
    out.push(SurveyRow {
        partner: "GPC",
        year: 2025,
        indicator: "wres7",
        group: "All",
        value: 104.0,
        respondents: Some(140),
        source,
    });
    out
}
