//! Finite-field Diffie-Hellman in the RFC 7919 groups (ffdhe2048 … ffdhe8192), done by
//! libcrypto: key generation in a named group, the public value as TLS sends it (padded
//! to the prime's length) and the shared secret with the peer's value checked.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use openssl_sys::{EVP_PKEY, EVP_PKEY_CTX};

use super::pkey::EvpPkey;

extern "C" {
    fn EVP_PKEY_CTX_set_group_name(ctx: *mut EVP_PKEY_CTX, name: *const c_char) -> c_int;
    fn EVP_PKEY_CTX_set_dh_pad(ctx: *mut EVP_PKEY_CTX, pad: c_int) -> c_int;
    fn EVP_PKEY_get1_encoded_public_key(pkey: *mut EVP_PKEY, ppub: *mut *mut u8) -> usize;
    fn EVP_PKEY_set1_encoded_public_key(pkey: *mut EVP_PKEY, pub_: *const u8, publen: usize) -> c_int;
    fn CRYPTO_free(p: *mut c_void, file: *const c_char, line: c_int);
    fn ERR_set_mark() -> c_int;
    fn ERR_pop_to_mark() -> c_int;
}

/// Runs `f` leaving nothing it queued on libcrypto's error queue: a refused peer value
/// becomes rustls' error, reported with OpenSSL's reason by the connection.
fn quietly<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    // SAFETY: the mark and the pop pair up on this thread's queue.
    unsafe { ERR_set_mark() };
    let r = f();
    // SAFETY: as above.
    unsafe { ERR_pop_to_mark() };
    r
}

/// A pkey context, freed on drop.
struct PkeyCtx(*mut EVP_PKEY_CTX);

impl Drop for PkeyCtx {
    fn drop(&mut self) {
        // SAFETY: the context this value owns (NULL is accepted).
        unsafe { openssl_sys::EVP_PKEY_CTX_free(self.0) }
    }
}

/// One side's ephemeral key in a named group and its public value.
pub struct DhKey {
    key: EvpPkey,
    public: Vec<u8>,
}

impl DhKey {
    /// A fresh key in `group` ("ffdhe2048", …); None if libcrypto refuses.
    pub fn generate(group: &CStr) -> Option<DhKey> {
        quietly(|| Self::generate_inner(group))
    }

    fn generate_inner(group: &CStr) -> Option<DhKey> {
        // SAFETY: each object made here is owned by a guard or handed to `EvpPkey`; the
        // encoded public value is copied out and freed with libcrypto's allocator.
        unsafe {
            let ctx = PkeyCtx(openssl_sys::EVP_PKEY_CTX_new_from_name(ptr::null_mut(), c"DH".as_ptr(), ptr::null()));
            if ctx.0.is_null()
                || openssl_sys::EVP_PKEY_keygen_init(ctx.0) != 1
                || EVP_PKEY_CTX_set_group_name(ctx.0, group.as_ptr()) != 1
            {
                return None;
            }
            let mut raw: *mut EVP_PKEY = ptr::null_mut();
            if openssl_sys::EVP_PKEY_generate(ctx.0, &mut raw) != 1 {
                return None;
            }
            let key = EvpPkey::from_owned(raw)?;
            let mut enc: *mut u8 = ptr::null_mut();
            let len = EVP_PKEY_get1_encoded_public_key(key.as_ptr(), &mut enc);
            if enc.is_null() {
                return None;
            }
            let public = std::slice::from_raw_parts(enc, len).to_vec();
            CRYPTO_free(enc.cast(), c"oxissl".as_ptr(), 0);
            Some(DhKey { key, public })
        }
    }

    /// The key itself.
    pub fn into_key(self) -> EvpPkey {
        self.key
    }

    /// The public value (big-endian, as long as the prime).
    pub fn public(&self) -> &[u8] {
        &self.public
    }

    /// The shared secret with the peer's public value, padded to the prime's length; None
    /// for a value libcrypto rejects (out of range, or not in the prime-order subgroup).
    pub fn agree(&self, peer: &[u8]) -> Option<Vec<u8>> {
        quietly(|| self.agree_inner(peer))
    }

    fn agree_inner(&self, peer: &[u8]) -> Option<Vec<u8>> {
        if peer.len() != self.public.len() {
            return None;
        }
        // SAFETY: the peer key and the contexts are owned by guards; the output buffer is
        // sized by libcrypto's first call before the second writes it.
        unsafe {
            let peer_key = EvpPkey::from_owned(openssl_sys::EVP_PKEY_new())?;
            if openssl_sys::EVP_PKEY_copy_parameters(peer_key.as_ptr(), self.key.as_ptr()) != 1
                || EVP_PKEY_set1_encoded_public_key(peer_key.as_ptr(), peer.as_ptr(), peer.len()) != 1
            {
                return None;
            }
            let ctx = PkeyCtx(openssl_sys::EVP_PKEY_CTX_new(self.key.as_ptr(), ptr::null_mut()));
            if ctx.0.is_null()
                || openssl_sys::EVP_PKEY_derive_init(ctx.0) != 1
                || EVP_PKEY_CTX_set_dh_pad(ctx.0, 1) != 1
                || openssl_sys::EVP_PKEY_derive_set_peer_ex(ctx.0, peer_key.as_ptr(), 1) != 1
            {
                return None;
            }
            let mut len = 0usize;
            if openssl_sys::EVP_PKEY_derive(ctx.0, ptr::null_mut(), &mut len) != 1 {
                return None;
            }
            let mut out = vec![0u8; len];
            if openssl_sys::EVP_PKEY_derive(ctx.0, out.as_mut_ptr(), &mut len) != 1 {
                return None;
            }
            out.truncate(len);
            Some(out)
        }
    }
}

impl EvpPkey {
    /// The size in bits of a key (or DH parameters): the prime's for DH.
    pub fn bits(&self) -> c_int {
        // SAFETY: a live key.
        unsafe { openssl_sys::EVP_PKEY_get_bits(self.as_ptr()) }
    }

    /// The key's security strength in bits (`EVP_PKEY_get_security_bits`).
    pub fn security_bits(&self) -> c_int {
        // SAFETY: a live key.
        unsafe { openssl_sys::EVP_PKEY_get_security_bits(self.as_ptr()) }
    }
}

/// The size in bits of a `DH`'s prime (`SSL_CTX_set_tmp_dh`); None for NULL or no prime.
///
/// # Safety
/// `dh` is NULL or a live `DH`.
pub unsafe fn dh_prime_bits(dh: *const openssl_sys::DH) -> Option<u32> {
    if dh.is_null() {
        return None;
    }
    let mut p: *const openssl_sys::BIGNUM = ptr::null();
    // SAFETY: a live DH borrowed for the call; the prime belongs to it.
    let bits = unsafe {
        openssl_sys::DH_get0_pqg(dh, &mut p, ptr::null_mut(), ptr::null_mut());
        if p.is_null() {
            return None;
        }
        openssl_sys::BN_num_bits(p)
    };
    u32::try_from(bits).ok().filter(|b| *b > 0)
}
