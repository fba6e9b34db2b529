//! Locks on state shared between connections: a context's settings and caches, the
//! session cache, process-wide registries. They are std's locks; built with the
//! `lock-stats` feature (only for `make bench`), every acquisition is also counted per
//! site, so the benchmark can report how many a handshake takes (issue #12).
use std::sync::{LockResult, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Where a shared lock is.
#[derive(Clone, Copy, Debug)]
pub enum Site {
    CtxSettings,
    CtxCallbacks,
    CtxStore,
    CtxExtraChain,
    CtxConfigs,
    CtxPeerCerts,
    SessionCache,
    SessionRegistry,
    TicketKeys,
}

/// The sites' names, in `Site` order (what `oxissl_lock_stats` reports).
pub const SITES: [&str; 9] = [
    "ctx settings",
    "ctx callbacks",
    "ctx store",
    "ctx extra chain",
    "ctx config cache",
    "ctx peer certificate cache",
    "session cache",
    "session registry",
    "ticket keys",
];

#[cfg(feature = "lock-stats")]
pub mod stats {
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Acquisitions per site: [read or mutex, write] each.
    pub static COUNTS: [[AtomicU64; 2]; super::SITES.len()] =
        [const { [AtomicU64::new(0), AtomicU64::new(0)] }; super::SITES.len()];

    pub fn note(site: super::Site, write: bool) {
        COUNTS[site as usize][write as usize].fetch_add(1, Ordering::Relaxed);
    }
}

#[inline]
fn note(_site: Site, _write: bool) {
    #[cfg(feature = "lock-stats")]
    stats::note(_site, _write);
}

/// A `Mutex` shared between connections (a mutex acquisition counts as a write).
pub struct SharedMutex<T> {
    site: Site,
    inner: Mutex<T>,
}

impl<T> SharedMutex<T> {
    pub const fn new(site: Site, value: T) -> Self {
        SharedMutex { site, inner: Mutex::new(value) }
    }

    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        note(self.site, true);
        self.inner.lock()
    }
}

/// An `RwLock` shared between connections.
pub struct SharedRwLock<T> {
    site: Site,
    inner: RwLock<T>,
}

impl<T> SharedRwLock<T> {
    pub const fn new(site: Site, value: T) -> Self {
        SharedRwLock { site, inner: RwLock::new(value) }
    }

    pub fn read(&self) -> LockResult<RwLockReadGuard<'_, T>> {
        note(self.site, false);
        self.inner.read()
    }

    pub fn write(&self) -> LockResult<RwLockWriteGuard<'_, T>> {
        note(self.site, true);
        self.inner.write()
    }
}
