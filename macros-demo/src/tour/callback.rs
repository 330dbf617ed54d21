//! Calling back into Rust from JIT code.
//!
//! [`Assembler::call_abs`] calls an absolute address at any distance: it builds the address in
//! `x16` and branches with `blr x16`. The JIT function around it follows AAPCS64 like any
//! compiled function: it saves the frame pointer and link register (`blr` overwrites `x30`),
//! keeps its own value in the callee-saved `x19` across the call (saving the caller's `x19`
//! first), and restores everything before `ret`.

use std::sync::atomic::{AtomicU64, Ordering};

use jitkit::{dynasm, Assembler, CodeBuffer};

use super::{show, Outcome};

/// How many times JIT code has called [`square`].
static CALLS: AtomicU64 = AtomicU64::new(0);

/// The Rust function the JIT code calls.
extern "C" fn square(x: u64) -> u64 {
    CALLS.fetch_add(1, Ordering::Relaxed);
    x.wrapping_mul(x)
}

pub fn run() -> Outcome {
    let target = square as extern "C" fn(u64) -> u64 as usize;
    macros_demo::outln!("  Rust's `square` is at {target:#x}");

    // f(x) = square(x) + x
    let mut asm = Assembler::new();
    asm.emit(|asm| {
        dynasm!(asm
            ; .arch aarch64
            ; stp x29, x30, [sp, #-32]!
            ; str x19, [sp, #16]
            ; mov x29, sp
            ; mov x19, x0
        )
    })?;
    asm.call_abs(target);
    asm.emit(|asm| {
        dynasm!(asm
            ; .arch aarch64
            ; add x0, x0, x19
            ; ldr x19, [sp, #16]
            ; ldp x29, x30, [sp], #32
            ; ret
        )
    })?;
    let code = asm.finish()?;
    let buf = CodeBuffer::new().named("square_plus_self");
    let entry = buf.commit(&code.instructions)?;
    show::listing("square_plus_self", &entry);

    // SAFETY: the function takes x in x0, returns in x0, keeps the stack 16-byte aligned and
    // restores x19, x29, x30 and sp (AAPCS64); `square` is a live `extern "C" fn(u64) -> u64`;
    // `buf` outlives every call.
    let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
    let before = CALLS.load(Ordering::Relaxed);
    let inputs = [0u64, 3, 12, 1 << 31];
    for x in inputs {
        show::check(&format!("square_plus_self({x})"), x * x + x, || f(x))?;
    }
    if show::can_execute() {
        let calls = CALLS.load(Ordering::Relaxed) - before;
        macros_demo::outln!("  Rust's `square` was called {calls} times");
        if calls != inputs.len() as u64 {
            return Err(format!("expected {} calls into Rust, saw {calls}", inputs.len()).into());
        }
    }
    Ok(())
}
