//! The reason strings of `ERR_LIB_SSL`, registered with libcrypto.
pub fn load() {}
