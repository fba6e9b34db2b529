//! Error strings and alert texts: `ERR_load_SSL_strings` and `SSL_alert_*_string*`.
//!
//! (`SSL_load_error_strings` is a macro over `OPENSSL_init_ssl` in OpenSSL 3.0 headers,
//! not an exported function, so it has no entry point here.)

use std::os::raw::{c_char, c_int};

use crate::error::alerts;

/// `int ERR_load_SSL_strings(void)`: registers the SSL reason strings; always 1.
#[no_mangle]
pub extern "C" fn ERR_load_SSL_strings() -> c_int {
    ffi_boundary!("ERR_load_SSL_strings", 0, {
        crate::error::load_strings();
        1
    })
}

/// `const char *SSL_alert_type_string_long(int value)`.
#[no_mangle]
pub extern "C" fn SSL_alert_type_string_long(value: c_int) -> *const c_char {
    ffi_boundary!("SSL_alert_type_string_long", c"unknown".as_ptr(), { alerts::alert_type_long(value).as_ptr() })
}

/// `const char *SSL_alert_type_string(int value)`.
#[no_mangle]
pub extern "C" fn SSL_alert_type_string(value: c_int) -> *const c_char {
    ffi_boundary!("SSL_alert_type_string", c"U".as_ptr(), { alerts::alert_type(value).as_ptr() })
}

/// `const char *SSL_alert_desc_string_long(int value)`.
#[no_mangle]
pub extern "C" fn SSL_alert_desc_string_long(value: c_int) -> *const c_char {
    ffi_boundary!("SSL_alert_desc_string_long", c"unknown".as_ptr(), { alerts::alert_desc_long(value).as_ptr() })
}

/// `const char *SSL_alert_desc_string(int value)`.
#[no_mangle]
pub extern "C" fn SSL_alert_desc_string(value: c_int) -> *const c_char {
    ffi_boundary!("SSL_alert_desc_string", c"UK".as_ptr(), { alerts::alert_desc(value).as_ptr() })
}
