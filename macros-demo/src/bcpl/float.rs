//! Floating point, as Cintcode's 64-bit BCPL has it: a word holds an IEEE 754 double, and
//! the operators `#+ #- #* #/ #MOD #ABS FLOAT FIX` and `#= #~= #< #> #<= #>=` work on such
//! words. Names declared with the `FLT` tag make `+`, `-`, `*`, `/`, `MOD`, `ABS`, `->` and
//! the relations floating point where an operand is floating point ([`super::sema`] decides).
//!
//! Both back ends reach these operations through one library routine, `sys(Sys_flt, op, a,
//! b)` (see [`super::library`]), so the interpreter and JIT code compute bit-identical
//! results. The operation numbers are `libhdr`'s `fl_` manifests. Where Cintcode's own
//! choice is not IEEE's default, it is followed: `FIX` adds or takes 0.5 and truncates
//! (see `fix`), and an out-of-range or NaN `FIX` is x86-64's `i64::MIN`.

use super::arith::truth;

/// The operations of `sys(Sys_flt, op, ...)` that operators compile to, by `fl_` number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FltOp {
    /// `FLOAT e`: the integer `e` as a floating-point value.
    Float = 3,
    /// `FIX e`: the nearest integer.
    Fix = 4,
    /// `#ABS e`
    Abs = 5,
    /// `a #* b`
    Mul = 6,
    /// `a #/ b`
    Div = 7,
    /// `a #MOD b`: the remainder with the sign of `a` (C's `fmod`).
    Mod = 8,
    /// `a #+ b`
    Add = 9,
    /// `a #- b`
    Sub = 10,
    /// `#+ e`
    Pos = 11,
    /// `#- e`
    Neg = 12,
    /// `a #= b`
    Eq = 13,
    /// `a #~= b`
    Ne = 14,
    /// `a #< b`
    Lt = 15,
    /// `a #> b`
    Gt = 16,
    /// `a #<= b`
    Le = 17,
    /// `a #>= b`
    Ge = 18,
}

impl FltOp {
    /// Whether the operation's operands are floating point (`FLOAT`'s is an integer).
    pub fn float_operands(self) -> bool {
        self != FltOp::Float
    }

    /// Whether the result is floating point (`FIX` and the relations give integers).
    pub fn float_result(self) -> bool {
        !matches!(
            self,
            FltOp::Fix | FltOp::Eq | FltOp::Ne | FltOp::Lt | FltOp::Gt | FltOp::Le | FltOp::Ge
        )
    }
}

/// The `fl_` manifests of `libhdr` (64-bit), for programs that call `sys(Sys_flt, ...)`.
pub const MANIFESTS: &[(&str, i64)] = &[
    ("fl_avail", 0),
    ("fl_mk", 1),
    ("fl_unmk", 2),
    ("fl_float", 3),
    ("fl_fix", 4),
    ("fl_abs", 5),
    ("fl_mul", 6),
    ("fl_div", 7),
    ("fl_mod", 8),
    ("fl_add", 9),
    ("fl_sub", 10),
    ("fl_pos", 11),
    ("fl_neg", 12),
    ("fl_eq", 13),
    ("fl_ne", 14),
    ("fl_ls", 15),
    ("fl_gr", 16),
    ("fl_le", 17),
    ("fl_ge", 18),
    ("fl_acos", 20),
    ("fl_asin", 21),
    ("fl_atan", 22),
    ("fl_atan2", 23),
    ("fl_cos", 24),
    ("fl_sin", 25),
    ("fl_tan", 26),
    ("fl_cosh", 27),
    ("fl_sinh", 28),
    ("fl_tanh", 29),
    ("fl_exp", 30),
    ("fl_frexp", 31),
    ("fl_ldexp", 32),
    ("fl_log", 33),
    ("fl_log10", 34),
    ("fl_pow", 36),
    ("fl_sqrt", 37),
    ("fl_ceil", 38),
    ("fl_floor", 39),
    ("fl_modf", 40),
    ("fl_N2F", 41),
    ("fl_F2N", 42),
    ("fl_radius2", 43),
    ("fl_radius3", 44),
    ("fl_64to32", 45),
    ("fl_32to64", 46),
];

fn f(w: i64) -> f64 {
    f64::from_bits(w as u64)
}

fn w(x: f64) -> i64 {
    x.to_bits() as i64
}

/// The value of a MANIFEST name written without one after a name whose value is `prev`
/// (floating point when `prev_flt`): one more, or 1.0 more when the name is `flt`.
pub fn next_manifest(prev: i64, prev_flt: bool, flt: bool) -> i64 {
    match (prev_flt, flt) {
        (false, false) => prev.wrapping_add(1),
        (true, false) => fix(f(prev)).wrapping_add(1),
        (false, true) => w(prev as f64 + 1.0),
        (true, true) => w(f(prev) + 1.0),
    }
}

/// `FIX` (and `fl_F2N`'s last step) as Cintcode computes it (`doflt` in `sysc/cintmain.c`):
/// 0.5 is added to a positive `x` or taken from a negative one, and the sum is truncated.
/// The addition rounds, so 0.49999999999999994 gives 1 and 2^52 + 1 gives 2^52 + 2.
fn fix(x: f64) -> i64 {
    if x == 0.0 {
        return 0;
    }
    truncate(if x < 0.0 { x - 0.5 } else { x + 0.5 })
}

/// C's conversion of a double to a 64-bit integer, toward zero. Where C leaves it undefined
/// (NaN, or out of range) x86-64's `cvttsd2si` gives the "integer indefinite" `i64::MIN`,
/// which Cintcode's output shows there; that is followed on every host.
fn truncate(x: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if x.is_nan() || !(-LIMIT..LIMIT).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// `fl_mk`: `mantissa` × 10^`exponent`, by repeated scaling as Cintcode does it (an exponent
/// beyond ±400 scales to infinity or 0 just the same, so it is cut there).
pub fn make(mantissa: i64, exponent: i64) -> f64 {
    let mut exponent = exponent.clamp(-400, 400);
    let mut d = mantissa as f64;
    while exponent > 5 {
        d *= 100_000.0;
        exponent -= 5;
    }
    while exponent > 0 {
        d *= 10.0;
        exponent -= 1;
    }
    while exponent < -5 {
        d /= 100_000.0;
        exponent += 5;
    }
    while exponent < 0 {
        d /= 10.0;
        exponent += 1;
    }
    d
}

/// `fl_unmk`: up to 16 significant decimal digits of `x` (no trailing zeros) and the power
/// of ten they are scaled by, so that `x` ≈ digits × 10^exponent; 0 gives (0, 0).
///
/// The digits are Cintcode's, step for step (`fl_unmk` in `sysc/cintmain.c`), so that
/// `writef`'s `%f` and `%e`, `writeflt` and `writee` print what Cintcode prints: `x` is scaled
/// into [1, 10) by dividing or multiplying by 10^5, then by 10, each step rounded as a
/// double; the 17 digits of `floor(d × 10^16)` are rounded to 16. The scaling's rounding can
/// carry a value just below a half up to it: 0.9625 - 2^-53 gives 9625 × 10^-4, so `%7.3f`
/// writes 0.963, as Cintcode does. From 10^100 up, infinities included, the result is
/// 1 × 10^100, positive whatever the sign, and at 10^-100 or below it is 0, as there.
///
/// NaN fails every comparison of the scaling, so Cintcode converts NaN × 10^16 to an integer,
/// `i64::MIN` as [`truncate`] explains: NaN gives (-92233720368547758, -14) and `%8.3f`
/// writes `-922.337`.
fn unmake(x: f64) -> (i64, i64) {
    if x == 0.0 {
        return (0, 0);
    }
    let neg = x < 0.0;
    let mut d = x.abs();
    let mut exponent: i64 = 0;
    while d >= 100000.0 && exponent < 100 {
        d /= 100000.0;
        exponent += 5;
    }
    while d >= 10.0 && exponent < 100 {
        d /= 10.0;
        exponent += 1;
    }
    if exponent >= 100 {
        // Without its sign, as Cintcode returns it.
        return (1, 100);
    }
    while d <= 0.00001 && exponent > -100 {
        d *= 100000.0;
        exponent -= 5;
    }
    while d < 1.0 && exponent > -100 {
        d *= 10.0;
        exponent -= 1;
    }
    if exponent <= -100 {
        return (0, 0);
    }
    // 1 <= d < 10: 17 digits, rounded to 16.
    let scaled = truncate((d * 1e16).floor());
    let mut mantissa = (scaled + 5) / 10;
    exponent -= 15;
    while mantissa != 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        exponent += 1;
    }
    if mantissa == 0 {
        exponent = 0;
    }
    (if neg { -mantissa } else { mantissa }, exponent)
}

/// `x` as fraction × 2^e with 0.5 <= |fraction| < 1 (0, infinities and NaN as themselves
/// with e = 0), from the bits, so subnormals work too.
fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, shift) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(64), -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (fraction, biased - 1022 + shift)
}

/// `x` × 2^`e`, in steps that cannot overflow the scale factor.
fn ldexp(mut x: f64, e: i64) -> f64 {
    let mut e = e.clamp(-4000, 4000);
    while e != 0 {
        let step = e.clamp(-1000, 1000);
        x *= 2f64.powi(step as i32);
        e -= step;
    }
    x
}

/// `sys(Sys_flt, op, a, b, c)`: the value and, for the operations that set it, `result2`.
/// `None` for an operation number that does not exist.
pub fn sys_flt(op: i64, a: i64, b: i64, c: i64) -> Option<(i64, Option<i64>)> {
    let unary = |g: fn(f64) -> f64| Some((w(g(f(a))), None));
    match op {
        0 => Some((-1, None)),
        1 => Some((w(make(a, b)), None)),
        2 => {
            let (m, e) = unmake(f(a));
            Some((m, Some(e)))
        }
        3 => Some((w(a as f64), None)),
        4 => Some((fix(f(a)), None)),
        5 => unary(f64::abs),
        6 => Some((w(f(a) * f(b)), None)),
        7 => Some((w(f(a) / f(b)), None)),
        8 => Some((w(f(a) % f(b)), None)),
        9 => Some((w(f(a) + f(b)), None)),
        10 => Some((w(f(a) - f(b)), None)),
        11 => Some((a, None)),
        12 => unary(|x| -x),
        13 => Some((truth(f(a) == f(b)), None)),
        14 => Some((truth(f(a) != f(b)), None)),
        15 => Some((truth(f(a) < f(b)), None)),
        16 => Some((truth(f(a) > f(b)), None)),
        17 => Some((truth(f(a) <= f(b)), None)),
        18 => Some((truth(f(a) >= f(b)), None)),
        20 => unary(f64::acos),
        21 => unary(f64::asin),
        22 => unary(f64::atan),
        23 => Some((w(f(a).atan2(f(b))), None)),
        24 => unary(f64::cos),
        25 => unary(f64::sin),
        26 => unary(f64::tan),
        27 => unary(f64::cosh),
        28 => unary(f64::sinh),
        29 => unary(f64::tanh),
        30 => unary(f64::exp),
        31 => {
            let (fraction, e) = frexp(f(a));
            Some((w(fraction), Some(e)))
        }
        32 => Some((w(ldexp(f(a), b)), None)),
        33 => unary(f64::ln),
        34 => unary(f64::log10),
        36 => Some((w(f(a).powf(f(b))), None)),
        37 => unary(f64::sqrt),
        38 => unary(f64::ceil),
        39 => unary(f64::floor),
        40 => {
            let x = f(a);
            Some((w(x.fract()), Some(w(x.trunc()))))
        }
        41 => Some((w(b as f64 / a as f64), None)),
        42 => Some((fix(a as f64 * f(b)), None)),
        // sqrt(x*x + y*y), as Cintcode computes it, not `hypot` (which can differ in the
        // last bit).
        43 => Some((w((f(a) * f(a) + f(b) * f(b)).sqrt()), None)),
        44 => Some((w((f(a) * f(a) + f(b) * f(b) + f(c) * f(c)).sqrt()), None)),
        // The nearest single-precision value's bits, sign-extended from 32 bits as
        // Cintcode's C code returns them.
        45 => Some((i64::from((f(a) as f32).to_bits() as i32), None)),
        // The single-precision value in the low 32 bits as a double: its low 32 bits, and
        // its high 32 bits (sign-extended) in `result2`.
        46 => {
            let bits = f64::from(f32::from_bits(a as u32)).to_bits() as i64;
            Some((bits & 0xFFFF_FFFF, Some(bits >> 32)))
        }
        _ => None,
    }
}

/// `writeflt(x, width, places)` (`%w.pF`), or with `exponent` `writee` (`%w.pE`), as
/// Cintcode's `blib` (the distribution of December 2023) lays them out: the 16 significant
/// digits of `fl_unmk` rounded half away from zero to `places` digits after the point (0 to
/// 1,000; at least 1 with the exponent); a sign position that holds `-` or a space. Without
/// the exponent the number is right-aligned so that the sign and digits fill `width`
/// (at least 4) and the point comes on top, as that `blib` writes it: `%8.3f` of 1.5 is
/// `"    1.500"`, and `%6.0f` of 2.0 is `"     2."`. With the exponent (`e+dd`/`e-dd`) the
/// whole is `width` characters (at least 8), and a rounding carry is not renormalised:
/// `%8.1e` of 9.96 is `" 10.0e+00"`, as `blib` writes it. Widths are at most 2^40.
/// Infinities are written as `fl_unmk` gives them (1 × 10^100, see `unmake`), as Cintcode
/// writes them; NaN too (see `unmake`): `%8.3f` of NaN is `-922.337`.
pub fn format(x: i64, width: i64, places: i64, exponent: bool) -> String {
    let (val, mut e) = unmake(f(x));
    let mut neg = val < 0;
    let mut val = val.unsigned_abs();
    // digits[i] is the decimal digit worth digits[i] × 10^(e + i).
    let mut digits = Vec::with_capacity(20);
    loop {
        digits.push((val % 10) as u8);
        val /= 10;
        if val == 0 {
            break;
        }
    }
    let mut n = digits.len() as i64 - 1;
    let p = places.clamp(if exponent { 1 } else { 0 }, 1000);
    let width = width.min(1 << 40);
    let (w, q) = if exponent {
        e += n;
        (width.max(8), n)
    } else {
        (width.max(4), -e)
    };
    let r = q - p;
    let digit = |digits: &[u8], i: i64| -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i).copied())
            .unwrap_or(0)
    };
    if (1..=n + 1).contains(&r) && digit(&digits, r - 1) >= 5 {
        let mut carry = 1;
        let mut i = r;
        while carry == 1 && i <= n {
            let d = digits[i as usize] + 1;
            digits[i as usize] = d % 10;
            carry = d / 10;
            i += 1;
        }
        if carry == 1 {
            digits.push(1);
            n += 1;
        }
    }
    let s = q.max(n) + 1;
    let t = if exponent {
        (r + w - 6).max(n + 1)
    } else {
        (r + w - 1).max(s)
    };
    // A number whose written digits are all zero has no sign. `writee` looks only up to
    // the units digit as it stood before rounding, so a carry past it (-0.99 as `%5.0e`,
    // `10.0e-01`) loses the sign, as there.
    let top = if exponent { q } else { q.max(n) };
    if neg && (r..=top).all(|j| digit(&digits, j) == 0) {
        neg = false;
    }
    let mut out = String::with_capacity((t - r + 8).clamp(0, 400) as usize);
    let mut i = t;
    while i >= r {
        if i > s {
            out.push(' ');
        } else if i == s {
            out.push(if neg { '-' } else { ' ' });
        } else {
            out.push(char::from(b'0' + digit(&digits, i)));
            if i == q {
                out.push('.');
            }
        }
        i -= 1;
    }
    if exponent {
        let sign = if e < 0 { '-' } else { '+' };
        out.push_str(&format!("e{sign}{:02}", e.unsigned_abs()));
    }
    out
}

/// The constant value of `op` over constant operands (for `MANIFEST` and folding).
pub fn fold(op: FltOp, args: &[i64]) -> i64 {
    let a = args.first().copied().unwrap_or(0);
    let b = args.get(1).copied().unwrap_or(0);
    sys_flt(op as i64, a, b, 0).map_or(0, |(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(o: FltOp, a: f64, b: f64) -> f64 {
        f(fold(o, &[w(a), w(b)]))
    }

    #[test]
    fn operators_follow_ieee_and_cintcode() {
        assert_eq!(op(FltOp::Add, 1.5, 2.25), 3.75);
        assert_eq!(op(FltOp::Sub, 1.5, 2.25), -0.75);
        assert_eq!(op(FltOp::Mul, 1.5, -2.0), -3.0);
        assert_eq!(op(FltOp::Div, 1.0, 4.0), 0.25);
        assert_eq!(op(FltOp::Mod, -7.5, 2.0), -1.5);
        assert_eq!(fold(FltOp::Float, &[-3]), w(-3.0));
        // FIX adds or takes a half and truncates; the sum rounds first.
        assert_eq!(fold(FltOp::Fix, &[w(2.5)]), 3);
        assert_eq!(fold(FltOp::Fix, &[w(-2.5)]), -3);
        assert_eq!(fold(FltOp::Fix, &[w(2.49)]), 2);
        assert_eq!(fold(FltOp::Fix, &[w(0.499_999_999_999_999_94)]), 1);
        assert_eq!(
            fold(FltOp::Fix, &[w(4_503_599_627_370_497.0)]),
            4_503_599_627_370_498
        );
        assert_eq!(fold(FltOp::Fix, &[w(-0.0)]), 0);
        for x in [f64::NAN, 1e300, -1e300, 9.3e18, f64::INFINITY] {
            assert_eq!(fold(FltOp::Fix, &[w(x)]), i64::MIN);
        }
        assert_eq!(fold(FltOp::Fix, &[w(-9.2e18)]), -9_200_000_000_000_000_000);
        assert_eq!(fold(FltOp::Lt, &[w(1.0), w(2.0)]), -1);
        assert_eq!(fold(FltOp::Ge, &[w(1.0), w(2.0)]), 0);
        assert_eq!(fold(FltOp::Ne, &[w(f64::NAN), w(f64::NAN)]), -1);
    }

    #[test]
    fn make_and_unmake_are_decimal_scaling() {
        assert_eq!(f(sys_flt(1, 1234, -3, 0).unwrap().0), 1.234);
        assert_eq!(sys_flt(2, w(1.234), 0, 0).unwrap(), (1234, Some(-3)));
        assert_eq!(sys_flt(2, w(-250.0), 0, 0).unwrap(), (-25, Some(1)));
        assert_eq!(sys_flt(2, w(0.0), 0, 0).unwrap(), (0, Some(0)));
        // Cintcode's scaling rounds 0.9625 - 2^-53 up to 9.625 (see `unmake`).
        assert_eq!(unmake(0.9625 - f64::EPSILON / 2.0), (9625, -4));
        assert_eq!(unmake(f64::INFINITY), (1, 100));
        assert_eq!(unmake(-1e120), (1, 100));
        assert_eq!(unmake(-1e-120), (0, 0));
        assert_eq!(unmake(f64::NAN), (-92233720368547758, -14));
        assert_eq!(unmake(-f64::NAN), (-92233720368547758, -14));
    }

    #[test]
    fn radius2_is_the_square_root_of_the_sum_of_squares_as_cintcode_writes_it() {
        // Correctly rounded, as x86-64 glibc's `hypot` gives it, this is
        // 0x1.34d304a72519fp+10; the sum of squares rounds twice.
        let (x, y) = (802.8549152229671, -938.8200339328929);
        let r = f(sys_flt(43, w(x), w(y), 0).unwrap().0);
        assert_eq!(r.to_bits(), 0x4093_4d30_4a72_519e);
    }

    #[test]
    fn formats_follow_cintcode_blib() {
        // Every expected string below, but for the length bound at the end, is what
        // Cintcode 64 (December 2023) prints on x86-64.
        let fmt = |x: f64, width, places, e| format(w(x), width, places, e);
        // The sign and digits fill the width; the point comes on top.
        assert_eq!(fmt(1.5, 8, 3, false), "    1.500");
        assert_eq!(fmt(7.0, 5, 2, false), "  7.00");
        // Width too small: the sign position is still written.
        assert_eq!(fmt(7.0, 1, 2, false), " 7.00");
        assert_eq!(fmt(-2.5, 6, 2, false), "  -2.50");
        // Halves round away from zero on the decimal digits.
        assert_eq!(fmt(0.125, 6, 2, false), "   0.13");
        assert_eq!(fmt(-0.001, 6, 2, false), "   0.00");
        assert_eq!(fmt(0.0, 6, 1, false), "    0.0");
        assert_eq!(fmt(12345.678, 13, 3, true), "    1.235e+04");
        assert_eq!(fmt(-0.00012, 10, 2, true), " -1.20e-04");
        // A carry is not renormalised.
        assert_eq!(fmt(9.99, 9, 1, true), " 10.0e+00");
        assert_eq!(fmt(-10.0, 7, 2, false), "  -10.00");
        // No places: the point is still written.
        assert_eq!(fmt(-2e5, 3, 0, false), "-200000.");
        assert_eq!(fmt(99.96, 6, 1, false), "  100.0");
        let big = format!(" 1{}.0", "0".repeat(100));
        assert_eq!(fmt(f64::NEG_INFINITY, 6, 1, false), big);
        assert_eq!(fmt(f64::INFINITY, 12, 3, true), "   1.000e+100");
        assert_eq!(fmt(f64::NAN, 8, 3, false), " -922.337");
        assert_eq!(fmt(-f64::NAN, 10, 2, true), " -9.22e+02");
        assert_eq!(fmt(1.5, i64::MIN, i64::MAX, false).len(), 1003);
    }

    #[test]
    fn frexp_and_modf_set_result2() {
        for x in [1.0, 0.75, -12.5, 1e300, 3e-310] {
            let (frac, e) = sys_flt(31, w(x), 0, 0).unwrap();
            let (frac, e) = (f(frac), e.unwrap());
            assert!((0.5..1.0).contains(&frac.abs()), "{x}: {frac}");
            assert_eq!(ldexp(frac, e), x);
        }
        let (frac, int) = sys_flt(40, w(-3.25), 0, 0).unwrap();
        assert_eq!((f(frac), f(int.unwrap())), (-0.25, -3.0));
        assert_eq!(sys_flt(19, 0, 0, 0), None);
    }
}
