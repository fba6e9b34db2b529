//! `SSL_CTX`: the settings shared by connections, and the rustls configurations built
//! from them.
//!
//! Configurations are built once per distinct set of settings and cached here: building
//! one per connection would cost time and break resumption, because rustls resumes only
//! when the verifier and client-certificate resolver `Arc`s are the very ones that made
//! the session. Those two are shared by the whole process (OpenSSL resumes a client
//! session under any context); the other callbacks belong to the context. All of them
//! look up per-connection state through [`crate::conn::current`].

use crate::sync::{SharedMutex, SharedRwLock, Site};
use std::collections::HashMap;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLockReadGuard, RwLockWriteGuard};

use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::version::{TLS12, TLS13};
use rustls::{ClientConfig, ServerConfig, SupportedProtocolVersion};

use crate::cipher::{self, SslCipher};
use crate::crypto::exdata::ExData;
use crate::crypto::pkey::PasswordCb;
use crate::crypto::x509::{VerifyParam, X509Store};
use crate::error;
use crate::verify;

pub const TLS1_VERSION: u16 = 0x0301;
pub const TLS1_1_VERSION: u16 = 0x0302;
pub const TLS1_2_VERSION: u16 = 0x0303;
pub const TLS1_3_VERSION: u16 = 0x0304;

/// Which side a method allows, as OpenSSL's `TLS_client_method` etc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Any,
    Client,
    Server,
}

/// An `SSL_METHOD`: a role and, for the version-specific methods, a fixed version.
#[derive(Debug)]
pub struct Method {
    pub role: Role,
    /// 0 for the flexible methods; the one protocol version otherwise.
    pub version: u16,
    /// DTLS methods exist in the ABI but are not supported.
    pub dtls: bool,
}

macro_rules! method {
    ($name:ident, $role:expr, $version:expr, $dtls:expr) => {
        pub static $name: Method = Method { role: $role, version: $version, dtls: $dtls };
    };
}

method!(TLS_METHOD, Role::Any, 0, false);
method!(TLS_CLIENT_METHOD, Role::Client, 0, false);
method!(TLS_SERVER_METHOD, Role::Server, 0, false);
method!(TLS1_METHOD, Role::Any, TLS1_VERSION, false);
method!(TLS1_CLIENT_METHOD, Role::Client, TLS1_VERSION, false);
method!(TLS1_SERVER_METHOD, Role::Server, TLS1_VERSION, false);
method!(TLS1_1_METHOD, Role::Any, TLS1_1_VERSION, false);
method!(TLS1_1_CLIENT_METHOD, Role::Client, TLS1_1_VERSION, false);
method!(TLS1_1_SERVER_METHOD, Role::Server, TLS1_1_VERSION, false);
method!(TLS1_2_METHOD, Role::Any, TLS1_2_VERSION, false);
method!(TLS1_2_CLIENT_METHOD, Role::Client, TLS1_2_VERSION, false);
method!(TLS1_2_SERVER_METHOD, Role::Server, TLS1_2_VERSION, false);
method!(DTLS_METHOD, Role::Any, 0, true);
method!(DTLS_CLIENT_METHOD, Role::Client, 0, true);
method!(DTLS_SERVER_METHOD, Role::Server, 0, true);

pub use crate::callbacks::types::{
    AlpnSelectCb, AlpnSelectFn, CertCb, CertFn, CertVerifyCb, CertVerifyFn, ClientCertCb, ClientHelloCb, ClientHelloFn,
    CookieCallbacks, GetSessionCb, InfoCb, KeylogCb, MsgCb, MsgFn, NewSessionCb, RemoveSessionCb, ServernameCb,
    ServernameFn, StatusCb, StatusFn, TicketDecCb, TicketDecFn, TicketGenCb, TicketGenFn, TicketKeyCb, VerifyCallback,
};
pub use crate::callbacks::{AppPtr, Callback};

pub const SSL_VERIFY_NONE: c_int = 0;
pub const SSL_VERIFY_PEER: c_int = 1;
pub const SSL_VERIFY_FAIL_IF_NO_PEER_CERT: c_int = 2;
pub const SSL_VERIFY_CLIENT_ONCE: c_int = 4;
pub const SSL_VERIFY_POST_HANDSHAKE: c_int = 8;

pub const SSL_OP_NO_TICKET: u64 = 1 << 14;
pub const SSL_OP_IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
pub const SSL_OP_NO_TLSV1_1: u64 = 1 << 28;
pub const SSL_OP_NO_TLSV1_2: u64 = 1 << 27;
pub const SSL_OP_NO_TLSV1_3: u64 = 1 << 29;
pub const SSL_OP_CIPHER_SERVER_PREFERENCE: u64 = 1 << 22;
pub const SSL_OP_ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
pub const SSL_OP_NO_COMPRESSION: u64 = 1 << 17;
pub const SSL_OP_NO_RENEGOTIATION: u64 = 1 << 30;
pub const SSL_OP_LEGACY_SERVER_CONNECT: u64 = 1 << 2;

/// OpenSSL 3.0's defaults for `SSL_CTX_get_options` on a fresh context.
pub const DEFAULT_OPTIONS: u64 = SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT;

pub const SSL_SESS_CACHE_SERVER: i64 = 0x0002;

pub const SSL_MODE_ENABLE_PARTIAL_WRITE: u32 = 0x1;
pub const SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: u32 = 0x2;
pub const SSL_MODE_AUTO_RETRY: u32 = 0x4;
pub const SSL_MODE_NO_AUTO_CHAIN: u32 = 0x8;

/// Settings that an `SSL` copies from its `SSL_CTX` at `SSL_new` and may then change.
/// OpenSSL's default `recv_max_early_data` (SSL3_RT_MAX_PLAIN_LENGTH).
pub const DEFAULT_RECV_MAX_EARLY_DATA: u32 = 16384;

#[derive(Clone)]
pub struct Settings {
    /// The bounds in force. A fixed-version method (`TLSv1_2_method`) pins both to its
    /// version; OpenSSL then reports 0 for both and its setters change nothing, see
    /// `fixed_version`.
    pub min_version: u16,
    pub max_version: u16,
    /// The version of a fixed-version method, 0 for the flexible ones.
    pub fixed_version: u16,
    pub options: u64,
    pub mode: u32,
    pub verify_mode: c_int,
    pub verify_callback: VerifyCallback,
    pub param: VerifyParam,
    pub cert: crate::keys::Certs,
    /// The lists are shared (an `SSL` copies its context's at `SSL_new`, and a setter
    /// replaces a list whole): a connection holds a reference, not a copy.
    pub tls12_ciphers: Arc<[&'static SslCipher]>,
    pub tls13_ciphers: Arc<[&'static SslCipher]>,
    pub groups: Arc<[&'static dyn SupportedKxGroup]>,
    /// ALPN protocols offered by a client, in order.
    pub alpn: Vec<Vec<u8>>,
    pub quiet_shutdown: bool,
    pub read_ahead: bool,
    pub passwd: PasswordCb,
    pub session_id_context: Vec<u8>,
    pub num_tickets: usize,
    pub security_level: c_int,
    /// Suite B mode from a `SUITEB...` cipher string: OpenSSL keeps it (in the
    /// certificate flags), and later cipher strings without the keyword get its suites.
    pub suite_b: Option<cipher::SuiteB>,
    /// The TLS 1.3 suite string named a TLS ≤ 1.2 suite (see
    /// [`cipher::ciphersuites_name_tls12_suite`]).
    pub tls13_list_has_tls12: bool,
    /// The TLS 1.3 suites as last set by `set_ciphersuites` (OpenSSL's separate
    /// `tls13_ciphersuites`), with whether they name a TLS ≤ 1.2 suite. A connection takes
    /// its context's at `SSL_new` and keeps them: `SSL_set_cipher_list` builds its list from
    /// these, not from the context's current ones. For a context they equal `tls13_ciphers`.
    pub ciphersuites_set: (Arc<[&'static SslCipher]>, bool),
    /// A connection's cipher lists were set on it (`SSL_set_cipher_list`,
    /// `SSL_set_ciphersuites`); until then it uses its context's current ones, as in
    /// OpenSSL (also after `SSL_set_SSL_CTX`). Meaningless for a context.
    pub own_cipher_lists: bool,
    pub max_send_fragment: usize,
    pub client_ca_names: Arc<crate::crypto::x509::NameList>,
    /// `SSL(_CTX)_set0_CA_list`: the CA names a server lists in its CertificateRequest when
    /// it has no client CA list (a client's are kept: rustls sends no
    /// certificate_authorities extension). A context always has one (empty at first, NULL
    /// after `set0(NULL)`); a connection has none (None) until one is set, and reads its
    /// context's.
    pub ca_names: Option<Arc<crate::crypto::x509::NameList>>,
    /// `SSL_CTX_sess_set_cache_size`.
    pub session_cache_size: i64,
    /// `SSL(_CTX)_set1_sigalgs_list`: the signature schemes we sign with and accept
    /// (None: rustls' full set, in OpenSSL's order).
    pub sigalgs: Option<Vec<rustls::SignatureScheme>>,
    /// `SSL(_CTX)_set_msg_callback` and its argument: kept and handed back, never called
    /// (rustls does not expose the protocol messages; see README).
    pub msg_callback: Callback<MsgFn>,
    /// A TLS 1.2 server offers its DHE suites only with Diffie-Hellman parameters, as
    /// OpenSSL: `SSL_CTX_set_dh_auto` (a group as strong as the certificate's key),
    /// `SSL_CTX_set_tmp_dh`/`set0_tmp_dh_pkey` (their prime's size, in bits) or a
    /// `SSL_CTX_set_tmp_dh_callback` (as auto). The group used is the RFC 7919 one of that
    /// size (see README: OpenSSL would send the application's own prime).
    pub dh_auto: bool,
    pub dh_bits: Option<u32>,
    pub dh_callback: bool,
    /// `SSL(_CTX)_set_max_early_data` / `_recv_max_early_data`: recorded and reported.
    /// oxissl never accepts 0-RTT data, so its tickets do not invite it (see README).
    pub max_early_data: u32,
    pub recv_max_early_data: u32,
    /// `SSL(_CTX)_set_tlsext_status_type`: -1, or `TLSEXT_STATUSTYPE_ocsp` (1) for a
    /// client that wants the server's stapled OCSP response.
    pub status_type: c_int,
    /// `SSL(_CTX)_set_post_handshake_auth`: recorded; rustls does not offer TLS 1.3
    /// post-handshake authentication, so a server never asks for it (see README).
    pub post_handshake_auth: bool,
    /// `SSL(_CTX)_set1_verify_cert_store`: the store peers are verified against instead
    /// of the context's; `set1_chain_cert_store`: the one chains are built from
    /// (automatic chains, `SSL_build_cert_chain`). Shared with the connections made
    /// after they were set, as OpenSSL shares them.
    pub verify_store: Option<Arc<X509Store>>,
    pub chain_store: Option<Arc<X509Store>>,
}

impl Settings {
    /// The names a server's CertificateRequest lists: the client CA list, or else the CA
    /// list (OpenSSL's rule); `context` is the CA list of the context, for a connection
    /// without one of its own.
    pub fn request_ca_names(&self, context: &Arc<crate::crypto::x509::NameList>) -> Arc<crate::crypto::x509::NameList> {
        if !self.client_ca_names.is_empty() {
            return self.client_ca_names.clone();
        }
        self.ca_names.clone().unwrap_or_else(|| context.clone())
    }

    fn new(method: &Method) -> Self {
        let (min, max) = if method.version != 0 { (method.version, method.version) } else { (0, 0) };
        Settings {
            min_version: min,
            max_version: max,
            fixed_version: method.version,
            options: DEFAULT_OPTIONS,
            mode: SSL_MODE_AUTO_RETRY,
            verify_mode: SSL_VERIFY_NONE,
            verify_callback: None,
            param: VerifyParam::new(),
            cert: crate::keys::Certs::default(),
            tls12_ciphers: cipher::default_tls12().into(),
            tls13_ciphers: cipher::default_tls13().into(),
            groups: default_groups().into(),
            alpn: Vec::new(),
            quiet_shutdown: false,
            read_ahead: false,
            passwd: PasswordCb::default(),
            session_id_context: Vec::new(),
            num_tickets: 2,
            security_level: 2,
            suite_b: None,
            tls13_list_has_tls12: false,
            ciphersuites_set: (cipher::default_tls13().into(), false),
            own_cipher_lists: false,
            max_send_fragment: 16384,
            client_ca_names: Arc::new(crate::crypto::x509::NameList::empty()),
            ca_names: Some(Arc::new(crate::crypto::x509::NameList::empty())),
            session_cache_size: crate::session::DEFAULT_CACHE_SIZE as i64,
            sigalgs: None,
            msg_callback: Callback::default(),
            dh_auto: false,
            dh_bits: None,
            dh_callback: false,
            max_early_data: 0,
            recv_max_early_data: DEFAULT_RECV_MAX_EARLY_DATA,
            status_type: -1,
            post_handshake_auth: false,
            verify_store: None,
            chain_store: None,
        }
    }

    /// The protocol versions these settings allow, newest first.
    pub fn versions(&self) -> Vec<&'static SupportedProtocolVersion> {
        let allows = |v: u16, no_flag: u64| {
            (self.min_version == 0 || self.min_version <= v)
                && (self.max_version == 0 || self.max_version >= v)
                && self.options & no_flag == 0
        };
        let mut out = Vec::with_capacity(2);
        if allows(TLS1_3_VERSION, SSL_OP_NO_TLSV1_3) && !self.tls13_ciphers.is_empty() {
            out.push(&TLS13);
        }
        if allows(TLS1_2_VERSION, SSL_OP_NO_TLSV1_2) && !self.tls12_ciphers.is_empty() {
            out.push(&TLS12);
        }
        out
    }

    /// The versions a configuration may offer, or OpenSSL's reason for refusing to
    /// start: TLS 1.3 enabled with no TLS 1.3 suites is "no ciphers available" (OpenSSL
    /// does not fall back to TLS 1.2 then).
    fn usable_versions(&self, key: &ConfigKey) -> Result<Vec<&'static SupportedProtocolVersion>, c_int> {
        if key.tls13 && self.tls13_ciphers.is_empty() {
            return Err(error::SSL_R_NO_CIPHERS_AVAILABLE);
        }
        let versions = self.versions();
        if versions.is_empty() {
            return Err(error::SSL_R_NO_PROTOCOLS_AVAILABLE);
        }
        // Lists that name only what rustls lacks (a host policy of X448, say) leave
        // nothing to negotiate with: refuse to start, as OpenSSL does without groups.
        if self.groups.is_empty() {
            return Err(error::SSL_R_NO_SUITABLE_GROUPS);
        }
        if let Some(allowed) = &self.sigalgs {
            let usable =
                rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms.supported_schemes();
            if !allowed.iter().any(|s| usable.contains(s)) {
                return Err(error::SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
            }
        }
        Ok(versions)
    }

    /// The part of the settings a rustls configuration is built from.
    fn config_key(&self, role: Role) -> ConfigKey {
        ConfigKey {
            role,
            tls12: self.min_version <= TLS1_2_VERSION
                && (self.max_version == 0 || self.max_version >= TLS1_2_VERSION)
                && self.options & SSL_OP_NO_TLSV1_2 == 0,
            tls13: (self.max_version == 0 || self.max_version >= TLS1_3_VERSION)
                && self.options & SSL_OP_NO_TLSV1_3 == 0,
            suites: self.tls13_ciphers.iter().chain(self.tls12_ciphers.iter()).map(|c| c.protocol_id).collect(),
            groups: self.groups.iter().map(|g| u16::from(g.name())).collect(),
            no_ticket: self.options & SSL_OP_NO_TICKET != 0,
            server_preference: self.options & SSL_OP_CIPHER_SERVER_PREFERENCE != 0,
            num_tickets: self.num_tickets,
            verify_mode: if role == Role::Server { self.verify_mode } else { 0 },
            client_ca_names: if role == Role::Server { Arc::as_ptr(&self.client_ca_names) as usize } else { 0 },
            ca_names: 0,
            max_fragment: self.max_send_fragment,
            dhe: if role == Role::Server { self.dhe_group().map_or(0, |g| u16::from(g.name())) } else { 0 },
        }
    }

    /// The finite-field group a TLS 1.2 server's DHE suites use, or None: no DHE suites
    /// (no parameters were set). A prime below 2048 bits gets ffdhe2048.
    pub fn dhe_group(&self) -> Option<&'static dyn rustls::crypto::SupportedKxGroup> {
        let bits = match self.dh_bits {
            Some(bits) => bits,
            None if self.dh_auto || self.dh_callback => {
                // OpenSSL's choice by the certificate key's strength.
                let sec = self.cert.complete().find_map(|c| c.key.as_ref().map(|k| k.security_bits())).unwrap_or(112);
                match sec {
                    192.. => 8192,
                    152.. => 4096,
                    128.. => 3072,
                    _ => 2048,
                }
            }
            None => return None,
        };
        crate::kx::ffdhe_groups()
            .into_iter()
            .find(|g| g.ffdhe_group().is_some_and(|p| p.p.len() * 8 >= bits as usize))
            .or(Some(crate::kx::FFDHE8192))
    }
}

pub use crate::groups::{default_groups, group_name, groups_from_nids, nid_for_group, parse_groups_list};

/// What distinguishes one cached rustls configuration from another.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct ConfigKey {
    role: Role,
    tls12: bool,
    tls13: bool,
    suites: Vec<u16>,
    groups: Vec<u16>,
    no_ticket: bool,
    server_preference: bool,
    num_tickets: usize,
    verify_mode: c_int,
    client_ca_names: usize,
    /// The CA list a server falls back on (identity of the list in use).
    ca_names: usize,
    max_fragment: usize,
    /// A server's DHE group (0: no DHE suites).
    dhe: u16,
}

impl std::hash::Hash for Role {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (*self as u8).hash(state)
    }
}

/// Callbacks that act for the context as a whole (OpenSSL keeps them on the SSL_CTX).
#[derive(Clone, Copy, Default)]
pub struct Callbacks {
    pub alpn_select: Callback<AlpnSelectFn>,
    pub servername: Callback<ServernameFn>,
    pub client_hello: Callback<ClientHelloFn>,
    pub cert: Callback<CertFn>,
    pub keylog: KeylogCb,
    pub info: InfoCb,
    pub new_session: NewSessionCb,
    pub remove_session: RemoveSessionCb,
    pub get_session: GetSessionCb,
    /// Seals and opens session tickets with the application's keys.
    pub ticket_key: TicketKeyCb,
    /// `SSL_CTX_set_tlsext_status_cb`: a server staples an OCSP response; a client
    /// checks the one it got.
    pub status: Callback<StatusFn>,
    pub client_cert: ClientCertCb,
    /// `SSL_CTX_set_session_ticket_cb`: both with the one argument it takes.
    pub ticket_gen: Callback<TicketGenFn>,
    pub ticket_dec: Callback<TicketDecFn>,
    pub cert_verify: Callback<CertVerifyFn>,
    /// DTLS and TLS 1.3 stateless cookie callbacks: kept, and never called, because
    /// the functions that use them (`DTLSv1_listen`, `SSL_stateless`) are unsupported.
    pub cookies: CookieCallbacks,
}

/// Statistics reported by `SSL_CTX_sess_*`.
#[derive(Default)]
pub struct Stats {
    pub connect: AtomicU64,
    pub connect_good: AtomicU64,
    pub accept: AtomicU64,
    pub accept_good: AtomicU64,
}

impl Stats {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

pub struct SslCtx {
    /// Declared first: dropping it runs the application's free callbacks right after
    /// `Drop for SslCtx`, while the rest of the context is still alive.
    pub ex_data: ExData,
    pub method: &'static Method,
    settings: SharedRwLock<Settings>,
    callbacks: SharedRwLock<Callbacks>,
    /// Changes with every `set_callbacks`; unique across contexts (see [`new_generation`]),
    /// so a connection can keep a copy and know, without the lock, that it is current.
    callbacks_gen: AtomicU64,
    /// `SSL_CTX_set_timeout`: lifetime of new sessions, in seconds. (Atomics: read by every
    /// handshake, they need no lock.)
    session_timeout: AtomicU64,
    /// `SSL_CTX_set_session_cache_mode` (SSL_SESS_CACHE_*).
    session_cache_mode: AtomicI64,
    store: SharedRwLock<X509Store>,
    extra_chain: SharedRwLock<Vec<crate::crypto::x509::X509Cert>>,
    extra_chain_stack: SharedMutex<Option<crate::crypto::x509::CertStack>>,
    pub stats: Stats,
    configs: SharedRwLock<HashMap<ConfigKey, Config>>,
    /// Peer certificates parsed recently, by their DER: libcrypto's `d2i_X509` costs a
    /// third of a full handshake, and a client meets the same server chain again and again.
    peer_certs: SharedRwLock<PeerCertCache>,
    /// The verifier and client-certificate resolver (process-wide) and the
    /// server-certificate resolver that every configuration of this context uses (see
    /// the module comment).
    pub server_verifier: Arc<verify::ServerVerifier>,
    pub client_resolver: Arc<crate::keys::ClientCertResolver>,
    pub server_resolver: Arc<crate::keys::ServerCertResolver>,
    pub keylog: Arc<crate::conn::KeyLogBridge>,
    /// The session cache (used through the SSLs whose original context this is).
    pub sessions: crate::session::SessionCache,
    server_sessions: Arc<crate::session::ServerSessionBridge>,
    client_sessions: Arc<crate::session::ClientSessionBridge>,
    pub ticketer: Arc<crate::session::ticket_keys::TicketKeys>,
    /// `SSL_CTX_get_ciphers`' stack.
    pub cipher_stack: cipher::StackCache,
    /// DANE matching types and flags (`SSL_CTX_dane_*`).
    pub dane: crate::dane::DaneCtx,
}

const PEER_CERT_CACHE_SIZE: usize = 64;

/// A number no context has had: a copy tagged with one is never mistaken for another
/// context's, even one at the same address.
fn new_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Default)]
struct PeerCertCache {
    map: HashMap<Vec<u8>, crate::crypto::x509::X509Cert>,
    order: std::collections::VecDeque<Vec<u8>>,
}

#[derive(Clone)]
enum Config {
    Client(Arc<ClientConfig>),
    Server(Arc<ServerConfig>),
}

impl SslCtx {
    /// `SSL_CTX_new`: fails (with OpenSSL's error) for methods oxissl cannot serve.
    pub fn new(method: &'static Method) -> Option<Arc<SslCtx>> {
        error::load_strings();
        if method.dtls {
            error::raise_unsupported("DTLS");
            return None;
        }
        // Made now, as OpenSSL's: a pre-forked server's workers share them.
        let Some(ticketer) = crate::session::ticket_keys::TicketKeys::generate().map(Arc::new) else {
            error::raise(error::ERR_R_INTERNAL_ERROR);
            return None;
        };
        let store = X509Store::new()?;
        Some(Arc::new_cyclic(|weak: &std::sync::Weak<SslCtx>| SslCtx {
            method,
            settings: SharedRwLock::new(Site::CtxSettings, Settings::new(method)),
            callbacks: SharedRwLock::new(Site::CtxCallbacks, Callbacks::default()),
            callbacks_gen: AtomicU64::new(new_generation()),
            session_timeout: AtomicU64::new(crate::session::DEFAULT_TIMEOUT),
            session_cache_mode: AtomicI64::new(SSL_SESS_CACHE_SERVER),
            store: SharedRwLock::new(Site::CtxStore, store),
            extra_chain: SharedRwLock::new(Site::CtxExtraChain, Vec::new()),
            extra_chain_stack: SharedMutex::new(Site::CtxExtraChain, None),
            ex_data: ExData::for_new::<crate::handles::SSL_CTX>(weak),
            stats: Stats::default(),
            configs: SharedRwLock::new(Site::CtxConfigs, HashMap::new()),
            peer_certs: SharedRwLock::new(Site::CtxPeerCerts, PeerCertCache::default()),
            server_verifier: verify::ServerVerifier::shared(),
            client_resolver: crate::keys::ClientCertResolver::shared(),
            server_resolver: Arc::new(crate::keys::ServerCertResolver),
            keylog: Arc::new(crate::conn::KeyLogBridge),
            sessions: crate::session::SessionCache::default(),
            server_sessions: Arc::new(crate::session::ServerSessionBridge),
            client_sessions: Arc::new(crate::session::ClientSessionBridge),
            ticketer,
            cipher_stack: cipher::StackCache::default(),
            dane: crate::dane::DaneCtx::default(),
        }))
    }

    pub fn settings(&self) -> RwLockReadGuard<'_, Settings> {
        self.settings.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes settings; connections created afterwards see the change.
    pub fn settings_mut(&self) -> RwLockWriteGuard<'_, Settings> {
        self.settings.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn callbacks(&self) -> Callbacks {
        *self.callbacks.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The context's CA list (`SSL_CTX_get0_CA_list`; a NULL list when set to none).
    pub fn ca_names(&self) -> Arc<crate::crypto::x509::NameList> {
        self.settings().ca_names.clone().unwrap_or_else(|| Arc::new(crate::crypto::x509::NameList::none()))
    }

    pub fn set_callbacks(&self, f: impl FnOnce(&mut Callbacks)) {
        f(&mut self.callbacks.write().unwrap_or_else(|e| e.into_inner()));
        // After the change: a reader that sees the new generation reads the new values.
        self.callbacks_gen.store(new_generation(), Ordering::Release);
    }

    pub fn session_timeout(&self) -> u64 {
        self.session_timeout.load(Ordering::Relaxed)
    }

    /// Sets the timeout of new sessions; returns the old one.
    pub fn set_session_timeout(&self, t: u64) -> u64 {
        self.session_timeout.swap(t, Ordering::Relaxed)
    }

    pub fn session_cache_mode(&self) -> i64 {
        self.session_cache_mode.load(Ordering::Relaxed)
    }

    /// Sets the session cache mode; returns the old one.
    pub fn set_session_cache_mode(&self, mode: i64) -> i64 {
        self.session_cache_mode.swap(mode, Ordering::Relaxed)
    }

    /// The generation of the callbacks, which tags a connection's copy of them.
    pub fn callbacks_generation(&self) -> u64 {
        self.callbacks_gen.load(Ordering::Acquire)
    }

    pub fn store(&self) -> RwLockReadGuard<'_, X509Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_store(&self, store: X509Store) {
        *self.store.write().unwrap_or_else(|e| e.into_inner()) = store;
    }

    pub fn extra_chain(&self) -> RwLockReadGuard<'_, Vec<crate::crypto::x509::X509Cert>> {
        self.extra_chain.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn extra_chain_mut(&self) -> RwLockWriteGuard<'_, Vec<crate::crypto::x509::X509Cert>> {
        self.extra_chain.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The extra chain as a STACK_OF(X509) kept until the chain changes.
    pub fn extra_chain_stack(&self) -> *mut openssl_sys::stack_st_X509 {
        let chain = self.extra_chain();
        let mut slot = self.extra_chain_stack.lock().unwrap_or_else(|e| e.into_inner());
        let stack = crate::crypto::x509::CertStack::new(&chain);
        let p = stack.as_ptr();
        *slot = Some(stack);
        p
    }

    /// The X509 for a peer certificate's DER, parsed at most once while it stays cached.
    /// (X509 objects are immutable and reference counted, so sharing them is safe.)
    pub fn peer_cert(&self, der: &[u8]) -> Option<crate::crypto::x509::X509Cert> {
        if let Some(c) = self.peer_certs.read().unwrap_or_else(|e| e.into_inner()).map.get(der) {
            return Some(c.clone());
        }
        let cert = crate::crypto::x509::X509Cert::from_der(der)?;
        let mut cache = self.peer_certs.write().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.map.get(der) {
            return Some(c.clone()); // another connection parsed it meanwhile
        }
        if cache.map.len() >= PEER_CERT_CACHE_SIZE {
            if let Some(old) = cache.order.pop_front() {
                cache.map.remove(&old);
            }
        }
        cache.map.insert(der.to_vec(), cert.clone());
        cache.order.push_back(der.to_vec());
        Some(cert)
    }

    fn cached_config(&self, key: &ConfigKey) -> Option<Config> {
        self.configs.read().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    fn cache_config(&self, key: ConfigKey, config: Config) {
        self.configs.write().unwrap_or_else(|e| e.into_inner()).insert(key, config);
    }

    /// The suites and groups of a configuration. DHE suites only for a server with
    /// Diffie-Hellman parameters, its group first among the finite-field ones (rustls
    /// takes the first when the client names none); never for a client, whose rustls
    /// side accepts only RFC 7919 primes where OpenSSL servers send their own.
    fn provider(settings: &Settings, key: &ConfigKey) -> CryptoProvider {
        use rustls::crypto::KeyExchangeAlgorithm::DHE;
        let base = rustls::crypto::aws_lc_rs::default_provider();
        let dhe = settings.dhe_group().filter(|_| key.dhe != 0);
        let suites: Vec<rustls::SupportedCipherSuite> = settings
            .tls13_ciphers
            .iter()
            .filter(|_| key.tls13)
            .chain(
                settings
                    .tls12_ciphers
                    .iter()
                    .filter(|c| key.tls12 && (c.kx_nid != cipher::NID_KX_DHE || dhe.is_some())),
            )
            .map(|c| c.suite())
            .collect();
        let mut kx_groups = settings.groups.to_vec();
        if let Some(g) = dhe {
            kx_groups.retain(|k| k.name() != g.name());
            let at = kx_groups.iter().position(|k| k.name().key_exchange_algorithm() == DHE).unwrap_or(kx_groups.len());
            kx_groups.insert(at, g);
        }
        // A TLS 1.2 suite whose key exchange has no group left (ECDHE suites under a list
        // of finite-field groups only) cannot be negotiated, in OpenSSL either; rustls
        // refuses a configuration holding one.
        let mut suites = suites;
        let has = |kx: rustls::crypto::KeyExchangeAlgorithm| {
            kx_groups.iter().any(|g| g.name().key_exchange_algorithm() == kx)
        };
        suites.retain(|cs| match cs {
            rustls::SupportedCipherSuite::Tls12(t) => has(t.kx),
            rustls::SupportedCipherSuite::Tls13(_) => true,
        });
        CryptoProvider { cipher_suites: suites, kx_groups, secure_random: &crate::crypto::rand::PAGED, ..base }
    }

    /// The client configuration for these (connection) settings, built at most once.
    pub fn client_config(&self, settings: &Settings) -> Result<Arc<ClientConfig>, c_int> {
        let key = settings.config_key(Role::Client);
        if let Some(Config::Client(c)) = self.cached_config(&key) {
            return Ok(c);
        }
        let versions = settings.usable_versions(&key)?;
        let provider = Self::provider(settings, &key);
        let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(&versions)
            .map_err(|_| error::SSL_R_NO_CIPHERS_AVAILABLE)?
            .dangerous()
            .with_custom_certificate_verifier(self.server_verifier.clone())
            .with_client_cert_resolver(self.client_resolver.clone());
        config.resumption =
            rustls::client::Resumption::store(self.client_sessions.clone()).tls12_resumption(if key.no_ticket {
                rustls::client::Tls12Resumption::SessionIdOnly
            } else {
                rustls::client::Tls12Resumption::SessionIdOrTickets
            });
        config.key_log = self.keylog.clone();
        config.max_fragment_size = None;
        config.enable_sni = true;
        let config = Arc::new(config);
        self.cache_config(key, Config::Client(config.clone()));
        Ok(config)
    }

    /// The server configuration for these settings, built at most once.
    pub fn server_config(&self, settings: &Settings) -> Result<Arc<ServerConfig>, c_int> {
        let context_ca_names = self.ca_names();
        let request_names = settings.request_ca_names(&context_ca_names);
        let mut key = settings.config_key(Role::Server);
        if settings.client_ca_names.is_empty() {
            key.ca_names = Arc::as_ptr(&request_names) as usize;
        }
        if let Some(Config::Server(c)) = self.cached_config(&key) {
            return Ok(c);
        }
        let versions = settings.usable_versions(&key)?;
        let provider = Arc::new(Self::provider(settings, &key));
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .map_err(|_| error::SSL_R_NO_CIPHERS_AVAILABLE)?;
        let builder = if settings.verify_mode & SSL_VERIFY_PEER != 0 {
            builder.with_client_cert_verifier(Arc::new(verify::ClientVerifier::new(
                settings.verify_mode,
                &request_names,
                provider,
            )))
        } else {
            builder.with_no_client_auth()
        };
        let mut config = builder.with_cert_resolver(self.server_resolver.clone());
        config.session_storage = self.server_sessions.clone();
        if !key.no_ticket {
            config.ticketer = Arc::new(crate::session::cache::TicketBridge(self.ticketer.clone()));
        }
        config.send_tls13_tickets = settings.num_tickets;
        config.ignore_client_order = key.server_preference;
        config.key_log = self.keylog.clone();
        config.max_early_data_size = 0;
        let config = Arc::new(config);
        self.cache_config(key, Config::Server(config.clone()));
        Ok(config)
    }
}

impl SslCtx {
    /// Reports sessions a cache operation removed: they can no longer be resumed, and
    /// the remove callback hears of each.
    pub fn report_removed(&self, removed: crate::session::cache::Removed) {
        for s in &removed.0 {
            s.data().not_resumable = true;
        }
        if let Some(cb) = self.callbacks().remove_session {
            for s in &removed.0 {
                crate::callbacks::session::run_remove_session_cb(self, cb, s);
            }
        }
    }

    /// Adds a session to this context's cache (`SSL_CTX_add_session`).
    pub fn cache_add(&self, session: &Arc<crate::session::SslSession>) -> bool {
        let limit = self.settings().session_cache_size.max(0) as usize;
        let (added, removed) = self.sessions.add(session, limit);
        self.report_removed(removed);
        added
    }

    /// `SSL_CTX_remove_session`, as OpenSSL does it: a session with an ID becomes
    /// unresumable and the remove callback hears of it, cached or not; true if it was
    /// cached.
    pub fn cache_remove(&self, session: &Arc<crate::session::SslSession>) -> bool {
        if session.data().id.is_empty() {
            return false;
        }
        let was_cached = self.sessions.remove(session).is_some();
        self.report_removed(crate::session::cache::Removed(vec![session.clone()]));
        was_cached
    }
}

impl Drop for SslCtx {
    fn drop(&mut self) {
        // OpenSSL empties the cache (telling the remove callback) before ex_data goes.
        let all = self.sessions.flush(u64::MAX);
        self.report_removed(all);
        // The application's ex_data free callbacks (which see the handle they knew the
        // context by) run next, when `ex_data`, the first field, drops.
    }
}

pub const SSL_MAX_SID_CTX_LENGTH: usize = 32;

/// `SSL(_CTX)_set_cipher_list`: the TLS 1.2 suites. Fails, as OpenSSL does, when the
/// string selects nothing at all (the list is replaced by the empty one all the same) or
/// cannot be read (the list stays as it was). A connection's list is its own from the
/// first replacement on (`own_cipher_lists`).
pub fn set_cipher_list(s: &mut Settings, spec: &std::ffi::CStr) -> bool {
    let text = spec.to_string_lossy();
    // Once in Suite B mode, OpenSSL replaces a string without a SUITEB keyword by the
    // mode's suites (its flags do not tell SUITEB128C2 from SUITEB128).
    let sticky = match s.suite_b {
        _ if text.starts_with("SUITEB128") || text.starts_with("SUITEB192") => None,
        Some(cipher::SuiteB::Only128) => Some("SUITEB128ONLY"),
        Some(cipher::SuiteB::Mode192) => Some("SUITEB192"),
        Some(cipher::SuiteB::Mode128 | cipher::SuiteB::Combo128) => Some("SUITEB128"),
        None => None,
    };
    match cipher::parse_cipher_list_detailed(sticky.unwrap_or(&text)) {
        Ok(list) => {
            if sticky.is_none() && list.suite_b.is_some() {
                s.suite_b = list.suite_b;
            }
            s.tls12_ciphers = list.ciphers.into();
            take_ciphersuites_set(s);
            if let Some(level) = list.seclevel {
                s.security_level = level.into();
            }
            true
        }
        Err(e) => {
            if let Some(level) = e.seclevel() {
                s.security_level = level.into();
            }
            if matches!(e, cipher::CipherStringError::NoCipherMatch { .. }) {
                // OpenSSL has already emptied the TLS 1.2 list when it reports this.
                s.tls12_ciphers = Arc::from([]);
                take_ciphersuites_set(s);
                // A TLS 1.2 suite it keeps in the TLS 1.3 list counts: no failure then.
                if s.tls13_list_has_tls12 {
                    return true;
                }
            }
            error::raise(e.reason());
            false
        }
    }
}

/// A rebuilt cipher list: its TLS 1.3 part comes from the suites last set on the object
/// itself, and a connection's list is its own from then on.
fn take_ciphersuites_set(s: &mut Settings) {
    s.tls13_ciphers = s.ciphersuites_set.0.clone();
    s.tls13_list_has_tls12 = s.ciphersuites_set.1;
    s.own_cipher_lists = true;
}

/// `SSL(_CTX)_set1_groups_list` (and the `Groups`/`Curves` commands): OpenSSL's error for
/// a name it does not know; see [`crate::groups`] for what a list keeps.
pub fn set_groups_list(s: &mut Settings, list: &str) -> bool {
    match parse_groups_list(list) {
        Ok(groups) => {
            s.groups = groups.into();
            true
        }
        Err(crate::groups::GroupListError::Unknown(name)) => {
            error::raise_with_data(error::ERR_R_PASSED_INVALID_ARGUMENT, &format!("group '{name}' cannot be set"));
            false
        }
        Err(crate::groups::GroupListError::Malformed) => false,
    }
}

/// `SSL(_CTX)_set_ciphersuites`: the TLS 1.3 suites. A connection's cipher list is its
/// own afterwards even when the string is refused (OpenSSL copies its context's list
/// first).
pub fn set_ciphersuites(s: &mut Settings, spec: &std::ffi::CStr) -> bool {
    let text = spec.to_string_lossy();
    s.own_cipher_lists = true;
    match cipher::parse_ciphersuites(&text) {
        Ok(list) => {
            s.ciphersuites_set = (list.into(), cipher::ciphersuites_name_tls12_suite(&text));
            take_ciphersuites_set(s);
            true
        }
        Err(e) => {
            error::raise(e.reason());
            false
        }
    }
}

/// OpenSSL's name of a protocol version (`SSL_get_version`).
pub fn version_name(v: u16) -> &'static std::ffi::CStr {
    match v {
        0x0304 => c"TLSv1.3",
        0x0303 => c"TLSv1.2",
        0x0302 => c"TLSv1.1",
        0x0301 => c"TLSv1",
        0x0300 => c"SSLv3",
        _ => c"unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls12_suite_in_tls13_list_counts_for_cipher_list() {
        let mut s = Settings::new(&TLS_METHOD);
        assert!(!set_cipher_list(&mut s, c"NULLDS4CBC"));
        assert!(set_ciphersuites(&mut s, c"TLS_AES_128_GCM_SHA256:TLS_DHE_PSK_WITH_NULL_SHA256"));
        assert!(set_cipher_list(&mut s, c"NULLDS4CBC"));
        assert!(s.tls12_ciphers.is_empty());
        assert!(set_ciphersuites(&mut s, c"TLS_AES_128_GCM_SHA256"));
        assert!(!set_cipher_list(&mut s, c"NULLDS4CBC"));
        // SEED is not in OpenSSL 3.0's default provider: such a suite is dropped.
        assert!(set_ciphersuites(&mut s, c"TLS_AES_128_GCM_SHA256:TLS_DH_anon_WITH_SEED_CBC_SHA"));
        assert!(!set_cipher_list(&mut s, c"NULLDS4CBC"));
    }

    // Found by the config_diff fuzz target: after a SUITEB string, OpenSSL keeps Suite B
    // mode on the context and replaces later cipher strings by the mode's suites.
    #[test]
    fn suite_b_mode_stays_for_later_cipher_strings() {
        let mut s = Settings::new(&TLS_METHOD);
        let names = |s: &Settings| s.tls12_ciphers.iter().map(|c| c.name.to_str().unwrap()).collect::<Vec<_>>();
        assert!(set_cipher_list(&mut s, c"SUITEB192"));
        assert!(set_cipher_list(&mut s, c"GTH"), "a string OpenSSL would refuse is replaced");
        assert_eq!(names(&s), ["ECDHE-ECDSA-AES256-GCM-SHA384"]);
        assert!(set_cipher_list(&mut s, c"SUITEB128C2"));
        assert!(set_cipher_list(&mut s, c"ECDHE-RSA-AES128-GCM-SHA256"));
        assert_eq!(names(&s), ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"]);
        let mut plain = Settings::new(&TLS_METHOD);
        assert!(!set_cipher_list(&mut plain, c"GTH"));
    }
}
