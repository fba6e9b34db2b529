//! `STACK_OF(SSL_CIPHER)`: libcrypto's generic stack (`OPENSSL_sk_*`, which the
//! `sk_SSL_CIPHER_*` macros call) holding pointers to our static cipher table.

use std::os::raw::c_void;

use openssl_sys::{stack_st_SSL_CIPHER, OPENSSL_STACK};

use super::sys;
use crate::cipher::SslCipher;

/// An owned `STACK_OF(SSL_CIPHER)`. The elements are `&'static` table entries, so
/// freeing the stack frees only the stack itself.
pub struct CipherStack(*mut OPENSSL_STACK);

// SAFETY: the stack is only read through `as_ptr` by C callers and freed once in Drop;
// its elements are immutable statics.
unsafe impl Send for CipherStack {}
// SAFETY: as for Send, above.
unsafe impl Sync for CipherStack {}

impl CipherStack {
    /// A new stack of `ciphers`, in order (None: out of memory).
    pub fn new(ciphers: &[&'static SslCipher]) -> Option<CipherStack> {
        // SAFETY: a fresh stack; each element is the address of a static table entry.
        unsafe {
            let sk = sys::OPENSSL_sk_new_null();
            if sk.is_null() {
                return None;
            }
            let out = CipherStack(sk);
            for c in ciphers {
                let handle = crate::handles::ownership::static_as_c::<crate::handles::SSL_CIPHER>(c);
                if sys::OPENSSL_sk_push(sk, handle as *const c_void) <= 0 {
                    return None;
                }
            }
            Some(out)
        }
    }

    /// The stack, lent to C (it stays owned here).
    pub fn as_ptr(&self) -> *mut stack_st_SSL_CIPHER {
        self.0 as *mut stack_st_SSL_CIPHER
    }

    /// Hands the stack to a caller who frees it with `sk_SSL_CIPHER_free`.
    pub fn into_raw(self) -> *mut stack_st_SSL_CIPHER {
        let p = self.0;
        std::mem::forget(self);
        p as *mut stack_st_SSL_CIPHER
    }
}

impl Drop for CipherStack {
    fn drop(&mut self) {
        // SAFETY: we own the stack; its elements are statics and are not freed.
        unsafe { sys::OPENSSL_sk_free(self.0) }
    }
}

/// One empty stack for the life of the process (`SSL_COMP_get_compression_methods`:
/// callers may look at it, never free it).
pub fn empty_static_stack() -> *mut OPENSSL_STACK {
    struct Shared(*mut OPENSSL_STACK);
    // SAFETY: the stack is created once, never modified by us and never freed.
    unsafe impl Send for Shared {}
    // SAFETY: as for Send, above.
    unsafe impl Sync for Shared {}
    static EMPTY: once_cell::sync::Lazy<Shared> =
        // SAFETY: a fresh empty stack owned by this static.
        once_cell::sync::Lazy::new(|| Shared(unsafe { sys::OPENSSL_sk_new_null() }));
    EMPTY.0
}

/// libcrypto's name of a compression method (`COMP_get_name`), NULL for NULL.
///
/// # Safety
/// `comp` is NULL or a live `COMP_METHOD`.
pub unsafe fn comp_method_name(comp: *const openssl_sys::COMP_METHOD) -> *const std::os::raw::c_char {
    if comp.is_null() {
        return std::ptr::null();
    }
    // SAFETY: a live COMP_METHOD from libcrypto; the name is static.
    unsafe { sys::COMP_get_name(comp) }
}
