//! `SSL_SESSION_*` and the session accessors of `SSL`.
use std::os::raw::{c_int, c_long, c_uint, c_void};
use std::ptr;

use super::ownership::{static_as_c, ArcHandle};
use super::{SSL, SSL_CIPHER, SSL_SESSION};
use crate::session::SslSession;

#[no_mangle]
pub extern "C" fn SSL_SESSION_new() -> *mut SSL_SESSION {
    ffi_boundary!("SSL_SESSION_new", ptr::null_mut(), { SSL_SESSION::into_c(SslSession::empty()) })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_up_ref(s: *mut SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_SESSION_up_ref", 0, {
        if s.is_null() {
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

#[no_mangle]
pub extern "C" fn SSL_get_session(s: *const SSL) -> *mut SSL_SESSION {
    ffi_boundary!("SSL_get_session", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get_session", s, ptr::null_mut());
        ssl.session().map_or(ptr::null_mut(), |sess| SSL_SESSION::as_c(&sess))
    })
}

#[no_mangle]
pub extern "C" fn SSL_get1_session(s: *mut SSL) -> *mut SSL_SESSION {
    ffi_boundary!("SSL_get1_session", ptr::null_mut(), {
        let ssl = try_ref!("SSL_get1_session", s, ptr::null_mut());
        ssl.session().map_or(ptr::null_mut(), SSL_SESSION::into_c)
    })
}

#[no_mangle]
pub extern "C" fn SSL_set_session(s: *mut SSL, session: *mut SSL_SESSION) -> c_int {
    ffi_boundary!("SSL_set_session", 0, {
        let ssl = try_ref!("SSL_set_session", s, 0);
        // SAFETY: NULL or a live handle; the SSL takes its own reference.
        let sess = unsafe { <SSL_SESSION as super::ownership::Handle>::clone_arc(session) };
        ssl.set_session(sess);
        1
    })
}

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
pub extern "C" fn SSL_SESSION_get0_cipher(s: *const SSL_SESSION) -> *const SSL_CIPHER {
    ffi_boundary!("SSL_SESSION_get0_cipher", ptr::null(), {
        let sess = try_ref!("SSL_SESSION_get0_cipher", s, ptr::null());
        let c = sess.data().cipher;
        c.map_or(ptr::null(), static_as_c::<SSL_CIPHER>)
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
        sess.data().timeout = t.max(0) as u64;
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_SESSION_get_id(s: *const SSL_SESSION, len: *mut c_uint) -> *const u8 {
    ffi_boundary!("SSL_SESSION_get_id", ptr::null(), {
        let sess = try_ref!("SSL_SESSION_get_id", s, ptr::null());
        let d = sess.data();
        if !len.is_null() {
            // SAFETY: writable out-parameter.
            unsafe { *len = d.id.len() as c_uint };
        }
        // The bytes live as long as the session and are not changed while borrowed.
        d.id.as_ptr()
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
