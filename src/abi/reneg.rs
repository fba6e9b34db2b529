//! Renegotiation (TLS 1.2) and post-handshake client authentication (TLS 1.3), which
//! rustls does not have. Each call first makes OpenSSL's own checks with its reasons
//! (wrong version, wrong role, renegotiation disabled...), then refuses naming itself,
//! so that a program asking for either fails at once instead of waiting for a
//! handshake that never comes (see `Ssl::refuse_renegotiation`, README).
use std::os::raw::c_int;

use super::SSL;

#[no_mangle]
pub extern "C" fn SSL_renegotiate(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_renegotiate", 0, {
        let ssl = try_ref!("SSL_renegotiate", s, 0);
        ssl.refuse_renegotiation("SSL_renegotiate");
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_renegotiate_abbreviated(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_renegotiate_abbreviated", 0, {
        let ssl = try_ref!("SSL_renegotiate_abbreviated", s, 0);
        ssl.refuse_renegotiation("SSL_renegotiate_abbreviated");
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_verify_client_post_handshake(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_verify_client_post_handshake", 0, {
        let ssl = try_ref!("SSL_verify_client_post_handshake", s, 0);
        ssl.refuse_post_handshake_auth();
        0
    })
}
