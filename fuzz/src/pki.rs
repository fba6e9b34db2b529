//! The test PKI, embedded: made once with `c-tests/certs.sh` (valid ten years) and kept
//! in fuzz/certs/ so that recorded flights and sessions stay valid across builds.
use std::os::raw::c_int;
use std::ptr;

use crate::ffi::{EVP_PKEY, X509};

pub const CA: &str = include_str!("../certs/ca.pem");
pub const SERVER_P256: &str = include_str!("../certs/server-p256.pem");
pub const SERVER_P256_KEY: &str = include_str!("../certs/server-p256.key");
pub const SERVER_RSA: &str = include_str!("../certs/server-rsa.pem");
pub const SERVER_RSA_KEY: &str = include_str!("../certs/server-rsa.key");
pub const SERVER_ED25519: &str = include_str!("../certs/server-ed25519.pem");
pub const SERVER_ED25519_KEY: &str = include_str!("../certs/server-ed25519.key");
pub const CLIENT: &str = include_str!("../certs/client.pem");
pub const CLIENT_KEY: &str = include_str!("../certs/client.key");

/// A DER OCSPResponse (status `unauthorized`): servers staple it, clients read it back.
/// oxissl (like OpenSSL) does not interpret the response; the application does.
pub const OCSP_RESPONSE: &[u8] = &[0x30, 0x03, 0x0a, 0x01, 0x06];

fn mem_bio(pem: &str) -> *mut openssl_sys::BIO {
    // SAFETY: a read-only memory BIO over a 'static string.
    let b = unsafe { openssl_sys::BIO_new_mem_buf(pem.as_ptr() as *const _, pem.len() as c_int) };
    assert!(!b.is_null());
    b
}

/// A new reference to the certificate in `pem` (the caller frees it).
pub fn cert(pem: &str) -> *mut X509 {
    let b = mem_bio(pem);
    // SAFETY: PEM_read_bio_X509 reads from our BIO; NULL callback and argument.
    let x = unsafe { openssl_sys::PEM_read_bio_X509(b, ptr::null_mut(), None, ptr::null_mut()) };
    // SAFETY: our own BIO.
    unsafe { crate::ffi::BIO_free(b) };
    assert!(!x.is_null(), "embedded certificate does not parse");
    x
}

/// A new reference to the private key in `pem` (the caller frees it).
pub fn key(pem: &str) -> *mut EVP_PKEY {
    let b = mem_bio(pem);
    // SAFETY: as above.
    let k = unsafe { openssl_sys::PEM_read_bio_PrivateKey(b, ptr::null_mut(), None, ptr::null_mut()) };
    // SAFETY: our own BIO.
    unsafe { crate::ffi::BIO_free(b) };
    assert!(!k.is_null(), "embedded key does not parse");
    k
}
