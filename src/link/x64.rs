//! Linking x86-64 code (see the [module above](super)).
//!
//! A `call`/`jmp`/`jcc` with a 32-bit displacement reaches ±2 GiB from the end of the
//! instruction. Beyond that it goes through a veneer, `jmp qword ptr [rip + 0] ; .quad target`
//! (Intel SDM Vol. 2A, JMP: `FF /4` with a RIP-relative operand): it clobbers no register and
//! pushes nothing, so a `call` through it returns to its caller. One veneer serves every
//! branch to one target. Other RIP-relative operands have no veneer.

use crate::Error;

/// A reference from x86-64 code to an absolute address: a PC-relative field of `size` bytes
/// at byte `field`, relative to the address of byte `reference` (the end of the instruction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Fixup {
    pub(crate) field: usize,
    pub(crate) size: u8,
    pub(crate) reference: usize,
    pub(crate) target: usize,
}

/// `jmp qword ptr [rip + 0]`, followed by the 8-byte target.
const JMP_RIP_0: [u8; 6] = [0xFF, 0x25, 0, 0, 0, 0];
const VENEER_BYTES: usize = 14;
/// `int3`: what padding holds.
const INT3: u8 = 0xCC;

/// Whether the fixup is the rel32 of a `call` (E8), `jmp` (E9) or `jcc` (0F 80+cc), which a
/// veneer can stand in for (Intel SDM Vol. 2A, CALL, JMP, Jcc).
fn has_veneer(code: &[u8], f: &Fixup) -> bool {
    if f.size != 4 || f.reference != f.field + 4 {
        return false;
    }
    match f.field.checked_sub(1).map(|i| code[i]) {
        Some(0xE8 | 0xE9) => true,
        Some(0x80..=0x8F) => f.field >= 2 && code[f.field - 2] == 0x0F,
        _ => false,
    }
}

/// The distinct branch targets that may need a veneer, in first-use order.
///
/// Errors: [`Error::OutOfMemory`] when the list cannot be allocated.
fn veneer_targets(code: &[u8], fixups: &[Fixup]) -> Result<Vec<usize>, Error> {
    let mut targets = super::target_list(fixups.len())?;
    for f in fixups {
        if f.field < code.len() && has_veneer(code, f) && !targets.contains(&f.target) {
            targets.push(f.target);
        }
    }
    Ok(targets)
}

/// Bytes of linked code: the code, padding to 8 bytes, and room for one veneer per distinct
/// branch target.
pub(crate) fn linked_len(code: &[u8], fixups: &[Fixup]) -> Result<usize, Error> {
    let veneers = veneer_targets(code, fixups)?.len();
    Ok(if veneers == 0 {
        code.len()
    } else {
        code.len().next_multiple_of(8) + veneers * VENEER_BYTES
    })
}

/// Writes `code`, linked for the address `base`, into `dst` ([`linked_len`] bytes).
///
/// Errors: [`Error::Link`] for a reference that neither its field nor a veneer can reach.
pub(crate) fn link(
    code: &[u8],
    fixups: &[Fixup],
    base: usize,
    dst: &mut [u8],
) -> Result<(), Error> {
    dst[..code.len()].copy_from_slice(code);
    if fixups.is_empty() {
        return Ok(());
    }
    let targets = veneer_targets(code, fixups)?;
    let veneers_at = code.len().next_multiple_of(8);
    dst[code.len()..].fill(INT3);
    for (k, &target) in targets.iter().enumerate() {
        let v = veneers_at + k * VENEER_BYTES;
        dst[v..v + 6].copy_from_slice(&JMP_RIP_0);
        dst[v + 6..v + 14].copy_from_slice(&(target as u64).to_le_bytes());
    }
    for f in fixups {
        let size = usize::from(f.size);
        if f.field + size > code.len() || !matches!(f.size, 1 | 2 | 4 | 8) {
            return Err(Error::Link {
                target: f.target,
                distance: 0,
                reason: "the relocation does not lie inside the code",
            });
        }
        let from = base.wrapping_add(f.reference);
        let distance = (f.target as i64).wrapping_sub(from as i64);
        let fits = size == 8 || {
            let bits = 8 * size as u32;
            distance >= -(1i64 << (bits - 1)) && distance < (1i64 << (bits - 1))
        };
        let value = if fits {
            distance
        } else if has_veneer(code, f) {
            let k = targets.iter().position(|&t| t == f.target).unwrap_or(0);
            (veneers_at + k * VENEER_BYTES) as i64 - f.reference as i64
        } else {
            return Err(Error::Link {
                target: f.target,
                distance,
                reason: match size {
                    4 => "a 32-bit displacement reaches ±2 GiB",
                    2 => "a 16-bit displacement reaches ±32 KiB",
                    _ => "an 8-bit displacement reaches ±128 bytes",
                },
            });
        };
        dst[f.field..f.field + size].copy_from_slice(&value.to_le_bytes()[..size]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `call rel32 ; ret`, the field at 1, the reference at 5.
    const CALL_RET: [u8; 6] = [0xE8, 0, 0, 0, 0, 0xC3];
    /// `lea rax, [rip + disp32] ; ret`.
    const LEA_RET: [u8; 8] = [0x48, 0x8D, 0x05, 0, 0, 0, 0, 0xC3];

    fn call_to(target: usize) -> Fixup {
        Fixup {
            field: 1,
            size: 4,
            reference: 5,
            target,
        }
    }

    fn linked(code: &[u8], fixups: &[Fixup], base: usize) -> Result<Vec<u8>, Error> {
        let mut out = vec![0u8; linked_len(code, fixups).unwrap()];
        link(code, fixups, base, &mut out)?;
        Ok(out)
    }

    fn rel32(out: &[u8], at: usize) -> i32 {
        i32::from_le_bytes(out[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn a_near_call_is_direct() {
        let base = 0x40_0000;
        let out = linked(&CALL_RET, &[call_to(base + 0x1000)], base).unwrap();
        assert_eq!(rel32(&out, 1), 0x1000 - 5);
        assert_eq!(out.len(), 8 + VENEER_BYTES);
    }

    #[test]
    fn a_far_call_goes_through_a_veneer() {
        let base = 0x7f00_0000_0000;
        let target = 0x1000usize;
        let out = linked(&CALL_RET, &[call_to(target)], base).unwrap();
        assert_eq!(rel32(&out, 1), 8 - 5);
        assert_eq!(out[6..8], [INT3, INT3]);
        assert_eq!(out[8..14], JMP_RIP_0);
        assert_eq!(out[14..22], (target as u64).to_le_bytes());
    }

    #[test]
    fn a_far_rip_relative_operand_is_an_error() {
        let f = Fixup {
            field: 3,
            size: 4,
            reference: 7,
            target: 1 << 40,
        };
        assert_eq!(linked_len(&LEA_RET, &[f]).unwrap(), LEA_RET.len());
        let err = linked(&LEA_RET, &[f], 0x1000).unwrap_err();
        assert!(
            matches!(err, Error::Link { target, distance, .. } if target == 1 << 40 && distance == (1 << 40) - 0x1007),
            "{err:?}"
        );
        let near = linked(
            &LEA_RET,
            &[Fixup {
                target: 0x2007,
                ..f
            }],
            0x1000,
        )
        .unwrap();
        assert_eq!(rel32(&near, 3), 0x1000);
    }

    #[test]
    fn a_fixup_outside_the_code_is_an_error() {
        let f = Fixup {
            field: 4,
            size: 4,
            reference: 8,
            target: 0,
        };
        assert!(matches!(
            linked(&CALL_RET, &[f], 0),
            Err(Error::Link { .. })
        ));
    }
}
