//! PSK queries. rustls has no external PSK, so no connection has a PSK identity or hint:
//! the getters answer NULL without an error, as OpenSSL's do for a connection made with
//! certificates. The setters stay unsupported (`unsupported.rs`) and name the feature,
//! so that a PSK listener fails when it is set up.
use std::os::raw::c_char;
use std::ptr;

use super::SSL;

#[no_mangle]
pub extern "C" fn SSL_get_psk_identity(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_get_psk_identity", ptr::null(), {
        let _ssl = try_ref!("SSL_get_psk_identity", s, ptr::null());
        ptr::null()
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_psk_identity_hint(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_get_psk_identity_hint", ptr::null(), {
        let _ssl = try_ref!("SSL_get_psk_identity_hint", s, ptr::null());
        ptr::null()
    })
}
