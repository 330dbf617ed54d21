//! Listings of committed code: [`ExecPtr::listing`](crate::ExecPtr::listing).
//!
//! One line per instruction, address, word, mnemonic and operands:
//!
//! ```text
//! /* fib+0x0           0x0000ffff8a7f0000  a9bf7bfd */  stp x29, x30, [sp, #-16]!
//! /* fib+0x8           0x0000ffff8a7f0008  94000004 */  bl #16  // fib+0x18
//! ```
//!
//! Everything before the instruction is a block comment, so each line is valid input to an
//! assembler such as `llvm-mc` and assembles back to its word (the `listing` test checks this
//! for over a thousand words of every instruction family). PC-relative operands are written as
//! the byte offset the instruction encodes (`b #-8`, `adrp x0, #4096`), which is what the word
//! holds, and the target follows in a `//` comment as `symbol+offset` when
//! [`symbolize`](crate::symbolize) knows it, as an address otherwise.
//!
//! The text comes from the `disarm64` crate (cargo feature `listing`, on by default): pure Rust,
//! generated from Arm's machine-readable specification, and, of the decoders measured
//! (`yaxpeax-arm`, `disarm64`), the one whose output llvm-mc re-assembles most often (98% against
//! 57% of random valid words; `capstone` was not taken because it builds a C library). A word it
//! cannot decode, and every word in a build without the feature, is listed as `.inst 0x<word>`.
//! A few encoding classes that disarm64 lists as another instruction are written from their
//! fields instead (`disarm_fixes.rs`).

use std::fmt::Write;

use crate::{symbolize, Instruction, InstructionKind, Isa, Symbol};

/// The listing of `code`, which is live committed code (so [`symbolize`] knows it) in the
/// instruction set `isa`.
pub(crate) fn listing(code: &[u8], isa: Isa) -> String {
    match isa {
        Isa::A64 => listing_a64(code),
        _ => super::listing_x64::listing(code),
    }
}

/// The listing of A64 `code`.
fn listing_a64(code: &[u8]) -> String {
    let mut out = String::with_capacity(code.len() / 4 * 72);
    let base = code.as_ptr() as usize;
    let mut current: Option<Symbol> = None;
    for (i, bytes) in code.chunks_exact(4).enumerate() {
        let addr = base + 4 * i;
        let word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        if current.is_none_or(|s| addr.wrapping_sub(s.start()) >= s.len()) {
            current = symbolize(addr);
        }
        let place = match current {
            Some(s) => format!("{}+{:#x}", s.name(), addr - s.start()),
            None => String::from("?"),
        };
        let _ = writeln!(
            out,
            "/* {place:<18} {addr:#018x}  {word:08x} */  {}",
            line_text(Instruction::new(word), addr)
        );
    }
    out
}

/// The assembler text of `insn` at `addr`, with a `//` comment naming a PC-relative target.
pub(crate) fn line_text(insn: Instruction, addr: usize) -> String {
    let Some(text) = decode(insn.word()) else {
        return format!(".inst {:#010x}", insn.word());
    };
    let (Some(offset), kind) = (insn.branch_offset(), insn.kind()) else {
        return text;
    };
    let target = if kind == InstructionKind::Adrp {
        (addr & !0xfff).wrapping_add_signed(offset as isize)
    } else {
        addr.wrapping_add_signed(offset as isize)
    };
    // The decoder prints the target as an address taken from PC 0; the word holds the offset.
    let operands = match text.rsplit_once(", ") {
        Some((head, _)) => format!("{head}, #{offset}"),
        None => match text.split_once(' ') {
            Some((mnemonic, _)) => format!("{mnemonic} #{offset}"),
            None => return text,
        },
    };
    match symbolize(target) {
        Some(s) => format!("{operands}  // {s}"),
        None => format!("{operands}  // {target:#x}"),
    }
}

/// `mnemonic operands` for `word`, or `None` where the decoder has no text for it.
#[cfg(feature = "listing")]
fn decode(word: u32) -> Option<String> {
    if let Some(text) = super::disarm_fixes::correct(word) {
        return text;
    }
    let insn = disarm64::decoder::decode(word)?;
    let text = insn.to_string();
    if text.contains('<') {
        // The decoder marks an operand it could not print as `<undefined>`.
        return None;
    }
    let mut parts = text.split('\t').filter(|p| !p.is_empty());
    let mnemonic = parts.next()?;
    let operands: Vec<&str> = parts.collect();
    if mnemonic == "ret" && operands == ["x30"] {
        return Some(String::from("ret"));
    }
    Some(if operands.is_empty() {
        mnemonic.to_owned()
    } else {
        format!("{mnemonic} {}", operands.join(" "))
    })
}

#[cfg(not(feature = "listing"))]
fn decode(_word: u32) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::line_text;
    use crate::Instruction;

    #[test]
    #[cfg(feature = "listing")]
    fn pc_relative_operands_are_offsets() {
        let at = 0x1000_0000;
        assert_eq!(
            line_text(Instruction::new(0x1400_0004), at),
            "b #16  // 0x10000010"
        );
        assert_eq!(
            line_text(Instruction::new(0x17ff_fffe), at),
            "b #-8  // 0xffffff8"
        );
        assert_eq!(
            line_text(Instruction::new(0xb400_0040), at),
            "cbz x0, #8  // 0x10000008"
        );
        assert_eq!(line_text(Instruction::new(0xd65f_03c0), at), "ret");
    }

    #[test]
    fn undecodable_words_are_listed_as_inst() {
        // An unallocated encoding (op0 = 0b0001, reserved in the Arm ARM's top-level table).
        assert_eq!(
            line_text(Instruction::new(0x0200_0000), 0),
            ".inst 0x02000000"
        );
    }
}
