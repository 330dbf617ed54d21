//! One-time initialisation that `fork(2)` cannot leave running for ever.
//!
//! `fork` copies only the calling thread. If another thread is inside a `std::sync::Once` (or
//! `OnceLock::get_or_init`) at that moment, the child's copy stays "running" for ever, and the
//! child's first call waits for a thread it does not have. [`ForkOnce`] records which process
//! runs the initialisation, so a child that finds it running in its parent knows nobody will
//! finish it and runs it itself.
//!
//! Running it again in such a child must be safe. It is for what jitkit uses this for:
//! - a thread key created twice leaks one key;
//! - a panic hook installed twice wraps the first, to the same effect;
//! - `pthread_atfork(3)` registration: glibc serialises it with `fork`, so the registration
//!   either completed before the fork or did not happen. If it completed, the child handler ran
//!   in the child and [`ForkOnce::mark_done`] recorded it there; otherwise the child registers.
//!
//! A process is told apart by its pid. Only if this process's pid had belonged to the ancestor
//! that was running the initialisation would a call wait for ever.

use std::sync::atomic::{AtomicU64, Ordering};

const NOT: u64 = 0;
const DONE: u64 = 1;
/// A running initialisation is `BUSY + pid` of the process running it.
const BUSY: u64 = 2;

/// A once-only initialisation, safe across `fork` (see the module docs).
pub(crate) struct ForkOnce(AtomicU64);

impl ForkOnce {
    pub(crate) const fn new() -> Self {
        ForkOnce(AtomicU64::new(NOT))
    }

    /// Runs `init` unless a run has succeeded already; returns whether one has. A failed run
    /// (`init` returned false) leaves it to be tried again by a later call. A call while
    /// another thread of this process runs `init` waits for it.
    #[inline]
    pub(crate) fn run(&self, init: impl FnOnce() -> bool) -> bool {
        // Done: no `getpid` system call on this path, which commits may take.
        if self.is_done() {
            return true;
        }
        self.run_slow(init)
    }

    #[cold]
    fn run_slow(&self, init: impl FnOnce() -> bool) -> bool {
        let mine = BUSY + u64::from(std::process::id());
        loop {
            match self.0.load(Ordering::Acquire) {
                DONE => return true,
                state if state == mine => std::thread::yield_now(),
                // Not run yet, or left running by the process this one was forked from.
                state => {
                    if self
                        .0
                        .compare_exchange(state, mine, Ordering::Acquire, Ordering::Acquire)
                        .is_ok()
                    {
                        let ok = init();
                        self.0.store(if ok { DONE } else { NOT }, Ordering::Release);
                        return ok;
                    }
                }
            }
        }
    }

    /// Whether a run has succeeded.
    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.0.load(Ordering::Acquire) == DONE
    }

    /// Records that the initialisation has taken effect: for a fork child handler, whose running
    /// proves that the handlers' registration completed.
    #[cfg(unix)]
    pub(crate) fn mark_done(&self) {
        self.0.store(DONE, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn it_runs_until_a_run_succeeds_then_never_again() {
        let once = ForkOnce::new();
        let runs = AtomicUsize::new(0);
        let count = |ok| {
            runs.fetch_add(1, Ordering::Relaxed);
            ok
        };
        assert!(!once.run(|| count(false)));
        assert!(!once.is_done());
        assert!(once.run(|| count(true)));
        assert!(once.run(|| count(true)));
        assert!(once.is_done());
        assert_eq!(runs.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_run_left_busy_by_another_process_is_taken_over() {
        let once = ForkOnce::new();
        // As a child finds it when its parent was running `init` at the fork.
        let parent = BUSY + u64::from(std::process::id()) + 1;
        once.0.store(parent, Ordering::Relaxed);
        assert!(once.run(|| true));
        assert!(once.is_done());
    }

    #[test]
    fn threads_racing_to_run_it_run_it_once() {
        let once = ForkOnce::new();
        let runs = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    assert!(once.run(|| {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        runs.fetch_add(1, Ordering::Relaxed);
                        true
                    }));
                });
            }
        });
        assert_eq!(runs.load(Ordering::Relaxed), 1);
    }

    /// A child forked while another thread is inside `run` runs it itself instead of waiting
    /// for that thread, which the child does not have (a `std::sync::Once` waits for ever).
    #[cfg(unix)]
    #[test]
    fn a_child_forked_during_a_run_does_not_wait_for_it() {
        static ONCE: ForkOnce = ForkOnce::new();
        let (inside, release) = (std::sync::Barrier::new(2), std::sync::Barrier::new(2));
        std::thread::scope(|s| {
            s.spawn(|| {
                ONCE.run(|| {
                    inside.wait();
                    release.wait();
                    true
                })
            });
            inside.wait();
            // SAFETY: the child only runs `ONCE.run` (atomics, getpid) and `_exit`.
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                let ok = ONCE.run(|| true);
                // SAFETY: ends the child at once, without running the parent's destructors.
                unsafe { libc::_exit(if ok { 0 } else { 1 }) };
            }
            assert!(pid > 0, "fork failed");
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            let mut status = 0;
            let ended = loop {
                // SAFETY: `pid` is this test's child; `status` is written by the call.
                let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
                if r == pid || std::time::Instant::now() > deadline {
                    break r == pid;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            };
            if !ended {
                // SAFETY: our own child, stuck; reap it after the kill.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                    libc::waitpid(pid, &mut status, 0);
                }
            }
            release.wait();
            assert!(ended, "the child waited for the parent's run");
            assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        });
        assert!(ONCE.is_done());
    }
}
