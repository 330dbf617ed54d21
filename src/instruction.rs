//! One A64 instruction as a typed value.
//!
//! Every A64 instruction is one 32-bit word, stored little-endian in memory. [`Instruction`] is that
//! word with no other state (`#[repr(transparent)]`), so a `&[Instruction]` has exactly the layout
//! of the `&[u32]` it came from and can be viewed as bytes without copying.
//!
//! The PC-relative instructions carry a signed offset from their own address to a target. A code
//! generator that moves or links code needs to read and rewrite those offsets, and to be told, not
//! surprised, when a target is out of reach. [`InstructionKind`] names the six encodings that carry
//! one, and [`Instruction::with_branch_offset`] checks range and alignment before it rewrites.

use std::fmt;

use crate::error::Error;
use crate::offset::InstructionKind;

/// One 32-bit A64 instruction encoding.
///
/// ```
/// use jitkit::{Instruction, InstructionKind};
/// let ret = Instruction::new(0xD65F03C0);
/// assert_eq!(ret.to_le_bytes(), [0xC0, 0x03, 0x5F, 0xD6]);
/// assert_eq!(ret.kind(), InstructionKind::Other);
/// assert_eq!(ret.to_string(), "0xd65f03c0");
///
/// let b = Instruction::new(0x14000000).with_branch_offset(-8).unwrap(); // b .-8
/// assert_eq!(b.branch_offset(), Some(-8));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
pub struct Instruction(u32);

impl Instruction {
    /// Wraps a 32-bit encoding. Every word is accepted: the CPU, not jitkit, decides what an
    /// unallocated encoding does (it raises an undefined-instruction exception).
    #[inline]
    pub const fn new(word: u32) -> Self {
        Self(word)
    }

    /// The encoding as a word.
    #[inline]
    pub const fn word(self) -> u32 {
        self.0
    }

    /// The encoding as it lies in memory (A64 instructions are always little-endian).
    #[inline]
    pub const fn to_le_bytes(self) -> [u8; 4] {
        self.0.to_le_bytes()
    }

    /// Reads an encoding from its in-memory (little-endian) bytes.
    #[inline]
    pub const fn from_le_bytes(bytes: [u8; 4]) -> Self {
        Self(u32::from_le_bytes(bytes))
    }

    /// Views words as instructions without copying.
    #[inline]
    pub fn from_words(words: &[u32]) -> &[Instruction] {
        // SAFETY: Instruction is #[repr(transparent)] over u32, so the two slices have the same
        // layout, alignment and length; the lifetime is carried over unchanged.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<Instruction>(), words.len()) }
    }

    /// Writes `code` into `dst` (exactly `4 * code.len()` bytes) in A64's instruction byte
    /// order, little-endian on every host (see `code.rs`, "Byte order").
    #[inline]
    pub(crate) fn write_le(code: &[Instruction], dst: &mut [u8]) {
        #[cfg(target_endian = "little")]
        dst.copy_from_slice(Instruction::slice_as_bytes(code));
        #[cfg(target_endian = "big")]
        for (d, i) in dst.chunks_exact_mut(4).zip(code) {
            d.copy_from_slice(&i.to_le_bytes());
        }
    }

    /// Views instructions as the bytes that will be committed, without copying.
    ///
    /// Only on little-endian hosts, where a word's in-memory bytes are already the A64 order.
    #[cfg(target_endian = "little")]
    #[inline]
    pub fn slice_as_bytes(code: &[Instruction]) -> &[u8] {
        // SAFETY: Instruction is #[repr(transparent)] over u32 with no padding; every byte of a
        // u32 is initialised, u8 has alignment 1, and the byte length cannot overflow because
        // the slice already occupies that many bytes.
        unsafe {
            std::slice::from_raw_parts(code.as_ptr().cast::<u8>(), std::mem::size_of_val(code))
        }
    }

    /// Classifies the instruction by its PC-relative field, if any.
    pub const fn kind(self) -> InstructionKind {
        let w = self.0;
        if w & 0xFC00_0000 == 0x1400_0000 {
            InstructionKind::Branch
        } else if w & 0xFC00_0000 == 0x9400_0000 {
            InstructionKind::BranchLink
        } else if w & 0xFF00_0000 == 0x5400_0000 {
            InstructionKind::CondBranch
        } else if w & 0x7E00_0000 == 0x3400_0000 {
            InstructionKind::CompareBranch
        } else if w & 0x7E00_0000 == 0x3600_0000 {
            InstructionKind::TestBranch
        } else if w & 0x3B00_0000 == 0x1800_0000 && w & 0xC400_0000 != 0xC400_0000 {
            // opc=11 with V=1 is unallocated; opc=11 with V=0 is PRFM (literal).
            InstructionKind::LoadLiteral
        } else if w & 0x9F00_0000 == 0x1000_0000 {
            InstructionKind::Adr
        } else if w & 0x9F00_0000 == 0x9000_0000 {
            InstructionKind::Adrp
        } else {
            InstructionKind::Other
        }
    }

    /// The PC-relative byte offset this instruction encodes, or `None` for
    /// [`InstructionKind::Other`]. For `ADRP` it is the offset between 4 KiB pages.
    pub const fn branch_offset(self) -> Option<i64> {
        let w = self.0;
        match self.kind() {
            InstructionKind::Other => None,
            InstructionKind::Adr => Some(sign_extend(adr_field(w), 21)),
            InstructionKind::Adrp => Some(sign_extend(adr_field(w), 21) << 12),
            kind => {
                let (lsb, width) = kind.field();
                let field = (w >> lsb) & ((1 << width) - 1);
                Some(sign_extend(field, width) << 2)
            }
        }
    }

    /// This instruction with its PC-relative offset replaced by `offset` bytes.
    ///
    /// Errors: [`Error::NotPcRelative`] for [`InstructionKind::Other`],
    /// [`Error::MisalignedOffset`] when `offset` is not a multiple of
    /// [`InstructionKind::offset_alignment`], [`Error::OffsetOutOfRange`] when it does not fit.
    pub fn with_branch_offset(self, offset: i64) -> Result<Instruction, Error> {
        let kind = self.kind();
        let Some(range) = kind.offset_range() else {
            return Err(Error::NotPcRelative { word: self.0, kind });
        };
        let alignment = kind.offset_alignment();
        if offset % i64::from(alignment) != 0 {
            return Err(Error::MisalignedOffset {
                kind,
                offset,
                alignment,
            });
        }
        if !range.contains(offset) {
            return Err(Error::OffsetOutOfRange {
                kind,
                offset,
                range,
            });
        }
        let w = self.0;
        let word = match kind {
            InstructionKind::Adr => with_adr_field(w, offset as u32),
            InstructionKind::Adrp => with_adr_field(w, (offset >> 12) as u32),
            _ => {
                let (lsb, width) = kind.field();
                let mask = ((1u32 << width) - 1) << lsb;
                (w & !mask) | ((((offset >> 2) as u32) << lsb) & mask)
            }
        };
        Ok(Instruction(word))
    }
}

/// ADR/ADRP keep the low two bits of their 21-bit field in bits 30:29 and the rest in 23:5.
const fn adr_field(w: u32) -> u32 {
    (((w >> 5) & 0x7FFFF) << 2) | ((w >> 29) & 3)
}

const fn with_adr_field(w: u32, field: u32) -> u32 {
    (w & !0x60FF_FFE0) | ((field & 3) << 29) | (((field >> 2) & 0x7FFFF) << 5)
}

const fn sign_extend(field: u32, width: u32) -> i64 {
    let shift = 64 - width;
    ((field as i64) << shift) >> shift
}

impl From<u32> for Instruction {
    fn from(word: u32) -> Self {
        Self(word)
    }
}

impl From<Instruction> for u32 {
    fn from(i: Instruction) -> Self {
        i.0
    }
}

impl fmt::Display for Instruction {
    /// `0xd65f03c0`: the word in lower-case hex, as disassemblers print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}", self.0)
    }
}

impl fmt::Debug for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.branch_offset() {
            Some(off) => write!(
                f,
                "Instruction({:#010x}, {} {:+})",
                self.0,
                self.kind(),
                off
            ),
            None => write!(f, "Instruction({:#010x}, {})", self.0, self.kind()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offset::OffsetRange;

    /// One encoding of each kind, from `llvm-mc -triple=aarch64 -show-encoding`.
    const SAMPLES: [(u32, InstructionKind, i64); 10] = [
        (0x14000002, InstructionKind::Branch, 8),         // b .+8
        (0x97FFFFFF, InstructionKind::BranchLink, -4),    // bl .-4
        (0x54000040, InstructionKind::CondBranch, 8),     // b.eq .+8
        (0xB4000040, InstructionKind::CompareBranch, 8),  // cbz x0, .+8
        (0x35FFFFE1, InstructionKind::CompareBranch, -4), // cbnz w1, .-4
        (0xB6F80042, InstructionKind::TestBranch, 8),     // tbz x2, #63, .+8
        (0x58000043, InstructionKind::LoadLiteral, 8),    // ldr x3, .+8
        (0x1C000044, InstructionKind::LoadLiteral, 8),    // ldr s4, .+8
        (0x30000005, InstructionKind::Adr, 1),            // adr x5, .+1
        (0xB0000006, InstructionKind::Adrp, 4096),        // adrp x6, .+4096
    ];

    #[test]
    fn classifies_and_reads_every_pc_relative_kind() {
        for (word, kind, off) in SAMPLES {
            let i = Instruction::new(word);
            assert_eq!(i.kind(), kind, "{word:#x}");
            assert_eq!(i.branch_offset(), Some(off), "{word:#x}");
        }
    }

    #[test]
    fn other_instructions_have_no_offset() {
        for word in [0xD65F03C0, 0xD2800000, 0x8B020000, 0xF9400020, 0xD503201F] {
            let i = Instruction::new(word);
            assert_eq!(i.kind(), InstructionKind::Other, "{word:#x}");
            assert_eq!(i.branch_offset(), None);
            assert!(matches!(
                i.with_branch_offset(0),
                Err(Error::NotPcRelative { .. })
            ));
        }
    }

    #[test]
    fn rewriting_round_trips_at_every_range_boundary() {
        for (word, kind, _) in SAMPLES {
            let range = kind.offset_range().unwrap();
            let align = i64::from(kind.offset_alignment());
            for off in [
                range.min,
                range.min + align,
                -align,
                0,
                align,
                range.max - align,
                range.max,
            ] {
                let j = Instruction::new(word).with_branch_offset(off).unwrap();
                assert_eq!(j.kind(), kind, "{word:#x} -> {off}");
                assert_eq!(j.branch_offset(), Some(off), "{word:#x} -> {off}");
                // Only the offset field changes: register and condition bits survive.
                let back = j
                    .with_branch_offset(Instruction::new(word).branch_offset().unwrap())
                    .unwrap();
                assert_eq!(back.word(), word);
            }
            for off in [range.min - align, range.max + align] {
                match Instruction::new(word).with_branch_offset(off) {
                    Err(Error::OffsetOutOfRange {
                        kind: k,
                        offset,
                        range: r,
                    }) => {
                        assert_eq!((k, offset, r), (kind, off, range));
                    }
                    other => panic!("{word:#x} -> {off}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn exact_ranges() {
        let r = |k: InstructionKind| k.offset_range().unwrap();
        assert_eq!(
            r(InstructionKind::Branch),
            OffsetRange {
                min: -(128 << 20),
                max: (128 << 20) - 4
            }
        );
        assert_eq!(
            r(InstructionKind::CondBranch),
            OffsetRange {
                min: -(1 << 20),
                max: (1 << 20) - 4
            }
        );
        assert_eq!(
            r(InstructionKind::TestBranch),
            OffsetRange {
                min: -(32 << 10),
                max: (32 << 10) - 4
            }
        );
        assert_eq!(
            r(InstructionKind::Adr),
            OffsetRange {
                min: -(1 << 20),
                max: (1 << 20) - 1
            }
        );
        assert_eq!(
            r(InstructionKind::Adrp),
            OffsetRange {
                min: -(4 << 30),
                max: (4 << 30) - 4096
            }
        );
    }

    #[test]
    fn misaligned_offsets_are_rejected() {
        let b = Instruction::new(0x14000000);
        assert!(matches!(
            b.with_branch_offset(2),
            Err(Error::MisalignedOffset {
                alignment: 4,
                offset: 2,
                ..
            })
        ));
        let adrp = Instruction::new(0x90000000);
        assert!(matches!(
            adrp.with_branch_offset(4095),
            Err(Error::MisalignedOffset {
                alignment: 4096,
                ..
            })
        ));
        let adr = Instruction::new(0x10000000);
        assert_eq!(adr.with_branch_offset(3).unwrap().branch_offset(), Some(3));
    }

    #[test]
    fn byte_views_are_little_endian() {
        let code = [Instruction::new(0xD2800000), Instruction::new(0xD65F03C0)];
        assert_eq!(
            Instruction::slice_as_bytes(&code),
            &[0x00, 0x00, 0x80, 0xD2, 0xC0, 0x03, 0x5F, 0xD6]
        );
        assert_eq!(
            Instruction::from_le_bytes([0xC0, 0x03, 0x5F, 0xD6]),
            code[1]
        );
        assert_eq!(Instruction::from_words(&[0xD65F03C0]), &code[1..]);
    }

    #[test]
    fn display_and_debug() {
        assert_eq!(Instruction::new(0xD65F03C0).to_string(), "0xd65f03c0");
        assert_eq!(
            format!("{:?}", Instruction::new(0x14000002)),
            "Instruction(0x14000002, B +8)"
        );
        assert_eq!(
            format!("{:?}", Instruction::new(0xD65F03C0)),
            "Instruction(0xd65f03c0, other)"
        );
    }
}
