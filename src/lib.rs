//! # jitkit
//!
//! Write AArch64 machine code inline in Rust, in dynasm-rs's syntax, and run it.
//!
//! ```
//! use jitkit::{a64, CodeBuffer, Instruction};
//!
//! let k: u32 = 40;
//! let code: Vec<Instruction> = a64! {
//!     ; mov x2, #k as u64
//!     ; add x0, x0, x2
//!     ; ret
//! }?;
//!
//! let buf = CodeBuffer::new();
//! let entry = buf.commit(&code)?; // a second commit is Err(Error::AlreadyCommitted)
//! # #[cfg(target_arch = "aarch64")] {
//! let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
//! assert_eq!(f(2), 42);
//! # }
//! # Ok::<(), jitkit::Error>(())
//! ```
//!
//! ## The pieces
//! - [`a64!`] and [`Assembler`] turn dynasm's aarch64 syntax into [`Instruction`]s (one
//!   32-bit A64 encoding each), with labels resolved and errors as values.
//! - [`CodeBuffer::commit`] copies them once into fresh memory, synchronises the instruction
//!   cache, seals the memory read+execute and returns an [`ExecPtr`].
//! - [`ExecPtr`] is the executable-pointer contract: valid, executable and immutable for as long
//!   as its buffer lives; never writable and executable at once (W^X).
//! - [`CodePool`] is shared executable memory for many commits ([`CodeBuffer::in_pool`]):
//!   functions share pages, commits make no system call in the steady state, freed space is
//!   reused.
//! - [`Error`] is the one error type.
//!
//! Data flows one way: text → encodings → memory → pointer.
//!
//! ## Assembling
//!
//! [`a64!`] takes dynasm's aarch64 syntax and returns `Result<Vec<Instruction>, Error>`:
//!
//! ```
//! use jitkit::a64;
//! let n: u64 = 10;
//! let code = a64! {
//!     let top, done;
//!     ; mov x0, xzr
//!     ; mov x1, #n
//!     ; =>top
//!     ; cbz x1, =>done
//!     ; add x0, x0, x1
//!     ; sub x1, x1, #1
//!     ; b =>top
//!     ; =>done
//!     ; ret
//! }?;
//! assert_eq!(code.len(), 7);
//!
//! // Beyond dynasm 5.1: system registers and prefetch operations by name, register ranges,
//! // any encodable `mov` immediate.
//! let more = a64! {
//!     ; mrs x0, cntvct_el0
//!     ; ld1 {v0.b16 - v3.b16}, [x1]
//!     ; prfm pldl1keep, [x2, #64]
//!     ; mov x3, #0x5555_5555_5555_5555
//!     ; ret
//! }?;
//! assert_eq!(more[0].word(), 0xD53B_E040);
//! # Ok::<(), jitkit::Error>(())
//! ```
//!
//! Every dynamic operand is evaluated once, before anything is encoded; a panic in it is the
//! caller's own and propagates unchanged. Bad operands are errors, never panics, in debug and
//! release builds:
//! - a dynamic register outside its field ([`Error::Register`], naming the statement, the
//!   number and the registers the field takes);
//! - a dynamic immediate that does not fit, including an invalid bitmask, an unrepresentable
//!   float or a zero bitfield width ([`Error::Immediate`], naming the value, the statement and
//!   what the form accepts);
//! - an undefined or duplicate label, or a branch out of range ([`Error::Label`]).
//!
//! ```
//! use jitkit::{a64, Error};
//! let r: u8 = 40;
//! assert!(matches!(a64!(; add X(r), x0, x1), Err(Error::Register { reg: 40, .. })));
//! let big: u32 = 70_000;
//! let err = a64!(; add x0, x0, #big).unwrap_err();
//! assert!(matches!(err, Error::Immediate { ref value, .. } if value == "70000"));
//! assert!(matches!(a64!(; b ->nowhere), Err(Error::Label(_))));
//! ```
//!
//! A literal that its form cannot hold is a compile error, as it is in dynasm, also for the
//! forms jitkit encodes itself:
//!
//! ```compile_fail
//! let code = jitkit::a64!(; mov x0, #0x1234_5678); // two 16-bit pieces: not one instruction
//! ```
//!
//! dynasm reports an immediate that does not fit by panicking inside its encoder. jitkit runs the
//! encoder under `catch_unwind` and keeps that panic silent with a panic hook it installs once
//! (chained to the previous hook); a panic hook installed after jitkit's first use, or a first
//! use on a thread that is already panicking, lets the message print, though the error is still
//! returned. This needs `panic = "unwind"` (the default).
//!
//! ## Dependencies of the macro expansion
//! dynasm's expansion refers to the crate `::dynasmrt` by name, so a crate that uses [`a64!`]
//! or [`dynasm!`] must list `dynasmrt` (the same version jitkit uses) among its own
//! dependencies.

// The macros' expansion names `::jitkit`, which must resolve inside this crate too.
extern crate self as jitkit;

pub mod aarch64;
mod assemble;
mod buffer;
mod code;
mod env;
mod error;
mod fork_once;
mod instruction;
mod isa;
mod jitfn;
mod link;
mod memory;
pub mod observe;
mod offset;
pub mod x64;
// The tests' one random generator, shared with the integration tests.
#[cfg(test)]
#[path = "../tests/common/xorshift.rs"]
mod xorshift;

pub use assemble::{Assembled, Assembler, CallTable};
pub use buffer::{CodeBuffer, ExecPtr};
pub use code::Code;
pub use error::{Error, LabelError};
pub use instruction::Instruction;
pub use isa::Isa;
pub use jitfn::{FnPtr, JitFn};
pub use link::Relocation;
pub use memory::pool::{CodePool, PoolBuilder, PoolStats, Strategy};
pub use observe::{symbolize, Symbol};
pub use offset::{InstructionKind, OffsetRange};

/// dynasmrt's types that [`Assembler`] users meet: labels and the traits `dynasm!` calls.
pub use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi};
/// Assembles dynasm's aarch64 syntax into `Result<Vec<Instruction>, Error>`.
///
/// The body is what follows `.arch aarch64` in a `dynasm!` call: statements each starting with
/// `;`, dynamic operands as Rust expressions (`X(r)`, `#k`, `=>label`). Local (`name:`,
/// `>name`, `<name`) and global (`->name:`) labels resolve inside the block; dynamic labels are
/// declared in a header, `let a, b;`, before the first statement. The crate documentation's
/// section [Assembling](crate#assembling) has examples and the list of errors.
pub use jitkit_macros::a64;
/// `dynasm!(asm ; .arch aarch64 ; ...)` on an [`Assembler`], checked as [`a64!`] is.
///
/// Errors are kept by the assembler: [`Assembler::emit`] returns the error of the block it ran,
/// and [`Assembler::finish`] the first error of any block. Other architectures (and a block
/// without `.arch`, which dynasm reads as x64) go to dynasm's own macro unchanged.
pub use jitkit_macros::dynasm;
/// Assembles dynasm's x64 syntax into `Result<x64::Code, Error>`, with the checks of [`a64!`]:
/// dynamic registers in range for their place, operands evaluated once, errors as values.
///
/// ```
/// use jitkit::{x64, Error};
/// let r: u8 = 16;
/// assert!(matches!(x64!(; mov Rq(r), rax), Err(Error::Register { reg: 16, .. })));
/// let code = x64!(; mov rax, rdi ; add rax, 1 ; ret)?;
/// assert_eq!(code.len(), 8);
/// # Ok::<(), Error>(())
/// ```
pub use jitkit_macros::x64;

#[doc(hidden)]
pub use assemble::__private;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
