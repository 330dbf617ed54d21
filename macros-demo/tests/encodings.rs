//! The machine code the BCPL back ends emit for `longjump` (the link words a jump target
//! keeps, and the trampolines' `resume`) and the AArch64 trampoline's saves of every
//! callee-saved register, compared with llvm-mc's encoding of the same assembly: the
//! project's oracle for encodings. These tests fail when llvm-mc is missing.

mod common;

use common::llvm_bytes;
use jitkit::Assembled;
use macros_demo::bcpl::backend_a64::A64;
use macros_demo::bcpl::backend_x64::X64;
use macros_demo::bcpl::codegen::{self, Context};
use macros_demo::bcpl::jit::{Backend, ENTRY_BASE, ENTRY_END, ENTRY_TABLE, ENTRY_WORDS};
use macros_demo::bcpl::{codegen_x64, front_end};

fn a64_bytes(code: &Assembled) -> Vec<u8> {
    code.instructions
        .iter()
        .flat_map(|i| i.to_le_bytes())
        .collect()
}

/// Whether `needle` occurs in `hay`, contiguous.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A program whose `start` takes one of its labels as a value: a jump target, its link
/// words at byte 16 of its frame (after its two locals).
const JUMP_TARGET: &[u8] = b"GET \"libhdr\"
LET start() BE
{ LET p, l = level(), back
  RETURN
back:
  writes(\"back*n\")
}
";

#[test]
fn the_aarch64_trampoline_saves_restores_and_resumes_as_llvm_mc_encodes() {
    let (code, exits) = A64::trampoline().unwrap();
    let bytes = a64_bytes(&code);
    let saves = llvm_bytes(
        "-triple=aarch64",
        "stp x29, x30, [sp, #-160]!\nmov x29, sp\nstp x19, x20, [sp, #16]\n\
         stp x21, x22, [sp, #32]\nstp x23, x24, [sp, #48]\nstp x25, x26, [sp, #64]\n\
         stp x27, x28, [sp, #80]\nstp d8, d9, [sp, #96]\nstp d10, d11, [sp, #112]\n\
         stp d12, d13, [sp, #128]\nstp d14, d15, [sp, #144]\n",
    );
    assert_eq!(&bytes[..saves.len()], &saves[..]);
    // The restores end where `escape` begins.
    let restores = llvm_bytes(
        "-triple=aarch64",
        "ldp x19, x20, [sp, #16]\nldp x21, x22, [sp, #32]\nldp x23, x24, [sp, #48]\n\
         ldp x25, x26, [sp, #64]\nldp x27, x28, [sp, #80]\nldp d8, d9, [sp, #96]\n\
         ldp d10, d11, [sp, #112]\nldp d12, d13, [sp, #128]\nldp d14, d15, [sp, #144]\n\
         ldp x29, x30, [sp], #160\nret\n",
    );
    assert_eq!(
        &bytes[exits.escape - restores.len()..exits.escape],
        &restores[..]
    );
    let resume = llvm_bytes(
        "-triple=aarch64",
        &format!(
            "ldr x19, [x0, #{ENTRY_TABLE}]\nldr x20, [x0, #{ENTRY_BASE}]\n\
             ldr x21, [x0, #{ENTRY_WORDS}]\nldr x23, [x0, #{ENTRY_END}]\n\
             mov sp, x1\nmov x29, x1\nmov x22, x2\nbr x3\n"
        ),
    );
    assert_eq!(&bytes[exits.resume..], &resume[..]);
}

#[test]
fn the_x86_64_trampoline_resumes_as_llvm_mc_encodes() {
    let (code, exits) = X64::trampoline().unwrap();
    let resume = llvm_bytes(
        "-triple=x86_64",
        &format!(
            ".intel_syntax noprefix\n\
             {{disp32}} mov r12, qword ptr [rdi + {ENTRY_TABLE}]\n\
             {{disp32}} mov r13, qword ptr [rdi + {ENTRY_BASE}]\n\
             {{disp32}} mov r14, qword ptr [rdi + {ENTRY_WORDS}]\n\
             {{disp32}} mov r15, qword ptr [rdi + {ENTRY_END}]\n\
             mov rsp, rsi\nmov rbx, rdx\njmp rcx\n"
        ),
    );
    assert_eq!(&code.bytes()[exits.resume..], &resume[..]);
}

#[test]
fn a_jump_target_keeps_and_clears_its_link_words_as_llvm_mc_encodes() {
    let prog = front_end(JUMP_TARGET).unwrap();
    let start = prog.start;
    let f = &prog.funcs[start];
    assert!(f.jump_target);
    assert_eq!(8 * f.link_base(), 16);
    let ctx = Context::new(prog.funcs.len(), false);

    let a64 = a64_bytes(&codegen::compile(f, start, &ctx).unwrap());
    let keep = llvm_bytes(
        "-triple=aarch64",
        "mov x9, sp\nstp x9, x17, [x16]\nstr x30, [x16, #16]\n",
    );
    let clear = llvm_bytes("-triple=aarch64", "add x16, x22, #16\nstr xzr, [x16]\n");
    assert!(contains(&a64, &keep), "AArch64: no link-word stores");
    assert!(contains(&a64, &clear), "AArch64: no clear on return");

    let x64 = codegen_x64::compile(f, start, &ctx).unwrap();
    let keep = llvm_bytes(
        "-triple=x86_64",
        ".intel_syntax noprefix\nmov qword ptr [rax], rsp\nmov qword ptr [rax + 8], rcx\n\
         mov rcx, qword ptr [rsp]\nmov qword ptr [rax + 16], rcx\n",
    );
    let clear = llvm_bytes(
        "-triple=x86_64",
        ".intel_syntax noprefix\n{disp32} lea rdi, [rbx + 16]\nmov qword ptr [rdi], 0\n",
    );
    assert!(contains(x64.bytes(), &keep), "x86-64: no link-word stores");
    assert!(contains(x64.bytes(), &clear), "x86-64: no clear on return");
}

/// Shifts: by a count known only at run time (its sign picks the direction, a size of 64 or
/// more gives 0; see `arith`), and by constants, which fold to one shift or to 0.
const SHIFTS: &[u8] = b"GET \"libhdr\"
LET left(x, n) = x << n
AND right(x, n) = x >> n
AND constants(x) = (x << 3) + ((x >> -5) + (x << 64))
LET start() BE writen(left(1, 2) + right(8, 1) + constants(1))
";

#[test]
fn shifts_pick_their_direction_and_saturate_as_llvm_mc_encodes() {
    let prog = front_end(SHIFTS).unwrap();
    let ctx = Context::new(prog.funcs.len(), false);
    let func = |name: &str| {
        let i = prog.funcs.iter().position(|f| f.name == name).unwrap();
        (&prog.funcs[i], i)
    };
    // The same rule for `<<` and `>>`, the directions swapped.
    let a64_variable = |first: &str, second: &str| {
        llvm_bytes(
            "-triple=aarch64",
            &format!(
                "neg x2, x1\n{first} x2, x0, x2\n{second} x0, x0, x1\ncmp x1, #0\n\
                 csel x0, x0, x2, ge\nadd x2, x1, #63\ncmp x2, #126\ncsel x0, xzr, x0, hi\n"
            ),
        )
    };
    // The generator's immediates are 32-bit (jitkit's `dynasm!` passes them as `i32`), so
    // `cmp rcx, 126` is the imm32 form: llvm-mc's encoding of that form (forced by a value
    // that needs 32 bits) with 126 in the immediate.
    let cmp_imm32 = |value: i32| {
        let mut b = llvm_bytes(
            "-triple=x86_64",
            ".intel_syntax noprefix\ncmp rcx, 2147483647\n",
        );
        let at = b.len() - 4;
        b[at..].copy_from_slice(&value.to_le_bytes());
        b
    };
    let x64_variable = |first: &str, second: &str| {
        let mut b = llvm_bytes(
            "-triple=x86_64",
            &format!(
                ".intel_syntax noprefix\nmov rdx, rax\nmov rsi, rcx\n{first} rax, cl\nneg rcx\n\
                 {second} rdx, cl\ntest rsi, rsi\ncmovs rax, rdx\nlea rcx, [rsi + 63]\n\
                 xor edx, edx\n"
            ),
        );
        b.extend(cmp_imm32(126));
        b.extend(llvm_bytes(
            "-triple=x86_64",
            ".intel_syntax noprefix\ncmova rax, rdx\n",
        ));
        b
    };
    for (name, a64_ops, x64_ops) in [
        ("left", ("lsr", "lsl"), ("shl", "shr")),
        ("right", ("lsl", "lsr"), ("shr", "shl")),
    ] {
        let (f, i) = func(name);
        let a64 = a64_bytes(&codegen::compile(f, i, &ctx).unwrap());
        let want = a64_variable(a64_ops.0, a64_ops.1);
        assert!(contains(&a64, &want), "AArch64 {name}: no shift sequence");
        let x64 = codegen_x64::compile(f, i, &ctx).unwrap();
        let want = x64_variable(x64_ops.0, x64_ops.1);
        assert!(
            contains(x64.bytes(), &want),
            "x86-64 {name}: no shift sequence"
        );
    }
    // `x << 3`, `x >> -5` (that is `x << 5`) and `x << 64` (0).
    let (f, i) = func("constants");
    let a64 = a64_bytes(&codegen::compile(f, i, &ctx).unwrap());
    let x64 = codegen_x64::compile(f, i, &ctx).unwrap();
    for (a64_text, x64_text) in [
        ("lsl x0, x0, #3", "shl rax, 3"),
        ("lsl x0, x0, #5", "shl rax, 5"),
        ("mov x0, xzr", "xor eax, eax"),
    ] {
        let want = llvm_bytes("-triple=aarch64", &format!("{a64_text}\n"));
        assert!(contains(&a64, &want), "AArch64: no `{a64_text}`");
        let want = llvm_bytes(
            "-triple=x86_64",
            &format!(".intel_syntax noprefix\n{x64_text}\n"),
        );
        assert!(contains(x64.bytes(), &want), "x86-64: no `{x64_text}`");
    }
}
