//! Named operands of A64 system instructions and their encodings: prefetch operations
//! (`prfm`/`prfum`), barrier options (`dmb`, `dsb`, `isb`, `dsb <opt>nxs`), `clrex`,
//! hint aliases (`nop`, `yield`, the pointer-authentication hints, `bti <target>`,
//! `psb csync`, `tsb csync`), and the SYS aliases `at`, `dc`, `ic`, `tlbi`,
//! `cfp`/`dvp`/`cpp rctx`.
//!
//! Sources: the Arm Architecture Reference Manual for A-profile (DDI 0487): the instruction
//! pages of PRFM, DMB, DSB, ISB, CLREX, HINT, BTI, PSB, TSB, SYS and of each SYS alias, and
//! the chapter "The A64 System Instruction Class" for the op1/CRn/CRm/op2 values of the cache,
//! address-translation, TLB and prediction-restriction operations. Every entry is what LLVM
//! 14's assembler (`llvm-mc -triple=aarch64`) accepts, checked word for word by the
//! `llvm_check` tests. `feature` columns name the `llvm-mc -mattr` value LLVM 14 needs
//! (`""` when none); they do not change the encoding.

/// Prefetch operation names of `prfm`/`prfum` and their 5-bit `prfop` value:
/// `<type><target><policy>` with type `pld`=0b00, `pli`=0b01, `pst`=0b10, target
/// `l1`..`l3` = 0..2 and policy `keep`=0, `strm`=1. Values without a name (6, 7, 14, 15,
/// 22..=31) are written and printed by LLVM as `#<value>`.
#[rustfmt::skip]
pub static PREFETCH_OPS: [(&str, u8); 18] = [
    ("pldl1keep", 0),
    ("pldl1strm", 1),
    ("pldl2keep", 2),
    ("pldl2strm", 3),
    ("pldl3keep", 4),
    ("pldl3strm", 5),
    ("plil1keep", 8),
    ("plil1strm", 9),
    ("plil2keep", 10),
    ("plil2strm", 11),
    ("plil3keep", 12),
    ("plil3strm", 13),
    ("pstl1keep", 16),
    ("pstl1strm", 17),
    ("pstl2keep", 18),
    ("pstl2strm", 19),
    ("pstl3keep", 20),
    ("pstl3strm", 21),
];

/// Looks up a prefetch operand: a name of [`PREFETCH_OPS`] (ASCII case-insensitive) or
/// `#<n>` with decimal `n` in 0..=31. Returns the `prfop` value.
pub fn prefetch_op(operand: &str) -> Option<u8> {
    if let Some(num) = operand.strip_prefix('#') {
        return imm(num, 31);
    }
    PREFETCH_OPS
        .iter()
        .find(|e| e.0.eq_ignore_ascii_case(operand))
        .map(|e| e.1)
}

/// The name LLVM prints for a `prfop` value, `None` for unnamed values (printed `#<n>`).
pub fn prefetch_name(prfop: u8) -> Option<&'static str> {
    PREFETCH_OPS.iter().find(|e| e.1 == prfop).map(|e| e.0)
}

/// Encodes `prfm <prfop>, [x<rn>, #<8 * imm12>]` (unsigned scaled offset form);
/// `prfop` 0..=31, `rn` 0..=31 (31 = sp), `imm12` 0..=4095 (masked).
pub fn encode_prfm(prfop: u8, rn: u32, imm12: u32) -> u32 {
    0xf980_0000 | ((imm12 & 0xfff) << 10) | ((rn & 31) << 5) | u32::from(prfop & 31)
}

/// Encodes `prfum <prfop>, [x<rn>, #<simm9>]`; `simm9` is -256..=255 (masked to 9 bits).
pub fn encode_prfum(prfop: u8, rn: u32, simm9: i32) -> u32 {
    0xf880_0000 | (((simm9 as u32) & 0x1ff) << 12) | ((rn & 31) << 5) | u32::from(prfop & 31)
}

/// Named barrier options of `dmb` and `dsb` and their CRm value (domain in bits 3:2:
/// `osh`=0, `nsh`=1, `ish`=2, full system=3; type in bits 1:0: `ld`=1, `st`=2, all=3).
/// Other CRm values are written `#<n>`; `dsb #0` and `dsb #4` are printed `ssbb` and
/// `pssbb` (see [`FIXED`]).
#[rustfmt::skip]
pub static BARRIER_OPTIONS: [(&str, u8); 12] = [
    ("oshld", 1),
    ("oshst", 2),
    ("osh", 3),
    ("nshld", 5),
    ("nshst", 6),
    ("nsh", 7),
    ("ishld", 9),
    ("ishst", 10),
    ("ish", 11),
    ("ld", 13),
    ("st", 14),
    ("sy", 15),
];

/// Looks up a `dmb`/`dsb` operand: a name of [`BARRIER_OPTIONS`] or `#<n>` with
/// `n` in 0..=15. Returns CRm. (LLVM 14 also takes `csync` there and encodes it as
/// `#0`; that is not an architectural option and is refused here.)
pub fn barrier_option(operand: &str) -> Option<u8> {
    if let Some(num) = operand.strip_prefix('#') {
        return imm(num, 15);
    }
    BARRIER_OPTIONS
        .iter()
        .find(|e| e.0.eq_ignore_ascii_case(operand))
        .map(|e| e.1)
}

/// `dsb` nXS options (FEAT_XS, `-mattr=+xs`) and their immediate value as written
/// `dsb #<imm>` (16, 20, 24 or 28); the encoding stores `imm / 4 - 4` in CRm bits 3:2.
pub static DSB_NXS_OPTIONS: [(&str, u8); 4] = [
    ("oshnxs", 16),
    ("nshnxs", 20),
    ("ishnxs", 24),
    ("synxs", 28),
];

/// Looks up a `dsb` nXS operand (a name of [`DSB_NXS_OPTIONS`]); returns its immediate.
pub fn dsb_nxs_option(operand: &str) -> Option<u8> {
    DSB_NXS_OPTIONS
        .iter()
        .find(|e| e.0.eq_ignore_ascii_case(operand))
        .map(|e| e.1)
}

/// The only named `isb` option, `sy` (CRm 15, also the value of a bare `isb`).
pub const ISB_SY: u8 = 15;

/// Encodes `dmb <CRm>`.
pub fn encode_dmb(crm: u8) -> u32 {
    0xd503_30bf | (u32::from(crm & 15) << 8)
}

/// Encodes `dsb <CRm>` (CRm 0 and 4 are `ssbb`/`pssbb`).
pub fn encode_dsb(crm: u8) -> u32 {
    0xd503_309f | (u32::from(crm & 15) << 8)
}

/// Encodes `dsb <nXS option>` from its immediate; `None` unless it is 16, 20, 24 or 28.
pub fn encode_dsb_nxs(imm: u8) -> Option<u32> {
    (matches!(imm, 16 | 20 | 24 | 28)).then(|| 0xd503_323f | (u32::from((imm >> 2) & 3) << 10))
}

/// Encodes `isb <CRm>` (`isb` alone is `isb sy`, CRm 15).
pub fn encode_isb(crm: u8) -> u32 {
    0xd503_30df | (u32::from(crm & 15) << 8)
}

/// Encodes `clrex #<CRm>` (`clrex` alone is CRm 15).
pub fn encode_clrex(crm: u8) -> u32 {
    0xd503_305f | (u32::from(crm & 15) << 8)
}

/// Operand-less barrier-class aliases with their fixed encoding and `-mattr` feature.
pub static FIXED: [(&str, u32, &str); 3] = [
    ("pssbb", 0xd503_349f, ""),
    ("sb", 0xd503_30ff, "+sb"),
    ("ssbb", 0xd503_309f, ""),
];

/// Operand-less hint aliases: name, 7-bit `hint #<imm>` value (CRm:op2), `-mattr` feature.
/// Any other value is written `hint #<imm>` (0..=127).
#[rustfmt::skip]
pub static HINTS: [(&str, u8, &str); 22] = [
    ("nop", 0, ""),
    ("yield", 1, ""),
    ("wfe", 2, ""),
    ("wfi", 3, ""),
    ("sev", 4, ""),
    ("sevl", 5, ""),
    ("dgh", 6, ""),
    ("xpaclri", 7, ""),
    ("pacia1716", 8, ""),
    ("pacib1716", 10, ""),
    ("autia1716", 12, ""),
    ("autib1716", 14, ""),
    ("esb", 16, "+ras"),
    ("csdb", 20, ""),
    ("paciaz", 24, ""),
    ("paciasp", 25, ""),
    ("pacibz", 26, ""),
    ("pacibsp", 27, ""),
    ("autiaz", 28, ""),
    ("autiasp", 29, ""),
    ("autibz", 30, ""),
    ("autibsp", 31, ""),
];

/// Targets of `bti` and their hint value (`bti` alone is the empty target).
pub static BTI_TARGETS: [(&str, u8); 4] = [("", 32), ("c", 34), ("j", 36), ("jc", 38)];

/// Hints whose only operand is `csync`: `psb csync` (FEAT_SPE, `+spe`) and
/// `tsb csync` (FEAT_TRF, `+tracev8.4`), with their hint value and feature.
pub static CSYNC_HINTS: [(&str, u8, &str); 2] = [("psb", 17, "+spe"), ("tsb", 18, "+tracev8.4")];

/// Looks up an operand-less hint alias (ASCII case-insensitive); returns its hint value.
pub fn hint(name: &str) -> Option<u8> {
    HINTS
        .iter()
        .find(|e| e.0.eq_ignore_ascii_case(name))
        .map(|e| e.1)
}

/// Looks up a `bti` target (`""`, `c`, `j`, `jc`, ASCII case-insensitive).
pub fn bti_target(target: &str) -> Option<u8> {
    BTI_TARGETS
        .iter()
        .find(|e| e.0.eq_ignore_ascii_case(target))
        .map(|e| e.1)
}

/// Encodes `hint #<imm>` (imm 0..=127, masked).
pub fn encode_hint(imm: u8) -> u32 {
    0xd503_201f | (u32::from(imm & 127) << 5)
}

/// The mnemonic of a SYS alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SysOp {
    /// `at`: address translation.
    At,
    /// `cfp rctx`: control-flow prediction restriction.
    Cfp,
    /// `cpp rctx`: cache prefetch prediction restriction.
    Cpp,
    /// `dc`: data cache maintenance.
    Dc,
    /// `dvp rctx`: data value prediction restriction.
    Dvp,
    /// `ic`: instruction cache maintenance.
    Ic,
    /// `tlbi`: TLB invalidation.
    Tlbi,
}

impl SysOp {
    /// The mnemonic as written in assembly.
    pub const fn mnemonic(self) -> &'static str {
        match self {
            SysOp::At => "at",
            SysOp::Cfp => "cfp",
            SysOp::Cpp => "cpp",
            SysOp::Dc => "dc",
            SysOp::Dvp => "dvp",
            SysOp::Ic => "ic",
            SysOp::Tlbi => "tlbi",
        }
    }
}

/// One named operation of a SYS alias: `<op> <name>[, x<t>]` is `sys #op1, C<crn>, C<crm>,
/// #op2[, x<t>]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SysAlias {
    /// The alias mnemonic.
    pub op: SysOp,
    /// Lowercase operation name (matching is case-insensitive).
    pub name: &'static str,
    /// op1 field.
    pub op1: u8,
    /// CRn field.
    pub crn: u8,
    /// CRm field.
    pub crm: u8,
    /// op2 field.
    pub op2: u8,
    /// True when the register operand is required; false when LLVM forbids it (Rt = 31).
    pub takes_register: bool,
    /// The `llvm-mc -mattr` value LLVM 14 needs (`""` when none).
    pub feature: &'static str,
}

impl SysAlias {
    /// Encodes the alias. `rt` must be `Some` exactly when [`Self::takes_register`];
    /// otherwise `None` is returned (LLVM rejects both mismatches).
    pub fn encode(&self, rt: Option<u32>) -> Option<u32> {
        match (self.takes_register, rt) {
            (true, Some(rt)) => Some(encode_sys(self.op1, self.crn, self.crm, self.op2, rt)),
            (false, None) => Some(encode_sys(self.op1, self.crn, self.crm, self.op2, 31)),
            _ => None,
        }
    }
}

/// Encodes `sys #op1, C<crn>, C<crm>, #op2, x<rt>` (fields and `rt` masked).
pub fn encode_sys(op1: u8, crn: u8, crm: u8, op2: u8, rt: u32) -> u32 {
    0xd508_0000
        | (u32::from(op1 & 7) << 16)
        | (u32::from(crn & 15) << 12)
        | (u32::from(crm & 15) << 8)
        | (u32::from(op2 & 7) << 5)
        | (rt & 31)
}

use SysOp::{At, Cfp, Cpp, Dc, Dvp, Ic, Tlbi};

#[rustfmt::skip]
#[allow(clippy::too_many_arguments)]
const fn s(op: SysOp, name: &'static str, op1: u8, crn: u8, crm: u8, op2: u8, takes_register: bool, feature: &'static str) -> SysAlias {
    SysAlias { op, name, op1, crn, crm, op2, takes_register, feature }
}

/// Every SYS-alias operation LLVM 14 knows, sorted by (mnemonic, name).
#[rustfmt::skip]
pub static SYS_ALIASES: [SysAlias; 212] = [
    s(At, "s12e0r", 4, 7, 8, 6, true, ""),
    s(At, "s12e0w", 4, 7, 8, 7, true, ""),
    s(At, "s12e1r", 4, 7, 8, 4, true, ""),
    s(At, "s12e1w", 4, 7, 8, 5, true, ""),
    s(At, "s1e0r", 0, 7, 8, 2, true, ""),
    s(At, "s1e0w", 0, 7, 8, 3, true, ""),
    s(At, "s1e1r", 0, 7, 8, 0, true, ""),
    s(At, "s1e1rp", 0, 7, 9, 0, true, "+pan-rwv"),
    s(At, "s1e1w", 0, 7, 8, 1, true, ""),
    s(At, "s1e1wp", 0, 7, 9, 1, true, "+pan-rwv"),
    s(At, "s1e2r", 4, 7, 8, 0, true, ""),
    s(At, "s1e2w", 4, 7, 8, 1, true, ""),
    s(At, "s1e3r", 6, 7, 8, 0, true, ""),
    s(At, "s1e3w", 6, 7, 8, 1, true, ""),
    s(Cfp, "rctx", 3, 7, 3, 4, true, "+predres"),
    s(Cpp, "rctx", 3, 7, 3, 7, true, "+predres"),
    s(Dc, "cgdsw", 0, 7, 10, 6, true, "+mte"),
    s(Dc, "cgdvac", 3, 7, 10, 5, true, "+mte"),
    s(Dc, "cgdvadp", 3, 7, 13, 5, true, "+mte"),
    s(Dc, "cgdvap", 3, 7, 12, 5, true, "+mte"),
    s(Dc, "cgsw", 0, 7, 10, 4, true, "+mte"),
    s(Dc, "cgvac", 3, 7, 10, 3, true, "+mte"),
    s(Dc, "cgvadp", 3, 7, 13, 3, true, "+mte"),
    s(Dc, "cgvap", 3, 7, 12, 3, true, "+mte"),
    s(Dc, "cigdsw", 0, 7, 14, 6, true, "+mte"),
    s(Dc, "cigdvac", 3, 7, 14, 5, true, "+mte"),
    s(Dc, "cigsw", 0, 7, 14, 4, true, "+mte"),
    s(Dc, "cigvac", 3, 7, 14, 3, true, "+mte"),
    s(Dc, "cisw", 0, 7, 14, 2, true, ""),
    s(Dc, "civac", 3, 7, 14, 1, true, ""),
    s(Dc, "csw", 0, 7, 10, 2, true, ""),
    s(Dc, "cvac", 3, 7, 10, 1, true, ""),
    s(Dc, "cvadp", 3, 7, 13, 1, true, "+ccdp"),
    s(Dc, "cvap", 3, 7, 12, 1, true, "+ccpp"),
    s(Dc, "cvau", 3, 7, 11, 1, true, ""),
    s(Dc, "gva", 3, 7, 4, 3, true, "+mte"),
    s(Dc, "gzva", 3, 7, 4, 4, true, "+mte"),
    s(Dc, "igdsw", 0, 7, 6, 6, true, "+mte"),
    s(Dc, "igdvac", 0, 7, 6, 5, true, "+mte"),
    s(Dc, "igsw", 0, 7, 6, 4, true, "+mte"),
    s(Dc, "igvac", 0, 7, 6, 3, true, "+mte"),
    s(Dc, "isw", 0, 7, 6, 2, true, ""),
    s(Dc, "ivac", 0, 7, 6, 1, true, ""),
    s(Dc, "zva", 3, 7, 4, 1, true, ""),
    s(Dvp, "rctx", 3, 7, 3, 5, true, "+predres"),
    s(Ic, "iallu", 0, 7, 5, 0, false, ""),
    s(Ic, "ialluis", 0, 7, 1, 0, false, ""),
    s(Ic, "ivau", 3, 7, 5, 1, true, ""),
    s(Tlbi, "alle1", 4, 8, 7, 4, false, ""),
    s(Tlbi, "alle1is", 4, 8, 3, 4, false, ""),
    s(Tlbi, "alle1isnxs", 4, 9, 3, 4, false, "+xs"),
    s(Tlbi, "alle1nxs", 4, 9, 7, 4, false, "+xs"),
    s(Tlbi, "alle1os", 4, 8, 1, 4, false, "+tlb-rmi"),
    s(Tlbi, "alle1osnxs", 4, 9, 1, 4, false, "+v8.7a"),
    s(Tlbi, "alle2", 4, 8, 7, 0, false, ""),
    s(Tlbi, "alle2is", 4, 8, 3, 0, false, ""),
    s(Tlbi, "alle2isnxs", 4, 9, 3, 0, false, "+xs"),
    s(Tlbi, "alle2nxs", 4, 9, 7, 0, false, "+xs"),
    s(Tlbi, "alle2os", 4, 8, 1, 0, false, "+tlb-rmi"),
    s(Tlbi, "alle2osnxs", 4, 9, 1, 0, false, "+v8.7a"),
    s(Tlbi, "alle3", 6, 8, 7, 0, false, ""),
    s(Tlbi, "alle3is", 6, 8, 3, 0, false, ""),
    s(Tlbi, "alle3isnxs", 6, 9, 3, 0, false, "+xs"),
    s(Tlbi, "alle3nxs", 6, 9, 7, 0, false, "+xs"),
    s(Tlbi, "alle3os", 6, 8, 1, 0, false, "+tlb-rmi"),
    s(Tlbi, "alle3osnxs", 6, 9, 1, 0, false, "+v8.7a"),
    s(Tlbi, "aside1", 0, 8, 7, 2, true, ""),
    s(Tlbi, "aside1is", 0, 8, 3, 2, true, ""),
    s(Tlbi, "aside1isnxs", 0, 9, 3, 2, true, "+xs"),
    s(Tlbi, "aside1nxs", 0, 9, 7, 2, true, "+xs"),
    s(Tlbi, "aside1os", 0, 8, 1, 2, true, "+tlb-rmi"),
    s(Tlbi, "aside1osnxs", 0, 9, 1, 2, true, "+v8.7a"),
    s(Tlbi, "ipas2e1", 4, 8, 4, 1, true, ""),
    s(Tlbi, "ipas2e1is", 4, 8, 0, 1, true, ""),
    s(Tlbi, "ipas2e1isnxs", 4, 9, 0, 1, true, "+xs"),
    s(Tlbi, "ipas2e1nxs", 4, 9, 4, 1, true, "+xs"),
    s(Tlbi, "ipas2e1os", 4, 8, 4, 0, true, "+tlb-rmi"),
    s(Tlbi, "ipas2e1osnxs", 4, 9, 4, 0, true, "+v8.7a"),
    s(Tlbi, "ipas2le1", 4, 8, 4, 5, true, ""),
    s(Tlbi, "ipas2le1is", 4, 8, 0, 5, true, ""),
    s(Tlbi, "ipas2le1isnxs", 4, 9, 0, 5, true, "+xs"),
    s(Tlbi, "ipas2le1nxs", 4, 9, 4, 5, true, "+xs"),
    s(Tlbi, "ipas2le1os", 4, 8, 4, 4, true, "+tlb-rmi"),
    s(Tlbi, "ipas2le1osnxs", 4, 9, 4, 4, true, "+v8.7a"),
    s(Tlbi, "paall", 6, 8, 7, 4, false, "+rme"),
    s(Tlbi, "paallnxs", 6, 9, 7, 4, false, "+rme,+xs"),
    s(Tlbi, "paallos", 6, 8, 1, 4, false, "+rme"),
    s(Tlbi, "paallosnxs", 6, 9, 1, 4, false, "+rme,+xs"),
    s(Tlbi, "ripas2e1", 4, 8, 4, 2, true, "+tlb-rmi"),
    s(Tlbi, "ripas2e1is", 4, 8, 0, 2, true, "+tlb-rmi"),
    s(Tlbi, "ripas2e1isnxs", 4, 9, 0, 2, true, "+v8.7a"),
    s(Tlbi, "ripas2e1nxs", 4, 9, 4, 2, true, "+v8.7a"),
    s(Tlbi, "ripas2e1os", 4, 8, 4, 3, true, "+tlb-rmi"),
    s(Tlbi, "ripas2e1osnxs", 4, 9, 4, 3, true, "+v8.7a"),
    s(Tlbi, "ripas2le1", 4, 8, 4, 6, true, "+tlb-rmi"),
    s(Tlbi, "ripas2le1is", 4, 8, 0, 6, true, "+tlb-rmi"),
    s(Tlbi, "ripas2le1isnxs", 4, 9, 0, 6, true, "+v8.7a"),
    s(Tlbi, "ripas2le1nxs", 4, 9, 4, 6, true, "+v8.7a"),
    s(Tlbi, "ripas2le1os", 4, 8, 4, 7, true, "+tlb-rmi"),
    s(Tlbi, "ripas2le1osnxs", 4, 9, 4, 7, true, "+v8.7a"),
    s(Tlbi, "rpalos", 6, 8, 4, 7, true, "+rme"),
    s(Tlbi, "rpalosnxs", 6, 9, 4, 7, true, "+rme,+xs"),
    s(Tlbi, "rpaos", 6, 8, 4, 3, true, "+rme"),
    s(Tlbi, "rpaosnxs", 6, 9, 4, 3, true, "+rme,+xs"),
    s(Tlbi, "rvaae1", 0, 8, 6, 3, true, "+tlb-rmi"),
    s(Tlbi, "rvaae1is", 0, 8, 2, 3, true, "+tlb-rmi"),
    s(Tlbi, "rvaae1isnxs", 0, 9, 2, 3, true, "+v8.7a"),
    s(Tlbi, "rvaae1nxs", 0, 9, 6, 3, true, "+v8.7a"),
    s(Tlbi, "rvaae1os", 0, 8, 5, 3, true, "+tlb-rmi"),
    s(Tlbi, "rvaae1osnxs", 0, 9, 5, 3, true, "+v8.7a"),
    s(Tlbi, "rvaale1", 0, 8, 6, 7, true, "+tlb-rmi"),
    s(Tlbi, "rvaale1is", 0, 8, 2, 7, true, "+tlb-rmi"),
    s(Tlbi, "rvaale1isnxs", 0, 9, 2, 7, true, "+v8.7a"),
    s(Tlbi, "rvaale1nxs", 0, 9, 6, 7, true, "+v8.7a"),
    s(Tlbi, "rvaale1os", 0, 8, 5, 7, true, "+tlb-rmi"),
    s(Tlbi, "rvaale1osnxs", 0, 9, 5, 7, true, "+v8.7a"),
    s(Tlbi, "rvae1", 0, 8, 6, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae1is", 0, 8, 2, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae1isnxs", 0, 9, 2, 1, true, "+v8.7a"),
    s(Tlbi, "rvae1nxs", 0, 9, 6, 1, true, "+v8.7a"),
    s(Tlbi, "rvae1os", 0, 8, 5, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae1osnxs", 0, 9, 5, 1, true, "+v8.7a"),
    s(Tlbi, "rvae2", 4, 8, 6, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae2is", 4, 8, 2, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae2isnxs", 4, 9, 2, 1, true, "+v8.7a"),
    s(Tlbi, "rvae2nxs", 4, 9, 6, 1, true, "+v8.7a"),
    s(Tlbi, "rvae2os", 4, 8, 5, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae2osnxs", 4, 9, 5, 1, true, "+v8.7a"),
    s(Tlbi, "rvae3", 6, 8, 6, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae3is", 6, 8, 2, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae3isnxs", 6, 9, 2, 1, true, "+v8.7a"),
    s(Tlbi, "rvae3nxs", 6, 9, 6, 1, true, "+v8.7a"),
    s(Tlbi, "rvae3os", 6, 8, 5, 1, true, "+tlb-rmi"),
    s(Tlbi, "rvae3osnxs", 6, 9, 5, 1, true, "+v8.7a"),
    s(Tlbi, "rvale1", 0, 8, 6, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale1is", 0, 8, 2, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale1isnxs", 0, 9, 2, 5, true, "+v8.7a"),
    s(Tlbi, "rvale1nxs", 0, 9, 6, 5, true, "+v8.7a"),
    s(Tlbi, "rvale1os", 0, 8, 5, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale1osnxs", 0, 9, 5, 5, true, "+v8.7a"),
    s(Tlbi, "rvale2", 4, 8, 6, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale2is", 4, 8, 2, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale2isnxs", 4, 9, 2, 5, true, "+v8.7a"),
    s(Tlbi, "rvale2nxs", 4, 9, 6, 5, true, "+v8.7a"),
    s(Tlbi, "rvale2os", 4, 8, 5, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale2osnxs", 4, 9, 5, 5, true, "+v8.7a"),
    s(Tlbi, "rvale3", 6, 8, 6, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale3is", 6, 8, 2, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale3isnxs", 6, 9, 2, 5, true, "+v8.7a"),
    s(Tlbi, "rvale3nxs", 6, 9, 6, 5, true, "+v8.7a"),
    s(Tlbi, "rvale3os", 6, 8, 5, 5, true, "+tlb-rmi"),
    s(Tlbi, "rvale3osnxs", 6, 9, 5, 5, true, "+v8.7a"),
    s(Tlbi, "vaae1", 0, 8, 7, 3, true, ""),
    s(Tlbi, "vaae1is", 0, 8, 3, 3, true, ""),
    s(Tlbi, "vaae1isnxs", 0, 9, 3, 3, true, "+xs"),
    s(Tlbi, "vaae1nxs", 0, 9, 7, 3, true, "+xs"),
    s(Tlbi, "vaae1os", 0, 8, 1, 3, true, "+tlb-rmi"),
    s(Tlbi, "vaae1osnxs", 0, 9, 1, 3, true, "+v8.7a"),
    s(Tlbi, "vaale1", 0, 8, 7, 7, true, ""),
    s(Tlbi, "vaale1is", 0, 8, 3, 7, true, ""),
    s(Tlbi, "vaale1isnxs", 0, 9, 3, 7, true, "+xs"),
    s(Tlbi, "vaale1nxs", 0, 9, 7, 7, true, "+xs"),
    s(Tlbi, "vaale1os", 0, 8, 1, 7, true, "+tlb-rmi"),
    s(Tlbi, "vaale1osnxs", 0, 9, 1, 7, true, "+v8.7a"),
    s(Tlbi, "vae1", 0, 8, 7, 1, true, ""),
    s(Tlbi, "vae1is", 0, 8, 3, 1, true, ""),
    s(Tlbi, "vae1isnxs", 0, 9, 3, 1, true, "+xs"),
    s(Tlbi, "vae1nxs", 0, 9, 7, 1, true, "+xs"),
    s(Tlbi, "vae1os", 0, 8, 1, 1, true, "+tlb-rmi"),
    s(Tlbi, "vae1osnxs", 0, 9, 1, 1, true, "+v8.7a"),
    s(Tlbi, "vae2", 4, 8, 7, 1, true, ""),
    s(Tlbi, "vae2is", 4, 8, 3, 1, true, ""),
    s(Tlbi, "vae2isnxs", 4, 9, 3, 1, true, "+xs"),
    s(Tlbi, "vae2nxs", 4, 9, 7, 1, true, "+xs"),
    s(Tlbi, "vae2os", 4, 8, 1, 1, true, "+tlb-rmi"),
    s(Tlbi, "vae2osnxs", 4, 9, 1, 1, true, "+v8.7a"),
    s(Tlbi, "vae3", 6, 8, 7, 1, true, ""),
    s(Tlbi, "vae3is", 6, 8, 3, 1, true, ""),
    s(Tlbi, "vae3isnxs", 6, 9, 3, 1, true, "+xs"),
    s(Tlbi, "vae3nxs", 6, 9, 7, 1, true, "+xs"),
    s(Tlbi, "vae3os", 6, 8, 1, 1, true, "+tlb-rmi"),
    s(Tlbi, "vae3osnxs", 6, 9, 1, 1, true, "+v8.7a"),
    s(Tlbi, "vale1", 0, 8, 7, 5, true, ""),
    s(Tlbi, "vale1is", 0, 8, 3, 5, true, ""),
    s(Tlbi, "vale1isnxs", 0, 9, 3, 5, true, "+xs"),
    s(Tlbi, "vale1nxs", 0, 9, 7, 5, true, "+xs"),
    s(Tlbi, "vale1os", 0, 8, 1, 5, true, "+tlb-rmi"),
    s(Tlbi, "vale1osnxs", 0, 9, 1, 5, true, "+v8.7a"),
    s(Tlbi, "vale2", 4, 8, 7, 5, true, ""),
    s(Tlbi, "vale2is", 4, 8, 3, 5, true, ""),
    s(Tlbi, "vale2isnxs", 4, 9, 3, 5, true, "+xs"),
    s(Tlbi, "vale2nxs", 4, 9, 7, 5, true, "+xs"),
    s(Tlbi, "vale2os", 4, 8, 1, 5, true, "+tlb-rmi"),
    s(Tlbi, "vale2osnxs", 4, 9, 1, 5, true, "+v8.7a"),
    s(Tlbi, "vale3", 6, 8, 7, 5, true, ""),
    s(Tlbi, "vale3is", 6, 8, 3, 5, true, ""),
    s(Tlbi, "vale3isnxs", 6, 9, 3, 5, true, "+xs"),
    s(Tlbi, "vale3nxs", 6, 9, 7, 5, true, "+xs"),
    s(Tlbi, "vale3os", 6, 8, 1, 5, true, "+tlb-rmi"),
    s(Tlbi, "vale3osnxs", 6, 9, 1, 5, true, "+v8.7a"),
    s(Tlbi, "vmalle1", 0, 8, 7, 0, false, ""),
    s(Tlbi, "vmalle1is", 0, 8, 3, 0, false, ""),
    s(Tlbi, "vmalle1isnxs", 0, 9, 3, 0, false, "+xs"),
    s(Tlbi, "vmalle1nxs", 0, 9, 7, 0, false, "+xs"),
    s(Tlbi, "vmalle1os", 0, 8, 1, 0, false, "+tlb-rmi"),
    s(Tlbi, "vmalle1osnxs", 0, 9, 1, 0, false, "+v8.7a"),
    s(Tlbi, "vmalls12e1", 4, 8, 7, 6, false, ""),
    s(Tlbi, "vmalls12e1is", 4, 8, 3, 6, false, ""),
    s(Tlbi, "vmalls12e1isnxs", 4, 9, 3, 6, false, "+xs"),
    s(Tlbi, "vmalls12e1nxs", 4, 9, 7, 6, false, "+xs"),
    s(Tlbi, "vmalls12e1os", 4, 8, 1, 6, false, "+tlb-rmi"),
    s(Tlbi, "vmalls12e1osnxs", 4, 9, 1, 6, false, "+v8.7a"),
];

/// Finds a SYS-alias operation by mnemonic and name (name ASCII case-insensitive).
pub fn sys_alias(op: SysOp, name: &str) -> Option<&'static SysAlias> {
    SYS_ALIASES
        .binary_search_by(|e| {
            e.op.cmp(&op).then_with(|| {
                e.name
                    .bytes()
                    .cmp(name.bytes().map(|c| c.to_ascii_lowercase()))
            })
        })
        .ok()
        .map(|i| &SYS_ALIASES[i])
}

/// Parses a decimal immediate (no sign) not above `max`.
fn imm(s: &str, max: u8) -> Option<u8> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<u8>().ok().filter(|&v| v <= max)
}
