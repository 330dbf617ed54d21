//! x86-64: the second instruction set, with the same contract as AArch64.
//!
//! [`x64!`](crate::x64!) and [`Assembler`] take dynasm's x64 syntax, check every dynamic
//! operand before dynasm encodes it (see `jitkit-macros/src/x64.rs` for the register rules), and
//! return [`Code`]: the bytes with labels resolved and the named entry points. x86-64
//! instructions are 1 to 15 bytes long, so code is a byte string rather than a list of words;
//! it is little-endian and needs no instruction-cache maintenance on x86-64 (Intel SDM Vol. 3A,
//! section 8.1.3: stores to code are seen by instruction fetch on the same and other cores once
//! a serializing or jump instruction separates them, which the call into the new code is).
//!
//! ```
//! use jitkit::x64;
//! let code = x64! { ; mov rax, rdi ; add rax, 1 ; ret }?;
//! assert_eq!(code.bytes(), [0x48, 0x89, 0xf8, 0x48, 0x83, 0xc0, 0x01, 0xc3]);
//! # Ok::<(), jitkit::Error>(())
//! ```

use dynasmrt::x64::{Rq, X64Relocation};
use dynasmrt::{DynamicLabel, DynasmApi};

use crate::assemble::core::{dynasm_target, Core};
use crate::assemble::guard;
use crate::assemble::support::Target;
use crate::Error;

/// Assembled x86-64 code: bytes with labels resolved, and named entry points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    bytes: Vec<u8>,
    entries: Vec<(String, usize)>,
}

impl Code {
    /// The machine code.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bytes of code.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there is no code.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Entry points as (name, byte offset), in the order they were defined.
    pub fn entries(&self) -> &[(String, usize)] {
        &self.entries
    }

    /// Byte offset of the entry point called `name`.
    pub fn entry(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, off)| off)
    }
}

/// An incremental x86-64 assembler for code generators: `dynasm!(asm ; .arch x64 ; ...)`
/// writes into it, checked as [`x64!`](crate::x64!) is.
///
/// ```
/// use jitkit::{dynasm, x64::Assembler};
/// use dynasmrt::x64::Rq;
///
/// let mut asm = Assembler::new();
/// asm.entry_point("answer")?;
/// asm.load_imm64(Rq::RAX, 42);
/// dynasm!(asm ; .arch x64 ; ret);
/// let code = asm.finish()?;
/// assert_eq!(code.entry("answer"), Some(0));
/// # Ok::<(), jitkit::Error>(())
/// ```
#[derive(Debug)]
pub struct Assembler {
    pub(crate) core: Core<X64Relocation>,
}

impl Default for Assembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Assembler {
    /// An empty assembler with room for 256 bytes before it reallocates.
    #[inline]
    pub fn new() -> Self {
        Self::with_capacity(256)
    }

    /// An empty assembler with room for `bytes` of code before it reallocates.
    #[inline]
    pub fn with_capacity(bytes: usize) -> Self {
        Assembler {
            core: Core::with_capacity(bytes),
        }
    }

    /// A fresh dynamic label, to be defined with `=>label` and referenced with `=>label`.
    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.core.ops.new_dynamic_label()
    }

    /// A fresh dynamic label that errors name as `=>name`.
    pub fn new_named_label(&mut self, name: impl Into<String>) -> DynamicLabel {
        self.core.new_named_label(name.into())
    }

    /// The byte offset of `label`, once it is defined.
    pub fn label_offset(&self, label: DynamicLabel) -> Option<usize> {
        self.core.label_offset(label)
    }

    /// Names the current offset as an entry point, returned by [`Code::entry`].
    ///
    /// Errors: [`Error::DuplicateEntry`] if `name` is already an entry point.
    pub fn entry_point(&mut self, name: impl Into<String>) -> Result<(), Error> {
        self.core.entry_point(name.into())
    }

    /// Runs `f`, typically a [`dynasm!`](crate::dynasm) block on the assembler, and returns the
    /// first error it caused, as [`Assembler::emit`](crate::Assembler::emit) does for AArch64.
    pub fn emit<F: FnOnce(&mut Self)>(&mut self, f: F) -> Result<(), Error> {
        let clean = !self.core.has_error();
        if let Err(value) = guard::guarded(|| f(self)) {
            let offset = self.core.ops.offset().0;
            self.core
                .keep_error(guard::immediate_error(value, None, offset));
        }
        self.core.error_since(clean)
    }

    /// Appends `mov reg, imm64` (`movabs`): any 64-bit value in one instruction.
    pub fn load_imm64(&mut self, reg: Rq, value: u64) {
        let r = reg as u8;
        // REX.W (+ REX.B for r8..r15), B8+r, imm64 (Intel SDM Vol. 2B, MOV).
        self.push(0x48 | (r >> 3));
        self.push(0xB8 + (r & 7));
        self.extend(value.to_le_bytes());
    }

    /// Appends a call to the absolute address `target`, at any distance: `mov rax, target ;
    /// call rax`. `rax` is overwritten; the callee may clobber what the System V ABI lets it
    /// (rax, rcx, rdx, rsi, rdi, r8-r11, xmm0-xmm15, flags). The caller keeps `rsp` 16-byte
    /// aligned at the call.
    pub fn call_abs(&mut self, target: usize) {
        self.load_imm64(Rq::RAX, target as u64);
        // call rax: FF /2 with ModRM 11 010 000.
        self.extend([0xFF, 0xD0]);
    }

    /// Appends the System V frame: `push rbp ; mov rbp, rsp`, then `sub rsp, n` for `locals`
    /// bytes rounded up so that `rsp` stays 16-byte aligned at calls. Returns the bytes reserved.
    pub fn prologue(&mut self, locals: u32) -> Result<u32, Error> {
        let size = locals
            .checked_add(15)
            .map(|n| n & !15)
            .ok_or(Error::Immediate {
                value: locals.to_string(),
                statement: "prologue".to_owned(),
                allowed: "0..=4294967280 bytes of locals",
            })?;
        self.extend([0x55, 0x48, 0x89, 0xE5]); // push rbp ; mov rbp, rsp
        if size > 0 {
            // sub rsp, imm32: REX.W 81 /5 id.
            self.extend([0x48, 0x81, 0xEC]);
            self.extend(size.to_le_bytes());
        }
        Ok(size)
    }

    /// Appends the matching frame teardown: `mov rsp, rbp ; pop rbp ; ret`.
    pub fn epilogue(&mut self) {
        self.extend([0x48, 0x89, 0xEC, 0x5D, 0xC3]);
    }

    /// Resolves every label and returns the code.
    ///
    /// Errors: [`Error::Label`] for an undefined or duplicate label or a reference out of range;
    /// the error of an earlier failed [`emit`](Self::emit).
    pub fn finish(mut self) -> Result<Code, Error> {
        self.finish_block()
    }
}

dynasm_target!(
    Assembler,
    X64Relocation,
    |_: &mut Assembler, _: &X64Relocation, _: &dyn Fn() -> String| {}
);

impl Target for Assembler {
    type Output = Code;

    #[inline]
    fn finish_block(&mut self) -> Result<Code, Error> {
        let bytes = self.core.take_bytes()?;
        Ok(Code {
            bytes,
            entries: self.core.take_entries(),
        })
    }

    fn keep(&mut self, e: Error) {
        self.core.keep_error(e);
    }
}
