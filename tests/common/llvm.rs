//! llvm-mc, the project's oracle for encodings, shared by jitkit's and macros-demo's tests
//! (macros-demo includes this file by path). A test that needs it fails when it is missing.

use std::io::Write;
use std::process::{Command, Stdio};

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
    panic!("llvm-mc is needed for this test: install LLVM (Debian: apt-get install llvm; cargo xtask setup does), or set LLVM_MC")
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

/// The bytes llvm-mc encodes `source` to, in order (`-show-encoding`).
pub fn llvm_bytes(triple: &str, source: &str) -> Vec<u8> {
    let (out, err) = llvm_mc_output(&[triple, "-show-encoding"], source);
    assert!(err.trim().is_empty(), "llvm-mc complained:\n{err}");
    out.lines()
        .filter_map(|l| l.split("encoding: [").nth(1))
        .flat_map(|e| {
            e.split(']')
                .next()
                .unwrap()
                .split(',')
                .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}
