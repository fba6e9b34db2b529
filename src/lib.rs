//! oxissl: OpenSSL 3's libssl ABI over rustls.
//!
//! Layers (see README "Architecture"): `abi` holds every `extern "C"` entry point and
//! all pointer handling; `crypto` wraps the libcrypto objects applications hand us;
//! the remaining modules are the safe core.

pub mod abi;
pub mod cipher;
pub mod conf;
pub mod conn;
pub mod crypto;
pub mod ctx;
pub mod dane;
pub mod error;
pub mod groups;
pub mod hello;
pub mod keys;
pub mod kx;
pub mod log;
pub mod records;
pub mod session;
pub mod statem;
pub mod suites;
pub mod verify;

#[global_allocator]
static GLOBAL: abi::alloc::OxAlloc = abi::alloc::OxAlloc;
