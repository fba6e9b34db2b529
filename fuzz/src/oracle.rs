//! The system libssl as an oracle for `config_diff`: fuzz/oracle/config_oracle.c in a
//! child process (started once, fed programs over a pipe), and the comparison of its
//! outcome with oxissl's.
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use crate::ops::{Code, Op, Outcome};

struct Oracle {
    _child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

static ORACLE: Mutex<Option<Oracle>> = Mutex::new(None);

fn start() -> Oracle {
    let path = std::env::var("OXISSL_FUZZ_ORACLE")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/fuzz/config-oracle").to_string());
    // The oracle must run on the system libssl: no loader variables, no sanitizer ones.
    let mut child = Command::new(&path)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LD_PRELOAD")
        .env_remove("ASAN_OPTIONS")
        .env_remove("LSAN_OPTIONS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the oracle {path} (tools/fuzz.sh build makes it): {e}"));
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    Oracle { _child: child, stdin, stdout }
}

/// Runs `ops` on the system libssl.
pub fn run(ops: &[Op]) -> Outcome {
    let mut guard = ORACLE.lock().unwrap();
    let o = guard.get_or_insert_with(start);
    let req = crate::ops::encode(ops);
    o.stdin.write_all(&(req.len() as u32).to_le_bytes()).expect("oracle died");
    o.stdin.write_all(&req).expect("oracle died");
    o.stdin.flush().unwrap();
    let mut len = [0u8; 4];
    o.stdout.read_exact(&mut len).expect("oracle died (crashed on this input?)");
    let mut text = vec![0u8; u32::from_le_bytes(len) as usize];
    o.stdout.read_exact(&mut text).expect("oracle died");
    Outcome::parse(&String::from_utf8_lossy(&text))
}

/// The suites oxissl implements: the lists are compared over these only, since OpenSSL
/// also lists suites rustls cannot negotiate.
pub const IMPLEMENTED_SUITES: &[&str] = &[
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
];

/// The groups oxissl implements that OpenSSL 3.0 also knows (NIDs: P-256, P-384, P-521,
/// X25519, ffdhe2048..ffdhe8192).
pub const IMPLEMENTED_GROUPS: &[i32] = &[415, 715, 716, 1034, 1126, 1127, 1128, 1129, 1130];

/// SSL_CONF commands oxissl recognises and fails naming themselves (src/conf.rs,
/// `Action::Unsupported`). README, "What works", Configuration commands: "a few commands
/// fail naming themselves: RequestCA*/ClientCA*, DHParameters, RecordPadding and
/// ServerInfoFile"; README, "Deliberate differences", Configuration strings: "the
/// SSL_CONF switch `strict` fails naming itself".
const UNSUPPORTED_CONF: &[&str] = &[
    "ServerInfoFile",
    "RequestCAFile",
    "requestCAFile",
    "ClientCAFile",
    "RequestCAPath",
    "ClientCAPath",
    "RequestCAStore",
    "requestCAStore",
    "ClientCAStore",
    "DHParameters",
    "dhparam",
    "RecordPadding",
    "record_padding",
    "strict",
];

fn conf_name_unsupported(name: &[u8]) -> bool {
    let n = String::from_utf8_lossy(name);
    let n = n.trim_start_matches('-');
    UNSUPPORTED_CONF.iter().any(|u| u.eq_ignore_ascii_case(n))
}

fn implemented(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in list {
        if !IMPLEMENTED_SUITES.contains(&n.as_str()) {
            continue;
        }
        // src/cipher.rs, parse_ciphersuites: "OpenSSL keeps duplicates; we keep the first
        // occurrence only" (README "What works", Settings: cipher lists with OpenSSL
        // cipher-string semantics "mapped to the suites rustls offers").
        if out.contains(n) {
            continue;
        }
        out.push(n.clone());
    }
    out
}

/// Whether a program must be compared at all, and which op results to skip: an op
/// whose difference the README names as deliberate makes everything after it
/// incomparable (the state may differ from then on).
fn comparable_prefix(ops: &[Op]) -> usize {
    // README, "Deliberate differences", Configuration strings: "group lists may name
    // X25519MLKEM768, which OpenSSL 3.0 refuses".
    let mlkem = |b: &[u8]| b.windows(14).any(|w| w == b"X25519MLKEM768");
    for (i, op) in ops.iter().enumerate() {
        let deliberate = match op.code {
            // README "What works", Configuration commands (see UNSUPPORTED_CONF).
            Code::ConfCmd => conf_name_unsupported(&op.a) || op.b.as_deref().is_some_and(mlkem),
            Code::ConfArgv => op.a.split(|&b| b == b' ').any(conf_name_unsupported) || mlkem(&op.a),
            Code::CtxGroupsList => mlkem(&op.a),
            _ => false,
        };
        if deliberate {
            return i;
        }
    }
    ops.len()
}

/// A TLS ≤ 1.2 suite named in a TLS 1.3 suite string: OpenSSL keeps it in the TLS 1.3
/// part of its list (and offers it), oxissl drops it (src/cipher.rs, parse_ciphersuites:
/// such names "count as matches here ... but add nothing"). The success of a later
/// SSL_CTX_set_cipher_list is compared; the resulting lists are not. README,
/// "Deliberate differences", Configuration strings.
fn tls12_suite_in_tls13_list(ops: &[Op]) -> bool {
    // TLS <= 1.2 suites' standard names all have "_WITH_"; TLS 1.3 ones do not.
    let names_one = |b: &[u8]| b.windows(6).any(|w| w == b"_WITH_");
    ops.iter().any(|op| {
        matches!(op.code, Code::CtxCiphersuites | Code::SslCiphersuites | Code::ConfCmd | Code::ConfArgv)
            && (names_one(&op.a) || op.b.as_deref().is_some_and(names_one))
    })
}

/// Ok when oxissl's outcome equals OpenSSL's after the README's deliberate differences.
pub fn compare(ops: &[Op], ours: &Outcome, theirs: &Outcome) -> Result<(), String> {
    let n = comparable_prefix(ops);
    for i in 0..n {
        let (a, b) = (ours.results.get(i), theirs.results.get(i));
        if a != b {
            return Err(format!("op {i} ({:?}): oxissl {a:?}, OpenSSL {b:?}", ops[i].code));
        }
    }
    if n < ops.len() {
        return Ok(());
    }
    let (oc, tc) = (implemented(&ours.ctx_ciphers), implemented(&theirs.ctx_ciphers));
    if oc != tc && !tls12_suite_in_tls13_list(ops) {
        return Err(format!("SSL_CTX_get_ciphers: oxissl {oc:?}, OpenSSL {tc:?}"));
    }
    let (os, ts) = (implemented(&ours.ssl_ciphers), implemented(&theirs.ssl_ciphers));
    if os != ts && !tls12_suite_in_tls13_list(ops) {
        return Err(format!("SSL_get_cipher_list: oxissl {os:?}, OpenSSL {ts:?}"));
    }
    if (ours.min_proto, ours.max_proto) != (theirs.min_proto, theirs.max_proto) {
        return Err(format!(
            "min/max version: oxissl {:#x}/{:#x}, OpenSSL {:#x}/{:#x}",
            ours.min_proto, ours.max_proto, theirs.min_proto, theirs.max_proto
        ));
    }
    if ours.options != theirs.options {
        return Err(format!("options: oxissl {:#x}, OpenSSL {:#x}", ours.options, theirs.options));
    }
    let groups = |g: &[i32]| g.iter().copied().filter(|x| IMPLEMENTED_GROUPS.contains(x)).collect::<Vec<_>>();
    let (og, tg) = (groups(&ours.groups), groups(&theirs.groups));
    if og != tg {
        return Err(format!("groups: oxissl {og:?}, OpenSSL {tg:?}"));
    }
    Ok(())
}
