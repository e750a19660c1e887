//! Sending what a run archived, without computing anything: `resend` (to a run's
//! recipients or to one address) and a rerun carrying on an earlier run's delivery to
//! the recipients still waiting for it. Each is recorded as a run of its own that
//! takes over the open deliveries it answers, so nobody is counted twice.

use std::path::{Path, PathBuf};

use anyhow::bail;
use lettre::message::Mailbox;

use crate::archive::{self, ArchivedLetter, sha_hex};
use crate::config::Settings;
use crate::delivery::{Mailer, Outgoing, deliver, message_id, run_status, twin_name, wants_html};
use crate::ledger::{Ledger, PlannedDelivery, RunRecord, RunStatus, Settles, Standing, Trigger};
use crate::outcome::RunOutcome;

/// Send an archived run's PDF again, to its recipients or to `to`.
pub async fn resend(
    settings: &Settings,
    out: Option<&Path>,
    original: i64,
    to: Option<&str>,
) -> anyhow::Result<RunOutcome> {
    // A mistyped address is refused before anything is recorded.
    if let Some(addr) = to
        && let Err(e) = addr.parse::<Mailbox>()
    {
        bail!("--to {addr:?} is not an e-mail address ({e}); nothing sent");
    }
    let out = out.map_or_else(|| settings.paths.out.clone(), Path::to_path_buf);
    let settings = &settings.for_out(&out);
    let mut ledger = Ledger::open(&settings.paths.ledger_for(&out))?;
    let Some(run) = ledger.run(original)? else {
        bail!(
            "run {original} is not in the ledger {}",
            ledger.path().display()
        );
    };
    // Who gets which file: the original recipients with their copies, or one address
    // with the copy it had (report.pdf if it was not a recipient).
    let before = ledger.deliveries(original)?;
    let mut targets: Vec<(String, String)> = Vec::new();
    match to {
        Some(addr) => {
            let file = before
                .iter()
                .find(|d| d.recipient.eq_ignore_ascii_case(addr))
                .map_or("report.pdf".to_string(), |d| d.attachment.clone());
            targets.push((addr.to_string(), file));
        }
        None if before.is_empty() => {
            bail!("run {original} sent nothing; give --to ADDRESS to say who gets it")
        }
        None => {
            for d in &before {
                if !targets
                    .iter()
                    .any(|p| p.0.eq_ignore_ascii_case(&d.recipient))
                {
                    targets.push((d.recipient.clone(), d.attachment.clone()));
                }
            }
        }
    }
    // Sending again is the person's decision about these recipients' earlier messages
    // (in doubt, failed or never tried): this run takes them over, and nobody else's.
    let who: Vec<String> = targets.iter().map(|t| t.0.clone()).collect();
    send_archived(
        settings,
        &mut ledger,
        &run,
        &targets,
        Trigger::Resend,
        None,
        Settles::Recipients(&who),
    )
    .await
}

/// A rerun finds that somebody already has the report and others are still waiting
/// for it: each earlier run's archived report goes to its waiting recipients (never to
/// one who has it or may have it), as a run of its own.
pub(crate) async fn carry_on(
    settings: &Settings,
    ledger: &mut Ledger,
    standing: &Standing,
    trigger: Trigger,
    scheduled_for: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<Vec<RunOutcome>> {
    let mut origins: Vec<i64> = standing.to_send.iter().map(|d| d.run_id).collect();
    origins.sort_unstable();
    origins.dedup();
    let mut outcomes = Vec::new();
    for origin in origins {
        let Some(run) = ledger.run(origin)? else {
            bail!("run {origin} is not in the ledger");
        };
        let open: Vec<_> = standing
            .to_send
            .iter()
            .filter(|d| d.run_id == origin)
            .collect();
        let targets: Vec<(String, String)> = open
            .iter()
            .map(|d| (d.recipient.clone(), d.attachment.clone()))
            .collect();
        let rows: Vec<i64> = open.iter().map(|d| d.row).collect();
        outcomes.push(
            send_archived(
                settings,
                ledger,
                &run,
                &targets,
                trigger,
                scheduled_for,
                Settles::Rows(&rows),
            )
            .await?,
        );
    }
    Ok(outcomes)
}

/// Send the files run `original` archived to `targets` (address, file), recorded as a
/// new run with `trigger` that takes over the open deliveries `settles` names. The
/// files are checked against the SHA-256 the ledger holds before anything is recorded.
async fn send_archived(
    settings: &Settings,
    ledger: &mut Ledger,
    original: &RunRecord,
    targets: &[(String, String)],
    trigger: Trigger,
    scheduled_for: Option<chrono::DateTime<chrono::Utc>>,
    settles: Settles<'_>,
) -> anyhow::Result<RunOutcome> {
    let id = original.id;
    let Some(archive) = original.archive.as_deref().map(PathBuf::from) else {
        bail!(
            "run {id} ({} {}, {}) archived no report: there is nothing to resend; \
             run the report instead",
            original.report,
            original.period,
            original.status
        );
    };
    let letter = ArchivedLetter::read(ledger, &archive, id)?;
    // each PDF, with its HTML twin where the run archived one (older runs did not)
    let mut files: Vec<(String, Vec<u8>, Option<Vec<u8>>)> = Vec::new();
    for (_, file) in targets {
        if !files.iter().any(|f| &f.0 == file) {
            let pdf = archive::read_checked(ledger, id, &archive, file)?;
            let twin = twin_name(file);
            let html = match ledger.attachment_sha(id, &twin)? {
                Some(_) => Some(archive::read_checked(ledger, id, &archive, &twin)?),
                None => None,
            };
            files.push((file.clone(), pdf, html));
        }
    }
    let run_id = ledger.begin(
        &original.report,
        &original.period,
        trigger,
        scheduled_for,
        Some(id),
    )?;
    let result = async {
        let mut shas: Vec<(String, String)> = Vec::new();
        for (n, pdf, html) in &files {
            shas.push((n.clone(), sha_hex(pdf)));
            if let Some(h) = html {
                shas.push((twin_name(n), sha_hex(h)));
            }
        }
        let folder = original
            .folder
            .as_deref()
            .map_or_else(|| archive.clone(), PathBuf::from);
        ledger.record_output(run_id, &folder, &archive, &shas)?;
        let tag = format!("{}.{}.run{run_id}", original.report, original.period);
        let planned: Vec<PlannedDelivery> = targets
            .iter()
            .enumerate()
            .map(|(n, (addr, file))| PlannedDelivery {
                recipient: addr.clone(),
                attachment: file.clone(),
                message_id: message_id(settings, &tag, n + 1),
            })
            .collect();
        let rows = ledger.plan_deliveries(run_id, &planned, settles)?;
        let mailer = Mailer::new(&settings.smtp, &settings.paths.outbox)?;
        let letters: Vec<_> = files
            .iter()
            .map(|(file, pdf, html)| letter.letter(pdf, html.as_deref(), &archive.join(file)))
            .collect();
        let outgoing: Vec<Outgoing> = planned
            .into_iter()
            .zip(rows)
            .map(|(p, row)| {
                let i = files
                    .iter()
                    .position(|f| f.0 == p.attachment)
                    .expect("read above");
                Outgoing {
                    html: wants_html(settings, &original.report, &p.recipient),
                    recipient: p.recipient,
                    message_id: p.message_id,
                    attachment: p.attachment,
                    letter: &letters[i],
                    row: Some(row),
                }
            })
            .collect();
        let deliveries = deliver(settings, &mailer, &outgoing, Some(&*ledger)).await;
        anyhow::Ok((folder, deliveries))
    }
    .await;
    match result {
        Ok((folder, deliveries)) => {
            let mut afterwards = Vec::new();
            if let Err(e) = ledger.finish(run_id, run_status(&deliveries), None) {
                afterwards.push(format!("the run's end was not recorded: {e}"));
            }
            Ok(RunOutcome::sent(run_id, folder, deliveries, afterwards))
        }
        Err(e) => {
            ledger.finish(run_id, RunStatus::Failed, Some(&format!("{e:#}")))?;
            Err(e)
        }
    }
}
