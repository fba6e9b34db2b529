//! Queries on an established connection that applications such as `openssl s_client`
//! print (peer certificate, compression, early data, exporters...), the security level
//! of an `SSL`, and the protocol-message callback.
use std::os::raw::{c_char, c_int, c_uchar, c_void};
use std::ptr;

use openssl_sys::{stack_st_X509_NAME, COMP_METHOD, X509};

use super::{SSL, SSL_CTX};
use crate::ctx::{AppPtr, MsgCb};
use crate::error;

/// `SRTP_PROTECTION_PROFILE` (declared by the C headers; only passed by pointer).
pub type SRTP_PROTECTION_PROFILE = c_void;

/// `SSL_EARLY_DATA_NOT_SENT`.
const SSL_EARLY_DATA_NOT_SENT: c_int = 0;
/// `SSL_KEY_UPDATE_NONE`: no key update pending.
const SSL_KEY_UPDATE_NONE: c_int = -1;

#[no_mangle]
pub extern "C" fn SSL_get0_peer_certificate(s: *const SSL) -> *mut X509 {
    ffi_boundary!("SSL_get0_peer_certificate", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get0_peer_certificate", s, ptr::null_mut());
        // The certificate stays owned by the connection (a "get0").
        let p = ssl.peer().chain.first().map_or(ptr::null_mut(), |c| c.as_ptr());
        p
    })
}

/// A client: the CA names the server sent with its certificate request. A server: NULL
/// (rustls does not expose the client's `certificate_authorities` extension).
#[no_mangle]
pub extern "C" fn SSL_get0_peer_CA_list(s: *const SSL) -> *const stack_st_X509_NAME {
    ffi_boundary!("SSL_get0_peer_CA_list", ptr::null(), {
        let ssl = try_ref!("SSL_get0_peer_CA_list", s, ptr::null());
        if ssl.is_server() {
            return ptr::null();
        }
        let p = ssl.peer().received_ca_names.as_ref().map_or(ptr::null_mut(), |n| n.as_ptr());
        p as *const stack_st_X509_NAME
    })
}

/// oxissl speaks TLS only.
#[no_mangle]
pub extern "C" fn SSL_is_dtls(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_is_dtls", 0, {
        let _ssl = try_ref!("SSL_is_dtls", s, 0);
        0
    })
}

/// No key update is ever pending: `SSL_key_update` is not offered.
#[no_mangle]
pub extern "C" fn SSL_get_key_update_type(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_key_update_type", SSL_KEY_UPDATE_NONE, {
        let _ssl = try_ref!("SSL_get_key_update_type", s, SSL_KEY_UPDATE_NONE);
        SSL_KEY_UPDATE_NONE
    })
}

/// No compression (TLS compression is not implemented, as in OpenSSL's default build).
#[no_mangle]
pub extern "C" fn SSL_get_current_compression(s: *const SSL) -> *const COMP_METHOD {
    ffi_boundary!("SSL_get_current_compression", ptr::null(), {
        let _ssl = try_ref!("SSL_get_current_compression", s, ptr::null());
        ptr::null()
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_current_expansion(s: *const SSL) -> *const COMP_METHOD {
    ffi_boundary!("SSL_get_current_expansion", ptr::null(), {
        let _ssl = try_ref!("SSL_get_current_expansion", s, ptr::null());
        ptr::null()
    })
}

/// SRTP is a DTLS extension: never negotiated.
#[no_mangle]
pub extern "C" fn SSL_get_selected_srtp_profile(s: *mut SSL) -> *mut SRTP_PROTECTION_PROFILE {
    ffi_boundary!("SSL_get_selected_srtp_profile", ptr::null_mut(), {
        let _ssl = try_ref!("SSL_get_selected_srtp_profile", s, ptr::null_mut());
        ptr::null_mut()
    })
}

/// Early data is not offered (`SSL_write_early_data` is not supported), so never sent.
#[no_mangle]
pub extern "C" fn SSL_get_early_data_status(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_early_data_status", SSL_EARLY_DATA_NOT_SENT, {
        let _ssl = try_ref!("SSL_get_early_data_status", s, SSL_EARLY_DATA_NOT_SENT);
        SSL_EARLY_DATA_NOT_SENT
    })
}

/// The Finished messages are not available from rustls: 0 bytes, as OpenSSL returns
/// before the handshake (see README, deliberate differences).
#[no_mangle]
pub extern "C" fn SSL_get_finished(s: *const SSL, _buf: *mut c_void, _count: usize) -> usize {
    ffi_boundary!("SSL_get_finished", 0, {
        let _ssl = try_ref!("SSL_get_finished", s, 0);
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_peer_finished(s: *const SSL, _buf: *mut c_void, _count: usize) -> usize {
    ffi_boundary!("SSL_get_peer_finished", 0, {
        let _ssl = try_ref!("SSL_get_peer_finished", s, 0);
        0
    })
}

/// RFC 5705 / RFC 8446 keying material exporter. 1 on success, 0 on failure, -1
/// before the handshake has completed.
#[no_mangle]
pub extern "C" fn SSL_export_keying_material(
    s: *mut SSL,
    out: *mut c_uchar,
    olen: usize,
    label: *const c_char,
    llen: usize,
    context: *const c_uchar,
    contextlen: usize,
    use_context: c_int,
) -> c_int {
    ffi_boundary!("SSL_export_keying_material", 0, {
        let ssl = try_ref!("SSL_export_keying_material", s, 0);
        // Before the handshake OpenSSL answers -1 (no session) before it looks at the
        // other arguments.
        if ssl.state() != crate::conn::HandshakeState::Done {
            return -1;
        }
        if out.is_null() || (label.is_null() && llen > 0) || (context.is_null() && use_context != 0 && contextlen > 0) {
            error::raise_null("SSL_export_keying_material");
            return 0;
        }
        if olen == 0 {
            return 1;
        }
        // SAFETY: the caller passes `olen` writable bytes at `out`, `llen` readable bytes
        // at `label` and `contextlen` at `context` (when used), for the call's duration.
        let (out, label, ctx) = unsafe {
            (
                std::slice::from_raw_parts_mut(out, olen),
                if llen == 0 { &[][..] } else { std::slice::from_raw_parts(label as *const u8, llen) },
                if use_context == 0 {
                    None
                } else if contextlen == 0 {
                    Some(&[][..])
                } else {
                    Some(std::slice::from_raw_parts(context, contextlen))
                },
            )
        };
        ssl.export_keying_material(out, label, ctx)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_security_level(s: *mut SSL, level: c_int) {
    ffi_boundary!("SSL_set_security_level", (), {
        let ssl = try_ref!("SSL_set_security_level", s, ());
        ssl.settings().security_level = level;
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_security_level(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_security_level", 0, {
        let ssl = try_ref!("SSL_get_security_level", s, 0);
        let l = ssl.settings().security_level;
        l
    })
}

/// Stores the protocol-message callback (copied to each new `SSL`, as in OpenSSL). It
/// is never called: rustls does not expose records or handshake messages (README).
#[no_mangle]
pub extern "C" fn SSL_CTX_set_msg_callback(ctx: *mut SSL_CTX, cb: MsgCb) {
    ffi_boundary!("SSL_CTX_set_msg_callback", (), {
        let c = try_ref!("SSL_CTX_set_msg_callback", ctx, ());
        c.settings_mut().msg_callback.f = cb;
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_msg_callback(ssl: *mut SSL, cb: MsgCb) {
    ffi_boundary!("SSL_set_msg_callback", (), {
        let s = try_ref!("SSL_set_msg_callback", ssl, ());
        s.settings().msg_callback.f = cb;
    })
}

/// `SSL_CTRL_SET_MSG_CALLBACK_ARG`, shared by `SSL_ctrl` and `SSL_CTX_ctrl`.
pub(crate) fn set_msg_callback_arg(s: &mut crate::ctx::Settings, arg: *mut c_void) {
    s.msg_callback.arg = AppPtr(arg);
}

/// Writes one signature scheme's description to the out-parameters of
/// `SSL_get_(shared_)sigalgs` (each may be NULL).
fn describe_scheme(
    scheme: rustls::SignatureScheme,
    psign: *mut c_int,
    phash: *mut c_int,
    psignhash: *mut c_int,
    rsig: *mut c_uchar,
    rhash: *mut c_uchar,
) {
    let (sign, hash) = crate::keys::scheme_nids(scheme);
    let code = u16::from(scheme);
    let both = if hash == 0 { sign } else { crate::crypto::sig_and_hash_nid(hash, sign) };
    // SAFETY: each out-parameter is NULL or points to writable storage (libssl contract).
    unsafe {
        if !psign.is_null() {
            *psign = sign;
        }
        if !phash.is_null() {
            *phash = hash;
        }
        if !psignhash.is_null() {
            *psignhash = both;
        }
        if !rsig.is_null() {
            *rsig = (code & 0xff) as c_uchar;
        }
        if !rhash.is_null() {
            *rhash = (code >> 8) as c_uchar;
        }
    }
}

/// The count of schemes in `list`; with `idx` in range, also that entry's description.
fn sigalgs_answer(
    list: &[rustls::SignatureScheme],
    idx: c_int,
    out: (*mut c_int, *mut c_int, *mut c_int, *mut c_uchar, *mut c_uchar),
) -> c_int {
    if let Some(&scheme) = usize::try_from(idx).ok().and_then(|i| list.get(i)) {
        describe_scheme(scheme, out.0, out.1, out.2, out.3, out.4);
    } else if idx >= 0 {
        return 0;
    }
    list.len() as c_int
}

/// The signature schemes the peer sent (a server: the ClientHello's; a client: the
/// CertificateRequest's). 0 when it sent none, or `idx` is out of range.
#[no_mangle]
pub extern "C" fn SSL_get_sigalgs(
    s: *mut SSL,
    idx: c_int,
    psign: *mut c_int,
    phash: *mut c_int,
    psignhash: *mut c_int,
    rsig: *mut c_uchar,
    rhash: *mut c_uchar,
) -> c_int {
    ffi_boundary!("SSL_get_sigalgs", 0, {
        let ssl = try_ref!("SSL_get_sigalgs", s, 0);
        let list = ssl.peer().peer_sigalgs.clone();
        sigalgs_answer(&list, idx, (psign, phash, psignhash, rsig, rhash))
    })
}

/// The peer's schemes that we accept too, in the peer's order (ours with
/// `SSL_OP_CIPHER_SERVER_PREFERENCE` on a server).
#[no_mangle]
pub extern "C" fn SSL_get_shared_sigalgs(
    s: *mut SSL,
    idx: c_int,
    psign: *mut c_int,
    phash: *mut c_int,
    psignhash: *mut c_int,
    rsig: *mut c_uchar,
    rhash: *mut c_uchar,
) -> c_int {
    ffi_boundary!("SSL_get_shared_sigalgs", 0, {
        let ssl = try_ref!("SSL_get_shared_sigalgs", s, 0);
        let theirs = ssl.peer().peer_sigalgs.clone();
        let (configured, options) = {
            let st = ssl.settings();
            (st.sigalgs.clone(), st.options)
        };
        // Only schemes rustls can use count as ours (a configured list may name others).
        let supported =
            rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms.supported_schemes();
        let ours = match configured {
            Some(list) => list.into_iter().filter(|s| supported.contains(s)).collect(),
            None => supported,
        };
        let server_pref = ssl.is_server() && options & crate::ctx::SSL_OP_CIPHER_SERVER_PREFERENCE != 0;
        let (first, second) = if server_pref { (&ours, &theirs) } else { (&theirs, &ours) };
        let shared: Vec<_> = first.iter().filter(|s| second.contains(s)).copied().collect();
        sigalgs_answer(&shared, idx, (psign, phash, psignhash, rsig, rhash))
    })
}

/// Certificate Transparency is not supported, so never enabled.
#[no_mangle]
pub extern "C" fn SSL_ct_is_enabled(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_ct_is_enabled", 0, {
        let _ssl = try_ref!("SSL_ct_is_enabled", s, 0);
        0
    })
}

/// The TLS name of a group given by its NID (as `SSL_get1_groups` and
/// `SSL_get_shared_group` report them), or NULL for a group OpenSSL 3.0 does not name.
#[no_mangle]
pub extern "C" fn SSL_group_to_name(s: *mut SSL, id: c_int) -> *const c_char {
    ffi_boundary!("SSL_group_to_name", ptr::null(), {
        let _ssl = try_ref!("SSL_group_to_name", s, ptr::null());
        let name: Option<&'static std::ffi::CStr> = match id {
            1034 => Some(c"x25519"),
            1035 => Some(c"x448"),
            415 => Some(c"secp256r1"),
            715 => Some(c"secp384r1"),
            716 => Some(c"secp521r1"),
            1126 => Some(c"ffdhe2048"),
            1127 => Some(c"ffdhe3072"),
            1128 => Some(c"ffdhe4096"),
            1129 => Some(c"ffdhe6144"),
            1130 => Some(c"ffdhe8192"),
            _ => None,
        };
        name.map_or(ptr::null(), |n| n.as_ptr())
    })
}

/// NPN is not supported (rustls has no NPN), so no protocol was ever negotiated.
#[no_mangle]
pub extern "C" fn SSL_get0_next_proto_negotiated(
    s: *const SSL,
    data: *mut *const c_uchar,
    len: *mut std::os::raw::c_uint,
) {
    ffi_boundary!("SSL_get0_next_proto_negotiated", (), {
        let _ssl = try_ref!("SSL_get0_next_proto_negotiated", s, ());
        // SAFETY: each out-parameter is NULL or points to writable storage.
        unsafe {
            if !data.is_null() {
                *data = ptr::null();
            }
            if !len.is_null() {
                *len = 0;
            }
        }
    })
}

/// Asynchronous (engine) jobs are not supported: the connection never waits on one.
#[no_mangle]
pub extern "C" fn SSL_waiting_for_async(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_waiting_for_async", 0, {
        let _ssl = try_ref!("SSL_waiting_for_async", s, 0);
        0
    })
}

/// `SSL_want` (and the `SSL_want_read`/`_write`/`_x509_lookup` macros over it).
#[no_mangle]
pub extern "C" fn SSL_want(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_want", 1, {
        let ssl = try_ref!("SSL_want", s, 1);
        ssl.want()
    })
}

#[no_mangle]
pub extern "C" fn SSL_rstate_string(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_rstate_string", c"unknown".as_ptr(), {
        let ssl = try_ref!("SSL_rstate_string", s, c"unknown".as_ptr());
        if ssl.reading_body() { c"RB" } else { c"RH" }.as_ptr()
    })
}

#[no_mangle]
pub extern "C" fn SSL_rstate_string_long(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_rstate_string_long", c"unknown".as_ptr(), {
        let ssl = try_ref!("SSL_rstate_string_long", s, c"unknown".as_ptr());
        if ssl.reading_body() { c"read body" } else { c"read header" }.as_ptr()
    })
}

/// `SSL_alloc_buffers`: rustls allocates its buffers itself; nothing to do.
#[no_mangle]
pub extern "C" fn SSL_alloc_buffers(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_alloc_buffers", 0, {
        let _ssl = try_ref!("SSL_alloc_buffers", s, 0);
        1
    })
}

/// `SSL_free_buffers`: 0 while bytes are waiting in them, as OpenSSL answers.
#[no_mangle]
pub extern "C" fn SSL_free_buffers(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_free_buffers", 0, {
        let ssl = try_ref!("SSL_free_buffers", s, 0);
        ssl.buffers_idle() as c_int
    })
}

/// `SSL_key_update`: a TLS 1.3 KeyUpdate, sent with the next write or `SSL_do_handshake`.
#[no_mangle]
pub extern "C" fn SSL_key_update(s: *mut SSL, updatetype: c_int) -> c_int {
    const SSL_KEY_UPDATE_NOT_REQUESTED: c_int = 0;
    const SSL_KEY_UPDATE_REQUESTED: c_int = 1;
    ffi_boundary!("SSL_key_update", 0, {
        let ssl = try_ref!("SSL_key_update", s, 0);
        let valid = updatetype == SSL_KEY_UPDATE_NOT_REQUESTED || updatetype == SSL_KEY_UPDATE_REQUESTED;
        match ssl.key_update(valid) {
            Ok(()) => 1,
            Err(reason) => {
                crate::error::raise(reason);
                0
            }
        }
    })
}
