//! Change over time in the workforce reports: each `wf.*` headline at every quarter-end
//! snapshot, and quarterly turnover, in metrics.json, read as an XmR chart, and said on
//! the summary.

use crate::helpers::*;

/// A workforce report's folder (kept while the first value lives) and metrics.json.
fn workforce_run(
    period: &str,
    data: &std::path::Path,
) -> (tempfile::TempDir, std::path::PathBuf, serde_json::Value) {
    let out = tempdir();
    let r = run_workforce(period, data, out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = if period.starts_with("FY") {
        "workforce-annual"
    } else {
        "workforce-quarterly"
    };
    let folder = out.path().join(report).join(period);
    let m = read_json(&folder.join("metrics.json"));
    (out, folder, m)
}

/// The summary's row for the BME share, as the PDF's text lays it out.
fn bme_row(text: &str) -> &str {
    section_text(text, "Summary of headline figures", "Change over time")
        .lines()
        .find(|l| l.trim_start().starts_with("BME staff "))
        .expect("a BME staff row")
}

fn point<'a>(s: &'a serde_json::Value, quarter: &str) -> &'a serde_json::Value {
    s["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == quarter)
        .unwrap_or_else(|| panic!("{quarter} in {s}"))
}

/// On the sample (a snapshot at every quarter end from December 2024): each quarter's
/// point is the figure that quarter's own report gives, counts and all, worked out by
/// the period's query; eight snapshots are too few for limits, so the charts are run
/// charts, no icon is given, and the summary says so.
#[test]
fn each_quarter_of_a_series_is_that_quarters_own_figure() {
    let (_out, folder, m) = workforce_run("2026-Q3", &sample_data());
    let quarters: Vec<&str> = series_of(&m, "wf.bme_pct")["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(
        quarters,
        [
            "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"
        ]
    );
    for quarter in ["2025-Q2", "2026-Q1", "2026-Q3"] {
        let (_o, _f, own) = workforce_run(quarter, &sample_data());
        for id in [
            "wf.headcount",
            "wf.bme_pct",
            "wf.bme_pct_band7plus",
            "wf.turnover_pct",
        ] {
            let p = point(series_of(&m, id), quarter);
            let figure = metric(&own["metrics"], id, &[]);
            for key in ["value", "numerator", "denominator"] {
                assert_eq!(p[key], figure[key], "{id} {quarter} {key}");
            }
        }
    }
    for s in m["series"].as_array().unwrap() {
        assert_eq!(s["by"], "quarter");
        assert_eq!(s["chart"], "run", "{}", s["figure"]);
        assert_eq!(s["variation"], serde_json::Value::Null);
        assert_eq!(s["assurance"], serde_json::Value::Null);
    }
    let text = pdf_text(&folder.join("report.pdf"));
    let row = bme_row(&text);
    assert!(row.contains("Too few quarters"), "{row}");
    // (no series long enough to judge against a target: no empty column for it)
    let summary = section_text(&text, "Summary of headline figures", "Change over time");
    assert!(!summary.contains("Against the target"), "{summary}");
    assert!(text.contains("too few quarters for process limits"));
}

/// Thirteen quarter-end snapshots (September 2023 to September 2026) of 40 staff, of
/// whom 10 and 11 are BME in turn and 20 at the last. By hand: the shares are 0.25 and
/// 0.275 in turn, then 0.5; mean 146/520 = 0.280769; the moving ranges are eleven of
/// 0.025 and one of 0.225, mean 0.5/12 = 0.041667; the upper limit 0.280769 + 2.66 ×
/// 0.041667 = 0.391603. The first twelve all lie below the mean: a shift (7 or more in
/// a row on one side). The last lies beyond the upper limit: a special cause, and as a
/// higher BME share is better, an improvement, on trial limits (13 points, under 20).
#[test]
fn a_quarter_beyond_the_limit_is_an_improvement_on_the_summary() {
    let data = tempdir();
    let ends = [
        "2023-09-30",
        "2023-12-31",
        "2024-03-31",
        "2024-06-30",
        "2024-09-30",
        "2024-12-31",
        "2025-03-31",
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
        "2026-03-31",
        "2026-06-30",
        "2026-09-30",
    ];
    const IDS: [&str; 40] = [
        "s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09", "s10", "s11", "s12", "s13",
        "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26",
        "s27", "s28", "s29", "s30", "s31", "s32", "s33", "s34", "s35", "s36", "s37", "s38", "s39",
        "s40",
    ];
    let mut rows = vec![];
    for (q, date) in ends.iter().enumerate() {
        let bme = if q == 12 { 20 } else { 10 + q % 2 };
        for (i, id) in IDS.iter().enumerate() {
            rows.push(Staff {
                date,
                id,
                partner: "LCH",
                band: "5",
                ethnic: if i < bme { "H" } else { "A" },
                sex: "2",
                disability: "N",
                clinical: true,
                fte: 1.0,
            });
        }
    }
    write_parquet(
        &data.path().join("staff_snapshot.parquet"),
        staff_columns(&rows),
    );
    let (_out, folder, m) = workforce_run("2026-Q3", data.path());
    let s = series_of(&m, "wf.bme_pct");
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 13);
    assert_eq!(
        (s["chart"].as_str(), s["trial_limits"].as_bool()),
        (Some("xmr"), Some(true))
    );
    let last = points.last().unwrap();
    assert_eq!(last["value"], 0.5);
    assert!((last["mean"].as_f64().unwrap() - 146.0 / 520.0).abs() < 1e-9);
    assert!((last["upper_limit"].as_f64().unwrap() - 0.391603).abs() < 1e-6);
    assert_eq!(last["special_cause"], serde_json::json!(["beyond_limit"]));
    assert!(
        points[..12]
            .iter()
            .all(|p| p["special_cause"] == serde_json::json!(["shift"])),
        "{s}"
    );
    assert_eq!(s["variation"], "special_cause_improvement");
    // the headcount never changes: a flat line, common cause
    assert_eq!(series_of(&m, "wf.headcount")["variation"], "common_cause");
    let text = pdf_text(&folder.join("report.pdf"));
    let row = bme_row(&text);
    assert!(row.contains("Improvement"), "{row}");
    // and the report opens with it, the one key message
    let page = section_text(&text, "Key messages", "Summary of headline figures");
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(page.matches('•').count(), 1, "{page}");
    assert!(
        page.contains(
            "• BME staff: Q2 2026/27, at 50.0%, is a signal of improvement on its chart \
             (beyond a process limit). See Change over time."
        ),
        "{page}"
    );
    assert!(
        text.contains("The latest quarter, 50.0%, is a signal, special cause: improvement: beyond a process limit."),
        "{text}"
    );
}

#[test]
fn a_workforce_figure_without_a_point_each_quarter_is_refused() {
    for (id, why) in [
        ("wres3.relative_likelihood", "rolling 12-month window"),
        (
            "train.cultural_competence_pct",
            "train.cultural_competence_pct has no point at each quarter-end snapshot",
        ),
        (
            "tt.recovery_pct",
            "has no point at each quarter-end snapshot",
        ),
    ] {
        let list = format!("[\"wf.bme_pct\", \"{id}\"]");
        let r = run(
            &["validate", "--data", "."],
            &[("EQUITY_REPORTS__SPC__WORKFORCE_FIGURES", list.as_str())],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("spc.workforce_figures[1]") && r.stderr.contains(why),
            "{}",
            r.stderr
        );
    }
}
