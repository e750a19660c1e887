//! `sample-data`: a synthetic, deterministic extract set for every dataset of the
//! contract, shaped like Leeds (about 1,000 staff over 8 quarter-end snapshots, about
//! two years of Talking Therapies referrals with appointments and PHQ-9/GAD-7
//! trajectories, a GP-registered population in which the priority groups are
//! under-represented among referrals), with a few realistic defects so the
//! data-quality page has something to show. No real person is in it.

mod people;
mod returns;
mod services;
mod write;

use std::path::Path;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The last quarter end the sample covers, and the date it was "extracted".
pub const LAST_SNAPSHOT: (i32, u32, u32) = (2026, 9, 30);
pub const EXTRACTED: (i32, u32, u32) = (2026, 10, 15);

fn ymd(t: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(t.0, t.1, t.2).expect("valid constant date")
}

/// Write the extract set into `out` and return a one-paragraph summary.
pub fn write_sample_data(out: &Path, seed: u64, scale: f64) -> anyhow::Result<String> {
    anyhow::ensure!(
        scale.is_finite() && scale > 0.0,
        "--scale must be a number above 0, not {scale}"
    );
    std::fs::create_dir_all(out)?;
    for entry in ["staff_snapshot", "referrals"] {
        let p = out.join(entry);
        if p.exists() {
            std::fs::remove_dir_all(&p)?;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let wf = people::simulate_workforce(&mut rng, scale);
    let wf_rows = write::write_workforce(out, &wf)?;
    let su = services::simulate_services(&mut rng, scale);
    let su_rows = write::write_services(out, &su)?;
    Ok(format!(
        "Sample extracts written to {} (seed {seed}, scale {scale}): {wf_rows}; {su_rows}.",
        out.display()
    ))
}

/// FNV-1a: a fixed, well-spread number from an id, for what is drawn from an id
/// rather than the shared random stream.
fn fnv(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A weighted choice from `(item, weight)` pairs.
pub(crate) fn pick<'a, T, R: rand::Rng>(rng: &mut R, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|i| i.1).sum();
    let mut x = rng.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items.last().expect("non-empty choice").0
}
