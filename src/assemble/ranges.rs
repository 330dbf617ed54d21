//! What the immediate of an instruction form accepts, for error messages.
//!
//! dynasm's encoder reports an immediate that does not fit with its value only. The statement
//! is known, so its mnemonic and operand shapes tell the form, and the form tells the field:
//! an unsigned offset is scaled by the access size, a shift amount is bounded by the register
//! width, a vector shift by the element size, and so on (Arm ARM, C4.1 "A64 instruction set
//! encoding" and each instruction's page).

/// The statement's shape, read from its text (`ldr x0, [x1, #k]`).
struct Shape<'a> {
    mnemonic: &'a str,
    operands: &'a str,
    /// The first operand's register letter: `x`, `w`, `b`, `h`, `s`, `d`, `q` or `v`.
    first: char,
}

impl<'a> Shape<'a> {
    fn of(statement: &'a str) -> Shape<'a> {
        let (mnemonic, operands) = statement.split_once(' ').unwrap_or((statement, ""));
        let first = operands
            .trim_start_matches(['{', ' '])
            .chars()
            .next()
            .map_or(' ', |c| c.to_ascii_lowercase());
        // `X(r)` and friends: the family's first letter.
        Shape {
            mnemonic,
            operands,
            first,
        }
    }

    fn wide(&self) -> bool {
        self.first == 'x'
    }

    fn has(&self, s: &str) -> bool {
        self.operands.contains(s)
    }

    /// A shift or extend modifier with an immediate amount.
    fn shifted(&self) -> bool {
        [
            "lsl #", "lsr #", "asr #", "ror #", "uxtw #", "sxtw #", "sxtx #", "uxtx #",
        ]
        .iter()
        .any(|m| self.has(m))
    }

    /// The element size of the first vector operand, in bits (`v0.s4` is 32).
    fn element_bits(&self) -> Option<u32> {
        let arrangement = self.operands.split('.').nth(1)?;
        match arrangement.chars().next()?.to_ascii_lowercase() {
            'b' => Some(8),
            'h' => Some(16),
            's' => Some(32),
            'd' => Some(64),
            _ => None,
        }
    }

    /// Bytes one register of a load or store moves.
    fn access_bytes(&self) -> u32 {
        let m = self.mnemonic;
        if m.ends_with("sw") {
            return 4;
        }
        if m.ends_with('b') || m.ends_with("sb") {
            return 1;
        }
        if m.ends_with('h') || m.ends_with("sh") {
            return 2;
        }
        match self.first {
            'x' | 'd' => 8,
            'w' | 's' => 4,
            'h' => 2,
            'b' => 1,
            'q' => 16,
            _ => 8,
        }
    }
}

const UNSIGNED_OFFSET: [&str; 5] = [
    "a multiple of 1 in 0..=4095 (pre/post-index: -256..=255)",
    "a multiple of 2 in 0..=8190 (pre/post-index: -256..=255)",
    "a multiple of 4 in 0..=16380 (pre/post-index: -256..=255)",
    "a multiple of 8 in 0..=32760 (pre/post-index: -256..=255)",
    "a multiple of 16 in 0..=65520 (pre/post-index: -256..=255)",
];
const PAIR_OFFSET: [&str; 3] = [
    "a multiple of 4 in -256..=252",
    "a multiple of 8 in -512..=504",
    "a multiple of 16 in -1024..=1008",
];

/// What the form of `statement` accepts as its immediate.
pub(crate) fn allowed_for(statement: &str) -> &'static str {
    let s = Shape::of(statement);
    let m = s.mnemonic.to_ascii_lowercase();
    let m = m.as_str();
    let index = |n: u32| -> usize { n.trailing_zeros() as usize };
    match m {
        "add" | "adds" | "sub" | "subs" | "cmp" | "cmn" if s.has("xt") && s.shifted() => {
            "an extend amount 0..=4"
        }
        "add" | "adds" | "sub" | "subs" | "cmp" | "cmn" | "neg" | "negs" if s.shifted() && !s.has("#12") => {
            if s.wide() {
                "a shift amount 0..=63"
            } else {
                "a shift amount 0..=31"
            }
        }
        "add" | "adds" | "sub" | "subs" | "cmp" | "cmn" => "0..=4095, optionally shifted left by 12",
        "and" | "ands" | "orr" | "eor" | "bic" | "bics" | "orn" | "eon" | "tst" | "mvn"
            if s.shifted() =>
        {
            if s.wide() {
                "a shift amount 0..=63"
            } else {
                "a shift amount 0..=31"
            }
        }
        "and" | "ands" | "orr" | "eor" | "tst" if s.first != 'v' => {
            "a bitmask: a rotated run of ones repeated in 2-, 4-, 8-, 16-, 32- or 64-bit elements, not 0 and not all ones"
        }
        "mov" if s.first == 'v' => "a lane index within the vector",
        "mov" => "a value one MOVZ, MOVN or ORR (bitmask) instruction can build (Assembler::load_imm64 builds any 64-bit value)",
        "movz" | "movn" | "movk" => {
            if s.wide() {
                "0..=65535, shifted by 0, 16, 32 or 48"
            } else {
                "0..=65535, shifted by 0 or 16"
            }
        }
        "lsl" | "lsr" | "asr" | "ror" | "extr" | "tbz" | "tbnz" => {
            if s.wide() {
                "0..=63"
            } else {
                "0..=31"
            }
        }
        "ubfx" | "sbfx" | "bfxil" | "ubfiz" | "sbfiz" | "bfi" | "bfc" | "ubfm" | "sbfm" | "bfm" => {
            if s.wide() {
                "a bit position 0..=63 and a width 1..=64 - position"
            } else {
                "a bit position 0..=31 and a width 1..=32 - position"
            }
        }
        "ldp" | "stp" | "ldnp" | "stnp" | "ldpsw" | "ldaxp" | "ldxp" => {
            let bytes = if m == "ldpsw" { 4 } else { s.access_bytes() };
            PAIR_OFFSET[index(bytes).saturating_sub(2).min(2)]
        }
        m if m.starts_with("ldur") || m.starts_with("stur") || m == "prfum" => "-256..=255",
        "ldr" | "str" | "ldrb" | "strb" | "ldrh" | "strh" | "ldrsb" | "ldrsh" | "ldrsw" => {
            if s.shifted() {
                "a shift of 0 or log2 of the access size"
            } else if s.has("]!") || s.has("], #") {
                "-256..=255"
            } else {
                UNSIGNED_OFFSET[index(s.access_bytes()).min(4)]
            }
        }
        "prfm" => "a multiple of 8 in 0..=32760",
        "ccmp" | "ccmn" => "#imm 0..=31 and #nzcv 0..=15",
        "svc" | "hvc" | "smc" | "brk" | "hlt" | "udf" | "dcps1" | "dcps2" | "dcps3" => "0..=65535",
        "hint" => "0..=127",
        "clrex" | "dmb" | "dsb" | "isb" => "0..=15",
        "msr" => "0..=15 (0..=1 for single-bit PSTATE fields)",
        "fmov" | "fcmp" | "fcmpe" if s.first != 'v' || s.has("#") => {
            "±n/16 × 2^r with 16 <= n <= 31 and -3 <= r <= 4 (0.0 only as fmov's zero register form)"
        }
        "movi" | "mvni" | "orr" | "bic" => "an 8-bit value 0..=255 with the shift the arrangement allows (lsl 0, 8, 16, 24 or msl 8, 16)",
        "shl" | "sli" | "sqshl" | "uqshl" | "sqshlu" | "sshll" | "ushll" | "sshll2" | "ushll2" => {
            match s.element_bits() {
                Some(8) => "a shift 0..=7",
                Some(16) => "a shift 0..=15",
                Some(32) => "a shift 0..=31",
                _ => "a shift 0..=63",
            }
        }
        m if m.contains("shr") || m == "sri" || m.ends_with("sra") || m.contains("shrn") => {
            match s.element_bits() {
                Some(8) => "a shift 1..=8",
                Some(16) => "a shift 1..=16",
                Some(32) => "a shift 1..=32",
                _ => "a shift 1..=64",
            }
        }
        "ext" => "a byte index 0..=15 (0..=7 for 8-byte vectors)",
        "ins" | "dup" | "umov" | "smov" | "ld1" | "ld2" | "ld3" | "ld4" | "st1" | "st2" | "st3" | "st4" => {
            "a lane index within the vector (0..=15 for bytes, 0..=7 halves, 0..=3 words, 0..=1 doublewords)"
        }
        _ => "the values this form's immediate field holds (see the instruction's page in the Arm ARM)",
    }
}

#[cfg(test)]
mod tests {
    use super::allowed_for;

    #[test]
    fn ranges_follow_the_form() {
        let cases = [
            ("add x0, x1, #k", "0..=4095"),
            ("add x0, x1, x2, lsl #k", "0..=63"),
            ("add w0, w1, w2, lsl #k", "0..=31"),
            ("ldr x0, [x1, #k]", "multiple of 8 in 0..=32760"),
            ("ldr w0, [x1, #k]", "multiple of 4 in 0..=16380"),
            ("ldrb w0, [x1, #k]", "multiple of 1 in 0..=4095"),
            ("ldr q0, [x1, #k]", "multiple of 16"),
            ("ldr x0, [x1, #k]!", "-256..=255"),
            ("ldr x0, [x1], #k", "-256..=255"),
            ("ldp x0, x1, [sp, #k]", "multiple of 8 in -512..=504"),
            ("ldp w0, w1, [sp, #k]", "multiple of 4 in -256..=252"),
            ("ldp q0, q1, [sp, #k]", "multiple of 16"),
            ("movz w0, #k", "shifted by 0 or 16"),
            ("tbz w0, #k, >l", "0..=31"),
            ("shl v0.h8, v1.h8, #k", "0..=15"),
            ("ushr v0.s4, v1.s4, #k", "1..=32"),
            ("svc #k", "0..=65535"),
        ];
        for (statement, expected) in cases {
            let allowed = allowed_for(statement);
            assert!(allowed.contains(expected), "{statement}: {allowed}");
        }
    }
}
