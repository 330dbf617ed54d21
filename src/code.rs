//! What [`CodeBuffer::commit`](crate::CodeBuffer::commit) accepts: any code jitkit produces, in
//! either instruction set, through one trait.
//!
//! [`Code`] is implemented by A64 instruction lists (`[Instruction]`, `[Instruction; N]`,
//! `Vec<Instruction>`), by [`Assembled`] (A64 with entry points and relocations) and by
//! [`x64::Code`] (x86-64 bytes with entry points and relocations). The commit sees each as an
//! image: bytes to place, the names of its entry points, and the references to link once its
//! address is known (`link`). The memory layer underneath sees bytes only.
//!
//! # Byte order
//! A64 instruction fetch is always little-endian, whatever the data endianness (Arm ARM
//! B2.6.2, "Instruction endianness"), and x86-64 is little-endian throughout. An
//! [`Instruction`] holds its word as a number; the commit writes each word with
//! `u32::to_le_bytes` (a plain copy on little-endian hosts, a byte swap on `aarch64_be`), and
//! x86-64 code is bytes already, copied as they are. So committed code is right on either
//! data endianness.

use crate::link::x64::Fixup;
use crate::link::{self, Relocation};
use crate::memory::provider::Fill;
use crate::memory::MAX_CODE_BYTES;
use crate::{x64, Assembled, Error, Instruction, Isa};

/// Code that [`CodeBuffer::commit`](crate::CodeBuffer::commit) accepts (see the module docs).
/// Sealed: only jitkit's own code types implement it.
pub trait Code: sealed::Sealed {}

pub(crate) mod sealed {
    /// The image a commit places (see [`super::Image`]).
    pub trait Sealed {
        /// This code as bytes to place, entry points and references to link.
        fn image(&self) -> super::Image<'_>;
    }
}

/// One commit's worth of code, borrowed from what the caller passed.
#[doc(hidden)]
pub struct Image<'a> {
    body: Body<'a>,
    entries: &'a [(String, usize)],
}

enum Body<'a> {
    A64 {
        code: &'a [Instruction],
        relocations: &'a [Relocation],
    },
    X64 {
        code: &'a [u8],
        fixups: &'a [Fixup],
    },
}

impl<'a> Image<'a> {
    /// The instruction set.
    #[inline]
    pub(crate) fn isa(&self) -> Isa {
        match self.body {
            Body::A64 { .. } => Isa::A64,
            Body::X64 { .. } => Isa::X64,
        }
    }

    /// How many named entry points the code has.
    #[inline]
    pub(crate) fn entries_len(&self) -> usize {
        self.entries.len()
    }

    /// A copy of the named entry points, (name, byte offset), for the buffer to keep.
    ///
    /// Errors: [`Error::OutOfMemory`] instead of the abort an infallible copy makes when the
    /// heap is exhausted.
    #[inline]
    pub(crate) fn entries_owned(&self) -> Result<Vec<(String, usize)>, Error> {
        if self.entries.is_empty() {
            return Ok(Vec::new());
        }
        self.copy_entries()
    }

    #[cold]
    fn copy_entries(&self) -> Result<Vec<(String, usize)>, Error> {
        let oom = |bytes| Error::OutOfMemory {
            what: "the entry points of a commit",
            bytes,
        };
        let mut out = Vec::new();
        out.try_reserve_exact(self.entries.len())
            .map_err(|_| oom(std::mem::size_of_val(self.entries)))?;
        for (name, offset) in self.entries {
            let mut copy = String::new();
            copy.try_reserve_exact(name.len())
                .map_err(|_| oom(name.len()))?;
            copy.push_str(name);
            out.push((copy, *offset));
        }
        Ok(out)
    }

    /// Bytes of the code as written, before any veneers.
    #[inline]
    pub(crate) fn code_len(&self) -> usize {
        match self.body {
            Body::A64 { code, .. } => code.len() * 4,
            Body::X64 { code, .. } => code.len(),
        }
    }

    /// Bytes the commit places (the code and room for veneers), checked against the limits of
    /// one commit: [`Error::Empty`], [`Error::TooLarge`] ([`Error::OutOfMemory`] if the
    /// veneers cannot be counted).
    #[inline]
    pub(crate) fn len(&self) -> Result<usize, Error> {
        // Plain A64 code, the common case, has no veneers: its size is its words'.
        if let Body::A64 {
            code,
            relocations: [],
        } = self.body
        {
            if !code.is_empty() && code.len() <= MAX_CODE_BYTES / 4 {
                return Ok(code.len() * 4);
            }
        }
        self.checked_len()
    }

    fn checked_len(&self) -> Result<usize, Error> {
        let (count, bytes) = match self.body {
            Body::A64 { code, .. } => (code.len(), code.len() as u128 * 4),
            Body::X64 { code, .. } => (code.len(), code.len() as u128),
        };
        if count == 0 {
            return Err(Error::Empty);
        }
        let too_large = |bytes| Error::TooLarge {
            instructions: count,
            bytes,
            limit: MAX_CODE_BYTES,
        };
        if bytes > MAX_CODE_BYTES as u128 {
            return Err(too_large(bytes));
        }
        let linked = match self.body {
            Body::A64 { code, relocations } => link::a64::linked_len(code, relocations)?,
            Body::X64 { code, fixups } => link::x64::linked_len(code, fixups)?,
        };
        if linked > MAX_CODE_BYTES {
            return Err(too_large(linked as u128));
        }
        Ok(linked)
    }
}

impl Fill for Image<'_> {
    /// Writes the code, linked for the address `base` it will run at, into `dst` (the length
    /// [`Image::len`] gave, writable, not yet executable).
    ///
    /// Errors: [`Error::Link`] for a reference out of reach from `base`.
    #[inline]
    fn fill(&self, dst: &mut [u8], base: usize) -> Result<(), Error> {
        match self.body {
            Body::A64 {
                code,
                relocations: [],
            } => {
                Instruction::write_le(code, dst);
                Ok(())
            }
            Body::A64 { code, relocations } => link::a64::link(code, relocations, base, dst),
            Body::X64 { code, fixups } => link::x64::link(code, fixups, base, dst),
        }
    }
}

impl sealed::Sealed for [Instruction] {
    fn image(&self) -> Image<'_> {
        Image {
            body: Body::A64 {
                code: self,
                relocations: &[],
            },
            entries: &[],
        }
    }
}
impl Code for [Instruction] {}

impl<const N: usize> sealed::Sealed for [Instruction; N] {
    fn image(&self) -> Image<'_> {
        self.as_slice().image()
    }
}
impl<const N: usize> Code for [Instruction; N] {}

impl sealed::Sealed for Vec<Instruction> {
    fn image(&self) -> Image<'_> {
        self.as_slice().image()
    }
}
impl Code for Vec<Instruction> {}

impl sealed::Sealed for Assembled {
    fn image(&self) -> Image<'_> {
        Image {
            body: Body::A64 {
                code: &self.instructions,
                relocations: &self.relocations,
            },
            entries: &self.entries,
        }
    }
}
impl Code for Assembled {}

impl sealed::Sealed for x64::Code {
    fn image(&self) -> Image<'_> {
        Image {
            body: Body::X64 {
                code: self.bytes(),
                fixups: self.fixups(),
            },
            entries: self.entries(),
        }
    }
}
impl Code for x64::Code {}

impl<T: sealed::Sealed + ?Sized> sealed::Sealed for &T {
    fn image(&self) -> Image<'_> {
        (**self).image()
    }
}
impl<T: Code + ?Sized> Code for &T {}

#[cfg(test)]
mod tests {
    use super::sealed::Sealed;
    use crate::memory::provider::Fill;
    use crate::Instruction;

    #[test]
    fn words_are_written_little_endian_whatever_the_host() {
        let code = [Instruction::new(0xD65F_03C0), Instruction::new(0x1122_3344)];
        let image = code.image();
        let mut dst = [0u8; 8];
        image.fill(&mut dst, 0x1000).unwrap();
        assert_eq!(dst, [0xC0, 0x03, 0x5F, 0xD6, 0x44, 0x33, 0x22, 0x11]);
    }

    #[test]
    fn sizes_are_checked() {
        let empty: [Instruction; 0] = [];
        assert!(matches!(empty.image().len(), Err(crate::Error::Empty)));
        assert_eq!([Instruction::new(0); 3].image().len().unwrap(), 12);
    }
}
