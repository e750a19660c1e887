//! The engine against NHSRplotthedots's own tests (transcribed, with their sources, in
//! `tests/reference/spc_cases.json`) and against series worked by hand.

use serde_json::Value;

use super::rules::*;
use super::*;

fn cases() -> Value {
    serde_json::from_str(include_str!("../../tests/reference/spc_cases.json")).unwrap()
}

fn ints(v: &Value) -> Vec<i8> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap() as i8)
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn bools(v: &Value) -> Vec<bool> {
    ints(v).into_iter().map(|x| x != 0).collect()
}

fn better_of(word: &str) -> Better {
    match word {
        "increase" | "higher" => Better::Higher,
        "decrease" | "lower" => Better::Lower,
        _ => Better::Neither,
    }
}

#[test]
fn the_rules_give_what_nhsrplotthedots_tests_expect_of_its_rule_functions() {
    let mut checked = 0;
    let mut not_ours = 0;
    for case in cases()["unit"].as_array().unwrap() {
        let (name, args, expected) = (
            case["fn"].as_str().unwrap(),
            &case["args"],
            &case["expected"],
        );
        let got: Value = match name {
            // (its flags say where a run is, not its side or direction: compared as such)
            "seven_point_one_side_mean" => run_ends(&ints(&args[0]), 7)
                .iter()
                .map(|x| x.abs())
                .collect::<Vec<_>>()
                .into(),
            "seven_point_trend" => trend_ends(&floats(&args[0]), 7).into(),
            "part_of_seven_trend" => part_of_run(&ints(&args[0]), 7)
                .iter()
                .map(|x| x.abs())
                .collect::<Vec<_>>()
                .into(),
            "two_in_three" => {
                let near = bools(&args[0]);
                // (its tests give one sign for a window of three points of one side)
                let side: Vec<i8> = ints(&args[1])
                    .into_iter()
                    .cycle()
                    .take(near.len())
                    .collect();
                two_in_three(&near, &side)
                    .iter()
                    .map(|b| i8::from(*b))
                    .collect::<Vec<_>>()
                    .into()
            }
            "part_of_two_in_three" => part_of_two_in_three(&bools(&args[0]), &bools(&args[1]))
                .iter()
                .map(|b| i8::from(*b))
                .collect::<Vec<_>>()
                .into(),
            "assurance" => {
                let f = |i: usize| args[i].as_f64().unwrap();
                match assurance(f(0), f(1), f(2), better_of(args[3].as_str().unwrap())) {
                    Some(Assurance::ConsistentlyPasses) => "consistent_pass".into(),
                    Some(Assurance::ConsistentlyFails) => "consistent_fail".into(),
                    Some(Assurance::HitAndMiss) => "inconsistent".into(),
                    None => Value::Null,
                }
            }
            // the point-type names of its plots; this engine reports flags, not names
            "special_cause_type" => {
                not_ours += 1;
                continue;
            }
            other => panic!("a rule case for {other}, which this test does not know"),
        };
        assert_eq!(&got, expected, "{name} {args}");
        checked += 1;
    }
    assert_eq!((checked, not_ours), (45, 1));
}

#[test]
fn every_reference_series_reads_as_reports_md_says() {
    let mut checked = 0;
    for case in cases()["series"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let values = floats(&case["values"]);
        let spec = match case.get("expected_spec") {
            Some(s) if s.as_object().is_some_and(|o| !o.is_empty()) => s,
            _ => &case["expected"],
        };
        let settings = case.get("settings");
        let set = |key: &str| settings.and_then(|s| s.get(key));
        let s = Settings {
            screen: set("screen").and_then(Value::as_bool).unwrap_or(false),
            fix_after: set("fix_after").and_then(Value::as_u64).map(|n| n as usize),
            rebase: set("rebase")
                .map(|r| floats(r).into_iter().map(|n| n as usize).collect())
                .unwrap_or_default(),
            ..Settings::default()
        };
        let better = better_of(
            case.get("better")
                .and_then(Value::as_str)
                .unwrap_or("increase"),
        );
        let target = case.get("target").and_then(Value::as_f64);
        let r = read(&values, better, target, &s);
        let last = r.limits.last().copied().flatten();
        let tol = spec.get("tol").and_then(Value::as_f64).unwrap_or(1e-9);
        for (key, got) in [
            ("mean", last.map(|l| l.mean)),
            ("lpl", last.map(|l| l.lower)),
            ("upl", last.map(|l| l.upper)),
        ] {
            match spec.get(key) {
                Some(Value::Null) => assert_eq!(got, None, "{name}: {key}"),
                Some(v) => {
                    let (want, got) = (v.as_f64().unwrap(), got.unwrap());
                    assert!(
                        (want - got).abs() <= tol,
                        "{name}: {key} {got}, expected {want}"
                    );
                }
                None => {}
            }
        }
        if let Some(v) = spec.get("special_cause") {
            let want: Vec<usize> = floats(v).into_iter().map(|n| n as usize).collect();
            assert_eq!(r.special_causes(), want, "{name}");
        }
        if let Some(v) = spec.get("point_types") {
            let all_common = v.as_array().unwrap().iter().all(|t| t == "common_cause");
            assert!(all_common);
            assert_eq!(r.special_causes(), Vec::<usize>::new(), "{name}");
        }
        if let Some(v) = spec.get("last_point_types") {
            let k = v.as_array().unwrap().len();
            assert!(v.as_array().unwrap().iter().all(|t| t == "common_cause"));
            assert!(
                r.flags[values.len() - k..].iter().all(|f| !f.any()),
                "{name}"
            );
        }
        if let Some(v) = spec.get("variation") {
            let got = match r.variation {
                None => Value::Null,
                Some(Variation::CommonCause) => "common_cause".into(),
                Some(Variation::Improvement) => "special_cause_improvement".into(),
                Some(Variation::Concern) => "special_cause_concern".into(),
                Some(Variation::Neither) => "special_cause_neither".into(),
            };
            assert_eq!(&got, v, "{name}: variation");
        }
        if let Some(v) = spec.get("assurance") {
            let got = match r.assurance {
                Some(Assurance::ConsistentlyPasses) => "consistent_pass",
                Some(Assurance::ConsistentlyFails) => "consistent_fail",
                Some(Assurance::HitAndMiss) => "inconsistent",
                None => "none",
            };
            assert_eq!(got, v.as_str().unwrap(), "{name}: assurance");
        }
        if let Some(v) = spec.get("chart") {
            let got = match r.chart {
                Chart::Run => "run",
                Chart::Xmr { .. } => "xmr",
            };
            assert_eq!(got, v.as_str().unwrap(), "{name}: chart");
        }
        if let Some(v) = spec.get("trial") {
            assert_eq!(
                r.chart == Chart::Xmr { trial: true },
                v.as_bool().unwrap(),
                "{name}: trial"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 16);
}

/// Twenty points alternating 9 and 11 (mean 10, mean moving range 2: limits 4.68 and
/// 15.32, 2-sigma lines 6.45 and 13.55), with `tail` in place of the last points.
fn steady(tail: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = (0..20)
        .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
        .collect();
    let n = v.len();
    v[n - tail.len()..].copy_from_slice(tail);
    v
}

#[test]
fn a_run_of_six_on_one_side_is_not_a_shift_and_seven_is() {
    // after a point below it, six above the mean of the whole series (10.35): no shift
    let six = steady(&[9.0, 12.0, 11.0, 12.0, 11.0, 12.0, 11.0]);
    let r = read(&six, Better::Higher, None, &Settings::default());
    assert!(r.flags.iter().all(|f| f.shift == 0), "{:?}", r.flags);
    // seven (mean 10.5): all seven flagged, upwards
    let seven = steady(&[12.0, 11.0, 12.0, 11.0, 12.0, 11.0, 12.0]);
    let r = read(&seven, Better::Higher, None, &Settings::default());
    let shifted: Vec<usize> = (0..20).filter(|i| r.flags[*i].shift == 1).collect();
    assert_eq!(shifted, (13..20).collect::<Vec<_>>());
    assert_eq!(r.variation, Some(Variation::Improvement));
}

#[test]
fn a_point_on_the_mean_breaks_a_shift() {
    // mean exactly 10: 9 and 11 alternate, then 11 x3, 10, 11 x3 (7 above, broken)
    let mut v = steady(&[]);
    v[12..19].copy_from_slice(&[11.0, 11.0, 11.0, 10.0, 11.0, 11.0, 11.0]);
    v[19] = 4.0; // brings the mean back to 10 (sum 200)
    let r = read(&v, Better::Higher, None, &Settings::default());
    assert!((r.limits[0].unwrap().mean - 10.0).abs() < 1e-12);
    assert!(r.flags.iter().all(|f| f.shift == 0), "{:?}", r.flags);
}

#[test]
fn a_trend_that_crosses_the_mean_is_still_a_trend() {
    // seven falling points from above the mean (9.95) to below it, lower is better
    let v = steady(&[13.0, 12.0, 11.0, 10.0, 9.0, 8.0, 7.0]);
    let r = read(&v, Better::Lower, None, &Settings::default());
    let falling: Vec<usize> = (0..20).filter(|i| r.flags[*i].trend == -1).collect();
    assert_eq!(falling, (13..20).collect::<Vec<_>>());
    assert_eq!(r.variation, Some(Variation::Improvement));
    // six falling points are not
    let v = steady(&[12.0, 11.5, 11.0, 10.5, 10.0, 9.5]);
    let r = read(&v, Better::Lower, None, &Settings::default());
    assert!(r.flags.iter().all(|f| f.trend == 0));
}

#[test]
fn each_variation_icon_from_the_last_point() {
    let high = steady(&[30.0]);
    let read_as = |better| read(&high, better, None, &Settings::default()).variation;
    assert_eq!(read_as(Better::Higher), Some(Variation::Improvement));
    assert_eq!(read_as(Better::Lower), Some(Variation::Concern));
    assert_eq!(read_as(Better::Neither), Some(Variation::Neither));
    let calm = read(&steady(&[]), Better::Higher, None, &Settings::default());
    assert_eq!(calm.variation, Some(Variation::CommonCause));
    assert_eq!(calm.special_causes(), Vec::<usize>::new());
}

#[test]
fn each_assurance_icon_where_lower_is_better() {
    // limits 4.68 to 15.32
    let v = steady(&[]);
    let with = |t| read(&v, Better::Lower, Some(t), &Settings::default()).assurance;
    assert_eq!(with(16.0), Some(Assurance::ConsistentlyPasses));
    assert_eq!(with(4.0), Some(Assurance::ConsistentlyFails));
    assert_eq!(with(10.0), Some(Assurance::HitAndMiss));
    // no target, or no better direction: no assurance
    assert_eq!(
        read(&v, Better::Lower, None, &Settings::default()).assurance,
        None
    );
    assert_eq!(
        read(&v, Better::Neither, Some(16.0), &Settings::default()).assurance,
        None
    );
}

#[test]
fn fewer_than_twelve_points_are_a_run_chart_and_under_twenty_trial_limits() {
    let v = steady(&[]);
    let r = read(&v[..11], Better::Higher, Some(10.0), &Settings::default());
    assert_eq!(
        (r.chart, r.variation, r.assurance),
        (Chart::Run, None, None)
    );
    assert!(r.limits.iter().all(Option::is_none));
    assert_eq!(
        read(&v[..12], Better::Higher, None, &Settings::default()).chart,
        Chart::Xmr { trial: true }
    );
    assert_eq!(
        read(&v, Better::Higher, None, &Settings::default()).chart,
        Chart::Xmr { trial: false }
    );
}
