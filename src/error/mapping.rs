//! What OpenSSL 3.0 would report for the failures rustls detects.
//!
//! * [`reason_for_rustls`]: the `SSL_R_*` (or `ERR_R_*`) reason OpenSSL's libssl queues
//!   for the equivalent failure, so applications that inspect `ERR_GET_REASON` (or print
//!   the queue) see what they would see with OpenSSL.
//! * [`alert_for_verify_error`] / [`verify_failure`]: the rustls error a certificate
//!   verifier returns for an `X509_V_ERR_*` code so that rustls sends the alert OpenSSL
//!   sends for that code.
//!
//! Where the choice was not obvious it was settled by experiment against the system
//! libssl (s_client/s_server and raw records); `tools/gen-ssl-strings.c` measures the
//! verification alerts and the tests below compare against those measurements.

use std::fmt;
use std::os::raw::c_int;
use std::sync::Arc;

use rustls::{
    AlertDescription, CertificateError, EncryptedClientHelloError, Error, InvalidMessage, OtherError, PeerIncompatible,
    PeerMisbehaved,
};

use super::*;

/// OpenSSL queues a received fatal alert as reason `SSL_AD_REASON_OFFSET + description`.
pub const SSL_AD_REASON_OFFSET: c_int = 1000;

/// The reason OpenSSL queues when the peer sends fatal alert `alert`
/// (e.g. unknown_ca → `SSL_R_TLSV1_ALERT_UNKNOWN_CA`).
pub fn reason_for_alert(alert: AlertDescription) -> c_int {
    SSL_AD_REASON_OFFSET + c_int::from(u8::from(alert))
}

/// The reason OpenSSL 3.0 queues (under `ERR_LIB_SSL`) for the failure rustls reports
/// as `err`.
///
/// rustls errors carry less context than OpenSSL has at the failure site, so a few
/// mappings pick the common case: `InvalidContentType` is usually a non-TLS peer
/// ("wrong version number"; use [`reason_for_record_header`] when the bytes are at
/// hand), `DecryptError` is usually a bad record MAC (a bad Finished is
/// `SSL_R_DIGEST_CHECK_FAILED` in OpenSSL), `NoCertificatesPresented` is usually a
/// server whose client sent no certificate, and every `InvalidCertificate` is a failed
/// chain verification (a bad CertificateVerify signature is `SSL_R_BAD_SIGNATURE` in
/// OpenSSL, but rustls reports it as `InvalidCertificate(BadSignature)` too).
pub fn reason_for_rustls(err: &Error) -> c_int {
    match err {
        // Wrong record type or handshake message for the state: OpenSSL's record layer and
        // state machine both report "unexpected message".
        Error::InappropriateMessage { .. } | Error::InappropriateHandshakeMessage { .. } => SSL_R_UNEXPECTED_MESSAGE,
        Error::InvalidEncryptedClientHello(ech) => reason_for_ech(ech),
        Error::InvalidMessage(m) => reason_for_invalid_message(m),
        Error::NoCertificatesPresented => SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
        // The verifier could not check the name at all; OpenSSL reports it as a failed
        // verification.
        Error::UnsupportedNameType => SSL_R_CERTIFICATE_VERIFY_FAILED,
        Error::DecryptError => SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
        Error::EncryptError => ERR_R_INTERNAL_ERROR,
        Error::PeerIncompatible(p) => reason_for_incompatible(p),
        Error::PeerMisbehaved(m) => reason_for_misbehaved(m),
        Error::AlertReceived(alert) => reason_for_alert(*alert),
        Error::InvalidCertificate(_) | Error::InvalidCertRevocationList(_) => SSL_R_CERTIFICATE_VERIFY_FAILED,
        Error::General(_) => ERR_R_INTERNAL_ERROR,
        Error::FailedToGetCurrentTime | Error::FailedToGetRandomBytes => ERR_R_INTERNAL_ERROR,
        Error::HandshakeNotComplete => SSL_R_STILL_IN_INIT,
        // Decrypted payload over 2^14 bytes (OpenSSL: record_overflow + this reason).
        Error::PeerSentOversizedRecord => SSL_R_DATA_LENGTH_TOO_LONG,
        Error::NoApplicationProtocol => SSL_R_NO_APPLICATION_PROTOCOL,
        Error::BadMaxFragmentSize => SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH,
        Error::InconsistentKeys(_) => SSL_R_PRIVATE_KEY_MISMATCH,
        Error::Other(other) if other.0.downcast_ref::<X509VerifyFailure>().is_some() => SSL_R_CERTIFICATE_VERIFY_FAILED,
        Error::Other(_) => ERR_R_INTERNAL_ERROR,
        // rustls::Error is non_exhaustive: variants added after 0.23.46.
        _ => ERR_R_INTERNAL_ERROR,
    }
}

/// Queues OpenSSL's reason for `err` on this thread's error queue, with OpenSSL's
/// explanatory data where it adds some (`SSL alert number N` for a received alert).
#[track_caller]
pub fn raise_rustls(err: &Error) {
    let reason = reason_for_rustls(err);
    match err {
        Error::AlertReceived(alert) => {
            raise_with_data(reason, &format!("SSL alert number {}", u8::from(*alert)));
        }
        // What went wrong inside rustls, for the operator (`ERR_print_errors`, OXISSL_LOG).
        _ if reason == super::ERR_R_INTERNAL_ERROR => raise_with_data(reason, &format!("rustls: {err}")),
        _ => raise(reason),
    }
}

fn reason_for_ech(err: &EncryptedClientHelloError) -> c_int {
    // OpenSSL 3.0 has no ECH; these are configuration errors.
    match err {
        EncryptedClientHelloError::InvalidConfigList
        | EncryptedClientHelloError::NoCompatibleConfig
        | EncryptedClientHelloError::SniRequired => SSL_R_BAD_VALUE,
        _ => SSL_R_BAD_VALUE,
    }
}

fn reason_for_invalid_message(m: &InvalidMessage) -> c_int {
    use InvalidMessage as M;
    match m {
        M::CertificatePayloadTooLarge | M::HandshakePayloadTooLarge => SSL_R_EXCESSIVE_MESSAGE_SIZE,
        M::InvalidCcs => SSL_R_BAD_CHANGE_CIPHER_SPEC,
        // A record header rustls rejects is, in practice, a peer not speaking TLS.
        M::InvalidContentType | M::UnknownProtocolVersion => SSL_R_WRONG_VERSION_NUMBER,
        M::InvalidCertificateStatusType => SSL_R_UNSUPPORTED_STATUS_TYPE,
        // Non-empty certificate_request_context in a TLS 1.3 Certificate.
        M::InvalidCertRequest => SSL_R_INVALID_CONTEXT,
        M::InvalidDhParams => SSL_R_BAD_DH_VALUE,
        M::InvalidEmptyPayload => SSL_R_BAD_LENGTH,
        M::InvalidKeyUpdate => SSL_R_BAD_KEY_UPDATE,
        M::MessageTooLarge => SSL_R_PACKET_LENGTH_TOO_LONG,
        // Truncated or over-long handshake bodies: OpenSSL's message parsers all say
        // "length mismatch".
        M::MessageTooShort | M::MissingData(_) | M::TrailingData(_) | M::EmptyTicketValue => SSL_R_LENGTH_MISMATCH,
        M::MissingKeyExchange => SSL_R_MISSING_SUPPORTED_GROUPS_EXTENSION,
        M::UnexpectedMessage(_) => SSL_R_UNEXPECTED_MESSAGE,
        M::UnsupportedCompression => SSL_R_COMPRESSION_DISABLED,
        M::UnsupportedCurveType => SSL_R_WRONG_CURVE,
        M::UnsupportedKeyExchangeAlgorithm(_) => SSL_R_UNKNOWN_KEY_EXCHANGE_TYPE,
        M::IllegalEmptyList(what) => match *what {
            "CipherSuites" => SSL_R_NO_CIPHERS_SPECIFIED,
            "Compressions" => SSL_R_NO_COMPRESSION_SPECIFIED,
            "PayloadU24" => SSL_R_CERT_LENGTH_MISMATCH,
            "ClientCertificateTypes" => SSL_R_LENGTH_MISMATCH,
            _ => SSL_R_BAD_EXTENSION,
        },
        M::InvalidServerName
        | M::NoSignatureSchemes
        | M::IllegalEmptyValue
        | M::DuplicateExtension(_)
        | M::PreSharedKeyIsNotFinalExtension
        | M::UnknownCertificateExtension => SSL_R_BAD_EXTENSION,
        M::UnknownHelloRetryRequestExtension => SSL_R_UNSOLICITED_EXTENSION,
        _ => SSL_R_BAD_PACKET,
    }
}

fn reason_for_incompatible(p: &PeerIncompatible) -> c_int {
    use PeerIncompatible as P;
    match p {
        P::EcPointsExtensionRequired | P::NoEcPointFormatsInCommon | P::UncompressedEcPointsRequired => {
            SSL_R_TLS_INVALID_ECPOINTFORMAT_LIST
        }
        P::ExtendedMasterSecretExtensionRequired => SSL_R_INCONSISTENT_EXTMS,
        P::IncorrectCertificateTypeExtension => SSL_R_WRONG_CERTIFICATE_TYPE,
        // Measured: a TLS 1.3 server without a common group fails in final_key_share.
        P::KeyShareExtensionRequired | P::NoKxGroupsInCommon => SSL_R_NO_SUITABLE_KEY_SHARE,
        P::NamedGroupsExtensionRequired => SSL_R_MISSING_SUPPORTED_GROUPS_EXTENSION,
        // Measured: a server whose key suits none of the client's schemes.
        P::NoCertificateRequestSignatureSchemesInCommon | P::NoSignatureSchemesInCommon => {
            SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM
        }
        P::NoCipherSuitesInCommon => SSL_R_NO_SHARED_CIPHER,
        P::NullCompressionRequired => SSL_R_NO_COMPRESSION_SPECIFIED,
        // Measured on both sides: no common version is "unsupported protocol" (the peer
        // then sees protocol_version, i.e. SSL_R_TLSV1_ALERT_PROTOCOL_VERSION).
        P::ServerDoesNotSupportTls12Or13
        | P::ServerTlsVersionIsDisabledByOurConfig
        | P::SupportedVersionsExtensionRequired
        | P::Tls12NotOffered
        | P::Tls12NotOfferedOrEnabled
        | P::Tls13RequiredForQuic => SSL_R_UNSUPPORTED_PROTOCOL,
        P::ServerSentHelloRetryRequestWithUnknownExtension | P::UnsolicitedCertificateTypeExtension => {
            SSL_R_UNSOLICITED_EXTENSION
        }
        P::SignatureAlgorithmsExtensionRequired => SSL_R_MISSING_SIGALGS_EXTENSION,
        P::ServerRejectedEncryptedClientHello(_) => SSL_R_SSL_HANDSHAKE_FAILURE,
        _ => SSL_R_SSL_HANDSHAKE_FAILURE,
    }
}

fn reason_for_misbehaved(m: &PeerMisbehaved) -> c_int {
    use PeerMisbehaved as P;
    match m {
        // The TLS 1.3 downgrade sentinel in a TLS 1.2 ServerHello.random.
        P::AttemptedDowngradeToTls12WhenTls13IsSupported => SSL_R_INAPPROPRIATE_FALLBACK,

        // Extensions that are malformed, duplicated, misplaced or inconsistent.
        P::BadCertChainExtensions
        | P::DisallowedEncryptedExtension
        | P::DuplicateClientHelloExtensions
        | P::DuplicateEncryptedExtensions
        | P::DuplicateHelloRetryRequestExtensions
        | P::DuplicateNewSessionTicketExtensions
        | P::DuplicateServerHelloExtensions
        | P::DuplicateServerNameTypes
        | P::EarlyDataAttemptedInSecondClientHello
        | P::EarlyDataExtensionWithoutResumption
        | P::EarlyDataOfferedWithVariedCipherSuite
        | P::EchAcceptanceVariedAfterRetry
        | P::IllegalHelloRetryRequestWithInvalidEch
        | P::MissingBinderInPskExtension
        | P::MissingPskExtensionInSecondClientHello
        | P::MissingQuicTransportParameters
        | P::OfferedDuplicateCertificateCompressions
        | P::OfferedEarlyDataWithOldProtocolVersion
        | P::OfferedEmptyApplicationProtocol
        | P::PskExtensionMustBeLast
        | P::PskExtensionWithMismatchedIdsAndBinders
        | P::SelectedUnofferedApplicationProtocol
        | P::SelectedUnofferedCertCompression
        | P::ServerNameDifferedOnRetry
        | P::ServerNameMustContainOneHostName
        | P::UnexpectedCleartextExtension => SSL_R_BAD_EXTENSION,
        P::UnsolicitedCertExtension
        | P::UnsolicitedEncryptedExtension
        | P::UnsolicitedSctList
        | P::UnsolicitedServerHelloExtension
        | P::UnsolicitedEchExtension => SSL_R_UNSOLICITED_EXTENSION,

        // Cipher suite choices.
        P::CipherSuiteDifferedOnRetry
        | P::IllegalHelloRetryRequestWithUnofferedCipherSuite
        | P::SelectedDifferentCipherSuiteAfterRetry
        | P::SelectedUnofferedCipherSuite
        | P::SelectedUnusableCipherSuiteForVersion => SSL_R_WRONG_CIPHER_RETURNED,
        P::HandshakeHashVariedAfterRetry | P::ResumptionOfferedWithIncompatibleCipherSuite => {
            SSL_R_CIPHERSUITE_DIGEST_HAS_CHANGED
        }
        P::ResumptionOfferedWithVariedCipherSuite => SSL_R_OLD_SESSION_CIPHER_NOT_RETURNED,
        P::ResumptionAttemptedWithVariedEms | P::ResumptionOfferedWithVariedEms => SSL_R_INCONSISTENT_EXTMS,

        // HelloRetryRequest and key shares.
        P::IllegalHelloRetryRequestWithEmptyCookie => SSL_R_LENGTH_MISMATCH,
        P::IllegalHelloRetryRequestWithNoChanges => SSL_R_NO_CHANGE_FOLLOWING_HRR,
        P::IllegalHelloRetryRequestWithOfferedGroup
        | P::IllegalHelloRetryRequestWithUnofferedNamedGroup
        | P::OfferedDuplicateKeyShares
        | P::RefusedToFollowHelloRetryRequest
        | P::SelectedUnofferedKxGroup
        | P::WrongGroupForKeyShare => SSL_R_BAD_KEY_SHARE,
        P::IllegalHelloRetryRequestWithUnsupportedVersion => SSL_R_UNSUPPORTED_PROTOCOL,
        P::IllegalHelloRetryRequestWithWrongSessionId | P::ServerEchoedCompatibilitySessionId => {
            SSL_R_INVALID_SESSION_ID
        }
        P::InvalidKeyShare => SSL_R_BAD_ECPOINT,
        P::MissingKeyShare => SSL_R_NO_SUITABLE_KEY_SHARE,

        // Versions, compression, signatures.
        P::SelectedTls12UsingTls13VersionExtension => SSL_R_BAD_PROTOCOL_VERSION_NUMBER,
        P::OfferedIncorrectCompressions => SSL_R_INVALID_COMPRESSION_ALGORITHM,
        P::SelectedUnofferedCompression => SSL_R_COMPRESSION_DISABLED,
        P::ServerHelloMustOfferUncompressedEcPoints => SSL_R_TLS_INVALID_ECPOINTFORMAT_LIST,
        P::SignedKxWithWrongAlgorithm | P::SignedHandshakeWithUnadvertisedSigScheme => SSL_R_WRONG_SIGNATURE_TYPE,

        // PSK / resumption / early data.
        P::IncorrectBinder => SSL_R_BINDER_DOES_NOT_VERIFY,
        P::SelectedInvalidPsk | P::SelectedUnofferedPsk => SSL_R_BAD_PSK_IDENTITY,
        P::MissingPskModesExtension => SSL_R_MISSING_PSK_KEX_MODES_EXTENSION,
        P::InvalidMaxEarlyDataSize => SSL_R_INVALID_MAX_EARLY_DATA,
        P::TooMuchEarlyDataReceived => SSL_R_TOO_MUCH_EARLY_DATA,
        P::InvalidCertCompression => SSL_R_BAD_DECOMPRESSION,

        // Record layer.
        P::IllegalMiddleboxChangeCipherSpec => SSL_R_UNEXPECTED_CCS_MESSAGE,
        P::IllegalTlsInnerPlaintext => SSL_R_BAD_RECORD_TYPE,
        P::KeyEpochWithPendingFragment => SSL_R_NOT_ON_RECORD_BOUNDARY,
        // Another record type inside a fragmented handshake message: OpenSSL 3.0 defines
        // "mixed handshake and non handshake data" but never raises it; its record layer
        // answers such a record with unexpected_message and that reason (which servers'
        // logs, nginx's among them, rank as a client's fault).
        P::MessageInterleavedWithHandshakeMessage | P::RejectedEarlyDataInterleavedWithHandshakeMessage => {
            SSL_R_UNEXPECTED_MESSAGE
        }
        P::TooManyEmptyFragments => SSL_R_RECORD_TOO_SMALL,
        P::KeyUpdateReceivedInQuicConnection => SSL_R_UNEXPECTED_MESSAGE,
        P::TooManyKeyUpdateRequests => SSL_R_TOO_MANY_KEY_UPDATES,
        P::TooManyRenegotiationRequests => SSL_R_NO_RENEGOTIATION,
        P::TooManyWarningAlertsReceived => SSL_R_TOO_MANY_WARN_ALERTS,

        _ => SSL_R_SSL_HANDSHAKE_FAILURE,
    }
}

/// The reason OpenSSL's record layer gives for a record whose 5-byte `header` rustls
/// rejected, or `None` when OpenSSL would accept the header. `first_record` says
/// whether nothing had been read from the peer before; only then does OpenSSL
/// recognise plaintext HTTP (`http request`, `https proxy request`).
///
/// Measured behaviour: a major version other than 3 is "wrong version number" (even
/// when the content type is also invalid); an unknown content type under a valid
/// version is "unexpected message".
pub fn reason_for_record_header(header: &[u8], first_record: bool) -> Option<c_int> {
    let &[content_type, major, ..] = header else {
        return None;
    };
    if major != 3 {
        if first_record && header.len() >= 5 {
            let looks_like = |prefix: &[u8]| header.starts_with(prefix);
            if looks_like(b"GET ") || looks_like(b"POST ") || looks_like(b"HEAD ") || looks_like(b"PUT ") {
                return Some(SSL_R_HTTP_REQUEST);
            }
            if looks_like(b"CONNE") {
                return Some(SSL_R_HTTPS_PROXY_REQUEST);
            }
        }
        return Some(SSL_R_WRONG_VERSION_NUMBER);
    }
    // change_cipher_spec, alert, handshake, application_data.
    if !(20..=23).contains(&content_type) {
        return Some(SSL_R_UNEXPECTED_MESSAGE);
    }
    None
}

// ---- certificate verification ----

/// `X509_V_ERR_*` codes used below (values from <openssl/x509_vfy.h>).
mod x509v {
    use std::os::raw::c_int;
    pub const UNSPECIFIED: c_int = 1;
    pub const UNABLE_TO_GET_ISSUER_CERT: c_int = 2;
    pub const UNABLE_TO_GET_CRL: c_int = 3;
    pub const UNABLE_TO_DECRYPT_CERT_SIGNATURE: c_int = 4;
    pub const UNABLE_TO_DECRYPT_CRL_SIGNATURE: c_int = 5;
    pub const UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: c_int = 6;
    pub const CERT_SIGNATURE_FAILURE: c_int = 7;
    pub const CRL_SIGNATURE_FAILURE: c_int = 8;
    pub const CERT_NOT_YET_VALID: c_int = 9;
    pub const CERT_HAS_EXPIRED: c_int = 10;
    pub const CRL_NOT_YET_VALID: c_int = 11;
    pub const CRL_HAS_EXPIRED: c_int = 12;
    pub const ERROR_IN_CERT_NOT_BEFORE_FIELD: c_int = 13;
    pub const ERROR_IN_CERT_NOT_AFTER_FIELD: c_int = 14;
    pub const ERROR_IN_CRL_LAST_UPDATE_FIELD: c_int = 15;
    pub const ERROR_IN_CRL_NEXT_UPDATE_FIELD: c_int = 16;
    pub const DEPTH_ZERO_SELF_SIGNED_CERT: c_int = 18;
    pub const SELF_SIGNED_CERT_IN_CHAIN: c_int = 19;
    pub const UNABLE_TO_GET_ISSUER_CERT_LOCALLY: c_int = 20;
    pub const UNABLE_TO_VERIFY_LEAF_SIGNATURE: c_int = 21;
    pub const CERT_CHAIN_TOO_LONG: c_int = 22;
    pub const CERT_REVOKED: c_int = 23;
    pub const PATH_LENGTH_EXCEEDED: c_int = 25;
    pub const INVALID_PURPOSE: c_int = 26;
    pub const CERT_UNTRUSTED: c_int = 27;
    pub const CERT_REJECTED: c_int = 28;
    pub const UNABLE_TO_GET_CRL_ISSUER: c_int = 33;
    pub const UNHANDLED_CRITICAL_EXTENSION: c_int = 34;
    pub const APPLICATION_VERIFICATION: c_int = 50;
    pub const HOSTNAME_MISMATCH: c_int = 62;
    pub const EMAIL_MISMATCH: c_int = 63;
    pub const IP_ADDRESS_MISMATCH: c_int = 64;
    pub const DANE_NO_MATCH: c_int = 65;
    pub const EE_KEY_TOO_SMALL: c_int = 66;
    pub const CA_KEY_TOO_SMALL: c_int = 67;
    pub const CA_MD_TOO_WEAK: c_int = 68;
    pub const OCSP_VERIFY_FAILED: c_int = 74;
    pub const UNSUPPORTED_SIGNATURE_ALGORITHM: c_int = 76;
    pub const SIGNATURE_ALGORITHM_MISMATCH: c_int = 77;
    pub const INVALID_CA: c_int = 79;
    pub const EC_KEY_EXPLICIT_PARAMS: c_int = 94;
}

/// A certificate verification failure with its `X509_V_ERR_*` code, carried inside
/// rustls errors (`CertificateError::Other` / `Error::Other`) so the code survives the
/// trip through rustls; see [`verify_error_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct X509VerifyFailure(pub c_int);

impl fmt::Display for X509VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certificate verify failed (X509_V_ERR {})", self.0)
    }
}

impl std::error::Error for X509VerifyFailure {}

fn carrying(code: c_int) -> OtherError {
    OtherError(Arc::new(X509VerifyFailure(code)))
}

/// The `CertificateError` for verification failure `x509_v_err` whose alert (as rustls
/// sends it, `AlertDescription::from(CertificateError)`) is the alert OpenSSL 3.0 sends for
/// that code, choosing the semantically closest such variant.
///
/// Measured OpenSSL behaviour worth knowing: not-yet-valid is bad_certificate (not
/// certificate_expired), an expired CRL is certificate_expired, and most
/// constraint/extension errors (including unhandled critical extensions) are
/// certificate_unknown. Two OpenSSL alerts cannot be expressed through a
/// `CertificateError`: handshake_failure (`X509_V_ERR_APPLICATION_VERIFICATION`, see
/// [`verify_failure`]) and internal_error (`UNSPECIFIED`, `OUT_OF_MEM`, `INVALID_CALL`,
/// `STORE_LOOKUP`), which become certificate_unknown.
pub fn alert_for_verify_error(x509_v_err: c_int) -> CertificateError {
    use x509v::*;
    match x509_v_err {
        // certificate_expired
        CERT_HAS_EXPIRED | CRL_HAS_EXPIRED => CertificateError::Expired,
        // certificate_revoked
        CERT_REVOKED => CertificateError::Revoked,
        // unknown_ca
        UNABLE_TO_GET_CRL | UNABLE_TO_GET_CRL_ISSUER => CertificateError::UnknownRevocationStatus,
        UNABLE_TO_GET_ISSUER_CERT
        | DEPTH_ZERO_SELF_SIGNED_CERT
        | SELF_SIGNED_CERT_IN_CHAIN
        | UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | UNABLE_TO_VERIFY_LEAF_SIGNATURE
        | CERT_CHAIN_TOO_LONG
        | PATH_LENGTH_EXCEEDED
        | INVALID_CA => CertificateError::UnknownIssuer,
        // decrypt_error
        CERT_SIGNATURE_FAILURE | CRL_SIGNATURE_FAILURE => CertificateError::BadSignature,
        // unsupported_certificate
        INVALID_PURPOSE => CertificateError::InvalidPurpose,
        // bad_certificate
        HOSTNAME_MISMATCH | EMAIL_MISMATCH | IP_ADDRESS_MISMATCH => CertificateError::NotValidForName,
        UNABLE_TO_DECRYPT_CERT_SIGNATURE
        | UNABLE_TO_DECRYPT_CRL_SIGNATURE
        | UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY
        | CERT_NOT_YET_VALID
        | CRL_NOT_YET_VALID
        | ERROR_IN_CERT_NOT_BEFORE_FIELD
        | ERROR_IN_CERT_NOT_AFTER_FIELD
        | ERROR_IN_CRL_LAST_UPDATE_FIELD
        | ERROR_IN_CRL_NEXT_UPDATE_FIELD
        | CERT_UNTRUSTED
        | CERT_REJECTED
        | DANE_NO_MATCH
        | EE_KEY_TOO_SMALL
        | CA_KEY_TOO_SMALL
        | CA_MD_TOO_WEAK
        | EC_KEY_EXPLICIT_PARAMS => CertificateError::BadEncoding,
        // handshake_failure in OpenSSL; the nearest CertificateError (access_denied).
        APPLICATION_VERIFICATION => CertificateError::ApplicationVerificationFailure,
        // certificate_unknown (OpenSSL's default), keeping the code.
        other => CertificateError::Other(carrying(other)),
    }
}

/// The error a rustls certificate verifier should return for verification failure
/// `x509_v_err`: like [`alert_for_verify_error`], except that
/// `X509_V_ERR_APPLICATION_VERIFICATION` becomes an `Error::Other` (carrying the code),
/// for which rustls sends handshake_failure exactly as OpenSSL does.
/// [`reason_for_rustls`] maps every result to `SSL_R_CERTIFICATE_VERIFY_FAILED`.
pub fn verify_failure(x509_v_err: c_int) -> Error {
    if x509_v_err == x509v::APPLICATION_VERIFICATION {
        Error::Other(carrying(x509_v_err))
    } else {
        Error::InvalidCertificate(alert_for_verify_error(x509_v_err))
    }
}

/// The `X509_V_ERR_*` code carried by an error built by [`verify_failure`] or
/// [`alert_for_verify_error`] (when the variant can carry it), otherwise the code
/// OpenSSL would report for the equivalent failure of a rustls verifier; `None` if `err`
/// is not a certificate verification failure.
pub fn verify_error_of(err: &Error) -> Option<c_int> {
    match err {
        Error::InvalidCertificate(cert) => Some(x509_verify_error(cert)),
        Error::Other(other) => other.0.downcast_ref::<X509VerifyFailure>().map(|f| f.0),
        Error::UnsupportedNameType => Some(x509v::HOSTNAME_MISMATCH),
        _ => None,
    }
}

/// The `X509_V_ERR_*` code (for `SSL_get_verify_result`) matching a `CertificateError`,
/// e.g. from rustls' own WebPKI verifier.
pub fn x509_verify_error(err: &CertificateError) -> c_int {
    use x509v::*;
    #[allow(deprecated)]
    match err {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => CERT_HAS_EXPIRED,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => CERT_NOT_YET_VALID,
        CertificateError::Revoked => CERT_REVOKED,
        CertificateError::UnhandledCriticalExtension => UNHANDLED_CRITICAL_EXTENSION,
        // What OpenSSL reports for a chain that does not reach a trusted root.
        CertificateError::UnknownIssuer => UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        CertificateError::UnknownRevocationStatus => UNABLE_TO_GET_CRL,
        CertificateError::ExpiredRevocationList | CertificateError::ExpiredRevocationListContext { .. } => {
            CRL_HAS_EXPIRED
        }
        CertificateError::BadSignature => CERT_SIGNATURE_FAILURE,
        CertificateError::UnsupportedSignatureAlgorithm
        | CertificateError::UnsupportedSignatureAlgorithmContext { .. } => UNSUPPORTED_SIGNATURE_ALGORITHM,
        CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => SIGNATURE_ALGORITHM_MISMATCH,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => HOSTNAME_MISMATCH,
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => INVALID_PURPOSE,
        CertificateError::InvalidOcspResponse => OCSP_VERIFY_FAILED,
        CertificateError::ApplicationVerificationFailure => APPLICATION_VERIFICATION,
        CertificateError::Other(other) => other.0.downcast_ref::<X509VerifyFailure>().map_or(UNSPECIFIED, |f| f.0),
        CertificateError::BadEncoding => UNSPECIFIED,
        _ => UNSPECIFIED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::strings::{reason_string, EXPECTED_VERIFY_ALERTS};
    use rustls::{ContentType, HandshakeType, InconsistentKeys};

    /// The alert rustls sends when a verifier fails with `err`
    /// (mirrors rustls' CommonState::send_cert_verify_error_alert).
    fn alert_rustls_sends(err: &Error) -> u8 {
        u8::from(match err {
            Error::InvalidCertificate(e) => AlertDescription::from(e.clone()),
            Error::PeerMisbehaved(_) => AlertDescription::IllegalParameter,
            _ => AlertDescription::HandshakeFailure,
        })
    }

    const INTERNAL_ERROR: u8 = 80;
    const CERTIFICATE_UNKNOWN: u8 = 46;

    #[test]
    fn verify_alerts_match_openssl() {
        assert!(EXPECTED_VERIFY_ALERTS.len() > 90);
        for &(code, openssl_alert) in EXPECTED_VERIFY_ALERTS {
            let sent = alert_rustls_sends(&verify_failure(code));
            if openssl_alert == INTERNAL_ERROR {
                // Not expressible through a rustls verifier (documented).
                assert_eq!(sent, CERTIFICATE_UNKNOWN, "code {code}");
            } else {
                assert_eq!(sent, openssl_alert, "code {code}");
            }
            // The CertificateError alone matches too, except for handshake_failure.
            let alone = u8::from(AlertDescription::from(alert_for_verify_error(code)));
            if openssl_alert == 40 {
                assert_eq!(alone, u8::from(AlertDescription::AccessDenied), "code {code}");
            } else if openssl_alert != INTERNAL_ERROR {
                assert_eq!(alone, openssl_alert, "code {code}");
            }
        }
    }

    #[test]
    fn verify_failures_are_certificate_verify_failed() {
        for &(code, _) in EXPECTED_VERIFY_ALERTS {
            let err = verify_failure(code);
            assert_eq!(reason_for_rustls(&err), SSL_R_CERTIFICATE_VERIFY_FAILED, "code {code}");
            assert!(verify_error_of(&err).is_some(), "code {code}");
        }
    }

    #[test]
    fn verify_codes_survive_where_possible() {
        use x509v::*;
        for code in [
            CERT_HAS_EXPIRED,
            CERT_REVOKED,
            CERT_SIGNATURE_FAILURE,
            INVALID_PURPOSE,
            HOSTNAME_MISMATCH,
            APPLICATION_VERIFICATION,
            UNABLE_TO_GET_CRL,
            UNHANDLED_CRITICAL_EXTENSION,
            24,
            37,
            9999,
        ] {
            assert_eq!(verify_error_of(&verify_failure(code)), Some(code), "code {code}");
        }
        assert_eq!(
            verify_error_of(&verify_failure(DEPTH_ZERO_SELF_SIGNED_CERT)),
            Some(UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
        );
        assert_eq!(x509_verify_error(&CertificateError::NotValidYet), CERT_NOT_YET_VALID);
        assert_eq!(verify_error_of(&Error::DecryptError), None);
    }

    #[test]
    fn alerts_received() {
        assert_eq!(reason_for_rustls(&Error::AlertReceived(AlertDescription::UnknownCA)), 1048);
        assert_eq!(
            reason_for_rustls(&Error::AlertReceived(AlertDescription::ProtocolVersion)),
            SSL_R_TLSV1_ALERT_PROTOCOL_VERSION
        );
        assert_eq!(
            reason_for_rustls(&Error::AlertReceived(AlertDescription::HandshakeFailure)),
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE
        );
        assert_eq!(
            reason_for_rustls(&Error::AlertReceived(AlertDescription::CertificateRequired)),
            SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED
        );
        assert_eq!(
            reason_for_rustls(&Error::AlertReceived(AlertDescription::NoApplicationProtocol)),
            SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL
        );
        // Every alert the system libssl names has its reason at 1000 + code.
        for code in 0..=255u8 {
            let reason = reason_for_alert(AlertDescription::from(code));
            assert_eq!(reason, 1000 + c_int::from(code));
            if let Some(text) = reason_string(reason) {
                assert!(text.contains("alert") || text.starts_with("tlsv1"), "{reason}: {text}");
            }
        }
    }

    #[test]
    fn common_failures() {
        let cases: Vec<(Error, c_int)> = vec![
            (CertificateError::UnknownIssuer.into(), SSL_R_CERTIFICATE_VERIFY_FAILED),
            (Error::NoApplicationProtocol, SSL_R_NO_APPLICATION_PROTOCOL),
            (PeerIncompatible::NoCipherSuitesInCommon.into(), SSL_R_NO_SHARED_CIPHER),
            (PeerIncompatible::Tls12NotOffered.into(), SSL_R_UNSUPPORTED_PROTOCOL),
            (PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig.into(), SSL_R_UNSUPPORTED_PROTOCOL),
            (PeerIncompatible::NoKxGroupsInCommon.into(), SSL_R_NO_SUITABLE_KEY_SHARE),
            (PeerIncompatible::NoSignatureSchemesInCommon.into(), SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM),
            (InvalidMessage::MessageTooLarge.into(), SSL_R_PACKET_LENGTH_TOO_LONG),
            (InvalidMessage::InvalidContentType.into(), SSL_R_WRONG_VERSION_NUMBER),
            (InvalidMessage::UnknownProtocolVersion.into(), SSL_R_WRONG_VERSION_NUMBER),
            (InvalidMessage::MessageTooShort.into(), SSL_R_LENGTH_MISMATCH),
            (InvalidMessage::DuplicateExtension(0).into(), SSL_R_BAD_EXTENSION),
            (InvalidMessage::IllegalEmptyList("CipherSuites").into(), SSL_R_NO_CIPHERS_SPECIFIED),
            (Error::DecryptError, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC),
            (Error::PeerSentOversizedRecord, SSL_R_DATA_LENGTH_TOO_LONG),
            (Error::NoCertificatesPresented, SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE),
            (PeerMisbehaved::SelectedUnofferedCipherSuite.into(), SSL_R_WRONG_CIPHER_RETURNED),
            (PeerMisbehaved::SelectedTls12UsingTls13VersionExtension.into(), SSL_R_BAD_PROTOCOL_VERSION_NUMBER),
            (PeerMisbehaved::UnsolicitedServerHelloExtension.into(), SSL_R_UNSOLICITED_EXTENSION),
            (PeerMisbehaved::SelectedUnofferedApplicationProtocol.into(), SSL_R_BAD_EXTENSION),
            (PeerMisbehaved::SelectedUnofferedCompression.into(), SSL_R_COMPRESSION_DISABLED),
            (PeerMisbehaved::IncorrectBinder.into(), SSL_R_BINDER_DOES_NOT_VERIFY),
            (PeerMisbehaved::AttemptedDowngradeToTls12WhenTls13IsSupported.into(), SSL_R_INAPPROPRIATE_FALLBACK),
            (PeerMisbehaved::TooManyWarningAlertsReceived.into(), SSL_R_TOO_MANY_WARN_ALERTS),
            (
                Error::InappropriateMessage {
                    expect_types: vec![ContentType::Handshake],
                    got_type: ContentType::ApplicationData,
                },
                SSL_R_UNEXPECTED_MESSAGE,
            ),
            (
                Error::InappropriateHandshakeMessage {
                    expect_types: vec![HandshakeType::ServerHello],
                    got_type: HandshakeType::Finished,
                },
                SSL_R_UNEXPECTED_MESSAGE,
            ),
            (Error::General("x".into()), ERR_R_INTERNAL_ERROR),
            (InconsistentKeys::KeyMismatch.into(), SSL_R_PRIVATE_KEY_MISMATCH),
        ];
        for (err, want) in cases {
            assert_eq!(reason_for_rustls(&err), want, "{err:?}");
        }
    }

    /// Every variant rustls 0.23.46 has maps to a reason the system libssl can print
    /// (an SSL_R_* with a string, or an ERR_R_* code).
    #[test]
    fn every_variant_has_a_printable_reason() {
        let printable = |r: c_int| reason_string(r).is_some() || r & (2 << 18) != 0;
        let mut errors: Vec<Error> = vec![
            Error::NoCertificatesPresented,
            Error::UnsupportedNameType,
            Error::DecryptError,
            Error::EncryptError,
            Error::FailedToGetCurrentTime,
            Error::FailedToGetRandomBytes,
            Error::HandshakeNotComplete,
            Error::PeerSentOversizedRecord,
            Error::NoApplicationProtocol,
            Error::BadMaxFragmentSize,
            Error::InconsistentKeys(InconsistentKeys::Unknown),
            Error::InvalidEncryptedClientHello(EncryptedClientHelloError::SniRequired),
            Error::InvalidCertRevocationList(rustls::CertRevocationListError::ParseError),
            Error::Other(OtherError(Arc::new(std::io::Error::other("x")))),
        ];
        use InvalidMessage as M;
        for m in [
            M::CertificatePayloadTooLarge,
            M::HandshakePayloadTooLarge,
            M::InvalidCcs,
            M::InvalidContentType,
            M::InvalidCertificateStatusType,
            M::InvalidCertRequest,
            M::InvalidDhParams,
            M::InvalidEmptyPayload,
            M::InvalidKeyUpdate,
            M::InvalidServerName,
            M::MessageTooLarge,
            M::MessageTooShort,
            M::MissingData("x"),
            M::MissingKeyExchange,
            M::NoSignatureSchemes,
            M::TrailingData("x"),
            M::UnexpectedMessage("x"),
            M::UnknownProtocolVersion,
            M::UnsupportedCompression,
            M::UnsupportedCurveType,
            M::EmptyTicketValue,
            M::IllegalEmptyList("x"),
            M::IllegalEmptyList("Compressions"),
            M::IllegalEmptyList("PayloadU24"),
            M::IllegalEmptyList("ClientCertificateTypes"),
            M::IllegalEmptyValue,
            M::DuplicateExtension(1),
            M::PreSharedKeyIsNotFinalExtension,
            M::UnknownHelloRetryRequestExtension,
            M::UnknownCertificateExtension,
        ] {
            errors.push(m.into());
        }
        use PeerIncompatible as I;
        for p in [
            I::EcPointsExtensionRequired,
            I::ExtendedMasterSecretExtensionRequired,
            I::IncorrectCertificateTypeExtension,
            I::KeyShareExtensionRequired,
            I::NamedGroupsExtensionRequired,
            I::NoCertificateRequestSignatureSchemesInCommon,
            I::NoCipherSuitesInCommon,
            I::NoEcPointFormatsInCommon,
            I::NoKxGroupsInCommon,
            I::NoSignatureSchemesInCommon,
            I::NullCompressionRequired,
            I::ServerDoesNotSupportTls12Or13,
            I::ServerSentHelloRetryRequestWithUnknownExtension,
            I::ServerTlsVersionIsDisabledByOurConfig,
            I::SignatureAlgorithmsExtensionRequired,
            I::SupportedVersionsExtensionRequired,
            I::Tls12NotOffered,
            I::Tls12NotOfferedOrEnabled,
            I::Tls13RequiredForQuic,
            I::UncompressedEcPointsRequired,
            I::UnsolicitedCertificateTypeExtension,
            I::ServerRejectedEncryptedClientHello(None),
        ] {
            errors.push(p.into());
        }
        use PeerMisbehaved as P;
        for m in [
            P::AttemptedDowngradeToTls12WhenTls13IsSupported,
            P::BadCertChainExtensions,
            P::CipherSuiteDifferedOnRetry,
            P::DisallowedEncryptedExtension,
            P::DuplicateClientHelloExtensions,
            P::DuplicateEncryptedExtensions,
            P::DuplicateHelloRetryRequestExtensions,
            P::DuplicateNewSessionTicketExtensions,
            P::DuplicateServerHelloExtensions,
            P::DuplicateServerNameTypes,
            P::EarlyDataAttemptedInSecondClientHello,
            P::EarlyDataExtensionWithoutResumption,
            P::EarlyDataOfferedWithVariedCipherSuite,
            P::EchAcceptanceVariedAfterRetry,
            P::HandshakeHashVariedAfterRetry,
            P::IllegalHelloRetryRequestWithEmptyCookie,
            P::IllegalHelloRetryRequestWithNoChanges,
            P::IllegalHelloRetryRequestWithOfferedGroup,
            P::IllegalHelloRetryRequestWithUnofferedCipherSuite,
            P::IllegalHelloRetryRequestWithUnofferedNamedGroup,
            P::IllegalHelloRetryRequestWithUnsupportedVersion,
            P::IllegalHelloRetryRequestWithWrongSessionId,
            P::IllegalHelloRetryRequestWithInvalidEch,
            P::IllegalMiddleboxChangeCipherSpec,
            P::IllegalTlsInnerPlaintext,
            P::IncorrectBinder,
            P::InvalidCertCompression,
            P::InvalidMaxEarlyDataSize,
            P::InvalidKeyShare,
            P::KeyEpochWithPendingFragment,
            P::KeyUpdateReceivedInQuicConnection,
            P::MessageInterleavedWithHandshakeMessage,
            P::MissingBinderInPskExtension,
            P::MissingKeyShare,
            P::MissingPskExtensionInSecondClientHello,
            P::MissingPskModesExtension,
            P::MissingQuicTransportParameters,
            P::OfferedDuplicateCertificateCompressions,
            P::OfferedDuplicateKeyShares,
            P::OfferedEarlyDataWithOldProtocolVersion,
            P::OfferedEmptyApplicationProtocol,
            P::OfferedIncorrectCompressions,
            P::PskExtensionMustBeLast,
            P::PskExtensionWithMismatchedIdsAndBinders,
            P::RefusedToFollowHelloRetryRequest,
            P::RejectedEarlyDataInterleavedWithHandshakeMessage,
            P::ResumptionAttemptedWithVariedEms,
            P::ResumptionOfferedWithVariedCipherSuite,
            P::ResumptionOfferedWithVariedEms,
            P::ResumptionOfferedWithIncompatibleCipherSuite,
            P::SelectedDifferentCipherSuiteAfterRetry,
            P::SelectedInvalidPsk,
            P::SelectedTls12UsingTls13VersionExtension,
            P::SelectedUnofferedApplicationProtocol,
            P::SelectedUnofferedCertCompression,
            P::SelectedUnofferedCipherSuite,
            P::SelectedUnofferedCompression,
            P::SelectedUnofferedKxGroup,
            P::SelectedUnofferedPsk,
            P::SelectedUnusableCipherSuiteForVersion,
            P::ServerEchoedCompatibilitySessionId,
            P::ServerHelloMustOfferUncompressedEcPoints,
            P::ServerNameDifferedOnRetry,
            P::ServerNameMustContainOneHostName,
            P::SignedKxWithWrongAlgorithm,
            P::SignedHandshakeWithUnadvertisedSigScheme,
            P::TooManyEmptyFragments,
            P::TooManyKeyUpdateRequests,
            P::TooManyRenegotiationRequests,
            P::TooManyWarningAlertsReceived,
            P::TooMuchEarlyDataReceived,
            P::UnexpectedCleartextExtension,
            P::UnsolicitedCertExtension,
            P::UnsolicitedEncryptedExtension,
            P::UnsolicitedSctList,
            P::UnsolicitedServerHelloExtension,
            P::WrongGroupForKeyShare,
            P::UnsolicitedEchExtension,
        ] {
            errors.push(m.into());
        }
        for err in &errors {
            let reason = reason_for_rustls(err);
            assert!(printable(reason), "{err:?} -> {reason}");
        }
    }

    #[test]
    fn record_headers() {
        assert_eq!(reason_for_record_header(b"GET / HTTP/1.1", true), Some(SSL_R_HTTP_REQUEST));
        assert_eq!(reason_for_record_header(b"POST /x", true), Some(SSL_R_HTTP_REQUEST));
        assert_eq!(reason_for_record_header(b"HEAD /", true), Some(SSL_R_HTTP_REQUEST));
        assert_eq!(reason_for_record_header(b"PUT /x", true), Some(SSL_R_HTTP_REQUEST));
        assert_eq!(reason_for_record_header(b"CONNECT h:443", true), Some(SSL_R_HTTPS_PROXY_REQUEST));
        assert_eq!(reason_for_record_header(b"GET / HTTP/1.1", false), Some(SSL_R_WRONG_VERSION_NUMBER));
        assert_eq!(reason_for_record_header(b"HTTP/1.0 400", true), Some(SSL_R_WRONG_VERSION_NUMBER));
        assert_eq!(reason_for_record_header(b"\x16\x04\x03\x00\x05", true), Some(SSL_R_WRONG_VERSION_NUMBER));
        assert_eq!(reason_for_record_header(b"\x63\x03\x01\x00\x05", true), Some(SSL_R_UNEXPECTED_MESSAGE));
        assert_eq!(reason_for_record_header(b"\x16\x03\x07\x00\x05", true), None);
        assert_eq!(reason_for_record_header(b"\x16", true), None);
    }
}
