//! `i2d_SSL_SESSION` / `d2i_SSL_SESSION`: OpenSSL 3.0's SSL_SESSION ASN.1 layout
//! (version, protocol, cipher, session ID, master key, then explicitly tagged optional
//! fields `[1]`..`[20]` in order), so that OpenSSL reads what oxissl writes (`openssl
//! sess_id`, `s_client -sess_in`) and oxissl reads what OpenSSL writes. A server
//! session's rustls value (its secrets) travels in `[18]`, OpenSSL's ticket application
//! data field, behind a marker.
//!
//! The decoder is strict and bounds-checked: malformed input is an error, never a panic.
use std::ffi::CString;

use super::{Resumption, SessionData};
use crate::crypto::x509::X509Cert;

const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const SEQUENCE: u8 = 0x30;
/// SSL_SESSION_ASN1_VERSION.
const FORMAT_VERSION: u64 = 1;

/// Context-specific, constructed tag `[n]` (explicit tagging).
const fn ctx_tag(n: u8) -> u8 {
    0xa0 | n
}

/// `[0]` key_arg, implicitly tagged (primitive); read and ignored.
const TAG_KEY_ARG: u8 = 0x80;
const TAG_TIME: u8 = ctx_tag(1);
const TAG_TIMEOUT: u8 = ctx_tag(2);
const TAG_PEER: u8 = ctx_tag(3);
const TAG_SID_CTX: u8 = ctx_tag(4);
const TAG_VERIFY_RESULT: u8 = ctx_tag(5);
const TAG_HOSTNAME: u8 = ctx_tag(6);
const TAG_PSK_IDENTITY_HINT: u8 = ctx_tag(7);
const TAG_PSK_IDENTITY: u8 = ctx_tag(8);
const TAG_LIFETIME_HINT: u8 = ctx_tag(9);
const TAG_TICKET: u8 = ctx_tag(10);
const TAG_COMP_ID: u8 = ctx_tag(11);
const TAG_SRP_USERNAME: u8 = ctx_tag(12);
const TAG_FLAGS: u8 = ctx_tag(13);
const TAG_TICK_AGE_ADD: u8 = ctx_tag(14);
const TAG_MAX_EARLY_DATA: u8 = ctx_tag(15);
const TAG_ALPN: u8 = ctx_tag(16);
const TAG_MAX_FRAGMENT_LEN_MODE: u8 = ctx_tag(17);
const TAG_TICKET_APPDATA: u8 = ctx_tag(18);
const TAG_KEX_GROUP: u8 = ctx_tag(19);
const TAG_PEER_RPK: u8 = ctx_tag(20);

/// The session flag OpenSSL encodes in `[13]`: the extended master secret was used.
const SSL_SESS_FLAG_EXTMS: u64 = 0x1;

/// Marks `[18]` as carrying rustls' server session value rather than application data.
const SERVER_VALUE_MARK: &[u8] = b"oxissl rustls server session 1\0";

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

/// Encodes a session. Zero-default integers are left out when zero, as OpenSSL does.
pub fn encode(d: &SessionData) -> Vec<u8> {
    let mut body = Vec::new();
    integer(&mut body, FORMAT_VERSION);
    integer(&mut body, d.version as u64);
    tlv(&mut body, OCTET_STRING, &d.cipher.map_or(0u16, |c| c.protocol_id).to_be_bytes());
    tlv(&mut body, OCTET_STRING, &d.id);
    tlv(&mut body, OCTET_STRING, &d.master_key);
    if d.time != 0 {
        explicit(&mut body, TAG_TIME, |o| integer(o, d.time));
    }
    if d.timeout != 0 {
        explicit(&mut body, TAG_TIMEOUT, |o| integer(o, d.timeout));
    }
    if let Some(peer) = &d.peer {
        let der = peer.to_der();
        explicit(&mut body, TAG_PEER, |o| o.extend_from_slice(&der));
    }
    explicit(&mut body, TAG_SID_CTX, |o| tlv(o, OCTET_STRING, &d.sid_ctx));
    if d.verify_result > 0 {
        explicit(&mut body, TAG_VERIFY_RESULT, |o| integer(o, d.verify_result as u64));
    }
    if let Some(h) = &d.hostname {
        explicit(&mut body, TAG_HOSTNAME, |o| tlv(o, OCTET_STRING, h.as_bytes()));
    }
    if d.ticket_lifetime_hint > 0 {
        explicit(&mut body, TAG_LIFETIME_HINT, |o| integer(o, d.ticket_lifetime_hint));
    }
    if !d.ticket.is_empty() {
        explicit(&mut body, TAG_TICKET, |o| tlv(o, OCTET_STRING, &d.ticket));
    }
    if d.extms {
        explicit(&mut body, TAG_FLAGS, |o| integer(o, SSL_SESS_FLAG_EXTMS));
    }
    if d.max_early_data > 0 {
        explicit(&mut body, TAG_MAX_EARLY_DATA, |o| integer(o, d.max_early_data as u64));
    }
    if !d.alpn.is_empty() {
        explicit(&mut body, TAG_ALPN, |o| tlv(o, OCTET_STRING, &d.alpn));
    }
    if let Some(v) = &d.server_value {
        let mut carried = Vec::with_capacity(SERVER_VALUE_MARK.len() + v.len());
        carried.extend_from_slice(SERVER_VALUE_MARK);
        carried.extend_from_slice(v);
        explicit(&mut body, TAG_TICKET_APPDATA, |o| tlv(o, OCTET_STRING, &carried));
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
/// Fields oxissl has no use for (PSK identities, SRP user, other flags, ticket age, maximum
/// fragment length, key exchange group, raw public key) are read and dropped. A decoded
/// client session carries no rustls resumption value (rustls cannot import one): it is
/// not resumable unless this process exported it (see `registry`); a server session is.
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
    if master_key.len() > super::MAX_MASTER_KEY_LENGTH {
        return Err(Malformed::WrongTag);
    }
    let mut d = SessionData { version, cipher, id, master_key, ..SessionData::default() };
    if r.peek_tag() == Some(TAG_KEY_ARG) {
        r.read(TAG_KEY_ARG)?;
    }
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
    for tag in [TAG_PSK_IDENTITY_HINT, TAG_PSK_IDENTITY] {
        skip_octets(&mut r, tag)?;
    }
    if let Some(mut t) = r.optional(TAG_LIFETIME_HINT)? {
        d.ticket_lifetime_hint = t.integer()?;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_TICKET)? {
        d.ticket = t.read(OCTET_STRING)?.to_vec();
        t.finish()?;
    }
    for tag in [TAG_COMP_ID, TAG_SRP_USERNAME] {
        skip_octets(&mut r, tag)?;
    }
    if let Some(mut t) = r.optional(TAG_FLAGS)? {
        d.extms = t.integer()? & SSL_SESS_FLAG_EXTMS != 0;
        t.finish()?;
    }
    skip_integer(&mut r, TAG_TICK_AGE_ADD)?;
    if let Some(mut t) = r.optional(TAG_MAX_EARLY_DATA)? {
        d.max_early_data = u32::try_from(t.integer()?).map_err(|_| Malformed::WrongTag)?;
        t.finish()?;
    }
    if let Some(mut t) = r.optional(TAG_ALPN)? {
        d.alpn = t.read(OCTET_STRING)?.to_vec();
        t.finish()?;
    }
    skip_integer(&mut r, TAG_MAX_FRAGMENT_LEN_MODE)?;
    if let Some(mut t) = r.optional(TAG_TICKET_APPDATA)? {
        let carried = t.read(OCTET_STRING)?;
        t.finish()?;
        // Application data of another library's session: not ours to use.
        if let Some(v) = carried.strip_prefix(SERVER_VALUE_MARK) {
            d.server_value = Some(v.to_vec());
        }
    }
    skip_integer(&mut r, TAG_KEX_GROUP)?;
    skip_octets(&mut r, TAG_PEER_RPK)?;
    r.finish()?;
    d.has_ticket = !d.ticket.is_empty();
    d.resumption = Resumption::None;
    d.not_resumable = d.server_value.is_none();
    Ok((d, consumed))
}

/// Reads and drops an optional explicitly tagged OCTET STRING.
fn skip_octets(r: &mut Reader<'_>, tag: u8) -> Result<(), Malformed> {
    if let Some(mut t) = r.optional(tag)? {
        t.read(OCTET_STRING)?;
        t.finish()?;
    }
    Ok(())
}

/// Reads and drops an optional explicitly tagged INTEGER.
fn skip_integer(r: &mut Reader<'_>, tag: u8) -> Result<(), Malformed> {
    if let Some(mut t) = r.optional(tag)? {
        t.integer()?;
        t.finish()?;
    }
    Ok(())
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
            extms: true,
            ..SessionData::default()
        }
    }

    /// Sessions written by OpenSSL 3.0's `s_client -sess_out` (TLS 1.3 and 1.2, ALPN
    /// http/1.1), converted to DER with `openssl sess_id -outform DER`.
    #[test]
    fn sessions_written_by_openssl_are_read() {
        for (der, version, cipher) in [
            (&include_bytes!("testdata/openssl-3.0-tls1_3-client.der")[..], 0x0304, 0x1302),
            (&include_bytes!("testdata/openssl-3.0-tls1_2-client.der")[..], 0x0303, 0xc02c),
        ] {
            let (d, used) = decode(der).expect("OpenSSL's encoding");
            assert_eq!(used, der.len());
            assert_eq!(d.version, version);
            assert_eq!(d.cipher.map(|c| c.protocol_id), Some(cipher));
            assert_eq!(d.alpn, b"http/1.1");
            assert!(d.peer.is_some() && d.has_ticket && !d.ticket.is_empty());
            assert!(d.not_resumable && d.server_value.is_none());
            // OpenSSL's SSL_SESS_FLAG_EXTMS: set at TLS 1.2, never at TLS 1.3.
            assert_eq!(d.extms, version == 0x0303);
            // What we write from it reads back the same.
            let (again, _) = decode(&encode(&d)).unwrap();
            assert_eq!((again.version, again.ticket, again.alpn), (d.version, d.ticket, d.alpn));
        }
    }

    #[test]
    fn application_data_of_other_libraries_is_not_taken_for_a_server_value() {
        let mut d = sample();
        d.server_value = None;
        let mut enc = encode(&d);
        // Append [18] { OCTET STRING "app" } inside the outer SEQUENCE.
        let extra = [ctx_tag(18), 5, OCTET_STRING, 3, b'a', b'p', b'p'];
        enc.extend_from_slice(&extra);
        let body_len = enc.len() - 4; // the sample's outer header is 30 82 LL LL
        assert_eq!(enc[1], 0x82);
        enc[2..4].copy_from_slice(&(body_len as u16).to_be_bytes());
        let (back, _) = decode(&enc).unwrap();
        assert_eq!(back.server_value, None);
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let enc = encode(&sample());
        let (d, used) = decode(&enc).unwrap();
        assert_eq!(used, enc.len());
        let s = sample();
        assert_eq!((d.version, d.id, d.sid_ctx, d.time, d.timeout), (s.version, s.id, s.sid_ctx, s.time, s.timeout));
        assert!(d.extms);
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
