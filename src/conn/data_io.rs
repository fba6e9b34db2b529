//! Record I/O after (or driving) the handshake: read, peek, write, early data,
//! shutdown, key update.

use std::io::{self, BufRead, Read, Write};
use std::os::raw::c_int;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::error;

use super::current::{inside, reentered, Driving};
use super::*;

impl Ssl {
    /// `SSL_rstate_string`: whether the record being read is at its header or its body.
    pub fn reading_body(&self) -> bool {
        self.tls.try_lock().map(|t| t.records.in_body()).unwrap_or(false)
    }

    /// `SSL_key_update` (TLS 1.3, after the handshake). rustls' KeyUpdate always asks the
    /// peer to update too, whichever type is asked for. It goes out with the next write or
    /// `SSL_do_handshake`. Err carries OpenSSL's reason.
    /// OpenSSL checks the version (none before the handshake), then the type, then that
    /// the handshake is over.
    pub fn key_update(&self, valid_type: bool) -> Result<(), c_int> {
        if self.version() != crate::ctx::TLS1_3_VERSION {
            return Err(error::SSL_R_WRONG_SSL_VERSION);
        }
        if !valid_type {
            return Err(error::SSL_R_INVALID_KEY_UPDATE_TYPE);
        }
        if self.state() != HandshakeState::Done {
            return Err(error::SSL_R_STILL_IN_INIT);
        }
        if inside(self) {
            return Err(error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
        }
        let mut tls = lock(&self.tls);
        match &mut tls.engine {
            Engine::Active(conn) => conn.refresh_traffic_keys().map_err(|_| error::ERR_R_INTERNAL_ERROR),
            _ => Err(error::SSL_R_STILL_IN_INIT),
        }
    }

    /// `SSL_free_buffers`: rustls owns the buffers; like OpenSSL, refused (false) while
    /// decrypted or outgoing bytes are waiting.
    pub fn buffers_idle(&self) -> bool {
        let Ok(mut tls) = self.tls.try_lock() else { return false };
        match &mut tls.engine {
            Engine::Active(conn) => !conn.wants_write() && conn.reader().fill_buf().map_or(true, |b| b.is_empty()),
            _ => true,
        }
    }

    /// `SSL_read`/`SSL_peek`: Ok(n) bytes of plaintext, n > 0.
    pub fn read(self: &Arc<Self>, buf: &mut [u8], peek: bool) -> Result<usize, Failure> {
        if reentered(self, if peek { "SSL_peek" } else { "SSL_read" }) {
            return Err(self.fail(Failure::Ssl));
        }
        self.forget_refused_renegotiation();
        let _driving = Driving::enter(self);
        crate::crypto::clear_sys_error();
        self.last_failure.set(None);
        if !self.role_set.load(Ordering::Relaxed) {
            error::raise(error::SSL_R_UNINITIALIZED);
            return Err(self.fail(Failure::Ssl));
        }
        let mut tls = lock(&self.tls);
        if self.state() != HandshakeState::Done {
            self.handshake_locked(&mut tls)?;
        }
        let mut eof_seen = false;
        let mut received = false;
        loop {
            let Engine::Active(conn) = &mut tls.engine else {
                return Err(self.fail(Failure::Syscall));
            };
            // Peeking, and reading into an empty buffer, must not consume anything.
            let got = if peek || buf.is_empty() {
                let mut reader = conn.reader();
                reader.fill_buf().map(|data| {
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    n
                })
            } else {
                conn.reader().read(buf)
            };
            match got {
                Ok(0) if buf.is_empty() && conn.reader().fill_buf().is_ok_and(|d| !d.is_empty()) => return Ok(0),
                Ok(0) => {
                    tls.peer_closed = true;
                    self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
                    self.info(SSL_CB_READ_ALERT, CLOSE_NOTIFY_INFO);
                    return Err(self.fail(Failure::ZeroReturn));
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if eof_seen {
                        return Err(self.unexpected_eof(&mut tls));
                    }
                    // Records came in but none carried application data (a TLS 1.3
                    // NewSessionTicket, a KeyUpdate): without SSL_MODE_AUTO_RETRY the
                    // caller gets SSL_ERROR_WANT_READ even on a blocking transport, so
                    // that a select() loop does not block in SSL_read.
                    if received && self.settings().mode & crate::ctx::SSL_MODE_AUTO_RETRY == 0 {
                        self.flush(&mut tls)?;
                        return Err(self.fail(Failure::WantRead));
                    }
                    // Answer anything rustls owes the peer (KeyUpdate, alerts), then read.
                    self.flush(&mut tls)?;
                    // At end of stream rustls says on the next read whether close_notify came.
                    eof_seen = !self.receive(&mut tls)?;
                    // A whole record has been taken in (not just part of one).
                    received |= tls.records.at_boundary();
                }
                Err(_) => return Err(self.unexpected_eof(&mut tls)),
            }
        }
    }

    /// `SSL_pending`: decrypted bytes ready to read without touching the transport.
    pub fn pending(&self) -> usize {
        // Called from inside a callback during a handshake, the connection is busy and
        // has nothing decrypted yet.
        let Ok(mut tls) = self.tls.try_lock() else { return 0 };
        let Engine::Active(conn) = &mut tls.engine else { return 0 };
        conn.reader().fill_buf().map(|b| b.len()).unwrap_or(0)
    }

    /// `SSL_export_keying_material` (RFC 5705 / RFC 8446 section 7.5): fills `out` from
    /// the connection's exporter secret. OpenSSL's results: 1, 0 (the export failed) or
    /// -1 (no connection established yet).
    pub fn export_keying_material(&self, out: &mut [u8], label: &[u8], context: Option<&[u8]>) -> c_int {
        if self.state() != HandshakeState::Done {
            return -1;
        }
        // Called from a callback while the connection is busy: not available yet.
        let Ok(tls) = self.tls.try_lock() else { return -1 };
        let Engine::Active(conn) = &tls.engine else { return -1 };
        match conn.export_keying_material(out, label, context) {
            Ok(_) => 1,
            Err(e) => {
                error::raise_with_data(error::ERR_R_INTERNAL_ERROR, &format!("export_keying_material: {e}"));
                0
            }
        }
    }

    /// `SSL_has_pending`: decrypted bytes are buffered.
    pub fn has_pending(&self) -> bool {
        self.pending() > 0
    }

    /// `SSL_write`: Ok(n) once all of `buf` is handed to the transport (or, in
    /// partial-write mode, once some of it is).
    pub fn write(self: &Arc<Self>, buf: &[u8]) -> Result<usize, Failure> {
        if reentered(self, "SSL_write") {
            return Err(self.fail(Failure::Ssl));
        }
        self.forget_refused_renegotiation();
        let _driving = Driving::enter(self);
        crate::crypto::clear_sys_error();
        self.last_failure.set(None);
        if !self.role_set.load(Ordering::Relaxed) {
            error::raise(error::SSL_R_UNINITIALIZED);
            return Err(self.fail(Failure::Ssl));
        }
        let mut tls = lock(&self.tls);
        if self.state() != HandshakeState::Done {
            self.handshake_locked(&mut tls)?;
        }
        if self.shutdown_flags() & SSL_SENT_SHUTDOWN != 0 {
            error::raise(error::SSL_R_PROTOCOL_IS_SHUTDOWN);
            return Err(self.fail(Failure::Ssl));
        }
        let (partial, moving, record) = {
            let st = self.settings();
            (
                st.mode & crate::ctx::SSL_MODE_ENABLE_PARTIAL_WRITE != 0,
                st.mode & crate::ctx::SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER != 0,
                st.max_send_fragment,
            )
        };
        // One record at a time, as OpenSSL writes: a retry after WANT_WRITE must pass at
        // least what is already committed (SSL_R_BAD_LENGTH) from the same place
        // (SSL_R_BAD_WRITE_RETRY, unless the buffer may move), and what is reported
        // never exceeds what this call was given.
        loop {
            // After a fatal error OpenSSL answers SYSCALL with nothing queued.
            if !matches!(tls.engine, Engine::Active(_)) {
                return Err(self.fail(Failure::Syscall));
            }
            if let Some((len, at)) = tls.write_pending {
                if buf.len() < tls.write_done + len {
                    return Err(self.write_misuse(&mut tls, error::SSL_R_BAD_LENGTH));
                }
                if !moving && buf.as_ptr() as usize + tls.write_done != at {
                    return Err(self.write_misuse(&mut tls, error::SSL_R_BAD_WRITE_RETRY));
                }
                self.send(&mut tls, false)?;
                tls.write_pending = None;
                tls.write_done += len;
            }
            let start = tls.write_done;
            if start >= buf.len() {
                tls.write_done = 0;
                return Ok(start);
            }
            let Engine::Active(conn) = &mut tls.engine else { unreachable!("checked above") };
            let end = buf.len().min(start + record);
            let n = match conn.writer().write(&buf[start..end]) {
                Ok(n) if n > 0 => n,
                _ => {
                    error::raise(error::ERR_R_INTERNAL_ERROR);
                    return Err(self.fail(Failure::Ssl));
                }
            };
            tls.write_pending = Some((n, buf.as_ptr() as usize + start));
            self.send(&mut tls, false)?;
            tls.write_pending = None;
            tls.write_done += n;
            // With partial writes OpenSSL reports a record written out in one go at once
            // (one finished on a retry is only counted).
            if partial {
                return Ok(std::mem::take(&mut tls.write_done));
            }
        }
    }

    /// A retried `SSL_write` that does not continue the one in progress: OpenSSL's
    /// fatal error (the record being written cannot be taken back).
    fn write_misuse(&self, tls: &mut Tls, reason: c_int) -> Failure {
        error::raise(reason);
        tls.engine = Engine::Dead;
        self.mark_fatal();
        tls.write_pending = None;
        tls.write_done = 0;
        self.fail(Failure::Ssl)
    }

    /// `SSL_read_early_data` on a server. oxissl accepts no early data (rustls is given a
    /// zero limit: 0-RTT data can be replayed), so this runs the handshake as `SSL_accept`
    /// does and reports the end of the early data when OpenSSL would without any: for TLS
    /// 1.3 once the server's flight is out (OpenSSL's accept returns there, before the
    /// client's Finished), for TLS 1.2 when the handshake is complete. Ok means
    /// `SSL_READ_EARLY_DATA_FINISH`; after it, calling again is a usage error, as in OpenSSL.
    pub fn read_early_data(self: &Arc<Self>) -> Result<(), Failure> {
        let state = self.server_hs.early_read.get();
        let misuse = match state {
            EarlyRead::NotCalled => self.state() != HandshakeState::Before || !self.is_server(),
            EarlyRead::Again => false,
            _ => true,
        };
        if misuse {
            error::raise(error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
            return Err(self.fail(Failure::Ssl));
        }
        if state == EarlyRead::NotCalled {
            self.set_role(true);
        }
        let result = self.handshake();
        let done = match result {
            Ok(()) => true,
            Err(Failure::WantRead) => {
                let tls = lock(&self.tls);
                matches!(&tls.engine, Engine::Active(conn)
                    if conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3) && !conn.wants_write())
            }
            Err(_) => false,
        };
        if done {
            self.last_failure.set(None);
            self.server_hs.early_read.set(EarlyRead::Finished);
            return Ok(());
        }
        self.server_hs.early_read.set(EarlyRead::Again);
        result
    }

    /// `SSL_shutdown`: Ok(0) after sending close_notify, Ok(1) once both directions closed.
    pub fn shutdown(self: &Arc<Self>) -> Result<c_int, Failure> {
        let nested = inside(self);
        let _driving = Driving::enter(self);
        self.last_failure.set(None);
        if !self.role_set.load(Ordering::Relaxed) {
            error::raise(error::SSL_R_UNINITIALIZED);
            return Err(self.fail(Failure::Ssl));
        }
        // Checked before locking: a servername or other handshake callback may call this.
        if self.state() != HandshakeState::Done {
            error::raise(error::SSL_R_SHUTDOWN_WHILE_IN_INIT);
            return Err(self.fail(Failure::Ssl));
        }
        if nested {
            reentered(self, "SSL_shutdown");
            return Err(self.fail(Failure::Ssl));
        }
        let mut tls = lock(&self.tls);
        if self.settings().quiet_shutdown {
            self.shutdown.fetch_or(SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
            return Ok(1);
        }
        if self.shutdown_flags() & SSL_SENT_SHUTDOWN == 0 {
            self.shutdown.fetch_or(SSL_SENT_SHUTDOWN, Ordering::Relaxed);
            if let Engine::Active(conn) = &mut tls.engine {
                conn.send_close_notify();
                self.info(SSL_CB_WRITE_ALERT, CLOSE_NOTIFY_INFO);
            }
            self.flush(&mut tls)?;
            return Ok(if self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN != 0 { 1 } else { 0 });
        }
        // A close_notify still on its way (the last call answered WANT_WRITE): once it is
        // out, this call reports that, as the first one would have, without reading.
        let undelivered = matches!(&tls.engine, Engine::Active(conn) if conn.wants_write());
        self.flush(&mut tls)?;
        if undelivered {
            return Ok(if self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN != 0 { 1 } else { 0 });
        }
        while self.shutdown_flags() & SSL_RECEIVED_SHUTDOWN == 0 {
            let Engine::Active(conn) = &mut tls.engine else { return Ok(1) };
            let mut sink = [0u8; 4096];
            match conn.reader().read(&mut sink) {
                Ok(0) => {
                    tls.peer_closed = true;
                    self.shutdown.fetch_or(SSL_RECEIVED_SHUTDOWN, Ordering::Relaxed);
                    self.info(SSL_CB_READ_ALERT, CLOSE_NOTIFY_INFO);
                }
                Ok(_) => {} // application data after our close_notify is discarded
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !self.receive(&mut tls)? {
                        return Err(self.unexpected_eof(&mut tls));
                    }
                }
                Err(_) => return Err(self.unexpected_eof(&mut tls)),
            }
        }
        Ok(1)
    }
}
