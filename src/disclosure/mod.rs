//! Small-number suppression for the PDF (never for `metrics.json`): counts from 1 to
//! `min_count - 1` shown as `*`, percentages suppressed on small numerators or
//! denominators, and optional rounding of shown counts. Which further counts hide so
//! that none can be worked back is one decision per run (`plan`, `protect`), kept for
//! the runs that follow (`record`).

pub mod counts;
pub mod plan;
pub mod protect;
pub mod record;

use crate::config::Disclosure;
use crate::metrics::{GroupRate, Metric};
use crate::registry::{self, Kind};

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

    /// Whether a figure must be hidden for its own counts (primary suppression), by its
    /// kind in the registry, the one rule of both report families: a share when its
    /// numerator would be hidden or its denominator is small; a rate per 1,000 when its
    /// events would be hidden (its denominator is a population) or it has none; a ratio
    /// to the service when its group's count would be hidden; a relative likelihood
    /// when either group's share would be; a gap when either side's would be. A count is hidden as it is shown
    /// ([`Disclosure::show_count`]). The figures of another period, in a change or a
    /// trend, are judged by this alone.
    pub fn figure_hidden(&self, m: &Metric) -> bool {
        let kind = registry::figure(&m.id).map(|f| f.kind);
        match (kind, m.numerator, m.denominator) {
            (Some(Kind::RatePer1000), Some(n), Some(d)) => self.count_hidden(n) || d == 0,
            (Some(Kind::Ratio), _, _) => m
                .groups
                .first()
                .is_some_and(|g| self.count_hidden(g.numerator)),
            // a published result of fewer than min_count respondents
            (Some(Kind::Published), _, Some(d)) => d < self.min_count,
            // a pay gap of a group under min_count staff would tell of a few people's pay
            (Some(Kind::PayGap), n, d) => {
                [n, d].iter().any(|x| x.is_none_or(|x| x < self.min_count))
            }
            (Some(Kind::RelativeLikelihood), _, _) => m
                .groups
                .iter()
                .any(|g| self.proportion_hidden(g.numerator, g.denominator)),
            // each quantile of a gradient: a share, or events in a population
            (Some(Kind::Slope | Kind::RelativeIndex), _, _) => {
                // a quantile's denominator is people (a share) or a population (a rate)
                let people = registry::figure(&m.id).is_some_and(|f| {
                    matches!(
                        f.counts,
                        registry::Counts::Quantiles {
                            denominator: Some(_),
                            ..
                        }
                    )
                });
                m.groups.iter().any(|g| {
                    if people {
                        self.proportion_hidden(g.numerator, g.denominator)
                    } else {
                        self.count_hidden(g.numerator) || g.denominator == 0
                    }
                })
            }
            // the two sides of a gap (a third group, outside it, is not shown)
            (Some(Kind::Difference), _, _) => m
                .groups
                .iter()
                .take(2)
                .any(|g| self.proportion_hidden(g.numerator, g.denominator)),
            (_, Some(n), Some(d)) => self.proportion_hidden(n, d),
            _ => false,
        }
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
            (Some(Kind::Difference), _, _) => {
                let groups = m
                    .groups
                    .iter()
                    .map(|x| GroupRate {
                        group: x.group.clone(),
                        numerator: r(x.numerator),
                        denominator: r(x.denominator),
                    })
                    .collect();
                Metric::difference(&m.id, by, groups)
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
}
