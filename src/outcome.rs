//! What a run that got as far as sending came to, as the command line and the service
//! report it.

use std::path::PathBuf;

use crate::delivery::{AdminNotice, Delivery};

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub run_id: i64,
    pub folder: PathBuf,
    pub deliveries: Vec<Delivery>,
    /// What the admins were told about the recipients who did not get it (None when
    /// there was nothing to tell).
    pub admins: Option<AdminNotice>,
    /// What went wrong after the messages went (the manifest or the ledger could not
    /// be updated): the deliveries stand as listed.
    pub afterwards: Vec<String>,
}

impl RunOutcome {
    /// A run that got as far as sending (the admins not yet told of any failure).
    pub fn sent(
        run_id: i64,
        folder: PathBuf,
        deliveries: Vec<Delivery>,
        afterwards: Vec<String>,
    ) -> RunOutcome {
        RunOutcome {
            run_id,
            folder,
            deliveries,
            admins: None,
            afterwards,
        }
    }

    /// Whether every recipient's copy went (or none was asked for).
    pub fn all_delivered(&self) -> bool {
        self.deliveries.iter().all(Delivery::delivered)
    }
}
