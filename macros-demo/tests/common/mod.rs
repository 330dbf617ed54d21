//! Helpers shared by the integration tests: a small deterministic random generator, so test
//! inputs are reproducible from a seed without a dependency, and how to start the built binary.

// Each test crate includes this module and uses only part of it.
#![allow(dead_code)]

use std::process::Command;

#[path = "../../../tests/common/runner.rs"]
mod runner;

#[path = "../../../tests/common/llvm.rs"]
mod llvm;
// Used by the encoding tests only.
#[allow(unused_imports)]
pub use llvm::llvm_bytes;

/// Marsaglia's xorshift64: fast, deterministic, good enough to generate test inputs.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An index in `0..n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
}

/// The `macros-demo` binary, started through the cargo target runner when there is one: under
/// qemu-user (no binfmt_misc) a test is itself emulated and cannot exec a binary of its own
/// instruction set directly, but it can exec the host's qemu, which the runner variable of
/// the test's target names (AArch64 under qemu-aarch64 on x86-64 hosts, x86-64 under
/// qemu-x86_64 on AArch64 hosts).
pub fn command() -> Command {
    let exe = env!("CARGO_BIN_EXE_macros-demo");
    let mut words = runner::runner().into_iter();
    match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(exe);
            c
        }
        None => Command::new(exe),
    }
}

/// Whether the tests run under an emulator (the target's runner, qemu-user), which keeps some
/// of the system's rules for itself: it ignores a guest's `RLIMIT_AS`, for one.
pub fn emulated() -> bool {
    !runner::runner().is_empty()
}

/// The `--target` whose JIT code this process can run (the instruction set the tests were
/// built for, natively or under qemu), or `None` on a host that runs neither back end's code.
pub fn native_target() -> Option<&'static str> {
    if cfg!(target_arch = "x86_64") {
        Some("x86_64")
    } else if cfg!(target_arch = "aarch64") {
        Some("aarch64")
    } else {
        None
    }
}

/// The `--target` of the back end whose code this process cannot run: compiled and committed
/// here, run by the other build.
pub fn foreign_target() -> &'static str {
    if cfg!(target_arch = "x86_64") {
        "aarch64"
    } else {
        "x86_64"
    }
}

/// The modes every program runs in: the interpreter, and the JIT for the native target,
/// lazily with direct calls and eagerly with every call through the table.
pub fn modes() -> Vec<Vec<&'static str>> {
    let mut modes = vec![vec!["--interp"]];
    match native_target() {
        Some(t) => {
            modes.push(vec!["--target", t]);
            modes.push(vec!["--target", t, "--eager", "--table-calls"]);
        }
        None => eprintln!(
            "note: this host is {}: neither back end's code runs here; checking the \
             interpreter only",
            std::env::consts::ARCH
        ),
    }
    modes
}
