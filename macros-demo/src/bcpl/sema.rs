//! Checking the syntax tree and lowering it to [`ir`].
//!
//! This is where every rule of the dialect is enforced, once, with a located error:
//! - names: a local (innermost `LET`, parameter or `FOR` variable first), else a program
//!   function (any order of declaration), else a runtime routine (`writen`, `writes`, `wrch`,
//!   `newline`); a function name is not a value and a local is not callable;
//! - calls pass exactly as many arguments as the callee has parameters;
//! - `BREAK`/`LOOP` only inside a loop and `RESULTIS` only inside `VALOF` (neither crosses a
//!   `VALOF` boundary outwards);
//! - `VEC` sizes and `FOR ... BY` steps are constant expressions (folded here);
//! - `start()` exists and takes no arguments.
//!
//! It also assigns every local its own frame slot and every vector its own range of the
//! function's vector area, so the back ends need no scope handling at all.

use std::collections::HashMap;

use super::ast::{self, BinOp, Body, ExprKind, Init, StmtKind};
use super::diag::{Pos, SourceError};
use super::ir::{self, Builtin, Callee, Expr, LoopTest, Stmt};

/// The largest vector (`VEC n` with n up to this, in words).
pub const MAX_VEC: i64 = 1 << 24;
/// The most parameters a function may have.
pub const MAX_PARAMS: usize = 255;

type R<T> = Result<T, SourceError>;

/// Checks `prog` and lowers it.
pub fn check(prog: &ast::Program) -> R<ir::Program> {
    let mut index = HashMap::new();
    for (i, d) in prog.decls.iter().enumerate() {
        if index.insert(d.name.as_str(), i).is_some() {
            return Err(SourceError::new(
                d.pos,
                format!("`{}` is declared twice", d.name),
            ));
        }
        if d.params.len() > MAX_PARAMS {
            return Err(SourceError::new(
                d.pos,
                format!("`{}` has more than {MAX_PARAMS} parameters", d.name),
            ));
        }
    }
    let Some(&start) = index.get("start") else {
        return Err(SourceError::new(
            Pos { line: 1, col: 1 },
            "there is no `start` routine: execution begins at `LET start() BE ...`",
        ));
    };
    if !prog.decls[start].params.is_empty() {
        return Err(SourceError::new(
            prog.decls[start].pos,
            "`start` must take no parameters",
        ));
    }
    let arity: Vec<usize> = prog.decls.iter().map(|d| d.params.len()).collect();
    let mut strings = Vec::new();
    let mut funcs = Vec::with_capacity(prog.decls.len());
    for d in &prog.decls {
        let mut f = FnCheck {
            index: &index,
            arity: &arity,
            strings: &mut strings,
            scope: Vec::new(),
            slots: 0,
            vec_words: 0,
            loops: 0,
            valofs: 0,
        };
        for (name, pos) in &d.params {
            if f.scope.iter().any(|(n, _)| n == name) {
                return Err(SourceError::new(
                    *pos,
                    format!("parameter `{name}` is repeated"),
                ));
            }
            f.declare(name);
        }
        let body = match &d.body {
            Body::Function(e) => Stmt::Return(Some(f.expr(e)?)),
            Body::Routine(s) => f.stmt(s)?,
        };
        funcs.push(ir::Func {
            name: d.name.clone(),
            params: d.params.len(),
            slots: f.slots,
            vec_words: f.vec_words,
            body,
            line: d.pos.line,
        });
    }
    Ok(ir::Program {
        funcs,
        start,
        strings,
    })
}

/// The checker of one function. The first error ends the whole check, so only the paths that
/// succeed need to restore what they change (scope, loop and VALOF counts).
struct FnCheck<'a> {
    index: &'a HashMap<&'a str, usize>,
    arity: &'a [usize],
    strings: &'a mut Vec<Vec<u8>>,
    /// Visible locals, innermost last.
    scope: Vec<(String, usize)>,
    slots: usize,
    vec_words: usize,
    /// Loops enclosing the current command inside the innermost VALOF (or the body).
    loops: usize,
    /// VALOFs enclosing the current command.
    valofs: usize,
}

impl FnCheck<'_> {
    fn declare(&mut self, name: &str) -> usize {
        let slot = self.new_slot();
        self.scope.push((name.to_string(), slot));
        slot
    }

    fn new_slot(&mut self) -> usize {
        self.slots += 1;
        self.slots - 1
    }

    fn local(&self, name: &str) -> Option<usize> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|&(_, s)| s)
    }

    fn stmt(&mut self, s: &ast::Stmt) -> R<Stmt> {
        let line = s.pos.line;
        Ok(match &s.kind {
            StmtKind::Let(items) => {
                // A LET outside a block: its scope is the LET itself.
                let mark = self.scope.len();
                let mut out = Vec::new();
                self.let_into(items, &mut out)?;
                self.scope.truncate(mark);
                Stmt::Block(out)
            }
            StmtKind::Assign(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (target, value) in pairs {
                    let value = self.expr(value)?;
                    out.push(match &target.kind {
                        ExprKind::Name(n) => match self.local(n) {
                            Some(slot) => Stmt::Set(slot, value),
                            None => return Err(self.not_a_variable(n, target.pos)),
                        },
                        ExprKind::Deref(p) => Stmt::Store(self.expr(p)?, value, line),
                        ExprKind::Index(v, i) => Stmt::Store(
                            Expr::Binary(
                                BinOp::Add,
                                Box::new(self.expr(v)?),
                                Box::new(self.expr(i)?),
                                line,
                            ),
                            value,
                            line,
                        ),
                        _ => return Err(SourceError::new(target.pos, "cannot assign to this")),
                    });
                }
                if out.len() == 1 {
                    out.pop().unwrap_or(Stmt::Block(Vec::new()))
                } else {
                    Stmt::Block(out)
                }
            }
            StmtKind::If { cond, negate, then } => Stmt::If {
                cond: self.expr(cond)?,
                run_when: !negate,
                then: Box::new(self.scoped(then)?),
                otherwise: None,
            },
            StmtKind::Test {
                cond,
                then,
                otherwise,
            } => Stmt::If {
                cond: self.expr(cond)?,
                run_when: true,
                then: Box::new(self.scoped(then)?),
                otherwise: Some(Box::new(self.scoped(otherwise)?)),
            },
            StmtKind::While { cond, negate, body } => {
                let cond = self.expr(cond)?;
                Stmt::Loop {
                    test: LoopTest::Before(cond, !negate),
                    body: Box::new(self.loop_body(body)?),
                }
            }
            StmtKind::Repeat { body, cond } => {
                let body = Box::new(self.loop_body(body)?);
                let test = match cond {
                    None => LoopTest::Never,
                    Some((e, until)) => LoopTest::After(self.expr(e)?, !until),
                };
                Stmt::Loop { test, body }
            }
            StmtKind::For {
                var,
                from,
                to,
                by,
                body,
            } => {
                let from = self.expr(from)?;
                let to = self.expr(to)?;
                let step = match by {
                    None => 1,
                    Some(e) => constant(e)?,
                };
                if step == 0 {
                    let pos = by.as_ref().map_or(s.pos, |e| e.pos);
                    return Err(SourceError::new(pos, "a FOR step of 0 would never finish"));
                }
                let limit = self.new_slot();
                let mark = self.scope.len();
                let var = self.declare(var);
                let body = self.loop_body(body)?;
                self.scope.truncate(mark);
                Stmt::For {
                    var,
                    limit,
                    from,
                    to,
                    step,
                    body: Box::new(body),
                }
            }
            StmtKind::Resultis(e) => {
                if self.valofs == 0 {
                    return Err(SourceError::new(s.pos, "RESULTIS outside a VALOF"));
                }
                Stmt::Resultis(self.expr(e)?)
            }
            StmtKind::Return => Stmt::Return(None),
            StmtKind::Break | StmtKind::Loop => {
                let (what, lowered) = if s.kind == StmtKind::Break {
                    ("BREAK", Stmt::Break)
                } else {
                    ("LOOP", Stmt::Continue)
                };
                if self.loops == 0 {
                    return Err(SourceError::new(s.pos, format!("{what} outside a loop")));
                }
                lowered
            }
            StmtKind::Finish => Stmt::Finish,
            StmtKind::Call(e) => Stmt::Call(self.expr(e)?),
            StmtKind::Block(body) => {
                let mark = self.scope.len();
                let mut out = Vec::with_capacity(body.len());
                for c in body {
                    match &c.kind {
                        StmtKind::Let(items) => self.let_into(items, &mut out)?,
                        _ => out.push(self.stmt(c)?),
                    }
                }
                self.scope.truncate(mark);
                Stmt::Block(out)
            }
        })
    }

    /// A command whose declarations end with it (the arm of an IF, say).
    fn scoped(&mut self, s: &ast::Stmt) -> R<Stmt> {
        let mark = self.scope.len();
        let r = self.stmt(s);
        self.scope.truncate(mark);
        r
    }

    fn loop_body(&mut self, s: &ast::Stmt) -> R<Stmt> {
        self.loops += 1;
        let r = self.scoped(s);
        self.loops -= 1;
        r
    }

    /// Lowers a `LET`, leaving its names in scope for the rest of the enclosing block. All
    /// right-hand sides are evaluated before any of the names is visible.
    fn let_into(&mut self, items: &[(String, Init)], out: &mut Vec<Stmt>) -> R<()> {
        /// A right-hand side, lowered before the names are declared.
        enum Lowered {
            Value(Expr),
            /// A vector of this many words.
            Vec(usize),
        }
        let mut inits = Vec::with_capacity(items.len());
        for (_, init) in items {
            inits.push(match init {
                Init::Value(e) => Lowered::Value(self.expr(e)?),
                Init::Vec(e) => {
                    let n = constant(e)?;
                    if !(0..=MAX_VEC).contains(&n) {
                        return Err(SourceError::new(
                            e.pos,
                            format!("VEC size {n} is out of range: 0 to {MAX_VEC}"),
                        ));
                    }
                    Lowered::Vec(n as usize + 1)
                }
            });
        }
        for ((name, _), init) in items.iter().zip(inits) {
            let slot = self.declare(name);
            out.push(match init {
                Lowered::Value(value) => Stmt::Set(slot, value),
                Lowered::Vec(words) => {
                    let offset = self.vec_words;
                    self.vec_words += words;
                    Stmt::VecInit {
                        slot,
                        offset,
                        words,
                    }
                }
            });
        }
        Ok(())
    }

    fn not_a_variable(&self, name: &str, pos: Pos) -> SourceError {
        let msg = if self.index.contains_key(name) {
            format!("`{name}` is a function, not a variable")
        } else if Builtin::lookup(name).is_some() {
            format!("`{name}` is a runtime routine, not a variable")
        } else {
            format!("unknown name `{name}`")
        };
        SourceError::new(pos, msg)
    }

    fn boxed(&mut self, e: &ast::Expr) -> R<Box<Expr>> {
        Ok(Box::new(self.expr(e)?))
    }

    fn expr(&mut self, e: &ast::Expr) -> R<Expr> {
        let line = e.pos.line;
        Ok(match &e.kind {
            ExprKind::Num(n) => Expr::Num(*n),
            ExprKind::Bool(b) => Expr::Num(if *b { -1 } else { 0 }),
            ExprKind::Str(s) => {
                self.strings.push(s.clone());
                Expr::Str(self.strings.len() - 1)
            }
            ExprKind::Name(n) => match self.local(n) {
                Some(slot) => Expr::Local(slot),
                None => return Err(self.not_a_variable(n, e.pos)),
            },
            ExprKind::Call(name, args) => {
                let (callee, want) = if self.local(name).is_some() {
                    return Err(SourceError::new(
                        e.pos,
                        format!("`{name}` is a local variable, not a function"),
                    ));
                } else if let Some(&i) = self.index.get(name.as_str()) {
                    (Callee::Func(i), self.arity[i])
                } else if let Some(b) = Builtin::lookup(name) {
                    (Callee::Builtin(b), b.arity())
                } else {
                    return Err(SourceError::new(
                        e.pos,
                        format!("unknown function `{name}`"),
                    ));
                };
                if args.len() != want {
                    return Err(SourceError::new(
                        e.pos,
                        format!(
                            "`{name}` takes {want} argument{}, but {} {} given",
                            if want == 1 { "" } else { "s" },
                            args.len(),
                            if args.len() == 1 { "is" } else { "are" }
                        ),
                    ));
                }
                let mut lowered = Vec::with_capacity(args.len());
                for a in args {
                    lowered.push(self.expr(a)?);
                }
                Expr::Call(callee, lowered)
            }
            ExprKind::Valof(body) => {
                let loops = std::mem::take(&mut self.loops);
                self.valofs += 1;
                let r = self.scoped(body);
                self.valofs -= 1;
                self.loops = loops;
                Expr::Valof(Box::new(r?))
            }
            ExprKind::Neg(x) => Expr::Neg(self.boxed(x)?),
            ExprKind::Not(x) => Expr::Not(self.boxed(x)?),
            ExprKind::Deref(p) => Expr::Load(self.boxed(p)?, line),
            ExprKind::Index(v, i) => {
                let addr = Expr::Binary(BinOp::Add, self.boxed(v)?, self.boxed(i)?, line);
                Expr::Load(Box::new(addr), line)
            }
            ExprKind::Binary(op, l, r) => {
                let (l, r) = (self.boxed(l)?, self.boxed(r)?);
                match op {
                    BinOp::And if l.is_truth_value() => Expr::AndThen(l, r),
                    BinOp::Or if l.is_truth_value() => Expr::OrElse(l, r),
                    _ => Expr::Binary(*op, l, r, line),
                }
            }
            ExprKind::Compare(first, rest) => {
                let first = self.boxed(first)?;
                let mut out = Vec::with_capacity(rest.len());
                for (op, x) in rest {
                    out.push((*op, self.expr(x)?));
                }
                Expr::Compare(first, out)
            }
            ExprKind::Cond(c, a, b) => Expr::Cond(self.boxed(c)?, self.boxed(a)?, self.boxed(b)?),
        })
    }
}

/// The value of a constant expression (numbers, TRUE/FALSE and operators on them).
fn constant(e: &ast::Expr) -> R<i64> {
    let not_const = || SourceError::new(e.pos, "expected a constant expression here");
    Ok(match &e.kind {
        ExprKind::Num(n) => *n,
        ExprKind::Bool(b) => -i64::from(*b),
        ExprKind::Neg(x) => constant(x)?.wrapping_neg(),
        ExprKind::Not(x) => !constant(x)?,
        ExprKind::Binary(op, l, r) => {
            let (a, b) = (constant(l)?, constant(r)?);
            match super::arith::binary(*op, a, b) {
                Some(v) => v,
                None => return Err(SourceError::new(e.pos, "division by zero in a constant")),
            }
        }
        ExprKind::Compare(first, rest) => {
            let mut prev = constant(first)?;
            let mut all = true;
            for (op, x) in rest {
                let v = constant(x)?;
                all &= op.holds(prev, v);
                prev = v;
            }
            -i64::from(all)
        }
        ExprKind::Cond(c, a, b) => {
            if constant(c)? != 0 {
                constant(a)?
            } else {
                constant(b)?
            }
        }
        _ => return Err(not_const()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{lexer::lex, parser::parse};
    use super::*;

    fn check_src(s: &str) -> R<ir::Program> {
        check(&parse(&lex(s.as_bytes())?)?)
    }

    #[test]
    fn names_resolve_in_any_order() {
        let p = check_src("LET start() BE f(1)\nLET f(x) = x + g()\nLET g() = 2").unwrap();
        assert_eq!(p.funcs.len(), 3);
        assert_eq!(p.start, 0);
    }

    #[test]
    fn rule_violations_are_located_errors() {
        let cases = [
            ("LET start() BE x := 1", (1, 16), "unknown name"),
            (
                "LET start() BE f(1)\nLET f(a, b) = a",
                (1, 16),
                "takes 2 arguments",
            ),
            ("LET start() BE BREAK", (1, 16), "outside a loop"),
            ("LET start() BE RESULTIS 1", (1, 16), "outside a VALOF"),
            (
                "LET start() BE WHILE TRUE DO writen(VALOF BREAK)",
                (1, 43),
                "outside a loop",
            ),
            (
                "LET start() BE { LET n = 3; LET v = VEC n }",
                (1, 41),
                "constant",
            ),
            (
                "LET start() BE FOR i = 1 TO 2 BY 0 DO newline()",
                (1, 34),
                "never",
            ),
            ("LET f() = 1", (1, 1), "no `start`"),
            (
                "LET start() BE $( $( LET x = 1 $); writen(x) $)",
                (1, 43),
                "unknown name",
            ),
            (
                "LET start() BE f := 1\nLET f() = 1",
                (1, 16),
                "is a function",
            ),
        ];
        for (src, (line, col), msg) in cases {
            let e = check_src(src).unwrap_err();
            assert_eq!((e.pos.line, e.pos.col), (line, col), "{src}: {e}");
            assert!(e.message.contains(msg), "{src}: {e}");
        }
    }

    #[test]
    fn and_after_a_truth_value_short_circuits() {
        let p = check_src("LET start() BE IF 1 = 1 & 1 / 0 = 0 DO newline()").unwrap();
        let Stmt::If { cond, .. } = &p.funcs[0].body else {
            panic!()
        };
        assert!(matches!(cond, Expr::AndThen(..)));
    }
}
