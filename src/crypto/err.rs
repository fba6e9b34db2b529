//! libcrypto's per-thread error queue.
use super::sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_ulong};

const ERR_TXT_MALLOCED: c_int = 0x01;
const ERR_TXT_STRING: c_int = 0x02;

/// Pushes one error record, with the Rust source location as its debug information.
pub fn push(lib: c_int, reason: c_int, file: &'static str, line: u32, data: Option<&str>) {
    // File names must outlive the record: libcrypto stores the pointer. Intern them.
    let file = intern(file);
    // SAFETY: ERR_new/ERR_set_debug/ERR_set_error only touch this thread's queue; `file`
    // is a NUL-terminated string that lives for the whole process and the format is "%s"-free.
    unsafe {
        openssl_sys::ERR_new();
        openssl_sys::ERR_set_debug(file, line as c_int, std::ptr::null());
        openssl_sys::ERR_set_error(lib, reason, std::ptr::null());
    }
    if let Some(text) = data {
        if let Ok(c) = CString::new(text) {
            // SAFETY: the queue takes ownership of a buffer allocated by OPENSSL's allocator
            // (CRYPTO_strdup), as ERR_TXT_MALLOCED promises.
            unsafe {
                let copy = sys::CRYPTO_strdup(c.as_ptr(), c"oxissl".as_ptr(), 0);
                if !copy.is_null() {
                    sys::ERR_set_error_data(copy, ERR_TXT_MALLOCED | ERR_TXT_STRING);
                }
            }
        }
    }
}

/// The earliest error on this thread's queue, without removing it (0 when empty).
pub fn peek() -> c_ulong {
    // SAFETY: reads this thread's queue only.
    unsafe { sys::ERR_peek_error() }
}

/// Clears this thread's error queue.
pub fn clear() {
    // SAFETY: operates on this thread's queue only.
    unsafe { openssl_sys::ERR_clear_error() }
}

fn intern(file: &'static str) -> *const c_char {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static NAMES: once_cell::sync::Lazy<Mutex<HashMap<&'static str, &'static std::ffi::CStr>>> =
        once_cell::sync::Lazy::new(|| Mutex::new(HashMap::new()));
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    names.entry(file).or_insert_with(|| Box::leak(CString::new(file).unwrap_or_default().into_boxed_c_str())).as_ptr()
}

/// The most recent error on this thread's queue, without removing it (0 when empty).
pub fn peek_last() -> c_ulong {
    // SAFETY: reads this thread's queue only.
    unsafe { sys::ERR_peek_last_error() }
}

/// Makes libcrypto load its own reason strings, as OpenSSL's libssl does when it
/// initialises (OPENSSL_INIT_LOAD_CRYPTO_STRINGS).
pub fn init_crypto_strings() {
    const OPENSSL_INIT_LOAD_CRYPTO_STRINGS: u64 = 0x0000_0002;
    // SAFETY: idempotent, thread-safe library initialisation.
    unsafe { sys::OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, std::ptr::null()) };
}

/// Pushes an error of another libcrypto library (e.g. ASN1) with our location.
#[track_caller]
pub fn push_lib(lib: c_int, reason: c_int) {
    let loc = std::panic::Location::caller();
    push(lib, reason, loc.file(), loc.line(), None);
}

/// libcrypto's text for an error of library `lib` (`ERR_reason_error_string`), if known.
pub fn reason_text(lib: c_int, reason: c_int) -> Option<String> {
    // ERR_PACK for OpenSSL 3: library in bits 23..30, reason (with its flags) below.
    let code = ((lib as c_ulong & 0xff) << 23) | (reason as c_ulong & 0x7f_ffff);
    // SAFETY: returns NULL or a static NUL-terminated string.
    let p = unsafe { openssl_sys::ERR_reason_error_string(code) };
    // SAFETY: checked non-NULL; libcrypto's strings live for the process.
    (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// `ERR_set_mark`: errors queued from now on can be dropped with [`pop_to_mark`].
pub fn set_mark() -> bool {
    // SAFETY: operates on this thread's error queue only.
    unsafe { super::sys::ERR_set_mark() == 1 }
}

/// `ERR_pop_to_mark`: drops the errors queued since the last [`set_mark`].
pub fn pop_to_mark() {
    // SAFETY: as above.
    unsafe { super::sys::ERR_pop_to_mark() };
}
