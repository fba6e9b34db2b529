//! The opaque C handles both layers name: `abi` converts them to and from the safe core's
//! objects, `callbacks` hands them to the application. How each is owned is declared once,
//! in [`ownership`].
#![allow(non_camel_case_types)]

pub mod ownership;

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
