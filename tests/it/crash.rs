//! A fault at each step of a run (the tests marked `failpoints` need that cargo feature;
//! see src/failpoint.rs), and a relay that fails in each way a relay can: for every
//! one, every recipient's state, the report folder, and what a rerun sends.

use std::path::Path;

use crate::figures::write_fixture;
use crate::helpers::*;
use crate::smtp::{plain_smtp, received, start_sink, start_sink_mode};

const THREE: &str = "[\"a@example.org\", \"b@example.org\", \"c@example.org\"]";

/// SMTP to `port`, recipients a, b, c, an admin, one quick retry.
fn env(port: &str) -> Vec<(&str, &str)> {
    plain_smtp(
        port,
        &[
            ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[1]"),
            ("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "10"),
            ("EQUITY_REPORTS__RECIPIENTS__SDG", THREE),
            (
                "EQUITY_REPORTS__RECIPIENTS__ADMINS",
                "[\"admin@example.org\"]",
            ),
        ],
    )
}

fn with<'a>(
    mut e: Vec<(&'a str, &'a str)>,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    e.extend_from_slice(extra);
    e
}

/// Who got how many messages in an inbox.
fn count(inbox: &Path, who: &str) -> usize {
    received(inbox).iter().filter(|m| m.0 == who).count()
}

fn history(out: &Path) -> String {
    let r = run(&["history", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// The names in a folder, sorted.
#[cfg(feature = "failpoints")]
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A fault in each step before the first message (write, archive, ledger, swap), as
/// an error and as a crash: the previous good report stays in place whole, nothing is
/// sent, and the next run leaves no leftover and delivers once.
#[cfg(feature = "failpoints")]
#[test]
fn a_fault_before_sending_keeps_the_good_report_and_leaves_nothing_behind() {
    for point in ["run.write", "run.archive", "run.ledger", "run.swap"] {
        for action in ["return(full)", "return(crash)"] {
            let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
            write_fixture(data.path());
            let sink = start_sink(inbox.path());
            let port = sink.port.to_string();
            let good = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
            assert_eq!(good.code, 0, "{}", good.stderr);
            let folder = out.path().join("workforce-quarterly/2026-Q3");
            let before = std::fs::read(folder.join("manifest.json")).unwrap();
            let fp = format!("{point}={action}");
            let r = run_quarterly(
                data.path(),
                out.path(),
                &[],
                &with(env(&port), &[("FAILPOINTS", &fp)]),
            );
            let what = format!("{fp}: {}\n{}", r.stdout, r.stderr);
            if action == "return(full)" {
                assert_eq!(r.code, 2, "{what}");
                assert!(r.stderr.contains("No space left on device"), "{what}");
            } else {
                assert_ne!(r.code, 0, "{what}");
            }
            assert_eq!(received(inbox.path()).len(), 0, "{what}");
            assert_eq!(
                std::fs::read(folder.join("manifest.json")).unwrap(),
                before,
                "{what}: the good report was replaced"
            );
            // the next run clears what the fault left, and delivers to each once
            let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
            assert_eq!(r.code, 0, "{fp}: {}\n{}", r.stdout, r.stderr);
            for who in ["a@example.org", "b@example.org", "c@example.org"] {
                assert_eq!(count(inbox.path(), who), 1, "{fp}: {who}");
            }
            assert_eq!(
                names(&out.path().join("workforce-quarterly")),
                ["2026-Q3"],
                "{fp}"
            );
            let archive = names(&out.path().join("archive"));
            assert!(
                archive.iter().all(|n| n.starts_with("run-")),
                "{fp}: {archive:?}"
            );
            assert!(names(&folder).iter().all(|n| !n.starts_with('.')), "{fp}");
        }
    }
}

/// A crash just before, and just after, b's message is handed over: a has it, b is in
/// doubt, c was never tried. The rerun sends to c alone and names b.
#[cfg(feature = "failpoints")]
#[test]
fn a_crash_around_a_message_names_every_recipient_and_the_rerun_sends_to_the_rest() {
    for point in ["delivery.before_data", "delivery.after_data"] {
        let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
        write_fixture(data.path());
        let sink = start_sink(inbox.path());
        let port = sink.port.to_string();
        let fp = format!("{point}=1*off->return(crash)");
        let r = run_quarterly(
            data.path(),
            out.path(),
            &[],
            &with(env(&port), &[("FAILPOINTS", &fp)]),
        );
        assert_ne!(r.code, 0, "{fp}: {}\n{}", r.stdout, r.stderr);
        let b_at_relay = count(inbox.path(), "b@example.org");
        assert_eq!(count(inbox.path(), "a@example.org"), 1, "{fp}");
        assert_eq!(
            b_at_relay,
            usize::from(point == "delivery.after_data"),
            "{fp}"
        );
        assert_eq!(count(inbox.path(), "c@example.org"), 0, "{fp}");
        let h = history(out.path());
        assert!(h.contains("b@example.org (run 1): in doubt"), "{fp}: {h}");
        assert!(h.contains("c@example.org (run 1): not tried"), "{fp}: {h}");

        let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
        assert_eq!(r.code, 2, "{fp}: {}\n{}", r.stdout, r.stderr);
        assert_eq!(count(inbox.path(), "a@example.org"), 1, "{fp}");
        assert_eq!(count(inbox.path(), "b@example.org"), b_at_relay, "{fp}");
        assert_eq!(count(inbox.path(), "c@example.org"), 1, "{fp}");
        // the advised command for b sends b one copy, and then all is settled
        let r = run(
            &[
                "resend",
                "1",
                "--to",
                "b@example.org",
                "--out",
                out.path().to_str().unwrap(),
            ],
            &env(&port),
        );
        assert_eq!(r.code, 0, "{fp}: {}", r.stderr);
        let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
        assert_eq!(r.code, 0, "{fp}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("already delivered by run 1"),
            "{fp}: {}",
            r.stdout
        );
        assert_eq!(count(inbox.path(), "c@example.org"), 1, "{fp}");
        assert_eq!(count(inbox.path(), "b@example.org"), b_at_relay + 1, "{fp}");
        assert_eq!(names(&out.path().join("workforce-quarterly")), ["2026-Q3"]);
    }
}

/// A relay that takes the whole message and drops the connection before its reply:
/// each message is in doubt, handed over once, never tried again.
#[test]
fn a_relay_that_drops_after_the_data_gets_each_message_once_and_it_is_in_doubt() {
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    write_fixture(data.path());
    let sink = start_sink_mode(inbox.path(), &["drop-before-reply"]);
    let port = sink.port.to_string();
    let e = with(
        env(&port),
        &[("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[1, 1]")],
    );
    let r = run_quarterly(data.path(), out.path(), &[], &e);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    for who in ["a@example.org", "b@example.org", "c@example.org"] {
        assert_eq!(count(inbox.path(), who), 1, "{who}");
        assert!(
            r.stderr.contains(&format!("E-mail to {who} IN DOUBT")),
            "{}",
            r.stderr
        );
    }
    let h = history(out.path());
    assert!(h.lines().nth(1).unwrap().ends_with("in doubt"), "{h}");
    assert!(
        h.contains("a@example.org in doubt after 1 attempt(s)"),
        "{h}"
    );
    // a rerun sends nothing and says who is in doubt
    let r = run_quarterly(data.path(), out.path(), &[], &e);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("c@example.org (run 1): in doubt"),
        "{}",
        r.stderr
    );
    // the three reports and the admins' notice (which the relay also took), once each
    assert_eq!(received(inbox.path()).len(), 4);
    assert_eq!(count(inbox.path(), "admin@example.org"), 1);
}

/// A relay that drops the connection at the DATA command never had the message: that
/// is tried again, and the rerun sends to those who did not get it.
#[test]
fn a_relay_that_drops_at_the_data_command_is_tried_again_and_nobody_is_in_doubt() {
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    write_fixture(data.path());
    let sink = start_sink_mode(inbox.path(), &["drop-at-data"]);
    let port = sink.port.to_string();
    let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("E-mail to a@example.org FAILED: gave up after 2 attempt(s)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("IN DOUBT"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the admins could not be told"),
        "{}",
        r.stderr
    );
    drop(sink);
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // nobody was reached before, so the report is computed again and sent to all three
    assert_eq!(received(inbox.path()).len(), 3);
    for who in ["a@example.org", "b@example.org", "c@example.org"] {
        assert_eq!(count(inbox.path(), who), 1, "{who}");
    }
}

/// Waits are one schedule for the run: every recipient is tried in each round.
#[test]
fn retries_go_round_all_recipients_together() {
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    write_fixture(data.path());
    let sink = start_sink_mode(inbox.path(), &["tempfail"]);
    let port = sink.port.to_string();
    let e = with(
        env(&port),
        &[
            ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[1, 1]"),
            ("EQUITY_REPORTS__RECIPIENTS__ADMINS", "[]"),
        ],
    );
    let r = run_quarterly(data.path(), out.path(), &[], &e);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let tries = std::fs::read_to_string(inbox.path().join("tries.log")).unwrap();
    let order: Vec<&str> = tries.lines().collect();
    let round = ["a@example.org", "b@example.org", "c@example.org"];
    assert_eq!(order, [round, round, round].concat(), "{tries}");
    assert!(
        r.stderr
            .contains("E-mail to c@example.org FAILED: gave up after 3 attempt(s)"),
        "{}",
        r.stderr
    );
}

/// The admins are said to be told only when they were.
#[test]
fn the_admins_are_said_to_be_told_only_when_the_notice_went() {
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    write_fixture(data.path());
    let sink = start_sink_mode(inbox.path(), &["reject", "a@example.org,admin@example.org"]);
    let port = sink.port.to_string();
    let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("the admins were told"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "the admins could not be told: admin@example.org: permanent after 1 attempt(s)"
        ),
        "{}",
        r.stderr
    );
    // with the admins reachable, it says so
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    write_fixture(data.path());
    let sink = start_sink_mode(inbox.path(), &["reject", "a@example.org"]);
    let port = sink.port.to_string();
    let r = run_quarterly(data.path(), out.path(), &[], &env(&port));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the admins were told (admin@example.org)"),
        "{}",
        r.stderr
    );
}

/// A full disk after the messages were written to the outbox: the command says what
/// was sent, the ledger agrees, and no temporary file is left.
#[cfg(feature = "failpoints")]
#[test]
fn a_full_disk_after_the_outbox_write_says_what_was_sent() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let e = [
        ("EQUITY_REPORTS__RECIPIENTS__SDG", THREE),
        ("FAILPOINTS", "run.manifest=return(full)"),
    ];
    let r = run_quarterly(data.path(), out.path(), &[], &e);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("E-mail to c@example.org written to the outbox"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("Warning: the manifest could not be updated with the deliveries")
            && r.stderr.contains("No space left on device"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.to_lowercase().contains("nothing sent"),
        "{}",
        r.stderr
    );
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    assert!(
        names(&folder).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names(&folder)
    );
    let h = history(out.path());
    assert!(h.lines().nth(1).unwrap().ends_with("delivered"), "{h}");
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &[("EQUITY_REPORTS__RECIPIENTS__SDG", THREE)],
    );
    assert!(
        r.stdout.contains("already delivered by run 1"),
        "{}",
        r.stdout
    );
}

/// A disk that fills while the outbox is written: the message that could not be written
/// leaves nothing in the outbox (no half message for a pickup folder to deliver), its
/// recipient stays waiting (not refused for good), what the command prints matches the
/// ledger, and once there is room a rerun writes the messages still owed, each once.
#[cfg(feature = "failpoints")]
#[test]
fn a_full_outbox_disk_leaves_its_recipients_waiting_for_a_rerun() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let outbox = out.path().join("outbox");
    let base = [
        ("EQUITY_REPORTS__RECIPIENTS__SDG", THREE),
        ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[]"),
    ];
    // the first message is written, then the disk is full
    let full = with(
        base.to_vec(),
        &[("FAILPOINTS", "delivery.outbox=1*off->return(full)")],
    );
    let r = run_quarterly(data.path(), out.path(), &[], &full);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("E-mail to a@example.org written to the outbox"),
        "{}",
        r.stdout
    );
    for who in ["b@example.org", "c@example.org"] {
        assert!(
            r.stderr.contains(&format!("E-mail to {who} FAILED"))
                && r.stderr.contains("No space left on device"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(names(&outbox).len(), 1, "{:?}", names(&outbox));
    assert!(names(&outbox)[0].ends_with(".eml"), "{:?}", names(&outbox));
    let h = history(out.path());
    assert!(!h.contains("refused"), "{h}");
    assert!(
        h.lines().nth(1).unwrap().ends_with("partly delivered"),
        "{h}"
    );
    assert!(
        h.contains("failed: gave up after 1 attempt(s): outbox")
            && h.contains("the next run of this report and period sends it"),
        "{h}"
    );
    // room again: the rerun writes b's and c's, and not a's a second time
    let r = run_quarterly(data.path(), out.path(), &[], &base);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let files = names(&outbox);
    assert_eq!(files.len(), 3, "{files:?}");
    for who in ["a@example.org", "b@example.org", "c@example.org"] {
        let to: usize = files
            .iter()
            .filter(|f| {
                std::fs::read_to_string(outbox.join(f))
                    .unwrap()
                    .contains(&format!("To: {who}"))
            })
            .count();
        assert_eq!(to, 1, "{who}: {files:?}");
    }
}

/// A crash between the manifest's temporary file and its rename leaves the file; the
/// next run (even one that sends nothing) removes it.
#[cfg(feature = "failpoints")]
#[test]
fn a_temporary_manifest_of_a_killed_run_is_removed_by_the_next_run() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &[("FAILPOINTS", "run.manifest=return(crash)")],
    );
    assert_ne!(r.code, 0);
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    assert!(
        names(&folder)
            .iter()
            .any(|n| n.starts_with(".manifest.json.tmp-"))
    );
    let r = run_quarterly(data.path(), out.path(), &[], &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("already delivered by run 1"),
        "{}",
        r.stdout
    );
    assert!(
        names(&folder).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names(&folder)
    );
}
