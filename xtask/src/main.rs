//! The README's commands, as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! jitkit's A64 code runs on AArch64 and its x86-64 code on x86-64. On an AArch64 Linux host
//! the A64 side runs natively; on any other Linux host (x86-64, typically) the demo's AArch64
//! path and the tests are cross-compiled for `aarch64-unknown-linux-gnu` and run under
//! `qemu-aarch64`, and the host-side run executes the x86-64 code natively (the demo then runs
//! the BCPL JIT natively too). An AArch64 host runs the x86-64 tests under `qemu-x86_64`
//! instead. Each command first checks that the
//! tools for that are there and installs what is missing ([`toolchain`]), saying what it does,
//! so that the two README commands work on a fresh machine.
//!
//! Only the standard library is used, so this crate builds before anything is installed.

mod count;
mod oracle;
mod process;
mod toolchain;

use std::process::ExitCode;

use process::Cargo;
use toolchain::{Needs, Toolchain};

const USAGE: &str = "\
usage: cargo xtask <command> [args...]

commands:
  demo [args...]   set up the toolchain, then run macros-demo as AArch64 (native, or under
                   qemu-aarch64); args go to the demo (default: the tour, then a BCPL program).
                   On an x86-64 host the BCPL JIT then runs natively too, as x86-64 code: the
                   same `bcpl ...` args, or by default the BCPL program of the showcase
  test [args...]   set up the toolchain, then run the whole test suite as AArch64 and on the
                   host (x86-64 code natively; on AArch64 hosts the x86-64 tests under
                   qemu-x86_64); args go to every `cargo test` run (e.g. `--test oracle`)
  oracle           regenerate tests/oracle/corpus.txt and tests/oracle/generated.rs: the
                   A64 forms llvm-mc accepts, and which of them a64! accepts (needs llvm-mc)
  count [args...]  run macros-demo (AArch64, release) with args under qemu-aarch64 and count the
                   instructions its JIT code executes (e.g. `count bcpl macros-demo/programs/fib.b`)
  setup            only check and install the toolchain (rustup target aarch64-unknown-linux-gnu,
                   qemu-user, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, llvm, gdb-multiarch on
                   non-AArch64 hosts; llvm, gdb, qemu-user, gcc-x86-64-linux-gnu,
                   libc6-dev-amd64-cross and target x86_64-unknown-linux-gnu on AArch64), and the rustup targets
                   aarch64-apple-darwin, aarch64-pc-windows-msvc and aarch64-unknown-linux-musl
                   that CI checks with clippy
  help             this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "demo" => demo(rest),
        "test" => test(rest),
        "oracle" if rest.is_empty() => oracle::run(),
        "count" => count::run(rest),
        "setup" if rest.is_empty() => {
            Toolchain::setup(Needs::Tests).and_then(|_| toolchain::ensure_checked_targets())
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("xtask: unknown command `{}`\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo run -p macros-demo` for AArch64, passing `args` to the demo; then, on an x86-64
/// host, the BCPL part natively ([`native_bcpl_args`]), where the JIT emits x86-64.
fn demo(args: &[String]) -> Result<(), String> {
    let tc = Toolchain::setup(Needs::Demo)?;
    let mut cargo = Cargo::new(&tc, "run");
    cargo.args(["--package", "macros-demo"]).aarch64();
    if !args.is_empty() {
        cargo.arg("--").args(args);
    }
    cargo.run(&format!("the demo as AArch64 ({})", tc.how_aarch64_runs()))?;
    if !cfg!(target_arch = "x86_64") {
        return Ok(());
    }
    let Some(native) = native_bcpl_args(args) else {
        return Ok(());
    };
    let mut cargo = Cargo::new(&tc, "run");
    cargo
        .args(["--quiet", "--package", "macros-demo", "--"])
        .args(native);
    cargo.run("the BCPL JIT natively on this x86-64 host (x86-64 code, no qemu)")
}

/// What the demo runs natively on an x86-64 host: the showcase's BCPL program with `--stats`
/// when the demo has no arguments, the same arguments for a `bcpl` command, and nothing for
/// the tour (its code is AArch64).
fn native_bcpl_args(args: &[String]) -> Option<Vec<String>> {
    match args.first().map(String::as_str) {
        None => Some(
            ["bcpl", "--stats", "macros-demo/programs/queens.b"]
                .map(String::from)
                .to_vec(),
        ),
        Some("bcpl") => Some(args.to_vec()),
        Some(_) => None,
    }
}

/// Whether cargo arguments pick packages (`-p`, `--package`), which replaces `--workspace`.
/// Arguments after `--` belong to the test binaries and do not count.
fn chooses_package(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a.starts_with("-p") || a.starts_with("--package"))
}

/// The whole suite: `cargo test --workspace` as AArch64, and on a non-AArch64 host also for the
/// host itself (unit tests and whatever does not execute JIT code). Every test binary runs and
/// both runs happen even after a failure (`--no-fail-fast`), so one command shows every failure.
fn test(args: &[String]) -> Result<(), String> {
    let tc = Toolchain::setup(Needs::Tests)?;
    let workspace = !chooses_package(args);
    // `cargo test --no-fail-fast [--workspace]`, for either run.
    let suite = || {
        let mut cargo = Cargo::new(&tc, "test");
        cargo.arg("--no-fail-fast");
        if workspace {
            cargo.arg("--workspace");
        }
        cargo
    };
    let mut runs: Vec<(String, Result<(), String>)> = Vec::new();

    let what = format!("the test suite as AArch64 ({})", tc.how_aarch64_runs());
    let mut aarch64 = suite();
    aarch64.aarch64();
    if tc.is_cross() {
        // Target-independent: the host run below checks it (see tests/oracle_gap.rs).
        aarch64.env("JITKIT_ORACLE_GAP_IN_HOST_RUN", "1");
    }
    let result = aarch64.args(args).run(&what);
    runs.push((what, result));

    if tc.is_cross() {
        let what = format!(
            "the host-side tests ({}: x86-64 JIT code runs natively, A64 code is committed, not called)",
            std::env::consts::ARCH
        );
        let result = suite().args(args).run(&what);
        runs.push((what, result));
    }

    if tc.is_x64_cross() {
        let what = "the x86-64 tests as x86-64 (under qemu-x86_64)".to_owned();
        let x64_run = |extra: &[&str]| {
            let mut cargo = Cargo::new(&tc, "test");
            cargo.arg("--no-fail-fast").x86_64_under_qemu().args(extra);
            cargo
        };
        let result = if args.is_empty() {
            // Every package runs, whatever the one before gave.
            let results: Vec<Result<(), String>> = toolchain::X64_TESTS
                .iter()
                .map(|(package, tests)| {
                    let mut cargo = x64_run(&["--package", package]);
                    for t in *tests {
                        cargo.args(["--test", t]);
                    }
                    cargo.run(&format!("{what}: {package}"))
                })
                .collect();
            results.into_iter().collect()
        } else {
            x64_run(&[]).args(args).run(&what)
        };
        runs.push((what, result));
    }

    println!("xtask: summary of `cargo xtask test`:");
    for (what, result) in &runs {
        match result {
            Ok(()) => println!("xtask:   ok      {what}"),
            Err(e) => println!("xtask:   FAILED  {what}: {e}"),
        }
    }
    if runs.iter().all(|(_, r)| r.is_ok()) {
        Ok(())
    } else {
        Err("some tests failed (see the summary above)".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::{chooses_package, native_bcpl_args};

    #[test]
    fn the_native_demo_runs_bcpl_only() {
        let native = native_bcpl_args(&[]).unwrap();
        assert_eq!(native[0], "bcpl");
        assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(&native[2])
            .exists());
        let bcpl = args(&["bcpl", "--stats", "x.b"]);
        assert_eq!(native_bcpl_args(&bcpl), Some(bcpl.clone()));
        assert_eq!(native_bcpl_args(&args(&["tour"])), None);
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_package_choice_replaces_the_workspace() {
        assert!(chooses_package(&args(&["-p", "macros-demo"])));
        assert!(chooses_package(&args(&["-pjitkit"])));
        assert!(chooses_package(&args(&["--package=jitkit"])));
        assert!(!chooses_package(&args(&["--test", "errors"])));
        assert!(!chooses_package(&args(&["--", "-p"])));
        assert!(!chooses_package(&[]));
    }
}
