//! Random bytes for rustls and oxissl: aws-lc's generator, drawn a page at a time.
//!
//! Every call into aws-lc's `RAND_bytes` takes four read acquisitions of process-wide
//! locks (its fork and VM-clone detection), and a TLS 1.3 handshake pair asks for random
//! bytes about twenty times (randoms, session IDs, ticket nonces and age offsets). Small
//! requests are therefore served from a per-thread page filled from aws-lc in one call.
//! Each byte is handed out once and erased from the page as it goes. The page is mapped
//! with `MADV_WIPEONFORK`: a forked child finds it zeroed, which marks it empty, so parent
//! and child never hand out the same bytes (a pre-forking server's workers included).
//! Where the kernel refuses that advice, every request goes to aws-lc directly.
use std::cell::Cell;

use aws_lc_rs::rand::SecureRandom;
use rustls::crypto::GetRandomFailed;

const PAGE: usize = 4096;
/// The page's header: a marker word (non-zero once filled; zero after a fork) and the
/// offset of the next unused byte.
const HEADER: usize = 16;
const MARKER: u64 = 0x6f78_6973_736c_7264;
/// Larger requests (keys are not among them: aws-lc draws those itself) go to aws-lc.
const MAX_BUFFERED: usize = 64;

/// One thread's page (NULL: not mapped yet; `usize::MAX` as a pointer: refused).
struct Page(Cell<*mut u8>);

impl Drop for Page {
    fn drop(&mut self) {
        let p = self.0.get();
        if !p.is_null() && p as usize != usize::MAX {
            // SAFETY: a page this thread mapped and no longer uses.
            unsafe { libc::munmap(p.cast(), PAGE) };
        }
    }
}

thread_local! {
    static PAGE_OF_THREAD: Page = const { Page(Cell::new(std::ptr::null_mut())) };
}

fn map_page() -> *mut u8 {
    // SAFETY: an anonymous private mapping of our own; on any failure nothing stays mapped.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            PAGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return usize::MAX as *mut u8;
        }
        if libc::madvise(p, PAGE, libc::MADV_WIPEONFORK) != 0 {
            libc::munmap(p, PAGE);
            return usize::MAX as *mut u8;
        }
        p.cast()
    }
}

fn direct(out: &mut [u8]) -> Result<(), GetRandomFailed> {
    aws_lc_rs::rand::SystemRandom::new().fill(out).map_err(|_| GetRandomFailed)
}

/// Fills `out` with random bytes.
pub fn fill(out: &mut [u8]) -> Result<(), GetRandomFailed> {
    if out.len() > MAX_BUFFERED {
        return direct(out);
    }
    PAGE_OF_THREAD
        .try_with(|page| {
            if page.0.get().is_null() {
                page.0.set(map_page());
            }
            let p = page.0.get();
            if p as usize == usize::MAX {
                return direct(out);
            }
            // SAFETY: `p` is this thread's mapped page of PAGE bytes, used by no other
            // thread; the header words are 8-byte aligned (the page is).
            let page = unsafe { std::slice::from_raw_parts_mut(p, PAGE) };
            let (header, data) = page.split_at_mut(HEADER);
            let marker = u64::from_ne_bytes(header[..8].try_into().unwrap_or_default());
            let mut next = u64::from_ne_bytes(header[8..].try_into().unwrap_or_default()) as usize;
            if marker != MARKER || next > data.len() || data.len() - next < out.len() {
                direct(data)?;
                next = 0;
                header[..8].copy_from_slice(&MARKER.to_ne_bytes());
            }
            let taken = &mut data[next..next + out.len()];
            out.copy_from_slice(taken);
            taken.fill(0);
            header[8..].copy_from_slice(&((next + out.len()) as u64).to_ne_bytes());
            Ok(())
        })
        .unwrap_or_else(|_| direct(out))
}

/// The generator rustls draws its randoms from (`CryptoProvider::secure_random`).
#[derive(Debug)]
pub struct PagedRandom;

pub static PAGED: PagedRandom = PagedRandom;

impl rustls::crypto::SecureRandom for PagedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        fill(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_not_repeated_within_a_page_or_across_refills() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..(3 * PAGE / 32) {
            let mut b = [0u8; 32];
            fill(&mut b).unwrap();
            assert!(seen.insert(b), "a 32-byte draw repeated");
        }
    }

    #[test]
    fn a_forked_child_draws_other_bytes_than_its_parent() {
        let mut first = [0u8; 16];
        fill(&mut first).unwrap(); // the page is filled now
        let mut pipe = [0; 2];
        // SAFETY: a pipe and a fork in a test; the child only draws, writes and exits.
        unsafe {
            assert_eq!(libc::pipe(pipe.as_mut_ptr()), 0);
            let pid = libc::fork();
            assert!(pid >= 0);
            if pid == 0 {
                let mut b = [0u8; 16];
                let ok = fill(&mut b).is_ok();
                libc::write(pipe[1], b.as_ptr().cast(), if ok { 16 } else { 0 });
                libc::_exit(0);
            }
            let mut child = [0u8; 16];
            assert_eq!(libc::read(pipe[0], child.as_mut_ptr().cast(), 16), 16);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            let mut parent = [0u8; 16];
            fill(&mut parent).unwrap();
            assert_ne!(child, parent, "the child repeated the parent's next bytes");
        }
    }
}
