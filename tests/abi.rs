//! End-to-end tests of the C entry points, called from Rust: two connections over
//! memory BIOs in one process, with certificates made by the `openssl` command.
mod common;

use std::ffi::CString;
use std::os::raw::c_void;
use std::ptr;

use common::*;

use oxissl::abi::ctx::*;
use oxissl::abi::session::*;
use oxissl::abi::ssl::*;
use oxissl::abi::ssl_certs::*;

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
