//! Integration tests: one binary, a module per concern. They run the real program
//! (`CARGO_BIN_EXE_equity-reports`) on real Parquet files.

mod accessible;
mod annual;
mod attacker;
mod awkward;
#[cfg(feature = "ballista")]
mod ballista;
mod change;
mod change_workforce;
mod charts;
mod crash;
mod document;
mod equity_stats;
mod errors;
mod figures;
mod helpers;
mod ledger;
mod messages;
mod partial;
mod pipeline;
mod remote;
mod returns;
mod service;
mod smtp;
mod standards;
