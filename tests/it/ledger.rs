//! Exactly once, retries and resends against real SMTP servers on 127.0.0.1: the run
//! ledger, `history`, `resend`, two processes at once, a crash while sending, and the
//! scheduler (`serve`) sending a report at its time.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::figures::{fixture_staff, write_fixture};
use crate::helpers::*;
use crate::smtp::{plain_smtp, received, start_sink, start_sink_mode};

/// SMTP to `port` with one retry after a second, and the lists of these tests.
fn smtp_env(port: &str) -> Vec<(&str, &str)> {
    plain_smtp(
        port,
        &[
            ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[1]"),
            ("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "5"),
            (
                "EQUITY_REPORTS__RECIPIENTS__SDG",
                "[\"sdg-a@example.org\", \"sdg-b@example.org\"]",
            ),
            (
                "EQUITY_REPORTS__RECIPIENTS__ADMINS",
                "[\"admin@example.org\"]",
            ),
        ],
    )
}

fn history(out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["history", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = run(&args, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// A message as a reader sees it: quoted-printable soft breaks and folded headers joined.
fn unfold(eml: &str) -> String {
    eml.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("\r\n ", " ")
        .replace("\n ", " ")
}

/// A workforce fixture, an output folder and an SMTP server in `mode` (see
/// smtp_sink.py) saving into `inbox`.
struct Case {
    data: tempfile::TempDir,
    out: tempfile::TempDir,
    inbox: tempfile::TempDir,
    sink: Helper,
}

impl Case {
    fn new(mode: &[&str]) -> Case {
        let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
        write_fixture(data.path());
        let sink = start_sink_mode(inbox.path(), mode);
        Case {
            data,
            out,
            inbox,
            sink,
        }
    }

    fn port(&self) -> String {
        self.sink.port.to_string()
    }

    /// `run workforce-quarterly` for 2026-Q3, to completion.
    fn run(&self, extra: &[&str], env: &[(&str, &str)]) -> Output {
        run_quarterly(self.data.path(), self.out.path(), extra, env)
    }

    /// The same run started in the background.
    fn spawn(&self, env: &[(&str, &str)]) -> std::process::Child {
        spawn_quarterly(
            self.data.path(),
            self.out.path(),
            &["--period", "2026-Q3", "--as-of", "2026-10-15"],
            env,
        )
    }
}

/// `run workforce-quarterly` with `args` (its period, and as-of date if any), started
/// in the background.
fn spawn_quarterly(
    data: &Path,
    out: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_equity-reports"))
        .args(["run", "workforce-quarterly"])
        .args(args)
        .args([
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The messages to one address.
fn to<'a>(msgs: &'a [(String, String)], addr: &str) -> Vec<&'a (String, String)> {
    msgs.iter().filter(|m| m.0 == addr).collect()
}

#[test]
fn a_second_run_sends_nothing_and_resend_sends_the_archived_pdf() {
    let c = Case::new(&[]);
    let (data, out, inbox) = (&c.data, &c.out, &c.inbox);
    let port = c.port();
    let env = smtp_env(&port);

    let first = run_quarterly(data.path(), out.path(), &[], &env);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first.stdout.contains("Run 1: report written"),
        "{}",
        first.stdout
    );
    assert_eq!(received(inbox.path()).len(), 2);

    let second = run_quarterly(data.path(), out.path(), &[], &env);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stdout.contains(
            "Nothing sent: workforce-quarterly for 2026-Q3 was already delivered by run 1"
        ),
        "{}",
        second.stdout
    );
    assert_eq!(received(inbox.path()).len(), 2, "the second run sent mail");

    let h = history(out.path(), &["--report", "workforce-quarterly"]);
    let line = h.lines().find(|l| l.starts_with("1 ")).unwrap();
    assert!(
        line.contains("workforce-quarterly  2026-Q3  command line") && line.ends_with("delivered"),
        "{h}"
    );
    // the fixture's files: staff snapshot, training, recruitment, disciplinary,
    // mentoring, leavers
    assert!(h.contains("  read 6 input file(s), "), "{h}");
    assert!(
        h.contains("sdg-a@example.org sent after 1 attempt(s)")
            && h.contains("Message-ID <workforce-quarterly.2026-Q3.run1.1."),
        "{h}"
    );
    // the SMTP message id the server saw is the one the ledger holds
    let msgs = received(inbox.path());
    let eml = &to(&msgs, "sdg-a@example.org")[0].1;
    let id = eml
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap()
        .trim();
    assert!(h.contains(id), "{id} not in\n{h}");

    // The output folder is replaced by a --no-send rerun with other settings; resend
    // still sends the PDF run 1 archived.
    let pdf1 = std::fs::read(out.path().join("workforce-quarterly/2026-Q3/report.pdf")).unwrap();
    let html1 = std::fs::read(out.path().join("workforce-quarterly/2026-Q3/report.html")).unwrap();
    let r = run_quarterly(
        data.path(),
        out.path(),
        &["--no-send"],
        &[(
            "EQUITY_REPORTS__REPORT__CLASSIFICATION",
            "OFFICIAL-SENSITIVE",
        )],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(
        std::fs::read(out.path().join("workforce-quarterly/2026-Q3/report.pdf")).unwrap(),
        pdf1
    );
    let r = run(
        &[
            "resend",
            "1",
            "--to",
            "sdg-b@example.org",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Run 3: resent the PDF of run 1"),
        "{}",
        r.stdout
    );
    let msgs = received(inbox.path());
    assert_eq!(msgs.len(), 3);
    assert_eq!(std::fs::read(inbox.path().join("3.pdf")).unwrap(), pdf1);
    // and the HTML twin run 1 archived beside it
    assert_eq!(std::fs::read(inbox.path().join("3.html")).unwrap(), html1);
    assert_eq!(msgs[2].0, "sdg-b@example.org");
    let h = history(out.path(), &["--period", "2026-Q3"]);
    assert!(h.contains("resend of run 1"), "{h}");
    assert!(h.contains("written, not sent"), "{h}");

    // --resend computes and sends again, to everyone.
    let r = run_quarterly(data.path(), out.path(), &["--resend"], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(received(inbox.path()).len(), 5);
}

#[test]
fn a_451_is_tried_again_and_delivered() {
    let c = Case::new(&["tempfail-first"]);
    let (out, inbox) = (&c.out, &c.inbox);
    let r = c.run(&[], &smtp_env(&c.port()));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let msgs = received(inbox.path());
    assert_eq!(msgs.len(), 2, "each recipient once");
    assert_eq!(to(&msgs, "sdg-a@example.org").len(), 1);
    assert_eq!(to(&msgs, "sdg-b@example.org").len(), 1);
    let h = history(out.path(), &[]);
    assert!(
        h.contains("sdg-a@example.org sent after 2 attempt(s)"),
        "{h}"
    );
    assert!(
        h.contains("sdg-b@example.org sent after 1 attempt(s)"),
        "{h}"
    );
}

#[test]
fn a_550_fails_one_recipient_the_others_get_it_and_the_admins_are_told() {
    let c = Case::new(&["reject", "sdg-a@example.org"]);
    let (out, inbox) = (&c.out, &c.inbox);
    let port = c.port();
    let r = c.run(&[], &smtp_env(&port));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("E-mail to sdg-a@example.org FAILED: permanent after 1 attempt(s)")
            && r.stderr.contains("550"),
        "{}",
        r.stderr
    );
    let msgs = received(inbox.path());
    assert_eq!(to(&msgs, "sdg-b@example.org").len(), 1);
    let admin = to(&msgs, "admin@example.org");
    assert_eq!(admin.len(), 1, "{msgs:?}");
    let note = unfold(&admin[0].1);
    assert!(
        note.contains(
            "Subject: equity-reports: workforce-quarterly 2026-Q3 not delivered to everyone"
        ),
        "{note}"
    );
    assert!(
        note.contains("sdg-a@example.org") && note.contains("550"),
        "{note}"
    );
    assert!(
        !note.contains("application/pdf"),
        "the notice carries no report"
    );
    let h = history(out.path(), &[]);
    assert!(
        h.lines().nth(1).unwrap().ends_with("partly delivered"),
        "{h}"
    );
    // partly delivered counts as delivered: no second send
    let again = c.run(&[], &smtp_env(&port));
    assert!(
        again.stdout.contains("already delivered by run 1"),
        "{}",
        again.stdout
    );
}

#[test]
fn no_server_is_tried_again_then_recorded_undelivered() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    let port = closed_port().to_string(); // nothing listens
    let r = run_quarterly(data.path(), out.path(), &[], &smtp_env(&port));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("E-mail to sdg-a@example.org FAILED: gave up after 2 attempt(s)"),
        "{}",
        r.stderr
    );
    let h = history(out.path(), &[]);
    assert!(h.lines().nth(1).unwrap().ends_with("undelivered"), "{h}");
    // a failed delivery never arrived: confirm refuses it, says why, and records nothing
    let r = run(
        &[
            "confirm",
            "1",
            "--to",
            "sdg-a@example.org",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("recorded its delivery as failed")
            && r.stderr.contains("resend 1 --to sdg-a@example.org"),
        "{}",
        r.stderr
    );
    assert_eq!(history(out.path(), &[]), h);
    // nothing was delivered, so a later run may send
    let inbox = tempdir();
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let r = run_quarterly(data.path(), out.path(), &[], &smtp_env(&port));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(received(inbox.path()).len(), 2);
}

#[test]
fn two_processes_at_once_send_once() {
    let c = Case::new(&[]);
    let inbox = &c.inbox;
    let port = c.port();
    let env = smtp_env(&port);
    let (a, b) = (c.spawn(&env), c.spawn(&env));
    let outs: Vec<_> = [a, b].map(|c| c.wait_with_output().unwrap()).into();
    let said: String = outs
        .iter()
        .map(|o| {
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .collect();
    let msgs = received(inbox.path());
    assert_eq!(to(&msgs, "sdg-a@example.org").len(), 1, "{said}");
    assert_eq!(to(&msgs, "sdg-b@example.org").len(), 1, "{said}");
    // one delivered; the other was refused (lock) or found it delivered
    assert!(
        said.contains("is being run by process") || said.contains("already delivered by run"),
        "{said}"
    );
    let delivered = outs.iter().filter(|o| o.status.code() == Some(0)).count();
    assert!(delivered >= 1, "{said}");
}

/// Three recipients; the process is killed while the relay holds b's message, after a
/// was sent and before c was tried. Nobody is lost and nobody gets two copies by any
/// command the program advises.
#[test]
fn a_kill_while_the_relay_holds_a_message_loses_nobody_and_repeats_nobody() {
    let mut c = Case::new(&["hang", "2"]);
    let port = c.port();
    let mut env = smtp_env(&port);
    env.extend([
        ("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "120"),
        (
            "EQUITY_REPORTS__RECIPIENTS__SDG",
            "[\"a@example.org\", \"b@example.org\", \"c@example.org\"]",
        ),
    ]);
    let mut child = c.spawn(&env);
    // the server has b's message when it says "data": kill the run there
    let line = c.sink.next_line(Duration::from_secs(90));
    assert_eq!(line.as_deref(), Some("data"));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(to(&received(c.inbox.path()), "a@example.org").len(), 1);

    // every recipient is named, with why
    let h = history(c.out.path(), &[]);
    assert!(h.lines().nth(1).unwrap().ends_with("interrupted"), "{h}");
    assert!(h.contains("a@example.org sent after 1 attempt(s)"), "{h}");
    assert!(h.contains("b@example.org sending"), "{h}");
    assert!(h.contains("c@example.org pending"), "{h}");
    assert!(
        h.contains("c@example.org (run 1): not tried: the run stopped before reaching")
            && h.contains("b@example.org (run 1): in doubt: the run stopped while handing over"),
        "{h}"
    );

    // the rerun sends to c alone, from run 1's archive, and names b
    let inbox2 = tempdir();
    let sink2 = start_sink(inbox2.path());
    let port2 = sink2.port.to_string();
    let mut env2 = smtp_env(&port2);
    env2.push((
        "EQUITY_REPORTS__RECIPIENTS__SDG",
        "[\"a@example.org\", \"b@example.org\", \"c@example.org\"]",
    ));
    let r = c.run(&[], &env2);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let msgs = received(inbox2.path());
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(msgs[0].0, "c@example.org");
    assert_eq!(
        std::fs::read(inbox2.path().join("1.pdf")).unwrap(),
        std::fs::read(c.out.path().join("archive/run-1/report.pdf")).unwrap(),
        "c gets the report a got"
    );
    assert!(
        r.stderr.contains("b@example.org (run 1): in doubt")
            && r.stderr
                .contains("equity-reports confirm 1 --to b@example.org")
            && r.stderr
                .contains("equity-reports resend 1 --to b@example.org"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("--resend"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("c@example.org (run 1)"),
        "c is not still waiting: {}",
        r.stderr
    );

    // the advice for b: resend to b settles b alone; nothing else is sent after that
    let out = c.out.path().to_str().unwrap();
    let r = run(
        &["resend", "1", "--to", "b@example.org", "--out", out],
        &env2,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = c.run(&[], &env2);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("already delivered by run 1"),
        "{}",
        r.stdout
    );
    let msgs = received(inbox2.path());
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    for who in ["a@example.org", "c@example.org"] {
        let before = to(&received(c.inbox.path()), who).len();
        assert_eq!(before + to(&msgs, who).len(), 1, "{who} got one copy");
    }
    let h = history(c.out.path(), &[]);
    assert!(!h.contains("Not delivered"), "{h}");
}

#[test]
fn an_address_confirmed_from_the_mail_log_is_not_sent_again() {
    let mut c = Case::new(&["hang"]);
    let port = c.port();
    let mut env = smtp_env(&port);
    env.push(("EQUITY_REPORTS__RECIPIENTS__SDG", "[\"a@example.org\"]"));
    env.push(("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "120"));
    let mut child = c.spawn(&env);
    assert_eq!(
        c.sink.next_line(Duration::from_secs(90)).as_deref(),
        Some("data")
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let out = c.out.path().to_str().unwrap();
    let r = run(
        &["confirm", "1", "--to", "nobody@example.org", "--out", out],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("run 1 has no delivery to nobody@example.org"),
        "{}",
        r.stderr
    );
    let r = run(
        &["confirm", "1", "--to", "A@example.org", "--out", out],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c.run(&[], &env);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("already delivered by run 1"),
        "{}",
        r.stdout
    );
    let h = history(c.out.path(), &[]);
    assert!(
        h.contains("confirmed delivered by an administrator (was: sending)"),
        "{h}"
    );
}

/// The quarter a report scheduled today covers, and a staff fixture dated at its end.
fn write_staff_for_last_quarter(dir: &Path) -> String {
    use equity_reports::period::{Period, PeriodKind};
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive();
    let q = Period::closed_before(PeriodKind::Quarter, today);
    let end: &'static str = Box::leak(q.end.to_string().into_boxed_str());
    let rows: Vec<Staff> = fixture_staff()
        .into_iter()
        .filter(|s| s.date == "2026-09-30")
        .map(|s| Staff { date: end, ..s })
        .collect();
    write_parquet(&dir.join("staff_snapshot.parquet"), staff_columns(&rows));
    q.id
}

/// A command-line run is delivering the report (its relay is slow) when `serve`'s
/// schedule comes round to it: the service waits for it, beat after beat, and does not
/// tell the admins the run failed and nothing was sent.
#[test]
fn serve_waits_for_a_run_another_process_is_delivering() {
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    let period = write_staff_for_last_quarter(data.path());
    let mut sink = start_sink_mode(inbox.path(), &["hang"]);
    let port = sink.port.to_string();
    let mut env = smtp_env(&port);
    env.push(("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "120"));
    let mut cli = spawn_quarterly(data.path(), out.path(), &["--period", &period], &env);
    assert_eq!(
        sink.next_line(Duration::from_secs(90)).as_deref(),
        Some("data")
    );
    // the service writes its notices to the outbox: none may appear
    let child = start_serve(
        data.path(),
        out.path(),
        london_now() + chrono::Duration::seconds(2),
        &[(
            "EQUITY_REPORTS__RECIPIENTS__ADMINS",
            "[\"admin@example.org\"]",
        )],
    );
    std::thread::sleep(Duration::from_secs(8));
    let (code, said) = stop(child);
    cli.kill().unwrap();
    cli.wait().unwrap();
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("is being run by process") && said.contains("waiting for it, not failed"),
        "{said}"
    );
    assert!(!said.contains("FAILED"), "{said}");
    let outbox = out.path().join("outbox");
    let notices = std::fs::read_dir(&outbox).map_or(0, |d| d.count());
    assert_eq!(notices, 0, "{said}");
}

/// A scheduled run refused before the ledger records it (a pipe in the data folder) is
/// due again at every beat: the admins hear of it once, not at every beat.
#[test]
fn serve_tells_the_admins_of_a_failure_once() {
    let (data, out) = (tempdir(), tempdir());
    write_staff_for_last_quarter(data.path());
    let pipe = data.path().join("leavers.parquet");
    let made = Command::new("mkfifo").arg(&pipe).status().unwrap();
    assert!(made.success());
    let child = start_serve(
        data.path(),
        out.path(),
        london_now() + chrono::Duration::seconds(2),
        &[(
            "EQUITY_REPORTS__RECIPIENTS__ADMINS",
            "[\"admin@example.org\"]",
        )],
    );
    std::thread::sleep(Duration::from_secs(8));
    let (code, said) = stop(child);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(said.matches("FAILED (").count(), 1, "{said}");
    assert!(said.matches("FAILED again").count() >= 2, "{said}");
    let notices: Vec<String> = std::fs::read_dir(out.path().join("outbox"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(notices.len(), 1, "{said}");
    let notice = unfold(&notices[0]);
    assert!(
        notice.contains("is not a regular file")
            && notice.contains("tried again at every heartbeat"),
        "{notice}"
    );
}

#[test]
fn serve_sends_at_the_scheduled_time_once_then_stops_on_sigterm() {
    let data = tempdir();
    let out = tempdir();
    let inbox = tempdir();
    let period = write_staff_for_last_quarter(data.path());
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let env = smtp_env(&port);
    // a few seconds ahead, so that it is a scheduled run, not a catch-up
    let child = start_serve(
        data.path(),
        out.path(),
        london_now() + chrono::Duration::seconds(12),
        &env,
    );
    wait_for(|| received(inbox.path()).len() >= 2);
    // a few more beats: nothing is sent twice
    std::thread::sleep(Duration::from_secs(3));
    let (code, said) = stop(child);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(received(inbox.path()).len(), 2, "{said}");
    assert!(
        said.contains(&format!(
            "workforce-quarterly {period} (schedule, scheduled "
        )) && said.contains("delivered to 2 of 2 recipient(s)")
            && said.contains("Stopped."),
        "{said}"
    );
    let h = history(out.path(), &[]);
    assert!(
        h.contains(&format!("workforce-quarterly  {period}  schedule")),
        "{h}"
    );
    // the command line agrees it is delivered
    let r = run(
        &[
            "run",
            "workforce-quarterly",
            "--period",
            &period,
            "--data",
            data.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        &env,
    );
    assert!(
        r.stdout.contains("already delivered by run 1"),
        "{}",
        r.stdout
    );
}

#[test]
fn schedule_lists_next_runs_with_their_periods() {
    let r = run(
        &["schedule", "--from", "2026-11-25T12:00:00Z", "--count", "2"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("Times in Europe/London"),
        "{}",
        r.stdout
    );
    for line in [
        "workforce-quarterly  Fri 15 Jan 2027 07:00:00 GMT  2026-Q4 (Q3 2026/27)",
        "workforce-quarterly  Thu 15 Apr 2027 07:00:00 BST  2027-Q1 (Q4 2026/27)",
        "equity-annual        Sat 15 May 2027 07:00:00 BST  FY2026-27 (2026/27)",
    ] {
        assert!(r.stdout.contains(line), "{line:?} not in\n{}", r.stdout);
    }
}

#[test]
fn starttls_and_implicit_tls_log_in_with_the_password_from_the_environment() {
    for mode in ["starttls", "tls"] {
        let c = Case::new(&[mode, "s3cret-pw"]);
        let port = c.port();
        let ca = c.inbox.path().join("ca.pem");
        let mut env = smtp_env(&port);
        env.extend([
            ("EQUITY_REPORTS__SMTP__SECURITY", mode),
            ("EQUITY_REPORTS__SMTP__USERNAME", "reports"),
            ("EQUITY_REPORTS__SMTP__CA_FILE", ca.to_str().unwrap()),
        ]);
        env.push(("EQUITY_REPORTS_SMTP_PASSWORD", "s3cret-pw"));
        let r = c.run(&[], &env);
        assert_eq!(r.code, 0, "{mode}: {}\n{}", r.stdout, r.stderr);
        assert_eq!(received(c.inbox.path()).len(), 2, "{mode}");
        // the password is in no output, manifest or ledger
        let ledger = std::fs::read(c.out.path().join("ledger.sqlite")).unwrap();
        let manifest = std::fs::read_to_string(
            c.out
                .path()
                .join("workforce-quarterly/2026-Q3/manifest.json"),
        )
        .unwrap();
        for (what, text) in [
            ("stdout", r.stdout.as_str()),
            ("stderr", r.stderr.as_str()),
            ("manifest", manifest.as_str()),
            ("ledger", &String::from_utf8_lossy(&ledger)),
        ] {
            assert!(
                !text.contains("s3cret-pw"),
                "{mode}: password in the {what}"
            );
        }
    }
}

#[test]
fn a_pdf_over_the_size_limit_is_not_attached_and_the_mail_says_where_it_is() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    let outbox = out.path().join("outbox");
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &[
            ("EQUITY_REPORTS__PATHS__OUTBOX", outbox.to_str().unwrap()),
            ("EQUITY_REPORTS__SMTP__MAX_ATTACHMENT_BYTES", "10000"),
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let eml = std::fs::read_dir(&outbox)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let eml = unfold(&std::fs::read_to_string(eml).unwrap());
    assert!(!eml.contains("application/pdf"), "{eml}");
    let archived = out.path().join("archive/run-1/report.pdf");
    assert!(archived.exists());
    assert!(
        eml.contains("larger than the e-mail attachment limit (0.0 MB)")
            && eml.contains(&format!("It is archived at {}", archived.display())),
        "{eml}"
    );
}

/// `serve` on `data` into `out` with `env`; its schedule holds workforce-quarterly only,
/// at the London time `at`.
fn start_serve(
    data: &Path,
    out: &Path,
    at: chrono::DateTime<chrono_tz::Tz>,
    env: &[(&str, &str)],
) -> std::process::Child {
    // The other reports' schedules are dropped so that none of them catches up.
    let reports = at
        .format("{ workforce-quarterly = \"%-S %-M %-H %-d %-m *\" }")
        .to_string();
    Command::new(env!("CARGO_BIN_EXE_equity-reports"))
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .envs(env.iter().copied())
        .env("EQUITY_REPORTS__SCHEDULE__HEARTBEAT_SECONDS", "1")
        .env("EQUITY_REPORTS__SCHEDULE__REPORTS", reports)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// SIGTERM, then what the service printed and its exit code.
fn stop(child: std::process::Child) -> (Option<i32>, String) {
    let term = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(term.success());
    let o = child.wait_with_output().unwrap();
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), said)
}

fn wait_for(what: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !what() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn london_now() -> chrono::DateTime<chrono_tz::Tz> {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::London)
}

#[test]
fn serve_catches_up_a_missed_run_and_tells_the_admins_when_data_never_came() {
    let data = tempdir(); // no extracts at all
    let out = tempdir();
    let inbox = tempdir();
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let mut env = smtp_env(&port);
    env.push(("EQUITY_REPORTS__SCHEDULE__DATA_RETRY_MINUTES", "[]"));
    // scheduled a minute ago, while the service was not running
    let child = start_serve(
        data.path(),
        out.path(),
        london_now() - chrono::Duration::seconds(60),
        &env,
    );
    wait_for(|| !received(inbox.path()).is_empty());
    std::thread::sleep(Duration::from_secs(2));
    let (code, said) = stop(child);
    assert_eq!(code, Some(0), "{said}");
    let msgs = received(inbox.path());
    assert_eq!(msgs.len(), 1, "{said}");
    assert_eq!(msgs[0].0, "admin@example.org");
    let note = unfold(&msgs[0].1);
    assert!(
        note.contains("The data had still not arrived after the last try")
            && note.contains("dataset staff_snapshot: required dataset is missing"),
        "{note}"
    );
    let h = history(out.path(), &[]);
    let first = h.lines().nth(1).unwrap();
    assert!(
        first.contains("catch-up") && first.ends_with("data missing"),
        "{h}"
    );
    assert_eq!(
        h.lines().filter(|l| l.contains("catch-up")).count(),
        1,
        "{h}"
    );
}

#[test]
fn sigterm_lets_the_run_in_flight_finish() {
    let data = tempdir();
    let out = tempdir();
    let period = write_staff_for_last_quarter(data.path());
    let inbox = tempdir();
    let mut sink = start_sink_mode(inbox.path(), &["hang"]);
    let port = sink.port.to_string();
    let mut env = smtp_env(&port);
    env.extend([
        ("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "3"),
        ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[]"),
        ("EQUITY_REPORTS__RECIPIENTS__SDG", "[\"sdg-a@example.org\"]"),
        ("EQUITY_REPORTS__RECIPIENTS__ADMINS", "[]"),
    ]);
    let child = start_serve(
        data.path(),
        out.path(),
        london_now() + chrono::Duration::seconds(12),
        &env,
    );
    // the run is sending when the signal comes
    let line = sink.next_line(Duration::from_secs(90));
    assert_eq!(line.as_deref(), Some("data"));
    let (code, said) = stop(child);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("Stopping: letting the run in flight finish.")
            && said.contains(&format!("workforce-quarterly {period} (schedule"))
            && said.contains("delivered to 0 of 1 recipient(s)")
            && said.contains("Stopped."),
        "{said}"
    );
    // finished and recorded, not left running or interrupted; the server had the
    // whole message when it stopped answering, so it is in doubt, not failed
    let h = history(out.path(), &[]);
    assert!(h.lines().nth(1).unwrap().ends_with("in doubt"), "{h}");
}

#[test]
fn a_report_checked_with_no_send_can_be_sent_as_it_is() {
    let c = Case::new(&[]);
    let port = c.port();
    let r = c.run(&["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(received(c.inbox.path()).is_empty());
    let out = c.out.path().to_str().unwrap();
    // no recipients to repeat: an address is needed
    let r = run(&["resend", "1", "--out", out], &smtp_env(&port));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("run 1 sent nothing; give --to ADDRESS"),
        "{}",
        r.stderr
    );
    // the archived letter is under the ledger's digest like the PDF: changed, nothing goes
    let letter = c.out.path().join("archive/run-1/letter.json");
    let original = std::fs::read_to_string(&letter).unwrap();
    std::fs::write(
        &letter,
        original.replace("\"subject\": \"", "\"subject\": \"Urgent: "),
    )
    .unwrap();
    let r = run(
        &["resend", "1", "--to", "board@example.org", "--out", out],
        &smtp_env(&port),
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("letter.json is not the file run 1 archived"),
        "{}",
        r.stderr
    );
    assert!(received(c.inbox.path()).is_empty());
    std::fs::write(&letter, original).unwrap();
    let r = run(
        &["resend", "1", "--to", "board@example.org", "--out", out],
        &smtp_env(&port),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let msgs = received(c.inbox.path());
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].0, "board@example.org");
    assert_eq!(
        std::fs::read(c.inbox.path().join("1.pdf")).unwrap(),
        std::fs::read(c.out.path().join("workforce-quarterly/2026-Q3/report.pdf")).unwrap()
    );
}
