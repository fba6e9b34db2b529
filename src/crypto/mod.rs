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
