//! The one interface behind every way jitkit gets executable memory.
//!
//! A [`Provider`] takes checked code, puts it in memory that is never writable and executable
//! at once, makes it visible to instruction fetch, and hands back a [`Committed`]: where the
//! code is, and a [`Receipt`] the same provider needs to take the memory back. Implementations:
//!
//! - `pages.rs`: pages of its own per commit (`CodeBuffer::new`), on every platform through
//!   `sys/` (mmap + mprotect; `MAP_JIT` on macOS; `VirtualAlloc` + `VirtualProtect` on Windows);
//! - `pool/`: a [`CodePool`](crate::CodePool), by its strategy: slots of dual-mapped chunks
//!   (Linux), slots of `MAP_JIT` chunks (macOS), or pages of its own per commit or per batch of
//!   commits.
//!
//! A `CodeBuffer` holds one `Committed` and gives it back to the provider that made it when it
//! drops; nothing else ever frees committed code.

use std::ptr::NonNull;

use crate::Error;

/// Code that writes itself into memory for the address it will run at: whatever the
/// instruction set, the memory layer sees bytes only.
pub(crate) trait Fill {
    /// Writes the code into `dst` (exactly the length committed), to run at address `at`.
    fn fill(&self, dst: &mut [u8], at: usize) -> Result<(), Error>;
}

/// A way of getting executable memory (see the module docs).
pub(crate) trait Provider {
    /// Commits `code`, whose size `len` (`code.len()`) was checked against the limits of one
    /// commit: gets `len` bytes no one else uses, has `code` write itself there for the
    /// address it will run at, publishes it read+execute and synchronises the instruction
    /// cache. If `code` cannot be written there (a reference out of reach), the memory is
    /// given back and the error returned.
    fn commit(&self, code: &impl Fill, len: usize) -> Result<Committed, Error>;

    /// Takes back memory this provider committed. No reference into it, and no function
    /// pointer that will still be called, may be left.
    fn release(&self, committed: Committed);
}

/// How a provider finds the memory of a commit again.
pub(crate) enum Receipt {
    /// Pages of its own: `size` bytes (whole pages) from the code's first byte.
    Pages { size: usize },
    /// A share of pages committed together (`CodePool::commit_batch`), unmapped with the last.
    Batch(std::sync::Arc<SharedPages>),
    /// A slot of a dual-mapped (Linux) or `MAP_JIT` (macOS) pool: chunk index, offset in the
    /// chunk, bytes reserved. Word-sized fields: a receipt built from narrower ones is read
    /// back a word at a time, and such a load cannot be forwarded from the narrow stores, so
    /// it waits for them to reach the cache, behind the code just written.
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    Slot {
        chunk: usize,
        offset: usize,
        reserved: usize,
    },
}

/// Committed code: read+execute, immutable, until its provider takes it back.
pub(crate) struct Committed {
    code: NonNull<u8>,
    len: usize,
    receipt: Receipt,
}

// SAFETY: the code is immutable and mapped until the provider releases it, which needs the
// `Committed` by value; sharing or sending its address across threads is sound.
unsafe impl Send for Committed {}
// SAFETY: as above; `&Committed` only reads immutable code.
unsafe impl Sync for Committed {}

impl Committed {
    /// Wraps a commit.
    ///
    /// # Safety
    /// `len` bytes at `code` are readable and executable and never change until the provider
    /// that made them is given this value back through [`Provider::release`].
    #[inline]
    pub(crate) unsafe fn new(code: NonNull<u8>, len: usize, receipt: Receipt) -> Self {
        Committed { code, len, receipt }
    }

    /// The committed code.
    #[inline]
    pub(crate) fn code(&self) -> &[u8] {
        // SAFETY: by the contract of `new`, `len` readable bytes that do not change while
        // `self` lives (release consumes it).
        unsafe { std::slice::from_raw_parts(self.code.as_ptr(), self.len) }
    }

    /// Where the code starts.
    pub(crate) fn start(&self) -> NonNull<u8> {
        self.code
    }

    /// How its provider finds the memory again.
    #[inline]
    pub(crate) fn receipt(&self) -> &Receipt {
        &self.receipt
    }

    /// The receipt, for the provider taking the memory back.
    pub(crate) fn into_receipt(self) -> Receipt {
        self.receipt
    }
}

/// Read+execute pages that several commits share; unmapped when the last share goes.
pub(crate) struct SharedPages {
    start: NonNull<u8>,
    size: usize,
}

// SAFETY: immutable code pages; only their drop (of the last share) unmaps them.
unsafe impl Send for SharedPages {}
// SAFETY: as above; `&SharedPages` gives no access to the memory.
unsafe impl Sync for SharedPages {}

impl SharedPages {
    /// Takes ownership of pages.
    ///
    /// # Safety
    /// `size` bytes at `start` were mapped by `sys::map_code` and nothing else unmaps them.
    pub(crate) unsafe fn new(start: NonNull<u8>, size: usize) -> Self {
        SharedPages { start, size }
    }

    /// Bytes of pages.
    pub(crate) fn size(&self) -> usize {
        self.size
    }
}

impl Drop for SharedPages {
    fn drop(&mut self) {
        // SAFETY: our own pages (see `new`); the last share is gone, so no commit in them is
        // referenced any more.
        unsafe { super::sys::unmap(self.start.as_ptr(), self.size) }
    }
}
