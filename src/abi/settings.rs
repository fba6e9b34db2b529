//! Plain settings that `SSL_CTX` and `SSL` both carry, read and written the same way on
//! either object: `SSL_CTX_set_X` / `SSL_set_X` and their getters. Setters answer 1,
//! getters the stored value (0 with an error queued for a NULL object).
use std::os::raw::c_int;

use super::{SSL, SSL_CTX};
use crate::ctx::Settings;

fn ctx_set(name: &str, ctx: *const SSL_CTX, set: impl FnOnce(&mut Settings)) -> c_int {
    let c = try_ref!(name, ctx, 0);
    set(&mut c.settings_mut());
    1
}

fn ctx_get<T: Default>(name: &str, ctx: *const SSL_CTX, get: impl FnOnce(&Settings) -> T) -> T {
    let c = try_ref!(name, ctx, T::default());
    let v = get(&c.settings());
    v
}

fn ssl_set(name: &str, s: *const SSL, set: impl FnOnce(&mut Settings)) -> c_int {
    let ssl = try_ref!(name, s, 0);
    set(&mut ssl.settings());
    1
}

fn ssl_get<T: Default>(name: &str, s: *const SSL, get: impl FnOnce(&Settings) -> T) -> T {
    let ssl = try_ref!(name, s, T::default());
    let v = get(&ssl.settings());
    v
}

// `SSL(_CTX)_set_num_tickets`: TLS 1.3 tickets a server sends after a full handshake.

#[no_mangle]
pub extern "C" fn SSL_CTX_set_num_tickets(ctx: *mut SSL_CTX, num_tickets: usize) -> c_int {
    ffi_boundary!("SSL_CTX_set_num_tickets", 0, {
        ctx_set("SSL_CTX_set_num_tickets", ctx, |s| s.num_tickets = num_tickets)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_num_tickets(ctx: *const SSL_CTX) -> usize {
    ffi_boundary!("SSL_CTX_get_num_tickets", 0, { ctx_get("SSL_CTX_get_num_tickets", ctx, |s| s.num_tickets) })
}

#[no_mangle]
pub extern "C" fn SSL_set_num_tickets(s: *mut SSL, num_tickets: usize) -> c_int {
    ffi_boundary!("SSL_set_num_tickets", 0, { ssl_set("SSL_set_num_tickets", s, |st| st.num_tickets = num_tickets) })
}

#[no_mangle]
pub extern "C" fn SSL_get_num_tickets(s: *const SSL) -> usize {
    ffi_boundary!("SSL_get_num_tickets", 0, { ssl_get("SSL_get_num_tickets", s, |st| st.num_tickets) })
}

// `SSL(_CTX)_set_max_early_data`, `..._recv_max_early_data`: recorded and reported;
// oxissl accepts no 0-RTT data, so its tickets never invite any (see README).

#[no_mangle]
pub extern "C" fn SSL_CTX_set_max_early_data(ctx: *mut SSL_CTX, max_early_data: u32) -> c_int {
    ffi_boundary!("SSL_CTX_set_max_early_data", 0, {
        ctx_set("SSL_CTX_set_max_early_data", ctx, |s| s.max_early_data = max_early_data)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_max_early_data(ctx: *const SSL_CTX) -> u32 {
    ffi_boundary!("SSL_CTX_get_max_early_data", 0, { ctx_get("SSL_CTX_get_max_early_data", ctx, |s| s.max_early_data) })
}

#[no_mangle]
pub extern "C" fn SSL_set_max_early_data(s: *mut SSL, max_early_data: u32) -> c_int {
    ffi_boundary!("SSL_set_max_early_data", 0, {
        ssl_set("SSL_set_max_early_data", s, |st| st.max_early_data = max_early_data)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_max_early_data(s: *const SSL) -> u32 {
    ffi_boundary!("SSL_get_max_early_data", 0, { ssl_get("SSL_get_max_early_data", s, |st| st.max_early_data) })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_recv_max_early_data(ctx: *mut SSL_CTX, recv_max_early_data: u32) -> c_int {
    ffi_boundary!("SSL_CTX_set_recv_max_early_data", 0, {
        ctx_set("SSL_CTX_set_recv_max_early_data", ctx, |s| s.recv_max_early_data = recv_max_early_data)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_recv_max_early_data(ctx: *const SSL_CTX) -> u32 {
    ffi_boundary!("SSL_CTX_get_recv_max_early_data", 0, {
        ctx_get("SSL_CTX_get_recv_max_early_data", ctx, |s| s.recv_max_early_data)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_recv_max_early_data(s: *mut SSL, recv_max_early_data: u32) -> c_int {
    ffi_boundary!("SSL_set_recv_max_early_data", 0, {
        ssl_set("SSL_set_recv_max_early_data", s, |st| st.recv_max_early_data = recv_max_early_data)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_recv_max_early_data(s: *const SSL) -> u32 {
    ffi_boundary!("SSL_get_recv_max_early_data", 0, {
        ssl_get("SSL_get_recv_max_early_data", s, |st| st.recv_max_early_data)
    })
}

/// `SSL_CTX_set_post_handshake_auth`: recorded only. rustls offers no TLS 1.3
/// post-handshake authentication, so no server asks for it and
/// `SSL_verify_client_post_handshake` fails (see README).
#[no_mangle]
pub extern "C" fn SSL_CTX_set_post_handshake_auth(ctx: *mut SSL_CTX, val: c_int) {
    ffi_boundary!("SSL_CTX_set_post_handshake_auth", (), {
        ctx_set("SSL_CTX_set_post_handshake_auth", ctx, |s| s.post_handshake_auth = val != 0);
    })
}

/// `SSL_set_post_handshake_auth`: as `SSL_CTX_set_post_handshake_auth`.
#[no_mangle]
pub extern "C" fn SSL_set_post_handshake_auth(s: *mut SSL, val: c_int) {
    ffi_boundary!("SSL_set_post_handshake_auth", (), {
        ssl_set("SSL_set_post_handshake_auth", s, |st| st.post_handshake_auth = val != 0);
    })
}

// `SSL(_CTX)_set_purpose` / `_set_trust`: the verification parameters' purpose and trust
// setting (they override the default the handshake gives: "ssl_server" for a client).

#[no_mangle]
pub extern "C" fn SSL_CTX_set_purpose(ctx: *mut SSL_CTX, purpose: c_int) -> c_int {
    ffi_boundary!("SSL_CTX_set_purpose", 0, {
        let c = try_ref!("SSL_CTX_set_purpose", ctx, 0);
        let ok = c.settings_mut().param.set_purpose(purpose);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_purpose(s: *mut SSL, purpose: c_int) -> c_int {
    ffi_boundary!("SSL_set_purpose", 0, {
        let ssl = try_ref!("SSL_set_purpose", s, 0);
        let ok = ssl.settings().param.set_purpose(purpose);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_trust(ctx: *mut SSL_CTX, trust: c_int) -> c_int {
    ffi_boundary!("SSL_CTX_set_trust", 0, {
        let c = try_ref!("SSL_CTX_set_trust", ctx, 0);
        let ok = c.settings_mut().param.set_trust(trust);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_trust(s: *mut SSL, trust: c_int) -> c_int {
    ffi_boundary!("SSL_set_trust", 0, {
        let ssl = try_ref!("SSL_set_trust", s, 0);
        let ok = ssl.settings().param.set_trust(trust);
        ok as c_int
    })
}

// `SSL(_CTX)_set_default_read_buffer_len`: a hint for the size of the read buffer. rustls
// sizes its own buffers, so the hint is taken and has no effect (as OpenSSL's has none
// once a connection's buffers exist).

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_read_buffer_len(ctx: *mut SSL_CTX, _len: usize) {
    ffi_boundary!("SSL_CTX_set_default_read_buffer_len", (), {
        let _c = try_ref!("SSL_CTX_set_default_read_buffer_len", ctx, ());
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_default_read_buffer_len(s: *mut SSL, _len: usize) {
    ffi_boundary!("SSL_set_default_read_buffer_len", (), {
        let _ssl = try_ref!("SSL_set_default_read_buffer_len", s, ());
    })
}

/// `SSL_set_debug`: does nothing in OpenSSL 3.0 either (deprecated since 1.1.0).
#[no_mangle]
pub extern "C" fn SSL_set_debug(s: *mut SSL, _debug: c_int) {
    ffi_boundary!("SSL_set_debug", (), {
        let _ssl = try_ref!("SSL_set_debug", s, ());
    })
}

/// `SSL_get_default_timeout`: the TLS methods' default session lifetime, 7200 seconds.
#[no_mangle]
pub extern "C" fn SSL_get_default_timeout(s: *const SSL) -> std::os::raw::c_long {
    ffi_boundary!("SSL_get_default_timeout", 0, {
        let _ssl = try_ref!("SSL_get_default_timeout", s, 0);
        crate::session::DEFAULT_TIMEOUT as std::os::raw::c_long
    })
}
