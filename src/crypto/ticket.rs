//! The contexts an application's session-ticket key callback sets up
//! (`SSL_CTX_set_tlsext_ticket_key_cb` / `_evp_cb`), and the sealing and opening done
//! with them, in OpenSSL's ticket layout: key name (16) | IV | ciphertext | MAC over
//! everything before it.
use openssl_sys::{EVP_CIPHER_CTX, EVP_MAC_CTX, HMAC_CTX};
use std::os::raw::{c_int, c_uint};

/// Length of a ticket's key name.
pub const KEY_NAME_LEN: usize = 16;
/// `EVP_MAX_IV_LENGTH`: the IV buffer the callback fills or reads.
pub const MAX_IV_LEN: usize = 16;
/// Longest MAC accepted (SHA-512).
const MAX_MAC_LEN: usize = 64;

/// A cipher context for the callback to initialise (`EVP_EncryptInit_ex` or
/// `EVP_DecryptInit_ex` with its key and the IV).
pub struct CipherCtx(*mut EVP_CIPHER_CTX);

impl CipherCtx {
    pub fn new() -> Option<CipherCtx> {
        // SAFETY: a fresh context, owned by the value and freed in Drop.
        let p = unsafe { openssl_sys::EVP_CIPHER_CTX_new() };
        (!p.is_null()).then_some(CipherCtx(p))
    }

    pub fn as_ptr(&self) -> *mut EVP_CIPHER_CTX {
        self.0
    }

    fn iv_len(&self) -> usize {
        // SAFETY: a live context; 0 (or less) when the callback did not set a cipher.
        usize::try_from(unsafe { openssl_sys::EVP_CIPHER_CTX_get_iv_length(self.0) }).unwrap_or(0)
    }

    /// Runs `input` through the cipher in the direction the callback chose. `None` (with
    /// libcrypto's reason queued) if the callback set no cipher or libcrypto refuses (a
    /// bad padding on decryption).
    fn run(&self, input: &[u8]) -> Option<Vec<u8>> {
        let len = c_int::try_from(input.len()).ok()?;
        let mut out = vec![0u8; input.len() + 64];
        let (mut n, mut m) = (0 as c_int, 0 as c_int);
        // SAFETY: `out` has room for the input plus two cipher blocks (at most 32 bytes
        // each); `n` and `m` report what was written.
        let ok = unsafe {
            openssl_sys::EVP_CipherUpdate(self.0, out.as_mut_ptr(), &mut n, input.as_ptr(), len) == 1
                && openssl_sys::EVP_CipherFinal(self.0, out.as_mut_ptr().add(n as usize), &mut m) == 1
        };
        ok.then(|| {
            out.truncate(n as usize + m as usize);
            out
        })
    }
}

impl Drop for CipherCtx {
    fn drop(&mut self) {
        // SAFETY: frees the context this value owns.
        unsafe { openssl_sys::EVP_CIPHER_CTX_free(self.0) }
    }
}

/// The MAC context handed to the callback: `HMAC_CTX` for the deprecated callback,
/// `EVP_MAC_CTX` (HMAC) for the EVP one.
pub enum MacCtx {
    Hmac(*mut HMAC_CTX),
    Evp(*mut EVP_MAC_CTX),
}

impl MacCtx {
    pub fn hmac() -> Option<MacCtx> {
        // SAFETY: a fresh context, owned by the value and freed in Drop.
        let p = unsafe { openssl_sys::HMAC_CTX_new() };
        (!p.is_null()).then_some(MacCtx::Hmac(p))
    }

    pub fn evp_hmac() -> Option<MacCtx> {
        // SAFETY: the fetched MAC is released once the context holds its own reference.
        unsafe {
            let mac = openssl_sys::EVP_MAC_fetch(std::ptr::null_mut(), c"HMAC".as_ptr(), std::ptr::null());
            if mac.is_null() {
                return None;
            }
            let ctx = openssl_sys::EVP_MAC_CTX_new(mac);
            openssl_sys::EVP_MAC_free(mac);
            (!ctx.is_null()).then_some(MacCtx::Evp(ctx))
        }
    }

    /// The MAC of `data` under the key the callback set; `None` if it set none.
    fn mac(&self, data: &[u8]) -> Option<Vec<u8>> {
        let mut out = [0u8; MAX_MAC_LEN];
        // SAFETY: live contexts; `out` holds any MAC up to SHA-512's and the size is
        // checked against it before the final call writes.
        unsafe {
            match *self {
                MacCtx::Hmac(h) => {
                    let size = super::sys::HMAC_size(h);
                    if size == 0 || size > MAX_MAC_LEN || openssl_sys::HMAC_Update(h, data.as_ptr(), data.len()) != 1 {
                        return None;
                    }
                    let mut len: c_uint = 0;
                    (openssl_sys::HMAC_Final(h, out.as_mut_ptr(), &mut len) == 1).then(|| out[..len as usize].to_vec())
                }
                MacCtx::Evp(m) => {
                    let size = openssl_sys::EVP_MAC_CTX_get_mac_size(m);
                    if size == 0 || size > MAX_MAC_LEN || openssl_sys::EVP_MAC_update(m, data.as_ptr(), data.len()) != 1
                    {
                        return None;
                    }
                    let mut len = 0usize;
                    (openssl_sys::EVP_MAC_final(m, out.as_mut_ptr(), &mut len, out.len()) == 1)
                        .then(|| out[..len].to_vec())
                }
            }
        }
    }

    fn size(&self) -> usize {
        // SAFETY: live contexts; 0 when no digest has been set.
        unsafe {
            match *self {
                MacCtx::Hmac(h) => super::sys::HMAC_size(h),
                MacCtx::Evp(m) => openssl_sys::EVP_MAC_CTX_get_mac_size(m),
            }
        }
    }
}

impl Drop for MacCtx {
    fn drop(&mut self) {
        // SAFETY: frees the context this value owns.
        unsafe {
            match *self {
                MacCtx::Hmac(h) => openssl_sys::HMAC_CTX_free(h),
                MacCtx::Evp(m) => openssl_sys::EVP_MAC_CTX_free(m),
            }
        }
    }
}

/// Seals `plain` with the contexts the callback set up for `name` and `iv`.
pub fn seal(
    name: &[u8; KEY_NAME_LEN],
    iv: &[u8; MAX_IV_LEN],
    cipher: &CipherCtx,
    mac: &MacCtx,
    plain: &[u8],
) -> Option<Vec<u8>> {
    let iv_len = cipher.iv_len();
    if iv_len > MAX_IV_LEN {
        return None;
    }
    let body = cipher.run(plain)?;
    let mut ticket = Vec::with_capacity(KEY_NAME_LEN + iv_len + body.len() + MAX_MAC_LEN);
    ticket.extend_from_slice(name);
    ticket.extend_from_slice(&iv[..iv_len]);
    ticket.extend_from_slice(&body);
    let tag = mac.mac(&ticket)?;
    ticket.extend_from_slice(&tag);
    Some(ticket)
}

/// Opens `ticket` with the contexts the callback set up from its key name and IV:
/// checks the MAC (in constant time), then decrypts. `None` for anything that does
/// not open (a ticket too short, a MAC that does not match, a bad padding).
pub fn open(ticket: &[u8], cipher: &CipherCtx, mac: &MacCtx) -> Option<Vec<u8>> {
    let (iv_len, mac_len) = (cipher.iv_len(), mac.size());
    if iv_len > MAX_IV_LEN || mac_len == 0 || ticket.len() <= KEY_NAME_LEN + iv_len + mac_len {
        return None;
    }
    let (signed, tag) = ticket.split_at(ticket.len() - mac_len);
    let expected = mac.mac(signed)?;
    if expected.len() != mac_len {
        return None;
    }
    // SAFETY: both slices are `mac_len` bytes long.
    if unsafe { openssl_sys::CRYPTO_memcmp(expected.as_ptr().cast(), tag.as_ptr().cast(), mac_len) } != 0 {
        return None;
    }
    cipher.run(&signed[KEY_NAME_LEN + iv_len..])
}
