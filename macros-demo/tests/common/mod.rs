//! Helpers shared by the integration tests: the tests' one random generator
//! (`tests/common/xorshift.rs`), and how to start the built binary.

// Each test crate includes this module and uses only part of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

#[path = "../../../tests/common/runner.rs"]
mod runner;

#[path = "../../../tests/common/xorshift.rs"]
mod xorshift;
// Used by the tests that generate inputs.
#[allow(unused_imports)]
pub use xorshift::XorShift;

#[path = "../../../tests/common/llvm.rs"]
mod llvm;
// Used by the encoding tests only.
#[allow(unused_imports)]
pub use llvm::llvm_bytes;

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
///
/// Under emulation the interpreter is left out: it is the same Rust code for every
/// instruction set, and the native run of the suite (`cargo xtask test` makes one on every
/// host) runs every program through it, while the emulated run is there for the JIT code of
/// its own instruction set, one run at a time ([`run_to_end`]).
pub fn modes() -> Vec<Vec<&'static str>> {
    let mut modes = Vec::new();
    if !emulated() || native_target().is_none() {
        modes.push(vec!["--interp"]);
    }
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

/// How long one run of the binary may take before it is taken for hung: the slowest program
/// takes well under a minute, interpreted under qemu in a debug build.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// Runs `cmd` to its end with `input` as its stdin and returns its status and output, as
/// [`Command::output`] does, with two guards for runs under qemu-user, where a multithreaded
/// guest that forks can, rarely, hang in the emulator:
/// - under emulation the runs of one test binary are made one at a time, so no other test
///   thread is running guest code while one forks;
/// - a run that has not ended after [`RUN_LIMIT`] is killed and made once more, with a
///   warning on stderr; a second hang fails the test, naming the command.
pub fn run_to_end(cmd: &mut Command, input: &[u8]) -> Output {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = emulated().then(|| ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner));
    for attempt in 1..=2 {
        if let Some(out) = run_within(cmd, input, RUN_LIMIT) {
            return out;
        }
        eprintln!(
            "warning: {cmd:?} did not end within {} s (attempt {attempt} of 2); killed",
            RUN_LIMIT.as_secs()
        );
    }
    panic!("{cmd:?} hung twice");
}

/// One run of `cmd`, or `None` when it had not ended after `limit` and was killed.
fn run_within(cmd: &mut Command, input: &[u8], limit: Duration) -> Option<Output> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    // A program may end without reading all its input: a broken pipe is no error here.
    let writer = std::thread::spawn(move || drop(stdin.write_all(&input)));
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));
    let status = wait_within(&mut child, limit);
    writer.join().expect("the input writer does not panic");
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    Some(Output {
        status: status?,
        stdout,
        stderr,
    })
}

/// Reads a pipe to its end on a thread of its own, so the child never blocks on a full pipe.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).expect("the pipe reads");
        bytes
    })
}

/// The child's exit status, or `None` after killing it when it has not ended by `limit`.
fn wait_within(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return Some(status);
        }
        if start.elapsed() > limit {
            // The child may have ended since try_wait: kill then fails, harmlessly.
            let _ = child.kill();
            child.wait().expect("the killed child can be reaped");
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
