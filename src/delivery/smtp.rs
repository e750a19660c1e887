//! Where messages go: an SMTP relay, driven step by step (MAIL, RCPT, then the data)
//! so that a failure before the handover can be told from one after it, or the outbox.

use crate::config::{Security, Smtp};
use crate::ledger::DeliveryStatus;
use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::Certificate;
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use secrecy::ExposeSecret;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where messages go: SMTP, or `.eml` files in the outbox folder.
pub enum Mailer {
    Outbox(PathBuf),
    Smtp(Box<Relay>),
}

/// Write a message into the outbox under a temporary name, then give it its name: a
/// pickup folder never sees half a message, and a write that fails (a full disk) leaves
/// nothing behind. The name is the message's Message-ID, made safe for a file name.
async fn write_outbox(dir: &std::path::Path, m: &Message) -> std::io::Result<PathBuf> {
    let id: String = m
        .headers()
        .get_raw("Message-ID")
        .unwrap_or("message")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let id = id.trim_matches('_');
    let path = dir.join(format!("{id}.eml"));
    let tmp = dir.join(format!(".{id}.eml.part"));
    let written = async {
        crate::failpoint::hit("delivery.outbox")?;
        tokio::fs::write(&tmp, m.formatted()).await?;
        tokio::fs::File::open(&tmp).await?.sync_all().await?;
        tokio::fs::rename(&tmp, &path).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    written.map(|()| path)
}

/// An SMTP relay as the settings describe it.
pub struct Relay {
    host: String,
    port: u16,
    /// TLS from the first byte (`tls`), or after STARTTLS (`starttls`).
    wrapper: Option<TlsParameters>,
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    /// How long one try of one message may take.
    limit: Duration,
    /// Where it goes, for messages.
    label: String,
}

/// Why one try failed.
#[derive(Debug)]
pub(super) struct SendFailure {
    pub(super) detail: String,
    pub(super) kind: FailureKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FailureKind {
    /// Trying again may help (4xx, no connection, a timeout before the handover).
    Transient,
    /// Trying again will fail the same way (5xx, a malformed request).
    Permanent,
    /// The whole message was handed over and no answer came: the server may have it.
    InDoubt,
}

/// Why a message was not handed over to the server or the outbox: its sending could
/// not be recorded first (without a trace in the ledger a crash could send it twice),
/// or a test stopped the run there.
#[derive(Debug, thiserror::Error)]
pub(super) enum NotHandedOver {
    #[error("not sent: {0}")]
    Unrecorded(#[from] crate::ledger::LedgerError),
    #[error("{0}")]
    Stopped(#[from] std::io::Error),
}

/// Settings that cannot make a mailer.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("cannot create outbox {}: {source}", .path.display())]
    Outbox {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("smtp.ca_file {}: {message}", .path.display())]
    CaFile { path: PathBuf, message: String },
    #[error("TLS settings for {host}: {message}")]
    Tls { host: String, message: String },
    #[error("smtp.username is set but environment variable {0} holding the password is not")]
    NoPassword(String),
}

impl Mailer {
    /// The mailer the settings' `[smtp]` asks for: SMTP with a host, else the outbox.
    pub fn new(smtp: &Smtp, outbox: &Path) -> Result<Mailer, MailerError> {
        if smtp.host.trim().is_empty() {
            let outbox = outbox.to_path_buf();
            std::fs::create_dir_all(&outbox).map_err(|source| MailerError::Outbox {
                path: outbox.clone(),
                source,
            })?;
            return Ok(Mailer::Outbox(outbox));
        }
        Ok(Mailer::Smtp(Box::new(relay(smtp)?)))
    }

    /// One try of one message. `handing_over` is called just before the message data
    /// goes to the server (after the server has accepted sender and recipient); an
    /// error from it stops the try with nothing handed over.
    pub(super) async fn send_once(
        &self,
        m: &Message,
        handing_over: &mut dyn FnMut() -> Result<(), NotHandedOver>,
    ) -> Result<(DeliveryStatus, String), SendFailure> {
        match self {
            Mailer::Outbox(dir) => {
                handing_over().map_err(|e| SendFailure {
                    detail: e.to_string(),
                    kind: FailureKind::Transient,
                })?;
                match write_outbox(dir, m).await {
                    Ok(path) => Ok((DeliveryStatus::Written, path.display().to_string())),
                    // a full disk or a folder not writable may mend: the recipient
                    // stays waiting and a rerun writes the message
                    Err(e) => Err(SendFailure {
                        detail: format!("outbox {}: {e}", dir.display()),
                        kind: FailureKind::Transient,
                    }),
                }
            }
            Mailer::Smtp(relay) => relay.send(m, handing_over).await,
        }
    }
}

impl Relay {
    /// The SMTP conversation, step by step, so that a connection lost after the data
    /// was handed over is told apart from one lost before.
    async fn send(
        &self,
        m: &Message,
        handing_over: &mut dyn FnMut() -> Result<(), NotHandedOver>,
    ) -> Result<(DeliveryStatus, String), SendFailure> {
        let handed = Cell::new(false);
        let conversation = async {
            let hello = ClientId::default();
            let mut c = AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(self.limit),
                &hello,
                self.wrapper.clone(),
                None,
            )
            .await?;
            if let Some(tls) = &self.starttls {
                c.starttls(tls.clone(), &hello).await?;
            }
            if let Some(credentials) = &self.credentials {
                c.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                    .await?;
            }
            let envelope = m.envelope();
            let bytes = m.formatted();
            let mut options = Vec::new();
            if !bytes.is_ascii() && c.server_info().supports_feature(Extension::EightBitMime) {
                options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
            }
            c.command(Mail::new(envelope.from().cloned(), options))
                .await?;
            for to in envelope.to() {
                c.command(Rcpt::new(to.clone(), Vec::new())).await?;
            }
            c.command(Data).await?;
            if let Err(e) = handing_over() {
                c.abort().await;
                return Ok(Err(e.to_string()));
            }
            handed.set(true);
            let reply = c.message(&bytes).await?;
            let _ = c.quit().await;
            Ok::<_, lettre::transport::smtp::Error>(Ok(reply))
        };
        let label = &self.label;
        match tokio::time::timeout(self.limit, conversation).await {
            // lettre's own timeout covers connecting only: a server that stops
            // answering mid-message would otherwise hold the run for good.
            Err(_) => Err(SendFailure {
                detail: format!("{label}: no answer within {} s", self.limit.as_secs()),
                kind: if handed.get() {
                    FailureKind::InDoubt
                } else {
                    FailureKind::Transient
                },
            }),
            Ok(Ok(Ok(resp))) => Ok((
                DeliveryStatus::Sent,
                format!(
                    "{} {}",
                    resp.code(),
                    resp.message().collect::<Vec<_>>().join(" ")
                ),
            )),
            Ok(Ok(Err(detail))) => Err(SendFailure {
                detail,
                kind: FailureKind::Transient,
            }),
            Ok(Err(e)) => {
                // A reply with a code is the server's decision: it did not take the
                // message. Anything else after the handover leaves it unknown.
                let answered = e.is_transient() || e.is_permanent();
                let kind = if handed.get() && !answered {
                    FailureKind::InDoubt
                } else if e.is_permanent() || e.is_client() {
                    FailureKind::Permanent
                } else {
                    FailureKind::Transient
                };
                Err(SendFailure {
                    detail: format!("{label}: {e}"),
                    kind,
                })
            }
        }
    }
}

/// The relay of the settings, with its TLS and credentials.
fn relay(s: &Smtp) -> Result<Relay, MailerError> {
    let host = s.host.trim();
    let ca_file = |e: &dyn std::fmt::Display| MailerError::CaFile {
        path: s.ca_file.clone(),
        message: e.to_string(),
    };
    // TLS parameters for the host, trusting `smtp.ca_file` too when it is set (a relay
    // with a certificate from the organisation's own authority).
    let tls = || -> Result<TlsParameters, MailerError> {
        let mut p = TlsParameters::builder(host.to_string());
        if !s.ca_file.as_os_str().is_empty() {
            let pem = std::fs::read(&s.ca_file).map_err(|e| ca_file(&e))?;
            let cert = Certificate::from_pem(&pem).map_err(|e| ca_file(&e))?;
            p = p.add_root_certificate(cert);
        }
        p.build().map_err(|e| MailerError::Tls {
            host: host.to_string(),
            message: e.to_string(),
        })
    };
    let (wrapper, starttls) = match s.security {
        Security::None => (None, None),
        Security::Starttls => (None, Some(tls()?)),
        Security::Tls => (Some(tls()?), None),
    };
    let credentials = if s.username.is_empty() {
        None
    } else {
        let password = s
            .password()
            .ok_or_else(|| MailerError::NoPassword(s.password_env.clone()))?;
        Some(Credentials::new(
            s.username.clone(),
            password.expose_secret().to_string(),
        ))
    };
    Ok(Relay {
        host: host.to_string(),
        port: s.port,
        wrapper,
        starttls,
        credentials,
        limit: Duration::from_secs(s.timeout_seconds),
        label: format!("SMTP {host}:{}", s.port),
    })
}
