//! Named points in a run where the crash tests inject a fault: write, archive, ledger,
//! swap, each recipient's message before and after it is handed over, and the final
//! manifest. Built only with the cargo feature `failpoints`; without it every point is
//! an empty inline function.
//!
//! With the feature, `FAILPOINTS="name=return(crash)"` makes the process abort at that
//! point (as `kill -9` would leave it: no destructor runs), `return(full)` makes the
//! step fail as a full disk does, and `return` with anything else as an I/O error. The
//! `fail` crate's counts apply: `1*off->return(crash)` passes once, then crashes.

use std::io;

/// The points, for the tests and the README.
pub const POINTS: &[&str] = &[
    "run.write",
    "run.archive",
    "run.ledger",
    "run.swap",
    "delivery.before_data",
    "delivery.after_data",
    "delivery.outbox",
    "run.manifest",
];

/// Reads `FAILPOINTS` for the life of the value.
#[cfg(feature = "failpoints")]
pub type Faults = fail::FailScenario<'static>;
#[cfg(not(feature = "failpoints"))]
pub type Faults = ();

/// The failpoints of the environment (none without the feature).
#[cfg(feature = "failpoints")]
pub fn from_env() -> Faults {
    fail::FailScenario::setup()
}
#[cfg(not(feature = "failpoints"))]
pub fn from_env() -> Faults {}

/// Pass the point named `name`: nothing happens unless a test set it.
#[cfg(feature = "failpoints")]
pub fn hit(name: &str) -> io::Result<()> {
    debug_assert!(POINTS.contains(&name), "unknown failpoint {name}");
    match fail::eval(name, |arg| arg) {
        None => Ok(()),
        Some(arg) => match arg.as_deref() {
            Some("crash") => {
                eprintln!("failpoint {name}: stopping the process");
                std::process::abort()
            }
            Some("full") => Err(io::Error::new(
                io::ErrorKind::StorageFull,
                format!("No space left on device (failpoint {name})"),
            )),
            _ => Err(io::Error::other(format!("fault injected at {name}"))),
        },
    }
}
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn hit(_name: &str) -> io::Result<()> {
    Ok(())
}
