//! `SSL_CTX_*` for a context's certificates, keys and client CA names.
use super::ctx::stack_st_X509_NAME;
use super::ownership::Handle;
use super::SSL_CTX;
use crate::crypto::pkey::EvpPkey;
use crate::crypto::x509::{NameList, X509Cert};
use crate::error;
use crate::keys;
use openssl_sys::{pem_password_cb, EVP_PKEY, X509};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_void};
use std::ptr;
use std::sync::Arc;

// ---- certificates and keys -------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate(ctx: *mut SSL_CTX, x: *mut X509) -> c_int {
    ffi_boundary!("SSL_CTX_use_certificate", 0, {
        let c = try_ref!("SSL_CTX_use_certificate", ctx, 0);
        // SAFETY: the context takes its own reference to the caller's certificate.
        let Some(cert) = (unsafe { X509Cert::from_borrowed(x) }) else {
            error::raise_null("SSL_CTX_use_certificate");
            return 0;
        };
        let ok = keys::use_certificate(&mut c.settings_mut(), cert);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate_ASN1(ctx: *mut SSL_CTX, len: c_int, d: *const c_uchar) -> c_int {
    ffi_boundary!("SSL_CTX_use_certificate_ASN1", 0, {
        let c = try_ref!("SSL_CTX_use_certificate_ASN1", ctx, 0);
        if d.is_null() {
            error::raise_null("SSL_CTX_use_certificate_ASN1");
            return 0;
        }
        // SAFETY: the caller passes `len` readable bytes at `d`; d2i_X509 fails a negative
        // length with libcrypto's error, as in OpenSSL.
        let Some(cert) = (unsafe { X509Cert::from_der_raw(d, len as c_long) }) else {
            error::raise(error::ERR_R_ASN1_LIB);
            return 0;
        };
        let ok = keys::use_certificate(&mut c.settings_mut(), cert);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate_file(ctx: *mut SSL_CTX, file: *const c_char, type_: c_int) -> c_int {
    ffi_boundary!("SSL_CTX_use_certificate_file", 0, {
        let c = try_ref!("SSL_CTX_use_certificate_file", ctx, 0);
        let f = try_cstr!("SSL_CTX_use_certificate_file", file, 0);
        let ok = keys::use_certificate_file(&mut c.settings_mut(), f, type_);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate_chain_file(ctx: *mut SSL_CTX, file: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_use_certificate_chain_file", 0, {
        let c = try_ref!("SSL_CTX_use_certificate_chain_file", ctx, 0);
        let f = try_cstr!("SSL_CTX_use_certificate_chain_file", file, 0);
        let ok = keys::use_certificate_chain_file(&mut c.settings_mut(), f);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_PrivateKey(ctx: *mut SSL_CTX, pkey: *mut EVP_PKEY) -> c_int {
    ffi_boundary!("SSL_CTX_use_PrivateKey", 0, {
        let c = try_ref!("SSL_CTX_use_PrivateKey", ctx, 0);
        // SAFETY: the context takes its own reference to the caller's key.
        let Some(key) = (unsafe { EvpPkey::from_borrowed(pkey) }) else {
            error::raise_null("SSL_CTX_use_PrivateKey");
            return 0;
        };
        let ok = keys::use_private_key(&mut c.settings_mut(), key);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_PrivateKey_ASN1(pk: c_int, ctx: *mut SSL_CTX, d: *const c_uchar, len: c_long) -> c_int {
    ffi_boundary!("SSL_CTX_use_PrivateKey_ASN1", 0, {
        let c = try_ref!("SSL_CTX_use_PrivateKey_ASN1", ctx, 0);
        if d.is_null() {
            error::raise_null("SSL_CTX_use_PrivateKey_ASN1");
            return 0;
        }
        // SAFETY: the caller passes `len` readable bytes at `d`; the key must be of type
        // `pk` and a negative length fails, both in libcrypto, as in OpenSSL.
        let Some(key) = (unsafe { EvpPkey::from_der_typed(pk, d, len) }) else {
            error::raise(error::ERR_R_ASN1_LIB);
            return 0;
        };
        let ok = keys::use_private_key(&mut c.settings_mut(), key);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_PrivateKey_file(ctx: *mut SSL_CTX, file: *const c_char, type_: c_int) -> c_int {
    ffi_boundary!("SSL_CTX_use_PrivateKey_file", 0, {
        let c = try_ref!("SSL_CTX_use_PrivateKey_file", ctx, 0);
        let f = try_cstr!("SSL_CTX_use_PrivateKey_file", file, 0);
        let ok = keys::use_private_key_file(&mut c.settings_mut(), f, type_);
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_check_private_key(ctx: *const SSL_CTX) -> c_int {
    ffi_boundary!("SSL_CTX_check_private_key", 0, {
        // SAFETY: NULL or a live handle.
        let Some(c) = (unsafe { SSL_CTX::borrow(ctx) }) else {
            // OpenSSL reports a missing context as a missing certificate.
            error::raise(error::SSL_R_NO_CERTIFICATE_ASSIGNED);
            return 0;
        };
        let ok = keys::check_private_key(&c.settings());
        ok as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get0_certificate(ctx: *const SSL_CTX) -> *mut X509 {
    ffi_boundary!("SSL_CTX_get0_certificate", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get0_certificate", ctx, ptr::null_mut());
        let p = c.settings().cert.cert.as_ref().map_or(ptr::null_mut(), |x| x.as_ptr());
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get0_privatekey(ctx: *const SSL_CTX) -> *mut EVP_PKEY {
    ffi_boundary!("SSL_CTX_get0_privatekey", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get0_privatekey", ctx, ptr::null_mut());
        let p = c.settings().cert.key.as_ref().map_or(ptr::null_mut(), |k| k.as_ptr());
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_passwd_cb(ctx: *mut SSL_CTX, cb: pem_password_cb) {
    ffi_boundary!("SSL_CTX_set_default_passwd_cb", (), {
        let c = try_ref!("SSL_CTX_set_default_passwd_cb", ctx, ());
        c.settings_mut().passwd.cb = cb;
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut SSL_CTX, u: *mut c_void) {
    ffi_boundary!("SSL_CTX_set_default_passwd_cb_userdata", (), {
        let c = try_ref!("SSL_CTX_set_default_passwd_cb_userdata", ctx, ());
        c.settings_mut().passwd.userdata = u;
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_default_passwd_cb(ctx: *mut SSL_CTX) -> pem_password_cb {
    ffi_boundary!("SSL_CTX_get_default_passwd_cb", None, {
        let c = try_ref!("SSL_CTX_get_default_passwd_cb", ctx, None);
        let cb = c.settings().passwd.cb;
        cb
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_default_passwd_cb_userdata(ctx: *mut SSL_CTX) -> *mut c_void {
    ffi_boundary!("SSL_CTX_get_default_passwd_cb_userdata", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get_default_passwd_cb_userdata", ctx, ptr::null_mut());
        let u = c.settings().passwd.userdata;
        u
    })
}

// ---- client CA names ---------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_CTX_set_client_CA_list(ctx: *mut SSL_CTX, name_list: *mut stack_st_X509_NAME) {
    ffi_boundary!("SSL_CTX_set_client_CA_list", (), {
        let c = try_ref!("SSL_CTX_set_client_CA_list", ctx, ());
        // SAFETY: the context takes ownership of the caller's stack.
        let names = unsafe { NameList::from_owned(name_list) };
        c.settings_mut().client_ca_names = Arc::new(names);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_client_CA_list(ctx: *const SSL_CTX) -> *mut stack_st_X509_NAME {
    ffi_boundary!("SSL_CTX_get_client_CA_list", ptr::null_mut(), {
        let c = try_ref!("SSL_CTX_get_client_CA_list", ctx, ptr::null_mut());
        let p = c.settings().client_ca_names.as_ptr();
        p
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_add_client_CA(ctx: *mut SSL_CTX, x: *mut X509) -> c_int {
    ffi_boundary!("SSL_CTX_add_client_CA", 0, {
        let c = try_ref!("SSL_CTX_add_client_CA", ctx, 0);
        // SAFETY: borrowed for the call only.
        let Some(cert) = (unsafe { X509Cert::from_borrowed(x) }) else {
            error::raise_null("SSL_CTX_add_client_CA");
            return 0;
        };
        let mut s = c.settings_mut();
        s.client_ca_names = Arc::new(s.client_ca_names.with_subject_of(&cert));
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_load_client_CA_file(file: *const c_char) -> *mut stack_st_X509_NAME {
    ffi_boundary!("SSL_load_client_CA_file", ptr::null_mut(), {
        let f = try_cstr!("SSL_load_client_CA_file", file, ptr::null_mut());
        match crate::crypto::pkey::load_ca_names_file(f) {
            Some(sk) => sk,
            None => ptr::null_mut(),
        }
    })
}

/// `SSL_add_file_cert_subjects_to_stack`: appends the subject names of the file's
/// certificates that the caller's list does not hold yet. 1, or 0 if it cannot be read.
#[no_mangle]
pub extern "C" fn SSL_add_file_cert_subjects_to_stack(stack: *mut stack_st_X509_NAME, file: *const c_char) -> c_int {
    ffi_boundary!("SSL_add_file_cert_subjects_to_stack", 0, {
        let f = try_cstr!("SSL_add_file_cert_subjects_to_stack", file, 0);
        if stack.is_null() {
            error::raise_null("SSL_add_file_cert_subjects_to_stack");
            return 0;
        }
        add_subjects_from_file(stack, f)
    })
}

fn add_subjects_from_file(stack: *mut stack_st_X509_NAME, file: &std::ffi::CStr) -> c_int {
    let Some(certs) = crate::crypto::pkey::read_pem_certs(file) else { return 0 };
    // SAFETY: the caller's live STACK_OF(X509_NAME), borrowed for the call.
    unsafe {
        crate::crypto::x509::NameList::with_borrowed(stack as *mut c_void, |names| names.add_subjects_of(&certs))
    };
    1
}

/// `SSL_add_dir_cert_subjects_to_stack`: the same for every file of a directory (in
/// name order); 0 if the directory or one of its files cannot be read.
#[no_mangle]
pub extern "C" fn SSL_add_dir_cert_subjects_to_stack(stack: *mut stack_st_X509_NAME, dir: *const c_char) -> c_int {
    ffi_boundary!("SSL_add_dir_cert_subjects_to_stack", 0, {
        let d = try_cstr!("SSL_add_dir_cert_subjects_to_stack", dir, 0);
        if stack.is_null() {
            error::raise_null("SSL_add_dir_cert_subjects_to_stack");
            return 0;
        }
        use std::os::unix::ffi::OsStrExt;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(d.to_bytes()));
        let Ok(entries) = std::fs::read_dir(path) else {
            error::raise_with_data(error::ERR_R_SYS_LIB, &format!("opendir('{}')", path.display()));
            return 0;
        };
        let mut files: Vec<std::path::PathBuf> =
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        for f in files {
            let Ok(name) = std::ffi::CString::new(f.as_os_str().as_bytes()) else { continue };
            if add_subjects_from_file(stack, &name) == 0 {
                return 0;
            }
        }
        1
    })
}

/// `SSL_load_client_CA_file_ex`: `SSL_load_client_CA_file` (the library context and
/// property query only matter to libcrypto's decoders, whose defaults serve).
#[no_mangle]
pub extern "C" fn SSL_load_client_CA_file_ex(
    file: *const c_char,
    _libctx: *mut openssl_sys::OSSL_LIB_CTX,
    _propq: *const c_char,
) -> *mut stack_st_X509_NAME {
    SSL_load_client_CA_file(file)
}
