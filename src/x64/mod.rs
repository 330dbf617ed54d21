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
use dynasmrt::DynasmApi;

use crate::assemble::core::{assembler_basics, dynasm_target, Core};
use crate::assemble::support::Target;
use crate::link::x64::Fixup;
use crate::Error;

/// Assembled x86-64 code: bytes with labels resolved, and named entry points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    bytes: Vec<u8>,
    entries: Vec<(String, usize)>,
    /// References to absolute addresses (`call extern addr`), linked at commit.
    fixups: Vec<Fixup>,
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

    /// How many references to absolute addresses (`call extern addr`, `jmp extern addr`, ...)
    /// the commit links; their fields hold zero until then.
    pub fn relocations(&self) -> usize {
        self.fixups.len()
    }

    pub(crate) fn fixups(&self) -> &[Fixup] {
        &self.fixups
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

assembler_basics!(Assembler, "`Code`", "256 bytes");

impl Assembler {
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
        let fixups = self
            .core
            .take_pending()
            .into_iter()
            .map(|p| Fixup {
                field: p.location - usize::from(p.field_offset),
                size: p.size as u8,
                reference: p.location - usize::from(p.ref_offset),
                target: p.target,
            })
            .collect();
        Ok(Code {
            bytes,
            entries: self.core.take_entries(),
            fixups,
        })
    }

    fn keep(&mut self, e: Error) {
        self.core.keep_error(e);
    }
}
