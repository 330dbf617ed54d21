//! Commit and free latency, side by side: jitkit pooled, jitkit per-buffer, dynasmrt, raw
//! mmap/mprotect, for 64 B (16 instructions), 1 KiB and 64 KiB of already-assembled code; and
//! assemble + commit of 16 instructions, `a64!` + pooled commit against dynasmrt's
//! `Assembler` + `dynasm!` + `finalize`.
//!
//! ```text
//! cargo bench --bench commit
//! ```
//!
//! Commit latency is the `commit` call: the empty `CodeBuffer` is made beforehand (for a pooled
//! one that is a reference-count increment), the other tools' whole path is measured. Each
//! commit returns its buffer; a batch of 1000 stays alive and is dropped outside the timing;
//! freeing is measured on its own in the `free` group. Pooled commits therefore include the
//! recycling of space freed by earlier batches, amortised as it is in real use. The `churn`
//! group commits 64 functions of 64 B, drops them outside the timing and repeats, with every
//! pool strategy side by side: dual-mapped (`jitkit_pooled`), per-buffer one at a time, and
//! per-buffer as one `commit_batch` of 64 (one `mprotect`), against dynasmrt.

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
use std::hint::black_box;

#[cfg(target_os = "linux")]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
#[cfg(target_os = "linux")]
use dynasmrt::{dynasm, DynasmApi};
#[cfg(target_os = "linux")]
use jitkit::{a64, CodeBuffer, CodePool, Instruction, Strategy};

#[cfg(target_os = "linux")]
const SIZES: [(&str, usize); 3] = [("64B", 64), ("1KiB", 1024), ("64KiB", 64 * 1024)];

#[cfg(target_os = "linux")]
/// Commits per batch: each batch's buffers stay alive until the batch ends, then are dropped
/// outside the timing, as a program that keeps some hundreds of functions would.
const BATCH: BatchSize = BatchSize::NumIterations(1000);

#[cfg(target_os = "linux")]
/// `bytes` of code: `add x0, x0, #1` repeated, then `ret`.
fn code(bytes: usize) -> Vec<Instruction> {
    let mut v = vec![Instruction::new(0x9100_0400); bytes / 4 - 1];
    v.push(Instruction::new(0xD65F_03C0));
    v
}

#[cfg(target_os = "linux")]
/// A read+execute anonymous mapping made with mmap + mprotect, unmapped on drop.
struct RawMapping(*mut libc::c_void, usize);

#[cfg(target_os = "linux")]
impl Drop for RawMapping {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `raw_commit` and is unmapped exactly once.
        unsafe { libc::munmap(self.0, self.1) };
    }
}

#[cfg(target_os = "linux")]
fn raw_commit(bytes: &[u8]) -> RawMapping {
    let size = bytes.len().div_ceil(4096) * 4096;
    // SAFETY: a fresh private anonymous mapping; checked below.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    // SAFETY: `p` is `size >= bytes.len()` writable bytes that nothing else uses.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.cast(), bytes.len()) };
    // SAFETY: `p`/`size` is the mapping made above.
    let sealed = unsafe { libc::mprotect(p, size, libc::PROT_READ | libc::PROT_EXEC) };
    assert_eq!(sealed, 0);
    RawMapping(p, size)
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
        let raw = Instruction::slice_as_bytes(&code).to_vec();
        let mut g = c.benchmark_group(format!("commit/{name}"));
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
                    let mut ops = dynasmrt::aarch64::Assembler::new().unwrap();
                    for _ in 0..bytes / 4 - 1 {
                        dynasm!(ops ; .arch aarch64 ; add x0, x0, 1);
                    }
                    dynasm!(ops ; .arch aarch64 ; ret);
                    ops.finalize().unwrap()
                },
                BATCH,
            )
        });
        g.bench_function("raw_mmap_mprotect", |b| {
            b.iter_batched(|| (), |()| raw_commit(black_box(&raw)), BATCH)
        });
        g.finish();
    }
}

#[cfg(target_os = "linux")]
/// The same 16 instructions through each tool's assemble-and-commit path.
fn assemble_and_commit(c: &mut Criterion) {
    let pool = CodePool::new().unwrap();
    let mut g = c.benchmark_group("assemble_commit/16");
    g.bench_function("a64_jitkit_pooled", |b| {
        b.iter_batched(
            || (),
            |()| {
                let k: u32 = black_box(7);
                let code = a64! {
                    ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k
                    ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k
                    ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k
                    ; add x0, x0, #k ; add x0, x0, #k ; add x0, x0, #k ; ret
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
                let k: u32 = black_box(7);
                let mut ops = dynasmrt::aarch64::Assembler::new().unwrap();
                dynasm!(ops ; .arch aarch64
                    ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k
                    ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k
                    ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k
                    ; add x0, x0, k ; add x0, x0, k ; add x0, x0, k ; ret
                );
                ops.finalize().unwrap()
            },
            BATCH,
        )
    });
    g.finish();
}

#[cfg(target_os = "linux")]
fn free_latency(c: &mut Criterion) {
    let pool = CodePool::new().unwrap();
    let code = code(64);
    let raw = Instruction::slice_as_bytes(&code).to_vec();
    let mut g = c.benchmark_group("free/64B");
    g.bench_function("jitkit_pooled", |b| {
        b.iter_batched(
            || {
                let buf = CodeBuffer::in_pool(&pool);
                buf.commit(&code).unwrap();
                buf
            },
            drop,
            BATCH,
        )
    });
    g.bench_function("jitkit_per_buffer", |b| {
        b.iter_batched(
            || {
                let buf = CodeBuffer::new();
                buf.commit(&code).unwrap();
                buf
            },
            drop,
            BATCH,
        )
    });
    g.bench_function("dynasmrt_executable_buffer", |b| {
        b.iter_batched(|| dynasmrt_mutable(&raw), drop, BATCH)
    });
    g.bench_function("raw_munmap", |b| {
        b.iter_batched(|| raw_commit(&raw), drop, BATCH)
    });
    g.finish();
}

#[cfg(target_os = "linux")]
/// Functions per churn round.
const CHURN: usize = 64;

#[cfg(target_os = "linux")]
/// Churn: commit 64 functions of 64 B, drop them (outside the timing), repeat. One iteration
/// is one commit; the figure to compare is the median per commit. Freed space comes back
/// through recycling, so this measures what a program that keeps replacing a few dozen small
/// functions pays.
fn churn(c: &mut Criterion) {
    use std::time::{Duration, Instant};
    let pool = CodePool::new().unwrap();
    let code = code(64);
    let raw = Instruction::slice_as_bytes(&code).to_vec();
    let mut g = c.benchmark_group("churn/64x64B");
    g.bench_function("jitkit_pooled", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            let mut bufs: Vec<CodeBuffer> = Vec::with_capacity(CHURN);
            while left > 0 {
                let round = left.min(CHURN);
                bufs.extend((0..round).map(|_| CodeBuffer::in_pool(&pool)));
                let start = Instant::now();
                for buf in &bufs {
                    buf.commit(black_box(&code)).unwrap();
                }
                total += start.elapsed();
                bufs.clear();
                left -= round;
            }
            total
        })
    });
    // The other strategies side by side: a per-buffer pool, one commit at a time and a
    // round as one batch (one mmap + one mprotect for 64 functions).
    let per_buffer = CodePool::with_strategy(Strategy::PerBuffer).unwrap();
    g.bench_function("jitkit_per_buffer_pool", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            let mut bufs: Vec<CodeBuffer> = Vec::with_capacity(CHURN);
            while left > 0 {
                let round = left.min(CHURN);
                bufs.extend((0..round).map(|_| CodeBuffer::in_pool(&per_buffer)));
                let start = Instant::now();
                for buf in &bufs {
                    buf.commit(black_box(&code)).unwrap();
                }
                total += start.elapsed();
                bufs.clear();
                left -= round;
            }
            total
        })
    });
    let round_codes = vec![code.clone(); CHURN];
    g.bench_function("jitkit_per_buffer_batch", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            while left > 0 {
                let round = left.min(CHURN);
                let start = Instant::now();
                let bufs = per_buffer
                    .commit_batch(black_box(&round_codes[..round]))
                    .unwrap();
                total += start.elapsed();
                drop(bufs);
                left -= round;
            }
            total
        })
    });
    g.bench_function("dynasmrt_mutable_make_exec", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            let mut bufs = Vec::with_capacity(CHURN);
            while left > 0 {
                let round = left.min(CHURN);
                let start = Instant::now();
                for _ in 0..round {
                    bufs.push(dynasmrt_mutable(black_box(&raw)));
                }
                total += start.elapsed();
                bufs.clear();
                left -= round;
            }
            total
        })
    });
    g.finish();
}

#[cfg(target_os = "linux")]
/// What the symbol registry (`jitkit::symbolize`) adds to a pooled 64 B commit and its drop:
/// the same commit with the registry on and off, side by side.
fn registry_cost(c: &mut Criterion) {
    let pool = CodePool::new().unwrap();
    let code = code(64);
    let mut g = c.benchmark_group("registry/64B_pooled");
    for (name, on) in [
        ("commit_with_registry", true),
        ("commit_without_registry", false),
    ] {
        jitkit::observe::__set_registry(on);
        g.bench_function(name, |b| {
            b.iter_batched(
                || CodeBuffer::in_pool(&pool).named("bench"),
                |buf| {
                    buf.commit(black_box(&code)).unwrap();
                    buf
                },
                BATCH,
            )
        });
    }
    for (name, on) in [
        ("drop_with_registry", true),
        ("drop_without_registry", false),
    ] {
        jitkit::observe::__set_registry(on);
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let buf = CodeBuffer::in_pool(&pool).named("bench");
                    buf.commit(&code).unwrap();
                    buf
                },
                drop,
                BATCH,
            )
        });
    }
    jitkit::observe::__set_registry(true);
    g.finish();
}

#[cfg(target_os = "linux")]
criterion_group! {
    name = benches;
    config = common::short();
    targets = commit_latency, assemble_and_commit, free_latency, churn, registry_cost
}
#[cfg(target_os = "linux")]
criterion_main!(benches);

/// criterion is a Linux-only dev-dependency (see Cargo.toml): elsewhere this bench is empty.
#[cfg(not(target_os = "linux"))]
fn main() {}
