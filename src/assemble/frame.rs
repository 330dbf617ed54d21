//! AAPCS64 frames for generated functions: the frame record, callee-saved registers, locals.
//!
//! The rules come from the Arm Procedure Call Standard for the Arm 64-bit Architecture
//! (AAPCS64):
//!
//! - §6.1.1 "General-purpose Registers": a function must preserve `x19`–`x28` (and `x29`,
//!   `sp`); §6.1.2 "SIMD and Floating-Point Registers": it must preserve the low 64 bits of
//!   `v8`–`v15`, that is `d8`–`d15`. These are the registers [`CalleeSaved`] names, so asking
//!   [`Assembler::prologue`] to save any other register does not compile.
//! - §6.4.5.1 "Universal stack constraints": `sp` is a multiple of 16 whenever it is used to
//!   access memory. Every adjustment below is a multiple of 16.
//! - §6.4.6 "The Frame Pointer": `x29` points at the *frame record*, two words holding the
//!   caller's `x29` and the return address (`x30`), so the records form a chain that debuggers,
//!   profilers and [`symbolize`](crate::symbolize)-based unwinders walk without any other
//!   information. jitkit emits no CFI: the chain, and the standard instruction sequence GDB's
//!   prologue analyser recognises, are what make JIT frames unwindable.
//!
//! [`Frame`]'s docs draw the layout these rules give. Locals are addressed from `x29`, so a body
//! may move `sp` (to push temporaries or outgoing arguments) without disturbing them, and
//! [`Assembler::epilogue`] restores `sp` from `x29` whatever the body did. The `Frame` the
//! prologue returns is what the epilogue takes: the registers restored are those saved, by
//! construction.

// dynasm's expansion converts dynamic register numbers with `.into()`, already `u8` here.
#![allow(clippy::useless_conversion)]

use dynasmrt::aarch64::{RX, RXSP};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

use super::Assembler;
use crate::Error;

/// Frames larger than this are probed a page at a time by [`Assembler::prologue`]: the
/// smallest page size AArch64 Linux uses, so no probe skips a guard page.
const PROBE_INTERVAL: usize = 4096;

/// A register AAPCS64 requires a function to preserve (§6.1.1, §6.1.2), which
/// [`Assembler::prologue`] can save and [`Assembler::epilogue`] restore.
///
/// `x29` and `x30` are not here: every frame saves them, as its frame record. `D8`–`D15` are
/// the low 64 bits of `v8`–`v15`, the part AAPCS64 asks the callee to preserve.
///
/// Only callee-saved registers exist in this type, so asking to save another one is a
/// compile error:
///
/// ```compile_fail
/// use jitkit::aarch64::CalleeSaved;
/// let _ = jitkit::Assembler::new().prologue(0, &[CalleeSaved::X9]);
/// ```
///
/// ```compile_fail
/// use jitkit::aarch64::{CalleeSaved, RX};
/// let _ = jitkit::Assembler::new().prologue(0, &[RX::X19]);
/// ```
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum CalleeSaved {
    X19,
    X20,
    X21,
    X22,
    X23,
    X24,
    X25,
    X26,
    X27,
    X28,
    D8,
    D9,
    D10,
    D11,
    D12,
    D13,
    D14,
    D15,
}

impl CalleeSaved {
    /// Every callee-saved register, general-purpose first, in ascending order.
    pub const ALL: [CalleeSaved; 18] = {
        use CalleeSaved::*;
        [
            X19, X20, X21, X22, X23, X24, X25, X26, X27, X28, D8, D9, D10, D11, D12, D13, D14, D15,
        ]
    };

    /// `x19`–`x28`, in ascending order.
    pub const GENERAL: [CalleeSaved; 10] = {
        use CalleeSaved::*;
        [X19, X20, X21, X22, X23, X24, X25, X26, X27, X28]
    };

    /// The general-purpose register, for `x19`–`x28`; `None` for `d8`–`d15`.
    pub const fn general(self) -> Option<RX> {
        use CalleeSaved::*;
        Some(match self {
            X19 => RX::X19,
            X20 => RX::X20,
            X21 => RX::X21,
            X22 => RX::X22,
            X23 => RX::X23,
            X24 => RX::X24,
            X25 => RX::X25,
            X26 => RX::X26,
            X27 => RX::X27,
            X28 => RX::X28,
            _ => return None,
        })
    }

    /// The register number in its file: 19..=28 for `x19`–`x28`, 8..=15 for `d8`–`d15`.
    pub const fn number(self) -> u8 {
        let i = self as u8;
        if i < 10 {
            19 + i
        } else {
            8 + (i - 10)
        }
    }

    /// Whether this is one of `d8`–`d15`.
    pub const fn is_fp(self) -> bool {
        self as u8 >= 10
    }

    const fn bit(self) -> u32 {
        1 << self as u8
    }
}

/// The layout of a frame [`Assembler::prologue`] built: what [`Assembler::epilogue`] needs to
/// undo it, and where things are.
///
/// From high addresses to low (AAPCS64 §6.4.6: `x29` points at the frame record; §6.4.5.1: `sp`
/// stays a multiple of 16):
///
/// ```text
///            caller's frame                                   <- caller's sp = x29 + record_size()
/// x29 + 16   saved registers: x19.. in ascending order, then d8.., 8 bytes each (padded to 16)
/// x29 + 8    x30 (the return address)  } the frame record
/// x29        the caller's x29          }
/// x29 - 8    locals, down to x29 - locals()
///                                                             <- sp = x29 - locals()
/// ```
///
/// A `Frame` can only be made by `prologue`, so an epilogue always restores exactly what a
/// prologue saved. Keep it for as long as the function is being emitted, and pass it to every
/// epilogue (a function may return from several places).
#[must_use = "the epilogue needs the Frame the prologue returned"]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Bytes of locals below the frame record (a multiple of 16).
    locals: usize,
    /// The saved registers, one bit per [`CalleeSaved`] discriminant.
    saved: u32,
}

impl Frame {
    /// Bytes reserved for locals below the frame record, a multiple of 16: they are at
    /// `x29 - 8`, `x29 - 16`, ... down to `x29 - locals()`.
    pub fn locals(&self) -> usize {
        self.locals
    }

    /// The registers saved, general-purpose first, each in ascending order.
    pub fn saved(&self) -> impl Iterator<Item = CalleeSaved> + '_ {
        CalleeSaved::ALL
            .into_iter()
            .filter(|r| self.saved & r.bit() != 0)
    }

    /// Where `reg` is saved, as a byte offset from `x29`; `None` if this frame does not save
    /// it.
    pub fn save_offset(&self, reg: CalleeSaved) -> Option<i64> {
        self.saved()
            .position(|r| r == reg)
            .map(|i| 16 + 8 * i as i64)
    }

    /// Bytes from the caller's `sp` down to the record (`x29`): the record and the saved
    /// registers, a multiple of 16.
    pub fn record_size(&self) -> usize {
        16 + (8 * self.saved.count_ones() as usize).next_multiple_of(16)
    }

    /// Bytes the frame takes on the stack in all: `record_size() + locals()`. The caller's
    /// `sp` is `x29 + record_size()`.
    pub fn size(&self) -> usize {
        self.record_size() + self.locals
    }

    /// The saved registers as pairs of offsets from `x29`: what `stp`/`ldp` (or a single
    /// `str`/`ldr`, the second `None`) move.
    fn pairs(&self) -> Vec<(CalleeSaved, Option<CalleeSaved>, u32)> {
        let regs: Vec<CalleeSaved> = self.saved().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < regs.len() {
            let offset = 16 + 8 * i as u32;
            let second = regs.get(i + 1).filter(|r| r.is_fp() == regs[i].is_fp());
            out.push((regs[i], second.copied(), offset));
            i += if second.is_some() { 2 } else { 1 };
        }
        out
    }
}

impl Assembler {
    /// Emits an AAPCS64 prologue: the frame record, the registers in `saves`, and `locals`
    /// bytes of locals (rounded up to 16), laid out as [`Frame`] draws:
    ///
    /// ```text
    /// stp x29, x30, [sp, #-record_size]!
    /// mov x29, sp
    /// stp x19, x20, [sp, #16]      (the saves, in pairs; str for an odd one out)
    /// ...
    /// sub sp, sp, #locals          (omitted for 0; through x17 beyond 24 bits)
    /// ```
    ///
    /// `saves` may be in any order and repeat a register; each is saved once. The returned
    /// [`Frame`] goes to [`epilogue`](Self::epilogue), which restores the same registers.
    ///
    /// Frames with more than 4 KiB of locals are *probed*: `sp` moves down a 4 KiB page at a
    /// time and each page is written (`str xzr, [sp]`) before the next, in a loop counted in
    /// `x17`. A stack overflow then faults on the guard page below the stack instead of a
    /// large `sub` stepping over it into other memory (the reason compilers emit stack probes).
    ///
    /// ```
    /// use jitkit::aarch64::{CalleeSaved, RX, RXSP};
    /// use jitkit::{Assembler, CodeBuffer};
    ///
    /// // fn(x) -> 2 * x, keeping x in x19 (saved) and in a local.
    /// let mut asm = Assembler::new();
    /// let frame = asm.prologue(20, &[CalleeSaved::X19])?;
    /// assert_eq!((frame.locals(), frame.save_offset(CalleeSaved::X19)), (32, Some(16)));
    /// jitkit::dynasm!(asm ; .arch aarch64 ; mov x19, x0);
    /// asm.store_word(RX::X19, RXSP::X29, -8)?;   // spill it
    /// asm.load_word(RX::X1, RXSP::X29, -8)?;
    /// jitkit::dynasm!(asm ; .arch aarch64 ; add x0, x1, x19);
    /// asm.epilogue(frame);
    /// let code = asm.finish()?;
    /// let buf = CodeBuffer::new();
    /// let entry = buf.commit(&code.instructions)?;
    /// # #[cfg(target_arch = "aarch64")]
    /// assert_eq!(unsafe { entry.as_fn::<extern "C" fn(u64) -> u64>() }(21), 42);
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Immediate`] if the rounded size of the locals does not fit 32 bits.
    pub fn prologue(&mut self, locals: usize, saves: &[CalleeSaved]) -> Result<Frame, Error> {
        let locals_size = locals
            .checked_add(15)
            .map(|s| s & !15)
            .filter(|&s| s <= u32::MAX as usize)
            .ok_or_else(|| Error::Immediate {
                value: locals.to_string(),
                statement: "prologue".to_string(),
                allowed: "frames of at most 4 GiB",
            })?;
        let frame = Frame {
            locals: locals_size,
            saved: saves.iter().fold(0, |m, r| m | r.bit()),
        };
        // At most 16 + 8 * 18 = 160 bytes: within stp's pre-index range (-512..=504).
        let record = -(frame.record_size() as i32);
        dynasm!(self ; .arch aarch64 ; stp x29, x30, [sp, record]! ; mov x29, sp);
        for (a, b, offset) in frame.pairs() {
            let (n, off) = (a.number(), offset);
            match (b.map(CalleeSaved::number), a.is_fp()) {
                (Some(m), false) => {
                    dynasm!(self ; .arch aarch64 ; stp X(n), X(m), [sp, off as i32])
                }
                (Some(m), true) => dynasm!(self ; .arch aarch64 ; stp D(n), D(m), [sp, off as i32]),
                (None, false) => dynasm!(self ; .arch aarch64 ; str X(n), [sp, off]),
                (None, true) => dynasm!(self ; .arch aarch64 ; str D(n), [sp, off]),
            }
        }
        if locals_size > PROBE_INTERVAL {
            let pages = (locals_size / PROBE_INTERVAL) as u64;
            let page = self.new_dynamic_label();
            self.load_imm64(RX::X17, pages);
            dynasm!(self ; .arch aarch64
                ; =>page
                ; sub sp, sp, #1, lsl #12
                ; str xzr, [sp]
                ; subs x17, x17, #1
                ; b.ne =>page
            );
            self.add_offset(RXSP::SP, RXSP::SP, -((locals_size % PROBE_INTERVAL) as i64))?;
        } else {
            self.add_offset(RXSP::SP, RXSP::SP, -(locals_size as i64))?;
        }
        Ok(frame)
    }

    /// Emits the epilogue matching the [`prologue`](Self::prologue) that returned `frame`,
    /// whatever `sp` is by now: `sp` back to `x29`, the saved registers and the frame record
    /// restored, and `ret`:
    ///
    /// ```text
    /// mov sp, x29
    /// ldp x19, x20, [sp, #16]      (the saves, as the prologue stored them)
    /// ...
    /// ldp x29, x30, [sp], #record_size
    /// ret
    /// ```
    ///
    /// The body must leave `x29` as the prologue set it (AAPCS64 §6.4.6: it points at the
    /// frame record).
    pub fn epilogue(&mut self, frame: Frame) {
        dynasm!(self ; .arch aarch64 ; mov sp, x29);
        for (a, b, offset) in frame.pairs() {
            let (n, off) = (a.number(), offset);
            match (b.map(CalleeSaved::number), a.is_fp()) {
                (Some(m), false) => {
                    dynasm!(self ; .arch aarch64 ; ldp X(n), X(m), [sp, off as i32])
                }
                (Some(m), true) => dynasm!(self ; .arch aarch64 ; ldp D(n), D(m), [sp, off as i32]),
                (None, false) => dynasm!(self ; .arch aarch64 ; ldr X(n), [sp, off]),
                (None, true) => dynasm!(self ; .arch aarch64 ; ldr D(n), [sp, off]),
            }
        }
        let record = frame.record_size() as i32;
        dynasm!(self ; .arch aarch64 ; ldp x29, x30, [sp], record ; ret);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::test_words as words;
    use CalleeSaved::*;

    // Expected words are llvm-mc's encodings of the instructions named in the comments;
    // tests/frames.rs compares many more frames with llvm-mc directly.

    #[test]
    fn a_frame_without_saves_is_the_bare_frame_record() {
        let w = words(|a| a.prologue(20, &[]).map(|f| assert_eq!(f.locals(), 32)));
        // stp x29, x30, [sp, #-16]! ; mov x29, sp ; sub sp, sp, #32
        assert_eq!(w, [0xa9bf7bfd, 0x910003fd, 0xd10083ff]);
        assert_eq!(words(|a| a.prologue(0, &[]).map(drop)).len(), 2);
        // sub sp, sp, #1, lsl #12
        assert_eq!(words(|a| a.prologue(4096, &[]).map(drop))[2], 0xd14007ff);
        // Above a page: mov x17, #2 ; probe loop (sub sp, sp, #1, lsl #12 ; str xzr, [sp] ;
        // subs x17, x17, #1 ; b.ne -12) ; sub sp, sp, #16.
        let w = words(|a| a.prologue(8192 + 16, &[]).map(drop));
        assert_eq!(
            w[2..],
            [0xd2800051, 0xd14007ff, 0xf90003ff, 0xf1000631, 0x54ffffa1, 0xd10043ff]
        );
        // mov sp, x29 ; ldp x29, x30, [sp], #16 ; ret
        let w = words(|a| {
            let f = a.prologue(0, &[])?;
            a.epilogue(f);
            Ok(())
        });
        assert_eq!(w[2..], [0x910003bf, 0xa8c17bfd, 0xd65f03c0]);
    }

    #[test]
    fn saves_are_paired_above_the_record_and_restored_in_the_epilogue() {
        let w = words(|a| {
            // Order and repeats do not matter.
            let f = a.prologue(0, &[X21, X19, X20, X19])?;
            assert_eq!(f.record_size(), 48);
            a.epilogue(f);
            Ok(())
        });
        assert_eq!(
            w,
            [
                0xa9bd7bfd, // stp x29, x30, [sp, #-48]!
                0x910003fd, // mov x29, sp
                0xa90153f3, // stp x19, x20, [sp, #16]
                0xf90013f5, // str x21, [sp, #32]
                0x910003bf, // mov sp, x29
                0xa94153f3, // ldp x19, x20, [sp, #16]
                0xf94013f5, // ldr x21, [sp, #32]
                0xa8c37bfd, // ldp x29, x30, [sp], #48
                0xd65f03c0, // ret
            ]
        );
        // A general register and a d register are not paired.
        let w = words(|a| a.prologue(0, &[D8, X28]).map(drop));
        // stp x29, x30, [sp, #-32]! ; mov x29, sp ; str x28, [sp, #16] ; str d8, [sp, #24]
        assert_eq!(w, [0xa9be7bfd, 0x910003fd, 0xf9000bfc, 0xfd000fe8]);
    }

    #[test]
    fn the_frame_says_where_everything_is() {
        let mut a = Assembler::new();
        let f = a.prologue(8, &[D15, X19, X27]).unwrap();
        assert_eq!(f.saved().collect::<Vec<_>>(), [X19, X27, D15]);
        assert_eq!(f.save_offset(X19), Some(16));
        assert_eq!(f.save_offset(X27), Some(24));
        assert_eq!(f.save_offset(D15), Some(32));
        assert_eq!(f.save_offset(X20), None);
        assert_eq!((f.record_size(), f.locals(), f.size()), (48, 16, 64));
        let all = a.prologue(0, &CalleeSaved::ALL).unwrap();
        assert_eq!(all.record_size(), 16 + 18 * 8);
        assert_eq!(all.save_offset(D15), Some(16 + 17 * 8));
    }

    #[test]
    fn register_numbers_and_kinds() {
        assert_eq!(
            CalleeSaved::GENERAL.map(CalleeSaved::number),
            [19, 20, 21, 22, 23, 24, 25, 26, 27, 28]
        );
        assert_eq!(
            CalleeSaved::ALL[10..]
                .iter()
                .map(|r| r.number())
                .collect::<Vec<_>>(),
            [8, 9, 10, 11, 12, 13, 14, 15]
        );
        assert!(CalleeSaved::GENERAL.iter().all(|r| !r.is_fp()));
        assert_eq!(X23.general(), Some(RX::X23));
        assert_eq!(D8.general(), None);
    }

    #[test]
    fn oversized_locals_are_an_error() {
        assert!(matches!(
            Assembler::new().prologue(usize::MAX, &[]),
            Err(Error::Immediate { .. })
        ));
    }
}
