//! Certificates and private keys: OpenSSL's objects, and the rustls `CertifiedKey`
//! built from them once.
use std::sync::Arc;

use once_cell::sync::OnceCell;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use rustls::SignatureScheme;

use crate::crypto::pkey::EvpPkey;
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
}

impl CertKey {
    pub fn with_cert(&self, cert: X509Cert) -> CertKey {
        // OpenSSL drops a private key that does not match a newly set certificate.
        let key = self.key.clone().filter(|k| {
            let ok = k.matches(&cert);
            crate::crypto::err::clear();
            ok
        });
        CertKey { cert: Some(cert), key, chain: self.chain.clone(), certified: OnceCell::new(), chain_stack: OnceCell::new() }
    }

    pub fn with_key(&self, key: EvpPkey) -> CertKey {
        CertKey { cert: self.cert.clone(), key: Some(key), chain: self.chain.clone(), certified: OnceCell::new(), chain_stack: OnceCell::new() }
    }

    pub fn with_chain(&self, chain: Vec<X509Cert>) -> CertKey {
        CertKey { cert: self.cert.clone(), key: self.key.clone(), chain, certified: OnceCell::new(), chain_stack: OnceCell::new() }
    }

    pub fn is_complete(&self) -> bool {
        self.cert.is_some() && self.key.is_some()
    }

    /// The rustls form, built on first use; `extra` is the context's extra chain, used
    /// when the certificate has no chain of its own.
    pub fn certified(&self, extra: &[X509Cert]) -> Option<Arc<CertifiedKey>> {
        self.certified
            .get_or_init(|| {
                let cert = self.cert.as_ref()?;
                let key = self.key.as_ref()?;
                let pkcs8 = key.to_pkcs8_der()?;
                let provider = rustls::crypto::aws_lc_rs::default_provider();
                let signer = provider
                    .key_provider
                    .load_private_key(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8)))
                    .ok()?;
                let chain = if self.chain.is_empty() { extra } else { &self.chain[..] };
                let ders = std::iter::once(cert)
                    .chain(chain.iter())
                    .map(|c| CertificateDer::from(c.to_der()))
                    .collect();
                Some(Arc::new(CertifiedKey::new(ders, signer)))
            })
            .clone()
    }
}

/// Chooses the server certificate of the connection being served.
#[derive(Debug)]
pub struct ServerCertResolver;

impl rustls::server::ResolvesServerCert for ServerCertResolver {
    fn resolve(&self, hello: rustls::server::ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let schemes = hello.signature_schemes().to_vec();
        crate::conn::current(|ssl| ssl.certified_key())
            .flatten()
            .filter(|ck| ck.key.choose_scheme(&schemes).is_some())
    }
}

/// Offers the client certificate of the connection being made, if it has one.
#[derive(Debug)]
pub struct ClientCertResolver;

impl rustls::client::ResolvesClientCert for ClientCertResolver {
    fn resolve(&self, _hints: &[&[u8]], schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        crate::conn::current(|ssl| ssl.certified_key())
            .flatten()
            .filter(|ck| ck.key.choose_scheme(schemes).is_some())
    }

    fn has_certs(&self) -> bool {
        crate::conn::current(|ssl| ssl.certified_key().is_some()).unwrap_or(false)
    }
}

use crate::crypto::pkey::{self, FileType, LoadError};
use crate::ctx::Settings;
use crate::error;
use std::ffi::CStr;

fn raise_load(e: LoadError, ft: FileType) {
    error::raise(match (e, ft) {
        (LoadError::Open, _) => error::ERR_R_SYS_LIB,
        (LoadError::Parse, FileType::Pem) => error::ERR_R_PEM_LIB,
        (LoadError::Parse, FileType::Asn1) => error::ERR_R_ASN1_LIB,
    });
}

/// `SSL(_CTX)_use_certificate`.
pub fn use_certificate(s: &mut Settings, cert: X509Cert) -> bool {
    s.cert = Arc::new(s.cert.with_cert(cert));
    true
}

/// `SSL(_CTX)_use_PrivateKey`: refuses a key that does not match the certificate.
pub fn use_private_key(s: &mut Settings, key: EvpPkey) -> bool {
    if let Some(cert) = &s.cert.cert {
        if !key.matches(cert) {
            return false; // libcrypto queued "key values mismatch"
        }
    }
    s.cert = Arc::new(s.cert.with_key(key));
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
            s.cert = Arc::new(s.cert.with_chain(chain));
            true
        }
        Err(e) => {
            raise_load(e, FileType::Pem);
            false
        }
    }
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
