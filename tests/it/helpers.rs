//! Shared test helpers: run the binary, write Parquet fixtures, read PDFs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;

/// What a run of the binary printed and returned.
pub(crate) struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the program with `args`, with no settings from the calling environment
/// except those in `envs`.
pub(crate) fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_equity-reports"));
    for (k, _) in std::env::vars() {
        if k.starts_with("EQUITY_REPORTS") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args).envs(envs.iter().copied());
    let out = cmd.output().expect("run equity-reports");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `run workforce-quarterly` for 2026-Q3 as of 2026-10-15 on `data` into `out`, with
/// `extra` arguments (such as `--no-send`) and environment `envs`.
pub(crate) fn run_quarterly(
    data: &Path,
    out: &Path,
    extra: &[&str],
    envs: &[(&str, &str)],
) -> Output {
    run_workforce("2026-Q3", data, out, extra, envs)
}

/// As [`run_quarterly`] for any period: `workforce-annual` for a financial year.
pub(crate) fn run_workforce(
    period: &str,
    data: &Path,
    out: &Path,
    extra: &[&str],
    envs: &[(&str, &str)],
) -> Output {
    let report = if period.starts_with("FY") {
        "workforce-annual"
    } else {
        "workforce-quarterly"
    };
    run_report(report, period, data, out, extra, envs)
}

/// `validate` of the data root `data` as of 2026-10-15, with environment `envs`.
pub(crate) fn validate(data: &Path, envs: &[(&str, &str)]) -> Output {
    run(
        &[
            "validate",
            "--data",
            data.to_str().unwrap(),
            "--as-of",
            "2026-10-15",
        ],
        envs,
    )
}

/// `run REPORT --period PERIOD` as of 2026-10-15 on `data` into `out`.
pub(crate) fn run_report(
    report: &str,
    period: &str,
    data: &Path,
    out: &Path,
    extra: &[&str],
    envs: &[(&str, &str)],
) -> Output {
    let mut args = vec![
        "run",
        report,
        "--period",
        period,
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-10-15",
    ];
    args.extend_from_slice(extra);
    run(&args, envs)
}

/// Numerator, denominator and value (rounded to 4 places) of a proportion.
pub(crate) fn assert_prop(m: &serde_json::Value, num: u64, den: u64) {
    assert_eq!(m["numerator"], num, "{m}");
    assert_eq!(m["denominator"], den, "{m}");
    let v = (num as f64 / den as f64 * 10_000.0).round() / 10_000.0;
    assert_eq!(m["value"].as_f64().unwrap(), v, "{m}");
}

pub(crate) fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(crate) fn strs(v: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}
pub(crate) fn dates(v: &[&str]) -> ArrayRef {
    let epoch = date("1970-01-01");
    Arc::new(Date32Array::from(
        v.iter()
            .map(|d| (date(d) - epoch).num_days() as i32)
            .collect::<Vec<_>>(),
    ))
}
pub(crate) fn bools(v: &[bool]) -> ArrayRef {
    Arc::new(BooleanArray::from(v.to_vec()))
}
/// Nullable integers (an empty score, an age not recorded).
pub(crate) fn ints(v: &[Option<i64>]) -> ArrayRef {
    Arc::new(Int64Array::from(v.to_vec()))
}
/// Nullable strings.
pub(crate) fn opt_strs(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}
/// Nullable dates (a referral still open has no end date).
pub(crate) fn opt_dates(v: &[Option<&str>]) -> ArrayRef {
    let epoch = date("1970-01-01");
    Arc::new(Date32Array::from(
        v.iter()
            .map(|d| d.map(|d| (date(d) - epoch).num_days() as i32))
            .collect::<Vec<_>>(),
    ))
}
pub(crate) fn f64s(v: &[f64]) -> ArrayRef {
    Arc::new(Float64Array::from(v.to_vec()))
}

/// Write one Parquet file from named columns.
/// `run equity-annual --period FY2025-26 --no-send` on the data root `data` (a folder
/// or an s3:// prefix) into `out`.
pub(crate) fn run_equity_annual(data: &str, out: &Path, envs: &[(&str, &str)]) -> Output {
    run(
        &[
            "run",
            "equity-annual",
            "--period",
            "FY2025-26",
            "--data",
            data,
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2026-10-15",
            "--no-send",
        ],
        envs,
    )
}

pub(crate) fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    write_batch(path, &RecordBatch::try_from_iter(columns).unwrap());
}

/// Write one Parquet file from a record batch.
pub(crate) fn write_batch(path: &Path, batch: &RecordBatch) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// One job application of a fixture: (ethnic category, disability, shortlisted,
/// appointed, application date).
pub(crate) type Application = (&'static str, &'static str, bool, bool, &'static str);

/// Write `recruitment.parquet` under `dir`: all applications to LCH, ids r0, r1, ...
pub(crate) fn write_recruitment(dir: &Path, apps: &[Application]) {
    let ids: Vec<String> = (0..apps.len()).map(|i| format!("r{i}")).collect();
    write_parquet(
        &dir.join("recruitment.parquet"),
        vec![
            (
                "application_id",
                strs(&ids.iter().map(String::as_str).collect::<Vec<_>>()),
            ),
            ("partner_org", strs(&vec!["LCH"; apps.len()])),
            (
                "application_date",
                dates(&apps.iter().map(|a| a.4).collect::<Vec<_>>()),
            ),
            (
                "ethnic_category",
                strs(&apps.iter().map(|a| a.0).collect::<Vec<_>>()),
            ),
            (
                "disability",
                strs(&apps.iter().map(|a| a.1).collect::<Vec<_>>()),
            ),
            (
                "shortlisted",
                bools(&apps.iter().map(|a| a.2).collect::<Vec<_>>()),
            ),
            (
                "appointed",
                bools(&apps.iter().map(|a| a.3).collect::<Vec<_>>()),
            ),
        ],
    );
}

/// One staff snapshot row of a fixture.
#[derive(Clone)]
pub(crate) struct Staff {
    pub date: &'static str,
    pub id: &'static str,
    pub partner: &'static str,
    pub band: &'static str,
    pub ethnic: &'static str,
    pub sex: &'static str,
    pub disability: &'static str,
    pub clinical: bool,
    pub fte: f64,
}

/// The staff_snapshot columns of a set of rows, for writing or for altering.
pub(crate) fn staff_columns(rows: &[Staff]) -> Vec<(&'static str, ArrayRef)> {
    let col = |f: fn(&Staff) -> &str| strs(&rows.iter().map(f).collect::<Vec<_>>());
    vec![
        (
            "snapshot_date",
            dates(&rows.iter().map(|r| r.date).collect::<Vec<_>>()),
        ),
        ("staff_id", col(|r| r.id)),
        ("partner_org", col(|r| r.partner)),
        ("service_line", strs(&vec!["talking_therapies"; rows.len()])),
        (
            "clinical",
            bools(&rows.iter().map(|r| r.clinical).collect::<Vec<_>>()),
        ),
        ("afc_band", col(|r| r.band)),
        ("fte", f64s(&rows.iter().map(|r| r.fte).collect::<Vec<_>>())),
        ("sex", col(|r| r.sex)),
        ("ethnic_category", col(|r| r.ethnic)),
        ("disability", col(|r| r.disability)),
    ]
}

/// A port on 127.0.0.1 that nothing listens on, for a test that needs a refused
/// connection. It is below the range the system hands out for port 0, from which every
/// test's own server takes its port (`free_port`), so that no server of a test running
/// alongside can be listening there by the time it is used; each call gives another.
pub(crate) fn closed_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let handed_out_from = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768)
        .max(3072);
    loop {
        let port = handed_out_from - 1 - NEXT.fetch_add(1, Ordering::Relaxed) % 2000;
        // a port something else on the machine already listens on is passed over
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on at the moment of asking, for a test's
/// own server to listen on.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Python helper server from tests/it, killed when the value is dropped.
pub(crate) struct Helper {
    pub child: Child,
    pub port: u16,
    /// What the server prints after its "ready" line.
    lines: Option<BufReader<ChildStdout>>,
}

impl Helper {
    /// The next line the server prints, or None if none comes within `wait` (so a run
    /// that never reaches the server fails the test instead of hanging it).
    pub(crate) fn next_line(&mut self, wait: std::time::Duration) -> Option<String> {
        let mut lines = self.lines.take()?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = lines.read_line(&mut line);
            let _ = tx.send(line);
        });
        rx.recv_timeout(wait).ok().map(|l| l.trim().to_string())
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `tests/it/<script> <port> <args...>` on a free port and wait for it to print
/// "ready"; `missing` says what to install when it does not.
pub(crate) fn spawn_ready(script: &str, args: &[&str], missing: &str) -> Helper {
    let port = free_port();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it")
        .join(script);
    let mut child = Command::new("python3")
        .arg(path)
        .arg(port.to_string())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 must be installed");
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    lines.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "{script} did not start: {missing}");
    Helper {
        child,
        port,
        lines: Some(lines),
    }
}

/// A fresh temporary folder that lives as long as the value.
pub(crate) fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Text of a PDF, page by page, from pdftotext (poppler-utils).
pub(crate) fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed: .ci/run installs it");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON file at `path`.
/// A section of a PDF's text: from its heading, a line of its own (not the contents'
/// line, nor a sentence that names it), to the next heading `next` on a line of its own.
pub(crate) fn section_text<'a>(text: &'a str, heading: &str, next: &str) -> &'a str {
    let own = |h: &str| format!("\n{h}\n");
    let start = text
        .find(&own(heading))
        .unwrap_or_else(|| panic!("no heading {heading:?}"));
    let end = text[start + 1..]
        .find(&own(next))
        .map_or(text.len(), |e| start + 1 + e);
    &text[start..end]
}

/// A figure's series in a metrics.json (`series`, change over time).
pub(crate) fn series_of<'a>(m: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    m["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["figure"] == id)
        .unwrap_or_else(|| panic!("{id} in {}", m["series"]))
}

pub(crate) fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The figure with this id and breakdown in a metrics.json `metrics` array.
pub(crate) fn metric<'a>(
    metrics: &'a serde_json::Value,
    id: &str,
    by: &[(&str, &str)],
) -> &'a serde_json::Value {
    metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            let b = m["by"].as_object().unwrap();
            m["id"] == id
                && b.len() == by.len()
                && by
                    .iter()
                    .all(|(k, v)| b.get(*k).and_then(|x| x.as_str()) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no metric {id} by {by:?}"))
}

/// Sample data written once per test binary run and shared (read-only) by tests. It
/// lives in cargo's folder for test files, written afresh over the last run's copy.
pub(crate) fn sample_data() -> PathBuf {
    static ONCE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sample-seed-7");
        let _ = std::fs::remove_dir_all(&dir);
        let out = run(
            &["sample-data", "--out", dir.to_str().unwrap(), "--seed", "7"],
            &[],
        );
        assert_eq!(out.code, 0, "sample-data failed: {}", out.stderr);
        dir
    })
    .clone()
}

/// Copy a folder tree.
pub(crate) fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
