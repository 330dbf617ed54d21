//! Scalar floating point (Arm ARM C4.1.91, "Data Processing -- Scalar Floating-Point and
//! Advanced SIMD", the scalar FP classes): conversions, one/two/three-source, compare,
//! conditional, immediate.

use super::data::CONDS;
use super::form::*;

const SIZES: [char; 3] = ['h', 's', 'd'];

pub fn families() -> Vec<Vec<Form>> {
    vec![
        fp_int(),
        fp_fixed(),
        fp_one_source(),
        fp_two_source(),
        fp_three_source(),
        fp_compare(),
        fp_immediate(),
    ]
}

fn fp_int() -> Vec<Form> {
    let mut f = Family::new("fp <-> integer conversion");
    let mut k = 0;
    for m in [
        "fcvtns", "fcvtnu", "fcvtps", "fcvtpu", "fcvtms", "fcvtmu", "fcvtzs", "fcvtzu", "fcvtas",
        "fcvtau",
    ] {
        for s in SIZES {
            for wide in [false, true] {
                k += 1;
                let (d, n) = [(0u8, 1u8), (31, 31), (30, 7)][k % 3];
                f.add(m, vec![r(wide, d), fp(s, n)]);
            }
        }
    }
    for m in ["scvtf", "ucvtf"] {
        for s in SIZES {
            for wide in [false, true] {
                k += 1;
                let (d, n) = [(0u8, 1u8), (31, 31), (30, 7)][k % 3];
                f.add(m, vec![fp(s, d), r(wide, n)]);
            }
        }
    }
    for (a, b) in [('w', 's'), ('x', 'd'), ('w', 'h'), ('x', 'h')] {
        let wide = a == 'x';
        f.add("fmov", vec![r(wide, 0), fp(b, 1)]);
        f.add("fmov", vec![fp(b, 31), r(wide, 31)]);
    }
    f.add("fmov", vec![x(2), el(3, 'd', 1)]);
    f.add("fmov", vec![el(31, 'd', 1), x(30)]);
    f.add("fjcvtzs", vec![w(0), fp('d', 1)]);
    f.finish()
}

fn fp_fixed() -> Vec<Form> {
    let mut f = Family::new("fp <-> fixed-point conversion");
    for (m, to_int) in [
        ("scvtf", false),
        ("ucvtf", false),
        ("fcvtzs", true),
        ("fcvtzu", true),
    ] {
        for s in SIZES {
            for wide in [false, true] {
                let top = if wide { 64 } else { 32 };
                for fbits in [1, top] {
                    if to_int {
                        f.add(m, vec![r(wide, 0), fp(s, 31), imm(fbits)]);
                    } else {
                        f.add(m, vec![fp(s, 0), r(wide, 31), imm(fbits)]);
                    }
                }
            }
        }
    }
    f.finish()
}

fn fp_one_source() -> Vec<Form> {
    let mut f = Family::new("fp one-source");
    let mut k = 0;
    for m in [
        "fmov", "fabs", "fneg", "fsqrt", "frintn", "frintp", "frintm", "frintz", "frinta",
        "frintx", "frinti", "frint32x", "frint32z", "frint64x", "frint64z",
    ] {
        // FRINT32/64 have no half-precision form.
        let sizes = if m.len() == 8 {
            &SIZES[1..]
        } else {
            &SIZES[..]
        };
        for &s in sizes {
            k += 1;
            let (d, n) = [(0u8, 1u8), (31, 30), (7, 31)][k % 3];
            f.add(m, vec![fp(s, d), fp(s, n)]);
        }
    }
    for (a, b) in [
        ('s', 'd'),
        ('d', 's'),
        ('h', 's'),
        ('s', 'h'),
        ('h', 'd'),
        ('d', 'h'),
    ] {
        f.add("fcvt", vec![fp(a, 0), fp(b, 31)]);
    }
    f.add("bfcvt", vec![fp('h', 0), fp('s', 1)]);
    f.finish()
}

fn fp_two_source() -> Vec<Form> {
    let mut f = Family::new("fp two-source");
    let mut k = 0;
    for m in [
        "fmul", "fdiv", "fadd", "fsub", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul",
    ] {
        for s in SIZES {
            k += 1;
            let (d, n, mm) = [(0u8, 1u8, 2u8), (31, 30, 31), (7, 31, 0)][k % 3];
            f.add(m, vec![fp(s, d), fp(s, n), fp(s, mm)]);
        }
    }
    f.finish()
}

fn fp_three_source() -> Vec<Form> {
    let mut f = Family::new("fp three-source");
    for m in ["fmadd", "fmsub", "fnmadd", "fnmsub"] {
        for s in SIZES {
            f.add(m, vec![fp(s, 0), fp(s, 1), fp(s, 2), fp(s, 3)]);
            f.add(m, vec![fp(s, 31), fp(s, 30), fp(s, 31), fp(s, 29)]);
        }
    }
    f.finish()
}

fn fp_compare() -> Vec<Form> {
    let mut f = Family::new("fp compare and conditional");
    for m in ["fcmp", "fcmpe"] {
        for s in SIZES {
            f.add(m, vec![fp(s, 0), fp(s, 31)]);
            f.add(m, vec![fp(s, 30), lit("#0.0")]);
        }
    }
    let mut k = 0;
    for m in ["fccmp", "fccmpe"] {
        for s in SIZES {
            for c in ["eq", "ne", "gt", "le", "al", "nv"] {
                k += 1;
                if k % 2 == 0 {
                    continue;
                }
                f.add(m, vec![fp(s, 1), fp(s, 2), imm([0, 15, 7][k % 3]), lit(c)]);
            }
        }
    }
    for s in SIZES {
        for (j, c) in CONDS.into_iter().enumerate().filter(|(j, _)| j % 4 == 1) {
            f.add(
                "fcsel",
                vec![fp(s, [0u8, 31][j % 2]), fp(s, 1), fp(s, 30), lit(c)],
            );
        }
    }
    f.finish()
}

/// The encodable FP immediates: ±(16..31)/16 × 2^(-3..4). These cover both ends and the middle.
pub const FP_IMMS: [&str; 12] = [
    "1.0",
    "-1.0",
    "0.125",
    "-0.125",
    "31.0",
    "-31.0",
    "0.5",
    "2.5",
    "1.9375",
    "0.1328125",
    "15.5",
    "-3.0",
];

fn fp_immediate() -> Vec<Form> {
    let mut f = Family::new("fp immediate");
    for s in SIZES {
        for (k, v) in FP_IMMS.into_iter().enumerate() {
            if k % 3 == 0 || s == 'd' {
                f.add(
                    "fmov",
                    vec![fp(s, [0u8, 31, 7][k % 3]), lit(format!("#{v}"))],
                );
            }
        }
    }
    // `fmov d0, #0.0` is the alias of `fmov d0, xzr`.
    f.add("fmov", vec![fp('d', 0), lit("#0.0")]);
    f.add("fmov", vec![fp('s', 31), lit("#0.0")]);
    f.add("fmov", vec![fp('h', 3), lit("#0.0")]);
    f.finish()
}
