//! Where the next TLS record boundary is in the bytes read from the peer.
//!
//! OpenSSL reads exactly one record at a time unless read-ahead is on: a record header,
//! then its body. Whatever follows the record the application is reading (the peer's
//! plaintext after a close_notify, a STARTTLS hand-back, the next request of a pipelined
//! protocol handed to another reader) stays in the BIO. rustls reads whatever it is
//! given, so the reader it gets stops at the boundary this tracker knows.

/// TLS record header length (type, version, length).
const HEADER_LEN: usize = 5;

#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct RecordTracker {
    header: [u8; HEADER_LEN],
    /// Header bytes of the next record seen so far.
    have: usize,
    /// Body bytes of the current record still to come.
    body_left: usize,
    /// The header of the first record the peer sent, and how many headers came so far.
    first: Option<[u8; HEADER_LEN]>,
    headers: usize,
}

impl RecordTracker {
    /// How many bytes may be read without passing the end of the current record (or of
    /// the next header).
    pub fn to_boundary(&self) -> usize {
        if self.body_left > 0 {
            self.body_left
        } else {
            HEADER_LEN - self.have
        }
    }

    /// Whether the header of the current record has been read and its body has not.
    pub fn in_body(&self) -> bool {
        self.body_left > 0
    }

    /// Whether the bytes read so far end exactly at a record boundary.
    pub fn at_boundary(&self) -> bool {
        self.have == 0 && self.body_left == 0
    }

    /// The header of the record read last (zeros before any).
    pub fn last_header(&self) -> [u8; HEADER_LEN] {
        self.header
    }

    /// The peer's first record header, while it is the only one read: the record a
    /// peer that does not speak TLS at all is recognised by.
    pub fn only_first_header(&self) -> Option<[u8; HEADER_LEN]> {
        self.first.filter(|_| self.headers == 1)
    }

    /// Accounts for `bytes`, read from the peer in order (any amount, any alignment).
    pub fn advance(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.body_left > 0 {
                let n = self.body_left.min(bytes.len());
                self.body_left -= n;
                bytes = &bytes[n..];
                continue;
            }
            let n = (HEADER_LEN - self.have).min(bytes.len());
            self.header[self.have..self.have + n].copy_from_slice(&bytes[..n]);
            self.have += n;
            bytes = &bytes[n..];
            if self.have == HEADER_LEN {
                self.have = 0;
                self.headers += 1;
                if self.first.is_none() {
                    self.first = Some(self.header);
                }
                self.body_left = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(len: u16) -> Vec<u8> {
        let mut r = vec![23, 3, 3];
        r.extend_from_slice(&len.to_be_bytes());
        r.extend(std::iter::repeat_n(0xaa, len as usize));
        r
    }

    #[test]
    fn boundaries_are_found_whatever_the_read_sizes() {
        let mut stream = record(10);
        stream.extend(record(0));
        stream.extend(record(300));
        for chunk in [1, 2, 5, 7, 64, 1000] {
            let mut t = RecordTracker::default();
            let mut boundaries = Vec::new();
            let mut pos = 0;
            while pos < stream.len() {
                // Read no further than the tracker allows, at most `chunk` bytes.
                let n = t.to_boundary().min(chunk).min(stream.len() - pos);
                t.advance(&stream[pos..pos + n]);
                pos += n;
                if t.at_boundary() {
                    boundaries.push(pos);
                }
            }
            assert_eq!(boundaries, vec![15, 20, 325], "chunk {chunk}");
        }
    }

    #[test]
    fn the_first_header_is_kept_while_it_is_the_only_one() {
        let mut t = RecordTracker::default();
        t.advance(b"HTTP/1.1 400");
        assert_eq!(t.only_first_header(), Some(*b"HTTP/"));
        let mut t = RecordTracker::default();
        t.advance(&record(2));
        t.advance(&record(2)[..5]);
        assert_eq!(t.only_first_header(), None);
    }

    #[test]
    fn one_large_read_across_records_keeps_the_count() {
        let mut t = RecordTracker::default();
        let mut stream = record(3);
        stream.extend(&record(4)[..6]);
        t.advance(&stream);
        assert_eq!(t.to_boundary(), 3, "header of the second record seen, one body byte read");
    }
}
