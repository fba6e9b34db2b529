//! SHA-384 from libcrypto's low-level interface: OpenSSL's SHA-512 code uses AVX2 on
//! every x86-64 processor that has it, where aws-lc keeps its vector code for Intel and
//! runs its portable code on AMD (1.6x slower here), and the TLS 1.2 PRF and TLS 1.3 key
//! schedule of the SHA-384 suites are mostly SHA-512 compressions.
use openssl_sys::SHA512_CTX;

/// A SHA-384 computation in progress (cloning it forks the state).
#[derive(Clone)]
pub struct Sha384(SHA512_CTX);

impl Sha384 {
    pub const OUTPUT_LEN: usize = 48;
    pub const BLOCK_LEN: usize = 128;

    pub fn new() -> Sha384 {
        // SAFETY: SHA384_Init fully initialises the plain-data context it is given.
        unsafe {
            let mut ctx = std::mem::MaybeUninit::<SHA512_CTX>::zeroed();
            openssl_sys::SHA384_Init(ctx.as_mut_ptr());
            Sha384(ctx.assume_init())
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        // SAFETY: a live context and a readable slice.
        unsafe { openssl_sys::SHA384_Update(&mut self.0, data.as_ptr().cast(), data.len()) };
    }

    pub fn finish(mut self) -> [u8; Sha384::OUTPUT_LEN] {
        let mut out = [0u8; Sha384::OUTPUT_LEN];
        // SAFETY: writes exactly 48 bytes into `out`.
        unsafe { openssl_sys::SHA384_Final(out.as_mut_ptr(), &mut self.0) };
        out
    }
}

impl Default for Sha384 {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_equal_aws_lc_s() {
        for len in [0usize, 1, 111, 112, 127, 128, 129, 1000] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut h = Sha384::new();
            let (a, b) = data.split_at(len / 3);
            h.update(a);
            h.update(b);
            let ours = h.finish();
            let theirs = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA384, &data);
            assert_eq!(&ours[..], theirs.as_ref(), "len {len}");
        }
    }
}
