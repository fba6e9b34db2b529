//! `SSL_*` for one connection's peer verification, certificates and keys.
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::ptr;
use std::sync::Arc;

use openssl_sys::{pem_password_cb, stack_st_X509, EVP_PKEY, X509, X509_VERIFY_PARAM};

use super::ctx::stack_st_X509_NAME;
use super::SSL;
use crate::crypto::pkey::EvpPkey;
use crate::crypto::x509::{NameList, X509Cert};
use crate::ctx::VerifyCallback;
use crate::error;
use crate::keys;

// ---- verification ---------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_set_verify(s: *mut SSL, mode: c_int, callback: VerifyCallback) {
    ffi_boundary!("SSL_set_verify", (), {
        let ssl = try_ref!("SSL_set_verify", s, ());
        let mut st = ssl.settings();
        st.verify_mode = mode;
        if callback.is_some() {
            st.verify_callback = callback;
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_mode(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_verify_mode", 0, {
        let ssl = try_ref!("SSL_get_verify_mode", s, 0);
        let m = ssl.settings().verify_mode;
        m
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_callback(s: *const SSL) -> VerifyCallback {
    ffi_boundary!("SSL_get_verify_callback", None, {
        let ssl = try_ref!("SSL_get_verify_callback", s, None);
        let cb = ssl.settings().verify_callback;
        cb
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_verify_depth(s: *mut SSL, depth: c_int) {
    ffi_boundary!("SSL_set_verify_depth", (), {
        let ssl = try_ref!("SSL_set_verify_depth", s, ());
        ssl.settings().param.set_depth(depth);
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_depth(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_verify_depth", 0, {
        let ssl = try_ref!("SSL_get_verify_depth", s, 0);
        let d = ssl.settings().param.depth();
        d
    })
}

#[no_mangle]
pub extern "C" fn SSL_get0_param(s: *mut SSL) -> *mut X509_VERIFY_PARAM {
    ffi_boundary!("SSL_get0_param", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get0_param", s, ptr::null_mut());
        let p = ssl.settings().param.as_ptr();
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_set1_param(s: *mut SSL, vpm: *mut X509_VERIFY_PARAM) -> c_int {
    ffi_boundary!("SSL_set1_param", 0, {
        let ssl = try_ref!("SSL_set1_param", s, 0);
        // A NULL set changes nothing and succeeds (X509_VERIFY_PARAM_set1, as OpenSSL).
        // SAFETY: `vpm` is NULL or the caller's live X509_VERIFY_PARAM (the libssl contract).
        let ok = unsafe { ssl.settings().param.set_from_ptr(vpm) };
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    ffi_boundary!("SSL_set1_host", 0, {
        let ssl = try_ref!("SSL_set1_host", s, 0);
        let name = if hostname.is_null() {
            None
        } else {
            // SAFETY: NUL-terminated string from the caller.
            Some(unsafe { std::ffi::CStr::from_ptr(hostname) }.to_bytes())
        };
        // An IP address literal is checked as an address, as OpenSSL does.
        let mut st = ssl.settings();
        if let Some(ip) =
            name.and_then(|n| std::str::from_utf8(n).ok()).and_then(|n| n.parse::<std::net::IpAddr>().ok())
        {
            st.param.set_host(None);
            let ok = match ip {
                std::net::IpAddr::V4(a) => st.param.set_ip(&a.octets()),
                std::net::IpAddr::V6(a) => st.param.set_ip(&a.octets()),
            };
            return ok as c_int;
        }
        st.param.set_host(name) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_add1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    ffi_boundary!("SSL_add1_host", 0, {
        let ssl = try_ref!("SSL_add1_host", s, 0);
        if hostname.is_null() {
            return 1; // adding no name changes nothing, as in OpenSSL
        }
        let name = try_cstr!("SSL_add1_host", hostname, 0);
        let ok = ssl.settings().param.add_host(name.to_bytes());
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_hostflags(s: *mut SSL, flags: c_uint) {
    ffi_boundary!("SSL_set_hostflags", (), {
        let ssl = try_ref!("SSL_set_hostflags", s, ());
        ssl.settings().param.set_hostflags(flags);
    })
}

#[no_mangle]
pub extern "C" fn SSL_get0_peername(s: *mut SSL) -> *const c_char {
    ffi_boundary!("SSL_get0_peername", ptr::null(), {
        let ssl = try_ref!("SSL_get0_peername", s, ptr::null());
        let p = ssl.settings().param.peername_ptr();
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_verify_result(s: *const SSL) -> c_long {
    ffi_boundary!("SSL_get_verify_result", 1, {
        let ssl = try_ref!("SSL_get_verify_result", s, 1);
        let r = ssl.peer().verify_result;
        r as c_long
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_verify_result(s: *mut SSL, v: c_long) {
    ffi_boundary!("SSL_set_verify_result", (), {
        let ssl = try_ref!("SSL_set_verify_result", s, ());
        ssl.peer().verify_result = v;
    })
}

#[no_mangle]
pub extern "C" fn SSL_get1_peer_certificate(s: *const SSL) -> *mut X509 {
    ffi_boundary!("SSL_get1_peer_certificate", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get1_peer_certificate", s, ptr::null_mut());
        let p = ssl.peer().chain.first().map_or(ptr::null_mut(), X509Cert::up_ref_ptr);
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_peer_cert_chain(s: *const SSL) -> *mut stack_st_X509 {
    ffi_boundary!("SSL_get_peer_cert_chain", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_peer_cert_chain", s, ptr::null_mut());
        ssl.peer_chain_stack(false)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get0_verified_chain(s: *const SSL) -> *mut stack_st_X509 {
    ffi_boundary!("SSL_get0_verified_chain", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get0_verified_chain", s, ptr::null_mut());
        ssl.peer_chain_stack(true)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_ex_data_X509_STORE_CTX_idx() -> c_int {
    ffi_boundary!("SSL_get_ex_data_X509_STORE_CTX_idx", -1, { crate::crypto::x509::ssl_ex_index() })
}

// ---- certificates and keys -----------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_use_certificate(s: *mut SSL, x: *mut X509) -> c_int {
    ffi_boundary!("SSL_use_certificate", 0, {
        let ssl = try_ref!("SSL_use_certificate", s, 0);
        // SAFETY: the SSL takes its own reference to the caller's certificate.
        let Some(cert) = (unsafe { X509Cert::from_borrowed(x) }) else {
            error::raise_null("SSL_use_certificate");
            return 0;
        };
        keys::use_certificate(&mut ssl.settings(), cert) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_certificate_ASN1(s: *mut SSL, d: *const c_uchar, len: c_int) -> c_int {
    ffi_boundary!("SSL_use_certificate_ASN1", 0, {
        let ssl = try_ref!("SSL_use_certificate_ASN1", s, 0);
        if d.is_null() {
            error::raise_null("SSL_use_certificate_ASN1");
            return 0;
        }
        // SAFETY: as in SSL_CTX_use_certificate_ASN1.
        let Some(cert) = (unsafe { X509Cert::from_der_raw(d, len as c_long) }) else {
            error::raise(error::ERR_R_ASN1_LIB);
            return 0;
        };
        keys::use_certificate(&mut ssl.settings(), cert) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_certificate_file(s: *mut SSL, file: *const c_char, type_: c_int) -> c_int {
    ffi_boundary!("SSL_use_certificate_file", 0, {
        let ssl = try_ref!("SSL_use_certificate_file", s, 0);
        let f = try_cstr!("SSL_use_certificate_file", file, 0);
        keys::use_certificate_file(&mut ssl.settings(), f, type_) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_certificate_chain_file(s: *mut SSL, file: *const c_char) -> c_int {
    ffi_boundary!("SSL_use_certificate_chain_file", 0, {
        let ssl = try_ref!("SSL_use_certificate_chain_file", s, 0);
        let f = try_cstr!("SSL_use_certificate_chain_file", file, 0);
        keys::use_certificate_chain_file(&mut ssl.settings(), f) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_PrivateKey(s: *mut SSL, pkey: *mut EVP_PKEY) -> c_int {
    ffi_boundary!("SSL_use_PrivateKey", 0, {
        let ssl = try_ref!("SSL_use_PrivateKey", s, 0);
        // SAFETY: the SSL takes its own reference to the caller's key.
        let Some(key) = (unsafe { EvpPkey::from_borrowed(pkey) }) else {
            error::raise_null("SSL_use_PrivateKey");
            return 0;
        };
        keys::use_private_key(&mut ssl.settings(), key) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_PrivateKey_ASN1(pk: c_int, s: *mut SSL, d: *const c_uchar, len: c_long) -> c_int {
    ffi_boundary!("SSL_use_PrivateKey_ASN1", 0, {
        let ssl = try_ref!("SSL_use_PrivateKey_ASN1", s, 0);
        if d.is_null() {
            error::raise_null("SSL_use_PrivateKey_ASN1");
            return 0;
        }
        // SAFETY: as in SSL_CTX_use_PrivateKey_ASN1.
        let Some(key) = (unsafe { EvpPkey::from_der_typed(pk, d, len) }) else {
            error::raise(error::ERR_R_ASN1_LIB);
            return 0;
        };
        keys::use_private_key(&mut ssl.settings(), key) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_use_PrivateKey_file(s: *mut SSL, file: *const c_char, type_: c_int) -> c_int {
    ffi_boundary!("SSL_use_PrivateKey_file", 0, {
        let ssl = try_ref!("SSL_use_PrivateKey_file", s, 0);
        let f = try_cstr!("SSL_use_PrivateKey_file", file, 0);
        keys::use_private_key_file(&mut ssl.settings(), f, type_) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_check_private_key(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_check_private_key", 0, {
        let ssl = try_ref!("SSL_check_private_key", s, 0);
        keys::check_private_key(&ssl.settings()) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_certificate(s: *const SSL) -> *mut X509 {
    ffi_boundary!("SSL_get_certificate", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_certificate", s, ptr::null_mut());
        let p = ssl.settings().cert.cert.as_ref().map_or(ptr::null_mut(), |c| c.as_ptr());
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_privatekey(s: *const SSL) -> *mut EVP_PKEY {
    ffi_boundary!("SSL_get_privatekey", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_privatekey", s, ptr::null_mut());
        let p = ssl.settings().cert.key.as_ref().map_or(ptr::null_mut(), |k| k.as_ptr());
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_default_passwd_cb(s: *mut SSL, cb: pem_password_cb) {
    ffi_boundary!("SSL_set_default_passwd_cb", (), {
        let ssl = try_ref!("SSL_set_default_passwd_cb", s, ());
        ssl.settings().passwd.cb = cb;
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_default_passwd_cb_userdata(s: *mut SSL, u: *mut c_void) {
    ffi_boundary!("SSL_set_default_passwd_cb_userdata", (), {
        let ssl = try_ref!("SSL_set_default_passwd_cb_userdata", s, ());
        ssl.settings().passwd.userdata = u;
    })
}

/// `SSL_dup_CA_list`: a deep copy of a list of CA names (NULL for NULL).
#[no_mangle]
pub extern "C" fn SSL_dup_CA_list(sk: *const stack_st_X509_NAME) -> *mut stack_st_X509_NAME {
    ffi_boundary!("SSL_dup_CA_list", ptr::null_mut(), {
        if sk.is_null() {
            // OpenSSL copies NULL as an empty list (sk_X509_NAME_num(NULL) is -1).
            return NameList::empty().into_raw() as *mut stack_st_X509_NAME;
        }
        // SAFETY: a live STACK_OF(X509_NAME) borrowed for the call; the copy is the caller's.
        unsafe { NameList::dup_of(sk as *const c_void) }.into_raw() as *mut stack_st_X509_NAME
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_client_CA_list(s: *mut SSL, name_list: *mut stack_st_X509_NAME) {
    ffi_boundary!("SSL_set_client_CA_list", (), {
        let ssl = try_ref!("SSL_set_client_CA_list", s, ());
        // SAFETY: the SSL takes ownership of the caller's stack.
        let names = unsafe { NameList::from_owned(name_list) };
        ssl.settings().client_ca_names = Arc::new(names);
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_client_CA_list(s: *const SSL) -> *mut stack_st_X509_NAME {
    ffi_boundary!("SSL_get_client_CA_list", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_client_CA_list", s, ptr::null_mut());
        if !ssl.is_server() {
            // A client reports the names the server sent in its CertificateRequest.
            return ssl.peer().received_ca_names.as_ref().map_or(ptr::null_mut(), |n| n.as_ptr());
        }
        let p = ssl.settings().client_ca_names.as_ptr();
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_add_client_CA(s: *mut SSL, x: *mut X509) -> c_int {
    ffi_boundary!("SSL_add_client_CA", 0, {
        let ssl = try_ref!("SSL_add_client_CA", s, 0);
        // SAFETY: borrowed for the call only.
        let Some(cert) = (unsafe { X509Cert::from_borrowed(x) }) else {
            error::raise_null("SSL_add_client_CA");
            return 0;
        };
        let mut st = ssl.settings();
        st.client_ca_names = Arc::new(st.client_ca_names.with_subject_of(&cert));
        1
    })
}
