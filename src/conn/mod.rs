//! `SSL`: one connection — its role, transport BIOs, rustls connection and shutdown
//! state — and the loop that moves records between the BIOs and rustls.
//!
//! `SSL_read`: BIO → `read_tls` → `process_new_packets` → plaintext to the caller.
//! `SSL_write`: caller's bytes → rustls writer → `write_tls` → BIO. A handshake is the
//! same loop until rustls reports it done.
//!
//! Locking: the rustls state sits in one mutex (`tls`) held while rustls runs; the
//! state that application callbacks may read or change during a handshake (settings,
//! verification results, the session, the context) sits in other locks or atomics, so
//! a callback calling back into libssl never waits on the connection it runs inside.

mod current;
mod data_io;
mod failure;
mod handshake;
mod reneg;
mod resumption;
mod states;
mod transport;

use std::ffi::CString;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rustls::server::Acceptor;
use rustls::Connection;

use crate::crypto::bio::Bio;
use crate::crypto::exdata::ExData;
use crate::crypto::x509::{self, X509Cert};
use crate::ctx::{Role, Settings, SslCtx};
use crate::error;
use crate::packed::{packed_enum, Atomic};
use crate::session::SslSession;

pub use current::current;
pub use failure::Failure;
use resumption::ServerHandshake;

pub const SSL_SENT_SHUTDOWN: c_int = 1;
pub const SSL_RECEIVED_SHUTDOWN: c_int = 2;

pub const SSL_ERROR_NONE: c_int = 0;
pub const SSL_ERROR_SSL: c_int = 1;
pub const SSL_ERROR_WANT_READ: c_int = 2;
pub const SSL_ERROR_WANT_WRITE: c_int = 3;
pub const SSL_ERROR_WANT_X509_LOOKUP: c_int = 4;
pub const SSL_ERROR_SYSCALL: c_int = 5;
pub const SSL_ERROR_ZERO_RETURN: c_int = 6;
pub const SSL_ERROR_WANT_CLIENT_HELLO_CB: c_int = 11;
pub const SSL_ERROR_WANT_CONNECT: c_int = 7;
pub const SSL_ERROR_WANT_ACCEPT: c_int = 8;

pub const SSL_CB_LOOP: c_int = 0x01;
pub const SSL_CB_EXIT: c_int = 0x02;
pub const SSL_CB_READ: c_int = 0x04;
pub const SSL_CB_WRITE: c_int = 0x08;
pub const SSL_CB_ALERT: c_int = 0x4000;
pub const SSL_ST_CONNECT: c_int = 0x1000;
pub const SSL_ST_ACCEPT: c_int = 0x2000;
pub const SSL_CB_HANDSHAKE_START: c_int = 0x10;
pub const SSL_CB_HANDSHAKE_DONE: c_int = 0x20;
pub const SSL_CB_READ_ALERT: c_int = SSL_CB_ALERT | SSL_CB_READ;
pub const SSL_CB_WRITE_ALERT: c_int = SSL_CB_ALERT | SSL_CB_WRITE;
/// The info callback's value for an alert: level in the high byte, description low.
const CLOSE_NOTIFY_INFO: c_int = 1 << 8;

packed_enum! {
    /// `SSL_read_early_data`'s progress: not called yet, to be called again (the handshake
    /// wants I/O), done (it reported the end of the early data).
    enum EarlyRead {
        NotCalled = 0,
        Again = 1,
        Finished = 2,
    }
}

packed_enum! {
    /// Where the handshake stands (`SSL_get_state`, `SSL_is_init_finished`).
    pub enum HandshakeState {
        Before = 0,
        InProgress = 1,
        Done = 2,
        Failed = 3,
    }
}

// `Active` holds rustls' connection inline (over 1 KiB) while the other states are
// small or boxed. Boxing the connection would add an allocation per connection and a
// pointer chase on every record; the enum lives once per SSL, so its size costs nothing.
#[allow(clippy::large_enum_variant)]
enum Engine {
    /// No handshake has started.
    Idle,
    /// A server waiting for the ClientHello (SNI and ALPN callbacks run after it).
    Accepting(Box<Acceptor>),
    /// The ClientHello is in and the client-hello callback asked to be called again.
    HelloReceived(Box<rustls::server::Accepted>),
    Active(Connection),
    /// A fatal error ended the connection.
    Dead,
}

struct Tls {
    engine: Engine,
    /// The `SSL_write` in progress, as OpenSSL's record layer keeps it (`wnum`,
    /// `wpend_*`): plaintext bytes of the caller's buffer in records already written
    /// out, and the record handed to rustls but not yet out (its length and where it
    /// starts in the caller's buffer).
    write_done: usize,
    write_pending: Option<(usize, usize)>,
    /// Handshake flights written completely (the mirror's waits for the peer).
    flights: u8,
    /// rustls signalled the peer's close_notify.
    peer_closed: bool,
    /// The session `SSL_set_session` gave a client when its handshake started.
    offered: Option<Arc<SslSession>>,
    /// The client's session when its handshake started (offered, or a fresh one);
    /// weak, so that replacing it mid-handshake frees it at once, as in OpenSSL.
    started: Option<std::sync::Weak<SslSession>>,
    /// A server's first bytes from the peer, up to the whole ClientHello: the record
    /// header names what a non-TLS peer sent the way OpenSSL does ("http request",
    /// "wrong version number"), and the ClientHello feeds `SSL_client_hello_*`.
    hello_bytes: Vec<u8>,
    /// Where the peer's next record starts (reads stop there unless read-ahead is on).
    records: crate::records::RecordTracker,
    /// Server: the client-hello and servername callbacks have run for this handshake
    /// (a certificate callback asking to be called again does not run them twice).
    hello_cb_done: bool,
    sni_done: bool,
}

#[derive(Default)]
struct Bios {
    rbio: Option<Bio>,
    wbio: Option<Bio>,
}

packed_enum! {
    /// A refused renegotiation's progress: none, requested (`SSL_renegotiate`), its
    /// handshake failed (`SSL_do_handshake`) and not yet reported by `SSL_is_init_finished`.
    enum Reneg {
        Idle = 0,
        Requested = 1,
        Failed = 2,
        /// ... and `SSL_is_init_finished` has said so; `SSL_get_state` still shows the request.
        Reported = 3,
    }
}

packed_enum! {
    enum Side {
        Client = 0,
        Server = 1,
    }
}

/// What the handshake learnt about the peer.
#[derive(Default)]
pub struct PeerState {
    pub verify_result: i64,
    pub chain: Vec<X509Cert>,
    pub verified_chain: Vec<X509Cert>,
    /// SNI received by a server.
    pub servername: Option<CString>,
    pub alpn: Vec<u8>,
    pub version: u16,
    pub cipher: Option<&'static crate::cipher::SslCipher>,
    pub reused: bool,
    pub group: Option<rustls::NamedGroup>,
    /// Signature schemes used in the handshake: the peer's and our own.
    pub peer_sig: Option<rustls::SignatureScheme>,
    pub own_sig: Option<rustls::SignatureScheme>,
    /// The ClientHello random, learnt from rustls' key-log hook.
    pub client_random: Vec<u8>,
    /// The TLS 1.2 master secret (from rustls' key-log hook).
    pub master_secret: Vec<u8>,
    /// The signature schemes the peer accepts (a server's from the ClientHello, a
    /// client's from the CertificateRequest).
    pub peer_sigalgs: Vec<rustls::SignatureScheme>,
    /// Server: the groups of the client's supported_groups extension.
    pub peer_groups: Vec<rustls::NamedGroup>,
    /// Server: the suites the client offered that we know, in its order.
    pub client_ciphers: Vec<&'static crate::cipher::SslCipher>,
    /// Server: the ClientHello as sent, while the handshake runs (`SSL_client_hello_*`).
    pub client_hello: Option<Arc<crate::hello::ClientHello>>,
    /// Server: the client offered post-handshake authentication (kept past the handshake).
    pub client_offered_pha: bool,
    /// Server: the client offered the extended master secret (RFC 7627), which a rustls
    /// server always uses at TLS 1.2 when offered.
    pub client_offered_ems: bool,
    /// CA names a server sent in its CertificateRequest (client side).
    pub received_ca_names: Option<Arc<x509::NameList>>,
    /// The OCSP response: a server's to staple (`SSL_set_tlsext_status_ocsp_resp`), the
    /// one a client received (`SSL_get_tlsext_status_ocsp_resp`).
    pub ocsp: Vec<u8>,
    /// STACK_OF(X509) handed out by `SSL_get_peer_cert_chain` / `SSL_get0_verified_chain`.
    chain_stacks: [Option<x509::CertStack>; 2],
    /// Client: the server asked for a certificate, and whether we sent one.
    pub cert_requested: bool,
    pub client_cert_sent: bool,
    /// Client: a TLS 1.2 NewSessionTicket came (known only when an info callback listens).
    pub ticket_received: bool,
    /// Server: the client's cipher suite list as sent (`SSL_get0_raw_cipherlist`), kept
    /// after the handshake as OpenSSL keeps it.
    pub raw_ciphers: Vec<u8>,
}

pub struct Ssl {
    /// Declared first: dropping it runs the application's free callbacks, right after
    /// `Drop for Ssl` and before anything else goes, as OpenSSL frees ex_data first.
    pub ex_data: ExData,
    /// The context the SSL was made from: OpenSSL keeps it (and its session cache)
    /// for the SSL's whole life, even after `SSL_set_SSL_CTX`. (Declared next: it
    /// is released first after the ex_data, as OpenSSL releases it.)
    pub initial_ctx: Arc<SslCtx>,
    ctx: RwLock<Arc<SslCtx>>,
    settings: Mutex<Settings>,
    tls: Mutex<Tls>,
    bios: Mutex<Bios>,
    peer: Mutex<PeerState>,
    /// The session: set by `SSL_set_session` (offered on connect) or made by the handshake.
    session: Mutex<Option<Arc<SslSession>>>,
    /// SNI host name a client sends (`SSL_set_tlsext_host_name`).
    hostname: Mutex<Option<CString>>,
    role: Atomic<Side>,
    /// Whether `SSL_set_connect_state`/`SSL_set_accept_state` (or connect/accept) ran.
    role_set: AtomicBool,
    shutdown: AtomicI32,
    state: Atomic<HandshakeState>,
    last_failure: Atomic<Option<Failure>>,
    info_cb: Mutex<crate::ctx::InfoCb>,
    /// The context callbacks last read, with the context's callbacks generation then. A
    /// handshake reads them a few dozen times; the context's lock is shared by every
    /// connection, this copy is not.
    callbacks_copy: Mutex<Option<(u64, crate::ctx::Callbacks)>>,
    /// `SSL_set_cert_cb` (overrides the context's).
    cert_cb: Mutex<Option<crate::ctx::Callback<crate::ctx::CertFn>>>,
    /// Sessions made during the handshake in progress; described and announced to the
    /// new-session callback when it completes.
    made: Mutex<Vec<Arc<SslSession>>>,
    /// Server: what the handshake in progress decided about resumption and tickets.
    server_hs: ServerHandshake,
    /// `SSL_get_ciphers`' stack and `SSL_get_client_ciphers`' stack.
    pub cipher_stack: crate::cipher::StackCache,
    pub client_cipher_stack: crate::cipher::StackCache,
    /// DANE records and the last verification's match (`SSL_dane_*`).
    pub dane: Mutex<crate::dane::Dane>,
    /// Where the handshake is in OpenSSL's sequence of states (see [`crate::statem`]),
    /// and the state `SSL_state_string` shows (the one an info-callback event is about
    /// while it runs).
    statem: Mutex<crate::statem::Mirror>,
    shown: Atomic<crate::statem::HsState>,
    /// A refused renegotiation in progress (see `refuse_renegotiation`).
    reneg: Atomic<Reneg>,
    shown_error: AtomicBool,
    /// A fatal error after the handshake (see `mark_fatal`).
    in_error: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Ssl {
    /// `SSL_new`: a connection with the context's current settings.
    pub fn new(ctx: Arc<SslCtx>) -> Arc<Ssl> {
        let mut settings = ctx.settings().clone();
        // A connection has no CA list of its own until one is set: it reads its context's.
        settings.ca_names = None;
        settings.own_cipher_lists = false;
        let role = if ctx.method.role == Role::Client { Side::Client } else { Side::Server };
        let dane_flags = *lock(&ctx.dane.flags);
        Arc::new_cyclic(|weak: &std::sync::Weak<Ssl>| Ssl {
            initial_ctx: ctx.clone(),
            ctx: RwLock::new(ctx),
            settings: Mutex::new(settings),
            tls: Mutex::new(Tls {
                engine: Engine::Idle,
                write_done: 0,
                write_pending: None,
                flights: 0,
                peer_closed: false,
                offered: None,
                started: None,
                hello_bytes: Vec::new(),
                records: Default::default(),
                hello_cb_done: false,
                sni_done: false,
            }),
            bios: Mutex::new(Bios::default()),
            peer: Mutex::new(PeerState::default()),
            session: Mutex::new(None),
            hostname: Mutex::new(None),
            ex_data: ExData::for_new::<crate::handles::SSL>(weak),
            role: Atomic::new(role),
            role_set: AtomicBool::new(false),
            shutdown: AtomicI32::new(0),
            state: Atomic::new(HandshakeState::Before),
            last_failure: Atomic::new(None),
            info_cb: Mutex::new(None),
            callbacks_copy: Mutex::new(None),
            cert_cb: Mutex::new(None),
            made: Mutex::new(Vec::new()),
            server_hs: ServerHandshake::default(),
            cipher_stack: crate::cipher::StackCache::default(),
            client_cipher_stack: crate::cipher::StackCache::default(),
            dane: Mutex::new(crate::dane::Dane::new(dane_flags)),
            statem: Mutex::new(crate::statem::Mirror::default()),
            shown: Atomic::new(crate::statem::HsState::Before),
            reneg: Atomic::new(Reneg::Idle),
            shown_error: AtomicBool::new(false),
            in_error: AtomicBool::new(false),
        })
    }

    /// The handle the application knows this connection by.
    pub fn app_ptr(self: &Arc<Self>) -> *mut crate::handles::SSL {
        <crate::handles::SSL as crate::handles::ownership::Handle>::handle_of(self)
    }

    pub fn ctx(&self) -> Arc<SslCtx> {
        self.ctx.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// `SSL_set_SSL_CTX`: switches the context (and with it the certificate), as a
    /// server's SNI callback does.
    pub fn set_ctx(&self, ctx: Arc<SslCtx>) {
        {
            let mut s = self.settings();
            let c = ctx.settings();
            s.cert = c.cert.clone();
            // Suite B mode lives in OpenSSL's certificate flags: it comes with the
            // context's certificates here, and otherwise stays what SSL_new copied.
            s.suite_b = c.suite_b;
            s.session_id_context = c.session_id_context.clone();
        }
        *self.ctx.write().unwrap_or_else(|e| e.into_inner()) = ctx;
    }

    pub fn settings(&self) -> MutexGuard<'_, Settings> {
        lock(&self.settings)
    }

    /// The settings with the cipher lists the connection uses now: its context's current
    /// ones unless it set its own (see `Settings::own_cipher_lists`).
    pub fn cipher_settings(&self) -> MutexGuard<'_, Settings> {
        let mut s = self.settings();
        if !s.own_cipher_lists {
            let ctx = self.ctx();
            let c = ctx.settings();
            // Usually the lists copied at SSL_new: then the shared counts are left alone.
            if !Arc::ptr_eq(&s.tls12_ciphers, &c.tls12_ciphers) {
                s.tls12_ciphers = c.tls12_ciphers.clone();
            }
            if !Arc::ptr_eq(&s.tls13_ciphers, &c.tls13_ciphers) {
                s.tls13_ciphers = c.tls13_ciphers.clone();
            }
            s.tls13_list_has_tls12 = c.tls13_list_has_tls12;
        }
        s
    }

    pub fn peer(&self) -> MutexGuard<'_, PeerState> {
        lock(&self.peer)
    }

    pub fn hostname(&self) -> MutexGuard<'_, Option<CString>> {
        lock(&self.hostname)
    }

    /// `SSL_set_tlsext_host_name`: the SNI name a client sends (None clears it). As in
    /// OpenSSL the old name goes first, so a refused name leaves none.
    pub fn set_sni_name(&self, name: Option<&std::ffi::CStr>) -> bool {
        const TLSEXT_MAXLEN_HOST_NAME: usize = 255;
        let mut host = self.hostname();
        *host = None;
        if let Some(n) = name {
            if n.to_bytes().len() > TLSEXT_MAXLEN_HOST_NAME || n.to_bytes().is_empty() {
                error::raise(error::SSL_R_SSL3_EXT_INVALID_SERVERNAME);
                return false;
            }
            *host = Some(n.to_owned());
        }
        true
    }

    pub fn is_server(&self) -> bool {
        self.role.get() == Side::Server
    }

    pub fn set_role(&self, server: bool) {
        self.role.set(if server { Side::Server } else { Side::Client });
        self.role_set.store(true, Ordering::Relaxed);
        // As in OpenSSL, setting the role restarts the handshake state machine: after a
        // finished (or failed) connection the object runs a new handshake, offering
        // its session again (`openssl s_client -reconnect` relies on this).
        if let Ok(mut tls) = self.tls.try_lock() {
            if !matches!(tls.engine, Engine::Idle) {
                self.reset_connection(&mut tls);
            }
        }
        self.shutdown.store(0, Ordering::Relaxed);
        self.state.set(HandshakeState::Before);
    }

    /// Whether the connection knows its role (`SSL_set_connect_state`/`_accept_state`,
    /// `SSL_connect`/`SSL_accept`): OpenSSL's "handshake function is set".
    pub fn role_is_set(&self) -> bool {
        self.role_set.load(Ordering::Relaxed)
    }

    /// `SSL_dup` semantics (used by the SSL filter BIO's `BIO_CTRL_DUP`): a connection
    /// that has started is shared (another reference); one still before its handshake
    /// is copied: same context, settings, host name, session, info callback, role,
    /// shutdown flags and application data (the ex_data dup callbacks run).
    pub fn dup(self: &Arc<Self>) -> Arc<Ssl> {
        if self.state() != HandshakeState::Before {
            return self.clone();
        }
        let copy = Ssl::new(self.ctx());
        *copy.settings() = self.settings().clone();
        *copy.hostname() = self.hostname().clone();
        copy.set_session(self.session());
        copy.set_info_callback(self.info_callback());
        *crate::dane::lock(&copy.dane) = crate::dane::lock(&self.dane).duplicate();
        copy.ex_data.copy_from(&self.ex_data);
        copy.role.set(self.role.get());
        copy.role_set.store(self.role_set.load(Ordering::Relaxed), Ordering::Relaxed);
        copy.shutdown.store(self.shutdown_flags(), Ordering::Relaxed);
        copy
    }

    pub fn shutdown_flags(&self) -> c_int {
        self.shutdown.load(Ordering::Relaxed)
    }

    pub fn set_shutdown_flags(&self, v: c_int) {
        self.shutdown.store(v, Ordering::Relaxed);
    }

    pub fn state(&self) -> HandshakeState {
        self.state.get()
    }

    fn set_state(&self, s: HandshakeState) {
        self.state.set(s);
    }

    /// The current context's callbacks (`SSL_CTX_set_*` on the context it uses now).
    pub fn callbacks(&self) -> crate::ctx::Callbacks {
        let ctx = self.ctx.read().unwrap_or_else(|e| e.into_inner());
        self.callbacks_of(&ctx)
    }

    /// The callbacks of the context the SSL was made with (the session and ticket ones).
    pub fn initial_callbacks(&self) -> crate::ctx::Callbacks {
        self.callbacks_of(&self.initial_ctx)
    }

    fn callbacks_of(&self, ctx: &SslCtx) -> crate::ctx::Callbacks {
        // Generations are unique across contexts: the number alone names the context and
        // the state of its callbacks.
        let generation = ctx.callbacks_generation();
        let mut copy = lock(&self.callbacks_copy);
        match *copy {
            Some((seen, cbs)) if seen == generation => cbs,
            _ => {
                let cbs = ctx.callbacks();
                *copy = Some((generation, cbs));
                cbs
            }
        }
    }

    pub fn info_callback(&self) -> crate::ctx::InfoCb {
        *lock(&self.info_cb)
    }

    /// The certificate callback in force: the SSL's own, else its context's.
    pub fn cert_callback(&self) -> crate::ctx::Callback<crate::ctx::CertFn> {
        let own = *lock(&self.cert_cb);
        own.unwrap_or_else(|| self.callbacks().cert)
    }

    pub fn set_cert_callback(&self, cb: crate::ctx::Callback<crate::ctx::CertFn>) {
        *lock(&self.cert_cb) = Some(cb);
    }

    pub fn set_info_callback(&self, cb: crate::ctx::InfoCb) {
        *lock(&self.info_cb) = cb;
    }

    /// The peer chain as a STACK_OF(X509) owned by this connection (a "get0").
    /// A server's peer chain omits the client's own certificate, as in OpenSSL.
    pub fn peer_chain_stack(&self, verified: bool) -> *mut openssl_sys::stack_st_X509 {
        let mut p = self.peer();
        if let Some(stack) = &p.chain_stacks[verified as usize] {
            return stack.as_ptr();
        }
        let certs = match (verified, self.is_server()) {
            (true, _) => p.verified_chain.clone(),
            // A server's peer chain leaves the client's own certificate out (OpenSSL's
            // long-standing asymmetry, kept for the programs that count on it).
            (false, true) => p.chain.iter().skip(1).cloned().collect(),
            (false, false) => p.chain.clone(),
        };
        // A server that asked for a certificate reports an empty chain when none came.
        let asked = self.is_server() && self.settings().verify_mode & crate::ctx::SSL_VERIFY_PEER != 0;
        if certs.is_empty() && !(asked && !verified && self.state() == HandshakeState::Done) {
            return std::ptr::null_mut();
        }
        let stack = x509::CertStack::new(&certs);
        let ptr = stack.as_ptr();
        p.chain_stacks[verified as usize] = Some(stack);
        ptr
    }

    // ---- transport -------------------------------------------------------------

    pub fn set_bios(&self, rbio: Option<Bio>, wbio: Option<Bio>) {
        let mut b = lock(&self.bios);
        b.rbio = rbio;
        b.wbio = wbio;
    }

    pub fn set_rbio(&self, rbio: Option<Bio>) {
        lock(&self.bios).rbio = rbio;
    }

    pub fn set_wbio(&self, wbio: Option<Bio>) {
        lock(&self.bios).wbio = wbio;
    }

    pub fn rbio_ptr(&self) -> *mut openssl_sys::BIO {
        lock(&self.bios).rbio.as_ref().map_or(std::ptr::null_mut(), |b| b.as_ptr())
    }

    pub fn wbio_ptr(&self) -> *mut openssl_sys::BIO {
        lock(&self.bios).wbio.as_ref().map_or(std::ptr::null_mut(), |b| b.as_ptr())
    }

    pub fn rbio(&self) -> Option<Bio> {
        lock(&self.bios).rbio.clone()
    }

    pub fn wbio(&self) -> Option<Bio> {
        lock(&self.bios).wbio.clone()
    }

    /// `SSL_clear`: ready for a new handshake on the same object (a server accepting
    /// its next client, a client reconnecting). Settings, BIOs, the role and the host
    /// name stay; the connection state and what was learnt about the peer go. The
    /// session stays too (a client may offer it again) unless the bad-session rule
    /// applies, which removes it from the cache and drops it, as OpenSSL does.
    pub fn clear(&self) -> bool {
        // A callback clearing the connection it runs inside: refuse, as OpenSSL refuses
        // during renegotiation.
        let Ok(mut tls) = self.tls.try_lock() else {
            error::raise(error::ERR_R_INTERNAL_ERROR);
            return false;
        };
        let bad = self.shutdown_flags() & SSL_SENT_SHUTDOWN == 0 && self.state() == HandshakeState::Done;
        if bad {
            self.clear_bad_session();
            *lock(&self.session) = None;
        }
        self.reset_connection(&mut tls);
        true
    }

    /// Forgets the connection (rustls state, peer facts, handshake progress) so that the
    /// object can run a new handshake; the session is kept, to be offered again.
    fn reset_connection(&self, tls: &mut Tls) {
        *tls = Tls {
            engine: Engine::Idle,
            write_done: 0,
            write_pending: None,
            flights: 0,
            peer_closed: false,
            offered: None,
            started: None,
            hello_bytes: Vec::new(),
            records: Default::default(),
            hello_cb_done: false,
            sni_done: false,
        };
        *self.peer() = PeerState::default();
        self.shutdown.store(0, Ordering::Relaxed);
        self.set_state(HandshakeState::Before);
        self.last_failure.set(None);
        lock(&self.made).clear();
        self.server_hs.reset();
        crate::dane::lock(&self.dane).clear_result();
        self.settings().param.take_peername(None);
        *self.statem() = crate::statem::Mirror::default();
        self.shown.set(crate::statem::HsState::Before);
        self.shown_error.store(false, Ordering::Relaxed);
        self.in_error.store(false, Ordering::Relaxed);
    }

    pub fn is_init_finished(&self) -> bool {
        self.state() == HandshakeState::Done
    }

    /// A fatal error on an established connection puts it in OpenSSL's error state: not
    /// "init finished" any more (`SSL_is_init_finished` 0, `SSL_in_init` 1: lighttpd
    /// then drops the connection quietly), `SSL_state_string` "SSLERR". Errors during
    /// the handshake are shown by the state mirror.
    fn mark_fatal(&self) {
        if self.state() == HandshakeState::Done {
            self.in_error.store(true, Ordering::Relaxed);
            self.shown_error.store(true, Ordering::Relaxed);
        }
    }

    /// `SSL_is_init_finished` as OpenSSL answers it: the handshake is done and no fatal
    /// error has happened since; once 0 right after a refused renegotiation's handshake
    /// (see `refuse_renegotiation`).
    pub fn init_finished_shown(&self) -> bool {
        if self.reneg.transition(Reneg::Failed, Reneg::Reported) {
            return false;
        }
        self.is_init_finished() && !self.in_error.load(Ordering::Relaxed)
    }

    /// The negotiated protocol version, or 0 before the handshake.
    pub fn version(&self) -> u16 {
        self.peer().version
    }

    pub fn session_reused(&self) -> bool {
        self.peer().reused
    }

    /// The ClientHello of a server handshake in progress.
    pub fn client_hello(&self) -> Option<Arc<crate::hello::ClientHello>> {
        self.peer().client_hello.clone()
    }
}

/// What the server's ALPN select callback decided.
pub enum AlpnChoice {
    NotCalled,
    Selected(Vec<u8>),
    NoAck,
    Fatal,
    /// SSL_TLSEXT_ERR_OK without a protocol: OpenSSL's copy of it fails (internal_error).
    Empty,
}

impl Drop for Ssl {
    fn drop(&mut self) {
        self.clear_bad_session();
        // The ex_data free callbacks run next, when `ex_data` (the first field) drops.
    }
}

/// rustls' key log, redirected to the application's `SSL_CTX_set_keylog_callback`.
#[derive(Debug)]
pub struct KeyLogBridge;

impl rustls::KeyLog for KeyLogBridge {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        current(|ssl| {
            {
                let mut p = ssl.peer();
                if p.client_random.is_empty() {
                    p.client_random = client_random.to_vec();
                }
                // TLS 1.2's master secret: OpenSSL keeps it in the session.
                if label == "CLIENT_RANDOM" {
                    p.master_secret = secret.to_vec();
                }
            }
            let cb = ssl.callbacks().keylog;
            if cb.is_none() {
                return;
            }
            let mut line = String::with_capacity(label.len() + 2 + 2 * (client_random.len() + secret.len()));
            line.push_str(label);
            line.push(' ');
            for b in client_random {
                line.push_str(&format!("{b:02x}"));
            }
            line.push(' ');
            for b in secret {
                line.push_str(&format!("{b:02x}"));
            }
            crate::callbacks::ssl::run_keylog_callback(ssl, cb, &line);
        });
    }

    /// Always: the hook is also how `SSL_get_client_random` learns the random.
    fn will_log(&self, _label: &str) -> bool {
        true
    }
}
