//! The `SSL_CTX` session cache: OpenSSL's modes, size limit, timeouts, statistics and
//! new/get/remove callbacks, and the bridge through which rustls' server stores and
//! finds its sessions in it.
use crate::callbacks::ticket::{
    open_with_callback, run_ticket_dec_callback, run_ticket_gen_callback, seal_with_callback, ticket_key_callback,
    Opened, SSL_TICKET_NO_DECRYPT, SSL_TICKET_RETURN_USE, SSL_TICKET_RETURN_USE_RENEW, SSL_TICKET_SUCCESS,
    SSL_TICKET_SUCCESS_RENEW,
};
use crate::ctx::TicketKeyCb;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, MutexGuard};

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
pub struct SessionCache {
    entries: crate::sync::SharedMutex<Entries>,
    pub stats: CacheStats,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            entries: crate::sync::SharedMutex::new(crate::sync::Site::SessionCache, Entries::default()),
            stats: CacheStats::default(),
        }
    }
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

    /// `SSL_CTX_remove_session`: removes the cached session this one stands for, found
    /// as OpenSSL's cache finds it (same protocol version and session ID, not necessarily
    /// the same object: a client's copy of a server's session removes it too).
    pub fn remove(&self, session: &Arc<SslSession>) -> Option<Arc<SslSession>> {
        let (id, version) = {
            let d = session.data();
            (d.id.clone(), d.version)
        };
        let mut e = self.entries();
        match e.by_id.get(&id) {
            Some(s) if Arc::ptr_eq(s, session) || s.data().version == version => e.remove_id(&id),
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
        crate::conn::current(|ssl| ssl.initial_ctx.session_cache_mode() & SSL_SESS_CACHE_SERVER != 0).unwrap_or(false)
    }
}

/// What a ticket seals: the session ID context, the application's ticket data and
/// rustls' session value, each length-prefixed (u8, u16).
struct TicketContents<'a> {
    sid_ctx: &'a [u8],
    appdata: Option<&'a [u8]>,
    value: &'a [u8],
}

impl<'a> TicketContents<'a> {
    /// `None` if the session ID context or the application's data are too long to carry.
    fn encode(&self) -> Option<Vec<u8>> {
        let sid_len = u8::try_from(self.sid_ctx.len()).ok()?;
        let app = self.appdata.unwrap_or_default();
        let app_len = u16::try_from(app.len()).ok()?;
        let mut out = Vec::with_capacity(3 + self.sid_ctx.len() + app.len() + self.value.len());
        out.push(sid_len);
        out.extend_from_slice(self.sid_ctx);
        out.push(u8::from(self.appdata.is_some()));
        out.extend_from_slice(&app_len.to_be_bytes());
        out.extend_from_slice(app);
        out.extend_from_slice(self.value);
        Some(out)
    }

    fn decode(bytes: &'a [u8]) -> Option<TicketContents<'a>> {
        let (&sid_len, rest) = bytes.split_first()?;
        let (sid_ctx, rest) = rest.split_at_checked(usize::from(sid_len))?;
        let (&has_app, rest) = rest.split_first()?;
        let (len, rest) = rest.split_at_checked(2)?;
        let (app, value) = rest.split_at_checked(usize::from(u16::from_be_bytes([len[0], len[1]])))?;
        Some(TicketContents { sid_ctx, appdata: (has_app != 0).then_some(app), value })
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
        crate::conn::current(|ssl| ssl.initial_ctx.session_timeout().min(MAX_TICKET_LIFETIME) as u32)
            .unwrap_or_else(|| self.0.lifetime())
    }

    /// The ticket also carries the session ID context it was issued under, so that a
    /// ticket from another context is not resumed (OpenSSL keeps it in the session), and
    /// the application's ticket data (`SSL_SESSION_set1_ticket_appdata`, typically set in
    /// its `SSL_CTX_set_session_ticket_cb` generate callback, which runs first).
    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        if crate::conn::current(|ssl| ssl.may_issue_ticket()) == Some(false) {
            return None;
        }
        if crate::conn::current(run_ticket_gen_callback) == Some(false) {
            return None;
        }
        let sid_ctx = crate::conn::current(|ssl| ssl.settings().session_id_context.clone()).unwrap_or_default();
        let appdata = crate::conn::current(|ssl| ssl.ticket_appdata()).flatten();
        let bound = TicketContents { sid_ctx: &sid_ctx, appdata: appdata.as_deref(), value: plain }.encode()?;
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
        crate::conn::current(|ssl| ssl.server_ticket_made(plain, appdata.as_deref()));
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
        let (bound, renew) = match by_app {
            None => (self.0.decrypt(cipher), None),
            Some(Opened::Session(plain, renew)) => (Some(plain), Some(renew)),
            Some(Opened::NotOurs | Opened::Failed) => (None, None),
        };
        let ours = crate::conn::current(|ssl| ssl.settings().session_id_context.clone()).unwrap_or_default();
        let contents = bound.as_deref().and_then(TicketContents::decode).filter(|c| c.sid_ctx == ours.as_slice());
        crate::conn::current(|ssl| {
            let Some(c) = contents else {
                run_ticket_dec_callback(ssl, None, cipher, SSL_TICKET_NO_DECRYPT);
                return None;
            };
            let sess = ssl.ticket_session(c.value, c.appdata);
            // OpenSSL reports its own TLS 1.3 tickets as due for renewal (a PSK offer),
            // TLS 1.2 ones as not, unless the application's ticket key callback asked.
            const TLSEXT_TYPE_PSK: u16 = 41;
            let tls13 = ssl.client_hello().is_some_and(|h| h.extension(TLSEXT_TYPE_PSK).is_some());
            let status = if renew == Some(true) || (renew.is_none() && tls13) {
                SSL_TICKET_SUCCESS_RENEW
            } else {
                SSL_TICKET_SUCCESS
            };
            // Without a decision of the application's, OpenSSL renews what it reports as
            // due for renewal: a TLS 1.2 ticket resumes without a new one.
            let renew = match run_ticket_dec_callback(ssl, Some(&sess), cipher, status) {
                None => renew.unwrap_or(status == SSL_TICKET_SUCCESS_RENEW),
                Some(SSL_TICKET_RETURN_USE) => false,
                Some(SSL_TICKET_RETURN_USE_RENEW) => true,
                // IGNORE, IGNORE_RENEW, ABORT: a full handshake (OpenSSL ends the
                // handshake on ABORT).
                Some(_) => return None,
            };
            ssl.note_ticket_renewal(renew);
            ssl.note_ticket_resumption(sess);
            Some(c.value.to_vec())
        })
        .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::TicketContents;

    #[test]
    fn ticket_contents_round_trip_and_refuse_truncation() {
        for appdata in [None, Some(&b""[..]), Some(&b"stunnel redirect"[..])] {
            let c = TicketContents { sid_ctx: b"ctx", appdata, value: b"rustls value" };
            let bytes = c.encode().expect("encodes");
            let d = TicketContents::decode(&bytes).expect("decodes");
            assert_eq!((d.sid_ctx, d.appdata, d.value), (&b"ctx"[..], appdata, &b"rustls value"[..]));
            for cut in 0..3 + 3 + appdata.map_or(0, <[u8]>::len) {
                assert!(TicketContents::decode(&bytes[..cut]).is_none(), "cut at {cut}");
            }
        }
        let long = vec![0u8; 300];
        assert!(TicketContents { sid_ctx: &long, appdata: None, value: b"" }.encode().is_none());
    }
}
