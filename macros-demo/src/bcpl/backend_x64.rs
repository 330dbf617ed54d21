//! The x86-64 back end: [`codegen_x64`] for functions, and the stubs and trampoline of
//! [`super::jit`] in the System V AMD64 ABI.
//!
//! Generated code keeps `rsp` only 8-byte aligned (see [`codegen_x64`]), so every stub that
//! calls into Rust saves `rbp`, aligns `rsp` to 16 bytes with `and rsp, -16` (the ABI's rule
//! at a call, section 3.2.2), and restores `rsp` from `rbp` afterwards.
//!
//! - `common`, the shared part of the lazy-compilation stubs: `lazy_compile(rdi)`, then a
//!   jump to the address it returns. Nothing else is live across a BCPL call (arguments are
//!   in the frame, the context in callee-saved registers), so nothing else is saved.
//! - A function's stub: `mov edi, index ; jmp common`.
//! - A library stub: `lib_call(id, frame word address, line)`, the frame from `rbx` and the
//!   line from `rdx`, where a call of a function value leaves it.
//! - The trampoline saves `rbx` and `r12`..`r15`, loads them from a [`super::jit::Entry`]
//!   (the frame, the table and the memory's base, size and end), and calls the entry's
//!   function through the table; its `escape` returns from it early (coroutines), its
//!   `resume` goes back into a function at a label (`longjump`).

use jitkit::x64::{Assembler, Code};
use jitkit::{dynasm, DynasmApi, Error};

use super::codegen::Context;
use super::codegen_x64;
use super::ir::Func;
use super::jit::{
    Backend, Exits, Hooks, ENTRY_BASE, ENTRY_END, ENTRY_FRAME, ENTRY_INDEX, ENTRY_LINE, ENTRY_SP,
    ENTRY_TABLE, ENTRY_WORDS,
};
use super::library;

/// x86-64, the second back end.
#[derive(Debug, Clone, Copy)]
pub struct X64;

impl Backend for X64 {
    const ARCH: &'static str = "x86-64";
    const NATIVE: bool = cfg!(target_arch = "x86_64");
    // `call` leaves the return address at rsp, which the function keeps at its body.
    const RETURN_SLOT: usize = 0;
    type Code = Code;

    fn function(f: &Func, index: usize, ctx: &Context) -> Result<Code, Error> {
        codegen_x64::compile(f, index, ctx)
    }

    fn stubs(functions: usize, hooks: Hooks) -> Result<(Code, Vec<usize>), Error> {
        stub_code(functions, hooks)
    }

    fn trampoline() -> Result<(Code, Exits), Error> {
        trampoline_code()
    }
}

/// Index `n` as an `i32` immediate, or the error naming what did not fit.
fn imm(n: usize, what: &str) -> Result<i32, Error> {
    i32::try_from(n).map_err(|_| Error::Immediate {
        value: n.to_string(),
        statement: what.to_owned(),
        allowed: "0..=2147483647",
    })
}

/// The stubs: `common`, then one per function, then one per library routine. Returns the
/// code and each stub's offset, in call-table order.
fn stub_code(n: usize, hooks: Hooks) -> Result<(Code, Vec<usize>), Error> {
    let mut asm = Assembler::with_capacity(64 + 10 * n + 40 * library::COUNT);
    let common = asm.new_dynamic_label();
    dynasm!(asm ; .arch x64
        ; =>common
        ; push rbp
        ; mov rbp, rsp
        ; and rsp, -16
    );
    asm.call_abs(hooks.lazy_compile);
    dynasm!(asm ; .arch x64
        ; mov rsp, rbp
        ; pop rbp
        ; jmp rax
    );
    let mut offsets = Vec::with_capacity(n + library::COUNT);
    for i in 0..n {
        offsets.push(asm.offset().0);
        let index = imm(i, "lazy-compilation stub index")?;
        dynasm!(asm ; .arch x64 ; mov edi, DWORD index ; jmp =>common);
    }
    for id in 0..library::COUNT {
        offsets.push(asm.offset().0);
        let id = imm(id, "library stub id")?;
        dynasm!(asm ; .arch x64
            ; push rbp
            ; mov rbp, rsp
            ; and rsp, -16
            ; mov rsi, rbx
            ; sub rsi, r13
            ; shr rsi, 3
            ; mov edi, DWORD id
        );
        asm.call_abs(hooks.lib_call);
        dynasm!(asm ; .arch x64 ; mov rsp, rbp ; pop rbp ; ret);
    }
    Ok((asm.finish()?, offsets))
}

/// `fn(entry: &mut Entry) -> word` (rdi): save rbx and r12..r15, load them and the line
/// (rdx, for a library routine) from `entry`, store rsp in `entry.saved_sp`, call table
/// entry `entry.index`, restore. Then the [`Exits`]: `escape(entry, value)`, back to the
/// point after that call with the stack pointer saved there, as if the call had returned
/// `value`; and `resume(entry, rsp, frame, code)`, into a JIT function at a label.
fn trampoline_code() -> Result<(Code, Exits), Error> {
    let mut asm = Assembler::new();
    let after = asm.new_dynamic_label();
    dynasm!(asm ; .arch x64
        ; push rbp
        ; mov rbp, rsp
        ; push rbx
        ; push r12
        ; push r13
        ; push r14
        ; push r15
        // Five pushes after rbp's: 8 more bytes keep rsp 16-byte aligned at the call.
        ; sub rsp, 8
        ; mov r12, [rdi + ENTRY_TABLE]
        ; mov r13, [rdi + ENTRY_BASE]
        ; mov r14, [rdi + ENTRY_WORDS]
        ; mov rbx, [rdi + ENTRY_FRAME]
        ; mov r15, [rdi + ENTRY_END]
        ; mov rax, [rdi + ENTRY_INDEX]
        ; mov rdx, [rdi + ENTRY_LINE]
        ; mov [rdi + ENTRY_SP], rsp
        ; call QWORD [r12 + rax * 8]
        ; =>after
        ; add rsp, 8
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbx
        ; pop rbp
        ; ret
    );
    let escape = asm.offset().0;
    dynasm!(asm ; .arch x64
        ; mov rsp, [rdi + ENTRY_SP]
        ; mov rax, rsi
        ; jmp =>after
    );
    let resume = asm.offset().0;
    dynasm!(asm ; .arch x64
        ; mov r12, [rdi + ENTRY_TABLE]
        ; mov r13, [rdi + ENTRY_BASE]
        ; mov r14, [rdi + ENTRY_WORDS]
        ; mov r15, [rdi + ENTRY_END]
        ; mov rsp, rsi
        ; mov rbx, rdx
        ; jmp rcx
    );
    Ok((asm.finish()?, Exits { escape, resume }))
}
