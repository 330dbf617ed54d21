//! Instruction forms that jitkit encodes itself, where dynasm 5.1 has no form or a wrong one.
//!
//! `a64!` and `dynasm!` call these with register numbers already range-checked and with the
//! immediate as written (any integer type, widened to `i128` so that no value is cut before it
//! is checked). They are `const fn`: when every operand is a literal, the macros evaluate them
//! at compile time, so a bad literal is a compile error, as in dynasm. Each function names the
//! Arm ARM entry whose encoding it follows; the llvm-mc oracle test checks every one of them.

/// An immediate a form cannot hold: the value and what the form accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reject {
    /// The value as written.
    pub value: i128,
    /// What the field accepts.
    pub allowed: &'static str,
}

const fn reject(value: i128, allowed: &'static str) -> Reject {
    Reject { value, allowed }
}

const fn mask(bits: u32) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// `value` as a `bits`-wide pattern: a negative value is taken in two's complement, as
/// assemblers do (`#-1` is all ones). Values outside `-(2^(bits-1))..2^bits` do not fit.
const fn pattern(value: i128, bits: u32, allowed: &'static str) -> Result<u64, Reject> {
    let (min, max) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
    if value < min || value > max {
        return Err(reject(value, allowed));
    }
    Ok((value as u64) & mask(bits))
}

const fn sf(bits: u32) -> u32 {
    if bits == 64 {
        1 << 31
    } else {
        0
    }
}

/// `x` rotated right by `r` within an `e`-bit element.
#[cfg(test)]
const fn rotr(x: u64, r: u32, e: u32) -> u64 {
    if r == 0 {
        x
    } else {
        ((x >> r) | (x << (e - r))) & mask(e)
    }
}

/// A logical immediate's `N:immr:imms` field, packed as `N << 12 | immr << 6 | imms`, if the
/// `bits`-wide pattern `x` is one (Arm ARM C6.2.12 and the pseudocode DecodeBitMasks): an
/// element of 2, 4, ..., 64 bits, repeated, that is a rotated run of ones, neither empty nor
/// full.
///
/// Constant time, since code generators ask this of most constants they load: the pattern is
/// widened to 64 bits (a 32-bit pattern repeated), its element size is the smallest period,
/// and a repeated element is a rotated run exactly when each element holds one `0 -> 1`
/// boundary, read cyclically.
pub const fn bitmask(x: u64, bits: u32) -> Option<u32> {
    if x == 0 || x == mask(bits) || (bits < 64 && x > mask(bits)) {
        return None;
    }
    let wide = if bits == 32 { x | (x << 32) } else { x };
    // The smallest period: halve while the halves agree.
    let mut e = 64;
    while e > 2 && wide == wide.rotate_right(e / 2) {
        e /= 2;
    }
    // Cyclic boundaries `0 -> 1` (bit i set, bit i-1 clear): one per element, or not a run.
    let starts = wide & !wide.rotate_left(1);
    if starts.count_ones() != 64 / e {
        return None;
    }
    let elem = wide & mask(e);
    let ones = elem.count_ones();
    // The run starts at the lowest boundary inside the element; rotating right by that much
    // brings it to bit 0.
    let r = (starts & mask(e)).trailing_zeros();
    let immr = (e - r) % e;
    let n = if e == 64 { 1 } else { 0 };
    let imms = ((!(e - 1) << 1) & 0x3F) | (ones - 1);
    Some(n << 12 | immr << 6 | imms)
}

const MOV_ALLOWED: &str = "a value one MOVZ, MOVN or ORR (bitmask) instruction can build; Assembler::load_imm64 builds any 64-bit value";

/// `mov Rd, #imm`, as the Arm ARM's three aliases choose it: MOVZ (C6.2.192) when one 16-bit
/// piece holds the value, else MOVN (C6.2.191) when one holds its complement, else ORR with the
/// zero register (C6.2.193) for a bitmask value. When `sp_class` is set, register 31 is SP, which
/// only ORR can write.
pub const fn mov_immediate(bits: u32, sp_class: bool, rd: u32, value: i128) -> Result<u32, Reject> {
    let x = match pattern(value, bits, MOV_ALLOWED) {
        Ok(x) => x,
        Err(e) => return Err(e),
    };
    if !(sp_class && rd == 31) {
        let candidates = [(0x5280_0000u32, x), (0x1280_0000, !x & mask(bits))];
        let mut c = 0;
        while c < 2 {
            let (op, v) = candidates[c];
            let mut hw = 0;
            while hw < bits / 16 {
                if v & !(0xFFFF << (16 * hw)) == 0 {
                    let imm16 = ((v >> (16 * hw)) & 0xFFFF) as u32;
                    return Ok(sf(bits) | op | hw << 21 | imm16 << 5 | rd);
                }
                hw += 1;
            }
            c += 1;
        }
    }
    match bitmask(x, bits) {
        Some(enc) => Ok(sf(bits) | 0x3200_0000 | enc << 10 | 31 << 5 | rd),
        None => Err(reject(value, MOV_ALLOWED)),
    }
}

const LOGICAL_ALLOWED: &str = "a bitmask: a rotated run of ones repeated in 2-, 4-, 8-, 16-, 32- or 64-bit elements, not 0 and not all ones";

/// AND/ORR/EOR/ANDS (immediate) (Arm ARM C6.2.12, C6.2.205, C6.2.88, C6.2.14), `opc` 0 to 3.
/// `complement` encodes BIC/ORN/EON/BICS with an immediate, which are the same instructions
/// with the complemented value.
pub const fn logical_immediate(
    opc: u32,
    bits: u32,
    complement: bool,
    rd: u32,
    rn: u32,
    value: i128,
) -> Result<u32, Reject> {
    let mut x = match pattern(value, bits, LOGICAL_ALLOWED) {
        Ok(x) => x,
        Err(e) => return Err(e),
    };
    if complement {
        x = !x & mask(bits);
    }
    match bitmask(x, bits) {
        Some(enc) => Ok(sf(bits) | opc << 29 | 0x1200_0000 | enc << 10 | rn << 5 | rd),
        None => Err(reject(value, LOGICAL_ALLOWED)),
    }
}

/// SBFM/BFM/UBFM (Arm ARM C6.2.256, C6.2.30, C6.2.375), `opc` 0, 1, 2: `immr` and `imms` are
/// each any bit position of the register.
pub const fn bitfield_move(
    opc: u32,
    bits: u32,
    rd: u32,
    rn: u32,
    immr: i128,
    imms: i128,
) -> Result<u32, Reject> {
    let allowed = if bits == 64 { "0..=63" } else { "0..=31" };
    if immr < 0 || immr >= bits as i128 {
        return Err(reject(immr, allowed));
    }
    if imms < 0 || imms >= bits as i128 {
        return Err(reject(imms, allowed));
    }
    let n = if bits == 64 { 1 << 22 } else { 0 };
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
pub const fn prefetch(op: u32, rn: u32, offset: i128, unscaled: bool) -> Result<u32, Reject> {
    if unscaled {
        if offset >= -256 && offset <= 255 {
            return Ok(0xF880_0000 | ((offset as u32) & 0x1FF) << 12 | rn << 5 | op);
        }
        return Err(reject(offset, "-256..=255"));
    }
    if offset % 8 == 0 && offset >= 0 && offset <= 32760 {
        return Ok(0xF980_0000 | ((offset / 8) as u32) << 10 | rn << 5 | op);
    }
    Err(reject(
        offset,
        "a multiple of 8 in 0..=32760 (prfum takes -256..=255)",
    ))
}

/// MSR (immediate) (Arm ARM C6.2.195): `word` is the instruction for the field with a zero
/// immediate, which goes into CRm.
pub const fn pstate(word: u32, max: u32, value: i128) -> Result<u32, Reject> {
    if value < 0 || value > max as i128 {
        return Err(reject(value, if max == 1 { "0..=1" } else { "0..=15" }));
    }
    Ok(word | (value as u32) << 8)
}

/// The width of UBFX/SBFX/BFXIL/UBFIZ/SBFIZ/BFI (Arm ARM C6.2.374 and the other bitfield
/// aliases): at least 1, and `lsb + width` within the register. dynasm computes `width - 1`
/// before checking, which overflows for 0.
pub const fn bitfield_width(bits: u32, lsb: i128, width: i128) -> Result<(), Reject> {
    let bits = bits as i128;
    if lsb < 0 || lsb >= bits {
        return Err(reject(
            lsb,
            if bits == 64 {
                "a bit position 0..=63"
            } else {
                "a bit position 0..=31"
            },
        ));
    }
    if width < 1 || lsb + width > bits {
        return Err(reject(
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

/// The word of a form whose operands are all literals, evaluated at compile time: a bad
/// literal stops the build with what the form accepts.
pub const fn at_compile_time(word: Result<u32, Reject>) -> u32 {
    match word {
        Ok(w) => w,
        Err(e) => panic!("{}", e.allowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xorshift::XorShift;

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

    /// `bitmask` of `v` (64-bit) and of its low half (32-bit) equals dynasmrt's encoding.
    fn agrees_with_dynasmrt(v: u64) {
        use dynasmrt::aarch64::{encode_logical_immediate_32bit, encode_logical_immediate_64bit};
        assert_eq!(
            bitmask(v, 64),
            encode_logical_immediate_64bit(v).map(u32::from),
            "{v:#x}"
        );
        let w = v as u32;
        assert_eq!(
            bitmask(u64::from(w), 32),
            encode_logical_immediate_32bit(w).map(u32::from),
            "{w:#x}"
        );
    }

    #[test]
    fn bitmask_agrees_with_dynasmrt_on_every_element_shape() {
        // Every element size, run length and rotation, and values around them.
        let mut e = 2u32;
        while e <= 64 {
            for ones in 0..=e {
                for r in 0..e {
                    let elem = rotr(mask(ones), r, e);
                    let mut x = 0u64;
                    let mut at = 0;
                    while at < 64 {
                        x |= elem << at;
                        at += e;
                    }
                    for v in [x, x ^ 1, x ^ (1 << 63), x.wrapping_add(1)] {
                        agrees_with_dynasmrt(v);
                    }
                }
            }
            e *= 2;
        }
    }

    #[test]
    fn bitmask_agrees_with_dynasmrt_on_random_values() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for i in 0..200_000u32 {
            let state = rng.next_u64();
            // Also values with long runs, which random bits rarely give.
            let v = match i % 3 {
                0 => state,
                1 => state & state.rotate_left(7) & state.rotate_left(19),
                _ => state | state.rotate_left(11) | state.rotate_left(29),
            };
            agrees_with_dynasmrt(v);
        }
    }

    #[test]
    fn bitfield_widths_are_checked_before_any_arithmetic() {
        assert!(bitfield_width(64, 0, 0).is_err());
        assert!(bitfield_width(64, 60, 5).is_err());
        assert!(bitfield_width(32, 32, 1).is_err());
        assert!(bitfield_width(64, 60, 4).is_ok());
    }
}
