//! The ClientHello as the peer sent it, for OpenSSL's client-hello callback accessors
//! (`SSL_client_hello_get0_ext` and friends), which hand out raw fields and extension
//! bodies. rustls parses and validates the message for the handshake itself; this only
//! locates fields in a copy of the bytes, for the application to read, and decides
//! nothing.

/// A ClientHello's fields, as slices of its body (offset, length) plus its extensions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ClientHello {
    body: Vec<u8>,
    pub legacy_version: u16,
    random: (usize, usize),
    session_id: (usize, usize),
    ciphers: (usize, usize),
    compression: (usize, usize),
    /// Extension type and the (offset, length) of its body, in the order received.
    extensions: Vec<(u16, (usize, usize))>,
}

/// Handshake message type of a ClientHello; content type of handshake records.
const CLIENT_HELLO: u8 = 1;
const HANDSHAKE_RECORD: u8 = 22;

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<(usize, usize)> {
        let start = self.pos;
        let end = start.checked_add(n).filter(|&e| e <= self.buf.len())?;
        self.pos = end;
        Some((start, n))
    }

    fn int(&mut self, bytes: usize) -> Option<usize> {
        let (at, n) = self.take(bytes)?;
        Some(self.buf[at..at + n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
    }

    /// A field prefixed by its length in `len_bytes` bytes.
    fn vector(&mut self, len_bytes: usize) -> Option<(usize, usize)> {
        let n = self.int(len_bytes)?;
        self.take(n)
    }
}

impl ClientHello {
    /// Finds the ClientHello in the first bytes a client sent (TLS records, possibly
    /// split across several). None if they do not hold a whole, well-formed one.
    pub fn from_records(stream: &[u8]) -> Option<ClientHello> {
        let mut handshake = Vec::new();
        let mut rest = stream;
        while rest.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
            let record = rest.get(5..5 + len)?;
            if rest[0] != HANDSHAKE_RECORD {
                break;
            }
            handshake.extend_from_slice(record);
            rest = &rest[5 + len..];
        }
        if handshake.len() < 4 || handshake[0] != CLIENT_HELLO {
            return None;
        }
        let len = usize::from(handshake[1]) << 16 | usize::from(handshake[2]) << 8 | usize::from(handshake[3]);
        let body = handshake.get(4..4 + len)?.to_vec();
        Self::parse(body)
    }

    fn parse(body: Vec<u8>) -> Option<ClientHello> {
        let mut c = Cursor { buf: &body, pos: 0 };
        let legacy_version = c.int(2)? as u16;
        let random = c.take(32)?;
        let session_id = c.vector(1)?;
        let ciphers = c.vector(2)?;
        let compression = c.vector(1)?;
        let mut extensions = Vec::new();
        if c.pos < body.len() {
            let (at, n) = c.vector(2)?;
            let mut e = Cursor { buf: &body[..at + n], pos: at };
            while e.pos < at + n {
                let ty = e.int(2)? as u16;
                let ext = e.vector(2)?;
                extensions.push((ty, ext));
            }
        }
        Some(ClientHello { legacy_version, random, session_id, ciphers, compression, extensions, body })
    }

    fn slice(&self, (at, n): (usize, usize)) -> &[u8] {
        &self.body[at..at + n]
    }

    pub fn random(&self) -> &[u8] {
        self.slice(self.random)
    }

    pub fn session_id(&self) -> &[u8] {
        self.slice(self.session_id)
    }

    /// The cipher suite list, two bytes per suite, as sent.
    pub fn ciphers(&self) -> &[u8] {
        self.slice(self.ciphers)
    }

    pub fn compression_methods(&self) -> &[u8] {
        self.slice(self.compression)
    }

    /// The body of extension `ty`, if the client sent it.
    /// The highest protocol version the client offers: the largest of its
    /// supported_versions extension, else its legacy version.
    pub fn max_version(&self) -> u16 {
        const SUPPORTED_VERSIONS: u16 = 43;
        match self.extension(SUPPORTED_VERSIONS) {
            Some(list) => list
                .get(1..)
                .unwrap_or(&[])
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .max()
                .unwrap_or(0),
            None => self.legacy_version,
        }
    }

    pub fn extension(&self, ty: u16) -> Option<&[u8]> {
        self.extensions.iter().find(|(t, _)| *t == ty).map(|(_, r)| self.slice(*r))
    }

    /// The extension types, in the order received.
    pub fn extension_types(&self) -> Vec<u16> {
        self.extensions.iter().map(|(t, _)| *t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend([7u8; 32]);
        body.extend([2, 0xaa, 0xbb]); // session id
        body.extend([0, 4, 0x13, 0x01, 0x13, 0x02]); // two suites
        body.extend([1, 0]); // null compression
        let sni = [0u8, 9, 0, 0, 6, b'l', b'o', b'c', b'a', b'l', b'h'];
        let mut exts = vec![0u8, 0, 0, sni.len() as u8];
        exts.extend(sni);
        exts.extend([0, 43, 0, 3, 2, 3, 4]); // supported_versions
        body.extend((exts.len() as u16).to_be_bytes());
        body.extend(exts);
        let mut msg = vec![CLIENT_HELLO, 0, 0, body.len() as u8];
        msg.extend(body);
        msg
    }

    fn records(msg: &[u8], split: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for part in [&msg[..split], &msg[split..]] {
            out.extend([HANDSHAKE_RECORD, 3, 1]);
            out.extend((part.len() as u16).to_be_bytes());
            out.extend(part);
        }
        out
    }

    #[test]
    fn fields_and_extensions_are_found_across_records() {
        let msg = hello();
        for split in [1, 4, 40, msg.len() - 1] {
            let h = ClientHello::from_records(&records(&msg, split)).expect("parsed");
            assert_eq!(h.legacy_version, 0x0303);
            assert_eq!(h.random(), &[7u8; 32][..]);
            assert_eq!(h.session_id(), &[0xaa, 0xbb][..]);
            assert_eq!(h.ciphers(), &[0x13, 0x01, 0x13, 0x02][..]);
            assert_eq!(h.compression_methods(), &[0][..]);
            assert_eq!(h.extension_types(), vec![0, 43]);
            assert_eq!(h.extension(43), Some(&[2, 3, 4][..]));
            assert_eq!(h.extension(16), None);
        }
    }

    #[test]
    fn every_truncation_is_refused_without_panicking() {
        let msg = hello();
        for cut in 0..msg.len() {
            let mut bad = msg.clone();
            bad.truncate(cut);
            // A shortened message with its header still claiming the full length.
            assert_eq!(ClientHello::from_records(&records(&bad, cut.min(1))), None, "cut {cut}");
        }
        // An extension claiming more than the block holds.
        let mut bad = msg.clone();
        let n = bad.len();
        bad[n - 5] = 0xff;
        assert_eq!(ClientHello::from_records(&records(&bad, 10)), None);
    }
}
