//! Cookie callbacks (DTLS `HelloVerifyRequest`, TLS 1.3 stateless `HelloRetryRequest`).
//! They are stored on the context and never called: the functions that would call them
//! (`DTLSv1_listen`, `SSL_stateless`) fail cleanly in oxissl. Servers such as
//! `openssl s_server` install them unconditionally.
use std::os::raw::{c_int, c_uchar, c_uint};

use super::{SSL, SSL_CTX};

#[no_mangle]
pub extern "C" fn SSL_CTX_set_cookie_generate_cb(
    ctx: *mut SSL_CTX,
    app_gen_cookie_cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut c_uint) -> c_int>,
) {
    ffi_boundary!("SSL_CTX_set_cookie_generate_cb", (), {
        let c = try_ref!("SSL_CTX_set_cookie_generate_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.cookies.generate = app_gen_cookie_cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_cookie_verify_cb(
    ctx: *mut SSL_CTX,
    app_verify_cookie_cb: Option<unsafe extern "C" fn(*mut SSL, *const c_uchar, c_uint) -> c_int>,
) {
    ffi_boundary!("SSL_CTX_set_cookie_verify_cb", (), {
        let c = try_ref!("SSL_CTX_set_cookie_verify_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.cookies.verify = app_verify_cookie_cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_stateless_cookie_generate_cb(
    ctx: *mut SSL_CTX,
    gen_stateless_cookie_cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut usize) -> c_int>,
) {
    ffi_boundary!("SSL_CTX_set_stateless_cookie_generate_cb", (), {
        let c = try_ref!("SSL_CTX_set_stateless_cookie_generate_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.cookies.stateless_generate = gen_stateless_cookie_cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_stateless_cookie_verify_cb(
    ctx: *mut SSL_CTX,
    verify_stateless_cookie_cb: Option<unsafe extern "C" fn(*mut SSL, *const c_uchar, usize) -> c_int>,
) {
    ffi_boundary!("SSL_CTX_set_stateless_cookie_verify_cb", (), {
        let c = try_ref!("SSL_CTX_set_stateless_cookie_verify_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.cookies.stateless_verify = verify_stateless_cookie_cb);
    })
}
