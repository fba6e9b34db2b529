//! libcrypto BIOs: the transport an application gives an SSL.
use super::sys;
use openssl_sys::BIO;
use std::io;
use std::os::raw::{c_int, c_void};

const BIO_FLAGS_READ: c_int = 0x01;
const BIO_FLAGS_WRITE: c_int = 0x02;
const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
const BIO_CTRL_PENDING: c_int = 10;
const BIO_CTRL_FLUSH: c_int = 11;
const BIO_C_GET_FD: c_int = 105;
const BIO_C_SET_FD: c_int = 104;
pub const BIO_TYPE_DESCRIPTOR: c_int = 0x0100;
pub const BIO_TYPE_SOCKET: c_int = 5 | 0x0400 | BIO_TYPE_DESCRIPTOR;

/// One counted reference to a BIO.
pub struct Bio(*mut BIO);

// SAFETY: a BIO is used by the one thread that currently drives its SSL; moving the
// reference between threads is what OpenSSL applications do with SSL objects.
unsafe impl Send for Bio {}
// SAFETY: as for Send, above.
unsafe impl Sync for Bio {}

/// What a BIO asked for when it could not complete an operation now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    Read,
    Write,
    /// Neither reading nor writing: the BIO's retry reason says what (`BIO_RR_*`).
    Special(c_int),
}

/// `BIO_RR_*`: why a BIO asked for a special retry.
pub const BIO_RR_SSL_X509_LOOKUP: c_int = 0x01;
pub const BIO_RR_CONNECT: c_int = 0x02;
pub const BIO_RR_ACCEPT: c_int = 0x03;

impl Bio {
    /// Takes ownership of one reference the caller already holds (NULL: None).
    ///
    /// # Safety
    /// `ptr` is NULL or a live `BIO` whose reference passes to the result.
    pub unsafe fn from_owned(ptr: *mut BIO) -> Option<Self> {
        (!ptr.is_null()).then_some(Bio(ptr))
    }

    /// Takes a new reference to `ptr` (NULL: None).
    ///
    /// # Safety
    /// `ptr` is NULL or a live `BIO`.
    pub unsafe fn from_borrowed(ptr: *mut BIO) -> Option<Self> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: a live BIO (the caller's obligation); the new reference is ours.
        unsafe { sys::BIO_up_ref(ptr) };
        Some(Bio(ptr))
    }

    /// Adds a reference to a live BIO without wrapping it.
    ///
    /// # Safety
    /// `ptr` is a live `BIO`; the caller releases the added reference.
    pub unsafe fn up_ref_raw(ptr: *mut BIO) {
        // SAFETY: the caller's obligation.
        unsafe { sys::BIO_up_ref(ptr) };
    }

    /// A socket BIO over `fd` that does not close it.
    pub fn socket(fd: c_int) -> Option<Self> {
        // SAFETY: BIO_new_socket only records the descriptor; BIO_NOCLOSE leaves it to the caller.
        unsafe { Self::from_owned(sys::BIO_new_socket(fd, 0)) }
    }

    pub fn as_ptr(&self) -> *mut BIO {
        self.0
    }

    pub fn same(&self, other: &Bio) -> bool {
        self.0 == other.0
    }

    fn test_flags(&self, flags: c_int) -> c_int {
        // SAFETY: we hold a reference, so the BIO is alive.
        unsafe { sys::BIO_test_flags(self.0, flags) }
    }

    /// Why the last operation must be retried, if it must.
    pub fn retry(&self) -> Option<Retry> {
        if self.test_flags(BIO_FLAGS_SHOULD_RETRY) == 0 {
            return None;
        }
        if self.test_flags(BIO_FLAGS_READ) != 0 {
            Some(Retry::Read)
        } else if self.test_flags(BIO_FLAGS_WRITE) != 0 {
            Some(Retry::Write)
        } else if self.test_flags(BIO_FLAGS_IO_SPECIAL) != 0 {
            // SAFETY: reads a field of a live BIO.
            Some(Retry::Special(unsafe { sys::BIO_get_retry_reason(self.0) }))
        } else {
            None
        }
    }

    /// Reads up to `buf.len()` bytes: Ok(0) is end of stream; `WouldBlock` means retry.
    pub fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(c_int::MAX as usize) as c_int;
        // SAFETY: `buf` is valid for `len` writable bytes and we hold a BIO reference.
        let n = unsafe { openssl_sys::BIO_read(self.0, buf.as_mut_ptr() as *mut c_void, len) };
        if n > 0 {
            Ok(n as usize)
        } else if self.retry().is_some() {
            Err(io::ErrorKind::WouldBlock.into())
        } else if n == 0 {
            Ok(0)
        } else {
            Err(io::Error::other("BIO_read failed"))
        }
    }

    pub fn write(&self, buf: &[u8]) -> io::Result<usize> {
        let len = buf.len().min(c_int::MAX as usize) as c_int;
        // SAFETY: `buf` is valid for `len` readable bytes and we hold a BIO reference.
        let n = unsafe { openssl_sys::BIO_write(self.0, buf.as_ptr() as *const c_void, len) };
        if n > 0 {
            Ok(n as usize)
        } else if self.retry().is_some() {
            Err(io::ErrorKind::WouldBlock.into())
        } else {
            Err(io::Error::other("BIO_write failed"))
        }
    }

    pub fn flush(&self) {
        // SAFETY: a control call on a live BIO; FLUSH takes no pointer argument.
        unsafe { openssl_sys::BIO_ctrl(self.0, BIO_CTRL_FLUSH, 0, std::ptr::null_mut()) };
    }

    /// Bytes that can be read now without waiting: what a memory, pair or buffering BIO
    /// holds, else what the kernel has queued on the descriptor underneath (0 when
    /// unknown).
    pub fn readable_now(&self) -> usize {
        // SAFETY: a control call on a live BIO; PENDING takes no pointer argument.
        let pending = unsafe { openssl_sys::BIO_ctrl(self.0, BIO_CTRL_PENDING, 0, std::ptr::null_mut()) };
        if pending > 0 {
            return pending as usize;
        }
        let fd = self.fd();
        if fd < 0 {
            return 0;
        }
        let mut queued: c_int = 0;
        // SAFETY: FIONREAD writes one int; a descriptor that does not support it fails.
        let rc = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut queued as *mut c_int) };
        if rc == 0 && queued > 0 {
            queued as usize
        } else {
            0
        }
    }

    /// The descriptor of the first descriptor BIO in the chain, or -1.
    pub fn fd(&self) -> c_int {
        // SAFETY: BIO_find_type walks the live chain; BIO_C_GET_FD writes one int.
        unsafe {
            let b = sys::BIO_find_type(self.0, BIO_TYPE_DESCRIPTOR);
            if b.is_null() {
                return -1;
            }
            let mut fd: c_int = -1;
            openssl_sys::BIO_ctrl(b, BIO_C_GET_FD, 0, &mut fd as *mut c_int as *mut c_void);
            fd
        }
    }

    /// `SSL_get_fd` semantics: the descriptor under `bio`, or -1 (a missing BIO makes
    /// libcrypto queue its own NULL-parameter error, as with OpenSSL's libssl).
    pub fn fd_of(bio: Option<&Bio>) -> c_int {
        match bio {
            Some(b) => b.fd(),
            None => {
                // SAFETY: BIO_find_type accepts NULL and reports it on the error queue.
                unsafe { sys::BIO_find_type(std::ptr::null_mut(), BIO_TYPE_DESCRIPTOR) };
                -1
            }
        }
    }

    pub fn is_socket_for(&self, fd: c_int) -> bool {
        // SAFETY: reads the method type of a live BIO.
        let t = unsafe { sys::BIO_method_type(self.0) };
        t == BIO_TYPE_SOCKET && self.fd() == fd
    }
}

#[allow(dead_code)]
const _: c_int = BIO_C_SET_FD;

impl Clone for Bio {
    fn clone(&self) -> Self {
        // SAFETY: taking another reference to a live BIO.
        unsafe { sys::BIO_up_ref(self.0) };
        Bio(self.0)
    }
}

impl Drop for Bio {
    fn drop(&mut self) {
        // SAFETY: releases the one reference this value owns.
        unsafe { openssl_sys::BIO_free_all(self.0) };
    }
}

const PEM_NAME_MAX: usize = 80;

extern "C" {
    fn PEM_write_bio(
        bp: *mut BIO,
        name: *const std::os::raw::c_char,
        hdr: *const std::os::raw::c_char,
        data: *const u8,
        len: std::os::raw::c_long,
    ) -> c_int;
    fn PEM_read_bio(
        bp: *mut BIO,
        name: *mut *mut std::os::raw::c_char,
        header: *mut *mut std::os::raw::c_char,
        data: *mut *mut u8,
        len: *mut std::os::raw::c_long,
    ) -> c_int;
    fn CRYPTO_free(p: *mut c_void, file: *const std::os::raw::c_char, line: c_int);
    fn BIO_new_fp(stream: *mut libc::FILE, close_flag: c_int) -> *mut BIO;
}

impl Bio {
    /// A BIO over a C stdio stream that leaves the stream open (NULL: None).
    ///
    /// # Safety
    /// `fp` is NULL or an open stream that stays open while the BIO is used.
    pub unsafe fn for_file(fp: *mut libc::FILE) -> Option<Bio> {
        if fp.is_null() {
            return None;
        }
        // SAFETY: BIO_new_fp with BIO_NOCLOSE only borrows the caller's open stream.
        unsafe { Self::from_owned(BIO_new_fp(fp, 0)) }
    }

    /// Writes `data` as a PEM block labelled `name`.
    pub fn pem_write(&self, name: &std::ffi::CStr, data: &[u8]) -> bool {
        // SAFETY: live BIO; name and empty header are NUL-terminated; data is in bounds.
        unsafe { PEM_write_bio(self.0, name.as_ptr(), c"".as_ptr(), data.as_ptr(), data.len() as _) > 0 }
    }

    /// Reads PEM blocks until one labelled `name`; None at end of input or on a
    /// malformed block (libcrypto queues the reason).
    pub fn pem_read(&self, name: &std::ffi::CStr) -> Option<Vec<u8>> {
        loop {
            let mut n: *mut std::os::raw::c_char = std::ptr::null_mut();
            let mut h: *mut std::os::raw::c_char = std::ptr::null_mut();
            let mut d: *mut u8 = std::ptr::null_mut();
            let mut len: std::os::raw::c_long = 0;
            // SAFETY: PEM_read_bio allocates the three outputs, which we copy and free.
            unsafe {
                if PEM_read_bio(self.0, &mut n, &mut h, &mut d, &mut len) <= 0 {
                    return None;
                }
                let label = std::ffi::CStr::from_ptr(n).to_bytes();
                let matches = label.len() <= PEM_NAME_MAX && label == name.to_bytes();
                let out = (matches && len >= 0).then(|| std::slice::from_raw_parts(d, len as usize).to_vec());
                CRYPTO_free(n as *mut c_void, c"oxissl".as_ptr(), 0);
                CRYPTO_free(h as *mut c_void, c"oxissl".as_ptr(), 0);
                CRYPTO_free(d as *mut c_void, c"oxissl".as_ptr(), 0);
                if out.is_some() {
                    return out;
                }
            }
        }
    }
}
