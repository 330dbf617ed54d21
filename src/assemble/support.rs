//! What the `a64!` and `dynasm!` expansions call: running a checked block, turning a failed
//! check or an encoder panic into an [`Error`] that names the statement, and the self-encoded
//! forms (`encode.rs`). Public only for the expansion; not part of the API.

use std::cell::Cell;

pub use dynasm::dynasm;
pub use dynasmrt::{DynasmApi, DynasmLabelApi};

pub use super::encode::{
    at_compile_time, bitfield_move, bitfield_width, logical_immediate, mov_immediate, prefetch,
    pstate, Reject,
};
use super::guard;
use crate::{Assembler, Error, Instruction};

/// A failed check, before it is tied to its statement.
#[derive(Debug, PartialEq, Eq)]
pub enum Fault {
    /// A register number its field cannot hold.
    Register {
        /// The number.
        reg: u8,
        /// What the field accepts.
        allowed: &'static str,
    },
    /// An immediate its field cannot hold.
    Immediate {
        /// The value, as written in decimal.
        value: String,
        /// What the field accepts.
        allowed: &'static str,
    },
}

impl From<Reject> for Fault {
    fn from(r: Reject) -> Fault {
        Fault::Immediate {
            value: r.value.to_string(),
            allowed: r.allowed,
        }
    }
}

impl Fault {
    fn into_error(self, statement: &str) -> Error {
        match self {
            Fault::Register { reg, allowed } => Error::Register {
                reg,
                statement: statement.to_owned(),
                allowed,
            },
            Fault::Immediate { value, allowed } => Error::Immediate {
                value,
                statement: statement.to_owned(),
                allowed,
            },
        }
    }
}

/// A dynamic register's range check: at most `max`, and even when `even` is set.
#[inline]
pub fn register(reg: u8, max: u8, even: bool, allowed: &'static str) -> Result<(), Fault> {
    if reg > max || (even && !reg.is_multiple_of(2)) {
        return Err(Fault::Register { reg, allowed });
    }
    Ok(())
}

/// Runs a checked block: `f` checks and encodes statement after statement, setting its index in
/// `at` first, so that a failure names `sources[at]`. A panic of dynasm's encoder inside `f` is
/// caught and reported like a failed check (see `guard.rs`).
#[inline]
pub fn run<F>(asm: &mut Assembler, sources: &'static [&'static str], f: F) -> Result<(), Error>
where
    F: FnOnce(&mut Assembler, &Cell<usize>) -> Result<(), Fault>,
{
    let at = Cell::new(0);
    let statement = |at: usize| sources.get(at).copied().unwrap_or("");
    match guard::guarded(|| f(asm, &at)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(fault)) => Err(fault.into_error(statement(at.get()))),
        Err(value) => {
            let s = statement(at.get());
            Err(Error::Immediate {
                value,
                statement: s.to_owned(),
                allowed: super::ranges::allowed_for(s),
            })
        }
    }
}

/// The end of an `a64!` block: its error, or its instructions with labels resolved. The
/// assembler is borrowed, not moved: it is large, and moving it costs more than assembling a
/// short block.
#[inline]
pub fn finish(asm: &mut Assembler, result: Result<(), Error>) -> Result<Vec<Instruction>, Error> {
    result?;
    asm.take_instructions()
}

/// The end of a `dynasm!` block on an assembler: an error is kept for `emit` and `finish`.
#[inline]
pub fn record(asm: &mut Assembler, result: Result<(), Error>) {
    if let Err(e) = result {
        asm.keep_error(e);
    }
}

/// How `dynasm!(target ; ...)` reaches the [`Assembler`] behind `target`, whether it is an
/// `Assembler` or a `&mut Assembler`.
pub trait AsAssembler {
    /// The assembler.
    fn __jitkit_assembler(&mut self) -> &mut Assembler;
}

impl AsAssembler for Assembler {
    #[inline]
    fn __jitkit_assembler(&mut self) -> &mut Assembler {
        self
    }
}
