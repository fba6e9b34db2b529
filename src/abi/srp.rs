//! SRP queries. rustls has no SRP, so a connection never has an SRP user or group: the
//! getters answer NULL without an error, as OpenSSL's do for a connection that did not
//! use SRP (Apache's mod_ssl asks for the SRP user on every request). The setters stay
//! unsupported (`unsupported.rs`): they would configure something that cannot happen.
use std::os::raw::c_char;
use std::ptr;

use openssl_sys::BIGNUM;

use super::SSL;

#[no_mangle]
pub extern "C" fn SSL_get_srp_username(s: *mut SSL) -> *mut c_char {
    ffi_boundary!("SSL_get_srp_username", ptr::null_mut(), {
        let _ssl = try_ref!("SSL_get_srp_username", s, ptr::null_mut());
        ptr::null_mut()
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_srp_userinfo(s: *mut SSL) -> *mut c_char {
    ffi_boundary!("SSL_get_srp_userinfo", ptr::null_mut(), {
        let _ssl = try_ref!("SSL_get_srp_userinfo", s, ptr::null_mut());
        ptr::null_mut()
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_srp_N(s: *mut SSL) -> *mut BIGNUM {
    ffi_boundary!("SSL_get_srp_N", ptr::null_mut(), {
        let _ssl = try_ref!("SSL_get_srp_N", s, ptr::null_mut());
        ptr::null_mut()
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_srp_g(s: *mut SSL) -> *mut BIGNUM {
    ffi_boundary!("SSL_get_srp_g", ptr::null_mut(), {
        let _ssl = try_ref!("SSL_get_srp_g", s, ptr::null_mut());
        ptr::null_mut()
    })
}
