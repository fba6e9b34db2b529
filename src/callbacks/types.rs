//! The application's callback types, as the C setters receive them and the context keeps
//! them.
use std::os::raw::{c_char, c_int, c_uchar, c_uint, c_void};

use crate::handles::{SSL, SSL_CTX, SSL_SESSION};

pub type VerifyCallback = Option<unsafe extern "C" fn(c_int, *mut openssl_sys::X509_STORE_CTX) -> c_int>;

/// `SSL_CTX_set_msg_callback`'s callback type.
pub type MsgFn = unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut SSL, *mut c_void);
pub type MsgCb = Option<MsgFn>;

pub type AlpnSelectFn =
    unsafe extern "C" fn(*mut SSL, *mut *const u8, *mut u8, *const u8, c_uint, *mut c_void) -> c_int;
pub type AlpnSelectCb = Option<AlpnSelectFn>;
pub type ServernameFn = unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int;
pub type ServernameCb = Option<ServernameFn>;
/// `SSL_CTX_set_cert_cb`'s callback type.
pub type CertFn = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;
pub type CertCb = Option<CertFn>;
/// `SSL_CTX_set_client_hello_cb`'s callback type.
pub type ClientHelloFn = unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int;
pub type ClientHelloCb = Option<ClientHelloFn>;
pub type KeylogCb = Option<unsafe extern "C" fn(*const SSL, *const c_char)>;
pub type InfoCb = Option<unsafe extern "C" fn(*const SSL, c_int, c_int)>;
pub type NewSessionCb = Option<unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int>;
pub type RemoveSessionCb = Option<unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION)>;
pub type GetSessionCb = Option<unsafe extern "C" fn(*mut SSL, *const u8, c_int, *mut c_int) -> *mut SSL_SESSION>;

/// `SSL_CTX_set_client_cert_cb`'s callback: hands the client a certificate and key.
pub type ClientCertCb =
    Option<unsafe extern "C" fn(*mut SSL, *mut *mut openssl_sys::X509, *mut *mut openssl_sys::EVP_PKEY) -> c_int>;
/// `SSL_CTX_set_cert_verify_callback`'s callback: verifies the peer chain in place of
/// `X509_verify_cert`.
pub type CertVerifyFn = unsafe extern "C" fn(*mut openssl_sys::X509_STORE_CTX, *mut c_void) -> c_int;
pub type CertVerifyCb = Option<CertVerifyFn>;

/// `SSL_CTX_set_session_ticket_cb`'s callbacks: before a ticket is made, and once a
/// presented ticket has been opened (or not).
pub type TicketGenFn = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;
pub type TicketGenCb = Option<TicketGenFn>;
pub type TicketDecFn =
    unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION, *const c_uchar, usize, c_int, *mut c_void) -> c_int;
pub type TicketDecCb = Option<TicketDecFn>;

/// `SSL_CTX_set_tlsext_status_cb`'s callback.
pub type StatusFn = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;
pub type StatusCb = Option<StatusFn>;

/// `SSL_CTX_set_tlsext_ticket_key_cb`'s callback (deprecated in 3.0, `HMAC_CTX`) or
/// `SSL_CTX_set_tlsext_ticket_key_evp_cb`'s (`EVP_MAC_CTX`).
#[derive(Clone, Copy, Default)]
pub enum TicketKeyCb {
    #[default]
    None,
    Hmac(
        unsafe extern "C" fn(
            *mut SSL,
            *mut c_uchar,
            *mut c_uchar,
            *mut openssl_sys::EVP_CIPHER_CTX,
            *mut openssl_sys::HMAC_CTX,
            c_int,
        ) -> c_int,
    ),
    Evp(
        unsafe extern "C" fn(
            *mut SSL,
            *mut c_uchar,
            *mut c_uchar,
            *mut openssl_sys::EVP_CIPHER_CTX,
            *mut openssl_sys::EVP_MAC_CTX,
            c_int,
        ) -> c_int,
    ),
}

/// The cookie callbacks of `SSL_CTX_set_(stateless_)cookie_{generate,verify}_cb`.
#[derive(Clone, Copy, Default)]
pub struct CookieCallbacks {
    pub generate: Option<unsafe extern "C" fn(*mut SSL, *mut u8, *mut c_uint) -> c_int>,
    pub verify: Option<unsafe extern "C" fn(*mut SSL, *const u8, c_uint) -> c_int>,
    pub stateless_generate: Option<unsafe extern "C" fn(*mut SSL, *mut u8, *mut usize) -> c_int>,
    pub stateless_verify: Option<unsafe extern "C" fn(*mut SSL, *const u8, usize) -> c_int>,
}
