//! The same reports on Apache DataFusion Ballista: a scheduler and an executor started
//! inside the program (`engine.scheduler = "standalone"`), talking gRPC on 127.0.0.1
//! and running real distributed stages. Built with `--features ballista`.

use crate::helpers::*;

/// metrics.json's figures of a run of `report` for `period` on the bundled sample.
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
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join(report).join(period).join("metrics.json")).unwrap(),
    )
    .unwrap();
    m["metrics"].clone()
}

const STANDALONE: &[(&str, &str)] = &[
    ("EQUITY_REPORTS__ENGINE__KIND", "ballista"),
    ("EQUITY_REPORTS__ENGINE__SCHEDULER", "standalone"),
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

#[test]
fn an_unreachable_scheduler_is_named_and_nothing_is_written() {
    let out = tempdir();
    let port = crate::smtp::free_port().to_string();
    let scheduler = format!("df://127.0.0.1:{port}");
    let r = run_equity_annual(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample")
            .to_str()
            .unwrap(),
        out.path(),
        &[
            ("EQUITY_REPORTS__ENGINE__KIND", "ballista"),
            ("EQUITY_REPORTS__ENGINE__SCHEDULER", scheduler.as_str()),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&scheduler), "{}", r.stderr);
    assert!(!out.path().join("equity-annual").exists());
}
