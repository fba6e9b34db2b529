//! OpenSSL 3.0's cipher-string language: `SSL_CTX_set_ciphersuites` and
//! `SSL_CTX_set_cipher_list` strings, evaluated over the [model](super::model).

use std::ffi::CStr;
use std::os::raw::c_int;

use super::model::*;
use super::*;

// ---------------------------------------------------------------------------------
// set_ciphersuites
// ---------------------------------------------------------------------------------

/// Why a cipher string was rejected; each variant is one OpenSSL reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherStringError {
    /// The string selected no suite at all (`SSL_R_NO_CIPHER_MATCH`).
    ///
    /// For `SSL_CTX_set_cipher_list`, OpenSSL 3.0 has at this point *already* replaced
    /// the TLS ≤ 1.2 part of the list with an empty one (only TLS 1.3 suites remain);
    /// for `SSL_CTX_set_ciphersuites` the list is left unchanged.
    NoCipherMatch {
        /// `@SECLEVEL=n` seen before the failure; OpenSSL applies it anyway.
        seclevel: Option<u8>,
    },
    /// A syntax error (`SSL_R_INVALID_COMMAND`): a character outside
    /// `[A-Za-z0-9.=-]` where a name must start, a dangling `+`/`!`/`-`/`@`, or an
    /// unknown `@` command. OpenSSL leaves the cipher list unchanged.
    InvalidCommand {
        /// `@SECLEVEL=n` seen before the error, or anywhere when the error is an
        /// unknown `@` command (which does not stop evaluation, unlike a bad
        /// character); OpenSSL applies it anyway.
        seclevel: Option<u8>,
    },
}

impl CipherStringError {
    /// The `ERR_LIB_SSL` reason code OpenSSL queues for this error.
    pub fn reason(&self) -> c_int {
        match self {
            CipherStringError::NoCipherMatch { .. } => crate::error::SSL_R_NO_CIPHER_MATCH,
            CipherStringError::InvalidCommand { .. } => crate::error::SSL_R_INVALID_COMMAND,
        }
    }

    /// A security level set by `@SECLEVEL=n` that OpenSSL applies despite the failure.
    pub fn seclevel(&self) -> Option<u8> {
        match *self {
            CipherStringError::NoCipherMatch { seclevel } | CipherStringError::InvalidCommand { seclevel } => seclevel,
        }
    }
}

impl std::fmt::Display for CipherStringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CipherStringError::NoCipherMatch { .. } => f.write_str("no cipher match"),
            CipherStringError::InvalidCommand { .. } => f.write_str("invalid command"),
        }
    }
}

impl std::error::Error for CipherStringError {}

/// Whether an `SSL_CTX_set_ciphersuites` string names an enabled TLS ≤ 1.2 suite (one
/// of [`MODEL`]). OpenSSL keeps such a suite in its TLS 1.3 list, where it later counts
/// as a TLS 1.2 cipher: `SSL_CTX_set_cipher_list` then succeeds even when its own string
/// selects nothing. (Suites whose algorithms the default provider lacks, such as SEED,
/// are dropped from that list and do not count.)
pub fn ciphersuites_name_tls12_suite(spec: &str) -> bool {
    until_nul(spec).split(':').any(|item| {
        let item = item.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
        MODEL.iter().any(|m| m.std_name.to_bytes() == item.as_bytes())
    })
}

/// Parses an `SSL_CTX_set_ciphersuites` string: the TLS 1.3 suites, in order.
///
/// OpenSSL 3.0's rules, all checked against the system library:
/// * an empty string is accepted and disables TLS 1.3 (`Ok(vec![])`);
/// * names are separated by `:` only; spaces/tabs around a name are ignored, empty
///   items are skipped; `,`, `;` or inner spaces make the item one unknown name;
/// * names are RFC names, case-sensitive; OpenSSL names (`ECDHE-...`) are unknown;
/// * unknown names are ignored; the call fails (`NoCipherMatch`, list unchanged) only
///   when no item names a suite OpenSSL knows;
/// * OpenSSL accepts *any* suite it knows, even TLS ≤ 1.2 ones and the CCM TLS 1.3
///   suites; such names count as matches here (so the call succeeds as with OpenSSL)
///   but add nothing, since they are not TLS 1.3 suites we implement. A string naming
///   only such suites yields `Ok(vec![])`: TLS 1.3 ends up disabled.
/// * OpenSSL keeps duplicates; we keep the first occurrence only.
pub fn parse_ciphersuites(spec: &str) -> Result<Vec<&'static SslCipher>, CipherStringError> {
    let spec = until_nul(spec);
    let mut out: Vec<&'static SslCipher> = Vec::new();
    if spec.is_empty() {
        return Ok(out);
    }
    let mut known = 0usize;
    for item in spec.split(':') {
        let item = item.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
        if item.is_empty() || openssl_name_for_standard(item.as_bytes()).is_none() {
            continue;
        }
        known += 1;
        if let Some(c) = by_standard_name(item).filter(|c| c.is_tls13()) {
            if !out.iter().any(|o| std::ptr::eq(*o, c)) {
                out.push(c);
            }
        }
    }
    if known == 0 {
        return Err(CipherStringError::NoCipherMatch { seclevel: None });
    }
    Ok(out)
}

/// A C string ends at its first NUL; mirror that for Rust callers.
fn until_nul(s: &str) -> &str {
    s.split('\0').next().unwrap_or("")
}

// ---------------------------------------------------------------------------------
// set_cipher_list
// ---------------------------------------------------------------------------------

/// Suite B mode requested by a `SUITEB128ONLY`/`SUITEB128C2`/`SUITEB128`/`SUITEB192`
/// prefix. OpenSSL then ignores the rest of the string, uses the Suite B suites, and
/// also restricts curves and signature algorithms (a setting that stays on the context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteB {
    /// `SUITEB128ONLY`: ECDHE-ECDSA-AES128-GCM-SHA256 only, P-256 only.
    Only128,
    /// `SUITEB128C2`: ECDHE-ECDSA-AES256-GCM-SHA384, 128-bit Suite B curves.
    Combo128,
    /// `SUITEB128`: both ECDSA AES-GCM suites, P-256 and P-384.
    Mode128,
    /// `SUITEB192`: ECDHE-ECDSA-AES256-GCM-SHA384, P-384 only.
    Mode192,
}

/// The outcome of a cipher string OpenSSL accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipherList {
    /// The TLS 1.2 suites we implement, in OpenSSL's resulting order. May be empty
    /// when the string selected only suites oxissl lacks (OpenSSL succeeds then).
    pub ciphers: Vec<&'static SslCipher>,
    /// The TLS ≤ 1.2 suites OpenSSL itself would list, by OpenSSL name, in order
    /// (never empty; a superset of `ciphers`).
    pub openssl_selection: Vec<&'static CStr>,
    /// The last `@SECLEVEL=n`, which OpenSSL applies to the context or connection.
    pub seclevel: Option<u8>,
    /// Suite B mode, if the string started with a `SUITEB...` keyword.
    pub suite_b: Option<SuiteB>,
}

/// Parses an `SSL_CTX_set_cipher_list` string (TLS ≤ 1.2 suites) into the suites we
/// implement, in OpenSSL 3.0's order. See [`parse_cipher_list_detailed`].
pub fn parse_cipher_list(spec: &str) -> Result<Vec<&'static SslCipher>, CipherStringError> {
    parse_cipher_list_detailed(spec).map(|l| l.ciphers)
}

/// Parses an `SSL_CTX_set_cipher_list` string with OpenSSL 3.0's semantics.
///
/// * Items are separated by `:`, `,`, `;` or space. An item is a suite name or alias,
///   or several joined by `+` (all must hold: `ECDHE+AESGCM`), optionally prefixed by
///   `!` (remove for good), `-` (remove, may be added again), `+` (move to the end);
///   `@STRENGTH` sorts by strength, `@SECLEVEL=n` (0–5) sets the security level.
/// * A leading `DEFAULT` expands to `ALL:!COMPLEMENTOFDEFAULT:!eNULL`; elsewhere
///   `DEFAULT` is an unknown name. A leading `SUITEB...` keyword replaces the string.
/// * Unknown names and suites OpenSSL has but we lack are not errors; an item with an
///   unknown part selects nothing.
/// * `Err(NoCipherMatch)` when OpenSSL would select no TLS ≤ 1.2 suite at all;
///   `Ok` with an empty list when it selects only suites oxissl lacks (see module docs).
/// * `Err(InvalidCommand)` on a syntax error, as OpenSSL.
pub fn parse_cipher_list_detailed(spec: &str) -> Result<CipherList, CipherStringError> {
    let spec = until_nul(spec).as_bytes();
    let (rules, suite_b): (&[u8], Option<SuiteB>) = if spec.starts_with(b"SUITEB128ONLY") {
        (b"ECDHE-ECDSA-AES128-GCM-SHA256", Some(SuiteB::Only128))
    } else if spec.starts_with(b"SUITEB128C2") {
        (b"ECDHE-ECDSA-AES256-GCM-SHA384", Some(SuiteB::Combo128))
    } else if spec.starts_with(b"SUITEB128") {
        (b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", Some(SuiteB::Mode128))
    } else if spec.starts_with(b"SUITEB192") {
        (b"ECDHE-ECDSA-AES256-GCM-SHA384", Some(SuiteB::Mode192))
    } else {
        (spec, None)
    };

    let mut engine = Engine::new();
    let mut ok = true;
    let mut rest = rules;
    if let Some(after) = rules.strip_prefix(b"DEFAULT") {
        ok = engine.run(DEFAULT_RULES);
        rest = after.strip_prefix(b":").unwrap_or(after);
    }
    if ok && !rest.is_empty() {
        ok = engine.run(rest);
    }
    let seclevel = engine.seclevel;
    if !ok {
        return Err(CipherStringError::InvalidCommand { seclevel });
    }
    let selected = engine.selected();
    if selected.is_empty() {
        return Err(CipherStringError::NoCipherMatch { seclevel });
    }
    Ok(CipherList {
        ciphers: selected.iter().filter_map(|m| by_protocol_id(m.protocol_id)).collect(),
        openssl_selection: selected.iter().map(|m| m.name).collect(),
        seclevel,
        suite_b,
    })
}

/// What a leading `DEFAULT` stands for in OpenSSL 3.0.
pub(super) const DEFAULT_RULES: &[u8] = b"ALL:!COMPLEMENTOFDEFAULT:!eNULL";

/// `OSSL_default_cipher_list`: what `DEFAULT` stands for (OpenSSL's string).
pub const DEFAULT_CIPHER_LIST: &CStr = c"ALL:!COMPLEMENTOFDEFAULT:!eNULL";
/// `OSSL_default_ciphersuites`: the default TLS 1.3 suites (`default_tls13`), by name.
pub const DEFAULT_CIPHERSUITES: &CStr = c"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Kill,
    Delete,
    MoveToEnd,
    Command,
}

/// A selection pattern: every non-zero mask must intersect the suite's property.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Pattern {
    /// Set when the (last) part of the item is an explicit suite name.
    pub(super) protocol_id: Option<u16>,
    pub(super) kx: u32,
    pub(super) auth: u32,
    pub(super) enc: u32,
    pub(super) mac: u32,
    pub(super) version: u8,
    /// Strength classes (`STRONG_MASK` bits) and the `NOT_DEF` requirement.
    pub(super) strength: u8,
}

impl Pattern {
    /// Narrows the pattern by one `+`-joined part; false when the conjunction is
    /// empty by construction (OpenSSL then drops the whole item).
    fn narrow(&mut self, part: &Pattern) -> bool {
        fn and(acc: &mut u32, m: u32) -> bool {
            if m != 0 {
                *acc = if *acc != 0 { *acc & m } else { m };
                return *acc != 0;
            }
            true
        }
        if !(and(&mut self.kx, part.kx)
            && and(&mut self.auth, part.auth)
            && and(&mut self.enc, part.enc)
            && and(&mut self.mac, part.mac))
        {
            return false;
        }
        let classes = part.strength & STRONG_MASK;
        if classes != 0 {
            if self.strength & STRONG_MASK != 0 {
                self.strength &= classes | !STRONG_MASK;
                if self.strength & STRONG_MASK == 0 {
                    return false;
                }
            } else {
                // OpenSSL assigns here, which also drops a `COMPLEMENTOFDEFAULT`
                // requirement made by an earlier part (`COMPLEMENTOFDEFAULT+HIGH`
                // selects all of HIGH); reproduced for identical results.
                self.strength = classes;
            }
        }
        self.strength |= part.strength & NOT_DEF;
        if part.version != 0 {
            if self.version != 0 && self.version != part.version {
                return false;
            }
            self.version = part.version;
        }
        self.protocol_id = part.protocol_id;
        true
    }

    fn matches(&self, m: &Model) -> bool {
        let hits = |mask: u32, bit: u32| mask == 0 || mask & bit != 0;
        self.protocol_id.is_none_or(|id| id == m.protocol_id)
            && hits(self.kx, m.kx)
            && hits(self.auth, m.auth)
            && hits(self.enc, m.enc)
            && hits(self.mac, m.mac)
            && (self.version == 0 || self.version == m.version)
            && hits(u32::from(self.strength & STRONG_MASK), u32::from(m.strength & STRONG_MASK))
            && (self.strength & NOT_DEF == 0 || m.strength & NOT_DEF != 0)
    }

    /// The pattern for an explicit suite name: all its properties, but not its
    /// protocol version (as in OpenSSL).
    fn for_suite(m: &Model) -> Pattern {
        Pattern {
            protocol_id: Some(m.protocol_id),
            kx: m.kx,
            auth: m.auth,
            enc: m.enc,
            mac: m.mac,
            version: 0,
            strength: m.strength,
        }
    }
}

/// OpenSSL's working list: suites in preference order, each active (selected) or not;
/// suites removed with `!` are gone for good.
struct Engine {
    order: Vec<usize>,
    active: Vec<bool>,
    seclevel: Option<u8>,
}

fn is_separator(b: u8) -> bool {
    matches!(b, b':' | b' ' | b';' | b',')
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'=')
}

impl Engine {
    fn new() -> Engine {
        Engine { order: (0..MODEL.len()).collect(), active: vec![false; MODEL.len()], seclevel: None }
    }

    /// The active suites, in order.
    fn selected(&self) -> Vec<&'static Model> {
        self.order.iter().filter(|&&i| self.active[i]).map(|&i| &MODEL[i]).collect()
    }

    /// Applies one rule string; false on a syntax error. An unknown `@` command is
    /// reported at the end (later items still apply, as in OpenSSL); a character that
    /// cannot start a name stops evaluation at once.
    fn run(&mut self, rules: &[u8]) -> bool {
        let mut ok = true;
        let mut i = 0;
        let n = rules.len();
        while i < n {
            let first = rules[i];
            let op = match first {
                b'-' => Op::Delete,
                b'+' => Op::MoveToEnd,
                b'!' => Op::Kill,
                b'@' => Op::Command,
                _ => Op::Add,
            };
            if op != Op::Add {
                i += 1;
            }
            if is_separator(first) {
                i += 1;
                continue;
            }

            let mut pattern = Pattern::default();
            let mut found = true;
            let mut word: &[u8];
            loop {
                let start = i;
                while i < n && is_name_char(rules[i]) {
                    i += 1;
                }
                if i == start {
                    // Nothing usable where a name must start: OpenSSL 3.0 gives up on
                    // the rest of the string (an `@SECLEVEL` after it is not applied).
                    return false;
                }
                word = &rules[start..i];
                if op == Op::Command {
                    break;
                }
                let more = i < n && rules[i] == b'+';
                if more {
                    i += 1;
                }
                match lookup(word) {
                    Some(part) if pattern.narrow(&part) => {}
                    _ => {
                        found = false;
                        break;
                    }
                }
                if !more {
                    break;
                }
            }

            if op == Op::Command {
                if word == b"STRENGTH" {
                    self.sort_by_strength();
                } else if word.len() == 10 && word.starts_with(b"SECLEVEL=") && (b'0'..=b'5').contains(&word[9]) {
                    self.seclevel = Some(word[9] - b'0');
                } else {
                    ok = false;
                }
                i = skip_item(rules, i);
            } else if found {
                self.apply(op, &pattern);
            } else {
                i = skip_item(rules, i);
            }
        }
        ok
    }

    fn apply(&mut self, op: Op, p: &Pattern) {
        let active = &mut self.active;
        match op {
            Op::Add => {
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    self.order.iter().partition(|&&i| !active[i] && p.matches(&MODEL[i]));
                for &i in &moved {
                    active[i] = true;
                }
                self.order = kept.into_iter().chain(moved).collect();
            }
            Op::MoveToEnd => {
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    self.order.iter().partition(|&&i| active[i] && p.matches(&MODEL[i]));
                self.order = kept.into_iter().chain(moved).collect();
            }
            Op::Delete => {
                // Deleted suites go to the front (inactive), so that adding them again
                // restores their relative order ahead of the untouched ones.
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    self.order.iter().partition(|&&i| active[i] && p.matches(&MODEL[i]));
                for &i in &moved {
                    active[i] = false;
                }
                self.order = moved.into_iter().chain(kept).collect();
            }
            Op::Kill => {
                self.order.retain(|&i| {
                    let gone = p.matches(&MODEL[i]);
                    if gone {
                        active[i] = false;
                    }
                    !gone
                });
            }
            Op::Command => {}
        }
    }

    /// `@STRENGTH`: active suites move to the end, strongest first, otherwise keeping
    /// their order.
    fn sort_by_strength(&mut self) {
        let active = &self.active;
        let (mut on, off): (Vec<usize>, Vec<usize>) = self.order.iter().partition(|&&i| active[i]);
        on.sort_by_key(|&i| std::cmp::Reverse(MODEL[i].bits));
        self.order = off.into_iter().chain(on).collect();
    }
}

/// Skips the rest of an item up to the next separator.
fn skip_item(rules: &[u8], mut i: usize) -> usize {
    while i < rules.len() && !is_separator(rules[i]) {
        i += 1;
    }
    i
}

/// A name in a cipher string: a suite of the model, or an alias.
fn lookup(word: &[u8]) -> Option<Pattern> {
    if let Some(m) = MODEL.iter().find(|m| m.name.to_bytes() == word) {
        return Some(Pattern::for_suite(m));
    }
    ALIASES.iter().find(|a| a.0.as_bytes() == word).map(|a| a.1)
}
