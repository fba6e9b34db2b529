//! TEMPORARY stand-in until src/cipher.rs lands.
use std::ffi::CStr;
pub struct SslCipher { pub name: &'static CStr, pub protocol_id: u16, suite: rustls::SupportedCipherSuite }
impl SslCipher { pub fn suite(&self) -> rustls::SupportedCipherSuite { self.suite } }
use rustls::crypto::aws_lc_rs::cipher_suite as cs;
static ALL: once_cell::sync::Lazy<Vec<SslCipher>> = once_cell::sync::Lazy::new(|| vec![
    SslCipher { name: c"TLS_AES_256_GCM_SHA384", protocol_id: 0x1302, suite: cs::TLS13_AES_256_GCM_SHA384 },
    SslCipher { name: c"TLS_CHACHA20_POLY1305_SHA256", protocol_id: 0x1303, suite: cs::TLS13_CHACHA20_POLY1305_SHA256 },
    SslCipher { name: c"TLS_AES_128_GCM_SHA256", protocol_id: 0x1301, suite: cs::TLS13_AES_128_GCM_SHA256 },
    SslCipher { name: c"ECDHE-ECDSA-AES256-GCM-SHA384", protocol_id: 0xc02c, suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 },
    SslCipher { name: c"ECDHE-RSA-AES256-GCM-SHA384", protocol_id: 0xc030, suite: cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 },
    SslCipher { name: c"ECDHE-ECDSA-CHACHA20-POLY1305", protocol_id: 0xcca9, suite: cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 },
    SslCipher { name: c"ECDHE-RSA-CHACHA20-POLY1305", protocol_id: 0xcca8, suite: cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 },
    SslCipher { name: c"ECDHE-ECDSA-AES128-GCM-SHA256", protocol_id: 0xc02b, suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 },
    SslCipher { name: c"ECDHE-RSA-AES128-GCM-SHA256", protocol_id: 0xc02f, suite: cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 },
]);
pub fn default_tls13() -> Vec<&'static SslCipher> { ALL[..3].iter().collect() }
pub fn default_tls12() -> Vec<&'static SslCipher> { ALL[3..].iter().collect() }
pub fn by_suite(s: rustls::CipherSuite) -> Option<&'static SslCipher> { ALL.iter().find(|c| c.suite.suite() == s) }
pub fn parse_cipher_list(_s: &str) -> Result<Vec<&'static SslCipher>, ()> { Ok(default_tls12()) }
pub fn parse_ciphersuites(_s: &str) -> Result<Vec<&'static SslCipher>, ()> { Ok(default_tls13()) }
