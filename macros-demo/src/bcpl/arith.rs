//! The meaning of the word operators, in one place.
//!
//! The interpreter and constant folding call [`binary`]; the code generator emits instruction
//! sequences with exactly these results (its tests compare the two):
//! - `+ - *` wrap around on overflow (two's complement), as the hardware does;
//! - `/` and `MOD` truncate toward zero (`-7 / 2 = -3`, `-7 MOD 2 = -1`), and
//!   `minint / -1 = minint`, `minint MOD -1 = 0` (what `SDIV`/`MSUB` give); a zero divisor is
//!   the caller's runtime error (`None` here);
//! - `<<` and `>>` are logical shifts, and shifting by 64 or more (or by a negative amount,
//!   which as an unsigned count is huge) gives 0. The hardware would take the count modulo 64;
//!   the generated code checks the count.

use super::ast::BinOp;

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
        BinOp::Shl => shift(a, b, |x, n| x << n),
        BinOp::Shr => shift(a, b, |x, n| x >> n),
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Eqv => !(a ^ b),
    })
}

fn shift(a: i64, b: i64, f: fn(u64, u32) -> u64) -> i64 {
    match u32::try_from(b) {
        Ok(n) if n < 64 => f(a as u64, n) as i64,
        _ => 0,
    }
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
    fn shifts_are_logical_and_saturate_to_zero() {
        assert_eq!(binary(BinOp::Shr, -1, 60), Some(15));
        assert_eq!(binary(BinOp::Shl, 1, 63), Some(i64::MIN));
        assert_eq!(binary(BinOp::Shl, 1, 64), Some(0));
        assert_eq!(binary(BinOp::Shr, -1, -1), Some(0));
    }
}
