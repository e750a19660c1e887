//! A data root in object storage (`s3://bucket/prefix`): the same layout as a local
//! folder (`<dataset>.parquet` or `<dataset>/`, Hive partition folders allowed), found
//! by listing the prefix, and checked like local files before anything is read. The
//! store is configured from the usual environment: `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and `AWS_ENDPOINT` with `AWS_ALLOW_HTTP=true`
//! for an S3-compatible server of the organisation's own.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use crate::data::inventory::{
    FoundDataset, Inventory, StructuralError, check_parquet, hex, partition_keys_of,
};

/// Whether a data root names object storage rather than a folder.
pub fn is_remote(root: &std::path::Path) -> bool {
    root.to_string_lossy().starts_with("s3://")
}

/// Each file of a dataset as the engine reads it: absolute on this machine (the engine
/// resolves paths from the root, not the working folder), an object-store URL as it is.
pub fn file_addresses(found: &FoundDataset) -> Vec<String> {
    let remote = is_remote(&found.location);
    found
        .files
        .iter()
        .map(|f| {
            if remote {
                f.path.display().to_string()
            } else {
                std::path::absolute(&f.path)
                    .unwrap_or_else(|_| f.path.clone())
                    .display()
                    .to_string()
            }
        })
        .collect()
}

/// The bucket's URL (`s3://bucket`) and the prefix inside it.
fn split(root: &str) -> (String, String) {
    let rest = root.trim_start_matches("s3://");
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    (
        format!("s3://{bucket}"),
        prefix.trim_matches('/').to_string(),
    )
}

/// The store for a root's bucket, from the environment.
pub fn store_for(root: &str) -> object_store::Result<(String, Arc<dyn ObjectStore>)> {
    let (bucket_url, _) = split(root);
    let store = AmazonS3Builder::from_env().with_url(&bucket_url).build()?;
    Ok((bucket_url, Arc::new(store)))
}

/// Find and check the named datasets under an `s3://` root.
pub async fn take_inventory(root: &std::path::Path, names: &[&str]) -> Inventory {
    let root_text = root.to_string_lossy().trim_end_matches('/').to_string();
    let mut inv = Inventory {
        found: BTreeMap::new(),
        errors: Vec::new(),
    };
    let no_root = |why: String| StructuralError::Unreadable {
        dataset: "(all)".into(),
        file: PathBuf::from(&root_text),
        message: why,
    };
    let (store, prefix) = match store_for(&root_text) {
        Ok((_, s)) => (s, split(&root_text).1),
        Err(e) => {
            inv.errors.push(no_root(e.to_string()));
            return inv;
        }
    };
    // every object under the prefix, relative to it; writers' bookkeeping files
    // (_SUCCESS, .crc) left out as in a folder
    let listed: Vec<object_store::ObjectMeta> = match store
        .list(Some(&StorePath::from(prefix.as_str())))
        .try_collect()
        .await
    {
        Ok(v) => v,
        Err(e) => {
            inv.errors.push(no_root(e.to_string()));
            return inv;
        }
    };
    let mut keys: Vec<String> = listed
        .iter()
        .map(|m| {
            let k = m.location.as_ref();
            k.strip_prefix(prefix.as_str())
                .unwrap_or(k)
                .trim_start_matches('/')
                .to_string()
        })
        .filter(|k| {
            k.rsplit('/')
                .next()
                .is_some_and(|n| !n.starts_with('.') && !n.starts_with('_'))
        })
        .collect();
    keys.sort();
    if keys.is_empty() {
        inv.errors
            .push(StructuralError::NoRoot(PathBuf::from(&root_text)));
        return inv;
    }
    for ds in crate::contract::DATASETS
        .iter()
        .filter(|d| names.contains(&d.name))
    {
        match find(&store, &prefix, &root_text, &keys, ds).await {
            Ok(Some(f)) => {
                inv.found.insert(ds.name, f);
            }
            Ok(None) if ds.required => inv.errors.push(StructuralError::Missing {
                dataset: ds.name.into(),
                root: PathBuf::from(&root_text),
            }),
            Ok(None) => {}
            Err(e) => inv.errors.push(e),
        }
    }
    inv
}

async fn find(
    store: &Arc<dyn ObjectStore>,
    prefix: &str,
    root: &str,
    keys: &[String],
    ds: &'static crate::contract::Dataset,
) -> Result<Option<FoundDataset>, StructuralError> {
    let single = format!("{}.parquet", ds.name);
    let folder = format!("{}/", ds.name);
    let has_single = keys.contains(&single);
    let in_folder: Vec<&String> = keys.iter().filter(|k| k.starts_with(&folder)).collect();
    let (location, files): (String, Vec<&String>) = match (has_single, !in_folder.is_empty()) {
        (true, true) => {
            return Err(StructuralError::Ambiguous {
                dataset: ds.name.into(),
                root: PathBuf::from(root),
            });
        }
        (true, false) => (
            format!("{root}/{single}"),
            keys.iter().filter(|k| **k == single).collect(),
        ),
        (false, true) => {
            let parquet: Vec<&String> = in_folder
                .into_iter()
                .filter(|k| k.ends_with(".parquet"))
                .collect();
            if parquet.is_empty() {
                return Err(StructuralError::EmptyFolder {
                    dataset: ds.name.into(),
                    folder: PathBuf::from(format!("{root}/{}", ds.name)),
                });
            }
            (format!("{root}/{}", ds.name), parquet)
        }
        (false, false) => return Ok(None),
    };
    let mut found = FoundDataset {
        dataset: ds,
        location: PathBuf::from(&location),
        files: Vec::new(),
        partition_keys: Vec::new(),
        file_columns: Vec::new(),
        warnings: Vec::new(),
    };
    let mut first_keys: Option<Vec<String>> = None;
    for key in files {
        let display = PathBuf::from(format!("{root}/{key}"));
        let part_keys = partition_keys_of(key.strip_prefix(&folder).unwrap_or(key));
        match &first_keys {
            None => first_keys = Some(part_keys.clone()),
            Some(k) if *k != part_keys => {
                return Err(StructuralError::MixedPartitions {
                    dataset: ds.name.into(),
                    file: display,
                    expected: k.clone(),
                    found: part_keys,
                });
            }
            Some(_) => {}
        }
        let object = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}/{key}")
        };
        let unreadable = |e: object_store::Error| StructuralError::unreadable(ds, &display, e);
        let bytes = store
            .get(&StorePath::from(object.as_str()))
            .await
            .map_err(unreadable)?
            .bytes()
            .await
            .map_err(unreadable)?;
        let sha256 = hex(&Sha256::digest(&bytes));
        let file = check_parquet(
            ds,
            &display,
            key.clone(),
            sha256,
            bytes,
            &part_keys,
            &mut found,
        )?;
        found.files.push(file);
    }
    found.partition_keys = first_keys.unwrap_or_default();
    Ok(Some(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_splits_into_bucket_and_prefix() {
        assert_eq!(
            split("s3://extracts/leeds/2026/"),
            ("s3://extracts".to_string(), "leeds/2026".to_string())
        );
        assert_eq!(
            split("s3://extracts"),
            ("s3://extracts".to_string(), String::new())
        );
        assert!(is_remote(std::path::Path::new("s3://extracts/x")));
        assert!(!is_remote(std::path::Path::new("sample")));
        assert_eq!(
            partition_keys_of("quarter=2026-Q2/region=north/part-0.parquet"),
            ["quarter", "region"]
        );
    }
}
