//! Which runs are still alive: a lock in the ledger or a cluster run's work folder is
//! marked with the machine and process that made it, and taken over only when that
//! process has gone.

use std::path::Path;

/// This machine's name, so that a run of another machine sharing a folder or the ledger
/// is never taken for a dead process of this one.
pub fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// Whether a process of this machine is still running.
pub fn alive(pid: i64) -> bool {
    if pid == i64::from(std::process::id()) {
        return true;
    }
    let proc_dir = Path::new("/proc");
    if !proc_dir.exists() {
        // No way to tell: assume it runs, so a lock is never stolen from a live run.
        return true;
    }
    // A zombie (exited, not yet reaped) is no longer running.
    match std::fs::read_to_string(proc_dir.join(pid.to_string()).join("stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}
