//! Run time of BCPL programs: the JIT against the interpreter, and the same programs in C
//! compiled by `gcc -O0` and `gcc -O2`, side by side in one run.
//!
//! The programs are in `benches/native/`: `fib` (recursive calls), `queens` (recursion and
//! vectors), `sieve` (loops over a million-word vector) and `loops` (nested arithmetic loops),
//! each as `NAME.b` and as `NAME.c`, the same algorithm on 64-bit words.
//!
//! Method. Everything runs in this process and is timed by the same criterion loop:
//! - `interpreter`: one iteration runs the whole BCPL program with [`bcpl::interp`];
//! - `jit`: one iteration runs it with [`jit::Jit::run_on`] for the host's instruction set
//!   (x86-64 here); every function is compiled before timing (`compile_all`), so the figure is
//!   run time, not compile time. `setup/jit` runs an empty program: the fixed cost in each
//!   figure (resetting the runtime, the trampoline);
//! - both reuse one [`Runtime`] per program, reset before each run ([`Runtime::reset`]), as
//!   the C code reuses what `malloc` gives back after the first call: a fresh `Runtime` maps
//!   128 MiB of zeroed memory, and first touches of its pages (8 MiB in `sieve`) would
//!   measure the kernel's page faults rather than the code;
//! - `gcc_O0`, `gcc_O2`: the C file is compiled with `gcc -OX -shared -fPIC` into a temporary
//!   directory when the bench starts, loaded with `dlopen`, and one iteration calls its
//!   `long bench(long n)` with the same problem size as the BCPL program (through
//!   `black_box`, so nothing is computed ahead). Without gcc these are left out, with a note.
//!
//! Before timing, the bench checks that the JIT prints what the interpreter prints and that
//! each C build returns that number. Programs write their one result line through the
//! runtime's buffered output, which each iteration takes and drops. Ratios for the README:
//! `python3 macros-demo/benches/ratios.py` after `cargo bench -p macros-demo --bench bcpl_run`.

use std::ffi::{c_void, CString};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use macros_demo::bcpl::{self, interp, ir::Program, jit, memory::Runtime, runtime::Output};

#[cfg(not(target_arch = "aarch64"))]
type Host = bcpl::backend_x64::X64;
#[cfg(target_arch = "aarch64")]
type Host = bcpl::backend_a64::A64;

type Jit<'p> = jit::Jit<'p, Host>;

/// A benchmark program: its name, BCPL source, C source and the problem size both use.
struct Bench {
    name: &'static str,
    bcpl: &'static str,
    c: &'static str,
    n: i64,
}

const BENCHES: &[Bench] = &[
    Bench {
        name: "fib",
        bcpl: include_str!("native/fib.b"),
        c: include_str!("native/fib.c"),
        n: 25,
    },
    Bench {
        name: "queens",
        bcpl: include_str!("native/queens.b"),
        c: include_str!("native/queens.c"),
        n: 10,
    },
    Bench {
        name: "sieve",
        bcpl: include_str!("native/sieve.b"),
        c: include_str!("native/sieve.c"),
        n: 1_000_000,
    },
    Bench {
        name: "loops",
        bcpl: include_str!("native/loops.b"),
        c: include_str!("native/loops.c"),
        n: 1000,
    },
];

/// A C build loaded with `dlopen`: its `bench` function. The library stays loaded for the
/// rest of the process (never `dlclose`d), so the pointer stays valid.
#[derive(Clone, Copy)]
struct CBench {
    label: &'static str,
    f: extern "C" fn(i64) -> i64,
}

/// Compiles `src` with `gcc -OX` into `dir` and loads it; `None` (with a note) when that fails.
fn build_c(dir: &Path, name: &str, src: &str, opt: &'static str) -> Option<CBench> {
    let c_file = dir.join(format!("{name}.c"));
    std::fs::write(&c_file, src).ok()?;
    let so = dir.join(format!("{name}{opt}.so"));
    let status = Command::new("gcc")
        .arg(opt)
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&c_file)
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        eprintln!("note: gcc {opt} could not build {name}.c ({status:?}); C figures left out");
        return None;
    }
    let path = CString::new(so.to_str()?).ok()?;
    // SAFETY: `path` is a NUL-terminated path to a shared object built just now from our own
    // C source, whose initialisers are the C runtime's only.
    let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if handle.is_null() {
        eprintln!("note: dlopen {} failed; C figures left out", so.display());
        return None;
    }
    // SAFETY: `handle` is a live handle from dlopen; the name is NUL-terminated.
    let sym: *mut c_void = unsafe { libc::dlsym(handle, c"bench".as_ptr()) };
    if sym.is_null() {
        return None;
    }
    // SAFETY: `bench` is defined in the C file as `long bench(long n)`, which is
    // `extern "C" fn(i64) -> i64` on LP64 Linux; the library is never unloaded.
    let f = unsafe { std::mem::transmute::<*mut c_void, extern "C" fn(i64) -> i64>(sym) };
    let label = match opt {
        "-O0" => "gcc_O0",
        _ => "gcc_O2",
    };
    Some(CBench { label, f })
}

fn interpret(prog: &Program, rt: &mut Runtime) -> Vec<u8> {
    rt.reset(prog);
    interp::run(prog, rt).expect("the benchmark program runs");
    Output::take()
}

fn run_jit(jit: &Jit<'_>, prog: &Program, rt: &mut Runtime) -> Vec<u8> {
    rt.reset(prog);
    jit.run_on(rt).expect("the host's back end runs here");
    Output::take()
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bcpl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory for the C builds");
    dir
}

fn bench(c: &mut Criterion) {
    let dir = temp_dir();
    let empty = bcpl::front_end(b"LET start() BE RETURN\n").expect("valid");
    let mut rt = Runtime::new(&empty, Vec::new()).expect("memory for the machine");
    let jit = Jit::new(&empty, jit::Options::default()).expect("the JIT builds");
    jit.compile_all().expect("compiles");
    let mut g = c.benchmark_group("bcpl_run/setup");
    g.bench_function("jit", |b| b.iter(|| run_jit(&jit, &empty, &mut rt)));
    g.finish();

    for bench in BENCHES {
        let prog = bcpl::front_end(bench.bcpl.as_bytes()).expect("the benchmark is valid BCPL");
        let mut rt = Runtime::new(&prog, Vec::new()).expect("memory for the machine");
        let expected = interpret(&prog, &mut rt);
        let jit = Jit::new(&prog, jit::Options::default()).expect("the JIT builds");
        jit.compile_all().expect("every function compiles");
        assert_eq!(
            run_jit(&jit, &prog, &mut rt),
            expected,
            "{}: the JIT disagrees",
            bench.name
        );
        let value: i64 = String::from_utf8_lossy(&expected)
            .trim()
            .parse()
            .expect("the program prints one number");
        let builds: Vec<CBench> = ["-O0", "-O2"]
            .into_iter()
            .filter_map(|opt| build_c(&dir, bench.name, bench.c, opt))
            .collect();
        for b in &builds {
            assert_eq!((b.f)(bench.n), value, "{} {}", bench.name, b.label);
        }

        let mut g = c.benchmark_group(format!("bcpl_run/{}", bench.name));
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        g.bench_function("interpreter", |b| b.iter(|| interpret(&prog, &mut rt)));
        g.bench_function("jit", |b| b.iter(|| run_jit(&jit, &prog, &mut rt)));
        for cb in &builds {
            let n = bench.n;
            g.bench_function(cb.label, |b| b.iter(|| (cb.f)(black_box(n))));
        }
        g.finish();
    }
    std::fs::remove_dir_all(&dir).ok();
}

criterion_group!(benches, bench);
criterion_main!(benches);
