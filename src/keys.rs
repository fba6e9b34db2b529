//! Certificates and private keys: OpenSSL's objects, and the rustls `CertifiedKey`
//! built from them once.
use std::sync::Arc;

use once_cell::sync::OnceCell;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use rustls::SignatureScheme;

use crate::crypto::pkey::{EvpPkey, RsaPadding, SignDigest};
use crate::crypto::x509::X509Cert;

/// A certificate, its private key and its chain, as set by `SSL_CTX_use_certificate`,
/// `SSL_CTX_use_PrivateKey` and `SSL_CTX_add0_chain_cert`. Immutable: a change makes a
/// new one, so the rustls form can be cached beside it.
#[derive(Default)]
pub struct CertKey {
    pub cert: Option<X509Cert>,
    pub key: Option<EvpPkey>,
    pub chain: Vec<X509Cert>,
    certified: OnceCell<Option<Arc<CertifiedKey>>>,
    chain_stack: OnceCell<crate::crypto::x509::CertStack>,
    /// The key's named curve, read once (libcrypto takes a lock to read it).
    curve: OnceCell<Option<std::os::raw::c_int>>,
}

impl CertKey {
    pub fn with_cert(&self, cert: X509Cert) -> CertKey {
        // OpenSSL drops a private key that does not match a newly set certificate.
        let key = self.key.clone().filter(|k| {
            let ok = k.matches(&cert);
            crate::crypto::err::clear();
            ok
        });
        CertKey {
            cert: Some(cert),
            key,
            chain: self.chain.clone(),
            certified: OnceCell::new(),
            chain_stack: OnceCell::new(),
            curve: OnceCell::new(),
        }
    }

    pub fn with_key(&self, key: EvpPkey) -> CertKey {
        CertKey {
            cert: self.cert.clone(),
            key: Some(key),
            chain: self.chain.clone(),
            certified: OnceCell::new(),
            chain_stack: OnceCell::new(),
            curve: OnceCell::new(),
        }
    }

    pub fn with_chain(&self, chain: Vec<X509Cert>) -> CertKey {
        CertKey {
            cert: self.cert.clone(),
            key: self.key.clone(),
            chain,
            certified: OnceCell::new(),
            chain_stack: OnceCell::new(),
            curve: OnceCell::new(),
        }
    }

    /// The private key's named curve (None for a key that is not EC, or no key).
    pub fn key_curve_nid(&self) -> Option<std::os::raw::c_int> {
        *self.curve.get_or_init(|| self.key.as_ref().and_then(EvpPkey::ec_curve_nid))
    }

    pub fn is_complete(&self) -> bool {
        self.cert.is_some() && self.key.is_some()
    }

    /// The rustls form, built on first use; `extra` is the context's extra chain, used
    /// when the certificate has no chain of its own. Without either, OpenSSL completes
    /// the chain it sends from `chain_store` (the context's certificate store, unless
    /// `SSL_MODE_NO_AUTO_CHAIN`): PostgreSQL, MariaDB and Ruby servers rely on it to send
    /// the intermediate kept in their CA file.
    pub fn certified(
        &self,
        extra: &[X509Cert],
        chain_store: Option<&crate::crypto::x509::X509Store>,
    ) -> Option<Arc<CertifiedKey>> {
        self.certified
            .get_or_init(|| {
                let cert = self.cert.as_ref()?;
                let key = self.key.as_ref()?;
                let signer = signing_key(key)?;
                let built;
                let chain = match (self.chain.is_empty(), extra.is_empty(), chain_store) {
                    (false, _, _) => &self.chain[..],
                    (true, false, _) => extra,
                    (true, true, Some(store)) => {
                        built = crate::crypto::x509::build_chain(store, cert);
                        &built[..]
                    }
                    (true, true, None) => &[],
                };
                let ders =
                    std::iter::once(cert).chain(chain.iter()).map(|c| CertificateDer::from(c.to_der())).collect();
                Some(Arc::new(CertifiedKey::new(ders, Arc::new(RecordingKey(signer)))))
            })
            .clone()
    }
}

/// The rustls signing key for `key`. RSA keys sign through libcrypto, which takes every
/// size OpenSSL does (aws-lc only 2048 to 8192 bits, so a 1024-bit key allowed at
/// `@SECLEVEL=1` failed every handshake); it is as fast as aws-lc's RSA here. Other keys,
/// RSA-PSS-only ones included, go to aws-lc through their PKCS#8 form.
fn signing_key(key: &EvpPkey) -> Option<Arc<dyn rustls::sign::SigningKey>> {
    match key.id() {
        crate::crypto::pkey::EVP_PKEY_RSA => Some(Arc::new(LibcryptoRsaKey(key.clone()))),
        _ => {
            let pkcs8 = key.to_pkcs8_der()?;
            rustls::crypto::aws_lc_rs::default_provider()
                .key_provider
                .load_private_key(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8)))
                .ok()
        }
    }
}

/// An RSA private key held by libcrypto.
struct LibcryptoRsaKey(EvpPkey);

impl std::fmt::Debug for LibcryptoRsaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LibcryptoRsaKey")
    }
}

/// TLS's RSA schemes and how libcrypto signs each.
fn rsa_scheme(scheme: SignatureScheme) -> Option<(RsaPadding, SignDigest)> {
    Some(match scheme {
        SignatureScheme::RSA_PSS_SHA256 => (RsaPadding::Pss, SignDigest::Sha256),
        SignatureScheme::RSA_PSS_SHA384 => (RsaPadding::Pss, SignDigest::Sha384),
        SignatureScheme::RSA_PSS_SHA512 => (RsaPadding::Pss, SignDigest::Sha512),
        SignatureScheme::RSA_PKCS1_SHA256 => (RsaPadding::Pkcs1, SignDigest::Sha256),
        SignatureScheme::RSA_PKCS1_SHA384 => (RsaPadding::Pkcs1, SignDigest::Sha384),
        SignatureScheme::RSA_PKCS1_SHA512 => (RsaPadding::Pkcs1, SignDigest::Sha512),
        _ => return None,
    })
}

impl rustls::sign::SigningKey for LibcryptoRsaKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        offered.iter().find_map(|&scheme| {
            let (padding, digest) = rsa_scheme(scheme)?;
            Some(Box::new(LibcryptoRsaSigner { key: self.0.clone(), scheme, padding, digest })
                as Box<dyn rustls::sign::Signer>)
        })
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        rustls::SignatureAlgorithm::RSA
    }
}

struct LibcryptoRsaSigner {
    key: EvpPkey,
    scheme: SignatureScheme,
    padding: RsaPadding,
    digest: SignDigest,
}

impl std::fmt::Debug for LibcryptoRsaSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibcryptoRsaSigner").field("scheme", &self.scheme).finish_non_exhaustive()
    }
}

impl rustls::sign::Signer for LibcryptoRsaSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        // libcrypto's reasons stay on the error queue, beneath the handshake's own.
        self.key
            .sign_rsa(self.padding, self.digest, message)
            .ok_or_else(|| rustls::Error::General("libcrypto RSA signature failed".into()))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

/// The kind of key a certificate slot holds: OpenSSL keeps one certificate per kind,
/// so an RSA and an ECDSA certificate can be configured side by side.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyKind {
    Rsa,
    Ec,
    Ed25519,
    Other(i32),
}

impl KeyKind {
    /// Where OpenSSL keeps this kind among a certificate set's slots (its SSL_PKEY_*
    /// index), which is the order it walks them in.
    fn openssl_rank(self) -> u32 {
        match self {
            KeyKind::Rsa => 0,
            KeyKind::Ec => 3,
            KeyKind::Ed25519 => 7,
            KeyKind::Other(crate::crypto::pkey::EVP_PKEY_ED448) => 8,
            KeyKind::Other(_) => 9,
        }
    }

    pub fn of_id(id: i32) -> KeyKind {
        match id {
            crate::crypto::pkey::EVP_PKEY_RSA | crate::crypto::pkey::EVP_PKEY_RSA_PSS => KeyKind::Rsa,
            crate::crypto::pkey::EVP_PKEY_EC => KeyKind::Ec,
            crate::crypto::pkey::EVP_PKEY_ED25519 => KeyKind::Ed25519,
            other => KeyKind::Other(other),
        }
    }
}

/// The certificate slots of an `SSL_CTX` or `SSL`; the "current" one is what
/// `SSL_CTX_use_*`, `check_private_key` and the chain calls act on.
#[derive(Clone, Default)]
pub struct Certs {
    slots: Vec<(KeyKind, Arc<CertKey>)>,
    current: usize,
}

static EMPTY: once_cell::sync::Lazy<Arc<CertKey>> = once_cell::sync::Lazy::new(|| Arc::new(CertKey::default()));

impl std::ops::Deref for Certs {
    type Target = CertKey;
    fn deref(&self) -> &CertKey {
        self.slots.get(self.current).map_or(&EMPTY, |(_, c)| c)
    }
}

impl Certs {
    /// Puts `ck` in the slot for `kind` and makes it current.
    pub fn set(&mut self, kind: KeyKind, ck: CertKey) {
        let ck = Arc::new(ck);
        match self.slots.iter().position(|(k, _)| *k == kind) {
            Some(i) => {
                self.slots[i].1 = ck;
                self.current = i;
            }
            None => {
                self.slots.push((kind, ck));
                self.current = self.slots.len() - 1;
            }
        }
    }

    /// Replaces the current slot's contents.
    pub fn replace_current(&mut self, ck: CertKey) {
        match self.slots.get_mut(self.current) {
            Some(slot) => slot.1 = Arc::new(ck),
            None => self.set(KeyKind::Other(0), ck),
        }
    }

    /// `SSL_CTX_select_current_cert`: makes the slot holding `cert` (the same X509
    /// object) current.
    pub fn select(&mut self, cert: *mut openssl_sys::X509) -> bool {
        match self.slots.iter().position(|(_, c)| c.cert.as_ref().is_some_and(|x| x.as_ptr() == cert)) {
            Some(i) => {
                self.current = i;
                true
            }
            None => false,
        }
    }

    /// `SSL_CTX_set_current_cert` with `SSL_CERT_SET_FIRST` (`next` false) or
    /// `SSL_CERT_SET_NEXT`: the first, or the following, slot that has a certificate, in
    /// OpenSSL's order of key types (RSA, ECDSA, Ed25519, Ed448), not the order set.
    pub fn select_in_turn(&mut self, next: bool) -> bool {
        let mut order: Vec<usize> = (0..self.slots.len()).filter(|&i| self.slots[i].1.cert.is_some()).collect();
        order.sort_by_key(|&i| (self.slots[i].0.openssl_rank(), i));
        let at = if next { order.iter().position(|&i| i == self.current).map_or(order.len(), |p| p + 1) } else { 0 };
        match order.get(at) {
            Some(&i) => {
                self.current = i;
                true
            }
            None => false,
        }
    }

    /// Makes `chosen` (one of the slots) current, as OpenSSL does with the certificate a
    /// server picks for the peer: `SSL_get_certificate` then returns it.
    pub fn select_chosen(&mut self, chosen: &Arc<CertKey>) {
        if let Some(i) = self.slots.iter().position(|(_, c)| Arc::ptr_eq(c, chosen)) {
            self.current = i;
        }
    }

    pub fn slot(&self, kind: KeyKind) -> Option<&Arc<CertKey>> {
        self.slots.iter().find(|(k, _)| *k == kind).map(|(_, c)| c)
    }

    /// Complete certificates, the current one first.
    pub fn complete(&self) -> impl Iterator<Item = &Arc<CertKey>> {
        let cur = self.slots.get(self.current).map(|(_, c)| c);
        cur.into_iter()
            .chain(self.slots.iter().enumerate().filter(|(i, _)| *i != self.current).map(|(_, (_, c))| c))
            .filter(|c| c.is_complete())
    }
}

/// What a server's status callback decided.
pub enum Staple {
    /// No callback, no request from the client, or the callback declined (NOACK, or OK
    /// without a response).
    Nothing,
    Response(Vec<u8>),
    /// The callback failed: the handshake ends.
    Fatal,
}

/// Chooses the server certificate of the connection being served.
#[derive(Debug)]
pub struct ServerCertResolver;

impl rustls::server::ResolvesServerCert for ServerCertResolver {
    /// The certificate for the peer's schemes, with the OCSP response the context's
    /// status callback staples if the client asked for one.
    fn resolve(&self, hello: rustls::server::ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let schemes = hello.signature_schemes().to_vec();
        crate::conn::current(|ssl| {
            let certified = ssl.certified_key_for(&schemes)?;
            match crate::callbacks::ssl::run_status_callback(ssl) {
                Staple::Nothing => Some(certified),
                Staple::Response(ocsp) => Some(Arc::new(CertifiedKey { ocsp: Some(ocsp), ..(*certified).clone() })),
                Staple::Fatal => None,
            }
        })
        .flatten()
    }
}

/// A certificate whose key no cipher suite can use (an algorithm that does not exist):
/// offered when a TLS 1.2 server has no certificate OpenSSL would use, so that rustls
/// finds no suite and fails the handshake as OpenSSL does.
pub fn refusing(certified: &Arc<CertifiedKey>) -> Arc<CertifiedKey> {
    Arc::new(CertifiedKey { key: Arc::new(RefusingKey), ..(**certified).clone() })
}

#[derive(Debug)]
struct RefusingKey;

impl rustls::sign::SigningKey for RefusingKey {
    fn choose_scheme(&self, _offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        None
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        rustls::SignatureAlgorithm::Unknown(0xff)
    }
}

/// Our signing key, noting which scheme the handshake chose (`SSL_get_signature_type_nid`).
#[derive(Debug)]
struct RecordingKey(Arc<dyn rustls::sign::SigningKey>);

impl rustls::sign::SigningKey for RecordingKey {
    /// Takes the peer's most preferred scheme that the key supports, as OpenSSL does
    /// (rustls' own keys would take their strongest).
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        let allowed = crate::conn::current(|ssl| ssl.settings().sigalgs.clone()).flatten();
        let signer = offered
            .iter()
            .filter(|s| allowed.as_ref().is_none_or(|a| a.contains(s)))
            .find_map(|s| self.0.choose_scheme(std::slice::from_ref(s)))?;
        Some(Box::new(RecordingSigner(signer)))
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        self.0.algorithm()
    }

    fn public_key(&self) -> Option<rustls::pki_types::SubjectPublicKeyInfoDer<'_>> {
        self.0.public_key()
    }
}

/// A signer that notes its scheme when it signs: rustls may choose a scheme for a
/// handshake that then resumes without any signature (OpenSSL reports none then).
#[derive(Debug)]
struct RecordingSigner(Box<dyn rustls::sign::Signer>);

impl rustls::sign::Signer for RecordingSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let scheme = self.0.scheme();
        crate::conn::current(|ssl| ssl.peer().own_sig = Some(scheme));
        self.0.sign(message)
    }

    fn scheme(&self) -> SignatureScheme {
        self.0.scheme()
    }
}

/// Offers the client certificate of the connection being made, if it has one.
#[derive(Debug)]
pub struct ClientCertResolver;

impl ClientCertResolver {
    /// The one resolver of the process, for the reason given at `ServerVerifier::shared`.
    pub fn shared() -> Arc<ClientCertResolver> {
        static SHARED: once_cell::sync::Lazy<Arc<ClientCertResolver>> =
            once_cell::sync::Lazy::new(|| Arc::new(ClientCertResolver));
        SHARED.clone()
    }
}

impl rustls::client::ResolvesClientCert for ClientCertResolver {
    fn resolve(&self, hints: &[&[u8]], schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        crate::conn::current(|ssl| {
            let mut peer = ssl.peer();
            peer.received_ca_names = Some(Arc::new(crate::crypto::x509::NameList::from_ders(hints)));
            peer.peer_sigalgs = schemes.to_vec();
            peer.cert_requested = true;
            peer.client_cert_sent = false;
            drop(peer);
            // The certificate callback may pick the certificate now. It cannot suspend
            // this handshake (rustls asks for the answer at once): anything but success
            // means no certificate is sent (README).
            if !matches!(
                crate::callbacks::hello::run_cert_callback(ssl),
                crate::callbacks::hello::HelloVerdict::Proceed
            ) {
                return None;
            }
            crate::callbacks::ssl::run_client_cert_callback(ssl);
            let chosen = ssl.certified_key_for(schemes);
            ssl.peer().client_cert_sent = chosen.is_some();
            chosen
        })
        .flatten()
    }

    /// A certificate, or a callback that may supply one (rustls then keeps what a TLS 1.2
    /// client signature needs).
    fn has_certs(&self) -> bool {
        crate::conn::current(|ssl| {
            ssl.settings().cert.complete().next().is_some()
                || ssl.callbacks().client_cert.is_some()
                || ssl.cert_callback().is_set()
        })
        .unwrap_or(false)
    }
}

use crate::crypto::pkey::{self, FileType, LoadError};
use crate::crypto::x509::X509Store;
use crate::ctx::Settings;
use crate::error;
use std::ffi::CStr;
use std::os::raw::c_long;

fn raise_load(e: LoadError, ft: FileType) {
    error::raise(match (e, ft) {
        (LoadError::Open, _) => error::ERR_R_SYS_LIB,
        (LoadError::Parse, FileType::Pem) => error::ERR_R_PEM_LIB,
        (LoadError::Parse, FileType::Asn1) => error::ERR_R_ASN1_LIB,
    });
}

/// `SSL(_CTX)_use_certificate`: into the slot for the certificate's key type.
pub fn use_certificate(s: &mut Settings, cert: X509Cert) -> bool {
    let kind = KeyKind::of_id(cert.public_key_id());
    let ck = match s.cert.slot(kind) {
        Some(slot) => slot.with_cert(cert),
        None => CertKey::default().with_cert(cert),
    };
    s.cert.set(kind, ck);
    true
}

/// `SSL(_CTX)_use_PrivateKey`: refuses a key that does not match the certificate of
/// its slot (libcrypto queues "key values mismatch").
pub fn use_private_key(s: &mut Settings, key: EvpPkey) -> bool {
    let kind = KeyKind::of_id(key.id());
    let ck = match s.cert.slot(kind) {
        Some(slot) => {
            if let Some(cert) = &slot.cert {
                if !key.matches(cert) {
                    return false;
                }
            }
            slot.with_key(key)
        }
        None => CertKey::default().with_key(key),
    };
    s.cert.set(kind, ck);
    true
}

pub fn use_certificate_file(s: &mut Settings, path: &CStr, ft: CInt) -> bool {
    let Some(ft) = FileType::from_c(ft) else {
        error::raise(error::SSL_R_BAD_SSL_FILETYPE);
        return false;
    };
    match pkey::load_cert_file(path, ft, s.passwd) {
        Ok(c) => use_certificate(s, c),
        Err(e) => {
            raise_load(e, ft);
            false
        }
    }
}

pub fn use_private_key_file(s: &mut Settings, path: &CStr, ft: CInt) -> bool {
    let Some(ft) = FileType::from_c(ft) else {
        error::raise(error::SSL_R_BAD_SSL_FILETYPE);
        return false;
    };
    match pkey::load_key_file(path, ft, s.passwd) {
        Ok(k) => use_private_key(s, k),
        Err(e) => {
            raise_load(e, ft);
            false
        }
    }
}

/// `SSL(_CTX)_use_certificate_chain_file`: the leaf, and the rest as its chain.
pub fn use_certificate_chain_file(s: &mut Settings, path: &CStr) -> bool {
    match pkey::load_chain_file(path, s.passwd) {
        Ok((leaf, chain)) => {
            use_certificate(s, leaf);
            let ck = s.cert.with_chain(chain);
            s.cert.replace_current(ck);
            true
        }
        Err(e) => {
            raise_load(e, FileType::Pem);
            false
        }
    }
}

/// `SSL(_CTX)_use_RSAPrivateKey_file`: as `use_private_key_file`, for an RSA key only.
pub fn use_rsa_private_key_file(s: &mut Settings, path: &CStr, ft: CInt) -> bool {
    let Some(ft) = FileType::from_c(ft) else {
        error::raise(error::SSL_R_BAD_SSL_FILETYPE);
        return false;
    };
    match pkey::load_key_file(path, ft, s.passwd) {
        Ok(k) if k.id() == pkey::EVP_PKEY_RSA => use_private_key(s, k),
        Ok(_) => {
            raise_load(LoadError::Parse, ft);
            false
        }
        Err(e) => {
            raise_load(e, ft);
            false
        }
    }
}

/// `SSL(_CTX)_use_cert_and_key`: certificate, key and chain in one slot; without
/// `replace`, a slot that already has a certificate or key is left alone.
pub fn use_cert_and_key(
    s: &mut Settings,
    cert: X509Cert,
    key: Option<EvpPkey>,
    chain: Vec<X509Cert>,
    replace: bool,
) -> bool {
    let key_kind = key.as_ref().map(|k| KeyKind::of_id(k.id()));
    let kind = KeyKind::of_id(cert.public_key_id());
    if key_kind.is_some_and(|k| k != kind) {
        error::raise(error::SSL_R_UNKNOWN_CERTIFICATE_TYPE);
        return false;
    }
    if !replace && s.cert.slot(kind).is_some_and(|c| c.cert.is_some() || c.key.is_some()) {
        error::raise(error::SSL_R_NOT_REPLACING_CERTIFICATE);
        return false;
    }
    let mut ck = CertKey::default().with_cert(cert).with_chain(chain);
    if let Some(k) = key {
        ck = ck.with_key(k);
    }
    s.cert.set(kind, ck);
    true
}

/// `SSL(_CTX)_check_private_key`.
pub fn check_private_key(s: &Settings) -> bool {
    let Some(cert) = &s.cert.cert else {
        error::raise(error::SSL_R_NO_CERTIFICATE_ASSIGNED);
        return false;
    };
    let Some(key) = &s.cert.key else {
        error::raise(error::SSL_R_NO_PRIVATE_KEY_ASSIGNED);
        return false;
    };
    key.matches(cert)
}

type CInt = std::os::raw::c_int;

impl CertKey {
    /// The chain as a STACK_OF(X509) that lives as long as this certificate slot.
    pub fn chain_stack(&self) -> *mut openssl_sys::stack_st_X509 {
        self.chain_stack.get_or_init(|| crate::crypto::x509::CertStack::new(&self.chain)).as_ptr()
    }
}

/// (signature type NID, digest NID) of a TLS signature scheme, as OpenSSL reports them.
pub fn scheme_nids(scheme: SignatureScheme) -> (i32, i32) {
    const RSA: i32 = 6;
    const RSA_PSS: i32 = 912;
    const EC: i32 = 408;
    const ED25519: i32 = 1087;
    const ED448: i32 = 1088;
    const SHA1: i32 = 64;
    const SHA256: i32 = 672;
    const SHA384: i32 = 673;
    const SHA512: i32 = 674;
    match scheme {
        SignatureScheme::RSA_PKCS1_SHA1 => (RSA, SHA1),
        SignatureScheme::RSA_PKCS1_SHA256 => (RSA, SHA256),
        SignatureScheme::RSA_PKCS1_SHA384 => (RSA, SHA384),
        SignatureScheme::RSA_PKCS1_SHA512 => (RSA, SHA512),
        SignatureScheme::RSA_PSS_SHA256 => (RSA_PSS, SHA256),
        SignatureScheme::RSA_PSS_SHA384 => (RSA_PSS, SHA384),
        SignatureScheme::RSA_PSS_SHA512 => (RSA_PSS, SHA512),
        SignatureScheme::ECDSA_SHA1_Legacy => (EC, SHA1),
        SignatureScheme::ECDSA_NISTP256_SHA256 => (EC, SHA256),
        SignatureScheme::ECDSA_NISTP384_SHA384 => (EC, SHA384),
        SignatureScheme::ECDSA_NISTP521_SHA512 => (EC, SHA512),
        SignatureScheme::ED25519 => (ED25519, 0),
        SignatureScheme::ED448 => (ED448, 0),
        _ => (0, 0),
    }
}

/// OpenSSL 3.0's signature algorithms (ssl/t1_lib.c's lookup table, GOST left out: no
/// list can name it): TLS name (None: reachable only as `ALG+HASH`), codepoint,
/// signature type and digest.
const SIGALGS: &[(Option<&str>, u16, SigType, Hash)] = {
    use Hash::*;
    use SigType::*;
    &[
        (Some("ecdsa_secp256r1_sha256"), 0x0403, Ecdsa, Sha256),
        (Some("ecdsa_secp384r1_sha384"), 0x0503, Ecdsa, Sha384),
        (Some("ecdsa_secp521r1_sha512"), 0x0603, Ecdsa, Sha512),
        (Some("ed25519"), 0x0807, Ed, Intrinsic),
        (Some("ed448"), 0x0808, Ed, Intrinsic),
        (None, 0x0303, Ecdsa, Sha224),
        (None, 0x0203, Ecdsa, Sha1),
        (Some("rsa_pss_rsae_sha256"), 0x0804, RsaPss, Sha256),
        (Some("rsa_pss_rsae_sha384"), 0x0805, RsaPss, Sha384),
        (Some("rsa_pss_rsae_sha512"), 0x0806, RsaPss, Sha512),
        (Some("rsa_pss_pss_sha256"), 0x0809, RsaPss, Sha256),
        (Some("rsa_pss_pss_sha384"), 0x080a, RsaPss, Sha384),
        (Some("rsa_pss_pss_sha512"), 0x080b, RsaPss, Sha512),
        (Some("rsa_pkcs1_sha256"), 0x0401, Rsa, Sha256),
        (Some("rsa_pkcs1_sha384"), 0x0501, Rsa, Sha384),
        (Some("rsa_pkcs1_sha512"), 0x0601, Rsa, Sha512),
        (Some("rsa_pkcs1_sha224"), 0x0301, Rsa, Sha224),
        (Some("rsa_pkcs1_sha1"), 0x0201, Rsa, Sha1),
        (None, 0x0402, Dsa, Sha256),
        (None, 0x0502, Dsa, Sha384),
        (None, 0x0602, Dsa, Sha512),
        (None, 0x0302, Dsa, Sha224),
        (None, 0x0202, Dsa, Sha1),
    ]
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum SigType {
    Rsa,
    RsaPss,
    Dsa,
    Ecdsa,
    Ed,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// No separate digest: EdDSA hashes as part of the signature.
    Intrinsic,
}

/// `SSL(_CTX)_set1_sigalgs_list`, parsed as OpenSSL 3.0 parses it: colon-separated TLS
/// names (case-sensitive) or `ALG+HASH` pairs (in either order; ALG one of RSA, RSA-PSS,
/// PSS, DSA, ECDSA; HASH a digest's short or long name), where a pair takes the first
/// table entry that matches (rsa_pss_rsae before rsa_pss_pss). An unknown entry, an
/// empty one or a repeated scheme fails the list (None). Every scheme OpenSSL accepts is
/// kept, those rustls lacks included: they match nothing, so a list of only such
/// schemes leaves no usable one rather than the default set.
pub fn parse_sigalgs_list(list: &str) -> Option<Vec<SignatureScheme>> {
    const ELEMENT_MAX: usize = 39;
    let sig_type = |s: &str| match s {
        "RSA" => Some(SigType::Rsa),
        "RSA-PSS" | "PSS" => Some(SigType::RsaPss),
        "DSA" => Some(SigType::Dsa),
        "ECDSA" => Some(SigType::Ecdsa),
        _ => None,
    };
    // The names libcrypto's OBJ_sn2nid/OBJ_ln2nid give the five table digests.
    let hash = |s: &str| match s {
        "SHA1" | "sha1" => Some(Hash::Sha1),
        "SHA224" | "sha224" => Some(Hash::Sha224),
        "SHA256" | "sha256" => Some(Hash::Sha256),
        "SHA384" | "sha384" => Some(Hash::Sha384),
        "SHA512" | "sha512" => Some(Hash::Sha512),
        _ => None,
    };
    let mut out: Vec<SignatureScheme> = Vec::new();
    for item in crate::groups::conf_parse_list(list, ':')? {
        if item.len() > ELEMENT_MAX {
            return None;
        }
        let code = match item.split_once('+') {
            None => SIGALGS.iter().find(|e| e.0 == Some(item))?.1,
            Some((a, b)) => {
                if b.is_empty() {
                    return None;
                }
                // Each half is a signature type or else a digest name; the later half wins.
                let (mut sig, mut md) = (None, None);
                for half in [a, b] {
                    match sig_type(half) {
                        Some(t) => sig = Some(t),
                        None => md = hash(half),
                    }
                }
                let (sig, md) = (sig?, md?);
                SIGALGS.iter().find(|e| e.2 == sig && e.3 == md)?.1
            }
        };
        let scheme = SignatureScheme::from(code);
        if out.contains(&scheme) {
            return None;
        }
        out.push(scheme);
    }
    Some(out)
}

/// `SSL_BUILD_CHAIN_FLAG_*`.
pub const BUILD_CHAIN_UNTRUSTED: c_long = 0x1;
pub const BUILD_CHAIN_NO_ROOT: c_long = 0x2;
pub const BUILD_CHAIN_CHECK: c_long = 0x4;
pub const BUILD_CHAIN_IGNORE_ERROR: c_long = 0x8;
pub const BUILD_CHAIN_CLEAR_ERROR: c_long = 0x10;

/// `SSL(_CTX)_build_cert_chain`: the current certificate's chain rebuilt by libcrypto —
/// from the chain store (or `context_store`), with `CHECK` only from the certificates
/// already in the chain (rearranged), with `UNTRUSTED` those as intermediates; the root
/// left out with `NO_ROOT`. 1 built; 2 a chain that does not verify, kept anyway
/// (`IGNORE_ERROR`); 0 with OpenSSL's error.
pub fn build_cert_chain(s: &mut Settings, context_store: &X509Store, flags: c_long) -> c_long {
    use crate::crypto::x509::{verify_for_chain, ChainBuild};
    let Some(cert) = s.cert.cert.clone() else {
        crate::error::raise(crate::error::SSL_R_NO_CERTIFICATE_SET);
        return 0;
    };
    let current_chain = s.cert.chain.clone();
    let built = if flags & BUILD_CHAIN_CHECK != 0 {
        let Some(own) = X509Store::new() else {
            crate::error::raise(crate::error::ERR_R_MALLOC_FAILURE);
            return 0;
        };
        // The certificate itself too: it may be self-signed.
        for c in current_chain.iter().chain(std::iter::once(&cert)) {
            own.add_cert(c);
        }
        verify_for_chain(&own, &cert, &[])
    } else {
        let store = s.chain_store.clone();
        let store: &X509Store = store.as_deref().unwrap_or(context_store);
        let untrusted: &[X509Cert] = if flags & BUILD_CHAIN_UNTRUSTED != 0 { &current_chain } else { &[] };
        verify_for_chain(store, &cert, untrusted)
    };
    let (mut chain, rv) = match built {
        ChainBuild::Verified(chain) => (chain, 1),
        ChainBuild::Failed(chain, _) if flags & BUILD_CHAIN_IGNORE_ERROR != 0 => {
            if flags & BUILD_CHAIN_CLEAR_ERROR != 0 {
                crate::crypto::err::clear();
            }
            (chain, 2)
        }
        ChainBuild::Failed(_, why) => {
            crate::error::raise_with_data(
                crate::error::SSL_R_CERTIFICATE_VERIFY_FAILED,
                &format!("Verify error:{why}"),
            );
            return 0;
        }
    };
    // The end-entity certificate goes; with NO_ROOT, a self-signed last one too.
    if !chain.is_empty() {
        chain.remove(0);
    }
    if flags & BUILD_CHAIN_NO_ROOT != 0 && chain.last().is_some_and(|c| c.is_self_signed()) {
        chain.pop();
    }
    // OpenSSL's result is 2 only when nothing is left to check: its security check of
    // each chain certificate overwrites it.
    let rv = if chain.is_empty() { rv } else { 1 };
    let updated = s.cert.with_chain(chain);
    s.cert.replace_current(updated);
    rv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigalgs_lists_accept_openssl_and_tls13_names_and_reject_unknown_ones() {
        assert_eq!(
            parse_sigalgs_list("ECDSA+SHA256:rsa_pss_rsae_sha256:ed25519"),
            Some(vec![
                SignatureScheme::ECDSA_NISTP256_SHA256,
                SignatureScheme::RSA_PSS_SHA256,
                SignatureScheme::ED25519
            ])
        );
        assert_eq!(parse_sigalgs_list("RSA+MD5"), None);
        assert_eq!(parse_sigalgs_list(""), None);
        assert_eq!(parse_sigalgs_list("Ed25519"), None);
        assert_eq!(parse_sigalgs_list("SHA256+ECDSA"), Some(vec![SignatureScheme::ECDSA_NISTP256_SHA256]));
        assert_eq!(parse_sigalgs_list("PSS+sha384"), Some(vec![SignatureScheme::RSA_PSS_SHA384]));
        assert_eq!(parse_sigalgs_list("ECDSA+SHA256:ecdsa_secp256r1_sha256"), None);
        assert_eq!(parse_sigalgs_list("ECDSA+SHA256:"), None);
        // Known to OpenSSL, not to rustls: kept as codepoints that match nothing.
        assert_eq!(
            parse_sigalgs_list("ed448 : ECDSA+SHA224"),
            Some(vec![SignatureScheme::ED448, SignatureScheme::from(0x0303)])
        );
    }

    /// Every RSA scheme signed by libcrypto verifies with aws-lc's verifier (the peer's
    /// view), and a 1024-bit key (which aws-lc's signer refuses) signs too.
    #[test]
    fn libcrypto_rsa_signatures_verify_for_every_scheme() {
        use aws_lc_rs::signature as sig;
        let schemes: [(SignatureScheme, &dyn sig::VerificationAlgorithm); 6] = [
            (SignatureScheme::RSA_PSS_SHA256, &sig::RSA_PSS_2048_8192_SHA256),
            (SignatureScheme::RSA_PSS_SHA384, &sig::RSA_PSS_2048_8192_SHA384),
            (SignatureScheme::RSA_PSS_SHA512, &sig::RSA_PSS_2048_8192_SHA512),
            (SignatureScheme::RSA_PKCS1_SHA256, &sig::RSA_PKCS1_2048_8192_SHA256),
            (SignatureScheme::RSA_PKCS1_SHA384, &sig::RSA_PKCS1_2048_8192_SHA384),
            (SignatureScheme::RSA_PKCS1_SHA512, &sig::RSA_PKCS1_2048_8192_SHA512),
        ];
        let msg = b"TLS 1.3, server CertificateVerify\0 transcript hash";
        let key = EvpPkey::from_der(include_bytes!("testdata/rsa2048.der")).expect("test key parses");
        let public = key.rsa_public_pkcs1_der();
        let signing = signing_key(&key).expect("RSA keys load");
        assert_eq!(signing.algorithm(), rustls::SignatureAlgorithm::RSA);
        assert!(signing
            .choose_scheme(&[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::RSA_PKCS1_SHA1])
            .is_none());
        for (scheme, alg) in schemes {
            let signer =
                signing.choose_scheme(&[SignatureScheme::ECDSA_NISTP256_SHA256, scheme]).expect("scheme chosen");
            assert_eq!(signer.scheme(), scheme);
            let signature = signer.sign(msg).expect("libcrypto signs");
            assert_eq!(signature.len(), 256);
            sig::UnparsedPublicKey::new(alg, &public).verify(msg, &signature).expect("aws-lc verifies");
            assert!(sig::UnparsedPublicKey::new(alg, &public).verify(b"another message", &signature).is_err());
        }
        let small = EvpPkey::from_der(include_bytes!("testdata/rsa1024.der")).expect("test key parses");
        let signer = signing_key(&small)
            .expect("1024-bit keys load")
            .choose_scheme(&[SignatureScheme::RSA_PKCS1_SHA256])
            .expect("chosen");
        let signature = signer.sign(msg).expect("libcrypto signs");
        assert_eq!(signature.len(), 128);
        let public = small.rsa_public_pkcs1_der();
        sig::UnparsedPublicKey::new(&sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY, &public)
            .verify(msg, &signature)
            .expect("verifies");
    }
}
