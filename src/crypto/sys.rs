//! libcrypto functions openssl-sys does not declare (all exported by libcrypto.so.3).
#![allow(non_camel_case_types)]

use openssl_sys::{
    stack_st_X509, BIO, BIO_METHOD, CRYPTO_EX_DATA, EVP_PKEY, OPENSSL_STACK, PKCS8_PRIV_KEY_INFO, X509, X509_STORE,
    X509_STORE_CTX, X509_VERIFY_PARAM,
};
use std::os::raw::{c_char, c_int, c_uchar, c_void};

pub type X509VerifyCb = Option<unsafe extern "C" fn(c_int, *mut X509_STORE_CTX) -> c_int>;

/// `OPENSSL_sk_compfunc`: compares two pointers to stack elements.
pub type StackCmp = Option<unsafe extern "C" fn(*const c_void, *const c_void) -> c_int>;

extern "C" {
    pub fn HMAC_size(ctx: *const openssl_sys::HMAC_CTX) -> usize;
    pub fn COMP_get_name(comp: *const openssl_sys::COMP_METHOD) -> *const c_char;
    pub fn CRYPTO_strdup(s: *const c_char, file: *const c_char, line: c_int) -> *mut c_char;
    pub fn ERR_peek_error() -> std::os::raw::c_ulong;
    pub fn ERR_peek_last_error() -> std::os::raw::c_ulong;
    pub fn ERR_set_error_data(data: *mut c_char, flags: c_int);
    pub fn ERR_add_error_data(num: c_int, ...);

    pub fn BIO_test_flags(b: *const BIO, flags: c_int) -> c_int;
    pub fn BIO_up_ref(b: *mut BIO) -> c_int;
    pub fn BIO_method_type(b: *const BIO) -> c_int;
    pub fn BIO_get_retry_reason(b: *mut BIO) -> c_int;
    pub fn BIO_s_socket() -> *const BIO_METHOD;
    pub fn BIO_new_socket(sock: c_int, close_flag: c_int) -> *mut BIO;
    pub fn BIO_find_type(b: *mut BIO, bio_type: c_int) -> *mut BIO;

    pub fn CRYPTO_new_ex_data(class_index: c_int, obj: *mut c_void, ad: *mut CRYPTO_EX_DATA) -> c_int;
    pub fn CRYPTO_free_ex_data(class_index: c_int, obj: *mut c_void, ad: *mut CRYPTO_EX_DATA);
    pub fn CRYPTO_set_ex_data(ad: *mut CRYPTO_EX_DATA, idx: c_int, val: *mut c_void) -> c_int;
    pub fn CRYPTO_get_ex_data(ad: *const CRYPTO_EX_DATA, idx: c_int) -> *mut c_void;

    pub fn X509_STORE_up_ref(s: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_load_file(s: *mut X509_STORE, file: *const c_char) -> c_int;
    pub fn X509_STORE_load_path(s: *mut X509_STORE, path: *const c_char) -> c_int;
    pub fn X509_STORE_load_store(s: *mut X509_STORE, store: *const c_char) -> c_int;
    pub fn X509_STORE_load_locations(s: *mut X509_STORE, file: *const c_char, dir: *const c_char) -> c_int;
    pub fn X509_STORE_set_default_paths(s: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_CTX_set_ex_data(ctx: *mut X509_STORE_CTX, idx: c_int, data: *mut c_void) -> c_int;
    pub fn X509_STORE_CTX_set0_param(ctx: *mut X509_STORE_CTX, param: *mut X509_VERIFY_PARAM);
    pub fn X509_STORE_CTX_get0_param(ctx: *const X509_STORE_CTX) -> *mut X509_VERIFY_PARAM;
    pub fn X509_STORE_CTX_set_verify_cb(ctx: *mut X509_STORE_CTX, cb: X509VerifyCb);
    pub fn X509_STORE_CTX_set_default(ctx: *mut X509_STORE_CTX, name: *const c_char) -> c_int;
    pub fn X509_STORE_CTX_get1_chain(ctx: *const X509_STORE_CTX) -> *mut stack_st_X509;
    pub fn X509_STORE_CTX_set_error(ctx: *mut X509_STORE_CTX, s: c_int);
    pub fn X509_VERIFY_PARAM_set1(to: *mut X509_VERIFY_PARAM, from: *const X509_VERIFY_PARAM) -> c_int;
    pub fn X509_VERIFY_PARAM_inherit(to: *mut X509_VERIFY_PARAM, from: *const X509_VERIFY_PARAM) -> c_int;
    pub fn X509_VERIFY_PARAM_add1_host(p: *mut X509_VERIFY_PARAM, name: *const c_char, len: usize) -> c_int;
    pub fn X509_VERIFY_PARAM_get_hostflags(p: *const X509_VERIFY_PARAM) -> std::os::raw::c_uint;
    pub fn X509_VERIFY_PARAM_get0_peername(p: *const X509_VERIFY_PARAM) -> *mut c_char;
    pub fn X509_VERIFY_PARAM_get_depth(p: *const X509_VERIFY_PARAM) -> c_int;
    pub fn X509_VERIFY_PARAM_set_purpose(p: *mut X509_VERIFY_PARAM, purpose: c_int) -> c_int;
    pub fn X509_VERIFY_PARAM_set_trust(p: *mut X509_VERIFY_PARAM, trust: c_int) -> c_int;
    pub fn X509_chain_up_ref(chain: *mut stack_st_X509) -> *mut stack_st_X509;
    pub fn X509_check_private_key(x: *const X509, k: *const EVP_PKEY) -> c_int;
    pub fn PEM_read_bio_X509_AUX(
        bp: *mut BIO,
        x: *mut *mut X509,
        cb: openssl_sys::pem_password_cb,
        u: *mut c_void,
    ) -> *mut X509;
    pub fn i2d_PKCS8_PRIV_KEY_INFO(a: *const PKCS8_PRIV_KEY_INFO, out: *mut *mut c_uchar) -> c_int;
    pub fn OBJ_find_sigid_by_algs(psignid: *mut c_int, dig_nid: c_int, pkey_nid: c_int) -> c_int;
    pub fn OPENSSL_sk_value(st: *const OPENSSL_STACK, i: c_int) -> *mut c_void;
    pub fn OPENSSL_sk_num(st: *const OPENSSL_STACK) -> c_int;
    pub fn OPENSSL_sk_push(st: *mut OPENSSL_STACK, data: *const c_void) -> c_int;
    pub fn OPENSSL_sk_new_null() -> *mut OPENSSL_STACK;
    pub fn OPENSSL_sk_set_cmp_func(st: *mut OPENSSL_STACK, cmp: StackCmp) -> StackCmp;
    pub fn OPENSSL_sk_find(st: *mut OPENSSL_STACK, data: *const c_void) -> c_int;
    pub fn OPENSSL_sk_free(st: *mut OPENSSL_STACK);
    pub fn OPENSSL_sk_pop_free(st: *mut OPENSSL_STACK, func: Option<unsafe extern "C" fn(*mut c_void)>);
    pub fn EVP_PKEY_get_id(pkey: *const EVP_PKEY) -> c_int;
    pub fn EVP_PKEY_get_bits(pkey: *const EVP_PKEY) -> c_int;
    pub fn EVP_PKEY_Q_keygen(libctx: *mut c_void, propq: *const c_char, type_: *const c_char, ...) -> *mut EVP_PKEY;
    pub fn ERR_set_mark() -> c_int;
    pub fn ERR_pop_to_mark() -> c_int;
}

extern "C" {
    pub fn OPENSSL_init_crypto(opts: u64, settings: *const c_void) -> c_int;
    pub fn BIO_new_file(filename: *const c_char, mode: *const c_char) -> *mut BIO;
}

extern "C" {
    pub fn BIO_free(b: *mut BIO) -> c_int;
    pub fn d2i_PrivateKey_bio(bp: *mut BIO, a: *mut *mut EVP_PKEY) -> *mut EVP_PKEY;
    pub fn d2i_PrivateKey(
        type_: c_int,
        a: *mut *mut EVP_PKEY,
        pp: *mut *const u8,
        length: std::os::raw::c_long,
    ) -> *mut EVP_PKEY;
}

extern "C" {
    pub fn X509_get0_pubkey(x: *const X509) -> *mut EVP_PKEY;
}

extern "C" {
    /// (`CTLOG_STORE *`: oxissl has no Certificate Transparency, only this release.)
    pub fn CTLOG_STORE_free(store: *mut c_void);
}

extern "C" {
    pub fn CRYPTO_dup_ex_data(class_index: c_int, to: *mut CRYPTO_EX_DATA, from: *const CRYPTO_EX_DATA) -> c_int;
}

/// The callbacks of a `BIO_METHOD` (`BIO_meth_set_*`), old-style (int lengths).
pub type BioWriteCb = Option<unsafe extern "C" fn(*mut BIO, *const c_char, c_int) -> c_int>;
pub type BioReadCb = Option<unsafe extern "C" fn(*mut BIO, *mut c_char, c_int) -> c_int>;
pub type BioPutsCb = Option<unsafe extern "C" fn(*mut BIO, *const c_char) -> c_int>;
pub type BioCtrlCb =
    Option<unsafe extern "C" fn(*mut BIO, c_int, std::os::raw::c_long, *mut c_void) -> std::os::raw::c_long>;
pub type BioCreateCb = Option<unsafe extern "C" fn(*mut BIO) -> c_int>;
pub type BioInfoCb = Option<unsafe extern "C" fn(*mut BIO, c_int, c_int) -> c_int>;
pub type BioCallbackCtrlCb = Option<unsafe extern "C" fn(*mut BIO, c_int, BioInfoCb) -> std::os::raw::c_long>;

// Declared here rather than taken from openssl-sys, whose setters have non-optional or
// mistyped callback parameters.
extern "C" {
    pub fn BIO_meth_new(type_: c_int, name: *const c_char) -> *mut BIO_METHOD;
    pub fn BIO_meth_set_write(biom: *mut BIO_METHOD, f: BioWriteCb) -> c_int;
    pub fn BIO_meth_set_read(biom: *mut BIO_METHOD, f: BioReadCb) -> c_int;
    pub fn BIO_meth_set_puts(biom: *mut BIO_METHOD, f: BioPutsCb) -> c_int;
    pub fn BIO_meth_set_ctrl(biom: *mut BIO_METHOD, f: BioCtrlCb) -> c_int;
    pub fn BIO_meth_set_create(biom: *mut BIO_METHOD, f: BioCreateCb) -> c_int;
    pub fn BIO_meth_set_destroy(biom: *mut BIO_METHOD, f: BioCreateCb) -> c_int;
    pub fn BIO_meth_set_callback_ctrl(biom: *mut BIO_METHOD, f: BioCallbackCtrlCb) -> c_int;
    pub fn BIO_new(method: *const BIO_METHOD) -> *mut BIO;
    pub fn BIO_set_data(b: *mut BIO, data: *mut c_void);
    pub fn BIO_get_data(b: *mut BIO) -> *mut c_void;
    pub fn BIO_set_init(b: *mut BIO, init: c_int);
    pub fn BIO_get_init(b: *mut BIO) -> c_int;
    pub fn BIO_set_shutdown(b: *mut BIO, shut: c_int);
    pub fn BIO_get_shutdown(b: *mut BIO) -> c_int;
    pub fn BIO_set_flags(b: *mut BIO, flags: c_int);
    pub fn BIO_clear_flags(b: *mut BIO, flags: c_int);
    pub fn BIO_next(b: *mut BIO) -> *mut BIO;
    pub fn BIO_set_next(b: *mut BIO, next: *mut BIO);
    pub fn BIO_push(b: *mut BIO, append: *mut BIO) -> *mut BIO;
    pub fn BIO_copy_next_retry(b: *mut BIO);
    pub fn BIO_set_retry_reason(b: *mut BIO, reason: c_int);
    pub fn BIO_callback_ctrl(b: *mut BIO, cmd: c_int, fp: BioInfoCb) -> std::os::raw::c_long;
    pub fn BIO_s_connect() -> *const BIO_METHOD;
    pub fn BIO_f_buffer() -> *const BIO_METHOD;
}
