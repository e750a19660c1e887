//! Row-level data-quality counts: every problem the contract lists, per dataset,
//! column, problem, value and partner (queries in `queries/quality/`).

use std::collections::BTreeMap;

use datafusion::prelude::SessionContext;
use serde::Serialize;

use crate::data::query::{QueryError, collect, i64_column, string_column};
use crate::data::session::{DataSession, RunDates};
use crate::queries;

/// One counted problem.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QualityRow {
    pub dataset: String,
    pub column: String,
    pub problem: String,
    /// The offending code or value; never an identifier.
    pub value: Option<String>,
    pub partner_org: String,
    pub rows: u64,
}

/// Rows read for one dataset and partner.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowsRead {
    pub dataset: String,
    pub partner_org: String,
    pub rows: u64,
}

/// Everything the data-quality page and `validate` show.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QualityReport {
    pub problems: Vec<QualityRow>,
    pub rows_read: Vec<RowsRead>,
}

impl QualityReport {
    /// Problem rows counted for one dataset.
    pub fn problems_in(&self, dataset: &str) -> u64 {
        self.problems
            .iter()
            .filter(|p| p.dataset == dataset)
            .map(|p| p.rows)
            .sum()
    }
}

/// How a value found in an extract is shown on the data-quality page, in its CSV table
/// and by `validate`: as it is only when it has the shape of its column's codes (as
/// long as one of them, at most as long as the longest, of the same kinds of
/// character: `LCHT` in partner_org, `U` in sex), otherwise only by its length. A value
/// of another shape may be free text naming a person (a surname in ethnic_category), or
/// an NHS number written into the wrong column; ten digits are never shown, whatever
/// the column's codes, and say what they look like so an analyst can find them in the
/// partner's file. Without a list of codes, up to 24 letters, digits, `_` and `-`.
pub fn shown_value(v: &str, codes: &[&str]) -> String {
    let n = v.chars().count();
    let digits: String = v.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
        return "(a value of 10 digits, shaped like an NHS number)".into();
    }
    let kind = |c: char| match c {
        'A'..='Z' => 0,
        'a'..='z' => 1,
        '0'..='9' => 2,
        '_' => 3,
        '-' => 4,
        ' ' => 5,
        _ => 6,
    };
    let code_shaped = if codes.is_empty() {
        n <= 24 && v.chars().all(|c| kind(c) <= 4)
    } else {
        let kinds: Vec<u8> = codes.iter().flat_map(|c| c.chars().map(kind)).collect();
        let lens = codes.iter().map(|c| c.chars().count());
        let (shortest, longest) = (lens.clone().min().unwrap_or(0), lens.max().unwrap_or(0));
        (shortest..=longest).contains(&n) && v.chars().all(|c| kinds.contains(&kind(c)))
    };
    if code_shaped {
        v.to_string()
    } else {
        format!("(a value of {n} characters)")
    }
}

/// One check's column and problem, from a quality query's output column name
/// `"<column>|<problem>"`.
fn check_of(field: &str) -> Option<(&str, &str)> {
    field.split_once('|')
}

/// Count one dataset's problems and its rows per partner. Its query gives one row per
/// data row (or, with a column `rows`, per so many data rows) with a column per check,
/// empty unless the row fails it; the rows are counted per partner and check values in
/// one pass over the data, then spread out per check here.
async fn count_problems(
    ctx: &SessionContext,
    dataset: &str,
    name: &str,
    body: &str,
    partner_codes: &[&str],
) -> Result<(Vec<QualityRow>, Vec<RowsRead>), QueryError> {
    let plan = ctx.sql(body).await.map_err(|e| QueryError {
        query: name.into(),
        message: e.to_string(),
    })?;
    let fields: Vec<String> = plan
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    // a body may say how many data rows each of its rows stands for (queries/quality/README.md)
    let weight = if fields.iter().any(|n| n == "rows") {
        "sum(rows)"
    } else {
        "count(*)"
    };
    let checks: Vec<String> = fields
        .into_iter()
        .filter(|n| n != "partner_org" && n != "rows")
        .collect();
    if let Some(bad) = checks.iter().find(|c| check_of(c).is_none()) {
        return Err(QueryError {
            query: name.into(),
            message: format!("output column {bad:?} is not named \"<column>|<problem>\""),
        });
    }
    let cols = checks
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let wrapped = format!(
        "SELECT partner_org, {cols}, {weight} AS rows FROM ({body}) q GROUP BY partner_org, {cols}"
    );
    // (column, problem, value, partner) -> rows; value None sorts after every value, as
    // SQL's NULLS LAST did
    let mut counts: BTreeMap<(String, String, (bool, String), String), u64> = BTreeMap::new();
    let mut read: BTreeMap<String, u64> = BTreeMap::new();
    for b in collect(ctx, name, &wrapped).await? {
        let partner = string_column(&b, "partner_org", name)?;
        let n = i64_column(&b, "rows", name)?;
        for i in 0..b.num_rows() {
            *read
                .entry(partner[i].clone().unwrap_or_default())
                .or_default() += n[i].unwrap_or(0).max(0) as u64;
        }
        for check in &checks {
            let (column, problem) = check_of(check).unwrap_or_default();
            let values = string_column(&b, check, name)?;
            for i in 0..b.num_rows() {
                let Some(v) = &values[i] else { continue };
                let value = if v.is_empty() {
                    (true, String::new())
                } else if problem.contains("code") && v != "(empty)" {
                    // raw codes only; the checks' own wording (dates, ranges) is kept
                    let codes = match crate::contract::dataset(dataset)
                        .and_then(|d| d.column(column))
                        .map(|c| c.codes)
                    {
                        Some(c) if !c.is_empty() => c.to_vec(),
                        _ if column == "partner_org" => partner_codes.to_vec(),
                        _ if column == "ethnic_category" => crate::contract::ETHNIC_CODES
                            .iter()
                            .map(|c| c.code)
                            .collect(),
                        _ => Vec::new(),
                    };
                    (false, shown_value(v, &codes))
                } else {
                    (false, v.clone())
                };
                *counts
                    .entry((
                        column.to_string(),
                        problem.to_string(),
                        value,
                        partner[i].clone().unwrap_or_default(),
                    ))
                    .or_default() += n[i].unwrap_or(0).max(0) as u64;
            }
        }
    }
    let problems = counts
        .into_iter()
        .map(
            |((column, problem, (none, v), partner_org), rows)| QualityRow {
                dataset: dataset.to_string(),
                column,
                problem,
                value: (!none).then_some(v),
                partner_org,
                rows,
            },
        )
        .collect();
    let rows = read
        .into_iter()
        .map(|(partner_org, rows)| RowsRead {
            dataset: dataset.to_string(),
            partner_org,
            rows,
        })
        .collect();
    Ok((problems, rows))
}

/// Count the problems of the given datasets (all of the contract's for `validate`),
/// and the rows read per partner, in one pass over each dataset.
pub async fn check_quality(
    session: &DataSession,
    datasets: &[&str],
    dates: &RunDates,
) -> Result<QualityReport, QueryError> {
    if ["referrals", "appointments", "measures"]
        .iter()
        .any(|d| datasets.contains(d))
    {
        session.service_tables(dates).await?;
    }
    if [
        "staff_snapshot",
        "leavers",
        "training",
        "recruitment",
        "disciplinary",
        "mentoring",
    ]
    .iter()
    .any(|d| datasets.contains(d))
    {
        session.staff_tables().await?;
    }
    let mut report = QualityReport::default();
    let checked = queries::QUALITY
        .iter()
        .filter(|(d, _)| datasets.contains(d))
        .count();
    // one statement per dataset, each a step of the bar
    crate::progress::phase("Checking the extracts", Some(checked as u64));
    for (dataset, sql) in queries::QUALITY {
        if !datasets.contains(dataset) {
            continue;
        }
        let name = format!("quality/{dataset}.sql");
        let body = queries::fill(&name, sql, &session.params(dates))?;
        let partners = session.partner_codes();
        let partners: Vec<&str> = partners.iter().map(String::as_str).collect();
        let (problems, rows) =
            count_problems(&session.ctx, dataset, &name, &body, &partners).await?;
        report.problems.extend(problems);
        report.rows_read.extend(rows);
    }
    report
        .rows_read
        .sort_by(|a, b| (&a.dataset, &a.partner_org).cmp(&(&b.dataset, &b.partner_org)));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::shown_value;

    #[test]
    fn only_values_that_look_like_codes_are_shown() {
        for code in ["A", "Z99", "LCH", "talking_therapies", "WHITE-IRISH", "99"] {
            assert_eq!(shown_value(code, &[]), code);
        }
        assert_eq!(shown_value("JOHN SMITH", &[]), "(a value of 10 characters)");
        assert_eq!(
            shown_value(&"X".repeat(4096), &[]),
            "(a value of 4096 characters)"
        );
        assert_eq!(shown_value("ÉIRE", &[]), "(a value of 4 characters)");
    }

    #[test]
    fn a_value_is_shown_only_in_the_shape_of_its_columns_codes() {
        let ethnic: Vec<&str> = crate::contract::ETHNIC_CODES
            .iter()
            .map(|c| c.code)
            .collect();
        // a mistyped code of the right shape is shown; a surname is not
        assert_eq!(shown_value("T", &ethnic), "T");
        assert_eq!(shown_value("SMITH", &ethnic), "(a value of 5 characters)");
        assert_eq!(
            shown_value("Smith", &["LCH", "LYPFT"]),
            "(a value of 5 characters)"
        );
        assert_eq!(shown_value("LCHT", &["LCH", "LYPFT"]), "LCHT");
        // ten digits never, in any column, however written
        for nhs in ["9434765919", "943 476 5919", "943-476-5919"] {
            for codes in [&ethnic[..], &["1", "2", "9", "X"][..], &[][..]] {
                assert_eq!(
                    shown_value(nhs, codes),
                    "(a value of 10 digits, shaped like an NHS number)"
                );
            }
        }
    }
}
