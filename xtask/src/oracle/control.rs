//! Branches, exception generation and system instructions (Arm ARM C4.1.85, "Branches,
//! Exception Generating and System instructions"): hints, barriers, PSTATE, system registers
//! and the SYS aliases.

use super::data::CONDS;
use super::form::*;

pub fn families() -> Vec<Vec<Form>> {
    vec![
        branches(),
        exceptions(),
        hints(),
        barriers(),
        pstate(),
        sysregs(),
        sys_aliases(),
    ]
}

fn branches() -> Vec<Form> {
    let mut f = Family::new("branch");
    for m in ["b", "bl"] {
        f.text(&format!("{m} >l ; nop ; l:"), &format!("{m} #8; nop"));
        f.text(&format!("l: ; {m} <l"), &format!("{m} #0"));
        f.text(
            &format!("l: ; nop ; nop ; nop ; {m} <l"),
            &format!("nop; nop; nop; {m} #-12"),
        );
        f.text(&format!("->g: ; nop ; {m} ->g"), &format!("nop; {m} #-4"));
    }
    for (k, c) in CONDS.into_iter().enumerate() {
        if k % 2 == 0 {
            f.text(&format!("b.{c} >l ; nop ; l:"), &format!("b.{c} #8; nop"));
        } else {
            f.text(&format!("l: ; nop ; b.{c} <l"), &format!("nop; b.{c} #-4"));
        }
    }
    for (m, t) in [
        ("cbz", "x0"),
        ("cbz", "wzr"),
        ("cbnz", "x30"),
        ("cbnz", "w7"),
        ("cbz", "xzr"),
    ] {
        f.text(
            &format!("{m} {t}, >l ; nop ; l:"),
            &format!("{m} {t}, #8; nop"),
        );
        f.text(&format!("l: ; {m} {t}, <l"), &format!("{m} {t}, #0"));
    }
    for (m, t, bit) in [
        ("tbz", "x0", 63),
        ("tbz", "w1", 0),
        ("tbnz", "x30", 32),
        ("tbnz", "w31", 31),
        ("tbz", "xzr", 1),
    ] {
        let t = if t == "w31" { "wzr" } else { t };
        f.text(
            &format!("{m} {t}, #{bit}, >l ; nop ; l:"),
            &format!("{m} {t}, #{bit}, #8; nop"),
        );
        f.text(
            &format!("l: ; {m} {t}, #{bit}, <l"),
            &format!("{m} {t}, #{bit}, #0"),
        );
    }
    f.dynamic_text("cbz X(3), >l ; nop ; l:", "cbz x3, #8; nop");
    f.dynamic_text("l: ; cbnz W(31), <l", "cbnz wzr, #0");
    f.dynamic_text("tbz X(4), #d(63), >l ; l:", "tbz x4, #63, #4");
    f.dynamic_text("l: ; tbnz W(0), #d(0), <l", "tbnz w0, #0, #0");
    for m in ["br", "blr"] {
        for n in [0u8, 16, 30, 31] {
            f.add(m, vec![x(n)]);
        }
    }
    f.same("ret");
    for n in [0u8, 30, 31] {
        f.add("ret", vec![x(n)]);
    }
    f.finish()
}

fn exceptions() -> Vec<Form> {
    let mut f = Family::new("exception generation");
    for m in ["svc", "hvc", "smc", "brk", "hlt"] {
        for i in [0i64, 1, 0xffff] {
            f.add(m, vec![imm(i)]);
        }
    }
    for m in ["dcps1", "dcps2", "dcps3"] {
        f.same(m);
        f.add(m, vec![imm(0xffff)]);
    }
    f.same("eret");
    f.same("drps");
    f.finish()
}

fn hints() -> Vec<Form> {
    let mut f = Family::new("system hints");
    for m in [
        "nop",
        "yield",
        "wfe",
        "wfi",
        "sev",
        "sevl",
        "dgh",
        "esb",
        "csdb",
        "xpaclri",
        "pacia1716",
        "pacib1716",
        "autia1716",
        "autib1716",
        "paciaz",
        "paciasp",
        "pacibz",
        "pacibsp",
        "autiaz",
        "autiasp",
        "autibz",
        "autibsp",
    ] {
        f.same(m);
    }
    f.same("psb csync");
    f.same("tsb csync");
    for t in ["c", "j", "jc"] {
        f.same(&format!("bti {t}"));
    }
    f.same("bti");
    for i in [0i64, 1, 8, 42, 127] {
        f.add("hint", vec![imm(i)]);
    }
    f.finish()
}

fn barriers() -> Vec<Form> {
    let mut f = Family::new("system barriers");
    let opts = [
        "oshld", "oshst", "osh", "nshld", "nshst", "nsh", "ishld", "ishst", "ish", "ld", "st", "sy",
    ];
    for m in ["dmb", "dsb"] {
        for o in opts {
            f.same(&format!("{m} {o}"));
        }
        for i in [0i64, 4, 15] {
            f.add(m, vec![imm(i)]);
        }
    }
    f.same("isb");
    f.same("isb sy");
    f.add("isb", vec![imm(5)]);
    f.same("clrex");
    f.add("clrex", vec![imm(0)]);
    f.add("clrex", vec![imm(15)]);
    f.same("ssbb");
    f.same("pssbb");
    f.same("sb");
    f.finish()
}

fn pstate() -> Vec<Form> {
    let mut f = Family::new("system pstate");
    for field in [
        "spsel", "daifset", "daifclr", "pan", "uao", "dit", "ssbs", "tco",
    ] {
        for i in [0i64, 1] {
            f.text(&format!("msr {field}, #{i}"), &format!("msr {field}, #{i}"));
        }
    }
    f.same("msr daifset, #15");
    f.dynamic_text("msr daifset, #d(15)", "msr daifset, #15");
    f.dynamic_text("msr spsel, #d(1)", "msr spsel, #1");
    f.same("msr daifclr, #15");
    f.same("cfinv");
    f.same("xaflag");
    f.same("axflag");
    f.finish()
}

/// System registers by name: EL0-accessible, EL1/EL2/EL3 control, debug, timers, counters, PMU,
/// ID registers (read-only) and the ones only `msr` writes.
const READ_WRITE: [&str; 48] = [
    "nzcv",
    "daif",
    "fpcr",
    "fpsr",
    "tpidr_el0",
    "tpidrro_el0",
    "tpidr_el1",
    "tpidr_el2",
    "tpidr_el3",
    "sp_el0",
    "sp_el1",
    "sp_el2",
    "elr_el1",
    "elr_el2",
    "elr_el3",
    "spsr_el1",
    "spsr_el2",
    "spsr_el3",
    "sctlr_el1",
    "sctlr_el2",
    "sctlr_el3",
    "ttbr0_el1",
    "ttbr1_el1",
    "tcr_el1",
    "mair_el1",
    "vbar_el1",
    "vbar_el2",
    "esr_el1",
    "far_el1",
    "hcr_el2",
    "scr_el3",
    "cpacr_el1",
    "contextidr_el1",
    "cntkctl_el1",
    "cntv_ctl_el0",
    "cntv_cval_el0",
    "cntp_ctl_el0",
    "cntp_tval_el0",
    "pmcr_el0",
    "pmccntr_el0",
    "pmuserenr_el0",
    "mdscr_el1",
    "dbgbvr0_el1",
    "dbgbcr15_el1",
    "actlr_el1",
    "amair_el1",
    "par_el1",
    "csselr_el1",
];
const READ_ONLY: [&str; 14] = [
    "cntvct_el0",
    "cntpct_el0",
    "cntfrq_el0",
    "midr_el1",
    "mpidr_el1",
    "ctr_el0",
    "dczid_el0",
    "id_aa64isar0_el1",
    "id_aa64pfr0_el1",
    "id_aa64mmfr0_el1",
    "currentel",
    "rndr",
    "rndrrs",
    "revidr_el1",
];

fn sysregs() -> Vec<Form> {
    let mut f = Family::new("system registers (mrs/msr)");
    for (k, reg) in READ_WRITE.into_iter().enumerate() {
        let t = [0u8, 30, 31, 7][k % 4];
        f.add("mrs", vec![x(t), lit(reg)]);
        f.add("msr", vec![lit(reg), x([1u8, 31, 29][k % 3])]);
    }
    for (k, reg) in READ_ONLY.into_iter().enumerate() {
        f.add("mrs", vec![x([0u8, 30, 31][k % 3]), lit(reg)]);
    }
    for g in [
        "s3_3_c14_c0_2",
        "s3_0_c15_c2_0",
        "s3_7_c15_c15_7",
        "s2_0_c0_c0_0",
        "s1_2_c3_c4_5",
        "s3_3_c4_c2_0",
    ] {
        f.add("mrs", vec![x(5), lit(g)]);
        f.add("msr", vec![lit(g), x(6)]);
    }
    f.finish()
}

fn sys_aliases() -> Vec<Form> {
    let mut f = Family::new("system SYS aliases");
    for op in [
        "civac", "cvac", "cvau", "cvap", "cvadp", "zva", "ivac", "isw", "csw", "cisw",
    ] {
        f.add("dc", vec![lit(op), x(3)]);
    }
    f.add("ic", vec![lit("ivau"), x(0)]);
    f.same("ic iallu");
    f.same("ic ialluis");
    for op in [
        "s1e1r", "s1e1w", "s1e0r", "s1e0w", "s1e2r", "s1e3w", "s12e1r", "s12e0w", "s1e1rp",
    ] {
        f.add("at", vec![lit(op), x(4)]);
    }
    for op in ["vmalle1is", "vmalle1", "alle1", "alle2is", "alle3"] {
        f.same(&format!("tlbi {op}"));
    }
    for op in [
        "vae1",
        "vae1is",
        "aside1",
        "vaae1is",
        "vale1",
        "vaale1is",
        "ipas2e1is",
        "vae2",
        "vae3is",
    ] {
        f.add("tlbi", vec![lit(op), x(5)]);
    }
    f.same("sys #0, c7, c5, #0");
    f.add("sys", vec![imm(3), lit("c7"), lit("c11"), imm(1), x(2)]);
    f.add("sys", vec![imm(7), lit("c15"), lit("c15"), imm(7), x(31)]);
    f.add("sysl", vec![x(0), imm(3), lit("c1"), lit("c2"), imm(3)]);
    f.add("sysl", vec![x(30), imm(7), lit("c15"), lit("c0"), imm(0)]);
    f.finish()
}
