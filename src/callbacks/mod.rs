//! Outbound layer: oxissl calls the application. Every `run_*` function here invokes an
//! application callback (the C setters that install them stay in `abi`).
pub mod hello;
pub mod session;
pub mod ssl;
pub mod ticket;
pub mod types;

/// An opaque application pointer stored beside a callback and handed back to it.
#[derive(Clone, Copy, Debug)]
pub struct AppPtr(pub *mut std::os::raw::c_void);

// SAFETY: oxissl never dereferences the pointer; it only returns it to the
// application's own callback, which owns its thread-safety, exactly as OpenSSL does.
unsafe impl Send for AppPtr {}
// SAFETY: as above; shared references only copy the pointer value.
unsafe impl Sync for AppPtr {}

impl Default for AppPtr {
    fn default() -> Self {
        AppPtr(std::ptr::null_mut())
    }
}

/// An application callback and the argument registered with it (OpenSSL's `cb` / `cb_arg`
/// pairs). The two are set together or, where OpenSSL has separate setters (the
/// servername and status callbacks' `_arg` ctrls), one at a time; `invoke` always hands
/// the function its own argument.
pub struct Callback<F> {
    pub f: Option<F>,
    pub arg: AppPtr,
}

impl<F: Copy> Clone for Callback<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F: Copy> Copy for Callback<F> {}

impl<F> Default for Callback<F> {
    fn default() -> Self {
        Callback { f: None, arg: AppPtr::default() }
    }
}

impl<F> Callback<F> {
    pub fn new(f: Option<F>, arg: *mut std::os::raw::c_void) -> Self {
        Callback { f, arg: AppPtr(arg) }
    }

    pub fn is_set(&self) -> bool {
        self.f.is_some()
    }
}

impl<F: AppFn> Callback<F> {
    /// Calls the function, if one is installed, with `args` and its argument.
    ///
    /// # Safety
    /// `args` must be what the C prototype promises the application (live handles,
    /// pointers valid for the call).
    pub unsafe fn invoke(&self, args: F::Args) -> Option<F::Out> {
        let f = self.f?;
        // SAFETY: the caller's obligation for `args`; the argument is the one the
        // application registered with this function.
        Some(unsafe { f.call(args, self.arg.0) })
    }
}

/// A C callback whose last parameter is the application's `void *` argument.
pub trait AppFn: Copy {
    type Args;
    type Out;
    /// # Safety
    /// As [`Callback::invoke`].
    unsafe fn call(self, args: Self::Args, arg: *mut std::os::raw::c_void) -> Self::Out;
}

macro_rules! app_fn_arity {
    ($($a:ident),*) => {
        impl<$($a,)* R> AppFn for unsafe extern "C" fn($($a,)* *mut std::os::raw::c_void) -> R {
            type Args = ($($a,)*);
            type Out = R;
            #[allow(non_snake_case)]
            unsafe fn call(self, ($($a,)*): Self::Args, arg: *mut std::os::raw::c_void) -> R {
                // SAFETY: the caller's obligation (see `Callback::invoke`).
                unsafe { self($($a,)* arg) }
            }
        }
    };
}
app_fn_arity!(A);
app_fn_arity!(A, B);
app_fn_arity!(A, B, C, D, E);
