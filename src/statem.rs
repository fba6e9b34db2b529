//! OpenSSL's handshake states, for `SSL_get_state`, `SSL_state_string(_long)` and the
//! info callback's `SSL_CB_*_LOOP`/`_EXIT` events (Dovecot, Postfix, Apache and
//! Net::SSLeay log them).
//!
//! rustls has no state names to report, and oxissl does not rebuild its state machine:
//! it knows which flow a handshake follows (role, version, full or resumed, certificate
//! request, client certificate, stapled status, tickets) and how far it went at each
//! step (first flight written, peer's flight processed, finished, failed), and places
//! the handshake on OpenSSL's sequence of states for that flow. A call that waits for
//! the peer stops where OpenSSL's stops when a whole flight arrives at once, which is
//! how flights arrive in practice; a peer that trickles its flight in pieces sees the
//! states of that flight at once, when it is complete.
use std::ffi::CStr;

crate::packed::packed_enum! {
/// OpenSSL's `OSSL_HANDSHAKE_STATE` values that TLS 1.2 and 1.3 flows pass through.
#[derive(Default)]
pub enum HsState {
    #[default]
    Before = 0,
    Ok = 1,
    CrSrvrHello = 3,
    CrCert = 4,
    CrCertStatus = 5,
    CrKeyExch = 6,
    CrCertReq = 7,
    CrSrvrDone = 8,
    CrSessionTicket = 9,
    CrChange = 10,
    CrFinished = 11,
    CwClntHello = 12,
    CwCert = 13,
    CwKeyExch = 14,
    CwCertVrfy = 15,
    CwChange = 16,
    CwFinished = 18,
    SwHelloReq = 19,
    SrClntHello = 20,
    SwSrvrHello = 22,
    SwCert = 23,
    SwKeyExch = 24,
    SwCertReq = 25,
    SwSrvrDone = 26,
    SrCert = 27,
    SrKeyExch = 28,
    SrCertVrfy = 29,
    SrChange = 31,
    SrFinished = 32,
    SwSessionTicket = 33,
    SwCertStatus = 34,
    SwChange = 35,
    SwFinished = 36,
    SwEncryptedExtensions = 37,
    CrEncryptedExtensions = 38,
    CrCertVrfy = 39,
    SwCertVrfy = 40,
    EarlyData = 46,
}
}

impl HsState {
    /// `SSL_state_string`.
    pub fn short(self) -> &'static CStr {
        use HsState::*;
        match self {
            Before => c"PINIT",
            Ok => c"SSLOK",
            CrSrvrHello => c"TRSH",
            CrCert => c"TRSC",
            CrCertStatus => c"TRCS",
            CrKeyExch => c"TRSKE",
            CrCertReq => c"TRCR",
            CrSrvrDone => c"TRSD",
            CrSessionTicket => c"TRST",
            CrChange | SrChange => c"TRCCS",
            CrFinished | SrFinished => c"TRFIN",
            CwClntHello => c"TWCH",
            CwCert => c"TWCC",
            CwKeyExch => c"TWCKE",
            CwCertVrfy => c"TWCV",
            CwChange | SwChange => c"TWCCS",
            CwFinished | SwFinished => c"TWFIN",
            SrClntHello => c"TRCH",
            SwSrvrHello => c"TWSH",
            SwHelloReq => c"TWHR",
            SwCert => c"TWSC",
            SwKeyExch => c"TWSKE",
            SwCertReq => c"TWCR",
            SwSrvrDone => c"TWSD",
            SrCert => c"TRCC",
            SrKeyExch => c"TRCKE",
            SrCertVrfy => c"TRCV",
            SwSessionTicket => c"TWST",
            SwCertStatus => c"TWCS",
            SwEncryptedExtensions => c"TWEE",
            CrEncryptedExtensions => c"TREE",
            CrCertVrfy => c"TRSCV",
            SwCertVrfy => c"TWSCV",
            EarlyData => c"TED",
        }
    }

    /// `SSL_state_string_long`.
    pub fn long(self) -> &'static CStr {
        use HsState::*;
        match self {
            Before => c"before SSL initialization",
            Ok => c"SSL negotiation finished successfully",
            CrSrvrHello => c"SSLv3/TLS read server hello",
            CrCert => c"SSLv3/TLS read server certificate",
            CrCertStatus => c"SSLv3/TLS read certificate status",
            CrKeyExch => c"SSLv3/TLS read server key exchange",
            CrCertReq => c"SSLv3/TLS read server certificate request",
            CrSrvrDone => c"SSLv3/TLS read server done",
            CrSessionTicket => c"SSLv3/TLS read server session ticket",
            CrChange | SrChange => c"SSLv3/TLS read change cipher spec",
            CrFinished | SrFinished => c"SSLv3/TLS read finished",
            CwClntHello => c"SSLv3/TLS write client hello",
            CwCert => c"SSLv3/TLS write client certificate",
            CwKeyExch => c"SSLv3/TLS write client key exchange",
            CwCertVrfy => c"SSLv3/TLS write certificate verify",
            CwChange | SwChange => c"SSLv3/TLS write change cipher spec",
            CwFinished | SwFinished => c"SSLv3/TLS write finished",
            SrClntHello => c"SSLv3/TLS read client hello",
            SwSrvrHello => c"SSLv3/TLS write server hello",
            SwHelloReq => c"SSLv3/TLS write hello request",
            SwCert => c"SSLv3/TLS write certificate",
            SwKeyExch => c"SSLv3/TLS write key exchange",
            SwCertReq => c"SSLv3/TLS write certificate request",
            SwSrvrDone => c"SSLv3/TLS write server done",
            SrCert => c"SSLv3/TLS read client certificate",
            SrKeyExch => c"SSLv3/TLS read client key exchange",
            SrCertVrfy => c"SSLv3/TLS read certificate verify",
            SwSessionTicket => c"SSLv3/TLS write session ticket",
            SwCertStatus => c"SSLv3/TLS write certificate status",
            SwEncryptedExtensions => c"TLSv1.3 write encrypted extensions",
            CrEncryptedExtensions => c"TLSv1.3 read encrypted extensions",
            CrCertVrfy => c"TLSv1.3 read server certificate verify",
            SwCertVrfy => c"TLSv1.3 write server certificate verify",
            EarlyData => c"TLSv1.3 early data",
        }
    }
}

/// What decides a handshake's sequence of states.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flow {
    pub server: bool,
    pub tls13: bool,
    pub resumed: bool,
    /// The server asked for a client certificate.
    pub cert_requested: bool,
    /// The client sent a (non-empty) certificate.
    pub client_cert: bool,
    /// TLS 1.2: the server stapled an OCSP response (CertificateStatus).
    pub status: bool,
    /// TLS 1.2: the server sent a NewSessionTicket.
    pub ticket: bool,
    /// TLS 1.3 middlebox compatibility: this side writes a change_cipher_spec.
    pub ccs: bool,
}

/// A handshake's states in OpenSSL's order, and where each side's calls stop to wait for
/// the peer's next flight (indexes into the states).
pub struct Plan {
    states: Vec<HsState>,
    waits: Vec<usize>,
}

impl Plan {
    pub fn of(f: &Flow) -> Plan {
        use HsState::*;
        let mut p = Plan { states: vec![Before], waits: Vec::new() };
        let push = |p: &mut Plan, s: HsState, when: bool| {
            if when {
                p.states.push(s);
            }
        };
        let wait = |p: &mut Plan| p.waits.push(p.states.len() - 1);
        let full = !f.resumed;
        match (f.server, f.tls13) {
            (false, true) => {
                push(&mut p, CwClntHello, true);
                wait(&mut p);
                for (s, when) in [
                    (CrSrvrHello, true),
                    (CrEncryptedExtensions, true),
                    (CrCertReq, full && f.cert_requested),
                    (CrCert, full),
                    (CrCertVrfy, full),
                    (CrFinished, true),
                    (CwChange, f.ccs),
                    (CwCert, full && f.cert_requested),
                    (CwCertVrfy, full && f.client_cert),
                    (CwFinished, true),
                ] {
                    push(&mut p, s, when);
                }
            }
            (false, false) if f.resumed => {
                push(&mut p, CwClntHello, true);
                wait(&mut p);
                for (s, when) in [
                    (CrSrvrHello, true),
                    (CrSessionTicket, f.ticket),
                    (CrChange, true),
                    (CrFinished, true),
                    (CwChange, true),
                    (CwFinished, true),
                ] {
                    push(&mut p, s, when);
                }
            }
            (false, false) => {
                push(&mut p, CwClntHello, true);
                wait(&mut p);
                for (s, when) in [
                    (CrSrvrHello, true),
                    (CrCert, true),
                    (CrCertStatus, f.status),
                    (CrKeyExch, true),
                    (CrCertReq, f.cert_requested),
                    (CrSrvrDone, true),
                    (CwCert, f.cert_requested),
                    (CwKeyExch, true),
                    (CwCertVrfy, f.client_cert),
                    (CwChange, true),
                    (CwFinished, true),
                ] {
                    push(&mut p, s, when);
                }
                wait(&mut p);
                for (s, when) in [(CrSessionTicket, f.ticket), (CrChange, true), (CrFinished, true)] {
                    push(&mut p, s, when);
                }
            }
            (true, true) => {
                for (s, when) in [
                    (Before, true),
                    (SrClntHello, true),
                    (SwSrvrHello, true),
                    (SwChange, f.ccs),
                    (SwEncryptedExtensions, true),
                    (SwCertReq, full && f.cert_requested),
                    (SwCert, full),
                    (SwCertVrfy, full),
                    (SwFinished, true),
                    (EarlyData, true),
                ] {
                    push(&mut p, s, when);
                }
                wait(&mut p);
                for (s, when) in
                    [(SrCert, full && f.cert_requested), (SrCertVrfy, full && f.client_cert), (SrFinished, true)]
                {
                    push(&mut p, s, when);
                }
            }
            (true, false) if f.resumed => {
                for (s, when) in [
                    (Before, true),
                    (SrClntHello, true),
                    (SwSrvrHello, true),
                    (SwSessionTicket, f.ticket),
                    (SwChange, true),
                    (SwFinished, true),
                ] {
                    push(&mut p, s, when);
                }
                wait(&mut p);
                push(&mut p, SrChange, true);
                push(&mut p, SrFinished, true);
            }
            (true, false) => {
                for (s, when) in [
                    (Before, true),
                    (SrClntHello, true),
                    (SwSrvrHello, true),
                    (SwCert, true),
                    (SwCertStatus, f.status),
                    (SwKeyExch, true),
                    (SwCertReq, f.cert_requested),
                    (SwSrvrDone, true),
                ] {
                    push(&mut p, s, when);
                }
                wait(&mut p);
                for (s, when) in [
                    (SrCert, f.cert_requested),
                    (SrKeyExch, true),
                    (SrCertVrfy, f.client_cert),
                    (SrChange, true),
                    (SrFinished, true),
                    (SwSessionTicket, f.ticket),
                    (SwChange, true),
                    (SwFinished, true),
                ] {
                    push(&mut p, s, when);
                }
            }
        }
        p
    }

    /// The index of the state where the `n`th wait for the peer happens (0-based), or the
    /// last state.
    pub fn wait_point(&self, n: usize) -> usize {
        self.waits.get(n).copied().unwrap_or(self.states.len() - 1)
    }

    /// Where `state` is in the plan.
    pub fn index_of(&self, state: HsState) -> Option<usize> {
        self.states.iter().position(|s| *s == state)
    }

    pub fn last(&self) -> usize {
        self.states.len() - 1
    }

    pub fn state(&self, i: usize) -> HsState {
        self.states.get(i).copied().unwrap_or(HsState::Ok)
    }
}

/// One info-callback event: SSL_CB_HANDSHAKE_START/DONE, a LOOP or an EXIT with its
/// return value, and the state `SSL_state_string` shows while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Start(HsState),
    Loop(HsState),
    Exit(HsState, i32),
    ExitError(i32),
    Done(HsState),
}

/// Where a connection is in OpenSSL's sequence.
#[derive(Debug, Default)]
pub struct Mirror {
    pub state: HsState,
    /// A fatal error ended the handshake (`SSLERR`).
    pub error: bool,
    /// Index into the flow's plan of the current state.
    pos: usize,
    /// Waits for the peer so far (which wait point comes next).
    waits: usize,
    /// A call began on a handshake already under way: its first transition is preceded
    /// by a LOOP at the state it resumes from.
    reentered: bool,
    /// The flow, fixed once the version is known: what the states already passed
    /// depended on stays as it was (only later facts may still change).
    flow: Option<Flow>,
}

impl Mirror {
    /// The flow to follow, given what is known now: the facts the states passed so far
    /// rest on are kept from when the version became known; whether the client sent a
    /// certificate and whether a TLS 1.2 ticket came are taken as they are now.
    pub fn settle_flow(&mut self, now: Flow, version_known: bool) -> Flow {
        match self.flow {
            Some(f) => Flow { client_cert: now.client_cert, ticket: now.ticket, ..f },
            None => {
                if version_known {
                    self.flow = Some(now);
                }
                now
            }
        }
    }

    /// How many waits for the peer's flight this handshake has had.
    pub fn waits(&self) -> usize {
        self.waits
    }

    /// A handshake step begins (`SSL_do_handshake`, or I/O before the handshake is done).
    pub fn begin_call(&mut self, server: bool, first: bool) -> Vec<Event> {
        if first {
            *self = Mirror::default();
            let mut ev = vec![Event::Start(HsState::Before), Event::Loop(HsState::Before)];
            if server {
                ev.push(Event::Loop(HsState::Before));
                self.pos = 1;
            }
            return ev;
        }
        self.reentered = true;
        Vec::new()
    }

    fn reentry(&mut self, ev: &mut Vec<Event>) {
        if std::mem::take(&mut self.reentered) {
            ev.push(Event::Loop(self.state));
        }
    }

    /// Moves on to state `to` of `plan` (LOOP for each state passed).
    pub fn advance(&mut self, plan: &Plan, to: usize) -> Vec<Event> {
        let mut ev = Vec::new();
        if to > self.pos {
            self.reentry(&mut ev);
            for i in self.pos + 1..=to {
                self.state = plan.state(i);
                ev.push(Event::Loop(self.state));
            }
            self.pos = to;
        }
        ev
    }

    /// The call waits for the peer's next flight, having written its own.
    pub fn wait(&mut self, plan: &Plan) -> Vec<Event> {
        let to = plan.wait_point(self.waits);
        let mut ev = self.advance(plan, to);
        if self.pos == to {
            self.waits += 1;
        }
        self.reentry(&mut ev);
        ev.push(Event::Exit(self.state, -1));
        ev
    }

    /// The call returns -1 without having advanced (nothing new from the peer yet).
    pub fn idle(&mut self) -> Vec<Event> {
        let mut ev = Vec::new();
        self.reentry(&mut ev);
        ev.push(Event::Exit(self.state, -1));
        ev
    }

    /// The handshake completed: the rest of the plan, then DONE; a TLS 1.3 server
    /// reports DONE in its ticket-writing state, then one LOOP per ticket.
    pub fn done(&mut self, plan: &Plan, tls13_server_tickets: usize) -> Vec<Event> {
        let mut ev = self.advance(plan, plan.last());
        self.reentry(&mut ev);
        if tls13_server_tickets > 0 {
            self.state = HsState::SwSessionTicket;
            ev.push(Event::Done(self.state));
            ev.extend(std::iter::repeat_n(Event::Loop(self.state), tls13_server_tickets));
        } else {
            self.state = HsState::Ok;
            ev.push(Event::Done(self.state));
        }
        self.state = HsState::Ok;
        ev.push(Event::Exit(self.state, 1));
        ev
    }

    /// The handshake failed, after the states up to `reached` (if known).
    pub fn failed(&mut self, plan: Option<&Plan>, reached: Option<usize>) -> Vec<Event> {
        let mut ev = match (plan, reached) {
            (Some(p), Some(to)) => self.advance(p, to),
            _ => Vec::new(),
        };
        self.reentered = false;
        self.error = true;
        ev.push(Event::ExitError(-1));
        ev
    }

    /// A TLS 1.3 client processed a NewSessionTicket after the handshake.
    pub fn ticket_read(&mut self) -> Vec<Event> {
        vec![
            Event::Loop(HsState::Ok),
            Event::Loop(HsState::Ok),
            Event::Loop(HsState::CrSessionTicket),
            Event::Exit(HsState::Ok, 1),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HsState::*;

    fn loops(ev: &[Event]) -> Vec<&'static str> {
        ev.iter()
            .map(|e| match e {
                Event::Start(_) => "START",
                Event::Loop(s) => s.short().to_str().unwrap(),
                Event::Exit(_, -1) => "EXIT-",
                Event::Exit(..) => "EXIT+",
                Event::ExitError(_) => "EXITERR",
                Event::Done(_) => "DONE",
            })
            .collect()
    }

    #[test]
    fn a_tls12_client_full_handshake_stops_twice() {
        let flow = Flow { tls13: false, ..Default::default() };
        let plan = Plan::of(&flow);
        let mut m = Mirror::default();
        let mut ev = m.begin_call(false, true);
        ev.extend(m.wait(&plan));
        assert_eq!(loops(&ev), ["START", "PINIT", "TWCH", "EXIT-"]);
        m.begin_call(false, false);
        assert_eq!(
            loops(&m.wait(&plan)),
            ["TWCH", "TRSH", "TRSC", "TRSKE", "TRSD", "TWCKE", "TWCCS", "TWFIN", "EXIT-"]
        );
        m.begin_call(false, false);
        assert_eq!(loops(&m.done(&plan, 0)), ["TWFIN", "TRCCS", "TRFIN", "DONE", "EXIT+"]);
        assert_eq!(m.state, Ok);
    }

    #[test]
    fn a_tls13_server_reports_done_while_writing_tickets() {
        let flow = Flow { server: true, tls13: true, ccs: true, ..Default::default() };
        let plan = Plan::of(&flow);
        let mut m = Mirror::default();
        let mut ev = m.begin_call(true, true);
        ev.extend(m.wait(&plan));
        assert_eq!(
            loops(&ev),
            ["START", "PINIT", "PINIT", "TRCH", "TWSH", "TWCCS", "TWEE", "TWSC", "TWSCV", "TWFIN", "TED", "EXIT-"]
        );
        m.begin_call(true, false);
        assert_eq!(loops(&m.done(&plan, 2)), ["TED", "TRFIN", "DONE", "TWST", "TWST", "EXIT+"]);
    }

    #[test]
    fn a_failure_without_progress_reports_no_loop() {
        let plan = Plan::of(&Flow { server: true, tls13: true, ..Default::default() });
        let mut m = Mirror { pos: 8, state: EarlyData, ..Default::default() };
        m.begin_call(true, false);
        assert_eq!(loops(&m.failed(Some(&plan), None)), ["EXITERR"]);
        assert!(m.error);
    }
}
