//! Loads and stores (Arm ARM C4.1.88, "Loads and Stores"): every addressing mode and access
//! size, pairs, exclusives, acquire/release, LSE atomics, literals and SIMD structures.

use super::form::*;

/// A load/store of one register: mnemonic, register kind and the access size in bytes.
#[derive(Clone, Copy)]
struct Access {
    load: &'static str,
    store: Option<&'static str>,
    reg: Reg,
    size: i64,
}

#[derive(Clone, Copy)]
enum Reg {
    W,
    X,
    Fp(char),
}

impl Reg {
    fn op(self, n: u8) -> Op {
        match self {
            Reg::W => w(n),
            Reg::X => x(n),
            Reg::Fp(c) => fp(c, n),
        }
    }
}

const fn a(load: &'static str, store: Option<&'static str>, reg: Reg, size: i64) -> Access {
    Access {
        load,
        store,
        reg,
        size,
    }
}

const ACCESSES: [Access; 14] = [
    a("ldrb", Some("strb"), Reg::W, 1),
    a("ldrh", Some("strh"), Reg::W, 2),
    a("ldr", Some("str"), Reg::W, 4),
    a("ldr", Some("str"), Reg::X, 8),
    a("ldrsb", None, Reg::W, 1),
    a("ldrsb", None, Reg::X, 1),
    a("ldrsh", None, Reg::W, 2),
    a("ldrsh", None, Reg::X, 2),
    a("ldrsw", None, Reg::X, 4),
    a("ldr", Some("str"), Reg::Fp('b'), 1),
    a("ldr", Some("str"), Reg::Fp('h'), 2),
    a("ldr", Some("str"), Reg::Fp('s'), 4),
    a("ldr", Some("str"), Reg::Fp('d'), 8),
    a("ldr", Some("str"), Reg::Fp('q'), 16),
];

/// The named prefetch operations `prfm` takes (type, target level, policy).
pub const PRFOPS: [&str; 18] = [
    "pldl1keep",
    "pldl1strm",
    "pldl2keep",
    "pldl2strm",
    "pldl3keep",
    "pldl3strm",
    "plil1keep",
    "plil1strm",
    "plil2keep",
    "plil2strm",
    "plil3keep",
    "plil3strm",
    "pstl1keep",
    "pstl1strm",
    "pstl2keep",
    "pstl2strm",
    "pstl3keep",
    "pstl3strm",
];

pub fn families() -> Vec<Vec<Form>> {
    vec![
        unsigned_offset(),
        unscaled(),
        indexed(),
        register_offset(),
        unprivileged(),
        literal(),
        prefetch(),
        pairs(),
        exclusive(),
        acquire_release(),
        atomics(),
        compare_and_swap(),
        simd_multiple(),
        simd_single(),
    ]
}

fn each_access(mut body: impl FnMut(&'static str, Access, usize)) {
    let mut k = 0;
    for acc in ACCESSES {
        for m in std::iter::once(acc.load).chain(acc.store) {
            body(m, acc, k);
            k += 1;
        }
    }
}

fn unsigned_offset() -> Vec<Form> {
    let mut f = Family::new("ld/st unsigned offset");
    each_access(|m, acc, k| {
        let t = [0u8, 31, 7, 30][k % 4];
        let base = [1u8, 31, 30, 0][k % 4];
        f.add(m, vec![acc.reg.op(t), mem(vec![xsp(base)])]);
        f.add(m, vec![acc.reg.op(t), mem(vec![xsp(base), imm(acc.size)])]);
        f.add(
            m,
            vec![acc.reg.op(t), mem(vec![xsp(base), imm(4095 * acc.size)])],
        );
    });
    f.finish()
}

fn unscaled() -> Vec<Form> {
    let mut f = Family::new("ld/st unscaled (ldur/stur)");
    each_access(|m, acc, k| {
        let m = m.replacen("ldr", "ldur", 1).replacen("str", "stur", 1);
        let t = [0u8, 31, 7, 30][k % 4];
        for off in [-256, 255, 0] {
            f.add(
                &m,
                vec![
                    acc.reg.op(t),
                    mem(vec![xsp([1u8, 31, 30][k % 3]), imm(off)]),
                ],
            );
        }
    });
    f.finish()
}

fn indexed() -> Vec<Form> {
    let mut f = Family::new("ld/st pre/post-index");
    each_access(|m, acc, k| {
        let t = [0u8, 31, 7][k % 3];
        for off in [-256, 255] {
            f.add(
                m,
                vec![acc.reg.op(t), pre(vec![xsp([2u8, 31][k % 2]), imm(off)])],
            );
            f.add(
                m,
                vec![
                    acc.reg.op(t),
                    mem(vec![xsp([2u8, 31][(k + 1) % 2])]),
                    imm(off),
                ],
            );
        }
    });
    f.finish()
}

fn register_offset() -> Vec<Form> {
    let mut f = Family::new("ld/st register offset");
    each_access(|m, acc, k| {
        let scale = acc.size.trailing_zeros();
        let t = [0u8, 31, 7, 30][k % 4];
        let base = xsp([1u8, 31][k % 2]);
        f.add(m, vec![acc.reg.op(t), mem(vec![base.clone(), x(2)])]);
        f.add(
            m,
            vec![
                acc.reg.op(t),
                mem(vec![base.clone(), x(31), lit(format!("lsl #{scale}"))]),
            ],
        );
        f.add(
            m,
            vec![acc.reg.op(t), mem(vec![base.clone(), w(3), lit("uxtw")])],
        );
        f.add(
            m,
            vec![
                acc.reg.op(t),
                mem(vec![base.clone(), w(30), lit(format!("sxtw #{scale}"))]),
            ],
        );
        f.add(m, vec![acc.reg.op(t), mem(vec![base, x(4), lit("sxtx")])]);
    });
    f.finish()
}

fn unprivileged() -> Vec<Form> {
    let mut f = Family::new("ld/st unprivileged");
    for (m, wide) in [
        ("ldtrb", false),
        ("sttrb", false),
        ("ldtrh", false),
        ("sttrh", false),
        ("ldtr", false),
        ("ldtr", true),
        ("sttr", true),
        ("ldtrsb", true),
        ("ldtrsh", false),
        ("ldtrsw", true),
    ] {
        f.add(m, vec![r(wide, 0), mem(vec![xsp(1)])]);
        f.add(m, vec![r(wide, 31), mem(vec![xsp(31), imm(-256)])]);
        f.add(m, vec![r(wide, 5), mem(vec![xsp(6), imm(255)])]);
    }
    f.finish()
}

fn literal() -> Vec<Form> {
    let mut f = Family::new("ld literal");
    for (k, t) in ["w0", "x1", "s2", "d3", "q31", "x30", "w31"]
        .into_iter()
        .enumerate()
    {
        let t = if t == "w31" {
            "wzr".to_owned()
        } else {
            t.to_owned()
        };
        if k % 2 == 0 {
            f.text(
                &format!("ldr {t}, >l ; nop ; l:"),
                &format!("ldr {t}, #8; nop"),
            );
        } else {
            f.text(
                &format!("l: ; nop ; ldr {t}, <l"),
                &format!("nop; ldr {t}, #-4"),
            );
        }
    }
    f.text("ldrsw x5, >l ; l:", "ldrsw x5, #4");
    f.text("l: ; ldrsw xzr, <l", "ldrsw xzr, #0");
    f.text("prfm pldl1keep, >l ; l:", "prfm pldl1keep, #4");
    f.text("l: ; prfm pstl3strm, <l", "prfm pstl3strm, #0");
    f.text("prfm #31, >l ; l:", "prfm #31, #4");
    f.dynamic_text("ldr X(7), >l ; nop ; l:", "ldr x7, #8; nop");
    f.dynamic_text("l: ; ldr D(31), <l", "ldr d31, #0");
    f.dynamic_text("ldrsw X(30), >l ; l:", "ldrsw x30, #4");
    f.finish()
}

fn prefetch() -> Vec<Form> {
    let mut f = Family::new("ld/st prefetch");
    for (k, op) in PRFOPS.into_iter().enumerate() {
        let op = lit(op);
        match k % 4 {
            0 => f.add("prfm", vec![op, mem(vec![xsp(0)])]),
            1 => f.add("prfm", vec![op, mem(vec![xsp(31), imm(32760)])]),
            2 => f.add("prfm", vec![op, mem(vec![xsp(1), x(2), lit("lsl #3")])]),
            _ => f.add("prfum", vec![op, mem(vec![xsp(3), imm(-256)])]),
        }
    }
    for n in [0i64, 6, 24, 31] {
        f.add("prfm", vec![imm(n), mem(vec![xsp(5), imm(8)])]);
    }
    f.add("prfm", vec![lit("pldl1keep"), mem(vec![xsp(4), imm(8)])]);
    f.add(
        "prfum",
        vec![lit("pstl2keep"), mem(vec![xsp(31), imm(255)])],
    );
    f.add(
        "prfm",
        vec![lit("plil1keep"), mem(vec![xsp(7), w(8), lit("sxtw")])],
    );
    f.finish()
}

fn pairs() -> Vec<Form> {
    let mut f = Family::new("ld/st pair");
    let kinds: [(Reg, i64, bool); 5] = [
        (Reg::W, 4, true),
        (Reg::X, 8, true),
        (Reg::Fp('s'), 4, true),
        (Reg::Fp('d'), 8, true),
        (Reg::Fp('q'), 16, true),
    ];
    for (k, (reg, size, _)) in kinds.into_iter().enumerate() {
        for m in ["ldp", "stp", "ldnp", "stnp"] {
            let (t1, t2) = [(0u8, 1u8), (31, 30), (29, 30)][k % 3];
            for off in [-64 * size, 63 * size, 0] {
                f.add(
                    m,
                    vec![
                        reg.op(t1),
                        reg.op(t2),
                        mem(vec![xsp([2u8, 31][k % 2]), imm(off)]),
                    ],
                );
            }
            if m.len() == 3 {
                for off in [-64 * size, 63 * size] {
                    f.add(
                        m,
                        vec![reg.op(t1), reg.op(t2), pre(vec![xsp(31), imm(off)])],
                    );
                    f.add(m, vec![reg.op(t1), reg.op(t2), mem(vec![xsp(3)]), imm(off)]);
                }
            }
        }
    }
    f.add("ldpsw", vec![x(0), x(1), mem(vec![xsp(2), imm(-256)])]);
    f.add("ldpsw", vec![x(31), x(30), pre(vec![xsp(31), imm(252)])]);
    f.add("ldpsw", vec![x(3), x(4), mem(vec![xsp(5)]), imm(8)]);
    f.add("ldp", vec![x(0), x(1), mem(vec![xsp(2)])]);
    f.finish()
}

fn exclusive() -> Vec<Form> {
    let mut f = Family::new("ld/st exclusive");
    let sized = [("b", false), ("h", false), ("", false), ("", true)];
    for (k, (suffix, wide)) in sized.into_iter().enumerate() {
        for m in ["ldxr", "ldaxr"] {
            let m = format!("{m}{suffix}");
            f.add(&m, vec![r(wide, [0u8, 31][k % 2]), mem(vec![xsp(1)])]);
            f.add(&m, vec![r(wide, 5), mem(vec![xsp(31), imm(0)])]);
        }
        for m in ["stxr", "stlxr"] {
            let m = format!("{m}{suffix}");
            f.add(&m, vec![w(2), r(wide, [0u8, 31][k % 2]), mem(vec![xsp(1)])]);
            f.add(&m, vec![w(31), r(wide, 3), mem(vec![xsp(31), imm(0)])]);
        }
    }
    for wide in [false, true] {
        for m in ["ldxp", "ldaxp"] {
            f.add(m, vec![r(wide, 0), r(wide, 1), mem(vec![xsp(2)])]);
            f.add(
                m,
                vec![r(wide, 31), r(wide, 30), mem(vec![xsp(31), imm(0)])],
            );
        }
        for m in ["stxp", "stlxp"] {
            f.add(m, vec![w(3), r(wide, 0), r(wide, 1), mem(vec![xsp(2)])]);
            f.add(
                m,
                vec![w(31), r(wide, 30), r(wide, 29), mem(vec![xsp(31), imm(0)])],
            );
        }
    }
    f.finish()
}

fn acquire_release() -> Vec<Form> {
    let mut f = Family::new("ld/st acquire/release");
    let sized = [("b", false), ("h", false), ("", false), ("", true)];
    for (k, (suffix, wide)) in sized.into_iter().enumerate() {
        for m in ["ldar", "stlr", "ldlar", "stllr", "ldapr"] {
            let m = format!("{m}{suffix}");
            f.add(&m, vec![r(wide, [0u8, 31][k % 2]), mem(vec![xsp(1)])]);
            f.add(&m, vec![r(wide, 7), mem(vec![xsp(31), imm(0)])]);
        }
        for m in ["ldapur", "stlur"] {
            let m = format!("{m}{suffix}");
            f.add(&m, vec![r(wide, 2), mem(vec![xsp(3), imm(-256)])]);
        }
    }
    f.finish()
}

fn atomics() -> Vec<Form> {
    let mut f = Family::new("ld/st LSE atomics");
    let ops = [
        "ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp",
    ];
    let mut k = 0;
    for op in ops {
        for order in ["", "a", "al", "l"] {
            for (suffix, wide) in [("b", false), ("h", false), ("", false), ("", true)] {
                k += 1;
                if k % 2 == 0 && !(suffix.is_empty() && wide) {
                    continue;
                }
                let m = format!("{op}{order}{suffix}");
                let (s, t, n) = [(0u8, 1u8, 2u8), (31, 30, 31), (5, 31, 6)][k % 3];
                f.add(&m, vec![r(wide, s), r(wide, t), mem(vec![xsp(n)])]);
            }
        }
        if op != "swp" {
            let st = op.replacen("ld", "st", 1);
            for order in ["", "l"] {
                f.add(&format!("{st}{order}"), vec![x(0), mem(vec![xsp(1)])]);
                f.add(&format!("{st}{order}b"), vec![w(31), mem(vec![xsp(31)])]);
                f.add(&format!("{st}{order}h"), vec![w(3), mem(vec![xsp(4)])]);
            }
        }
    }
    f.finish()
}

fn compare_and_swap() -> Vec<Form> {
    let mut f = Family::new("ld/st LSE compare and swap");
    for order in ["", "a", "al", "l"] {
        for (k, (suffix, wide)) in [("b", false), ("h", false), ("", false), ("", true)]
            .into_iter()
            .enumerate()
        {
            let (s, t, n) = [(0u8, 1u8, 2u8), (31, 30, 31), (5, 31, 6), (7, 8, 9)][k];
            f.add(
                &format!("cas{order}{suffix}"),
                vec![r(wide, s), r(wide, t), mem(vec![xsp(n)])],
            );
        }
        for wide in [false, true] {
            f.add(
                &format!("casp{order}"),
                vec![
                    r(wide, 0),
                    r(wide, 1),
                    r(wide, 2),
                    r(wide, 3),
                    mem(vec![xsp(4)]),
                ],
            );
            f.add(
                &format!("casp{order}"),
                vec![
                    r(wide, 30),
                    r(wide, 31),
                    r(wide, 28),
                    r(wide, 29),
                    mem(vec![xsp(31)]),
                ],
            );
        }
    }
    f.finish()
}

fn simd_multiple() -> Vec<Form> {
    let mut f = Family::new("simd ld/st multiple structures");
    let mut k = 0usize;
    for (m, count) in [
        ("ld1", 1u8),
        ("ld1", 2),
        ("ld1", 3),
        ("ld1", 4),
        ("st1", 1),
        ("st1", 2),
        ("st1", 3),
        ("st1", 4),
        ("ld2", 2),
        ("st2", 2),
        ("ld3", 3),
        ("st3", 3),
        ("ld4", 4),
        ("st4", 4),
    ] {
        let arrs: Vec<Arr> = if m.ends_with('1') {
            vec![B8, B16, H4, H8, S2, S4, D1, D2]
        } else {
            vec![B8, B16, H4, H8, S2, S4, D2]
        };
        for a in arrs {
            k += 1;
            let first = [0u8, 31, 30, 7, 29][k % 5];
            let bytes = i64::from(count) * if a.full() { 16 } else { 8 };
            let dash = k.is_multiple_of(2);
            let list = Op::List(first, count, a, dash);
            match k % 4 {
                0 => f.add(m, vec![list, mem(vec![xsp(0)])]),
                1 => f.add(m, vec![list, mem(vec![xsp(31)]), imm(bytes)]),
                2 => f.add(m, vec![list, mem(vec![xsp(1)]), x(2)]),
                _ => f.add(m, vec![list, mem(vec![xsp(30)])]),
            }
        }
    }
    // Ranges, including ones that wrap from v31 to v0.
    for (m, count) in [
        ("ld1", 4u8),
        ("st1", 3),
        ("ld2", 2),
        ("st2", 2),
        ("ld3", 3),
        ("st3", 3),
        ("ld4", 4),
        ("st4", 4),
    ] {
        for first in [31u8, 30] {
            f.add(
                m,
                vec![Op::List(first, count, B16, true), mem(vec![xsp(0)])],
            );
        }
    }
    f.finish()
}

fn simd_single() -> Vec<Form> {
    let mut f = Family::new("simd ld/st single structure");
    let mut k = 0usize;
    for n in 1u8..=4 {
        for (size, bytes, top) in [('b', 1i64, 15u8), ('h', 2, 7), ('s', 4, 3), ('d', 8, 1)] {
            for m in ["ld", "st"] {
                k += 1;
                let mn = format!("{m}{n}");
                let elems = Arr { size, lanes: 0 };
                let first = [0u8, 31, 5][k % 3];
                let list = |i: u8| lit_list(first, n, elems, i, k.is_multiple_of(2));
                f.add(&mn, vec![list(0), mem(vec![xsp(1)])]);
                f.add(
                    &mn,
                    vec![list(top), mem(vec![xsp(31)]), imm(bytes * i64::from(n))],
                );
                f.add(&mn, vec![list(top / 2), mem(vec![xsp(2)]), x(3)]);
            }
            // Load and replicate.
            let mn = format!("ld{n}r");
            for (j, a) in [B8, B16, H4, H8, S2, S4, D1, D2]
                .into_iter()
                .filter(|a| a.size == size || (size == 'd' && a.size == 'd'))
                .enumerate()
            {
                k += 1;
                let first = [0u8, 31, 30][k % 3];
                let list = Op::List(first, n, a, k.is_multiple_of(2));
                match j % 3 {
                    0 => f.add(&mn, vec![list, mem(vec![xsp(0)])]),
                    1 => f.add(
                        &mn,
                        vec![list, mem(vec![xsp(31)]), imm(bytes * i64::from(n))],
                    ),
                    _ => f.add(&mn, vec![list, mem(vec![xsp(4)]), x(5)]),
                }
            }
        }
    }
    f.finish()
}

/// `{v0.s, v1.s}[i]`: a list of elements with a lane index, which has no dynamic spelling here.
fn lit_list(first: u8, count: u8, elems: Arr, lane: u8, dash: bool) -> Op {
    let mut s = String::from("{");
    if dash && count > 1 {
        let last = (first + count - 1) % 32;
        s += &format!("v{first}.{0} - v{last}.{0}", elems.size);
    } else {
        for k in 0..count {
            if k > 0 {
                s += ", ";
            }
            s += &format!("v{}.{}", (first + k) % 32, elems.size);
        }
    }
    lit(s + &format!("}}[{lane}]"))
}
