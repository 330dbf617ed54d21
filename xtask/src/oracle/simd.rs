//! Advanced SIMD (Arm ARM C4.1.91, the Advanced SIMD classes) and the cryptographic
//! extensions: vector and scalar forms of every class, over every arrangement each allows.

use super::form::*;

/// Register triples cycled through so that 0, 31 and values between appear in every slot.
const TRIPLES: [(u8, u8, u8); 4] = [(0, 1, 2), (31, 30, 29), (7, 31, 0), (15, 16, 31)];

fn regs(k: usize) -> (u8, u8, u8) {
    TRIPLES[k % TRIPLES.len()]
}

const BHS: [Arr; 6] = [B8, B16, H4, H8, S2, S4];
const HS: [Arr; 4] = [H4, H8, S2, S4];
const FSD: [Arr; 3] = [S2, S4, D2];
const FH: [Arr; 2] = [H4, H8];
const BYTES: [Arr; 2] = [B8, B16];

pub fn families() -> Vec<Vec<Form>> {
    vec![
        three_same(),
        three_same_fp(),
        three_different(),
        two_reg_misc(),
        across_lanes(),
        copy(),
        modified_immediate(),
        shift_immediate(),
        by_element(),
        permute_extract_table(),
        scalar(),
        crypto(),
    ]
}

fn vvv(f: &mut Family, m: &str, arrs: &[Arr]) {
    for (k, &a) in arrs.iter().enumerate() {
        let (d, n, mm) = regs(k + m.len());
        f.add(m, vec![v(d, a), v(n, a), v(mm, a)]);
    }
}

fn vv(f: &mut Family, m: &str, arrs: &[Arr]) {
    for (k, &a) in arrs.iter().enumerate() {
        let (d, n, _) = regs(k + m.len());
        f.add(m, vec![v(d, a), v(n, a)]);
    }
}

fn three_same() -> Vec<Form> {
    let mut f = Family::new("simd three same (integer)");
    for m in [
        "add", "sub", "sqadd", "uqadd", "sqsub", "uqsub", "cmgt", "cmhi", "cmge", "cmhs", "cmeq",
        "cmtst", "sshl", "ushl", "sqshl", "uqshl", "srshl", "urshl", "sqrshl", "uqrshl",
    ] {
        vvv(&mut f, m, &ALL_ARR);
    }
    for m in [
        "shadd", "uhadd", "srhadd", "urhadd", "shsub", "uhsub", "smax", "umax", "smin", "umin",
        "sabd", "uabd", "saba", "uaba", "mul", "mla", "mls", "addp", "smaxp", "umaxp", "sminp",
        "uminp",
    ] {
        vvv(&mut f, m, &BHS);
    }
    vvv(&mut f, "addp", &[D2]);
    for m in ["sqdmulh", "sqrdmulh", "sqrdmlah", "sqrdmlsh"] {
        vvv(&mut f, m, &HS);
    }
    vvv(&mut f, "pmul", &BYTES);
    for m in ["and", "bic", "orr", "orn", "eor", "bsl", "bit", "bif"] {
        vvv(&mut f, m, &BYTES);
    }
    vv(&mut f, "mov", &BYTES);
    f.add("sdot", vec![v(0, S2), v(1, B8), v(2, B8)]);
    f.add("udot", vec![v(31, S4), v(30, B16), v(29, B16)]);
    f.finish()
}

fn three_same_fp() -> Vec<Form> {
    let mut f = Family::new("simd three same (fp)");
    for m in [
        "fadd", "fsub", "fmul", "fdiv", "fmax", "fmin", "fmaxnm", "fminnm", "fmla", "fmls", "fabd",
        "faddp", "fmaxp", "fminp", "fmaxnmp", "fminnmp", "fmulx", "frecps", "frsqrts", "fcmeq",
        "fcmge", "fcmgt", "facge", "facgt",
    ] {
        vvv(&mut f, m, &FSD);
        vvv(&mut f, m, &FH[m.len() % 2..]);
    }
    f.add("fcadd", vec![v(0, S4), v(1, S4), v(2, S4), lit("#90")]);
    f.add("fcmla", vec![v(3, D2), v(4, D2), v(5, D2), lit("#270")]);
    f.finish()
}

fn three_different() -> Vec<Form> {
    let mut f = Family::new("simd three different");
    let narrow = [B8, H4, S2];
    let mut k = 0;
    // Long: d = wide, n, m = narrow; `2` takes the upper halves.
    for m in [
        "saddl", "uaddl", "ssubl", "usubl", "sabal", "uabal", "sabdl", "uabdl", "smlal", "umlal",
        "smlsl", "umlsl", "smull", "umull",
    ] {
        for &a in &narrow {
            k += 1;
            let (d, n, mm) = regs(k);
            f.add(m, vec![v(d, a.widened(true)), v(n, a), v(mm, a)]);
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(
                &format!("{m}2"),
                vec![v(d, a.widened(true)), v(n, full), v(mm, full)],
            );
        }
    }
    for m in ["sqdmlal", "sqdmlsl", "sqdmull"] {
        for a in [H4, S2] {
            k += 1;
            let (d, n, mm) = regs(k);
            f.add(m, vec![v(d, a.widened(true)), v(n, a), v(mm, a)]);
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(
                &format!("{m}2"),
                vec![v(d, a.widened(true)), v(n, full), v(mm, full)],
            );
        }
    }
    // Wide: d, n = wide, m = narrow.
    for m in ["saddw", "uaddw", "ssubw", "usubw"] {
        for &a in &narrow {
            k += 1;
            let (d, n, mm) = regs(k);
            let wide = a.widened(true);
            f.add(m, vec![v(d, wide), v(n, wide), v(mm, a)]);
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(&format!("{m}2"), vec![v(d, wide), v(n, wide), v(mm, full)]);
        }
    }
    // Narrow: d = narrow, n, m = wide.
    for m in ["addhn", "raddhn", "subhn", "rsubhn"] {
        for &a in &narrow {
            k += 1;
            let (d, n, mm) = regs(k);
            let wide = a.widened(true);
            f.add(m, vec![v(d, a), v(n, wide), v(mm, wide)]);
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(&format!("{m}2"), vec![v(d, full), v(n, wide), v(mm, wide)]);
        }
    }
    f.add("pmull", vec![v(0, H8), v(1, B8), v(2, B8)]);
    f.add("pmull2", vec![v(31, H8), v(30, B16), v(29, B16)]);
    f.finish()
}

fn two_reg_misc() -> Vec<Form> {
    let mut f = Family::new("simd two-register misc");
    vv(&mut f, "rev64", &BHS);
    vv(&mut f, "rev32", &[B8, B16, H4, H8]);
    vv(&mut f, "rev16", &BYTES);
    for m in ["cls", "clz"] {
        vv(&mut f, m, &BHS);
    }
    for m in ["cnt", "not", "mvn", "rbit"] {
        vv(&mut f, m, &BYTES);
    }
    for m in ["suqadd", "usqadd", "sqabs", "sqneg", "abs", "neg"] {
        vv(&mut f, m, &ALL_ARR);
    }
    for (k, m) in ["cmgt", "cmeq", "cmlt", "cmge", "cmle"]
        .into_iter()
        .enumerate()
    {
        for (j, a) in ALL_ARR.into_iter().enumerate() {
            let (d, n, _) = regs(k + j);
            f.add(m, vec![v(d, a), v(n, a), lit("#0")]);
        }
    }
    for (k, m) in ["fcmgt", "fcmeq", "fcmlt", "fcmge", "fcmle"]
        .into_iter()
        .enumerate()
    {
        for (j, a) in FSD.into_iter().chain([H8]).enumerate() {
            let (d, n, _) = regs(k + j);
            f.add(m, vec![v(d, a), v(n, a), lit("#0.0")]);
        }
    }
    // Pairwise long.
    for m in ["saddlp", "uaddlp", "sadalp", "uadalp"] {
        for (k, a) in BHS.into_iter().enumerate() {
            let (d, n, _) = regs(k);
            f.add(
                m,
                vec![
                    v(
                        d,
                        Arr {
                            size: a.widened(true).size,
                            lanes: a.lanes / 2,
                        },
                    ),
                    v(n, a),
                ],
            );
        }
    }
    // Narrowing and widening.
    for m in ["xtn", "sqxtn", "uqxtn", "sqxtun"] {
        for (k, a) in [B8, H4, S2].into_iter().enumerate() {
            let (d, n, _) = regs(k);
            f.add(m, vec![v(d, a), v(n, a.widened(true))]);
            f.add(
                &format!("{m}2"),
                vec![
                    v(
                        d,
                        Arr {
                            size: a.size,
                            lanes: a.lanes * 2,
                        },
                    ),
                    v(n, a.widened(true)),
                ],
            );
        }
    }
    for (k, a) in [B8, H4, S2].into_iter().enumerate() {
        let shift = lit(format!("#{}", a.bytes() * 8));
        let (d, n, _) = regs(k);
        f.add("shll", vec![v(d, a.widened(true)), v(n, a), shift.clone()]);
        f.add(
            "shll2",
            vec![
                v(d, a.widened(true)),
                v(
                    n,
                    Arr {
                        size: a.size,
                        lanes: a.lanes * 2,
                    },
                ),
                shift,
            ],
        );
    }
    f.add("fcvtn", vec![v(0, H4), v(1, S4)]);
    f.add("fcvtn2", vec![v(31, H8), v(30, S4)]);
    f.add("fcvtn", vec![v(2, S2), v(3, D2)]);
    f.add("fcvtn2", vec![v(4, S4), v(5, D2)]);
    f.add("fcvtxn", vec![v(6, S2), v(7, D2)]);
    f.add("fcvtxn2", vec![v(8, S4), v(9, D2)]);
    f.add("fcvtl", vec![v(10, S4), v(11, H4)]);
    f.add("fcvtl2", vec![v(12, S4), v(13, H8)]);
    f.add("fcvtl", vec![v(14, D2), v(15, S2)]);
    f.add("fcvtl2", vec![v(31, D2), v(0, S4)]);
    for m in [
        "frintn", "frinta", "frintp", "frintm", "frintx", "frintz", "frinti", "fcvtns", "fcvtnu",
        "fcvtps", "fcvtpu", "fcvtms", "fcvtmu", "fcvtzs", "fcvtzu", "fcvtas", "fcvtau", "scvtf",
        "ucvtf", "frecpe", "frsqrte", "fsqrt", "fabs", "fneg",
    ] {
        vv(&mut f, m, &FSD);
        vv(&mut f, m, &FH[m.len() % 2..]);
    }
    vv(&mut f, "urecpe", &[S2, S4]);
    vv(&mut f, "ursqrte", &[S2, S4]);
    f.finish()
}

fn across_lanes() -> Vec<Form> {
    let mut f = Family::new("simd across lanes");
    let mut k = 0;
    for m in [
        "addv", "smaxv", "umaxv", "sminv", "uminv", "saddlv", "uaddlv",
    ] {
        let long = m.ends_with("lv");
        for a in [B8, B16, H4, H8, S4] {
            k += 1;
            let (d, n, _) = regs(k);
            let size = if long { a.widened(true).size } else { a.size };
            f.add(m, vec![fp(size, d), v(n, a)]);
        }
    }
    for m in ["fmaxv", "fminv", "fmaxnmv", "fminnmv"] {
        k += 1;
        let (d, n, _) = regs(k);
        f.add(m, vec![fp('s', d), v(n, S4)]);
        f.add(m, vec![fp('h', n), v(d, H8)]);
        f.add(m, vec![fp('h', d), v(n, H4)]);
    }
    f.finish()
}

fn copy() -> Vec<Form> {
    let mut f = Family::new("simd copy");
    let mut k = 0;
    for a in ALL_ARR {
        k += 1;
        let (d, n, _) = regs(k);
        let top = (16 / a.bytes() - 1) as u8;
        f.add("dup", vec![v(d, a), el(n, a.size, top)]);
        f.add("dup", vec![v(n, a), el(d, a.size, 0)]);
        let g = if a.size == 'd' { x(n) } else { w(n) };
        f.add("dup", vec![v(d, a), g]);
    }
    for (size, top) in [('b', 15u8), ('h', 7), ('s', 3), ('d', 1)] {
        k += 1;
        let (d, n, _) = regs(k);
        let g = |r| if size == 'd' { x(r) } else { w(r) };
        f.add("ins", vec![el(d, size, top), g(n)]);
        f.add("mov", vec![el(n, size, 0), g(d)]);
        f.add("ins", vec![el(d, size, 0), el(n, size, top)]);
        f.add("mov", vec![el(n, size, top), el(d, size, 0)]);
        f.add("umov", vec![g(d), el(n, size, top)]);
        if size != 'd' {
            f.add("smov", vec![x(d), el(n, size, top)]);
        }
        if size == 'b' || size == 'h' {
            f.add("smov", vec![w(n), el(d, size, 0)]);
        }
        // Scalar duplicate of an element.
        f.add("dup", vec![fp(size, d), el(n, size, top)]);
        f.add("mov", vec![fp(size, n), el(d, size, 0)]);
    }
    f.add("mov", vec![w(0), el(1, 's', 3)]);
    f.add("mov", vec![x(31), el(30, 'd', 1)]);
    f.finish()
}

fn modified_immediate() -> Vec<Form> {
    let mut f = Family::new("simd modified immediate");
    for (k, a) in BYTES.into_iter().enumerate() {
        f.add("movi", vec![v([0u8, 31][k], a), imm([0, 255][k])]);
        f.add("movi", vec![v(7, a), hex(0xa5)]);
    }
    for m in ["movi", "mvni", "orr", "bic"] {
        for (k, a) in HS.into_iter().enumerate() {
            let shifts: &[u32] = if a.size == 'h' {
                &[0, 8]
            } else {
                &[0, 8, 16, 24]
            };
            for (j, &sh) in shifts.iter().enumerate() {
                let value = [0i64, 255, 1, 0x80][(k + j) % 4];
                let mut ops = vec![v(regs(k + j).0, a), imm(value)];
                if sh != 0 || j == 0 && k % 2 == 1 {
                    ops.push(lit(format!("lsl #{sh}")));
                }
                f.add(m, ops);
            }
        }
    }
    for m in ["movi", "mvni"] {
        for a in [S2, S4] {
            f.add(m, vec![v(1, a), imm(255), lit("msl #8")]);
            f.add(m, vec![v(2, a), imm(0), lit("msl #16")]);
        }
    }
    f.add("movi", vec![fp('d', 0), hex(0xff00ff00ff00ff00)]);
    f.add("movi", vec![fp('d', 31), imm(0)]);
    f.add("movi", vec![v(0, D2), hex(0xffffffffffffffff)]);
    f.add("movi", vec![v(31, D2), hex(0x00ff0000ff00ffff)]);
    for (k, a) in [S2, S4, D2, H4, H8].into_iter().enumerate() {
        for (j, val) in super::float::FP_IMMS
            .into_iter()
            .enumerate()
            .filter(|(j, _)| j % 3 == k % 3)
        {
            f.add("fmov", vec![v(regs(k + j).0, a), lit(format!("#{val}"))]);
        }
    }
    f.finish()
}

fn shift_immediate() -> Vec<Form> {
    let mut f = Family::new("simd shift by immediate");
    let mut k = 0;
    for m in [
        "sshr", "ssra", "srshr", "srsra", "ushr", "usra", "urshr", "ursra", "sri",
    ] {
        for a in ALL_ARR {
            k += 1;
            let (d, n, _) = regs(k);
            let top = i64::from(a.bytes() * 8);
            f.add(
                m,
                vec![v(d, a), v(n, a), imm(if k % 2 == 0 { 1 } else { top })],
            );
        }
    }
    for m in ["shl", "sli", "sqshl", "uqshl", "sqshlu"] {
        for a in ALL_ARR {
            k += 1;
            let (d, n, _) = regs(k);
            let top = i64::from(a.bytes() * 8) - 1;
            f.add(
                m,
                vec![v(d, a), v(n, a), imm(if k % 2 == 0 { 0 } else { top })],
            );
        }
    }
    for m in [
        "shrn", "rshrn", "sqshrn", "sqrshrn", "sqshrun", "sqrshrun", "uqshrn", "uqrshrn",
    ] {
        for a in [B8, H4, S2] {
            k += 1;
            let (d, n, _) = regs(k);
            let top = i64::from(a.bytes() * 8);
            f.add(
                m,
                vec![
                    v(d, a),
                    v(n, a.widened(true)),
                    imm(if k % 2 == 0 { 1 } else { top }),
                ],
            );
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(
                &format!("{m}2"),
                vec![v(d, full), v(n, a.widened(true)), imm(1)],
            );
        }
    }
    for m in ["sshll", "ushll"] {
        for a in [B8, H4, S2] {
            k += 1;
            let (d, n, _) = regs(k);
            let top = i64::from(a.bytes() * 8) - 1;
            f.add(
                m,
                vec![
                    v(d, a.widened(true)),
                    v(n, a),
                    imm(if k % 2 == 0 { 0 } else { top }),
                ],
            );
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(
                &format!("{m}2"),
                vec![v(d, a.widened(true)), v(n, full), imm(3)],
            );
        }
    }
    for m in ["sxtl", "uxtl"] {
        for a in [B8, H4, S2] {
            k += 1;
            let (d, n, _) = regs(k);
            f.add(m, vec![v(d, a.widened(true)), v(n, a)]);
            f.add(
                &format!("{m}2"),
                vec![
                    v(d, a.widened(true)),
                    v(
                        n,
                        Arr {
                            size: a.size,
                            lanes: a.lanes * 2,
                        },
                    ),
                ],
            );
        }
    }
    for m in ["scvtf", "ucvtf", "fcvtzs", "fcvtzu"] {
        for a in [S2, S4, D2, H8] {
            k += 1;
            let (d, n, _) = regs(k);
            let top = i64::from(a.bytes() * 8);
            f.add(
                m,
                vec![v(d, a), v(n, a), imm(if k % 2 == 0 { 1 } else { top })],
            );
        }
    }
    f.finish()
}

fn by_element() -> Vec<Form> {
    let mut f = Family::new("simd by element");
    let mut k = 0;
    // Integer: H uses v0-v15 as the element register.
    for m in [
        "mul", "mla", "mls", "sqdmulh", "sqrdmulh", "sqrdmlah", "sqrdmlsh",
    ] {
        for a in HS {
            k += 1;
            let (d, n, mm) = regs(k);
            let (mm, top) = if a.size == 'h' { (mm % 16, 7) } else { (mm, 3) };
            f.add(
                m,
                vec![
                    v(d, a),
                    v(n, a),
                    el(mm, a.size, if k % 2 == 0 { 0 } else { top }),
                ],
            );
        }
    }
    for m in [
        "smull", "umull", "smlal", "umlal", "smlsl", "umlsl", "sqdmull", "sqdmlal", "sqdmlsl",
    ] {
        for a in [H4, S2] {
            k += 1;
            let (d, n, mm) = regs(k);
            let (mm, top) = if a.size == 'h' { (mm % 16, 7) } else { (mm, 3) };
            let full = Arr {
                size: a.size,
                lanes: a.lanes * 2,
            };
            f.add(m, vec![v(d, a.widened(true)), v(n, a), el(mm, a.size, top)]);
            f.add(
                &format!("{m}2"),
                vec![v(d, a.widened(true)), v(n, full), el(mm, a.size, 0)],
            );
        }
    }
    for m in ["fmul", "fmla", "fmls", "fmulx"] {
        for a in [S2, S4, D2, H4, H8] {
            k += 1;
            let (d, n, mm) = regs(k);
            let (mm, top) = match a.size {
                'h' => (mm % 16, 7),
                's' => (mm, 3),
                _ => (mm, 1),
            };
            f.add(
                m,
                vec![
                    v(d, a),
                    v(n, a),
                    el(mm, a.size, if k % 2 == 0 { 0 } else { top }),
                ],
            );
        }
        // Scalar by element.
        f.add(m, vec![fp('s', 0), fp('s', 1), el(31, 's', 3)]);
        f.add(m, vec![fp('d', 31), fp('d', 30), el(0, 'd', 1)]);
        f.add(m, vec![fp('h', 2), fp('h', 3), el(15, 'h', 7)]);
    }
    for m in ["sdot", "udot"] {
        f.add(m, vec![v(0, S4), v(1, B16), lit("v2.4b[3]")]);
    }
    for m in ["sqdmulh", "sqrdmulh"] {
        f.add(m, vec![fp('s', 0), fp('s', 1), el(31, 's', 3)]);
        f.add(m, vec![fp('h', 2), fp('h', 3), el(15, 'h', 7)]);
    }
    f.add("sqdmull", vec![fp('d', 0), fp('s', 1), el(2, 's', 1)]);
    f.add("sqdmlal", vec![fp('s', 3), fp('h', 4), el(5, 'h', 6)]);
    f.finish()
}

fn permute_extract_table() -> Vec<Form> {
    let mut f = Family::new("simd permute, extract, table");
    for m in ["zip1", "zip2", "uzp1", "uzp2", "trn1", "trn2"] {
        vvv(&mut f, m, &ALL_ARR);
    }
    for (k, a) in BYTES.into_iter().enumerate() {
        let top = i64::from(a.lanes) - 1;
        f.add("ext", vec![v(0, a), v(1, a), v(2, a), imm(0)]);
        f.add("ext", vec![v(31, a), v(30, a), v(29, a), imm(top)]);
        f.add("ext", vec![v(7, a), v(31, a), v(0, a), imm(k as i64 + 3)]);
    }
    let mut k = 0;
    for m in ["tbl", "tbx"] {
        for count in 1u8..=4 {
            for a in BYTES {
                for (first, dash) in [(1u8, false), (31, true), (30, true), (0, true)] {
                    k += 1;
                    if k % 2 == 0 {
                        continue;
                    }
                    let (d, _, mm) = regs(k);
                    f.add(
                        m,
                        vec![v(d, a), Op::List(first, count, B16, dash), v(mm, a)],
                    );
                }
            }
        }
    }
    f.finish()
}

fn scalar() -> Vec<Form> {
    let mut f = Family::new("simd scalar");
    let mut k = 0;
    // Three same on D only.
    for m in [
        "add", "sub", "cmgt", "cmhi", "cmge", "cmhs", "cmeq", "cmtst", "sshl", "ushl", "srshl",
        "urshl",
    ] {
        k += 1;
        let (d, n, mm) = regs(k);
        f.add(m, vec![fp('d', d), fp('d', n), fp('d', mm)]);
    }
    // Saturating three same on every size.
    for m in [
        "sqadd", "uqadd", "sqsub", "uqsub", "sqshl", "uqshl", "sqrshl", "uqrshl",
    ] {
        for s in ['b', 'h', 's', 'd'] {
            k += 1;
            let (d, n, mm) = regs(k);
            f.add(m, vec![fp(s, d), fp(s, n), fp(s, mm)]);
        }
    }
    for m in ["sqdmulh", "sqrdmulh"] {
        f.add(m, vec![fp('h', 0), fp('h', 1), fp('h', 2)]);
        f.add(m, vec![fp('s', 31), fp('s', 30), fp('s', 29)]);
    }
    for m in [
        "fmulx", "frecps", "frsqrts", "fcmeq", "fcmge", "fcmgt", "facge", "facgt", "fabd",
    ] {
        for s in ['s', 'd', 'h'] {
            k += 1;
            let (d, n, mm) = regs(k);
            f.add(m, vec![fp(s, d), fp(s, n), fp(s, mm)]);
        }
    }
    // Two-register misc.
    for m in ["abs", "neg", "cmgt", "cmeq", "cmlt", "cmge", "cmle"] {
        k += 1;
        let (d, n, _) = regs(k);
        let mut ops = vec![fp('d', d), fp('d', n)];
        if m.starts_with("cm") {
            ops.push(lit("#0"));
        }
        f.add(m, ops);
    }
    for m in ["sqabs", "sqneg", "suqadd", "usqadd"] {
        for s in ['b', 'h', 's', 'd'] {
            k += 1;
            let (d, n, _) = regs(k);
            f.add(m, vec![fp(s, d), fp(s, n)]);
        }
    }
    for m in ["sqxtn", "uqxtn", "sqxtun"] {
        for (s, wide) in [('b', 'h'), ('h', 's'), ('s', 'd')] {
            f.add(m, vec![fp(s, 0), fp(wide, 31)]);
        }
    }
    f.add("fcvtxn", vec![fp('s', 0), fp('d', 1)]);
    for m in [
        "fcvtns", "fcvtnu", "fcvtps", "fcvtpu", "fcvtms", "fcvtmu", "fcvtzs", "fcvtzu", "fcvtas",
        "fcvtau", "scvtf", "ucvtf", "frecpe", "frecpx", "frsqrte",
    ] {
        for s in ['s', 'd', 'h'] {
            k += 1;
            let (d, n, _) = regs(k);
            f.add(m, vec![fp(s, d), fp(s, n)]);
        }
    }
    for m in ["fcmgt", "fcmeq", "fcmlt", "fcmge", "fcmle"] {
        for s in ['s', 'd'] {
            f.add(m, vec![fp(s, 1), fp(s, 2), lit("#0.0")]);
        }
    }
    // Pairwise.
    f.add("addp", vec![fp('d', 0), v(1, D2)]);
    for m in ["faddp", "fmaxp", "fminp", "fmaxnmp", "fminnmp"] {
        f.add(m, vec![fp('s', 31), v(30, S2)]);
        f.add(m, vec![fp('d', 2), v(3, D2)]);
        f.add(m, vec![fp('h', 4), lit("v5.2h")]);
    }
    // Shift by immediate.
    for m in [
        "sshr", "ssra", "srshr", "srsra", "ushr", "usra", "urshr", "ursra", "sri",
    ] {
        f.add(m, vec![fp('d', 0), fp('d', 1), imm(1)]);
        f.add(m, vec![fp('d', 31), fp('d', 30), imm(64)]);
    }
    for m in ["shl", "sli"] {
        f.add(m, vec![fp('d', 0), fp('d', 1), imm(0)]);
        f.add(m, vec![fp('d', 31), fp('d', 30), imm(63)]);
    }
    for m in ["sqshl", "uqshl", "sqshlu"] {
        for (s, top) in [('b', 7), ('h', 15), ('s', 31), ('d', 63)] {
            f.add(m, vec![fp(s, 2), fp(s, 3), imm(top)]);
        }
    }
    for m in [
        "sqshrn", "sqrshrn", "uqshrn", "uqrshrn", "sqshrun", "sqrshrun",
    ] {
        for (s, wide, top) in [('b', 'h', 8), ('h', 's', 16), ('s', 'd', 32)] {
            f.add(m, vec![fp(s, 4), fp(wide, 5), imm(top)]);
        }
    }
    for m in ["scvtf", "ucvtf", "fcvtzs", "fcvtzu"] {
        f.add(m, vec![fp('s', 6), fp('s', 7), imm(32)]);
        f.add(m, vec![fp('d', 8), fp('d', 9), imm(1)]);
        f.add(m, vec![fp('h', 10), fp('h', 11), imm(16)]);
    }
    // Three different.
    for m in ["sqdmlal", "sqdmlsl", "sqdmull"] {
        f.add(m, vec![fp('s', 0), fp('h', 1), fp('h', 2)]);
        f.add(m, vec![fp('d', 31), fp('s', 30), fp('s', 29)]);
    }
    f.finish()
}

fn crypto() -> Vec<Form> {
    let mut f = Family::new("crypto");
    for m in ["aese", "aesd", "aesmc", "aesimc"] {
        f.add(m, vec![v(0, B16), v(1, B16)]);
        f.add(m, vec![v(31, B16), v(30, B16)]);
    }
    for m in ["sha1c", "sha1p", "sha1m"] {
        f.add(m, vec![fp('q', 0), fp('s', 1), v(2, S4)]);
        f.add(m, vec![fp('q', 31), fp('s', 30), v(29, S4)]);
    }
    f.add("sha1h", vec![fp('s', 0), fp('s', 1)]);
    f.add("sha1su0", vec![v(0, S4), v(1, S4), v(2, S4)]);
    f.add("sha1su1", vec![v(3, S4), v(4, S4)]);
    f.add("sha256h", vec![fp('q', 0), fp('q', 1), v(2, S4)]);
    f.add("sha256h2", vec![fp('q', 31), fp('q', 30), v(29, S4)]);
    f.add("sha256su0", vec![v(5, S4), v(6, S4)]);
    f.add("sha256su1", vec![v(7, S4), v(8, S4), v(9, S4)]);
    f.add("sha512h", vec![fp('q', 0), fp('q', 1), v(2, D2)]);
    f.add("sha512h2", vec![fp('q', 3), fp('q', 4), v(5, D2)]);
    f.add("sha512su0", vec![v(6, D2), v(7, D2)]);
    f.add("sha512su1", vec![v(8, D2), v(9, D2), v(10, D2)]);
    f.add("eor3", vec![v(0, B16), v(1, B16), v(2, B16), v(3, B16)]);
    f.add("bcax", vec![v(31, B16), v(30, B16), v(29, B16), v(28, B16)]);
    f.add("rax1", vec![v(4, D2), v(5, D2), v(6, D2)]);
    f.add("xar", vec![v(7, D2), v(8, D2), v(9, D2), imm(63)]);
    f.add("pmull", vec![v(0, Q1), v(1, D1), v(2, D1)]);
    f.add("pmull2", vec![v(31, Q1), v(30, D2), v(29, D2)]);
    f.finish()
}
