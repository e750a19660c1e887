//! The archive of each run, `<out>/archive/run-<id>/`: the PDFs it attached (with their
//! HTML twins) and its
//! letter (subject, body, attachment name), written whole, so that `resend` and a rerun
//! carrying on send exactly those bytes even after a later run has replaced the report
//! folder. The ledger holds each file's SHA-256; reading checks it.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use crate::data::inventory::hex;
use crate::delivery::Letter;
use crate::failpoint;
use crate::ledger::Ledger;
use crate::output::{json_bytes, write_folder};

/// Subject, body and attachment name of a run's e-mail, archived with its PDFs.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArchivedLetter {
    pub(crate) subject: String,
    pub(crate) body: String,
    pub(crate) attachment_name: String,
}

impl ArchivedLetter {
    pub(crate) fn letter<'a>(
        &self,
        pdf: &'a [u8],
        html: Option<&'a [u8]>,
        archived_at: &Path,
    ) -> Letter<'a> {
        // A rounded copy says so in its subject, body and file name, so that a reader
        // with both copies knows which is which (archived as report-rounded-to-N.pdf).
        let rounded = archived_at
            .file_name()
            .and_then(|f| f.to_str())
            .and_then(|f| f.strip_prefix("report-rounded-to-"))
            .and_then(|f| f.strip_suffix(".pdf"));
        let (subject, body, attachment_name) = match rounded {
            Some(r) => (
                format!("{} (counts rounded to the nearest {r})", self.subject),
                format!(
                    "{}\nIn this copy every count is rounded to the nearest {r}, and percentages \
                     are worked from the rounded counts.\n",
                    self.body
                ),
                match self.attachment_name.strip_suffix(".pdf") {
                    Some(stem) => format!("{stem}-rounded-to-{r}.pdf"),
                    None => self.attachment_name.clone(),
                },
            ),
            None => (
                self.subject.clone(),
                self.body.clone(),
                self.attachment_name.clone(),
            ),
        };
        Letter {
            subject,
            body,
            attachment_name,
            pdf,
            html,
            archived_at: archived_at.display().to_string(),
        }
    }

    /// The letter run `run_id` archived in `archive`, checked against the SHA-256 the
    /// ledger holds for it like the attachments (a subject or body changed on disk is
    /// not sent). Runs archived before the ledger kept its digest are read as they are.
    pub(crate) fn read(
        ledger: &Ledger,
        archive: &Path,
        run_id: i64,
    ) -> anyhow::Result<ArchivedLetter> {
        let bytes = if ledger.attachment_sha(run_id, LETTER)?.is_some() {
            read_checked(ledger, run_id, archive, LETTER)?
        } else {
            std::fs::read(archive.join(LETTER))
                .with_context(|| format!("reading the archive of run {run_id}"))?
        };
        serde_json::from_slice(&bytes)
            .with_context(|| format!("reading the archive of run {run_id}"))
    }

    /// The letter as the archive holds it, with its digest for the ledger.
    pub(crate) fn archived(&self) -> anyhow::Result<(String, Vec<u8>)> {
        Ok((LETTER.into(), json_bytes(&serde_json::to_value(self)?)?))
    }
}

/// The file of a run's archive that holds its letter.
const LETTER: &str = "letter.json";

/// Lower-case hex SHA-256 of some bytes.
pub(crate) fn sha_hex(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}

/// Write the archive of run `run_id`: its attachments and its letter, whole.
pub(crate) fn write(
    out_root: &Path,
    run_id: i64,
    letter: &ArchivedLetter,
    attached: &[(String, Vec<u8>)],
) -> anyhow::Result<PathBuf> {
    let mut files = attached.to_vec();
    files.push(letter.archived()?);
    failpoint::hit("run.archive").with_context(|| {
        format!(
            "archiving run {run_id} in {}",
            out_root.join("archive").display()
        )
    })?;
    set_aside_stale(&out_root.join("archive"), run_id)?;
    Ok(write_folder(
        out_root,
        "archive",
        &format!("run-{run_id}"),
        &files,
    )?)
}

/// A file run `run_id` archived in `archive`, checked against the SHA-256 the ledger
/// holds for it.
pub(crate) fn read_checked(
    ledger: &Ledger,
    run_id: i64,
    archive: &Path,
    file: &str,
) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(archive.join(file))
        .with_context(|| format!("reading {file} archived by run {run_id}; nothing sent"))?;
    let recorded = ledger.attachment_sha(run_id, file)?;
    if recorded.as_deref() != Some(sha_hex(&bytes).as_str()) {
        bail!(
            "{} is not the file run {run_id} archived (its SHA-256 differs from the \
             ledger's); nothing sent",
            archive.join(file).display()
        );
    }
    Ok(bytes)
}

/// An archive folder for this run id already there was left by another ledger (run ids
/// start again at 1 when the ledger is new): it is moved aside, with a warning, rather
/// than replaced, since it may be the only copy of what an earlier run sent.
fn set_aside_stale(archive: &Path, run_id: i64) -> anyhow::Result<()> {
    let folder = archive.join(format!("run-{run_id}"));
    if !folder.exists() {
        return Ok(());
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let aside = archive.join(format!("run-{run_id}.stale-{stamp}"));
    std::fs::rename(&folder, &aside)
        .with_context(|| format!("moving the stale {} aside", folder.display()))?;
    tracing::warn!(
        "{} was left by another ledger (this ledger's run {run_id} is new); it is kept as \
         {}",
        folder.display(),
        aside.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_left_by_another_ledger_is_set_aside_not_replaced() {
        let out = tempfile::tempdir().unwrap();
        let old = out.path().join("archive/run-1");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("report.pdf"), b"what run 1 of the old ledger sent").unwrap();
        let letter = ArchivedLetter {
            subject: "s".into(),
            body: "b".into(),
            attachment_name: "a.pdf".into(),
        };
        let attached = vec![("report.pdf".to_string(), b"new".to_vec())];
        write(out.path(), 1, &letter, &attached).unwrap();
        assert_eq!(std::fs::read(old.join("report.pdf")).unwrap(), b"new");
        let kept: Vec<PathBuf> = std::fs::read_dir(out.path().join("archive"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("run-1.stale-"))
            .collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(
            std::fs::read(kept[0].join("report.pdf")).unwrap(),
            b"what run 1 of the old ledger sent"
        );
    }
}
