//! equity-reports: Parquet extracts of the Leeds Mental Wellbeing Service partners in,
//! board-ready equity reports out (PDF, figures, tables), delivered by e-mail.
//!
//! The flow of a run: [`config`] settings, [`data`] (find, check, register and
//! normalise the extracts in DataFusion), a report module in [`report`] running the SQL
//! of `queries/` and composing a [`pdf::model::Document`], [`pdf::render`], [`output`]
//! (the folder, written whole), [`delivery`] (e-mail or outbox), all recorded in the
//! [`ledger`]. [`schedule`] decides when reports run by themselves and [`daemon`]
//! runs them.

pub mod cli;
pub mod config;
pub mod contract;
pub mod daemon;
pub mod data;
pub mod delivery;
pub mod disclosure;
pub mod history;
pub mod ledger;
pub mod metrics;
pub mod output;
pub mod pdf;
pub mod period;
pub mod process;
pub mod queries;
pub mod report;
pub mod resend;
pub mod run;
pub mod sample;
pub mod schedule;
pub mod sql_log;
pub mod stats;
pub mod template;
pub mod validate;

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command};
use crate::report::RunRequest;

/// Exit code for a run that wrote its output but could not deliver to everyone.
pub const EXIT_PARTIAL: u8 = 1;
/// Exit code for bad settings, bad input or a failed run (nothing written or sent).
pub const EXIT_FAILED: u8 = 2;

/// Run a parsed command line and give the process exit code.
pub async fn run_cli(cli: Cli) -> anyhow::Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    match cli.command {
        Command::SampleData(a) => {
            let summary = sample::write_sample_data(&a.out, a.seed, a.scale)
                .with_context(|| format!("writing sample data to {}", a.out.display()))?;
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(a) => {
            let settings = config::load_settings(cli.global.config.as_deref())?;
            let root = a.data.unwrap_or_else(|| settings.paths.data.clone());
            let v = validate::validate(&settings, &root, a.as_of.unwrap_or(today)).await?;
            print!("{}", v.text);
            Ok(ExitCode::from(v.exit_code))
        }
        Command::Run(a) => {
            let mut settings = config::load_settings(cli.global.config.as_deref())?;
            if let Some(kind) = a.engine {
                settings.engine.kind = kind;
            }
            let plan = run::RunPlan {
                req: RunRequest {
                    report: a.report,
                    period: a.period,
                    data: a.data,
                    out: a.out,
                    as_of: a.as_of.unwrap_or(today),
                    send: !a.no_send,
                },
                trigger: ledger::Trigger::CommandLine,
                scheduled_for: None,
                resend: a.resend,
            };
            let outcome = match run::execute(&settings, &plan).await? {
                run::Executed::Done(o) => o,
                run::Executed::AlreadyDelivered { run_id, finished } => {
                    println!(
                        "Nothing sent: {} for {} was already delivered by run {run_id} ({finished}). \
                         `equity-reports history --report {}` shows to whom; use --resend to \
                         compute and send it again, or `equity-reports resend {run_id}` to send \
                         the same PDF again.",
                        plan.req.report, plan.req.period, plan.req.report
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                run::Executed::InDoubt { run_id, recipients } => {
                    eprintln!(
                        "Nothing sent: run {run_id} of {} for {} stopped while handing the \
                         report to the mail server, so these recipients may or may not have it:",
                        plan.req.report, plan.req.period
                    );
                    for (r, id) in recipients {
                        eprintln!("  - {r} (Message-ID {id})");
                    }
                    eprintln!(
                        "Check the mail server's log for those Message-IDs, then send with \
                         `equity-reports resend {run_id} --to ADDRESS` or rerun with --resend."
                    );
                    return Ok(ExitCode::from(EXIT_FAILED));
                }
            };
            println!(
                "Run {}: report written to {}",
                outcome.run_id,
                outcome.folder.display()
            );
            print_deliveries(&outcome.deliveries);
            if !plan.req.send {
                println!("No e-mail sent (--no-send).");
            }
            if outcome.all_delivered() {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "The report is kept in {}; the admins were told. Once delivery is fixed: \
                     equity-reports resend {} --to ADDRESS",
                    outcome.folder.display(),
                    outcome.run_id
                );
                Ok(ExitCode::from(EXIT_PARTIAL))
            }
        }
        Command::Serve(a) => {
            let settings = config::load_settings(cli.global.config.as_deref())?;
            let places = daemon::Places {
                data: a.data,
                out: a.out,
            };
            daemon::serve(&settings, &places).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schedule(a) => {
            let settings = config::load_settings(cli.global.config.as_deref())?;
            let s = schedule::Scheduler::from_settings(&settings).map_err(anyhow::Error::msg)?;
            let from = a.from.unwrap_or_else(chrono::Utc::now);
            print!("{}", history::schedule_table(&settings, &s, from, a.count));
            Ok(ExitCode::SUCCESS)
        }
        Command::History(a) => {
            let settings = config::load_settings(cli.global.config.as_deref())?;
            let out = a.out.unwrap_or_else(|| settings.paths.out.clone());
            let ledger = run::open_ledger(&settings, &out)?;
            print!(
                "{}",
                history::history_table(&ledger, a.report.as_deref(), a.period.as_deref())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Resend(a) => {
            let settings = config::load_settings(cli.global.config.as_deref())?;
            let r = resend::resend(&settings, a.out.as_deref(), a.run_id, a.to.as_deref()).await?;
            println!("Run {}: resent the PDF of run {}", r.run_id, a.run_id);
            print_deliveries(&r.deliveries);
            if r.deliveries
                .iter()
                .all(|d| d.status != ledger::delivery_status::FAILED)
            {
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(EXIT_PARTIAL))
            }
        }
    }
}

fn print_deliveries(deliveries: &[delivery::Delivery]) {
    for d in deliveries {
        match d.status.as_str() {
            "written" => println!(
                "E-mail to {} written to the outbox: {}",
                d.recipient, d.detail
            ),
            "sent" => println!(
                "E-mail sent to {} ({}; Message-ID {})",
                d.recipient, d.detail, d.message_id
            ),
            _ => eprintln!("E-mail to {} FAILED: {}", d.recipient, d.detail),
        }
    }
}
