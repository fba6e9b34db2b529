//! The `ssl_conf` module of openssl.cnf, as libcrypto loads it.
//!
//! libcrypto reads the configuration file (`OPENSSL_CONF` or its default path) once per
//! process, at the first `OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG)`, and keeps the
//! `ssl_conf` section's named command lists (`system_default`, application sections).
//! libssl reads them back through three functions libcrypto 3 exports for it
//! (`conf_ssl_name_find`, `conf_ssl_get`, `conf_ssl_get_cmd`; internal/sslconf.h).
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};

extern "C" {
    fn conf_ssl_name_find(name: *const c_char, idx: *mut usize) -> c_int;
    fn conf_ssl_get(idx: usize, name: *mut *const c_char, cnt: *mut usize) -> *const c_void;
    fn conf_ssl_get_cmd(cmd: *const c_void, idx: usize, cmdstr: *mut *mut c_char, arg: *mut *mut c_char);
}

const OPENSSL_INIT_ADD_ALL_CIPHERS: u64 = 0x0000_0004;
const OPENSSL_INIT_ADD_ALL_DIGESTS: u64 = 0x0000_0008;
const OPENSSL_INIT_LOAD_CONFIG: u64 = 0x0000_0040;
const OPENSSL_INIT_NO_LOAD_CONFIG: u64 = 0x0000_0080;

/// libssl's initialisation of libcrypto (`OPENSSL_init_ssl`): ciphers, digests and,
/// unless the caller says otherwise, the configuration file. False when libcrypto
/// refuses (a configuration that does not load, with `config_diagnostics`).
///
/// # Safety
/// `settings` is NULL or a live `OPENSSL_INIT_SETTINGS` (`OPENSSL_INIT_new`).
pub unsafe fn init_crypto(opts: u64, settings: *const c_void) -> bool {
    let mut opts = opts | OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS;
    if opts & OPENSSL_INIT_NO_LOAD_CONFIG == 0 {
        opts |= OPENSSL_INIT_LOAD_CONFIG;
    }
    // SAFETY: plain flags; `settings` is NULL or the caller's OPENSSL_INIT_SETTINGS.
    unsafe { super::sys::OPENSSL_init_crypto(opts, settings) == 1 }
}

/// The commands (name, value) of the `ssl_conf` section `name`, in file order; None
/// when the loaded configuration has no such section.
pub fn ssl_section(name: &CStr) -> Option<Vec<(CString, CString)>> {
    let mut idx = 0usize;
    // SAFETY: a NUL-terminated name and a writable index.
    if unsafe { conf_ssl_name_find(name.as_ptr(), &mut idx) } == 0 {
        return None;
    }
    let mut section: *const c_char = std::ptr::null();
    let mut count = 0usize;
    // SAFETY: `idx` was just found; the outputs are writable. The returned list and
    // strings belong to libcrypto's loaded configuration, which lives until exit.
    let cmds = unsafe { conf_ssl_get(idx, &mut section, &mut count) };
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let (mut cmd, mut arg): (*mut c_char, *mut c_char) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: `i` is below the count libcrypto reported for this list.
        unsafe { conf_ssl_get_cmd(cmds, i, &mut cmd, &mut arg) };
        if cmd.is_null() || arg.is_null() {
            continue;
        }
        // SAFETY: both are NUL-terminated strings owned by the configuration.
        let (c, a) = unsafe { (CStr::from_ptr(cmd), CStr::from_ptr(arg)) };
        out.push((c.to_owned(), a.to_owned()));
    }
    Some(out)
}
