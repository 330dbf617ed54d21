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
//!   through a [`CallTable`] ([`call_indirect`](Assembler::call_indirect)).
//! - [`a64!`](crate::a64) is the one-shot form: a fresh `Assembler`, one `dynasm!` block, and
//!   `Result<Vec<Instruction>, Error>` out.
//!
//! Errors are values. Labels are resolved by [`Assembler::finish`], which reports undefined and
//! duplicate labels and out-of-range references as [`Error::Label`]. Dynamic immediates that do
//! not fit make dynasm panic; [`a64!`](crate::a64) and [`Assembler::emit`] catch exactly those
//! panics, silently, and return [`Error::Immediate`] (the mechanism is described in `guard.rs`).
//! A `dynasm!` call made directly on an `Assembler`, outside `emit`, still panics as dynasm does.

mod encode;
mod frame;
mod guard;
mod imm;
mod ranges;
mod support;
mod table;

pub use table::CallTable;

use dynasmrt::aarch64::Aarch64Relocation;
use dynasmrt::relocations::Relocation;
use dynasmrt::{AssemblyOffset, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

use crate::{Error, Instruction, LabelError};

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
/// asm.load_imm64(0, 42)?;
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
    ops: VecAssembler<Aarch64Relocation>,
    entries: Vec<(String, usize)>,
    /// Names of dynamic labels made with [`new_named_label`](Self::new_named_label), by id.
    label_names: Vec<(usize, String)>,
    /// The first error, reported by `finish` (an absolute relocation, or an earlier failed
    /// statement that left the code incomplete).
    error: Option<Error>,
}

/// The output of [`Assembler::finish`]: the instructions and the named entry points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembled {
    /// The code, in order.
    pub instructions: Vec<Instruction>,
    /// Entry points as (name, byte offset), in the order they were defined.
    pub entries: Vec<(String, usize)>,
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

impl Default for Assembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Assembler {
    /// An empty assembler with room for 64 instructions before it reallocates.
    #[inline]
    pub fn new() -> Self {
        Self::with_capacity(256)
    }

    /// An empty assembler with room for `bytes` of code before it reallocates.
    #[inline]
    pub fn with_capacity(bytes: usize) -> Self {
        Assembler {
            ops: {
                // `new` + `reserve_ops` rather than `new_with_capacity`, whose label tables are
                // built out of line and moved: that cost more than assembling 16 instructions.
                let mut ops = VecAssembler::new(0);
                ops.reserve_ops(bytes);
                ops
            },
            entries: Vec::new(),
            label_names: Vec::new(),
            error: None,
        }
    }

    /// A fresh dynamic label, to be defined with `=>label` and referenced with `=>label`.
    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    /// A fresh dynamic label that errors name as `=>name` (a plain dynamic label is named by its
    /// number, `=>3`).
    ///
    /// ```
    /// use jitkit::{dynasm, Assembler, DynasmLabelApi, Error};
    /// let mut asm = Assembler::new();
    /// let exit = asm.new_named_label("exit");
    /// dynasm!(asm ; .arch aarch64 ; b =>exit);
    /// let err = asm.finish().unwrap_err();
    /// assert!(err.to_string().contains("=>exit"), "{err}");
    /// ```
    pub fn new_named_label(&mut self, name: impl Into<String>) -> DynamicLabel {
        let label = self.ops.new_dynamic_label();
        self.label_names.push((label.get_id(), name.into()));
        label
    }

    /// The byte offset of `label`, once it is defined.
    pub fn label_offset(&self, label: DynamicLabel) -> Option<usize> {
        self.ops.labels().resolve_dynamic(label).ok().map(|o| o.0)
    }

    /// Names the current offset as an entry point, returned by [`Assembled::entry`].
    ///
    /// Errors: [`Error::DuplicateEntry`] if `name` is already an entry point.
    pub fn entry_point(&mut self, name: impl Into<String>) -> Result<(), Error> {
        let name = name.into();
        let second = self.ops.offset().0;
        if let Some(&(_, first)) = self.entries.iter().find(|(n, _)| *n == name) {
            return Err(Error::DuplicateEntry {
                name,
                first,
                second,
            });
        }
        self.entries.push((name, second));
        Ok(())
    }

    /// Runs `f`, typically a [`dynasm!`](crate::dynasm) block on the assembler, and returns the
    /// first error it caused: a register or immediate out of range (naming the statement as
    /// written and what its field accepts), or a label reference that cannot be encoded.
    ///
    /// After such an error the statement that failed is missing, so the assembler is spent:
    /// [`finish`](Self::finish) returns the same error. Panics in `f` other than an encoder's
    /// range check propagate unchanged. A `dynasm!` from the `dynasm` crate itself (rather than
    /// jitkit's) is caught too, but its statement can only be named by its byte offset.
    pub fn emit<F: FnOnce(&mut Self)>(&mut self, f: F) -> Result<(), Error> {
        let clean = self.error.is_none();
        if let Err(value) = guard::guarded(|| f(self)) {
            let offset = self.ops.offset().0;
            self.keep_error(guard::immediate_error(value, None, offset));
        }
        match &self.error {
            Some(e) if clean => Err(e.front_end_copy()),
            _ => Ok(()),
        }
    }

    /// Keeps the first error for [`finish`](Self::finish).
    pub(crate) fn keep_error(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// Appends the shortest `MOVZ`/`MOVN`/`MOVK`/`ORR` sequence (1 to 4 instructions) that sets
    /// `Xreg` to `value`. dynasm's `mov` accepts only values one instruction can build.
    ///
    /// Errors: [`Error::Register`] unless `reg` is 0..=30.
    pub fn load_imm64(&mut self, reg: u8, value: u64) -> Result<(), Error> {
        check_reg(reg, "x0..=x30", 30, "load_imm64")?;
        for &w in imm::load_imm64(u32::from(reg), value).words() {
            self.push_u32(w);
        }
        Ok(())
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
        Ok(Assembled {
            instructions,
            entries: std::mem::take(&mut self.entries),
        })
    }

    /// The work of [`finish`](Self::finish) in place: the assembler is large, and moving it
    /// cost more than assembling a short block.
    pub(crate) fn take_instructions(&mut self) -> Result<Vec<Instruction>, Error> {
        if let Some(e) = self.error.take() {
            return Err(self.name_dynamic_labels(e));
        }
        let bytes = match self.ops.take() {
            Ok(bytes) => bytes,
            Err(e) => return Err(self.name_dynamic_labels(e.into())),
        };
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
            self.error
                .get_or_insert_with(|| Error::Label(crate::LabelError::PageRelative(label())));
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

impl Extend<u8> for Assembler {
    fn extend<T: IntoIterator<Item = u8>>(&mut self, iter: T) {
        self.ops.extend(iter)
    }
}

impl<'a> Extend<&'a u8> for Assembler {
    fn extend<T: IntoIterator<Item = &'a u8>>(&mut self, iter: T) {
        self.ops.extend(iter)
    }
}

impl DynasmApi for Assembler {
    fn offset(&self) -> AssemblyOffset {
        self.ops.offset()
    }
    fn push(&mut self, byte: u8) {
        self.ops.push(byte)
    }
    fn align(&mut self, alignment: usize, with: u8) {
        self.ops.align(alignment, with)
    }
}

impl DynasmLabelApi for Assembler {
    type Relocation = Aarch64Relocation;

    fn local_label(&mut self, name: &'static str) {
        self.ops.local_label(name)
    }
    fn global_label(&mut self, name: &'static str) {
        self.ops.global_label(name)
    }
    fn dynamic_label(&mut self, id: DynamicLabel) {
        self.ops.dynamic_label(id)
    }
    fn forward_relocation(
        &mut self,
        name: &'static str,
        target: isize,
        field: u8,
        reference: u8,
        kind: Self::Relocation,
    ) {
        self.check_page_relative(&kind, || format!("label >{name}"));
        self.ops
            .forward_relocation(name, target, field, reference, kind)
    }
    fn backward_relocation(
        &mut self,
        name: &'static str,
        target: isize,
        field: u8,
        reference: u8,
        kind: Self::Relocation,
    ) {
        self.check_page_relative(&kind, || format!("label <{name}"));
        self.ops
            .backward_relocation(name, target, field, reference, kind)
    }
    fn global_relocation(
        &mut self,
        name: &'static str,
        target: isize,
        field: u8,
        reference: u8,
        kind: Self::Relocation,
    ) {
        self.check_page_relative(&kind, || format!("label ->{name}"));
        self.ops
            .global_relocation(name, target, field, reference, kind)
    }
    fn dynamic_relocation(
        &mut self,
        id: DynamicLabel,
        target: isize,
        field: u8,
        reference: u8,
        kind: Self::Relocation,
    ) {
        let name = self.label_name(id);
        self.check_page_relative(&kind, || format!("label =>{name}"));
        self.ops
            .dynamic_relocation(id, target, field, reference, kind)
    }
    /// Code is position-independent until commit, so a PC-relative reference to an absolute
    /// address cannot be encoded: [`finish`](Assembler::finish) reports [`crate::LabelError::Absolute`].
    fn value_relocation(
        &mut self,
        value: usize,
        _field: u8,
        _reference: u8,
        _kind: Self::Relocation,
    ) {
        // The instruction word was pushed already; its offset field stays zero and is never used.
        self.error
            .get_or_insert(Error::Label(crate::LabelError::Absolute(value)));
    }
}

/// `Err(Error::Register)` naming `allowed` and the helper unless `reg` is at most `max`.
fn check_reg(reg: u8, allowed: &'static str, max: u8, helper: &str) -> Result<(), Error> {
    if reg > max {
        return Err(Error::Register {
            reg,
            statement: helper.to_owned(),
            allowed,
        });
    }
    Ok(())
}

impl Assembler {
    /// How errors name a dynamic label: as made by [`new_named_label`](Self::new_named_label),
    /// else by its number.
    fn label_name(&self, id: DynamicLabel) -> String {
        let id = id.get_id();
        self.label_names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }

    /// Replaces `=>N` (dynasm's name for dynamic label N) by the label's name, if it has one.
    fn name_dynamic_labels(&self, e: Error) -> Error {
        let Error::Label(mut label) = e else {
            return e;
        };
        if let LabelError::Undefined(s)
        | LabelError::Duplicate(s)
        | LabelError::OutOfRange(s)
        | LabelError::PageRelative(s) = &mut label
        {
            if let Some((head, id)) = s.rsplit_once("=>") {
                if let Ok(i) = id.parse::<usize>() {
                    if let Some((_, name)) = self.label_names.iter().find(|(n, _)| *n == i) {
                        *s = format!("{head}=>{name}");
                    }
                }
            }
        }
        Error::Label(label)
    }
}

/// Support for the `a64!` and `dynasm!` expansions; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use super::support::*;
}
