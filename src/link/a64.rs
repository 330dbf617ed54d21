//! Linking A64 code (see the [module above](super)).
//!
//! `b`/`bl` reach ±128 MiB. Beyond that they go through a veneer, `ldr x16, #8 ; br x16 ;
//! .quad target`: it clobbers only x16 (IP0, which AAPCS64 §6.4 "Call, Return and Stack" gives
//! to exactly this use between a call and its callee) and keeps x30, so a `bl` through it
//! returns to its caller. One veneer serves every branch to one target. `adr` and literal
//! loads reach ±1 MiB, `adrp` ±4 GiB in 4 KiB pages; conditional, compare and test branches
//! ±1 MiB or ±32 KiB. Those have no veneer.

use super::Relocation;
use crate::{Error, Instruction, InstructionKind};

/// `ldr x16, #8`
const LDR_X16_PLUS_8: u32 = 0x5800_0050;
/// `br x16`
const BR_X16: u32 = 0xD61F_0200;
/// `udf #0`: what unused veneer space holds.
const UDF: u32 = 0;
/// Words one veneer takes: two instructions and an 8-byte address.
const VENEER_WORDS: usize = 4;

/// Whether `kind` is reached through a veneer when out of range.
fn has_veneer(kind: InstructionKind) -> bool {
    matches!(kind, InstructionKind::Branch | InstructionKind::BranchLink)
}

/// The distinct branch targets that may need a veneer, in first-use order.
///
/// Errors: [`Error::OutOfMemory`] when the list cannot be allocated.
fn veneer_targets(code: &[Instruction], relocations: &[Relocation]) -> Result<Vec<usize>, Error> {
    let mut targets = super::target_list(relocations.len())?;
    for r in relocations {
        let kind = code.get(r.offset / 4).map(|i| i.kind());
        if kind.is_some_and(has_veneer) && !targets.contains(&r.target) {
            targets.push(r.target);
        }
    }
    Ok(targets)
}

/// Bytes of linked code: the code, a padding word if needed to align the veneers' 8-byte
/// addresses, and room for one veneer per distinct branch target.
pub(crate) fn linked_len(code: &[Instruction], relocations: &[Relocation]) -> Result<usize, Error> {
    let veneers = veneer_targets(code, relocations)?.len();
    let words = if veneers == 0 {
        code.len()
    } else {
        code.len() + code.len() % 2 + veneers * VENEER_WORDS
    };
    Ok(words * 4)
}

fn put(dst: &mut [u8], index: usize, word: u32) {
    dst[index * 4..index * 4 + 4].copy_from_slice(&word.to_le_bytes());
}

/// Writes `code`, linked for the address `base`, into `dst` ([`linked_len`] bytes).
///
/// Errors: [`Error::Link`] for a reference that no instruction or veneer can reach, or a
/// relocation that does not point at a PC-relative instruction.
pub(crate) fn link(
    code: &[Instruction],
    relocations: &[Relocation],
    base: usize,
    dst: &mut [u8],
) -> Result<(), Error> {
    Instruction::write_le(code, &mut dst[..code.len() * 4]);
    if relocations.is_empty() {
        return Ok(());
    }
    let targets = veneer_targets(code, relocations)?;
    let veneers_at = code.len() + code.len() % 2;
    for i in code.len()..dst.len() / 4 {
        put(dst, i, UDF);
    }
    for (k, &target) in targets.iter().enumerate() {
        let v = veneers_at + k * VENEER_WORDS;
        let t = target as u64;
        for (i, w) in [LDR_X16_PLUS_8, BR_X16, t as u32, (t >> 32) as u32]
            .into_iter()
            .enumerate()
        {
            put(dst, v + i, w);
        }
    }
    for r in relocations {
        let index = r.offset / 4;
        let insn = match code.get(index) {
            Some(i) if r.offset % 4 == 0 => *i,
            _ => {
                return Err(Error::Link {
                    target: r.target,
                    distance: 0,
                    reason: "the relocation does not point at an instruction of the code",
                })
            }
        };
        let pc = base.wrapping_add(r.offset);
        let kind = insn.kind();
        let offset = match kind {
            InstructionKind::Adrp => (r.target & !0xFFF) as i64 - (pc & !0xFFF) as i64,
            _ => r.target as i64 - pc as i64,
        };
        let linked = match insn.with_branch_offset(offset) {
            Ok(linked) => linked,
            Err(_) if has_veneer(kind) => {
                let k = targets.iter().position(|&t| t == r.target).unwrap_or(0);
                let veneer = ((veneers_at + k * VENEER_WORDS) * 4) as i64 - r.offset as i64;
                insn.with_branch_offset(veneer)?
            }
            Err(Error::NotPcRelative { .. }) => {
                return Err(Error::Link {
                    target: r.target,
                    distance: offset,
                    reason: "the instruction has no PC-relative field",
                })
            }
            Err(Error::MisalignedOffset { .. }) => {
                return Err(Error::Link {
                    target: r.target,
                    distance: offset,
                    reason: "the instruction can only refer to a 4-byte aligned address",
                })
            }
            Err(_) => {
                return Err(Error::Link {
                    target: r.target,
                    distance: offset,
                    reason: match kind {
                        InstructionKind::Adrp => "adrp reaches ±4 GiB",
                        InstructionKind::Adr => "adr reaches ±1 MiB",
                        InstructionKind::LoadLiteral => "a literal load reaches ±1 MiB",
                        InstructionKind::TestBranch => "tbz/tbnz reach ±32 KiB",
                        _ => "a conditional or compare branch reaches ±1 MiB",
                    },
                })
            }
        };
        put(dst, index, linked.word());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BL: u32 = 0x9400_0000;
    const ADRP_X0: u32 = 0x9000_0000;
    const ADR_X1: u32 = 0x1000_0001;
    const RET: u32 = 0xD65F_03C0;

    fn linked(code: &[u32], relocs: &[Relocation], base: usize) -> Result<Vec<u32>, Error> {
        let code: Vec<Instruction> = code.iter().map(|&w| Instruction::new(w)).collect();
        let mut out = vec![0xAAu8; linked_len(&code, relocs).unwrap()];
        link(&code, relocs, base, &mut out)?;
        Ok(out
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect())
    }

    #[test]
    fn a_near_branch_is_direct_and_its_veneer_unused() {
        let base = 0x10_0000;
        let r = [Relocation {
            offset: 0,
            target: base + 0x1000,
        }];
        let out = linked(&[BL, RET], &r, base).unwrap();
        assert_eq!(out[0], BL | (0x1000 / 4));
        assert_eq!(out.len(), 2 + 4);
        assert_eq!(out[2..4], [LDR_X16_PLUS_8, BR_X16]);
    }

    #[test]
    fn a_far_branch_goes_through_a_veneer_that_keeps_x30() {
        let base = 0x7f00_0000_0000;
        let target = 0x1000_0000usize;
        let r = [Relocation { offset: 4, target }];
        let out = linked(&[RET, BL, RET], &r, base).unwrap();
        // Three words, one of padding, then the veneer at word 4 (byte 16): bl .+12.
        assert_eq!(out[1], BL | 3);
        assert_eq!(out[3], UDF);
        assert_eq!(out[4..8], [LDR_X16_PLUS_8, BR_X16, target as u32, 0]);
    }

    #[test]
    fn branches_to_one_target_share_a_veneer() {
        let r = [
            Relocation {
                offset: 0,
                target: 1 << 40,
            },
            Relocation {
                offset: 4,
                target: 1 << 40,
            },
        ];
        let out = linked(&[BL, BL], &r, 0x1000).unwrap();
        assert_eq!(out.len(), 2 + 4);
        assert_eq!(out[0], BL | 2);
        assert_eq!(out[1], BL | 1);
    }

    #[test]
    fn adrp_takes_the_page_difference_and_adr_the_byte_difference() {
        let base = 0x12_3456_7000;
        let r = [
            Relocation {
                offset: 0,
                target: 0x12_3457_8abc,
            },
            Relocation {
                offset: 4,
                target: base + 4 + 100,
            },
        ];
        let out = linked(&[ADRP_X0, ADR_X1], &r, base).unwrap();
        assert_eq!(Instruction::new(out[0]).branch_offset(), Some(0x11000));
        assert_eq!(Instruction::new(out[1]).branch_offset(), Some(100));
    }

    #[test]
    fn out_of_reach_references_are_errors_naming_target_and_distance() {
        let r = [Relocation {
            offset: 0,
            target: 1 << 40,
        }];
        let err = linked(&[ADR_X1], &r, 0x1000).unwrap_err();
        assert!(
            matches!(err, Error::Link { target, distance, .. } if target == 1 << 40 && distance == (1 << 40) - 0x1000),
            "{err:?}"
        );
        assert!(err.to_string().contains("±1 MiB"), "{err}");
        let err = linked(&[RET], &r, 0x1000).unwrap_err();
        assert!(matches!(err, Error::Link { .. }), "{err:?}");
        let r = [Relocation {
            offset: 2,
            target: 0,
        }];
        assert!(matches!(linked(&[BL], &r, 0x1000), Err(Error::Link { .. })));
    }
}
