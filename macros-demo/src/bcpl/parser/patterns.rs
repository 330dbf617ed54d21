//! Pattern matching, the extension Cintcode's compiler gained in 2021 from MCPL: functions
//! and routines defined by match items (`LET f : p => e : q => e2`), the `MATCH` and `EVERY`
//! commands and expressions, and `NEXT` and `EXIT` in match items. The grammar follows
//! `rdmatchlist` and `rpat` in `cintcode/com/bcplsyn.b` of Richards' distribution:
//!
//! - a match list is one or more items `: pattern => e` (or all `: pattern BE c`), optionally
//!   ended by `.`, which lets a nested list end before the outer one goes on;
//! - patterns, loosest first: `p, q` (this location, then the next), `p | q` (either), and
//!   `p q` side by side (both); then the simple ones: `?`, a name, a possibly signed constant,
//!   `a .. b`, a relation and its operand (`<a`, `>(a+b)`), `(p)` and `[p]` (what the location
//!   points to).
//!
//! `MATCH` and `EVERY` are not reserved words here (Richards' own `match.b` defines a
//! function `match`): `MATCH (args)` is the construct when a `:` follows it.

use super::{jump_command, relop, Parser, R};
use crate::bcpl::ast::{
    Expr, ExprKind, Match, MatchBody, MatchItem, MatchList, Pattern, RelOp, Stmt, StmtKind,
};
use crate::bcpl::diag::SourceError;
use crate::bcpl::float::FltOp;
use crate::bcpl::lexer::{Kw, Sym, Tok};

/// The command `name` spells if it is `NEXT` or `EXIT` written in upper case: a match item's
/// jump where an expression or a pattern is expected. `next` in lower case stays a name
/// there, as Cintcode's reserved words are upper case (`patdemos/tttree.b` names a pattern
/// variable `next`).
pub(super) fn upper_match_command(name: &str) -> Option<StmtKind> {
    match name {
        "NEXT" => Some(StmtKind::Next),
        "EXIT" => Some(StmtKind::Exit),
        _ => None,
    }
}

/// The command `name` spells if it is `NEXT` or `EXIT` in either case, the commands of a
/// match item.
pub(super) fn match_command(name: &str) -> Option<StmtKind> {
    if name.eq_ignore_ascii_case("NEXT") {
        Some(StmtKind::Next)
    } else if name.eq_ignore_ascii_case("EXIT") {
        Some(StmtKind::Exit)
    } else {
        None
    }
}

/// The relation a floating-point relational operator (`#<`, ...) tests.
fn float_relop(op: FltOp) -> Option<RelOp> {
    Some(match op {
        FltOp::Eq => RelOp::Eq,
        FltOp::Ne => RelOp::Ne,
        FltOp::Lt => RelOp::Lt,
        FltOp::Le => RelOp::Le,
        FltOp::Gt => RelOp::Gt,
        FltOp::Ge => RelOp::Ge,
        _ => return None,
    })
}

impl Parser<'_> {
    /// After the argument list of a call of `callee`: the `MATCH (args) : ...` or
    /// `EVERY (args) : ...` this call is, if it is one.
    pub(super) fn match_construct(
        &mut self,
        callee: &Expr,
        args: &mut Vec<Expr>,
    ) -> R<Option<Match>> {
        let every = match &callee.kind {
            ExprKind::Name(n) if n.eq_ignore_ascii_case("MATCH") => false,
            ExprKind::Name(n) if n.eq_ignore_ascii_case("EVERY") => true,
            _ => return Ok(None),
        };
        if !self.is_sym(Sym::Colon) {
            return Ok(None);
        }
        let list = self.match_list()?;
        Ok(Some(Match {
            every,
            args: std::mem::take(args),
            list,
        }))
    }

    /// `: p => e : q => e2 ...` or `: p BE c ...`, with the optional `.` after it.
    pub(super) fn match_list(&mut self) -> R<MatchList> {
        let mut items = Vec::new();
        let mut yields = None;
        while self.is_sym(Sym::Colon) {
            let pos = self.pos();
            self.advance();
            let pattern = if self.is_sym(Sym::Yields) || self.is_kw(Kw::Be) {
                None
            } else {
                Some(self.pattern(0)?)
            };
            let value = if self.eat_sym(Sym::Yields) {
                true
            } else if self.eat_kw(Kw::Be) {
                false
            } else {
                return self.error("`=>` or `BE` after the pattern");
            };
            if *yields.get_or_insert(value) != value {
                return Err(SourceError::new(
                    pos,
                    "every item of a match list gives a value (`=>`) or every one runs a \
                     command (`BE`)",
                ));
            }
            self.in_match += 1;
            let body = if value {
                self.expr().map(MatchBody::Value)
            } else {
                self.arm().map(|c| MatchBody::Command(*c))
            };
            self.in_match -= 1;
            items.push(MatchItem {
                pattern,
                pos,
                body: body?,
            });
        }
        self.eat_sym(Sym::Dot);
        Ok(MatchList { items })
    }

    /// A pattern of precedence `n`, as `rpat` reads it: 0 takes commas, bars and patterns
    /// side by side; 1 bars and side by side; 2 side by side only; 3 one simple pattern.
    fn pattern(&mut self, n: u8) -> R<Pattern> {
        self.enter()?;
        let Some(mut p) = self.simple_pattern()? else {
            return self.error("a pattern");
        };
        loop {
            if self.is_sym(Sym::Comma) {
                if n > 0 {
                    break;
                }
                self.advance();
                p = Pattern::Then(Box::new(p), Box::new(self.pattern(0)?));
            } else if self.is_sym(Sym::Bar) {
                if n >= 2 {
                    break;
                }
                self.advance();
                p = Pattern::Either(Box::new(p), Box::new(self.pattern(1)?));
            } else if n < 3 && self.starts_pattern() {
                p = Pattern::Both(Box::new(p), Box::new(self.pattern(2)?));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(p)
    }

    /// Whether the current token can begin a pattern (so that one written beside another
    /// is read as both).
    fn starts_pattern(&self) -> bool {
        match self.peek() {
            Tok::Num(_) | Tok::Float(_) | Tok::Name(_) => true,
            Tok::Kw(k) => matches!(
                k,
                Kw::True
                    | Kw::False
                    | Kw::Abs
                    | Kw::Flt
                    | Kw::Break
                    | Kw::Loop
                    | Kw::Endcase
                    | Kw::Return
            ),
            Tok::FltOp(op) => {
                matches!(op, FltOp::Add | FltOp::Sub | FltOp::Abs) || float_relop(*op).is_some()
            }
            t @ Tok::Sym(s) => {
                relop(t).is_some()
                    || matches!(
                        s,
                        Sym::Query | Sym::Plus | Sym::Minus | Sym::LParen | Sym::LBracket
                    )
            }
            _ => false,
        }
    }

    /// A pattern without commas, bars or patterns side by side at its outer level; `None`
    /// when the current token cannot begin one.
    fn simple_pattern(&mut self) -> R<Option<Pattern>> {
        let pos = self.pos();
        let t = self.peek();
        let relation = match t {
            Tok::FltOp(op) => float_relop(*op).map(|r| (r, true)),
            _ => relop(t).map(|r| (r, false)),
        };
        if let Some((op, flt)) = relation {
            self.advance();
            let operand = if self.eat_sym(Sym::LParen) {
                let e = self.expr()?;
                self.expect_sym(Sym::RParen)?;
                e
            } else {
                match self.basic_value()? {
                    Some(e) => e,
                    None => {
                        return self
                            .error("a constant, a name or `(expression)` after the relation")
                    }
                }
            };
            return Ok(Some(Pattern::Rel(op, flt, operand)));
        }
        Ok(Some(match t {
            Tok::Sym(Sym::Query) => {
                self.advance();
                Pattern::Any
            }
            Tok::Sym(Sym::LParen) => {
                self.advance();
                let p = self.pattern(0)?;
                self.expect_sym(Sym::RParen)?;
                p
            }
            Tok::Sym(Sym::LBracket) => {
                self.advance();
                let p = self.pattern(0)?;
                self.expect_sym(Sym::RBracket)?;
                Pattern::Point(Box::new(p))
            }
            Tok::Kw(Kw::Flt) => {
                self.advance();
                let (name, pos) = self.name()?;
                Pattern::Name(name, pos, true)
            }
            Tok::Kw(kw @ (Kw::Break | Kw::Loop | Kw::Endcase | Kw::Return)) => {
                self.advance();
                let kind = jump_command(*kw);
                Pattern::Jump(Box::new(Stmt { pos, kind }))
            }
            Tok::Name(n) if upper_match_command(n).is_some() => {
                let kind = upper_match_command(n).unwrap_or(StmtKind::Next);
                self.advance();
                Pattern::Jump(Box::new(Stmt { pos, kind }))
            }
            _ => {
                let Some(low) = self.basic_value()? else {
                    return Ok(None);
                };
                let flt = self.eat_sym(Sym::FltRange);
                if flt || self.is_range() {
                    if !flt {
                        self.advance();
                        self.advance();
                    }
                    let Some(high) = self.basic_value()? else {
                        return self.error("a constant after `..`");
                    };
                    Pattern::Range(low, high, flt)
                } else if let ExprKind::Name(n) = low.kind {
                    Pattern::Name(n, low.pos, false)
                } else {
                    Pattern::Value(low)
                }
            }
        }))
    }

    /// Whether `..` (two dots together) comes next.
    fn is_range(&self) -> bool {
        let dot = |k: usize| {
            self.toks
                .get(self.i + k)
                .is_some_and(|t| t.tok == Tok::Sym(Sym::Dot))
        };
        dot(0) && dot(1) && self.toks[self.i + 1].pos.col == self.toks[self.i].pos.col + 1
    }

    /// What `rbpat` reads: a name, or a constant (a number, possibly signed, a character,
    /// `TRUE`, `FALSE`); `None` when the current token begins neither.
    fn basic_value(&mut self) -> R<Option<Expr>> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Num(n) => ExprKind::Num(*n),
            Tok::Float(x) => ExprKind::Fnum(*x),
            Tok::Kw(Kw::True) => ExprKind::Bool(true),
            Tok::Kw(Kw::False) => ExprKind::Bool(false),
            Tok::Name(n) => ExprKind::Name(n.clone()),
            Tok::Sym(Sym::Plus | Sym::Minus)
            | Tok::Kw(Kw::Abs)
            | Tok::FltOp(FltOp::Add | FltOp::Sub | FltOp::Abs) => {
                let sign = self.advance().tok.clone();
                let kind = match (sign, self.peek()) {
                    (Tok::Sym(Sym::Minus) | Tok::FltOp(FltOp::Sub), Tok::Num(n)) => {
                        ExprKind::Num(n.wrapping_neg())
                    }
                    (Tok::Kw(Kw::Abs) | Tok::FltOp(FltOp::Abs), Tok::Num(n)) => {
                        ExprKind::Num(n.wrapping_abs())
                    }
                    (_, Tok::Num(n)) => ExprKind::Num(*n),
                    (Tok::Sym(Sym::Minus) | Tok::FltOp(FltOp::Sub), Tok::Float(x)) => {
                        ExprKind::Fnum((-f64::from_bits(*x as u64)).to_bits() as i64)
                    }
                    (Tok::Kw(Kw::Abs) | Tok::FltOp(FltOp::Abs), Tok::Float(x)) => {
                        ExprKind::Fnum(f64::from_bits(*x as u64).abs().to_bits() as i64)
                    }
                    (_, Tok::Float(x)) => ExprKind::Fnum(*x),
                    _ => return self.error("a number after the sign in a pattern"),
                };
                self.advance();
                return Ok(Some(Expr { pos, kind }));
            }
            _ => return Ok(None),
        };
        self.advance();
        Ok(Some(Expr { pos, kind }))
    }
}
