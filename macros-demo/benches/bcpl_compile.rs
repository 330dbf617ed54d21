//! Compile throughput of the BCPL JIT: functions compiled and committed per second.
//!
//! The program is generated: 10,000 small functions (a loop, a conditional, a call to the
//! previous function through the table, a division check) and a `start`. One iteration
//! builds the JIT (table, stubs, trampoline) and compiles and commits every function, each
//! into its own `CodeBuffer`, which is exactly what lazy compilation does on first calls. The
//! front end (parse and check) runs once, outside the measurement, and is measured on its own.
//! Both back ends are measured (`x64_` is x86-64): compiling and committing work on any host,
//! whichever instruction set the code is for.

use macros_demo::bcpl;
use macros_demo::bcpl::backend_a64::A64;
use macros_demo::bcpl::backend_x64::X64;
use macros_demo::bcpl::jit::Jit;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const FUNCTIONS: usize = 10_000;

fn program(n: usize) -> String {
    let mut src = String::from("LET f0(x) = x + 1\n");
    for i in 1..n {
        src.push_str(&format!(
            "LET f{i}(x) = VALOF\n$( LET s = 0\n   FOR k = 1 TO x DO s := s + k MOD 7\n   \
             RESULTIS s > {i} -> f{}(s / 3), s * 2\n$)\n",
            i - 1
        ));
    }
    src.push_str(&format!("LET start() BE writen(f{}(10))\n", n - 1));
    src
}

fn bench(c: &mut Criterion) {
    let src = program(FUNCTIONS);
    let prog = bcpl::front_end(src.as_bytes()).expect("the generated program is valid");
    assert_eq!(prog.funcs.len(), FUNCTIONS + 1);

    let mut g = c.benchmark_group("bcpl");
    g.sample_size(10);
    g.throughput(Throughput::Elements(prog.funcs.len() as u64));
    g.bench_function("compile_and_commit_10k_functions", |b| {
        b.iter(|| {
            let jit = Jit::<A64>::new(&prog, bcpl::jit::Options::default()).unwrap();
            jit.compile_all().unwrap();
            jit
        })
    });
    g.bench_function("x64_compile_and_commit_10k_functions", |b| {
        b.iter(|| {
            let jit = Jit::<X64>::new(&prog, bcpl::jit::Options::default()).unwrap();
            jit.compile_all().unwrap();
            jit
        })
    });
    let ctx = bcpl::codegen::Context::new(prog.funcs.len(), false);
    g.bench_function("codegen_only_10k_functions", |b| {
        b.iter(|| {
            prog.funcs
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    bcpl::codegen::compile(f, i, &ctx)
                        .unwrap()
                        .instructions
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("x64_codegen_only_10k_functions", |b| {
        b.iter(|| {
            prog.funcs
                .iter()
                .enumerate()
                .map(|(i, f)| bcpl::codegen_x64::compile(f, i, &ctx).unwrap().len())
                .sum::<usize>()
        })
    });
    g.bench_function("front_end_10k_functions", |b| {
        b.iter(|| bcpl::front_end(src.as_bytes()).unwrap().funcs.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
