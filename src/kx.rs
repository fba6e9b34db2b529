//! Key-exchange groups rustls' aws-lc provider lacks: P-521 (secp521r1, from aws-lc),
//! which OpenSSL 3.0 offers by default and which some programs configure alone or first
//! (`P-521:P-384`), and the RFC 7919 finite-field groups (ffdhe2048 … ffdhe8192, from
//! libcrypto) for TLS 1.3 and for a TLS 1.2 server's DHE suites. Only the arithmetic is
//! here; rustls runs the protocol.

use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use aws_lc_rs::rand::SystemRandom;
use std::ffi::CStr;

use rustls::crypto::{ActiveKeyExchange, SharedSecret, SupportedKxGroup};
use rustls::ffdhe_groups::{self, FfdheGroup};
use rustls::{Error, NamedGroup, PeerMisbehaved};

use crate::crypto::dh::DhKey;

/// An elliptic-curve Diffie-Hellman group of aws-lc's.
#[derive(Debug)]
pub struct EcdhGroup {
    name: NamedGroup,
    alg: &'static agreement::Algorithm,
}

/// secp521r1 (TLS codepoint 25).
pub static SECP521R1: &dyn SupportedKxGroup = &EcdhGroup { name: NamedGroup::secp521r1, alg: &agreement::ECDH_P521 };

struct EcdhExchange {
    name: NamedGroup,
    alg: &'static agreement::Algorithm,
    private: EphemeralPrivateKey,
    public: Vec<u8>,
}

impl SupportedKxGroup for EcdhGroup {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let rng = SystemRandom::new();
        let private = EphemeralPrivateKey::generate(self.alg, &rng).map_err(|_| Error::FailedToGetRandomBytes)?;
        let public =
            private.compute_public_key().map_err(|_| Error::General("ECDH public key".into()))?.as_ref().to_vec();
        Ok(Box::new(EcdhExchange { name: self.name, alg: self.alg, private, public }))
    }

    fn name(&self) -> NamedGroup {
        self.name
    }
}

impl ActiveKeyExchange for EcdhExchange {
    fn complete(self: Box<Self>, peer: &[u8]) -> Result<SharedSecret, Error> {
        // aws-lc checks that the peer's point is on the curve (and not the identity).
        let peer = UnparsedPublicKey::new(self.alg, peer);
        agreement::agree_ephemeral(self.private, peer, (), |secret| Ok(SharedSecret::from(secret)))
            .map_err(|()| PeerMisbehaved::InvalidKeyShare.into())
    }

    fn pub_key(&self) -> &[u8] {
        &self.public
    }

    fn group(&self) -> NamedGroup {
        self.name
    }
}

/// An RFC 7919 group: libcrypto's name for it and rustls' parameters (sent by a TLS 1.2
/// server in its ServerKeyExchange).
#[derive(Debug)]
pub struct Ffdhe {
    name: NamedGroup,
    libcrypto: &'static CStr,
    params: FfdheGroup<'static>,
}

pub static FFDHE2048: &dyn SupportedKxGroup =
    &Ffdhe { name: NamedGroup::FFDHE2048, libcrypto: c"ffdhe2048", params: ffdhe_groups::FFDHE2048 };
pub static FFDHE3072: &dyn SupportedKxGroup =
    &Ffdhe { name: NamedGroup::FFDHE3072, libcrypto: c"ffdhe3072", params: ffdhe_groups::FFDHE3072 };
pub static FFDHE4096: &dyn SupportedKxGroup =
    &Ffdhe { name: NamedGroup::FFDHE4096, libcrypto: c"ffdhe4096", params: ffdhe_groups::FFDHE4096 };
pub static FFDHE6144: &dyn SupportedKxGroup =
    &Ffdhe { name: NamedGroup::FFDHE6144, libcrypto: c"ffdhe6144", params: ffdhe_groups::FFDHE6144 };
pub static FFDHE8192: &dyn SupportedKxGroup =
    &Ffdhe { name: NamedGroup::FFDHE8192, libcrypto: c"ffdhe8192", params: ffdhe_groups::FFDHE8192 };

/// The RFC 7919 groups, smallest first.
pub fn ffdhe_groups() -> [&'static dyn SupportedKxGroup; 5] {
    [FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192]
}

struct FfdheExchange {
    name: NamedGroup,
    params: FfdheGroup<'static>,
    key: DhKey,
}

impl SupportedKxGroup for Ffdhe {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let key = DhKey::generate(self.libcrypto).ok_or_else(|| Error::General("FFDHE key generation".into()))?;
        Ok(Box::new(FfdheExchange { name: self.name, params: self.params, key }))
    }

    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        Some(self.params)
    }

    fn name(&self) -> NamedGroup {
        self.name
    }
}

impl ActiveKeyExchange for FfdheExchange {
    /// Padded to the prime's length (TLS 1.3); rustls strips the zeros for TLS 1.2.
    fn complete(self: Box<Self>, peer: &[u8]) -> Result<SharedSecret, Error> {
        let secret = self.key.agree(peer).ok_or(PeerMisbehaved::InvalidKeyShare)?;
        Ok(SharedSecret::from(&secret[..]))
    }

    fn pub_key(&self) -> &[u8] {
        self.key.public()
    }

    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        Some(self.params)
    }

    fn group(&self) -> NamedGroup {
        self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p521_agrees_and_refuses_bad_points() {
        let a = SECP521R1.start().expect("a");
        let b = SECP521R1.start().expect("b");
        assert_eq!(a.pub_key().len(), 133, "uncompressed P-521 point");
        let (a_pub, b_pub) = (a.pub_key().to_vec(), b.pub_key().to_vec());
        let s1 = a.complete(&b_pub).expect("a completes");
        let s2 = b.complete(&a_pub).expect("b completes");
        assert_eq!(s1.secret_bytes(), s2.secret_bytes());
        assert_eq!(s1.secret_bytes().len(), 66);
        let mut bad = a_pub.clone();
        bad[70] ^= 1; // off the curve
        assert!(SECP521R1.start().expect("c").complete(&bad).is_err());
        assert!(SECP521R1.start().expect("d").complete(&a_pub[..40]).is_err());
    }

    #[test]
    fn ffdhe_agrees_matches_rustls_params_and_refuses_bad_values() {
        let a = FFDHE2048.start().expect("a");
        let b = FFDHE2048.start().expect("b");
        assert_eq!(a.pub_key().len(), 256);
        // libcrypto's ffdhe2048 is RFC 7919's, as rustls has it.
        assert_eq!(FFDHE2048.ffdhe_group().expect("params").p.len(), 256);
        let (a_pub, b_pub) = (a.pub_key().to_vec(), b.pub_key().to_vec());
        let s1 = a.complete(&b_pub).expect("a completes");
        let s2 = b.complete(&a_pub).expect("b completes");
        assert_eq!(s1.secret_bytes(), s2.secret_bytes());
        assert_eq!(s1.secret_bytes().len(), 256);
        let one = {
            let mut v = vec![0u8; 256];
            v[255] = 1;
            v
        };
        let p = FFDHE2048.ffdhe_group().expect("params").p.to_vec();
        for bad in [vec![0u8; 256], one, p, a_pub[..128].to_vec()] {
            assert!(FFDHE2048.start().expect("c").complete(&bad).is_err());
        }
        assert_eq!(crate::crypto::err::peek(), 0, "nothing left on the error queue");
    }
}
