//! `BIO_f_ssl`: an `SSL` as a filter in a libcrypto BIO chain, and the constructors
//! built on it (`BIO_new_ssl`, `BIO_new_ssl_connect`, `BIO_new_buffer_ssl_connect`),
//! `BIO_ssl_copy_session_id` and `BIO_ssl_shutdown`.
//!
//! The filter is a libcrypto `BIO_METHOD` whose callbacks live here. Reads and writes
//! go through `SSL_read`/`SSL_write` and turn `SSL_get_error` into the BIO's retry flags.
//!
//! Ownership, as in OpenSSL:
//! - The filter holds the `SSL*` it was given by `BIO_set_ssl`. With the close flag
//!   (`BIO_CLOSE`) that is the caller's reference, released when the filter is freed
//!   (after a `SSL_shutdown` if the handshake had finished); without it the filter
//!   only borrows the SSL.
//! - `BIO_set_ssl` makes the SSL's read BIO the filter's next BIO, with a reference of
//!   the chain's own, so that `BIO_free_all` on the filter releases both the SSL's
//!   references and the chain's.
//! - A BIO pushed after the filter becomes the SSL's read and write BIO: the filter
//!   takes one reference for the SSL (which takes its second one in `SSL_set_bio`);
//!   popping the filter gives both back.
use std::cell::Cell;
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::ptr;
use std::sync::OnceLock;

use openssl_sys::{BIO, BIO_METHOD};

use super::ownership::ArcHandle;
use super::session::SSL_copy_session_id;
use super::ssl::{
    SSL_do_handshake, SSL_free, SSL_get_error, SSL_get_rbio, SSL_get_wbio, SSL_in_init, SSL_new, SSL_pending, SSL_read,
    SSL_set_accept_state, SSL_set_bio, SSL_set_connect_state, SSL_shutdown, SSL_write,
};
use super::{SSL, SSL_CTX};
use crate::conn::{
    SSL_ERROR_NONE, SSL_ERROR_WANT_ACCEPT, SSL_ERROR_WANT_CONNECT, SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE,
    SSL_ERROR_WANT_X509_LOOKUP,
};
use crate::crypto::bio::{BIO_RR_ACCEPT, BIO_RR_CONNECT, BIO_RR_SSL_X509_LOOKUP};
use crate::crypto::sys;

const BIO_TYPE_SSL: c_int = 7 | 0x0200;

const BIO_FLAGS_READ: c_int = 0x01;
const BIO_FLAGS_WRITE: c_int = 0x02;
const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
const BIO_RETRY_FLAGS: c_int = BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY;

const BIO_CLOSE: c_long = 1;

const BIO_CTRL_RESET: c_int = 1;
const BIO_CTRL_INFO: c_int = 3;
const BIO_CTRL_PUSH: c_int = 6;
const BIO_CTRL_POP: c_int = 7;
const BIO_CTRL_GET_CLOSE: c_int = 8;
const BIO_CTRL_SET_CLOSE: c_int = 9;
const BIO_CTRL_PENDING: c_int = 10;
const BIO_CTRL_FLUSH: c_int = 11;
const BIO_CTRL_DUP: c_int = 12;
const BIO_CTRL_WPENDING: c_int = 13;
const BIO_CTRL_SET_CALLBACK: c_int = 14;
const BIO_C_DO_STATE_MACHINE: c_int = 101;
const BIO_C_GET_FD: c_int = 105;
const BIO_C_SET_SSL: c_int = 109;
const BIO_C_GET_SSL: c_int = 110;
const BIO_C_SSL_MODE: c_int = 119;
const BIO_C_SET_SSL_RENEGOTIATE_BYTES: c_int = 125;
const BIO_C_GET_SSL_NUM_RENEGOTIATES: c_int = 126;
const BIO_C_SET_SSL_RENEGOTIATE_TIMEOUT: c_int = 127;

/// What one filter BIO keeps (its `BIO_get_data`). Cells: a callback run by the SSL
/// may reach the same filter again (`BIO_get_ssl` from an info callback).
#[derive(Default)]
struct Filter {
    ssl: Cell<*mut SSL>,
    /// `BIO_set_ssl_renegotiate_bytes` / `_timeout` and their bookkeeping. Kept and
    /// reported as OpenSSL does; no renegotiation follows (rustls has none).
    renegotiate_bytes: Cell<c_ulong>,
    renegotiate_timeout: Cell<c_ulong>,
    num_renegotiates: Cell<c_long>,
    byte_count: Cell<usize>,
    last_time: Cell<c_ulong>,
}

impl Filter {
    /// Counts transferred bytes and elapsed time the way OpenSSL's filter does to
    /// decide when to renegotiate; the renegotiation itself is not available.
    fn account(&self, n: usize) {
        let mut due = false;
        if self.renegotiate_bytes.get() > 0 {
            self.byte_count.set(self.byte_count.get() + n);
            if self.byte_count.get() > self.renegotiate_bytes.get() as usize {
                self.byte_count.set(0);
                self.num_renegotiates.set(self.num_renegotiates.get() + 1);
                due = true;
            }
        }
        if self.renegotiate_timeout.get() > 0 && !due {
            let now = now_secs();
            if now > self.last_time.get() + self.renegotiate_timeout.get() {
                self.last_time.set(now);
                self.num_renegotiates.set(self.num_renegotiates.get() + 1);
            }
        }
    }

    fn copy_counters_to(&self, other: &Filter) {
        other.renegotiate_bytes.set(self.renegotiate_bytes.get());
        other.renegotiate_timeout.set(self.renegotiate_timeout.get());
        other.num_renegotiates.set(self.num_renegotiates.get());
        other.byte_count.set(self.byte_count.get());
        other.last_time.set(self.last_time.get());
    }
}

fn now_secs() -> c_ulong {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as c_ulong)
}

/// The filter state of an SSL BIO.
fn filter<'a>(b: *mut BIO) -> Option<&'a Filter> {
    if b.is_null() {
        return None;
    }
    // SAFETY: `b` is a live BIO of our method (libcrypto calls our callbacks with it, or
    // it was found by its type BIO_TYPE_SSL); its data is NULL or the `Filter` boxed by
    // `filter_create`, which lives until `filter_destroy`.
    unsafe { (sys::BIO_get_data(b) as *const Filter).as_ref() }
}

fn clear_retry_flags(b: *mut BIO) {
    // SAFETY: `b` is a live BIO.
    unsafe { sys::BIO_clear_flags(b, BIO_RETRY_FLAGS) };
}

fn set_flags(b: *mut BIO, flags: c_int) {
    // SAFETY: `b` is a live BIO.
    unsafe { sys::BIO_set_flags(b, flags) };
}

fn set_retry_reason(b: *mut BIO, reason: c_int) {
    // SAFETY: `b` is a live BIO.
    unsafe { sys::BIO_set_retry_reason(b, reason) };
}

fn next_of(b: *mut BIO) -> *mut BIO {
    // SAFETY: `b` is a live BIO; BIO_next only reads its link.
    unsafe { sys::BIO_next(b) }
}

fn ctrl(b: *mut BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    // SAFETY: passes the caller's control request on unchanged; libcrypto accepts a NULL
    // BIO (and answers it as OpenSSL's filter would see it answered).
    unsafe { openssl_sys::BIO_ctrl(b, cmd, larg, parg) }
}

/// After a read or write: the BIO's retry flags and reason from `SSL_get_error`.
fn set_retry_from(b: *mut BIO, f: &Filter, err: c_int, done: c_int) {
    let mut reason = 0;
    match err {
        SSL_ERROR_NONE if done > 0 => f.account(done as usize),
        SSL_ERROR_WANT_READ => set_flags(b, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY),
        SSL_ERROR_WANT_WRITE => set_flags(b, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY),
        SSL_ERROR_WANT_X509_LOOKUP => {
            set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
            reason = BIO_RR_SSL_X509_LOOKUP;
        }
        SSL_ERROR_WANT_ACCEPT => {
            set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
            reason = BIO_RR_ACCEPT;
        }
        SSL_ERROR_WANT_CONNECT => {
            set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
            reason = BIO_RR_CONNECT;
        }
        _ => {} // ZERO_RETURN, SYSCALL, SSL: no retry
    }
    set_retry_reason(b, reason);
}

// ---- the method's callbacks ------------------------------------------------------------

extern "C" fn filter_write(b: *mut BIO, buf: *const c_char, len: c_int) -> c_int {
    ffi_boundary!("BIO_f_ssl write", -1, {
        let Some(f) = filter(b) else { return 0 };
        if buf.is_null() {
            return 0;
        }
        let ssl = f.ssl.get();
        clear_retry_flags(b);
        let ret = SSL_write(ssl, buf as *const c_void, len);
        // OpenSSL's filter reports WANT_ACCEPT only for reads.
        let err = match SSL_get_error(ssl, ret) {
            SSL_ERROR_WANT_ACCEPT => -1,
            e => e,
        };
        set_retry_from(b, f, err, ret);
        ret
    })
}

extern "C" fn filter_read(b: *mut BIO, buf: *mut c_char, len: c_int) -> c_int {
    ffi_boundary!("BIO_f_ssl read", -1, {
        let Some(f) = filter(b) else { return 0 };
        if buf.is_null() {
            return 0;
        }
        let ssl = f.ssl.get();
        clear_retry_flags(b);
        let ret = SSL_read(ssl, buf as *mut c_void, len);
        set_retry_from(b, f, SSL_get_error(ssl, ret), ret);
        ret
    })
}

extern "C" fn filter_puts(b: *mut BIO, s: *const c_char) -> c_int {
    ffi_boundary!("BIO_f_ssl puts", -1, {
        if s.is_null() {
            return 0;
        }
        // SAFETY: BIO_puts hands over a NUL-terminated string.
        let n = unsafe { std::ffi::CStr::from_ptr(s) }.to_bytes().len();
        let n = n.min(c_int::MAX as usize) as c_int;
        // SAFETY: `n` readable bytes at `s`; BIO_write goes back through `filter_write`.
        unsafe { openssl_sys::BIO_write(b, s as *const c_void, n) }
    })
}

extern "C" fn filter_create(b: *mut BIO) -> c_int {
    ffi_boundary!("BIO_f_ssl create", 0, {
        let data = Box::into_raw(Box::<Filter>::default());
        // SAFETY: `b` is the BIO being created; the box is reclaimed in `filter_destroy`.
        unsafe {
            sys::BIO_set_init(b, 0);
            sys::BIO_set_data(b, data as *mut c_void);
            sys::BIO_clear_flags(b, !0);
        }
        1
    })
}

/// What freeing the filter does to its SSL: with the close flag, a close_notify for an
/// established connection, then the filter's reference goes.
fn release_ssl(b: *mut BIO, f: &Filter) {
    // SAFETY: `b` is a live BIO of our method.
    let (close, init) = unsafe { (sys::BIO_get_shutdown(b), sys::BIO_get_init(b)) };
    if close == 0 {
        return;
    }
    let ssl = f.ssl.get();
    if !ssl.is_null() && SSL_in_init(ssl) == 0 {
        SSL_shutdown(ssl);
    }
    if init != 0 {
        SSL_free(ssl);
    }
    f.ssl.set(ptr::null_mut());
    // SAFETY: as above.
    unsafe {
        sys::BIO_clear_flags(b, !0);
        sys::BIO_set_init(b, 0);
    }
}

extern "C" fn filter_destroy(b: *mut BIO) -> c_int {
    ffi_boundary!("BIO_f_ssl destroy", 0, {
        let Some(f) = filter(b) else { return 0 };
        release_ssl(b, f);
        // SAFETY: the data is the box made by `filter_create`; nothing uses it after this.
        unsafe {
            drop(Box::from_raw(f as *const Filter as *mut Filter));
            sys::BIO_set_data(b, ptr::null_mut());
        }
        1
    })
}

extern "C" fn filter_callback_ctrl(b: *mut BIO, cmd: c_int, fp: sys::BioInfoCb) -> c_long {
    ffi_boundary!("BIO_f_ssl callback_ctrl", 0, {
        let Some(f) = filter(b) else { return 0 };
        let ssl = f.ssl.get();
        if cmd != BIO_CTRL_SET_CALLBACK || ssl.is_null() {
            return 0;
        }
        // SAFETY: forwards the callback to the SSL's live read BIO (libcrypto checks NULL).
        unsafe { sys::BIO_callback_ctrl(SSL_get_rbio(ssl), cmd, fp) }
    })
}

extern "C" fn filter_ctrl(b: *mut BIO, cmd: c_int, num: c_long, parg: *mut c_void) -> c_long {
    ffi_boundary!("BIO_f_ssl ctrl", 0, {
        let Some(f) = filter(b) else { return 0 };
        let ssl = f.ssl.get();
        if ssl.is_null() && cmd != BIO_C_SET_SSL {
            return 0;
        }
        let next = next_of(b);
        match cmd {
            BIO_CTRL_RESET => reset(ssl, next, num, parg),
            BIO_CTRL_INFO => 0,
            BIO_C_SSL_MODE => {
                if num != 0 {
                    SSL_set_connect_state(ssl);
                } else {
                    SSL_set_accept_state(ssl);
                }
                1
            }
            BIO_C_SET_SSL_RENEGOTIATE_TIMEOUT => {
                let old = f.renegotiate_timeout.get() as c_long;
                f.renegotiate_timeout.set(if num < 60 { 5 } else { num as c_ulong });
                f.last_time.set(now_secs());
                old
            }
            BIO_C_SET_SSL_RENEGOTIATE_BYTES => {
                let old = f.renegotiate_bytes.get() as c_long;
                if num >= 512 {
                    f.renegotiate_bytes.set(num as c_ulong);
                }
                old
            }
            BIO_C_GET_SSL_NUM_RENEGOTIATES => f.num_renegotiates.get(),
            BIO_C_SET_SSL => set_ssl(b, f, next, num, parg as *mut SSL),
            BIO_C_GET_SSL => {
                if parg.is_null() {
                    return 0;
                }
                // SAFETY: BIO_get_ssl passes an `SSL **` to fill in.
                unsafe { *(parg as *mut *mut SSL) = ssl };
                1
            }
            BIO_CTRL_GET_CLOSE => {
                // SAFETY: reads a field of the live BIO `b`.
                unsafe { sys::BIO_get_shutdown(b) as c_long }
            }
            BIO_CTRL_SET_CLOSE => {
                // SAFETY: writes a field of the live BIO `b`.
                unsafe { sys::BIO_set_shutdown(b, num as c_int) };
                1
            }
            BIO_CTRL_WPENDING => ctrl(SSL_get_wbio(ssl), cmd, num, parg),
            BIO_CTRL_PENDING => match SSL_pending(ssl) {
                0 => ctrl(SSL_get_rbio(ssl), BIO_CTRL_PENDING, 0, ptr::null_mut()) as c_int as c_long,
                n => n as c_long,
            },
            BIO_CTRL_FLUSH => {
                clear_retry_flags(b);
                let ret = ctrl(SSL_get_wbio(ssl), cmd, num, parg);
                if !next.is_null() {
                    // SAFETY: `b` and its next BIO are live.
                    unsafe { sys::BIO_copy_next_retry(b) };
                }
                ret
            }
            BIO_CTRL_PUSH => {
                if !next.is_null() && next != SSL_get_rbio(ssl) {
                    // The SSL takes this reference (and SSL_set_bio a second one, for
                    // the write side); the chain keeps its own.
                    // SAFETY: `next` is live (it is linked after `b`).
                    unsafe { sys::BIO_up_ref(next) };
                    SSL_set_bio(ssl, next, next);
                }
                1
            }
            BIO_CTRL_POP => {
                // Only when this filter is the BIO being popped (not one before it).
                if b as *mut c_void == parg {
                    SSL_set_bio(ssl, ptr::null_mut(), ptr::null_mut());
                }
                1
            }
            BIO_C_DO_STATE_MACHINE => do_handshake(b, ssl, next),
            BIO_CTRL_DUP => dup(f, parg as *mut BIO, ssl),
            BIO_C_GET_FD => ctrl(SSL_get_rbio(ssl), cmd, num, parg),
            BIO_CTRL_SET_CALLBACK => 0, // through callback_ctrl
            _ => ctrl(SSL_get_rbio(ssl), cmd, num, parg),
        }
    })
}

/// `BIO_reset`: close the connection and make the SSL ready for a new handshake in the
/// same role, then reset the transport.
fn reset(ssl: *mut SSL, next: *mut BIO, num: c_long, parg: *mut c_void) -> c_long {
    SSL_shutdown(ssl);
    let Some(conn) = conn_of(ssl) else { return 0 };
    if conn.role_is_set() {
        if conn.is_server() {
            SSL_set_accept_state(ssl);
        } else {
            SSL_set_connect_state(ssl);
        }
    }
    if super::ssl::SSL_clear(ssl) == 0 {
        return 0;
    }
    if !next.is_null() {
        return ctrl(next, BIO_CTRL_RESET, num, parg);
    }
    let rbio = SSL_get_rbio(ssl);
    if rbio.is_null() {
        1
    } else {
        ctrl(rbio, BIO_CTRL_RESET, num, parg)
    }
}

/// The connection behind a non-NULL `SSL*` the filter holds.
fn conn_of<'a>(ssl: *mut SSL) -> Option<&'a crate::conn::Ssl> {
    // SAFETY: the filter holds a live handle (its own reference, or one the
    // application keeps alive while the filter borrows it).
    unsafe { <SSL as super::ownership::Handle>::borrow(ssl) }
}

/// `BIO_set_ssl`: the filter adopts `ssl` (owning it when `close` is set) and links the
/// SSL's read BIO after itself, ahead of whatever already followed.
fn set_ssl(b: *mut BIO, f: &Filter, next: *mut BIO, close: c_long, ssl: *mut SSL) -> c_long {
    if !f.ssl.get().is_null() {
        // A second BIO_set_ssl: the old SSL goes as if the filter were freed, and the
        // filter starts afresh (flags and init cleared).
        release_ssl(b, f);
        Filter::default().copy_counters_to(f);
        // SAFETY: `b` is live.
        unsafe {
            sys::BIO_clear_flags(b, !0);
            sys::BIO_set_init(b, 0);
        }
    }
    // SAFETY: `b` is live.
    unsafe { sys::BIO_set_shutdown(b, close as c_int) };
    f.ssl.set(ssl);
    let rbio = if ssl.is_null() { ptr::null_mut() } else { SSL_get_rbio(ssl) };
    if !rbio.is_null() {
        // SAFETY: `rbio` is the SSL's live read BIO; the chain takes its own reference,
        // and a chain already following the filter moves behind it.
        unsafe {
            sys::BIO_up_ref(rbio);
            if !next.is_null() {
                sys::BIO_push(rbio, next);
            }
            sys::BIO_set_next(b, rbio);
        }
    }
    // SAFETY: `b` is live.
    unsafe { sys::BIO_set_init(b, 1) };
    1
}

/// `BIO_do_handshake`.
fn do_handshake(b: *mut BIO, ssl: *mut SSL, next: *mut BIO) -> c_long {
    clear_retry_flags(b);
    set_retry_reason(b, 0);
    let ret = SSL_do_handshake(ssl);
    match SSL_get_error(ssl, ret) {
        SSL_ERROR_WANT_READ => set_flags(b, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY),
        SSL_ERROR_WANT_WRITE => set_flags(b, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY),
        SSL_ERROR_WANT_CONNECT => {
            set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
            if !next.is_null() {
                // SAFETY: `next` is live (linked after `b`).
                set_retry_reason(b, unsafe { sys::BIO_get_retry_reason(next) });
            }
        }
        SSL_ERROR_WANT_X509_LOOKUP => {
            set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
            set_retry_reason(b, BIO_RR_SSL_X509_LOOKUP);
        }
        _ => {}
    }
    ret as c_long
}

/// `BIO_dup_chain` copying a filter: the copy gets `SSL_dup` of the SSL (a copy of a
/// connection not yet started, otherwise the same connection with another reference)
/// and the renegotiation counters.
fn dup(f: &Filter, to: *mut BIO, ssl: *mut SSL) -> c_long {
    let Some(g) = filter(to) else { return 0 };
    SSL_free(g.ssl.get());
    // SAFETY: `ssl` is a live handle the filter holds (see `conn_of`).
    let arc = unsafe { <SSL as super::ownership::ArcHandle>::clone_arc(ssl) };
    let copy = arc.map_or(ptr::null_mut(), |a| SSL::into_c(a.dup()));
    g.ssl.set(copy);
    f.copy_counters_to(g);
    (!copy.is_null()) as c_long
}

// ---- the method -------------------------------------------------------------------------

struct Method(*mut BIO_METHOD);

// SAFETY: the method table is written once, before it is shared, and only read afterwards
// (libcrypto reads it under no lock in OpenSSL too).
unsafe impl Send for Method {}
// SAFETY: as for Send, above.
unsafe impl Sync for Method {}

static METHOD: OnceLock<Method> = OnceLock::new();

fn make_method() -> Method {
    // SAFETY: builds a method table from our callbacks; BIO_meth_new copies the name.
    unsafe {
        let m = sys::BIO_meth_new(BIO_TYPE_SSL, c"ssl".as_ptr());
        if !m.is_null() {
            sys::BIO_meth_set_write(m, Some(filter_write));
            sys::BIO_meth_set_read(m, Some(filter_read));
            sys::BIO_meth_set_puts(m, Some(filter_puts));
            sys::BIO_meth_set_ctrl(m, Some(filter_ctrl));
            sys::BIO_meth_set_create(m, Some(filter_create));
            sys::BIO_meth_set_destroy(m, Some(filter_destroy));
            sys::BIO_meth_set_callback_ctrl(m, Some(filter_callback_ctrl));
        }
        Method(m)
    }
}

fn method() -> *const BIO_METHOD {
    METHOD.get_or_init(make_method).0
}

// ---- entry points -----------------------------------------------------------------------

#[no_mangle]
pub extern "C" fn BIO_f_ssl() -> *const BIO_METHOD {
    ffi_boundary!("BIO_f_ssl", ptr::null(), { method() })
}

#[no_mangle]
pub extern "C" fn BIO_new_ssl(ctx: *mut SSL_CTX, client: c_int) -> *mut BIO {
    ffi_boundary!("BIO_new_ssl", ptr::null_mut(), {
        // SAFETY: a BIO of our own method (NULL if libcrypto could not allocate it).
        let b = unsafe { sys::BIO_new(method()) };
        if b.is_null() {
            return ptr::null_mut();
        }
        // SSL_new queues the error for a NULL context.
        let ssl = SSL_new(ctx);
        if ssl.is_null() {
            // SAFETY: `b` is ours and unused.
            unsafe { sys::BIO_free(b) };
            return ptr::null_mut();
        }
        if client != 0 {
            SSL_set_connect_state(ssl);
        } else {
            SSL_set_accept_state(ssl);
        }
        ctrl(b, BIO_C_SET_SSL, BIO_CLOSE, ssl as *mut c_void);
        b
    })
}

#[no_mangle]
pub extern "C" fn BIO_new_ssl_connect(ctx: *mut SSL_CTX) -> *mut BIO {
    ffi_boundary!("BIO_new_ssl_connect", ptr::null_mut(), {
        // SAFETY: a new connect BIO; ownership passes to the chain or is released below.
        let con = unsafe { sys::BIO_new(sys::BIO_s_connect()) };
        if con.is_null() {
            return ptr::null_mut();
        }
        let ssl = BIO_new_ssl(ctx, 1);
        if ssl.is_null() {
            // SAFETY: `con` is ours and unused.
            unsafe { sys::BIO_free(con) };
            return ptr::null_mut();
        }
        // SAFETY: both BIOs are ours; pushing makes the connect BIO the SSL's transport.
        unsafe { sys::BIO_push(ssl, con) }
    })
}

#[no_mangle]
pub extern "C" fn BIO_new_buffer_ssl_connect(ctx: *mut SSL_CTX) -> *mut BIO {
    ffi_boundary!("BIO_new_buffer_ssl_connect", ptr::null_mut(), {
        // SAFETY: a new buffering BIO; ownership passes to the chain or is released below.
        let buf = unsafe { sys::BIO_new(sys::BIO_f_buffer()) };
        if buf.is_null() {
            return ptr::null_mut();
        }
        let ssl = BIO_new_ssl_connect(ctx);
        if ssl.is_null() {
            // SAFETY: `buf` is ours and unused.
            unsafe { sys::BIO_free(buf) };
            return ptr::null_mut();
        }
        // SAFETY: both BIOs are ours.
        unsafe { sys::BIO_push(buf, ssl) }
    })
}

/// The SSL held by the first SSL filter in the chain starting at `b`, or NULL (libcrypto
/// queues its own error for a NULL chain).
fn ssl_in_chain(b: *mut BIO) -> *mut SSL {
    // SAFETY: `b` is NULL or a live chain; BIO_find_type only walks it.
    let found = unsafe { sys::BIO_find_type(b, BIO_TYPE_SSL) };
    filter(found).map_or(ptr::null_mut(), |f| f.ssl.get())
}

#[no_mangle]
pub extern "C" fn BIO_ssl_copy_session_id(to: *mut BIO, from: *mut BIO) -> c_int {
    ffi_boundary!("BIO_ssl_copy_session_id", 0, {
        let t = ssl_in_chain(to);
        let f = ssl_in_chain(from);
        if t.is_null() || f.is_null() {
            return 0;
        }
        (SSL_copy_session_id(t, f) != 0) as c_int
    })
}

/// Sends close_notify on every SSL filter in the chain. A NULL chain is an empty one
/// (OpenSSL's function is void and queues nothing for it).
#[no_mangle]
pub extern "C" fn BIO_ssl_shutdown(ssl_bio: *mut BIO) {
    ffi_boundary!("BIO_ssl_shutdown", (), {
        let mut cur = ssl_bio;
        while !cur.is_null() {
            // SAFETY: `cur` is a live BIO of the caller's chain.
            if unsafe { sys::BIO_method_type(cur) } == BIO_TYPE_SSL {
                if let Some(f) = filter(cur) {
                    if !f.ssl.get().is_null() {
                        SSL_shutdown(f.ssl.get());
                    }
                }
            }
            cur = next_of(cur);
        }
    })
}
