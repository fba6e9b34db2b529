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

mod model;
mod rules;
mod table;

pub use rules::*;
pub use table::*;

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::os::raw::c_int;

    use rustls::{CipherSuite, SupportedCipherSuite};

    use super::model::*;
    use super::rules::DEFAULT_RULES;
    use super::HandshakeDigest::{Sha256, Sha384};
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
