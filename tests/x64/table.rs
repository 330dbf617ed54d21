//! What the x86-64 oracle and the x86-64 listing test share: the forms of `forms.rs` (generated
//! by `generate.py`), each assembled by `x64!`, and llvm-mc.

use std::io::Write;
use std::process::{Command, Stdio};

use jitkit::{x64, Error};

/// One form: its dynasm text, LLVM's Intel-syntax text, `x64!`'s code, and its dynamic-register
/// variant if it has one.
pub struct Form {
    pub dynasm: &'static str,
    pub llvm: &'static str,
    pub code: Result<x64::Code, Error>,
    pub dynamic: Option<(&'static str, Result<x64::Code, Error>)>,
}

macro_rules! forms {
    ($( [ $($asm:tt)* ] => $llvm:literal $(, dynamic: [ $($dyn:tt)* ])? ),* $(,)?) => {
        vec![ $( Form {
            dynasm: stringify!($($asm)*),
            llvm: $llvm,
            code: jitkit::x64!($($asm)*),
            dynamic: forms!(@dyn $([ $($dyn)* ])?),
        } ),* ]
    };
    (@dyn [ $($dyn:tt)* ]) => { Some((stringify!($($dyn)*), jitkit::x64!($($dyn)*))) };
    (@dyn) => { None };
}

/// Every form. The generated `vec![..]` of 1,394 forms is built on the stack in a debug build,
/// in one frame larger than a test thread's 2 MiB: it gets a thread with a stack of its own.
pub fn table() -> Vec<Form> {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| include!("forms.rs"))
        .expect("a thread for the table")
        .join()
        .expect("the table is built")
}

/// The llvm-mc to run: `$LLVM_MC`, else `llvm-mc` or the newest `llvm-mc-N` on `PATH`.
pub fn llvm_mc() -> String {
    if let Ok(p) = std::env::var("LLVM_MC") {
        return p;
    }
    let candidates = std::iter::once("llvm-mc".to_string())
        .chain((10..=30).rev().map(|v| format!("llvm-mc-{v}")));
    for c in candidates {
        if Command::new(&c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return c;
        }
    }
    panic!("llvm-mc is needed for the x86-64 tests: install LLVM (Debian: apt-get install llvm; cargo xtask setup does), or set LLVM_MC")
}

/// llvm-mc's standard output and standard error for `input`.
pub fn llvm_mc_output(args: &[&str], input: &str) -> (String, String) {
    let mut child = Command::new(llvm_mc())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("llvm-mc starts");
    let mut stdin = child.stdin.take().expect("piped");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("llvm-mc finishes");
    writer.join().expect("writer").expect("write to llvm-mc");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
