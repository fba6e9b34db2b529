//! Session bookkeeping: the connection's session, the sessions a handshake makes, and
//! the hooks rustls' session stores call.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::ctx::Settings;
use crate::session::{Resumption, SessionData, SslSession};

use super::*;

/// Server: what one handshake decided about resumption, tickets and early data. Each
/// handshake starts from [`ServerHandshake::reset`].
pub(super) struct ServerHandshake {
    /// The cached session a resumption attempt found, or the one a ticket carried.
    pub(super) resumed_from: Mutex<Option<Arc<SslSession>>>,
    /// A ticket or cached session for resumption was accepted.
    pub(super) resuming: AtomicBool,
    /// Tickets rustls asked to issue, and those issued.
    pub(super) tickets_issued: AtomicUsize,
    pub(super) tickets_made: AtomicUsize,
    /// False when the application's ticket key callback opened the ticket being resumed
    /// without asking for a new one (it returned 1, not 2).
    pub(super) renew_ticket: AtomicBool,
    /// The application's ticket decrypt callback said IGNORE: no ticket is issued.
    pub(super) no_tickets: AtomicBool,
    /// Where `SSL_read_early_data` is.
    pub(super) early_read: Atomic<EarlyRead>,
    /// The session the handshake works on, from the ClientHello on (OpenSSL makes it
    /// there: `SSL_get_session` in a servername callback finds it), made on first
    /// request; a full handshake ends with it as the connection's session.
    pub(super) pending_session: Mutex<Option<Arc<SslSession>>>,
    pub(super) pending_allowed: AtomicBool,
}

impl Default for ServerHandshake {
    fn default() -> Self {
        ServerHandshake {
            resumed_from: Mutex::new(None),
            resuming: AtomicBool::new(false),
            tickets_issued: AtomicUsize::new(0),
            tickets_made: AtomicUsize::new(0),
            renew_ticket: AtomicBool::new(true),
            no_tickets: AtomicBool::new(false),
            early_read: Atomic::new(EarlyRead::NotCalled),
            pending_session: Mutex::new(None),
            pending_allowed: AtomicBool::new(false),
        }
    }
}

impl ServerHandshake {
    /// Back to the state before a handshake. The sessions held go after the locks are
    /// released: their ex_data free callbacks may call into the connection.
    pub(super) fn reset(&self) {
        let held = (lock(&self.resumed_from).take(), lock(&self.pending_session).take());
        self.resuming.store(false, Ordering::Relaxed);
        self.tickets_issued.store(0, Ordering::Relaxed);
        self.tickets_made.store(0, Ordering::Relaxed);
        self.renew_ticket.store(true, Ordering::Relaxed);
        self.no_tickets.store(false, Ordering::Relaxed);
        self.early_read.set(EarlyRead::NotCalled);
        self.pending_allowed.store(false, Ordering::Relaxed);
        drop(held);
    }
}

impl Ssl {
    // ---- session -----------------------------------------------------------------

    pub fn session(&self) -> Option<Arc<SslSession>> {
        lock(&self.session).clone()
    }

    /// `SSL_get_session`: the connection's session or, on a server between the ClientHello
    /// and the end of the handshake, the one the handshake works on.
    pub fn session_or_pending(&self) -> Option<Arc<SslSession>> {
        if let Some(s) = self.session() {
            return Some(s);
        }
        if !self.server_hs.pending_allowed.load(Ordering::Relaxed) {
            return None;
        }
        let mut pending = lock(&self.server_hs.pending_session);
        let s = pending.get_or_insert_with(|| {
            // As OpenSSL's at this point: nothing negotiated, no host name yet.
            let mut d = self.session_template();
            d.hostname = None;
            SslSession::new(d)
        });
        Some(s.clone())
    }

    /// Server: the application's data for the ticket being sealed: on the session it saw
    /// (the connection's, or the in-progress one if it asked for it; none is made here),
    /// else on the session being resumed (a renewed ticket keeps it, as in OpenSSL).
    pub fn ticket_appdata(&self) -> Option<Box<[u8]>> {
        let seen = self.session().or_else(|| lock(&self.server_hs.pending_session).clone());
        seen.and_then(|s| s.data().ticket_appdata.clone())
            .or_else(|| lock(&self.server_hs.resumed_from).as_ref().and_then(|s| s.data().ticket_appdata.clone()))
    }

    pub(super) fn end_pending_session(&self) {
        self.server_hs.pending_allowed.store(false, Ordering::Relaxed);
        let old = lock(&self.server_hs.pending_session).take();
        drop(old);
    }

    pub fn set_session(&self, s: Option<Arc<SslSession>>) {
        let old = std::mem::replace(&mut *lock(&self.session), s);
        drop(old); // released outside the lock: its ex_data callbacks may call us
    }

    /// Whether a client can offer `s`: resumable, and of a version these settings allow.
    pub(super) fn can_offer(&self, s: &SslSession, settings: &Settings) -> bool {
        let (v, expired) = {
            let d = s.data();
            (d.version, d.is_expired(crate::session::now()))
        };
        // Like OpenSSL, an expired TLS 1.3 ticket is not offered (TLS 1.2 ones are).
        s.is_resumable()
            && (settings.max_version == 0 || v <= settings.max_version)
            && v >= settings.min_version
            && !(expired && v == crate::ctx::TLS1_3_VERSION)
    }

    /// The session a client offers for resumption, if any.
    pub fn offered_session(&self) -> Option<Arc<SslSession>> {
        self.session().filter(|s| s.is_resumable())
    }

    /// The connection's negotiated details as a new session description.
    pub(super) fn session_template(&self) -> SessionData {
        let mut d = SessionData {
            time: crate::session::now(),
            timeout: self.initial_ctx.session_timeout(),
            sid_ctx: self.settings().session_id_context.clone(),
            ..SessionData::default()
        };
        self.describe_into(&mut d);
        d
    }

    /// Copies what the handshake negotiated into a session's description.
    pub(super) fn describe_into(&self, d: &mut SessionData) {
        let peer = self.peer();
        d.version = peer.version;
        d.cipher = peer.cipher;
        d.peer = peer.chain.first().cloned();
        d.peer_chain = peer.chain.clone();
        d.verify_result = peer.verify_result;
        d.alpn = peer.alpn.clone();
        d.hostname = if self.is_server() { peer.servername.clone() } else { self.hostname().clone() };
        if d.version == crate::ctx::TLS1_2_VERSION {
            d.master_key = peer.master_secret.clone();
            // A client's comes from the session rustls made (`new_client_session`).
            if self.is_server() {
                d.extms = peer.client_offered_ems;
            }
        }
        // OpenSSL gives every session an ID; where rustls keeps it to itself (client
        // sessions, stateless tickets) a random one stands in.
        if d.id.is_empty() {
            d.id = crate::crypto::random_bytes(crate::session::MAX_SESSION_ID_LENGTH);
        }
    }

    /// A session made by rustls for this connection: announced now if the handshake is
    /// over (TLS 1.3 tickets), else when it completes.
    fn session_made(&self, sess: Arc<SslSession>) {
        if self.state() == HandshakeState::Done {
            self.announce_session(&sess);
        } else {
            lock(&self.made).push(sess);
        }
    }

    /// Files a new session in the cache and calls the new-session callback, as
    /// OpenSSL's cache update does for the side the cache mode names.
    pub(super) fn announce_session(&self, sess: &Arc<SslSession>) {
        use crate::session::cache::*;
        let ctx = &self.initial_ctx;
        let mode = ctx.session_cache_mode();
        let side = if self.is_server() { SSL_SESS_CACHE_SERVER } else { SSL_SESS_CACHE_CLIENT };
        if mode & side == 0 {
            return;
        }
        let cbs = self.initial_callbacks();
        // A stateless ticket's session is kept only for a remove callback to hear of
        // (OpenSSL's rule); everything else with an ID is kept unless told not to.
        let keep = !sess.data().id.is_empty()
            && (!sess.data().stateless_ticket || cbs.remove_session.is_some())
            && mode & SSL_SESS_CACHE_NO_INTERNAL_STORE == 0;
        if keep {
            ctx.cache_add(sess);
        }
        if let Some(cb) = cbs.new_session {
            crate::callbacks::session::run_new_session_cb(self, cb, sess);
        }
    }

    /// OpenSSL's "bad session" rule: a connection abandoned without close_notify, or a
    /// session replaced on an established connection, cannot be resumed later.
    pub fn clear_bad_session(&self) {
        if self.shutdown_flags() & SSL_SENT_SHUTDOWN != 0 || self.state() != HandshakeState::Done {
            return;
        }
        if let Some(sess) = self.session() {
            self.initial_ctx.cache_remove(&sess);
        }
    }

    /// rustls made a new client session (TLS 1.2 at the end of a full handshake; TLS 1.3
    /// per ticket): it becomes the connection's session.
    pub fn new_client_session(&self, resumption: Resumption) {
        let facts = crate::session::ClientValueFacts::of(&resumption, true);
        let mut data = self.session_template();
        if !facts.session_id.is_empty() {
            data.id = facts.session_id;
        }
        data.extms = facts.extms;
        data.resumption = resumption;
        data.ticket_facts_pending = true;
        let tls13_ticket = matches!(data.resumption, Resumption::Tls13(_));
        let sess = SslSession::new(data);
        self.set_session(Some(sess.clone()));
        self.session_made(sess);
        // A TLS 1.3 ticket read after the handshake runs OpenSSL's state machine once more.
        if tls13_ticket && self.state() == HandshakeState::Done {
            current(|ssl| {
                let ev = ssl.statem().ticket_read();
                ssl.emit(ev);
            });
        }
    }

    /// Server: a resumption attempt succeeded (a ticket decrypted, a session found).
    pub fn note_resuming(&self) {
        self.server_hs.resuming.store(true, Ordering::Relaxed);
    }

    /// Server: a stateless ticket decrypted; like OpenSSL, the session it carries
    /// becomes an object now, at the ClientHello.
    pub fn note_ticket_resumption(&self, sess: Arc<SslSession>) {
        self.note_resuming();
        *lock(&self.server_hs.resumed_from) = Some(sess);
    }

    /// Server: the session a stateless ticket carries (rustls' value and the
    /// application's ticket data).
    pub fn ticket_session(&self, value: &[u8], appdata: Option<&[u8]>) -> Arc<SslSession> {
        let mut data = self.session_template();
        data.server_value = Some(value.to_vec());
        data.stateless_ticket = true;
        data.ticket_appdata = appdata.map(Box::from);
        SslSession::new(data)
    }

    /// Server: whether another ticket may go out. OpenSSL sends `num_tickets` after a
    /// full handshake but a single one after a resumption, none when the application's
    /// ticket key callback opened the ticket without asking for renewal; rustls skips a
    /// ticket we decline, so the same counts reach the client.
    pub fn may_issue_ticket(&self) -> bool {
        let issued = self.server_hs.tickets_issued.fetch_add(1, Ordering::Relaxed);
        let ok = !self.server_hs.no_tickets.load(Ordering::Relaxed)
            && !(self.server_hs.resuming.load(Ordering::Relaxed)
                && (issued >= 1 || !self.server_hs.renew_ticket.load(Ordering::Relaxed)));
        if ok {
            self.server_hs.tickets_made.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// Server: the application's ticket decrypt callback answered IGNORE (or ABORT): this
    /// connection issues no ticket, as OpenSSL's does not.
    pub fn suppress_tickets(&self) {
        self.server_hs.no_tickets.store(true, Ordering::Relaxed);
    }

    /// Server: the application's ticket key callback opened the ticket being resumed,
    /// asking (`renew`) or not for a new one.
    pub fn note_ticket_renewal(&self, renew: bool) {
        self.server_hs.renew_ticket.store(renew, Ordering::Relaxed);
    }

    /// rustls' server stored a session under `id` (TLS 1.2 session ID, TLS 1.3
    /// stateful ticket).
    pub fn server_session_made(&self, id: Vec<u8>, value: Vec<u8>) -> bool {
        use crate::session::cache::*;
        if !self.may_issue_ticket() {
            return false;
        }
        let ctx = &self.initial_ctx;
        let mode = ctx.session_cache_mode();
        if mode & SSL_SESS_CACHE_SERVER == 0 {
            return false;
        }
        let mut data = self.session_template();
        data.id = id;
        data.server_value = Some(value);
        self.session_made(SslSession::new(data));
        true
    }

    /// rustls' server issued a stateless ticket carrying `value`.
    pub fn server_ticket_made(&self, value: &[u8], appdata: Option<&[u8]>) {
        let sess = self.ticket_session(value, appdata);
        self.session_made(sess);
    }

    /// rustls' server looks for the session a client offered by ID: the internal cache,
    /// then the application's get callback; `take` removes it (single-use tickets).
    pub fn server_session_lookup(&self, id: &[u8], take: bool) -> Option<Vec<u8>> {
        use crate::session::cache::*;
        let ctx = &self.initial_ctx;
        let mode = ctx.session_cache_mode();
        let now = crate::session::now();
        let mut found = None;
        if mode & SSL_SESS_CACHE_NO_INTERNAL_LOOKUP == 0 {
            match ctx.sessions.lookup(id, now) {
                Lookup::Found(s) => found = Some(s),
                // OpenSSL counts a miss only for its own cache's lookups.
                Lookup::Absent => CacheStats::bump(&ctx.sessions.stats.misses),
                Lookup::Expired(removed) => {
                    ctx.report_removed(removed);
                    return None;
                }
            }
        }
        if found.is_none() {
            if let Some(cb) = self.initial_callbacks().get_session {
                found = crate::callbacks::session::run_get_session_cb(self, cb, id);
                if let Some(s) = &found {
                    CacheStats::bump(&ctx.sessions.stats.cb_hits);
                    if mode & SSL_SESS_CACHE_NO_INTERNAL_STORE == 0 {
                        ctx.cache_add(s);
                    }
                }
            }
        }
        let sess = found?;
        let (expired, foreign, value) = {
            let d = sess.data();
            (d.is_expired(now), d.sid_ctx != self.settings().session_id_context, d.server_value.clone())
        };
        if expired {
            CacheStats::bump(&ctx.sessions.stats.timeouts);
            ctx.cache_remove(&sess);
            return None;
        }
        // A session made under another session ID context is not resumed here, and
        // OpenSSL counts that as neither hit nor miss.
        if foreign || value.is_none() {
            return None;
        }
        // OpenSSL keeps used TLS 1.3 stateful tickets cached; so do we.
        let _ = take;
        self.note_resuming();
        *lock(&self.server_hs.resumed_from) = Some(sess);
        value
    }

    /// After a client handshake, the connection's session, as OpenSSL's would be:
    /// - resumption keeps the offered session object (for TLS 1.2 a value rustls
    ///   refreshed, a renewed ticket say, moves into it; TLS 1.3 tickets arriving later
    ///   replace it);
    /// - a full handshake keeps the session it made or, before TLS 1.3 tickets arrive,
    ///   the unresumable session started at the ClientHello, now describing the connection.
    pub(super) fn settle_client_session(
        &self,
        offered: Option<Arc<SslSession>>,
        started: Option<std::sync::Weak<SslSession>>,
        reused: bool,
        made: &mut Vec<Arc<SslSession>>,
    ) {
        if reused {
            if let Some(off) = offered {
                if self.version() == crate::ctx::TLS1_2_VERSION {
                    for m in made.drain(..) {
                        let fresh = std::mem::take(&mut m.data().resumption);
                        if matches!(fresh, Resumption::Tls12(_)) {
                            off.data().resumption = fresh;
                        }
                    }
                }
                self.set_session(Some(off));
            }
            return;
        }
        if offered.is_some() {
            // Refused (TLS 1.3 only reveals it now): a miss, and a fresh session.
            crate::session::cache::CacheStats::bump(&self.initial_ctx.sessions.stats.misses);
            if made.is_empty() {
                let mut data = self.session_template();
                data.not_resumable = true;
                self.set_session(Some(SslSession::new(data)));
            }
            return;
        }
        if made.is_empty() {
            match (self.session(), started) {
                (Some(cur), Some(st)) if std::ptr::eq(Arc::as_ptr(&cur), st.as_ptr()) => {
                    self.describe_into(&mut cur.data())
                }
                // The application swapped sessions mid-handshake: that one is dropped.
                _ => {
                    let mut data = self.session_template();
                    data.not_resumable = true;
                    self.set_session(Some(SslSession::new(data)));
                }
            }
        }
    }

    /// After a server handshake: the connection's session is the cached one it resumed
    /// (or, for a ticket, a new description), then each session the handshake made.
    /// TLS 1.2 with a ticket follows OpenSSL: no session ID, nothing cached or announced.
    pub(super) fn settle_server_session(&self, reused: bool, made: &mut Vec<Arc<SslSession>>) {
        let found = lock(&self.server_hs.resumed_from).take();
        let tls12_ticket =
            self.version() == crate::ctx::TLS1_2_VERSION && made.iter().any(|s| s.data().stateless_ticket);
        if tls12_ticket {
            made.clear();
        }
        let base = match (reused, found) {
            // A TLS 1.3 resumption works on a copy of the cached session (OpenSSL's
            // ticket rules); TLS 1.2 resumes the cached object itself.
            (true, Some(s)) if self.version() == crate::ctx::TLS1_3_VERSION && !s.data().stateless_ticket => s.dup(),
            (true, Some(s)) => {
                if s.data().stateless_ticket {
                    self.describe_into(&mut s.data());
                }
                s
            }
            _ => {
                let mut data = self.session_template();
                if tls12_ticket && !reused {
                    data.id.clear();
                    data.not_resumable = true;
                }
                // The session handed out during the handshake, if any, is this one.
                match lock(&self.server_hs.pending_session).take() {
                    Some(pending) => {
                        *pending.data() = data;
                        pending
                    }
                    None => SslSession::new(data),
                }
            }
        };
        if made.is_empty() || reused {
            self.set_session(Some(base));
        }
    }
}
