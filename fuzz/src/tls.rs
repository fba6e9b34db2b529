//! Contexts configured as real clients and servers configure them, their callbacks, and
//! connections over memory BIOs (one per direction, so every flight can be recorded).
//!
//! The server and client targets and the seed recorder build their contexts here, so a
//! recorded flight meets the same configuration when it is replayed: the same
//! certificates, session ID context, ticket keys, ALPN lists and host names.
use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::ptr;
use std::sync::OnceLock;

use openssl_sys as sys;
use oxissl::abi::{cipher, ctrl, ctx, ctx_certs, hello, info, session, ssl, ssl_certs, ticket};
use oxissl::abi::{SSL, SSL_CTX, SSL_SESSION};

use crate::ffi::*;
use crate::pki;

/// A context pointer shared by every input of a fuzzing process (contexts are
/// reference counted and thread-safe in libssl; the fuzzers are single-threaded).
#[derive(Clone, Copy)]
pub struct CtxPtr(pub *mut SSL_CTX);
// SAFETY: only the pointer value moves between threads; libssl contexts are shared.
unsafe impl Send for CtxPtr {}
// SAFETY: as above.
unsafe impl Sync for CtxPtr {}

/// The session ID context of every server context (so a switch by SNI keeps sessions).
pub const SID_CTX: &[u8] = b"oxissl-fuzz";
/// Sessions live ten years: recorded sessions and tickets must not expire.
pub const TIMEOUT: c_long = 10 * 365 * 24 * 3600;
/// The server's ALPN preference and the client's offer (wire format).
pub const SERVER_ALPN: &[u8] = b"\x02h2\x08http/1.1";
pub const CLIENT_ALPN: &[u8] = b"\x08http/1.1\x02h2";
pub const ALT_HOST: &str = "alt.example";
/// Session cache size of every context: small, so that the caches reach their steady
/// state quickly (libFuzzer runs a full leak check after every input that allocated
/// more than it freed, which a growing cache would cause on nearly every input).
const CACHE_SIZE: c_long = 64;

/// Fixed ticket keys (name, AES-256 key, HMAC-SHA256 key) so that recorded tickets open;
/// a ticket under the "old" name is accepted and renewed (callback answer 2).
const TICKET_NAME: [u8; 16] = *b"oxissl-fuzz-key1";
const TICKET_OLD_NAME: [u8; 16] = *b"oxissl-fuzz-key0";
const TICKET_AES: [u8; 32] = [0x11; 32];
const TICKET_HMAC: [u8; 32] = [0x22; 32];

thread_local! {
    /// The configuration of the connection being driven, for the callbacks.
    static CONF: Cell<[u8; 2]> = const { Cell::new([0, 0]) };
    /// Client-hello / certificate callback retries already answered for this connection.
    static RETRIES: Cell<u32> = const { Cell::new(0) };
}

/// Server configuration bits (the first two bytes of a server-target input).
pub mod sconf {
    /// bits 0-1: 0 any version, 1 TLS 1.2 only, 2 TLS 1.3 only, 3 any
    pub const VERSION_MASK: u8 = 0x03;
    pub const FAIL_IF_NO_PEER_CERT: u8 = 0x04;
    /// The client-hello callback answers RETRY once (SSL_ERROR_WANT_CLIENT_HELLO_CB).
    pub const HELLO_RETRY: u8 = 0x08;
    /// The connection starts on the alternative context (EVP ticket key callback, Ed25519).
    pub const START_ALT: u8 = 0x10;
    /// SSL_OP_NO_TICKET: TLS 1.2 session IDs, TLS 1.3 stateful tickets.
    pub const NO_TICKET: u8 = 0x20;
    /// Start with SSL_read_early_data (as nginx does) instead of SSL_do_handshake.
    pub const EARLY_DATA_API: u8 = 0x40;
    /// SSL_peek before SSL_read.
    pub const PEEK: u8 = 0x80;
    // Second byte.
    /// Groups "P-256" only: a client whose first key share is X25519 gets a HelloRetryRequest.
    pub const P256_ONLY: u8 = 0x01;
    /// The certificate callback answers "retry" once (SSL_ERROR_WANT_X509_LOOKUP).
    pub const CERT_CB_RETRY: u8 = 0x02;
    /// Server cipher preference and ChaCha20 prioritised.
    pub const SERVER_PREF: u8 = 0x04;
    /// Read-ahead on.
    pub const READ_AHEAD: u8 = 0x08;
    /// No client certificate requested (SSL_VERIFY_NONE).
    pub const NO_VERIFY: u8 = 0x10;
    /// TLS 1.3 suites limited to ChaCha20 and TLS 1.2 to ECDHE-ECDSA/RSA-AES128-GCM.
    pub const NARROW_SUITES: u8 = 0x20;
}

/// Client configuration bits (the first two bytes of a client-target input).
pub mod cconf {
    pub const VERSION_MASK: u8 = 0x03;
    /// Offer the stored session of the matching version.
    pub const RESUME: u8 = 0x04;
    /// No ALPN offered.
    pub const NO_ALPN: u8 = 0x08;
    /// Ask for the certificate status (OCSP).
    pub const STATUS: u8 = 0x10;
    /// The verify callback accepts whatever X509_verify_cert said.
    pub const VERIFY_ACCEPT_ALL: u8 = 0x20;
    /// No SSL_set1_host (no host name check).
    pub const NO_HOST_CHECK: u8 = 0x40;
    /// SNI alt.example instead of localhost.
    pub const SNI_ALT: u8 = 0x80;
    // Second byte.
    /// Groups "P-384:X25519" (first key share P-384).
    pub const P384_FIRST: u8 = 0x01;
    /// No client certificate.
    pub const NO_CLIENT_CERT: u8 = 0x02;
    /// SSL_peek before SSL_read.
    pub const PEEK: u8 = 0x04;
    /// Signature algorithms RSA only (the server's RSA certificate is chosen).
    pub const RSA_SIGALGS: u8 = 0x08;
}

// ---------------------------------------------------------------- contexts

fn add_cert_and_key(c: *mut SSL_CTX, cert_pem: &str, key_pem: &str) {
    let (x, k) = (pki::cert(cert_pem), pki::key(key_pem));
    assert_eq!(ctx_certs::SSL_CTX_use_certificate(c, x), 1);
    assert_eq!(ctx_certs::SSL_CTX_use_PrivateKey(c, k), 1);
    // SAFETY: the context took its own references.
    unsafe {
        sys::X509_free(x);
        sys::EVP_PKEY_free(k);
    }
}

fn trust_ca(c: *mut SSL_CTX) {
    let store = ctx::SSL_CTX_get_cert_store(c);
    let ca = pki::cert(pki::CA);
    // SAFETY: the store takes its own reference; `ca` is ours.
    unsafe {
        assert_eq!(sys::X509_STORE_add_cert(store, ca), 1);
    }
    assert_eq!(ctx_certs::SSL_CTX_add_client_CA(c, ca), 1);
    // SAFETY: our reference.
    unsafe { sys::X509_free(ca) };
}

fn server_ctx(alt: bool) -> *mut SSL_CTX {
    let c = ctx::SSL_CTX_new(ssl_server_method());
    assert!(!c.is_null());
    if alt {
        add_cert_and_key(c, pki::SERVER_ED25519, pki::SERVER_ED25519_KEY);
        assert_eq!(ticket::SSL_CTX_set_tlsext_ticket_key_evp_cb(c, Some(ticket_key_evp_cb)), 1);
    } else {
        add_cert_and_key(c, pki::SERVER_P256, pki::SERVER_P256_KEY);
        add_cert_and_key(c, pki::SERVER_RSA, pki::SERVER_RSA_KEY);
        // SAFETY: the HMAC-kind ticket key callback, cast to the generic type as
        // OpenSSL's SSL_CTX_set_tlsext_ticket_key_cb macro does.
        let cb = unsafe { std::mem::transmute::<TicketHmacCb, unsafe extern "C" fn()>(ticket_key_hmac_cb) };
        assert_eq!(ctrl::SSL_CTX_callback_ctrl(c, SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB, Some(cb)), 1);
    }
    assert_eq!(ctx_certs::SSL_CTX_check_private_key(c), 1);
    trust_ca(c);
    ctx::SSL_CTX_set_verify(c, SSL_VERIFY_PEER, Some(verify_cb));
    assert_eq!(ctx::SSL_CTX_set_session_id_context(c, SID_CTX.as_ptr(), SID_CTX.len() as c_uint), 1);
    ctx::SSL_CTX_set_timeout(c, TIMEOUT);
    ctrl::SSL_CTX_ctrl(c, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_SERVER, ptr::null_mut());
    ctrl::SSL_CTX_ctrl(c, SSL_CTRL_SET_SESS_CACHE_SIZE, CACHE_SIZE, ptr::null_mut());
    session::SSL_CTX_sess_set_new_cb(c, Some(new_session_cb));
    ctx::SSL_CTX_set_alpn_select_cb(c, Some(alpn_select_cb), ptr::null_mut());
    hello::SSL_CTX_set_client_hello_cb(c, Some(client_hello_cb), ptr::null_mut());
    hello::SSL_CTX_set_cert_cb(c, Some(cert_cb), ptr::null_mut());
    // SAFETY: callbacks cast to the generic type as OpenSSL's macros do.
    unsafe {
        let sni = std::mem::transmute::<ServernameCb, unsafe extern "C" fn()>(servername_cb);
        assert_eq!(ctrl::SSL_CTX_callback_ctrl(c, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, Some(sni)), 1);
        let status = std::mem::transmute::<StatusCb, unsafe extern "C" fn()>(server_status_cb);
        assert_eq!(ctrl::SSL_CTX_callback_ctrl(c, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB, Some(status)), 1);
    }
    ctx::SSL_CTX_set_keylog_callback(c, Some(keylog_cb));
    ctx::SSL_CTX_set_info_callback(c, Some(info_cb));
    c
}

/// The server contexts: `main` (P-256 and RSA certificates, HMAC ticket key callback)
/// and `alt` (Ed25519, EVP ticket key callback), which the SNI callback switches to for
/// alt.example. Each server session of `sessions` (DER) is added to main's cache.
pub struct ServerCtxs {
    pub main: CtxPtr,
    pub alt: CtxPtr,
}

pub fn server_ctxs() -> &'static ServerCtxs {
    static S: OnceLock<ServerCtxs> = OnceLock::new();
    S.get_or_init(|| ServerCtxs { main: CtxPtr(server_ctx(false)), alt: CtxPtr(server_ctx(true)) })
}

/// Adds DER server sessions to the caches of both server contexts; returns how many
/// decoded.
pub fn prefill_server_cache(ders: &[Vec<u8>]) -> usize {
    let s = server_ctxs();
    let mut n = 0;
    for der in ders {
        let mut p = der.as_ptr();
        let sess = session::d2i_SSL_SESSION(ptr::null_mut(), &mut p, der.len() as c_long);
        if sess.is_null() {
            continue;
        }
        n += 1;
        session::SSL_CTX_add_session(s.main.0, sess);
        session::SSL_CTX_add_session(s.alt.0, sess);
        session::SSL_SESSION_free(sess);
    }
    clear_errors();
    n
}

/// The client context: verification against the test CA with a verify callback, a
/// client certificate, ALPN, the status callback, the client session cache.
pub fn client_ctx() -> CtxPtr {
    static C: OnceLock<CtxPtr> = OnceLock::new();
    *C.get_or_init(|| {
        let c = ctx::SSL_CTX_new(ssl_client_method());
        assert!(!c.is_null());
        trust_ca(c);
        ctx::SSL_CTX_set_verify(c, SSL_VERIFY_PEER, Some(verify_cb));
        assert_eq!(ctx::SSL_CTX_set_alpn_protos(c, CLIENT_ALPN.as_ptr(), CLIENT_ALPN.len() as c_uint), 0);
        ctrl::SSL_CTX_ctrl(c, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_CLIENT, ptr::null_mut());
        ctrl::SSL_CTX_ctrl(c, SSL_CTRL_SET_SESS_CACHE_SIZE, CACHE_SIZE, ptr::null_mut());
        session::SSL_CTX_sess_set_new_cb(c, Some(new_session_cb));
        // SAFETY: as in server_ctx.
        unsafe {
            let status = std::mem::transmute::<StatusCb, unsafe extern "C" fn()>(client_status_cb);
            assert_eq!(ctrl::SSL_CTX_callback_ctrl(c, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB, Some(status)), 1);
        }
        ctx::SSL_CTX_set_keylog_callback(c, Some(keylog_cb));
        ctx::SSL_CTX_set_info_callback(c, Some(info_cb));
        CtxPtr(c)
    })
}

fn ssl_server_method() -> *const oxissl::abi::SSL_METHOD {
    ctx::TLS_server_method()
}

fn ssl_client_method() -> *const oxissl::abi::SSL_METHOD {
    ctx::TLS_client_method()
}

// ---------------------------------------------------------------- connections

/// One end of a connection: an SSL with a memory BIO to read from and one to write to.
pub struct Endpoint {
    pub ssl: *mut SSL,
    pub rbio: *mut BIO,
    pub wbio: *mut BIO,
}

impl Endpoint {
    pub fn new(c: *mut SSL_CTX, server: bool) -> Endpoint {
        let s = ssl::SSL_new(c);
        assert!(!s.is_null());
        // SAFETY: fresh memory BIOs; the SSL takes over one reference to each.
        let (rbio, wbio) = unsafe { (sys::BIO_new(sys::BIO_s_mem()), sys::BIO_new(sys::BIO_s_mem())) };
        ssl::SSL_set_bio(s, rbio, wbio);
        if server {
            ssl::SSL_set_accept_state(s);
        } else {
            ssl::SSL_set_connect_state(s);
        }
        Endpoint { ssl: s, rbio, wbio }
    }

    /// Bytes from the peer.
    pub fn feed(&self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        // SAFETY: our read BIO, kept alive by the SSL.
        let n = unsafe { sys::BIO_write(self.rbio, bytes.as_ptr() as *const c_void, bytes.len() as c_int) };
        assert_eq!(n as usize, bytes.len());
    }

    /// The peer will read end of stream once the bytes fed so far are consumed.
    pub fn feed_eof(&self) {
        // SAFETY: BIO_set_mem_eof_return(rbio, 0) on our memory BIO.
        unsafe { sys::BIO_ctrl(self.rbio, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, ptr::null_mut()) };
    }

    /// Everything the SSL wrote since the last call.
    pub fn drain(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: our write BIO, read into a local buffer.
            let n = unsafe { sys::BIO_read(self.wbio, buf.as_mut_ptr() as *mut c_void, buf.len() as c_int) };
            if n <= 0 {
                break;
            }
            out.extend_from_slice(&buf[..n as usize]);
        }
        out
    }

    /// Drops what the SSL wrote.
    pub fn discard(&self) {
        let _ = self.drain();
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        ssl::SSL_free(self.ssl);
    }
}

/// The configuration the callbacks see (the connection being driven).
pub fn set_conf(conf: [u8; 2]) {
    CONF.with(|c| c.set(conf));
}

/// A new connection: its configuration, and no callback retries yet.
pub fn new_connection(conf: [u8; 2]) {
    set_conf(conf);
    RETRIES.with(|r| r.set(0));
}

fn version_bounds(s: *mut SSL, bits: u8) {
    let (min, max) = match bits & 3 {
        1 => (TLS1_2_VERSION, TLS1_2_VERSION),
        2 => (TLS1_3_VERSION, TLS1_3_VERSION),
        _ => (0, 0),
    };
    ctrl::SSL_ctrl(s, SSL_CTRL_SET_MIN_PROTO_VERSION, min, ptr::null_mut());
    ctrl::SSL_ctrl(s, SSL_CTRL_SET_MAX_PROTO_VERSION, max, ptr::null_mut());
}

/// A server connection configured by `conf` (see [`sconf`]).
pub fn server_endpoint(conf: [u8; 2]) -> Endpoint {
    new_connection(conf);
    let s = server_ctxs();
    let start = if conf[0] & sconf::START_ALT != 0 { s.alt.0 } else { s.main.0 };
    let e = Endpoint::new(start, true);
    version_bounds(e.ssl, conf[0]);
    if conf[0] & sconf::NO_TICKET != 0 {
        ssl::SSL_set_options(e.ssl, SSL_OP_NO_TICKET);
    }
    if conf[1] & sconf::NO_VERIFY != 0 {
        ssl_certs::SSL_set_verify(e.ssl, SSL_VERIFY_NONE, None);
    } else if conf[0] & sconf::FAIL_IF_NO_PEER_CERT != 0 {
        ssl_certs::SSL_set_verify(e.ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, Some(verify_cb));
    }
    if conf[1] & sconf::P256_ONLY != 0 {
        let g = c"P-256";
        ctrl::SSL_ctrl(e.ssl, SSL_CTRL_SET_GROUPS_LIST, 0, g.as_ptr() as *mut c_void);
    }
    if conf[1] & sconf::SERVER_PREF != 0 {
        // SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA
        ssl::SSL_set_options(e.ssl, 0x0040_0000 | 0x0020_0000);
    }
    if conf[1] & sconf::READ_AHEAD != 0 {
        ctrl::SSL_ctrl(e.ssl, SSL_CTRL_SET_READ_AHEAD, 1, ptr::null_mut());
    }
    if conf[1] & sconf::NARROW_SUITES != 0 {
        ssl::SSL_set_ciphersuites(e.ssl, c"TLS_CHACHA20_POLY1305_SHA256".as_ptr());
        ssl::SSL_set_cipher_list(e.ssl, c"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256".as_ptr());
    }
    e
}

/// A client connection configured by `conf` (see [`cconf`]); `resume` is offered when
/// the RESUME bit is set.
pub fn client_endpoint(conf: [u8; 2], resume: *mut SSL_SESSION) -> Endpoint {
    new_connection(conf);
    let e = Endpoint::new(client_ctx().0, false);
    version_bounds(e.ssl, conf[0]);
    let host = if conf[0] & cconf::SNI_ALT != 0 { c"alt.example" } else { c"localhost" };
    ctrl::SSL_ctrl(e.ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, 0, host.as_ptr() as *mut c_void);
    if conf[0] & cconf::NO_HOST_CHECK == 0 {
        assert_eq!(ssl_certs::SSL_set1_host(e.ssl, c"localhost".as_ptr()), 1);
    }
    if conf[0] & cconf::NO_ALPN != 0 {
        ssl::SSL_set_alpn_protos(e.ssl, ptr::null(), 0);
    }
    if conf[0] & cconf::STATUS != 0 {
        // SSL_set_tlsext_status_type(s, TLSEXT_STATUSTYPE_ocsp)
        ctrl::SSL_ctrl(e.ssl, SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE, 1, ptr::null_mut());
    }
    if conf[1] & cconf::P384_FIRST != 0 {
        let g = c"P-384:X25519";
        ctrl::SSL_ctrl(e.ssl, SSL_CTRL_SET_GROUPS_LIST, 0, g.as_ptr() as *mut c_void);
    }
    if conf[1] & cconf::RSA_SIGALGS != 0 {
        let l = c"rsa_pss_rsae_sha256:rsa_pkcs1_sha256:rsa_pss_rsae_sha384";
        ctrl::SSL_ctrl(e.ssl, SSL_CTRL_SET_SIGALGS_LIST, 0, l.as_ptr() as *mut c_void);
    }
    if conf[1] & cconf::NO_CLIENT_CERT == 0 {
        let (x, k) = (pki::cert(pki::CLIENT), pki::key(pki::CLIENT_KEY));
        assert_eq!(ssl_certs::SSL_use_certificate(e.ssl, x), 1);
        assert_eq!(ssl_certs::SSL_use_PrivateKey(e.ssl, k), 1);
        // SAFETY: the SSL took its own references.
        unsafe {
            sys::X509_free(x);
            sys::EVP_PKEY_free(k);
        }
    }
    if conf[0] & cconf::RESUME != 0 && !resume.is_null() {
        session::SSL_set_session(e.ssl, resume);
    }
    e
}

/// SSL_do_handshake and its SSL_get_error.
pub fn step(s: *mut SSL) -> (c_int, c_int) {
    let r = ssl::SSL_do_handshake(s);
    (r, if r == 1 { SSL_ERROR_NONE } else { ssl::SSL_get_error(s, r) })
}

/// Reads whatever application data is there (bounded), as an application would.
pub fn read_all(s: *mut SSL, peek: bool) -> (c_int, Vec<u8>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    for _ in 0..16 {
        if peek {
            ssl::SSL_peek(s, buf.as_mut_ptr() as *mut c_void, 7);
            ssl::SSL_pending(s);
        }
        let n = ssl::SSL_read(s, buf.as_mut_ptr() as *mut c_void, buf.len() as c_int);
        if n <= 0 {
            return (ssl::SSL_get_error(s, n), got);
        }
        got.extend_from_slice(&buf[..n as usize]);
    }
    (SSL_ERROR_NONE, got)
}

/// Everything an application asks a finished connection (the answers are dropped).
pub fn query_connection(s: *mut SSL) {
    ssl::SSL_get_version(s);
    ssl::SSL_is_init_finished(s);
    let c = ssl::SSL_get_current_cipher(s);
    if !c.is_null() {
        let mut buf = [0 as c_char; 128];
        cipher::SSL_CIPHER_description(c, buf.as_mut_ptr(), buf.len() as c_int);
        cipher::SSL_CIPHER_get_name(c);
    }
    session::SSL_session_reused(s);
    let (mut p, mut len) = (ptr::null(), 0 as c_uint);
    ssl::SSL_get0_alpn_selected(s, &mut p, &mut len);
    ssl::SSL_get_servername(s, 0);
    ssl_certs::SSL_get_verify_result(s);
    let x = ssl_certs::SSL_get1_peer_certificate(s);
    if !x.is_null() {
        // SAFETY: our reference.
        unsafe { sys::X509_free(x) };
    }
    ssl_certs::SSL_get_peer_cert_chain(s);
    ssl_certs::SSL_get0_verified_chain(s);
    let mut shared = [0 as c_char; 512];
    cipher::SSL_get_shared_ciphers(s, shared.as_mut_ptr(), shared.len() as c_int);
    let mut out = [0u8; 32];
    info::SSL_export_keying_material(s, out.as_mut_ptr(), out.len(), c"EXPORTER-fuzz".as_ptr(), 13, ptr::null(), 0, 0);
    let mut nid: c_int = 0;
    ctrl::SSL_ctrl(s, SSL_CTRL_GET_PEER_SIGNATURE_NID, 0, &mut nid as *mut c_int as *mut c_void);
    ctrl::SSL_ctrl(s, SSL_CTRL_GET_NEGOTIATED_GROUP, 0, ptr::null_mut());
    let mut key: *mut EVP_PKEY = ptr::null_mut();
    if ctrl::SSL_ctrl(s, SSL_CTRL_GET_PEER_TMP_KEY, 0, &mut key as *mut *mut EVP_PKEY as *mut c_void) == 1
        && !key.is_null()
    {
        // SAFETY: SSL_get_peer_tmp_key hands us a reference.
        unsafe { sys::EVP_PKEY_free(key) };
    }
    let (mut sign, mut hash) = (0, 0);
    let (mut signhash, mut rsign, mut rhash) = (0, 0u8, 0u8);
    for i in 0..4 {
        info::SSL_get_sigalgs(s, i, &mut sign, &mut hash, &mut signhash, &mut rsign, &mut rhash);
        info::SSL_get_shared_sigalgs(s, i, &mut sign, &mut hash, &mut signhash, &mut rsign, &mut rhash);
    }
    let sess = session::SSL_get_session(s);
    if !sess.is_null() {
        session::SSL_SESSION_is_resumable(sess);
        let mut n = 0;
        session::SSL_SESSION_get_id(sess, &mut n);
    }
    let mut ocsp: *const u8 = ptr::null();
    ctrl::SSL_ctrl(s, SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP, 0, &mut ocsp as *mut *const u8 as *mut c_void);
    ssl::SSL_state_string_long(s);
}

pub fn clear_errors() {
    // SAFETY: libcrypto's thread error queue.
    unsafe { ERR_clear_error() };
}

/// A recorded exchange: the flights each side wrote, in order.
#[derive(Default, Debug)]
pub struct Transcript {
    pub client: Vec<Vec<u8>>,
    pub server: Vec<Vec<u8>>,
}

/// Runs the handshake between two endpoints, moving (and recording) each flight; then
/// the client sends a request and the server answers, both read (TLS 1.3 tickets reach
/// the client). Returns whether both finished.
pub fn handshake(client: &Endpoint, server: &Endpoint, t: &mut Transcript, cconf: [u8; 2], sconf: [u8; 2]) -> bool {
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..40 {
        let mut moved = false;
        if !c_done {
            set_conf(cconf);
            let (r, e) = step(client.ssl);
            c_done = r == 1;
            if !c_done && e != SSL_ERROR_WANT_READ {
                crate::dbg_log!("client handshake error {e}");
            }
        }
        let out = client.drain();
        if !out.is_empty() {
            server.feed(&out);
            t.client.push(out);
            moved = true;
        }
        if !s_done {
            set_conf(sconf);
            let (r, e) = step(server.ssl);
            s_done = r == 1;
            if !s_done
                && !matches!(e, SSL_ERROR_WANT_READ | SSL_ERROR_WANT_CLIENT_HELLO_CB | SSL_ERROR_WANT_X509_LOOKUP)
            {
                crate::dbg_log!("server handshake error {e}");
            }
        }
        let out = server.drain();
        if !out.is_empty() {
            client.feed(&out);
            t.server.push(out);
            moved = true;
        }
        if c_done && s_done && !moved {
            break;
        }
    }
    if !(c_done && s_done) {
        clear_errors();
        return false;
    }
    let req = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ssl::SSL_write(client.ssl, req.as_ptr() as *const c_void, req.len() as c_int);
    let out = client.drain();
    server.feed(&out);
    t.client.push(out);
    let (_, got) = read_all(server.ssl, false);
    assert_eq!(&got[..], &req[..]);
    let resp = b"HTTP/1.1 200 OK\r\n\r\n";
    ssl::SSL_write(server.ssl, resp.as_ptr() as *const c_void, resp.len() as c_int);
    let out = server.drain();
    client.feed(&out);
    t.server.push(out);
    let (_, got) = read_all(client.ssl, false);
    assert_eq!(&got[..], &resp[..]);
    true
}

/// Both sides send close_notify (sessions stay resumable).
pub fn shutdown(client: &Endpoint, server: &Endpoint, t: &mut Transcript) {
    ssl::SSL_shutdown(client.ssl);
    let out = client.drain();
    server.feed(&out);
    t.client.push(out);
    read_all(server.ssl, false);
    ssl::SSL_shutdown(server.ssl);
    let out = server.drain();
    client.feed(&out);
    t.server.push(out);
    ssl::SSL_shutdown(client.ssl);
    clear_errors();
}

// ---------------------------------------------------------------- callbacks

type TicketHmacCb = unsafe extern "C" fn(
    *mut SSL,
    *mut c_uchar,
    *mut c_uchar,
    *mut sys::EVP_CIPHER_CTX,
    *mut sys::HMAC_CTX,
    c_int,
) -> c_int;
type ServernameCb = unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int;
type StatusCb = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;

fn conf() -> [u8; 2] {
    CONF.with(|c| c.get())
}

/// Which key a presented ticket names: Some(renew) for ours, None for an unknown one.
unsafe fn ticket_key(name: *mut c_uchar, iv: *mut c_uchar, enc: c_int) -> Option<c_int> {
    if enc == 1 {
        ptr::copy_nonoverlapping(TICKET_NAME.as_ptr(), name, 16);
        if RAND_bytes(iv, 16) != 1 {
            return None;
        }
        return Some(1);
    }
    let presented = std::slice::from_raw_parts(name, 16);
    if presented == TICKET_NAME {
        Some(1)
    } else if presented == TICKET_OLD_NAME {
        Some(2)
    } else {
        None
    }
}

unsafe extern "C" fn ticket_key_hmac_cb(
    _s: *mut SSL,
    name: *mut c_uchar,
    iv: *mut c_uchar,
    cctx: *mut sys::EVP_CIPHER_CTX,
    hctx: *mut sys::HMAC_CTX,
    enc: c_int,
) -> c_int {
    let Some(answer) = ticket_key(name, iv, enc) else { return 0 };
    if sys::EVP_CipherInit_ex(cctx, sys::EVP_aes_256_cbc(), ptr::null_mut(), TICKET_AES.as_ptr(), iv, enc) != 1 {
        return -1;
    }
    if sys::HMAC_Init_ex(hctx, TICKET_HMAC.as_ptr() as *const c_void, 32, sys::EVP_sha256(), ptr::null_mut()) != 1 {
        return -1;
    }
    answer
}

unsafe extern "C" fn ticket_key_evp_cb(
    _s: *mut SSL,
    name: *mut c_uchar,
    iv: *mut c_uchar,
    cctx: *mut sys::EVP_CIPHER_CTX,
    mctx: *mut sys::EVP_MAC_CTX,
    enc: c_int,
) -> c_int {
    let Some(answer) = ticket_key(name, iv, enc) else { return 0 };
    if sys::EVP_CipherInit_ex(cctx, sys::EVP_aes_256_cbc(), ptr::null_mut(), TICKET_AES.as_ptr(), iv, enc) != 1 {
        return -1;
    }
    let mut digest = *b"SHA256\0";
    let params = [
        sys::OSSL_PARAM_construct_octet_string(c"key".as_ptr(), TICKET_HMAC.as_ptr() as *mut c_void, 32),
        OSSL_PARAM_construct_utf8_string(c"digest".as_ptr(), digest.as_mut_ptr() as *mut c_char, 0),
        sys::OSSL_PARAM_construct_end(),
    ];
    if sys::EVP_MAC_CTX_set_params(mctx, params.as_ptr()) != 1 {
        return -1;
    }
    answer
}

unsafe extern "C" fn servername_cb(s: *mut SSL, al: *mut c_int, _arg: *mut c_void) -> c_int {
    // nginx reads the handshake's session here.
    let sess = session::SSL_get_session(s);
    if !sess.is_null() {
        session::SSL_SESSION_get_protocol_version(sess);
    }
    let name = ssl::SSL_get_servername(s, 0);
    if name.is_null() {
        return SSL_TLSEXT_ERR_NOACK;
    }
    match CStr::from_ptr(name).to_bytes() {
        b"alt.example" => {
            let alt = server_ctxs().alt.0;
            if ssl::SSL_set_SSL_CTX(s, alt) != alt {
                return SSL_TLSEXT_ERR_ALERT_FATAL;
            }
            SSL_TLSEXT_ERR_OK
        }
        b"reject.example" => {
            *al = 112; // unrecognized_name
            SSL_TLSEXT_ERR_ALERT_FATAL
        }
        b"warn.example" => SSL_TLSEXT_ERR_ALERT_WARNING,
        b"localhost" => SSL_TLSEXT_ERR_OK,
        _ => SSL_TLSEXT_ERR_NOACK,
    }
}

unsafe extern "C" fn alpn_select_cb(
    _s: *mut SSL,
    out: *mut *const u8,
    outlen: *mut u8,
    input: *const u8,
    inlen: c_uint,
    _arg: *mut c_void,
) -> c_int {
    let mut chosen: *mut c_uchar = ptr::null_mut();
    let r = ctx::SSL_select_next_proto(
        &mut chosen,
        outlen,
        SERVER_ALPN.as_ptr(),
        SERVER_ALPN.len() as c_uint,
        input,
        inlen,
    );
    if r == OPENSSL_NPN_NEGOTIATED {
        *out = chosen;
        return SSL_TLSEXT_ERR_OK;
    }
    let offered = std::slice::from_raw_parts(input, inlen as usize);
    if offered.windows(6).any(|w| w == b"reject") {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    SSL_TLSEXT_ERR_NOACK
}

unsafe extern "C" fn client_hello_cb(s: *mut SSL, al: *mut c_int, _arg: *mut c_void) -> c_int {
    if conf()[0] & sconf::HELLO_RETRY != 0 && RETRIES.with(|r| r.get()) == 0 {
        RETRIES.with(|r| r.set(1));
        return SSL_CLIENT_HELLO_RETRY;
    }
    let mut p: *const c_uchar = ptr::null();
    hello::SSL_client_hello_isv2(s);
    hello::SSL_client_hello_get0_legacy_version(s);
    hello::SSL_client_hello_get0_random(s, &mut p);
    hello::SSL_client_hello_get0_session_id(s, &mut p);
    let n = hello::SSL_client_hello_get0_ciphers(s, &mut p);
    if n > 0 && !p.is_null() {
        // Read every byte handed to us (ASan checks the bounds).
        std::slice::from_raw_parts(p, n).iter().fold(0u8, |a, b| a ^ b);
    }
    hello::SSL_client_hello_get0_compression_methods(s, &mut p);
    let mut exts: *mut c_int = ptr::null_mut();
    let mut nexts = 0usize;
    if hello::SSL_client_hello_get1_extensions_present(s, &mut exts, &mut nexts) == 1 && !exts.is_null() {
        for i in 0..nexts {
            let t = *exts.add(i);
            let mut e: *const c_uchar = ptr::null();
            let mut elen = 0usize;
            if hello::SSL_client_hello_get0_ext(s, t as c_uint, &mut e, &mut elen) == 1 && elen > 0 {
                std::slice::from_raw_parts(e, elen).iter().fold(0u8, |a, b| a ^ b);
            }
        }
        sys::CRYPTO_free(exts as *mut c_void, c"fuzz".as_ptr(), 0);
    }
    // A server name naming "hello-reject" is refused here, with an alert.
    let mut e: *const c_uchar = ptr::null();
    let mut elen = 0usize;
    if hello::SSL_client_hello_get0_ext(s, 0, &mut e, &mut elen) == 1 && elen > 0 {
        let sni = std::slice::from_raw_parts(e, elen);
        if sni.windows(12).any(|w| w == b"hello-reject") {
            *al = 40;
            return SSL_CLIENT_HELLO_ERROR;
        }
    }
    SSL_CLIENT_HELLO_SUCCESS
}

unsafe extern "C" fn cert_cb(s: *mut SSL, _arg: *mut c_void) -> c_int {
    if conf()[1] & sconf::CERT_CB_RETRY != 0 && RETRIES.with(|r| r.get()) < 2 {
        RETRIES.with(|r| r.set(2));
        return -1;
    }
    ssl_certs::SSL_get_certificate(s);
    ssl::SSL_get_servername(s, 0);
    1
}

unsafe extern "C" fn server_status_cb(s: *mut SSL, _arg: *mut c_void) -> c_int {
    let resp = CRYPTO_malloc(pki::OCSP_RESPONSE.len(), c"fuzz".as_ptr(), 0) as *mut u8;
    if resp.is_null() {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    ptr::copy_nonoverlapping(pki::OCSP_RESPONSE.as_ptr(), resp, pki::OCSP_RESPONSE.len());
    ctrl::SSL_ctrl(
        s,
        SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP,
        pki::OCSP_RESPONSE.len() as c_long,
        resp as *mut c_void,
    );
    SSL_TLSEXT_ERR_OK
}

unsafe extern "C" fn client_status_cb(s: *mut SSL, _arg: *mut c_void) -> c_int {
    let mut p: *const u8 = ptr::null();
    let len = ctrl::SSL_ctrl(s, SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP, 0, &mut p as *mut *const u8 as *mut c_void);
    if len > 0 && !p.is_null() {
        let resp = std::slice::from_raw_parts(p, len as usize);
        // A response starting 0xff is "revoked": the handshake must fail.
        if resp[0] == 0xff {
            return 0;
        }
    }
    1
}

unsafe extern "C" fn verify_cb(ok: c_int, store: *mut sys::X509_STORE_CTX) -> c_int {
    let err = X509_STORE_CTX_get_error(store);
    X509_STORE_CTX_get_error_depth(store);
    let x = X509_STORE_CTX_get_current_cert(store);
    if !x.is_null() {
        let mut buf = [0 as c_char; 256];
        X509_NAME_oneline(X509_get_subject_name(x), buf.as_mut_ptr(), buf.len() as c_int);
    }
    let s = sys::X509_STORE_CTX_get_ex_data(store, ssl_certs::SSL_get_ex_data_X509_STORE_CTX_idx()) as *mut SSL;
    if !s.is_null() {
        ssl::SSL_get_servername(s, 0);
    }
    if conf()[0] & cconf::VERIFY_ACCEPT_ALL != 0 && ssl::SSL_is_server(s) == 0 {
        return 1;
    }
    let _ = err;
    ok
}

unsafe extern "C" fn new_session_cb(s: *mut SSL, sess: *mut SSL_SESSION) -> c_int {
    // An external server cache would serialise it. (Not on clients: each client session
    // encoded is filed by oxissl for a later d2i, which keeps memory until it expires.)
    if ssl::SSL_is_server(s) == 0 {
        return 0;
    }
    let n = session::i2d_SSL_SESSION(sess, ptr::null_mut());
    if n > 0 {
        let mut buf = vec![0u8; n as usize];
        let mut p = buf.as_mut_ptr();
        session::i2d_SSL_SESSION(sess, &mut p);
    }
    0
}

unsafe extern "C" fn keylog_cb(_s: *const SSL, line: *const c_char) {
    if !line.is_null() {
        let _ = CStr::from_ptr(line).to_bytes().len();
    }
}

unsafe extern "C" fn info_cb(s: *const SSL, _where: c_int, _ret: c_int) {
    ssl::SSL_state_string(s);
}

/// A NUL-terminated copy of `bytes` up to its first NUL.
pub fn cstring(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap()
}
