//! The seed's example, as written: two raw encodings, committed once, called.
//!
//! `MOV X0, #0` is `0xD2800000` and `RET` is `0xD65F03C0`. No assembler is involved: an
//! [`Instruction`] is just the 32-bit word, and [`CodeBuffer::commit`] puts the words into
//! fresh read+execute memory and returns the pointer.

use jitkit::{CodeBuffer, Instruction};

use super::{show, Outcome};

pub fn run() -> Outcome {
    let code = [
        Instruction::new(0xD2800000), // mov x0, #0
        Instruction::new(0xD65F03C0), // ret
    ];
    let buf = CodeBuffer::new().named("zero");
    let entry = buf.commit(&code)?;
    show::listing("zero", &entry);

    // SAFETY: the code is `mov x0, #0; ret`, an AAPCS64 function of no arguments returning a
    // u64 in x0; `buf` lives until after the call.
    let zero: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
    show::check("zero()", 0, || zero())?;

    let again = buf.entry().ok_or("a committed buffer has an entry")?;
    if again.as_ptr() != entry.as_ptr() {
        return Err("entry() returned a different pointer than commit()".into());
    }
    macros_demo::outln!(
        "  buf.entry() hands out the same pointer again: {:p}",
        again.as_ptr()
    );
    Ok(())
}
