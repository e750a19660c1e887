//! One run of one report, in stages: ask the ledger whether it is due (and carry on an
//! earlier run's delivery if somebody still needs it), check the extracts, compute,
//! write the output folder beside its place, archive what is attached, record it and
//! every planned message in the ledger, put the folder in place, then deliver and
//! record each delivery. Everything that can fail before the first message happens
//! before the finished folder replaces the previous one.
//!
//! `produce` is the compute stage (load and check, queries, PDFs, the folder's files);
//! this module asks the ledger, writes and records, and delivers.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::archive::{self, sha_hex};
use crate::catalog::ReportId;
use crate::config::Settings;
use crate::delivery::{
    AdminNotice, Delivery, Letter, Mailer, Outgoing, deliver, message_id, notify_admins,
    recipients_by_rounding, run_status, twin_name, wants_html,
};
use crate::failpoint;
use crate::ledger::{
    DeliveryStatus, Ledger, NextAction, PlannedDelivery, RunStatus, Settles, Standing, Trigger,
};
use crate::outcome::RunOutcome;
use crate::output::{Staged, json_bytes, replace_file, stage_folder, sweep_leftovers};
use crate::period::Period;
use crate::report::ReportError;

mod produce;

use produce::{Laps, Produced, compute};

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub report: ReportId,
    pub period: String,
    pub data: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub as_of: NaiveDate,
    pub send: bool,
}

/// How a run ended.
#[derive(Debug)]
pub enum Executed {
    Done(RunOutcome),
    /// Everyone has it (bar those refused for good, named): nothing computed or sent.
    AlreadyDelivered(Standing),
    /// Somebody already had it: the earlier run's archived report went to those still
    /// waiting for it, one run per earlier run. `standing` is as found before.
    Continued {
        standing: Standing,
        outcomes: Vec<RunOutcome>,
    },
    /// Nobody is left to send to but some recipients are in doubt: nothing sent.
    InDoubt(Standing),
}

/// A run as the command line or the scheduler asks for it.
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub req: RunRequest,
    pub trigger: Trigger,
    /// The scheduled time a scheduled or catch-up run answers.
    pub scheduled_for: Option<DateTime<Utc>>,
    /// Send even if the report and period were delivered before.
    pub resend: bool,
}

/// The extracts have structural errors; `data_missing` when every one of them is a
/// dataset (or the data root) not there yet, which waiting may mend.
#[derive(Debug, thiserror::Error)]
#[error("the extracts in {root} cannot be used:\n{list}")]
pub struct ExtractsUnusable {
    pub root: String,
    pub list: String,
    pub data_missing: bool,
}

/// Whether a failed run failed for data not yet arrived (a dataset missing, or no rows
/// for the period) rather than for bad input.
pub fn is_data_missing(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<ExtractsUnusable>()
            .is_some_and(|x| x.data_missing)
            || matches!(
                c.downcast_ref::<ReportError>(),
                Some(ReportError::NoData(_))
            )
    })
}

/// The period of a report, checked against the kind the report takes.
pub fn report_period(report: ReportId, period: &str) -> anyhow::Result<Period> {
    let period = Period::parse(period)?;
    let (expected, example) = report.period_kind();
    if period.kind != expected {
        bail!("report {report} takes {example}, not {}", period.id);
    }
    Ok(period)
}

/// An output folder made before this program kept its files private (or by hand) may
/// still let every user in: say so, since what is inside it was written private.
fn warn_if_world_readable(out: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(out)
        && meta.permissions().mode() & 0o007 != 0
    {
        tracing::warn!(
            "output folder {} can be opened by every user of this machine (mode {:o}); \
             `chmod o-rwx` it: the reports' exact counts and the ledger are inside",
            out.display(),
            meta.permissions().mode() & 0o777
        );
    }
}

/// The output root of a request.
fn out_root(settings: &Settings, req: &RunRequest) -> PathBuf {
    req.out
        .clone()
        .unwrap_or_else(|| settings.paths.out.clone())
}

/// Open the ledger that belongs to an output root.
pub fn open_ledger(settings: &Settings, out: &Path) -> anyhow::Result<Ledger> {
    Ok(Ledger::open(&settings.paths.ledger_for(out))?)
}

/// Run a report as planned: ask the ledger, take the lock, compute, write, deliver,
/// record. An error means nothing was sent (and the previous output is untouched).
pub async fn execute(settings: &Settings, plan: &RunPlan) -> anyhow::Result<Executed> {
    let req = &plan.req;
    let period = report_period(req.report, &req.period)?;
    crate::report::check_template(req.report)?;
    let out = out_root(settings, req);
    warn_if_world_readable(&out);
    let settings = &settings.for_out(&out);
    // Only where a run writes: the report's folder, this period's, the archive.
    let report_dir = out.join(req.report.as_str());
    // (the report's folder first: it may put a period's folder back)
    for dir in [
        report_dir.clone(),
        report_dir.join(&period.id),
        out.join("archive"),
    ] {
        for what in sweep_leftovers(&dir) {
            tracing::info!("{what}: left by a run that stopped");
        }
    }
    let mut ledger = open_ledger(settings, &out)?;
    // --resend: a person has decided to compute and send again to everyone.
    if req.send
        && !plan.resend
        && let NextAction::Standing(s) = ledger.next_action(req.report.as_str(), &period.id)?
    {
        if !s.to_send.is_empty() {
            let outcomes = crate::resend::carry_on(
                settings,
                &mut ledger,
                &s,
                plan.trigger,
                plan.scheduled_for,
            )
            .await?;
            return Ok(Executed::Continued {
                standing: s,
                outcomes,
            });
        }
        return Ok(if s.in_doubt.is_empty() {
            Executed::AlreadyDelivered(s)
        } else {
            Executed::InDoubt(s)
        });
    }
    produce::refuse_special_files(settings, req)?;
    let run_id = ledger.begin(
        req.report.as_str(),
        &period.id,
        plan.trigger,
        plan.scheduled_for,
        None,
    )?;
    match produce_and_send(settings, req, &period, &out, &mut ledger, run_id).await {
        Ok(mut outcome) => {
            let s = if req.send {
                run_status(&outcome.deliveries)
            } else {
                RunStatus::NotSent
            };
            if let Err(e) = ledger.finish(run_id, s, None) {
                outcome
                    .afterwards
                    .push(format!("the run's end was not recorded: {e}"));
            }
            if !outcome.all_delivered() {
                let notice =
                    tell_admins_of_failed_recipients(settings, req, &period, &outcome).await;
                if notice.told()
                    && let Err(e) = ledger.admins_told(run_id)
                {
                    outcome.afterwards.push(format!("{e}"));
                }
                outcome.admins = Some(notice);
            }
            Ok(Executed::Done(outcome))
        }
        Err(e) => {
            let s = if is_data_missing(&e) {
                RunStatus::DataMissing
            } else {
                RunStatus::Failed
            };
            if let Err(le) = ledger.finish(run_id, s, Some(&format!("{e:#}"))) {
                tracing::error!("cannot record the failed run {run_id}: {le}");
            }
            Err(e)
        }
    }
}

/// The admins hear which recipients did not get a report and why.
async fn tell_admins_of_failed_recipients(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    outcome: &RunOutcome,
) -> AdminNotice {
    let lines: Vec<String> = outcome
        .deliveries
        .iter()
        .filter(|d| !d.delivered())
        .map(|d| format!("  - {} ({}): {}", d.recipient, d.status, d.detail))
        .collect();
    let body = format!(
        "Run {} of {} for {} could not deliver the report to every recipient:\n\n{}\n\n\
         The others have it. The report is kept in {}. A recipient that failed may be sent \
         the same report once the cause is fixed: `equity-reports run {} --period {}` \
         sends to those whose failure may mend, and\n\n  equity-reports resend {} --to \
         ADDRESS\n\nto one address. One \"in doubt\" may have it already: look for its \
         Message-ID in the mail server's log first.\n",
        outcome.run_id,
        req.report,
        period.id,
        lines.join("\n"),
        outcome.folder.display(),
        req.report,
        period.id,
        outcome.run_id,
    );
    notify_admins(
        settings,
        &format!(
            "equity-reports: {} {} not delivered to everyone",
            req.report, period.id
        ),
        &body,
    )
    .await
}

/// One planned message: to whom, which PDF (index into `Produced::pdfs`), its ledger
/// row and Message-ID.
struct Planned {
    recipient: String,
    copy: usize,
    row: i64,
    message_id: String,
    /// Whether the recipient takes the HTML twin.
    html: bool,
}

/// Compute the report, write its folder, archive the attachments and deliver.
async fn produce_and_send(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    out_root: &Path,
    ledger: &mut Ledger,
    run_id: i64,
) -> anyhow::Result<RunOutcome> {
    let mut laps = Laps::new();
    let mut p = compute(settings, req, period, run_id, &mut laps).await?;
    crate::progress::phase("Writing the report folder", None);
    let (folder, archive, rows) =
        write_and_record(settings, req, period, out_root, ledger, run_id, &p)?;
    laps.lap("write");
    let deliveries = if req.send {
        crate::progress::phase("Sending", Some(rows.len() as u64));
        let d = send_planned(settings, ledger, &p, &archive, &rows).await;
        p.manifest["delivery"] = json!({
            "status": delivery_summary(&d),
            "at": Utc::now().to_rfc3339(),
            "recipients": d,
        });
        d
    } else {
        p.manifest["delivery"] = json!({"status": "not sent (--no-send)", "recipients": []});
        Vec::new()
    };
    laps.lap("delivery");
    p.manifest["timings_ms"] = laps.json();
    tracing::info!(timings_ms = %p.manifest["timings_ms"], "run phases");
    // The messages have gone: a failure now must not read as "nothing sent".
    let mut afterwards = Vec::new();
    if let Err(e) = json_bytes(&p.manifest)
        .map_err(|e| e.to_string())
        .and_then(|b| replace_file(&folder.join("manifest.json"), &b).map_err(|e| e.to_string()))
    {
        afterwards.push(format!(
            "the manifest could not be updated with the deliveries ({e}); the ledger has them"
        ));
    }
    Ok(RunOutcome::sent(run_id, folder, deliveries, afterwards))
}

/// Write the folder beside its place, archive the attachments, record both and the
/// planned messages in the ledger, and only then put the folder in place. Returns the
/// folder, the archive and the ledger rows of the planned messages.
fn write_and_record(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    out_root: &Path,
    ledger: &mut Ledger,
    run_id: i64,
    p: &Produced,
) -> anyhow::Result<(PathBuf, PathBuf, Vec<Planned>)> {
    let mut files = p.files.clone();
    files.push(("manifest.json".to_string(), json_bytes(&p.manifest)?));
    let staged: Staged = stage_folder(out_root, req.report.as_str(), &period.id, &files)?;
    // What is e-mailed is archived per run, so `resend` sends exactly these bytes even
    // after a later run has replaced the output folder.
    let attached: Vec<(String, Vec<u8>)> = p
        .pdfs
        .iter()
        .zip(&p.htmls)
        .flat_map(|((_, name, bytes), html)| {
            [
                (name.clone(), bytes.clone()),
                (twin_name(name), html.clone()),
            ]
        })
        .collect();
    let archive = archive::write(out_root, run_id, &p.letter, &attached)?;
    let recorded = (|| -> anyhow::Result<Vec<Planned>> {
        failpoint::hit("run.ledger").context("recording the run in the ledger")?;
        ledger.record_inputs(run_id, &p.inputs)?;
        // the letter too: resend sends its subject and body as archived, or nothing
        let letter = p.letter.archived()?;
        ledger.record_output(
            run_id,
            staged.target(),
            &archive,
            &attached
                .iter()
                .chain(std::iter::once(&letter))
                .map(|(n, b)| (n.clone(), sha_hex(b)))
                .collect::<Vec<_>>(),
        )?;
        if !req.send {
            return Ok(Vec::new());
        }
        // Every recipient is planned before the first is tried: a crash at any point
        // leaves each of them in a named state.
        let mut planned = Vec::new();
        let mut copies = Vec::new();
        let mut n = 0;
        for (r, recipients) in recipients_by_rounding(settings, req.report.as_str()) {
            let copy = p.pdfs.iter().position(|c| c.0 == r).unwrap_or(0);
            for a in recipients {
                n += 1;
                let tag = format!("{}.{}.run{run_id}", req.report, period.id);
                let id = message_id(settings, &tag, n);
                planned.push(PlannedDelivery {
                    recipient: a.clone(),
                    attachment: p.pdfs[copy].1.clone(),
                    message_id: id.clone(),
                });
                let html = wants_html(settings, req.report.as_str(), &a);
                copies.push((a, copy, id, html));
            }
        }
        let rows = ledger.plan_deliveries(run_id, &planned, Settles::All)?;
        Ok(copies
            .into_iter()
            .zip(rows)
            .map(|((recipient, copy, message_id, html), row)| Planned {
                recipient,
                copy,
                row,
                message_id,
                html,
            })
            .collect())
    })();
    let rows = match recorded {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&archive);
            return Err(e);
        }
    };
    let folder = staged.commit()?;
    tracing::info!(folder = %folder.display(), "output written");
    Ok((folder, archive, rows))
}

/// Send the planned messages: each recipient the copy of its rounding.
async fn send_planned(
    settings: &Settings,
    ledger: &Ledger,
    p: &Produced,
    archive: &Path,
    rows: &[Planned],
) -> Vec<Delivery> {
    let letters: Vec<Letter> = p
        .pdfs
        .iter()
        .zip(&p.htmls)
        .map(|((_, name, bytes), html)| p.letter.letter(bytes, Some(html), &archive.join(name)))
        .collect();
    let outgoing: Vec<Outgoing> = rows
        .iter()
        .map(|x| Outgoing {
            recipient: x.recipient.clone(),
            message_id: x.message_id.clone(),
            attachment: p.pdfs[x.copy].1.clone(),
            letter: &letters[x.copy],
            html: x.html,
            row: Some(x.row),
        })
        .collect();
    match Mailer::new(&settings.smtp, &settings.paths.outbox) {
        Ok(m) => deliver(settings, &m, &outgoing, Some(ledger)).await,
        // Settings that cannot make a mailer (a password not in the environment) fail
        // every recipient, with the report kept for a resend.
        Err(e) => outgoing
            .iter()
            .map(|o| {
                let d = Delivery {
                    recipient: o.recipient.clone(),
                    status: DeliveryStatus::Failed,
                    detail: e.to_string(),
                    attachment: o.attachment.clone(),
                    message_id: o.message_id.clone(),
                    attempts: 0,
                    permanent: true,
                };
                if let Err(le) =
                    ledger.delivery_result(o.row.unwrap_or(0), d.status, 0, &d.detail, true)
                {
                    tracing::error!("cannot record the delivery: {le}");
                }
                d
            })
            .collect(),
    }
}

/// The manifest's word for a set of deliveries.
fn delivery_summary(d: &[Delivery]) -> &'static str {
    if d.iter().any(|x| x.status == DeliveryStatus::InDoubt) {
        "in doubt"
    } else if d.iter().any(|x| x.status == DeliveryStatus::Failed) {
        "failed"
    } else if d.iter().all(|x| x.status == DeliveryStatus::Written) {
        "written to outbox"
    } else {
        "delivered"
    }
}
