//! record: writes the seed corpora (`tools/fuzz.sh record`).
//!
//! Runs in-process handshakes between an oxissl client and an oxissl server over memory
//! BIOs, configured exactly as the client and server targets configure them, at TLS 1.2
//! and 1.3: full, resumed by session ID / stateful ticket, resumed by ticket (the fixed
//! ticket keys of both ticket key callbacks), with ALPN, SNI (and the SNI switch to the
//! alt context), client certificates, OCSP stapling, HelloRetryRequest and callback
//! retries. Each side's flights go, framed as the targets parse them, to
//! fuzz/corpus/server (the client's flights) and fuzz/corpus/client (the server's);
//! the server sessions to fuzz/data/server-sessions (the server target's cache); client
//! and server sessions (DER, PEM) and setter scripts to fuzz/corpus/session; programs
//! made of OpenSSL's documented configuration strings to fuzz/corpus/config and
//! fuzz/corpus/config_diff.
use std::fs;
use std::path::{Path, PathBuf};
use std::ptr;

use openssl_sys as sys;
use oxissl::abi::session;
use oxissl::abi::SSL_SESSION;
use oxissl_fuzz::ops::{Code, CONF_NAMES};
use oxissl_fuzz::tls::{self, cconf, sconf, Endpoint, Transcript};

struct Out {
    root: PathBuf,
}

impl Out {
    fn write(&self, dir: &str, name: &str, bytes: &[u8]) {
        let d = self.root.join(dir);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join(name), bytes).unwrap();
    }
}

fn der(s: *mut SSL_SESSION) -> Vec<u8> {
    let n = session::i2d_SSL_SESSION(s, ptr::null_mut());
    assert!(n > 0);
    let mut buf = vec![0u8; n as usize];
    let mut p = buf.as_mut_ptr();
    session::i2d_SSL_SESSION(s, &mut p);
    buf
}

fn pem(s: *mut SSL_SESSION) -> Vec<u8> {
    // SAFETY: a memory BIO of ours, read back into a Vec.
    unsafe {
        let b = sys::BIO_new(sys::BIO_s_mem());
        assert_eq!(session::PEM_write_bio_SSL_SESSION(b, s), 1);
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = sys::BIO_read(b, buf.as_mut_ptr() as *mut _, buf.len() as i32);
            if n <= 0 {
                break;
            }
            out.extend_from_slice(&buf[..n as usize]);
        }
        oxissl_fuzz::ffi::BIO_free(b);
        out
    }
}

/// One connection; returns (finished, transcript, client session, server session).
fn connect(
    cc: [u8; 2],
    sc: [u8; 2],
    offer: *mut SSL_SESSION,
) -> (bool, Transcript, *mut SSL_SESSION, *mut SSL_SESSION) {
    let server = tls::server_endpoint(sc);
    let client: Endpoint = tls::client_endpoint(cc, offer);
    let mut t = Transcript::default();
    let ok = tls::handshake(&client, &server, &mut t, cc, sc);
    let reused = session::SSL_session_reused(server.ssl);
    if ok {
        tls::shutdown(&client, &server, &mut t);
    }
    let cs = session::SSL_get1_session(client.ssl);
    let ss = session::SSL_get1_session(server.ssl);
    eprintln!(
        "  handshake {}, resumed {reused}, {} client / {} server flights",
        if ok { "ok" } else { "FAILED" },
        t.client.len(),
        t.server.len()
    );
    (ok, t, cs, ss)
}

fn seed(conf: [u8; 2], flights: &[Vec<u8>]) -> Vec<u8> {
    let mut v = conf.to_vec();
    v.extend_from_slice(&oxissl_fuzz::frame_flights(flights));
    v
}

fn free(s: *mut SSL_SESSION) {
    if !s.is_null() {
        session::SSL_SESSION_free(s);
    }
}

fn record_tls(out: &Out) {
    struct Scenario {
        name: &'static str,
        cc: [u8; 2],
        sc: [u8; 2],
        resume: bool,
    }
    let (v12, v13) = (1u8, 2u8);
    let list = [
        Scenario { name: "tls13-full", cc: [v13 | cconf::STATUS, 0], sc: [0, 0], resume: false },
        Scenario { name: "tls12-full", cc: [v12 | cconf::STATUS, 0], sc: [v12, 0], resume: false },
        Scenario { name: "tls13-ticket", cc: [v13 | cconf::RESUME, 0], sc: [0, 0], resume: true },
        Scenario { name: "tls13-stateful", cc: [v13 | cconf::RESUME, 0], sc: [sconf::NO_TICKET, 0], resume: true },
        Scenario { name: "tls12-id", cc: [v12 | cconf::RESUME, 0], sc: [v12 | sconf::NO_TICKET, 0], resume: true },
        Scenario { name: "tls12-ticket", cc: [v12 | cconf::RESUME | cconf::STATUS, 0], sc: [v12, 0], resume: true },
        Scenario { name: "tls13-sni-alt", cc: [v13 | cconf::SNI_ALT | cconf::STATUS, 0], sc: [0, 0], resume: false },
        Scenario { name: "tls12-sni-alt", cc: [v12 | cconf::SNI_ALT, 0], sc: [v12, 0], resume: false },
        Scenario {
            name: "tls13-alt-evp-ticket",
            cc: [v13 | cconf::RESUME, 0],
            sc: [sconf::START_ALT, 0],
            resume: true,
        },
        Scenario {
            name: "tls12-alt-evp-ticket",
            cc: [v12 | cconf::RESUME, 0],
            sc: [v12 | sconf::START_ALT, 0],
            resume: true,
        },
        Scenario { name: "tls13-hrr", cc: [v13, 0], sc: [0, sconf::P256_ONLY], resume: false },
        Scenario { name: "tls13-p384", cc: [v13, cconf::P384_FIRST], sc: [0, 0], resume: false },
        Scenario { name: "tls13-hello-cb-retry", cc: [v13, 0], sc: [sconf::HELLO_RETRY, 0], resume: false },
        Scenario { name: "tls13-cert-cb-retry", cc: [v13, 0], sc: [0, sconf::CERT_CB_RETRY], resume: false },
        Scenario { name: "tls12-no-client-cert", cc: [v12, cconf::NO_CLIENT_CERT], sc: [v12, 0], resume: false },
        Scenario {
            name: "tls13-client-cert-required",
            cc: [v13, cconf::NO_CLIENT_CERT],
            sc: [sconf::FAIL_IF_NO_PEER_CERT, 0],
            resume: false,
        },
        Scenario { name: "tls12-rsa", cc: [v12, cconf::RSA_SIGALGS], sc: [v12, 0], resume: false },
        Scenario { name: "tls13-rsa", cc: [v13, cconf::RSA_SIGALGS], sc: [0, sconf::NO_VERIFY], resume: false },
        Scenario {
            name: "tls12-narrow",
            cc: [v12 | cconf::NO_ALPN, 0],
            sc: [v12, sconf::NARROW_SUITES | sconf::SERVER_PREF],
            resume: false,
        },
        Scenario {
            name: "tls13-early-api",
            cc: [v13 | cconf::NO_ALPN, 0],
            sc: [sconf::EARLY_DATA_API | sconf::PEEK, sconf::READ_AHEAD | sconf::NARROW_SUITES],
            resume: false,
        },
    ];
    let mut n_sess = 0;
    for sc in &list {
        eprintln!("{}:", sc.name);
        let (ok, t, cs, ss) = connect(sc.cc, sc.sc, ptr::null_mut());
        let full_name = if sc.resume { format!("{}-first", sc.name) } else { sc.name.to_string() };
        out.write("corpus/server", &full_name, &seed(sc.sc, &t.client));
        out.write("corpus/client", &full_name, &seed([sc.cc[0] & !cconf::RESUME, sc.cc[1]], &t.server));
        if ok && !ss.is_null() {
            n_sess += 1;
            out.write("data/server-sessions", &format!("{}.der", sc.name), &der(ss));
            out.write("corpus/session", &format!("{}-server.der", sc.name), &der(ss));
        }
        if ok && !cs.is_null() && !sc.resume {
            out.write("corpus/session", &format!("{}-client.der", sc.name), &der(cs));
            out.write("corpus/session", &format!("{}-client.pem", sc.name), &pem(cs));
            if !ss.is_null() {
                out.write("corpus/session", &format!("{}-server.pem", sc.name), &pem(ss));
            }
        }
        if sc.resume && ok {
            eprintln!("  resumed:");
            let (ok2, t2, cs2, ss2) = connect(sc.cc, sc.sc, cs);
            assert!(ok2, "{}: resumption handshake failed", sc.name);
            out.write("corpus/server", sc.name, &seed(sc.sc, &t2.client));
            out.write("corpus/client", sc.name, &seed(sc.cc, &t2.server));
            free(cs2);
            free(ss2);
        }
        free(cs);
        free(ss);
        tls::clear_errors();
    }
    eprintln!("{n_sess} server sessions recorded");
}

fn record_session_scripts(out: &Out) {
    // 'S', selector (bit 0 TLS 1.2, bit 1 no tickets, bit 2 server side), then setters
    // [op][len][bytes] (fuzz_targets/session.rs).
    let scripts: &[(&str, &[u8])] = &[
        ("script-tls13-plain", b"S\x00"),
        ("script-tls12-plain", b"S\x01"),
        ("script-tls12-id-hostname", b"S\x03\x02\x0bexample.org"),
        ("script-tls13-alpn-time", b"S\x00\x03\x02h2\x05\x04\x00\x00\x00\x01\x06\x01\x05"),
        ("script-tls12-cipher-version", b"S\x01\x08\x02\xc0\x2b\x07\x02\x03\x04"),
        ("script-tls13-dup-reencode", b"S\x00\x0b\x00\x0c\x00\x0a\x03abc"),
        ("script-server-sidctx", b"S\x05\x01\x05other\x0d\x00"),
        (
            "script-tls12-master-id",
            b"S\x01\x04\x30AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00\x20BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        ),
    ];
    for (name, s) in scripts {
        out.write("corpus/session", name, s);
    }
}

fn record_config(out: &Out) {
    fn op(code: Code, flags: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![code as u8, flags, body.len() as u8];
        v.extend_from_slice(body);
        v
    }
    fn conf(flags: u8, name: &str, value: &str) -> Vec<u8> {
        let idx = CONF_NAMES.iter().position(|n| *n == name).expect("name in CONF_NAMES") as u8;
        let mut body = vec![idx];
        body.extend_from_slice(value.as_bytes());
        op(Code::ConfCmd, flags, &body)
    }
    const FILE: u8 = 0x2;
    const CMDLINE: u8 = 0x1;
    const CLIENT: u8 = 0x4;
    const SERVER: u8 = 0x8;
    const CERT: u8 = 0x20;
    // Strings from OpenSSL's documentation (ciphers(1), SSL_CTX_set1_groups_list(3),
    // SSL_CTX_set1_sigalgs_list(3), SSL_CONF_cmd(3), SSL_CTX_set_alpn_protos(3)).
    let programs: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("cipher-default", vec![op(Code::CtxCipherList, 0, b"DEFAULT")]),
        ("cipher-high", vec![op(Code::CtxCipherList, 0, b"HIGH:!aNULL:!MD5")]),
        ("cipher-ecdhe-aesgcm", vec![op(Code::CtxCipherList, 0, b"ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL")]),
        ("cipher-all-seclevel0", vec![op(Code::CtxCipherList, 0, b"ALL:@SECLEVEL=0")]),
        ("cipher-strength", vec![op(Code::CtxCipherList, 0, b"kEECDH+aECDSA:kEECDH+aRSA:@STRENGTH")]),
        ("cipher-suiteb", vec![op(Code::CtxCipherList, 0, b"SUITEB128")]),
        ("cipher-only-missing", vec![op(Code::CtxCipherList, 0, b"AES128-SHA")]),
        ("cipher-none", vec![op(Code::CtxCipherList, 0, b"!ALL")]),
        (
            "cipher-plus-minus",
            vec![op(
                Code::CtxCipherList,
                0,
                b"ECDHE-RSA-AES128-GCM-SHA256:+ECDHE-RSA-AES128-GCM-SHA256:-CHACHA20:ALL:!COMPLEMENTOFDEFAULT",
            )],
        ),
        ("cipher-hybrid", vec![op(Code::CtxCipherList, 0, b"TLSv1.2:!kRSA:@SECLEVEL=2")]),
        (
            "ciphersuites",
            vec![
                op(Code::CtxCiphersuites, 0, b"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"),
                op(Code::SslCiphersuites, 0, b"TLS_AES_256_GCM_SHA384:TLS_AES_256_GCM_SHA384"),
            ],
        ),
        ("ciphersuites-ccm", vec![op(Code::CtxCiphersuites, 0, b"TLS_AES_128_CCM_SHA256")]),
        ("ciphersuites-empty", vec![op(Code::CtxCiphersuites, 0, b"")]),
        ("groups", vec![op(Code::CtxGroupsList, 0, b"X25519:P-256:secp384r1")]),
        ("groups-missing", vec![op(Code::CtxGroupsList, 0, b"P-521:ffdhe2048:x448")]),
        ("groups-mlkem", vec![op(Code::CtxGroupsList, 0, b"X25519MLKEM768:X25519")]),
        ("groups-dup", vec![op(Code::CtxGroupsList, 0, b"P-256:prime256v1")]),
        ("sigalgs", vec![op(Code::CtxSigalgsList, 0, b"ECDSA+SHA256:RSA-PSS+SHA256:ed25519")]),
        (
            "sigalgs-tls13",
            vec![op(Code::CtxSigalgsList, 0, b"rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256:rsa_pkcs1_sha1")],
        ),
        ("client-sigalgs", vec![op(Code::CtxClientSigalgsList, 0, b"RSA+SHA256:ECDSA+SHA384")]),
        (
            "conf-file",
            vec![
                conf(FILE | SERVER | CERT, "CipherString", "ECDHE+AESGCM"),
                conf(FILE | SERVER, "Ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"),
                conf(FILE, "MinProtocol", "TLSv1.2"),
                conf(FILE, "MaxProtocol", "TLSv1.3"),
                conf(FILE | SERVER, "Options", "ServerPreference,-SessionTicket,PrioritizeChaCha"),
                conf(FILE, "Groups", "X25519:P-256"),
                conf(FILE, "SignatureAlgorithms", "ECDSA+SHA256:rsa_pss_rsae_sha256"),
            ],
        ),
        (
            "conf-protocol",
            vec![conf(FILE | CLIENT, "Protocol", "-ALL,TLSv1.2"), conf(FILE | SERVER, "NumTickets", "3")],
        ),
        ("conf-verifymode", vec![conf(FILE | SERVER, "VerifyMode", "Peer,Request,Once")]),
        (
            "conf-cmdline",
            vec![
                conf(CMDLINE | SERVER, "-cipher", "HIGH"),
                conf(CMDLINE, "-no_tls1_3", ""),
                conf(CMDLINE | CLIENT, "-min_protocol", "TLSv1.2"),
                conf(CMDLINE | SERVER, "-serverpref", ""),
            ],
        ),
        ("conf-unknown", vec![op(Code::ConfCmd, FILE, b"\xffNoSuchCommand=1")]),
        ("conf-curves", vec![conf(FILE | CLIENT, "Curves", "P-384:X25519"), conf(FILE, "ECDHParameters", "auto")]),
        ("argv", vec![op(Code::ConfArgv, SERVER, b"-cipher HIGH -min_protocol TLSv1.2 -no_ticket")]),
        ("alpn", vec![op(Code::CtxAlpnProtos, 0, b"\x02h2\x08http/1.1"), op(Code::SslAlpnProtos, 0, b"\x08http/1.1")]),
        ("alpn-bad", vec![op(Code::CtxAlpnProtos, 0, b"\x05h2"), op(Code::SslAlpnProtos, 0, b"")]),
        ("select-next-proto", vec![op(Code::SelectNextProto, 0, b"\x0c\x02h2\x08http/1.1\x08http/1.1\x06spdy/3")]),
        ("select-no-overlap", vec![op(Code::SelectNextProto, 0, b"\x03\x02h2\x06spdy/3")]),
        ("versions", vec![op(Code::CtxMinProto, 4, b""), op(Code::CtxMaxProto, 5, b"")]),
        ("versions-bad", vec![op(Code::CtxMinProto, 7, b""), op(Code::CtxMaxProto, 2, b"")]),
        (
            "mixed",
            vec![
                op(Code::CtxCiphersuites, 0, b"TLS_AES_256_GCM_SHA384"),
                op(Code::SslCipherList, 0, b"ECDHE-ECDSA-CHACHA20-POLY1305"),
                op(Code::CtxCipherList, 0, b"ECDHE-RSA-AES256-GCM-SHA384"),
            ],
        ),
    ];
    for (name, ops) in &programs {
        let bytes: Vec<u8> = ops.concat();
        out.write("corpus/config", name, &bytes);
        out.write("corpus/config_diff", name, &bytes);
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf());
    let root = if root.ends_with("corpus") { root.parent().unwrap().to_path_buf() } else { root };
    let out = Out { root };
    for d in [
        "corpus/server",
        "corpus/client",
        "corpus/session",
        "corpus/config",
        "corpus/config_diff",
        "data/server-sessions",
    ] {
        let _ = fs::remove_dir_all(out.root.join(d));
    }
    record_tls(&out);
    record_session_scripts(&out);
    record_config(&out);
    eprintln!("seeds written under {}", out.root.display());
}
