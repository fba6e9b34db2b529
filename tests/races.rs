//! Concurrency as servers meet it: one client and two server `SSL_CTX`s shared by eight
//! threads doing full and resumed handshakes (TLS 1.2 session IDs and tickets, TLS 1.3
//! tickets) while another thread reconfigures the contexts the way nginx and haproxy do
//! on reload: options, cipher lists, the certificate and key, `SSL_CTX_flush_sessions`,
//! timeouts, cache size, ticket-key rotation. Sessions are shared between threads through
//! a pool; one server context keeps its sessions in the application's own cache (the
//! new/get/remove callbacks run in parallel); a servername callback moves connections
//! between contexts; info, keylog and verify callbacks run on every thread.
//!
//! `cargo test` runs it as an ordinary test (every handshake must succeed, resumptions
//! must happen). `make race-test` runs it under ThreadSanitizer (nightly, or stable with RUSTC_BOOTSTRAP=1;
//! `-Zsanitizer=thread`, standard library rebuilt instrumented), where any data race
//! report fails the run (tools/race-test.sh).
mod common;

use std::collections::{HashMap, VecDeque};
use std::ffi::CString;
use std::os::raw::{c_int, c_long, c_uchar, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use common::*;
use oxissl::abi::ctrl::*;
use oxissl::abi::ctx::*;
use oxissl::abi::keyload::SSL_CTX_use_cert_and_key;
use oxissl::abi::session::*;
use oxissl::abi::ssl::*;
use oxissl::abi::{SSL, SSL_CTX, SSL_SESSION};

const THREADS: usize = 8;
const HANDSHAKES_PER_THREAD: usize = 40;

const SSL_OP_NO_TICKET: u64 = 1 << 14;
const SSL_OP_CIPHER_SERVER_PREFERENCE: u64 = 1 << 22;
const SSL_CTRL_SET_SESS_CACHE_SIZE: c_int = 42;
const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
const SSL_CTRL_SET_TLSEXT_SERVERNAME_CB: c_int = 53;
const SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB: c_int = 72;
const SSL_SESS_CACHE_SERVER: c_long = 2;
const SSL_SESS_CACHE_NO_INTERNAL: c_long = 0x300;
const SSL_TLSEXT_ERR_OK: c_int = 0;

/// A raw pointer the test hands between threads (OpenSSL's objects are shared so).
struct Shared<T>(*mut T);
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Shared<T> {}
// SAFETY: SSL_CTX and SSL_SESSION are documented thread-safe for sharing; each SSL stays
// on the thread that made it.
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}

// ---- application state the callbacks use (the application's own locking) -------------

/// The external session cache (SSL_SESS_CACHE_NO_INTERNAL): DER by session ID.
static EXTERNAL: Mutex<Option<HashMap<Vec<u8>, Vec<u8>>>> = Mutex::new(None);
static TICKET_KEY: AtomicUsize = AtomicUsize::new(0);
static INFO_EVENTS: AtomicUsize = AtomicUsize::new(0);
static KEYLOG_LINES: AtomicUsize = AtomicUsize::new(0);
static VERIFY_CALLS: AtomicUsize = AtomicUsize::new(0);
static SNI_SWITCHES: AtomicUsize = AtomicUsize::new(0);
static OTHER_CTX: Mutex<Option<Shared<SSL_CTX>>> = Mutex::new(None);

unsafe extern "C" fn new_session(_ssl: *mut SSL, sess: *mut SSL_SESSION) -> c_int {
    let mut len: u32 = 0;
    let id = SSL_SESSION_get_id(sess, &mut len);
    // SAFETY: the session reports `len` bytes of ID at `id`.
    let id = unsafe { std::slice::from_raw_parts(id, len as usize) }.to_vec();
    let n = i2d_SSL_SESSION(sess, ptr::null_mut());
    let mut der = vec![0u8; n.max(0) as usize];
    let mut p = der.as_mut_ptr();
    i2d_SSL_SESSION(sess, &mut p);
    EXTERNAL.lock().unwrap().get_or_insert_with(HashMap::new).insert(id, der);
    0 // the application keeps no reference
}

unsafe extern "C" fn get_session(_ssl: *mut SSL, id: *const c_uchar, len: c_int, copy: *mut c_int) -> *mut SSL_SESSION {
    // SAFETY: libssl passes `len` bytes of session ID and a writable flag.
    let key = unsafe { std::slice::from_raw_parts(id, len as usize) }.to_vec();
    // SAFETY: as above: the flag is writable.
    unsafe { *copy = 0 };
    let der = EXTERNAL.lock().unwrap().as_ref().and_then(|m| m.get(&key).cloned());
    match der {
        Some(der) => {
            let mut p = der.as_ptr();
            d2i_SSL_SESSION(ptr::null_mut(), &mut p, der.len() as c_long)
        }
        None => ptr::null_mut(),
    }
}

unsafe extern "C" fn remove_session(_ctx: *mut SSL_CTX, sess: *mut SSL_SESSION) {
    let mut len: u32 = 0;
    let id = SSL_SESSION_get_id(sess, &mut len);
    // SAFETY: as in new_session.
    let id = unsafe { std::slice::from_raw_parts(id, len as usize) };
    if let Some(m) = EXTERNAL.lock().unwrap().as_mut() {
        m.remove(id);
    }
}

/// Ticket keys: two generations, the current one chosen by TICKET_KEY (rotated by the
/// reconfiguring thread); a ticket under the other one is accepted and renewed.
const KEYS: [[u8; 32]; 2] = [[0x11; 32], [0x22; 32]];

unsafe extern "C" fn ticket_key(
    _ssl: *mut SSL,
    name: *mut c_uchar,
    iv: *mut c_uchar,
    cctx: *mut openssl_sys::EVP_CIPHER_CTX,
    hctx: *mut openssl_sys::HMAC_CTX,
    enc: c_int,
) -> c_int {
    // SAFETY: libssl passes a 16-byte name, a 16-byte IV and live cipher/HMAC contexts.
    unsafe {
        let idx = if enc == 1 {
            let idx = TICKET_KEY.load(Ordering::Relaxed) % 2;
            ptr::write_bytes(name, idx as u8 + 1, 16);
            if openssl_sys::RAND_bytes(iv, 16) != 1 {
                return -1;
            }
            idx
        } else {
            match *name {
                1 => 0,
                2 => 1,
                _ => return 0,
            }
        };
        let key = &KEYS[idx];
        openssl_sys::HMAC_Init_ex(hctx, key.as_ptr() as *const c_void, 16, openssl_sys::EVP_sha256(), ptr::null_mut());
        let ok = if enc == 1 {
            openssl_sys::EVP_EncryptInit_ex(
                cctx,
                openssl_sys::EVP_aes_128_cbc(),
                ptr::null_mut(),
                key[16..].as_ptr(),
                iv,
            )
        } else {
            openssl_sys::EVP_DecryptInit_ex(
                cctx,
                openssl_sys::EVP_aes_128_cbc(),
                ptr::null_mut(),
                key[16..].as_ptr(),
                iv,
            )
        };
        if ok != 1 {
            return -1;
        }
        if enc == 0 && idx != TICKET_KEY.load(Ordering::Relaxed) % 2 {
            2
        } else {
            1
        }
    }
}

unsafe extern "C" fn servername(ssl: *mut SSL, _ad: *mut c_int, _arg: *mut c_void) -> c_int {
    // Every third connection moves to the other context (as a virtual host would).
    if SNI_SWITCHES.fetch_add(1, Ordering::Relaxed) % 3 == 0 {
        if let Some(other) = *OTHER_CTX.lock().unwrap() {
            SSL_set_SSL_CTX(ssl, other.0);
        }
    }
    SSL_TLSEXT_ERR_OK
}

unsafe extern "C" fn info(_ssl: *const SSL, _where: c_int, _ret: c_int) {
    INFO_EVENTS.fetch_add(1, Ordering::Relaxed);
}

unsafe extern "C" fn keylog(_ssl: *const SSL, _line: *const std::os::raw::c_char) {
    KEYLOG_LINES.fetch_add(1, Ordering::Relaxed);
}

unsafe extern "C" fn verify(ok: c_int, _store: *mut openssl_sys::X509_STORE_CTX) -> c_int {
    VERIFY_CALLS.fetch_add(1, Ordering::Relaxed);
    ok
}

/// A certificate and its key, read with libcrypto.
fn load_pair(cert: &str, key: &str) -> (Shared<openssl_sys::X509>, Shared<openssl_sys::EVP_PKEY>) {
    let mode = CString::new("r").unwrap();
    // SAFETY: files read through libcrypto BIOs; the objects returned are owned by the caller.
    unsafe {
        let b = oxissl::crypto::sys::BIO_new_file(cpath(cert).as_ptr(), mode.as_ptr());
        let x = openssl_sys::PEM_read_bio_X509(b, ptr::null_mut(), None, ptr::null_mut());
        oxissl::crypto::sys::BIO_free(b);
        let b = oxissl::crypto::sys::BIO_new_file(cpath(key).as_ptr(), mode.as_ptr());
        let k = openssl_sys::PEM_read_bio_PrivateKey(b, ptr::null_mut(), None, ptr::null_mut());
        oxissl::crypto::sys::BIO_free(b);
        assert!(!x.is_null() && !k.is_null());
        (Shared(x), Shared(k))
    }
}

fn ctrl(ctx: *mut SSL_CTX, cmd: c_int, larg: c_long) -> c_long {
    SSL_CTX_ctrl(ctx, cmd, larg, ptr::null_mut())
}

type ServernameCb = Option<unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int>;
type TicketKeyCb = Option<
    unsafe extern "C" fn(
        *mut SSL,
        *mut c_uchar,
        *mut c_uchar,
        *mut openssl_sys::EVP_CIPHER_CTX,
        *mut openssl_sys::HMAC_CTX,
        c_int,
    ) -> c_int,
>;

/// A server context as a reloadable server sets one up.
fn server(external_cache: bool) -> *mut SSL_CTX {
    let ctx = server_ctx();
    SSL_CTX_set_info_callback(ctx, Some(info));
    SSL_CTX_set_keylog_callback(ctx, Some(keylog));
    // SAFETY: OpenSSL's macros pass these callbacks through the generic type.
    unsafe {
        SSL_CTX_callback_ctrl(
            ctx,
            SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
            std::mem::transmute::<ServernameCb, GenericCb>(Some(servername)),
        );
        SSL_CTX_callback_ctrl(
            ctx,
            SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB,
            std::mem::transmute::<TicketKeyCb, GenericCb>(Some(ticket_key)),
        );
    }
    if external_cache {
        ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
        SSL_CTX_sess_set_new_cb(ctx, Some(new_session));
        SSL_CTX_sess_set_get_cb(ctx, Some(get_session));
        SSL_CTX_sess_set_remove_cb(ctx, Some(remove_session));
    }
    ctx
}

/// One connection: resumes `offer` if given; returns the client's session and whether
/// both sides resumed.
fn connect(
    cctx: *mut SSL_CTX,
    sctx: *mut SSL_CTX,
    max_version: c_long,
    offer: Option<*mut SSL_SESSION>,
) -> (*mut SSL_SESSION, bool) {
    let p = pair(cctx, sctx);
    assert_eq!(SSL_ctrl(p.client, SSL_CTRL_SET_MAX_PROTO_VERSION, max_version, ptr::null_mut()), 1);
    let host = CString::new("localhost").unwrap();
    SSL_ctrl(p.client, 55, 0, host.as_ptr() as *mut c_void); // SSL_set_tlsext_host_name
    if let Some(s) = offer {
        assert_eq!(SSL_set_session(p.client, s), 1);
    }
    handshake(&p);
    // The server's tickets (TLS 1.3) arrive with its first data.
    assert_eq!(send(p.server, p.client, b"x"), b"x");
    let resumed = SSL_session_reused(p.client) == 1 && SSL_session_reused(p.server) == 1;
    let sess = SSL_get1_session(p.client);
    close(&p);
    free(p);
    (sess, resumed)
}

#[test]
fn shared_contexts_survive_concurrent_handshakes_and_reconfiguration() {
    let cctx = client_ctx(0);
    SSL_CTX_set_verify(cctx, 1, Some(verify));
    let sctx = server(false);
    let sctx_ext = server(true);
    let other = server(false);
    *OTHER_CTX.lock().unwrap() = Some(Shared(other));

    // One TLS 1.2 session every thread offers now and then, concurrently (an SSL_SESSION
    // is shared between threads as OpenSSL allows), while the reconfiguring thread reads it.
    let (common, _) = connect(cctx, sctx, 0x0303, None);
    assert!(!common.is_null());
    let common = Shared(common);
    let (c, s, se) = (Shared(cctx), Shared(sctx), Shared(sctx_ext));
    // Sessions waiting to be offered again, one queue per protocol version; the oldest is
    // offered first, so a session usually resumes on another thread than its own.
    let pools: Arc<[Mutex<VecDeque<Shared<SSL_SESSION>>>; 2]> =
        Arc::new([Mutex::new(VecDeque::new()), Mutex::new(VecDeque::new())]);
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let resumed = Arc::new(AtomicUsize::new(0));

    let reconfigure = {
        let (stop, start) = (stop.clone(), start.clone());
        std::thread::spawn(move || {
            let (s, se, common) = (s, se, common);
            start.wait();
            let lists = [
                CString::new("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384").unwrap(),
                CString::new(
                    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256",
                )
                .unwrap(),
            ];
            // Certificate and key change together (SSL_CTX_use_cert_and_key with override):
            // two separate calls would leave a moment with a certificate and no matching key.
            let certs = [load_pair("server.pem", "server.key"), load_pair("server2.pem", "server2.key")];
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                for ctx in [s.0, se.0] {
                    if i % 2 == 0 {
                        SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
                    } else {
                        SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
                    }
                    assert_eq!(SSL_CTX_set_cipher_list(ctx, lists[i % 2].as_ptr()), 1);
                    let (cert, key) = certs[i % 2];
                    assert_eq!(SSL_CTX_use_cert_and_key(ctx, cert.0, key.0, ptr::null_mut(), 1), 1);
                    SSL_CTX_set_timeout(ctx, 300 + (i % 7) as c_long);
                    ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_SIZE, 64 + (i % 5) as c_long);
                    if i % 5 == 4 {
                        SSL_CTX_flush_sessions(ctx, 0);
                    }
                }
                let mut len = 0u32;
                SSL_SESSION_get_id(common.0, &mut len);
                assert!(SSL_SESSION_get_time(common.0) > 0 && len > 0);
                SSL_SESSION_is_resumable(common.0);
                // Now and then the ticket-key generation rotates and tickets stop for a while.
                if i % 3 == 2 {
                    TICKET_KEY.fetch_add(1, Ordering::Relaxed);
                }
                if i % 4 == 1 {
                    SSL_CTX_set_options(s.0, SSL_OP_NO_TICKET);
                } else {
                    SSL_CTX_clear_options(s.0, SSL_OP_NO_TICKET);
                }
                i += 1;
                std::thread::yield_now();
            }
            for (cert, key) in certs {
                // SAFETY: the references load_pair took.
                unsafe {
                    openssl_sys::X509_free(cert.0);
                    openssl_sys::EVP_PKEY_free(key.0);
                }
            }
            i
        })
    };

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pools, start, resumed) = (pools.clone(), start.clone(), resumed.clone());
            std::thread::spawn(move || {
                let (c, s, se, common) = (c, s, se, common);
                start.wait();
                for i in 0..HANDSHAKES_PER_THREAD {
                    let v = (t + i) % 2;
                    let version = [0x0304, 0x0303][v];
                    let server = if t % 2 == 0 { s.0 } else { se.0 };
                    if i % 5 == 4 {
                        let (sess, _) = connect(c.0, s.0, 0x0303, Some(common.0));
                        SSL_SESSION_free(sess);
                        continue;
                    }
                    // Offer a pooled session of this version (any thread's), if one waits.
                    let offer = pools[v].lock().unwrap().pop_front();
                    let (sess, both) = connect(c.0, server, version, offer.map(|o| o.0));
                    if both {
                        resumed.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Some(o) = offer {
                        SSL_SESSION_free(o.0);
                    }
                    if !sess.is_null() {
                        pools[v].lock().unwrap().push_back(Shared(sess));
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker thread");
    }
    stop.store(true, Ordering::Relaxed);
    let rounds = reconfigure.join().expect("reconfiguring thread");

    for pool in pools.iter() {
        for s in pool.lock().unwrap().drain(..) {
            SSL_SESSION_free(s.0);
        }
    }
    SSL_SESSION_free(common.0);
    let resumed = resumed.load(Ordering::Relaxed);
    eprintln!(
        "races: {} handshakes, {resumed} resumed on both sides, {rounds} reconfiguration rounds, \
         {} SNI callbacks, {} info events, {} keylog lines, {} verify callbacks",
        THREADS * HANDSHAKES_PER_THREAD,
        SNI_SWITCHES.load(Ordering::Relaxed),
        INFO_EVENTS.load(Ordering::Relaxed),
        KEYLOG_LINES.load(Ordering::Relaxed),
        VERIFY_CALLS.load(Ordering::Relaxed),
    );
    // Cache flushes, disabled tickets and key rotation make some offers fail; most resume.
    assert!(resumed > THREADS * HANDSHAKES_PER_THREAD / 4, "only {resumed} resumptions");
    assert!(rounds > 0);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    SSL_CTX_free(sctx_ext);
    *OTHER_CTX.lock().unwrap() = None;
    SSL_CTX_free(other);
}

/// Proves the ThreadSanitizer run can fail: with OXISSL_PLANT_RACE=1 two threads write a
/// shared counter without synchronisation, which tools/race-test.sh requires ThreadSanitizer
/// to report. Without the variable it does nothing.
#[test]
fn planted_race_for_the_sanitizer_check() {
    if std::env::var_os("OXISSL_PLANT_RACE").is_none() {
        return;
    }
    struct Racy(std::cell::UnsafeCell<u64>);
    // SAFETY: deliberately false: this test exists to be caught racing.
    unsafe impl Sync for Racy {}
    static COUNTER: Racy = Racy(std::cell::UnsafeCell::new(0));
    // Both threads are alive while they write (a thread that ended before the other
    // started could have its history forgotten by the sanitizer).
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let end = std::sync::Arc::new(std::sync::Barrier::new(2));
    let bump = {
        let (start, end) = (start.clone(), end.clone());
        move || {
            start.wait();
            for _ in 0..1000 {
                // SAFETY: not sound (unsynchronised writes): the planted race.
                unsafe { *COUNTER.0.get() += 1 };
            }
            end.wait();
        }
    };
    let t = std::thread::spawn(bump.clone());
    bump();
    t.join().unwrap();
}
