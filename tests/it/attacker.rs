//! An attacker in the test suite: someone on every recipient list, with every copy of
//! every report over nested periods, sets out to work back the counts the reports hide
//! (tests/it/attacker.py reads the HTML twins as a reader would and solves for each
//! hidden count). The reports are the real program's, on the bundled sample and on
//! small synthetic services where small counts abound, run in both orders.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{metric, pdf_text, read_json, run, run_report, sample_data, tempdir};

/// The Partnership Board gets a copy rounded to 5, the SDG the exact one.
const TWO_AUDIENCES: &[(&str, &str)] = &[(
    "EQUITY_REPORTS__DISCLOSURE__ROUND_TO_BY_LIST",
    "{ partnership_board = 5 }",
)];

/// The reports whose periods nest: the half-years and their year, and the last quarter
/// and the year at the same 31 March snapshot.
const HALVES_FIRST: &[(&str, &str)] = &[
    ("access-biannual", "FY2025-26-H1"),
    ("access-biannual", "FY2025-26-H2"),
    ("equity-annual", "FY2025-26"),
    ("workforce-quarterly", "2026-Q1"),
    ("workforce-annual", "FY2025-26"),
];
const YEAR_FIRST: &[(&str, &str)] = &[
    ("equity-annual", "FY2025-26"),
    ("access-biannual", "FY2025-26-H2"),
    ("access-biannual", "FY2025-26-H1"),
    ("workforce-annual", "FY2025-26"),
    ("workforce-quarterly", "2026-Q1"),
];

/// The attacker's verdict on output roots: exit code and what it printed.
fn attack(roots: &[&Path]) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/attacker.py");
    let out = Command::new("python3")
        .arg(script)
        .args(roots)
        .output()
        .expect("python3 must be installed");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Synthetic extracts at `scale` from `seed`, written into `dir`.
fn sample(dir: &Path, seed: u64, scale: &str) -> PathBuf {
    let data = dir.join(format!("data-{seed}-{scale}"));
    let seed = seed.to_string();
    let r = run(
        &[
            "sample-data",
            "--out",
            data.to_str().unwrap(),
            "--seed",
            &seed,
            "--scale",
            scale,
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    data
}

#[test]
fn a_reader_with_every_copy_and_period_recovers_no_hidden_count() {
    let dir = tempdir();
    let cases: Vec<(PathBuf, &[(&str, &str)])> = vec![
        (sample_data(), HALVES_FIRST),
        (sample(dir.path(), 7, "0.01"), HALVES_FIRST),
        (sample(dir.path(), 99, "0.01"), YEAR_FIRST),
        (sample(dir.path(), 7, "0.1"), YEAR_FIRST),
    ];
    let mut roots = Vec::new();
    for (i, (data, order)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("out-{i}"));
        for (report, period) in order.iter() {
            let r = run_report(report, period, data, &out, &["--no-send"], TWO_AUDIENCES);
            assert_eq!(r.code, 0, "{report} {period}: {}\n{}", r.stdout, r.stderr);
        }
        roots.push(out);
    }
    let refs: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
    let (code, text) = attack(&refs);
    assert_eq!(code, 0, "hidden counts worked back:\n{text}");
    // the reader did read the reports: every root's counts, many of them hidden
    for root in &roots {
        let line = text
            .lines()
            .find(|l| l.starts_with(root.to_str().unwrap()) && l.contains("counts read"))
            .unwrap_or_else(|| panic!("{text}"));
        let hidden: u64 = line
            .split(", ")
            .nth(1)
            .and_then(|h| h.split(' ').next())
            .and_then(|h| h.parse().ok())
            .unwrap_or(0);
        assert!(hidden >= 10, "{line}");
    }
}

/// Extracts where one-person bands abound (a VSM row of one, a Band 9 of one), which
/// once made the greedy choice hide band after band up to the staff in post: the
/// workforce headlines stay shown, and still nothing hidden can be worked back.
#[test]
fn small_senior_bands_do_not_take_the_workforce_headlines_with_them() {
    let dir = tempdir();
    let mut roots = Vec::new();
    for (seed, scale) in [(4, "0.3"), (5, "0.3")] {
        let data = sample(dir.path(), seed, scale);
        let out = dir.path().join(format!("out-{seed}"));
        for (report, period) in &HALVES_FIRST[3..] {
            let r = run_report(report, period, &data, &out, &["--no-send"], TWO_AUDIENCES);
            assert_eq!(r.code, 0, "{report} {period}: {}\n{}", r.stdout, r.stderr);
            let folder = out.join(report).join(period);
            // the counts behind the headlines, as the run decided them
            let cells = read_json(&folder.join("disclosure.json"));
            for by in [&[][..], &[("wres_group", "BME")], &[("disability", "Y")]] {
                let cell = cells["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| {
                        c["count"] == "staff"
                            && c["by"].as_array().unwrap().len() == by.len()
                            && by.iter().all(|(d, v)| {
                                c["by"]
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .any(|p| p[0] == *d && p[1] == *v)
                            })
                    })
                    .unwrap_or_else(|| panic!("seed {seed}: no staff cell by {by:?}"));
                assert_eq!(
                    cell["hidden"], false,
                    "seed {seed} {report}: staff {by:?} hidden"
                );
            }
            // and as a reader sees them: the BME share with its interval
            let m = read_json(&folder.join("metrics.json"));
            let bme = metric(&m["metrics"], "wf.bme_pct", &[]);
            let text = pdf_text(&folder.join("report.pdf"));
            let line = text
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .find(|l| l.starts_with("BME staff ") && l.contains("% to "))
                .unwrap_or_else(|| panic!("seed {seed} {report}: no BME headline"));
            // "BME staff 21.2% (17.0% to 26.1%) ...": each within its rounding
            let shown: Vec<f64> = line["BME staff ".len()..]
                .split(['%', '(', ')', ' '])
                .filter_map(|w| w.parse().ok())
                .take(3)
                .collect();
            for (x, key) in shown.iter().zip(["value", "ci_low", "ci_high"]) {
                let exact = bme[key].as_f64().unwrap() * 100.0;
                assert!(
                    (x - exact).abs() <= 0.051,
                    "seed {seed} {report}: {line} vs {bme}"
                );
            }
            assert_eq!(shown.len(), 3, "{line}");
        }
        roots.push(out);
    }
    let refs: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
    let (code, text) = attack(&refs);
    assert_eq!(code, 0, "hidden counts worked back:\n{text}");
}

/// One report's copies, written by hand where the answer is known.
fn page(root: &Path, report: &str, period: &str, file: &str, tables: &str, note: &str) {
    let folder = root.join(report).join(period);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(file),
        format!("<html><body><p>{note}</p>{tables}</body></html>"),
    )
    .unwrap();
}

fn breakdown(caption: &str, rows: &[(&str, &str)], total: Option<&str>) -> String {
    let mut t = format!(
        "<table><caption>{caption}</caption><thead><tr><th scope=\"col\">Group</th>\
         <th scope=\"col\">Referrals</th></tr></thead><tbody>"
    );
    for (label, n) in rows {
        t.push_str(&format!(
            "<tr><th scope=\"row\">{label}</th><td>{n}</td></tr>"
        ));
    }
    if let Some(total) = total {
        t.push_str(&format!(
            "<tr class=\"total\"><th scope=\"row\">All referrals</th><td>{total}</td></tr>"
        ));
    }
    t.push_str("</tbody></table>");
    t
}

#[test]
fn the_attacker_finds_what_each_way_of_combining_gives_away() {
    let dir = tempdir();
    // One table: Mixed = 73 - 50 - 20 = 3.
    let one = dir.path().join("one");
    let t = breakdown(
        "Ethnic group",
        &[("White", "50"), ("Mixed", "*"), ("Asian", "20")],
        Some("73"),
    );
    page(
        &one,
        "access-biannual",
        "FY2025-26-H1",
        "report.html",
        &t,
        "",
    );
    let (code, text) = attack(&[&one]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("(('group', 'Mixed'),)) = 3"), "{text}");

    // Two copies: the rounded one shows what the exact one hides.
    let two = dir.path().join("two");
    let exact = breakdown(
        "Ethnic group",
        &[("White", "50"), ("Mixed", "*"), ("Asian", "*")],
        Some("73"),
    );
    let rounded = breakdown(
        "Ethnic group",
        &[("White", "50"), ("Mixed", "*"), ("Asian", "20")],
        Some("75"),
    );
    page(
        &two,
        "access-biannual",
        "FY2025-26-H1",
        "report.html",
        &exact,
        "",
    );
    page(
        &two,
        "access-biannual",
        "FY2025-26-H1",
        "report-rounded-to-5.html",
        &rounded,
        "",
    );
    let (code, text) = attack(&[&two]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("hidden in ['access-biannual/FY2025-26-H1/report.html'] but shown"),
        "{text}"
    );

    // Two half-years and their year: H2's hidden Mixed = 10 - 6 = 4.
    let three = dir.path().join("three");
    let h1 = breakdown(
        "Ethnic group",
        &[("White", "40"), ("Mixed", "6")],
        Some("46"),
    );
    let h2 = breakdown(
        "Ethnic group",
        &[("White", "*"), ("Mixed", "*")],
        Some("48"),
    );
    let year = breakdown(
        "Ethnic group",
        &[("White", "84"), ("Mixed", "10")],
        Some("94"),
    );
    page(
        &three,
        "access-biannual",
        "FY2025-26-H1",
        "report.html",
        &h1,
        "",
    );
    page(
        &three,
        "access-biannual",
        "FY2025-26-H2",
        "report.html",
        &h2,
        "",
    );
    page(
        &three,
        "equity-annual",
        "FY2025-26",
        "report.html",
        &year,
        "",
    );
    let (code, text) = attack(&[&three]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("('FY2025-26-H2', 'referrals', (('group', 'Mixed'),)) = 4"),
        "{text}"
    );
    assert!(
        text.contains("('FY2025-26-H2', 'referrals', (('group', 'White'),)) = 44"),
        "{text}"
    );

    // A priority group that is one ethnic category, and a percentage with its
    // interval: Black African (N) hidden in one table, shown as N in another; and an
    // uptake of 40.0% (16.8% to 68.7%) of a hidden referral count pins it at 10 (4 of
    // 10, the only count whose share and Wilson interval print so).
    let four = dir.path().join("four");
    let priority = breakdown("Priority groups", &[("Black African", "*")], None);
    let categories = breakdown(
        "Ethnic category",
        &[("N: Black or Black British - African", "7")],
        None,
    );
    let uptake = "<table><caption>Priority groups</caption><thead><tr><th scope=\"col\">\
         Group</th><th scope=\"col\">Referrals</th><th scope=\"col\">Treated by year end \
         (95 % CI)</th></tr></thead><tbody><tr><th scope=\"row\">Aged 65+</th><td>*</td>\
         <td>40.0% (16.8% to 68.7%)</td></tr></tbody></table>";
    page(
        &four,
        "equity-annual",
        "FY2025-26",
        "report.html",
        &format!("{priority}{categories}{uptake}"),
        "",
    );
    let (code, text) = attack(&[&four]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("(('priority', 'Black African'),)) = 7"),
        "{text}"
    );
    assert!(text.contains("(('priority', 'Aged 65+'),)) = 10"), "{text}");
}
