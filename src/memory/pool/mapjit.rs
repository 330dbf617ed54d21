//! A macOS pool: chunks of one `MAP_JIT` mapping each, written with per-thread write toggling.
//!
//! Each chunk is a `MAP_JIT` mapping (`sys::map_jit`), cut into slots by the same bookkeeping
//! as a dual-mapped pool's chunks (`slots.rs`). A commit takes a clean slot under the pool's
//! lock, copies the code in with this thread's writes enabled (`sys::with_jit_writes`: write
//! on, copy, write off) and synchronises the instruction cache on the slot
//! (`icache::sync_written`, which is `sys_icache_invalidate` there). Once the chunk exists no
//! commit makes a system call: the write toggle is a user-space register write (see
//! `sys/macos.rs` for the rule it enforces).
//!
//! # Reuse
//! A freed slot is marked dirty; when a commit finds no clean slot, every dirty slot of the
//! pool turns clean at once (a round, counted in the statistics like a dual-mapped pool's
//! recycling) before a new chunk is mapped. Nothing needs re-mapping, unlike on Linux
//! (`recycle.rs`): other threads never see these pages writable, and the commit that reuses a
//! slot invalidates the instruction cache on every core for its bytes after writing them, as
//! for a fresh slot. The caller's contract (no call through a freed function's pointer) keeps
//! other cores from running the old code; a core that runs the new code learns of it through
//! the synchronisation that hands it the pointer (see `icache.rs`).
//!
//! # fork
//! The chunks are private mappings, so a forked child gets its own copy-on-write copy of
//! every chunk (fork(2)): its commits, frees and reuse rounds never touch the parent's pages,
//! nor the parent's the child's, and every inherited function stays callable at its address.
//! The pool's state sits under a [`Lock`] that the fork handlers (`fork.rs`) take before
//! `fork` and release, or re-initialise in the child, afterwards, so a fork while other
//! threads use the pool neither hangs the child nor hands it half-updated bookkeeping. A slot
//! that another thread was filling at the moment of the fork stays taken in the child: no
//! thread there will ever release it.

use std::ptr::NonNull;

use super::fork::ForkAware;
use super::slots::{ChunkSlots, Place};
use super::PoolStats;
use crate::memory::lock::{Lock, LockGuard};
use crate::memory::pages::{release_pages, OwnPages};
use crate::memory::provider::{Committed, Fill, Provider, Receipt};
use crate::memory::{icache, page_size, round_to_pages, sys};
use crate::Error;

/// A `MAP_JIT` pool (see the module docs). It lives behind an `Arc` registered with the fork
/// handlers (`fork::register`), so its lock never moves once used.
pub(super) struct JitPool {
    chunk_size: usize,
    state: Lock<JitState>,
}

struct JitState {
    chunks: Vec<JitChunk>,
    stats: PoolStats,
}

/// One `MAP_JIT` mapping and its bookkeeping.
struct JitChunk {
    base: NonNull<u8>,
    size: usize,
    slots: ChunkSlots,
}

// SAFETY: a chunk is an address range owned by the pool; nothing in it is tied to a thread.
// Writes go only to slots the pool handed to exactly one committer.
unsafe impl Send for JitChunk {}

impl Drop for JitChunk {
    /// The pool drops its chunks only when every commit in them was released (each pooled
    /// `CodeBuffer` holds the pool alive).
    fn drop(&mut self) {
        // SAFETY: the chunk's own mapping, unmapped once, with no commit left in it.
        unsafe { sys::unmap(self.base.as_ptr(), self.size) }
    }
}

impl JitPool {
    /// A pool with chunks of `chunk_size` bytes (whole pages); it maps nothing yet.
    pub(super) fn new(chunk_size: usize) -> JitPool {
        JitPool {
            chunk_size,
            state: Lock::new(JitState {
                chunks: Vec::new(),
                stats: PoolStats::default(),
            }),
        }
    }

    fn state(&self) -> LockGuard<'_, JitState> {
        self.state.lock()
    }

    /// A snapshot of the pool's memory use.
    pub(super) fn stats(&self) -> PoolStats {
        let state = self.state();
        let mut stats = state.stats;
        stats.freed_bytes = state.chunks.iter().map(|c| c.slots.dirty_bytes()).sum();
        stats.bookkeeping_bytes = state.chunks.iter().map(|c| c.slots.heap_bytes()).sum();
        stats
    }

    /// Makes every freed slot reusable now. Returns the number of pages cleaned.
    pub(super) fn recycle(&self) -> usize {
        self.state().clean_all()
    }
}

impl JitState {
    /// One reuse round (see the module docs).
    fn clean_all(&mut self) -> usize {
        let pages: usize = self
            .chunks
            .iter_mut()
            .filter(|c| c.slots.dirty_bytes() > 0)
            .map(|c| c.slots.clean_dirty())
            .sum();
        if pages > 0 {
            self.stats.recycles += 1;
            self.stats.recycled_pages += pages;
        }
        pages
    }

    /// A clean place for `len` bytes (at most a chunk) in an existing chunk.
    fn find_in_chunks(&mut self, len: usize) -> Option<(u32, Place)> {
        let page = page_size();
        for (i, chunk) in self.chunks.iter_mut().enumerate() {
            let slots = &mut chunk.slots;
            let place = match ChunkSlots::slab_class(len, page) {
                Some(class) => {
                    let mut partial = None;
                    slots.partial_pages(|p, c| {
                        if c == class && partial.is_none() {
                            partial = Some(p);
                        }
                    });
                    partial
                        .or_else(|| slots.new_slab_page(class))
                        .and_then(|p| slots.take_slot(p, class))
                        .map(|(place, _)| place)
                }
                None => slots.take_run(len.div_ceil(page)),
            };
            if let Some(place) = place {
                return Some((i as u32, place));
            }
        }
        None
    }

    /// A clean place for `len` bytes: from existing chunks, after a reuse round, or in a new
    /// chunk of `chunk_size` bytes.
    ///
    /// Errors: [`Error::Map`] if no chunk can be mapped, [`Error::OutOfMemory`] if its
    /// bookkeeping cannot be allocated.
    fn find(&mut self, len: usize, chunk_size: usize) -> Result<(u32, Place), Error> {
        if let Some(found) = self.find_in_chunks(len) {
            return Ok(found);
        }
        if self.clean_all() > 0 {
            if let Some(found) = self.find_in_chunks(len) {
                return Ok(found);
            }
        }
        let index = u32::try_from(self.chunks.len()).map_err(|_| Error::OutOfMemory {
            what: "a pool chunk's index",
            bytes: chunk_size,
        })?;
        self.chunks.try_reserve(1).map_err(|_| Error::OutOfMemory {
            what: "a pool's chunk list",
            bytes: std::mem::size_of::<JitChunk>(),
        })?;
        let slots = ChunkSlots::new(chunk_size, page_size())?;
        let base = sys::map_jit(chunk_size)?;
        self.chunks.push(JitChunk {
            base,
            size: chunk_size,
            slots,
        });
        self.stats.mapped_bytes += chunk_size;
        self.stats.chunks += 1;
        self.find_in_chunks(len)
            .filter(|&(c, _)| c == index)
            .ok_or(Error::Map {
                size: len,
                source: std::io::Error::other("a fresh pool chunk has no room"),
            })
    }
}

impl Provider for JitPool {
    fn commit(&self, code: &impl Fill, len: usize) -> Result<Committed, Error> {
        if len > self.chunk_size {
            let own = OwnPages.commit(code, len)?;
            let mut state = self.state();
            state.stats.committed_bytes += len;
            state.stats.live_functions += 1;
            state.stats.mapped_bytes += round_to_pages(len);
            return Ok(own);
        }
        let (chunk, place, start) = {
            let mut state = self.state();
            let (chunk, place) = state.find(len, self.chunk_size)?;
            let base = state.chunks[chunk as usize].base;
            state.stats.committed_bytes += len;
            state.stats.live_functions += 1;
            // SAFETY: the bookkeeping hands out places inside its chunk, so the sum stays in
            // the mapping and is not null.
            let start = unsafe { NonNull::new_unchecked(base.as_ptr().add(place.offset)) };
            (chunk, place, start)
        };
        let written = sys::with_jit_writes(|| {
            // SAFETY: `len <= place.reserved` bytes of a slot the pool handed to this commit
            // alone, writable for this thread inside `with_jit_writes`; nothing runs them yet
            // and the pool (held by `self`) keeps them mapped.
            code.fill(
                unsafe { std::slice::from_raw_parts_mut(start.as_ptr(), len) },
                start.as_ptr() as usize,
            )
        });
        // SAFETY: as above; readable, and no longer written.
        icache::sync_written(unsafe { std::slice::from_raw_parts(start.as_ptr(), len) });
        let receipt = Receipt::Slot {
            chunk: chunk as usize,
            offset: place.offset,
            reserved: place.reserved,
        };
        // SAFETY: the code is in and synchronised; the slot is handed out again only after
        // `release` gives this back.
        let committed = unsafe { Committed::new(start, len, receipt) };
        match written {
            Ok(()) => Ok(committed),
            Err(e) => {
                self.release(committed);
                Err(e)
            }
        }
    }

    fn release(&self, committed: Committed) {
        let len = committed.code().len();
        match *committed.receipt() {
            Receipt::Slot {
                chunk,
                offset,
                reserved,
            } => {
                let mut state = self.state();
                if let Some(c) = state.chunks.get_mut(chunk) {
                    c.slots.release(Place { offset, reserved });
                }
                state.stats.committed_bytes -= len;
                state.stats.live_functions -= 1;
            }
            Receipt::Pages { .. } | Receipt::Batch(_) => {
                let unmapped = release_pages(committed);
                let mut state = self.state();
                state.stats.committed_bytes -= len;
                state.stats.live_functions -= 1;
                state.stats.mapped_bytes -= unmapped;
            }
        }
    }
}

impl ForkAware for JitPool {
    fn before_fork(&self) {
        // SAFETY: released by `after_fork_in_parent` or re-initialised by
        // `after_fork_in_child`, on this thread, right after the fork.
        unsafe { self.state.lock_raw() };
    }

    fn after_fork_in_parent(&self) {
        // SAFETY: `before_fork` took the lock on this thread.
        unsafe { self.state.unlock_raw() };
    }

    fn after_fork_in_child(&self) {
        // SAFETY: in the child, which has one thread; nothing uses the state meanwhile. The
        // state itself is consistent: `before_fork` held the lock across the fork.
        unsafe { self.state.reinit_in_child() };
    }
}
