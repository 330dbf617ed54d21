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
//! ## Dependencies of the macro expansion
//! dynasm's expansion refers to the crate `::dynasmrt` by name, so a crate that uses [`a64!`]
//! or [`dynasm!`] must list `dynasmrt` (the same version jitkit uses) among its own
//! dependencies.

mod assemble;
mod buffer;
mod error;
mod instruction;
mod memory;

pub use assemble::{Assembled, Assembler, CallTable};
pub use buffer::{CodeBuffer, ExecPtr};
pub use error::{Error, LabelError, OffsetRange};
pub use instruction::{Instruction, InstructionKind};
pub use memory::pool::{CodePool, PoolBuilder, PoolStats, Strategy};

/// dynasm's macro, for `dynasm!(asm ; .arch aarch64 ; ...)` on an [`Assembler`].
pub use dynasm::dynasm;
/// dynasmrt's types that [`Assembler`] users meet: labels and the traits `dynasm!` calls.
pub use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi};

#[doc(hidden)]
pub use assemble::__private;

/// Assembles dynasm aarch64 syntax into `Result<Vec<Instruction>, Error>`.
///
/// The body is exactly what follows `.arch aarch64` in a `dynasm!` call: statements each
/// starting with `;`, dynamic operands as Rust expressions. Local (`name:`, `>name`, `<name`) and
/// global (`->name:`) labels resolve inside the block. Dynamic labels are declared in a header,
/// `let a, b;`, before the first statement:
///
/// ```
/// use jitkit::a64;
/// let n: u64 = 10;
/// let code = a64! {
///     let top, done;
///     ; mov x0, xzr
///     ; mov x1, #n
///     ; =>top
///     ; cbz x1, =>done
///     ; add x0, x0, x1
///     ; sub x1, x1, #1
///     ; b =>top
///     ; =>done
///     ; ret
/// }?;
/// assert_eq!(code.len(), 7);
/// # Ok::<(), jitkit::Error>(())
/// ```
///
/// Errors, never panics, for bad input:
/// - an undefined or duplicate label, or a branch out of range: [`Error::Label`];
/// - a dynamic immediate that does not fit its field: [`Error::Immediate`], with the value, the
///   statement and what the instruction accepts.
///
/// ```
/// use jitkit::{a64, Error};
/// let big: u32 = 70_000;
/// let err = a64!(; add x0, x0, #big).unwrap_err();
/// assert!(matches!(err, Error::Immediate { ref value, .. } if value == "70000"));
/// assert!(matches!(a64!(; b ->nowhere), Err(Error::Label(_))));
/// ```
///
/// dynasm reports such immediates by panicking; `a64!` catches exactly that panic, without
/// letting it print (see [`Assembler::emit`]). This needs `panic = "unwind"` (the default); a
/// panic hook the program installs after jitkit's first use will print the message, though the
/// error is still returned. Statically known immediates are checked by dynasm at compile time.
#[macro_export]
macro_rules! a64 {
    (let $($label:ident),+ ; $($body:tt)*) => {
        $crate::__private::assemble(::core::stringify!($($body)*), &[$(::core::stringify!($label)),+], |__jitkit_asm: &mut $crate::Assembler| {
            #[allow(unused_imports)]
            use $crate::__private::{DynasmApi as _, DynasmLabelApi as _};
            $(
                #[allow(unused_variables)]
                let $label = __jitkit_asm.new_dynamic_label();
            )+
            $crate::__private::dynasm!(__jitkit_asm ; .arch aarch64 $($body)*);
        })
    };
    ($($body:tt)*) => {
        $crate::__private::assemble(::core::stringify!($($body)*), &[], |__jitkit_asm: &mut $crate::Assembler| {
            #[allow(unused_imports)]
            use $crate::__private::{DynasmApi as _, DynasmLabelApi as _};
            $crate::__private::dynasm!(__jitkit_asm ; .arch aarch64 $($body)*);
        })
    };
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
