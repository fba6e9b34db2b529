//! Certificates, stores, verification parameters and certificate stacks.
use super::sys;
use openssl_sys::{stack_st_X509, OPENSSL_STACK, X509, X509_STORE, X509_STORE_CTX, X509_VERIFY_PARAM};
use std::ffi::CStr;
use std::os::raw::{c_int, c_long, c_void};

/// One counted reference to an X509 certificate.
pub struct X509Cert(*mut X509);

// SAFETY: X509 objects are reference counted with atomic counts and immutable once
// built; libcrypto allows sharing them across threads.
unsafe impl Send for X509Cert {}
// SAFETY: as for Send, above.
unsafe impl Sync for X509Cert {}

impl X509Cert {
    /// Takes ownership of one reference the caller holds (NULL: None).
    ///
    /// # Safety
    /// `p` is NULL or a live `X509` whose reference passes to the result.
    pub unsafe fn from_owned(p: *mut X509) -> Option<Self> {
        (!p.is_null()).then_some(X509Cert(p))
    }

    /// Takes a new reference to `p` (NULL: None).
    ///
    /// # Safety
    /// `p` is NULL or a live `X509`.
    pub unsafe fn from_borrowed(p: *mut X509) -> Option<Self> {
        if p.is_null() {
            return None;
        }
        // SAFETY: a live certificate (the caller's obligation); the new reference is ours.
        unsafe { openssl_sys::X509_up_ref(p) };
        Some(X509Cert(p))
    }

    pub fn from_der(der: &[u8]) -> Option<Self> {
        // SAFETY: `der.len()` readable bytes at its start.
        unsafe { Self::from_der_raw(der.as_ptr(), der.len() as c_long) }
    }

    /// As [`Self::from_der`], over the caller's pointer and length, as libssl's
    /// `*_use_certificate_ASN1` hand them to `d2i_X509` (which fails a negative length).
    ///
    /// # Safety
    /// `d` is non-NULL and points to `len` readable bytes.
    pub unsafe fn from_der_raw(d: *const u8, len: c_long) -> Option<Self> {
        let mut p = d;
        // SAFETY: (the caller's obligation) d2i reads at most `len` bytes from `d`.
        unsafe { Self::from_owned(openssl_sys::d2i_X509(std::ptr::null_mut(), &mut p, len)) }
    }

    pub fn to_der(&self) -> Vec<u8> {
        // SAFETY: the first call sizes the encoding, the second writes exactly that many bytes.
        unsafe {
            let len = openssl_sys::i2d_X509(self.0, std::ptr::null_mut());
            if len <= 0 {
                return Vec::new();
            }
            let mut out = vec![0u8; len as usize];
            let mut p = out.as_mut_ptr();
            openssl_sys::i2d_X509(self.0, &mut p);
            out
        }
    }

    pub fn as_ptr(&self) -> *mut X509 {
        self.0
    }

    /// Whether the certificate is self-signed (libcrypto's EXFLAG_SS).
    pub fn is_self_signed(&self) -> bool {
        const EXFLAG_SS: u32 = 0x2000;
        // SAFETY: a live certificate; the flags are computed and cached by libcrypto.
        unsafe { openssl_sys::X509_get_extension_flags(self.0) & EXFLAG_SS != 0 }
    }

    /// Hands one new reference to C.
    pub fn up_ref_ptr(&self) -> *mut X509 {
        // SAFETY: `self` keeps the certificate alive while we add a reference.
        unsafe { openssl_sys::X509_up_ref(self.0) };
        self.0
    }
}

impl Clone for X509Cert {
    fn clone(&self) -> Self {
        X509Cert(self.up_ref_ptr())
    }
}

impl Drop for X509Cert {
    fn drop(&mut self) {
        // SAFETY: releases the reference this value owns.
        unsafe { openssl_sys::X509_free(self.0) }
    }
}

/// One counted reference to an X509_STORE.
pub struct X509Store(*mut X509_STORE);

// SAFETY: X509_STORE has internal locking and atomic reference counts.
unsafe impl Send for X509Store {}
// SAFETY: as for Send, above.
unsafe impl Sync for X509Store {}

impl X509Store {
    pub fn new() -> Option<Self> {
        // SAFETY: allocates a fresh store we own.
        unsafe { Self::from_owned(openssl_sys::X509_STORE_new()) }
    }

    /// Takes ownership of one reference the caller holds (NULL: None).
    ///
    /// # Safety
    /// `p` is NULL or a live `X509_STORE` whose reference passes to the result.
    pub unsafe fn from_owned(p: *mut X509_STORE) -> Option<Self> {
        (!p.is_null()).then_some(X509Store(p))
    }

    /// Takes a new reference to `p` (NULL: None).
    ///
    /// # Safety
    /// `p` is NULL or a live `X509_STORE`.
    pub unsafe fn from_borrowed(p: *mut X509_STORE) -> Option<Self> {
        if p.is_null() {
            return None;
        }
        // SAFETY: a live store (the caller's obligation); the new reference is ours.
        unsafe { sys::X509_STORE_up_ref(p) };
        Some(X509Store(p))
    }

    pub fn as_ptr(&self) -> *mut X509_STORE {
        self.0
    }

    pub fn load_locations(&self, file: Option<&CStr>, dir: Option<&CStr>) -> bool {
        let f = file.map_or(std::ptr::null(), |f| f.as_ptr());
        let d = dir.map_or(std::ptr::null(), |d| d.as_ptr());
        // SAFETY: both are NUL-terminated or NULL, which the function accepts.
        unsafe { sys::X509_STORE_load_locations(self.0, f, d) == 1 }
    }

    pub fn load_store(&self, uri: &CStr) -> bool {
        // SAFETY: NUL-terminated URI, live store.
        unsafe { sys::X509_STORE_load_store(self.0, uri.as_ptr()) == 1 }
    }

    pub fn set_default_paths(&self) -> bool {
        // SAFETY: live store.
        unsafe { sys::X509_STORE_set_default_paths(self.0) == 1 }
    }

    pub fn add_cert(&self, cert: &X509Cert) -> bool {
        // SAFETY: the store takes its own reference to the certificate.
        unsafe { openssl_sys::X509_STORE_add_cert(self.0, cert.as_ptr()) == 1 }
    }
}

impl Drop for X509Store {
    fn drop(&mut self) {
        // SAFETY: releases the reference this value owns.
        unsafe { openssl_sys::X509_STORE_free(self.0) }
    }
}

extern "C" {
    fn X509_VERIFY_PARAM_move_peername(to: *mut X509_VERIFY_PARAM, from: *mut X509_VERIFY_PARAM);
}

/// An owned X509_VERIFY_PARAM (not reference counted: copied where OpenSSL copies).
pub struct VerifyParam(*mut X509_VERIFY_PARAM);

// SAFETY: exclusively owned; mutation goes through &mut or the owner's lock.
unsafe impl Send for VerifyParam {}
// SAFETY: as for Send, above.
unsafe impl Sync for VerifyParam {}

impl VerifyParam {
    pub fn new() -> Self {
        // SAFETY: allocates a fresh parameter set; allocation failure aborts below.
        let p = unsafe { openssl_sys::X509_VERIFY_PARAM_new() };
        assert!(!p.is_null(), "X509_VERIFY_PARAM_new failed");
        VerifyParam(p)
    }

    pub fn as_ptr(&self) -> *mut X509_VERIFY_PARAM {
        self.0
    }

    /// Overwrites this with every field of `from` (NULL: nothing changes).
    ///
    /// # Safety
    /// `from` is NULL or a live `X509_VERIFY_PARAM`.
    pub unsafe fn set_from_ptr(&mut self, from: *const X509_VERIFY_PARAM) -> bool {
        // SAFETY: our live parameter set; `from` is NULL or live (the caller's obligation).
        unsafe { sys::X509_VERIFY_PARAM_set1(self.0, from) == 1 }
    }

    /// `X509_VERIFY_PARAM_set_purpose` (0 and libcrypto's error for an unknown one).
    pub fn set_purpose(&mut self, purpose: c_int) -> bool {
        // SAFETY: live parameter set.
        unsafe { sys::X509_VERIFY_PARAM_set_purpose(self.0, purpose) == 1 }
    }

    /// `X509_VERIFY_PARAM_set_trust` (0 and libcrypto's error for an unknown one).
    pub fn set_trust(&mut self, trust: c_int) -> bool {
        // SAFETY: live parameter set.
        unsafe { sys::X509_VERIFY_PARAM_set_trust(self.0, trust) == 1 }
    }

    pub fn set_depth(&mut self, depth: c_int) {
        // SAFETY: live parameter set.
        unsafe { openssl_sys::X509_VERIFY_PARAM_set_depth(self.0, depth) }
    }

    pub fn depth(&self) -> c_int {
        // SAFETY: live parameter set.
        unsafe { sys::X509_VERIFY_PARAM_get_depth(self.0) }
    }

    pub fn set_host(&mut self, name: Option<&[u8]>) -> bool {
        let (p, l) = name.map_or((std::ptr::null(), 0), |n| (n.as_ptr(), n.len()));
        // SAFETY: (p, l) is a valid byte range or (NULL, 0) which clears the list.
        unsafe { openssl_sys::X509_VERIFY_PARAM_set1_host(self.0, p as *const _, l) == 1 }
    }

    pub fn add_host(&mut self, name: &[u8]) -> bool {
        // SAFETY: valid byte range.
        unsafe { sys::X509_VERIFY_PARAM_add1_host(self.0, name.as_ptr() as *const _, name.len()) == 1 }
    }

    pub fn set_hostflags(&mut self, flags: u32) {
        // SAFETY: live parameter set.
        unsafe { openssl_sys::X509_VERIFY_PARAM_set_hostflags(self.0, flags) }
    }

    pub fn hostflags(&self) -> u32 {
        // SAFETY: live parameter set.
        unsafe { sys::X509_VERIFY_PARAM_get_hostflags(self.0) }
    }

    pub fn set_ip(&mut self, ip: &[u8]) -> bool {
        // SAFETY: valid byte range of 4 or 16 bytes.
        unsafe { openssl_sys::X509_VERIFY_PARAM_set1_ip(self.0, ip.as_ptr(), ip.len()) == 1 }
    }

    /// Takes the peer name `from` holds (none: clears ours), as OpenSSL's
    /// `X509_VERIFY_PARAM_move_peername`.
    pub fn take_peername(&mut self, from: Option<&VerifyParam>) {
        let from = from.map_or(std::ptr::null_mut(), |f| f.0);
        // SAFETY: both parameter sets are live; the name's ownership moves between them.
        unsafe { X509_VERIFY_PARAM_move_peername(self.0, from) }
    }

    /// The peer name matched by the last successful host check (borrowed until the next change).
    pub fn peername_ptr(&self) -> *const std::os::raw::c_char {
        // SAFETY: live parameter set; the string is owned by it.
        unsafe { sys::X509_VERIFY_PARAM_get0_peername(self.0) }
    }
}

impl Clone for VerifyParam {
    fn clone(&self) -> Self {
        let mut n = VerifyParam::new();
        // SAFETY: our own live parameter set.
        unsafe { n.set_from_ptr(self.0) };
        n
    }
}

impl Default for VerifyParam {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for VerifyParam {
    fn drop(&mut self) {
        // SAFETY: we exclusively own the parameter set.
        unsafe { openssl_sys::X509_VERIFY_PARAM_free(self.0) }
    }
}

/// Builds a new STACK_OF(X509) holding a reference to each certificate (caller owns it).
pub fn stack_from(certs: &[X509Cert]) -> *mut stack_st_X509 {
    // SAFETY: a fresh stack; each pushed element carries its own new reference.
    unsafe {
        let sk = sys::OPENSSL_sk_new_null();
        if sk.is_null() {
            return std::ptr::null_mut();
        }
        for c in certs {
            sys::OPENSSL_sk_push(sk, c.up_ref_ptr() as *const c_void);
        }
        sk as *mut stack_st_X509
    }
}

/// Frees a STACK_OF(X509) and the references it holds (NULL: nothing).
///
/// # Safety
/// `sk` is NULL or a `STACK_OF(X509)` of live certificates that the caller owns (with one
/// reference per element) and does not use again.
pub unsafe fn stack_free(sk: *mut stack_st_X509) {
    unsafe extern "C" fn free_x509(p: *mut c_void) {
        // SAFETY: every element of an X509 stack is an X509 reference.
        unsafe { openssl_sys::X509_free(p as *mut X509) }
    }
    if !sk.is_null() {
        // SAFETY: the caller gives up a stack it owns (the function's contract).
        unsafe { sys::OPENSSL_sk_pop_free(sk as *mut OPENSSL_STACK, Some(free_x509)) }
    }
}

/// Takes a new reference to every certificate of a borrowed STACK_OF(X509).
///
/// # Safety
/// `sk` is NULL or a live `STACK_OF(X509)`.
pub unsafe fn stack_to_vec(sk: *const stack_st_X509) -> Vec<X509Cert> {
    if sk.is_null() {
        return Vec::new();
    }
    // SAFETY: a live stack (the caller's obligation) of live certificates; i < n.
    unsafe {
        let n = sys::OPENSSL_sk_num(sk as *const OPENSSL_STACK);
        (0..n)
            .filter_map(|i| X509Cert::from_borrowed(sys::OPENSSL_sk_value(sk as *const OPENSSL_STACK, i) as *mut X509))
            .collect()
    }
}

/// The outcome of `X509_verify_cert`.
pub struct ChainVerdict {
    pub ok: bool,
    /// `X509_V_OK` or the `X509_V_ERR_*` code left in the store context.
    pub error: c_int,
    /// What DANE matched (depth -1 when nothing, or DANE was off).
    pub dane: super::dane::DaneMatch,
    /// The verified chain (leaf first), when one was built.
    pub chain: Vec<X509Cert>,
}

/// What `X509_verify_cert` needs besides the chain.
pub struct VerifyInputs<'a> {
    pub store: &'a X509Store,
    pub param: &'a VerifyParam,
    /// "ssl_server" when verifying a server, "ssl_client" when verifying a client.
    pub purpose: &'a CStr,
    pub callback: sys::X509VerifyCb,
    /// The application's `SSL*`, stored at `ex_index` for the callback to find.
    pub app_ssl: *mut c_void,
    pub ex_index: c_int,
    /// `SSL_CTX_set_cert_verify_callback`: called (with its argument) in place of
    /// `X509_verify_cert` on the prepared store context.
    pub app_verify: Option<(unsafe extern "C" fn(*mut X509_STORE_CTX, *mut c_void) -> c_int, *mut c_void)>,
}

/// Verifies `leaf` with `untrusted` intermediates, the way libssl does for a peer chain.
pub fn verify_chain(
    leaf: &X509Cert,
    untrusted: &[X509Cert],
    inputs: &VerifyInputs<'_>,
    dane: Option<&super::dane::DaneInputs>,
) -> ChainVerdict {
    let failed = ChainVerdict { ok: false, error: 1, chain: Vec::new(), dane: super::dane::DaneMatch::none() };
    let mut attached = match dane.map(super::dane::Attached::new) {
        None => None,
        Some(Some(a)) => Some(a),
        Some(None) => return failed,
    };
    let sk = stack_from(untrusted);
    // SAFETY: every pointer is live for the duration of the call; the store context is
    // created, used and freed here, and the stack is freed after the context.
    unsafe {
        let ctx = openssl_sys::X509_STORE_CTX_new();
        if ctx.is_null() {
            stack_free(sk);
            return failed;
        }
        if openssl_sys::X509_STORE_CTX_init(ctx, inputs.store.as_ptr(), leaf.as_ptr(), sk) != 1 {
            openssl_sys::X509_STORE_CTX_free(ctx);
            stack_free(sk);
            return failed;
        }
        sys::X509_STORE_CTX_set_ex_data(ctx, inputs.ex_index, inputs.app_ssl);
        // DANE matching inside X509_verify_cert, as libssl arranges it; the structure
        // outlives the store context, which is freed below.
        if let Some(a) = attached.as_mut() {
            a.attach(ctx);
        }
        sys::X509_STORE_CTX_set_default(ctx, inputs.purpose.as_ptr());
        // The connection's parameters override the store defaults, as in libssl.
        sys::X509_VERIFY_PARAM_set1(sys::X509_STORE_CTX_get0_param(ctx), inputs.param.as_ptr());
        if inputs.callback.is_some() {
            sys::X509_STORE_CTX_set_verify_cb(ctx, inputs.callback);
        }
        let ok = match inputs.app_verify {
            Some((verify, arg)) => verify(ctx, arg) > 0,
            None => openssl_sys::X509_verify_cert(ctx) > 0,
        };
        let error = openssl_sys::X509_STORE_CTX_get_error(ctx);
        // The name the host check matched (SSL_get0_peername) goes back to the caller's
        // parameters, as libssl moves it.
        X509_VERIFY_PARAM_move_peername(inputs.param.as_ptr(), sys::X509_STORE_CTX_get0_param(ctx));
        let chain_sk = sys::X509_STORE_CTX_get1_chain(ctx);
        let chain = stack_to_vec(chain_sk);
        stack_free(chain_sk);
        openssl_sys::X509_STORE_CTX_free(ctx);
        stack_free(sk);
        let dane = attached.map_or_else(super::dane::DaneMatch::none, super::dane::Attached::finish);
        ChainVerdict { ok, error, chain, dane }
    }
}

/// What `X509_verify_cert` made of a certificate for `SSL_build_cert_chain`: the chain
/// (leaf first), and if it failed, libcrypto's reason.
pub enum ChainBuild {
    Verified(Vec<X509Cert>),
    Failed(Vec<X509Cert>, String),
}

/// Verifies `leaf` against `store` with `untrusted` intermediates, to keep the chain.
pub fn verify_for_chain(store: &X509Store, leaf: &X509Cert, untrusted: &[X509Cert]) -> ChainBuild {
    let sk = stack_from(untrusted);
    // SAFETY: the store context is created, used and freed here; the chain is copied
    // (with new references) before it is; the stack is freed after the context.
    unsafe {
        let ctx = openssl_sys::X509_STORE_CTX_new();
        if ctx.is_null() || openssl_sys::X509_STORE_CTX_init(ctx, store.as_ptr(), leaf.as_ptr(), sk) != 1 {
            if !ctx.is_null() {
                openssl_sys::X509_STORE_CTX_free(ctx);
            }
            stack_free(sk);
            return ChainBuild::Failed(Vec::new(), "unspecified certificate verification error".into());
        }
        let ok = openssl_sys::X509_verify_cert(ctx) > 0;
        let chain_sk = sys::X509_STORE_CTX_get1_chain(ctx);
        let chain = stack_to_vec(chain_sk);
        stack_free(chain_sk);
        let why = std::ffi::CStr::from_ptr(openssl_sys::X509_verify_cert_error_string(
            openssl_sys::X509_STORE_CTX_get_error(ctx) as std::os::raw::c_long,
        ))
        .to_string_lossy()
        .into_owned();
        openssl_sys::X509_STORE_CTX_free(ctx);
        stack_free(sk);
        if ok {
            ChainBuild::Verified(chain)
        } else {
            ChainBuild::Failed(chain, why)
        }
    }
}

/// The chain `store` builds for `leaf` (leaf excluded), as far as it gets: libssl's
/// automatic chain for a server certificate loaded without one. A chain that does not
/// reach a trust anchor is still returned in part; nothing is left on the error queue.
pub fn build_chain(store: &X509Store, leaf: &X509Cert) -> Vec<X509Cert> {
    // SAFETY: the store context is created, used and freed here; the chain is copied
    // (with new references) before it is.
    unsafe {
        let ctx = openssl_sys::X509_STORE_CTX_new();
        if ctx.is_null() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if openssl_sys::X509_STORE_CTX_init(ctx, store.as_ptr(), leaf.as_ptr(), std::ptr::null_mut()) == 1 {
            let _ = openssl_sys::X509_verify_cert(ctx);
            let chain = sys::X509_STORE_CTX_get1_chain(ctx);
            out = stack_to_vec(chain);
            stack_free(chain);
        }
        openssl_sys::X509_STORE_CTX_free(ctx);
        crate::crypto::err::clear();
        out.into_iter().skip(1).collect()
    }
}

/// `SSL_get_ex_data_X509_STORE_CTX_idx`: the store-context ex_data index where libssl
/// keeps the `SSL*` during verification (allocated once per process).
pub fn ssl_ex_index() -> c_int {
    static IDX: once_cell::sync::OnceCell<c_int> = once_cell::sync::OnceCell::new();
    *IDX.get_or_init(|| {
        // SAFETY: registers an index with no callbacks; the description string is static.
        // (X509_STORE_CTX_get_ex_new_index is a macro over this call; class 5.)
        unsafe {
            openssl_sys::CRYPTO_get_ex_new_index(
                5,
                0,
                c"SSL for verify callback".as_ptr() as *mut c_void,
                None,
                None,
                None,
            )
        }
    })
}

/// An owned STACK_OF(X509_NAME), as `SSL_CTX_set_client_CA_list` takes it.
pub struct NameList(*mut OPENSSL_STACK);

// SAFETY: immutable after construction; X509_NAME objects are plain data.
unsafe impl Send for NameList {}
// SAFETY: as for Send, above.
unsafe impl Sync for NameList {}

impl NameList {
    pub fn empty() -> Self {
        // SAFETY: a fresh empty stack.
        NameList(unsafe { sys::OPENSSL_sk_new_null() })
    }

    /// No list at all (a NULL stack): what `SSL_CTX_get0_CA_list` reports before one is set.
    pub fn none() -> Self {
        NameList(std::ptr::null_mut())
    }

    /// Takes ownership of a STACK_OF(X509_NAME) (NULL: no list at all, which
    /// `SSL_CTX_get_client_CA_list` then reports as NULL, like OpenSSL).
    ///
    /// # Safety
    /// `sk` is NULL or a live `STACK_OF(X509_NAME)` that the caller gives up (the names
    /// with it).
    pub unsafe fn from_owned(sk: *mut c_void) -> Self {
        NameList(sk as *mut OPENSSL_STACK)
    }

    /// A copy of this list with the subject name of `cert` appended.
    pub fn with_subject_of(&self, cert: &X509Cert) -> Self {
        let mut out = self.dup();
        if out.0.is_null() {
            out = Self::empty();
        }
        // SAFETY: the subject name is borrowed from the live certificate and duplicated
        // before it goes into our stack.
        unsafe {
            let name = openssl_sys::X509_NAME_dup(openssl_sys::X509_get_subject_name(cert.as_ptr()));
            if !name.is_null() {
                sys::OPENSSL_sk_push(out.0, name as *const c_void);
            }
        }
        out
    }

    /// A deep copy of a borrowed STACK_OF(X509_NAME) (NULL gives a NULL list).
    ///
    /// # Safety
    /// `sk` is NULL or a live `STACK_OF(X509_NAME)`.
    pub unsafe fn dup_of(sk: *const c_void) -> Self {
        let view = std::mem::ManuallyDrop::new(NameList(sk as *mut OPENSSL_STACK));
        view.dup()
    }

    pub fn dup(&self) -> Self {
        if self.0.is_null() {
            return NameList(std::ptr::null_mut());
        }
        let out = Self::empty();
        for i in 0..self.len() {
            // SAFETY: i < len; each name is duplicated into the new stack.
            unsafe {
                let n = openssl_sys::X509_NAME_dup(sys::OPENSSL_sk_value(self.0, i) as *mut openssl_sys::X509_NAME);
                if !n.is_null() {
                    sys::OPENSSL_sk_push(out.0, n as *const c_void);
                }
            }
        }
        out
    }

    pub fn len(&self) -> c_int {
        // SAFETY: live stack (NULL-safe in libcrypto).
        unsafe { sys::OPENSSL_sk_num(self.0) }.max(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The DER encoding of each name, for the CertificateRequest's authorities.
    pub fn ders(&self) -> Vec<Vec<u8>> {
        (0..self.len())
            .filter_map(|i| {
                // SAFETY: i < len; i2d is sized then written into a buffer of that size.
                unsafe {
                    let n = sys::OPENSSL_sk_value(self.0, i) as *mut openssl_sys::X509_NAME;
                    let len = openssl_sys::i2d_X509_NAME(n, std::ptr::null_mut());
                    if len <= 0 {
                        return None;
                    }
                    let mut out = vec![0u8; len as usize];
                    let mut p = out.as_mut_ptr();
                    openssl_sys::i2d_X509_NAME(n, &mut p);
                    Some(out)
                }
            })
            .collect()
    }

    /// Borrowed STACK_OF(X509_NAME) for `SSL_get_client_CA_list`.
    pub fn as_ptr(&self) -> *mut c_void {
        self.0 as *mut c_void
    }
}

impl Drop for NameList {
    fn drop(&mut self) {
        unsafe extern "C" fn free_name(p: *mut c_void) {
            // SAFETY: every element is an X509_NAME we own.
            unsafe { openssl_sys::X509_NAME_free(p as *mut openssl_sys::X509_NAME) }
        }
        // SAFETY: we own the stack and its names.
        unsafe { sys::OPENSSL_sk_pop_free(self.0, Some(free_name)) }
    }
}

impl NameList {
    /// Appends copies of the certificates' subject names that the list lacks, the way
    /// `SSL_add_file_cert_subjects_to_stack` does: looked up with the stack's own sorted
    /// search under `X509_NAME_cmp` (which sorts it), so the order is OpenSSL's too.
    pub fn add_subjects_of(&mut self, certs: &[X509Cert]) {
        unsafe extern "C" fn name_cmp(a: *const c_void, b: *const c_void) -> c_int {
            // SAFETY: the stack compares pointers to its X509_NAME elements.
            unsafe {
                openssl_sys::X509_NAME_cmp(
                    *(a as *const *const openssl_sys::X509_NAME),
                    *(b as *const *const openssl_sys::X509_NAME),
                )
            }
        }
        if self.0.is_null() {
            return;
        }
        // SAFETY: our live stack; each subject is borrowed from a live certificate and
        // duplicated before it goes in; the caller's comparison function is restored.
        unsafe {
            let old = sys::OPENSSL_sk_set_cmp_func(self.0, Some(name_cmp));
            for cert in certs {
                let name = openssl_sys::X509_NAME_dup(openssl_sys::X509_get_subject_name(cert.as_ptr()));
                if name.is_null() {
                    continue;
                }
                if sys::OPENSSL_sk_find(self.0, name as *const c_void) >= 0 {
                    openssl_sys::X509_NAME_free(name);
                } else {
                    sys::OPENSSL_sk_push(self.0, name as *const c_void);
                }
            }
            sys::OPENSSL_sk_set_cmp_func(self.0, old);
        }
    }

    /// Runs `f` on a caller's STACK_OF(X509_NAME) as a list, leaving it the caller's.
    ///
    /// # Safety
    /// `sk` is NULL or a live `STACK_OF(X509_NAME)` that nothing else uses during the call.
    pub unsafe fn with_borrowed<R>(sk: *mut c_void, f: impl FnOnce(&mut NameList) -> R) -> R {
        let mut view = std::mem::ManuallyDrop::new(NameList(sk as *mut OPENSSL_STACK));
        f(&mut view)
    }

    pub fn contains_subject_of(&self, cert: &X509Cert) -> bool {
        // SAFETY: names borrowed from live objects and compared only.
        unsafe {
            let subject = openssl_sys::X509_get_subject_name(cert.as_ptr());
            (0..self.len())
                .any(|i| openssl_sys::X509_NAME_cmp(sys::OPENSSL_sk_value(self.0, i) as *const _, subject) == 0)
        }
    }

    /// Gives up ownership of the stack to the caller.
    pub fn into_raw(self) -> *mut c_void {
        let p = self.0;
        std::mem::forget(self);
        p as *mut c_void
    }
}

/// An owned STACK_OF(X509) handed to C as a borrowed ("get0") pointer.
pub struct CertStack(*mut stack_st_X509);

// SAFETY: immutable after construction; its certificates are reference counted.
unsafe impl Send for CertStack {}
// SAFETY: as for Send, above.
unsafe impl Sync for CertStack {}

impl CertStack {
    pub fn new(certs: &[X509Cert]) -> Self {
        CertStack(stack_from(certs))
    }

    pub fn as_ptr(&self) -> *mut stack_st_X509 {
        self.0
    }
}

impl Drop for CertStack {
    fn drop(&mut self) {
        // SAFETY: the stack (from `stack_from`) and its references are ours, freed once here.
        unsafe { stack_free(self.0) };
    }
}

impl X509Cert {
    /// The EVP_PKEY type id of the certificate's public key (0 if unreadable).
    pub fn public_key_id(&self) -> c_int {
        // SAFETY: get0 borrows the key from the live certificate.
        unsafe {
            let k = sys::X509_get0_pubkey(self.0);
            if k.is_null() {
                0
            } else {
                sys::EVP_PKEY_get_id(k)
            }
        }
    }
}

impl NameList {
    /// Builds a list from DER-encoded names (undecodable entries are skipped).
    pub fn from_ders(ders: &[&[u8]]) -> Self {
        let out = Self::empty();
        for der in ders {
            let mut p = der.as_ptr();
            // SAFETY: d2i reads at most `len` bytes within `der`; the new name goes into our stack.
            unsafe {
                let n = openssl_sys::d2i_X509_NAME(std::ptr::null_mut(), &mut p, der.len() as c_long);
                if !n.is_null() {
                    sys::OPENSSL_sk_push(out.0, n as *const c_void);
                }
            }
        }
        out
    }
}
