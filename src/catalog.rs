//! The names everything below the reports needs: which reports there are, the kind of
//! period each takes and the sections each can print (the figures are in
//! [`crate::registry`]). A leaf: it imports nothing of the program's but the period
//! kinds.

use crate::period::PeriodKind;

/// Every report id the configuration may route.
pub const REPORT_IDS: &[&str] = &[
    "workforce-quarterly",
    "workforce-annual",
    "access-biannual",
    "equity-annual",
];

/// The sections each report can print; its template's `sections` list gives which of
/// them are printed and in what order.
pub fn section_keys(report: &str) -> &'static [&'static str] {
    match report {
        "workforce-quarterly" => &[
            "summary",
            "representation",
            "partners",
            "training",
            "indicators",
            "methodology",
            "quality",
        ],
        "workforce-annual" => &[
            "summary",
            "trend",
            "wres1",
            "population",
            "indicators",
            "outside",
            "training",
            "partners",
            "partner_page",
            "methodology",
            "quality",
        ],
        "access-biannual" => &[
            "summary",
            "access",
            "sources",
            "interpreter",
            "methodology",
            "quality",
        ],
        "equity-annual" => &[
            "summary",
            "priority",
            "access",
            "engagement",
            "outcomes",
            "waits",
            "deprivation",
            "ethnic_sex",
            "methodology",
            "quality",
        ],
        _ => &[],
    }
}

/// The kind of period a report takes, and how to say it in an error.
pub fn period_kind(report: &str) -> Option<(PeriodKind, &'static str)> {
    use PeriodKind::*;
    match report {
        "workforce-quarterly" => Some((Quarter, "a calendar quarter such as 2026-Q3")),
        "workforce-annual" | "equity-annual" => {
            Some((FinancialYear, "a financial year such as FY2025-26"))
        }
        "access-biannual" => Some((HalfYear, "a half year such as FY2026-27-H1")),
        _ => None,
    }
}
