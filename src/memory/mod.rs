//! The JIT memory manager: where committed code lives.
//!
//! Code must be written while its memory is writable and run while it is executable, and on
//! jitkit's terms the two are never true at once (W^X). This module owns every mapping jitkit
//! makes and every protection change, so the rest of the crate cannot break that rule:
//!
//! - [`provider`]: the one interface every source of executable memory implements, and what
//!   a committed buffer holds;
//! - [`pages`]: pages of its own per commit, filled while writable, sealed read+execute;
//! - [`pool`]: pooled memory shared by many commits, by strategy;
//! - [`sys`]: what each operating system needs to map, seal and unmap code pages;
//! - [`icache`]: the cache and pipeline synchronisation that makes freshly written code visible
//!   to instruction fetch on AArch64;
//! - [`lock`]: the mutex the pools and the observers use, which their fork handlers can hold
//!   across `fork`.

pub(crate) mod icache;
pub(crate) mod lock;
pub(crate) mod pages;
pub(crate) mod pool;
pub(crate) mod provider;
pub(crate) mod sys;

/// The largest commit accepted: 1 GiB. Far beyond any branch range (±128 MiB), and small enough
/// that page rounding and pointer arithmetic can never overflow.
pub(crate) const MAX_CODE_BYTES: usize = 1 << 30;

/// The size of the pages code is mapped in (see [`sys`]).
#[inline]
pub(crate) fn page_size() -> usize {
    sys::page_size()
}

/// `len` rounded up to whole pages. `len` is at most [`MAX_CODE_BYTES`], so this cannot overflow.
#[inline]
pub(crate) fn round_to_pages(len: usize) -> usize {
    let page = page_size();
    len.div_ceil(page) * page
}

/// A POSIX thread-specific key whose destructor runs when a thread that set a non-null value
/// exits (`pthread_key_create(3)`), made at first use. Per-thread state that must be handed
/// back at thread exit uses one instead of a thread-local destructor, whose registration aborts
/// the process when memory is short. Made through a [`ForkOnce`](crate::fork_once::ForkOnce),
/// so that a fork while another thread makes it cannot leave the child waiting.
#[cfg(unix)]
pub(crate) struct ExitKey {
    made: crate::fork_once::ForkOnce,
    key: std::sync::atomic::AtomicUsize,
}

#[cfg(unix)]
impl ExitKey {
    pub(crate) const fn new() -> Self {
        ExitKey {
            made: crate::fork_once::ForkOnce::new(),
            key: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The key, with destructor `at_exit` (the same at every call); `None` if the system has
    /// no key to give (a later call tries again).
    pub(crate) fn get(
        &self,
        at_exit: unsafe extern "C" fn(*mut libc::c_void),
    ) -> Option<libc::pthread_key_t> {
        use std::sync::atomic::Ordering;
        let made = self.made.run(|| {
            let mut key: libc::pthread_key_t = 0;
            // SAFETY: `key` is written by the call; `at_exit` has the destructor's signature.
            let ok = unsafe { libc::pthread_key_create(&mut key, Some(at_exit)) } == 0;
            if ok {
                self.key.store(key as usize, Ordering::Relaxed);
            }
            ok
        });
        made.then(|| self.key.load(Ordering::Relaxed) as libc::pthread_key_t)
    }
}

#[cfg(target_os = "linux")]
/// `value` in a new box, or [`Error::OutOfMemory`](crate::Error::OutOfMemory) instead of the
/// abort `Box::new` makes when the heap is exhausted.
pub(crate) fn try_box<T>(value: T) -> Result<Box<T>, crate::Error> {
    let layout = std::alloc::Layout::new::<T>();
    if layout.size() == 0 {
        return Ok(Box::new(value));
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { std::alloc::alloc(layout) }.cast::<T>();
    if p.is_null() {
        return Err(crate::Error::OutOfMemory {
            what: "a thread's pool cache",
            bytes: layout.size(),
        });
    }
    // SAFETY: `p` is a fresh allocation with T's layout; writing initialises it, and a Box of
    // it frees it with the same layout.
    unsafe {
        p.write(value);
        Ok(Box::from_raw(p))
    }
}
