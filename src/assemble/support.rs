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

/// An x64 index register: 4 (`rsp`) in the SIB index field means "no index" (Intel SDM Vol. 2A,
/// table 2-3), so it cannot be one.
#[inline]
pub fn x64_index(reg: u8) -> Result<(), Fault> {
    if reg == 4 {
        return Err(Fault::Register {
            reg,
            allowed: "any register but 4 (rsp, which the SIB byte cannot encode as an index)",
        });
    }
    Ok(())
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
pub fn run<A, F>(asm: &mut A, sources: &'static [&'static str], f: F) -> Result<(), Error>
where
    F: FnOnce(&mut A, &Cell<usize>) -> Result<(), Fault>,
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

/// An assembler the macros write into.
pub trait Target {
    /// What a one-shot block (`a64!`, `x64!`) returns.
    type Output;

    /// The code so far, with labels resolved, or the first error.
    fn finish_block(&mut self) -> Result<Self::Output, Error>;

    /// Keeps an error for `emit` and `finish`.
    fn keep(&mut self, e: Error);

    /// How `dynasm!(target ; ...)` reaches the assembler behind `target`, whether it is the
    /// assembler or a `&mut` to it.
    fn __jitkit_assembler(&mut self) -> &mut Self {
        self
    }
}

impl Target for Assembler {
    type Output = Vec<Instruction>;

    #[inline]
    fn finish_block(&mut self) -> Result<Vec<Instruction>, Error> {
        // Bare instructions cannot carry references to link at commit.
        self.core.refuse_pending()?;
        self.take_instructions()
    }

    fn keep(&mut self, e: Error) {
        self.core.keep_error(e);
    }
}

/// The end of a one-shot block: its error, or its code with labels resolved. The assembler is
/// borrowed, not moved: it is large, and moving it costs more than assembling a short block.
#[inline]
pub fn finish<A: Target>(asm: &mut A, result: Result<(), Error>) -> Result<A::Output, Error> {
    result?;
    asm.finish_block()
}

/// The end of a `dynasm!` block on an assembler: an error is kept for `emit` and `finish`.
#[inline]
pub fn record<A: Target>(asm: &mut A, result: Result<(), Error>) {
    if let Err(e) = result {
        asm.keep(e);
    }
}
