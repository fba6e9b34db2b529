//! Why an I/O call did not complete (`SSL_get_error`, `SSL_want`), and the mapping
//! of rustls errors and transport ends onto it.

use std::os::raw::c_int;
use std::sync::atomic::Ordering;

use crate::crypto::bio::{Bio, Retry};
use crate::error;

use super::*;

packed_enum! {
    /// Why an I/O call did not complete: the basis of `SSL_get_error`.
    pub enum Failure {
        WantRead = 1,
        WantWrite = 2,
        ZeroReturn = 3,
        /// The transport failed or closed without a TLS error.
        Syscall = 4,
        /// A TLS or usage error, queued on the error stack.
        Ssl = 5,
        /// A fatal error that ended the stream while reading (a fatal alert from the peer,
        /// or end of stream without close_notify): `SSL_read` returns 0, not -1.
        Closed = 6,
        /// The client-hello callback suspended the handshake.
        WantClientHello = 7,
        /// The certificate callback suspended the handshake (`SSL_ERROR_WANT_X509_LOOKUP`).
        WantX509Lookup = 9,
        /// The method has no handshake for the role asked for (a client-only method in
        /// accept state or the reverse): OpenSSL's handshake function is its "undefined
        /// function", which returns 0 with `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED` queued.
        WrongRole = 8,
    }
}

impl Ssl {
    pub(super) fn fail(&self, f: Failure) -> Failure {
        self.last_failure.set(Some(f));
        f
    }

    /// `SSL_get_error`, derived from the last call's outcome, the BIOs and the error queue.
    pub fn get_error(&self, ret: c_int) -> c_int {
        if ret > 0 {
            return SSL_ERROR_NONE;
        }
        let e = crate::crypto::err::peek();
        if e != 0 {
            let lib = ((e >> 23) & 0xff) as c_int;
            return if lib == error::ERR_LIB_SYS { SSL_ERROR_SYSCALL } else { SSL_ERROR_SSL };
        }
        match self.last_failure.get() {
            Some(Failure::WantRead) => self.want_from_bio(self.rbio(), SSL_ERROR_WANT_READ),
            Some(Failure::WantWrite) => self.want_from_bio(self.wbio(), SSL_ERROR_WANT_WRITE),
            Some(Failure::ZeroReturn) => SSL_ERROR_ZERO_RETURN,
            Some(Failure::WantClientHello) => SSL_ERROR_WANT_CLIENT_HELLO_CB,
            Some(Failure::WantX509Lookup) => SSL_ERROR_WANT_X509_LOOKUP,
            Some(Failure::Ssl | Failure::Closed | Failure::WrongRole) => SSL_ERROR_SSL,
            _ => {
                // try_lock: SSL_get_error may be called from a callback inside a handshake.
                let peer_closed = self.tls.try_lock().map(|t| t.peer_closed).unwrap_or(false);
                if self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN != 0 && peer_closed {
                    SSL_ERROR_ZERO_RETURN
                } else {
                    SSL_ERROR_SYSCALL
                }
            }
        }
    }

    /// `SSL_want`: what the last call waited for (OpenSSL's `rwstate`): SSL_NOTHING (1),
    /// SSL_WRITING (2), SSL_READING (3), SSL_X509_LOOKUP (4), SSL_CLIENT_HELLO_CB (7).
    pub fn want(&self) -> c_int {
        let error = match self.last_failure.get() {
            Some(Failure::WantRead) => self.want_from_bio(self.rbio(), SSL_ERROR_WANT_READ),
            Some(Failure::WantWrite) => self.want_from_bio(self.wbio(), SSL_ERROR_WANT_WRITE),
            Some(Failure::WantX509Lookup) => SSL_ERROR_WANT_X509_LOOKUP,
            Some(Failure::WantClientHello) => SSL_ERROR_WANT_CLIENT_HELLO_CB,
            _ => SSL_ERROR_NONE,
        };
        match error {
            SSL_ERROR_WANT_WRITE => 2,
            SSL_ERROR_WANT_READ => 3,
            SSL_ERROR_WANT_X509_LOOKUP => 4,
            SSL_ERROR_WANT_CLIENT_HELLO_CB => 7,
            _ => 1,
        }
    }

    fn want_from_bio(&self, bio: Option<Bio>, default: c_int) -> c_int {
        match bio.and_then(|b| b.retry()) {
            Some(Retry::Read) => SSL_ERROR_WANT_READ,
            Some(Retry::Write) => SSL_ERROR_WANT_WRITE,
            // A connect or accept BIO still establishing its socket (non-blocking).
            Some(Retry::Special(crate::crypto::bio::BIO_RR_CONNECT)) => SSL_ERROR_WANT_CONNECT,
            Some(Retry::Special(crate::crypto::bio::BIO_RR_ACCEPT)) => SSL_ERROR_WANT_ACCEPT,
            Some(Retry::Special(_)) => SSL_ERROR_SYSCALL,
            None => default,
        }
    }

    /// A fatal TLS error: queue OpenSSL's reason, send rustls' alert, end the connection.
    pub(super) fn tls_error(&self, tls: &mut Tls, e: &rustls::Error) -> Failure {
        // A server that does not speak TLS at all (its first record is plain text, an
        // HTTP reply, an SMTP refusal) gets no alert from OpenSSL's client, and the
        // record is named by its header: a program falling back to plain text on the
        // same connection must not find our alert bytes there.
        if !self.is_server() && self.state() != HandshakeState::Done {
            let reason = tls.records.only_first_header().and_then(|h| error::reason_for_record_header(&h, true));
            if let Some(reason) = reason.filter(|&r| r != error::SSL_R_UNEXPECTED_MESSAGE) {
                error::raise(reason);
                tls.engine = Engine::Dead;
                self.set_state(HandshakeState::Failed);
                return self.fail(Failure::Ssl);
            }
        }
        // The states the handshake passed before failing come before its alert.
        current(|ssl| ssl.report_failure_progress(tls));
        match e {
            // A record header rustls refuses: OpenSSL's record layer judges the version
            // first ("wrong version number"), then the type ("unexpected message" during
            // the handshake, "bad record type" after it).
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
                let reason = error::reason_for_record_header(&tls.records.last_header(), false)
                    .unwrap_or(error::SSL_R_UNEXPECTED_MESSAGE);
                error::raise(if reason == error::SSL_R_UNEXPECTED_MESSAGE && self.state() == HandshakeState::Done {
                    error::SSL_R_BAD_RECORD_TYPE
                } else {
                    reason
                })
            }
            // A TLS 1.2 server without a common group has no usable ECDHE suite: OpenSSL
            // says "no shared cipher" there ("no suitable key share" is TLS 1.3's).
            rustls::Error::PeerIncompatible(rustls::PeerIncompatible::NoKxGroupsInCommon)
                if self.is_server() && !self.client_offers_usable_tls13() =>
            {
                error::raise(error::SSL_R_NO_SHARED_CIPHER)
            }
            _ => error::raise_rustls(e),
        }
        // The info callback hears of fatal alerts, as with OpenSSL: the peer's, and ours
        // where the alert rustls sends is known (certificate verification failures).
        let fatal = |desc: rustls::AlertDescription| (2 << 8) | c_int::from(u8::from(desc));
        match e {
            rustls::Error::AlertReceived(desc) => {
                current(|ssl| ssl.info(SSL_CB_READ_ALERT, fatal(*desc)));
            }
            rustls::Error::InvalidCertificate(cert) => {
                let desc = rustls::AlertDescription::from(cert.clone());
                current(|ssl| ssl.info(SSL_CB_WRITE_ALERT, fatal(desc)));
            }
            rustls::Error::Other(_) if error::verify_error_of(e).is_some() => {
                current(|ssl| ssl.info(SSL_CB_WRITE_ALERT, fatal(rustls::AlertDescription::HandshakeFailure)));
            }
            _ => {}
        }
        let _ = self.flush(tls);
        tls.engine = Engine::Dead;
        self.mark_fatal();
        if self.state() != HandshakeState::Done {
            self.set_state(HandshakeState::Failed);
            return self.fail(Failure::Ssl);
        }
        self.fail(if matches!(e, rustls::Error::AlertReceived(_)) { Failure::Closed } else { Failure::Ssl })
    }

    pub(super) fn unexpected_eof(&self, tls: &mut Tls) -> Failure {
        // With SSL_OP_IGNORE_UNEXPECTED_EOF the end of the transport counts as
        // close_notify, during the handshake too (SSL_ERROR_ZERO_RETURN, nothing queued,
        // the connection stays in init: nginx logs it as a peer that closed).
        let ignore = self.settings().options & crate::ctx::SSL_OP_IGNORE_UNEXPECTED_EOF != 0;
        if ignore {
            self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
            tls.peer_closed = true;
            return self.fail(Failure::ZeroReturn);
        }
        error::raise(error::SSL_R_UNEXPECTED_EOF_WHILE_READING);
        tls.engine = Engine::Dead;
        self.mark_fatal();
        if self.state() != HandshakeState::Done {
            self.set_state(HandshakeState::Failed);
            return self.fail(Failure::Ssl);
        }
        self.fail(Failure::Closed)
    }
}
