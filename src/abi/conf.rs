//! `SSL_CONF_*` entry points: configuration commands ([`crate::conf`]).
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uint};
use std::ptr;

use super::ownership::{ArcHandle, BoxHandle};
use super::{SSL, SSL_CONF_CTX, SSL_CTX};
use crate::conf::{self, ConfCtx};
use crate::error;

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_new() -> *mut SSL_CONF_CTX {
    ffi_boundary!("SSL_CONF_CTX_new", ptr::null_mut(), { SSL_CONF_CTX::into_c(Box::default()) })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_free(cctx: *mut SSL_CONF_CTX) {
    ffi_boundary!("SSL_CONF_CTX_free", (), {
        // SAFETY: NULL or a context from SSL_CONF_CTX_new, which the caller gives up.
        unsafe { SSL_CONF_CTX::release(cctx) }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_set_flags(cctx: *mut SSL_CONF_CTX, flags: c_uint) -> c_uint {
    ffi_boundary!("SSL_CONF_CTX_set_flags", 0, {
        let c = try_ref!("SSL_CONF_CTX_set_flags", cctx, 0);
        c.set_flags(flags)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_clear_flags(cctx: *mut SSL_CONF_CTX, flags: c_uint) -> c_uint {
    ffi_boundary!("SSL_CONF_CTX_clear_flags", 0, {
        let c = try_ref!("SSL_CONF_CTX_clear_flags", cctx, 0);
        c.clear_flags(flags)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_set1_prefix(cctx: *mut SSL_CONF_CTX, pre: *const c_char) -> c_int {
    ffi_boundary!("SSL_CONF_CTX_set1_prefix", 0, {
        let c = try_ref!("SSL_CONF_CTX_set1_prefix", cctx, 0);
        // SAFETY: NULL (no prefix) or a NUL-terminated string, copied here.
        let p = (!pre.is_null()).then(|| unsafe { CStr::from_ptr(pre) });
        c.set_prefix(p);
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_set_ssl_ctx(cctx: *mut SSL_CONF_CTX, ctx: *mut SSL_CTX) {
    ffi_boundary!("SSL_CONF_CTX_set_ssl_ctx", (), {
        let c = try_ref!("SSL_CONF_CTX_set_ssl_ctx", cctx, ());
        // SAFETY: NULL (no target) or a live SSL_CTX; the configuration context keeps
        // only a weak reference, as OpenSSL keeps a plain pointer.
        let target = unsafe { SSL_CTX::clone_arc(ctx) };
        c.set_ctx(target.as_ref());
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_set_ssl(cctx: *mut SSL_CONF_CTX, ssl: *mut SSL) {
    ffi_boundary!("SSL_CONF_CTX_set_ssl", (), {
        let c = try_ref!("SSL_CONF_CTX_set_ssl", cctx, ());
        // SAFETY: NULL (no target) or a live SSL; kept weakly, as above.
        let target = unsafe { SSL::clone_arc(ssl) };
        c.set_ssl(target.as_ref());
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_CTX_finish(cctx: *mut SSL_CONF_CTX) -> c_int {
    ffi_boundary!("SSL_CONF_CTX_finish", 0, {
        let c = try_ref!("SSL_CONF_CTX_finish", cctx, 0);
        c.finish() as c_int
    })
}

#[no_mangle]
pub extern "C" fn SSL_CONF_cmd(cctx: *mut SSL_CONF_CTX, cmd: *const c_char, value: *const c_char) -> c_int {
    ffi_boundary!("SSL_CONF_cmd", 0, {
        let c = try_ref!("SSL_CONF_cmd", cctx, 0);
        if cmd.is_null() {
            error::raise(error::SSL_R_INVALID_NULL_CMD_NAME);
            return 0;
        }
        run_cmd(c, cmd, value)
    })
}

fn run_cmd(c: &ConfCtx, cmd: *const c_char, value: *const c_char) -> c_int {
    // SAFETY: non-NULL NUL-terminated strings that outlive the call.
    let name = unsafe { CStr::from_ptr(cmd) }.to_string_lossy();
    // SAFETY: as above; NULL means no value.
    let value = (!value.is_null()).then(|| unsafe { CStr::from_ptr(value) });
    c.cmd(&name, value)
}

#[no_mangle]
pub extern "C" fn SSL_CONF_cmd_value_type(cctx: *mut SSL_CONF_CTX, cmd: *const c_char) -> c_int {
    ffi_boundary!("SSL_CONF_cmd_value_type", conf::TYPE_UNKNOWN, {
        let c = try_ref!("SSL_CONF_cmd_value_type", cctx, conf::TYPE_UNKNOWN);
        let name = try_cstr!("SSL_CONF_cmd_value_type", cmd, conf::TYPE_UNKNOWN);
        c.value_type(&name.to_string_lossy())
    })
}

/// Processes the command at `(*pargv)[0]` (with its value at `[1]`) and advances the
/// argument list past what it used. `pargc` may be NULL (a NULL-terminated list).
/// Returns the arguments used, 0 for an unknown command, or a negative error.
#[no_mangle]
pub extern "C" fn SSL_CONF_cmd_argv(cctx: *mut SSL_CONF_CTX, pargc: *mut c_int, pargv: *mut *mut *mut c_char) -> c_int {
    ffi_boundary!("SSL_CONF_cmd_argv", -1, {
        let c = try_ref!("SSL_CONF_cmd_argv", cctx, -1);
        if pargv.is_null() {
            error::raise_null("SSL_CONF_cmd_argv");
            return -1;
        }
        // SAFETY: `pargc` is NULL or points to the argument count; `*pargv` to at least
        // that many argument pointers (or a NULL-terminated list when `pargc` is NULL).
        unsafe {
            let argc = if pargc.is_null() { None } else { Some(*pargc) };
            let argv = *pargv;
            if argc == Some(0) || argv.is_null() {
                return 0;
            }
            let arg = *argv;
            if arg.is_null() {
                return 0;
            }
            let next = if argc.is_none_or(|n| n > 1) { *argv.add(1) } else { ptr::null_mut() };
            c.use_cmdline();
            let rv = run_cmd(c, arg, next);
            if rv > 0 {
                *pargv = argv.add(rv as usize);
                if !pargc.is_null() {
                    *pargc -= rv;
                }
                return rv;
            }
            match rv {
                conf::RESULT_UNKNOWN => 0,
                0 => -1,
                other => other,
            }
        }
    })
}

/// `SSL_CTX_config`: applies the named `ssl_conf` section of openssl.cnf.
#[no_mangle]
pub extern "C" fn SSL_CTX_config(ctx: *mut SSL_CTX, name: *const c_char) -> c_int {
    ffi_boundary!("SSL_CTX_config", 0, {
        // SAFETY: NULL or a live SSL_CTX; the new Arc holds its own reference.
        let Some(c) = (unsafe { SSL_CTX::clone_arc(ctx) }) else {
            error::raise_null("SSL_CTX_config");
            return 0;
        };
        let name = try_cstr!("SSL_CTX_config", name, 0);
        conf::apply_config_section(conf::ConfigTarget::Ctx(&c), name, false) as c_int
    })
}

/// `SSL_config`: the same for one connection.
#[no_mangle]
pub extern "C" fn SSL_config(s: *mut SSL, name: *const c_char) -> c_int {
    ffi_boundary!("SSL_config", 0, {
        // SAFETY: NULL or a live SSL; the new Arc holds its own reference.
        let Some(ssl) = (unsafe { SSL::clone_arc(s) }) else {
            error::raise_null("SSL_config");
            return 0;
        };
        let name = try_cstr!("SSL_config", name, 0);
        conf::apply_config_section(conf::ConfigTarget::Ssl(&ssl), name, false) as c_int
    })
}

/// `SSL_add_ssl_module`: nothing to do; libcrypto 3 registers openssl.cnf's `ssl_conf`
/// module itself, and `SSL_CTX_new` applies it (see [`conf::apply_config_section`]).
#[no_mangle]
pub extern "C" fn SSL_add_ssl_module() {
    ffi_boundary!("SSL_add_ssl_module", (), {})
}
