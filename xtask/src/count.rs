//! `cargo xtask count`: how many instructions the JIT code of a demo run executes, counted
//! under qemu-aarch64.
//!
//! qemu runs the AArch64 demo one instruction per translation block (`-singlestep`) and logs
//! every block it executes (`-d exec,nochain`), which makes one log line per executed
//! instruction with its guest address. The demo runs with `JITKIT_PERF_MAP=1`, so jitkit writes
//! where each committed function lives to `/tmp/perf-<pid>.map`; the count is the log lines whose
//! address falls in one of those ranges. The log is read as it is written (it would be
//! gigabytes), keeping one counter per distinct address.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::process::{workspace_root, Cargo};
use crate::toolchain::{Needs, Toolchain, TARGET};

/// Builds the demo for AArch64 (release) and counts the JIT instructions of `args`' run.
pub fn run(args: &[String]) -> Result<(), String> {
    let tc = Toolchain::setup(Needs::Demo)?;
    if !tc.is_cross() {
        return Err("counting needs qemu-aarch64 on a non-AArch64 host".to_owned());
    }
    Cargo::new(&tc, "build")
        .args(["--release", "--package", "macros-demo"])
        .aarch64()
        .run("the demo as AArch64 (release)")?;
    let exe = workspace_root().join(format!("target/{TARGET}/release/macros-demo"));
    let mut child = Command::new("qemu-aarch64")
        .args([
            "-L",
            "/usr/aarch64-linux-gnu",
            "-singlestep",
            "-d",
            "exec,nochain",
        ])
        .arg(&exe)
        .args(args)
        .env("JITKIT_PERF_MAP", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start qemu-aarch64: {e}"))?;
    let pid = child.id();
    let mut by_pc: HashMap<u64, u64> = HashMap::new();
    let mut total = 0u64;
    let stderr = child.stderr.take().ok_or("no stderr pipe")?;
    for line in BufReader::new(stderr).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(pc) = guest_pc(&line) {
            *by_pc.entry(pc).or_default() += 1;
            total += 1;
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let map_path = format!("/tmp/perf-{pid}.map");
    let map = std::fs::read_to_string(&map_path)
        .map_err(|e| format!("no perf map at {map_path} ({e}): did the demo commit code?"))?;
    let _ = std::fs::remove_file(&map_path);
    let ranges = perf_map_ranges(&map);
    let jit: u64 = by_pc
        .iter()
        .filter(|(pc, _)| ranges.iter().any(|&(s, l)| **pc >= s && **pc < s + l))
        .map(|(_, n)| n)
        .sum();
    println!(
        "xtask: {status}; instructions executed: {total} in all, {jit} in JIT code ({} functions)",
        ranges.len()
    );
    println!("jit_instructions {jit}");
    Ok(())
}

/// The guest address of a `-d exec` line: `Trace N: 0xHOST [flags/PC/...]`.
fn guest_pc(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("Trace ")?;
    let fields = &rest[rest.find('[')? + 1..];
    let pc = fields.split('/').nth(1)?;
    u64::from_str_radix(pc, 16).ok()
}

/// `(start, len)` of each line `<hex start> <hex len> <name>` of a perf map.
fn perf_map_ranges(map: &str) -> Vec<(u64, u64)> {
    map.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let start = u64::from_str_radix(it.next()?, 16).ok()?;
            let len = u64::from_str_radix(it.next()?, 16).ok()?;
            Some((start, len))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_and_map_lines_are_read() {
        let line = "Trace 0: 0x7f70c0000100 [0000000001009331/00000055029dcc40/00000001/00000201] ";
        assert_eq!(guest_pc(line), Some(0x55_029d_cc40));
        assert_eq!(guest_pc("----------------"), None);
        assert_eq!(
            perf_map_ranges("7f0000 40 fib\nbad line\n10 8 a::b\n"),
            vec![(0x7f_0000, 0x40), (0x10, 8)]
        );
    }
}
