//! What each operating system needs to map, fill, seal and unmap pages of code.
//!
//! Every platform offers the same three calls, used by `pages.rs`:
//!
//! - `page_size()`: the allocation granule for code pages;
//! - `map_code(size, fill)`: fresh pages, `fill(bytes, address)` writes them while they are
//!   writable and not executable (for this thread), then they are read+execute; if `fill`
//!   fails, they are unmapped and its error returned;
//! - `unmap(addr, size)`: give them back, reporting (never hiding) a failure.
//!
//! | platform | module | how |
//! |---|---|---|
//! | Linux, other Unix | `unix.rs` | `mmap` read+write, `mprotect` read+execute, `munmap` |
//! | macOS | `macos.rs` | `mmap(MAP_JIT)`, `pthread_jit_write_protect_np` around the writes |
//! | Windows | `windows.rs` | `VirtualAlloc` read+write, `VirtualProtect` execute+read, `VirtualFree` |

#[cfg(target_os = "macos")]
mod macos;
#[cfg(all(unix, not(target_os = "macos")))]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(target_os = "macos")]
pub(crate) use macos::{map_code, map_jit, page_size, unmap, with_jit_writes};
#[cfg(all(unix, not(target_os = "macos")))]
pub(crate) use unix::{map_code, page_size, unmap};
#[cfg(windows)]
pub(crate) use windows::{map_code, page_size, unmap};

/// The page size `read` returns, read at first use and cached. A plain atomic rather than a
/// `OnceLock`: reading the constant twice is harmless, and a fork cannot leave it half
/// initialised (see `crate::fork_once`).
#[inline]
fn cached_page_size(read: fn() -> usize) -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            let page = read();
            PAGE.store(page, Ordering::Relaxed);
            page
        }
        page => page,
    }
}

/// `sysconf(_SC_PAGESIZE)`, or `default` if it fails.
#[cfg(unix)]
fn sysconf_page_size(default: usize) -> usize {
    // SAFETY: sysconf has no preconditions; it only reads a system constant.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n)
        .ok()
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

/// Reports a failed unmap instead of hiding it: the pages leak, which is printed always and is
/// a failed assertion in debug builds.
fn report_unmap_failure(addr: *const u8, size: usize, err: std::io::Error) {
    eprintln!("jitkit: unmapping {size} bytes at {addr:p} failed ({err}); the pages leak");
    debug_assert!(
        false,
        "jitkit: unmapping {size} bytes at {addr:p} failed: {err}"
    );
}
