//! Field selectors: `SLCT len:shift:offset` names `len` bits (0: the rest of the word) from
//! bit `shift` of the word at `offset` from a pointer, and `f OF p` reads or writes them. The
//! constant packs the three as `len << 24 | shift << 16 | offset`, as Cintcode's does;
//! [`super::sema`] checks the parts and lowers `OF` to loads, shifts and masks with this.

use super::ast::BinOp;
use super::ir::Expr;

/// A field of a word, from `SLCT len:shift:offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The number of bits; 0 means all the bits from `shift` up.
    pub len: i64,
    /// The number of the field's lowest bit.
    pub shift: i64,
    /// The word's offset from the pointer.
    pub offset: i64,
}

impl Field {
    /// The field a `SLCT` constant names: `len << 24 | shift << 16 | offset`; `None` when it
    /// does not fit in a 64-bit word.
    pub fn decode(s: i64) -> Option<Field> {
        let field = Field {
            len: (s >> 24) & 0xFF,
            shift: (s >> 16) & 0xFF,
            offset: s & 0xFFFF,
        };
        (s >> 32 == 0 && field.len + field.shift <= 64).then_some(field)
    }

    /// Whether the field is the whole word.
    pub fn whole_word(&self) -> bool {
        self.shift == 0 && (self.len == 0 || self.len == 64)
    }

    /// Whether the field runs to the top bit of the word.
    fn reaches_top(&self) -> bool {
        self.len == 0 || self.len + self.shift == 64
    }

    /// The field's bits, at the bottom of a word.
    pub fn mask(&self) -> i64 {
        if self.reaches_top() {
            (u64::MAX >> self.shift) as i64
        } else {
            (1i64 << self.len) - 1
        }
    }

    /// The field of `word`, shifted down (logically) and masked.
    pub fn extract(&self, word: Expr, line: u32) -> Expr {
        if self.whole_word() {
            return word;
        }
        let shifted = if self.shift == 0 {
            word
        } else {
            Expr::Binary(
                BinOp::Shr,
                Box::new(word),
                Box::new(Expr::Num(self.shift)),
                line,
            )
        };
        if self.reaches_top() {
            shifted
        } else {
            Expr::Binary(
                BinOp::And,
                Box::new(shifted),
                Box::new(Expr::Num(self.mask())),
                line,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_decode_and_mask() {
        let f = Field::decode(8 << 24 | 8 << 16 | 3).unwrap();
        assert_eq!((f.len, f.shift, f.offset, f.mask()), (8, 8, 3, 0xFF));
        assert!(!f.whole_word());
        let rest = Field::decode(4 << 16).unwrap();
        assert_eq!(rest.mask(), (u64::MAX >> 4) as i64);
        assert!(Field::decode(1).unwrap().whole_word());
        assert_eq!(Field::decode(60 << 24 | 8 << 16), None);
        assert_eq!(Field::decode(-1), None);
    }
}
