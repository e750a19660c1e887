//! Thin entry point: parse, set up logging, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // Test builds only (cargo feature `failpoints`): faults named in FAILPOINTS.
    let _faults = equity_reports::failpoint::from_env();
    // Before any thread starts; a refusal only costs speed.
    let tuned = equity_reports::allocator::keep_freed_memory();
    let cli = equity_reports::cli::Cli::parse();
    let level = match cli.global.verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        // each statement's plan with its operators' times and rows (data::query)
        _ => "debug,equity_reports=trace",
    };
    // A standalone Ballista scheduler (inside this process) warns at every query that it
    // overrides one of DataFusion's settings, and logs an error when it cannot line up
    // a finished stage's metrics for its own display: nothing a reader can act on.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{level},ballista_scheduler::state::session_manager=error,\
             ballista_scheduler::display=off"
        ))
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        // a log line lifts the progress bar of a run on a terminal
        .with_writer(equity_reports::progress::LogWriter)
        .init();
    if let Err(equity_reports::allocator::Refused(what)) = tuned {
        tracing::warn!(
            setting = what,
            "the C library refused an allocator setting: the run goes on, perhaps slower"
        );
    }
    // Few threads for blocking work (file reads, spills): each thread that allocates
    // may take its own allocator arena, and memory freed in one arena is not reused by
    // the others, so many such threads raise a national run's resident memory.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(equity_reports::EXIT_FAILED);
        }
    };
    match runtime.block_on(equity_reports::run_cli(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(equity_reports::EXIT_FAILED)
        }
    }
}
