//! How the program sees an extract: each dataset read with the contract's types and
//! seen through a view that cleans its codes once (trimmed, in capitals, `M` read as
//! sex `1`), or an empty table of the contract's columns when an optional dataset is
//! absent.

use arrow::datatypes::DataType;

use crate::contract::{Column, Dataset, Norm};
use crate::data::inventory::FoundDataset;

/// The type a column is read as. Text is read as string views: the Parquet reader
/// makes those straight from its pages, and the normalising view and every query after
/// it work on views, so reading plain strings would copy every value twice more.
pub(super) fn scan_type(ty: crate::contract::ColType) -> DataType {
    match ty {
        crate::contract::ColType::Str => DataType::Utf8View,
        other => other.arrow(),
    }
}

/// The `SELECT` that turns the raw table into the view queries read.
pub(super) fn normalise_view_sql(ds: &Dataset, found: &FoundDataset) -> String {
    let cols: Vec<String> = ds
        .columns
        .iter()
        .map(|c| {
            if found.has_column(c.name) {
                format!("{} AS {}", normalise_expr(c), c.name)
            } else {
                format!("CAST(NULL AS {}) AS {}", c.ty.sql(), c.name)
            }
        })
        .collect();
    format!(
        "CREATE VIEW {} AS SELECT\n  {}\nFROM raw_{}",
        ds.name,
        cols.join(",\n  "),
        ds.name
    )
}

/// How one present column is cleaned; codes are matched trimmed and without case. A
/// value that is already one of the column's codes (most of them) is taken as it is:
/// cleaning it would give it back unchanged, and trimming and changing the case of
/// every value of a national extract is a good part of reading it.
pub(super) fn normalise_expr(c: &Column) -> String {
    let n = format!("\"{}\"", c.name);
    let cast = format!("CAST({n} AS {})", c.ty.sql());
    let cleaned = clean_expr(c, &cast);
    if c.codes.is_empty() {
        return cleaned;
    }
    let codes: Vec<String> = c.codes.iter().map(|v| format!("'{v}'")).collect();
    format!(
        "CASE WHEN {cast} IN ({}) THEN {cast} ELSE {cleaned} END",
        codes.join(", ")
    )
}

/// The cleaning of a column's value, `cast` being the value read as its contract type.
pub(super) fn clean_expr(c: &Column, cast: &str) -> String {
    match c.norm {
        Norm::Keep => cast.to_string(),
        Norm::Trim => format!("NULLIF(trim({cast}), '')"),
        Norm::Upper => format!("NULLIF(upper(trim({cast})), '')"),
        Norm::Lower => format!("NULLIF(lower(trim({cast})), '')"),
        Norm::Sex => format!(
            "CASE upper(trim({cast})) WHEN 'M' THEN '1' WHEN 'MALE' THEN '1' \
             WHEN 'F' THEN '2' WHEN 'FEMALE' THEN '2' \
             ELSE NULLIF(upper(trim({cast})), '') END"
        ),
    }
}

/// `CREATE TABLE` of an empty table with the given (column, SQL type) pairs.
pub(super) fn empty_table_sql(name: &str, columns: &[(&str, &str)]) -> String {
    let cols: Vec<String> = columns
        .iter()
        .map(|(n, t)| format!("CAST(NULL AS {t}) AS {n}"))
        .collect();
    format!(
        "CREATE TABLE {name} AS SELECT {} WHERE false",
        cols.join(", ")
    )
}
