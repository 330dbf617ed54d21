//! Checks every table entry against LLVM 14's assembler, `llvm-mc -triple=aarch64`.
//!
//! Each test writes all its statements into one source, separated by labels `f<i>:`, runs one
//! `llvm-mc -show-encoding` process on it and maps every `encoding: [..]` line (stdout) or
//! `error:` line (stderr) back to its statement. `llvm-mc` is taken from `$LLVM_MC`, else
//! `llvm-mc` on `PATH`; a missing binary fails the tests. The `-mattr` list is the union of
//! the tables' `feature` columns, so the tests also prove those features suffice.

use super::ops::{self, SysOp};
use super::{pstate, sysreg};
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

/// Result of assembling one statement: the word and the text LLVM printed, or the error.
type Outcome = Result<(u32, String), String>;

fn llvm_mc() -> String {
    std::env::var("LLVM_MC").unwrap_or_else(|_| "llvm-mc".to_string())
}

/// Runs `llvm-mc` with `args` on `input`, returning (stdout, stderr).
fn run(args: &[&str], input: String) -> (String, String) {
    let mut child = Command::new(llvm_mc())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} (set LLVM_MC): {e}", llvm_mc()));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("llvm-mc did not finish");
    writer
        .join()
        .expect("writer thread")
        .expect("write to llvm-mc");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Assembles every statement with `-mattr=<mattr>` in one process.
fn assemble(stmts: &[String], mattr: &str) -> Vec<Outcome> {
    let mut src = String::new();
    for (i, s) in stmts.iter().enumerate() {
        src.push_str(&format!("f{i}:\n{s}\n"));
    }
    let mattr = format!("-mattr={mattr}");
    let (stdout, stderr) = run(&["-triple=aarch64", &mattr, "-show-encoding"], src);
    let mut res: Vec<Outcome> = vec![Err("no output".to_string()); stmts.len()];
    let mut cur = None;
    for line in stdout.lines() {
        if let Some(i) = line
            .strip_prefix('f')
            .and_then(|l| l.strip_suffix(':'))
            .and_then(|l| l.parse::<usize>().ok())
        {
            cur = Some(i);
        } else if let (Some(i), Some(pos)) = (cur, line.find("// encoding: [")) {
            let bytes: Vec<u32> = line[pos + 14..]
                .trim_end_matches(']')
                .split(',')
                .map(|b| {
                    u32::from_str_radix(b.trim().trim_start_matches("0x"), 16).expect("hex byte")
                })
                .collect();
            assert_eq!(bytes.len(), 4, "{line}");
            let word = bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24;
            let text = line[..pos].split_whitespace().collect::<Vec<_>>().join(" ");
            res[i] = Ok((word, text));
            cur = None;
        }
    }
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix("<stdin>:") else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(_), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(l), true) = (l.parse::<usize>(), msg.contains("error")) {
            res[(l - 2) / 2] = Err(msg.trim().to_string());
        }
    }
    res
}

/// The union of every `feature` column: the `-mattr` under which all entries assemble.
fn all_features() -> String {
    let mut set = BTreeSet::new();
    let feats = sysreg::SYSREGS.iter().map(|r| r.feature);
    let feats = feats.chain(pstate::PSTATE_FIELDS.iter().map(|p| p.feature));
    let feats = feats.chain(ops::SYS_ALIASES.iter().map(|a| a.feature));
    let feats = feats
        .chain(ops::HINTS.iter().map(|h| h.2))
        .chain(ops::FIXED.iter().map(|h| h.2));
    let feats = feats
        .chain(ops::CSYNC_HINTS.iter().map(|h| h.2))
        .chain(["+xs"]);
    for f in feats {
        set.extend(f.split(',').filter(|f| !f.is_empty()));
    }
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// A statement, the word our tables/encoders produce for it, and the feature it needs.
struct Case {
    stmt: String,
    want: u32,
    feature: &'static str,
}

fn case(stmt: String, want: u32, feature: &'static str) -> Case {
    Case {
        stmt,
        want,
        feature,
    }
}

/// Asserts that LLVM assembles every case to exactly the expected word (all features on),
/// that each assembles with only its own feature, and that featureful ones fail without it.
fn check(cases: &[Case]) {
    let stmts: Vec<String> = cases.iter().map(|c| c.stmt.clone()).collect();
    let got = assemble(&stmts, &all_features());
    let bad: Vec<String> = cases
        .iter()
        .zip(&got)
        .filter(|(c, g)| !matches!(g, Ok((w, _)) if *w == c.want))
        .map(|(c, g)| format!("{}: ours {:#010x}, llvm {:x?}", c.stmt, c.want, g))
        .collect();
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
    let feats: BTreeSet<&str> = cases.iter().map(|c| c.feature).collect();
    for f in feats {
        let group: Vec<String> = cases
            .iter()
            .filter(|c| c.feature == f)
            .map(|c| c.stmt.clone())
            .collect();
        let with = assemble(&group, f);
        let fails: Vec<_> = group
            .iter()
            .zip(&with)
            .filter(|(_, r)| r.is_err())
            .collect();
        assert!(fails.is_empty(), "need more than -mattr={f}: {fails:?}");
        if !f.is_empty() {
            let without = assemble(&group, "");
            let oks: Vec<_> = group
                .iter()
                .zip(&without)
                .filter(|(_, r)| r.is_ok())
                .collect();
            assert!(oks.is_empty(), "assemble without {f}: {oks:?}");
        }
    }
}

/// Asserts that LLVM (all features on) rejects every statement.
fn check_rejected(stmts: &[String]) {
    let got = assemble(stmts, &all_features());
    let accepted: Vec<_> = stmts.iter().zip(&got).filter(|(_, r)| r.is_ok()).collect();
    assert!(accepted.is_empty(), "llvm-mc accepted: {accepted:?}");
}

/// Alternates the case of names so that case-insensitivity is exercised on both sides.
fn mixed(i: usize, s: &str) -> String {
    if i % 2 == 1 {
        s.to_ascii_uppercase()
    } else {
        s.to_string()
    }
}

#[test]
fn sysreg_table_sorted_unique_and_consistent() {
    for w in sysreg::SYSREGS.windows(2) {
        assert!(w[0].name < w[1].name, "{} !< {}", w[0].name, w[1].name);
    }
    for r in &sysreg::SYSREGS {
        assert_eq!(r.name, r.name.to_ascii_lowercase());
        assert!(
            r.op0 <= 3 && r.op1 <= 7 && r.crn <= 15 && r.crm <= 15 && r.op2 <= 7,
            "{r:?}"
        );
        assert_eq!(sysreg::lookup(&r.name.to_ascii_uppercase()), Some(r));
        assert!(
            sysreg::parse_generic(r.name).is_none(),
            "{} parses as generic",
            r.name
        );
    }
}

#[test]
fn sysreg_entries_match_llvm() {
    let mut cases = Vec::new();
    for (i, r) in sysreg::SYSREGS
        .iter()
        .filter(|r| r.verified_by_llvm)
        .enumerate()
    {
        let rt = (i % 31) as u32;
        let name = mixed(i, r.name);
        if r.access.readable() {
            let f = sysreg::for_mrs(&name).expect("readable");
            cases.push(case(
                format!("mrs x{rt}, {name}"),
                sysreg::encode_mrs(rt, f),
                r.feature,
            ));
        }
        if r.access.writable() {
            let f = sysreg::for_msr(&name).expect("writable");
            cases.push(case(
                format!("msr {name}, x{rt}"),
                sysreg::encode_msr(f, rt),
                r.feature,
            ));
        }
    }
    check(&cases);
}

#[test]
fn unverified_sysregs_are_unknown_to_llvm_14() {
    let unverified: Vec<_> = sysreg::SYSREGS
        .iter()
        .filter(|r| !r.verified_by_llvm)
        .collect();
    assert!(!unverified.is_empty() && unverified.len() < 10);
    let names: Vec<String> = unverified
        .iter()
        .map(|r| format!("mrs x0, {}", r.name))
        .collect();
    check_rejected(&names);
    // Their words are those of the generic spelling of the same fields.
    let mut cases = Vec::new();
    for r in unverified {
        let (op0, op1, crn, crm, op2) = r.fields();
        let generic = format!("s{op0}_{op1}_c{crn}_c{crm}_{op2}");
        if r.access.readable() {
            cases.push(case(
                format!("mrs x3, {generic}"),
                sysreg::encode_mrs(3, sysreg::for_mrs(r.name).unwrap()),
                "",
            ));
        }
        if r.access.writable() {
            cases.push(case(
                format!("msr {generic}, x4"),
                sysreg::encode_msr(sysreg::for_msr(r.name).unwrap(), 4),
                "",
            ));
        }
    }
    check(&cases);
}

#[test]
fn sysreg_access_is_enforced() {
    let mut refused = Vec::new();
    for r in &sysreg::SYSREGS {
        match r.access {
            sysreg::Access::ReadOnly => {
                assert!(sysreg::for_msr(r.name).is_none(), "{}", r.name);
                refused.push(format!("msr {}, x0", r.name));
            }
            sysreg::Access::WriteOnly => {
                assert!(sysreg::for_mrs(r.name).is_none(), "{}", r.name);
                refused.push(format!("mrs x0, {}", r.name));
            }
            sysreg::Access::ReadWrite => {}
        }
    }
    assert!(refused.len() > 200);
    check_rejected(&refused);
}

#[test]
fn unknown_sysreg_names_are_refused() {
    // Unknown spellings, Armv8-R-only and Apple-only names that LLVM knows under other
    // -mattr values, and malformed generic forms.
    let names = [
        "foo_el1",
        "sctlr_el4",
        "ttbr0_el0",
        "prbar_el1",
        "vsctlr_el2",
        "cpm_ioacc_ctl_el3",
        "s3_0_c01_c0_0",
        "s03_0_c1_c0_0",
        "s3_00_c1_c0_0",
        "s3_0_c1_c0_00",
        "s4_0_c1_c0_0",
        "s3_8_c1_c0_0",
        "s3_0_c16_c0_0",
        "s3_0_c1_c0_8",
        "s3_0_c1c0_0",
        "s3_0_c1_c0_0_",
        "s3_0_c1_c0",
        "s3_0_1_c0_0",
        "x3_0_c1_c0_0",
        "s3_0_c1_m0_0",
    ];
    for n in names {
        assert!(
            sysreg::lookup(n).is_none()
                && sysreg::for_mrs(n).is_none()
                && sysreg::for_msr(n).is_none(),
            "{n}"
        );
    }
    let stmts: Vec<String> = names
        .iter()
        .flat_map(|n| [format!("mrs x0, {n}"), format!("msr {n}, x0")])
        .collect();
    check_rejected(&stmts);
}

#[test]
fn generic_sysreg_form_matches_llvm_exhaustively() {
    let mut cases = Vec::new();
    for i in 0..(4 * 8 * 16 * 16 * 8) {
        let (op0, op1, crn, crm, op2) = (i >> 14 & 3, i >> 11 & 7, i >> 7 & 15, i >> 3 & 15, i & 7);
        let name = mixed(i, &format!("s{op0}_{op1}_c{crn}_c{crm}_{op2}"));
        let f = sysreg::parse_generic(&name).expect("valid generic name");
        assert_eq!(f, (op0 as u8, op1 as u8, crn as u8, crm as u8, op2 as u8));
        let rt = (i % 32) as u32;
        let reg = if rt == 31 {
            "xzr".to_string()
        } else {
            format!("x{rt}")
        };
        cases.push(case(
            format!("mrs {reg}, {name}"),
            sysreg::encode_mrs(rt, f),
            "",
        ));
        cases.push(case(
            format!("msr {name}, {reg}"),
            sysreg::encode_msr(f, rt),
            "",
        ));
    }
    check(&cases);
}

#[test]
fn disassembler_names_are_all_in_the_table() {
    // Every mrs/msr encoding LLVM prints with a name must be in the table with that encoding.
    let mut words = Vec::new();
    let mut input = String::new();
    for l in [1u32, 0] {
        for fields in 0..(1u32 << 15) {
            let w = 0xd510_0000 | l << 21 | fields << 5;
            words.push(w);
            let b = w.to_le_bytes();
            input.push_str(&format!(
                "{:#04x} {:#04x} {:#04x} {:#04x}\n",
                b[0], b[1], b[2], b[3]
            ));
        }
    }
    let mattr = format!("-mattr={}", all_features());
    let (stdout, _) = run(&["-triple=aarch64", &mattr, "-disassemble"], input);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("mrs") || l.contains("msr"))
        .collect();
    assert_eq!(lines.len(), words.len());
    let mut named = 0;
    for (w, line) in words.iter().zip(&lines) {
        let ops: Vec<&str> = line.split_whitespace().collect();
        let (name, read) = if ops[0] == "mrs" {
            (ops[2], true)
        } else {
            (ops[1].trim_end_matches(','), false)
        };
        if sysreg::parse_generic(name).is_some() {
            continue;
        }
        named += 1;
        let r = sysreg::lookup(name).unwrap_or_else(|| panic!("{name} missing from table"));
        let f = r.fields();
        let ours = if read {
            sysreg::encode_mrs(w & 31, f)
        } else {
            sysreg::encode_msr(f, w & 31)
        };
        assert_eq!(ours, *w, "{line}");
        assert!(
            if read {
                r.access.readable()
            } else {
                r.access.writable()
            },
            "{line}"
        );
    }
    assert!(named > 1500, "{named}");
}

#[test]
fn pstate_fields_match_llvm() {
    let mut cases = Vec::new();
    let mut bad = Vec::new();
    for (i, p) in pstate::PSTATE_FIELDS.iter().enumerate() {
        let name = mixed(i, p.name);
        let f = pstate::lookup(&name).expect("known field");
        for imm in 0..=u32::from(p.max_imm) {
            cases.push(case(
                format!("msr {name}, #{imm}"),
                f.encode(imm).expect("in range"),
                p.feature,
            ));
        }
        for imm in [u32::from(p.max_imm) + 1, 16, 255] {
            assert!(f.encode(imm).is_none(), "{} #{imm}", p.name);
            bad.push(format!("msr {}, #{imm}", p.name));
        }
    }
    check(&cases);
    assert!(pstate::lookup("allint").is_none() && pstate::lookup("daif").is_none());
    bad.extend(["msr allint, #1", "msr daif, #1", "msr nzcv, #1"].map(String::from));
    check_rejected(&bad);
}

#[test]
fn prefetch_ops_match_llvm() {
    let mut cases = Vec::new();
    let mut printed = Vec::new();
    for v in 0..32u8 {
        let (rn, off) = (v % 31, (u32::from(v) + 1) * 8);
        cases.push(prefetch_case(&format!("#{v}"), v, rn, off));
        printed.push(match ops::prefetch_name(v) {
            Some(n) => format!("prfm {n}, [x{rn}, #{off}]"),
            None => format!("prfm #{v}, [x{rn}, #{off}]"),
        });
    }
    for (i, (name, v)) in ops::PREFETCH_OPS.iter().enumerate() {
        let name = mixed(i, name);
        cases.push(prefetch_case(&name, *v, 30 - *v, u32::from(*v) * 8));
        let op = ops::prefetch_op(&name).expect("named");
        let simm = i as i32 * 29 - 256;
        cases.push(case(
            format!("prfum {name}, [x{i}, #{simm}]"),
            ops::encode_prfum(op, i as u32, simm),
            "",
        ));
    }
    check(&cases);
    // LLVM prints unnamed values as `#<n>` and named ones by name.
    let got = assemble(
        &cases[..32]
            .iter()
            .map(|c| c.stmt.clone())
            .collect::<Vec<_>>(),
        "",
    );
    let texts: Vec<String> = got.into_iter().map(|g| g.expect("assembles").1).collect();
    assert_eq!(texts, printed);
    for bad in ["#32", "pldl4keep", "pld", "plil1", "#-1"] {
        assert!(ops::prefetch_op(bad).is_none(), "{bad}");
    }
    check_rejected(
        &["prfm #32, [x0]", "prfm pldl4keep, [x0]", "prfm plil1, [x0]"].map(String::from),
    );
}

fn prefetch_case(operand: &str, v: u8, rn: u8, off: u32) -> Case {
    let op = ops::prefetch_op(operand).expect("valid prefetch operand");
    assert_eq!(op, v);
    case(
        format!("prfm {operand}, [x{rn}, #{off}]"),
        ops::encode_prfm(op, u32::from(rn), off / 8),
        "",
    )
}

#[test]
fn barriers_match_llvm() {
    let mut cases = Vec::new();
    for v in 0..16u8 {
        let o = format!("#{v}");
        let crm = ops::barrier_option(&o).expect("numeric option");
        cases.push(case(format!("dmb {o}"), ops::encode_dmb(crm), ""));
        cases.push(case(format!("dsb {o}"), ops::encode_dsb(crm), ""));
        cases.push(case(format!("isb #{v}"), ops::encode_isb(v), ""));
        cases.push(case(format!("clrex #{v}"), ops::encode_clrex(v), ""));
    }
    for (i, (name, _)) in ops::BARRIER_OPTIONS.iter().enumerate() {
        let name = mixed(i, name);
        let crm = ops::barrier_option(&name).expect("named option");
        cases.push(case(format!("dmb {name}"), ops::encode_dmb(crm), ""));
        cases.push(case(format!("dsb {name}"), ops::encode_dsb(crm), ""));
    }
    for (i, (name, imm)) in ops::DSB_NXS_OPTIONS.iter().enumerate() {
        let name = mixed(i, name);
        let v = ops::dsb_nxs_option(&name).expect("nxs option");
        cases.push(case(
            format!("dsb {name}"),
            ops::encode_dsb_nxs(v).expect("valid"),
            "+xs",
        ));
        cases.push(case(
            format!("dsb #{imm}"),
            ops::encode_dsb_nxs(*imm).expect("valid"),
            "+xs",
        ));
    }
    cases.push(case("isb sy".into(), ops::encode_isb(ops::ISB_SY), ""));
    cases.push(case("isb".into(), ops::encode_isb(ops::ISB_SY), ""));
    cases.push(case("clrex".into(), ops::encode_clrex(15), ""));
    for (name, word, feature) in ops::FIXED {
        cases.push(case(name.to_string(), word, feature));
    }
    check(&cases);
    for v in [17u8, 15, 29, 32] {
        assert!(ops::encode_dsb_nxs(v).is_none());
    }
    // LLVM 14 takes `dmb csync` as `dmb #0`; csync is no barrier option, so it is refused here.
    for bad in ["csync", "#16", "sys", "oshnxs"] {
        assert!(ops::barrier_option(bad).is_none(), "{bad}");
    }
    check_rejected(
        &[
            "dmb #16",
            "dsb #17",
            "dsb #29",
            "isb ish",
            "dmb sys",
            "dmb oshnxs",
        ]
        .map(String::from),
    );
}

#[test]
fn hints_match_llvm() {
    let mut cases = Vec::new();
    for v in 0..128u8 {
        cases.push(case(format!("hint #{v}"), ops::encode_hint(v), ""));
    }
    for (i, (name, _, feature)) in ops::HINTS.iter().enumerate() {
        let name = mixed(i, name);
        cases.push(case(
            name.clone(),
            ops::encode_hint(ops::hint(&name).expect("hint")),
            feature,
        ));
    }
    for (target, _) in ops::BTI_TARGETS {
        let v = ops::bti_target(target).expect("target");
        cases.push(case(format!("bti {target}"), ops::encode_hint(v), ""));
    }
    for (name, v, feature) in ops::CSYNC_HINTS {
        cases.push(case(format!("{name} csync"), ops::encode_hint(v), feature));
    }
    check(&cases);
    assert!(ops::hint("clrbhb").is_none() && ops::bti_target("cj").is_none());
    check_rejected(
        &["hint #128", "bti cj", "bti k", "clrbhb", "psb sy", "tsb sy"].map(String::from),
    );
}

#[test]
fn sys_aliases_match_llvm() {
    for w in ops::SYS_ALIASES.windows(2) {
        assert!(
            (w[0].op, w[0].name) < (w[1].op, w[1].name),
            "{:?} !< {:?}",
            w[0],
            w[1]
        );
    }
    let mut cases = Vec::new();
    let mut refused = Vec::new();
    for (i, a) in ops::SYS_ALIASES.iter().enumerate() {
        let name = mixed(i, a.name);
        let found = ops::sys_alias(a.op, &name).expect("lookup");
        let m = a.op.mnemonic();
        let rt = (i % 31) as u32;
        if a.takes_register {
            cases.push(case(
                format!("{m} {name}, x{rt}"),
                found.encode(Some(rt)).expect("with reg"),
                a.feature,
            ));
            assert!(found.encode(None).is_none());
            refused.push(format!("{m} {}", a.name));
        } else {
            cases.push(case(
                format!("{m} {name}"),
                found.encode(None).expect("no reg"),
                a.feature,
            ));
            assert!(found.encode(Some(rt)).is_none());
            refused.push(format!("{m} {}, x{rt}", a.name));
        }
    }
    check(&cases);
    for (op, name) in [
        (SysOp::Dc, "ivau"),
        (SysOp::Tlbi, "vae4"),
        (SysOp::Cfp, "all"),
        (SysOp::At, "s1e3e0r"),
    ] {
        assert!(ops::sys_alias(op, name).is_none());
        refused.push(format!("{} {name}, x0", op.mnemonic()));
    }
    check_rejected(&refused);
}

#[test]
fn sys_sweep_names_are_all_in_the_table() {
    // Every `sys` encoding that LLVM prints as an alias must be in the table.
    let mut stmts = Vec::new();
    for f in 0..(1u32 << 14) {
        let (op1, crn, crm, op2) = (f >> 11, f >> 7 & 15, f >> 3 & 15, f & 7);
        stmts.push(format!("sys #{op1}, c{crn}, c{crm}, #{op2}, x1"));
    }
    let got = assemble(&stmts, &all_features());
    let mut aliases = 0;
    for g in got {
        let (word, text) = g.expect("sys assembles");
        let parts: Vec<&str> = text.split([' ', ',']).filter(|s| !s.is_empty()).collect();
        let op = match parts[0] {
            "sys" => continue,
            "at" => SysOp::At,
            "cfp" => SysOp::Cfp,
            "cpp" => SysOp::Cpp,
            "dc" => SysOp::Dc,
            "dvp" => SysOp::Dvp,
            "ic" => SysOp::Ic,
            "tlbi" => SysOp::Tlbi,
            other => panic!("unexpected {other}"),
        };
        aliases += 1;
        let a = ops::sys_alias(op, parts[1]).unwrap_or_else(|| panic!("{text} missing"));
        assert_eq!(
            ops::encode_sys(a.op1, a.crn, a.crm, a.op2, 1),
            word,
            "{text}"
        );
    }
    assert_eq!(aliases, ops::SYS_ALIASES.len());
}
