//! Change over time: each service figure month by month in metrics.json, read as an
//! XmR chart, and the settings that refuse a series that cannot be read so.

use crate::helpers::*;

/// The metrics.json of equity-annual 2025/26 on the sample.
fn equity_metrics() -> serde_json::Value {
    let out = tempdir();
    let r = run_report(
        "equity-annual",
        "FY2025-26",
        &sample_data(),
        out.path(),
        &["--no-send"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text =
        std::fs::read_to_string(out.path().join("equity-annual/FY2025-26/metrics.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_months_of_the_year_add_up_to_the_year_and_each_series_reads_from_its_own_points() {
    let m = equity_metrics();
    let overall = |id: &str| {
        m["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id && x["by"].as_object().unwrap().is_empty())
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    let series = m["series"].as_array().unwrap();
    assert_eq!(series.len(), 7, "the default spc.service_figures");
    for s in series {
        let id = s["figure"].as_str().unwrap();
        let points = s["points"].as_array().unwrap();
        // months in a row, to the year's last
        let months: Vec<&str> = points
            .iter()
            .map(|p| p["period"].as_str().unwrap())
            .collect();
        assert_eq!(*months.last().unwrap(), "2026-03", "{id}");
        for w in months.windows(2) {
            let (a, b): (chrono::NaiveDate, chrono::NaiveDate) = (
                format!("{}-01", w[0]).parse().unwrap(),
                format!("{}-01", w[1]).parse().unwrap(),
            );
            assert_eq!(a + chrono::Months::new(1), b, "{id}: {months:?}");
        }
        // the twelve months of 2025/26 add up to the year's figure, count for count
        let year: Vec<&serde_json::Value> = points
            .iter()
            .filter(|p| p["period"].as_str().unwrap() >= "2025-04")
            .collect();
        assert_eq!(year.len(), 12, "{id}");
        let total = overall(id);
        let sum = |key: &str| {
            year.iter()
                .map(|p| p[key].as_u64().unwrap_or(0))
                .sum::<u64>()
        };
        if total["denominator"].is_u64() {
            assert_eq!(
                sum("numerator"),
                total["numerator"].as_u64().unwrap(),
                "{id} numerator"
            );
            assert_eq!(
                sum("denominator"),
                total["denominator"].as_u64().unwrap(),
                "{id} denominator"
            );
        } else {
            let values: f64 = year.iter().map(|p| p["value"].as_f64().unwrap()).sum();
            assert_eq!(values, total["value"].as_f64().unwrap(), "{id}");
        }
        // on an XmR chart, each point's mean is the mean of the points read
        if s["chart"] == "xmr" {
            let read: Vec<f64> = points.iter().filter_map(|p| p["value"].as_f64()).collect();
            let mean = read.iter().sum::<f64>() / read.len() as f64;
            let last = points.last().unwrap();
            assert!((last["mean"].as_f64().unwrap() - mean).abs() < 1e-9, "{id}");
            // and a point flagged beyond a limit lies beyond it
            for p in points.iter().filter(|p| {
                p["special_cause"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == "beyond_limit"))
            }) {
                let v = p["value"].as_f64().unwrap();
                assert!(
                    v > p["upper_limit"].as_f64().unwrap()
                        || v < p["lower_limit"].as_f64().unwrap(),
                    "{id}: {p}"
                );
            }
        }
    }
}

#[test]
fn a_rolling_twelve_month_figure_is_refused_as_a_series() {
    let r = run(
        &["validate", "--data", "."],
        &[(
            "EQUITY_REPORTS__SPC__SERVICE_FIGURES",
            "[\"tt.recovery_pct\", \"wres3.relative_likelihood\"]",
        )],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("spc.service_figures[1]")
            && r.stderr.contains("wres3.relative_likelihood")
            && r.stderr.contains("rolling 12-month window"),
        "{}",
        r.stderr
    );
    // and a figure with no point a month, with its reason: uptake by the period's end,
    // which a month cuts short, and the appointment counts
    for id in ["tt.uptake_pct", "tt.dna_pct"] {
        let list = format!("[\"{id}\"]");
        let r = run(
            &["validate", "--data", "."],
            &[("EQUITY_REPORTS__SPC__SERVICE_FIGURES", list.as_str())],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("{id} has no point a month")),
            "{}",
            r.stderr
        );
    }
}
