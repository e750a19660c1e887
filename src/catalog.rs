//! The names everything below the reports needs: which reports there are, the kind of
//! period each takes and the sections each can print (the figures are in
//! [`crate::registry`]). A leaf: it imports nothing of the program's but the period
//! kinds.

use std::fmt;
use std::str::FromStr;

use crate::period::PeriodKind;

/// A report the program produces. Its text form (`equity-annual`) is what the command
/// line, the settings, the templates' file names, the output folders and the ledger use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportId {
    WorkforceQuarterly,
    WorkforceAnnual,
    AccessBiannual,
    EquityAnnual,
}

/// The two families of reports: each reads its own datasets and words its pages from
/// its own shared template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Workforce,
    Service,
}

/// A report id that is not one of [`ReportId::ALL`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown report {0:?}; reports are {known}", known = ReportId::known())]
pub struct UnknownReport(pub String);

impl ReportId {
    /// Every report, in the order lists and help texts give them.
    pub const ALL: [ReportId; 4] = [
        ReportId::WorkforceQuarterly,
        ReportId::WorkforceAnnual,
        ReportId::AccessBiannual,
        ReportId::EquityAnnual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportId::WorkforceQuarterly => "workforce-quarterly",
            ReportId::WorkforceAnnual => "workforce-annual",
            ReportId::AccessBiannual => "access-biannual",
            ReportId::EquityAnnual => "equity-annual",
        }
    }

    /// "workforce-quarterly, workforce-annual, access-biannual, equity-annual".
    pub fn known() -> String {
        ReportId::ALL.map(ReportId::as_str).join(", ")
    }

    pub fn family(self) -> Family {
        match self {
            ReportId::WorkforceQuarterly | ReportId::WorkforceAnnual => Family::Workforce,
            ReportId::AccessBiannual | ReportId::EquityAnnual => Family::Service,
        }
    }

    /// The kind of period the report takes, and how to say it in an error.
    pub fn period_kind(self) -> (PeriodKind, &'static str) {
        use PeriodKind::*;
        match self {
            ReportId::WorkforceQuarterly => (Quarter, "a calendar quarter such as 2026-Q3"),
            ReportId::WorkforceAnnual | ReportId::EquityAnnual => {
                (FinancialYear, "a financial year such as FY2025-26")
            }
            ReportId::AccessBiannual => (HalfYear, "a half year such as FY2026-27-H1"),
        }
    }

    /// The sections the report can print; its template's `sections` list gives which of
    /// them are printed and in what order.
    pub fn section_keys(self) -> &'static [&'static str] {
        match self {
            ReportId::WorkforceQuarterly => &[
                "key_messages",
                "summary",
                "change",
                "representation",
                "partners",
                "training",
                "indicators",
                "methodology",
                "quality",
            ],
            ReportId::WorkforceAnnual => &[
                "key_messages",
                "summary",
                "change",
                "trend",
                "wres1",
                "band_return",
                "model_employer",
                "population",
                "indicators",
                "board",
                "pay_gaps",
                "survey",
                "outside",
                "training",
                "partners",
                "partner_page",
                "methodology",
                "quality",
            ],
            ReportId::AccessBiannual => &[
                "key_messages",
                "summary",
                "change",
                "gaps",
                "access",
                "sources",
                "interpreter",
                "methodology",
                "quality",
            ],
            ReportId::EquityAnnual => &[
                "key_messages",
                "summary",
                "change",
                "gaps",
                "priority",
                "access",
                "engagement",
                "outcomes",
                "waits",
                "hidden_waits",
                "characteristics",
                "funnels",
                "deprivation",
                "ethnic_sex",
                "methodology",
                "quality",
            ],
        }
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportId {
    type Err = UnknownReport;

    fn from_str(s: &str) -> Result<ReportId, UnknownReport> {
        ReportId::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownReport(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_reads_back_from_its_text_and_an_unknown_one_is_named() {
        for r in ReportId::ALL {
            assert_eq!(r.as_str().parse::<ReportId>().unwrap(), r);
        }
        let e = "equity-anual".parse::<ReportId>().unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown report \"equity-anual\"; reports are workforce-quarterly, \
             workforce-annual, access-biannual, equity-annual"
        );
    }
}
