//! The states the ledger records, with the text each is stored as: what started a
//! run, how it ended, and where each recipient's message stands.

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    CommandLine,
    CatchUp,
    Resend,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::CommandLine => "command line",
            Trigger::CatchUp => "catch-up",
            Trigger::Resend => "resend",
        }
    }
}

/// A status as the ledger stores it: its words, as `history` prints them.
macro_rules! stored_words {
    ($name:ident { $($variant:ident => $words:literal,)* }) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $words,)*
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($words => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = v.as_str()?;
                $name::parse(text).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {text:?}", stringify!($name)).into(),
                    )
                })
            }
        }
    };
}

/// How a run ended (or that it is running).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    /// Every recipient's copy accepted by the server or written to the outbox.
    Delivered,
    /// Some recipients got it, some did not (see the deliveries).
    PartlyDelivered,
    /// The report was written but no recipient got it.
    Undelivered,
    /// Written with `--no-send`.
    NotSent,
    /// A dataset missing or with no rows for the period: worth trying again later.
    DataMissing,
    Failed,
    /// Stopped by a signal or a crash before it finished.
    Interrupted,
    /// Some recipient's message was handed over and the server's answer was lost.
    InDoubt,
}

stored_words!(RunStatus {
    Running => "running",
    Delivered => "delivered",
    PartlyDelivered => "partly delivered",
    Undelivered => "undelivered",
    NotSent => "written, not sent",
    DataMissing => "data missing",
    Failed => "failed",
    Interrupted => "interrupted",
    InDoubt => "in doubt",
});

/// Where one recipient's message stands: every recipient of a run is `Pending` before
/// the first message goes, then `Sending` while its message is being handed over, then
/// `Sent` (or `Written` to the outbox), `Failed` (with `permanent` saying whether trying
/// again may help) or `InDoubt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Planned; not handed to the server yet.
    Pending,
    /// Being handed to the server; no answer recorded yet. Left behind only by a crash,
    /// and then read as in doubt.
    Sending,
    Sent,
    Written,
    Failed,
    /// The whole message was handed over and the connection was lost before the
    /// server's answer: it may or may not have been taken, so it is not tried again.
    InDoubt,
}

stored_words!(DeliveryStatus {
    Pending => "pending",
    Sending => "sending",
    Sent => "sent",
    Written => "written",
    Failed => "failed",
    InDoubt => "in doubt",
});

impl DeliveryStatus {
    /// Whether the recipient has the report.
    pub fn has_report(self) -> bool {
        matches!(self, DeliveryStatus::Sent | DeliveryStatus::Written)
    }
}
