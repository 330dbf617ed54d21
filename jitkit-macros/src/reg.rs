//! Register operands as dynasm spells them: static names (`x0`, `wzr`, `sp`, `d3`, `v7.s4`) and
//! dynamic families (`X(expr)`, `XSP(expr)`, `V(expr).s4`), which by the time this module sees
//! them have had their expression replaced by a hoisted local (see `hoist.rs`).

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::quote;

use crate::tokens::{ident_lower, is_punct};

/// The register file and width an operand names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `x0`..`x30`, `xzr`: 31 is the zero register.
    X,
    /// `w0`..`w30`, `wzr`.
    W,
    /// `x0`..`x30`, `sp`: 31 is the stack pointer.
    Xsp,
    /// `w0`..`w30`, `wsp`.
    Wsp,
    /// A SIMD&FP register as a scalar of 8 to 128 bits (`b`, `h`, `s`, `d`, `q`).
    B,
    H,
    S,
    D,
    Q,
    /// A vector register with an arrangement (`v0.s4`).
    V,
}

impl Class {
    /// 64 for the X classes, 32 for the W classes.
    pub fn gpr_bits(self) -> Option<u32> {
        match self {
            Class::X | Class::Xsp => Some(64),
            Class::W | Class::Wsp => Some(32),
            _ => None,
        }
    }

    /// The class of a dynamic register family (`X`, `XSP`, `V`, ...).
    pub fn family(name: &str) -> Option<Class> {
        Some(match name {
            "X" => Class::X,
            "W" => Class::W,
            "XSP" => Class::Xsp,
            "WSP" => Class::Wsp,
            "B" => Class::B,
            "H" => Class::H,
            "S" => Class::S,
            "D" => Class::D,
            "Q" => Class::Q,
            "V" => Class::V,
            _ => return None,
        })
    }
}

/// Whether `name` is one of dynasm's dynamic register families (`X`, `XSP`, `V`, ...).
pub fn is_family(name: &str) -> bool {
    Class::family(name).is_some()
}

/// A register operand: its class and its number, known now or at run time.
#[derive(Debug, Clone)]
pub struct Reg {
    pub class: Class,
    pub num: Num,
}

/// A register number.
#[derive(Debug, Clone)]
pub enum Num {
    Static(u8),
    /// The hoisted local that holds the (already range-checked) number.
    Dynamic(Ident),
}

impl Reg {
    /// The register number as a `u32` expression.
    pub fn value(&self) -> TokenStream {
        match &self.num {
            Num::Static(n) => {
                let n = u32::from(*n);
                quote!(#n)
            }
            Num::Dynamic(id) => quote!((#id as u32)),
        }
    }
}

/// A static register name: `x3`, `xzr`, `sp`, `w7`, `wsp`, `d0`, `q31`, `v5` (without its
/// arrangement).
pub fn static_reg(name: &str) -> Option<Reg> {
    let (class, num) = match name {
        "xzr" => (Class::X, 31),
        "wzr" => (Class::W, 31),
        "sp" => (Class::Xsp, 31),
        "wsp" => (Class::Wsp, 31),
        _ => {
            let (head, digits) = name.split_at(1);
            let num: u8 = digits.parse().ok()?;
            if digits.starts_with('0') && digits.len() > 1 {
                return None;
            }
            let class = match head {
                "x" if num <= 30 => Class::X,
                "w" if num <= 30 => Class::W,
                "b" if num <= 31 => Class::B,
                "h" if num <= 31 => Class::H,
                "s" if num <= 31 => Class::S,
                "d" if num <= 31 => Class::D,
                "q" if num <= 31 => Class::Q,
                "v" if num <= 31 => Class::V,
                _ => return None,
            };
            (class, num)
        }
    };
    Some(Reg {
        class,
        num: Num::Static(num),
    })
}

/// The operand as a scalar register, if it is exactly one (`x0`, `XSP(__jk_3)`).
pub fn scalar(op: &[TokenTree]) -> Option<Reg> {
    match op {
        [TokenTree::Ident(i)] => {
            let reg = static_reg(&i.to_string())?;
            (reg.class != Class::V).then_some(reg)
        }
        [TokenTree::Ident(fam), TokenTree::Group(g)] => {
            let class = Class::family(&fam.to_string())?;
            if class == Class::V {
                return None;
            }
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            match inner.as_slice() {
                [TokenTree::Ident(local)] => Some(Reg {
                    class,
                    num: Num::Dynamic(local.clone()),
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A static vector register with an arrangement, `v3.b16`: (number, arrangement).
pub fn static_vector(tokens: &[TokenTree]) -> Option<(u8, String)> {
    match tokens {
        [name, dot, arr] if is_punct(dot, '.') => {
            let reg = static_reg(&ident_lower(name)?)?;
            match (reg.class, reg.num) {
                (Class::V, Num::Static(n)) => Some((n, arr.to_string())),
                _ => None,
            }
        }
        _ => None,
    }
}
