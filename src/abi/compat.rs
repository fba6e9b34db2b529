//! Settings programs make at start-up as a matter of course: Diffie-Hellman parameters
//! (their size chooses the RFC 7919 group of a TLS 1.2 server's DHE suites, see
//! `Settings::dhe_group`) and record compression (rustls, like OpenSSL 3.0's defaults,
//! never compresses: the method list is empty). They are accepted as OpenSSL accepts
//! them; README says what differs.
//! So are the queries about features rustls lacks whose honest answer is "none"
//! (renegotiation, asynchronous jobs) and the NPN callbacks, which are never called.
use std::os::raw::{c_char, c_int, c_uchar, c_uint, c_void};
use std::ptr;

use openssl_sys::{COMP_METHOD, DH, EVP_PKEY};

use super::unsupported::stack_st_SSL_COMP;
use super::{SSL, SSL_CTX};
use crate::crypto::pkey::EvpPkey;

/// `SSL_CTX_set_tmp_dh_callback`'s callback type.
pub type TmpDhCb = Option<unsafe extern "C" fn(*mut SSL, c_int, c_int) -> *mut DH>;

/// Takes the caller's DH key (set0: ours to release): the size of its prime, in bits.
fn take_dh_pkey(name: &str, dhpkey: *mut EVP_PKEY) -> Option<u32> {
    // SAFETY: set0 hands over the caller's reference; dropping it releases it.
    match unsafe { EvpPkey::from_owned(dhpkey) } {
        Some(key) => Some(u32::try_from(key.bits()).unwrap_or(0)),
        None => {
            crate::error::raise_null(name);
            None
        }
    }
}

/// `SSL_CTX_set0_tmp_dh_pkey`: the server's DHE suites use the RFC 7919 group of the
/// key's size.
#[no_mangle]
pub extern "C" fn SSL_CTX_set0_tmp_dh_pkey(ctx: *mut SSL_CTX, dhpkey: *mut EVP_PKEY) -> c_int {
    ffi_boundary!("SSL_CTX_set0_tmp_dh_pkey", 0, {
        let c = try_ref!("SSL_CTX_set0_tmp_dh_pkey", ctx, 0);
        let Some(bits) = take_dh_pkey("SSL_CTX_set0_tmp_dh_pkey", dhpkey) else { return 0 };
        c.settings_mut().dh_bits = Some(bits);
        1
    })
}

/// `SSL_set0_tmp_dh_pkey`: as `SSL_CTX_set0_tmp_dh_pkey`.
#[no_mangle]
pub extern "C" fn SSL_set0_tmp_dh_pkey(s: *mut SSL, dhpkey: *mut EVP_PKEY) -> c_int {
    ffi_boundary!("SSL_set0_tmp_dh_pkey", 0, {
        let ssl = try_ref!("SSL_set0_tmp_dh_pkey", s, 0);
        let Some(bits) = take_dh_pkey("SSL_set0_tmp_dh_pkey", dhpkey) else { return 0 };
        ssl.settings().dh_bits = Some(bits);
        1
    })
}

/// `SSL_CTX_set_tmp_dh_callback`: DHE suites as with `SSL_CTX_set_dh_auto` (the callback
/// itself is never called: the group follows the certificate's strength).
#[no_mangle]
pub extern "C" fn SSL_CTX_set_tmp_dh_callback(ctx: *mut SSL_CTX, dh: TmpDhCb) {
    ffi_boundary!("SSL_CTX_set_tmp_dh_callback", (), {
        let c = try_ref!("SSL_CTX_set_tmp_dh_callback", ctx, ());
        c.settings_mut().dh_callback = dh.is_some();
    })
}

/// `SSL_set_tmp_dh_callback`: as `SSL_CTX_set_tmp_dh_callback`.
#[no_mangle]
pub extern "C" fn SSL_set_tmp_dh_callback(s: *mut SSL, dh: TmpDhCb) {
    ffi_boundary!("SSL_set_tmp_dh_callback", (), {
        let ssl = try_ref!("SSL_set_tmp_dh_callback", s, ());
        ssl.settings().dh_callback = dh.is_some();
    })
}

/// `SSL_COMP_get_compression_methods`: the (empty) list of compression methods, one
/// stack for the process that the caller must not free, as OpenSSL's.
#[no_mangle]
pub extern "C" fn SSL_COMP_get_compression_methods() -> *mut stack_st_SSL_COMP {
    ffi_boundary!("SSL_COMP_get_compression_methods", ptr::null_mut(), {
        crate::crypto::stack::empty_static_stack() as *mut stack_st_SSL_COMP
    })
}

/// `SSL_COMP_get_name`: libcrypto's name of a compression method; NULL for NULL.
#[no_mangle]
pub extern "C" fn SSL_COMP_get_name(comp: *const COMP_METHOD) -> *const c_char {
    ffi_boundary!("SSL_COMP_get_name", ptr::null(), {
        // SAFETY: `comp` is NULL or one of libcrypto's methods (the libssl contract).
        unsafe { crate::crypto::stack::comp_method_name(comp) }
    })
}

/// `SSL_renegotiate_pending`: never (rustls does not renegotiate; `SSL_renegotiate`
/// itself fails naming itself).
#[no_mangle]
pub extern "C" fn SSL_renegotiate_pending(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_renegotiate_pending", 0, {
        let _ssl = try_ref!("SSL_renegotiate_pending", s, 0);
        0
    })
}

/// `SSL_get_all_async_fds`: oxissl runs no asynchronous jobs, so the connection has no
/// wait context: 0 with the out-parameters untouched, as OpenSSL answers before its
/// first asynchronous job.
#[no_mangle]
pub extern "C" fn SSL_get_all_async_fds(s: *mut SSL, fds: *mut c_int, numfds: *mut usize) -> c_int {
    ffi_boundary!("SSL_get_all_async_fds", 0, {
        let _ssl = try_ref!("SSL_get_all_async_fds", s, 0);
        let _ = (fds, numfds);
        0
    })
}

/// `SSL_get_changed_async_fds`: no wait context either (see `SSL_get_all_async_fds`).
#[no_mangle]
pub extern "C" fn SSL_get_changed_async_fds(
    s: *mut SSL,
    addfd: *mut c_int,
    numaddfds: *mut usize,
    delfd: *mut c_int,
    numdelfds: *mut usize,
) -> c_int {
    ffi_boundary!("SSL_get_changed_async_fds", 0, {
        let _ssl = try_ref!("SSL_get_changed_async_fds", s, 0);
        let _ = (addfd, numaddfds, delfd, numdelfds);
        0
    })
}

/// NPN's client-side selection callback type.
pub type NpnSelectCb = Option<
    unsafe extern "C" fn(*mut SSL, *mut *mut c_uchar, *mut c_uchar, *const c_uchar, c_uint, *mut c_void) -> c_int,
>;
/// NPN's server-side advertisement callback type.
pub type NpnAdvertiseCb =
    Option<unsafe extern "C" fn(*mut SSL, *mut *const c_uchar, *mut c_uint, *mut c_void) -> c_int>;

/// `SSL_CTX_set_next_proto_select_cb`: accepted, never called. rustls has no NPN (the
/// pre-ALPN extension), so it is never negotiated, as with a peer that lacks it;
/// programs set it next to ALPN, which works.
#[no_mangle]
pub extern "C" fn SSL_CTX_set_next_proto_select_cb(s: *mut SSL_CTX, cb: NpnSelectCb, arg: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_next_proto_select_cb", (), {
        let _c = try_ref!("SSL_CTX_set_next_proto_select_cb", s, ());
        let _ = (cb, arg);
    })
}

/// `SSL_CTX_set_next_protos_advertised_cb`: as `SSL_CTX_set_next_proto_select_cb`.
#[no_mangle]
pub extern "C" fn SSL_CTX_set_next_protos_advertised_cb(s: *mut SSL_CTX, cb: NpnAdvertiseCb, arg: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_next_protos_advertised_cb", (), {
        let _c = try_ref!("SSL_CTX_set_next_protos_advertised_cb", s, ());
        let _ = (cb, arg);
    })
}
