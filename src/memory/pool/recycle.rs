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
//!    executable view: `mmap(MAP_FIXED | MAP_SHARED, PROT_READ | PROT_EXEC)` of the same file
//!    range. The bytes and addresses do not change and the page is never writable or without
//!    execute permission, so live functions sharing the page keep running (a thread fetching
//!    from it during the swap waits on a page fault). The new mapping merges with its
//!    neighbours (same file, contiguous offsets, same flags), so the mapping count stays put.
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

use super::chunk::MemFile;
use super::dual::{Entry, Lists};
use crate::memory::icache;
use crate::Error;

/// What one recycling round did.
pub(super) struct Recycled {
    /// Pages whose freed space became reusable.
    pub(super) pages: usize,
    /// Bytes that became reusable.
    pub(super) bytes: usize,
}

/// Recycles every dirty page of every chunk (see the module docs) and rebuilds the lists of
/// pages with free slots. A chunk whose re-mapping fails keeps its freed space dirty (unused,
/// never unsafe); the first such error is returned after the other chunks are recycled.
pub(super) fn recycle(
    file: &MemFile,
    chunks: &mut [Option<Entry>],
    lists: &mut Lists,
) -> Result<Recycled, Error> {
    let page = crate::memory::page_size();
    let mut first_error = None;
    let mut remapped = Vec::new();
    for (i, entry) in chunks.iter().enumerate() {
        let Some(Entry {
            chunk,
            slots: Some(slots),
            ..
        }) = entry
        else {
            continue;
        };
        let Some((start, end)) = slots.dirty_span() else {
            continue;
        };
        match chunk.remap_executable(file, start * page, end * page) {
            Ok(()) => remapped.push(i),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let mut done = Recycled { pages: 0, bytes: 0 };
    if !remapped.is_empty() {
        icache::sync_other_cores();
    }
    for i in remapped {
        if let Some(Entry {
            slots: Some(slots), ..
        }) = &mut chunks[i]
        {
            done.bytes += slots.dirty_bytes();
            done.pages += slots.clean_dirty();
        }
    }
    lists.rebuild(chunks);
    match first_error {
        Some(e) if done.pages == 0 => Err(e),
        _ => Ok(done),
    }
}
