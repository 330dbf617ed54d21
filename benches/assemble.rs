//! Assembling the same 16 instructions: `a64!` → `Vec<Instruction>` against dynasmrt's raw
//! `VecAssembler` → `Vec<u8>`, the least a dynasm user can do.
//!
//! ```text
//! cargo bench --bench assemble
//! ```

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
use std::hint::black_box;

#[cfg(target_os = "linux")]
use criterion::{criterion_group, criterion_main, Criterion};
#[cfg(target_os = "linux")]
use dynasmrt::aarch64::Aarch64Relocation;
#[cfg(target_os = "linux")]
use dynasmrt::{dynasm, DynasmApi, VecAssembler};
#[cfg(target_os = "linux")]
use jitkit::a64;

#[cfg(target_os = "linux")]
fn sixteen(c: &mut Criterion) {
    let mut g = c.benchmark_group("assemble/16");
    g.bench_function("a64", |b| {
        b.iter(|| {
            let k: u32 = black_box(40);
            a64! {
                ; mov x9, x0
                ; add x0, x0, #k
                ; sub x1, x1, #2
                ; lsl x2, x0, #3
                ; orr x3, x1, x2
                ; and x4, x3, #0xff
                ; eor x5, x4, x0
                ; mul x6, x5, x1
                ; cmp x6, x2
                ; csel x0, x6, x2, lt
                ; ldr x7, [x1, #8]
                ; str x7, [x2, #16]
                ; add x0, x0, x7
                ; madd x0, x0, x1, x2
                ; neg x1, x0
                ; ret
            }
            .unwrap()
        })
    });
    g.bench_function("dynasmrt_vec_assembler", |b| {
        b.iter(|| {
            let k: u32 = black_box(40);
            let mut ops = VecAssembler::<Aarch64Relocation>::new(0);
            dynasm!(ops ; .arch aarch64
                ; mov x9, x0
                ; add x0, x0, k
                ; sub x1, x1, 2
                ; lsl x2, x0, 3
                ; orr x3, x1, x2
                ; and x4, x3, 0xff
                ; eor x5, x4, x0
                ; mul x6, x5, x1
                ; cmp x6, x2
                ; csel x0, x6, x2, lt
                ; ldr x7, [x1, 8]
                ; str x7, [x2, 16]
                ; add x0, x0, x7
                ; madd x0, x0, x1, x2
                ; neg x1, x0
                ; ret
            );
            ops.finalize().unwrap()
        })
    });
    g.finish();
}

#[cfg(target_os = "linux")]
criterion_group! {
    name = benches;
    config = common::short();
    targets = sixteen
}
#[cfg(target_os = "linux")]
criterion_main!(benches);

/// criterion is a Linux-only dev-dependency (see Cargo.toml): elsewhere this bench is empty.
#[cfg(not(target_os = "linux"))]
fn main() {}
