//! Tokens to the syntax tree: recursive descent with BCPL's precedence.
//!
//! Expressions, loosest first: `->` (right associative), `|`, `&`, prefix `~`, relations
//! (chains such as `a < b < c` allowed), `<<` `>>`, `+` `-`, `*` `/` `MOD`, prefix `-` `+` `!`,
//! and tightest the infix `v!i`. Prefix `~` takes a whole relation as its operand, as in BCPL:
//! `~a = b` is `~(a = b)`.
//!
//! Commands end at `;` or at a line break. A line break ends an expression only where the next
//! line cannot continue it, which for an infix operator means `!` alone: `!p := 1` at the start
//! of a line is a new command.
//!
//! Nesting is bounded ([`MAX_DEPTH`]): the tree is walked recursively later (and dropped
//! recursively), so a pathological input gets a located error instead of a stack overflow.

use super::ast::*;
use super::diag::{Pos, SourceError};
use super::lexer::{Kw, Sym, Tok, Token};

/// How deeply expressions and commands may nest (operands of one operator chain count too).
pub const MAX_DEPTH: usize = 1000;

/// Parses a whole program.
pub fn parse(tokens: &[Token]) -> Result<Program, SourceError> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
    };
    p.program()
}

struct Parser<'t> {
    toks: &'t [Token],
    i: usize,
    depth: usize,
}

type R<T> = Result<T, SourceError>;

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("name `{n}`"),
        Tok::Num(n) => format!("number {n}"),
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
        Sym::Colon => ":",
    }
}

impl<'t> Parser<'t> {
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
        Err(SourceError::new(
            self.pos(),
            format!("expected {what}, found {}", describe(self.peek())),
        ))
    }

    fn expect_sym(&mut self, s: Sym) -> R<()> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            self.error(&format!("`{}`", sym_text(s)))
        }
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

    fn program(&mut self) -> R<Program> {
        let mut decls = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof => return Ok(Program { decls }),
                Tok::Sym(Sym::Semi) => {
                    self.advance();
                }
                Tok::Kw(Kw::Get | Kw::Section) => {
                    self.advance();
                    match self.peek() {
                        Tok::Str(_) => {
                            self.advance();
                        }
                        _ => return self.error("a string naming the header"),
                    }
                }
                Tok::Kw(Kw::Let) => {
                    self.advance();
                    decls.push(self.decl()?);
                    while self.eat_kw(Kw::And) {
                        decls.push(self.decl()?);
                    }
                }
                _ => return self.error("`LET` starting a function or routine declaration"),
            }
        }
    }

    fn decl(&mut self) -> R<Decl> {
        let (name, pos) = self.name()?;
        self.expect_sym(Sym::LParen)?;
        let params = self.list(Self::name)?;
        let body = if self.eat_sym(Sym::Eq) {
            Body::Function(self.expr()?)
        } else if self.eat_kw(Kw::Be) {
            Body::Routine(self.command()?)
        } else {
            return self.error("`=` (a function) or `BE` (a routine)");
        };
        Ok(Decl {
            name,
            pos,
            params,
            body,
        })
    }

    /// `$( c; c ... $)` or `{ ... }`: commands separated by `;` or line breaks.
    fn block(&mut self) -> R<Stmt> {
        let pos = self.pos();
        self.expect_sym(Sym::LBlock)?;
        let mut body = Vec::new();
        loop {
            while self.eat_sym(Sym::Semi) {}
            if self.eat_sym(Sym::RBlock) {
                return Ok(Stmt {
                    pos,
                    kind: StmtKind::Block(body),
                });
            }
            body.push(self.command()?);
            let t = self.tok();
            if !(matches!(t.tok, Tok::Sym(Sym::Semi | Sym::RBlock)) || t.newline_before) {
                return self.error("`;` or a line break after the command");
            }
        }
    }

    fn command(&mut self) -> R<Stmt> {
        let saved = self.depth;
        self.enter()?;
        let mut stmt = self.simple_command()?;
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

    fn optional_do(&mut self) {
        if !self.eat_kw(Kw::Do) {
            self.eat_kw(Kw::Then);
        }
    }

    fn simple_command(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Sym(Sym::LBlock) => return self.block(),
            Tok::Kw(Kw::Let) => {
                self.advance();
                self.let_command()?
            }
            Tok::Kw(k @ (Kw::If | Kw::Unless)) => {
                let negate = *k == Kw::Unless;
                self.advance();
                let cond = self.expr()?;
                self.optional_do();
                StmtKind::If {
                    cond,
                    negate,
                    then: Box::new(self.command()?),
                }
            }
            Tok::Kw(Kw::Test) => {
                self.advance();
                let cond = self.expr()?;
                self.optional_do();
                let then = Box::new(self.command()?);
                if !self.eat_kw(Kw::Else) {
                    return self.error("`ELSE` (or `OR`) in a TEST command");
                }
                StmtKind::Test {
                    cond,
                    then,
                    otherwise: Box::new(self.command()?),
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
                    body: Box::new(self.command()?),
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
                StmtKind::For {
                    var,
                    from,
                    to,
                    by,
                    body: Box::new(self.command()?),
                }
            }
            Tok::Kw(Kw::Resultis) => {
                self.advance();
                StmtKind::Resultis(self.expr()?)
            }
            Tok::Kw(Kw::Return) => {
                self.advance();
                StmtKind::Return
            }
            Tok::Kw(Kw::Break) => {
                self.advance();
                StmtKind::Break
            }
            Tok::Kw(Kw::Loop) => {
                self.advance();
                StmtKind::Loop
            }
            Tok::Kw(Kw::Finish) => {
                self.advance();
                StmtKind::Finish
            }
            Tok::Name(_) | Tok::Sym(Sym::Bang | Sym::LParen) | Tok::Num(_) => {
                self.assign_or_call()?
            }
            _ => return self.error("a command"),
        };
        Ok(Stmt { pos, kind })
    }

    fn let_command(&mut self) -> R<StmtKind> {
        let mut names = vec![self.name()?.0];
        if self.is_sym(Sym::LParen) {
            return Err(SourceError::new(
                self.pos(),
                "functions must be declared at the outermost level, not inside a command",
            ));
        }
        while self.eat_sym(Sym::Comma) {
            names.push(self.name()?.0);
        }
        self.expect_sym(Sym::Eq)?;
        let mut out = Vec::with_capacity(names.len());
        for (k, name) in names.into_iter().enumerate() {
            if k > 0 {
                self.expect_sym(Sym::Comma)?;
            }
            let init = if self.eat_kw(Kw::Vec) {
                Init::Vec(self.expr()?)
            } else {
                Init::Value(self.expr()?)
            };
            out.push((name, init));
        }
        Ok(StmtKind::Let(out))
    }

    fn assign_or_call(&mut self) -> R<StmtKind> {
        let first = self.expr()?;
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
        self.expect_sym(Sym::Assign)?;
        let mut pairs = Vec::with_capacity(targets.len());
        for (k, target) in targets.into_iter().enumerate() {
            if k > 0 {
                self.expect_sym(Sym::Comma)?;
            }
            if !matches!(
                target.kind,
                ExprKind::Name(_) | ExprKind::Deref(_) | ExprKind::Index(..)
            ) {
                return Err(SourceError::new(
                    target.pos,
                    "cannot assign to this: only a name, `v!i` or `!p` can be assigned",
                ));
            }
            pairs.push((target, self.expr()?));
        }
        Ok(StmtKind::Assign(pairs))
    }

    /// A full expression, including the conditional `c -> a, b`.
    pub fn expr(&mut self) -> R<Expr> {
        let saved = self.depth;
        self.enter()?;
        let cond = self.or()?;
        let result = if self.is_sym(Sym::Arrow) {
            let pos = self.pos();
            self.advance();
            let a = self.expr()?;
            self.expect_sym(Sym::Comma)?;
            let b = self.expr()?;
            Expr {
                pos,
                kind: ExprKind::Cond(Box::new(cond), Box::new(a), Box::new(b)),
            }
        } else {
            cond
        };
        self.depth = saved;
        Ok(result)
    }

    /// A left-associative chain of the operators `ops` between operands parsed by `next`.
    fn chain(
        &mut self,
        next: fn(&mut Self) -> R<Expr>,
        op_of: fn(&Tok) -> Option<BinOp>,
    ) -> R<Expr> {
        let saved = self.depth;
        let mut left = next(self)?;
        while let Some(op) = op_of(self.peek()) {
            let pos = self.pos();
            self.advance();
            self.enter()?;
            let right = next(self)?;
            left = Expr {
                pos,
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
            };
        }
        self.depth = saved;
        Ok(left)
    }

    fn or(&mut self) -> R<Expr> {
        self.chain(Self::and, |t| {
            (*t == Tok::Sym(Sym::Bar)).then_some(BinOp::Or)
        })
    }

    fn and(&mut self) -> R<Expr> {
        self.chain(Self::not, |t| {
            (*t == Tok::Sym(Sym::Amp)).then_some(BinOp::And)
        })
    }

    fn not(&mut self) -> R<Expr> {
        if self.is_sym(Sym::Tilde) {
            let pos = self.pos();
            self.advance();
            let saved = self.depth;
            self.enter()?;
            let operand = self.not()?;
            self.depth = saved;
            return Ok(Expr {
                pos,
                kind: ExprKind::Not(Box::new(operand)),
            });
        }
        self.relation()
    }

    fn relation(&mut self) -> R<Expr> {
        let first = self.shift()?;
        let mut rest = Vec::new();
        let saved = self.depth;
        loop {
            let op = match self.peek() {
                Tok::Sym(Sym::Eq) => RelOp::Eq,
                Tok::Sym(Sym::Ne) => RelOp::Ne,
                Tok::Sym(Sym::Lt) => RelOp::Lt,
                Tok::Sym(Sym::Le) => RelOp::Le,
                Tok::Sym(Sym::Gt) => RelOp::Gt,
                Tok::Sym(Sym::Ge) => RelOp::Ge,
                _ => break,
            };
            self.advance();
            self.enter()?;
            rest.push((op, self.shift()?));
        }
        self.depth = saved;
        if rest.is_empty() {
            return Ok(first);
        }
        let pos = first.pos;
        Ok(Expr {
            pos,
            kind: ExprKind::Compare(Box::new(first), rest),
        })
    }

    fn shift(&mut self) -> R<Expr> {
        self.chain(Self::additive, |t| match t {
            Tok::Sym(Sym::Shl) => Some(BinOp::Shl),
            Tok::Sym(Sym::Shr) => Some(BinOp::Shr),
            _ => None,
        })
    }

    fn additive(&mut self) -> R<Expr> {
        self.chain(Self::multiplicative, |t| match t {
            Tok::Sym(Sym::Plus) => Some(BinOp::Add),
            Tok::Sym(Sym::Minus) => Some(BinOp::Sub),
            _ => None,
        })
    }

    fn multiplicative(&mut self) -> R<Expr> {
        self.chain(Self::unary, |t| match t {
            Tok::Sym(Sym::Star) => Some(BinOp::Mul),
            Tok::Sym(Sym::Slash) => Some(BinOp::Div),
            Tok::Kw(Kw::Mod) => Some(BinOp::Mod),
            _ => None,
        })
    }

    fn unary(&mut self) -> R<Expr> {
        let pos = self.pos();
        let wrap: fn(Box<Expr>) -> ExprKind = match self.peek() {
            Tok::Sym(Sym::Minus) => ExprKind::Neg,
            Tok::Sym(Sym::Bang) => ExprKind::Deref,
            Tok::Sym(Sym::Plus) => |e| e.kind,
            Tok::Sym(Sym::Tilde) => return self.not(),
            _ => return self.postfix(),
        };
        self.advance();
        let saved = self.depth;
        self.enter()?;
        let operand = self.unary()?;
        self.depth = saved;
        Ok(Expr {
            pos,
            kind: wrap(Box::new(operand)),
        })
    }

    /// `primary ! primary ! ...`; a `!` that starts a new line starts a new command instead.
    fn postfix(&mut self) -> R<Expr> {
        let saved = self.depth;
        let mut left = self.primary()?;
        while self.is_sym(Sym::Bang) && !self.tok().newline_before {
            let pos = self.pos();
            self.advance();
            self.enter()?;
            let right = if self.is_sym(Sym::Minus) {
                let npos = self.pos();
                self.advance();
                let operand = self.primary()?;
                Expr {
                    pos: npos,
                    kind: ExprKind::Neg(Box::new(operand)),
                }
            } else {
                self.primary()?
            };
            left = Expr {
                pos,
                kind: ExprKind::Index(Box::new(left), Box::new(right)),
            };
        }
        self.depth = saved;
        Ok(left)
    }

    fn primary(&mut self) -> R<Expr> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Num(n) => {
                self.advance();
                ExprKind::Num(*n)
            }
            Tok::Kw(Kw::True) => {
                self.advance();
                ExprKind::Bool(true)
            }
            Tok::Kw(Kw::False) => {
                self.advance();
                ExprKind::Bool(false)
            }
            Tok::Str(s) => {
                self.advance();
                ExprKind::Str(s.clone())
            }
            Tok::Name(n) => {
                self.advance();
                if self.eat_sym(Sym::LParen) {
                    ExprKind::Call(n.clone(), self.list(Self::expr)?)
                } else {
                    ExprKind::Name(n.clone())
                }
            }
            Tok::Sym(Sym::LParen) => {
                self.advance();
                let e = self.expr()?;
                self.expect_sym(Sym::RParen)?;
                return Ok(e);
            }
            Tok::Kw(Kw::Valof) => {
                self.advance();
                ExprKind::Valof(Box::new(self.command()?))
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

    fn parse_src(s: &str) -> R<Program> {
        parse(&lex(s.as_bytes())?)
    }

    fn expr_of(s: &str) -> Expr {
        let p = parse_src(&format!("LET f() = {s}")).unwrap();
        match &p.decls[0].body {
            Body::Function(e) => e.clone(),
            Body::Routine(_) => unreachable!(),
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
        // `->` is loosest and right associative.
        let e = expr_of("a -> 1, b -> 2, 3");
        let ExprKind::Cond(_, _, other) = e.kind else {
            panic!()
        };
        assert!(matches!(other.kind, ExprKind::Cond(..)));
    }

    #[test]
    fn newlines_separate_commands() {
        let p = parse_src("LET s() BE\n$( x := 1\n   !p := 2\n   f(x); g()\n$)").unwrap();
        let Body::Routine(Stmt {
            kind: StmtKind::Block(b),
            ..
        }) = &p.decls[0].body
        else {
            panic!()
        };
        assert_eq!(b.len(), 4);
        assert!(parse_src("LET s() BE $( x := 1 y := 2 $)").is_err());
    }

    #[test]
    fn errors_are_located() {
        let e = parse_src("LET f(a b) = a").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (1, 9));
        let e = parse_src("LET s() BE $(\n  x := (1 +\n$)").unwrap_err();
        assert_eq!(e.pos.line, 3);
        assert!(parse_src("LET s() BE 3 + 4").is_err());
        assert!(parse_src(&"(".repeat(50)).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_an_overflow() {
        // The driver parses on a thread with a large stack; so does this test.
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(|| {
                let src = format!("LET f() = {}1{}", "(".repeat(5000), ")".repeat(5000));
                let e = parse_src(&src).unwrap_err();
                assert!(e.message.contains("too deep"), "{}", e.message);
                let long = format!("LET f() = 1{}", " + 1".repeat(5000));
                assert!(parse_src(&long).is_err());
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
