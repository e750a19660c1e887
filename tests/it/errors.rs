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
    // one name from each family, as a partner's system might write it
    for (column, family) in [
        ("NHS_Number", "NHS number"),
        ("NHSNumber", "NHS number"),
        ("nhs_no", "NHS number"),
        ("patient_name", "a person's name"),
        ("birth_date", "date of birth"),
        ("email_address", "e-mail address"),
        ("telephone", "telephone number"),
        ("Post Code", "postcode"),
        ("address_line_1", "address"),
    ] {
        let data = tempdir();
        staff_with(data.path(), |c| {
            c.push((column, strs(&vec!["9434765919"; fixture_staff().len()])))
        });
        let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
        assert_eq!(r.code, 2, "{column}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "carries column `{column}`, which names a direct identifier ({family})"
            )),
            "{}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("9434765919"),
            "the value must not be echoed"
        );
    }
}

/// A named pipe where a Parquet file should be would block the read for ever, with the
/// report's lock held: it is refused at once, by name, before the run takes the lock
/// (so no run is recorded).
#[test]
fn a_pipe_in_the_data_folder_is_refused_not_waited_on() {
    for inside in [false, true] {
        let data = tempdir();
        write_fixture(data.path());
        let pipe = if inside {
            std::fs::create_dir_all(data.path().join("leavers")).unwrap();
            std::fs::rename(
                data.path().join("leavers.parquet"),
                data.path().join("leavers/part-0.parquet"),
            )
            .unwrap();
            data.path().join("leavers/part-1.parquet")
        } else {
            std::fs::remove_file(data.path().join("training.parquet")).unwrap();
            data.path().join("training.parquet")
        };
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap();
        assert!(made.success());
        let out = tempdir();
        let r = run_q3(data.path(), out.path(), "2026-Q3");
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{} is not a regular file (a pipe, socket or device?)",
                pipe.display()
            )),
            "{}",
            r.stderr
        );
        let h = run(&["history", "--out", out.path().to_str().unwrap()], &[]);
        assert!(h.stdout.starts_with("No runs recorded"), "{}", h.stdout);
    }
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
    let r = validate(data.path(), &[]);
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
    let r = validate(&sample, &[]);
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

#[test]
fn running_out_of_engine_memory_names_the_setting_and_writes_nothing() {
    let out = tempdir();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let r = run_equity_annual(
        sample.to_str().unwrap(),
        out.path(),
        &[("EQUITY_REPORTS__ENGINE__MEMORY_LIMIT_MIB", "1")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("Resources exhausted"), "{}", r.stderr);
    assert!(
        r.stderr.contains("raise engine.memory_limit_mib"),
        "{}",
        r.stderr
    );
    assert!(!out.path().join("equity-annual").exists());
}

#[test]
fn the_sql_log_holds_every_statement_and_only_aggregated_results() {
    let out = tempdir();
    let log = out.path().join("sql.jsonl");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let r = run_equity_annual(
        sample.to_str().unwrap(),
        &out.path().join("out"),
        &[("EQUITY_REPORTS_SQL_LOG", log.to_str().unwrap())],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let named = |n: &str| lines.iter().find(|l| l["name"] == n).cloned();
    // each raw Parquet table, with its files, comes before the view over it
    let at = |f: &dyn Fn(&serde_json::Value) -> bool| lines.iter().position(f).unwrap();
    let raw = at(&|l| l["table"] == "raw_referrals");
    assert_eq!(lines[raw]["kind"], "parquet");
    assert!(lines[raw]["files"].as_array().unwrap().len() > 1);
    assert!(raw < at(&|l| l["name"] == "view referrals"));
    // then the session's own tables and views, as SQL another engine can run
    let r = named("reference table ref_priority").unwrap();
    assert!(
        r["sql"]
            .as_str()
            .unwrap()
            .starts_with("CREATE TABLE ref_priority AS SELECT * FROM (VALUES")
    );
    assert!(named("view referrals").is_some());
    // the figures come back with their results, which are aggregates: one row per
    // group (the overall one keyed ''), a column per count, and no referral id anywhere
    let m = named("service/referral_metrics.sql").unwrap();
    let rows = m["result"].as_array().unwrap();
    assert_eq!(rows.len() as u64, m["rows"].as_u64().unwrap());
    assert!(rows.iter().any(|r| r[0] == ""));
    assert!(rows.iter().all(|r| r.as_array().unwrap().len() == 22));
    let is_id =
        |c: &str| c.len() == 8 && c.starts_with('R') && c[1..].chars().all(|d| d.is_ascii_digit());
    for l in &lines {
        for row in l["result"].as_array().into_iter().flatten() {
            for cell in row.as_array().unwrap() {
                assert!(
                    !cell.as_str().is_some_and(is_id),
                    "{} logged an id",
                    l["name"]
                );
            }
        }
    }
    let facts = named("service/referral_facts.sql").unwrap();
    assert_eq!(
        facts["rows"], 0,
        "the per-referral table is made, not returned"
    );
}

/// A ten-digit NHS number for `stem` (nine digits) by the Modulus 11 rule, if the stem
/// has one (a remainder of 1 would need a check digit of 10).
fn nhs_number(stem: u64) -> Option<String> {
    let s = format!("{stem:09}");
    let sum: u32 = s
        .chars()
        .zip((2..=10).rev())
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = (11 - sum % 11) % 11;
    (check < 10).then(|| format!("{s}{check}"))
}

/// A column whose values are NHS numbers is refused whatever its name, naming the file
/// and the column and never a value; ten-digit pseudonyms that pass the check only by
/// chance are not.
#[test]
fn a_column_of_nhs_numbers_refuses_the_extract() {
    let stems = (401_023_200..).filter_map(nhs_number);
    let numbers: Vec<String> = stems.take(13).collect();
    let id = |s: &str| s.trim_start_matches('s').parse::<usize>().unwrap() - 1;
    let data = tempdir();
    write_fixture(data.path());
    staff_with(data.path(), |c| {
        let ids: Vec<&str> = fixture_staff()
            .iter()
            .map(|r| numbers[id(r.id)].as_str())
            .collect();
        c.iter_mut().find(|x| x.0 == "staff_id").unwrap().1 = strs(&ids);
    });
    let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "dataset staff_snapshot: column `staff_id` holds 18 valid NHS numbers (ten digits \
             that pass the Modulus 11 check), in {}",
            data.path().join("staff_snapshot.parquet").display()
        )),
        "{}",
        r.stderr
    );
    for n in &numbers {
        assert!(!r.stderr.contains(n.as_str()) && !r.stdout.contains(n.as_str()));
    }

    // pseudonyms of ten digits: the wrong check digit but for a handful
    let pseudonyms: Vec<String> = (0..13)
        .map(|i| {
            let right = &numbers[i];
            if i < 3 {
                right.clone()
            } else {
                let last = right.as_bytes()[9] - b'0';
                format!("{}{}", &right[..9], (last + 1) % 10)
            }
        })
        .collect();
    let data = tempdir();
    write_fixture(data.path());
    staff_with(data.path(), |c| {
        let ids: Vec<&str> = fixture_staff()
            .iter()
            .map(|r| pseudonyms[id(r.id)].as_str())
            .collect();
        c.iter_mut().find(|x| x.0 == "staff_id").unwrap().1 = strs(&ids);
    });
    let r = run_q3(data.path(), tempdir().path(), "2026-Q3");
    assert!(r.code < 2, "{}", r.stderr);
    assert!(!r.stderr.contains("NHS numbers"), "{}", r.stderr);
}
