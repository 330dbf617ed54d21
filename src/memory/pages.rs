//! Pages of its own per commit: the simplest W^X life cycle, on every platform.
//!
//! The pages are mapped writable and never executable, the code is copied in, and the pages
//! turn read+execute, never writable again (on macOS: a `MAP_JIT` mapping whose writes this
//! thread enables only while copying; see `sys/macos.rs`). There is no moment at which any
//! thread can both write and run them. Releasing unmaps them, checked.

use std::ptr::NonNull;

use super::provider::{Committed, Fill, Provider, Receipt, SharedPages};
use super::{icache, round_to_pages, sys};
use crate::Error;

/// The provider of pages of its own (see the module docs).
pub(crate) struct OwnPages;

impl Provider for OwnPages {
    fn commit(&self, code: &impl Fill, len: usize) -> Result<Committed, Error> {
        let size = round_to_pages(len);
        let start: NonNull<u8> = sys::map_code(size, |dst, at| code.fill(&mut dst[..len], at))?;
        // SAFETY: `map_code` returned `size >= len` bytes, read+execute, that only this
        // commit knows of.
        let code = unsafe { std::slice::from_raw_parts(start.as_ptr(), len) };
        icache::sync_written(code);
        icache::sync_other_cores();
        // SAFETY: the pages stay mapped read+execute and unchanged until `release` below.
        Ok(unsafe { Committed::new(start, len, Receipt::Pages { size }) })
    }

    fn release(&self, committed: Committed) {
        release_pages(committed);
    }
}

/// Releases pages of its own (or a share of a batch's), returning the bytes unmapped now: the
/// pages' size, or 0 for a share of a batch other shares still hold.
pub(crate) fn release_pages(committed: Committed) -> usize {
    let start = committed.start();
    match committed.into_receipt() {
        Receipt::Pages { size } => {
            // SAFETY: exactly the pages `commit` mapped; `committed` is consumed, so no
            // reference into them is left.
            unsafe { sys::unmap(start.as_ptr(), size) };
            size
        }
        // The pages go with their last share.
        Receipt::Batch(shared) => std::sync::Arc::into_inner(shared).map_or(0, |p| p.size()),
        // Only pages come back here (a buffer releases to the provider that committed).
        #[allow(unreachable_patterns)]
        _ => 0,
    }
}

/// Commits every code of `codes` into one set of pages: one mapping, one protection change,
/// one cache synchronisation for them all. Each function starts on a 16-byte boundary.
/// `lens` are their checked sizes. The pages are unmapped when the last commit is released.
pub(crate) fn commit_together(
    codes: &[impl Fill],
    lens: &[usize],
) -> Result<Vec<Committed>, Error> {
    let oom = |what, bytes| Error::OutOfMemory { what, bytes };
    let mut starts = Vec::new();
    starts
        .try_reserve_exact(lens.len())
        .map_err(|_| oom("a batch's layout", lens.len() * 8))?;
    let mut total = 0usize;
    for len in lens {
        let start = total.next_multiple_of(16);
        starts.push(start);
        total = start + len;
        if total > super::MAX_CODE_BYTES {
            return Err(Error::TooLarge {
                instructions: total / 4,
                bytes: total as u128,
                limit: super::MAX_CODE_BYTES,
            });
        }
    }
    let mut out = Vec::new();
    out.try_reserve_exact(codes.len()).map_err(|_| {
        oom(
            "a batch's commit list",
            codes.len() * std::mem::size_of::<Committed>(),
        )
    })?;
    let size = round_to_pages(total.max(1));
    let start = sys::map_code(size, |dst, base| {
        for ((code, &at), &len) in codes.iter().zip(&starts).zip(lens) {
            code.fill(&mut dst[at..at + len], base + at)?;
        }
        Ok(())
    })?;
    // SAFETY: `map_code` returned `size >= total` bytes, read+execute, only ours.
    icache::sync_written(unsafe { std::slice::from_raw_parts(start.as_ptr(), total) });
    icache::sync_other_cores();
    // SAFETY: the pages are ours alone (map_code) and nothing else unmaps them.
    let shared = std::sync::Arc::new(unsafe { SharedPages::new(start, size) });
    for (&at, &len) in starts.iter().zip(lens) {
        // SAFETY: `at + len <= total <= size`, inside the pages, so not null.
        let code = unsafe { NonNull::new_unchecked(start.as_ptr().add(at)) };
        // SAFETY: the pages stay mapped and unchanged while any share lives, and this
        // commit holds one until it is released.
        out.push(unsafe { Committed::new(code, len, Receipt::Batch(shared.clone())) });
    }
    Ok(out)
}
