//! `macros-demo bcpl [--interp] [--eager] [--listing] [--stats] FILE.b [ARGS...]`: the
//! command line. `ARGS` are the program's, for `rdargs`.
//!
//! stdout carries the program's output and nothing else; listings, statistics and errors go
//! to stderr. Exit status: 0 when the program ends (or runs `FINISH`), 1 for a source error, a
//! runtime error or an unreadable file, 2 for a bad command line; `stop(n)` exits with n.
//!
//! Everything after reading the file runs on a thread with a large stack (the first of
//! [`STACKS`] the system grants): BCPL recursion is machine recursion in the JIT and Rust
//! recursion in the interpreter, and the programs this must run recurse 100,000 deep (about
//! 50 bytes a level in the JIT, 3 KiB in an unoptimised interpreter build). The stack is
//! reserved address space; pages are only touched as deep as the program goes.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::diag::SourceError;
use super::interp;
use super::jit::{self, Jit};
use super::memory::{Runtime, Stop};
use super::runtime::{self, Output};
use super::{front_end, ir};

/// Stack sizes to try, largest first, for the thread that compiles and runs the program: a
/// system that limits address space may refuse the largest.
pub const STACKS: [usize; 3] = [4 << 30, 1 << 30, 256 << 20];

const USAGE: &str = "\
usage: macros-demo bcpl [--interp] [--eager] [--listing] [--stats] FILE.b [ARGS...]

Runs a BCPL program: JIT-compiled to AArch64 one function at a time (by default, each on its
first call), or with --interp by the tree-walking interpreter. On a host that is not AArch64
the functions are compiled but the interpreter runs the program.

  --interp    run the interpreter instead of the JIT
  --eager     compile every function before running (JIT)
  --listing   print each compiled function's disassembly (symbol+offset, address, word, instruction) to stderr
  --stats     print compile time and code size per function, and run time, to stderr";

#[derive(Debug, Clone, Default)]
struct Options {
    interp: bool,
    eager: bool,
    listing: bool,
    stats: bool,
    file: String,
    /// The program's arguments, after FILE.
    args: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut rest = args.iter();
    for a in rest.by_ref() {
        match a.as_str() {
            "--interp" => o.interp = true,
            "--eager" => o.eager = true,
            "--listing" => o.listing = true,
            "--stats" => o.stats = true,
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

/// Entry point of the `bcpl` subcommand.
pub fn main(args: &[String]) -> ExitCode {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("macros-demo bcpl: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let src = match std::fs::read(&opts.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("macros-demo bcpl: cannot read {}: {e}", opts.file);
            return ExitCode::from(1);
        }
    };
    run_on_big_stack(opts, src)
}

/// The BCPL part of the `macros-demo` showcase: the N-queens example (recursion, vectors,
/// `LOOP`, multiple assignment), JIT-compiled with `--stats` on AArch64 and interpreted
/// elsewhere. The source is built into the binary, so it runs from any directory.
pub fn showcase() -> ExitCode {
    const FILE: &str = "macros-demo/programs/queens.b";
    const SRC: &[u8] = include_bytes!("../../programs/queens.b");
    let jit = cfg!(target_arch = "aarch64");
    println!(
        "== BCPL: {FILE}, {} ==",
        if jit {
            "JIT-compiled one function at a time (macros-demo bcpl --stats FILE)"
        } else {
            "interpreted: JIT code runs only on AArch64 (macros-demo bcpl --interp --stats FILE)"
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
        eprintln!("macros-demo bcpl: cannot start the program thread: {e}");
    }
    ExitCode::from(1)
}

fn run(opts: &Options, src: &[u8]) -> u8 {
    let started = Instant::now();
    let prog = match front_end(src) {
        Ok(p) => p,
        Err(errors) => return source_errors(opts, src, &errors),
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
    let mut rt = Runtime::new(prog, opts.args.clone());
    let r = interp::run(prog, &mut rt);
    let ran = started.elapsed();
    Output::flush();
    if opts.stats {
        eprintln!(
            "stats: front end {}, interpreted in {}",
            human(front),
            human(ran)
        );
    }
    match r {
        Ok(()) => 0,
        Err(Stop::Exit(code) | Stop::Return(code)) => runtime::exit_status(code) as u8,
        Err(Stop::Fault(line, fault)) => {
            runtime::report_runtime_error(line, &fault.message());
            1
        }
    }
}

/// JIT-compiles and runs `prog`. Where JIT code cannot run (a host that is not AArch64), every
/// function is still compiled and committed (so `--listing` and `--stats` show the real code)
/// and the interpreter runs the program; `--stats` and `--listing` say so on stderr.
fn run_jit(opts: &Options, prog: &ir::Program, front: Duration) -> u8 {
    let jit = match Jit::new(
        prog,
        jit::Options {
            listing: opts.listing,
        },
    ) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("macros-demo bcpl: {e}");
            return 1;
        }
    };
    let can_run = cfg!(target_arch = "aarch64");
    if opts.eager || !can_run {
        if let Err(e) = jit.compile_all() {
            eprintln!("macros-demo bcpl: {e}");
            return 1;
        }
    }
    let started = Instant::now();
    #[cfg(target_arch = "aarch64")]
    jit.run(opts.args.clone());
    let ran = started.elapsed();
    Output::flush();
    if opts.stats {
        let stats = jit.stats();
        let mut total = Duration::ZERO;
        let mut bytes = 0;
        for s in &stats {
            eprintln!(
                "stats: compiled {} in {}, {} bytes",
                s.name,
                human(s.time),
                s.bytes
            );
            total += s.time;
            bytes += s.bytes;
        }
        eprintln!(
            "stats: {} of {} functions compiled, {bytes} code bytes, {} compiling; front end {}{}",
            stats.len(),
            prog.funcs.len(),
            human(total),
            human(front),
            if can_run {
                format!("; run {}", human(ran.saturating_sub(total)))
            } else {
                String::new()
            },
        );
    }
    if can_run {
        return 0;
    }
    if opts.stats || opts.listing {
        eprintln!(
            "macros-demo bcpl: JIT code runs only on AArch64 (this is {}): compiled, then interpreted",
            std::env::consts::ARCH
        );
    }
    run_interp(opts, prog, front)
}

fn source_errors(opts: &Options, src: &[u8], errors: &[SourceError]) -> u8 {
    for e in errors {
        eprintln!("{}", e.render(&opts.file, src));
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
