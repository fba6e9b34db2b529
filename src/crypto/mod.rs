//! Small owned wrappers over the libcrypto objects that applications hand us.
//!
//! Each type owns one reference and releases it in `Drop`; `as_ptr` lends the raw
//! pointer to libcrypto calls. This module and `abi` are the only places with `unsafe`.

pub mod bio;
pub mod err;
pub mod errstrings;
pub mod exdata;
pub mod pkey;
pub mod sys;
pub mod x509;

/// `n` bytes from libcrypto's CSPRNG.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    // SAFETY: `v` has `n` writable bytes.
    let ok = unsafe { openssl_sys::RAND_bytes(v.as_mut_ptr(), n as std::os::raw::c_int) } == 1;
    assert!(ok, "RAND_bytes failed");
    v
}
