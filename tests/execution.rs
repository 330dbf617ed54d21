//! Committed code runs and computes what its instructions say: arithmetic, loops over every kind
//! of label, memory through pointer arguments, floating point, calls back into Rust, 64-bit
//! constants from `load_imm64`, named entry points, and the seed's raw-word example.
//!
//! Everything that executes JIT code is AArch64-only; on other hosts this file checks only
//! that the code assembles and commits.

mod common;

use common::XorShift;
use jitkit::aarch64::RX;
use jitkit::{a64, dynasm, Assembler, CodeBuffer, DynasmApi, Instruction};

/// Commits `code` and, on AArch64, hands its entry to `call` as a typed function pointer.
/// Elsewhere the code is only committed (and its length checked).
fn with_fn<F: jitkit::FnPtr>(code: &[Instruction], call: impl FnOnce(F)) {
    let buf = CodeBuffer::new();
    let entry = buf.commit(code).expect("commit");
    assert_eq!(entry.len(), 4 * code.len());
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: every caller passes an `extern "C"` fn type matching the code it assembled,
        // and `buf` outlives the call.
        let f: F = unsafe { entry.as_fn() };
        call(f);
    }
    #[cfg(not(target_arch = "aarch64"))]
    drop(call);
}

type Fn1 = extern "C" fn(u64) -> u64;
type Fn2 = extern "C" fn(u64, u64) -> u64;

fn values(seed: u64, n: usize) -> Vec<u64> {
    let mut rng = XorShift(seed);
    let mut v = vec![
        0,
        1,
        2,
        3,
        7,
        u64::MAX,
        u64::MAX - 1,
        1 << 63,
        (1 << 63) - 1,
    ];
    v.extend((0..n).map(|i| {
        let r = rng.next_u64();
        if i % 3 == 0 {
            r & 0xFFFF
        } else {
            r
        }
    }));
    v
}

#[test]
fn seed_example_from_raw_words_returns_zero() {
    let code = [Instruction::new(0xD2800000), Instruction::new(0xD65F03C0)]; // mov x0, #0; ret
    let buf = CodeBuffer::new();
    let entry = buf.commit(&code).unwrap();
    assert_eq!(
        entry.bytes(),
        [0x00, 0x00, 0x80, 0xD2, 0xC0, 0x03, 0x5F, 0xD6]
    );
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: `mov x0, #0; ret` is a valid fn(u64) -> u64 that ignores its argument.
        let f: Fn1 = unsafe { entry.as_fn() };
        assert_eq!(f(12345), 0);
    }
}

// dynasm expands a dynamic register `X(reg)` to `u8::from(reg)`.
#[allow(clippy::useless_conversion)]
#[test]
fn arithmetic_matches_rust() {
    let k: u32 = 40;
    let sh: u32 = 5;
    let reg: u8 = 9;
    let mix = a64! {
        ; add x2, x0, x1              // a + b
        ; add x2, x2, #k              // + k
        ; lsl x3, x1, #sh            // b << sh
        ; eor x2, x2, x3
        ; mov X(reg), #3
        ; mul x2, x2, X(reg)          // * 3
        ; sub x2, x2, x0, lsr #2      // - (a >> 2)
        ; orr x3, x0, #0xff00
        ; and x3, x3, x1
        ; madd x0, x3, x1, x2         // + (a | 0xff00) & b) * b
        ; ret
    }
    .unwrap();
    let divide = a64! {
        ; cbz x1, >zero
        ; udiv x2, x0, x1
        ; msub x3, x2, x1, x0         // a % b
        ; sdiv x4, x0, x1             // signed quotient
        ; eor x0, x2, x4, ror #17
        ; add x0, x0, x3
        ; ret
        ; zero:
        ; movn x0, #0
        ; ret
    }
    .unwrap();
    let select = a64! {
        ; cmp x0, x1
        ; csel x2, x0, x1, lo         // min (unsigned)
        ; cset x3, lt                 // signed a < b
        ; cneg x4, x0, ge             // -a if signed a >= b
        ; add x0, x2, x3
        ; add x0, x0, x4
        ; ret
    }
    .unwrap();
    let bits = a64! {
        ; clz x2, x0
        ; rbit x3, x1
        ; rev x4, x0
        ; ubfx x5, x1, #8, #12
        ; sbfx x6, x0, #60, #4
        ; add x0, x2, x3
        ; eor x0, x0, x4
        ; add x0, x0, x5
        ; add x0, x0, x6
        ; ret
    }
    .unwrap();

    let mix_rs = |a: u64, b: u64| {
        let x = (a.wrapping_add(b).wrapping_add(40) ^ (b << 5))
            .wrapping_mul(3)
            .wrapping_sub(a >> 2);
        ((a | 0xff00) & b).wrapping_mul(b).wrapping_add(x)
    };
    let divide_rs = |a: u64, b: u64| {
        if b == 0 {
            return u64::MAX;
        }
        let q = a / b;
        // A64's sdiv: truncating, and i64::MIN / -1 gives i64::MIN.
        let s = (a as i64).wrapping_div(b as i64) as u64;
        (q ^ s.rotate_right(17)).wrapping_add(a % b)
    };
    let select_rs = |a: u64, b: u64| {
        let min = a.min(b);
        let lt = ((a as i64) < (b as i64)) as u64;
        let neg = if (a as i64) >= (b as i64) {
            a.wrapping_neg()
        } else {
            a
        };
        min.wrapping_add(lt).wrapping_add(neg)
    };
    let bits_rs = |a: u64, b: u64| {
        let sbfx = ((a as i64) >> 60) as u64;
        (u64::from(a.leading_zeros()).wrapping_add(b.reverse_bits()) ^ a.swap_bytes())
            .wrapping_add((b >> 8) & 0xFFF)
            .wrapping_add(sbfx)
    };

    type Case<'a> = (&'a str, &'a [Instruction], &'a dyn Fn(u64, u64) -> u64);
    let cases: [Case; 4] = [
        ("mix", &mix, &mix_rs),
        ("divide", &divide, &divide_rs),
        ("select", &select, &select_rs),
        ("bits", &bits, &bits_rs),
    ];
    for (name, code, expect) in cases {
        with_fn(code, |f: Fn2| {
            for (i, &a) in values(1, 200).iter().enumerate() {
                for &b in &values(a | 1, 3)[i % 9..] {
                    assert_eq!(f(a, b), expect(a, b), "{name}({a:#x}, {b:#x})");
                }
            }
        });
    }
}

#[test]
fn loops_with_local_global_and_dynamic_labels() {
    // Sum 1..=n with a local label.
    let sum = a64! {
        ; mov x1, x0
        ; mov x0, xzr
        ; cbz x1, >done
        ; top:
        ; add x0, x0, x1
        ; subs x1, x1, #1
        ; b.ne <top
        ; done:
        ; ret
    }
    .unwrap();
    // Euclid's gcd with global labels.
    let gcd = a64! {
        ; ->gcd_loop:
        ; cbz x1, ->gcd_done
        ; udiv x2, x0, x1
        ; msub x2, x2, x1, x0
        ; mov x0, x1
        ; mov x1, x2
        ; b ->gcd_loop
        ; ->gcd_done:
        ; ret
    }
    .unwrap();
    // Population count, bit by bit, with dynamic labels from the a64! header.
    let popcount = a64! {
        let again, out;
        ; mov x1, xzr
        ; =>again
        ; cbz x0, =>out
        ; tbz x0, #0, >skip
        ; add x1, x1, #1
        ; skip:
        ; lsr x0, x0, #1
        ; b =>again
        ; =>out
        ; mov x0, x1
        ; ret
    }
    .unwrap();
    // Collatz steps, with dynamic labels made by an Assembler.
    let mut asm = Assembler::new();
    let (top, odd, end) = (
        asm.new_dynamic_label(),
        asm.new_dynamic_label(),
        asm.new_dynamic_label(),
    );
    dynasm!(asm ; .arch aarch64
        ; mov x1, xzr
        ; =>top
        ; cmp x0, #1
        ; b.ls =>end
        ; add x1, x1, #1
        ; tbnz x0, #0, =>odd
        ; lsr x0, x0, #1
        ; b =>top
        ; =>odd
        ; add x2, x0, x0, lsl #1
        ; add x0, x2, #1
        ; b =>top
        ; =>end
        ; mov x0, x1
        ; ret
    );
    assert_eq!(asm.label_offset(top), Some(4));
    let collatz = asm.finish().unwrap().instructions;

    let collatz_rs = |mut n: u64| {
        let mut steps = 0;
        while n > 1 {
            n = if n % 2 == 1 { 3 * n + 1 } else { n / 2 };
            steps += 1;
        }
        steps
    };
    with_fn(&sum, |f: Fn1| {
        for n in [0u64, 1, 2, 10, 1000, 65_535] {
            assert_eq!(f(n), n * (n + 1) / 2, "sum({n})");
        }
    });
    with_fn(&gcd, |f: Fn2| {
        fn gcd_rs(a: u64, b: u64) -> u64 {
            if b == 0 {
                a
            } else {
                gcd_rs(b, a % b)
            }
        }
        for (a, b) in [
            (12, 18),
            (17, 5),
            (0, 9),
            (9, 0),
            (1 << 40, 6 << 20),
            (u64::MAX, 255),
        ] {
            assert_eq!(f(a, b), gcd_rs(a, b), "gcd({a}, {b})");
        }
    });
    with_fn(&popcount, |f: Fn1| {
        for v in values(7, 100) {
            assert_eq!(f(v), u64::from(v.count_ones()), "popcount({v:#x})");
        }
    });
    with_fn(&collatz, |f: Fn1| {
        for n in [1u64, 2, 3, 7, 27, 97, 871] {
            assert_eq!(f(n), collatz_rs(n), "collatz({n})");
        }
    });
}

#[test]
fn loads_and_stores_through_pointer_arguments() {
    // x0 = &[u64], x1 = len: sum with post-index loads.
    let sum_post = a64! {
        ; mov x2, xzr
        ; cbz x1, >done
        ; next:
        ; ldr x3, [x0], #8
        ; add x2, x2, x3
        ; subs x1, x1, #1
        ; b.ne <next
        ; done:
        ; mov x0, x2
        ; ret
    }
    .unwrap();
    // Same sum with register-offset loads, scaled by lsl #3.
    let sum_indexed = a64! {
        ; mov x2, xzr
        ; mov x4, xzr
        ; b >test
        ; next:
        ; ldr x3, [x0, x4, lsl #3]
        ; add x2, x2, x3
        ; add x4, x4, #1
        ; test:
        ; cmp x4, x1
        ; b.lo <next
        ; mov x0, x2
        ; ret
    }
    .unwrap();
    // x0 = src: &[u64; 4], x1 = dst: &mut [u64; 6]; exercises unsigned offsets, pre-index,
    // pairs, byte/half/word sizes, sign extension, unscaled negative offsets and an extended
    // 32-bit index.
    let shuffle = a64! {
        ; ldp x2, x3, [x0]             // src[0], src[1]
        ; stp x3, x2, [x1]             // dst[0] = src[1], dst[1] = src[0]
        ; ldr x4, [x0, #24]            // src[3]
        ; str x4, [x1, #16]!           // pre-index: x1 = &dst[2]; dst[2] = src[3]
        ; ldrb w5, [x0, #17]           // byte 1 of src[2]
        ; ldrh w6, [x0, #18]           // half 1 of src[2]
        ; add w5, w5, w6
        ; strh w5, [x1, #8]            // low half of dst[3]
        ; ldrsw x7, [x0, #20]          // high word of src[2], sign-extended
        ; stur x7, [x1, #16]           // dst[4]
        ; mov w8, #2
        ; ldr x9, [x0, w8, uxtw #3]    // src[2]
        ; ldur x10, [x1, #-8]          // dst[1] back
        ; add x9, x9, x10
        ; str x9, [x1, #24]            // dst[5]
        ; ret
    }
    .unwrap();

    let data: Vec<u64> = values(3, 50);
    let expected_sum = data.iter().fold(0u64, |s, &v| s.wrapping_add(v));
    let src: [u64; 4] = [
        0x1111_2222_3333_4444,
        0x5555_6666_7777_8888,
        0x8765_4321_ABCD_EF01,
        0x0123_4567_89AB_CDEF,
    ];
    type SumFn = extern "C" fn(*const u64, usize) -> u64;
    for code in [&sum_post, &sum_indexed] {
        with_fn(code, |f: SumFn| {
            assert_eq!(f(data.as_ptr(), data.len()), expected_sum);
            assert_eq!(f(data.as_ptr(), 0), 0);
            assert_eq!(f(data[7..].as_ptr(), 1), data[7]);
        });
    }
    with_fn(&shuffle, |f: extern "C" fn(*const u64, *mut u64)| {
        let mut dst = [0xAAAA_AAAA_AAAA_AAAAu64; 6];
        f(src.as_ptr(), dst.as_mut_ptr());
        let b1 = (src[2] >> 8) & 0xFF;
        let h1 = (src[2] >> 16) & 0xFFFF;
        let low_half = (b1 + h1) & 0xFFFF;
        let expected = [
            src[1],
            src[0],
            src[3],
            (0xAAAA_AAAA_AAAA_AAAA & !0xFFFF) | low_half,
            ((src[2] >> 32) as u32 as i32 as i64) as u64,
            src[2].wrapping_add(src[0]),
        ];
        assert_eq!(dst, expected);
    });
}

#[test]
fn floating_point_with_d_registers() {
    // f(a, b, c) = sqrt(|a * b + c|) / (b - 0.5), then x0 = trunc(result) as i64, and a
    // comparison with fcsel: returns max(a, b) in d0 and the integer in x0.
    let poly = a64! {
        ; fmadd d3, d0, d1, d2        // a * b + c, fused
        ; fabs d3, d3
        ; fsqrt d3, d3
        ; fmov d4, #0.5
        ; fsub d5, d1, d4
        ; fdiv d0, d3, d5
        ; ret
    }
    .unwrap();
    let convert = a64! {
        ; scvtf d1, x0                // i64 -> f64
        ; fmov d2, #2.5
        ; fmul d1, d1, d2
        ; fcvtzs x0, d1               // truncate back
        ; fcvt s3, d1                 // to single precision
        ; fcvt d0, s3                 // and back
        ; ret
    }
    .unwrap();
    let max = a64! {
        ; fcmp d0, d1
        ; fcsel d0, d0, d1, gt
        ; fneg d2, d0
        ; fmov x0, d2                 // raw bits of -max
        ; ret
    }
    .unwrap();
    with_fn(&poly, |f: extern "C" fn(f64, f64, f64) -> f64| {
        for (a, b, c) in [
            (1.5f64, 2.0, 3.0),
            (-7.25, 0.75, 1e-3),
            (1e10, -3.5, 2.0),
            (0.1, 0.2, 0.3),
        ] {
            let want = a.mul_add(b, c).abs().sqrt() / (b - 0.5);
            assert_eq!(f(a, b, c).to_bits(), want.to_bits(), "poly({a}, {b}, {c})");
        }
    });
    with_fn(&convert, |f: extern "C" fn(i64) -> u64| {
        for n in [0i64, 1, -1, 7, -123_456_789, 1 << 40] {
            let x = n as f64 * 2.5;
            assert_eq!(f(n), x as i64 as u64, "convert({n})");
        }
    });
    with_fn(&convert, |f: extern "C" fn(i64) -> f64| {
        for n in [3i64, -1_000_001, 16_777_217] {
            assert_eq!(f(n), (n as f64 * 2.5) as f32 as f64, "round trip({n})");
        }
    });
    with_fn(&max, |f: extern "C" fn(f64, f64) -> u64| {
        for (a, b) in [(1.0f64, 2.0), (2.0, 1.0), (-0.5, -0.25), (3.0, 3.0)] {
            let m: f64 = if a > b { a } else { b };
            assert_eq!(f(a, b), (-m).to_bits(), "max({a}, {b})");
        }
    });
}

/// The Rust side of `call_abs`: functions the JIT code calls, counting calls and checking the
/// stack pointer's alignment on entry.
mod callback {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    pub static CALLS: AtomicU64 = AtomicU64::new(0);
    pub static MISALIGNED: AtomicBool = AtomicBool::new(false);

    fn check_stack() {
        #[cfg(target_arch = "aarch64")]
        {
            let sp: usize;
            // SAFETY: copies the stack pointer into a register; no memory is touched.
            unsafe { std::arch::asm!("mov {}, sp", out(reg) sp) };
            if !sp.is_multiple_of(16) {
                MISALIGNED.store(true, Ordering::SeqCst);
            }
        }
    }

    pub extern "C" fn scramble(x: u64) -> u64 {
        check_stack();
        CALLS.fetch_add(1, Ordering::SeqCst);
        x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x55
    }

    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn eight(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: f64) -> u64 {
        check_stack();
        CALLS.fetch_add(1, Ordering::SeqCst);
        a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + h as u64
    }
}

#[test]
fn call_abs_calls_back_into_rust() {
    use callback::{eight, scramble, CALLS, MISALIGNED};
    use std::sync::atomic::Ordering;

    // f(x) = scramble(x) + scramble(x + 1) + x, keeping x in callee-saved registers across the
    // calls; a frame record (x29, x30) and 16-byte stack alignment as AAPCS64 asks.
    let mut asm = Assembler::new();
    dynasm!(asm ; .arch aarch64
        ; stp x29, x30, [sp, #-32]!
        ; mov x29, sp
        ; stp x19, x20, [sp, #16]
        ; mov x19, x0
    );
    asm.call_abs(scramble as extern "C" fn(u64) -> u64 as usize);
    dynasm!(asm ; .arch aarch64
        ; mov x20, x0
        ; add x0, x19, #1
    );
    asm.call_abs(scramble as extern "C" fn(u64) -> u64 as usize);
    dynasm!(asm ; .arch aarch64
        ; add x0, x0, x20
        ; add x0, x0, x19
        ; ldp x19, x20, [sp, #16]
        ; ldp x29, x30, [sp], #32
        ; ret
    );
    let twice = asm.finish().unwrap().instructions;
    // The call sequence ends in `blr x16`.
    assert!(twice.iter().any(|i| i.word() == 0xD63F_0200));

    // All eight argument registers and a d-register pass through unchanged.
    let mut asm = Assembler::new();
    dynasm!(asm ; .arch aarch64
        ; stp x29, x30, [sp, #-16]!
        ; mov x29, sp
        ; mov x1, #2 ; mov x2, #3 ; mov x3, #4 ; mov x4, #5 ; mov x5, #6 ; mov x6, #7
        ; fmov d0, #8.0
    );
    asm.call_abs(eight as extern "C" fn(u64, u64, u64, u64, u64, u64, u64, f64) -> u64 as usize);
    dynasm!(asm ; .arch aarch64
        ; ldp x29, x30, [sp], #16
        ; ret
    );
    let args = asm.finish().unwrap().instructions;
    let s = |x: u64| x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x55;
    let before = CALLS.load(Ordering::SeqCst);
    with_fn(&twice, |f: Fn1| {
        for x in values(11, 20) {
            assert_eq!(
                f(x),
                s(x).wrapping_add(s(x.wrapping_add(1))).wrapping_add(x),
                "f({x:#x})"
            );
        }
    });
    with_fn(&args, |f: Fn1| {
        for a in [0u64, 1, 1000] {
            assert_eq!(f(a), a + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * 7 + 8);
        }
    });
    let calls = if cfg!(target_arch = "aarch64") {
        2 * 29 + 3
    } else {
        0
    };
    assert_eq!(CALLS.load(Ordering::SeqCst) - before, calls);
    assert!(
        !MISALIGNED.load(Ordering::SeqCst),
        "sp was not 16-byte aligned in a callback"
    );
}

/// At least 1,000 pseudo-random values, plus the shapes with short sequences, each built in a
/// rotating caller-saved register and checked by running it.
/// `x0`–`x17`: the registers a function may clobber.
const SCRATCH: [RX; 18] = [
    RX::X0,
    RX::X1,
    RX::X2,
    RX::X3,
    RX::X4,
    RX::X5,
    RX::X6,
    RX::X7,
    RX::X8,
    RX::X9,
    RX::X10,
    RX::X11,
    RX::X12,
    RX::X13,
    RX::X14,
    RX::X15,
    RX::X16,
    RX::X17,
];

#[test]
fn load_imm64_builds_every_value_it_is_given() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut vals: Vec<u64> = vec![
        0,
        1,
        u64::MAX,
        1 << 63,
        0xFFFF,
        0xFFFF_0000_0000_0000,
        0x5555_5555_5555_5555,
        0x0F0F_0F0F_0F0F_0F0F,
        0x0000_FFFF_0000_FFFF,
        0xFFFF_FFFF_FFFF_1234,
        0x1234_5678_9ABC_DEF0,
    ];
    for i in 0..1200 {
        let r = rng.next_u64();
        vals.push(match i % 6 {
            0 | 1 => r,
            2 => r & 0x0000_FFFF_FFFF_0000,
            3 => r | 0xFFFF_0000_FFFF_0000,
            4 => r & 0xFFFF,
            _ => 0x5555_5555_5555_5555 ^ (r & 0xFFFF_0000), // a bitmask with one piece patched
        });
    }
    assert!(vals.len() >= 1000);

    for (i, &v) in vals.iter().enumerate() {
        // x0..=x17: registers the function may clobber.
        let reg = SCRATCH[i % SCRATCH.len()];
        let mut asm = Assembler::new();
        asm.load_imm64(reg, v);
        let built = asm.offset().0 / 4;
        assert!((1..=4).contains(&built), "{v:#x}: {built} instructions");
        dynasm!(asm ; .arch aarch64 ; mov x0, X(reg) ; ret);
        let code = asm.finish().unwrap().instructions;
        with_fn(&code, |f: extern "C" fn() -> u64| {
            assert_eq!(f(), v, "load_imm64({reg:?}, {v:#x}): {code:?}");
        });
    }
}

#[test]
fn entry_points_name_functions_inside_one_commit() {
    let mut asm = Assembler::new();
    asm.entry_point("double").unwrap();
    dynasm!(asm ; .arch aarch64 ; add x0, x0, x0 ; ret);
    asm.entry_point("square").unwrap();
    dynasm!(asm ; .arch aarch64 ; mul x0, x0, x0 ; ret);
    let shared = asm.new_dynamic_label();
    asm.entry_point("answer").unwrap();
    dynasm!(asm ; .arch aarch64 ; mov x0, #40 ; b =>shared ; nop ; =>shared ; add x0, x0, #2 ; ret);
    let code = asm.finish().unwrap();
    assert_eq!(code.entry("double"), Some(0));
    assert_eq!(code.entry("square"), Some(8));
    assert_eq!(code.entry("answer"), Some(16));
    assert_eq!(code.entry("missing"), None);

    let buf = CodeBuffer::new();
    let base = buf.commit(&code.instructions).unwrap();
    let square = base.at(code.entry("square").unwrap()).unwrap();
    assert_eq!(square.offset(), 8);
    assert_eq!(square.as_ptr() as usize, base.as_ptr() as usize + 8);
    assert_eq!(square.len(), base.len() - 8);
    assert_eq!(&square.bytes()[..4], code.instructions[2].to_le_bytes());
    #[cfg(target_arch = "aarch64")]
    {
        let call = |name: &str, x: u64| {
            let entry = base.at(code.entry(name).unwrap()).unwrap();
            // SAFETY: every entry is a fn(u64) -> u64 ending in ret; buf outlives the call.
            let f: Fn1 = unsafe { entry.as_fn() };
            f(x)
        };
        assert_eq!(call("double", 21), 42);
        assert_eq!(call("square", 12), 144);
        assert_eq!(call("answer", 0), 42);
        assert_eq!(call("double", 1 << 62), 1 << 63);
    }
}
