//! session: SSL_SESSION decoding (d2i_SSL_SESSION, PEM_read_bio_SSL_SESSION) of the
//! input; for a decoded session every accessor, the i2d round trip (re-decoding our own
//! encoding and re-encoding it must give the same bytes), SSL_SESSION_print, PEM output,
//! up_ref/free, and (for one input in four) SSL_set_session on a client that handshakes
//! with an in-process server over a BIO pair.
//!
//! Inputs starting with 'S' are a setter script instead: 'S', a selector (bit 0 TLS 1.2,
//! bit 1 no tickets, bit 2 the server's session, bit 3 encode a client session), then
//! setters [op][len][bytes]. A fresh session from a real handshake is changed through
//! the SSL_SESSION_set* functions and offered again, so resumption meets sessions whose
//! fields disagree with the connection.
#![no_main]
use std::os::raw::{c_int, c_long, c_uchar, c_uint, c_void};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use openssl_sys as sys;
use oxissl::abi::{cipher, session, ssl, ssl_certs, ticket};
use oxissl::abi::{SSL, SSL_SESSION};
use oxissl_fuzz::ffi::*;
use oxissl_fuzz::tls::{self, cconf, Transcript};

fn read_all_bytes(p: *const u8, n: usize) -> u8 {
    if p.is_null() || n == 0 {
        return 0;
    }
    // SAFETY: the accessor promised `n` readable bytes at `p`; ASan checks the claim.
    unsafe { std::slice::from_raw_parts(p, n) }.iter().fold(0u8, |a, b| a ^ b)
}

fn cstr_len(p: *const std::os::raw::c_char) -> usize {
    if p.is_null() {
        0
    } else {
        // SAFETY: accessors return NUL-terminated strings.
        unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes().len()
    }
}

/// Every getter of an SSL_SESSION, reading all the bytes each hands back.
fn accessors(s: *mut SSL_SESSION) {
    session::SSL_SESSION_is_resumable(s);
    session::SSL_SESSION_get_protocol_version(s);
    let c = session::SSL_SESSION_get0_cipher(s);
    if !c.is_null() {
        cstr_len(cipher::SSL_CIPHER_get_name(c));
        cipher::SSL_CIPHER_get_id(c);
    }
    session::SSL_SESSION_get_time(s);
    session::SSL_SESSION_get_timeout(s);
    let mut n: c_uint = 0;
    let p = session::SSL_SESSION_get_id(s, &mut n);
    read_all_bytes(p, n as usize);
    let p = session::SSL_SESSION_get0_id_context(s, &mut n);
    read_all_bytes(p, n as usize);
    cstr_len(session::SSL_SESSION_get0_hostname(s));
    let (mut p, mut len): (*const c_uchar, usize) = (ptr::null(), 0);
    session::SSL_SESSION_get0_alpn_selected(s, &mut p, &mut len);
    read_all_bytes(p, len);
    let peer = session::SSL_SESSION_get0_peer(s);
    if !peer.is_null() {
        // SAFETY: a borrowed certificate; i2d into a fresh buffer.
        unsafe {
            let mut der: *mut u8 = ptr::null_mut();
            let n = sys::i2d_X509(peer, &mut der);
            if n > 0 {
                sys::CRYPTO_free(der as *mut c_void, c"fuzz".as_ptr(), 0);
            }
        }
    }
    let need = session::SSL_SESSION_get_master_key(s, ptr::null_mut(), 0);
    let mut mk = vec![0u8; need.min(4096)];
    let got = session::SSL_SESSION_get_master_key(s, mk.as_mut_ptr(), mk.len());
    assert!(got <= mk.len(), "SSL_SESSION_get_master_key wrote {got} into {}", mk.len());
    let mut small = [0u8; 3];
    let got = session::SSL_SESSION_get_master_key(s, small.as_mut_ptr(), small.len());
    assert!(got <= small.len());
    session::SSL_SESSION_has_ticket(s);
    session::SSL_SESSION_get_ticket_lifetime_hint(s);
    let (mut t, mut tl): (*const c_uchar, usize) = (ptr::null(), 0);
    session::SSL_SESSION_get0_ticket(s, &mut t, &mut tl);
    read_all_bytes(t, tl);
    session::SSL_SESSION_get_max_early_data(s);
    session::SSL_SESSION_get_max_fragment_length(s);
    session::SSL_SESSION_get_compress_id(s);
    session::SSL_SESSION_get_ex_data(s, 0);
    let (mut d, mut dl): (*mut c_void, usize) = (ptr::null_mut(), 0);
    ticket::SSL_SESSION_get0_ticket_appdata(s, &mut d, &mut dl);
    read_all_bytes(d as *const u8, dl);
}

fn i2d(s: *mut SSL_SESSION) -> Option<Vec<u8>> {
    let n = session::i2d_SSL_SESSION(s, ptr::null_mut());
    if n <= 0 {
        return None;
    }
    let mut buf = vec![0u8; n as usize];
    let mut p = buf.as_mut_ptr();
    let m = session::i2d_SSL_SESSION(s, &mut p);
    assert_eq!(m, n, "i2d_SSL_SESSION length changed between calls");
    assert_eq!(p as usize - buf.as_ptr() as usize, n as usize, "i2d_SSL_SESSION moved the pointer wrongly");
    Some(buf)
}

fn d2i(der: &[u8]) -> *mut SSL_SESSION {
    let mut p = der.as_ptr();
    let s = session::d2i_SSL_SESSION(ptr::null_mut(), &mut p, der.len() as c_long);
    let used = p as usize - der.as_ptr() as usize;
    assert!(used <= der.len(), "d2i_SSL_SESSION read past its input ({used} > {})", der.len());
    s
}

/// Our own encoding decodes, and encodes again to the same bytes.
fn round_trip(s: *mut SSL_SESSION) {
    let Some(a) = i2d(s) else { return };
    let s2 = d2i(&a);
    assert!(!s2.is_null(), "d2i_SSL_SESSION refused i2d_SSL_SESSION's own output");
    let b = i2d(s2).expect("re-encoding failed");
    assert!(a == b, "i2d(d2i(i2d(s))) != i2d(s)");
    session::SSL_SESSION_free(s2);
}

fn print(s: *mut SSL_SESSION) {
    // SAFETY: a memory BIO of ours.
    unsafe {
        let b = sys::BIO_new(sys::BIO_s_mem());
        session::SSL_SESSION_print(b, s);
        session::SSL_SESSION_print_keylog(b, s);
        if session::PEM_write_bio_SSL_SESSION(b, s) == 1 {
            let again = session::PEM_read_bio_SSL_SESSION(b, ptr::null_mut(), None, ptr::null_mut());
            // SSL_SESSION_print's text comes first; PEM reading skips it.
            assert!(!again.is_null(), "PEM_read_bio_SSL_SESSION refused PEM_write_bio_SSL_SESSION's output");
            session::SSL_SESSION_free(again);
        }
        oxissl_fuzz::ffi::BIO_free(b);
    }
}

/// A client and a server over a BIO pair; returns whether the handshake finished.
fn bio_pair_handshake(sess: *mut SSL_SESSION, conf: [u8; 2]) -> bool {
    let client = ssl::SSL_new(tls::client_ctx().0);
    let server = ssl::SSL_new(tls::server_ctxs().main.0);
    let (mut b1, mut b2) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: a fresh BIO pair; each SSL takes over one end (used for both directions).
    unsafe { assert_eq!(BIO_new_bio_pair(&mut b1, 0, &mut b2, 0), 1) };
    ssl::SSL_set_bio(client, b1, b1);
    ssl::SSL_set_bio(server, b2, b2);
    ssl::SSL_set_connect_state(client);
    ssl::SSL_set_accept_state(server);
    oxissl::abi::ctrl::SSL_ctrl(client, SSL_CTRL_SET_TLSEXT_HOSTNAME, 0, c"localhost".as_ptr() as *mut c_void);
    ssl_certs::SSL_set1_host(client, c"localhost".as_ptr());
    if conf[0] & 1 != 0 {
        oxissl::abi::ctrl::SSL_ctrl(client, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_2_VERSION, ptr::null_mut());
    }
    if !sess.is_null() {
        session::SSL_set_session(client, sess);
    }
    tls::set_conf([0, oxissl_fuzz::tls::sconf::NO_VERIFY]);
    ssl_certs::SSL_set_verify(server, SSL_VERIFY_NONE, None);
    let (mut c_done, mut s_done) = (false, false);
    for _ in 0..20 {
        if !c_done {
            let (r, e) = tls::step(client);
            c_done = r == 1;
            if !c_done && e != SSL_ERROR_WANT_READ {
                break;
            }
        }
        if !s_done {
            let (r, e) = tls::step(server);
            s_done = r == 1;
            if !s_done && e != SSL_ERROR_WANT_READ {
                break;
            }
        }
        if c_done && s_done {
            break;
        }
    }
    if c_done && s_done {
        tls::query_connection(client);
        tls::query_connection(server);
        let got = session::SSL_get1_session(client);
        if !got.is_null() {
            accessors(got);
            session::SSL_SESSION_free(got);
        }
        ssl::SSL_shutdown(client);
        ssl::SSL_shutdown(server);
    }
    ssl::SSL_free(client);
    ssl::SSL_free(server);
    tls::clear_errors();
    c_done && s_done
}

fn exercise(s: *mut SSL_SESSION, handshake: bool, conf: u8) {
    accessors(s);
    round_trip(s);
    print(s);
    assert_eq!(session::SSL_SESSION_up_ref(s), 1);
    let dup = session::SSL_SESSION_dup(s);
    if !dup.is_null() {
        accessors(dup);
        round_trip(dup);
        session::SSL_SESSION_free(dup);
    }
    session::SSL_SESSION_free(s);
    if handshake {
        bio_pair_handshake(s, [conf, 0]);
    }
    // The decoder's reference.
    session::SSL_SESSION_free(s);
    tls::clear_errors();
}

/// A fresh session from a real handshake (client side, or server side).
fn live_session(version12: bool, no_ticket: bool, server_side: bool) -> *mut SSL_SESSION {
    let sconf = [(if version12 { 1 } else { 0 }) | if no_ticket { tls::sconf::NO_TICKET } else { 0 }, 0];
    let cconf = [if version12 { 1 } else { 0 }, 0];
    let server = tls::server_endpoint(sconf);
    let client = tls::client_endpoint(cconf, ptr::null_mut());
    let mut t = Transcript::default();
    if !tls::handshake(&client, &server, &mut t, cconf, sconf) {
        return ptr::null_mut();
    }
    tls::shutdown(&client, &server, &mut t);
    let s = session::SSL_get1_session(if server_side { server.ssl } else { client.ssl });
    drop(client);
    drop(server);
    s
}

/// Applies the setter script to `s`; returns the (possibly replaced) session.
fn setters(mut s: *mut SSL_SESSION, mut script: &[u8], helper: *mut SSL) -> *mut SSL_SESSION {
    let mut steps = 0;
    while script.len() >= 2 && steps < 12 {
        steps += 1;
        let (op, len) = (script[0], script[1] as usize);
        let arg = &script[2..2 + len.min(script.len() - 2)];
        script = &script[2 + arg.len()..];
        let num = |b: &[u8]| b.iter().take(8).fold(0i64, |a, &x| (a << 8) | x as i64);
        match op % 14 {
            0 => {
                session::SSL_SESSION_set1_id(s, arg.as_ptr(), arg.len() as c_uint);
            }
            1 => {
                session::SSL_SESSION_set1_id_context(s, arg.as_ptr(), arg.len() as c_uint);
            }
            2 => {
                let h = tls::cstring(arg);
                session::SSL_SESSION_set1_hostname(s, if arg.is_empty() { ptr::null() } else { h.as_ptr() });
            }
            3 => {
                session::SSL_SESSION_set1_alpn_selected(s, arg.as_ptr(), arg.len());
            }
            4 => {
                session::SSL_SESSION_set1_master_key(s, arg.as_ptr(), arg.len());
            }
            5 => {
                session::SSL_SESSION_set_time(s, num(arg) as c_long);
            }
            6 => {
                session::SSL_SESSION_set_timeout(s, num(arg) as c_long);
            }
            7 => {
                session::SSL_SESSION_set_protocol_version(s, num(arg) as c_int);
            }
            8 => {
                let mut id = [0u8; 2];
                id[..arg.len().min(2)].copy_from_slice(&arg[..arg.len().min(2)]);
                let c = cipher::SSL_CIPHER_find(helper, id.as_ptr());
                session::SSL_SESSION_set_cipher(s, c);
            }
            9 => {
                session::SSL_SESSION_set_max_early_data(s, num(arg) as u32);
            }
            10 => {
                ticket::SSL_SESSION_set1_ticket_appdata(s, arg.as_ptr() as *const c_void, arg.len());
            }
            11 => {
                let d = session::SSL_SESSION_dup(s);
                if !d.is_null() {
                    session::SSL_SESSION_free(s);
                    s = d;
                }
            }
            12 => {
                if let Some(der) = i2d(s) {
                    let d = d2i(&der);
                    if !d.is_null() {
                        session::SSL_SESSION_free(s);
                        s = d;
                    }
                }
            }
            _ => {
                // A server session goes through a context's cache.
                let sctx = tls::server_ctxs().main.0;
                session::SSL_CTX_add_session(sctx, s);
                session::SSL_CTX_remove_session(sctx, s);
            }
        }
    }
    s
}

fn script(data: &[u8]) {
    let sel = data.first().copied().unwrap_or(0);
    let (v12, no_ticket, server_side) = (sel & 1 != 0, sel & 2 != 0, sel & 4 != 0);
    let s = live_session(v12, no_ticket, server_side);
    if s.is_null() {
        return;
    }
    let helper = ssl::SSL_new(tls::client_ctx().0);
    let s = setters(s, data.get(1..).unwrap_or(&[]), helper);
    ssl::SSL_free(helper);
    accessors(s);
    // Encoding a client session files its state in oxissl's registry (up to 1,024
    // entries, kept until they expire): only when selector bit 3 asks for it, so that
    // most inputs free what they allocate (see README, "Leak detection and speed").
    if server_side || sel & 8 != 0 {
        round_trip(s);
        print(s);
    }
    // Offer it, through the full client configuration, to the server it came from.
    let cconf = [(if v12 { 1 } else { 0 }) | cconf::RESUME, 0];
    let sconf = [(if v12 { 1 } else { 0 }) | if no_ticket { tls::sconf::NO_TICKET } else { 0 }, 0];
    let server = tls::server_endpoint(sconf);
    let client = tls::client_endpoint(cconf, s);
    let mut t = Transcript::default();
    if tls::handshake(&client, &server, &mut t, cconf, sconf) {
        oxissl_fuzz::dbg_log!("script: reused {}", session::SSL_session_reused(client.ssl));
        tls::query_connection(client.ssl);
        tls::query_connection(server.ssl);
        tls::shutdown(&client, &server, &mut t);
    }
    drop(client);
    drop(server);
    session::SSL_SESSION_free(s);
    tls::clear_errors();
}

extern "C" {
    fn __sanitizer_get_current_allocated_bytes() -> usize;
}

fuzz_target!(|data: &[u8]| {
    // SAFETY: ASan's statistics.
    let before = unsafe { __sanitizer_get_current_allocated_bytes() };
    one(data);
    // Empty the caches the handshakes filled: each input then frees what it allocated,
    // and libFuzzer's leak check (run after any input that did not) stays rare.
    for c in [tls::server_ctxs().main.0, tls::server_ctxs().alt.0, tls::client_ctx().0] {
        session::SSL_CTX_flush_sessions(c, 0);
    }
    if oxissl_fuzz::debug() {
        // SAFETY: as above.
        let after = unsafe { __sanitizer_get_current_allocated_bytes() };
        eprintln!(
            "session: {} bytes kept by an input of {} bytes starting {:02x?}",
            after as i64 - before as i64,
            data.len(),
            &data[..data.len().min(4)]
        );
    }
});

fn one(data: &[u8]) {
    if let Some(rest) = data.strip_prefix(b"S") {
        script(rest);
        return;
    }
    // One input in four (by a cheap hash) also goes through a handshake.
    let h = data.iter().fold(0u32, |a, &b| a.wrapping_mul(31).wrapping_add(b as u32));
    let handshake = h % 4 == 0;
    let conf = (h >> 8) as u8;
    let s = d2i(data);
    if !s.is_null() {
        exercise(s, handshake, conf);
    }
    tls::clear_errors();
    // SAFETY: a read-only memory BIO over the input.
    unsafe {
        let b = sys::BIO_new_mem_buf(data.as_ptr() as *const c_void, data.len() as c_int);
        let s = session::PEM_read_bio_SSL_SESSION(b, ptr::null_mut(), None, ptr::null_mut());
        oxissl_fuzz::ffi::BIO_free(b);
        if !s.is_null() {
            exercise(s, handshake, conf);
        }
    }
    tls::clear_errors();
}
