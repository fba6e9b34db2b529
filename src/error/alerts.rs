//! The texts behind `SSL_alert_type_string{,_long}` and `SSL_alert_desc_string{,_long}`.
//!
//! The argument is the `int` an info callback receives for `SSL_CB_ALERT`: the alert
//! level in the second byte, the description in the low byte. The texts (including
//! their quirks: `unexpected_message` with an underscore, `no application protocol`
//! with the short form `UK`, several descriptions without names) are what OpenSSL 3.0's
//! libssl returns; the unit tests compare every value against the system library.

use std::ffi::CStr;
use std::os::raw::c_int;

/// Short (one-letter) name of the alert level in `value >> 8`.
pub fn alert_type(value: c_int) -> &'static CStr {
    alert_level(value).0
}

/// Long name of the alert level in `value >> 8`.
pub fn alert_type_long(value: c_int) -> &'static CStr {
    alert_level(value).1
}

/// Two-letter name of the alert description in the low byte of `value`.
pub fn alert_desc(value: c_int) -> &'static CStr {
    alert_description(value).0
}

/// Long name of the alert description in the low byte of `value`.
pub fn alert_desc_long(value: c_int) -> &'static CStr {
    alert_description(value).1
}

fn alert_level(value: c_int) -> (&'static CStr, &'static CStr) {
    // Arithmetic shift, like C's `>>` on an int: negative values have no level.
    match value >> 8 {
        1 => (c"W", c"warning"),
        2 => (c"F", c"fatal"),
        _ => (c"U", c"unknown"),
    }
}

fn alert_description(value: c_int) -> (&'static CStr, &'static CStr) {
    match value & 0xff {
        0 => (c"CN", c"close notify"),
        10 => (c"UM", c"unexpected_message"),
        20 => (c"BM", c"bad record mac"),
        21 => (c"DC", c"decryption failed"),
        22 => (c"RO", c"record overflow"),
        30 => (c"DF", c"decompression failure"),
        40 => (c"HF", c"handshake failure"),
        41 => (c"NC", c"no certificate"),
        42 => (c"BC", c"bad certificate"),
        43 => (c"UC", c"unsupported certificate"),
        44 => (c"CR", c"certificate revoked"),
        45 => (c"CE", c"certificate expired"),
        46 => (c"CU", c"certificate unknown"),
        47 => (c"IP", c"illegal parameter"),
        48 => (c"CA", c"unknown CA"),
        49 => (c"AD", c"access denied"),
        50 => (c"DE", c"decode error"),
        51 => (c"CY", c"decrypt error"),
        60 => (c"ER", c"export restriction"),
        70 => (c"PV", c"protocol version"),
        71 => (c"IS", c"insufficient security"),
        80 => (c"IE", c"internal error"),
        90 => (c"US", c"user canceled"),
        100 => (c"NR", c"no renegotiation"),
        110 => (c"UE", c"unsupported extension"),
        111 => (c"CO", c"certificate unobtainable"),
        112 => (c"UN", c"unrecognized name"),
        113 => (c"BR", c"bad certificate status response"),
        114 => (c"BH", c"bad certificate hash value"),
        115 => (c"UP", c"unknown PSK identity"),
        120 => (c"UK", c"no application protocol"),
        _ => (c"UK", c"unknown"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::strings::{EXPECTED_ALERT_DESC, EXPECTED_ALERT_SAMPLES, EXPECTED_ALERT_TYPE};

    fn s(c: &CStr) -> &str {
        c.to_str().unwrap()
    }

    #[test]
    fn every_value_up_to_0xffff_matches_system_libssl() {
        // The generator checked that libssl's answers depend on the two bytes separately.
        for value in 0..=0xffff {
            let (short, long) = EXPECTED_ALERT_DESC[(value & 0xff) as usize];
            assert_eq!((s(alert_desc(value)), s(alert_desc_long(value))), (short, long), "{value:#x}");
            let (short, long) = EXPECTED_ALERT_TYPE[(value >> 8) as usize];
            assert_eq!((s(alert_type(value)), s(alert_type_long(value))), (short, long), "{value:#x}");
        }
    }

    #[test]
    fn values_outside_the_two_bytes_match_system_libssl() {
        for &(value, ty, ty_long, desc, desc_long) in EXPECTED_ALERT_SAMPLES {
            assert_eq!(s(alert_type(value)), ty, "{value}");
            assert_eq!(s(alert_type_long(value)), ty_long, "{value}");
            assert_eq!(s(alert_desc(value)), desc, "{value}");
            assert_eq!(s(alert_desc_long(value)), desc_long, "{value}");
        }
    }
}
