//! Names of system operands: system registers, PSTATE fields, prefetch operations, hints, and
//! the accesses that take a bare base register.

/// A system register's encoding (Arm ARM D17, the System register index).
pub struct SysReg {
    pub op0: u8,
    pub op1: u8,
    pub crn: u8,
    pub crm: u8,
    pub op2: u8,
    pub readable: bool,
    pub writable: bool,
}

/// A PSTATE field for `msr <field>, #imm`: the instruction word without the immediate, and the
/// largest immediate.
pub struct PState {
    pub word: u32,
    pub max: u32,
}

pub fn sysreg(name: &str) -> Option<SysReg> {
    let _ = name;
    None
}

pub fn pstate(name: &str) -> Option<PState> {
    let _ = name;
    None
}

pub fn prfop(name: &str) -> Option<u8> {
    let _ = name;
    None
}

/// The word of a hint-space instruction without operands that dynasm does not know.
pub fn hint(name: &str) -> Option<u32> {
    match name {
        "dgh" => Some(0xD503_20DF),
        _ => None,
    }
}

/// Whether `mnemonic` takes only `[Xn|SP]` (exclusive, acquire/release and atomic accesses),
/// where the Arm ARM also allows an explicit `#0`.
pub fn zero_offset_only(mnemonic: &str) -> bool {
    let _ = mnemonic;
    false
}

/// Whether `mnemonic` has a by-element form whose half-word `Vm` is a 4-bit field (v0..=v15):
/// the multiplies and multiply-accumulates "by element" of the Advanced SIMD encoding index.
pub fn by_element(mnemonic: &str) -> bool {
    matches!(
        mnemonic,
        "fmla"
            | "fmlal"
            | "fmlal2"
            | "fmls"
            | "fmlsl"
            | "fmlsl2"
            | "fmul"
            | "fmulx"
            | "mla"
            | "mls"
            | "mul"
            | "smlal"
            | "smlal2"
            | "smlsl"
            | "smlsl2"
            | "smull"
            | "smull2"
            | "sqdmlal"
            | "sqdmlal2"
            | "sqdmlsl"
            | "sqdmlsl2"
            | "sqdmulh"
            | "sqdmull"
            | "sqdmull2"
            | "sqrdmlah"
            | "sqrdmlsh"
            | "sqrdmulh"
            | "umlal"
            | "umlal2"
            | "umlsl"
            | "umlsl2"
            | "umull"
            | "umull2"
    )
}
