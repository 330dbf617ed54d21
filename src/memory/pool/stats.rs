//! What a pool reports about its memory: [`PoolStats`], and the per-thread counters that keep
//! it exact without atomic read-modify-writes on the commit path.

#[cfg(target_os = "linux")]
use std::ptr::NonNull;
#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicUsize, Ordering};

/// A snapshot of a pool's memory use, from [`CodePool::stats`](crate::CodePool::stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// Bytes of live code: the sum of the lengths of every commit not yet freed.
    pub committed_bytes: usize,
    /// Live commits (functions).
    pub live_functions: usize,
    /// Bytes of memory mapped for code. Each byte of a chunk is seen through two views but
    /// backed once, and counted once.
    pub mapped_bytes: usize,
    /// Chunks mapped ([`Strategy::DualMapped`](crate::Strategy::DualMapped)), plus one mapping
    /// per commit that has pages of its own (every commit with
    /// [`Strategy::PerBuffer`](crate::Strategy::PerBuffer), commits larger than a chunk with the
    /// other strategies).
    pub chunks: usize,
    /// Bytes reserved for freed commits, reusable after the next recycling round.
    pub freed_bytes: usize,
    /// Recycling rounds so far.
    pub recycles: usize,
    /// Pages made reusable by recycling so far.
    pub recycled_pages: usize,
    /// Heap bytes of the pool's own bookkeeping (bitmaps, page records, lists).
    pub bookkeeping_bytes: usize,
}

#[cfg(target_os = "linux")]
/// One thread's commits into one pool. Written only by that thread; read by `stats`.
#[derive(Default)]
pub(super) struct ThreadCounters {
    functions: AtomicUsize,
    bytes: AtomicUsize,
}

#[cfg(target_os = "linux")]
impl ThreadCounters {
    /// Counts one commit of `bytes`. Only the owning thread calls this.
    #[inline]
    pub(super) fn add(&self, bytes: usize) {
        // Only the owning thread writes, so load + store loses nothing.
        let f = self.functions.load(Ordering::Relaxed);
        self.functions.store(f + 1, Ordering::Relaxed);
        let b = self.bytes.load(Ordering::Relaxed);
        self.bytes.store(b + bytes, Ordering::Relaxed);
    }

    /// (functions, bytes) committed so far.
    pub(super) fn get(&self) -> (usize, usize) {
        (
            self.functions.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }
}

#[cfg(target_os = "linux")]
/// A thread's counters as the pool lists them: a pointer into that thread's magazine, which
/// removes it from the pool (under the pool's lock) before it is freed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct CountersRef(pub(super) NonNull<ThreadCounters>);

#[cfg(target_os = "linux")]
// SAFETY: the counters are atomics, readable from any thread; the pointer stays valid while it
// is listed (see above).
unsafe impl Send for CountersRef {}

#[cfg(target_os = "linux")]
impl CountersRef {
    /// The counts.
    ///
    /// # Safety
    /// The reference is still listed by its pool (so its magazine is alive).
    pub(super) unsafe fn get(&self) -> (usize, usize) {
        // SAFETY: the caller guarantees the magazine, and so the counters, are alive.
        unsafe { self.0.as_ref() }.get()
    }
}
