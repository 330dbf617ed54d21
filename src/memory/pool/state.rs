//! The dual-mapped pool's state: its regions, chunks, their bookkeeping and the lists of
//! pages with free slots, under one lock.
//!
//! [`PoolState::find`] is the whole placement policy: a clean slot of the commit's size class
//! (or a run of clean pages), else every freed byte recycled at once, else a new chunk.
//! [`PoolState::reserve`] fills a thread's magazine (see `magazine.rs`) by the same policy.
//!
//! After `fork`, a child's copy of this state is frozen (see `fork.rs`): every inherited chunk
//! keeps its code, private to the child, and is never written, freed into or recycled again;
//! the child's new code goes to new regions, of memory files of its own.

use super::chunk::{Chunk, Region};
use super::memfile;
use super::partial::PartialPages;
use super::recycle;
use super::slot::{ClaimedSlot, ReservedSlot};
use super::slots::{self, ChunkSlots, Place};
use super::stats::{CountersRef, PoolStats};
use crate::memory::lock::Lock;
use crate::memory::{icache, page_size, MAX_CODE_BYTES};
use crate::Error;

/// A dual-mapped pool as its handles and the magazines share it.
pub(super) struct SharedPool {
    /// Unique among all pools ever made (see `magazine.rs`).
    pub(super) id: u64,
    /// Bytes per chunk (the state's, readable without the lock).
    pub(super) chunk_size: usize,
    pub(super) state: Lock<PoolState>,
}

/// A chunk and its bookkeeping.
pub(super) struct ChunkRecord {
    chunk: Chunk,
    /// `None` once frozen: inherited by a forked child, kept mapped and never touched again.
    slots: Option<ChunkSlots>,
    /// Shared with a forked child that could not get a private copy: freed space in it is
    /// never reused, so the child's code in it never changes.
    no_recycle: bool,
}

/// The dual-mapped pool's state, under one lock.
pub(super) struct PoolState {
    chunk_size: usize,
    /// Never shrinks: a slot names its chunk by index.
    chunks: Vec<ChunkRecord>,
    /// Where the chunks are, each region twice the size of the last. Dropped after `chunks`.
    regions: Vec<Region>,
    partial: PartialPages,
    /// Counts of commits and frees made under the lock. `committed_bytes` and `live_functions`
    /// wrap below zero when a function committed from a magazine is freed: the sum with the
    /// threads' counters is what counts.
    stats: PoolStats,
    /// The counters of threads that hold magazines of this pool.
    threads: Vec<CountersRef>,
}

fn oom(what: &'static str, bytes: usize) -> Error {
    Error::OutOfMemory { what, bytes }
}

impl PoolState {
    /// An empty pool with chunks of `chunk_size` bytes (whole pages). Maps nothing.
    pub(super) fn new(chunk_size: usize) -> Result<Self, Error> {
        Ok(PoolState {
            chunk_size,
            chunks: Vec::new(),
            regions: Vec::new(),
            partial: PartialPages::new(page_size())?,
            stats: PoolStats::default(),
            threads: Vec::new(),
        })
    }

    pub(super) fn stats(&self) -> PoolStats {
        let mut s = self.stats;
        for t in &self.threads {
            // SAFETY: listed counters belong to live magazines (see `CountersRef`).
            let (functions, bytes) = unsafe { t.get() };
            s.live_functions = s.live_functions.wrapping_add(functions);
            s.committed_bytes = s.committed_bytes.wrapping_add(bytes);
        }
        s.freed_bytes = self.active().map(|(_, s)| s.dirty_bytes()).sum();
        s.bookkeeping_bytes = self.partial.heap_bytes()
            + self.chunks.capacity() * std::mem::size_of::<ChunkRecord>()
            + self.regions.capacity() * std::mem::size_of::<Region>()
            + self.threads.capacity() * std::mem::size_of::<CountersRef>()
            + self.active().map(|(_, s)| s.heap_bytes()).sum::<usize>();
        s
    }

    /// Counts a commit given pages of its own (larger than a chunk) or its release (`live`
    /// false), with the bytes of pages mapped or unmapped.
    pub(super) fn count_own_pages(&mut self, len: usize, pages_bytes: usize, live: bool) {
        let s = &mut self.stats;
        if live {
            s.committed_bytes = s.committed_bytes.wrapping_add(len);
            s.live_functions = s.live_functions.wrapping_add(1);
            s.mapped_bytes += pages_bytes;
            s.chunks += 1;
        } else {
            s.committed_bytes = s.committed_bytes.wrapping_sub(len);
            s.live_functions = s.live_functions.wrapping_sub(1);
            if pages_bytes > 0 {
                s.mapped_bytes -= pages_bytes;
                s.chunks -= 1;
            }
        }
    }

    /// Finds space for `len` bytes (at most a chunk) and counts the commit.
    pub(super) fn allocate(&mut self, len: usize) -> Result<ClaimedSlot, Error> {
        let (chunk, place) = self.find(len)?;
        self.stats.committed_bytes = self.stats.committed_bytes.wrapping_add(len);
        self.stats.live_functions = self.stats.live_functions.wrapping_add(1);
        Ok(self.reserved(chunk, place).claim(len))
    }

    /// Reserves between 1 and `want` clean slots of `class` into `out` for a thread's magazine,
    /// without growing `out` beyond its capacity (at least 1).
    pub(super) fn reserve(
        &mut self,
        class: u16,
        want: usize,
        out: &mut Vec<ReservedSlot>,
    ) -> Result<(), Error> {
        let want = want.min(out.capacity());
        let (c, place) = self.find(usize::from(class) * slots::GRANULE)?;
        out.push(self.reserved(c, place));
        // The rest a page at a time, from the listed pages with clean free slots (populated
        // when their first slot was taken through `find`).
        while out.len() < want {
            let Some(&(c, p)) = self.partial.of(class).last() else {
                break;
            };
            let Some(ChunkRecord {
                chunk,
                slots: Some(slots),
                ..
            }) = self.chunks.get_mut(c as usize)
            else {
                self.partial.of(class).pop();
                continue;
            };
            let need = want - out.len();
            let got = slots.take_slots(p as usize, class, need, |place| {
                out.push(ReservedSlot::new(
                    // SAFETY: the bookkeeping hands out places inside its chunk.
                    unsafe { chunk.executable(place.offset) },
                    // SAFETY: as above.
                    unsafe { chunk.writable(place.offset) },
                    c as usize,
                    place,
                ))
            });
            if got < need {
                self.partial.of(class).pop();
            }
        }
        Ok(())
    }

    /// Takes back slots reserved for a magazine and never committed.
    pub(super) fn unreserve(&mut self, reserved: &[ReservedSlot]) {
        for r in reserved {
            let Some(ChunkRecord {
                slots: Some(slots), ..
            }) = self.chunks.get_mut(r.chunk())
            else {
                continue;
            };
            if let Some((page, class)) = slots.unreserve(r.place()) {
                self.partial.push(class, r.chunk() as u32, page as u32);
            }
        }
    }

    /// Lists a thread's counters (its magazine is about to serve this pool).
    pub(super) fn register_thread(&mut self, counters: CountersRef) -> Result<(), Error> {
        self.threads
            .try_reserve(1)
            .map_err(|_| oom("the pool's list of threads", 8))?;
        self.threads.push(counters);
        Ok(())
    }

    /// Folds the counts of a thread that leaves this pool into the pool's own and forgets its
    /// counters.
    pub(super) fn retire_thread(&mut self, counters: CountersRef) {
        if let Some(i) = self.threads.iter().position(|t| *t == counters) {
            let t = self.threads.swap_remove(i);
            // SAFETY: it was listed until just now, so its magazine is alive.
            let (functions, bytes) = unsafe { t.get() };
            self.stats.live_functions = self.stats.live_functions.wrapping_add(functions);
            self.stats.committed_bytes = self.stats.committed_bytes.wrapping_add(bytes);
        }
    }

    fn reserved(&self, chunk: usize, place: Place) -> ReservedSlot {
        let c = &self.chunks[chunk].chunk;
        ReservedSlot::new(
            // SAFETY: the bookkeeping hands out places inside its chunk.
            unsafe { c.executable(place.offset) },
            // SAFETY: as above.
            unsafe { c.writable(place.offset) },
            chunk,
            place,
        )
    }

    /// Finds space for `len` (at most a chunk), populated: clean space first, then recycled
    /// space, then a new chunk.
    fn find(&mut self, len: usize) -> Result<(usize, Place), Error> {
        let page = page_size();
        let class = ChunkSlots::slab_class(len, page);
        let mut recycled = false;
        loop {
            let found = match class {
                Some(class) => self.take_slot(class),
                None => self.take_run(len.div_ceil(page)),
            };
            if let Some((c, place)) = found {
                return self.populated(c, place);
            }
            if !recycled && self.dirty_bytes() > 0 {
                recycled = true;
                // A failed recycling leaves the freed space unused; growing still works.
                let _ = self.recycle();
                continue;
            }
            self.grow()?;
        }
    }

    /// Makes sure `place` in chunk `c` is populated, or gives it back.
    fn populated(&mut self, c: usize, place: Place) -> Result<(usize, Place), Error> {
        let record = &mut self.chunks[c];
        match record.chunk.populate(place.offset + place.reserved) {
            Ok(()) => Ok((c, place)),
            Err(e) => {
                if let Some(slots) = &mut record.slots {
                    if let Some((page, class)) = slots.give_back(place) {
                        self.partial.push(class, c as u32, page as u32);
                    }
                }
                Err(e)
            }
        }
    }

    fn take_slot(&mut self, class: u16) -> Option<(usize, Place)> {
        while let Some(&(c, p)) = self.partial.of(class).last() {
            let Some(slots) = self.chunks.get_mut(c as usize)?.slots.as_mut() else {
                self.partial.of(class).pop();
                continue;
            };
            match slots.take_slot(p as usize, class) {
                Some((place, more)) => {
                    if !more {
                        self.partial.of(class).pop();
                    }
                    return Some((c as usize, place));
                }
                None => {
                    self.partial.of(class).pop();
                }
            }
        }
        // A fresh page, from the newest chunks first (older ones are usually full).
        for c in (0..self.chunks.len()).rev() {
            let Some(slots) = self.chunks[c].slots.as_mut() else {
                continue;
            };
            if let Some(p) = slots.new_slab_page(class) {
                let (place, more) = slots.take_slot(p, class)?;
                if more {
                    self.partial.push(class, c as u32, p as u32);
                }
                return Some((c, place));
            }
        }
        None
    }

    fn take_run(&mut self, pages: usize) -> Option<(usize, Place)> {
        self.chunks
            .iter_mut()
            .enumerate()
            .rev()
            .find_map(|(c, r)| Some((c, r.slots.as_mut()?.take_run(pages)?)))
    }

    /// Chunks not frozen, with their bookkeeping.
    fn active(&self) -> impl Iterator<Item = (usize, &ChunkSlots)> {
        self.chunks
            .iter()
            .enumerate()
            .filter_map(|(c, r)| Some((c, r.slots.as_ref()?)))
    }

    fn dirty_bytes(&self) -> usize {
        self.active()
            .filter(|(c, _)| !self.chunks[*c].no_recycle)
            .map(|(_, s)| s.dirty_bytes())
            .sum()
    }

    /// Maps a new chunk (in the newest region, or a new one) and returns its index.
    fn grow(&mut self) -> Result<usize, Error> {
        let size = self.chunk_size;
        if self.chunks.len() >= u32::MAX as usize {
            return Err(oom("a chunk index", 4));
        }
        self.chunks
            .try_reserve(1)
            .map_err(|_| oom("the pool's chunk list", std::mem::size_of::<ChunkRecord>()))?;
        let slots = ChunkSlots::new(size, page_size())?;
        let chunk = match self.regions.last_mut().and_then(|r| r.take_chunk(size)) {
            Some(chunk) => chunk,
            None => {
                self.regions
                    .try_reserve(1)
                    .map_err(|_| oom("the pool's region list", std::mem::size_of::<Region>()))?;
                let near = self
                    .regions
                    .iter()
                    .map(Region::executable_range)
                    .reduce(|(l0, h0), (l1, h1)| (l0.min(l1), h0.max(h1)));
                let mut region = Region::new(next_region_size(&self.regions, size), near)?;
                let Some(chunk) = region.take_chunk(size) else {
                    unreachable!("a new region holds at least one chunk")
                };
                self.regions.push(region);
                chunk
            }
        };
        // The new addresses may have held code before (unmapped since): forget it everywhere.
        icache::sync_other_cores();
        self.stats.mapped_bytes += size;
        self.stats.chunks += 1;
        self.chunks.push(ChunkRecord {
            chunk,
            slots: Some(slots),
            no_recycle: false,
        });
        Ok(self.chunks.len() - 1)
    }

    /// Marks the space of a commit of `len` bytes at `place` in `chunk` freed. A slot of a
    /// frozen chunk (inherited across `fork`) is left as it is.
    pub(super) fn release(&mut self, chunk: usize, place: Place, len: usize) {
        let Some(ChunkRecord {
            slots: Some(slots), ..
        }) = self.chunks.get_mut(chunk)
        else {
            return;
        };
        slots.release(place);
        self.stats.committed_bytes = self.stats.committed_bytes.wrapping_sub(len);
        self.stats.live_functions = self.stats.live_functions.wrapping_sub(1);
    }

    /// Recycles every freed byte (see `recycle.rs`). Returns the pages made reusable.
    pub(super) fn recycle(&mut self) -> Result<usize, Error> {
        let done = recycle::recycle(&mut self.chunks, |r| match r {
            ChunkRecord {
                chunk,
                slots: Some(slots),
                no_recycle: false,
            } => Some((&*chunk, slots)),
            _ => None,
        })?;
        let chunks = &self.chunks;
        self.partial.rebuild(
            chunks
                .iter()
                .enumerate()
                .filter_map(|(c, r)| Some((c as u32, r.slots.as_ref()?))),
        );
        if done.pages > 0 {
            self.stats.recycles += 1;
            self.stats.recycled_pages += done.pages;
        }
        Ok(done.pages)
    }

    /// Before `fork`, lock held: snapshots every active chunk for the child.
    pub(super) fn before_fork(&mut self) {
        for r in &mut self.chunks {
            if r.slots.is_some() && !r.chunk.snapshot_for_fork() {
                r.no_recycle = true;
            }
        }
    }

    /// After `fork`, in the parent: drops the snapshots.
    pub(super) fn after_fork_in_parent(&mut self) {
        for r in &mut self.chunks {
            r.chunk.after_fork_in_parent();
        }
    }

    /// After `fork`, in the child: freezes every inherited chunk (private copies of its code,
    /// no writable view) and starts empty: new chunks go to new regions, of new files.
    pub(super) fn after_fork_in_child(&mut self) {
        for r in &mut self.chunks {
            if r.slots.take().is_some() {
                r.chunk.after_fork_in_child();
            }
        }
        for region in &mut self.regions {
            region.after_fork_in_child();
        }
        self.partial.clear();
        self.threads.clear();
        self.stats = PoolStats::default();
    }
}

/// The size of the next region: four chunks first, then twice the last, at most the largest
/// commit and what `RLIMIT_FSIZE` allows (in whole chunks), at least one chunk (a limit below
/// that is the region's error to report).
fn next_region_size(regions: &[Region], chunk: usize) -> usize {
    let want = regions
        .last()
        .map_or(4 * chunk, |r| 2 * r.size())
        .min(MAX_CODE_BYTES);
    let limit = usize::try_from(memfile::file_size_limit()).unwrap_or(usize::MAX);
    (want.min(limit) / chunk * chunk).max(chunk)
}
