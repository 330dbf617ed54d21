//! Helpers a code generator needs on every function: AAPCS64 frames, loads and stores at any
//! offset, and calls through a table.
//!
//! A64 load/store and add immediates are small (a scaled 12-bit offset, a signed 9-bit one, a
//! 12-bit add), so a code generator that knows an offset only at run time needs a fallback
//! for large ones. These helpers pick the shortest form and otherwise build the offset in
//! `x17` (IP1, the AAPCS64 intra-procedure scratch register, which no caller expects to
//! survive a call). Register 31 means `sp` where a base register is expected, and `xzr` for a
//! value stored.
//!
//! The frame the prologue builds is the standard AAPCS64 frame record: `x29` (frame pointer)
//! and `x30` (link register) pushed as a pair, `x29` pointing at them, and the locals below,
//! with `sp` 16-byte aligned throughout. Locals are addressed from `x29` (negative offsets),
//! so a body may move `sp` (to push temporaries or outgoing arguments) without disturbing
//! them, and the epilogue restores `sp` from `x29` whatever the body did.

// dynasm's expansion converts dynamic register numbers with `.into()`, already `u8` here.
#![allow(clippy::useless_conversion)]

use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

use super::{check_reg, Assembler};
use crate::Error;

/// The scratch register for offsets that do not fit an instruction (`x17`, IP1).
const SCRATCH: u8 = 17;

/// Frames larger than this are probed a page at a time by [`Assembler::prologue`]: the
/// smallest page size AArch64 Linux uses, so no probe skips a guard page.
const PROBE_INTERVAL: usize = 4096;

impl Assembler {
    /// Emits an AAPCS64 prologue reserving `locals` bytes below the frame record (rounded up
    /// to 16), and returns the rounded size:
    ///
    /// ```text
    /// stp x29, x30, [sp, #-16]!
    /// mov x29, sp
    /// sub sp, sp, #size       (omitted for 0; see add_offset for large sizes)
    /// ```
    ///
    /// Locals live at `x29 - 8`, `x29 - 16`, ... down to `x29 - size`. Pair it with
    /// [`epilogue`](Self::epilogue).
    ///
    /// Frames larger than 4 KiB are *probed*: `sp` moves down a 4 KiB page at a time
    /// and each page is written (`str xzr, [sp]`) before the next, in a loop counted in `x17`.
    /// A stack overflow then faults on the guard page below the stack instead of a large
    /// `sub` stepping over it into other memory (the same reason compilers emit stack probes).
    ///
    /// ```
    /// use jitkit::{Assembler, CodeBuffer};
    /// let mut asm = Assembler::new();
    /// assert_eq!(asm.prologue(20)?, 32);
    /// asm.store_word(0, 29, -8)?;        // spill the argument
    /// asm.load_word(1, 29, -8)?;
    /// jitkit::dynasm!(asm ; .arch aarch64 ; add x0, x1, x1);
    /// asm.epilogue();
    /// let code = asm.finish()?;
    /// let buf = CodeBuffer::new();
    /// let entry = buf.commit(&code.instructions)?;
    /// # #[cfg(target_arch = "aarch64")]
    /// assert_eq!(unsafe { entry.as_fn::<extern "C" fn(u64) -> u64>() }(21), 42);
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Immediate`] if the rounded size does not fit 32 bits.
    pub fn prologue(&mut self, locals: usize) -> Result<usize, Error> {
        let size = locals
            .checked_add(15)
            .map(|s| s & !15)
            .filter(|&s| s <= u32::MAX as usize)
            .ok_or_else(|| Error::Immediate {
                value: locals.to_string(),
                statement: "prologue".to_string(),
                allowed: "frames of at most 4 GiB",
            })?;
        dynasm!(self ; .arch aarch64 ; stp x29, x30, [sp, #-16]! ; mov x29, sp);
        if size > PROBE_INTERVAL {
            let pages = (size / PROBE_INTERVAL) as u64;
            let page = self.new_dynamic_label();
            self.load_imm64(SCRATCH, pages)?;
            dynasm!(self ; .arch aarch64
                ; =>page
                ; sub sp, sp, #1, lsl #12
                ; str xzr, [sp]
                ; subs x17, x17, #1
                ; b.ne =>page
            );
            self.add_offset(31, 31, -((size % PROBE_INTERVAL) as i64))?;
        } else {
            self.add_offset(31, 31, -(size as i64))?;
        }
        Ok(size)
    }

    /// Emits the epilogue matching [`prologue`](Self::prologue), whatever `sp` is by now:
    /// `mov sp, x29 ; ldp x29, x30, [sp], #16 ; ret`.
    pub fn epilogue(&mut self) {
        dynasm!(self ; .arch aarch64 ; mov sp, x29 ; ldp x29, x30, [sp], #16 ; ret);
    }

    /// Loads the 64-bit word at `base + offset` into `Xrt`: one `ldr`/`ldur` when the offset
    /// fits, else the offset is built in `x17` and used as a register offset.
    ///
    /// Registers: `rt` 0..=30; `base` 0..=31, where 31 is `sp`.
    /// Errors: [`Error::Register`] for registers out of range, or `base` = `x17` with an
    /// offset that needs the scratch register.
    pub fn load_word(&mut self, rt: u8, base: u8, offset: i64) -> Result<(), Error> {
        check_reg(rt, "x0..=x30", 30, "load_word")?;
        self.memory_op(rt, base, offset, false)
    }

    /// Stores `Xrt` (31 stores `xzr`, a zero) to the 64-bit word at `base + offset`; the
    /// forms are those of [`load_word`](Self::load_word).
    ///
    /// Errors: [`Error::Register`] for registers out of range, or `rt` or `base` = `x17` with
    /// an offset that needs the scratch register.
    pub fn store_word(&mut self, rt: u8, base: u8, offset: i64) -> Result<(), Error> {
        check_reg(rt, "x0..=x30, or 31 for xzr", 31, "store_word")?;
        self.memory_op(rt, base, offset, true)
    }

    fn memory_op(&mut self, rt: u8, base: u8, offset: i64, store: bool) -> Result<(), Error> {
        let helper = if store { "store_word" } else { "load_word" };
        check_reg(base, "x0..=x30, or 31 for sp", 31, helper)?;
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
            if base == SCRATCH || (store && rt == SCRATCH) {
                return Err(Error::Register {
                    reg: SCRATCH,
                    statement: if store { "store_word" } else { "load_word" }.to_owned(),
                    allowed: "registers other than x17 (the scratch register) with a large offset",
                });
            }
            self.load_imm64(SCRATCH, offset as u64)?;
            if store {
                dynasm!(self ; .arch aarch64 ; str X(t), [XSP(b), x17]);
            } else {
                dynasm!(self ; .arch aarch64 ; ldr X(t), [XSP(b), x17]);
            }
        }
        Ok(())
    }

    /// Sets `Xrd` to `base + offset`: an address computation such as a local's address or
    /// `sp` adjustment. One `add`/`sub` when `|offset|` fits 12 bits (optionally shifted by
    /// 12), else through `x17`.
    ///
    /// Registers: `rd` and `base` 0..=31, where 31 is `sp`.
    /// Errors: [`Error::Register`] for registers out of range, or `base` = `x17` with an
    /// offset that needs the scratch register.
    ///
    /// ```
    /// use jitkit::Assembler;
    /// let mut asm = Assembler::new();
    /// asm.add_offset(31, 31, -64)?;        // sub sp, sp, #64
    /// asm.add_offset(0, 29, -100_000)?;    // x0 = x29 - 100000, via x17
    /// assert!(asm.finish()?.instructions.len() >= 3);
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    pub fn add_offset(&mut self, rd: u8, base: u8, offset: i64) -> Result<(), Error> {
        check_reg(rd, "x0..=x30, or 31 for sp", 31, "add_offset")?;
        check_reg(base, "x0..=x30, or 31 for sp", 31, "add_offset")?;
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
            if base == SCRATCH {
                return Err(Error::Register {
                    reg: SCRATCH,
                    statement: "add_offset".to_owned(),
                    allowed: "registers other than x17 (the scratch register) with a large offset",
                });
            }
            self.load_imm64(SCRATCH, offset as u64)?;
            dynasm!(self ; .arch aarch64 ; add XSP(d), XSP(b), x17, uxtx);
        }
        Ok(())
    }

    /// Calls the function whose address is entry `index` of a table of 64-bit addresses at
    /// `Xtable`: `ldr x16, [Xtable, #index*8] ; blr x16` (the offset is built in `x16` for
    /// indices above 4095).
    ///
    /// This is how separately committed functions call each other: the table, not the code,
    /// says where the callee is, so it can be compiled later, recompiled, or reached through a
    /// lazy-compilation stub (see [`CallTable`](crate::CallTable)). The register rules are
    /// those of [`call_abs`](Self::call_abs).
    ///
    /// Errors: [`Error::Register`] unless `table` is 0..=30 and not `x16`.
    pub fn call_indirect(&mut self, table: u8, index: usize) -> Result<(), Error> {
        if table > 30 || table == 16 {
            return Err(Error::Register {
                reg: table,
                statement: "call_indirect".to_owned(),
                allowed: "x0..=x30 except x16",
            });
        }
        let t = table;
        match index.checked_mul(8) {
            Some(off) if index <= 4095 => {
                let off = off as u32;
                dynasm!(self ; .arch aarch64 ; ldr x16, [X(t), off]);
            }
            Some(off) => {
                self.load_imm64(16, off as u64)?;
                dynasm!(self ; .arch aarch64 ; ldr x16, [X(t), x16]);
            }
            None => {
                return Err(Error::Immediate {
                    value: index.to_string(),
                    statement: "call_indirect".to_string(),
                    allowed: "table indices below 2^61",
                })
            }
        }
        dynasm!(self ; .arch aarch64 ; blr x16);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(f: impl FnOnce(&mut Assembler) -> Result<(), Error>) -> Vec<u32> {
        let mut asm = Assembler::new();
        f(&mut asm).unwrap();
        asm.finish()
            .unwrap()
            .instructions
            .iter()
            .map(|i| i.word())
            .collect()
    }

    // Expected words are llvm-mc's encodings of the instructions named in the comments.

    #[test]
    fn prologue_and_epilogue_build_the_aapcs64_frame_record() {
        let w = words(|a| a.prologue(20).map(|size| assert_eq!(size, 32)));
        // stp x29, x30, [sp, #-16]! ; mov x29, sp ; sub sp, sp, #32
        assert_eq!(w, [0xa9bf7bfd, 0x910003fd, 0xd10083ff]);
        assert_eq!(words(|a| a.prologue(0).map(drop)).len(), 2);
        // sub sp, sp, #1, lsl #12
        assert_eq!(words(|a| a.prologue(4096).map(drop))[2], 0xd14007ff);
        // Above a page: mov x17, #2 ; probe loop (sub sp, sp, #1, lsl #12 ; str xzr, [sp] ;
        // subs x17, x17, #1 ; b.ne -12) ; sub sp, sp, #16.
        let w = words(|a| a.prologue(8192 + 16).map(drop));
        assert_eq!(
            w[2..],
            [0xd2800051, 0xd14007ff, 0xf90003ff, 0xf1000631, 0x54ffffa1, 0xd10043ff]
        );
        // mov sp, x29 ; ldp x29, x30, [sp], #16 ; ret
        let w = words(|a| {
            a.epilogue();
            Ok(())
        });
        assert_eq!(w, [0x910003bf, 0xa8c17bfd, 0xd65f03c0]);
    }

    #[test]
    fn loads_and_stores_pick_the_shortest_form() {
        assert_eq!(words(|a| a.load_word(3, 31, 32760)), [0xf97fffe3]); // ldr x3, [sp, #32760]
        assert_eq!(words(|a| a.load_word(3, 29, -8)), [0xf85f83a3]); // ldur x3, [x29, #-8]
        assert_eq!(words(|a| a.store_word(31, 29, -256)), [0xf81003bf]); // stur xzr, [x29, #-256]
                                                                         // mov x17, #32768 ; ldr x3, [x29, x17]
        assert_eq!(
            words(|a| a.load_word(3, 29, 32768)),
            [0xd2900011, 0xf8716ba3]
        );
        // ... ; str x5, [sp, x17]
        assert_eq!(words(|a| a.store_word(5, 31, -4096))[1..], [0xf8316be5]);
    }

    #[test]
    fn add_offset_handles_every_size() {
        assert_eq!(words(|a| a.add_offset(0, 29, 4095)), [0x913fffa0]); // add x0, x29, #4095
        assert_eq!(words(|a| a.add_offset(31, 31, -32)), [0xd10083ff]); // sub sp, sp, #32
        assert_eq!(words(|a| a.add_offset(5, 5, 0)), [] as [u32; 0]);
        let w = words(|a| a.add_offset(0, 29, 100_000));
        assert_eq!(*w.last().unwrap(), 0x8b3163a0); // add x0, x29, x17, uxtx
        let w = words(|a| a.add_offset(31, 31, 100_000));
        assert_eq!(*w.last().unwrap(), 0x8b3163ff); // add sp, sp, x17, uxtx
    }

    #[test]
    fn call_indirect_loads_the_entry_then_branches() {
        // ldr x16, [x19, #32760] ; blr x16
        assert_eq!(
            words(|a| a.call_indirect(19, 4095)),
            [0xf97ffe70, 0xd63f0200]
        );
        // mov x16, #32768 ; ldr x16, [x19, x16] ; blr x16
        let w = words(|a| a.call_indirect(19, 4096));
        assert_eq!(w[1..], [0xf8706a70, 0xd63f0200]);
    }

    #[test]
    fn bad_registers_are_errors() {
        let mut a = Assembler::new();
        assert!(matches!(
            a.load_word(31, 0, 0),
            Err(Error::Register { reg: 31, .. })
        ));
        assert!(matches!(
            a.load_word(0, 32, 0),
            Err(Error::Register { reg: 32, .. })
        ));
        assert!(matches!(
            a.store_word(17, 0, 1 << 20),
            Err(Error::Register { reg: 17, .. })
        ));
        assert!(matches!(
            a.add_offset(0, 17, 100_001),
            Err(Error::Register { reg: 17, .. })
        ));
        assert!(matches!(
            a.call_indirect(16, 0),
            Err(Error::Register { reg: 16, .. })
        ));
        assert!(matches!(
            a.call_indirect(31, 0),
            Err(Error::Register { reg: 31, .. })
        ));
    }
}
