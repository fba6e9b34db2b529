//! Key-exchange groups rustls' aws-lc provider lacks but aws-lc implements: P-521
//! (secp521r1), which OpenSSL 3.0 offers by default and which some programs configure
//! alone or first (`P-521:P-384`). Only the arithmetic is here; rustls runs the protocol.

use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use aws_lc_rs::rand::SystemRandom;
use rustls::crypto::{ActiveKeyExchange, SharedSecret, SupportedKxGroup};
use rustls::{Error, NamedGroup, PeerMisbehaved};

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
        let public = private.compute_public_key().map_err(|_| Error::General("ECDH public key".into()))?.as_ref().to_vec();
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
}
