//! The run ledger: an SQLite file beside the outputs that records every run (report,
//! period, trigger, start and end, status, error, the SHA-256 of every input file) and
//! each recipient's delivery with its Message-ID. It is what makes delivery exactly
//! once: a run asks [`Ledger::next_action`] before it computes anything, holds a lock
//! on its report and period while it works, and marks each message `sending` before
//! handing it to the server, so a crash between sending and recording is seen by the
//! next run instead of being silently repeated.
//!
//! Here: the file, its schema, runs and what `history` reads. `status` holds the
//! states as stored, `standing` what a run should do next, `deliveries` each message's
//! way through its states.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::process::{alive, host};

mod deliveries;
mod standing;
mod status;

pub use deliveries::{PlannedDelivery, Settles};
pub use standing::{NextAction, OpenDelivery, Standing};
pub use status::{DeliveryStatus, RunStatus, Trigger};

/// Why the ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("run ledger {path}: {cause}")]
    Sql {
        path: PathBuf,
        cause: rusqlite::Error,
    },
    #[error("run ledger {path}: cannot create its folder: {cause}")]
    Folder {
        path: PathBuf,
        cause: std::io::Error,
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
    pub status: RunStatus,
    pub error: Option<String>,
    pub archive: Option<String>,
    pub resend_of: Option<i64>,
    /// The report folder the run wrote (or, for a resend, the one it sent from).
    pub folder: Option<String>,
}

/// One recipient's delivery of a run.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub run_id: i64,
    pub recipient: String,
    pub attachment: String,
    pub status: DeliveryStatus,
    pub message_id: String,
    pub attempts: i64,
    pub detail: String,
    pub at: String,
    pub permanent: bool,
    /// The run that took this delivery over (a resend or a rerun), if any.
    pub settled_by: Option<i64>,
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
    resolved INTEGER NOT NULL DEFAULT 0,
    permanent INTEGER NOT NULL DEFAULT 0,
    settled_by INTEGER
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

/// Columns added since the first ledgers were written. A failure recorded before
/// `permanent` existed says so in its detail.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let has = |col: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT COUNT(*) FROM pragma_table_info('deliveries') WHERE name = ?1",
            params![col],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    if !has("permanent")? {
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             ALTER TABLE deliveries ADD COLUMN permanent INTEGER NOT NULL DEFAULT 0;
             UPDATE deliveries SET permanent = 1 WHERE detail LIKE 'permanent after%';
             COMMIT;",
        )?;
    }
    if !has("settled_by")? {
        conn.execute_batch("ALTER TABLE deliveries ADD COLUMN settled_by INTEGER;")?;
    }
    Ok(())
}

/// Names the ledger file in an SQLite error.
fn sql_error(path: &Path) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
    move |cause| LedgerError::Sql {
        path: path.to_path_buf(),
        cause,
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Ledger {
    /// Open (creating if needed) the ledger at `path`.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| LedgerError::Folder {
                path: path.to_path_buf(),
                cause: source,
            })?;
        }
        let sql = sql_error(path);
        let conn = Connection::open(path).map_err(&sql)?;
        // Two processes may write at once: wait for the other instead of failing.
        conn.busy_timeout(Duration::from_secs(30)).map_err(&sql)?;
        // The default rollback journal, not WAL: switching a new file to WAL needs an
        // exclusive lock that a second process starting at the same moment is refused
        // without waiting. Runs write a few rows each, so readers rarely wait.
        conn.execute_batch("PRAGMA foreign_keys=ON;")
            .map_err(&sql)?;
        conn.execute_batch(&format!("BEGIN IMMEDIATE; {SCHEMA} COMMIT;"))
            .map_err(&sql)?;
        migrate(&conn).map_err(&sql)?;
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
        sql_error(&self.path)
    }

    /// Mark the runs and locks of processes that are gone as interrupted, and free
    /// their locks.
    pub fn clear_dead(&self) -> Result<(), LedgerError> {
        let here = host();
        let mut stmt = self
            .conn
            .prepare("SELECT id, pid FROM runs WHERE status = ?1 AND host = ?2")
            .map_err(self.sql())?;
        let dead: Vec<i64> = stmt
            .query_map(params![RunStatus::Running, here], |r| {
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
                    params![RunStatus::Interrupted, now(), id],
                )
                .map_err(self.sql())?;
            self.conn
                .execute("DELETE FROM locks WHERE run_id = ?1", params![id])
                .map_err(self.sql())?;
        }
        Ok(())
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
        // (the path alone, so the transaction may hold the connection)
        let sql = sql_error(&self.path);
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
                RunStatus::Running,
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

    /// Finish a run: its status and error, and free its lock.
    pub fn finish(
        &self,
        run_id: i64,
        status: RunStatus,
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
                 error, archive, resend_of, folder FROM runs \
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
                folder: r.get(11)?,
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
                "SELECT run_id, recipient, attachment, status, message_id, attempts, detail, at, \
                 permanent, settled_by FROM deliveries WHERE run_id = ?1 ORDER BY id",
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
                permanent: r.get::<_, i64>(8)? != 0,
                settled_by: r.get(9)?,
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
        let rows: Vec<(RunStatus, bool)> = stmt
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
                        RunStatus::DataMissing,
                        RunStatus::Undelivered,
                        RunStatus::PartlyDelivered,
                        RunStatus::InDoubt,
                        RunStatus::Interrupted,
                    ]
                    .contains(&r.0)
                })
                .count() as u32,
            gave_up: rows.iter().any(|r| r.0 == RunStatus::Failed),
            running: rows.iter().any(|r| r.0 == RunStatus::Running),
        })
    }
}

/// What the scheduler has tried for one report and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScheduledAttempts {
    /// Attempts that may succeed later (data missing, not delivered to everyone,
    /// interrupted).
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

    fn plan(l: &mut Ledger, run: i64, who: &[&str], settles: Settles) -> Vec<i64> {
        let planned: Vec<PlannedDelivery> = who
            .iter()
            .enumerate()
            .map(|(n, r)| PlannedDelivery {
                recipient: r.to_string(),
                attachment: "report.pdf".into(),
                message_id: format!("<run{run}.{n}@x>"),
            })
            .collect();
        l.plan_deliveries(run, &planned, settles).unwrap()
    }

    fn standing(l: &Ledger, report: &str, period: &str) -> Standing {
        match l.next_action(report, period).unwrap() {
            NextAction::Standing(s) => s,
            NextAction::Run => panic!("expected a standing delivery"),
        }
    }

    fn names(v: &[OpenDelivery]) -> Vec<&str> {
        v.iter().map(|d| d.recipient.as_str()).collect()
    }

    #[test]
    fn delivered_once_then_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        assert_eq!(l.next_action("r", "2026-Q3").unwrap(), NextAction::Run);
        let id = l
            .begin("r", "2026-Q3", Trigger::CommandLine, None, None)
            .unwrap();
        let rows = plan(&mut l, id, &["a@x.org"], Settles::All);
        l.delivery_sending(rows[0]).unwrap();
        l.delivery_result(rows[0], DeliveryStatus::Sent, 1, "250 ok", false)
            .unwrap();
        l.finish(id, RunStatus::Delivered, None).unwrap();
        let s = standing(&l, "r", "2026-Q3");
        assert_eq!(s.run_id, id);
        assert!(s.settled() && s.refused.is_empty(), "{s:?}");
        assert_eq!(l.next_action("r", "2026-Q4").unwrap(), NextAction::Run);
    }

    #[test]
    fn nobody_reached_means_a_fresh_run_which_takes_the_old_plan_over() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let id = l.begin("r", "p", Trigger::Schedule, None, None).unwrap();
        let rows = plan(&mut l, id, &["a@x.org", "b@x.org"], Settles::All);
        for row in &rows {
            l.delivery_result(*row, DeliveryStatus::Failed, 3, "refused", false)
                .unwrap();
        }
        l.finish(id, RunStatus::Undelivered, None).unwrap();
        assert_eq!(l.next_action("r", "p").unwrap(), NextAction::Run);
        let second = l.begin("r", "p", Trigger::Schedule, None, None).unwrap();
        plan(&mut l, second, &["a@x.org", "b@x.org"], Settles::All);
        let old = l.deliveries(id).unwrap();
        assert!(old.iter().all(|d| d.settled_by == Some(second)), "{old:?}");
    }

    /// The case of a crash while b's message is with the relay: a sent, b in doubt, c
    /// never tried. Each is named; carrying on sends to c alone; a resend to b settles
    /// b alone.
    #[test]
    fn a_crash_mid_run_leaves_every_recipient_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let id = l.begin("r", "p", Trigger::CommandLine, None, None).unwrap();
        let rows = plan(&mut l, id, &["a@x.org", "b@x.org", "c@x.org"], Settles::All);
        l.delivery_sending(rows[0]).unwrap();
        l.delivery_result(rows[0], DeliveryStatus::Sent, 1, "250", false)
            .unwrap();
        l.delivery_sending(rows[1]).unwrap();
        // the process dies here
        l.conn
            .execute(
                "UPDATE runs SET pid = ?1 WHERE id = ?2",
                params![dead_pid(), id],
            )
            .unwrap();
        l.conn.execute("UPDATE locks SET pid = 0", []).unwrap();
        let s = standing(&l, "r", "p");
        assert_eq!(s.run_id, id);
        assert_eq!(names(&s.to_send), ["c@x.org"]);
        assert_eq!(names(&s.in_doubt), ["b@x.org"]);
        assert!(s.in_doubt[0].why().contains("<run1.1@x>"), "{s:?}");
        assert_eq!(
            s.to_send[0].why(),
            "not tried: the run stopped before reaching this recipient"
        );
        assert_eq!(l.run(id).unwrap().unwrap().status, RunStatus::Interrupted);

        // a rerun carries on with c alone
        let next = l
            .begin("r", "p", Trigger::CommandLine, None, Some(id))
            .unwrap();
        let c = plan(&mut l, next, &["c@x.org"], Settles::Rows(&[rows[2]]));
        l.delivery_result(c[0], DeliveryStatus::Sent, 1, "250", false)
            .unwrap();
        l.finish(next, RunStatus::Delivered, None).unwrap();
        let s = standing(&l, "r", "p");
        assert!(s.to_send.is_empty(), "{s:?}");
        assert_eq!(names(&s.in_doubt), ["b@x.org"]);

        // a resend to b settles b and nobody else
        let third = l.begin("r", "p", Trigger::Resend, None, Some(id)).unwrap();
        let b = plan(
            &mut l,
            third,
            &["b@x.org"],
            Settles::Recipients(&["B@x.org".to_string()]),
        );
        l.delivery_result(b[0], DeliveryStatus::Sent, 1, "250", false)
            .unwrap();
        l.finish(third, RunStatus::Delivered, None).unwrap();
        assert!(standing(&l, "r", "p").settled());
    }

    #[test]
    fn refused_for_good_is_named_but_not_tried_again_and_in_doubt_can_be_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let id = l.begin("r", "p", Trigger::CommandLine, None, None).unwrap();
        let rows = plan(&mut l, id, &["a@x.org", "b@x.org", "c@x.org"], Settles::All);
        l.delivery_result(rows[0], DeliveryStatus::Sent, 1, "250", false)
            .unwrap();
        l.delivery_result(rows[1], DeliveryStatus::Failed, 1, "550 no such user", true)
            .unwrap();
        l.delivery_result(
            rows[2],
            DeliveryStatus::InDoubt,
            1,
            "the connection was lost",
            false,
        )
        .unwrap();
        l.finish(id, RunStatus::InDoubt, None).unwrap();
        let s = standing(&l, "r", "p");
        assert_eq!(names(&s.refused), ["b@x.org"]);
        assert_eq!(names(&s.in_doubt), ["c@x.org"]);
        assert!(s.to_send.is_empty());
        assert_eq!(l.confirm_delivered(id, "C@x.org").unwrap(), 1);
        let s = standing(&l, "r", "p");
        assert!(s.settled(), "{s:?}");
        assert_eq!(names(&s.refused), ["b@x.org"]);
    }

    #[test]
    fn a_ledger_from_before_the_state_machine_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, \
                 recipient TEXT NOT NULL, attachment TEXT NOT NULL, status TEXT NOT NULL, \
                 message_id TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, \
                 detail TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, \
                 resolved INTEGER NOT NULL DEFAULT 0);
                 INSERT INTO deliveries (run_id, recipient, attachment, status, message_id, \
                 detail, at) VALUES (1, 'a@x.org', 'report.pdf', 'failed', '<m>', \
                 'permanent after 1 attempt(s): 550', 'then');",
            )
            .unwrap();
        }
        let l = Ledger::open(&path).unwrap();
        let d = l.deliveries(1).unwrap();
        assert!(d[0].permanent && d[0].settled_by.is_none(), "{d:?}");
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
        assert_eq!(
            b.run(first).unwrap().unwrap().status,
            RunStatus::Interrupted
        );
    }

    #[test]
    fn scheduled_attempts_count_what_may_succeed_later() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        for s in [RunStatus::DataMissing, RunStatus::Undelivered] {
            let id = l.begin("r", "p", Trigger::Schedule, None, None).unwrap();
            l.finish(id, s, Some("why")).unwrap();
        }
        let id = l.begin("r", "p", Trigger::CommandLine, None, None).unwrap();
        l.finish(id, RunStatus::DataMissing, None).unwrap();
        let a = l.scheduled_attempts("r", "p").unwrap();
        assert_eq!((a.retryable, a.gave_up, a.running), (2, false, false));
        let id = l.begin("r", "p", Trigger::CatchUp, None, None).unwrap();
        l.finish(id, RunStatus::Failed, Some("bad input")).unwrap();
        assert!(l.scheduled_attempts("r", "p").unwrap().gave_up);
    }
}
