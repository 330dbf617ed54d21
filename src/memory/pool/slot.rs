//! The handles a dual-mapped pool gives out: a slot reserved for a thread, a slot claimed for
//! one commit (with its writable address), and a committed slot (executable address only).

use std::ptr::NonNull;

use super::slots::Place;

/// A clean slot reserved for one commit or one thread's magazine, with both of its addresses.
#[derive(Clone, Copy)]
pub(super) struct ReservedSlot {
    pub(super) rx: NonNull<u8>,
    pub(super) rw: NonNull<u8>,
    pub(super) chunk: u32,
    pub(super) place: Place,
}

impl ReservedSlot {
    /// The slot, claimed for a commit of `len` bytes (at most `place.reserved`).
    pub(super) fn claim(self, len: usize) -> ClaimedSlot {
        ClaimedSlot {
            slot: Slot {
                rx: self.rx,
                len: len as u32,
                chunk: self.chunk,
                offset: self.place.offset as u32,
                reserved: self.place.reserved as u32,
            },
            rw: self.rw,
        }
    }
}

/// A slot claimed by one commit, which alone may write it before publishing the code.
pub(super) struct ClaimedSlot {
    pub(super) slot: Slot,
    rw: NonNull<u8>,
}

impl ClaimedSlot {
    /// The slot's code bytes in the writable view.
    ///
    /// # Safety
    /// Only the committer that claimed the slot, before the code is published, while the pool
    /// lives.
    pub(super) unsafe fn writable(&mut self) -> &mut [u8] {
        // SAFETY: `len` bytes from `rw` lie in a chunk's writable view (the slot is inside its
        // chunk), and the caller has them exclusively.
        unsafe { std::slice::from_raw_parts_mut(self.rw.as_ptr(), self.slot.len as usize) }
    }
}

/// A slot holding committed code.
pub(crate) struct Slot {
    /// Start of the code in the executable view.
    rx: NonNull<u8>,
    pub(super) len: u32,
    pub(super) chunk: u32,
    offset: u32,
    reserved: u32,
}

// SAFETY: a Slot names pool memory that stays mapped while the slot lives (the CodeBuffer that
// holds it also holds the pool); its code is immutable once committed, so sharing and sending
// the addresses across threads is sound.
unsafe impl Send for Slot {}
// SAFETY: as above; `&Slot` only gives read access to immutable code.
unsafe impl Sync for Slot {}

impl Slot {
    /// The committed code, readable and executable.
    pub(crate) fn code(&self) -> &[u8] {
        // SAFETY: `len` bytes from `rx` lie in a chunk's executable view, mapped readable for as
        // long as the pool lives, which is at least as long as this slot; they change only while
        // the slot is being committed, through `ClaimedSlot::writable`, before any reference is
        // handed out.
        unsafe { std::slice::from_raw_parts(self.rx.as_ptr(), self.len as usize) }
    }

    /// Where the slot lies in its chunk.
    pub(super) fn place(&self) -> Place {
        Place {
            offset: self.offset as usize,
            reserved: self.reserved as usize,
        }
    }
}
