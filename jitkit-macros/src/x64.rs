//! `x64!`: dynasm's x64 syntax, checked the way `a64!` checks AArch64.
//!
//! dynasm encodes an x64 dynamic register with `& 7` or `& 0xF` and puts the fourth bit into the
//! REX prefix, so a number above 15 silently names another register, and register 4 (`rsp`) in
//! the index position of a memory operand silently means "no index" (the SIB encoding, Intel SDM
//! Vol. 2A, section 2.1.5, table 2-3). Each dynamic register is therefore hoisted into a local,
//! evaluated once, and checked for the place it takes, before anything is encoded. Immediates
//! (written without `#` in x64 syntax) are hoisted too; their width is the type dynasm gives
//! them (`i8`, `i16`, `i32`, `i64`), so a value of the wrong width does not compile rather than
//! being cut. Displacements inside `[..]` are passed to dynasm as written (it evaluates each
//! once), as are the operands of the rare `reg => Type[..]` form.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, TokenStream, TokenTree};
use quote::quote;

use crate::hoist::Names;
use crate::tokens::{ident_lower, is_literal, is_punct, split, stream};

/// The dynamic register families of dynasm's x64 syntax, with the largest number each takes
/// and how an error describes them.
fn family(name: &str) -> Option<(u8, &'static str)> {
    Some(match name {
        "Rb" | "Rw" | "Rd" | "Ra" | "Rq" => (15, "0..=15 (rax..r15 and their narrower forms)"),
        "Rh" => (3, "0..=3 (ah, ch, dh, bh)"),
        "Rx" | "Ry" => (15, "0..=15 (xmm0..xmm15, ymm0..ymm15)"),
        "Rf" | "Rm" => (7, "0..=7 (st0..st7, mm0..mm7)"),
        "Rs" => (5, "0..=5 (es, cs, ss, ds, fs, gs)"),
        "RC" | "RD" => (15, "0..=15 (cr0..cr15, dr0..dr15)"),
        "RB" => (3, "0..=3 (bnd0..bnd3)"),
        _ => return None,
    })
}

const SIZE_HINTS: &[&str] = &[
    "byte", "word", "dword", "aword", "fword", "qword", "tword", "oword", "yword",
];

/// What hoisting one x64 statement produced.
#[derive(Default)]
pub struct Hoisted {
    pub lets: Vec<TokenStream>,
    pub checks: Vec<TokenStream>,
}

/// Replaces the dynamic operands of one instruction (the tokens after the mnemonic).
pub fn instruction(operands: &[TokenTree], names: &mut Names, out: &mut Hoisted) -> Vec<TokenTree> {
    let mut result = Vec::new();
    for (index, op) in split(operands, ',').iter().enumerate() {
        if index > 0 {
            result.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
        }
        result.extend(operand(op, names, out));
    }
    result
}

fn operand(op: &[TokenTree], names: &mut Names, out: &mut Hoisted) -> Vec<TokenTree> {
    // A size hint (`QWORD`, `BYTE`, ...) is kept as it is.
    let hint = op
        .first()
        .and_then(ident_lower)
        .is_some_and(|s| SIZE_HINTS.contains(&s.as_str()));
    let (head, rest) = op.split_at(usize::from(hint));
    let mut res = head.to_vec();
    match rest {
        // A memory operand: dynamic registers inside it are hoisted and checked.
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let new = memory(&inner, names, out);
            let mut group = Group::new(Delimiter::Bracket, new.into_iter().collect());
            group.set_span(g.span());
            res.push(TokenTree::Group(group));
        }
        // Labels: `->l`, `>l`, `<l`, `=>expr`, `extern expr`.
        [eq, gt, expr @ ..] if is_punct(eq, '=') && is_punct(gt, '>') => {
            res.extend([eq.clone(), gt.clone()]);
            res.extend(hoist_unless_simple(expr, "label", names, out));
        }
        [first, ..] if is_punct(first, '-') || is_punct(first, '>') || is_punct(first, '<') => {
            res.extend(rest.iter().cloned());
        }
        [TokenTree::Ident(e), ..] if e == "extern" => res.extend(rest.iter().cloned()),
        // A dynamic register.
        [TokenTree::Ident(fam), TokenTree::Group(g)]
            if family(&fam.to_string()).is_some() && g.delimiter() == Delimiter::Parenthesis =>
        {
            res.extend(register(fam, g, false, names, out));
        }
        // A static register, or anything dynasm reads itself (`Rq(r) => Type[..]`).
        [TokenTree::Ident(_)] => res.extend(rest.iter().cloned()),
        _ if rest.iter().any(|t| is_punct(t, '=')) => res.extend(rest.iter().cloned()),
        // An immediate.
        _ => res.extend(hoist_unless_simple(rest, "imm", names, out)),
    }
    res
}

/// `expr` as is when it is a literal or a plain name, else a hoisted local.
fn hoist_unless_simple(
    expr: &[TokenTree],
    what: &str,
    names: &mut Names,
    out: &mut Hoisted,
) -> Vec<TokenTree> {
    if expr.is_empty() || is_literal(expr) || matches!(expr, [TokenTree::Ident(_)]) {
        return expr.to_vec();
    }
    let local = names.fresh(what);
    let e = stream(expr);
    out.lets.push(quote!(let #local = #e;));
    vec![TokenTree::Ident(local)]
}

/// `FAM(expr)` → `FAM(local)`, with the local's range check (and, as an index, not 4).
fn register(
    fam: &Ident,
    g: &Group,
    index: bool,
    names: &mut Names,
    out: &mut Hoisted,
) -> Vec<TokenTree> {
    let (max, allowed) = family(&fam.to_string()).expect("a register family");
    let local = names.fresh("reg");
    let e = g.stream();
    out.lets
        .push(quote!(let #local: u8 = ::core::convert::Into::<u8>::into(#e);));
    out.checks
        .push(quote!(::jitkit::__private::register(#local, #max, false, #allowed)?;));
    if index {
        out.checks
            .push(quote!(::jitkit::__private::x64_index(#local)?;));
    }
    let mut group = Group::new(Delimiter::Parenthesis, quote!(#local));
    group.set_span(g.span());
    vec![TokenTree::Ident(fam.clone()), TokenTree::Group(group)]
}

/// The inside of `[..]`: `base + index * scale + disp`. A scaled register is the index; of two
/// unscaled registers dynasm picks the index, so both are checked as an index would be.
fn memory(inner: &[TokenTree], names: &mut Names, out: &mut Hoisted) -> Vec<TokenTree> {
    let is_dynamic = |i: usize| match (&inner[i], inner.get(i + 1)) {
        (TokenTree::Ident(fam), Some(TokenTree::Group(g))) => {
            family(&fam.to_string()).is_some() && g.delimiter() == Delimiter::Parenthesis
        }
        _ => false,
    };
    let registers = (0..inner.len())
        .filter(|&i| {
            is_dynamic(i)
                || matches!(&inner[i], TokenTree::Ident(n) if is_static_gpr(&n.to_string()))
        })
        .count();
    let scaled = inner.iter().any(|t| is_punct(t, '*'));
    let mut res = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if is_dynamic(i) {
            let (TokenTree::Ident(fam), Some(TokenTree::Group(g))) = (&inner[i], inner.get(i + 1))
            else {
                unreachable!("checked by is_dynamic")
            };
            // With a scale, the scaled register is the index; without, either of two may be.
            let scaled_here = inner.get(i + 2).is_some_and(|t| is_punct(t, '*'))
                || (i > 0 && is_punct(&inner[i - 1], '*'));
            let index = if scaled { scaled_here } else { registers >= 2 };
            res.extend(register(fam, g, index, names, out));
            i += 2;
        } else {
            res.push(inner[i].clone());
            i += 1;
        }
    }
    res
}

fn is_static_gpr(name: &str) -> bool {
    matches!(
        name,
        "rax"
            | "rcx"
            | "rdx"
            | "rbx"
            | "rsp"
            | "rbp"
            | "rsi"
            | "rdi"
            | "r8"
            | "r9"
            | "r10"
            | "r11"
            | "r12"
            | "r13"
            | "r14"
            | "r15"
            | "eax"
            | "ecx"
            | "edx"
            | "ebx"
            | "esp"
            | "ebp"
            | "esi"
            | "edi"
            | "rip"
    ) || name.starts_with('r') && name[1..].trim_end_matches('d').parse::<u8>().is_ok()
}
