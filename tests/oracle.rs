//! Encoding oracle: `a64!` (dynasm's encoder, through jitkit's assembler and label resolution)
//! agrees word for word with LLVM's assembler on every form in the table below.
//!
//! Each form is written in dynasm's syntax and, where LLVM spells it differently (vector
//! arrangements `v0.s4` vs `v0.4s`, system registers by number, branch targets), in LLVM's. All
//! LLVM forms go to one `llvm-mc -triple=aarch64 -mattr=+lse -show-encoding` run (LSE for the
//! atomics), each after a label `fN:` so its encodings can be told apart. Branches to labels are written with a label in dynasm and
//! with the same byte offset (`b #8`) for LLVM.
//!
//! Besides the hand-written tables below, `oracle/generated.rs` holds the forms of
//! `oracle/corpus.txt` that `a64!` accepts: thousands of forms generated class by class from the
//! A64 encoding index by `cargo xtask oracle` (see xtask/src/oracle/), with dynamic twins
//! (`X(5)`, `#d(42)`) that dynasm encodes at run time. `tests/oracle_gap.rs` lists the corpus
//! forms `a64!` refuses.
//!
//! llvm-mc is required (`$LLVM_MC`, else `llvm-mc` or the newest `llvm-mc-N` on `PATH`): if it
//! is missing the test fails and says how to install it. It is run
//! as a host program, also when this test is itself run under qemu-user (which hands `execve`
//! of a foreign binary to the kernel).

use std::io::Write;
use std::process::{Command, Stdio};

use jitkit::InstructionKind;

use jitkit::{a64, Error, Instruction};

struct Form {
    /// The dynasm statements, as `stringify!` prints them (and a note if `a64!` panicked).
    dynasm: String,
    /// The same instructions in LLVM's syntax, statements separated by `;` or newlines.
    llvm: String,
    code: Result<Vec<Instruction>, Error>,
}

/// `forms![ [; dynasm statements] => "llvm text", [; same syntax in both], ... ]`
macro_rules! forms {
    ($( [ $($asm:tt)* ] $(=> $llvm:literal)? ),* $(,)?) => {
        vec![ $( Form {
            dynasm: stringify!($($asm)*).to_owned(),
            llvm: forms!(@llvm [$($llvm)?] $($asm)*),
            code: a64!($($asm)*),
        } ),* ]
    };
    (@llvm [$llvm:literal] $($asm:tt)*) => { $llvm.to_string() };
    (@llvm [] $($asm:tt)*) => { stringify!($($asm)*).to_string() };
}

/// `chunk![ [; dynasm statements] => "llvm text", ... ]`: the forms assembled by one `a64!`
/// (one closure and one instantiation of the assembler instead of one per form, which keeps
/// thousands of generated forms quick to compile), then cut into forms one word per LLVM
/// statement.
macro_rules! chunk {
    ($( [ $($asm:tt)* ] => $llvm:literal ),* $(,)?) => {
        crate::split(a64!($($($asm)*)*), &[ $( (stringify!($($asm)*), $llvm) ),* ])
    };
}

/// The forms of a chunk from the chunk's code. If `a64!` failed, or the code is not one word
/// per LLVM statement, the first form gets the whole result and the others none, so that every
/// form of the chunk is reported.
fn split(
    code: Result<Vec<Instruction>, Error>,
    forms: &[(&'static str, &'static str)],
) -> Vec<Form> {
    let counts: Vec<usize> = forms
        .iter()
        .map(|(_, llvm)| statements(llvm).count())
        .collect();
    let form = |(dynasm, llvm): (&str, &str), code| Form {
        dynasm: dynasm.to_owned(),
        llvm: llvm.to_owned(),
        code,
    };
    match code {
        Ok(words) if words.len() == counts.iter().sum::<usize>() => {
            let mut rest = &words[..];
            forms
                .iter()
                .zip(counts)
                .map(|(&f, n)| {
                    let (mine, tail) = rest.split_at(n);
                    rest = tail;
                    form(f, Ok(mine.to_vec()))
                })
                .collect()
        }
        whole => {
            let mut whole = Some(whole);
            forms
                .iter()
                .map(|&f| form(f, whole.take().unwrap_or(Ok(Vec::new()))))
                .collect()
        }
    }
}

/// `alone![ [; dynasm statements] => "llvm text", ... ]`: each form assembled by its own
/// `a64!`, a panic caught and recorded in the form. `cargo xtask oracle` writes the forms that
/// differ from llvm-mc this way into `generated.rs`; while there are none, it is unused.
#[allow(unused_macros)]
macro_rules! alone {
    ($( [ $($asm:tt)* ] => $llvm:literal ),* $(,)?) => {
        vec![ $( crate::caught(stringify!($($asm)*), $llvm, || a64!($($asm)*)) ),* ]
    };
}

/// The form `f` assembles, with a panic turned into a form that names it and has no code.
#[allow(dead_code)]
fn caught(
    dynasm: &str,
    llvm: &str,
    f: impl FnOnce() -> Result<Vec<Instruction>, Error> + std::panic::UnwindSafe,
) -> Form {
    let (dynasm, code) = match std::panic::catch_unwind(f) {
        Ok(code) => (dynasm.to_owned(), code),
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            (format!("{dynasm} (a64! panicked: {msg})"), Ok(Vec::new()))
        }
    };
    Form {
        dynasm,
        llvm: llvm.to_owned(),
        code,
    }
}

#[rustfmt::skip]
#[path = "oracle/generated.rs"]
mod generated;

/// Whether the generated forms recorded as known differences (`generated.rs` sections marked
/// as such: encodings in which dynasm 5.1 disagrees with llvm-mc) may still differ. They are
/// printed either way; with `false`, or `JITKIT_ORACLE_STRICT=1` in the environment, they fail
/// the test like any other difference.
const KNOWN_DIFFERENCES_ALLOWED: bool = false;

fn data_processing() -> Vec<Form> {
    forms![
        // Arithmetic: immediate, shifted and extended register, flags, carry.
        [; add x0, x1, #4095],
        [; add w3, w4, #1, lsl #12],
        [; add x0, sp, #16],
        [; sub sp, sp, #32],
        [; adds x5, x6, #7],
        [; subs w7, w8, #0xfff],
        [; cmp x0, #42],
        [; cmn w1, #3],
        [; add x0, x1, x2],
        [; add x0, x1, x2, lsl #3],
        [; sub w0, w1, w2, asr #31],
        [; adds x9, x10, x11, lsr #17],
        [; add x0, x1, w2, uxtw #2],
        [; sub x0, sp, x3, uxtx #1],
        [; add w0, w1, w2, sxtb],
        [; cmp x0, w1, sxtw],
        [; neg x0, x1],
        [; negs w2, w3, lsl #4],
        [; adc x0, x1, x2],
        [; sbcs w0, w1, w2],
        // Logical: bitmask immediates and shifted registers.
        [; and x0, x1, #0xff],
        [; orr w0, w1, #0x0f0f0f0f],
        [; eor x0, x1, #0x5555555555555555],
        [; ands w0, w1, #0x80000000],
        [; tst x0, #1],
        [; and x0, x1, x2],
        [; orr x0, x1, x2, lsl #8],
        [; eor w0, w1, w2, ror #3],
        [; bic x0, x1, x2],
        [; orn w0, w1, w2],
        [; eon x0, x1, x2, lsr #1],
        [; bics x0, x1, x2],
        [; mvn x0, x1],
        [; mov x0, x1],
        [; mov x0, sp],
        [; mov sp, x1],
        // Moves of immediates.
        [; movz x0, #0x1234, lsl #16],
        [; movk x0, #0xbeef, lsl #48],
        [; movn w0, #5],
        [; mov x0, #0x10000],
        [; movn w0, #0] => "mov w0, #-1",
        [; orr x0, xzr, #0xff00ff00ff00ff00],
        // Shifts.
        [; lsl x0, x1, #3],
        [; lsr w0, w1, #31],
        [; asr x0, x1, #63],
        [; ror x0, x1, #7],
        [; lsl x0, x1, x2],
        [; lsr w0, w1, w2],
        [; asr x0, x1, x2],
        [; ror w0, w1, w2],
        // Bitfield and extract.
        [; ubfx x0, x1, #8, #12],
        [; sbfx w0, w1, #3, #5],
        [; bfi x0, x1, #8, #16],
        [; bfxil w0, w1, #4, #4],
        [; ubfiz x0, x1, #2, #30],
        [; sbfiz x0, x1, #60, #4],
        [; sxtw x0, w1],
        [; sxtb x0, w1],
        [; sxth w0, w1],
        [; uxtb w0, w1],
        [; uxth w0, w1],
        [; extr x0, x1, x2, #12],
        // Conditional select and compare.
        [; csel x0, x1, x2, eq],
        [; csinc w0, w1, w2, ne],
        [; csinv x0, x1, x2, lt],
        [; csneg x0, x1, x2, hi],
        [; cset w0, ge],
        [; csetm x0, lo],
        [; cinc x0, x1, mi],
        [; cinv w0, w1, vs],
        [; cneg x0, x1, le],
        [; ccmp x0, x1, #4, ne],
        [; ccmp w0, #5, #2, eq],
        [; ccmn x0, #31, #15, gt],
        // Multiply and divide.
        [; mul x0, x1, x2],
        [; madd w0, w1, w2, w3],
        [; msub x0, x1, x2, x3],
        [; mneg x0, x1, x2],
        [; smull x0, w1, w2],
        [; umull x0, w1, w2],
        [; smulh x0, x1, x2],
        [; umulh x0, x1, x2],
        [; smaddl x0, w1, w2, x3],
        [; umsubl x0, w1, w2, x3],
        [; udiv x0, x1, x2],
        [; sdiv w0, w1, w2],
        // Bit manipulation and PC-relative addresses.
        [; clz x0, x1],
        [; cls w0, w1],
        [; rbit x0, x1],
        [; rev x0, x1],
        [; rev16 w0, w1],
        [; rev32 x0, x1],
        [; adr x0, >l ; nop ; nop ; l:] => "adr x0, #12; nop; nop",
        [; l: ; adr x3, <l] => "adr x3, #0",
        // Not `adrp x0, >label`: dynasmrt 5.1 resolves it as (target - pc + 0xfff) >> 12, not
        // as the difference of the two 4 KiB pages, so it disagrees with LLVM (and the CPU).
    ]
}

fn loads_and_stores() -> Vec<Form> {
    forms![
        // Unsigned offset.
        [; ldr x0, [x1, #8]],
        [; ldr w0, [x1, #4]],
        [; ldr x0, [x1]],
        [; ldrb w0, [x1, #1]],
        [; ldrh w0, [x1, #2]],
        [; ldrsb x0, [x1, #3]],
        [; ldrsh w0, [x1]],
        [; ldrsw x0, [x1, #4]],
        [; str x0, [sp, #16]],
        [; strb w0, [x1, #4095]],
        [; strh w0, [x1, #8190]],
        [; ldr d0, [x0, #8]],
        [; ldr q0, [x0, #16]],
        [; str s0, [x1, #4]],
        [; ldr b0, [x1, #1]],
        [; str h1, [x2, #2]],
        // Pre-index and post-index.
        [; ldr x0, [x1, #8]!],
        [; str x0, [sp, #-16]!],
        [; ldrb w0, [x1, #1]!],
        [; ldr q0, [x1, #-256]!],
        [; ldr x0, [x1], #8],
        [; str w0, [x1], #-4],
        [; ldrh w0, [x1], #2],
        [; str d0, [x1], #255],
        // Register offset with extend/shift.
        [; ldr x0, [x1, x2]],
        [; ldr x0, [x1, x2, lsl #3]],
        [; ldr w0, [x1, w2, uxtw]],
        [; ldr w0, [x1, w2, sxtw #2]],
        [; ldrb w0, [x1, x2]],
        [; ldrsh x0, [x1, x2, lsl #1]],
        [; str x0, [x1, x2, sxtx]],
        [; ldr d0, [x1, x2, lsl #3]],
        [; str q0, [x1, w2, uxtw #4]],
        [; prfm #0, [x1, x2]] => "prfm pldl1keep, [x1, x2]",
        // Unscaled offset.
        [; ldur x0, [x1, #-8]],
        [; stur w0, [x1, #3]],
        [; ldurb w0, [x1, #-1]],
        [; ldursw x0, [x1, #255]],
        [; ldur q0, [x1, #-256]],
        // Literal (PC-relative).
        [; ldr x0, >l ; nop ; l:] => "ldr x0, #8; nop",
        [; ldr w1, >l ; nop ; nop ; l:] => "ldr w1, #12; nop; nop",
        [; l: ; nop ; ldrsw x2, <l] => "nop; ldrsw x2, #-4",
        [; ldr d3, >l ; l:] => "ldr d3, #4",
        [; ldr q4, >l ; nop ; l:] => "ldr q4, #8; nop",
        // Pairs.
        [; ldp x0, x1, [sp]],
        [; stp x29, x30, [sp, #-16]!],
        [; ldp x29, x30, [sp], #16],
        [; ldp w0, w1, [x2, #8]],
        [; ldpsw x0, x1, [x2, #-8]],
        [; stp d0, d1, [sp, #16]],
        [; ldp q0, q1, [x0, #32]],
        [; stp w3, w4, [x5], #-8],
        [; ldnp x0, x1, [x2, #16]],
        [; stnp q0, q1, [x2]],
        // Exclusive, acquire/release.
        [; ldxr x0, [x1]],
        [; stxr w2, x0, [x1]],
        [; ldaxr w0, [x1]],
        [; stlxr w3, w0, [x1]],
        [; ldar x0, [x1]],
        [; stlr w0, [x1]],
        [; ldxrb w0, [x1]],
        [; ldarh w0, [x1]],
        [; stlrb w0, [sp]],
        [; ldxp x0, x1, [x2]],
        [; stxp w3, x0, x1, [x2]],
        [; ldaxp w0, w1, [x2]],
        [; clrex],
        // Atomics (LSE).
        [; ldadd x0, x1, [x2]],
        [; ldaddal w0, w1, [x2]],
        [; swp x0, x1, [x2]],
        [; cas x0, x1, [x2]],
        [; casal w0, w1, [sp]],
        [; ldclr x3, x4, [x5]],
    ]
}

fn branches() -> Vec<Form> {
    forms![
        [; b >l ; nop ; l:] => "b #8; nop",
        [; l: ; nop ; b <l] => "nop; b #-4",
        [; ->g: ; b ->g] => "b #0",
        [let d; ; b =>d ; nop ; nop ; =>d] => "b #12; nop; nop",
        [; bl >l ; l:] => "bl #4",
        [; l: ; bl <l] => "bl #0",
        [; b.eq >l ; nop ; l:] => "b.eq #8; nop",
        [; b.ne >l ; l:] => "b.ne #4",
        [; l: ; b.hs <l] => "b.hs #0",
        [; l: ; nop ; b.lo <l] => "nop; b.lo #-4",
        [; b.mi >l ; l:] => "b.mi #4",
        [; b.gt >l ; nop ; nop ; nop ; l:] => "b.gt #16; nop; nop; nop",
        [; b.le >l ; l:] => "b.le #4",
        [; b.al >l ; l:] => "b.al #4",
        [; cbz x0, >l ; nop ; l:] => "cbz x0, #8; nop",
        [; l: ; cbnz w1, <l] => "cbnz w1, #0",
        [; tbz x0, #63, >l ; nop ; l:] => "tbz x0, #63, #8; nop",
        [; l: ; nop ; tbnz w1, #3, <l] => "nop; tbnz w1, #3, #-4",
        [; tbz w5, #0, >l ; l:] => "tbz w5, #0, #4",
        [; br x16],
        [; blr x1],
        [; ret],
        [; ret x1],
    ]
}

fn system() -> Vec<Form> {
    forms![
        [; nop],
        [; yield],
        [; wfe],
        [; wfi],
        [; sev],
        [; dmb ish],
        [; dmb ishld],
        [; dmb sy],
        [; dmb oshst],
        [; dsb ish],
        [; dsb sy],
        [; isb],
        // System registers by number (o0:op1:CRn:CRm:op2), as dynasm takes them.
        [; mrs x0, #0x5E82] => "mrs x0, tpidr_el0",
        [; msr #0x5E82, x1] => "msr tpidr_el0, x1",
        [; mrs x2, #0x5A10] => "mrs x2, nzcv",
        [; msr #0x5A10, x3] => "msr nzcv, x3",
        [; mrs x4, #0x5A20] => "mrs x4, fpcr",
        [; mrs x5, #0x5F02] => "mrs x5, cntvct_el0",
        [; svc #0],
        [; svc #0xffff],
        [; brk #0x3e8],
        [; hlt #1],
        [; dc cvau, x0],
        [; ic ivau, x1],
    ]
}

fn floating_point() -> Vec<Form> {
    forms![
        [; fadd d0, d1, d2],
        [; fadd s0, s1, s2],
        [; fsub d3, d4, d5],
        [; fmul s0, s1, s2],
        [; fdiv d0, d1, d2],
        [; fsqrt d0, d1],
        [; fsqrt s0, s1],
        [; fabs d0, d1],
        [; fneg s0, s1],
        [; fmadd d0, d1, d2, d3],
        [; fmsub s0, s1, s2, s3],
        [; fnmadd d0, d1, d2, d3],
        [; fmax d0, d1, d2],
        [; fminnm s0, s1, s2],
        [; fcvt s0, d1],
        [; fcvt d0, s1],
        [; fcvt h0, s1],
        [; fcvt d0, h1],
        [; scvtf d0, x1],
        [; scvtf s0, w1],
        [; ucvtf d0, w1],
        [; fcvtzs x0, d1],
        [; fcvtzu w0, s1],
        [; fcvtns x0, d1],
        [; fcvtms w0, d1],
        [; fcmp d0, d1],
        [; fcmp s0, #0.0],
        [; fcmpe d0, d1],
        [; fccmp d0, d1, #0, ne],
        [; fcsel d0, d1, d2, gt],
        [; fmov d0, x1],
        [; fmov x0, d1],
        [; fmov s0, w1],
        [; fmov w0, s1],
        [; fmov d0, d1],
        [; fmov d0, #1.0],
        [; fmov s0, #-2.5],
        [; fmov d0, #0.125],
        [; frintz d0, d1],
        [; frinta s0, s1],
        [; frintm d0, d1],
    ]
}

/// Aliases that llvm-mc accepts and dynasm spells otherwise or lacks, which `a64!` rewrites or
/// encodes itself (see `jitkit-macros/src/rewrite.rs`), with dynamic twins where an operand
/// can be dynamic.
fn aliases() -> Vec<Form> {
    let (r3, r21): (u8, u8) = (3, 21);
    forms![
        [; ldr x11, [x29, #-8]],
        [; str w0, [x0, #2]],
        [; ldrsw x3, [x10, #10]],
        [; ldrh w1, [x2, #-1]],
        [; ldr q1, [x2, #8]],
        [; strb w5, [sp, #-256]],
        [; add w3, w4, #4194304],
        [; sub x3, x4, #0xfff000],
        [; cmn x2, #4194304],
        [; adds x1, x2, w3, uxtx],
        [; subs x1, x2, w3, sxtx #2],
        [; add w1, w2, w3, uxtx],
        [; add w29, w23, w17, uxtx #1],
        [; adds w2, w3, w5, sxtx],
        [; sub wsp, w3, w5, sxtx #4],
        [; subs w19, wsp, w1, uxtx],
        [; cmn w17, w1, uxtx],
        [; cmp w3, w5, sxtx],
        [; add w1, w2, W(r3), uxtx] => "add w1, w2, w3, uxtx",
        [; cmls v0.b8, v17.b8, v15.b8] => "cmls v0.8b, v17.8b, v15.8b",
        [; cmlo v0.b16, v17.b16, v15.b16] => "cmlo v0.16b, v17.16b, v15.16b",
        [; facle v0.s4, v16.s4, v31.s4] => "facle v0.4s, v16.4s, v31.4s",
        [; faclt d0, d1, d2],
        [; cmle v0.b8, v17.b8, v15.b8] => "cmle v0.8b, v17.8b, v15.8b",
        [; cmlt v3.d2, v21.d2, v31.d2] => "cmlt v3.2d, v21.2d, v31.2d",
        [; fcmle v3.s2, v12.s2, v8.s2] => "fcmle v3.2s, v12.2s, v8.2s",
        [; fcmlt d3, d12, d8],
        [; cmle v0.b8, v17.b8, #0] => "cmle v0.8b, v17.8b, #0",
        [; cmeq d1, d2, #0],
        [; fcmeq v0.s4, v31.s4, #0] => "fcmeq v0.4s, v31.4s, #0.0",
        [; fcmge d20, d21, #0x0] => "fcmge d20, d21, #0.0",
        [; fcmlt v5.d2, v29.d2, #0] => "fcmlt v5.2d, v29.2d, #0.0",
        [; uxtw x1, w2],
        [; uxtw x1, W(r3)] => "uxtw x1, w3",
        [; uxtb xzr, w3],
        [; uxth x0, w1],
        [; fmov d3, #3],
        [; fmov v0.s4, #2] => "fmov v0.4s, #2.0",
        [; fcvtn v13.h4, v21.s4] => "fcvtn v13.4h, v21.4s",
        [; fcvtn v13.h4, V(r21).s4] => "fcvtn v13.4h, v21.4s",
        [; fcvtn2 v2.h8, v4.s4] => "fcvtn2 v2.8h, v4.4s",
        [; mov w0, #-1],
        [; mov sp, #0x5555555555555555],
        [; mov x0, #0xffffffff],
        [; bic x0, x1, #0xf],
        [; eon w0, w1, #1],
        [; tst w0, #-2],
    ]
}

fn simd() -> Vec<Form> {
    forms![
        [; add v0.s4, v1.s4, v2.s4] => "add v0.4s, v1.4s, v2.4s",
        [; add v0.b16, v1.b16, v2.b16] => "add v0.16b, v1.16b, v2.16b",
        [; sub v0.d2, v1.d2, v2.d2] => "sub v0.2d, v1.2d, v2.2d",
        [; mul v0.h8, v1.h8, v2.h8] => "mul v0.8h, v1.8h, v2.8h",
        [; mul v0.s2, v1.s2, v2.s2] => "mul v0.2s, v1.2s, v2.2s",
        [; add d0, d1, d2],
        [; fadd v0.d2, v1.d2, v2.d2] => "fadd v0.2d, v1.2d, v2.2d",
        [; fmul v0.s4, v1.s4, v2.s4] => "fmul v0.4s, v1.4s, v2.4s",
        [; fmla v0.s4, v1.s4, v2.s[1]] => "fmla v0.4s, v1.4s, v2.s[1]",
        [; and v0.b16, v1.b16, v2.b16] => "and v0.16b, v1.16b, v2.16b",
        [; orr v0.b8, v1.b8, v2.b8] => "orr v0.8b, v1.8b, v2.8b",
        [; eor v0.b16, v1.b16, v2.b16] => "eor v0.16b, v1.16b, v2.16b",
        [; not v0.b16, v1.b16] => "not v0.16b, v1.16b",
        [; mov v0.b16, v1.b16] => "mov v0.16b, v1.16b",
        [; ld1 {v0.b16}, [x0]] => "ld1 {v0.16b}, [x0]",
        [; ld1 {v0.s4, v1.s4}, [x0], #32] => "ld1 {v0.4s, v1.4s}, [x0], #32",
        // Register lists as comma lists or `{first * count}`. Not the dash form `{v2.d2 - v5.d2}`:
        // dynasm 5.1 counts it as last - first registers, one too few.
        [; ld1 {v2.d2, v3.d2, v4.d2, v5.d2}, [x1], x2] => "ld1 {v2.2d, v3.2d, v4.2d, v5.2d}, [x1], x2",
        [; ld1 {v2.d2, v3.d2, v4.d2}, [x1]] => "ld1 {v2.2d, v3.2d, v4.2d}, [x1]",
        [; ld1 {v0.b16 * 4}, [x1]] => "ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x1]",
        [; st1 {v0.d2}, [x1]] => "st1 {v0.2d}, [x1]",
        [; st1 {v0.h4}, [sp]] => "st1 {v0.4h}, [sp]",
        [; ld1 {v0.s}[1], [x0]] => "ld1 {v0.s}[1], [x0]",
        [; st1 {v3.b}[15], [x0], #1] => "st1 {v3.b}[15], [x0], #1",
        [; ld1r {v0.s4}, [x0]] => "ld1r {v0.4s}, [x0]",
        [; ld2 {v0.h8, v1.h8}, [x0]] => "ld2 {v0.8h, v1.8h}, [x0]",
        [; st2 {v0.s4, v1.s4}, [x0], #32] => "st2 {v0.4s, v1.4s}, [x0], #32",
        [; dup v0.s4, w1] => "dup v0.4s, w1",
        [; dup v0.d2, x1] => "dup v0.2d, x1",
        [; dup v0.d2, v1.d[1]] => "dup v0.2d, v1.d[1]",
        [; ins v0.s[1], w1] => "ins v0.s[1], w1",
        [; ins v0.d[0], v1.d[1]] => "ins v0.d[0], v1.d[1]",
        [; umov w0, v1.b[3]] => "umov w0, v1.b[3]",
        [; umov x0, v1.d[1]] => "umov x0, v1.d[1]",
        [; smov x0, v1.h[2]] => "smov x0, v1.h[2]",
        [; addv s0, v1.s4] => "addv s0, v1.4s",
        [; addv b0, v1.b16] => "addv b0, v1.16b",
        [; uaddlv h0, v1.b16] => "uaddlv h0, v1.16b",
        [; umaxv b0, v1.b16] => "umaxv b0, v1.16b",
        [; cmeq v0.s4, v1.s4, v2.s4] => "cmeq v0.4s, v1.4s, v2.4s",
        [; cmgt v0.d2, v1.d2, v2.d2] => "cmgt v0.2d, v1.2d, v2.2d",
        [; movi v0.b16, #0xff] => "movi v0.16b, #0xff",
        [; movi v0.d2, #0] => "movi v0.2d, #0",
        [; ext v0.b16, v1.b16, v2.b16, #4] => "ext v0.16b, v1.16b, v2.16b, #4",
        [; zip1 v0.s4, v1.s4, v2.s4] => "zip1 v0.4s, v1.4s, v2.4s",
        [; uzp2 v0.h8, v1.h8, v2.h8] => "uzp2 v0.8h, v1.8h, v2.8h",
        [; trn1 v0.b8, v1.b8, v2.b8] => "trn1 v0.8b, v1.8b, v2.8b",
        [; shl v0.s4, v1.s4, #3] => "shl v0.4s, v1.4s, #3",
        [; ushr v0.d2, v1.d2, #7] => "ushr v0.2d, v1.2d, #7",
        [; sshr v0.h8, v1.h8, #15] => "sshr v0.8h, v1.8h, #15",
        [; xtn v0.h4, v1.s4] => "xtn v0.4h, v1.4s",
        [; uxtl v0.h8, v1.b8] => "uxtl v0.8h, v1.8b",
        [; tbl v0.b16, {v1.b16}, v2.b16] => "tbl v0.16b, {v1.16b}, v2.16b",
        [; cnt v0.b8, v1.b8] => "cnt v0.8b, v1.8b",
        [; addp v0.s4, v1.s4, v2.s4] => "addp v0.4s, v1.4s, v2.4s",
        [; umull v0.d2, v1.s2, v2.s2] => "umull v0.2d, v1.2s, v2.2s",
        [; umull2 v0.d2, v1.s4, v2.s4] => "umull2 v0.2d, v1.4s, v2.4s",
        [; fcvtzs v0.s4, v1.s4] => "fcvtzs v0.4s, v1.4s",
        [; scvtf v0.d2, v1.d2] => "scvtf v0.2d, v1.2d",
        [; rev64 v0.b16, v1.b16] => "rev64 v0.16b, v1.16b",
    ]
}

/// The reference assembler: `$LLVM_MC` if set (`cargo xtask test` sets it), else `llvm-mc` on
/// `PATH`, else the newest `llvm-mc-N` on `PATH` (Debian's versioned packages). None of these:
/// the test fails and says how to install one.
fn llvm_mc() -> String {
    let runs = |p: &str| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(p) = std::env::var_os("LLVM_MC") {
        let p = p.to_string_lossy().into_owned();
        assert!(
            runs(&p),
            "LLVM_MC={p} does not run (`{p} --version` failed)"
        );
        return p;
    }
    if runs("llvm-mc") {
        return "llvm-mc".to_owned();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut versioned: Vec<(u32, String)> = std::env::split_paths(&path)
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name.strip_prefix("llvm-mc-")?.parse().ok()?;
            Some((version, entry.path().to_string_lossy().into_owned()))
        })
        .collect();
    versioned.sort();
    if let Some((_, p)) = versioned.into_iter().rev().find(|(_, p)| runs(p)) {
        return p;
    }
    panic!(
        "the encoding oracle needs llvm-mc: set LLVM_MC, or put llvm-mc (or llvm-mc-N) on PATH; \
         install LLVM (Debian/Ubuntu: `apt-get install llvm`) and run again"
    );
}

/// Assembles `source` with llvm-mc and returns its encodings grouped by the `fN:` labels.
fn llvm_encodings(source: &str, count: usize) -> Vec<Vec<u32>> {
    let mc = llvm_mc();
    let mut child = Command::new(&mc)
        .args([
            "-triple=aarch64",
            &format!("-mattr={}", generated::LLVM_MATTR),
            "-show-encoding",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {mc}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    // Written from a thread so a full stdout pipe cannot block the write.
    let source = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(source.as_bytes()));
    let out = child.wait_with_output().expect("llvm-mc output");
    writer.join().unwrap().expect("write llvm-mc input");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{mc} rejected the LLVM side of the table:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); count];
    let mut current: Option<usize> = None;
    for line in stdout.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix('f').and_then(|l| l.strip_suffix(':')) {
            if let Ok(n) = n.parse::<usize>() {
                current = Some(n);
                continue;
            }
        }
        let Some((_, enc)) = line.split_once("encoding: [") else {
            continue;
        };
        let bytes: Vec<u8> = enc
            .trim_end_matches(']')
            .split(',')
            .map(|b| {
                u8::from_str_radix(b.trim().trim_start_matches("0x"), 16)
                    .unwrap_or_else(|_| panic!("unexpected encoding {line:?} (a fixup?)"))
            })
            .collect();
        assert_eq!(bytes.len(), 4, "{line}");
        let n = current.unwrap_or_else(|| panic!("encoding before the first label: {line}"));
        groups[n].push(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
    }
    groups
}

/// A form of the table: its section (family), whether it is a recorded known difference, and
/// the form.
type Entry = (&'static str, bool, Form);

/// Every form, hand-written and generated, and what llvm-mc encodes for each.
fn table() -> (Vec<Entry>, Vec<Vec<u32>>) {
    let sections = [
        ("hand-written: data processing", false, data_processing()),
        ("hand-written: loads and stores", false, loads_and_stores()),
        ("hand-written: branches", false, branches()),
        ("hand-written: system", false, system()),
        ("hand-written: floating point", false, floating_point()),
        ("hand-written: simd", false, simd()),
        ("hand-written: aliases", false, aliases()),
    ];
    let forms: Vec<Entry> = sections
        .into_iter()
        .chain(generated::sections())
        .flat_map(|(name, known, forms)| forms.into_iter().map(move |f| (name, known, f)))
        .collect();
    assert!(forms.len() >= 2000, "only {} forms", forms.len());

    let mut source = String::new();
    for (i, (_, _, form)) in forms.iter().enumerate() {
        source.push_str(&format!("f{i}:\n"));
        for stmt in statements(&form.llvm) {
            source.push_str(&format!("\t{stmt}\n"));
        }
    }
    let expected = llvm_encodings(&source, forms.len());
    (forms, expected)
}

/// The form's LLVM statements, one per instruction.
fn statements(llvm: &str) -> impl Iterator<Item = &str> {
    llvm.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[test]
fn a64_matches_llvm_mc_on_every_form() {
    let (forms, expected) = table();

    let strict = !KNOWN_DIFFERENCES_ALLOWED
        || std::env::var_os("JITKIT_ORACLE_STRICT").is_some_and(|v| v == "1");
    let mut counts: std::collections::BTreeMap<&str, [usize; 2]> = Default::default();
    let mut mismatches = Vec::new();
    let mut known = Vec::new();
    for (i, ((section, is_known, form), llvm)) in forms.iter().zip(&expected).enumerate() {
        counts.entry(section).or_default()[usize::from(*is_known)] += 1;
        let problem = match &form.code {
            Err(e) => Some(format!(
                "f{i} [{section}] `{}`: a64! failed: {e}",
                form.dynasm
            )),
            Ok(_) if llvm.is_empty() => Some(format!(
                "f{i} [{section}] `{}`: llvm-mc produced no encoding",
                form.llvm
            )),
            Ok(code) => {
                let ours: Vec<u32> = code.iter().map(|i| i.word()).collect();
                (&ours != llvm).then(|| {
                    format!(
                        "f{i} [{section}] `{}` vs `{}`: a64! {:08x?}, llvm-mc {:08x?}",
                        form.dynasm, form.llvm, ours, llvm
                    )
                })
            }
        };
        match problem {
            Some(p) if *is_known && !strict => known.push(p),
            Some(p) => mismatches.push(p),
            None if *is_known => mismatches.push(format!(
                "f{i} [{section}] `{}` is recorded as a known difference but now matches \
                 llvm-mc: regenerate with `cargo xtask oracle`",
                form.dynasm
            )),
            None => {}
        }
    }

    println!("{:<45} {:>6} {:>10}", "family", "forms", "known diff");
    for (section, [ok, k]) in &counts {
        println!("{section:<45} {:>6} {k:>10}", ok + k);
    }
    println!("{:<45} {:>6} {:>10}", "total", forms.len(), known.len());
    if !known.is_empty() {
        println!(
            "{} known differences (dynasm 5.1 mis-encodings; allowed while \
             KNOWN_DIFFERENCES_ALLOWED is true):\n{}",
            known.len(),
            known.join("\n")
        );
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} forms differ:\n{}",
        mismatches.len(),
        forms.len(),
        mismatches.join("\n")
    );
}

/// What `Instruction::kind` must say for an LLVM statement, and the PC-relative offset it names.
fn expected_kind(stmt: &str) -> (InstructionKind, Option<i64>) {
    let (mnemonic, operands) = stmt.split_once(' ').unwrap_or((stmt, ""));
    let offset = || {
        let last = operands.rsplit(',').next().unwrap().trim();
        last.strip_prefix('#').and_then(|n| n.parse::<i64>().ok())
    };
    let kind = match mnemonic {
        "b" => InstructionKind::Branch,
        "bl" => InstructionKind::BranchLink,
        m if m.starts_with("b.") => InstructionKind::CondBranch,
        "cbz" | "cbnz" => InstructionKind::CompareBranch,
        "tbz" | "tbnz" => InstructionKind::TestBranch,
        "adr" => InstructionKind::Adr,
        "adrp" => InstructionKind::Adrp,
        "ldr" | "ldrsw" | "prfm" if !operands.contains('[') => InstructionKind::LoadLiteral,
        _ => return (InstructionKind::Other, None),
    };
    (kind, offset())
}

/// `Instruction::kind` and `branch_offset` agree with LLVM on every encoding of the table: the
/// PC-relative instructions are found with the offsets LLVM was given, and nothing else is
/// taken for one.
#[test]
fn classification_agrees_with_llvm_on_every_form() {
    let (forms, expected) = table();
    let mut pc_relative = 0;
    let mut wrong = Vec::new();
    for ((_, _, form), words) in forms.iter().zip(&expected) {
        let stmts: Vec<&str> = statements(&form.llvm).collect();
        assert_eq!(
            stmts.len(),
            words.len(),
            "{}: one word per statement",
            form.llvm
        );
        for (stmt, &word) in stmts.iter().zip(words) {
            let (kind, offset) = expected_kind(stmt);
            let i = Instruction::new(word);
            if kind != InstructionKind::Other {
                pc_relative += 1;
            }
            if i.kind() != kind || i.branch_offset() != offset {
                wrong.push(format!(
                    "`{stmt}` ({word:#010x}): {:?} {:?}, expected {kind:?} {offset:?}",
                    i.kind(),
                    i.branch_offset()
                ));
            }
        }
    }
    assert!(
        pc_relative >= 25,
        "only {pc_relative} PC-relative encodings"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
