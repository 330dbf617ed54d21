//! Hoisting dynamic operands out of a statement.
//!
//! dynasm pastes a dynamic operand's expression into the encoding code, sometimes more than once
//! (a range check and the field value each evaluate it), and it masks a register number to its
//! field width without a word. So every dynamic operand is evaluated here, once, into a local
//! before any encoding runs:
//!
//! - a dynamic register `X(expr)` becomes `let l: u8 = Into::<u8>::into(expr);` (the type dynasm
//!   itself converts to) and `X(l)`; the statement then range-checks `l` for the field it lands
//!   in, which is how an out-of-range register becomes [`Error::Register`] instead of another
//!   register;
//! - a dynamic immediate `#expr` becomes `let l = expr;` and `#l`: its type is still inferred
//!   from the use dynasm makes of it, so `#(1 << n)` keeps working;
//! - a dynamic lane index `v0.s[expr]` becomes `let l = expr;` and `v0.s[l]`;
//! - a dynamic label `=>expr` (other than a plain name) becomes `let l = expr;` and `=>l`.
//!
//! A panic in a user's expression therefore happens outside the encoder's panic guard and
//! propagates as that panic. Immediates written without `#` (dynasm's relaxed notation) are not
//! recognised as operands and stay where they are.
//!
//! [`Error::Register`]: ../../jitkit/enum.Error.html#variant.Register

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::reg::is_family;
use crate::tokens::{ident_lower, is_literal, is_punct, split};

/// Where a dynamic register stands in its statement, for the range its field allows.
#[derive(Debug, Clone)]
pub struct RegUse {
    pub local: Ident,
    pub family: String,
    /// Index of the top-level operand it is part of.
    pub operand: usize,
    /// Whether it is the base or index inside a `[..]` memory reference.
    pub in_reference: bool,
    /// Whether it is followed by `.h[..]`: a half-word element of a vector register.
    pub h_element: bool,
}

/// What hoisting a statement produced.
#[derive(Default)]
pub struct Hoisted {
    /// `let` statements, in source order.
    pub lets: Vec<TokenStream>,
    pub regs: Vec<RegUse>,
}

/// Fresh names for hoisted locals, unique in one macro call, invisible to user code.
pub struct Names(usize);

impl Names {
    pub fn new() -> Self {
        Names(0)
    }

    pub fn fresh(&mut self, what: &str) -> Ident {
        self.0 += 1;
        Ident::new(&format!("__jk_{what}{}", self.0), Span::mixed_site())
    }
}

/// Replaces the dynamic operands of one instruction's operand list (the tokens after the
/// mnemonic) by hoisted locals.
pub fn instruction(operands: &[TokenTree], names: &mut Names, out: &mut Hoisted) -> Vec<TokenTree> {
    let mut result = Vec::new();
    for (index, op) in split(operands, ',').iter().enumerate() {
        if index > 0 {
            result.push(TokenTree::Punct(proc_macro2::Punct::new(
                ',',
                proc_macro2::Spacing::Alone,
            )));
        }
        result.extend(operand(op, index, false, names, out));
    }
    result
}

/// One comma-separated operand (at top level or inside a group).
fn operand(
    op: &[TokenTree],
    index: usize,
    in_reference: bool,
    names: &mut Names,
    out: &mut Hoisted,
) -> Vec<TokenTree> {
    let mut res = Vec::with_capacity(op.len());
    let mut i = 0;
    while i < op.len() {
        let t = &op[i];
        // `#expr`: the rest of the operand is the expression.
        if is_punct(t, '#') {
            let expr = &op[i + 1..];
            res.push(t.clone());
            if expr.is_empty() || is_literal(expr) {
                res.extend(expr.iter().cloned());
            } else {
                let local = names.fresh("imm");
                let e: TokenStream = expr.iter().cloned().collect();
                out.lets.push(quote!(let #local = #e;));
                res.push(TokenTree::Ident(local));
            }
            return res;
        }
        // `=>expr`: a dynamic label.
        if is_punct(t, '=') && op.get(i + 1).is_some_and(|n| is_punct(n, '>')) {
            let expr = &op[i + 2..];
            res.extend(op[i..i + 2].iter().cloned());
            if matches!(expr, [TokenTree::Ident(_)]) || expr.is_empty() {
                res.extend(expr.iter().cloned());
            } else {
                let local = names.fresh("label");
                let e: TokenStream = expr.iter().cloned().collect();
                out.lets.push(quote!(let #local = #e;));
                res.push(TokenTree::Ident(local));
            }
            return res;
        }
        match t {
            // `X(expr)`: a dynamic register.
            TokenTree::Ident(fam)
                if is_family(&fam.to_string())
                    && matches!(op.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis) =>
            {
                let Some(TokenTree::Group(g)) = op.get(i + 1) else {
                    unreachable!("matched above")
                };
                let local = names.fresh("reg");
                let e = g.stream();
                out.lets
                    .push(quote!(let #local: u8 = ::core::convert::Into::<u8>::into(#e);));
                let h_element = fam == "V"
                    && op.get(i + 2).is_some_and(|d| is_punct(d, '.'))
                    && op.get(i + 3).and_then(ident_lower).as_deref() == Some("h")
                    && matches!(op.get(i + 4), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket);
                out.regs.push(RegUse {
                    local: local.clone(),
                    family: fam.to_string(),
                    operand: index,
                    in_reference,
                    h_element,
                });
                res.push(t.clone());
                let mut group = Group::new(Delimiter::Parenthesis, quote!(#local));
                group.set_span(g.span());
                res.push(TokenTree::Group(group));
                i += 2;
                continue;
            }
            // `v0.s[expr]`, `{v0.s, v1.s}[expr]`: a lane index.
            TokenTree::Group(g)
                if g.delimiter() == Delimiter::Bracket
                    && i > 0
                    && matches!(op[i - 1], TokenTree::Ident(_) | TokenTree::Group(_)) =>
            {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                if is_literal(&inner) || inner.is_empty() {
                    res.push(t.clone());
                } else {
                    let local = names.fresh("lane");
                    let e: TokenStream = inner.iter().cloned().collect();
                    out.lets.push(quote!(let #local = #e;));
                    let mut group = Group::new(Delimiter::Bracket, quote!(#local));
                    group.set_span(g.span());
                    res.push(TokenTree::Group(group));
                }
            }
            TokenTree::Group(g)
                if matches!(g.delimiter(), Delimiter::Bracket | Delimiter::Brace) =>
            {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let mut new_inner = Vec::new();
                let reference = in_reference || (g.delimiter() == Delimiter::Bracket && i == 0);
                for (k, part) in split(&inner, ',').iter().enumerate() {
                    if k > 0 {
                        new_inner.push(TokenTree::Punct(proc_macro2::Punct::new(
                            ',',
                            proc_macro2::Spacing::Alone,
                        )));
                    }
                    new_inner.extend(operand(part, index, reference, names, out));
                }
                let mut group = Group::new(g.delimiter(), new_inner.into_iter().collect());
                group.set_span(g.span());
                res.push(TokenTree::Group(group));
            }
            other => res.push(other.clone()),
        }
        i += 1;
    }
    res
}
