//! The SQL of `queries/`, built into the program so a run never depends on the
//! working folder, and the one place placeholders (`{{name}}`) are filled.

use chrono::NaiveDate;

/// Tables of the service-user datasets' keys and care, built once per run on first need
/// (`DataSession::service_tables`), in this order: the repeated referral ids are read off
/// referral_keys, the repeated appointment ids from the rows of the repeated hashes, and
/// referral_care counts each appointment once by the repeated appointment ids.
pub const SERVICE_KEYS: &[(&str, &str)] = &[
    (
        "tables/referral_keys.sql",
        include_str!("../queries/tables/referral_keys.sql"),
    ),
    (
        "tables/repeated_referral_ids.sql",
        include_str!("../queries/tables/repeated_referral_ids.sql"),
    ),
    (
        "tables/repeated_appointment_hashes.sql",
        include_str!("../queries/tables/repeated_appointment_hashes.sql"),
    ),
    (
        "tables/repeated_appointment_ids.sql",
        include_str!("../queries/tables/repeated_appointment_ids.sql"),
    ),
    (
        "tables/referral_care.sql",
        include_str!("../queries/tables/referral_care.sql"),
    ),
];

/// The statements a Ballista cluster runs in place of one of [`SERVICE_KEYS`]: where the
/// local one calls this process's own functions, which the cluster's executors lack.
pub const CLUSTER_KEYS: &[(&str, &str)] = &[(
    "tables/repeated_appointment_hashes.sql",
    include_str!("../queries/tables/repeated_appointment_hashes.cluster.sql"),
)];

/// The staff tables the workforce reports read, built once per run on first need
/// (`DataSession::staff_tables`).
pub const STAFF_TABLES: &[(&str, &str)] = &[
    (
        "tables/repeated_staff_keys.sql",
        include_str!("../queries/tables/repeated_staff_keys.sql"),
    ),
    (
        "tables/numbered_staff.sql",
        include_str!("../queries/tables/numbered_staff.sql"),
    ),
    (
        "tables/numbered_recruitment.sql",
        include_str!("../queries/tables/numbered_recruitment.sql"),
    ),
    (
        "tables/numbered_disciplinary.sql",
        include_str!("../queries/tables/numbered_disciplinary.sql"),
    ),
    (
        "tables/staff.sql",
        include_str!("../queries/tables/staff.sql"),
    ),
    (
        "tables/staff_partner.sql",
        include_str!("../queries/tables/staff_partner.sql"),
    ),
];

/// Data-quality checks, one per dataset (see `queries/quality/README.md`).
pub const QUALITY: &[(&str, &str)] = &[
    (
        "staff_snapshot",
        include_str!("../queries/quality/staff_snapshot.sql"),
    ),
    ("leavers", include_str!("../queries/quality/leavers.sql")),
    (
        "recruitment",
        include_str!("../queries/quality/recruitment.sql"),
    ),
    ("training", include_str!("../queries/quality/training.sql")),
    (
        "disciplinary",
        include_str!("../queries/quality/disciplinary.sql"),
    ),
    (
        "mentoring",
        include_str!("../queries/quality/mentoring.sql"),
    ),
    (
        "staff_survey",
        include_str!("../queries/quality/staff_survey.sql"),
    ),
    (
        "referrals",
        include_str!("../queries/quality/referrals.sql"),
    ),
    (
        "appointments",
        include_str!("../queries/quality/appointments.sql"),
    ),
    ("measures", include_str!("../queries/quality/measures.sql")),
    (
        "population",
        include_str!("../queries/quality/population.sql"),
    ),
];

/// Workforce queries.
pub const WORKFORCE_SNAPSHOT_DATE: &str = include_str!("../queries/workforce/snapshot_date.sql");
pub const WORKFORCE_SNAPSHOT: &str = include_str!("../queries/workforce/snapshot.sql");
pub const WORKFORCE_BAND_SHARE: &str = include_str!("../queries/workforce/band_share.sql");
/// The long-form figures of one snapshot: the national returns' first table (staff by
/// AfC band, clinical and not, by WRES group and by disability), and the pay gaps.
pub const WORKFORCE_SNAPSHOT_ROWS: &[(&str, &str)] = &[
    (
        "workforce/band_return.sql",
        include_str!("../queries/workforce/band_return.sql"),
    ),
    (
        "workforce/pay_gaps.sql",
        include_str!("../queries/workforce/pay_gaps.sql"),
    ),
];
pub const WORKFORCE_LIKELIHOODS: &str =
    include_str!("../queries/workforce/relative_likelihoods.sql");
pub const WORKFORCE_TURNOVER_BOARD: &str = include_str!("../queries/workforce/turnover_board.sql");
/// The staff-in-post counts and turnover quarter by quarter, for the SPC charts.
pub const WORKFORCE_QUARTERLY: (&str, &str) = (
    "workforce/quarterly.sql",
    include_str!("../queries/workforce/quarterly.sql"),
);
pub const WORKFORCE_TURNOVER_QUARTERLY: (&str, &str) = (
    "workforce/turnover_quarterly.sql",
    include_str!("../queries/workforce/turnover_quarterly.sql"),
);
/// Each partner's latest published staff-survey results to a period's end.
pub const WORKFORCE_SURVEY: (&str, &str) = (
    "workforce/survey.sql",
    include_str!("../queries/workforce/survey.sql"),
);
pub const WORKFORCE_ETHNIC_MIX: &str = include_str!("../queries/workforce/ethnic_mix.sql");

/// The per-referral table every service-user figure reads, built once per run after the
/// service tables (CREATE TABLE ... AS: held in memory, so the many breakdowns do not
/// recompute it).
pub const SERVICE_FACTS: (&str, &str) = (
    "service/referral_facts.sql",
    include_str!("../queries/service/referral_facts.sql"),
);

/// Service-user queries.
pub const SERVICE_METRICS: &str = include_str!("../queries/service/referral_metrics.sql");
pub const SERVICE_ACCESS: &str = include_str!("../queries/service/access.sql");
/// The strata of the standardised access rate.
pub const SERVICE_STANDARDISED_ACCESS: (&str, &str) = (
    "service/standardised_access.sql",
    include_str!("../queries/service/standardised_access.sql"),
);
/// The counts of the ethnicity recovery gap: each side, overall and by partner.
pub const SERVICE_RECOVERY_GAP: (&str, &str) = (
    "service/recovery_gap.sql",
    include_str!("../queries/service/recovery_gap.sql"),
);
/// The counts of the service figures month by month, for the SPC charts.
/// The counts of "Are the gaps closing?": by quarter, overall, White British against the
/// other known codes, and each priority group.
pub const SERVICE_QUARTERLY_GAPS: (&str, &str) = (
    "service/quarterly_gaps.sql",
    include_str!("../queries/service/quarterly_gaps.sql"),
);
pub const SERVICE_MONTHLY: (&str, &str) = (
    "service/monthly.sql",
    include_str!("../queries/service/monthly.sql"),
);
pub const SERVICE_REFERRAL_SOURCES: &str = include_str!("../queries/service/referral_sources.sql");
pub const SERVICE_ETHNICITY_BY_PARTNER: &str =
    include_str!("../queries/service/ethnicity_by_partner.sql");

/// Pieces of SQL that several queries share, put in where `{{name}}` stands, each
/// written once: a referral's clinical facts, the counts of staff in post, the
/// breakdowns the service-user figures are counted by, the one rule for a repeated id,
/// and the conditions that mark an appointment or measure row as failing a check.
const SNIPPETS: &[(&str, &str)] = &[
    (
        "clinical_flags",
        include_str!("../queries/service/clinical_flags.sql"),
    ),
    (
        "staff_counts",
        include_str!("../queries/workforce/staff_counts.sql"),
    ),
    (
        "one_column_key",
        include_str!("../queries/service/one_column_key.sql"),
    ),
    (
        "count_sums",
        include_str!("../queries/service/count_sums.sql"),
    ),
    (
        "median_wait",
        include_str!("../queries/service/median_wait.sql"),
    ),
    (
        "breakdown_key",
        include_str!("../queries/service/breakdown_key.sql"),
    ),
    (
        "breakdown_columns",
        include_str!("../queries/service/breakdown_columns.sql"),
    ),
    (
        "breakdown_sets",
        include_str!("../queries/service/breakdown_sets.sql"),
    ),
    (
        "numbered_referrals",
        include_str!("../queries/service/numbered_referrals.sql"),
    ),
    (
        "numbered_appointments",
        include_str!("../queries/service/numbered_appointments.sql"),
    ),
    (
        "appointment_problem",
        include_str!("../queries/service/appointment_problem.sql"),
    ),
    (
        "measure_problem",
        include_str!("../queries/service/measure_problem.sql"),
    ),
];

/// A value put into a query in place of `{{name}}`.
#[derive(Debug, Clone)]
pub enum Param {
    Date(NaiveDate),
    /// A date that is not known (NULL): a comparison with it is never true.
    NoDate,
    Int(i64),
    /// Texts for `IN ({{name}})`; none is `NULL`, which matches nothing.
    Texts(Vec<String>),
    /// (code, value) pairs for `CASE x {{name}} ... END`: a small code list looked up in
    /// the expression rather than by a join, which would copy every column of every row;
    /// none is a branch that never matches.
    Lookup(Vec<(String, String)>),
    /// A piece of SQL the program chooses (never from the data or the settings), such
    /// as the one aggregate an engine has for a job.
    Sql(&'static str),
}

/// A text as an SQL literal.
pub fn text_literal(t: &str) -> String {
    format!("'{}'", t.replace('\'', "''"))
}

/// A placeholder of a query that `fill` was given no value for.
#[derive(Debug, thiserror::Error)]
#[error("query {query}: placeholder {placeholder} has no value")]
pub struct Unfilled {
    pub query: String,
    pub placeholder: String,
}

/// Fill the placeholders of `sql`, the query named `query` (its file under queries/).
/// An unfilled placeholder is a programming error in the query set, reported with the
/// query and placeholder names.
pub fn fill(query: &str, sql: &str, params: &[(&str, Param)]) -> Result<String, Unfilled> {
    let mut out = sql.to_string();
    for (name, text) in SNIPPETS {
        out = out.replace(
            &format!("{{{{{name}}}}}"),
            &format!("\n{}", text.trim_end()),
        );
    }
    for (name, p) in params {
        let v = match p {
            Param::Date(d) => format!("DATE '{}'", d.format("%Y-%m-%d")),
            Param::NoDate => "CAST(NULL AS DATE)".to_string(),
            Param::Int(n) => n.to_string(),
            Param::Texts(v) if v.is_empty() => "NULL".to_string(),
            Param::Texts(v) => v
                .iter()
                .map(|t| text_literal(t))
                .collect::<Vec<_>>()
                .join(", "),
            Param::Lookup(v) if v.is_empty() => "WHEN NULL THEN NULL".to_string(),
            Param::Lookup(v) => v
                .iter()
                .map(|(c, x)| format!("WHEN {} THEN {}", text_literal(c), text_literal(x)))
                .collect::<Vec<_>>()
                .join(" "),
            Param::Sql(s) => s.to_string(),
        };
        out = out.replace(&format!("{{{{{name}}}}}"), &v);
    }
    if let Some(i) = out.find("{{") {
        let rest = &out[i..];
        let end = rest.find("}}").map_or(rest.len(), |e| e + 2);
        return Err(Unfilled {
            query: query.to_string(),
            placeholder: rest[..end].to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_or_named() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        let s = fill(
            "q.sql",
            "x <= {{period_end}}",
            &[("period_end", Param::Date(d))],
        )
        .unwrap();
        assert_eq!(s, "x <= DATE '2026-09-30'");
        let e = fill("q.sql", "x <= {{as_of}}", &[("period_end", Param::Date(d))])
            .unwrap_err()
            .to_string();
        assert!(e.contains("q.sql") && e.contains("{{as_of}}"), "{e}");
    }

    /// An empty list or lookup still makes valid SQL that matches nothing.
    #[test]
    fn empty_lists_match_nothing() {
        let s = fill(
            "q.sql",
            "x IN ({{a}}) OR CASE x {{b}} ELSE '' END = 'y'",
            &[("a", Param::Texts(vec![])), ("b", Param::Lookup(vec![]))],
        )
        .unwrap();
        assert_eq!(
            s,
            "x IN (NULL) OR CASE x WHEN NULL THEN NULL ELSE '' END = 'y'"
        );
    }
}
