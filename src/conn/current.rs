//! The thread's current connection: the connection being driven, which rustls
//! callbacks find through [`current`].

use std::cell::RefCell;
use std::sync::Arc;

use crate::error;

use super::*;

thread_local! {
    /// The connections being driven on this thread, innermost last.
    static CURRENT: RefCell<Vec<Arc<Ssl>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the connection this thread is driving (for rustls callbacks).
///
/// The thread's record may already be gone: programs call `SSL_shutdown`/`SSL_free`
/// from `atexit` handlers, which glibc runs after thread-local destructors. Then there
/// is no current connection (nothing that needs one runs while shutting down).
pub fn current<R>(f: impl FnOnce(&Arc<Ssl>) -> R) -> Option<R> {
    let ssl = CURRENT.try_with(|c| c.borrow().last().cloned()).ok().flatten()?;
    Some(f(&ssl))
}

/// Marks `ssl` as the connection being driven until dropped (if the thread still has
/// its record; see [`current`]).
pub(super) struct Driving(bool);

impl Driving {
    pub(super) fn enter(ssl: &Arc<Ssl>) -> Driving {
        Driving(CURRENT.try_with(|c| c.borrow_mut().push(ssl.clone())).is_ok())
    }
}

impl Drop for Driving {
    fn drop(&mut self) {
        if self.0 {
            let _ = CURRENT.try_with(|c| c.borrow_mut().pop());
        }
    }
}

/// A call into `ssl` from one of its own callbacks: this thread is inside one of its
/// calls, which holds its TLS state. Locking that again would deadlock, so the nested
/// call fails instead (`reentered` queues the error naming it; OpenSSL lets some of
/// these through, see the README).
pub(super) fn inside(ssl: &Ssl) -> bool {
    CURRENT.try_with(|c| c.borrow().iter().any(|s| std::ptr::eq(Arc::as_ptr(s), ssl))).unwrap_or(false)
}

pub(super) fn reentered(ssl: &Ssl, what: &str) -> bool {
    let nested = inside(ssl);
    if nested {
        error::raise_with_data(
            error::ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED,
            &format!("{what} from a callback of the same connection"),
        );
    }
    nested
}
