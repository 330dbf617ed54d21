//! A mutex that can be held across `fork`.
//!
//! `fork(2)` copies only the calling thread. A lock that another thread holds at that moment
//! stays locked in the child for ever, and the data behind it may be half updated. The fork
//! handlers (the pools' in `pool/fork.rs`, the observers' in `observe/fork.rs`, registered with
//! `pthread_atfork(3)`) therefore take every such lock before `fork` and release it on both
//! sides afterwards. That needs a lock that can
//! be taken and released without a guard object living on the stack between the handlers, and
//! re-initialised in the child, which `std::sync::Mutex` does not offer; a POSIX mutex does.
//!
//! Outside the fork handlers the lock is used through [`Lock::lock`] and its guard, like a
//! `std::sync::Mutex` without poisoning: every update under one is completed before any call
//! that could panic. Elsewhere than Unix (no `fork`) it is a `std::sync::Mutex`.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};

/// Mutual exclusion for `T`, with raw lock/unlock for the fork handlers.
pub(crate) struct Lock<T> {
    #[cfg(unix)]
    raw: UnsafeCell<libc::pthread_mutex_t>,
    #[cfg(not(unix))]
    raw: std::sync::Mutex<()>,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through the mutex, which serialises all access; `T: Send`
// because a guard may hand it to whichever thread holds the lock.
unsafe impl<T: Send> Send for Lock<T> {}
// SAFETY: as above: `&Lock<T>` gives access to `T` only while the mutex is held.
unsafe impl<T: Send> Sync for Lock<T> {}

/// Exclusive access to a [`Lock`]'s data; unlocks on drop.
pub(crate) struct LockGuard<'a, T> {
    lock: &'a Lock<T>,
    #[cfg(not(unix))]
    _held: std::sync::MutexGuard<'a, ()>,
}

impl<T> Lock<T> {
    /// An unlocked lock. It must not move once it was first locked (POSIX forbids copying a
    /// mutex in use); it lives in a `static` or behind an `Arc`.
    pub(crate) const fn new(data: T) -> Self {
        Lock {
            #[cfg(unix)]
            raw: UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER),
            #[cfg(not(unix))]
            raw: std::sync::Mutex::new(()),
            data: UnsafeCell::new(data),
        }
    }

    /// Waits for the lock and returns exclusive access to the data.
    pub(crate) fn lock(&self) -> LockGuard<'_, T> {
        #[cfg(unix)]
        {
            // SAFETY: `raw` is an initialised default mutex that does not move (see `new`).
            unsafe { self.lock_raw() };
            LockGuard { lock: self }
        }
        #[cfg(not(unix))]
        LockGuard {
            lock: self,
            _held: self.raw.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Locks without a guard, for the fork handlers.
    ///
    /// # Safety
    /// The caller must release it with [`unlock_raw`](Self::unlock_raw) on this thread, or
    /// [`reinit_in_child`](Self::reinit_in_child) in a forked child, and not lock it again
    /// before that.
    #[cfg(unix)]
    pub(crate) unsafe fn lock_raw(&self) {
        // SAFETY: a default (non-recursive, non-robust) mutex initialised in `new`. Locking it
        // fails only for other mutex kinds (EAGAIN, EDEADLK, EOWNERDEAD), so the result is
        // always 0 here (pthread_mutex_lock(3p)).
        unsafe { libc::pthread_mutex_lock(self.raw.get()) };
    }

    /// Releases a lock taken with [`lock_raw`](Self::lock_raw).
    ///
    /// # Safety
    /// This thread holds the lock through `lock_raw`, and no guard or reference from
    /// [`held_data`](Self::held_data) is used afterwards.
    #[cfg(unix)]
    pub(crate) unsafe fn unlock_raw(&self) {
        // SAFETY: the caller holds the mutex.
        unsafe { libc::pthread_mutex_unlock(self.raw.get()) };
    }

    /// Makes the lock unlocked again in a forked child, whoever held it in the parent.
    ///
    /// # Safety
    /// Only in a forked child, with no other thread (the child has one) and no reference to the
    /// data still in use.
    #[cfg(unix)]
    pub(crate) unsafe fn reinit_in_child(&self) {
        // SAFETY: the child has one thread, so nothing waits on or uses this mutex; writing the
        // initialiser over it is what pthread_atfork(3) suggests instead of unlocking.
        unsafe { self.raw.get().write(libc::PTHREAD_MUTEX_INITIALIZER) };
    }

    /// The data while the lock is held through [`lock_raw`](Self::lock_raw).
    ///
    /// # Safety
    /// This thread holds the lock through `lock_raw` (or is the only thread of a forked child),
    /// and the reference is not used after the lock is released.
    #[cfg(unix)]
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn held_data(&self) -> &mut T {
        // SAFETY: the caller holds the lock, so no other reference to the data exists.
        unsafe { &mut *self.data.get() }
    }
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while the lock is held.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard exists only while the lock is held, and `&mut self` makes this the
        // only reference.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: this guard was made by `Lock::lock`, which locked the mutex on this thread.
        unsafe {
            self.lock.unlock_raw()
        };
    }
}
