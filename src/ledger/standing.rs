//! Where the delivery of a report and period stands: whether a run should compute
//! afresh, and which recipients are still to be sent to, in doubt or refused.

use rusqlite::{OptionalExtension, params};

use super::{DeliveryStatus, Ledger, LedgerError, RunStatus};

/// What a run of a report and period should do, given what the ledger holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextAction {
    /// Nobody has the report or may have it: compute and send to everyone.
    Run,
    /// Somebody has it, or may have it: see who still needs it.
    Standing(Standing),
}

/// Where the delivery of a report and period stands once somebody has it or may have
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The first run whose report somebody has (or may have).
    pub run_id: i64,
    /// When that run finished (or started, if it never did).
    pub finished: String,
    /// Recipients a rerun sends to: never tried (pending), or failed in a way trying
    /// again may mend.
    pub to_send: Vec<OpenDelivery>,
    /// Handed to the server without a known answer: for an administrator to decide.
    pub in_doubt: Vec<OpenDelivery>,
    /// Refused for good (5xx, bad address): for an administrator to mend.
    pub refused: Vec<OpenDelivery>,
}

/// A recipient who has not (or not surely) got a run's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDelivery {
    /// The delivery's row in the ledger.
    pub row: i64,
    pub run_id: i64,
    pub recipient: String,
    pub attachment: String,
    pub message_id: String,
    pub status: DeliveryStatus,
    pub detail: String,
}

impl Standing {
    /// Whether nothing is left to do without a person.
    pub fn settled(&self) -> bool {
        self.to_send.is_empty() && self.in_doubt.is_empty()
    }
}

impl OpenDelivery {
    /// Why this recipient has not (surely) got the report, in words.
    pub fn why(&self) -> String {
        match self.status {
            DeliveryStatus::Pending => {
                "not tried: the run stopped before reaching this recipient".into()
            }
            DeliveryStatus::Sending => format!(
                "in doubt: the run stopped while handing over Message-ID {}",
                self.message_id
            ),
            DeliveryStatus::InDoubt => format!(
                "in doubt: Message-ID {} was handed over, then {}",
                self.message_id, self.detail
            ),
            _ => format!("failed: {}", self.detail),
        }
    }
}

impl Ledger {
    /// What a run of `report` for `period` should do.
    pub fn next_action(&self, report: &str, period: &str) -> Result<NextAction, LedgerError> {
        self.clear_dead()?;
        // The first run whose report somebody has, or may have (a message left in
        // doubt and not yet decided on).
        let first: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, COALESCE(finished, started) FROM runs \
                 WHERE report = ?1 AND period = ?2 AND status != ?3 \
                   AND (status = ?4 OR id IN (SELECT run_id FROM deliveries \
                        WHERE status IN (?5, ?6) OR (status IN (?7, ?8) AND resolved = 0))) \
                 ORDER BY id LIMIT 1",
                params![
                    report,
                    period,
                    RunStatus::Running,
                    // a run with nobody to send to is delivered too
                    RunStatus::Delivered,
                    DeliveryStatus::Sent,
                    DeliveryStatus::Written,
                    DeliveryStatus::Sending,
                    DeliveryStatus::InDoubt
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.sql())?;
        let Some((run_id, finished)) = first else {
            return Ok(NextAction::Run);
        };
        let mut standing = Standing {
            run_id,
            finished,
            to_send: Vec::new(),
            in_doubt: Vec::new(),
            refused: Vec::new(),
        };
        for (d, permanent) in self.open_deliveries(report, period)? {
            match d.status {
                DeliveryStatus::Sending | DeliveryStatus::InDoubt => standing.in_doubt.push(d),
                _ if permanent => standing.refused.push(d),
                _ => standing.to_send.push(d),
            }
        }
        Ok(NextAction::Standing(standing))
    }

    /// The deliveries of a report and period that have not reached their recipient and
    /// that no later run or person has taken over, with whether each failed for good.
    /// Runs still running are left out.
    pub fn open_deliveries(
        &self,
        report: &str,
        period: &str,
    ) -> Result<Vec<(OpenDelivery, bool)>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT d.id, d.run_id, d.recipient, d.attachment, d.message_id, d.status, \
                 d.detail, d.permanent FROM deliveries d JOIN runs r ON r.id = d.run_id \
                 WHERE r.report = ?1 AND r.period = ?2 AND r.status != ?3 AND d.resolved = 0 \
                   AND d.status NOT IN (?4, ?5) ORDER BY d.id",
            )
            .map_err(self.sql())?;
        stmt.query_map(
            params![
                report,
                period,
                RunStatus::Running,
                DeliveryStatus::Sent,
                DeliveryStatus::Written
            ],
            |r| {
                Ok((
                    OpenDelivery {
                        row: r.get(0)?,
                        run_id: r.get(1)?,
                        recipient: r.get(2)?,
                        attachment: r.get(3)?,
                        message_id: r.get(4)?,
                        status: r.get(5)?,
                        detail: r.get(6)?,
                    },
                    r.get::<_, i64>(7)? != 0,
                ))
            },
        )
        .map_err(self.sql())?
        .collect::<Result<_, _>>()
        .map_err(self.sql())
    }
}
