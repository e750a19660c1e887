//! equity-reports: Parquet extracts of the Leeds Mental Wellbeing Service partners in,
//! board-ready equity reports out (PDF, figures, tables), delivered by e-mail.
//!
//! The flow of a run: [`config`] settings, [`data`] (find, check, register and
//! normalise the extracts in DataFusion), a report module in [`report`] running the SQL
//! of `queries/` and composing a [`pdf::model::Document`], [`pdf::render`], [`output`]
//! (the folder, written whole), [`delivery`] (e-mail or outbox), all recorded in the
//! [`ledger`]. [`schedule`] decides when reports run by themselves and [`daemon`]
//! runs them.

pub mod allocator;
pub mod archive;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod contract;
pub mod daemon;
pub mod data;
pub mod delivery;
pub mod disclosure;
pub mod failpoint;
pub mod history;
pub mod ledger;
pub mod metrics;
pub mod outcome;
pub mod output;
pub mod pdf;
pub mod period;
pub mod process;
pub mod progress;
pub mod queries;
pub mod registry;
pub mod report;
pub mod resend;
pub mod run;
pub mod sample;
pub mod schedule;
pub mod spc;
pub mod sql_log;
pub mod standards;
pub mod stats;
pub mod template;
pub mod validate;

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command};
use crate::run::RunRequest;

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
            let settings = load_settings(cli.global.config.as_deref())?;
            let root = a.data.unwrap_or_else(|| settings.paths.data.clone());
            let v = validate::validate(&settings, &root, a.as_of.unwrap_or(today)).await?;
            print!("{}", v.text);
            Ok(ExitCode::from(v.exit_code))
        }
        Command::Run(a) => {
            let mut settings = load_settings(cli.global.config.as_deref())?;
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
            let (report, period) = (&plan.req.report, &plan.req.period);
            // on a terminal, the phase and how far; taken down before the outcome
            progress::show_on_terminal();
            let executed = run::execute(&settings, &plan).await;
            progress::finish();
            let (outcomes, standing) = match executed? {
                run::Executed::Done(o) => (vec![o], None),
                run::Executed::AlreadyDelivered(s) => {
                    println!(
                        "Nothing sent: {report} for {period} was already delivered by run {} \
                         ({}). `equity-reports history --report {report}` shows to whom; use \
                         --resend to compute and send it again to everyone, or \
                         `equity-reports resend {} --to ADDRESS` to send the same PDF to one \
                         address.",
                        s.run_id, s.finished, s.run_id
                    );
                    eprint!("{}", history::waiting_text(&s));
                    return Ok(ExitCode::SUCCESS);
                }
                run::Executed::InDoubt(s) => {
                    eprintln!(
                        "Nothing sent: {report} for {period} reached some recipients in run {}, \
                         and nobody is left to send to without a person's decision.",
                        s.run_id
                    );
                    eprint!("{}", history::waiting_text(&s));
                    return Ok(ExitCode::from(EXIT_FAILED));
                }
                run::Executed::Continued { standing, outcomes } => {
                    println!(
                        "{report} for {period} reached some recipients in run {}; its report \
                         now goes to the {} still waiting for it (nothing is computed again).",
                        standing.run_id,
                        standing.to_send.len()
                    );
                    (outcomes, Some(standing))
                }
            };
            let mut code = ExitCode::SUCCESS;
            for o in &outcomes {
                if standing.is_none() {
                    println!("Run {}: report written to {}", o.run_id, o.folder.display());
                } else {
                    println!("Run {}: sent the archived report", o.run_id);
                }
                print_deliveries(o.run_id, &o.deliveries);
                for a in &o.afterwards {
                    eprintln!("Warning: {a}");
                }
                if !o.all_delivered() || !o.afterwards.is_empty() {
                    code = ExitCode::from(EXIT_PARTIAL);
                }
                if !o.all_delivered() {
                    let told = o
                        .admins
                        .as_ref()
                        .map_or_else(String::new, |n| format!("; {n}"));
                    eprintln!(
                        "The report is kept in {}{told}. Once delivery is mended, \
                         `equity-reports run {report} --period {period}` sends it to those whose \
                         failure may mend; `equity-reports resend {} --to ADDRESS` sends it to \
                         one address.",
                        o.folder.display(),
                        o.run_id
                    );
                }
            }
            if !plan.req.send {
                println!("No e-mail sent (--no-send).");
            }
            if let Some(s) = standing
                && !(s.in_doubt.is_empty() && s.refused.is_empty())
            {
                // Those waiting were just sent to (their results are above).
                let left = ledger::Standing {
                    to_send: Vec::new(),
                    ..s
                };
                eprint!("{}", history::waiting_text(&left));
                if !left.in_doubt.is_empty() {
                    code = ExitCode::from(EXIT_FAILED);
                }
            }
            Ok(code)
        }
        Command::Serve(a) => {
            let settings = load_settings(cli.global.config.as_deref())?;
            let places = daemon::Places {
                data: a.data,
                out: a.out,
            };
            daemon::serve(&settings, &places).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schedule(a) => {
            let settings = load_settings(cli.global.config.as_deref())?;
            let s = schedule::Scheduler::new(&settings.schedule)?;
            let from = a.from.unwrap_or_else(chrono::Utc::now);
            print!("{}", history::schedule_table(&settings, &s, from, a.count));
            Ok(ExitCode::SUCCESS)
        }
        Command::History(a) => {
            let settings = load_settings(cli.global.config.as_deref())?;
            let out = a.out.unwrap_or_else(|| settings.paths.out.clone());
            let ledger = run::open_ledger(&settings, &out)?;
            print!(
                "{}",
                history::history_table(&ledger, a.report.map(|r| r.as_str()), a.period.as_deref())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Resend(a) => {
            let settings = load_settings(cli.global.config.as_deref())?;
            let r = resend::resend(&settings, a.out.as_deref(), a.run_id, a.to.as_deref()).await?;
            println!("Run {}: resent the PDF of run {}", r.run_id, a.run_id);
            print_deliveries(r.run_id, &r.deliveries);
            for w in &r.afterwards {
                eprintln!("Warning: {w}");
            }
            if r.all_delivered() && r.afterwards.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(EXIT_PARTIAL))
            }
        }
        Command::Confirm(a) => {
            let settings = load_settings(cli.global.config.as_deref())?;
            let out = a.out.unwrap_or_else(|| settings.paths.out.clone());
            let ledger = run::open_ledger(&settings, &out)?;
            if ledger.confirm_delivered(a.run_id, &a.to)? == 0 {
                anyhow::bail!(confirm_refused(&ledger, a.run_id, &a.to)?);
            }
            println!(
                "Recorded: {} has the report of run {} (confirmed by an administrator); \
                 nothing more is sent to them for it.",
                a.to, a.run_id
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Why `confirm` will not record a delivery: only one in doubt (handed over whole, no
/// answer heard) may have arrived unseen.
fn confirm_refused(ledger: &ledger::Ledger, run_id: i64, to: &str) -> anyhow::Result<String> {
    use ledger::DeliveryStatus as S;
    let states = ledger.delivery_states(run_id, to)?;
    let why = match states.last() {
        None => "has no delivery to it at all".to_string(),
        Some((S::Sent | S::Written, _)) => "delivered it already".to_string(),
        Some((_, true)) => "handed its delivery to a later run, which holds it now".to_string(),
        Some((status, false)) => format!(
            "recorded its delivery as {}: the message was never handed to a mail server \
             whole, so it cannot have arrived; a rerun of the report, or `equity-reports \
             resend {run_id} --to {to}`, sends it",
            status.as_str()
        ),
    };
    Ok(format!(
        "run {run_id} has no delivery to {to} in doubt to confirm: the run {why}. `confirm` \
         is for a message handed over whole whose answer was lost; `equity-reports history` \
         shows each delivery"
    ))
}

/// The settings, checked whole: `config` checks what it reads itself, and the schedule
/// is checked by the module that reads it.
fn load_settings(file: Option<&std::path::Path>) -> anyhow::Result<config::Settings> {
    let settings = config::load_settings(file)?;
    schedule::check_schedule(&settings.schedule)
        .map_err(|(key, message)| settings.key_error(key, message))?;
    private_files(settings.paths.group_readable);
    Ok(settings)
}

/// Everything this process creates from here on is readable by its owner only (or its
/// group too): the outputs hold exact small counts and the ledger every recipient, and
/// the usual umask of 022 would let every user of the machine read them.
fn private_files(group_readable: bool) {
    use rustix::fs::Mode;
    let mask = if group_readable {
        Mode::from_raw_mode(0o027)
    } else {
        Mode::from_raw_mode(0o077)
    };
    rustix::process::umask(mask);
}

fn print_deliveries(run_id: i64, deliveries: &[delivery::Delivery]) {
    for d in deliveries {
        match d.status {
            ledger::DeliveryStatus::Written => println!(
                "E-mail to {} written to the outbox: {}",
                d.recipient, d.detail
            ),
            ledger::DeliveryStatus::Sent => println!(
                "E-mail sent to {} ({}; Message-ID {})",
                d.recipient, d.detail, d.message_id
            ),
            ledger::DeliveryStatus::InDoubt => eprintln!(
                "E-mail to {} IN DOUBT (Message-ID {}): {}. Look for the Message-ID in the \
                 mail server's log: if it arrived, `equity-reports confirm {run_id} --to {}`; \
                 if not, `equity-reports resend {run_id} --to {}`.",
                d.recipient, d.message_id, d.detail, d.recipient, d.recipient
            ),
            _ => eprintln!("E-mail to {} FAILED: {}", d.recipient, d.detail),
        }
    }
}
