//! Client sessions through DER inside one process.
//!
//! rustls keeps a client's resumption secrets private: they cannot be written out or read
//! back. Programs still copy client sessions through `i2d_SSL_SESSION`/`d2i_SSL_SESSION`
//! (CPython does it before every `SSL_set_session`; others keep the DER and free the
//! object), so the encoder files the session's resumption state here, under the fields
//! that identify it in the DER (ID, ticket and master key), and the decoder finds it
//! again. An entry lives until the session's timeout, or until [`CAPACITY`] newer
//! exports push it out; a DER from another process never resumes.
use crate::sync::{SharedMutex, Site};
use std::collections::{HashMap, VecDeque};

use once_cell::sync::Lazy;

use super::der::{self, Malformed};
use super::{now, Resumption, SessionData};

/// Exported client sessions kept resumable at most.
pub const CAPACITY: usize = 1024;

struct Entry {
    resumption: Resumption,
    /// Seconds since the epoch after which the session is expired anyway.
    expires: u64,
}

#[derive(Default)]
struct Registry {
    held: HashMap<Vec<u8>, Entry>,
    /// Keys in the order they were filed (may name entries already replaced or gone).
    order: VecDeque<Vec<u8>>,
}

impl Registry {
    fn file(&mut self, key: Vec<u8>, entry: Entry, now: u64) {
        if self.held.len() >= CAPACITY {
            self.held.retain(|_, e| e.expires >= now);
            while self.held.len() >= CAPACITY {
                let Some(oldest) = self.order.pop_front() else { break };
                self.held.remove(&oldest);
            }
            let held = &self.held;
            self.order.retain(|k| held.contains_key(k));
        }
        if self.held.insert(key.clone(), entry).is_none() {
            self.order.push_back(key);
        }
    }

    fn find(&self, key: &[u8], now: u64) -> Option<Resumption> {
        self.held.get(key).filter(|e| e.expires >= now).map(|e| e.resumption.clone())
    }
}

static REGISTRY: Lazy<SharedMutex<Registry>> =
    Lazy::new(|| SharedMutex::new(Site::SessionRegistry, Registry::default()));

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The identity of a client session in its DER: ID, ticket and master key, each with
/// its length. None for server sessions (their state is in the DER itself).
fn key(d: &SessionData) -> Option<Vec<u8>> {
    if d.server_value.is_some() || (d.id.is_empty() && d.ticket.is_empty()) {
        return None;
    }
    let mut k = Vec::with_capacity(12 + d.id.len() + d.ticket.len() + d.master_key.len());
    for part in [&d.id, &d.ticket, &d.master_key] {
        k.extend_from_slice(&(part.len() as u32).to_be_bytes());
        k.extend_from_slice(part);
    }
    Some(k)
}

/// `i2d_SSL_SESSION`: the DER, with a client session's resumption state filed for
/// [`import`].
pub fn export(d: &mut SessionData) -> Vec<u8> {
    d.settle_ticket_facts();
    if d.resumption.is_usable() {
        if let Some(k) = key(d) {
            let entry = Entry { resumption: d.resumption.clone(), expires: d.time.saturating_add(d.timeout) };
            registry().file(k, entry, now());
        }
    }
    der::encode(d)
}

/// `d2i_SSL_SESSION`: a decoded session; a client session resumes when this process
/// exported it and its state is still filed.
pub fn import(bytes: &[u8]) -> Result<(SessionData, usize), Malformed> {
    let (mut d, used) = der::decode(bytes)?;
    if let Some(k) = key(&d) {
        let found = registry().find(&k, now());
        if let Some(r) = found {
            d.resumption = r;
            d.not_resumable = false;
        }
    }
    Ok((d, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(expires: u64) -> Entry {
        Entry { resumption: Resumption::None, expires }
    }

    #[test]
    fn sessions_never_exported_decode_as_not_resumable() {
        let mut d = SessionData { version: 0x0303, id: vec![1; 32], master_key: vec![7; 48], ..SessionData::default() };
        let (back, _) = import(&export(&mut d)).unwrap();
        assert!(back.resumption.is_none());
        assert!(back.not_resumable);
    }

    #[test]
    fn entries_expire_and_the_oldest_make_room() {
        let mut reg = Registry::default();
        reg.file(vec![0], entry(100), 50);
        assert!(reg.find(&[0], 100).is_some());
        assert!(reg.find(&[0], 101).is_none(), "past its timeout");
        for i in 1..=CAPACITY as u32 {
            reg.file(i.to_be_bytes().to_vec(), entry(1000), 50);
        }
        assert_eq!(reg.held.len(), CAPACITY);
        assert!(reg.find(&[0], 60).is_none(), "the oldest was pushed out");
        assert!(reg.find(&1u32.to_be_bytes(), 60).is_some());
        // Filing the same key again replaces it without growing the order.
        reg.file(vec![9, 9], entry(1000), 50);
        reg.file(vec![9, 9], entry(2000), 50);
        assert_eq!(reg.order.iter().filter(|k| k.as_slice() == [9, 9]).count(), 1);
    }
}
