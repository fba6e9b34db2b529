//! The cipher suites oxissl offers: rustls' aws-lc-rs suites with their key derivation
//! (TLS 1.3 HKDF, TLS 1.2 PRF) rebuilt on rustls' generic `HkdfUsingHmac` and
//! `PrfUsingHmac` (same AEADs, same hashes, same results), and the DHE-RSA suites a
//! TLS 1.2 server with Diffie-Hellman parameters offers (`kx.rs` has the groups).
//!
//! - aws-lc-rs defers HKDF's extract step and repeats it, with the whole HMAC key set-up,
//!   at every expand: a third of a resumed TLS 1.3 handshake went to SHA-384
//!   compressions. `HkdfUsingHmac` extracts once and expands with a keyed HMAC.
//! - For SHA-384, the HMAC runs on libcrypto's SHA-384 (see `crypto::digest`), which
//!   is 1.6x faster than aws-lc's on AMD processors; SHA-256 stays on aws-lc (it uses
//!   the SHA extensions everywhere).
use rustls::crypto::cipher::Tls13AeadAlgorithm;
use rustls::crypto::hash::{Context as HashContext, Hash, HashAlgorithm, Output};
use rustls::crypto::hmac::{Hmac, Key, Tag};
use rustls::crypto::tls12::PrfUsingHmac;
use rustls::crypto::tls13::HkdfUsingHmac;
use rustls::{CipherSuiteCommon, SupportedCipherSuite, Tls12CipherSuite, Tls13CipherSuite};

use crate::crypto::digest::Sha384;

use rustls::crypto::aws_lc_rs::cipher_suite as rs;

/// HMAC with one of aws-lc-rs' algorithms.
pub struct AwsLcHmac(&'static aws_lc_rs::hmac::Algorithm);

struct AwsLcHmacKey(aws_lc_rs::hmac::Key);

impl Hmac for AwsLcHmac {
    fn with_key(&self, key: &[u8]) -> Box<dyn Key> {
        Box::new(AwsLcHmacKey(aws_lc_rs::hmac::Key::new(*self.0, key)))
    }

    fn hash_output_len(&self) -> usize {
        self.0.digest_algorithm().output_len()
    }
}

impl Key for AwsLcHmacKey {
    fn sign_concat(&self, first: &[u8], middle: &[&[u8]], last: &[u8]) -> Tag {
        // The keyed state (inner and outer pads) is computed once, in `with_key`.
        let mut ctx = aws_lc_rs::hmac::Context::with_key(&self.0);
        ctx.update(first);
        for m in middle {
            ctx.update(m);
        }
        ctx.update(last);
        Tag::new(ctx.sign().as_ref())
    }

    fn tag_len(&self) -> usize {
        self.0.algorithm().digest_algorithm().output_len()
    }
}

/// HMAC-SHA-384 (RFC 2104) over libcrypto's SHA-384.
pub struct HmacSha384;

/// The inner and outer hash states after absorbing the padded key.
struct HmacSha384Key {
    inner: Sha384,
    outer: Sha384,
}

impl Hmac for HmacSha384 {
    fn with_key(&self, key: &[u8]) -> Box<dyn Key> {
        let mut block = [0u8; Sha384::BLOCK_LEN];
        if key.len() > Sha384::BLOCK_LEN {
            let mut h = Sha384::new();
            h.update(key);
            block[..Sha384::OUTPUT_LEN].copy_from_slice(&h.finish());
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| {
            let mut h = Sha384::new();
            h.update(&block.map(|b| b ^ byte));
            h
        };
        Box::new(HmacSha384Key { inner: pad(0x36), outer: pad(0x5c) })
    }

    fn hash_output_len(&self) -> usize {
        Sha384::OUTPUT_LEN
    }
}

impl Key for HmacSha384Key {
    fn sign_concat(&self, first: &[u8], middle: &[&[u8]], last: &[u8]) -> Tag {
        let mut inner = self.inner.clone();
        inner.update(first);
        for m in middle {
            inner.update(m);
        }
        inner.update(last);
        let mut outer = self.outer.clone();
        outer.update(&inner.finish());
        Tag::new(&outer.finish())
    }

    fn tag_len(&self) -> usize {
        Sha384::OUTPUT_LEN
    }
}

/// SHA-384 for transcripts, over libcrypto.
pub struct Sha384Hash;

struct Sha384Context(Sha384);

impl Hash for Sha384Hash {
    fn start(&self) -> Box<dyn HashContext> {
        Box::new(Sha384Context(Sha384::new()))
    }

    fn hash(&self, data: &[u8]) -> Output {
        let mut h = Sha384::new();
        h.update(data);
        Output::new(&h.finish())
    }

    fn output_len(&self) -> usize {
        Sha384::OUTPUT_LEN
    }

    fn algorithm(&self) -> HashAlgorithm {
        HashAlgorithm::SHA384
    }
}

impl HashContext for Sha384Context {
    fn fork_finish(&self) -> Output {
        Output::new(&self.0.clone().finish())
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(Sha384Context(self.0.clone()))
    }

    fn finish(self: Box<Self>) -> Output {
        Output::new(&self.0.finish())
    }

    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
}

static SHA384_HASH: Sha384Hash = Sha384Hash;

static HMAC_SHA256: AwsLcHmac = AwsLcHmac(&aws_lc_rs::hmac::HMAC_SHA256);
static HMAC_SHA384: HmacSha384 = HmacSha384;
static HKDF_SHA256: HkdfUsingHmac<'static> = HkdfUsingHmac(&HMAC_SHA256);
static HKDF_SHA384: HkdfUsingHmac<'static> = HkdfUsingHmac(&HMAC_SHA384);
static PRF_SHA384: PrfUsingHmac<'static> = PrfUsingHmac(&HMAC_SHA384);

/// The rustls TLS 1.3 suite inside a `SupportedCipherSuite`.
const fn tls13_of(s: SupportedCipherSuite) -> &'static Tls13CipherSuite {
    match s {
        SupportedCipherSuite::Tls13(t) => t,
        SupportedCipherSuite::Tls12(_) => panic!("not a TLS 1.3 suite"),
    }
}

/// rustls' aws-lc-rs suite `base` with HKDF from `hkdf`.
const fn with_hkdf(
    base: SupportedCipherSuite,
    hkdf: &'static HkdfUsingHmac<'static>,
    hash: Option<&'static dyn Hash>,
) -> Tls13CipherSuite {
    let b = tls13_of(base);
    Tls13CipherSuite {
        common: CipherSuiteCommon {
            suite: b.common.suite,
            hash_provider: match hash {
                Some(h) => h,
                None => b.common.hash_provider,
            },
            confidentiality_limit: b.common.confidentiality_limit,
        },
        hkdf_provider: hkdf,
        aead_alg: b.aead_alg as &'static dyn Tls13AeadAlgorithm,
        quic: b.quic,
    }
}

static AES_128_GCM_SHA256: Tls13CipherSuite = with_hkdf(rs::TLS13_AES_128_GCM_SHA256, &HKDF_SHA256, None);
static AES_256_GCM_SHA384: Tls13CipherSuite = with_hkdf(rs::TLS13_AES_256_GCM_SHA384, &HKDF_SHA384, Some(&SHA384_HASH));
static CHACHA20_POLY1305_SHA256: Tls13CipherSuite = with_hkdf(rs::TLS13_CHACHA20_POLY1305_SHA256, &HKDF_SHA256, None);

pub const TLS13_AES_128_GCM_SHA256: SupportedCipherSuite = SupportedCipherSuite::Tls13(&AES_128_GCM_SHA256);
pub const TLS13_AES_256_GCM_SHA384: SupportedCipherSuite = SupportedCipherSuite::Tls13(&AES_256_GCM_SHA384);
pub const TLS13_CHACHA20_POLY1305_SHA256: SupportedCipherSuite = SupportedCipherSuite::Tls13(&CHACHA20_POLY1305_SHA256);

/// rustls' aws-lc-rs TLS 1.2 SHA-384 suite `base` with the PRF over `prf` and the
/// transcript hash on libcrypto's SHA-384.
const fn tls12_with_prf(base: SupportedCipherSuite, prf: &'static PrfUsingHmac<'static>) -> Tls12CipherSuite {
    let b = match base {
        SupportedCipherSuite::Tls12(t) => t,
        SupportedCipherSuite::Tls13(_) => panic!("not a TLS 1.2 suite"),
    };
    Tls12CipherSuite {
        common: CipherSuiteCommon {
            suite: b.common.suite,
            hash_provider: &SHA384_HASH,
            confidentiality_limit: b.common.confidentiality_limit,
        },
        prf_provider: prf,
        kx: b.kx,
        sign: b.sign,
        aead_alg: b.aead_alg,
    }
}

static ECDHE_ECDSA_AES256_GCM_SHA384: Tls12CipherSuite =
    tls12_with_prf(rs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, &PRF_SHA384);
static ECDHE_RSA_AES256_GCM_SHA384: Tls12CipherSuite =
    tls12_with_prf(rs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, &PRF_SHA384);

pub const TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: SupportedCipherSuite =
    SupportedCipherSuite::Tls12(&ECDHE_ECDSA_AES256_GCM_SHA384);
pub const TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: SupportedCipherSuite =
    SupportedCipherSuite::Tls12(&ECDHE_RSA_AES256_GCM_SHA384);

/// A TLS 1.2 DHE-RSA suite: the ECDHE-RSA suite `base` (same AEAD, PRF, signatures)
/// with finite-field key exchange, under its own code point.
const fn dhe_of(base: &'static Tls12CipherSuite, suite: rustls::CipherSuite) -> Tls12CipherSuite {
    Tls12CipherSuite {
        common: CipherSuiteCommon {
            suite,
            hash_provider: base.common.hash_provider,
            confidentiality_limit: base.common.confidentiality_limit,
        },
        prf_provider: base.prf_provider,
        kx: rustls::crypto::KeyExchangeAlgorithm::DHE,
        sign: base.sign,
        aead_alg: base.aead_alg,
    }
}

const fn tls12_of(s: SupportedCipherSuite) -> &'static Tls12CipherSuite {
    match s {
        SupportedCipherSuite::Tls12(t) => t,
        SupportedCipherSuite::Tls13(_) => panic!("not a TLS 1.2 suite"),
    }
}

static DHE_RSA_AES128_GCM_SHA256: Tls12CipherSuite = dhe_of(
    tls12_of(rs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    rustls::CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
);
static DHE_RSA_AES256_GCM_SHA384: Tls12CipherSuite =
    dhe_of(&ECDHE_RSA_AES256_GCM_SHA384, rustls::CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384);
static DHE_RSA_CHACHA20_POLY1305: Tls12CipherSuite = dhe_of(
    tls12_of(rs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
    rustls::CipherSuite::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
);

pub const TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: SupportedCipherSuite =
    SupportedCipherSuite::Tls12(&DHE_RSA_AES128_GCM_SHA256);
pub const TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: SupportedCipherSuite =
    SupportedCipherSuite::Tls12(&DHE_RSA_AES256_GCM_SHA384);
pub const TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256: SupportedCipherSuite =
    SupportedCipherSuite::Tls12(&DHE_RSA_CHACHA20_POLY1305);

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::crypto::tls13::Hkdf;

    #[test]
    fn transcript_hash_equals_aws_lc_s() {
        let mut ctx = SHA384_HASH.start();
        ctx.update(b"client hello");
        let fork = ctx.fork_finish();
        ctx.update(b"server hello");
        let whole = ctx.finish();
        let d = |m: &[u8]| aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA384, m);
        assert_eq!(fork.as_ref(), d(b"client hello").as_ref());
        assert_eq!(whole.as_ref(), d(b"client helloserver hello").as_ref());
        assert_eq!(SHA384_HASH.hash(b"x").as_ref(), d(b"x").as_ref());
    }

    #[test]
    fn hmac_sha384_equals_aws_lc_s() {
        for key_len in [0usize, 1, 48, 127, 128, 129, 300] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 13) as u8).collect();
            let ours = HmacSha384.with_key(&key).sign_concat(b"first", &[b"mid", b""], b"last");
            let k = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA384, &key);
            let theirs = aws_lc_rs::hmac::sign(&k, b"firstmidlast");
            assert_eq!(ours.as_ref(), theirs.as_ref(), "key length {key_len}");
        }
    }

    /// The same TLS 1.2 PRF outputs as rustls' aws-lc-rs suites.
    #[test]
    fn prf_equals_the_providers_own() {
        use rustls::crypto::tls12::Prf;
        for (ours, theirs) in [
            (TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, rs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
            (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, rs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
        ] {
            let (SupportedCipherSuite::Tls12(a), SupportedCipherSuite::Tls12(b)) = (ours, theirs) else {
                panic!("TLS 1.2 suites")
            };
            let (pa, pb): (&dyn Prf, &dyn Prf) = (a.prf_provider, b.prf_provider);
            let mut oa = [0u8; 104];
            let mut ob = [0u8; 104];
            pa.for_secret(&mut oa, &[9u8; 48], b"key expansion", &[5u8; 64]);
            pb.for_secret(&mut ob, &[9u8; 48], b"key expansion", &[5u8; 64]);
            assert_eq!(oa, ob);
        }
    }

    /// The same key schedule outputs as rustls' own aws-lc-rs HKDF.
    #[test]
    fn expansions_equal_the_providers_own() {
        for (ours, theirs) in [
            (TLS13_AES_128_GCM_SHA256, rs::TLS13_AES_128_GCM_SHA256),
            (TLS13_AES_256_GCM_SHA384, rs::TLS13_AES_256_GCM_SHA384),
            (TLS13_CHACHA20_POLY1305_SHA256, rs::TLS13_CHACHA20_POLY1305_SHA256),
        ] {
            let (a, b): (&dyn Hkdf, &dyn Hkdf) = (tls13_of(ours).hkdf_provider, tls13_of(theirs).hkdf_provider);
            let ea = a.extract_from_secret(Some(b"salt"), b"input keying material");
            let eb = b.extract_from_secret(Some(b"salt"), b"input keying material");
            for info in [&b""[..], b"tls13 c hs traffic", &[7u8; 200]] {
                let mut oa = [0u8; 80];
                let mut ob = [0u8; 80];
                ea.expand_slice(&[info], &mut oa).unwrap();
                eb.expand_slice(&[info], &mut ob).unwrap();
                assert_eq!(oa, ob);
                assert_eq!(ea.expand_block(&[info]).as_ref(), eb.expand_block(&[info]).as_ref());
            }
            let za = a.extract_from_zero_ikm(None).expand_block(&[b"x"]);
            let zb = b.extract_from_zero_ikm(None).expand_block(&[b"x"]);
            assert_eq!(za.as_ref(), zb.as_ref());
        }
    }
}
