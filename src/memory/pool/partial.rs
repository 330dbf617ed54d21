//! The slab pages that still have clean free slots, listed by size class, so a commit finds a
//! slot of its class without scanning chunks.
//!
//! The lists are a cache of what the chunks' bookkeeping (`slots.rs`) says: a listed page may
//! have been exhausted since (the taker then drops it), and a page that is not listed is found
//! again by the next [`PartialPages::rebuild`] (after each recycling round). Lists only grow
//! with fallible allocation; a page that cannot be listed for lack of memory is simply not
//! reused before the next rebuild.

use super::slots::{ChunkSlots, GRANULE};
use crate::Error;

/// For each size class, slab pages with clean free slots, as (chunk, page).
pub(super) struct PartialPages {
    by_class: Box<[Vec<(u32, u32)>]>,
}

impl PartialPages {
    /// Empty lists for every size class of pages of `page_size` bytes.
    ///
    /// Errors: [`Error::OutOfMemory`] if the heap cannot hold the list heads.
    pub(super) fn new(page_size: usize) -> Result<Self, Error> {
        let classes = page_size / 2 / GRANULE + 1;
        let mut v = Vec::new();
        v.try_reserve_exact(classes)
            .map_err(|_| Error::OutOfMemory {
                what: "the pool's size-class lists",
                bytes: classes * std::mem::size_of::<Vec<(u32, u32)>>(),
            })?;
        v.resize_with(classes, Vec::new);
        Ok(PartialPages {
            by_class: v.into_boxed_slice(),
        })
    }

    /// The list of `class`.
    pub(super) fn of(&mut self, class: u16) -> &mut Vec<(u32, u32)> {
        &mut self.by_class[usize::from(class)]
    }

    /// Lists `page` of `chunk` under `class`, if the heap allows.
    pub(super) fn push(&mut self, class: u16, chunk: u32, page: u32) {
        let list = self.of(class);
        if list.try_reserve(1).is_ok() {
            list.push((chunk, page));
        }
    }

    /// Forgets every page.
    pub(super) fn clear(&mut self) {
        for l in self.by_class.iter_mut() {
            l.clear();
        }
    }

    /// Re-lists exactly the slab pages with clean free slots of the given chunks.
    pub(super) fn rebuild<'a>(&mut self, chunks: impl Iterator<Item = (u32, &'a ChunkSlots)>) {
        self.clear();
        for (c, slots) in chunks {
            slots.partial_pages(|page, class| self.push(class, c, page as u32));
        }
    }

    /// Heap bytes the lists use.
    pub(super) fn heap_bytes(&self) -> usize {
        self.by_class.len() * std::mem::size_of::<Vec<(u32, u32)>>()
            + self
                .by_class
                .iter()
                .map(|l| l.capacity() * std::mem::size_of::<(u32, u32)>())
                .sum::<usize>()
    }
}
