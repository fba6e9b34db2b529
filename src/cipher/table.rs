//! The `SSL_CIPHER` table: the suites oxissl implements, their lookups, and the
//! `STACK_OF(SSL_CIPHER)` handed to C.

use std::ffi::CStr;
use std::os::raw::c_int;

use rustls::crypto::aws_lc_rs::cipher_suite as rs;
use rustls::{CipherSuite, SupportedCipherSuite};

use super::model::*;

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
