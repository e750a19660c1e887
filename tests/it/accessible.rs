//! The documents every board member can read: each sample report's HTML twin opened in
//! headless Chromium with axe-core's WCAG 2.2 A and AA rules (`tests/axe/check.mjs`,
//! installed by `.ci/run` with `npm ci`), and the tagged PDF read with poppler.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::*;

/// The four reports on the bundled sample, as the README runs them.
const REPORTS: &[(&str, &str)] = &[
    ("workforce-quarterly", "2026-Q3"),
    ("workforce-annual", "FY2025-26"),
    ("access-biannual", "FY2026-27-H1"),
    ("equity-annual", "FY2025-26"),
];

/// Every report on the sample into `out`; the folders in REPORTS order.
fn sample_reports(out: &Path) -> Vec<PathBuf> {
    REPORTS
        .iter()
        .map(|(report, period)| {
            let r = run_report(report, period, &sample_data(), out, &["--no-send"], &[]);
            assert_eq!(r.code, 0, "{report}: {}\n{}", r.stdout, r.stderr);
            out.join(report).join(period)
        })
        .collect()
}

/// axe-core's verdict on one page, from the check script.
fn axe(html: &Path) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe");
    assert!(
        dir.join("node_modules/axe-core").exists(),
        "tests/axe/node_modules is missing: `.ci/run` installs it with `npm ci --prefix tests/axe`"
    );
    let out = Command::new("node")
        .arg(dir.join("check.mjs"))
        .arg(html)
        .output()
        .expect("node must be installed");
    assert!(
        out.status.success(),
        "check.mjs failed on {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_sample_report_html_has_no_wcag_22_aa_violation_in_chromium() {
    let out = tempdir();
    for folder in sample_reports(out.path()) {
        let html = folder.join("report.html");
        let verdict = axe(&html);
        assert_eq!(
            verdict["violations"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // self-contained: nothing fetched
        assert_eq!(
            verdict["requests"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // readable at 320 CSS px without scrolling sideways
        assert!(
            verdict["overflow320"].as_i64().unwrap() <= 0,
            "{}: {}",
            html.display(),
            verdict["overflow320"]
        );
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert_eq!(text.matches("<h1>").count(), 1);
        // every chart an image with a title and the description the PDF prints
        let charts = text.matches("<svg role=\"img\"").count();
        assert_eq!(charts, text.matches("<title id=\"chart-title-").count());
        assert_eq!(charts, text.matches("Chart description: ").count());
    }
}
