//! PSTATE field names for `msr <pstatefield>, #<imm>` (MSR (immediate)) and their encodings.
//!
//! MSR (immediate) writes a PSTATE field directly (Arm Architecture Reference Manual for
//! A-profile, DDI 0487: the "MSR (immediate)" instruction page and the PSTATE field
//! descriptions among the special-purpose registers). The encoding is `1101_0101_0000_0 op1 0100 CRm op2 11111`:
//! op1/op2 select the field and CRm carries the immediate. For the SME `svcr*` fields
//! (`smstart`/`smstop`) CRm is `0b0 ZA SM imm`: the fixed high bits select SVCR.SM and/or
//! SVCR.ZA and bit 0 is the new value.
//!
//! The list and the accepted immediate ranges are those of LLVM 14's assembler (verified by
//! the `llvm_check` tests): LLVM accepts 0..=15 for `spsel` and `tco` although only bit 0
//! is meaningful there, and 0..=1 for the single-bit fields. `allint` (FEAT_NMI) is unknown
//! to LLVM 14 and not listed. The same names (`spsel`, `pan`, `uao`, `dit`, `ssbs`,
//! `tco`, ...) used with a register operand are system registers: see [`super::sysreg`].

/// One PSTATE field writable by MSR (immediate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PStateField {
    /// Lowercase name (matching is case-insensitive).
    pub name: &'static str,
    /// op1 field.
    pub op1: u8,
    /// op2 field.
    pub op2: u8,
    /// Fixed bits of CRm; the immediate is OR-ed in.
    pub crm_base: u8,
    /// Largest immediate LLVM 14 accepts (the smallest is 0).
    pub max_imm: u8,
    /// The `llvm-mc -mattr` value LLVM 14 needs for this name (`""` when none).
    pub feature: &'static str,
}

impl PStateField {
    /// Encodes `msr <self>, #imm`; `None` when `imm > max_imm`.
    pub fn encode(&self, imm: u32) -> Option<u32> {
        if imm > u32::from(self.max_imm) {
            return None;
        }
        let crm = u32::from(self.crm_base) | imm;
        Some(0xd500_401f | (u32::from(self.op1) << 16) | (crm << 8) | (u32::from(self.op2) << 5))
    }
}

#[rustfmt::skip]
const fn p(name: &'static str, op1: u8, op2: u8, crm_base: u8, max_imm: u8, feature: &'static str) -> PStateField {
    PStateField { name, op1, op2, crm_base, max_imm, feature }
}

/// Every PSTATE field name LLVM 14 accepts for MSR (immediate), sorted by name.
#[rustfmt::skip]
pub static PSTATE_FIELDS: [PStateField; 11] = [
    p("daifclr", 3, 7, 0b0000, 15, ""),
    p("daifset", 3, 6, 0b0000, 15, ""),
    p("dit", 3, 2, 0b0000, 1, "+dit"),
    p("pan", 0, 4, 0b0000, 1, "+pan"),
    p("spsel", 0, 5, 0b0000, 15, ""),
    p("ssbs", 3, 1, 0b0000, 1, "+ssbs"),
    p("svcrsm", 3, 3, 0b0010, 1, "+sme"),
    p("svcrsmza", 3, 3, 0b0110, 1, "+sme"),
    p("svcrza", 3, 3, 0b0100, 1, "+sme"),
    p("tco", 3, 4, 0b0000, 15, "+mte"),
    p("uao", 0, 3, 0b0000, 1, "+uaops"),
];

/// Finds a PSTATE field by name, ignoring ASCII case.
pub fn lookup(name: &str) -> Option<&'static PStateField> {
    PSTATE_FIELDS
        .binary_search_by(|e| {
            e.name
                .bytes()
                .cmp(name.bytes().map(|c| c.to_ascii_lowercase()))
        })
        .ok()
        .map(|i| &PSTATE_FIELDS[i])
}
