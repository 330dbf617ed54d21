//! Data processing, immediate and register (Arm ARM C4.1.86 and C4.1.87, "Data Processing --
//! Immediate" and "Data Processing -- Register").

use super::form::*;

/// The sixteen condition codes, `al` and `nv` included.
pub const CONDS: [&str; 16] = [
    "eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
];

/// Registers worth trying in a general-register slot: both ends and some in between.
const REGS: [u8; 4] = [0, 7, 30, 31];

pub fn families() -> Vec<Vec<Form>> {
    vec![
        pc_relative(),
        add_sub_immediate(),
        logical_immediate(),
        move_wide(),
        bitfield(),
        extract(),
        two_source(),
        one_source(),
        logical_shifted(),
        add_sub_shifted(),
        add_sub_extended(),
        carry(),
        conditional_compare(),
        conditional_select(),
        three_source(),
    ]
}

fn pc_relative() -> Vec<Form> {
    let mut f = Family::new("dp-imm pc-relative (adr)");
    for n in [0u8, 17, 30] {
        f.text(
            &format!("adr x{n}, >l ; nop ; l:"),
            &format!("adr x{n}, #8; nop"),
        );
        f.text(&format!("l: ; adr x{n}, <l"), &format!("adr x{n}, #0"));
        f.text(
            &format!("l: ; nop ; nop ; adr x{n}, <l"),
            &format!("nop; nop; adr x{n}, #-8"),
        );
    }
    f.text("adr xzr, >l ; l:", "adr xzr, #4");
    f.dynamic_text("adr X(5), >l ; nop ; l:", "adr x5, #8; nop");
    f.dynamic_text("l: ; adr X(31), <l", "adr xzr, #0");
    f.finish()
}

fn add_sub_immediate() -> Vec<Form> {
    let mut f = Family::new("dp-imm add/sub");
    for m in ["add", "adds", "sub", "subs"] {
        let flags = m.ends_with('s');
        for wide in [false, true] {
            for (d, n) in [(0, 1), (31, 31), (7, 30), (30, 0)] {
                let dst = if flags { r(wide, d) } else { rsp(wide, d) };
                for (i, sh) in [
                    (0, ""),
                    (1, ""),
                    (4095, ""),
                    (1, "lsl #12"),
                    (4095, "lsl #12"),
                    (7, "lsl #0"),
                ] {
                    let mut ops = vec![dst.clone(), rsp(wide, n), imm(i)];
                    if !sh.is_empty() {
                        ops.push(lit(sh));
                    }
                    f.add(m, ops);
                }
            }
        }
    }
    for wide in [false, true] {
        for (m, n) in [("cmp", 0), ("cmp", 31), ("cmn", 5), ("cmn", 31)] {
            f.add(m, vec![rsp(wide, n), imm(4095)]);
            f.add(m, vec![rsp(wide, n), imm(1), lit("lsl #12")]);
        }
        f.add("mov", vec![rsp(wide, 31), rsp(wide, 3)]);
        f.add("mov", vec![rsp(wide, 4), rsp(wide, 31)]);
    }
    f.finish()
}

/// Valid bitmask immediates for 32 and 64 bits: element sizes 2..64, runs at both ends.
const MASKS32: [u64; 10] = [
    0x1, 0x7fffffff, 0x80000000, 0xfffffffe, 0x55555555, 0xaaaaaaaa, 0x0f0f0f0f, 0x00ff00ff,
    0x0000ffff, 0xffff0000,
];
const MASKS64: [u64; 10] = [
    0x1,
    0x7fffffffffffffff,
    0x8000000000000000,
    0xfffffffffffffffe,
    0x5555555555555555,
    0x3333333333333333,
    0x00000000ffffffff,
    0xffffffff00000000,
    0x0ff00ff00ff00ff0,
    0x8000000180000001,
];

fn logical_immediate() -> Vec<Form> {
    let mut f = Family::new("dp-imm logical");
    for m in ["and", "orr", "eor", "ands"] {
        for wide in [false, true] {
            let masks = if wide { &MASKS64 } else { &MASKS32 };
            for (k, &mask) in masks.iter().enumerate() {
                let (d, n) = [(0, 1), (31, 30), (5, 31)][k % 3];
                let dst = if m == "ands" {
                    r(wide, d)
                } else {
                    rsp(wide, d)
                };
                f.add(m, vec![dst, r(wide, n), hex(mask)]);
            }
        }
    }
    // Negative and complemented spellings of valid masks.
    for (m, wide, v) in [
        ("and", false, -2),
        ("and", true, -2),
        ("orr", true, -256),
        ("eor", false, -65536),
        ("ands", true, -4),
    ] {
        let dst = if m == "ands" {
            r(wide, 0)
        } else {
            rsp(wide, 0)
        };
        f.add(m, vec![dst, r(wide, 1), imm(v)]);
    }
    // Complemented immediates: `bic`, `bics`, `orn` and `eon` with the mask's complement.
    for (m, wide, mask) in [
        ("bic", false, 0xffu64),
        ("bic", true, 0x1),
        ("bics", false, 0x80000000),
        ("bics", true, 0xffff0000ffff0000),
        ("orn", false, 0x0f0f0f0f),
        ("orn", true, 0x7fffffffffffffff),
        ("eon", false, 0xfffffffe),
        ("eon", true, 0x5555555555555555),
    ] {
        let dst = if m == "bics" {
            r(wide, 2)
        } else {
            rsp(wide, 2)
        };
        f.add(m, vec![dst, r(wide, 3), hex(mask)]);
    }
    for wide in [false, true] {
        f.add("tst", vec![r(wide, 3), hex(0x1)]);
        f.add("tst", vec![r(wide, 31), hex(0x80000000)]);
        // `mov` of a bitmask immediate (the `orr` alias).
        let (a, b) = if wide {
            (0x00ff00ff00ff00ff, 0x5555555555555555)
        } else {
            (0x00ff00ff, 0x55555555)
        };
        f.add("mov", vec![rsp(wide, 0), hex(a)]);
        f.add("mov", vec![rsp(wide, 31), hex(b)]);
    }
    f.add("mov", vec![x(9), hex(0x3333333333333333)]);
    f.dynamic_text(
        "mov X(9), #d(0x3333333333333333)",
        "mov x9, #0x3333333333333333",
    );
    f.dynamic_text("mov W(10), #d(0x0f0f0f0f)", "mov w10, #0x0f0f0f0f");
    f.finish()
}

fn move_wide() -> Vec<Form> {
    let mut f = Family::new("dp-imm move wide");
    for m in ["movz", "movn", "movk"] {
        for wide in [false, true] {
            let shifts: &[u32] = if wide { &[0, 16, 32, 48] } else { &[0, 16] };
            for (k, &sh) in shifts.iter().enumerate() {
                for (j, i) in [0i64, 1, 0xffff].into_iter().enumerate() {
                    let d = REGS[(k + j) % 4];
                    let mut ops = vec![r(wide, d), imm(i)];
                    if sh != 0 || j == 1 {
                        ops.push(lit(format!("lsl #{sh}")));
                    }
                    f.add(m, ops);
                }
            }
        }
    }
    // `mov` of immediates that movz/movn encode.
    for (wide, v) in [
        (false, 0i64),
        (false, 0xffff),
        (false, 0x10000),
        (false, -1),
        (false, -65536),
        (true, 0x10000),
        (true, 0xffff00000000),
        (true, -1),
        (true, -0x10001),
        (true, 0x7fff000000000000),
    ] {
        f.add("mov", vec![r(wide, 2), imm(v)]);
    }
    f.finish()
}

fn bitfield() -> Vec<Form> {
    let mut f = Family::new("dp-imm bitfield");
    for m in ["sbfm", "bfm", "ubfm"] {
        for wide in [false, true] {
            let top = if wide { 63 } else { 31 };
            for (k, (a, b)) in [(0, 0), (0, top), (top, 0), (top, top), (1, 7), (17, 3)]
                .into_iter()
                .enumerate()
            {
                f.add(
                    m,
                    vec![
                        r(wide, REGS[k % 4]),
                        r(wide, REGS[(k + 1) % 4]),
                        imm(a),
                        imm(b),
                    ],
                );
            }
        }
    }
    for wide in [false, true] {
        let size: i64 = if wide { 64 } else { 32 };
        for m in ["asr", "lsr", "lsl"] {
            for sh in [0, 1, size - 1] {
                f.add(m, vec![r(wide, 0), r(wide, 1), imm(sh)]);
            }
        }
        for m in ["sbfx", "ubfx", "sbfiz", "ubfiz", "bfi", "bfxil"] {
            for (lsb, width) in [(0, 1), (0, size), (size - 1, 1), (3, 5)] {
                f.add(m, vec![r(wide, 2), r(wide, 30), imm(lsb), imm(width)]);
            }
        }
        f.add("bfc", vec![r(wide, 4), imm(1), imm(3)]);
    }
    for (m, wide) in [
        ("sxtb", false),
        ("sxtb", true),
        ("sxth", false),
        ("sxth", true),
        ("sxtw", true),
        ("uxtb", false),
        ("uxth", false),
    ] {
        f.add(m, vec![r(wide, 0), w(31)]);
        f.add(m, vec![r(wide, 31), w(7)]);
    }
    f.finish()
}

fn extract() -> Vec<Form> {
    let mut f = Family::new("dp-imm extract");
    for wide in [false, true] {
        let top = if wide { 63 } else { 31 };
        for (k, lsb) in [0, 1, top].into_iter().enumerate() {
            f.add(
                "extr",
                vec![r(wide, REGS[k]), r(wide, REGS[k + 1]), r(wide, 3), imm(lsb)],
            );
            f.add("ror", vec![r(wide, REGS[k]), r(wide, 9), imm(lsb)]);
        }
    }
    f.finish()
}

fn two_source() -> Vec<Form> {
    let mut f = Family::new("dp-reg two-source");
    for m in [
        "udiv", "sdiv", "lslv", "lsrv", "asrv", "rorv", "lsl", "lsr", "asr", "ror",
    ] {
        for wide in [false, true] {
            f.add(m, vec![r(wide, 0), r(wide, 1), r(wide, 2)]);
            f.add(m, vec![r(wide, 31), r(wide, 30), r(wide, 31)]);
        }
    }
    for m in [
        "crc32b", "crc32h", "crc32w", "crc32cb", "crc32ch", "crc32cw",
    ] {
        f.add(m, vec![w(0), w(1), w(2)]);
    }
    f.add("crc32x", vec![w(3), w(4), x(5)]);
    f.add("crc32cx", vec![w(31), w(30), x(31)]);
    f.finish()
}

fn one_source() -> Vec<Form> {
    let mut f = Family::new("dp-reg one-source");
    for m in ["rbit", "rev16", "rev", "clz", "cls"] {
        for wide in [false, true] {
            f.add(m, vec![r(wide, 0), r(wide, 1)]);
            f.add(m, vec![r(wide, 31), r(wide, 30)]);
        }
    }
    f.add("rev32", vec![x(0), x(1)]);
    f.add("rev64", vec![x(2), x(3)]);
    f.finish()
}

fn logical_shifted() -> Vec<Form> {
    let mut f = Family::new("dp-reg logical shifted");
    for m in ["and", "bic", "orr", "orn", "eor", "eon", "ands", "bics"] {
        for wide in [false, true] {
            let top = if wide { 63 } else { 31 };
            f.add(m, vec![r(wide, 0), r(wide, 1), r(wide, 2)]);
            for (k, sh) in ["lsl", "lsr", "asr", "ror"].into_iter().enumerate() {
                let amount = [0, 1, top, 7][k];
                f.add(
                    m,
                    vec![
                        r(wide, REGS[k]),
                        r(wide, REGS[(k + 1) % 4]),
                        r(wide, REGS[(k + 2) % 4]),
                        lit(format!("{sh} #{amount}")),
                    ],
                );
            }
        }
    }
    for wide in [false, true] {
        f.add("mov", vec![r(wide, 0), r(wide, 31)]);
        f.add("mvn", vec![r(wide, 0), r(wide, 1)]);
        f.add("mvn", vec![r(wide, 0), r(wide, 1), lit("ror #3")]);
        f.add("tst", vec![r(wide, 0), r(wide, 1)]);
        f.add("tst", vec![r(wide, 30), r(wide, 31), lit("lsl #4")]);
    }
    f.finish()
}

fn add_sub_shifted() -> Vec<Form> {
    let mut f = Family::new("dp-reg add/sub shifted");
    for m in ["add", "adds", "sub", "subs"] {
        for wide in [false, true] {
            let top = if wide { 63 } else { 31 };
            f.add(m, vec![r(wide, 0), r(wide, 1), r(wide, 2)]);
            for (k, sh) in ["lsl", "lsr", "asr"].into_iter().enumerate() {
                for amount in [0, top] {
                    f.add(
                        m,
                        vec![
                            r(wide, REGS[k]),
                            r(wide, REGS[(k + 1) % 4]),
                            r(wide, 31),
                            lit(format!("{sh} #{amount}")),
                        ],
                    );
                }
            }
        }
    }
    for wide in [false, true] {
        for m in ["neg", "negs"] {
            f.add(m, vec![r(wide, 0), r(wide, 1)]);
            f.add(m, vec![r(wide, 31), r(wide, 30), lit("asr #3")]);
        }
        for m in ["cmp", "cmn"] {
            f.add(m, vec![r(wide, 0), r(wide, 31)]);
            f.add(m, vec![r(wide, 7), r(wide, 8), lit("lsr #2")]);
        }
    }
    f.finish()
}

fn add_sub_extended() -> Vec<Form> {
    let mut f = Family::new("dp-reg add/sub extended");
    let exts = [
        "uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx",
    ];
    for m in ["add", "adds", "sub", "subs"] {
        let flags = m.ends_with('s');
        for wide in [false, true] {
            for (k, ext) in exts.into_iter().enumerate() {
                let x_src = wide && ext.ends_with('x');
                let src = if x_src {
                    x(REGS[k % 4])
                } else {
                    w(REGS[k % 4])
                };
                let d = REGS[(k + 1) % 4];
                let dst = if flags { r(wide, d) } else { rsp(wide, d) };
                let amount = k % 5;
                let shift = if amount == 0 {
                    ext.to_owned()
                } else {
                    format!("{ext} #{amount}")
                };
                f.add(
                    m,
                    vec![
                        dst.clone(),
                        rsp(wide, REGS[(k + 3) % 4]),
                        src.clone(),
                        lit(shift),
                    ],
                );
                if k == 0 {
                    f.add(m, vec![dst, rsp(wide, 31), src, lit(format!("{ext} #4"))]);
                }
            }
            // `lsl` is uxtw/uxtx when an operand is sp.
            let dst = if flags { r(wide, 0) } else { rsp(wide, 31) };
            f.add(m, vec![dst, rsp(wide, 31), r(wide, 2), lit("lsl #2")]);
        }
    }
    f.add("cmp", vec![xsp(31), w(1), lit("uxtw #1")]);
    f.add("cmn", vec![wsp(3), w(4), lit("sxtb")]);
    f.finish()
}

fn carry() -> Vec<Form> {
    let mut f = Family::new("dp-reg carry");
    for m in ["adc", "adcs", "sbc", "sbcs"] {
        for wide in [false, true] {
            f.add(m, vec![r(wide, 0), r(wide, 1), r(wide, 2)]);
            f.add(m, vec![r(wide, 31), r(wide, 31), r(wide, 30)]);
        }
    }
    for m in ["ngc", "ngcs"] {
        for wide in [false, true] {
            f.add(m, vec![r(wide, 3), r(wide, 4)]);
        }
    }
    f.finish()
}

fn conditional_compare() -> Vec<Form> {
    let mut f = Family::new("dp conditional compare");
    for m in ["ccmn", "ccmp"] {
        for wide in [false, true] {
            for (k, c) in CONDS.into_iter().enumerate() {
                let nzcv = [0, 15, 5, 10][k % 4];
                if k % 2 == 0 {
                    f.add(
                        m,
                        vec![
                            r(wide, REGS[k % 4]),
                            r(wide, REGS[(k + 1) % 4]),
                            imm(nzcv),
                            lit(c),
                        ],
                    );
                } else {
                    f.add(
                        m,
                        vec![
                            r(wide, REGS[k % 4]),
                            imm([0, 31, 1, 16][k % 4]),
                            imm(nzcv),
                            lit(c),
                        ],
                    );
                }
            }
        }
    }
    f.finish()
}

fn conditional_select() -> Vec<Form> {
    let mut f = Family::new("dp conditional select");
    for m in ["csel", "csinc", "csinv", "csneg"] {
        for wide in [false, true] {
            for (k, c) in CONDS
                .into_iter()
                .enumerate()
                .filter(|(k, _)| k % 3 == usize::from(wide))
            {
                f.add(
                    m,
                    vec![
                        r(wide, REGS[k % 4]),
                        r(wide, REGS[(k + 1) % 4]),
                        r(wide, REGS[(k + 2) % 4]),
                        lit(c),
                    ],
                );
            }
        }
    }
    for wide in [false, true] {
        for (k, c) in CONDS[..14]
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 2 == usize::from(wide))
        {
            f.add("cset", vec![r(wide, REGS[k % 4]), lit(*c)]);
            f.add("csetm", vec![r(wide, REGS[(k + 1) % 4]), lit(*c)]);
            f.add("cinc", vec![r(wide, 0), r(wide, 1), lit(*c)]);
            f.add("cinv", vec![r(wide, 30), r(wide, 31), lit(*c)]);
            f.add("cneg", vec![r(wide, 2), r(wide, 2), lit(*c)]);
        }
    }
    f.finish()
}

fn three_source() -> Vec<Form> {
    let mut f = Family::new("dp-reg three-source");
    for m in ["madd", "msub"] {
        for wide in [false, true] {
            f.add(m, vec![r(wide, 0), r(wide, 1), r(wide, 2), r(wide, 3)]);
            f.add(m, vec![r(wide, 31), r(wide, 30), r(wide, 31), r(wide, 7)]);
        }
    }
    for m in ["smaddl", "smsubl", "umaddl", "umsubl"] {
        f.add(m, vec![x(0), w(1), w(2), x(3)]);
        f.add(m, vec![x(31), w(30), w(31), x(31)]);
    }
    for m in ["smulh", "umulh"] {
        f.add(m, vec![x(0), x(1), x(2)]);
        f.add(m, vec![x(31), x(30), x(31)]);
    }
    for m in ["mul", "mneg"] {
        for wide in [false, true] {
            f.add(m, vec![r(wide, 0), r(wide, 1), r(wide, 31)]);
        }
    }
    for m in ["smull", "umull", "smnegl", "umnegl"] {
        f.add(m, vec![x(0), w(1), w(2)]);
        f.add(m, vec![x(31), w(30), w(31)]);
    }
    f.finish()
}
