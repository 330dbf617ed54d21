//! Names of system operands, with their encodings: system registers (`sysreg.rs`), PSTATE
//! fields (`pstate.rs`), prefetch, barrier and hint operations and the SYS aliases (`ops.rs`).
//! `llvm_check.rs` assembles every entry with llvm-mc and compares the words.
//!
//! The functions here answer the rewriter's questions: each returns an instruction word with
//! the register field (bits 4:0) clear, or why the name is refused.

// The tables keep the `-mattr` feature each entry needs, which only the llvm-mc tests read.
#![cfg_attr(not(test), allow(dead_code))]

pub mod ops;
pub mod pstate;
pub mod sysreg;

#[cfg(test)]
mod llvm_check;

/// `mrs Xt, <name>` (read) or `msr <name>, Xt` (write): the word without `Xt`.
pub fn system_register(name: &str, read: bool) -> Result<u32, String> {
    let fields = if read {
        sysreg::for_mrs(name)
    } else {
        sysreg::for_msr(name)
    };
    match (fields, sysreg::lookup(name)) {
        (Some(f), _) if read => Ok(sysreg::encode_mrs(0, f)),
        (Some(f), _) => Ok(sysreg::encode_msr(f, 0)),
        (None, Some(_)) if read => Err(format!("`{name}` is write-only: mrs cannot read it")),
        (None, Some(_)) => Err(format!("`{name}` is read-only: msr cannot write it")),
        (None, None) => Err(format!(
            "`{name}` is not a system register name (see the Arm ARM's System register index), \
             nor the generic form s<op0>_<op1>_c<n>_c<m>_<op2>"
        )),
    }
}

/// `msr <field>, #imm`: the word for immediate 0, and the largest immediate.
pub fn pstate(name: &str) -> Option<(u32, u32)> {
    let field = pstate::lookup(name)?;
    Some((field.encode(0)?, u32::from(field.max_imm)))
}

/// A prefetch operation's number, by name (`pldl1keep` is 0).
pub fn prfop(name: &str) -> Option<u8> {
    ops::prefetch_op(name)
}

/// The word of a system instruction written as a mnemonic and names only (`dgh`, `sb`,
/// `bti c`, `psb csync`, `dmb ishld`, `dsb nshnxs`, `isb sy`), if it is one.
pub fn named_system_instruction(mnemonic: &str, operand: Option<&str>) -> Option<u32> {
    match (mnemonic, operand) {
        ("bti", target) => ops::bti_target(target.unwrap_or("")).map(ops::encode_hint),
        ("psb" | "tsb", Some(op)) if op.eq_ignore_ascii_case("csync") => ops::CSYNC_HINTS
            .iter()
            .find(|e| e.0 == mnemonic)
            .map(|e| ops::encode_hint(e.1)),
        ("dmb", Some(op)) => ops::barrier_option(op).map(ops::encode_dmb),
        ("dsb", Some(op)) => ops::barrier_option(op)
            .map(ops::encode_dsb)
            .or_else(|| ops::dsb_nxs_option(op).and_then(ops::encode_dsb_nxs)),
        ("isb", Some(op)) if op.eq_ignore_ascii_case("sy") => Some(ops::encode_isb(15)),
        (m, None) => ops::hint(m)
            .map(ops::encode_hint)
            .or_else(|| ops::FIXED.iter().find(|e| e.0 == m).map(|e| e.1)),
        _ => None,
    }
}

/// A SYS alias (`dc civac, Xt`, `ic iallu`, `at s1e1r, Xt`, `tlbi vmalle1`, `cfp rctx, Xt`):
/// the word without `Xt`, and whether it takes `Xt`. `None` if `mnemonic` is not a SYS alias;
/// `Some(Err)` for an unknown operation.
pub fn sys_alias(mnemonic: &str, name: &str) -> Option<Result<(u32, bool), String>> {
    use ops::SysOp::*;
    let op = match mnemonic {
        "at" => At,
        "dc" => Dc,
        "ic" => Ic,
        "tlbi" => Tlbi,
        "cfp" => Cfp,
        "dvp" => Dvp,
        "cpp" => Cpp,
        _ => return None,
    };
    Some(match ops::sys_alias(op, name) {
        Some(a) => Ok((
            ops::encode_sys(a.op1, a.crn, a.crm, a.op2, 0),
            a.takes_register,
        )),
        None => Err(format!(
            "`{mnemonic} {name}` is not a known {mnemonic} operation"
        )),
    })
}

/// Whether `mnemonic` takes only `[Xn|SP]` (exclusive, acquire/release and atomic accesses),
/// where the Arm ARM also allows an explicit `#0`.
pub fn zero_offset_only(mnemonic: &str) -> bool {
    const EXACT: &[&str] = &[
        "ldxr", "ldxrb", "ldxrh", "ldxp", "stxr", "stxrb", "stxrh", "stxp", "ldaxr", "ldaxrb",
        "ldaxrh", "ldaxp", "stlxr", "stlxrb", "stlxrh", "stlxp", "ldar", "ldarb", "ldarh", "stlr",
        "stlrb", "stlrh", "ldlar", "ldlarb", "ldlarh", "stllr", "stllrb", "stllrh", "ldapr",
        "ldaprb", "ldaprh",
    ];
    const ATOMIC_PREFIXES: &[&str] = &[
        "cas", "swp", "ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin",
        "stadd", "stclr", "steor", "stset", "stsmax", "stsmin", "stumax", "stumin",
    ];
    EXACT.contains(&mnemonic) || ATOMIC_PREFIXES.iter().any(|p| mnemonic.starts_with(p))
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
