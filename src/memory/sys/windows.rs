//! Code pages on Windows: `VirtualAlloc` read+write, `VirtualProtect` execute+read,
//! `VirtualFree`. The instruction cache is synchronised by `icache.rs`
//! (`FlushInstructionCache`).

use std::io;
use std::ptr::NonNull;

use windows_sys::Win32::System::Memory::{
    VirtualAlloc, VirtualFree, VirtualProtect, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE,
    PAGE_EXECUTE_READ, PAGE_PROTECTION_FLAGS, PAGE_READWRITE,
};
use windows_sys::Win32::System::SystemInformation::{GetSystemInfo, SYSTEM_INFO};

use crate::Error;

/// The page size, read at first use: `VirtualAlloc` commits memory in pages. (It reserves address
/// space in 64 KiB granules; the rest of a granule stays unused address space, not memory.)
#[inline]
pub(crate) fn page_size() -> usize {
    super::cached_page_size(|| {
        // SAFETY: SYSTEM_INFO is plain data; GetSystemInfo fills it in and cannot fail.
        let info = unsafe {
            let mut info: SYSTEM_INFO = std::mem::zeroed();
            GetSystemInfo(&mut info);
            info
        };
        (info.dwPageSize as usize).max(4096)
    })
}

/// Allocates `size` bytes read+write, lets `fill` write them, and turns them execute+read.
/// On failure nothing stays allocated.
pub(crate) fn map_code(
    size: usize,
    fill: impl FnOnce(&mut [u8], usize) -> Result<(), Error>,
) -> Result<NonNull<u8>, Error> {
    // SAFETY: a fresh allocation where the system likes.
    let p = unsafe {
        VirtualAlloc(
            std::ptr::null(),
            size,
            MEM_RESERVE | MEM_COMMIT,
            PAGE_READWRITE,
        )
    };
    let Some(start) = NonNull::new(p.cast::<u8>()) else {
        return Err(Error::Map {
            size,
            source: io::Error::last_os_error(),
        });
    };
    // SAFETY: `size` fresh writable bytes that nothing else uses.
    let filled = fill(
        unsafe { std::slice::from_raw_parts_mut(start.as_ptr(), size) },
        p as usize,
    );
    if let Err(e) = filled {
        // SAFETY: the allocation made above, not yet handed out.
        unsafe { unmap(start.as_ptr(), size) };
        return Err(e);
    }
    let mut old: PAGE_PROTECTION_FLAGS = 0;
    // SAFETY: our own fresh allocation: read+write becomes execute+read, never both.
    if unsafe { VirtualProtect(p, size, PAGE_EXECUTE_READ, &mut old) } == 0 {
        let source = io::Error::last_os_error();
        // SAFETY: the allocation made above, not yet handed out.
        unsafe { unmap(start.as_ptr(), size) };
        return Err(Error::Protect {
            addr: p as usize,
            size,
            protection: "execute+read",
            source,
        });
    }
    Ok(start)
}

/// Frees the allocation at `addr`, reporting a failure (see `sys/mod.rs`).
///
/// # Safety
/// `addr` must be an allocation from [`map_code`], freed exactly once, with no reference into
/// it left alive.
pub(crate) unsafe fn unmap(addr: *const u8, size: usize) {
    // SAFETY: the caller guarantees the allocation is ours and no longer referenced;
    // MEM_RELEASE frees it whole (the size must be 0).
    if unsafe { VirtualFree(addr as *mut _, 0, MEM_RELEASE) } == 0 {
        super::report_unmap_failure(addr, size, io::Error::last_os_error());
    }
}
