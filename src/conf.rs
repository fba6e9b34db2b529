//! `SSL_CONF_CTX`: OpenSSL's configuration commands (command-line switches such as
//! `-cipher` or `-no_tls1_3`, and configuration-file keys such as `CipherString`),
//! applied to an `SSL_CTX` or an `SSL` through the same setters as the C API.
//!
//! A command is looked up by its command-line name (with `SSL_CONF_FLAG_CMDLINE`, after
//! the `-` or the prefix) or its file name (with `SSL_CONF_FLAG_FILE`, case-insensitive),
//! among the commands the context's flags allow (client, server, certificate). Results
//! follow `SSL_CONF_cmd(3)`: 1 or 2 (arguments used), 0 (recognised, but the value was
//! refused), -2 (not recognised), -3 (a value is missing).
//!
//! The context refers to its target weakly: as in OpenSSL it does not keep the `SSL_CTX`
//! or `SSL` alive, and a target freed before the commands run is simply gone (the commands
//! then succeed without effect, as with no target at all).

use std::ffi::{CStr, CString};
use std::sync::{Arc, Mutex, Weak};

use crate::conn::Ssl;
use crate::ctx::{self, Settings, SslCtx};
use crate::error;
use crate::keys;

pub const FLAG_CMDLINE: u32 = 0x1;
pub const FLAG_FILE: u32 = 0x2;
pub const FLAG_CLIENT: u32 = 0x4;
pub const FLAG_SERVER: u32 = 0x8;
pub const FLAG_SHOW_ERRORS: u32 = 0x10;
pub const FLAG_CERTIFICATE: u32 = 0x20;
pub const FLAG_REQUIRE_PRIVATE: u32 = 0x40;

/// `SSL_FILETYPE_PEM`.
const FILETYPE_PEM: std::os::raw::c_int = 1;

pub const TYPE_UNKNOWN: i32 = 0;
pub const TYPE_STRING: i32 = 1;
pub const TYPE_FILE: i32 = 2;
pub const TYPE_DIR: i32 = 3;
pub const TYPE_NONE: i32 = 4;
pub const TYPE_STORE: i32 = 5;

const fn bit(n: u32) -> u64 {
    1 << n
}
const OP_LEGACY_SERVER_CONNECT: u64 = bit(2);
const OP_TLSEXT_PADDING: u64 = bit(4);
const OP_SAFARI_ECDHE_ECDSA_BUG: u64 = bit(6);
const OP_ALLOW_NO_DHE_KEX: u64 = bit(10);
const OP_DONT_INSERT_EMPTY_FRAGMENTS: u64 = bit(11);
const OP_NO_TICKET: u64 = bit(14);
const OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION: u64 = bit(16);
const OP_NO_COMPRESSION: u64 = bit(17);
const OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION: u64 = bit(18);
const OP_NO_ENCRYPT_THEN_MAC: u64 = bit(19);
const OP_ENABLE_MIDDLEBOX_COMPAT: u64 = bit(20);
const OP_PRIORITIZE_CHACHA: u64 = bit(21);
const OP_CIPHER_SERVER_PREFERENCE: u64 = bit(22);
const OP_NO_ANTI_REPLAY: u64 = bit(24);
const OP_NO_SSLV3: u64 = bit(25);
const OP_NO_TLSV1: u64 = bit(26);
const OP_NO_TLSV1_2: u64 = bit(27);
const OP_NO_TLSV1_1: u64 = bit(28);
const OP_NO_TLSV1_3: u64 = bit(29);
const OP_NO_RENEGOTIATION: u64 = bit(30);
const OP_CRYPTOPRO_TLSEXT_BUG: u64 = bit(31);
const OP_NO_EXTENDED_MASTER_SECRET: u64 = bit(0);
// OpenSSL 3.0's SSL_OP_ALL (0x80000850): without SSL_OP_LEGACY_SERVER_CONNECT since 3.0.
const OP_ALL: u64 =
    OP_CRYPTOPRO_TLSEXT_BUG | OP_DONT_INSERT_EMPTY_FRAGMENTS | OP_TLSEXT_PADDING | OP_SAFARI_ECDHE_ECDSA_BUG;
const OP_ENABLE_KTLS: u64 = bit(3);
const OP_ALLOW_CLIENT_RENEGOTIATION: u64 = bit(8);
const OP_DISABLE_TLSEXT_CA_NAMES: u64 = bit(9);

/// What a command does.
#[derive(Clone, Copy)]
enum Action {
    /// A switch: sets (or, `invert`, clears) option bits.
    Option {
        bits: u64,
        invert: bool,
    },
    CipherString,
    Ciphersuites,
    Groups,
    EcdhParameters,
    Sigalgs,
    MinProtocol,
    MaxProtocol,
    Protocol,
    Options,
    VerifyMode,
    Certificate,
    PrivateKey,
    NumTickets,
    /// Loads into the connection's (or context's) verify store (`verify`) or chain store,
    /// made on first use: a file, a directory or a store URI.
    CaStore {
        verify: bool,
        source: CaSource,
    },
    /// Recognised, but oxissl has no equivalent: the command fails naming itself.
    Unsupported,
}

/// Where a `ChainCA*`/`VerifyCA*` command loads certificates from.
#[derive(Clone, Copy)]
enum CaSource {
    File,
    Dir,
    Store,
}

struct Command {
    /// Configuration-file name (None: command line only).
    file: Option<&'static str>,
    /// Command-line name, without the `-` (None: file only).
    cmdline: Option<&'static str>,
    /// FLAG_CLIENT / FLAG_SERVER / FLAG_CERTIFICATE: where the command is allowed.
    flags: u32,
    value_type: i32,
    action: Action,
}

const fn switch(name: &'static str, flags: u32, bits: u64, invert: bool) -> Command {
    Command { file: None, cmdline: Some(name), flags, value_type: TYPE_NONE, action: Action::Option { bits, invert } }
}

const fn cmd(
    file: Option<&'static str>,
    cmdline: Option<&'static str>,
    flags: u32,
    value_type: i32,
    action: Action,
) -> Command {
    Command { file, cmdline, flags, value_type, action }
}

/// The commands of OpenSSL 3.0's `SSL_CONF_cmd(3)`.
static COMMANDS: &[Command] = &[
    switch("no_ssl3", 0, OP_NO_SSLV3, false),
    switch("no_tls1", 0, OP_NO_TLSV1, false),
    switch("no_tls1_1", 0, OP_NO_TLSV1_1, false),
    switch("no_tls1_2", 0, OP_NO_TLSV1_2, false),
    switch("no_tls1_3", 0, OP_NO_TLSV1_3, false),
    switch("bugs", 0, OP_ALL, false),
    switch("no_comp", 0, OP_NO_COMPRESSION, false),
    switch("comp", 0, OP_NO_COMPRESSION, true),
    switch("ecdh_single", FLAG_SERVER, 0, false),
    switch("no_ticket", 0, OP_NO_TICKET, false),
    switch("serverpref", FLAG_SERVER, OP_CIPHER_SERVER_PREFERENCE, false),
    switch("legacy_renegotiation", 0, OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION, false),
    switch("client_renegotiation", FLAG_SERVER, OP_ALLOW_CLIENT_RENEGOTIATION, false),
    switch("legacy_server_connect", FLAG_CLIENT, OP_LEGACY_SERVER_CONNECT, false),
    switch("no_legacy_server_connect", FLAG_CLIENT, OP_LEGACY_SERVER_CONNECT, true),
    switch("no_renegotiation", 0, OP_NO_RENEGOTIATION, false),
    switch("no_resumption_on_reneg", FLAG_SERVER, OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION, false),
    switch("allow_no_dhe_kex", 0, OP_ALLOW_NO_DHE_KEX, false),
    switch("prioritize_chacha", FLAG_SERVER, OP_PRIORITIZE_CHACHA, false),
    switch("no_middlebox", 0, OP_ENABLE_MIDDLEBOX_COMPAT, true),
    switch("anti_replay", FLAG_SERVER, OP_NO_ANTI_REPLAY, true),
    switch("no_anti_replay", FLAG_SERVER, OP_NO_ANTI_REPLAY, false),
    switch("no_etm", 0, OP_NO_ENCRYPT_THEN_MAC, false),
    cmd(None, Some("strict"), 0, TYPE_NONE, Action::Unsupported),
    cmd(Some("SignatureAlgorithms"), Some("sigalgs"), 0, TYPE_STRING, Action::Sigalgs),
    cmd(Some("ClientSignatureAlgorithms"), Some("client_sigalgs"), 0, TYPE_STRING, Action::Sigalgs),
    cmd(Some("Curves"), Some("curves"), 0, TYPE_STRING, Action::Groups),
    cmd(Some("Groups"), Some("groups"), 0, TYPE_STRING, Action::Groups),
    cmd(Some("ECDHParameters"), Some("named_curve"), FLAG_SERVER, TYPE_STRING, Action::EcdhParameters),
    cmd(Some("CipherString"), Some("cipher"), 0, TYPE_STRING, Action::CipherString),
    cmd(Some("Ciphersuites"), Some("ciphersuites"), 0, TYPE_STRING, Action::Ciphersuites),
    cmd(Some("Protocol"), None, 0, TYPE_STRING, Action::Protocol),
    cmd(Some("MinProtocol"), Some("min_protocol"), 0, TYPE_STRING, Action::MinProtocol),
    cmd(Some("MaxProtocol"), Some("max_protocol"), 0, TYPE_STRING, Action::MaxProtocol),
    cmd(Some("Options"), None, 0, TYPE_STRING, Action::Options),
    cmd(Some("VerifyMode"), None, 0, TYPE_STRING, Action::VerifyMode),
    cmd(Some("Certificate"), Some("cert"), FLAG_CERTIFICATE, TYPE_FILE, Action::Certificate),
    cmd(Some("PrivateKey"), Some("key"), FLAG_CERTIFICATE, TYPE_FILE, Action::PrivateKey),
    cmd(Some("ServerInfoFile"), None, FLAG_SERVER | FLAG_CERTIFICATE, TYPE_FILE, Action::Unsupported),
    cmd(
        Some("ChainCAPath"),
        Some("chainCApath"),
        FLAG_CERTIFICATE,
        TYPE_DIR,
        Action::CaStore { verify: false, source: CaSource::Dir },
    ),
    cmd(
        Some("ChainCAFile"),
        Some("chainCAfile"),
        FLAG_CERTIFICATE,
        TYPE_FILE,
        Action::CaStore { verify: false, source: CaSource::File },
    ),
    cmd(
        Some("ChainCAStore"),
        Some("chainCAstore"),
        FLAG_CERTIFICATE,
        TYPE_STORE,
        Action::CaStore { verify: false, source: CaSource::Store },
    ),
    cmd(
        Some("VerifyCAPath"),
        Some("verifyCApath"),
        FLAG_CERTIFICATE,
        TYPE_DIR,
        Action::CaStore { verify: true, source: CaSource::Dir },
    ),
    cmd(
        Some("VerifyCAFile"),
        Some("verifyCAfile"),
        FLAG_CERTIFICATE,
        TYPE_FILE,
        Action::CaStore { verify: true, source: CaSource::File },
    ),
    cmd(
        Some("VerifyCAStore"),
        Some("verifyCAstore"),
        FLAG_CERTIFICATE,
        TYPE_STORE,
        Action::CaStore { verify: true, source: CaSource::Store },
    ),
    cmd(Some("RequestCAFile"), Some("requestCAFile"), FLAG_CERTIFICATE, TYPE_FILE, Action::Unsupported),
    cmd(Some("ClientCAFile"), None, FLAG_SERVER | FLAG_CERTIFICATE, TYPE_FILE, Action::Unsupported),
    cmd(Some("RequestCAPath"), None, FLAG_CERTIFICATE, TYPE_DIR, Action::Unsupported),
    cmd(Some("ClientCAPath"), None, FLAG_SERVER | FLAG_CERTIFICATE, TYPE_DIR, Action::Unsupported),
    cmd(Some("RequestCAStore"), Some("requestCAStore"), FLAG_CERTIFICATE, TYPE_STORE, Action::Unsupported),
    cmd(Some("ClientCAStore"), None, FLAG_SERVER | FLAG_CERTIFICATE, TYPE_STORE, Action::Unsupported),
    cmd(Some("DHParameters"), Some("dhparam"), FLAG_SERVER | FLAG_CERTIFICATE, TYPE_FILE, Action::Unsupported),
    cmd(Some("RecordPadding"), Some("record_padding"), 0, TYPE_STRING, Action::Unsupported),
    cmd(Some("NumTickets"), Some("num_tickets"), FLAG_SERVER, TYPE_STRING, Action::NumTickets),
];

/// Where a name of the `Options`/`VerifyMode`/`Protocol` lists applies: the
/// `SSL_CONF_CTX` must have one of these flags (OpenSSL's SSL_TFLAG_CLIENT/SERVER/BOTH;
/// a context with neither flag matches no name at all).
const BOTH: u32 = FLAG_CLIENT | FLAG_SERVER;

/// Names of the `Options` command: (name, bits, invert, roles).
static OPTION_NAMES: &[(&str, u64, bool, u32)] = &[
    ("SessionTicket", OP_NO_TICKET, true, BOTH),
    ("EmptyFragments", OP_DONT_INSERT_EMPTY_FRAGMENTS, true, BOTH),
    ("Bugs", OP_ALL, false, BOTH),
    ("Compression", OP_NO_COMPRESSION, true, BOTH),
    ("ServerPreference", OP_CIPHER_SERVER_PREFERENCE, false, FLAG_SERVER),
    ("NoResumptionOnRenegotiation", OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION, false, FLAG_SERVER),
    ("DHSingle", 0, false, FLAG_SERVER),
    ("ECDHSingle", 0, false, FLAG_SERVER),
    ("UnsafeLegacyRenegotiation", OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION, false, BOTH),
    ("UnsafeLegacyServerConnect", OP_LEGACY_SERVER_CONNECT, false, BOTH),
    ("NoRenegotiation", OP_NO_RENEGOTIATION, false, BOTH),
    ("EncryptThenMac", OP_NO_ENCRYPT_THEN_MAC, true, BOTH),
    ("AllowNoDHEKEX", OP_ALLOW_NO_DHE_KEX, false, BOTH),
    ("PrioritizeChaCha", OP_PRIORITIZE_CHACHA, false, BOTH),
    ("MiddleboxCompat", OP_ENABLE_MIDDLEBOX_COMPAT, false, BOTH),
    ("AntiReplay", OP_NO_ANTI_REPLAY, true, BOTH),
    ("ExtendedMasterSecret", OP_NO_EXTENDED_MASTER_SECRET, true, BOTH),
    ("CANames", OP_DISABLE_TLSEXT_CA_NAMES, true, BOTH),
    ("KTLS", OP_ENABLE_KTLS, false, BOTH),
];

/// Names of the `Protocol` command and the option bit that disables each.
static PROTOCOL_NAMES: &[(&str, u64)] = &[
    ("SSLv2", 0),
    ("SSLv3", OP_NO_SSLV3),
    ("TLSv1", OP_NO_TLSV1),
    ("TLSv1.1", OP_NO_TLSV1_1),
    ("TLSv1.2", OP_NO_TLSV1_2),
    ("TLSv1.3", OP_NO_TLSV1_3),
    ("DTLSv1", OP_NO_TLSV1),
    ("DTLSv1.2", OP_NO_TLSV1_2),
    ("ALL", OP_NO_SSLV3 | OP_NO_TLSV1 | OP_NO_TLSV1_1 | OP_NO_TLSV1_2 | OP_NO_TLSV1_3),
];

/// Version names of `MinProtocol`/`MaxProtocol` ("None": no bound).
static VERSION_NAMES: &[(&str, u16)] = &[
    ("None", 0),
    ("SSLv3", 0x0300),
    ("TLSv1", ctx::TLS1_VERSION),
    ("TLSv1.1", ctx::TLS1_1_VERSION),
    ("TLSv1.2", ctx::TLS1_2_VERSION),
    ("TLSv1.3", ctx::TLS1_3_VERSION),
];

/// The object the commands change.
#[derive(Default)]
enum Target {
    #[default]
    None,
    Ctx(Weak<SslCtx>),
    Ssl(Weak<Ssl>),
}

#[derive(Default)]
struct State {
    flags: u32,
    prefix: Option<String>,
    target: Target,
    /// The last `Certificate` file and whether a `PrivateKey` followed it: with
    /// `SSL_CONF_FLAG_REQUIRE_PRIVATE`, `finish` loads the key from the certificate file.
    cert_file: Option<CString>,
    key_loaded: bool,
}

/// An `SSL_CONF_CTX`.
#[derive(Default)]
pub struct ConfCtx {
    state: Mutex<State>,
}

/// `SSL_CONF_cmd` results.
pub const RESULT_UNKNOWN: i32 = -2;
pub const RESULT_MISSING_VALUE: i32 = -3;

impl ConfCtx {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_flags(&self, flags: u32) -> u32 {
        let mut st = self.state();
        st.flags |= flags;
        st.flags
    }

    pub fn clear_flags(&self, flags: u32) -> u32 {
        let mut st = self.state();
        st.flags &= !flags;
        st.flags
    }

    pub fn set_prefix(&self, prefix: Option<&CStr>) {
        self.state().prefix = prefix.map(|p| p.to_string_lossy().into_owned());
    }

    pub fn set_ctx(&self, ctx: Option<&Arc<SslCtx>>) {
        let mut st = self.state();
        st.target = ctx.map_or(Target::None, |c| Target::Ctx(Arc::downgrade(c)));
    }

    pub fn set_ssl(&self, ssl: Option<&Arc<Ssl>>) {
        let mut st = self.state();
        st.target = ssl.map_or(Target::None, |s| Target::Ssl(Arc::downgrade(s)));
    }

    /// The command a name designates under the current flags and prefix.
    fn lookup(st: &State, name: &str) -> Option<&'static Command> {
        let name = strip_prefix(st, name)?;
        COMMANDS.iter().filter(|c| allowed(st.flags, c)).find(|c| {
            (st.flags & FLAG_CMDLINE != 0 && c.cmdline == Some(name))
                || (st.flags & FLAG_FILE != 0 && c.file.is_some_and(|f| f.eq_ignore_ascii_case(name)))
        })
    }

    /// Whether `name` is a command OpenSSL has and oxissl cannot carry out.
    pub fn is_unsupported(&self, name: &str) -> bool {
        let st = self.state();
        Self::lookup(&st, name).is_some_and(|c| matches!(c.action, Action::Unsupported))
    }

    /// `SSL_CONF_cmd_value_type`.
    pub fn value_type(&self, name: &str) -> i32 {
        let st = self.state();
        Self::lookup(&st, name).map_or(TYPE_UNKNOWN, |c| c.value_type)
    }

    /// Makes the command line the syntax (`SSL_CONF_cmd_argv`).
    pub fn use_cmdline(&self) {
        let mut st = self.state();
        st.flags = (st.flags & !FLAG_FILE) | FLAG_CMDLINE;
    }

    /// `SSL_CONF_cmd`.
    pub fn cmd(&self, name: &str, value: Option<&CStr>) -> i32 {
        let mut st = self.state();
        let Some(command) = Self::lookup(&st, name) else {
            if st.flags & FLAG_SHOW_ERRORS != 0 {
                error::raise_with_data(error::SSL_R_UNKNOWN_CMD_NAME, &format!("cmd={name}"));
            }
            return RESULT_UNKNOWN;
        };
        if let Action::Option { bits, invert } = command.action {
            apply(&st.target, |s| {
                if invert {
                    s.options &= !bits;
                } else {
                    s.options |= bits;
                }
                true
            });
            return 1;
        }
        if matches!(command.action, Action::Unsupported) {
            let shown = command.file.or(command.cmdline).unwrap_or(name);
            error::raise_unsupported(&format!("SSL_CONF_cmd {shown}"));
            return 0;
        }
        let Some(value) = value else { return RESULT_MISSING_VALUE };
        let text = value.to_string_lossy();
        let roles = st.flags & BOTH;
        let ok = match command.action {
            Action::CipherString => apply(&st.target, |s| ctx::set_cipher_list(s, value)),
            Action::Ciphersuites => apply(&st.target, |s| ctx::set_ciphersuites(s, value)),
            Action::Groups => apply(&st.target, |s| ctx::set_groups_list(s, &text)),
            Action::EcdhParameters => {
                // Values that meant automatic selection in OpenSSL 1.0.2 are accepted and
                // change nothing; otherwise one group name.
                let file = st.flags & FLAG_FILE != 0;
                if (file && (text.eq_ignore_ascii_case("+automatic") || text.eq_ignore_ascii_case("automatic")))
                    || (st.flags & FLAG_CMDLINE != 0 && text == "auto")
                {
                    true
                } else if text.contains(':') {
                    false
                } else {
                    apply(&st.target, |s| ctx::set_groups_list(s, &text))
                }
            }
            Action::Sigalgs => match keys::parse_sigalgs_list(&text) {
                Some(schemes) => apply(&st.target, |s| {
                    s.sigalgs = Some(schemes);
                    true
                }),
                None => false,
            },
            // Names are compared case-sensitively (strcmp), as OpenSSL does; a DTLS
            // version is a valid bound that a TLS method ignores.
            Action::MinProtocol | Action::MaxProtocol if text == "DTLSv1" || text == "DTLSv1.2" => true,
            Action::MinProtocol | Action::MaxProtocol => match VERSION_NAMES.iter().find(|(n, _)| *n == text) {
                Some(&(_, v)) => apply(&st.target, |s| {
                    if s.fixed_version != 0 {
                        // A fixed-version method keeps its version (ssl_set_version_bound).
                    } else if matches!(command.action, Action::MinProtocol) {
                        s.min_version = v;
                    } else {
                        s.max_version = v;
                    }
                    true
                }),
                None => false,
            },
            // The names before a bad one stay applied, as in OpenSSL.
            Action::Protocol => {
                let (changes, ok) = parse_flag_list(&text, |n| {
                    PROTOCOL_NAMES
                        .iter()
                        .find(|(p, _)| roles != 0 && p.eq_ignore_ascii_case(n))
                        .map(|&(_, b)| (b, true))
                });
                apply(&st.target, |s| apply_changes(s, &changes)) && ok
            }
            Action::Options => {
                let (changes, ok) = parse_flag_list(&text, |n| {
                    OPTION_NAMES
                        .iter()
                        .find(|(o, _, _, r)| o.eq_ignore_ascii_case(n) && roles & r != 0)
                        .map(|&(_, b, inv, _)| (b, inv))
                });
                apply(&st.target, |s| apply_changes(s, &changes)) && ok
            }
            Action::VerifyMode => {
                let (changes, ok) = parse_flag_list(&text, |n| verify_mode_bits(n, roles).map(|b| (b, false)));
                apply(&st.target, |s| {
                    for &(bits, enable) in &changes {
                        if enable {
                            s.verify_mode |= bits as i32;
                        } else {
                            s.verify_mode &= !(bits as i32);
                        }
                    }
                    true
                }) && ok
            }
            Action::Certificate => {
                let ok = apply(&st.target, |s| keys::use_certificate_chain_file(s, value));
                if ok {
                    st.cert_file = Some(value.to_owned());
                    st.key_loaded = false;
                }
                ok
            }
            Action::PrivateKey => {
                let ok = apply(&st.target, |s| keys::use_private_key_file(s, value, FILETYPE_PEM));
                st.key_loaded |= ok;
                ok
            }
            // OpenSSL takes atoi(value) and refuses only a negative number.
            Action::NumTickets => match usize::try_from(c_atoi(&text)) {
                Ok(n) => apply(&st.target, |s| {
                    s.num_tickets = n;
                    true
                }),
                Err(_) => false,
            },
            Action::CaStore { verify, source } => apply(&st.target, |s| {
                let slot = if verify { &mut s.verify_store } else { &mut s.chain_store };
                if slot.is_none() {
                    *slot = crate::crypto::x509::X509Store::new().map(Arc::new);
                }
                let Some(store) = slot.as_ref() else { return false };
                match source {
                    CaSource::File => store.load_locations(Some(value), None),
                    CaSource::Dir => store.load_locations(None, Some(value)),
                    CaSource::Store => store.load_store(value),
                }
            }),
            Action::Option { .. } | Action::Unsupported => unreachable!("handled above"),
        };
        if ok {
            2
        } else {
            if st.flags & FLAG_SHOW_ERRORS != 0 {
                error::raise_with_data(error::SSL_R_BAD_VALUE, &format!("cmd={name}, value={text}"));
            }
            0
        }
    }

    /// `SSL_CONF_CTX_finish`: with `SSL_CONF_FLAG_REQUIRE_PRIVATE`, a certificate given
    /// without a private key takes its key from the certificate file.
    pub fn finish(&self) -> bool {
        let mut st = self.state();
        if st.flags & FLAG_REQUIRE_PRIVATE != 0 && !st.key_loaded {
            if let Some(file) = st.cert_file.clone() {
                if !apply(&st.target, |s| keys::use_private_key_file(s, &file, FILETYPE_PEM)) {
                    return false;
                }
                st.key_loaded = true;
            }
        }
        true
    }
}

/// Whether the context's flags allow a command.
fn allowed(flags: u32, c: &Command) -> bool {
    [FLAG_SERVER, FLAG_CLIENT, FLAG_CERTIFICATE].iter().all(|&f| c.flags & f == 0 || flags & f != 0)
}

/// The command name after the prefix (or, on the command line without a prefix, the `-`).
fn strip_prefix<'a>(st: &State, name: &'a str) -> Option<&'a str> {
    if let Some(prefix) = &st.prefix {
        if name.len() <= prefix.len() || !name.is_char_boundary(prefix.len()) {
            return None;
        }
        let (head, rest) = name.split_at(prefix.len());
        if st.flags & FLAG_CMDLINE != 0 && head != prefix {
            return None;
        }
        if st.flags & FLAG_FILE != 0 && !head.eq_ignore_ascii_case(prefix) {
            return None;
        }
        Some(rest)
    } else if st.flags & FLAG_CMDLINE != 0 {
        name.strip_prefix('-').filter(|r| !r.is_empty())
    } else {
        Some(name)
    }
}

/// Runs a change on the target's settings. No target (or one already freed): nothing
/// to change, and the command succeeds, as in OpenSSL.
fn apply(target: &Target, f: impl FnOnce(&mut Settings) -> bool) -> bool {
    match target {
        Target::None => true,
        Target::Ctx(w) => w.upgrade().is_none_or(|c| f(&mut c.settings_mut())),
        Target::Ssl(w) => w.upgrade().is_none_or(|s| f(&mut s.cipher_settings())),
    }
}

/// Parses a comma- (or space-) separated list of names, each optionally preceded by `-`
/// (turn off) or `+` (turn on). `lookup` gives a name's option bits and whether the option
/// is the *absence* of those bits. The result: (bits, set them).
///
/// As OpenSSL's `CONF_parse_list(value, ',', 1, ...)`: items are separated by commas only,
/// with white space around each removed; an empty item or an unknown name ends the list
/// with a failure. Returns the changes of the items before that point and whether the
/// whole list was good (OpenSSL applies each item as it goes).
fn parse_flag_list(list: &str, lookup: impl Fn(&str) -> Option<(u64, bool)>) -> (Vec<(u64, bool)>, bool) {
    let mut out = Vec::new();
    for item in list.split(',') {
        // C's isspace: space, \t, \n, \v, \f, \r.
        let item = item.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r'));
        let (on, name) = match item.as_bytes().first() {
            None => return (out, false),
            Some(b'-') => (false, &item[1..]),
            Some(b'+') => (true, &item[1..]),
            Some(_) => (true, item),
        };
        let Some((bits, inverted)) = lookup(name) else { return (out, false) };
        out.push((bits, on != inverted));
    }
    (out, true)
}

fn apply_changes(s: &mut Settings, changes: &[(u64, bool)]) -> bool {
    for &(bits, set) in changes {
        if set {
            s.options |= bits;
        } else {
            s.options &= !bits;
        }
    }
    true
}

/// C's `atoi` as glibc has it (`(int)strtol(s, NULL, 10)`): leading white space, a sign,
/// the digits up to the first other character (none: 0); out of `long`'s range the value
/// saturates, then is cut to an int.
fn c_atoi(text: &str) -> i32 {
    let t = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i128 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        v = (v * 10 + i128::from(b - b'0')).min(i128::from(i64::MAX) + 1);
    }
    let v = if neg { -v } else { v };
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64 as i32
}

/// `VerifyMode` names: `Peer` for clients (`SSL_CONF_FLAG_CLIENT`), the others for
/// servers (`SSL_CONF_FLAG_SERVER`), as OpenSSL 3.0's table.
fn verify_mode_bits(name: &str, roles: u32) -> Option<u64> {
    let (peer, fail, once, post) = (
        ctx::SSL_VERIFY_PEER as u64,
        ctx::SSL_VERIFY_FAIL_IF_NO_PEER_CERT as u64,
        ctx::SSL_VERIFY_CLIENT_ONCE as u64,
        ctx::SSL_VERIFY_POST_HANDSHAKE as u64,
    );
    let table: [(&str, u64, u32); 6] = [
        ("Peer", peer, FLAG_CLIENT),
        ("Request", peer, FLAG_SERVER),
        ("Require", peer | fail, FLAG_SERVER),
        ("Once", peer | once, FLAG_SERVER),
        ("RequestPostHandshake", peer | post, FLAG_SERVER),
        ("RequirePostHandshake", peer | post | fail, FLAG_SERVER),
    ];
    table.iter().find(|(n, _, r)| n.eq_ignore_ascii_case(name) && roles & r != 0).map(|&(_, b, _)| b)
}

/// What the commands of an openssl.cnf section change.
pub enum ConfigTarget<'a> {
    Ctx(&'a Arc<SslCtx>),
    Ssl(&'a Arc<Ssl>),
}

/// Applies the `ssl_conf` section `name` of the loaded openssl.cnf, as libssl does.
/// `system`: the `system_default` section that every `SSL_CTX_new` applies (the host's
/// policy: Debian's and RHEL's live there), whose failures are not reported; otherwise
/// `SSL_CTX_config`/`SSL_config`, which also allow certificate and key commands and
/// report a section that does not exist. True when every command applied.
///
/// A command oxissl cannot honour is named on stderr under `OXISSL_LOG=info` (once per
/// process for the system section, which every context applies again).
pub fn apply_config_section(target: ConfigTarget<'_>, name: &CStr, system: bool) -> bool {
    let Some(commands) = crate::crypto::conf::ssl_section(name) else {
        if !system {
            error::raise_with_data(
                error::SSL_R_INVALID_CONFIGURATION_NAME,
                &format!("name={}", name.to_string_lossy()),
            );
        }
        return false;
    };
    let cctx = ConfCtx::default();
    let mut flags = FLAG_FILE;
    if !system {
        flags |= FLAG_CERTIFICATE | FLAG_REQUIRE_PRIVATE;
    }
    let role = match target {
        ConfigTarget::Ctx(c) => {
            cctx.set_ctx(Some(c));
            c.method.role
        }
        ConfigTarget::Ssl(s) => {
            cctx.set_ssl(Some(s));
            s.ctx().method.role
        }
    };
    if role != ctx::Role::Client {
        flags |= FLAG_SERVER;
    }
    if role != ctx::Role::Server {
        flags |= FLAG_CLIENT;
    }
    cctx.set_flags(flags);
    static LOGGED: std::sync::Once = std::sync::Once::new();
    let mut report = !system;
    if system {
        LOGGED.call_once(|| report = true);
    }
    let section = name.to_string_lossy();
    let mut failed = 0;
    for (cmd, arg) in &commands {
        let name = cmd.to_string_lossy();
        let unsupported = cctx.is_unsupported(&name);
        // OpenSSL carries out the system section's commands oxissl has no equivalent
        // for (record padding, say) without an error: none may stay on the queue, where
        // it would turn a later SSL_get_error into SSL_ERROR_SSL. They are logged.
        let mark = system && unsupported && crate::crypto::err::set_mark();
        let rv = cctx.cmd(&name, Some(arg));
        if mark {
            crate::crypto::err::pop_to_mark();
        }
        if rv <= 0 {
            failed += 1;
        }
        if report {
            let outcome = match rv {
                RESULT_UNKNOWN => "not applied: unknown command",
                RESULT_MISSING_VALUE => "not applied: no value",
                _ if rv <= 0 && unsupported => "not applied: oxissl cannot do this (rustls has no equivalent)",
                r if r <= 0 => "not applied: refused (see the error queue)",
                _ => "applied",
            };
            crate::log::oxlog!(
                Info,
                "openssl.cnf ssl_conf section {section}: {} = {}: {outcome}",
                cmd.to_string_lossy(),
                arg.to_string_lossy()
            );
        }
    }
    if !cctx.finish() {
        failed += 1;
    }
    failed == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_follows_flags_and_prefix() {
        let c = ConfCtx::default();
        c.set_flags(FLAG_CMDLINE | FLAG_CLIENT);
        assert_eq!(c.value_type("-cipher"), TYPE_STRING);
        assert_eq!(c.value_type("cipher"), TYPE_UNKNOWN);
        assert_eq!(c.value_type("-no_tls1_3"), TYPE_NONE);
        // Server-only and certificate commands need their flags.
        assert_eq!(c.value_type("-serverpref"), TYPE_UNKNOWN);
        assert_eq!(c.value_type("-cert"), TYPE_UNKNOWN);
        c.set_flags(FLAG_SERVER | FLAG_CERTIFICATE);
        assert_eq!(c.value_type("-serverpref"), TYPE_NONE);
        assert_eq!(c.value_type("-cert"), TYPE_FILE);
        assert_eq!(c.cmd("-nonsense", None), RESULT_UNKNOWN);
        assert_eq!(c.cmd("-cipher", None), RESULT_MISSING_VALUE);
        assert_eq!(c.cmd("-cipher", Some(c"HIGH")), 2);
        assert_eq!(c.cmd("-no_ticket", None), 1);
        let f = ConfCtx::default();
        f.set_flags(FLAG_FILE);
        assert_eq!(f.value_type("cipherstring"), TYPE_STRING);
        assert_eq!(f.value_type("no_tls1_3"), TYPE_UNKNOWN);
        f.set_prefix(Some(c"SSL"));
        assert_eq!(f.value_type("sslMinProtocol"), TYPE_STRING);
        assert_eq!(f.value_type("MinProtocol"), TYPE_UNKNOWN);
    }

    #[test]
    fn flag_lists() {
        let protocol =
            |n: &str| PROTOCOL_NAMES.iter().find(|(p, _)| p.eq_ignore_ascii_case(n)).map(|&(_, b)| (b, true));
        let (l, ok) = parse_flag_list("-ALL, TLSv1.2", protocol);
        assert!(ok);
        assert_eq!(l[0], (PROTOCOL_NAMES[8].1, true));
        assert_eq!(l[1], (OP_NO_TLSV1_2, false));
        assert!(!parse_flag_list("Bogus", |_| None).1);
    }

    // Found by the config_diff fuzz target (fuzz/): OpenSSL separates list items with
    // commas only, fails on an empty item after applying the items before it, and
    // matches a name only when the context has the name's client/server flag.
    #[test]
    fn flag_lists_parse_as_openssl() {
        let protocol =
            |n: &str| PROTOCOL_NAMES.iter().find(|(p, _)| p.eq_ignore_ascii_case(n)).map(|&(_, b)| (b, true));
        assert_eq!(parse_flag_list("-ALL TLSv1.2", protocol), (vec![], false));
        assert_eq!(parse_flag_list("-TLSv1.3,,", protocol), (vec![(OP_NO_TLSV1_3, true)], false));
        assert_eq!(parse_flag_list("", protocol), (vec![], false));
        assert_eq!(parse_flag_list(" -TLSv1.3 \t", protocol), (vec![(OP_NO_TLSV1_3, true)], true));
        assert_eq!(parse_flag_list("+-TLSv1.3", protocol), (vec![], false));
    }

    // Found by the config_diff fuzz target: the command-line switches and their
    // client/server restrictions are OpenSSL 3.0's.
    #[test]
    fn switches_are_openssl_30s() {
        let ctx = SslCtx::new(&ctx::TLS_METHOD).unwrap();
        let cmd = |flags: u32, name: &str| {
            let c = ConfCtx::default();
            c.set_flags(FLAG_CMDLINE | flags);
            c.set_ctx(Some(&ctx));
            c.cmd(name, None)
        };
        assert_eq!(cmd(FLAG_SERVER, "-legacy_server_connect"), RESULT_UNKNOWN);
        assert_eq!(cmd(FLAG_CLIENT, "-legacy_server_connect"), 1);
        assert_eq!(cmd(FLAG_SERVER, "-no_legacy_server_connect"), RESULT_UNKNOWN);
        assert_eq!(cmd(FLAG_CLIENT, "-client_renegotiation"), RESULT_UNKNOWN);
        assert_eq!(cmd(FLAG_SERVER, "-client_renegotiation"), 1);
        assert_ne!(ctx.settings().options & OP_ALLOW_CLIENT_RENEGOTIATION, 0);
        assert_eq!(cmd(0, "-no_etm"), 1);
        assert_ne!(ctx.settings().options & OP_NO_ENCRYPT_THEN_MAC, 0);
    }

    // Found by the config_diff fuzz target: MinProtocol/MaxProtocol names are
    // case-sensitive, and DTLS names are accepted without effect.
    #[test]
    fn protocol_bounds_read_names_as_openssl() {
        let ctx = SslCtx::new(&ctx::TLS_METHOD).unwrap();
        let c = ConfCtx::default();
        c.set_flags(FLAG_FILE | FLAG_CLIENT);
        c.set_ctx(Some(&ctx));
        assert_eq!(c.cmd("MinProtocol", Some(c"tlsv1.2")), 0);
        assert_eq!(c.cmd("MaxProtocol", Some(c"none")), 0);
        assert_eq!(c.cmd("MinProtocol", Some(c"DTLSv1.2")), 2);
        assert_eq!(ctx.settings().min_version, 0);
        assert_eq!(c.cmd("MinProtocol", Some(c"TLSv1.2")), 2);
        assert_eq!(ctx.settings().min_version, ctx::TLS1_2_VERSION);
    }

    // Found by the config_diff fuzz target: NumTickets takes atoi() of its value.
    #[test]
    fn num_tickets_reads_its_value_as_atoi() {
        assert_eq!(c_atoi("-"), 0);
        assert_eq!(c_atoi(" 3x"), 3);
        assert_eq!(c_atoi("+7"), 7);
        assert_eq!(c_atoi("-2"), -2);
        assert_eq!(c_atoi("4294967297"), 1);
        assert_eq!(c_atoi("99999999999999999999"), -1);
        let ctx = SslCtx::new(&ctx::TLS_METHOD).unwrap();
        let c = ConfCtx::default();
        c.set_flags(FLAG_FILE | FLAG_SERVER);
        c.set_ctx(Some(&ctx));
        assert_eq!(c.cmd("NumTickets", Some(c"-")), 2);
        assert_eq!(ctx.settings().num_tickets, 0);
        assert_eq!(c.cmd("NumTickets", Some(c"5 tickets")), 2);
        assert_eq!(ctx.settings().num_tickets, 5);
        assert_eq!(c.cmd("NumTickets", Some(c"-1")), 0);
    }

    #[test]
    fn options_and_verify_mode_follow_openssl_roles() {
        let ctx = SslCtx::new(&ctx::TLS_METHOD).unwrap();
        let cmd = |flags: u32, name: &str, value: &str| {
            let c = ConfCtx::default();
            c.set_flags(flags);
            c.set_ctx(Some(&ctx));
            c.cmd(name, Some(&CString::new(value).unwrap()))
        };
        let before = ctx.settings().options;
        // No client/server flag: no name matches.
        assert_eq!(cmd(FLAG_FILE, "Options", "-SessionTicket"), 0);
        assert_eq!(cmd(FLAG_FILE, "Protocol", "-TLSv1"), 0);
        assert_eq!(ctx.settings().options, before);
        // SSL_OP_ALL is OpenSSL 3.0's (no SSL_OP_LEGACY_SERVER_CONNECT).
        assert_eq!(cmd(FLAG_FILE | FLAG_CLIENT, "Options", "Bugs"), 2);
        assert_eq!(ctx.settings().options & OP_LEGACY_SERVER_CONNECT, before & OP_LEGACY_SERVER_CONNECT);
        // PrioritizeChaCha, AntiReplay, CANames and KTLS exist for clients too.
        for name in ["PrioritizeChaCha", "-AntiReplay", "-CANames", "KTLS"] {
            assert_eq!(cmd(FLAG_FILE | FLAG_CLIENT, "Options", name), 2, "{name}");
        }
        // An item after a bad one is not applied; the ones before it are.
        assert_eq!(cmd(FLAG_FILE | FLAG_CLIENT, "Options", "-SessionTicket,,Bogus"), 0);
        assert_ne!(ctx.settings().options & OP_NO_TICKET, 0);
        // VerifyMode: Peer is a client name, Request/Require/Once server names.
        assert_eq!(cmd(FLAG_FILE | FLAG_SERVER, "VerifyMode", "Peer"), 0);
        assert_eq!(cmd(FLAG_FILE | FLAG_CLIENT, "VerifyMode", "Peer"), 2);
        assert_eq!(cmd(FLAG_FILE | FLAG_CLIENT, "VerifyMode", "Request"), 0);
        assert_eq!(cmd(FLAG_FILE | FLAG_SERVER, "VerifyMode", "Request,Once"), 2);
    }
}
