//! x86-64 code runs natively: loops with local and dynamic labels, entry points, calls into
//! Rust through `call_abs`, and four threads committing and calling at once, in buffers of
//! their own and in pools.
#![cfg(target_arch = "x86_64")]

use std::sync::atomic::{AtomicU64, Ordering};

use jitkit::x64::{Assembler, Code};
use jitkit::{dynasm, x64, CodeBuffer, CodePool, ExecPtr, Isa, Strategy};

/// `entry` as a `fn(u64) -> u64`.
fn unary(entry: &ExecPtr<'_>) -> extern "C" fn(u64) -> u64 {
    assert_eq!(entry.isa(), Isa::X64);
    // SAFETY: every caller commits System V code that takes one integer argument in rdi and
    // returns in rax; the pointer is only called while its buffer lives.
    unsafe { entry.as_fn() }
}

/// 1 + 2 + ... + n with local labels, forwards and backwards.
fn sum_to() -> Code {
    x64!(
        ; xor eax, eax
        ; test rdi, rdi
        ; jz >done
        ; top:
        ; add rax, rdi
        ; dec rdi
        ; jnz <top
        ; done:
        ; ret
    )
    .unwrap()
}

#[test]
fn a_loop_with_local_labels_runs() {
    let buf = CodeBuffer::new().named("sum_to");
    let entry = buf.commit(&sum_to()).unwrap();
    let f = unary(&entry);
    for n in [0u64, 1, 2, 10, 1000, 123_456] {
        assert_eq!(f(n), n * (n + 1) / 2, "n = {n}");
    }
}

#[test]
fn dynamic_labels_in_x64_and_in_the_assembler() {
    // n! with labels declared in the header.
    let code = x64! {
        let top, done;
        ; mov eax, 1
        ; =>top
        ; cmp rdi, 1
        ; jbe =>done
        ; imul rax, rdi
        ; dec rdi
        ; jmp =>top
        ; =>done
        ; ret
    }
    .unwrap();
    let buf = CodeBuffer::new();
    let fact = unary(&buf.commit(&code).unwrap());
    assert_eq!(fact(0), 1);
    assert_eq!(fact(5), 120);
    assert_eq!(fact(20), 2_432_902_008_176_640_000);

    // Two entry points and a dynamic label shared between emits: `double` falls into `inc`.
    let mut asm = Assembler::new();
    let inc = asm.new_named_label("inc");
    asm.entry_point("double").unwrap();
    asm.emit(|a| dynasm!(a ; .arch x64 ; add rdi, rdi ; jmp =>inc))
        .unwrap();
    asm.entry_point("inc").unwrap();
    asm.emit(|a| dynasm!(a ; .arch x64 ; =>inc ; lea rax, [rdi + 1] ; ret))
        .unwrap();
    let label_at = asm.label_offset(inc);
    let code = asm.finish().unwrap();
    assert_eq!(code.entry("inc"), label_at);
    let buf = CodeBuffer::new().named("twice");
    buf.commit(&code).unwrap();
    let double = unary(&buf.entry_named("double").unwrap());
    let inc = unary(&buf.entry_named("inc").unwrap());
    assert_eq!(double(20), 41);
    assert_eq!(inc(41), 42);
}

#[test]
fn load_imm64_loads_every_width() {
    for (reg, value) in [
        (dynasmrt::x64::Rq::RAX, 0u64),
        (dynasmrt::x64::Rq::RAX, u64::MAX),
        (dynasmrt::x64::Rq::R11, 0x0123_4567_89AB_CDEF),
        (dynasmrt::x64::Rq::RCX, 1 << 63),
    ] {
        let mut asm = Assembler::new();
        asm.load_imm64(reg, value);
        let r = reg as u8;
        asm.emit(|a| dynasm!(a ; .arch x64 ; mov rax, Rq(r) ; ret))
            .unwrap();
        let buf = CodeBuffer::new();
        let f = unary(&buf.commit(&asm.finish().unwrap()).unwrap());
        assert_eq!(f(7), value, "{reg:?}");
    }
}

static CALLS: AtomicU64 = AtomicU64::new(0);

extern "C" fn add_seven(x: u64) -> u64 {
    CALLS.fetch_add(1, Ordering::Relaxed);
    x + 7
}

#[test]
fn code_calls_back_into_rust_in_a_loop() {
    // f(n) = n applications of add_seven to 0, with the count kept in callee-saved rbx and the
    // stack 16-byte aligned at each call (the prologue's push rbp, then push rbx and one slot).
    let mut asm = Assembler::new();
    asm.prologue(0).unwrap();
    asm.emit(|a| {
        dynasm!(a ; .arch x64
            ; push rbx
            ; sub rsp, 8
            ; mov rbx, rdi
            ; xor edi, edi
            ; test rbx, rbx
            ; jz >done
            ; again:
        )
    })
    .unwrap();
    asm.call_abs(add_seven as extern "C" fn(u64) -> u64 as usize);
    asm.emit(|a| {
        dynasm!(a ; .arch x64
            ; mov rdi, rax
            ; dec rbx
            ; jnz <again
            ; done:
            ; mov rax, rdi
            ; add rsp, 8
            ; pop rbx
        )
    })
    .unwrap();
    asm.epilogue();
    let buf = CodeBuffer::new().named("callback");
    let f = unary(&buf.commit(&asm.finish().unwrap()).unwrap());
    let before = CALLS.load(Ordering::Relaxed);
    assert_eq!(f(0), 0);
    assert_eq!(f(6), 42);
    assert_eq!(f(1000), 7000);
    assert_eq!(CALLS.load(Ordering::Relaxed) - before, 1006);
}

#[test]
fn four_threads_commit_and_call_concurrently() {
    const ROUNDS: u64 = 300;
    let pools = [
        CodePool::new().unwrap(),
        CodePool::with_strategy(Strategy::PerBuffer).unwrap(),
    ];
    let sum = sum_to();
    let shared = CodeBuffer::in_pool(&pools[0]).named("shared_sum");
    let shared_entry = shared.commit(&sum).unwrap();
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let pools = &pools;
            let shared_entry = &shared_entry;
            s.spawn(move || {
                let mut kept = Vec::new();
                for i in 0..ROUNDS {
                    let k = (t * 1_000_000 + i) as i32;
                    let code = x64!(; lea rax, [rdi + k] ; ret).unwrap();
                    let buf = match i % 3 {
                        0 => CodeBuffer::new(),
                        1 => CodeBuffer::in_pool(&pools[0]),
                        _ => CodeBuffer::in_pool(&pools[1]),
                    };
                    let f = unary(&buf.commit(&code).unwrap());
                    assert_eq!(f(i), i + k as u64, "thread {t} round {i}");
                    // Every thread also calls the one function committed before they started.
                    assert_eq!(unary(shared_entry)(i), i * (i + 1) / 2);
                    // Keep some alive for a while, so that frees interleave with commits.
                    kept.push(buf);
                    if kept.len() > 16 {
                        kept.remove((i as usize * 7) % kept.len());
                    }
                }
            });
        }
    });
    drop(shared);
    for pool in &pools {
        pool.recycle().unwrap();
        assert_eq!(pool.stats().live_functions, 0, "{:?}", pool.stats());
    }
}
