//! The handshake driver: starting, the server's ClientHello, certificate choice,
//! verification, and settling the connection when it completes.

use std::ffi::CString;
use std::io::{BufRead, Write};
use std::os::raw::{c_int, c_void};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, Connection, HandshakeKind};

use crate::crypto::x509::{self, X509Cert};
use crate::ctx::{Role, Stats};
use crate::error;
use crate::session::SslSession;
use crate::verify::Outcome;

use super::current::{reentered, Driving};
use super::transport::BioWriter;
use super::*;

impl Ssl {
    /// The rustls certificate this connection presents: the first complete one (the
    /// current first) whose key can sign with one of the peer's `schemes`.
    pub fn certified_key_for(&self, schemes: &[rustls::SignatureScheme]) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let certs = self.settings().cert.clone();
        let ctx = self.ctx();
        let extra = ctx.extra_chain();
        let (auto_chain, own_store) = {
            let st = self.settings();
            (st.mode & crate::ctx::SSL_MODE_NO_AUTO_CHAIN == 0, st.chain_store.clone())
        };
        let ctx_store = ctx.store();
        let chain_store = auto_chain.then_some(own_store.as_deref().unwrap_or(&ctx_store));
        let candidates: Vec<_> =
            certs.complete().filter_map(|c| Some((c, c.certified(&extra, chain_store)?))).collect();
        // Between several certificates (RSA and ECDSA, say) OpenSSL takes, in TLS 1.3, the
        // one that signs with the first shared signature scheme, and in TLS 1.2 the one
        // the first shared cipher suite authenticates with; the peer's order, or ours
        // with SSL_OP_CIPHER_SERVER_PREFERENCE. Without one for the peer's schemes, the
        // current one is offered anyway: rustls then fails as OpenSSL does ("no shared
        // cipher").
        let server_pref = self.settings().options & crate::ctx::SSL_OP_CIPHER_SERVER_PREFERENCE != 0;
        let usable = |ck: &rustls::sign::CertifiedKey, scheme: &[rustls::SignatureScheme]| {
            ck.key.choose_scheme(scheme).is_some()
        };
        let found = match self.tls12_suite_order(server_pref) {
            Some(suites) => {
                // TLS 1.2 (RFC 8422): an ECDSA certificate whose curve the client does not
                // list, or we do not allow, authenticates no suite, as OpenSSL checks.
                let allowed: Vec<_> = candidates.iter().filter(|(slot, _)| self.tls12_curve_allowed(slot)).collect();
                let found = suites.iter().filter_map(|c| c.certificate_key()).find_map(|kind| {
                    allowed.iter().find(|(_, ck)| ck.key.algorithm() == kind && usable(ck, schemes)).copied()
                });
                if found.is_none() && allowed.is_empty() {
                    // Nothing OpenSSL would use: a key of no algorithm any suite
                    // authenticates makes rustls fail as OpenSSL does ("no shared cipher",
                    // handshake_failure).
                    let (slot, certified) = candidates.first()?;
                    self.settings().cert.select_chosen(slot);
                    return Some(crate::keys::refusing(certified));
                }
                found
            }
            None => {
                let order: Vec<rustls::SignatureScheme> = if server_pref {
                    crate::verify::preferred_schemes().into_iter().filter(|s| schemes.contains(s)).collect()
                } else {
                    schemes.to_vec()
                };
                order.iter().find_map(|s| candidates.iter().find(|(_, ck)| usable(ck, std::slice::from_ref(s))))
            }
        };
        let found = found.or_else(|| candidates.first());
        let (slot, certified) = found.cloned()?;
        // As in OpenSSL, the chosen certificate becomes the connection's current one
        // (`SSL_get_certificate` in the status callback that follows).
        self.settings().cert.select_chosen(slot);
        Some(certified)
    }

    /// Server, while choosing its certificate: the TLS 1.2 suites both sides have, in
    /// the order that decides (the client's, or ours with server preference); None when
    /// the handshake will be TLS 1.3 (the client offers it and we allow it).
    /// Server: whether the handshake will be TLS 1.3 (the client offers it, we allow it).
    pub(super) fn client_offers_usable_tls13(&self) -> bool {
        const SUPPORTED_VERSIONS: u16 = 43;
        let we13 = self.settings().versions().iter().any(|v| v.version == rustls::ProtocolVersion::TLSv1_3);
        we13 && self.client_hello().is_some_and(|h| {
            h.extension(SUPPORTED_VERSIONS)
                .is_some_and(|v| v.get(1..).unwrap_or(&[]).chunks_exact(2).any(|c| c == [3, 4]))
        })
    }

    /// Whether a TLS 1.2 server may use this certificate's key as far as curves go: not an
    /// EC key, or one on a curve in the client's supported groups (a client that sends
    /// none accepts any; the server's own list does not matter, as in OpenSSL).
    fn tls12_curve_allowed(&self, slot: &crate::keys::CertKey) -> bool {
        const SUPPORTED_GROUPS: u16 = 10;
        let Some(nid) = slot.key_curve_nid() else { return true };
        let Some(id) = crate::groups::group_for_nid(nid) else { return false };
        self.client_hello()
            .and_then(|h| {
                let list = h.extension(SUPPORTED_GROUPS)?;
                Some(list.get(2..).unwrap_or(&[]).chunks_exact(2).any(|c| u16::from_be_bytes([c[0], c[1]]) == id))
            })
            .unwrap_or(true)
    }

    fn tls12_suite_order(&self, server_pref: bool) -> Option<Vec<&'static crate::cipher::SslCipher>> {
        let hello = self.client_hello()?;
        if self.client_offers_usable_tls13() {
            return None;
        }
        let ours = self.cipher_settings().tls12_ciphers.clone();
        let offered: Vec<u16> = hello.ciphers().chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        Some(if server_pref {
            ours.iter().copied().filter(|c| offered.contains(&c.protocol_id)).collect()
        } else {
            offered.iter().filter_map(|id| ours.iter().copied().find(|c| c.protocol_id == *id)).collect()
        })
    }

    // ---- verification --------------------------------------------------------------

    /// Verifies the peer's chain with libcrypto and records the outcome.
    pub fn verify_chain(self: &Arc<Self>, leaf: X509Cert, chain: Vec<X509Cert>) -> Outcome {
        let (param, mode, callback) = {
            let s = self.settings();
            (s.param.clone(), s.verify_mode, s.verify_callback)
        };
        let ctx = self.ctx();
        let cbs = self.callbacks();
        // SSL(_CTX)_set1_verify_cert_store replaces the context's store for this.
        let own_store = self.settings().verify_store.clone();
        let ctx_store = ctx.store();
        let store: &x509::X509Store = own_store.as_deref().unwrap_or(&ctx_store);
        let inputs = x509::VerifyInputs {
            store,
            param: &param,
            purpose: if self.is_server() { c"ssl_client" } else { c"ssl_server" },
            callback,
            app_ssl: self.app_ptr() as *mut c_void,
            ex_index: x509::ssl_ex_index(),
            app_verify: cbs.cert_verify.f.map(|f| (f, cbs.cert_verify.arg.0)),
        };
        let mut full_chain = Vec::with_capacity(chain.len() + 1);
        full_chain.push(leaf.clone());
        full_chain.extend(chain.iter().cloned());
        // The records are copied out: the application's verify callback may call back
        // into the connection's DANE functions while libcrypto matches.
        let dane = crate::dane::lock(&self.dane).inputs();
        let verdict = x509::verify_chain(&leaf, &chain, &inputs, dane.as_ref());
        drop(ctx_store);
        self.settings().param.take_peername(Some(&param));
        if dane.is_some() {
            crate::dane::lock(&self.dane).set_found(verdict.dane.clone());
        }
        let accept = verdict.ok || mode & crate::ctx::SSL_VERIFY_PEER == 0;
        {
            let mut p = self.peer();
            p.verify_result = verdict.error as i64;
            // A rejected peer leaves no certificate behind, as in OpenSSL.
            if accept {
                p.chain = full_chain;
                p.verified_chain = verdict.chain;
            }
            p.chain_stacks = [None, None];
        }
        if !verdict.ok && accept {
            // SSL_VERIFY_NONE: the result is recorded and the handshake goes on.
            crate::crypto::err::clear();
        }
        Outcome { accept, error: if verdict.ok { 0 } else { verdict.error } }
    }

    /// `SSL_do_handshake` (and `SSL_connect`/`SSL_accept` after setting the role).
    pub fn handshake(self: &Arc<Self>) -> Result<(), Failure> {
        if reentered(self, "SSL_do_handshake") {
            return Err(self.fail(Failure::Ssl));
        }
        if self.reneg.get() != Reneg::Idle {
            error::raise_with_data(
                error::SSL_R_NO_RENEGOTIATION,
                "renegotiation is not supported by oxissl (rustls has none)",
            );
            self.reneg.set(Reneg::Failed);
            return Err(self.fail(Failure::Ssl));
        }
        let _driving = Driving::enter(self);
        crate::crypto::clear_sys_error();
        self.last_failure.set(None);
        let mut tls = lock(&self.tls);
        self.handshake_locked(&mut tls)
    }

    pub(super) fn handshake_locked(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        let under_way = self.state() == HandshakeState::InProgress && !matches!(tls.engine, Engine::Idle);
        if under_way {
            let ev = self.statem().begin_call(self.is_server(), false);
            self.emit(ev);
        }
        let result = self.handshake_steps(tls);
        if let Err(f) = &result {
            self.report_stop(tls, *f);
        }
        result
    }

    fn handshake_steps(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        // Like OpenSSL's state machine, each handshake step starts from an empty error
        // queue, so that a stale error left by the application (a failed PEM read, say)
        // does not turn this step's outcome into SSL_ERROR_SSL.
        if self.state() != HandshakeState::Done {
            crate::crypto::err::clear();
        }
        if !self.role_set.load(Ordering::Relaxed) {
            error::raise(error::SSL_R_CONNECTION_TYPE_NOT_SET);
            return Err(self.fail(Failure::Ssl));
        }
        let method_role = self.initial_ctx.method.role;
        if (self.is_server() && method_role == Role::Client) || (!self.is_server() && method_role == Role::Server) {
            error::raise(error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
            return Err(self.fail(Failure::WrongRole));
        }
        loop {
            match &tls.engine {
                Engine::Idle => self.start(tls)?,
                // The fatal error was reported when it happened.
                Engine::Dead => return Err(self.fail(Failure::Syscall)),
                Engine::Accepting(_) => {
                    if !self.receive(tls)? {
                        return Err(self.unexpected_eof(tls));
                    }
                    self.accept_hello(tls)?;
                }
                Engine::HelloReceived(_) => {
                    let Engine::HelloReceived(accepted) = std::mem::replace(&mut tls.engine, Engine::Dead) else {
                        unreachable!()
                    };
                    self.proceed_with_hello(tls, *accepted)?;
                }
                Engine::Active(conn) => {
                    let handshaking = conn.is_handshaking();
                    // Reading one record at a time, our answer to the peer's flight is
                    // sent once the flight has been read, in one write (as OpenSSL's
                    // buffered flights): a TLS 1.3 client's change_cipher_spec sent alone
                    // would make Nagle's algorithm hold back its Finished.
                    if !handshaking || !self.peer_bytes_waiting() {
                        match self.flush(tls) {
                            Err(Failure::Syscall) if !handshaking && self.tickets_lost_to_closed_peer(tls) => {}
                            r => r?,
                        }
                    }
                    if !handshaking {
                        if self.state() != HandshakeState::Done {
                            self.finish_handshake(tls);
                        }
                        return Ok(());
                    }
                    match self.receive(tls) {
                        Ok(true) => {}
                        Ok(false) => return Err(self.unexpected_eof(tls)),
                        // Nothing more to read after all: whatever we owe goes out first.
                        Err(Failure::WantRead) => {
                            self.flush(tls)?;
                            return Err(self.fail(Failure::WantRead));
                        }
                        Err(f) => return Err(f),
                    }
                    self.check_offer_refused(tls);
                    // A close_notify in the middle of a handshake ends it cleanly.
                    if let Engine::Active(conn) = &mut tls.engine {
                        if conn.is_handshaking() && conn.reader().fill_buf().is_ok_and(|d| d.is_empty()) {
                            tls.peer_closed = true;
                            self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
                            return Err(self.fail(Failure::ZeroReturn));
                        }
                    }
                }
            }
        }
    }

    fn start(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        let ctx = self.ctx();
        self.set_state(HandshakeState::InProgress);
        let ev = self.statem().begin_call(self.is_server(), true);
        self.emit(ev);
        crate::log::oxlog!(
            Info,
            "handshake start: {} {:p}{}{}",
            if self.is_server() { "server" } else { "client" },
            Arc::as_ptr(self),
            self.hostname().as_ref().map(|h| format!(", server name {}", h.to_string_lossy())).unwrap_or_default(),
            if self.session().is_some() && !self.is_server() { ", offering a session" } else { "" }
        );
        if self.is_server() {
            Stats::bump(&self.initial_ctx.stats.accept);
            self.server_hs.reset();
            // A session set on a server SSL is dropped at its first step, as in OpenSSL.
            self.set_session(None);
            tls.engine = Engine::Accepting(Box::default());
            return Ok(());
        }
        Stats::bump(&self.initial_ctx.stats.connect);
        tls.offered = self.session().filter(|s| self.can_offer(s, &self.settings()));
        if tls.offered.is_none() {
            // OpenSSL starts a fresh session at the ClientHello, releasing one it
            // cannot offer.
            let mut data = self.session_template();
            data.not_resumable = true;
            self.set_session(Some(SslSession::new(data)));
        }
        tls.started = self.session().map(|s| Arc::downgrade(&s));
        // The settings are read under their lock, not cloned: this runs per handshake.
        let (config, alpn) = {
            let settings = self.cipher_settings();
            (ctx.client_config(&settings), settings.alpn.clone())
        };
        let config = match config {
            Ok(c) => c,
            Err(reason) => {
                error::raise(reason);
                self.set_state(HandshakeState::Failed);
                return Err(self.fail(Failure::Ssl));
            }
        };
        let name = match self.hostname().as_ref().and_then(|h| h.to_str().ok().map(str::to_owned)) {
            Some(h) => ServerName::try_from(h).unwrap_or(ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into())),
            None => ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into()),
        };
        match ClientConnection::new_with_alpn(config, name, alpn) {
            Ok(c) => {
                tls.engine = Engine::Active(Connection::Client(c));
                Ok(())
            }
            Err(e) => Err(self.tls_error(tls, &e)),
        }
    }

    /// The ClientHello has arrived: run the SNI and ALPN callbacks, then start the
    /// server connection with the (possibly switched) context's configuration.
    fn accept_hello(self: &Arc<Self>, tls: &mut Tls) -> Result<(), Failure> {
        let Engine::Accepting(acc) = &mut tls.engine else { return Ok(()) };
        let accepted = match acc.accept() {
            Ok(None) => return Ok(()),
            Ok(Some(a)) => a,
            Err((e, mut alert)) => {
                // A client offering only TLS 1.1 or older: OpenSSL refuses the version
                // ("unsupported protocol") unless its minimum allows TLS 1.1, which then
                // finds no signature algorithm it may use (rustls finds no sigalgs
                // extension first).
                let old_client = crate::hello::ClientHello::from_records(&tls.hello_bytes)
                    .is_some_and(|h| h.max_version() < crate::ctx::TLS1_2_VERSION);
                if old_client
                    && matches!(
                        e,
                        rustls::Error::PeerIncompatible(rustls::PeerIncompatible::SignatureAlgorithmsExtensionRequired)
                    )
                {
                    let allows_tls11 = {
                        let st = self.settings();
                        st.min_version < crate::ctx::TLS1_2_VERSION && st.options & crate::ctx::SSL_OP_NO_TLSV1_1 == 0
                    };
                    if let Some(wbio) = self.wbio() {
                        let _ = alert.write_all(&mut BioWriter(&wbio));
                    }
                    error::raise(if allows_tls11 {
                        error::SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM
                    } else {
                        error::SSL_R_UNSUPPORTED_PROTOCOL
                    });
                    tls.engine = Engine::Dead;
                    self.set_state(HandshakeState::Failed);
                    return Err(self.fail(Failure::Ssl));
                }
                // OpenSSL names a non-TLS first record by its header and, when the
                // peer is not speaking TLS at all, sends it no alert.
                let header = &tls.hello_bytes[..tls.hello_bytes.len().min(5)];
                let Some(reason) = error::reason_for_record_header(header, true) else {
                    if let Some(wbio) = self.wbio() {
                        let _ = alert.write_all(&mut BioWriter(&wbio));
                    }
                    return Err(self.tls_error(tls, &e));
                };
                if reason == error::SSL_R_UNEXPECTED_MESSAGE {
                    if let Some(wbio) = self.wbio() {
                        let _ = alert.write_all(&mut BioWriter(&wbio));
                    }
                }
                error::raise(reason);
                tls.engine = Engine::Dead;
                self.set_state(HandshakeState::Failed);
                return Err(self.fail(Failure::Ssl));
            }
        };
        {
            let hello = accepted.client_hello();
            let mut peer = self.peer();
            peer.servername = hello.server_name().and_then(|n| CString::new(n).ok());
            peer.peer_sigalgs = hello.signature_schemes().to_vec();
            peer.peer_groups = hello.named_groups().map(<[_]>::to_vec).unwrap_or_default();
            peer.client_ciphers = hello.cipher_suites().iter().filter_map(|&cs| crate::cipher::by_suite(cs)).collect();
            peer.client_hello = crate::hello::ClientHello::from_records(&tls.hello_bytes).map(Arc::new);
            const TLSEXT_TYPE_POST_HANDSHAKE_AUTH: u16 = 49;
            peer.client_offered_pha =
                peer.client_hello.as_ref().is_some_and(|h| h.extension(TLSEXT_TYPE_POST_HANDSHAKE_AUTH).is_some());
            const TLSEXT_TYPE_EXTENDED_MASTER_SECRET: u16 = 23;
            peer.client_offered_ems =
                peer.client_hello.as_ref().is_some_and(|h| h.extension(TLSEXT_TYPE_EXTENDED_MASTER_SECRET).is_some());
            peer.raw_ciphers = peer.client_hello.as_ref().map(|h| h.ciphers().to_vec()).unwrap_or_default();
        }
        tls.hello_bytes = Vec::new();
        self.proceed_with_hello(tls, accepted)
    }

    /// An application callback refused the ClientHello: the handshake ends with its
    /// reason and the fatal alert it chose. Nothing is encrypted yet and rustls' acceptor
    /// has no way to send an alert of our choosing, so the alert record (plaintext, two
    /// bytes: level and description) is written here.
    fn refuse_hello(&self, tls: &mut Tls, reason: c_int, alert: u8) -> Failure {
        const ALERT: u8 = 21;
        const FATAL: u8 = 2;
        error::raise(reason);
        current(|ssl| ssl.info(SSL_CB_WRITE_ALERT, (c_int::from(FATAL) << 8) | c_int::from(alert)));
        if let Some(wbio) = self.wbio() {
            let record = [ALERT, 3, 3, 0, 2, FATAL, alert];
            let _ = BioWriter(&wbio).write_all(&record);
            wbio.flush();
        }
        tls.engine = Engine::Dead;
        self.set_state(HandshakeState::Failed);
        self.fail(Failure::Ssl)
    }

    /// The ClientHello is in: the client-hello callback (which may suspend the
    /// handshake), the SNI and ALPN callbacks, then the server connection with the
    /// (possibly switched) context's configuration.
    fn proceed_with_hello(self: &Arc<Self>, tls: &mut Tls, accepted: rustls::server::Accepted) -> Result<(), Failure> {
        let hello_verdict = if tls.hello_cb_done {
            crate::callbacks::hello::HelloVerdict::Proceed
        } else {
            crate::callbacks::hello::run_client_hello_callback(self)
        };
        match hello_verdict {
            crate::callbacks::hello::HelloVerdict::Proceed => {
                tls.hello_cb_done = true;
                self.server_hs.pending_allowed.store(true, Ordering::Relaxed);
                crate::callbacks::ticket::announce_empty_ticket(self);
            }
            crate::callbacks::hello::HelloVerdict::Retry => {
                tls.engine = Engine::HelloReceived(Box::new(accepted));
                return Err(self.fail(Failure::WantClientHello));
            }
            crate::callbacks::hello::HelloVerdict::Fail(alert) => {
                return Err(self.refuse_hello(tls, error::SSL_R_CALLBACK_FAILED, alert));
            }
        }
        let hello = accepted.client_hello();
        let offered_alpn: Option<Vec<u8>> = hello.alpn().map(|protos| {
            let mut wire = Vec::new();
            for p in protos {
                wire.push(p.len() as u8);
                wire.extend_from_slice(p);
            }
            wire
        });

        if !tls.sni_done {
            if let Err((reason, alert)) = crate::callbacks::ssl::run_servername_callback(self) {
                return Err(self.refuse_hello(tls, reason, alert));
            }
            tls.sni_done = true;
        }
        // The certificate callback, as OpenSSL runs it once the ClientHello is processed:
        // it may set the certificate and key on the SSL, or ask to be called again.
        match crate::callbacks::hello::run_cert_callback(self) {
            crate::callbacks::hello::HelloVerdict::Proceed => {}
            crate::callbacks::hello::HelloVerdict::Retry => {
                tls.engine = Engine::HelloReceived(Box::new(accepted));
                return Err(self.fail(Failure::WantX509Lookup));
            }
            crate::callbacks::hello::HelloVerdict::Fail(alert) => {
                return Err(self.refuse_hello(tls, error::SSL_R_CERT_CB_ERROR, alert));
            }
        }
        // No certificate with its key at all (none loaded, or a context of the client
        // method): OpenSSL finds no cipher it could use and says so with handshake_failure;
        // rustls would send access_denied and a general error.
        if self.settings().cert.complete().next().is_none() {
            const HANDSHAKE_FAILURE: u8 = 40;
            return Err(self.refuse_hello(tls, error::SSL_R_NO_SHARED_CIPHER, HANDSHAKE_FAILURE));
        }
        let ctx = self.ctx();
        let config = ctx.server_config(&self.cipher_settings());
        let mut config = match config {
            Ok(c) => c,
            Err(reason) => {
                error::raise(reason);
                tls.engine = Engine::Dead;
                self.set_state(HandshakeState::Failed);
                return Err(self.fail(Failure::Ssl));
            }
        };
        if let Some(wire) = offered_alpn {
            match crate::callbacks::ssl::run_alpn_select_callback(self, &wire) {
                AlpnChoice::NotCalled | AlpnChoice::NoAck => {}
                AlpnChoice::Selected(proto) => {
                    let mut c = (*config).clone();
                    c.alpn_protocols = vec![proto];
                    config = Arc::new(c);
                }
                AlpnChoice::Fatal => {
                    // A protocol the client cannot have offered makes rustls refuse
                    // with no_application_protocol, the alert OpenSSL sends here.
                    let mut c = (*config).clone();
                    c.alpn_protocols = vec![Vec::new()];
                    config = Arc::new(c);
                }
                AlpnChoice::Empty => {
                    const INTERNAL_ERROR: u8 = 80;
                    return Err(self.refuse_hello(tls, error::ERR_R_INTERNAL_ERROR, INTERNAL_ERROR));
                }
            }
        }
        match accepted.into_connection(config) {
            Ok(conn) => {
                tls.engine = Engine::Active(Connection::Server(conn));
                Ok(())
            }
            Err((e, mut alert)) => {
                if let Some(wbio) = self.wbio() {
                    let _ = alert.write_all(&mut BioWriter(&wbio));
                }
                Err(self.tls_error(tls, &e))
            }
        }
    }

    /// Once the ServerHello shows a full handshake, the session the client offered is
    /// released and replaced (OpenSSL does it at that very step) and counted as a miss;
    /// so is one the application set after the handshake began.
    fn check_offer_refused(&self, tls: &mut Tls) {
        let Engine::Active(conn) = &tls.engine else { return };
        if self.is_server() {
            return;
        }
        if !matches!(conn.handshake_kind(), Some(HandshakeKind::Full | HandshakeKind::FullWithHelloRetryRequest)) {
            return;
        }
        let current = self.session();
        let replaced_midway = match (&current, &tls.started) {
            (Some(c), Some(s)) => !std::ptr::eq(Arc::as_ptr(c), s.as_ptr()),
            (None, _) => false,
            (Some(_), None) => true,
        };
        if tls.offered.is_none() && !replaced_midway {
            return;
        }
        if tls.offered.take().is_some() {
            crate::session::cache::CacheStats::bump(&self.initial_ctx.sessions.stats.misses);
        }
        let mut data = self.session_template();
        data.not_resumable = true;
        let fresh = SslSession::new(data);
        tls.started = Some(Arc::downgrade(&fresh));
        self.set_session(Some(fresh));
    }

    fn finish_handshake(self: &Arc<Self>, tls: &mut Tls) {
        let Engine::Active(conn) = &tls.engine else { return };
        let reused = conn.handshake_kind() == Some(HandshakeKind::Resumed);
        {
            let mut p = self.peer();
            p.version = conn.protocol_version().map(u16::from).unwrap_or(0);
            p.cipher = conn.negotiated_cipher_suite().and_then(|s| crate::cipher::by_suite(s.suite()));
            p.alpn = conn.alpn_protocol().map(<[u8]>::to_vec).unwrap_or_default();
            p.reused = reused;
            p.group = conn.negotiated_key_exchange_group().map(|g| g.name());
            if reused || p.chain.is_empty() {
                // A resumption verifies nothing: the peer chain is the session's, already
                // parsed when it was made (re-parsing it costs more than the handshake).
                let resumed =
                    if self.is_server() { lock(&self.server_hs.resumed_from).clone() } else { tls.offered.clone() };
                let known = resumed.map(|s| s.data().peer_chain.clone()).filter(|c| !c.is_empty());
                match (known, conn.peer_certificates()) {
                    (Some(chain), _) if reused => p.chain = chain,
                    (_, Some(certs)) => {
                        let ctx = self.ctx();
                        p.chain = certs.iter().filter_map(|c| ctx.peer_cert(c)).collect()
                    }
                    _ => {}
                }
            }
        }
        let ctx = &self.initial_ctx;
        if !self.is_server()
            && self.version() == crate::ctx::TLS1_2_VERSION
            && (self.info_callback().is_some() || self.initial_callbacks().info.is_some())
        {
            // Whether the server sent a ticket, for the info callback's states: read from
            // the sessions rustls made (a Debug rendering, so only when someone listens).
            // A resumption that brought no new ticket keeps the one offered.
            let ticket_of =
                |s: &Arc<SslSession>| crate::session::ClientValueFacts::of(&s.data().resumption, false).ticket;
            let old = tls.offered.as_ref().map(ticket_of).unwrap_or_default();
            let ticket = lock(&self.made).iter().map(ticket_of).any(|t| !t.is_empty() && t != old);
            self.peer().ticket_received = ticket;
        }
        let mut made: Vec<Arc<SslSession>> = std::mem::take(&mut *lock(&self.made));
        for sess in &made {
            self.describe_into(&mut sess.data());
        }
        if reused {
            crate::session::cache::CacheStats::bump(&ctx.sessions.stats.hits);
        }
        if self.is_server() {
            Stats::bump(&ctx.stats.accept_good);
            self.settle_server_session(reused, &mut made);
        } else {
            Stats::bump(&ctx.stats.connect_good);
            let offered = tls.offered.take();
            let started = tls.started.take();
            self.settle_client_session(offered.clone(), started, reused, &mut made);
            if reused && self.version() == crate::ctx::TLS1_3_VERSION {
                if let Some(off) = offered {
                    // A used TLS 1.3 session leaves a client-mode cache (single use).
                    if ctx.session_cache_mode() & crate::session::cache::SSL_SESS_CACHE_CLIENT != 0 {
                        ctx.cache_remove(&off);
                    }
                }
            }
        }
        self.set_state(HandshakeState::Done);
        self.end_pending_session();
        self.peer().client_hello = None;
        // Each new session in turn becomes the connection's (releasing the one before)
        // and is announced, in OpenSSL's order.
        for sess in made {
            self.set_session(Some(sess.clone()));
            self.announce_session(&sess);
        }
        self.report_done(tls);
        if crate::log::enabled(crate::log::Level::Info) {
            let p = self.peer();
            crate::log::line(format_args!(
                "handshake done: {} {:p}, version {}, cipher {}, resumed {}, ALPN {}, verify result {}",
                if self.is_server() { "server" } else { "client" },
                Arc::as_ptr(self),
                crate::ctx::version_name(p.version).to_string_lossy(),
                p.cipher.map(|c| c.name.to_string_lossy()).unwrap_or("(none)".into()),
                if p.reused { "yes" } else { "no" },
                if p.alpn.is_empty() { "(none)".into() } else { String::from_utf8_lossy(&p.alpn).into_owned() },
                p.verify_result
            ));
        }
    }
}
