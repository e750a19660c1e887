//! The command line (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

/// Equity reports for the Leeds Mental Wellbeing Service: Parquet extracts in,
/// board-ready PDFs out, e-mailed to the configured lists.
#[derive(Debug, Parser)]
#[command(name = "equity-reports", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Site settings laid over the built-in defaults (config/default.toml).
    #[arg(long, global = true, env = "EQUITY_REPORTS_CONFIG")]
    pub config: Option<PathBuf>,
    /// More log output (-v info, -vv debug, -vvv each statement's plan with its operators' times); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Produce a report for a period, write its folder and e-mail it.
    ///
    /// A report and period already delivered is not sent again unless --resend is given.
    Run(RunArgs),
    /// Run every report on its schedule until stopped (SIGTERM or Ctrl-C).
    ///
    /// Catches up, once, a run missed while stopped (within schedule.catch_up_days).
    Serve(ServeArgs),
    /// List each report's next run times and the period each covers.
    Schedule(ScheduleArgs),
    /// Print the run ledger: every run, its status and each recipient's delivery.
    History(HistoryArgs),
    /// Send an archived run's PDF again, without computing it again.
    ///
    /// With --to, only that address is sent to, and only its earlier delivery (in doubt,
    /// failed or never tried) counts as settled.
    Resend(ResendArgs),
    /// Record that a recipient in doubt has the report after all (seen in the mail
    /// server's log), so that nothing more is sent to them.
    Confirm(ConfirmArgs),
    /// Check the extracts against the data contract and count row-level problems.
    ///
    /// Exit code 0: clean; 1: row-level problems only; 2: structural errors.
    Validate(ValidateArgs),
    /// Write a synthetic, realistic extract set for every dataset of the contract.
    SampleData(SampleArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Report id: workforce-quarterly, workforce-annual, access-biannual or equity-annual.
    pub report: crate::catalog::ReportId,
    /// Period id: 2026-Q3 (quarter), FY2026-27-H1 (half year), FY2025-26 (year).
    #[arg(long)]
    pub period: String,
    /// Data root (default: paths.data in the settings).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Output root (default: paths.out in the settings).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Date the report is produced on, shown on the cover (default: today).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Write the outputs but send no e-mail.
    #[arg(long, conflicts_with = "resend")]
    pub no_send: bool,
    /// Send even though this report and period were delivered before.
    #[arg(long)]
    pub resend: bool,
    /// The query engine for this run (default: engine.kind in the settings).
    #[arg(long, value_enum)]
    pub engine: Option<crate::config::EngineKind>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Data root (default: paths.data in the settings).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Output root, where the ledger lives too (default: paths.out in the settings).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// List run times after this instant (default: now), e.g. 2027-03-01T00:00:00Z.
    #[arg(long, value_parser = parse_instant)]
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// How many run times per report.
    #[arg(long, default_value_t = 4)]
    pub count: usize,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this report.
    #[arg(long)]
    pub report: Option<crate::catalog::ReportId>,
    /// Only this period.
    #[arg(long)]
    pub period: Option<String>,
    /// Output root whose ledger to read (default: paths.out in the settings).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The run whose message the recipient got (see `history`).
    pub run_id: i64,
    /// The recipient who has it.
    #[arg(long)]
    pub to: String,
    /// Output root whose ledger to update (default: paths.out).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResendArgs {
    /// The run whose PDF to send (see `history`).
    pub run_id: i64,
    /// Send to this address only (default: everyone the run sent to).
    #[arg(long)]
    pub to: Option<String>,
    /// Output root whose ledger and archive to read (default: paths.out).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Data root (default: paths.data in the settings).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Dates after this count as "in the future" (default: today).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Folder to write the extracts into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 20260930)]
    pub seed: u64,
    /// Multiplies volumes (staff, referrals, population): 100 for load tests, 0.01 for a
    /// service of a few hundred referrals, where small counts abound.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
}

/// An instant in RFC 3339 form, 2027-03-01T00:00:00Z.
pub fn parse_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an instant of the form 2027-03-01T00:00:00Z"))
}

/// A date in ISO form, 2026-10-15.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a date of the form 2026-10-15"))
}
