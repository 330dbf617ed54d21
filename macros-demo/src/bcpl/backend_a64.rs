//! The AArch64 back end: [`codegen`] for functions, and the stubs and trampoline of
//! [`super::jit`] in AAPCS64.
//!
//! A function's lazy-compilation stub is `x17 := index ; b common`; `common` saves the
//! argument registers, calls `lazy_compile`, restores them and jumps to the address it
//! returned. A library stub passes the routine's number, the callee frame (`x22`, as a word
//! address) and the line (`x10`) to `lib_call`. The trampoline saves the callee-saved
//! registers and loads `x19`..`x23` from a [`super::jit::Entry`]: the table, the memory's
//! base, size and end, and the first frame (see [`codegen`]'s register conventions); its
//! `escape` returns from the call early (coroutines), its `resume` goes back into a
//! function at a label (`longjump`).

use jitkit::aarch64::RX;
use jitkit::{dynasm, Assembled, Assembler, DynasmApi, Error};

use super::codegen::{self, Context};
use super::ir::Func;
use super::jit::{self, Backend, Exits, Hooks};
use super::library;

/// AArch64, the first back end.
#[derive(Debug, Clone, Copy)]
pub struct A64;

impl Backend for A64 {
    const ARCH: &'static str = "AArch64";
    const NATIVE: bool = cfg!(target_arch = "aarch64");
    // The frame record `stp x29, x30, [sp, #-16]!` leaves: x30 above x29.
    const RETURN_SLOT: usize = 8;
    type Code = Assembled;

    fn function(f: &Func, index: usize, ctx: &Context) -> Result<Assembled, Error> {
        codegen::compile(f, index, ctx)
    }

    fn stubs(functions: usize, hooks: Hooks) -> Result<(Assembled, Vec<usize>), Error> {
        stub_code(functions, hooks)
    }

    fn trampoline() -> Result<(Assembled, Exits), Error> {
        trampoline_code()
    }
}

/// The stubs: `common` (save arguments, call `lazy_compile`, restore, jump), then for each
/// function `x17 := index ; b common`, then for each library routine a call of `lib_call`.
/// Returns the code and each stub's offset, in call-table order.
fn stub_code(n: usize, hooks: Hooks) -> Result<(Assembled, Vec<usize>), Error> {
    let mut asm = Assembler::with_capacity(64 + 12 * n);
    let common = asm.new_dynamic_label();
    dynasm!(asm ; .arch aarch64
        ; =>common
        ; stp x29, x30, [sp, #-80]!
        ; mov x29, sp
        ; stp x0, x1, [sp, #16]
        ; stp x2, x3, [sp, #32]
        ; stp x4, x5, [sp, #48]
        ; stp x6, x7, [sp, #64]
        ; mov x0, x17
    );
    asm.call_abs(hooks.lazy_compile);
    dynasm!(asm ; .arch aarch64
        ; mov x16, x0
        ; ldp x0, x1, [sp, #16]
        ; ldp x2, x3, [sp, #32]
        ; ldp x4, x5, [sp, #48]
        ; ldp x6, x7, [sp, #64]
        ; ldp x29, x30, [sp], #80
        ; br x16
    );
    let mut offsets = Vec::with_capacity(n + library::COUNT);
    for i in 0..n {
        offsets.push(asm.offset().0);
        asm.load_imm64(RX::X17, i as u64);
        dynasm!(asm ; .arch aarch64 ; b =>common);
    }
    for id in 0..library::COUNT {
        offsets.push(asm.offset().0);
        dynasm!(asm ; .arch aarch64
            ; stp x29, x30, [sp, #-16]!
            ; mov x29, sp
            ; sub x1, x22, x20
            ; lsr x1, x1, #3
            ; mov x2, x10
        );
        asm.load_imm64(RX::X0, id as u64);
        asm.call_abs(hooks.lib_call);
        dynasm!(asm ; .arch aarch64 ; ldp x29, x30, [sp], #16 ; ret);
    }
    Ok((asm.finish()?, offsets))
}

/// `fn(entry: &mut Entry) -> word` (x0): save x19..x23, load them and the line (x10, for
/// a library routine) from `entry`, store sp in `entry.saved_sp`, call table entry
/// `entry.index`, restore. Then the [`Exits`]: `escape(entry, value)`, back to the point
/// after that call with the stack pointer saved there, as if the call had returned `value`;
/// and `resume(entry, sp, frame, code)`, into a JIT function at a label with sp and x29 at
/// its frame record.
fn trampoline_code() -> Result<(Assembled, Exits), Error> {
    const TABLE: u32 = jit::ENTRY_TABLE as u32;
    const BASE: u32 = jit::ENTRY_BASE as u32;
    const WORDS: u32 = jit::ENTRY_WORDS as u32;
    const FRAME: u32 = jit::ENTRY_FRAME as u32;
    const END: u32 = jit::ENTRY_END as u32;
    const INDEX: u32 = jit::ENTRY_INDEX as u32;
    const LINE: u32 = jit::ENTRY_LINE as u32;
    const SP: u32 = jit::ENTRY_SP as u32;
    let mut asm = Assembler::new();
    let after = asm.new_dynamic_label();
    // The frame is written out rather than built with `prologue`/`epilogue`: `epilogue`
    // restores sp from x29, and `escape` arrives with the x29 of whatever JIT frame it left.
    // Here everything after the call is relative to sp, which `escape` restores.
    // Every callee-saved register is saved, not only the five the code uses: `escape` and
    // `resume` leave Rust frames (`lib_call`'s) that may hold values of the caller's in
    // x24..x28 and d8..d15 and never restore them (AAPCS64 6.1.1 and 6.1.2).
    dynasm!(asm ; .arch aarch64
        ; stp x29, x30, [sp, #-160]!
        ; mov x29, sp
        ; stp x19, x20, [sp, #16]
        ; stp x21, x22, [sp, #32]
        ; stp x23, x24, [sp, #48]
        ; stp x25, x26, [sp, #64]
        ; stp x27, x28, [sp, #80]
        ; stp d8, d9, [sp, #96]
        ; stp d10, d11, [sp, #112]
        ; stp d12, d13, [sp, #128]
        ; stp d14, d15, [sp, #144]
        ; ldr x19, [x0, #TABLE]
        ; ldr x20, [x0, #BASE]
        ; ldr x21, [x0, #WORDS]
        ; ldr x22, [x0, #FRAME]
        ; ldr x23, [x0, #END]
        ; ldr x9, [x0, #INDEX]
        ; ldr x10, [x0, #LINE]
        ; mov x11, sp
        ; str x11, [x0, #SP]
        ; ldr x16, [x19, x9, lsl #3]
        ; blr x16
        ; =>after
        ; ldp x19, x20, [sp, #16]
        ; ldp x21, x22, [sp, #32]
        ; ldp x23, x24, [sp, #48]
        ; ldp x25, x26, [sp, #64]
        ; ldp x27, x28, [sp, #80]
        ; ldp d8, d9, [sp, #96]
        ; ldp d10, d11, [sp, #112]
        ; ldp d12, d13, [sp, #128]
        ; ldp d14, d15, [sp, #144]
        ; ldp x29, x30, [sp], #160
        ; ret
    );
    let escape = asm.offset().0;
    dynasm!(asm ; .arch aarch64
        ; ldr x9, [x0, #SP]
        ; mov sp, x9
        ; mov x0, x1
        ; b =>after
    );
    let resume = asm.offset().0;
    dynasm!(asm ; .arch aarch64
        ; ldr x19, [x0, #TABLE]
        ; ldr x20, [x0, #BASE]
        ; ldr x21, [x0, #WORDS]
        ; ldr x23, [x0, #END]
        ; mov sp, x1
        ; mov x29, x1
        ; mov x22, x2
        ; br x3
    );
    Ok((asm.finish()?, Exits { escape, resume }))
}
