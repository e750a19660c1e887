//! A record of every SQL statement a run executes, for comparing engines: with
//! `EQUITY_REPORTS_SQL_LOG=<file>` set, each statement is appended to the file as one
//! JSON line with its time and, for a query with a small result, the result's rows.
//! `bench/run.py` replays the file in DuckDB on the same Parquet files and compares
//! figure for figure. Off unless the variable is set; it never holds row-level data
//! (results over `MAX_ROWS` rows are left out, and the service queries return
//! aggregates).

use std::io::Write;

use arrow::array::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::json;

/// The variable that names the log file.
pub const VAR: &str = "EQUITY_REPORTS_SQL_LOG";

/// Results with more rows than this are not written.
const MAX_ROWS: usize = 5000;

fn append(line: serde_json::Value) {
    let Ok(path) = std::env::var(VAR) else { return };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        tracing::warn!("cannot write the SQL log {path}: {e}");
    }
}

/// Whether the log is on (so callers skip work it alone needs).
pub fn enabled() -> bool {
    std::env::var_os(VAR).is_some()
}

/// A dataset read from Parquet files: the table name, its files and folder-named
/// partition columns, and the columns with their SQL types.
pub fn parquet(table: &str, files: &[String], partition_keys: &[String], columns: &[(&str, &str)]) {
    if !enabled() {
        return;
    }
    append(json!({
        "kind": "parquet",
        "table": table,
        "files": files,
        "partition_keys": partition_keys,
        "columns": columns.iter().map(|(n, t)| json!([n, t])).collect::<Vec<_>>(),
    }));
}

/// A statement and what it gave.
pub fn statement(name: &str, sql: &str, ms: u64, batches: &[RecordBatch]) {
    if !enabled() {
        return;
    }
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let result = (rows <= MAX_ROWS).then(|| cells(batches));
    append(json!({
        "kind": "sql",
        "name": name,
        "sql": sql,
        "ms": ms,
        "rows": rows,
        "result": result,
    }));
}

/// Every row as a list of cells in text (null as JSON null).
fn cells(batches: &[RecordBatch]) -> Vec<Vec<Option<String>>> {
    let options = FormatOptions::default();
    let mut out = Vec::new();
    for b in batches {
        let formatters: Vec<_> = b
            .columns()
            .iter()
            .filter_map(|c| ArrayFormatter::try_new(c.as_ref(), &options).ok())
            .collect();
        for i in 0..b.num_rows() {
            out.push(
                b.columns()
                    .iter()
                    .zip(&formatters)
                    .map(|(c, f)| (!c.is_null(i)).then(|| f.value(i).to_string()))
                    .collect(),
            );
        }
    }
    out
}
