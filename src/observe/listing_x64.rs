//! Listings of committed x86-64 code: the x86-64 half of
//! [`ExecPtr::listing`](crate::ExecPtr::listing) (the A64 half, and the line format both share,
//! are in `listing.rs`).
//!
//! One line per instruction: symbol and offset, address and the instruction's bytes in a block
//! comment, then the instruction in AT&T syntax:
//!
//! ```text
//! /* count+0x0         0x00007f3a1c2e0000  48 31 c0                      */  xor %rax, %rax
//! /* count+0x3         0x00007f3a1c2e0003  48 ff c0                      */  inc %rax
//! /* count+0x6         0x00007f3a1c2e0006  0f 85 f7 ff ff ff             */  {disp32} jne .-3  // count+0x3
//! /* count+0xc         0x00007f3a1c2e000c  48 8b 05 10 00 00 00          */  mov 0x10(%rip), %rax  // 0x7f3a1c2e0023
//! ```
//!
//! AT&T is the syntax llvm-mc, gas and objdump read by default for x86-64, so each line is
//! valid assembler input on its own, without an `.intel_syntax` directive before it; the
//! `listing_x64` test feeds over a thousand instructions of every family of the x86-64 oracle
//! back through `llvm-mc -show-encoding`.
//!
//! x86-64 has several encodings of one instruction, and assemblers pick the shortest;
//! dynasm does not always (a dynamic base register is encoded with a SIB byte and a
//! displacement, a branch to a label with a 32-bit offset). Where the bytes hold the longer
//! encoding the line says so in the syntax LLVM's assembler reads, so that it assembles back to
//! the same bytes: `{disp8}`/`{disp32}` before the mnemonic for a displacement or branch offset
//! longer than needed, `%riz` as the index of a SIB byte without one, `{vex3}` for a three-byte
//! VEX prefix. Some choices have no syntax in LLVM 14 (a REX prefix with no bits set, which
//! dynasm writes for dynamic registers; the operand direction of a register-register `cmp`;
//! `81 /0` rather than the accumulator's short form; `c1 /4 01` rather than `d1 /4`): those
//! lines assemble to another encoding of the same instruction, and the byte column shows which. A branch target is written
//! relative to the instruction's own address (`.+16`, `.-3`), as the bytes hold it, and the
//! target follows in a `//` comment as `symbol+offset` when [`symbolize`] knows it, as an
//! address otherwise; a RIP-relative memory operand names its target the same way.
//!
//! The text comes from the `iced-x86` crate (cargo feature `listing`, on by default) with only
//! its decoder and AT&T formatter: pure Rust, maintained, and of the decoders measured the one
//! whose output llvm-mc re-assembles most often (99% of the oracle's forms as LLVM encodes
//! them, before the adjustments above, against 77% for `yaxpeax-x86`), and the quicker to build
//! (6 s against 14 s for a debug build). Bytes it cannot decode, and all
//! code in a build without the feature, are listed as `.byte` lines.

use std::fmt::Write;

use crate::{symbolize, Symbol};

/// The listing of `code`, which is live committed x86-64 code (so [`symbolize`] knows it).
pub(crate) fn listing(code: &[u8]) -> String {
    let base = code.as_ptr() as usize;
    let mut out = String::with_capacity(code.len() * 32);
    let mut current: Option<Symbol> = None;
    decode::each(code, base, |offset, len, text| {
        let addr = base + offset;
        if current.is_none_or(|s| addr.wrapping_sub(s.start()) >= s.len()) {
            current = symbolize(addr);
        }
        let place = match current {
            Some(s) => format!("{}+{:#x}", s.name(), addr - s.start()),
            None => String::from("?"),
        };
        let mut bytes = String::with_capacity(3 * len);
        for (i, b) in code[offset..offset + len].iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(bytes, "{sep}{b:02x}");
        }
        let _ = writeln!(out, "/* {place:<18} {addr:#018x}  {bytes:<29} */  {text}");
    });
    out
}

/// The listing of `code` wherever it is (committed or not): for the `listing_x64` test until
/// [`ExecPtr::listing`](crate::ExecPtr::listing) dispatches on the instruction set.
#[doc(hidden)]
pub fn __listing(code: &[u8]) -> String {
    listing(code)
}

/// `.byte 0x.., 0x..` for `bytes`.
fn byte_directive(bytes: &[u8]) -> String {
    let mut text = String::from(".byte ");
    for (i, b) in bytes.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(text, "{sep}{b:#04x}");
    }
    text
}

/// Where `target` is, for a comment: `symbol+offset`, or its address.
#[cfg(feature = "listing")]
fn describe(target: usize) -> String {
    match symbolize(target) {
        Some(s) => s.to_string(),
        None => format!("{target:#x}"),
    }
}

#[cfg(feature = "listing")]
mod decode {
    use iced_x86::{
        Code, ConstantOffsets, Decoder, DecoderOptions, Formatter, GasFormatter, Instruction,
        Mnemonic, OpKind, Register,
    };

    use super::{byte_directive, describe};

    /// Calls `line(offset, len, text)` for each instruction of `code`, which starts at `base`.
    pub(super) fn each(code: &[u8], base: usize, mut line: impl FnMut(usize, usize, String)) {
        let mut decoder = Decoder::with_ip(64, code, base as u64, DecoderOptions::NONE);
        let mut formatter = GasFormatter::new();
        let options = formatter.options_mut();
        options.set_space_after_operand_separator(true);
        options.set_uppercase_hex(false);
        // `0x10(%rip)` as encoded, rather than the target address LLVM would read as a
        // displacement; the target goes in the comment.
        options.set_rip_relative_addresses(true);
        let mut insn = Instruction::default();
        while decoder.can_decode() {
            let offset = decoder.position();
            decoder.decode_out(&mut insn);
            if insn.is_invalid() {
                // One byte, then decoding resumes at the next: the decoder may have read
                // further before it gave up.
                line(offset, 1, byte_directive(&code[offset..=offset]));
                // Both are within `code` (offset + 1 <= len) and its address range.
                let _ = decoder.set_position(offset + 1);
                decoder.set_ip((base + offset + 1) as u64);
                continue;
            }
            let bytes = &code[offset..offset + insn.len()];
            let offsets = decoder.get_constant_offsets(&insn);
            let mut text = text(&mut formatter, &insn, bytes, offsets);
            if vex3(bytes) {
                text.insert_str(0, "{vex3} ");
            }
            line(offset, insn.len(), text);
        }
    }

    /// AT&T text for `insn` (encoded as `bytes`) that assembles back to `bytes`.
    fn text(
        formatter: &mut GasFormatter,
        insn: &Instruction,
        bytes: &[u8],
        offsets: ConstantOffsets,
    ) -> String {
        let mut text = String::new();
        formatter.format(insn, &mut text);
        let addr = insn.ip() as usize;
        if matches!(
            insn.op0_kind(),
            OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
        ) {
            return branch(insn, &text, addr, offsets);
        }
        if insn.op_kind(0) == OpKind::Register
            && insn.op_count() == 2
            && insn.op_kind(1) == OpKind::Register
            && is_xchg_modrm(insn)
            && !names_accumulator(insn)
        {
            // LLVM puts the destination (the second AT&T operand) in ModRM.reg; iced prints
            // the operand in ModRM.rm second. Swapping them keeps the encoding. (With the
            // accumulator LLVM always takes the one-byte 90+r form, so the order is kept to
            // print both encodings alike.)
            if let Some((mnemonic, ops)) = text.split_once(' ') {
                if let Some((a, b)) = ops.split_once(", ") {
                    text = format!("{mnemonic} {b}, {a}");
                }
            }
        }
        if !(0..insn.op_count()).any(|i| insn.op_kind(i) == OpKind::Memory) {
            return text;
        }
        let base = insn.memory_base();
        if base == Register::RIP {
            let target = insn.memory_displacement64() as usize;
            return format!("{text}  // {}", describe(target));
        }
        let wide = in_range(base, Register::RAX, Register::R15);
        if !wide && !in_range(base, Register::EAX, Register::R15D) {
            return text;
        }
        let mut prefix = "";
        let displacement = insn.memory_displacement64() as i64;
        let displacement = if wide {
            displacement
        } else {
            i64::from(displacement as i32)
        };
        let bp = matches!(
            base,
            Register::RBP | Register::R13 | Register::EBP | Register::R13D
        );
        let shortest = if displacement == 0 && !bp {
            0
        } else if i8::try_from(displacement).is_ok() {
            1
        } else {
            4
        };
        let actual = if offsets.has_displacement() {
            offsets.displacement_size()
        } else {
            0
        };
        if actual > shortest {
            prefix = if actual == 1 { "{disp8} " } else { "{disp32} " };
        }
        if insn.memory_index() == Register::None
            && !matches!(
                base,
                Register::RSP | Register::R12 | Register::ESP | Register::R12D
            )
        {
            if let Some(scale) = empty_sib(insn, bytes, offsets) {
                let name = format!("(%{base:?})").to_lowercase();
                let riz = if wide { "riz" } else { "eiz" };
                let with = format!("(%{base:?},%{riz},{scale})").to_lowercase();
                text = text.replacen(&name, &with, 1);
            }
        }
        format!("{prefix}{text}")
    }

    /// `jmp .+16  // target`: the offset from the instruction as the bytes hold it, with
    /// `{disp32}` where they hold a 32-bit offset that LLVM would shorten to 8 bits.
    fn branch(insn: &Instruction, text: &str, addr: usize, offsets: ConstantOffsets) -> String {
        let target = insn.near_branch_target() as usize;
        let rel = target.wrapping_sub(addr) as isize;
        let Some((head, _)) = text.rsplit_once(' ') else {
            return text.to_owned();
        };
        // LLVM's short jmp and jcc are 2 bytes long: it uses them when rel8 reaches.
        let long = offsets.immediate_size() == 4
            && !matches!(insn.mnemonic(), Mnemonic::Call | Mnemonic::Xbegin)
            && i8::try_from(rel.wrapping_sub(2)).is_ok();
        let prefix = if long { "{disp32} " } else { "" };
        format!("{prefix}{head} .{rel:+}  // {}", describe(target))
    }

    /// Whether an operand of `insn` is AX, EAX or RAX.
    fn names_accumulator(insn: &Instruction) -> bool {
        (0..insn.op_count()).any(|i| {
            insn.op_kind(i) == OpKind::Register
                && matches!(
                    insn.op_register(i),
                    Register::AX | Register::EAX | Register::RAX
                )
        })
    }

    /// Whether `bytes` use the three-byte VEX prefix (C4), which LLVM uses only where the
    /// two-byte one (C5) cannot say what it must. In 64-bit mode C4 after the legacy prefixes
    /// is always VEX (Intel SDM Vol. 2A, section 2.3.5: `LES` does not exist there).
    fn vex3(bytes: &[u8]) -> bool {
        bytes.iter().find(|b| {
            !matches!(
                b,
                0x66 | 0x67 | 0xf0 | 0xf2 | 0xf3 | 0x26 | 0x2e | 0x36 | 0x3e | 0x64 | 0x65
            )
        }) == Some(&0xc4)
    }

    /// Whether `insn` is `xchg` between two registers through ModRM (opcodes 86 and 87).
    fn is_xchg_modrm(insn: &Instruction) -> bool {
        matches!(
            insn.code(),
            Code::Xchg_rm8_r8 | Code::Xchg_rm16_r16 | Code::Xchg_rm32_r32 | Code::Xchg_rm64_r64
        )
    }

    /// Whether `reg` is one of `first..=last` (iced numbers each register class in order).
    fn in_range(reg: Register, first: Register, last: Register) -> bool {
        (first as u32..=last as u32).contains(&(reg as u32))
    }

    /// The scale of a SIB byte with no index register, if `insn`'s memory operand has one.
    ///
    /// The ModRM and SIB bytes end where the displacement (or, without one, the immediate or
    /// the instruction) starts. The byte before is the SIB byte exactly when giving it an index
    /// field of 0 makes the decoder read an index register (in a ModRM byte those bits are the
    /// `reg` field instead).
    fn empty_sib(insn: &Instruction, bytes: &[u8], offsets: ConstantOffsets) -> Option<u32> {
        let end = if offsets.has_displacement() {
            offsets.displacement_offset()
        } else if offsets.immediate_size() > 0 {
            offsets.immediate_offset()
        } else {
            bytes.len()
        };
        let at = end.checked_sub(1)?;
        let mut probe = bytes.to_vec();
        probe[at] &= !0b0011_1000;
        let mut decoder = Decoder::with_ip(64, &probe, insn.ip(), DecoderOptions::NONE);
        let probed = decoder.decode();
        (probed.memory_index() != Register::None && probed.memory_base() == insn.memory_base())
            .then(|| 1 << (bytes[at] >> 6))
    }
}

#[cfg(not(feature = "listing"))]
mod decode {
    use super::byte_directive;

    /// Without a decoder: eight bytes a line, as `.byte` directives.
    pub(super) fn each(code: &[u8], _base: usize, mut line: impl FnMut(usize, usize, String)) {
        for (i, chunk) in code.chunks(8).enumerate() {
            line(8 * i, chunk.len(), byte_directive(chunk));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::listing;

    fn texts(code: &[u8]) -> Vec<String> {
        listing(code)
            .lines()
            .map(|l| l.split_once("*/  ").unwrap().1.to_owned())
            .collect()
    }

    #[test]
    #[cfg(feature = "listing")]
    fn encodings_longer_than_needed_are_marked() {
        let code = [
            0x48, 0x8b, 0x44, 0x20, 0x00, // mov rax, [rax + riz*1 + 0], disp8
            0x48, 0x8b, 0x80, 0x10, 0x00, 0x00, 0x00, // mov rax, [rax + 16], disp32
            0x48, 0x8b, 0x45, 0x00, // mov rax, [rbp], disp8 (the only way)
            0xe9, 0x00, 0x00, 0x00, 0x00, // jmp rel32 0
            0xeb, 0xfe, // jmp rel8 -2
            0x0f, 0x0b, // ud2
        ];
        let t = texts(&code);
        assert_eq!(t[0], "{disp8} mov (%rax,%riz,1), %rax");
        assert_eq!(t[1], "{disp32} mov 0x10(%rax), %rax");
        assert_eq!(t[2], "mov (%rbp), %rax");
        assert!(t[3].starts_with("{disp32} jmp .+5  // "), "{}", t[3]);
        assert!(t[4].starts_with("jmp .+0  // "), "{}", t[4]);
        assert_eq!(t[5], "ud2");
    }

    #[test]
    #[cfg(feature = "listing")]
    fn undecodable_bytes_are_listed_as_bytes() {
        // 0x06 (push es) does not exist in 64-bit mode (Intel SDM Vol. 2, appendix A.2.5).
        assert_eq!(texts(&[0x06, 0xc3]), [".byte 0x06", "ret"]);
    }

    #[test]
    #[cfg(not(feature = "listing"))]
    fn without_a_decoder_bytes_are_listed() {
        assert_eq!(
            texts(&[0x90; 9]),
            [
                ".byte 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90",
                ".byte 0x90"
            ]
        );
    }
}
