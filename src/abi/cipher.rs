//! `SSL_CIPHER_*` entry points: read-only queries on the static suite table of
//! [`crate::cipher`].
//!
//! An `SSL_CIPHER*` is the address of an entry of [`crate::cipher::CIPHERS`]. Handles
//! are validated by comparing that address with the table (no dereference of an
//! untrusted pointer), so a stray pointer is reported like NULL instead of being read.
//!
//! NULL arguments follow OpenSSL 3.0 where it has a defined answer (`"(NONE)"` from
//! the name/version getters, 0 from `SSL_CIPHER_get_bits` and
//! `SSL_CIPHER_get_cipher_nid`, all without an error). Where OpenSSL dereferences NULL
//! and crashes, we return 0/NULL and queue `ERR_R_PASSED_NULL_PARAMETER`.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uchar};
use std::ptr::{self, NonNull};

use openssl_sys::{stack_st_SSL_CIPHER, EVP_MD};

use super::ownership;
use super::{SSL, SSL_CIPHER, SSL_CTX};
use crate::cipher::{self, HandshakeDigest, SslCipher};

/// What OpenSSL returns for a missing cipher or an unknown name.
const NONE: &CStr = c"(NONE)";

/// Size of the buffer `SSL_CIPHER_description` allocates, and the least it accepts.
const DESCRIPTION_LEN: usize = 128;

/// The suite behind a handle: `None` for NULL or an address outside our table.
fn lookup(c: *const SSL_CIPHER) -> Option<&'static SslCipher> {
    cipher::from_ptr(c.cast())
}

/// Like `try_ref!` for cipher handles, validating the address against the table.
macro_rules! try_cipher {
    ($name:literal, $ptr:expr, $fail:expr) => {
        match lookup($ptr) {
            Some(c) => c,
            None => {
                if $ptr.is_null() {
                    crate::error::raise_null($name);
                } else {
                    crate::error::raise_with_data(
                        crate::error::ERR_R_PASSED_INVALID_ARGUMENT,
                        concat!($name, ": not an SSL_CIPHER of this library"),
                    );
                }
                return $fail;
            }
        }
    };
}

/// The handle C code gets for a suite.
pub fn cipher_handle(c: &'static SslCipher) -> *const SSL_CIPHER {
    ownership::static_as_c::<SSL_CIPHER>(c)
}

/// `OPENSSL_malloc(len)`: a buffer the caller releases with `OPENSSL_free`.
fn openssl_malloc(len: usize) -> Option<NonNull<c_char>> {
    // SAFETY: CRYPTO_malloc has no preconditions; the file name is a static C string.
    let p = unsafe { openssl_sys::CRYPTO_malloc(len, c"oxissl/src/abi/cipher.rs".as_ptr(), line!() as c_int) };
    NonNull::new(p.cast::<c_char>())
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_name(c: *const SSL_CIPHER) -> *const c_char {
    ffi_boundary!("SSL_CIPHER_get_name", NONE.as_ptr(), { lookup(c).map_or(NONE, |c| c.name).as_ptr() })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_standard_name(c: *const SSL_CIPHER) -> *const c_char {
    ffi_boundary!("SSL_CIPHER_standard_name", NONE.as_ptr(), { lookup(c).map_or(NONE, |c| c.standard_name).as_ptr() })
}

/// Maps an RFC suite name to OpenSSL's name, for every suite OpenSSL knows (also those
/// oxissl does not implement); `"(NONE)"` for NULL or an unknown name.
#[no_mangle]
pub extern "C" fn OPENSSL_cipher_name(rfc_name: *const c_char) -> *const c_char {
    ffi_boundary!("OPENSSL_cipher_name", NONE.as_ptr(), {
        if rfc_name.is_null() {
            return NONE.as_ptr();
        }
        // SAFETY: non-NULL; the caller passes a NUL-terminated string that outlives the call.
        let name = unsafe { CStr::from_ptr(rfc_name) };
        cipher::openssl_name_for_standard(name.to_bytes()).unwrap_or(NONE).as_ptr()
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_bits(c: *const SSL_CIPHER, alg_bits: *mut c_int) -> c_int {
    ffi_boundary!("SSL_CIPHER_get_bits", 0, {
        let Some(c) = lookup(c) else { return 0 };
        if !alg_bits.is_null() {
            // SAFETY: non-NULL; the caller passes a writable int.
            unsafe { alg_bits.write(c.alg_bits) };
        }
        c.strength_bits
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_version(c: *const SSL_CIPHER) -> *const c_char {
    ffi_boundary!("SSL_CIPHER_get_version", NONE.as_ptr(), { lookup(c).map_or(NONE, |c| c.version).as_ptr() })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_id(c: *const SSL_CIPHER) -> u32 {
    ffi_boundary!("SSL_CIPHER_get_id", 0, { try_cipher!("SSL_CIPHER_get_id", c, 0).id })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_protocol_id(c: *const SSL_CIPHER) -> u16 {
    ffi_boundary!("SSL_CIPHER_get_protocol_id", 0, { try_cipher!("SSL_CIPHER_get_protocol_id", c, 0).protocol_id })
}

/// Writes the one-line description into `buf` (at least 128 bytes, else NULL), or
/// into a new 128-byte `OPENSSL_malloc` buffer when `buf` is NULL.
#[no_mangle]
pub extern "C" fn SSL_CIPHER_description(c: *const SSL_CIPHER, buf: *mut c_char, size: c_int) -> *mut c_char {
    ffi_boundary!("SSL_CIPHER_description", ptr::null_mut(), {
        if !buf.is_null() && size < DESCRIPTION_LEN as c_int {
            return ptr::null_mut();
        }
        let c = try_cipher!("SSL_CIPHER_description", c, ptr::null_mut());
        let (out, cap) = if buf.is_null() {
            match openssl_malloc(DESCRIPTION_LEN) {
                Some(p) => (p.as_ptr(), DESCRIPTION_LEN),
                None => {
                    crate::error::raise(crate::error::ERR_R_MALLOC_FAILURE);
                    return ptr::null_mut();
                }
            }
        } else {
            (buf, size as usize)
        };
        let text = c.description();
        let n = text.len().min(cap - 1);
        // SAFETY: `out` has room for `cap` bytes (caller's `size`, or our allocation),
        // and n + 1 <= cap; the source is a live Rust string that cannot overlap it.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), n);
            out.add(n).write(0);
        }
        out
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_cipher_nid(c: *const SSL_CIPHER) -> c_int {
    ffi_boundary!("SSL_CIPHER_get_cipher_nid", cipher::NID_UNDEF, {
        lookup(c).map_or(cipher::NID_UNDEF, |c| c.cipher_nid)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_digest_nid(c: *const SSL_CIPHER) -> c_int {
    ffi_boundary!("SSL_CIPHER_get_digest_nid", cipher::NID_UNDEF, {
        try_cipher!("SSL_CIPHER_get_digest_nid", c, cipher::NID_UNDEF).digest_nid
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_kx_nid(c: *const SSL_CIPHER) -> c_int {
    ffi_boundary!("SSL_CIPHER_get_kx_nid", cipher::NID_UNDEF, {
        try_cipher!("SSL_CIPHER_get_kx_nid", c, cipher::NID_UNDEF).kx_nid
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_auth_nid(c: *const SSL_CIPHER) -> c_int {
    ffi_boundary!("SSL_CIPHER_get_auth_nid", cipher::NID_UNDEF, {
        try_cipher!("SSL_CIPHER_get_auth_nid", c, cipher::NID_UNDEF).auth_nid
    })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_is_aead(c: *const SSL_CIPHER) -> c_int {
    ffi_boundary!("SSL_CIPHER_is_aead", 0, { c_int::from(try_cipher!("SSL_CIPHER_is_aead", c, 0).aead) })
}

#[no_mangle]
pub extern "C" fn SSL_CIPHER_get_handshake_digest(c: *const SSL_CIPHER) -> *const EVP_MD {
    ffi_boundary!("SSL_CIPHER_get_handshake_digest", ptr::null(), {
        let c = try_cipher!("SSL_CIPHER_get_handshake_digest", c, ptr::null());
        match c.handshake_digest {
            // SAFETY: EVP_sha256/EVP_sha384 take no arguments and return static objects.
            HandshakeDigest::Sha256 => unsafe { openssl_sys::EVP_sha256() },
            // SAFETY: as above.
            HandshakeDigest::Sha384 => unsafe { openssl_sys::EVP_sha384() },
        }
    })
}

/// Looks up a suite by the two bytes of its code point. `ssl` is only checked for
/// NULL (OpenSSL uses it to pick the method's table, which is the same for all TLS
/// methods). Suites oxissl does not implement, including the signalling values
/// (`TLS_EMPTY_RENEGOTIATION_INFO_SCSV`, `TLS_FALLBACK_SCSV`) that OpenSSL would
/// return, give NULL.
#[no_mangle]
pub extern "C" fn SSL_CIPHER_find(ssl: *mut SSL, bytes: *const c_uchar) -> *const SSL_CIPHER {
    ffi_boundary!("SSL_CIPHER_find", ptr::null(), {
        if ssl.is_null() || bytes.is_null() {
            crate::error::raise_null("SSL_CIPHER_find");
            return ptr::null();
        }
        // SAFETY: non-NULL; the caller passes at least two readable bytes.
        let code = unsafe { [bytes.read(), bytes.add(1).read()] };
        cipher::by_protocol_id(u16::from_be_bytes(code)).map_or(ptr::null(), cipher_handle)
    })
}

/// The suites of a cipher configuration in OpenSSL's order: TLS 1.3 first.
fn configured(s: &crate::ctx::Settings) -> Vec<&'static SslCipher> {
    s.tls13_ciphers.iter().chain(s.tls12_ciphers.iter()).copied().collect()
}

/// The context's cipher list (TLS 1.3 suites, then the cipher string's). The stack
/// belongs to the context and stays valid until its list changes.
#[no_mangle]
pub extern "C" fn SSL_CTX_get_ciphers(ctx: *const SSL_CTX) -> *mut stack_st_SSL_CIPHER {
    ffi_boundary!("SSL_CTX_get_ciphers", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get_ciphers", ctx, ptr::null_mut());
        let list = configured(&c.settings());
        c.cipher_stack.get(list)
    })
}

/// The connection's cipher list; owned by the SSL, like `SSL_CTX_get_ciphers`'.
#[no_mangle]
pub extern "C" fn SSL_get_ciphers(s: *const SSL) -> *mut stack_st_SSL_CIPHER {
    ffi_boundary!("SSL_get_ciphers", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_ciphers", s, ptr::null_mut());
        let list = configured(&ssl.cipher_settings());
        ssl.cipher_stack.get(list)
    })
}

/// The name of the `n`th suite of `SSL_get_ciphers`, or NULL past the end.
#[no_mangle]
pub extern "C" fn SSL_get_cipher_list(s: *const SSL, n: c_int) -> *const c_char {
    ffi_boundary!("SSL_get_cipher_list", ptr::null(), {
        // SAFETY: NULL or a live handle; OpenSSL answers NULL for NULL without an error.
        let Some(ssl) = (unsafe { <SSL as ownership::Handle>::borrow(s) }) else { return ptr::null() };
        let list = configured(&ssl.cipher_settings());
        usize::try_from(n).ok().and_then(|i| list.get(i)).map_or(ptr::null(), |c| c.name.as_ptr())
    })
}

/// A new stack (the caller frees it with `sk_SSL_CIPHER_free`) of the suites the
/// connection can use: enabled for one of its protocol versions and allowed at its
/// security level. NULL when there are none.
#[no_mangle]
pub extern "C" fn SSL_get1_supported_ciphers(s: *mut SSL) -> *mut stack_st_SSL_CIPHER {
    ffi_boundary!("SSL_get1_supported_ciphers", ptr::null_mut(), {
        // SAFETY: NULL or a live handle; OpenSSL answers NULL for NULL without an error.
        let Some(ssl) = (unsafe { <SSL as ownership::Handle>::borrow(s) }) else { return ptr::null_mut() };
        let settings = ssl.cipher_settings();
        let versions: Vec<u16> = settings.versions().iter().map(|v| u16::from(v.version)).collect();
        let list: Vec<&'static SslCipher> = configured(&settings)
            .into_iter()
            .filter(|c| versions.iter().any(|&v| c.min_tls <= v && v <= c.max_tls))
            .filter(|c| c.allowed_at_security_level(settings.security_level))
            .collect();
        drop(settings);
        if list.is_empty() {
            return ptr::null_mut();
        }
        crate::crypto::stack::CipherStack::new(&list).map_or(ptr::null_mut(), |sk| sk.into_raw())
    })
}

/// A server: the suites the client offered (those oxissl knows), in the client's
/// order; owned by the SSL. NULL on a client or before a ClientHello.
#[no_mangle]
pub extern "C" fn SSL_get_client_ciphers(s: *const SSL) -> *mut stack_st_SSL_CIPHER {
    ffi_boundary!("SSL_get_client_ciphers", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_client_ciphers", s, ptr::null_mut());
        let list = ssl.peer().client_ciphers.clone();
        if !ssl.is_server() || list.is_empty() {
            return ptr::null_mut();
        }
        ssl.client_cipher_stack.get(list)
    })
}

/// A server: the client's suites that are also in our list, `:`-separated, in the
/// client's order, as many whole names as fit in `size` bytes (with the NUL). NULL on
/// a client, before a ClientHello, or when `size` < 2.
#[no_mangle]
pub extern "C" fn SSL_get_shared_ciphers(s: *const SSL, buf: *mut c_char, size: c_int) -> *mut c_char {
    ffi_boundary!("SSL_get_shared_ciphers", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_shared_ciphers", s, ptr::null_mut());
        if buf.is_null() || size < 2 || !ssl.is_server() {
            return ptr::null_mut();
        }
        let ours = configured(&ssl.cipher_settings());
        let theirs = ssl.peer().client_ciphers.clone();
        if theirs.is_empty() || ours.is_empty() {
            return ptr::null_mut();
        }
        let cap = size as usize - 1;
        let mut text: Vec<u8> = Vec::new();
        for c in theirs.iter().filter(|c| ours.iter().any(|o| ptr::eq(*o, **c))) {
            let name = c.name.to_bytes();
            let extra = name.len() + usize::from(!text.is_empty());
            if text.len() + extra > cap {
                break;
            }
            if !text.is_empty() {
                text.push(b':');
            }
            text.extend_from_slice(name);
        }
        // SAFETY: the caller passes `size` writable bytes at `buf`; we write at most
        // `cap + 1` = `size`.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr(), buf as *mut u8, text.len());
            *buf.add(text.len()) = 0;
        }
        buf
    })
}

/// `OSSL_default_cipher_list`: the TLS 1.2 rules `DEFAULT` stands for.
#[no_mangle]
pub extern "C" fn OSSL_default_cipher_list() -> *const c_char {
    ffi_boundary!("OSSL_default_cipher_list", ptr::null(), { cipher::DEFAULT_CIPHER_LIST.as_ptr() })
}

/// `OSSL_default_ciphersuites`: the default TLS 1.3 suites.
#[no_mangle]
pub extern "C" fn OSSL_default_ciphersuites() -> *const c_char {
    ffi_boundary!("OSSL_default_ciphersuites", ptr::null(), { cipher::DEFAULT_CIPHERSUITES.as_ptr() })
}
