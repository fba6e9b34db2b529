//! `SSL_CTX_set_client_hello_cb` and the `SSL_client_hello_*` accessors it uses: the
//! callback runs when a server has the client's ClientHello, before the servername
//! callback and before anything is chosen (haproxy picks its certificate context here).
//! Then the certificate callback (`SSL_CTX_set_cert_cb`), after the servername callback,
//! where nginx loads certificates named by variables.
use std::os::raw::{c_int, c_uchar, c_uint, c_void};
use std::ptr;
use std::sync::Arc;

use super::{SSL, SSL_CTX};
use crate::ctx::{Callback, CertCb, ClientHelloCb};
use crate::error;
use crate::hello::ClientHello;

#[no_mangle]
pub extern "C" fn SSL_CTX_set_client_hello_cb(c: *mut SSL_CTX, cb: ClientHelloCb, arg: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_client_hello_cb", (), {
        let c = try_ref!("SSL_CTX_set_client_hello_cb", c, ());
        c.set_callbacks(|cbs| cbs.client_hello = Callback::new(cb, arg));
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_cert_cb(c: *mut SSL_CTX, cb: CertCb, arg: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_cert_cb", (), {
        let c = try_ref!("SSL_CTX_set_cert_cb", c, ());
        c.set_callbacks(|cbs| cbs.cert = Callback::new(cb, arg));
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_cert_cb(s: *mut SSL, cb: CertCb, arg: *mut c_void) {
    ffi_boundary!("SSL_set_cert_cb", (), {
        let ssl = try_ref!("SSL_set_cert_cb", s, ());
        ssl.set_cert_callback(Callback::new(cb, arg));
    })
}

/// The ClientHello being processed (only while the callback can run, as in OpenSSL).
fn current_hello(name: &str, s: *mut SSL) -> Option<Arc<ClientHello>> {
    let ssl = try_ref!(name, s, None);
    ssl.client_hello()
}

/// Points `*out` at `bytes` (which the connection keeps alive) and answers their length.
fn out_slice(out: *mut *const c_uchar, bytes: &[u8]) -> usize {
    if !out.is_null() {
        // SAFETY: `out` is the caller's writable out-parameter.
        unsafe { *out = bytes.as_ptr() };
    }
    bytes.len()
}

#[no_mangle]
pub extern "C" fn SSL_client_hello_isv2(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_client_hello_isv2", 0, {
        // rustls refuses SSLv2-format hellos before any callback could run.
        let _ = current_hello("SSL_client_hello_isv2", s);
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_client_hello_get0_legacy_version(s: *mut SSL) -> c_uint {
    ffi_boundary!("SSL_client_hello_get0_legacy_version", 0, {
        current_hello("SSL_client_hello_get0_legacy_version", s).map_or(0, |h| c_uint::from(h.legacy_version))
    })
}

#[no_mangle]
pub extern "C" fn SSL_client_hello_get0_random(s: *mut SSL, out: *mut *const c_uchar) -> usize {
    ffi_boundary!("SSL_client_hello_get0_random", 0, {
        current_hello("SSL_client_hello_get0_random", s).map_or(0, |h| out_slice(out, h.random()))
    })
}

#[no_mangle]
pub extern "C" fn SSL_client_hello_get0_session_id(s: *mut SSL, out: *mut *const c_uchar) -> usize {
    ffi_boundary!("SSL_client_hello_get0_session_id", 0, {
        current_hello("SSL_client_hello_get0_session_id", s).map_or(0, |h| out_slice(out, h.session_id()))
    })
}

#[no_mangle]
pub extern "C" fn SSL_client_hello_get0_ciphers(s: *mut SSL, out: *mut *const c_uchar) -> usize {
    ffi_boundary!("SSL_client_hello_get0_ciphers", 0, {
        current_hello("SSL_client_hello_get0_ciphers", s).map_or(0, |h| out_slice(out, h.ciphers()))
    })
}

#[no_mangle]
pub extern "C" fn SSL_client_hello_get0_compression_methods(s: *mut SSL, out: *mut *const c_uchar) -> usize {
    ffi_boundary!("SSL_client_hello_get0_compression_methods", 0, {
        current_hello("SSL_client_hello_get0_compression_methods", s)
            .map_or(0, |h| out_slice(out, h.compression_methods()))
    })
}

/// 1 and the extension's body when the client sent extension `type_`, else 0.
#[no_mangle]
pub extern "C" fn SSL_client_hello_get0_ext(
    s: *mut SSL,
    type_: c_uint,
    out: *mut *const c_uchar,
    outlen: *mut usize,
) -> c_int {
    ffi_boundary!("SSL_client_hello_get0_ext", 0, {
        let Some(h) = current_hello("SSL_client_hello_get0_ext", s) else { return 0 };
        let Ok(ty) = u16::try_from(type_) else { return 0 };
        let Some(body) = h.extension(ty) else { return 0 };
        let n = out_slice(out, body);
        if !outlen.is_null() {
            // SAFETY: the caller's writable out-parameter.
            unsafe { *outlen = n };
        }
        1
    })
}

/// The types of the extensions the client sent, in a new `OPENSSL_malloc`'d array the
/// caller frees with `OPENSSL_free`.
#[no_mangle]
pub extern "C" fn SSL_client_hello_get1_extensions_present(
    s: *mut SSL,
    out: *mut *mut c_int,
    outlen: *mut usize,
) -> c_int {
    ffi_boundary!("SSL_client_hello_get1_extensions_present", 0, {
        let Some(h) = current_hello("SSL_client_hello_get1_extensions_present", s) else { return 0 };
        if out.is_null() || outlen.is_null() {
            error::raise_null("SSL_client_hello_get1_extensions_present");
            return 0;
        }
        let types = h.extension_types();
        let mut array: *mut c_int = ptr::null_mut();
        if !types.is_empty() {
            let bytes = types.len() * std::mem::size_of::<c_int>();
            // SAFETY: a fresh libcrypto allocation of `bytes`, filled below and handed
            // to the caller, who frees it with OPENSSL_free.
            array = unsafe { openssl_sys::CRYPTO_malloc(bytes, c"oxissl".as_ptr(), 0) } as *mut c_int;
            if array.is_null() {
                error::raise(error::ERR_R_MALLOC_FAILURE);
                return 0;
            }
            for (i, t) in types.iter().enumerate() {
                // SAFETY: `i` < types.len(), within the allocation.
                unsafe { *array.add(i) = c_int::from(*t) };
            }
        }
        // SAFETY: both are the caller's writable out-parameters (checked non-NULL).
        unsafe {
            *out = array;
            *outlen = types.len();
        }
        1
    })
}
