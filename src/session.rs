//! `SSL_SESSION`: what a connection negotiated, and what it needs to resume.
//!
//! On the client, rustls hands its resumption values to [`ClientSessionBridge`], which
//! turns them into `SslSession` objects on the connection being driven; the session set
//! with `SSL_set_session` goes back to rustls the same way. On the server, rustls keeps
//! opaque session bytes in the context's [`ServerSessionStore`].
use std::collections::{HashMap, VecDeque};
use std::os::raw::c_void;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;

use crate::cipher::SslCipher;
use crate::crypto::exdata::{ExData, CLASS_SSL_SESSION};
use crate::crypto::x509::X509Cert;

/// The client's means of resuming, as rustls gave it.
#[derive(Default)]
pub enum Resumption {
    #[default]
    None,
    Tls12(Tls12ClientSessionValue),
    /// Single-use: taken when offered.
    Tls13(Option<Tls13ClientSessionValue>),
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
    pub hostname: Option<String>,
    pub alpn: Vec<u8>,
    pub resumption: Resumption,
}

pub struct SslSession {
    pub ex_data: ExData,
    data: Mutex<SessionData>,
}

/// OpenSSL's default session lifetime (SSL_CTX_get_timeout of a TLS method).
pub const DEFAULT_TIMEOUT: u64 = 7200;

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl SslSession {
    pub fn new(data: SessionData) -> Arc<SslSession> {
        Arc::new_cyclic(|weak: &std::sync::Weak<SslSession>| SslSession {
            ex_data: ExData::new(CLASS_SSL_SESSION, weak.as_ptr() as *mut c_void),
            data: Mutex::new(data),
        })
    }

    pub fn empty() -> Arc<SslSession> {
        Self::new(SessionData { time: now(), timeout: DEFAULT_TIMEOUT, ..SessionData::default() })
    }

    pub fn data(&self) -> MutexGuard<'_, SessionData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `SSL_SESSION_is_resumable`.
    pub fn is_resumable(&self) -> bool {
        match &self.data().resumption {
            Resumption::None => false,
            Resumption::Tls12(_) => true,
            Resumption::Tls13(t) => t.is_some(),
        }
    }
}

impl Drop for SslSession {
    fn drop(&mut self) {
        self.ex_data.free(self as *const SslSession as *mut c_void);
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
        crate::conn::current(|ssl| ssl.new_client_session(Resumption::Tls12(value)));
    }

    fn tls12_session(&self, _server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        crate::conn::current(|ssl| {
            let s = ssl.offered_session()?;
            let d = s.data();
            match &d.resumption {
                Resumption::Tls12(v) => Some(v.clone()),
                _ => None,
            }
        })
        .flatten()
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {}

    fn insert_tls13_ticket(&self, _server_name: ServerName<'static>, value: Tls13ClientSessionValue) {
        crate::conn::current(|ssl| ssl.new_client_session(Resumption::Tls13(Some(value))));
    }

    fn take_tls13_ticket(&self, _server_name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        crate::conn::current(|ssl| {
            let s = ssl.offered_session()?;
            let mut d = s.data();
            match &mut d.resumption {
                Resumption::Tls13(t) => t.take(),
                _ => None,
            }
        })
        .flatten()
    }
}

/// The server's session cache (session IDs and stateful TLS 1.3 tickets).
pub struct ServerSessionStore {
    inner: Mutex<ServerCache>,
}

struct ServerCache {
    map: HashMap<Vec<u8>, Vec<u8>>,
    order: VecDeque<Vec<u8>>,
    limit: usize,
}

/// SSL_SESSION_CACHE_MAX_SIZE_DEFAULT.
pub const DEFAULT_CACHE_SIZE: usize = 1024 * 20;

impl ServerSessionStore {
    pub fn new() -> Self {
        ServerSessionStore {
            inner: Mutex::new(ServerCache { map: HashMap::new(), order: VecDeque::new(), limit: DEFAULT_CACHE_SIZE }),
        }
    }

    fn cache(&self) -> MutexGuard<'_, ServerCache> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.cache().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ServerSessionStore {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for ServerSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSessionStore").finish_non_exhaustive()
    }
}

impl rustls::server::StoresServerSessions for ServerSessionStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        let mut c = self.cache();
        if c.limit > 0 && c.map.len() >= c.limit {
            if let Some(old) = c.order.pop_front() {
                c.map.remove(&old);
            }
        }
        if c.map.insert(key.clone(), value).is_none() {
            c.order.push_back(key);
        }
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.cache().map.get(key).cloned()
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        let mut c = self.cache();
        let v = c.map.remove(key)?;
        c.order.retain(|k| k != key);
        Some(v)
    }

    fn can_cache(&self) -> bool {
        true
    }
}
