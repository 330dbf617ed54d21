//! The forms dynasm 5.1 refuses or encodes wrongly, turned into forms it gets right, or encoded
//! here.
//!
//! Each rule below names the A64 form and what goes wrong in dynasm; the oracle test
//! (`tests/oracle.rs`) checks every rewritten form against llvm-mc. A statement that no rule
//! matches goes to dynasm unchanged.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

use crate::names;
use crate::reg::{self, Class, Num, Reg};
use crate::tokens::{
    int_literal, is_hex_literal, is_punct, number_literal, signed_literal, split, stream,
};

/// What a statement becomes.
pub enum Emit {
    /// Tokens for dynasm: the mnemonic and its operands.
    Dynasm(Vec<TokenTree>),
    /// The instruction word, a `u32` expression that cannot fail.
    Word(TokenStream),
    /// The instruction word, an expression of type `Result<u32, Fault>`.
    Fallible(TokenStream),
}

/// A compile-time error at a span.
pub type CompileError = (Span, String);

/// Rewrites one instruction (`mnemonic` lower-cased, including `.cond` parts).
pub fn instruction(
    mnemonic: &str,
    head: &[TokenTree],
    operands: &[TokenTree],
) -> Result<Emit, CompileError> {
    let operands = dash_lists(operands)?;
    let ops = split(&operands, ',');
    let ops: Vec<&[TokenTree]> = if operands.is_empty() {
        Vec::new()
    } else {
        ops.iter().map(Vec::as_slice).collect()
    };
    let span = head.first().map_or_else(Span::call_site, TokenTree::span);
    if let Some((new_head, new_operands)) = alias(mnemonic, head, &ops) {
        let mut t = new_head;
        t.extend(new_operands);
        return Ok(Emit::Dynasm(t));
    }
    let keep = |ops: &[TokenTree]| {
        let mut t = head.to_vec();
        t.extend(ops.iter().cloned());
        Emit::Dynasm(t)
    };
    Ok(match mnemonic {
        "mrs" | "msr" => match system_register(mnemonic, &ops, span)? {
            Some(emit) => emit,
            None => keep(&operands),
        },
        "prfm" | "prfum" => prefetch(mnemonic, head, &ops, span)?,
        "sbfm" | "ubfm" | "bfm" => bitfield_move(mnemonic, &ops, span)?,
        "fmov" => match fmov(&ops, span)? {
            Some(emit) => emit,
            None => keep(&operands),
        },
        "mov" => match mov_immediate(&ops, span)? {
            Some(emit) => emit,
            None => keep(&operands),
        },
        "add" | "adds" | "sub" | "subs" | "cmp" | "cmn" => {
            match extended_w(mnemonic, &ops, span)? {
                Some(emit) => emit,
                None => keep(&operands),
            }
        }
        "fcvtn" | "fcvtn2" => match narrow_to_half(mnemonic, &ops) {
            Some(emit) => emit,
            None => keep(&operands),
        },
        "and" | "ands" | "orr" | "eor" | "tst" | "bic" | "bics" | "orn" | "eon" => {
            logical_immediate(mnemonic, head, &ops, span)?.unwrap_or_else(|| keep(&operands))
        }
        m if names::zero_offset_only(m) => keep(&strip_zero_offset(&operands)),
        m => match system_instruction(m, &ops, span)? {
            Some(emit) => emit,
            None => keep(&operands),
        },
    })
}

/// `{v0.b16 - v3.b16}` → `{v0.b16, v1.b16, v2.b16, v3.b16}`, wrapping from v31 to v0.
///
/// dynasm 5.1 counts a dash list as `last - first` registers, one fewer than written, and
/// encodes the wrong instruction without a word; its comma lists are counted right.
fn dash_lists(tokens: &[TokenTree]) -> Result<Vec<TokenTree>, CompileError> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let dash = inner.iter().position(|t| is_punct(t, '-'));
                let expanded = match dash {
                    Some(d) => {
                        let (first, last) = (&inner[..d], &inner[d + 1..]);
                        match (reg::static_vector(first), reg::static_vector(last)) {
                            (Some((a, arr)), Some((b, arr2))) => {
                                if arr != arr2 {
                                    return Err((
                                        g.span(),
                                        format!("a register list needs one arrangement: `.{arr}` and `.{arr2}` differ"),
                                    ));
                                }
                                let count = (u32::from(b) + 32 - u32::from(a)) % 32 + 1;
                                if count > 4 {
                                    return Err((
                                        g.span(),
                                        format!("a register list holds 1 to 4 registers: v{a} - v{b} is {count}"),
                                    ));
                                }
                                let list: Vec<String> = (0..count)
                                    .map(|k| format!("v{}.{arr}", (u32::from(a) + k) % 32))
                                    .collect();
                                let ts: TokenStream =
                                    list.join(", ").parse().expect("register names");
                                let mut group = Group::new(Delimiter::Brace, respan(ts, g.span()));
                                group.set_span(g.span());
                                Some(TokenTree::Group(group))
                            }
                            _ => None,
                        }
                    }
                    None => None,
                };
                out.push(expanded.unwrap_or_else(|| t.clone()));
            }
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

fn respan(ts: TokenStream, span: Span) -> TokenStream {
    ts.into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}

/// `[xN, #0]` → `[xN]` for the accesses that take a base register only (exclusive,
/// acquire/release, atomics): the Arm ARM and llvm-mc accept the explicit zero, dynasm does not.
fn strip_zero_offset(tokens: &[TokenTree]) -> Vec<TokenTree> {
    tokens
        .iter()
        .map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let parts = split(&inner, ',');
                if parts.len() == 2 && matches!(parts[1].as_slice(), [h, z] if is_punct(h, '#') && int_literal(z) == Some(0)) {
                    let mut group = Group::new(Delimiter::Bracket, stream(&parts[0]));
                    group.set_span(g.span());
                    TokenTree::Group(group)
                } else {
                    t.clone()
                }
            }
            other => other.clone(),
        })
        .collect()
}

/// An immediate operand `#lit` or `#local`: its literal value, or the hoisted local.
enum Imm {
    Literal(i128),
    Local(Ident),
}

fn immediate(op: &[TokenTree]) -> Option<Imm> {
    let (hash, rest) = op.split_first()?;
    if !is_punct(hash, '#') {
        return None;
    }
    if let Some(v) = signed_literal(rest) {
        return Some(Imm::Literal(v));
    }
    match rest {
        [TokenTree::Ident(i)] if i.to_string().starts_with("__jk_") => Some(Imm::Local(i.clone())),
        _ => None,
    }
}

impl Imm {
    /// The value as an `i128` expression.
    fn value(&self) -> TokenStream {
        match self {
            Imm::Literal(v) => quote!(#v),
            Imm::Local(l) => quote!(::core::convert::Into::<i128>::into(#l)),
        }
    }
}

/// A self-encoded form: evaluated at compile time when every operand is a literal (a bad
/// literal is then a compile error), else at run time with the error as a value.
fn encoded(all_static: bool, call: TokenStream) -> Emit {
    if all_static {
        Emit::Word(quote!(const { ::jitkit::__private::at_compile_time(#call) }))
    } else {
        Emit::Fallible(call)
    }
}

impl Reg {
    fn is_static(&self) -> bool {
        matches!(self.num, Num::Static(_))
    }
}

impl Imm {
    fn is_static(&self) -> bool {
        matches!(self, Imm::Literal(_))
    }
}

fn need_reg(
    op: Option<&&[TokenTree]>,
    classes: &[Class],
    what: &str,
    span: Span,
) -> Result<Reg, CompileError> {
    op.and_then(|o| reg::scalar(o))
        .filter(|r| classes.contains(&r.class))
        .ok_or_else(|| (span, format!("expected {what}")))
}

/// `mrs Xt, <sysreg>` and `msr <sysreg>, Xt`, `msr <pstatefield>, #imm`, by name.
///
/// dynasm takes the register only as a 15-bit number (`mrs x0, #0x5f02`); names and the generic
/// `s<op0>_<op1>_c<n>_c<m>_<op2>` form are looked up here (Arm ARM C5.2.6 MRS, C5.2.7/C5.2.8 MSR).
fn system_register(
    mnemonic: &str,
    ops: &[&[TokenTree]],
    span: Span,
) -> Result<Option<Emit>, CompileError> {
    let name_at = if mnemonic == "mrs" { 1 } else { 0 };
    let Some(name) = ops.get(name_at).and_then(|o| match o {
        [TokenTree::Ident(i)]
            if reg::static_reg(&i.to_string()).is_none() && !i.to_string().starts_with("__jk_") =>
        {
            Some(i.to_string().to_ascii_lowercase())
        }
        _ => None,
    }) else {
        return Ok(None);
    };
    if ops.len() != 2 {
        return Err((span, format!("{mnemonic} takes two operands")));
    }
    if mnemonic == "msr" {
        if let Some(imm) = immediate(ops[1]) {
            let (base, max) = names::pstate(&name).ok_or_else(|| {
                (
                    span,
                    format!("`{name}` is not a PSTATE field that `msr {name}, #imm` can write"),
                )
            })?;
            let v = imm.value();
            return Ok(Some(encoded(
                imm.is_static(),
                quote!(::jitkit::__private::pstate(#base, #max, #v)),
            )));
        }
    }
    let base = names::system_register(&name, mnemonic == "mrs").map_err(|e| (span, e))?;
    with_xt(base, ops.get(1 - name_at), span).map(Some)
}

/// `base` with the X register operand `op` in bits 4:0.
fn with_xt(base: u32, op: Option<&&[TokenTree]>, span: Span) -> Result<Emit, CompileError> {
    let rt = need_reg(
        op,
        &[Class::X],
        "an X register (x0..x30, xzr, or X(n))",
        span,
    )?;
    let rt = rt.value();
    Ok(Emit::Word(quote!(#base | #rt)))
}

/// System instructions written with names: hints (`dgh`, `bti c`, `psb csync`), barriers
/// (`dmb ishld`, `dsb nshnxs`, `isb sy`, `sb`) and SYS aliases (`dc civac, x0`, `tlbi
/// vmalle1`), from the tables in `names/`, which llvm-mc checks entry by entry. dynasm 5.1 knows
/// some of these names and not others; the tables know all of LLVM's.
fn system_instruction(
    mnemonic: &str,
    ops: &[&[TokenTree]],
    span: Span,
) -> Result<Option<Emit>, CompileError> {
    let name = |op: &[TokenTree]| match op {
        [TokenTree::Ident(i)] => Some(i.to_string()),
        _ => None,
    };
    match ops {
        [] => {
            return Ok(
                names::named_system_instruction(mnemonic, None).map(|w| Emit::Word(quote!(#w)))
            )
        }
        [op] => {
            if let Some(n) = name(op) {
                if let Some(w) = names::named_system_instruction(mnemonic, Some(&n)) {
                    return Ok(Some(Emit::Word(quote!(#w))));
                }
            }
        }
        _ => {}
    }
    let Some(first) = ops.first().and_then(|o| name(o)) else {
        return Ok(None);
    };
    let Some(alias) = names::sys_alias(mnemonic, &first) else {
        return Ok(None);
    };
    let (base, takes_register) = alias.map_err(|e| (span, e))?;
    match (takes_register, ops.len()) {
        (false, 1) => Ok(Some(Emit::Word(quote!(#base | 31u32)))),
        (true, 2) => with_xt(base, ops.get(1), span).map(Some),
        (false, _) => Err((span, format!("`{mnemonic} {first}` takes no register"))),
        (true, _) => Err((span, format!("`{mnemonic} {first}` takes one X register"))),
    }
}

/// `prfm <prfop>, ...` and `prfum <prfop>, ...`, with the operation by name or number.
///
/// dynasm takes the operation only as a number and lacks PRFM (immediate, unsigned offset)
/// (Arm ARM C6.2.247), which is encoded here; the register and literal forms go to dynasm with
/// the name replaced by its number.
fn prefetch(
    mnemonic: &str,
    head: &[TokenTree],
    ops: &[&[TokenTree]],
    span: Span,
) -> Result<Emit, CompileError> {
    let (Some(first), Some(target)) = (ops.first(), ops.get(1)) else {
        return Err((
            span,
            format!("{mnemonic} takes a prefetch operation and an address"),
        ));
    };
    let op: TokenStream = match first {
        [TokenTree::Ident(i)] => {
            let name = i.to_string().to_ascii_lowercase();
            let code = names::prfop(&name)
                .ok_or_else(|| (i.span(), format!("`{name}` is not a prefetch operation (pldl1keep, pstl2strm, plil3keep, ...)")))?;
            let code = u32::from(code);
            quote!(#code)
        }
        _ => match immediate(first) {
            Some(Imm::Literal(v)) if (0..32).contains(&v) => {
                let v = v as u32;
                quote!(#v)
            }
            _ => return Err((span, "the prefetch operation is a name or #0..=31".into())),
        },
    };
    // PRFM (immediate): `[Xn|SP]` or `[Xn|SP, #imm]`, with no index register.
    if let [TokenTree::Group(g)] = target {
        if g.delimiter() == Delimiter::Bracket && ops.len() == 2 {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let parts = split(&inner, ',');
            // A base register is x0..x30 or sp: static `xN` names count, `xzr` does not.
            let base = parts
                .first()
                .and_then(|p| reg::scalar(p))
                .filter(|r| match (r.class, &r.num) {
                    (Class::Xsp, _) => true,
                    (Class::X, Num::Static(n)) => *n < 31,
                    _ => false,
                })
                .ok_or(());
            let offset = match parts.get(1) {
                None => Some(Imm::Literal(0)),
                Some(p) => immediate(p),
            };
            if let (Ok(base), Some(offset), true) = (base, offset, parts.len() <= 2) {
                let all_static = base.is_static() && offset.is_static();
                let rn = base.value();
                let off = offset.value();
                let unscaled = mnemonic == "prfum";
                return Ok(encoded(
                    all_static,
                    quote!(::jitkit::__private::prefetch(#op, #rn, #off, #unscaled)),
                ));
            }
        }
    }
    // Register offset and literal forms: dynasm's, with the operation as a number.
    let mut t = head.to_vec();
    t.push(TokenTree::Punct(Punct::new('#', Spacing::Alone)));
    t.extend(op);
    for o in &ops[1..] {
        t.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
        t.extend(o.iter().cloned());
    }
    Ok(Emit::Dynasm(t))
}

/// `sbfm`, `ubfm`, `bfm` with `#immr, #imms`: any value below the register size is valid (Arm
/// ARM C6.2.256 SBFM). dynasm 5.1 wrongly constrains their sum for 64-bit registers, so they are
/// encoded here.
fn bitfield_move(mnemonic: &str, ops: &[&[TokenTree]], span: Span) -> Result<Emit, CompileError> {
    let rd = need_reg(
        ops.first(),
        &[Class::X, Class::W],
        "a general register",
        span,
    )?;
    let rn = need_reg(
        ops.get(1),
        &[rd.class],
        "a general register of the same width",
        span,
    )?;
    let (Some(immr), Some(imms), 4) = (
        ops.get(2).and_then(|o| immediate(o)),
        ops.get(3).and_then(|o| immediate(o)),
        ops.len(),
    ) else {
        return Err((span, format!("{mnemonic} takes Rd, Rn, #immr, #imms")));
    };
    let opc: u32 = match mnemonic {
        "sbfm" => 0,
        "bfm" => 1,
        _ => 2,
    };
    let bits = rd.class.gpr_bits().expect("a general register");
    let all_static = rd.is_static() && rn.is_static() && immr.is_static() && imms.is_static();
    let (rd, rn, immr, imms) = (rd.value(), rn.value(), immr.value(), imms.value());
    Ok(encoded(
        all_static,
        quote!(::jitkit::__private::bitfield_move(#opc, #bits, #rd, #rn, #immr, #imms)),
    ))
}

/// `fmov <Hd|Sd|Dd>, #0.0` (the alias of `fmov Dd, xzr`) and `fmov Dd, #0xNN` (the raw 8-bit
/// immediate, as llvm-mc reads a hexadecimal operand). dynasm refuses both.
fn fmov(ops: &[&[TokenTree]], span: Span) -> Result<Option<Emit>, CompileError> {
    let [dst, src] = ops else {
        return Ok(None);
    };
    let Some(rd) = reg::scalar(dst).filter(|r| matches!(r.class, Class::H | Class::S | Class::D))
    else {
        return Ok(None);
    };
    let [hash, lit] = src else {
        return Ok(None);
    };
    if !is_punct(hash, '#') {
        return Ok(None);
    }
    // ftype: 0b00 single, 0b01 double, 0b11 half.
    let ftype: u32 = match rd.class {
        Class::S => 0,
        Class::D => 1,
        _ => 3,
    };
    let rd_v = rd.value();
    if number_literal(lit) == Some(0.0) && !is_hex_literal(lit) {
        // FMOV (general), from WZR/XZR: sf is 1 only for the double form.
        let base = if ftype == 1 {
            0x9E67_0000u32
        } else {
            0x1E27_0000u32 | ftype << 22
        } | 31 << 5;
        return Ok(Some(Emit::Word(quote!(#base | #rd_v))));
    }
    if is_hex_literal(lit) {
        let v = int_literal(lit).filter(|v| *v <= 0xFF).ok_or_else(|| {
            (
                span,
                "a raw fmov immediate is an 8-bit value, 0x00..=0xff".to_string(),
            )
        })? as u32;
        // FMOV (scalar, immediate): imm8 at bits 20:13.
        let word = 0x1E20_1000u32 | ftype << 22 | v << 13;
        return Ok(Some(Emit::Word(quote!(#word | #rd_v))));
    }
    Ok(None)
}

/// `mov <Xd|Wd|SP>, #imm`: llvm-mc's alias picks MOVZ, then MOVN, then ORR of a bitmask
/// immediate (Arm ARM C6.2.191-193). dynasm's `mov` only takes MOVZ values.
fn mov_immediate(ops: &[&[TokenTree]], _span: Span) -> Result<Option<Emit>, CompileError> {
    let [dst, src] = ops else {
        return Ok(None);
    };
    let Some(rd) = reg::scalar(dst).filter(|r| r.class.gpr_bits().is_some()) else {
        return Ok(None);
    };
    let Some(imm) = immediate(src) else {
        return Ok(None);
    };
    let bits = rd.class.gpr_bits().expect("checked");
    // In the SP classes, register 31 is the stack pointer, which only ORR can write.
    let sp = matches!(rd.class, Class::Xsp | Class::Wsp);
    let all_static = rd.is_static() && imm.is_static();
    let rd_v = rd.value();
    let v = imm.value();
    Ok(Some(encoded(
        all_static,
        quote!(::jitkit::__private::mov_immediate(#bits, #sp, #rd_v, #v)),
    )))
}

/// Logical immediates written negative (`and w0, w1, #-2`) or as the complementing aliases
/// (`bic`, `bics`, `orn`, `eon` with an immediate, which are `and`, `ands`, `orr`, `eor` of the
/// complement). Encoded here through the architecture's bitmask rule (Arm ARM C6.2.12 AND
/// (immediate)); dynasm refuses both spellings.
fn logical_immediate(
    mnemonic: &str,
    _head: &[TokenTree],
    ops: &[&[TokenTree]],
    span: Span,
) -> Result<Option<Emit>, CompileError> {
    let (rd, rn, imm) = match (mnemonic, ops) {
        ("tst", [rn, imm]) => (
            Reg {
                class: Class::X,
                num: Num::Static(31),
            },
            *rn,
            *imm,
        ),
        (_, [rd, rn, imm]) => match reg::scalar(rd) {
            Some(r) => (r, *rn, *imm),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let Some(rn) = reg::scalar(rn).filter(|r| matches!(r.class, Class::X | Class::W)) else {
        return Ok(None);
    };
    let Some(imm) = immediate(imm) else {
        return Ok(None);
    };
    let complement = matches!(mnemonic, "bic" | "bics" | "orn" | "eon");
    let negative = matches!(imm, Imm::Literal(v) if v < 0);
    if !complement && !negative {
        return Ok(None);
    }
    let opc: u32 = match mnemonic {
        "and" | "bic" => 0,
        "orr" | "orn" => 1,
        "eor" | "eon" => 2,
        _ => 3, // ands, bics, tst
    };
    let bits = rn.class.gpr_bits().expect("checked");
    // For tst the destination is the zero register of Rn's width.
    let rd_class_ok = mnemonic == "tst"
        || match rd.class {
            Class::X | Class::Xsp => bits == 64,
            Class::W | Class::Wsp => bits == 32,
            _ => false,
        };
    if !rd_class_ok {
        return Err((span, "Rd and Rn must be registers of the same width".into()));
    }
    let all_static = rd.is_static() && rn.is_static() && imm.is_static();
    let (rd_v, rn_v, v) = (rd.value(), rn.value(), imm.value());
    Ok(Some(encoded(
        all_static,
        quote!(::jitkit::__private::logical_immediate(#opc, #bits, #complement, #rd_v, #rn_v, #v)),
    )))
}

/// Checks a statement needs before dynasm encodes it: the width of a bitfield alias with a
/// dynamic position or width, which dynasm decrements before its range check (an overflow in
/// debug builds, a wrong check in release builds).
pub fn checks(mnemonic: &str, operands: &[TokenTree]) -> Vec<TokenStream> {
    let bitfield = matches!(
        mnemonic,
        "ubfx" | "sbfx" | "bfxil" | "ubfiz" | "sbfiz" | "bfi" | "bfc"
    );
    if !bitfield {
        return Vec::new();
    }
    let parts = split(operands, ',');
    let ops: Vec<&[TokenTree]> = parts.iter().map(Vec::as_slice).collect();
    let (Some(rd), [.., lsb, width]) = (ops.first().and_then(|o| reg::scalar(o)), ops.as_slice())
    else {
        return Vec::new();
    };
    let (Some(bits), Some(lsb), Some(width)) =
        (rd.class.gpr_bits(), immediate(lsb), immediate(width))
    else {
        return Vec::new();
    };
    if lsb.is_static() && width.is_static() {
        return Vec::new();
    }
    let (lsb, width) = (lsb.value(), width.value());
    vec![quote!(::jitkit::__private::bitfield_width(#bits, #lsb, #width)?;)]
}

/// Aliases llvm-mc accepts and the Arm ARM defines that dynasm spells differently or lacks,
/// rewritten into dynasm's spelling: the new mnemonic tokens and operand tokens.
///
/// - `ldr`/`str` (and their byte, half and signed forms) with an offset the scaled form cannot
///   hold (negative or unaligned, within -256..=255) are `ldur`/`stur` (Arm ARM C6.2.166
///   LDR (immediate) and LDUR: assemblers choose the unscaled form);
/// - `add`/`sub`/`adds`/`subs`/`cmp`/`cmn` of a multiple of 4096 up to 0xfff000 is the
///   12-bit immediate shifted by 12 (C6.2.4 ADD (immediate));
/// - extended-register `add`/`sub`/`adds`/`subs`/`cmp`/`cmn` with `uxtx`/`sxtx` may name
///   the 64-bit source as a W register (C6.2.3: the register is `<R><m>` with R = X for
///   UXTX/SXTX);
/// - `cmls`/`cmlo`/`facle`/`faclt`, and `cmle`/`cmlt`/`fcmle`/`fcmlt` of two registers, are
///   `cmhs`/`cmhi`/`facge`/`facgt`/`cmge`/`cmgt`/`fcmge`/`fcmgt` with the sources swapped;
/// - `fcm<cond> ..., #0` (an integer zero) is the compare with `#0.0`, and `cm<cond> ..., #0`
///   the compare with zero that dynasm writes without `#`;
/// - `uxtb`/`uxth Xd, Wn` are the 32-bit forms (they zero the upper half anyway), and
///   `uxtw Xd, Wn` is `ubfx Xd, Xn, #0, #32`;
/// - `fmov` of a decimal integer (`#3`) is the float `#3.0`.
fn alias(
    mnemonic: &str,
    head: &[TokenTree],
    ops: &[&[TokenTree]],
) -> Option<(Vec<TokenTree>, Vec<TokenTree>)> {
    let rename = |name: &str| -> Vec<TokenTree> {
        let span = head.first().map_or_else(Span::call_site, TokenTree::span);
        let mut t: Vec<TokenTree> = name
            .parse::<TokenStream>()
            .expect("a mnemonic")
            .into_iter()
            .collect();
        for tok in &mut t {
            tok.set_span(span);
        }
        t
    };
    let join = |ops: &[Vec<TokenTree>]| -> Vec<TokenTree> {
        let mut out = Vec::new();
        for (i, o) in ops.iter().enumerate() {
            if i > 0 {
                out.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
            }
            out.extend(o.iter().cloned());
        }
        out
    };
    let owned: Vec<Vec<TokenTree>> = ops.iter().map(|o| o.to_vec()).collect();
    match mnemonic {
        "ldr" | "str" | "ldrb" | "strb" | "ldrh" | "strh" | "ldrsb" | "ldrsh" | "ldrsw" => {
            let [rt, [TokenTree::Group(g)]] = ops else {
                return None;
            };
            let rt = reg::scalar(rt)?;
            if g.delimiter() != Delimiter::Bracket {
                return None;
            }
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let parts = split(&inner, ',');
            let [_, offset] = parts.as_slice() else {
                return None;
            };
            let Some(Imm::Literal(v)) = immediate(offset) else {
                return None;
            };
            let size: i128 = match mnemonic {
                "ldrb" | "strb" | "ldrsb" => 1,
                "ldrh" | "strh" | "ldrsh" => 2,
                "ldrsw" => 4,
                _ => match rt.class {
                    Class::X | Class::D => 8,
                    Class::W | Class::S => 4,
                    Class::H => 2,
                    Class::B => 1,
                    Class::Q => 16,
                    _ => return None,
                },
            };
            if (v >= 0 && v % size == 0) || !(-256..=255).contains(&v) {
                return None;
            }
            let unscaled = mnemonic
                .replacen("ldr", "ldur", 1)
                .replacen("str", "stur", 1);
            Some((rename(&unscaled), join(&owned)))
        }
        "add" | "sub" | "adds" | "subs" | "cmp" | "cmn" => {
            let last = ops.last()?;
            if let Some(Imm::Literal(v)) = immediate(last) {
                if v > 4095 && v % 4096 == 0 && v <= 0xFF_F000 {
                    let mut new = owned.clone();
                    let shifted: TokenStream = format!("# {}, lsl # 12", v >> 12).parse().ok()?;
                    *new.last_mut()? = shifted.into_iter().collect();
                    return Some((head.to_vec(), join(&new)));
                }
                return None;
            }
            // `..., Wm, uxtx|sxtx [#n]`: the source is Xm.
            let extend = last.first().and_then(|t| match t {
                TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            })?;
            if !(extend == "uxtx" || extend == "sxtx") || ops.len() < 3 {
                return None;
            }
            // Only the 64-bit forms take an X source; the 32-bit ones are encoded apart.
            reg::scalar(ops[0]).filter(|r| matches!(r.class, Class::X | Class::Xsp))?;
            let m = ops.len() - 2;
            let widened = widen(ops[m])?;
            let mut new = owned.clone();
            new[m] = widened;
            Some((head.to_vec(), join(&new)))
        }
        "cmls" | "cmlo" | "facle" | "faclt" | "cmle" | "cmlt" | "fcmle" | "fcmlt" => {
            if let [d, n, m] = ops {
                if immediate(m).is_none() && !m.iter().any(|t| is_punct(t, '#')) {
                    let swapped = match mnemonic {
                        "cmls" => "cmhs",
                        "cmlo" => "cmhi",
                        "facle" => "facge",
                        "faclt" => "facgt",
                        "cmle" => "cmge",
                        "cmlt" => "cmgt",
                        "fcmle" => "fcmge",
                        _ => "fcmgt",
                    };
                    return Some((rename(swapped), join(&[d.to_vec(), m.to_vec(), n.to_vec()])));
                }
            }
            if mnemonic.starts_with('f') {
                float_zero(head, &owned, &join)
            } else {
                integer_zero(head, &owned, &join)
            }
        }
        "fcmeq" | "fcmge" | "fcmgt" => float_zero(head, &owned, &join),
        "cmeq" | "cmge" | "cmgt" => integer_zero(head, &owned, &join),
        "uxtb" | "uxth" => {
            let [d, n] = ops else { return None };
            let narrowed = narrow(d)?;
            Some((head.to_vec(), join(&[narrowed, n.to_vec()])))
        }
        "uxtw" => {
            let [d, n] = ops else { return None };
            reg::scalar(d).filter(|r| r.class == Class::X)?;
            let xn = widen(n)?;
            let tail: TokenStream = "# 0, # 32".parse().ok()?;
            Some((
                rename("ubfx"),
                join(&[d.to_vec(), xn, tail.into_iter().collect()]),
            ))
        }
        "fmov" => {
            let [d, src] = ops else { return None };
            let [hash, TokenTree::Literal(l)] = src else {
                return None;
            };
            let text = l.to_string();
            let decimal = text.bytes().all(|b| b.is_ascii_digit()) && text != "0";
            if !is_punct(hash, '#') || !decimal {
                return None;
            }
            let float: TokenStream = format!("# {text}.0").parse().ok()?;
            Some((
                head.to_vec(),
                join(&[d.to_vec(), float.into_iter().collect()]),
            ))
        }
        _ => None,
    }
}

/// `cm<cond> ..., #0`: dynasm spells the compare with zero without `#`.
fn integer_zero(
    head: &[TokenTree],
    ops: &[Vec<TokenTree>],
    join: &dyn Fn(&[Vec<TokenTree>]) -> Vec<TokenTree>,
) -> Option<(Vec<TokenTree>, Vec<TokenTree>)> {
    match ops.last()?.as_slice() {
        [hash, lit] if is_punct(hash, '#') && int_literal(lit) == Some(0) => {
            let mut new = ops.to_vec();
            *new.last_mut()? = vec![lit.clone()];
            Some((head.to_vec(), join(&new)))
        }
        _ => None,
    }
}

/// `fcm<cond> ..., #0` with an integer zero: the same compare with `#0.0`.
fn float_zero(
    head: &[TokenTree],
    ops: &[Vec<TokenTree>],
    join: &dyn Fn(&[Vec<TokenTree>]) -> Vec<TokenTree>,
) -> Option<(Vec<TokenTree>, Vec<TokenTree>)> {
    let last = ops.last()?;
    match last.as_slice() {
        [hash, lit] if is_punct(hash, '#') && int_literal(lit) == Some(0) => {
            let mut new = ops.to_vec();
            let zero: TokenStream = "# 0.0".parse().ok()?;
            *new.last_mut()? = zero.into_iter().collect();
            Some((head.to_vec(), join(&new)))
        }
        _ => None,
    }
}

/// A W register operand as the X register of the same number (`w3` → `x3`, `W(r)` → `X(r)`).
fn widen(op: &[TokenTree]) -> Option<Vec<TokenTree>> {
    renamed(op, Class::W, "x", "xzr", "X")
}

/// An X register operand as the W register of the same number.
fn narrow(op: &[TokenTree]) -> Option<Vec<TokenTree>> {
    renamed(op, Class::X, "w", "wzr", "W")
}

fn renamed(
    op: &[TokenTree],
    from: Class,
    prefix: &str,
    zero: &str,
    family: &str,
) -> Option<Vec<TokenTree>> {
    let r = reg::scalar(op).filter(|r| r.class == from)?;
    let span = op[0].span();
    Some(match (&r.num, op) {
        (Num::Static(31), _) => vec![TokenTree::Ident(Ident::new(zero, span))],
        (Num::Static(n), _) => vec![TokenTree::Ident(Ident::new(&format!("{prefix}{n}"), span))],
        (Num::Dynamic(_), [_, group]) => {
            vec![TokenTree::Ident(Ident::new(family, span)), group.clone()]
        }
        _ => return None,
    })
}

/// 32-bit ADD/ADDS/SUB/SUBS (extended register) with a 64-bit extend (`uxtx`, `sxtx`), and
/// CMP/CMN of that form: the Arm ARM allows every extend with W registers (C6.2.3, `<extend>`
/// is LSL|UXTB|...|SXTX for both sizes), dynasm only the 32-bit ones. Encoded here.
fn extended_w(
    mnemonic: &str,
    ops: &[&[TokenTree]],
    span: Span,
) -> Result<Option<Emit>, CompileError> {
    let compare = matches!(mnemonic, "cmp" | "cmn");
    let regs = if compare { 2 } else { 3 };
    if ops.len() != regs + 1 {
        return Ok(None);
    }
    let extend = match ops[regs] {
        [TokenTree::Ident(e)] => e.to_string(),
        [TokenTree::Ident(e), hash, _] if is_punct(hash, '#') => e.to_string(),
        _ => return Ok(None),
    };
    let option: u32 = match extend.as_str() {
        "uxtx" => 0b011,
        "sxtx" => 0b111,
        _ => return Ok(None),
    };
    let w = [Class::W, Class::Wsp];
    let Some(first) = reg::scalar(ops[0]).filter(|r| w.contains(&r.class)) else {
        return Ok(None);
    };
    let amount: u32 = match ops[regs] {
        [_, _, lit] => match int_literal(lit) {
            Some(a) if a <= 4 => a as u32,
            _ => return Err((span, "the extend amount is a literal 0..=4".into())),
        },
        _ => 0,
    };
    let (rd, rn) = if compare {
        (
            Reg {
                class: Class::W,
                num: Num::Static(31),
            },
            first,
        )
    } else {
        (
            first,
            need_reg(ops.get(1), &w, "a W register or wsp", span)?,
        )
    };
    let rm = need_reg(ops.get(regs - 1), &[Class::W], "a W register", span)?;
    let op: u32 = match mnemonic {
        "add" => 0x0B20_0000,
        "adds" | "cmn" => 0x2B20_0000,
        "sub" => 0x4B20_0000,
        _ => 0x6B20_0000,
    };
    let base = op | option << 13 | amount << 10;
    let (rd, rn, rm) = (rd.value(), rn.value(), rm.value());
    Ok(Some(Emit::Word(quote!(#base | #rm << 16 | #rn << 5 | #rd))))
}

/// FCVTN/FCVTN2 from single to half precision (`fcvtn v0.h4, v1.s4`, `fcvtn2 v0.h8, v1.s4`),
/// which dynasm lacks (Arm ARM C7.2.98, sz = 0). Encoded here.
fn narrow_to_half(mnemonic: &str, ops: &[&[TokenTree]]) -> Option<Emit> {
    let [d, n] = ops else { return None };
    let vector = |op: &[TokenTree], arrangement: &str| -> Option<TokenStream> {
        match op {
            [TokenTree::Ident(v), dot, arr]
                if is_punct(dot, '.') && arr.to_string() == arrangement =>
            {
                let reg = reg::static_reg(&v.to_string()).filter(|r| r.class == Class::V)?;
                Some(reg.value())
            }
            [TokenTree::Ident(fam), TokenTree::Group(g), dot, arr]
                if fam == "V" && is_punct(dot, '.') && arr.to_string() == arrangement =>
            {
                let local = g.stream();
                Some(quote!(((#local) as u32)))
            }
            _ => None,
        }
    };
    let q: u32 = if mnemonic == "fcvtn2" { 1 } else { 0 };
    let rd = vector(d, if q == 1 { "h8" } else { "h4" })?;
    let rn = vector(n, "s4")?;
    let base = 0x0E21_6800u32 | q << 30;
    Some(Emit::Word(quote!(#base | #rn << 5 | #rd)))
}
