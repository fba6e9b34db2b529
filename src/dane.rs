//! DANE (RFC 6698, 7671): TLSA records that authenticate a peer's certificate chain.
//!
//! A context enables DANE and holds the matching types (`SSL_CTX_dane_enable`,
//! `SSL_CTX_dane_mtype_set`); a connection enables it with its TLSA base domain and
//! collects records (`SSL_dane_enable`, `SSL_dane_tlsa_add`). Records are checked and
//! ordered here as libssl does; matching happens inside libcrypto's `X509_verify_cert`
//! during the peer verification (see [`crate::crypto::dane`]), and what it matched is
//! kept for `SSL_get0_dane_authority` / `SSL_get0_dane_tlsa`.
use std::os::raw::{c_int, c_ulong};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::crypto::dane::{full_certificate, full_public_key, DaneInputs, DaneMatch, Digest, TlsaRecord};
use crate::crypto::x509::X509Cert;
use crate::error;

pub const USAGE_PKIX_TA: u8 = 0;
pub const USAGE_DANE_TA: u8 = 2;
pub const USAGE_LAST: u8 = 3;
pub const SELECTOR_CERT: u8 = 0;
pub const SELECTOR_SPKI: u8 = 1;
pub const MATCHING_FULL: u8 = 0;

const NID_SHA256: c_int = 672;
const NID_SHA512: c_int = 674;

fn usage_bit(usage: u8) -> u32 {
    1 << usage
}

const TA_MASK: u32 = 1 << USAGE_PKIX_TA | 1 << USAGE_DANE_TA;

/// A context's DANE matching types: index = matching type, its digest (None: Full(0), or
/// disabled) and its preference ordinal (higher first). Empty until `SSL_CTX_dane_enable`.
#[derive(Clone, Default)]
pub struct MatchingTypes {
    pub table: Vec<(Option<Digest>, u8)>,
}

impl MatchingTypes {
    /// OpenSSL's "mdmax != 0": enabled once a table with more than Full(0) exists.
    pub fn enabled(&self) -> bool {
        self.table.len() > 1
    }

    /// `SSL_CTX_dane_enable`: SHA2-256(1) and SHA2-512(2), preferring SHA-512. Enabling
    /// again keeps the table.
    pub fn enable(&mut self) {
        if !self.table.is_empty() {
            return;
        }
        self.table = vec![(None, 0), (Digest::by_nid(NID_SHA256), 1), (Digest::by_nid(NID_SHA512), 2)];
        for entry in &mut self.table[1..] {
            if entry.0.is_none() {
                entry.1 = 0;
            }
        }
    }

    /// `SSL_CTX_dane_mtype_set`: 1, or 0 with the reason queued.
    pub fn set(&mut self, md: Option<Digest>, mtype: u8, ord: u8) -> c_int {
        if mtype == MATCHING_FULL && md.is_some() {
            error::raise(error::SSL_R_DANE_CANNOT_OVERRIDE_MTYPE_FULL);
            return 0;
        }
        // Full(0) always has no digest. (OpenSSL writes through its NULL table here when
        // the context was never enabled, and crashes.)
        if mtype == MATCHING_FULL && self.table.is_empty() {
            return 1;
        }
        let i = mtype as usize;
        if i >= self.table.len() {
            self.table.resize(i + 1, (None, 0));
        }
        self.table[i] = (md, if md.is_none() { 0 } else { ord });
        1
    }

    fn digest(&self, mtype: u8) -> Option<Digest> {
        self.table.get(mtype as usize).and_then(|e| e.0)
    }

    fn ordinal(&self, mtype: u8) -> u8 {
        self.table.get(mtype as usize).map_or(0, |e| e.1)
    }
}

/// The context's DANE state, shared with the connections that enabled DANE under it
/// (OpenSSL's `dctx` pointer: a later `SSL_CTX_dane_mtype_set` reaches them too).
#[derive(Default)]
pub struct DaneCtx {
    pub mtypes: Arc<RwLock<MatchingTypes>>,
    pub flags: Mutex<c_ulong>,
}

impl DaneCtx {
    pub fn matching_types(&self) -> MatchingTypes {
        self.mtypes.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What DANE matched (`SSL_get0_dane_authority`): the depth of the matching certificate
/// (-1: no match), and the record that matched with the certificate it matched, if any.
pub type Authority = (c_int, Option<(Arc<TlsaRecord>, Option<X509Cert>)>);

/// A connection's DANE state.
#[derive(Default)]
pub struct Dane {
    /// `SSL_dane_set_flags` (DANE_FLAG_NO_DANE_EE_NAMECHECKS); copied from the context by
    /// `SSL_new`.
    pub flags: c_ulong,
    /// The records, in matching order; None until `SSL_dane_enable`.
    records: Option<Vec<Arc<TlsaRecord>>>,
    /// Full certificates of trust-anchor records (offered to chain building).
    ta_certs: Vec<X509Cert>,
    /// The usages present.
    umask: u32,
    /// The context's matching types, from `SSL_dane_enable` on.
    mtypes: Option<Arc<RwLock<MatchingTypes>>>,
    /// The last verification's match.
    found: Option<DaneMatch>,
    /// The structures `SSL_get0_dane` handed out (the newest last): each stays valid
    /// while the connection lives, as the pointer OpenSSL returns does (the structure is
    /// boxed inside each, so the vector may move them).
    standing: Vec<crate::crypto::dane::StandingDane>,
}

impl Dane {
    pub fn new(flags: c_ulong) -> Dane {
        Dane { flags, ..Default::default() }
    }

    pub fn is_enabled(&self) -> bool {
        self.records.is_some()
    }

    /// OpenSSL's DANETLS_ENABLED: enabled with at least one usable record.
    pub fn is_active(&self) -> bool {
        self.records.as_ref().is_some_and(|r| !r.is_empty())
    }

    /// Whether `SSL_dane_enable` may go on (the reason queued if not): checked before
    /// the base domain is set, as OpenSSL does, so a refused call changes nothing.
    pub fn may_enable(&self, ctx: &DaneCtx) -> bool {
        if !ctx.mtypes.read().unwrap_or_else(|e| e.into_inner()).enabled() {
            error::raise(error::SSL_R_CONTEXT_NOT_DANE_ENABLED);
            return false;
        }
        if self.records.is_some() {
            error::raise(error::SSL_R_DANE_ALREADY_ENABLED);
            return false;
        }
        true
    }

    /// `SSL_dane_enable`, once the base domain is set: no records yet.
    pub fn enable(&mut self, ctx: &DaneCtx) {
        self.records = Some(Vec::new());
        self.mtypes = Some(ctx.mtypes.clone());
        self.found = None;
    }

    /// `SSL_dane_tlsa_add`: 1 (added), 0 (unusable record; reason queued) or -1 (DANE not
    /// enabled). `data` is None for a NULL pointer.
    pub fn add(&mut self, usage: u8, selector: u8, mtype: u8, data: Option<&[u8]>, dlen: usize) -> c_int {
        let (Some(records), Some(mtypes)) = (self.records.as_mut(), self.mtypes.as_ref()) else {
            error::raise(error::SSL_R_DANE_NOT_ENABLED);
            return -1;
        };
        let mtypes = mtypes.read().unwrap_or_else(|e| e.into_inner()).clone();
        if c_int::try_from(dlen).is_err() {
            error::raise(error::SSL_R_DANE_TLSA_BAD_DATA_LENGTH);
            return 0;
        }
        if usage > USAGE_LAST {
            error::raise(error::SSL_R_DANE_TLSA_BAD_CERTIFICATE_USAGE);
            return 0;
        }
        if selector > SELECTOR_SPKI {
            error::raise(error::SSL_R_DANE_TLSA_BAD_SELECTOR);
            return 0;
        }
        let md = if mtype == MATCHING_FULL {
            None
        } else {
            match mtypes.digest(mtype) {
                Some(md) => Some(md),
                None => {
                    error::raise(error::SSL_R_DANE_TLSA_BAD_MATCHING_TYPE);
                    return 0;
                }
            }
        };
        if md.is_some_and(|md| md.size() != dlen) {
            error::raise(error::SSL_R_DANE_TLSA_BAD_DIGEST_LENGTH);
            return 0;
        }
        let Some(data) = data else {
            error::raise(error::SSL_R_DANE_TLSA_NULL_DATA);
            return 0;
        };
        // OpenSSL copies the data with OPENSSL_malloc, which refuses zero bytes: an empty
        // Full(0) record is an internal error (-1), not an unusable record, and a client
        // such as Postfix then gives up on DANE for the connection instead of ignoring it.
        if data.is_empty() {
            error::raise(error::ERR_R_MALLOC_FAILURE);
            return -1;
        }
        let is_ta = usage_bit(usage) & TA_MASK != 0;
        let mut spki = None;
        let mut ta_cert = None;
        if mtype == MATCHING_FULL {
            if selector == SELECTOR_CERT {
                let Some(cert) = full_certificate(data) else {
                    error::raise(error::SSL_R_DANE_TLSA_BAD_CERTIFICATE);
                    return 0;
                };
                // An end-entity record's certificate is matched as bytes; a trust
                // anchor's may be missing from the peer's chain and is offered to chain
                // building.
                if is_ta {
                    ta_cert = Some(cert);
                }
            } else {
                let Some(key) = full_public_key(data) else {
                    error::raise(error::SSL_R_DANE_TLSA_BAD_PUBLIC_KEY);
                    return 0;
                };
                if usage == USAGE_DANE_TA {
                    spki = Some(key);
                }
            }
        }
        // Matching order (libcrypto relies on it): usage descending (DANE-EE first),
        // selector descending, matching-type preference descending; a new record goes
        // before the first one it does not sort after.
        let ord = mtypes.ordinal(mtype);
        let at = records
            .iter()
            .position(|r| {
                (r.usage(), r.selector()) <= (usage, selector)
                    && ((r.usage(), r.selector()) < (usage, selector) || mtypes.ordinal(r.mtype()) <= ord)
            })
            .unwrap_or(records.len());
        records.insert(at, Arc::new(TlsaRecord::new(usage, selector, mtype, data, spki)));
        if let Some(cert) = ta_cert {
            self.ta_certs.push(cert);
        }
        self.umask |= usage_bit(usage);
        1
    }

    /// What a verification hands libcrypto, when DANE is active.
    pub fn inputs(&self) -> Option<DaneInputs> {
        if !self.is_active() {
            return None;
        }
        let mtypes = self.mtypes.as_ref()?.read().unwrap_or_else(|e| e.into_inner()).table.clone();
        Some(DaneInputs {
            records: self.records.clone().unwrap_or_default(),
            ta_certs: self.ta_certs.clone(),
            mtypes,
            umask: self.umask,
            flags: self.flags,
        })
    }

    /// Records a verification's match.
    pub fn set_found(&mut self, found: DaneMatch) {
        self.found = Some(found);
    }

    /// `SSL_clear`: the verification result goes, the records stay.
    pub fn clear_result(&mut self) {
        self.found = None;
    }

    /// The match, for `SSL_get0_dane_authority`/`_tlsa` (None: DANE not active).
    pub fn authority(&self) -> Option<Authority> {
        if !self.is_active() {
            return None;
        }
        let Some(found) = &self.found else {
            return Some((-1, None));
        };
        let record = found.record.and_then(|i| self.records.as_ref()?.get(i).cloned());
        Some((found.depth, record.map(|r| (r, found.cert.clone()))))
    }

    /// A copy of the configuration without the verification result (`SSL_dup`).
    pub fn duplicate(&self) -> Dane {
        Dane {
            flags: self.flags,
            records: self.records.clone(),
            ta_certs: self.ta_certs.clone(),
            umask: self.umask,
            mtypes: self.mtypes.clone(),
            found: None,
            standing: Vec::new(),
        }
    }

    /// `SSL_get0_dane`: the libcrypto structure for the current records (a new one only
    /// when records were added since the last call).
    pub fn standing_ptr(&mut self) -> *mut std::os::raw::c_void {
        let count = self.records.as_ref().map_or(0, Vec::len);
        if let Some(last) = self.standing.last_mut() {
            if last.record_count() == count {
                return last.as_ptr();
            }
        }
        let inputs = self.inputs().unwrap_or_else(|| DaneInputs {
            records: self.records.clone().unwrap_or_default(),
            ta_certs: self.ta_certs.clone(),
            mtypes: self
                .mtypes
                .as_ref()
                .map(|m| m.read().unwrap_or_else(|e| e.into_inner()).table.clone())
                .unwrap_or_default(),
            umask: self.umask,
            flags: self.flags,
        });
        match crate::crypto::dane::StandingDane::new(inputs) {
            Some(mut s) => {
                let p = s.as_ptr();
                self.standing.push(s);
                p
            }
            None => std::ptr::null_mut(),
        }
    }
}

/// Locks a connection's DANE state.
pub fn lock(m: &Mutex<Dane>) -> MutexGuard<'_, Dane> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
