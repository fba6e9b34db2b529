//! libcrypto's error-string table: registering a library's reason strings, and rendering
//! packed error codes the way `ERR_error_string_n` does.

use openssl_sys::ERR_STRING_DATA;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_ulong};

// libcrypto functions openssl-sys does not declare.
extern "C" {
    fn ERR_load_strings_const(table: *const ERR_STRING_DATA) -> c_int;
    fn ERR_error_string_n(code: c_ulong, buf: *mut c_char, len: usize);
}

/// Bit position of the library number in a packed error code.
const LIB_SHIFT: u32 = 23;
/// Library numbers occupy 8 bits.
const LIB_MASK: c_ulong = 0xff;
/// Reason codes (flags included) occupy the low 23 bits.
const REASON_MASK: c_int = 0x7f_ffff;
/// Reasons carrying this flag are libcrypto's shared `ERR_R_*` codes.
const RFLAG_COMMON: c_int = 2 << 18;

/// A registered table, kept for the life of the process.
struct Held(#[allow(dead_code)] &'static [ERR_STRING_DATA]);

// SAFETY: the table is immutable after registration; only libcrypto reads it.
unsafe impl Send for Held {}

static HELD: std::sync::Mutex<Vec<Held>> = std::sync::Mutex::new(Vec::new());

/// `ERR_PACK(lib, 0, reason)`: the code libcrypto's string table is keyed by.
pub fn pack(lib: c_int, reason: c_int) -> c_ulong {
    ((lib as c_ulong & LIB_MASK) << LIB_SHIFT) | (reason & REASON_MASK) as c_ulong
}

/// Registers `library_name` and `reasons` for library `lib` with libcrypto, the way a
/// library's `ERR_load_*_strings` does. The table handed to libcrypto is leaked: libcrypto
/// keeps pointers into it for the life of the process, so call this once per library.
///
/// Reasons that carry libcrypto's "common" flag (`ERR_R_*`), that are out of range, or
/// whose text contains NUL are skipped, so libcrypto's own strings are never replaced.
/// Returns whether libcrypto accepted the table.
pub fn register(lib: c_int, library_name: &str, reasons: &[(c_int, &str)]) -> bool {
    let mut rows: Vec<ERR_STRING_DATA> = Vec::with_capacity(reasons.len() + 2);
    if let Some(name) = leak_c_string(library_name) {
        rows.push(ERR_STRING_DATA { error: pack(lib, 0), string: name });
    }
    for &(reason, text) in reasons {
        if reason <= 0 || reason > REASON_MASK || reason & RFLAG_COMMON != 0 {
            continue;
        }
        if let Some(string) = leak_c_string(text) {
            rows.push(ERR_STRING_DATA { error: pack(lib, reason), string });
        }
    }
    // libcrypto stops at the first row whose code is 0.
    rows.push(ERR_STRING_DATA { error: 0, string: std::ptr::null() });
    let rows: &'static [ERR_STRING_DATA] = Vec::leak(rows);
    // Keep the table reachable from a static: libcrypto's hash of it is freed at exit,
    // and leak checkers would otherwise call the table lost.
    HELD.lock().unwrap_or_else(|e| e.into_inner()).push(Held(rows));
    // SAFETY: `rows` ends with a zero-code row and, like every string it points to, is
    // leaked, so it outlives libcrypto's references; libcrypto takes its own lock.
    unsafe { ERR_load_strings_const(rows.as_ptr()) == 1 }
}

/// The text `ERR_error_string_n` produces for `code`, e.g.
/// `error:0A000086:SSL routines::certificate verify failed`.
pub fn error_string(code: c_ulong) -> String {
    let mut buf = [0 as c_char; 256];
    // SAFETY: the buffer is writable for its full length, which is what we pass;
    // ERR_error_string_n always NUL-terminates within it.
    unsafe { ERR_error_string_n(code, buf.as_mut_ptr(), buf.len()) };
    // SAFETY: NUL-terminated by ERR_error_string_n (see above); `buf` outlives the borrow.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

fn leak_c_string(text: &str) -> Option<*const c_char> {
    let owned = CString::new(text).ok()?;
    Some(Box::leak(owned.into_boxed_c_str()).as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_matches_err_pack() {
        assert_eq!(pack(20, 134), 0x0A00_0086);
        assert_eq!(pack(20, 0), 0x0A00_0000);
        // Flags stay inside the reason field.
        assert_eq!(pack(20, 256 | (3 << 18)), 0x0A0C_0100);
    }
}
