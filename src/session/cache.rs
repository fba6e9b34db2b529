//! The `SSL_CTX` session cache: OpenSSL's modes, size limit, timeouts, statistics and
//! new/get/remove callbacks, and the bridge through which rustls' server stores and
//! finds its sessions in it.
use crate::abi::ticket::{open_with_callback, seal_with_callback, ticket_key_callback, Opened};
use crate::ctx::TicketKeyCb;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::SslSession;

/// SSL_SESSION_CACHE_MAX_SIZE_DEFAULT.
pub const DEFAULT_CACHE_SIZE: usize = 1024 * 20;

pub const SSL_SESS_CACHE_CLIENT: i64 = 0x0001;
pub const SSL_SESS_CACHE_SERVER: i64 = 0x0002;
pub const SSL_SESS_CACHE_NO_AUTO_CLEAR: i64 = 0x0080;
pub const SSL_SESS_CACHE_NO_INTERNAL_LOOKUP: i64 = 0x0100;
pub const SSL_SESS_CACHE_NO_INTERNAL_STORE: i64 = 0x0200;

/// The counters `SSL_CTX_sess_*` report.
#[derive(Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub timeouts: AtomicU64,
    pub cache_full: AtomicU64,
    pub cb_hits: AtomicU64,
}

impl CacheStats {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

#[derive(Default)]
struct Entries {
    by_id: HashMap<Vec<u8>, Arc<SslSession>>,
    /// Insertion order, oldest first (OpenSSL evicts the oldest when full).
    order: VecDeque<Vec<u8>>,
}

impl Entries {
    fn remove_id(&mut self, id: &[u8]) -> Option<Arc<SslSession>> {
        let s = self.by_id.remove(id)?;
        self.order.retain(|k| k != id);
        Some(s)
    }
}

/// Sessions indexed by session ID. Callbacks never run under the lock: what must be
/// reported is collected and handed back to the caller, which reports it.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<Entries>,
    pub stats: CacheStats,
}

/// The outcome of a cache lookup.
pub enum Lookup {
    Found(Arc<SslSession>),
    Absent,
    Expired(Removed),
}

/// What a cache operation removed, for the remove callback.
#[must_use]
pub struct Removed(pub Vec<Arc<SslSession>>);

impl SessionCache {
    fn entries(&self) -> MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.entries().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `SSL_CTX_add_session`: false if this very session is already cached. A different
    /// session with the same ID is replaced. Then, like OpenSSL, the oldest entries are
    /// evicted while the cache holds `limit` or more (so it settles at `limit - 1`).
    pub fn add(&self, session: &Arc<SslSession>, limit: usize) -> (bool, Removed) {
        let id = session.data().id.clone();
        let mut removed = Vec::new();
        let mut e = self.entries();
        if let Some(old) = e.by_id.get(&id) {
            if Arc::ptr_eq(old, session) {
                return (false, Removed(removed));
            }
            removed.extend(e.remove_id(&id));
        }
        e.by_id.insert(id.clone(), session.clone());
        while limit > 0 && e.by_id.len() >= limit {
            let Some(oldest) = e.order.pop_front() else { break };
            removed.extend(e.by_id.remove(&oldest));
            CacheStats::bump(&self.stats.cache_full);
        }
        e.order.push_back(id);
        (true, Removed(removed))
    }

    /// `SSL_CTX_remove_session`: true if this session was cached.
    pub fn remove(&self, session: &Arc<SslSession>) -> Option<Arc<SslSession>> {
        let id = session.data().id.clone();
        let mut e = self.entries();
        match e.by_id.get(&id) {
            Some(s) if Arc::ptr_eq(s, session) => e.remove_id(&id),
            _ => None,
        }
    }

    /// Finds a live session by ID; an expired one is dropped and counted as a timeout
    /// (and reported in `Lookup::Expired`, which OpenSSL does not count as a miss).
    pub fn lookup(&self, id: &[u8], now: u64) -> Lookup {
        let mut e = self.entries();
        let Some(s) = e.by_id.get(id).cloned() else { return Lookup::Absent };
        if s.data().is_expired(now) {
            CacheStats::bump(&self.stats.timeouts);
            let gone = e.remove_id(id);
            return Lookup::Expired(Removed(gone.into_iter().collect()));
        }
        Lookup::Found(s)
    }

    pub fn contains_id(&self, id: &[u8]) -> Option<Arc<SslSession>> {
        self.entries().by_id.get(id).cloned()
    }

    /// `SSL_CTX_flush_sessions`: drops every session expired at `at`.
    pub fn flush(&self, at: u64) -> Removed {
        let mut e = self.entries();
        let expired: Vec<Vec<u8>> =
            e.by_id.iter().filter(|(_, s)| s.data().is_expired(at)).map(|(k, _)| k.clone()).collect();
        Removed(expired.iter().filter_map(|k| e.remove_id(k)).collect())
    }

    /// Shrinks the cache to `limit` entries, oldest first.
    pub fn trim(&self, limit: usize) -> Removed {
        let mut e = self.entries();
        let mut removed = Vec::new();
        while limit > 0 && e.by_id.len() > limit {
            let Some(oldest) = e.order.pop_front() else { break };
            removed.extend(e.by_id.remove(&oldest));
        }
        Removed(removed)
    }
}

/// rustls' server session storage, redirected to the cache of the connection being
/// driven (its original `SSL_CTX`, as in OpenSSL).
#[derive(Debug)]
pub struct ServerSessionBridge;

impl rustls::server::StoresServerSessions for ServerSessionBridge {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        crate::conn::current(|ssl| ssl.server_session_made(key, value)).unwrap_or(false)
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        crate::conn::current(|ssl| ssl.server_session_lookup(key, false)).flatten()
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        crate::conn::current(|ssl| ssl.server_session_lookup(key, true)).flatten()
    }

    /// With the server cache off, rustls sends no session ID (as OpenSSL does).
    fn can_cache(&self) -> bool {
        crate::conn::current(|ssl| ssl.initial_ctx.settings().session_cache_mode & SSL_SESS_CACHE_SERVER != 0)
            .unwrap_or(false)
    }
}

/// The context's ticket keys, observed: each ticket issued becomes an `SSL_SESSION`
/// (announced like OpenSSL's), and a ticket that does not decrypt counts as a miss.
pub struct TicketBridge(pub Arc<dyn rustls::server::ProducesTickets>);

impl std::fmt::Debug for TicketBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketBridge")
    }
}

impl rustls::server::ProducesTickets for TicketBridge {
    fn enabled(&self) -> bool {
        self.0.enabled()
    }

    /// OpenSSL's ticket lifetime hint: the session timeout of the context the session
    /// is made under (at most the seven days RFC 8446 allows).
    fn lifetime(&self) -> u32 {
        const MAX_TICKET_LIFETIME: u64 = 7 * 24 * 3600;
        crate::conn::current(|ssl| ssl.initial_ctx.settings().session_timeout.min(MAX_TICKET_LIFETIME) as u32)
            .unwrap_or_else(|| self.0.lifetime())
    }

    /// The ticket also carries the session ID context it was issued under, so that a
    /// ticket from another context is not resumed (OpenSSL keeps it in the session).
    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        if crate::conn::current(|ssl| ssl.may_issue_ticket()) == Some(false) {
            return None;
        }
        let sid_ctx = crate::conn::current(|ssl| ssl.settings().session_id_context.clone()).unwrap_or_default();
        let mut bound = Vec::with_capacity(1 + sid_ctx.len() + plain.len());
        bound.push(sid_ctx.len() as u8);
        bound.extend_from_slice(&sid_ctx);
        bound.extend_from_slice(plain);
        // Sealed with the application's keys when it set a ticket key callback.
        let by_app = crate::conn::current(|ssl| match ticket_key_callback(ssl) {
            TicketKeyCb::None => None,
            cb => Some(seal_with_callback(ssl, cb, &bound)),
        })
        .flatten();
        let ticket = match by_app {
            Some(sealed) => sealed?,
            None => self.0.encrypt(&bound)?,
        };
        crate::conn::current(|ssl| ssl.server_ticket_made(plain));
        Some(ticket)
    }

    /// A ticket the application's callback refuses, or fails on, is not resumed (a full
    /// handshake follows; OpenSSL would end the handshake on a failure).
    fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        let by_app = crate::conn::current(|ssl| match ticket_key_callback(ssl) {
            TicketKeyCb::None => None,
            cb => Some(open_with_callback(ssl, cb, cipher)),
        })
        .flatten();
        let bound = match by_app {
            None => self.0.decrypt(cipher)?,
            Some(Opened::Session(plain, renew)) => {
                crate::conn::current(|ssl| ssl.note_ticket_renewal(renew));
                plain
            }
            Some(Opened::NotOurs | Opened::Failed) => return None,
        };
        let (&len, rest) = bound.split_first()?;
        let (sid_ctx, plain) = rest.split_at_checked(len as usize)?;
        let ours = crate::conn::current(|ssl| ssl.settings().session_id_context.clone()).unwrap_or_default();
        if sid_ctx != ours.as_slice() {
            return None;
        }
        crate::conn::current(|ssl| ssl.note_ticket_resumption(plain));
        Some(plain.to_vec())
    }
}
