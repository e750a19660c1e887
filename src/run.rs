//! One run of one report: check the extracts, compute, write the output folder whole,
//! then deliver and record the delivery in the manifest.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::Utc;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::contract::CONTRACT_VERSION;
use crate::data::files::{hex, take_inventory};
use crate::data::quality::check_quality;
use crate::data::session::open_session;
use crate::delivery::{Delivery, Letter, deliver, recipients_by_rounding};
use crate::output::{csv_bytes, replace_file, write_output_folder};
use crate::pdf::render::render_pdf;
use crate::period::{Period, PeriodKind};
use crate::report::RunRequest;
use crate::report::service::{self, access, equity};
use crate::report::workforce::{self, annual, quarterly};

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub folder: PathBuf,
    pub deliveries: Vec<Delivery>,
}

impl RunOutcome {
    /// Whether every recipient's copy went (or none was asked for).
    pub fn all_delivered(&self) -> bool {
        self.deliveries.iter().all(|d| d.status != "failed")
    }
}

/// Run a report. Any error means nothing was written or sent.
pub async fn run_report(settings: &Settings, req: &RunRequest) -> anyhow::Result<RunOutcome> {
    let started = Utc::now();
    let period = Period::parse(&req.period)?;
    let (expected, example) = match req.report.as_str() {
        "workforce-quarterly" => (PeriodKind::Quarter, "a calendar quarter such as 2026-Q3"),
        "workforce-annual" => (
            PeriodKind::FinancialYear,
            "a financial year such as FY2025-26",
        ),
        "access-biannual" => (PeriodKind::HalfYear, "a half year such as FY2026-27-H1"),
        "equity-annual" => (
            PeriodKind::FinancialYear,
            "a financial year such as FY2025-26",
        ),
        other => bail!(
            "unknown report {other:?}; reports are {}",
            crate::report::REPORT_IDS.join(", ")
        ),
    };
    if period.kind != expected {
        bail!("report {} takes {example}, not {}", req.report, period.id);
    }
    let datasets = if req.report.starts_with("workforce") {
        workforce::DATASETS
    } else {
        service::DATASETS
    };
    let data_root = req
        .data
        .clone()
        .unwrap_or_else(|| settings.paths.data.clone());
    let out_root = req
        .out
        .clone()
        .unwrap_or_else(|| settings.paths.out.clone());

    let inventory = take_inventory(&data_root, datasets);
    if !inventory.errors.is_empty() {
        let list: Vec<String> = inventory
            .errors
            .iter()
            .map(|e| format!("  - {e}"))
            .collect();
        bail!(
            "the extracts in {} cannot be used:\n{}",
            data_root.display(),
            list.join("\n")
        );
    }
    for f in inventory.found.values() {
        for w in &f.warnings {
            tracing::warn!(dataset = f.dataset.name, "{w}");
        }
    }
    let session = open_session(&inventory, settings)
        .await
        .context("loading the extracts")?;
    let quality = check_quality(&session.ctx, datasets, req.as_of)
        .await
        .context("counting data-quality problems")?;
    let computed = match req.report.as_str() {
        "workforce-quarterly" => {
            quarterly::compute(&session, settings, &period, req.as_of, quality).await
        }
        "workforce-annual" => {
            annual::compute(&session, settings, &period, req.as_of, quality).await
        }
        "access-biannual" => access::compute(&session, settings, &period, req.as_of, quality).await,
        _ => equity::compute(&session, settings, &period, req.as_of, quality).await,
    }
    .with_context(|| format!("computing {} for {}", req.report, period.id))?;
    let pdf = render_pdf(&computed.document).context("drawing the PDF")?;
    // the copies for audiences with their own rounding, beside report.pdf
    let mut copies: Vec<(u64, String, Vec<u8>)> = Vec::new();
    for (r, doc) in &computed.variants {
        let bytes = render_pdf(doc).context("drawing the PDF")?;
        copies.push((*r, format!("report-rounded-to-{r}.pdf"), bytes));
    }

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

    let file_inputs: Vec<serde_json::Value> = inventory
        .found
        .values()
        .flat_map(|f| {
            f.files
                .iter()
                .map(|x| json!({"dataset": f.dataset.name, "file": x.relative, "rows": x.rows, "sha256": x.sha256}))
        })
        .collect();
    let mut manifest = json!({
        "report": req.report,
        "period": period.id,
        "as_of": req.as_of.to_string(),
        "generator": generator,
        "config_sha256": settings.digest,
        "data_root": data_root.display().to_string(),
        "inputs": file_inputs,
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
    let folder = write_output_folder(&out_root, &req.report, &period.id, &files)?;
    tracing::info!(folder = %folder.display(), "output written");

    let deliveries = if req.send {
        let mut d = Vec::new();
        for (r, recipients) in recipients_by_rounding(settings, &req.report) {
            let copy = copies.iter().find(|c| c.0 == r);
            let letter = Letter {
                subject: format!("{} - {}", computed.document.title, period.label()),
                body: letter_body(settings, &computed.document.title, &period, req.as_of),
                attachment_name: format!("{}-{}.pdf", req.report, period.id),
                pdf: copy.map_or(&pdf, |c| &c.2),
            };
            let file = copy.map_or("report.pdf", |c| c.1.as_str());
            for mut x in deliver(settings, &settings.paths.outbox, &recipients, &letter).await {
                x.attachment = file.to_string();
                d.push(x);
            }
        }
        let status = if d.iter().any(|x| x.status == "failed") {
            "failed"
        } else if d.iter().all(|x| x.status == "written") {
            "written to outbox"
        } else {
            "delivered"
        };
        manifest["delivery"] =
            json!({"status": status, "at": Utc::now().to_rfc3339(), "recipients": d});
        d
    } else {
        manifest["delivery"] = json!({"status": "not sent (--no-send)", "recipients": []});
        Vec::new()
    };
    replace_file(&folder.join("manifest.json"), &pretty(&manifest)?)?;
    Ok(RunOutcome { folder, deliveries })
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
