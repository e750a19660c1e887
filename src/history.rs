//! What `history` and `schedule` print: plain-text tables for an administrator.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::ledger::{Ledger, LedgerError};
use crate::schedule::Scheduler;

/// Lay rows out in columns as wide as their widest cell.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

/// The ledger as a table of runs, each followed by its deliveries.
pub fn history_table(
    ledger: &Ledger,
    report: Option<&str>,
    period: Option<&str>,
) -> Result<String, LedgerError> {
    let runs = ledger.runs(report, period)?;
    if runs.is_empty() {
        return Ok(format!(
            "No runs recorded in {}.\n",
            ledger.path().display()
        ));
    }
    let mut rows = vec![
        [
            "run", "report", "period", "trigger", "started", "finished", "status",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut out = String::new();
    for r in &runs {
        let trigger = match r.resend_of {
            Some(o) => format!("{} of run {o}", r.trigger),
            None => r.trigger.clone(),
        };
        rows.push(vec![
            r.id.to_string(),
            r.report.clone(),
            r.period.clone(),
            trigger,
            r.started.clone(),
            r.finished.clone().unwrap_or_else(|| "-".into()),
            r.status.clone(),
        ]);
    }
    out.push_str(&columns(&rows));
    // Deliveries and errors below the table, so the table stays readable.
    for r in &runs {
        let deliveries = ledger.deliveries(r.id)?;
        let (files, rows) = ledger.input_summary(r.id)?;
        if deliveries.is_empty() && r.error.is_none() && files == 0 {
            continue;
        }
        let _ = writeln!(out, "\nrun {}:", r.id);
        if let Some(when) = &r.scheduled_for {
            let _ = writeln!(out, "  scheduled for {when}");
        }
        if files > 0 {
            let _ = writeln!(
                out,
                "  read {files} input file(s), {rows} row(s); their SHA-256 are in the ledger's inputs table"
            );
        }
        if let Some(e) = &r.error {
            let _ = writeln!(out, "  error: {}", e.replace('\n', "\n    "));
        }
        for d in deliveries {
            let _ = writeln!(
                out,
                "  {} {} after {} attempt(s) at {} ({}), Message-ID {}: {}",
                d.recipient, d.status, d.attempts, d.at, d.attachment, d.message_id, d.detail
            );
        }
    }
    Ok(out)
}

/// Each report's next run times in the schedule's time zone and the period each covers.
pub fn schedule_table(
    settings: &Settings,
    s: &Scheduler,
    from: DateTime<Utc>,
    count: usize,
) -> String {
    let mut rows = vec![
        ["report", "runs at", "covers", "cron"]
            .map(String::from)
            .to_vec(),
    ];
    for (report, at, period) in s.upcoming(from, count) {
        rows.push(vec![
            report.clone(),
            at.format("%a %-d %b %Y %H:%M:%S %Z").to_string(),
            period.map_or("-".into(), |p| format!("{} ({})", p.id, p.short_label())),
            settings.schedule.reports[&report].clone(),
        ]);
    }
    let mut out = format!(
        "Times in {} (catch-up window {} days).\n",
        settings.schedule.timezone, settings.schedule.catch_up_days
    );
    out.push_str(&columns(&rows));
    out
}
