//! The vocabulary of PC-relative offsets: which instructions carry one ([`InstructionKind`])
//! and which byte offsets each can hold ([`OffsetRange`]). Both [`Instruction`](crate::Instruction)
//! and [`Error`](crate::Error) speak it; it depends on neither.

use std::fmt;

/// The classes of instruction that carry a PC-relative offset, and `Other` for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructionKind {
    /// `B label` (imm26, ±128 MiB).
    Branch,
    /// `BL label` (imm26, ±128 MiB).
    BranchLink,
    /// `B.cond label` and `BC.cond label` (imm19, ±1 MiB).
    CondBranch,
    /// `CBZ`/`CBNZ` (imm19, ±1 MiB).
    CompareBranch,
    /// `TBZ`/`TBNZ` (imm14, ±32 KiB).
    TestBranch,
    /// `LDR`/`LDRSW`/`PRFM` (literal) (imm19, ±1 MiB).
    LoadLiteral,
    /// `ADR` (21-bit byte offset, ±1 MiB).
    Adr,
    /// `ADRP` (21-bit page offset, ±4 GiB in 4 KiB pages).
    Adrp,
    /// Any instruction without a PC-relative offset.
    Other,
}

impl InstructionKind {
    /// The byte offsets this kind can encode, or `None` for [`InstructionKind::Other`].
    pub const fn offset_range(self) -> Option<OffsetRange> {
        let (min, max) = match self {
            Self::Branch | Self::BranchLink => (-(1 << 27), (1 << 27) - 4),
            Self::CondBranch | Self::CompareBranch | Self::LoadLiteral => {
                (-(1 << 20), (1 << 20) - 4)
            }
            Self::TestBranch => (-(1 << 15), (1 << 15) - 4),
            Self::Adr => (-(1 << 20), (1 << 20) - 1),
            Self::Adrp => (-(1 << 32), (1 << 32) - 4096),
            Self::Other => return None,
        };
        Some(OffsetRange { min, max })
    }

    /// The alignment, in bytes, an offset of this kind must have (1 for `ADR`, 4096 for `ADRP`,
    /// 4 for the branches and literal loads).
    pub const fn offset_alignment(self) -> u32 {
        match self {
            Self::Adr => 1,
            Self::Adrp => 4096,
            _ => 4,
        }
    }

    /// Where the word-scaled offset field lies: (lowest bit, width). ADR/ADRP split their field
    /// in two and are handled apart.
    pub(crate) const fn field(self) -> (u32, u32) {
        match self {
            Self::Branch | Self::BranchLink => (0, 26),
            Self::CondBranch | Self::CompareBranch | Self::LoadLiteral => (5, 19),
            Self::TestBranch => (5, 14),
            Self::Adr | Self::Adrp | Self::Other => (0, 0),
        }
    }
}

impl fmt::Display for InstructionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Branch => "B",
            Self::BranchLink => "BL",
            Self::CondBranch => "B.cond",
            Self::CompareBranch => "CBZ/CBNZ",
            Self::TestBranch => "TBZ/TBNZ",
            Self::LoadLiteral => "LDR (literal)",
            Self::Adr => "ADR",
            Self::Adrp => "ADRP",
            Self::Other => "other",
        })
    }
}

/// An inclusive range of byte offsets a PC-relative field can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetRange {
    /// Smallest offset.
    pub min: i64,
    /// Largest offset.
    pub max: i64,
}

impl OffsetRange {
    /// Whether `offset` lies inside the range (alignment is checked separately).
    pub fn contains(&self, offset: i64) -> bool {
        self.min <= offset && offset <= self.max
    }
}

impl fmt::Display for OffsetRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let span = -self.min;
        let human = if span >= 1 << 30 {
            format!("{} GiB", span >> 30)
        } else if span >= 1 << 20 {
            format!("{} MiB", span >> 20)
        } else {
            format!("{} KiB", span >> 10)
        };
        write!(f, "{}..={} bytes (±{human})", self.min, self.max)
    }
}
