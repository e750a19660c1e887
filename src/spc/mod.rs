//! Statistical process control as NHS England's Making Data Count reads a series: the
//! XmR chart (mean, moving ranges, process limits and 2-sigma lines), its four
//! special-cause rules, and the variation and assurance icons. Pure functions of the
//! values: no I/O, every number that `reports.md` makes a setting a field of
//! [`Settings`].
//!
//! Where the tools differ, this reads `reports.md`: a point beyond a process limit
//! counts towards two-of-three (NHSRplotthedots counts only points between the 2- and
//! 3-sigma lines), moving ranges are not screened unless asked (NHSRplotthedots screens
//! by default), and under 12 points there is a run chart with no limits or icons
//! (NHSRplotthedots draws limits and warns).

pub mod rules;

use crate::registry::Better;

/// Process limits sit this many mean moving ranges from the mean (3 sigma).
const LIMIT: f64 = 2.66;
/// The 2-sigma lines: two thirds of the way to the limits.
const TWO_SIGMA: f64 = LIMIT * 2.0 / 3.0;
/// A moving range this many times the mean moving range or more is left out of it when
/// screening.
const SCREEN: f64 = 3.267;

/// What a chart takes from the settings (`spc.*`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Points in a row on one side of the mean that make a shift.
    pub shift_run: usize,
    /// Points in a row each rising or each falling that make a trend.
    pub trend_run: usize,
    /// Leave out moving ranges of 3.267 times the mean moving range or more.
    pub screen: bool,
    /// Under this many points, a run chart: no limits, no icons.
    pub min_points: usize,
    /// Limits worked from fewer points than this are trial limits.
    pub trial_below: usize,
    /// Limits worked out from the first N points only and held for the rest.
    pub fix_after: Option<usize>,
    /// Points (from 0) at which the limits are worked out afresh, e.g. the action plan's
    /// launch; each stretch has its own mean, limits and rules.
    pub rebase: Vec<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            shift_run: 7,
            trend_run: 7,
            screen: false,
            min_points: 12,
            trial_below: 20,
            fix_after: None,
            rebase: vec![],
        }
    }
}

/// The centre line, process limits and 2-sigma lines of one stretch of points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
    pub lower_2s: f64,
    pub upper_2s: f64,
}

impl Limits {
    /// The limits of `values`: the mean, and the mean moving range (screened if asked).
    pub fn of(values: &[f64], screen: bool) -> Option<Limits> {
        if values.len() < 2 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let average = |r: &[f64]| r.iter().sum::<f64>() / r.len() as f64;
        let mut mr = average(&ranges);
        if screen {
            let kept: Vec<f64> = ranges
                .iter()
                .copied()
                .filter(|r| *r < SCREEN * mr)
                .collect();
            if !kept.is_empty() {
                mr = average(&kept);
            }
        }
        Some(Limits {
            mean,
            lower: mean - LIMIT * mr,
            upper: mean + LIMIT * mr,
            lower_2s: mean - TWO_SIGMA * mr,
            upper_2s: mean + TWO_SIGMA * mr,
        })
    }
}

/// Which chart a series gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Too few points for limits: the points and nothing judged.
    Run,
    /// An XmR chart; `trial` when its limits rest on fewer points than settled ones do.
    Xmr { trial: bool },
}

/// Why a point is a special cause, each with its direction (+1 high or rising, -1 low
/// or falling, 0 not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub beyond_limit: i8,
    pub two_of_three: i8,
    pub shift: i8,
    pub trend: i8,
}

impl Flags {
    pub fn any(&self) -> bool {
        self.direction() != 0
    }

    /// The direction that counts for the point, by the rules' order: beyond a limit,
    /// two of three, shift, trend.
    pub fn direction(&self) -> i8 {
        [self.beyond_limit, self.two_of_three, self.shift, self.trend]
            .into_iter()
            .find(|d| *d != 0)
            .unwrap_or(0)
    }
}

/// The variation icon: what the latest point says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variation {
    CommonCause,
    Improvement,
    Concern,
    /// A special cause where neither direction is better.
    Neither,
}

/// The assurance icon: whether the process will meet its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assurance {
    /// The target lies beyond the process limit on the worse side.
    ConsistentlyPasses,
    /// The target lies beyond the process limit on the better side.
    ConsistentlyFails,
    HitAndMiss,
}

/// What an XmR reading of a series found.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub chart: Chart,
    /// Each point's limits (those of its stretch); none on a run chart.
    pub limits: Vec<Option<Limits>>,
    pub flags: Vec<Flags>,
    /// None on a run chart.
    pub variation: Option<Variation>,
    /// None on a run chart or without a target or a better direction.
    pub assurance: Option<Assurance>,
}

impl Reading {
    /// The points (from 0) that are special causes.
    pub fn special_causes(&self) -> Vec<usize> {
        (0..self.flags.len())
            .filter(|i| self.flags[*i].any())
            .collect()
    }
}

/// What a point is, from its flags and which way is better: the variation icon of the
/// latest point is the kind of that point.
pub fn point_kind(f: &Flags, better: Better) -> Variation {
    match (f.direction(), better) {
        (0, _) => Variation::CommonCause,
        (_, Better::Neither) => Variation::Neither,
        (d, Better::Higher) if d > 0 => Variation::Improvement,
        (d, Better::Lower) if d < 0 => Variation::Improvement,
        _ => Variation::Concern,
    }
}

/// Where the target stands against the process limits, as NHSRplotthedots judges it.
pub fn assurance(lower: f64, upper: f64, target: f64, better: Better) -> Option<Assurance> {
    let (passes, fails) = match better {
        Better::Higher => (target <= lower, target > upper),
        Better::Lower => (target >= upper, target < lower),
        Better::Neither => return None,
    };
    Some(if passes {
        Assurance::ConsistentlyPasses
    } else if fails {
        Assurance::ConsistentlyFails
    } else {
        Assurance::HitAndMiss
    })
}

/// An XmR reading of `values` in time order.
pub fn read(values: &[f64], better: Better, target: Option<f64>, s: &Settings) -> Reading {
    let n = values.len();
    let mut flags = vec![Flags::default(); n];
    if n < s.min_points {
        return Reading {
            chart: Chart::Run,
            limits: vec![None; n],
            flags,
            variation: None,
            assurance: None,
        };
    }
    // the stretches that have their own limits and rules
    let mut starts: Vec<usize> = s
        .rebase
        .iter()
        .copied()
        .filter(|r| *r > 0 && *r < n)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts.insert(0, 0);
    let mut limits = vec![None; n];
    let mut fewest = n;
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(n);
        let stretch = &values[start..end];
        let base = match s.fix_after {
            Some(f) if f >= 2 && f < stretch.len() => &stretch[..f],
            _ => stretch,
        };
        fewest = fewest.min(base.len());
        let Some(l) = Limits::of(base, s.screen) else {
            continue;
        };
        limits[start..end].iter_mut().for_each(|x| *x = Some(l));
        let side: Vec<i8> = stretch
            .iter()
            .map(|v| match v.partial_cmp(&l.mean) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            })
            .collect();
        let near: Vec<bool> = stretch
            .iter()
            .map(|v| *v > l.upper_2s || *v < l.lower_2s)
            .collect();
        let shift = rules::part_of_run(&rules::run_ends(&side, s.shift_run), s.shift_run);
        let trend = rules::part_of_run(&rules::trend_ends(stretch, s.trend_run), s.trend_run);
        let two = rules::part_of_two_in_three(&rules::two_in_three(&near, &side), &near);
        for (i, v) in stretch.iter().enumerate() {
            let f = &mut flags[start + i];
            f.beyond_limit = if *v > l.upper {
                1
            } else if *v < l.lower {
                -1
            } else {
                0
            };
            f.two_of_three = if two[i] { side[i] } else { 0 };
            f.shift = shift[i];
            f.trend = trend[i];
        }
    }
    let variation = Some(point_kind(&flags[n - 1], better));
    let assurance = match (target, limits[n - 1]) {
        (Some(t), Some(l)) => assurance(l.lower, l.upper, t, better),
        _ => None,
    };
    Reading {
        chart: Chart::Xmr {
            trial: fewest < s.trial_below,
        },
        limits,
        flags,
        variation,
        assurance,
    }
}

#[cfg(test)]
mod tests;
