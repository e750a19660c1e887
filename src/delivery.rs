//! E-mailing a report: one message per recipient with the PDF attached and a short
//! plain-text body that carries no figures. With no SMTP host configured the messages
//! are written as `.eml` files into the outbox folder instead.

use std::path::Path;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::config::{Security, Settings};

/// How one recipient's copy went.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Delivery {
    pub recipient: String,
    /// `sent` (SMTP accepted it), `written` (outbox file) or `failed`.
    pub status: String,
    /// SMTP reply, outbox file, or the error.
    pub detail: String,
    /// The file of the output folder that was attached (audiences may get copies with
    /// different rounding).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub attachment: String,
}

/// What goes into each message.
pub struct Letter<'a> {
    pub subject: String,
    pub body: String,
    pub attachment_name: String,
    pub pdf: &'a [u8],
}

/// The recipients of a report grouped by the rounding of the copy each gets:
/// (round_to, addresses). A person on two lists gets the coarser rounding.
pub fn recipients_by_rounding(settings: &Settings, report: &str) -> Vec<(u64, Vec<String>)> {
    let lists = settings
        .reports
        .get(report)
        .map(|r| r.recipients.clone())
        .unwrap_or_default();
    let rounding = |addr: &str| {
        lists
            .iter()
            .filter(|l| {
                settings
                    .recipients
                    .list(l)
                    .unwrap_or(&[])
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(addr))
            })
            .map(|l| settings.disclosure.round_to_for(l))
            .max()
            .unwrap_or(settings.disclosure.round_to)
    };
    let mut groups: Vec<(u64, Vec<String>)> = Vec::new();
    for addr in recipients_for(settings, report) {
        let r = rounding(&addr);
        match groups.iter_mut().find(|g| g.0 == r) {
            Some(g) => g.1.push(addr),
            None => groups.push((r, vec![addr])),
        }
    }
    groups.sort_by_key(|g| g.0);
    groups
}

/// The recipients of a report: the addresses of its configured lists, without repeats.
pub fn recipients_for(settings: &Settings, report: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(route) = settings.reports.get(report) {
        for list in &route.recipients {
            for a in settings.recipients.list(list).unwrap_or(&[]) {
                if !out.iter().any(|x| x.eq_ignore_ascii_case(a)) {
                    out.push(a.clone());
                }
            }
        }
    }
    out
}

fn build(settings: &Settings, to: &str, letter: &Letter) -> Result<Message, String> {
    let from: Mailbox = settings
        .smtp
        .from
        .parse()
        .map_err(|e| format!("smtp.from: {e}"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("address {to:?}: {e}"))?;
    let pdf = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(letter.subject.clone())
        // A Message-ID lets an administrator trace the message through mail logs.
        .message_id(None)
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(letter.body.clone()))
                .singlepart(
                    Attachment::new(letter.attachment_name.clone()).body(letter.pdf.to_vec(), pdf),
                ),
        )
        .map_err(|e| e.to_string())
}

/// Send the letter to every recipient; each gets its own result, and one failure
/// does not stop the others.
pub async fn deliver(
    settings: &Settings,
    outbox: &Path,
    recipients: &[String],
    letter: &Letter<'_>,
) -> Vec<Delivery> {
    let mut results = Vec::new();
    if settings.smtp.host.trim().is_empty() {
        if let Err(e) = std::fs::create_dir_all(outbox) {
            return recipients
                .iter()
                .map(|r| Delivery {
                    recipient: r.clone(),
                    status: "failed".into(),
                    detail: format!("cannot create outbox {}: {e}", outbox.display()),
                    attachment: String::new(),
                })
                .collect();
        }
        let transport = AsyncFileTransport::<Tokio1Executor>::new(outbox);
        for r in recipients {
            let d = match build(settings, r, letter) {
                Ok(m) => match transport.send(m).await {
                    Ok(id) => Delivery {
                        recipient: r.clone(),
                        status: "written".into(),
                        detail: outbox.join(format!("{id}.eml")).display().to_string(),
                        attachment: String::new(),
                    },
                    Err(e) => failed(r, e.to_string()),
                },
                Err(e) => failed(r, e),
            };
            results.push(d);
        }
        return results;
    }
    let transport = match smtp_transport(settings) {
        Ok(t) => t,
        Err(e) => return recipients.iter().map(|r| failed(r, e.clone())).collect(),
    };
    for r in recipients {
        let d = match build(settings, r, letter) {
            Ok(m) => match transport.send(m).await {
                Ok(resp) => Delivery {
                    recipient: r.clone(),
                    status: "sent".into(),
                    detail: format!(
                        "{} {}",
                        resp.code(),
                        resp.message().collect::<Vec<_>>().join(" ")
                    ),
                    attachment: String::new(),
                },
                Err(e) => failed(
                    r,
                    format!("SMTP {}:{}: {e}", settings.smtp.host, settings.smtp.port),
                ),
            },
            Err(e) => failed(r, e),
        };
        results.push(d);
    }
    results
}

fn failed(r: &str, detail: String) -> Delivery {
    Delivery {
        recipient: r.to_string(),
        status: "failed".into(),
        detail,
        attachment: String::new(),
    }
}

fn smtp_transport(settings: &Settings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let s = &settings.smtp;
    let host = s.host.trim();
    let mut b = match s.security {
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        Security::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| e.to_string())?
        }
        Security::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| e.to_string())?
        }
    };
    b = b
        .port(s.port)
        .timeout(Some(Duration::from_secs(s.timeout_seconds)));
    if !s.username.is_empty() {
        let password = s.password().ok_or_else(|| {
            format!(
                "smtp.username is set but environment variable {} holding the password is not",
                s.password_env
            )
        })?;
        b = b.credentials(Credentials::new(
            s.username.clone(),
            password.expose_secret().to_string(),
        ));
    }
    Ok(b.build())
}
