//! One suppression decision per run for everything its readers can combine: every
//! count behind a figure is a cell named by what it counts, its breakdown and its
//! period, so the same count in two tables (or in the rounded and the unrounded copy)
//! is one cell, hidden in both or neither. The sums a reader knows (a breakdown's groups
//! add up to the service; ethnic categories to their group; a priority group that is
//! one category equals it) tie the cells, and `protect` hides what they would give
//! away. Every copy of the document is then drawn from this plan; rounding comes after.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::counts::counts_of;
use super::protect::{Problem, Protected};
use super::record::{Record, RecordCell};
use crate::metrics::{Metric, Metrics};
use crate::registry::{self, Counts};

/// A count some page may show or give away: what it counts, for which group, when.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellKey {
    pub period: String,
    pub count: String,
    pub by: Vec<(String, String)>,
}

impl CellKey {
    /// The key of a count for a breakdown given as (dimension, group) pairs.
    pub fn new<'a>(
        period: &str,
        count: &str,
        by: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> CellKey {
        let mut by: Vec<(String, String)> = by
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        by.sort();
        CellKey {
            period: period.to_string(),
            count: count.to_string(),
            by,
        }
    }
}

/// A breakdown as (dimension, group) pairs.
fn pairs(by: &BTreeMap<String, String>) -> impl Iterator<Item = (&str, &str)> {
    by.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// One group of one breakdown: (dimension, value).
type Group = (String, String);

/// The cells of a run and the sums between them, built from its figures and any other
/// counts its tables show.
pub struct Builder {
    period: String,
    problem: Problem<CellKey>,
    /// Equalities a reader knows between groups of different dimensions:
    /// (dimension, value) = sum of (dimension, value).
    equal: Vec<(Group, Vec<Group>)>,
    /// What earlier runs over overlapping periods published or committed to hide.
    earlier: Vec<Record>,
    /// The counts of events in a period, which add up over the periods that make a
    /// longer one (referrals received: yes; referrals treated by the period's end: no).
    over_time: Vec<String>,
    /// Counts given only for some groups (where a population is known), whose groups
    /// therefore do not add up to the whole.
    partial: Vec<String>,
    /// The dimensions whose groups add up to the whole, with every group each has:
    /// a sum is made only over all of them (a share given for one group, BME staff
    /// say, is no partition; priority groups overlap and are not one).
    dims: BTreeMap<String, BTreeSet<String>>,
}

impl Builder {
    pub fn new(period: &str) -> Builder {
        Builder {
            period: period.to_string(),
            problem: Problem::new(),
            equal: Vec::new(),
            earlier: Vec::new(),
            over_time: Vec::new(),
            partial: Vec::new(),
            dims: BTreeMap::new(),
        }
    }

    /// A dimension whose groups add up to the whole, with its groups (and any other the
    /// run's cells hold): a sum over it is made where every group has its cell.
    pub fn groups(mut self, dim: &str, values: &[&str]) -> Builder {
        let mut all: BTreeSet<String> = values.iter().map(|v| v.to_string()).collect();
        all.extend(self.problem.keys().flat_map(|(k, _)| {
            k.by.iter()
                .filter(|(d, _)| d == dim)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        }));
        self.dims.insert(dim.to_string(), all);
        self
    }

    /// As [`Self::groups`], for a dimension every table shows in full: every breakdown
    /// that has one of its groups gets all, with 0 where a query gave no row.
    pub fn complete(self, dim: &str, values: &[&str]) -> Builder {
        let mut b = self.groups(dim, values);
        let with_dim: Vec<CellKey> = b
            .problem
            .keys()
            .filter(|(k, _)| k.period == b.period && k.by.iter().any(|(d, _)| d == dim))
            .map(|(k, _)| k.clone())
            .collect();
        for key in with_dim {
            for v in &b.dims[dim] {
                let mut by: Vec<(String, String)> = key
                    .by
                    .iter()
                    .map(|(d, x)| (d.clone(), if d == dim { v.clone() } else { x.clone() }))
                    .collect();
                by.sort();
                b.problem.cell(CellKey { by, ..key.clone() }, 0);
            }
        }
        b
    }

    /// Counts whose breakdowns leave groups out: no sum is made of them.
    pub fn partial(mut self, counts: &[&str]) -> Builder {
        self.partial = counts.iter().map(|c| c.to_string()).collect();
        self
    }

    /// The records of earlier runs over overlapping periods, and which counts add up
    /// over time (two half-years to their year).
    pub fn earlier(mut self, records: &[Record], over_time: &[&str]) -> Builder {
        self.earlier = records.to_vec();
        self.over_time = over_time.iter().map(|c| c.to_string()).collect();
        self
    }

    /// Every count behind the run's figures, each numerator within its denominator.
    pub fn metrics(mut self, metrics: &Metrics) -> Builder {
        for m in &metrics.0 {
            let cells: Vec<usize> = counts_of(m)
                .into_iter()
                .map(|(count, by, n)| {
                    let key = CellKey::new(&self.period, &count, pairs(&by));
                    self.problem.cell(key, n)
                })
                .collect();
            // figures of several groups, each a numerator and its denominator
            let sides = registry::figure(&m.id).is_some_and(|f| {
                matches!(
                    f.counts,
                    Counts::Sides { .. }
                        | Counts::Quantiles {
                            denominator: Some(_),
                            ..
                        }
                )
            });
            if sides {
                // each group's numerator within its denominator
                for pair in cells.chunks(2) {
                    if let [num, den] = pair[..] {
                        self.problem.within(num, den);
                    }
                }
            } else if let [num, den] = cells[..] {
                self.problem.within(num, den);
            }
        }
        self
    }

    /// A count a table shows that no figure holds (such as referrals by source), for a
    /// breakdown given as (dimension, group) pairs.
    pub fn count(&mut self, count: &str, by: &[(&str, &str)], n: u64) -> usize {
        let key = CellKey::new(&self.period, count, by.iter().copied());
        self.problem.cell(key, n)
    }

    /// A sum a reader can make across tables that the dimensions do not give (a band
    /// cluster's staff are those of its bands, clinical and not): the `count` of
    /// breakdown `total` is the sum of the same count of the `parts`' breakdowns. Made
    /// where the total and at least one part are cells of the run (a part that is no
    /// cell had none).
    pub fn tie(&mut self, count: &str, total: &[(&str, &str)], parts: &[Vec<(&str, &str)>]) {
        let key = |by: &[(&str, &str)]| CellKey::new(&self.period, count, by.iter().copied());
        let Some(total) = self.problem.get(&key(total)) else {
            return;
        };
        let parts: Vec<usize> = parts
            .iter()
            .filter_map(|p| self.problem.get(&key(p)))
            .collect();
        self.problem.sum(total, parts);
    }

    /// A group of one dimension is, for every count, the sum of groups of another (a
    /// priority group that is one ethnic category; an ethnic group and its categories).
    pub fn equal(mut self, group: (&str, &str), parts: &[(&str, &str)]) -> Builder {
        self.equal.push((
            (group.0.to_string(), group.1.to_string()),
            parts
                .iter()
                .map(|(d, v)| (d.to_string(), v.to_string()))
                .collect(),
        ));
        self
    }

    /// Earlier runs' cells, fixed as they published them; this run's cells an earlier
    /// run committed to hide; and for each count of this run that adds up over time,
    /// the sum `year = first half + second half`, with the one period of the three not
    /// yet published worked out by subtraction (a virtual cell: hidden where its count
    /// is small, and the commitment kept in this run's record).
    fn overlap(&mut self) -> BTreeSet<usize> {
        let own: Vec<(CellKey, usize)> = self.problem.keys().map(|(k, i)| (k.clone(), i)).collect();
        // cells of periods not yet published that an earlier run needs hidden
        let mut committed = BTreeSet::new();
        let mut published = BTreeSet::new();
        for r in std::mem::take(&mut self.earlier) {
            published.insert(r.period.clone());
            for c in r.cells {
                let key = CellKey {
                    period: c.period.clone(),
                    count: c.count,
                    by: c.by,
                };
                if c.period == r.period {
                    // a count the extracts have since changed is another count
                    if self.problem.value(&key).is_none_or(|v| v == c.value) {
                        self.problem.published(key, c.value, c.hidden);
                    }
                } else if c.hidden {
                    committed.insert(key);
                }
            }
        }
        let mut virtual_cells = BTreeSet::new();
        if let Some((year, halves)) = super::record::nesting(&self.period) {
            virtual_cells = self.nest(&own, &year, &halves, &published);
        }
        for key in &committed {
            if let Some(v) = self.problem.value(key)
                && (key.period == self.period
                    || virtual_cells.contains(&self.problem.get(key).unwrap_or(usize::MAX)))
            {
                self.problem.published(key.clone(), v, true);
            }
        }
        virtual_cells
    }

    /// For each count of this run that adds up over time, `year = first half + second
    /// half`, with a virtual cell for the one period of the three not yet published.
    fn nest(
        &mut self,
        own: &[(CellKey, usize)],
        year: &str,
        halves: &[String; 2],
        published: &BTreeSet<String>,
    ) -> BTreeSet<usize> {
        let mut virtual_cells = BTreeSet::new();
        // every count and breakdown any of the three periods holds: a group missing from
        // one period had none there
        let mut shapes: BTreeSet<(String, Vec<(String, String)>)> = own
            .iter()
            .map(|(k, _)| (k.count.clone(), k.by.clone()))
            .collect();
        let related = [year.to_string(), halves[0].clone(), halves[1].clone()];
        // (period, count, dimensions) of every table some period shows
        let shape = |k: &CellKey| {
            (
                k.period.clone(),
                k.count.clone(),
                k.by.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>(),
            )
        };
        let shown: BTreeSet<_> = self.problem.keys().map(|(k, _)| shape(k)).collect();
        shapes.extend(
            self.problem
                .keys()
                .filter(|(k, _)| related.contains(&k.period))
                .map(|(k, _)| (k.count.clone(), k.by.clone())),
        );
        for (count, by) in shapes {
            if !self.over_time.contains(&count) {
                continue;
            }
            let key = CellKey {
                period: self.period.clone(),
                count,
                by,
            };
            let at = |p: &str| CellKey {
                period: p.to_string(),
                ..key.clone()
            };
            let keys = [at(year), at(&halves[0]), at(&halves[1])];
            // a period whose tables break this count down the same way, but without
            // this group, had none of it
            for k in &keys {
                if self.problem.get(k).is_none() && shown.contains(&shape(k)) {
                    if k.period == self.period {
                        self.problem.cell(k.clone(), 0);
                    } else if published.contains(&k.period) {
                        self.problem.published(k.clone(), 0, false);
                    }
                }
            }
            if self.problem.get(&key).is_none() {
                continue;
            }
            let values: Vec<Option<u64>> = keys.iter().map(|k| self.problem.value(k)).collect();
            let missing: Vec<usize> = (0..3).filter(|i| values[*i].is_none()).collect();
            let values: Vec<u64> = match missing[..] {
                [] => values.into_iter().flatten().collect(),
                [m] => {
                    let known: Vec<u64> = values.iter().flatten().copied().collect();
                    let v = if m == 0 {
                        Some(known[0] + known[1])
                    } else {
                        known[0].checked_sub(known[1])
                    };
                    let Some(v) = v else { continue };
                    virtual_cells.insert(self.problem.cell(keys[m].clone(), v));
                    let mut all = vec![0; 3];
                    for (i, k) in keys.iter().enumerate() {
                        all[i] = self.problem.value(k).unwrap_or(0);
                    }
                    all
                }
                _ => continue,
            };
            // records from other extracts may not add up: a reader cannot subtract them
            // exactly either
            if values[0] == values[1] + values[2] {
                let idx: Vec<usize> = keys.iter().map(|k| self.problem.get(k).unwrap()).collect();
                self.problem.sum(idx[0], vec![idx[1], idx[2]]);
            }
        }
        virtual_cells
    }

    /// The cells a reader most needs (the groups the report is about): hidden only
    /// where a sum leaves no other cell to hide in their place.
    pub fn prefer_shown(mut self, needed: impl Fn(&CellKey) -> bool) -> Builder {
        let cells: Vec<usize> = self
            .problem
            .keys()
            .filter(|(k, _)| needed(k))
            .map(|(_, i)| i)
            .collect();
        for i in cells {
            self.problem.prefer_shown(i);
        }
        self
    }

    /// The sums a reader knows, then the decision.
    pub fn protect(mut self, min_count: u64) -> Plan {
        let virtual_cells = self.overlap();
        let index: BTreeMap<CellKey, usize> =
            self.problem.keys().map(|(k, i)| (k.clone(), i)).collect();
        // A cell is the sum, over any additive dimension it lacks, of the cells that add
        // that dimension to its breakdown (referrals = referrals by sex; referrals of
        // White people = White men + White women + ...).
        // every value each dimension takes for each count: a sum is made only over all
        // of them (a share given for one group, BME staff say, is no partition)
        let mut values: BTreeMap<(&str, &str, &str), BTreeSet<&str>> = BTreeMap::new();
        for key in index.keys() {
            for (d, v) in &key.by {
                values
                    .entry((&key.period, &key.count, d))
                    .or_default()
                    .insert(v);
            }
        }
        let mut parts: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
        for (key, &at) in &index {
            if self.partial.contains(&key.count) {
                continue;
            }
            for (dim, value) in &key.by {
                if !self.dims.contains_key(dim) {
                    continue;
                }
                let dim = dim.as_str();
                let parent = CellKey {
                    by: key
                        .by
                        .iter()
                        .filter(|kv| kv.0 != *dim || kv.1 != *value)
                        .cloned()
                        .collect(),
                    ..key.clone()
                };
                if let Some(&total) = index.get(&parent) {
                    parts.entry((total, dim)).or_default().push(at);
                }
            }
        }
        for ((total, dim), cells) in parts {
            let total_key = self.problem.key(total);
            let covers = cells
                .iter()
                .filter_map(|c| {
                    let k = self.problem.key(*c);
                    k.by.iter().find(|(d, _)| d == dim).map(|(_, v)| v.as_str())
                })
                .collect::<BTreeSet<&str>>();
            let seen = values.get(&(total_key.period.as_str(), total_key.count.as_str(), dim));
            let declared = &self.dims[dim];
            if seen.is_some_and(|seen| *seen == covers)
                && declared.iter().all(|v| covers.contains(v.as_str()))
            {
                self.problem.sum(total, cells);
            }
        }
        for ((dim, value), group) in &self.equal {
            for (key, &at) in &index {
                if key.by.len() != 1 || key.by[0].0 != *dim || key.by[0].1 != *value {
                    continue;
                }
                let cells: Vec<usize> = group
                    .iter()
                    .filter_map(|p| {
                        index
                            .get(&CellKey {
                                by: vec![p.clone()],
                                ..key.clone()
                            })
                            .copied()
                    })
                    .collect();
                self.problem.sum(at, cells);
            }
        }
        let protected = self.problem.protect(min_count);
        // this run's cells, and the virtual ones it found must stay hidden
        let cells = index
            .iter()
            .filter(|(k, i)| {
                k.period == self.period || (virtual_cells.contains(i) && protected.is_hidden(k))
            })
            .map(|(k, _)| RecordCell {
                period: k.period.clone(),
                count: k.count.clone(),
                by: k.by.clone(),
                value: self.problem.value(k).unwrap_or(0),
                hidden: protected.is_hidden(k),
            })
            .collect();
        Plan {
            record: Record {
                period: self.period.clone(),
                cells,
            },
            period: self.period,
            protected,
        }
    }
}

/// Which cells every copy of a run's document hides.
#[derive(Debug, Clone)]
pub struct Plan {
    period: String,
    protected: Protected<CellKey>,
    record: Record,
}

impl Plan {
    /// Whether the count of `count` for this breakdown, given as (dimension, group)
    /// pairs, is hidden.
    pub fn hides(&self, count: &str, by: &[(&str, &str)]) -> bool {
        self.protected
            .is_hidden(&CellKey::new(&self.period, count, by.iter().copied()))
    }

    /// Whether a figure must be hidden: any count it shows is (a gap shows its two
    /// sides; a group on neither side is in the plan for its sums only).
    pub fn hides_metric(&self, m: &Metric) -> bool {
        let sides =
            registry::figure(&m.id).is_some_and(|f| matches!(f.counts, Counts::Sides { .. }));
        let shown = if sides { 4 } else { usize::MAX };
        counts_of(m).iter().take(shown).any(|(c, by, _)| {
            self.protected
                .is_hidden(&CellKey::new(&self.period, c, pairs(by)))
        })
    }

    pub fn hidden(&self) -> &BTreeSet<CellKey> {
        &self.protected.hidden
    }

    /// Hidden cells earlier publications had already given away.
    pub fn exposed(&self) -> &[CellKey] {
        &self.protected.exposed
    }

    /// What this run decides, for the runs over overlapping periods that follow it.
    pub fn record(&self) -> &Record {
        &self.record
    }
}
