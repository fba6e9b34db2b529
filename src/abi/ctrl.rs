//! `SSL_ctrl` / `SSL_CTX_ctrl` and the callback variants: the commands behind OpenSSL's
//! function-like macros (`SSL_set_tlsext_host_name`, `SSL_CTX_set_min_proto_version`, …).
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_long, c_void};

use openssl_sys::X509;

use super::{SSL, SSL_CTX};
use crate::crypto::x509::{X509Cert, X509Store};
use crate::ctx::{self, Settings, SslCtx};
use crate::error;
use std::ptr;
use std::sync::Arc;

const SSL_CTRL_SET_TMP_DH: c_int = 3;
const SSL_CTRL_SET_TMP_ECDH: c_int = 4;
const SSL_CTRL_SET_TMP_DH_CB: c_int = 6;
const SSL_CTRL_EXTRA_CHAIN_CERT: c_int = 14;
const SSL_CTRL_SESS_NUMBER: c_int = 20;
const SSL_CTRL_SESS_CONNECT: c_int = 21;
const SSL_CTRL_SESS_CONNECT_GOOD: c_int = 22;
const SSL_CTRL_SESS_CONNECT_RENEGOTIATE: c_int = 23;
const SSL_CTRL_SESS_ACCEPT: c_int = 24;
const SSL_CTRL_SESS_ACCEPT_GOOD: c_int = 25;
const SSL_CTRL_SESS_ACCEPT_RENEGOTIATE: c_int = 26;
const SSL_CTRL_SESS_HIT: c_int = 27;
const SSL_CTRL_SESS_CB_HIT: c_int = 28;
const SSL_CTRL_SESS_MISSES: c_int = 29;
const SSL_CTRL_SESS_TIMEOUTS: c_int = 30;
const SSL_CTRL_SESS_CACHE_FULL: c_int = 31;
const SSL_CTRL_MODE: c_int = 33;
const SSL_CTRL_SET_SESS_CACHE_SIZE: c_int = 42;
const SSL_CTRL_GET_SESS_CACHE_SIZE: c_int = 43;
const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
const SSL_CTRL_GET_SESS_CACHE_MODE: c_int = 45;
const SSL_CTRL_GET_READ_AHEAD: c_int = 40;
const SSL_CTRL_SET_READ_AHEAD: c_int = 41;
const SSL_CTRL_SET_MAX_SEND_FRAGMENT: c_int = 52;
const SSL_CTRL_SET_TLSEXT_SERVERNAME_CB: c_int = 53;
const SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB: c_int = 72;
const SSL_CTRL_GET_TLSEXT_TICKET_KEYS: c_int = 58;
const SSL_CTRL_SET_TLSEXT_TICKET_KEYS: c_int = 59;
/// The deprecated ticket key callback's type (`HMAC_CTX`).
type TicketHmacCb = unsafe extern "C" fn(
    *mut SSL,
    *mut u8,
    *mut u8,
    *mut openssl_sys::EVP_CIPHER_CTX,
    *mut openssl_sys::HMAC_CTX,
    c_int,
) -> c_int;
const SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG: c_int = 54;
const SSL_CTRL_SET_TLSEXT_HOSTNAME: c_int = 55;
const SSL_CTRL_BUILD_CERT_CHAIN: c_int = 105;
const SSL_CTRL_GET_RAW_CIPHERLIST: c_int = 110;
const SSL_CTRL_SET_VERIFY_CERT_STORE: c_int = 106;
const SSL_CTRL_SET_CHAIN_CERT_STORE: c_int = 107;
const SSL_CTRL_GET_VERIFY_CERT_STORE: c_int = 137;
const SSL_CTRL_GET_CHAIN_CERT_STORE: c_int = 138;
const SSL_CTRL_CLEAR_MODE: c_int = 78;
const SSL_CTRL_GET_EXTRA_CHAIN_CERTS: c_int = 82;
const SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS: c_int = 83;
const SSL_CTRL_CHAIN: c_int = 88;
const SSL_CTRL_CHAIN_CERT: c_int = 89;
const SSL_CTRL_SET_GROUPS_LIST: c_int = 92;
const SSL_CTRL_SET_SIGALGS_LIST: c_int = 98;
const SSL_CTRL_SET_CLIENT_SIGALGS_LIST: c_int = 102;
const SSL_CTRL_GET_PEER_TMP_KEY: c_int = 109;
const SSL_CTRL_GET_CHAIN_CERTS: c_int = 115;
const SSL_CTRL_GET_EXTMS_SUPPORT: c_int = 122;
const SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
const SSL_CTRL_GET_MIN_PROTO_VERSION: c_int = 130;
const SSL_CTRL_GET_MAX_PROTO_VERSION: c_int = 131;
const SSL_CTRL_GET_NEGOTIATED_GROUP: c_int = 134;
const SSL_CTRL_SET_GROUPS: c_int = 91;
const SSL_CTRL_GET_TMP_KEY: c_int = 133;
const SSL_CTRL_GET_PEER_SIGNATURE_NID: c_int = 108;
const SSL_CTRL_GET_SIGNATURE_NID: c_int = 132;
const SSL_CTRL_GET_NUM_RENEGOTIATIONS: c_int = 10;
const SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS: c_int = 11;
const SSL_CTRL_GET_TOTAL_RENEGOTIATIONS: c_int = 12;
const SSL_CTRL_SET_MSG_CALLBACK: c_int = 15;
const SSL_CTRL_SET_MSG_CALLBACK_ARG: c_int = 16;
const SSL_CTRL_GET_RI_SUPPORT: c_int = 76;
const SSL_CTRL_GET_CLIENT_CERT_TYPES: c_int = 103;
const SSL_CTRL_SET_DH_AUTO: c_int = 118;
const SSL_CTRL_GET_GROUPS: c_int = 90;
const SSL_CTRL_GET_SHARED_GROUP: c_int = 93;
const SSL_CTRL_GET_EC_POINT_FORMATS: c_int = 111;
const SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB: c_int = 63;
const SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG: c_int = 64;
const SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE: c_int = 65;
const SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP: c_int = 70;
const SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP: c_int = 71;
const SSL_CTRL_SELECT_CURRENT_CERT: c_int = 116;
const SSL_CTRL_SET_CURRENT_CERT: c_int = 117;
const SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE: c_int = 127;
const SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB: c_int = 128;
const SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB_ARG: c_int = 129;
const SSL_CERT_SET_FIRST: c_long = 1;
const SSL_CERT_SET_NEXT: c_long = 2;

const TLSEXT_NAMETYPE_HOST_NAME: c_long = 0;

/// The commands that act on settings shared by `SSL` and `SSL_CTX`. None: not one of them.
fn settings_ctrl(s: &mut Settings, cmd: c_int, larg: c_long, parg: *mut c_void) -> Option<c_long> {
    Some(match cmd {
        // `set1_*_cert_store` (larg 1) takes a new reference, `set0_*` (larg 0) the
        // caller's; NULL clears.
        SSL_CTRL_SET_VERIFY_CERT_STORE | SSL_CTRL_SET_CHAIN_CERT_STORE => {
            let store = if parg.is_null() {
                None
            } else if larg != 0 {
                // SAFETY: a live X509_STORE of the caller's; we take our own reference.
                unsafe { X509Store::from_borrowed(parg as *mut openssl_sys::X509_STORE) }.map(Arc::new)
            } else {
                // SAFETY: the caller hands us its reference to a live X509_STORE.
                unsafe { X509Store::from_owned(parg as *mut openssl_sys::X509_STORE) }.map(Arc::new)
            };
            if cmd == SSL_CTRL_SET_VERIFY_CERT_STORE {
                s.verify_store = store;
            } else {
                s.chain_store = store;
            }
            1
        }
        // `get0_*_cert_store`: the store set (NULL when none), still owned by us.
        SSL_CTRL_GET_VERIFY_CERT_STORE | SSL_CTRL_GET_CHAIN_CERT_STORE => {
            if parg.is_null() {
                return Some(0);
            }
            let store = if cmd == SSL_CTRL_GET_VERIFY_CERT_STORE { &s.verify_store } else { &s.chain_store };
            // SAFETY: the caller passes a writable `X509_STORE *` slot.
            unsafe {
                *(parg as *mut *mut openssl_sys::X509_STORE) = store.as_ref().map_or(ptr::null_mut(), |st| st.as_ptr())
            };
            1
        }
        SSL_CTRL_MODE => {
            s.mode |= larg as u32;
            s.mode as c_long
        }
        SSL_CTRL_CLEAR_MODE => {
            s.mode &= !(larg as u32);
            s.mode as c_long
        }
        SSL_CTRL_GET_READ_AHEAD => s.read_ahead as c_long,
        SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE => {
            s.status_type = larg as c_int;
            1
        }
        SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE => s.status_type as c_long,
        SSL_CTRL_SELECT_CURRENT_CERT => s.cert.select(parg as *mut openssl_sys::X509) as c_long,
        SSL_CTRL_SET_CURRENT_CERT => match larg {
            SSL_CERT_SET_FIRST | SSL_CERT_SET_NEXT => s.cert.select_in_turn(larg == SSL_CERT_SET_NEXT) as c_long,
            // SSL_CERT_SET_SERVER (the certificate a client got) has no meaning here.
            _ => 0,
        },
        SSL_CTRL_SET_READ_AHEAD => {
            let old = s.read_ahead as c_long;
            s.read_ahead = larg != 0;
            old
        }
        SSL_CTRL_SET_MAX_SEND_FRAGMENT => {
            if !(512..=16384).contains(&larg) {
                return Some(0);
            }
            s.max_send_fragment = larg as usize;
            1
        }
        SSL_CTRL_SET_MIN_PROTO_VERSION => {
            let (other, fixed) = (reported_bound(s, s.max_version), s.fixed_version != 0);
            set_proto_version(&mut s.min_version, other, fixed, larg) as c_long
        }
        SSL_CTRL_SET_MAX_PROTO_VERSION => {
            let (other, fixed) = (reported_bound(s, s.min_version), s.fixed_version != 0);
            set_proto_version(&mut s.max_version, other, fixed, larg) as c_long
        }
        SSL_CTRL_GET_MIN_PROTO_VERSION => reported_bound(s, s.min_version) as c_long,
        SSL_CTRL_GET_MAX_PROTO_VERSION => reported_bound(s, s.max_version) as c_long,
        SSL_CTRL_SET_GROUPS_LIST => {
            let Some(list) = cstr_arg(parg) else { return Some(0) };
            ctx::set_groups_list(s, &list.to_string_lossy()) as c_long
        }
        SSL_CTRL_SET_GROUPS => {
            if parg.is_null() || larg <= 0 {
                return Some(0);
            }
            // SAFETY: SSL_CTX_set1_groups passes `larg` ints.
            let nids = unsafe { std::slice::from_raw_parts(parg as *const c_int, larg as usize) };
            match ctx::groups_from_nids(nids) {
                Some(g) => {
                    s.groups = g.into();
                    1
                }
                None => 0,
            }
        }
        SSL_CTRL_SET_DH_AUTO => {
            s.dh_auto = larg != 0;
            1
        }
        // `SSL_CTX_set_tmp_dh`: the size of the prime chooses the DHE group.
        SSL_CTRL_SET_TMP_DH => {
            // SAFETY: SSL_CTX_set_tmp_dh's argument is NULL or the caller's live DH.
            let Some(bits) = (unsafe { crate::crypto::dh::dh_prime_bits(parg as *const openssl_sys::DH) }) else {
                error::raise_null("SSL_CTX_set_tmp_dh");
                return Some(0);
            };
            s.dh_bits = Some(bits);
            1
        }
        // `SSL_CTX_set_tmp_ecdh`: the key's curve becomes the only group, as in OpenSSL 3.
        SSL_CTRL_SET_TMP_ECDH => {
            // SAFETY: SSL_CTX_set_tmp_ecdh's argument is NULL or the caller's live EC_KEY.
            let Some(nid) = (unsafe { crate::crypto::pkey::ec_key_curve_nid(parg as *const openssl_sys::EC_KEY) })
            else {
                error::raise_null("SSL_CTX_set_tmp_ecdh");
                return Some(0);
            };
            match ctx::groups_from_nids(&[nid]) {
                Some(g) => {
                    s.groups = g.into();
                    1
                }
                None => {
                    error::raise(error::SSL_R_UNSUPPORTED_ELLIPTIC_CURVE);
                    0
                }
            }
        }
        SSL_CTRL_SET_MSG_CALLBACK_ARG => {
            super::info::set_msg_callback_arg(s, parg);
            1
        }
        SSL_CTRL_SET_SIGALGS_LIST | SSL_CTRL_SET_CLIENT_SIGALGS_LIST => {
            let Some(list) = cstr_arg(parg) else { return Some(0) };
            match crate::keys::parse_sigalgs_list(&list.to_string_lossy()) {
                Some(schemes) => {
                    s.sigalgs = Some(schemes);
                    1
                }
                None => 0,
            }
        }
        _ => return None,
    })
}

/// Sets one bound; `other` is the other bound (0 or a TLS version).
/// A version bound as OpenSSL reports it: 0 under a fixed-version method, whose bounds
/// OpenSSL never sets (the method's version decides).
fn reported_bound(s: &crate::ctx::Settings, bound: u16) -> u16 {
    if s.fixed_version != 0 {
        0
    } else {
        bound
    }
}

/// `SSL(_CTX)_set_min/max_proto_version` (OpenSSL's ssl_set_version_bound). `fixed`: the
/// method has one version, and a valid bound is accepted without effect.
fn set_proto_version(slot: &mut u16, other: u16, fixed: bool, larg: c_long) -> bool {
    match larg {
        0 | 0x0300..=0x0304 => {
            if !fixed {
                *slot = larg as u16;
            }
            true
        }
        // DTLS versions (DTLS1_BAD_VER, DTLS 1.0 to 1.2) are valid bounds that a TLS
        // method ignores: OpenSSL's ssl_set_version_bound succeeds and changes nothing,
        // unless the other bound is a TLS version (ssl_check_allowed_versions refuses
        // to mix DTLS and TLS).
        0x0100 | 0xfefd..=0xfeff => other == 0,
        // Anything else fails, with nothing queued (as OpenSSL).
        _ => false,
    }
}

fn cstr_arg<'a>(parg: *mut c_void) -> Option<&'a CStr> {
    // SAFETY: for these commands `parg` is NULL or a NUL-terminated string.
    (!parg.is_null()).then(|| unsafe { CStr::from_ptr(parg as *const c_char) })
}

/// The commands on the context's session statistics and chain.
fn ctx_only_ctrl(c: &SslCtx, cmd: c_int, larg: c_long, parg: *mut c_void) -> Option<c_long> {
    use std::sync::atomic::Ordering::Relaxed;
    let stat = |v: &std::sync::atomic::AtomicU64| v.load(Relaxed) as c_long;
    Some(match cmd {
        SSL_CTRL_SESS_NUMBER => c.sessions.len() as c_long,
        SSL_CTRL_SESS_CONNECT => stat(&c.stats.connect),
        SSL_CTRL_SESS_CONNECT_GOOD => stat(&c.stats.connect_good),
        SSL_CTRL_SESS_ACCEPT => stat(&c.stats.accept),
        SSL_CTRL_SESS_ACCEPT_GOOD => stat(&c.stats.accept_good),
        SSL_CTRL_SESS_CONNECT_RENEGOTIATE | SSL_CTRL_SESS_ACCEPT_RENEGOTIATE => 0,
        SSL_CTRL_SESS_HIT => stat(&c.sessions.stats.hits),
        SSL_CTRL_SESS_MISSES => stat(&c.sessions.stats.misses),
        SSL_CTRL_SESS_TIMEOUTS => stat(&c.sessions.stats.timeouts),
        SSL_CTRL_SESS_CACHE_FULL => stat(&c.sessions.stats.cache_full),
        SSL_CTRL_SESS_CB_HIT => stat(&c.sessions.stats.cb_hits),
        SSL_CTRL_EXTRA_CHAIN_CERT => {
            // SAFETY: the context takes over the caller's reference.
            let Some(cert) = (unsafe { X509Cert::from_owned(parg as *mut X509) }) else { return Some(0) };
            c.extra_chain_mut().push(cert);
            1
        }
        SSL_CTRL_GET_EXTRA_CHAIN_CERTS => {
            if parg.is_null() {
                return Some(0);
            }
            let p = c.extra_chain_stack();
            // SAFETY: `parg` is a STACK_OF(X509)** out-parameter.
            unsafe { *(parg as *mut *mut c_void) = p as *mut c_void };
            1
        }
        SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS => {
            c.extra_chain_mut().clear();
            1
        }
        SSL_CTRL_SET_SESS_CACHE_MODE => c.set_session_cache_mode(larg) as c_long,
        SSL_CTRL_GET_SESS_CACHE_MODE => c.session_cache_mode() as c_long,
        SSL_CTRL_SET_SESS_CACHE_SIZE => {
            if larg < 0 {
                return Some(0);
            }
            let old = {
                let mut s = c.settings_mut();
                std::mem::replace(&mut s.session_cache_size, larg)
            };
            let removed = c.sessions.trim(larg as usize);
            c.report_removed(removed);
            old as c_long
        }
        SSL_CTRL_GET_SESS_CACHE_SIZE => c.settings().session_cache_size as c_long,
        SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG => {
            c.set_callbacks(|cbs| cbs.servername.arg = ctx::AppPtr(parg));
            1
        }
        SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG => {
            c.set_callbacks(|cbs| cbs.status.arg = ctx::AppPtr(parg));
            1
        }
        SSL_CTRL_GET_TLSEXT_TICKET_KEYS | SSL_CTRL_SET_TLSEXT_TICKET_KEYS => {
            use crate::session::ticket_keys::KEYS_LEN;
            if parg.is_null() {
                return Some(KEYS_LEN as c_long);
            }
            if larg != KEYS_LEN as c_long {
                crate::error::raise(crate::error::SSL_R_INVALID_TICKET_KEYS_LENGTH);
                return Some(0);
            }
            if cmd == SSL_CTRL_GET_TLSEXT_TICKET_KEYS {
                let keys = c.ticketer.get();
                // SAFETY: the caller's buffer holds `larg` == KEYS_LEN bytes.
                unsafe { std::ptr::copy_nonoverlapping(keys.as_ptr(), parg as *mut u8, KEYS_LEN) };
                return Some(1);
            }
            let mut keys = [0u8; KEYS_LEN];
            // SAFETY: the caller's buffer holds `larg` == KEYS_LEN bytes.
            unsafe { std::ptr::copy_nonoverlapping(parg as *const u8, keys.as_mut_ptr(), KEYS_LEN) };
            c.ticketer.set(&keys) as c_long
        }
        SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB => {
            if !parg.is_null() {
                let cb = c.callbacks().status.f;
                // SAFETY: `parg` is the caller's out-parameter for the callback pointer.
                unsafe { *(parg as *mut ctx::StatusCb) = cb };
            }
            1
        }
        SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB_ARG => {
            if !parg.is_null() {
                let arg = c.callbacks().status.arg.0;
                // SAFETY: `parg` is the caller's `void **` out-parameter.
                unsafe { *(parg as *mut *mut c_void) = arg };
            }
            1
        }
        _ => {
            let _ = larg;
            return None;
        }
    })
}

/// `SSL_CTX_set0/set1_chain` (larg: 1 = set1): the current certificate's whole chain;
/// a NULL stack clears it.
fn chain_ctrl(s: &mut Settings, larg: c_long, parg: *mut c_void) -> c_long {
    let sk = parg as *mut openssl_sys::stack_st_X509;
    // SAFETY: `parg` is NULL or a STACK_OF(X509); we take our own reference to each
    // certificate, and for set0 release the stack and the references it held.
    let chain = unsafe { crate::crypto::x509::stack_to_vec(sk) };
    if larg == 0 {
        // SAFETY: set0 hands us the stack and the references it holds.
        unsafe { crate::crypto::x509::stack_free(sk) };
    }
    let ck = s.cert.with_chain(chain);
    s.cert.replace_current(ck);
    1
}

/// `SSL_CTX_add0/add1_chain_cert` (larg: 1 = add1) on a certificate slot.
fn chain_cert_ctrl(s: &mut Settings, larg: c_long, parg: *mut c_void) -> c_long {
    // SAFETY: add0 hands over the caller's reference; add1 has us take a new one.
    let cert = unsafe {
        if larg != 0 {
            X509Cert::from_borrowed(parg as *mut X509)
        } else {
            X509Cert::from_owned(parg as *mut X509)
        }
    };
    let Some(cert) = cert else { return 0 };
    let mut chain = s.cert.chain.clone();
    chain.push(cert);
    let ck = s.cert.with_chain(chain);
    s.cert.replace_current(ck);
    1
}

#[no_mangle]
pub extern "C" fn SSL_CTX_ctrl(ctx: *mut SSL_CTX, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    ffi_boundary!("SSL_CTX_ctrl", 0, {
        let c = try_ref!("SSL_CTX_ctrl", ctx, 0);
        if let Some(r) = settings_ctrl(&mut c.settings_mut(), cmd, larg, parg) {
            return r;
        }
        if cmd == SSL_CTRL_CHAIN_CERT {
            return chain_cert_ctrl(&mut c.settings_mut(), larg, parg);
        }
        if cmd == SSL_CTRL_CHAIN {
            return chain_ctrl(&mut c.settings_mut(), larg, parg);
        }
        if cmd == SSL_CTRL_GET_CHAIN_CERTS {
            return chain_certs_out(&c.settings(), &c.extra_chain(), parg);
        }
        if cmd == SSL_CTRL_BUILD_CERT_CHAIN {
            let store = c.store();
            return crate::keys::build_cert_chain(&mut c.settings_mut(), &store, larg);
        }
        if let Some(r) = ctx_only_ctrl(c, cmd, larg, parg) {
            return r;
        }
        super::unsupported_ctrl("SSL_CTX_ctrl", cmd)
    })
}

fn chain_certs_out(s: &Settings, _extra: &[X509Cert], parg: *mut c_void) -> c_long {
    if parg.is_null() {
        return 0;
    }
    let p = s.cert.chain_stack();
    // SAFETY: `parg` is a STACK_OF(X509)** out-parameter; the stack stays with the settings.
    unsafe { *(parg as *mut *mut c_void) = p as *mut c_void };
    1
}

#[no_mangle]
pub extern "C" fn SSL_ctrl(s: *mut SSL, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    ffi_boundary!("SSL_ctrl", 0, {
        let ssl = try_ref!("SSL_ctrl", s, 0);
        if let Some(r) = settings_ctrl(&mut ssl.settings(), cmd, larg, parg) {
            return r;
        }
        match cmd {
            // `SSL_get0_raw_cipherlist`: the client's suites as sent (a server's view),
            // or, asked without a pointer, the size of one suite.
            SSL_CTRL_GET_RAW_CIPHERLIST => {
                const TLS_CIPHER_LEN: c_long = 2;
                if parg.is_null() {
                    return TLS_CIPHER_LEN;
                }
                let peer = ssl.peer();
                if peer.raw_ciphers.is_empty() {
                    return 0;
                }
                // SAFETY: the caller passes a writable `const unsigned char *` slot; the
                // list stays with the connection until its next handshake.
                unsafe { *(parg as *mut *const u8) = peer.raw_ciphers.as_ptr() };
                peer.raw_ciphers.len() as c_long
            }
            SSL_CTRL_BUILD_CERT_CHAIN => {
                let ctx = ssl.ctx();
                let store = ctx.store();
                crate::keys::build_cert_chain(&mut ssl.settings(), &store, larg)
            }
            SSL_CTRL_SET_TLSEXT_HOSTNAME => {
                if larg != TLSEXT_NAMETYPE_HOST_NAME {
                    error::raise(error::SSL_R_UNSUPPORTED_SSL_VERSION);
                    return 0;
                }
                ssl.set_sni_name(cstr_arg(parg)) as c_long
            }
            SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP => {
                // The SSL takes ownership of the OPENSSL_malloc'd response: copied, freed.
                let resp = if parg.is_null() || larg <= 0 {
                    Vec::new()
                } else {
                    // SAFETY: the caller hands `larg` readable bytes at `parg`.
                    unsafe { std::slice::from_raw_parts(parg as *const u8, larg as usize) }.to_vec()
                };
                if !parg.is_null() {
                    // SAFETY: ownership of the OPENSSL_malloc'd block passed to us.
                    unsafe { openssl_sys::CRYPTO_free(parg, c"ctrl.rs".as_ptr(), line!() as c_int) };
                }
                ssl.peer().ocsp = resp;
                1
            }
            SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP => {
                let peer = ssl.peer();
                let (p, len) = if peer.ocsp.is_empty() {
                    (std::ptr::null(), -1)
                } else {
                    (peer.ocsp.as_ptr(), peer.ocsp.len() as c_long)
                };
                if !parg.is_null() {
                    // SAFETY: `parg` is the caller's `unsigned char **`; the bytes stay
                    // owned by the connection, as in OpenSSL.
                    unsafe { *(parg as *mut *const u8) = p };
                }
                len
            }
            SSL_CTRL_CHAIN_CERT => chain_cert_ctrl(&mut ssl.settings(), larg, parg),
            SSL_CTRL_CHAIN => chain_ctrl(&mut ssl.settings(), larg, parg),
            SSL_CTRL_GET_CHAIN_CERTS => {
                let ctx = ssl.ctx();
                let extra = ctx.extra_chain();
                chain_certs_out(&ssl.settings(), &extra, parg)
            }
            SSL_CTRL_GET_PEER_TMP_KEY | SSL_CTRL_GET_TMP_KEY => {
                if parg.is_null() {
                    return 0;
                }
                // Past a TLS 1.2 handshake OpenSSL keeps only a client's view of the
                // server's key; in TLS 1.3 both sides keep both.
                let tls12 = ssl.version() != crate::ctx::TLS1_3_VERSION;
                if tls12 && (cmd == SSL_CTRL_GET_TMP_KEY || ssl.is_server()) {
                    return 0;
                }
                let Some(group) = ssl.peer().group else { return 0 };
                match crate::crypto::pkey::EvpPkey::for_group(u16::from(group)) {
                    Some(k) => {
                        // SAFETY: `parg` is an EVP_PKEY** out-parameter; the caller owns the key.
                        unsafe { *(parg as *mut *mut c_void) = k.into_raw() as *mut c_void };
                        1
                    }
                    None => 0,
                }
            }
            SSL_CTRL_GET_PEER_SIGNATURE_NID | SSL_CTRL_GET_SIGNATURE_NID => {
                let p = ssl.peer();
                let scheme = if cmd == SSL_CTRL_GET_PEER_SIGNATURE_NID { p.peer_sig } else { p.own_sig };
                drop(p);
                super::ssl::nid_out(scheme.map(|sc| crate::keys::scheme_nids(sc).1), parg as *mut c_int) as c_long
            }
            // rustls never renegotiates.
            SSL_CTRL_GET_NUM_RENEGOTIATIONS | SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS | SSL_CTRL_GET_TOTAL_RENEGOTIATIONS => {
                0
            }
            // RFC 5746: rustls always signals secure renegotiation in TLS 1.2 (the
            // client's SCSV, the server's renegotiation_info answer) and TLS 1.3 has none.
            SSL_CTRL_GET_RI_SUPPORT => (ssl.is_init_finished() && ssl.version() == ctx::TLS1_2_VERSION) as c_long,
            SSL_CTRL_GET_CLIENT_CERT_TYPES => {
                // A TLS 1.3 CertificateRequest has no certificate types; rustls does not
                // expose a TLS 1.2 one's.
                if ssl.is_server() || ssl.version() != ctx::TLS1_2_VERSION || ssl.peer().received_ca_names.is_none() {
                    return 0;
                }
                super::unsupported_ctrl("SSL_ctrl", cmd)
            }
            // The client's supported groups (a server; a client has none to report),
            // as NIDs; OpenSSL's TLSEXT_nid_unknown|id for groups without one.
            SSL_CTRL_GET_GROUPS => {
                let groups = ssl.peer().peer_groups.clone();
                if !parg.is_null() {
                    for (i, g) in groups.iter().enumerate() {
                        let id = u16::from(*g);
                        let nid = match ctx::nid_for_group(id) {
                            0 => 0x0100_0000 | c_int::from(id),
                            n => n,
                        };
                        // SAFETY: SSL_get1_groups passes room for the count a first call
                        // (with NULL) returned.
                        unsafe { *(parg as *mut c_int).add(i) = nid };
                    }
                }
                groups.len() as c_long
            }
            // `larg` = -1: how many groups both sides support; else the NID of that one.
            // In the client's order, or ours with SSL_OP_CIPHER_SERVER_PREFERENCE.
            SSL_CTRL_GET_SHARED_GROUP => {
                if !ssl.is_server() {
                    return 0;
                }
                let theirs = ssl.peer().peer_groups.clone();
                let (ours, options) = {
                    let st = ssl.settings();
                    (st.groups.iter().map(|g| g.name()).collect::<Vec<_>>(), st.options)
                };
                let server_pref = options & ctx::SSL_OP_CIPHER_SERVER_PREFERENCE != 0;
                let (first, second) = if server_pref { (&ours, &theirs) } else { (&theirs, &ours) };
                let shared: Vec<_> = first.iter().filter(|g| second.contains(g)).copied().collect();
                if larg == -1 {
                    return shared.len() as c_long;
                }
                usize::try_from(larg)
                    .ok()
                    .and_then(|i| shared.get(i))
                    .map_or(0, |g| ctx::nid_for_group(u16::from(*g)) as c_long)
            }
            // rustls does not report the client's ec_point_formats (it accepts only the
            // uncompressed format, which every client offers): none reported (README).
            SSL_CTRL_GET_EC_POINT_FORMATS => 0,
            // `SSL_get_extms_support`: -1 without a session or while a handshake runs.
            SSL_CTRL_GET_EXTMS_SUPPORT => {
                if ssl.state() != crate::conn::HandshakeState::Done {
                    return -1;
                }
                ssl.session().map_or(-1, |sess| c_long::from(sess.data().extms))
            }
            SSL_CTRL_GET_NEGOTIATED_GROUP => ssl.peer().group.map_or(0, |g| ctx::nid_for_group(u16::from(g)) as c_long),
            SSL_CTRL_GET_EXTRA_CHAIN_CERTS | SSL_CTRL_SESS_NUMBER..=SSL_CTRL_SESS_MISSES => {
                SSL_CTX_ctrl(super::ownership::ArcHandle::as_c(&ssl.ctx()), cmd, larg, parg)
            }
            _ => super::unsupported_ctrl("SSL_ctrl", cmd),
        }
    })
}

pub type GenericCb = Option<unsafe extern "C" fn()>;

#[no_mangle]
pub extern "C" fn SSL_CTX_callback_ctrl(ctx: *mut SSL_CTX, cmd: c_int, fp: GenericCb) -> c_long {
    ffi_boundary!("SSL_CTX_callback_ctrl", 0, {
        let c = try_ref!("SSL_CTX_callback_ctrl", ctx, 0);
        match cmd {
            SSL_CTRL_SET_TLSEXT_SERVERNAME_CB => {
                // SAFETY: for this command OpenSSL's macro passes a servername callback
                // cast to the generic function type; we cast it back.
                let cb: ctx::ServernameCb = unsafe { std::mem::transmute::<GenericCb, ctx::ServernameCb>(fp) };
                c.set_callbacks(|cbs| cbs.servername.f = cb);
                1
            }
            SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB => {
                // SAFETY: SSL_CTX_set_tlsext_status_cb's callback cast to the generic type.
                let cb: ctx::StatusCb = unsafe { std::mem::transmute::<GenericCb, ctx::StatusCb>(fp) };
                c.set_callbacks(|cbs| cbs.status.f = cb);
                1
            }
            SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB => {
                // SAFETY: for this command OpenSSL's macro passes a ticket key callback
                // (HMAC_CTX kind) cast to the generic function type; we cast it back.
                let cb: Option<TicketHmacCb> = unsafe { std::mem::transmute::<GenericCb, Option<TicketHmacCb>>(fp) };
                c.set_callbacks(|cbs| cbs.ticket_key = cb.map_or(ctx::TicketKeyCb::None, ctx::TicketKeyCb::Hmac));
                1
            }
            // `SSL_CTX_set_tmp_dh_callback` through the control: accepted, never called
            // (rustls offers no DHE suites).
            SSL_CTRL_SET_TMP_DH_CB => 1,
            SSL_CTRL_SET_MSG_CALLBACK => {
                // SAFETY: SSL_CTX_set_msg_callback's callback cast to the generic type.
                let cb: ctx::MsgCb = unsafe { std::mem::transmute::<GenericCb, ctx::MsgCb>(fp) };
                c.settings_mut().msg_callback.f = cb;
                1
            }
            _ => super::unsupported_ctrl("SSL_CTX_callback_ctrl", cmd),
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_callback_ctrl(s: *mut SSL, cmd: c_int, fp: GenericCb) -> c_long {
    ffi_boundary!("SSL_callback_ctrl", 0, {
        let ssl = try_ref!("SSL_callback_ctrl", s, 0);
        match cmd {
            SSL_CTRL_SET_MSG_CALLBACK => {
                // SAFETY: SSL_set_msg_callback's callback cast to the generic type.
                let cb: ctx::MsgCb = unsafe { std::mem::transmute::<GenericCb, ctx::MsgCb>(fp) };
                ssl.settings().msg_callback.f = cb;
                1
            }
            _ => super::unsupported_ctrl("SSL_callback_ctrl", cmd),
        }
    })
}
