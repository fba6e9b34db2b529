//! The reason strings of `ERR_LIB_SSL`, registered with libcrypto.
//!
//! OpenSSL's libssl registers a text for each of its `SSL_R_*` reasons so that
//! `ERR_error_string_n`, `ERR_print_errors` and friends print, for example,
//! `error:0A000086:SSL routines::certificate verify failed`. The texts are data taken
//! from the system libssl by `tools/gen-ssl-strings.sh` into `strings_table.rs`.

use std::os::raw::c_int;
use std::sync::Once;

use crate::crypto::errstrings;

// REASON_STRINGS (and, under #[cfg(test)], the system library's reference answers).
include!("strings_table.rs");

/// The name libcrypto prints for `ERR_LIB_SSL`.
pub const LIBRARY_NAME: &str = "SSL routines";

/// Registers the library name and every `SSL_R_*` reason string with libcrypto.
/// Idempotent and thread-safe; libcrypto's shared `ERR_R_*` strings are left alone.
pub fn load() {
    static LOADED: Once = Once::new();
    LOADED.call_once(|| {
        // A failure here (libcrypto out of memory) only leaves codes printed as
        // "reason(N)"; there is nothing better to do about it.
        let _ = errstrings::register(super::ERR_LIB_SSL, LIBRARY_NAME, REASON_STRINGS);
    });
}

/// The text of an `SSL_R_*` reason (without registering anything), if it has one.
pub fn reason_string(reason: c_int) -> Option<&'static str> {
    REASON_STRINGS.binary_search_by_key(&reason, |&(code, _)| code).ok().map(|i| REASON_STRINGS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::errstrings::{error_string, pack};

    #[test]
    fn table_is_sorted_unique_and_ssl_only() {
        assert!(REASON_STRINGS.len() > 300);
        for pair in REASON_STRINGS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "not sorted at {}", pair[1].0);
        }
        // No entry may carry libcrypto's "common" flag (that would shadow ERR_R_*).
        assert!(REASON_STRINGS.iter().all(|&(r, _)| r > 0 && r & (2 << 18) == 0));
    }

    #[test]
    fn lookup() {
        assert_eq!(reason_string(134), Some("certificate verify failed"));
        assert_eq!(reason_string(1048), Some("tlsv1 alert unknown ca"));
        assert_eq!(reason_string(1), None);
    }

    #[test]
    fn error_strings_match_system_libssl() {
        load();
        load(); // idempotent
        let mismatches: Vec<String> = EXPECTED_ERROR_STRINGS
            .iter()
            .filter_map(|&(code, expected)| {
                let got = error_string(code);
                (got != expected).then(|| format!("{code:#010x}: got {got:?}, want {expected:?}"))
            })
            .collect();
        assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
        // Every SSL reason and the common ERR_R_* ones under the SSL library are covered.
        assert!(EXPECTED_ERROR_STRINGS.len() > REASON_STRINGS.len() + 20);
    }

    #[test]
    fn the_lead_example() {
        load();
        assert_eq!(
            error_string(pack(super::super::ERR_LIB_SSL, 134)),
            "error:0A000086:SSL routines::certificate verify failed"
        );
    }
}
