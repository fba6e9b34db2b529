//! DANE: `SSL_CTX_dane_*`, `SSL_dane_*`, `SSL_get0_dane*` (see [`crate::dane`]).
use std::os::raw::{c_char, c_int, c_uchar, c_ulong, c_void};
use std::ptr;

use openssl_sys::{EVP_MD, EVP_PKEY, X509};

use super::{SSL, SSL_CTX};
use crate::dane;
use crate::error;

/// `SSL_DANE` (libcrypto's `struct ssl_dane_st`; see [`crate::crypto::dane`]).
pub type SSL_DANE = c_void;

#[no_mangle]
pub extern "C" fn SSL_CTX_dane_enable(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_dane_enable", -1, {
        let c = try_ref!("SSL_CTX_dane_enable", ctx, -1);
        c.dane.mtypes.write().unwrap_or_else(|e| e.into_inner()).enable();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_dane_mtype_set(ctx: *mut SSL_CTX, md: *const EVP_MD, mtype: u8, ord: u8) -> c_int {
    ffi_boundary!("SSL_CTX_dane_mtype_set", -1, {
        let c = try_ref!("SSL_CTX_dane_mtype_set", ctx, -1);
        // SAFETY: `md` is NULL or the application's digest, which it keeps alive while the
        // context uses it (OpenSSL keeps the bare pointer too).
        let md = unsafe { crate::crypto::dane::Digest::from_ptr(md) };
        c.dane.mtypes.write().unwrap_or_else(|e| e.into_inner()).set(md, mtype, ord)
    })
}

/// The flag setters answer the flags as they were.
fn update_flags(flags: &mut c_ulong, set: c_ulong, clear: c_ulong) -> c_ulong {
    let orig = *flags;
    *flags = (orig | set) & !clear;
    orig
}

#[no_mangle]
pub extern "C" fn SSL_CTX_dane_set_flags(ctx: *mut SSL_CTX, flags: c_ulong) -> c_ulong {
    ffi_boundary!("SSL_CTX_dane_set_flags", 0, {
        let c = try_ref!("SSL_CTX_dane_set_flags", ctx, 0);
        let r = update_flags(&mut c.dane.flags.lock().unwrap_or_else(|e| e.into_inner()), flags, 0);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_dane_clear_flags(ctx: *mut SSL_CTX, flags: c_ulong) -> c_ulong {
    ffi_boundary!("SSL_CTX_dane_clear_flags", 0, {
        let c = try_ref!("SSL_CTX_dane_clear_flags", ctx, 0);
        let r = update_flags(&mut c.dane.flags.lock().unwrap_or_else(|e| e.into_inner()), 0, flags);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_dane_set_flags(ssl: *mut SSL, flags: c_ulong) -> c_ulong {
    ffi_boundary!("SSL_dane_set_flags", 0, {
        let s = try_ref!("SSL_dane_set_flags", ssl, 0);
        let r = update_flags(&mut dane::lock(&s.dane).flags, flags, 0);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_dane_clear_flags(ssl: *mut SSL, flags: c_ulong) -> c_ulong {
    ffi_boundary!("SSL_dane_clear_flags", 0, {
        let s = try_ref!("SSL_dane_clear_flags", ssl, 0);
        let r = update_flags(&mut dane::lock(&s.dane).flags, 0, flags);
        r
    })
}

/// 1; 0 when the context is not DANE-enabled or DANE is already on; -1 when the base
/// domain cannot become the SNI name or the reference host name (as OpenSSL).
#[no_mangle]
pub extern "C" fn SSL_dane_enable(s: *mut SSL, basedomain: *const c_char) -> c_int {
    ffi_boundary!("SSL_dane_enable", -1, {
        let ssl = try_ref!("SSL_dane_enable", s, -1);
        let ctx = ssl.ctx();
        if !dane::lock(&ssl.dane).may_enable(&ctx.dane) {
            return 0;
        }
        // SAFETY: NULL or a NUL-terminated string the caller keeps alive for the call.
        let base = (!basedomain.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(basedomain) });
        // The base domain is the default SNI name and the primary reference identifier.
        if ssl.hostname().is_none() && !ssl.set_sni_name(base) {
            error::raise(error::SSL_R_ERROR_SETTING_TLSA_BASE_DOMAIN);
            return -1;
        }
        if !ssl.settings().param.set_host(base.map(|b| b.to_bytes())) {
            error::raise(error::SSL_R_ERROR_SETTING_TLSA_BASE_DOMAIN);
            return -1;
        }
        dane::lock(&ssl.dane).enable(&ctx.dane);
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_dane_tlsa_add(
    s: *mut SSL,
    usage: u8,
    selector: u8,
    mtype: u8,
    data: *const c_uchar,
    dlen: usize,
) -> c_int {
    ffi_boundary!("SSL_dane_tlsa_add", -1, {
        let ssl = try_ref!("SSL_dane_tlsa_add", s, -1);
        // SAFETY: a non-NULL `data` points to `dlen` readable bytes (the caller's TLSA
        // record); lengths beyond what a C int holds are refused before any read.
        let bytes = (!data.is_null() && c_int::try_from(dlen).is_ok())
            .then(|| unsafe { std::slice::from_raw_parts(data, dlen) });
        let bytes = if data.is_null() { None } else { Some(bytes.unwrap_or(&[])) };
        let r = dane::lock(&ssl.dane).add(usage, selector, mtype, bytes, dlen);
        r
    })
}

/// The depth of the certificate or key a TLSA record matched, or -1 (DANE off, nothing
/// matched, or verification failed); `mcert` gets the matched certificate, `mspki` the
/// trust anchor's bare key when that matched instead (both owned by the connection).
#[no_mangle]
pub extern "C" fn SSL_get0_dane_authority(s: *mut SSL, mcert: *mut *mut X509, mspki: *mut *mut EVP_PKEY) -> c_int {
    ffi_boundary!("SSL_get0_dane_authority", -1, {
        let ssl = try_ref!("SSL_get0_dane_authority", s, -1);
        let Some((depth, matched)) = authority(ssl) else {
            return -1;
        };
        if let Some((record, cert)) = matched {
            if !mcert.is_null() {
                // SAFETY: the caller passes a writable X509 pointer slot.
                unsafe { *mcert = cert.as_ref().map_or(ptr::null_mut(), |c| c.as_ptr()) };
            }
            if !mspki.is_null() {
                let key = if cert.is_none() {
                    record.spki().map_or(ptr::null_mut(), |k| k.as_ptr())
                } else {
                    ptr::null_mut()
                };
                // SAFETY: the caller passes a writable EVP_PKEY pointer slot.
                unsafe { *mspki = key };
            }
        }
        depth
    })
}

/// Like `SSL_get0_dane_authority`, reporting the matched record's fields.
#[no_mangle]
pub extern "C" fn SSL_get0_dane_tlsa(
    s: *mut SSL,
    usage: *mut u8,
    selector: *mut u8,
    mtype: *mut u8,
    data: *mut *const c_uchar,
    dlen: *mut usize,
) -> c_int {
    ffi_boundary!("SSL_get0_dane_tlsa", -1, {
        let ssl = try_ref!("SSL_get0_dane_tlsa", s, -1);
        let Some((depth, matched)) = authority(ssl) else {
            return -1;
        };
        if let Some((record, _)) = matched {
            // SAFETY: each non-NULL pointer is a writable slot the caller passes; the
            // record's data stays owned by the connection.
            unsafe {
                if !usage.is_null() {
                    *usage = record.usage();
                }
                if !selector.is_null() {
                    *selector = record.selector();
                }
                if !mtype.is_null() {
                    *mtype = record.mtype();
                }
                if !data.is_null() {
                    *data = record.data().as_ptr();
                }
                if !dlen.is_null() {
                    *dlen = record.data().len();
                }
            }
        }
        depth
    })
}

/// What DANE matched, when DANE is active and the peer verified (OpenSSL's condition).
/// The record and certificate handed out stay alive with the connection's DANE state.
fn authority(ssl: &crate::conn::Ssl) -> Option<dane::Authority> {
    let found = dane::lock(&ssl.dane).authority()?;
    if ssl.peer().verify_result != 0 {
        return None;
    }
    Some(found)
}

/// The connection's `SSL_DANE`, as libcrypto's verifier takes it.
#[no_mangle]
pub extern "C" fn SSL_get0_dane(ssl: *mut SSL) -> *mut SSL_DANE {
    ffi_boundary!("SSL_get0_dane", ptr::null_mut(), {
        let s = try_ref!("SSL_get0_dane", ssl, ptr::null_mut());
        let p = dane::lock(&s.dane).standing_ptr();
        p
    })
}
