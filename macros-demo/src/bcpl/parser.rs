//! Tokens to the syntax tree: recursive descent with the precedence of Richards' compiler.
//!
//! Expressions, tightest first: calls `f(...)`; the infix `v!i` and `s%i`; prefix `!` `@`;
//! `*` `/` `MOD`; `+` `-` (and prefix `+` `-` `ABS`); relations (chains such as `a < b < c`)
//! and the shifts `<<` `>>` at one level; prefix `~`/`NOT`; `&`; `|`; `EQV` `XOR`/`NEQV`;
//! and loosest the right-associative `c -> a, b`. Prefix `~` takes a whole relation: `~a = b`
//! is `~(a = b)`.
//!
//! Commands end at `;` or at a line break, and so does an expression: an infix operator at the
//! start of a line begins a new command (`!p := 1`), as in BCPL's own compiler.
//!
//! Errors do not stop the parse: the parser records the error, skips to the next line or `;`
//! that can start a command (or the next top-level declaration), and goes on, so one run
//! reports every error up to [`MAX_ERRORS`].
//!
//! Nesting is bounded ([`MAX_DEPTH`]): the tree is walked recursively later (and dropped
//! recursively), so a pathological input gets a located error instead of a stack overflow.

use super::ast::*;
use super::diag::{Pos, SourceError};
use super::float::FltOp;
use super::headers;
use super::lexer::{Kw, Sym, Tok, Token, MAX_ERRORS};

mod patterns;

/// How deeply expressions and commands may nest (operands of one operator chain count too).
pub const MAX_DEPTH: usize = 1000;

/// Parses a whole program, or returns every error found (at most [`MAX_ERRORS`]).
pub fn parse(tokens: &[Token]) -> Result<Program, Vec<SourceError>> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
        errors: Vec::new(),
        tags: Vec::new(),
        in_match: 0,
        floats: tokens.iter().any(|t| {
            matches!(
                t.tok,
                Tok::Float(_) | Tok::FltOp(_) | Tok::Kw(Kw::Float | Kw::Fix | Kw::Flt)
            )
        }),
    };
    let prog = p.program();
    if p.errors.is_empty() {
        Ok(prog)
    } else {
        p.errors.truncate(MAX_ERRORS);
        Err(p.errors)
    }
}

struct Parser<'t> {
    toks: &'t [Token],
    i: usize,
    depth: usize,
    errors: Vec<SourceError>,
    /// Tags of the open section brackets, innermost last.
    tags: Vec<String>,
    /// Whether any token is a floating-point one (see [`Program::floats`]).
    floats: bool,
    /// How many match items' bodies enclose the current token (where `NEXT` and `EXIT` are
    /// commands).
    in_match: usize,
}

type R<T> = Result<T, SourceError>;

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("name `{n}`"),
        Tok::Num(n) => format!("number {n}"),
        Tok::Float(x) => format!("number {}", f64::from_bits(*x as u64)),
        Tok::FltOp(op) => format!("the floating-point operator {op:?}"),
        Tok::Str(_) => "a string".to_string(),
        Tok::Kw(k) => format!("`{}`", format!("{k:?}").to_uppercase()),
        Tok::Sym(s) => format!("`{}`", sym_text(*s)),
        Tok::Eof => "the end of the file".to_string(),
    }
}

fn sym_text(s: Sym) -> &'static str {
    match s {
        Sym::LParen => "(",
        Sym::RParen => ")",
        Sym::LBlock => "$(",
        Sym::RBlock => "$)",
        Sym::Comma => ",",
        Sym::Semi => ";",
        Sym::Assign => ":=",
        Sym::Plus => "+",
        Sym::Minus => "-",
        Sym::Star => "*",
        Sym::Slash => "/",
        Sym::Bang => "!",
        Sym::Tilde => "~",
        Sym::Amp => "&",
        Sym::Bar => "|",
        Sym::Eq => "=",
        Sym::Ne => "~=",
        Sym::Lt => "<",
        Sym::Le => "<=",
        Sym::Gt => ">",
        Sym::Ge => ">=",
        Sym::Shl => "<<",
        Sym::Shr => ">>",
        Sym::Arrow => "->",
        Sym::Method => "#",
        Sym::Colon => ":",
        Sym::At => "@",
        Sym::Percent => "%",
        Sym::Query => "?",
        Sym::LBracket => "[",
        Sym::RBracket => "]",
        Sym::Seq => "<>",
        Sym::Of => "::",
        Sym::Dot => ".",
        Sym::Yields => "=>",
        Sym::FltRange => "#..",
    }
}

/// The command a jump keyword (`RETURN`, `BREAK`, `LOOP`, `FINISH`, `ENDCASE`) stands for.
fn jump_command(kw: Kw) -> StmtKind {
    match kw {
        Kw::Return => StmtKind::Return,
        Kw::Break => StmtKind::Break,
        Kw::Loop => StmtKind::Loop,
        Kw::Finish => StmtKind::Finish,
        _ => StmtKind::Endcase,
    }
}

fn relop(t: &Tok) -> Option<RelOp> {
    Some(match t {
        Tok::Sym(Sym::Eq) => RelOp::Eq,
        Tok::Sym(Sym::Ne) => RelOp::Ne,
        Tok::Sym(Sym::Lt) => RelOp::Lt,
        Tok::Sym(Sym::Le) => RelOp::Le,
        Tok::Sym(Sym::Gt) => RelOp::Gt,
        Tok::Sym(Sym::Ge) => RelOp::Ge,
        _ => return None,
    })
}

/// Builds the node of an infix operator from its operands.
type Infix = fn(Box<Expr>, Box<Expr>) -> ExprKind;

/// A binary operator: on integers, or on floating-point values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Int(BinOp),
    Flt(FltOp),
    /// `!` in `p !:= i`: `p := p!i`.
    Index,
}

impl Op {
    fn build(self, a: Expr, b: Expr) -> ExprKind {
        match self {
            Op::Int(op) => ExprKind::Binary(op, Box::new(a), Box::new(b)),
            Op::Flt(op) => ExprKind::Flt(op, vec![a, b]),
            Op::Index => ExprKind::Index(Box::new(a), Box::new(b)),
        }
    }
}

/// An infix operator's precedence (higher binds tighter) and meaning.
fn infix(t: &Tok) -> Option<(u8, Op)> {
    Some(match t {
        Tok::Sym(Sym::Star) => (6, Op::Int(BinOp::Mul)),
        Tok::Sym(Sym::Slash) => (6, Op::Int(BinOp::Div)),
        Tok::Kw(Kw::Mod) => (6, Op::Int(BinOp::Mod)),
        Tok::Sym(Sym::Plus) => (5, Op::Int(BinOp::Add)),
        Tok::Sym(Sym::Minus) => (5, Op::Int(BinOp::Sub)),
        Tok::Sym(Sym::Amp) => (3, Op::Int(BinOp::And)),
        Tok::Sym(Sym::Bar) => (2, Op::Int(BinOp::Or)),
        Tok::Kw(Kw::Xor) => (1, Op::Int(BinOp::Xor)),
        Tok::Kw(Kw::Eqv) => (1, Op::Int(BinOp::Eqv)),
        Tok::FltOp(op @ (FltOp::Mul | FltOp::Div | FltOp::Mod)) => (6, Op::Flt(*op)),
        Tok::FltOp(op @ (FltOp::Add | FltOp::Sub)) => (5, Op::Flt(*op)),
        _ => return None,
    })
}

/// A floating-point relation (`#<`, `#=`, ...).
/// A relational operator: of words, or of floating-point values (`#<`).
#[derive(Clone, Copy)]
enum Rel {
    Word(RelOp),
    Flt(FltOp),
}

fn relation(t: &Tok) -> Option<Rel> {
    match t {
        Tok::FltOp(
            op @ (FltOp::Eq | FltOp::Ne | FltOp::Lt | FltOp::Gt | FltOp::Le | FltOp::Ge),
        ) => Some(Rel::Flt(*op)),
        _ => relop(t).map(Rel::Word),
    }
}

/// The operator of `op:=` (`+:=`, `MOD:=`, `<<:=`, `#*:=`, ...): an infix operator or shift.
fn assign_op(t: &Tok) -> Option<Op> {
    match t {
        Tok::Sym(Sym::Shl) => Some(Op::Int(BinOp::Shl)),
        Tok::Sym(Sym::Shr) => Some(Op::Int(BinOp::Shr)),
        Tok::Sym(Sym::Bang) => Some(Op::Index),
        _ => infix(t).map(|(_, op)| op),
    }
}

/// An error unless `target` is something `:=` can assign to.
fn assignable(target: &Expr) -> R<()> {
    match target.kind {
        ExprKind::Name(_)
        | ExprKind::Deref(_)
        | ExprKind::Index(..)
        | ExprKind::Byte(..)
        | ExprKind::Of(..) => Ok(()),
        _ => Err(SourceError::new(
            target.pos,
            "cannot assign to this: only a name, `v!i`, `!p`, `s%i` or `f OF p` can be assigned",
        )),
    }
}

/// Whether evaluating `e` twice is the same as once: names, constants, and operators over
/// them, with no call, `VALOF` or `TABLE` (each of which may have effects or make new storage).
fn repeatable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Fnum(_) | ExprKind::Bool(_) | ExprKind::Name(_) => true,
        ExprKind::Flt(_, xs) => xs.iter().all(repeatable),
        ExprKind::Neg(x) | ExprKind::Abs(x) | ExprKind::Not(x) | ExprKind::Deref(x) => {
            repeatable(x)
        }
        ExprKind::Index(a, b)
        | ExprKind::Byte(a, b)
        | ExprKind::Binary(_, a, b)
        | ExprKind::Of(a, b) => repeatable(a) && repeatable(b),
        ExprKind::Slct(xs) => xs.iter().all(repeatable),
        _ => false,
    }
}

/// Whether `t` can only start a command, not carry on the expression before it: a command
/// keyword, a name, `!` or a block.
fn starts_command(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Name(_)
            | Tok::Sym(Sym::Bang | Sym::LBlock)
            | Tok::Kw(
                Kw::Let
                    | Kw::Global
                    | Kw::Static
                    | Kw::Manifest
                    | Kw::If
                    | Kw::Unless
                    | Kw::Test
                    | Kw::While
                    | Kw::Until
                    | Kw::For
                    | Kw::Switchon
                    | Kw::Goto
                    | Kw::Resultis
                    | Kw::Return
                    | Kw::Break
                    | Kw::Loop
                    | Kw::Finish
                    | Kw::Skip
                    | Kw::Endcase
                    | Kw::Case
                    | Kw::Default
            )
    )
}

impl<'t> Parser<'t> {
    /// The operator of an `op:=` that starts at the current token, if one does: the operator
    /// and `:=` on the same line.
    /// Whether `NEXT` or `EXIT` begins a command here: in a match item's body, on its own
    /// (not called, assigned or subscripted, as a variable of that name would be).
    fn match_command_ahead(&self) -> bool {
        let Tok::Name(n) = self.peek() else {
            return false;
        };
        self.in_match > 0
            && patterns::match_command(n).is_some()
            && self.op_assign_ahead().is_none()
            && !self.used_as_variable(true)
    }

    /// Whether the name here is `NEXT` or `EXIT` (upper case) used as an expression in a match
    /// item (`x -> EXIT, 200`): not called, subscripted or selected from.
    fn match_jump_in_expression(&self) -> bool {
        let Tok::Name(n) = self.peek() else {
            return false;
        };
        self.in_match > 0
            && patterns::upper_match_command(n).is_some()
            && !self.used_as_variable(false)
    }

    /// Whether the token after the name here, on the same line, makes the name a variable: a
    /// call `(`, a subscript `!`, `%` or `[`, a field `OF` or `::`, and in a command also `:=`
    /// or `,` (a simultaneous assignment).
    fn used_as_variable(&self, in_command: bool) -> bool {
        self.toks.get(self.i + 1).is_some_and(|t| {
            !t.newline_before
                && match &t.tok {
                    Tok::Sym(Sym::Assign | Sym::Comma) => in_command,
                    Tok::Sym(Sym::LParen | Sym::Bang | Sym::Percent | Sym::Of | Sym::LBracket)
                    | Tok::Kw(Kw::Of) => true,
                    _ => false,
                }
        })
    }

    fn op_assign_ahead(&self) -> Option<Op> {
        let next = self.toks.get(self.i + 1)?;
        if next.tok != Tok::Sym(Sym::Assign) || next.newline_before {
            return None;
        }
        assign_op(self.peek())
    }

    fn tok(&self) -> &'t Token {
        // The token list always ends with Eof and the parser never moves past it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek(&self) -> &'t Tok {
        &self.tok().tok
    }

    fn pos(&self) -> Pos {
        self.tok().pos
    }

    fn advance(&mut self) -> &'t Token {
        let t = self.tok();
        if t.tok != Tok::Eof {
            self.i += 1;
        }
        t
    }

    fn is_sym(&self, s: Sym) -> bool {
        *self.peek() == Tok::Sym(s)
    }

    fn is_kw(&self, k: Kw) -> bool {
        *self.peek() == Tok::Kw(k)
    }

    fn eat_sym(&mut self, s: Sym) -> bool {
        let yes = self.is_sym(s);
        if yes {
            self.advance();
        }
        yes
    }

    fn eat_kw(&mut self, k: Kw) -> bool {
        let yes = self.is_kw(k);
        if yes {
            self.advance();
        }
        yes
    }

    fn error<T>(&self, what: &str) -> R<T> {
        let message = format!("expected {what}, found {}", describe(self.peek()));
        Err(SourceError::new(self.pos(), message))
    }

    fn expect_sym(&mut self, s: Sym) -> R<()> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            self.error(&format!("`{}`", sym_text(s)))
        }
    }

    /// A name being declared, with whether the `FLT` tag precedes it.
    fn tagged_name(&mut self) -> R<(String, Pos, bool)> {
        let flt = self.eat_kw(Kw::Flt);
        let (name, pos) = self.name()?;
        Ok((name, pos, flt))
    }

    fn name(&mut self) -> R<(String, Pos)> {
        match self.peek() {
            Tok::Name(n) => {
                let pos = self.pos();
                self.advance();
                Ok((n.clone(), pos))
            }
            _ => self.error("a name"),
        }
    }

    /// The items of a comma-separated list whose `(` has been read, through its `)`.
    fn list<T>(&mut self, item: fn(&mut Self) -> R<T>) -> R<Vec<T>> {
        let mut items = Vec::new();
        while !self.eat_sym(Sym::RParen) {
            if !items.is_empty() {
                self.expect_sym(Sym::Comma)?;
            }
            items.push(item(self)?);
        }
        Ok(items)
    }

    /// Enters one level of nesting; the caller restores `self.depth` when done.
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SourceError::new(
                self.pos(),
                format!("nesting is too deep (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    /// Records `e`; whether parsing should go on.
    fn record(&mut self, e: SourceError) -> bool {
        let fatal = e.message.contains("too deep");
        self.errors.push(e);
        !fatal && self.errors.len() < MAX_ERRORS
    }

    /// After an error inside a block: skips to where the next command can start (a `;`, a
    /// line break, or the block's end), leaving that token unread.
    fn skip_command(&mut self) {
        let start = self.i;
        loop {
            let t = self.tok();
            match t.tok {
                Tok::Eof | Tok::Sym(Sym::RBlock) => return,
                Tok::Sym(Sym::Semi) => {
                    self.advance();
                    return;
                }
                _ if t.newline_before && self.i > start => return,
                _ => {
                    self.advance();
                }
            }
        }
    }

    /// After an error in a top-level declaration: skips to the next declaration keyword at the
    /// start of a line.
    fn skip_decl(&mut self) {
        self.advance();
        loop {
            let t = self.tok();
            let starts = matches!(
                t.tok,
                Tok::Kw(
                    Kw::Let
                        | Kw::Global
                        | Kw::Static
                        | Kw::Manifest
                        | Kw::Get
                        | Kw::Section
                        | Kw::Needs
                        | Kw::And
                )
            );
            if t.tok == Tok::Eof || (starts && t.newline_before) {
                return;
            }
            self.advance();
        }
    }

    fn program(&mut self) -> Program {
        let mut decls = Vec::new();
        let mut sections = Vec::new();
        // Declarations until the end of the file, or until there are too many errors.
        loop {
            let r = match self.peek() {
                Tok::Eof => break,
                Tok::Sym(Sym::Semi) => {
                    self.advance();
                    continue;
                }
                Tok::Sym(Sym::Dot) => {
                    self.advance();
                    if sections.last() != Some(&decls.len()) && !decls.is_empty() {
                        sections.push(decls.len());
                    }
                    continue;
                }
                Tok::Kw(kw @ (Kw::Get | Kw::Section | Kw::Needs)) => {
                    let kw = *kw;
                    self.advance();
                    match self.peek() {
                        Tok::Str(name) if kw == Kw::Get && !headers::is_libhdr(name) => {
                            Err(SourceError::new(
                                self.pos(),
                                format!(
                                    "not supported: GET \"{}\": no such header beside the \
                                     source file, in the current directory or in BCPLHDRS \
                                     (libhdr is built in)",
                                    String::from_utf8_lossy(name)
                                ),
                            ))
                        }
                        Tok::Str(_) => {
                            self.advance();
                            Ok(())
                        }
                        _ => self.error("a string naming the header or section"),
                    }
                }
                Tok::Kw(Kw::Let | Kw::Global | Kw::Static | Kw::Manifest) => {
                    self.declaration().map(|d| decls.push(d))
                }
                _ => self.error("a declaration: `LET`, `GLOBAL`, `STATIC` or `MANIFEST`"),
            };
            if let Err(e) = r {
                if !self.record(e) {
                    break;
                }
                self.skip_decl();
            }
        }
        Program {
            decls,
            floats: self.floats,
            sections,
            prelude: 0,
        }
    }

    /// `LET ... AND ...`, `GLOBAL {...}`, `STATIC {...}` or `MANIFEST {...}`.
    fn declaration(&mut self) -> R<Decl> {
        let kw = self.advance().tok.clone();
        match kw {
            Tok::Kw(Kw::Let) => {
                let mut items = vec![self.let_item()?];
                while self.eat_kw(Kw::And) {
                    items.push(self.let_item()?);
                }
                Ok(Decl::Let(items))
            }
            Tok::Kw(Kw::Global) => Ok(Decl::Global(self.entries(Sym::Colon)?)),
            Tok::Kw(Kw::Static) => Ok(Decl::Static(self.entries(Sym::Eq)?)),
            _ => Ok(Decl::Manifest(self.entries(Sym::Eq)?)),
        }
    }

    /// `{ name [sep k] ; ... }`, `sep` being `:` or `=` (either is accepted). The `;` between
    /// entries is optional even on one line, as in Cintcode's `rdcdefs` (`MANIFEST { a; b c }`
    /// declares three names).
    fn entries(&mut self, _sep: Sym) -> R<Vec<Entry>> {
        self.expect_sym(Sym::LBlock)?;
        let mut out = Vec::new();
        loop {
            while self.eat_sym(Sym::Semi) || self.eat_sym(Sym::Comma) {}
            if self.eat_sym(Sym::RBlock) {
                return Ok(out);
            }
            let (name, pos, flt) = self.tagged_name()?;
            let value = if self.eat_sym(Sym::Colon) || self.eat_sym(Sym::Eq) {
                Some(self.expr()?)
            } else {
                None
            };
            out.push(Entry {
                name,
                pos,
                value,
                flt,
            });
        }
    }

    /// `f(params) = e`, `r(params) BE c`, or `a, b = x, VEC n`.
    fn let_item(&mut self) -> R<LetItem> {
        let (name, pos, flt) = self.tagged_name()?;
        if self.is_sym(Sym::Colon) {
            let list = self.match_list()?;
            let params = (0..list.args())
                .map(|k| (format!("${k}"), pos, false))
                .collect();
            return Ok(LetItem::Func(Box::new(FnDef {
                name,
                pos,
                params,
                body: Body::Patterns(list),
            })));
        }
        if self.eat_sym(Sym::LParen) {
            let params = self.list(Self::tagged_name)?;
            let body = if self.eat_sym(Sym::Eq) {
                Body::Function(self.expr()?)
            } else if self.eat_kw(Kw::Be) {
                Body::Routine(*self.arm()?)
            } else {
                return self.error("`=` (a function) or `BE` (a routine)");
            };
            return Ok(LetItem::Func(Box::new(FnDef {
                name,
                pos,
                params,
                body,
            })));
        }
        let mut names = vec![(name, flt)];
        while self.eat_sym(Sym::Comma) {
            let (name, _, flt) = self.tagged_name()?;
            names.push((name, flt));
        }
        self.expect_sym(Sym::Eq)?;
        let mut out = Vec::with_capacity(names.len());
        for (k, (name, flt)) in names.into_iter().enumerate() {
            if k > 0 {
                self.expect_sym(Sym::Comma)?;
            }
            let init = if self.eat_kw(Kw::Vec) {
                Init::Vec(self.expr()?)
            } else {
                Init::Value(self.expr()?)
            };
            out.push((name, init, flt));
        }
        Ok(LetItem::Vars(out, pos))
    }

    /// `$( c; c ... $)` or `{ ... }`: commands separated by `;` or line breaks. A tagged
    /// `$)tag` also closes the inner sections still open.
    fn block(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let tag = self.tok().tag.clone();
        self.expect_sym(Sym::LBlock)?;
        self.tags.push(tag);
        let r = self.block_body(pos);
        self.tags.pop();
        r
    }

    fn block_body(&mut self, pos: Pos) -> R<Stmt> {
        let mut body = Vec::new();
        loop {
            while self.eat_sym(Sym::Semi) {}
            let t = self.tok();
            if t.tok == Tok::Sym(Sym::RBlock) {
                let mine = self.tags.last().map(String::as_str).unwrap_or("");
                if t.tag.is_empty() || t.tag == mine {
                    self.advance();
                } else if !self.tags.contains(&t.tag) {
                    return Err(SourceError::new(
                        t.pos,
                        format!("`$){}` closes no open section", t.tag),
                    ));
                }
                // Otherwise an outer section's tag: this one closes implicitly.
                return Ok(Stmt {
                    pos,
                    kind: StmtKind::Block(body),
                });
            }
            if t.tok == Tok::Eof {
                return Err(SourceError::new(
                    t.pos,
                    format!("expected `$)` to close the block opened at line {}, found the end of the file", super::diag::split_line(pos.line).1),
                ));
            }
            match self.labelled() {
                Ok(cmds) => {
                    body.extend(cmds);
                    let t = self.tok();
                    // Cintcode's `rdseq` reads the next command straight after one, so
                    // `a := 0  b := 1` is two; a token that cannot start one is an error.
                    if !(matches!(t.tok, Tok::Sym(Sym::Semi | Sym::RBlock) | Tok::Eof)
                        || t.newline_before
                        || starts_command(&t.tok))
                    {
                        let e = self
                            .error::<()>("`;` or a line break after the command")
                            .unwrap_err();
                        if !self.record(e) {
                            return Err(self
                                .errors
                                .pop()
                                .unwrap_or_else(|| SourceError::new(pos, "too many errors")));
                        }
                        self.skip_command();
                    }
                }
                Err(e) => {
                    if !self.record(e) {
                        // Hand the last error back so that the caller stops too.
                        return Err(self
                            .errors
                            .pop()
                            .unwrap_or_else(|| SourceError::new(pos, "too many errors")));
                    }
                    self.skip_command();
                }
            }
        }
    }

    /// A command with its labels (`name:`, `CASE k:`, `DEFAULT:`) in front, each label its
    /// own statement. A label may stand alone before the end of a block.
    fn labelled(&mut self) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        loop {
            let pos = self.pos();
            let kind = match self.peek() {
                Tok::Name(n)
                    if self
                        .toks
                        .get(self.i + 1)
                        .is_some_and(|t| t.tok == Tok::Sym(Sym::Colon))
                        && !self.match_command_ahead() =>
                {
                    let n = n.clone();
                    self.advance();
                    self.advance();
                    StmtKind::Label(n)
                }
                Tok::Kw(Kw::Case) => {
                    self.advance();
                    let k = self.expr()?;
                    self.expect_sym(Sym::Colon)?;
                    StmtKind::Case(k)
                }
                Tok::Kw(Kw::Default) => {
                    self.advance();
                    self.expect_sym(Sym::Colon)?;
                    StmtKind::Default
                }
                Tok::Sym(Sym::RBlock | Sym::Semi) | Tok::Eof if !out.is_empty() => return Ok(out),
                _ => {
                    out.push(self.command()?);
                    return Ok(out);
                }
            };
            out.push(Stmt { pos, kind });
        }
    }

    /// A command: simple commands joined by `<>`, then any `REPEAT` clauses, which apply to
    /// the whole sequence.
    fn command(&mut self) -> R<Stmt> {
        let saved = self.depth;
        self.enter()?;
        let mut stmt = self.simple_command()?;
        if self.is_sym(Sym::Seq) {
            let pos = stmt.pos;
            let mut cmds = vec![stmt];
            while self.eat_sym(Sym::Seq) {
                self.enter()?;
                cmds.push(self.simple_command()?);
            }
            stmt = Stmt {
                pos,
                kind: StmtKind::Block(cmds),
            };
        }
        loop {
            let pos = self.pos();
            let cond = if self.eat_kw(Kw::Repeat) {
                None
            } else if self.eat_kw(Kw::RepeatWhile) {
                Some((self.expr()?, false))
            } else if self.eat_kw(Kw::RepeatUntil) {
                Some((self.expr()?, true))
            } else {
                break;
            };
            self.enter()?;
            stmt = Stmt {
                pos,
                kind: StmtKind::Repeat {
                    body: Box::new(stmt),
                    cond,
                },
            };
        }
        self.depth = saved;
        Ok(stmt)
    }

    /// The command after `DO`, `THEN`, `ELSE` or `INTO`: labels in front make it a block.
    fn arm(&mut self) -> R<Box<Stmt>> {
        let pos = self.pos();
        let mut cmds = self.labelled()?;
        Ok(Box::new(if cmds.len() == 1 {
            cmds.pop().unwrap_or(Stmt {
                pos,
                kind: StmtKind::Block(Vec::new()),
            })
        } else {
            Stmt {
                pos,
                kind: StmtKind::Block(cmds),
            }
        }))
    }

    fn optional_do(&mut self) {
        if !self.eat_kw(Kw::Do) {
            self.eat_kw(Kw::Then);
        }
    }

    fn simple_command(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Sym(Sym::LBlock) => return self.block(),
            Tok::Kw(Kw::Let | Kw::Global | Kw::Static | Kw::Manifest) => {
                StmtKind::Decl(self.declaration()?)
            }
            Tok::Kw(k @ (Kw::If | Kw::Unless)) => {
                let negate = *k == Kw::Unless;
                self.advance();
                let cond = self.expr()?;
                self.optional_do();
                StmtKind::If {
                    cond,
                    negate,
                    then: self.arm()?,
                }
            }
            Tok::Kw(Kw::Test) => {
                self.advance();
                let cond = self.expr()?;
                self.optional_do();
                let then = self.arm()?;
                if !self.eat_kw(Kw::Else) {
                    return self.error("`ELSE` (or `OR`) in a TEST command");
                }
                StmtKind::Test {
                    cond,
                    then,
                    otherwise: self.arm()?,
                }
            }
            Tok::Kw(k @ (Kw::While | Kw::Until)) => {
                let negate = *k == Kw::Until;
                self.advance();
                let cond = self.expr()?;
                self.optional_do();
                StmtKind::While {
                    cond,
                    negate,
                    body: self.arm()?,
                }
            }
            Tok::Kw(Kw::For) => {
                self.advance();
                let var = self.name()?.0;
                self.expect_sym(Sym::Eq)?;
                let from = self.expr()?;
                if !self.eat_kw(Kw::To) {
                    return self.error("`TO` in a FOR command");
                }
                let to = self.expr()?;
                let by = if self.eat_kw(Kw::By) {
                    Some(self.expr()?)
                } else {
                    None
                };
                self.optional_do();
                StmtKind::For(ForLoop {
                    var,
                    from,
                    to,
                    by,
                    body: self.arm()?,
                })
            }
            Tok::Kw(Kw::Switchon) => {
                self.advance();
                let value = self.expr()?;
                if !self.eat_kw(Kw::Into) {
                    return self.error("`INTO` in a SWITCHON command");
                }
                // The body is a section, not a command: `SWITCHON c INTO { ... } REPEAT`
                // repeats the whole SWITCHON (Cintcode reads the body with `rdsect`).
                StmtKind::Switchon {
                    value,
                    body: Box::new(self.block()?),
                }
            }
            Tok::Kw(Kw::Goto) => {
                self.advance();
                StmtKind::Goto(self.expr()?)
            }
            Tok::Kw(Kw::Resultis) => {
                self.advance();
                StmtKind::Resultis(self.expr()?)
            }
            Tok::Kw(Kw::Skip) => {
                self.advance();
                StmtKind::Block(Vec::new())
            }
            Tok::Name(n) if self.match_command_ahead() => {
                let kind = patterns::match_command(n).unwrap_or(StmtKind::Next);
                self.advance();
                kind
            }
            Tok::Kw(kw @ (Kw::Return | Kw::Break | Kw::Loop | Kw::Finish | Kw::Endcase)) => {
                self.advance();
                jump_command(*kw)
            }
            Tok::Name(_)
            | Tok::Num(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::FltOp(FltOp::Abs | FltOp::Add | FltOp::Sub)
            | Tok::Kw(
                Kw::Valof
                | Kw::True
                | Kw::False
                | Kw::Table
                | Kw::Abs
                | Kw::Not
                | Kw::Slct
                | Kw::Float
                | Kw::Fix,
            )
            | Tok::Sym(
                Sym::Bang
                | Sym::LParen
                | Sym::At
                | Sym::Minus
                | Sym::Plus
                | Sym::Query
                | Sym::Tilde,
            ) => self.assign_or_call()?,
            _ => return self.error("a command"),
        };
        Ok(Stmt { pos, kind })
    }

    fn assign_or_call(&mut self) -> R<StmtKind> {
        let first = self.expr()?;
        if let ExprKind::Match(m) = first.kind {
            return Ok(StmtKind::Match(m));
        }
        if let Some(op) = self.op_assign_ahead() {
            return self.op_assign(first, op);
        }
        if !self.is_sym(Sym::Assign) && !self.is_sym(Sym::Comma) {
            return match first.kind {
                ExprKind::Call(..) => Ok(StmtKind::Call(first)),
                _ => Err(SourceError::new(
                    first.pos,
                    "this expression is not a command: expected `:=` or a call",
                )),
            };
        }
        let mut targets = vec![first];
        while self.eat_sym(Sym::Comma) {
            targets.push(self.expr()?);
        }
        if let Some(op) = self.op_assign_ahead() {
            return self.op_assign_list(targets, op);
        }
        self.expect_sym(Sym::Assign)?;
        let mut pairs = Vec::with_capacity(targets.len());
        for (k, target) in targets.into_iter().enumerate() {
            if k > 0 {
                self.expect_sym(Sym::Comma)?;
            }
            assignable(&target)?;
            pairs.push((target, self.expr()?));
        }
        Ok(StmtKind::Assign(pairs))
    }

    /// `e#(obj, args...)`, the method application of Cintcode BCPL: a call of `(!obj)!e`
    /// (entry `e` of the object's method table) with `obj` and the rest as arguments. As in
    /// the Cintcode compiler, `obj` is evaluated twice, once for the table and once as the
    /// first argument.
    fn method_call(&mut self, method: Expr) -> R<Expr> {
        let pos = self.pos();
        self.advance();
        self.expect_sym(Sym::LParen)?;
        let args = self.list(Self::expr)?;
        let Some(obj) = args.first().cloned() else {
            return Err(SourceError::new(
                pos,
                "a method application `e#(obj, ...)` needs the object as its first argument",
            ));
        };
        let table = Expr {
            pos: obj.pos,
            kind: ExprKind::Deref(Box::new(obj)),
        };
        let callee = Expr {
            pos,
            kind: ExprKind::Index(Box::new(table), Box::new(method)),
        };
        Ok(Expr {
            pos: callee.pos,
            kind: ExprKind::Call(Box::new(callee), args),
        })
    }

    /// `target op:= value` is `target := target op value`. A word target that a second
    /// evaluation could change (a call, VALOF or TABLE in it) has its parts evaluated once,
    /// into locals no program can name: `v!f(x) +:= 1` is `{ LET #a = @v!f(x); !#a := !#a +
    /// 1 }`. A byte target is evaluated twice, as Cintcode's translator does it (`assign` in
    /// `bcpltrn.b` loads `s%i op e`, then `s` and `i` again for `PUTBYTE`).
    fn op_assign(&mut self, target: Expr, op: Op) -> R<StmtKind> {
        let pos = self.pos();
        self.advance();
        self.advance();
        assignable(&target)?;
        let value = self.expr()?;
        Self::op_assign_one(target, op, value, pos)
    }

    /// `t1, t2 op:= e1, e2` is `t1 op:= e1; t2 op:= e2`, in that order, as Cintcode's
    /// translator does a multiple assignment.
    fn op_assign_list(&mut self, targets: Vec<Expr>, op: Op) -> R<StmtKind> {
        let pos = self.pos();
        self.advance();
        self.advance();
        let mut updates = Vec::with_capacity(targets.len());
        for (k, target) in targets.into_iter().enumerate() {
            if k > 0 {
                self.expect_sym(Sym::Comma)?;
            }
            assignable(&target)?;
            let value = self.expr()?;
            updates.push(Stmt {
                pos: target.pos,
                kind: Self::op_assign_one(target, op, value, pos)?,
            });
        }
        Ok(StmtKind::Block(updates))
    }

    /// `target op:= value`, the operator at `pos` (see [`Parser::op_assign`]). Where the
    /// target is a word in memory (`v!i`, `!p`, `f OF p`), `value` is evaluated before the
    /// target's address and old value are, as Cintcode's translator does it (`assign` in
    /// `bcpltrn.b` loads the right-hand side first, then the address, and updates the word
    /// with one `SELST`), so a call in `value` that changes them is seen; a `value` that is a
    /// name is read after the address, as it stays pending on Cintcode's stack.
    fn op_assign_one(target: Expr, op: Op, value: Expr, pos: Pos) -> R<StmtKind> {
        let at = target.pos;
        if let ExprKind::Byte(..) = target.kind {
            let combined = Expr {
                pos,
                kind: op.build(target.clone(), value),
            };
            return Ok(StmtKind::Assign(vec![(target, combined)]));
        }
        let name = |n: &str| Expr {
            pos: at,
            kind: ExprKind::Name(n.to_string()),
        };
        let mut temps = Vec::new();
        let in_memory = matches!(
            target.kind,
            ExprKind::Index(..) | ExprKind::Deref(_) | ExprKind::Of(..)
        );
        // A name or a number stays pending on Cintcode's stack while the address is
        // computed (see `sema/order.rs`); anything else is computed first.
        let leaf = matches!(value.kind, ExprKind::Num(_) | ExprKind::Name(_));
        let value = if in_memory && !leaf && !(repeatable(&value) && repeatable(&target)) {
            temps.push(("#v", value));
            name("#v")
        } else {
            value
        };
        let target = if repeatable(&target) {
            target.kind
        } else {
            match target.kind {
                ExprKind::Index(..) => {
                    let addr = Expr {
                        pos: at,
                        kind: ExprKind::Addr(Box::new(target)),
                    };
                    temps.push(("#a", addr));
                    ExprKind::Deref(Box::new(name("#a")))
                }
                ExprKind::Deref(p) => {
                    temps.push(("#a", *p));
                    ExprKind::Deref(Box::new(name("#a")))
                }
                ExprKind::Of(f, p) if repeatable(&f) => {
                    temps.push(("#a", *p));
                    ExprKind::Of(f, Box::new(name("#a")))
                }
                _ => {
                    return Err(SourceError::new(
                        at,
                        "not supported: an `op:=` whose field selector contains a call, VALOF \
                         or TABLE",
                    ))
                }
            }
        };
        let target = Expr {
            pos: at,
            kind: target,
        };
        let combined = Expr {
            pos,
            kind: op.build(target.clone(), value),
        };
        let assign = StmtKind::Assign(vec![(target, combined)]);
        if temps.is_empty() {
            return Ok(assign);
        }
        let vars = temps
            .into_iter()
            .map(|(n, e)| (n.to_string(), Init::Value(e), false))
            .collect();
        let decl = Stmt {
            pos: at,
            kind: StmtKind::Decl(Decl::Let(vec![LetItem::Vars(vars, at)])),
        };
        let update = Stmt { pos, kind: assign };
        Ok(StmtKind::Block(vec![decl, update]))
    }

    /// The relations that follow `first`, at the relation's operator. As in Cintcode's
    /// syntax analyser (`rnexp` in `bcplsyn.b`), `a < b <= c` is `a < b & b <= c`, its
    /// inner operand written, and so evaluated, twice: as a value both relations are
    /// evaluated; where a condition is tested, `&` stops at the first that fails.
    fn relations(&mut self, first: Expr) -> R<Expr> {
        let mut left = first;
        let mut chain: Option<Expr> = None;
        while let Some(rel) = relation(self.peek()) {
            self.advance();
            self.enter()?;
            let right = self.rexp(4)?;
            let more = !self.tok().newline_before && relation(self.peek()).is_some();
            let next = if more { Some(right.clone()) } else { None };
            let pos = left.pos;
            let (l, r) = (Box::new(left), Box::new(right));
            let one = Expr {
                pos,
                kind: match rel {
                    Rel::Word(op) => ExprKind::Compare(op, l, r),
                    Rel::Flt(op) => ExprKind::Flt(op, vec![*l, *r]),
                },
            };
            chain = Some(match chain {
                None => one,
                Some(c) => Expr {
                    pos: c.pos,
                    kind: ExprKind::Binary(BinOp::And, Box::new(c), Box::new(one)),
                },
            });
            match next {
                Some(n) => left = n,
                None => break,
            }
        }
        Ok(chain.expect("called at a relational operator"))
    }

    /// A full expression, including the conditional `c -> a, b`.
    pub fn expr(&mut self) -> R<Expr> {
        self.rexp(0)
    }

    /// An expression whose infix operators all bind tighter than level `n`.
    fn rexp(&mut self, n: u8) -> R<Expr> {
        let saved = self.depth;
        self.enter()?;
        let mut a = self.primary()?;
        loop {
            let t = self.tok();
            if t.newline_before || self.op_assign_ahead().is_some() {
                break;
            }
            let pos = t.pos;
            let (p, kind): (u8, Infix) = match &t.tok {
                Tok::Sym(Sym::LParen) => {
                    self.advance();
                    let mut args = self.list(Self::expr)?;
                    let pos = a.pos;
                    let kind = match self.match_construct(&a, &mut args)? {
                        Some(m) => ExprKind::Match(Box::new(m)),
                        None => ExprKind::Call(Box::new(a), args),
                    };
                    a = Expr { pos, kind };
                    continue;
                }
                Tok::Sym(Sym::Method) => {
                    a = self.method_call(a)?;
                    continue;
                }
                Tok::Sym(Sym::LBracket) => {
                    self.advance();
                    let i = self.expr()?;
                    self.expect_sym(Sym::RBracket)?;
                    a = Expr {
                        pos,
                        kind: ExprKind::Index(Box::new(a), Box::new(i)),
                    };
                    continue;
                }
                Tok::Sym(Sym::Bang) => (8, ExprKind::Index),
                Tok::Kw(Kw::Of) | Tok::Sym(Sym::Of) => (8, ExprKind::Of),
                Tok::Sym(Sym::Percent) => (8, ExprKind::Byte),
                Tok::Sym(Sym::Shl | Sym::Shr) => {
                    if n >= 4 {
                        break;
                    }
                    let op = if t.tok == Tok::Sym(Sym::Shl) {
                        BinOp::Shl
                    } else {
                        BinOp::Shr
                    };
                    self.advance();
                    self.enter()?;
                    let b = self.rexp(4)?;
                    a = Expr {
                        pos,
                        kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
                    };
                    continue;
                }
                Tok::Sym(Sym::Arrow) => {
                    if n >= 1 {
                        break;
                    }
                    self.advance();
                    self.enter()?;
                    let x = self.rexp(0)?;
                    self.expect_sym(Sym::Comma)?;
                    let y = self.rexp(0)?;
                    a = Expr {
                        pos,
                        kind: ExprKind::Cond(Box::new(a), Box::new(x), Box::new(y)),
                    };
                    continue;
                }
                tok => {
                    if relation(tok).is_some() {
                        if n >= 4 {
                            break;
                        }
                        a = self.relations(a)?;
                        continue;
                    }
                    match infix(tok) {
                        Some((p, op)) => {
                            if n >= p {
                                break;
                            }
                            self.advance();
                            self.enter()?;
                            let b = self.rexp(p)?;
                            a = Expr {
                                pos,
                                kind: op.build(a, b),
                            };
                            continue;
                        }
                        None => break,
                    }
                }
            };
            if n >= p {
                break;
            }
            self.advance();
            self.enter()?;
            let b = self.rexp(p)?;
            a = Expr {
                pos,
                kind: kind(Box::new(a), Box::new(b)),
            };
        }
        self.depth = saved;
        Ok(a)
    }

    /// A prefix operator and its operand, or an operand.
    fn primary(&mut self) -> R<Expr> {
        let pos = self.pos();
        let (level, wrap): (u8, fn(Box<Expr>) -> ExprKind) = match self.peek() {
            Tok::Sym(Sym::Bang) => (7, ExprKind::Deref),
            Tok::Sym(Sym::At) => (7, ExprKind::Addr),
            Tok::Sym(Sym::Plus) => (5, |e| e.kind),
            Tok::Sym(Sym::Minus) => (5, ExprKind::Neg),
            Tok::Kw(Kw::Abs) => (5, ExprKind::Abs),
            Tok::FltOp(FltOp::Abs) => (5, |e| ExprKind::Flt(FltOp::Abs, vec![*e])),
            Tok::FltOp(FltOp::Add) => (5, |e| ExprKind::Flt(FltOp::Pos, vec![*e])),
            Tok::FltOp(FltOp::Sub) => (5, |e| ExprKind::Flt(FltOp::Neg, vec![*e])),
            Tok::Kw(Kw::Float) => (7, |e| ExprKind::Flt(FltOp::Float, vec![*e])),
            Tok::Kw(Kw::Fix) => (7, |e| ExprKind::Flt(FltOp::Fix, vec![*e])),
            Tok::Sym(Sym::Tilde) | Tok::Kw(Kw::Not) => (3, ExprKind::Not),
            _ => return self.atom(),
        };
        self.advance();
        let operand = self.rexp(level)?;
        let kind = match (wrap(Box::new(operand)), level) {
            // `-5` is the number -5 (and `-9223372036854775808` the most negative word).
            (ExprKind::Neg(x), _) if matches!(x.kind, ExprKind::Num(_)) => match x.kind {
                ExprKind::Num(v) => ExprKind::Num(v.wrapping_neg()),
                other => ExprKind::Neg(Box::new(Expr {
                    pos: x.pos,
                    kind: other,
                })),
            },
            (k, _) => k,
        };
        Ok(Expr { pos, kind })
    }

    fn atom(&mut self) -> R<Expr> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Num(n) => {
                self.advance();
                ExprKind::Num(*n)
            }
            Tok::Float(x) => {
                self.advance();
                ExprKind::Fnum(*x)
            }
            Tok::Kw(Kw::True) => {
                self.advance();
                ExprKind::Bool(true)
            }
            Tok::Kw(Kw::False) => {
                self.advance();
                ExprKind::Bool(false)
            }
            Tok::Sym(Sym::Query) => {
                self.advance();
                ExprKind::Query
            }
            Tok::Str(s) => {
                self.advance();
                ExprKind::Str(s.clone())
            }
            Tok::Name(n) if self.match_jump_in_expression() => {
                let kind = patterns::upper_match_command(n).unwrap_or(StmtKind::Next);
                self.advance();
                ExprKind::Valof(Box::new(Stmt { pos, kind }))
            }
            Tok::Name(n) => {
                self.advance();
                ExprKind::Name(n.clone())
            }
            Tok::Sym(Sym::LParen) => {
                self.advance();
                let e = self.expr()?;
                self.expect_sym(Sym::RParen)?;
                return Ok(e);
            }
            Tok::Kw(Kw::Valof) => {
                self.advance();
                ExprKind::Valof(self.arm()?)
            }
            Tok::Kw(Kw::Slct) => {
                // `SLCT offset`, `SLCT shift:offset` or `SLCT len:shift:offset`.
                self.advance();
                let mut parts = vec![self.rexp(9)?];
                while parts.len() < 3 && self.eat_sym(Sym::Colon) {
                    parts.push(self.rexp(9)?);
                }
                ExprKind::Slct(parts)
            }
            Tok::Kw(Kw::Table) => {
                self.advance();
                let mut items = vec![self.expr()?];
                while self.eat_sym(Sym::Comma) {
                    items.push(self.expr()?);
                }
                ExprKind::Table(items)
            }
            // A jump as an expression (`w + BREAK`, and `NEXT` or `EXIT` in a match item, above),
            // as Cintcode's compiler allows: it leaves the expression, as `VALOF BREAK` does.
            Tok::Kw(kw @ (Kw::Return | Kw::Break | Kw::Loop | Kw::Finish | Kw::Endcase)) => {
                self.advance();
                let kind = jump_command(*kw);
                ExprKind::Valof(Box::new(Stmt { pos, kind }))
            }
            _ => return self.error("an expression"),
        };
        Ok(Expr { pos, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn parse_src(s: &str) -> Result<Program, Vec<SourceError>> {
        let (toks, errors) = lex(s.as_bytes());
        assert!(errors.is_empty(), "{errors:?}");
        parse(&toks)
    }

    fn expr_of(s: &str) -> Expr {
        let p = parse_src(&format!("LET f() = {s}")).unwrap();
        match &p.decls[0] {
            Decl::Let(items) => match &items[0] {
                LetItem::Func(def) => match &def.body {
                    Body::Function(e) => e.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn precedence_follows_bcpl() {
        // `!` binds tighter than `*`, `*` tighter than `+`.
        let e = expr_of("1 + v!2 * 3");
        let ExprKind::Binary(BinOp::Add, _, r) = e.kind else {
            panic!("{e:?}")
        };
        let ExprKind::Binary(BinOp::Mul, l, _) = r.kind else {
            panic!("{r:?}")
        };
        assert!(matches!(l.kind, ExprKind::Index(..)));
        // `~` takes a whole relation; `&` is looser than relations.
        let e = expr_of("~a = b & c");
        let ExprKind::Binary(BinOp::And, l, _) = e.kind else {
            panic!()
        };
        assert!(matches!(l.kind, ExprKind::Not(ref x) if matches!(x.kind, ExprKind::Compare(..))));
        // `->` is loosest and right associative; XOR is looser than `|`.
        let e = expr_of("a -> 1, b -> 2, 3");
        let ExprKind::Cond(_, _, other) = e.kind else {
            panic!()
        };
        assert!(matches!(other.kind, ExprKind::Cond(..)));
        let e = expr_of("a | b XOR c");
        assert!(matches!(e.kind, ExprKind::Binary(BinOp::Xor, ..)));
        // Shifts and relations share a level, left to right; `@` takes `v!i`.
        let e = expr_of("a << 1 = b");
        assert!(matches!(e.kind, ExprKind::Compare(..)));
        let e = expr_of("@v!i");
        assert!(matches!(e.kind, ExprKind::Addr(ref x) if matches!(x.kind, ExprKind::Index(..))));
        let e = expr_of("f(1)(2)");
        assert!(matches!(e.kind, ExprKind::Call(ref f, _) if matches!(f.kind, ExprKind::Call(..))));
        // The floating-point operators take the levels of their integer versions; FLOAT and
        // FIX bind like `!`; a chain of relations with a floating-point one is refused.
        let e = expr_of("a #+ b #* c #< d");
        let ExprKind::Flt(FltOp::Lt, args) = e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(&args[0].kind, ExprKind::Flt(FltOp::Add, xs)
            if matches!(xs[1].kind, ExprKind::Flt(FltOp::Mul, _))));
        let e = expr_of("FLOAT v!1 #- #- 2.5");
        let ExprKind::Flt(FltOp::Sub, args) = e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(&args[0].kind, ExprKind::Flt(FltOp::Float, xs)
            if matches!(xs[0].kind, ExprKind::Index(..))));
        assert!(matches!(&args[1].kind, ExprKind::Flt(FltOp::Neg, xs)
            if xs[0].kind == ExprKind::Fnum(2.5f64.to_bits() as i64)));
        // A chain is its relations joined by `&`, the inner operands written twice.
        let e = expr_of("a #< f(b) < c");
        let ExprKind::Binary(BinOp::And, l, r) = e.kind else {
            panic!("{e:?}")
        };
        let ExprKind::Flt(FltOp::Lt, args) = l.kind else {
            panic!("{l:?}")
        };
        let ExprKind::Compare(RelOp::Lt, b, _) = r.kind else {
            panic!("{r:?}")
        };
        assert_eq!(args[1], *b);
        assert!(matches!(b.kind, ExprKind::Call(..)));
        let e = expr_of("a < b <= c = d");
        let ExprKind::Binary(BinOp::And, l, r) = e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(l.kind, ExprKind::Binary(BinOp::And, ..)));
        assert!(matches!(r.kind, ExprKind::Compare(RelOp::Eq, ..)));
    }

    /// The first definition of `src`, which must parse and begin with `LET f...`.
    fn first_def(src: &str) -> FnDef {
        let p = parse_src(src).unwrap();
        let Some(Decl::Let(items)) = p.decls.into_iter().next() else {
            panic!()
        };
        let Some(LetItem::Func(def)) = items.into_iter().next() else {
            panic!()
        };
        *def
    }

    #[test]
    fn newlines_separate_commands() {
        /// The number of commands in the block of the first routine of `src`.
        fn commands(src: &str) -> usize {
            let Body::Routine(Stmt {
                kind: StmtKind::Block(b),
                ..
            }) = first_def(src).body
            else {
                panic!()
            };
            b.len()
        }
        assert_eq!(
            commands("LET s() BE\n$( x := 1\n   !p := 2\n   f(x); g()\n$)"),
            4
        );
        // As in Cintcode, a command may follow another on the same line without `;`.
        assert_eq!(commands("LET s() BE $( x := 1 y := 2 ENDCASE $)"), 3);
        let e = parse_src("LET s() BE $( x := 1 ) y := 2 $)").unwrap_err();
        assert!(e[0].message.contains("`;` or a line break"), "{e:?}");
    }

    #[test]
    fn match_lists_read_as_cintcode_reads_them() {
        let e = parse_src("LET f : 1 => 2 : 3 BE f()").unwrap_err();
        assert_eq!((e[0].pos.line, e[0].pos.col), (1, 16), "{e:?}");
        assert!(e[0].message.contains("every item"), "{e:?}");
        // Without a `:` after it, `match(...)` is a call of a function named match.
        let def = first_def("LET s() BE x := match(1, 2)");
        let Body::Routine(Stmt {
            kind: StmtKind::Assign(pairs),
            ..
        }) = &def.body
        else {
            panic!("{:?}", def.body)
        };
        assert!(matches!(pairs[0].1.kind, ExprKind::Call(..)));
        // `p, q` is right-associative; `|` binds looser than patterns side by side.
        let def = first_def("LET f : a, b [c] | 1 => 0");
        assert_eq!(def.params.len(), 2);
        let Body::Patterns(list) = &def.body else {
            panic!()
        };
        let Some(Pattern::Then(_, rest)) = &list.items[0].pattern else {
            panic!("{list:?}")
        };
        let Pattern::Either(both, _) = &**rest else {
            panic!("{rest:?}")
        };
        assert!(matches!(**both, Pattern::Both(_, _)));
    }

    #[test]
    fn errors_are_located_and_all_reported() {
        let e = parse_src("LET f(a b) = a").unwrap_err();
        assert_eq!((e[0].pos.line, e[0].pos.col), (1, 9));
        let e = parse_src("LET s() BE $(\n  x := (1 +\n$)").unwrap_err();
        assert_eq!(e[0].pos.line, 3);
        assert!(parse_src("LET s() BE 3 + 4").is_err());
        assert!(parse_src(&"(".repeat(50)).is_err());
        let e =
            parse_src("LET s() BE $(\n  x := ;\n  y := )\n  z := 1\n$)\nLET t() = ;").unwrap_err();
        let lines: Vec<u32> = e.iter().map(|e| e.pos.line).collect();
        assert_eq!(lines, [2, 3, 6], "{e:?}");
    }

    #[test]
    fn tagged_brackets_close_inner_sections() {
        assert!(parse_src("LET s() BE $(a $( $(b x := 1 $)a").is_ok());
        assert!(parse_src("LET s() BE $( x := 1 $)nope").is_err());
    }

    #[test]
    fn op_assign_is_an_assignment_of_the_operation() {
        let p = parse_src("LET s() BE { v!i <<:= 2; x MOD:= 3 }").unwrap();
        let Decl::Let(items) = &p.decls[0] else {
            panic!("{:?}", p.decls[0])
        };
        let text = format!("{items:?}");
        assert!(
            text.contains("Binary(Shl") && text.contains("Binary(Mod"),
            "{text}"
        );
        // `x +` on one line and `:= 1` on the next is no `op:=`.
        assert!(parse_src("LET s() BE { y := x +\n:= 1 }").is_err());
        // A target with a call is evaluated once, through a local no program can name.
        let p = parse_src("LET s() BE f()!0 +:= 1").unwrap();
        let text = format!("{:?}", p.decls[0]);
        assert!(
            text.contains("Name(\"#a\")") && text.contains("Addr("),
            "{text}"
        );
        let e = parse_src("LET s() BE (SLCT f()) OF p +:= 1").unwrap_err();
        assert!(
            e[0].message.contains("not supported: an `op:=`"),
            "{}",
            e[0].message
        );
        assert!(parse_src("LET s() BE 1 +:= 1").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_an_overflow() {
        // The driver parses on a thread with a large stack; so does this test.
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(|| {
                let src = format!("LET f() = {}1{}", "(".repeat(5000), ")".repeat(5000));
                let e = parse_src(&src).unwrap_err();
                assert!(e[0].message.contains("too deep"), "{}", e[0].message);
                let long = format!("LET f() = 1{}", " + 1".repeat(5000));
                assert!(parse_src(&long).is_err());
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
