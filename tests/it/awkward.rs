//! Awkward values that are valid enough to read: numbers out of range, long or
//! free-text "codes", columns of Parquet type Null, dates in 1900, one unreadable file
//! among good ones, and settings that are wrong twice over. Each is read or refused
//! with the value named once, and nothing of it reaches a board paper verbatim.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, NullArray, RecordBatch};

use crate::figures::{fixture_staff, write_fixture};
use crate::helpers::*;

/// The fixture with the staff snapshot's columns altered.
fn staff_with(dir: &Path, alter: impl FnOnce(&mut Vec<(&'static str, ArrayRef)>)) {
    let mut cols = staff_columns(&fixture_staff());
    alter(&mut cols);
    write_parquet(&dir.join("staff_snapshot.parquet"), cols);
}

fn quarterly(data: &Path, out: &Path) -> Output {
    run_quarterly(data, out, &["--no-send"], &[])
}

fn folder(out: &Path) -> std::path::PathBuf {
    out.join("workforce-quarterly/2026-Q3")
}

#[test]
fn out_of_range_fte_is_left_out_of_the_sum_and_the_figure_says_how_many() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    // s3 (0.8), s4 (1.0) and s5 (0.5) of LCH at 2026-09-30 get NaN, -5 and a million
    let mut staff = fixture_staff();
    let bad = [("s3", f64::NAN), ("s4", -5.0), ("s5", 1e6)];
    let ftes: Vec<f64> = staff
        .iter_mut()
        .map(|s| {
            bad.iter()
                .find(|b| b.0 == s.id && s.date == "2026-09-30")
                .map_or(s.fte, |b| b.1)
        })
        .collect();
    staff_with(data.path(), |c| {
        c.iter_mut().find(|x| x.0 == "fte").unwrap().1 = f64s(&ftes);
    });
    let r = quarterly(data.path(), out.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = read_json(&folder(out.path()).join("metrics.json"));
    let fte = metric(&m["metrics"], "wf.fte", &[]);
    // 10.3 in all, less 0.8 + 1.0 + 0.5 of the three bad rows
    assert_eq!(fte["value"], 8.0, "{fte}");
    assert_eq!(fte["left_out"], 3, "{fte}");
    let lch = metric(&m["metrics"], "wf.fte", &[("partner_org", "LCH")]);
    assert_eq!(
        (lch["value"].as_f64(), lch["left_out"].as_u64()),
        (Some(4.0), Some(3))
    );
    assert!(
        metric(&m["metrics"], "wf.fte", &[("partner_org", "CL")])
            .get("left_out")
            .is_none()
    );
    let text = pdf_text(&folder(out.path()).join("report.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("(8.0 whole-time equivalent; * staff record(s) whose whole-time equivalent is missing or outside 0 to 1.5 are left out of it"),
        "{flat}"
    );
    assert!(
        !flat.contains("NaN whole-time") && !flat.contains("1000008"),
        "{flat}"
    );
    let dq = std::fs::read_to_string(folder(out.path()).join("tables/data_quality.csv")).unwrap();
    assert_eq!(
        dq.matches("out of range (0 < fte <= 1.5)").count(),
        3,
        "{dq}"
    );
}

#[test]
fn a_value_that_is_not_a_code_is_shown_only_by_its_length() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let long = "x".repeat(1 << 20);
    let mut staff = fixture_staff();
    let ethnic: Vec<String> = staff
        .iter_mut()
        .map(|s| match s.id {
            "s12" => long.clone(),
            "s6" => "Jane Doe, see HR".to_string(),
            // an NHS number and a surname where a code belongs
            "s3" => "9434765919".to_string(),
            "s4" => "SMITH".to_string(),
            _ => s.ethnic.to_string(),
        })
        .collect();
    staff_with(data.path(), |c| {
        c.iter_mut().find(|x| x.0 == "ethnic_category").unwrap().1 =
            strs(&ethnic.iter().map(String::as_str).collect::<Vec<_>>());
    });
    let r = quarterly(data.path(), out.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&folder(out.path()).join("report.pdf"));
    let dq = std::fs::read_to_string(folder(out.path()).join("tables/data_quality.csv")).unwrap();
    let html = std::fs::read_to_string(folder(out.path()).join("report.html")).unwrap();
    for shown in [&text, &dq, &html] {
        assert!(shown.contains("(a value of 1048576 characters)"), "{shown}");
        assert!(shown.contains("(a value of 16 characters)"), "{shown}");
        // outside the shape of ethnic codes (one or two capitals or digits)
        assert!(shown.contains("(a value of 5 characters)"), "{shown}");
        assert!(!shown.contains("9434765919") && !shown.contains("SMITH"));
        assert!(
            !shown.contains("XXXXXXXXXXXXXXXXXXXXXXXXX"),
            "the long value is printed"
        );
        assert!(
            !shown.to_uppercase().contains("JANE DOE"),
            "free text is printed"
        );
    }
    // a code is still shown as it is
    assert!(dq.contains("unlisted partner code,XYZ,"), "{dq}");
}

#[test]
fn a_null_typed_column_is_read_as_missing() {
    // an optional column empty throughout: the run goes on, figures unchanged
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let n = fixture_staff().len();
    staff_with(data.path(), |c| {
        c.push(("age_years", Arc::new(NullArray::new(n)) as ArrayRef));
    });
    let r = quarterly(data.path(), out.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = read_json(&folder(out.path()).join("metrics.json"));
    assert_eq!(metric(&m["metrics"], "wf.fte", &[])["value"], 10.3);
    // a required one: every row is a row-level problem, not a refusal
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    staff_with(data.path(), |c| {
        c.iter_mut().find(|x| x.0 == "disability").unwrap().1 = Arc::new(NullArray::new(n));
    });
    let r = quarterly(data.path(), out.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = read_json(&folder(out.path()).join("metrics.json"));
    let d = metric(&m["metrics"], "wf.disability_pct", &[]);
    assert_eq!(
        (d["numerator"].as_u64(), d["denominator"].as_u64()),
        (Some(0), Some(12))
    );
    let dq = std::fs::read_to_string(folder(out.path()).join("tables/data_quality.csv")).unwrap();
    let rows: u64 = dq
        .lines()
        .filter(|l| l.contains("disability,unknown code"))
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    // every row of every snapshot, the repeated one too
    assert_eq!(rows, n as u64, "{dq}");
}

#[test]
fn a_referral_dated_1900_is_a_row_level_problem() {
    let data = tempdir();
    copy_tree(&sample_data(), data.path());
    // the first referral of one partner's file dated 1 January 1900
    let file = data.path().join("referrals/CL.parquet");
    let batch = read_parquet(&file);
    let i = batch.schema().index_of("referral_date").unwrap();
    let old = batch
        .column(i)
        .as_any()
        .downcast_ref::<Date32Array>()
        .unwrap();
    let mut days: Vec<Option<i32>> = old.iter().collect();
    days[0] = Some((date("1900-01-01") - date("1970-01-01")).num_days() as i32);
    let mut cols = batch.columns().to_vec();
    cols[i] = Arc::new(Date32Array::from(days));
    let fixed = RecordBatch::try_new(batch.schema(), cols).unwrap();
    std::fs::remove_file(&file).unwrap();
    write_batch(&file, &fixed);
    let r = validate(data.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "1 row(s)  referral_date: date before the earliest accepted \"before 2000-01-01\"  [partner CL]"
        ),
        "{}",
        r.stdout
    );
    // the earliest date is a setting
    let r = validate(
        data.path(),
        &[("EQUITY_REPORTS__QUALITY__EARLIEST_DATE", "1899-12-31")],
    );
    assert!(
        !r.stdout.contains("date before the earliest"),
        "{}",
        r.stdout
    );
    let r = run(
        &["validate", "--data", "."],
        &[("EQUITY_REPORTS__QUALITY__EARLIEST_DATE", "1 Jan 2000")],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("quality.earliest_date"), "{}", r.stderr);
}

#[test]
fn one_unreadable_file_is_named_and_its_dataset_is_not_called_missing() {
    let data = tempdir();
    write_fixture(data.path());
    let staff = data.path().join("staff_snapshot");
    std::fs::create_dir(&staff).unwrap();
    std::fs::rename(
        data.path().join("staff_snapshot.parquet"),
        staff.join("LCH.parquet"),
    )
    .unwrap();
    std::fs::write(staff.join("CL.parquet"), b"not parquet at all").unwrap();
    let r = validate(data.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("CL.parquet is not a readable Parquet file"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("staff_snapshot: REFUSED (1 structural error(s), listed above)"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("staff_snapshot: MISSING"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_settings_error_names_its_origin_once_and_the_system_error_once() {
    let r = run(
        &["validate", "--data", "."],
        &[
            ("EQUITY_REPORTS__DISCLOSURE__MIN_COUNT", "5"),
            ("EQUITY_REPORTS__DISCLOSURE__ROUND_TO", "\"five\""),
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.matches("the environment").count(),
        1,
        "{}",
        r.stderr
    );
    let r = run(&["validate", "--config", "/nonexistent/site.toml"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot read config file /nonexistent/site.toml"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn the_outbox_moves_with_out() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let r = run_quarterly(data.path(), out.path(), &[], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let outbox = out.path().join("outbox");
    let emls = std::fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0);
    assert_eq!(emls, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(&outbox.display().to_string()),
        "{}",
        r.stdout
    );
}

#[test]
fn resend_to_something_that_is_not_an_address_is_refused_before_anything_is_recorded() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = out.path().to_str().unwrap();
    let r = run(&["resend", "1", "--to", "not an address", "--out", o], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--to \"not an address\" is not an e-mail address"),
        "{}",
        r.stderr
    );
    let h = run(&["history", "--out", o], &[]).stdout;
    let runs = h
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .count();
    assert_eq!(runs, 1, "{h}");
}

fn read_parquet(path: &Path) -> RecordBatch {
    let f = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .with_batch_size(1 << 20)
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap()
}
