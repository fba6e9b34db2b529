//! client: a client SSL fed the input as the server's flights through a memory BIO.
//!
//! Input: two configuration bytes (oxissl_fuzz::tls::cconf: versions, offering a stored
//! session, ALPN, OCSP status request, verify callback policy, host check, SNI name,
//! groups, client certificate, peek), then flights framed as [u16 big-endian length]
//! [bytes]. The client verifies against the test CA with a verify callback, sends SNI
//! and ALPN, asks for the certificate status, and offers a session made by a real
//! in-process handshake at start-up (remade when it is spent).
#![no_main]
use std::os::raw::c_void;
use std::ptr;
use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use oxissl::abi::SSL_SESSION;
use oxissl::abi::{session, ssl};
use oxissl_fuzz::ffi::*;
use oxissl_fuzz::tls::{self, cconf, Transcript};

struct Stored {
    sessions: [*mut SSL_SESSION; 2],
    uses: u32,
}
// SAFETY: the pointers are sessions the fuzzer owns; it is single-threaded.
unsafe impl Send for Stored {}

static STORED: Mutex<Stored> = Mutex::new(Stored { sessions: [ptr::null_mut(); 2], uses: 0 });

/// A client session from a real handshake at TLS 1.2 (v12) or 1.3.
fn make_session(v12: bool) -> *mut SSL_SESSION {
    let v = if v12 { 1 } else { 2 };
    let (cc, sc) = ([v, 0], [v, 0]);
    let server = tls::server_endpoint(sc);
    let client = tls::client_endpoint(cc, ptr::null_mut());
    let mut t = Transcript::default();
    let ok = tls::handshake(&client, &server, &mut t, cc, sc);
    assert!(ok, "start-up handshake failed");
    tls::shutdown(&client, &server, &mut t);
    session::SSL_get1_session(client.ssl)
}

fn stored(v12: bool) -> *mut SSL_SESSION {
    let mut st = STORED.lock().unwrap();
    let i = v12 as usize;
    st.uses += 1;
    let spent =
        st.sessions[i].is_null() || (st.uses % 32 == 0 && session::SSL_SESSION_is_resumable(st.sessions[i]) == 0);
    if spent {
        if !st.sessions[i].is_null() {
            session::SSL_SESSION_free(st.sessions[i]);
        }
        st.sessions[i] = make_session(v12);
    }
    st.sessions[i]
}

fuzz_target!(init: { stored(false); stored(true); }, |data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let conf = [data[0], data[1]];
    let flights = oxissl_fuzz::split_flights(&data[2..]);
    let sess = if conf[0] & cconf::RESUME != 0 { stored(conf[0] & cconf::VERSION_MASK == 1) } else { ptr::null_mut() };
    let e = tls::client_endpoint(conf, sess);
    tls::set_conf(conf);
    // The ClientHello.
    tls::step(e.ssl);
    e.discard();
    let mut done = false;
    let mut failed = 0;
    for (i, f) in flights.iter().enumerate().take(24) {
        e.feed(f);
        if !done {
            let (r, err) = tls::step(e.ssl);
            oxissl_fuzz::dbg_log!("client: flight {i} ({} bytes): handshake {r} error {err}", f.len());
            done = r == 1;
            if done {
                tls::query_connection(e.ssl);
                let req = b"GET / HTTP/1.1\r\n\r\n";
                ssl::SSL_write(e.ssl, req.as_ptr() as *const c_void, req.len() as i32);
            } else if err != SSL_ERROR_WANT_READ {
                failed += 1;
            }
        }
        if done {
            let (err, got) = tls::read_all(e.ssl, conf[1] & cconf::PEEK != 0);
            oxissl_fuzz::dbg_log!("client: read {} bytes, then error {err}", got.len());
            if !matches!(err, SSL_ERROR_WANT_READ | SSL_ERROR_NONE) {
                failed += 1;
            }
            let s = session::SSL_get1_session(e.ssl);
            if !s.is_null() {
                session::SSL_SESSION_is_resumable(s);
                session::SSL_SESSION_free(s);
            }
        }
        e.discard();
        if failed > 1 {
            break;
        }
    }
    ssl::SSL_shutdown(e.ssl);
    e.discard();
    drop(e);
    tls::clear_errors();
});
