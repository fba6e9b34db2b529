//! DANE TLSA matching by libcrypto.
//!
//! libssl does not match TLSA records itself: it hands `X509_verify_cert` an `SSL_DANE`
//! (`X509_STORE_CTX_set0_dane`) and libcrypto's verifier matches the records against the
//! chain it builds (DANE-EE without chain building, DANE-TA with trust anchors from the
//! records, PKIX-TA/EE beside the store, digest agility, the name-check flag). oxissl does
//! the same, so DANE outcomes, depths and `X509_V_ERR_DANE_NO_MATCH` are libcrypto's own.
//!
//! The structures below are that hand-over: libcrypto 3's `struct ssl_dane_st`,
//! `struct dane_ctx_st` and `danetls_record` (its internal `dane.h`, shared by libssl and
//! libcrypto and unchanged since 1.1.0). libcrypto only reads the records and the
//! matching-type table; it writes the four result fields (`mtlsa`, `mcert`, `mdpth`,
//! `pdpth`), which [`Attached::finish`] takes back.
use std::os::raw::{c_int, c_ulong, c_void};
use std::sync::Arc;

use openssl_sys::{EVP_MD, EVP_PKEY, OPENSSL_STACK, X509, X509_STORE_CTX};

use super::pkey::EvpPkey;
use super::sys;
use super::x509::X509Cert;

extern "C" {
    fn X509_STORE_CTX_set0_dane(ctx: *mut X509_STORE_CTX, dane: *mut c_void);
    fn EVP_get_digestbyname(name: *const std::os::raw::c_char) -> *const EVP_MD;
    fn EVP_MD_get_size(md: *const EVP_MD) -> c_int;
    fn OBJ_nid2sn(nid: c_int) -> *const std::os::raw::c_char;
    fn d2i_PUBKEY(a: *mut *mut EVP_PKEY, pp: *mut *const u8, len: std::os::raw::c_long) -> *mut EVP_PKEY;
}

/// `danetls_record`.
#[repr(C)]
struct RawRecord {
    usage: u8,
    selector: u8,
    mtype: u8,
    data: *const u8,
    dlen: usize,
    spki: *mut EVP_PKEY,
}

/// `struct dane_ctx_st`.
#[repr(C)]
struct RawDaneCtx {
    mdevp: *const *const EVP_MD,
    mdord: *const u8,
    mdmax: u8,
    flags: c_ulong,
}

/// `struct ssl_dane_st`.
#[repr(C)]
struct RawDane {
    dctx: *const RawDaneCtx,
    trecs: *mut OPENSSL_STACK,
    certs: *mut OPENSSL_STACK,
    mtlsa: *const RawRecord,
    mcert: *mut X509,
    umask: u32,
    mdpth: c_int,
    pdpth: c_int,
    flags: c_ulong,
}

/// A message digest a TLSA matching type names (`EVP_MD`, never freed: libcrypto's
/// built-in digests are static, and an application's stays alive while its context uses
/// it, as with OpenSSL).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Digest(*const EVP_MD);

// SAFETY: an EVP_MD is an immutable method table shared freely between threads.
unsafe impl Send for Digest {}
// SAFETY: as above.
unsafe impl Sync for Digest {}

impl Digest {
    /// libcrypto's digest for a NID (OpenSSL fills its default DANE table this way).
    pub fn by_nid(nid: c_int) -> Option<Digest> {
        // SAFETY: OBJ_nid2sn returns a static name or NULL; the lookup takes a C string.
        unsafe {
            let name = OBJ_nid2sn(nid);
            if name.is_null() {
                return None;
            }
            let md = EVP_get_digestbyname(name);
            (!md.is_null()).then_some(Digest(md))
        }
    }

    /// Wraps an application's `const EVP_MD *` (NULL: none).
    ///
    /// # Safety
    /// `md` is NULL or a live `EVP_MD` that stays alive while the result is used.
    pub unsafe fn from_ptr(md: *const EVP_MD) -> Option<Digest> {
        (!md.is_null()).then_some(Digest(md))
    }

    /// The digest's output length in bytes.
    pub fn size(&self) -> usize {
        // SAFETY: a live digest method.
        usize::try_from(unsafe { EVP_MD_get_size(self.0) }).unwrap_or(0)
    }
}

/// One TLSA record (usage, selector, matching type, data), as libcrypto reads it. Its
/// address is stable (boxed), so the record libcrypto reports as the match is found again.
pub struct TlsaRecord {
    raw: Box<RawRecord>,
    data: Box<[u8]>,
    /// DANE-TA(2) SPKI(1) Full(0): the trust anchor's key, for chains that end below it.
    spki: Option<EvpPkey>,
}

// SAFETY: immutable after construction; `raw` points only into `data` and `spki`, which
// the record owns.
unsafe impl Send for TlsaRecord {}
// SAFETY: as above.
unsafe impl Sync for TlsaRecord {}

impl TlsaRecord {
    pub fn new(usage: u8, selector: u8, mtype: u8, data: &[u8], spki: Option<EvpPkey>) -> TlsaRecord {
        let data: Box<[u8]> = data.into();
        let raw = Box::new(RawRecord {
            usage,
            selector,
            mtype,
            data: data.as_ptr(),
            dlen: data.len(),
            spki: spki.as_ref().map_or(std::ptr::null_mut(), |k| k.as_ptr()),
        });
        TlsaRecord { raw, data, spki }
    }

    pub fn usage(&self) -> u8 {
        self.raw.usage
    }

    pub fn selector(&self) -> u8 {
        self.raw.selector
    }

    pub fn mtype(&self) -> u8 {
        self.raw.mtype
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn spki(&self) -> Option<&EvpPkey> {
        self.spki.as_ref()
    }
}

/// A whole DER certificate (the record's data must be exactly one), with a public key.
pub fn full_certificate(der: &[u8]) -> Option<X509Cert> {
    let mut p = der.as_ptr();
    let len = std::os::raw::c_long::try_from(der.len()).ok()?;
    // SAFETY: d2i reads at most `len` bytes from `der`; `p` tells how many it used.
    let cert = unsafe { X509Cert::from_owned(openssl_sys::d2i_X509(std::ptr::null_mut(), &mut p, len))? };
    let used = p as usize - der.as_ptr() as usize;
    // SAFETY: the certificate is live; get0 borrows its key.
    let has_key = unsafe { !sys::X509_get0_pubkey(cert.as_ptr()).is_null() };
    (used == der.len() && has_key).then_some(cert)
}

/// A whole DER SubjectPublicKeyInfo.
pub fn full_public_key(der: &[u8]) -> Option<EvpPkey> {
    let mut p = der.as_ptr();
    let len = std::os::raw::c_long::try_from(der.len()).ok()?;
    // SAFETY: d2i reads at most `len` bytes from `der`; `p` tells how many it used.
    let key = unsafe { EvpPkey::from_owned(d2i_PUBKEY(std::ptr::null_mut(), &mut p, len))? };
    let used = p as usize - der.as_ptr() as usize;
    (used == der.len()).then_some(key)
}

/// What a verification hands libcrypto: the connection's records in matching order,
/// DANE-TA full certificates, the context's matching-type table and the flags.
pub struct DaneInputs {
    pub records: Vec<Arc<TlsaRecord>>,
    pub ta_certs: Vec<X509Cert>,
    /// Per matching type (index): its digest and preference ordinal.
    pub mtypes: Vec<(Option<Digest>, u8)>,
    pub umask: u32,
    pub flags: c_ulong,
}

/// What libcrypto's DANE matching found.
#[derive(Clone, Default)]
pub struct DaneMatch {
    /// Depth of the matched certificate or trust-anchor key (-1: none).
    pub depth: c_int,
    /// Depth of the PKIX trust anchor (-1: none).
    pub pkix_depth: c_int,
    /// Index (in `DaneInputs::records`) of the record that matched.
    pub record: Option<usize>,
    /// The matched certificate (None when a bare trust-anchor key matched).
    pub cert: Option<X509Cert>,
}

impl DaneMatch {
    pub fn none() -> DaneMatch {
        DaneMatch { depth: -1, pkix_depth: -1, record: None, cert: None }
    }
}

/// An `SSL_DANE` built from [`DaneInputs`] for libcrypto: the records' stack, the
/// certificate stack and the table live as long as this value.
pub struct Attached<'a> {
    inputs: &'a DaneInputs,
    raw: Box<RawDane>,
    _ctx: Box<RawDaneCtx>,
    _mdevp: Box<[*const EVP_MD]>,
    _mdord: Box<[u8]>,
}

impl<'a> Attached<'a> {
    /// Builds the `SSL_DANE` (None: out of memory).
    pub fn new(inputs: &'a DaneInputs) -> Option<Attached<'a>> {
        // Every matching type a record can name (0..=255) has a slot, so no index that
        // libcrypto derives from a record can fall outside the table.
        let mut mdevp = vec![std::ptr::null::<EVP_MD>(); 256].into_boxed_slice();
        let mut mdord = vec![0u8; 256].into_boxed_slice();
        for (i, (md, ord)) in inputs.mtypes.iter().enumerate().take(256) {
            mdevp[i] = md.map_or(std::ptr::null(), |d| d.0);
            mdord[i] = *ord;
        }
        let ctx = Box::new(RawDaneCtx {
            mdevp: mdevp.as_ptr(),
            mdord: mdord.as_ptr(),
            mdmax: u8::try_from(inputs.mtypes.len().saturating_sub(1)).unwrap_or(u8::MAX),
            flags: 0,
        });
        // SAFETY: fresh stacks owned by the returned value (freed in Drop, without their
        // elements, which the records and `inputs.ta_certs` own).
        let (trecs, certs) = unsafe {
            let trecs = sys::OPENSSL_sk_new_null();
            let certs = if inputs.ta_certs.is_empty() { std::ptr::null_mut() } else { sys::OPENSSL_sk_new_null() };
            (trecs, certs)
        };
        let raw = Box::new(RawDane {
            dctx: &*ctx,
            trecs,
            certs,
            mtlsa: std::ptr::null(),
            mcert: std::ptr::null_mut(),
            umask: inputs.umask,
            mdpth: -1,
            pdpth: -1,
            flags: inputs.flags,
        });
        let out = Attached { inputs, raw, _ctx: ctx, _mdevp: mdevp, _mdord: mdord };
        if trecs.is_null() || (!inputs.ta_certs.is_empty() && certs.is_null()) {
            return None;
        }
        // SAFETY: the stacks are live; the pushed pointers stay valid while `inputs`
        // (which `out` borrows) holds the records and certificates.
        unsafe {
            for r in &inputs.records {
                if sys::OPENSSL_sk_push(trecs, &*r.raw as *const RawRecord as *const c_void) <= 0 {
                    return None;
                }
            }
            for c in &inputs.ta_certs {
                if sys::OPENSSL_sk_push(certs, c.as_ptr() as *const c_void) <= 0 {
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Gives the `SSL_DANE` to a store context about to verify (`X509_STORE_CTX_set0_dane`).
    ///
    /// # Safety
    /// `sctx` must be a live store context that is freed, or verifies no more, before
    /// this value is dropped.
    pub unsafe fn attach(&mut self, sctx: *mut X509_STORE_CTX) {
        // SAFETY: the caller guarantees the store context does not outlive `self.raw`.
        unsafe { X509_STORE_CTX_set0_dane(sctx, &mut *self.raw as *mut RawDane as *mut c_void) }
    }

    /// Takes libcrypto's result back.
    pub fn finish(mut self) -> DaneMatch {
        let mtlsa = self.raw.mtlsa;
        let record = self.inputs.records.iter().position(|r| std::ptr::eq(&*r.raw, mtlsa));
        let mcert = std::mem::replace(&mut self.raw.mcert, std::ptr::null_mut());
        // SAFETY: libcrypto stored one counted reference in `mcert` (X509_up_ref), which
        // now belongs to us.
        let cert = unsafe { X509Cert::from_owned(mcert) };
        DaneMatch { depth: self.raw.mdpth, pkix_depth: self.raw.pdpth, record, cert }
    }
}

impl Drop for Attached<'_> {
    fn drop(&mut self) {
        // SAFETY: we own both stacks (not their elements) and any certificate reference
        // libcrypto left in `mcert` that `finish` did not take.
        unsafe {
            if !self.raw.trecs.is_null() {
                sys::OPENSSL_sk_free(self.raw.trecs);
            }
            if !self.raw.certs.is_null() {
                sys::OPENSSL_sk_free(self.raw.certs);
            }
            if !self.raw.mcert.is_null() {
                openssl_sys::X509_free(self.raw.mcert);
            }
        }
    }
}

/// A standing `SSL_DANE` for `SSL_get0_dane`: the same structure, owning what it points
/// to, refreshed from the connection's records each time it is asked for. An
/// application may hand it to `X509_STORE_CTX_set0_dane` for its own verification.
/// Everything it points to is boxed, so moving it keeps `as_ptr` valid.
pub struct StandingDane {
    inputs: Box<DaneInputs>,
    attached: Option<Attached<'static>>,
}

// SAFETY: only the connection's own thread touches it (OpenSSL's rule for an SSL); the
// raw pointers point into data this value owns.
unsafe impl Send for StandingDane {}
// SAFETY: as above.
unsafe impl Sync for StandingDane {}

impl StandingDane {
    /// An `SSL_DANE` for `inputs` (None: out of memory).
    pub fn new(inputs: DaneInputs) -> Option<StandingDane> {
        let inputs = Box::new(inputs);
        // SAFETY: `inputs` is boxed and owned by the value below, declared before
        // `attached` is dropped (Drop drops `attached` first), so the borrow never dangles.
        let borrowed: &'static DaneInputs = unsafe { &*(&*inputs as *const DaneInputs) };
        let attached = Attached::new(borrowed)?;
        Some(StandingDane { inputs, attached: Some(attached) })
    }

    pub fn record_count(&self) -> usize {
        self.inputs.records.len()
    }

    pub fn as_ptr(&mut self) -> *mut c_void {
        match &mut self.attached {
            Some(a) => &mut *a.raw as *mut RawDane as *mut c_void,
            None => std::ptr::null_mut(),
        }
    }
}

impl Drop for StandingDane {
    fn drop(&mut self) {
        // The structure borrows `inputs`: release it first.
        self.attached = None;
        let _ = &self.inputs;
    }
}
