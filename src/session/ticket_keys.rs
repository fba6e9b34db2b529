//! A context's own session-ticket keys, made in `SSL_CTX_new` as OpenSSL makes them: a
//! 16-byte key name, an HMAC-SHA256 key and an AES-256-CBC key, fixed for the context's
//! life unless the application sets others (`SSL_CTX_set_tlsext_ticket_keys`).
//!
//! They exist before a pre-forked server forks, so a ticket issued by one worker process
//! opens in every sibling from its first connection on. (rustls' own ticketer refuses any
//! ticket longer than the longest it has sealed itself, which a fresh worker has not.)
//! Tickets have OpenSSL's layout: key name | IV | ciphertext | HMAC over all before it.

use crate::sync::{SharedRwLock, Site};
use std::sync::Arc;

use aws_lc_rs::cipher::{
    DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey, UnboundCipherKey, AES_256,
};
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;

const NAME_LEN: usize = 16;
const HMAC_KEY_LEN: usize = 32;
const AES_KEY_LEN: usize = 32;
const IV_LEN: usize = 16;
const TAG_LEN: usize = 32;
/// `SSL_CTX_get/set_tlsext_ticket_keys`' buffer: name, HMAC key, AES key.
pub const KEYS_LEN: usize = NAME_LEN + HMAC_KEY_LEN + AES_KEY_LEN;
/// rustls' default ticket lifetime hint, used when no connection is being driven.
const DEFAULT_LIFETIME: u32 = 12 * 3600;

struct KeySet {
    raw: [u8; KEYS_LEN],
    seal: PaddedBlockEncryptingKey,
    open: PaddedBlockDecryptingKey,
    mac: hmac::Key,
}

impl KeySet {
    fn from_bytes(raw: [u8; KEYS_LEN]) -> Option<KeySet> {
        let aes = &raw[NAME_LEN + HMAC_KEY_LEN..];
        Some(KeySet {
            seal: PaddedBlockEncryptingKey::cbc_pkcs7(UnboundCipherKey::new(&AES_256, aes).ok()?).ok()?,
            open: PaddedBlockDecryptingKey::cbc_pkcs7(UnboundCipherKey::new(&AES_256, aes).ok()?).ok()?,
            mac: hmac::Key::new(hmac::HMAC_SHA256, &raw[NAME_LEN..NAME_LEN + HMAC_KEY_LEN]),
            raw,
        })
    }

    fn name(&self) -> &[u8] {
        &self.raw[..NAME_LEN]
    }
}

/// The keys, replaceable while connections run (a reader seals or opens with the set it
/// took).
pub struct TicketKeys(SharedRwLock<Arc<KeySet>>);

impl std::fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketKeys")
    }
}

impl TicketKeys {
    /// Fresh random keys; `None` if the key schedule cannot be made.
    pub fn generate() -> Option<TicketKeys> {
        let mut raw = [0u8; KEYS_LEN];
        raw.copy_from_slice(&crate::crypto::random_bytes(KEYS_LEN));
        Some(TicketKeys(SharedRwLock::new(Site::TicketKeys, Arc::new(KeySet::from_bytes(raw)?))))
    }

    fn current(&self) -> Arc<KeySet> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// `SSL_CTX_get_tlsext_ticket_keys`.
    pub fn get(&self) -> [u8; KEYS_LEN] {
        self.current().raw
    }

    /// `SSL_CTX_set_tlsext_ticket_keys`: tickets sealed under the old keys no longer open.
    pub fn set(&self, raw: &[u8; KEYS_LEN]) -> bool {
        let Some(set) = KeySet::from_bytes(*raw) else { return false };
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(set);
        true
    }
}

impl rustls::server::ProducesTickets for TicketKeys {
    fn enabled(&self) -> bool {
        true
    }

    fn lifetime(&self) -> u32 {
        DEFAULT_LIFETIME
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        let keys = self.current();
        let mut body = plain.to_vec();
        // A random IV from the paged generator (aws-lc's own draw takes its locks).
        let mut iv = [0u8; IV_LEN];
        crate::crypto::rand::fill(&mut iv).ok()?;
        keys.seal.less_safe_encrypt(&mut body, EncryptionContext::Iv128(FixedLength::from(iv))).ok()?;
        let iv = &iv[..];
        let mut ticket = Vec::with_capacity(NAME_LEN + IV_LEN + body.len() + TAG_LEN);
        ticket.extend_from_slice(keys.name());
        ticket.extend_from_slice(iv);
        ticket.extend_from_slice(&body);
        let tag = hmac::sign(&keys.mac, &ticket);
        ticket.extend_from_slice(tag.as_ref());
        Some(ticket)
    }

    fn decrypt(&self, ticket: &[u8]) -> Option<Vec<u8>> {
        let keys = self.current();
        if ticket.len() < NAME_LEN + IV_LEN + TAG_LEN || &ticket[..NAME_LEN] != keys.name() {
            return None;
        }
        let (signed, tag) = ticket.split_at(ticket.len() - TAG_LEN);
        hmac::verify(&keys.mac, signed, tag).ok()?;
        let iv: [u8; IV_LEN] = signed[NAME_LEN..NAME_LEN + IV_LEN].try_into().ok()?;
        let mut body = signed[NAME_LEN + IV_LEN..].to_vec();
        let plain = keys.open.decrypt(&mut body, DecryptionContext::Iv128(FixedLength::from(iv))).ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::server::ProducesTickets;

    #[test]
    fn seal_open_and_refuse_tampering_or_other_keys() {
        let k = TicketKeys::generate().expect("keys");
        let t = k.encrypt(b"session state").expect("sealed");
        assert_eq!(t.len(), NAME_LEN + IV_LEN + 16 + TAG_LEN);
        assert_eq!(k.decrypt(&t).as_deref(), Some(&b"session state"[..]));
        for i in [0, NAME_LEN, NAME_LEN + IV_LEN, t.len() - 1] {
            let mut bad = t.clone();
            bad[i] ^= 1;
            assert!(k.decrypt(&bad).is_none(), "byte {i} flipped");
        }
        for cut in 0..t.len() {
            assert!(k.decrypt(&t[..cut]).is_none(), "cut at {cut}");
        }
        let other = TicketKeys::generate().expect("keys");
        assert!(other.decrypt(&t).is_none());
        // The same keys, set elsewhere (another process, restarted), open it.
        assert!(other.set(&k.get()));
        assert_eq!(other.decrypt(&t).as_deref(), Some(&b"session state"[..]));
    }
}
