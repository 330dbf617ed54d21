//! The handles a dual-mapped pool gives out: a slot reserved for a commit or a thread's
//! magazine, and a slot claimed for one commit (with its writable address), which becomes a
//! [`Committed`] with a [`Receipt::Slot`] once the code is in.

use std::ptr::NonNull;

use super::slots::Place;
use crate::memory::provider::{Committed, Receipt};

/// A clean slot reserved for one commit or one thread's magazine, with both of its addresses.
///
/// 32 bytes, so that it is copied as two aligned 16-byte halves: a 40-byte one is read back
/// after the magazine's pop through a misaligned 16-byte load that no store can forward to.
#[derive(Clone, Copy)]
pub(super) struct ReservedSlot {
    rx: NonNull<u8>,
    rw: NonNull<u8>,
    chunk: u32,
    /// The slot's [`Place`], narrowed: a chunk is at most 1 GiB (`PoolBuilder::build`).
    offset: u32,
    reserved: u32,
}

impl ReservedSlot {
    /// Slot `place` of chunk `chunk`, at `rx` in the executable view and `rw` in the writable
    /// one. Chunks are at most 1 GiB (`PoolBuilder::build`), so every field fits 32 bits.
    #[inline]
    pub(super) fn new(rx: NonNull<u8>, rw: NonNull<u8>, chunk: usize, place: Place) -> Self {
        ReservedSlot {
            rx,
            rw,
            chunk: chunk as u32,
            offset: place.offset as u32,
            reserved: place.reserved as u32,
        }
    }

    /// The chunk the slot lies in.
    pub(super) fn chunk(&self) -> usize {
        self.chunk as usize
    }

    /// Where the slot lies in its chunk.
    pub(super) fn place(&self) -> Place {
        Place {
            offset: self.offset as usize,
            reserved: self.reserved as usize,
        }
    }

    /// The slot, claimed for a commit of `len` bytes (at most `place.reserved`).
    #[inline]
    pub(super) fn claim(self, len: usize) -> ClaimedSlot {
        ClaimedSlot { slot: self, len }
    }
}

/// A slot claimed by one commit, which alone may write it before publishing the code.
pub(super) struct ClaimedSlot {
    slot: ReservedSlot,
    len: usize,
}

impl ClaimedSlot {
    /// The slot's code bytes in the writable view.
    ///
    /// # Safety
    /// Only the committer that claimed the slot, before the code is published, while the pool
    /// lives.
    #[inline]
    pub(super) unsafe fn writable(&mut self) -> &mut [u8] {
        // SAFETY: `len` bytes from `rw` lie in a chunk's writable view (the slot is inside its
        // chunk and `len <= reserved`), and the caller has them exclusively.
        unsafe { std::slice::from_raw_parts_mut(self.slot.rw.as_ptr(), self.len) }
    }

    /// The slot's code bytes in the executable view.
    ///
    /// # Safety
    /// While the pool lives and the slot is not released.
    #[inline]
    pub(super) unsafe fn executable(&self) -> &[u8] {
        // SAFETY: `len` bytes from `rx` lie in a chunk's executable view, mapped readable
        // while the pool lives.
        unsafe { std::slice::from_raw_parts(self.slot.rx.as_ptr(), self.len) }
    }

    /// The committed code, for its buffer to hold.
    ///
    /// # Safety
    /// The code was copied in and synchronised; the pool will not hand the slot out again
    /// before it is released with the returned value.
    #[inline]
    pub(super) unsafe fn into_committed(self) -> Committed {
        let receipt = Receipt::Slot {
            chunk: self.slot.chunk as usize,
            offset: self.slot.offset as usize,
            reserved: self.slot.reserved as usize,
        };
        // SAFETY: the slot's executable bytes stay mapped and unchanged until released (the
        // caller's promise and the pool's reuse rule).
        unsafe { Committed::new(self.slot.rx, self.len, receipt) }
    }
}
