//! Suppression that holds across everything a reader can combine. Every count a reader
//! can see, in whatever table, chart or copy, is one cell; sums tie cells together (a
//! breakdown's groups add up to the service, two half-years to their year) and a
//! numerator lies within its denominator. Counts from 1 to `min_count - 1` are hidden
//! (primary); then, until a reader who adds, subtracts and bounds everything shown can
//! pin no hidden cell to one value, one more cell is hidden where a sum would give a
//! hidden one away (secondary). Cells an earlier publication decided stay as it showed
//! them: only this run's cells can be hidden to protect them.
//!
//! The reader is modelled by interval propagation over the integers: every hidden
//! cell starts anywhere from 0 up, and each sum narrows its cells from the bounds of
//! the others, until nothing moves. The greedy choice (the smallest shown cell of a sum
//! with one hidden cell, then of a sum that still pins one) follows the linked-table
//! heuristics of tau-ARGUS and sdcTable; it is not an optimum. Its early choices can be
//! made redundant by later ones (in linked tables a chain of them reaches the totals),
//! so last every cell it hid is offered back, the most needed and largest first, and
//! shown again where nothing then becomes pinned.

use std::collections::{BTreeMap, BTreeSet};

/// Cells, the sums and bounds that tie them, and what earlier publications showed.
#[derive(Debug, Clone)]
pub struct Problem<K> {
    index: BTreeMap<K, usize>,
    keys: Vec<K>,
    values: Vec<u64>,
    /// Some(hidden) where an earlier publication already decided the cell.
    fixed: Vec<Option<bool>>,
    /// (total, parts): the total is the sum of the parts.
    sums: Vec<(usize, Vec<usize>)>,
    /// (part, whole): the part is at most the whole (a numerator and its denominator).
    within: Vec<(usize, usize)>,
    /// Sums offered that the counts did not bear out.
    broken: usize,
    /// Cells a reader most needs (the groups the report is about): where the greedy
    /// choice has another cell of the same sum to hide instead, it hides that one.
    keep: BTreeSet<usize>,
}

/// What the protection decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected<K: Ord> {
    pub hidden: BTreeSet<K>,
    /// Hidden cells that earlier publications alone pin to one value: nothing this run
    /// hides can protect them (an earlier report already gave them away).
    pub exposed: Vec<K>,
}

impl<K: Ord> Protected<K> {
    pub fn is_hidden(&self, key: &K) -> bool {
        self.hidden.contains(key)
    }
}

impl<K: Ord + Clone + std::fmt::Debug> Default for Problem<K> {
    fn default() -> Self {
        Problem {
            index: BTreeMap::new(),
            keys: Vec::new(),
            values: Vec::new(),
            fixed: Vec::new(),
            sums: Vec::new(),
            within: Vec::new(),
            broken: 0,
            keep: BTreeSet::new(),
        }
    }
}

impl<K: Ord + Clone + std::fmt::Debug> Problem<K> {
    pub fn new() -> Problem<K> {
        Problem::default()
    }

    /// A cell with its exact count; the same key again is the same cell (the first value
    /// stands: one count shown in two tables is one cell).
    pub fn cell(&mut self, key: K, value: u64) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.keys.len();
        self.index.insert(key.clone(), i);
        self.keys.push(key);
        self.values.push(value);
        self.fixed.push(None);
        i
    }

    /// A cell an earlier publication showed (`hidden` false) or hid: it stays so.
    pub fn published(&mut self, key: K, value: u64, hidden: bool) -> usize {
        let i = self.cell(key, value);
        self.fixed[i] = Some(hidden);
        i
    }

    /// The key of cell `i`.
    pub fn key(&self, i: usize) -> &K {
        &self.keys[i]
    }

    pub fn get(&self, key: &K) -> Option<usize> {
        self.index.get(key).copied()
    }

    pub fn value(&self, key: &K) -> Option<u64> {
        self.get(key).map(|i| self.values[i])
    }

    /// Every cell's key with its index.
    pub fn keys(&self) -> impl Iterator<Item = (&K, usize)> {
        self.keys.iter().enumerate().map(|(i, k)| (k, i))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The total is the sum of the parts (cells already added). A sum the counts do
    /// not bear out is a mistake in the caller's model of what a reader knows: it is
    /// left out (it would mislead the choice) and named, and tests fail on it.
    pub fn sum(&mut self, total: usize, parts: Vec<usize>) {
        if parts.is_empty() {
            return;
        }
        let sum: u64 = parts.iter().map(|p| self.values[*p]).sum();
        if sum != self.values[total] {
            tracing::warn!(
                "disclosure control: {:?} ({}) is not the sum of its parts ({sum}); that \
                 sum is left out",
                self.keys[total],
                self.values[total]
            );
            self.broken += 1;
            return;
        }
        self.sums.push((total, parts));
    }

    /// The part is at most the whole.
    /// Hide this cell only where its sum has no other to hide in its place.
    pub fn prefer_shown(&mut self, cell: usize) {
        self.keep.insert(cell);
    }

    pub fn within(&mut self, part: usize, whole: usize) {
        self.within.push((part, whole));
    }

    /// Hide the small counts, then as few more as the greedy rule needs so that no
    /// hidden cell can be pinned to one value from what is shown.
    pub fn protect(&self, min_count: u64) -> Protected<K> {
        debug_assert_eq!(self.broken, 0, "a sum did not hold (see the warning)");
        let primary = |v: u64| v > 0 && v < min_count;
        let mut hidden: Vec<bool> = (0..self.len())
            .map(|i| self.fixed[i].unwrap_or_else(|| primary(self.values[i])))
            .collect();
        loop {
            if self.pair_lone_cells(&mut hidden) {
                continue;
            }
            let pinned = self.pinned(&hidden);
            if pinned.is_empty() {
                self.release(&mut hidden, &[], min_count);
                return self.decided(&hidden, Vec::new());
            }
            let mut changed = false;
            let mut exposed = Vec::new();
            for p in pinned {
                match self.nearest_candidate(&hidden, p) {
                    Some(c) => {
                        hidden[c] = true;
                        changed = true;
                        break;
                    }
                    None => exposed.push(p),
                }
            }
            if !changed {
                self.release(&mut hidden, &exposed, min_count);
                return self.decided(&hidden, exposed);
            }
        }
    }

    /// Shows again every cell the greedy hid that no longer needs hiding: a choice made
    /// early, for a cell pinned then, can be redundant once later choices hide more
    /// (in linked tables a chain of such choices reaches the totals). Tried one at a
    /// time, the cells a reader most needs first, then the largest: a cell stays shown
    /// if no hidden cell beyond those already `exposed` can then be pinned.
    fn release(&self, hidden: &mut [bool], exposed: &[usize], min_count: u64) {
        let secondary = |i: &usize| {
            hidden[*i]
                && self.fixed[*i].is_none()
                && !(self.values[*i] > 0 && self.values[*i] < min_count)
        };
        let mut tries: Vec<usize> = (0..self.len()).filter(secondary).collect();
        tries.sort_by_key(|i| {
            (
                !self.keep.contains(i),
                std::cmp::Reverse(self.values[*i]),
                *i,
            )
        });
        for c in tries {
            hidden[c] = false;
            if self.pinned(hidden).iter().any(|p| !exposed.contains(p)) {
                hidden[c] = true;
            }
        }
    }

    fn decided(&self, hidden: &[bool], exposed: Vec<usize>) -> Protected<K> {
        Protected {
            hidden: (0..self.len())
                .filter(|i| hidden[*i])
                .map(|i| self.keys[i].clone())
                .collect(),
            exposed: exposed.into_iter().map(|i| self.keys[i].clone()).collect(),
        }
    }

    /// Every sum with exactly one hidden cell gets a second: one pass, true when it hid
    /// anything.
    fn pair_lone_cells(&self, hidden: &mut [bool]) -> bool {
        let mut changed = false;
        for (s, (total, parts)) in self.sums.iter().enumerate() {
            let lone = std::iter::once(total)
                .chain(parts)
                .filter(|i| hidden[**i])
                .count()
                == 1;
            if lone && let Some(c) = self.candidate(hidden, std::iter::once(s)) {
                hidden[c] = true;
                changed = true;
            }
        }
        changed
    }

    /// The cell to hide for a pinned one: from the sums that hold it, else from the
    /// sums that hold the hidden cells of those, and so on outwards (a priority group
    /// equal to two hidden age bands is pinned by the age table's total, which only a
    /// third band can unpin).
    fn nearest_candidate(&self, hidden: &[bool], pinned: usize) -> Option<usize> {
        let mut seen_cells = BTreeSet::from([pinned]);
        let mut seen_sums = BTreeSet::new();
        let mut layer = vec![pinned];
        while !layer.is_empty() {
            let sums: Vec<usize> = layer
                .iter()
                .flat_map(|c| self.sums_with(*c))
                .filter(|s| seen_sums.insert(*s))
                .collect();
            if let Some(c) = self.candidate(hidden, sums.iter().copied()) {
                return Some(c);
            }
            layer = sums
                .iter()
                .flat_map(|s| {
                    let (t, parts) = &self.sums[*s];
                    std::iter::once(*t).chain(parts.iter().copied())
                })
                .filter(|c| hidden[*c] && seen_cells.insert(*c))
                .collect();
        }
        None
    }

    fn sums_with(&self, cell: usize) -> impl Iterator<Item = usize> + '_ {
        self.sums
            .iter()
            .enumerate()
            .filter(move |(_, (t, parts))| *t == cell || parts.contains(&cell))
            .map(|(s, _)| s)
    }

    /// The cell to hide next among these sums: the smallest shown non-zero part this
    /// run decides, else a shown zero part, else the total; at each step a cell the
    /// reader most needs only where no other is left.
    fn candidate(&self, hidden: &[bool], sums: impl Iterator<Item = usize>) -> Option<usize> {
        let free = |i: &usize| !hidden[*i] && self.fixed[*i].is_none();
        let mut parts = Vec::new();
        let mut totals = Vec::new();
        for s in sums {
            let (t, ps) = &self.sums[s];
            parts.extend(ps.iter().copied().filter(free));
            totals.extend(Some(*t).filter(free));
        }
        let kept = |i: &usize| self.keep.contains(i);
        parts
            .iter()
            .copied()
            .filter(|i| self.values[*i] > 0)
            .min_by_key(|i| (kept(i), self.values[*i], *i))
            .or_else(|| parts.iter().copied().min_by_key(|i| (kept(i), *i)))
            .or_else(|| {
                totals
                    .into_iter()
                    .min_by_key(|i| (kept(i), self.values[*i], *i))
            })
    }

    /// The hidden cells a reader can pin to one value: by interval propagation (sums
    /// with bounds from 0 up), or by solving the sums as linear equations.
    pub fn pinned(&self, hidden: &[bool]) -> Vec<usize> {
        let (lo, hi) = self.bounds(hidden);
        let solved = self.determined(hidden);
        // A hidden zero found to be zero gives nothing away: zeros are shown anyway.
        (0..self.len())
            .filter(|i| hidden[*i] && self.values[*i] > 0)
            .filter(|i| lo[*i] == hi[*i] || solved.contains(i))
            .collect()
    }

    /// Hidden cells the sums determine as linear equations (where intervals may not:
    /// r1 = x + y, r2 = x + z and c = y + z give x = (r1 + r2 - c) / 2). A cell is
    /// determined when its unit vector lies in the row space of the sums restricted to
    /// hidden cells: some row of the reduced row echelon form is that unit vector.
    /// Worked per group of hidden cells that sums tie together, which keeps each small.
    fn determined(&self, hidden: &[bool]) -> BTreeSet<usize> {
        let mut group: Vec<usize> = (0..self.len()).collect();
        fn root(g: &mut [usize], mut i: usize) -> usize {
            while g[i] != i {
                g[i] = g[g[i]];
                i = g[i];
            }
            i
        }
        let rows: Vec<Vec<(usize, f64)>> = self
            .sums
            .iter()
            .map(|(t, parts)| {
                std::iter::once((*t, 1.0))
                    .chain(parts.iter().map(|p| (*p, -1.0)))
                    .filter(|(i, _)| hidden[*i])
                    .collect::<Vec<_>>()
            })
            .filter(|r| !r.is_empty())
            .collect();
        for r in &rows {
            for w in r.windows(2) {
                let (a, b) = (root(&mut group, w[0].0), root(&mut group, w[1].0));
                group[a] = b;
            }
        }
        let mut by_group: BTreeMap<usize, Vec<&Vec<(usize, f64)>>> = BTreeMap::new();
        for r in &rows {
            by_group
                .entry(root(&mut group, r[0].0))
                .or_default()
                .push(r);
        }
        let mut out = BTreeSet::new();
        for rs in by_group.values() {
            let mut vars: Vec<usize> = rs.iter().flat_map(|r| r.iter().map(|x| x.0)).collect();
            vars.sort_unstable();
            vars.dedup();
            let mut m: Vec<Vec<f64>> = rs
                .iter()
                .map(|r| {
                    let mut row = vec![0.0; vars.len()];
                    for (i, c) in r.iter() {
                        row[vars.binary_search(i).unwrap()] += c;
                    }
                    row
                })
                .collect();
            for c in reduced_rows(&mut m) {
                out.insert(vars[c]);
            }
        }
        out
    }

    /// Each cell's bounds as a reader can narrow them: a shown cell is its value; a
    /// hidden one starts at 0 to unbounded and is narrowed by every sum and bound.
    pub fn bounds(&self, hidden: &[bool]) -> (Vec<i128>, Vec<i128>) {
        let mut lo: Vec<i128> = (0..self.len())
            .map(|i| if hidden[i] { 0 } else { self.values[i] as i128 })
            .collect();
        let mut hi: Vec<i128> = (0..self.len())
            .map(|i| {
                if hidden[i] {
                    UNBOUNDED
                } else {
                    self.values[i] as i128
                }
            })
            .collect();
        narrow(&self.sums, &self.within, &mut lo, &mut hi);
        (lo, hi)
    }
}

/// Brings `m` to reduced row echelon form and gives the columns some row of it is the
/// unit vector of.
fn reduced_rows(m: &mut [Vec<f64>]) -> Vec<usize> {
    const EPS: f64 = 1e-9;
    let cols = m.first().map_or(0, Vec::len);
    let mut pivot_row = 0;
    for c in 0..cols {
        let Some(best) = (pivot_row..m.len())
            .filter(|r| m[*r][c].abs() > EPS)
            .max_by(|a, b| m[*a][c].abs().total_cmp(&m[*b][c].abs()))
        else {
            continue;
        };
        m.swap(pivot_row, best);
        let p = m[pivot_row][c];
        for x in m[pivot_row].iter_mut() {
            *x /= p;
        }
        let pivot = m[pivot_row].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != pivot_row && row[c].abs() > EPS {
                let f = row[c];
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x -= f * y;
                }
            }
        }
        pivot_row += 1;
        if pivot_row == m.len() {
            break;
        }
    }
    m.iter()
        .filter_map(|row| {
            let mut nz = row.iter().enumerate().filter(|(_, x)| x.abs() > EPS);
            match (nz.next(), nz.next()) {
                (Some((c, _)), None) => Some(c),
                _ => None,
            }
        })
        .collect()
}

/// Larger than any count: an upper bound not yet known.
pub const UNBOUNDED: i128 = i128::MAX / 4;

/// A sum of upper bounds, unbounded if any is.
fn bounded_sum(xs: impl Iterator<Item = i128>) -> i128 {
    xs.fold(0i128, |a, x| a.saturating_add(x)).min(UNBOUNDED)
}

/// Interval propagation to a fixed point: for `total = sum(parts)`, the total lies
/// between the sums of its parts' bounds, and each part between the total's bound less
/// the others' opposite bounds; a part lies within its whole.
pub fn narrow(
    sums: &[(usize, Vec<usize>)],
    within: &[(usize, usize)],
    lo: &mut [i128],
    hi: &mut [i128],
) {
    for _round in 0..10_000 {
        let mut changed = false;
        for (t, parts) in sums {
            let sum_lo: i128 = parts.iter().map(|p| lo[*p]).sum();
            let sum_hi: i128 = bounded_sum(parts.iter().map(|p| hi[*p]));
            if sum_lo > lo[*t] {
                lo[*t] = sum_lo;
                changed = true;
            }
            if sum_hi < hi[*t] {
                hi[*t] = sum_hi;
                changed = true;
            }
            let (t_lo, t_hi) = (lo[*t], hi[*t]);
            for p in parts {
                let others_lo = sum_lo - lo[*p];
                let others_hi = if sum_hi >= UNBOUNDED {
                    // unbounded unless this part is the only unbounded one
                    bounded_sum(parts.iter().filter(|q| *q != p).map(|q| hi[*q]))
                } else {
                    sum_hi - hi[*p]
                };
                if others_hi < UNBOUNDED && t_lo - others_hi > lo[*p] {
                    lo[*p] = t_lo - others_hi;
                    changed = true;
                }
                if t_hi < UNBOUNDED && t_hi - others_lo < hi[*p] {
                    hi[*p] = t_hi - others_lo;
                    changed = true;
                }
            }
        }
        for (part, whole) in within {
            if hi[*whole] < hi[*part] {
                hi[*part] = hi[*whole];
                changed = true;
            }
            if lo[*part] > lo[*whole] {
                lo[*whole] = lo[*part];
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden_of(p: &Problem<&'static str>, out: &Protected<&'static str>) -> Vec<bool> {
        p.keys.iter().map(|k| out.is_hidden(k)).collect()
    }

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_with_it() {
        let mut p = Problem::new();
        let t = p.cell("total", 64);
        let parts = vec![
            p.cell("a", 40),
            p.cell("b", 3),
            p.cell("c", 12),
            p.cell("d", 9),
        ];
        p.sum(t, parts);
        let out = p.protect(5);
        assert_eq!(out.hidden, BTreeSet::from(["b", "d"]));
        assert!(p.pinned(&hidden_of(&p, &out)).is_empty());
        // the reader knows only that b + d = 12
        let (lo, hi) = p.bounds(&hidden_of(&p, &out));
        assert_eq!((lo[2], hi[2]), (0, 12));
    }

    #[test]
    fn a_cell_the_reader_most_needs_is_kept_where_another_can_be_hidden() {
        // as above, with d (9) a count the report is about: c (12) goes with b instead
        let mut p = Problem::new();
        let t = p.cell("total", 64);
        let parts = vec![
            p.cell("a", 40),
            p.cell("b", 3),
            p.cell("c", 12),
            p.cell("d", 9),
        ];
        p.sum(t, parts.clone());
        p.prefer_shown(parts[3]);
        let out = p.protect(5);
        assert_eq!(out.hidden, BTreeSet::from(["b", "c"]));
        // with every other part kept too, d is hidden after all: b cannot stand alone
        let mut p = Problem::new();
        let t = p.cell("total", 52);
        let parts = vec![p.cell("a", 40), p.cell("b", 3), p.cell("d", 9)];
        p.sum(t, parts.clone());
        p.prefer_shown(parts[0]);
        p.prefer_shown(parts[2]);
        let out = p.protect(5);
        assert_eq!(out.hidden, BTreeSet::from(["b", "d"]));
    }

    #[test]
    fn a_count_in_two_tables_is_one_cell() {
        // Interpreter needed: 3 in all, by sex 1 + 2 (both hidden) and by age 3 + 0.
        // Hiding the service's 3 alone would let the breakdowns give it back; the
        // breakdowns' cells make every sum hold two hidden cells.
        let mut p = Problem::new();
        let t = p.cell("all", 3);
        let by_sex = vec![p.cell("men", 1), p.cell("women", 2)];
        let by_age = vec![p.cell("18-64", 3), p.cell("65+", 0)];
        p.sum(t, by_sex);
        p.sum(t, by_age);
        let out = p.protect(5);
        let h = hidden_of(&p, &out);
        assert!(out.is_hidden(&"all") && out.is_hidden(&"18-64"));
        assert!(p.pinned(&h).is_empty(), "{out:?}");
    }

    #[test]
    fn a_pinned_cell_is_found_where_each_sum_holds_two_hidden_cells() {
        // r1 = x + y, r2 = x + z, c = y + z with x, y, z hidden: every sum holds two
        // hidden cells and intervals leave x anywhere in 0..=6, but solving the three
        // equations gives x = (10 + 7 - 11) / 2 = 3, then y and z.
        let mut p = Problem::new();
        let r1 = p.cell("r1", 10);
        let r2 = p.cell("r2", 7);
        let c = p.cell("c", 11);
        let x = p.cell("x", 3);
        let y = p.cell("y", 7);
        let z = p.cell("z", 4);
        p.sum(r1, vec![x, y]);
        p.sum(r2, vec![x, z]);
        p.sum(c, vec![y, z]);
        let hidden = vec![false, false, false, true, true, true];
        let (lo, hi) = p.bounds(&hidden);
        assert_eq!((lo[x], hi[x]), (0, 6));
        assert_eq!(p.pinned(&hidden), vec![x, y, z]);
        let out = p.protect(5);
        assert!(p.pinned(&hidden_of(&p, &out)).is_empty(), "{out:?}");
        assert!(out.is_hidden(&"x") && out.is_hidden(&"z"));
        // Intervals pin what equations alone do not: t = u + v, v within w = 0.
        let mut q = Problem::new();
        let t = q.cell("t", 3);
        let u = q.cell("u", 3);
        let v = q.cell("v", 0);
        let w = q.cell("w", 0);
        q.sum(t, vec![u, v]);
        q.within(v, w);
        assert_eq!(q.pinned(&[false, true, true, false]), vec![u]);
        let out = q.protect(5);
        // nothing but the total is left to hide
        assert!(out.is_hidden(&"t"));
        assert!(q.pinned(&hidden_of(&q, &out)).is_empty());
    }

    #[test]
    fn a_group_equal_to_two_hidden_bands_takes_a_third_band_with_it() {
        // finished 115 = 17-64 111 + 65-74 3 + 75+ 1; Aged 65+ = 65-74 + 75+ = 4. All
        // three small counts hidden, the two bands still add up to 115 - 111 and give
        // Aged 65+ away; its own sum has nothing left to hide, so the search goes out
        // through the hidden bands to the age table and hides 17-64.
        let mut p = Problem::new();
        let all = p.cell("all", 115);
        let young = p.cell("17-64", 111);
        let a = p.cell("65-74", 3);
        let b = p.cell("75+", 1);
        let older = p.cell("Aged 65+", 4);
        p.sum(all, vec![young, a, b]);
        p.sum(older, vec![a, b]);
        assert_eq!(p.pinned(&[false, false, true, true, true]), vec![older]);
        let out = p.protect(5);
        assert!(out.exposed.is_empty());
        assert!(out.is_hidden(&"17-64"));
        assert!(p.pinned(&hidden_of(&p, &out)).is_empty(), "{out:?}");
    }

    /// A grid of counts with its row, column and grand totals shown.
    fn grid_problem(counts: &[Vec<u64>]) -> Problem<(usize, usize)> {
        const TOTAL: usize = usize::MAX;
        let (rows, cols) = (counts.len(), counts[0].len());
        let mut p = Problem::new();
        let cells: Vec<Vec<usize>> = (0..rows)
            .map(|r| (0..cols).map(|c| p.cell((r, c), counts[r][c])).collect())
            .collect();
        let row_totals: Vec<usize> = (0..rows)
            .map(|r| p.cell((r, TOTAL), counts[r].iter().sum()))
            .collect();
        let col_totals: Vec<usize> = (0..cols)
            .map(|c| p.cell((TOTAL, c), counts.iter().map(|row| row[c]).sum()))
            .collect();
        let grand = p.cell((TOTAL, TOTAL), counts.iter().flatten().sum());
        for r in 0..rows {
            p.sum(row_totals[r], cells[r].clone());
        }
        for c in 0..cols {
            p.sum(col_totals[c], (0..rows).map(|r| cells[r][c]).collect());
        }
        p.sum(grand, row_totals);
        p.sum(grand, col_totals);
        p
    }

    #[test]
    fn no_grid_gives_a_hidden_count_away() {
        // Every 3 x 3 grid of counts drawn from {0, 2, 9} with its totals shown: whatever
        // is hidden, no hidden non-zero count can be pinned by intervals or by solving.
        let values = [0u64, 2, 9];
        for code in 0..3usize.pow(9) {
            let mut k = code;
            let grid: Vec<Vec<u64>> = (0..3)
                .map(|_| {
                    (0..3)
                        .map(|_| {
                            let v = values[k % 3];
                            k /= 3;
                            v
                        })
                        .collect()
                })
                .collect();
            let p = grid_problem(&grid);
            let out = p.protect(5);
            assert!(out.exposed.is_empty(), "{grid:?}");
            let hidden: Vec<bool> = p.keys.iter().map(|k| out.is_hidden(k)).collect();
            assert!(p.pinned(&hidden).is_empty(), "{grid:?} -> {:?}", out.hidden);
            // every small count is hidden
            for (r, row) in grid.iter().enumerate() {
                for (c, n) in row.iter().enumerate() {
                    if (1..5).contains(n) {
                        assert!(out.is_hidden(&(r, c)), "{grid:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_cell_hidden_on_the_way_is_shown_again_once_later_choices_protect() {
        // Rows 7 2 0 | 9, 2 0 0 | 2, 0 0 0 | 0; columns 9, 2, 0; all 11. The two 2s are
        // small; the greedy choice hides the 7 for them, then the totals of their rows
        // and columns (11 less one row's or column's total would give the other). With
        // those four totals hidden, the 7 protects nothing: shown, the reader still has
        // only 2 + 2 = 11 - 7, so each small count lies anywhere in 0 to 4.
        const T: usize = usize::MAX;
        let p = grid_problem(&[vec![7, 2, 0], vec![2, 0, 0], vec![0, 0, 0]]);
        let out = p.protect(5);
        assert_eq!(
            out.hidden,
            BTreeSet::from([(0, 1), (0, T), (1, 0), (1, T), (T, 0), (T, 1)])
        );
        let h: Vec<bool> = p.keys.iter().map(|k| out.is_hidden(k)).collect();
        let (lo, hi) = p.bounds(&h);
        let small = p.get(&(0, 1)).unwrap();
        assert_eq!((lo[small], hi[small]), (0, 4));
        assert!(p.pinned(&h).is_empty());
    }

    #[test]
    fn an_earlier_publication_binds_this_run() {
        // The year's D (10) is shown only if H1's 6 and H2's hidden 4 stay apart: with
        // both halves published, the year's cell is hidden, then its own line pairs it.
        let mut p = Problem::new();
        let h1 = p.published("H1 D", 6, false);
        let h2 = p.published("H2 D", 4, true);
        let year = p.cell("year D", 10);
        p.sum(year, vec![h1, h2]);
        let all = p.cell("year all", 110);
        let others = p.cell("year others", 100);
        p.sum(all, vec![year, others]);
        let out = p.protect(5);
        assert!(out.is_hidden(&"year D"));
        assert!(out.is_hidden(&"year others"));
        assert!(!out.is_hidden(&"H1 D"));
        assert!(out.exposed.is_empty());
        // An earlier pair of reports that already gives H2 away is said to be exposed.
        let mut q = Problem::new();
        let a = q.published("year", 10, false);
        let b = q.published("H1", 6, false);
        let c = q.published("H2", 4, true);
        q.sum(a, vec![b, c]);
        assert_eq!(q.protect(5).exposed, vec!["H2"]);
    }

    #[test]
    fn a_grid_hides_a_rectangle_that_no_line_can_undo() {
        // Ethnic group by sex with totals: Mixed men 3.
        let counts = vec![vec![120u64, 150], vec![3, 12], vec![40, 55], vec![9, 20]];
        let p = grid_problem(&counts);
        let out = p.protect(5);
        let hidden: Vec<(usize, usize)> = out.hidden.iter().copied().collect();
        assert_eq!(hidden, [(1, 0), (1, 1), (3, 0), (3, 1)]);
        let h: Vec<bool> = p.keys.iter().map(|k| out.is_hidden(k)).collect();
        assert!(p.pinned(&h).is_empty());
    }
}
