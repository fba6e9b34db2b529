//! `memcpy` for oxissl's own code: the Makefile links the library with
//! `--defsym=memcpy=oxissl_memcpy`, so this library's calls come here (the symbol stays
//! local to it) and the program's calls are untouched.
//!
//! rustls moves whole records with `memcpy` (up to 16 KiB each, several times a record).
//! glibc copies blocks that large with `rep movsb`, which on AMD EPYC runs at 1-2 GB/s
//! instead of 20-40 GB/s when the destination sits less than 64 bytes ahead of the
//! source modulo 4096 (4K aliasing); glibc avoids it on Intel only. Whether a given
//! record hits it depends on where the application's buffers happen to lie, so large
//! copies here use plain 32-byte vector moves, which do not suffer from it. Small copies
//! go to glibc unchanged.
use std::sync::atomic::{AtomicU8, Ordering};

/// Copies at least this long take the vector loop.
const LARGE: usize = 2048;

/// glibc's copy for the small cases: `memmove` (its `memcpy` is the same code, and below
/// [`LARGE`] it never uses `rep movsb`), since our `memcpy` is this function.
unsafe fn small_copy(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: the caller's `memcpy` contract.
    unsafe { libc::memmove(dst as *mut libc::c_void, src as *const libc::c_void, n) };
}

/// 0: not yet known; 1: AVX2; 2: SSE2 only.
static VECTOR: AtomicU8 = AtomicU8::new(0);

fn has_avx2() -> bool {
    match VECTOR.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let avx2 = std::arch::is_x86_feature_detected!("avx2");
            VECTOR.store(if avx2 { 1 } else { 2 }, Ordering::Relaxed);
            avx2
        }
    }
}

/// # Safety
/// The `memcpy` contract: `src` readable and `dst` writable for `n` bytes, no overlap.
#[no_mangle]
pub unsafe extern "C" fn oxissl_memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if n < LARGE {
        // SAFETY: the caller's contract, passed on unchanged.
        unsafe { small_copy(dst, src, n) };
        return dst;
    }
    // SAFETY: the caller's contract; the loops below stay within `n` bytes.
    unsafe {
        if has_avx2() {
            copy_avx2(dst, src, n)
        } else {
            copy_sse2(dst, src, n)
        }
    }
    dst
}

#[target_feature(enable = "avx2")]
unsafe fn copy_avx2(dst: *mut u8, src: *const u8, n: usize) {
    use std::arch::x86_64::{__m256i, _mm256_loadu_si256, _mm256_storeu_si256};
    let mut i = 0;
    // SAFETY: every access is within [0, n) of both buffers (caller's contract).
    unsafe {
        while i + 128 <= n {
            let a = _mm256_loadu_si256(src.add(i) as *const __m256i);
            let b = _mm256_loadu_si256(src.add(i + 32) as *const __m256i);
            let c = _mm256_loadu_si256(src.add(i + 64) as *const __m256i);
            let d = _mm256_loadu_si256(src.add(i + 96) as *const __m256i);
            _mm256_storeu_si256(dst.add(i) as *mut __m256i, a);
            _mm256_storeu_si256(dst.add(i + 32) as *mut __m256i, b);
            _mm256_storeu_si256(dst.add(i + 64) as *mut __m256i, c);
            _mm256_storeu_si256(dst.add(i + 96) as *mut __m256i, d);
            i += 128;
        }
        small_copy(dst.add(i), src.add(i), n - i);
    }
}

unsafe fn copy_sse2(dst: *mut u8, src: *const u8, n: usize) {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_storeu_si128};
    let mut i = 0;
    // SAFETY: every access is within [0, n) of both buffers (caller's contract).
    unsafe {
        while i + 64 <= n {
            let a = _mm_loadu_si128(src.add(i) as *const __m128i);
            let b = _mm_loadu_si128(src.add(i + 16) as *const __m128i);
            let c = _mm_loadu_si128(src.add(i + 32) as *const __m128i);
            let d = _mm_loadu_si128(src.add(i + 48) as *const __m128i);
            _mm_storeu_si128(dst.add(i) as *mut __m128i, a);
            _mm_storeu_si128(dst.add(i + 16) as *mut __m128i, b);
            _mm_storeu_si128(dst.add(i + 32) as *mut __m128i, c);
            _mm_storeu_si128(dst.add(i + 48) as *mut __m128i, d);
            i += 64;
        }
        small_copy(dst.add(i), src.add(i), n - i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test binary is not linked with the `--defsym`: exercise the loops directly.
    #[test]
    fn vector_copies_equal_the_source_for_every_length_and_offset() {
        let src: Vec<u8> = (0..20_000u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in [0usize, 1, 63, 64, 127, 128, 129, 2047, 2048, 2049, 4096, 16_384, 16_406] {
            for (so, d_o) in [(0, 0), (5, 0), (0, 5), (3, 61), (17, 1)] {
                let mut dst = vec![0xeeu8; n + 100];
                // SAFETY: both ranges are in bounds and distinct.
                unsafe {
                    if std::arch::is_x86_feature_detected!("avx2") {
                        copy_avx2(dst.as_mut_ptr().add(d_o), src.as_ptr().add(so), n);
                    }
                    assert_eq!(&dst[d_o..d_o + n], &src[so..so + n], "avx2 n={n} so={so} do={d_o}");
                    assert!(dst[..d_o].iter().chain(&dst[d_o + n..]).all(|&b| b == 0xee));
                    let mut dst2 = vec![0xeeu8; n + 100];
                    copy_sse2(dst2.as_mut_ptr().add(d_o), src.as_ptr().add(so), n);
                    assert_eq!(&dst2[d_o..d_o + n], &src[so..so + n], "sse2 n={n} so={so} do={d_o}");
                    assert!(dst2[..d_o].iter().chain(&dst2[d_o + n..]).all(|&b| b == 0xee));
                }
            }
        }
    }
}
