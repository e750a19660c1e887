//! The counts a figure rests on, as disclosure control names them: what each counts and
//! for which group, so that one group of people is one cell wherever it is shown.

use std::collections::BTreeMap;

use crate::metrics::Metric;
use crate::registry::{self, Counts, Kind, Source};

/// A count: what it counts, the breakdown it is for, and how many.
pub type Count = (String, BTreeMap<String, String>, u64);

/// The counts a figure rests on, named by what each counts and for which group. A
/// proportion shown with its interval gives both its numerator and its denominator away,
/// so both are its cells; service figures name their counts in the registry, so two
/// figures over one denominator share its cell; a workforce share is of the staff in
/// post, and its numerator is the staff of one group (BME staff are the staff with
/// `wres_group` BME), so the same people are one cell in every table.
pub fn counts_of(m: &Metric) -> Vec<Count> {
    let Some(f) = registry::figure(&m.id) else {
        return Vec::new();
    };
    let by = |extra: &[(&str, &str)], without: Option<&str>| -> BTreeMap<String, String> {
        let mut b: BTreeMap<String, String> =
            m.by.iter()
                .filter(|(k, _)| Some(k.as_str()) != without)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        b.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        b
    };
    let value = m.value.map(|v| v.round() as u64);
    let one = |name: &str, b: BTreeMap<String, String>, n: Option<u64>| -> Vec<Count> {
        n.map(|n| (name.to_string(), b, n)).into_iter().collect()
    };
    let pair = |num: (&str, BTreeMap<String, String>), den: (&str, BTreeMap<String, String>)| {
        let mut v = one(num.0, num.1, m.numerator);
        v.extend(one(den.0, den.1, m.denominator));
        v
    };
    match f.counts {
        Counts::Staff { of, within: None } => return one("staff", by(of, None), value),
        Counts::Staff {
            of,
            within: Some(within),
        } => return pair(("staff", by(of, None)), ("staff", by(within, None))),
        // a row's share of one group: that group's staff in the row, of the row's
        Counts::RowShare { group } => {
            return pair(("staff", by(&[], None)), ("staff", by(&[], Some(group))));
        }
        // each group's counts: a gap's sides under the group's name, a gradient's
        // quantiles under their breakdown (`imd_decile=3`)
        Counts::Sides {
            dimension,
            numerator,
            denominator,
        } => return group_counts(m, numerator, Some(denominator), |g| (dimension, g)),
        Counts::Quantiles {
            numerator,
            denominator,
        } => {
            return group_counts(m, numerator, denominator, |g| {
                g.split_once('=').unwrap_or(("", g))
            });
        }
        Counts::Numerator(name) => return one(name, by(&[], None), m.numerator),
        Counts::Own if f.kind == Kind::Count => return one(&m.id, by(&[], None), value),
        Counts::Own => {
            return pair(
                (&format!("{}:numerator", m.id), by(&[], None)),
                (&format!("{}:denominator", m.id), by(&[], None)),
            );
        }
        Counts::Source => {}
    }
    match (f.source, f.kind) {
        (Source::Columns { numerator, .. }, Kind::Count) => one(numerator, by(&[], None), value),
        (
            Source::Columns {
                numerator,
                denominator: Some(den),
                ..
            },
            Kind::Proportion,
        ) => pair((numerator, by(&[], None)), (den, by(&[], None))),
        (Source::Columns { .. }, _) => Vec::new(),
        (Source::Rows { .. }, Kind::Count) => one(&m.id, by(&[], None), value),
        (Source::Rows { .. }, Kind::RatePer1000 | Kind::Ratio) => {
            one(&format!("{}:numerator", m.id), by(&[], None), m.numerator)
        }
        (Source::Rows { .. }, Kind::RelativeLikelihood) => m
            .groups
            .iter()
            .flat_map(|g| {
                let b = by(&[("compared", &g.group)], None);
                [
                    (format!("{}:numerator", m.id), b.clone(), g.numerator),
                    (format!("{}:denominator", m.id), b, g.denominator),
                ]
            })
            .collect(),
        (Source::Rows { .. }, _) => pair(
            (&format!("{}:numerator", m.id), by(&[], None)),
            (&format!("{}:denominator", m.id), by(&[], None)),
        ),
    }
}

/// Each of a figure's groups' counts: its numerator, and its denominator where that is
/// a count of people, under the breakdown `place` gives the group.
fn group_counts<'a>(
    m: &'a Metric,
    numerator: &str,
    denominator: Option<&str>,
    place: impl Fn(&'a str) -> (&'a str, &'a str),
) -> Vec<Count> {
    m.groups
        .iter()
        .flat_map(|g| {
            let (dim, value) = place(&g.group);
            let mut b: BTreeMap<String, String> = m.by.clone();
            b.insert(dim.to_string(), value.to_string());
            let mut v = vec![(numerator.to_string(), b.clone(), g.numerator)];
            v.extend(denominator.map(|d| (d.to_string(), b, g.denominator)));
            v
        })
        .collect()
}
