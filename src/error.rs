//! The one error type of jitkit.
//!
//! Every failure a caller can provoke comes back as a value of [`Error`], never as a panic: bad
//! input (empty code, a second commit, an out-of-range immediate or branch), and operating-system
//! failures (which carry the `io::Error` and the size that was asked for). Each message names the
//! value involved and the limit it broke, so a log line is enough to find the cause.

use std::fmt;
use std::io;

use crate::offset::{InstructionKind, OffsetRange};

/// Everything that can go wrong in jitkit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `commit` was given no instructions.
    #[error(
        "nothing to commit: the instruction list is empty (at least one instruction is needed)"
    )]
    Empty,

    /// The code is larger than one commit may be.
    #[error(
        "{instructions} instructions ({bytes} bytes) are too many for one commit: the limit is {limit} bytes"
    )]
    TooLarge {
        /// Number of instructions passed in.
        instructions: usize,
        /// Their size in bytes, computed in 128 bits so it cannot overflow.
        bytes: u128,
        /// The largest number of bytes one commit accepts.
        limit: usize,
    },

    /// `commit` was called on a buffer that already holds committed code.
    #[error("this CodeBuffer already holds committed code: commit is once per buffer, the code is left untouched")]
    AlreadyCommitted,

    /// Mapping fresh memory failed.
    #[error("mapping {size} bytes of read+write memory failed: {source}")]
    Map {
        /// Bytes asked for (page-rounded).
        size: usize,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },

    /// Changing the protection of a mapping failed.
    #[error("changing {size} bytes at {addr:#x} to {protection} failed: {source}")]
    Protect {
        /// Start of the range.
        addr: usize,
        /// Bytes in the range.
        size: usize,
        /// The protection asked for, such as `"read+execute"`.
        protection: &'static str,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },

    /// Creating or growing the memory file behind a [`CodePool`](crate::CodePool) failed.
    #[error("{operation} of the code pool's memory file ({size} bytes) failed: {source}")]
    MemoryFile {
        /// `"create"` or `"grow"`.
        operation: &'static str,
        /// The file size asked for (0 when creating).
        size: u64,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },

    /// A label was undefined, defined twice, or a reference to it could not be encoded.
    #[error("{0}")]
    Label(LabelError),

    /// A PC-relative offset does not fit the instruction's field.
    #[error("{kind} offset {offset} is out of range: allowed {range}")]
    OffsetOutOfRange {
        /// The kind of instruction whose field was too small.
        kind: InstructionKind,
        /// The byte offset asked for.
        offset: i64,
        /// The byte offsets the field can hold.
        range: OffsetRange,
    },

    /// A PC-relative offset is not a multiple of what the instruction can express.
    #[error("{kind} offset {offset} is misaligned: it must be a multiple of {alignment} bytes")]
    MisalignedOffset {
        /// The kind of instruction.
        kind: InstructionKind,
        /// The byte offset asked for.
        offset: i64,
        /// The required alignment in bytes.
        alignment: u32,
    },

    /// The instruction has no PC-relative offset to rewrite.
    #[error("{word:#010x} ({kind}) has no PC-relative offset")]
    NotPcRelative {
        /// The instruction word.
        word: u32,
        /// Its kind (always [`InstructionKind::Other`]).
        kind: InstructionKind,
    },

    /// A dynamic immediate did not fit the instruction's encoding.
    #[error("immediate {value} is out of range in `{statement}`: allowed {allowed}")]
    Immediate {
        /// The offending value, as the assembler reported it.
        value: String,
        /// The assembly statement it was used in, as written; where the source text is not known
        /// (a `dynasm!` from the `dynasm` crate itself, run through `Assembler::emit`) or cannot
        /// be matched, "the instruction at byte offset N".
        statement: String,
        /// What the instruction form accepts.
        allowed: &'static str,
    },

    /// A register number outside what its field accepts.
    #[error("register {reg} is out of range in `{statement}`: allowed {allowed}")]
    Register {
        /// The register number given.
        reg: u8,
        /// The statement or helper it was given to, as written.
        statement: String,
        /// The registers the field accepts.
        allowed: &'static str,
    },

    /// Assembled output is not a whole number of 32-bit words.
    #[error("assembled {bytes} bytes, which is not a whole number of 4-byte instructions (pad data with .align 4)")]
    PartialWord {
        /// Bytes assembled.
        bytes: usize,
    },

    /// An offset into committed code is out of bounds or misaligned.
    #[error("entry offset {offset} is not valid in {len} bytes of code: it must be below {len} and a multiple of 4")]
    BadEntry {
        /// The offset asked for.
        offset: usize,
        /// Bytes of committed code.
        len: usize,
    },

    /// An index past the end of a [`CallTable`](crate::CallTable).
    #[error("call table index {index} is out of range: the table has {len} entries")]
    TableIndex {
        /// The index asked for.
        index: usize,
        /// Entries in the table.
        len: usize,
    },

    /// Two entry points were given the same name.
    #[error("entry point `{name}` is defined twice (at offsets {first} and {second})")]
    DuplicateEntry {
        /// The name used twice.
        name: String,
        /// Offset of the first definition.
        first: usize,
        /// Offset of the second.
        second: usize,
    },

    /// A buffer was used as committed code before anything was committed to it.
    #[error("this CodeBuffer holds no committed code: commit before taking its function")]
    NotCommitted,

    /// The heap could not hold the memory manager's bookkeeping (the process is out of memory
    /// or at its address-space limit). Nothing was committed.
    #[error("allocating {bytes} bytes for {what} failed: out of memory")]
    OutOfMemory {
        /// What the memory was for, such as `"a chunk's slot bitmap"`.
        what: &'static str,
        /// Bytes asked for.
        bytes: usize,
    },

    /// An observer of committed code (perf map, jitdump, GDB) could not start.
    #[error("cannot start the {tool}: {source}")]
    Observer {
        /// Which tool, in a few words.
        tool: &'static str,
        /// Why: the file that could not be created, or a feature left out of this build.
        #[source]
        source: io::Error,
    },

    /// A reference to an absolute address cannot be encoded from where the code was committed
    /// (see `link`); the buffer is left empty.
    #[error("cannot link a reference to {target:#x}: it is {distance} bytes away, and {reason}")]
    Link {
        /// The address referred to.
        target: usize,
        /// Its distance from the referring instruction (pages are counted in bytes).
        distance: i64,
        /// What the instruction can reach.
        reason: &'static str,
    },
}

/// What went wrong with a label, with the label named as it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LabelError {
    /// A label is referenced but never defined.
    Undefined(String),
    /// A global or dynamic label is defined twice.
    Duplicate(String),
    /// A reference to the label cannot be encoded (the target is too far away).
    OutOfRange(String),
    /// A reference to an absolute address: code is position-independent until it is committed.
    Absolute(usize),
    /// An `adrp` to a label: its page offset depends on where the code is placed.
    PageRelative(String),
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Undefined(l) => write!(f, "{l} is referenced but never defined"),
            Self::Duplicate(l) => write!(f, "{l} is defined more than once"),
            Self::OutOfRange(l) => {
                write!(f, "a reference to {l} cannot be encoded: the target is out of the instruction's range")
            }
            Self::PageRelative(l) => write!(
                f,
                "adrp to {l} cannot be encoded: its page offset depends on the address the code is committed at; use adr (±1 MiB) or load_imm64"
            ),
            Self::Absolute(a) => write!(
                f,
                "a reference to the absolute address {a:#x} can only be encoded once the code's own address is known: a64! returns bare instructions, so assemble it with Assembler and commit the Assembled (CodeBuffer::commit links it), or use Assembler::call_abs"
            ),
        }
    }
}

impl Error {
    /// A copy of an error the assembler keeps and reports twice (from `emit` and from `finish`).
    /// Those are the front end's errors, which hold only plain data; any other error (which the
    /// assembler never keeps) is described in a `Label` error rather than lost.
    pub(crate) fn front_end_copy(&self) -> Error {
        match self {
            Error::Immediate {
                value,
                statement,
                allowed,
            } => Error::Immediate {
                value: value.clone(),
                statement: statement.clone(),
                allowed,
            },
            Error::Register {
                reg,
                statement,
                allowed,
            } => Error::Register {
                reg: *reg,
                statement: statement.clone(),
                allowed,
            },
            Error::Label(l) => Error::Label(l.clone()),
            Error::PartialWord { bytes } => Error::PartialWord { bytes: *bytes },
            other => Error::Label(LabelError::OutOfRange(other.to_string())),
        }
    }
}

impl From<dynasmrt::DynasmError> for Error {
    fn from(e: dynasmrt::DynasmError) -> Self {
        use dynasmrt::{DynasmError as D, TargetKind as T};
        Error::Label(match e {
            D::UnknownLabel(l) => LabelError::Undefined(l.to_string()),
            D::DuplicateLabel(l) => LabelError::Duplicate(l.to_string()),
            D::ImpossibleRelocation(T::Value(v)) => LabelError::Absolute(v),
            D::ImpossibleRelocation(t) => LabelError::OutOfRange(t.to_string()),
            D::CheckFailed => LabelError::OutOfRange("a modifier check".to_string()),
        })
    }
}
