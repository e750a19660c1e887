//! Delivery through a real SMTP server on 127.0.0.1 (Python's aiosmtpd, installed by
//! .ci/run), and what happens when the server is down.

use crate::figures::write_fixture;
use crate::helpers::*;

pub(crate) fn start_sink(dir: &std::path::Path) -> Helper {
    start_sink_mode(dir, &[])
}

/// A sink in one of the modes of smtp_sink.py: `["tempfail-first"]`,
/// `["reject", address]`, `["hang"]`; it prints "data" in hang mode.
pub(crate) fn start_sink_mode(dir: &std::path::Path, mode: &[&str]) -> Helper {
    let mut args = vec![dir.to_str().unwrap()];
    args.extend_from_slice(mode);
    spawn_ready(
        "smtp_sink.py",
        &args,
        "is aiosmtpd installed (pip install aiosmtpd)?",
    )
}

/// The messages a sink has saved so far: (recipients, whole message), in order.
pub(crate) fn received(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in 1.. {
        let Ok(eml) = std::fs::read_to_string(dir.join(format!("{n}.eml"))) else {
            break;
        };
        let rcpt = std::fs::read_to_string(dir.join(format!("{n}.rcpt"))).unwrap_or_default();
        out.push((rcpt, eml));
    }
    out
}

/// Settings for plain SMTP to 127.0.0.1:`port`, plus `extra`.
pub(crate) fn plain_smtp<'a>(
    port: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("EQUITY_REPORTS__SMTP__HOST", "127.0.0.1"),
        ("EQUITY_REPORTS__SMTP__PORT", port),
        ("EQUITY_REPORTS__SMTP__SECURITY", "none"),
    ];
    v.extend_from_slice(extra);
    v
}

#[test]
fn report_is_received_by_a_real_smtp_server_with_the_pdf_intact() {
    let data = tempdir();
    let out = tempdir();
    let inbox = tempdir();
    write_fixture(data.path());
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &plain_smtp(
            &port,
            &[(
                "EQUITY_REPORTS__RECIPIENTS__SDG",
                "[\"sdg-a@example.org\", \"sdg-b@example.org\"]",
            )],
        ),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("E-mail sent to sdg-a@example.org (250"),
        "{}",
        r.stdout
    );
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    let pdf = std::fs::read(folder.join("report.pdf")).unwrap();
    let mut rcpts = Vec::new();
    for n in 1..=2 {
        assert_eq!(
            std::fs::read(inbox.path().join(format!("{n}.pdf"))).unwrap(),
            pdf,
            "attachment {n} differs"
        );
        rcpts.push(std::fs::read_to_string(inbox.path().join(format!("{n}.rcpt"))).unwrap());
        let eml = std::fs::read_to_string(inbox.path().join(format!("{n}.eml"))).unwrap();
        assert!(
            eml.contains("Subject: Workforce equality: quarterly update, Q2 2026/27"),
            "{eml}"
        );
        assert!(
            eml.contains("Message-ID:") && eml.contains("Date:"),
            "{eml}"
        );
        // the body names the report and period and carries no figure
        let body = eml
            .split("Content-Type: text/plain")
            .nth(1)
            .unwrap()
            .split("--")
            .next()
            .unwrap();
        assert!(body.contains("Q2 2026/27"), "{body}");
        assert!(
            !body.contains('%') && !body.contains("33.3"),
            "no figures in the body: {body}"
        );
    }
    rcpts.sort();
    assert_eq!(rcpts, ["sdg-a@example.org", "sdg-b@example.org"]);
    let manifest = read_json(&folder.join("manifest.json"));
    assert_eq!(manifest["delivery"]["status"], "delivered");
    assert_eq!(manifest["delivery"]["recipients"][0]["status"], "sent");
    assert!(
        !std::fs::read_to_string(folder.join("manifest.json"))
            .unwrap()
            .contains("SMTP_PASSWORD=")
    );
}

#[test]
fn smtp_down_keeps_the_report_and_exits_one() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    let port = closed_port().to_string(); // nothing listens there
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &plain_smtp(
            &port,
            &[
                ("EQUITY_REPORTS__SMTP__TIMEOUT_SECONDS", "5"),
                ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[1]"),
            ],
        ),
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("E-mail to sdg@lmws.example.org FAILED"),
        "{}",
        r.stderr
    );
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    assert!(folder.join("report.pdf").exists());
    let manifest = read_json(&folder.join("manifest.json"));
    assert_eq!(manifest["delivery"]["status"], "failed");
}

#[test]
fn smtp_password_comes_only_from_the_environment() {
    let data = tempdir();
    write_fixture(data.path());
    let r = run_quarterly(
        data.path(),
        tempdir().path(),
        &[],
        &[
            ("EQUITY_REPORTS__SMTP__HOST", "127.0.0.1"),
            ("EQUITY_REPORTS__SMTP__PORT", &closed_port().to_string()),
            ("EQUITY_REPORTS__SMTP__USERNAME", "reports"),
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "environment variable EQUITY_REPORTS_SMTP_PASSWORD holding the password is not"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_password_is_never_sent_without_tls_unless_the_settings_say_so() {
    let (data, out) = (tempdir(), tempdir());
    write_fixture(data.path());
    let port = closed_port().to_string();
    let mut env = plain_smtp(
        &port,
        &[
            ("EQUITY_REPORTS__SMTP__USERNAME", "reports"),
            ("EQUITY_REPORTS_SMTP_PASSWORD", "s3cret-pw"),
            ("EQUITY_REPORTS__SMTP__RETRY_SECONDS", "[]"),
        ],
    );
    let r = run_quarterly(data.path(), out.path(), &[], &env);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("smtp.security") && r.stderr.contains("unencrypted"),
        "{}",
        r.stderr
    );
    assert!(
        !out.path().join("workforce-quarterly").exists(),
        "nothing ran"
    );
    // said so: it runs (and, with no server there, fails to deliver)
    env.push(("EQUITY_REPORTS__SMTP__ALLOW_PLAINTEXT_AUTH", "true"));
    let r = run_quarterly(data.path(), out.path(), &[], &env);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("s3cret-pw") && !r.stdout.contains("s3cret-pw"));
}

/// The HTML twin goes beside the PDF, byte for byte the report.html of the folder, to
/// every list that takes it (all by default); a list set not to take it gets the PDF
/// alone; and when the two together pass the attachment limit the PDF goes alone and
/// the body says why.
#[test]
fn the_html_twin_is_attached_beside_the_pdf_to_the_lists_that_take_it() {
    let (data, out, inbox) = (tempdir(), tempdir(), tempdir());
    write_fixture(data.path());
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &plain_smtp(
            &port,
            &[
                ("EQUITY_REPORTS__RECIPIENTS__SDG", "[\"sdg@example.org\"]"),
                (
                    "EQUITY_REPORTS__RECIPIENTS__PARTNERSHIP_BOARD",
                    "[\"board@example.org\"]",
                ),
                (
                    "EQUITY_REPORTS__REPORTS__WORKFORCE-QUARTERLY__RECIPIENTS",
                    "[\"sdg\", \"partnership_board\"]",
                ),
                (
                    "EQUITY_REPORTS__SMTP__ATTACH_HTML_BY_LIST",
                    "{ partnership_board = false }",
                ),
            ],
        ),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let folder = out.path().join("workforce-quarterly/2026-Q3");
    let html = std::fs::read(folder.join("report.html")).unwrap();
    let pdf = std::fs::read(folder.join("report.pdf")).unwrap();
    let mut by_rcpt = std::collections::BTreeMap::new();
    for n in 1..=2 {
        let rcpt = std::fs::read_to_string(inbox.path().join(format!("{n}.rcpt"))).unwrap();
        let got_html = std::fs::read(inbox.path().join(format!("{n}.html"))).ok();
        assert_eq!(
            std::fs::read(inbox.path().join(format!("{n}.pdf"))).unwrap(),
            pdf
        );
        by_rcpt.insert(rcpt, got_html);
    }
    assert_eq!(by_rcpt["sdg@example.org"].as_deref(), Some(html.as_slice()));
    assert_eq!(by_rcpt["board@example.org"], None);

    // a limit the PDF fits under but not the PDF and the page together
    let (out, inbox) = (tempdir(), tempdir());
    let sink = start_sink(inbox.path());
    let port = sink.port.to_string();
    let limit = (pdf.len() + html.len() / 2).to_string();
    let r = run_quarterly(
        data.path(),
        out.path(),
        &[],
        &plain_smtp(
            &port,
            &[
                ("EQUITY_REPORTS__RECIPIENTS__SDG", "[\"sdg@example.org\"]"),
                ("EQUITY_REPORTS__SMTP__MAX_ATTACHMENT_BYTES", &limit),
            ],
        ),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(inbox.path().join("1.pdf").exists());
    assert!(!inbox.path().join("1.html").exists());
    let eml = std::fs::read_to_string(inbox.path().join("1.eml")).unwrap();
    let flat = eml
        .replace("=\r\n", "")
        .replace("\r\n", " ")
        .replace('\n', " ");
    assert!(
        flat.contains("The web-page version of the report is not attached"),
        "{eml}"
    );
}
