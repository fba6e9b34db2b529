//! PSK queries. rustls has no external PSK, so no connection has a PSK identity or hint:
//! the getters answer NULL without an error, as OpenSSL's do for a connection made with
//! certificates. The setters fail and name the missing feature, so that a PSK listener
//! fails when it is set up; clearing a callback (NULL) is not an error.
use std::os::raw::{c_char, c_int, c_uchar, c_uint};
use std::ptr;

use openssl_sys::EVP_MD;

use super::{SSL, SSL_CTX, SSL_SESSION};

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

#[no_mangle]
pub extern "C" fn SSL_CTX_set_psk_client_callback(
    _ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL, *const c_char, *mut c_char, c_uint, *mut c_uchar, c_uint) -> c_uint>,
) {
    ffi_boundary!("SSL_CTX_set_psk_client_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_CTX_set_psk_client_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_psk_find_session_callback(
    _ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL, *const c_uchar, usize, *mut *mut SSL_SESSION) -> c_int>,
) {
    ffi_boundary!("SSL_CTX_set_psk_find_session_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_CTX_set_psk_find_session_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_psk_server_callback(
    _ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL, *const c_char, *mut c_uchar, c_uint) -> c_uint>,
) {
    ffi_boundary!("SSL_CTX_set_psk_server_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_CTX_set_psk_server_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_psk_use_session_callback(
    _ctx: *mut SSL_CTX,
    cb: Option<
        unsafe extern "C" fn(*mut SSL, *const EVP_MD, *mut *const c_uchar, *mut usize, *mut *mut SSL_SESSION) -> c_int,
    >,
) {
    ffi_boundary!("SSL_CTX_set_psk_use_session_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_CTX_set_psk_use_session_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_psk_identity_hint(_ctx: *mut SSL_CTX, _identity_hint: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_use_psk_identity_hint", 0, {
        crate::error::raise_unsupported_psk("SSL_CTX_use_psk_identity_hint");
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_psk_client_callback(
    _ssl: *mut SSL,
    cb: Option<unsafe extern "C" fn(*mut SSL, *const c_char, *mut c_char, c_uint, *mut c_uchar, c_uint) -> c_uint>,
) {
    ffi_boundary!("SSL_set_psk_client_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_set_psk_client_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_psk_find_session_callback(
    _s: *mut SSL,
    cb: Option<unsafe extern "C" fn(*mut SSL, *const c_uchar, usize, *mut *mut SSL_SESSION) -> c_int>,
) {
    ffi_boundary!("SSL_set_psk_find_session_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_set_psk_find_session_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_psk_server_callback(
    _ssl: *mut SSL,
    cb: Option<unsafe extern "C" fn(*mut SSL, *const c_char, *mut c_uchar, c_uint) -> c_uint>,
) {
    ffi_boundary!("SSL_set_psk_server_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_set_psk_server_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_psk_use_session_callback(
    _s: *mut SSL,
    cb: Option<
        unsafe extern "C" fn(*mut SSL, *const EVP_MD, *mut *const c_uchar, *mut usize, *mut *mut SSL_SESSION) -> c_int,
    >,
) {
    ffi_boundary!("SSL_set_psk_use_session_callback", (), {
        if cb.is_some() {
            crate::error::raise_unsupported_psk("SSL_set_psk_use_session_callback")
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_psk_identity_hint(_s: *mut SSL, _identity_hint: *const c_char) -> c_int {
    ffi_boundary!("SSL_use_psk_identity_hint", 0, {
        crate::error::raise_unsupported_psk("SSL_use_psk_identity_hint");
        0
    })
}
