//! Configuration operations: the `config` and `config_diff` targets decode their input
//! into a short program of these, run it on oxissl (in-process, through the C ABI) and,
//! for `config_diff`, on the system libssl (the C oracle, fuzz/oracle/config_oracle.c,
//! which runs the same program in its own process).
//!
//! Input: records `[op][flags][len][len bytes]`, at most [`MAX_OPS`].
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::ptr;

use oxissl::abi::{cipher, conf, ctrl, ctx, ssl};
use oxissl::abi::{SSL, SSL_CTX};

use crate::ffi::*;

pub const MAX_OPS: usize = 8;

/// The operations (the op byte modulo their number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    CtxCipherList = 0,
    CtxCiphersuites = 1,
    CtxGroupsList = 2,
    CtxSigalgsList = 3,
    CtxClientSigalgsList = 4,
    ConfCmd = 5,
    ConfArgv = 6,
    CtxAlpnProtos = 7,
    SslAlpnProtos = 8,
    SelectNextProto = 9,
    SslCipherList = 10,
    SslCiphersuites = 11,
    CtxMinProto = 12,
    CtxMaxProto = 13,
}
const NCODES: u8 = 14;

impl Code {
    fn from(b: u8) -> Code {
        // SAFETY: the value is below NCODES and Code is a dense repr(u8) enum.
        unsafe { std::mem::transmute::<u8, Code>(b % NCODES) }
    }
}

/// The command names of OpenSSL 3.0's SSL_CONF_cmd (oxissl's src/conf.rs COMMANDS: file
/// names and command-line names), then the command-line names with their `-`.
pub const CONF_NAMES: &[&str] = &[
    "no_ssl3",
    "no_tls1",
    "no_tls1_1",
    "no_tls1_2",
    "no_tls1_3",
    "bugs",
    "no_comp",
    "comp",
    "ecdh_single",
    "no_ticket",
    "serverpref",
    "legacy_renegotiation",
    "client_renegotiation",
    "legacy_server_connect",
    "no_legacy_server_connect",
    "no_etm",
    "no_renegotiation",
    "no_resumption_on_reneg",
    "allow_no_dhe_kex",
    "prioritize_chacha",
    "no_middlebox",
    "anti_replay",
    "no_anti_replay",
    "strict",
    "SignatureAlgorithms",
    "sigalgs",
    "ClientSignatureAlgorithms",
    "client_sigalgs",
    "Curves",
    "curves",
    "Groups",
    "groups",
    "ECDHParameters",
    "named_curve",
    "CipherString",
    "cipher",
    "Ciphersuites",
    "ciphersuites",
    "Protocol",
    "MinProtocol",
    "min_protocol",
    "MaxProtocol",
    "max_protocol",
    "Options",
    "VerifyMode",
    "Certificate",
    "cert",
    "PrivateKey",
    "key",
    "ServerInfoFile",
    "ChainCAPath",
    "chainCApath",
    "ChainCAFile",
    "chainCAfile",
    "ChainCAStore",
    "chainCAstore",
    "VerifyCAPath",
    "verifyCApath",
    "VerifyCAFile",
    "verifyCAfile",
    "VerifyCAStore",
    "verifyCAstore",
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
    "NumTickets",
    "num_tickets",
    // The `-` forms of the command-line names.
    "-no_ssl3",
    "-no_tls1",
    "-no_tls1_1",
    "-no_tls1_2",
    "-no_tls1_3",
    "-bugs",
    "-no_comp",
    "-comp",
    "-ecdh_single",
    "-no_ticket",
    "-serverpref",
    "-legacy_renegotiation",
    "-client_renegotiation",
    "-no_etm",
    "-legacy_server_connect",
    "-no_legacy_server_connect",
    "-no_renegotiation",
    "-no_resumption_on_reneg",
    "-allow_no_dhe_kex",
    "-prioritize_chacha",
    "-no_middlebox",
    "-anti_replay",
    "-no_anti_replay",
    "-strict",
    "-sigalgs",
    "-client_sigalgs",
    "-curves",
    "-groups",
    "-named_curve",
    "-cipher",
    "-ciphersuites",
    "-min_protocol",
    "-max_protocol",
    "-cert",
    "-key",
    "-chainCApath",
    "-chainCAfile",
    "-chainCAstore",
    "-verifyCApath",
    "-verifyCAfile",
    "-verifyCAstore",
    "-requestCAFile",
    "-requestCAStore",
    "-dhparam",
    "-record_padding",
    "-num_tickets",
];

/// The protocol versions the min/max operations set (the flags byte indexes this).
pub const VERSIONS: &[c_long] = &[0, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0305, 0xfeff, 0xfefd, 0x0100, -1];

/// One decoded operation; `a` and `b` are its (NUL-free) byte strings.
#[derive(Clone, Debug)]
pub struct Op {
    pub code: Code,
    pub flags: u8,
    pub a: Vec<u8>,
    pub b: Option<Vec<u8>>,
}

fn nul_free(b: &[u8]) -> Vec<u8> {
    b.iter().copied().take_while(|&c| c != 0).collect()
}

/// Decodes a fuzz input into operations.
pub fn parse(mut data: &[u8]) -> Vec<Op> {
    let mut ops = Vec::new();
    while data.len() >= 3 && ops.len() < MAX_OPS {
        let (code, flags, len) = (Code::from(data[0]), data[1], data[2] as usize);
        let body = &data[3..3 + len.min(data.len() - 3)];
        data = &data[3 + body.len()..];
        let op = match code {
            Code::ConfCmd => {
                // body: [name index][value]; index 255 (or past the table): "name=value" raw.
                let (idx, rest) = body.split_first().map_or((0, &[][..]), |(i, r)| (*i as usize, r));
                let (name, value) = if idx < CONF_NAMES.len() {
                    (CONF_NAMES[idx].as_bytes().to_vec(), nul_free(rest))
                } else {
                    let raw = nul_free(rest);
                    match raw.iter().position(|&c| c == b'=') {
                        Some(p) => (raw[..p].to_vec(), raw[p + 1..].to_vec()),
                        None => (raw, Vec::new()),
                    }
                };
                // flags bit 7: a NULL value.
                Op { code, flags, a: name, b: (flags & 0x80 == 0).then_some(value) }
            }
            Code::CtxAlpnProtos | Code::SslAlpnProtos => Op { code, flags, a: body.to_vec(), b: None },
            Code::SelectNextProto => {
                // body: [server list length][server list][client list]
                let (n, rest) = body.split_first().map_or((0, &[][..]), |(i, r)| (*i as usize, r));
                let n = n.min(rest.len());
                Op { code, flags, a: rest[..n].to_vec(), b: Some(rest[n..].to_vec()) }
            }
            _ => Op { code, flags, a: nul_free(body), b: None },
        };
        ops.push(op);
    }
    ops
}

/// The request the oracle reads: per op `[code][flags][u16 len a][a][u8 has b][u16 len b][b]`.
pub fn encode(ops: &[Op]) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(ops.len() as u8);
    for op in ops {
        out.push(op.code as u8);
        out.push(op.flags);
        out.extend_from_slice(&(op.a.len() as u16).to_le_bytes());
        out.extend_from_slice(&op.a);
        match &op.b {
            Some(b) => {
                out.push(1);
                out.extend_from_slice(&(b.len() as u16).to_le_bytes());
                out.extend_from_slice(b);
            }
            None => out.push(0),
        }
    }
    out
}

/// What a program did: each op's result and the state left behind. The oracle prints
/// the same lines for the system libssl.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// One line per op: its return value (and for SSL_select_next_proto the choice).
    pub results: Vec<String>,
    pub ctx_ciphers: Vec<String>,
    pub ssl_ciphers: Vec<String>,
    pub min_proto: i64,
    pub max_proto: i64,
    pub options: u64,
    pub groups: Vec<i32>,
}

impl Outcome {
    /// Parses the oracle's answer (see config_oracle.c).
    pub fn parse(text: &str) -> Outcome {
        let mut o = Outcome::default();
        for line in text.lines() {
            let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
            let list = |s: &str| s.split(':').filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
            match tag {
                "R" => o.results.push(rest.to_string()),
                "C" => o.ctx_ciphers = list(rest),
                "S" => o.ssl_ciphers = list(rest),
                "V" => {
                    let mut it = rest.split(' ');
                    o.min_proto = it.next().and_then(|x| x.parse().ok()).unwrap_or(-99);
                    o.max_proto = it.next().and_then(|x| x.parse().ok()).unwrap_or(-99);
                }
                "O" => o.options = u64::from_str_radix(rest, 16).unwrap_or(u64::MAX),
                "G" => o.groups = rest.split(':').filter(|x| !x.is_empty()).filter_map(|x| x.parse().ok()).collect(),
                _ => {}
            }
        }
        o
    }
}

fn c(bytes: &[u8]) -> CString {
    CString::new(nul_free(bytes)).unwrap()
}

fn sk_cipher_names(sk: *mut c_void) -> Vec<String> {
    let mut out = Vec::new();
    if sk.is_null() {
        return out;
    }
    // SAFETY: a STACK_OF(SSL_CIPHER) owned by the context/connection; each element is
    // a static SSL_CIPHER whose name is a static string.
    unsafe {
        for i in 0..OPENSSL_sk_num(sk) {
            let cph = OPENSSL_sk_value(sk, i) as *const oxissl::abi::SSL_CIPHER;
            let name = cipher::SSL_CIPHER_get_name(cph);
            if !name.is_null() {
                out.push(CStr::from_ptr(name).to_string_lossy().into_owned());
            }
        }
    }
    out
}

/// The session of one program on oxissl: a TLS_method context, and an SSL made from it
/// when an op needs one (or at the end, to read its state).
pub struct Program {
    pub ctx: *mut SSL_CTX,
    pub ssl: *mut SSL,
}

impl Program {
    pub fn new() -> Program {
        let ctx = ctx::SSL_CTX_new(ctx::TLS_method());
        assert!(!ctx.is_null());
        Program { ctx, ssl: ptr::null_mut() }
    }

    fn ssl(&mut self) -> *mut SSL {
        if self.ssl.is_null() {
            self.ssl = ssl::SSL_new(self.ctx);
            assert!(!self.ssl.is_null());
        }
        self.ssl
    }

    /// Runs one op; returns its result line.
    pub fn apply(&mut self, op: &Op) -> String {
        let a = c(&op.a);
        let r: c_long = match op.code {
            Code::CtxCipherList => ctx::SSL_CTX_set_cipher_list(self.ctx, a.as_ptr()) as c_long,
            Code::CtxCiphersuites => ctx::SSL_CTX_set_ciphersuites(self.ctx, a.as_ptr()) as c_long,
            Code::CtxGroupsList => ctrl::SSL_CTX_ctrl(self.ctx, SSL_CTRL_SET_GROUPS_LIST, 0, a.as_ptr() as *mut c_void),
            Code::CtxSigalgsList => {
                ctrl::SSL_CTX_ctrl(self.ctx, SSL_CTRL_SET_SIGALGS_LIST, 0, a.as_ptr() as *mut c_void)
            }
            Code::CtxClientSigalgsList => {
                ctrl::SSL_CTX_ctrl(self.ctx, SSL_CTRL_SET_CLIENT_SIGALGS_LIST, 0, a.as_ptr() as *mut c_void)
            }
            Code::ConfCmd => {
                let cctx = conf::SSL_CONF_CTX_new();
                conf::SSL_CONF_CTX_set_flags(cctx, (op.flags & 0x3f) as c_uint);
                conf::SSL_CONF_CTX_set_ssl_ctx(cctx, self.ctx);
                let value = op.b.as_ref().map(|b| c(b));
                let r = conf::SSL_CONF_cmd(cctx, a.as_ptr(), value.as_ref().map_or(ptr::null(), |v| v.as_ptr()));
                conf::SSL_CONF_CTX_finish(cctx);
                conf::SSL_CONF_CTX_free(cctx);
                r as c_long
            }
            Code::ConfArgv => {
                let cctx = conf::SSL_CONF_CTX_new();
                // SSL_CONF_cmd_argv needs the command-line syntax.
                conf::SSL_CONF_CTX_set_flags(cctx, ((op.flags & 0x3c) | 0x1) as c_uint);
                conf::SSL_CONF_CTX_set_ssl_ctx(cctx, self.ctx);
                let args: Vec<CString> = op.a.split(|&b| b == b' ').map(c).collect();
                let mut ptrs: Vec<*mut c_char> = args.iter().map(|s| s.as_ptr() as *mut c_char).collect();
                ptrs.push(ptr::null_mut());
                let mut argc = args.len() as c_int;
                let mut argv = ptrs.as_mut_ptr();
                let mut total = String::new();
                for _ in 0..8 {
                    if argc <= 0 {
                        break;
                    }
                    let r = conf::SSL_CONF_cmd_argv(cctx, &mut argc, &mut argv);
                    total.push_str(&format!("{r},{argc};"));
                    if r <= 0 {
                        break;
                    }
                }
                conf::SSL_CONF_CTX_finish(cctx);
                conf::SSL_CONF_CTX_free(cctx);
                return format!("argv {total}");
            }
            Code::CtxAlpnProtos => {
                ctx::SSL_CTX_set_alpn_protos(self.ctx, op.a.as_ptr(), op.a.len() as c_uint) as c_long
            }
            Code::SslAlpnProtos => {
                let s = self.ssl();
                ssl::SSL_set_alpn_protos(s, op.a.as_ptr(), op.a.len() as c_uint) as c_long
            }
            Code::SelectNextProto => {
                let client = op.b.as_deref().unwrap_or(&[]);
                let (mut out, mut outlen): (*mut c_uchar, c_uchar) = (ptr::null_mut(), 0);
                let r = ctx::SSL_select_next_proto(
                    &mut out,
                    &mut outlen,
                    op.a.as_ptr(),
                    op.a.len() as c_uint,
                    client.as_ptr(),
                    client.len() as c_uint,
                );
                let chosen = if out.is_null() {
                    "-".to_string()
                } else {
                    // SAFETY: the result points into one of our two lists, `outlen` bytes.
                    let sel = unsafe { std::slice::from_raw_parts(out, outlen as usize) };
                    hex(sel)
                };
                return format!("{r} {chosen}");
            }
            Code::SslCipherList => ssl::SSL_set_cipher_list(self.ssl(), a.as_ptr()) as c_long,
            Code::SslCiphersuites => ssl::SSL_set_ciphersuites(self.ssl(), a.as_ptr()) as c_long,
            Code::CtxMinProto | Code::CtxMaxProto => {
                let v = VERSIONS[op.flags as usize % VERSIONS.len()];
                let cmd = if op.code == Code::CtxMinProto {
                    SSL_CTRL_SET_MIN_PROTO_VERSION
                } else {
                    SSL_CTRL_SET_MAX_PROTO_VERSION
                };
                ctrl::SSL_CTX_ctrl(self.ctx, cmd, v, ptr::null_mut())
            }
        };
        clear_errors();
        r.to_string()
    }

    /// The state the program left behind.
    pub fn outcome(&mut self, results: Vec<String>) -> Outcome {
        let ctx_ciphers = sk_cipher_names(cipher::SSL_CTX_get_ciphers(self.ctx) as *mut c_void);
        let s = self.ssl();
        let mut ssl_ciphers = Vec::new();
        for i in 0..256 {
            let name = cipher::SSL_get_cipher_list(s, i);
            if name.is_null() {
                break;
            }
            // SAFETY: a static cipher name.
            ssl_ciphers.push(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned());
        }
        let min_proto = ctrl::SSL_CTX_ctrl(self.ctx, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, ptr::null_mut()) as i64;
        let max_proto = ctrl::SSL_CTX_ctrl(self.ctx, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, ptr::null_mut()) as i64;
        let options = ctx::SSL_CTX_get_options(self.ctx);
        let n = ctrl::SSL_ctrl(s, SSL_CTRL_GET_GROUPS, 0, ptr::null_mut());
        let mut groups = vec![0 as c_int; n.clamp(0, 64) as usize];
        if !groups.is_empty() {
            ctrl::SSL_ctrl(s, SSL_CTRL_GET_GROUPS, 0, groups.as_mut_ptr() as *mut c_void);
        }
        clear_errors();
        Outcome { results, ctx_ciphers, ssl_ciphers, min_proto, max_proto, options, groups }
    }
}

impl Default for Program {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        if !self.ssl.is_null() {
            ssl::SSL_free(self.ssl);
        }
        ctx::SSL_CTX_free(self.ctx);
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn clear_errors() {
    // SAFETY: libcrypto's thread error queue.
    unsafe { ERR_clear_error() };
}

/// Runs `ops` on oxissl.
pub fn run_oxissl(ops: &[Op]) -> Outcome {
    let mut p = Program::new();
    let results = ops.iter().map(|op| p.apply(op)).collect();
    p.outcome(results)
}
