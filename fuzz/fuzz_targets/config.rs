//! config: configuration strings through the C ABI. The input is a short program of
//! operations (oxissl_fuzz::ops): SSL_CTX_set_cipher_list, SSL_CTX_set_ciphersuites,
//! SSL_CTX_set1_groups_list (SSL_CTX_ctrl 92), SSL_CTX_set1_sigalgs_list (98) and the
//! client variant (102), SSL_CONF_cmd with every command name of src/conf.rs (and the
//! `-` forms) under any FILE/CMDLINE/CLIENT/SERVER/CERTIFICATE/SHOW_ERRORS flags,
//! SSL_CONF_cmd_argv, SSL_CTX_set_alpn_protos / SSL_set_alpn_protos and
//! SSL_select_next_proto with raw wire lists, SSL_set_cipher_list/ciphersuites,
//! min/max protocol versions. Then the state is read back: SSL_CTX_get_ciphers (with
//! every SSL_CIPHER accessor), SSL_get_cipher_list, SSL_get1_supported_ciphers,
//! min/max version, options, groups.
#![no_main]
use std::os::raw::{c_char, c_int, c_void};

use libfuzzer_sys::fuzz_target;
use oxissl::abi::{cipher, conf};
use oxissl_fuzz::ffi::*;
use oxissl_fuzz::ops::{self, Program};

fn cipher_details(sk: *mut c_void) {
    if sk.is_null() {
        return;
    }
    // SAFETY: a STACK_OF(SSL_CIPHER) of static ciphers.
    unsafe {
        for i in 0..OPENSSL_sk_num(sk) {
            let c = OPENSSL_sk_value(sk, i) as *const oxissl::abi::SSL_CIPHER;
            let mut buf = [0 as c_char; 128];
            cipher::SSL_CIPHER_description(c, buf.as_mut_ptr(), buf.len() as c_int);
            let mut tiny = [0 as c_char; 8];
            cipher::SSL_CIPHER_description(c, tiny.as_mut_ptr(), tiny.len() as c_int);
            let d = cipher::SSL_CIPHER_description(c, std::ptr::null_mut(), 0);
            if !d.is_null() {
                openssl_sys::CRYPTO_free(d as *mut c_void, c"fuzz".as_ptr(), 0);
            }
            cipher::SSL_CIPHER_standard_name(c);
            cipher::SSL_CIPHER_get_version(c);
            cipher::SSL_CIPHER_get_bits(c, std::ptr::null_mut());
            cipher::SSL_CIPHER_get_protocol_id(c);
            cipher::SSL_CIPHER_get_kx_nid(c);
            cipher::SSL_CIPHER_get_auth_nid(c);
            cipher::SSL_CIPHER_get_digest_nid(c);
            cipher::SSL_CIPHER_get_cipher_nid(c);
            cipher::SSL_CIPHER_get_handshake_digest(c);
            cipher::SSL_CIPHER_is_aead(c);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let program = ops::parse(data);
    let mut p = Program::new();
    let mut results = Vec::new();
    for op in &program {
        results.push(p.apply(op));
        // Value types of the names the program used.
        if op.code == ops::Code::ConfCmd {
            let cctx = conf::SSL_CONF_CTX_new();
            conf::SSL_CONF_CTX_set_flags(cctx, (op.flags & 0x3f) as u32);
            let name = oxissl_fuzz::tls::cstring(&op.a);
            conf::SSL_CONF_cmd_value_type(cctx, name.as_ptr());
            conf::SSL_CONF_CTX_free(cctx);
        }
    }
    let outcome = p.outcome(results);
    cipher_details(cipher::SSL_CTX_get_ciphers(p.ctx) as *mut c_void);
    let s = p.ssl;
    cipher_details(cipher::SSL_get_ciphers(s) as *mut c_void);
    let sup = cipher::SSL_get1_supported_ciphers(s) as *mut c_void;
    cipher_details(sup);
    if !sup.is_null() {
        // SAFETY: our own stack (the ciphers are static).
        unsafe { OPENSSL_sk_free(sup) };
    }
    // The lists read back are made of known names, each once.
    for list in [&outcome.ctx_ciphers, &outcome.ssl_ciphers] {
        let mut seen = std::collections::HashSet::new();
        for n in list.iter() {
            assert!(seen.insert(n.clone()), "cipher {n} listed twice: {list:?}");
        }
    }
    oxissl_fuzz::tls::clear_errors();
});
