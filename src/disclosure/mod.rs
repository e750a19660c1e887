//! Small-number suppression for the PDF (never for `metrics.json`): counts from 1 to
//! `min_count - 1` shown as `*`, percentages suppressed on small numerators or
//! denominators, secondary suppression so a hidden cell cannot be recovered from a
//! shown total, and optional rounding of shown counts.

pub mod plan;
pub mod protect;
pub mod record;

use crate::config::Disclosure;
use crate::metrics::{GroupRate, Metric};
use crate::registry::{self, Kind};

/// What a table cell may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Shown,
    Suppressed,
}

impl Disclosure {
    /// Whether a count must be hidden on its own (primary suppression). Zero is shown.
    pub fn count_hidden(&self, n: u64) -> bool {
        n > 0 && n < self.min_count
    }

    /// Whether a proportion must be hidden: its numerator would be hidden, or its
    /// denominator is below `min_count`. A zero numerator is shown, as its count is.
    pub fn proportion_hidden(&self, num: u64, den: u64) -> bool {
        self.count_hidden(num) || den < self.min_count
    }

    /// A count as the PDF shows it: `*`, or rounded when rounding is on, with
    /// thousands separators.
    pub fn show_count(&self, n: u64) -> String {
        if self.count_hidden(n) {
            return "*".into();
        }
        thousands(self.rounded(n))
    }

    /// A count as this copy gives it: to the nearest `round_to` when rounding is on
    /// (5, 6, 7 -> 5; 8 -> 10). Percentages and intervals of a rounded copy are worked
    /// from these, so they cannot give the exact count back.
    pub fn rounded(&self, n: u64) -> u64 {
        (n + self.round_to / 2)
            .checked_div(self.round_to)
            .map_or(n, |q| q * self.round_to)
    }

    /// Secondary suppression along one line of a table whose total is shown.
    /// `cells` holds each cell's count and whether it is already hidden. Where exactly
    /// one cell is hidden, the smallest shown non-zero cell is hidden too, so the
    /// hidden value cannot be found by subtracting the others from the total. The
    /// cells hidden do not depend on rounding: every copy hides the same cells, so two
    /// copies together give away nothing one does not.
    pub fn secondary(&self, cells: &[(u64, bool)]) -> Vec<Cell> {
        let mut out: Vec<Cell> = cells
            .iter()
            .map(|&(_, hidden)| {
                if hidden {
                    Cell::Suppressed
                } else {
                    Cell::Shown
                }
            })
            .collect();
        let hidden = out.iter().filter(|c| **c == Cell::Suppressed).count();
        if hidden == 1 {
            let next = cells
                .iter()
                .enumerate()
                .filter(|(i, (n, _))| out[*i] == Cell::Shown && *n > 0)
                .min_by_key(|(i, (n, _))| (*n, *i))
                .map(|(i, _)| i);
            if let Some(i) = next {
                out[i] = Cell::Suppressed;
            }
        }
        out
    }

    /// Secondary suppression in a two-way table whose row and column totals are shown
    /// (e.g. ethnic group by sex): repeated along every row and column until no line has
    /// exactly one hidden cell, so no hidden count can be found by subtracting the
    /// others from its row or column total. A line whose other cells are all zero or
    /// hidden gives up a zero cell instead. Rounding changes nothing here either.
    pub fn secondary_grid(&self, counts: &[Vec<u64>]) -> Vec<Vec<Cell>> {
        let mut out: Vec<Vec<Cell>> = counts
            .iter()
            .map(|row| {
                row.iter()
                    .map(|n| {
                        if self.count_hidden(*n) {
                            Cell::Suppressed
                        } else {
                            Cell::Shown
                        }
                    })
                    .collect()
            })
            .collect();
        let rows = counts.len();
        let cols = counts.iter().map(Vec::len).max().unwrap_or(0);
        let lines: Vec<Vec<(usize, usize)>> = (0..rows)
            .map(|r| (0..counts[r].len()).map(|c| (r, c)).collect())
            .chain((0..cols).map(|c| {
                (0..rows)
                    .filter(|r| c < counts[*r].len())
                    .map(|r| (r, c))
                    .collect()
            }))
            .collect();
        loop {
            let mut changed = false;
            for line in &lines {
                let hidden = line
                    .iter()
                    .filter(|(r, c)| out[*r][*c] == Cell::Suppressed)
                    .count();
                if hidden != 1 {
                    continue;
                }
                let shown = line.iter().filter(|(r, c)| out[*r][*c] == Cell::Shown);
                // the smallest non-zero cell, else a zero one
                let pick = shown
                    .clone()
                    .filter(|(r, c)| counts[*r][*c] > 0)
                    .min_by_key(|(r, c)| (counts[*r][*c], *r, *c))
                    .or_else(|| shown.min_by_key(|(r, c)| (*r, *c)));
                if let Some(&(r, c)) = pick {
                    out[r][c] = Cell::Suppressed;
                    changed = true;
                }
            }
            if !changed {
                return out;
            }
        }
    }
}

impl Disclosure {
    /// A figure as a rounded copy may give it: worked again from its counts rounded as
    /// the copy shows them (a population, which is published, stays exact), so that a
    /// percentage or an interval does not pin the exact count the rounding hides. A
    /// figure with no counts, or a copy without rounding, is left as it is.
    pub fn as_shown(&self, m: &Metric) -> Metric {
        if self.round_to == 0 {
            return m.clone();
        }
        let r = |n: u64| self.rounded(n);
        let by = m.by.clone();
        match (
            registry::figure(&m.id).map(|f| f.kind),
            m.numerator,
            m.denominator,
        ) {
            (Some(Kind::Proportion), Some(n), Some(d)) => Metric {
                left_out: m.left_out,
                ..Metric::proportion(&m.id, by, r(n), r(d))
            },
            (Some(Kind::RatePer1000), Some(n), Some(d)) => {
                Metric::rate_per_1000(&m.id, by, r(n), d)
            }
            (Some(Kind::RelativeLikelihood), _, _) if m.groups.len() == 2 => {
                let g = |x: &GroupRate| GroupRate {
                    group: x.group.clone(),
                    numerator: r(x.numerator),
                    denominator: r(x.denominator),
                };
                Metric::likelihood(&m.id, by, g(&m.groups[0]), g(&m.groups[1]))
            }
            (Some(Kind::Ratio), _, _) => Metric {
                // its interval rests on exact counts: the value alone, to two places
                ci_low: None,
                ci_high: None,
                ..m.clone()
            },
            _ => m.clone(),
        }
    }
}

/// 12345 as "12,345".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(round_to: u64) -> Disclosure {
        Disclosure {
            min_count: 5,
            round_to,
            round_to_by_list: Default::default(),
        }
    }

    #[test]
    fn counts_are_hidden_from_one_to_four() {
        let d = d(0);
        assert_eq!(d.show_count(0), "0");
        assert_eq!(d.show_count(1), "*");
        assert_eq!(d.show_count(4), "*");
        assert_eq!(d.show_count(5), "5");
        assert_eq!(d.show_count(12345), "12,345");
    }

    #[test]
    fn rounding_to_five_follows_reports_md() {
        let d = d(5);
        let shown: Vec<String> = [5, 6, 7, 8, 12, 13]
            .iter()
            .map(|n| d.show_count(*n))
            .collect();
        assert_eq!(shown, ["5", "5", "5", "10", "10", "15"]);
        assert_eq!(d.show_count(3), "*");
    }

    #[test]
    fn proportions_hide_on_small_numerator_or_denominator() {
        let d = d(0);
        assert!(d.proportion_hidden(3, 100));
        assert!(d.proportion_hidden(0, 4));
        assert!(!d.proportion_hidden(0, 100));
        assert!(!d.proportion_hidden(5, 5));
    }

    #[test]
    fn a_lone_hidden_cell_cannot_be_recovered_from_the_total() {
        let d = d(0);
        // Partners with 40, 3, 12 and 9 staff; the total 64 is shown.
        let counts = [40u64, 3, 12, 9];
        let cells: Vec<(u64, bool)> = counts.iter().map(|&n| (n, d.count_hidden(n))).collect();
        let out = d.secondary(&cells);
        assert_eq!(
            out,
            [Cell::Shown, Cell::Suppressed, Cell::Shown, Cell::Suppressed]
        );
        // With the 9 hidden as well, total minus the shown cells gives only 3 + 9 = 12:
        // the 3 cannot be told apart from the 9.
        let shown_sum: u64 = counts
            .iter()
            .zip(&out)
            .filter(|(_, c)| **c == Cell::Shown)
            .map(|(n, _)| n)
            .sum();
        assert_eq!(64 - shown_sum, 12);
        // Two hidden cells already protect each other; a rounded copy hides the same
        // cells as the exact one, so the two together give nothing more away.
        let two = d.secondary(&[(2, true), (3, true), (50, false)]);
        assert_eq!(two, [Cell::Suppressed, Cell::Suppressed, Cell::Shown]);
        let lone = [(3, true), (50, false), (9, false)];
        assert_eq!(
            Disclosure {
                min_count: 5,
                round_to: 5,
                round_to_by_list: Default::default(),
            }
            .secondary(&lone),
            d.secondary(&lone)
        );
    }

    /// Every row and column of the result holds no hidden cell or at least two.
    fn no_line_has_one_hidden(cells: &[Vec<Cell>]) -> bool {
        let rows_ok = cells
            .iter()
            .all(|r| r.iter().filter(|c| **c == Cell::Suppressed).count() != 1);
        let cols = cells.first().map_or(0, Vec::len);
        let cols_ok =
            (0..cols).all(|c| cells.iter().filter(|r| r[c] == Cell::Suppressed).count() != 1);
        rows_ok && cols_ok
    }

    #[test]
    fn a_hidden_cell_cannot_be_recovered_from_its_row_or_column_total() {
        // Ethnic group by sex: Mixed men 3 is hidden. Row: the next smallest (Mixed
        // women 12) goes too; column: then Male holds one hidden cell (3), so its next
        // smallest (Other men 9) goes; then the Other row has one hidden, so Other
        // women 20 goes; the Female column then holds two.
        let counts = vec![
            vec![120, 150], // White
            vec![3, 12],    // Mixed
            vec![40, 55],   // Asian
            vec![9, 20],    // Other
        ];
        let cells = d(0).secondary_grid(&counts);
        let hidden: Vec<(usize, usize)> = (0..4)
            .flat_map(|r| (0..2).map(move |c| (r, c)))
            .filter(|(r, c)| cells[*r][*c] == Cell::Suppressed)
            .collect();
        assert_eq!(hidden, [(1, 0), (1, 1), (3, 0), (3, 1)]);
        assert!(no_line_has_one_hidden(&cells));
        // The rounded copy hides the same cells.
        assert_eq!(d(5).secondary_grid(&counts), cells);
    }

    #[test]
    fn no_grid_leaves_a_line_with_one_hidden_cell() {
        // Every 3 x 3 grid of counts drawn from {0, 2, 5, 9}: whatever is hidden, no row
        // or column is left with exactly one hidden cell.
        let values = [0u64, 2, 5, 9];
        for code in 0..4usize.pow(9) {
            let mut k = code;
            let grid: Vec<Vec<u64>> = (0..3)
                .map(|_| {
                    (0..3)
                        .map(|_| {
                            let v = values[k % 4];
                            k /= 4;
                            v
                        })
                        .collect()
                })
                .collect();
            let cells = d(0).secondary_grid(&grid);
            assert!(no_line_has_one_hidden(&cells), "{grid:?} -> {cells:?}");
        }
    }
}
