//! The four special-cause rules of an XmR chart, each over one stretch of points (a
//! baseline segment), in the form NHSRplotthedots's rule functions take, so its own
//! tests check them: a sign per point (+1 above or rising, -1 below or falling, 0 none).

/// Where a run of `run` points on one side of the mean ends: the run's side at the
/// point that completes it and every point after it while the run goes on, 0 elsewhere.
/// A point on the mean (sign 0) breaks a run.
pub fn run_ends(side: &[i8], run: usize) -> Vec<i8> {
    let mut out = vec![0; side.len()];
    let mut length = 0;
    for i in 0..side.len() {
        length = if side[i] != 0 && i > 0 && side[i] == side[i - 1] {
            length + 1
        } else {
            usize::from(side[i] != 0)
        };
        if length >= run {
            out[i] = side[i];
        }
    }
    out
}

/// Where `run` points in a row each rise (+1) or each fall (-1) ends: at the last of
/// them. Two equal points break a trend.
pub fn trend_ends(values: &[f64], run: usize) -> Vec<i8> {
    let mut out = vec![0; values.len()];
    if run < 2 {
        return out;
    }
    let (mut up, mut down) = (1, 1);
    for i in 1..values.len() {
        (up, down) = match values[i].partial_cmp(&values[i - 1]) {
            Some(std::cmp::Ordering::Greater) => (up + 1, 1),
            Some(std::cmp::Ordering::Less) => (1, down + 1),
            _ => (1, 1),
        };
        if up >= run {
            out[i] = 1;
        } else if down >= run {
            out[i] = -1;
        }
    }
    out
}

/// Every point of a run whose end `ends` marks: the `run - 1` points before each
/// marked point take its mark too.
pub fn part_of_run(ends: &[i8], run: usize) -> Vec<i8> {
    let mut out = ends.to_vec();
    for (i, &e) in ends.iter().enumerate().filter(|(_, e)| **e != 0) {
        for o in out.iter_mut().take(i).skip((i + 1).saturating_sub(run)) {
            *o = e;
        }
    }
    out
}

/// The points of every window of three in a row that lie on one side of the mean
/// (`side`, all three the same and not 0) with at least two of them `near` the limits
/// (beyond the 2-sigma line on that side): all three points of such a window.
pub fn two_in_three(near: &[bool], side: &[i8]) -> Vec<bool> {
    let mut out = vec![false; near.len()];
    for i in 2..near.len() {
        let w = i - 2..=i;
        let one_side = side[i] != 0 && side[w.clone()].iter().all(|s| *s == side[i]);
        if one_side && near[w.clone()].iter().filter(|n| **n).count() >= 2 {
            out[w].iter_mut().for_each(|o| *o = true);
        }
    }
    out
}

/// Of the windows [`two_in_three`] found, the points that are themselves near the
/// limits: those the rule flags.
pub fn part_of_two_in_three(windows: &[bool], near: &[bool]) -> Vec<bool> {
    windows.iter().zip(near).map(|(w, n)| *w && *n).collect()
}
