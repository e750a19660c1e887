//! Each recipient's message through its states: planned (pending) in one transaction
//! before the first goes, sending, and its result; and an in-doubt one confirmed.

use rusqlite::{TransactionBehavior, params};

use super::{DeliveryStatus, Ledger, LedgerError, now, sql_error};

/// One planned message of a run.
#[derive(Debug, Clone)]
pub struct PlannedDelivery {
    pub recipient: String,
    pub attachment: String,
    pub message_id: String,
}

/// Which earlier open deliveries a run's plan takes over (so they no longer count).
#[derive(Debug, Clone)]
pub enum Settles<'a> {
    /// Every open delivery of the report and period (a fresh run, or `run --resend`).
    All,
    /// Those of these recipients (`resend`).
    Recipients(&'a [String]),
    /// These rows (a rerun carrying on an earlier run's delivery).
    Rows(&'a [i64]),
}

impl Ledger {
    /// Record every message of a run as `pending`, in one transaction and before the
    /// first is tried, so that a crash at any later point leaves every recipient in a
    /// named state. The earlier open deliveries that `settles` names are taken over by
    /// this run. Returns the rows, in the order of `planned`.
    pub fn plan_deliveries(
        &mut self,
        run_id: i64,
        planned: &[PlannedDelivery],
        settles: Settles<'_>,
    ) -> Result<Vec<i64>, LedgerError> {
        // (the path alone, so the transaction may hold the connection)
        let sql = sql_error(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let (report, period): (String, String) = tx
            .query_row(
                "SELECT report, period FROM runs WHERE id = ?1",
                params![run_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(&sql)?;
        // Open deliveries of the report and period, of other runs, that `settles` names.
        let settle = |which: &str, value: rusqlite::types::Value| {
            tx.execute(
                &format!(
                    "UPDATE deliveries SET resolved = 1, settled_by = ?1 \
                     WHERE resolved = 0 AND status NOT IN (?2, ?3) AND run_id != ?1 \
                     AND run_id IN (SELECT id FROM runs WHERE report = ?4 AND period = ?5) \
                     AND {which}"
                ),
                params![
                    run_id,
                    DeliveryStatus::Sent,
                    DeliveryStatus::Written,
                    report,
                    period,
                    value
                ],
            )
        };
        use rusqlite::types::Value;
        match settles {
            Settles::All => {
                settle("?6 IS NULL", Value::Null).map_err(&sql)?;
            }
            Settles::Recipients(who) => {
                for r in who {
                    settle("lower(recipient) = lower(?6)", Value::Text(r.clone())).map_err(&sql)?;
                }
            }
            Settles::Rows(rows) => {
                for row in rows {
                    settle("id = ?6", Value::Integer(*row)).map_err(&sql)?;
                }
            }
        }
        let mut rows = Vec::with_capacity(planned.len());
        for p in planned {
            tx.execute(
                "INSERT INTO deliveries (run_id, recipient, attachment, status, message_id, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run_id,
                    p.recipient,
                    p.attachment,
                    DeliveryStatus::Pending,
                    p.message_id,
                    now()
                ],
            )
            .map_err(&sql)?;
            rows.push(tx.last_insert_rowid());
        }
        tx.commit().map_err(&sql)?;
        Ok(rows)
    }

    /// Just before a message is handed to the server: `sending`, so that a crash
    /// before [`Ledger::delivery_result`] leaves it in doubt rather than forgotten.
    pub fn delivery_sending(&self, delivery_id: i64) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE deliveries SET status = ?1, at = ?2 WHERE id = ?3",
                params![DeliveryStatus::Sending, now(), delivery_id],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The server's answer for one delivery (or how the try failed).
    pub fn delivery_result(
        &self,
        delivery_id: i64,
        status: DeliveryStatus,
        attempts: u32,
        detail: &str,
        permanent: bool,
    ) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE deliveries SET status = ?1, attempts = ?2, detail = ?3, at = ?4, \
                 permanent = ?5 WHERE id = ?6",
                params![status, attempts, detail, now(), permanent, delivery_id],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// An administrator has seen in the mail server's log that `recipient` got the
    /// report of `run_id`: its deliveries of that run that are in doubt (the whole
    /// message handed over, no answer heard) read `sent`. A delivery that failed or was
    /// never tried cannot have arrived, so it is not confirmed. Returns how many were in
    /// doubt.
    pub fn confirm_delivered(&self, run_id: i64, recipient: &str) -> Result<usize, LedgerError> {
        self.conn
            .execute(
                "UPDATE deliveries SET status = ?1, \
                 detail = 'confirmed delivered by an administrator (was: ' || status || ')', \
                 at = ?2 WHERE run_id = ?3 AND lower(recipient) = lower(?4) \
                 AND resolved = 0 AND status IN (?5, ?6)",
                params![
                    DeliveryStatus::Sent,
                    now(),
                    run_id,
                    recipient,
                    DeliveryStatus::InDoubt,
                    DeliveryStatus::Sending
                ],
            )
            .map_err(self.sql())
    }

    /// The states of a recipient's deliveries of a run, and whether each was taken over
    /// by a later run.
    pub fn delivery_states(
        &self,
        run_id: i64,
        recipient: &str,
    ) -> Result<Vec<(DeliveryStatus, bool)>, LedgerError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT status, resolved FROM deliveries \
                 WHERE run_id = ?1 AND lower(recipient) = lower(?2) ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = st
            .query_map(params![run_id, recipient], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }
}
