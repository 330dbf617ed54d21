//! Loops: labels resolved inside one `a64!` block.
//!
//! `sum_to` uses dynamic labels, declared in the block's header (`let top, done;`) and placed
//! with `=>top`; `gcd` uses local labels (`top:`), referenced backwards with `<top` and forwards
//! with `>done`. Either way the branch offsets are filled in when the block is assembled, and
//! the listing shows where each branch lands.

use jitkit::{a64, CodeBuffer};

use super::{show, Outcome};

pub fn run() -> Outcome {
    // sum_to(n) = n + (n - 1) + ... + 1
    let sum_to = a64! {
        let top, done;
        ; mov x1, x0
        ; mov x0, xzr
        ; =>top
        ; cbz x1, =>done
        ; add x0, x0, x1
        ; sub x1, x1, #1
        ; b =>top
        ; =>done
        ; ret
    }?;
    let buf = CodeBuffer::new().named("sum_to");
    let entry = buf.commit(&sum_to)?;
    show::listing("sum_to", &entry);
    // SAFETY: `sum_to` takes n in x0 and returns the sum in x0 (AAPCS64, no stack use);
    // `buf` outlives every call.
    let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
    for n in [0u64, 1, 10, 100_000] {
        show::check(&format!("sum_to({n})"), n * (n + 1) / 2, || f(n))?;
    }

    // gcd(a, b) by Euclid: while b != 0 { (a, b) = (b, a % b) }
    let gcd = a64! {
        ; top:
        ; cbz x1, >done
        ; udiv x2, x0, x1
        ; msub x2, x2, x1, x0
        ; mov x0, x1
        ; mov x1, x2
        ; b <top
        ; done:
        ; ret
    }?;
    let buf = CodeBuffer::new().named("gcd");
    let entry = buf.commit(&gcd)?;
    show::listing("gcd", &entry);
    // SAFETY: `gcd` takes a, b in x0, x1 and returns in x0 (AAPCS64, x2 is a scratch register);
    // `buf` outlives every call.
    let f: extern "C" fn(u64, u64) -> u64 = unsafe { entry.as_fn() };
    for (a, b) in [
        (12u64, 18u64),
        (1071, 462),
        (17, 5),
        (0, 9),
        (1 << 40, 1 << 20),
    ] {
        show::check(&format!("gcd({a}, {b})"), rust_gcd(a, b), || f(a, b))?;
    }
    Ok(())
}

fn rust_gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
