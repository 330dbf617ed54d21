//! Every example program, run through the built binary, prints exactly its expected output.
//!
//! `programs/NAME.b` must print `NAME.expected` on stdout and exit 0, or, when `NAME.stderr`
//! exists, print `NAME.expected`, then exactly `NAME.stderr` on stderr, and exit 1. Each
//! program runs with `--interp` and in the default mode, which on AArch64 (natively or under
//! qemu) is the JIT. On other hosts JIT code cannot execute: there the default mode compiles
//! every function and then interprets, so the JIT itself is only checked under qemu (the test
//! says so).
//!
//! Malformed programs must give `FILE:LINE:COL: message`, the source line, a caret, and
//! status 1, never a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::command;

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command()
        .current_dir(dir)
        .arg("bcpl")
        .args(args)
        .output()
        .expect("the macros-demo binary runs")
}

fn modes() -> Vec<&'static [&'static str]> {
    if !cfg!(target_arch = "aarch64") {
        eprintln!(
            "note: this host is {}: JIT code cannot run here, so the default mode compiles every \
             function and then interprets; run under qemu for the JIT: \
             cargo test --target aarch64-unknown-linux-gnu",
            std::env::consts::ARCH
        );
    }
    vec![&["--interp"], &[]]
}

fn program_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(programs_dir())
        .expect("programs/ exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".b").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn there_are_at_least_twenty_programs_each_with_expected_output() {
    let names = program_names();
    assert!(names.len() >= 20, "only {} programs", names.len());
    for n in &names {
        assert!(
            programs_dir().join(format!("{n}.expected")).exists(),
            "{n}.b has no {n}.expected"
        );
    }
}

#[test]
fn every_program_prints_its_expected_output_in_every_mode() {
    let dir = programs_dir();
    let mut failures = Vec::new();
    let mut runs = 0;
    for mode in modes() {
        for name in program_names() {
            let file = format!("{name}.b");
            let mut args = mode.to_vec();
            args.push(&file);
            let out = run(&dir, &args);
            runs += 1;
            let expected = std::fs::read(dir.join(format!("{name}.expected"))).unwrap();
            let stderr_file = dir.join(format!("{name}.stderr"));
            let (want_status, want_stderr) = match std::fs::read(&stderr_file) {
                Ok(e) => (Some(1), Some(e)),
                Err(_) => (Some(0), None),
            };
            let mut problems = Vec::new();
            if out.stdout != expected {
                problems.push(format!(
                    "stdout differs:\n--- got\n{}\n--- expected\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&expected)
                ));
            }
            if out.status.code() != want_status {
                problems.push(format!(
                    "exit status {:?}, want {want_status:?}",
                    out.status
                ));
            }
            match want_stderr {
                Some(e) if out.stderr != e => problems.push(format!(
                    "stderr is {:?}, want {:?}",
                    String::from_utf8_lossy(&out.stderr),
                    String::from_utf8_lossy(&e)
                )),
                None if !out.stderr.is_empty() => problems.push(format!(
                    "unexpected stderr {:?}",
                    String::from_utf8_lossy(&out.stderr)
                )),
                _ => {}
            }
            if !problems.is_empty() {
                failures.push(format!("{file} {mode:?}: {}", problems.join("; ")));
            }
        }
    }
    assert!(runs >= 20);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn stats_and_listing_go_to_stderr_and_leave_stdout_alone() {
    let dir = programs_dir();
    let expected = std::fs::read(dir.join("gcd.expected")).unwrap();
    let out = run(&dir, &["--interp", "--stats", "gcd.b"]);
    assert_eq!(out.stdout, expected);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stats:"));

    // Compiling (and listing) works on every host; running the code needs AArch64, elsewhere
    // the interpreter runs the program.
    let out = run(&dir, &["--eager", "--listing", "--stats", "gcd.b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    for f in ["start", "gcd", "gcdsub", "lcm", "show"] {
        assert!(
            err.contains(&format!("; {f} (")),
            "no listing for {f}:\n{err}"
        );
        assert!(
            err.contains(&format!("stats: compiled {f} in")),
            "no stats for {f}"
        );
    }
    // The listing shows offsets and instruction words: the prologue's `stp x29, x30,
    // [sp, #-16]!` is a9bf7bfd.
    assert!(err.contains("  0000  a9bf7bfd"), "{err}");
    assert_eq!(out.stdout, expected);
    assert_eq!(out.status.code(), Some(0));
    if !cfg!(target_arch = "aarch64") {
        // Compiled, then interpreted, and said so.
        assert!(err.contains("compiled, then interpreted"), "{err}");
    }
}

#[cfg(target_arch = "aarch64")]
#[test]
fn lazy_compilation_compiles_only_what_runs() {
    let dir = std::env::temp_dir().join(format!("bcpl-lazy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("lazy.b"),
        "LET unused() = 1\nLET used(x) = x * 2\nLET start() BE $( writen(used(21)); newline() $)\n",
    )
    .unwrap();
    let out = run(&dir, &["--stats", "lazy.b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.stdout, b"42\n");
    assert!(err.contains("compiled used in"), "{err}");
    assert!(!err.contains("compiled unused in"), "{err}");
    assert!(err.contains("2 of 3 functions compiled"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Malformed programs and the exact position each error must name.
const MALFORMED: &[(&str, &str, &str)] = &[
    ("missing_paren", "LET start() BE\n  writen(1\n", "3:1:"),
    (
        "bad_char",
        "LET start() BE $(\n  writen(1) @\n$)\n",
        "2:13:",
    ),
    (
        "unterminated_string",
        "LET start() BE writes(\"abc\n",
        "1:23:",
    ),
    ("unknown_name", "LET start() BE $(\n  x := 3\n$)\n", "2:3:"),
    ("unknown_function", "LET start() BE frob(1)\n", "1:16:"),
    (
        "arity",
        "LET f(a) = a\nLET start() BE writen(f(1, 2))\n",
        "2:23:",
    ),
    ("no_start", "LET f(a) = a\n", "1:1:"),
    ("break_outside", "LET start() BE $(\n  BREAK\n$)\n", "2:3:"),
    ("resultis_outside", "LET start() BE RESULTIS 3\n", "1:16:"),
    (
        "unclosed_comment",
        "LET start() BE newline()\n/* open",
        "2:1:",
    ),
    (
        "two_commands_one_line",
        "LET start() BE $( newline() newline() $)",
        "1:29:",
    ),
    (
        "vec_not_constant",
        "LET start() BE $( LET n = 2\n LET v = VEC n $)",
        "2:14:",
    ),
    (
        "big_number",
        "LET start() BE writen(99999999999999999999)",
        "1:23:",
    ),
    ("empty", "", "1:1:"),
    ("not_utf8", "LET start() BE \u{0}\n", "1:16:"),
    (
        "duplicate",
        "LET f() = 1\nLET f() = 2\nLET start() BE f()",
        "2:5:",
    ),
    (
        "assign_to_call",
        "LET start() BE f() := 1\nLET f() = 1",
        "1:16:",
    ),
];

#[test]
fn malformed_programs_give_a_located_error_and_status_1() {
    let dir = std::env::temp_dir().join(format!("bcpl-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for (name, src, at) in MALFORMED {
        let file = format!("{name}.b");
        std::fs::write(dir.join(&file), src).unwrap();
        for mode in [&["--interp"][..], &[]] {
            let mut args = mode.to_vec();
            args.push(&file);
            let out = run(&dir, &args);
            let err = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<&str> = err.lines().collect();
            let prefix = format!("{file}:{at}");
            let ok = out.status.code() == Some(1)
                && out.stdout.is_empty()
                && lines.len() == 3
                && lines[0].starts_with(&prefix)
                && lines[0].len() > prefix.len() + 1
                && lines[2].trim_start().starts_with('^')
                && !err.contains("panicked");
            if !ok {
                failures.push(format!(
                    "{file} {mode:?}: status {:?}, want `{prefix} ...` + line + caret, got:\n{err}",
                    out.status.code()
                ));
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn command_line_errors_exit_2_and_missing_files_exit_1() {
    let dir = programs_dir();
    assert_eq!(run(&dir, &[]).status.code(), Some(2));
    assert_eq!(run(&dir, &["--frob", "fib.b"]).status.code(), Some(2));
    let out = run(&dir, &["no-such-file.b"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no-such-file.b"));
}
