//! One run of one report: ask the ledger whether it is due, check the extracts,
//! compute, write the output folder whole, archive what is attached, then deliver and
//! record each delivery in the ledger and the manifest.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::contract::CONTRACT_VERSION;
use crate::data::files::StructuralError;
use crate::data::files::{find_datasets, hex};
use crate::data::quality::check_quality;
use crate::data::session::open_session;
use crate::delivery::{
    Addressee, Delivery, Letter, Mailer, Record, deliver, message_id, notify_admins,
    recipients_by_rounding, run_status,
};
use crate::ledger::{Ledger, NextAction, Trigger, delivery_status, status};
use crate::output::{csv_bytes, replace_file, write_output_folder};
use crate::pdf::render::render_pdf;
use crate::period::Period;
use crate::report::ReportError;
use crate::report::RunRequest;
use crate::report::service::{self, access, equity};
use crate::report::workforce::{self, annual, quarterly};

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub run_id: i64,
    pub folder: PathBuf,
    pub deliveries: Vec<Delivery>,
}

impl RunOutcome {
    /// Whether every recipient's copy went (or none was asked for).
    pub fn all_delivered(&self) -> bool {
        self.deliveries
            .iter()
            .all(|d| d.status != delivery_status::FAILED)
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Executed {
    Done(RunOutcome),
    /// Already delivered: nothing computed or sent.
    AlreadyDelivered {
        run_id: i64,
        finished: String,
    },
    /// An earlier run stopped while sending: nothing computed or sent.
    InDoubt {
        run_id: i64,
        recipients: Vec<(String, String)>,
    },
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
pub fn report_period(report: &str, period: &str) -> anyhow::Result<Period> {
    let period = Period::parse(period)?;
    let Some((expected, example)) = crate::report::period_kind(report) else {
        bail!(
            "unknown report {report:?}; reports are {}",
            crate::report::REPORT_IDS.join(", ")
        );
    };
    if period.kind != expected {
        bail!("report {report} takes {example}, not {}", period.id);
    }
    Ok(period)
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
/// record. Any error means nothing was sent (and nothing written unless the output
/// folder was complete).
pub async fn execute(settings: &Settings, plan: &RunPlan) -> anyhow::Result<Executed> {
    let req = &plan.req;
    let period = report_period(&req.report, &req.period)?;
    crate::report::check_template(&req.report)?;
    let out = out_root(settings, req);
    let mut ledger = open_ledger(settings, &out)?;
    if req.send {
        match ledger.next_action(&req.report, &period.id)? {
            NextAction::Run => {}
            NextAction::AlreadyDelivered { run_id, finished } if !plan.resend => {
                return Ok(Executed::AlreadyDelivered { run_id, finished });
            }
            NextAction::InDoubt { run_id, recipients } if !plan.resend => {
                return Ok(Executed::InDoubt { run_id, recipients });
            }
            // --resend: a person has decided to send again.
            _ => ledger.resolve_in_doubt(&req.report, &period.id)?,
        }
    }
    let run_id = ledger.begin(
        &req.report,
        &period.id,
        plan.trigger,
        plan.scheduled_for,
        None,
    )?;
    match produce_and_send(settings, req, &period, &out, &ledger, run_id).await {
        Ok(outcome) => {
            let s = if req.send {
                run_status(&outcome.deliveries)
            } else {
                status::NOT_SENT
            };
            ledger.finish(run_id, s, None)?;
            if !outcome.all_delivered() {
                tell_admins_of_failed_recipients(settings, req, &period, &outcome).await;
                ledger.admins_told(run_id)?;
            }
            Ok(Executed::Done(outcome))
        }
        Err(e) => {
            let s = if is_data_missing(&e) {
                status::DATA_MISSING
            } else {
                status::FAILED
            };
            ledger.finish(run_id, s, Some(&format!("{e:#}")))?;
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
) {
    let lines: Vec<String> = outcome
        .deliveries
        .iter()
        .filter(|d| d.status == delivery_status::FAILED)
        .map(|d| format!("  - {}: {}", d.recipient, d.detail))
        .collect();
    let body = format!(
        "Run {} of {} for {} could not deliver the report to every recipient:\n\n{}\n\n\
         The others have it. The report is kept in {}. Once the cause is fixed, send it \
         with:\n\n  equity-reports resend {} --to ADDRESS\n",
        outcome.run_id,
        req.report,
        period.id,
        lines.join("\n"),
        outcome.folder.display(),
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
    .await;
}

/// Compute the report, write its folder, archive the attachments and deliver.
async fn produce_and_send(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    out_root: &Path,
    ledger: &Ledger,
    run_id: i64,
) -> anyhow::Result<RunOutcome> {
    let started = Utc::now();
    let datasets = if req.report.starts_with("workforce") {
        workforce::DATASETS
    } else {
        service::DATASETS
    };
    let data_root = req
        .data
        .clone()
        .unwrap_or_else(|| settings.paths.data.clone());
    // Phase times go into the manifest, for the benchmark and for an administrator
    // wondering where a slow run spent its time.
    let clock = std::time::Instant::now();
    let mut lap = {
        let mut last = clock;
        move || {
            let now = std::time::Instant::now();
            let ms = now.duration_since(last).as_millis() as u64;
            last = now;
            ms
        }
    };
    let inventory = find_datasets(&data_root, datasets).await;
    if !inventory.errors.is_empty() {
        let list: Vec<String> = inventory
            .errors
            .iter()
            .map(|e| format!("  - {e}"))
            .collect();
        return Err(ExtractsUnusable {
            root: data_root.display().to_string(),
            list: list.join("\n"),
            data_missing: inventory.errors.iter().all(|e| {
                matches!(
                    e,
                    StructuralError::NoRoot(_)
                        | StructuralError::Missing { .. }
                        | StructuralError::EmptyFolder { .. }
                )
            }),
        }
        .into());
    }
    for f in inventory.found.values() {
        for w in &f.warnings {
            tracing::warn!(dataset = f.dataset.name, "{w}");
        }
    }
    let session = open_session(&inventory, settings)
        .await
        .context("loading the extracts")?;
    let quality = check_quality(&session, datasets, req.as_of)
        .await
        .context("counting data-quality problems")?;
    let load_ms = lap();
    let computed = match req.report.as_str() {
        "workforce-quarterly" => {
            quarterly::compute(&session, settings, period, req.as_of, quality).await
        }
        "workforce-annual" => annual::compute(&session, settings, period, req.as_of, quality).await,
        "access-biannual" => access::compute(&session, settings, period, req.as_of, quality).await,
        _ => equity::compute(&session, settings, period, req.as_of, quality).await,
    }
    .with_context(|| format!("computing {} for {}", req.report, period.id))?;
    let queries_ms = lap();
    let pdf = render_pdf(&computed.document).context("drawing the PDF")?;
    // the copies for audiences with their own rounding, beside report.pdf
    let mut copies: Vec<(u64, String, Vec<u8>)> = Vec::new();
    for (r, doc) in &computed.variants {
        let bytes = render_pdf(doc).context("drawing the PDF")?;
        copies.push((*r, format!("report-rounded-to-{r}.pdf"), bytes));
    }

    let pdf_ms = lap();
    let inputs: Vec<serde_json::Value> = inventory
        .found
        .values()
        .map(|f| {
            let mut h = Sha256::new();
            for file in &f.files {
                h.update(format!("{}  {}\n", file.sha256, file.relative));
            }
            json!({
                "dataset": f.dataset.name,
                "files": f.files.iter().map(|x| x.relative.clone()).collect::<Vec<_>>(),
                "rows": f.rows(),
                "sha256": hex(&h.finalize()),
            })
        })
        .collect();
    let generator = format!("equity-reports {}", env!("CARGO_PKG_VERSION"));
    let mut metrics_json = serde_json::Map::new();
    metrics_json.insert("report".into(), json!(req.report));
    metrics_json.insert(
        "period".into(),
        json!({"id": period.id, "start": period.start.to_string(), "end": period.end.to_string()}),
    );
    metrics_json.insert("contract_version".into(), json!(CONTRACT_VERSION));
    metrics_json.insert("generator".into(), json!(generator));
    metrics_json.insert("as_of".into(), json!(req.as_of.to_string()));
    metrics_json.insert("inputs".into(), json!(inputs));
    metrics_json.insert("metrics".into(), serde_json::to_value(&computed.metrics)?);
    metrics_json.extend(computed.extra.clone());

    let file_inputs: Vec<(String, String, u64, String)> = inventory
        .found
        .values()
        .flat_map(|f| {
            f.files.iter().map(|x| {
                (
                    f.dataset.name.to_string(),
                    x.relative.clone(),
                    x.rows,
                    x.sha256.clone(),
                )
            })
        })
        .collect();
    ledger.record_inputs(run_id, &file_inputs)?;
    let mut manifest = json!({
        "report": req.report,
        "period": period.id,
        "run_id": run_id,
        "as_of": req.as_of.to_string(),
        "generator": generator,
        "config_sha256": settings.digest,
        "data_root": data_root.display().to_string(),
        "inputs": file_inputs.iter().map(|(dataset, file, rows, sha)| {
            json!({"dataset": dataset, "file": file, "rows": rows, "sha256": sha})
        }).collect::<Vec<_>>(),
        "started": started.to_rfc3339(),
        "finished": Utc::now().to_rfc3339(),
        "delivery": {"status": "not yet sent", "recipients": []},
    });

    let mut files = vec![
        ("report.pdf".to_string(), pdf.clone()),
        (
            "metrics.json".to_string(),
            pretty(&serde_json::Value::Object(metrics_json))?,
        ),
        ("manifest.json".to_string(), pretty(&manifest)?),
    ];
    for (_, name, bytes) in &copies {
        files.push((name.clone(), bytes.clone()));
    }
    for t in &computed.tables {
        files.push((format!("tables/{}.csv", t.name), csv_bytes(t)));
    }
    let folder = write_output_folder(out_root, &req.report, &period.id, &files)?;
    tracing::info!(folder = %folder.display(), "output written");

    let letter = ArchivedLetter {
        subject: format!("{} - {}", computed.document.title, period.label()),
        body: letter_body(settings, &computed.document.title, period, req.as_of),
        attachment_name: format!("{}-{}.pdf", req.report, period.id),
    };
    // What is e-mailed is archived per run, so `resend` sends exactly these bytes even
    // after a later run has replaced the output folder.
    let mut attached = vec![("report.pdf".to_string(), pdf.clone())];
    attached.extend(
        copies
            .iter()
            .map(|(_, name, bytes)| (name.clone(), bytes.clone())),
    );
    let archive = archive_run(out_root, run_id, &letter, &attached)?;
    ledger.record_output(
        run_id,
        &folder,
        &archive,
        &attached
            .iter()
            .map(|(n, b)| (n.clone(), sha_hex(b)))
            .collect::<Vec<_>>(),
    )?;

    let write_ms = lap();
    let deliveries = if req.send {
        // Settings that cannot make a mailer (a password not in the environment) fail
        // every recipient, with the report kept for a resend.
        let mailer = Mailer::from_settings(settings);
        let record = Record { ledger, run_id };
        let mut d = Vec::new();
        let mut n = 0;
        for (r, recipients) in recipients_by_rounding(settings, &req.report) {
            let copy = copies.iter().find(|c| c.0 == r);
            let file = copy.map_or("report.pdf", |c| c.1.as_str());
            let to: Vec<Addressee> = recipients
                .into_iter()
                .map(|a| {
                    n += 1;
                    let tag = format!("{}.{}.run{run_id}", req.report, period.id);
                    (a, message_id(settings, &tag, n))
                })
                .collect();
            let l = letter.letter(copy.map_or(&pdf, |c| &c.2), &archive.join(file));
            match &mailer {
                Ok(m) => d.extend(deliver(settings, m, &to, &l, file, Some(&record)).await),
                Err(e) => d.extend(to.into_iter().map(|(recipient, message_id)| Delivery {
                    recipient,
                    status: delivery_status::FAILED.into(),
                    detail: e.clone(),
                    attachment: file.into(),
                    message_id,
                    attempts: 0,
                    permanent: true,
                })),
            }
        }
        manifest["delivery"] = json!({
            "status": delivery_summary(&d),
            "at": Utc::now().to_rfc3339(),
            "recipients": d,
        });
        d
    } else {
        manifest["delivery"] = json!({"status": "not sent (--no-send)", "recipients": []});
        Vec::new()
    };
    let delivery_ms = lap();
    manifest["timings_ms"] = json!({
        "load_and_check": load_ms,
        "queries": queries_ms,
        "pdf": pdf_ms,
        "write": write_ms,
        "delivery": delivery_ms,
        "total": clock.elapsed().as_millis() as u64,
    });
    tracing::info!(
        load_ms,
        queries_ms,
        pdf_ms,
        write_ms,
        delivery_ms,
        "run phases"
    );
    replace_file(&folder.join("manifest.json"), &pretty(&manifest)?)?;
    Ok(RunOutcome {
        run_id,
        folder,
        deliveries,
    })
}

/// The manifest's word for a set of deliveries.
fn delivery_summary(d: &[Delivery]) -> &'static str {
    if d.iter().any(|x| x.status == delivery_status::FAILED) {
        "failed"
    } else if d.iter().all(|x| x.status == delivery_status::WRITTEN) {
        "written to outbox"
    } else {
        "delivered"
    }
}

/// Subject, body and attachment name of a run's e-mail, archived with its PDFs.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArchivedLetter {
    subject: String,
    body: String,
    attachment_name: String,
}

impl ArchivedLetter {
    pub(crate) fn letter<'a>(&self, pdf: &'a [u8], archived_at: &Path) -> Letter<'a> {
        Letter {
            subject: self.subject.clone(),
            body: self.body.clone(),
            attachment_name: self.attachment_name.clone(),
            pdf,
            archived_at: archived_at.display().to_string(),
        }
    }
}

pub(crate) fn sha_hex(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}

/// `<out>/archive/run-<id>/`: the attachments and the letter of a run, written whole.
fn archive_run(
    out_root: &Path,
    run_id: i64,
    letter: &ArchivedLetter,
    attached: &[(String, Vec<u8>)],
) -> anyhow::Result<PathBuf> {
    let mut files = attached.to_vec();
    files.push((
        "letter.json".into(),
        pretty(&serde_json::to_value(letter)?)?,
    ));
    Ok(write_output_folder(
        out_root,
        "archive",
        &format!("run-{run_id}"),
        &files,
    )?)
}

fn pretty(v: &serde_json::Value) -> anyhow::Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v)?;
    b.push(b'\n');
    Ok(b)
}

/// The e-mail body: what is attached and for which period; never a figure.
fn letter_body(
    settings: &Settings,
    title: &str,
    period: &Period,
    as_of: chrono::NaiveDate,
) -> String {
    format!(
        "Attached is the {title} for {} from the {}.\n\n\
         It was produced on {} from the partners' extracts. Small numbers are suppressed in \
         the report as the partnership's disclosure rules require. Please do not forward it \
         beyond its intended audience.\n\n\
         Classification: {}\n\n\
         This message was sent automatically by equity-reports.\n",
        period.label(),
        settings.report.organisation,
        as_of.format("%-d %B %Y"),
        settings.report.classification,
    )
}
