//! `make bench` only (the `lock-stats` feature): the counts of `crate::sync`'s shared
//! locks, for the benchmark to read around a run of handshakes. Not part of libssl's
//! API; the library oxissl ships is built without it.
use std::sync::atomic::Ordering;

/// Copies up to `n` (site, reads, writes) triples into `out`; returns the number of sites.
#[no_mangle]
pub extern "C" fn oxissl_lock_stats(out: *mut u64, n: usize) -> usize {
    ffi_boundary!("oxissl_lock_stats", 0, {
        let counts = &crate::sync::stats::COUNTS;
        if !out.is_null() {
            for (i, c) in counts.iter().enumerate().take(n) {
                let v = [i as u64, c[0].load(Ordering::Relaxed), c[1].load(Ordering::Relaxed)];
                // SAFETY: the caller's buffer holds `n` triples of u64.
                unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), out.add(3 * i), 3) };
            }
        }
        counts.len()
    })
}
