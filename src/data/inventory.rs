//! What was found under the data root, local or remote, and the contract's structural
//! check of one Parquet file from its footer: the part [`super::files`] (a folder) and
//! [`super::remote`] (an `s3://` prefix) share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::contract::{Dataset, identifier_family};

/// A structural problem: the run cannot go on with this dataset.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StructuralError {
    #[error("data root {0} does not exist or is not a folder")]
    NoRoot(PathBuf),
    #[error(
        "dataset {dataset}: required dataset is missing (expected {root}/{dataset}.parquet or {root}/{dataset}/)"
    )]
    Missing { dataset: String, root: PathBuf },
    #[error("dataset {dataset}: both {dataset}.parquet and {dataset}/ exist in {root}; keep one")]
    Ambiguous { dataset: String, root: PathBuf },
    #[error("dataset {dataset}: folder {folder} holds no .parquet files")]
    EmptyFolder { dataset: String, folder: PathBuf },
    #[error("dataset {dataset}: {file} is not a readable Parquet file: {message}")]
    Unreadable {
        dataset: String,
        file: PathBuf,
        message: String,
    },
    #[error(
        "dataset {dataset}: {file} carries column `{column}`, which names a direct identifier \
         ({family}); the file is refused and nothing is read from it (extracts must be \
         pseudonymised)"
    )]
    Identifier {
        dataset: String,
        file: PathBuf,
        column: String,
        family: &'static str,
    },
    #[error(
        "dataset {dataset}: column `{column}` holds {rows} valid NHS numbers (ten digits that \
         pass the Modulus 11 check), in {files}; the extract is refused and nothing is read \
         from it (extracts must be pseudonymised; the values are not shown)"
    )]
    NhsNumbers {
        dataset: String,
        column: String,
        rows: u64,
        files: String,
    },
    #[error(
        "dataset {dataset}: {file} lacks required column `{column}` (expected {expected}){hint}"
    )]
    MissingColumn {
        dataset: String,
        file: PathBuf,
        column: String,
        expected: String,
        hint: String,
    },
    #[error("dataset {dataset}: {file} column `{column}` has type {found}, expected {expected}")]
    WrongType {
        dataset: String,
        file: PathBuf,
        column: String,
        expected: String,
        found: String,
    },
    #[error(
        "dataset {dataset}: {file} has partition folders {found:?} but other files have {expected:?}"
    )]
    MixedPartitions {
        dataset: String,
        file: PathBuf,
        expected: Vec<String>,
        found: Vec<String>,
    },
}

impl StructuralError {
    /// The dataset the error is about (none for a missing data root).
    pub fn dataset(&self) -> Option<&str> {
        use StructuralError::*;
        match self {
            NoRoot(_) => None,
            Missing { dataset, .. }
            | Ambiguous { dataset, .. }
            | EmptyFolder { dataset, .. }
            | Unreadable { dataset, .. }
            | Identifier { dataset, .. }
            | NhsNumbers { dataset, .. }
            | MissingColumn { dataset, .. }
            | WrongType { dataset, .. }
            | MixedPartitions { dataset, .. } => Some(dataset),
        }
    }

    /// A file (or folder) of `dataset` that could not be read, and why.
    pub fn unreadable(dataset: &Dataset, file: &Path, why: impl std::fmt::Display) -> Self {
        StructuralError::Unreadable {
            dataset: dataset.name.into(),
            file: file.to_path_buf(),
            message: why.to_string(),
        }
    }
}

/// One Parquet file of a dataset.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub path: PathBuf,
    /// Path relative to the data root, as manifests show it.
    pub relative: String,
    pub rows: u64,
    pub sha256: String,
}

/// What was found for one dataset.
#[derive(Debug, Clone)]
pub struct FoundDataset {
    pub dataset: &'static Dataset,
    /// The file or folder tables are registered from.
    pub location: PathBuf,
    pub files: Vec<DataFile>,
    /// Hive partition keys, outermost first (`snapshot_date=...`).
    pub partition_keys: Vec<String>,
    /// Contract columns present in at least one file (not counting partition keys).
    pub file_columns: Vec<String>,
    /// Unknown columns, with the file they were seen in: ignored with a warning.
    pub warnings: Vec<String>,
}

impl FoundDataset {
    pub fn rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }

    /// Whether a contract column has values (from the files or the folder names).
    pub fn has_column(&self, name: &str) -> bool {
        self.file_columns.iter().any(|c| c == name) || self.partition_keys.iter().any(|k| k == name)
    }
}

/// Every dataset of the contract, found and checked. Structural errors are collected
/// for all datasets so one `validate` run reports them all.
pub struct Inventory {
    pub found: BTreeMap<&'static str, FoundDataset>,
    pub errors: Vec<StructuralError>,
}

/// `key` of each `key=value` folder in a path relative to the dataset folder
/// (`snapshot_date=2026-09-30/LCH.parquet`).
pub fn partition_keys_of(relative: &str) -> Vec<String> {
    let parts: Vec<&str> = relative.split('/').collect();
    parts[..parts.len().saturating_sub(1)]
        .iter()
        .filter_map(|c| c.split_once('=').map(|(k, _)| k.to_string()))
        .collect()
}

/// Check one Parquet file's columns against the contract (from its footer only), given
/// its digest; `path` and `relative` name it in errors and the manifest.
pub fn check_parquet(
    ds: &'static Dataset,
    path: &Path,
    relative: String,
    sha256: String,
    file: impl parquet::file::reader::ChunkReader + 'static,
    keys: &[String],
    found: &mut FoundDataset,
) -> Result<DataFile, StructuralError> {
    let unreadable = |e| StructuralError::unreadable(ds, path, e);
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(unreadable)?;
    let rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
    let schema = builder.schema().clone();

    let names: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .chain(keys.iter().cloned())
        .collect();
    if let Some((bad, family)) = names
        .iter()
        .find_map(|n| identifier_family(n).map(|f| (n, f)))
    {
        return Err(StructuralError::Identifier {
            dataset: ds.name.into(),
            file: path.to_path_buf(),
            column: bad.clone(),
            family,
        });
    }
    let unknown: Vec<&String> = names.iter().filter(|n| ds.column(n).is_none()).collect();
    for c in ds.columns {
        let in_path = keys.iter().any(|k| k == c.name);
        match schema.field_with_name(c.name) {
            Ok(field) if !in_path => {
                if !c.ty.accepts(field.data_type()) {
                    return Err(StructuralError::WrongType {
                        dataset: ds.name.into(),
                        file: path.to_path_buf(),
                        column: c.name.into(),
                        expected: c.ty.name().into(),
                        found: field.data_type().to_string(),
                    });
                }
                if !found.file_columns.iter().any(|f| f == c.name) {
                    found.file_columns.push(c.name.to_string());
                }
            }
            _ if in_path => {}
            Err(_) if c.required => {
                let hint = unknown
                    .iter()
                    .find(|u| edit_distance(&u.to_lowercase(), c.name) <= 2)
                    .map(|u| format!("; the file has `{u}`: is it misspelt?"))
                    .unwrap_or_default();
                return Err(StructuralError::MissingColumn {
                    dataset: ds.name.into(),
                    file: path.to_path_buf(),
                    column: c.name.into(),
                    expected: c.ty.name().into(),
                    hint,
                });
            }
            Err(_) => {}
            Ok(_) => {}
        }
    }
    for u in unknown {
        if !keys.contains(u) {
            found
                .warnings
                .push(format!("{relative}: unknown column `{u}` is ignored"));
        }
    }
    Ok(DataFile {
        path: path.to_path_buf(),
        relative,
        rows,
        sha256,
    })
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Levenshtein distance, for "is it misspelt?" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_finds_misspellings() {
        assert_eq!(edit_distance("ethnic_categroy", "ethnic_category"), 2);
        assert_eq!(edit_distance("partner", "partner_org"), 4);
    }
}
