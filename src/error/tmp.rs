//! TEMPORARY until mapping.rs lands.
pub fn reason_for_rustls(e: &rustls::Error) -> std::os::raw::c_int {
    match e { rustls::Error::InvalidCertificate(_) => super::SSL_R_CERTIFICATE_VERIFY_FAILED, _ => super::SSL_R_UNEXPECTED_MESSAGE }
}
pub fn certificate_error_for(_code: i32) -> rustls::CertificateError { rustls::CertificateError::UnknownIssuer }
