//! Making written code visible to instruction fetch.
//!
//! AArch64 has separate data and instruction caches that the hardware does not keep coherent for
//! us. Code is written through the data side, so before it runs:
//!
//! 1. `dc cvau` cleans each written data-cache line to the point of unification, where the
//!    instruction side can see it, and `dsb ish` waits for the cleans to finish;
//! 2. `ic ivau` invalidates each instruction-cache line that may hold older bytes at those
//!    addresses (broadcast to every core in the inner-shareable domain), and `dsb ish` waits;
//! 3. `isb` discards whatever the current core's pipeline has already fetched.
//!
//! Steps 1–2 are `dynasmrt::cache_control::synchronize_icache` (on macOS it calls
//! `sys_icache_invalidate`, which does the same), step 3 is
//! `dynasmrt::cache_control::prepare_for_execution`. On Windows `FlushInstructionCache` is
//! called as well, the documented way there. They cover every core's caches, but step 3
//! only this core's pipeline. Another core can have fetched instructions from the same addresses
//! earlier (memory that held code before, then was freed and reused); it needs a context
//! synchronisation event of its own. `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)`
//! makes the kernel deliver one to every core running a thread of this process.
//! [`sync_other_cores`] issues it after registering once; where the kernel refuses (older than
//! 4.16, or an emulator without the call) it falls back to the guarantee the kernel gives anyway:
//! a thread that learns of new code through a system call or a context switch has been through an
//! exception return, which is context-synchronising.
//!
//! On x86-64 all of this is a no-op: the hardware keeps instruction fetch coherent with stores.

/// Steps 1–3 above for `code`, which must be readable at these addresses.
pub(crate) fn sync_written(code: &[u8]) {
    dynasmrt::cache_control::synchronize_icache(code);
    dynasmrt::cache_control::prepare_for_execution(code);
    #[cfg(windows)]
    flush_instruction_cache(code);
}

/// Windows documents `FlushInstructionCache` as the way to make new code fetchable, whatever
/// the processor needs underneath.
#[cfg(windows)]
fn flush_instruction_cache(code: &[u8]) {
    use windows_sys::Win32::System::Diagnostics::Debug::FlushInstructionCache;
    use windows_sys::Win32::System::Threading::GetCurrentProcess;
    // SAFETY: `code` is readable memory of this process; the call only maintains caches.
    unsafe { FlushInstructionCache(GetCurrentProcess(), code.as_ptr().cast(), code.len()) };
}

/// Context-synchronises every core that runs a thread of this process (see the module docs).
/// Returns whether the kernel did it; `false` means the documented fallback applies.
pub(crate) fn sync_other_cores() -> bool {
    #[cfg(all(target_arch = "aarch64", target_os = "linux"))]
    {
        membarrier::sync_core()
    }
    #[cfg(not(all(target_arch = "aarch64", target_os = "linux")))]
    {
        // Instruction fetch is coherent on this architecture: nothing to synchronise.
        true
    }
}

/// In a forked child: the registration of the parent does not apply to the child's address
/// space (membarrier(2)), so the next [`sync_other_cores`] registers again.
#[cfg(target_os = "linux")]
pub(crate) fn after_fork_in_child() {
    #[cfg(target_arch = "aarch64")]
    membarrier::forget_registration();
}

#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
mod membarrier {
    use std::sync::atomic::{AtomicU8, Ordering};

    const CMD_PRIVATE_EXPEDITED_SYNC_CORE: libc::c_long = 1 << 5;
    const CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE: libc::c_long = 1 << 6;

    const UNKNOWN: u8 = 0;
    const REGISTERED: u8 = 1;
    const REFUSED: u8 = 2;
    static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);

    fn call(cmd: libc::c_long) -> bool {
        // SAFETY: membarrier takes two integer arguments and touches no user memory.
        unsafe { libc::syscall(libc::SYS_membarrier, cmd, 0 as libc::c_long) == 0 }
    }

    pub(super) fn sync_core() -> bool {
        let mut state = STATE.load(Ordering::Relaxed);
        if state == UNKNOWN {
            // Registering twice is harmless, so racing threads may both do it.
            state = if call(CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) {
                REGISTERED
            } else {
                REFUSED
            };
            STATE.store(state, Ordering::Relaxed);
        }
        state == REGISTERED && call(CMD_PRIVATE_EXPEDITED_SYNC_CORE)
    }

    pub(super) fn forget_registration() {
        STATE.store(UNKNOWN, Ordering::Relaxed);
    }
}
