//! oxissl: OpenSSL 3's libssl ABI over rustls.
//!
//! Layers (see README "Architecture"): `abi` holds every `extern "C"` entry point and
//! all pointer handling; `callbacks` is the way out (every call into an application
//! callback); `handles` declares the opaque C handles and their ownership, which both
//! use; `crypto` wraps the libcrypto objects applications hand us; `alloc` and `memcpy`
//! are the runtime (global allocator, the library's memcpy); the remaining modules are
//! the safe core, which never names `abi`.

pub mod abi;
pub mod alloc;
pub mod alpn;
pub mod callbacks;
pub mod cipher;
pub mod conf;
pub mod conn;
pub mod crypto;
pub mod ctx;
pub mod dane;
pub mod error;
pub mod groups;
pub mod handles;
pub mod hello;
pub mod keys;
pub mod kx;
pub mod log;
#[cfg(target_arch = "x86_64")]
pub mod memcpy;
pub mod packed;
pub mod records;
pub mod session;
pub mod statem;
pub mod suites;
pub mod sync;
pub mod verify;

#[global_allocator]
static GLOBAL: alloc::OxAlloc = alloc::OxAlloc;
