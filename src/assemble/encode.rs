//! Instruction forms that jitkit encodes itself, where dynasm 5.1 has no form or a wrong one.
//!
//! `a64!` and `dynasm!` call these with register numbers already range-checked and with the
//! immediate as written (any integer type, widened to `i128` so that no value is cut before it
//! is checked). Each function states the Arm ARM entry whose encoding it follows; the llvm-mc
//! oracle test checks every one of them.

use dynasmrt::aarch64::{encode_logical_immediate_32bit, encode_logical_immediate_64bit};

use super::support::Fault;

/// `value` as a `bits`-wide pattern: a negative value is taken in two's complement, as
/// assemblers do (`#-1` is all ones). Values outside `-(2^(bits-1))..2^bits` do not fit.
fn pattern(value: i128, bits: u32, allowed: &'static str) -> Result<u64, Fault> {
    let (min, max) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
    if value < min || value > max {
        return Err(Fault::immediate(value, allowed));
    }
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    Ok((value as u64) & mask)
}

fn sf(bits: u32) -> u32 {
    u32::from(bits == 64) << 31
}

/// A logical immediate's `N:immr:imms` field (Arm ARM C6.2.12, DecodeBitMasks), if `x` is one.
fn bitmask(x: u64, bits: u32) -> Option<u32> {
    if bits == 64 {
        encode_logical_immediate_64bit(x).map(u32::from)
    } else {
        encode_logical_immediate_32bit(x as u32).map(u32::from)
    }
}

const MOV_ALLOWED: &str = "a value one MOVZ, MOVN or ORR (bitmask) instruction can build; Assembler::load_imm64 builds any 64-bit value";

/// `mov Rd, #imm`, as the Arm ARM's three aliases choose it: MOVZ (C6.2.192) when one 16-bit
/// piece holds the value, else MOVN (C6.2.191) when one holds its complement, else ORR with the
/// zero register (C6.2.193) for a bitmask value. When `sp_class` is set, register 31 is SP, which
/// only ORR can write.
#[inline]
pub fn mov_immediate(bits: u32, sp_class: bool, rd: u32, value: i128) -> Result<u32, Fault> {
    let x = pattern(value, bits, MOV_ALLOWED)?;
    let mask = if bits == 64 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    };
    if !(sp_class && rd == 31) {
        for (op, v) in [(0x5280_0000u32, x), (0x1280_0000, !x & mask)] {
            for hw in 0..bits / 16 {
                if v & !(0xFFFF << (16 * hw)) == 0 {
                    let imm16 = ((v >> (16 * hw)) & 0xFFFF) as u32;
                    return Ok(sf(bits) | op | hw << 21 | imm16 << 5 | rd);
                }
            }
        }
    }
    match bitmask(x, bits) {
        Some(enc) => Ok(sf(bits) | 0x3200_0000 | enc << 10 | 31 << 5 | rd),
        None => Err(Fault::immediate(value, MOV_ALLOWED)),
    }
}

const LOGICAL_ALLOWED: &str = "a bitmask: a rotated run of ones repeated in 2-, 4-, 8-, 16-, 32- or 64-bit elements, not 0 and not all ones";

/// AND/ORR/EOR/ANDS (immediate) (Arm ARM C6.2.12, C6.2.205, C6.2.88, C6.2.14), `opc` 0 to 3.
/// `complement` encodes BIC/ORN/EON/BICS with an immediate, which are the same instructions
/// with the complemented value.
#[inline]
pub fn logical_immediate(
    opc: u32,
    bits: u32,
    complement: bool,
    rd: u32,
    rn: u32,
    value: i128,
) -> Result<u32, Fault> {
    let mut x = pattern(value, bits, LOGICAL_ALLOWED)?;
    if complement {
        x = !x
            & if bits == 64 {
                u64::MAX
            } else {
                u64::from(u32::MAX)
            };
    }
    let enc = bitmask(x, bits).ok_or_else(|| Fault::immediate(value, LOGICAL_ALLOWED))?;
    Ok(sf(bits) | opc << 29 | 0x1200_0000 | enc << 10 | rn << 5 | rd)
}

/// SBFM/BFM/UBFM (Arm ARM C6.2.256, C6.2.30, C6.2.375), `opc` 0, 1, 2: `immr` and `imms` are
/// each any bit position of the register.
#[inline]
pub fn bitfield_move(
    opc: u32,
    bits: u32,
    rd: u32,
    rn: u32,
    immr: i128,
    imms: i128,
) -> Result<u32, Fault> {
    let allowed = if bits == 64 { "0..=63" } else { "0..=31" };
    let range = 0..i128::from(bits);
    for v in [immr, imms] {
        if !range.contains(&v) {
            return Err(Fault::immediate(v, allowed));
        }
    }
    let n = u32::from(bits == 64) << 22;
    Ok(sf(bits)
        | opc << 29
        | 0x1300_0000
        | n
        | (immr as u32) << 16
        | (imms as u32) << 10
        | rn << 5
        | rd)
}

/// PRFM (immediate) (Arm ARM C6.2.247): an offset that is a multiple of 8 in 0..=32760; with
/// `unscaled`, PRFUM (C6.2.249): -256..=255. As in llvm-mc, `prfm` does not turn into `prfum`.
#[inline]
pub fn prefetch(op: u32, rn: u32, offset: i128, unscaled: bool) -> Result<u32, Fault> {
    if unscaled {
        if (-256..=255).contains(&offset) {
            return Ok(0xF880_0000 | ((offset as u32) & 0x1FF) << 12 | rn << 5 | op);
        }
        return Err(Fault::immediate(offset, "-256..=255"));
    }
    if offset % 8 == 0 && (0..=32760).contains(&offset) {
        return Ok(0xF980_0000 | ((offset / 8) as u32) << 10 | rn << 5 | op);
    }
    Err(Fault::immediate(
        offset,
        "a multiple of 8 in 0..=32760 (prfum takes -256..=255)",
    ))
}

/// MSR (immediate) (Arm ARM C6.2.195): `word` is the instruction for the field with a zero
/// immediate, which goes into CRm.
#[inline]
pub fn pstate(word: u32, max: u32, value: i128) -> Result<u32, Fault> {
    if !(0..=i128::from(max)).contains(&value) {
        return Err(Fault::immediate(
            value,
            if max == 1 { "0..=1" } else { "0..=15" },
        ));
    }
    Ok(word | (value as u32) << 8)
}

/// The width of UBFX/SBFX/BFXIL/UBFIZ/SBFIZ/BFI/BFC (Arm ARM C6.2.374 and the other bitfield
/// aliases): at least 1, and `lsb + width` within the register. dynasm computes `width - 1`
/// before checking, which overflows for 0.
#[inline]
pub fn bitfield_width(bits: u32, lsb: i128, width: i128) -> Result<(), Fault> {
    let bits = i128::from(bits);
    if !(0..bits).contains(&lsb) {
        return Err(Fault::immediate(
            lsb,
            if bits == 64 {
                "a bit position 0..=63"
            } else {
                "a bit position 0..=31"
            },
        ));
    }
    if width < 1 || lsb + width > bits {
        return Err(Fault::immediate(
            width,
            if bits == 64 {
                "a width 1..=64 - lsb (the field must lie within the 64-bit register)"
            } else {
                "a width 1..=32 - lsb (the field must lie within the 32-bit register)"
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mov_prefers_movz_then_movn_then_orr() {
        assert_eq!(mov_immediate(64, false, 0, 0x10000), Ok(0xD2A0_0020)); // movz x0, #1, lsl #16
        assert_eq!(mov_immediate(64, false, 0, -1), Ok(0x9280_0000)); // movn x0, #0
        assert_eq!(mov_immediate(32, false, 0, -65536), Ok(0x52BF_FFE0)); // movz w0, #0xffff, lsl 16
        assert_eq!(
            mov_immediate(64, false, 0, 0x5555_5555_5555_5555),
            Ok(0xB200_F3E0)
        );
        assert_eq!(
            mov_immediate(64, true, 31, 0x5555_5555_5555_5555),
            Ok(0xB200_F3FF)
        );
        assert!(mov_immediate(64, false, 0, 0x1234_5678).is_err());
        assert!(mov_immediate(32, false, 0, 1 << 32).is_err());
    }

    #[test]
    fn bitfield_widths_are_checked_before_any_arithmetic() {
        assert!(bitfield_width(64, 0, 0).is_err());
        assert!(bitfield_width(64, 60, 5).is_err());
        assert!(bitfield_width(32, 32, 1).is_err());
        assert!(bitfield_width(64, 60, 4).is_ok());
    }
}
