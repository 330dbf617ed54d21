//! Stacks of their own for coroutines, and the switch between them, on one thread.
//!
//! A [`Stack`] is an anonymous mapping with an inaccessible guard page at its low end, so a
//! native stack overflow faults instead of writing over other memory (`mmap(2)`,
//! `mprotect(2)`). [`switch`] saves the callee-saved registers of the running context on
//! its own stack, stores that stack pointer, loads another context's stack pointer and
//! restores its registers: a call that returns in the other context. Which registers a
//! callee must preserve is the platform ABI's rule: `rbx`, `rbp` and `r12`–`r15` in the
//! System V AMD64 ABI (§3.2.1, "Registers"); `x19`–`x29`, `x30` (the return address) and the
//! low halves of `v8`–`v15` in AAPCS64 (§6.1.1 and §6.1.2, "General-purpose registers" and
//! "SIMD and Floating-Point registers"). Both keep the stack 16-byte aligned at calls.
//!
//! A context that has never run starts in a small entry routine, which calls the `start`
//! function given to [`Stack::prepare`] with the word given there and the third argument of
//! the [`switch`] that first resumes it. `start` must never return.

use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many [`Stack`]s are mapped in this process.
static MAPPED: AtomicUsize = AtomicUsize::new(0);

/// How many coroutine stacks are mapped in this process now: every run unmaps its own
/// before it returns.
pub fn mapped() -> usize {
    MAPPED.load(Ordering::Relaxed)
}

/// A native stack for one context, unmapped when dropped. The context on it must be over
/// (never to be resumed) by then.
pub struct Stack {
    base: *mut c_void,
    len: usize,
}

impl Stack {
    /// A stack with at least `bytes` usable bytes, or `None` when the system refuses the
    /// memory. Pages are committed as they are first touched.
    pub fn new(bytes: usize) -> Option<Stack> {
        let page = page_size();
        let len = bytes.checked_add(2 * page - 1)? / page * page;
        // SAFETY: a fresh anonymous private mapping at an address the kernel chooses; no
        // existing memory is affected.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return None;
        }
        MAPPED.fetch_add(1, Ordering::Relaxed);
        let stack = Stack { base, len };
        // SAFETY: the lowest page of the mapping just made, which nothing uses yet.
        if unsafe { libc::mprotect(base, page, libc::PROT_NONE) } != 0 {
            return None;
        }
        Some(stack)
    }

    /// Lays out a context on this stack that, when first resumed by [`switch`], calls
    /// `start(arg, from)` with `from` the third argument of that switch; returns the
    /// context's stack pointer, for [`switch`]'s `to`.
    pub fn prepare(&self, start: extern "C" fn(usize, usize) -> !, arg: usize) -> usize {
        let top = (self.base as usize + self.len) & !15;
        let frame = top - FRAME;
        let words = frame as *mut usize;
        // SAFETY: `frame .. top` is inside this mapping, above its guard page (the mapping
        // has room for at least one page besides the guard), aligned, and not yet used by
        // any context.
        unsafe {
            std::ptr::write_bytes(words, 0, FRAME / 8);
            for (slot, value) in [
                (START_SLOT, start as usize),
                (ARG_SLOT, arg),
                (RET_SLOT, entry as unsafe extern "C" fn() as usize),
            ] {
                words.add(slot).write(value);
            }
        }
        frame
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once; no context runs on it any more
        // (the type's contract).
        unsafe { libc::munmap(self.base, self.len) };
        MAPPED.fetch_sub(1, Ordering::Relaxed);
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf only reads a system constant.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).unwrap_or(4096).max(4096)
}

/// Saves the running context (its stack pointer into `*save`) and resumes the context whose
/// stack pointer is `to`, passing it `arg` (the `from` of a context's `start`, ignored by a
/// context resumed inside `switch`). Returns when something switches back to the saved
/// context.
///
/// # Safety
/// `save` must be valid for a write. `to` must be the stack pointer of a context that is
/// suspended: one laid out by [`Stack::prepare`] and not yet resumed, or one saved by a
/// `switch` and not resumed since; its stack must stay mapped while it runs.
pub unsafe fn switch(save: *mut usize, to: usize, arg: usize) {
    // SAFETY: the caller's contract; `raw_switch` follows the C calling convention, saving
    // and restoring every callee-saved register, so to this caller it is an ordinary call.
    unsafe { raw_switch(save, to, arg) }
}

#[cfg(all(target_arch = "x86_64", not(windows)))]
mod arch {
    /// The bytes `raw_switch` pushes: six registers and the return address, 16-aligned.
    pub const FRAME: usize = 64;
    /// Where a prepared frame holds `start`, `arg` and the return address (into `entry`):
    /// the slots `raw_switch` pops into `r12`, `r13`, and returns through (slot 0 is the
    /// padding, then `r15`, `r14`, `r13`, `r12`, `rbx`, `rbp`).
    pub const START_SLOT: usize = 4;
    pub const ARG_SLOT: usize = 3;
    pub const RET_SLOT: usize = 7;

    /// The context switch (see the module docs): pushes `rbp`, `rbx`, `r12`–`r15`, saves
    /// `rsp` to `*rdi`, loads `rsi` as `rsp`, pops them back and returns there. The slot at
    /// offset 0 is padding that keeps the frame 16-byte aligned.
    #[unsafe(naked)]
    pub unsafe extern "C" fn raw_switch(save: *mut usize, to: usize, arg: usize) {
        core::arch::naked_asm!(
            "push rbp",
            "push rbx",
            "push r12",
            "push r13",
            "push r14",
            "push r15",
            "sub rsp, 8",
            "mov [rdi], rsp",
            "mov rsp, rsi",
            "add rsp, 8",
            "pop r15",
            "pop r14",
            "pop r13",
            "pop r12",
            "pop rbx",
            "pop rbp",
            "ret",
        )
    }

    /// A new context's first code: `start(arg, from)` from `r12`, `r13` and `rdx`. The
    /// stack is 16-aligned here (the frame was), as a call requires.
    #[unsafe(naked)]
    pub unsafe extern "C" fn entry() {
        core::arch::naked_asm!("mov rdi, r13", "mov rsi, rdx", "call r12", "ud2")
    }
}

#[cfg(target_arch = "aarch64")]
mod arch {
    /// The bytes `raw_switch` stores: x19–x30 and d8–d15, 16-aligned.
    pub const FRAME: usize = 160;
    /// Where a prepared frame holds `start` (into x19), `arg` (x20) and the return
    /// address (x30, into `entry`).
    pub const START_SLOT: usize = 0;
    pub const ARG_SLOT: usize = 1;
    pub const RET_SLOT: usize = 11;

    /// The context switch (see the module docs): stores x19–x30 and d8–d15 below `sp`,
    /// saves `sp` to `*x0`, loads `x1` as `sp`, loads them back and returns through x30.
    #[unsafe(naked)]
    pub unsafe extern "C" fn raw_switch(save: *mut usize, to: usize, arg: usize) {
        core::arch::naked_asm!(
            "sub sp, sp, #160",
            "stp x19, x20, [sp, #0]",
            "stp x21, x22, [sp, #16]",
            "stp x23, x24, [sp, #32]",
            "stp x25, x26, [sp, #48]",
            "stp x27, x28, [sp, #64]",
            "stp x29, x30, [sp, #80]",
            "stp d8, d9, [sp, #96]",
            "stp d10, d11, [sp, #112]",
            "stp d12, d13, [sp, #128]",
            "stp d14, d15, [sp, #144]",
            "mov x9, sp",
            "str x9, [x0]",
            "mov sp, x1",
            "ldp x19, x20, [sp, #0]",
            "ldp x21, x22, [sp, #16]",
            "ldp x23, x24, [sp, #32]",
            "ldp x25, x26, [sp, #48]",
            "ldp x27, x28, [sp, #64]",
            "ldp x29, x30, [sp, #80]",
            "ldp d8, d9, [sp, #96]",
            "ldp d10, d11, [sp, #112]",
            "ldp d12, d13, [sp, #128]",
            "ldp d14, d15, [sp, #144]",
            "add sp, sp, #160",
            "ret",
        )
    }

    /// A new context's first code: `start(arg, from)` from x19, x20 and x2.
    #[unsafe(naked)]
    pub unsafe extern "C" fn entry() {
        core::arch::naked_asm!("mov x0, x20", "mov x1, x2", "blr x19", "brk #1")
    }
}

#[cfg(not(any(all(target_arch = "x86_64", not(windows)), target_arch = "aarch64")))]
compile_error!("BCPL coroutines switch stacks with code for x86-64 (System V) and AArch64 only");

use arch::{entry, raw_switch, ARG_SLOT, FRAME, RET_SLOT, START_SLOT};

#[cfg(test)]
mod tests {
    use super::*;

    struct Ping {
        main: usize,
        other: usize,
        seen: Vec<usize>,
    }

    extern "C" fn bounce(arg: usize, from: usize) -> ! {
        // SAFETY: `arg` is the `Ping` of the test below, which outlives this context, and
        // only one context runs at a time.
        let ping = unsafe { &mut *(arg as *mut Ping) };
        ping.seen.push(from);
        let mut x = 1.5f64;
        for i in 0..3 {
            x *= 2.0;
            ping.seen.push(i);
            // SAFETY: `main` was saved by the switch that resumed this context.
            unsafe { switch(&mut ping.other, ping.main, 0) };
        }
        ping.seen.push(x as usize);
        // SAFETY: as above; this context is never resumed again.
        unsafe { switch(&mut ping.other, ping.main, 0) };
        unreachable!("never resumed")
    }

    #[test]
    fn contexts_take_turns_and_keep_their_registers() {
        let stack = Stack::new(64 << 10).expect("a stack");
        let p = Box::into_raw(Box::new(Ping {
            main: 0,
            other: 0,
            seen: Vec::new(),
        }));
        let kept = std::hint::black_box(7.25f64);
        // SAFETY: `p` is live until the end of the test, and used by one context at a time;
        // `other` is suspended at each switch: prepared, or saved by `bounce`'s switch.
        let ping = unsafe {
            (*p).other = stack.prepare(bounce, p as usize);
            for _ in 0..4 {
                switch(&mut (*p).main, (*p).other, 42);
            }
            Box::from_raw(p)
        };
        assert_eq!(ping.seen, [42, 0, 1, 2, 12]);
        assert_eq!(kept * 2.0, 14.5);
    }
}
