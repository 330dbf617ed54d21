//! Pages of its own per commit: the simplest W^X life cycle, on every platform.
//!
//! The pages are mapped writable and never executable, the code is copied in, and the pages
//! turn read+execute, never writable again (on macOS: a `MAP_JIT` mapping whose writes this
//! thread enables only while copying; see `sys/macos.rs`). There is no moment at which any
//! thread can both write and run them. Releasing unmaps them, checked.

use std::ptr::NonNull;

use super::provider::{Committed, Provider, Receipt};
use super::{copy_code, icache, round_to_pages, sys};
use crate::{Error, Instruction};

/// The provider of pages of its own (see the module docs).
pub(crate) struct OwnPages;

impl Provider for OwnPages {
    fn commit(&self, code: &[Instruction], len: usize) -> Result<Committed, Error> {
        let size = round_to_pages(len);
        let start: NonNull<u8> = sys::map_code(size, |dst| copy_code(&mut dst[..len], code))?;
        // SAFETY: `map_code` returned `size >= len` bytes, read+execute, that only this
        // commit knows of.
        let code = unsafe { std::slice::from_raw_parts(start.as_ptr(), len) };
        icache::sync_written(code);
        icache::sync_other_cores();
        // SAFETY: the pages stay mapped read+execute and unchanged until `release` below.
        Ok(unsafe { Committed::new(start, len, Receipt::Pages { size }) })
    }

    fn release(&self, committed: Committed) {
        // Only pages come back here (a buffer releases to the provider that committed).
        #[allow(irrefutable_let_patterns)]
        let Receipt::Pages { size } = committed.receipt() else {
            return;
        };
        // SAFETY: exactly the pages `commit` mapped; `committed` is consumed, so no reference
        // into them is left.
        unsafe { sys::unmap(committed.start().as_ptr(), size) }
    }
}
