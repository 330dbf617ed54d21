//! The front end of [jitkit](../jitkit/index.html): `a64!` and `dynasm!`.
//!
//! jitkit keeps dynasm-rs as its encoder and its aarch64 syntax as its language. This crate
//! reads the statements first and:
//!
//! - evaluates every dynamic operand once, outside the encoder, and range-checks each dynamic
//!   register for the field it lands in (`hoist.rs`), so a register number dynasm would mask
//!   becomes an error value;
//! - rewrites or encodes itself the forms dynasm 5.1 refuses or encodes wrongly: register ranges,
//!   system registers and PSTATE fields by name, prefetch operations, bitfield moves, `fmov` of
//!   zero or a raw immediate, `mov` of any encodable immediate, negative and complemented
//!   logical immediates, explicit `#0` offsets, and a few hint-space names (`rewrite.rs`);
//! - hands each statement to dynasm with the statement's text, so that every error names the
//!   statement as it was written.
//!
//! Use the macros through `jitkit` (`jitkit::a64!`, `jitkit::dynasm!`): the expansion refers to
//! `::jitkit` and `::dynasmrt`.

mod hoist;
mod names;
mod reg;
mod rewrite;
mod tokens;
mod x64;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

use hoist::{Hoisted, Names, RegUse};
use rewrite::Emit;
use tokens::{ident_lower, is_punct, split};

/// `a64! { [let label, ...;] ; statement ; ... }` → `Result<Vec<jitkit::Instruction>, jitkit::Error>`.
///
/// See `jitkit::a64!` for the documentation.
#[proc_macro]
pub fn a64(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    one_shot(input.into(), Arch::Aarch64).into()
}

/// `x64! { [let label, ...;] ; statement ; ... }` → `Result<jitkit::x64::Code, jitkit::Error>`.
///
/// See `jitkit::x64!` for the documentation.
#[proc_macro]
pub fn x64(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    one_shot(input.into(), Arch::X64).into()
}

/// `a64!` and `x64!`: an optional `let a, b;` header of dynamic labels, then the statements.
fn one_shot(input: TokenStream, arch: Arch) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let (labels, body) = match tokens.first().and_then(ident_lower).as_deref() {
        Some("let") => {
            let end = tokens
                .iter()
                .position(|t| is_punct(t, ';'))
                .unwrap_or(tokens.len());
            let labels: Vec<Ident> = split(&tokens[1..end], ',')
                .into_iter()
                .filter_map(|p| match p.as_slice() {
                    [TokenTree::Ident(i)] => Some(i.clone()),
                    _ => None,
                })
                .collect();
            (labels, &tokens[(end + 1).min(tokens.len())..])
        }
        _ => (Vec::new(), &tokens[..]),
    };
    match block(body, arch, false) {
        Ok(block) => block.one_shot(&labels),
        Err(e) => error(e),
    }
}

/// The instruction set of a block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arch {
    Aarch64,
    X64,
}

impl Arch {
    fn name(self) -> &'static str {
        match self {
            Arch::Aarch64 => "aarch64",
            Arch::X64 => "x64",
        }
    }

    /// The assembler type the expansion writes into.
    fn assembler(self) -> TokenStream {
        match self {
            Arch::Aarch64 => quote!(::jitkit::Assembler),
            Arch::X64 => quote!(::jitkit::x64::Assembler),
        }
    }
}

/// `dynasm!(assembler ; .arch aarch64 ; statement ; ...)` on a `jitkit::Assembler`, or with
/// `.arch x64` on a `jitkit::x64::Assembler`, checked as `a64!` and `x64!` are; errors are kept
/// by the assembler and returned by `emit` and `finish`.
///
/// Any other architecture (or no `.arch`, which dynasm reads as x64) goes to dynasm unchanged.
#[proc_macro]
pub fn dynasm(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = TokenStream::from(input);
    let tokens: Vec<TokenTree> = input.clone().into_iter().collect();
    let Some(end) = tokens.iter().position(|t| is_punct(t, ';')) else {
        return quote!(::jitkit::__private::dynasm!(#input)).into();
    };
    let target: TokenStream = tokens[..end].iter().cloned().collect();
    let body = &tokens[end + 1..];
    let arch = split(body, ';').iter().find_map(|s| match s.as_slice() {
        [dot, arch, TokenTree::Ident(a)] if is_punct(dot, '.') && arch.to_string() == "arch" => {
            Some(a.to_string())
        }
        _ => None,
    });
    let arch = match arch.as_deref() {
        Some("aarch64") => Arch::Aarch64,
        Some("x64") => Arch::X64,
        _ => return quote!(::jitkit::__private::dynasm!(#input)).into(),
    };
    match block(body, arch, true) {
        Ok(block) => block.on_assembler(target).into(),
        Err(e) => error(e).into(),
    }
}

fn error((span, message): rewrite::CompileError) -> TokenStream {
    quote_spanned!(span=> ::core::compile_error!(#message))
}

/// One statement, ready to expand.
struct Stmt {
    source: String,
    checks: Vec<TokenStream>,
    emit: Emit,
}

/// A parsed and rewritten block of statements.
struct Block {
    arch: Arch,
    /// `.alias` and `.feature` directives: repeated before every statement.
    context: Vec<TokenStream>,
    lets: Vec<TokenStream>,
    stmts: Vec<Stmt>,
}

fn block(body: &[TokenTree], arch: Arch, allow_arch: bool) -> Result<Block, rewrite::CompileError> {
    let mut names = Names::new();
    let mut out = Block {
        arch,
        context: Vec::new(),
        lets: Vec::new(),
        stmts: Vec::new(),
    };
    for stmt in split(body, ';') {
        if stmt.is_empty() {
            continue;
        }
        let source = tokens::print(&stmt);
        // A directive.
        if is_punct(&stmt[0], '.') {
            let name = stmt.get(1).and_then(ident_lower).unwrap_or_default();
            match name.as_str() {
                "arch" => {
                    let named = stmt.get(2).and_then(ident_lower).unwrap_or_default();
                    if named != arch.name() || !allow_arch {
                        return Err((
                            stmt[0].span(),
                            format!(
                                "this block is {} code; `{source}` is not allowed here",
                                arch.name()
                            ),
                        ));
                    }
                }
                "alias" | "feature" => out.context.push(tokens::stream(&stmt)),
                _ => out.stmts.push(Stmt {
                    source,
                    checks: Vec::new(),
                    emit: Emit::Dynasm(stmt),
                }),
            }
            continue;
        }
        // A label definition: `name:`, `->name:`, `=>expr`.
        let label = matches!(stmt.as_slice(), [TokenTree::Ident(_), c] if is_punct(c, ':'))
            || (is_punct(&stmt[0], '-') && stmt.len() == 4)
            || (is_punct(&stmt[0], '=') && stmt.get(1).is_some_and(|t| is_punct(t, '>')));
        if label {
            let mut hoisted = Hoisted::default();
            let tokens = hoist::instruction(&stmt, &mut names, &mut hoisted);
            out.lets.extend(hoisted.lets);
            out.stmts.push(Stmt {
                source,
                checks: Vec::new(),
                emit: Emit::Dynasm(tokens),
            });
            continue;
        }
        // An instruction: mnemonic (with `.part`s), then operands.
        let mut head_len = 1;
        while stmt.len() > head_len + 1
            && is_punct(&stmt[head_len], '.')
            && matches!(stmt[head_len + 1], TokenTree::Ident(_))
        {
            head_len += 2;
        }
        let head = &stmt[..head_len];
        let mnemonic: String = head
            .iter()
            .map(|t| t.to_string().to_ascii_lowercase())
            .collect();
        if arch == Arch::X64 {
            let mut hoisted = x64::Hoisted::default();
            let operands = x64::instruction(&stmt[head_len..], &mut names, &mut hoisted);
            out.lets.extend(hoisted.lets);
            let mut tokens = head.to_vec();
            tokens.extend(operands);
            out.stmts.push(Stmt {
                source,
                checks: hoisted.checks,
                emit: Emit::Dynasm(tokens),
            });
            continue;
        }
        let mut hoisted = Hoisted::default();
        let operands = hoist::instruction(&stmt[head_len..], &mut names, &mut hoisted);
        let mut checks: Vec<TokenStream> = hoisted
            .regs
            .iter()
            .map(|r| register_check(&mnemonic, r))
            .collect();
        checks.extend(rewrite::checks(&mnemonic, &operands));
        out.lets.extend(hoisted.lets);
        let emit = rewrite::instruction(&mnemonic, head, &operands)?;
        out.stmts.push(Stmt {
            source,
            checks,
            emit,
        });
    }
    Ok(out)
}

/// The range check of one dynamic register, for the field it lands in.
///
/// dynasm encodes a dynamic register into a 5-bit field by masking, into the 4-bit `Vm` of
/// by-element half-word forms by masking to 4 bits, into the even-register fields of CASP by
/// clearing bit 0, and takes 31 in the post-index register of structure loads and stores as the
/// immediate form: each of those silently changes the instruction, so each is checked here.
fn register_check(mnemonic: &str, r: &RegUse) -> TokenStream {
    let local = &r.local;
    let class = reg::Class::family(&r.family).unwrap_or(reg::Class::V);
    let casp = mnemonic.starts_with("casp");
    let structure = {
        let m = mnemonic.trim_end_matches('r');
        matches!(
            m,
            "ld1" | "ld2" | "ld3" | "ld4" | "st1" | "st2" | "st3" | "st4"
        )
    };
    let (max, even, allowed): (u8, bool, &str) = if casp && (r.operand == 0 || r.operand == 2) {
        (
            30,
            true,
            "an even register number 0..=30 (the first of a consecutive pair)",
        )
    } else if r.h_element && names::by_element(mnemonic) {
        (
            15,
            false,
            "v0..=v15 (the by-element operand of a half-word form has a 4-bit field)",
        )
    } else if structure && !r.in_reference && r.operand >= 2 {
        (
            30,
            false,
            "x0..=x30 (register 31 would select the immediate post-index form)",
        )
    } else {
        use reg::Class::*;
        let allowed = match class {
            X => "0..=31 (x0..=x30, or 31 for xzr)",
            W => "0..=31 (w0..=w30, or 31 for wzr)",
            Xsp => "0..=31 (x0..=x30, or 31 for sp)",
            Wsp => "0..=31 (w0..=w30, or 31 for wsp)",
            _ => "0..=31 (v0..=v31)",
        };
        (31, false, allowed)
    };
    quote!(::jitkit::__private::register(#local, #max, #even, #allowed)?;)
}

impl Block {
    fn sources(&self) -> TokenStream {
        let sources = self.stmts.iter().map(|s| &s.source);
        quote!(&[#(#sources),*])
    }

    /// The closure that checks and encodes every statement.
    fn body(&self) -> TokenStream {
        let asm = Ident::new("__jk_asm", Span::mixed_site());
        let at = Ident::new("__jk_at", Span::mixed_site());
        let context = &self.context;
        let arch = Ident::new(self.arch.name(), Span::call_site());
        let assembler = self.arch.assembler();
        let stmts = self.stmts.iter().enumerate().map(|(i, s)| {
            let checks = &s.checks;
            let emit = match &s.emit {
                Emit::Dynasm(tokens) => {
                    let tokens: TokenStream = tokens.iter().cloned().collect();
                    quote!(::jitkit::__private::dynasm!(#asm ; .arch #arch #(; #context)* ; #tokens);)
                }
                Emit::Word(word) => {
                    quote!(::jitkit::__private::DynasmApi::push_u32(#asm, #word);)
                }
                Emit::Fallible(word) => {
                    quote!(::jitkit::__private::DynasmApi::push_u32(#asm, (#word)?);)
                }
            };
            quote!(#at.set(#i); #(#checks)* #emit)
        });
        quote!(
            |#asm: &mut #assembler, #at: &::core::cell::Cell<usize>|
                -> ::core::result::Result<(), ::jitkit::__private::Fault> {
                #[allow(unused_imports)]
                use ::jitkit::__private::{DynasmApi as _, DynasmLabelApi as _};
                #(#stmts)*
                ::core::result::Result::Ok(())
            }
        )
    }

    fn one_shot(&self, labels: &[Ident]) -> TokenStream {
        let owned = Ident::new("__jk_owned", Span::mixed_site());
        let lets = &self.lets;
        let names = labels.iter().map(Ident::to_string);
        let body = self.body();
        let sources = self.sources();
        let result = Ident::new("__jk_result", Span::mixed_site());
        let assembler = self.arch.assembler();
        quote!({
            let mut #owned = #assembler::new();
            #( let #labels = #owned.new_named_label(#names); )*
            #(#lets)*
            let #result = ::jitkit::__private::run(&mut #owned, #sources, #body);
            ::jitkit::__private::finish(&mut #owned, #result)
        })
    }

    fn on_assembler(&self, target: TokenStream) -> TokenStream {
        let lets = &self.lets;
        let body = self.body();
        let sources = self.sources();
        let asm = Ident::new("__jk_target", Span::mixed_site());
        let assembler = self.arch.assembler();
        let result = Ident::new("__jk_result", Span::mixed_site());
        quote!({
            #[allow(unused_imports)]
            use ::jitkit::__private::Target as _;
            #(#lets)*
            let #asm: &mut #assembler = (#target).__jitkit_assembler();
            let #result = ::jitkit::__private::run(#asm, #sources, #body);
            ::jitkit::__private::record(#asm, #result);
        })
    }
}
