//! `i2d_SSL_SESSION` / `d2i_SSL_SESSION`: a DER encoding laid out like OpenSSL's
//! SSL_SESSION ASN.1 (version, protocol, cipher, session ID, master key, then tagged
//! optional fields), plus a private field carrying rustls' server session value.
//!
//! The decoder is strict and bounds-checked: malformed input is an error, never a panic.
use std::ffi::CString;

use super::{Resumption, SessionData};
use crate::crypto::x509::X509Cert;

const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const SEQUENCE: u8 = 0x30;
const FORMAT_VERSION: u64 = 1;

/// Context-specific, constructed tag `[n]`.
const fn ctx_tag(n: u8) -> u8 {
    0xa0 | n
}

const TAG_TIME: u8 = ctx_tag(1);
const TAG_TIMEOUT: u8 = ctx_tag(2);
const TAG_PEER: u8 = ctx_tag(3);
const TAG_SID_CTX: u8 = ctx_tag(4);
const TAG_VERIFY_RESULT: u8 = ctx_tag(5);
const TAG_HOSTNAME: u8 = ctx_tag(6);
const TAG_LIFETIME_HINT: u8 = ctx_tag(9);
const TAG_ALPN: u8 = ctx_tag(12);
const TAG_MAX_EARLY_DATA: u8 = ctx_tag(15);
/// The client's ticket (OpenSSL's tag for it).
const TAG_TICKET: u8 = ctx_tag(10);
/// Private to oxissl: whether the client holds a ticket.
const TAG_HAS_TICKET: u8 = ctx_tag(29);
/// Private to oxissl: rustls' server-side session value.
const TAG_SERVER_VALUE: u8 = ctx_tag(30);

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn tlv(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    push_len(out, body.len());
    out.extend_from_slice(body);
}

fn integer(out: &mut Vec<u8>, v: u64) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
    let mut body = bytes[skip..].to_vec();
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    tlv(out, INTEGER, &body);
}

fn explicit(out: &mut Vec<u8>, tag: u8, inner: impl FnOnce(&mut Vec<u8>)) {
    let mut body = Vec::new();
    inner(&mut body);
    tlv(out, tag, &body);
}

/// Encodes a session.
pub fn encode(d: &SessionData) -> Vec<u8> {
    let mut body = Vec::new();
    integer(&mut body, FORMAT_VERSION);
    integer(&mut body, d.version as u64);
    tlv(&mut body, OCTET_STRING, &d.cipher.map_or(0u16, |c| c.protocol_id).to_be_bytes());
    tlv(&mut body, OCTET_STRING, &d.id);
    tlv(&mut body, OCTET_STRING, &d.master_key);
    explicit(&mut body, TAG_TIME, |o| integer(o, d.time));
    explicit(&mut body, TAG_TIMEOUT, |o| integer(o, d.timeout));
    if let Some(peer) = &d.peer {
        let der = peer.to_der();
        explicit(&mut body, TAG_PEER, |o| o.extend_from_slice(&der));
    }
    if !d.sid_ctx.is_empty() {
        explicit(&mut body, TAG_SID_CTX, |o| tlv(o, OCTET_STRING, &d.sid_ctx));
    }
    explicit(&mut body, TAG_VERIFY_RESULT, |o| integer(o, d.verify_result.max(0) as u64));
    if let Some(h) = &d.hostname {
        explicit(&mut body, TAG_HOSTNAME, |o| tlv(o, OCTET_STRING, h.as_bytes()));
    }
    if d.ticket_lifetime_hint > 0 {
        explicit(&mut body, TAG_LIFETIME_HINT, |o| integer(o, d.ticket_lifetime_hint));
    }
    if !d.ticket.is_empty() {
        explicit(&mut body, TAG_TICKET, |o| tlv(o, OCTET_STRING, &d.ticket));
    }
    if !d.alpn.is_empty() {
        explicit(&mut body, TAG_ALPN, |o| tlv(o, OCTET_STRING, &d.alpn));
    }
    if d.max_early_data > 0 {
        explicit(&mut body, TAG_MAX_EARLY_DATA, |o| integer(o, d.max_early_data as u64));
    }
    if d.has_ticket {
        explicit(&mut body, TAG_HAS_TICKET, |o| integer(o, 1));
    }

    if let Some(v) = &d.server_value {
        explicit(&mut body, TAG_SERVER_VALUE, |o| tlv(o, OCTET_STRING, v));
    }
    let mut out = Vec::with_capacity(body.len() + 6);
    tlv(&mut out, SEQUENCE, &body);
    out
}

/// Why a DER session was rejected, in the terms of libcrypto's ASN.1 decoder.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Malformed {
    /// A length runs past the end of the input (ASN1_R_TOO_LONG).
    TooLong,
    /// No input at all (ASN1_R_TOO_SMALL).
    TooSmall,
    /// A required field is absent (ASN1_R_FIELD_MISSING).
    FieldMissing,
    /// An unexpected tag, or a value out of range (ASN1_R_WRONG_TAG).
    WrongTag,
}

impl Malformed {
    /// The ASN1 library reason code libcrypto would report.
    pub fn asn1_reason(self) -> std::os::raw::c_int {
        match self {
            Malformed::TooLong => 155,
            Malformed::TooSmall => 224,
            Malformed::FieldMissing => 121,
            Malformed::WrongTag => 168,
        }
    }
}

/// A bounds-checked reader of DER TLVs.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads one TLV. Like libcrypto, the length is checked before the tag, so
    /// garbage whose "length" overruns the input is "too long".
    fn read(&mut self, tag: u8) -> Result<&'a [u8], Malformed> {
        let (&t, rest) = self.rest.split_first().ok_or(Malformed::FieldMissing)?;
        let (&first, mut rest) = rest.split_first().ok_or(Malformed::TooLong)?;
        let len = if first < 0x80 {
            first as usize
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return Err(Malformed::TooLong);
            }
            let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return Err(Malformed::TooLong);
        }
        if t != tag {
            return Err(Malformed::WrongTag);
        }
        let (body, after) = rest.split_at(len);
        self.rest = after;
        Ok(body)
    }

    fn integer(&mut self) -> Result<u64, Malformed> {
        let body = self.read(INTEGER)?;
        if body.is_empty() || body.len() > 9 || body[0] & 0x80 != 0 {
            return Err(Malformed::WrongTag);
        }
        let body = if body.len() == 9 {
            if body[0] != 0 {
                return Err(Malformed::WrongTag);
            }
            &body[1..]
        } else {
            body
        };
        Ok(body.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64))
    }

    fn optional(&mut self, tag: u8) -> Result<Option<Reader<'a>>, Malformed> {
        if self.peek_tag() == Some(tag) {
            Ok(Some(Reader { rest: self.read(tag)? }))
        } else {
            Ok(None)
        }
    }

    fn finish(&self) -> Result<(), Malformed> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Malformed::WrongTag)
        }
    }
}

/// Decodes one session from the start of `input`; returns it and the bytes consumed.
/// A decoded client session carries no rustls resumption value (rustls cannot import
/// one), so it is not resumable; a server session is.
pub fn decode(input: &[u8]) -> Result<(SessionData, usize), Malformed> {
    if input.is_empty() {
        return Err(Malformed::TooSmall);
    }
    let mut outer = Reader { rest: input };
    let body = outer.read(SEQUENCE)?;
    let consumed = input.len() - outer.rest.len();
    let mut r = Reader { rest: body };
    if r.integer()? != FORMAT_VERSION {
        return Err(Malformed::WrongTag);
    }
    let version = u16::try_from(r.integer()?).map_err(|_| Malformed::WrongTag)?;
    let cipher_id = r.read(OCTET_STRING)?;
    let cipher = match cipher_id {
        [a, b] => crate::cipher::by_protocol_id(u16::from_be_bytes([*a, *b])),
        _ => return Err(Malformed::WrongTag),
    };
    let id = r.read(OCTET_STRING)?.to_vec();
    if id.len() > super::MAX_SESSION_ID_LENGTH {
        return Err(Malformed::WrongTag);
    }
    let master_key = r.read(OCTET_STRING)?.to_vec();
    let mut d = SessionData { version, cipher, id, master_key, ..SessionData::default() };
    if let Some(mut t) = r.optional(TAG_TIME)? {
        d.time = t.integer()?;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_TIMEOUT)? {
        d.timeout = t.integer()?;
        t.finish()?;
    }
    if let Some(t) = r.optional(TAG_PEER)? {
        d.peer = Some(X509Cert::from_der(t.rest).ok_or(Malformed::WrongTag)?);
    }
    if let Some(mut t) = r.optional(TAG_SID_CTX)? {
        d.sid_ctx = t.read(OCTET_STRING)?.to_vec();
        t.finish()?;
        if d.sid_ctx.len() > crate::ctx::SSL_MAX_SID_CTX_LENGTH {
            return Err(Malformed::WrongTag);
        }
    }
    if let Some(mut t) = r.optional(TAG_VERIFY_RESULT)? {
        d.verify_result = t.integer()? as i64;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_HOSTNAME)? {
        d.hostname = Some(CString::new(t.read(OCTET_STRING)?).map_err(|_| Malformed::WrongTag)?);
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_LIFETIME_HINT)? {
        d.ticket_lifetime_hint = t.integer()?;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_TICKET)? {
        d.ticket = t.read(OCTET_STRING)?.to_vec();
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_ALPN)? {
        d.alpn = t.read(OCTET_STRING)?.to_vec();
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_MAX_EARLY_DATA)? {
        d.max_early_data = u32::try_from(t.integer()?).map_err(|_| Malformed::WrongTag)?;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_HAS_TICKET)? {
        d.has_ticket = t.integer()? == 1;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_SERVER_VALUE)? {
        d.server_value = Some(t.read(OCTET_STRING)?.to_vec());
        t.finish()?;
    }
    r.finish()?;
    d.resumption = Resumption::None;
    // rustls cannot import a client's resumption state: a decoded client session
    // describes the connection but cannot resume it.
    d.not_resumable = d.server_value.is_none();
    Ok((d, consumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SessionData {
        SessionData {
            version: 0x0303,
            cipher: crate::cipher::by_protocol_id(0xc02f),
            id: vec![7; 32],
            sid_ctx: b"ctx".to_vec(),
            time: 1_700_000_000,
            timeout: 300,
            hostname: Some(CString::new("example.org").unwrap()),
            alpn: b"h2".to_vec(),
            server_value: Some(vec![1, 2, 3, 200]),
            ticket_lifetime_hint: 7200,
            ticket: vec![9; 300],
            has_ticket: true,
            ..SessionData::default()
        }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let enc = encode(&sample());
        let (d, used) = decode(&enc).unwrap();
        assert_eq!(used, enc.len());
        let s = sample();
        assert_eq!((d.version, d.id, d.sid_ctx, d.time, d.timeout), (s.version, s.id, s.sid_ctx, s.time, s.timeout));
        assert_eq!(d.cipher.map(|c| c.protocol_id), Some(0xc02f));
        assert_eq!(d.hostname, s.hostname);
        assert_eq!(d.alpn, s.alpn);
        assert_eq!(d.server_value, s.server_value);
        assert_eq!(d.ticket_lifetime_hint, 7200);
        assert_eq!((d.ticket.len(), d.has_ticket), (300, true));
    }

    #[test]
    fn every_truncation_and_corruption_is_rejected_without_panicking() {
        let enc = encode(&sample());
        for n in 0..enc.len() {
            assert!(decode(&enc[..n]).is_err(), "truncated to {n} bytes");
        }
        for i in 0..enc.len() {
            for bit in 0..8 {
                let mut bad = enc.clone();
                bad[i] ^= 1 << bit;
                let _ = decode(&bad); // must not panic; may or may not parse
            }
        }
        assert!(decode(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(decode(&[]).is_err());
    }

    #[test]
    fn trailing_bytes_after_the_sequence_are_left_to_the_caller() {
        let mut enc = encode(&sample());
        let len = enc.len();
        enc.extend_from_slice(b"tail");
        assert_eq!(decode(&enc).unwrap().1, len);
    }
}
