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
//! in a [`ThreadCounters`] that only it writes and the pool sums them. A thread that commits
//! into another pool, or exits, hands its unused slots back and folds its counts into the
//! pool's under the lock. Frees always go through the lock, which is where the freed space
//! becomes dirty.
//!
//! # Never an abort
//! The magazine lives on the heap, allocated fallibly, and the thread finds it through a
//! thread-local pointer with no destructor; a POSIX thread-specific key (`pthread_key_create(3)`)
//! frees it when the thread exits. A thread-local with a destructor would register that
//! destructor on first use, and the standard library aborts the process when registration
//! fails under memory pressure. Here every failure (no key, no memory) means the commit takes
//! the pool's lock instead.
//!
//! A magazine holds a `Weak` reference, so it never keeps a pool alive; it is used only when the
//! committing buffer's pool (held strongly) carries the same unique id, so it never hands out a
//! slot of a pool that is gone.

use std::cell::Cell;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use super::slot::{ClaimedSlot, ReservedSlot};
use super::state::SharedPool;
use super::stats::{CountersRef, ThreadCounters};
use crate::Error;

/// Slots a magazine takes per refill.
pub(super) const MAGAZINE: usize = 32;

/// A unique id for each pool (addresses can be reused, ids are not).
pub(super) fn next_pool_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// This thread's magazines for one pool.
struct Magazines {
    pool_id: u64,
    pool: Weak<SharedPool>,
    counters: ThreadCounters,
    /// Indexed by size class.
    by_class: Vec<Vec<ReservedSlot>>,
}

impl Magazines {
    fn counters_ref(&self) -> CountersRef {
        CountersRef(NonNull::from(&self.counters))
    }
}

impl Drop for Magazines {
    fn drop(&mut self) {
        let Some(pool) = self.pool.upgrade() else {
            return; // The pool and all its chunks are gone.
        };
        let mut state = pool.state.lock();
        for mag in &self.by_class {
            state.unreserve(mag);
        }
        state.retire_thread(self.counters_ref());
    }
}

thread_local! {
    /// This thread's magazines, owned through the thread-specific key (see the module docs).
    static CURRENT: Cell<*mut Magazines> = const { Cell::new(ptr::null_mut()) };
}

/// The key whose destructor frees a thread's magazines, or `None` if none could be made.
fn key() -> Option<libc::pthread_key_t> {
    static KEY: crate::memory::ExitKey = crate::memory::ExitKey::new();
    KEY.get(destroy)
}

/// The key's destructor: runs at thread exit with the thread's magazines.
unsafe extern "C" fn destroy(mags: *mut libc::c_void) {
    CURRENT.with(|c| c.set(ptr::null_mut()));
    // SAFETY: the key's value is only ever a pointer from `Box::into_raw` of Magazines, set by
    // `install`, and POSIX calls this once with it (then the value is null).
    drop(unsafe { Box::from_raw(mags.cast::<Magazines>()) });
}

/// Takes a slot of `class` for `len` bytes from this thread's magazine, refilling it under the
/// pool's lock when empty.
#[inline]
pub(super) fn take(pool: &Arc<SharedPool>, class: u16, len: usize) -> Result<ClaimedSlot, Error> {
    let hit = CURRENT.with(|c| {
        let mags = c.get();
        if mags.is_null() {
            return None;
        }
        // SAFETY: a non-null CURRENT points to this thread's live Magazines, which only this
        // thread uses; nothing else borrows it now (no re-entry on this path).
        let mags = unsafe { &mut *mags };
        if mags.pool_id != pool.id {
            return None;
        }
        let r = mags.by_class.get_mut(usize::from(class))?.pop()?;
        mags.counters.add(len);
        Some(r)
    });
    match hit {
        Some(r) => Ok(r.claim(len)),
        None => refill(pool, class, len),
    }
}

/// The slow path of [`take`]: (re)makes this thread's magazines for `pool` if needed, refills
/// the magazine of `class` under the lock and takes one slot. Without magazines (no memory, no
/// key) the slot comes straight from the pool under its lock.
#[cold]
fn refill(pool: &Arc<SharedPool>, class: u16, len: usize) -> Result<ClaimedSlot, Error> {
    let Some(mags) = magazines_for(pool) else {
        return pool.state.lock().allocate(len);
    };
    // SAFETY: `magazines_for` returns this thread's live Magazines; only this thread uses it
    // and no other reference to it is live.
    let mags = unsafe { &mut *mags.as_ptr() };
    let class_index = usize::from(class);
    if mags.by_class.len() <= class_index {
        if mags.by_class.try_reserve(class_index + 1).is_err() {
            return pool.state.lock().allocate(len);
        }
        mags.by_class.resize_with(class_index + 1, Vec::new);
    }
    let mag = &mut mags.by_class[class_index];
    if mag.is_empty() {
        if mag.try_reserve_exact(MAGAZINE).is_err() {
            return pool.state.lock().allocate(len);
        }
        pool.state.lock().reserve(class, MAGAZINE, mag)?;
    }
    let Some(r) = mag.pop() else {
        unreachable!("reserve returns at least one slot or an error")
    };
    mags.counters.add(len);
    Ok(r.claim(len))
}

/// This thread's magazines for `pool`, made (and the old pool's handed back) if needed.
fn magazines_for(pool: &Arc<SharedPool>) -> Option<NonNull<Magazines>> {
    let key = key()?;
    let current = CURRENT.with(Cell::get);
    if let Some(mags) = NonNull::new(current) {
        // SAFETY: this thread's live Magazines (see `take`).
        if unsafe { mags.as_ref() }.pool_id == pool.id {
            return Some(mags);
        }
    }
    let fresh = crate::memory::try_box(Magazines {
        pool_id: pool.id,
        pool: Arc::downgrade(pool),
        counters: ThreadCounters::default(),
        by_class: Vec::new(),
    })
    .ok()?;
    let registered = pool.state.lock().register_thread(fresh.counters_ref());
    registered.ok()?;
    let fresh = Box::into_raw(fresh);
    // SAFETY: `key` was made by pthread_key_create; the value is our own pointer.
    if unsafe { libc::pthread_setspecific(key, fresh.cast()) } != 0 {
        // SAFETY: not installed anywhere: we still own it. Dropping it unregisters it.
        drop(unsafe { Box::from_raw(fresh) });
        return None;
    }
    CURRENT.with(|c| c.set(fresh));
    if !current.is_null() {
        // Hand the old pool's slots back now that the key no longer names them.
        // SAFETY: `current` came from Box::into_raw and was owned by the key until the
        // pthread_setspecific above replaced it; nothing else refers to it.
        drop(unsafe { Box::from_raw(current) });
    }
    NonNull::new(fresh)
}

/// Returns this thread's unused slots of `pool` to it (so a recycling round can hand them out
/// in address order again).
pub(super) fn flush(pool: &SharedPool) {
    let current = CURRENT.with(Cell::get);
    let Some(mut mags) = NonNull::new(current) else {
        return;
    };
    // SAFETY: this thread's live Magazines (see `take`).
    let mags = unsafe { mags.as_mut() };
    if mags.pool_id != pool.id {
        return;
    }
    let mut state = pool.state.lock();
    for mag in &mut mags.by_class {
        state.unreserve(mag);
        mag.clear();
    }
}

/// In a forked child: forgets this thread's magazines, whose slots lie in chunks the child has
/// frozen. Their memory is left alone (it is tied to the parent's pool state).
pub(super) fn forget_after_fork() {
    CURRENT.with(|c| c.set(ptr::null_mut()));
    if let Some(key) = key() {
        // SAFETY: clearing our own key's value; the destructor then does not run for it.
        unsafe { libc::pthread_setspecific(key, ptr::null()) };
    }
}
