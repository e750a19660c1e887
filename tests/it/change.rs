//! Change over time: each service figure month by month in metrics.json, read as an
//! XmR chart, and the settings that refuse a series that cannot be read so.

use crate::helpers::*;

/// equity-annual 2025/26 on the extracts in `data`: the output folder (kept while the
/// first value lives), its report folder and its metrics.json.
fn equity_run(
    data: &std::path::Path,
) -> (tempfile::TempDir, std::path::PathBuf, serde_json::Value) {
    let out = tempdir();
    let r = run_report(
        "equity-annual",
        "FY2025-26",
        data,
        out.path(),
        &["--no-send"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let folder = out.path().join("equity-annual/FY2025-26");
    let text = std::fs::read_to_string(folder.join("metrics.json")).unwrap();
    (out, folder, serde_json::from_str(&text).unwrap())
}

/// The metrics.json of equity-annual 2025/26 on the extracts in `data`.
fn equity_metrics(data: &std::path::Path) -> serde_json::Value {
    equity_run(data).2
}

#[test]
fn the_months_of_the_year_add_up_to_the_year_and_each_series_reads_from_its_own_points() {
    let m = equity_metrics(&sample_data());
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
    assert_eq!(series.len(), 5, "the default spc.service_figures");
    // referrals from the extracts' first month (October 2024); figures of a later event
    // of care from six months on (spc.settle_months), when longer courses can end
    for s in series {
        let first = s["points"][0]["period"].as_str().unwrap();
        let expected = if s["figure"] == "tt.referrals" {
            "2024-10"
        } else {
            "2025-04"
        };
        assert_eq!(first, expected, "{}", s["figure"]);
    }
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
        // on an XmR chart, each point's mean is the mean of the points read: those with
        // a figure the PDF would show
        if s["chart"] == "xmr" {
            let read: Vec<f64> = points
                .iter()
                .filter(|p| p["suppressed"] == false)
                .filter_map(|p| p["value"].as_f64())
                .collect();
            let left_out = points.iter().filter(|p| p["suppressed"] == true).count();
            assert_eq!(s["left_out"], left_out, "{id}");
            let mean = read.iter().sum::<f64>() / read.len() as f64;
            let last = points.last().unwrap();
            // (the reading takes the exact values, which the file gives to 4 decimals)
            assert!((last["mean"].as_f64().unwrap() - mean).abs() < 5e-5, "{id}");
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

/// On the seven-referral hand fixture (referred in December 2024, May 2025 twice, June,
/// July, August 2025 and March 2026): the referrals series runs from December 2024 to
/// March 2026, 16 months; the six months with 1 or 2 referrals are hidden in the PDF
/// (under 5) and so left out of the reading, which keeps the ten months with none: too
/// few for limits, a run chart.
#[test]
fn months_of_small_counts_are_left_out_of_the_reading() {
    let data = tempdir();
    crate::service::write_service(data.path());
    let m = equity_metrics(data.path());
    let s = series_of(&m, "tt.referrals");
    let points = s["points"].as_array().unwrap();
    let month = |p: &serde_json::Value| p["period"].as_str().unwrap().to_string();
    assert_eq!(points.len(), 16);
    assert_eq!(
        (month(&points[0]), month(&points[15])),
        ("2024-12".into(), "2026-03".into())
    );
    let hidden: Vec<(String, f64)> = points
        .iter()
        .filter(|p| p["suppressed"] == true)
        .map(|p| (month(p), p["value"].as_f64().unwrap()))
        .collect();
    let expected: Vec<(String, f64)> = [
        ("2024-12", 1.0),
        ("2025-05", 2.0),
        ("2025-06", 1.0),
        ("2025-07", 1.0),
        ("2025-08", 1.0),
        ("2026-03", 1.0),
    ]
    .iter()
    .map(|(m, v)| (m.to_string(), *v))
    .collect();
    assert_eq!(hidden, expected);
    assert_eq!(s["left_out"], 6);
    assert_eq!(s["chart"], "run");
    assert_eq!(s["variation"], serde_json::Value::Null);
    // the months read carry no limits on a run chart
    assert!(points.iter().all(|p| p.get("mean").is_none()));
}

/// The summary says, for each charted figure, what its latest month shows and how it
/// stands against its target, in the words of its reading in metrics.json.
#[test]
fn the_summary_gives_each_charted_figure_its_reading_in_words() {
    let (_out, folder, m) = equity_run(&sample_data());
    let text = pdf_text(&folder.join("report.pdf"));
    // (the summary page itself, after the contents that name it)
    let summary = section_text(&text, "Summary of headline figures", "Change over time");
    let words = |key: &str, v: &serde_json::Value| -> &'static str {
        match (key, v.as_str().unwrap_or("")) {
            ("variation", "common_cause") => "Common cause",
            ("variation", "special_cause_improvement") => "Improvement",
            ("variation", "special_cause_concern") => "Concern",
            ("assurance", "consistently_passes") => "Meets",
            ("assurance", "consistently_fails") => "Misses",
            ("assurance", "hit_and_miss") => "Hit and miss",
            (k, x) => panic!("{k} {x}"),
        }
    };
    for (id, label) in [
        ("tt.recovery_pct", "Recovery "),
        ("tt.reliable_recovery_pct", "Reliable recovery "),
    ] {
        let s = series_of(&m, id);
        let row = summary
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {summary}"));
        for key in ["variation", "assurance"] {
            let said = words(key, &s[key]);
            assert!(row.contains(said), "{id}: {row:?} lacks {said:?}");
        }
    }
}

/// Newcombe's hybrid score interval for a - b (method 10), written out here apart from
/// the program's: each side's Wilson interval, then the square roots.
fn newcombe(a: u64, n: u64, b: u64, m: u64) -> (f64, f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let wilson = |x: u64, n: u64| {
        let (p, n) = (x as f64 / n as f64, n as f64);
        let c = p + z * z / (2.0 * n);
        let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        let d = 1.0 + z * z / n;
        (p, (c - h) / d, (c + h) / d)
    };
    let (p1, l1, u1) = wilson(a, n);
    let (p2, l2, u2) = wilson(b, m);
    let d = p1 - p2;
    (
        d,
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    )
}

/// "Are the gaps closing?" on the sample: each quarter's counts for the service are its
/// three months' counts in the monthly series (two queries written apart), and each
/// gap is the one worked out here from the quarter's counts on its two sides.
#[test]
fn the_quarterly_gaps_add_up_to_their_months_and_each_is_worked_from_its_counts() {
    let (_out, folder, m) = equity_run(&sample_data());
    let g = &m["quarterly_gaps"];
    let quarters: Vec<&str> = g["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_str().unwrap())
        .collect();
    // whole quarters from six months (spc.settle_months) after the sample's first
    // referral (October 2024) to March 2026
    assert_eq!(quarters, ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]);
    let counts = g["counts"].as_array().unwrap();
    let side = |q: &str, kind: &str, group: &str, key: &str| -> u64 {
        counts
            .iter()
            .find(|c| c["quarter"] == q && c["kind"] == kind && c["group"] == group)
            .map_or(0, |c| c[key].as_u64().unwrap())
    };
    let months = |id: &str, q: &str| -> (u64, u64) {
        let (year, n) = q.split_once("-Q").unwrap();
        let n: u32 = n.parse().unwrap();
        let in_q: Vec<String> = (3 * n - 2..=3 * n)
            .map(|mo| format!("{year}-{mo:02}"))
            .collect();
        let s = series_of(&m, id);
        s["points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| in_q.contains(&p["period"].as_str().unwrap().to_string()))
            .fold((0, 0), |(a, b), p| {
                (
                    a + p["numerator"].as_u64().unwrap_or(0),
                    b + p["denominator"].as_u64().unwrap_or(0),
                )
            })
    };
    for q in &quarters {
        assert_eq!(
            months("tt.recovery_pct", q),
            (
                side(q, "service", "", "recovered"),
                side(q, "service", "", "at_caseness")
            ),
            "{q}"
        );
        assert_eq!(
            months("tt.wait_6wk_pct", q),
            (
                side(q, "service", "", "wait_6wk"),
                side(q, "service", "", "finished")
            ),
            "{q}"
        );
        // White British and the other known codes are each part of the service
        assert!(
            side(q, "white_british", "A", "at_caseness")
                + side(q, "white_british", "B-S", "at_caseness")
                <= side(q, "service", "", "at_caseness")
        );
    }
    let gaps = g["gaps"].as_array().unwrap();
    let gap = |q: &str, figure: &str, comparison: &str| {
        gaps.iter()
            .find(|x| x["quarter"] == q && x["figure"] == figure && x["comparison"] == comparison)
            .unwrap_or_else(|| panic!("{q} {figure} {comparison}"))
    };
    let close = |x: &serde_json::Value, v: f64| (x.as_f64().unwrap() - v).abs() < 6e-5;
    for q in &quarters {
        let x = gap(q, "recovery", "White British against other known");
        let (d, lo, hi) = newcombe(
            side(q, "white_british", "A", "recovered"),
            side(q, "white_british", "A", "at_caseness"),
            side(q, "white_british", "B-S", "recovered"),
            side(q, "white_british", "B-S", "at_caseness"),
        );
        assert!(
            close(&x["gap"], d) && close(&x["ci_low"], lo) && close(&x["ci_high"], hi),
            "{x}"
        );
        // a priority group against the rest: the service less the group
        let x = gap(q, "wait_6wk", "Pakistani against the rest");
        let (a, n) = (
            side(q, "priority_group", "Pakistani", "wait_6wk"),
            side(q, "priority_group", "Pakistani", "finished"),
        );
        let (b, k) = (
            side(q, "service", "", "wait_6wk") - a,
            side(q, "service", "", "finished") - n,
        );
        if n == 0 {
            assert!(x["gap"].is_null());
            continue;
        }
        let (d, lo, hi) = newcombe(a, n, b, k);
        assert!(
            close(&x["gap"], d) && close(&x["ci_low"], lo) && close(&x["ci_high"], hi),
            "{x}"
        );
        // hidden in the PDF exactly when a count on either side is small
        let small = |x: u64| x > 0 && x < 5;
        assert_eq!(
            x["suppressed"],
            small(a) || n < 5 || small(b) || k < 5,
            "{x}"
        );
    }
    // the page says the gaps without a reading: too few quarters
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section_text(&text, "Are the gaps closing?", "Priority groups");
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        page.contains("which needs 12 quarters; the extracts give 4"),
        "{page}"
    );
}
