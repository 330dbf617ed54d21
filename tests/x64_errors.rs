//! Bad x86-64 input is a typed error, never a panic: dynamic registers out of range for their
//! place, rsp as an index, undefined and duplicate labels, short branches out of range, empty
//! code and a second commit. Runs natively on x86-64 hosts.
#![cfg(target_arch = "x86_64")]

use std::panic::catch_unwind;

use jitkit::x64::{Assembler, Code};
use jitkit::{dynasm, x64, CodeBuffer, Error, LabelError};

/// Every dynamic register place, assembled with register number `r`.
fn with_register(r: u8) -> Vec<(&'static str, Result<Code, Error>)> {
    vec![
        ("Rq", x64!(; mov Rq(r), rax)),
        ("Rd", x64!(; add Rd(r), 1)),
        ("Rw", x64!(; mov Rw(r), cx)),
        ("Rb", x64!(; mov Rb(r), dl)),
        ("Rx", x64!(; addsd Rx(r), xmm0)),
        ("Ry", x64!(; vaddps Ry(r), ymm0, ymm1)),
        ("base", x64!(; mov rax, QWORD [Rq(r) + 8])),
        ("index", x64!(; mov rax, QWORD [rbx + Rq(r) * 8])),
    ]
}

/// The largest number each place of `with_register` takes.
fn limit(place: &str) -> u8 {
    match place {
        "Rq" | "Rd" | "Rw" | "Rb" | "Rx" | "Ry" | "base" | "index" => 15,
        _ => unreachable!("{place}"),
    }
}

#[test]
fn every_register_number_is_encoded_or_refused_never_a_panic() {
    for r in 0..=u8::MAX {
        let results = catch_unwind(|| with_register(r)).unwrap_or_else(|_| panic!("r = {r}"));
        for (place, result) in results {
            let index_rsp = place == "index" && r == 4;
            match result {
                Ok(code) => {
                    assert!(r <= limit(place) && !index_rsp, "{place}({r}) accepted");
                    assert!(!code.is_empty());
                }
                Err(Error::Register {
                    reg,
                    statement,
                    allowed,
                }) => {
                    assert!(r > limit(place) || index_rsp, "{place}({r}) refused");
                    assert_eq!(reg, r);
                    assert!(!statement.is_empty() && !allowed.is_empty());
                }
                Err(e) => panic!("{place}({r}): {e:?}"),
            }
        }
    }
}

#[test]
fn an_out_of_range_register_in_the_assembler_is_kept_until_finish() {
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch x64 ; mov rax, rdi)).unwrap();
    let r: u8 = 16;
    let err = asm
        .emit(|a| dynasm!(a ; .arch x64 ; mov Rq(r), rax))
        .unwrap_err();
    assert!(matches!(err, Error::Register { reg: 16, .. }), "{err:?}");
    assert!(err.to_string().contains("16"), "{err}");
    // Later blocks are fine on their own, but the assembler is spent.
    asm.emit(|a| dynasm!(a ; .arch x64 ; ret)).unwrap();
    assert!(matches!(asm.finish(), Err(Error::Register { reg: 16, .. })));
}

#[test]
fn undefined_labels_are_errors_naming_the_label() {
    let cases = [
        (x64!(; jmp >ahead ; ret), "ahead"),
        (x64!(; ret ; jmp <behind), "behind"),
        (x64!(; jmp ->global ; ret), "global"),
    ];
    for (result, name) in cases {
        match result {
            Err(Error::Label(LabelError::Undefined(what))) => {
                assert!(what.contains(name), "{what} for {name}")
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let dynamic = x64! { let never; ; jmp =>never ; ret };
    assert!(
        matches!(dynamic, Err(Error::Label(LabelError::Undefined(_)))),
        "{dynamic:?}"
    );
    let mut asm = Assembler::new();
    let l = asm.new_named_label("loop_head");
    asm.emit(|a| dynasm!(a ; .arch x64 ; jmp =>l)).unwrap();
    match asm.finish() {
        Err(Error::Label(LabelError::Undefined(what))) => assert!(what.contains("loop_head")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_labels_are_errors() {
    let global = x64!(; ->twice: ; nop ; ->twice: ; ret);
    assert!(
        matches!(global, Err(Error::Label(LabelError::Duplicate(ref n))) if n.contains("twice")),
        "{global:?}"
    );
    let dynamic = x64! { let l; ; =>l ; nop ; =>l ; ret };
    assert!(
        matches!(dynamic, Err(Error::Label(LabelError::Duplicate(_)))),
        "{dynamic:?}"
    );
    let mut asm = Assembler::new();
    asm.entry_point("f").unwrap();
    assert!(matches!(
        asm.entry_point("f"),
        Err(Error::DuplicateEntry { .. })
    ));
}

#[test]
fn a_short_branch_out_of_range_is_an_error() {
    // `jmp BYTE` reaches -128..=127 bytes; 200 `nop`s are too far.
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch x64 ; jmp BYTE >far))
        .unwrap();
    for _ in 0..200 {
        asm.emit(|a| dynasm!(a ; .arch x64 ; nop)).unwrap();
    }
    asm.emit(|a| dynasm!(a ; .arch x64 ; far: ; ret)).unwrap();
    let err = asm.finish().unwrap_err();
    assert!(
        matches!(err, Error::Label(LabelError::OutOfRange(_))),
        "{err:?}"
    );
    // Within range it assembles, to a 2-byte jump.
    let near = x64!(; jmp BYTE >l ; nop ; l: ; ret).unwrap();
    assert_eq!(near.bytes(), [0xEB, 0x01, 0x90, 0xC3]);
}

#[test]
fn empty_code_and_second_commits_are_refused_and_leave_buffers_usable() {
    let buf = CodeBuffer::new();
    let empty = Assembler::new().finish().unwrap();
    assert!(matches!(buf.commit(&empty), Err(Error::Empty)));
    assert!(!buf.is_committed());
    let code = x64!(; mov eax, 42 ; ret).unwrap();
    let entry = buf.commit(&code).unwrap();
    assert_eq!(entry.bytes(), code.bytes());
    let again = buf.commit(&x64!(; ret).unwrap());
    assert!(matches!(again, Err(Error::AlreadyCommitted)), "{again:?}");
    // SAFETY: `mov eax, 42 ; ret` is a System V `fn() -> u64` (the upper half is zeroed).
    let f: extern "C" fn() -> u64 = unsafe { buf.entry().unwrap().as_fn() };
    assert_eq!(f(), 42);
}
