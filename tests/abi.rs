//! End-to-end tests of the C entry points, called from Rust: two connections over
//! memory BIOs in one process, with certificates made by the `openssl` command.
use std::ffi::CString;
use std::os::raw::{c_int, c_void};
use std::path::PathBuf;
use std::process::Command;
use std::ptr;
use std::sync::Once;

use oxissl::abi::ctx::*;
use oxissl::abi::session::*;
use oxissl::abi::ssl::*;
use oxissl::abi::{SSL, SSL_CTX};

const SSL_FILETYPE_PEM: c_int = 1;
const SSL_ERROR_WANT_READ: c_int = 2;
const SSL_ERROR_ZERO_RETURN: c_int = 6;
const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;

fn certs() -> PathBuf {
    static ONCE: Once = Once::new();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("abi-certs");
    ONCE.call_once(|| {
        std::fs::create_dir_all(&dir).unwrap();
        let run = |args: &[&str]| {
            // The openssl command must run on the system libssl, not on ours.
            let ok = Command::new("openssl").args(args).current_dir(&dir).env_remove("LD_LIBRARY_PATH").env_remove("LD_PRELOAD").output().unwrap().status.success();
            assert!(ok, "openssl {args:?} failed");
        };
        run(&["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=abi test CA"]);
        run(&["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=localhost"]);
        std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\n").unwrap();
        run(&["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "ext.cnf", "-out", "server.pem"]);
    });
    dir
}

fn cpath(name: &str) -> CString {
    CString::new(certs().join(name).to_str().unwrap()).unwrap()
}

struct Pair {
    client: *mut SSL,
    server: *mut SSL,
}

fn server_ctx() -> *mut SSL_CTX {
    let ctx = SSL_CTX_new(TLS_server_method());
    assert!(!ctx.is_null());
    assert_eq!(SSL_CTX_use_certificate_chain_file(ctx, cpath("server.pem").as_ptr()), 1);
    assert_eq!(SSL_CTX_use_PrivateKey_file(ctx, cpath("server.key").as_ptr(), SSL_FILETYPE_PEM), 1);
    assert_eq!(SSL_CTX_check_private_key(ctx), 1);
    ctx
}

fn client_ctx(max_version: c_int) -> *mut SSL_CTX {
    let ctx = SSL_CTX_new(TLS_client_method());
    assert_eq!(SSL_CTX_load_verify_locations(ctx, cpath("ca.pem").as_ptr(), ptr::null()), 1);
    SSL_CTX_set_verify(ctx, 1, None);
    if max_version != 0 {
        assert_eq!(oxissl::abi::ctrl::SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, max_version as _, ptr::null_mut()), 1);
    }
    ctx
}

fn pair(cctx: *mut SSL_CTX, sctx: *mut SSL_CTX) -> Pair {
    let client = SSL_new(cctx);
    let server = SSL_new(sctx);
    // SAFETY: fresh memory BIOs; each SSL takes over the references handed to it.
    unsafe {
        let c2s = openssl_sys::BIO_new(openssl_sys::BIO_s_mem());
        let s2c = openssl_sys::BIO_new(openssl_sys::BIO_s_mem());
        oxissl::crypto::bio::Bio::up_ref_raw(c2s);
        oxissl::crypto::bio::Bio::up_ref_raw(s2c);
        SSL_set_bio(client, s2c, c2s);
        SSL_set_bio(server, c2s, s2c);
    }
    let host = CString::new("localhost").unwrap();
    assert_eq!(SSL_set1_host(client, host.as_ptr()), 1);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    Pair { client, server }
}

fn handshake(p: &Pair) {
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..20 {
        if !c_done {
            let r = SSL_do_handshake(p.client);
            c_done = r == 1;
            assert!(c_done || SSL_get_error(p.client, r) == SSL_ERROR_WANT_READ, "client error {}", SSL_get_error(p.client, r));
        }
        if !s_done {
            let r = SSL_do_handshake(p.server);
            s_done = r == 1;
            assert!(s_done || SSL_get_error(p.server, r) == SSL_ERROR_WANT_READ, "server error");
        }
        if c_done && s_done {
            return;
        }
    }
    panic!("handshake did not finish");
}

fn version(s: *const SSL) -> String {
    // SAFETY: SSL_get_version returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(SSL_get_version(s)) }.to_string_lossy().into_owned()
}

fn send(from: *mut SSL, to: *mut SSL, msg: &[u8]) -> Vec<u8> {
    assert_eq!(SSL_write(from, msg.as_ptr() as *const c_void, msg.len() as c_int), msg.len() as c_int);
    let mut buf = vec![0u8; 256];
    let n = SSL_read(to, buf.as_mut_ptr() as *mut c_void, buf.len() as c_int);
    assert!(n > 0, "read failed: {}", SSL_get_error(to, n));
    buf.truncate(n as usize);
    buf
}

fn close(p: &Pair) {
    assert_eq!(SSL_shutdown(p.client), 0);
    let mut buf = [0u8; 8];
    let r = SSL_read(p.server, buf.as_mut_ptr() as *mut c_void, 8);
    assert_eq!((r, SSL_get_error(p.server, r)), (0, SSL_ERROR_ZERO_RETURN));
    assert_eq!(SSL_shutdown(p.server), 1);
    assert_eq!(SSL_shutdown(p.client), 1);
}

fn free(p: Pair) {
    SSL_free(p.client);
    SSL_free(p.server);
}

#[test]
fn tls13_handshake_exchanges_data_and_closes_in_two_steps() {
    let (cctx, sctx) = (client_ctx(0), server_ctx());
    let p = pair(cctx, sctx);
    handshake(&p);
    assert_eq!(version(p.client), "TLSv1.3");
    assert_eq!(SSL_get_verify_result(p.client), 0);
    assert_eq!(send(p.client, p.server, b"ping"), b"ping");
    assert_eq!(send(p.server, p.client, b"pong"), b"pong");
    assert_eq!(SSL_shutdown(p.client), 0, "first shutdown sends close_notify");
    let mut buf = [0u8; 8];
    let r = SSL_read(p.server, buf.as_mut_ptr() as *mut c_void, 8);
    assert_eq!((r, SSL_get_error(p.server, r)), (0, SSL_ERROR_ZERO_RETURN));
    assert_eq!(SSL_shutdown(p.server), 1);
    assert_eq!(SSL_shutdown(p.client), 1);
    assert_eq!(SSL_get_shutdown(p.client), 3);
    free(p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

#[test]
fn tls12_session_resumes_with_the_same_session_object() {
    let (cctx, sctx) = (client_ctx(0x0303), server_ctx());
    let p1 = pair(cctx, sctx);
    handshake(&p1);
    assert_eq!(version(p1.client), "TLSv1.2");
    assert_eq!(SSL_session_reused(p1.client), 0);
    let sess = SSL_get1_session(p1.client);
    assert!(!sess.is_null());
    assert_eq!(SSL_SESSION_is_resumable(sess), 1);
    // A connection freed without close_notify makes its session unresumable (OpenSSL's
    // rule), so close properly.
    close(&p1);
    free(p1);

    let p2 = pair(cctx, sctx);
    assert_eq!(SSL_set_session(p2.client, sess), 1);
    handshake(&p2);
    assert_eq!(SSL_session_reused(p2.client), 1);
    assert_eq!(SSL_session_reused(p2.server), 1);
    assert_eq!(SSL_get_session(p2.client), sess, "TLS 1.2 resumption keeps the session object");
    free(p2);
    assert_eq!(SSL_SESSION_is_resumable(sess), 0, "freed without shutdown: no longer resumable");
    SSL_SESSION_free(sess);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

#[test]
fn wrong_host_fails_verification_with_openssl_reason() {
    let (cctx, sctx) = (client_ctx(0), server_ctx());
    let p = pair(cctx, sctx);
    let other = CString::new("example.org").unwrap();
    assert_eq!(SSL_set1_host(p.client, other.as_ptr()), 1);
    let mut failed = false;
    for _ in 0..10 {
        let r = SSL_do_handshake(p.client);
        if r != 1 && SSL_get_error(p.client, r) != SSL_ERROR_WANT_READ {
            failed = true;
            break;
        }
        SSL_do_handshake(p.server);
    }
    assert!(failed);
    // SAFETY: reads this thread's error queue.
    let e = unsafe { openssl_sys::ERR_get_error() };
    assert_eq!((e >> 23) & 0xff, 20, "an SSL library error");
    assert_eq!(e & 0x7fffff, 134, "SSL_R_CERTIFICATE_VERIFY_FAILED");
    assert_eq!(SSL_get_verify_result(p.client), 62, "X509_V_ERR_HOSTNAME_MISMATCH");
    free(p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

#[test]
fn null_handles_fail_with_an_error_and_never_crash() {
    // SAFETY: clears this thread's error queue.
    unsafe { openssl_sys::ERR_clear_error() };
    assert_eq!(SSL_read(ptr::null_mut(), ptr::null_mut(), 0), -1);
    // SAFETY: reads this thread's error queue.
    let e = unsafe { openssl_sys::ERR_get_error() };
    assert_ne!(e, 0, "a NULL SSL must leave an error on the queue");
    SSL_free(ptr::null_mut());
    SSL_CTX_free(ptr::null_mut());
    SSL_SESSION_free(ptr::null_mut());
    assert!(SSL_new(ptr::null_mut()).is_null());
    assert!(SSL_CTX_new(ptr::null()).is_null());
}
