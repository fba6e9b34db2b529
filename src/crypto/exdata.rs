//! Application data attached to SSL_CTX / SSL / SSL_SESSION through libcrypto's
//! ex_data machinery, so the application's new/free callbacks run as with OpenSSL.
use super::sys;
use crate::handles::ownership::ArcHandle;
use std::cell::UnsafeCell;
use std::os::raw::{c_int, c_void};
use std::sync::Weak;

pub const CLASS_SSL: c_int = 0;
pub const CLASS_SSL_CTX: c_int = 1;
pub const CLASS_SSL_SESSION: c_int = 2;

/// Layout of libcrypto's `struct crypto_ex_data_st` (crypto.h).
#[repr(C)]
struct RawExData {
    ctx: *mut c_void,
    sk: *mut c_void,
}

/// One object's ex_data slots. libcrypto does its own locking around the index
/// tables; per-object slot updates follow OpenSSL's rule that callers do not race
/// on the same object's ex_data.
///
/// Dropping it runs the application's free callbacks (`CRYPTO_free_ex_data`, once). An
/// owner declares it as its first field, so that they run right after the owner's own
/// `Drop::drop`, while every other field is still alive, as OpenSSL frees ex_data first.
pub struct ExData {
    class: c_int,
    /// The object the slots belong to, as the application knows it (given to callbacks).
    obj: *mut c_void,
    raw: Box<UnsafeCell<RawExData>>,
}

// SAFETY: the slot stack is only touched through CRYPTO_* calls, which OpenSSL
// documents as safe for concurrent use of distinct objects; shared objects (SSL_CTX,
// SSL_SESSION) have the same contract in OpenSSL. `obj` is only handed to callbacks.
unsafe impl Send for ExData {}
// SAFETY: as for Send.
unsafe impl Sync for ExData {}

/// The handle types whose objects carry ex_data, with libcrypto's class index for each.
pub trait ExDataOwner: ArcHandle {
    const CLASS: c_int;
}
impl ExDataOwner for crate::handles::SSL {
    const CLASS: c_int = CLASS_SSL;
}
impl ExDataOwner for crate::handles::SSL_CTX {
    const CLASS: c_int = CLASS_SSL_CTX;
}
impl ExDataOwner for crate::handles::SSL_SESSION {
    const CLASS: c_int = CLASS_SSL_SESSION;
}

impl ExData {
    /// The slots of an `Arc`-owned handle object under construction (`Arc::new_cyclic`),
    /// running the registered `new` callbacks with the handle the object will have. The
    /// owner declares the result as its first field (see the type's comment).
    pub fn for_new<H: ExDataOwner>(weak: &Weak<H::Target>) -> Self {
        // SAFETY: the handle is the address of the Arc's allocation, where the owner lives
        // (it never moves) until this value, one of its fields, is dropped.
        unsafe { Self::new(H::CLASS, H::of_weak(weak) as *mut c_void) }
    }

    /// Creates the slots for `obj` (the pointer the application knows the object by),
    /// running registered `new` callbacks.
    ///
    /// # Safety
    ///
    /// `obj` is the address of the object that owns the returned value (it may still be
    /// under construction); the application's `new`, `dup` and `free` callbacks receive
    /// it, so the owner must stay at that address until this is dropped (first of its
    /// fields; see the type's comment).
    unsafe fn new(class: c_int, obj: *mut c_void) -> Self {
        let raw = Box::new(UnsafeCell::new(RawExData { ctx: std::ptr::null_mut(), sk: std::ptr::null_mut() }));
        // SAFETY: `raw` is a zeroed crypto_ex_data_st owned by us for the object's lifetime;
        // `obj` is the owner's address (the caller's obligation).
        unsafe { sys::CRYPTO_new_ex_data(class, obj, raw.get() as *mut _) };
        ExData { class, obj, raw }
    }

    // `value` is only stored (the application's opaque pointer, as `SSL_set_ex_data` takes
    // it) and handed back by `get`; libcrypto never dereferences it.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn set(&self, idx: c_int, value: *mut c_void) -> bool {
        // SAFETY: `raw` was initialised by CRYPTO_new_ex_data and is still owned.
        unsafe { sys::CRYPTO_set_ex_data(self.raw.get() as *mut _, idx, value) == 1 }
    }

    pub fn get(&self, idx: c_int) -> *mut c_void {
        // SAFETY: as in `set`; a missing index yields NULL.
        unsafe { sys::CRYPTO_get_ex_data(self.raw.get() as *const _, idx) }
    }

    /// Copies another object's slots into these (`SSL_SESSION_dup`), running the
    /// application's dup callbacks.
    pub fn copy_from(&self, other: &ExData) -> bool {
        // SAFETY: both slot stacks were initialised by CRYPTO_new_ex_data and are live.
        unsafe { sys::CRYPTO_dup_ex_data(self.class, self.raw.get() as *mut _, other.raw.get() as *const _) == 1 }
    }
}

impl Drop for ExData {
    /// Runs the application's free callbacks (the owner is dying; see the type's comment).
    fn drop(&mut self) {
        // SAFETY: the slots were initialised by CRYPTO_new_ex_data and are freed only here;
        // `obj` is the owner's address, still valid (`new`'s contract).
        unsafe { sys::CRYPTO_free_ex_data(self.class, self.obj, self.raw.get() as *mut _) }
    }
}
