//! Lowering pattern matching ([`ast::MatchList`]) to tests, labels and jumps, as Cintcode's
//! translator does it (`transmatchlist`, `declpatnames` and `transpattern` in
//! `cintcode/com/bcpltrn.b`):
//!
//! - the arguments are slots: a pattern-defined function's parameters, or hidden locals
//!   that `MATCH (args)` fills once;
//! - each item first declares its pattern variables, then tests its pattern, so a relation
//!   may name a variable written later in the same pattern (`[h1 = h2, t1], [h2, t2]`);
//! - a pattern variable names its location, not a copy of the value: under `[...]` it is
//!   the word a path of pointers reaches, read (and assigned) where it is used. Paths are at
//!   most 4 pointers deep, each at most 255 words in, as Cintcode limits them;
//! - `NEXT` jumps to the next item; `EXIT` leaves the match, and a pattern-defined function
//!   then returns 0, as it does when no item matches.

use super::{Binding, Sema, R};
use crate::bcpl::ast::{self, BinOp, MatchBody, MatchList, Pattern, RelOp};
use crate::bcpl::diag::{Pos, SourceError};
use crate::bcpl::ir::{Expr, Stmt};

/// How deep a pattern's pointers may go, and how far into a vector one word may be.
pub(super) const MAX_PATH: usize = 4;

/// Where a match list is, which decides how its items end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// A pattern-defined function: the first matching item's value is returned.
    Function,
    /// A pattern-defined routine: the first matching item's command runs, then it returns.
    Routine,
    /// A `MATCH` expression: the value of the VALOF it lowers to.
    Value,
    /// An `EVERY` expression: slot `0` sums the values.
    Sum(usize),
    /// A `MATCH` command: the first matching item's command runs.
    Command,
    /// An `EVERY` command: every matching item's command runs.
    Every,
}

/// The match list the current command is in, for `NEXT` and `EXIT`.
#[derive(Debug, Clone, Copy)]
pub(super) struct MatchScope {
    /// The label of the next item.
    next: usize,
    /// The label after the list.
    exit: usize,
    kind: Kind,
}

/// A location a pattern tests: argument `arg`, then a word offset under each pointer.
#[derive(Debug, Clone)]
struct Loc {
    arg: usize,
    path: Vec<u8>,
    /// The match item's position, where a pattern too deep or too long is reported.
    pos: Pos,
}

impl Loc {
    /// The location `p, q` gives `q`: the next argument, or the next word.
    fn next(&self) -> R<Loc> {
        let mut l = self.clone();
        match l.path.last_mut() {
            None => l.arg += 1,
            Some(k) => {
                *k = k.checked_add(1).ok_or_else(|| {
                    SourceError::new(
                        l.pos,
                        "not supported: a pattern list of more than 255 words",
                    )
                })?
            }
        }
        Ok(l)
    }

    /// The location `[p]` gives `p`: the first word this one points to.
    fn deeper(&self) -> R<Loc> {
        if self.path.len() == MAX_PATH {
            return Err(SourceError::new(
                self.pos,
                format!("not supported: patterns nested more than {MAX_PATH} pointers deep"),
            ));
        }
        let mut l = self.clone();
        l.path.push(0);
        Ok(l)
    }
}

/// The word a path of pointers from `slot` reaches: `slot!k1!k2...`.
pub(super) fn path_value(slot: usize, path: &[u8], line: u32) -> Expr {
    path.iter().fold(Expr::Local(slot), |v, &k| {
        Expr::Load(Box::new(offset(v, k, line)), line)
    })
}

/// The address of the word a non-empty path from `slot` reaches (for `@v` and `v := e`).
pub(super) fn path_address(slot: usize, path: &[u8], line: u32) -> Expr {
    let (last, init) = path.split_last().expect("a path variable has a path");
    offset(path_value(slot, init, line), *last, line)
}

fn offset(v: Expr, k: u8, line: u32) -> Expr {
    Expr::Binary(BinOp::Add, Box::new(v), Box::new(Expr::Num(k.into())), line)
}

/// Both tests, the second only when the first passes; `None` is a test that always passes.
fn both(a: Option<Expr>, b: Option<Expr>) -> Option<Expr> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Expr::AndThen(Box::new(a), Box::new(b))),
        (a, b) => a.or(b),
    }
}

impl<'a> Sema<'a> {
    /// The body of a pattern-defined function or routine, whose parameters are `args`.
    pub(super) fn pattern_body(&mut self, list: &'a MatchList, args: &[usize]) -> R<Stmt> {
        let value = matches!(
            list.items.first().map(|i| &i.body),
            Some(MatchBody::Value(_))
        );
        for item in &list.items {
            match &item.body {
                MatchBody::Value(e) => self.declare_labels_in_expr(e)?,
                MatchBody::Command(c) => self.declare_labels(c)?,
            }
        }
        let kind = if value { Kind::Function } else { Kind::Routine };
        Ok(Stmt::Block(self.match_items(list, args, kind)?))
    }

    /// `MATCH (args) : ...` or `EVERY (args) : ...` as a command.
    pub(super) fn match_command(&mut self, m: &'a ast::Match) -> R<Stmt> {
        let (mut out, slots) = self.match_args(m)?;
        let kind = if m.every { Kind::Every } else { Kind::Command };
        out.extend(self.match_items(&m.list, &slots, kind)?);
        Ok(Stmt::Block(out))
    }

    /// `MATCH (args) : ...` or `EVERY (args) : ...` as an expression: a VALOF.
    pub(super) fn match_value(&mut self, m: &'a ast::Match, line: u32) -> R<Expr> {
        self.in_valof(|s| {
            let (mut out, slots) = s.match_args(m)?;
            let kind = if m.every {
                let sum = s.new_slot();
                out.push(Stmt::Set(sum, Expr::Num(0)));
                Kind::Sum(sum)
            } else {
                Kind::Value
            };
            out.extend(s.match_items(&m.list, &slots, kind)?);
            Ok(Expr::Valof(Box::new(Stmt::Block(out)), Some(line)))
        })
    }

    /// Stores `MATCH`'s arguments in new slots, one for each argument the items inspect too.
    fn match_args(&mut self, m: &'a ast::Match) -> R<(Vec<Stmt>, Vec<usize>)> {
        let mut out = Vec::with_capacity(m.args.len());
        let mut slots = Vec::with_capacity(m.args.len());
        for a in &m.args {
            let v = self.expr(a)?;
            let slot = self.new_slot();
            out.push(Stmt::Set(slot, v));
            slots.push(slot);
        }
        while slots.len() < m.list.args() {
            let slot = self.new_slot();
            out.push(Stmt::Set(slot, Expr::Num(0)));
            slots.push(slot);
        }
        Ok((out, slots))
    }

    /// Each item in turn: declare its variables, test its pattern, run its body.
    fn match_items(&mut self, list: &'a MatchList, args: &[usize], kind: Kind) -> R<Vec<Stmt>> {
        let context = self.f().context;
        let exit = self.new_label();
        let mut out = Vec::new();
        for item in &list.items {
            let next = self.new_label();
            let mark = self.scope.len();
            let r = self.match_item(item, args, MatchScope { next, exit, kind }, mark);
            self.scope.truncate(mark);
            out.push(r?);
            self.f().labels[next] = Some(context);
            out.push(Stmt::Label(next));
        }
        // When no item matched, and where EXIT goes: a function returns 0, a MATCH
        // expression is 0, an EVERY expression its sum; the commands go on after the list.
        self.f().labels[exit] = Some(context);
        out.push(Stmt::Label(exit));
        out.extend(match kind {
            Kind::Function => Some(Stmt::Return(Some(Expr::Num(0)))),
            Kind::Routine => Some(Stmt::Return(None)),
            Kind::Value => Some(Stmt::Resultis(Expr::Num(0))),
            Kind::Sum(sum) => Some(Stmt::Resultis(Expr::Local(sum))),
            Kind::Command | Kind::Every => None,
        });
        Ok(out)
    }

    fn match_item(
        &mut self,
        item: &'a ast::MatchItem,
        args: &[usize],
        scope: MatchScope,
        mark: usize,
    ) -> R<Stmt> {
        let start = Loc {
            arg: 0,
            path: Vec::new(),
            pos: item.pos,
        };
        // NEXT and EXIT in the pattern or the body refer to this item.
        self.f().matches.push(scope);
        let test = match &item.pattern {
            Some(p) => self
                .bind_pattern(p, args, &start, mark)
                .and_then(|()| self.pattern_test(p, args, &start)),
            None => Ok(None),
        };
        let body = test.and_then(|test| {
            let body = self.match_body(&item.body, scope.kind, scope.exit, item.pos)?;
            Ok((test, body))
        });
        self.f().matches.pop();
        let (test, body) = body?;
        Ok(match test {
            Some(cond) => Stmt::If {
                cond,
                run_when: true,
                then: Box::new(body),
                otherwise: None,
            },
            None => body,
        })
    }

    fn match_body(&mut self, body: &'a MatchBody, kind: Kind, exit: usize, pos: Pos) -> R<Stmt> {
        Ok(match (body, kind) {
            (MatchBody::Value(e), Kind::Function) => Stmt::Return(Some(self.expr(e)?)),
            (MatchBody::Value(e), Kind::Value) => Stmt::Resultis(self.expr(e)?),
            (MatchBody::Value(e), Kind::Sum(sum)) => {
                let v = self.expr(e)?;
                let line = e.pos.line;
                let add = Expr::Binary(BinOp::Add, Box::new(Expr::Local(sum)), Box::new(v), line);
                Stmt::Set(sum, add)
            }
            (MatchBody::Value(e), Kind::Command | Kind::Every | Kind::Routine) => {
                Stmt::Call(self.expr(e)?)
            }
            (MatchBody::Command(c), Kind::Routine) => {
                Stmt::Block(vec![self.scoped(c)?, Stmt::Return(None)])
            }
            (MatchBody::Command(c), Kind::Command) => {
                Stmt::Block(vec![self.scoped(c)?, Stmt::Goto(exit)])
            }
            (MatchBody::Command(c), Kind::Every) => self.scoped(c)?,
            (MatchBody::Command(_), _) => {
                return Err(SourceError::new(
                    pos,
                    "a MATCH or EVERY whose items run commands (`BE`) gives no value: \
                     use `=>` items in an expression",
                ))
            }
        })
    }

    /// `NEXT` (`next` true) or `EXIT`, in the innermost match item around it.
    pub(super) fn match_jump(&mut self, next: bool, pos: Pos) -> R<Stmt> {
        let what = if next { "NEXT" } else { "EXIT" };
        let Some(&m) = self.f().matches.last() else {
            return Err(SourceError::new(
                pos,
                format!("{what} outside a match item"),
            ));
        };
        // A GOTO may leave the VALOFs between here and the item's: NEXT goes to the next
        // item, EXIT to the end of the list (where a MATCH or EVERY expression gives its
        // value).
        Ok(match (next, m.kind) {
            (true, _) => Stmt::Goto(m.next),
            (false, Kind::Function) => Stmt::Return(Some(Expr::Num(0))),
            (false, Kind::Routine) => Stmt::Return(None),
            (false, Kind::Command | Kind::Every | Kind::Value | Kind::Sum(_)) => Stmt::Goto(m.exit),
        })
    }

    /// Declares `p`'s pattern variables (its names that are not manifest constants), as
    /// names of their locations; `mark` is where this item's names begin in the scope.
    fn bind_pattern(&mut self, p: &'a Pattern, args: &[usize], at: &Loc, mark: usize) -> R<()> {
        match p {
            Pattern::Name(n, pos, flt) => {
                // Names are matched exactly here: `upb` is a variable beside a manifest `Upb`.
                if !flt && matches!(self.lookup_exact(n), Some(Binding::Manifest(_))) {
                    return Ok(());
                }
                if self.scope[mark..].iter().any(|(m, _)| m == n) {
                    return Err(SourceError::new(
                        *pos,
                        format!("pattern variable `{n}` is named twice in one pattern"),
                    ));
                }
                let owner = self.f().index;
                let slot = args[at.arg];
                let b = if at.path.is_empty() {
                    Binding::Local { slot, owner }
                } else {
                    let mut path = [0; MAX_PATH];
                    path[..at.path.len()].copy_from_slice(&at.path);
                    Binding::Path {
                        slot,
                        owner,
                        path,
                        depth: at.path.len(),
                    }
                };
                self.bind_tagged(n, b, *flt);
                Ok(())
            }
            Pattern::Then(p, q) => {
                self.bind_pattern(p, args, at, mark)?;
                self.bind_pattern(q, args, &at.next()?, mark)
            }
            Pattern::Both(p, q) | Pattern::Either(p, q) => {
                self.bind_pattern(p, args, at, mark)?;
                self.bind_pattern(q, args, at, mark)
            }
            Pattern::Point(p) => self.bind_pattern(p, args, &at.deeper()?, mark),
            Pattern::Any
            | Pattern::Value(_)
            | Pattern::Rel(..)
            | Pattern::Range(..)
            | Pattern::Jump(_) => Ok(()),
        }
    }

    /// The test `p` makes of location `at`; `None` when it always passes.
    fn pattern_test(&mut self, p: &'a Pattern, args: &[usize], at: &Loc) -> R<Option<Expr>> {
        let here = |line| path_value(args[at.arg], &at.path, line);
        Ok(match p {
            Pattern::Any => None,
            Pattern::Name(n, pos, false) => match self.lookup_exact(n) {
                Some(Binding::Manifest(v)) => Some(Expr::Compare(
                    RelOp::Eq,
                    Box::new(here(pos.line)),
                    Box::new(Expr::Num(v)),
                )),
                _ => None,
            },
            Pattern::Name(_, _, true) => None,
            Pattern::Value(e) => {
                let v = self.expr(e)?;
                Some(Expr::Compare(
                    RelOp::Eq,
                    Box::new(here(e.pos.line)),
                    Box::new(v),
                ))
            }
            Pattern::Rel(op, flt, e) => Some(self.relation(*op, *flt, here(e.pos.line), e)?),
            Pattern::Range(low, high, flt) => {
                let line = low.pos.line;
                let flt = *flt || self.is_flt(low) || self.is_flt(high);
                let a = self.relation(RelOp::Ge, flt, here(line), low)?;
                let b = self.relation(RelOp::Le, flt, here(line), high)?;
                both(Some(a), Some(b))
            }
            Pattern::Then(p, q) => {
                let a = self.pattern_test(p, args, at)?;
                let b = self.pattern_test(q, args, &at.next()?)?;
                both(a, b)
            }
            Pattern::Both(p, q) => {
                let a = self.pattern_test(p, args, at)?;
                both(a, self.pattern_test(q, args, at)?)
            }
            Pattern::Either(p, q) => {
                let a = self.pattern_test(p, args, at)?;
                let b = self.pattern_test(q, args, at)?;
                match (a, b) {
                    (Some(a), Some(b)) => Some(Expr::OrElse(Box::new(a), Box::new(b))),
                    _ => None,
                }
            }
            Pattern::Point(p) => self.pattern_test(p, args, &at.deeper()?)?,
            // The jump as a test that never passes: `VALOF` of it.
            Pattern::Jump(s) => {
                let jump = self.in_valof(|this| this.stmt(s))?;
                Some(Expr::Valof(Box::new(jump), None))
            }
        })
    }

    /// `value op e`, on floating-point values when `flt` or when `e` is one.
    fn relation(&mut self, op: RelOp, flt: bool, value: Expr, e: &'a ast::Expr) -> R<Expr> {
        if flt || self.is_flt(e) {
            self.flt_call_on(super::float_relation(op), vec![value], &[e], e.pos.line)
        } else {
            Ok(Expr::Compare(op, Box::new(value), Box::new(self.expr(e)?)))
        }
    }
}
