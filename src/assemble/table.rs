//! A table of code addresses that generated code calls through.
//!
//! A code generator that commits each function into its own [`CodeBuffer`](crate::CodeBuffer)
//! cannot know, while emitting a call, where a callee that is not compiled yet will end up. A
//! [`CallTable`] fixes that with one indirection: entry `i` holds function `i`'s address, the
//! caller emits [`Assembler::call_indirect`](crate::Assembler::call_indirect) with the table's
//! base in a register, and the table is updated when the callee is committed. An entry can
//! start out pointing at a stub that compiles the function on first call and then points the
//! entry at the real code (lazy compilation).
//!
//! Entries are atomics: an update is one aligned 64-bit store, which A64 performs as a single
//! copy, so a call racing with it sees either the old address or the new one, never a mix.
//! The table itself is ordinary read+write data, never executable.

use std::sync::atomic::{AtomicUsize, Ordering};

use dynasmrt::aarch64::RXSP;
use dynasmrt::{dynasm, DynasmApi};

use super::Assembler;
use crate::Error;

/// A fixed-size table of code addresses, at a stable address, for
/// [`Assembler::call_indirect`](crate::Assembler::call_indirect).
///
/// ```
/// use jitkit::aarch64::RXSP;
/// use jitkit::{a64, dynasm, Assembler, CallTable, CodeBuffer, DynasmApi};
///
/// let callee = CodeBuffer::new();
/// let seven = callee.commit(&a64!(; mov x0, #7 ; ret)?)?;
///
/// let table = CallTable::new(1, 0);
/// table.set(0, seven.as_ptr() as usize)?;
///
/// // fn(table) -> table[0]() + 1
/// let mut asm = Assembler::new();
/// let frame = asm.prologue(0, &[])?;
/// dynasm!(asm ; .arch aarch64 ; mov x9, x0);
/// asm.call_indirect(RXSP::X9, 0)?;
/// dynasm!(asm ; .arch aarch64 ; add x0, x0, #1);
/// asm.epilogue(frame);
/// let caller = CodeBuffer::new();
/// let entry = caller.commit(&asm.finish()?.instructions)?;
/// # #[cfg(target_arch = "aarch64")] {
/// let f: extern "C" fn(usize) -> u64 = unsafe { entry.as_fn() };
/// assert_eq!(f(table.base()), 8);
/// # }
/// # Ok::<(), jitkit::Error>(())
/// ```
///
/// The table does not own what its entries point to: whoever fills it keeps the code alive
/// for as long as generated code may call through it.
#[derive(Debug)]
pub struct CallTable {
    entries: Box<[AtomicUsize]>,
}

impl CallTable {
    /// A table of `len` entries, each set to `target`.
    pub fn new(len: usize, target: usize) -> Self {
        CallTable {
            entries: (0..len).map(|_| AtomicUsize::new(target)).collect(),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The address of entry 0, to be loaded into the register given to
    /// [`call_indirect`](crate::Assembler::call_indirect). It does not change for the
    /// table's lifetime.
    pub fn base(&self) -> usize {
        self.entries.as_ptr() as usize
    }

    /// Points entry `index` at `target`.
    ///
    /// Errors: [`Error::TableIndex`] if `index` is not below [`len`](Self::len).
    pub fn set(&self, index: usize, target: usize) -> Result<(), Error> {
        let len = self.entries.len();
        self.entries
            .get(index)
            .ok_or(Error::TableIndex { index, len })?
            .store(target, Ordering::Release);
        Ok(())
    }

    /// The address in entry `index`, or `None` if out of range.
    pub fn get(&self, index: usize) -> Option<usize> {
        self.entries.get(index).map(|e| e.load(Ordering::Acquire))
    }
}

impl Assembler {
    /// Calls the function whose address is entry `index` of a table of 64-bit addresses at
    /// `table`: `ldr x16, [table, #index*8] ; blr x16`. For indices above 4095 the offset is
    /// built in `x16` first (in `x17` when `table` is `x16`).
    ///
    /// This is how separately committed functions call each other: the table, not the code,
    /// says where the callee is, so it can be compiled later, recompiled, or reached through a
    /// lazy-compilation stub (see [`CallTable`]). The register rules are those of
    /// [`call_abs`](Self::call_abs).
    ///
    /// Errors: [`Error::Immediate`] if `index * 8` overflows.
    pub fn call_indirect(&mut self, table: RXSP, index: usize) -> Result<(), Error> {
        let t = table;
        match index.checked_mul(8) {
            Some(off) if index <= 4095 => {
                let off = off as u32;
                dynasm!(self ; .arch aarch64 ; ldr x16, [XSP(t), off]);
            }
            Some(off) if table == RXSP::X16 => {
                self.load_imm64(dynasmrt::aarch64::RX::X17, off as u64);
                dynasm!(self ; .arch aarch64 ; ldr x16, [x16, x17]);
            }
            Some(off) => {
                self.load_imm64(dynasmrt::aarch64::RX::X16, off as u64);
                dynasm!(self ; .arch aarch64 ; ldr x16, [XSP(t), x16]);
            }
            None => {
                return Err(Error::Immediate {
                    value: index.to_string(),
                    statement: "call_indirect".to_string(),
                    allowed: "table indices below 2^61",
                })
            }
        }
        dynasm!(self ; .arch aarch64 ; blr x16);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::test_words as words;

    #[test]
    fn entries_update_in_place_at_a_stable_base() {
        let t = CallTable::new(3, 0x1000);
        let base = t.base();
        t.set(2, 0x2000).unwrap();
        assert_eq!(t.get(2), Some(0x2000));
        assert_eq!(t.get(0), Some(0x1000));
        assert_eq!(t.base(), base);
        // SAFETY: entry 2 is inside the table and holds an initialised usize.
        let raw = unsafe { *(base as *const usize).add(2) };
        assert_eq!(raw, 0x2000);
    }

    // Expected words are llvm-mc's encodings of the instructions named in the comments.
    #[test]
    fn call_indirect_loads_the_entry_then_branches() {
        // ldr x16, [x19, #32760] ; blr x16
        assert_eq!(
            words(|a| a.call_indirect(RXSP::X19, 4095)),
            [0xf97ffe70, 0xd63f0200]
        );
        // mov x16, #32768 ; ldr x16, [x19, x16] ; blr x16
        assert_eq!(
            words(|a| a.call_indirect(RXSP::X19, 4096)),
            [0xd2900010, 0xf8706a70, 0xd63f0200]
        );
        // mov x17, #32768 ; ldr x16, [x16, x17] ; blr x16
        assert_eq!(
            words(|a| a.call_indirect(RXSP::X16, 4096)),
            [0xd2900011, 0xf8716a10, 0xd63f0200]
        );
        // ldr x16, [sp, #8] ; blr x16
        assert_eq!(
            words(|a| a.call_indirect(RXSP::SP, 1)),
            [0xf94007f0, 0xd63f0200]
        );
        assert!(matches!(
            Assembler::new().call_indirect(RXSP::X0, usize::MAX / 4),
            Err(Error::Immediate { .. })
        ));
    }

    #[test]
    fn out_of_range_index_is_an_error() {
        let t = CallTable::new(2, 0);
        assert!(matches!(
            t.set(2, 1),
            Err(Error::TableIndex { index: 2, len: 2 })
        ));
        assert_eq!(t.get(5), None);
    }
}
