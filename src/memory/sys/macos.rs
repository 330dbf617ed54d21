//! Code pages on macOS: `MAP_JIT` mappings with per-thread write protection.
//!
//! On Apple Silicon a process under the hardened runtime may not turn pages executable with
//! `mprotect`; code must live in a mapping made with `MAP_JIT` (and the
//! `com.apple.security.cs.allow-jit` entitlement). Such a mapping is read+write+execute in the
//! page tables, but each thread sees it either writable or executable: after
//! `pthread_jit_write_protect_np(0)` the calling thread may write and not execute it, after
//! `pthread_jit_write_protect_np(1)` execute and not write (Apple, "Porting just-in-time
//! compilers to Apple silicon"). W^X therefore holds per thread: this module enables writes
//! only around `fill`, on the committing thread, and nothing runs the pages until the commit
//! returns. The instruction cache is synchronised by `icache.rs` (`sys_icache_invalidate`).

use std::io;
use std::ptr::NonNull;

use crate::Error;

/// The system page size (16 KiB on Apple Silicon), read at first use and cached.
#[inline]
pub(crate) fn page_size() -> usize {
    super::cached_page_size(|| super::sysconf_page_size(16384))
}

/// Maps `size` bytes (whole pages) with `MAP_JIT`, lets `fill` write them with this thread's
/// writes enabled, and turns writes off again (see the module docs).
pub(crate) fn map_code(
    size: usize,
    fill: impl FnOnce(&mut [u8], usize) -> Result<(), Error>,
) -> Result<NonNull<u8>, Error> {
    let start = map_jit(size)?;
    let filled = with_jit_writes(|| {
        // SAFETY: `size` fresh bytes, writable for this thread inside `with_jit_writes`, that
        // nothing else uses.
        fill(
            unsafe { std::slice::from_raw_parts_mut(start.as_ptr(), size) },
            start.as_ptr() as usize,
        )
    });
    if let Err(e) = filled {
        // SAFETY: the mapping made above, not yet handed out.
        unsafe { unmap(start.as_ptr(), size) };
        return Err(e);
    }
    Ok(start)
}

/// A fresh private anonymous `MAP_JIT` mapping of `size` bytes (whole pages). macOS requires
/// read+write+execute page protections for `MAP_JIT`; what each thread may do with it is set
/// per thread (see the module docs), and a new thread starts execute-only.
pub(crate) fn map_jit(size: usize) -> Result<NonNull<u8>, Error> {
    // SAFETY: a fresh private anonymous MAP_JIT mapping where the kernel likes.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
            libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_JIT,
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
    NonNull::new(p.cast::<u8>()).ok_or_else(|| Error::Map {
        size,
        source: io::Error::other("mmap returned a null address"),
    })
}

/// Runs `write` with this thread's view of every `MAP_JIT` mapping writable and not
/// executable, and makes it executable and not writable again afterwards, also if `write`
/// panics. Other threads' views do not change. `write` must not call code in `MAP_JIT` memory.
pub(crate) fn with_jit_writes<R>(write: impl FnOnce() -> R) -> R {
    /// Turns this thread's writes off when dropped.
    struct WritesOff;
    impl Drop for WritesOff {
        fn drop(&mut self) {
            // SAFETY: makes MAP_JIT memory executable and not writable for this thread.
            unsafe { libc::pthread_jit_write_protect_np(1) };
        }
    }
    // SAFETY: makes MAP_JIT memory writable and not executable for this thread only; the
    // guard below turns it back before this function returns or unwinds.
    unsafe { libc::pthread_jit_write_protect_np(0) };
    let _off = WritesOff;
    write()
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
