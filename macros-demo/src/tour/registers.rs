//! A code generator: registers and immediates chosen while the program runs.
//!
//! This is how a compiler uses jitkit: an [`Assembler`] receives `dynasm!` blocks one piece at a
//! time, and the registers (`X(r)`) and immediates (`#c`) in them are ordinary Rust values.
//! Here it compiles a polynomial, coefficients and scratch registers picked at run time, by
//! Horner's rule, and two 64-bit constants through [`Assembler::load_imm64`] (dynasm's `mov`
//! accepts only values one instruction can build). Each function is a named entry point in one
//! commit.
//!
//! A dynamic immediate that does not fit makes dynasm panic; [`Assembler::emit`] returns it as
//! [`jitkit::Error::Immediate`] instead, so the generator wraps each block in `emit`.

use jitkit::aarch64::RX;
use jitkit::{dynasm, Assembler, CodeBuffer, DynasmApi};

use super::show::{self, Hex};
use super::Outcome;

/// p(x) = 3 + 0x20 x + 7 x^2 + 1 x^3
const COEFFS: [u32; 4] = [3, 0x20, 7, 1];
const CONSTANTS: [(&str, u64); 2] = [
    ("big_constant", 0x1234_5678_9abc_def0),
    ("minus_two", 0xffff_ffff_ffff_fffe),
];

// dynasm's expansion converts each dynamic register with `.into()`, a no-op for `u8`.
#[allow(clippy::useless_conversion)]
pub fn run() -> Outcome {
    let (acc, tmp) = pick_registers();
    macros_demo::outln!("  scratch registers picked at run time: acc = x{acc}, tmp = x{tmp}");

    let mut asm = Assembler::new();
    asm.entry_point("poly")?;
    asm.emit(|asm| dynasm!(asm ; .arch aarch64 ; mov X(acc), xzr))?;
    for &c in COEFFS.iter().rev() {
        // acc = acc * x + c
        asm.emit(|asm| {
            dynasm!(asm
                ; .arch aarch64
                ; mov X(tmp), #c as u64
                ; madd X(acc), X(acc), x0, X(tmp)
            )
        })?;
    }
    asm.emit(|asm| dynasm!(asm ; .arch aarch64 ; mov x0, X(acc) ; ret))?;

    for (name, value) in CONSTANTS {
        asm.entry_point(name)?;
        let before = asm.offset().0;
        asm.load_imm64(RX::X0, value);
        let words = (asm.offset().0 - before) / 4;
        macros_demo::outln!(
            "  load_imm64(x0, {:?}) takes {words} instruction(s)",
            Hex(value)
        );
        asm.emit(|asm| dynasm!(asm ; .arch aarch64 ; ret))?;
    }

    let code = asm.finish()?;
    let buf = CodeBuffer::new().named("generated");
    let start = buf.commit(&code)?;
    show::listing("generated", &start);

    let poly = start.at(code.entry("poly").ok_or("poly is an entry point")?)?;
    // SAFETY: `poly` takes x in x0 and returns p(x) in x0, touching only x0 and the two scratch
    // registers (caller-saved, see `pick_registers`); `buf` outlives every call.
    let poly: extern "C" fn(u64) -> u64 = unsafe { poly.as_fn() };
    for x in [0u64, 1, 2, 10, 1000] {
        let expected = COEFFS.iter().rev().fold(0u64, |acc, &c| {
            acc.wrapping_mul(x).wrapping_add(u64::from(c))
        });
        show::check(&format!("poly({x})"), expected, || poly(x))?;
    }
    for (name, value) in CONSTANTS {
        let entry = start.at(code.entry(name).ok_or("constants are entry points")?)?;
        // SAFETY: each constant's entry sets x0 and returns; `buf` outlives the call.
        let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        show::check(&format!("{name}()"), Hex(value), || Hex(f()))?;
    }
    Ok(())
}

/// Two distinct caller-saved scratch registers from x9..=x15, different on different runs, as a
/// register allocator's choice would be.
fn pick_registers() -> (u8, u8) {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let acc = seed % 7;
    let tmp = (acc + 1 + (seed / 7) % 6) % 7;
    (9 + acc as u8, 9 + tmp as u8)
}
