//! The C allocator, set up for a batch that builds and drops Arrow buffers of many
//! megabytes.
//!
//! Left alone, glibc maps each big buffer from the kernel and unmaps it when freed, and
//! gives every thread that allocates an arena of its own; the kernel then zeroes the same
//! memory again and again (at national size about 5 s of system time in a 16 s run).
//! Kept in the process, freed memory is used again: one arena per core, no separate
//! mappings, and freed memory kept up to a limit. The peak stays the same, since the
//! engine's memory pool bounds what the queries hold. `serve` hands what is kept back to
//! the kernel after each pass.

#![allow(unsafe_code)]

/// Memory freed at the top of the heap that is kept rather than returned.
const KEEP_FREED: i32 = 1 << 30;
/// How much more than asked for the heap grows by, so that growth takes fewer calls.
const GROW_BY: i32 = 64 << 20;

/// What glibc refused to take, if anything: the parameter's name.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// Sets glibc's allocator up for the run, before any thread starts; `Ok(false)` where
/// there is nothing to set: another C library, or MALLOC_* or GLIBC_TUNABLES in the
/// environment, which then decide.
pub fn keep_freed_memory() -> Result<bool, Refused> {
    if set_by_environment() {
        return Ok(false);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    glibc::set(&[
        (
            "M_ARENA_MAX",
            glibc::M_ARENA_MAX,
            i32::try_from(cores).unwrap_or(i32::MAX),
        ),
        ("M_MMAP_MAX", glibc::M_MMAP_MAX, 0),
        ("M_TRIM_THRESHOLD", glibc::M_TRIM_THRESHOLD, KEEP_FREED),
        ("M_TOP_PAD", glibc::M_TOP_PAD, GROW_BY),
    ])
}

fn set_by_environment() -> bool {
    std::env::vars_os().any(|(k, _)| {
        let k = k.to_string_lossy();
        k.starts_with("MALLOC_") || k == "GLIBC_TUNABLES"
    })
}

/// Returns the memory kept after a run to the kernel (`serve`, between passes).
pub fn give_back() {
    glibc::trim();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    pub(super) use libc::{M_ARENA_MAX, M_MMAP_MAX, M_TOP_PAD, M_TRIM_THRESHOLD};

    use super::Refused;

    pub(super) fn set(params: &[(&'static str, i32, i32)]) -> Result<bool, Refused> {
        for &(name, param, value) in params {
            // SAFETY: mallopt only changes the allocator's parameters, which glibc allows
            // at any time from any thread; it returns 0 for a parameter it does not take.
            if unsafe { libc::mallopt(param, value) } != 1 {
                return Err(Refused(name));
            }
        }
        Ok(true)
    }

    pub(super) fn trim() {
        // SAFETY: malloc_trim returns free memory to the kernel; it touches nothing in use.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod glibc {
    use super::Refused;

    pub(super) const M_ARENA_MAX: i32 = 0;
    pub(super) const M_MMAP_MAX: i32 = 0;
    pub(super) const M_TOP_PAD: i32 = 0;
    pub(super) const M_TRIM_THRESHOLD: i32 = 0;

    pub(super) fn set(_: &[(&'static str, i32, i32)]) -> Result<bool, Refused> {
        Ok(false)
    }

    pub(super) fn trim() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_every_setting() {
        // Each value in its range, and a refusal said: glibc takes no fast bins above
        // 80 words.
        assert_eq!(keep_freed_memory(), Ok(!set_by_environment()));
        assert_eq!(
            glibc::set(&[("M_MXFAST", libc::M_MXFAST, 1 << 20)]),
            Err(Refused("M_MXFAST"))
        );
        // Memory allocated and freed after the change is still usable.
        let v = vec![7u8; 100 << 20];
        assert_eq!(
            v.iter().map(|&b| usize::from(b)).sum::<usize>(),
            7 * (100 << 20)
        );
        drop(v);
        give_back();
    }
}
