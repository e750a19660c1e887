//! The workforce report a WRES lead would sign (issue: the national returns): the band
//! table as the WRES and WDES returns lay it out, the board by voting role with WDES
//! 10, on a 30-person snapshot counted by hand; and an extract of the old contract
//! (no board roles, no pay, no staff survey) still runs.

use std::path::Path;

use crate::helpers::*;

/// One of the 30: band, clinical, ethnic code, disability, board role (None: not on
/// the board).
type Person = (
    &'static str,
    bool,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// 30 staff in post at LCH on 31 March 2026, counted by hand:
/// - clinical Band 5: 12, White (A) 7 and BME (H) 5; disabled 5, not disabled 7;
/// - clinical Band 6: 8, all White and not disabled;
/// - non-clinical Band 3: 10, White 5 and BME 5; not disabled 5, not stated (Z) 5.
///
/// The board, 6 of them: executive 3 (two White at Band 6, one BME at Band 5 who is
/// disabled), non-executive 2 (BME at Band 3), one not voting (White at Band 3).
fn people() -> Vec<Person> {
    let mut p: Vec<Person> = Vec::new();
    for i in 0..12 {
        let ethnic = if i < 7 { "A" } else { "H" };
        let disability = if i >= 7 { "Y" } else { "N" };
        let role = (i == 11).then_some("executive");
        p.push(("5", true, ethnic, disability, role));
    }
    for i in 0..8 {
        p.push(("6", true, "A", "N", (i < 2).then_some("executive")));
    }
    for i in 0..10 {
        let ethnic = if i < 5 { "A" } else { "H" };
        let disability = if i % 2 == 0 { "N" } else { "Z" };
        let role = match i {
            0 => Some("non_voting"),
            5 | 6 => Some("non_executive"),
            _ => None,
        };
        p.push(("3", false, ethnic, disability, role));
    }
    p
}

const IDS: [&str; 30] = [
    "s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09", "s10", "s11", "s12", "s13",
    "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26",
    "s27", "s28", "s29", "s30",
];

/// Hourly pay by hand: Band 3 12.00, Band 5 16.00, Band 6 20.00, and a pound more for
/// men (every even row); `odd` replaces the last row's (a woman at Band 3).
fn pay(people: &[Person], odd: Option<f64>) -> Vec<f64> {
    people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let base = match p.0 {
                "3" => 12.0,
                "5" => 16.0,
                _ => 20.0,
            };
            let pay = base + if i % 2 == 0 { 1.0 } else { 0.0 };
            if i == people.len() - 1 {
                odd.unwrap_or(pay)
            } else {
                pay
            }
        })
        .collect()
}

/// The snapshot, with the board and its roles and pay unless `old_contract`.
fn write_snapshot(dir: &Path, old_contract: bool) {
    write_snapshot_paid(dir, old_contract, None);
}

fn write_snapshot_paid(dir: &Path, old_contract: bool, odd_pay: Option<f64>) {
    let people = people();
    let rows: Vec<Staff> = people
        .iter()
        .zip(IDS)
        .enumerate()
        .map(|(i, (p, id))| Staff {
            date: "2026-03-31",
            id,
            partner: "LCH",
            band: p.0,
            ethnic: p.2,
            sex: if i % 2 == 0 { "1" } else { "2" },
            disability: p.3,
            clinical: p.1,
            fte: 1.0,
        })
        .collect();
    let mut columns = staff_columns(&rows);
    if !old_contract {
        columns.push((
            "board_member",
            bools(&people.iter().map(|p| p.4.is_some()).collect::<Vec<_>>()),
        ));
        columns.push((
            "board_role",
            opt_strs(&people.iter().map(|p| p.4).collect::<Vec<_>>()),
        ));
        columns.push(("hourly_pay", f64s(&pay(&people, odd_pay))));
    }
    write_parquet(&dir.join("staff_snapshot.parquet"), columns);
}

fn annual(data: &Path, out: &Path) -> std::path::PathBuf {
    let r = run_workforce("FY2025-26", data, out, &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out.join("workforce-annual/FY2025-26")
}

/// The annual report's section `heading` (to `next`) on the 30-person snapshot.
fn annual_section(old_contract: bool, heading: &str, next: &str) -> String {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot(data.path(), old_contract);
    let folder = annual(data.path(), out.path());
    section(&pdf_text(&folder.join("report.pdf")), heading, next)
}

/// The text of a PDF's section, its words joined by single spaces.
fn section(text: &str, heading: &str, next: &str) -> String {
    section_text(text, heading, next)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_band_table_counts_each_band_as_the_national_return_lays_it_out() {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot(data.path(), false);
    let folder = annual(data.path(), out.path());
    let m = read_json(&folder.join("metrics.json"));
    let m = &m["metrics"];
    let count = |id: &str, band: &str, clinical: &str, dim: &str, g: &str| {
        let x = metric(
            m,
            id,
            &[("afc_band", band), ("clinical", clinical), (dim, g)],
        );
        (
            x["numerator"].as_u64().unwrap(),
            x["denominator"].as_u64().unwrap(),
        )
    };
    let wres = |band, clinical, g| count("wres1.band_count", band, clinical, "wres_group", g);
    let wdes = |band, clinical, g| count("wdes1.band_share", band, clinical, "disability", g);
    assert_eq!(wres("5", "yes", "White"), (7, 12));
    assert_eq!(wres("5", "yes", "BME"), (5, 12));
    assert_eq!(wres("5", "yes", "Unknown"), (0, 12));
    assert_eq!(wres("6", "yes", "BME"), (0, 8));
    assert_eq!(wres("3", "no", "BME"), (5, 10));
    assert_eq!(wdes("5", "yes", "Y"), (5, 12));
    assert_eq!(wdes("3", "no", "Z"), (5, 10));
    assert_eq!(wdes("3", "no", "Y"), (0, 10));
    // a band without staff has no row; clinical Band 3 staff are none
    let rows = m.as_array().unwrap();
    assert!(!rows.iter().any(|x| x["id"] == "wres1.band_count"
        && (x["by"]["afc_band"] == "4"
            || (x["by"]["afc_band"] == "3" && x["by"]["clinical"] == "yes"))));
    // as the PDF prints it: each group's staff with its share of the band
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section(
        &text,
        "Staff by pay band: the national returns' table (WRES 1 and WDES 1)",
        "The workforce and the population it serves",
    );
    for row in [
        "Clinical staff Band 5 7 (58.3%) 5 (41.7%) 0 (0.0%) 12 Band 6 8 (100.0%) 0 (0.0%) 0 (0.0%) 8",
        "Non-clinical staff Band 3 5 (50.0%) 5 (50.0%) 0 (0.0%) 10",
        "Band 5 5 (41.7%) 7 (58.3%) 0 (0.0%) 12 Band 6 0 (0.0%) 8 (100.0%) 0 (0.0%) 8",
        "Band 3 0 (0.0%) 5 (50.0%) 5 (50.0%) 10",
    ] {
        assert!(page.contains(row), "{row:?} not in {page}");
    }
    // and the CSV holds every row, unsuppressed
    let csv = std::fs::read_to_string(folder.join("tables/band_return.csv")).unwrap();
    assert!(csv.contains("wres1.band_count,5,yes,BME,5,12"), "{csv}");
}

#[test]
fn the_board_is_split_by_voting_role_and_its_disabled_share_set_against_the_workforce() {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot(data.path(), false);
    let folder = annual(data.path(), out.path());
    let m = read_json(&folder.join("metrics.json"));
    let m = &m["metrics"];
    let share = |id: &str, by: &[(&str, &str)]| {
        let x = metric(m, id, by);
        (
            x["numerator"].as_u64().unwrap(),
            x["denominator"].as_u64().unwrap(),
        )
    };
    // 6 members, 3 BME (one executive, two non-executive); the non-voting member is in
    // the whole board's figure but in neither role's
    assert_eq!(share("wres9.board_bme_pct", &[]), (3, 6));
    assert_eq!(
        share("wres9.board_bme_pct", &[("board_role", "executive")]),
        (1, 3)
    );
    assert_eq!(
        share("wres9.board_bme_pct", &[("board_role", "non_executive")]),
        (2, 2)
    );
    assert!(
        !m.as_array()
            .unwrap()
            .iter()
            .any(|x| x["by"]["board_role"] == "non_voting")
    );
    // WDES 10: 1 disabled of 6 (16.7 %) against 5 of 30 staff (16.7 %)
    assert_eq!(share("wdes10.board_disability_pct", &[]), (1, 6));
    assert_eq!(share("wf.disability_pct", &[]), (5, 30));
    // the PDF: 6 members shown, every count under 5 hidden, so WDES 10 is not given
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section(
        &text,
        "The board (WRES indicator 9 and WDES metric 10)",
        "Indicators outside this report",
    );
    assert!(page.contains("All board members 6 * *"), "{page}");
    assert!(page.contains("Executive (voting) * * *"), "{page}");
    assert!(page.contains("Non-executive (voting) * * *"), "{page}");
    assert!(page.contains("All staff in post 30 33.3%"), "{page}");
    assert!(page.contains("WDES metric 10 is not shown"), "{page}");
}

#[test]
fn an_extract_of_the_old_contract_still_runs() {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot(data.path(), true);
    let folder = annual(data.path(), out.path());
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section(
        &text,
        "The board (WRES indicator 9 and WDES metric 10)",
        "Indicators outside this report",
    );
    assert!(
        page.contains("The extracts mark no board members"),
        "{page}"
    );
    let pay = section(&text, "Pay gaps", "Indicators outside this report");
    assert!(pay.contains("The extracts give no hourly pay"), "{pay}");
    // the band table is there all the same
    assert!(text.contains("By disability (WDES metric 1)"));
    let m = read_json(&folder.join("metrics.json"));
    assert_eq!(
        metric(
            &m["metrics"],
            "wres1.band_count",
            &[
                ("afc_band", "5"),
                ("clinical", "yes"),
                ("wres_group", "BME")
            ]
        )["numerator"],
        5
    );
}

/// Worked by hand from `pay` (15 men and 15 women, every even row a man):
/// - gender: men's mean 251 / 15 = 16.733, women's 236 / 15 = 15.733, a gap of 1 / 16.733
///   = 5.98 %; medians 17 and 16 (the 8th of 15), 1 / 17 = 5.88 %;
/// - ethnicity: White 343 / 20 = 17.15, BME 144 / 10 = 14.40, 2.75 / 17.15 = 16.03 %;
///   medians 17 (the 10th and 11th of 20) and (13 + 16) / 2 = 14.5 (of 10), 14.71 %;
/// - disability: not disabled 345 / 20 = 17.25, disabled 82 / 5 = 16.40, 4.93 %;
///   medians 17 and 16, 5.88 %;
/// - quartiles of 8, 8, 7 and 7 by pay, then id: women 5 of 8, 6 of 8, 1 of 7, 3 of 7.
#[test]
fn each_pay_gap_and_quartile_is_the_hand_worked_one() {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot(data.path(), false);
    let folder = annual(data.path(), out.path());
    let m = read_json(&folder.join("metrics.json"));
    let m = &m["metrics"];
    let gap = |id: &str| metric(m, id, &[])["value"].as_f64().unwrap();
    let near = |a: f64, b: f64| (a - b).abs() < 1e-3;
    assert!(
        near(gap("pay.gender_gap_mean_pct"), 100.0 / 16.733_333),
        "{}",
        gap("pay.gender_gap_mean_pct")
    );
    assert!(near(gap("pay.gender_gap_median_pct"), 100.0 / 17.0));
    assert!(near(gap("pay.ethnicity_gap_mean_pct"), 275.0 / 17.15));
    assert!(near(gap("pay.ethnicity_gap_median_pct"), 250.0 / 17.0));
    assert!(near(gap("pay.disability_gap_mean_pct"), 85.0 / 17.25));
    assert!(near(gap("pay.disability_gap_median_pct"), 100.0 / 17.0));
    let women = metric(m, "pay.gender_gap_mean_pct", &[]);
    assert_eq!(
        (women["numerator"].as_u64(), women["denominator"].as_u64()),
        (Some(15), Some(15))
    );
    for (q, n, d) in [("1", 5, 8), ("2", 6, 8), ("3", 1, 7), ("4", 3, 7)] {
        let x = metric(
            m,
            "pay.quartile_share",
            &[("pay_group", "women"), ("pay_quartile", q)],
        );
        assert_eq!(
            (x["numerator"].as_u64(), x["denominator"].as_u64()),
            (Some(n), Some(d)),
            "{q}"
        );
    }
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section(&text, "Pay gaps", "Indicators outside this report");
    for row in [
        "Gender: men against women 6.0% 5.9% 15 men, 15 women",
        "Ethnicity: White against BME staff 16.0% 14.7% 20 White, 10 BME",
        "Disability: non-disabled against disabled staff 4.9% 5.9% 20 not disabled, 5 disabled",
        "Lower quartile 62.5%",
        "Upper middle quartile *",
    ] {
        assert!(page.contains(row), "{row:?} not in {page}");
    }
}

/// Pay typed in pence (2,450 pounds an hour) is counted on the data-quality page and
/// left out: the women's mean is then 224 / 14 = 16.0, a gap of 0.7333 / 16.7333.
#[test]
fn pay_out_of_range_is_counted_and_left_out_of_the_gaps() {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot_paid(data.path(), false, Some(2450.0));
    let folder = annual(data.path(), out.path());
    let m = read_json(&folder.join("metrics.json"));
    let g = metric(&m["metrics"], "pay.gender_gap_mean_pct", &[]);
    assert_eq!(g["numerator"], 14);
    assert!(
        (g["value"].as_f64().unwrap() - 73.333_33 / 16.733_333).abs() < 1e-3,
        "{g}"
    );
    let text = pdf_text(&folder.join("report.pdf"));
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        one.contains("hourly_pay out of range (0 < hourly_pay <= 1,000; left out of pay figures): 2450.0 LCH 1"),
        "{one}"
    );
}

/// LCH's published survey, with what a partner might send wrong: WRES 5 for White staff
/// (22.0 % of 10) and BME staff (30.0 % of 4, too few to show), the group spelt in
/// lower case, an indicator the contract does not list and a share over 100.
fn write_survey(dir: &Path) {
    let rows: [(&str, &str, f64, i64); 5] = [
        ("wres5", "White", 22.0, 10),
        ("wres5", "bme", 30.0, 4),
        ("wdes5", "Disabled", 48.5, 12),
        ("wres10", "BME", 10.0, 12),
        ("wdes6", "Non-disabled", 120.0, 40),
    ];
    write_parquet(
        &dir.join("staff_survey.parquet"),
        vec![
            ("partner_org", strs(&["LCH"; 5])),
            ("survey_year", ints(&[Some(2025); 5])),
            ("indicator", strs(&rows.map(|r| r.0))),
            ("staff_group", strs(&rows.map(|r| r.1))),
            ("value_pct", f64s(&rows.map(|r| r.2))),
            ("respondents", ints(&rows.map(|r| Some(r.3)))),
            ("source", strs(&["NHS Staff Survey 2025"; 5])),
        ],
    );
}

#[test]
fn published_survey_results_stand_beside_the_hr_indicators_and_bad_rows_are_counted() {
    let (data, out) = (tempdir(), tempdir());
    write_snapshot(data.path(), false);
    write_survey(data.path());
    let folder = annual(data.path(), out.path());
    let m = read_json(&folder.join("metrics.json"));
    let white = metric(
        &m["metrics"],
        "survey.wres5",
        &[("partner_org", "LCH"), ("staff_group", "White")],
    );
    assert_eq!(
        (white["value"].as_f64(), white["denominator"].as_u64()),
        (Some(0.22), Some(10))
    );
    // the lower-case group read as BME; the rows sent wrong left out
    metric(
        &m["metrics"],
        "survey.wres5",
        &[("partner_org", "LCH"), ("staff_group", "BME")],
    );
    let ids: Vec<&str> = m["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert!(!ids.contains(&"survey.wdes6") && !ids.iter().any(|i| i.contains("wres10")));
    assert_eq!(m["staff_survey"].as_array().unwrap().len(), 3);
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section(
        &text,
        "The staff survey (WRES indicators 5 to 8, WDES metrics 4 to 9)",
        "Indicators outside this report",
    );
    assert!(
        page.contains("WRES 5: harassment, bullying or abuse from patients, relatives or the public LCH 2025 22.0% (10) * - NHS Staff Survey 2025"),
        "{page}"
    );
    assert!(
        page.contains("LCH 2025 48.5% (12) - - NHS Staff Survey 2025"),
        "{page}"
    );
    // each bad row a counted problem, in validate and on the data-quality page
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        one.contains("indicator unknown code (row excluded): wres10 LCH 1"),
        "{one}"
    );
    assert!(
        one.contains("value_pct out of range (0 to 100; row excluded): 120.0 LCH 1"),
        "{one}"
    );
    // validate counts them on an extract set it can use (the sample's, with this survey)
    let whole = tempdir();
    copy_tree(&sample_data(), whole.path());
    write_survey(whole.path());
    let v = validate(whole.path(), &[]);
    assert_eq!(v.code, 1, "row-level problems only: {}", v.stdout);
    assert!(
        v.stdout.contains("staff_survey: 1 file(s), 5 rows"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("indicator: unknown code (row excluded) \"wres10\"  [partner LCH]"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("value_pct: out of range (0 to 100; row excluded) \"120.0\""),
        "{}",
        v.stdout
    );
}

#[test]
fn without_the_survey_the_report_says_where_it_is_published() {
    let page = annual_section(
        false,
        "The staff survey (WRES indicators 5 to 8, WDES metrics 4 to 9)",
        "Indicators outside this report",
    );
    assert!(
        page.contains("No staff-survey results were supplied"),
        "{page}"
    );
}

/// Band 8a: 50 clinical staff, 5 BME, against a line from 10 % on 31 March 2025 to 20 %
/// on 31 March 2028 (1,096 days): on 31 March 2026, 365 days on, the step is
/// 10 % + 10 % x 365 / 1,096 = 13.33 %, so 6.67 of 50, 7 BME staff: 2 more.
#[test]
fn a_senior_band_is_set_against_this_years_step_of_the_model_employer() {
    let (data, out) = (tempdir(), tempdir());
    const IDS: [&str; 50] = [
        "m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10", "m11", "m12", "m13",
        "m14", "m15", "m16", "m17", "m18", "m19", "m20", "m21", "m22", "m23", "m24", "m25", "m26",
        "m27", "m28", "m29", "m30", "m31", "m32", "m33", "m34", "m35", "m36", "m37", "m38", "m39",
        "m40", "m41", "m42", "m43", "m44", "m45", "m46", "m47", "m48", "m49", "m50",
    ];
    let rows: Vec<Staff> = IDS
        .iter()
        .enumerate()
        .map(|(i, id)| Staff {
            date: "2026-03-31",
            id,
            partner: "LCH",
            band: "8a",
            ethnic: if i < 5 { "H" } else { "A" },
            sex: if i % 2 == 0 { "1" } else { "2" },
            disability: "N",
            clinical: true,
            fte: 1.0,
        })
        .collect();
    write_parquet(
        &data.path().join("staff_snapshot.parquet"),
        staff_columns(&rows),
    );
    let r = run_workforce(
        "FY2025-26",
        data.path(),
        out.path(),
        &["--no-send"],
        &[
            (
                "EQUITY_REPORTS__WORKFORCE__MODEL_EMPLOYER__BASELINE",
                "{ \"8A\" = 0.10 }",
            ),
            ("EQUITY_REPORTS__WORKFORCE__MODEL_EMPLOYER__GOAL", "0.20"),
            (
                "EQUITY_REPORTS__WORKFORCE__MODEL_EMPLOYER__BASELINE_DATE",
                "\"2025-03-31\"",
            ),
            (
                "EQUITY_REPORTS__WORKFORCE__MODEL_EMPLOYER__GOAL_DATE",
                "\"2028-03-31\"",
            ),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let folder = out.path().join("workforce-annual/FY2025-26");
    let m = read_json(&folder.join("metrics.json"));
    let band = &m["model_employer"]["bands"][0];
    assert_eq!(band["afc_band"], "8A");
    assert_eq!(
        (band["bme_staff"].as_u64(), band["staff"].as_u64()),
        (Some(5), Some(50))
    );
    assert!(
        (band["aspiration"].as_f64().unwrap() - (0.1 + 0.1 * 365.0 / 1096.0)).abs() < 1e-4,
        "{band}"
    );
    assert_eq!(band["needed"], 2);
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section(
        &text,
        "The model employer: senior bands against the ambition",
        "The workforce and the population it serves",
    );
    assert!(
        page.contains(
            "Band 8a: 10.0% BME against this year's step of 13.3%: 2 more BME staff would reach it."
        ),
        "{page}"
    );
    assert!(
        page.contains("Band 8a: BME share at each quarter end against the ambition"),
        "{page}"
    );
}
