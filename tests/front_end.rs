//! The front end's promises (issue: every valid A64 instruction assembles to the right word, or
//! is an error value): dynamic registers are range-checked for their field, dynamic operands
//! are evaluated once, nothing panics or aborts (a zero bitfield width in a debug build, a first
//! use inside a panicking `Drop` or inside `catch_unwind`), a user's own panic propagates, and
//! errors name the statement as written. Encodings themselves are checked against llvm-mc in
//! `oracle.rs`.

mod common;

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

use common::{child_role, run_child};
use jitkit::{a64, dynasm, Assembler, Error, Instruction};

fn word(code: Result<Vec<Instruction>, Error>) -> u32 {
    let code = code.expect("assembles");
    assert_eq!(code.len(), 1);
    code[0].word()
}

fn register_error(result: Result<Vec<Instruction>, Error>) -> (u8, String, &'static str) {
    match result {
        Err(Error::Register {
            reg,
            statement,
            allowed,
        }) => (reg, statement, allowed),
        other => panic!("expected Error::Register, got {other:?}"),
    }
}

#[test]
fn a_dynamic_register_above_31_is_an_error_in_every_family() {
    for r in [32u8, 40, 255] {
        let cases = [
            a64!(; add X(r), x0, x1),
            a64!(; add x0, X(r), x1),
            a64!(; add XSP(r), sp, #1),
            a64!(; add w0, W(r), w1),
            a64!(; add WSP(r), wsp, #1),
            a64!(; ldr x0, [XSP(r), #8]),
            a64!(; ldr x0, [x1, X(r), lsl #3]),
            a64!(; fadd D(r), d0, d1),
            a64!(; fadd S(r), s0, s1),
            a64!(; fadd H(r), h0, h1),
            a64!(; ldr Q(r), [x0]),
            a64!(; ldr B(r), [x0]),
            a64!(; add V(r).s4, v0.s4, v1.s4),
            a64!(; ld1 {V(r).b16 * 2}, [x0]),
            a64!(; ins V(r).s[1], w0),
        ];
        for case in cases {
            let (reg, statement, allowed) = register_error(case);
            assert_eq!(reg, r, "{statement}");
            assert!(allowed.contains("0..=31"), "{statement}: {allowed}");
        }
    }
    // The message names the statement as written, the number and the range.
    let r: u8 = 40;
    let err = a64!(; nop ; add X(r), x0, x1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "register 40 is out of range in `add X(r), x0, x1`: allowed 0..=31 (x0..=x30, or 31 for xzr)"
    );
}

#[test]
fn register_31_is_the_zero_register_or_sp_as_the_family_says() {
    let r: u8 = 31;
    assert_eq!(
        word(a64!(; add X(r), x0, x1)),
        word(a64!(; add xzr, x0, x1))
    );
    assert_eq!(
        word(a64!(; add XSP(r), sp, #1)),
        word(a64!(; add sp, sp, #1))
    );
    let r: u8 = 7;
    assert_eq!(word(a64!(; add X(r), x0, x1)), word(a64!(; add x7, x0, x1)));
}

#[test]
fn narrower_register_fields_are_checked_where_they_are_used() {
    // By-element half-word forms: Vm is 4 bits.
    let m: u8 = 16;
    let (reg, _, allowed) = register_error(a64!(; mul v0.h8, v1.h8, V(m).h[1]));
    assert_eq!(reg, 16);
    assert!(allowed.contains("v0..=v15"), "{allowed}");
    let m: u8 = 15;
    assert_eq!(
        word(a64!(; mul v0.h8, v1.h8, V(m).h[1])),
        word(a64!(; mul v0.h8, v1.h8, v15.h[1]))
    );
    // The same register in a 5-bit field is fine.
    let m: u8 = 16;
    assert_eq!(
        word(a64!(; mul v0.s4, v1.s4, V(m).s[1])),
        word(a64!(; mul v0.s4, v1.s4, v16.s[1]))
    );

    // CASP: the first register of each pair is even.
    let odd: u8 = 3;
    let (reg, _, allowed) = register_error(a64!(; casp X(odd), xzr, x4, x5, [x6]));
    assert_eq!(reg, 3);
    assert!(allowed.contains("even"), "{allowed}");
    let even: u8 = 2;
    assert_eq!(
        word(a64!(; casp X(even), xzr, x4, x5, [x6])),
        word(a64!(; casp x2, x3, x4, x5, [x6]))
    );

    // A structure load's post-index register: 31 would be the immediate form.
    let post: u8 = 31;
    let (reg, _, allowed) = register_error(a64!(; ld1 {v0.b16}, [x0], X(post)));
    assert_eq!(reg, 31);
    assert!(allowed.contains("x0..=x30"), "{allowed}");
    let post: u8 = 3;
    assert_eq!(
        word(a64!(; ld1 {v0.b16}, [x0], X(post))),
        word(a64!(; ld1 {v0.b16}, [x0], x3))
    );
}

#[test]
fn assembler_statements_are_checked_too() {
    let r: u8 = 40;
    // Through emit: the error names the statement.
    let mut asm = Assembler::new();
    let err = asm
        .emit(|a| dynasm!(a ; .arch aarch64 ; mov x0, x1 ; add X(r), x0, x1))
        .unwrap_err();
    assert!(
        matches!(err, Error::Register { reg: 40, ref statement, .. } if statement == "add X(r), x0, x1"),
        "{err:?}"
    );
    assert!(matches!(asm.finish(), Err(Error::Register { reg: 40, .. })));

    // A dynasm! straight on the assembler: finish reports it.
    let mut asm = Assembler::new();
    dynasm!(asm ; .arch aarch64 ; add X(r), x0, x1 ; ret);
    assert!(matches!(asm.finish(), Err(Error::Register { reg: 40, .. })));
}

#[test]
fn dynamic_operands_are_evaluated_once() {
    let calls = Cell::new(0);
    let reg = |r: u8| {
        calls.set(calls.get() + 1);
        r
    };
    let imm = |v: u32| {
        calls.set(calls.get() + 1);
        v
    };
    // ROR (immediate) is EXTR with Rn in two fields; UBFX checks and encodes its width apart.
    let code = a64!(
        ; ror x0, X(reg(1)), #imm(3)
        ; ubfx x0, X(reg(2)), #imm(8), #imm(12)
        ; movi v0.s4, #imm(0x12), lsl #imm(8)
    )
    .unwrap();
    assert_eq!(calls.get(), 7);
    let expected =
        a64!(; ror x0, x1, #3 ; ubfx x0, x2, #8, #12 ; movi v0.s4, #0x12, lsl #8).unwrap();
    assert_eq!(code, expected);
}

#[test]
fn a_zero_or_overlong_bitfield_width_is_an_error() {
    let (lsb, zero, long): (u32, u32, u32) = (4, 0, 61);
    for result in [
        a64!(; ubfx x0, x1, #lsb, #zero),
        a64!(; sbfx w0, w1, #lsb, #zero),
        a64!(; ubfiz x0, x1, #lsb, #zero),
        a64!(; bfxil x0, x1, #lsb, #zero),
        a64!(; bfi x0, x1, #lsb, #zero),
        a64!(; sbfiz x0, x1, #lsb, #zero),
        a64!(; ubfx x0, x1, #lsb, #long),
    ] {
        assert!(matches!(result, Err(Error::Immediate { .. })), "{result:?}");
    }
    let err = a64!(; ubfx x0, x1, #lsb, #zero).unwrap_err();
    assert!(
        err.to_string().contains("ubfx x0, x1, #lsb, #zero"),
        "{err}"
    );
}

/// Child role: width-0 bitfields (debug builds overflow in dynasm's arithmetic) and
/// out-of-range immediates, each of which must be an error with nothing printed.
fn quiet_failures() {
    let zero: u32 = 0;
    let big: u32 = 1 << 20;
    let errors = [
        a64!(; ubfx x0, x1, #3, #zero).is_err(),
        a64!(; sbfx x0, x1, #3, #zero).is_err(),
        a64!(; ubfiz x0, x1, #3, #zero).is_err(),
        a64!(; bfxil x0, x1, #3, #zero).is_err(),
        a64!(; add x0, x1, #big).is_err(),
        a64!(; and x0, x1, #zero as u64).is_err(),
    ];
    println!("CHILD-QUIET {}", errors.iter().filter(|e| **e).count());
}

#[test]
fn failures_print_nothing_in_debug_and_release() {
    if child_role().is_some() {
        return quiet_failures();
    }
    let out = run_child("failures_print_nothing_in_debug_and_release", "quiet");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("CHILD-QUIET 6"), "{stdout}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

struct AssembleOnDrop;

impl Drop for AssembleOnDrop {
    fn drop(&mut self) {
        let big: u32 = 70_000;
        let ok = a64!(; add x0, x0, #1 ; ret).is_ok();
        let err = a64!(; add x0, x0, #big).is_err();
        println!("CHILD-DROP ok={ok} err={err}");
    }
}

/// Child role: the process's first `a64!` runs inside a `Drop` while a panic unwinds through
/// `catch_unwind`; later uses must work too (nothing poisoned).
fn first_use_while_panicking() {
    let caught = panic::catch_unwind(|| {
        let _guard = AssembleOnDrop;
        panic!("unwinding on purpose");
    });
    let big: u32 = 70_000;
    let later = a64!(; add x0, x0, #big).is_err() && a64!(; ret).is_ok();
    println!("CHILD-AFTER caught={} later={later}", caught.is_err());
}

#[test]
fn the_first_use_may_be_inside_a_panicking_drop() {
    if child_role().is_some() {
        return first_use_while_panicking();
    }
    let out = run_child("the_first_use_may_be_inside_a_panicking_drop", "drop");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("CHILD-DROP ok=true err=true"),
        "{stdout}{stderr}"
    );
    assert!(
        stdout.contains("CHILD-AFTER caught=true later=true"),
        "{stdout}{stderr}"
    );
}

fn boom() -> u8 {
    panic!("boom: the caller's own bug")
}

#[test]
fn a_panic_in_an_operand_propagates_as_itself() {
    for caught in [
        panic::catch_unwind(|| a64!(; add X(boom()), x0, x1)),
        panic::catch_unwind(|| a64!(; add x0, x0, #u32::from(boom()))),
    ] {
        let payload = caught.expect_err("the panic must propagate");
        let msg = payload.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(msg.starts_with("boom"), "{msg:?}");
    }
    let mut asm = Assembler::new();
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        asm.emit(|a| dynasm!(a ; .arch aarch64 ; add X(boom()), x0, x1))
    }));
    assert!(caught.is_err());
}

#[test]
fn statements_with_semicolons_inside_operands_are_named_whole() {
    let err = a64!(; nop ; add x0, x0, #{ let k: u32 = 5000; k } ; ret).unwrap_err();
    assert!(
        matches!(err, Error::Immediate { ref statement, .. } if statement == "add x0, x0, #{ let k: u32 = 5000; k }"),
        "{err:?}"
    );
}

#[test]
fn named_dynamic_labels_are_named_in_errors() {
    let mut asm = Assembler::new();
    let done = asm.new_named_label("done");
    dynasm!(asm ; .arch aarch64 ; b =>done);
    let err = asm.finish().unwrap_err();
    assert!(err.to_string().contains("=>done"), "{err}");
    let err = a64! { let exit; ; b =>exit }.unwrap_err();
    assert!(err.to_string().contains("=>exit"), "{err}");
}

#[test]
fn every_dynamic_failure_is_an_error_value() {
    let third: f32 = 1.0 / 3.0;
    let half: f32 = 0.5;
    assert!(matches!(
        a64!(; fmov s0, #third),
        Err(Error::Immediate { .. })
    ));
    assert_eq!(word(a64!(; fmov s0, #half)), word(a64!(; fmov s0, #0.5)));
    let not_a_bitmask: u64 = 0;
    assert!(matches!(
        a64!(; orr x0, x1, #not_a_bitmask),
        Err(Error::Immediate { .. })
    ));
    let two_pieces: u64 = 0x1234_5678;
    let err = a64!(; mov x0, #two_pieces).unwrap_err();
    assert!(
        matches!(err, Error::Immediate { ref value, ref statement, allowed } if value == "305419896" && statement == "mov x0, #two_pieces" && allowed.contains("load_imm64")),
        "{err:?}"
    );
    // The same mov with a value one instruction builds, as llvm-mc picks it.
    let bitmask: u64 = 0x5555_5555_5555_5555;
    assert_eq!(word(a64!(; mov x0, #bitmask)), 0xB200_F3E0);
    let lane: u32 = 4;
    assert!(matches!(
        a64!(; ins v0.s[lane], w0),
        Err(Error::Immediate { .. })
    ));
    let offset: i32 = 300;
    assert!(matches!(
        a64!(; prfum pldl1keep, [x0, #offset]),
        Err(Error::Immediate { .. })
    ));
    let field: u32 = 16;
    assert!(matches!(
        a64!(; msr daifset, #field),
        Err(Error::Immediate { .. })
    ));
}
