//! TLS 1.3 suites whose HKDF runs on aws-lc's HMAC with the key schedule's PRKs kept.
//!
//! rustls' aws-lc-rs provider hands HKDF to aws-lc-rs, which defers the extract step
//! and repeats it, with the whole HMAC key set-up, at every expand: a third of a resumed
//! TLS 1.3 handshake went to SHA-384 compressions. rustls' own `HkdfUsingHmac` does the
//! extract once and expands with a keyed HMAC, so these suites are rustls' aws-lc-rs
//! suites with only that part replaced (same AEADs, same hashes, same results).
use rustls::crypto::cipher::Tls13AeadAlgorithm;
use rustls::crypto::hmac::{Hmac, Key, Tag};
use rustls::crypto::tls13::HkdfUsingHmac;
use rustls::{CipherSuiteCommon, SupportedCipherSuite, Tls13CipherSuite};

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

static HMAC_SHA256: AwsLcHmac = AwsLcHmac(&aws_lc_rs::hmac::HMAC_SHA256);
static HMAC_SHA384: AwsLcHmac = AwsLcHmac(&aws_lc_rs::hmac::HMAC_SHA384);
static HKDF_SHA256: HkdfUsingHmac<'static> = HkdfUsingHmac(&HMAC_SHA256);
static HKDF_SHA384: HkdfUsingHmac<'static> = HkdfUsingHmac(&HMAC_SHA384);

/// The rustls TLS 1.3 suite inside a `SupportedCipherSuite`.
const fn tls13_of(s: SupportedCipherSuite) -> &'static Tls13CipherSuite {
    match s {
        SupportedCipherSuite::Tls13(t) => t,
        SupportedCipherSuite::Tls12(_) => panic!("not a TLS 1.3 suite"),
    }
}

/// rustls' aws-lc-rs suite `base` with HKDF from `hkdf`.
const fn with_hkdf(base: SupportedCipherSuite, hkdf: &'static HkdfUsingHmac<'static>) -> Tls13CipherSuite {
    let b = tls13_of(base);
    Tls13CipherSuite {
        common: CipherSuiteCommon {
            suite: b.common.suite,
            hash_provider: b.common.hash_provider,
            confidentiality_limit: b.common.confidentiality_limit,
        },
        hkdf_provider: hkdf,
        aead_alg: b.aead_alg as &'static dyn Tls13AeadAlgorithm,
        quic: b.quic,
    }
}

static AES_128_GCM_SHA256: Tls13CipherSuite = with_hkdf(rs::TLS13_AES_128_GCM_SHA256, &HKDF_SHA256);
static AES_256_GCM_SHA384: Tls13CipherSuite = with_hkdf(rs::TLS13_AES_256_GCM_SHA384, &HKDF_SHA384);
static CHACHA20_POLY1305_SHA256: Tls13CipherSuite = with_hkdf(rs::TLS13_CHACHA20_POLY1305_SHA256, &HKDF_SHA256);

pub const TLS13_AES_128_GCM_SHA256: SupportedCipherSuite = SupportedCipherSuite::Tls13(&AES_128_GCM_SHA256);
pub const TLS13_AES_256_GCM_SHA384: SupportedCipherSuite = SupportedCipherSuite::Tls13(&AES_256_GCM_SHA384);
pub const TLS13_CHACHA20_POLY1305_SHA256: SupportedCipherSuite =
    SupportedCipherSuite::Tls13(&CHACHA20_POLY1305_SHA256);

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::crypto::tls13::Hkdf;

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
