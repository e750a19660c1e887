//! The same reports on Apache DataFusion Ballista: a scheduler and an executor started
//! inside the program (`engine.scheduler = "standalone"`), talking gRPC on 127.0.0.1
//! and running real distributed stages. Built with `--features ballista`.

use crate::helpers::*;

/// metrics.json's figures of a run of `report` for `period` on the bundled sample, with
/// its data-quality counts and rows read (which the sample has problems in).
fn figures(report: &str, period: &str, env: &[(&str, &str)]) -> serde_json::Value {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let out = tempdir();
    let r = run(
        &[
            "run",
            report,
            "--period",
            period,
            "--data",
            sample.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--as-of",
            "2026-10-15",
            "--no-send",
        ],
        env,
    );
    assert_eq!(r.code, 0, "{report} {env:?}: {}", r.stderr);
    let folder = out.path().join(report).join(period);
    let table = |name: &str| std::fs::read_to_string(folder.join("tables").join(name)).unwrap();
    let mut m = read_json(&folder.join("metrics.json"))["metrics"].clone();
    let (dq, read) = (table("data_quality.csv"), table("rows_read.csv"));
    assert!(
        dq.lines().count() > 1 && read.lines().count() > 1,
        "{dq}{read}"
    );
    m.as_array_mut()
        .unwrap()
        .extend([serde_json::json!(dq), serde_json::json!(read)]);
    m
}

/// A scheduler and executor inside the program. The timeout turns a job that Ballista
/// never finishes into a failed test rather than a stuck one.
const STANDALONE: &[(&str, &str)] = &[
    ("EQUITY_REPORTS__ENGINE__KIND", "ballista"),
    ("EQUITY_REPORTS__ENGINE__SCHEDULER", "standalone"),
    ("EQUITY_REPORTS__ENGINE__QUERY_TIMEOUT_SECONDS", "300"),
];

#[test]
fn equity_annual_on_ballista_gives_the_local_figures() {
    let local = figures("equity-annual", "FY2025-26", &[]);
    assert!(local.as_array().is_some_and(|a| a.len() > 500));
    assert_eq!(figures("equity-annual", "FY2025-26", STANDALONE), local);
}

#[test]
fn workforce_quarterly_on_ballista_gives_the_local_figures() {
    let local = figures("workforce-quarterly", "2026-Q3", &[]);
    assert!(local.as_array().is_some_and(|a| a.len() > 50));
    assert_eq!(figures("workforce-quarterly", "2026-Q3", STANDALONE), local);
}

/// The other two reports, so that every query of every report has run on Ballista (and
/// passed its check that every join has a key).
#[test]
fn workforce_annual_and_access_biannual_on_ballista_give_the_local_figures() {
    for (report, period) in [
        ("workforce-annual", "FY2025-26"),
        ("access-biannual", "FY2026-27-H1"),
    ] {
        let local = figures(report, period, &[]);
        assert!(local.as_array().is_some_and(|a| a.len() > 50), "{report}");
        assert_eq!(figures(report, period, STANDALONE), local, "{report}");
    }
}

/// A repeated appointment id on the cluster, which finds it by its own query (grouping
/// the text: `queries/tables/repeated_appointment_hashes.cluster.sql`): the same count
/// and the same duplicate on the data-quality page as the local engine's hand-counted run.
#[test]
fn a_repeated_appointment_id_counts_once_on_ballista() {
    crate::service::repeated_id_counts_once(STANDALONE);
}

/// A run of equity-annual against the scheduler at `scheduler`, which must fail before
/// any output: exit 2, nothing written, the scheduler named. Returns stderr.
fn refused_by(scheduler: &str) -> String {
    let out = tempdir();
    let r = run_equity_annual(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample")
            .to_str()
            .unwrap(),
        out.path(),
        &[
            ("EQUITY_REPORTS__ENGINE__KIND", "ballista"),
            ("EQUITY_REPORTS__ENGINE__SCHEDULER", scheduler),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(scheduler), "{}", r.stderr);
    assert!(!out.path().join("equity-annual").exists());
    r.stderr
}

#[test]
fn an_unreachable_scheduler_is_named_and_nothing_is_written() {
    let port = closed_port();
    let err = refused_by(&format!("df://127.0.0.1:{port}"));
    assert!(err.contains("cannot reach the scheduler"), "{err}");
    assert!(err.contains("Connection refused"), "{err}");
}

/// A server on 127.0.0.1 that answers every HTTP request with `server` as its
/// `Server` header and `body` as JSON, as a Ballista scheduler's REST API does.
fn fake_scheduler(server: &'static str, body: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nServer: {server}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("df://127.0.0.1:{port}")
}

#[test]
fn a_scheduler_of_another_ballista_version_is_refused() {
    let err = refused_by(&fake_scheduler("ballista/54.0.0", "[]"));
    assert!(
        err.contains("runs Ballista 54.0.0, but this program speaks Ballista 55"),
        "{err}"
    );
}

#[test]
fn a_scheduler_without_executors_is_refused() {
    let err = refused_by(&fake_scheduler("ballista/55.0.0", "[]"));
    assert!(err.contains("no executors registered"), "{err}");
}

#[test]
fn a_server_that_is_not_a_scheduler_is_refused() {
    let err = refused_by(&fake_scheduler("nginx/1.22.1", "{}"));
    assert!(err.contains("not as a Ballista scheduler"), "{err}");
}
