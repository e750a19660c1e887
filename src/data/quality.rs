//! Row-level data-quality counts: every problem the contract lists, per dataset,
//! column, problem, value and partner (queries in `queries/quality/`).

use chrono::NaiveDate;
use datafusion::prelude::SessionContext;
use serde::Serialize;

use crate::metrics::{QueryError, collect, i64_column, string_column};
use crate::queries::{self, Param};

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

/// Count the problems of the given datasets (all of the contract's for `validate`).
pub async fn check_quality(
    ctx: &SessionContext,
    datasets: &[&str],
    as_of: NaiveDate,
) -> Result<QualityReport, QueryError> {
    let mut report = QualityReport::default();
    for (dataset, sql) in queries::QUALITY {
        if !datasets.contains(dataset) {
            continue;
        }
        let name = format!("quality/{dataset}.sql");
        let body = queries::fill(&name, sql, &[("as_of", Param::Date(as_of))])?;
        let wrapped = format!(
            "SELECT column_name, problem, value, partner_org, count(*) AS rows FROM ({body}) q \
             GROUP BY column_name, problem, value, partner_org \
             ORDER BY column_name, problem, value, partner_org"
        );
        for b in collect(ctx, &name, &wrapped).await? {
            let (c, p, v, o, n) = (
                string_column(&b, 0, &name)?,
                string_column(&b, 1, &name)?,
                string_column(&b, 2, &name)?,
                string_column(&b, 3, &name)?,
                i64_column(&b, 4, &name)?,
            );
            for i in 0..b.num_rows() {
                report.problems.push(QualityRow {
                    dataset: dataset.to_string(),
                    column: c[i].clone().unwrap_or_default(),
                    problem: p[i].clone().unwrap_or_default(),
                    value: v[i].clone(),
                    partner_org: o[i].clone().unwrap_or_default(),
                    rows: n[i].unwrap_or(0).max(0) as u64,
                });
            }
        }
    }
    let name = "quality/rows_by_partner.sql";
    let sql = format!(
        "SELECT * FROM ({}) q ORDER BY dataset, partner_org",
        queries::ROWS_BY_PARTNER
    );
    for b in collect(ctx, name, &sql).await? {
        let (d, o, n) = (
            string_column(&b, 0, name)?,
            string_column(&b, 1, name)?,
            i64_column(&b, 2, name)?,
        );
        for i in 0..b.num_rows() {
            let dataset = d[i].clone().unwrap_or_default();
            if datasets.contains(&dataset.as_str()) {
                report.rows_read.push(RowsRead {
                    dataset,
                    partner_org: o[i].clone().unwrap_or_default(),
                    rows: n[i].unwrap_or(0).max(0) as u64,
                });
            }
        }
    }
    Ok(report)
}
