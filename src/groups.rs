//! Key-exchange groups: OpenSSL 3.0's names for them and the ones rustls implements.
//!
//! Group lists (`SSL_CTX_set1_groups_list`, the `Groups`/`Curves` configuration
//! commands, openssl.cnf policies) are parsed as OpenSSL 3.0 parses them: every name its
//! default provider knows is accepted; names are case-sensitive; an unknown or repeated
//! name fails the whole list. A list OpenSSL accepts keeps only the groups rustls
//! implements, in order; when that leaves none, the result is an empty list (no
//! handshake can succeed) rather than a failure that would keep the previous, wider
//! list: a policy must never widen because oxissl lacks what it names.
use std::os::raw::c_int;

use rustls::crypto::SupportedKxGroup;

/// One group OpenSSL knows: its TLS name, the libcrypto curve name, NID, TLS codepoint
/// and rustls' implementation (None: a group rustls does not implement).
struct Group {
    tls: &'static str,
    real: &'static str,
    nid: c_int,
    id: u16,
    kx: Option<&'static dyn SupportedKxGroup>,
}

const fn lacks(tls: &'static str, real: &'static str, nid: c_int, id: u16) -> Group {
    Group { tls, real, nid, id, kx: None }
}

/// OpenSSL 3.0's default provider's TLS groups (providers/common/capabilities.c),
/// aliases included, in its order, plus X25519MLKEM768 (an oxissl addition).
fn table() -> &'static [Group] {
    use rustls::crypto::aws_lc_rs::kx_group;
    static TABLE: once_cell::sync::Lazy<Vec<Group>> = once_cell::sync::Lazy::new(|| {
        let has = |tls, real, nid, id, kx| Group { tls, real, nid, id, kx: Some(kx) };
        vec![
            lacks("sect163k1", "sect163k1", 721, 1),
            lacks("K-163", "sect163k1", 721, 1),
            lacks("sect163r1", "sect163r1", 722, 2),
            lacks("sect163r2", "sect163r2", 723, 3),
            lacks("B-163", "sect163r2", 723, 3),
            lacks("sect193r1", "sect193r1", 724, 4),
            lacks("sect193r2", "sect193r2", 725, 5),
            lacks("sect233k1", "sect233k1", 726, 6),
            lacks("K-233", "sect233k1", 726, 6),
            lacks("sect233r1", "sect233r1", 727, 7),
            lacks("B-233", "sect233r1", 727, 7),
            lacks("sect239k1", "sect239k1", 728, 8),
            lacks("sect283k1", "sect283k1", 729, 9),
            lacks("K-283", "sect283k1", 729, 9),
            lacks("sect283r1", "sect283r1", 730, 10),
            lacks("B-283", "sect283r1", 730, 10),
            lacks("sect409k1", "sect409k1", 731, 11),
            lacks("K-409", "sect409k1", 731, 11),
            lacks("sect409r1", "sect409r1", 732, 12),
            lacks("B-409", "sect409r1", 732, 12),
            lacks("sect571k1", "sect571k1", 733, 13),
            lacks("K-571", "sect571k1", 733, 13),
            lacks("sect571r1", "sect571r1", 734, 14),
            lacks("B-571", "sect571r1", 734, 14),
            lacks("secp160k1", "secp160k1", 708, 15),
            lacks("secp160r1", "secp160r1", 709, 16),
            lacks("secp160r2", "secp160r2", 710, 17),
            lacks("secp192k1", "secp192k1", 711, 18),
            lacks("secp192r1", "prime192v1", 409, 19),
            lacks("P-192", "prime192v1", 409, 19),
            lacks("secp224k1", "secp224k1", 712, 20),
            lacks("secp224r1", "secp224r1", 713, 21),
            lacks("P-224", "secp224r1", 713, 21),
            lacks("secp256k1", "secp256k1", 714, 22),
            has("secp256r1", "prime256v1", 415, 23, kx_group::SECP256R1),
            has("P-256", "prime256v1", 415, 23, kx_group::SECP256R1),
            has("secp384r1", "secp384r1", 715, 24, kx_group::SECP384R1),
            has("P-384", "secp384r1", 715, 24, kx_group::SECP384R1),
            has("secp521r1", "secp521r1", 716, 25, crate::kx::SECP521R1),
            has("P-521", "secp521r1", 716, 25, crate::kx::SECP521R1),
            lacks("brainpoolP256r1", "brainpoolP256r1", 927, 26),
            lacks("brainpoolP384r1", "brainpoolP384r1", 931, 27),
            lacks("brainpoolP512r1", "brainpoolP512r1", 933, 28),
            has("x25519", "X25519", 1034, 29, kx_group::X25519),
            lacks("x448", "X448", 1035, 30),
            has("ffdhe2048", "ffdhe2048", 1126, 0x100, crate::kx::FFDHE2048),
            has("ffdhe3072", "ffdhe3072", 1127, 0x101, crate::kx::FFDHE3072),
            has("ffdhe4096", "ffdhe4096", 1128, 0x102, crate::kx::FFDHE4096),
            has("ffdhe6144", "ffdhe6144", 1129, 0x103, crate::kx::FFDHE6144),
            has("ffdhe8192", "ffdhe8192", 1130, 0x104, crate::kx::FFDHE8192),
            has("X25519MLKEM768", "X25519MLKEM768", 0, 0x11ec, kx_group::X25519MLKEM768),
        ]
    });
    &TABLE
}

/// OpenSSL 3.0's default groups, in its order, as oxissl offers them: X25519, P-256,
/// P-521, P-384, ffdhe2048 … ffdhe8192 (its default list also names X448, which oxissl
/// lacks).
pub fn default_groups() -> Vec<&'static dyn SupportedKxGroup> {
    use rustls::crypto::aws_lc_rs::kx_group;
    let mut v = vec![kx_group::X25519, kx_group::SECP256R1, crate::kx::SECP521R1, kx_group::SECP384R1];
    v.extend(crate::kx::ffdhe_groups());
    v
}

/// Splits a list the way libcrypto's `CONF_parse_list(list, sep, nospc = 1, …)` does:
/// white space around each item is dropped; an empty item (or an empty list) fails.
pub fn conf_parse_list(list: &str, sep: char) -> Option<Vec<&str>> {
    // C's isspace: space, \t, \n, \v, \f, \r.
    let items: Vec<&str> = list
        .split(sep)
        .map(|i| i.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')))
        .collect();
    (!items.iter().any(|i| i.is_empty())).then_some(items)
}

/// The rustls groups of a list of known groups, in order, without repeats.
fn supported(groups: &[&'static Group]) -> Vec<&'static dyn SupportedKxGroup> {
    let mut out: Vec<&'static dyn SupportedKxGroup> = Vec::new();
    for kx in groups.iter().filter_map(|g| g.kx) {
        if !out.iter().any(|k| k.name() == kx.name()) {
            out.push(kx);
        }
    }
    out
}

/// Why OpenSSL refuses a group list.
#[derive(Debug, PartialEq, Eq)]
pub enum GroupListError {
    /// A name it does not know (`ERR_R_PASSED_INVALID_ARGUMENT`, "group 'NAME' cannot
    /// be set").
    Unknown(String),
    /// Empty items, names over 63 bytes, repeated groups: refused without a reason.
    Malformed,
}

/// `SSL(_CTX)_set1_groups_list`: the groups rustls implements among those named, or why
/// OpenSSL would refuse the list. The result may be empty (see the module comment).
pub fn parse_groups_list(list: &str) -> Result<Vec<&'static dyn SupportedKxGroup>, GroupListError> {
    const GROUP_NAME_MAX: usize = 63;
    let mut found: Vec<&'static Group> = Vec::new();
    for name in conf_parse_list(list, ':').ok_or(GroupListError::Malformed)? {
        if name.len() > GROUP_NAME_MAX {
            return Err(GroupListError::Malformed);
        }
        let Some(g) = table().iter().find(|g| g.tls == name || g.real == name) else {
            return Err(GroupListError::Unknown(name.to_string()));
        };
        if found.iter().any(|f| f.id == g.id) {
            return Err(GroupListError::Malformed);
        }
        found.push(g);
    }
    Ok(supported(&found))
}

/// `SSL(_CTX)_set1_groups`: NIDs; None for a NID OpenSSL has no group for (or none at
/// all). The result may be empty, as above.
pub fn groups_from_nids(nids: &[c_int]) -> Option<Vec<&'static dyn SupportedKxGroup>> {
    if nids.is_empty() {
        return None;
    }
    let found: Option<Vec<&'static Group>> =
        nids.iter().map(|n| table().iter().find(|g| g.nid == *n && g.nid != 0)).collect();
    Some(supported(&found?))
}

/// The NID OpenSSL reports for a TLS group codepoint (0 if it has none).
pub fn nid_for_group(id: u16) -> c_int {
    table().iter().find(|g| g.id == id).map_or(0, |g| g.nid)
}

/// The TLS codepoint of a curve NID (None for a curve TLS has none for).
pub fn group_for_nid(nid: c_int) -> Option<u16> {
    table().iter().find(|g| g.nid == nid && nid != 0).map(|g| g.id)
}

/// OpenSSL's name for a TLS group codepoint.
pub fn group_name(id: u16) -> Option<&'static str> {
    table().iter().find(|g| g.id == id).map(|g| g.tls)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &str) -> Result<Vec<u16>, GroupListError> {
        parse_groups_list(list).map(|v| v.iter().map(|g| u16::from(g.name())).collect())
    }

    #[test]
    fn lists_are_parsed_as_openssl_parses_them() {
        assert_eq!(ids("X25519:P-256"), Ok(vec![29, 23]));
        assert_eq!(ids(" prime256v1 : secp384r1 "), Ok(vec![23, 24]));
        assert_eq!(ids("X448:P-521:x25519"), Ok(vec![25, 29]));
        assert_eq!(ids("X448:ffdhe2048"), Ok(vec![0x100]));
        // Known to OpenSSL, none implemented: accepted, and nothing is left.
        assert_eq!(ids("X448"), Ok(vec![]));
        assert_eq!(ids("p-256"), Err(GroupListError::Unknown("p-256".into())));
        assert_eq!(ids("P-256:secp256r1"), Err(GroupListError::Malformed));
        assert_eq!(ids("P-256::X25519"), Err(GroupListError::Malformed));
        assert_eq!(ids(""), Err(GroupListError::Malformed));
        assert_eq!(ids("P-256:"), Err(GroupListError::Malformed));
    }

    #[test]
    fn nids_match_libcrypto() {
        for g in table().iter().filter(|g| g.nid != 0) {
            let real = std::ffi::CString::new(g.real).unwrap();
            assert_eq!(crate::crypto::obj_sn2nid(&real), g.nid, "{}", g.real);
        }
    }
}
