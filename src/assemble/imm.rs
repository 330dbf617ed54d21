//! Building any 64-bit constant in as few instructions as A64 allows.
//!
//! A64 has no "load 64-bit immediate" instruction. A constant is built from 16-bit pieces:
//! `MOVZ` (one piece, the rest zero), `MOVN` (one piece, the rest ones) and `MOVK` (replace one
//! piece, keep the rest), or in one go by `ORR xd, xzr, #bitmask` when the value is a logical
//! immediate (a rotated run of ones repeated across 2-, 4-, ..., 64-bit elements). The shortest
//! sequence is the least of:
//! - `MOVZ` + a `MOVK` per further non-zero piece;
//! - `MOVN` + a `MOVK` per further piece that is not `0xffff`;
//! - `ORR` alone, or `ORR` of a nearby bitmask value + one or two `MOVK`s to patch the pieces
//!   that differ.

use super::encode::bitmask;

fn logical(value: u64) -> Option<u32> {
    bitmask(value, 64)
}

const MOVZ: u32 = 0xD280_0000;
const MOVN: u32 = 0x9280_0000;
const MOVK: u32 = 0xF280_0000;
const ORR_XZR: u32 = 0xB200_0000 | (31 << 5);

/// Up to four instruction words that leave `value` in register `rd` (0..=30).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sequence {
    words: [u32; 4],
    len: usize,
}

impl Sequence {
    pub(crate) fn words(&self) -> &[u32] {
        &self.words[..self.len]
    }

    fn push(&mut self, word: u32) {
        self.words[self.len] = word;
        self.len += 1;
    }
}

fn half(value: u64, i: u32) -> u32 {
    ((value >> (16 * i)) & 0xFFFF) as u32
}

fn with_half(value: u64, i: u32, h: u32) -> u64 {
    (value & !(0xFFFF << (16 * i))) | (u64::from(h) << (16 * i))
}

fn wide(op: u32, rd: u32, i: u32, imm16: u32) -> u32 {
    op | (i << 21) | (imm16 << 5) | rd
}

fn orr(rd: u32, enc: u32) -> u32 {
    let (n, immr, imms) = ((enc >> 12) & 1, (enc >> 6) & 0x3F, enc & 0x3F);
    ORR_XZR | (n << 22) | (immr << 16) | (imms << 10) | rd
}

/// `MOVZ`/`MOVN` first, then `MOVK` for every piece that differs from the filler.
fn wide_sequence(rd: u32, value: u64, inverted: bool) -> Sequence {
    let filler = if inverted { 0xFFFF } else { 0 };
    let mut seq = Sequence {
        words: [0; 4],
        len: 0,
    };
    for i in 0..4 {
        let h = half(value, i);
        if h == filler {
            continue;
        }
        if seq.len == 0 {
            let (op, imm) = if inverted {
                (MOVN, !h & 0xFFFF)
            } else {
                (MOVZ, h)
            };
            seq.push(wide(op, rd, i, imm));
        } else {
            seq.push(wide(MOVK, rd, i, h));
        }
    }
    if seq.len == 0 {
        // All pieces are the filler: value is 0 (MOVZ #0) or all ones (MOVN #0).
        seq.push(wide(if inverted { MOVN } else { MOVZ }, rd, 0, 0));
    }
    seq
}

/// `ORR` of a bitmask value that matches `value` except in the pieces listed, then `MOVK`s.
///
/// Each patched piece is tried with every other piece's value, 0 and 0xFFFF as a filler.
fn orr_sequence(rd: u32, value: u64, patched: &[u32]) -> Option<Sequence> {
    let mut fillers = [0u32; 6];
    let mut count = 0;
    for i in 0..4 {
        if !patched.contains(&i) {
            fillers[count] = half(value, i);
            count += 1;
        }
    }
    fillers[count] = 0;
    fillers[count + 1] = 0xFFFF;
    let fillers = &fillers[..count + 2];
    let mut choice = [0usize; 4];
    let choice = &mut choice[..patched.len()];
    loop {
        let mut base = value;
        for (&i, &c) in patched.iter().zip(choice.iter()) {
            base = with_half(base, i, fillers[c]);
        }
        if let Some(enc) = logical(base) {
            let mut seq = Sequence {
                words: [0; 4],
                len: 0,
            };
            seq.push(orr(rd, enc));
            for &i in patched {
                if half(base, i) != half(value, i) {
                    seq.push(wide(MOVK, rd, i, half(value, i)));
                }
            }
            return Some(seq);
        }
        // Next combination of fillers (an odometer over `choice`).
        let mut k = 0;
        loop {
            if k == choice.len() {
                return None;
            }
            choice[k] += 1;
            if choice[k] < fillers.len() {
                break;
            }
            choice[k] = 0;
            k += 1;
        }
    }
}

/// The shortest sequence this module knows that sets `rd` (0..=30) to `value`.
pub(crate) fn load_imm64(rd: u32, value: u64) -> Sequence {
    let movz = wide_sequence(rd, value, false);
    let movn = wide_sequence(rd, value, true);
    let mut best = if movn.len < movz.len { movn } else { movz };
    if best.len == 1 {
        return best;
    }
    if let Some(enc) = logical(value) {
        let mut seq = Sequence {
            words: [0; 4],
            len: 0,
        };
        seq.push(orr(rd, enc));
        return seq;
    }
    for width in 1..=2 {
        if best.len <= width + 1 {
            break;
        }
        let candidates: &[&[u32]] = if width == 1 {
            &[&[0], &[1], &[2], &[3]]
        } else {
            &[&[0, 1], &[0, 2], &[0, 3], &[1, 2], &[1, 3], &[2, 3]]
        };
        if let Some(seq) = candidates
            .iter()
            .filter_map(|p| orr_sequence(rd, value, p))
            .min_by_key(|s| s.len)
        {
            if seq.len < best.len {
                best = seq;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xorshift::XorShift;

    /// Executes MOVZ/MOVN/MOVK/ORR (immediate, Rn = xzr) the way the architecture defines them.
    fn simulate(words: &[u32]) -> u64 {
        let mut x = 0u64;
        for &w in words {
            let hw = (w >> 21) & 3;
            let imm16 = u64::from((w >> 5) & 0xFFFF);
            match w & 0xFF80_0000 {
                0xD280_0000 => x = imm16 << (16 * hw),
                0x9280_0000 => x = !(imm16 << (16 * hw)),
                0xF280_0000 => x = (x & !(0xFFFF << (16 * hw))) | (imm16 << (16 * hw)),
                _ if w & 0xFF80_03E0 == 0xB200_03E0 => x = decode_bitmask(w),
                _ => panic!("unexpected word {w:#x}"),
            }
            assert_eq!(w & 0x1F, 7, "destination register");
        }
        x
    }

    /// The architecture's DecodeBitMasks for a 64-bit ORR immediate.
    fn decode_bitmask(w: u32) -> u64 {
        let n = (w >> 22) & 1;
        let immr = (w >> 16) & 0x3F;
        let imms = (w >> 10) & 0x3F;
        let len = 31 - ((n << 6) | (!imms & 0x3F)).leading_zeros();
        let esize = 1u32 << len;
        let levels = esize - 1;
        let s = imms & levels;
        let r = immr & levels;
        let ones = if s + 1 == 64 {
            u64::MAX
        } else {
            (1u64 << (s + 1)) - 1
        };
        let emask = if esize == 64 {
            u64::MAX
        } else {
            (1u64 << esize) - 1
        };
        let elem = if r == 0 {
            ones
        } else {
            ((ones >> r) | (ones << (esize - r))) & emask
        };
        let mut out = 0u64;
        let mut shift = 0;
        while shift < 64 {
            out |= elem << shift;
            shift += esize;
        }
        out
    }

    #[test]
    fn every_sequence_builds_its_value() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let special = [
            0,
            1,
            u64::MAX,
            0xFFFF,
            0xFFFF_0000,
            1 << 63,
            0x5555_5555_5555_5555,
            0x0000_FFFF_0000_FFFF,
        ];
        for v in special.into_iter().chain((0..20_000).map(|_| {
            let r = rng.next_u64();
            // Mix in values with zero and all-ones pieces, which have shorter sequences.
            let mask = rng.next_u64();
            match mask % 4 {
                0 => r,
                1 => r & 0x0000_FFFF_FFFF_0000,
                2 => r | 0xFFFF_0000_0000_FFFF,
                _ => r & 0xFFFF,
            }
        })) {
            let seq = load_imm64(7, v);
            assert_eq!(simulate(seq.words()), v, "{v:#x}: {:x?}", seq.words());
        }
    }

    #[test]
    fn sequences_are_short() {
        assert_eq!(load_imm64(0, 0).words(), &[0xD280_0000]); // movz x0, #0
        assert_eq!(load_imm64(0, u64::MAX).words(), &[0x9280_0000]); // movn x0, #0
        assert_eq!(load_imm64(0, 0xFFFF_FFFF_FFFF_1234).len, 1); // movn
        assert_eq!(load_imm64(0, 0x1234_0000_0000_0000).len, 1); // movz, lsl 48
        assert_eq!(load_imm64(0, 0x5555_5555_5555_5555).len, 1); // orr
        assert_eq!(load_imm64(0, 0x5555_5555_1234_5555).len, 2); // orr + movk
        assert_eq!(load_imm64(0, 0x1234_5678_0000_0000).len, 2); // movz + movk
        assert_eq!(load_imm64(0, 0x0F0F_0F0F_1234_5678).len, 3); // orr + movk + movk
                                                                 // orr x0, xzr, #0x5555555555555555 as llvm-mc encodes it
        assert_eq!(load_imm64(0, 0x5555_5555_5555_5555).words(), &[0xB200_F3E0]);
    }
}
