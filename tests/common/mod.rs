//! Helpers shared by the integration tests: certificates made by the system `openssl`
//! command, contexts, and client/server pairs over memory BIOs driven through the C ABI.
#![allow(dead_code)]
use std::ffi::CString;
use std::os::raw::{c_int, c_void};
use std::path::PathBuf;
use std::process::Command;
use std::ptr;
use std::sync::Once;

use oxissl::abi::ctx::*;
use oxissl::abi::ctx_certs::*;
use oxissl::abi::ssl::*;
use oxissl::abi::ssl_certs::*;
use oxissl::abi::{SSL, SSL_CTX};

pub const SSL_FILETYPE_PEM: c_int = 1;
pub const SSL_ERROR_WANT_READ: c_int = 2;
pub const SSL_ERROR_ZERO_RETURN: c_int = 6;
pub const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;

pub fn certs() -> PathBuf {
    static ONCE: Once = Once::new();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("abi-certs");
    ONCE.call_once(|| {
        std::fs::create_dir_all(&dir).unwrap();
        let run = |args: &[&str]| {
            // The openssl command must run on the system libssl, not on ours.
            let ok = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .env_remove("LD_LIBRARY_PATH")
                .env_remove("LD_PRELOAD")
                .output()
                .unwrap()
                .status
                .success();
            assert!(ok, "openssl {args:?} failed");
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=abi test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\n").unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ]);
        // A second server key and certificate (for tests that swap certificates).
        run(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-nodes",
            "-keyout",
            "server2.key",
            "-out",
            "server2.csr",
            "-subj",
            "/CN=localhost",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "server2.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "server2.pem",
        ]);
    });
    dir
}

pub fn cpath(name: &str) -> CString {
    CString::new(certs().join(name).to_str().unwrap()).unwrap()
}

pub struct Pair {
    pub client: *mut SSL,
    pub server: *mut SSL,
}

pub fn server_ctx() -> *mut SSL_CTX {
    let ctx = SSL_CTX_new(TLS_server_method());
    assert!(!ctx.is_null());
    assert_eq!(SSL_CTX_use_certificate_chain_file(ctx, cpath("server.pem").as_ptr()), 1);
    assert_eq!(SSL_CTX_use_PrivateKey_file(ctx, cpath("server.key").as_ptr(), SSL_FILETYPE_PEM), 1);
    assert_eq!(SSL_CTX_check_private_key(ctx), 1);
    ctx
}

pub fn client_ctx(max_version: c_int) -> *mut SSL_CTX {
    let ctx = SSL_CTX_new(TLS_client_method());
    assert_eq!(SSL_CTX_load_verify_locations(ctx, cpath("ca.pem").as_ptr(), ptr::null()), 1);
    SSL_CTX_set_verify(ctx, 1, None);
    if max_version != 0 {
        assert_eq!(
            oxissl::abi::ctrl::SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, max_version as _, ptr::null_mut()),
            1
        );
    }
    ctx
}

pub fn pair(cctx: *mut SSL_CTX, sctx: *mut SSL_CTX) -> Pair {
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

pub fn handshake(p: &Pair) {
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..20 {
        if !c_done {
            let r = SSL_do_handshake(p.client);
            c_done = r == 1;
            assert!(
                c_done || SSL_get_error(p.client, r) == SSL_ERROR_WANT_READ,
                "client error {}: {}",
                SSL_get_error(p.client, r),
                last_error()
            );
        }
        if !s_done {
            let r = SSL_do_handshake(p.server);
            s_done = r == 1;
            assert!(
                s_done || SSL_get_error(p.server, r) == SSL_ERROR_WANT_READ,
                "server error {}: {}",
                SSL_get_error(p.server, r),
                last_error()
            );
        }
        if c_done && s_done {
            return;
        }
    }
    panic!("handshake did not finish");
}

extern "C" {
    fn ERR_peek_error() -> std::os::raw::c_ulong;
    fn ERR_error_string_n(e: std::os::raw::c_ulong, buf: *mut std::os::raw::c_char, len: usize);
}

/// The first error on this thread's queue, as ERR_error_string_n renders it.
pub fn last_error() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: a writable buffer of the given size; the queue is this thread's.
    unsafe {
        let e = ERR_peek_error();
        ERR_error_string_n(e, buf.as_mut_ptr() as *mut _, buf.len());
    }
    String::from_utf8_lossy(&buf[..buf.iter().position(|&b| b == 0).unwrap_or(0)]).into_owned()
}

pub fn version(s: *const SSL) -> String {
    // SAFETY: SSL_get_version returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(SSL_get_version(s)) }.to_string_lossy().into_owned()
}

pub fn send(from: *mut SSL, to: *mut SSL, msg: &[u8]) -> Vec<u8> {
    assert_eq!(SSL_write(from, msg.as_ptr() as *const c_void, msg.len() as c_int), msg.len() as c_int);
    let mut buf = vec![0u8; 256];
    let n = SSL_read(to, buf.as_mut_ptr() as *mut c_void, buf.len() as c_int);
    assert!(n > 0, "read failed: {}", SSL_get_error(to, n));
    buf.truncate(n as usize);
    buf
}

pub fn close(p: &Pair) {
    assert_eq!(SSL_shutdown(p.client), 0);
    let mut buf = [0u8; 8];
    let r = SSL_read(p.server, buf.as_mut_ptr() as *mut c_void, 8);
    assert_eq!((r, SSL_get_error(p.server, r)), (0, SSL_ERROR_ZERO_RETURN));
    assert_eq!(SSL_shutdown(p.server), 1);
    assert_eq!(SSL_shutdown(p.client), 1);
}

pub fn free(p: Pair) {
    SSL_free(p.client);
    SSL_free(p.server);
}
