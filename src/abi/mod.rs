//! The C ABI: every `extern "C"` entry point of libssl.so.3 that oxissl implements.
//!
//! Each entry point has the same shape: check pointers, run the body inside
//! [`ffi_boundary!`] so that no panic unwinds into C, convert C values, and delegate to
//! the safe core. Ownership of the opaque pointers is declared once, in [`ownership`].
#![allow(non_camel_case_types, non_snake_case, clippy::not_unsafe_ptr_arg_deref)]

#[macro_use]
pub mod macros;
pub mod ownership;

pub mod alloc;
pub mod bio_ssl;
pub mod cipher;
pub mod compat;
pub mod conf;
pub mod cookie;
pub mod ctrl;
pub mod ctx;
pub mod dane;
pub mod err;
pub mod hello;
#[cfg(target_arch = "x86_64")]
pub mod memcpy;
pub mod info;
pub mod keyload;
pub mod session;
pub mod settings;
pub mod ssl;
pub mod ticket;
pub mod unsupported;


/// Opaque C handle of an `SSL_CTX` (a [`crate::ctx::SslCtx`] behind an `Arc`).
pub struct SSL_CTX {
    _private: [u8; 0],
}

/// Opaque C handle of an `SSL` (a [`crate::conn::Ssl`] behind an `Arc`).
pub struct SSL {
    _private: [u8; 0],
}

/// Opaque C handle of an `SSL_SESSION` (a [`crate::session::SslSession`] behind an `Arc`).
pub struct SSL_SESSION {
    _private: [u8; 0],
}

/// Opaque C handle of an `SSL_CIPHER` (a `&'static` [`crate::cipher::SslCipher`]).
pub struct SSL_CIPHER {
    _private: [u8; 0],
}

/// Opaque C handle of an `SSL_CONF_CTX` (a [`crate::conf::ConfCtx`] in a `Box`).
pub struct SSL_CONF_CTX {
    _private: [u8; 0],
}

/// Opaque C handle of an `SSL_METHOD` (a `&'static` [`crate::ctx::Method`]).
pub struct SSL_METHOD {
    _private: [u8; 0],
}

/// A control command oxissl does not implement: OpenSSL's failure value (0) and an
/// error naming the command.
pub(crate) fn unsupported_ctrl(function: &str, cmd: std::os::raw::c_int) -> std::os::raw::c_long {
    crate::error::raise_unsupported(&format!("{function} command {cmd}"));
    0
}

/// An opaque application pointer stored beside a callback and handed back to it.
#[derive(Clone, Copy, Debug)]
pub struct AppPtr(pub *mut std::os::raw::c_void);

// SAFETY: oxissl never dereferences the pointer; it only returns it to the
// application's own callback, which owns its thread-safety, exactly as OpenSSL does.
unsafe impl Send for AppPtr {}
// SAFETY: as above; shared references only copy the pointer value.
unsafe impl Sync for AppPtr {}

impl Default for AppPtr {
    fn default() -> Self {
        AppPtr(std::ptr::null_mut())
    }
}
