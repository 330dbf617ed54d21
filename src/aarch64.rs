//! The AArch64 types [`Assembler`](crate::Assembler)'s code-generator helpers take.
//!
//! Register number 31 is `sp` or `xzr` depending on the instruction field it lands in, so the
//! helpers take dynasmrt's typed registers, which tell the two apart: [`RX`] is `x0`–`x30` or
//! `xzr` (a value read or written), [`RXSP`] is `x0`–`x30` or `sp` (a base address, or an
//! `add`/`sub` operand). A register of the wrong kind is a compile error, never a run-time
//! [`Error::Register`](crate::Error::Register) or the other register silently:
//!
//! ```compile_fail
//! use jitkit::aarch64::RXSP;
//! jitkit::Assembler::new().load_imm64(RXSP::SP, 1); // sp cannot hold a constant
//! ```
//!
//! ```compile_fail
//! use jitkit::aarch64::RX;
//! let _ = jitkit::Assembler::new().add_offset(RX::XZR, RX::X0, 8); // add reads 31 as sp
//! ```
//!
//! The same types work as dynamic registers in [`dynasm!`](crate::dynasm) (`X(r)`, `XSP(r)`,
//! `V(r)`), which converts them to their numbers. They are dynasmrt's own
//! (`dynasmrt::aarch64::RX` is the same type as `jitkit::aarch64::RX`), re-exported here so
//! that a crate using only the helpers needs no path into dynasmrt.
//!
//! [`as_rxsp`] and [`as_rx`] convert between the two kinds where a register is both (`x0`–`x30`).
//!
//! [`CalleeSaved`] and [`Frame`] describe the frames [`Assembler::prologue`](crate::Assembler::prologue)
//! builds; the rules they follow are explained with them.

pub use crate::assemble::frame::{CalleeSaved, Frame};
pub use dynasmrt::aarch64::{RV, RX, RXSP};

/// `r` as a base or `add` operand: `Some` for `x0`–`x30`, `None` for `xzr` (register 31 there
/// is `sp`).
///
/// ```
/// use jitkit::aarch64::{as_rxsp, RX, RXSP};
/// assert_eq!(as_rxsp(RX::X7), Some(RXSP::X7));
/// assert_eq!(as_rxsp(RX::XZR), None);
/// ```
pub const fn as_rxsp(r: RX) -> Option<RXSP> {
    match r {
        RX::XZR => None,
        _ => Some(RXSP_BY_NUMBER[r as usize]),
    }
}

/// `r` as a value register: `Some` for `x0`–`x30`, `None` for `sp` (register 31 there is
/// `xzr`).
///
/// ```
/// use jitkit::aarch64::{as_rx, RX, RXSP};
/// assert_eq!(as_rx(RXSP::X29), Some(RX::X29));
/// assert_eq!(as_rx(RXSP::SP), None);
/// ```
pub const fn as_rx(r: RXSP) -> Option<RX> {
    match r {
        RXSP::SP => None,
        _ => Some(RX_BY_NUMBER[r as usize]),
    }
}

const RX_BY_NUMBER: [RX; 31] = [
    RX::X0,
    RX::X1,
    RX::X2,
    RX::X3,
    RX::X4,
    RX::X5,
    RX::X6,
    RX::X7,
    RX::X8,
    RX::X9,
    RX::X10,
    RX::X11,
    RX::X12,
    RX::X13,
    RX::X14,
    RX::X15,
    RX::X16,
    RX::X17,
    RX::X18,
    RX::X19,
    RX::X20,
    RX::X21,
    RX::X22,
    RX::X23,
    RX::X24,
    RX::X25,
    RX::X26,
    RX::X27,
    RX::X28,
    RX::X29,
    RX::X30,
];

const RXSP_BY_NUMBER: [RXSP; 31] = [
    RXSP::X0,
    RXSP::X1,
    RXSP::X2,
    RXSP::X3,
    RXSP::X4,
    RXSP::X5,
    RXSP::X6,
    RXSP::X7,
    RXSP::X8,
    RXSP::X9,
    RXSP::X10,
    RXSP::X11,
    RXSP::X12,
    RXSP::X13,
    RXSP::X14,
    RXSP::X15,
    RXSP::X16,
    RXSP::X17,
    RXSP::X18,
    RXSP::X19,
    RXSP::X20,
    RXSP::X21,
    RXSP::X22,
    RXSP::X23,
    RXSP::X24,
    RXSP::X25,
    RXSP::X26,
    RXSP::X27,
    RXSP::X28,
    RXSP::X29,
    RXSP::X30,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_the_number_and_refuse_register_31() {
        for (&x, &xsp) in RX_BY_NUMBER.iter().zip(&RXSP_BY_NUMBER) {
            assert_eq!(u8::from(x), u8::from(xsp));
            assert_eq!(as_rxsp(x), Some(xsp));
            assert_eq!(as_rx(xsp), Some(x));
        }
        assert_eq!(
            RX_BY_NUMBER
                .iter()
                .map(|&r| u8::from(r))
                .collect::<Vec<_>>(),
            (0..31).collect::<Vec<u8>>()
        );
        assert_eq!((as_rxsp(RX::XZR), as_rx(RXSP::SP)), (None, None));
    }
}
