//! OpenSSL-compatible errors: `ERR_LIB_SSL` reason codes pushed onto libcrypto's
//! thread-local error queue, so `ERR_get_error`/`ERR_error_string_n` behave as with
//! OpenSSL's own libssl.

pub mod reasons;

use std::os::raw::c_int;

use crate::crypto::err as queue;

pub use reasons::*;

pub const ERR_LIB_SSL: c_int = 20;
pub const ERR_LIB_SYS: c_int = 2;
const ERR_RFLAG_FATAL: c_int = 1 << 18;
const ERR_RFLAG_COMMON: c_int = 2 << 18;
const ERR_R_FATAL: c_int = ERR_RFLAG_FATAL | ERR_RFLAG_COMMON;
pub const ERR_R_MALLOC_FAILURE: c_int = 256 | ERR_R_FATAL;
pub const ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED: c_int = 257 | ERR_R_FATAL;
pub const ERR_R_PASSED_NULL_PARAMETER: c_int = 258 | ERR_R_FATAL;
pub const ERR_R_INTERNAL_ERROR: c_int = 259 | ERR_R_FATAL;
pub const ERR_R_PASSED_INVALID_ARGUMENT: c_int = 262 | ERR_RFLAG_COMMON;
pub const ERR_R_UNSUPPORTED: c_int = 268 | ERR_RFLAG_COMMON;
pub const ERR_R_SYS_LIB: c_int = ERR_LIB_SYS | ERR_RFLAG_COMMON;
pub const ERR_R_BUF_LIB: c_int = 7 | ERR_RFLAG_COMMON;
pub const ERR_R_EVP_LIB: c_int = 6 | ERR_RFLAG_COMMON;
pub const ERR_R_PEM_LIB: c_int = 9 | ERR_RFLAG_COMMON;
pub const ERR_R_X509_LIB: c_int = 11 | ERR_RFLAG_COMMON;
pub const ERR_R_ASN1_LIB: c_int = 13 | ERR_RFLAG_COMMON;

/// Pushes `reason` (library SSL) onto the calling thread's error queue.
#[track_caller]
pub fn raise(reason: c_int) {
    let loc = std::panic::Location::caller();
    log_error(reason, None, loc);
    queue::push(ERR_LIB_SSL, reason, loc.file(), loc.line(), None);
}

/// Pushes `reason` with an explanatory data string (shown by `ERR_print_errors`).
#[track_caller]
pub fn raise_with_data(reason: c_int, data: &str) {
    let loc = std::panic::Location::caller();
    log_error(reason, Some(data), loc);
    queue::push(ERR_LIB_SSL, reason, loc.file(), loc.line(), Some(data));
}

/// `OXISSL_LOG=info`: every error oxissl queues, with its reason text and origin.
fn log_error(reason: c_int, data: Option<&str>, loc: &std::panic::Location<'_>) {
    crate::log::oxlog!(
        Info,
        "error queued: {} ({}){}{} at {}:{}",
        queue::reason_text(ERR_LIB_SSL, reason).unwrap_or_else(|| "unknown reason".into()),
        reason & 0xfff,
        if data.is_some() { ": " } else { "" },
        data.unwrap_or(""),
        loc.file(),
        loc.line()
    );
}

/// The error for a function oxissl exports but does not implement.
#[track_caller]
pub fn raise_unsupported(function: &str) {
    raise_with_data(ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED, &format!("{function} is not supported by oxissl"));
}

/// An external-PSK call (TLS-PSK cipher suites, TLS 1.3 external PSKs): the error names
/// the feature, which rustls does not have, so that a PSK listener fails at set-up.
#[track_caller]
pub fn raise_unsupported_psk(function: &str) {
    raise_with_data(
        ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
        &format!("{function} is not supported by oxissl: rustls has no pre-shared keys (PSK)"),
    );
}

/// A NULL pointer passed where OpenSSL requires an object.
#[track_caller]
pub fn raise_null(function: &str) {
    raise_with_data(ERR_R_PASSED_NULL_PARAMETER, function);
}

/// A panic was caught at the C boundary: report it instead of unwinding into C.
pub fn raise_panic(function: &str) {
    raise_with_data(ERR_R_INTERNAL_ERROR, &format!("internal error in {function}"));
}

/// Registers the SSL library's reason strings with libcrypto (idempotent).
pub fn load_strings() {
    crate::crypto::err::init_crypto_strings();
    strings::load();
}

pub mod strings;

pub mod alerts;
pub mod mapping;
pub use mapping::reason_for_rustls;
pub use mapping::{
    alert_for_verify_error, raise_rustls, reason_for_alert, reason_for_record_header, verify_error_of, verify_failure,
    x509_verify_error, X509VerifyFailure,
};
