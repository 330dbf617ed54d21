//! Linking at commit: references from code to absolute addresses, resolved once the code's own
//! address is known.
//!
//! dynasm's `extern` targets (`bl extern addr`, `adrp x0, extern addr`, `call extern addr`, ...)
//! name an absolute address, but a PC-relative instruction holds an offset from itself, which
//! depends on where the code lands. The assemblers record each such reference (a
//! [`Relocation`] for A64, an `x64::Fixup` for x86-64) and `CodeBuffer::commit` links them in the
//! memory it got, before the memory turns executable:
//!
//! - a direct branch or call that reaches its target is encoded as such;
//! - a branch or call that does not goes through a *veneer* appended to the same commit, which
//!   jumps to the target through a register or memory operand, so any distance works and the
//!   return address is the caller's ([`a64`], [`x64`] describe each);
//! - any other reference (`adr`, `adrp`, a literal load, a RIP-relative operand) has no veneer:
//!   out of reach, the commit fails with [`Error::Link`](crate::Error::Link), naming the target
//!   and the distance, and leaves the buffer empty.
//!
//! Room for veneers is reserved whether or not they are needed, so the size of a commit is
//! known before its address is. The veneers, like any data the code carries, are part of the
//! committed code: executable, and never written after the commit.

pub(crate) mod a64;
pub(crate) mod x64;

/// A reference from the A64 instruction at byte `offset` to the absolute address `target`,
/// resolved when the code is committed (see [`Assembled::relocations`](crate::Assembled)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Relocation {
    /// Byte offset of the referring instruction in the code.
    pub offset: usize,
    /// The address it refers to.
    pub target: usize,
}

/// An empty list with room for `n` veneer targets, or [`Error::OutOfMemory`](crate::Error)
/// instead of the abort an infallible allocation makes when the heap is exhausted.
fn target_list(n: usize) -> Result<Vec<usize>, crate::Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| crate::Error::OutOfMemory {
            what: "the veneer targets of a commit",
            bytes: n * std::mem::size_of::<usize>(),
        })?;
    Ok(v)
}
