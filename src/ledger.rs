//! The run ledger: an SQLite file beside the outputs that records every run (report,
//! period, trigger, start and end, status, error, the SHA-256 of every input file) and
//! each recipient's delivery with its Message-ID. It is what makes delivery exactly
//! once: a run asks [`Ledger::next_action`] before it computes anything, holds a lock
//! on its report and period while it works, and marks each message `sending` before
//! handing it to the server, so a crash between sending and recording is seen by the
//! next run instead of being silently repeated.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::process::{alive, host};

/// Why the ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("run ledger {path}: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("run ledger {path}: cannot create its folder: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{report} for {period} is being run by process {pid} on {host} (run {run_id}, since {since}); \
         wait for it to finish"
    )]
    Busy {
        report: String,
        period: String,
        run_id: i64,
        pid: i64,
        host: String,
        since: String,
    },
}

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

/// Run statuses as the ledger stores them.
pub mod status {
    pub const RUNNING: &str = "running";
    /// Every recipient's copy accepted by the server or written to the outbox.
    pub const DELIVERED: &str = "delivered";
    /// Some recipients got it, some did not (see the deliveries).
    pub const PARTLY_DELIVERED: &str = "partly delivered";
    /// The report was written but no recipient got it.
    pub const UNDELIVERED: &str = "undelivered";
    /// Written with `--no-send`.
    pub const NOT_SENT: &str = "written, not sent";
    /// A dataset missing or with no rows for the period: worth trying again later.
    pub const DATA_MISSING: &str = "data missing";
    pub const FAILED: &str = "failed";
    /// Stopped by a signal or a crash before it finished.
    pub const INTERRUPTED: &str = "interrupted";
}

/// Delivery statuses as the ledger stores them.
pub mod delivery_status {
    /// Handed to the server; no answer recorded yet. Left behind only by a crash.
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    pub const WRITTEN: &str = "written";
    pub const FAILED: &str = "failed";
}

/// What a run of a report and period should do, given what the ledger holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextAction {
    /// Nothing delivered yet: compute and send.
    Run,
    /// Already delivered by this run: send nothing.
    AlreadyDelivered { run_id: i64, finished: String },
    /// A run stopped while handing messages to the server: whether they went is
    /// unknown, so nothing is sent until someone decides.
    InDoubt {
        run_id: i64,
        recipients: Vec<(String, String)>,
    },
}

/// One run as `history` shows it.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub id: i64,
    pub report: String,
    pub period: String,
    pub trigger: String,
    pub scheduled_for: Option<String>,
    pub started: String,
    pub finished: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub archive: Option<String>,
    pub resend_of: Option<i64>,
}

/// One recipient's delivery of a run.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub run_id: i64,
    pub recipient: String,
    pub attachment: String,
    pub status: String,
    pub message_id: String,
    pub attempts: i64,
    pub detail: String,
    pub at: String,
}

/// The ledger file, open.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    report TEXT NOT NULL,
    period TEXT NOT NULL,
    trigger TEXT NOT NULL,
    scheduled_for TEXT,
    resend_of INTEGER REFERENCES runs(id),
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    error TEXT,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    folder TEXT,
    archive TEXT,
    admins_told INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_by_report ON runs(report, period);
CREATE TABLE IF NOT EXISTS inputs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    dataset TEXT NOT NULL,
    file TEXT NOT NULL,
    rows INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (run_id, file)
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    recipient TEXT NOT NULL,
    attachment TEXT NOT NULL,
    status TEXT NOT NULL,
    message_id TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS locks (
    report TEXT NOT NULL,
    period TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (report, period)
);
";

fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Ledger {
    /// Open (creating if needed) the ledger at `path`.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| LedgerError::Folder {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let sql = |source| LedgerError::Sql {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sql)?;
        // Two processes may write at once: wait for the other instead of failing.
        conn.busy_timeout(Duration::from_secs(30)).map_err(sql)?;
        // The default rollback journal, not WAL: switching a new file to WAL needs an
        // exclusive lock that a second process starting at the same moment is refused
        // without waiting. Runs write a few rows each, so readers rarely wait.
        conn.execute_batch("PRAGMA foreign_keys=ON;").map_err(sql)?;
        conn.execute_batch(&format!("BEGIN IMMEDIATE; {SCHEMA} COMMIT;"))
            .map_err(sql)?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The file this ledger lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        |source| LedgerError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    /// Mark the runs and locks of processes that are gone as interrupted, and free
    /// their locks.
    fn clear_dead(&self) -> Result<(), LedgerError> {
        let here = host();
        let mut stmt = self
            .conn
            .prepare("SELECT id, pid FROM runs WHERE status = ?1 AND host = ?2")
            .map_err(self.sql())?;
        let dead: Vec<i64> = stmt
            .query_map(params![status::RUNNING, here], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(self.sql())?
            .filter_map(Result::ok)
            .filter(|(_, pid)| !alive(*pid))
            .map(|(id, _)| id)
            .collect();
        for id in dead {
            self.conn
                .execute(
                    "UPDATE runs SET status = ?1, finished = ?2, \
                     error = COALESCE(error, 'the process stopped before the run finished') \
                     WHERE id = ?3",
                    params![status::INTERRUPTED, now(), id],
                )
                .map_err(self.sql())?;
            self.conn
                .execute("DELETE FROM locks WHERE run_id = ?1", params![id])
                .map_err(self.sql())?;
        }
        Ok(())
    }

    /// What a run of `report` for `period` should do.
    pub fn next_action(&self, report: &str, period: &str) -> Result<NextAction, LedgerError> {
        self.clear_dead()?;
        // A message left `sending` by a run that is no longer running.
        let in_doubt: Vec<(i64, String, String)> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT d.run_id, d.recipient, d.message_id FROM deliveries d \
                     JOIN runs r ON r.id = d.run_id \
                     WHERE r.report = ?1 AND r.period = ?2 AND d.status = ?3 \
                       AND d.resolved = 0 AND r.status != ?4 ORDER BY d.id",
                )
                .map_err(self.sql())?;
            stmt.query_map(
                params![report, period, delivery_status::SENDING, status::RUNNING],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?
        };
        if let Some((run_id, _, _)) = in_doubt.first() {
            return Ok(NextAction::InDoubt {
                run_id: *run_id,
                recipients: in_doubt
                    .iter()
                    .filter(|d| d.0 == *run_id)
                    .map(|d| (d.1.clone(), d.2.clone()))
                    .collect(),
            });
        }
        let delivered: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, COALESCE(finished, started) FROM runs \
                 WHERE report = ?1 AND period = ?2 AND status IN (?3, ?4) \
                 ORDER BY id LIMIT 1",
                params![report, period, status::DELIVERED, status::PARTLY_DELIVERED],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.sql())?;
        Ok(match delivered {
            Some((run_id, finished)) => NextAction::AlreadyDelivered { run_id, finished },
            None => NextAction::Run,
        })
    }

    /// Start a run: record it and take the lock on its report and period. Refused
    /// with [`LedgerError::Busy`] while another live process holds the lock.
    pub fn begin(
        &mut self,
        report: &str,
        period: &str,
        trigger: Trigger,
        scheduled_for: Option<DateTime<Utc>>,
        resend_of: Option<i64>,
    ) -> Result<i64, LedgerError> {
        self.clear_dead()?;
        let path = self.path.clone();
        let sql = move |source| LedgerError::Sql {
            path: path.clone(),
            source,
        };
        // IMMEDIATE: the check and the insert happen under one write lock, so two
        // processes cannot both see the lock free.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let held: Option<(i64, i64, String, String)> = tx
            .query_row(
                "SELECT run_id, pid, host, since FROM locks WHERE report = ?1 AND period = ?2",
                params![report, period],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(&sql)?;
        if let Some((run_id, pid, host, since)) = held {
            return Err(LedgerError::Busy {
                report: report.into(),
                period: period.into(),
                run_id,
                pid,
                host,
                since,
            });
        }
        let started = now();
        tx.execute(
            "INSERT INTO runs (report, period, trigger, scheduled_for, resend_of, started, status, pid, host) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                report,
                period,
                trigger.as_str(),
                scheduled_for.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                resend_of,
                started,
                status::RUNNING,
                std::process::id(),
                host()
            ],
        )
        .map_err(&sql)?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO locks (report, period, run_id, pid, host, since) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![report, period, id, std::process::id(), host(), started],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(id)
    }

    /// Record the input files a run read.
    pub fn record_inputs(
        &self,
        run_id: i64,
        inputs: &[(String, String, u64, String)],
    ) -> Result<(), LedgerError> {
        for (dataset, file, rows, sha) in inputs {
            self.conn
                .execute(
                    "INSERT INTO inputs (run_id, dataset, file, rows, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![run_id, dataset, file, *rows as i64, sha],
                )
                .map_err(self.sql())?;
        }
        Ok(())
    }

    /// Record where a run's output and archived attachments are.
    pub fn record_output(
        &self,
        run_id: i64,
        folder: &Path,
        archive: &Path,
        attachments: &[(String, String)],
    ) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE runs SET folder = ?1, archive = ?2 WHERE id = ?3",
                params![
                    folder.display().to_string(),
                    archive.display().to_string(),
                    run_id
                ],
            )
            .map_err(self.sql())?;
        for (file, sha) in attachments {
            self.conn
                .execute(
                    "INSERT OR REPLACE INTO attachments (run_id, file, sha256) VALUES (?1, ?2, ?3)",
                    params![run_id, file, sha],
                )
                .map_err(self.sql())?;
        }
        Ok(())
    }

    /// Before a message goes to the server: recorded as `sending`, so a crash before
    /// [`Ledger::delivery_result`] leaves a trace. Returns the delivery's row id.
    pub fn delivery_started(
        &self,
        run_id: i64,
        recipient: &str,
        attachment: &str,
        message_id: &str,
    ) -> Result<i64, LedgerError> {
        self.conn
            .execute(
                "INSERT INTO deliveries (run_id, recipient, attachment, status, message_id, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run_id,
                    recipient,
                    attachment,
                    delivery_status::SENDING,
                    message_id,
                    now()
                ],
            )
            .map_err(self.sql())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The server's answer for one delivery.
    pub fn delivery_result(
        &self,
        delivery_id: i64,
        status: &str,
        attempts: u32,
        detail: &str,
    ) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE deliveries SET status = ?1, attempts = ?2, detail = ?3, at = ?4 WHERE id = ?5",
                params![status, attempts, detail, now(), delivery_id],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Finish a run: its status and error, and free its lock.
    pub fn finish(
        &self,
        run_id: i64,
        status: &str,
        error: Option<&str>,
    ) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE runs SET status = ?1, error = ?2, finished = ?3 WHERE id = ?4",
                params![status, error, now(), run_id],
            )
            .map_err(self.sql())?;
        self.conn
            .execute("DELETE FROM locks WHERE run_id = ?1", params![run_id])
            .map_err(self.sql())?;
        Ok(())
    }

    /// A person has decided about the in-doubt messages of `report` and `period`
    /// (by resending): they no longer block runs.
    pub fn resolve_in_doubt(&self, report: &str, period: &str) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE deliveries SET resolved = 1 WHERE status = ?1 AND run_id IN \
                 (SELECT id FROM runs WHERE report = ?2 AND period = ?3)",
                params![delivery_status::SENDING, report, period],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Note that the admins were told about this run's failure.
    pub fn admins_told(&self, run_id: i64) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE runs SET admins_told = 1 WHERE id = ?1",
                params![run_id],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Runs, newest last, optionally of one report and period.
    pub fn runs(
        &self,
        report: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<RunRecord>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, report, period, trigger, scheduled_for, started, finished, status, \
                 error, archive, resend_of FROM runs \
                 WHERE (?1 IS NULL OR report = ?1) AND (?2 IS NULL OR period = ?2) ORDER BY id",
            )
            .map_err(self.sql())?;
        stmt.query_map(params![report, period], |r| {
            Ok(RunRecord {
                id: r.get(0)?,
                report: r.get(1)?,
                period: r.get(2)?,
                trigger: r.get(3)?,
                scheduled_for: r.get(4)?,
                started: r.get(5)?,
                finished: r.get(6)?,
                status: r.get(7)?,
                error: r.get(8)?,
                archive: r.get(9)?,
                resend_of: r.get(10)?,
            })
        })
        .map_err(self.sql())?
        .collect::<Result<_, _>>()
        .map_err(self.sql())
    }

    /// One run.
    pub fn run(&self, id: i64) -> Result<Option<RunRecord>, LedgerError> {
        Ok(self.runs(None, None)?.into_iter().find(|r| r.id == id))
    }

    /// The deliveries of a run.
    pub fn deliveries(&self, run_id: i64) -> Result<Vec<DeliveryRecord>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT run_id, recipient, attachment, status, message_id, attempts, detail, at \
                 FROM deliveries WHERE run_id = ?1 ORDER BY id",
            )
            .map_err(self.sql())?;
        stmt.query_map(params![run_id], |r| {
            Ok(DeliveryRecord {
                run_id: r.get(0)?,
                recipient: r.get(1)?,
                attachment: r.get(2)?,
                status: r.get(3)?,
                message_id: r.get(4)?,
                attempts: r.get(5)?,
                detail: r.get(6)?,
                at: r.get(7)?,
            })
        })
        .map_err(self.sql())?
        .collect::<Result<_, _>>()
        .map_err(self.sql())
    }

    /// How many input files and rows a run read.
    pub fn input_summary(&self, run_id: i64) -> Result<(i64, i64), LedgerError> {
        self.conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(rows), 0) FROM inputs WHERE run_id = ?1",
                params![run_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.sql())
    }

    /// The SHA-256 recorded for an archived attachment of a run.
    pub fn attachment_sha(&self, run_id: i64, file: &str) -> Result<Option<String>, LedgerError> {
        self.conn
            .query_row(
                "SELECT sha256 FROM attachments WHERE run_id = ?1 AND file = ?2",
                params![run_id, file],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())
    }

    /// The scheduled attempts at a report and period (trigger schedule or catch-up):
    /// how many ended waiting for data or undelivered, whether the last of them gave
    /// up for another reason, and whether the admins were told.
    pub fn scheduled_attempts(
        &self,
        report: &str,
        period: &str,
    ) -> Result<ScheduledAttempts, LedgerError> {
        self.clear_dead()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT status, admins_told FROM runs WHERE report = ?1 AND period = ?2 \
                 AND trigger IN (?3, ?4) ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows: Vec<(String, bool)> = stmt
            .query_map(
                params![
                    report,
                    period,
                    Trigger::Schedule.as_str(),
                    Trigger::CatchUp.as_str()
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?;
        Ok(ScheduledAttempts {
            retryable: rows
                .iter()
                .filter(|r| {
                    [
                        status::DATA_MISSING,
                        status::UNDELIVERED,
                        status::INTERRUPTED,
                    ]
                    .contains(&r.0.as_str())
                })
                .count() as u32,
            gave_up: rows.iter().any(|r| r.0 == status::FAILED),
            running: rows.iter().any(|r| r.0 == status::RUNNING),
        })
    }
}

/// What the scheduler has tried for one report and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScheduledAttempts {
    /// Attempts that may succeed later (data missing, undelivered, interrupted).
    pub retryable: u32,
    /// An attempt failed for a reason that waiting will not mend (bad input).
    pub gave_up: bool,
    pub running: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_pid() -> i64 {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        i64::from(pid)
    }

    #[test]
    fn delivered_once_then_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        assert_eq!(l.next_action("r", "2026-Q3").unwrap(), NextAction::Run);
        let id = l
            .begin("r", "2026-Q3", Trigger::CommandLine, None, None)
            .unwrap();
        let d = l
            .delivery_started(id, "a@x.org", "report.pdf", "<m1@x>")
            .unwrap();
        l.delivery_result(d, delivery_status::SENT, 1, "250 ok")
            .unwrap();
        l.finish(id, status::DELIVERED, None).unwrap();
        match l.next_action("r", "2026-Q3").unwrap() {
            NextAction::AlreadyDelivered { run_id, .. } => assert_eq!(run_id, id),
            other => panic!("{other:?}"),
        }
        assert_eq!(l.next_action("r", "2026-Q4").unwrap(), NextAction::Run);
    }

    #[test]
    fn a_live_lock_refuses_a_second_run_and_a_dead_one_is_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        let mut a = Ledger::open(&path).unwrap();
        let mut b = Ledger::open(&path).unwrap();
        let first = a.begin("r", "p", Trigger::Schedule, None, None).unwrap();
        let err = b
            .begin("r", "p", Trigger::CommandLine, None, None)
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::Busy { run_id, .. } if run_id == first),
            "{err}"
        );
        // the holder dies: its run reads interrupted and the lock is free
        a.conn
            .execute(
                "UPDATE runs SET pid = ?1 WHERE id = ?2",
                params![dead_pid(), first],
            )
            .unwrap();
        a.conn
            .execute("UPDATE locks SET pid = ?1", params![dead_pid()])
            .unwrap();
        let second = b.begin("r", "p", Trigger::CommandLine, None, None).unwrap();
        assert!(second > first);
        assert_eq!(b.run(first).unwrap().unwrap().status, status::INTERRUPTED);
    }

    #[test]
    fn a_crash_while_sending_is_in_doubt_until_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let id = l.begin("r", "p", Trigger::Schedule, None, None).unwrap();
        let d = l
            .delivery_started(id, "a@x.org", "report.pdf", "<m1@x>")
            .unwrap();
        l.delivery_result(d, delivery_status::SENT, 1, "250")
            .unwrap();
        l.delivery_started(id, "b@x.org", "report.pdf", "<m2@x>")
            .unwrap();
        // the process dies here, before recording b's answer
        l.conn
            .execute(
                "UPDATE runs SET pid = ?1 WHERE id = ?2",
                params![dead_pid(), id],
            )
            .unwrap();
        l.conn.execute("UPDATE locks SET pid = 0", []).unwrap();
        assert_eq!(
            l.next_action("r", "p").unwrap(),
            NextAction::InDoubt {
                run_id: id,
                recipients: vec![("b@x.org".into(), "<m2@x>".into())]
            }
        );
        l.resolve_in_doubt("r", "p").unwrap();
        assert_eq!(l.next_action("r", "p").unwrap(), NextAction::Run);
    }

    #[test]
    fn scheduled_attempts_count_what_may_succeed_later() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        for s in [status::DATA_MISSING, status::UNDELIVERED] {
            let id = l.begin("r", "p", Trigger::Schedule, None, None).unwrap();
            l.finish(id, s, Some("why")).unwrap();
        }
        let id = l.begin("r", "p", Trigger::CommandLine, None, None).unwrap();
        l.finish(id, status::DATA_MISSING, None).unwrap();
        let a = l.scheduled_attempts("r", "p").unwrap();
        assert_eq!((a.retryable, a.gave_up, a.running), (2, false, false));
        let id = l.begin("r", "p", Trigger::CatchUp, None, None).unwrap();
        l.finish(id, status::FAILED, Some("bad input")).unwrap();
        assert!(l.scheduled_attempts("r", "p").unwrap().gave_up);
    }
}
