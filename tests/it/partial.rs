//! Periods the extracts cover only in part, or not at all. The bundled sample holds
//! referrals from October 2024 to September 2026 and staff snapshots from December 2024
//! to September 2026; cut to referrals from 1 December 2024 to 31 July 2026 (extracts
//! that start late and lag by two months), every report runs over a period covered at
//! its start only and at its end only, says so in the document, and refuses a period
//! the extracts do not cover at all (exit 2, nothing sent, nothing written).

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, BooleanArray, Date32Array};
use arrow::compute::filter_record_batch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::helpers::{copy_tree, pdf_text, run_report, sample_data, tempdir, write_batch};

/// Days since 1970-01-01 of a date.
fn day(s: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

/// The sample, with referrals dated 2024-12-01 to 2026-07-31 only.
fn cut_sample(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    copy_tree(&sample_data(), &data);
    let (from, to) = (day("2024-12-01"), day("2026-07-31"));
    let folder = data.join("referrals");
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
        std::fs::remove_file(&path).unwrap();
        for (i, batch) in batches.iter().enumerate() {
            let dates = batch
                .column_by_name("referral_date")
                .unwrap()
                .as_any()
                .downcast_ref::<Date32Array>()
                .expect("referral_date is a date");
            let keep: BooleanArray = (0..dates.len())
                .map(|r| Some(dates.is_valid(r) && (from..=to).contains(&dates.value(r))))
                .collect();
            let kept = filter_record_batch(batch, &keep).unwrap();
            let name = format!(
                "{}-{i}.parquet",
                path.file_stem().unwrap().to_string_lossy()
            );
            write_batch(&folder.join(name), &kept);
        }
    }
    data
}

#[test]
fn every_report_runs_over_a_period_covered_in_part_and_refuses_one_not_covered() {
    let dir = tempdir();
    let data = cut_sample(dir.path());
    let out = dir.path().join("out");
    let outbox = dir.path().join("outbox");
    let envs = [("EQUITY_REPORTS__PATHS__OUTBOX", outbox.to_str().unwrap())];
    // (report, period, what the document must say)
    let covered_in_part = [
        // referrals from 1 December: the end of the half-year and of the year only
        (
            "access-biannual",
            "FY2024-25-H2",
            "The extracts hold referrals from 1 December 2024 to",
        ),
        (
            "equity-annual",
            "FY2024-25",
            "The extracts hold referrals from 1 December 2024 to",
        ),
        // referrals to 31 July: the start of the half-year and of the year only
        (
            "access-biannual",
            "FY2026-27-H1",
            "to 31 July 2026 only, so the figures cover part of",
        ),
        (
            "equity-annual",
            "FY2026-27",
            "to 31 July 2026 only, so the figures cover part of",
        ),
        // snapshots from December 2024: the year's last two quarters only, and its first
        // two to September 2026
        (
            "workforce-annual",
            "FY2024-25",
            "The extracts hold no snapshot for Q1 2024/25, Q2 2024/25",
        ),
        (
            "workforce-annual",
            "FY2026-27",
            "The extracts hold no snapshot for Q3 2026/27, Q4 2026/27",
        ),
        // the first quarter held: no quarter before it to compare
        (
            "workforce-quarterly",
            "2024-Q4",
            "There is no snapshot for the previous quarter in the extracts",
        ),
    ];
    for (report, period, says) in covered_in_part {
        let r = run_report(report, period, &data, &out, &[], &envs);
        assert_eq!(r.code, 0, "{report} {period}: {}\n{}", r.stdout, r.stderr);
        let text = pdf_text(&out.join(report).join(period).join("report.pdf"));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(says),
            "{report} {period} lacks {says:?}:\n{flat}"
        );
    }
    // one message per recipient: the SDG and the Board for all but the quarterly report
    let sent = std::fs::read_dir(&outbox).unwrap().count();
    assert_eq!(sent, 6 * 2 + 1);

    // Not covered at all: a refusal that names what is missing, and nothing sent.
    let not_covered = [
        (
            "access-biannual",
            "FY2027-28-H1",
            "no referral dated in FY2027-28-H1",
        ),
        (
            "equity-annual",
            "FY2027-28",
            "no referral dated in FY2027-28",
        ),
        (
            "workforce-annual",
            "FY2027-28",
            "no snapshot dated in FY2027-28",
        ),
        // a quarter whose end snapshot is not held (the extracts stop inside it)
        (
            "workforce-quarterly",
            "2026-Q4",
            "no snapshot dated in 2026-Q4",
        ),
    ];
    for (report, period, says) in not_covered {
        let r = run_report(report, period, &data, &out, &[], &envs);
        assert_eq!(r.code, 2, "{report} {period}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(says), "{report} {period}: {}", r.stderr);
        assert!(!out.join(report).join(period).exists());
        assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), sent);
    }
}
