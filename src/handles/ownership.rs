//! How each opaque C pointer is owned.
//!
//! `SSL_CTX`, `SSL` and `SSL_SESSION` are `Arc`s handed to C with `Arc::into_raw`: the
//! strong count *is* the OpenSSL reference count, `*_up_ref` increments it and
//! `*_free` decrements it, and the last decrement drops the Rust object.
//! `SSL_CIPHER` and `SSL_METHOD` are `&'static` entries of built-in tables.
//! `SSL_CONF_CTX` has one owner, the caller: a `Box` released by `SSL_CONF_CTX_free`.
use std::sync::Arc;

use super::{SSL, SSL_CIPHER, SSL_CONF_CTX, SSL_CTX, SSL_METHOD, SSL_SESSION};

/// Ties an opaque C type to the Rust type it stands for, and how it is owned.
pub trait Handle: Sized {
    type Target: 'static;

    /// Borrows the object for the duration of a call.
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle of this type.
    unsafe fn borrow<'a>(ptr: *const Self) -> Option<&'a Self::Target> {
        // SAFETY: NULL or a live object of the target type (the caller's obligation).
        unsafe { (ptr as *const Self::Target).as_ref() }
    }

    /// A new strong reference (Arc handles only).
    ///
    /// # Safety
    /// `ptr` must be NULL or a live handle of this type.
    unsafe fn clone_arc(ptr: *const Self) -> Option<Arc<Self::Target>>
    where
        Self: ArcHandle,
    {
        if ptr.is_null() {
            return None;
        }
        let p = ptr as *const Self::Target;
        // SAFETY: a live handle came from `Arc::into_raw`/`as_ptr` of this type and holds a
        // strong count; the new count is the one the returned Arc owns.
        unsafe {
            Arc::increment_strong_count(p);
            Some(Arc::from_raw(p))
        }
    }
}

/// Handles whose objects are reference counted through an `Arc`.
pub trait ArcHandle: Handle {
    /// Hands one strong reference to C.
    fn into_c(arc: Arc<Self::Target>) -> *mut Self {
        Arc::into_raw(arc) as *mut Self
    }

    /// The handle for an object without transferring a reference (a "get0").
    fn as_c(arc: &Arc<Self::Target>) -> *mut Self {
        Arc::as_ptr(arc) as *mut Self
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
        if !ptr.is_null() {
            // SAFETY: the caller gives up one strong count of a live `Arc` handle.
            drop(unsafe { Arc::from_raw(ptr as *const Self::Target) });
        }
    }
}

/// Handles of objects with a single owner (the C caller), in a `Box`.
pub trait BoxHandle: Handle {
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

/// The handle for an object that lives for the whole process.
pub fn static_as_c<H: Handle>(obj: &'static H::Target) -> *const H {
    obj as *const H::Target as *const H
}

impl Handle for SSL_CTX {
    type Target = crate::ctx::SslCtx;
}
impl ArcHandle for SSL_CTX {}

impl Handle for SSL {
    type Target = crate::conn::Ssl;
}
impl ArcHandle for SSL {}

impl Handle for SSL_SESSION {
    type Target = crate::session::SslSession;
}
impl ArcHandle for SSL_SESSION {}

impl Handle for SSL_CIPHER {
    type Target = crate::cipher::SslCipher;
}

impl Handle for SSL_METHOD {
    type Target = crate::ctx::Method;
}

impl Handle for SSL_CONF_CTX {
    type Target = crate::conf::ConfCtx;
}
impl BoxHandle for SSL_CONF_CTX {}
