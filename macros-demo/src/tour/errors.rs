//! Errors are values: what jitkit returns instead of panicking or crashing.
//!
//! A dynamic immediate is only known when the code is assembled at run time, and dynasm reports
//! one that does not fit by panicking. `a64!` and [`Assembler::emit`] catch exactly that panic,
//! print nothing, and return [`Error::Immediate`] with the value, the statement and what the
//! instruction accepts. Labels are checked when the code is finished, commits when they happen.

use jitkit::aarch64::{RX, RXSP};
use jitkit::{a64, Assembler, CodeBuffer, Error, Instruction, LabelError};

use super::show::{self, expect_err};
use super::Outcome;

pub fn run() -> Outcome {
    let big: u32 = 70_000;
    expect_err(
        "a64!(; add x0, x0, #big) with big = 70000 (ADD takes 0..=4095)",
        a64!(; add x0, x0, #big),
        |e| matches!(e, Error::Immediate { value, .. } if value == "70000"),
    )?;

    expect_err(
        "a64!(; b ->nowhere), a global label never defined",
        a64!(; b ->nowhere),
        |e| matches!(e, Error::Label(LabelError::Undefined(_))),
    )?;

    expect_err(
        "a64! { let exit; ; cbz x0, =>exit ; ret }, a dynamic label never placed",
        a64! { let exit; ; cbz x0, =>exit ; ret },
        |e| matches!(e, Error::Label(LabelError::Undefined(_))),
    )?;

    let buf = CodeBuffer::new();
    let answer = [Instruction::new(0xD2800540), Instruction::new(0xD65F03C0)]; // mov x0, #42; ret
    let zero = [Instruction::new(0xD2800000), Instruction::new(0xD65F03C0)]; // mov x0, #0; ret
    let entry = buf.commit(&answer)?;
    expect_err("buf.commit(..) a second time", buf.commit(&zero), |e| {
        matches!(e, Error::AlreadyCommitted)
    })?;
    // SAFETY: `answer` is `mov x0, #42; ret`, a function of no arguments returning a u64;
    // `buf` outlives the call.
    let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
    show::check("the first commit still answers", 42, || f())?;

    expect_err(
        "CodeBuffer::new().commit(&[]), nothing to commit",
        CodeBuffer::new().commit(&[]),
        |e| matches!(e, Error::Empty),
    )?;
    expect_err("entry.at(64) on 8 bytes of code", entry.at(64), |e| {
        matches!(e, Error::BadEntry { offset: 64, len: 8 })
    })?;
    // A register of the wrong kind (sp where xzr or a general register goes) does not
    // compile; what remains is the scratch register a large offset needs.
    expect_err(
        "Assembler::new().load_word(RX::X0, RXSP::X17, 1 << 20): x17 is the offset's scratch register",
        Assembler::new().load_word(RX::X0, RXSP::X17, 1 << 20),
        |e| matches!(e, Error::Register { reg: 17, .. }),
    )?;
    Ok(())
}
