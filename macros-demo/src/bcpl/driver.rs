//! `macros-demo bcpl [--interp] [--target ISA] [--eager] [--table-calls] [--listing] [--stats] FILE.b [ARGS...]`:
//! the command line. `ARGS` are the program's: its console input starts with them, for
//! `rdargs` ([`super::streams::command_rest`]).
//!
//! stdout carries the program's output and nothing else; listings, statistics and errors go
//! to stderr. Exit status: as Cintcode's CLI takes a command's return code, `start`'s result
//! (`RESULTIS n`; 0 from a routine) or `stop(n)`, modulo 256 ([`runtime::exit_status`]); 0 for
//! `FINISH`; 1 for a source error, a runtime error, an unreadable file, or code for an
//! instruction set this process cannot run (compiled and listed, not run); 2 for a bad
//! command line.
//!
//! The JIT compiles for the host's instruction set unless `--target` names the other one. Code
//! for an instruction set the process cannot run is still generated and committed (so
//! `--listing` and `--stats` show it), and the program is then not run, with a message saying
//! so: re-running the same binary under an emulator is not possible (it is built for one
//! instruction set), and running the interpreter instead would hide that the JIT did not run.
//!
//! Everything after reading the file runs on a thread with a large stack (the first of
//! [`STACKS`] the system grants): BCPL recursion is machine recursion in the JIT and Rust
//! recursion in the interpreter, and the programs this must run recurse 100,000 deep (about
//! 50 bytes a level in the JIT, 3 KiB in an unoptimised interpreter build). The stack is
//! reserved address space; pages are only touched as deep as the program goes.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::backend_a64::A64;
use super::backend_x64::X64;
use super::diag::SourceError;
use super::diag::SourceFile;
use super::headers::Header;
use super::interp;
use super::jit::{self, Backend, Jit};
use super::memory::{Runtime, Stop};
use super::runtime::{self, Output};
use super::{front_end_with_headers, ir};

/// Stack sizes to try, largest first, for the thread that compiles and runs the program: a
/// system that limits address space may refuse the largest.
pub const STACKS: [usize; 3] = [4 << 30, 1 << 30, 256 << 20];

const USAGE: &str = "\
usage: macros-demo bcpl [--interp] [--target ISA] [--eager] [--table-calls] [--listing] [--stats] FILE.b [ARGS...]

Runs a BCPL program: JIT-compiled one function at a time (by default, each on its first call)
for the host's instruction set (x86-64 or AArch64), or with --interp by the tree-walking
interpreter.

  --interp       run the interpreter instead of the JIT
  --target ISA   compile for ISA: x86_64 (also x64, x86-64) or aarch64 (also arm64); the
                 default is the host's. Code for another instruction set than this process's
                 is compiled and committed (see --listing, --stats) but not run: the command
                 says so and exits with status 1 (an AArch64 build runs under qemu-aarch64:
                 `cargo xtask demo bcpl FILE.b`)
  --eager        compile every function before running (JIT)
  --table-calls  call every function through the call table, even compiled ones (by default a
                 call of a compiled function, or of the function itself, is a direct bl/call
                 linked at commit)
  --listing      print each compiled function's disassembly (symbol+offset, address, bytes,
                 instruction) to stderr
  --stats        print compile time and code size per function, and run time, to stderr";

/// An instruction set the JIT compiles for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// AArch64 ([`A64`]).
    Aarch64,
    /// x86-64 ([`X64`]).
    X86_64,
}

impl Target {
    /// The instruction set of this process: x86-64 on x86-64 hosts, else AArch64.
    pub fn host() -> Target {
        if cfg!(target_arch = "x86_64") {
            Target::X86_64
        } else {
            Target::Aarch64
        }
    }

    /// The target `--target` names.
    pub fn parse(name: &str) -> Option<Target> {
        match name.to_ascii_lowercase().as_str() {
            "aarch64" | "arm64" | "a64" => Some(Target::Aarch64),
            "x86_64" | "x86-64" | "x64" | "amd64" => Some(Target::X86_64),
            _ => None,
        }
    }

    /// Whether this process runs code for the target.
    pub fn is_native(self) -> bool {
        match self {
            Target::Aarch64 => A64::NATIVE,
            Target::X86_64 => X64::NATIVE,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Options {
    interp: bool,
    /// The instruction set to compile for; `None` for the host's.
    target: Option<Target>,
    eager: bool,
    table_calls: bool,
    listing: bool,
    stats: bool,
    file: String,
    /// The program's arguments, after FILE.
    args: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--interp" => o.interp = true,
            "--eager" => o.eager = true,
            "--table-calls" => o.table_calls = true,
            "--listing" => o.listing = true,
            "--stats" => o.stats = true,
            "--target" => {
                let name = rest.next().ok_or("--target needs an instruction set")?;
                let target = Target::parse(name).ok_or_else(|| {
                    format!("unknown target `{name}` (x86_64, x64, aarch64 or arm64)")
                })?;
                o.target = Some(target);
            }
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            path => {
                o.file = path.to_string();
                o.args = rest.cloned().collect();
                return Ok(o);
            }
        }
    }
    Err("no FILE given".to_string())
}

/// Entry point of the `bcpl` subcommand. The binary's `main` has already made a write past
/// `RLIMIT_FSIZE` an error instead of a signal ([`crate::console::ignore_file_size_signal`]),
/// for the program's files as for stdout and stderr.
pub fn main(args: &[String]) -> ExitCode {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(msg) if msg.is_empty() => {
            crate::outln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            crate::errln!("macros-demo bcpl: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let src = match std::fs::read(&opts.file) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("macros-demo bcpl: cannot read {}: {e}", opts.file);
            return ExitCode::from(1);
        }
    };
    run_on_big_stack(opts, src)
}

/// Makes glibc's allocator keep one arena for the process (`M_ARENA_MAX`, mallopt(3)).
/// Otherwise each thread that allocates gets an arena of its own, 64 MiB of address space:
/// the program thread and [`Output::pace`]'s (whose start allocates) would each take one,
/// and a run would need that much more room under `RLIMIT_AS`. The threads seldom allocate
/// at the same time: the main thread waits, and the pace thread only writes.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena() {
    // SAFETY: mallopt sets a tunable of the allocator and touches no memory of ours; it runs
    // before this module starts any thread.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
}

/// The BCPL part of the `macros-demo` showcase: the N-queens example (recursion, vectors,
/// `LOOP`, multiple assignment), JIT-compiled for the host with `--stats` on x86-64 and
/// AArch64, interpreted elsewhere. The source is built into the binary, so it runs from any
/// directory.
pub fn showcase() -> ExitCode {
    const FILE: &str = "macros-demo/programs/queens.b";
    const SRC: &[u8] = include_bytes!("../../programs/queens.b");
    let target = Target::host();
    let jit = target.is_native();
    let isa = match target {
        Target::X86_64 => X64::ARCH,
        Target::Aarch64 => A64::ARCH,
    };
    crate::outln!(
        "== BCPL: {FILE}, {} ==",
        if jit {
            format!(
                "JIT-compiled to {isa} one function at a time and run \
                 (macros-demo bcpl --stats FILE)"
            )
        } else {
            format!(
                "interpreted: this {} host runs neither back end's code \
                 (macros-demo bcpl --interp --stats FILE)",
                std::env::consts::ARCH
            )
        }
    );
    let opts = Options {
        interp: !jit,
        stats: true,
        file: FILE.to_string(),
        ..Options::default()
    };
    run_on_big_stack(opts, SRC.to_vec())
}

fn run_on_big_stack(opts: Options, src: Vec<u8>) -> ExitCode {
    runtime::set_file_name(&opts.file);
    let job = std::sync::Arc::new((opts, src));
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    one_malloc_arena();
    Output::pace();
    let mut failure = None;
    for size in STACKS {
        let mine = std::sync::Arc::clone(&job);
        let worker = std::thread::Builder::new()
            .name("bcpl".to_string())
            .stack_size(size)
            .spawn(move || run(&mine.0, &mine.1));
        match worker {
            Ok(w) => {
                let code = w.join().unwrap_or(101);
                Output::flush();
                return ExitCode::from(code);
            }
            Err(e) => failure = Some(e),
        }
    }
    if let Some(e) = failure {
        crate::errln!("macros-demo bcpl: cannot start the program thread: {e}");
    }
    ExitCode::from(1)
}

fn run(opts: &Options, src: &[u8]) -> u8 {
    let started = Instant::now();
    let dir = std::path::Path::new(&opts.file).parent();
    let (prog, headers) = front_end_with_headers(src, dir);
    runtime::set_file_names(
        std::iter::once(opts.file.clone())
            .chain(headers.iter().map(|h| h.path.clone()))
            .collect(),
    );
    let prog = match prog {
        Ok(p) => p,
        Err(errors) => return source_errors(opts, src, &headers, &errors),
    };
    let front = started.elapsed();
    if opts.interp {
        run_interp(opts, &prog, front)
    } else {
        run_jit(opts, &prog, front)
    }
}

fn run_interp(opts: &Options, prog: &ir::Program, front: Duration) -> u8 {
    let started = Instant::now();
    let mut rt = match Runtime::new(prog, opts.args.clone()) {
        Ok(rt) => rt,
        Err(e) => {
            crate::errln!("macros-demo bcpl: {e}");
            return 1;
        }
    };
    let r = interp::run(prog, &mut rt);
    let ran = started.elapsed();
    Output::flush();
    if opts.stats {
        crate::errln!(
            "stats: front end {}, interpreted in {}",
            human(front),
            human(ran)
        );
    }
    match r {
        Err(Stop::Unwind) => 0,
        Ok(code) | Err(Stop::Exit(code) | Stop::Return(code)) => runtime::exit_status(code) as u8,
        Err(Stop::Escape(e)) => unreachable!("sema keeps {e:?} inside its function"),
        Err(Stop::Fault(line, fault)) => {
            runtime::report_runtime_error(line, &fault.message());
            1
        }
        Err(Stop::LongJump(j)) => {
            let (line, fault) = j.error();
            runtime::report_runtime_error(line, &fault.message());
            1
        }
    }
}

/// JIT-compiles `prog` for the chosen target and runs it if this process can run that code;
/// otherwise compiles every function (so `--listing` and `--stats` show the real code) and
/// says that the program was not run.
fn run_jit(opts: &Options, prog: &ir::Program, front: Duration) -> u8 {
    match opts.target.unwrap_or_else(Target::host) {
        Target::Aarch64 => jit_with::<A64>(opts, prog, front),
        Target::X86_64 => jit_with::<X64>(opts, prog, front),
    }
}

fn jit_with<B: Backend>(opts: &Options, prog: &ir::Program, front: Duration) -> u8 {
    let jit = match Jit::<B>::new(
        prog,
        jit::Options {
            listing: opts.listing,
            table_calls: opts.table_calls,
        },
    ) {
        Ok(j) => j,
        Err(e) => {
            crate::errln!("macros-demo bcpl: {e}");
            return 1;
        }
    };
    if opts.eager || !B::NATIVE {
        if let Err(e) = jit.compile_all() {
            crate::errln!("macros-demo bcpl: {e}");
            return 1;
        }
    }
    let started = Instant::now();
    let ran = jit.run(opts.args.clone());
    let elapsed = started.elapsed();
    Output::flush();
    if opts.stats {
        let stats = jit.stats();
        let mut total = Duration::ZERO;
        let mut bytes = 0;
        for s in &stats {
            crate::errln!(
                "stats: compiled {} in {}, {} bytes",
                s.name,
                human(s.time),
                s.bytes
            );
            total += s.time;
            bytes += s.bytes;
        }
        crate::errln!(
            "stats: {} of {} functions compiled to {}, {bytes} code bytes, {} compiling; front end {}{}",
            stats.len(),
            prog.funcs.len(),
            B::ARCH,
            human(total),
            human(front),
            if ran.is_ok() {
                format!("; run {}", human(elapsed.saturating_sub(total)))
            } else {
                String::new()
            },
        );
    }
    match ran {
        Ok(code) => runtime::exit_status(code) as u8,
        Err(jit::NotRun::NoMemory(e)) => {
            crate::errln!("macros-demo bcpl: {e}");
            1
        }
        Err(jit::NotRun::NotNative(not_native)) => {
            crate::errln!(
                "macros-demo bcpl: compiled and committed, not run: {not_native} \
                 (an {arch} build runs it, e.g. `cargo xtask demo bcpl FILE.b` under qemu; \
                 --interp interprets it here)",
                arch = B::ARCH,
            );
            1
        }
    }
}

fn source_errors(opts: &Options, src: &[u8], headers: &[Header], errors: &[SourceError]) -> u8 {
    let files: Vec<SourceFile<'_>> = std::iter::once((opts.file.as_str(), src))
        .chain(headers.iter().map(|h| (h.path.as_str(), h.text.as_slice())))
        .collect();
    for e in errors {
        crate::errln!("{}", e.render_in(&files));
    }
    1
}

fn human(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else if us < 1e6 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_needs_one_file_and_known_flags() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let o = parse_args(&s(&["--interp", "--stats", "a.b"])).unwrap();
        assert!(o.interp && o.stats && !o.listing);
        assert_eq!(o.target, None);
        let o = parse_args(&s(&["--target", "aarch64", "a.b"])).unwrap();
        assert_eq!(o.target, Some(Target::Aarch64));
        let o = parse_args(&s(&["--target", "x64", "a.b"])).unwrap();
        assert_eq!(o.target, Some(Target::X86_64));
        assert!(parse_args(&s(&["--target", "riscv", "a.b"])).is_err());
        assert!(parse_args(&s(&["--target"])).is_err());
        assert_eq!(o.file, "a.b");
        assert!(parse_args(&s(&["--bogus", "a.b"])).is_err());
        let o = parse_args(&s(&["a.b", "c.b", "--x"])).unwrap();
        assert_eq!((o.file.as_str(), o.args.len()), ("a.b", 2));
        assert!(parse_args(&s(&[])).is_err());
    }

    #[test]
    fn the_showcase_program_runs_and_succeeds() {
        let code = showcase();
        assert_eq!(format!("{code:?}"), format!("{:?}", ExitCode::SUCCESS));
    }
}
