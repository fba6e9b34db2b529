//! Peer verification with libcrypto's `X509_verify_cert`, so results, verify callbacks,
//! `X509_V_ERR_*` codes and error strings are OpenSSL's own.
//!
//! The rustls verifier objects belong to the `SSL_CTX` (rustls resumes only with the
//! same `Arc`s); the per-connection settings — host names, verify mode, callback — are
//! read from the connection being driven, through [`crate::conn::current`].
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, Error, SignatureScheme};

use crate::conn::Ssl;
use crate::crypto::x509::X509Cert;

pub const X509_V_OK: i32 = 0;
const X509_V_ERR_UNSPECIFIED: i32 = 1;

/// What verification of the peer's chain concluded, as `SSL_get_verify_result` reports.
pub struct Outcome {
    /// Whether the handshake may go on (always, under `SSL_VERIFY_NONE`).
    pub accept: bool,
    pub error: i32,
}

/// Runs libcrypto's verification of `end_entity` + `intermediates` for `ssl`, records
/// the result and the chains on the connection, and says whether to continue.
fn verify_peer(
    ssl: &Arc<Ssl>,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Result<(), Error> {
    let ctx = ssl.ctx();
    let Some(leaf) = ctx.peer_cert(end_entity) else {
        crate::crypto::err::clear();
        return Err(Error::InvalidCertificate(rustls::CertificateError::BadEncoding));
    };
    let chain: Vec<X509Cert> = intermediates.iter().filter_map(|c| ctx.peer_cert(c)).collect();
    let outcome = ssl.verify_chain(leaf, chain);
    if outcome.accept {
        Ok(())
    } else {
        Err(crate::error::verify_failure(outcome.error))
    }
}

/// The schemes we accept, narrowed (and ordered) by the connection's `set1_sigalgs_list`.
fn restrict(schemes: &[SignatureScheme]) -> Vec<SignatureScheme> {
    // A configured list also sets the order the peer sees, as with OpenSSL.
    match crate::conn::current(|ssl| ssl.settings().sigalgs.clone()).flatten() {
        Some(allowed) => allowed.iter().filter(|s| schemes.contains(s)).copied().collect(),
        None => schemes.to_vec(),
    }
}

/// Remembers the peer's signature scheme for `SSL_get_peer_signature_*nid`.
fn record_peer_scheme(dss: &DigitallySignedStruct) {
    crate::conn::current(|ssl| ssl.peer().peer_sig = Some(dss.scheme));
}

fn no_connection() -> Error {
    Error::General("oxissl: verification outside a connection".into())
}

fn algorithms() -> WebPkiSupportedAlgorithms {
    rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms
}

/// The schemes we accept, in the order OpenSSL 3.0 advertises them (ECDSA, EdDSA,
/// RSA-PSS, PKCS#1), so a peer picking by our preference picks what it would with OpenSSL.
fn openssl_ordered(algs: &WebPkiSupportedAlgorithms) -> Vec<SignatureScheme> {
    use SignatureScheme as S;
    const ORDER: [SignatureScheme; 14] = [
        S::ECDSA_NISTP256_SHA256,
        S::ECDSA_NISTP384_SHA384,
        S::ECDSA_NISTP521_SHA512,
        S::ED25519,
        S::ED448,
        S::RSA_PSS_SHA256,
        S::RSA_PSS_SHA384,
        S::RSA_PSS_SHA512,
        S::RSA_PKCS1_SHA256,
        S::RSA_PKCS1_SHA384,
        S::RSA_PKCS1_SHA512,
        S::ECDSA_SHA1_Legacy,
        S::RSA_PKCS1_SHA1,
        S::Unknown(0),
    ];
    let mut schemes = algs.supported_schemes();
    schemes.sort_by_key(|s| ORDER.iter().position(|o| o == s).unwrap_or(ORDER.len()));
    schemes
}

/// Our signature schemes in preference order: the connection's `set1_sigalgs_list`, or
/// OpenSSL's default order of what rustls supports.
pub fn preferred_schemes() -> Vec<SignatureScheme> {
    let configured = crate::conn::current(|ssl| ssl.settings().sigalgs.clone()).flatten();
    configured.unwrap_or_else(|| openssl_ordered(&algorithms()))
}

/// Verifies servers for clients (one for the process: see [`ServerVerifier::shared`]).
#[derive(Debug)]
pub struct ServerVerifier {
    algs: WebPkiSupportedAlgorithms,
    schemes: Vec<SignatureScheme>,
}

impl ServerVerifier {
    pub fn new() -> Self {
        let algs = algorithms();
        ServerVerifier { schemes: openssl_ordered(&algs), algs }
    }

    /// The one verifier of the process. rustls resumes a session only under the
    /// verifier `Arc` that made it; OpenSSL resumes a client session under any
    /// `SSL_CTX` (curl makes a context per connection), so every context shares this one.
    /// It holds no per-context state: it finds the connection through `conn::current`.
    pub fn shared() -> Arc<ServerVerifier> {
        static SHARED: once_cell::sync::Lazy<Arc<ServerVerifier>> =
            once_cell::sync::Lazy::new(|| Arc::new(ServerVerifier::new()));
        SHARED.clone()
    }
}

impl Default for ServerVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerCertVerifier for ServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        crate::conn::current(|ssl| {
            verify_peer(ssl, end_entity, intermediates)?;
            // The stapled OCSP response is the application's to judge (OpenSSL does not
            // check it either): its status callback sees it after the chain.
            crate::callbacks::ssl::run_client_status_callback(ssl, ocsp_response).map_err(|reason| {
                crate::error::raise(reason);
                Error::InvalidCertificate(rustls::CertificateError::InvalidOcspResponse)
            })
        })
        .unwrap_or_else(|| Err(no_connection()))
        .map(|()| ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        record_peer_scheme(dss);
        verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        record_peer_scheme(dss);
        verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        restrict(&self.schemes)
    }
}

/// Verifies client certificates for a server configuration.
#[derive(Debug)]
pub struct ClientVerifier {
    mandatory: bool,
    hints: Vec<DistinguishedName>,
    algs: WebPkiSupportedAlgorithms,
    schemes: Vec<SignatureScheme>,
}

impl ClientVerifier {
    pub fn new(mode: i32, names: &crate::crypto::x509::NameList, provider: Arc<CryptoProvider>) -> Self {
        ClientVerifier {
            mandatory: mode & crate::ctx::SSL_VERIFY_FAIL_IF_NO_PEER_CERT != 0,
            hints: names.ders().into_iter().map(DistinguishedName::from).collect(),
            schemes: openssl_ordered(&provider.signature_verification_algorithms),
            algs: provider.signature_verification_algorithms,
        }
    }
}

impl ClientCertVerifier for ClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        crate::conn::current(|ssl| verify_peer(ssl, end_entity, intermediates))
            .unwrap_or_else(|| Err(no_connection()))
            .map(|()| ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        record_peer_scheme(dss);
        verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        record_peer_scheme(dss);
        verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        restrict(&self.schemes)
    }
}

#[allow(dead_code)]
const _UNSPECIFIED: i32 = X509_V_ERR_UNSPECIFIED;
