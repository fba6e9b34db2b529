//! libcrypto functions and libssl constants the harnesses need beyond openssl-sys.
use std::os::raw::{c_char, c_int, c_long, c_void};

pub use openssl_sys::{BIO, EVP_PKEY, X509};

extern "C" {
    pub fn BIO_new_bio_pair(bio1: *mut *mut BIO, writebuf1: usize, bio2: *mut *mut BIO, writebuf2: usize) -> c_int;
    pub fn BIO_ctrl_pending(b: *mut BIO) -> usize;
    pub fn BIO_free(b: *mut BIO) -> c_int;
    pub fn OSSL_PARAM_construct_utf8_string(
        key: *const c_char,
        buf: *mut c_char,
        bsize: usize,
    ) -> openssl_sys::OSSL_PARAM;
    pub fn OPENSSL_sk_num(st: *const c_void) -> c_int;
    pub fn OPENSSL_sk_value(st: *const c_void, i: c_int) -> *mut c_void;
    pub fn OPENSSL_sk_pop_free(st: *mut c_void, f: Option<unsafe extern "C" fn(*mut c_void)>);
    pub fn OPENSSL_sk_free(st: *mut c_void);
    pub fn X509_STORE_CTX_get_error(ctx: *mut openssl_sys::X509_STORE_CTX) -> c_int;
    pub fn X509_STORE_CTX_get_error_depth(ctx: *mut openssl_sys::X509_STORE_CTX) -> c_int;
    pub fn X509_STORE_CTX_get_current_cert(ctx: *mut openssl_sys::X509_STORE_CTX) -> *mut X509;
    pub fn X509_get_subject_name(x: *const X509) -> *mut openssl_sys::X509_NAME;
    pub fn X509_NAME_oneline(a: *const openssl_sys::X509_NAME, buf: *mut c_char, size: c_int) -> *mut c_char;
    pub fn ERR_clear_error();
    pub fn ERR_get_error() -> std::os::raw::c_ulong;
    pub fn RAND_bytes(buf: *mut u8, num: c_int) -> c_int;
    pub fn CRYPTO_malloc(num: usize, file: *const c_char, line: c_int) -> *mut c_void;
}

// BIO_ctrl commands (bio.h).
pub const BIO_CTRL_PENDING: c_int = 10;
pub const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;

// libssl constants (ssl.h / tls1.h), as a C program sees them.
pub const SSL_FILETYPE_PEM: c_int = 1;
pub const SSL_VERIFY_NONE: c_int = 0;
pub const SSL_VERIFY_PEER: c_int = 1;
pub const SSL_VERIFY_FAIL_IF_NO_PEER_CERT: c_int = 2;
pub const SSL_VERIFY_CLIENT_ONCE: c_int = 4;
pub const SSL_ERROR_NONE: c_int = 0;
pub const SSL_ERROR_SSL: c_int = 1;
pub const SSL_ERROR_WANT_READ: c_int = 2;
pub const SSL_ERROR_WANT_WRITE: c_int = 3;
pub const SSL_ERROR_WANT_X509_LOOKUP: c_int = 4;
pub const SSL_ERROR_SYSCALL: c_int = 5;
pub const SSL_ERROR_ZERO_RETURN: c_int = 6;
pub const SSL_ERROR_WANT_CLIENT_HELLO_CB: c_int = 11;

pub const SSL_CTRL_MODE: c_int = 33;
pub const SSL_CTRL_SET_READ_AHEAD: c_int = 41;
pub const SSL_CTRL_SET_SESS_CACHE_SIZE: c_int = 42;
pub const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
pub const SSL_CTRL_SET_TLSEXT_SERVERNAME_CB: c_int = 53;
pub const SSL_CTRL_SET_TLSEXT_HOSTNAME: c_int = 55;
pub const SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB: c_int = 63;
pub const SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE: c_int = 65;
pub const SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP: c_int = 70;
pub const SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP: c_int = 71;
pub const SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB: c_int = 72;
pub const SSL_CTRL_GET_GROUPS: c_int = 90;
pub const SSL_CTRL_SET_GROUPS_LIST: c_int = 92;
pub const SSL_CTRL_GET_SHARED_GROUP: c_int = 93;
pub const SSL_CTRL_SET_SIGALGS_LIST: c_int = 98;
pub const SSL_CTRL_SET_CLIENT_SIGALGS_LIST: c_int = 102;
pub const SSL_CTRL_GET_PEER_SIGNATURE_NID: c_int = 108;
pub const SSL_CTRL_GET_PEER_TMP_KEY: c_int = 109;
pub const SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
pub const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
pub const SSL_CTRL_GET_MIN_PROTO_VERSION: c_int = 130;
pub const SSL_CTRL_GET_MAX_PROTO_VERSION: c_int = 131;
pub const SSL_CTRL_GET_NEGOTIATED_GROUP: c_int = 134;

pub const SSL_SESS_CACHE_CLIENT: c_long = 1;
pub const SSL_SESS_CACHE_SERVER: c_long = 2;
pub const SSL_OP_NO_TICKET: u64 = 0x0000_4000;
pub const TLS1_2_VERSION: c_long = 0x0303;
pub const TLS1_3_VERSION: c_long = 0x0304;

pub const SSL_TLSEXT_ERR_OK: c_int = 0;
pub const SSL_TLSEXT_ERR_ALERT_WARNING: c_int = 1;
pub const SSL_TLSEXT_ERR_ALERT_FATAL: c_int = 2;
pub const SSL_TLSEXT_ERR_NOACK: c_int = 3;
pub const SSL_CLIENT_HELLO_SUCCESS: c_int = 1;
pub const SSL_CLIENT_HELLO_ERROR: c_int = 0;
pub const SSL_CLIENT_HELLO_RETRY: c_int = -1;
pub const OPENSSL_NPN_NEGOTIATED: c_int = 1;
