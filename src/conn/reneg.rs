//! Renegotiation and post-handshake authentication, which rustls lacks: OpenSSL's
//! checks, then the refusal.

use crate::error;

use super::*;

impl Ssl {
    /// `SSL_clear`-like reset for reuse of the object (keeps the session).
    /// `SSL_renegotiate` on an established connection: rustls cannot renegotiate, so the
    /// request is refused. Until the connection reads or writes again, the handshake it
    /// asked for shows in `SSL_get_state` (HelloRequest) and `SSL_do_handshake` fails
    /// naming what is missing; the first `SSL_is_init_finished` after that failure says
    /// 0 -- the handshake did not finish -- and the connection is then the established
    /// one again. mod_ssl's per-directory `SSLVerifyClient` (renegotiate, handshake,
    /// `SSL_is_init_finished`, then write its answer) thus logs the error and answers
    /// 403 at once instead of waiting its `Timeout` for a handshake that never comes.
    /// OpenSSL's own refusals come first, with its reasons: TLS 1.3 has no renegotiation,
    /// `SSL_OP_NO_RENEGOTIATION` forbids it.
    pub fn refuse_renegotiation(&self, function: &str) {
        if self.version() == crate::ctx::TLS1_3_VERSION {
            error::raise(error::SSL_R_WRONG_SSL_VERSION);
            return;
        }
        if self.settings().options & crate::ctx::SSL_OP_NO_RENEGOTIATION != 0 {
            error::raise(error::SSL_R_NO_RENEGOTIATION);
            return;
        }
        error::raise_unsupported(function);
        if self.state() != HandshakeState::Done {
            return;
        }
        let asked =
            if self.is_server() { crate::statem::HsState::SwHelloReq } else { crate::statem::HsState::CwClntHello };
        self.shown.set(asked);
        self.reneg.set(Reneg::Requested);
    }

    /// `SSL_verify_client_post_handshake`: OpenSSL's checks and reasons (a TLS 1.3 server
    /// whose handshake is done, a client that offered post-handshake authentication),
    /// then the refusal: rustls cannot request a certificate after the handshake.
    pub fn refuse_post_handshake_auth(&self) {
        let reason = if self.version() != crate::ctx::TLS1_3_VERSION {
            error::SSL_R_WRONG_SSL_VERSION
        } else if !self.is_server() {
            error::SSL_R_NOT_SERVER
        } else if !self.is_init_finished() {
            error::SSL_R_STILL_IN_INIT
        } else if !self.peer().client_offered_pha {
            error::SSL_R_EXTENSION_NOT_RECEIVED
        } else {
            error::raise_unsupported("SSL_verify_client_post_handshake");
            return;
        };
        error::raise(reason);
    }

    /// Reading or writing after a refused renegotiation: the connection goes on as it was.
    pub(super) fn forget_refused_renegotiation(&self) {
        if self.reneg.replace(Reneg::Idle) != Reneg::Idle {
            self.shown.set(crate::statem::HsState::Ok);
        }
    }
}
