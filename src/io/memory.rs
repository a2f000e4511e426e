//! Process memory policy: what a short-lived process leaves to the operating system at exit.

/// Files this large are not freed piece by piece (see `discard`).
const DISCARD_FROM: u64 = 16 << 20;
/// The most memory `discard` leaves to the operating system in one process.
const DISCARD_BUDGET: u64 = 1 << 30;

/// Lets go of a value that holds a large document. Freeing a parsed tree of a 100 MB registry
/// node by node costs tens of milliseconds just before a short-lived process exits, when the
/// operating system reclaims all of it at once anyway; so large values, up to a budget, are
/// left to it. Small ones are dropped as usual.
pub fn discard<T>(value: T, bytes: u64) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LEFT: AtomicU64 = AtomicU64::new(0);
    if bytes >= DISCARD_FROM && LEFT.fetch_add(bytes, Ordering::Relaxed) + bytes <= DISCARD_BUDGET {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}
