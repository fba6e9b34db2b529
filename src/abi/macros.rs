//! The panic boundary and argument checks shared by every entry point.

/// Runs `$body`, returning `$fail` (after queuing an internal error) if it panics.
///
/// The function name for the error record comes from `$name`.
macro_rules! ffi_boundary {
    ($name:expr, $fail:expr, $body:block) => {{
        $crate::log::entry($name);
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(_) => {
                $crate::error::raise_panic($name);
                $fail
            }
        }
    }};
}

// The `try_*!` macros take the failure value uniformly, `()` included for functions
// that return nothing; their `()` arm expands to a bare `return` (not `return ()`), and
// the `@ret` arm holds the one body both share.

/// Borrows the Rust object behind an opaque pointer, or returns `$fail` with
/// `ERR_R_PASSED_NULL_PARAMETER` queued when it is NULL.
macro_rules! try_ref {
    (@ret $name:expr, $ptr:expr, $($ret:tt)+) => {
        // SAFETY: non-NULL handles were produced by `ownership::into_c` and the caller
        // holds a reference for the duration of the call (the libssl contract).
        match unsafe { $crate::abi::ownership::Handle::borrow($ptr) } {
            Some(r) => r,
            None => {
                $crate::error::raise_null($name);
                $($ret)+;
            }
        }
    };
    ($name:expr, $ptr:expr, ()) => {
        try_ref!(@ret $name, $ptr, return)
    };
    ($name:expr, $ptr:expr, $fail:expr) => {
        try_ref!(@ret $name, $ptr, return $fail)
    };
}

/// Like [`try_ref!`] but yields a new counted `Arc` to the object.
macro_rules! try_arc {
    (@ret $name:expr, $ptr:expr, $($ret:tt)+) => {
        // SAFETY: as in `try_ref!`; the new Arc owns its own strong count.
        match unsafe { $crate::abi::ownership::ArcHandle::clone_arc($ptr) } {
            Some(r) => r,
            None => {
                $crate::error::raise_null($name);
                $($ret)+;
            }
        }
    };
    ($name:expr, $ptr:expr, ()) => {
        try_arc!(@ret $name, $ptr, return)
    };
    ($name:expr, $ptr:expr, $fail:expr) => {
        try_arc!(@ret $name, $ptr, return $fail)
    };
}

/// Borrows a NUL-terminated C string argument as `&CStr`, or returns `$fail`
/// with `ERR_R_PASSED_NULL_PARAMETER` queued.
macro_rules! try_cstr {
    (@ret $name:expr, $ptr:expr, $($ret:tt)+) => {
        if $ptr.is_null() {
            $crate::error::raise_null($name);
            $($ret)+;
        } else {
            // SAFETY: the caller passes a NUL-terminated string that outlives the call.
            unsafe { ::std::ffi::CStr::from_ptr($ptr) }
        }
    };
    ($name:expr, $ptr:expr, ()) => {
        try_cstr!(@ret $name, $ptr, return)
    };
    ($name:expr, $ptr:expr, $fail:expr) => {
        try_cstr!(@ret $name, $ptr, return $fail)
    };
}
