//! What a run published, kept beside its report as `disclosure.json` (never e-mailed):
//! every cell it decided, with its count and whether it was hidden, and the cells of
//! periods it overlaps that it found hidden by subtraction and so committed to hide
//! (a year's run that can work out the second half-year from the first). A later run
//! over an overlapping period reads these, so the two half-years and their year, run in
//! any order, never let a reader subtract one from another.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::catalog::ReportId;
use crate::period::Period;

/// The file a run's decision is kept in, in its report folder.
pub const FILE: &str = "disclosure.json";

/// One run's decision.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// The period the run published.
    pub period: String,
    pub cells: Vec<RecordCell>,
}

/// One cell: its own period's (published) or another's (a commitment, always hidden).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordCell {
    pub period: String,
    pub count: String,
    pub by: Vec<(String, String)>,
    pub value: u64,
    pub hidden: bool,
}

/// The periods a reader can set beside this one by adding or subtracting, with the
/// report that publishes each: a year's two halves, a half's year and other half; a
/// year's workforce report and its last quarter's, at the same snapshot.
pub fn overlapping(report: ReportId, period: &Period) -> Vec<(ReportId, String)> {
    let id = period.to_string();
    // a year's workforce snapshot is normally its last quarter's (31 March)
    match report {
        ReportId::WorkforceAnnual => {
            let end = period.end.format("%Y");
            return vec![(ReportId::WorkforceQuarterly, format!("{end}-Q1"))];
        }
        ReportId::WorkforceQuarterly => {
            return match id.strip_suffix("-Q1") {
                Some(y) => {
                    let y: i32 = y.parse().unwrap_or(0);
                    vec![(
                        ReportId::WorkforceAnnual,
                        format!("FY{}-{:02}", y - 1, y % 100),
                    )]
                }
                None => Vec::new(),
            };
        }
        _ => {}
    }
    if let Some((year, half)) = id.rsplit_once("-H") {
        let other = if half == "1" { "2" } else { "1" };
        vec![
            (ReportId::EquityAnnual, year.to_string()),
            (ReportId::AccessBiannual, format!("{year}-H{other}")),
        ]
    } else if id.starts_with("FY") {
        vec![
            (ReportId::AccessBiannual, format!("{id}-H1")),
            (ReportId::AccessBiannual, format!("{id}-H2")),
        ]
    } else {
        Vec::new()
    }
}

/// The records earlier runs left for the periods that overlap this one. A record that
/// cannot be read stops the run: without it, hidden counts could be worked back.
pub fn earlier(out_root: &Path, report: ReportId, period: &Period) -> anyhow::Result<Vec<Record>> {
    let mut out = Vec::new();
    for (r, p) in overlapping(report, period) {
        let file = out_root.join(r.as_str()).join(&p).join(FILE);
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
        };
        let record: Record = serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{}: not a disclosure record ({FILE} of an earlier run); move it aside to \
                 run without it only if that period's report was never sent",
                file.display()
            )
        })?;
        out.push(record);
    }
    Ok(out)
}

/// The period before a half-year's `-H1`/`-H2`, or the year's two halves.
pub(super) fn nesting(period: &str) -> Option<(String, [String; 2])> {
    let year = match period.rsplit_once("-H") {
        Some((year, "1" | "2")) => year.to_string(),
        Some(_) => return None,
        None if period.starts_with("FY") => period.to_string(),
        None => return None,
    };
    let halves = [format!("{year}-H1"), format!("{year}-H2")];
    Some((year, halves))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_overlaps_its_year_and_the_other_half() {
        let h1 = Period::parse("FY2025-26-H1").unwrap();
        assert_eq!(
            overlapping(ReportId::AccessBiannual, &h1),
            [
                (ReportId::EquityAnnual, "FY2025-26".to_string()),
                (ReportId::AccessBiannual, "FY2025-26-H2".to_string())
            ]
        );
        let year = Period::parse("FY2025-26").unwrap();
        assert_eq!(overlapping(ReportId::EquityAnnual, &year).len(), 2);
        assert_eq!(
            overlapping(ReportId::WorkforceAnnual, &year),
            [(ReportId::WorkforceQuarterly, "2026-Q1".to_string())]
        );
        let q = Period::parse("2026-Q1").unwrap();
        assert_eq!(
            overlapping(ReportId::WorkforceQuarterly, &q),
            [(ReportId::WorkforceAnnual, "FY2025-26".to_string())]
        );
        assert!(
            overlapping(
                ReportId::WorkforceQuarterly,
                &Period::parse("2026-Q3").unwrap()
            )
            .is_empty()
        );
        assert_eq!(
            nesting("FY2025-26-H2"),
            Some((
                "FY2025-26".to_string(),
                ["FY2025-26-H1".to_string(), "FY2025-26-H2".to_string()]
            ))
        );
        assert_eq!(nesting("2026-Q3"), None);
    }
}
