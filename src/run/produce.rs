//! The compute stage of a run: load and check the extracts, compute the report, draw
//! its PDFs and package the output folder's files with the manifest and the letter.

use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::archive::ArchivedLetter;
use crate::catalog::{Family, ReportId};
use crate::config::Settings;
use crate::contract::CONTRACT_VERSION;
use crate::data::files::find_datasets;
use crate::data::inventory::{Inventory, StructuralError, hex};
use crate::data::quality::{QualityReport, check_quality};
use crate::data::session::{DataSession, RunDates, open_session};
use crate::delivery::twin_name;
use crate::output::{csv_bytes, json_bytes};
use crate::pdf::html::render_html;
use crate::pdf::render::render_pdf;
use crate::period::Period;
use crate::progress;
use crate::registry;
use crate::report::Computed;
use crate::report::service::{self, access, equity};
use crate::report::workforce::{self, annual, quarterly};
use crate::run::RunRequest;
use crate::standards;

use super::ExtractsUnusable;

/// What the compute stage hands to the write stage.
pub(super) struct Produced {
    /// The e-mail's subject, body and attachment name, archived with the PDFs.
    pub(super) letter: ArchivedLetter,
    /// report.pdf, then the copies with their own rounding: (round_to, file, bytes).
    pub(super) pdfs: Vec<(u64, String, Vec<u8>)>,
    /// The HTML twin of each PDF, in the same order.
    pub(super) htmls: Vec<Vec<u8>>,
    /// Every file of the output folder except the manifest.
    pub(super) files: Vec<(String, Vec<u8>)>,
    pub(super) manifest: serde_json::Value,
    /// The input files: (dataset, file, rows, SHA-256).
    pub(super) inputs: Vec<(String, String, u64, String)>,
}

/// Phase times go into the manifest, for the benchmark and for an administrator
/// wondering where a slow run spent its time.
pub(super) struct Laps {
    start: std::time::Instant,
    last: std::time::Instant,
    ms: Vec<(&'static str, u64)>,
}

impl Laps {
    pub(super) fn new() -> Laps {
        let now = std::time::Instant::now();
        Laps {
            start: now,
            last: now,
            ms: Vec::new(),
        }
    }

    pub(super) fn lap(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        let took = now.duration_since(self.last);
        // `-v` says how long each phase took
        tracing::info!(
            phase,
            seconds = format!("{:.2}", took.as_secs_f64()),
            "phase done"
        );
        self.ms.push((phase, took.as_millis() as u64));
        self.last = now;
    }

    pub(super) fn json(&self) -> serde_json::Value {
        let mut m: serde_json::Map<String, serde_json::Value> = self
            .ms
            .iter()
            .map(|(k, v)| ((*k).to_string(), json!(v)))
            .collect();
        m.insert(
            "total".into(),
            json!(self.start.elapsed().as_millis() as u64),
        );
        serde_json::Value::Object(m)
    }
}

/// Check the extracts, run the queries and draw the PDFs: the compute stage, in the
/// phases the manifest times.
pub(super) async fn compute(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    run_id: i64,
    laps: &mut Laps,
) -> anyhow::Result<Produced> {
    let started = Utc::now();
    // a target set as a trajectory is the step of the year the period ends in
    let settings = &settings.for_period(period);
    progress::phase("Reading the extracts", None);
    let (loaded, quality) = load_and_check(settings, req, period).await?;
    laps.lap("load_and_check");
    progress::phase("Computing the figures", None);
    // what earlier runs over overlapping periods published, which this one must not undo
    let earlier =
        crate::disclosure::record::earlier(&super::out_root(settings, req), req.report, period)?;
    let computed =
        compute_report(settings, req, period, &loaded.session, quality, &earlier).await?;
    laps.lap("queries");
    progress::phase("Drawing the PDF and HTML", None);
    let drawn = draw_documents(settings, &computed)?;
    laps.lap("pdf");
    let when = (started, run_id);
    package(settings, req, period, when, &loaded, computed, drawn)
}

/// The extracts found and loaded.
struct Loaded {
    data_root: PathBuf,
    inventory: Inventory,
    session: DataSession,
}

/// The data root a request reads and the datasets its report takes.
pub(super) fn data_of(settings: &Settings, req: &RunRequest) -> (PathBuf, &'static [&'static str]) {
    let datasets = match req.report.family() {
        Family::Workforce => workforce::DATASETS,
        Family::Service => service::DATASETS,
    };
    let data_root = req
        .data
        .clone()
        .unwrap_or_else(|| settings.paths.data.clone());
    (data_root, datasets)
}

/// Refuse a data file a read would wait on for ever, before the report's lock is
/// taken (nothing is recorded: the run never began).
pub(super) fn refuse_special_files(settings: &Settings, req: &RunRequest) -> anyhow::Result<()> {
    let (root, datasets) = data_of(settings, req);
    let found = crate::data::files::special_files(&root, datasets);
    if found.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = found.iter().map(|e| format!("  - {e}")).collect();
    Err(ExtractsUnusable {
        root: root.display().to_string(),
        list: list.join("\n"),
        data_missing: false,
    }
    .into())
}

/// Find the report's datasets, load them and count their data-quality problems.
async fn load_and_check(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
) -> anyhow::Result<(Loaded, QualityReport)> {
    let (data_root, datasets) = data_of(settings, req);
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
    let dates = RunDates::new(&settings.quality, req.as_of, Some(period));
    let quality = check_quality(&session, datasets, &dates)
        .await
        .context("counting data-quality problems")?;
    let loaded = Loaded {
        data_root,
        inventory,
        session,
    };
    Ok((loaded, quality))
}

/// The report's figures, tables and documents.
async fn compute_report(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    s: &DataSession,
    quality: QualityReport,
    earlier: &[crate::disclosure::record::Record],
) -> anyhow::Result<Computed> {
    let (p, a) = (period, req.as_of);
    let computed = match req.report {
        ReportId::WorkforceQuarterly => {
            quarterly::compute(s, settings, p, a, quality, earlier).await
        }
        ReportId::WorkforceAnnual => annual::compute(s, settings, p, a, quality, earlier).await,
        ReportId::AccessBiannual => access::compute(s, settings, p, a, quality, earlier).await,
        ReportId::EquityAnnual => equity::compute(s, settings, p, a, quality, earlier).await,
    }
    .with_context(|| format!("computing {} for {}", req.report, period.id))?;
    Ok(computed)
}

/// report.pdf, then the copies with their own rounding: (round_to, file, bytes); and
/// the HTML twin of each, from the same document under the same rules.
type Drawn = (Vec<(u64, String, Vec<u8>)>, Vec<Vec<u8>>);

fn draw_documents(settings: &Settings, computed: &Computed) -> anyhow::Result<Drawn> {
    let mut pdfs = vec![(
        settings.disclosure.round_to,
        "report.pdf".to_string(),
        render_pdf(&computed.document).context("drawing the PDF")?,
    )];
    let mut htmls = vec![render_html(&computed.document).into_bytes()];
    // the copies for audiences with their own rounding, beside report.pdf
    for (r, doc) in &computed.variants {
        let bytes = render_pdf(doc).context("drawing the PDF")?;
        pdfs.push((*r, format!("report-rounded-to-{r}.pdf"), bytes));
        htmls.push(render_html(doc).into_bytes());
    }
    Ok((pdfs, htmls))
}

/// The output folder's files, the manifest, the inputs and the letter; `when` is the
/// run's start and id.
fn package(
    settings: &Settings,
    req: &RunRequest,
    period: &Period,
    (started, run_id): (DateTime<Utc>, i64),
    loaded: &Loaded,
    computed: Computed,
    (pdfs, htmls): Drawn,
) -> anyhow::Result<Produced> {
    let (inventory, data_root) = (&loaded.inventory, &loaded.data_root);

    let datasets_json: Vec<serde_json::Value> = inventory
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
    metrics_json.insert("report".into(), json!(req.report.as_str()));
    metrics_json.insert(
        "period".into(),
        json!({"id": period.id, "start": period.start.to_string(), "end": period.end.to_string()}),
    );
    metrics_json.insert("contract_version".into(), json!(CONTRACT_VERSION));
    metrics_json.insert("generator".into(), json!(generator));
    metrics_json.insert("as_of".into(), json!(req.as_of.to_string()));
    metrics_json.insert("inputs".into(), json!(datasets_json));
    metrics_json.insert("metrics".into(), serde_json::to_value(&computed.metrics)?);
    // how each figure's interval is computed
    let methods: serde_json::Map<String, serde_json::Value> = computed
        .metrics
        .0
        .iter()
        .filter_map(|m| Some((m.id.clone(), json!(registry::figure(&m.id)?.method()?))))
        .collect();
    metrics_json.insert("methods".into(), serde_json::Value::Object(methods));
    metrics_json.extend(computed.extra.clone());
    // each figure's target and RAG, judged as the PDF judges them
    let service = req.report.family() == Family::Service;
    let ids = registry::ids().filter(|id| id.starts_with("tt.") == service);
    let overall = |id: &str| computed.metrics.get(id, &[]).and_then(|m| m.value);
    metrics_json.extend(standards::json_for(settings, ids, overall));

    let inputs: Vec<(String, String, u64, String)> = inventory
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
    let manifest = json!({
        "report": req.report.as_str(),
        "period": period.id,
        "run_id": run_id,
        "as_of": req.as_of.to_string(),
        "generator": generator,
        "config_sha256": settings.digest,
        "data_root": data_root.display().to_string(),
        "inputs": inputs.iter().map(|(dataset, file, rows, sha)| {
            json!({"dataset": dataset, "file": file, "rows": rows, "sha256": sha})
        }).collect::<Vec<_>>(),
        "started": started.to_rfc3339(),
        "finished": Utc::now().to_rfc3339(),
        "delivery": {"status": "not yet sent", "recipients": []},
    });
    let mut files = vec![(
        "metrics.json".to_string(),
        json_bytes(&serde_json::Value::Object(metrics_json))?,
    )];
    files.extend(
        pdfs.iter()
            .map(|(_, name, bytes)| (name.clone(), bytes.clone())),
    );
    for ((_, name, _), html) in pdfs.iter().zip(&htmls) {
        files.push((twin_name(name), html.clone()));
    }
    for t in &computed.tables {
        files.push((format!("tables/{}.csv", t.name), csv_bytes(t)));
    }
    if let Some(record) = &computed.disclosure {
        files.push((
            crate::disclosure::record::FILE.to_string(),
            json_bytes(&serde_json::to_value(record)?)?,
        ));
    }
    Ok(Produced {
        letter: ArchivedLetter {
            subject: format!("{}, {}", computed.document.title, period.label()),
            body: letter_body(settings, &computed.document.title, period, req.as_of),
            attachment_name: format!("{}-{}.pdf", req.report, period.id),
        },
        pdfs,
        htmls,
        files,
        manifest,
        inputs,
    })
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
