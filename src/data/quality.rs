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
/// and by `validate`: as it is when it looks like a code (up to 24 letters, digits,
/// `_` and `-`), otherwise only by its length. A value that is not a code may be free
/// text naming a person, and a long one would fill pages of a board paper.
pub fn shown_value(v: &str) -> String {
    const LONGEST_CODE: usize = 24;
    let n = v.chars().count();
    if n <= LONGEST_CODE
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
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
        let partner = string_column(&b, 0, name)?;
        let n = i64_column(&b, checks.len() + 1, name)?;
        for i in 0..b.num_rows() {
            *read
                .entry(partner[i].clone().unwrap_or_default())
                .or_default() += n[i].unwrap_or(0).max(0) as u64;
        }
        for (k, check) in checks.iter().enumerate() {
            let (column, problem) = check_of(check).unwrap_or_default();
            let values = string_column(&b, k + 1, name)?;
            for i in 0..b.num_rows() {
                let Some(v) = &values[i] else { continue };
                let value = if v.is_empty() {
                    (true, String::new())
                } else if problem.contains("code") && v != "(empty)" {
                    // raw codes only; the checks' own wording (dates, ranges) is kept
                    (false, shown_value(v))
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
        let (problems, rows) = count_problems(&session.ctx, dataset, &name, &body).await?;
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
            assert_eq!(shown_value(code), code);
        }
        assert_eq!(shown_value("JOHN SMITH"), "(a value of 10 characters)");
        assert_eq!(
            shown_value(&"X".repeat(4096)),
            "(a value of 4096 characters)"
        );
        assert_eq!(shown_value("ÉIRE"), "(a value of 4 characters)");
    }
}
