//! Code pages on Linux and other Unix systems: `mmap(2)` read+write, `mprotect(2)`
//! read+execute, `munmap(2)`.

use std::io;
use std::ptr::NonNull;

use crate::Error;

/// The system page size, read at first use and cached.
#[inline]
pub(crate) fn page_size() -> usize {
    super::cached_page_size(|| super::sysconf_page_size(4096))
}

/// Maps `size` bytes (whole pages) read+write, lets `fill` write them, and turns them
/// read+execute. On failure nothing stays mapped.
pub(crate) fn map_code(
    size: usize,
    fill: impl FnOnce(&mut [u8], usize) -> Result<(), Error>,
) -> Result<NonNull<u8>, Error> {
    // SAFETY: a fresh private anonymous mapping where the kernel likes; it overlaps nothing.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(Error::Map {
            size,
            source: io::Error::last_os_error(),
        });
    }
    let Some(start) = NonNull::new(p.cast::<u8>()) else {
        return Err(Error::Map {
            size,
            source: io::Error::other("mmap returned a null address"),
        });
    };
    // SAFETY: `size` fresh writable bytes that nothing else uses.
    let filled = fill(
        unsafe { std::slice::from_raw_parts_mut(start.as_ptr(), size) },
        p as usize,
    );
    if let Err(e) = filled {
        // SAFETY: the mapping made above, not yet handed out.
        unsafe { unmap(start.as_ptr(), size) };
        return Err(e);
    }
    // SAFETY: our own fresh mapping: read+write becomes read+execute, never both.
    if unsafe { libc::mprotect(p, size, libc::PROT_READ | libc::PROT_EXEC) } != 0 {
        let source = io::Error::last_os_error();
        // SAFETY: the mapping made above, not yet handed out.
        unsafe { unmap(start.as_ptr(), size) };
        return Err(Error::Protect {
            addr: p as usize,
            size,
            protection: "read+execute",
            source,
        });
    }
    Ok(start)
}

/// Unmaps `size` bytes at `addr`, reporting a failure (see `sys/mod.rs`).
///
/// # Safety
/// `addr`/`size` must describe pages this crate mapped, unmapped exactly once, with no
/// reference into them left alive.
pub(crate) unsafe fn unmap(addr: *const u8, size: usize) {
    // SAFETY: the caller guarantees the range is ours and no longer referenced.
    if unsafe { libc::munmap(addr as *mut libc::c_void, size) } != 0 {
        super::report_unmap_failure(addr, size, io::Error::last_os_error());
    }
}
