//! Figures of workforce-quarterly on a hand-made fixture, each worked out by hand.

use std::path::Path;

use crate::helpers::*;

// One row of the staff table, as the fixture reads best: a field a parameter.
#[allow(clippy::too_many_arguments)]
fn s(
    date: &'static str,
    id: &'static str,
    partner: &'static str,
    band: &'static str,
    ethnic: &'static str,
    sex: &'static str,
    disability: &'static str,
    clinical: bool,
    fte: f64,
) -> Staff {
    Staff {
        date,
        id,
        partner,
        band,
        ethnic,
        sex,
        disability,
        clinical,
        fte,
    }
}

/// 12 staff at 2026-09-30 (one sent twice), 3 at 2026-06-30.
pub(crate) fn fixture_staff() -> Vec<Staff> {
    let q3 = "2026-09-30";
    let q2 = "2026-06-30";
    vec![
        s(q3, "s1", "LCH", "5", "A", "2", "N", true, 1.0),
        s(q3, "s1", "LCH", "5", "A", "2", "N", true, 1.0), // duplicate key: left out
        s(q3, "s2", "LCH", "6", "J", "1", "Y", true, 1.0),
        s(q3, "s3", "LCH", "7", "N", "2", "N", true, 0.8),
        s(q3, "s4", "LCH", "8a", "A", "2", "N", false, 1.0),
        s(q3, "s5", "LCH", "8B", "M", "1", "N", false, 0.5),
        s(q3, "s6", "LCH", "3", "Z", "2", "Z", false, 1.0),
        s(q3, "s7", "CL", "4", "A", "2", "N", true, 0.6),
        s(q3, "s8", "CL", "7", "A", "2", "Y", true, 1.0),
        s(q3, "s9", "cl ", "Other", " j", "M", "N", true, 1.0), // codes normalised
        s(q3, "s10", "CL", "2", "99", "F", "n", false, 0.4),
        s(q3, "s11", "XYZ", "5", "C", "2", "N", true, 1.0), // unlisted partner
        s(q3, "s12", "LCH", "6", "Q", "2", "N", true, 1.0), // unknown code -> Unknown
        s(q2, "s1", "LCH", "5", "A", "2", "N", true, 1.0),
        s(q2, "s2", "LCH", "6", "J", "1", "Y", true, 1.0),
        s(q2, "s7", "CL", "4", "A", "2", "N", true, 0.6),
        // s13 leaves in August: recorded Z in March, N (BME) and disabled by June
        s(q2, "s13", "LCH", "5", "N", "2", "Y", true, 1.0),
        s("2026-03-31", "s13", "LCH", "5", "Z", "2", "N", true, 1.0),
    ]
}

pub(crate) fn write_fixture(dir: &Path) {
    write_parquet(
        &dir.join("staff_snapshot.parquet"),
        staff_columns(&fixture_staff()),
    );
    // (staff, course, completed, mandatory)
    let training = [
        ("s1", "interpreters", "2026-05-01", true),
        ("s2", "interpreters", "2026-10-05", true), // after the period end
        ("s7", "interpreters", "2025-01-01", true),
        ("s4", "interpreters", "2026-01-01", true), // not clinical
        ("s1", "cultural_competence", "2026-02-01", true),
        ("s4", "cultural_competence", "2026-03-01", true),
        ("s9", " Cultural_Competence ", "2026-04-01", true),
        ("s10", "cultural_competence", "2026-09-30", true),
        ("s3", "cpd_leadership", "2026-01-01", false),
        ("s1", "cpd_skills", "2026-06-01", false),
        ("s4", "cpd_skills", "2025-09-01", false), // before the 12-month window
        ("s8", "cpd_skills", "2026-10-03", false), // after the period end
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
    // Recruitment, 12 months to 30 Sep 2026: White 4 of 10 shortlisted appointed (3 of
    // them disabled, 1 of those appointed), BME 2 of 8; two not shortlisted; one White
    // appointment dated before the window.
    let mut apps: Vec<Application> = Vec::new();
    for i in 0..10 {
        let disabled = i < 3;
        let appointed = if disabled { i == 0 } else { i < 6 };
        apps.push((
            "A",
            if disabled { "Y" } else { "N" },
            true,
            appointed,
            "2026-02-01",
        ));
    }
    for i in 0..8 {
        apps.push(("N", "N", true, i < 2, "2026-05-01"));
    }
    apps.push(("A", "N", false, false, "2026-05-01"));
    apps.push(("B", "N", false, false, "2026-05-01"));
    apps.push(("A", "N", true, true, "2025-09-30"));
    write_recruitment(dir, &apps);
    // Disciplinary: s2 (placed by its first snapshot after the case), s3 and s1 in the
    // window; s5's case is before it.
    write_parquet(
        &dir.join("disciplinary.parquet"),
        vec![
            ("case_id", strs(&["c1", "c2", "c3", "c4"])),
            ("staff_id", strs(&["s2", "s3", "s1", "s5"])),
            (
                "opened_date",
                dates(&["2026-03-01", "2026-08-01", "2025-12-01", "2025-01-01"]),
            ),
        ],
    );
    // Leavers: s13 in the quarter, s14 before it.
    write_parquet(
        &dir.join("leavers.parquet"),
        vec![
            ("staff_id", strs(&["s13", "s14"])),
            ("partner_org", strs(&["LCH", "CL"])),
            ("leave_date", dates(&["2026-08-15", "2026-05-01"])),
        ],
    );
    write_parquet(
        &dir.join("mentoring.parquet"),
        vec![
            ("staff_id", strs(&["s2", "s3", "s1", "s5"])),
            (
                "programme",
                strs(&[
                    "bme_leadership",
                    "bme_leadership",
                    "bme_leadership",
                    "BME_Leadership",
                ]),
            ),
            (
                "matched_date",
                dates(&["2026-01-10", "2026-10-02", "2026-02-01", "2025-06-01"]),
            ),
        ],
    );
}

#[test]
fn workforce_quarterly_figures_match_hand_counts() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    let json = read_json(&folder.join("metrics.json"));
    assert_eq!(json["period"]["start"], "2026-07-01");
    assert_eq!(json["snapshot_date"], "2026-09-30");
    let m = &json["metrics"];

    // 12 distinct staff; FTE 1+1+0.8+1+0.5+1+0.6+1+1+0.4+1+1 = 10.3
    assert_eq!(metric(m, "wf.headcount", &[])["value"], 12.0);
    assert_eq!(metric(m, "wf.fte", &[])["value"], 10.3);
    // BME: s2 (J), s3 (N), s5 (M), s9 (' j' -> J) = 4 of 12
    let bme = metric(m, "wf.bme_pct", &[]);
    assert_prop(bme, 4, 12);
    // Wilson 95 % for 4/12, worked by hand: 0.1381 to 0.6094
    assert_eq!(bme["ci_low"], 0.1381);
    assert_eq!(bme["ci_high"], 0.6094);
    // Unknown: s6 (Z), s10 (99), s12 (Q, not a code) = 3
    assert_prop(metric(m, "wf.ethnicity_unknown_pct", &[]), 3, 12);
    // Band 7+: s3 (7), s4 (8a), s5 (8B), s8 (7); BME among them s3, s5
    assert_prop(metric(m, "wf.bme_pct_band7plus", &[]), 2, 4);
    assert_prop(metric(m, "wf.disability_pct", &[]), 2, 12);
    // Men: s2, s5 and s9 ('M' read as 1)
    assert_prop(metric(m, "wf.male_pct", &[]), 3, 12);
    // Clinical: s1 s2 s3 s7 s8 s9 s11 s12 = 8; interpreters by 30 Sep among them: s1, s7
    // (s2's completion on 5 Oct is after the period; s4 is not clinical)
    assert_prop(metric(m, "train.interpreters_clinical_pct", &[]), 2, 8);
    // Cultural competence by 30 Sep: s1, s4, s9 (code trimmed, case ignored), s10 (on the day)
    assert_prop(metric(m, "train.cultural_competence_pct", &[]), 4, 12);
    // BME leadership mentees by 30 Sep: s2 and s5 (s3 matched in October, s1 is White)
    assert_eq!(metric(m, "mentoring.bme_matched", &[])["value"], 2.0);
    assert_eq!(
        metric(m, "mentoring.bme_matched", &[("partner_org", "LCH")])["value"],
        2.0
    );
    // Bands 5-7: s1 (A), s2 (J), s3 (N), s8 (A), s11 (C), s12 (Unknown) -> BME 2 of 6
    assert_prop(
        metric(
            m,
            "wres1.band_share",
            &[("band_cluster", "Bands 5-7"), ("wres_group", "BME")],
        ),
        2,
        6,
    );
    assert_prop(
        metric(
            m,
            "wres1.band_share",
            &[("band_cluster", "Bands 5-7"), ("wres_group", "White")],
        ),
        3,
        6,
    );
    // 'Other' band cluster holds s9 only
    assert_prop(
        metric(
            m,
            "wres1.band_share",
            &[("band_cluster", "Other"), ("wres_group", "BME")],
        ),
        1,
        1,
    );
    // By partner: LCH s1-s6, s12 = 7 with BME s2 s3 s5; CL (s9's ' cl' normalised) 4; XYZ unlisted
    assert_eq!(
        metric(m, "wf.headcount", &[("partner_org", "LCH")])["value"],
        7.0
    );
    assert_prop(metric(m, "wf.bme_pct", &[("partner_org", "LCH")]), 3, 7);
    assert_eq!(
        metric(m, "wf.headcount", &[("partner_org", "CL")])["value"],
        4.0
    );
    assert_eq!(
        metric(m, "wf.headcount", &[("partner_org", "Unlisted")])["value"],
        1.0
    );

    // Previous quarter: s1 (A), s2 (J), s7 (A)
    let prev = &json["previous_period"];
    assert_eq!(prev["id"], "2026-Q2");
    // (s1 A, s2 J, s7 A, s13 N)
    assert_prop(metric(&prev["metrics"], "wf.bme_pct", &[]), 2, 4);

    // WRES 2: White 4/10 = 0.4 over BME 2/8 = 0.25 -> 1.6; log-scale CI:
    // se = sqrt(1/4 - 1/10 + 1/2 - 1/8) = 0.724569, exp(0.470004 -/+ 1.420129) = exp(-0.950125) .. exp(1.890133) = 0.3867 .. 6.6202
    let w2 = metric(m, "wres2.relative_likelihood", &[]);
    assert_eq!(w2["value"], 1.6);
    assert_eq!(w2["ci_low"], 0.3867);
    assert_eq!(w2["ci_high"], 6.6202);
    assert_eq!(w2["groups"][0]["numerator"], 4);
    assert_eq!(w2["groups"][1]["denominator"], 8);
    // WDES 2: not disabled (7 White + 8 BME shortlisted; 3 + 2 appointed) 5/15 over
    // disabled 1/3 -> 1.0
    assert_eq!(metric(m, "wdes2.relative_likelihood", &[])["value"], 1.0);
    // WRES 3: BME cases s2, s3 over BME headcount 4 = 0.5; White case s1 over White
    // headcount 5 (s1 s4 s7 s8 s11) = 0.2 -> 2.5 (s5's case is before the window)
    let w3 = metric(m, "wres3.relative_likelihood", &[]);
    assert_eq!(w3["value"], 2.5);
    assert_eq!(w3["groups"][0]["numerator"], 2);
    // Unlisted holds White s11 only: no BME staff, so not computable (null, not 0 or infinity)
    assert!(
        metric(
            m,
            "wres3.relative_likelihood",
            &[("partner_org", "Unlisted")]
        )["value"]
            .is_null()
    );
    // WRES 4: White with a CPD course in the window: s1 only (s4's is before it, s8's
    // after the period end) 1/5; BME: s3 1/4 -> 0.8
    assert_eq!(metric(m, "wres4.relative_likelihood", &[])["value"], 0.8);
    // Turnover in Q3: s13 left in August; one snapshot in the quarter, 12 staff.
    // s13's demographics come from June (BME, disabled), not March (Z).
    assert_prop(metric(m, "wf.turnover_pct", &[]), 1, 12);
    assert_prop(metric(m, "wf.turnover_pct", &[("wres_group", "BME")]), 1, 4);
    assert_prop(metric(m, "wf.turnover_pct", &[("disability", "Y")]), 1, 2);
    assert_prop(
        metric(m, "wf.turnover_pct", &[("wres_group", "Unknown")]),
        0,
        3,
    );

    // Every problem counted: the duplicate, the unlisted partner, the unknown code Q
    let dq = std::fs::read_to_string(folder.join("tables/data_quality.csv")).unwrap();
    assert!(
        dq.contains("staff_snapshot,staff_id,duplicate key (row excluded),,LCH,1"),
        "{dq}"
    );
    assert!(
        dq.contains("staff_snapshot,partner_org,unlisted partner code,XYZ,Unlisted,1"),
        "{dq}"
    );
    assert!(
        dq.contains("staff_snapshot,ethnic_category,unknown code,Q,LCH,1"),
        "{dq}"
    );

    // The PDF suppresses the small counts: LCH's 7 staff is shown, CL's 4 is not.
    let text = pdf_text(&folder.join("report.pdf"));
    assert!(text.contains("Summary of headline figures"), "{text}");
    // BME is 4 of 12: a numerator below 5, so the PDF hides it (metrics.json keeps it).
    let bme_row = text
        .lines()
        .find(|l| l.trim_start().starts_with("BME staff "))
        .expect("BME row");
    assert!(
        bme_row.contains('*') && !bme_row.contains("33.3"),
        "{bme_row}"
    );
    let head = text
        .lines()
        .find(|l| l.contains("Staff in post (headcount)"))
        .expect("headcount row");
    assert!(head.contains("12"), "{head}");
    // one status format in every report: the target in words, then its status
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("Figure "))
        .expect("summary header");
    assert!(
        header.contains("Target") && header.contains("Status") && !header.contains("RAG"),
        "{header}"
    );
    assert!(text.contains("at least"), "{text}");
    let partners = &text[text.find("Figures by partner organisation").unwrap()..];
    let lch = partners
        .lines()
        .find(|l| l.contains("Leeds Community Healthcare"))
        .expect("LCH row");
    assert!(lch.contains(" 7 "), "{lch}");
    let cl = partners
        .lines()
        .find(|l| l.contains("Community Links (CL)"))
        .expect("CL row");
    assert!(!cl.contains(" 4 ") && cl.contains('*'), "{cl}");
}

#[test]
fn rerun_gives_the_same_metrics_json_pdf_and_html_bytes() {
    let data = tempdir();
    write_fixture(data.path());
    let runs: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = (0..2)
        .map(|_| {
            let out = tempdir();
            let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let folder = out.path().join("workforce-quarterly/2026-Q3");
            (
                std::fs::read(folder.join("metrics.json")).unwrap(),
                std::fs::read(folder.join("report.pdf")).unwrap(),
                std::fs::read(folder.join("report.html")).unwrap(),
            )
        })
        .collect();
    assert!(
        runs[0].0 == runs[1].0,
        "metrics.json differs between identical runs"
    );
    assert!(
        runs[0].1 == runs[1].1,
        "report.pdf differs between identical runs"
    );
    assert!(
        runs[0].2 == runs[1].2,
        "report.html differs between identical runs"
    );
}

#[test]
fn absent_optional_datasets_say_not_supplied_and_never_pass_as_zero() {
    let data = tempdir();
    let out = tempdir();
    write_parquet(
        &data.path().join("staff_snapshot.parquet"),
        staff_columns(&fixture_staff()),
    );
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    let json = read_json(&folder.join("metrics.json"));
    let ids: Vec<&str> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    for gone in [
        "train.cultural_competence_pct",
        "mentoring.bme_matched",
        "wres2.relative_likelihood",
        "wres3.relative_likelihood",
        "wres4.relative_likelihood",
        "wdes2.relative_likelihood",
        "wf.turnover_pct",
    ] {
        assert!(
            !ids.contains(&gone),
            "{gone} computed from an absent dataset"
        );
    }
    assert!(ids.contains(&"wf.bme_pct"));
    assert_eq!(
        json["not_supplied"],
        serde_json::json!([
            "leavers",
            "recruitment",
            "training",
            "disciplinary",
            "mentoring",
            "staff_survey"
        ])
    );
    let text = pdf_text(&folder.join("report.pdf"));
    assert!(
        text.contains("The training extract was not supplied"),
        "{text}"
    );
    assert!(
        !text.contains("The recruitment extract was not supplied"),
        "training section names only its own datasets"
    );
    assert!(
        text.contains("recruitment not supplied") && text.contains("leavers not supplied"),
        "{text}"
    );
}
