//! `resend`: send the PDF a run archived again, to its recipients or to one address,
//! without computing anything. Recorded as a run of its own (trigger `resend`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Settings;
use crate::delivery::{Delivery, Mailer, Record, deliver, message_id, run_status};
use crate::ledger::{Trigger, status};
use crate::run::{ArchivedLetter, open_ledger, sha_hex};

/// What `resend` did.
#[derive(Debug)]
pub struct Resent {
    pub run_id: i64,
    pub deliveries: Vec<Delivery>,
}

/// Send an archived run's PDF again, to its recipients or to `to`.
pub async fn resend(
    settings: &Settings,
    out: Option<&Path>,
    original: i64,
    to: Option<&str>,
) -> anyhow::Result<Resent> {
    let out = out.map_or_else(|| settings.paths.out.clone(), Path::to_path_buf);
    let mut ledger = open_ledger(settings, &out)?;
    let Some(run) = ledger.run(original)? else {
        bail!(
            "run {original} is not in the ledger {}",
            ledger.path().display()
        );
    };
    let Some(archive) = run.archive.as_deref().map(PathBuf::from) else {
        bail!(
            "run {original} ({} {}, {}) archived no report: there is nothing to resend; \
             run the report instead",
            run.report,
            run.period,
            run.status
        );
    };
    let letter: ArchivedLetter = serde_json::from_slice(
        &std::fs::read(archive.join("letter.json"))
            .with_context(|| format!("reading the archive of run {original}"))?,
    )
    .with_context(|| format!("reading the archive of run {original}"))?;
    // Who gets which file: the original recipients with their copies, or one address
    // with the copy it had (report.pdf if it was not a recipient).
    let before = ledger.deliveries(original)?;
    let mut plan: Vec<(String, String)> = Vec::new();
    match to {
        Some(addr) => {
            let file = before
                .iter()
                .find(|d| d.recipient.eq_ignore_ascii_case(addr))
                .map_or("report.pdf".to_string(), |d| d.attachment.clone());
            plan.push((addr.to_string(), file));
        }
        None if before.is_empty() => {
            bail!("run {original} sent nothing; give --to ADDRESS to say who gets it")
        }
        None => {
            for d in &before {
                if !plan.iter().any(|p| p.0.eq_ignore_ascii_case(&d.recipient)) {
                    plan.push((d.recipient.clone(), d.attachment.clone()));
                }
            }
        }
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (_, file) in &plan {
        if files.iter().any(|f| &f.0 == file) {
            continue;
        }
        let bytes = std::fs::read(archive.join(file))
            .with_context(|| format!("reading {file} archived by run {original}"))?;
        let recorded = ledger.attachment_sha(original, file)?;
        if recorded.as_deref() != Some(sha_hex(&bytes).as_str()) {
            bail!(
                "{} is not the file run {original} archived (its SHA-256 differs from the \
                 ledger's); nothing sent",
                archive.join(file).display()
            );
        }
        files.push((file.clone(), bytes));
    }
    let run_id = ledger.begin(
        &run.report,
        &run.period,
        Trigger::Resend,
        None,
        Some(original),
    )?;
    // Sending again is the person's decision about any message left in doubt.
    ledger.resolve_in_doubt(&run.report, &run.period)?;
    let result = async {
        let mailer = Mailer::from_settings(settings).map_err(anyhow::Error::msg)?;
        let record = Record {
            ledger: &ledger,
            run_id,
        };
        let mut out = Vec::new();
        for (n, (addr, file)) in plan.iter().enumerate() {
            let bytes = &files.iter().find(|f| &f.0 == file).expect("read above").1;
            let tag = format!("{}.{}.run{run_id}", run.report, run.period);
            let to = [(addr.clone(), message_id(settings, &tag, n + 1))];
            let l = letter.letter(bytes, &archive.join(file));
            out.extend(deliver(settings, &mailer, &to, &l, file, Some(&record)).await);
        }
        anyhow::Ok(out)
    }
    .await;
    match result {
        Ok(deliveries) => {
            ledger.finish(run_id, run_status(&deliveries), None)?;
            Ok(Resent { run_id, deliveries })
        }
        Err(e) => {
            ledger.finish(run_id, status::FAILED, Some(&format!("{e:#}")))?;
            Err(e)
        }
    }
}
