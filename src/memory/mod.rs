//! The JIT memory manager: where committed code lives.
//!
//! Code must be written while its memory is writable and run while it is executable, and on
//! jitkit's terms the two are never true at once (W^X). This module owns every mapping jitkit
//! makes and every protection change, so the rest of the crate cannot break that rule:
//!
//! - [`provider`]: the one interface every source of executable memory implements, and what
//!   a committed buffer holds;
//! - [`pages`]: pages of its own per commit, filled while writable, sealed read+execute;
//! - [`pool`]: pooled memory shared by many commits, by strategy;
//! - [`sys`]: what each operating system needs to map, seal and unmap code pages;
//! - [`icache`]: the cache and pipeline synchronisation that makes freshly written code visible
//!   to instruction fetch on AArch64;
//! - [`lock`]: the mutex the pools use, which their fork handlers can hold across `fork`.

pub(crate) mod icache;
#[cfg(target_os = "linux")]
pub(crate) mod lock;
pub(crate) mod pages;
pub(crate) mod pool;
pub(crate) mod provider;
pub(crate) mod sys;

/// The largest commit accepted: 1 GiB. Far beyond any branch range (±128 MiB), and small enough
/// that page rounding and pointer arithmetic can never overflow.
pub(crate) const MAX_CODE_BYTES: usize = 1 << 30;

/// The size of the pages code is mapped in (see [`sys`]).
pub(crate) fn page_size() -> usize {
    sys::page_size()
}

/// `len` rounded up to whole pages. `len` is at most [`MAX_CODE_BYTES`], so this cannot overflow.
pub(crate) fn round_to_pages(len: usize) -> usize {
    let page = page_size();
    len.div_ceil(page) * page
}

/// The size in bytes of `code`, checked against the limits of one commit.
pub(crate) fn code_size(code: &[crate::Instruction]) -> Result<usize, crate::Error> {
    if code.is_empty() {
        return Err(crate::Error::Empty);
    }
    let bytes = code.len() as u128 * 4;
    if bytes > MAX_CODE_BYTES as u128 {
        return Err(crate::Error::TooLarge {
            instructions: code.len(),
            bytes,
            limit: MAX_CODE_BYTES,
        });
    }
    Ok(bytes as usize)
}

/// Copies `code` into `dst` (exactly `4 * code.len()` bytes) in A64's little-endian order.
pub(crate) fn copy_code(dst: &mut [u8], code: &[crate::Instruction]) {
    #[cfg(target_endian = "little")]
    dst.copy_from_slice(crate::Instruction::slice_as_bytes(code));
    #[cfg(target_endian = "big")]
    for (d, i) in dst.chunks_exact_mut(4).zip(code) {
        d.copy_from_slice(&i.to_le_bytes());
    }
}

#[cfg(target_os = "linux")]
/// `value` in a new box, or [`Error::OutOfMemory`](crate::Error::OutOfMemory) instead of the
/// abort `Box::new` makes when the heap is exhausted.
pub(crate) fn try_box<T>(value: T) -> Result<Box<T>, crate::Error> {
    let layout = std::alloc::Layout::new::<T>();
    if layout.size() == 0 {
        return Ok(Box::new(value));
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { std::alloc::alloc(layout) }.cast::<T>();
    if p.is_null() {
        return Err(crate::Error::OutOfMemory {
            what: "a thread's pool cache",
            bytes: layout.size(),
        });
    }
    // SAFETY: `p` is a fresh allocation with T's layout; writing initialises it, and a Box of
    // it frees it with the same layout.
    unsafe {
        p.write(value);
        Ok(Box::from_raw(p))
    }
}
