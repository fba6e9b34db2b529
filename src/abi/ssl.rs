//! `SSL_*`: connections.
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::ptr;

use openssl_sys::{pem_password_cb, BIO};

use super::ctx::{alpn_arg, der_arg};
use super::ownership::{static_as_c, ArcHandle};
use super::{SSL, SSL_CIPHER, SSL_CTX};
use crate::conn::{Failure, HandshakeState, Ssl};
use crate::crypto::bio::Bio;
use crate::ctx::{self};
use crate::error;

#[no_mangle]
pub extern "C" fn SSL_new(ctx: *mut SSL_CTX) -> *mut SSL {
    ffi_boundary!("SSL_new", ptr::null_mut(), {
        let Some(c) = super::ctx::ctx_arc(ctx) else {
            error::raise(error::SSL_R_NULL_SSL_CTX);
            return ptr::null_mut();
        };
        SSL::into_c(Ssl::new(c))
    })
}

#[no_mangle]
pub extern "C" fn SSL_up_ref(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_up_ref", 0, {
        if s.is_null() {
            return 0;
        }
        // SAFETY: a live handle; the caller now owns one more reference.
        unsafe { SSL::up_ref(s) };
        1
    })
}

/// Resets the connection for another handshake on the same object (see
/// [`crate::conn::Ssl::clear`]).
#[no_mangle]
pub extern "C" fn SSL_clear(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_clear", 0, {
        let ssl = try_ref!("SSL_clear", s, 0);
        ssl.clear() as c_int
    })
}

/// `SSL_dup`: a copy of a connection not yet started (context, settings, host name,
/// session, callbacks, ex_data through its dup callbacks), else the same connection
/// with one more reference, as OpenSSL does.
#[no_mangle]
pub extern "C" fn SSL_dup(s: *mut SSL) -> *mut SSL {
    ffi_boundary!("SSL_dup", ptr::null_mut(), {
        let ssl = try_arc!("SSL_dup", s, ptr::null_mut());
        SSL::into_c(ssl.dup())
    })
}

#[no_mangle]
pub extern "C" fn SSL_free(s: *mut SSL) {
    ffi_boundary!("SSL_free", (), {
        // SAFETY: the caller gives up one reference (NULL is a no-op).
        unsafe { SSL::release(s) }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_SSL_CTX(s: *const SSL) -> *mut SSL_CTX {
    ffi_boundary!("SSL_get_SSL_CTX", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_SSL_CTX", s, ptr::null_mut());
        SSL_CTX::as_c(&ssl.ctx())
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_SSL_CTX(s: *mut SSL, ctx: *mut SSL_CTX) -> *mut SSL_CTX {
    ffi_boundary!("SSL_set_SSL_CTX", ptr::null_mut(), {
        let ssl = try_ref!("SSL_set_SSL_CTX", s, ptr::null_mut());
        let Some(c) = super::ctx::ctx_arc(ctx) else {
            // OpenSSL: NULL means "the original context".
            return SSL_CTX::as_c(&ssl.ctx());
        };
        let p = SSL_CTX::as_c(&c);
        ssl.set_ctx(c);
        p
    })
}

// ---- transport -----------------------------------------------------------------------

fn set_fd_bios(ssl: &Ssl, fd: c_int, read: bool, write: bool) -> c_int {
    let Some(bio) = Bio::socket(fd) else {
        error::raise(error::ERR_R_BUF_LIB);
        return 0;
    };
    match (read, write) {
        (true, true) => ssl.set_bios(Some(bio.clone()), Some(bio)),
        (true, false) => {
            // Keep an existing write BIO over the same descriptor.
            ssl.set_rbio(Some(bio))
        }
        _ => ssl.set_wbio(Some(bio)),
    }
    1
}

#[no_mangle]
pub extern "C" fn SSL_set_fd(s: *mut SSL, fd: c_int) -> c_int {
    ffi_boundary!("SSL_set_fd", 0, {
        let ssl = try_ref!("SSL_set_fd", s, 0);
        set_fd_bios(ssl, fd, true, true)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_rfd(s: *mut SSL, fd: c_int) -> c_int {
    ffi_boundary!("SSL_set_rfd", 0, {
        let ssl = try_ref!("SSL_set_rfd", s, 0);
        if ssl.wbio().is_some_and(|w| w.is_socket_for(fd)) {
            let w = ssl.wbio();
            ssl.set_rbio(w);
            return 1;
        }
        set_fd_bios(ssl, fd, true, false)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_wfd(s: *mut SSL, fd: c_int) -> c_int {
    ffi_boundary!("SSL_set_wfd", 0, {
        let ssl = try_ref!("SSL_set_wfd", s, 0);
        if ssl.rbio().is_some_and(|r| r.is_socket_for(fd)) {
            let r = ssl.rbio();
            ssl.set_wbio(r);
            return 1;
        }
        set_fd_bios(ssl, fd, false, true)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_fd(s: *const SSL) -> c_int {
    SSL_get_rfd(s)
}

#[no_mangle]
pub extern "C" fn SSL_get_rfd(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_rfd", -1, {
        let ssl = try_ref!("SSL_get_rfd", s, -1);
        Bio::fd_of(ssl.rbio().as_ref())
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_wfd(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_wfd", -1, {
        let ssl = try_ref!("SSL_get_wfd", s, -1);
        Bio::fd_of(ssl.wbio().as_ref())
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_bio(s: *mut SSL, rbio: *mut BIO, wbio: *mut BIO) {
    ffi_boundary!("SSL_set_bio", (), {
        let ssl = try_ref!("SSL_set_bio", s, ());
        // OpenSSL's ownership rules: the caller hands over one reference per slot it
        // changes; passing the same BIO twice hands over only one, so we take another.
        // SAFETY: each BIO pointer is NULL or live, and each `from_owned` adopts exactly
        // one reference the caller gave up.
        unsafe {
            if !rbio.is_null() && rbio == wbio {
                Bio::up_ref_raw(rbio);
            }
            let cur_r = ssl.rbio_ptr();
            let cur_w = ssl.wbio_ptr();
            if rbio == cur_r {
                ssl.set_wbio(Bio::from_owned(wbio));
            } else if wbio == cur_w && cur_r != cur_w {
                ssl.set_rbio(Bio::from_owned(rbio));
            } else {
                ssl.set_rbio(Bio::from_owned(rbio));
                ssl.set_wbio(Bio::from_owned(wbio));
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_set0_rbio(s: *mut SSL, rbio: *mut BIO) {
    ffi_boundary!("SSL_set0_rbio", (), {
        let ssl = try_ref!("SSL_set0_rbio", s, ());
        // SAFETY: set0 takes ownership of the caller's reference.
        ssl.set_rbio(unsafe { Bio::from_owned(rbio) });
    })
}

#[no_mangle]
pub extern "C" fn SSL_set0_wbio(s: *mut SSL, wbio: *mut BIO) {
    ffi_boundary!("SSL_set0_wbio", (), {
        let ssl = try_ref!("SSL_set0_wbio", s, ());
        // SAFETY: set0 takes ownership of the caller's reference.
        ssl.set_wbio(unsafe { Bio::from_owned(wbio) });
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_rbio(s: *const SSL) -> *mut BIO {
    ffi_boundary!("SSL_get_rbio", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_rbio", s, ptr::null_mut());
        ssl.rbio_ptr()
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_wbio(s: *const SSL) -> *mut BIO {
    ffi_boundary!("SSL_get_wbio", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_wbio", s, ptr::null_mut());
        ssl.wbio_ptr()
    })
}

// ---- handshake and I/O -------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_set_connect_state(s: *mut SSL) {
    ffi_boundary!("SSL_set_connect_state", (), {
        let ssl = try_ref!("SSL_set_connect_state", s, ());
        ssl.set_role(false);
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_accept_state(s: *mut SSL) {
    ffi_boundary!("SSL_set_accept_state", (), {
        let ssl = try_ref!("SSL_set_accept_state", s, ());
        ssl.set_role(true);
    })
}

#[no_mangle]
pub extern "C" fn SSL_is_server(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_is_server", 0, {
        let ssl = try_ref!("SSL_is_server", s, 0);
        ssl.is_server() as c_int
    })
}

/// Maps a core result onto OpenSSL's `1 / 0 / -1` handshake return convention.
fn handshake_ret(r: Result<(), Failure>) -> c_int {
    match r {
        Ok(()) => 1,
        Err(Failure::WrongRole) => 0,
        Err(_) => -1,
    }
}

#[no_mangle]
pub extern "C" fn SSL_do_handshake(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_do_handshake", -1, {
        let ssl = try_arc!("SSL_do_handshake", s, -1);
        handshake_ret(ssl.handshake())
    })
}

#[no_mangle]
pub extern "C" fn SSL_connect(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_connect", -1, {
        let ssl = try_arc!("SSL_connect", s, -1);
        if ssl.state() == HandshakeState::Before {
            ssl.set_role(false);
        }
        handshake_ret(ssl.handshake())
    })
}

#[no_mangle]
pub extern "C" fn SSL_accept(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_accept", -1, {
        let ssl = try_arc!("SSL_accept", s, -1);
        if ssl.state() == HandshakeState::Before {
            ssl.set_role(true);
        }
        handshake_ret(ssl.handshake())
    })
}

#[no_mangle]
pub extern "C" fn SSL_is_init_finished(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_is_init_finished", 0, {
        let ssl = try_ref!("SSL_is_init_finished", s, 0);
        ssl.init_finished_shown() as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_in_init(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_in_init", 0, {
        let ssl = try_ref!("SSL_in_init", s, 0);
        (!ssl.init_finished_shown()) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_in_before(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_in_before", 0, {
        let ssl = try_ref!("SSL_in_before", s, 0);
        (ssl.state() == HandshakeState::Before) as c_int
    })
}

fn buf_mut<'a>(buf: *mut c_void, num: usize) -> &'a mut [u8] {
    if buf.is_null() || num == 0 {
        return &mut [];
    }
    // SAFETY: the caller passes `num` writable bytes at `buf`.
    unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, num) }
}

fn buf_ref<'a>(buf: *const c_void, num: usize) -> &'a [u8] {
    if buf.is_null() || num == 0 {
        return &[];
    }
    // SAFETY: the caller passes `num` readable bytes at `buf`.
    unsafe { std::slice::from_raw_parts(buf as *const u8, num) }
}

fn io_ret(r: Result<usize, Failure>) -> c_int {
    match r {
        Ok(n) => n.min(c_int::MAX as usize) as c_int,
        Err(Failure::ZeroReturn | Failure::Closed) => 0,
        Err(_) => -1,
    }
}

fn ex_ret(r: Result<usize, Failure>, out: *mut usize) -> c_int {
    match r {
        Ok(n) => {
            if !out.is_null() {
                // SAFETY: `out` is writable when non-NULL.
                unsafe { *out = n };
            }
            1
        }
        Err(_) => {
            if !out.is_null() {
                // SAFETY: as above.
                unsafe { *out = 0 };
            }
            0
        }
    }
}

#[no_mangle]
pub extern "C" fn SSL_read(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    ffi_boundary!("SSL_read", -1, {
        let ssl = try_arc!("SSL_read", s, -1);
        if num < 0 {
            error::raise(error::SSL_R_BAD_LENGTH);
            return -1;
        }
        io_ret(ssl.read(buf_mut(buf, num as usize), false))
    })
}

#[no_mangle]
pub extern "C" fn SSL_peek(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    ffi_boundary!("SSL_peek", -1, {
        let ssl = try_arc!("SSL_peek", s, -1);
        if num < 0 {
            error::raise(error::SSL_R_BAD_LENGTH);
            return -1;
        }
        io_ret(ssl.read(buf_mut(buf, num as usize), true))
    })
}

#[no_mangle]
pub extern "C" fn SSL_read_ex(s: *mut SSL, buf: *mut c_void, num: usize, readbytes: *mut usize) -> c_int {
    ffi_boundary!("SSL_read_ex", 0, {
        let ssl = try_arc!("SSL_read_ex", s, 0);
        ex_ret(ssl.read(buf_mut(buf, num), false), readbytes)
    })
}

/// `SSL_read_early_data`: no early data is ever accepted (see `Ssl::read_early_data`), so
/// the answer is `SSL_READ_EARLY_DATA_FINISH` with nothing read once the handshake is far
/// enough, or `SSL_READ_EARLY_DATA_ERROR` with `SSL_get_error` saying what it waits for.
#[no_mangle]
pub extern "C" fn SSL_read_early_data(s: *mut SSL, _buf: *mut c_void, _num: usize, readbytes: *mut usize) -> c_int {
    const SSL_READ_EARLY_DATA_FINISH: c_int = 2;
    ffi_boundary!("SSL_read_early_data", 0, {
        let ssl = try_arc!("SSL_read_early_data", s, 0);
        // On a client OpenSSL's first answer is "should not have been called" (below).
        if readbytes.is_null() && ssl.is_server() {
            error::raise_null("SSL_read_early_data");
            return 0;
        }
        match ssl.read_early_data() {
            Ok(()) => {
                // SAFETY: `readbytes` is non-NULL and, by the API's contract, writable.
                // (Like OpenSSL, it is left alone on an error.)
                unsafe { *readbytes = 0 };
                SSL_READ_EARLY_DATA_FINISH
            }
            Err(_) => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_peek_ex(s: *mut SSL, buf: *mut c_void, num: usize, readbytes: *mut usize) -> c_int {
    ffi_boundary!("SSL_peek_ex", 0, {
        let ssl = try_arc!("SSL_peek_ex", s, 0);
        ex_ret(ssl.read(buf_mut(buf, num), true), readbytes)
    })
}

#[no_mangle]
pub extern "C" fn SSL_write(s: *mut SSL, buf: *const c_void, num: c_int) -> c_int {
    ffi_boundary!("SSL_write", -1, {
        let ssl = try_arc!("SSL_write", s, -1);
        if num < 0 {
            error::raise(error::SSL_R_BAD_LENGTH);
            return -1;
        }
        io_ret(ssl.write(buf_ref(buf, num as usize)))
    })
}

#[no_mangle]
pub extern "C" fn SSL_write_ex(s: *mut SSL, buf: *const c_void, num: usize, written: *mut usize) -> c_int {
    ffi_boundary!("SSL_write_ex", 0, {
        let ssl = try_arc!("SSL_write_ex", s, 0);
        ex_ret(ssl.write(buf_ref(buf, num)), written)
    })
}

#[no_mangle]
pub extern "C" fn SSL_pending(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_pending", 0, {
        let ssl = try_ref!("SSL_pending", s, 0);
        ssl.pending().min(c_int::MAX as usize) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_has_pending(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_has_pending", 0, {
        let ssl = try_ref!("SSL_has_pending", s, 0);
        ssl.has_pending() as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_shutdown(s: *mut SSL) -> c_int {
    ffi_boundary!("SSL_shutdown", -1, {
        let ssl = try_arc!("SSL_shutdown", s, -1);
        ssl.shutdown().unwrap_or(-1)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_shutdown(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_shutdown", 0, {
        let ssl = try_ref!("SSL_get_shutdown", s, 0);
        ssl.shutdown_flags()
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_shutdown(s: *mut SSL, mode: c_int) {
    ffi_boundary!("SSL_set_shutdown", (), {
        let ssl = try_ref!("SSL_set_shutdown", s, ());
        ssl.set_shutdown_flags(mode);
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_quiet_shutdown(s: *mut SSL, mode: c_int) {
    ffi_boundary!("SSL_set_quiet_shutdown", (), {
        let ssl = try_ref!("SSL_set_quiet_shutdown", s, ());
        ssl.settings().quiet_shutdown = mode != 0;
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_quiet_shutdown(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_quiet_shutdown", 0, {
        let ssl = try_ref!("SSL_get_quiet_shutdown", s, 0);
        let q = ssl.settings().quiet_shutdown;
        q as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_error(s: *const SSL, ret_code: c_int) -> c_int {
    ffi_boundary!("SSL_get_error", crate::conn::SSL_ERROR_SSL, {
        // A positive return is a success whatever the connection (OpenSSL answers it
        // before looking at `s`).
        if ret_code > 0 {
            return crate::conn::SSL_ERROR_NONE;
        }
        let ssl = try_ref!("SSL_get_error", s, crate::conn::SSL_ERROR_SSL);
        ssl.get_error(ret_code)
    })
}

// ---- what was negotiated ---------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_get_version(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_get_version", ptr::null(), {
        let ssl = try_ref!("SSL_get_version", s, ptr::null());
        let v = ssl.version();
        // Before a handshake OpenSSL names the highest version it would offer.
        ctx::version_name(if v == 0 { ctx::TLS1_3_VERSION } else { v }).as_ptr()
    })
}

#[no_mangle]
pub extern "C" fn SSL_version(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_version", 0, {
        let ssl = try_ref!("SSL_version", s, 0);
        let v = ssl.version();
        (if v == 0 { ctx::TLS1_3_VERSION } else { v }) as c_int
    })
}

/// `TLS_ANY_VERSION`: the version field of a flexible method before a handshake.
const TLS_ANY_VERSION: c_int = 0x10000;

#[no_mangle]
pub extern "C" fn SSL_client_version(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_client_version", 0, {
        let ssl = try_ref!("SSL_client_version", s, 0);
        // The legacy_version field of a TLS 1.2/1.3 ClientHello once the handshake has
        // begun; before, OpenSSL's initial value: the method's version (TLS_ANY_VERSION
        // for the flexible methods).
        if ssl.version() == 0 && ssl.state() == HandshakeState::Before {
            let m = ssl.ctx().method.version;
            return if m == 0 { TLS_ANY_VERSION } else { c_int::from(m) };
        }
        ctx::TLS1_2_VERSION as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_current_cipher(s: *const SSL) -> *const SSL_CIPHER {
    ffi_boundary!("SSL_get_current_cipher", ptr::null(), {
        let ssl = try_ref!("SSL_get_current_cipher", s, ptr::null());
        let c = ssl.peer().cipher;
        c.map_or(ptr::null(), static_as_c::<SSL_CIPHER>)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_pending_cipher(s: *const SSL) -> *const SSL_CIPHER {
    SSL_get_current_cipher(s)
}

#[no_mangle]
pub extern "C" fn SSL_set_cipher_list(s: *mut SSL, str_: *const c_char) -> c_int {
    ffi_boundary!("SSL_set_cipher_list", 0, {
        let ssl = try_ref!("SSL_set_cipher_list", s, 0);
        let spec = try_cstr!("SSL_set_cipher_list", str_, 0);
        ctx::set_cipher_list(&mut ssl.cipher_settings(), spec) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_ciphersuites(s: *mut SSL, str_: *const c_char) -> c_int {
    ffi_boundary!("SSL_set_ciphersuites", 0, {
        let ssl = try_ref!("SSL_set_ciphersuites", s, 0);
        let spec = try_cstr!("SSL_set_ciphersuites", str_, 0);
        ctx::set_ciphersuites(&mut ssl.cipher_settings(), spec) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_alpn_protos(s: *mut SSL, protos: *const c_uchar, protos_len: c_uint) -> c_int {
    ffi_boundary!("SSL_set_alpn_protos", 1, {
        let ssl = try_ref!("SSL_set_alpn_protos", s, 1);
        let wire = alpn_arg(protos, protos_len).unwrap_or_default();
        match crate::alpn::parse_alpn(wire) {
            Some(list) => {
                ssl.settings().alpn = list;
                0
            }
            None => 1,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get0_alpn_selected(s: *const SSL, data: *mut *const c_uchar, len: *mut c_uint) {
    ffi_boundary!("SSL_get0_alpn_selected", (), {
        let ssl = try_ref!("SSL_get0_alpn_selected", s, ());
        let peer = ssl.peer();
        let (p, l) =
            if peer.alpn.is_empty() { (ptr::null(), 0) } else { (peer.alpn.as_ptr(), peer.alpn.len() as c_uint) };
        // SAFETY: out-parameters are writable when non-NULL; the bytes stay with the SSL
        // until its next handshake, as in OpenSSL.
        unsafe {
            if !data.is_null() {
                *data = p;
            }
            if !len.is_null() {
                *len = l;
            }
        }
    })
}

pub const TLSEXT_NAMETYPE_HOST_NAME: c_int = 0;

#[no_mangle]
pub extern "C" fn SSL_get_servername(s: *const SSL, type_: c_int) -> *const c_char {
    ffi_boundary!("SSL_get_servername", ptr::null(), {
        let ssl = try_ref!("SSL_get_servername", s, ptr::null());
        if type_ != TLSEXT_NAMETYPE_HOST_NAME {
            return ptr::null();
        }
        if ssl.is_server() {
            ssl.peer().servername.as_ref().map_or(ptr::null(), |n| n.as_ptr())
        } else {
            ssl.hostname().as_ref().map_or(ptr::null(), |n| n.as_ptr())
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_servername_type(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_servername_type", -1, {
        if SSL_get_servername(s, TLSEXT_NAMETYPE_HOST_NAME).is_null() {
            -1
        } else {
            TLSEXT_NAMETYPE_HOST_NAME
        }
    })
}

// ---- options and misc ---------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn SSL_set_options(s: *mut SSL, op: u64) -> u64 {
    ffi_boundary!("SSL_set_options", 0, {
        let ssl = try_ref!("SSL_set_options", s, 0);
        let mut st = ssl.settings();
        st.options |= op;
        st.options
    })
}

#[no_mangle]
pub extern "C" fn SSL_clear_options(s: *mut SSL, op: u64) -> u64 {
    ffi_boundary!("SSL_clear_options", 0, {
        let ssl = try_ref!("SSL_clear_options", s, 0);
        let mut st = ssl.settings();
        st.options &= !op;
        st.options
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_options(s: *const SSL) -> u64 {
    ffi_boundary!("SSL_get_options", 0, {
        let ssl = try_ref!("SSL_get_options", s, 0);
        let o = ssl.settings().options;
        o
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_ex_data(s: *mut SSL, idx: c_int, data: *mut c_void) -> c_int {
    ffi_boundary!("SSL_set_ex_data", 0, {
        let ssl = try_ref!("SSL_set_ex_data", s, 0);
        ssl.ex_data.set(idx, data) as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_ex_data(s: *const SSL, idx: c_int) -> *mut c_void {
    ffi_boundary!("SSL_get_ex_data", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_ex_data", s, ptr::null_mut());
        ssl.ex_data.get(idx)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_session_id_context(s: *mut SSL, sid_ctx: *const c_uchar, sid_ctx_len: c_uint) -> c_int {
    ffi_boundary!("SSL_set_session_id_context", 0, {
        let ssl = try_ref!("SSL_set_session_id_context", s, 0);
        if sid_ctx_len as usize > ctx::SSL_MAX_SID_CTX_LENGTH {
            error::raise(error::SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
            return 0;
        }
        // As SSL_CTX_set_session_id_context: NULL with a length is refused.
        if sid_ctx.is_null() && sid_ctx_len > 0 {
            error::raise_null("SSL_set_session_id_context");
            return 0;
        }
        let v = der_arg(sid_ctx, sid_ctx_len as c_long).map(<[u8]>::to_vec).unwrap_or_default();
        ssl.settings().session_id_context = v;
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_info_callback(s: *mut SSL, cb: ctx::InfoCb) {
    ffi_boundary!("SSL_set_info_callback", (), {
        let ssl = try_ref!("SSL_set_info_callback", s, ());
        ssl.set_info_callback(cb);
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_info_callback(s: *const SSL) -> ctx::InfoCb {
    ffi_boundary!("SSL_get_info_callback", None, {
        let ssl = try_ref!("SSL_get_info_callback", s, None);
        ssl.info_callback()
    })
}

pub type OSSL_HANDSHAKE_STATE = c_uint;

/// The state of the handshake in OpenSSL's terms (see [`crate::statem`]).
#[no_mangle]
pub extern "C" fn SSL_get_state(s: *const SSL) -> OSSL_HANDSHAKE_STATE {
    ffi_boundary!("SSL_get_state", 0, {
        let ssl = try_ref!("SSL_get_state", s, 0);
        ssl.shown_state().0 as OSSL_HANDSHAKE_STATE
    })
}

#[no_mangle]
pub extern "C" fn SSL_state_string(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_state_string", c"UNKWN ".as_ptr(), {
        let ssl = try_ref!("SSL_state_string", s, c"UNKWN ".as_ptr());
        match ssl.shown_state() {
            (_, true) => c"SSLERR".as_ptr(),
            (state, false) => state.short().as_ptr(),
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_state_string_long(s: *const SSL) -> *const c_char {
    ffi_boundary!("SSL_state_string_long", c"unknown state".as_ptr(), {
        let ssl = try_ref!("SSL_state_string_long", s, c"unknown state".as_ptr());
        match ssl.shown_state() {
            (_, true) => c"error".as_ptr(),
            (state, false) => state.long().as_ptr(),
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_ssl_method(s: *const SSL) -> *const super::SSL_METHOD {
    ffi_boundary!("SSL_get_ssl_method", ptr::null(), {
        let ssl = try_ref!("SSL_get_ssl_method", s, ptr::null());
        static_as_c::<super::SSL_METHOD>(ssl.ctx().method)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_default_passwd_cb(s: *mut SSL) -> pem_password_cb {
    ffi_boundary!("SSL_get_default_passwd_cb", None, {
        let ssl = try_ref!("SSL_get_default_passwd_cb", s, None);
        let cb = ssl.settings().passwd.cb;
        cb
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_default_passwd_cb_userdata(s: *mut SSL) -> *mut c_void {
    ffi_boundary!("SSL_get_default_passwd_cb_userdata", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_default_passwd_cb_userdata", s, ptr::null_mut());
        let u = ssl.settings().passwd.userdata;
        u
    })
}

/// Copies `src` into the caller's buffer as OpenSSL's "get random" calls do: with
/// `outlen == 0` it only reports the size.
fn copy_out(src: &[u8], out: *mut c_uchar, outlen: usize) -> usize {
    if outlen == 0 {
        return src.len();
    }
    let n = src.len().min(outlen);
    if !out.is_null() {
        // SAFETY: the caller passes `outlen` writable bytes.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), out, n) };
    }
    n
}

#[no_mangle]
pub extern "C" fn SSL_get_client_random(s: *const SSL, out: *mut c_uchar, outlen: usize) -> usize {
    ffi_boundary!("SSL_get_client_random", 0, {
        let ssl = try_ref!("SSL_get_client_random", s, 0);
        let r = ssl.peer().client_random.clone();
        let r = if r.is_empty() { vec![0u8; 32] } else { r };
        copy_out(&r, out, outlen)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_server_random(s: *const SSL, out: *mut c_uchar, outlen: usize) -> usize {
    ffi_boundary!("SSL_get_server_random", 0, {
        let _ssl = try_ref!("SSL_get_server_random", s, 0);
        // rustls does not expose the ServerHello random.
        error::raise_unsupported("SSL_get_server_random");
        let _ = (out, outlen);
        0
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_peer_signature_type_nid(s: *const SSL, pnid: *mut c_int) -> c_int {
    ffi_boundary!("SSL_get_peer_signature_type_nid", 0, {
        let ssl = try_ref!("SSL_get_peer_signature_type_nid", s, 0);
        let scheme = ssl.peer().peer_sig;
        nid_out(scheme.map(|sc| crate::keys::scheme_nids(sc).0), pnid)
    })
}

#[no_mangle]
pub extern "C" fn SSL_get_signature_type_nid(s: *const SSL, pnid: *mut c_int) -> c_int {
    ffi_boundary!("SSL_get_signature_type_nid", 0, {
        let ssl = try_ref!("SSL_get_signature_type_nid", s, 0);
        let scheme = ssl.peer().own_sig;
        nid_out(scheme.map(|sc| crate::keys::scheme_nids(sc).0), pnid)
    })
}

/// Writes a NID out-parameter: 1 when known, 0 otherwise.
pub(crate) fn nid_out(nid: Option<c_int>, pnid: *mut c_int) -> c_int {
    let Some(n) = nid else { return 0 };
    if !pnid.is_null() {
        // SAFETY: writable out-parameter.
        unsafe { *pnid = n };
    }
    1
}

#[no_mangle]
pub extern "C" fn SSL_get_read_ahead(s: *const SSL) -> c_int {
    ffi_boundary!("SSL_get_read_ahead", 0, {
        let ssl = try_ref!("SSL_get_read_ahead", s, 0);
        let r = ssl.settings().read_ahead;
        r as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_read_ahead(s: *mut SSL, yes: c_int) {
    ffi_boundary!("SSL_set_read_ahead", (), {
        let ssl = try_ref!("SSL_set_read_ahead", s, ());
        ssl.settings().read_ahead = yes != 0;
    })
}
