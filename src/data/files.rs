//! Finding each dataset's Parquet files under the data root and checking their
//! structure against the contract before anything is read.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::contract::Dataset;
use crate::data::inventory::{
    DataFile, FoundDataset, Inventory, StructuralError, check_parquet, hex,
};

/// Find and check one dataset. `Ok(None)` means it is absent (fine when optional).
pub fn find_dataset(
    root: &Path,
    ds: &'static Dataset,
) -> Result<Option<FoundDataset>, StructuralError> {
    let Some((location, mut paths)) = locate(root, ds)? else {
        return Ok(None);
    };
    paths.sort();

    let mut found = FoundDataset {
        dataset: ds,
        location: location.clone(),
        files: Vec::new(),
        partition_keys: Vec::new(),
        file_columns: Vec::new(),
        warnings: Vec::new(),
    };
    let mut first_keys: Option<Vec<String>> = None;
    for path in paths {
        let keys = partition_keys(&location, &path);
        match &first_keys {
            None => first_keys = Some(keys.clone()),
            Some(k) if *k != keys => {
                return Err(StructuralError::MixedPartitions {
                    dataset: ds.name.into(),
                    file: path,
                    expected: k.clone(),
                    found: keys,
                });
            }
            Some(_) => {}
        }
        let file = check_file(root, ds, &path, &keys, &mut found)?;
        found.files.push(file);
    }
    found.partition_keys = first_keys.unwrap_or_default();
    Ok(Some(found))
}

/// Where one dataset's files are: its single file or its folder, and the files. Only
/// the folder is walked; no file is opened, so a pipe in the folder is refused here
/// before anything waits on it.
fn locate(
    root: &Path,
    ds: &'static Dataset,
) -> Result<Option<(PathBuf, Vec<PathBuf>)>, StructuralError> {
    if !root.is_dir() {
        return Err(StructuralError::NoRoot(root.to_path_buf()));
    }
    let single = root.join(format!("{}.parquet", ds.name));
    let folder = root.join(ds.name);
    if single.exists() {
        regular(&single).map_err(|e| StructuralError::unreadable(ds, &single, e))?;
    }
    Ok(match (single.is_file(), folder.is_dir()) {
        (true, true) => {
            return Err(StructuralError::Ambiguous {
                dataset: ds.name.into(),
                root: root.to_path_buf(),
            });
        }
        (true, false) => Some((single.clone(), vec![single])),
        (false, true) => {
            let mut v = Vec::new();
            walk_parquet(&folder, &mut v)
                .map_err(|e| StructuralError::unreadable(ds, &folder, e))?;
            if v.is_empty() {
                return Err(StructuralError::EmptyFolder {
                    dataset: ds.name.into(),
                    folder,
                });
            }
            Some((folder, v))
        }
        (false, false) => None,
    })
}

/// The named datasets' files that are not regular files (a pipe, socket or device),
/// found by walking the folders only. A run asks before it takes the report's lock,
/// so a file that would make it wait never holds the report up. A remote root has none.
pub fn special_files(root: &Path, names: &[&str]) -> Vec<StructuralError> {
    if crate::data::remote::is_remote(root) || !root.is_dir() {
        return Vec::new();
    }
    crate::contract::DATASETS
        .iter()
        .filter(|d| names.contains(&d.name))
        .filter_map(|ds| match locate(root, ds) {
            Err(e @ StructuralError::Unreadable { .. }) => Some(e),
            _ => None,
        })
        .collect()
}

fn walk_parquet(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        // Hidden and underscore files are writers' bookkeeping (_SUCCESS, .crc).
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        let p = entry.path();
        if p.is_dir() {
            walk_parquet(&p, out)?;
        } else if name.ends_with(".parquet") {
            regular(&p)?;
            out.push(p);
        }
    }
    Ok(())
}

/// A data file must be a regular file (or a link to one): reading a named pipe or a
/// device would wait for ever, holding the report's lock.
fn regular(p: &Path) -> std::io::Result<()> {
    if std::fs::metadata(p)?.is_file() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{} is not a regular file (a pipe, socket or device?): only Parquet files are read",
            p.display()
        )))
    }
}

/// `key` of each `key=value` folder between the dataset folder and the file.
fn partition_keys(location: &Path, file: &Path) -> Vec<String> {
    let Ok(rel) = file.strip_prefix(location) else {
        return Vec::new();
    };
    let comps: Vec<_> = rel.components().collect();
    comps[..comps.len().saturating_sub(1)]
        .iter()
        .filter_map(|c| {
            let s = c.as_os_str().to_string_lossy();
            s.split_once('=').map(|(k, _)| k.to_string())
        })
        .collect()
}

fn check_file(
    root: &Path,
    ds: &'static Dataset,
    path: &Path,
    keys: &[String],
    found: &mut FoundDataset,
) -> Result<DataFile, StructuralError> {
    let unreadable = |e: std::io::Error| StructuralError::unreadable(ds, path, e);
    // Hash by streaming, so a large extract is never held in memory whole.
    let mut hasher = Sha256::new();
    let mut handle = File::open(path).map_err(unreadable)?;
    std::io::copy(&mut handle, &mut hasher).map_err(unreadable)?;
    let sha256 = hex(&hasher.finalize());
    let relative = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    check_parquet(ds, path, relative, sha256, handle, keys, found)
}

/// Find and check the named datasets under `root`, a folder or an `s3://` prefix.
/// Their values are read only when the structure is sound: a column of NHS numbers is
/// then a structural error too ([`crate::data::nhs_numbers`]).
pub async fn find_datasets(root: &Path, names: &[&str]) -> Inventory {
    let mut inv = if crate::data::remote::is_remote(root) {
        crate::data::remote::take_inventory(root, names).await
    } else {
        take_inventory(root, names)
    };
    if inv.errors.is_empty() {
        inv.errors = crate::data::nhs_numbers::scan(&inv).await;
    }
    inv
}

/// Find and check the named datasets under `root` (a report's, or all for `validate`).
pub fn take_inventory(root: &Path, names: &[&str]) -> Inventory {
    let mut found = BTreeMap::new();
    let mut errors = Vec::new();
    if !root.is_dir() {
        errors.push(StructuralError::NoRoot(root.to_path_buf()));
        return Inventory { found, errors };
    }
    for ds in crate::contract::DATASETS
        .iter()
        .filter(|d| names.contains(&d.name))
    {
        match find_dataset(root, ds) {
            Ok(Some(f)) => {
                found.insert(ds.name, f);
            }
            Ok(None) if ds.required => errors.push(StructuralError::Missing {
                dataset: ds.name.into(),
                root: root.to_path_buf(),
            }),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    Inventory { found, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_keys_from_hive_folders() {
        let k = partition_keys(
            Path::new("/d/staff_snapshot"),
            Path::new("/d/staff_snapshot/snapshot_date=2026-09-30/org=LCH/part-0.parquet"),
        );
        assert_eq!(k, vec!["snapshot_date", "org"]);
    }
}
