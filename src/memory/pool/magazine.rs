//! Per-thread magazines: small commits without taking the pool's lock.
//!
//! An uncontended lock costs two atomic read-modify-writes, as much as the rest of a 64-byte
//! commit together. So each thread keeps, for the pool it last committed into, a *magazine* of
//! up to [`MAGAZINE`] clean slots per size class, reserved for it under the lock in one go. A
//! commit pops a slot from its magazine: no lock and no atomic read-modify-write. Only an empty
//! magazine takes the lock, to refill (and, if the pool has no clean slot of the class, to
//! recycle or grow, as every commit would).
//!
//! Statistics stay exact without atomics on the commit path: each thread counts its own commits
//! in a [`ThreadCounters`] that only it writes (relaxed loads and stores) and the pool sums
//! them. A thread that commits into another pool, or exits, hands its unused slots back and
//! folds its counts into the pool's under the lock. Frees always go through the lock, which is
//! where the freed space becomes dirty.
//!
//! A magazine holds a `Weak` reference, so it never keeps a pool alive; it is used only when the
//! committing buffer's pool (held strongly) carries the same unique id, so it never hands out a
//! slot of a pool that is gone.

use std::cell::RefCell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use super::slots::Place;
use super::{lock, Backend, Fresh, Inner, Slot};
use crate::Error;

/// Slots a magazine takes per refill.
pub(super) const MAGAZINE: usize = 32;

/// A unique id for each pool (addresses can be reused, ids are not).
pub(super) fn next_pool_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A clean slot reserved for one thread.
#[derive(Clone, Copy)]
pub(super) struct Reserved {
    pub(super) rx: NonNull<u8>,
    pub(super) rw: NonNull<u8>,
    pub(super) chunk: u32,
    pub(super) place: Place,
}

impl Reserved {
    /// The slot, taken for a commit of `len` bytes.
    pub(super) fn into_fresh(self, len: usize) -> Fresh {
        Fresh {
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

/// One thread's commits into one pool. Written only by that thread; read by `stats`.
#[derive(Default)]
pub(super) struct ThreadCounters {
    functions: AtomicUsize,
    bytes: AtomicUsize,
}

impl ThreadCounters {
    fn add(&self, bytes: usize) {
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

/// This thread's magazines for one pool.
struct Cache {
    pool_id: u64,
    pool: Weak<Inner>,
    counters: Arc<ThreadCounters>,
    /// Indexed by size class.
    by_class: Vec<Vec<Reserved>>,
}

impl Cache {
    fn new(inner: &Arc<Inner>) -> Cache {
        let counters = Arc::new(ThreadCounters::default());
        if let Backend::Dual(d) = &inner.backend {
            lock(d).threads.push(counters.clone());
        }
        Cache {
            pool_id: inner.id,
            pool: Arc::downgrade(inner),
            counters,
            by_class: Vec::new(),
        }
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        let Some(inner) = self.pool.upgrade() else {
            return; // The pool and all its chunks are gone.
        };
        if let Backend::Dual(d) = &inner.backend {
            let mut d = lock(d);
            for mag in &self.by_class {
                d.unreserve(mag);
            }
            d.retire_counters(&self.counters);
        }
    }
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// Takes a slot of `class` for `len` bytes from this thread's magazine, refilling it under the
/// pool's lock when empty. Falls back to the lock alone while thread-local storage is being torn
/// down.
#[inline]
pub(super) fn take(inner: &Arc<Inner>, class: u16, len: usize) -> Result<Fresh, Error> {
    let taken = CACHE.try_with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            return None;
        };
        let hit = cache
            .as_mut()
            .filter(|c| c.pool_id == inner.id)
            .and_then(|c| {
                let r = c.by_class.get_mut(usize::from(class))?.pop()?;
                c.counters.add(len);
                Some(r)
            });
        Some(match hit {
            Some(r) => Ok(r),
            None => refill(&mut cache, inner, class, len),
        })
    });
    match taken {
        Ok(Some(result)) => Ok(result?.into_fresh(len)),
        _ => locked(inner, len),
    }
}

#[cold]
fn locked(inner: &Arc<Inner>, len: usize) -> Result<Fresh, Error> {
    match &inner.backend {
        Backend::Dual(d) => lock(d).allocate(len),
        Backend::PerBuffer(_) => unreachable!("magazines serve dual-mapped pools only"),
    }
}

/// The slow path of [`take`]: (re)creates this thread's cache for `inner` if needed, refills the
/// magazine of `class` under the lock and takes one slot.
#[cold]
fn refill(
    cache: &mut Option<Cache>,
    inner: &Arc<Inner>,
    class: u16,
    len: usize,
) -> Result<Reserved, Error> {
    if cache.as_ref().map(|c| c.pool_id) != Some(inner.id) {
        // Hand the old pool's slots back (Drop) before taking this pool's.
        *cache = None;
        *cache = Some(Cache::new(inner));
    }
    let Some(cache) = cache.as_mut() else {
        unreachable!("set just above")
    };
    let class_index = usize::from(class);
    if cache.by_class.len() <= class_index {
        cache.by_class.resize_with(class_index + 1, Vec::new);
    }
    let mag = &mut cache.by_class[class_index];
    if mag.is_empty() {
        let Backend::Dual(d) = &inner.backend else {
            unreachable!("magazines serve dual-mapped pools only")
        };
        mag.reserve_exact(MAGAZINE);
        lock(d).reserve(class, MAGAZINE, mag)?;
    }
    let Some(r) = mag.pop() else {
        unreachable!("reserve returns at least one slot or an error")
    };
    cache.counters.add(len);
    Ok(r)
}

/// Returns this thread's unused slots of `inner` to it (so a recycling round can hand them out
/// in address order again).
pub(super) fn flush(inner: &Inner) {
    let _ = CACHE.try_with(|cell| {
        if let Ok(mut cache) = cell.try_borrow_mut() {
            if let Some(c) = cache.as_mut().filter(|c| c.pool_id == inner.id) {
                if let Backend::Dual(d) = &inner.backend {
                    let mut d = lock(d);
                    for mag in &mut c.by_class {
                        d.unreserve(mag);
                        mag.clear();
                    }
                }
            }
        }
    });
}
