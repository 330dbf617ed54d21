//! Pools across `fork(2)`: both processes keep their code, neither touches the other's.
//!
//! A dual-mapped pool's two views are `MAP_SHARED` mappings of one memory file, so after a
//! plain `fork` parent and child would share the pages while each kept its own copy of the
//! bookkeeping: both would hand out the same free slots and overwrite each other's code, and
//! the parent's recycling would rewrite code the child still runs. A lock held by another
//! thread at the moment of the fork would stay locked in the child for ever.
//!
//! The handlers registered here with `pthread_atfork(3)` prevent all of that:
//!
//! - **before** `fork`, in the forking thread: take every pool's lock (so no thread is half way
//!   through an update, and the child inherits consistent state), and copy each chunk's
//!   populated code into a private read+execute mapping;
//! - **after**, in the parent: drop the copies and release the locks;
//! - **after**, in the child (one thread): move each copy over its chunk's executable view
//!   (`mremap`, so every inherited function keeps its address and bytes, now private to the
//!   child), give up the writable views (also marked `MADV_DONTFORK`), the memory file and the
//!   thread magazines, freeze every inherited chunk and start afresh, then re-initialise the
//!   locks. The child's next commit creates a memory file of its own.
//!
//! The cost falls on `fork` itself: one copy of every pool's populated code. `posix_spawn`
//! (what `std::process::Command` uses where it can) runs no fork handlers and pays nothing.
//! If a copy cannot be made (out of memory), that chunk stays shared and the parent never
//! reuses its freed space, so the child's code in it still never changes.
//!
//! A macOS `MAP_JIT` pool (`mapjit.rs`) registers too. Its chunks are private mappings that
//! the child gets copies of anyway, so its handlers only hold its lock across the fork.
//!
//! Pools register here when they are made ([`register`]); the registry holds them weakly.

use std::sync::{Arc, Weak};

use crate::fork_once::ForkOnce;
#[cfg(target_os = "linux")]
use crate::memory::icache;
use crate::memory::lock::Lock;
use crate::Error;

/// What a pool does at each step of a fork (see the module docs).
pub(super) trait ForkAware: Send + Sync {
    /// Before the fork: lock and snapshot.
    fn before_fork(&self);
    /// After the fork, in the parent: drop the snapshots and unlock.
    fn after_fork_in_parent(&self);
    /// After the fork, in the child: freeze, start afresh, re-initialise the locks.
    fn after_fork_in_child(&self);
}

struct Entry {
    pool: Weak<dyn ForkAware>,
    /// Held from `before_fork` to the after-fork handler, so the pool cannot go away between.
    held: Option<Arc<dyn ForkAware>>,
}

static REGISTRY: Lock<Vec<Entry>> = Lock::new(Vec::new());

/// The handlers' registration: a [`ForkOnce`], so that a fork during it cannot leave the
/// child's first pool waiting for ever.
static INSTALL: ForkOnce = ForkOnce::new();

/// Registers a pool for the fork handlers (installing them at first use).
///
/// Errors: [`Error::OutOfMemory`] if the registry or the handlers cannot be made; the pool
/// must then not use shared memory.
pub(super) fn register(pool: Weak<dyn ForkAware>) -> Result<(), Error> {
    let installed = INSTALL.run(|| {
        // SAFETY: the three handlers are `extern "C" fn()` that do what pthread_atfork(3)
        // allows; registering them has no other precondition.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) == 0 }
    });
    if !installed {
        return Err(Error::OutOfMemory {
            what: "the fork handlers",
            bytes: 0,
        });
    }
    let mut pools = REGISTRY.lock();
    pools.retain(|e| e.pool.strong_count() > 0);
    pools.try_reserve(1).map_err(|_| Error::OutOfMemory {
        what: "the pool registry",
        bytes: std::mem::size_of::<Entry>(),
    })?;
    pools.push(Entry { pool, held: None });
    Ok(())
}

extern "C" fn prepare() {
    // SAFETY: released by `parent` or re-initialised by `child`, on this thread, right after
    // the fork; nothing locks it in between.
    unsafe { REGISTRY.lock_raw() };
    // SAFETY: the lock is held (just taken).
    let pools = unsafe { REGISTRY.held_data() };
    for e in pools.iter_mut() {
        if let Some(pool) = e.pool.upgrade() {
            pool.before_fork();
            e.held = Some(pool);
        }
    }
}

extern "C" fn parent() {
    // SAFETY: `prepare` took the lock on this thread.
    let pools = unsafe { REGISTRY.held_data() };
    for e in pools.iter_mut() {
        if let Some(pool) = e.held.take() {
            pool.after_fork_in_parent();
            // Dropping the last handle here is fine: a pool's drop does not use the registry.
            drop(pool);
        }
    }
    // SAFETY: taken by `prepare` on this thread; `pools` is not used after this.
    unsafe { REGISTRY.unlock_raw() };
}

extern "C" fn child() {
    INSTALL.mark_done();
    // SAFETY: the child has one thread, and `prepare` took the lock before the fork.
    let pools = unsafe { REGISTRY.held_data() };
    for e in pools.iter_mut() {
        if let Some(pool) = e.held.take() {
            pool.after_fork_in_child();
            drop(pool);
        }
    }
    // SAFETY: in the child, with one thread; `pools` is not used after this.
    unsafe { REGISTRY.reinit_in_child() };
    // The kernel does not carry membarrier registrations into the child's new address space.
    #[cfg(target_os = "linux")]
    icache::after_fork_in_child();
}
