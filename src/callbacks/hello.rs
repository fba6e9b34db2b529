//! The client-hello and certificate callbacks: what the application answers decides
//! whether the server's handshake goes on, waits, or fails.
use std::os::raw::c_int;
use std::sync::Arc;

use crate::conn::Ssl;

/// `SSL_CLIENT_HELLO_*`: what the callback answered.
pub enum HelloVerdict {
    Proceed,
    /// Suspend the handshake (`SSL_ERROR_WANT_CLIENT_HELLO_CB`); call again later.
    Retry,
    /// Abort; the callback's alert.
    Fail(u8),
}

const SSL_CLIENT_HELLO_SUCCESS: c_int = 1;
const SSL_CLIENT_HELLO_RETRY: c_int = -1;
const SSL_AD_INTERNAL_ERROR: c_int = 80;

/// Runs the context's client-hello callback, if any, over `hello`.
pub(crate) fn run_client_hello_callback(ssl: &Arc<Ssl>) -> HelloVerdict {
    let cb = ssl.callbacks().client_hello;
    let mut alert: c_int = SSL_AD_INTERNAL_ERROR;
    // SAFETY: the application's callback receives its own handle and an alert slot that
    // outlives the call.
    let Some(answer) = (unsafe { cb.invoke((ssl.app_ptr(), &mut alert)) }) else { return HelloVerdict::Proceed };
    match answer {
        SSL_CLIENT_HELLO_SUCCESS => HelloVerdict::Proceed,
        SSL_CLIENT_HELLO_RETRY => HelloVerdict::Retry,
        _ => HelloVerdict::Fail(u8::try_from(alert).unwrap_or(SSL_AD_INTERNAL_ERROR as u8)),
    }
}

/// Runs the certificate callback in force (the SSL's, else its context's): 1 proceeds,
/// a negative answer suspends the handshake, 0 fails it.
pub(crate) fn run_cert_callback(ssl: &Arc<Ssl>) -> HelloVerdict {
    // SAFETY: the application's callback receives its own handle.
    let Some(answer) = (unsafe { ssl.cert_callback().invoke((ssl.app_ptr(),)) }) else { return HelloVerdict::Proceed };
    match answer {
        r if r > 0 => HelloVerdict::Proceed,
        r if r < 0 => HelloVerdict::Retry,
        _ => HelloVerdict::Fail(SSL_AD_INTERNAL_ERROR as u8),
    }
}
