//! The connection's callbacks: servername, status (OCSP), client certificate, ALPN
//! selection, info and key log.
use std::ffi::CString;
use std::os::raw::{c_int, c_uchar, c_uint};
use std::ptr;
use std::sync::Arc;

use openssl_sys::{EVP_PKEY, X509};

use crate::conn::{AlpnChoice, Ssl};
use crate::crypto::pkey::EvpPkey;
use crate::crypto::x509::X509Cert;
use crate::ctx;
use crate::error;
use crate::keys;

// ---- callbacks into the application -----------------------------------------------------------

/// Runs the context's servername callback for a server that received a ClientHello.
/// Err carries the reason to queue when the callback aborts the handshake.
/// Runs the servername callback; on a fatal answer, OpenSSL's reason and the alert the
/// callback chose (unrecognized_name unless it set another).
pub(crate) fn run_servername_callback(ssl: &Arc<Ssl>) -> Result<(), (c_int, u8)> {
    let cb = ssl.callbacks().servername;
    let mut alert: c_int = 112; // unrecognized_name
                                // SAFETY: the application's callback receives its own handle and an alert slot that
                                // outlives the call.
    let Some(r) = (unsafe { cb.invoke((ssl.app_ptr(), &mut alert)) }) else { return Ok(()) };
    match r {
        2 => Err((error::SSL_R_CALLBACK_FAILED, u8::try_from(alert).unwrap_or(80))),
        _ => Ok(()),
    }
}

/// Server: runs the context's status callback (`SSL_CTX_set_tlsext_status_cb`) once the
/// certificate is chosen, if the client asked for the certificate's status; the callback
/// sets the response with `SSL_set_tlsext_status_ocsp_resp`.
pub(crate) fn run_status_callback(ssl: &Arc<Ssl>) -> crate::keys::Staple {
    use crate::keys::Staple;
    const SSL_TLSEXT_ERR_OK: c_int = 0;
    const SSL_TLSEXT_ERR_NOACK: c_int = 3;
    const TLSEXT_TYPE_STATUS_REQUEST: u16 = 5;
    let cb = ssl.callbacks().status;
    if !cb.is_set() || ssl.client_hello().is_none_or(|h| h.extension(TLSEXT_TYPE_STATUS_REQUEST).is_none()) {
        return Staple::Nothing;
    }
    // SAFETY: the application's callback receives its own handle.
    match unsafe { cb.invoke((ssl.app_ptr(),)) } {
        None => Staple::Nothing,
        Some(SSL_TLSEXT_ERR_OK) => {
            let ocsp = ssl.peer().ocsp.clone();
            if ocsp.is_empty() {
                Staple::Nothing
            } else {
                Staple::Response(ocsp)
            }
        }
        Some(SSL_TLSEXT_ERR_NOACK) => Staple::Nothing,
        Some(_) => {
            error::raise(error::SSL_R_CLIENTHELLO_TLSEXT);
            Staple::Fatal
        }
    }
}

/// Client: runs the context's status callback once the server's certificate is verified,
/// if this connection asked for the status (`SSL_set_tlsext_status_type`); `ocsp` is what
/// the server stapled (empty if nothing). Err carries OpenSSL's reason when the callback
/// rejects the response (0) or fails (negative).
pub(crate) fn run_client_status_callback(ssl: &Arc<Ssl>, ocsp: &[u8]) -> Result<(), c_int> {
    const TLSEXT_STATUSTYPE_OCSP: c_int = 1;
    // rustls asks every server for the status; only a connection that wanted it sees it.
    if ssl.settings().status_type != TLSEXT_STATUSTYPE_OCSP {
        return Ok(());
    }
    ssl.peer().ocsp = ocsp.to_vec();
    let cb = ssl.callbacks().status;
    // SAFETY: the application's callback receives its own handle.
    match unsafe { cb.invoke((ssl.app_ptr(),)) } {
        Some(0) => Err(error::SSL_R_INVALID_STATUS_RESPONSE),
        Some(r) if r < 0 => Err(error::ERR_R_MALLOC_FAILURE),
        _ => Ok(()),
    }
}

/// Client: asks the context's client certificate callback for a certificate and key when
/// the server requested one and the connection has none; a pair it hands over becomes
/// the connection's (its references are ours, as in OpenSSL). Only success counts: the
/// callback cannot suspend the handshake here (-1 is taken as "none", README).
pub(crate) fn run_client_cert_callback(ssl: &Arc<Ssl>) {
    let Some(cb) = ssl.callbacks().client_cert else { return };
    if ssl.settings().cert.complete().next().is_some() {
        return;
    }
    let mut x509: *mut X509 = ptr::null_mut();
    let mut pkey: *mut EVP_PKEY = ptr::null_mut();
    // SAFETY: the application's callback gets its handle and two out-parameters.
    let r = unsafe { cb(ssl.app_ptr(), &mut x509, &mut pkey) };
    // SAFETY: whatever the callback handed over is ours to release (NULL is allowed).
    let (cert, key) = unsafe { (X509Cert::from_owned(x509), EvpPkey::from_owned(pkey)) };
    if r != 1 {
        return;
    }
    if let (Some(cert), Some(key)) = (cert, key) {
        let mut settings = ssl.settings();
        if keys::use_certificate(&mut settings, cert) && !keys::use_private_key(&mut settings, key) {
            error::raise(error::SSL_R_BAD_DATA_RETURNED_BY_CALLBACK);
        }
    }
}

/// Runs the context's ALPN select callback over the client's offered list.
pub(crate) fn run_alpn_select_callback(ssl: &Arc<Ssl>, offered: &[u8]) -> AlpnChoice {
    let cb = ssl.callbacks().alpn_select;
    let mut out: *const c_uchar = ptr::null();
    let mut outlen: c_uchar = 0;
    // SAFETY: `offered` outlives the call; the callback writes a pointer into memory it
    // owns (or into `offered`) and its length, which we copy at once.
    let answer =
        unsafe { cb.invoke((ssl.app_ptr(), &mut out, &mut outlen, offered.as_ptr(), offered.len() as c_uint)) };
    let Some(r) = answer else { return AlpnChoice::NotCalled };
    // As OpenSSL's tls_handle_alpn: OK uses the choice (an empty one is a failure),
    // NOACK goes on without ALPN, and every other value (ALERT_FATAL, ALERT_WARNING,
    // anything out of range) ends the handshake with no_application_protocol.
    match r {
        0 if !out.is_null() && outlen > 0 => {
            // SAFETY: the callback promises `outlen` readable bytes at `out`.
            AlpnChoice::Selected(unsafe { std::slice::from_raw_parts(out, outlen as usize) }.to_vec())
        }
        0 => AlpnChoice::Empty,
        3 => AlpnChoice::NoAck,
        _ => AlpnChoice::Fatal,
    }
}

/// Runs the info callback (the SSL's own, else its context's).
pub(crate) fn run_info_callback(ssl: &Arc<Ssl>, event: c_int, value: c_int) {
    let cb = ssl.info_callback().or_else(|| ssl.callbacks().info);
    if let Some(cb) = cb {
        // SAFETY: the application's callback receives its own handle.
        unsafe { cb(ssl.app_ptr(), event, value) };
    }
}

/// Hands one NSS key log line to the application's callback.
pub(crate) fn run_keylog_callback(ssl: &Arc<Ssl>, cb: ctx::KeylogCb, line: &str) {
    let (Some(cb), Ok(line)) = (cb, CString::new(line)) else { return };
    // SAFETY: the line is NUL-terminated and lives for the call.
    unsafe { cb(ssl.app_ptr(), line.as_ptr()) };
}
