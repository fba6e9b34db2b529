//! OpenSSL's handshake states as the connection shows them: the info callback's events
//! and `SSL_state_string`.

use std::os::raw::c_int;
use std::sync::atomic::Ordering;
use std::sync::{Arc, MutexGuard};

use rustls::HandshakeKind;

use super::*;

impl Ssl {
    // ---- OpenSSL's handshake states (the info callback, SSL_state_string) ----------------

    pub(super) fn statem(&self) -> MutexGuard<'_, crate::statem::Mirror> {
        lock(&self.statem)
    }

    /// The state `SSL_get_state`/`SSL_state_string` report, and whether the handshake failed.
    pub fn shown_state(&self) -> (crate::statem::HsState, bool) {
        (self.shown.get(), self.shown_error.load(Ordering::Relaxed))
    }

    /// Runs the info callback for each event, `SSL_state_string` showing the state each is
    /// about (OpenSSL passes the role only with LOOP and EXIT events).
    pub(super) fn emit(self: &Arc<Self>, events: Vec<crate::statem::Event>) {
        use crate::statem::Event;
        const SSL_CB_LOOP: c_int = 0x01;
        const SSL_CB_EXIT: c_int = 0x02;
        let role = if self.is_server() { SSL_ST_ACCEPT } else { SSL_ST_CONNECT };
        let has_cb = self.info_callback().is_some() || self.callbacks().info.is_some();
        for e in events {
            let (state, error, where_, ret) = match e {
                Event::Start(s) => (s, false, SSL_CB_HANDSHAKE_START, 1),
                Event::Loop(s) => (s, false, role | SSL_CB_LOOP, 1),
                Event::Exit(s, r) => (s, false, role | SSL_CB_EXIT, r),
                Event::ExitError(r) => (self.shown_state().0, true, role | SSL_CB_EXIT, r),
                Event::Done(s) => (s, false, SSL_CB_HANDSHAKE_DONE, 1),
            };
            self.shown.set(state);
            self.shown_error.store(error, Ordering::Relaxed);
            if has_cb {
                self.info(where_, ret);
            }
        }
        let m = self.statem();
        self.shown.set(m.state);
        self.shown_error.store(m.error, Ordering::Relaxed);
    }

    /// The flow this handshake follows, once rustls knows the version (provisional
    /// before: only the states up to the first flight are the same in every flow).
    fn hs_flow(&self, tls: &Tls) -> crate::statem::Flow {
        let now = self.hs_flow_now(tls);
        let known = matches!(&tls.engine, Engine::Active(c) if c.protocol_version().is_some());
        self.statem().settle_flow(now, known)
    }

    fn hs_flow_now(&self, tls: &Tls) -> crate::statem::Flow {
        let server = self.is_server();
        let mut flow = crate::statem::Flow { server, ..Default::default() };
        let Engine::Active(conn) = &tls.engine else { return flow };
        let Some(version) = conn.protocol_version() else { return flow };
        flow.tls13 = version == rustls::ProtocolVersion::TLSv1_3;
        flow.resumed = conn.handshake_kind() == Some(HandshakeKind::Resumed);
        let (options, verify_mode) = {
            let st = self.settings();
            (st.options, st.verify_mode)
        };
        let hello = if server { self.client_hello() } else { None };
        let p = self.peer();
        if server {
            flow.cert_requested = verify_mode & crate::ctx::SSL_VERIFY_PEER != 0;
            flow.client_cert = !p.chain.is_empty();
            flow.status = !flow.tls13 && !p.ocsp.is_empty() && hello.as_ref().is_some_and(|h| h.extension(5).is_some());
            flow.ticket = !flow.tls13 && self.server_hs.tickets_made.load(Ordering::Relaxed) > 0;
        } else {
            flow.cert_requested = p.cert_requested;
            flow.client_cert = p.client_cert_sent;
            flow.status = !flow.tls13 && !p.ocsp.is_empty();
        }
        if !server && !flow.tls13 {
            flow.ticket = p.ticket_received;
        }
        drop(p);
        flow.ccs = flow.tls13
            && options & crate::ctx::SSL_OP_ENABLE_MIDDLEBOX_COMPAT != 0
            && (!server || hello.is_some_and(|h| !h.session_id().is_empty()));
        flow
    }

    /// A handshake call stops: waiting for the peer, or failed.
    pub(super) fn report_stop(self: &Arc<Self>, tls: &mut Tls, f: Failure) {
        if self.state() == HandshakeState::Done || matches!(tls.engine, Engine::Idle) {
            return;
        }
        let waiting = matches!(
            f,
            Failure::WantRead
                | Failure::WantWrite
                | Failure::WantClientHello
                | Failure::WantX509Lookup
                | Failure::ZeroReturn
        );
        let plan = crate::statem::Plan::of(&self.hs_flow(tls));
        let ev = {
            let mut m = self.statem();
            if !waiting {
                m.failed(None, None)
            } else if usize::from(tls.flights) > m.waits() {
                m.wait(&plan)
            } else {
                m.idle()
            }
        };
        self.emit(ev);
    }

    /// A fatal error is about to be reported: the states passed before it. A client
    /// that read the server's hello is past it (and, in TLS 1.3, past the encrypted
    /// extensions that came with it): OpenSSL fails on the message after those.
    pub(super) fn report_failure_progress(self: &Arc<Self>, tls: &Tls) {
        if self.is_server() || self.state() != HandshakeState::InProgress {
            return;
        }
        let flow = self.hs_flow(tls);
        let Engine::Active(conn) = &tls.engine else { return };
        if conn.protocol_version().is_none() {
            return;
        }
        let plan = crate::statem::Plan::of(&flow);
        let target = if flow.tls13 {
            crate::statem::HsState::CrEncryptedExtensions
        } else {
            crate::statem::HsState::CrSrvrHello
        };
        let ev = {
            let mut m = self.statem();
            match plan.index_of(target) {
                Some(i) => m.advance(&plan, i),
                None => Vec::new(),
            }
        };
        self.emit(ev);
    }

    /// The handshake completed.
    pub(super) fn report_done(self: &Arc<Self>, tls: &Tls) {
        let flow = self.hs_flow(tls);
        let plan = crate::statem::Plan::of(&flow);
        let tickets = if flow.server && flow.tls13 { self.server_hs.tickets_made.load(Ordering::Relaxed) } else { 0 };
        let ev = self.statem().done(&plan, tickets);
        self.emit(ev);
    }

    pub(super) fn info(self: &Arc<Self>, event: c_int, value: c_int) {
        crate::callbacks::ssl::run_info_callback(self, event, value);
    }
}
