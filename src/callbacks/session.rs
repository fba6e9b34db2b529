//! The session cache's new, remove and get callbacks.
use std::os::raw::c_int;
use std::sync::Arc;

use crate::conn::Ssl;
use crate::ctx::SslCtx;
use crate::handles::ownership::{ArcHandle, Handle};
use crate::handles::{SSL, SSL_CTX, SSL_SESSION};
use crate::session::SslSession;

/// The new-session callback: it gets a reference, which it keeps by returning 1.
pub(crate) fn run_new_session_cb(
    ssl: &Ssl,
    cb: unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int,
    sess: &Arc<SslSession>,
) {
    let handle = SSL_SESSION::into_c(sess.clone());
    let ssl_ptr = SSL::handle_of(ssl);
    // SAFETY: the application's callback receives its SSL handle and one session reference.
    let kept = unsafe { cb(ssl_ptr, handle) };
    if kept == 0 {
        // SAFETY: the callback declined the reference we handed it.
        unsafe { SSL_SESSION::release(handle) };
    }
}

pub(crate) fn run_remove_session_cb(
    ctx: &SslCtx,
    cb: unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION),
    sess: &Arc<SslSession>,
) {
    let ctx_ptr = SSL_CTX::handle_of(ctx);
    // SAFETY: the callback borrows both handles for the call.
    unsafe { cb(ctx_ptr, SSL_SESSION::as_c(sess)) };
}

/// The external cache's get callback; `copy` set means the application keeps its own
/// reference (we take one more), otherwise its returned reference becomes ours.
pub(crate) fn run_get_session_cb(
    ssl: &Ssl,
    cb: unsafe extern "C" fn(*mut SSL, *const u8, c_int, *mut c_int) -> *mut SSL_SESSION,
    id: &[u8],
) -> Option<Arc<SslSession>> {
    let mut copy: c_int = 1;
    let ssl_ptr = SSL::handle_of(ssl);
    // SAFETY: `id` outlives the call; the callback returns NULL or a session reference.
    let p = unsafe { cb(ssl_ptr, id.as_ptr(), id.len() as c_int, &mut copy) };
    if p.is_null() {
        return None;
    }
    // SAFETY: a live session handle from the application.
    unsafe {
        if copy != 0 {
            SSL_SESSION::clone_arc(p)
        } else {
            SSL_SESSION::take_back(p)
        }
    }
}
