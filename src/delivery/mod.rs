//! E-mailing a report: one message per recipient with the PDF attached and a short
//! plain-text body that carries no figures. With no SMTP host configured the messages
//! are written as `.eml` files into the outbox folder instead.
//!
//! Every recipient is tried once; those whose failure may mend (4xx, connection
//! refused, timeout before the message was handed over) are tried again together after
//! each wait of `smtp.retry_seconds`, so one schedule of waits serves the whole run. A
//! permanent failure (5xx, bad address) is not tried again, and neither is a message
//! whose connection was lost after it was handed over: the server may have taken it,
//! so it is left in doubt for a person. Every message carries a Message-ID chosen by
//! the caller, the same on every try, so a copy accepted twice can be told apart in
//! mail logs. With a ledger, each message is marked `sending` just before it is handed
//! over and its result just after.

use std::time::Duration;

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use serde::Serialize;

mod smtp;

use smtp::FailureKind;
pub use smtp::{Mailer, Relay};

use crate::config::Settings;
use crate::failpoint;
use crate::ledger::{DeliveryStatus, Ledger, RunStatus};

/// How one recipient's copy went.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Delivery {
    pub recipient: String,
    /// Sent (SMTP accepted it), written (outbox file), failed or in doubt.
    pub status: DeliveryStatus,
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

impl Delivery {
    /// Whether the recipient has the report.
    pub fn delivered(&self) -> bool {
        self.status.has_report()
    }
}

/// The ledger status of a run that sent these: delivered (to everyone, or nobody was
/// asked), in doubt (some message's fate unknown), partly delivered, or undelivered.
pub fn run_status(deliveries: &[Delivery]) -> RunStatus {
    let ok = deliveries.iter().filter(|d| d.delivered()).count();
    if deliveries
        .iter()
        .any(|d| d.status == DeliveryStatus::InDoubt)
    {
        RunStatus::InDoubt
    } else if ok == deliveries.len() {
        RunStatus::Delivered
    } else if ok > 0 {
        RunStatus::PartlyDelivered
    } else {
        RunStatus::Undelivered
    }
}

/// What goes into each message.
pub struct Letter<'a> {
    pub subject: String,
    pub body: String,
    pub attachment_name: String,
    pub pdf: &'a [u8],
    /// The PDF's HTML twin, for the recipients who take it.
    pub html: Option<&'a [u8]>,
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
    let rounding = |addr: &str| {
        lists_of(settings, report, addr)
            .into_iter()
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

/// A message that cannot be made: refused for good (a rerun would fail the same way).
#[derive(Debug, thiserror::Error)]
enum LetterError {
    #[error("smtp.from: {0}")]
    From(String),
    #[error("address {address:?}: {message}")]
    Address { address: String, message: String },
    #[error("{0}")]
    Message(String),
}

fn build(
    settings: &Settings,
    to: &str,
    letter: &Letter,
    message_id: &str,
    with_html: bool,
) -> Result<Message, LetterError> {
    let from: Mailbox = settings
        .smtp
        .from
        .parse()
        .map_err(|e: lettre::address::AddressError| LetterError::From(e.to_string()))?;
    let to: Mailbox =
        to.parse()
            .map_err(|e: lettre::address::AddressError| LetterError::Address {
                address: to.to_string(),
                message: e.to_string(),
            })?;
    let lettre = |e: &dyn std::fmt::Display| LetterError::Message(e.to_string());
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(letter.subject.clone())
        // A Message-ID lets an administrator trace the message through mail logs.
        .message_id(Some(message_id.to_string()));
    if letter.attachment_name.is_empty() {
        return builder.body(letter.body.clone()).map_err(|e| lettre(&e));
    }
    let limit = settings.smtp.max_attachment_bytes;
    let mut body = letter.body.clone();
    let mut parts: Vec<SinglePart> = Vec::new();
    let size = letter.pdf.len() as u64;
    if size > limit {
        // Mail servers refuse large messages: say where the report is instead.
        body = format!(
            "{body}\nThe report ({}) is larger than the e-mail attachment limit ({}), so it is \
             not attached. It is archived at {} on the reporting server; ask the reporting \
             team for a copy.\n",
            megabytes(size),
            megabytes(limit),
            letter.archived_at
        );
    } else {
        let pdf = ContentType::parse("application/pdf").map_err(|e| lettre(&e))?;
        parts.push(Attachment::new(letter.attachment_name.clone()).body(letter.pdf.to_vec(), pdf));
    }
    // the twin goes only beside an attached PDF, for a recipient who takes it
    if with_html
        && !parts.is_empty()
        && let Some(html) = letter.html
    {
        let both = size + html.len() as u64;
        if both > limit {
            body = format!(
                "{body}\nThe web-page version of the report is not attached: with the PDF it \
                 would pass the e-mail attachment limit ({}). It is archived beside the PDF.\n",
                megabytes(limit)
            );
        } else {
            let name = twin_name(&letter.attachment_name);
            let kind = ContentType::parse("text/html; charset=utf-8").map_err(|e| lettre(&e))?;
            parts.push(Attachment::new(name).body(html.to_vec(), kind));
            body = format!(
                "{body}\nThe same report is attached as a web page (.html) too: it reads aloud \
                 with a screen reader and fits a phone's screen.\n"
            );
        }
    }
    if parts.is_empty() {
        return builder.body(body).map_err(|e| lettre(&e));
    }
    let mut mixed = MultiPart::mixed().singlepart(SinglePart::plain(body));
    for p in parts {
        mixed = mixed.singlepart(p);
    }
    builder.multipart(mixed).map_err(|e| lettre(&e))
}

/// The HTML twin's file name beside a PDF's: `report.pdf` -> `report.html`.
pub fn twin_name(pdf: &str) -> String {
    match pdf.strip_suffix(".pdf") {
        Some(stem) => format!("{stem}.html"),
        None => format!("{pdf}.html"),
    }
}

/// Whether a recipient of a report takes the HTML twin: yes if any list of the report
/// they are on does (`smtp.attach_html`, or its list's own setting).
pub fn wants_html(settings: &Settings, report: &str, addr: &str) -> bool {
    let smtp = &settings.smtp;
    lists_of(settings, report, addr)
        .into_iter()
        .any(|l| *smtp.attach_html_by_list.get(l).unwrap_or(&smtp.attach_html))
}

/// The lists routed the report that hold an address.
fn lists_of<'a>(settings: &'a Settings, report: &str, addr: &str) -> Vec<&'a str> {
    let lists = settings
        .reports
        .get(report)
        .map(|r| r.recipients.as_slice())
        .unwrap_or_default();
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
        .map(String::as_str)
        .collect()
}

fn megabytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1_048_576.0)
}

/// One recipient: (address, Message-ID).
pub type Addressee = (String, String);

/// One message to send: to whom, with which Message-ID, which file of the run it
/// carries, the letter, and its row in the ledger (if the ledger records it).
pub struct Outgoing<'a> {
    pub recipient: String,
    pub message_id: String,
    pub attachment: String,
    pub letter: &'a Letter<'a>,
    /// Whether this recipient takes the HTML twin beside the PDF.
    pub html: bool,
    pub row: Option<i64>,
}

/// Send every message; each recipient gets their own result, and one failure does
/// not stop the others. Transient failures are tried again together after each wait
/// of `smtp.retry_seconds`. With `ledger`, every try is recorded as it happens.
pub async fn deliver(
    settings: &Settings,
    mailer: &Mailer,
    outgoing: &[Outgoing<'_>],
    ledger: Option<&Ledger>,
) -> Vec<Delivery> {
    let mut results: Vec<Delivery> = outgoing
        .iter()
        .map(|o| Delivery {
            recipient: o.recipient.clone(),
            status: DeliveryStatus::Failed,
            detail: String::new(),
            attachment: o.attachment.clone(),
            message_id: o.message_id.clone(),
            attempts: 0,
            permanent: false,
        })
        .collect();
    // Messages that cannot be built (a bad address) fail for good before any try.
    let mut messages: Vec<Option<Message>> = Vec::with_capacity(outgoing.len());
    let mut waiting: Vec<usize> = Vec::new();
    for (i, o) in outgoing.iter().enumerate() {
        match build(settings, &o.recipient, o.letter, &o.message_id, o.html) {
            Ok(m) => {
                messages.push(Some(m));
                waiting.push(i);
            }
            Err(e) => {
                messages.push(None);
                results[i].detail = e.to_string();
                results[i].permanent = true;
            }
        }
    }
    let mut waits = settings.smtp.retry_seconds.iter();
    loop {
        let mut again = Vec::new();
        for &i in &waiting {
            let (o, d) = (&outgoing[i], &mut results[i]);
            let m = messages[i].as_ref().expect("built above");
            d.attempts += 1;
            let row = o.row;
            let mut mark = || -> Result<(), smtp::NotHandedOver> {
                if let (Some(l), Some(row)) = (ledger, row) {
                    // Without a trace in the ledger a crash could send twice: do not send.
                    l.delivery_sending(row)?;
                }
                Ok(failpoint::hit("delivery.before_data")?)
            };
            let outcome = mailer.send_once(m, &mut mark).await;
            // The server has answered (or not) and nothing is recorded yet.
            if let Err(e) = failpoint::hit("delivery.after_data") {
                tracing::error!("{e}");
            }
            match outcome {
                Ok((status, detail)) => {
                    d.status = status;
                    d.detail = detail;
                }
                Err(f) if f.kind == FailureKind::InDoubt => {
                    d.status = DeliveryStatus::InDoubt;
                    d.detail = format!(
                        "the connection was lost after the message was handed over ({}); \
                         not tried again",
                        f.detail
                    );
                }
                Err(f) => {
                    d.detail = f.detail;
                    d.permanent = f.kind == FailureKind::Permanent;
                    if f.kind == FailureKind::Transient {
                        again.push(i);
                    }
                }
            }
            record(ledger, o, d);
            if !again.contains(&i) {
                crate::progress::step(&d.recipient);
            }
        }
        waiting = again;
        if waiting.is_empty() {
            break;
        }
        let Some(wait) = waits.next() else { break };
        tracing::warn!(
            "delivery to {} recipient(s) failed, trying again in {wait} s: {}",
            waiting.len(),
            waiting
                .iter()
                .map(|&i| format!("{} ({})", results[i].recipient, results[i].detail))
                .collect::<Vec<_>>()
                .join("; ")
        );
        tokio::time::sleep(Duration::from_secs(*wait)).await;
    }
    // A failure is final only now: say whether it was permanent or tries ran out.
    for (d, o) in results.iter_mut().zip(outgoing) {
        if d.status == DeliveryStatus::Failed {
            let kind = if d.permanent { "permanent" } else { "gave up" };
            d.detail = format!("{kind} after {} attempt(s): {}", d.attempts, d.detail);
            record(ledger, o, d);
        }
    }
    results
}

/// One delivery's state in the ledger, if it keeps one.
fn record(ledger: Option<&Ledger>, o: &Outgoing<'_>, d: &Delivery) {
    if let (Some(l), Some(row)) = (ledger, o.row)
        && let Err(e) = l.delivery_result(row, d.status, d.attempts, &d.detail, d.permanent)
    {
        tracing::error!(recipient = %d.recipient, "cannot record the delivery: {e}");
    }
}

/// Whether the admins heard about something, and if not, why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminNotice {
    /// Delivered to these admins.
    Told(Vec<String>),
    /// Nobody could be told; the reason.
    NotTold(String),
}

impl AdminNotice {
    pub fn told(&self) -> bool {
        matches!(self, AdminNotice::Told(_))
    }
}

impl std::fmt::Display for AdminNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdminNotice::Told(who) => write!(f, "the admins were told ({})", who.join(", ")),
            AdminNotice::NotTold(why) => write!(f, "the admins could not be told: {why}"),
        }
    }
}

/// Tell the `admins` list about a run that needs a person (its reason, never a
/// figure). Says whether anyone was told.
pub async fn notify_admins(settings: &Settings, subject: &str, body: &str) -> AdminNotice {
    let admins: Vec<Addressee> = settings
        .recipients
        .admins
        .iter()
        .enumerate()
        .map(|(n, a)| (a.clone(), message_id(settings, "admin-notice", n + 1)))
        .collect();
    if admins.is_empty() {
        tracing::error!("no admins list to tell: {subject}");
        return AdminNotice::NotTold("the admins list (recipients.admins) is empty".into());
    }
    let mailer = match Mailer::new(&settings.smtp, &settings.paths.outbox) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!("cannot tell the admins ({e}): {subject}");
            return AdminNotice::NotTold(e.to_string());
        }
    };
    let letter = Letter {
        subject: subject.to_string(),
        body: format!("{body}\n\nThis message was sent automatically by equity-reports.\n"),
        attachment_name: String::new(),
        pdf: &[],
        html: None,
        archived_at: String::new(),
    };
    let outgoing: Vec<Outgoing> = admins
        .into_iter()
        .map(|(recipient, message_id)| Outgoing {
            recipient,
            message_id,
            attachment: String::new(),
            letter: &letter,
            html: false,
            row: None,
        })
        .collect();
    let sent = deliver(settings, &mailer, &outgoing, None).await;
    let (ok, failed): (Vec<_>, Vec<_>) = sent.iter().partition(|d| d.delivered());
    for d in &failed {
        tracing::error!(recipient = %d.recipient, "cannot tell an admin: {}", d.detail);
    }
    if ok.is_empty() {
        AdminNotice::NotTold(
            failed
                .iter()
                .map(|d| format!("{}: {}", d.recipient, d.detail))
                .collect::<Vec<_>>()
                .join("; "),
        )
    } else {
        AdminNotice::Told(ok.iter().map(|d| d.recipient.clone()).collect())
    }
}
