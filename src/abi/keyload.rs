//! The older ways of setting a private key (`SSL(_CTX)_use_RSAPrivateKey*`, deprecated in
//! 3.0 but still called by long-lived programs) and the all-in-one
//! `SSL(_CTX)_use_cert_and_key`, on a context or a connection alike.
use std::os::raw::{c_char, c_int, c_long, c_uchar};

use openssl_sys::{stack_st_X509, EVP_PKEY, X509};

use super::{SSL, SSL_CTX};
use crate::crypto::pkey::EvpPkey;
use crate::crypto::x509::X509Cert;
use crate::ctx::Settings;
use crate::error;
use crate::keys;

/// `struct rsa_st`: OpenSSL 3.0 declares the `RSA` typedef only with the deprecated API,
/// so the generated header names the struct (cbindgen.toml renames this type).
#[allow(non_camel_case_types)]
pub type rsa_st = openssl_sys::RSA;

fn rsa_key(name: &str, settings: &mut Settings, rsa: *mut rsa_st) -> c_int {
    // SAFETY: `rsa` is NULL or the caller's live RSA object; the key takes its own reference.
    let Some(key) = (unsafe { EvpPkey::from_rsa(rsa) }) else {
        error::raise_null(name);
        return 0;
    };
    keys::use_private_key(settings, key) as c_int
}

fn rsa_key_der(name: &str, settings: &mut Settings, d: *const c_uchar, len: c_long) -> c_int {
    if d.is_null() {
        error::raise_null(name);
        return 0;
    }
    // SAFETY: the caller passes `len` readable bytes at `d`; d2i_RSAPrivateKey fails a
    // negative length with libcrypto's error, as in OpenSSL.
    let Some(key) = (unsafe { EvpPkey::from_rsa_der_raw(d, len) }) else {
        error::raise(error::ERR_R_ASN1_LIB);
        return 0;
    };
    keys::use_private_key(settings, key) as c_int
}

fn cert_and_key(
    name: &str,
    settings: &mut Settings,
    x509: *mut X509,
    pkey: *mut EVP_PKEY,
    chain: *mut stack_st_X509,
    replace: c_int,
) -> c_int {
    // SAFETY: NULL or the caller's live objects; we take our own references to the
    // certificate, the key and every certificate of the chain (which stays the caller's).
    let (cert, key, chain) = unsafe {
        (X509Cert::from_borrowed(x509), EvpPkey::from_borrowed(pkey), crate::crypto::x509::stack_to_vec(chain))
    };
    let Some(cert) = cert else {
        error::raise_null(name);
        return 0;
    };
    if key.as_ref().is_some_and(|k| !k.matches(&cert)) {
        error::raise(error::SSL_R_PRIVATE_KEY_MISMATCH);
        return 0;
    }
    keys::use_cert_and_key(settings, cert, key, chain, replace != 0) as c_int
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_RSAPrivateKey(ctx: *mut SSL_CTX, rsa: *mut rsa_st) -> c_int {
    ffi_boundary!("SSL_CTX_use_RSAPrivateKey", 0, {
        let c = try_ref!("SSL_CTX_use_RSAPrivateKey", ctx, 0);
        let r = rsa_key("SSL_CTX_use_RSAPrivateKey", &mut c.settings_mut(), rsa);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_RSAPrivateKey(s: *mut SSL, rsa: *mut rsa_st) -> c_int {
    ffi_boundary!("SSL_use_RSAPrivateKey", 0, {
        let ssl = try_ref!("SSL_use_RSAPrivateKey", s, 0);
        let r = rsa_key("SSL_use_RSAPrivateKey", &mut ssl.settings(), rsa);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_RSAPrivateKey_ASN1(ctx: *mut SSL_CTX, d: *const c_uchar, len: c_long) -> c_int {
    ffi_boundary!("SSL_CTX_use_RSAPrivateKey_ASN1", 0, {
        let c = try_ref!("SSL_CTX_use_RSAPrivateKey_ASN1", ctx, 0);
        let r = rsa_key_der("SSL_CTX_use_RSAPrivateKey_ASN1", &mut c.settings_mut(), d, len);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_RSAPrivateKey_ASN1(s: *mut SSL, d: *const c_uchar, len: c_long) -> c_int {
    ffi_boundary!("SSL_use_RSAPrivateKey_ASN1", 0, {
        let ssl = try_ref!("SSL_use_RSAPrivateKey_ASN1", s, 0);
        let r = rsa_key_der("SSL_use_RSAPrivateKey_ASN1", &mut ssl.settings(), d, len);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_RSAPrivateKey_file(ctx: *mut SSL_CTX, file: *const c_char, type_: c_int) -> c_int {
    ffi_boundary!("SSL_CTX_use_RSAPrivateKey_file", 0, {
        let c = try_ref!("SSL_CTX_use_RSAPrivateKey_file", ctx, 0);
        let f = try_cstr!("SSL_CTX_use_RSAPrivateKey_file", file, 0);
        let ok = keys::use_rsa_private_key_file(&mut c.settings_mut(), f, type_);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_RSAPrivateKey_file(s: *mut SSL, file: *const c_char, type_: c_int) -> c_int {
    ffi_boundary!("SSL_use_RSAPrivateKey_file", 0, {
        let ssl = try_ref!("SSL_use_RSAPrivateKey_file", s, 0);
        let f = try_cstr!("SSL_use_RSAPrivateKey_file", file, 0);
        let ok = keys::use_rsa_private_key_file(&mut ssl.settings(), f, type_);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_cert_and_key(
    ctx: *mut SSL_CTX,
    x509: *mut X509,
    privatekey: *mut EVP_PKEY,
    chain: *mut stack_st_X509,
    override_: c_int,
) -> c_int {
    ffi_boundary!("SSL_CTX_use_cert_and_key", 0, {
        let c = try_ref!("SSL_CTX_use_cert_and_key", ctx, 0);
        let r = cert_and_key("SSL_CTX_use_cert_and_key", &mut c.settings_mut(), x509, privatekey, chain, override_);
        r
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_cert_and_key(
    s: *mut SSL,
    x509: *mut X509,
    privatekey: *mut EVP_PKEY,
    chain: *mut stack_st_X509,
    override_: c_int,
) -> c_int {
    ffi_boundary!("SSL_use_cert_and_key", 0, {
        let ssl = try_ref!("SSL_use_cert_and_key", s, 0);
        let r = cert_and_key("SSL_use_cert_and_key", &mut ssl.settings(), x509, privatekey, chain, override_);
        r
    })
}

/// `SSL_certs_clear`: the connection forgets its certificates and keys.
#[no_mangle]
pub extern "C" fn SSL_certs_clear(s: *mut SSL) {
    ffi_boundary!("SSL_certs_clear", (), {
        let ssl = try_ref!("SSL_certs_clear", s, ());
        ssl.settings().cert = Default::default();
    })
}
