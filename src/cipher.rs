//! Cipher suites: the `SSL_CIPHER` objects oxissl hands to C, and OpenSSL 3.0's
//! cipher-string language (`SSL_CTX_set_cipher_list`, `SSL_CTX_set_ciphersuites`).
//!
//! # How cipher strings are evaluated
//!
//! OpenSSL decides what a cipher string selects, and in which order, by running the
//! string's rules over *every* TLS ≤ 1.2 suite it has enabled, starting from a fixed
//! preference order. Restricting that machinery to the six TLS 1.2 suites rustls offers
//! would give different results (for instance `AES128-SHA` alone is accepted by OpenSSL
//! although it selects nothing we implement, and `-`/`+`/`@STRENGTH` reorder relative to
//! suites we lack). So this module keeps a compact model of OpenSSL 3.0's 155 enabled
//! TLS ≤ 1.2 suites (recorded from `openssl ciphers -v ALL:COMPLEMENTOFALL` on Debian 12's
//! OpenSSL 3.0, in OpenSSL's initial preference order), evaluates the string over the
//! model exactly as OpenSSL does, and only then keeps the suites oxissl implements.
//! (Checked during development against the system libssl on over 300,000 random strings:
//! identical selection and order over all 155 suites, error kind and security level.)
//!
//! The model describes OpenSSL with only its default provider loaded. With the legacy
//! provider, OpenSSL would also enable SEED/IDEA suites and the `RC4`, `SEED`, `IDEA`
//! aliases; that changes nothing we can negotiate and only matters for strings that
//! name nothing else.
//!
//! # "Matched nothing" versus "matched only suites oxissl lacks"
//!
//! OpenSSL fails `SSL_CTX_set_cipher_list` with `SSL_R_NO_CIPHER_MATCH` when the string
//! selects no TLS ≤ 1.2 suite at all. When the string selects suites OpenSSL has but
//! oxissl does not (e.g. `"AES128-SHA"`, `"kRSA"`, `"PSK"`), OpenSSL succeeds and TLS 1.3
//! keeps working; an application written against OpenSSL expects that call to succeed.
//! [`parse_cipher_list`] therefore returns `Ok` with an empty TLS 1.2 list in that case
//! (the connection can still negotiate TLS 1.3), and `Err(CipherStringError::NoCipherMatch)`
//! only where OpenSSL itself fails. [`CipherList::openssl_selection`] tells the two apart
//! for callers that want to log the difference.
use std::ffi::CStr;
use std::os::raw::c_int;

use rustls::crypto::aws_lc_rs::cipher_suite as rs;
use rustls::{CipherSuite, SupportedCipherSuite};

/// `TLS1_2_VERSION`.
pub const TLS1_2_VERSION: u16 = 0x0303;
/// `TLS1_3_VERSION`.
pub const TLS1_3_VERSION: u16 = 0x0304;

/// `NID_undef`.
pub const NID_UNDEF: c_int = 0;
const NID_SHA256: c_int = 672;
const NID_SHA384: c_int = 673;
const NID_AES_128_GCM: c_int = 895;
const NID_AES_256_GCM: c_int = 901;
const NID_CHACHA20_POLY1305: c_int = 1018;
const NID_KX_ECDHE: c_int = 1038;
pub const NID_KX_DHE: c_int = 1039;
const NID_KX_ANY: c_int = 1063;
const NID_AUTH_RSA: c_int = 1046;
const NID_AUTH_ECDSA: c_int = 1047;
const NID_AUTH_ANY: c_int = 1064;

/// The digest of a suite's handshake transcript and PRF/HKDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeDigest {
    Sha256,
    Sha384,
}

impl HandshakeDigest {
    /// The digest's NID (`NID_sha256` / `NID_sha384`).
    pub fn nid(self) -> c_int {
        match self {
            HandshakeDigest::Sha256 => NID_SHA256,
            HandshakeDigest::Sha384 => NID_SHA384,
        }
    }
}

/// One cipher suite oxissl implements: the object behind an `SSL_CIPHER*`.
///
/// Every instance is an entry of a static table, so `&'static SslCipher` is the handle
/// identity (`SSL_CIPHER` pointers compare equal exactly when the suites are equal).
#[derive(Debug)]
pub struct SslCipher {
    /// OpenSSL's name (`SSL_CIPHER_get_name`), e.g. `ECDHE-RSA-AES128-GCM-SHA256`.
    pub name: &'static CStr,
    /// The RFC/IANA name (`SSL_CIPHER_standard_name`).
    pub standard_name: &'static CStr,
    /// `SSL_CIPHER_get_id`: `0x03000000 | protocol_id`.
    pub id: u32,
    /// The two-byte code point on the wire (`SSL_CIPHER_get_protocol_id`).
    pub protocol_id: u16,
    /// Effective symmetric strength (`SSL_CIPHER_get_bits` return value).
    pub strength_bits: c_int,
    /// Key size of the symmetric algorithm (`SSL_CIPHER_get_bits` out-parameter).
    pub alg_bits: c_int,
    /// `SSL_CIPHER_get_version`: the first protocol version the suite exists in.
    pub version: &'static CStr,
    /// `Kx=` column of `SSL_CIPHER_description`.
    pub kx: &'static str,
    /// `Au=` column of `SSL_CIPHER_description`.
    pub auth: &'static str,
    /// `Enc=` column of `SSL_CIPHER_description`.
    pub enc: &'static str,
    /// `Mac=` column of `SSL_CIPHER_description`.
    pub mac: &'static str,
    /// `SSL_CIPHER_get_cipher_nid`.
    pub cipher_nid: c_int,
    /// `SSL_CIPHER_get_digest_nid` (`NID_undef` for AEAD suites, as in OpenSSL).
    pub digest_nid: c_int,
    /// `SSL_CIPHER_get_kx_nid`.
    pub kx_nid: c_int,
    /// `SSL_CIPHER_get_auth_nid`.
    pub auth_nid: c_int,
    /// `SSL_CIPHER_is_aead`.
    pub aead: bool,
    /// `SSL_CIPHER_get_handshake_digest`.
    pub handshake_digest: HandshakeDigest,
    /// Lowest protocol version the suite can be negotiated in.
    pub min_tls: u16,
    /// Highest protocol version the suite can be negotiated in.
    pub max_tls: u16,
    /// FIPS-approved algorithms: for TLS 1.2 suites, membership of OpenSSL's `FIPS`
    /// cipher-string alias; for TLS 1.3 suites, the AES-GCM ones.
    pub fips: bool,
    /// The rustls suite implementing it.
    pub suite: SupportedCipherSuite,
}

impl SslCipher {
    /// The kind of certificate key a TLS 1.2 suite authenticates with (None: any, as
    /// for TLS 1.3 suites).
    pub fn certificate_key(&self) -> Option<rustls::SignatureAlgorithm> {
        match self.auth_nid {
            NID_AUTH_ECDSA => Some(rustls::SignatureAlgorithm::ECDSA),
            NID_AUTH_RSA => Some(rustls::SignatureAlgorithm::RSA),
            _ => None,
        }
    }

    /// The rustls suite implementing it (same as the `suite` field).
    pub fn suite(&self) -> SupportedCipherSuite {
        self.suite
    }

    /// The rustls code point.
    pub fn rustls_suite(&self) -> CipherSuite {
        self.suite.suite()
    }

    /// Whether this is a TLS 1.3 suite (configured by `SSL_CTX_set_ciphersuites`).
    pub fn is_tls13(&self) -> bool {
        self.min_tls >= TLS1_3_VERSION
    }

    /// The text `SSL_CIPHER_description` writes, byte for byte as OpenSSL 3.0
    /// (including the trailing newline; at most 127 bytes for every suite we have).
    pub fn description(&self) -> String {
        format!(
            "{:<30} {:<7} Kx={:<8} Au={:<5} Enc={:<22} Mac={:<4}\n",
            self.name.to_str().unwrap_or(""),
            self.version.to_str().unwrap_or(""),
            self.kx,
            self.auth,
            self.enc,
            self.mac
        )
    }

    /// Whether OpenSSL's default security callback lets this suite be used at
    /// security `level` (0–5; higher values behave as 5): its strength must reach
    /// 80/112/128/192/256 bits at levels 1/2/3/4/5. Every suite we have is
    /// forward-secret AEAD, so key strength is the only criterion that applies.
    pub fn allowed_at_security_level(&self, level: c_int) -> bool {
        let min_bits = match level {
            i32::MIN..=0 => 0,
            1 => 80,
            2 => 112,
            3 => 128,
            4 => 192,
            _ => 256,
        };
        self.strength_bits >= min_bits
    }
}

/// Suites are equal when they are the same suite (each exists once, in [`CIPHERS`]).
impl PartialEq for SslCipher {
    fn eq(&self, other: &SslCipher) -> bool {
        self.protocol_id == other.protocol_id
    }
}

impl Eq for SslCipher {}

const fn tls13(
    name: &'static CStr,
    protocol_id: u16,
    bits: c_int,
    enc: &'static str,
    cipher_nid: c_int,
    handshake_digest: HandshakeDigest,
    suite: SupportedCipherSuite,
) -> SslCipher {
    SslCipher {
        name,
        standard_name: name,
        id: 0x0300_0000 | protocol_id as u32,
        protocol_id,
        strength_bits: bits,
        alg_bits: bits,
        version: c"TLSv1.3",
        kx: "any",
        auth: "any",
        enc,
        mac: "AEAD",
        cipher_nid,
        digest_nid: NID_UNDEF,
        kx_nid: NID_KX_ANY,
        auth_nid: NID_AUTH_ANY,
        aead: true,
        handshake_digest,
        min_tls: TLS1_3_VERSION,
        max_tls: TLS1_3_VERSION,
        fips: cipher_nid != NID_CHACHA20_POLY1305,
        suite,
    }
}

#[allow(clippy::too_many_arguments)]
const fn tls12(
    name: &'static CStr,
    standard_name: &'static CStr,
    protocol_id: u16,
    ecdsa: bool,
    bits: c_int,
    enc: &'static str,
    cipher_nid: c_int,
    handshake_digest: HandshakeDigest,
    suite: SupportedCipherSuite,
) -> SslCipher {
    SslCipher {
        name,
        standard_name,
        id: 0x0300_0000 | protocol_id as u32,
        protocol_id,
        strength_bits: bits,
        alg_bits: bits,
        version: c"TLSv1.2",
        kx: "ECDH",
        auth: if ecdsa { "ECDSA" } else { "RSA" },
        enc,
        mac: "AEAD",
        cipher_nid,
        digest_nid: NID_UNDEF,
        kx_nid: NID_KX_ECDHE,
        auth_nid: if ecdsa { NID_AUTH_ECDSA } else { NID_AUTH_RSA },
        aead: true,
        handshake_digest,
        min_tls: TLS1_2_VERSION,
        max_tls: TLS1_2_VERSION,
        fips: cipher_nid != NID_CHACHA20_POLY1305,
        suite,
    }
}

use HandshakeDigest::{Sha256, Sha384};

/// A TLS 1.2 DHE-RSA suite: as [`tls12`], with finite-field key exchange.
#[allow(clippy::too_many_arguments)]
const fn dhe(
    name: &'static CStr,
    standard_name: &'static CStr,
    protocol_id: u16,
    bits: c_int,
    enc: &'static str,
    cipher_nid: c_int,
    handshake_digest: HandshakeDigest,
    suite: SupportedCipherSuite,
) -> SslCipher {
    let c = tls12(name, standard_name, protocol_id, false, bits, enc, cipher_nid, handshake_digest, suite);
    SslCipher { kx: "DH", kx_nid: NID_KX_DHE, ..c }
}

const AESGCM128: &str = "AESGCM(128)";
const AESGCM256: &str = "AESGCM(256)";
const CHACHA: &str = "CHACHA20/POLY1305(256)";

/// Every suite oxissl implements (the suites rustls' aws-lc-rs provider offers).
#[rustfmt::skip]
pub static CIPHERS: [SslCipher; 12] = [
    tls13(c"TLS_AES_128_GCM_SHA256", 0x1301, 128, AESGCM128, NID_AES_128_GCM, Sha256, crate::suites::TLS13_AES_128_GCM_SHA256),
    tls13(c"TLS_AES_256_GCM_SHA384", 0x1302, 256, AESGCM256, NID_AES_256_GCM, Sha384, crate::suites::TLS13_AES_256_GCM_SHA384),
    tls13(c"TLS_CHACHA20_POLY1305_SHA256", 0x1303, 256, CHACHA, NID_CHACHA20_POLY1305, Sha256, crate::suites::TLS13_CHACHA20_POLY1305_SHA256),
    tls12(c"ECDHE-ECDSA-AES128-GCM-SHA256", c"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B, true, 128, AESGCM128, NID_AES_128_GCM, Sha256, rs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
    tls12(c"ECDHE-ECDSA-AES256-GCM-SHA384", c"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C, true, 256, AESGCM256, NID_AES_256_GCM, Sha384, crate::suites::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
    tls12(c"ECDHE-ECDSA-CHACHA20-POLY1305", c"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA9, true, 256, CHACHA, NID_CHACHA20_POLY1305, Sha256, rs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
    tls12(c"ECDHE-RSA-AES128-GCM-SHA256", c"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F, false, 128, AESGCM128, NID_AES_128_GCM, Sha256, rs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    tls12(c"ECDHE-RSA-AES256-GCM-SHA384", c"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030, false, 256, AESGCM256, NID_AES_256_GCM, Sha384, crate::suites::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
    tls12(c"ECDHE-RSA-CHACHA20-POLY1305", c"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8, false, 256, CHACHA, NID_CHACHA20_POLY1305, Sha256, rs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
    dhe(c"DHE-RSA-AES128-GCM-SHA256", c"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009E, 128, AESGCM128, NID_AES_128_GCM, Sha256, crate::suites::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256),
    dhe(c"DHE-RSA-AES256-GCM-SHA384", c"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009F, 256, AESGCM256, NID_AES_256_GCM, Sha384, crate::suites::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384),
    dhe(c"DHE-RSA-CHACHA20-POLY1305", c"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCAA, 256, CHACHA, NID_CHACHA20_POLY1305, Sha256, crate::suites::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
];

/// The first entry of [`CIPHERS`] satisfying `pred`.
fn find(pred: impl Fn(&SslCipher) -> bool) -> Option<&'static SslCipher> {
    CIPHERS.iter().find(|c| pred(c))
}

/// The suite rustls calls `suite`, if oxissl implements it.
pub fn by_suite(suite: CipherSuite) -> Option<&'static SslCipher> {
    find(|c| c.rustls_suite() == suite)
}

/// The suite with this OpenSSL name (`ECDHE-RSA-AES128-GCM-SHA256`; TLS 1.3 suites are
/// named by their standard names, as in OpenSSL). Case-sensitive, as OpenSSL.
pub fn by_name(name: &str) -> Option<&'static SslCipher> {
    find(|c| c.name.to_bytes() == name.as_bytes())
}

/// The suite with this RFC/IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`).
pub fn by_standard_name(name: &str) -> Option<&'static SslCipher> {
    find(|c| c.standard_name.to_bytes() == name.as_bytes())
}

/// The suite with this `SSL_CIPHER_get_id` value (`0x0300XXXX`).
pub fn by_id(id: u32) -> Option<&'static SslCipher> {
    find(|c| c.id == id)
}

/// The suite with this two-byte wire code point (what `SSL_CIPHER_find` looks up).
pub fn by_protocol_id(protocol_id: u16) -> Option<&'static SslCipher> {
    find(|c| c.protocol_id == protocol_id)
}

/// The `SslCipher` a raw `SSL_CIPHER*` designates, if it is one of ours.
///
/// Comparing addresses needs no `unsafe`, so the ABI layer can validate cipher handles
/// instead of trusting them.
pub fn from_ptr(ptr: *const SslCipher) -> Option<&'static SslCipher> {
    CIPHERS.iter().find(|c| std::ptr::eq(*c, ptr))
}

fn by_protocol_ids(ids: &[u16]) -> Vec<&'static SslCipher> {
    ids.iter().filter_map(|&id| by_protocol_id(id)).collect()
}

/// OpenSSL 3.0's default TLS 1.3 suites (`TLS_DEFAULT_CIPHERSUITES`), in its order.
pub fn default_tls13() -> Vec<&'static SslCipher> {
    by_protocol_ids(&[0x1302, 0x1303, 0x1301])
}

/// The suites of OpenSSL 3.0's `DEFAULT` cipher list that we implement, in its order
/// (`openssl ciphers -v DEFAULT`).
pub fn default_tls12() -> Vec<&'static SslCipher> {
    by_protocol_ids(&[0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC02B, 0xC02F, 0x009E])
}

/// The OpenSSL name for an RFC/IANA suite name, as `OPENSSL_cipher_name`: every suite
/// OpenSSL 3.0 knows, including those oxissl does not implement and the two signalling
/// values. `None` where OpenSSL answers `"(NONE)"`.
pub fn openssl_name_for_standard(std_name: &[u8]) -> Option<&'static CStr> {
    MODEL
        .iter()
        .map(|m| (m.std_name, m.name))
        .chain(OTHER_KNOWN.iter().copied())
        .find(|(std, _)| std.to_bytes() == std_name)
        .map(|(_, name)| name)
}

// ---------------------------------------------------------------------------------
// set_ciphersuites
// ---------------------------------------------------------------------------------

/// Why a cipher string was rejected; each variant is one OpenSSL reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherStringError {
    /// The string selected no suite at all (`SSL_R_NO_CIPHER_MATCH`).
    ///
    /// For `SSL_CTX_set_cipher_list`, OpenSSL 3.0 has at this point *already* replaced
    /// the TLS ≤ 1.2 part of the list with an empty one (only TLS 1.3 suites remain);
    /// for `SSL_CTX_set_ciphersuites` the list is left unchanged.
    NoCipherMatch {
        /// `@SECLEVEL=n` seen before the failure; OpenSSL applies it anyway.
        seclevel: Option<u8>,
    },
    /// A syntax error (`SSL_R_INVALID_COMMAND`): a character outside
    /// `[A-Za-z0-9.=-]` where a name must start, a dangling `+`/`!`/`-`/`@`, or an
    /// unknown `@` command. OpenSSL leaves the cipher list unchanged.
    InvalidCommand {
        /// `@SECLEVEL=n` seen before the error, or anywhere when the error is an
        /// unknown `@` command (which does not stop evaluation, unlike a bad
        /// character); OpenSSL applies it anyway.
        seclevel: Option<u8>,
    },
}

impl CipherStringError {
    /// The `ERR_LIB_SSL` reason code OpenSSL queues for this error.
    pub fn reason(&self) -> c_int {
        match self {
            CipherStringError::NoCipherMatch { .. } => crate::error::SSL_R_NO_CIPHER_MATCH,
            CipherStringError::InvalidCommand { .. } => crate::error::SSL_R_INVALID_COMMAND,
        }
    }

    /// A security level set by `@SECLEVEL=n` that OpenSSL applies despite the failure.
    pub fn seclevel(&self) -> Option<u8> {
        match *self {
            CipherStringError::NoCipherMatch { seclevel } | CipherStringError::InvalidCommand { seclevel } => seclevel,
        }
    }
}

impl std::fmt::Display for CipherStringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CipherStringError::NoCipherMatch { .. } => f.write_str("no cipher match"),
            CipherStringError::InvalidCommand { .. } => f.write_str("invalid command"),
        }
    }
}

impl std::error::Error for CipherStringError {}

/// Whether an `SSL_CTX_set_ciphersuites` string names an enabled TLS ≤ 1.2 suite (one
/// of [`MODEL`]). OpenSSL keeps such a suite in its TLS 1.3 list, where it later counts
/// as a TLS 1.2 cipher: `SSL_CTX_set_cipher_list` then succeeds even when its own string
/// selects nothing. (Suites whose algorithms the default provider lacks, such as SEED,
/// are dropped from that list and do not count.)
pub fn ciphersuites_name_tls12_suite(spec: &str) -> bool {
    until_nul(spec).split(':').any(|item| {
        let item = item.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
        MODEL.iter().any(|m| m.std_name.to_bytes() == item.as_bytes())
    })
}

/// Parses an `SSL_CTX_set_ciphersuites` string: the TLS 1.3 suites, in order.
///
/// OpenSSL 3.0's rules, all checked against the system library:
/// * an empty string is accepted and disables TLS 1.3 (`Ok(vec![])`);
/// * names are separated by `:` only; spaces/tabs around a name are ignored, empty
///   items are skipped; `,`, `;` or inner spaces make the item one unknown name;
/// * names are RFC names, case-sensitive; OpenSSL names (`ECDHE-...`) are unknown;
/// * unknown names are ignored; the call fails (`NoCipherMatch`, list unchanged) only
///   when no item names a suite OpenSSL knows;
/// * OpenSSL accepts *any* suite it knows, even TLS ≤ 1.2 ones and the CCM TLS 1.3
///   suites; such names count as matches here (so the call succeeds as with OpenSSL)
///   but add nothing, since they are not TLS 1.3 suites we implement. A string naming
///   only such suites yields `Ok(vec![])`: TLS 1.3 ends up disabled.
/// * OpenSSL keeps duplicates; we keep the first occurrence only.
pub fn parse_ciphersuites(spec: &str) -> Result<Vec<&'static SslCipher>, CipherStringError> {
    let spec = until_nul(spec);
    let mut out: Vec<&'static SslCipher> = Vec::new();
    if spec.is_empty() {
        return Ok(out);
    }
    let mut known = 0usize;
    for item in spec.split(':') {
        let item = item.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
        if item.is_empty() || openssl_name_for_standard(item.as_bytes()).is_none() {
            continue;
        }
        known += 1;
        if let Some(c) = by_standard_name(item).filter(|c| c.is_tls13()) {
            if !out.iter().any(|o| std::ptr::eq(*o, c)) {
                out.push(c);
            }
        }
    }
    if known == 0 {
        return Err(CipherStringError::NoCipherMatch { seclevel: None });
    }
    Ok(out)
}

/// A C string ends at its first NUL; mirror that for Rust callers.
fn until_nul(s: &str) -> &str {
    s.split('\0').next().unwrap_or("")
}

// ---------------------------------------------------------------------------------
// set_cipher_list
// ---------------------------------------------------------------------------------

/// Suite B mode requested by a `SUITEB128ONLY`/`SUITEB128C2`/`SUITEB128`/`SUITEB192`
/// prefix. OpenSSL then ignores the rest of the string, uses the Suite B suites, and
/// also restricts curves and signature algorithms (a setting that stays on the context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteB {
    /// `SUITEB128ONLY`: ECDHE-ECDSA-AES128-GCM-SHA256 only, P-256 only.
    Only128,
    /// `SUITEB128C2`: ECDHE-ECDSA-AES256-GCM-SHA384, 128-bit Suite B curves.
    Combo128,
    /// `SUITEB128`: both ECDSA AES-GCM suites, P-256 and P-384.
    Mode128,
    /// `SUITEB192`: ECDHE-ECDSA-AES256-GCM-SHA384, P-384 only.
    Mode192,
}

/// The outcome of a cipher string OpenSSL accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipherList {
    /// The TLS 1.2 suites we implement, in OpenSSL's resulting order. May be empty
    /// when the string selected only suites oxissl lacks (OpenSSL succeeds then).
    pub ciphers: Vec<&'static SslCipher>,
    /// The TLS ≤ 1.2 suites OpenSSL itself would list, by OpenSSL name, in order
    /// (never empty; a superset of `ciphers`).
    pub openssl_selection: Vec<&'static CStr>,
    /// The last `@SECLEVEL=n`, which OpenSSL applies to the context or connection.
    pub seclevel: Option<u8>,
    /// Suite B mode, if the string started with a `SUITEB...` keyword.
    pub suite_b: Option<SuiteB>,
}

/// Parses an `SSL_CTX_set_cipher_list` string (TLS ≤ 1.2 suites) into the suites we
/// implement, in OpenSSL 3.0's order. See [`parse_cipher_list_detailed`].
pub fn parse_cipher_list(spec: &str) -> Result<Vec<&'static SslCipher>, CipherStringError> {
    parse_cipher_list_detailed(spec).map(|l| l.ciphers)
}

/// Parses an `SSL_CTX_set_cipher_list` string with OpenSSL 3.0's semantics.
///
/// * Items are separated by `:`, `,`, `;` or space. An item is a suite name or alias,
///   or several joined by `+` (all must hold: `ECDHE+AESGCM`), optionally prefixed by
///   `!` (remove for good), `-` (remove, may be added again), `+` (move to the end);
///   `@STRENGTH` sorts by strength, `@SECLEVEL=n` (0–5) sets the security level.
/// * A leading `DEFAULT` expands to `ALL:!COMPLEMENTOFDEFAULT:!eNULL`; elsewhere
///   `DEFAULT` is an unknown name. A leading `SUITEB...` keyword replaces the string.
/// * Unknown names and suites OpenSSL has but we lack are not errors; an item with an
///   unknown part selects nothing.
/// * `Err(NoCipherMatch)` when OpenSSL would select no TLS ≤ 1.2 suite at all;
///   `Ok` with an empty list when it selects only suites oxissl lacks (see module docs).
/// * `Err(InvalidCommand)` on a syntax error, as OpenSSL.
pub fn parse_cipher_list_detailed(spec: &str) -> Result<CipherList, CipherStringError> {
    let spec = until_nul(spec).as_bytes();
    let (rules, suite_b): (&[u8], Option<SuiteB>) = if spec.starts_with(b"SUITEB128ONLY") {
        (b"ECDHE-ECDSA-AES128-GCM-SHA256", Some(SuiteB::Only128))
    } else if spec.starts_with(b"SUITEB128C2") {
        (b"ECDHE-ECDSA-AES256-GCM-SHA384", Some(SuiteB::Combo128))
    } else if spec.starts_with(b"SUITEB128") {
        (b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", Some(SuiteB::Mode128))
    } else if spec.starts_with(b"SUITEB192") {
        (b"ECDHE-ECDSA-AES256-GCM-SHA384", Some(SuiteB::Mode192))
    } else {
        (spec, None)
    };

    let mut engine = Engine::new();
    let mut ok = true;
    let mut rest = rules;
    if let Some(after) = rules.strip_prefix(b"DEFAULT") {
        ok = engine.run(DEFAULT_RULES);
        rest = after.strip_prefix(b":").unwrap_or(after);
    }
    if ok && !rest.is_empty() {
        ok = engine.run(rest);
    }
    let seclevel = engine.seclevel;
    if !ok {
        return Err(CipherStringError::InvalidCommand { seclevel });
    }
    let selected = engine.selected();
    if selected.is_empty() {
        return Err(CipherStringError::NoCipherMatch { seclevel });
    }
    Ok(CipherList {
        ciphers: selected.iter().filter_map(|m| by_protocol_id(m.protocol_id)).collect(),
        openssl_selection: selected.iter().map(|m| m.name).collect(),
        seclevel,
        suite_b,
    })
}

/// What a leading `DEFAULT` stands for in OpenSSL 3.0.
const DEFAULT_RULES: &[u8] = b"ALL:!COMPLEMENTOFDEFAULT:!eNULL";

/// `OSSL_default_cipher_list`: what `DEFAULT` stands for (OpenSSL's string).
pub const DEFAULT_CIPHER_LIST: &CStr = c"ALL:!COMPLEMENTOFDEFAULT:!eNULL";
/// `OSSL_default_ciphersuites`: the default TLS 1.3 suites (`default_tls13`), by name.
pub const DEFAULT_CIPHERSUITES: &CStr = c"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Kill,
    Delete,
    MoveToEnd,
    Command,
}

/// A selection pattern: every non-zero mask must intersect the suite's property.
#[derive(Debug, Clone, Copy, Default)]
struct Pattern {
    /// Set when the (last) part of the item is an explicit suite name.
    protocol_id: Option<u16>,
    kx: u32,
    auth: u32,
    enc: u32,
    mac: u32,
    version: u8,
    /// Strength classes (`STRONG_MASK` bits) and the `NOT_DEF` requirement.
    strength: u8,
}

impl Pattern {
    /// Narrows the pattern by one `+`-joined part; false when the conjunction is
    /// empty by construction (OpenSSL then drops the whole item).
    fn narrow(&mut self, part: &Pattern) -> bool {
        fn and(acc: &mut u32, m: u32) -> bool {
            if m != 0 {
                *acc = if *acc != 0 { *acc & m } else { m };
                return *acc != 0;
            }
            true
        }
        if !(and(&mut self.kx, part.kx)
            && and(&mut self.auth, part.auth)
            && and(&mut self.enc, part.enc)
            && and(&mut self.mac, part.mac))
        {
            return false;
        }
        let classes = part.strength & STRONG_MASK;
        if classes != 0 {
            if self.strength & STRONG_MASK != 0 {
                self.strength &= classes | !STRONG_MASK;
                if self.strength & STRONG_MASK == 0 {
                    return false;
                }
            } else {
                // OpenSSL assigns here, which also drops a `COMPLEMENTOFDEFAULT`
                // requirement made by an earlier part (`COMPLEMENTOFDEFAULT+HIGH`
                // selects all of HIGH); reproduced for identical results.
                self.strength = classes;
            }
        }
        self.strength |= part.strength & NOT_DEF;
        if part.version != 0 {
            if self.version != 0 && self.version != part.version {
                return false;
            }
            self.version = part.version;
        }
        self.protocol_id = part.protocol_id;
        true
    }

    fn matches(&self, m: &Model) -> bool {
        let hits = |mask: u32, bit: u32| mask == 0 || mask & bit != 0;
        self.protocol_id.is_none_or(|id| id == m.protocol_id)
            && hits(self.kx, m.kx)
            && hits(self.auth, m.auth)
            && hits(self.enc, m.enc)
            && hits(self.mac, m.mac)
            && (self.version == 0 || self.version == m.version)
            && hits(u32::from(self.strength & STRONG_MASK), u32::from(m.strength & STRONG_MASK))
            && (self.strength & NOT_DEF == 0 || m.strength & NOT_DEF != 0)
    }

    /// The pattern for an explicit suite name: all its properties, but not its
    /// protocol version (as in OpenSSL).
    fn for_suite(m: &Model) -> Pattern {
        Pattern {
            protocol_id: Some(m.protocol_id),
            kx: m.kx,
            auth: m.auth,
            enc: m.enc,
            mac: m.mac,
            version: 0,
            strength: m.strength,
        }
    }
}

/// OpenSSL's working list: suites in preference order, each active (selected) or not;
/// suites removed with `!` are gone for good.
struct Engine {
    order: Vec<usize>,
    active: Vec<bool>,
    seclevel: Option<u8>,
}

fn is_separator(b: u8) -> bool {
    matches!(b, b':' | b' ' | b';' | b',')
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'=')
}

impl Engine {
    fn new() -> Engine {
        Engine { order: (0..MODEL.len()).collect(), active: vec![false; MODEL.len()], seclevel: None }
    }

    /// The active suites, in order.
    fn selected(&self) -> Vec<&'static Model> {
        self.order.iter().filter(|&&i| self.active[i]).map(|&i| &MODEL[i]).collect()
    }

    /// Applies one rule string; false on a syntax error. An unknown `@` command is
    /// reported at the end (later items still apply, as in OpenSSL); a character that
    /// cannot start a name stops evaluation at once.
    fn run(&mut self, rules: &[u8]) -> bool {
        let mut ok = true;
        let mut i = 0;
        let n = rules.len();
        while i < n {
            let first = rules[i];
            let op = match first {
                b'-' => Op::Delete,
                b'+' => Op::MoveToEnd,
                b'!' => Op::Kill,
                b'@' => Op::Command,
                _ => Op::Add,
            };
            if op != Op::Add {
                i += 1;
            }
            if is_separator(first) {
                i += 1;
                continue;
            }

            let mut pattern = Pattern::default();
            let mut found = true;
            let mut word: &[u8];
            loop {
                let start = i;
                while i < n && is_name_char(rules[i]) {
                    i += 1;
                }
                if i == start {
                    // Nothing usable where a name must start: OpenSSL 3.0 gives up on
                    // the rest of the string (an `@SECLEVEL` after it is not applied).
                    return false;
                }
                word = &rules[start..i];
                if op == Op::Command {
                    break;
                }
                let more = i < n && rules[i] == b'+';
                if more {
                    i += 1;
                }
                match lookup(word) {
                    Some(part) if pattern.narrow(&part) => {}
                    _ => {
                        found = false;
                        break;
                    }
                }
                if !more {
                    break;
                }
            }

            if op == Op::Command {
                if word == b"STRENGTH" {
                    self.sort_by_strength();
                } else if word.len() == 10 && word.starts_with(b"SECLEVEL=") && (b'0'..=b'5').contains(&word[9]) {
                    self.seclevel = Some(word[9] - b'0');
                } else {
                    ok = false;
                }
                i = skip_item(rules, i);
            } else if found {
                self.apply(op, &pattern);
            } else {
                i = skip_item(rules, i);
            }
        }
        ok
    }

    fn apply(&mut self, op: Op, p: &Pattern) {
        let active = &mut self.active;
        match op {
            Op::Add => {
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    self.order.iter().partition(|&&i| !active[i] && p.matches(&MODEL[i]));
                for &i in &moved {
                    active[i] = true;
                }
                self.order = kept.into_iter().chain(moved).collect();
            }
            Op::MoveToEnd => {
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    self.order.iter().partition(|&&i| active[i] && p.matches(&MODEL[i]));
                self.order = kept.into_iter().chain(moved).collect();
            }
            Op::Delete => {
                // Deleted suites go to the front (inactive), so that adding them again
                // restores their relative order ahead of the untouched ones.
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    self.order.iter().partition(|&&i| active[i] && p.matches(&MODEL[i]));
                for &i in &moved {
                    active[i] = false;
                }
                self.order = moved.into_iter().chain(kept).collect();
            }
            Op::Kill => {
                self.order.retain(|&i| {
                    let gone = p.matches(&MODEL[i]);
                    if gone {
                        active[i] = false;
                    }
                    !gone
                });
            }
            Op::Command => {}
        }
    }

    /// `@STRENGTH`: active suites move to the end, strongest first, otherwise keeping
    /// their order.
    fn sort_by_strength(&mut self) {
        let active = &self.active;
        let (mut on, off): (Vec<usize>, Vec<usize>) = self.order.iter().partition(|&&i| active[i]);
        on.sort_by_key(|&i| std::cmp::Reverse(MODEL[i].bits));
        self.order = off.into_iter().chain(on).collect();
    }
}

/// Skips the rest of an item up to the next separator.
fn skip_item(rules: &[u8], mut i: usize) -> usize {
    while i < rules.len() && !is_separator(rules[i]) {
        i += 1;
    }
    i
}

/// A name in a cipher string: a suite of the model, or an alias.
fn lookup(word: &[u8]) -> Option<Pattern> {
    if let Some(m) = MODEL.iter().find(|m| m.name.to_bytes() == word) {
        return Some(Pattern::for_suite(m));
    }
    ALIASES.iter().find(|a| a.0.as_bytes() == word).map(|a| a.1)
}

// ---------------------------------------------------------------------------------
// The model of OpenSSL 3.0's suites and aliases
// ---------------------------------------------------------------------------------

// Key exchange.
const K_RSA: u32 = 1 << 0;
const K_DHE: u32 = 1 << 1;
const K_ECDHE: u32 = 1 << 2;
const K_PSK: u32 = 1 << 3;
const K_RSAPSK: u32 = 1 << 4;
const K_ECDHEPSK: u32 = 1 << 5;
const K_DHEPSK: u32 = 1 << 6;
const K_SRP: u32 = 1 << 7;
const K_ANY_PSK: u32 = K_PSK | K_RSAPSK | K_ECDHEPSK | K_DHEPSK;

// Server authentication.
const A_RSA: u32 = 1 << 0;
const A_DSS: u32 = 1 << 1;
const A_NULL: u32 = 1 << 2;
const A_ECDSA: u32 = 1 << 3;
const A_PSK: u32 = 1 << 4;
const A_SRP: u32 = 1 << 7;

// Bulk encryption.
const E_DES: u32 = 1 << 0;
const E_3DES: u32 = 1 << 1;
const E_RC2: u32 = 1 << 3;
const E_IDEA: u32 = 1 << 4;
const E_NULL: u32 = 1 << 5;
const E_AES128: u32 = 1 << 6;
const E_AES256: u32 = 1 << 7;
const E_CAMELLIA128: u32 = 1 << 8;
const E_CAMELLIA256: u32 = 1 << 9;
const E_SEED: u32 = 1 << 11;
const E_AES128GCM: u32 = 1 << 12;
const E_AES256GCM: u32 = 1 << 13;
const E_AES128CCM: u32 = 1 << 14;
const E_AES256CCM: u32 = 1 << 15;
const E_AES128CCM8: u32 = 1 << 16;
const E_AES256CCM8: u32 = 1 << 17;
const E_CHACHA20POLY1305: u32 = 1 << 19;
const E_ARIA128GCM: u32 = 1 << 20;
const E_ARIA256GCM: u32 = 1 << 21;
const E_ALL: u32 = (1 << 22) - 1;
const E_AES: u32 =
    E_AES128 | E_AES256 | E_AES128GCM | E_AES256GCM | E_AES128CCM | E_AES256CCM | E_AES128CCM8 | E_AES256CCM8;
const E_CBC: u32 = E_DES | E_3DES | E_RC2 | E_IDEA | E_AES128 | E_AES256 | E_CAMELLIA128 | E_CAMELLIA256 | E_SEED;

// Record MAC.
const M_MD5: u32 = 1 << 0;
const M_SHA1: u32 = 1 << 1;
const M_SHA256: u32 = 1 << 4;
const M_SHA384: u32 = 1 << 5;
const M_AEAD: u32 = 1 << 6;

// First protocol version (`TLSv1.2` etc. aliases compare for equality).
const V_SSL3: u8 = 1;
const V_TLS1: u8 = 2;
const V_TLS12: u8 = 4;

// Strength classes; a suite can be in several (HIGH and FIPS), a `+` conjunction of
// classes is their intersection (so `HIGH+FIPS` is empty, as in OpenSSL).
const S_NONE: u8 = 1 << 0;
const S_LOW: u8 = 1 << 1;
const S_MEDIUM: u8 = 1 << 2;
const S_HIGH: u8 = 1 << 3;
const S_FIPS: u8 = 1 << 4;
const STRONG_MASK: u8 = S_NONE | S_LOW | S_MEDIUM | S_HIGH | S_FIPS;
/// Not part of `DEFAULT` (the `COMPLEMENTOFDEFAULT` alias).
const NOT_DEF: u8 = 1 << 5;

/// One TLS ≤ 1.2 suite OpenSSL 3.0 enables.
#[derive(Debug)]
struct Model {
    protocol_id: u16,
    name: &'static CStr,
    std_name: &'static CStr,
    kx: u32,
    auth: u32,
    enc: u32,
    mac: u32,
    version: u8,
    strength: u8,
    bits: u16,
}

#[allow(clippy::too_many_arguments)]
const fn m(
    protocol_id: u16,
    name: &'static CStr,
    std_name: &'static CStr,
    kx: u32,
    auth: u32,
    enc: u32,
    mac: u32,
    version: u8,
    strength: u8,
    bits: u16,
) -> Model {
    Model { protocol_id, name, std_name, kx, auth, enc, mac, version, strength, bits }
}

const fn alias(kx: u32, auth: u32, enc: u32, mac: u32, version: u8, strength: u8) -> Pattern {
    Pattern { protocol_id: None, kx, auth, enc, mac, version, strength }
}

const fn kx(k: u32) -> Pattern {
    alias(k, 0, 0, 0, 0, 0)
}
const fn au(a: u32) -> Pattern {
    alias(0, a, 0, 0, 0, 0)
}
const fn enc(e: u32) -> Pattern {
    alias(0, 0, e, 0, 0, 0)
}
const fn mac(mc: u32) -> Pattern {
    alias(0, 0, 0, mc, 0, 0)
}
const fn ver(v: u8) -> Pattern {
    alias(0, 0, 0, 0, v, 0)
}
const fn class(s: u8) -> Pattern {
    alias(0, 0, 0, 0, 0, s)
}

/// OpenSSL 3.0's cipher-string aliases, as the system library offers them with the
/// default provider: aliases whose algorithms libcrypto lacks there (RC4, RC2, IDEA,
/// SEED, GOST89*, MAGMA, KUZNYECHIK, GOST94/GOST12 MACs, kGOST*, aGOST*) are unknown
/// names, which matters because OpenSSL skips the rest of an item after an unknown
/// name (`RC4@STRENGTH` does not sort) but not after a known one that selects nothing
/// (`3DES@STRENGTH` sorts).
#[rustfmt::skip]
static ALIASES: &[(&str, Pattern)] = &[
    ("ALL", enc(E_ALL & !E_NULL)),
    ("COMPLEMENTOFALL", enc(E_NULL)),
    ("COMPLEMENTOFDEFAULT", class(NOT_DEF)),
    ("kRSA", kx(K_RSA)),
    ("kEDH", kx(K_DHE)),
    ("kDHE", kx(K_DHE)),
    ("DH", kx(K_DHE)),
    ("kEECDH", kx(K_ECDHE)),
    ("kECDHE", kx(K_ECDHE)),
    ("ECDH", kx(K_ECDHE)),
    ("kPSK", kx(K_PSK)),
    ("kRSAPSK", kx(K_RSAPSK)),
    ("kECDHEPSK", kx(K_ECDHEPSK)),
    ("kDHEPSK", kx(K_DHEPSK)),
    ("kSRP", kx(K_SRP)),
    ("aRSA", au(A_RSA)),
    ("aDSS", au(A_DSS)),
    ("DSS", au(A_DSS)),
    ("aNULL", au(A_NULL)),
    ("aECDSA", au(A_ECDSA)),
    ("ECDSA", au(A_ECDSA)),
    ("aPSK", au(A_PSK)),
    ("aSRP", au(A_SRP)),
    ("EDH", alias(K_DHE, !A_NULL, 0, 0, 0, 0)),
    ("DHE", alias(K_DHE, !A_NULL, 0, 0, 0, 0)),
    ("EECDH", alias(K_ECDHE, !A_NULL, 0, 0, 0, 0)),
    ("ECDHE", alias(K_ECDHE, !A_NULL, 0, 0, 0, 0)),
    ("NULL", enc(E_NULL)),
    ("RSA", alias(K_RSA, A_RSA, 0, 0, 0, 0)),
    ("ADH", alias(K_DHE, A_NULL, 0, 0, 0, 0)),
    ("AECDH", alias(K_ECDHE, A_NULL, 0, 0, 0, 0)),
    ("PSK", kx(K_ANY_PSK)),
    ("SRP", kx(K_SRP)),
    ("3DES", enc(E_3DES)),
    ("eNULL", enc(E_NULL)),
    ("AES128", enc(E_AES128 | E_AES128GCM | E_AES128CCM | E_AES128CCM8)),
    ("AES256", enc(E_AES256 | E_AES256GCM | E_AES256CCM | E_AES256CCM8)),
    ("AES", enc(E_AES)),
    ("AESGCM", enc(E_AES128GCM | E_AES256GCM)),
    ("AESCCM", enc(E_AES128CCM | E_AES256CCM | E_AES128CCM8 | E_AES256CCM8)),
    ("AESCCM8", enc(E_AES128CCM8 | E_AES256CCM8)),
    ("CAMELLIA128", enc(E_CAMELLIA128)),
    ("CAMELLIA256", enc(E_CAMELLIA256)),
    ("CAMELLIA", enc(E_CAMELLIA128 | E_CAMELLIA256)),
    ("CHACHA20", enc(E_CHACHA20POLY1305)),
    ("ARIA", enc(E_ARIA128GCM | E_ARIA256GCM)),
    ("ARIAGCM", enc(E_ARIA128GCM | E_ARIA256GCM)),
    ("ARIA128", enc(E_ARIA128GCM)),
    ("ARIA256", enc(E_ARIA256GCM)),
    ("CBC", enc(E_CBC)),
    ("MD5", mac(M_MD5)),
    ("SHA1", mac(M_SHA1)),
    ("SHA", mac(M_SHA1)),
    ("SHA256", mac(M_SHA256)),
    ("SHA384", mac(M_SHA384)),
    ("SSLv3", ver(V_SSL3)),
    ("TLSv1", ver(V_TLS1)),
    ("TLSv1.0", ver(V_TLS1)),
    ("TLSv1.2", ver(V_TLS12)),
    ("LOW", class(S_LOW)),
    ("MEDIUM", class(S_MEDIUM)),
    ("HIGH", class(S_HIGH)),
    ("FIPS", alias(0, 0, E_ALL & !E_NULL, 0, 0, S_FIPS)),
    ("EDH-DSS-DES-CBC3-SHA", alias(K_DHE, A_DSS, E_3DES, M_SHA1, 0, S_HIGH | S_FIPS)),
    ("EDH-RSA-DES-CBC3-SHA", alias(K_DHE, A_RSA, E_3DES, M_SHA1, 0, S_HIGH | S_FIPS)),
];

/// Suites OpenSSL 3.0 knows by RFC name but does not enable for cipher strings on this
/// platform (legacy-provider and GOST suites), the TLS 1.3 suites and the two signalling
/// values: `(RFC name, OpenSSL name)`. Used by `OPENSSL_cipher_name` and to tell which
/// `SSL_CTX_set_ciphersuites` names OpenSSL accepts.
#[rustfmt::skip]
static OTHER_KNOWN: &[(&CStr, &CStr)] = &[
    (c"TLS_RSA_WITH_IDEA_CBC_SHA", c"IDEA-CBC-SHA"),
    (c"TLS_GOSTR341001_WITH_28147_CNT_IMIT", c"GOST2001-GOST89-GOST89"),
    (c"TLS_GOSTR341001_WITH_NULL_GOSTR3411", c"GOST2001-NULL-GOST94"),
    (c"TLS_RSA_WITH_SEED_CBC_SHA", c"SEED-SHA"),
    (c"TLS_DHE_DSS_WITH_SEED_CBC_SHA", c"DHE-DSS-SEED-SHA"),
    (c"TLS_DHE_RSA_WITH_SEED_CBC_SHA", c"DHE-RSA-SEED-SHA"),
    (c"TLS_DH_anon_WITH_SEED_CBC_SHA", c"ADH-SEED-SHA"),
    (c"TLS_EMPTY_RENEGOTIATION_INFO_SCSV", c"TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    (c"TLS_AES_128_GCM_SHA256", c"TLS_AES_128_GCM_SHA256"),
    (c"TLS_AES_256_GCM_SHA384", c"TLS_AES_256_GCM_SHA384"),
    (c"TLS_CHACHA20_POLY1305_SHA256", c"TLS_CHACHA20_POLY1305_SHA256"),
    (c"TLS_AES_128_CCM_SHA256", c"TLS_AES_128_CCM_SHA256"),
    (c"TLS_AES_128_CCM_8_SHA256", c"TLS_AES_128_CCM_8_SHA256"),
    (c"TLS_FALLBACK_SCSV", c"TLS_FALLBACK_SCSV"),
];

/// OpenSSL 3.0's enabled TLS ≤ 1.2 suites, in its initial preference order (the order
/// its rules select from). Recorded from the system library: the properties from
/// `openssl ciphers -v`, the `FIPS`/`HIGH`/`COMPLEMENTOFDEFAULT` membership from those
/// aliases, and the order as the one total order consistent with every alias's output.
#[rustfmt::skip]
static MODEL: [Model; 155] = [
    m(0xC02C, c"ECDHE-ECDSA-AES256-GCM-SHA384", c"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", K_ECDHE, A_ECDSA, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0xC030, c"ECDHE-RSA-AES256-GCM-SHA384", c"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", K_ECDHE, A_RSA, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0x00A3, c"DHE-DSS-AES256-GCM-SHA384", c"TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", K_DHE, A_DSS, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0x009F, c"DHE-RSA-AES256-GCM-SHA384", c"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", K_DHE, A_RSA, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0xCCA9, c"ECDHE-ECDSA-CHACHA20-POLY1305", c"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", K_ECDHE, A_ECDSA, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xCCA8, c"ECDHE-RSA-CHACHA20-POLY1305", c"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", K_ECDHE, A_RSA, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xCCAA, c"DHE-RSA-CHACHA20-POLY1305", c"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", K_DHE, A_RSA, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xC0AF, c"ECDHE-ECDSA-AES256-CCM8", c"TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", K_ECDHE, A_ECDSA, E_AES256CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC0AD, c"ECDHE-ECDSA-AES256-CCM", c"TLS_ECDHE_ECDSA_WITH_AES_256_CCM", K_ECDHE, A_ECDSA, E_AES256CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC0A3, c"DHE-RSA-AES256-CCM8", c"TLS_DHE_RSA_WITH_AES_256_CCM_8", K_DHE, A_RSA, E_AES256CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC09F, c"DHE-RSA-AES256-CCM", c"TLS_DHE_RSA_WITH_AES_256_CCM", K_DHE, A_RSA, E_AES256CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC05D, c"ECDHE-ECDSA-ARIA256-GCM-SHA384", c"TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", K_ECDHE, A_ECDSA, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC061, c"ECDHE-ARIA256-GCM-SHA384", c"TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", K_ECDHE, A_RSA, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC057, c"DHE-DSS-ARIA256-GCM-SHA384", c"TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", K_DHE, A_DSS, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC053, c"DHE-RSA-ARIA256-GCM-SHA384", c"TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", K_DHE, A_RSA, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x00A7, c"ADH-AES256-GCM-SHA384", c"TLS_DH_anon_WITH_AES_256_GCM_SHA384", K_DHE, A_NULL, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0xC02B, c"ECDHE-ECDSA-AES128-GCM-SHA256", c"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", K_ECDHE, A_ECDSA, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0xC02F, c"ECDHE-RSA-AES128-GCM-SHA256", c"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", K_ECDHE, A_RSA, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0x00A2, c"DHE-DSS-AES128-GCM-SHA256", c"TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", K_DHE, A_DSS, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0x009E, c"DHE-RSA-AES128-GCM-SHA256", c"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", K_DHE, A_RSA, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0xC0AE, c"ECDHE-ECDSA-AES128-CCM8", c"TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", K_ECDHE, A_ECDSA, E_AES128CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC0AC, c"ECDHE-ECDSA-AES128-CCM", c"TLS_ECDHE_ECDSA_WITH_AES_128_CCM", K_ECDHE, A_ECDSA, E_AES128CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC0A2, c"DHE-RSA-AES128-CCM8", c"TLS_DHE_RSA_WITH_AES_128_CCM_8", K_DHE, A_RSA, E_AES128CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC09E, c"DHE-RSA-AES128-CCM", c"TLS_DHE_RSA_WITH_AES_128_CCM", K_DHE, A_RSA, E_AES128CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC05C, c"ECDHE-ECDSA-ARIA128-GCM-SHA256", c"TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", K_ECDHE, A_ECDSA, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC060, c"ECDHE-ARIA128-GCM-SHA256", c"TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", K_ECDHE, A_RSA, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC056, c"DHE-DSS-ARIA128-GCM-SHA256", c"TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", K_DHE, A_DSS, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC052, c"DHE-RSA-ARIA128-GCM-SHA256", c"TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", K_DHE, A_RSA, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x00A6, c"ADH-AES128-GCM-SHA256", c"TLS_DH_anon_WITH_AES_128_GCM_SHA256", K_DHE, A_NULL, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0xC024, c"ECDHE-ECDSA-AES256-SHA384", c"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", K_ECDHE, A_ECDSA, E_AES256, M_SHA384, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0xC028, c"ECDHE-RSA-AES256-SHA384", c"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", K_ECDHE, A_RSA, E_AES256, M_SHA384, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0x006B, c"DHE-RSA-AES256-SHA256", c"TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", K_DHE, A_RSA, E_AES256, M_SHA256, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0x006A, c"DHE-DSS-AES256-SHA256", c"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", K_DHE, A_DSS, E_AES256, M_SHA256, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0xC073, c"ECDHE-ECDSA-CAMELLIA256-SHA384", c"TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", K_ECDHE, A_ECDSA, E_CAMELLIA256, M_SHA384, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC077, c"ECDHE-RSA-CAMELLIA256-SHA384", c"TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", K_ECDHE, A_RSA, E_CAMELLIA256, M_SHA384, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x00C4, c"DHE-RSA-CAMELLIA256-SHA256", c"TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", K_DHE, A_RSA, E_CAMELLIA256, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x00C3, c"DHE-DSS-CAMELLIA256-SHA256", c"TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", K_DHE, A_DSS, E_CAMELLIA256, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x006D, c"ADH-AES256-SHA256", c"TLS_DH_anon_WITH_AES_256_CBC_SHA256", K_DHE, A_NULL, E_AES256, M_SHA256, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0x00C5, c"ADH-CAMELLIA256-SHA256", c"TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", K_DHE, A_NULL, E_CAMELLIA256, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC023, c"ECDHE-ECDSA-AES128-SHA256", c"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", K_ECDHE, A_ECDSA, E_AES128, M_SHA256, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0xC027, c"ECDHE-RSA-AES128-SHA256", c"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", K_ECDHE, A_RSA, E_AES128, M_SHA256, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0x0067, c"DHE-RSA-AES128-SHA256", c"TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", K_DHE, A_RSA, E_AES128, M_SHA256, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0x0040, c"DHE-DSS-AES128-SHA256", c"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", K_DHE, A_DSS, E_AES128, M_SHA256, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0xC072, c"ECDHE-ECDSA-CAMELLIA128-SHA256", c"TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", K_ECDHE, A_ECDSA, E_CAMELLIA128, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC076, c"ECDHE-RSA-CAMELLIA128-SHA256", c"TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", K_ECDHE, A_RSA, E_CAMELLIA128, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x00BE, c"DHE-RSA-CAMELLIA128-SHA256", c"TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", K_DHE, A_RSA, E_CAMELLIA128, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x00BD, c"DHE-DSS-CAMELLIA128-SHA256", c"TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", K_DHE, A_DSS, E_CAMELLIA128, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x006C, c"ADH-AES128-SHA256", c"TLS_DH_anon_WITH_AES_128_CBC_SHA256", K_DHE, A_NULL, E_AES128, M_SHA256, V_TLS12, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0x00BF, c"ADH-CAMELLIA128-SHA256", c"TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", K_DHE, A_NULL, E_CAMELLIA128, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC00A, c"ECDHE-ECDSA-AES256-SHA", c"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", K_ECDHE, A_ECDSA, E_AES256, M_SHA1, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0xC014, c"ECDHE-RSA-AES256-SHA", c"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", K_ECDHE, A_RSA, E_AES256, M_SHA1, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0x0039, c"DHE-RSA-AES256-SHA", c"TLS_DHE_RSA_WITH_AES_256_CBC_SHA", K_DHE, A_RSA, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 256),
    m(0x0038, c"DHE-DSS-AES256-SHA", c"TLS_DHE_DSS_WITH_AES_256_CBC_SHA", K_DHE, A_DSS, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0x0088, c"DHE-RSA-CAMELLIA256-SHA", c"TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", K_DHE, A_RSA, E_CAMELLIA256, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 256),
    m(0x0087, c"DHE-DSS-CAMELLIA256-SHA", c"TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", K_DHE, A_DSS, E_CAMELLIA256, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 256),
    m(0xC019, c"AECDH-AES256-SHA", c"TLS_ECDH_anon_WITH_AES_256_CBC_SHA", K_ECDHE, A_NULL, E_AES256, M_SHA1, V_TLS1, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0x003A, c"ADH-AES256-SHA", c"TLS_DH_anon_WITH_AES_256_CBC_SHA", K_DHE, A_NULL, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS | NOT_DEF, 256),
    m(0x0089, c"ADH-CAMELLIA256-SHA", c"TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", K_DHE, A_NULL, E_CAMELLIA256, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 256),
    m(0xC009, c"ECDHE-ECDSA-AES128-SHA", c"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", K_ECDHE, A_ECDSA, E_AES128, M_SHA1, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0xC013, c"ECDHE-RSA-AES128-SHA", c"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", K_ECDHE, A_RSA, E_AES128, M_SHA1, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0x0033, c"DHE-RSA-AES128-SHA", c"TLS_DHE_RSA_WITH_AES_128_CBC_SHA", K_DHE, A_RSA, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 128),
    m(0x0032, c"DHE-DSS-AES128-SHA", c"TLS_DHE_DSS_WITH_AES_128_CBC_SHA", K_DHE, A_DSS, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0x0045, c"DHE-RSA-CAMELLIA128-SHA", c"TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", K_DHE, A_RSA, E_CAMELLIA128, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 128),
    m(0x0044, c"DHE-DSS-CAMELLIA128-SHA", c"TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", K_DHE, A_DSS, E_CAMELLIA128, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 128),
    m(0xC018, c"AECDH-AES128-SHA", c"TLS_ECDH_anon_WITH_AES_128_CBC_SHA", K_ECDHE, A_NULL, E_AES128, M_SHA1, V_TLS1, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0x0034, c"ADH-AES128-SHA", c"TLS_DH_anon_WITH_AES_128_CBC_SHA", K_DHE, A_NULL, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS | NOT_DEF, 128),
    m(0x0046, c"ADH-CAMELLIA128-SHA", c"TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", K_DHE, A_NULL, E_CAMELLIA128, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 128),
    m(0xC006, c"ECDHE-ECDSA-NULL-SHA", c"TLS_ECDHE_ECDSA_WITH_NULL_SHA", K_ECDHE, A_ECDSA, E_NULL, M_SHA1, V_TLS1, S_NONE, 0),
    m(0xC010, c"ECDHE-RSA-NULL-SHA", c"TLS_ECDHE_RSA_WITH_NULL_SHA", K_ECDHE, A_RSA, E_NULL, M_SHA1, V_TLS1, S_NONE, 0),
    m(0x00AD, c"RSA-PSK-AES256-GCM-SHA384", c"TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", K_RSAPSK, A_RSA, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0x00AB, c"DHE-PSK-AES256-GCM-SHA384", c"TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", K_DHEPSK, A_PSK, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0xCCAE, c"RSA-PSK-CHACHA20-POLY1305", c"TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", K_RSAPSK, A_RSA, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xCCAD, c"DHE-PSK-CHACHA20-POLY1305", c"TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", K_DHEPSK, A_PSK, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xCCAC, c"ECDHE-PSK-CHACHA20-POLY1305", c"TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", K_ECDHEPSK, A_PSK, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xC0AB, c"DHE-PSK-AES256-CCM8", c"TLS_PSK_DHE_WITH_AES_256_CCM_8", K_DHEPSK, A_PSK, E_AES256CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC0A7, c"DHE-PSK-AES256-CCM", c"TLS_DHE_PSK_WITH_AES_256_CCM", K_DHEPSK, A_PSK, E_AES256CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC06F, c"RSA-PSK-ARIA256-GCM-SHA384", c"TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", K_RSAPSK, A_RSA, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC06D, c"DHE-PSK-ARIA256-GCM-SHA384", c"TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", K_DHEPSK, A_PSK, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x009D, c"AES256-GCM-SHA384", c"TLS_RSA_WITH_AES_256_GCM_SHA384", K_RSA, A_RSA, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0xC0A1, c"AES256-CCM8", c"TLS_RSA_WITH_AES_256_CCM_8", K_RSA, A_RSA, E_AES256CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC09D, c"AES256-CCM", c"TLS_RSA_WITH_AES_256_CCM", K_RSA, A_RSA, E_AES256CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC051, c"ARIA256-GCM-SHA384", c"TLS_RSA_WITH_ARIA_256_GCM_SHA384", K_RSA, A_RSA, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x00A9, c"PSK-AES256-GCM-SHA384", c"TLS_PSK_WITH_AES_256_GCM_SHA384", K_PSK, A_PSK, E_AES256GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0xCCAB, c"PSK-CHACHA20-POLY1305", c"TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", K_PSK, A_PSK, E_CHACHA20POLY1305, M_AEAD, V_TLS12, S_HIGH, 256),
    m(0xC0A9, c"PSK-AES256-CCM8", c"TLS_PSK_WITH_AES_256_CCM_8", K_PSK, A_PSK, E_AES256CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC0A5, c"PSK-AES256-CCM", c"TLS_PSK_WITH_AES_256_CCM", K_PSK, A_PSK, E_AES256CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0xC06B, c"PSK-ARIA256-GCM-SHA384", c"TLS_PSK_WITH_ARIA_256_GCM_SHA384", K_PSK, A_PSK, E_ARIA256GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x00AC, c"RSA-PSK-AES128-GCM-SHA256", c"TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", K_RSAPSK, A_RSA, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0x00AA, c"DHE-PSK-AES128-GCM-SHA256", c"TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", K_DHEPSK, A_PSK, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0xC0AA, c"DHE-PSK-AES128-CCM8", c"TLS_PSK_DHE_WITH_AES_128_CCM_8", K_DHEPSK, A_PSK, E_AES128CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC0A6, c"DHE-PSK-AES128-CCM", c"TLS_DHE_PSK_WITH_AES_128_CCM", K_DHEPSK, A_PSK, E_AES128CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC06E, c"RSA-PSK-ARIA128-GCM-SHA256", c"TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", K_RSAPSK, A_RSA, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC06C, c"DHE-PSK-ARIA128-GCM-SHA256", c"TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", K_DHEPSK, A_PSK, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x009C, c"AES128-GCM-SHA256", c"TLS_RSA_WITH_AES_128_GCM_SHA256", K_RSA, A_RSA, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0xC0A0, c"AES128-CCM8", c"TLS_RSA_WITH_AES_128_CCM_8", K_RSA, A_RSA, E_AES128CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC09C, c"AES128-CCM", c"TLS_RSA_WITH_AES_128_CCM", K_RSA, A_RSA, E_AES128CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC050, c"ARIA128-GCM-SHA256", c"TLS_RSA_WITH_ARIA_128_GCM_SHA256", K_RSA, A_RSA, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x00A8, c"PSK-AES128-GCM-SHA256", c"TLS_PSK_WITH_AES_128_GCM_SHA256", K_PSK, A_PSK, E_AES128GCM, M_AEAD, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0xC0A8, c"PSK-AES128-CCM8", c"TLS_PSK_WITH_AES_128_CCM_8", K_PSK, A_PSK, E_AES128CCM8, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC0A4, c"PSK-AES128-CCM", c"TLS_PSK_WITH_AES_128_CCM", K_PSK, A_PSK, E_AES128CCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC06A, c"PSK-ARIA128-GCM-SHA256", c"TLS_PSK_WITH_ARIA_128_GCM_SHA256", K_PSK, A_PSK, E_ARIA128GCM, M_AEAD, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0x003D, c"AES256-SHA256", c"TLS_RSA_WITH_AES_256_CBC_SHA256", K_RSA, A_RSA, E_AES256, M_SHA256, V_TLS12, S_HIGH | S_FIPS, 256),
    m(0x00C0, c"CAMELLIA256-SHA256", c"TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", K_RSA, A_RSA, E_CAMELLIA256, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 256),
    m(0x003C, c"AES128-SHA256", c"TLS_RSA_WITH_AES_128_CBC_SHA256", K_RSA, A_RSA, E_AES128, M_SHA256, V_TLS12, S_HIGH | S_FIPS, 128),
    m(0x00BA, c"CAMELLIA128-SHA256", c"TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", K_RSA, A_RSA, E_CAMELLIA128, M_SHA256, V_TLS12, S_HIGH | NOT_DEF, 128),
    m(0xC015, c"AECDH-NULL-SHA", c"TLS_ECDH_anon_WITH_NULL_SHA", K_ECDHE, A_NULL, E_NULL, M_SHA1, V_TLS1, S_NONE, 0),
    m(0xC038, c"ECDHE-PSK-AES256-CBC-SHA384", c"TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", K_ECDHEPSK, A_PSK, E_AES256, M_SHA384, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0xC036, c"ECDHE-PSK-AES256-CBC-SHA", c"TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", K_ECDHEPSK, A_PSK, E_AES256, M_SHA1, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0xC022, c"SRP-DSS-AES-256-CBC-SHA", c"TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", K_SRP, A_DSS, E_AES256, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 256),
    m(0x003B, c"NULL-SHA256", c"TLS_RSA_WITH_NULL_SHA256", K_RSA, A_RSA, E_NULL, M_SHA256, V_TLS12, S_NONE, 0),
    m(0xC021, c"SRP-RSA-AES-256-CBC-SHA", c"TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", K_SRP, A_RSA, E_AES256, M_SHA1, V_SSL3, S_HIGH, 256),
    m(0xC020, c"SRP-AES-256-CBC-SHA", c"TLS_SRP_SHA_WITH_AES_256_CBC_SHA", K_SRP, A_SRP, E_AES256, M_SHA1, V_SSL3, S_HIGH, 256),
    m(0x00B7, c"RSA-PSK-AES256-CBC-SHA384", c"TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", K_RSAPSK, A_RSA, E_AES256, M_SHA384, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0x00B3, c"DHE-PSK-AES256-CBC-SHA384", c"TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", K_DHEPSK, A_PSK, E_AES256, M_SHA384, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0x0095, c"RSA-PSK-AES256-CBC-SHA", c"TLS_RSA_PSK_WITH_AES_256_CBC_SHA", K_RSAPSK, A_RSA, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 256),
    m(0x0091, c"DHE-PSK-AES256-CBC-SHA", c"TLS_DHE_PSK_WITH_AES_256_CBC_SHA", K_DHEPSK, A_PSK, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 256),
    m(0xC09B, c"ECDHE-PSK-CAMELLIA256-SHA384", c"TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", K_ECDHEPSK, A_PSK, E_CAMELLIA256, M_SHA384, V_TLS1, S_HIGH | NOT_DEF, 256),
    m(0xC099, c"RSA-PSK-CAMELLIA256-SHA384", c"TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", K_RSAPSK, A_RSA, E_CAMELLIA256, M_SHA384, V_TLS1, S_HIGH | NOT_DEF, 256),
    m(0xC097, c"DHE-PSK-CAMELLIA256-SHA384", c"TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", K_DHEPSK, A_PSK, E_CAMELLIA256, M_SHA384, V_TLS1, S_HIGH | NOT_DEF, 256),
    m(0x0035, c"AES256-SHA", c"TLS_RSA_WITH_AES_256_CBC_SHA", K_RSA, A_RSA, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 256),
    m(0x0084, c"CAMELLIA256-SHA", c"TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", K_RSA, A_RSA, E_CAMELLIA256, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 256),
    m(0x00AF, c"PSK-AES256-CBC-SHA384", c"TLS_PSK_WITH_AES_256_CBC_SHA384", K_PSK, A_PSK, E_AES256, M_SHA384, V_TLS1, S_HIGH | S_FIPS, 256),
    m(0x008D, c"PSK-AES256-CBC-SHA", c"TLS_PSK_WITH_AES_256_CBC_SHA", K_PSK, A_PSK, E_AES256, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 256),
    m(0xC095, c"PSK-CAMELLIA256-SHA384", c"TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", K_PSK, A_PSK, E_CAMELLIA256, M_SHA384, V_TLS1, S_HIGH | NOT_DEF, 256),
    m(0xC037, c"ECDHE-PSK-AES128-CBC-SHA256", c"TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", K_ECDHEPSK, A_PSK, E_AES128, M_SHA256, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0xC035, c"ECDHE-PSK-AES128-CBC-SHA", c"TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", K_ECDHEPSK, A_PSK, E_AES128, M_SHA1, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0xC01F, c"SRP-DSS-AES-128-CBC-SHA", c"TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", K_SRP, A_DSS, E_AES128, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 128),
    m(0xC01E, c"SRP-RSA-AES-128-CBC-SHA", c"TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", K_SRP, A_RSA, E_AES128, M_SHA1, V_SSL3, S_HIGH, 128),
    m(0xC01D, c"SRP-AES-128-CBC-SHA", c"TLS_SRP_SHA_WITH_AES_128_CBC_SHA", K_SRP, A_SRP, E_AES128, M_SHA1, V_SSL3, S_HIGH, 128),
    m(0x00B6, c"RSA-PSK-AES128-CBC-SHA256", c"TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", K_RSAPSK, A_RSA, E_AES128, M_SHA256, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0x00B2, c"DHE-PSK-AES128-CBC-SHA256", c"TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", K_DHEPSK, A_PSK, E_AES128, M_SHA256, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0x0094, c"RSA-PSK-AES128-CBC-SHA", c"TLS_RSA_PSK_WITH_AES_128_CBC_SHA", K_RSAPSK, A_RSA, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 128),
    m(0x0090, c"DHE-PSK-AES128-CBC-SHA", c"TLS_DHE_PSK_WITH_AES_128_CBC_SHA", K_DHEPSK, A_PSK, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 128),
    m(0xC09A, c"ECDHE-PSK-CAMELLIA128-SHA256", c"TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", K_ECDHEPSK, A_PSK, E_CAMELLIA128, M_SHA256, V_TLS1, S_HIGH | NOT_DEF, 128),
    m(0xC098, c"RSA-PSK-CAMELLIA128-SHA256", c"TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", K_RSAPSK, A_RSA, E_CAMELLIA128, M_SHA256, V_TLS1, S_HIGH | NOT_DEF, 128),
    m(0xC096, c"DHE-PSK-CAMELLIA128-SHA256", c"TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", K_DHEPSK, A_PSK, E_CAMELLIA128, M_SHA256, V_TLS1, S_HIGH | NOT_DEF, 128),
    m(0x002F, c"AES128-SHA", c"TLS_RSA_WITH_AES_128_CBC_SHA", K_RSA, A_RSA, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 128),
    m(0x0041, c"CAMELLIA128-SHA", c"TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", K_RSA, A_RSA, E_CAMELLIA128, M_SHA1, V_SSL3, S_HIGH | NOT_DEF, 128),
    m(0x00AE, c"PSK-AES128-CBC-SHA256", c"TLS_PSK_WITH_AES_128_CBC_SHA256", K_PSK, A_PSK, E_AES128, M_SHA256, V_TLS1, S_HIGH | S_FIPS, 128),
    m(0x008C, c"PSK-AES128-CBC-SHA", c"TLS_PSK_WITH_AES_128_CBC_SHA", K_PSK, A_PSK, E_AES128, M_SHA1, V_SSL3, S_HIGH | S_FIPS, 128),
    m(0xC094, c"PSK-CAMELLIA128-SHA256", c"TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", K_PSK, A_PSK, E_CAMELLIA128, M_SHA256, V_TLS1, S_HIGH | NOT_DEF, 128),
    m(0xC03B, c"ECDHE-PSK-NULL-SHA384", c"TLS_ECDHE_PSK_WITH_NULL_SHA384", K_ECDHEPSK, A_PSK, E_NULL, M_SHA384, V_TLS1, S_NONE, 0),
    m(0xC03A, c"ECDHE-PSK-NULL-SHA256", c"TLS_ECDHE_PSK_WITH_NULL_SHA256", K_ECDHEPSK, A_PSK, E_NULL, M_SHA256, V_TLS1, S_NONE, 0),
    m(0xC039, c"ECDHE-PSK-NULL-SHA", c"TLS_ECDHE_PSK_WITH_NULL_SHA", K_ECDHEPSK, A_PSK, E_NULL, M_SHA1, V_TLS1, S_NONE, 0),
    m(0x00B9, c"RSA-PSK-NULL-SHA384", c"TLS_RSA_PSK_WITH_NULL_SHA384", K_RSAPSK, A_RSA, E_NULL, M_SHA384, V_TLS1, S_NONE, 0),
    m(0x00B8, c"RSA-PSK-NULL-SHA256", c"TLS_RSA_PSK_WITH_NULL_SHA256", K_RSAPSK, A_RSA, E_NULL, M_SHA256, V_TLS1, S_NONE, 0),
    m(0x00B5, c"DHE-PSK-NULL-SHA384", c"TLS_DHE_PSK_WITH_NULL_SHA384", K_DHEPSK, A_PSK, E_NULL, M_SHA384, V_TLS1, S_NONE, 0),
    m(0x00B4, c"DHE-PSK-NULL-SHA256", c"TLS_DHE_PSK_WITH_NULL_SHA256", K_DHEPSK, A_PSK, E_NULL, M_SHA256, V_TLS1, S_NONE, 0),
    m(0x002E, c"RSA-PSK-NULL-SHA", c"TLS_RSA_PSK_WITH_NULL_SHA", K_RSAPSK, A_RSA, E_NULL, M_SHA1, V_SSL3, S_NONE, 0),
    m(0x002D, c"DHE-PSK-NULL-SHA", c"TLS_DHE_PSK_WITH_NULL_SHA", K_DHEPSK, A_PSK, E_NULL, M_SHA1, V_SSL3, S_NONE, 0),
    m(0x0002, c"NULL-SHA", c"TLS_RSA_WITH_NULL_SHA", K_RSA, A_RSA, E_NULL, M_SHA1, V_SSL3, S_NONE, 0),
    m(0x0001, c"NULL-MD5", c"TLS_RSA_WITH_NULL_MD5", K_RSA, A_RSA, E_NULL, M_MD5, V_SSL3, S_NONE, 0),
    m(0x00B1, c"PSK-NULL-SHA384", c"TLS_PSK_WITH_NULL_SHA384", K_PSK, A_PSK, E_NULL, M_SHA384, V_TLS1, S_NONE, 0),
    m(0x00B0, c"PSK-NULL-SHA256", c"TLS_PSK_WITH_NULL_SHA256", K_PSK, A_PSK, E_NULL, M_SHA256, V_TLS1, S_NONE, 0),
    m(0x002C, c"PSK-NULL-SHA", c"TLS_PSK_WITH_NULL_SHA", K_PSK, A_PSK, E_NULL, M_SHA1, V_SSL3, S_NONE, 0),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// What the system libssl answers for each of our suites (OpenSSL 3.0.19, recorded
    /// with a C program): name, standard name, `get_id`, `get_protocol_id`, bits,
    /// alg bits, version, cipher/digest/kx/auth NIDs, `is_aead`, handshake digest,
    /// `SSL_CIPHER_description`.
    #[rustfmt::skip]
    #[allow(clippy::type_complexity)]
    const SYSTEM_FACTS: &[(&CStr, &CStr, u32, u16, c_int, c_int, &CStr, c_int, c_int, c_int, c_int, c_int, &str, &str)] = &[
        (c"TLS_AES_256_GCM_SHA384", c"TLS_AES_256_GCM_SHA384", 0x03001302, 0x1302, 256, 256, c"TLSv1.3", 901, 0, 1063, 1064, 1, "SHA384", "TLS_AES_256_GCM_SHA384         TLSv1.3 Kx=any      Au=any   Enc=AESGCM(256)            Mac=AEAD\n"),
        (c"TLS_CHACHA20_POLY1305_SHA256", c"TLS_CHACHA20_POLY1305_SHA256", 0x03001303, 0x1303, 256, 256, c"TLSv1.3", 1018, 0, 1063, 1064, 1, "SHA256", "TLS_CHACHA20_POLY1305_SHA256   TLSv1.3 Kx=any      Au=any   Enc=CHACHA20/POLY1305(256) Mac=AEAD\n"),
        (c"TLS_AES_128_GCM_SHA256", c"TLS_AES_128_GCM_SHA256", 0x03001301, 0x1301, 128, 128, c"TLSv1.3", 895, 0, 1063, 1064, 1, "SHA256", "TLS_AES_128_GCM_SHA256         TLSv1.3 Kx=any      Au=any   Enc=AESGCM(128)            Mac=AEAD\n"),
        (c"ECDHE-ECDSA-AES256-GCM-SHA384", c"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0x0300c02c, 0xc02c, 256, 256, c"TLSv1.2", 901, 0, 1038, 1047, 1, "SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384  TLSv1.2 Kx=ECDH     Au=ECDSA Enc=AESGCM(256)            Mac=AEAD\n"),
        (c"ECDHE-RSA-AES256-GCM-SHA384", c"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0x0300c030, 0xc030, 256, 256, c"TLSv1.2", 901, 0, 1038, 1046, 1, "SHA384", "ECDHE-RSA-AES256-GCM-SHA384    TLSv1.2 Kx=ECDH     Au=RSA   Enc=AESGCM(256)            Mac=AEAD\n"),
        (c"ECDHE-ECDSA-CHACHA20-POLY1305", c"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0x0300cca9, 0xcca9, 256, 256, c"TLSv1.2", 1018, 0, 1038, 1047, 1, "SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305  TLSv1.2 Kx=ECDH     Au=ECDSA Enc=CHACHA20/POLY1305(256) Mac=AEAD\n"),
        (c"ECDHE-RSA-CHACHA20-POLY1305", c"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0x0300cca8, 0xcca8, 256, 256, c"TLSv1.2", 1018, 0, 1038, 1046, 1, "SHA256", "ECDHE-RSA-CHACHA20-POLY1305    TLSv1.2 Kx=ECDH     Au=RSA   Enc=CHACHA20/POLY1305(256) Mac=AEAD\n"),
        (c"ECDHE-ECDSA-AES128-GCM-SHA256", c"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0x0300c02b, 0xc02b, 128, 128, c"TLSv1.2", 895, 0, 1038, 1047, 1, "SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256  TLSv1.2 Kx=ECDH     Au=ECDSA Enc=AESGCM(128)            Mac=AEAD\n"),
        (c"ECDHE-RSA-AES128-GCM-SHA256", c"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0x0300c02f, 0xc02f, 128, 128, c"TLSv1.2", 895, 0, 1038, 1046, 1, "SHA256", "ECDHE-RSA-AES128-GCM-SHA256    TLSv1.2 Kx=ECDH     Au=RSA   Enc=AESGCM(128)            Mac=AEAD\n"),
        (c"DHE-RSA-AES256-GCM-SHA384", c"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x0300009f, 0x009f, 256, 256, c"TLSv1.2", 901, 0, 1039, 1046, 1, "SHA384", "DHE-RSA-AES256-GCM-SHA384      TLSv1.2 Kx=DH       Au=RSA   Enc=AESGCM(256)            Mac=AEAD\n"),
        (c"DHE-RSA-CHACHA20-POLY1305", c"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0x0300ccaa, 0xccaa, 256, 256, c"TLSv1.2", 1018, 0, 1039, 1046, 1, "SHA256", "DHE-RSA-CHACHA20-POLY1305      TLSv1.2 Kx=DH       Au=RSA   Enc=CHACHA20/POLY1305(256) Mac=AEAD\n"),
        (c"DHE-RSA-AES128-GCM-SHA256", c"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x0300009e, 0x009e, 128, 128, c"TLSv1.2", 895, 0, 1039, 1046, 1, "SHA256", "DHE-RSA-AES128-GCM-SHA256      TLSv1.2 Kx=DH       Au=RSA   Enc=AESGCM(128)            Mac=AEAD\n"),
    ];

    #[test]
    fn default_ciphersuites_string_names_the_default_suites() {
        let names: Vec<String> = default_tls13().iter().map(|c| c.name.to_string_lossy().into_owned()).collect();
        assert_eq!(DEFAULT_CIPHERSUITES.to_str().unwrap(), names.join(":"));
        assert_eq!(DEFAULT_CIPHER_LIST.to_bytes(), DEFAULT_RULES);
    }

    #[test]
    fn suites_match_system_openssl() {
        assert_eq!(SYSTEM_FACTS.len(), CIPHERS.len());
        for &(name, std, id, pid, bits, alg, ver, cnid, dnid, kx, au, aead, md, desc) in SYSTEM_FACTS {
            let c = by_name(name.to_str().unwrap()).unwrap();
            assert_eq!(c.standard_name, std);
            assert_eq!((c.id, c.protocol_id), (id, pid));
            assert_eq!((c.strength_bits, c.alg_bits), (bits, alg));
            assert_eq!(c.version, ver);
            assert_eq!((c.cipher_nid, c.digest_nid, c.kx_nid, c.auth_nid), (cnid, dnid, kx, au));
            assert_eq!(c_int::from(c.aead), aead);
            assert_eq!(c.handshake_digest, if md == "SHA384" { Sha384 } else { Sha256 });
            assert_eq!(c.description(), desc);
            assert!(c.description().len() < 128);
            assert_eq!(c.is_tls13(), ver == c"TLSv1.3");
            // Every lookup finds the same static entry.
            assert!(std::ptr::eq(by_standard_name(std.to_str().unwrap()).unwrap(), c));
            assert!(std::ptr::eq(by_id(id).unwrap(), c));
            assert!(std::ptr::eq(by_protocol_id(pid).unwrap(), c));
            assert!(std::ptr::eq(by_suite(c.rustls_suite()).unwrap(), c));
            assert!(std::ptr::eq(from_ptr(c).unwrap(), c));
            assert_eq!(u16::from(c.rustls_suite()), pid);
            assert_eq!(openssl_name_for_standard(std.to_bytes()), Some(name));
        }
        assert!(from_ptr(std::ptr::null()).is_none());
        assert!(by_name("AES128-SHA").is_none());
        assert!(by_name("ecdhe-rsa-aes128-gcm-sha256").is_none());
        assert!(by_protocol_id(0x002F).is_none());
    }

    #[test]
    fn table_is_what_rustls_offers() {
        // rustls' provider's suites, and the DHE-RSA ones built on them (suites.rs).
        let ours: Vec<CipherSuite> = CIPHERS.iter().map(|c| c.rustls_suite()).collect();
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        assert_eq!(ours.len(), provider.cipher_suites.len() + 3);
        for s in &provider.cipher_suites {
            assert!(ours.contains(&s.suite()), "{:?}", s.suite());
        }
        for c in &CIPHERS {
            let tls13 = matches!(c.suite, SupportedCipherSuite::Tls13(_));
            assert_eq!(tls13, c.is_tls13());
        }
    }

    #[test]
    fn openssl_defaults() {
        let names = |v: Vec<&'static SslCipher>| v.iter().map(|c| c.name.to_str().unwrap()).collect::<Vec<_>>();
        assert_eq!(
            names(default_tls13()),
            ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]
        );
        assert_eq!(default_tls12(), parse_cipher_list("DEFAULT").unwrap());
        assert_eq!(default_tls12().len(), 9);
    }

    const EA128: &str = "ECDHE-ECDSA-AES128-GCM-SHA256";
    const EA256: &str = "ECDHE-ECDSA-AES256-GCM-SHA384";
    const ECH: &str = "ECDHE-ECDSA-CHACHA20-POLY1305";
    const RA128: &str = "ECDHE-RSA-AES128-GCM-SHA256";
    const RA256: &str = "ECDHE-RSA-AES256-GCM-SHA384";
    const RCH: &str = "ECDHE-RSA-CHACHA20-POLY1305";
    const DA128: &str = "DHE-RSA-AES128-GCM-SHA256";
    const DA256: &str = "DHE-RSA-AES256-GCM-SHA384";
    const DCH: &str = "DHE-RSA-CHACHA20-POLY1305";

    enum Expect {
        Ok(&'static [&'static str]),
        NoMatch,
        Invalid,
    }
    use Expect::{Invalid, NoMatch};

    /// `openssl ciphers -s -tls1_2 -- STRING` of the system OpenSSL 3.0.19 (security
    /// level 1), restricted to the suites we implement; `NoMatch`/`Invalid` where it
    /// printed "Error in cipher list" with "no cipher match"/"invalid command".
    #[rustfmt::skip]
    const SYSTEM_CIPHER_LISTS: &[(&str, Expect)] = &[
        ("ALL", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("DEFAULT", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("HIGH", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("MEDIUM", NoMatch),
        ("LOW", NoMatch),
        ("ALL:!ECDHE", Expect::Ok(&[DA256, DCH, DA128])),
        ("ECDHE", Expect::Ok(&[EA256, RA256, ECH, RCH, EA128, RA128])),
        ("EECDH+AESGCM", Expect::Ok(&[EA256, RA256, EA128, RA128])),
        ("kECDHE+CHACHA20", Expect::Ok(&[ECH, RCH])),
        ("aRSA", Expect::Ok(&[RA256, DA256, RCH, DCH, RA128, DA128])),
        ("aECDSA", Expect::Ok(&[EA256, ECH, EA128])),
        ("ECDSA:aRSA", Expect::Ok(&[EA256, ECH, EA128, RA256, DA256, RCH, DCH, RA128, DA128])),
        ("AES", Expect::Ok(&[EA256, RA256, DA256, EA128, RA128, DA128])),
        ("AES128", Expect::Ok(&[EA128, RA128, DA128])),
        ("AES256:CHACHA20", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH])),
        ("AESGCM", Expect::Ok(&[EA256, RA256, DA256, EA128, RA128, DA128])),
        ("SHA256", Expect::Ok(&[])),
        ("SHA384", Expect::Ok(&[])),
        ("TLSv1.2", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("SSLv3", Expect::Ok(&[])),
        ("AES128-SHA", Expect::Ok(&[])),
        ("DHE-RSA-AES128-GCM-SHA256", Expect::Ok(&[DA128])),
        ("FOO", NoMatch),
        ("", NoMatch),
        ("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", Expect::Ok(&[RA128, EA256])),
        ("ECDHE-RSA-AES128-GCM-SHA256,ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-RSA-CHACHA20-POLY1305;ECDHE-ECDSA-AES128-GCM-SHA256", Expect::Ok(&[RA128, ECH, RCH, EA128])),
        ("ALL:-AES256:AES256", Expect::Ok(&[ECH, RCH, DCH, EA128, RA128, DA128, EA256, RA256, DA256])),
        ("ALL:+AES128", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("ALL:!aRSA", Expect::Ok(&[EA256, ECH, EA128])),
        ("CHACHA20:AESGCM:@STRENGTH", Expect::Ok(&[ECH, RCH, DCH, EA256, RA256, DA256, EA128, RA128, DA128])),
        ("HIGH:!aNULL:!MD5", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", Expect::Ok(&[EA128, RA128, EA256, RA256, ECH, RCH, DA128, DA256])),
        ("DEFAULT:!CHACHA20", Expect::Ok(&[EA256, RA256, DA256, EA128, RA128, DA128])),
        ("DEFAULT:+aRSA", Expect::Ok(&[EA256, ECH, EA128, RA256, DA256, RCH, DCH, RA128, DA128])),
        ("DEFAULT:@STRENGTH", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("DEFAULT+AES128", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("COMPLEMENTOFDEFAULT", Expect::Ok(&[])),
        ("COMPLEMENTOFALL", Expect::Ok(&[])),
        ("eNULL", Expect::Ok(&[])),
        ("aNULL", Expect::Ok(&[])),
        ("kRSA", Expect::Ok(&[])),
        ("PSK", Expect::Ok(&[])),
        ("FIPS", Expect::Ok(&[EA256, RA256, DA256, EA128, RA128, DA128])),
        ("HIGH+FIPS", NoMatch),
        ("SUITEB128", Expect::Ok(&[EA128, EA256])),
        ("SUITEB192", Expect::Ok(&[EA256])),
        ("SUITEB128ONLY", Expect::Ok(&[EA128])),
        ("ECDH+aECDSA", Expect::Ok(&[EA256, ECH, EA128])),
        ("ALL:!AES128-SHA:!FOO:ECDHE-RSA-AES128-GCM-SHA256", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("ALL:@SECLEVEL=4", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH])),
        ("ALL:_bad", Invalid),
        ("ALL:@FOO", Invalid),
        ("!ECDHE:ALL", Expect::Ok(&[DA256, DCH, DA128])),
        ("-ALL:ECDSA", Expect::Ok(&[EA256, ECH, EA128])),
        ("ECDHE-RSA-AES128-GCM-SHA256+AES", Expect::Ok(&[RA128])),
        ("aRSA+AESGCM+SHA256", NoMatch),
        ("AES256+ECDSA:AES128+ECDSA:CHACHA20", Expect::Ok(&[EA256, EA128, ECH, RCH, DCH])),
        ("TLSv1.2+AESGCM:!aECDSA", Expect::Ok(&[RA256, DA256, RA128, DA128])),
        ("ECDHE-ECDSA-AES128-GCM-SHA256!AESGCM", NoMatch),
        ("TLS_AES_128_GCM_SHA256", NoMatch),
        ("ALL:-ECDHE-RSA-AES256-GCM-SHA384:+ECDHE-ECDSA-CHACHA20-POLY1305", Expect::Ok(&[EA256, DA256, RCH, DCH, EA128, RA128, DA128, ECH])),
        ("CAMELLIA:ARIA:CBC", Expect::Ok(&[])),
        ("ECDHE:!AES:AES:-CHACHA20:+AES128:CHACHA20", Expect::Ok(&[ECH, RCH, DCH])),
        ("HIGH:-aECDSA:+AES256:aECDSA:@STRENGTH", Expect::Ok(&[RCH, DCH, RA256, DA256, EA256, ECH, RA128, DA128, EA128])),
        ("COMPLEMENTOFDEFAULT+HIGH", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("HIGH+COMPLEMENTOFDEFAULT", Expect::Ok(&[])),
        ("AES128:CHACHA20:3DES@STRENGTH", Expect::Ok(&[ECH, RCH, DCH, EA128, RA128, DA128])),
        ("AES128:CHACHA20:RC4@STRENGTH", Expect::Ok(&[EA128, RA128, DA128, ECH, RCH, DCH])),
        ("ECDHE-RSA-AES128-GCM-SHA256!ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256", Expect::Ok(&[EA128])),
        ("DEFAULT:-ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384", Expect::Ok(&[RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128, EA256])),
        ("ALL:!COMPLEMENTOFDEFAULT", Expect::Ok(&[EA256, RA256, DA256, ECH, RCH, DCH, EA128, RA128, DA128])),
        ("kEECDH+ECDSA+AES256:kEECDH+aRSA", Expect::Ok(&[EA256, RA256, RCH, RA128])),
        ("ECDHE+AESGCM:@SECLEVEL=4", Expect::Ok(&[EA256, RA256])),
        ("TLSv1.2:!TLSv1.2", NoMatch),
        ("DEFAULT:!ECDHE:ECDHE-RSA-CHACHA20-POLY1305", Expect::Ok(&[DA256, DCH, DA128])),
        ("AESGCM+AES256:CHACHA20+ECDSA:AESGCM+AES128:CHACHA20", Expect::Ok(&[EA256, RA256, DA256, ECH, EA128, RA128, DA128, RCH, DCH])),
        ("ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-GCM-SHA256 @STRENGTH", Expect::Ok(&[EA128, RA128])),
    ];

    #[test]
    fn cipher_lists_match_system_openssl() {
        for (spec, expect) in SYSTEM_CIPHER_LISTS {
            let got = parse_cipher_list_detailed(spec);
            match (expect, got) {
                (Expect::Ok(want), Ok(list)) => {
                    // `-s` drops suites the security level forbids.
                    let level = c_int::from(list.seclevel.unwrap_or(1));
                    let got: Vec<&str> = list
                        .ciphers
                        .iter()
                        .filter(|c| c.allowed_at_security_level(level))
                        .map(|c| c.name.to_str().unwrap())
                        .collect();
                    assert_eq!(&got, want, "{spec:?}");
                    assert!(!list.openssl_selection.is_empty());
                    for c in &list.ciphers {
                        assert!(!c.is_tls13());
                        assert!(list.openssl_selection.contains(&c.name), "{spec:?}");
                    }
                }
                (NoMatch, Err(e @ CipherStringError::NoCipherMatch { .. })) => {
                    assert_eq!(e.reason(), crate::error::SSL_R_NO_CIPHER_MATCH)
                }
                (Invalid, Err(e @ CipherStringError::InvalidCommand { .. })) => {
                    assert_eq!(e.reason(), crate::error::SSL_R_INVALID_COMMAND)
                }
                (_, got) => panic!("{spec:?}: unexpected {got:?}"),
            }
        }
    }

    /// Number of TLS ≤ 1.2 suites the system OpenSSL lists for some strings
    /// (`SSL_CTX_get_ciphers` without the TLS 1.3 ones).
    #[test]
    fn openssl_selection_sizes_match_system() {
        for (spec, n) in [
            ("ALL", 137),
            ("ALL:COMPLEMENTOFALL", 155),
            ("DEFAULT", 57),
            ("COMPLEMENTOFDEFAULT", 80),
            ("COMPLEMENTOFALL", 18),
            ("HIGH", 137),
            ("FIPS", 60),
            ("PSK", 60),
            ("CBC", 76),
            ("SSLv3", 33),
            ("TLSv1", 36),
            ("aNULL", 13),
            ("COMPLEMENTOFDEFAULT+HIGH", 137),
            ("HIGH+COMPLEMENTOFDEFAULT", 80),
        ] {
            assert_eq!(parse_cipher_list_detailed(spec).unwrap().openssl_selection.len(), n, "{spec}");
        }
        let aes = parse_cipher_list_detailed("AES128-SHA").unwrap();
        assert!(aes.ciphers.is_empty());
        assert_eq!(aes.openssl_selection, [c"AES128-SHA"]);
    }

    #[test]
    fn cipher_list_side_results() {
        use CipherStringError::{InvalidCommand, NoCipherMatch};
        // @SECLEVEL applies even when the call fails, unless a syntax error came first.
        assert_eq!(parse_cipher_list("@SECLEVEL=3:FOO"), Err(NoCipherMatch { seclevel: Some(3) }));
        assert_eq!(parse_cipher_list("@SECLEVEL=4:ALL:_"), Err(InvalidCommand { seclevel: Some(4) }));
        assert_eq!(parse_cipher_list("ALL:_:@SECLEVEL=3"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list("ALL:@FOO:@SECLEVEL=3"), Err(InvalidCommand { seclevel: Some(3) }));
        assert_eq!(parse_cipher_list("ALL:@SECLEVEL=6"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list("AES128-SHA+"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list("AES128-SHA:!"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list("AES128-SHA:@strength"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list(" DEFAULT"), Err(NoCipherMatch { seclevel: None }));
        assert_eq!(parse_cipher_list("default"), Err(NoCipherMatch { seclevel: None }));
        // Known-but-empty alias versus unknown name before an '@' in the same item.
        assert_eq!(parse_cipher_list_detailed("ALL:3DES@SECLEVEL=2").unwrap().seclevel, Some(2));
        assert_eq!(parse_cipher_list_detailed("ALL:RC4@SECLEVEL=2").unwrap().seclevel, None);
        assert_eq!(parse_cipher_list_detailed("ALL:@SECLEVEL=2+AES").unwrap().seclevel, Some(2));
        let l = parse_cipher_list_detailed("ALL:@SECLEVEL=0:@SECLEVEL=5").unwrap();
        assert_eq!(l.seclevel, Some(5));
        assert_eq!(l.suite_b, None);
        // Suite B keywords replace the whole string.
        let b = parse_cipher_list_detailed("SUITEB128:AES128-SHA").unwrap();
        assert_eq!(b.suite_b, Some(SuiteB::Mode128));
        assert_eq!(b.openssl_selection, [c"ECDHE-ECDSA-AES128-GCM-SHA256", c"ECDHE-ECDSA-AES256-GCM-SHA384"]);
        assert_eq!(parse_cipher_list_detailed("SUITEB128C2").unwrap().suite_b, Some(SuiteB::Combo128));
        assert_eq!(parse_cipher_list_detailed("SUITEB192X").unwrap().suite_b, Some(SuiteB::Mode192));
        assert_eq!(parse_cipher_list_detailed("SUITEB128ONLY").unwrap().suite_b, Some(SuiteB::Only128));
        assert_eq!(parse_cipher_list("xSUITEB128"), Err(NoCipherMatch { seclevel: None }));
        // Non-ASCII and tabs are not name characters; an item's tail after an unknown
        // name is skipped.
        assert_eq!(parse_cipher_list("ALL:\u{e9}"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list("ALL\t:AES"), Err(InvalidCommand { seclevel: None }));
        assert_eq!(parse_cipher_list("ALL:A\u{e9}"), parse_cipher_list("ALL"));
        // A C string ends at NUL.
        assert_eq!(parse_cipher_list("AES128\0:FOO"), parse_cipher_list("AES128"));
    }

    /// `SSL_CTX_set_ciphersuites` results of the system OpenSSL (after
    /// `TLS_AES_128_GCM_SHA256` had been set; `None` = failed with no cipher match),
    /// restricted to our TLS 1.3 suites without duplicates.
    #[test]
    fn ciphersuites_match_system_openssl() {
        const A128: &str = "TLS_AES_128_GCM_SHA256";
        const A256: &str = "TLS_AES_256_GCM_SHA384";
        const CH: &str = "TLS_CHACHA20_POLY1305_SHA256";
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("TLS_AES_256_GCM_SHA384", Some(&[A256])),
            ("", Some(&[])),
            ("FOO", None),
            ("FOO:TLS_CHACHA20_POLY1305_SHA256", Some(&[CH])),
            ("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384", Some(&[CH, A256])),
            ("tls_aes_256_gcm_sha384", None),
            ("TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256", None),
            ("TLS_AES_256_GCM_SHA384 TLS_AES_128_GCM_SHA256", None),
            ("TLS_AES_256_GCM_SHA384;TLS_AES_128_GCM_SHA256", None),
            (" TLS_AES_256_GCM_SHA384 : TLS_AES_128_GCM_SHA256 ", Some(&[A256, A128])),
            ("TLS_AES_128_GCM_SHA256\t:TLS_AES_256_GCM_SHA384", Some(&[A128, A256])),
            ("TLS_AES_256_GCM_SHA384:TLS_AES_256_GCM_SHA384", Some(&[A256])),
            ("TLS_AES_256_GCM_SHA384::TLS_AES_128_GCM_SHA256", Some(&[A256, A128])),
            (":", None),
            (" ", None),
            ("::TLS_AES_128_GCM_SHA256:", Some(&[A128])),
            ("TLS_AES_128_CCM_SHA256", Some(&[])),
            ("TLS_AES_128_CCM_8_SHA256", Some(&[])),
            ("TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384", Some(&[A256])),
            ("ECDHE-RSA-AES128-GCM-SHA256", None),
            ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Some(&[])),
            ("TLS_RSA_WITH_SEED_CBC_SHA", Some(&[])),
            ("TLS_FALLBACK_SCSV", Some(&[])),
            ("TLS_RSA_WITH_RC4_128_SHA", None),
            ("DEFAULT", None),
            ("ALL", None),
            ("!TLS_AES_128_GCM_SHA256", None),
        ];
        for (spec, want) in cases {
            let got = parse_ciphersuites(spec);
            match want {
                Some(want) => {
                    let got: Vec<&str> = got.unwrap().iter().map(|c| c.name.to_str().unwrap()).collect();
                    assert_eq!(&got, want, "{spec:?}");
                }
                None => assert_eq!(got, Err(CipherStringError::NoCipherMatch { seclevel: None }), "{spec:?}"),
            }
        }
    }

    #[test]
    fn openssl_cipher_name_matches_system() {
        for (std, want) in [
            ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Some(c"ECDHE-RSA-AES128-GCM-SHA256")),
            ("TLS_AES_128_GCM_SHA256", Some(c"TLS_AES_128_GCM_SHA256")),
            ("TLS_RSA_WITH_AES_128_CBC_SHA", Some(c"AES128-SHA")),
            ("TLS_PSK_DHE_WITH_AES_128_CCM_8", Some(c"DHE-PSK-AES128-CCM8")),
            ("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", Some(c"TLS_EMPTY_RENEGOTIATION_INFO_SCSV")),
            ("TLS_FALLBACK_SCSV", Some(c"TLS_FALLBACK_SCSV")),
            ("TLS_RSA_WITH_SEED_CBC_SHA", Some(c"SEED-SHA")),
            ("tls_ecdhe_rsa_with_aes_128_gcm_sha256", None),
            ("ECDHE-RSA-AES128-GCM-SHA256", None),
            ("", None),
            ("TLS_RSA_WITH_RC4_128_SHA", None),
            ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", None),
        ] {
            assert_eq!(openssl_name_for_standard(std.as_bytes()), want, "{std}");
        }
        // 155 enabled TLS <= 1.2 suites, 7 more known ones, 5 TLS 1.3, 2 signalling.
        assert_eq!(MODEL.len() + OTHER_KNOWN.len(), 169);
    }

    #[test]
    fn security_levels() {
        let a128 = by_name("TLS_AES_128_GCM_SHA256").unwrap();
        let a256 = by_name("ECDHE-RSA-AES256-GCM-SHA384").unwrap();
        assert!((-1..=3).all(|l| a128.allowed_at_security_level(l)));
        assert!(!a128.allowed_at_security_level(4));
        assert!((0..=9).all(|l| a256.allowed_at_security_level(l)));
    }

    #[test]
    fn model_is_consistent() {
        for (i, m) in MODEL.iter().enumerate() {
            assert!(MODEL[..i].iter().all(|o| o.protocol_id != m.protocol_id && o.name != m.name));
            assert_eq!(m.kx.count_ones() + m.auth.count_ones() + m.enc.count_ones() + m.mac.count_ones(), 4);
            if let Some(c) = by_protocol_id(m.protocol_id) {
                assert_eq!((c.name, c.standard_name), (m.name, m.std_name));
                assert_eq!(c.strength_bits, c_int::from(m.bits));
                assert_eq!(c.fips, m.strength & S_FIPS != 0);
            }
        }
        assert_eq!(MODEL.iter().filter(|m| by_protocol_id(m.protocol_id).is_some()).count(), 9);
    }
}

/// The `STACK_OF(SSL_CIPHER)` an `SSL` or `SSL_CTX` hands out (`SSL_get_ciphers`):
/// built when first asked for after each change of the list, and kept (the caller
/// does not own it) until the next change or the owner's end.
#[derive(Default)]
pub struct StackCache(std::sync::Mutex<Option<(Vec<&'static SslCipher>, crate::crypto::stack::CipherStack)>>);

impl StackCache {
    /// The stack for `list` (NULL: out of memory).
    pub fn get(&self, list: Vec<&'static SslCipher>) -> *mut openssl_sys::stack_st_SSL_CIPHER {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let same = |cached: &[&'static SslCipher]| {
            cached.len() == list.len() && cached.iter().zip(&list).all(|(a, b)| std::ptr::eq(*a, *b))
        };
        match slot.as_ref() {
            Some((cached, stack)) if same(cached) => stack.as_ptr(),
            _ => match crate::crypto::stack::CipherStack::new(&list) {
                Some(stack) => {
                    let p = stack.as_ptr();
                    *slot = Some((list, stack));
                    p
                }
                None => std::ptr::null_mut(),
            },
        }
    }
}
