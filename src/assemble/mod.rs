//! From dynasm's aarch64 syntax to [`Instruction`]s.
//!
//! jitkit does not have an assembly dialect of its own: it is dynasm-rs's, and dynasm's macro
//! does the encoding at compile time. What jitkit adds is the target the macro writes into:
//!
//! - [`Assembler`] implements dynasmrt's [`DynasmApi`] and [`DynasmLabelApi`], so
//!   `dynasm!(asm ; .arch aarch64 ; ...)` works on it unchanged. It collects bytes, labels and
//!   relocations position-independently (nothing is placed in memory until
//!   [`CodeBuffer::commit`](crate::CodeBuffer::commit)), records named entry points, and adds
//!   what dynasm lacks: [`load_imm64`](Assembler::load_imm64),
//!   [`call_abs`](Assembler::call_abs), and for code generators AAPCS64 frames
//!   ([`prologue`](Assembler::prologue), [`epilogue`](Assembler::epilogue)), loads, stores and
//!   address arithmetic at any offset ([`load_word`](Assembler::load_word),
//!   [`store_word`](Assembler::store_word), [`add_offset`](Assembler::add_offset)) and calls
//!   through a [`CallTable`] ([`call_indirect`](Assembler::call_indirect)). The helpers take
//!   typed registers ([`crate::aarch64`]), so `sp` and `xzr` cannot be confused.
//! - [`a64!`](crate::a64) is the one-shot form: a fresh `Assembler`, one `dynasm!` block, and
//!   `Result<Vec<Instruction>, Error>` out.
//!
//! Errors are values. Labels are resolved by [`Assembler::finish`], which reports undefined and
//! duplicate labels and out-of-range references as [`Error::Label`]. Dynamic immediates that do
//! not fit make dynasm panic; [`a64!`](crate::a64) and [`Assembler::emit`] catch exactly those
//! panics, silently, and return [`Error::Immediate`] (the mechanism is described in `guard.rs`).
//! A `dynasm!` call made directly on an `Assembler`, outside `emit`, still panics as dynasm does.

mod addressing;
pub(crate) mod core;
mod encode;
pub(crate) mod frame;
pub(crate) mod guard;
mod imm;
mod ranges;
pub(crate) mod support;
mod table;

pub use table::CallTable;

use dynasmrt::aarch64::{Aarch64Relocation, RX};
use dynasmrt::relocations::Relocation as _;
use dynasmrt::DynasmApi;

use self::core::Core;
use crate::{Error, Instruction, Relocation};

/// `blr x16`
const BLR_X16: u32 = 0xD63F_0200;

/// An incremental AArch64 assembler for code generators.
///
/// ```
/// use jitkit::{dynasm, Assembler, CodeBuffer, DynasmApi, DynasmLabelApi};
///
/// let mut asm = Assembler::new();
/// asm.entry_point("double")?;
/// dynasm!(asm ; .arch aarch64 ; add x0, x0, x0 ; ret);
/// asm.entry_point("answer")?;
/// asm.load_imm64(jitkit::aarch64::RX::X0, 42);
/// dynasm!(asm ; .arch aarch64 ; ret);
/// let code = asm.finish()?;
/// assert_eq!(code.entry("answer"), Some(8));
///
/// let buf = CodeBuffer::new();
/// let answer = buf.commit(&code.instructions)?.at(code.entry("answer").unwrap())?;
/// # #[cfg(target_arch = "aarch64")]
/// assert_eq!(unsafe { answer.as_fn::<extern "C" fn() -> u64>() }(), 42);
/// # Ok::<(), jitkit::Error>(())
/// ```
///
/// An `Assembler` is a plain value: `Send`, not shared. Offsets are bytes from the start of the
/// code; labels resolve when [`finish`](Self::finish) is called.
#[derive(Debug)]
pub struct Assembler {
    pub(crate) core: Core<Aarch64Relocation>,
}

/// The output of [`Assembler::finish`]: the instructions, the named entry points and the
/// references to absolute addresses that [`CodeBuffer::commit`](crate::CodeBuffer::commit)
/// links (see [`Relocation`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembled {
    /// The code, in order. Words a relocation refers to hold a zero offset until commit.
    pub instructions: Vec<Instruction>,
    /// Entry points as (name, byte offset), in the order they were defined.
    pub entries: Vec<(String, usize)>,
    /// References from the code to absolute addresses (dynasm's `extern` targets), resolved
    /// by the commit against the address the code lands at.
    pub relocations: Vec<Relocation>,
}

impl Assembled {
    /// Byte offset of the entry point called `name`.
    pub fn entry(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, off)| off)
    }
}

core::assembler_basics!(Assembler, "`Assembled`", "64 instructions");

impl Assembler {
    /// Appends the shortest `MOVZ`/`MOVN`/`MOVK`/`ORR` sequence (1 to 4 instructions) that sets
    /// `reg` to `value`. dynasm's `mov` accepts only values one instruction can build.
    ///
    /// Writes to `xzr` are discarded, so `load_imm64(RX::XZR, _)` appends nothing. (It must
    /// not append the sequence: `ORR` reads register 31 as `sp`.)
    pub fn load_imm64(&mut self, reg: RX, value: u64) {
        if reg == RX::XZR {
            return;
        }
        for &w in imm::load_imm64(u32::from(u8::from(reg)), value).words() {
            self.push_u32(w);
        }
    }

    /// Appends a call to the absolute address `target`, at any distance: the address is built
    /// in `x16` with [`load_imm64`](Self::load_imm64), then `blr x16`.
    ///
    /// Registers: `x16` (IP0, the AAPCS64 intra-procedure scratch register) and `x30` (the link
    /// register) are overwritten by the call sequence itself; the callee may clobber what AAPCS64
    /// lets it (`x0`–`x18`, `v0`–`v7`, `v16`–`v31`, flags). `x19`–`x29` and `sp` are preserved. The
    /// caller must keep `sp` 16-byte aligned and save `x30` beforehand if it returns with `ret`.
    ///
    /// `target` is typically a Rust function: `my_fn as extern "C" fn(u64) -> u64 as usize`.
    pub fn call_abs(&mut self, target: usize) {
        for &w in imm::load_imm64(16, target as u64).words() {
            self.push_u32(w);
        }
        self.push_u32(BLR_X16);
    }

    /// Resolves every label and returns the code.
    ///
    /// Errors: [`Error::Label`] for an undefined or duplicate label or a reference out of range;
    /// [`Error::PartialWord`] if data directives left a partial word; the error of an earlier
    /// failed [`emit`](Self::emit).
    pub fn finish(mut self) -> Result<Assembled, Error> {
        let instructions = self.take_instructions()?;
        let relocations = self
            .core
            .take_pending()
            .into_iter()
            .map(|p| Relocation {
                offset: p.location - usize::from(p.field_offset),
                target: p.target,
            })
            .collect();
        Ok(Assembled {
            instructions,
            entries: self.core.take_entries(),
            relocations,
        })
    }

    /// The work of [`finish`](Self::finish) in place: the assembler is large, and moving it
    /// cost more than assembling a short block.
    pub(crate) fn take_instructions(&mut self) -> Result<Vec<Instruction>, Error> {
        let bytes = self.core.take_bytes()?;
        if bytes.len() % 4 != 0 {
            return Err(Error::PartialWord { bytes: bytes.len() });
        }
        let mut instructions = Vec::with_capacity(bytes.len() / 4);
        instructions.extend(
            bytes
                .chunks_exact(4)
                .map(|w| Instruction::from_le_bytes([w[0], w[1], w[2], w[3]])),
        );
        Ok(instructions)
    }
}

impl Assembler {
    /// Records an error for `finish` if `kind` is an ADRP reference to `label`.
    fn check_page_relative(&mut self, kind: &Aarch64Relocation, label: impl FnOnce() -> String) {
        if is_page_relative(kind) {
            self.core
                .keep_error(Error::Label(crate::LabelError::PageRelative(label())));
        }
    }
}

/// Whether `kind` is dynasm's ADRP relocation. dynasmrt encodes an ADRP reference as if the code
/// started on a page boundary and rounds the byte distance up, which is wrong for code placed at
/// an arbitrary address; jitkit reports such references instead of emitting a wrong page.
/// ADRP is the only aarch64 relocation that puts a 4096-byte distance into bits 30:29 (immlo).
fn is_page_relative(kind: &Aarch64Relocation) -> bool {
    let mut word = [0u8; 4];
    kind.write_value(&mut word, 4096).is_ok() && u32::from_le_bytes(word) & 0x6000_0000 != 0
}

core::dynasm_target!(Assembler, Aarch64Relocation, |asm: &mut Assembler,
                                                    kind: &Aarch64Relocation,
                                                    label: &dyn Fn()
    -> String| {
    asm.check_page_relative(kind, label)
});

/// Support for the `a64!` and `dynasm!` expansions; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use super::support::*;
}

/// The words `f` assembles, for the helpers' unit tests.
#[cfg(test)]
fn test_words(f: impl FnOnce(&mut Assembler) -> Result<(), Error>) -> Vec<u32> {
    let mut asm = Assembler::new();
    f(&mut asm).unwrap();
    asm.finish()
        .unwrap()
        .instructions
        .iter()
        .map(|i| i.word())
        .collect()
}
