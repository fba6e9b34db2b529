//! How each opaque C pointer is owned, declared once per handle type.
//!
//! Every handle names one ownership kind ([`Handle::Ownership`]); a type has exactly one,
//! so it cannot be handed out both as an `Arc` and as a `Box`:
//! - [`Shared`]: `SSL_CTX`, `SSL` and `SSL_SESSION` are `Arc`s handed to C with
//!   `Arc::into_raw`: the strong count *is* the OpenSSL reference count, `*_up_ref`
//!   increments it, `*_free` decrements it, and the last decrement drops the Rust object.
//!   The operations are [`ArcHandle`]'s.
//! - [`Unique`]: `SSL_CONF_CTX` has one owner, the caller: a `Box` released by
//!   `SSL_CONF_CTX_free` ([`BoxHandle`]).
//! - [`Static`]: `SSL_CIPHER` and `SSL_METHOD` are `&'static` entries of built-in tables
//!   ([`static_as_c`]).
//!
//! Asking a `Shared` handle for a `Box` operation does not compile:
//! ```compile_fail
//! use oxissl::handles::{ownership::BoxHandle, SSL};
//! let _ = unsafe { <SSL as BoxHandle>::release(std::ptr::null_mut()) };
//! ```
use std::sync::{Arc, Weak};

use super::{SSL, SSL_CIPHER, SSL_CONF_CTX, SSL_CTX, SSL_METHOD, SSL_SESSION};

/// Reference counted: one `Arc` strong count per reference C holds.
pub enum Shared {}
/// One owner, the C caller: a `Box`.
pub enum Unique {}
/// Lives for the whole process; C never frees it.
pub enum Static {}

mod sealed {
    pub trait Kind {}
    impl Kind for super::Shared {}
    impl Kind for super::Unique {}
    impl Kind for super::Static {}
}

/// Ties an opaque C type to the Rust type it stands for, and how it is owned.
pub trait Handle: Sized {
    type Target: 'static;
    type Ownership: sealed::Kind;

    /// Borrows the object for the duration of a call.
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle of this type.
    unsafe fn borrow<'a>(ptr: *const Self) -> Option<&'a Self::Target> {
        // SAFETY: NULL or a live object of the target type (the caller's obligation).
        unsafe { (ptr as *const Self::Target).as_ref() }
    }

    /// The handle C knows an object by, for a call that only borrows it (a callback's
    /// argument, a "get0"). Taking or giving back a reference is the kind's business.
    fn handle_of(obj: &Self::Target) -> *mut Self {
        obj as *const Self::Target as *mut Self
    }
}

/// The operations of [`Shared`] handles.
pub trait ArcHandle: Handle<Ownership = Shared> {
    /// Hands one strong reference to C.
    fn into_c(arc: Arc<Self::Target>) -> *mut Self {
        Arc::into_raw(arc) as *mut Self
    }

    /// The handle for an object without transferring a reference (a "get0").
    fn as_c(arc: &Arc<Self::Target>) -> *mut Self {
        Arc::as_ptr(arc) as *mut Self
    }

    /// The handle an object under construction (`Arc::new_cyclic`) will have: what its
    /// ex_data hands the application's callbacks as the parent object.
    fn of_weak(weak: &Weak<Self::Target>) -> *mut Self {
        weak.as_ptr() as *mut Self
    }

    /// A new strong reference to a handle C lent us.
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle of this type.
    unsafe fn clone_arc(ptr: *const Self) -> Option<Arc<Self::Target>> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: a live handle holds a strong count (the caller's obligation), so adding
        // one and adopting it leaves the caller's own reference intact.
        unsafe {
            Self::up_ref(ptr);
            Self::take_back(ptr)
        }
    }

    /// Adopts the reference C hands back (a callback that returns a session "for us to
    /// keep", `*_free`): the returned `Arc` owns that strong count.
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle whose reference the caller gives up.
    unsafe fn take_back(ptr: *const Self) -> Option<Arc<Self::Target>> {
        // SAFETY: a live `Arc` handle from `into_c`/`as_c` whose strong count the caller
        // transfers to the returned Arc.
        (!ptr.is_null()).then(|| unsafe { Arc::from_raw(ptr as *const Self::Target) })
    }

    /// `*_up_ref`.
    ///
    /// # Safety
    /// `ptr` must be a live handle of this type.
    unsafe fn up_ref(ptr: *const Self) {
        // SAFETY: a live handle from `Arc::into_raw`/`as_ptr` (the caller's obligation).
        unsafe { Arc::increment_strong_count(ptr as *const Self::Target) }
    }

    /// `*_free`: releases one reference; NULL is a no-op.
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle whose reference the caller gives up.
    unsafe fn release(ptr: *const Self) {
        // SAFETY: the caller's obligation, as `take_back`'s.
        drop(unsafe { Self::take_back(ptr) });
    }
}
impl<H: Handle<Ownership = Shared>> ArcHandle for H {}

/// The operations of [`Unique`] handles.
pub trait BoxHandle: Handle<Ownership = Unique> {
    /// Hands the object to C.
    fn into_c(obj: Box<Self::Target>) -> *mut Self {
        Box::into_raw(obj) as *mut Self
    }

    /// The `*_free` of a boxed object; NULL is a no-op.
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle of this type, not used afterwards.
    unsafe fn release(ptr: *mut Self) {
        if !ptr.is_null() {
            // SAFETY: a live handle from `Box::into_raw` that the caller gives up.
            drop(unsafe { Box::from_raw(ptr as *mut Self::Target) });
        }
    }
}
impl<H: Handle<Ownership = Unique>> BoxHandle for H {}

/// The handle for an object that lives for the whole process.
pub fn static_as_c<H: Handle<Ownership = Static>>(obj: &'static H::Target) -> *const H {
    obj as *const H::Target as *const H
}

impl Handle for SSL_CTX {
    type Target = crate::ctx::SslCtx;
    type Ownership = Shared;
}

impl Handle for SSL {
    type Target = crate::conn::Ssl;
    type Ownership = Shared;
}

impl Handle for SSL_SESSION {
    type Target = crate::session::SslSession;
    type Ownership = Shared;
}

impl Handle for SSL_CIPHER {
    type Target = crate::cipher::SslCipher;
    type Ownership = Static;
}

impl Handle for SSL_METHOD {
    type Target = crate::ctx::Method;
    type Ownership = Static;
}

impl Handle for SSL_CONF_CTX {
    type Target = crate::conf::ConfCtx;
    type Ownership = Unique;
}
