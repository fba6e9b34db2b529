//! The allocator for oxissl's own heap memory: the system allocator, with large blocks
//! aligned to a cache line.
//!
//! rustls copies whole records between its buffers (up to 16 KiB at a time). glibc's
//! `memcpy` does such copies with `rep movsb`, which on some x86-64 processors (AMD
//! EPYC here) runs ten to twenty times slower when the destination is not 64-byte
//! aligned, and `malloc` only promises 16. Aligning every block of a page or more
//! costs nothing measurable and keeps record copies on the fast path.
use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large are aligned to [`LINE`].
const LARGE: usize = 4096;
/// The alignment given to large blocks.
const LINE: usize = 64;
/// What `malloc` guarantees on x86-64 and aarch64 glibc (std's `System` hands such
/// layouts straight to `malloc`/`realloc`/`free`, larger ones to `posix_memalign`/`free`).
const MIN_ALIGN: usize = 16;

pub struct OxAlloc;

fn adjusted(layout: Layout) -> Layout {
    if layout.size() >= LARGE && layout.align() < LINE {
        // Only a size near isize::MAX could fail to round up: keep the layout then.
        Layout::from_size_align(layout.size(), LINE).unwrap_or(layout)
    } else {
        layout
    }
}

// SAFETY: every block is obtained and released through glibc (`malloc`/`posix_memalign`,
// `realloc`, `free`, which accept one another's blocks), with an alignment at least the
// caller's; the adjustment depends only on size and alignment, which Rust passes
// unchanged to `dealloc`, and `realloc` recomputes it for the new size.
unsafe impl GlobalAlloc for OxAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's non-zero-size layout, aligned at least as much.
        unsafe { System.alloc(adjusted(layout)) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(adjusted(layout)) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout, hence the same adjusted one.
        unsafe { System.dealloc(ptr, adjusted(layout)) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = adjusted(layout);
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let new = adjusted(new_layout);
        if old.align() == new.align() && old.align() <= MIN_ALIGN {
            // SAFETY: `ptr` was allocated with `old` (malloc's alignment, which realloc keeps).
            return unsafe { System.realloc(ptr, old, new_size) };
        }
        if old.align() == LINE && new.align() == LINE {
            // glibc grows a block in place when it can (the address, hence its alignment,
            // stays); only a move to a less aligned place needs a second move.
            // SAFETY: `ptr` is a glibc block (posix_memalign); `moved` holds `new_size`
            // bytes of it, copied to a fresh block of that size before it is freed.
            unsafe {
                let moved = libc::realloc(ptr as *mut libc::c_void, new_size) as *mut u8;
                if moved.is_null() || moved as usize % LINE == 0 {
                    return moved;
                }
                let fresh = System.alloc(new);
                if !fresh.is_null() {
                    std::ptr::copy_nonoverlapping(moved, fresh, new_size);
                }
                libc::free(moved as *mut libc::c_void);
                return fresh;
            }
        }
        // The alignment changes across the threshold (or is the caller's own): move.
        // SAFETY: `ptr` holds `layout.size()` bytes allocated with `old`; the fresh block
        // holds `new_size`; the old one is released only after the copy.
        unsafe {
            let fresh = System.alloc(new);
            if !fresh.is_null() {
                std::ptr::copy_nonoverlapping(ptr, fresh, layout.size().min(new_size));
                System.dealloc(ptr, old);
            }
            fresh
        }
    }
}
