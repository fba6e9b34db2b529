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

/// Borrows the Rust object behind an opaque pointer, or returns `$fail` with
/// `ERR_R_PASSED_NULL_PARAMETER` queued when it is NULL.
macro_rules! try_ref {
    ($name:expr, $ptr:expr, $fail:expr) => {
        // SAFETY: non-NULL handles were produced by `ownership::into_c` and the caller
        // holds a reference for the duration of the call (the libssl contract).
        match unsafe { $crate::abi::ownership::Handle::borrow($ptr) } {
            Some(r) => r,
            None => {
                $crate::error::raise_null($name);
                return $fail;
            }
        }
    };
}

/// Like [`try_ref!`] but yields a new counted `Arc` to the object.
macro_rules! try_arc {
    ($name:expr, $ptr:expr, $fail:expr) => {
        // SAFETY: as in `try_ref!`; the new Arc owns its own strong count.
        match unsafe { $crate::abi::ownership::Handle::clone_arc($ptr) } {
            Some(r) => r,
            None => {
                $crate::error::raise_null($name);
                return $fail;
            }
        }
    };
}

/// Borrows a NUL-terminated C string argument as `&CStr`, or returns `$fail`
/// with `ERR_R_PASSED_NULL_PARAMETER` queued.
macro_rules! try_cstr {
    ($name:expr, $ptr:expr, $fail:expr) => {
        if $ptr.is_null() {
            $crate::error::raise_null($name);
            return $fail;
        } else {
            // SAFETY: the caller passes a NUL-terminated string that outlives the call.
            unsafe { ::std::ffi::CStr::from_ptr($ptr) }
        }
    };
}
