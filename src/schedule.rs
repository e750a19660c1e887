//! When reports run by themselves: each report's cron pattern read in the configured
//! time zone (Europe/London), the period that has just closed at each run, catch-up
//! of runs missed while the service was down, and back-off for data not yet arrived.
//!
//! The decisions are plain functions of a clock reading and the ledger
//! ([`Scheduler::plan_due`]), so tests give them any instant, the clock changes
//! included. Times are computed with croner in the real time zone: a 07:00 run stays
//! at 07:00 through British Summer Time; a time the spring change skips runs once at
//! the first minute after it, and a time the autumn change repeats runs once, at its
//! first occurrence.

use std::str::FromStr;

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

use crate::catalog::ReportId;
use crate::ledger::{Ledger, LedgerError, NextAction, Standing, Trigger};
use crate::period::Period;

/// A schedule the settings cannot give (they are checked when loaded, so this names
/// what a setting changed since would break).
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("{pattern:?} is not a cron pattern: {message}")]
    Cron { pattern: String, message: String },
    #[error("schedule.timezone {0:?} is not a time zone name such as Europe/London")]
    TimeZone(String),
    #[error("schedule.reports: {0}")]
    Report(String),
}

/// Read a cron pattern: seconds (optional), minutes, hours, day of month, month, day
/// of week.
pub fn parse_cron(pattern: &str) -> Result<Cron, ScheduleError> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(pattern)
        .map_err(|e| ScheduleError::Cron {
            pattern: pattern.to_string(),
            message: e.to_string(),
        })
}

/// Settings checks for `[schedule]`; (key, message) as config wants them.
pub fn check_schedule(s: &crate::config::Schedule) -> Result<(), (String, String)> {
    Tz::from_str(&s.timezone).map_err(|_| {
        (
            "schedule.timezone".to_string(),
            format!(
                "{:?} is not a time zone name such as Europe/London",
                s.timezone
            ),
        )
    })?;
    for (report, pattern) in &s.reports {
        let key = format!("schedule.reports.{report}");
        if let Err(unknown) = report.parse::<ReportId>() {
            return Err((key, unknown.to_string()));
        }
        parse_cron(pattern).map_err(|e| (key, e.to_string()))?;
    }
    if s.heartbeat_seconds == 0 || 60 % s.heartbeat_seconds != 0 {
        return Err((
            "schedule.heartbeat_seconds".into(),
            format!("{} does not divide a minute", s.heartbeat_seconds),
        ));
    }
    Ok(())
}

/// The times a pattern fires after `after` (exclusive) up to `until` (inclusive).
pub fn occurrences(
    cron: &Cron,
    tz: Tz,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    cron.iter_after(whole_seconds(after).with_timezone(&tz))
        .map(|t| t.with_timezone(&Utc))
        .take_while(|t| *t <= until)
        .collect()
}

/// The instant without its fraction of a second: croner keeps the fraction of the
/// instant it starts from in every time it gives.
fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

/// A scheduled run that is due now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub report: ReportId,
    pub period: Period,
    /// The scheduled time this run answers.
    pub scheduled: DateTime<Utc>,
    /// `Schedule`, or `CatchUp` for a time that passed before the service started.
    pub trigger: Trigger,
    /// 0 for the first try; n for the n-th retry after data was missing.
    pub retry: u32,
    /// Whether this is the last try: if it fails, the admins are told.
    pub last_try: bool,
}

/// A report and period with recipients in doubt: they wait for a person (the others
/// may still be sent to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub report: ReportId,
    pub period: String,
    pub standing: Standing,
}

/// What is due at an instant.
#[derive(Debug, Default)]
pub struct Plan {
    pub due: Vec<Due>,
    pub blocked: Vec<Blocked>,
}

/// The schedule of every report, read from the settings.
#[derive(Debug, Clone)]
pub struct Scheduler {
    pub tz: Tz,
    pub reports: Vec<(ReportId, Cron)>,
    pub catch_up: Duration,
    pub retries: Vec<Duration>,
}

impl Scheduler {
    /// The schedule the settings' `[schedule]` gives (checked when they were loaded).
    pub fn new(s: &crate::config::Schedule) -> Result<Scheduler, ScheduleError> {
        let tz =
            Tz::from_str(&s.timezone).map_err(|_| ScheduleError::TimeZone(s.timezone.clone()))?;
        let mut reports = Vec::new();
        for (report, pattern) in &s.reports {
            let report = report
                .parse::<ReportId>()
                .map_err(|e| ScheduleError::Report(e.to_string()))?;
            reports.push((report, parse_cron(pattern)?));
        }
        Ok(Scheduler {
            tz,
            reports,
            catch_up: Duration::days(i64::from(s.catch_up_days)),
            retries: s
                .data_retry_minutes
                .iter()
                .map(|m| Duration::minutes(*m as i64))
                .collect(),
        })
    }

    /// The period a report run at `at` covers: the one that has just closed.
    pub fn period_at(&self, report: ReportId, at: DateTime<Utc>) -> Period {
        let (kind, _) = report.period_kind();
        Period::closed_before(kind, at.with_timezone(&self.tz).date_naive())
    }

    /// The next `count` run times of each report after `from`, with their periods.
    pub fn upcoming(
        &self,
        from: DateTime<Utc>,
        count: usize,
    ) -> Vec<(ReportId, DateTime<Tz>, Period)> {
        let mut out = Vec::new();
        for (report, cron) in &self.reports {
            for t in cron
                .iter_after(whole_seconds(from).with_timezone(&self.tz))
                .take(count)
            {
                let period = self.period_at(*report, t.with_timezone(&Utc));
                out.push((*report, t, period));
            }
        }
        out
    }

    /// What should run at `now`, for a service started at `started`: every scheduled
    /// time within the catch-up window whose report and period the ledger has not
    /// delivered, unless it is waiting out its back-off, has used up its tries, failed
    /// for a reason waiting will not mend, or is running elsewhere.
    pub fn plan_due(
        &self,
        ledger: &Ledger,
        now: DateTime<Utc>,
        started: DateTime<Utc>,
    ) -> Result<Plan, LedgerError> {
        let mut plan = Plan::default();
        for (report, cron) in &self.reports {
            let mut seen: Vec<String> = Vec::new();
            for t in occurrences(cron, self.tz, now - self.catch_up, now) {
                let period = self.period_at(*report, t);
                // A pattern firing more than once for a period: the first time counts.
                if seen.contains(&period.id) {
                    continue;
                }
                seen.push(period.id.clone());
                if let NextAction::Standing(s) = ledger.next_action(report.as_str(), &period.id)? {
                    let nothing_to_send = s.to_send.is_empty();
                    if !s.in_doubt.is_empty() {
                        plan.blocked.push(Blocked {
                            report: *report,
                            period: period.id.clone(),
                            standing: s,
                        });
                    }
                    if nothing_to_send {
                        continue;
                    }
                }
                let tried = ledger.scheduled_attempts(report.as_str(), &period.id)?;
                if tried.running || tried.gave_up {
                    continue;
                }
                let n = tried.retryable;
                let ready = match n {
                    0 => true,
                    n => self
                        .retries
                        .get(n as usize - 1)
                        .is_some_and(|wait| now >= t + *wait),
                };
                if !ready {
                    continue;
                }
                plan.due.push(Due {
                    report: *report,
                    period,
                    scheduled: t,
                    trigger: if t >= started {
                        Trigger::Schedule
                    } else {
                        Trigger::CatchUp
                    },
                    retry: n,
                    last_try: n as usize >= self.retries.len(),
                });
            }
        }
        plan.due.sort_by_key(|d| d.scheduled);
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::RunStatus;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn london() -> Tz {
        chrono_tz::Europe::London
    }

    fn fires(pattern: &str, after: &str, until: &str) -> Vec<String> {
        occurrences(
            &parse_cron(pattern).unwrap(),
            london(),
            utc(after),
            utc(until),
        )
        .iter()
        .map(|t| t.to_rfc3339())
        .collect()
    }

    #[test]
    fn seven_in_the_morning_stays_seven_through_summer_time() {
        // 15 January is GMT (07:00Z); 15 April, July and October are BST (06:00Z).
        assert_eq!(
            fires(
                "0 0 7 15 1,4,7,10 *",
                "2026-01-01T00:00:00Z",
                "2026-12-31T00:00:00Z"
            ),
            [
                "2026-01-15T07:00:00+00:00",
                "2026-04-15T06:00:00+00:00",
                "2026-07-15T06:00:00+00:00",
                "2026-10-15T06:00:00+00:00",
            ]
        );
    }

    #[test]
    fn times_are_whole_seconds_whatever_the_clock_reads() {
        let after = utc("2026-11-25T03:35:09.962626669Z");
        assert_eq!(
            fires(
                "19 36 3 * * *",
                "2026-11-25T03:35:09.962626669Z",
                "2026-11-26T00:00:00Z"
            ),
            ["2026-11-25T03:36:19+00:00"]
        );
        let s = quarterly_only();
        let (_, t, _) = &s.upcoming(after, 1)[0];
        assert_eq!(t.to_rfc3339(), "2027-01-15T07:00:00+00:00");
    }

    #[test]
    fn the_october_change_does_not_double_a_run() {
        // 25 October 2026: 01:00-02:00 BST, then 01:00-02:00 GMT again.
        assert_eq!(
            fires(
                "0 30 1 * * *",
                "2026-10-24T12:00:00Z",
                "2026-10-26T12:00:00Z"
            ),
            ["2026-10-25T00:30:00+00:00", "2026-10-26T01:30:00+00:00"]
        );
    }

    #[test]
    fn the_march_change_does_not_skip_a_run() {
        // 28 March 2027: 01:00 GMT jumps to 02:00 BST, so 01:30 never happens.
        let f = fires(
            "0 30 1 * * *",
            "2027-03-27T12:00:00Z",
            "2027-03-29T12:00:00Z",
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            f[0], "2027-03-28T01:00:00+00:00",
            "runs as the clocks go forward"
        );
        assert_eq!(f[1], "2027-03-29T00:30:00+00:00");
    }

    #[test]
    fn default_schedules_and_their_periods() {
        let settings = crate::config::load_settings_from(None, &[]).unwrap();
        let s = Scheduler::new(&settings.schedule).unwrap();
        let next: Vec<String> = s
            .upcoming(utc("2026-11-25T12:00:00Z"), 2)
            .iter()
            .map(|(r, t, p)| format!("{r} {} {}", t.to_rfc3339(), p.id))
            .collect();
        assert_eq!(
            next,
            [
                "access-biannual 2027-04-15T07:00:00+01:00 FY2026-27-H2",
                "access-biannual 2027-10-15T07:00:00+01:00 FY2027-28-H1",
                "equity-annual 2027-05-15T07:00:00+01:00 FY2026-27",
                "equity-annual 2028-05-15T07:00:00+01:00 FY2027-28",
                "workforce-annual 2027-05-15T07:00:00+01:00 FY2026-27",
                "workforce-annual 2028-05-15T07:00:00+01:00 FY2027-28",
                "workforce-quarterly 2027-01-15T07:00:00+00:00 2026-Q4",
                "workforce-quarterly 2027-04-15T07:00:00+01:00 2027-Q1",
            ]
        );
    }

    fn quarterly_only() -> Scheduler {
        let mut settings = crate::config::load_settings_from(None, &[]).unwrap();
        settings
            .schedule
            .reports
            .retain(|r, _| r == "workforce-quarterly");
        Scheduler::new(&settings.schedule).unwrap()
    }

    fn ids(p: &Plan) -> Vec<String> {
        p.due
            .iter()
            .map(|d| {
                format!(
                    "{} {} {:?} {}",
                    d.period.id,
                    d.scheduled.to_rfc3339(),
                    d.trigger,
                    d.retry
                )
            })
            .collect()
    }

    #[test]
    fn catch_up_runs_a_missed_time_within_the_window_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let s = quarterly_only();
        // Down over 15 October 2026; started on 10 November: 26 days late, in the window.
        let started = utc("2026-11-10T09:00:00Z");
        let plan = s.plan_due(&ledger, started, started).unwrap();
        assert_eq!(ids(&plan), ["2026-Q3 2026-10-15T06:00:00+00:00 CatchUp 0"]);
        // Started on 25 November: 41 days late, past the 35-day window.
        let late = utc("2026-11-25T09:00:00Z");
        assert!(s.plan_due(&ledger, late, late).unwrap().due.is_empty());
        // Once delivered it is not due again.
        let id = ledger
            .begin(
                "workforce-quarterly",
                "2026-Q3",
                Trigger::CatchUp,
                None,
                None,
            )
            .unwrap();
        ledger.finish(id, RunStatus::Delivered, None).unwrap();
        assert!(
            s.plan_due(&ledger, started, started)
                .unwrap()
                .due
                .is_empty()
        );
    }

    #[test]
    fn the_scheduled_time_itself_is_a_schedule_run() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let s = quarterly_only();
        let started = utc("2027-01-01T00:00:00Z");
        assert!(
            s.plan_due(&ledger, utc("2027-01-15T06:59:59Z"), started)
                .unwrap()
                .due
                .is_empty()
        );
        let plan = s
            .plan_due(&ledger, utc("2027-01-15T07:00:00Z"), started)
            .unwrap();
        assert_eq!(ids(&plan), ["2026-Q4 2027-01-15T07:00:00+00:00 Schedule 0"]);
    }

    #[test]
    fn missing_data_is_tried_again_on_the_back_off_then_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let s = quarterly_only(); // retries after 60, 240 and 1440 minutes
        let started = utc("2027-01-01T00:00:00Z");
        let at = utc("2027-01-15T07:00:00Z");
        let fail = |l: &mut Ledger| {
            let id = l
                .begin(
                    "workforce-quarterly",
                    "2026-Q4",
                    Trigger::Schedule,
                    None,
                    None,
                )
                .unwrap();
            l.finish(id, RunStatus::DataMissing, Some("no snapshot"))
                .unwrap();
        };
        fail(&mut ledger);
        let due = |now: DateTime<Utc>, l: &Ledger| s.plan_due(l, now, started).unwrap().due;
        assert!(due(at + Duration::minutes(59), &ledger).is_empty());
        let d = due(at + Duration::minutes(60), &ledger);
        assert_eq!((d[0].retry, d[0].last_try), (1, false));
        fail(&mut ledger);
        assert!(due(at + Duration::minutes(239), &ledger).is_empty());
        assert_eq!(due(at + Duration::minutes(240), &ledger)[0].retry, 2);
        fail(&mut ledger);
        let d = due(at + Duration::minutes(1440), &ledger);
        assert_eq!((d[0].retry, d[0].last_try), (3, true));
        fail(&mut ledger);
        assert!(
            due(at + Duration::days(3), &ledger).is_empty(),
            "tries used up"
        );
    }
}
