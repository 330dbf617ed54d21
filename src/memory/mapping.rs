//! One private mapping per buffer: the simplest W^X life cycle.
//!
//! The pages are mapped read+write (never executable), the code is copied in, and one
//! `mprotect` turns them read+execute (never writable again). There is no moment at which the
//! pages are both. The mapping is made with memmap2; it is unmapped here, by hand, because
//! memmap2's `Drop` ignores a failing `munmap`, and a leak of executable memory should be heard of.

use std::mem::ManuallyDrop;

use memmap2::{Mmap, MmapMut};

use super::{copy_code, icache, round_to_pages};
use crate::{Error, Instruction};

/// Read+execute pages holding committed code. Immutable for its whole life.
pub(crate) struct Mapping {
    /// Never dropped by memmap2: [`Drop`] below unmaps it and checks the result.
    map: ManuallyDrop<Mmap>,
    /// Bytes of code at the start of the mapping (the rest of the last page is zero).
    len: usize,
}

impl Mapping {
    /// Maps pages for `code`, copies it in, seals the pages read+execute and synchronises the
    /// caches. `len` must be `4 * code.len()`, already checked against the commit limits.
    pub(crate) fn with_code(code: &[Instruction], len: usize) -> Result<Mapping, Error> {
        let size = round_to_pages(len);
        let mut rw = MmapMut::map_anon(size).map_err(|source| Error::Map { size, source })?;
        copy_code(&mut rw[..len], code);
        let addr = rw.as_ptr() as usize;
        // On failure memmap2 drops (unmaps) the read+write pages: nothing leaks, nothing runs.
        let rx = rw.make_exec().map_err(|source| Error::Protect {
            addr,
            size,
            protection: "read+execute",
            source,
        })?;
        icache::sync_written(&rx[..len]);
        icache::sync_other_cores();
        Ok(Mapping {
            map: ManuallyDrop::new(rx),
            len,
        })
    }

    /// The committed code, readable and executable.
    pub(crate) fn code(&self) -> &[u8] {
        &self.map[..self.len]
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        let (ptr, size) = (self.map.as_ptr(), self.map.len());
        // SAFETY: ptr/size describe exactly the mapping memmap2 made (anonymous, offset 0, so not
        // realigned); nothing else unmaps it because the Mmap is never dropped, and no reference
        // into it outlives `self` (ExecPtr borrows the owning buffer).
        unsafe { super::unmap(ptr, size) }
    }
}
