//! The README's first command, end to end on sample data: PDF text, outputs, outbox.

use crate::helpers::*;

#[test]
fn sample_data_to_pdf_and_outbox() {
    let sample = sample_data();
    let out = tempdir();
    let outbox = out.path().join("outbox");
    let r = run_quarterly(
        &sample,
        out.path(),
        &[],
        &[("EQUITY_REPORTS__PATHS__OUTBOX", outbox.to_str().unwrap())],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("written to the outbox"), "{}", r.stdout);
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    for f in [
        "report.pdf",
        "metrics.json",
        "manifest.json",
        "tables/summary.csv",
        "tables/by_partner.csv",
        "tables/data_quality.csv",
    ] {
        assert!(folder.join(f).exists(), "{f} missing");
    }
    let text = pdf_text(&folder.join("report.pdf"));
    for heading in [
        "Workforce equality: quarterly update",
        "Q2 2026/27 (July 2026 to September 2026)",
        "Summary of headline figures",
        "BME share of staff by band cluster",
        "Chart description:",
        "Figures by partner organisation",
        "Women's Counselling and Therapy",
        "Training and mentoring against targets",
        "Workforce Race and Disability Equality Standard indicators",
        "WRES 2: White applicants",
        "No adverse impact",
        "Methodology",
        "Data quality",
        "unlisted partner code: LHC",
        "Page 1 of",
        "OFFICIAL",
    ] {
        assert!(text.contains(heading), "PDF lacks {heading:?}");
    }
    // The headline in the PDF is the figure in metrics.json.
    let json = read_json(&folder.join("metrics.json"));
    let bme = metric(&json["metrics"], "wf.bme_pct", &[])["value"]
        .as_f64()
        .unwrap();
    assert!(
        text.contains(&format!("{:.1}%", bme * 100.0)),
        "BME % {bme} not in the PDF"
    );
    // No identifier leaves in the PDF.
    assert!(!text.contains("ST0"), "a staff pseudonym is in the PDF");
    // One outbox message with the PDF attached.
    let emls: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(emls.len(), 1);
    let eml = std::fs::read_to_string(&emls[0]).unwrap();
    assert!(eml.contains("To: sdg@lmws.example.org"), "{eml}");
    assert!(eml.contains("Content-Type: application/pdf"), "{eml}");
    let manifest = read_json(&folder.join("manifest.json"));
    assert_eq!(manifest["delivery"]["status"], "written to outbox");
    // where the run spent its time, phase by phase
    let t = &manifest["timings_ms"];
    let phases: u64 = ["load_and_check", "queries", "pdf", "write", "delivery"]
        .iter()
        .map(|p| t[p].as_u64().unwrap_or_else(|| panic!("no {p} in {t}")))
        .sum();
    assert!(
        phases <= t["total"].as_u64().unwrap() && t["queries"].as_u64().unwrap() > 0,
        "{t}"
    );
    // 8 snapshots x 11 partner files, plus leavers, recruitment, training, disciplinary,
    // mentoring and the staff survey
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 8 * 11 + 6);
}

#[test]
fn sample_data_is_deterministic_for_a_seed() {
    let a = tempdir();
    let b = tempdir();
    for d in [&a, &b] {
        let r = run(
            &[
                "sample-data",
                "--out",
                d.path().to_str().unwrap(),
                "--seed",
                "3",
            ],
            &[],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    for f in [
        "referrals/LCH.parquet",
        "appointments.parquet",
        "staff_snapshot/snapshot_date=2026-09-30/LYPFT.parquet",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn bundled_sample_is_what_the_generator_writes() {
    // The README's first command reads sample/; it must stay the generator's output.
    let fresh = tempdir();
    let r = run(
        &["sample-data", "--out", fresh.path().to_str().unwrap()],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let mut files = Vec::new();
    collect_files(fresh.path(), fresh.path(), &mut files);
    assert!(files.len() > 90, "{} files", files.len());
    for rel in files {
        let a = std::fs::read(fresh.path().join(&rel)).unwrap();
        let b = std::fs::read(bundled.join(&rel)).unwrap_or_else(|_| {
            panic!("sample/{rel} is not bundled: run `cargo run -- sample-data --out sample`")
        });
        assert!(
            a == b,
            "sample/{rel} differs from the generator's: run `cargo run -- sample-data --out sample`"
        );
    }
}

fn collect_files(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_files(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

#[test]
fn referrals_in_hive_partitions_by_quarter_give_the_same_figures() {
    use arrow::array::{Array, BooleanArray, Date32Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
    let data = tempdir();
    copy_tree(&bundled, data.path());
    // the referrals again, one folder per quarter of referral date
    // (referrals/quarter=2025-Q2/part-N.parquet) instead of one file per partner
    let folder = data.path().join("referrals");
    std::fs::remove_dir_all(&folder).unwrap();
    let mut part = 0;
    for f in std::fs::read_dir(bundled.join("referrals")).unwrap() {
        let file = std::fs::File::open(f.unwrap().path()).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch = batch.unwrap();
            let dates = batch
                .column_by_name("referral_date")
                .unwrap()
                .as_any()
                .downcast_ref::<Date32Array>()
                .unwrap()
                .clone();
            let quarter_of = |i: usize| {
                let d = dates.value_as_date(i).unwrap();
                use chrono::Datelike;
                format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
            };
            let mut quarters: Vec<String> = (0..dates.len()).map(quarter_of).collect();
            quarters.sort();
            quarters.dedup();
            for q in quarters {
                let mask: BooleanArray =
                    (0..dates.len()).map(|i| Some(quarter_of(i) == q)).collect();
                let rows = arrow::compute::filter_record_batch(&batch, &mask).unwrap();
                let path = folder.join(format!("quarter={q}/part-{part}.parquet"));
                part += 1;
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                let mut w = parquet::arrow::ArrowWriter::try_new(
                    std::fs::File::create(&path).unwrap(),
                    rows.schema(),
                    None,
                )
                .unwrap();
                w.write(&rows).unwrap();
                w.close().unwrap();
            }
        }
    }
    assert!(folder.join("quarter=2025-Q2").is_dir());
    let metrics = |data: &std::path::Path| {
        let out = tempdir();
        let r = run_equity_annual(data.to_str().unwrap(), out.path(), &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("unknown column"), "{}", r.stderr);
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.path().join("equity-annual/FY2025-26/metrics.json")).unwrap(),
        )
        .unwrap();
        m["metrics"].clone()
    };
    let by_partner = metrics(&bundled);
    assert!(by_partner.as_array().is_some_and(|a| a.len() > 500));
    assert_eq!(metrics(data.path()), by_partner);
}

/// On a terminal (`script` gives the run one), `run` shows its phases and how far it
/// has got; with stderr piped, as under cron or `serve`, it shows nothing of the kind.
#[test]
fn progress_shows_on_a_terminal_and_nowhere_else() {
    let (out, log) = (tempdir(), tempdir());
    let bin = env!("CARGO_BIN_EXE_equity-reports");
    let data = sample_data();
    let command = format!(
        "{bin} run workforce-quarterly --period 2026-Q3 --data {} --out {} --as-of 2026-10-15 --no-send",
        data.display(),
        out.path().display()
    );
    let typescript = log.path().join("typescript");
    let status = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command])
        .arg(&typescript)
        .env_remove("EQUITY_REPORTS_CONFIG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("script (util-linux) must be installed");
    assert!(status.success());
    let seen = String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned();
    for phase in [
        "Reading the extracts",
        "Checking the extracts",
        "Computing the figures",
        "Drawing the PDF and HTML",
        "Writing the report folder",
    ] {
        assert!(seen.contains(phase), "{phase} not shown:\n{seen}");
    }
    assert!(
        seen.contains("/7"),
        "the checks' bar counts the seven datasets:\n{seen}"
    );
    assert!(seen.contains("Run 1: report written to"));

    let again = tempdir();
    let r = run_quarterly(&data, again.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("Computing the figures") && !r.stderr.contains("extracts"),
        "{}",
        r.stderr
    );
}

/// Every file and folder under `root` with its permission bits.
fn modes(root: &std::path::Path) -> Vec<(String, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push((p.strip_prefix(root).unwrap().display().to_string(), mode));
        }
    }
    out.sort();
    out
}

#[test]
fn what_a_run_writes_is_readable_by_its_owner_only() {
    let data = tempdir();
    crate::figures::write_fixture(data.path());
    for (group, dir_mode, file_mode) in [("false", 0o700, 0o600), ("true", 0o750, 0o640)] {
        // an output root the program makes itself
        let parent = tempdir();
        let out = parent.path().join("out");
        let r = run_quarterly(
            data.path(),
            &out,
            &[],
            &[("EQUITY_REPORTS__PATHS__GROUP_READABLE", group)],
        );
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        let all = modes(parent.path());
        // the report folder and its tables, the ledger, the archive and the outbox
        for needed in [
            "metrics.json",
            "ledger.sqlite",
            "archive/run-1",
            "outbox",
            ".eml",
        ] {
            assert!(
                all.iter().any(|(p, _)| p.contains(needed)),
                "{needed}: {all:?}"
            );
        }
        for (path, mode) in &all {
            let want = if parent.path().join(path).is_dir() {
                dir_mode
            } else {
                file_mode
            };
            assert_eq!(
                *mode, want,
                "{path} is {mode:o} with group_readable = {group}"
            );
        }
        assert!(
            !r.stderr.contains("can be opened by every user"),
            "{}",
            r.stderr
        );
    }
    // an output folder every user can open is warned about
    use std::os::unix::fs::PermissionsExt;
    let out = tempdir();
    std::fs::set_permissions(out.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("can be opened by every user of this machine (mode 755)"),
        "{}",
        r.stderr
    );
}
