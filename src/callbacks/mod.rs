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
