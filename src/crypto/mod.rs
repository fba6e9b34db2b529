//! Small owned wrappers over the libcrypto objects that applications hand us.
//!
//! Each type owns one reference and releases it in `Drop`; `as_ptr` lends the raw
//! pointer to libcrypto calls. This module and `abi` are the only places with `unsafe`.

pub mod bio;
pub mod conf;
pub mod dane;
pub mod dh;
pub mod digest;
pub mod err;
pub mod errstrings;
pub mod exdata;
pub mod pkey;
pub mod rand;
pub mod stack;
pub mod sys;
pub mod ticket;
pub mod x509;

/// Sets `errno` to 0, as OpenSSL does when an I/O or handshake call starts, so that a
/// program printing `errno` after a TLS failure sees this call's, not an old EAGAIN.
pub fn clear_sys_error() {
    // SAFETY: glibc's thread-local errno location is always valid to write.
    unsafe { *libc::__errno_location() = 0 };
}

/// `n` bytes from aws-lc's CSPRNG.
pub fn random_bytes(n: usize) -> Vec<u8> {
    // aws-lc's generator, paged (see `rand`; the one rustls draws its randoms from):
    // libcrypto's RAND_bytes goes through OpenSSL 3's provider layer and cost a tenth of
    // a resumed handshake for a session ID.
    let mut v = vec![0u8; n];
    rand::fill(&mut v).expect("random bytes");
    v
}

/// The NID of the signature algorithm combining a digest and a key type
/// (e.g. sha256WithRSAEncryption), or 0 (`NID_undef`) when libcrypto knows none.
pub fn sig_and_hash_nid(digest_nid: std::os::raw::c_int, key_nid: std::os::raw::c_int) -> std::os::raw::c_int {
    let mut out = 0;
    // SAFETY: `out` is a valid int to write; the NIDs are plain integers.
    let ok = unsafe { sys::OBJ_find_sigid_by_algs(&mut out, digest_nid, key_nid) };
    if ok == 1 {
        out
    } else {
        0
    }
}

/// libcrypto's NID for an object short name (`OBJ_sn2nid`; 0 when unknown).
pub fn obj_sn2nid(name: &std::ffi::CStr) -> std::os::raw::c_int {
    // SAFETY: a NUL-terminated name; the lookup only reads it.
    unsafe { openssl_sys::OBJ_sn2nid(name.as_ptr()) }
}
