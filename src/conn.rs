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

use std::cell::RefCell;
use std::ffi::CString;
use std::io::{self, BufRead, Read, Write};
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rustls::pki_types::ServerName;
use rustls::server::Acceptor;
use rustls::{ClientConnection, Connection, HandshakeKind};

use crate::crypto::bio::{Bio, Retry};
use crate::crypto::exdata::{ExData, CLASS_SSL};
use crate::crypto::x509::{self, X509Cert};
use crate::ctx::{Role, Settings, SslCtx, Stats};
use crate::error;
use crate::session::{Resumption, SessionData, SslSession};
use crate::verify::Outcome;

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

/// `SSL_read_early_data`'s progress: not called yet, to be called again (the handshake
/// wants I/O), done (it reported the end of the early data).
const EARLY_NONE: u8 = 0;
const EARLY_RETRY: u8 = 1;
const EARLY_FINISHED: u8 = 2;

/// Why an I/O call did not complete: the basis of `SSL_get_error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    WantRead,
    WantWrite,
    ZeroReturn,
    /// The transport failed or closed without a TLS error.
    Syscall,
    /// A TLS or usage error, queued on the error stack.
    Ssl,
    /// A fatal error that ended the stream while reading (a fatal alert from the peer,
    /// or end of stream without close_notify): `SSL_read` returns 0, not -1.
    Closed,
    /// The client-hello callback suspended the handshake.
    WantClientHello,
    /// The certificate callback suspended the handshake (`SSL_ERROR_WANT_X509_LOOKUP`).
    WantX509Lookup,
    /// The method has no handshake for the role asked for (a client-only method in
    /// accept state or the reverse): OpenSSL's handshake function is its "undefined
    /// function", which returns 0 with `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED` queued.
    WrongRole,
}

impl Failure {
    fn code(self) -> u8 {
        match self {
            Failure::WantRead => 1,
            Failure::WantWrite => 2,
            Failure::ZeroReturn => 3,
            Failure::Syscall => 4,
            Failure::Ssl => 5,
            Failure::Closed => 6,
            Failure::WantClientHello => 7,
            Failure::WrongRole => 8,
            Failure::WantX509Lookup => 9,
        }
    }

    fn from_code(c: u8) -> Option<Failure> {
        Some(match c {
            1 => Failure::WantRead,
            2 => Failure::WantWrite,
            3 => Failure::ZeroReturn,
            4 => Failure::Syscall,
            5 => Failure::Ssl,
            6 => Failure::Closed,
            7 => Failure::WantClientHello,
            8 => Failure::WrongRole,
            9 => Failure::WantX509Lookup,
            _ => return None,
        })
    }
}

/// Where the handshake stands (`SSL_get_state`, `SSL_is_init_finished`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeState {
    Before = 0,
    InProgress = 1,
    Done = 2,
    Failed = 3,
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

/// A refused renegotiation's progress: none, requested (`SSL_renegotiate`), its
/// handshake failed (`SSL_do_handshake`) and not yet reported by `SSL_is_init_finished`.
const RENEG_NONE: u8 = 0;
const RENEG_REQUESTED: u8 = 1;
const RENEG_FAILED: u8 = 2;
/// ... and `SSL_is_init_finished` has said so; `SSL_get_state` still shows the request.
const RENEG_REPORTED: u8 = 3;

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
    role: AtomicU8,
    /// Whether `SSL_set_connect_state`/`SSL_set_accept_state` (or connect/accept) ran.
    role_set: AtomicU8,
    shutdown: AtomicI32,
    state: AtomicU8,
    last_failure: AtomicU8,
    info_cb: Mutex<crate::ctx::InfoCb>,
    /// `SSL_set_cert_cb` (overrides the context's).
    cert_cb: Mutex<Option<(crate::ctx::CertCb, crate::ctx::AppPtr)>>,
    /// Sessions made during the handshake in progress; described and announced to the
    /// new-session callback when it completes.
    made: Mutex<Vec<Arc<SslSession>>>,
    /// Server: the cached session a resumption attempt found.
    resumed_from: Mutex<Option<Arc<SslSession>>>,
    /// Server: a ticket or cached session for resumption was accepted this handshake.
    resuming: std::sync::atomic::AtomicBool,
    /// Server: tickets rustls asked to issue in this handshake, and those issued.
    tickets_issued: std::sync::atomic::AtomicUsize,
    tickets_made: std::sync::atomic::AtomicUsize,
    /// Server: false when the application's ticket key callback opened the ticket
    /// being resumed without asking for a new one (it returned 1, not 2).
    renew_ticket: AtomicBool,
    /// Server: the application's ticket decrypt callback said IGNORE: no ticket is issued.
    no_tickets: AtomicBool,
    /// Server: where `SSL_read_early_data` is (EARLY_* below).
    early_read: AtomicU8,
    /// Server: the session the handshake in progress works on, from the ClientHello on
    /// (OpenSSL makes it there: `SSL_get_session` in a servername callback finds it),
    /// made on first request; a full handshake ends with it as the connection's session.
    pending_session: Mutex<Option<Arc<SslSession>>>,
    pending_allowed: AtomicBool,
    /// `SSL_get_ciphers`' stack and `SSL_get_client_ciphers`' stack.
    pub cipher_stack: crate::cipher::StackCache,
    pub client_cipher_stack: crate::cipher::StackCache,
    /// DANE records and the last verification's match (`SSL_dane_*`).
    pub dane: Mutex<crate::dane::Dane>,
    /// Where the handshake is in OpenSSL's sequence of states (see [`crate::statem`]),
    /// and the state `SSL_state_string` shows (the one an info-callback event is about
    /// while it runs).
    statem: Mutex<crate::statem::Mirror>,
    shown: AtomicU8,
    /// A refused renegotiation in progress (`RENEG_*`, see `refuse_renegotiation`).
    reneg: AtomicU8,
    shown_error: AtomicBool,
    /// A fatal error after the handshake (see `mark_fatal`).
    in_error: AtomicBool,
}

const ROLE_CLIENT: u8 = 0;
const ROLE_SERVER: u8 = 1;

thread_local! {
    /// The connections being driven on this thread, innermost last.
    static CURRENT: RefCell<Vec<Arc<Ssl>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the connection this thread is driving (for rustls callbacks).
///
/// The thread's record may already be gone: programs call `SSL_shutdown`/`SSL_free`
/// from `atexit` handlers, which glibc runs after thread-local destructors. Then there
/// is no current connection (nothing that needs one runs while shutting down).
pub fn current<R>(f: impl FnOnce(&Arc<Ssl>) -> R) -> Option<R> {
    let ssl = CURRENT.try_with(|c| c.borrow().last().cloned()).ok().flatten()?;
    Some(f(&ssl))
}

/// Marks `ssl` as the connection being driven until dropped (if the thread still has
/// its record; see [`current`]).
struct Driving(bool);

impl Driving {
    fn enter(ssl: &Arc<Ssl>) -> Driving {
        Driving(CURRENT.try_with(|c| c.borrow_mut().push(ssl.clone())).is_ok())
    }
}

impl Drop for Driving {
    fn drop(&mut self) {
        if self.0 {
            let _ = CURRENT.try_with(|c| c.borrow_mut().pop());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A call into `ssl` from one of its own callbacks: this thread is inside one of its
/// calls, which holds its TLS state. Locking that again would deadlock, so the nested
/// call fails instead (`reentered` queues the error naming it; OpenSSL lets some of
/// these through, see the README).
fn inside(ssl: &Ssl) -> bool {
    CURRENT.try_with(|c| c.borrow().iter().any(|s| std::ptr::eq(Arc::as_ptr(s), ssl))).unwrap_or(false)
}

fn reentered(ssl: &Ssl, what: &str) -> bool {
    let nested = inside(ssl);
    if nested {
        error::raise_with_data(
            error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
            &format!("{what} from a callback of the same connection"),
        );
    }
    nested
}

/// `io::Read` over the connection's read BIO.
/// `io::Read` over the connection's read BIO that, without read-ahead, stops at the end
/// of the record being read (see [`crate::records`]).
struct BioReader<'a> {
    bio: &'a Bio,
    records: &'a mut crate::records::RecordTracker,
    read_ahead: bool,
}

impl Read for BioReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = if self.read_ahead { buf.len() } else { buf.len().min(self.records.to_boundary()) };
        let n = self.bio.read(&mut buf[..want])?;
        self.records.advance(&buf[..n]);
        Ok(n)
    }
}

/// Reads through `inner`, keeping a copy of what the client sends first (at most
/// [`HELLO_COPY_MAX`] bytes: a ClientHello never needs more).
const HELLO_COPY_MAX: usize = 0x1_0000 + 5 * 16;

struct PrefixReader<'a, 'b> {
    inner: BioReader<'a>,
    prefix: &'b mut Vec<u8>,
}

impl Read for PrefixReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let want = HELLO_COPY_MAX.saturating_sub(self.prefix.len()).min(n);
        self.prefix.extend_from_slice(&buf[..want]);
        Ok(n)
    }
}

/// `io::Write` over the connection's write BIO.
struct BioWriter<'a>(&'a Bio);

impl Write for BioWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    /// rustls hands over several records at once (a handshake flight); one BIO write
    /// for them all keeps a flight in one TCP segment, as OpenSSL's buffering does,
    /// instead of letting Nagle's algorithm hold back the second small write.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        const COALESCE_LIMIT: usize = 32 * 1024;
        let nonempty: Vec<&[u8]> = bufs.iter().map(|b| &b[..]).filter(|b| !b.is_empty()).collect();
        let total: usize = nonempty.iter().map(|b| b.len()).sum();
        match nonempty.len() {
            0 => Ok(0),
            1 => self.0.write(nonempty[0]),
            _ if total <= COALESCE_LIMIT => self.0.write(&nonempty.concat()),
            _ => self.0.write(nonempty[0]),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush();
        Ok(())
    }
}

impl Ssl {
    /// `SSL_new`: a connection with the context's current settings.
    pub fn new(ctx: Arc<SslCtx>) -> Arc<Ssl> {
        let mut settings = ctx.settings().clone();
        // A connection has no CA list of its own until one is set: it reads its context's.
        settings.ca_names = None;
        settings.own_cipher_lists = false;
        let role = if ctx.method.role == Role::Client { ROLE_CLIENT } else { ROLE_SERVER };
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
            // SAFETY: the SSL's final address; `ex_data` is its first field.
            ex_data: unsafe { ExData::new(CLASS_SSL, weak.as_ptr() as *mut c_void) },
            role: AtomicU8::new(role),
            role_set: AtomicU8::new(0),
            shutdown: AtomicI32::new(0),
            state: AtomicU8::new(HandshakeState::Before as u8),
            last_failure: AtomicU8::new(0),
            info_cb: Mutex::new(None),
            cert_cb: Mutex::new(None),
            made: Mutex::new(Vec::new()),
            resumed_from: Mutex::new(None),
            resuming: std::sync::atomic::AtomicBool::new(false),
            tickets_issued: std::sync::atomic::AtomicUsize::new(0),
            tickets_made: std::sync::atomic::AtomicUsize::new(0),
            renew_ticket: AtomicBool::new(true),
            no_tickets: AtomicBool::new(false),
            early_read: AtomicU8::new(EARLY_NONE),
            pending_session: Mutex::new(None),
            pending_allowed: AtomicBool::new(false),
            cipher_stack: crate::cipher::StackCache::default(),
            client_cipher_stack: crate::cipher::StackCache::default(),
            dane: Mutex::new(crate::dane::Dane::new(dane_flags)),
            statem: Mutex::new(crate::statem::Mirror::default()),
            shown: AtomicU8::new(crate::statem::HsState::Before as u8),
            reneg: AtomicU8::new(RENEG_NONE),
            shown_error: AtomicBool::new(false),
            in_error: AtomicBool::new(false),
        })
    }

    /// The handle the application knows this connection by.
    pub fn app_ptr(self: &Arc<Self>) -> *mut crate::abi::SSL {
        Arc::as_ptr(self) as *mut crate::abi::SSL
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
            s.tls12_ciphers.clone_from(&c.tls12_ciphers);
            s.tls13_ciphers.clone_from(&c.tls13_ciphers);
            s.tls13_list_has_tls12 = c.tls13_list_has_tls12;
            s.suite_b = c.suite_b;
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
        self.role.load(Ordering::Relaxed) == ROLE_SERVER
    }

    pub fn set_role(&self, server: bool) {
        self.role.store(if server { ROLE_SERVER } else { ROLE_CLIENT }, Ordering::Relaxed);
        self.role_set.store(1, Ordering::Relaxed);
        // As in OpenSSL, setting the role restarts the handshake state machine: after a
        // finished (or failed) connection the object runs a new handshake, offering
        // its session again (`openssl s_client -reconnect` relies on this).
        if let Ok(mut tls) = self.tls.try_lock() {
            if !matches!(tls.engine, Engine::Idle) {
                self.reset_connection(&mut tls);
            }
        }
        self.shutdown.store(0, Ordering::Relaxed);
        self.state.store(HandshakeState::Before as u8, Ordering::Relaxed);
    }

    /// Whether the connection knows its role (`SSL_set_connect_state`/`_accept_state`,
    /// `SSL_connect`/`SSL_accept`): OpenSSL's "handshake function is set".
    pub fn role_is_set(&self) -> bool {
        self.role_set.load(Ordering::Relaxed) != 0
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
        copy.role.store(self.role.load(Ordering::Relaxed), Ordering::Relaxed);
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
        match self.state.load(Ordering::Relaxed) {
            0 => HandshakeState::Before,
            1 => HandshakeState::InProgress,
            2 => HandshakeState::Done,
            _ => HandshakeState::Failed,
        }
    }

    fn set_state(&self, s: HandshakeState) {
        self.state.store(s as u8, Ordering::Relaxed);
    }

    pub fn info_callback(&self) -> crate::ctx::InfoCb {
        *lock(&self.info_cb)
    }

    /// The certificate callback in force: the SSL's own, else its context's.
    pub fn cert_callback(&self) -> (crate::ctx::CertCb, crate::ctx::AppPtr) {
        if let Some(own) = *lock(&self.cert_cb) {
            return own;
        }
        let cbs = self.ctx().callbacks();
        (cbs.cert, cbs.cert_arg)
    }

    pub fn set_cert_callback(&self, cb: crate::ctx::CertCb, arg: crate::ctx::AppPtr) {
        *lock(&self.cert_cb) = Some((cb, arg));
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
        if !self.pending_allowed.load(Ordering::Relaxed) {
            return None;
        }
        let mut pending = lock(&self.pending_session);
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
        let seen = self.session().or_else(|| lock(&self.pending_session).clone());
        seen.and_then(|s| s.data().ticket_appdata.clone())
            .or_else(|| lock(&self.resumed_from).as_ref().and_then(|s| s.data().ticket_appdata.clone()))
    }

    fn end_pending_session(&self) {
        self.pending_allowed.store(false, Ordering::Relaxed);
        let old = lock(&self.pending_session).take();
        drop(old);
    }

    pub fn set_session(&self, s: Option<Arc<SslSession>>) {
        let old = std::mem::replace(&mut *lock(&self.session), s);
        drop(old); // released outside the lock: its ex_data callbacks may call us
    }

    /// Whether a client can offer `s`: resumable, and of a version these settings allow.
    fn can_offer(&self, s: &SslSession, settings: &Settings) -> bool {
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
    fn session_template(&self) -> SessionData {
        let mut d = SessionData {
            time: crate::session::now(),
            timeout: self.initial_ctx.settings().session_timeout,
            sid_ctx: self.settings().session_id_context.clone(),
            ..SessionData::default()
        };
        self.describe_into(&mut d);
        d
    }

    /// Copies what the handshake negotiated into a session's description.
    fn describe_into(&self, d: &mut SessionData) {
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
    fn announce_session(&self, sess: &Arc<SslSession>) {
        use crate::session::cache::*;
        let ctx = &self.initial_ctx;
        let mode = ctx.settings().session_cache_mode;
        let side = if self.is_server() { SSL_SESS_CACHE_SERVER } else { SSL_SESS_CACHE_CLIENT };
        if mode & side == 0 {
            return;
        }
        let cbs = ctx.callbacks();
        // A stateless ticket's session is kept only for a remove callback to hear of
        // (OpenSSL's rule); everything else with an ID is kept unless told not to.
        let keep = !sess.data().id.is_empty()
            && (!sess.data().stateless_ticket || cbs.remove_session.is_some())
            && mode & SSL_SESS_CACHE_NO_INTERNAL_STORE == 0;
        if keep {
            ctx.cache_add(sess);
        }
        if let Some(cb) = cbs.new_session {
            crate::abi::session::run_new_session_cb(self, cb, sess);
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
        self.last_failure.store(0, Ordering::Relaxed);
        lock(&self.made).clear();
        *lock(&self.resumed_from) = None;
        self.resuming.store(false, Ordering::Relaxed);
        self.tickets_issued.store(0, Ordering::Relaxed);
        self.tickets_made.store(0, Ordering::Relaxed);
        self.renew_ticket.store(true, Ordering::Relaxed);
        self.no_tickets.store(false, Ordering::Relaxed);
        self.early_read.store(EARLY_NONE, Ordering::Relaxed);
        self.end_pending_session();
        crate::dane::lock(&self.dane).clear_result();
        self.settings().param.take_peername(None);
        *self.statem() = crate::statem::Mirror::default();
        self.shown.store(crate::statem::HsState::Before as u8, Ordering::Relaxed);
        self.shown_error.store(false, Ordering::Relaxed);
        self.in_error.store(false, Ordering::Relaxed);
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
        self.resuming.store(true, Ordering::Relaxed);
    }

    /// Server: a stateless ticket decrypted; like OpenSSL, the session it carries
    /// becomes an object now, at the ClientHello.
    pub fn note_ticket_resumption(&self, sess: Arc<SslSession>) {
        self.note_resuming();
        *lock(&self.resumed_from) = Some(sess);
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
        let issued = self.tickets_issued.fetch_add(1, Ordering::Relaxed);
        let ok = !self.no_tickets.load(Ordering::Relaxed)
            && !(self.resuming.load(Ordering::Relaxed) && (issued >= 1 || !self.renew_ticket.load(Ordering::Relaxed)));
        if ok {
            self.tickets_made.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// Server: the application's ticket decrypt callback answered IGNORE (or ABORT): this
    /// connection issues no ticket, as OpenSSL's does not.
    pub fn suppress_tickets(&self) {
        self.no_tickets.store(true, Ordering::Relaxed);
    }

    /// Server: the application's ticket key callback opened the ticket being resumed,
    /// asking (`renew`) or not for a new one.
    pub fn note_ticket_renewal(&self, renew: bool) {
        self.renew_ticket.store(renew, Ordering::Relaxed);
    }

    /// rustls' server stored a session under `id` (TLS 1.2 session ID, TLS 1.3
    /// stateful ticket).
    pub fn server_session_made(&self, id: Vec<u8>, value: Vec<u8>) -> bool {
        use crate::session::cache::*;
        if !self.may_issue_ticket() {
            return false;
        }
        let ctx = &self.initial_ctx;
        let mode = ctx.settings().session_cache_mode;
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
        let mode = ctx.settings().session_cache_mode;
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
            if let Some(cb) = ctx.callbacks().get_session {
                found = crate::abi::session::run_get_session_cb(self, cb, id);
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
        *lock(&self.resumed_from) = Some(sess);
        value
    }

    /// The rustls certificate this connection presents: the first complete one (the
    /// current first) whose key can sign with one of the peer's `schemes`.
    pub fn certified_key_for(&self, schemes: &[rustls::SignatureScheme]) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let certs = self.settings().cert.clone();
        let ctx = self.ctx();
        let extra = ctx.extra_chain();
        let (auto_chain, own_store) = {
            let st = self.settings();
            (st.mode & crate::ctx::SSL_MODE_NO_AUTO_CHAIN == 0, st.chain_store.clone())
        };
        let ctx_store = ctx.store();
        let chain_store = auto_chain.then_some(own_store.as_deref().unwrap_or(&ctx_store));
        let candidates: Vec<_> =
            certs.complete().filter_map(|c| Some((c, c.certified(&extra, chain_store)?))).collect();
        // Between several certificates (RSA and ECDSA, say) OpenSSL takes, in TLS 1.3, the
        // one that signs with the first shared signature scheme, and in TLS 1.2 the one
        // the first shared cipher suite authenticates with; the peer's order, or ours
        // with SSL_OP_CIPHER_SERVER_PREFERENCE. Without one for the peer's schemes, the
        // current one is offered anyway: rustls then fails as OpenSSL does ("no shared
        // cipher").
        let server_pref = self.settings().options & crate::ctx::SSL_OP_CIPHER_SERVER_PREFERENCE != 0;
        let usable = |ck: &rustls::sign::CertifiedKey, scheme: &[rustls::SignatureScheme]| {
            ck.key.choose_scheme(scheme).is_some()
        };
        let found = match self.tls12_suite_order(server_pref) {
            Some(suites) => {
                // TLS 1.2 (RFC 8422): an ECDSA certificate whose curve the client does not
                // list, or we do not allow, authenticates no suite, as OpenSSL checks.
                let allowed: Vec<_> = candidates.iter().filter(|(slot, _)| self.tls12_curve_allowed(slot)).collect();
                let found = suites.iter().filter_map(|c| c.certificate_key()).find_map(|kind| {
                    allowed.iter().find(|(_, ck)| ck.key.algorithm() == kind && usable(ck, schemes)).copied()
                });
                if found.is_none() && allowed.is_empty() {
                    // Nothing OpenSSL would use: a key of no algorithm any suite
                    // authenticates makes rustls fail as OpenSSL does ("no shared cipher",
                    // handshake_failure).
                    let (slot, certified) = candidates.first()?;
                    self.settings().cert.select_chosen(slot);
                    return Some(crate::keys::refusing(certified));
                }
                found
            }
            None => {
                let order: Vec<rustls::SignatureScheme> = if server_pref {
                    crate::verify::preferred_schemes().into_iter().filter(|s| schemes.contains(s)).collect()
                } else {
                    schemes.to_vec()
                };
                order.iter().find_map(|s| candidates.iter().find(|(_, ck)| usable(ck, std::slice::from_ref(s))))
            }
        };
        let found = found.or_else(|| candidates.first());
        let (slot, certified) = found.cloned()?;
        // As in OpenSSL, the chosen certificate becomes the connection's current one
        // (`SSL_get_certificate` in the status callback that follows).
        self.settings().cert.select_chosen(slot);
        Some(certified)
    }

    // ---- OpenSSL's handshake states (the info callback, SSL_state_string) ----------------

    fn statem(&self) -> MutexGuard<'_, crate::statem::Mirror> {
        lock(&self.statem)
    }

    /// The state `SSL_get_state`/`SSL_state_string` report, and whether the handshake failed.
    pub fn shown_state(&self) -> (crate::statem::HsState, bool) {
        let s = self.shown.load(Ordering::Relaxed);
        (crate::statem::HsState::from_u8(s), self.shown_error.load(Ordering::Relaxed))
    }

    /// Runs the info callback for each event, `SSL_state_string` showing the state each is
    /// about (OpenSSL passes the role only with LOOP and EXIT events).
    fn emit(self: &Arc<Self>, events: Vec<crate::statem::Event>) {
        use crate::statem::Event;
        const SSL_CB_LOOP: c_int = 0x01;
        const SSL_CB_EXIT: c_int = 0x02;
        let role = if self.is_server() { SSL_ST_ACCEPT } else { SSL_ST_CONNECT };
        let has_cb = self.info_callback().is_some() || self.ctx().callbacks().info.is_some();
        for e in events {
            let (state, error, where_, ret) = match e {
                Event::Start(s) => (s, false, SSL_CB_HANDSHAKE_START, 1),
                Event::Loop(s) => (s, false, role | SSL_CB_LOOP, 1),
                Event::Exit(s, r) => (s, false, role | SSL_CB_EXIT, r),
                Event::ExitError(r) => (self.shown_state().0, true, role | SSL_CB_EXIT, r),
                Event::Done(s) => (s, false, SSL_CB_HANDSHAKE_DONE, 1),
            };
            self.shown.store(state as u8, Ordering::Relaxed);
            self.shown_error.store(error, Ordering::Relaxed);
            if has_cb {
                self.info(where_, ret);
            }
        }
        let m = self.statem();
        self.shown.store(m.state as u8, Ordering::Relaxed);
        self.shown_error.store(m.error, Ordering::Relaxed);
    }

    /// The flow this handshake follows, once rustls knows the version (provisional
    /// before: only the states up to the first flight are the same in every flow).
    fn hs_flow(&self, tls: &Tls) -> crate::statem::Flow {
        let now = self.hs_flow_now(tls);
        let known = matches!(&tls.engine, Engine::Active(c) if c.protocol_version().is_some());
        self.statem().settle_flow(now, known)
    }

    fn hs_flow_now(&self, tls: &Tls) -> crate::statem::Flow {
        let server = self.is_server();
        let mut flow = crate::statem::Flow { server, ..Default::default() };
        let Engine::Active(conn) = &tls.engine else { return flow };
        let Some(version) = conn.protocol_version() else { return flow };
        flow.tls13 = version == rustls::ProtocolVersion::TLSv1_3;
        flow.resumed = conn.handshake_kind() == Some(HandshakeKind::Resumed);
        let (options, verify_mode) = {
            let st = self.settings();
            (st.options, st.verify_mode)
        };
        let hello = if server { self.client_hello() } else { None };
        let p = self.peer();
        if server {
            flow.cert_requested = verify_mode & crate::ctx::SSL_VERIFY_PEER != 0;
            flow.client_cert = !p.chain.is_empty();
            flow.status = !flow.tls13 && !p.ocsp.is_empty() && hello.as_ref().is_some_and(|h| h.extension(5).is_some());
            flow.ticket = !flow.tls13 && self.tickets_made.load(Ordering::Relaxed) > 0;
        } else {
            flow.cert_requested = p.cert_requested;
            flow.client_cert = p.client_cert_sent;
            flow.status = !flow.tls13 && !p.ocsp.is_empty();
        }
        if !server && !flow.tls13 {
            flow.ticket = p.ticket_received;
        }
        drop(p);
        flow.ccs = flow.tls13
            && options & crate::ctx::SSL_OP_ENABLE_MIDDLEBOX_COMPAT != 0
            && (!server || hello.is_some_and(|h| !h.session_id().is_empty()));
        flow
    }

    /// A handshake call stops: waiting for the peer, or failed.
    fn report_stop(self: &Arc<Self>, tls: &mut Tls, f: Failure) {
        if self.state() == HandshakeState::Done || matches!(tls.engine, Engine::Idle) {
            return;
        }
        let waiting = matches!(
            f,
            Failure::WantRead
                | Failure::WantWrite
                | Failure::WantClientHello
                | Failure::WantX509Lookup
                | Failure::ZeroReturn
        );
        let plan = crate::statem::Plan::of(&self.hs_flow(tls));
        let ev = {
            let mut m = self.statem();
            if !waiting {
                m.failed(None, None)
            } else if usize::from(tls.flights) > m.waits() {
                m.wait(&plan)
            } else {
                m.idle()
            }
        };
        self.emit(ev);
    }

    /// A fatal error is about to be reported: the states passed before it. A client
    /// that read the server's hello is past it (and, in TLS 1.3, past the encrypted
    /// extensions that came with it): OpenSSL fails on the message after those.
    fn report_failure_progress(self: &Arc<Self>, tls: &Tls) {
        if self.is_server() || self.state() != HandshakeState::InProgress {
            return;
        }
        let flow = self.hs_flow(tls);
        let Engine::Active(conn) = &tls.engine else { return };
        if conn.protocol_version().is_none() {
            return;
        }
        let plan = crate::statem::Plan::of(&flow);
        let target = if flow.tls13 {
            crate::statem::HsState::CrEncryptedExtensions
        } else {
            crate::statem::HsState::CrSrvrHello
        };
        let ev = {
            let mut m = self.statem();
            match plan.index_of(target) {
                Some(i) => m.advance(&plan, i),
                None => Vec::new(),
            }
        };
        self.emit(ev);
    }

    /// The handshake completed.
    fn report_done(self: &Arc<Self>, tls: &Tls) {
        let flow = self.hs_flow(tls);
        let plan = crate::statem::Plan::of(&flow);
        let tickets = if flow.server && flow.tls13 { self.tickets_made.load(Ordering::Relaxed) } else { 0 };
        let ev = self.statem().done(&plan, tickets);
        self.emit(ev);
    }

    /// Server, while choosing its certificate: the TLS 1.2 suites both sides have, in
    /// the order that decides (the client's, or ours with server preference); None when
    /// the handshake will be TLS 1.3 (the client offers it and we allow it).
    /// Server: whether the handshake will be TLS 1.3 (the client offers it, we allow it).
    fn client_offers_usable_tls13(&self) -> bool {
        const SUPPORTED_VERSIONS: u16 = 43;
        let we13 = self.settings().versions().iter().any(|v| v.version == rustls::ProtocolVersion::TLSv1_3);
        we13 && self.client_hello().is_some_and(|h| {
            h.extension(SUPPORTED_VERSIONS)
                .is_some_and(|v| v.get(1..).unwrap_or(&[]).chunks_exact(2).any(|c| c == [3, 4]))
        })
    }

    /// Whether a TLS 1.2 server may use this certificate's key as far as curves go: not an
    /// EC key, or one on a curve in the client's supported groups (a client that sends
    /// none accepts any; the server's own list does not matter, as in OpenSSL).
    fn tls12_curve_allowed(&self, slot: &crate::keys::CertKey) -> bool {
        const SUPPORTED_GROUPS: u16 = 10;
        let Some(nid) = slot.key.as_ref().and_then(|k| k.ec_curve_nid()) else { return true };
        let Some(id) = crate::groups::group_for_nid(nid) else { return false };
        self.client_hello()
            .and_then(|h| {
                let list = h.extension(SUPPORTED_GROUPS)?;
                Some(list.get(2..).unwrap_or(&[]).chunks_exact(2).any(|c| u16::from_be_bytes([c[0], c[1]]) == id))
            })
            .unwrap_or(true)
    }

    fn tls12_suite_order(&self, server_pref: bool) -> Option<Vec<&'static crate::cipher::SslCipher>> {
        let hello = self.client_hello()?;
        if self.client_offers_usable_tls13() {
            return None;
        }
        let ours = self.cipher_settings().tls12_ciphers.clone();
        let offered: Vec<u16> = hello.ciphers().chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        Some(if server_pref {
            ours.into_iter().filter(|c| offered.contains(&c.protocol_id)).collect()
        } else {
            offered.iter().filter_map(|id| ours.iter().copied().find(|c| c.protocol_id == *id)).collect()
        })
    }

    // ---- verification --------------------------------------------------------------

    /// Verifies the peer's chain with libcrypto and records the outcome.
    pub fn verify_chain(self: &Arc<Self>, leaf: X509Cert, chain: Vec<X509Cert>) -> Outcome {
        let (param, mode, callback) = {
            let s = self.settings();
            (s.param.clone(), s.verify_mode, s.verify_callback)
        };
        let ctx = self.ctx();
        let cbs = ctx.callbacks();
        // SSL(_CTX)_set1_verify_cert_store replaces the context's store for this.
        let own_store = self.settings().verify_store.clone();
        let ctx_store = ctx.store();
        let store: &x509::X509Store = own_store.as_deref().unwrap_or(&ctx_store);
        let inputs = x509::VerifyInputs {
            store,
            param: &param,
            purpose: if self.is_server() { c"ssl_client" } else { c"ssl_server" },
            callback,
            app_ssl: self.app_ptr() as *mut c_void,
            ex_index: x509::ssl_ex_index(),
            app_verify: cbs.cert_verify.map(|f| (f, cbs.cert_verify_arg.0)),
        };
        let mut full_chain = Vec::with_capacity(chain.len() + 1);
        full_chain.push(leaf.clone());
        full_chain.extend(chain.iter().cloned());
        // The records are copied out: the application's verify callback may call back
        // into the connection's DANE functions while libcrypto matches.
        let dane = crate::dane::lock(&self.dane).inputs();
        let verdict = x509::verify_chain(&leaf, &chain, &inputs, dane.as_ref());
        drop(ctx_store);
        self.settings().param.take_peername(Some(&param));
        if dane.is_some() {
            crate::dane::lock(&self.dane).set_found(verdict.dane.clone());
        }
        let accept = verdict.ok || mode & crate::ctx::SSL_VERIFY_PEER == 0;
        {
            let mut p = self.peer();
            p.verify_result = verdict.error as i64;
            // A rejected peer leaves no certificate behind, as in OpenSSL.
            if accept {
                p.chain = full_chain;
                p.verified_chain = verdict.chain;
            }
            p.chain_stacks = [None, None];
        }
        if !verdict.ok && accept {
            // SSL_VERIFY_NONE: the result is recorded and the handshake goes on.
            crate::crypto::err::clear();
        }
        Outcome { accept, error: if verdict.ok { 0 } else { verdict.error } }
    }

    // ---- the record loop -------------------------------------------------------------

    fn fail(&self, f: Failure) -> Failure {
        self.last_failure.store(f.code(), Ordering::Relaxed);
        f
    }

    /// `SSL_get_error`, derived from the last call's outcome, the BIOs and the error queue.
    pub fn get_error(&self, ret: c_int) -> c_int {
        if ret > 0 {
            return SSL_ERROR_NONE;
        }
        let e = crate::crypto::err::peek();
        if e != 0 {
            let lib = ((e >> 23) & 0xff) as c_int;
            return if lib == error::ERR_LIB_SYS { SSL_ERROR_SYSCALL } else { SSL_ERROR_SSL };
        }
        match Failure::from_code(self.last_failure.load(Ordering::Relaxed)) {
            Some(Failure::WantRead) => self.want_from_bio(self.rbio(), SSL_ERROR_WANT_READ),
            Some(Failure::WantWrite) => self.want_from_bio(self.wbio(), SSL_ERROR_WANT_WRITE),
            Some(Failure::ZeroReturn) => SSL_ERROR_ZERO_RETURN,
            Some(Failure::WantClientHello) => SSL_ERROR_WANT_CLIENT_HELLO_CB,
            Some(Failure::WantX509Lookup) => SSL_ERROR_WANT_X509_LOOKUP,
            Some(Failure::Ssl | Failure::Closed | Failure::WrongRole) => SSL_ERROR_SSL,
            _ => {
                // try_lock: SSL_get_error may be called from a callback inside a handshake.
                let peer_closed = self.tls.try_lock().map(|t| t.peer_closed).unwrap_or(false);
                if self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN != 0 && peer_closed {
                    SSL_ERROR_ZERO_RETURN
                } else {
                    SSL_ERROR_SYSCALL
                }
            }
        }
    }

    /// `SSL_want`: what the last call waited for (OpenSSL's `rwstate`): SSL_NOTHING (1),
    /// SSL_WRITING (2), SSL_READING (3), SSL_X509_LOOKUP (4), SSL_CLIENT_HELLO_CB (7).
    pub fn want(&self) -> c_int {
        let error = match Failure::from_code(self.last_failure.load(Ordering::Relaxed)) {
            Some(Failure::WantRead) => self.want_from_bio(self.rbio(), SSL_ERROR_WANT_READ),
            Some(Failure::WantWrite) => self.want_from_bio(self.wbio(), SSL_ERROR_WANT_WRITE),
            Some(Failure::WantX509Lookup) => SSL_ERROR_WANT_X509_LOOKUP,
            Some(Failure::WantClientHello) => SSL_ERROR_WANT_CLIENT_HELLO_CB,
            _ => SSL_ERROR_NONE,
        };
        match error {
            SSL_ERROR_WANT_WRITE => 2,
            SSL_ERROR_WANT_READ => 3,
            SSL_ERROR_WANT_X509_LOOKUP => 4,
            SSL_ERROR_WANT_CLIENT_HELLO_CB => 7,
            _ => 1,
        }
    }

    /// `SSL_rstate_string`: whether the record being read is at its header or its body.
    pub fn reading_body(&self) -> bool {
        self.tls.try_lock().map(|t| t.records.in_body()).unwrap_or(false)
    }

    /// `SSL_key_update` (TLS 1.3, after the handshake). rustls' KeyUpdate always asks the
    /// peer to update too, whichever type is asked for. It goes out with the next write or
    /// `SSL_do_handshake`. Err carries OpenSSL's reason.
    /// OpenSSL checks the version (none before the handshake), then the type, then that
    /// the handshake is over.
    pub fn key_update(&self, valid_type: bool) -> Result<(), c_int> {
        if self.version() != crate::ctx::TLS1_3_VERSION {
            return Err(error::SSL_R_WRONG_SSL_VERSION);
        }
        if !valid_type {
            return Err(error::SSL_R_INVALID_KEY_UPDATE_TYPE);
        }
        if self.state() != HandshakeState::Done {
            return Err(error::SSL_R_STILL_IN_INIT);
        }
        if inside(self) {
            return Err(error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
        }
        let mut tls = lock(&self.tls);
        match &mut tls.engine {
            Engine::Active(conn) => conn.refresh_traffic_keys().map_err(|_| error::ERR_R_INTERNAL_ERROR),
            _ => Err(error::SSL_R_STILL_IN_INIT),
        }
    }

    /// `SSL_free_buffers`: rustls owns the buffers; like OpenSSL, refused (false) while
    /// decrypted or outgoing bytes are waiting.
    pub fn buffers_idle(&self) -> bool {
        let Ok(mut tls) = self.tls.try_lock() else { return false };
        match &mut tls.engine {
            Engine::Active(conn) => !conn.wants_write() && conn.reader().fill_buf().map_or(true, |b| b.is_empty()),
            _ => true,
        }
    }

    fn want_from_bio(&self, bio: Option<Bio>, default: c_int) -> c_int {
        match bio.and_then(|b| b.retry()) {
            Some(Retry::Read) => SSL_ERROR_WANT_READ,
            Some(Retry::Write) => SSL_ERROR_WANT_WRITE,
            // A connect or accept BIO still establishing its socket (non-blocking).
            Some(Retry::Special(crate::crypto::bio::BIO_RR_CONNECT)) => SSL_ERROR_WANT_CONNECT,
            Some(Retry::Special(crate::crypto::bio::BIO_RR_ACCEPT)) => SSL_ERROR_WANT_ACCEPT,
            Some(Retry::Special(_)) => SSL_ERROR_SYSCALL,
            None => default,
        }
    }

    /// Writes everything rustls has queued to the write BIO.
    fn flush(&self, tls: &mut Tls) -> Result<(), Failure> {
        self.send(tls, true)
    }

    /// Writes what rustls has to send to the write BIO, then `BIO_flush`es it if `bio_flush`
    /// (handshake flights and alerts, as OpenSSL does; application data is not flushed).
    fn send(&self, tls: &mut Tls, bio_flush: bool) -> Result<(), Failure> {
        let Engine::Active(conn) = &mut tls.engine else { return Ok(()) };
        if !conn.wants_write() {
            return Ok(());
        }
        let Some(wbio) = self.wbio() else {
            return Err(self.fail(Failure::Syscall));
        };
        let mut w = BioWriter(&wbio);
        while conn.wants_write() {
            match conn.write_tls(&mut w) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(self.fail(Failure::WantWrite)),
                Err(_) => return Err(self.fail(Failure::Syscall)),
            }
        }
        if self.state() == HandshakeState::InProgress {
            tls.flights = tls.flights.saturating_add(1);
        }
        if bio_flush {
            wbio.flush();
        }
        Ok(())
    }

    /// A TLS 1.3 server whose client closed right after its Finished: the tickets that
    /// could not be written are dropped and the handshake succeeds, so that what the client
    /// sent before leaving can still be read (as OpenSSL, which ignores EPIPE/ECONNRESET
    /// there). Only the tickets are pending at that point: the handshake is complete.
    fn tickets_lost_to_closed_peer(&self, tls: &mut Tls) -> bool {
        let closed = matches!(io::Error::last_os_error().raw_os_error(), Some(libc::EPIPE | libc::ECONNRESET));
        let Engine::Active(conn) = &mut tls.engine else { return false };
        if !closed || !self.is_server() || conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3) {
            return false;
        }
        while conn.wants_write() {
            if conn.write_tls(&mut io::sink()).is_err() {
                return false;
            }
        }
        self.last_failure.store(0, Ordering::Relaxed);
        true
    }

    /// Whether more of the peer's bytes can be read without waiting.
    fn peer_bytes_waiting(&self) -> bool {
        self.rbio().is_some_and(|b| b.readable_now() > 0)
    }

    /// Reads from the read BIO into rustls (up to the end of the current record unless
    /// read-ahead is on) and processes what is complete.
    /// Ok(false) means the transport reached end of stream.
    fn receive(&self, tls: &mut Tls) -> Result<bool, Failure> {
        let Some(rbio) = self.rbio() else {
            return Err(self.fail(Failure::Syscall));
        };
        let read_ahead = self.settings().read_ahead;
        let mut r = BioReader { bio: &rbio, records: &mut tls.records, read_ahead };
        let n = match &mut tls.engine {
            Engine::Active(conn) => Self::read_record(conn, &mut r),
            Engine::Accepting(acc) => acc.read_tls(&mut PrefixReader { inner: r, prefix: &mut tls.hello_bytes }),
            _ => return Err(self.fail(Failure::Ssl)),
        };
        match n {
            Ok(0) => Ok(false),
            Ok(_) => {
                if let Engine::Active(conn) = &mut tls.engine {
                    if let Err(e) = conn.process_new_packets() {
                        return Err(self.tls_error(tls, &e));
                    }
                }
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(self.fail(Failure::WantRead)),
            Err(_) => Err(self.fail(Failure::Syscall)),
        }
    }

    /// Reads the rest of the current record, as far as the BIO has it, before rustls looks
    /// at it: rustls takes at most 4 KiB per `read_tls`, and processing each piece of a
    /// 16 KiB record on its own costs a fifth of a record's decryption. With read-ahead,
    /// one read. Ok(0) only at end of stream before any byte.
    fn read_record(conn: &mut rustls::Connection, r: &mut BioReader<'_>) -> io::Result<usize> {
        let mut total = 0;
        loop {
            match conn.read_tls(r) {
                Ok(0) => return Ok(total),
                Ok(n) => total += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && total > 0 => return Ok(total),
                Err(e) => return Err(e),
            }
            if r.read_ahead || r.records.at_boundary() {
                return Ok(total);
            }
        }
    }

    /// A fatal TLS error: queue OpenSSL's reason, send rustls' alert, end the connection.
    fn tls_error(&self, tls: &mut Tls, e: &rustls::Error) -> Failure {
        // A server that does not speak TLS at all (its first record is plain text, an
        // HTTP reply, an SMTP refusal) gets no alert from OpenSSL's client, and the
        // record is named by its header: a program falling back to plain text on the
        // same connection must not find our alert bytes there.
        if !self.is_server() && self.state() != HandshakeState::Done {
            let reason = tls.records.only_first_header().and_then(|h| error::reason_for_record_header(&h, true));
            if let Some(reason) = reason.filter(|&r| r != error::SSL_R_UNEXPECTED_MESSAGE) {
                error::raise(reason);
                tls.engine = Engine::Dead;
                self.set_state(HandshakeState::Failed);
                return self.fail(Failure::Ssl);
            }
        }
        // The states the handshake passed before failing come before its alert.
        current(|ssl| ssl.report_failure_progress(tls));
        match e {
            // A record header rustls refuses: OpenSSL's record layer judges the version
            // first ("wrong version number"), then the type ("unexpected message" during
            // the handshake, "bad record type" after it).
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
                let reason = error::reason_for_record_header(&tls.records.last_header(), false)
                    .unwrap_or(error::SSL_R_UNEXPECTED_MESSAGE);
                error::raise(if reason == error::SSL_R_UNEXPECTED_MESSAGE && self.state() == HandshakeState::Done {
                    error::SSL_R_BAD_RECORD_TYPE
                } else {
                    reason
                })
            }
            // A TLS 1.2 server without a common group has no usable ECDHE suite: OpenSSL
            // says "no shared cipher" there ("no suitable key share" is TLS 1.3's).
            rustls::Error::PeerIncompatible(rustls::PeerIncompatible::NoKxGroupsInCommon)
                if self.is_server() && !self.client_offers_usable_tls13() =>
            {
                error::raise(error::SSL_R_NO_SHARED_CIPHER)
            }
            _ => error::raise_rustls(e),
        }
        // The info callback hears of fatal alerts, as with OpenSSL: the peer's, and ours
        // where the alert rustls sends is known (certificate verification failures).
        let fatal = |desc: rustls::AlertDescription| (2 << 8) | c_int::from(u8::from(desc));
        match e {
            rustls::Error::AlertReceived(desc) => {
                current(|ssl| ssl.info(SSL_CB_READ_ALERT, fatal(*desc)));
            }
            rustls::Error::InvalidCertificate(cert) => {
                let desc = rustls::AlertDescription::from(cert.clone());
                current(|ssl| ssl.info(SSL_CB_WRITE_ALERT, fatal(desc)));
            }
            rustls::Error::Other(_) if error::verify_error_of(e).is_some() => {
                current(|ssl| ssl.info(SSL_CB_WRITE_ALERT, fatal(rustls::AlertDescription::HandshakeFailure)));
            }
            _ => {}
        }
        let _ = self.flush(tls);
        tls.engine = Engine::Dead;
        self.mark_fatal();
        if self.state() != HandshakeState::Done {
            self.set_state(HandshakeState::Failed);
            return self.fail(Failure::Ssl);
        }
        self.fail(if matches!(e, rustls::Error::AlertReceived(_)) { Failure::Closed } else { Failure::Ssl })
    }

    fn unexpected_eof(&self, tls: &mut Tls) -> Failure {
        // With SSL_OP_IGNORE_UNEXPECTED_EOF the end of the transport counts as
        // close_notify, during the handshake too (SSL_ERROR_ZERO_RETURN, nothing queued,
        // the connection stays in init: nginx logs it as a peer that closed).
        let ignore = self.settings().options & crate::ctx::SSL_OP_IGNORE_UNEXPECTED_EOF != 0;
        if ignore {
            self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
            tls.peer_closed = true;
            return self.fail(Failure::ZeroReturn);
        }
        error::raise(error::SSL_R_UNEXPECTED_EOF_WHILE_READING);
        tls.engine = Engine::Dead;
        self.mark_fatal();
        if self.state() != HandshakeState::Done {
            self.set_state(HandshakeState::Failed);
            return self.fail(Failure::Ssl);
        }
        self.fail(Failure::Closed)
    }

    /// `SSL_do_handshake` (and `SSL_connect`/`SSL_accept` after setting the role).
    pub fn handshake(self: &Arc<Self>) -> Result<(), Failure> {
        if reentered(self, "SSL_do_handshake") {
            return Err(self.fail(Failure::Ssl));
        }
        if self.reneg.load(Ordering::Relaxed) != RENEG_NONE {
            error::raise_with_data(
                error::SSL_R_NO_RENEGOTIATION,
                "renegotiation is not supported by oxissl (rustls has none)",
            );
            self.reneg.store(RENEG_FAILED, Ordering::Relaxed);
            return Err(self.fail(Failure::Ssl));
        }
        let _driving = Driving::enter(self);
        crate::crypto::clear_sys_error();
        self.last_failure.store(0, Ordering::Relaxed);
        let mut tls = lock(&self.tls);
        self.handshake_locked(&mut tls)
    }

    fn handshake_locked(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        let under_way = self.state() == HandshakeState::InProgress && !matches!(tls.engine, Engine::Idle);
        if under_way {
            let ev = self.statem().begin_call(self.is_server(), false);
            self.emit(ev);
        }
        let result = self.handshake_steps(tls);
        if let Err(f) = &result {
            self.report_stop(tls, *f);
        }
        result
    }

    fn handshake_steps(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        // Like OpenSSL's state machine, each handshake step starts from an empty error
        // queue, so that a stale error left by the application (a failed PEM read, say)
        // does not turn this step's outcome into SSL_ERROR_SSL.
        if self.state() != HandshakeState::Done {
            crate::crypto::err::clear();
        }
        if self.role_set.load(Ordering::Relaxed) == 0 {
            error::raise(error::SSL_R_CONNECTION_TYPE_NOT_SET);
            return Err(self.fail(Failure::Ssl));
        }
        let method_role = self.initial_ctx.method.role;
        if (self.is_server() && method_role == Role::Client) || (!self.is_server() && method_role == Role::Server) {
            error::raise(error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
            return Err(self.fail(Failure::WrongRole));
        }
        loop {
            match &tls.engine {
                Engine::Idle => self.start(tls)?,
                // The fatal error was reported when it happened.
                Engine::Dead => return Err(self.fail(Failure::Syscall)),
                Engine::Accepting(_) => {
                    if !self.receive(tls)? {
                        return Err(self.unexpected_eof(tls));
                    }
                    self.accept_hello(tls)?;
                }
                Engine::HelloReceived(_) => {
                    let Engine::HelloReceived(accepted) = std::mem::replace(&mut tls.engine, Engine::Dead) else {
                        unreachable!()
                    };
                    self.proceed_with_hello(tls, *accepted)?;
                }
                Engine::Active(conn) => {
                    let handshaking = conn.is_handshaking();
                    // Reading one record at a time, our answer to the peer's flight is
                    // sent once the flight has been read, in one write (as OpenSSL's
                    // buffered flights): a TLS 1.3 client's change_cipher_spec sent alone
                    // would make Nagle's algorithm hold back its Finished.
                    if !handshaking || !self.peer_bytes_waiting() {
                        match self.flush(tls) {
                            Err(Failure::Syscall) if !handshaking && self.tickets_lost_to_closed_peer(tls) => {}
                            r => r?,
                        }
                    }
                    if !handshaking {
                        if self.state() != HandshakeState::Done {
                            self.finish_handshake(tls);
                        }
                        return Ok(());
                    }
                    match self.receive(tls) {
                        Ok(true) => {}
                        Ok(false) => return Err(self.unexpected_eof(tls)),
                        // Nothing more to read after all: whatever we owe goes out first.
                        Err(Failure::WantRead) => {
                            self.flush(tls)?;
                            return Err(self.fail(Failure::WantRead));
                        }
                        Err(f) => return Err(f),
                    }
                    self.check_offer_refused(tls);
                    // A close_notify in the middle of a handshake ends it cleanly.
                    if let Engine::Active(conn) = &mut tls.engine {
                        if conn.is_handshaking() && conn.reader().fill_buf().is_ok_and(|d| d.is_empty()) {
                            tls.peer_closed = true;
                            self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
                            return Err(self.fail(Failure::ZeroReturn));
                        }
                    }
                }
            }
        }
    }

    fn start(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        let ctx = self.ctx();
        self.set_state(HandshakeState::InProgress);
        let ev = self.statem().begin_call(self.is_server(), true);
        self.emit(ev);
        crate::log::oxlog!(
            Info,
            "handshake start: {} {:p}{}{}",
            if self.is_server() { "server" } else { "client" },
            Arc::as_ptr(self),
            self.hostname().as_ref().map(|h| format!(", server name {}", h.to_string_lossy())).unwrap_or_default(),
            if self.session().is_some() && !self.is_server() { ", offering a session" } else { "" }
        );
        if self.is_server() {
            Stats::bump(&self.initial_ctx.stats.accept);
            self.resuming.store(false, Ordering::Relaxed);
            self.tickets_issued.store(0, Ordering::Relaxed);
            self.tickets_made.store(0, Ordering::Relaxed);
            self.renew_ticket.store(true, Ordering::Relaxed);
            self.no_tickets.store(false, Ordering::Relaxed);
            // A session set on a server SSL is dropped at its first step, as in OpenSSL.
            self.set_session(None);
            tls.engine = Engine::Accepting(Box::default());
            return Ok(());
        }
        Stats::bump(&self.initial_ctx.stats.connect);
        tls.offered = self.session().filter(|s| self.can_offer(s, &self.settings()));
        if tls.offered.is_none() {
            // OpenSSL starts a fresh session at the ClientHello, releasing one it
            // cannot offer.
            let mut data = self.session_template();
            data.not_resumable = true;
            self.set_session(Some(SslSession::new(data)));
        }
        tls.started = self.session().map(|s| Arc::downgrade(&s));
        // The settings are read under their lock, not cloned: this runs per handshake.
        let (config, alpn) = {
            let settings = self.cipher_settings();
            (ctx.client_config(&settings), settings.alpn.clone())
        };
        let config = match config {
            Ok(c) => c,
            Err(reason) => {
                error::raise(reason);
                self.set_state(HandshakeState::Failed);
                return Err(self.fail(Failure::Ssl));
            }
        };
        let name = match self.hostname().as_ref().and_then(|h| h.to_str().ok().map(str::to_owned)) {
            Some(h) => ServerName::try_from(h).unwrap_or(ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into())),
            None => ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into()),
        };
        match ClientConnection::new_with_alpn(config, name, alpn) {
            Ok(c) => {
                tls.engine = Engine::Active(Connection::Client(c));
                Ok(())
            }
            Err(e) => Err(self.tls_error(tls, &e)),
        }
    }

    /// The ClientHello has arrived: run the SNI and ALPN callbacks, then start the
    /// server connection with the (possibly switched) context's configuration.
    fn accept_hello(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        let Engine::Accepting(acc) = &mut tls.engine else { return Ok(()) };
        let accepted = match acc.accept() {
            Ok(None) => return Ok(()),
            Ok(Some(a)) => a,
            Err((e, mut alert)) => {
                // A client offering only TLS 1.1 or older: OpenSSL refuses the version
                // ("unsupported protocol") unless its minimum allows TLS 1.1, which then
                // finds no signature algorithm it may use (rustls finds no sigalgs
                // extension first).
                let old_client = crate::hello::ClientHello::from_records(&tls.hello_bytes)
                    .is_some_and(|h| h.max_version() < crate::ctx::TLS1_2_VERSION);
                if old_client
                    && matches!(
                        e,
                        rustls::Error::PeerIncompatible(rustls::PeerIncompatible::SignatureAlgorithmsExtensionRequired)
                    )
                {
                    let allows_tls11 = {
                        let st = self.settings();
                        st.min_version < crate::ctx::TLS1_2_VERSION && st.options & crate::ctx::SSL_OP_NO_TLSV1_1 == 0
                    };
                    if let Some(wbio) = self.wbio() {
                        let _ = alert.write_all(&mut BioWriter(&wbio));
                    }
                    error::raise(if allows_tls11 {
                        error::SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM
                    } else {
                        error::SSL_R_UNSUPPORTED_PROTOCOL
                    });
                    tls.engine = Engine::Dead;
                    self.set_state(HandshakeState::Failed);
                    return Err(self.fail(Failure::Ssl));
                }
                // OpenSSL names a non-TLS first record by its header and, when the
                // peer is not speaking TLS at all, sends it no alert.
                let header = &tls.hello_bytes[..tls.hello_bytes.len().min(5)];
                let Some(reason) = error::reason_for_record_header(header, true) else {
                    if let Some(wbio) = self.wbio() {
                        let _ = alert.write_all(&mut BioWriter(&wbio));
                    }
                    return Err(self.tls_error(tls, &e));
                };
                if reason == error::SSL_R_UNEXPECTED_MESSAGE {
                    if let Some(wbio) = self.wbio() {
                        let _ = alert.write_all(&mut BioWriter(&wbio));
                    }
                }
                error::raise(reason);
                tls.engine = Engine::Dead;
                self.set_state(HandshakeState::Failed);
                return Err(self.fail(Failure::Ssl));
            }
        };
        {
            let hello = accepted.client_hello();
            let mut peer = self.peer();
            peer.servername = hello.server_name().and_then(|n| CString::new(n).ok());
            peer.peer_sigalgs = hello.signature_schemes().to_vec();
            peer.peer_groups = hello.named_groups().map(<[_]>::to_vec).unwrap_or_default();
            peer.client_ciphers = hello.cipher_suites().iter().filter_map(|&cs| crate::cipher::by_suite(cs)).collect();
            peer.client_hello = crate::hello::ClientHello::from_records(&tls.hello_bytes).map(Arc::new);
            const TLSEXT_TYPE_POST_HANDSHAKE_AUTH: u16 = 49;
            peer.client_offered_pha =
                peer.client_hello.as_ref().is_some_and(|h| h.extension(TLSEXT_TYPE_POST_HANDSHAKE_AUTH).is_some());
            const TLSEXT_TYPE_EXTENDED_MASTER_SECRET: u16 = 23;
            peer.client_offered_ems =
                peer.client_hello.as_ref().is_some_and(|h| h.extension(TLSEXT_TYPE_EXTENDED_MASTER_SECRET).is_some());
            peer.raw_ciphers = peer.client_hello.as_ref().map(|h| h.ciphers().to_vec()).unwrap_or_default();
        }
        tls.hello_bytes = Vec::new();
        self.proceed_with_hello(tls, accepted)
    }

    /// An application callback refused the ClientHello: the handshake ends with its
    /// reason and the fatal alert it chose. Nothing is encrypted yet and rustls' acceptor
    /// has no way to send an alert of our choosing, so the alert record (plaintext, two
    /// bytes: level and description) is written here.
    fn refuse_hello(&self, tls: &mut Tls, reason: c_int, alert: u8) -> Failure {
        const ALERT: u8 = 21;
        const FATAL: u8 = 2;
        error::raise(reason);
        current(|ssl| ssl.info(SSL_CB_WRITE_ALERT, (c_int::from(FATAL) << 8) | c_int::from(alert)));
        if let Some(wbio) = self.wbio() {
            let record = [ALERT, 3, 3, 0, 2, FATAL, alert];
            let _ = BioWriter(&wbio).write_all(&record);
            wbio.flush();
        }
        tls.engine = Engine::Dead;
        self.set_state(HandshakeState::Failed);
        self.fail(Failure::Ssl)
    }

    /// The ClientHello is in: the client-hello callback (which may suspend the
    /// handshake), the SNI and ALPN callbacks, then the server connection with the
    /// (possibly switched) context's configuration.
    fn proceed_with_hello(self: &Arc<Self>, tls: &mut Tls, accepted: rustls::server::Accepted) -> Result<(), Failure> {
        let hello_verdict = if tls.hello_cb_done {
            crate::abi::hello::HelloVerdict::Proceed
        } else {
            crate::abi::hello::run_client_hello_callback(self)
        };
        match hello_verdict {
            crate::abi::hello::HelloVerdict::Proceed => {
                tls.hello_cb_done = true;
                self.pending_allowed.store(true, Ordering::Relaxed);
                crate::abi::ticket::announce_empty_ticket(self);
            }
            crate::abi::hello::HelloVerdict::Retry => {
                tls.engine = Engine::HelloReceived(Box::new(accepted));
                return Err(self.fail(Failure::WantClientHello));
            }
            crate::abi::hello::HelloVerdict::Fail(alert) => {
                return Err(self.refuse_hello(tls, error::SSL_R_CALLBACK_FAILED, alert));
            }
        }
        let hello = accepted.client_hello();
        let offered_alpn: Option<Vec<u8>> = hello.alpn().map(|protos| {
            let mut wire = Vec::new();
            for p in protos {
                wire.push(p.len() as u8);
                wire.extend_from_slice(p);
            }
            wire
        });

        if !tls.sni_done {
            if let Err((reason, alert)) = crate::abi::ssl::run_servername_callback(self) {
                return Err(self.refuse_hello(tls, reason, alert));
            }
            tls.sni_done = true;
        }
        // The certificate callback, as OpenSSL runs it once the ClientHello is processed:
        // it may set the certificate and key on the SSL, or ask to be called again.
        match crate::abi::hello::run_cert_callback(self) {
            crate::abi::hello::HelloVerdict::Proceed => {}
            crate::abi::hello::HelloVerdict::Retry => {
                tls.engine = Engine::HelloReceived(Box::new(accepted));
                return Err(self.fail(Failure::WantX509Lookup));
            }
            crate::abi::hello::HelloVerdict::Fail(alert) => {
                return Err(self.refuse_hello(tls, error::SSL_R_CERT_CB_ERROR, alert));
            }
        }
        // No certificate with its key at all (none loaded, or a context of the client
        // method): OpenSSL finds no cipher it could use and says so with handshake_failure;
        // rustls would send access_denied and a general error.
        if self.settings().cert.complete().next().is_none() {
            const HANDSHAKE_FAILURE: u8 = 40;
            return Err(self.refuse_hello(tls, error::SSL_R_NO_SHARED_CIPHER, HANDSHAKE_FAILURE));
        }
        let ctx = self.ctx();
        let config = ctx.server_config(&self.cipher_settings());
        let mut config = match config {
            Ok(c) => c,
            Err(reason) => {
                error::raise(reason);
                tls.engine = Engine::Dead;
                self.set_state(HandshakeState::Failed);
                return Err(self.fail(Failure::Ssl));
            }
        };
        if let Some(wire) = offered_alpn {
            match crate::abi::ssl::run_alpn_select_callback(self, &wire) {
                AlpnChoice::NotCalled | AlpnChoice::NoAck => {}
                AlpnChoice::Selected(proto) => {
                    let mut c = (*config).clone();
                    c.alpn_protocols = vec![proto];
                    config = Arc::new(c);
                }
                AlpnChoice::Fatal => {
                    // A protocol the client cannot have offered makes rustls refuse
                    // with no_application_protocol, the alert OpenSSL sends here.
                    let mut c = (*config).clone();
                    c.alpn_protocols = vec![Vec::new()];
                    config = Arc::new(c);
                }
                AlpnChoice::Empty => {
                    const INTERNAL_ERROR: u8 = 80;
                    return Err(self.refuse_hello(tls, error::ERR_R_INTERNAL_ERROR, INTERNAL_ERROR));
                }
            }
        }
        match accepted.into_connection(config) {
            Ok(conn) => {
                tls.engine = Engine::Active(Connection::Server(conn));
                Ok(())
            }
            Err((e, mut alert)) => {
                if let Some(wbio) = self.wbio() {
                    let _ = alert.write_all(&mut BioWriter(&wbio));
                }
                Err(self.tls_error(tls, &e))
            }
        }
    }

    /// Once the ServerHello shows a full handshake, the session the client offered is
    /// released and replaced (OpenSSL does it at that very step) and counted as a miss;
    /// so is one the application set after the handshake began.
    fn check_offer_refused(&self, tls: &mut Tls) {
        let Engine::Active(conn) = &tls.engine else { return };
        if self.is_server() {
            return;
        }
        if !matches!(conn.handshake_kind(), Some(HandshakeKind::Full | HandshakeKind::FullWithHelloRetryRequest)) {
            return;
        }
        let current = self.session();
        let replaced_midway = match (&current, &tls.started) {
            (Some(c), Some(s)) => !std::ptr::eq(Arc::as_ptr(c), s.as_ptr()),
            (None, _) => false,
            (Some(_), None) => true,
        };
        if tls.offered.is_none() && !replaced_midway {
            return;
        }
        if tls.offered.take().is_some() {
            crate::session::cache::CacheStats::bump(&self.initial_ctx.sessions.stats.misses);
        }
        let mut data = self.session_template();
        data.not_resumable = true;
        let fresh = SslSession::new(data);
        tls.started = Some(Arc::downgrade(&fresh));
        self.set_session(Some(fresh));
    }

    fn finish_handshake(self: &Arc<Self>, tls: &mut Tls) {
        let Engine::Active(conn) = &tls.engine else { return };
        let reused = conn.handshake_kind() == Some(HandshakeKind::Resumed);
        {
            let mut p = self.peer();
            p.version = conn.protocol_version().map(u16::from).unwrap_or(0);
            p.cipher = conn.negotiated_cipher_suite().and_then(|s| crate::cipher::by_suite(s.suite()));
            p.alpn = conn.alpn_protocol().map(<[u8]>::to_vec).unwrap_or_default();
            p.reused = reused;
            p.group = conn.negotiated_key_exchange_group().map(|g| g.name());
            if reused || p.chain.is_empty() {
                // A resumption verifies nothing: the peer chain is the session's, already
                // parsed when it was made (re-parsing it costs more than the handshake).
                let resumed = if self.is_server() { lock(&self.resumed_from).clone() } else { tls.offered.clone() };
                let known = resumed.map(|s| s.data().peer_chain.clone()).filter(|c| !c.is_empty());
                match (known, conn.peer_certificates()) {
                    (Some(chain), _) if reused => p.chain = chain,
                    (_, Some(certs)) => {
                        let ctx = self.ctx();
                        p.chain = certs.iter().filter_map(|c| ctx.peer_cert(c)).collect()
                    }
                    _ => {}
                }
            }
        }
        let ctx = &self.initial_ctx;
        if !self.is_server()
            && self.version() == crate::ctx::TLS1_2_VERSION
            && (self.info_callback().is_some() || ctx.callbacks().info.is_some())
        {
            // Whether the server sent a ticket, for the info callback's states: read from
            // the sessions rustls made (a Debug rendering, so only when someone listens).
            // A resumption that brought no new ticket keeps the one offered.
            let ticket_of =
                |s: &Arc<SslSession>| crate::session::ClientValueFacts::of(&s.data().resumption, false).ticket;
            let old = tls.offered.as_ref().map(ticket_of).unwrap_or_default();
            let ticket = lock(&self.made).iter().map(ticket_of).any(|t| !t.is_empty() && t != old);
            self.peer().ticket_received = ticket;
        }
        let mut made: Vec<Arc<SslSession>> = std::mem::take(&mut *lock(&self.made));
        for sess in &made {
            self.describe_into(&mut sess.data());
        }
        if reused {
            crate::session::cache::CacheStats::bump(&ctx.sessions.stats.hits);
        }
        if self.is_server() {
            Stats::bump(&ctx.stats.accept_good);
            self.settle_server_session(reused, &mut made);
        } else {
            Stats::bump(&ctx.stats.connect_good);
            let offered = tls.offered.take();
            let started = tls.started.take();
            self.settle_client_session(offered.clone(), started, reused, &mut made);
            if reused && self.version() == crate::ctx::TLS1_3_VERSION {
                if let Some(off) = offered {
                    // A used TLS 1.3 session leaves a client-mode cache (single use).
                    if ctx.settings().session_cache_mode & crate::session::cache::SSL_SESS_CACHE_CLIENT != 0 {
                        ctx.cache_remove(&off);
                    }
                }
            }
        }
        self.set_state(HandshakeState::Done);
        self.end_pending_session();
        self.peer().client_hello = None;
        // Each new session in turn becomes the connection's (releasing the one before)
        // and is announced, in OpenSSL's order.
        for sess in made {
            self.set_session(Some(sess.clone()));
            self.announce_session(&sess);
        }
        self.report_done(tls);
        if crate::log::enabled(crate::log::Level::Info) {
            let p = self.peer();
            crate::log::line(format_args!(
                "handshake done: {} {:p}, version {}, cipher {}, resumed {}, ALPN {}, verify result {}",
                if self.is_server() { "server" } else { "client" },
                Arc::as_ptr(self),
                crate::ctx::version_name(p.version).to_string_lossy(),
                p.cipher.map(|c| c.name.to_string_lossy()).unwrap_or("(none)".into()),
                if p.reused { "yes" } else { "no" },
                if p.alpn.is_empty() { "(none)".into() } else { String::from_utf8_lossy(&p.alpn).into_owned() },
                p.verify_result
            ));
        }
    }

    /// After a client handshake, the connection's session, as OpenSSL's would be:
    /// - resumption keeps the offered session object (for TLS 1.2 a value rustls
    ///   refreshed, a renewed ticket say, moves into it; TLS 1.3 tickets arriving later
    ///   replace it);
    /// - a full handshake keeps the session it made or, before TLS 1.3 tickets arrive,
    ///   the unresumable session started at the ClientHello, now describing the connection.
    fn settle_client_session(
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
    fn settle_server_session(&self, reused: bool, made: &mut Vec<Arc<SslSession>>) {
        let found = lock(&self.resumed_from).take();
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
                match lock(&self.pending_session).take() {
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

    fn info(self: &Arc<Self>, event: c_int, value: c_int) {
        crate::abi::ssl::run_info_callback(self, event, value);
    }

    /// `SSL_read`/`SSL_peek`: Ok(n) bytes of plaintext, n > 0.
    pub fn read(self: &Arc<Self>, buf: &mut [u8], peek: bool) -> Result<usize, Failure> {
        if reentered(self, if peek { "SSL_peek" } else { "SSL_read" }) {
            return Err(self.fail(Failure::Ssl));
        }
        self.forget_refused_renegotiation();
        let _driving = Driving::enter(self);
        crate::crypto::clear_sys_error();
        self.last_failure.store(0, Ordering::Relaxed);
        if self.role_set.load(Ordering::Relaxed) == 0 {
            error::raise(error::SSL_R_UNINITIALIZED);
            return Err(self.fail(Failure::Ssl));
        }
        let mut tls = lock(&self.tls);
        if self.state() != HandshakeState::Done {
            self.handshake_locked(&mut tls)?;
        }
        let mut eof_seen = false;
        let mut received = false;
        loop {
            let Engine::Active(conn) = &mut tls.engine else {
                return Err(self.fail(Failure::Syscall));
            };
            // Peeking, and reading into an empty buffer, must not consume anything.
            let got = if peek || buf.is_empty() {
                let mut reader = conn.reader();
                reader.fill_buf().map(|data| {
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    n
                })
            } else {
                conn.reader().read(buf)
            };
            match got {
                Ok(0) if buf.is_empty() && conn.reader().fill_buf().is_ok_and(|d| !d.is_empty()) => return Ok(0),
                Ok(0) => {
                    tls.peer_closed = true;
                    self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
                    self.info(SSL_CB_READ_ALERT, CLOSE_NOTIFY_INFO);
                    return Err(self.fail(Failure::ZeroReturn));
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if eof_seen {
                        return Err(self.unexpected_eof(&mut tls));
                    }
                    // Records came in but none carried application data (a TLS 1.3
                    // NewSessionTicket, a KeyUpdate): without SSL_MODE_AUTO_RETRY the
                    // caller gets SSL_ERROR_WANT_READ even on a blocking transport, so
                    // that a select() loop does not block in SSL_read.
                    if received && self.settings().mode & crate::ctx::SSL_MODE_AUTO_RETRY == 0 {
                        self.flush(&mut tls)?;
                        return Err(self.fail(Failure::WantRead));
                    }
                    // Answer anything rustls owes the peer (KeyUpdate, alerts), then read.
                    self.flush(&mut tls)?;
                    // At end of stream rustls says on the next read whether close_notify came.
                    eof_seen = !self.receive(&mut tls)?;
                    // A whole record has been taken in (not just part of one).
                    received |= tls.records.at_boundary();
                }
                Err(_) => return Err(self.unexpected_eof(&mut tls)),
            }
        }
    }

    /// `SSL_pending`: decrypted bytes ready to read without touching the transport.
    pub fn pending(&self) -> usize {
        // Called from inside a callback during a handshake, the connection is busy and
        // has nothing decrypted yet.
        let Ok(mut tls) = self.tls.try_lock() else { return 0 };
        let Engine::Active(conn) = &mut tls.engine else { return 0 };
        conn.reader().fill_buf().map(|b| b.len()).unwrap_or(0)
    }

    /// `SSL_export_keying_material` (RFC 5705 / RFC 8446 section 7.5): fills `out` from
    /// the connection's exporter secret. OpenSSL's results: 1, 0 (the export failed) or
    /// -1 (no connection established yet).
    pub fn export_keying_material(&self, out: &mut [u8], label: &[u8], context: Option<&[u8]>) -> c_int {
        if self.state() != HandshakeState::Done {
            return -1;
        }
        // Called from a callback while the connection is busy: not available yet.
        let Ok(tls) = self.tls.try_lock() else { return -1 };
        let Engine::Active(conn) = &tls.engine else { return -1 };
        match conn.export_keying_material(out, label, context) {
            Ok(_) => 1,
            Err(e) => {
                error::raise_with_data(error::ERR_R_INTERNAL_ERROR, &format!("export_keying_material: {e}"));
                0
            }
        }
    }

    /// `SSL_has_pending`: decrypted bytes are buffered.
    pub fn has_pending(&self) -> bool {
        self.pending() > 0
    }

    /// `SSL_write`: Ok(n) once all of `buf` is handed to the transport (or, in
    /// partial-write mode, once some of it is).
    pub fn write(self: &Arc<Self>, buf: &[u8]) -> Result<usize, Failure> {
        if reentered(self, "SSL_write") {
            return Err(self.fail(Failure::Ssl));
        }
        self.forget_refused_renegotiation();
        let _driving = Driving::enter(self);
        crate::crypto::clear_sys_error();
        self.last_failure.store(0, Ordering::Relaxed);
        if self.role_set.load(Ordering::Relaxed) == 0 {
            error::raise(error::SSL_R_UNINITIALIZED);
            return Err(self.fail(Failure::Ssl));
        }
        let mut tls = lock(&self.tls);
        if self.state() != HandshakeState::Done {
            self.handshake_locked(&mut tls)?;
        }
        if self.shutdown_flags() & SSL_SENT_SHUTDOWN != 0 {
            error::raise(error::SSL_R_PROTOCOL_IS_SHUTDOWN);
            return Err(self.fail(Failure::Ssl));
        }
        let (partial, moving, record) = {
            let st = self.settings();
            (
                st.mode & crate::ctx::SSL_MODE_ENABLE_PARTIAL_WRITE != 0,
                st.mode & crate::ctx::SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER != 0,
                st.max_send_fragment,
            )
        };
        // One record at a time, as OpenSSL writes: a retry after WANT_WRITE must pass at
        // least what is already committed (SSL_R_BAD_LENGTH) from the same place
        // (SSL_R_BAD_WRITE_RETRY, unless the buffer may move), and what is reported
        // never exceeds what this call was given.
        loop {
            // After a fatal error OpenSSL answers SYSCALL with nothing queued.
            if !matches!(tls.engine, Engine::Active(_)) {
                return Err(self.fail(Failure::Syscall));
            }
            if let Some((len, at)) = tls.write_pending {
                if buf.len() < tls.write_done + len {
                    return Err(self.write_misuse(&mut tls, error::SSL_R_BAD_LENGTH));
                }
                if !moving && buf.as_ptr() as usize + tls.write_done != at {
                    return Err(self.write_misuse(&mut tls, error::SSL_R_BAD_WRITE_RETRY));
                }
                self.send(&mut tls, false)?;
                tls.write_pending = None;
                tls.write_done += len;
            }
            let start = tls.write_done;
            if start >= buf.len() {
                tls.write_done = 0;
                return Ok(start);
            }
            let Engine::Active(conn) = &mut tls.engine else { unreachable!("checked above") };
            let end = buf.len().min(start + record);
            let n = match conn.writer().write(&buf[start..end]) {
                Ok(n) if n > 0 => n,
                _ => {
                    error::raise(error::ERR_R_INTERNAL_ERROR);
                    return Err(self.fail(Failure::Ssl));
                }
            };
            tls.write_pending = Some((n, buf.as_ptr() as usize + start));
            self.send(&mut tls, false)?;
            tls.write_pending = None;
            tls.write_done += n;
            // With partial writes OpenSSL reports a record written out in one go at once
            // (one finished on a retry is only counted).
            if partial {
                return Ok(std::mem::take(&mut tls.write_done));
            }
        }
    }

    /// A retried `SSL_write` that does not continue the one in progress: OpenSSL's
    /// fatal error (the record being written cannot be taken back).
    fn write_misuse(&self, tls: &mut Tls, reason: c_int) -> Failure {
        error::raise(reason);
        tls.engine = Engine::Dead;
        self.mark_fatal();
        tls.write_pending = None;
        tls.write_done = 0;
        self.fail(Failure::Ssl)
    }

    /// `SSL_read_early_data` on a server. oxissl accepts no early data (rustls is given a
    /// zero limit: 0-RTT data can be replayed), so this runs the handshake as `SSL_accept`
    /// does and reports the end of the early data when OpenSSL would without any: for TLS
    /// 1.3 once the server's flight is out (OpenSSL's accept returns there, before the
    /// client's Finished), for TLS 1.2 when the handshake is complete. Ok means
    /// `SSL_READ_EARLY_DATA_FINISH`; after it, calling again is a usage error, as in OpenSSL.
    pub fn read_early_data(self: &Arc<Self>) -> Result<(), Failure> {
        let state = self.early_read.load(Ordering::Relaxed);
        let misuse = match state {
            EARLY_NONE => self.state() != HandshakeState::Before || !self.is_server(),
            EARLY_RETRY => false,
            _ => true,
        };
        if misuse {
            error::raise(error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
            return Err(self.fail(Failure::Ssl));
        }
        if state == EARLY_NONE {
            self.set_role(true);
        }
        let result = self.handshake();
        let done = match result {
            Ok(()) => true,
            Err(Failure::WantRead) => {
                let tls = lock(&self.tls);
                matches!(&tls.engine, Engine::Active(conn)
                    if conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3) && !conn.wants_write())
            }
            Err(_) => false,
        };
        if done {
            self.last_failure.store(0, Ordering::Relaxed);
            self.early_read.store(EARLY_FINISHED, Ordering::Relaxed);
            return Ok(());
        }
        self.early_read.store(EARLY_RETRY, Ordering::Relaxed);
        result
    }

    /// `SSL_shutdown`: Ok(0) after sending close_notify, Ok(1) once both directions closed.
    pub fn shutdown(self: &Arc<Self>) -> Result<c_int, Failure> {
        let nested = inside(self);
        let _driving = Driving::enter(self);
        self.last_failure.store(0, Ordering::Relaxed);
        if self.role_set.load(Ordering::Relaxed) == 0 {
            error::raise(error::SSL_R_UNINITIALIZED);
            return Err(self.fail(Failure::Ssl));
        }
        // Checked before locking: a servername or other handshake callback may call this.
        if self.state() != HandshakeState::Done {
            error::raise(error::SSL_R_SHUTDOWN_WHILE_IN_INIT);
            return Err(self.fail(Failure::Ssl));
        }
        if nested {
            reentered(self, "SSL_shutdown");
            return Err(self.fail(Failure::Ssl));
        }
        let mut tls = lock(&self.tls);
        if self.settings().quiet_shutdown {
            self.shutdown.fetch_or(SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
            return Ok(1);
        }
        if self.shutdown_flags() & SSL_SENT_SHUTDOWN == 0 {
            self.shutdown.fetch_or(SSL_SENT_SHUTDOWN, Ordering::Relaxed);
            if let Engine::Active(conn) = &mut tls.engine {
                conn.send_close_notify();
                self.info(SSL_CB_WRITE_ALERT, CLOSE_NOTIFY_INFO);
            }
            self.flush(&mut tls)?;
            return Ok(if self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN != 0 { 1 } else { 0 });
        }
        // A close_notify still on its way (the last call answered WANT_WRITE): once it is
        // out, this call reports that, as the first one would have, without reading.
        let undelivered = matches!(&tls.engine, Engine::Active(conn) if conn.wants_write());
        self.flush(&mut tls)?;
        if undelivered {
            return Ok(if self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN != 0 { 1 } else { 0 });
        }
        while self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN == 0 {
            let Engine::Active(conn) = &mut tls.engine else { return Ok(1) };
            let mut sink = [0u8; 4096];
            match conn.reader().read(&mut sink) {
                Ok(0) => {
                    tls.peer_closed = true;
                    self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
                    self.info(SSL_CB_READ_ALERT, CLOSE_NOTIFY_INFO);
                }
                Ok(_) => {} // application data after our close_notify is discarded
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !self.receive(&mut tls)? {
                        return Err(self.unexpected_eof(&mut tls));
                    }
                }
                Err(_) => return Err(self.unexpected_eof(&mut tls)),
            }
        }
        Ok(1)
    }

    /// `SSL_clear`-like reset for reuse of the object (keeps the session).
    /// `SSL_renegotiate` on an established connection: rustls cannot renegotiate, so the
    /// request is refused. Until the connection reads or writes again, the handshake it
    /// asked for shows in `SSL_get_state` (HelloRequest) and `SSL_do_handshake` fails
    /// naming what is missing; the first `SSL_is_init_finished` after that failure says
    /// 0 -- the handshake did not finish -- and the connection is then the established
    /// one again. mod_ssl's per-directory `SSLVerifyClient` (renegotiate, handshake,
    /// `SSL_is_init_finished`, then write its answer) thus logs the error and answers
    /// 403 at once instead of waiting its `Timeout` for a handshake that never comes.
    /// OpenSSL's own refusals come first, with its reasons: TLS 1.3 has no renegotiation,
    /// `SSL_OP_NO_RENEGOTIATION` forbids it.
    pub fn refuse_renegotiation(&self, function: &str) {
        if self.version() == crate::ctx::TLS1_3_VERSION {
            error::raise(error::SSL_R_WRONG_SSL_VERSION);
            return;
        }
        if self.settings().options & crate::ctx::SSL_OP_NO_RENEGOTIATION != 0 {
            error::raise(error::SSL_R_NO_RENEGOTIATION);
            return;
        }
        error::raise_unsupported(function);
        if self.state() != HandshakeState::Done {
            return;
        }
        let asked =
            if self.is_server() { crate::statem::HsState::SwHelloReq } else { crate::statem::HsState::CwClntHello };
        self.shown.store(asked as u8, Ordering::Relaxed);
        self.reneg.store(RENEG_REQUESTED, Ordering::Relaxed);
    }

    /// `SSL_verify_client_post_handshake`: OpenSSL's checks and reasons (a TLS 1.3 server
    /// whose handshake is done, a client that offered post-handshake authentication),
    /// then the refusal: rustls cannot request a certificate after the handshake.
    pub fn refuse_post_handshake_auth(&self) {
        let reason = if self.version() != crate::ctx::TLS1_3_VERSION {
            error::SSL_R_WRONG_SSL_VERSION
        } else if !self.is_server() {
            error::SSL_R_NOT_SERVER
        } else if !self.is_init_finished() {
            error::SSL_R_STILL_IN_INIT
        } else if !self.peer().client_offered_pha {
            error::SSL_R_EXTENSION_NOT_RECEIVED
        } else {
            error::raise_unsupported("SSL_verify_client_post_handshake");
            return;
        };
        error::raise(reason);
    }

    /// Reading or writing after a refused renegotiation: the connection goes on as it was.
    fn forget_refused_renegotiation(&self) {
        if self.reneg.swap(RENEG_NONE, Ordering::Relaxed) != RENEG_NONE {
            self.shown.store(crate::statem::HsState::Ok as u8, Ordering::Relaxed);
        }
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
        if self.reneg.compare_exchange(RENEG_FAILED, RENEG_REPORTED, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
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
            let cb = ssl.ctx().callbacks().keylog;
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
            crate::abi::ssl::run_keylog_callback(ssl, cb, &line);
        });
    }

    /// Always: the hook is also how `SSL_get_client_random` learns the random.
    fn will_log(&self, _label: &str) -> bool {
        true
    }
}
