//! `SSL_CTX_*` and the method functions.
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::ptr;
use std::sync::Arc;

use openssl_sys::{X509, X509_STORE, X509_VERIFY_PARAM};

use super::ownership::{static_as_c, ArcHandle};
use super::{SSL_CTX, SSL_METHOD};
use crate::crypto::x509::{NameList, X509Cert, X509Store};
use crate::ctx::{self, Method, SslCtx, VerifyCallback};
use crate::error;

pub type OPENSSL_INIT_SETTINGS = c_void;
pub type OSSL_LIB_CTX = c_void;
pub type stack_st_X509_NAME = c_void;

macro_rules! method_fn {
    ($name:ident, $static:path) => {
        #[no_mangle]
        pub extern "C" fn $name() -> *const SSL_METHOD {
            static_as_c::<SSL_METHOD>(&$static)
        }
    };
}

method_fn!(TLS_method, ctx::TLS_METHOD);
method_fn!(TLS_client_method, ctx::TLS_CLIENT_METHOD);
method_fn!(TLS_server_method, ctx::TLS_SERVER_METHOD);
method_fn!(TLSv1_method, ctx::TLS1_METHOD);
method_fn!(TLSv1_client_method, ctx::TLS1_CLIENT_METHOD);
method_fn!(TLSv1_server_method, ctx::TLS1_SERVER_METHOD);
method_fn!(TLSv1_1_method, ctx::TLS1_1_METHOD);
method_fn!(TLSv1_1_client_method, ctx::TLS1_1_CLIENT_METHOD);
method_fn!(TLSv1_1_server_method, ctx::TLS1_1_SERVER_METHOD);
method_fn!(TLSv1_2_method, ctx::TLS1_2_METHOD);
method_fn!(TLSv1_2_client_method, ctx::TLS1_2_CLIENT_METHOD);
method_fn!(TLSv1_2_server_method, ctx::TLS1_2_SERVER_METHOD);
method_fn!(DTLS_method, ctx::DTLS_METHOD);
method_fn!(DTLS_client_method, ctx::DTLS_CLIENT_METHOD);
method_fn!(DTLS_server_method, ctx::DTLS_SERVER_METHOD);

#[no_mangle]
pub extern "C" fn OPENSSL_init_ssl(opts: u64, settings: *const OPENSSL_INIT_SETTINGS) -> c_int {
    ffi_boundary!("OPENSSL_init_ssl", 0, {
        const OPENSSL_INIT_NO_LOAD_SSL_STRINGS: u64 = 0x0010_0000;
        const OPENSSL_INIT_LOAD_CRYPTO_STRINGS: u64 = 0x2;
        let strings = if opts & OPENSSL_INIT_NO_LOAD_SSL_STRINGS == 0 { OPENSSL_INIT_LOAD_CRYPTO_STRINGS } else { 0 };
        // Ciphers, digests and (unless the caller opts out) openssl.cnf, as libssl does.
        // SAFETY: `settings` is NULL or the caller's OPENSSL_INIT_SETTINGS (the libssl contract).
        let ok = unsafe { crate::crypto::conf::init_crypto(opts | strings, settings as *const std::os::raw::c_void) };
        if opts & OPENSSL_INIT_NO_LOAD_SSL_STRINGS == 0 {
            error::load_strings();
        }
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_new(meth: *const SSL_METHOD) -> *mut SSL_CTX {
    ffi_boundary!("SSL_CTX_new", ptr::null_mut(), {
        if meth.is_null() {
            error::raise(error::SSL_R_NULL_SSL_METHOD_PASSED);
            return ptr::null_mut();
        }
        // SAFETY: SSL_METHOD handles point at the static tables in `ctx`.
        let method: &'static Method = unsafe { &*(meth as *const Method) };
        // libssl's initialisation first: it loads openssl.cnf (unless the application
        // opted out), and a configuration libcrypto refuses fails the context, as in OpenSSL.
        // SAFETY: no settings (NULL).
        if !unsafe { crate::crypto::conf::init_crypto(0, ptr::null()) } {
            return ptr::null_mut();
        }
        let Some(ctx) = SslCtx::new(method) else {
            return ptr::null_mut();
        };
        // The host's policy (the `system_default` section of openssl.cnf) applies last,
        // over the defaults and before the application's own settings.
        crate::conf::apply_config_section(crate::conf::ConfigTarget::Ctx(&ctx), c"system_default", true);
        SSL_CTX::into_c(ctx)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_new_ex(
    _libctx: *mut OSSL_LIB_CTX,
    _propq: *const c_char,
    meth: *const SSL_METHOD,
) -> *mut SSL_CTX {
    SSL_CTX_new(meth)
}

#[no_mangle]
pub extern "C" fn SSL_CTX_up_ref(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_up_ref", 0, {
        if ctx.is_null() {
            return 0;
        }
        // SAFETY: a live handle; the caller now owns one more reference.
        unsafe { SSL_CTX::up_ref(ctx) };
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_free(ctx: *mut SSL_CTX) {
    ffi_boundary!("SSL_CTX_free", (), {
        // SAFETY: the caller gives up one reference (NULL is a no-op).
        unsafe { SSL_CTX::release(ctx) }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_ssl_method(ctx: *const SSL_CTX) -> *const SSL_METHOD {
    ffi_boundary!("SSL_CTX_get_ssl_method", ptr::null(), {
        let c = try_ref!("SSL_CTX_get_ssl_method", ctx, ptr::null());
        static_as_c::<SSL_METHOD>(c.method)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    ffi_boundary!("SSL_CTX_set_options", 0, {
        let c = try_ref!("SSL_CTX_set_options", ctx, 0);
        let mut s = c.settings_mut();
        s.options |= op;
        s.options
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_clear_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    ffi_boundary!("SSL_CTX_clear_options", 0, {
        let c = try_ref!("SSL_CTX_clear_options", ctx, 0);
        let mut s = c.settings_mut();
        s.options &= !op;
        s.options
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_options(ctx: *const SSL_CTX) -> u64 {
    ffi_boundary!("SSL_CTX_get_options", 0, {
        let c = try_ref!("SSL_CTX_get_options", ctx, 0);
        let o = c.settings().options;
        o
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_verify(ctx: *mut SSL_CTX, mode: c_int, callback: VerifyCallback) {
    ffi_boundary!("SSL_CTX_set_verify", (), {
        let c = try_ref!("SSL_CTX_set_verify", ctx, ());
        let mut s = c.settings_mut();
        s.verify_mode = mode;
        s.verify_callback = callback;
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_verify_mode(ctx: *const SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_get_verify_mode", 0, {
        let c = try_ref!("SSL_CTX_get_verify_mode", ctx, 0);
        let m = c.settings().verify_mode;
        m
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_verify_callback(ctx: *const SSL_CTX) -> VerifyCallback {
    ffi_boundary!("SSL_CTX_get_verify_callback", None, {
        let c = try_ref!("SSL_CTX_get_verify_callback", ctx, None);
        let cb = c.settings().verify_callback;
        cb
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_verify_depth(ctx: *mut SSL_CTX, depth: c_int) {
    ffi_boundary!("SSL_CTX_set_verify_depth", (), {
        let c = try_ref!("SSL_CTX_set_verify_depth", ctx, ());
        c.settings_mut().param.set_depth(depth);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_verify_depth(ctx: *const SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_get_verify_depth", 0, {
        let c = try_ref!("SSL_CTX_get_verify_depth", ctx, 0);
        let d = c.settings().param.depth();
        d
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get0_param(ctx: *mut SSL_CTX) -> *mut X509_VERIFY_PARAM {
    ffi_boundary!("SSL_CTX_get0_param", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get0_param", ctx, ptr::null_mut());
        let p = c.settings().param.as_ptr();
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set1_param(ctx: *mut SSL_CTX, vpm: *mut X509_VERIFY_PARAM) -> c_int {
    ffi_boundary!("SSL_CTX_set1_param", 0, {
        let c = try_ref!("SSL_CTX_set1_param", ctx, 0);
        // A NULL set changes nothing and succeeds (X509_VERIFY_PARAM_set1, as OpenSSL).
        // SAFETY: `vpm` is NULL or the caller's live X509_VERIFY_PARAM (the libssl contract).
        let ok = unsafe { c.settings_mut().param.set_from_ptr(vpm) };
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_cert_store(ctx: *const SSL_CTX) -> *mut X509_STORE {
    ffi_boundary!("SSL_CTX_get_cert_store", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get_cert_store", ctx, ptr::null_mut());
        let p = c.store().as_ptr();
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_cert_store(ctx: *mut SSL_CTX, store: *mut X509_STORE) {
    ffi_boundary!("SSL_CTX_set_cert_store", (), {
        let c = try_ref!("SSL_CTX_set_cert_store", ctx, ());
        // SAFETY: set_cert_store takes over the caller's reference (NULL: an empty store).
        let store = unsafe { X509Store::from_owned(store) }.or_else(X509Store::new);
        if let Some(s) = store {
            c.set_store(s);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set1_cert_store(ctx: *mut SSL_CTX, store: *mut X509_STORE) {
    ffi_boundary!("SSL_CTX_set1_cert_store", (), {
        let c = try_ref!("SSL_CTX_set1_cert_store", ctx, ());
        // SAFETY: set1 takes a new reference of its own.
        let store = unsafe { X509Store::from_borrowed(store) }.or_else(X509Store::new);
        if let Some(s) = store {
            c.set_store(s);
        }
    })
}

fn opt_cstr<'a>(p: *const c_char) -> Option<&'a std::ffi::CStr> {
    // SAFETY: the caller passes NULL or a NUL-terminated string that outlives the call.
    (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_locations(ctx: *mut SSL_CTX, file: *const c_char, path: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_load_verify_locations", 0, {
        let c = try_ref!("SSL_CTX_load_verify_locations", ctx, 0);
        if file.is_null() && path.is_null() {
            return 0;
        }
        let ok = c.store().load_locations(opt_cstr(file), opt_cstr(path));
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_file(ctx: *mut SSL_CTX, file: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_load_verify_file", 0, {
        let c = try_ref!("SSL_CTX_load_verify_file", ctx, 0);
        let f = try_cstr!("SSL_CTX_load_verify_file", file, 0);
        let ok = c.store().load_locations(Some(f), None);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_dir(ctx: *mut SSL_CTX, path: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_load_verify_dir", 0, {
        let c = try_ref!("SSL_CTX_load_verify_dir", ctx, 0);
        let d = try_cstr!("SSL_CTX_load_verify_dir", path, 0);
        let ok = c.store().load_locations(None, Some(d));
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_store(ctx: *mut SSL_CTX, uri: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_load_verify_store", 0, {
        let c = try_ref!("SSL_CTX_load_verify_store", ctx, 0);
        let u = try_cstr!("SSL_CTX_load_verify_store", uri, 0);
        let ok = c.store().load_store(u);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_verify_paths(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_set_default_verify_paths", 0, {
        let c = try_ref!("SSL_CTX_set_default_verify_paths", ctx, 0);
        let ok = c.store().set_default_paths();
        ok as c_int
    })
}

fn default_cert_file() -> std::ffi::CString {
    let var = std::env::var_os("SSL_CERT_FILE").map(|v| v.into_encoded_bytes());
    let path = var.unwrap_or_else(|| {
        // SAFETY: X509_get_default_cert_file returns a static string.
        unsafe { std::ffi::CStr::from_ptr(openssl_sys::X509_get_default_cert_file()) }.to_bytes().to_vec()
    });
    std::ffi::CString::new(path).unwrap_or_default()
}

fn default_cert_dir() -> std::ffi::CString {
    let var = std::env::var_os("SSL_CERT_DIR").map(|v| v.into_encoded_bytes());
    let path = var.unwrap_or_else(|| {
        // SAFETY: X509_get_default_cert_dir returns a static string.
        unsafe { std::ffi::CStr::from_ptr(openssl_sys::X509_get_default_cert_dir()) }.to_bytes().to_vec()
    });
    std::ffi::CString::new(path).unwrap_or_default()
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_verify_file(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_set_default_verify_file", 0, {
        let c = try_ref!("SSL_CTX_set_default_verify_file", ctx, 0);
        // A missing default file is not an error, as in OpenSSL.
        c.store().load_locations(Some(&default_cert_file()), None);
        crate::crypto::err::clear();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_verify_dir(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_set_default_verify_dir", 0, {
        let c = try_ref!("SSL_CTX_set_default_verify_dir", ctx, 0);
        c.store().load_locations(None, Some(&default_cert_dir()));
        crate::crypto::err::clear();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_verify_store(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_set_default_verify_store", 0, {
        let c = try_ref!("SSL_CTX_set_default_verify_store", ctx, 0);
        // OpenSSL 3.0's default store URI is the default certificate directory
        // (SSL_CERT_DIR overrides it); a missing one is not an error.
        c.store().load_store(&default_cert_dir());
        crate::crypto::err::clear();
        1
    })
}

// ---- ciphers, ALPN, callbacks ---------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_CTX_set_cipher_list(ctx: *mut SSL_CTX, str_: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_set_cipher_list", 0, {
        let c = try_ref!("SSL_CTX_set_cipher_list", ctx, 0);
        let s = try_cstr!("SSL_CTX_set_cipher_list", str_, 0);
        let ok = crate::ctx::set_cipher_list(&mut c.settings_mut(), s);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_ciphersuites(ctx: *mut SSL_CTX, str_: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_set_ciphersuites", 0, {
        let c = try_ref!("SSL_CTX_set_ciphersuites", ctx, 0);
        let s = try_cstr!("SSL_CTX_set_ciphersuites", str_, 0);
        let ok = crate::ctx::set_ciphersuites(&mut c.settings_mut(), s);
        ok as c_int
    })
}

/// Borrows a (pointer, length) DER argument.
pub(crate) fn der_arg<'a>(d: *const c_uchar, len: c_long) -> Option<&'a [u8]> {
    if d.is_null() || len < 0 {
        return None;
    }
    // SAFETY: the caller passes `len` readable bytes at `d` for the duration of the call.
    Some(unsafe { std::slice::from_raw_parts(d, len as usize) })
}

/// Borrows an ALPN wire-format list argument (NULL/0 clears).
pub(crate) fn alpn_arg<'a>(protos: *const c_uchar, len: c_uint) -> Option<&'a [u8]> {
    if protos.is_null() || len == 0 {
        return Some(&[]);
    }
    // SAFETY: the caller passes `len` readable bytes.
    Some(unsafe { std::slice::from_raw_parts(protos, len as usize) })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_alpn_protos(ctx: *mut SSL_CTX, protos: *const c_uchar, protos_len: c_uint) -> c_int {
    // Note the inverted convention: 0 is success.
    ffi_boundary!("SSL_CTX_set_alpn_protos", 1, {
        let c = try_ref!("SSL_CTX_set_alpn_protos", ctx, 1);
        let wire = alpn_arg(protos, protos_len).unwrap_or_default();
        match crate::alpn::parse_alpn(wire) {
            Some(list) => {
                c.settings_mut().alpn = list;
                0
            }
            None => 1,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_alpn_select_cb(ctx: *mut SSL_CTX, cb: ctx::AlpnSelectCb, arg: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_alpn_select_cb", (), {
        let c = try_ref!("SSL_CTX_set_alpn_select_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.alpn_select = ctx::Callback::new(cb, arg));
    })
}

#[no_mangle]
pub extern "C" fn SSL_select_next_proto(
    out: *mut *mut c_uchar,
    outlen: *mut c_uchar,
    server: *const c_uchar,
    server_len: c_uint,
    client: *const c_uchar,
    client_len: c_uint,
) -> c_int {
    const OPENSSL_NPN_NEGOTIATED: c_int = 1;
    const OPENSSL_NPN_NO_OVERLAP: c_int = 2;
    ffi_boundary!("SSL_select_next_proto", OPENSSL_NPN_NO_OVERLAP, {
        if out.is_null() || outlen.is_null() {
            return OPENSSL_NPN_NO_OVERLAP;
        }
        let s = alpn_arg(server, server_len).unwrap_or_default();
        let c = alpn_arg(client, client_len).unwrap_or_default();
        let (result, offset) = match crate::alpn::select_next_proto(s, c) {
            Some(crate::alpn::ProtoChoice::Negotiated(off)) => (OPENSSL_NPN_NEGOTIATED, Some((server, off))),
            Some(crate::alpn::ProtoChoice::NoOverlap(off)) => (OPENSSL_NPN_NO_OVERLAP, Some((client, off))),
            None => (OPENSSL_NPN_NO_OVERLAP, None),
        };
        // SAFETY: `out`/`outlen` are writable; the result points into the caller's own list.
        unsafe {
            match offset {
                Some((base, off)) => {
                    *outlen = *base.add(off);
                    *out = base.add(off + 1) as *mut c_uchar;
                }
                None => {
                    *out = ptr::null_mut();
                    *outlen = 0;
                }
            }
        }
        result
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_keylog_callback(ctx: *mut SSL_CTX, cb: ctx::KeylogCb) {
    ffi_boundary!("SSL_CTX_set_keylog_callback", (), {
        let c = try_ref!("SSL_CTX_set_keylog_callback", ctx, ());
        c.set_callbacks(|cbs| cbs.keylog = cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_keylog_callback(ctx: *const SSL_CTX) -> ctx::KeylogCb {
    ffi_boundary!("SSL_CTX_get_keylog_callback", None, {
        let c = try_ref!("SSL_CTX_get_keylog_callback", ctx, None);
        c.callbacks().keylog
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_info_callback(ctx: *mut SSL_CTX, cb: ctx::InfoCb) {
    ffi_boundary!("SSL_CTX_set_info_callback", (), {
        let c = try_ref!("SSL_CTX_set_info_callback", ctx, ());
        c.set_callbacks(|cbs| cbs.info = cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_info_callback(ctx: *mut SSL_CTX) -> ctx::InfoCb {
    ffi_boundary!("SSL_CTX_get_info_callback", None, {
        let c = try_ref!("SSL_CTX_get_info_callback", ctx, None);
        c.callbacks().info
    })
}

// ---- misc settings --------------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_CTX_get_timeout(ctx: *const SSL_CTX) -> c_long {
    ffi_boundary!("SSL_CTX_get_timeout", 0, {
        let c = try_ref!("SSL_CTX_get_timeout", ctx, 0);
        c.session_timeout() as c_long
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_timeout(ctx: *mut SSL_CTX, t: c_long) -> c_long {
    ffi_boundary!("SSL_CTX_set_timeout", 0, {
        let c = try_ref!("SSL_CTX_set_timeout", ctx, 0);
        c.set_session_timeout(t.max(0) as u64) as c_long
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_quiet_shutdown(ctx: *mut SSL_CTX, mode: c_int) {
    ffi_boundary!("SSL_CTX_set_quiet_shutdown", (), {
        let c = try_ref!("SSL_CTX_set_quiet_shutdown", ctx, ());
        c.settings_mut().quiet_shutdown = mode != 0;
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_quiet_shutdown(ctx: *const SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_get_quiet_shutdown", 0, {
        let c = try_ref!("SSL_CTX_get_quiet_shutdown", ctx, 0);
        let q = c.settings().quiet_shutdown;
        q as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_ex_data(ctx: *mut SSL_CTX, idx: c_int, data: *mut c_void) -> c_int {
    ffi_boundary!("SSL_CTX_set_ex_data", 0, {
        let c = try_ref!("SSL_CTX_set_ex_data", ctx, 0);
        c.ex_data.set(idx, data) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_ex_data(ctx: *const SSL_CTX, idx: c_int) -> *mut c_void {
    ffi_boundary!("SSL_CTX_get_ex_data", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get_ex_data", ctx, ptr::null_mut());
        c.ex_data.get(idx)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_session_id_context(
    ctx: *mut SSL_CTX,
    sid_ctx: *const c_uchar,
    sid_ctx_len: c_uint,
) -> c_int {
    ffi_boundary!("SSL_CTX_set_session_id_context", 0, {
        let c = try_ref!("SSL_CTX_set_session_id_context", ctx, 0);
        if sid_ctx_len as usize > crate::ctx::SSL_MAX_SID_CTX_LENGTH {
            error::raise(error::SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
            return 0;
        }
        // NULL with a length is no context at all: refused, not taken as an empty one
        // (which would let sessions resume across contexts). OpenSSL reads from NULL.
        if sid_ctx.is_null() && sid_ctx_len > 0 {
            error::raise_null("SSL_CTX_set_session_id_context");
            return 0;
        }
        let v = der_arg(sid_ctx, sid_ctx_len as c_long).map(<[u8]>::to_vec).unwrap_or_default();
        c.settings_mut().session_id_context = v;
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_security_level(ctx: *mut SSL_CTX, level: c_int) {
    ffi_boundary!("SSL_CTX_set_security_level", (), {
        let c = try_ref!("SSL_CTX_set_security_level", ctx, ());
        c.settings_mut().security_level = level;
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_security_level(ctx: *const SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_get_security_level", 0, {
        let c = try_ref!("SSL_CTX_get_security_level", ctx, 0);
        let l = c.settings().security_level;
        l
    })
}

/// The context behind a handle, for other ABI modules.
pub(crate) fn ctx_arc(ctx: *mut SSL_CTX) -> Option<Arc<SslCtx>> {
    // SAFETY: NULL or a live handle, per the libssl contract.
    unsafe { SSL_CTX::clone_arc(ctx) }
}

/// `SSL_CTX_set_cert_verify_callback`: the application verifies peer chains itself, on
/// the store context libssl prepared (`X509_verify_cert` is not called).
#[no_mangle]
pub extern "C" fn SSL_CTX_set_cert_verify_callback(ctx: *mut SSL_CTX, cb: ctx::CertVerifyCb, arg: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_cert_verify_callback", (), {
        let c = try_ref!("SSL_CTX_set_cert_verify_callback", ctx, ());
        c.set_callbacks(|cbs| cbs.cert_verify = ctx::Callback::new(cb, arg));
    })
}

/// `SSL_CTX_set_client_cert_cb`: asked for a certificate and key when a server requests
/// one and the client has none.
#[no_mangle]
pub extern "C" fn SSL_CTX_set_client_cert_cb(ctx: *mut SSL_CTX, client_cert_cb: ctx::ClientCertCb) {
    ffi_boundary!("SSL_CTX_set_client_cert_cb", (), {
        let c = try_ref!("SSL_CTX_set_client_cert_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.client_cert = client_cert_cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_client_cert_cb(ctx: *mut SSL_CTX) -> ctx::ClientCertCb {
    ffi_boundary!("SSL_CTX_get_client_cert_cb", None, {
        let c = try_ref!("SSL_CTX_get_client_cert_cb", ctx, None);
        c.callbacks().client_cert
    })
}

// The CA list (`SSL(_CTX)_set0/get0/add1_to_CA_list`): what a server lists in its
// CertificateRequest when it has no client CA list.

/// `set0`: the object takes the caller's stack. A connection given NULL goes back to
/// reading its context's list; a context given NULL has no list.
fn set0_ca_list(settings: &mut ctx::Settings, name_list: *mut stack_st_X509_NAME, context: bool) {
    settings.ca_names = if name_list.is_null() && !context {
        None
    } else {
        // SAFETY: ownership of the caller's stack (or NULL) passes to us.
        Some(Arc::new(unsafe { NameList::from_owned(name_list) }))
    };
}

/// `add1`: the subject name of `x` joins the object's own list (a connection without one
/// starts a new list, as OpenSSL does).
fn add1_to_ca_list(name: &str, settings: &mut ctx::Settings, x: *const X509) -> c_int {
    // SAFETY: borrowed for the call only.
    let Some(cert) = (unsafe { X509Cert::from_borrowed(x as *mut X509) }) else {
        error::raise_null(name);
        return 0;
    };
    let base = settings.ca_names.clone().unwrap_or_else(|| Arc::new(NameList::empty()));
    settings.ca_names = Some(Arc::new(base.with_subject_of(&cert)));
    1
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set0_CA_list(ctx: *mut SSL_CTX, name_list: *mut stack_st_X509_NAME) {
    ffi_boundary!("SSL_CTX_set0_CA_list", (), {
        let c = try_ref!("SSL_CTX_set0_CA_list", ctx, ());
        set0_ca_list(&mut c.settings_mut(), name_list, true);
    })
}

#[no_mangle]
pub extern "C" fn SSL_set0_CA_list(s: *mut super::SSL, name_list: *mut stack_st_X509_NAME) {
    ffi_boundary!("SSL_set0_CA_list", (), {
        let ssl = try_ref!("SSL_set0_CA_list", s, ());
        set0_ca_list(&mut ssl.settings(), name_list, false);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get0_CA_list(ctx: *const SSL_CTX) -> *const stack_st_X509_NAME {
    ffi_boundary!("SSL_CTX_get0_CA_list", ptr::null(), {
        let c = try_ref!("SSL_CTX_get0_CA_list", ctx, ptr::null());
        let p = c.settings().ca_names.as_ref().map_or(ptr::null_mut(), |n| n.as_ptr()) as *const stack_st_X509_NAME;
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_get0_CA_list(s: *const super::SSL) -> *const stack_st_X509_NAME {
    ffi_boundary!("SSL_get0_CA_list", ptr::null(), {
        let ssl = try_ref!("SSL_get0_CA_list", s, ptr::null());
        let own = ssl.settings().ca_names.as_ref().map(|n| n.as_ptr());
        // The context's list lives as long as the context (its Arc stays in its settings).
        let p = own.unwrap_or_else(|| ssl.ctx().settings().ca_names.as_ref().map_or(ptr::null_mut(), |n| n.as_ptr()));
        p as *const stack_st_X509_NAME
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_add1_to_CA_list(ctx: *mut SSL_CTX, x: *const X509) -> c_int {
    ffi_boundary!("SSL_CTX_add1_to_CA_list", 0, {
        let c = try_ref!("SSL_CTX_add1_to_CA_list", ctx, 0);
        let r = add1_to_ca_list("SSL_CTX_add1_to_CA_list", &mut c.settings_mut(), x);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_add1_to_CA_list(ssl: *mut super::SSL, x: *const X509) -> c_int {
    ffi_boundary!("SSL_add1_to_CA_list", 0, {
        let s = try_ref!("SSL_add1_to_CA_list", ssl, 0);
        let r = add1_to_ca_list("SSL_add1_to_CA_list", &mut s.settings(), x);
        r
    })
}
