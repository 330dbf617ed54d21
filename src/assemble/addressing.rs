//! Loads, stores and address arithmetic at any offset, for code generators.
//!
//! A64 load/store and add immediates are small (a scaled 12-bit offset, a signed 9-bit one, a
//! 12-bit add, optionally shifted by 12), so a code generator that knows an offset only at run
//! time needs a fallback for large ones. These helpers pick the shortest form and otherwise
//! build the offset in `x17` (IP1, the AAPCS64 intra-procedure scratch register, which no
//! caller expects to survive a call).
//!
//! Registers are typed as the instruction fields read them: register number 31 is `sp` in a
//! base-register or add field and `xzr` in a data field, so a base is an [`RXSP`] and a value
//! loaded or stored an [`RX`]. Passing `sp` as a value stored, or `xzr` as a base, does not
//! compile:
//!
//! ```compile_fail
//! use jitkit::aarch64::{RX, RXSP};
//! let _ = jitkit::Assembler::new().store_word(RXSP::SP, RXSP::X29, -8);
//! ```
//!
//! ```compile_fail
//! use jitkit::aarch64::RX;
//! let _ = jitkit::Assembler::new().load_word(RX::X0, RX::XZR, 0);
//! ```

use dynasmrt::aarch64::{RX, RXSP};
use dynasmrt::{dynasm, DynasmApi};

use super::Assembler;
use crate::Error;

/// The scratch register for offsets that do not fit an instruction (`x17`, IP1).
const SCRATCH: RX = RX::X17;

/// `Err(Error::Register)` for a register that is also the scratch register, needed here.
fn scratch_conflict(helper: &str) -> Error {
    Error::Register {
        reg: SCRATCH as u8,
        statement: helper.to_owned(),
        allowed: "registers other than x17 (the scratch register) with a large offset",
    }
}

impl Assembler {
    /// Loads the 64-bit word at `base + offset` into `rt`: one `ldr`/`ldur` when the offset
    /// fits, else the offset is built in `x17` and used as a register offset. `rt` = `xzr`
    /// makes the access and discards the value.
    ///
    /// Errors: [`Error::Register`] if `base` is `x17` and the offset needs the scratch register.
    pub fn load_word(&mut self, rt: RX, base: RXSP, offset: i64) -> Result<(), Error> {
        self.memory_op(rt, base, offset, false)
    }

    /// Stores `rt` (`xzr` stores a zero) to the 64-bit word at `base + offset`; the forms are
    /// those of [`load_word`](Self::load_word).
    ///
    /// Errors: [`Error::Register`] if `rt` or `base` is `x17` and the offset needs the scratch
    /// register.
    pub fn store_word(&mut self, rt: RX, base: RXSP, offset: i64) -> Result<(), Error> {
        self.memory_op(rt, base, offset, true)
    }

    fn memory_op(&mut self, rt: RX, base: RXSP, offset: i64, store: bool) -> Result<(), Error> {
        let (t, b) = (rt, base);
        if offset >= 0 && offset % 8 == 0 && offset / 8 <= 4095 {
            let off = offset as u32;
            if store {
                dynasm!(self ; .arch aarch64 ; str X(t), [XSP(b), off]);
            } else {
                dynasm!(self ; .arch aarch64 ; ldr X(t), [XSP(b), off]);
            }
        } else if (-256..=255).contains(&offset) {
            let off = offset as i32;
            if store {
                dynasm!(self ; .arch aarch64 ; stur X(t), [XSP(b), off]);
            } else {
                dynasm!(self ; .arch aarch64 ; ldur X(t), [XSP(b), off]);
            }
        } else {
            if base == RXSP::X17 || (store && rt == SCRATCH) {
                return Err(scratch_conflict(if store {
                    "store_word"
                } else {
                    "load_word"
                }));
            }
            self.load_imm64(SCRATCH, offset as u64);
            if store {
                dynasm!(self ; .arch aarch64 ; str X(t), [XSP(b), x17]);
            } else {
                dynasm!(self ; .arch aarch64 ; ldr X(t), [XSP(b), x17]);
            }
        }
        Ok(())
    }

    /// Sets `rd` to `base + offset`: an address computation such as a local's address, or an
    /// `sp` adjustment. One `add`/`sub` when `|offset|` fits 12 bits (optionally shifted by
    /// 12), nothing when the offset is 0 and `rd` is `base`, else through `x17`.
    ///
    /// Errors: [`Error::Register`] if `base` is `x17` and the offset needs the scratch register.
    ///
    /// ```
    /// use jitkit::aarch64::RXSP;
    /// use jitkit::Assembler;
    /// let mut asm = Assembler::new();
    /// asm.add_offset(RXSP::SP, RXSP::SP, -64)?;           // sub sp, sp, #64
    /// asm.add_offset(RXSP::X0, RXSP::X29, -100_000)?;     // x0 = x29 - 100000, via x17
    /// assert!(asm.finish()?.instructions.len() >= 3);
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    pub fn add_offset(&mut self, rd: RXSP, base: RXSP, offset: i64) -> Result<(), Error> {
        let (d, b) = (rd, base);
        let magnitude = offset.unsigned_abs();
        if magnitude == 0 {
            if rd != base {
                dynasm!(self ; .arch aarch64 ; add XSP(d), XSP(b), 0);
            }
        } else if magnitude < 4096 {
            let m = magnitude as u32;
            if offset > 0 {
                dynasm!(self ; .arch aarch64 ; add XSP(d), XSP(b), m);
            } else {
                dynasm!(self ; .arch aarch64 ; sub XSP(d), XSP(b), m);
            }
        } else if magnitude.is_multiple_of(4096) && magnitude >> 12 < 4096 {
            let m = (magnitude >> 12) as u32;
            if offset > 0 {
                dynasm!(self ; .arch aarch64 ; add XSP(d), XSP(b), m, lsl 12);
            } else {
                dynasm!(self ; .arch aarch64 ; sub XSP(d), XSP(b), m, lsl 12);
            }
        } else {
            if base == RXSP::X17 {
                return Err(scratch_conflict("add_offset"));
            }
            self.load_imm64(SCRATCH, offset as u64);
            dynasm!(self ; .arch aarch64 ; add XSP(d), XSP(b), x17, uxtx);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::test_words as words;

    // Expected words are llvm-mc's encodings of the instructions named in the comments.

    #[test]
    fn loads_and_stores_pick_the_shortest_form() {
        // ldr x3, [sp, #32760]
        assert_eq!(
            words(|a| a.load_word(RX::X3, RXSP::SP, 32760)),
            [0xf97fffe3]
        );
        // ldur x3, [x29, #-8]
        assert_eq!(words(|a| a.load_word(RX::X3, RXSP::X29, -8)), [0xf85f83a3]);
        // stur xzr, [x29, #-256]
        assert_eq!(
            words(|a| a.store_word(RX::XZR, RXSP::X29, -256)),
            [0xf81003bf]
        );
        // mov x17, #32768 ; ldr x3, [x29, x17]
        assert_eq!(
            words(|a| a.load_word(RX::X3, RXSP::X29, 32768)),
            [0xd2900011, 0xf8716ba3]
        );
        // ... ; str x5, [sp, x17]
        assert_eq!(
            words(|a| a.store_word(RX::X5, RXSP::SP, -4096))[1..],
            [0xf8316be5]
        );
    }

    #[test]
    fn add_offset_handles_every_size() {
        // add x0, x29, #4095
        assert_eq!(
            words(|a| a.add_offset(RXSP::X0, RXSP::X29, 4095)),
            [0x913fffa0]
        );
        // sub sp, sp, #32
        assert_eq!(
            words(|a| a.add_offset(RXSP::SP, RXSP::SP, -32)),
            [0xd10083ff]
        );
        assert_eq!(
            words(|a| a.add_offset(RXSP::X5, RXSP::X5, 0)),
            [] as [u32; 0]
        );
        let w = words(|a| a.add_offset(RXSP::X0, RXSP::X29, 100_000));
        assert_eq!(*w.last().unwrap(), 0x8b3163a0); // add x0, x29, x17, uxtx
        let w = words(|a| a.add_offset(RXSP::SP, RXSP::SP, 100_000));
        assert_eq!(*w.last().unwrap(), 0x8b3163ff); // add sp, sp, x17, uxtx
    }

    #[test]
    fn the_scratch_register_with_a_large_offset_is_an_error() {
        let mut a = Assembler::new();
        assert!(matches!(
            a.store_word(RX::X17, RXSP::X0, 1 << 20),
            Err(Error::Register { reg: 17, .. })
        ));
        assert!(matches!(
            a.load_word(RX::X0, RXSP::X17, 1 << 20),
            Err(Error::Register { reg: 17, .. })
        ));
        assert!(matches!(
            a.add_offset(RXSP::X0, RXSP::X17, 100_001),
            Err(Error::Register { reg: 17, .. })
        ));
        // Small offsets need no scratch register.
        a.store_word(RX::X17, RXSP::X17, 8).unwrap();
        a.load_word(RX::X17, RXSP::X17, 1 << 20).unwrap_err();
    }
}
