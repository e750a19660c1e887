//! Bad input: each case gets one clear message naming what and where, a non-zero exit,
//! and leaves a previous good output untouched.

use std::path::Path;

use crate::figures::{fixture_staff, write_fixture};
use crate::helpers::*;

fn run_q3(data: &Path, out: &Path, period: &str) -> Output {
    run_workforce(period, data, out, &["--no-send"], &[])
}

fn staff_with(dir: &Path, alter: impl FnOnce(&mut Vec<(&'static str, arrow::array::ArrayRef)>)) {
    let mut cols = staff_columns(&fixture_staff());
    alter(&mut cols);
    write_parquet(&dir.join("staff_snapshot.parquet"), cols);
}

#[test]
fn missing_dataset_is_named() {
    let data = tempdir();
    let out = tempdir();
    let r = run_q3(data.path(), out.path(), "2026-Q3");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("dataset staff_snapshot: required dataset is missing"),
        "{}",
        r.stderr
    );
    // The ledger keeps the failed run and why: data not yet arrived, worth a retry.
    let h = run(&["history", "--out", out.path().to_str().unwrap()], &[]);
    assert!(
        h.stdout.lines().nth(1).unwrap().ends_with("data missing"),
        "{}",
        h.stdout
    );
    assert!(
        h.stdout.contains("error: the extracts in") && h.stdout.contains("staff_snapshot"),
        "{}",
        h.stdout
    );
}

#[test]
fn misspelt_column_is_named_with_a_hint() {
    let data = tempdir();
    staff_with(data.path(), |c| {
        c.iter_mut().find(|x| x.0 == "ethnic_category").unwrap().0 = "ethnic_categroy"
    });
    let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "staff_snapshot.parquet lacks required column `ethnic_category` (expected STRING)"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`ethnic_categroy`: is it misspelt?"),
        "{}",
        r.stderr
    );
}

#[test]
fn wrong_type_names_expected_and_found() {
    let data = tempdir();
    staff_with(data.path(), |c| {
        c.iter_mut().find(|x| x.0 == "fte").unwrap().1 = strs(&vec!["1.0"; fixture_staff().len()])
    });
    let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("column `fte` has type Utf8, expected DOUBLE"),
        "{}",
        r.stderr
    );
}

#[test]
fn identifier_column_refuses_the_file() {
    let data = tempdir();
    staff_with(data.path(), |c| {
        c.push((
            "NHS_Number",
            strs(&vec!["9434765919"; fixture_staff().len()]),
        ))
    });
    let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("carries column `NHS_Number`, which names a direct identifier"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("9434765919"),
        "the value must not be echoed"
    );
}

#[test]
fn period_without_a_snapshot_is_refused() {
    let data = tempdir();
    write_fixture(data.path());
    let r = run_q3(data.path(), tempdir().path(), "2027-Q1");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no snapshot dated in 2027-Q1 (2027-01-01 to 2027-03-31)"),
        "{}",
        r.stderr
    );
}

#[test]
fn folder_without_parquet_files_is_named() {
    let data = tempdir();
    std::fs::create_dir_all(data.path().join("staff_snapshot")).unwrap();
    std::fs::write(data.path().join("staff_snapshot/staff.csv"), "a,b\n").unwrap();
    let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("staff_snapshot") && r.stderr.contains("holds no .parquet files"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_period_shows_the_accepted_forms() {
    let data = tempdir();
    write_fixture(data.path());
    for bad in ["2026-Q5", "FY2026-28"] {
        let r = run_q3(data.path(), tempdir().path(), bad);
        assert_eq!(r.code, 2);
        assert!(
            r.stderr.contains(&format!("invalid period \"{bad}\""))
                && r.stderr.contains("Accepted forms"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn wrong_config_key_is_refused_at_start() {
    let r = run(
        &["validate", "--data", "."],
        &[("EQUITY_REPORTS__DISCLOSURE__MIN_CONT", "5")],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("disclosure") && r.stderr.contains("min_cont"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_failed_rerun_keeps_the_previous_good_output() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    assert_eq!(run_q3(data.path(), out.path(), "2026-Q3").code, 0);
    let pdf = out.path().join("workforce-quarterly/2026-Q3/report.pdf");
    let before = std::fs::read(&pdf).unwrap();
    staff_with(data.path(), |c| c.retain(|x| x.0 != "fte"));
    let r = run_q3(data.path(), out.path(), "2026-Q3");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    let entries: Vec<_> = std::fs::read_dir(out.path().join("workforce-quarterly"))
        .unwrap()
        .collect();
    assert_eq!(entries.len(), 1, "no partial folder left behind");
}

#[test]
fn validate_exit_codes_follow_the_contract() {
    // a required dataset missing -> 2
    let data = tempdir();
    write_fixture(data.path());
    let r = run(
        &[
            "validate",
            "--data",
            data.path().to_str().unwrap(),
            "--as-of",
            "2026-10-15",
        ],
        &[],
    );
    assert_eq!(
        r.code, 2,
        "referrals etc. are missing: structural\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("referrals: MISSING (required)"),
        "{}",
        r.stdout
    );
    // row-level problems only -> 1
    let sample = sample_data();
    let r = run(
        &[
            "validate",
            "--data",
            sample.to_str().unwrap(),
            "--as-of",
            "2026-10-15",
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("unknown code \"Q\""), "{}", r.stdout);
    assert!(
        r.stdout.contains("unlisted partner code \"LHC\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("no matching referral_id in referrals"),
        "{}",
        r.stdout
    );
}
