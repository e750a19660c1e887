//! `equity-reports serve`: the long-running service. tokio-cron-scheduler gives a
//! heartbeat; at each beat [`run_due`] asks the [`Scheduler`] what is due and runs it
//! through the same [`run::execute`] as the command line, so the ledger's exactly-once
//! rule holds for both.
//!
//! The heartbeat is a UTC job on purpose: tokio-cron-scheduler 0.15 turns a time zone
//! into the fixed UTC offset of the day the job is added, so a 07:00 Europe/London job
//! added in winter would fire at 08:00 all summer. The London times are computed by
//! [`Scheduler`] instead, which reads the zone at every run time.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::config::Settings;
use crate::delivery::notify_admins;
use crate::ledger::Ledger;
use crate::run::RunRequest;
use crate::run::{self, Executed, RunPlan};
use crate::schedule::{Due, Scheduler};

/// Where the service reads and writes (from `serve --data/--out` or the settings).
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub data: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

/// What the admins already heard about in this service's life, so that a report stuck
/// in doubt, or failing before the ledger records a run (and so due again at every
/// heartbeat), mails them once, not every heartbeat.
#[derive(Debug, Default)]
pub struct Told {
    /// Runs whose recipients are in doubt.
    in_doubt: BTreeSet<i64>,
    /// Report and period whose scheduled run failed; cleared when a run of it works.
    failed: BTreeSet<(crate::catalog::ReportId, String)>,
}

/// One pass: run everything due at `now`. Returns one line per run for the log.
pub async fn run_due(
    settings: &Settings,
    places: &Places,
    scheduler: &Scheduler,
    now: DateTime<Utc>,
    started: DateTime<Utc>,
    told: &mut Told,
) -> anyhow::Result<Vec<String>> {
    let out = out_of(settings, places);
    let settings = &settings.for_out(&out);
    let plan = {
        let ledger = Ledger::open(&settings.paths.ledger_for(&out))?;
        scheduler.plan_due(&ledger, now, started)?
    };
    let mut lines = Vec::new();
    for b in plan.blocked {
        let run_id = b.standing.run_id;
        if told.in_doubt.insert(run_id) {
            let body = format!(
                "{} for {} reached some recipients (run {run_id}), but these may or may not \
                 have it, or have not got it:\n\n{}\n\
                 Nothing is sent to a recipient in doubt until someone decides.\n",
                b.report,
                b.period,
                crate::history::waiting_text(&b.standing),
            );
            let notice = notify_admins(
                settings,
                &format!(
                    "equity-reports: {} {} delivery in doubt",
                    b.report, b.period
                ),
                &body,
            )
            .await;
            if !notice.told() {
                // Try again at the next beat.
                told.in_doubt.remove(&run_id);
            }
            lines.push(format!("{} {}: {notice}", b.report, b.period));
        }
        lines.push(format!(
            "{} {}: recipients in doubt since run {run_id}; waiting for a person",
            b.report, b.period
        ));
    }
    for due in plan.due {
        lines.push(run_one(settings, places, &due, now, scheduler.tz, told).await);
    }
    Ok(lines)
}

/// The output root the service writes to.
fn out_of(settings: &Settings, places: &Places) -> PathBuf {
    places
        .out
        .clone()
        .unwrap_or_else(|| settings.paths.out.clone())
}

async fn run_one(
    settings: &Settings,
    places: &Places,
    due: &Due,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    told: &mut Told,
) -> String {
    // The production date on the cover is the local date of the run.
    let as_of = now.with_timezone(&tz).date_naive();
    let plan = RunPlan {
        req: RunRequest {
            report: due.report,
            period: due.period.id.clone(),
            data: places.data.clone(),
            out: places.out.clone(),
            as_of,
            send: true,
        },
        trigger: due.trigger,
        scheduled_for: Some(due.scheduled),
        resend: false,
    };
    let what = format!(
        "{} {} ({}, scheduled {}{})",
        due.report,
        due.period.id,
        due.trigger.as_str(),
        due.scheduled.to_rfc3339(),
        if due.retry > 0 {
            format!(", retry {}", due.retry)
        } else {
            String::new()
        }
    );
    let key = (due.report, due.period.id.clone());
    let result = run::execute(settings, &plan).await;
    if result.is_ok() {
        told.failed.remove(&key);
    }
    match result {
        Ok(Executed::Done(o)) => {
            let sent = o.deliveries.iter().filter(|d| d.delivered()).count();
            let told = o
                .admins
                .as_ref()
                .map_or_else(String::new, |n| format!("; {n}"));
            format!(
                "{what}: run {} delivered to {sent} of {} recipient(s); report in {}{told}",
                o.run_id,
                o.deliveries.len(),
                o.folder.display()
            )
        }
        Ok(Executed::Continued { standing, outcomes }) => {
            let all: Vec<_> = outcomes.iter().flat_map(|o| &o.deliveries).collect();
            let sent = all.iter().filter(|d| d.delivered()).count();
            format!(
                "{what}: carried on run {}: delivered to {sent} of {} recipient(s) still waiting",
                standing.run_id,
                all.len()
            )
        }
        Ok(Executed::AlreadyDelivered(s)) => {
            format!(
                "{what}: already delivered by run {}; nothing sent",
                s.run_id
            )
        }
        Ok(Executed::InDoubt(s)) => {
            format!("{what}: in doubt since run {}; nothing sent", s.run_id)
        }
        Err(e) => {
            // another process (a command-line run) is producing or delivering it: that
            // is waiting, not a failure, and the admins are not told
            if let Some(why) = busy(&e) {
                tracing::info!(report = %due.report, period = %due.period.id, "{why}");
                return format!("{what}: {why}; waiting for it, not failed");
            }
            let missing = run::is_data_missing(&e);
            let reason = format!("{e:#}");
            if missing && !due.last_try {
                tracing::warn!(report = %due.report, period = %due.period.id, "data not yet arrived; will try again: {reason}");
                return format!("{what}: data not yet arrived, will try again: {reason}");
            }
            // A run refused before the ledger recorded it is due again at every beat.
            let recorded = Ledger::open(&settings.paths.ledger_for(&out_of(settings, places)))
                .and_then(|l| l.scheduled_attempts(due.report.as_str(), &due.period.id))
                .is_ok_and(|a| a.gave_up);
            let why = if missing {
                "The data had still not arrived after the last try."
            } else if recorded {
                "The run failed; it is not tried again by itself."
            } else {
                "It was refused before it began, so it is tried again at every heartbeat \
                 until it works; you are not mailed again about it."
            };
            tracing::error!(error.message = %reason, report = %due.report, period = %due.period.id, "scheduled run failed");
            if told.failed.contains(&key) {
                return format!(
                    "{what}: FAILED again (the admins were told the first time): {reason}"
                );
            }
            let body = format!(
                "The scheduled run of {} for {} did not produce a report. {why}\n\n\
                 Reason:\n{reason}\n\nNothing was sent. Once the cause is fixed, run it with:\n\n  \
                 equity-reports run {} --period {}\n",
                due.report, due.period.id, due.report, due.period.id
            );
            let notice = notify_admins(
                settings,
                &format!("equity-reports: {} {} failed", due.report, due.period.id),
                &body,
            )
            .await;
            if notice.told() {
                told.failed.insert(key);
            }
            format!("{what}: FAILED ({notice}): {reason}")
        }
    }
}

/// The lock another process holds on the report, if that is why the run stopped.
fn busy(e: &anyhow::Error) -> Option<&crate::ledger::LedgerError> {
    e.chain()
        .filter_map(|c| c.downcast_ref::<crate::ledger::LedgerError>())
        .find(|l| matches!(l, crate::ledger::LedgerError::Busy { .. }))
}

/// Run until SIGTERM or SIGINT: a first pass at once (catch-up), then a pass at every
/// heartbeat. A signal stops new runs; a run in flight finishes first. A process
/// killed outright leaves its run to be marked interrupted by the next start.
pub async fn serve(settings: &Settings, places: &Places) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};

    let scheduler = Scheduler::new(&settings.schedule)?;
    // A template fault is found now, not at 07:00 on the day.
    for (report, _) in &scheduler.reports {
        crate::report::check_template(*report)?;
    }
    let started = Utc::now();
    let (tx, mut beats) = tokio::sync::mpsc::channel::<()>(1);
    let every = settings.schedule.heartbeat_seconds;
    let pattern = if every == 60 {
        "0 * * * * *".to_string()
    } else {
        format!("*/{every} * * * * *")
    };
    let mut cron = JobScheduler::new().await?;
    cron.add(Job::new_async(pattern.as_str(), move |_, _| {
        let tx = tx.clone();
        // A beat while a pass is running is dropped: the next pass sees it all anyway.
        Box::pin(async move {
            let _ = tx.try_send(());
        })
    })?)
    .await?;
    cron.start().await?;
    for (report, t, period) in scheduler.upcoming(started, 1) {
        println!("{report}: next run {} for {}", t.to_rfc3339(), period.id);
    }
    println!("Serving; SIGTERM or Ctrl-C stops.");

    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut told = Told::default();
    let mut first = true;
    loop {
        if !first {
            tokio::select! {
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = beats.recv() => {}
            }
        }
        first = false;
        let pass = run_due(settings, places, &scheduler, Utc::now(), started, &mut told);
        tokio::pin!(pass);
        let stopping = tokio::select! {
            r = &mut pass => {
                report_pass(r);
                // a national run's memory is not held until the next quarter
                crate::allocator::give_back();
                false
            }
            _ = term.recv() => true,
            _ = int.recv() => true,
        };
        if stopping {
            println!("Stopping: letting the run in flight finish.");
            report_pass(pass.await);
            break;
        }
    }
    cron.shutdown().await?;
    println!("Stopped.");
    Ok(())
}

fn report_pass(r: anyhow::Result<Vec<String>>) {
    match r {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
        }
        Err(e) => tracing::error!(error.message = %format!("{e:#}"), "scheduling pass failed"),
    }
}
