//! Session tickets sealed with the application's keys: `SSL_CTX_set_tlsext_ticket_key_cb`
//! (through `SSL_CTX_callback_ctrl`) and `SSL_CTX_set_tlsext_ticket_key_evp_cb`. The
//! callback names the key and sets up the cipher and MAC contexts; the ticket is laid out
//! as OpenSSL lays it out (`crate::crypto::ticket`), so a fleet of servers sharing keys
//! resumes one another's sessions.
use std::os::raw::{c_int, c_uchar};

use openssl_sys::{EVP_CIPHER_CTX, EVP_MAC_CTX};

use super::{SSL, SSL_CTX};
use crate::ctx::TicketKeyCb;

type EvpTicketKeyCb = Option<
    unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut c_uchar, *mut EVP_CIPHER_CTX, *mut EVP_MAC_CTX, c_int) -> c_int,
>;

#[no_mangle]
pub extern "C" fn SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx: *mut SSL_CTX, fp: EvpTicketKeyCb) -> c_int {
    ffi_boundary!("SSL_CTX_set_tlsext_ticket_key_evp_cb", 0, {
        let c = try_ref!("SSL_CTX_set_tlsext_ticket_key_evp_cb", ctx, 0);
        c.set_callbacks(|cbs| cbs.ticket_key = fp.map_or(TicketKeyCb::None, TicketKeyCb::Evp));
        1
    })
}

// ---- SSL_CTX_set_session_ticket_cb and the ticket's application data ---------------------

#[no_mangle]
pub extern "C" fn SSL_CTX_set_session_ticket_cb(
    ctx: *mut SSL_CTX,
    gen_cb: crate::ctx::TicketGenCb,
    dec_cb: crate::ctx::TicketDecCb,
    arg: *mut std::os::raw::c_void,
) -> c_int {
    ffi_boundary!("SSL_CTX_set_session_ticket_cb", 0, {
        let c = try_ref!("SSL_CTX_set_session_ticket_cb", ctx, 0);
        c.set_callbacks(|cbs| {
            cbs.ticket_gen = crate::ctx::Callback::new(gen_cb, arg);
            cbs.ticket_dec = crate::ctx::Callback::new(dec_cb, arg);
        });
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set1_ticket_appdata(
    ss: *mut super::SSL_SESSION,
    data: *const std::os::raw::c_void,
    len: usize,
) -> c_int {
    ffi_boundary!("SSL_SESSION_set1_ticket_appdata", 0, {
        let sess = try_ref!("SSL_SESSION_set1_ticket_appdata", ss, 0);
        if !data.is_null() && len >= c_int::MAX as usize {
            // As OpenSSL's copy (CRYPTO_memdup): INT_MAX bytes and more are refused without
            // an error, and the old data is gone.
            sess.data().ticket_appdata = None;
            return 0;
        }
        let bytes: Box<[u8]> = if data.is_null() || len == 0 {
            Box::default()
        } else {
            // SAFETY: the caller passes `len` readable bytes at `data`; they are copied.
            Box::from(unsafe { std::slice::from_raw_parts(data as *const u8, len) })
        };
        sess.data().ticket_appdata = Some(bytes);
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_ticket_appdata(
    ss: *mut super::SSL_SESSION,
    data: *mut *mut std::os::raw::c_void,
    len: *mut usize,
) -> c_int {
    ffi_boundary!("SSL_SESSION_get0_ticket_appdata", 0, {
        let sess = try_ref!("SSL_SESSION_get0_ticket_appdata", ss, 0);
        let d = sess.data();
        // The bytes live in a box owned by the session until the data is set again.
        let (p, n) = d
            .ticket_appdata
            .as_ref()
            .map_or((std::ptr::null_mut(), 0), |b| (b.as_ptr() as *mut std::os::raw::c_void, b.len()));
        if !data.is_null() {
            // SAFETY: the caller's out-parameter.
            unsafe { *data = p };
        }
        if !len.is_null() {
            // SAFETY: the caller's out-parameter.
            unsafe { *len = n };
        }
        1
    })
}
