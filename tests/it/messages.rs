//! Key messages: the rules that choose what a report says first, on hand-made extracts
//! where each rule's finding is known, and where none is.

use std::path::Path;

use crate::helpers::*;

/// The key messages of a report as its PDF and its HTML twin give them: the items of
/// the list on the key-messages page, spaces made single.
fn messages(folder: &Path) -> (Vec<String>, Vec<String>, String) {
    let one = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section_text(&text, "Key messages", "Summary of headline figures");
    let pdf: Vec<String> = page
        .split('•')
        .skip(1)
        .map(|m| one(m.split("\n\n").next().unwrap()))
        .collect();
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let list = html
        .split("<h2")
        .find(|s| s.contains(">Key messages</h2>"))
        .expect("the key-messages section")
        .to_string();
    let items: Vec<String> = list
        .split("<li>")
        .skip(1)
        .map(|i| {
            one(&i[..i.find("</li>").unwrap()]
                .replace("&#39;", "'")
                .replace("&amp;", "&"))
        })
        .collect();
    (pdf, items, one(page))
}

/// 25 referrals in May 2025, each finishing two attended treatment sessions later with
/// paired scores that recover: 20 aged 30 start treatment 20 days after referral; 5
/// aged 70 (the 65-74 band) start after 60 days, and of those `late` after 150 days.
/// Half the people of each age are men.
fn write_referrals(dir: &Path, late: usize, old_wait: i64) {
    let day = |s: &str, plus: i64| (date(s) + chrono::Duration::days(plus)).to_string();
    let (mut ids, mut ages, mut sexes, mut starts) = (vec![], vec![], vec![], vec![]);
    for i in 0..25 {
        let old = i >= 20;
        ids.push(format!("r{i:02}"));
        ages.push(Some(if old { 70 } else { 30 }));
        sexes.push(if i % 2 == 0 { "1" } else { "2" });
        starts.push(if !old {
            20
        } else if i - 20 < late {
            150
        } else {
            old_wait
        });
    }
    let n = ids.len();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let referred = "2025-05-01";
    let ends: Vec<String> = starts.iter().map(|s| day(referred, s + 40)).collect();
    write_parquet(
        &dir.join("referrals.parquet"),
        vec![
            ("referral_id", strs(&id_refs)),
            ("person_id", strs(&id_refs)),
            ("partner_org", strs(&vec!["LCH"; n])),
            ("service_line", strs(&vec!["talking_therapies"; n])),
            ("referral_date", dates(&vec![referred; n])),
            ("age_years", ints(&ages)),
            ("sex", strs(&sexes)),
            ("ethnic_category", strs(&vec!["A"; n])),
            ("ethnic_category_detail", opt_strs(&vec![None; n])),
            ("imd_decile", ints(&vec![Some(5); n])),
            ("interpreter_required", bools(&vec![false; n])),
            (
                "end_date",
                opt_dates(&ends.iter().map(|e| Some(e.as_str())).collect::<Vec<_>>()),
            ),
        ],
    );
    // two attended treatment sessions each, the first `start` days after referral
    let (mut a_ids, mut a_refs, mut a_dates) = (vec![], vec![], vec![]);
    let (mut m_refs, mut m_dates, mut phq, mut gad) = (vec![], vec![], vec![], vec![]);
    for (i, id) in ids.iter().enumerate() {
        for (k, plus) in [starts[i], starts[i] + 14].into_iter().enumerate() {
            a_ids.push(format!("a{i:02}{k}"));
            a_refs.push(id.clone());
            a_dates.push(day(referred, plus));
        }
        // at caseness first, recovered and reliably improved last
        for (when, p, g) in [(starts[i], 15, 12), (starts[i] + 40, 4, 3)] {
            m_refs.push(id.clone());
            m_dates.push(day(referred, when));
            phq.push(Some(p));
            gad.push(Some(g));
        }
    }
    // (referral, date, type, attendance, culturally adapted) and (referral, date, scores)
    let appointments: Vec<(&str, &str, &str, &str, bool)> = (0..a_ids.len())
        .map(|i| {
            (
                a_refs[i].as_str(),
                a_dates[i].as_str(),
                "treatment",
                "attended",
                false,
            )
        })
        .collect();
    crate::service::write_appointments(dir, &a_ids, &appointments);
    // registered population: 5,000 in each age band and sex of the referrals
    let cells = [
        ("25-34", "1"),
        ("25-34", "2"),
        ("65-74", "1"),
        ("65-74", "2"),
    ];
    write_parquet(
        &dir.join("population.parquet"),
        vec![
            ("period_start", dates(&["2025-04-01"; 4])),
            ("age_band", strs(&cells.map(|c| c.0))),
            ("sex", strs(&cells.map(|c| c.1))),
            ("ethnic_category", strs(&["A"; 4])),
            ("imd_decile", ints(&[Some(5); 4])),
            ("registered", ints(&[Some(5000); 4])),
        ],
    );
    let measures: Vec<(&str, &str, Option<i64>, Option<i64>)> = (0..m_refs.len())
        .map(|i| (m_refs[i].as_str(), m_dates[i].as_str(), phq[i], gad[i]))
        .collect();
    crate::service::write_measures(dir, &measures);
}

/// 60 staff in post on 30 September 2026, 40 at Band 7 of whom `bme_band7` are BME,
/// 20 BME in all; formal disciplinary cases in the year against `bme_cases` BME staff
/// and `white_cases` White staff.
fn write_staff(dir: &Path, bme_band7: usize, bme_cases: usize, white_cases: usize) {
    const IDS: [&str; 60] = [
        "w01", "w02", "w03", "w04", "w05", "w06", "w07", "w08", "w09", "w10", "w11", "w12", "w13",
        "w14", "w15", "w16", "w17", "w18", "w19", "w20", "w21", "w22", "w23", "w24", "w25", "w26",
        "w27", "w28", "w29", "w30", "w31", "w32", "w33", "w34", "w35", "w36", "w37", "w38", "w39",
        "w40", "w41", "w42", "w43", "w44", "w45", "w46", "w47", "w48", "w49", "w50", "w51", "w52",
        "w53", "w54", "w55", "w56", "w57", "w58", "w59", "w60",
    ];
    let bme = |i: usize| {
        if i < 40 {
            i < bme_band7
        } else {
            i - 40 < 20 - bme_band7
        }
    };
    let rows: Vec<Staff> = IDS
        .iter()
        .enumerate()
        .map(|(i, id)| Staff {
            date: "2026-09-30",
            id,
            partner: "LCH",
            band: if i < 40 { "7" } else { "5" },
            ethnic: if bme(i) { "H" } else { "A" },
            sex: if i % 2 == 0 { "1" } else { "2" },
            disability: "N",
            clinical: true,
            fte: 1.0,
        })
        .collect();
    write_parquet(&dir.join("staff_snapshot.parquet"), staff_columns(&rows));
    let mut against: Vec<&str> = (0..60)
        .filter(|i| bme(*i))
        .take(bme_cases)
        .map(|i| IDS[i])
        .collect();
    against.extend(
        (0..60)
            .filter(|i| !bme(*i))
            .take(white_cases)
            .map(|i| IDS[i]),
    );
    let cases: Vec<String> = (0..against.len()).map(|i| format!("c{i}")).collect();
    write_parquet(
        &dir.join("disciplinary.parquet"),
        vec![
            (
                "case_id",
                strs(&cases.iter().map(String::as_str).collect::<Vec<_>>()),
            ),
            ("staff_id", strs(&against)),
            ("opened_date", dates(&vec!["2026-03-01"; against.len()])),
        ],
    );
}

/// equity-annual 2025/26 on `data`: its folder. The monthly charts are left out here
/// (their messages are `change_workforce`'s), and the over-65s priority group set above
/// these ages, so that the 65-74 band is the one group of those people.
fn equity(data: &Path, out: &Path) -> std::path::PathBuf {
    let r = run_report(
        "equity-annual",
        "FY2025-26",
        data,
        out,
        &["--no-send"],
        &[
            ("EQUITY_REPORTS__SPC__SERVICE_FIGURES", "[]"),
            ("EQUITY_REPORTS__PRIORITY_GROUPS__OLDER_AGE", "75"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    out.join("equity-annual/FY2025-26")
}

/// By hand: 18-week waits 23 of 25 (92.0 %) against at least 95.0 %, within the 5-point
/// margin: Amber, the one standard missed. 6-week waits 20 of 25 (80.0 %) meet their
/// 75 % standard, but the 65-74 band's are 0 of 5, whose Wilson interval (0.0 % to
/// 43.4 %) lies wholly below 80.0 %: significantly below. Recovery, reliable improvement,
/// reliable recovery and paired scores are all 100 %. So: the missed standard, then the
/// group, in that order, the same in the PDF and the HTML.
#[test]
fn a_service_report_opens_with_the_standard_it_misses_and_the_group_below_it() {
    let (data, out) = (tempdir(), tempdir());
    write_referrals(data.path(), 2, 60);
    let folder = equity(data.path(), out.path());
    let (pdf, html, _) = messages(&folder);
    let expected = [
        "Finished treatment, first treatment within 18 weeks was 92.0% against a target of at least 95.0%: Amber. See Summary of headline figures.",
        "65-74: Finished treatment, first treatment within 6 weeks 0.0% (0.0% to 43.4%), significantly below the service's 80.0%, although the service meets the standard. See Waiting times.",
    ];
    assert_eq!(pdf, expected);
    assert_eq!(html, expected);
}

/// The same people, all seen within 6 weeks: every standard met, no group worse.
#[test]
fn a_service_report_where_all_is_well_says_so() {
    let (data, out) = (tempdir(), tempdir());
    write_referrals(data.path(), 0, 20);
    let folder = equity(data.path(), out.path());
    let (pdf, html, page) = messages(&folder);
    assert!(pdf.is_empty() && html.is_empty(), "{pdf:?} {html:?}");
    assert!(page.contains("By these rules nothing stands out"), "{page}");
}

/// By hand: BME staff at Band 7 and above 5 of 40 (12.5 %) against at least 19.8 %,
/// more than the 2-point margin short: Red. WRES 3: 10 of the 20 BME staff entered the
/// formal disciplinary process against 5 of the 40 White staff: 0.5 / 0.125 = 4.00,
/// outside 0.80 to 1.25. Training, mentoring and recruitment are not supplied, so no
/// other target or indicator is judged.
#[test]
fn a_workforce_report_opens_with_the_target_it_misses_and_the_adverse_indicator() {
    let (data, out) = (tempdir(), tempdir());
    write_staff(data.path(), 5, 10, 5);
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    let (pdf, html, _) = messages(&folder);
    let m = read_json(&folder.join("metrics.json"));
    let wres3 = metric(&m["metrics"], "wres3.relative_likelihood", &[]);
    assert_eq!(wres3["value"], 4.0);
    let (lo, hi) = (
        wres3["ci_low"].as_f64().unwrap(),
        wres3["ci_high"].as_f64().unwrap(),
    );
    let expected = [
        "BME staff at Band 7 and above was 12.5% against a target of at least 19.8%: Red. See Summary of headline figures.".to_string(),
        format!("WRES 3: BME staff entering the formal disciplinary process, relative to White staff: 4.00 (95 % interval {lo:.2} to {hi:.2}), outside the band of no adverse impact (0.80 to 1.25), and the interval does not include 1. See Workforce Race and Disability Equality Standard indicators."),
    ];
    assert!(lo > 1.0);
    assert_eq!(pdf, expected);
    assert_eq!(html, expected);
}

/// 10 of 40 at Band 7 BME (25.0 %, Green) and disciplinary cases 5 of 20 BME against 10
/// of 40 White (1.00): nothing to say.
#[test]
fn a_workforce_report_where_all_is_well_says_so() {
    let (data, out) = (tempdir(), tempdir());
    write_staff(data.path(), 10, 5, 10);
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (pdf, html, page) = messages(&out.path().join("workforce-quarterly/2026-Q3"));
    assert!(pdf.is_empty() && html.is_empty(), "{pdf:?} {html:?}");
    assert!(page.contains("By these rules nothing stands out"), "{page}");
}
