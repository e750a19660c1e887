//! The reference tables and code lists the queries look codes up in, made from the
//! contract and the settings as SQL (so the SQL log can rebuild them in another
//! engine): partners, ethnic categories and groups, priority groups, course targets and
//! the settings queries read.

use std::collections::BTreeMap;

use crate::config::Settings;
use crate::contract;
use crate::data::views::empty_table_sql;
use crate::queries::{self, Param};

/// A reference table's column: name, SQL type and values.
type RefColumn<'a> = (&'a str, &'a str, Vec<Lit>);

/// A value in SQL.
#[derive(Clone)]
enum Lit {
    Text(String),
    Int(Option<i64>),
    Bool(bool),
}

/// Each code's place (1, 2, ...) in the order of the codes as SQL compares them.
fn code_places(codes: &[String]) -> Vec<Lit> {
    let mut order = codes.to_vec();
    order.sort();
    order.dedup();
    codes
        .iter()
        .map(|code| {
            let place = order.partition_point(|c| c < code) + 1;
            Lit::Int(Some(place as i64))
        })
        .collect()
}

impl Lit {
    fn sql(&self) -> String {
        match self {
            Lit::Text(t) => queries::text_literal(t),
            Lit::Int(Some(i)) => i.to_string(),
            Lit::Int(None) => "CAST(NULL AS BIGINT)".into(),
            Lit::Bool(b) => b.to_string(),
        }
    }
}

/// `CREATE TABLE ... AS VALUES` of a small table given by columns: (name, SQL type,
/// values). Plain SQL rather than an in-memory table, so the SQL log holds it too.
fn values_table_sql(name: &str, columns: &[(&str, &str, Vec<Lit>)]) -> String {
    let n = columns.first().map_or(0, |c| c.2.len());
    if n == 0 {
        let cols: Vec<(&str, &str)> = columns.iter().map(|c| (c.0, c.1)).collect();
        return empty_table_sql(name, &cols);
    }
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let cells: Vec<String> = columns.iter().map(|c| c.2[i].sql()).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    format!(
        "CREATE TABLE {name} AS SELECT * FROM (VALUES {}) AS t({})",
        rows.join(", "),
        names.join(", ")
    )
}

fn texts<I: IntoIterator<Item = S>, S: Into<String>>(v: I) -> Vec<Lit> {
    v.into_iter().map(|s| Lit::Text(s.into())).collect()
}

/// How each priority group is recognised: (kind, code), in the order of
/// [`crate::config::PriorityGroups::names`]. Kinds: `ethnic` (an ethnic_category code),
/// `eastern_european` (the detail mapping), `sex`, `age` (age_years at least `min_age`).
fn priority_rows(s: &Settings) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = s
        .priority_groups
        .ethnic_codes
        .iter()
        .map(|g| ("ethnic".to_string(), g.code.to_uppercase()))
        .collect();
    rows.push(("eastern_european".into(), String::new()));
    rows.push(("sex".into(), "1".into()));
    rows.push(("age".into(), s.priority_groups.older_age.to_string()));
    rows
}

/// The partners' codes, in capitals as the normalising views give them.
fn partner_codes(s: &Settings) -> Vec<String> {
    s.partners.iter().map(|p| p.code.to_uppercase()).collect()
}

/// The code lists the queries over every referral (`service/referral_facts.sql`,
/// `quality/referrals.sql`) look up in place of joins with the reference tables below,
/// which would copy their wide rows once for each join.
pub fn code_lists(s: &Settings) -> Vec<(&'static str, Param)> {
    let priority = |kind: &str| {
        // two groups with one code are one group, the name that sorts first (as
        // min(name) by code over ref_priority)
        let mut by_code: BTreeMap<String, String> = BTreeMap::new();
        for (name, (k, code)) in s.priority_groups.names().into_iter().zip(priority_rows(s)) {
            if k == kind {
                by_code
                    .entry(code)
                    .and_modify(|n| {
                        if name < *n {
                            n.clone_from(&name);
                        }
                    })
                    .or_insert(name);
            }
        }
        Param::Lookup(by_code.into_iter().collect())
    };
    vec![
        ("partner_codes", Param::Texts(partner_codes(s))),
        (
            "ethnic_codes",
            Param::Texts(
                contract::ETHNIC_CODES
                    .iter()
                    .map(|c| c.code.to_string())
                    .collect(),
            ),
        ),
        (
            "eastern_european_details",
            Param::Texts(s.eastern_european.detail_values()),
        ),
        (
            "ethnic_groups",
            Param::Lookup(
                contract::ETHNIC_CODES
                    .iter()
                    .map(|c| (c.code.to_string(), c.group.to_string()))
                    .collect(),
            ),
        ),
        ("priority_ethnic", priority("ethnic")),
        ("priority_sex", priority("sex")),
    ]
}

/// Code lists and settings as small tables that queries join to: (name, SQL).
pub(super) fn reference_tables(s: &Settings) -> Vec<(String, String)> {
    let e = contract::ETHNIC_CODES;
    let b = contract::AFC_BANDS;
    let courses = s.training.course_rows();
    let (kinds, codes): (Vec<String>, Vec<String>) = priority_rows(s).into_iter().unzip();
    // the older-age group's age as a number, so no query casts text
    let min_age: Vec<Lit> = kinds
        .iter()
        .map(|k| Lit::Int((k == "age").then_some(i64::from(s.priority_groups.older_age))))
        .collect();
    let breakdown = contract::breakdown_values(&s.priority_groups.names());
    let tables: Vec<(&str, Vec<RefColumn>)> = vec![
        (
            "ref_ethnic_category",
            vec![
                ("code", "VARCHAR", texts(e.iter().map(|c| c.code))),
                ("meaning", "VARCHAR", texts(e.iter().map(|c| c.meaning))),
                ("ethnic_group", "VARCHAR", texts(e.iter().map(|c| c.group))),
                ("wres_group", "VARCHAR", texts(e.iter().map(|c| c.wres))),
            ],
        ),
        (
            "ref_afc_band",
            vec![
                ("afc_band", "VARCHAR", texts(b.iter().map(|x| x.0))),
                ("band_cluster", "VARCHAR", texts(b.iter().map(|x| x.1))),
                (
                    "band7plus",
                    "BOOLEAN",
                    b.iter().map(|x| Lit::Bool(x.2)).collect(),
                ),
            ],
        ),
        (
            "ref_partner",
            vec![
                ("code", "VARCHAR", texts(partner_codes(s))),
                (
                    "name",
                    "VARCHAR",
                    texts(s.partners.iter().map(|p| p.name.clone())),
                ),
                // the code's place in code order, so that a query can take the least
                // of several codes as the least of numbers (tables/referral_keys.sql)
                ("place", "BIGINT", code_places(&partner_codes(s))),
            ],
        ),
        (
            "ref_course_target",
            vec![
                (
                    "target",
                    "VARCHAR",
                    texts(courses.iter().map(|c| c.0.clone())),
                ),
                (
                    "course",
                    "VARCHAR",
                    texts(courses.iter().map(|c| c.1.clone())),
                ),
            ],
        ),
        (
            "ref_eastern_european",
            vec![(
                "detail",
                "VARCHAR",
                texts(s.eastern_european.detail_values()),
            )],
        ),
        (
            "ref_priority",
            vec![
                ("name", "VARCHAR", texts(s.priority_groups.names())),
                ("kind", "VARCHAR", texts(kinds)),
                ("code", "VARCHAR", texts(codes)),
                ("min_age", "BIGINT", min_age),
            ],
        ),
        (
            "ref_breakdown",
            vec![
                (
                    "dimension",
                    "VARCHAR",
                    texts(breakdown.iter().map(|b| b.0.to_string())),
                ),
                (
                    "value",
                    "VARCHAR",
                    texts(breakdown.iter().map(|b| b.1.clone())),
                ),
            ],
        ),
        (
            "ref_setting",
            vec![
                ("name", "VARCHAR", texts(["mentoring_bme_programme"])),
                (
                    "value",
                    "VARCHAR",
                    texts([s.mentoring.bme_programme.trim().to_lowercase()]),
                ),
            ],
        ),
    ];
    tables
        .into_iter()
        .map(|(name, columns)| {
            (
                format!("reference table {name}"),
                values_table_sql(name, &columns),
            )
        })
        .collect()
}
