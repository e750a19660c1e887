//! Writing a run's folder `<out>/<report>/<period>/` so that it appears whole or not
//! at all: everything is written into a hidden sibling folder ([`stage_folder`]), and
//! only after every other step that can fail (archive, ledger) has succeeded is it
//! swapped into place ([`Staged::commit`]). A failed run never leaves half an output or
//! replaces a good one; what a killed process leaves behind is removed by the next run
//! ([`sweep_leftovers`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failpoint;
use crate::process::{alive, host};

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing {path}: {cause}")]
pub struct OutputError {
    pub path: PathBuf,
    pub cause: std::io::Error,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.to_path_buf(),
        cause: source,
    }
}

/// The mark of this process on what it writes beside a folder: pid and machine, so a
/// later run can tell its own dead leftovers from another machine's live work.
fn mark() -> String {
    format!("{}-{}", std::process::id(), host())
}

/// A folder written in full beside its place, not yet in it. Dropped without
/// [`Staged::commit`], it is removed.
#[derive(Debug)]
pub struct Staged {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

/// Write `files` (relative path, bytes) into a hidden folder beside
/// `<out>/<group>/<name>`.
pub fn stage_folder(
    out: &Path,
    group: &str,
    name: &str,
    files: &[(String, Vec<u8>)],
) -> Result<Staged, OutputError> {
    let parent = out.join(group);
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let staged = Staged {
        staging: parent.join(format!(".{name}.partial-{}", mark())),
        target: parent.join(name),
        committed: false,
    };
    // Something else standing where the report goes is not ours to replace: the swap
    // would move it aside and delete it.
    if let Ok(meta) = std::fs::symlink_metadata(&staged.target)
        && !meta.is_dir()
    {
        return Err(OutputError {
            path: staged.target.clone(),
            cause: std::io::Error::other(
                "stands where the report folder goes and is not a folder; it is left as it \
                 is: move it away and run again",
            ),
        });
    }
    if staged.staging.exists() {
        std::fs::remove_dir_all(&staged.staging).map_err(io_err(&staged.staging))?;
    }
    for (rel, bytes) in files {
        let p = staged.staging.join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let mut f = std::fs::File::create(&p).map_err(io_err(&p))?;
        f.write_all(bytes).map_err(io_err(&p))?;
        failpoint::hit("run.write").map_err(io_err(&p))?;
        f.sync_all().map_err(io_err(&p))?;
    }
    Ok(staged)
}

impl Staged {
    /// Where the folder goes.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Put the folder in place: the previous one is moved aside, the new one renamed
    /// in, and the old one removed. If the new one cannot be put in place, the old one
    /// is put back.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        failpoint::hit("run.swap").map_err(io_err(&self.target))?;
        let parent = self.target.parent().expect("a folder in a folder");
        let name = self.target.file_name().expect("a named folder");
        let old = parent.join(format!(".{}.replaced-{}", name.to_string_lossy(), mark()));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
        }
        if let Err(source) = std::fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(OutputError {
                path: self.target.clone(),
                cause: source,
            });
        }
        self.committed = true;
        if had_old && let Err(e) = std::fs::remove_dir_all(&old) {
            // The new folder is in place; the next run removes what is left.
            tracing::warn!("cannot remove the replaced folder {}: {e}", old.display());
        }
        Ok(self.target.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Write `files` as the folder `<out>/<group>/<name>`, whole or not at all.
pub fn write_folder(
    out: &Path,
    group: &str,
    name: &str,
    files: &[(String, Vec<u8>)],
) -> Result<PathBuf, OutputError> {
    stage_folder(out, group, name, files)?.commit()
}

/// Replace one file in place through a temporary file and a rename; the temporary
/// file is removed if either fails.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", mark()));
    let result = std::fs::write(&tmp, bytes)
        .map_err(io_err(&tmp))
        .and_then(|()| failpoint::hit("run.manifest").map_err(io_err(&tmp)))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(io_err(path)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The process that left `name` behind, if it is a hidden staging, replaced or
/// temporary entry: (kind, the name it stands for, pid, host if recorded).
fn leftover(name: &str) -> Option<(&'static str, &str, i64, Option<&str>)> {
    let rest = name.strip_prefix('.')?;
    for kind in [".partial-", ".replaced-", ".tmp-"] {
        if let Some((stands_for, mark)) = rest.rsplit_once(kind) {
            let (pid, host) = match mark.split_once('-') {
                Some((pid, host)) => (pid, Some(host)),
                None => (mark, None),
            };
            return Some((kind, stands_for, pid.parse().ok()?, host));
        }
    }
    None
}

/// Remove what runs killed on this machine left in `dir` (a report's folder of periods,
/// a period's folder, or the archive): hidden staging folders, folders moved aside,
/// temporary files. A folder moved aside whose place is empty is the last good output
/// of a run killed mid-swap: it is put back, not removed. Entries of live processes or
/// other machines are left alone. Returns what was done, for the log.
pub fn sweep_leftovers(dir: &Path) -> Vec<String> {
    let mut done = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return done;
    };
    let here = host();
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((kind, stands_for, pid, h)) = leftover(&name) else {
            continue;
        };
        if h.is_some_and(|h| h != here) || alive(pid) {
            continue;
        }
        let place = dir.join(stands_for);
        let result = if kind == ".replaced-" && !place.exists() {
            std::fs::rename(&path, &place).map(|()| format!("put back {}", place.display()))
        } else if path.is_dir() {
            std::fs::remove_dir_all(&path).map(|()| format!("removed {}", path.display()))
        } else {
            std::fs::remove_file(&path).map(|()| format!("removed {}", path.display()))
        };
        match result {
            Ok(what) => done.push(what),
            Err(e) => tracing::warn!("cannot clear {}: {e}", path.display()),
        }
    }
    done.sort();
    done
}

/// JSON as the output files hold it: pretty, ending in a newline.
pub fn json_bytes(v: &serde_json::Value) -> serde_json::Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v)?;
    b.push(b'\n');
    Ok(b)
}

/// A table written to `tables/<name>.csv` (unsuppressed, for analysts).
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    pub fn new(name: &str, header: &[&str]) -> CsvTable {
        CsvTable {
            name: name.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// A table as CSV bytes.
pub fn csv_bytes(t: &CsvTable) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a row of the wrong width would be a bug.
    w.write_record(t.header.iter().map(|c| inert_cell(c).into_owned()))
        .expect("csv header");
    for r in &t.rows {
        w.write_record(r.iter().map(|c| inert_cell(c).into_owned()))
            .expect("csv row");
    }
    w.into_inner().expect("csv flush")
}

/// A cell a spreadsheet would take for a formula (first character `=`, `+`, `-`, `@`,
/// tab or carriage return: OWASP's CSV injection) gets a leading apostrophe, so a code
/// or a site's wording that starts so is read as text; a number stays as it is.
fn inert_cell(c: &str) -> std::borrow::Cow<'_, str> {
    match c.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if c.trim().parse::<f64>().is_err() => {
            format!("'{c}").into()
        }
        _ => c.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_where_the_report_folder_goes_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("r")).unwrap();
        let file = dir.path().join("r/p");
        std::fs::write(&file, b"someone's notes").unwrap();
        let files = vec![("a.txt".to_string(), b"one".to_vec())];
        let e = stage_folder(dir.path(), "r", "p", &files).unwrap_err();
        assert_eq!(e.path, file);
        assert!(e.cause.to_string().contains("is not a folder"), "{e:?}");
        assert_eq!(std::fs::read(&file).unwrap(), b"someone's notes");
        // and nothing was staged beside it
        assert_eq!(std::fs::read_dir(dir.path().join("r")).unwrap().count(), 1);
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_written_as_text() {
        let mut t = CsvTable::new("t", &["=HEADER", "b"]);
        t.rows = vec![
            vec!["=HYPERLINK(\"http://x\")".into(), "-0.5".into()],
            vec!["+1".into(), "@SUM(A1)".into()],
            vec!["-cmd|' /C calc'!A0".into(), "\tx".into()],
            vec!["LCH".into(), "12".into()],
        ];
        let text = String::from_utf8(csv_bytes(&t)).unwrap();
        assert_eq!(
            text,
            "'=HEADER,b\n\"'=HYPERLINK(\"\"http://x\"\")\",-0.5\n+1,'@SUM(A1)\n\
             '-cmd|' /C calc'!A0,'\tx\nLCH,12\n"
        );
    }

    fn dead_pid() -> u32 {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    }

    #[test]
    fn a_rerun_replaces_the_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f1 = vec![
            ("a.txt".to_string(), b"one".to_vec()),
            ("t/b.csv".to_string(), b"x".to_vec()),
        ];
        let p = write_folder(dir.path(), "r", "2026-Q3", &f1).unwrap();
        assert_eq!(std::fs::read(p.join("t/b.csv")).unwrap(), b"x");
        let f2 = vec![("a.txt".to_string(), b"two".to_vec())];
        let p = write_folder(dir.path(), "r", "2026-Q3", &f2).unwrap();
        assert_eq!(std::fs::read(p.join("a.txt")).unwrap(), b"two");
        assert!(!p.join("t/b.csv").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path().join("r")).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folders left behind");
    }

    #[test]
    fn a_staged_folder_not_committed_leaves_the_old_one_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let good = vec![("a.txt".to_string(), b"good".to_vec())];
        write_folder(dir.path(), "r", "p", &good).unwrap();
        let staged =
            stage_folder(dir.path(), "r", "p", &[("a.txt".into(), b"new".to_vec())]).unwrap();
        drop(staged);
        assert_eq!(
            std::fs::read(dir.path().join("r/p/a.txt")).unwrap(),
            b"good"
        );
        assert_eq!(std::fs::read_dir(dir.path().join("r")).unwrap().count(), 1);
    }

    #[test]
    fn the_leftovers_of_dead_processes_are_cleared_and_a_half_swap_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let (dead, here) = (dead_pid(), host());
        for d in [
            format!(".2026-Q3.partial-{dead}-{here}/tables"),
            format!(".2026-Q2.partial-{dead}"),
            format!(".2026-Q2.replaced-{dead}-{here}"),
            format!(".2026-Q1.replaced-{dead}-{here}"),
            format!(".2026-Q4.partial-{dead}-other-machine"),
            format!(".2026-Q4.partial-{}-{here}", std::process::id()),
            "2026-Q2".into(),
        ] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::fs::write(
            r.join(format!(".2026-Q1.replaced-{dead}-{here}/report.pdf")),
            b"Q1",
        )
        .unwrap();
        std::fs::write(
            r.join(format!("2026-Q2/.manifest.json.tmp-{dead}-{here}")),
            b"{",
        )
        .unwrap();
        let done = sweep_leftovers(r);
        assert_eq!(done.len(), 4, "{done:?}");
        // the temporary file of the period a run was writing
        let done = sweep_leftovers(&r.join("2026-Q2"));
        assert_eq!(done.len(), 1, "{done:?}");
        let mut left: Vec<String> = std::fs::read_dir(r)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut kept = vec![
            format!(".2026-Q4.partial-{dead}-other-machine"),
            format!(".2026-Q4.partial-{}-{here}", std::process::id()),
            "2026-Q1".into(),
            "2026-Q2".into(),
        ];
        kept.sort();
        assert_eq!(left, kept);
        // Q1 had lost its place mid-swap: it is back
        assert_eq!(std::fs::read(r.join("2026-Q1/report.pdf")).unwrap(), b"Q1");
        assert_eq!(std::fs::read_dir(r.join("2026-Q2")).unwrap().count(), 0);
    }
}
