//! Shared code of oxissl's fuzz targets: the test PKI, the contexts a real client and
//! server would configure (every callback the targets exercise), in-process handshakes
//! over memory BIOs that record each side's flights, and the flight framing.
//!
//! Everything here drives oxissl exactly as a C program does: through its exported
//! `extern "C"` functions (`oxissl::abi::*`) with raw pointers, and libcrypto objects
//! (BIOs, X509, EVP_PKEY) made with libcrypto's own functions. No internal Rust API of
//! oxissl is used.
#![allow(clippy::missing_safety_doc)]

pub mod ffi;
pub mod ops;
pub mod oracle;
pub mod pki;
pub mod tls;

/// Splits a target input into flights: each is a big-endian u16 length and that many
/// bytes; a short last flight takes what is left.
pub fn split_flights(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !data.is_empty() {
        if data.len() < 2 {
            out.push(data);
            break;
        }
        let len = u16::from_be_bytes([data[0], data[1]]) as usize;
        let rest = &data[2..];
        let n = len.min(rest.len());
        out.push(&rest[..n]);
        data = &rest[n..];
    }
    out
}

/// The inverse of [`split_flights`] (flights longer than 65535 bytes are cut into
/// several).
pub fn frame_flights(flights: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in flights {
        for chunk in f.chunks(u16::MAX as usize) {
            out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
            out.extend_from_slice(chunk);
        }
    }
    out
}

/// Whether `OXISSL_FUZZ_DEBUG` is set: targets then print what they reached (for
/// checking that seeds reach the paths they were recorded for).
pub fn debug() -> bool {
    static D: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *D.get_or_init(|| std::env::var_os("OXISSL_FUZZ_DEBUG").is_some())
}

#[macro_export]
macro_rules! dbg_log {
    ($($t:tt)*) => {
        if $crate::debug() {
            eprintln!($($t)*);
        }
    };
}
