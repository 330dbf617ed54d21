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
//! [`CalleeSaved`] and [`Frame`] describe the frames [`Assembler::prologue`](crate::Assembler::prologue)
//! builds; the rules they follow are explained with them.

pub use crate::assemble::frame::{CalleeSaved, Frame};
pub use dynasmrt::aarch64::{RV, RX, RXSP};
