//! E-mailing a report: one message per recipient with the PDF attached and a short
//! plain-text body that carries no figures. With no SMTP host configured the messages
//! are written as `.eml` files into the outbox folder instead.
//!
//! Each recipient is tried on their own: a transient failure (4xx, connection refused,
//! timeout) is tried again after each wait of `smtp.retry_seconds`; a permanent one
//! (5xx, bad address) is not. Every message carries a Message-ID chosen by the caller,
//! the same on every try, so a copy accepted twice can be told apart in mail logs.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::config::{Security, Settings};
use crate::ledger::{Ledger, delivery_status};

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
    /// The message's Message-ID header.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message_id: String,
    /// How many times the server was asked.
    pub attempts: u32,
    /// A failure that trying again will not mend (5xx, bad address).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub permanent: bool,
}

/// The ledger status of a run that sent these: delivered (to everyone, or nobody was
/// asked), partly delivered, or undelivered.
pub fn run_status(deliveries: &[Delivery]) -> &'static str {
    use crate::ledger::status;
    let ok = deliveries
        .iter()
        .filter(|d| d.status != delivery_status::FAILED)
        .count();
    if ok == deliveries.len() {
        status::DELIVERED
    } else if ok > 0 {
        status::PARTLY_DELIVERED
    } else {
        status::UNDELIVERED
    }
}

/// What goes into each message.
pub struct Letter<'a> {
    pub subject: String,
    pub body: String,
    pub attachment_name: String,
    pub pdf: &'a [u8],
    /// Where the PDF is archived, for the e-mail that cannot attach it.
    pub archived_at: String,
}

/// A Message-ID for the `n`-th recipient of what `tag` names (a run: report, period and
/// run id): unique across runs and ledgers, and the same on every try of that recipient.
pub fn message_id(settings: &Settings, tag: &str, n: usize) -> String {
    let domain = settings
        .smtp
        .from
        .parse::<Mailbox>()
        .map(|m| m.email.domain().to_string())
        .unwrap_or_else(|_| "localhost".into());
    let tag: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '.'
            }
        })
        .collect();
    format!("<{tag}.{n}.{}@{domain}>", chrono::Utc::now().timestamp())
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

fn build(
    settings: &Settings,
    to: &str,
    letter: &Letter,
    message_id: &str,
) -> Result<Message, String> {
    let from: Mailbox = settings
        .smtp
        .from
        .parse()
        .map_err(|e| format!("smtp.from: {e}"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("address {to:?}: {e}"))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(letter.subject.clone())
        // A Message-ID lets an administrator trace the message through mail logs.
        .message_id(Some(message_id.to_string()));
    if letter.attachment_name.is_empty() {
        return builder.body(letter.body.clone()).map_err(|e| e.to_string());
    }
    let size = letter.pdf.len() as u64;
    let limit = settings.smtp.max_attachment_bytes;
    if size > limit {
        // Mail servers refuse large messages: say where the report is instead.
        let body = format!(
            "{}\nThe report ({}) is larger than the e-mail attachment limit ({}), so it is \
             not attached. It is archived at {} on the reporting server; ask the reporting \
             team for a copy.\n",
            letter.body,
            megabytes(size),
            megabytes(limit),
            letter.archived_at
        );
        return builder.body(body).map_err(|e| e.to_string());
    }
    let pdf = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    builder
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(letter.body.clone()))
                .singlepart(
                    Attachment::new(letter.attachment_name.clone()).body(letter.pdf.to_vec(), pdf),
                ),
        )
        .map_err(|e| e.to_string())
}

fn megabytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1_048_576.0)
}

/// Where messages go: SMTP, or `.eml` files in the outbox.
pub enum Mailer {
    Outbox(AsyncFileTransport<Tokio1Executor>, PathBuf),
    /// The transport, where it goes (for messages), and how long one try may take.
    Smtp(AsyncSmtpTransport<Tokio1Executor>, String, Duration),
}

/// Why one try failed, and whether trying again may help.
struct SendFailure {
    detail: String,
    transient: bool,
}

impl Mailer {
    /// The mailer the settings ask for: SMTP with a host, else the outbox.
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        if settings.smtp.host.trim().is_empty() {
            let outbox = settings.paths.outbox.clone();
            std::fs::create_dir_all(&outbox)
                .map_err(|e| format!("cannot create outbox {}: {e}", outbox.display()))?;
            return Ok(Mailer::Outbox(
                AsyncFileTransport::<Tokio1Executor>::new(&outbox),
                outbox,
            ));
        }
        let where_ = format!("SMTP {}:{}", settings.smtp.host, settings.smtp.port);
        let limit = Duration::from_secs(settings.smtp.timeout_seconds);
        Ok(Mailer::Smtp(smtp_transport(settings)?, where_, limit))
    }

    async fn send_once(&self, m: Message) -> Result<(String, String), SendFailure> {
        match self {
            Mailer::Outbox(t, dir) => match t.send(m).await {
                Ok(id) => Ok((
                    delivery_status::WRITTEN.into(),
                    dir.join(format!("{id}.eml")).display().to_string(),
                )),
                Err(e) => Err(SendFailure {
                    detail: e.to_string(),
                    transient: false,
                }),
            },
            Mailer::Smtp(t, where_, limit) => match tokio::time::timeout(*limit, t.send(m)).await {
                // lettre's own timeout covers connecting only: a server that stops
                // answering mid-message would otherwise hold the run for good.
                Err(_) => Err(SendFailure {
                    detail: format!("{where_}: no answer within {} s", limit.as_secs()),
                    transient: true,
                }),
                Ok(Ok(resp)) => Ok((
                    delivery_status::SENT.into(),
                    format!(
                        "{} {}",
                        resp.code(),
                        resp.message().collect::<Vec<_>>().join(" ")
                    ),
                )),
                // 5xx and malformed requests will fail the same way again; 4xx,
                // refused connections, timeouts and broken TLS may not.
                Ok(Err(e)) => Err(SendFailure {
                    transient: !(e.is_permanent() || e.is_client()),
                    detail: format!("{where_}: {e}"),
                }),
            },
        }
    }
}

/// Where a run records its deliveries as they happen.
pub struct Record<'a> {
    pub ledger: &'a Ledger,
    pub run_id: i64,
}

/// One recipient: (address, Message-ID).
pub type Addressee = (String, String);

/// Send the letter to every recipient; each gets its own result, and one failure
/// does not stop the others. With `record`, each message is marked `sending` in the
/// ledger before it goes and its result after.
pub async fn deliver(
    settings: &Settings,
    mailer: &Mailer,
    recipients: &[Addressee],
    letter: &Letter<'_>,
    attachment: &str,
    record: Option<&Record<'_>>,
) -> Vec<Delivery> {
    let mut results = Vec::new();
    for (to, id) in recipients {
        let mut d = Delivery {
            recipient: to.clone(),
            status: delivery_status::FAILED.into(),
            detail: String::new(),
            attachment: attachment.to_string(),
            message_id: id.clone(),
            attempts: 0,
            permanent: false,
        };
        let row = match record {
            Some(r) => match r.ledger.delivery_started(r.run_id, to, attachment, id) {
                Ok(row) => Some(row),
                Err(e) => {
                    // Without a trace in the ledger a crash could send twice: do not send.
                    d.detail = format!("not sent: {e}");
                    results.push(d);
                    continue;
                }
            },
            None => None,
        };
        match build(settings, to, letter, id) {
            Err(e) => {
                d.detail = e;
                d.permanent = true;
            }
            Ok(m) => {
                let mut waits = settings.smtp.retry_seconds.iter();
                loop {
                    d.attempts += 1;
                    match mailer.send_once(m.clone()).await {
                        Ok((status, detail)) => {
                            d.status = status;
                            d.detail = detail;
                            break;
                        }
                        Err(f) => {
                            d.detail = f.detail;
                            d.permanent = !f.transient;
                            let next = if f.transient { waits.next() } else { None };
                            let Some(wait) = next else { break };
                            tracing::warn!(
                                recipient = %to,
                                attempt = d.attempts,
                                "delivery failed, trying again in {wait} s: {}",
                                d.detail
                            );
                            tokio::time::sleep(Duration::from_secs(*wait)).await;
                        }
                    }
                }
            }
        }
        if d.status == delivery_status::FAILED {
            let kind = if d.permanent { "permanent" } else { "gave up" };
            d.detail = format!("{kind} after {} attempt(s): {}", d.attempts, d.detail);
        }
        if let (Some(r), Some(row)) = (record, row)
            && let Err(e) = r
                .ledger
                .delivery_result(row, &d.status, d.attempts, &d.detail)
        {
            tracing::error!(recipient = %to, "cannot record the delivery: {e}");
        }
        results.push(d);
    }
    results
}

/// Tell the `admins` list about a run that needs a person (its reason, never a
/// figure). Failures to reach them are logged: there is no one else to tell.
pub async fn notify_admins(settings: &Settings, subject: &str, body: &str) -> Vec<Delivery> {
    let admins: Vec<Addressee> = settings
        .recipients
        .admins
        .iter()
        .enumerate()
        .map(|(n, a)| (a.clone(), message_id(settings, "admin-notice", n + 1)))
        .collect();
    if admins.is_empty() {
        tracing::error!("no admins list to tell: {subject}");
        return Vec::new();
    }
    let mailer = match Mailer::from_settings(settings) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!("cannot tell the admins ({e}): {subject}");
            return Vec::new();
        }
    };
    let letter = Letter {
        subject: subject.to_string(),
        body: format!("{body}\n\nThis message was sent automatically by equity-reports.\n"),
        attachment_name: String::new(),
        pdf: &[],
        archived_at: String::new(),
    };
    let sent = deliver(settings, &mailer, &admins, &letter, "", None).await;
    for d in sent.iter().filter(|d| d.status == delivery_status::FAILED) {
        tracing::error!(recipient = %d.recipient, "cannot tell an admin: {}", d.detail);
    }
    sent
}

fn smtp_transport(settings: &Settings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let s = &settings.smtp;
    let host = s.host.trim();
    // TLS parameters for the host, trusting `smtp.ca_file` too when it is set (a relay
    // with a certificate from the organisation's own authority).
    let tls = || -> Result<TlsParameters, String> {
        let mut p = TlsParameters::builder(host.to_string());
        if !s.ca_file.as_os_str().is_empty() {
            let pem = std::fs::read(&s.ca_file)
                .map_err(|e| format!("smtp.ca_file {}: {e}", s.ca_file.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("smtp.ca_file {}: {e}", s.ca_file.display()))?;
            p = p.add_root_certificate(cert);
        }
        p.build()
            .map_err(|e| format!("TLS settings for {host}: {e}"))
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host);
    b = match s.security {
        Security::None => b,
        Security::Starttls => b.tls(Tls::Required(tls()?)),
        Security::Tls => b.tls(Tls::Wrapper(tls()?)),
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
