//! Writing a run's folder `<out>/<report>/<period>/` so that it appears whole or not
//! at all: everything is written into a hidden sibling folder, which is renamed into
//! place only when complete. A failed run never leaves half an output or replaces a
//! good one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::report::CsvTable;

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing {path}: {source}")]
pub struct OutputError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.to_path_buf(),
        source,
    }
}

/// Write `files` (relative path, bytes) as the folder for this report and period.
pub fn write_output_folder(
    out: &Path,
    report: &str,
    period: &str,
    files: &[(String, Vec<u8>)],
) -> Result<PathBuf, OutputError> {
    let parent = out.join(report);
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let target = parent.join(period);
    let staging = parent.join(format!(".{period}.partial-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
    }
    let result = (|| {
        for (rel, bytes) in files {
            let p = staging.join(rel);
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            }
            let mut f = std::fs::File::create(&p).map_err(io_err(&p))?;
            f.write_all(bytes).map_err(io_err(&p))?;
            f.sync_all().map_err(io_err(&p))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    // Move the previous output aside, put the new one in place, then drop the old.
    let old = parent.join(format!(".{period}.replaced-{}", std::process::id()));
    let had_old = target.exists();
    if had_old {
        std::fs::rename(&target, &old).map_err(io_err(&target))?;
    }
    if let Err(source) = std::fs::rename(&staging, &target) {
        if had_old {
            let _ = std::fs::rename(&old, &target);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(OutputError {
            path: target,
            source,
        });
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(target)
}

/// Replace one file in place through a temporary file and a rename.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

/// A table as CSV bytes.
pub fn csv_bytes(t: &CsvTable) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a row of the wrong width would be a bug.
    w.write_record(&t.header).expect("csv header");
    for r in &t.rows {
        w.write_record(r).expect("csv row");
    }
    w.into_inner().expect("csv flush")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rerun_replaces_the_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f1 = vec![
            ("a.txt".to_string(), b"one".to_vec()),
            ("t/b.csv".to_string(), b"x".to_vec()),
        ];
        let p = write_output_folder(dir.path(), "r", "2026-Q3", &f1).unwrap();
        assert_eq!(std::fs::read(p.join("t/b.csv")).unwrap(), b"x");
        let f2 = vec![("a.txt".to_string(), b"two".to_vec())];
        let p = write_output_folder(dir.path(), "r", "2026-Q3", &f2).unwrap();
        assert_eq!(std::fs::read(p.join("a.txt")).unwrap(), b"two");
        assert!(!p.join("t/b.csv").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path().join("r")).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folders left behind");
    }
}
