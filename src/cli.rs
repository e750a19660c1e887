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
    /// More log output (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Produce a report for a period, write its folder and e-mail it.
    Run(RunArgs),
    /// Check the extracts against the data contract and count row-level problems.
    ///
    /// Exit code 0: clean; 1: row-level problems only; 2: structural errors.
    Validate(ValidateArgs),
    /// Write a synthetic, realistic extract set for every dataset of the contract.
    SampleData(SampleArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Report id: workforce-quarterly (workforce-annual, access-biannual and
    /// equity-annual are routed in config/ and arrive in later versions).
    pub report: String,
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
    #[arg(long)]
    pub no_send: bool,
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
    /// Multiplies volumes (staff, referrals, population) for load tests.
    #[arg(long, default_value_t = 1)]
    pub scale: u32,
}

/// A date in ISO form, 2026-10-15.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a date of the form 2026-10-15"))
}
