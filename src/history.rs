//! What `history` and `schedule` print: plain-text tables for an administrator.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::ledger::{DeliveryStatus, Ledger, LedgerError, Standing};
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
    // A run whose process has gone reads interrupted, not running.
    ledger.clear_dead()?;
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
            Some(o) if r.trigger == "resend" => format!("resend of run {o}"),
            Some(o) => format!("{}, carrying on run {o}", r.trigger),
            None => r.trigger.clone(),
        };
        rows.push(vec![
            r.id.to_string(),
            r.report.clone(),
            r.period.clone(),
            trigger,
            r.started.clone(),
            r.finished.clone().unwrap_or_else(|| "-".into()),
            r.status.to_string(),
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
            let settled = d
                .settled_by
                .map_or_else(String::new, |n| format!(" [taken over by run {n}]"));
            let _ = writeln!(
                out,
                "  {} {} after {} attempt(s) at {} ({}), Message-ID {}: {}{settled}",
                d.recipient, d.status, d.attempts, d.at, d.attachment, d.message_id, d.detail
            );
        }
    }
    // Who is still waiting, per report and period, with what to do.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for r in &runs {
        if seen.contains(&(r.report.as_str(), r.period.as_str())) {
            continue;
        }
        seen.push((&r.report, &r.period));
        if let crate::ledger::NextAction::Standing(s) = ledger.next_action(&r.report, &r.period)? {
            let text = waiting_text(&s);
            if !text.is_empty() {
                let _ = write!(out, "\n{} {}: {text}", r.report, r.period);
            }
        }
    }
    Ok(out)
}

/// The recipients of a report and period who have not got it, each with why and what
/// an administrator does about it. Empty when there are none.
pub fn waiting_text(s: &Standing) -> String {
    let mut out = String::new();
    let all = s.to_send.iter().chain(&s.in_doubt).chain(&s.refused);
    for d in all {
        let _ = writeln!(out, "  - {} (run {}): {}", d.recipient, d.run_id, d.why());
        let advice = match d.status {
            DeliveryStatus::Sending | DeliveryStatus::InDoubt => format!(
                "look for {} in the mail server's log; if it arrived: `equity-reports confirm \
                 {} --to {}`; if not: `equity-reports resend {} --to {}`",
                d.message_id, d.run_id, d.recipient, d.run_id, d.recipient
            ),
            DeliveryStatus::Failed if s.refused.iter().any(|r| r.row == d.row) => {
                format!(
                    "refused for good: once the address or the cause is mended, \
                     `equity-reports resend {} --to {}`",
                    d.run_id, d.recipient
                )
            }
            _ => "the next run of this report and period sends it".into(),
        };
        let _ = writeln!(out, "      {advice}");
    }
    if out.is_empty() {
        return out;
    }
    format!("Not delivered (or not surely delivered):\n{out}")
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
            report.to_string(),
            at.format("%a %-d %b %Y %H:%M:%S %Z").to_string(),
            format!("{} ({})", period.id, period.short_label()),
            settings.schedule.reports[report.as_str()].clone(),
        ]);
    }
    let mut out = format!(
        "Times in {} (catch-up window {} days).\n",
        settings.schedule.timezone, settings.schedule.catch_up_days
    );
    out.push_str(&columns(&rows));
    out
}
