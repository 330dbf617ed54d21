//! The A64 encoding classes whose text `disarm64` 0.2 gets wrong, written from their encodings.
//!
//! disarm64's tables come from binutils, where several instructions share one opcode and mask
//! and an operand check picks the right one; disarm64 takes the last entry instead, or reads an
//! operand's width from the wrong field. The listing would then show another instruction than
//! the word holds (`ld4` for every `ld1`, `fcvt s0, s31` for `fcvt d0, s31`). For these classes
//! [`correct`] writes the text from the word's fields, as the Arm Architecture Reference Manual
//! (DDI 0487, chapter C4 "A64 Instruction Set Encoding" and the instruction pages of C6/C7)
//! defines them; every other word keeps disarm64's text. `tests/listing.rs` checks the result
//! against llvm-mc on every form of the encoding oracle.

/// Bits `hi..=lo` of `w`.
fn field(w: u32, hi: u32, lo: u32) -> u32 {
    (w >> lo) & ((1 << (hi - lo + 1)) - 1)
}

/// `xN`, or `sp` for register 31 where it is a base register.
fn base(n: u32) -> String {
    if n == 31 {
        "sp".into()
    } else {
        format!("x{n}")
    }
}

/// General-purpose register `n` where 31 is the zero register: `xN`/`xzr` when `wide`,
/// else `wN`/`wzr`.
fn gpr(n: u32, wide: bool) -> String {
    let letter = if wide { 'x' } else { 'w' };
    if n == 31 {
        format!("{letter}zr")
    } else {
        format!("{letter}{n}")
    }
}

/// A vector arrangement from `size` and `Q`: `8b`, `16b`, `4h`, `8h`, `2s`, `4s`, `1d`, `2d`.
fn arrangement(size: u32, q: u32) -> &'static str {
    ["8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"][(size * 2 + q) as usize]
}

/// `{ vT.a, ..., vT+n-1.a }`, numbers wrapping from v31 to v0.
fn register_list(first: u32, count: u32, arr: &str) -> String {
    let regs: Vec<String> = (0..count)
        .map(|i| format!("v{}.{arr}", (first + i) % 32))
        .collect();
    format!("{{ {} }}", regs.join(", "))
}

/// The text of `word` where disarm64's text for its class is wrong: `Some(Some(text))`;
/// `Some(None)` for a word of such a class that is unallocated; `None` for every other word.
pub(super) fn correct(word: u32) -> Option<Option<String>> {
    [
        multiple_structures,
        load_replicate,
        flag_setting_extended,
        fcvt,
        ins_general,
        dup_scalar,
        scalar_fixed_point,
        fp_across_lanes,
        fp_pairwise_scalar,
    ]
    .iter()
    .find_map(|class| class(word))
}

/// LD1-LD4/ST1-ST4 (multiple structures), C4.1 "Advanced SIMD load/store multiple structures"
/// (and its post-indexed form): the opcode field gives the instruction and the register count.
fn multiple_structures(w: u32) -> Option<Option<String>> {
    let post = match (w & 0xbfbf_0000, w & 0xbfa0_0000) {
        (0x0c00_0000, _) => false,
        (_, 0x0c80_0000) => true,
        _ => return None,
    };
    let (q, load, opcode, size) = (
        field(w, 30, 30),
        field(w, 22, 22),
        field(w, 15, 12),
        field(w, 11, 10),
    );
    let (count, structure) = match opcode {
        0b0000 => (4, 4),
        0b0010 => (4, 1),
        0b0100 => (3, 3),
        0b0110 => (3, 1),
        0b0111 => (1, 1),
        0b1000 => (2, 2),
        0b1010 => (2, 1),
        _ => return Some(None),
    };
    if structure > 1 && size == 3 && q == 0 {
        return Some(None);
    }
    let mnemonic = format!("{}{structure}", if load == 1 { "ld" } else { "st" });
    let bytes = count * if q == 1 { 16 } else { 8 };
    Some(Some(ld_st_text(
        &mnemonic,
        w,
        count,
        arrangement(size, q),
        post.then_some(bytes),
    )))
}

/// LD1R-LD4R, C4.1 "Advanced SIMD load/store single structure" (and its post-indexed form)
/// with L = 1, opcode 11x and S = 0: `R` and opcode bit 13 give the register count, `size`
/// and `Q` the arrangement (`1d` and `2d` included).
fn load_replicate(w: u32) -> Option<Option<String>> {
    let post = match (w & 0xbfdf_d000, w & 0xbfc0_d000) {
        (0x0d40_c000, _) => false,
        (_, 0x0dc0_c000) => true,
        _ => return None,
    };
    let (q, size) = (field(w, 30, 30), field(w, 11, 10));
    let count = 1 + field(w, 21, 21) + 2 * field(w, 13, 13);
    let mnemonic = format!("ld{count}r");
    Some(Some(ld_st_text(
        &mnemonic,
        w,
        count,
        arrangement(size, q),
        post.then_some(count << size),
    )))
}

/// `mnemonic { list }, [xn]`, then `, #bytes` (post-index by the transfer size, Rm = 31) or
/// `, xm` (post-index by a register) when `post` gives the transfer size.
fn ld_st_text(mnemonic: &str, w: u32, count: u32, arr: &str, post: Option<u32>) -> String {
    let (rm, rn, rt) = (field(w, 20, 16), field(w, 9, 5), field(w, 4, 0));
    let list = register_list(rt, count, arr);
    match post {
        None => format!("{mnemonic} {list}, [{}]", base(rn)),
        Some(bytes) if rm == 31 => format!("{mnemonic} {list}, [{}], #{bytes}", base(rn)),
        Some(_) => format!("{mnemonic} {list}, [{}], x{rm}", base(rn)),
    }
}

/// ADDS/SUBS (extended register) writing the zero register (CMN/CMP): `LSL` stands for
/// UXTW/UXTX only when Rn is the stack pointer (C6.2 ADDS (extended register)), and the
/// extend cannot be left out, or the text is the shifted-register form.
fn flag_setting_extended(w: u32) -> Option<Option<String>> {
    if w & 0x3fe0_0000 != 0x2b20_0000 || field(w, 4, 0) != 31 || field(w, 9, 5) == 31 {
        return None;
    }
    let (sf, sub, rm, option, amount, rn) = (
        field(w, 31, 31),
        field(w, 30, 30),
        field(w, 20, 16),
        field(w, 15, 13),
        field(w, 12, 10),
        field(w, 9, 5),
    );
    if amount > 4 {
        return Some(None);
    }
    // Rd is the zero register and Rn is not 31 here; Rm is an X register only for the
    // 64-bit extends UXTX and SXTX.
    let (zr, rn, rm) = (
        gpr(31, sf == 1),
        gpr(rn, sf == 1),
        gpr(rm, sf == 1 && option & 0b011 == 0b011),
    );
    let extend = [
        "uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx",
    ][option as usize];
    let mnemonic = if sub == 1 { "subs" } else { "adds" };
    let shift = if amount == 0 {
        String::new()
    } else {
        format!(" #{amount}")
    };
    Some(Some(format!(
        "{mnemonic} {zr}, {rn}, {rm}, {extend}{shift}"
    )))
}

/// The register letter of a floating-point type field (`ftype`/`opc`): 00 S, 01 D, 11 H.
fn fp_letter(t: u32) -> Option<char> {
    match t {
        0b00 => Some('s'),
        0b01 => Some('d'),
        0b11 => Some('h'),
        _ => None,
    }
}

/// FCVT (between precisions), C7.2 FCVT: `ftype` is the source's precision, `opc` the
/// destination's.
fn fcvt(w: u32) -> Option<Option<String>> {
    if w & 0xff3e_7c00 != 0x1e22_4000 {
        return None;
    }
    let (from, to) = (field(w, 23, 22), field(w, 16, 15));
    let (Some(s), Some(d)) = (fp_letter(from), fp_letter(to)) else {
        return Some(None);
    };
    if from == to {
        return Some(None);
    }
    Some(Some(format!(
        "fcvt {d}{}, {s}{}",
        field(w, 4, 0),
        field(w, 9, 5)
    )))
}

/// The element size (0 for B to 3 for D) and index an `imm5` field selects, C7.2 DUP (element):
/// the lowest set bit gives the size, the bits above it the index.
fn element(imm5: u32) -> Option<(u32, u32)> {
    let size = imm5.trailing_zeros();
    (size <= 3).then(|| (size, imm5 >> (size + 1)))
}

const ELEMENT_LETTER: [char; 4] = ['b', 'h', 's', 'd'];

/// INS (general): `ins vd.T[i], Rn`, whose source is an X register for D elements.
fn ins_general(w: u32) -> Option<Option<String>> {
    if w & 0xffe0_fc00 != 0x4e00_1c00 {
        return None;
    }
    let Some((size, index)) = element(field(w, 20, 16)) else {
        return Some(None);
    };
    Some(Some(format!(
        "ins v{}.{}[{index}], {}",
        field(w, 4, 0),
        ELEMENT_LETTER[size as usize],
        gpr(field(w, 9, 5), size == 3)
    )))
}

/// DUP (element), scalar form: the scalar register is as wide as the element.
fn dup_scalar(w: u32) -> Option<Option<String>> {
    if w & 0xffe0_fc00 != 0x5e00_0400 {
        return None;
    }
    let Some((size, index)) = element(field(w, 20, 16)) else {
        return Some(None);
    };
    let t = ELEMENT_LETTER[size as usize];
    Some(Some(format!(
        "dup {t}{}, v{}.{t}[{index}]",
        field(w, 4, 0),
        field(w, 9, 5)
    )))
}

/// SCVTF/UCVTF/FCVTZS/FCVTZU (scalar, fixed-point), C4.1 "Advanced SIMD scalar shift by
/// immediate": `immh` gives the precision (001x H, 01xx S, 1xxx D) and `immh:immb` the
/// number of fraction bits, counted down from twice the element width.
fn scalar_fixed_point(w: u32) -> Option<Option<String>> {
    let to_fp = match w & 0xdf80_fc00 {
        0x5f00_e400 => true,
        0x5f00_fc00 => false,
        _ => return None,
    };
    let (unsigned, immh, shift) = (field(w, 29, 29), field(w, 22, 19), field(w, 22, 16));
    let (letter, width) = match immh {
        0 | 1 => return Some(None),
        2..=3 => ('h', 16),
        4..=7 => ('s', 32),
        _ => ('d', 64),
    };
    let mnemonic = match (to_fp, unsigned) {
        (true, 0) => "scvtf",
        (true, _) => "ucvtf",
        (false, 0) => "fcvtzs",
        (false, _) => "fcvtzu",
    };
    Some(Some(format!(
        "{mnemonic} {letter}{}, {letter}{}, #{}",
        field(w, 4, 0),
        field(w, 9, 5),
        2 * width - shift
    )))
}

/// The FP max/min/add operation of an across-lanes or pairwise opcode and `o1` (bit 23).
fn fp_reduction(opcode: u32, o1: u32, suffix: &str) -> Option<String> {
    let op = match (opcode, o1) {
        (0b01100, 0) => "fmaxnm",
        (0b01100, _) => "fminnm",
        (0b01101, 0) => "fadd",
        (0b01111, 0) => "fmax",
        (0b01111, _) => "fmin",
        _ => return None,
    };
    Some(format!("{op}{suffix}"))
}

/// FMAXNMV/FMINNMV/FMAXV/FMINV, C4.1 "Advanced SIMD across lanes": half precision with U = 0
/// (`h`, `4h`/`8h`), single precision with U = 1, sz = 0 and Q = 1 (`s`, `4s`).
fn fp_across_lanes(w: u32) -> Option<Option<String>> {
    if w & 0x9f3e_0c00 != 0x0e30_0800 {
        return None;
    }
    let (q, u, o1, sz, opcode) = (
        field(w, 30, 30),
        field(w, 29, 29),
        field(w, 23, 23),
        field(w, 22, 22),
        field(w, 16, 12),
    );
    if opcode != 0b01100 && opcode != 0b01111 {
        return None;
    }
    let Some(mnemonic) = fp_reduction(opcode, o1, "v") else {
        return Some(None);
    };
    let (letter, arr) = match (u, sz, q) {
        (0, 0, 0) => ('h', "4h"),
        (0, 0, 1) => ('h', "8h"),
        (1, 0, 1) => ('s', "4s"),
        _ => return Some(None),
    };
    Some(Some(format!(
        "{mnemonic} {letter}{}, v{}.{arr}",
        field(w, 4, 0),
        field(w, 9, 5)
    )))
}

/// FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP (scalar), C4.1 "Advanced SIMD scalar pairwise": half
/// precision with U = 0 (`h`, `2h`), otherwise `sz` picks `s`/`2s` or `d`/`2d`.
fn fp_pairwise_scalar(w: u32) -> Option<Option<String>> {
    if w & 0xdf3e_0c00 != 0x5e30_0800 {
        return None;
    }
    let (u, o1, sz, opcode) = (
        field(w, 29, 29),
        field(w, 23, 23),
        field(w, 22, 22),
        field(w, 16, 12),
    );
    if !matches!(opcode, 0b01100 | 0b01101 | 0b01111) {
        return None;
    }
    let Some(mnemonic) = fp_reduction(opcode, o1, "p") else {
        return Some(None);
    };
    let (letter, arr) = match (u, sz) {
        (0, 0) => ('h', "2h"),
        (1, 0) => ('s', "2s"),
        (1, _) => ('d', "2d"),
        _ => return Some(None),
    };
    Some(Some(format!(
        "{mnemonic} {letter}{}, v{}.{arr}",
        field(w, 4, 0),
        field(w, 9, 5)
    )))
}

#[cfg(test)]
mod tests {
    use super::correct;

    fn text(w: u32) -> String {
        correct(w).expect("a corrected class").expect("allocated")
    }

    #[test]
    fn each_class_is_written_from_its_fields() {
        assert_eq!(text(0x4c40_7021), "ld1 { v1.16b }, [x1]");
        assert_eq!(
            text(0x0c9f_2bff),
            "st1 { v31.2s, v0.2s, v1.2s, v2.2s }, [sp], #32"
        );
        assert_eq!(text(0x4cc2_8820), "ld2 { v0.4s, v1.4s }, [x1], x2");
        assert_eq!(text(0x4ddf_cfff), "ld1r { v31.2d }, [sp], #8");
        assert_eq!(
            text(0x0dff_efff),
            "ld4r { v31.1d, v0.1d, v1.1d, v2.1d }, [sp], #32"
        );
        assert_eq!(text(0x2b3e_48ff), "adds wzr, w7, w30, uxtw #2");
        assert_eq!(text(0x1e22_c3e0), "fcvt d0, s31");
        assert_eq!(text(0x4e08_1df0), "ins v16.d[0], x15");
        assert_eq!(text(0x5e08_05f0), "dup d16, v15.d[0]");
        assert_eq!(text(0x5f7f_e528), "scvtf d8, d9, #1");
        assert_eq!(text(0x6e30_cbe7), "fmaxnmv s7, v31.4s");
        assert_eq!(text(0x7eb0_cbdf), "fminnmp s31, v30.2s");
        assert_eq!(text(0x7e70_c862), "fmaxnmp d2, v3.2d");
        // Unallocated words of these classes are not given a text.
        assert_eq!(correct(0x0c40_3021), Some(None));
        assert_eq!(correct(0x1e22_43e0), Some(None));
        // Words of other classes keep disarm64's text.
        assert_eq!(correct(0xd65f_03c0), None);
    }
}
