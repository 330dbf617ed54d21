//! The meaning of the word operators, in one place.
//!
//! The interpreter and constant folding call [`binary`]; the code generator emits instruction
//! sequences with exactly these results (its tests compare the two):
//! - `+ - *` wrap around on overflow (two's complement), as the hardware does;
//! - `/` and `MOD` truncate toward zero (`-7 / 2 = -3`, `-7 MOD 2 = -1`), and
//!   `minint / -1 = minint`, `minint MOD -1 = 0` (what `SDIV`/`MSUB` give); a zero divisor is
//!   the caller's runtime error (`None` here);
//! - `<<` and `>>` are logical shifts. A negative count shifts the other way (`x << -3` is
//!   `x >> 3`), and a count of 64 or more either way gives 0. That is what Cintcode's
//!   interpreter does (`cinterp.c`, cases `F_lsh` and `F_rsh`), and its compiler folds
//!   constants with the same operators. The hardware would take the count modulo 64; the
//!   generated code checks the count.

use super::ast::BinOp;

/// BCPL's truth values, which relations and the library's predicates give: `TRUE` is -1
/// (every bit set), `FALSE` 0.
pub fn truth(b: bool) -> i64 {
    -i64::from(b)
}

/// `a op b`, or `None` for a division or MOD by zero.
pub fn binary(op: BinOp, a: i64, b: i64) -> Option<i64> {
    Some(match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::Div => {
            if b == 0 {
                return None;
            }
            a.wrapping_div(b)
        }
        BinOp::Mod => {
            if b == 0 {
                return None;
            }
            a.wrapping_rem(b)
        }
        BinOp::Shl => shift(a, b, true),
        BinOp::Shr => shift(a, b, false),
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Eqv => !(a ^ b),
    })
}

/// `a << b` (`left`) or `a >> b`, with the rules above.
fn shift(a: i64, b: i64, left: bool) -> i64 {
    match shift_count(b, left) {
        Some((true, n)) => ((a as u64) << n) as i64,
        Some((false, n)) => ((a as u64) >> n) as i64,
        None => 0,
    }
}

/// How a shift by `count` (`<<` when `left`) moves a word: `(to the left, by n)` with `n` in
/// 0..64, or `None` when the count's size is 64 or more and the result is 0. The code
/// generators use it for constant counts.
pub fn shift_count(count: i64, left: bool) -> Option<(bool, u32)> {
    let n = u32::try_from(count.unsigned_abs())
        .ok()
        .filter(|&n| n < 64)?;
    Some((left == (count >= 0), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_truncates_toward_zero() {
        assert_eq!(binary(BinOp::Div, -7, 2), Some(-3));
        assert_eq!(binary(BinOp::Mod, -7, 2), Some(-1));
        assert_eq!(binary(BinOp::Div, 7, -2), Some(-3));
        assert_eq!(binary(BinOp::Mod, 7, -2), Some(1));
        assert_eq!(binary(BinOp::Div, i64::MIN, -1), Some(i64::MIN));
        assert_eq!(binary(BinOp::Mod, i64::MIN, -1), Some(0));
        assert_eq!(binary(BinOp::Mod, 1, 0), None);
    }

    #[test]
    fn shifts_are_logical_go_the_other_way_when_negative_and_saturate_to_zero() {
        assert_eq!(binary(BinOp::Shr, -1, 60), Some(15));
        assert_eq!(binary(BinOp::Shl, 1, 63), Some(i64::MIN));
        assert_eq!(binary(BinOp::Shl, 1, 64), Some(0));
        assert_eq!(binary(BinOp::Shr, -1, 64), Some(0));
        // Cintcode's xcmpltest: -5 << -5 and -5 >> -5.
        assert_eq!(binary(BinOp::Shl, -5, -5), Some(0x07FF_FFFF_FFFF_FFFF));
        assert_eq!(binary(BinOp::Shr, -5, -5), Some(-160));
        assert_eq!(binary(BinOp::Shr, 1, -63), Some(i64::MIN));
        assert_eq!(binary(BinOp::Shl, -1, -64), Some(0));
        assert_eq!(binary(BinOp::Shl, -1, i64::MIN), Some(0));
        assert_eq!(binary(BinOp::Shr, -1, i64::MAX), Some(0));
    }
}
