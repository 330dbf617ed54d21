//! Pooled executable memory: many commits share pages, freed space is reused.
//!
//! One [`CodePool`] owns an anonymous memory file and maps it in *chunks* (1 MiB by default),
//! each twice: a read+write view, never executable, and a read+execute view, never writable
//! (`chunk.rs`). A commit takes a slot (`slots.rs`: size classes of 16-byte granules, a bitmap
//! per chunk, pages of one class each; larger commits take runs of whole pages; commits larger
//! than a chunk get a chunk of their own), copies the code through the writable view,
//! synchronises the instruction cache on the executable addresses and returns a pointer into the
//! executable view. Small commits take their slot from a per-thread magazine (`magazine.rs`)
//! refilled under the pool's lock a few dozen slots at a time, so in the steady state a commit is
//! a pop, a copy and the cache maintenance: no system call and no lock.
//!
//! The chunks sit side by side in address space reserved when the pool is made, so their
//! mappings merge: a pool costs a handful of mappings however large it grows.
//!
//! Freed slots are reused only after recycling (`recycle.rs`), which makes the old code
//! forgotten by other cores' pipelines and by emulators. Chunks are never moved or unmapped
//! while the pool lives, so committed code never moves; a chunk of its own is unmapped when its
//! one commit is freed.
//!
//! Where memory files are unavailable the pool falls back to one mapping per commit
//! ([`Strategy::PerBuffer`]) with the same guarantees and statistics.

mod chunk;
mod dual;
mod magazine;
mod recycle;
mod slots;

use std::fmt;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, MutexGuard};

use self::chunk::MemFile;
use self::dual::Dual;
use self::slots::{ChunkSlots, Place};
use super::mapping::Mapping;
use super::{copy_code, icache, page_size, round_to_pages};
use crate::{Error, Instruction};

/// The default chunk size: 1 MiB.
const DEFAULT_CHUNK: usize = 1 << 20;

/// How a [`CodePool`] gets its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// Chunks of a memory file mapped twice (read+write and read+execute); many commits share a
    /// page; commits make no system call in the steady state.
    DualMapped,
    /// One private mapping per commit, filled read+write and sealed read+execute: the
    /// fallback where memory files (`memfd_create`) are unavailable.
    PerBuffer,
}

/// A snapshot of a pool's memory use, from [`CodePool::stats`].
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
    /// Chunks mapped ([`Strategy::DualMapped`]), or mappings ([`Strategy::PerBuffer`]).
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

/// A shared, thread-safe pool of executable memory for [`CodeBuffer`](crate::CodeBuffer)s.
///
/// ```
/// use jitkit::{a64, CodeBuffer, CodePool};
///
/// let pool = CodePool::new()?;
/// let code = a64!(; mov x0, #7 ; ret)?;
/// let buf = CodeBuffer::in_pool(&pool);
/// let entry = buf.commit(&code)?;
/// # #[cfg(target_arch = "aarch64")]
/// assert_eq!(unsafe { entry.as_fn::<extern "C" fn() -> u64>() }(), 7);
/// assert_eq!(pool.stats().live_functions, 1);
/// drop(buf); // the space returns to the pool
/// assert_eq!(pool.stats().live_functions, 0);
/// # Ok::<(), jitkit::Error>(())
/// ```
///
/// `CodePool` is a cheap handle (an `Arc`): clone it freely, share it between threads. Each
/// pooled `CodeBuffer` holds the pool alive, so the memory outlives every buffer in it.
///
/// Each thread that commits keeps a few clean slots per size class reserved (up to 32, for the
/// pool it last committed into), so commits need no lock; they are handed back when the thread
/// commits into another pool or exits, or by [`recycle`](Self::recycle) on that thread.
///
/// # The reuse rule
/// Space is freed only when its `CodeBuffer` drops. Every [`ExecPtr`](crate::ExecPtr) borrows
/// its buffer, so no safe code can still reach the old code when its space is freed, and
/// [`ExecPtr::as_fn`](crate::ExecPtr::as_fn) requires that its function pointer is not called
/// after the buffer drops. Freed space is not handed out again until it was recycled: the
/// executable view of its pages re-mapped in place (so emulators such as qemu drop what they
/// translated from the old code), and every core's pipeline synchronised with
/// `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)` on AArch64 Linux. Recycling happens
/// in batches, when a commit finds no clean space, or when [`recycle`](Self::recycle) is called.
///
/// No mapping is ever both writable and executable, with either strategy.
#[derive(Clone)]
pub struct CodePool {
    inner: Arc<Inner>,
}

/// Options for a [`CodePool`], from [`CodePool::builder`].
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    chunk_size: usize,
    strategy: Option<Strategy>,
}

impl PoolBuilder {
    /// Bytes per chunk (default 1 MiB), rounded up to whole pages. Commits larger than a chunk
    /// get a chunk of their own.
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes;
        self
    }

    /// Forces a strategy instead of choosing at run time. [`Strategy::DualMapped`] then fails
    /// with [`Error::MemoryFile`] where memory files are unavailable.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = Some(strategy);
        self
    }

    /// Creates the pool. It reserves address space for its chunks (no memory) and maps nothing
    /// until the first commit.
    ///
    /// Errors: [`Error::MemoryFile`] if [`Strategy::DualMapped`] was forced and no memory file
    /// can be created; [`Error::TooLarge`] if the chunk size exceeds the largest commit.
    pub fn build(self) -> Result<CodePool, Error> {
        if self.chunk_size > super::MAX_CODE_BYTES {
            return Err(Error::TooLarge {
                instructions: self.chunk_size / 4,
                bytes: self.chunk_size as u128,
                limit: super::MAX_CODE_BYTES,
            });
        }
        let chunk_size = round_to_pages(self.chunk_size.max(1));
        let backend = match self.strategy {
            Some(Strategy::PerBuffer) => Backend::PerBuffer(Mutex::default()),
            want => match MemFile::new() {
                Ok(file) => Backend::Dual(Mutex::new(Dual::new(file, chunk_size))),
                Err(source) if want.is_some() => {
                    return Err(Error::MemoryFile {
                        operation: "create",
                        size: 0,
                        source,
                    })
                }
                Err(_) => Backend::PerBuffer(Mutex::default()),
            },
        };
        Ok(CodePool {
            inner: Arc::new(Inner {
                id: magazine::next_pool_id(),
                backend,
            }),
        })
    }
}

impl CodePool {
    /// A pool with 1 MiB chunks, dual-mapped where the system allows it, else per-buffer.
    ///
    /// Errors: none today on Linux (the fallback always works); the `Result` leaves room for
    /// systems where neither strategy is available.
    pub fn new() -> Result<CodePool, Error> {
        Self::builder().build()
    }

    /// A pool that uses `strategy` (for tests of the fallback, or to insist on dual mapping).
    pub fn with_strategy(strategy: Strategy) -> Result<CodePool, Error> {
        Self::builder().strategy(strategy).build()
    }

    /// Options: chunk size and strategy.
    pub fn builder() -> PoolBuilder {
        PoolBuilder {
            chunk_size: DEFAULT_CHUNK,
            strategy: None,
        }
    }

    /// The strategy in use.
    pub fn strategy(&self) -> Strategy {
        match self.inner.backend {
            Backend::Dual(_) => Strategy::DualMapped,
            Backend::PerBuffer(_) => Strategy::PerBuffer,
        }
    }

    /// A snapshot of the pool's memory use.
    pub fn stats(&self) -> PoolStats {
        match &self.inner.backend {
            Backend::Dual(d) => lock(d).stats(),
            Backend::PerBuffer(c) => *lock(c),
        }
    }

    /// Recycles all freed space now (see the reuse rule above) instead of when a commit first
    /// runs out of clean space. Returns the number of pages made reusable (always 0 for
    /// [`Strategy::PerBuffer`], which returns memory at once).
    ///
    /// Errors: [`Error::Protect`] if no page could be re-mapped; the freed space then stays
    /// unused.
    pub fn recycle(&self) -> Result<usize, Error> {
        match &self.inner.backend {
            Backend::Dual(d) => {
                // This thread's reserved slots go back first, so recycled space is handed out
                // lowest address first again.
                magazine::flush(&self.inner);
                lock(d).recycle()
            }
            Backend::PerBuffer(_) => Ok(0),
        }
    }

    /// Whether two handles are the same pool.
    pub fn ptr_eq(&self, other: &CodePool) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Commits `code` into the pool. Inlined into `CodeBuffer::commit` so the slot stays in
    /// registers on the way (returning it through memory cost a store-forwarding stall).
    #[inline]
    pub(crate) fn commit(&self, code: &[Instruction]) -> Result<Block, Error> {
        let len = super::code_size(code)?;
        match &self.inner.backend {
            Backend::Dual(d) => {
                let mut fresh = match ChunkSlots::slab_class(len, page_size()) {
                    Some(class) => magazine::take(&self.inner, class, len)?,
                    None => allocate_locked(d, len)?,
                };
                // SAFETY: the pool handed this slot to this commit alone; nothing runs it yet.
                let dst = unsafe { fresh.writable() };
                copy_code(dst, code);
                icache::sync_written(fresh.slot.code());
                Ok(Block::Slot(fresh.slot))
            }
            Backend::PerBuffer(c) => {
                let mapping = Mapping::with_code(code, len)?;
                let mut c = lock(c);
                c.committed_bytes += len;
                c.live_functions += 1;
                c.mapped_bytes += round_to_pages(len);
                c.chunks += 1;
                Ok(Block::Mapping(mapping))
            }
        }
    }

    /// Returns a block's space to the pool. Its `CodeBuffer` is being dropped.
    pub(crate) fn release(&self, block: Block) {
        match (&self.inner.backend, block) {
            (Backend::Dual(d), Block::Slot(slot)) => {
                let retired = lock(d).release(&slot);
                drop(retired);
            }
            (Backend::PerBuffer(c), Block::Mapping(m)) => {
                let len = m.code().len();
                drop(m);
                let mut c = lock(c);
                c.committed_bytes -= len;
                c.live_functions -= 1;
                c.mapped_bytes -= round_to_pages(len);
                c.chunks -= 1;
            }
            // A block always comes from the pool that releases it (the buffer keeps both).
            (_, block) => drop(block),
        }
    }
}

impl fmt::Debug for CodePool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodePool")
            .field("strategy", &self.strategy())
            .field("stats", &self.stats())
            .finish()
    }
}

/// Committed code in a pool: what a pooled `CodeBuffer` holds.
pub(crate) enum Block {
    Slot(Slot),
    Mapping(Mapping),
}

impl Block {
    /// The committed code, readable and executable.
    pub(crate) fn code(&self) -> &[u8] {
        match self {
            Block::Slot(s) => s.code(),
            Block::Mapping(m) => m.code(),
        }
    }
}

/// A slot just taken for a commit, with the address of its bytes in the writable view (kept
/// only until the code is copied in).
struct Fresh {
    slot: Slot,
    rw: NonNull<u8>,
}

impl Fresh {
    /// The slot's code bytes in the writable view.
    ///
    /// # Safety
    /// Only the committer, once, before the code is published.
    unsafe fn writable(&mut self) -> &mut [u8] {
        // SAFETY: the range is inside a chunk's writable view and the caller has it exclusively.
        unsafe { std::slice::from_raw_parts_mut(self.rw.as_ptr(), self.slot.len as usize) }
    }
}

/// A slot in a dual-mapped chunk.
pub(crate) struct Slot {
    /// Start of the code in the executable view.
    rx: NonNull<u8>,
    len: u32,
    chunk: u32,
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
    fn code(&self) -> &[u8] {
        // SAFETY: `len` bytes from `rx` lie in a chunk's executable view, mapped readable for as
        // long as the pool lives, which is at least as long as this slot; they change only while
        // the slot is being committed, through `writable`, before any reference is handed out.
        unsafe { std::slice::from_raw_parts(self.rx.as_ptr(), self.len as usize) }
    }

    fn place(&self) -> Place {
        Place {
            offset: self.offset as usize,
            reserved: self.reserved as usize,
        }
    }
}

struct Inner {
    /// Unique among all pools ever made (see `magazine.rs`).
    id: u64,
    backend: Backend,
}

enum Backend {
    Dual(Mutex<Dual>),
    /// Statistics only: each commit owns its mapping.
    PerBuffer(Mutex<PoolStats>),
}

#[cold]
fn allocate_locked(d: &Mutex<Dual>, len: usize) -> Result<Fresh, Error> {
    lock(d).allocate(len)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every update under these locks is completed before any call that could panic, so the
    // state is consistent even if a holder panicked.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
