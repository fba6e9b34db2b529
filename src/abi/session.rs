//! `SSL_SESSION_*`, the session accessors of `SSL`, the `SSL_CTX` session cache and the
//! session encodings (`i2d`/`d2i`/PEM).
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void};
use std::ptr;
use std::sync::Arc;

use openssl_sys::{pem_password_cb, BIO, X509};

use super::ownership::{static_as_c, ArcHandle};
use super::{SSL, SSL_CIPHER, SSL_CTX, SSL_SESSION};
use crate::crypto::bio::Bio;
use crate::ctx;
use crate::error;
use crate::session::{der, SslSession, MAX_SESSION_ID_LENGTH};

// ---- objects -------------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_SESSION_new() -> *mut SSL_SESSION {
    ffi_boundary!("SSL_SESSION_new", ptr::null_mut(), { SSL_SESSION::into_c(SslSession::empty()) })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_dup(src: *const SSL_SESSION) -> *mut SSL_SESSION {
    ffi_boundary!("SSL_SESSION_dup", ptr::null_mut(), {
        let sess = try_ref!("SSL_SESSION_dup", src, ptr::null_mut());
        SSL_SESSION::into_c(sess.dup())
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_up_ref(s: *mut SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_up_ref", 0, {
        if s.is_null() {
            error::raise_null("SSL_SESSION_up_ref");
            return 0;
        }
        // SAFETY: a live handle; the caller now owns one more reference.
        unsafe { SSL_SESSION::up_ref(s) };
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_free(s: *mut SSL_SESSION) {
    ffi_boundary!("SSL_SESSION_free", (), {
        // SAFETY: the caller gives up one reference (NULL is a no-op).
        unsafe { SSL_SESSION::release(s) }
    })
}

fn session_arc(s: *const SSL_SESSION) -> Option<Arc<SslSession>> {
    // SAFETY: NULL or a live handle, per the libssl contract.
    unsafe { SSL_SESSION::clone_arc(s) }
}

// ---- SSL <-> session --------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_get_session(s: *const SSL) -> *mut SSL_SESSION {
    ffi_boundary!("SSL_get_session", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_session", s, ptr::null_mut());
        ssl.session_or_pending().map_or(ptr::null_mut(), |sess| SSL_SESSION::as_c(&sess))
    })
}

#[no_mangle]
pub extern "C" fn SSL_get1_session(s: *mut SSL) -> *mut SSL_SESSION {
    ffi_boundary!("SSL_get1_session", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get1_session", s, ptr::null_mut());
        ssl.session_or_pending().map_or(ptr::null_mut(), SSL_SESSION::into_c)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_session(s: *mut SSL, session: *mut SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_set_session", 0, {
        let ssl = try_ref!("SSL_set_session", s, 0);
        ssl.clear_bad_session();
        ssl.set_session(session_arc(session));
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_session_reused(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_session_reused", 0, {
        let ssl = try_ref!("SSL_session_reused", s, 0);
        ssl.session_reused() as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_copy_session_id(to: *mut SSL, from: *const SSL) -> c_int {
    ffi_boundary!("SSL_copy_session_id", 0, {
        let t = try_ref!("SSL_copy_session_id", to, 0);
        let f = try_ref!("SSL_copy_session_id", from, 0);
        t.set_session(f.session());
        let sid_ctx = f.settings().session_id_context.clone();
        t.settings().session_id_context = sid_ctx;
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_has_matching_session_id(s: *const SSL, id: *const c_uchar, id_len: c_uint) -> c_int {
    ffi_boundary!("SSL_has_matching_session_id", 0, {
        let ssl = try_ref!("SSL_has_matching_session_id", s, 0);
        if id_len as usize > MAX_SESSION_ID_LENGTH || id.is_null() {
            return 0;
        }
        // SAFETY: `id_len` readable bytes at `id`.
        let id = unsafe { std::slice::from_raw_parts(id, id_len as usize) };
        let sid_ctx = ssl.settings().session_id_context.clone();
        ssl.initial_ctx.sessions.contains_id(id).is_some_and(|sess| sess.data().sid_ctx == sid_ctx) as c_int
    })
}

// ---- the context's cache ------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_CTX_add_session(ctx: *mut SSL_CTX, session: *mut SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_CTX_add_session", 0, {
        let c = try_ref!("SSL_CTX_add_session", ctx, 0);
        let Some(sess) = session_arc(session) else {
            error::raise_null("SSL_CTX_add_session");
            return 0;
        };
        c.cache_add(&sess) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_remove_session(ctx: *mut SSL_CTX, session: *mut SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_CTX_remove_session", 0, {
        let c = try_ref!("SSL_CTX_remove_session", ctx, 0);
        let Some(sess) = session_arc(session) else { return 0 };
        c.cache_remove(&sess) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_flush_sessions(ctx: *mut SSL_CTX, tm: c_long) {
    ffi_boundary!("SSL_CTX_flush_sessions", (), {
        let c = try_ref!("SSL_CTX_flush_sessions", ctx, ());
        // tm == 0 flushes everything, as in OpenSSL 3.0.
        let at = if tm == 0 { u64::MAX } else { tm.max(0) as u64 };
        let removed = c.sessions.flush(at);
        c.report_removed(removed);
    })
}

/// OpenSSL's `LHASH_OF(SSL_SESSION)` (opaque here: never handed out).
pub type lhash_st_SSL_SESSION = c_void;

#[no_mangle]
pub extern "C" fn SSL_CTX_sessions(ctx: *mut SSL_CTX) -> *mut lhash_st_SSL_SESSION {
    ffi_boundary!("SSL_CTX_sessions", ptr::null_mut(), {
        let _c = try_ref!("SSL_CTX_sessions", ctx, ptr::null_mut());
        // The cache is not an OpenSSL LHASH; nothing can be handed out.
        error::raise_unsupported("SSL_CTX_sessions");
        ptr::null_mut()
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_set_new_cb(ctx: *mut SSL_CTX, cb: ctx::NewSessionCb) {
    ffi_boundary!("SSL_CTX_sess_set_new_cb", (), {
        let c = try_ref!("SSL_CTX_sess_set_new_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.new_session = cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_get_new_cb(ctx: *mut SSL_CTX) -> ctx::NewSessionCb {
    ffi_boundary!("SSL_CTX_sess_get_new_cb", None, {
        let c = try_ref!("SSL_CTX_sess_get_new_cb", ctx, None);
        c.callbacks().new_session
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_set_remove_cb(ctx: *mut SSL_CTX, cb: ctx::RemoveSessionCb) {
    ffi_boundary!("SSL_CTX_sess_set_remove_cb", (), {
        let c = try_ref!("SSL_CTX_sess_set_remove_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.remove_session = cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_get_remove_cb(ctx: *mut SSL_CTX) -> ctx::RemoveSessionCb {
    ffi_boundary!("SSL_CTX_sess_get_remove_cb", None, {
        let c = try_ref!("SSL_CTX_sess_get_remove_cb", ctx, None);
        c.callbacks().remove_session
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_set_get_cb(ctx: *mut SSL_CTX, cb: ctx::GetSessionCb) {
    ffi_boundary!("SSL_CTX_sess_set_get_cb", (), {
        let c = try_ref!("SSL_CTX_sess_set_get_cb", ctx, ());
        c.set_callbacks(|cbs| cbs.get_session = cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_sess_get_get_cb(ctx: *mut SSL_CTX) -> ctx::GetSessionCb {
    ffi_boundary!("SSL_CTX_sess_get_get_cb", None, {
        let c = try_ref!("SSL_CTX_sess_get_get_cb", ctx, None);
        c.callbacks().get_session
    })
}

pub type GEN_SESSION_CB = Option<unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut c_uint) -> c_int>;

#[no_mangle]
pub extern "C" fn SSL_CTX_set_generate_session_id(ctx: *mut SSL_CTX, cb: GEN_SESSION_CB) -> c_int {
    ffi_boundary!("SSL_CTX_set_generate_session_id", 0, {
        let _c = try_ref!("SSL_CTX_set_generate_session_id", ctx, 0);
        let _ = cb;
        // rustls chooses session IDs itself.
        error::raise_unsupported("SSL_CTX_set_generate_session_id");
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_generate_session_id(s: *mut SSL, cb: GEN_SESSION_CB) -> c_int {
    ffi_boundary!("SSL_set_generate_session_id", 0, {
        let _ssl = try_ref!("SSL_set_generate_session_id", s, 0);
        let _ = cb;
        error::raise_unsupported("SSL_set_generate_session_id");
        0
    })
}

// ---- session fields -------------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_SESSION_is_resumable(s: *const SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_is_resumable", 0, {
        let sess = try_ref!("SSL_SESSION_is_resumable", s, 0);
        sess.is_resumable() as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_protocol_version(s: *const SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_get_protocol_version", 0, {
        let sess = try_ref!("SSL_SESSION_get_protocol_version", s, 0);
        let v = sess.data().version;
        v as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_protocol_version(s: *mut SSL_SESSION, version: c_int) -> c_int {
    ffi_boundary!("SSL_SESSION_set_protocol_version", 0, {
        let sess = try_ref!("SSL_SESSION_set_protocol_version", s, 0);
        sess.data().version = version as u16;
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_cipher(s: *const SSL_SESSION) -> *const SSL_CIPHER {
    ffi_boundary!("SSL_SESSION_get0_cipher", ptr::null(), {
        let sess = try_ref!("SSL_SESSION_get0_cipher", s, ptr::null());
        let c = sess.data().cipher;
        c.map_or(ptr::null(), static_as_c::<SSL_CIPHER>)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_cipher(s: *mut SSL_SESSION, cipher: *const SSL_CIPHER) -> c_int {
    ffi_boundary!("SSL_SESSION_set_cipher", 0, {
        let sess = try_ref!("SSL_SESSION_set_cipher", s, 0);
        // As OpenSSL, a NULL cipher is stored too (the session then has none).
        if cipher.is_null() {
            sess.data().cipher = None;
            return 1;
        }
        let Some(c) = crate::cipher::from_ptr(cipher as *const crate::cipher::SslCipher) else {
            error::raise_null("SSL_SESSION_set_cipher");
            return 0;
        };
        sess.data().cipher = Some(c);
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_time(s: *const SSL_SESSION) -> c_long {
    ffi_boundary!("SSL_SESSION_get_time", 0, {
        let sess = try_ref!("SSL_SESSION_get_time", s, 0);
        let t = sess.data().time;
        t as c_long
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_time(s: *mut SSL_SESSION, t: c_long) -> c_long {
    ffi_boundary!("SSL_SESSION_set_time", 0, {
        let sess = try_ref!("SSL_SESSION_set_time", s, 0);
        sess.data().time = t.max(0) as u64;
        t
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_timeout(s: *const SSL_SESSION) -> c_long {
    ffi_boundary!("SSL_SESSION_get_timeout", 0, {
        let sess = try_ref!("SSL_SESSION_get_timeout", s, 0);
        let t = sess.data().timeout;
        t as c_long
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_timeout(s: *mut SSL_SESSION, t: c_long) -> c_long {
    ffi_boundary!("SSL_SESSION_set_timeout", 0, {
        let sess = try_ref!("SSL_SESSION_set_timeout", s, 0);
        // OpenSSL refuses a negative timeout (0, nothing queued) and keeps the old one.
        if t < 0 {
            return 0;
        }
        sess.data().timeout = t as u64;
        1
    })
}

/// Hands out a pointer into session-owned bytes (valid until the field changes).
fn bytes_out(bytes: &[u8], len: *mut c_uint) -> *const c_uchar {
    if !len.is_null() {
        // SAFETY: writable out-parameter.
        unsafe { *len = bytes.len() as c_uint };
    }
    bytes.as_ptr()
}

fn bytes_in<'a>(p: *const c_uchar, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    // SAFETY: the caller passes `len` readable bytes at `p`.
    (!p.is_null()).then(|| unsafe { std::slice::from_raw_parts(p, len) })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_id(s: *const SSL_SESSION, len: *mut c_uint) -> *const c_uchar {
    ffi_boundary!("SSL_SESSION_get_id", ptr::null(), {
        let sess = try_ref!("SSL_SESSION_get_id", s, ptr::null());
        let d = sess.data();
        bytes_out(&d.id, len)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set1_id(s: *mut SSL_SESSION, sid: *const c_uchar, sid_len: c_uint) -> c_int {
    ffi_boundary!("SSL_SESSION_set1_id", 0, {
        let sess = try_ref!("SSL_SESSION_set1_id", s, 0);
        if sid_len as usize > MAX_SESSION_ID_LENGTH {
            error::raise(error::SSL_R_SSL_SESSION_ID_TOO_LONG);
            return 0;
        }
        let Some(id) = bytes_in(sid, sid_len as usize) else {
            error::raise_null("SSL_SESSION_set1_id");
            return 0;
        };
        sess.data().id = id.to_vec();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_id_context(s: *const SSL_SESSION, len: *mut c_uint) -> *const c_uchar {
    ffi_boundary!("SSL_SESSION_get0_id_context", ptr::null(), {
        let sess = try_ref!("SSL_SESSION_get0_id_context", s, ptr::null());
        let d = sess.data();
        bytes_out(&d.sid_ctx, len)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set1_id_context(
    s: *mut SSL_SESSION,
    sid_ctx: *const c_uchar,
    sid_ctx_len: c_uint,
) -> c_int {
    ffi_boundary!("SSL_SESSION_set1_id_context", 0, {
        let sess = try_ref!("SSL_SESSION_set1_id_context", s, 0);
        if sid_ctx_len as usize > ctx::SSL_MAX_SID_CTX_LENGTH {
            error::raise(error::SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
            return 0;
        }
        let Some(v) = bytes_in(sid_ctx, sid_ctx_len as usize) else {
            error::raise_null("SSL_SESSION_set1_id_context");
            return 0;
        };
        sess.data().sid_ctx = v.to_vec();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_hostname(s: *const SSL_SESSION) -> *const c_char {
    ffi_boundary!("SSL_SESSION_get0_hostname", ptr::null(), {
        let sess = try_ref!("SSL_SESSION_get0_hostname", s, ptr::null());
        let d = sess.data();
        d.hostname.as_ref().map_or(ptr::null(), |h| h.as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set1_hostname(s: *mut SSL_SESSION, hostname: *const c_char) -> c_int {
    ffi_boundary!("SSL_SESSION_set1_hostname", 0, {
        let sess = try_ref!("SSL_SESSION_set1_hostname", s, 0);
        sess.data().hostname = if hostname.is_null() {
            None
        } else {
            // SAFETY: NUL-terminated string from the caller.
            Some(CString::from(unsafe { CStr::from_ptr(hostname) }))
        };
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_alpn_selected(s: *const SSL_SESSION, alpn: *mut *const c_uchar, len: *mut usize) {
    ffi_boundary!("SSL_SESSION_get0_alpn_selected", (), {
        let sess = try_ref!("SSL_SESSION_get0_alpn_selected", s, ());
        let d = sess.data();
        let p = if d.alpn.is_empty() { ptr::null() } else { d.alpn.as_ptr() };
        // SAFETY: writable out-parameters when non-NULL.
        unsafe {
            if !alpn.is_null() {
                *alpn = p;
            }
            if !len.is_null() {
                *len = d.alpn.len();
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set1_alpn_selected(s: *mut SSL_SESSION, alpn: *const c_uchar, len: usize) -> c_int {
    ffi_boundary!("SSL_SESSION_set1_alpn_selected", 0, {
        let sess = try_ref!("SSL_SESSION_set1_alpn_selected", s, 0);
        if !alpn.is_null() && len >= c_int::MAX as usize {
            // OpenSSL's copy (CRYPTO_memdup) refuses INT_MAX bytes and more without an
            // error, after dropping the old value; a length from a negative int must not
            // reach the slice below.
            sess.data().alpn = Vec::new();
            return 0;
        }
        let v = if alpn.is_null() { &[][..] } else { bytes_in(alpn, len).unwrap_or_default() };
        sess.data().alpn = v.to_vec();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_peer(s: *mut SSL_SESSION) -> *mut X509 {
    ffi_boundary!("SSL_SESSION_get0_peer", ptr::null_mut(), {
        let sess = try_ref!("SSL_SESSION_get0_peer", s, ptr::null_mut());
        let d = sess.data();
        d.peer.as_ref().map_or(ptr::null_mut(), |c| c.as_ptr())
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_master_key(s: *const SSL_SESSION, out: *mut c_uchar, outlen: usize) -> usize {
    ffi_boundary!("SSL_SESSION_get_master_key", 0, {
        let sess = try_ref!("SSL_SESSION_get_master_key", s, 0);
        // rustls does not expose master secrets: like an OpenSSL session without one,
        // the key is empty.
        let d = sess.data();
        if outlen == 0 {
            return d.master_key.len();
        }
        let n = d.master_key.len().min(outlen);
        if !out.is_null() {
            // SAFETY: `outlen` writable bytes at `out`.
            unsafe { ptr::copy_nonoverlapping(d.master_key.as_ptr(), out, n) };
        }
        n
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set1_master_key(s: *mut SSL_SESSION, input: *const c_uchar, len: usize) -> c_int {
    ffi_boundary!("SSL_SESSION_set1_master_key", 0, {
        let sess = try_ref!("SSL_SESSION_set1_master_key", s, 0);
        if len > crate::session::MAX_MASTER_KEY_LENGTH {
            return 0;
        }
        let Some(v) = bytes_in(input, len) else { return 0 };
        sess.data().master_key = v.to_vec();
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_has_ticket(s: *const SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_has_ticket", 0, {
        let sess = try_ref!("SSL_SESSION_has_ticket", s, 0);
        let mut d = sess.data();
        d.settle_ticket_facts();
        let t = d.has_ticket;
        t as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_ticket_lifetime_hint(s: *const SSL_SESSION) -> c_ulong {
    ffi_boundary!("SSL_SESSION_get_ticket_lifetime_hint", 0, {
        let sess = try_ref!("SSL_SESSION_get_ticket_lifetime_hint", s, 0);
        let mut d = sess.data();
        d.settle_ticket_facts();
        let t = d.ticket_lifetime_hint;
        t as c_ulong
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get0_ticket(s: *const SSL_SESSION, tick: *mut *const c_uchar, len: *mut usize) {
    ffi_boundary!("SSL_SESSION_get0_ticket", (), {
        let sess = try_ref!("SSL_SESSION_get0_ticket", s, ());
        let mut d = sess.data();
        d.settle_ticket_facts();
        let p = if d.ticket.is_empty() { ptr::null() } else { d.ticket.as_ptr() };
        // SAFETY: writable out-parameters when non-NULL; the bytes live with the session.
        unsafe {
            if !tick.is_null() {
                *tick = p;
            }
            if !len.is_null() {
                *len = d.ticket.len();
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_max_early_data(s: *const SSL_SESSION) -> u32 {
    ffi_boundary!("SSL_SESSION_get_max_early_data", 0, {
        let sess = try_ref!("SSL_SESSION_get_max_early_data", s, 0);
        let v = sess.data().max_early_data;
        v
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_max_early_data(s: *mut SSL_SESSION, max_early_data: u32) -> c_int {
    ffi_boundary!("SSL_SESSION_set_max_early_data", 0, {
        let sess = try_ref!("SSL_SESSION_set_max_early_data", s, 0);
        sess.data().max_early_data = max_early_data;
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_max_fragment_length(s: *const SSL_SESSION) -> u8 {
    ffi_boundary!("SSL_SESSION_get_max_fragment_length", 0, {
        let _sess = try_ref!("SSL_SESSION_get_max_fragment_length", s, 0);
        0 // TLSEXT_max_fragment_length_DISABLED
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_compress_id(s: *const SSL_SESSION) -> c_uint {
    ffi_boundary!("SSL_SESSION_get_compress_id", 0, {
        let _sess = try_ref!("SSL_SESSION_get_compress_id", s, 0);
        0 // no compression
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_set_ex_data(s: *mut SSL_SESSION, idx: c_int, data: *mut c_void) -> c_int {
    ffi_boundary!("SSL_SESSION_set_ex_data", 0, {
        let sess = try_ref!("SSL_SESSION_set_ex_data", s, 0);
        sess.ex_data.set(idx, data) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_ex_data(s: *const SSL_SESSION, idx: c_int) -> *mut c_void {
    ffi_boundary!("SSL_SESSION_get_ex_data", ptr::null_mut(), {
        let sess = try_ref!("SSL_SESSION_get_ex_data", s, ptr::null_mut());
        sess.ex_data.get(idx)
    })
}

// ---- printing ---------------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The text `SSL_SESSION_print` writes (OpenSSL's layout, fields we have).
fn session_text(sess: &SslSession) -> String {
    let mut d = sess.data();
    d.settle_ticket_facts();
    let version = crate::ctx::version_name(d.version).to_string_lossy();
    let cipher = d.cipher.map_or("0000".to_string(), |c| c.name.to_string_lossy().into_owned());
    let verify = d.verify_result;
    // SAFETY: X509_verify_cert_error_string returns a static string.
    let verify_text = unsafe { CStr::from_ptr(openssl_sys::X509_verify_cert_error_string(verify as c_long)) };
    format!(
        "SSL-Session:\n    Protocol  : {version}\n    Cipher    : {cipher}\n    Session-ID: {}\n    Session-ID-ctx: {}\n    Master-Key: {}\n    PSK identity: None\n    PSK identity hint: None\n    SRP username: None\n{}    Start Time: {}\n    Timeout   : {} (sec)\n    Verify return code: {verify} ({})\n    Extended master secret: {}\n",
        hex(&d.id),
        hex(&d.sid_ctx),
        hex(&d.master_key),
        if d.ticket_lifetime_hint > 0 {
            format!("    TLS session ticket lifetime hint: {} (seconds)\n", d.ticket_lifetime_hint)
        } else {
            String::new()
        },
        d.time,
        d.timeout,
        verify_text.to_string_lossy(),
        if d.extms { "yes" } else { "no" },
    )
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_print(bp: *mut BIO, ses: *const SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_print", 0, {
        let sess = try_ref!("SSL_SESSION_print", ses, 0);
        // SAFETY: a live BIO borrowed for the call.
        let Some(bio) = (unsafe { Bio::from_borrowed(bp) }) else {
            error::raise_null("SSL_SESSION_print");
            return 0;
        };
        let text = session_text(sess);
        bio.write(text.as_bytes()).is_ok_and(|n| n == text.len()) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_print_fp(fp: *mut libc::FILE, ses: *const SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_print_fp", 0, {
        // SAFETY: `fp` is NULL or the caller's open stream; the BIO lives only for this call.
        let Some(bio) = (unsafe { Bio::for_file(fp) }) else {
            error::raise_null("SSL_SESSION_print_fp");
            return 0;
        };
        SSL_SESSION_print(bio.as_ptr(), ses)
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_print_keylog(bp: *mut BIO, x: *const SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_print_keylog", 0, {
        let sess = try_ref!("SSL_SESSION_print_keylog", x, 0);
        let line = {
            let d = sess.data();
            // Like OpenSSL: nothing to print without an ID and a master key (a TLS 1.3
            // session's secret is not available from rustls).
            if d.id.is_empty() || d.master_key.is_empty() {
                return 0;
            }
            format!("RSA Session-ID:{} Master-Key:{}\n", hex(&d.id), hex(&d.master_key))
        };
        // SAFETY: a live BIO borrowed for the call.
        let Some(bio) = (unsafe { Bio::from_borrowed(bp) }) else {
            error::raise_null("SSL_SESSION_print_keylog");
            return 0;
        };
        bio.write(line.as_bytes()).is_ok_and(|n| n == line.len()) as c_int
    })
}

// ---- DER and PEM ----------------------------------------------------------------------------------

const PEM_STRING_SSL_SESSION: &CStr = c"SSL SESSION PARAMETERS";

#[no_mangle]
pub extern "C" fn i2d_SSL_SESSION(input: *const SSL_SESSION, pp: *mut *mut c_uchar) -> c_int {
    ffi_boundary!("i2d_SSL_SESSION", 0, {
        let sess = try_ref!("i2d_SSL_SESSION", input, 0);
        let der = crate::session::registry::export(&mut sess.data());
        if pp.is_null() {
            return der.len() as c_int;
        }
        // SAFETY: `pp` is writable; `*pp` is NULL (we allocate with OPENSSL_malloc, as the
        // i2d convention requires) or points to at least `der.len()` writable bytes.
        unsafe {
            if (*pp).is_null() {
                let buf = openssl_sys::CRYPTO_malloc(der.len(), c"oxissl".as_ptr(), 0) as *mut c_uchar;
                if buf.is_null() {
                    error::raise(error::ERR_R_MALLOC_FAILURE);
                    return 0;
                }
                ptr::copy_nonoverlapping(der.as_ptr(), buf, der.len());
                *pp = buf;
            } else {
                ptr::copy_nonoverlapping(der.as_ptr(), *pp, der.len());
                *pp = (*pp).add(der.len());
            }
        }
        der.len() as c_int
    })
}

/// Decodes a session, queuing OpenSSL's ASN.1 error on malformed input.
fn decode_session(bytes: &[u8]) -> Option<(Arc<SslSession>, usize)> {
    match crate::session::registry::import(bytes) {
        Ok((data, used)) => Some((SslSession::new(data), used)),
        Err(e) => {
            crate::crypto::err::push_lib(13, e.asn1_reason());
            None
        }
    }
}

/// Stores a decoded session into the caller's `SSL_SESSION **` (replacing what it held).
fn store_out(a: *mut *mut SSL_SESSION, sess: Arc<SslSession>) -> *mut SSL_SESSION {
    let p = SSL_SESSION::into_c(sess);
    if !a.is_null() {
        // SAFETY: `a` is writable; a session it held is the caller's reference, released.
        unsafe {
            SSL_SESSION::release(*a);
            *a = p;
        }
    }
    p
}

#[no_mangle]
pub extern "C" fn d2i_SSL_SESSION(
    a: *mut *mut SSL_SESSION,
    pp: *mut *const c_uchar,
    length: c_long,
) -> *mut SSL_SESSION {
    ffi_boundary!("d2i_SSL_SESSION", ptr::null_mut(), {
        // SAFETY: `pp` is NULL or points to a pointer to `length` readable bytes.
        if pp.is_null() || unsafe { (*pp).is_null() } || length <= 0 {
            crate::crypto::err::push_lib(13, der::Malformed::TooSmall.asn1_reason());
            return ptr::null_mut();
        }
        // SAFETY: as above.
        let bytes = unsafe { std::slice::from_raw_parts(*pp, length as usize) };
        let Some((sess, used)) = decode_session(bytes) else { return ptr::null_mut() };
        // SAFETY: advance the caller's cursor past what was consumed.
        unsafe { *pp = (*pp).add(used) };
        store_out(a, sess)
    })
}

#[no_mangle]
pub extern "C" fn PEM_write_bio_SSL_SESSION(out: *mut BIO, x: *const SSL_SESSION) -> c_int {
    ffi_boundary!("PEM_write_bio_SSL_SESSION", 0, {
        let sess = try_ref!("PEM_write_bio_SSL_SESSION", x, 0);
        // SAFETY: a live BIO borrowed for the call.
        let Some(bio) = (unsafe { Bio::from_borrowed(out) }) else {
            error::raise_null("PEM_write_bio_SSL_SESSION");
            return 0;
        };
        bio.pem_write(PEM_STRING_SSL_SESSION, &crate::session::registry::export(&mut sess.data())) as c_int
    })
}

#[no_mangle]
pub extern "C" fn PEM_write_SSL_SESSION(out: *mut libc::FILE, x: *const SSL_SESSION) -> c_int {
    ffi_boundary!("PEM_write_SSL_SESSION", 0, {
        // SAFETY: `out` is NULL or the caller's open stream; the BIO lives only for this call.
        let Some(bio) = (unsafe { Bio::for_file(out) }) else {
            error::raise_null("PEM_write_SSL_SESSION");
            return 0;
        };
        PEM_write_bio_SSL_SESSION(bio.as_ptr(), x)
    })
}

#[no_mangle]
pub extern "C" fn PEM_read_bio_SSL_SESSION(
    out: *mut BIO,
    x: *mut *mut SSL_SESSION,
    _cb: pem_password_cb,
    _u: *mut c_void,
) -> *mut SSL_SESSION {
    ffi_boundary!("PEM_read_bio_SSL_SESSION", ptr::null_mut(), {
        // SAFETY: a live BIO borrowed for the call.
        let Some(bio) = (unsafe { Bio::from_borrowed(out) }) else {
            error::raise_null("PEM_read_bio_SSL_SESSION");
            return ptr::null_mut();
        };
        // libcrypto's PEM reader queues its own reason (no start line, bad base64...).
        let Some(der) = bio.pem_read(PEM_STRING_SSL_SESSION) else { return ptr::null_mut() };
        match decode_session(&der) {
            Some((sess, _)) => store_out(x, sess),
            None => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub extern "C" fn PEM_read_SSL_SESSION(
    out: *mut libc::FILE,
    x: *mut *mut SSL_SESSION,
    cb: pem_password_cb,
    u: *mut c_void,
) -> *mut SSL_SESSION {
    ffi_boundary!("PEM_read_SSL_SESSION", ptr::null_mut(), {
        // SAFETY: `out` is NULL or the caller's open stream; the BIO lives only for this call.
        let Some(bio) = (unsafe { Bio::for_file(out) }) else {
            error::raise_null("PEM_read_SSL_SESSION");
            return ptr::null_mut();
        };
        PEM_read_bio_SSL_SESSION(bio.as_ptr(), x, cb, u)
    })
}
