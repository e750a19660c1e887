//! Reporting periods: `2026-Q3` (calendar quarter), `FY2026-27-H1` (half of an NHS
//! financial year), `FY2025-26` (financial year).

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

/// What kind of period an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Quarter,
    HalfYear,
    FinancialYear,
}

/// A reporting period with its first and last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub id: String,
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The message for a period that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid period {given:?}: {why}. Accepted forms: YYYY-Qn (calendar quarter, e.g. 2026-Q3), \
     FYyyyy-yy (financial year, e.g. FY2025-26), FYyyyy-yy-H1 or -H2 (half year, e.g. FY2026-27-H1)"
)]
pub struct PeriodError {
    pub given: String,
    pub why: String,
}

impl Period {
    /// Read a period id.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let fail = |why: &str| PeriodError {
            given: s.to_string(),
            why: why.to_string(),
        };
        let t = s.trim();
        if let Some(rest) = t.strip_prefix("FY") {
            let (years, half) = match rest.split_once("-H") {
                Some((y, h)) => (y, Some(h)),
                None => (rest, None),
            };
            let (y1, y2) = years.split_once('-').ok_or_else(|| fail("no year range"))?;
            if y1.len() != 4 || y2.len() != 2 {
                return Err(fail("the year range must look like 2025-26"));
            }
            let y1: i32 = y1
                .parse()
                .map_err(|_| fail("the first year is not a number"))?;
            let y2: i32 = y2
                .parse()
                .map_err(|_| fail("the second year is not a number"))?;
            if (y1 + 1) % 100 != y2 {
                return Err(fail("the second year must follow the first"));
            }
            let fy_start = date(y1, 4, 1).ok_or_else(|| fail("year out of range"))?;
            return match half {
                None => Ok(Period {
                    id: format!("FY{y1}-{y2:02}"),
                    kind: PeriodKind::FinancialYear,
                    start: fy_start,
                    end: add_months(fy_start, 12).pred_opt().unwrap(),
                }),
                Some(h @ ("1" | "2")) => {
                    let start = add_months(fy_start, if h == "1" { 0 } else { 6 });
                    Ok(Period {
                        id: format!("FY{y1}-{y2:02}-H{h}"),
                        kind: PeriodKind::HalfYear,
                        start,
                        end: add_months(start, 6).pred_opt().unwrap(),
                    })
                }
                Some(_) => Err(fail("the half must be H1 or H2")),
            };
        }
        let (y, q) = t.split_once("-Q").ok_or_else(|| fail("not a known form"))?;
        if y.len() != 4 {
            return Err(fail("the year must have four digits"));
        }
        let y: i32 = y.parse().map_err(|_| fail("the year is not a number"))?;
        let q: u32 = match q {
            "1" | "2" | "3" | "4" => q.parse().unwrap(),
            _ => return Err(fail("the quarter must be Q1 to Q4")),
        };
        let start = date(y, (q - 1) * 3 + 1, 1).ok_or_else(|| fail("year out of range"))?;
        Ok(Period {
            id: format!("{y}-Q{q}"),
            kind: PeriodKind::Quarter,
            start,
            end: add_months(start, 3).pred_opt().unwrap(),
        })
    }

    /// The period of this kind that holds `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let (y, m) = (day.year(), day.month());
        let fy = if m >= 4 { y } else { y - 1 };
        let id = match kind {
            PeriodKind::Quarter => format!("{y}-Q{}", (m - 1) / 3 + 1),
            PeriodKind::HalfYear => {
                let h = if (4..=9).contains(&m) { 1 } else { 2 };
                format!("FY{fy}-{:02}-H{h}", (fy + 1) % 100)
            }
            PeriodKind::FinancialYear => format!("FY{fy}-{:02}", (fy + 1) % 100),
        };
        Period::parse(&id).expect("period id is well formed")
    }

    /// The last whole period of this kind that ended before `day`: what a report
    /// scheduled on `day` covers.
    pub fn closed_before(kind: PeriodKind, day: NaiveDate) -> Period {
        Period::containing(kind, day).previous()
    }

    /// The period of the same kind just before this one.
    pub fn previous(&self) -> Period {
        let months = match self.kind {
            PeriodKind::Quarter => 3,
            PeriodKind::HalfYear => 6,
            PeriodKind::FinancialYear => 12,
        };
        let start = self.start.checked_sub_months(Months::new(months)).unwrap();
        let id = match self.kind {
            PeriodKind::Quarter => format!("{}-Q{}", start.year(), start.month0() / 3 + 1),
            PeriodKind::HalfYear | PeriodKind::FinancialYear => {
                let fy = if start.month() >= 4 {
                    start.year()
                } else {
                    start.year() - 1
                };
                let base = format!("FY{fy}-{:02}", (fy + 1) % 100);
                match self.kind {
                    PeriodKind::HalfYear if start.month() == 4 => format!("{base}-H1"),
                    PeriodKind::HalfYear => format!("{base}-H2"),
                    _ => base,
                }
            }
        };
        Period::parse(&id).expect("previous period id is well formed")
    }

    /// The calendar quarters that make up this period, in order (one for a quarter).
    pub fn quarters(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut start = self.start;
        while start <= self.end {
            let id = format!("{}-Q{}", start.year(), start.month0() / 3 + 1);
            out.push(Period::parse(&id).expect("quarter id is well formed"));
            start = add_months(start, 3);
        }
        out
    }

    /// The label without the months, for chart axes: "Q2 2026/27", "2025/26".
    pub fn short_label(&self) -> String {
        let label = self.label();
        match label.split_once(" (") {
            Some((short, _)) => short.to_string(),
            None => label,
        }
    }

    /// How the period is shown in a document, e.g. "Q2 2026/27 (July to September 2026)".
    pub fn label(&self) -> String {
        let fy = if self.start.month() >= 4 {
            self.start.year()
        } else {
            self.start.year() - 1
        };
        let fy_label = format!("{fy}/{:02}", (fy + 1) % 100);
        let span = format!(
            "{} to {}",
            self.start.format("%B %Y"),
            self.end.format("%B %Y")
        );
        match self.kind {
            PeriodKind::Quarter => {
                let fq = (self.start.month0() / 3 + 3) % 4 + 1;
                format!("Q{fq} {fy_label} ({span})")
            }
            PeriodKind::HalfYear => {
                let h = if self.start.month() == 4 { 1 } else { 2 };
                format!("H{h} {fy_label} ({span})")
            }
            PeriodKind::FinancialYear => format!("{fy_label} ({span})"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1900..=2999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m)).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarter_half_and_year() {
        let q = Period::parse("2026-Q3").unwrap();
        assert_eq!((q.start, q.end), (d("2026-07-01"), d("2026-09-30")));
        assert_eq!(q.label(), "Q2 2026/27 (July 2026 to September 2026)");
        let q1 = Period::parse("2026-Q1").unwrap();
        assert_eq!(q1.label(), "Q4 2025/26 (January 2026 to March 2026)");
        let h = Period::parse("FY2026-27-H1").unwrap();
        assert_eq!((h.start, h.end), (d("2026-04-01"), d("2026-09-30")));
        let h2 = Period::parse("FY2026-27-H2").unwrap();
        assert_eq!((h2.start, h2.end), (d("2026-10-01"), d("2027-03-31")));
        let y = Period::parse("FY2025-26").unwrap();
        assert_eq!((y.start, y.end), (d("2025-04-01"), d("2026-03-31")));
        let c = Period::parse("FY1999-00").unwrap();
        assert_eq!(c.end, d("2000-03-31"));
    }

    #[test]
    fn previous_periods() {
        assert_eq!(Period::parse("2026-Q1").unwrap().previous().id, "2025-Q4");
        assert_eq!(Period::parse("2026-Q3").unwrap().previous().id, "2026-Q2");
        assert_eq!(
            Period::parse("FY2026-27-H1").unwrap().previous().id,
            "FY2025-26-H2"
        );
        assert_eq!(
            Period::parse("FY2026-27-H2").unwrap().previous().id,
            "FY2026-27-H1"
        );
        assert_eq!(
            Period::parse("FY2025-26").unwrap().previous().id,
            "FY2024-25"
        );
    }

    #[test]
    fn the_period_just_closed() {
        let closed = |k, day: &str| Period::closed_before(k, d(day)).id;
        assert_eq!(closed(PeriodKind::Quarter, "2027-01-15"), "2026-Q4");
        assert_eq!(closed(PeriodKind::Quarter, "2026-10-15"), "2026-Q3");
        assert_eq!(closed(PeriodKind::Quarter, "2026-04-01"), "2026-Q1");
        assert_eq!(closed(PeriodKind::Quarter, "2026-03-31"), "2025-Q4");
        assert_eq!(closed(PeriodKind::HalfYear, "2026-10-15"), "FY2026-27-H1");
        assert_eq!(closed(PeriodKind::HalfYear, "2027-04-15"), "FY2026-27-H2");
        assert_eq!(closed(PeriodKind::HalfYear, "2027-01-15"), "FY2026-27-H1");
        assert_eq!(closed(PeriodKind::FinancialYear, "2026-05-15"), "FY2025-26");
        assert_eq!(closed(PeriodKind::FinancialYear, "2026-03-15"), "FY2024-25");
    }

    #[test]
    fn a_year_is_four_quarters() {
        let ids: Vec<String> = Period::parse("FY2025-26")
            .unwrap()
            .quarters()
            .iter()
            .map(|q| format!("{} {}", q.id, q.short_label()))
            .collect();
        assert_eq!(
            ids,
            [
                "2025-Q2 Q1 2025/26",
                "2025-Q3 Q2 2025/26",
                "2025-Q4 Q3 2025/26",
                "2026-Q1 Q4 2025/26"
            ]
        );
        assert_eq!(Period::parse("FY2025-26").unwrap().short_label(), "2025/26");
    }

    #[test]
    fn malformed_periods_are_refused_with_the_forms() {
        for bad in [
            "2026-Q5",
            "FY2026-28",
            "2026Q3",
            "FY2026-27-H3",
            "26-Q1",
            "",
            "FY2026",
        ] {
            let e = Period::parse(bad).unwrap_err().to_string();
            assert!(e.contains("Accepted forms"), "{bad}: {e}");
        }
    }
}
