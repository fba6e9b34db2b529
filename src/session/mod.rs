//! `SSL_SESSION`: what a connection negotiated, and what it needs to resume.
//!
//! On the client, rustls hands its resumption values to [`ClientSessionBridge`], which
//! turns them into `SslSession` objects on the connection being driven; the session set
//! with `SSL_set_session` goes back to rustls the same way. On the server, rustls keeps
//! opaque session bytes through [`cache::ServerSessionBridge`], which files them as
//! `SslSession`s in the context's [`cache::SessionCache`] with OpenSSL's modes,
//! statistics and callbacks.

pub mod cache;
pub mod der;
pub mod registry;
pub mod ticket_keys;

use std::ffi::CString;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;

use crate::cipher::SslCipher;
use crate::crypto::exdata::ExData;
use crate::crypto::x509::X509Cert;

pub use cache::{ServerSessionBridge, SessionCache, DEFAULT_CACHE_SIZE};

/// The client's means of resuming, as rustls gave it. Shared (`Arc`) between a session,
/// its `SSL_SESSION_dup` copies and the sessions decoded from its DER in this process
/// (see [`registry`]).
#[derive(Default, Clone)]
pub enum Resumption {
    #[default]
    None,
    Tls12(Arc<Tls12ClientSessionValue>),
    /// Single-use: taken when offered (RFC 8446 C.4), by whichever copy offers it first.
    Tls13(Arc<Mutex<Option<Tls13ClientSessionValue>>>),
}

impl Resumption {
    pub fn tls13(value: Tls13ClientSessionValue) -> Resumption {
        Resumption::Tls13(Arc::new(Mutex::new(Some(value))))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Resumption::None)
    }

    /// Whether it can still resume (a spent TLS 1.3 ticket cannot).
    pub fn is_usable(&self) -> bool {
        match self {
            Resumption::None => false,
            Resumption::Tls12(_) => true,
            Resumption::Tls13(slot) => lock(slot).is_some(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The fields OpenSSL exposes on a session.
#[derive(Default)]
pub struct SessionData {
    pub version: u16,
    pub cipher: Option<&'static SslCipher>,
    pub id: Vec<u8>,
    pub sid_ctx: Vec<u8>,
    /// Seconds since the epoch when the session was made.
    pub time: u64,
    pub timeout: u64,
    pub peer: Option<X509Cert>,
    /// The peer's chain as received (leaf first), kept for resumptions.
    pub peer_chain: Vec<X509Cert>,
    pub verify_result: i64,
    pub hostname: Option<CString>,
    pub alpn: Vec<u8>,
    pub master_key: Vec<u8>,
    pub ticket_lifetime_hint: u64,
    pub has_ticket: bool,
    /// Client side: the ticket bytes (`SSL_SESSION_get0_ticket`).
    pub ticket: Vec<u8>,
    /// Client side: `has_ticket`, `ticket` and `ticket_lifetime_hint` are still to be read
    /// from `resumption` (see [`SessionData::settle_ticket_facts`]).
    pub ticket_facts_pending: bool,
    pub max_early_data: u32,
    /// The handshake used the extended master secret (RFC 7627; OpenSSL's
    /// `SSL_SESS_FLAG_EXTMS`): TLS 1.2 only.
    pub extms: bool,
    /// Client side: what rustls needs to resume.
    pub resumption: Resumption,
    /// Server side: rustls' encoding of the session (it holds the secrets).
    pub server_value: Option<Vec<u8>>,
    pub not_resumable: bool,
    /// Server side, internal: made for a stateless ticket rather than stored by ID.
    pub stateless_ticket: bool,
    /// `SSL_SESSION_set1_ticket_appdata`: the application's bytes, carried in the ticket.
    pub ticket_appdata: Option<Box<[u8]>>,
}

impl SessionData {
    /// A copy of the descriptive fields (not the single-use resumption secrets).
    pub fn describe(&self) -> SessionData {
        SessionData {
            version: self.version,
            cipher: self.cipher,
            id: self.id.clone(),
            sid_ctx: self.sid_ctx.clone(),
            time: self.time,
            timeout: self.timeout,
            peer: self.peer.clone(),
            peer_chain: self.peer_chain.clone(),
            verify_result: self.verify_result,
            hostname: self.hostname.clone(),
            alpn: self.alpn.clone(),
            master_key: self.master_key.clone(),
            ticket_lifetime_hint: self.ticket_lifetime_hint,
            has_ticket: self.has_ticket,
            ticket: self.ticket.clone(),
            ticket_facts_pending: false,
            max_early_data: self.max_early_data,
            extms: self.extms,
            resumption: Resumption::None,
            server_value: None,
            not_resumable: self.not_resumable,
            stateless_ticket: false,
            ticket_appdata: self.ticket_appdata.clone(),
        }
    }

    /// Fills in the client's ticket facts from rustls' resumption value. Reading them
    /// means rendering the value with `Debug` (see [`ClientValueFacts`]), a fifth of a
    /// resumed handshake, so it waits until something asks for them.
    pub fn settle_ticket_facts(&mut self) {
        if !self.ticket_facts_pending {
            return;
        }
        self.ticket_facts_pending = false;
        let facts = ClientValueFacts::of(&self.resumption, false);
        self.has_ticket = !facts.ticket.is_empty();
        self.ticket = facts.ticket;
        self.ticket_lifetime_hint = facts.lifetime_secs;
    }

    pub fn is_expired(&self, now: u64) -> bool {
        self.time.saturating_add(self.timeout) < now
    }
}

pub struct SslSession {
    /// First field: the application's free callbacks run (when it drops) before the rest goes.
    pub ex_data: ExData,
    data: Mutex<SessionData>,
}

/// OpenSSL's default session lifetime (SSL_CTX_get_timeout of a TLS method).
pub const DEFAULT_TIMEOUT: u64 = 7200;

/// The lifetime OpenSSL gives a session made by `SSL_SESSION_new`.
pub const BARE_TIMEOUT: u64 = 304;

/// TLS13_MAX_RESUMPTION_PSK_LENGTH: the size of a session's master key buffer.
pub const MAX_MASTER_KEY_LENGTH: usize = 256;

/// SSL_MAX_SSL_SESSION_ID_LENGTH.
pub const MAX_SESSION_ID_LENGTH: usize = 32;

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl SslSession {
    pub fn new(data: SessionData) -> Arc<SslSession> {
        Arc::new_cyclic(|weak: &std::sync::Weak<SslSession>| SslSession {
            ex_data: ExData::for_new::<crate::handles::SSL_SESSION>(weak),
            data: Mutex::new(data),
        })
    }

    /// `SSL_SESSION_new` (OpenSSL gives a bare session a 304-second lifetime).
    pub fn empty() -> Arc<SslSession> {
        Self::new(SessionData { time: now(), timeout: BARE_TIMEOUT, ..SessionData::default() })
    }

    pub fn data(&self) -> MutexGuard<'_, SessionData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `SSL_SESSION_dup`: the same session under a new object (the client's resumption
    /// state is shared, so a TLS 1.3 ticket stays single-use; the server value is copied).
    pub fn dup(&self) -> Arc<SslSession> {
        let mut d = self.data();
        d.settle_ticket_facts();
        let mut copy = d.describe();
        copy.server_value = d.server_value.clone();
        copy.resumption = d.resumption.clone();
        drop(d);
        let new = Self::new(copy);
        new.ex_data.copy_from(&self.ex_data);
        new
    }

    /// `SSL_SESSION_is_resumable`: OpenSSL's rule (an ID or a ticket, and not marked
    /// otherwise), where a spent TLS 1.3 ticket counts as none.
    pub fn is_resumable(&self) -> bool {
        let d = self.data();
        if d.not_resumable {
            return false;
        }
        match &d.resumption {
            Resumption::None => d.server_value.is_some() || !d.id.is_empty(),
            r => r.is_usable(),
        }
    }
}

/// rustls' client session store, redirected to the `SSL_SESSION` of the connection
/// being driven.
#[derive(Debug)]
pub struct ClientSessionBridge;

impl ClientSessionStore for ClientSessionBridge {
    fn set_kx_hint(&self, _server_name: ServerName<'static>, _group: NamedGroup) {}

    fn kx_hint(&self, _server_name: &ServerName<'_>) -> Option<NamedGroup> {
        None
    }

    fn set_tls12_session(&self, _server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        crate::conn::current(|ssl| ssl.new_client_session(Resumption::Tls12(Arc::new(value))));
    }

    fn tls12_session(&self, _server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        crate::conn::current(|ssl| {
            let s = ssl.offered_session()?;
            let d = s.data();
            match &d.resumption {
                Resumption::Tls12(v) => Some(Tls12ClientSessionValue::clone(v)),
                _ => None,
            }
        })
        .flatten()
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {}

    fn insert_tls13_ticket(&self, _server_name: ServerName<'static>, value: Tls13ClientSessionValue) {
        crate::conn::current(|ssl| ssl.new_client_session(Resumption::tls13(value)));
    }

    fn take_tls13_ticket(&self, _server_name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        crate::conn::current(|ssl| {
            let s = ssl.offered_session()?;
            let mut d = s.data();
            // Like OpenSSL, a client does not offer a TLS 1.3 ticket past its lifetime.
            if d.is_expired(now()) {
                return None;
            }
            // The value is about to be spent: keep what the session says about it.
            d.settle_ticket_facts();
            match &mut d.resumption {
                Resumption::Tls13(slot) => lock(slot).take(),
                _ => None,
            }
        })
        .flatten()
    }
}

/// What OpenSSL exposes of a client session that rustls keeps private (its session ID,
/// whether it holds a ticket, the ticket's lifetime), read from the `Debug` form
/// rustls gives its resumption values. A unit test pins the format; if a rustls
/// update changes it, the fields are simply absent (a random ID stands in).
#[derive(Default, Debug, PartialEq, Eq)]
pub struct ClientValueFacts {
    pub session_id: Vec<u8>,
    /// TLS 1.2: whether the extended master secret was used (rendered before `common:`).
    pub extms: bool,
    pub ticket: Vec<u8>,
    pub lifetime_secs: u64,
}

impl ClientValueFacts {
    /// The facts of a resumption value; with `id_only`, just the session ID (rendered
    /// before the ticket, so much cheaper).
    pub fn of(resumption: &Resumption, id_only: bool) -> ClientValueFacts {
        use std::fmt::Write;
        // A TLS 1.3 value carries no session ID: nothing to render.
        if id_only && matches!(resumption, Resumption::Tls13(_)) {
            return ClientValueFacts::default();
        }
        // Render only up to the certificate chain: the fields we want come first, and
        // the chain is the bulk of the text.
        let mut text = Prefix(String::with_capacity(512), if id_only { "common:" } else { "server_cert_chain" });
        let _ = match resumption {
            Resumption::Tls12(v) => write!(text, "{v:?}"),
            Resumption::Tls13(slot) => match &*lock(slot) {
                Some(v) => write!(text, "{v:?}"),
                None => return ClientValueFacts::default(),
            },
            Resumption::None => return ClientValueFacts::default(),
        };
        let text = text.0;
        ClientValueFacts {
            session_id: field(&text, "session_id: ").and_then(unhex).unwrap_or_default(),
            extms: field(&text, "extended_ms: ") == Some("true"),
            ticket: field(&text, "ticket: ").and_then(unhex).unwrap_or_default(),
            lifetime_secs: field(&text, "lifetime_secs: ").and_then(|v| v.parse().ok()).unwrap_or(0),
        }
    }
}

/// A `fmt::Write` that stops the rendering once `.1` appears (the certificate chain, or
/// the common part after the session ID).
struct Prefix(String, &'static str);

impl std::fmt::Write for Prefix {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.push_str(s);
        // Only the new text (and what the marker could straddle) needs looking at.
        let from = self.0.len().saturating_sub(s.len() + self.1.len());
        if self.0.as_bytes()[from..].windows(self.1.len()).any(|w| w == self.1.as_bytes()) {
            Err(std::fmt::Error)
        } else {
            Ok(())
        }
    }
}

/// The token after `name` in a `Debug` rendering, up to the next separator.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(name)? + name.len();
    let rest = &text[start..];
    let end = rest.find([',', ' ', '}']).unwrap_or(rest.len());
    Some(&rest[..end])
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_fields_are_read_from_rustls_renderings() {
        let text = "Tls12ClientSessionValue { suite: TLS_ECDHE, session_id: 0a0b0c, extended_ms: true, \
                    common: ClientSessionCommon { ticket: ffee, epoch: 3, lifetime_secs: 7200, server_cert_chain: [] } }";
        assert_eq!(field(text, "session_id: ").and_then(unhex), Some(vec![0x0a, 0x0b, 0x0c]));
        assert_eq!(field(text, "ticket: ").and_then(unhex).map(|t| t.len()), Some(2));
        assert_eq!(field(text, "lifetime_secs: "), Some("7200"));
        assert_eq!(field(text, "extended_ms: "), Some("true"));
        assert_eq!(unhex("zz"), None);
    }
}
