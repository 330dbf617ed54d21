//! The observers' locks across `fork(2)`.
//!
//! The hazard is the pools' (see `memory::lock`): a lock that another thread holds when a
//! thread forks stays held in the child for ever. Naming a buffer, turning a tool on, adding an
//! observer, and a commit or drop reported to observers each take one of this module's locks,
//! so a child could hang in its first named buffer or its first commit with a tool on. The
//! handlers registered here with `pthread_atfork(3)` take every one of them before `fork`, and
//! release them afterwards in the parent and re-initialise them in the child, which therefore
//! finds them free and their data whole.
//!
//! They are taken in one order: the tool switch (`ON`), the observer list, the names, then the
//! tools' own locks. Only the tool switch is ever held while another of them is taken (turning
//! a tool on adds an observer), so this order cannot deadlock with a running thread.
//!
//! A perf map or jitdump file is named after its process: a child's first commit opens its
//! own (see `perf_map.rs` and `jitdump.rs`).

use crate::fork_once::ForkOnce;

/// The handlers' registration (see [`crate::fork_once`] for why not a `Once`).
static INSTALL: ForkOnce = ForkOnce::new();

/// Registers the handlers, once. If `pthread_atfork` refuses (out of memory), the locks stay
/// without fork handling, nothing else changes, and a later call tries again.
pub(super) fn install() {
    INSTALL.run(|| {
        // SAFETY: the three handlers are `extern "C" fn()` that only take, release and
        // re-initialise this module's locks, as pthread_atfork(3) allows; registering them has
        // no other precondition.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) == 0 }
    });
}

/// Calls `f` on each lock, in the order of the module docs.
fn each(f: impl Fn(&dyn ForkLock)) {
    f(&super::ON);
    f(&super::OBSERVERS);
    f(&super::names::NAMES);
    f(&super::perf_map::FILE);
    #[cfg(target_os = "linux")]
    f(&super::jitdump::STATE);
    #[cfg(feature = "gdb")]
    f(&super::gdb::ENTRIES);
}

/// A lock the handlers hold across the fork, whatever it guards.
trait ForkLock {
    /// # Safety
    /// As [`Lock::lock_raw`](crate::memory::lock::Lock::lock_raw).
    unsafe fn lock_raw(&self);
    /// # Safety
    /// As [`Lock::unlock_raw`](crate::memory::lock::Lock::unlock_raw).
    unsafe fn unlock_raw(&self);
    /// # Safety
    /// As [`Lock::reinit_in_child`](crate::memory::lock::Lock::reinit_in_child).
    unsafe fn reinit_in_child(&self);
}

impl<T> ForkLock for crate::memory::lock::Lock<T> {
    unsafe fn lock_raw(&self) {
        // SAFETY: passed on from the caller.
        unsafe { crate::memory::lock::Lock::lock_raw(self) }
    }

    unsafe fn unlock_raw(&self) {
        // SAFETY: passed on from the caller.
        unsafe { crate::memory::lock::Lock::unlock_raw(self) }
    }

    unsafe fn reinit_in_child(&self) {
        // SAFETY: passed on from the caller.
        unsafe { crate::memory::lock::Lock::reinit_in_child(self) }
    }
}

extern "C" fn prepare() {
    // SAFETY: each lock is released by `parent` or re-initialised by `child`, on this thread,
    // right after the fork, and not taken again in between.
    each(|l| unsafe { l.lock_raw() });
}

extern "C" fn parent() {
    // SAFETY: `prepare` took every lock on this thread; no reference to their data is used.
    each(|l| unsafe { l.unlock_raw() });
}

extern "C" fn child() {
    INSTALL.mark_done();
    // SAFETY: in the child, which has one thread; `prepare` took every lock before the fork and
    // no reference to their data is used.
    each(|l| unsafe { l.reinit_in_child() });
}
