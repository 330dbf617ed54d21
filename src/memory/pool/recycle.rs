//! Making freed space reusable: how old code is forgotten before new code takes its place.
//!
//! A freed slot still holds its old instructions, and three parties may remember them:
//!
//! 1. **Caches.** Every commit cleans the data cache and invalidates the instruction cache for
//!    exactly the bytes it wrote (`icache.rs`), on every core; nothing more is needed here.
//! 2. **Other cores' pipelines.** A core may hold instructions it fetched from the old code.
//!    `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)` context-synchronises every core
//!    running a thread of this process (with the fallback documented in `icache.rs`). It is
//!    issued once per recycling round, after the last use of the old code (its `CodeBuffer` is
//!    gone) and before any freed byte is handed out again.
//! 3. **Emulators and binary translators.** qemu-user caches translations per guest page and
//!    notices writes only through the mapping it translated from; our writes go through the
//!    other view, so it would keep running the old code. It drops a page's translations when
//!    that page is mapped anew. So the pages holding freed slots are re-mapped in place in the
//!    executable view: a second mapping of the same pages, moved over the old one in one step
//!    (`Chunk::remap_executable`). The bytes and addresses do not change and the page is never
//!    writable or without execute permission, so live functions sharing the page keep running
//!    (a thread fetching from it during the swap waits on a page fault). The new mapping
//!    merges with its neighbours (same file, contiguous offsets, same flags), so the mapping
//!    count stays put.
//!
//! One gap is left open on purpose. The architecture also asks a core that runs freshly written
//! code to context-synchronise *after* the writer's instruction-cache invalidation; the round's
//! `membarrier` comes before the new code is written. Closing that would take a system call per
//! commit (what [`Strategy::PerBuffer`](super::Strategy::PerBuffer) pays). The gap needs a core
//! to have speculatively fetched the old bytes at exactly that address after the round, and to
//! still hold them when it branches there; a thread that learns of the code through a system
//! call or a context switch has been context-synchronised anyway (see `icache.rs`).
//!
//! All of this costs system calls, so it is done in batches: freed space collects as *dirty*
//! slots, and only when a commit finds no clean space does the pool recycle every dirty page at
//! once (one `mmap` per chunk, spanning its dirty pages, and one `membarrier`), before it
//! considers growing. Commits in between make no system call.

use super::chunk::Chunk;
use super::slots::ChunkSlots;
use crate::memory::icache;
use crate::Error;

/// What one recycling round did.
pub(super) struct Recycled {
    /// Pages whose freed space became reusable.
    pub(super) pages: usize,
}

/// Recycles every dirty page of the chunks that `parts` yields (see the module docs). A chunk
/// whose re-mapping fails keeps its freed space dirty (unused, never unsafe); the first such
/// error is returned if no page at all could be recycled.
///
/// `parts` picks out of each record its chunk and bookkeeping, or `None` to leave it alone
/// (frozen after a fork, or shared with a forked child).
pub(super) fn recycle<T>(
    records: &mut [T],
    parts: impl Fn(&mut T) -> Option<(&Chunk, &mut ChunkSlots)>,
) -> Result<Recycled, Error> {
    let page = crate::memory::page_size();
    let mut first_error = None;
    let mut remapped = 0;
    for record in records.iter_mut() {
        let Some((chunk, slots)) = parts(record) else {
            continue;
        };
        let Some((start, end)) = slots.dirty_span() else {
            continue;
        };
        // SAFETY: the dirty span lies inside the chunk (start < end <= pages of the chunk),
        // page-aligned.
        match unsafe { chunk.remap_executable(start * page, end * page) } {
            Ok(()) => {
                slots.mark_remapped();
                remapped += 1;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let mut done = Recycled { pages: 0 };
    if remapped > 0 {
        icache::sync_other_cores();
    }
    for record in records.iter_mut() {
        if let Some((_, slots)) = parts(record) {
            if slots.take_remapped() {
                done.pages += slots.clean_dirty();
            }
        }
    }
    match first_error {
        Some(e) if done.pages == 0 => Err(e),
        _ => Ok(done),
    }
}
