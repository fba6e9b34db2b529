//! server: a server SSL fed the input as the client's flights through a memory BIO.
//!
//! Input: two configuration bytes (oxissl_fuzz::tls::sconf: versions, client-certificate
//! policy, client-hello and certificate callback retries, starting context, tickets,
//! SSL_read_early_data, peek, groups, cipher preference, read-ahead, end of stream), then
//! flights framed as [u16 big-endian length][bytes]. After each flight the server runs
//! SSL_do_handshake (or SSL_read_early_data first, as nginx does), then SSL_read/SSL_write
//! once the handshake is done, and its output is drained.
//!
//! The contexts are configured as real servers are: SNI callback switching SSL_CTX with
//! SSL_set_SSL_CTX, ALPN select callback, client-hello callback, certificate callback,
//! a session cache pre-filled with recorded server sessions (fuzz/data/server-sessions),
//! fixed ticket keys through SSL_CTX_set_tlsext_ticket_key_cb (main context) and
//! SSL_CTX_set_tlsext_ticket_key_evp_cb (alt context) so recorded tickets open, OCSP
//! stapling, client certificates requested against the test CA, TLS 1.2 and 1.3.
#![no_main]
use std::os::raw::c_void;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use oxissl::abi::ssl;
use oxissl_fuzz::ffi::*;
use oxissl_fuzz::tls::{self, sconf};

/// Second configuration byte: the last flight is followed by end of stream.
const EOF_AT_END: u8 = 0x40;

fn prefill() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/server-sessions");
    let mut ders = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if let Ok(b) = std::fs::read(&p) {
                ders.push(b);
            }
        }
    }
    let n = tls::prefill_server_cache(&ders);
    oxissl_fuzz::dbg_log!("server: {n} of {} recorded sessions in the cache", ders.len());
}

fuzz_target!(init: prefill(), |data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let conf = [data[0], data[1]];
    let flights = oxissl_fuzz::split_flights(&data[2..]);
    let e = tls::server_endpoint(conf);
    let mut done = false;
    let mut failed = 0;
    for (i, f) in flights.iter().enumerate().take(24) {
        e.feed(f);
        if i + 1 == flights.len() && conf[1] & EOF_AT_END != 0 {
            e.feed_eof();
        }
        if !done {
            if conf[0] & sconf::EARLY_DATA_API != 0 {
                let mut buf = [0u8; 64];
                let mut n = 0usize;
                ssl::SSL_read_early_data(e.ssl, buf.as_mut_ptr() as *mut c_void, buf.len(), &mut n);
            }
            let (mut r, mut err) = tls::step(e.ssl);
            // A callback asked to be called again: as an application would, retry.
            for _ in 0..3 {
                if matches!(err, SSL_ERROR_WANT_CLIENT_HELLO_CB | SSL_ERROR_WANT_X509_LOOKUP) {
                    (r, err) = tls::step(e.ssl);
                }
            }
            oxissl_fuzz::dbg_log!("server: flight {i} ({} bytes): handshake {r} error {err} reused {}", f.len(), oxissl::abi::session::SSL_session_reused(e.ssl));
            done = r == 1;
            if done {
                tls::query_connection(e.ssl);
                oxissl_fuzz::dbg_log!("server: done, reused {}", oxissl::abi::session::SSL_session_reused(e.ssl));
            } else if err != SSL_ERROR_WANT_READ {
                failed += 1;
            }
        }
        if done {
            let (err, got) = tls::read_all(e.ssl, conf[0] & sconf::PEEK != 0);
            oxissl_fuzz::dbg_log!("server: read {} bytes, then error {err}", got.len());
            if !got.is_empty() {
                ssl::SSL_write(e.ssl, got.as_ptr() as *const c_void, got.len().min(1024) as i32);
            }
            if !matches!(err, SSL_ERROR_WANT_READ | SSL_ERROR_NONE) {
                failed += 1;
            }
        }
        let wrote = e.drain();
        oxissl_fuzz::dbg_log!("server: wrote {} bytes", wrote.len());
        // A failed connection is asked once more (it must stay failed, and safe).
        if failed > 1 {
            break;
        }
    }
    ssl::SSL_shutdown(e.ssl);
    ssl::SSL_get_shutdown(e.ssl);
    e.discard();
    let _ = ptr::null::<u8>();
    drop(e);
    tls::clear_errors();
});
