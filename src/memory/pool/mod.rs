//! Pooled executable memory: many commits share pages, freed space is reused.
//!
//! A dual-mapped [`CodePool`] (Linux) keeps its code in *regions*: anonymous memory files, each
//! mapped twice, a read+write view at a random address and a read+execute view, never both,
//! the descriptor closed once mapped (`chunk.rs`, `memfile.rs`). Regions are cut into *chunks*
//! (1 MiB by default) that have their own bookkeeping (`slots.rs`: size classes of 16-byte
//! granules, a bitmap per chunk, pages of one class each; larger commits take runs of whole
//! pages; commits larger than a chunk get pages of their own, `pages.rs`). A commit copies the
//! code through the writable view, synchronises the instruction cache on the executable
//! addresses and returns a pointer into the executable view. Small commits take their slot from
//! a per-thread magazine (`magazine.rs`) refilled under the pool's lock a few dozen slots at a
//! time, so in the steady state a commit is a pop, a copy and the cache maintenance: no system
//! call and no lock. The pool's state sits under one lock (`state.rs`) that the fork handlers
//! (`fork.rs`) can hold across `fork`.
//!
//! Freed slots are reused only after recycling (`recycle.rs`), which makes the old code
//! forgotten by other cores' pipelines and by emulators. Chunks are never moved or unmapped
//! while the pool lives, so committed code never moves.
//!
//! On macOS the pool's chunks are `MAP_JIT` mappings with the same slot bookkeeping, written
//! with per-thread write toggling and reused without re-mapping (`mapjit.rs`,
//! `Strategy::MapJit`).
//!
//! Elsewhere, or where memory files are unavailable, the pool gives each commit (or each
//! [`CodePool::commit_batch`]) pages of its own ([`Strategy::PerBuffer`]) with the same
//! guarantees and statistics.

#[cfg(target_os = "linux")]
mod chunk;
#[cfg(any(target_os = "linux", target_os = "macos"))]
mod fork;
#[cfg(target_os = "linux")]
mod magazine;
#[cfg(target_os = "macos")]
mod mapjit;
#[cfg(target_os = "linux")]
mod memfile;
#[cfg(target_os = "linux")]
mod partial;
#[cfg(target_os = "linux")]
mod recycle;
#[cfg(target_os = "linux")]
mod slot;
#[cfg(any(target_os = "linux", target_os = "macos"))]
#[cfg_attr(target_os = "macos", allow(dead_code))]
mod slots;
#[cfg(target_os = "linux")]
mod state;
mod stats;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[cfg(target_os = "linux")]
use self::state::{PoolState, SharedPool};
pub use self::stats::PoolStats;
use super::pages::{release_pages, OwnPages};
use super::provider::{Committed, Fill, Provider, Receipt};
use super::round_to_pages;
use crate::Error;

/// The default chunk size: 1 MiB.
const DEFAULT_CHUNK: usize = 1 << 20;

/// How a [`CodePool`] gets its memory.
///
/// # Threat model
/// Every strategy keeps W^X: no thread can ever write memory it can execute, so a bug that
/// lets an attacker *jump* somewhere does not by itself let them run bytes they wrote. On Linux
/// and Windows no mapping is ever writable and executable at once; on macOS
/// (`Strategy::MapJit`, and `PerBuffer` there) the rule holds per thread, as below.
/// What an attacker who can also *write* process memory at chosen addresses (a write
/// primitive) can do differs:
///
/// | | [`DualMapped`](Strategy::DualMapped) | [`PerBuffer`](Strategy::PerBuffer) |
/// |---|---|---|
/// | committed code's pages | read+execute; a second, writable view of the same pages exists for the pool's life | read+execute; no writable view exists |
/// | where that view is | a random address per region, unrelated to the code's (not a fixed offset); its address is in the pool's heap bookkeeping | — |
/// | the memory file's descriptor | closed after mapping (under qemu-user: kept, sealed against writes and writable mappings) | — |
/// | the writable window | always (the view) | while `commit`/`commit_batch` copies, on the committing thread, before any code in those pages runs |
/// | cost of a commit | no system call (steady state) | `mmap` + `mprotect` (+ `munmap` on drop); `commit_batch` shares them across a batch |
///
/// So with `DualMapped` an attacker who can write anywhere *and* find the writable view (by
/// reading the pool's bookkeeping, or `/proc/self/maps`) can rewrite live code; knowing where
/// the code is, or guessing from a fixed distance, no longer suffices, and no descriptor can
/// be used to write it. With `PerBuffer` committed code cannot be rewritten through any mapping
/// at all; the attacker would have to call `mprotect` themselves, which needs code execution
/// already. Neither strategy defends against an attacker who already runs code in the process.
/// On macOS the per-buffer pages are `MAP_JIT` memory writable only by the committing thread
/// while it copies (`pthread_jit_write_protect_np`).
///
/// With `Strategy::MapJit` (macOS) the pool's chunks are `MAP_JIT` mappings, mapped
/// read+write+execute as macOS requires, and no second view exists. Whether a thread may
/// write or execute them is a per-thread setting that the hardware enforces (Apple's APRR/SPRR
/// permission indirection: the page tables grant both, a per-thread register selects which
/// one applies), starting execute-only; the committing thread turns writes on only around its
/// copy, in which it runs no pooled code, and off again. So the writable window is the copy,
/// on the committing thread only, as with `PerBuffer`; other threads running code in the same
/// pages see it execute-only throughout. A write primitive alone cannot rewrite live code:
/// the pages are not writable in the running threads' views. An attacker who can also make a
/// thread call `pthread_jit_write_protect_np(0)` (needing control of execution), or who writes
/// while a commit's copy is in progress *from that same thread*, can; and the pool's
/// bookkeeping tells where its chunks are. The cost of a commit is no system call in the steady
/// state, like `DualMapped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// Regions of memory files mapped twice (read+write at a random address, read+execute);
    /// many commits share a page; commits make no system call in the steady state. Linux only.
    DualMapped,
    /// Pages of its own per commit (or per [`CodePool::commit_batch`]), filled read+write and
    /// published read+execute with one `mprotect`: the hardened choice, and the fallback where
    /// memory files (`memfd_create`) are unavailable or on other systems.
    PerBuffer,
    /// Chunks of one `MAP_JIT` mapping each, shared by many commits, written with this
    /// thread's writes enabled only around the copy (`pthread_jit_write_protect_np`), then the
    /// instruction cache invalidated (`sys_icache_invalidate`); commits make no system call
    /// in the steady state. Freed slots are reused without re-mapping (see the reuse rule on
    /// [`CodePool`]). macOS only, and the default there.
    #[cfg(target_os = "macos")]
    MapJit,
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
/// # Branch range
/// With `Strategy::DualMapped`, each new region of executable memory is mapped right above or
/// right below the pool's others, or where that address space is taken at the nearest free
/// address that keeps them all within 128 MiB, so as long as a pool's
/// executable memory totals at most 128 MiB, every function in it is within direct `bl`
/// reach (±128 MiB, A64) and `call rel32` reach (±2 GiB, x86-64) of every other, and a call
/// linked at commit from one to another (see [`Relocation`](crate::Relocation)) is a single
/// instruction. Where no such address is free, a region goes where the kernel puts it, and
/// such calls go through a veneer: still correct, one indirect jump slower. Commits larger
/// than a chunk get pages of their own, placed by the kernel. With `Strategy::PerBuffer`
/// every commit is placed by the kernel (which on Linux, top-down, usually keeps them close).
///
/// # The reuse rule
/// Space is freed only when its `CodeBuffer` drops. Every [`ExecPtr`](crate::ExecPtr) borrows
/// its buffer, so no safe code can still reach the old code when its space is freed, and
/// [`ExecPtr::as_fn`](crate::ExecPtr::as_fn) requires that its function pointer is not called
/// after the buffer drops. Freed space is not handed out again until it was recycled: the
/// executable view of its pages re-mapped in place (so emulators such as qemu drop what they
/// translated from the old code), and every core's pipeline synchronised with
/// `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)` on AArch64 Linux. With
/// `Strategy::MapJit` (macOS) freed slots are reused without re-mapping: the commit that
/// reuses a slot writes it on its own thread only (no other thread ever sees the pages
/// writable) and then invalidates the instruction cache for it on every core
/// (`sys_icache_invalidate`), as for a fresh slot.
///
/// # The recycle policy and its memory cost
/// Recycling costs system calls (one re-map per chunk with freed space, one `membarrier`), so
/// it is done in rounds, never per free: a commit that finds no clean slot of its size class
/// (and no clean page to start one) recycles *every* freed byte of the pool at once, and only
/// if that frees nothing usable maps a new chunk; [`recycle`](Self::recycle) starts a round at
/// once. Clean space is always preferred, so freed space accumulates until clean space runs
/// out, and a round then pays for all of it. The memory cost: the pool grows by a chunk only
/// when no freed byte can serve the commit, so mapped memory stays within one chunk of the
/// high-water mark of live code, plus the slots the threads' magazines hold (up to 32 per size
/// class and thread: 2 KiB per thread for 64-byte functions), plus size-class fragmentation (a
/// page holds slots of one class until it is empty). Pages are populated as they are first
/// handed out, 64 KiB at a time, so resident memory follows the same high-water mark, not the
/// chunk size. Chunks are never returned to the system while the pool lives.
///
/// # fork
/// A dual-mapped pool survives `fork` on both sides: the child keeps every inherited function
/// (now in private pages), never writes, frees into or recycles inherited memory, and commits
/// into memory of its own; the parent goes on unaffected. A fork while other threads use the
/// pool does not hang the child. The price is a copy of the pool's populated code at each
/// `fork` (`posix_spawn`, as `std::process::Command` uses, runs no fork handlers). A forked
/// child's pool starts with empty statistics. A `MAP_JIT` pool (macOS) survives `fork` the
/// same way at no cost: its chunks are private, so the child has its own copies, and the fork
/// handlers hold the pool's lock across the fork.
///
/// No mapping is ever both writable and executable, with either strategy (see [`Strategy`] for
/// what each leaves to an attacker).
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
    /// get pages of their own.
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

    /// Creates the pool. It maps nothing and reserves no address space until the first commit.
    /// Without a forced strategy it chooses as [`CodePool::new`] does.
    ///
    /// Errors: [`Error::MemoryFile`] if [`Strategy::DualMapped`] was forced and no memory file
    /// can be created (or it is not available on this system); [`Error::TooLarge`] if the chunk
    /// size exceeds the largest commit; [`Error::OutOfMemory`] if the pool's bookkeeping
    /// cannot be allocated.
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
            Some(Strategy::PerBuffer) => Backend::PerBuffer(PerBufferStats::default()),
            // perf looks perf-map names up only in anonymous executable mappings (its
            // `map__new` in tools/perf/util/map.c treats any other as a file to read symbols
            // from), and a dual-mapped pool's code is in a memory file.
            #[cfg(target_os = "linux")]
            None if crate::env::switch_on(crate::env::PERF_MAP) => {
                Backend::PerBuffer(PerBufferStats::default())
            }
            #[cfg(target_os = "macos")]
            Some(Strategy::MapJit) | None => map_jit(chunk_size)?,
            want => match dual_mapped(chunk_size) {
                Ok(pool) => pool,
                Err(e) if want.is_some() => return Err(e),
                Err(_) => Backend::PerBuffer(PerBufferStats::default()),
            },
        };
        Ok(CodePool {
            inner: Arc::new(Inner { backend }),
        })
    }
}

/// A dual-mapped backend, if this system can have one: a memory file can be made (tried once
/// here and closed, so a pool costs no descriptor until it grows) and the fork handlers are in
/// place.
#[cfg(target_os = "linux")]
fn dual_mapped(chunk_size: usize) -> Result<Backend, Error> {
    drop(memfile::MemFile::new().map_err(|source| Error::MemoryFile {
        operation: "create",
        size: 0,
        source,
    })?);
    let shared = Arc::new(SharedPool {
        id: magazine::next_pool_id(),
        chunk_size,
        state: super::lock::Lock::new(PoolState::new(chunk_size)?),
    });
    let weak: std::sync::Weak<dyn fork::ForkAware> = Arc::downgrade(&shared) as _;
    fork::register(weak)?;
    Ok(Backend::Dual(shared))
}

/// A `MAP_JIT` backend registered with the fork handlers.
///
/// Errors: [`Error::OutOfMemory`] if the fork handlers or their registry cannot be made.
#[cfg(target_os = "macos")]
fn map_jit(chunk_size: usize) -> Result<Backend, Error> {
    let pool = Arc::new(mapjit::JitPool::new(chunk_size));
    let weak: std::sync::Weak<dyn fork::ForkAware> = Arc::downgrade(&pool) as _;
    fork::register(weak)?;
    Ok(Backend::MapJit(pool))
}

#[cfg(not(target_os = "linux"))]
fn dual_mapped(_chunk_size: usize) -> Result<Backend, Error> {
    Err(Error::MemoryFile {
        operation: "create",
        size: 0,
        source: std::io::Error::from(std::io::ErrorKind::Unsupported),
    })
}

impl CodePool {
    /// A pool with 1 MiB chunks, dual-mapped where the system allows it, `MAP_JIT` on macOS,
    /// else per-buffer.
    ///
    /// With `JITKIT_PERF_MAP=1` in the environment, a Linux pool is per-buffer instead: perf
    /// names code from `/tmp/perf-<pid>.map` only in anonymous memory, and a dual-mapped
    /// pool's code lies in a memory file. [`with_strategy`](Self::with_strategy) keeps the
    /// strategy asked for; profile dual-mapped code with jitdump (`JITKIT_JITDUMP=1`).
    ///
    /// Errors: [`Error::OutOfMemory`] if the pool's bookkeeping cannot be allocated.
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
            #[cfg(target_os = "linux")]
            Backend::Dual(_) => Strategy::DualMapped,
            #[cfg(target_os = "macos")]
            Backend::MapJit(_) => Strategy::MapJit,
            Backend::PerBuffer(_) => Strategy::PerBuffer,
        }
    }

    /// A snapshot of the pool's memory use.
    pub fn stats(&self) -> PoolStats {
        match &self.inner.backend {
            #[cfg(target_os = "linux")]
            Backend::Dual(d) => d.state.lock().stats(),
            #[cfg(target_os = "macos")]
            Backend::MapJit(j) => j.stats(),
            Backend::PerBuffer(c) => c.get(),
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
            #[cfg(target_os = "linux")]
            Backend::Dual(d) => {
                // This thread's reserved slots go back first, so recycled space is handed out
                // lowest address first again.
                magazine::flush(d);
                d.state.lock().recycle()
            }
            #[cfg(target_os = "macos")]
            Backend::MapJit(j) => Ok(j.recycle()),
            Backend::PerBuffer(_) => Ok(0),
        }
    }

    /// Commits several functions at once and returns a committed buffer for each, in order.
    ///
    /// With [`Strategy::PerBuffer`] the whole batch shares one set of pages: one `mmap`, one
    /// `mprotect` to read+execute and one cache synchronisation for all of them, which suits a
    /// code generator that finishes a module at once; the pages are unmapped when the last of
    /// the buffers drops. Each function starts on a 16-byte boundary. With
    /// [`Strategy::DualMapped`] (or `Strategy::MapJit` on macOS) each function is committed as
    /// by
    /// [`CodeBuffer::commit`](crate::CodeBuffer::commit), which takes no system call anyway.
    ///
    /// ```
    /// use jitkit::{a64, CodePool, Strategy};
    ///
    /// let pool = CodePool::with_strategy(Strategy::PerBuffer)?;
    /// let module = [a64!(; mov x0, #1 ; ret)?, a64!(; mov x0, #2 ; ret)?];
    /// let bufs = pool.commit_batch(&module)?;
    /// assert_eq!(bufs.len(), 2);
    /// assert_eq!(pool.stats().chunks, 1); // one mapping for both
    /// # #[cfg(target_arch = "aarch64")]
    /// assert_eq!(unsafe { bufs[1].entry().unwrap().as_fn::<extern "C" fn() -> u64>() }(), 2);
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    ///
    /// Errors: those of `commit` for any function ([`Error::Empty`] for an empty one,
    /// [`Error::TooLarge`] also if the batch together exceeds the limit of one commit); on an
    /// error nothing of the batch stays committed.
    pub fn commit_batch<C: crate::Code>(
        &self,
        codes: &[C],
    ) -> Result<Vec<crate::CodeBuffer>, Error> {
        let mut out = Vec::new();
        out.try_reserve_exact(codes.len())
            .map_err(|_| Error::OutOfMemory {
                what: "a batch's buffers",
                bytes: codes.len() * std::mem::size_of::<crate::CodeBuffer>(),
            })?;
        match &self.inner.backend {
            Backend::PerBuffer(c) if !codes.is_empty() => {
                let mut lens = Vec::new();
                let mut images = Vec::new();
                let mut entries = Vec::new();
                lens.try_reserve_exact(codes.len())
                    .and_then(|()| images.try_reserve_exact(codes.len()))
                    .and_then(|()| entries.try_reserve_exact(codes.len()))
                    .map_err(|_| Error::OutOfMemory {
                        what: "a batch's layout",
                        bytes: codes.len() * 96,
                    })?;
                for code in codes {
                    let image = code.image();
                    lens.push(image.len()?);
                    entries.push(image.entries_owned()?);
                    images.push(image);
                }
                let committed = super::pages::commit_together(&images, &lens)?;
                let mut mapped = committed.first().map_or(0, |c| match c.receipt() {
                    Receipt::Batch(shared) => shared.size(),
                    _ => 0,
                });
                let each = committed.into_iter().zip(lens).zip(&images).zip(entries);
                for (((committed, len), image), entries) in each {
                    c.add(len, std::mem::take(&mut mapped));
                    out.push(crate::CodeBuffer::holding(self, committed, image, entries));
                }
            }
            _ => {
                for code in codes {
                    let buf = crate::CodeBuffer::in_pool(self);
                    buf.commit(code)?;
                    out.push(buf);
                }
            }
        }
        Ok(out)
    }

    /// Whether two handles are the same pool.
    pub fn ptr_eq(&self, other: &CodePool) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Provider for CodePool {
    /// Commits `code` into the pool. Inlined into `CodeBuffer::commit` so the slot stays in
    /// registers on the way (returning it through memory cost a store-forwarding stall).
    #[inline]
    fn commit(&self, code: &impl Fill, len: usize) -> Result<Committed, Error> {
        match &self.inner.backend {
            #[cfg(target_os = "linux")]
            Backend::Dual(d) => {
                let page = super::page_size();
                let mut claimed = match slots::ChunkSlots::slab_class(len, page) {
                    Some(class) => magazine::take(d, class, len)?,
                    None if len <= d.chunk_size => allocate_locked(d, len)?,
                    None => {
                        let own = OwnPages.commit(code, len)?;
                        d.state
                            .lock()
                            .count_own_pages(len, round_to_pages(len), true);
                        return Ok(own);
                    }
                };
                // SAFETY: the pool handed this slot to this commit alone; nothing runs it yet,
                // and the pool (held by `self`) keeps it mapped.
                let at = unsafe { claimed.executable() }.as_ptr() as usize;
                // SAFETY: as above.
                let written = code.fill(unsafe { claimed.writable() }, at);
                // SAFETY: as above.
                super::icache::sync_written(unsafe { claimed.executable() });
                // SAFETY: the code is in and synchronised; the slot is free again only when
                // the buffer gives this back through `release`.
                let committed = unsafe { claimed.into_committed() };
                match written {
                    Ok(()) => Ok(committed),
                    Err(e) => {
                        // Never handed out: the slot goes back, to be recycled like any other.
                        self.release(committed);
                        Err(e)
                    }
                }
            }
            #[cfg(target_os = "macos")]
            Backend::MapJit(j) => j.commit(code, len),
            Backend::PerBuffer(c) => {
                let own = OwnPages.commit(code, len)?;
                c.add(len, round_to_pages(len));
                Ok(own)
            }
        }
    }

    /// Returns a commit's space to the pool. Its `CodeBuffer` is being dropped.
    fn release(&self, committed: Committed) {
        let len = committed.code().len();
        match &self.inner.backend {
            #[cfg(target_os = "linux")]
            Backend::Dual(d) => match *committed.receipt() {
                Receipt::Slot {
                    chunk,
                    offset,
                    reserved,
                } => {
                    let place = slots::Place { offset, reserved };
                    d.state.lock().release(chunk, place, len);
                }
                Receipt::Pages { .. } | Receipt::Batch(_) => {
                    let unmapped = release_pages(committed);
                    d.state.lock().count_own_pages(len, unmapped, false);
                }
            },
            #[cfg(target_os = "macos")]
            Backend::MapJit(j) => j.release(committed),
            Backend::PerBuffer(c) => {
                let unmapped = release_pages(committed);
                c.remove(len, unmapped);
            }
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

struct Inner {
    backend: Backend,
}

enum Backend {
    #[cfg(target_os = "linux")]
    Dual(Arc<SharedPool>),
    /// Slots of `MAP_JIT` chunks (macOS).
    #[cfg(target_os = "macos")]
    MapJit(Arc<mapjit::JitPool>),
    /// Each commit owns its mapping; the pool only counts.
    PerBuffer(PerBufferStats),
}

/// The statistics of a per-buffer pool, kept with atomics (no lock a `fork` could catch held).
#[derive(Default)]
struct PerBufferStats {
    committed_bytes: AtomicUsize,
    live_functions: AtomicUsize,
    mapped_bytes: AtomicUsize,
    mappings: AtomicUsize,
}

impl PerBufferStats {
    /// Counts a commit of `len` bytes that mapped `mapped` bytes (0: it shares a batch's).
    fn add(&self, len: usize, mapped: usize) {
        self.committed_bytes.fetch_add(len, Ordering::Relaxed);
        self.live_functions.fetch_add(1, Ordering::Relaxed);
        if mapped > 0 {
            self.mapped_bytes.fetch_add(mapped, Ordering::Relaxed);
            self.mappings.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts the release of a commit of `len` bytes that unmapped `unmapped` bytes.
    fn remove(&self, len: usize, unmapped: usize) {
        self.committed_bytes.fetch_sub(len, Ordering::Relaxed);
        self.live_functions.fetch_sub(1, Ordering::Relaxed);
        if unmapped > 0 {
            self.mapped_bytes.fetch_sub(unmapped, Ordering::Relaxed);
            self.mappings.fetch_sub(1, Ordering::Relaxed);
        }
    }

    fn get(&self) -> PoolStats {
        PoolStats {
            committed_bytes: self.committed_bytes.load(Ordering::Relaxed),
            live_functions: self.live_functions.load(Ordering::Relaxed),
            mapped_bytes: self.mapped_bytes.load(Ordering::Relaxed),
            chunks: self.mappings.load(Ordering::Relaxed),
            ..PoolStats::default()
        }
    }
}

#[cfg(target_os = "linux")]
#[cold]
fn allocate_locked(d: &SharedPool, len: usize) -> Result<slot::ClaimedSlot, Error> {
    d.state.lock().allocate(len)
}

#[cfg(target_os = "linux")]
impl fork::ForkAware for SharedPool {
    fn before_fork(&self) {
        // SAFETY: released by `after_fork_in_parent` or re-initialised by
        // `after_fork_in_child`, on this thread, right after the fork.
        unsafe { self.state.lock_raw() };
        // SAFETY: the lock is held.
        unsafe { self.state.held_data() }.before_fork();
    }

    fn after_fork_in_parent(&self) {
        // SAFETY: `before_fork` took the lock on this thread.
        unsafe { self.state.held_data() }.after_fork_in_parent();
        // SAFETY: as above; the reference is no longer used.
        unsafe { self.state.unlock_raw() };
    }

    fn after_fork_in_child(&self) {
        // SAFETY: the child has one thread; `before_fork` took the lock before the fork.
        unsafe { self.state.held_data() }.after_fork_in_child();
        magazine::forget_after_fork();
        // SAFETY: in the child, one thread, the reference above no longer used.
        unsafe { self.state.reinit_in_child() };
    }
}
