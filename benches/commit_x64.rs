//! x86-64 commit latency, side by side: jitkit pooled and per-buffer against dynasmrt's x64
//! `Assembler` + `finalize` and its `MutableBuffer` + `make_exec`, for 64 B, 1 KiB and 64 KiB
//! of already-assembled code; and assemble + commit of 16 instructions, `x64!` + pooled commit
//! against dynasmrt's x64 `Assembler` + `dynasm!` + `finalize`. The AArch64 equivalent is
//! `benches/commit.rs`, whose conventions this follows.
//!
//! ```text
//! cargo bench --bench commit_x64
//! ```
//!
//! Commit latency is the `commit` call: the empty `CodeBuffer` is made beforehand, the other
//! tools' whole path is measured. Each commit returns its buffer; a batch of 1000 stays alive
//! and is dropped outside the timing.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
use std::hint::black_box;

#[cfg(target_os = "linux")]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
#[cfg(target_os = "linux")]
use dynasmrt::{dynasm, DynasmApi};
#[cfg(target_os = "linux")]
use jitkit::{x64, CodeBuffer, CodePool};

#[cfg(target_os = "linux")]
const SIZES: [(&str, usize); 3] = [("64B", 64), ("1KiB", 1024), ("64KiB", 64 * 1024)];

#[cfg(target_os = "linux")]
/// Commits per batch, as in `benches/commit.rs`.
const BATCH: BatchSize = BatchSize::NumIterations(1000);

#[cfg(target_os = "linux")]
/// `bytes` of code: `add rax, 1` (4 bytes) repeated, then `nop ; nop ; nop ; ret`.
fn code(bytes: usize) -> x64::Code {
    let mut asm = x64::Assembler::with_capacity(bytes);
    for _ in 0..bytes / 4 - 1 {
        asm.emit(|a| jitkit::dynasm!(a ; .arch x64 ; add rax, 1))
            .unwrap();
    }
    asm.emit(|a| jitkit::dynasm!(a ; .arch x64 ; nop ; nop ; nop ; ret))
        .unwrap();
    let code = asm.finish().unwrap();
    assert_eq!(code.len(), bytes);
    code
}

#[cfg(target_os = "linux")]
fn dynasmrt_mutable(bytes: &[u8]) -> dynasmrt::ExecutableBuffer {
    let mut buf = dynasmrt::mmap::MutableBuffer::new(bytes.len()).unwrap();
    buf.set_len(bytes.len());
    buf[..bytes.len()].copy_from_slice(bytes);
    buf.make_exec().unwrap()
}

#[cfg(target_os = "linux")]
fn commit_latency(c: &mut Criterion) {
    let pool = CodePool::new().unwrap();
    for (name, bytes) in SIZES {
        let code = code(bytes);
        let raw = code.bytes().to_vec();
        let mut g = c.benchmark_group(format!("x64_commit/{name}"));
        g.bench_function("jitkit_pooled", |b| {
            b.iter_batched(
                || CodeBuffer::in_pool(&pool),
                |buf| {
                    buf.commit(black_box(&code)).unwrap();
                    buf
                },
                BATCH,
            )
        });
        g.bench_function("jitkit_per_buffer", |b| {
            b.iter_batched(
                CodeBuffer::new,
                |buf| {
                    buf.commit(black_box(&code)).unwrap();
                    buf
                },
                BATCH,
            )
        });
        g.bench_function("dynasmrt_mutable_make_exec", |b| {
            b.iter_batched(|| (), |()| dynasmrt_mutable(black_box(&raw)), BATCH)
        });
        g.bench_function("dynasmrt_assembler_finalize", |b| {
            b.iter_batched(
                || (),
                |()| {
                    let mut ops = dynasmrt::x64::Assembler::new().unwrap();
                    for _ in 0..bytes / 4 - 1 {
                        dynasm!(ops ; .arch x64 ; add rax, 1);
                    }
                    dynasm!(ops ; .arch x64 ; nop ; nop ; nop ; ret);
                    ops.finalize().unwrap()
                },
                BATCH,
            )
        });
        g.finish();
    }
}

#[cfg(target_os = "linux")]
/// The same 16 instructions through each tool's assemble-and-commit path.
fn assemble_and_commit(c: &mut Criterion) {
    let pool = CodePool::new().unwrap();
    let mut g = c.benchmark_group("x64_assemble_commit/16");
    g.bench_function("x64_jitkit_pooled", |b| {
        b.iter_batched(
            || (),
            |()| {
                let k: i32 = black_box(7);
                let code = x64! {
                    ; add rax, k ; add rax, k ; add rax, k ; add rax, k
                    ; add rax, k ; add rax, k ; add rax, k ; add rax, k
                    ; add rax, k ; add rax, k ; add rax, k ; add rax, k
                    ; add rax, k ; add rax, k ; add rax, k ; ret
                }
                .unwrap();
                let buf = CodeBuffer::in_pool(&pool);
                buf.commit(&code).unwrap();
                buf
            },
            BATCH,
        )
    });
    g.bench_function("dynasmrt_assembler_finalize", |b| {
        b.iter_batched(
            || (),
            |()| {
                let k: i32 = black_box(7);
                let mut ops = dynasmrt::x64::Assembler::new().unwrap();
                dynasm!(ops ; .arch x64
                    ; add rax, k ; add rax, k ; add rax, k ; add rax, k
                    ; add rax, k ; add rax, k ; add rax, k ; add rax, k
                    ; add rax, k ; add rax, k ; add rax, k ; add rax, k
                    ; add rax, k ; add rax, k ; add rax, k ; ret
                );
                ops.finalize().unwrap()
            },
            BATCH,
        )
    });
    g.finish();
}

#[cfg(target_os = "linux")]
criterion_group! {
    name = benches;
    config = common::short();
    targets = commit_latency, assemble_and_commit
}
#[cfg(target_os = "linux")]
criterion_main!(benches);

/// criterion is a Linux-only dev-dependency (see Cargo.toml): elsewhere this bench is empty.
#[cfg(not(target_os = "linux"))]
fn main() {}
