//! equity-reports: Parquet extracts of the Leeds Mental Wellbeing Service partners in,
//! board-ready equity reports out (PDF, figures, tables), delivered by e-mail.
//!
//! The flow of a run: [`config`] settings, [`data`] (find, check, register and
//! normalise the extracts in DataFusion), a report module in [`report`] running the SQL
//! of `queries/` and composing a [`pdf::model::Document`], [`pdf::render`], [`output`]
//! (the folder, written whole), [`delivery`] (e-mail or outbox).

pub mod cli;
pub mod config;
pub mod contract;
pub mod data;
pub mod delivery;
pub mod disclosure;
pub mod metrics;
pub mod output;
pub mod pdf;
pub mod period;
pub mod queries;
pub mod report;
pub mod run;
pub mod sample;
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
            let settings = config::load_settings(cli.global.config.as_deref())?;
            let req = RunRequest {
                report: a.report,
                period: a.period,
                data: a.data,
                out: a.out,
                as_of: a.as_of.unwrap_or(today),
                send: !a.no_send,
            };
            let outcome = run::run_report(&settings, &req).await?;
            println!("Report written to {}", outcome.folder.display());
            for d in &outcome.deliveries {
                match d.status.as_str() {
                    "written" => println!(
                        "E-mail to {} written to the outbox: {}",
                        d.recipient, d.detail
                    ),
                    "sent" => println!("E-mail sent to {} ({})", d.recipient, d.detail),
                    _ => eprintln!("E-mail to {} FAILED: {}", d.recipient, d.detail),
                }
            }
            if !req.send {
                println!("No e-mail sent (--no-send).");
            }
            if outcome.all_delivered() {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "The report is kept in {}; resend once delivery is fixed.",
                    outcome.folder.display()
                );
                Ok(ExitCode::from(EXIT_PARTIAL))
            }
        }
    }
}
