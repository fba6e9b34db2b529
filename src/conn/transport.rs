//! The record loop's transport: `io::Read`/`io::Write` over the connection's BIOs, and
//! moving rustls' records to and from them.

use std::io::{self, Read, Write};

use crate::crypto::bio::Bio;

use super::*;

/// `io::Read` over the connection's read BIO that, without read-ahead, stops at the end
/// of the record being read (see [`crate::records`]).
struct BioReader<'a> {
    bio: &'a Bio,
    records: &'a mut crate::records::RecordTracker,
    read_ahead: bool,
}

impl Read for BioReader<'_> {
    /// Without read-ahead: a record header, then as much of its body as fits, in one
    /// call. These are OpenSSL's two BIO reads per record; made in one `read_tls`, rustls'
    /// 4 KiB buffer holds a small record whole instead of growing to 8 KiB for its body
    /// (and shrinking back before the next record).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read_ahead {
            let n = self.bio.read(buf)?;
            self.records.advance(&buf[..n]);
            return Ok(n);
        }
        let header_next = !self.records.in_body();
        let want = buf.len().min(self.records.to_boundary());
        let n = self.bio.read(&mut buf[..want])?;
        self.records.advance(&buf[..n]);
        if !header_next || !self.records.in_body() || n == buf.len() {
            return Ok(n);
        }
        let want = (buf.len() - n).min(self.records.to_boundary());
        match self.bio.read(&mut buf[n..n + want]) {
            Ok(m) => {
                self.records.advance(&buf[n..n + m]);
                Ok(n + m)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(n),
            Err(e) => Err(e),
        }
    }
}

/// Reads through `inner`, keeping a copy of what the client sends first (at most
/// [`HELLO_COPY_MAX`] bytes: a ClientHello never needs more).
const HELLO_COPY_MAX: usize = 0x1_0000 + 5 * 16;

struct PrefixReader<'a, 'b> {
    inner: BioReader<'a>,
    prefix: &'b mut Vec<u8>,
}

impl Read for PrefixReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let want = HELLO_COPY_MAX.saturating_sub(self.prefix.len()).min(n);
        self.prefix.extend_from_slice(&buf[..want]);
        Ok(n)
    }
}

/// `io::Write` over the connection's write BIO.
pub(super) struct BioWriter<'a>(pub(super) &'a Bio);

impl Write for BioWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    /// rustls hands over several records at once (a handshake flight); one BIO write
    /// for them all keeps a flight in one TCP segment, as OpenSSL's buffering does,
    /// instead of letting Nagle's algorithm hold back the second small write.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        const COALESCE_LIMIT: usize = 32 * 1024;
        let mut nonempty = bufs.iter().map(|b| &b[..]).filter(|b| !b.is_empty());
        let Some(first) = nonempty.next() else { return Ok(0) };
        let (count, total) = nonempty.fold((1, first.len()), |(c, t), b| (c + 1, t + b.len()));
        if count == 1 || total > COALESCE_LIMIT {
            return self.0.write(first);
        }
        let mut flight = Vec::with_capacity(total);
        bufs.iter().for_each(|b| flight.extend_from_slice(b));
        self.0.write(&flight)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush();
        Ok(())
    }
}

impl Ssl {
    // ---- the record loop -------------------------------------------------------------

    /// Writes everything rustls has queued to the write BIO.
    pub(super) fn flush(&self, tls: &mut Tls) -> Result<(), Failure> {
        self.send(tls, true)
    }

    /// Writes what rustls has to send to the write BIO, then `BIO_flush`es it if `bio_flush`
    /// (handshake flights and alerts, as OpenSSL does; application data is not flushed).
    pub(super) fn send(&self, tls: &mut Tls, bio_flush: bool) -> Result<(), Failure> {
        let Engine::Active(conn) = &mut tls.engine else { return Ok(()) };
        if !conn.wants_write() {
            return Ok(());
        }
        let Some(wbio) = self.wbio() else {
            return Err(self.fail(Failure::Syscall));
        };
        let mut w = BioWriter(&wbio);
        while conn.wants_write() {
            match conn.write_tls(&mut w) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(self.fail(Failure::WantWrite)),
                Err(_) => return Err(self.fail(Failure::Syscall)),
            }
        }
        if self.state() == HandshakeState::InProgress {
            tls.flights = tls.flights.saturating_add(1);
        }
        if bio_flush {
            wbio.flush();
        }
        Ok(())
    }

    /// A TLS 1.3 server whose client closed right after its Finished: the tickets that
    /// could not be written are dropped and the handshake succeeds, so that what the client
    /// sent before leaving can still be read (as OpenSSL, which ignores EPIPE/ECONNRESET
    /// there). Only the tickets are pending at that point: the handshake is complete.
    pub(super) fn tickets_lost_to_closed_peer(&self, tls: &mut Tls) -> bool {
        let closed = matches!(io::Error::last_os_error().raw_os_error(), Some(libc::EPIPE | libc::ECONNRESET));
        let Engine::Active(conn) = &mut tls.engine else { return false };
        if !closed || !self.is_server() || conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3) {
            return false;
        }
        while conn.wants_write() {
            if conn.write_tls(&mut io::sink()).is_err() {
                return false;
            }
        }
        self.last_failure.set(None);
        true
    }

    /// Whether more of the peer's bytes can be read without waiting.
    pub(super) fn peer_bytes_waiting(&self) -> bool {
        self.rbio().is_some_and(|b| b.readable_now() > 0)
    }

    /// Reads from the read BIO into rustls (up to the end of the current record unless
    /// read-ahead is on) and processes what is complete.
    /// Ok(false) means the transport reached end of stream.
    pub(super) fn receive(&self, tls: &mut Tls) -> Result<bool, Failure> {
        let Some(rbio) = self.rbio() else {
            return Err(self.fail(Failure::Syscall));
        };
        let read_ahead = self.settings().read_ahead;
        let mut r = BioReader { bio: &rbio, records: &mut tls.records, read_ahead };
        let n = match &mut tls.engine {
            Engine::Active(conn) => Self::read_record(conn, &mut r),
            Engine::Accepting(acc) => acc.read_tls(&mut PrefixReader { inner: r, prefix: &mut tls.hello_bytes }),
            _ => return Err(self.fail(Failure::Ssl)),
        };
        match n {
            Ok(0) => Ok(false),
            Ok(_) => {
                if let Engine::Active(conn) = &mut tls.engine {
                    if let Err(e) = conn.process_new_packets() {
                        return Err(self.tls_error(tls, &e));
                    }
                }
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(self.fail(Failure::WantRead)),
            Err(_) => Err(self.fail(Failure::Syscall)),
        }
    }

    /// Reads the rest of the current record, as far as the BIO has it, before rustls looks
    /// at it: rustls takes at most 4 KiB per `read_tls`, and processing each piece of a
    /// 16 KiB record on its own costs a fifth of a record's decryption. With read-ahead,
    /// one read. Ok(0) only at end of stream before any byte.
    fn read_record(conn: &mut rustls::Connection, r: &mut BioReader<'_>) -> io::Result<usize> {
        let mut total = 0;
        loop {
            match conn.read_tls(r) {
                Ok(0) => return Ok(total),
                Ok(n) => total += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && total > 0 => return Ok(total),
                Err(e) => return Err(e),
            }
            if r.read_ahead || r.records.at_boundary() {
                return Ok(total);
            }
        }
    }
}
