//! `workforce-annual` on a hand-made year, each figure worked out by hand, and on the
//! sample data end to end.

use std::path::Path;

use crate::helpers::*;

/// (id, partner, band, ethnic category, sex, disability, clinical, fte)
type Person = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    f64,
);

const PEOPLE: &[Person] = &[
    ("a1", "LCH", "5", "A", "2", "N", true, 1.0),
    ("a2", "LCH", "6", "J", "1", "Y", true, 1.0),
    ("a3", "LCH", "7", "N", "2", "N", true, 1.0),
    ("a4", "LCH", "8a", "A", "2", "N", false, 1.0),
    ("a5", "LCH", "8b", "M", "1", "N", false, 1.0),
    ("a6", "LCH", "3", "Z", "2", "Z", false, 1.0),
    ("a7", "LCH", "4", "A", "2", "N", true, 1.0),
    ("c1", "CL", "5", "A", "2", "N", true, 1.0),
    ("c2", "CL", "6", "H", "2", "N", true, 1.0),
    ("c3", "CL", "3", "B", "1", "N", false, 0.5),
    ("a8", "LCH", "7", "K", "2", "N", true, 1.0),
    ("a9", "LCH", "5", "A", "2", "Y", true, 1.0),
    ("a10", "LCH", "2", "99", "1", "N", false, 0.8),
];

/// Who is in post at each quarter end: 7 at the end of 2024/25, then 10, 10, 9 and 11
/// in 2025/26 (a7 leaves in November, c3 in February, a8 to a10 join by March).
const SNAPSHOTS: &[(&str, &[&str])] = &[
    ("2025-03-31", &["a1", "a2", "a3", "a4", "a5", "a6", "c1"]),
    (
        "2025-06-30",
        &["a1", "a2", "a3", "a4", "a5", "a6", "a7", "c1", "c2", "c3"],
    ),
    (
        "2025-09-30",
        &["a1", "a2", "a3", "a4", "a5", "a6", "a7", "c1", "c2", "c3"],
    ),
    (
        "2025-12-31",
        &["a1", "a2", "a3", "a4", "a5", "a6", "c1", "c2", "c3"],
    ),
    (
        "2026-03-31",
        &[
            "a1", "a2", "a3", "a4", "a5", "a6", "c1", "c2", "a8", "a9", "a10",
        ],
    ),
];

fn write_year(dir: &Path) {
    let mut rows = Vec::new();
    for (date, ids) in SNAPSHOTS {
        for id in *ids {
            let p = PEOPLE.iter().find(|p| p.0 == *id).unwrap();
            rows.push(Staff {
                date,
                id: p.0,
                partner: p.1,
                band: p.2,
                ethnic: p.3,
                sex: p.4,
                disability: p.5,
                clinical: p.6,
                fte: p.7,
            });
        }
    }
    write_parquet(&dir.join("staff_snapshot.parquet"), staff_columns(&rows));
    // Leavers: a7 and c3 in the year; x1 left before it.
    write_parquet(
        &dir.join("leavers.parquet"),
        vec![
            ("staff_id", strs(&["a7", "c3", "x1"])),
            ("partner_org", strs(&["LCH", "CL", "LCH"])),
            (
                "leave_date",
                dates(&["2025-11-15", "2026-02-01", "2025-03-15"]),
            ),
        ],
    );
    // Recruitment in the year: White 3 of 6 shortlisted appointed, BME 1 of 4, nobody
    // disabled; one White appointment dated before the year.
    let mut apps: Vec<Application> = Vec::new();
    for i in 0..6 {
        apps.push(("A", "N", true, i < 3, "2025-10-01"));
    }
    for i in 0..4 {
        apps.push(("N", "N", true, i < 1, "2025-10-01"));
    }
    apps.push(("A", "N", true, true, "2025-03-01"));
    write_recruitment(dir, &apps);
    write_parquet(
        &dir.join("disciplinary.parquet"),
        vec![
            ("case_id", strs(&["d1", "d2"])),
            ("staff_id", strs(&["a2", "a1"])),
            ("opened_date", dates(&["2025-07-01", "2025-12-01"])),
        ],
    );
    // (staff, course, completed, mandatory)
    let training = [
        ("a1", "cpd_skills", "2025-05-01", false),
        ("a4", "cpd_skills", "2026-03-31", false), // on the last day: counts
        ("c1", "cpd_skills", "2026-04-02", false), // after the year: does not
        ("a2", "cpd_skills", "2025-06-01", false),
        ("a1", "interpreters", "2025-05-01", true),
        ("a3", "interpreters", "2026-01-10", true),
        ("c2", "interpreters", "2026-04-05", true), // after the year
        ("a5", "cultural_competence", "2025-08-01", true),
    ];
    write_parquet(
        &dir.join("training.parquet"),
        vec![
            ("staff_id", strs(&training.map(|t| t.0))),
            ("course", strs(&training.map(|t| t.1))),
            ("completed_date", dates(&training.map(|t| t.2))),
            ("mandatory", bools(&training.map(|t| t.3))),
        ],
    );
    write_parquet(
        &dir.join("mentoring.parquet"),
        vec![
            ("staff_id", strs(&["a3"])),
            ("programme", strs(&["bme_leadership"])),
            ("matched_date", dates(&["2025-09-01"])),
        ],
    );
}

#[test]
fn workforce_annual_figures_match_hand_counts() {
    let data = tempdir();
    let out = tempdir();
    write_year(data.path());
    let r = run_workforce("FY2025-26", data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let folder = out.path().join("workforce-annual/FY2025-26");
    let json = read_json(&folder.join("metrics.json"));
    assert_eq!(json["snapshot_date"], "2026-03-31");
    let m = &json["metrics"];

    // Year end: 11 staff; FTE 6 (a1-a6) + 1 + 1 (c1, c2) + 1 + 1 + 0.8 = 10.8
    assert_eq!(metric(m, "wf.headcount", &[])["value"], 11.0);
    assert_eq!(metric(m, "wf.fte", &[])["value"], 10.8);
    // BME: a2 (J), a3 (N), a5 (M), c2 (H), a8 (K); Wilson for 5/11 by hand 0.2127-0.7199
    let bme = metric(m, "wf.bme_pct", &[]);
    assert_prop(bme, 5, 11);
    assert_eq!(
        (bme["ci_low"].clone(), bme["ci_high"].clone()),
        (0.2127.into(), 0.7199.into())
    );
    assert_prop(metric(m, "wf.ethnicity_unknown_pct", &[]), 2, 11); // a6 Z, a10 99
    // Band 7+: a3 (7), a4 (8a), a5 (8b), a8 (7); BME a3, a5, a8
    assert_prop(metric(m, "wf.bme_pct_band7plus", &[]), 3, 4);
    assert_prop(metric(m, "wf.disability_pct", &[]), 2, 11); // a2, a9
    assert_prop(metric(m, "wf.male_pct", &[]), 3, 11); // a2, a5, a10
    // WRES 1, Bands 5-7: a1 a2 a3 c1 c2 a8 a9 -> White a1 c1 a9, BME a2 a3 c2 a8
    assert_prop(
        metric(
            m,
            "wres1.band_share",
            &[("band_cluster", "Bands 5-7"), ("wres_group", "BME")],
        ),
        4,
        7,
    );
    assert_prop(
        metric(
            m,
            "wres1.band_share",
            &[("band_cluster", "Bands 1-4"), ("wres_group", "Unknown")],
        ),
        2,
        2,
    );
    // Clinical at year end: a1 a2 a3 c1 c2 a8 a9; interpreters by 31 March: a1, a3
    // (c2's course on 5 April is after the year end)
    assert_prop(metric(m, "train.interpreters_clinical_pct", &[]), 2, 7);
    assert_prop(metric(m, "train.cultural_competence_pct", &[]), 1, 11);
    assert_eq!(metric(m, "mentoring.bme_matched", &[])["value"], 1.0);

    // WRES 2: (3/6) / (1/4) = 2.0, Katz interval by hand 0.3062 to 13.0615
    let w2 = metric(m, "wres2.relative_likelihood", &[]);
    assert_eq!(w2["value"], 2.0);
    assert_eq!(w2["ci_low"], 0.3062);
    assert_eq!(w2["ci_high"], 13.0615);
    // WDES 2: no disabled applicant was shortlisted: not computable, not 0 or infinity
    let wd2 = metric(m, "wdes2.relative_likelihood", &[]);
    assert!(wd2["value"].is_null(), "{wd2}");
    // WRES 3: BME 1 case of 5 staff, White 1 of 4 (a1, a4, c1, a9): 0.2 / 0.25 = 0.8
    let w3 = metric(m, "wres3.relative_likelihood", &[]);
    assert_eq!(w3["value"], 0.8);
    assert_eq!(
        (w3["ci_low"].clone(), w3["ci_high"].clone()),
        (0.0697.into(), 9.1797.into())
    );
    // WRES 4: White a1, a4 of 4 had CPD in the year (c1's is after it), BME a2 of 5
    let w4 = metric(m, "wres4.relative_likelihood", &[]);
    assert_eq!(w4["value"], 2.5);
    // Turnover: a7 and c3 left in the year; mean headcount (10 + 10 + 9 + 11) / 4 = 10
    assert_prop(metric(m, "wf.turnover_pct", &[]), 2, 10);
    // Community Links: c3 left; its snapshots held 3, 3, 3, 2 -> mean 2.75 -> 3
    assert_prop(metric(m, "wf.turnover_pct", &[("partner_org", "CL")]), 1, 3);

    // The trend: BME share at each quarter end, 4/10, 4/10, 4/9, 5/11
    let trend = json["trend"].as_array().unwrap();
    let bme_trend: Vec<(String, u64, u64)> = trend
        .iter()
        .map(|q| {
            let b = metric(&q["metrics"], "wf.bme_pct", &[]);
            (
                q["period"].as_str().unwrap().to_string(),
                b["numerator"].as_u64().unwrap(),
                b["denominator"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bme_trend,
        [
            ("2025-Q2".into(), 4, 10),
            ("2025-Q3".into(), 4, 10),
            ("2025-Q4".into(), 4, 9),
            ("2026-Q1".into(), 5, 11)
        ]
    );
    // Interpreters in the first quarter: clinical a1 a2 a3 a7 c1 c2, trained by June: a1
    assert_prop(
        metric(&trend[0]["metrics"], "train.interpreters_clinical_pct", &[]),
        1,
        6,
    );
    // Last year's end: 7 staff, BME a2 a3 a5
    assert_eq!(json["previous_period"]["id"], "FY2024-25");
    assert_prop(
        metric(&json["previous_period"]["metrics"], "wf.bme_pct", &[]),
        3,
        7,
    );
    // The population comparison: 9 staff with a known ethnicity; Asian a2 (J), c2 (H),
    // a8 (K); Black a3 (N), a5 (M)
    let groups = json["benchmark"]["groups"].as_array().unwrap();
    let staff: Vec<(u64, u64)> = groups
        .iter()
        .map(|g| {
            (
                g["staff"].as_u64().unwrap(),
                g["staff_known_ethnicity"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(staff, [(4, 9), (3, 9), (2, 9), (0, 9)]);

    let text = pdf_text(&folder.join("report.pdf"));
    for s in [
        "Workforce equality: annual report",
        "2025/26 (April 2025 to March 2026)",
        "Change since last year",
        "The year quarter by quarter",
        "BME staff, quarter by quarter",
        "Q1 2025/26",
        "Q4 2025/26",
        "Representation by pay band (WRES indicator 1)",
        "Bands 5-7: BME",
        "The workforce and the population it serves",
        "Indicators outside this report",
        "WRES 5: staff experiencing harassment",
        "WDES 3: disabled staff entering the formal capability process",
        "Not computable",
        "Turnover in the year",
        // the small partner keeps its page, with its figures hidden
        "Community Links (CL)",
        "had fewer than 5 staff in post on 31 March 2026",
        // a configured partner with no staff is named, not dropped
        "Touchstone (TS)",
        "has no staff in the snapshot",
    ] {
        assert!(text.contains(s), "PDF lacks {s:?}");
    }
    // Small numbers stay hidden: 2 of 7 clinical staff trained (28.6%) is not shown,
    // while 5 of 11 BME staff (45.5%) is.
    assert!(
        !text.contains("28.6%"),
        "2 of 7 shown despite small numbers"
    );
    assert!(text.contains("45.5%"), "5 of 11 BME staff not shown");
}

#[test]
fn workforce_annual_takes_a_financial_year() {
    let out = tempdir();
    let r = run(
        &[
            "run",
            "workforce-annual",
            "--period",
            "2026-Q1",
            "--data",
            sample_data().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--no-send",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("workforce-annual takes a financial year such as FY2025-26, not 2026-Q1"),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("workforce-annual").exists());
}

#[test]
fn workforce_annual_on_sample_data_has_every_workforce_figure() {
    let out = tempdir();
    let r = run_workforce("FY2025-26", &sample_data(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let folder = out.path().join("workforce-annual/FY2025-26");
    let json = read_json(&folder.join("metrics.json"));
    let m = &json["metrics"];
    // Every workforce figure of the registry (that is, of docs/reports.md) but those of
    // bands and pay quartiles (below), overall and by partner.
    let by_row = [
        "wres1.band_share",
        "wres1.band_count",
        "wdes1.band_share",
        "wf.model_employer",
        "pay.quartile_share",
    ];
    // (the survey's results are by partner and group: below)
    for id in equity_reports::registry::ids()
        .filter(|id| !id.starts_with("tt.") && !id.starts_with("survey.") && !by_row.contains(id))
    {
        metric(m, id, &[]);
        metric(m, id, &[("partner_org", "LCH")]);
    }
    for (id, dim, g) in [
        ("wres1.band_count", "wres_group", "BME"),
        ("wdes1.band_share", "disability", "Y"),
    ] {
        metric(m, id, &[("afc_band", "5"), ("clinical", "yes"), (dim, g)]);
        metric(
            m,
            id,
            &[
                ("afc_band", "5"),
                ("clinical", "yes"),
                (dim, g),
                ("partner_org", "LCH"),
            ],
        );
    }
    metric(
        m,
        "pay.quartile_share",
        &[("pay_group", "women"), ("pay_quartile", "4")],
    );
    metric(m, "wres9.board_bme_pct", &[("board_role", "executive")]);
    metric(m, "wf.model_employer", &[("afc_band", "8A")]);
    metric(
        m,
        "survey.wres7",
        &[("partner_org", "LCH"), ("staff_group", "BME")],
    );
    for group in ["White", "BME", "Unknown"] {
        metric(
            m,
            "wres1.band_share",
            &[("band_cluster", "Bands 8a-8b"), ("wres_group", group)],
        );
        metric(m, "wf.turnover_pct", &[("wres_group", group)]);
    }
    metric(m, "wf.turnover_pct", &[("disability", "Y")]);
    assert_eq!(json["trend"].as_array().unwrap().len(), 4);

    let text = pdf_text(&folder.join("report.pdf"));
    let bme = metric(m, "wf.bme_pct", &[]);
    let shown = format!(
        "{:.1}% ({:.1}% to {:.1}%)",
        bme["value"].as_f64().unwrap() * 100.0,
        bme["ci_low"].as_f64().unwrap() * 100.0,
        bme["ci_high"].as_f64().unwrap() * 100.0
    );
    assert!(text.contains(&shown), "PDF lacks the BME headline {shown}");
    // the model employer's largest senior band is shown, its BME staff kept visible
    // where suppression had a choice: its share and step as metrics.json gives them
    let band = &json["model_employer"]["bands"][0];
    assert_eq!(band["afc_band"], "8A");
    let pct = |x: &serde_json::Value| format!("{:.1}%", x.as_f64().unwrap() * 100.0);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = format!(
        "Band 8a: {} BME{}this year's step of {}",
        pct(&band["share"]),
        if band["needed"] == 0 {
            ", at or beyond "
        } else {
            " against "
        },
        pct(&band["aspiration"])
    );
    assert!(words.contains(&said), "{said} not in the PDF");
    for s in [
        "Leeds and York Partnership NHS Foundation Trust (LYPFT)",
        "Ethnicity of staff by band cluster",
        "Leeds residents, all ages (Census 2021)",
        "Target 19.8%",
        "May 2025 baseline 17.0%",
        "Chart description:",
    ] {
        assert!(text.contains(s), "PDF lacks {s:?}");
    }
    assert!(!text.contains("ST0"), "a staff pseudonym is in the PDF");
}
