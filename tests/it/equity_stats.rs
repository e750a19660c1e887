//! The equity statistics of docs/reports.md on a hand-made extract where each is worked
//! by hand: the hidden waits (first to second treatment session) and NHS England's
//! ethnicity recovery gap, overall and by partner.

use std::path::Path;

use crate::helpers::*;

/// One referral: partner, ethnic code, whether it recovers (`Reliably`: with a reliable
/// fall; `Barely`: out of caseness by a change too small to be reliable; `No`), and the
/// days from its first treatment session to its second. Every referral is received on
/// 1 May 2025, at caseness at its first session 20 days later, and ends 10 days after its
/// second; a second session 0 days on is the same day.
#[derive(Clone, Copy, PartialEq)]
enum Recovers {
    Reliably,
    Barely,
    No,
}
use Recovers::*;

/// (id, partner, ethnic code, recovers, days to the second session, a missed
/// appointment between the two)
type Person = (
    &'static str,
    &'static str,
    &'static str,
    Recovers,
    i64,
    bool,
);

/// By hand: 21 finish treatment at caseness.
/// - Recovery: White British (A) 7 of 10, every other known code (B-S) 3 of 9, not
///   known (Z) 1 of 2. LCH: A 4 of 6, B-S 2 of 5; SCH: A 3 of 4, B-S 1 of 4.
/// - Reliable recovery: as recovery but for `l04` (A, LCH), whose recovery is not reliable:
///   A 6 of 10 (LCH 3 of 6).
/// - Second session more than 28 days after the first: 29, 90, 91, 120, 40 (past a
///   missed appointment) and 200 days: 6 of 21; more than 90 days: 91, 120, 200: 3 of
///   21. The 28- and 90-day ones themselves are not more than the limit. Pakistani (J):
///   0 of 2 and 0 of 2; Black African (N): 2 of 2 and 1 of 2.
const PEOPLE: &[Person] = &[
    ("l01", "LCH", "A", Reliably, 7, false),
    ("l02", "LCH", "A", Reliably, 28, false),
    ("l03", "LCH", "A", Reliably, 29, false),
    ("l04", "LCH", "A", Barely, 90, false),
    ("l05", "LCH", "A", No, 91, false),
    ("l06", "LCH", "A", No, 0, false),
    ("l07", "LCH", "B", Reliably, 7, false),
    ("l08", "LCH", "J", No, 7, false),
    ("l09", "LCH", "N", Reliably, 120, false),
    ("l10", "LCH", "J", No, 7, false),
    ("l11", "LCH", "N", No, 40, true),
    ("l12", "LCH", "Z", Reliably, 7, false),
    ("l13", "LCH", "Z", No, 7, false),
    ("s01", "SCH", "A", Reliably, 7, false),
    ("s02", "SCH", "A", Reliably, 7, false),
    ("s03", "SCH", "A", Reliably, 7, false),
    ("s04", "SCH", "A", No, 7, false),
    ("s05", "SCH", "C", Reliably, 7, false),
    ("s06", "SCH", "C", No, 7, false),
    ("s07", "SCH", "C", No, 7, false),
    ("s08", "SCH", "C", No, 200, false),
];

fn write_people(dir: &Path, people: &[Person]) {
    write_people_with(dir, people, |_| (None, None));
}

/// As [`write_people`], each referral with the sexual orientation and religion `more`
/// gives its id.
fn write_people_with(
    dir: &Path,
    people: &[Person],
    more: impl Fn(&str) -> (Option<&'static str>, Option<&'static str>),
) {
    let population: &[Cell] = &[("25-34", "2", "A", Some(5), 5000)];
    write_extract(
        dir,
        people,
        |id| Extra {
            orientation: more(id).0,
            religion: more(id).1,
            ..Extra::default()
        },
        population,
    );
}

/// What else a referral of [`write_extract`] has: by default aged 30, female, in IMD
/// decile 5, with no sexual orientation or religion recorded.
#[derive(Clone, Copy)]
struct Extra {
    orientation: Option<&'static str>,
    religion: Option<&'static str>,
    imd: i64,
    age: i64,
}

impl Default for Extra {
    fn default() -> Extra {
        Extra {
            orientation: None,
            religion: None,
            imd: 5,
            age: 30,
        }
    }
}

/// A registered-population cell: age band, sex, ethnic code, IMD decile, registered.
type Cell = (&'static str, &'static str, &'static str, Option<i64>, i64);

/// The referrals of `people` (each with what `more` gives its id) and their care, and
/// the registered population of `population` (in April 2025).
fn write_extract(dir: &Path, people: &[Person], more: impl Fn(&str) -> Extra, population: &[Cell]) {
    let day = |plus: i64| (date("2025-05-01") + chrono::Duration::days(plus)).to_string();
    let n = people.len();
    let ids: Vec<&str> = people.iter().map(|p| p.0).collect();
    let ends: Vec<String> = people.iter().map(|p| day(20 + p.4 + 10)).collect();
    write_parquet(
        &dir.join("referrals.parquet"),
        vec![
            ("referral_id", strs(&ids)),
            ("person_id", strs(&ids)),
            (
                "partner_org",
                strs(&people.iter().map(|p| p.1).collect::<Vec<_>>()),
            ),
            ("service_line", strs(&vec!["talking_therapies"; n])),
            ("referral_date", dates(&vec!["2025-05-01"; n])),
            (
                "age_years",
                ints(&ids.iter().map(|i| Some(more(i).age)).collect::<Vec<_>>()),
            ),
            ("sex", strs(&vec!["2"; n])),
            (
                "ethnic_category",
                strs(&people.iter().map(|p| p.2).collect::<Vec<_>>()),
            ),
            ("ethnic_category_detail", opt_strs(&vec![None; n])),
            (
                "imd_decile",
                ints(&ids.iter().map(|i| Some(more(i).imd)).collect::<Vec<_>>()),
            ),
            (
                "sexual_orientation",
                opt_strs(&ids.iter().map(|i| more(i).orientation).collect::<Vec<_>>()),
            ),
            (
                "religion",
                opt_strs(&ids.iter().map(|i| more(i).religion).collect::<Vec<_>>()),
            ),
            ("interpreter_required", bools(&vec![false; n])),
            (
                "end_date",
                opt_dates(&ends.iter().map(|e| Some(e.as_str())).collect::<Vec<_>>()),
            ),
        ],
    );
    let (mut a_ids, mut a_refs, mut a_dates, mut a_att) = (vec![], vec![], vec![], vec![]);
    let (mut m_refs, mut m_dates, mut phq, mut gad) = (vec![], vec![], vec![], vec![]);
    for p in people {
        let mut appointments = vec![(20, "attended"), (20 + p.4, "attended")];
        if p.5 {
            appointments.push((30, "dna"));
        }
        for (k, (when, attendance)) in appointments.into_iter().enumerate() {
            a_ids.push(format!("{}-{k}", p.0));
            a_refs.push(p.0.to_string());
            a_dates.push(day(when));
            a_att.push(attendance);
        }
        // at caseness first; recovered or not at the second session
        let (first, last) = match p.3 {
            Reliably => ((15, 12), (4, 3)),
            Barely => ((11, 8), (9, 7)),
            No => ((15, 12), (14, 11)),
        };
        for (when, (ph, ga)) in [(20, first), (20 + p.4, last)] {
            m_refs.push(p.0.to_string());
            m_dates.push(day(when));
            phq.push(Some(ph));
            gad.push(Some(ga));
        }
    }
    // (referral, date, type, attendance, culturally adapted) and (referral, date, scores)
    let appointments: Vec<(&str, &str, &str, &str, bool)> = (0..a_ids.len())
        .map(|i| {
            (
                a_refs[i].as_str(),
                a_dates[i].as_str(),
                "treatment",
                a_att[i],
                false,
            )
        })
        .collect();
    crate::service::write_appointments(dir, &a_ids, &appointments);
    let measures: Vec<(&str, &str, Option<i64>, Option<i64>)> = (0..m_refs.len())
        .map(|i| (m_refs[i].as_str(), m_dates[i].as_str(), phq[i], gad[i]))
        .collect();
    crate::service::write_measures(dir, &measures);
    let k = population.len();
    write_parquet(
        &dir.join("population.parquet"),
        vec![
            ("period_start", dates(&vec!["2025-04-01"; k])),
            (
                "age_band",
                strs(&population.iter().map(|c| c.0).collect::<Vec<_>>()),
            ),
            (
                "sex",
                strs(&population.iter().map(|c| c.1).collect::<Vec<_>>()),
            ),
            (
                "ethnic_category",
                strs(&population.iter().map(|c| c.2).collect::<Vec<_>>()),
            ),
            (
                "imd_decile",
                ints(&population.iter().map(|c| c.3).collect::<Vec<_>>()),
            ),
            (
                "registered",
                ints(&population.iter().map(|c| Some(c.4)).collect::<Vec<_>>()),
            ),
        ],
    );
}

/// equity-annual 2025/26 on `data` with `envs` beside the monthly charts left out: its
/// folder.
fn equity(data: &Path, out: &Path, envs: &[(&str, &str)]) -> std::path::PathBuf {
    let mut all = vec![("EQUITY_REPORTS__SPC__SERVICE_FIGURES", "[]")];
    all.extend_from_slice(envs);
    let r = run_report(
        "equity-annual",
        "FY2025-26",
        data,
        out,
        &["--no-send"],
        &all,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    out.join("equity-annual/FY2025-26")
}

const SHOW_ALL: (&str, &str) = ("EQUITY_REPORTS__DISCLOSURE__MIN_COUNT", "1");

/// Wilson's score interval, written out here apart from the program's.
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054f64;
    let p = x / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    (centre - half, centre + half)
}

/// Newcombe's method 10 for p1 - p2, in points.
fn newcombe(a: (f64, f64), b: (f64, f64)) -> (f64, f64, f64) {
    let (p1, p2) = (a.0 / a.1, b.0 / b.1);
    let ((l1, u1), (l2, u2)) = (wilson(a.0, a.1), wilson(b.0, b.1));
    let d = p1 - p2;
    let lo = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let hi = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    (d * 100.0, lo * 100.0, hi * 100.0)
}

fn close(m: &serde_json::Value, key: &str, want: f64) {
    let got = m[key].as_f64().unwrap_or_else(|| panic!("no {key} in {m}"));
    assert!(
        (got - want).abs() < 0.00051,
        "{key}: {got} against {want} in {m}"
    );
}

#[test]
fn hidden_waits_count_the_days_from_the_first_treatment_session_to_the_second() {
    let (data, out) = (tempdir(), tempdir());
    write_people(data.path(), PEOPLE);
    let folder = equity(data.path(), out.path(), &[SHOW_ALL]);
    let json = read_json(&folder.join("metrics.json"));
    let m = &json["metrics"];
    let counts = |id: &str, by: &[(&str, &str)]| {
        let x = metric(m, id, by);
        (x["numerator"].as_u64(), x["denominator"].as_u64())
    };
    assert_eq!(
        counts("tt.second_wait_over_28d_pct", &[]),
        (Some(6), Some(21))
    );
    assert_eq!(
        counts("tt.second_wait_over_90d_pct", &[]),
        (Some(3), Some(21))
    );
    let african = [("priority_group", "Black African")];
    assert_eq!(
        counts("tt.second_wait_over_28d_pct", &african),
        (Some(2), Some(2))
    );
    assert_eq!(
        counts("tt.second_wait_over_90d_pct", &african),
        (Some(1), Some(2))
    );
    let pakistani = [("priority_group", "Pakistani")];
    assert_eq!(
        counts("tt.second_wait_over_28d_pct", &pakistani),
        (Some(0), Some(2))
    );
    assert_eq!(
        json["methods"]["tt.second_wait_over_28d_pct"],
        "Wilson score interval"
    );
    // the page: the service's row, 6 of 21 (28.6 %) and 3 of 21 (14.3 %)
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section_text(
        &text,
        "Hidden waits: from first to second treatment session",
        "The deprivation gradient",
    );
    let service = page
        .lines()
        .find(|l| l.trim_start().starts_with("All referrals"))
        .expect("the service's row");
    assert!(
        service.contains("28.6%") && service.contains("14.3%"),
        "{service}"
    );
}

#[test]
fn the_ethnicity_recovery_gap_sets_white_british_against_every_other_known_code() {
    let (data, out) = (tempdir(), tempdir());
    write_people(data.path(), PEOPLE);
    let folder = equity(data.path(), out.path(), &[SHOW_ALL]);
    let json = read_json(&folder.join("metrics.json"));
    let m = &json["metrics"];
    // (figure, breakdown, White British's counts, the other known codes')
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], (f64, f64), (f64, f64));
    let cases: [Case; 5] = [
        ("tt.recovery_gap_pp", &[], (7.0, 10.0), (3.0, 9.0)),
        ("tt.reliable_recovery_gap_pp", &[], (6.0, 10.0), (3.0, 9.0)),
        (
            "tt.recovery_gap_pp",
            &[("partner_org", "LCH")],
            (4.0, 6.0),
            (2.0, 5.0),
        ),
        (
            "tt.reliable_recovery_gap_pp",
            &[("partner_org", "LCH")],
            (3.0, 6.0),
            (2.0, 5.0),
        ),
        (
            "tt.recovery_gap_pp",
            &[("partner_org", "SCH")],
            (3.0, 4.0),
            (1.0, 4.0),
        ),
    ];
    for (id, by, a, b) in cases {
        let x = metric(m, id, by);
        let (d, lo, hi) = newcombe(a, b);
        close(x, "value", d);
        close(x, "ci_low", lo);
        close(x, "ci_high", hi);
        let sides: Vec<(String, u64, u64)> = x["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["group"].as_str().unwrap().to_string(),
                    g["numerator"].as_u64().unwrap(),
                    g["denominator"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            sides[0],
            ("A".into(), a.0 as u64, a.1 as u64),
            "{id} {by:?}"
        );
        assert_eq!(
            sides[1],
            ("B-S".into(), b.0 as u64, b.1 as u64),
            "{id} {by:?}"
        );
    }
    // ethnicity not known is on neither side, but counted: 1 of 2
    let overall = metric(m, "tt.recovery_gap_pp", &[]);
    assert_eq!(overall["groups"][2]["group"], "Unknown");
    assert_eq!(overall["groups"][2]["numerator"], 1);
    assert_eq!(overall["groups"][2]["denominator"], 2);
    assert!(
        json["methods"]["tt.recovery_gap_pp"]
            .as_str()
            .unwrap()
            .contains("Newcombe")
    );
    // in words on the summary: 70.0 % less 33.3 % is 36.7 points
    let (d, lo, hi) = newcombe((7.0, 10.0), (3.0, 9.0));
    let one = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let raw = pdf_text(&folder.join("report.pdf"));
    let text = one(&raw);
    let words = format!(
        "Ethnicity gap: recovery was {d:.1} points lower for people of every other known ethnic group than for White British people (95 % interval {lo:.1} to {hi:.1} points)"
    );
    assert!(text.contains(&words), "no {words:?}");
    // the interval holds 0: the words say it may be chance
    assert!(lo < 0.0);
    assert!(text.contains(&format!(
        "{words}: the interval includes no gap, so it may be chance."
    )));
    // by partner on the priority page
    let table = one(section_text(
        &raw,
        "The ethnicity recovery gap by partner",
        "Who is referred",
    ));
    let (d, lo, hi) = newcombe((3.0, 4.0), (1.0, 4.0));
    assert!(
        table.contains(&format!("SCH {d:+.1} ({lo:+.1} to {hi:+.1})")),
        "{table}"
    );
}

/// As an attacker would: the other known codes' side of the gap is the sum of the
/// categories B to S, each of which the outcome tables show. Black African (N) has 2
/// recovered of 3, hidden; ethnicity not known (Z, 5 of 6) is the count that hiding it
/// beside N would take from the service's total. Were the gap shown beside Other White
/// (C) and Pakistani (J), its side less theirs would give N's count back. So the run
/// hides one more of them, or the gap, and the PDF shows no gap that it hides.
#[test]
fn the_gap_never_gives_back_a_category_it_hides() {
    let mut people: Vec<Person> = Vec::new();
    let ids: Vec<&'static str> = (0..69)
        .map(|i| &*Box::leak(format!("r{i:02}").into_boxed_str()))
        .collect();
    // (code, finishing, recovering)
    let mut k = 0;
    for (code, n, rec) in [
        ("A", 20, 12),
        ("C", 20, 10),
        ("J", 20, 8),
        ("N", 3, 2),
        ("Z", 6, 5),
    ] {
        for i in 0..n {
            let r = if i < rec { Reliably } else { No };
            people.push((ids[k], "LCH", code, r, 7, false));
            k += 1;
        }
    }
    let (data, out) = (tempdir(), tempdir());
    write_people(data.path(), &people);
    let folder = equity(data.path(), out.path(), &[]);
    let cells = read_json(&folder.join("disclosure.json"))["cells"].clone();
    let hidden = |count: &str, dim: &str, value: &str| {
        cells
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["count"] == count
                    && c["by"] == serde_json::json!([[dim, value]])
                    && c["period"] == "FY2025-26"
            })
            .unwrap_or_else(|| panic!("no cell {count} {dim}={value}"))["hidden"]
            == true
    };
    assert!(hidden("recovered", "ethnic_category", "N"));
    // the gap shows both counts of each side
    let gap_hidden = ["A", "B-S"].iter().any(|side| {
        hidden("recovered", "white_british", side) || hidden("at_caseness", "white_british", side)
    });
    assert!(
        gap_hidden
            || hidden("recovered", "ethnic_category", "C")
            || hidden("recovered", "ethnic_category", "J"),
        "N's count can be worked back from the gap"
    );
    let text = pdf_text(&folder.join("report.pdf"));
    let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        one.contains("Ethnicity gap: recovery was"),
        !gap_hidden,
        "the summary's gap sentence follows the plan"
    );
}

/// Sexual orientation by the NHS monitoring codes, a code in small letters read as it,
/// and a value that is not a code (Unknown, and a data-quality problem); religion as
/// recorded whatever its case, the ones with fewer referrals in the year than the
/// smallest count shown (3 here) folded into Other before any figure is made.
/// By hand, of the 21 who finish at caseness:
/// - orientation 1 (l01 to l06): recovery 4 of 6; 2 (l07): 1 of 1; U (l09, written u):
///   1 of 1; Unknown: the other 13 (l08's "straight" among them, and those with none);
/// - religion: Christian l01 to l06 and s01 to s04, and s05 and s06 written christian:
///   12 referrals; Muslim (l08, l10: 2) and Jedi (l11: 1) fold into Other: 3;
///   Unknown: the 6 with none.
#[test]
fn sexual_orientation_and_religion_are_breakdowns_of_every_figure() {
    let more = |id: &str| -> (Option<&'static str>, Option<&'static str>) {
        let orientation = match id {
            "l01" | "l02" | "l03" | "l04" | "l05" | "l06" => Some("1"),
            "l07" => Some("2"),
            "l08" => Some("straight"),
            "l09" => Some("u"),
            _ => None,
        };
        let religion = match id {
            "l01" | "l02" | "l03" | "l04" | "l05" | "l06" | "s01" | "s02" | "s03" | "s04" => {
                Some("Christian")
            }
            "s05" | "s06" => Some(" christian "),
            "l08" | "l10" => Some("Muslim"),
            "l11" => Some("Jedi"),
            _ => None,
        };
        (orientation, religion)
    };
    let (data, out) = (tempdir(), tempdir());
    write_people_with(data.path(), PEOPLE, more);
    let folder = equity(
        data.path(),
        out.path(),
        &[("EQUITY_REPORTS__DISCLOSURE__MIN_COUNT", "3")],
    );
    let json = read_json(&folder.join("metrics.json"));
    let m = &json["metrics"];
    let share = |id: &str, by: &[(&str, &str)]| {
        let x = metric(m, id, by);
        (x["numerator"].as_u64(), x["denominator"].as_u64())
    };
    let recovery = |code: &str| share("tt.recovery_pct", &[("sexual_orientation", code)]);
    assert_eq!(recovery("1"), (Some(4), Some(6)));
    assert_eq!(recovery("2"), (Some(1), Some(1)));
    assert_eq!(recovery("U"), (Some(1), Some(1)));
    assert_eq!(recovery("Unknown"), (Some(5), Some(13)));
    // every code has its row, with no one or not
    assert_eq!(recovery("Z"), (Some(0), Some(0)));
    let referrals =
        |religion: &str| metric(m, "tt.referrals", &[("religion", religion)])["value"].as_f64();
    assert_eq!(referrals("Christian"), Some(12.0));
    assert_eq!(referrals("Other"), Some(3.0));
    assert_eq!(referrals("Unknown"), Some(6.0));
    let religions: Vec<&str> = m
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["id"] == "tt.referrals")
        .filter_map(|x| x["by"]["religion"].as_str())
        .collect();
    assert_eq!(religions, ["Christian", "Other", "Unknown"]);
    // the value that is not a code is a data-quality problem, named with the column
    let quality = std::fs::read_to_string(folder.join("tables/data_quality.csv")).unwrap();
    let row = quality
        .lines()
        .find(|l| l.contains("sexual_orientation"))
        .unwrap_or_else(|| panic!("no sexual_orientation problem in\n{quality}"));
    assert!(row.contains("unknown code") && row.ends_with(",1"), "{row}");
    // the table of its own, with the codes' words
    let text = pdf_text(&folder.join("report.pdf"));
    let page = section_text(
        &text,
        "Sexual orientation and religion",
        "The deprivation gradient",
    );
    for words in [
        "Heterosexual or straight",
        "Does not know or is not",
        "Christian",
        "Other (each",
    ] {
        assert!(page.contains(words), "{words} in {page}");
    }
    assert!(!page.contains("Muslim") && !page.contains("Jedi"), "{page}");
}

/// By hand: 50 people finish at caseness, 10 in each of IMD deciles 1, 3, 5, 7 and 9, so
/// the even deciles have no one and the gradient is fitted to quintiles. Recovered: 2,
/// 4, 5, 6 and 8 of 10 from the most deprived quintile to the least. With equal weights
/// the midpoints are 0.1, 0.3, 0.5, 0.7, 0.9; about their means (0.5, 0.5) the weighted
/// sums are Sxy = (0.12 + 0.02 + 0 + 0.02 + 0.12) / 5 = 0.056 and Sxx = 0.4 / 5 = 0.08:
/// slope 0.7, intercept 0.5 - 0.35 = 0.15. SII 70.0 points, RII 0.85 / 0.15 = 5.67.
/// Access: 10 referrals per 1,000 registered in each quintile: no gradient, SII 0, RII 1.
#[test]
fn the_deprivation_gradient_is_the_slope_index_of_inequality() {
    let ids: Vec<&'static str> = (0..50)
        .map(|i| &*Box::leak(format!("d{i:02}").into_boxed_str()))
        .collect();
    let recovering = [2, 4, 5, 6, 8];
    let people: Vec<Person> = (0..50)
        .map(|i| {
            let r = if i % 10 < recovering[i / 10] {
                Reliably
            } else {
                No
            };
            (ids[i], "LCH", "A", r, 7, false)
        })
        .collect();
    let decile = |id: &str| 2 * (id[1..].parse::<i64>().unwrap() / 10) + 1;
    let population: Vec<Cell> = [1, 3, 5, 7, 9]
        .iter()
        .map(|d| ("25-34", "2", "A", Some(*d), 1000))
        .collect();
    let (data, out) = (tempdir(), tempdir());
    write_extract(
        data.path(),
        &people,
        |id| Extra {
            imd: decile(id),
            ..Extra::default()
        },
        &population,
    );
    let folder = equity(data.path(), out.path(), &[SHOW_ALL]);
    let json = read_json(&folder.join("metrics.json"));
    let m = &json["metrics"];
    let sii = metric(m, "tt.recovery_sii_pp", &[]);
    close(sii, "value", 70.0);
    close(metric(m, "tt.recovery_rii", &[]), "value", 0.85 / 0.15);
    let (lo, hi) = (
        sii["ci_low"].as_f64().unwrap(),
        sii["ci_high"].as_f64().unwrap(),
    );
    assert!(lo < 70.0 && 70.0 < hi && lo > 0.0, "{lo} {hi}");
    let groups: Vec<&str> = sii["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups[0], "imd_quintile=1");
    assert_eq!(groups.len(), 5);
    close(metric(m, "tt.access_sii_per_1000", &[]), "value", 0.0);
    close(metric(m, "tt.access_rii", &[]), "value", 1.0);
    assert!(
        json["methods"]["tt.recovery_sii_pp"]
            .as_str()
            .unwrap()
            .contains("phe_sii")
    );
    // in words on the deprivation page
    let text = pdf_text(&folder.join("report.pdf"));
    let one = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let page = one(section_text(
        &text,
        "The deprivation gradient",
        "Ethnic group by sex",
    ));
    let words = format!(
        "Recovery is 70.0 points lower in the most deprived areas than in the least, by the slope index of inequality across deprivation quintiles (a decile's figure is too small to use) (95 % interval {lo:.1} to {hi:.1} points): the interval excludes no difference"
    );
    assert!(page.contains(&words), "no {words:?} in {page}");
    // the same bytes on a rerun: the simulation's seed is fixed
    let again = tempdir();
    let folder2 = equity(data.path(), again.path(), &[SHOW_ALL]);
    let json2 = read_json(&folder2.join("metrics.json"));
    assert_eq!(metric(&json2["metrics"], "tt.recovery_sii_pp", &[]), sii);
}

/// By hand: White British women, 1,000 registered aged 25-34 and 1,000 aged 65-74,
/// refer 20 and 10; Pakistani women, 900 and 100, refer 18 and 1. The standard is Leeds
/// as a whole: 1,900 and 1,100. White: crude 30 per 2,000 = 15.0 per 1,000,
/// standardised (1,900 x 20/1,000 + 1,100 x 10/1,000) / 3,000 = 16.3 per 1,000; Asian:
/// crude 19 per 1,000 = 19.0, standardised (1,900 x 18/900 + 1,100 x 1/100) / 3,000 =
/// 16.3. The Dobson interval is worked here apart from the program's.
#[test]
fn standardised_access_weights_each_groups_rates_by_the_population_of_leeds() {
    let mut people: Vec<Person> = Vec::new();
    let mut ages: std::collections::BTreeMap<&'static str, i64> = Default::default();
    let mut k = 0;
    for (code, young, old) in [("A", 20, 10), ("J", 18, 1)] {
        for i in 0..(young + old) {
            let id: &'static str = Box::leak(format!("p{k:02}").into_boxed_str());
            k += 1;
            people.push((id, "LCH", code, No, 7, false));
            ages.insert(id, if i < young { 30 } else { 70 });
        }
    }
    let population: &[Cell] = &[
        ("25-34", "2", "A", Some(5), 1000),
        ("65-74", "2", "A", Some(5), 1000),
        ("25-34", "2", "J", Some(5), 900),
        ("65-74", "2", "J", Some(5), 100),
    ];
    let (data, out) = (tempdir(), tempdir());
    write_extract(
        data.path(),
        &people,
        |id| Extra {
            age: ages[id],
            ..Extra::default()
        },
        population,
    );
    let folder = equity(data.path(), out.path(), &[SHOW_ALL]);
    let json = read_json(&folder.join("metrics.json"));
    let m = &json["metrics"];
    // Dobson: DSR + sqrt(var / O) (Byar's bound of O - O), var = sum w^2 c / n^2 / W^2
    let dobson = |cells: &[(f64, f64, f64)]| {
        let total: f64 = cells.iter().map(|c| c.2).sum();
        let dsr: f64 = cells.iter().map(|c| c.2 * c.0 / c.1).sum::<f64>() / total * 1000.0;
        let var: f64 = cells
            .iter()
            .map(|c| c.2 * c.2 * c.0 / (c.1 * c.1))
            .sum::<f64>()
            / (total * total)
            * 1e6;
        let o: f64 = cells.iter().map(|c| c.0).sum();
        let z = 1.959_963_984_540_054f64;
        let lo = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * o.sqrt())).powi(3);
        let hi = (o + 1.0) * (1.0 - 1.0 / (9.0 * (o + 1.0)) + z / (3.0 * (o + 1.0).sqrt())).powi(3);
        let s = (var / o).sqrt();
        (dsr, dsr + s * (lo - o), dsr + s * (hi - o))
    };
    for (group, cells) in [
        ("White", [(20.0, 1000.0, 1900.0), (10.0, 1000.0, 1100.0)]),
        ("Asian", [(18.0, 900.0, 1900.0), (1.0, 100.0, 1100.0)]),
    ] {
        let x = metric(m, "tt.access_rate_std_per_1000", &[("ethnic_group", group)]);
        let (v, lo, hi) = dobson(&cells);
        assert!((v - 49.0 / 3.0).abs() < 1e-9);
        close(x, "value", v);
        close(x, "ci_low", lo);
        close(x, "ci_high", hi);
    }
    close(
        metric(m, "tt.access_rate_per_1000", &[("ethnic_group", "Asian")]),
        "value",
        19.0,
    );
    assert!(
        json["methods"]["tt.access_rate_std_per_1000"]
            .as_str()
            .unwrap()
            .starts_with("Dobson"),
        "{}",
        json["methods"]
    );
    // the table beside the crude rate, on the access page
    let text = pdf_text(&folder.join("report.pdf"));
    let one = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let page = one(section_text(
        &text,
        "Who is referred",
        "Uptake and engagement",
    ));
    assert!(
        page.contains("Access by ethnic group, standardised for age and sex"),
        "{page}"
    );
    let (v, lo, hi) = dobson(&[(18.0, 900.0, 1900.0), (1.0, 100.0, 1100.0)]);
    assert!(
        page.contains(&format!("{v:.1} ({lo:.1} to {hi:.1})")),
        "{page}"
    );
}

/// The sample's two half-years published first, then its year: every figure the year's
/// summary rests on stays shown, and nothing the year hides was given away by the
/// halves. (A half-year's counts by partner once pinned the year's, so that hiding the
/// year's one referral of an unlisted partner took the service's recovery with it.)
#[test]
fn the_year_after_its_half_years_still_shows_its_headline_figures() {
    let out = tempdir();
    for (report, period) in [
        ("access-biannual", "FY2025-26-H1"),
        ("access-biannual", "FY2025-26-H2"),
        ("equity-annual", "FY2025-26"),
    ] {
        let r = run_report(
            report,
            period,
            &sample_data(),
            out.path(),
            &["--no-send"],
            &[],
        );
        assert_eq!(r.code, 0, "{report} {period}: {}", r.stderr);
        assert!(
            !r.stderr.contains("give it away"),
            "{report} {period}: {}",
            r.stderr
        );
    }
    let cells =
        read_json(&out.path().join("equity-annual/FY2025-26/disclosure.json"))["cells"].clone();
    let hidden: Vec<&serde_json::Value> = cells
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["by"] == serde_json::json!([]) && c["hidden"] == true)
        .collect();
    assert!(
        hidden.is_empty(),
        "the service's own counts hidden: {hidden:?}"
    );
}

/// A funnel's limits found here by bisection on the Wilson interval (the proportion at
/// denominator `n` whose interval just reaches `average`), apart from the program's
/// closed form.
fn funnel_limit(average: f64, n: f64, z: f64, upper: bool) -> f64 {
    let wilson_z = |p: f64| {
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
        (centre - half, centre + half)
    };
    // the lower limit's interval reaches up to the average; the upper's down to it
    let (mut lo, mut hi) = if upper {
        (average, 1.0)
    } else {
        (0.0, average)
    };
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        let reach = if upper {
            wilson_z(mid).0
        } else {
            wilson_z(mid).1
        };
        // either bound grows with the proportion
        if reach < average {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// By hand: LCH and SCH each finish 100 at caseness, 50 recovering; NPW 40, of whom 5
/// recover. The service: 105 of 240, 43.75 %. NPW's 12.5 % lies below its 99.8 % limit
/// (found by bisection here); LCH's and SCH's 50 % within the 95 % limits at 100.
#[test]
fn a_partner_beyond_the_funnels_outer_limit_is_named() {
    let mut people: Vec<Person> = Vec::new();
    let mut k = 0;
    for (partner, n, rec) in [("LCH", 100, 50), ("SCH", 100, 50), ("NPW", 40, 5)] {
        for i in 0..n {
            let id: &'static str = Box::leak(format!("f{k:03}").into_boxed_str());
            k += 1;
            people.push((
                id,
                partner,
                "A",
                if i < rec { Reliably } else { No },
                7,
                false,
            ));
        }
    }
    let (data, out) = (tempdir(), tempdir());
    write_people(data.path(), &people);
    let folder = equity(data.path(), out.path(), &[SHOW_ALL]);
    let json = read_json(&folder.join("metrics.json"));
    let recovery = &json["funnels"]["tt.recovery_pct"];
    assert_eq!(recovery["average"], 0.4375);
    let partner = |code: &str| {
        recovery["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["partner_org"] == code)
            .unwrap_or_else(|| panic!("no {code} in {recovery}"))
            .clone()
    };
    let npw = partner("NPW");
    assert_eq!(npw["place"], "below_99_8", "{npw}");
    let z998 = 3.090_232_306_167_813;
    let z95 = 1.959_963_984_540_054;
    for (key, z) in [("limits_99_8", z998), ("limits_95", z95)] {
        let lo = funnel_limit(0.4375, 40.0, z, false);
        let hi = funnel_limit(0.4375, 40.0, z, true);
        let got = &npw[key];
        assert!(
            (got[0].as_f64().unwrap() - lo).abs() < 1e-4,
            "{key} {got} {lo}"
        );
        assert!(
            (got[1].as_f64().unwrap() - hi).abs() < 1e-4,
            "{key} {got} {hi}"
        );
    }
    assert!(0.125 < funnel_limit(0.4375, 40.0, z998, false));
    assert_eq!(partner("LCH")["place"], "within");
    assert!(0.5 < funnel_limit(0.4375, 100.0, z95, true));
    // named in words, and each partner's reading in the table
    let text = pdf_text(&folder.join("report.pdf"));
    let one = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let page = one(section_text(
        &text,
        "How the partners compare",
        "The deprivation gradient",
    ));
    assert!(
        page.contains(
            "Recovery (service 43.8%): beyond the 99.8 % limits, higher none; lower NPW."
        ),
        "{page}"
    );
    assert!(page.contains("12.5% (below 99.8 %)"), "{page}");
    assert!(page.contains("50.0% (within)"), "{page}");
    // the funnel plot: described by its counts, NPW's mark keyed as beyond the limits,
    // and NPW's row in the chart data with its limits at 40
    assert!(
        page.contains(
            "around the service's 43.8%: 2 within the 95 % limits, 0 between the 95 % and \
             99.8 % limits, 1 beyond the 99.8 % limits; 0 not drawn"
        ),
        "{page}"
    );
    assert!(page.contains("Beyond the 99.8 % limits"), "{page}");
    let annex = one(section_text(&text, "Chart data", "\u{0}"));
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    let row = format!(
        "NPW 40 12.5% {} to {} {} to {} below 99.8 %",
        pct(funnel_limit(0.4375, 40.0, z95, false)),
        pct(funnel_limit(0.4375, 40.0, z95, true)),
        pct(funnel_limit(0.4375, 40.0, z998, false)),
        pct(funnel_limit(0.4375, 40.0, z998, true)),
    );
    assert!(annex.contains(&row), "{row} not in {annex}");
    // in the HTML, where the page's drawing puts it: across 0 to 100 people (steps of
    // 20), up 0 % to 80 % (steps of 20 points: the outer limits at 40 reach 68.0 %), so
    // NPW at 60 + 520 x 40/100 = 268.0 and 20 + 260 x (1 - 0.125/0.8) = 239.4, a
    // diamond 7 each way; the other two squares
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let figure = html
        .split("<figure>")
        .find(|f| f.contains("<strong>Recovery by partner against"))
        .expect("the recovery funnel");
    let wide = &figure[..figure.find("</svg>").unwrap()];
    assert!(
        wide.contains(
            "<path d=\"M268.0 232.4L275.0 239.4L268.0 246.4L261.0 239.4Z\" fill=\"#e69e00\"/>"
        ),
        "{wide}"
    );
    assert_eq!(
        wide.matches("width=\"8\" height=\"8\"").count(),
        2,
        "{wide}"
    );
    assert_eq!(
        wide.matches("class=\"limit95\"").count(),
        3,
        "two curves and a key"
    );
}
