//! The part of every data-quality page that does not depend on the report: rows read
//! per dataset and partner, and every problem counted.

use std::collections::BTreeMap;

use crate::data::quality::QualityReport;
use crate::disclosure::thousands;
use crate::output::CsvTable;
use crate::pdf::model::{Align, Block, col, item};
use crate::report::ReportError;
use crate::report::compose::table;
use crate::template::Vars;
use crate::template::wording::Quality;

/// The names of the two tables below, for a quality section's `show` list.
pub const SHOWS: &[&str] = &["rows_table", "problems_table"];

/// The data-quality page's opening: its introduction, then rows read and problems
/// found in `datasets`, as subheadings and tables, every count exact.
pub fn rows_and_problems(
    quality: &QualityReport,
    datasets: &[&str],
    not_supplied: &[String],
    t: &Quality,
    v: &Vars,
) -> Result<Vec<Block>, ReportError> {
    // Records with a fault are not people with a characteristic: their counts are shown
    // exactly, and the page says why.
    let mut blocks = vec![
        Block::Paragraph(t.intro.fill(v)?),
        Block::Paragraph(t.exact.fill(v)?),
    ];
    let rows_heading = Block::Subheading(t.rows_heading.fill(v)?);
    let mut by_ds: BTreeMap<&str, Vec<(&str, u64)>> = BTreeMap::new();
    for r in &quality.rows_read {
        by_ds
            .entry(&r.dataset)
            .or_default()
            .push((&r.partner_org, r.rows));
    }
    let rows: Vec<Vec<String>> = datasets
        .iter()
        .map(|ds| {
            let parts = by_ds.get(ds).cloned().unwrap_or_default();
            let total: u64 = parts.iter().map(|p| p.1).sum();
            let detail = if not_supplied.iter().any(|n| n == ds) {
                "not supplied".to_string()
            } else {
                parts
                    .iter()
                    .map(|(p, n)| format!("{p} {}", thousands(*n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            vec![ds.to_string(), thousands(total), detail]
        })
        .collect();
    let rows_table = Block::Table(table(
        vec![
            col("Dataset", 1.4, Align::Left),
            col("Rows", 0.9, Align::Right),
            col("By partner", 5.0, Align::Left),
        ],
        rows,
    ));
    blocks.push(item("rows_table", vec![rows_heading, rows_table]));
    let mut problems = vec![Block::Subheading(t.problems_heading.fill(v)?)];
    if quality.problems.is_empty() {
        problems.push(Block::Paragraph(t.no_problems.fill(v)?));
    } else {
        let rows = quality
            .problems
            .iter()
            .map(|p| {
                vec![
                    p.dataset.clone(),
                    p.column.clone(),
                    match &p.value {
                        Some(val) => format!("{}: {val}", p.problem),
                        None => p.problem.clone(),
                    },
                    p.partner_org.clone(),
                    thousands(p.rows),
                ]
            })
            .collect();
        problems.push(Block::Table(table(
            vec![
                col("Dataset", 1.5, Align::Left),
                col("Column", 1.4, Align::Left),
                col("Problem", 3.2, Align::Left),
                col("Partner", 1.0, Align::Left),
                col("Rows", 0.8, Align::Right),
            ],
            rows,
        )));
    }
    blocks.push(item("problems_table", problems));
    Ok(blocks)
}

/// The data-quality CSV tables: every problem counted, and rows read per partner.
pub fn csv_tables(quality: &QualityReport) -> Vec<CsvTable> {
    let mut dq = CsvTable::new(
        "data_quality",
        &[
            "dataset",
            "column",
            "problem",
            "value",
            "partner_org",
            "rows",
        ],
    );
    for p in &quality.problems {
        dq.rows.push(vec![
            p.dataset.clone(),
            p.column.clone(),
            p.problem.clone(),
            p.value.clone().unwrap_or_default(),
            p.partner_org.clone(),
            p.rows.to_string(),
        ]);
    }
    let mut rr = CsvTable::new("rows_read", &["dataset", "partner_org", "rows"]);
    for r in &quality.rows_read {
        rr.rows.push(vec![
            r.dataset.clone(),
            r.partner_org.clone(),
            r.rows.to_string(),
        ]);
    }
    vec![dq, rr]
}
