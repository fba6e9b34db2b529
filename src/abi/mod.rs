//! The C ABI: every `extern "C"` entry point of libssl.so.3 that oxissl implements.
//!
//! Each entry point has the same shape: check pointers, run the body inside
//! [`ffi_boundary!`] so that no panic unwinds into C, convert C values, and delegate to
//! the safe core. Ownership of the opaque pointers is declared once, in [`ownership`].
// C names for C types and functions. The entry points are `extern "C"` functions that
// only C calls, with C's pointers: their validity is the C caller's side of the libssl
// contract (`ownership.rs`), and marking each entry point `unsafe fn` would change
// nothing for C, so clippy's not_unsafe_ptr_arg_deref is off in this module; each use of
// a pointer says in its SAFETY comment what it relies on.
#![allow(non_camel_case_types, non_snake_case, clippy::not_unsafe_ptr_arg_deref)]

#[macro_use]
pub mod macros;
pub use crate::handles::ownership;
pub use crate::handles::{SSL, SSL_CIPHER, SSL_CONF_CTX, SSL_CTX, SSL_METHOD, SSL_SESSION};

pub mod bio_ssl;
pub mod cipher;
pub mod compat;
pub mod conf;
pub mod cookie;
pub mod ctrl;
pub mod ctx;
pub mod ctx_certs;
pub mod dane;
pub mod err;
pub mod hello;
pub mod info;
pub mod keyload;
#[cfg(feature = "lock-stats")]
pub mod lockstats;
pub mod psk;
pub mod reneg;
pub mod session;
pub mod settings;
pub mod srp;
pub mod ssl;
pub mod ssl_certs;
pub mod ticket;
pub mod unsupported;

/// A control command oxissl does not implement: OpenSSL's failure value (0) and an
/// error naming the command. A command OpenSSL 3.0 does not know either (for that
/// function) gets OpenSSL's answer to it: 0 and nothing on the error queue, which
/// `SSL_get_error` would otherwise read as a failure of the next I/O call.
pub(crate) fn unsupported_ctrl(function: &str, cmd: std::os::raw::c_int) -> std::os::raw::c_long {
    if openssl_knows_ctrl(function, cmd) {
        crate::error::raise_unsupported(&format!("{function} command {cmd}"));
    }
    0
}

/// The commands OpenSSL 3.0's control functions handle for a TLS method: the `case`
/// labels of `SSL_ctrl` + `ssl3_ctrl`, `SSL_CTX_ctrl` + `ssl3_ctx_ctrl`,
/// `SSL_callback_ctrl` + `ssl3_callback_ctrl` and `SSL_CTX_callback_ctrl` +
/// `ssl3_ctx_callback_ctrl` (ssl/ssl_lib.c, ssl/s3_lib.c); every other command returns 0.
fn openssl_knows_ctrl(function: &str, cmd: std::os::raw::c_int) -> bool {
    let known: &[std::os::raw::c_int] = match function {
        "SSL_ctrl" => &[
            3, 4, 6, 9, 10, 11, 12, 13, 16, 33, 40, 41, 50, 51, 52, 55, 57, 65, 66, 67, 68, 69, 70, 71, 76, 78, 88, 89,
            90, 91, 92, 93, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 115, 116, 117, 118,
            122, 123, 124, 125, 126, 127, 130, 131, 132, 133, 134, 136, 137, 138,
        ],
        "SSL_CTX_ctrl" => &[
            3, 4, 6, 14, 16, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 33, 40, 41, 42, 43, 44, 45, 50, 51, 52,
            54, 58, 59, 64, 65, 78, 79, 80, 81, 82, 83, 88, 89, 91, 92, 97, 98, 99, 100, 101, 102, 104, 105, 106, 107,
            115, 116, 117, 118, 123, 124, 125, 126, 127, 128, 129, 130, 131, 137, 138,
        ],
        "SSL_callback_ctrl" => &[6, 15, 56, 79],
        "SSL_CTX_callback_ctrl" => &[6, 15, 53, 63, 72, 75, 76, 77, 79],
        // Any other caller: a command OpenSSL knows.
        _ => return true,
    };
    known.contains(&cmd)
}
