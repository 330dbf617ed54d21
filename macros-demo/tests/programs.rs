//! Every program, run through the built binary, prints exactly its expected output, JIT-compiled
//! and interpreted.
//!
//! Three directories: `programs/` (the prototype's own examples), `programs/dialect/` (one
//! program per construct and library routine of the dialect) and `programs/real/` (published
//! programs, unmodified; see its SOURCES.md). `DIR/NAME.b` must print `NAME.expected` on
//! stdout. Optional files: `NAME.stdin` is its standard input, `NAME.args` its command-line
//! arguments (one line, split at spaces), `NAME.stderr` the exact stderr of a run-time error
//! (status 1), `NAME.status` another exit status (`stop(n)`). Each program runs with
//! `--interp` and JIT-compiled for the instruction set the test was built for: x86-64
//! natively on an x86-64 host, AArch64 natively or under qemu (`cargo xtask test` runs both
//! builds, so both back ends run every program; the interpreter runs in the native build,
//! see [`common::modes`]). Every program also compiles and commits for
//! the other instruction set, whose code this process cannot run.
//!
//! Malformed programs must give `FILE:LINE:COL: message`, the source line and a caret for
//! every error, and status 1, never a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{command, emulated, foreign_target, modes, native_target, run_to_end};

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

/// A new directory of this run's own for a test's files, named `tag` and the process id.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    run_with_input(dir, args, &[])
}

fn run_with_input(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    run_to_end(command().current_dir(dir).arg("bcpl").args(args), input)
}

fn program_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the programs directory exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".b").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn there_are_enough_programs_each_with_expected_output() {
    for (sub, least) in [("", 20), ("dialect", 10), ("real", 30)] {
        let dir = programs_dir().join(sub);
        let names = program_names(&dir);
        assert!(
            names.len() >= least,
            "only {} programs in {dir:?}",
            names.len()
        );
        for n in &names {
            assert!(
                dir.join(format!("{n}.expected")).exists(),
                "{n}.b has no {n}.expected"
            );
        }
    }
    let sources = std::fs::read_to_string(programs_dir().join("real/SOURCES.md")).unwrap();
    for n in program_names(&programs_dir().join("real")) {
        assert!(
            sources.contains(&format!("`{n}.b`")),
            "real/{n}.b is not in SOURCES.md"
        );
    }
}

/// Runs every program of `programs/sub` in every mode; returns the failures.
fn check_directory(sub: &str) -> Vec<String> {
    let dir = programs_dir().join(sub);
    let mut failures = Vec::new();
    for mode in modes() {
        for name in program_names(&dir) {
            let file = format!("{name}.b");
            let read = |ext: &str| std::fs::read(dir.join(format!("{name}.{ext}"))).ok();
            let input = read("stdin").unwrap_or_default();
            let extra = String::from_utf8(read("args").unwrap_or_default()).unwrap();
            let mut args = mode.clone();
            args.push(&file);
            args.extend(extra.split_whitespace());
            let out = run_with_input(&dir, &args, &input);
            let expected = read("expected").unwrap();
            let want_stderr = read("stderr");
            let want_status = match (read("status"), &want_stderr) {
                (Some(s), _) => String::from_utf8(s).unwrap().trim().parse().ok(),
                (None, Some(_)) => Some(1),
                (None, None) => Some(0),
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
                failures.push(format!("{sub}/{file} {mode:?}: {}", problems.join("; ")));
            }
        }
    }
    failures
}

#[test]
fn every_example_program_prints_its_expected_output_in_every_mode() {
    let failures = check_directory("");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_dialect_program_prints_its_expected_output_in_every_mode() {
    let failures = check_directory("dialect");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_real_program_prints_its_expected_output_jit_and_interpreted() {
    let failures = check_directory("real");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Whether a listing shows the prologue's first instruction: AArch64 `stp x29, x30, [sp,
/// #-16]!` (a9bf7bfd); x86-64 the stack check's `lea rax, [rbx + disp32]` (48 8d 83), listed
/// in AT&T syntax.
fn shows_prologue(listing: &str, target: &str) -> bool {
    if target == "aarch64" {
        listing.contains("a9bf7bfd */  stp x29, x30, [sp, #-16]!")
    } else {
        listing.contains("48 8d 83") && listing.contains("(%rbx), %rax")
    }
}

#[test]
fn stats_and_listing_go_to_stderr_and_leave_stdout_alone() {
    let dir = programs_dir();
    let expected = std::fs::read(dir.join("gcd.expected")).unwrap();
    let out = run(&dir, &["--interp", "--stats", "gcd.b"]);
    assert_eq!(out.stdout, expected);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stats:"));

    // Compiling and listing work for both instruction sets on every host; the code runs where
    // the process is of that instruction set, and elsewhere the command says it did not run.
    for target in ["aarch64", "x86_64"] {
        let out = run(
            &dir,
            &[
                "--target",
                target,
                "--eager",
                "--listing",
                "--stats",
                "gcd.b",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        for f in ["start", "gcd", "gcdsub", "lcm", "show"] {
            assert!(
                err.contains(&format!("; {f} (")),
                "{target}: no listing for {f}:\n{err}"
            );
            assert!(
                err.contains(&format!("stats: compiled {f} in")),
                "{target}: no stats for {f}"
            );
        }
        assert!(err.contains("/* gcd+0x0 "), "{target}: {err}");
        assert!(shows_prologue(&err, target), "{target}: {err}");
        if Some(target) == native_target() {
            assert_eq!(out.stdout, expected, "{target}");
            assert_eq!(out.status.code(), Some(0), "{target}");
        } else {
            assert!(out.stdout.is_empty(), "{target}");
            assert_eq!(out.status.code(), Some(1), "{target}");
            assert!(
                err.contains("compiled and committed, not run"),
                "{target}: {err}"
            );
        }
    }
}

/// Every program of every directory compiles and commits, eagerly, for the instruction set
/// whose code this process cannot run (the other build runs it), and says it did not run.
/// Under emulation this is left to the native run, which runs every program JIT-compiled for
/// the instruction set this run would only compile for.
#[test]
fn every_program_compiles_for_the_other_instruction_set() {
    if emulated() && native_target().is_some() {
        eprintln!("note: under emulation; the native run compiles and runs these programs");
        return;
    }
    let target = foreign_target();
    let mut failures = Vec::new();
    for sub in ["", "dialect", "real"] {
        let dir = programs_dir().join(sub);
        for name in program_names(&dir) {
            let file = format!("{name}.b");
            let out = run(&dir, &["--target", target, "--eager", "--stats", &file]);
            let err = String::from_utf8_lossy(&out.stderr);
            let ok = out.status.code() == Some(1)
                && out.stdout.is_empty()
                && err.contains("compiled and committed, not run")
                && !err.contains("panicked");
            if !ok {
                failures.push(format!("{sub}/{file} --target {target}: {err}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lazy_compilation_compiles_only_what_runs() {
    let Some(target) = native_target() else {
        eprintln!("note: no JIT code runs on this host");
        return;
    };
    let dir = scratch("bcpl-lazy");
    std::fs::write(
        dir.join("lazy.b"),
        "LET unused() = 1\nLET used(x) = x * 2\nLET start() BE $( writen(used(21)); newline() $)\n",
    )
    .unwrap();
    let out = run(&dir, &["--target", target, "--stats", "lazy.b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.stdout, b"42\n");
    assert!(err.contains("compiled used in"), "{err}");
    assert!(!err.contains("compiled unused in"), "{err}");
    assert!(err.contains("2 of 3 functions compiled"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn calls_of_compiled_functions_are_direct_unless_asked_otherwise() {
    let dir = scratch("bcpl-direct");
    std::fs::write(
        dir.join("calls.b"),
        "LET g(x) = x + 1\nLET f(x) = g(g(x))\nLET start() BE $( writen(f(1)); newline() $)\n",
    )
    .unwrap();
    // AArch64 is compiled and listed on every host (and run where it can).
    let listing = |extra: &[&str]| {
        let mut args = vec!["--target", "aarch64", "--eager", "--listing"];
        args.extend_from_slice(extra);
        args.push("calls.b");
        let out = run(&dir, &args);
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // f is compiled after g: its two calls of g are `bl` straight to g's first instruction.
    let direct = listing(&[]);
    let to_g = |l: &str| l.contains("bl #") && l.contains("// g+0x0");
    assert_eq!(direct.lines().filter(|l| to_g(l)).count(), 2, "{direct}");
    let table = listing(&["--table-calls"]);
    assert_eq!(table.lines().filter(|l| to_g(l)).count(), 0, "{table}");
    assert!(table.contains("blr x16"), "{table}");
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
    ("no_start", "LET f(a) = a\n", "1:1:"),
    ("break_outside", "LET start() BE $(\n  BREAK\n$)\n", "2:3:"),
    ("resultis_outside", "LET start() BE RESULTIS 3\n", "1:16:"),
    (
        "unclosed_comment",
        "LET start() BE newline()\n/* open",
        "2:1:",
    ),
    (
        "no_command_after_command",
        "LET start() BE $( newline() 3 $)",
        "1:29:",
    ),
    (
        "vec_not_constant",
        "LET start() BE $( LET n = 2\n LET v = VEC n $)",
        "2:14:",
    ),
    ("float", "LET start() BE writen(1.5e999)", "1:23:"),
    ("slct", "LET start() BE writen(SLCT 99:0:0)", "1:23:"),
    ("header", "GET \"mc.h\"\nLET start() BE newline()", "1:5:"),
    ("empty", "", "1:1:"),
    ("not_utf8", "LET start() BE \u{0}\n", "1:16:"),
    (
        "free_variable",
        "LET start() BE $( LET x = 1\n LET f() = x\n f() $)",
        "2:12:",
    ),
    ("endcase_outside", "LET start() BE ENDCASE\n", "1:16:"),
    (
        "assign_to_call",
        "LET start() BE f() := 1\nLET f() = 1",
        "1:16:",
    ),
];

#[test]
fn malformed_programs_give_a_located_error_and_status_1() {
    let dir = scratch("bcpl-bad");
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
                && lines.len() >= 3
                && lines.len().is_multiple_of(3)
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

/// Runs `file` in `dir` JIT and interpreted: each prints `ran`, then stops with status 1 and
/// an error starting with `err`.
fn prints_ran_then_stops(dir: &Path, file: &str, err: &str) {
    for mode in [&[][..], &["--interp"]] {
        let out = run(dir, &[mode, &[file]].concat());
        assert_eq!(out.status.code(), Some(1), "{file} {mode:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "ran",
            "{file} {mode:?}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(err), "{file} {mode:?}: {stderr}");
    }
}

#[test]
fn one_run_reports_every_error_and_names_what_is_unsupported() {
    let dir = scratch("bcpl-many");
    let src = "GET \"libhdr\"\nLET start() BE\n{ writen(1 +)\n  x := `\n  writen(v OF)\n  writef(\"%n\", 2.5e999)\n}\nLET f() = g(\n";
    std::fs::write(dir.join("many.b"), src).unwrap();
    let out = run(&dir, &["--interp", "many.b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        "many.b:3:13: expected an expression",
        "many.b:4:8: unexpected character",
        "many.b:5:14: expected an expression",
        "many.b:6:16: floating-point constant 2.5e999 is out of range",
        "many.b:9:1: expected an expression",
    ] {
        assert!(err.contains(want), "no `{want}` in:\n{err}");
    }
    assert_eq!(out.status.code(), Some(1));
    // A routine of libhdr that is not provided stops the run only if it is called, naming
    // it, in either case of its letters.
    std::fs::write(
        dir.join("co.b"),
        "GET \"libhdr\"\nLET start() BE\n{ IF FALSE DO instrcount(start)\n  writes(\"ran\")\n  f()\n}\nAND f() BE CHANGECO(1, 2)\n",
    )
    .unwrap();
    prints_ran_then_stops(
        &dir,
        "co.b",
        "co.b:7: runtime error: not supported: call of the library routine `changeco` (global 6,",
    );
    // An operating-system name of libhdr in an expression stops the run where it is
    // evaluated, naming it; as a constant, or under `@`, it is refused when compiled.
    std::fs::write(
        dir.join("os.b"),
        "GET \"libhdr\"\nLET start() BE\n{ IF FALSE DO writen(rootnode!rtn_msecs + rootnode!rtn_sysp)\n  writes(\"ran\")\n  writen(sys(Sys_joy))\n}\n",
    )
    .unwrap();
    prints_ran_then_stops(
        &dir,
        "os.b",
        "os.b:5: runtime error: not supported: `Sys_joy`, a `libhdr` name of Cintcode's \
         operating system (tasks, the CLI, the root node, devices and most `sys` operations \
         are not provided)\n",
    );
    for (file, src, err_start) in [
        (
            "osk.b",
            "GET \"libhdr\"\nMANIFEST { k = Sys_joy + 1 }\nLET start() BE writen(k)\n",
            "osk.b:2:16: not supported: `Sys_joy`, a `libhdr` name",
        ),
        (
            "osa.b",
            "GET \"libhdr\"\nLET start() BE writen(@cli_preloadlist)\n",
            "osa.b:2:24: not supported: `cli_preloadlist`, a `libhdr` name",
        ),
    ] {
        std::fs::write(dir.join(file), src).unwrap();
        let err = String::from_utf8_lossy(&run(&dir, &[file]).stderr).into_owned();
        assert!(err.starts_with(err_start), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The type of `libc::RLIMIT_*`, which differs between C libraries.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type Resource = libc::c_int;

/// Makes `c`'s process start with resource limit `resource` (soft and hard) at `value`.
fn with_limit(c: &mut std::process::Command, resource: Resource, value: u64) {
    use std::os::unix::process::CommandExt;
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: the closure runs in the child between fork and exec and calls only
    // setrlimit, which is async-signal-safe, on a struct it owns.
    unsafe {
        c.pre_exec(move || {
            if libc::setrlimit(resource, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    };
}

/// Runs `fib.b` from the programs directory (`mode` first) under an address-space limit of
/// `mib` MiB. Natively only: qemu-user ignores a guest's `RLIMIT_AS`.
fn fib_within_address_space(mode: &[&str], mib: u64) -> std::process::Output {
    let mut c = command();
    c.current_dir(programs_dir())
        .arg("bcpl")
        .args(mode)
        .arg("fib.b");
    with_limit(&mut c, libc::RLIMIT_AS, mib << 20);
    run_to_end(&mut c, &[])
}

/// Under an address-space limit that leaves no room for the machine's memory (or for the
/// program thread's stack), a run ends with status 1 and says why: never an abort.
#[test]
fn a_run_without_the_memory_it_needs_says_so_and_exits_1() {
    if emulated() {
        return;
    }
    for mode in [&[][..], &["--interp"]] {
        let out = fib_within_address_space(mode, 300);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{mode:?}: {stderr}");
        assert!(
            stderr.starts_with("macros-demo bcpl: not enough memory to run")
                || stderr.starts_with("macros-demo bcpl: cannot start the program thread"),
            "{mode:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{mode:?}");
    }
}

/// A run fits in 460 MiB of address space: the machine's 128 MiB of words, the program
/// thread's smallest stack (256 MiB), the code, and one malloc arena, not one per thread.
#[test]
fn a_run_fits_in_460_mib_of_address_space() {
    if emulated() {
        return;
    }
    for mode in [&[][..], &["--interp"]] {
        let out = fib_within_address_space(mode, 460);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{mode:?}: {stderr}");
        let expected = std::fs::read(programs_dir().join("fib.expected")).unwrap();
        assert_eq!(out.stdout, expected, "{mode:?}");
    }
}

/// A program writing past `RLIMIT_FSIZE` loses the bytes beyond it, as on a full disk, and
/// runs on: no `SIGXFSZ`. The file ends exactly at the limit.
#[test]
fn writing_past_the_file_size_limit_loses_bytes_but_does_not_kill_the_run() {
    const LIMIT: u64 = 2 << 20;
    let dir = scratch("bcpl-fsize");
    std::fs::write(
        dir.join("big.b"),
        "GET \"libhdr\"\nLET start() = VALOF\n{ selectoutput(findoutput(\"big.txt\"))\n  \
         FOR i = 1 TO 300000 DO writes(\"0123456789*n\")\n  endwrite()\n  \
         selectoutput(findoutput(\"**\"))\n  writes(\"done*n\")\n  RESULTIS 0\n}\n",
    )
    .unwrap();
    for mode in modes() {
        let _ = std::fs::remove_file(dir.join("big.txt"));
        let mut c = command();
        c.current_dir(&dir).arg("bcpl").args(&mode).arg("big.b");
        with_limit(&mut c, libc::RLIMIT_FSIZE, LIMIT);
        let out = run_to_end(&mut c, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{mode:?}: {:?} {stderr}",
            out.status
        );
        assert_eq!(out.stdout, b"done\n", "{mode:?}");
        let len = std::fs::metadata(dir.join("big.txt")).unwrap().len();
        assert_eq!(len, LIMIT, "{mode:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The tool's own messages that cannot be written are lost, and the exit status still tells
/// the outcome: no panic (status 101) and no `SIGXFSZ`. Stderr is a file already at
/// `RLIMIT_FSIZE` (a limit of 0 would stop qemu-user itself, which writes a copy of
/// `/proc/self/maps` to a file when the Rust runtime reads it); stdout is `/dev/full` or a
/// pipe whose reader has left.
#[test]
fn messages_that_cannot_be_written_are_lost_and_the_status_stands() {
    const LIMIT: u64 = 1 << 20;
    use std::process::Stdio;
    let dir = scratch("bcpl-lost-messages");
    let status = |args: &[&str], stdout: Stdio, stderr: Stdio, no_file_growth: bool| {
        let mut c = command();
        c.current_dir(&dir).args(args).stdin(Stdio::null());
        c.stdout(stdout).stderr(stderr);
        if no_file_growth {
            with_limit(&mut c, libc::RLIMIT_FSIZE, LIMIT);
        }
        c.status().expect("the command starts")
    };
    let log = dir.join("stderr.txt");
    let to_log = || {
        std::fs::write(&log, vec![b'.'; LIMIT as usize]).unwrap();
        let f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        Stdio::from(f)
    };
    let full = || {
        let f = std::fs::OpenOptions::new().write(true).open("/dev/full");
        Stdio::from(f.expect("/dev/full opens"))
    };
    let gone_reader = || {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        Stdio::from(writer)
    };

    let missing = ["bcpl", "no-such-file.b"];
    let st = status(&missing, Stdio::null(), to_log(), true);
    assert_eq!(st.code(), Some(1), "{st:?}");
    assert_eq!(std::fs::metadata(&log).unwrap().len(), LIMIT);
    let st = status(&missing, Stdio::null(), full(), false);
    assert_eq!(st.code(), Some(1), "{st:?}");
    for out in [full(), gone_reader()] {
        let st = status(&["bcpl", "--help"], out, Stdio::null(), false);
        assert_eq!(st.code(), Some(0), "{st:?}");
    }
    let st = status(&["tour", "seed"], gone_reader(), to_log(), true);
    assert_eq!(st.code(), Some(0), "{st:?}");
    assert_eq!(std::fs::metadata(&log).unwrap().len(), LIMIT);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn headers_are_found_beside_the_source_then_in_the_current_directory_then_in_bcplhdrs_then_under_bcplroot(
) {
    let dir = std::env::temp_dir().join(format!("bcpl-hdrs-{}", std::process::id()));
    let (src, hdrs, root) = (dir.join("src"), dir.join("hdrs"), dir.join("root"));
    for d in [
        &src,
        &hdrs,
        &root.join("g"),
        &dir.join("u"),
        &hdrs.join("u"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        src.join("use.b"),
        "GET \"libhdr\"\nGET \"near\"\nGET \"u/mid\"\nGET \"far.h\"\nGET \"deep\"\n\
         LET start() BE writef(\"%n %n %n %n*n\", near, mid, far, deep)\n",
    )
    .unwrap();
    std::fs::write(src.join("near.h"), "MANIFEST { near = 1 }").unwrap();
    // Beside the source wins over the current directory (the run's, `dir`), which wins
    // over BCPLHDRS.
    std::fs::write(dir.join("near.h"), "MANIFEST { near = 50 }").unwrap();
    std::fs::write(hdrs.join("near.h"), "MANIFEST { near = 100 }").unwrap();
    std::fs::write(dir.join("u").join("mid.h"), "MANIFEST { mid = 4 }").unwrap();
    std::fs::write(hdrs.join("u").join("mid.h"), "MANIFEST { mid = 400 }").unwrap();
    std::fs::write(hdrs.join("far.h"), "MANIFEST { far = 2 }").unwrap();
    std::fs::write(root.join("g").join("deep.h"), "MANIFEST { deep = 3 }").unwrap();
    let hdrs_var = format!("/no/such/dir:{}", hdrs.display());
    let run_in = |mode: &[&str], with_env: bool| {
        let mut c = command();
        c.current_dir(&dir).arg("bcpl").args(mode).arg("src/use.b");
        if with_env {
            c.env("BCPLHDRS", &hdrs_var).env("BCPLROOT", &root);
        } else {
            c.env_remove("BCPLHDRS").env_remove("BCPLROOT");
        }
        let out = run_to_end(&mut c, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr,
        )
    };
    for mode in modes() {
        let (status, stdout, stderr) = run_in(&mode, true);
        assert_eq!(status, Some(0), "{mode:?}: {stderr}");
        assert_eq!(stdout, "1 4 2 3\n", "{mode:?}");
        let (status, _, stderr) = run_in(&mode, false);
        assert_eq!(status, Some(1), "{mode:?}");
        assert!(stderr.contains("GET \"far.h\": no such header"), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_in_a_header_name_the_header_and_its_own_line() {
    let dir = scratch("bcpl-hdrerr");
    std::fs::write(
        dir.join("lib.h"),
        "LET f(x) = VALOF\n{ LET g = 0\n  RESULTIS g(x)\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("run.b"),
        "GET \"libhdr\"\nGET \"lib\"\nLET start() BE writef(\"%n*n\", f(1))\n",
    )
    .unwrap();
    std::fs::write(dir.join("bad.h"), "MANIFEST { a = 1 }\nLET h() = )\n").unwrap();
    std::fs::write(dir.join("syntax.b"), "GET \"bad\"\nLET start() BE h()\n").unwrap();
    for mode in modes() {
        let out = run(&dir, &[&mode[..], &["run.b"]].concat());
        assert_eq!(out.status.code(), Some(1), "{mode:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "lib.h:3: runtime error: call of 0, which is not a function\n",
            "{mode:?}"
        );
    }
    let out = run(&dir, &["syntax.b"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bad.h:2:11: expected an expression, found `)`\nLET h() = )\n          ^\n"
    );
    // A header's errors come first, naming what is missing; its GLOBAL fails, so the
    // main file's use of its name fails too.
    std::fs::write(dir.join("gfx.h"), "GLOBAL { drawit: rtn_upb }\n").unwrap();
    std::fs::write(
        dir.join("gfx.b"),
        "GET \"gfx.h\"\nLET start() BE drawit()\n",
    )
    .unwrap();
    let out = run(&dir, &["gfx.b"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("gfx.h:1:18: not supported: `rtn_upb`"),
        "{err}"
    );
    assert!(err.contains("gfx.b:2:16: unknown name `drawit`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_wrch_that_writes_through_itself_is_a_located_stack_overflow() {
    // Each level of a program's wrch calling a writer that calls it again takes native
    // stack as well as BCPL stack: the run must stop with an error, on the main stack and
    // on a coroutine's smaller one, in every mode.
    let dir = scratch("bcpl-wrch");
    for (name, size) in [("main", 0), ("small", 100), ("big", 400_000)] {
        let body = if size == 0 {
            "LET start() BE { wrch := loud; writes(\"ab\") }\n".to_string()
        } else {
            format!(
                "LET body(a) = VALOF {{ wrch := loud; writes(\"ab\"); RESULTIS 0 }}\n\
                 LET start() BE callco(createco(body, {size}), 0)\n"
            )
        };
        let src = format!("GET \"libhdr\"\nLET loud(ch) BE writef(\"<%c>\", ch)\n{body}");
        std::fs::write(dir.join(format!("{name}.b")), src).unwrap();
        for mode in [&[][..], &["--interp"]] {
            let out = run(&dir, &[mode, &[&format!("{name}.b")[..]]].concat());
            assert_eq!(out.status.code(), Some(1), "{name} {mode:?}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                format!("{name}.b:2: runtime error: stack overflow (recursion too deep)\n"),
                "{name} {mode:?}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `bcpl MODE FILE` started in `dir` with its stdin and stdout piped, and the bytes of its
/// stdout, read by a thread of their own so that the test can wait for them with a time
/// limit.
fn start_piped(
    dir: &Path,
    mode: &[&str],
    file: &str,
) -> (std::process::Child, std::sync::mpsc::Receiver<u8>) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command()
        .current_dir(dir)
        .arg("bcpl")
        .args(mode)
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut stdout, mut buf) = (stdout, [0u8; 256]);
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            if buf[..n].iter().any(|&b| tx.send(b).is_err()) {
                break;
            }
        }
    });
    (child, rx)
}

/// Reads from `rx` into `seen` until `seen` ends with `text`; fails naming `what` when a minute
/// passes first.
fn wait_for(rx: &std::sync::mpsc::Receiver<u8>, seen: &mut Vec<u8>, text: &str, what: &str) {
    while !seen.ends_with(text.as_bytes()) {
        match rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(b) => seen.push(b),
            Err(_) => panic!(
                "{what}: {text:?} was not written; stdout so far {:?}",
                String::from_utf8_lossy(seen)
            ),
        }
    }
}

/// Starts `file` (in `mode`) with its stdout piped, waits until it has written `text`, then
/// kills it, whether or not the text came (failing naming `what` if not); what it wrote
/// after `text` is still to be received.
fn read_then_kill(
    dir: &Path,
    mode: &[&str],
    file: &str,
    text: &str,
    what: &str,
) -> std::sync::mpsc::Receiver<u8> {
    let (mut child, rx) = start_piped(dir, mode, file);
    let mut seen = Vec::new();
    let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for(&rx, &mut seen, text, what)
    }));
    child.kill().unwrap();
    child.wait().unwrap();
    if let Err(e) = found {
        std::panic::resume_unwind(e);
    }
    rx
}

/// A line a program writes reaches a pipe soon after it ends, while the program runs on: here
/// one that never ends, which the test kills once it has read the line. Natively only, as
/// [`a_prompt_is_written_before_the_program_waits_for_its_answer`].
#[test]
fn a_line_reaches_a_pipe_while_the_program_runs() {
    if emulated() {
        return;
    }
    let dir = scratch("bcpl-paced");
    let src = "GET \"libhdr\"\n\
               LET start() BE\n{ writes(\"first line*nsecond \")\n  WHILE TRUE LOOP\n}\n";
    std::fs::write(dir.join("paced.b"), src).unwrap();
    for mode in [&[][..], &["--interp"]] {
        let what = format!("paced.b {mode:?}");
        let rx = read_then_kill(&dir, mode, "paced.b", "first line\n", &what);
        // The line that has not ended stays in the console stream, as in Cintcode.
        assert_eq!(
            rx.recv_timeout(std::time::Duration::from_secs(5)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected),
            "{what}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What a program writes is there to be read when it waits for the console's input, and at
/// `deplete(cos)`: the test answers each prompt only once it has read it. Natively only:
/// under qemu-user the runs of a test binary are made one at a time ([`run_to_end`]), and an
/// exchange with a running program cannot be.
#[test]
fn a_prompt_is_written_before_the_program_waits_for_its_answer() {
    use std::io::Write;
    if emulated() {
        return;
    }
    let dir = scratch("bcpl-prompt");
    let prompt = "GET \"libhdr\"\n\
                  LET start() = VALOF\n\
                  { LET n = 0\n  writes(\"number? \")\n  n := readn()\n\
                  \x20 writef(\"twice %n*nagain? \", 2*n)\n  n := rdch() REPEATWHILE n = '*n'\n\
                  \x20 writef(\"read %c*n\", n)\n  RESULTIS 0\n}\n";
    let depleted = "GET \"libhdr\"\n\
                    LET start() BE\n{ writes(\"working\"); deplete(cos)\n  WHILE TRUE LOOP\n}\n";
    std::fs::write(dir.join("prompt.b"), prompt).unwrap();
    std::fs::write(dir.join("depleted.b"), depleted).unwrap();
    for mode in [&[][..], &["--interp"]] {
        let what = format!("prompt.b {mode:?}");
        let (mut child, rx) = start_piped(&dir, mode, "prompt.b");
        let mut stdin = child.stdin.take().unwrap();
        let mut seen = Vec::new();
        wait_for(&rx, &mut seen, "number? ", &what);
        stdin.write_all(b"21\n").unwrap();
        wait_for(&rx, &mut seen, "twice 42\nagain? ", &what);
        stdin.write_all(b"x").unwrap();
        drop(stdin);
        wait_for(&rx, &mut seen, "read x\n", &what);
        assert!(child.wait().unwrap().success(), "{what}");

        let what = format!("depleted.b {mode:?}");
        read_then_kill(&dir, mode, "depleted.b", "working", &what);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
