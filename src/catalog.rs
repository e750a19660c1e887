//! The names everything below the reports needs: which reports there are, the kind of
//! period each takes, the sections each can print, and every metric id. A leaf: it
//! imports nothing of the program's but the period kinds.

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

/// Every metric id of docs/reports.md; baselines and targets in the settings must
/// name one of these.
pub const METRIC_IDS: &[&str] = &[
    "wf.headcount",
    "wf.fte",
    "wf.bme_pct",
    "wf.ethnicity_unknown_pct",
    "wf.bme_pct_band7plus",
    "wf.disability_pct",
    "wf.male_pct",
    "wf.turnover_pct",
    "wres1.band_share",
    "wres2.relative_likelihood",
    "wres3.relative_likelihood",
    "wres4.relative_likelihood",
    "wres9.board_bme_pct",
    "wdes2.relative_likelihood",
    "train.interpreters_clinical_pct",
    "train.cultural_competence_pct",
    "mentoring.bme_matched",
    "tt.referrals",
    "tt.access_rate_per_1000",
    "tt.representation_ratio",
    "tt.entered_treatment",
    "tt.uptake_pct",
    "tt.dna_pct",
    "tt.ended_without_treatment_pct",
    "tt.finished_treatment",
    "tt.recovery_pct",
    "tt.reliable_improvement_pct",
    "tt.reliable_recovery_pct",
    "tt.reliable_deterioration_pct",
    "tt.wait_6wk_pct",
    "tt.wait_18wk_pct",
    "tt.wait_median_days",
    "tt.interpreter_pct",
    "tt.culturally_adapted_sessions",
];
