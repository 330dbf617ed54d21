//! Bookkeeping of one chunk: which bytes are live, free, or freed but not yet reusable.
//!
//! Pure data, no system calls: the pool decides when to grow or recycle, this module only
//! records. A chunk is cut into pages; a page is either unassigned, a *slab* page cut into
//! equal slots of one size class (a multiple of [`GRANULE`] bytes, at most half a page), or part
//! of a *run* of whole pages holding one larger commit.
//!
//! Freed space is not reusable at once: under qemu (and before other cores' pipelines are
//! synchronised on hardware) the old instructions may still be seen at that address. A freed
//! slot or run is marked *dirty* and its page recorded; [`ChunkSlots::clean_dirty`] turns every
//! dirty slot of the chunk clean at once, after the pool has recycled the pages (see
//! `recycle.rs`).
//!
//! Memory per chunk: two bits per 16-byte granule (clean-free and dirty) and 8 bytes per page.
//! For 64-byte slots on 4 KiB pages that is one byte per slot and an eighth of a byte of page
//! data: far below the 16 bytes per slot allowed, and nothing is allocated per commit.

/// Slot sizes are multiples of this many bytes, so slots of 16-instruction functions waste
/// nothing and a slot start is always 16-byte aligned.
pub(super) const GRANULE: usize = 16;

/// `Page::class` of an unassigned page.
const UNASSIGNED: u16 = 0;
/// `Page::class` of a page that belongs to a run of whole pages.
const RUN: u16 = u16::MAX;

use std::ops::Range;

use crate::Error;

/// Plain data for which all-zero bytes are a valid value (the default one).
///
/// # Safety
/// Implementors must be valid, and equal to their default, when every byte is zero.
unsafe trait Zeroable: Default {}
// SAFETY: an integer of zero bytes is 0.
unsafe impl Zeroable for u64 {}
// SAFETY: `Page` is four u16s, all 0 in the default.
unsafe impl Zeroable for Page {}

/// `n` default values in a boxed slice, or [`Error::OutOfMemory`] instead of an abort. The
/// memory comes zeroed from the allocator (large blocks straight from the kernel), so pages of
/// a large chunk's bookkeeping are not made resident before they are used.
fn try_zeroed<T: Zeroable>(n: usize, what: &'static str) -> Result<Box<[T]>, Error> {
    let fail = || Error::OutOfMemory {
        what,
        bytes: n.saturating_mul(std::mem::size_of::<T>()),
    };
    if n == 0 || std::mem::size_of::<T>() == 0 {
        return Ok(Box::default());
    }
    let layout = std::alloc::Layout::array::<T>(n).map_err(|_| fail())?;
    // SAFETY: the layout has a non-zero size (n > 0, T not zero-sized).
    let p = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<T>();
    if p.is_null() {
        return Err(fail());
    }
    // SAFETY: `p` holds `n` zeroed Ts, which are valid (T: Zeroable), allocated with the
    // layout of `[T; n]`, which is how a Box<[T]> of that length frees it.
    Ok(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, n)) })
}

/// A fixed-size set of bits.
struct Bitmap {
    words: Box<[u64]>,
}

impl Bitmap {
    fn new(bits: usize) -> Result<Self, Error> {
        Ok(Bitmap {
            words: try_zeroed(bits.div_ceil(64), "a chunk's slot bitmap")?,
        })
    }

    fn get(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    fn clear(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// The first set bit in `start..end`.
    fn first_set(&self, start: usize, end: usize) -> Option<usize> {
        let mut i = start;
        while i < end {
            let w = self.words[i / 64] >> (i % 64);
            if w != 0 {
                let hit = i + w.trailing_zeros() as usize;
                return (hit < end).then_some(hit);
            }
            i = (i / 64 + 1) * 64;
        }
        None
    }

    /// Moves the bits of `other` in `range` into `self` (`self |= other; other = 0` there),
    /// a word at a time where the range covers whole words.
    fn move_from(&mut self, other: &mut Bitmap, range: Range<usize>) {
        let mut i = range.start;
        while i < range.end {
            if i.is_multiple_of(64) && i + 64 <= range.end {
                self.words[i / 64] |= std::mem::take(&mut other.words[i / 64]);
                i += 64;
            } else {
                if other.get(i) {
                    other.clear(i);
                    self.set(i);
                }
                i += 1;
            }
        }
    }

    /// Clears every bit in `range`.
    fn clear_range(&mut self, range: Range<usize>) {
        let mut i = range.start;
        while i < range.end {
            if i.is_multiple_of(64) && i + 64 <= range.end {
                self.words[i / 64] = 0;
                i += 64;
            } else {
                self.clear(i);
                i += 1;
            }
        }
    }

    fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// What one page is used for (8 bytes).
#[derive(Clone, Copy, Default)]
struct Page {
    /// [`UNASSIGNED`], [`RUN`], or the slot size in granules of a slab page.
    class: u16,
    /// Slab: live slots. Run: unused.
    live: u16,
    /// Slab: clean free slots.
    free: u16,
    /// Slab: freed slots awaiting recycling. Run: 1 if the run this page belongs to was freed.
    dirty: u16,
}

/// Where a slot or run lies in its chunk, and how long the commit in it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Place {
    /// Byte offset from the chunk's start.
    pub(super) offset: usize,
    /// Bytes reserved: the slot size, or the run's whole pages.
    pub(super) reserved: usize,
}

/// The bookkeeping of one chunk of `pages` pages.
pub(super) struct ChunkSlots {
    page_size: usize,
    pages: Box<[Page]>,
    /// One bit per granule: set at the start of each clean free slot.
    free: Bitmap,
    /// One bit per granule: set at the start of each dirty slot.
    dirty: Bitmap,
    /// One bit per page: set for unassigned (clean) pages.
    free_pages: Bitmap,
    /// One bit per page: set for pages holding dirty slots or a freed run.
    dirty_pages: Bitmap,
    unassigned: usize,
    dirty_bytes: usize,
    /// Set by the recycler between re-mapping the dirty pages and cleaning them.
    remapped: bool,
}

impl ChunkSlots {
    /// Bookkeeping for a fresh chunk: every page unassigned and clean.
    ///
    /// Errors: [`Error::OutOfMemory`] if the heap cannot hold it.
    pub(super) fn new(chunk_bytes: usize, page_size: usize) -> Result<Self, Error> {
        let pages = chunk_bytes / page_size;
        let mut free_pages = Bitmap::new(pages)?;
        for p in 0..pages {
            free_pages.set(p);
        }
        Ok(ChunkSlots {
            page_size,
            pages: try_zeroed(pages, "a chunk's page records")?,
            free: Bitmap::new(chunk_bytes / GRANULE)?,
            dirty: Bitmap::new(chunk_bytes / GRANULE)?,
            free_pages,
            dirty_pages: Bitmap::new(pages)?,
            unassigned: pages,
            dirty_bytes: 0,
            remapped: false,
        })
    }

    /// The slot size for `len` bytes of code in granules, or `None` if it takes whole pages.
    #[inline]
    pub(super) fn slab_class(len: usize, page_size: usize) -> Option<u16> {
        let class = len.div_ceil(GRANULE);
        (class * GRANULE <= page_size / 2).then_some(class as u16)
    }

    /// Takes a clean free slot from slab page `page` (which must be of class `class` and have
    /// one). Returns the place and whether the page still has clean free slots.
    pub(super) fn take_slot(&mut self, page: usize, class: u16) -> Option<(Place, bool)> {
        let p = &mut self.pages[page];
        if p.class != class || p.free == 0 {
            return None;
        }
        let per_page = self.page_size / GRANULE;
        let g = self
            .free
            .first_set(page * per_page, (page + 1) * per_page)?;
        self.free.clear(g);
        let p = &mut self.pages[page];
        p.free -= 1;
        p.live += 1;
        Some((
            Place {
                offset: g * GRANULE,
                reserved: usize::from(class) * GRANULE,
            },
            p.free > 0,
        ))
    }

    /// Takes up to `want` clean free slots from slab page `page` of class `class`, calling
    /// `take` with each. Returns how many were taken; the page is then exhausted unless that is
    /// `want`.
    pub(super) fn take_slots(
        &mut self,
        page: usize,
        class: u16,
        want: usize,
        mut take: impl FnMut(Place),
    ) -> usize {
        let p = self.pages[page];
        if p.class != class || p.free == 0 {
            return 0;
        }
        let per_page = self.page_size / GRANULE;
        let reserved = usize::from(class) * GRANULE;
        let mut taken = 0;
        for w in page * per_page / 64..(page + 1) * per_page / 64 {
            while taken < want && self.free.words[w] != 0 {
                let bit = self.free.words[w].trailing_zeros() as usize;
                self.free.words[w] &= self.free.words[w] - 1;
                take(Place {
                    offset: (w * 64 + bit) * GRANULE,
                    reserved,
                });
                taken += 1;
            }
        }
        let p = &mut self.pages[page];
        p.free -= taken as u16;
        p.live += taken as u16;
        taken
    }

    /// Makes an unassigned page a slab page of `class`, all slots clean and free. Returns the
    /// page, or `None` if the chunk has no unassigned page.
    pub(super) fn new_slab_page(&mut self, class: u16) -> Option<usize> {
        let page = self.free_pages.first_set(0, self.pages.len())?;
        self.free_pages.clear(page);
        self.unassigned -= 1;
        let slot = usize::from(class);
        let per_page = self.page_size / GRANULE;
        let slots = per_page / slot;
        for s in 0..slots {
            self.free.set(page * per_page + s * slot);
        }
        self.pages[page] = Page {
            class,
            live: 0,
            free: slots as u16,
            dirty: 0,
        };
        Some(page)
    }

    /// Takes a run of `count` consecutive unassigned pages, if the chunk has one.
    pub(super) fn take_run(&mut self, count: usize) -> Option<Place> {
        if self.unassigned < count {
            return None;
        }
        let n = self.pages.len();
        let mut start = 0;
        while let Some(first) = self.free_pages.first_set(start, n) {
            let mut end = first;
            while end < n && end - first < count && self.free_pages.get(end) {
                end += 1;
            }
            if end - first == count {
                for p in first..end {
                    self.free_pages.clear(p);
                    self.pages[p] = Page {
                        class: RUN,
                        ..Page::default()
                    };
                }
                self.unassigned -= count;
                return Some(Place {
                    offset: first * self.page_size,
                    reserved: count * self.page_size,
                });
            }
            start = end;
        }
        None
    }

    /// Makes a slot taken by [`take_slot`](Self::take_slot) but never used clean and free
    /// again. Returns the page and its class if the page had no clean free slot before (so it
    /// must be listed again).
    pub(super) fn unreserve(&mut self, place: Place) -> Option<(usize, u16)> {
        let page = place.offset / self.page_size;
        let g = place.offset / GRANULE;
        debug_assert!(!self.free.get(g) && !self.dirty.get(g));
        self.free.set(g);
        let p = &mut self.pages[page];
        p.live -= 1;
        p.free += 1;
        (p.free == 1).then_some((page, p.class))
    }

    /// Returns a place just taken and never written: a slot becomes clean and free again (as
    /// [`unreserve`](Self::unreserve), whose result this passes on), a run dirty.
    pub(super) fn give_back(&mut self, place: Place) -> Option<(usize, u16)> {
        if self.pages[place.offset / self.page_size].class == RUN {
            self.release(place);
            None
        } else {
            self.unreserve(place)
        }
    }

    /// Records that the slot or run at `place` was freed: it becomes dirty.
    pub(super) fn release(&mut self, place: Place) {
        let page = place.offset / self.page_size;
        if self.pages[page].class == RUN {
            for p in page..(place.offset + place.reserved) / self.page_size {
                self.pages[p].dirty = 1;
                self.dirty_pages.set(p);
            }
        } else {
            let g = place.offset / GRANULE;
            debug_assert!(!self.dirty.get(g) && !self.free.get(g));
            self.dirty.set(g);
            let p = &mut self.pages[page];
            p.live -= 1;
            p.dirty += 1;
            self.dirty_pages.set(page);
        }
        self.dirty_bytes += place.reserved;
    }

    /// Records that the dirty pages were re-mapped (see `recycle.rs`).
    pub(super) fn mark_remapped(&mut self) {
        self.remapped = true;
    }

    /// Whether the dirty pages were re-mapped since the last call; resets the mark.
    pub(super) fn take_remapped(&mut self) -> bool {
        std::mem::take(&mut self.remapped)
    }

    /// Bytes freed and awaiting recycling.
    pub(super) fn dirty_bytes(&self) -> usize {
        self.dirty_bytes
    }

    /// The smallest page range covering every dirty page, if any.
    pub(super) fn dirty_span(&self) -> Option<(usize, usize)> {
        let n = self.pages.len();
        let first = self.dirty_pages.first_set(0, n)?;
        let last = (first..n).rev().find(|&p| self.dirty_pages.get(p))?;
        Some((first, last + 1))
    }

    /// Makes every dirty slot and run clean and free; pages left with no live slot become
    /// unassigned. Only after the pages were recycled. Returns the number of pages cleaned.
    pub(super) fn clean_dirty(&mut self) -> usize {
        let n = self.pages.len();
        let per_page = self.page_size / GRANULE;
        let mut cleaned = 0;
        let mut at = 0;
        while let Some(page) = self.dirty_pages.first_set(at, n) {
            at = page + 1;
            self.dirty_pages.clear(page);
            cleaned += 1;
            let range = page * per_page..(page + 1) * per_page;
            let p = &mut self.pages[page];
            if p.class == RUN {
                *p = Page::default();
            } else {
                p.free += p.dirty;
                p.dirty = 0;
                let emptied = p.live == 0;
                self.free.move_from(&mut self.dirty, range.clone());
                if !emptied {
                    continue;
                }
                self.free.clear_range(range);
                *p = Page::default();
            }
            self.free_pages.set(page);
            self.unassigned += 1;
        }
        self.dirty_bytes = 0;
        cleaned
    }

    /// Calls `f(page, class)` for every slab page with clean free slots.
    pub(super) fn partial_pages(&self, mut f: impl FnMut(usize, u16)) {
        for (i, p) in self.pages.iter().enumerate() {
            if p.class != UNASSIGNED && p.class != RUN && p.free > 0 {
                f(i, p.class);
            }
        }
    }

    /// Heap bytes this bookkeeping uses.
    pub(super) fn heap_bytes(&self) -> usize {
        self.pages.len() * std::mem::size_of::<Page>()
            + self.free.bytes()
            + self.dirty.bytes()
            + self.free_pages.bytes()
            + self.dirty_pages.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = 4096;

    #[test]
    fn slab_slots_are_distinct_and_exhaust_the_page() {
        let mut s = ChunkSlots::new(4 * PAGE, PAGE).unwrap();
        let page = s.new_slab_page(4).unwrap();
        let mut seen = std::collections::HashSet::new();
        let mut more = true;
        while more {
            let (place, m) = s.take_slot(page, 4).unwrap();
            more = m;
            assert_eq!(place.reserved, 64);
            assert!(seen.insert(place.offset));
        }
        assert_eq!(seen.len(), PAGE / 64);
        assert!(s.take_slot(page, 4).is_none());
    }

    #[test]
    fn freed_slots_are_dirty_until_cleaned() {
        let mut s = ChunkSlots::new(PAGE, PAGE).unwrap();
        let page = s.new_slab_page(4).unwrap();
        let places: Vec<_> = (0..PAGE / 64)
            .map(|_| s.take_slot(page, 4).unwrap().0)
            .collect();
        s.release(places[3]);
        s.release(places[7]);
        assert_eq!(s.dirty_bytes(), 128);
        assert!(
            s.take_slot(page, 4).is_none(),
            "dirty slots must not be reused"
        );
        assert_eq!(s.dirty_span(), Some((0, 1)));
        assert_eq!(s.clean_dirty(), 1);
        assert_eq!(s.dirty_span(), None);
        let a = s.take_slot(page, 4).unwrap().0;
        let b = s.take_slot(page, 4).unwrap().0;
        assert_eq!((a, b), (places[3], places[7]));
    }

    #[test]
    fn an_emptied_page_becomes_unassigned_and_can_change_class() {
        let mut s = ChunkSlots::new(PAGE, PAGE).unwrap();
        let page = s.new_slab_page(4).unwrap();
        let (a, _) = s.take_slot(page, 4).unwrap();
        assert!(s.new_slab_page(8).is_none());
        s.release(a);
        s.clean_dirty();
        assert!(s.take_slot(page, 4).is_none());
        assert_eq!(s.new_slab_page(8), Some(page));
    }

    #[test]
    fn runs_take_consecutive_pages_and_return_them() {
        let mut s = ChunkSlots::new(8 * PAGE, PAGE).unwrap();
        let one = s.new_slab_page(4).unwrap();
        assert_eq!(one, 0);
        let run = s.take_run(3).unwrap();
        assert_eq!(run.offset, PAGE);
        assert_eq!(run.reserved, 3 * PAGE);
        assert!(s.take_run(5).is_none());
        assert_eq!(s.take_run(4).unwrap().offset, 4 * PAGE);
        s.release(run);
        assert_eq!(s.dirty_span(), Some((1, 4)));
        assert!(s.take_run(3).is_none());
        assert_eq!(s.clean_dirty(), 3);
        assert_eq!(s.take_run(3), Some(run));
    }

    #[test]
    fn size_classes_round_to_granules_up_to_half_a_page() {
        assert_eq!(ChunkSlots::slab_class(4, PAGE), Some(1));
        assert_eq!(ChunkSlots::slab_class(64, PAGE), Some(4));
        assert_eq!(ChunkSlots::slab_class(68, PAGE), Some(5));
        assert_eq!(ChunkSlots::slab_class(PAGE / 2, PAGE), Some(128));
        assert_eq!(ChunkSlots::slab_class(PAGE / 2 + 4, PAGE), None);
    }

    #[test]
    fn bookkeeping_stays_under_two_bytes_per_64_byte_slot() {
        let chunk = 1 << 20;
        let s = ChunkSlots::new(chunk, PAGE).unwrap();
        assert!(s.heap_bytes() * 64 / chunk < 2, "{} bytes", s.heap_bytes());
    }
}
