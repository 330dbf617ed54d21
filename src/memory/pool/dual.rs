//! The dual-mapped pool's state: chunks, their bookkeeping and the free lists, under one lock.
//!
//! `Dual::find` is the whole placement policy: a clean slot of the commit's size class (or a
//! run of clean pages), else every freed byte recycled at once, else a new chunk. Commits larger
//! than a chunk get a chunk (and memory file) of their own, unmapped when they are freed.
//! `Dual::reserve` fills a thread's magazine (see `magazine.rs`) by the same policy.

use std::sync::Arc;

use super::chunk::{Chunk, MemFile, Reservation};
use super::magazine::{Reserved, ThreadCounters};
use super::recycle;
use super::slots::{self, ChunkSlots, Place};
use super::{Fresh, PoolStats, Slot};
use crate::memory::{icache, page_size, round_to_pages};
use crate::Error;

/// A chunk and its bookkeeping (`slots` is `None` for a chunk of its own, one commit wide).
pub(super) struct Entry {
    pub(super) chunk: Chunk,
    pub(super) slots: Option<ChunkSlots>,
    /// The memory file of a chunk of its own, closed with it.
    _own_file: Option<MemFile>,
}

/// For each size class, the slab pages that have clean free slots, as (chunk, page).
pub(super) struct Lists {
    by_class: Vec<Vec<(u32, u32)>>,
}

impl Lists {
    fn new() -> Self {
        let classes = page_size() / 2 / slots::GRANULE + 1;
        Lists {
            by_class: (0..classes).map(|_| Vec::new()).collect(),
        }
    }

    /// Re-lists exactly the slab pages with clean free slots.
    pub(super) fn rebuild(&mut self, chunks: &[Option<Entry>]) {
        for l in &mut self.by_class {
            l.clear();
        }
        for (c, entry) in chunks.iter().enumerate() {
            if let Some(Entry {
                slots: Some(slots), ..
            }) = entry
            {
                slots.partial_pages(|page, class| {
                    self.by_class[usize::from(class)].push((c as u32, page as u32))
                });
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        self.by_class
            .iter()
            .map(|l| l.capacity() * std::mem::size_of::<(u32, u32)>())
            .sum()
    }
}

/// The dual-mapped pool's state, under one lock.
pub(super) struct Dual {
    file: MemFile,
    chunk_size: usize,
    chunks: Vec<Option<Entry>>,
    lists: Lists,
    /// Counts of commits and frees made under the lock. `committed_bytes` and `live_functions`
    /// wrap below zero when a function committed from a magazine is freed: the sum with the
    /// threads' counters is what counts.
    stats: PoolStats,
    /// The counters of threads that hold magazines of this pool.
    pub(super) threads: Vec<Arc<ThreadCounters>>,
    /// Where the shared file's chunks go; it unmaps them when the pool drops.
    reservation: Option<Reservation>,
}

impl Dual {
    pub(super) fn new(file: MemFile, chunk_size: usize) -> Self {
        Dual {
            file,
            chunk_size,
            chunks: Vec::new(),
            lists: Lists::new(),
            stats: PoolStats::default(),
            threads: Vec::new(),
            reservation: Reservation::new(Reservation::SIZE),
        }
    }

    pub(super) fn stats(&self) -> PoolStats {
        let mut s = self.stats;
        for t in &self.threads {
            let (functions, bytes) = t.get();
            s.live_functions = s.live_functions.wrapping_add(functions);
            s.committed_bytes = s.committed_bytes.wrapping_add(bytes);
        }
        s.freed_bytes = self
            .chunks
            .iter()
            .flatten()
            .filter_map(|e| e.slots.as_ref())
            .map(ChunkSlots::dirty_bytes)
            .sum();
        s.bookkeeping_bytes = self.lists.heap_bytes()
            + self.chunks.capacity() * std::mem::size_of::<Option<Entry>>()
            + self.threads.capacity() * std::mem::size_of::<Arc<ThreadCounters>>()
            + self
                .chunks
                .iter()
                .flatten()
                .filter_map(|e| e.slots.as_ref())
                .map(ChunkSlots::heap_bytes)
                .sum::<usize>();
        s
    }

    /// Finds space for `len` bytes and counts the commit.
    pub(super) fn allocate(&mut self, len: usize) -> Result<Fresh, Error> {
        if len > self.chunk_size {
            return self.allocate_own_chunk(len);
        }
        let (chunk, place) = self.find(len)?;
        Ok(self.slot(chunk, place, len))
    }

    /// Reserves between 1 and `want` clean slots of `class` into `out` for a thread's magazine.
    pub(super) fn reserve(
        &mut self,
        class: u16,
        want: usize,
        out: &mut Vec<Reserved>,
    ) -> Result<(), Error> {
        let (c, place) = self.find(usize::from(class) * slots::GRANULE)?;
        out.push(self.reserved(c, place));
        // The rest a page at a time, from the listed pages with clean free slots.
        let list = &mut self.lists.by_class[usize::from(class)];
        while out.len() < want {
            let Some(&(c, p)) = list.last() else {
                break;
            };
            let Some(Entry {
                chunk,
                slots: Some(slots),
                ..
            }) = &mut self.chunks[c as usize]
            else {
                list.pop();
                continue;
            };
            let need = want - out.len();
            let got = slots.take_slots(p as usize, class, need, |place| {
                out.push(Reserved {
                    rx: chunk.executable(place.offset),
                    rw: chunk.writable(place.offset),
                    chunk: c,
                    place,
                })
            });
            if got < need {
                list.pop();
            }
        }
        Ok(())
    }

    /// Takes back slots reserved for a magazine and never committed.
    pub(super) fn unreserve(&mut self, slots: &[Reserved]) {
        for r in slots {
            let Some(Some(Entry {
                slots: Some(chunk_slots),
                ..
            })) = self.chunks.get_mut(r.chunk as usize)
            else {
                continue;
            };
            if let Some((page, class)) = chunk_slots.unreserve(r.place) {
                self.lists.by_class[usize::from(class)].push((r.chunk, page as u32));
            }
        }
    }

    /// Folds the counts of a thread that leaves this pool into the pool's own.
    pub(super) fn retire_counters(&mut self, counters: &Arc<ThreadCounters>) {
        if let Some(i) = self.threads.iter().position(|t| Arc::ptr_eq(t, counters)) {
            let (functions, bytes) = self.threads.swap_remove(i).get();
            self.stats.live_functions = self.stats.live_functions.wrapping_add(functions);
            self.stats.committed_bytes = self.stats.committed_bytes.wrapping_add(bytes);
        }
    }

    fn reserved(&self, chunk: usize, place: Place) -> Reserved {
        let Some(entry) = &self.chunks[chunk] else {
            unreachable!("slots are only taken from mapped chunks")
        };
        Reserved {
            rx: entry.chunk.executable(place.offset),
            rw: entry.chunk.writable(place.offset),
            chunk: chunk as u32,
            place,
        }
    }

    /// Finds space for `len` (at most a chunk): clean space first, then recycled space, then a
    /// new chunk.
    fn find(&mut self, len: usize) -> Result<(usize, Place), Error> {
        let page = page_size();
        let class = ChunkSlots::slab_class(len, page);
        let mut recycled = false;
        loop {
            let found = match class {
                Some(class) => self.take_slot(class),
                None => self.take_run(len.div_ceil(page)),
            };
            if let Some(found) = found {
                return Ok(found);
            }
            if !recycled && self.dirty_bytes() > 0 {
                recycled = true;
                // A failed recycling leaves the freed space unused; growing still works.
                let _ = self.recycle();
                continue;
            }
            self.grow(self.chunk_size, false)?;
        }
    }

    fn take_slot(&mut self, class: u16) -> Option<(usize, Place)> {
        let list = &mut self.lists.by_class[usize::from(class)];
        while let Some(&(c, p)) = list.last() {
            let slots = self.chunks[c as usize].as_mut()?.slots.as_mut()?;
            match slots.take_slot(p as usize, class) {
                Some((place, more)) => {
                    if !more {
                        list.pop();
                    }
                    return Some((c as usize, place));
                }
                None => {
                    list.pop();
                }
            }
        }
        // A fresh page, from the newest chunks first (older ones are usually full).
        for (c, entry) in self.chunks.iter_mut().enumerate().rev() {
            let Some(Entry {
                slots: Some(slots), ..
            }) = entry
            else {
                continue;
            };
            if let Some(p) = slots.new_slab_page(class) {
                let (place, more) = slots.take_slot(p, class)?;
                if more {
                    list.push((c as u32, p as u32));
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
            .find_map(|(c, entry)| Some((c, entry.as_mut()?.slots.as_mut()?.take_run(pages)?)))
    }

    fn dirty_bytes(&self) -> usize {
        self.chunks
            .iter()
            .flatten()
            .filter_map(|e| e.slots.as_ref())
            .map(ChunkSlots::dirty_bytes)
            .sum()
    }

    /// Maps a new chunk of `size` bytes (of the shared file, or of a file of its own) and
    /// returns its index.
    fn grow(&mut self, size: usize, own: bool) -> Result<usize, Error> {
        let (chunk, own_file) = if own {
            let file = MemFile::new().map_err(|source| Error::MemoryFile {
                operation: "create",
                size: size as u64,
                source,
            })?;
            let mut file = file;
            let offset = file.grow(size)?;
            (Chunk::map(&file, offset, size, None)?, Some(file))
        } else {
            let offset = self.file.grow(size)?;
            let at = self
                .reservation
                .as_ref()
                .and_then(|r| r.place(offset, size));
            (Chunk::map(&self.file, offset, size, at)?, None)
        };
        // The new addresses may have held code before (unmapped since): forget it everywhere.
        icache::sync_other_cores();
        let entry = Entry {
            slots: (!own).then(|| ChunkSlots::new(size, page_size())),
            chunk,
            _own_file: own_file,
        };
        self.stats.mapped_bytes += size;
        self.stats.chunks += 1;
        let index = match self.chunks.iter().position(Option::is_none) {
            Some(i) => {
                self.chunks[i] = Some(entry);
                i
            }
            None => {
                self.chunks.push(Some(entry));
                self.chunks.len() - 1
            }
        };
        Ok(index)
    }

    fn allocate_own_chunk(&mut self, len: usize) -> Result<Fresh, Error> {
        let size = round_to_pages(len);
        let c = self.grow(size, true)?;
        Ok(self.slot(
            c,
            Place {
                offset: 0,
                reserved: size,
            },
            len,
        ))
    }

    fn slot(&mut self, chunk: usize, place: Place, len: usize) -> Fresh {
        self.stats.committed_bytes = self.stats.committed_bytes.wrapping_add(len);
        self.stats.live_functions = self.stats.live_functions.wrapping_add(1);
        self.reserved(chunk, place).into_fresh(len)
    }

    /// Marks a slot's space freed. Returns a chunk of its own to unmap (outside the lock is not
    /// needed for correctness; the caller drops it).
    pub(super) fn release(&mut self, slot: &Slot) -> Option<Entry> {
        self.stats.committed_bytes = self.stats.committed_bytes.wrapping_sub(slot.len as usize);
        self.stats.live_functions = self.stats.live_functions.wrapping_sub(1);
        let c = slot.chunk as usize;
        let entry = self.chunks.get_mut(c)?.as_mut()?;
        match &mut entry.slots {
            Some(slots) => {
                slots.release(slot.place());
                None
            }
            None => {
                self.stats.mapped_bytes -= entry.chunk.size();
                self.stats.chunks -= 1;
                self.chunks[c].take()
            }
        }
    }

    pub(super) fn recycle(&mut self) -> Result<usize, Error> {
        let done = recycle::recycle(&self.file, &mut self.chunks, &mut self.lists)?;
        if done.pages > 0 {
            self.stats.recycles += 1;
            self.stats.recycled_pages += done.pages;
        }
        Ok(done.pages)
    }
}
