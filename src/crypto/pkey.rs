//! Private keys and PEM/DER file loading.
use super::sys;
use super::x509::X509Cert;
use openssl_sys::{pem_password_cb, BIO, EVP_PKEY};
use std::ffi::CStr;
use std::os::raw::{c_int, c_void};

/// One counted reference to an EVP_PKEY.
pub struct EvpPkey(*mut EVP_PKEY);

// SAFETY: EVP_PKEY has atomic reference counts and is not mutated after loading.
unsafe impl Send for EvpPkey {}
// SAFETY: as for Send, above.
unsafe impl Sync for EvpPkey {}

pub const EVP_PKEY_RSA: c_int = 6;
pub const EVP_PKEY_RSA_PSS: c_int = 912;
pub const EVP_PKEY_EC: c_int = 408;
pub const EVP_PKEY_ED25519: c_int = 1087;
pub const EVP_PKEY_ED448: c_int = 1088;

impl EvpPkey {
    /// Takes ownership of one reference the caller holds (NULL: None).
    ///
    /// # Safety
    /// `p` is NULL or a live `EVP_PKEY` whose reference passes to the result.
    pub unsafe fn from_owned(p: *mut EVP_PKEY) -> Option<Self> {
        (!p.is_null()).then_some(EvpPkey(p))
    }

    /// Takes a new reference to `p` (NULL: None).
    ///
    /// # Safety
    /// `p` is NULL or a live `EVP_PKEY`.
    pub unsafe fn from_borrowed(p: *mut EVP_PKEY) -> Option<Self> {
        if p.is_null() {
            return None;
        }
        // SAFETY: a live key (the caller's obligation); the new reference is ours.
        unsafe { openssl_sys::EVP_PKEY_up_ref(p) };
        Some(EvpPkey(p))
    }

    pub fn as_ptr(&self) -> *mut EVP_PKEY {
        self.0
    }

    pub fn id(&self) -> c_int {
        // SAFETY: live key.
        unsafe { sys::EVP_PKEY_get_id(self.0) }
    }

    /// The PKCS#8 encoding of the private key, for rustls' signer.
    pub fn to_pkcs8_der(&self) -> Option<Vec<u8>> {
        // SAFETY: EVP_PKEY2PKCS8 returns a new structure we free; i2d is sized then written.
        unsafe {
            let p8 = openssl_sys::EVP_PKEY2PKCS8(self.0);
            if p8.is_null() {
                return None;
            }
            let len = sys::i2d_PKCS8_PRIV_KEY_INFO(p8, std::ptr::null_mut());
            let out = if len > 0 {
                let mut out = vec![0u8; len as usize];
                let mut p = out.as_mut_ptr();
                sys::i2d_PKCS8_PRIV_KEY_INFO(p8, &mut p);
                Some(out)
            } else {
                None
            };
            openssl_sys::PKCS8_PRIV_KEY_INFO_free(p8);
            out
        }
    }

    /// Whether `cert`'s public key matches this private key (pushes libcrypto's errors if not).
    pub fn matches(&self, cert: &X509Cert) -> bool {
        // SAFETY: both objects are live.
        unsafe { sys::X509_check_private_key(cert.as_ptr(), self.0) == 1 }
    }

    pub fn from_der(der: &[u8]) -> Option<Self> {
        let mut p = der.as_ptr();
        // SAFETY: d2i reads at most `len` bytes from within `der`.
        unsafe { Self::from_owned(openssl_sys::d2i_AutoPrivateKey(std::ptr::null_mut(), &mut p, der.len() as _)) }
    }
}

impl Clone for EvpPkey {
    fn clone(&self) -> Self {
        // SAFETY: adding a reference to a live key.
        unsafe { openssl_sys::EVP_PKEY_up_ref(self.0) };
        EvpPkey(self.0)
    }
}

impl Drop for EvpPkey {
    fn drop(&mut self) {
        // SAFETY: releases the reference this value owns.
        unsafe { openssl_sys::EVP_PKEY_free(self.0) }
    }
}

/// SSL_FILETYPE_PEM / SSL_FILETYPE_ASN1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileType {
    Pem,
    Asn1,
}

impl FileType {
    pub fn from_c(t: c_int) -> Option<Self> {
        match t {
            1 => Some(FileType::Pem),
            2 => Some(FileType::Asn1),
            _ => None,
        }
    }
}

/// The password callback applied when a PEM key is encrypted.
#[derive(Clone, Copy)]
pub struct PasswordCb {
    pub cb: pem_password_cb,
    pub userdata: *mut c_void,
}

// SAFETY: the callback and its opaque argument are the application's; OpenSSL shares
// them the same way across its own objects.
unsafe impl Send for PasswordCb {}
// SAFETY: as for Send, above.
unsafe impl Sync for PasswordCb {}

impl Default for PasswordCb {
    fn default() -> Self {
        PasswordCb { cb: None, userdata: std::ptr::null_mut() }
    }
}

/// A read-only file BIO; None (with libcrypto's system error queued) if it cannot be opened.
struct FileBio(*mut BIO);

impl FileBio {
    fn open(path: &CStr) -> Option<Self> {
        // SAFETY: NUL-terminated path and mode.
        let b = unsafe { super::sys::BIO_new_file(path.as_ptr(), c"r".as_ptr()) };
        (!b.is_null()).then_some(FileBio(b))
    }
}

impl Drop for FileBio {
    fn drop(&mut self) {
        // SAFETY: we own the file BIO.
        unsafe { super::sys::BIO_free(self.0) };
    }
}

/// Failure to load a file: whether the file itself could not be opened, or its contents.
#[derive(Debug, PartialEq, Eq)]
pub enum LoadError {
    Open,
    Parse,
}

pub fn load_cert_file(path: &CStr, ft: FileType, pw: PasswordCb) -> Result<X509Cert, LoadError> {
    let bio = FileBio::open(path).ok_or(LoadError::Open)?;
    // SAFETY: the BIO is live; the password callback is the application's.
    let p = unsafe {
        match ft {
            FileType::Pem => openssl_sys::PEM_read_bio_X509(bio.0, std::ptr::null_mut(), pw.cb, pw.userdata),
            FileType::Asn1 => openssl_sys::d2i_X509_bio(bio.0, std::ptr::null_mut()),
        }
    };
    // SAFETY: a new reference or NULL.
    unsafe { X509Cert::from_owned(p) }.ok_or(LoadError::Parse)
}

/// A PEM chain file: the leaf, then any number of CA certificates.
pub fn load_chain_file(path: &CStr, pw: PasswordCb) -> Result<(X509Cert, Vec<X509Cert>), LoadError> {
    let bio = FileBio::open(path).ok_or(LoadError::Open)?;
    // SAFETY: the BIO is live; each successful read returns a new reference.
    let leaf =
        unsafe { X509Cert::from_owned(sys::PEM_read_bio_X509_AUX(bio.0, std::ptr::null_mut(), pw.cb, pw.userdata)) }
            .ok_or(LoadError::Parse)?;
    let next = || {
        // SAFETY: as above.
        unsafe { X509Cert::from_owned(openssl_sys::PEM_read_bio_X509(bio.0, std::ptr::null_mut(), pw.cb, pw.userdata)) }
    };
    let mut chain = Vec::new();
    while let Some(c) = next() {
        chain.push(c);
    }
    // Reaching the end of the file leaves a "no start line" error; that is success.
    let last = super::err::peek_last();
    if last != 0 && lib_reason(last) == (9, 108) {
        super::err::clear();
    } else if last != 0 {
        return Err(LoadError::Parse);
    }
    Ok((leaf, chain))
}

pub fn load_key_file(path: &CStr, ft: FileType, pw: PasswordCb) -> Result<EvpPkey, LoadError> {
    let bio = FileBio::open(path).ok_or(LoadError::Open)?;
    // SAFETY: the BIO is live; the password callback is the application's.
    let p = unsafe {
        match ft {
            FileType::Pem => openssl_sys::PEM_read_bio_PrivateKey(bio.0, std::ptr::null_mut(), pw.cb, pw.userdata),
            FileType::Asn1 => super::sys::d2i_PrivateKey_bio(bio.0, std::ptr::null_mut()),
        }
    };
    // SAFETY: a new reference or NULL.
    unsafe { EvpPkey::from_owned(p) }.ok_or(LoadError::Parse)
}

fn lib_reason(e: std::os::raw::c_ulong) -> (c_int, c_int) {
    (((e >> 23) & 0xff) as c_int, (e & 0x7fffff) as c_int)
}

/// `SSL_load_client_CA_file`: the subject names of every certificate in a PEM file,
/// without duplicates, as a new STACK_OF(X509_NAME) (NULL on failure).
/// The certificates of a PEM file, in order (None: the file cannot be opened). Reading
/// stops at the first thing that is not a certificate; that error is cleared.
pub fn read_pem_certs(path: &CStr) -> Option<Vec<X509Cert>> {
    let bio = FileBio::open(path)?;
    let mut certs = Vec::new();
    // SAFETY: the BIO is live; each read returns a new reference or NULL.
    while let Some(cert) = unsafe {
        X509Cert::from_owned(openssl_sys::PEM_read_bio_X509(bio.0, std::ptr::null_mut(), None, std::ptr::null_mut()))
    } {
        certs.push(cert);
    }
    super::err::clear();
    Some(certs)
}

pub fn load_ca_names_file(path: &CStr) -> Option<*mut c_void> {
    let bio = FileBio::open(path)?;
    let mut names = super::x509::NameList::empty();
    let mut count = 0;
    loop {
        // SAFETY: the BIO is live; each read returns a new reference or NULL.
        let Some(cert) = (unsafe {
            X509Cert::from_owned(openssl_sys::PEM_read_bio_X509(
                bio.0,
                std::ptr::null_mut(),
                None,
                std::ptr::null_mut(),
            ))
        }) else {
            break;
        };
        if !names.contains_subject_of(&cert) {
            names = names.with_subject_of(&cert);
        }
        count += 1;
    }
    if count == 0 {
        return None;
    }
    // Reading stops at end of file with a "no start line" error; that is success.
    super::err::clear();
    Some(names.into_raw())
}

impl EvpPkey {
    /// Gives the reference to the caller.
    pub fn into_raw(self) -> *mut EVP_PKEY {
        let p = self.0;
        std::mem::forget(self);
        p
    }

    /// A fresh key of the TLS group `id` (X25519, P-256, P-384, P-521, ffdhe*): stands in
    /// for the peer's ephemeral key, whose type and size are what callers inspect.
    pub fn for_group(id: u16) -> Option<EvpPkey> {
        let ffdhe: Option<&CStr> = match id {
            0x0100 => Some(c"ffdhe2048"),
            0x0101 => Some(c"ffdhe3072"),
            0x0102 => Some(c"ffdhe4096"),
            0x0103 => Some(c"ffdhe6144"),
            0x0104 => Some(c"ffdhe8192"),
            _ => None,
        };
        if let Some(name) = ffdhe {
            return super::dh::DhKey::generate(name).map(super::dh::DhKey::into_key);
        }
        let (alg, curve): (&CStr, Option<&CStr>) = match id {
            0x001d => (c"X25519", None),
            0x0017 => (c"EC", Some(c"P-256")),
            0x0018 => (c"EC", Some(c"P-384")),
            0x0019 => (c"EC", Some(c"P-521")),
            _ => return None,
        };
        // SAFETY: EVP_PKEY_Q_keygen takes the algorithm name and, for EC, a curve name.
        unsafe {
            let p = match curve {
                Some(c) => {
                    super::sys::EVP_PKEY_Q_keygen(std::ptr::null_mut(), std::ptr::null(), alg.as_ptr(), c.as_ptr())
                }
                None => super::sys::EVP_PKEY_Q_keygen(std::ptr::null_mut(), std::ptr::null(), alg.as_ptr()),
            };
            Self::from_owned(p)
        }
    }
}

impl EvpPkey {
    /// The named curve of an EC key (None for other keys, or an EC key without one).
    pub fn ec_curve_nid(&self) -> Option<c_int> {
        if self.id() != openssl_sys::EVP_PKEY_EC {
            return None;
        }
        // SAFETY: `get1` hands us our own reference to the key's EC_KEY, freed below.
        unsafe {
            let ec = openssl_sys::EVP_PKEY_get1_EC_KEY(self.as_ptr());
            let nid = ec_key_curve_nid(ec);
            if !ec.is_null() {
                openssl_sys::EC_KEY_free(ec);
            }
            nid
        }
    }
}

/// The curve NID of an `EC_KEY` (`SSL_CTX_set_tmp_ecdh`), or None for NULL / no named curve.
///
/// # Safety
/// `key` is NULL or a live `EC_KEY`.
pub unsafe fn ec_key_curve_nid(key: *const openssl_sys::EC_KEY) -> Option<c_int> {
    if key.is_null() {
        return None;
    }
    // SAFETY: a live EC_KEY borrowed for the call; its group belongs to it.
    let nid = unsafe {
        let group = openssl_sys::EC_KEY_get0_group(key);
        if group.is_null() {
            return None;
        }
        openssl_sys::EC_GROUP_get_curve_name(group)
    };
    (nid != 0).then_some(nid)
}

/// How a signature is padded and hashed, as TLS names RSA schemes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RsaPadding {
    Pkcs1,
    Pss,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SignDigest {
    Sha256,
    Sha384,
    Sha512,
}

impl EvpPkey {
    /// Signs `msg` with this RSA key through libcrypto (`EVP_DigestSign`); PSS uses a salt
    /// as long as the digest and MGF1 with the same digest, as TLS requires. `None` (with
    /// libcrypto's errors on the queue) if libcrypto refuses.
    pub fn sign_rsa(&self, padding: RsaPadding, digest: SignDigest, msg: &[u8]) -> Option<Vec<u8>> {
        const RSA_PKCS1_PADDING: c_int = 1;
        const RSA_PKCS1_PSS_PADDING: c_int = 6;
        const RSA_PSS_SALTLEN_DIGEST: c_int = -1;
        // SAFETY: the digest context is ours and freed on every path; `pctx` belongs to it;
        // `out` is sized by libcrypto's first call and `len` bounds the second.
        unsafe {
            let md = match digest {
                SignDigest::Sha256 => openssl_sys::EVP_sha256(),
                SignDigest::Sha384 => openssl_sys::EVP_sha384(),
                SignDigest::Sha512 => openssl_sys::EVP_sha512(),
            };
            let ctx = openssl_sys::EVP_MD_CTX_new();
            if ctx.is_null() {
                return None;
            }
            let mut pctx = std::ptr::null_mut();
            let mut ok = openssl_sys::EVP_DigestSignInit(ctx, &mut pctx, md, std::ptr::null_mut(), self.0) == 1;
            if ok {
                ok = match padding {
                    RsaPadding::Pkcs1 => openssl_sys::EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0,
                    RsaPadding::Pss => {
                        openssl_sys::EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0
                            && openssl_sys::EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0
                    }
                };
            }
            let mut out = Vec::new();
            let mut len = 0usize;
            if ok {
                ok = openssl_sys::EVP_DigestSign(ctx, std::ptr::null_mut(), &mut len, msg.as_ptr(), msg.len()) == 1;
            }
            if ok {
                out.resize(len, 0);
                ok = openssl_sys::EVP_DigestSign(ctx, out.as_mut_ptr(), &mut len, msg.as_ptr(), msg.len()) == 1;
                out.truncate(len);
            }
            openssl_sys::EVP_MD_CTX_free(ctx);
            ok.then_some(out)
        }
    }
}

#[cfg(test)]
impl EvpPkey {
    /// The public key as PKCS#1 `RSAPublicKey` DER (what aws-lc's RSA verifier reads).
    pub fn rsa_public_pkcs1_der(&self) -> Vec<u8> {
        // SAFETY: get1 returns an RSA reference we free; i2d is sized first, then writes
        // exactly that many bytes.
        unsafe {
            let rsa = openssl_sys::EVP_PKEY_get1_RSA(self.0);
            assert!(!rsa.is_null());
            let len = openssl_sys::i2d_RSAPublicKey(rsa, std::ptr::null_mut());
            assert!(len > 0);
            let mut out = vec![0u8; len as usize];
            let mut p = out.as_mut_ptr();
            openssl_sys::i2d_RSAPublicKey(rsa, &mut p);
            openssl_sys::RSA_free(rsa);
            out
        }
    }
}

impl EvpPkey {
    /// A key holding its own reference to `rsa` (`SSL_CTX_use_RSAPrivateKey`).
    ///
    /// # Safety
    /// `rsa` is NULL or a live RSA object.
    pub unsafe fn from_rsa(rsa: *mut openssl_sys::RSA) -> Option<Self> {
        if rsa.is_null() {
            return None;
        }
        // SAFETY: a fresh key we own, given its own reference to the caller's live `rsa`;
        // freed again if that fails.
        unsafe {
            let p = openssl_sys::EVP_PKEY_new();
            if p.is_null() {
                return None;
            }
            if openssl_sys::EVP_PKEY_set1_RSA(p, rsa) != 1 {
                openssl_sys::EVP_PKEY_free(p);
                return None;
            }
            Some(EvpPkey(p))
        }
    }

    /// A private key of type `type_` (an `EVP_PKEY_*` id) from the caller's DER, with
    /// `d2i_PrivateKey` as libssl's `*_use_PrivateKey_ASN1` call it: a key of another
    /// type, or a negative length, fails in libcrypto with its own error.
    ///
    /// # Safety
    /// `d` is non-NULL and points to `len` readable bytes.
    pub unsafe fn from_der_typed(type_: c_int, d: *const u8, len: std::os::raw::c_long) -> Option<Self> {
        let mut p = d;
        // SAFETY: d2i reads at most `len` bytes from `d` (the caller's obligation) and
        // returns a new key or NULL.
        unsafe { Self::from_owned(sys::d2i_PrivateKey(type_, std::ptr::null_mut(), &mut p, len)) }
    }

    /// An RSA private key from PKCS#1 `RSAPrivateKey` DER.
    pub fn from_rsa_der(der: &[u8]) -> Option<Self> {
        // SAFETY: `der.len()` readable bytes at its start.
        unsafe { Self::from_rsa_der_raw(der.as_ptr(), der.len() as _) }
    }

    /// As [`Self::from_rsa_der`], over the caller's pointer and length
    /// (`d2i_RSAPrivateKey` fails a negative length).
    ///
    /// # Safety
    /// `d` is non-NULL and points to `len` readable bytes.
    pub unsafe fn from_rsa_der_raw(d: *const u8, len: std::os::raw::c_long) -> Option<Self> {
        let mut p = d;
        // SAFETY: (the caller's obligation) d2i reads at most `len` bytes from `d`; the RSA object is
        // released once the key holds its own reference.
        unsafe {
            let rsa = openssl_sys::d2i_RSAPrivateKey(std::ptr::null_mut(), &mut p, len);
            let key = Self::from_rsa(rsa);
            if !rsa.is_null() {
                openssl_sys::RSA_free(rsa);
            }
            key
        }
    }
}
