//! When a variable that is an operand is read: as in Cintcode, often after the operands to
//! its right.
//!
//! Two rules of Cintcode's compiler decide it (`cintcode/com/bcpltrn.b`, `bcplcgcin.b`):
//! - **Symmetric operators** (`+ * & | XOR EQV = ~=` and `!`): when the left operand is a
//!   name or a number, the translator (`load`, `intsymmetric`) evaluates the right operand
//!   first. So with `g` a global that `f` changes, `g + f()`, `g + VALOF { ... f() ... }`
//!   and `v!f()` (with `v` changed) use the value `f` left.
//! - **Pending names**: otherwise operands are emitted left to right (the operands of
//!   `- / MOD << >> < > <= >=`, a call's arguments, `!p := v`, a `FOR`'s bounds, the
//!   right-hand sides of one `LET ... AND ...` group, stored together at its end), but the
//!   code generator keeps the load of a name pending on its simulated stack until its
//!   operator is applied, or until a jump or a label, where it loads every pending name
//!   (`cgjump`, and `s_lab`, `s_res` and `s_store` in `scan`). A call does not
//!   (`cgapply`). So `g - f()`, `h(g, f())`, `g +:= f()`, `v!f() := g` and `FOR i = g TO
//!   f()` use the value `f` left, but `g - (c -> f(), 0)` and `h(g, VALOF { IF c DO f();
//!   RESULTIS 0 })` the value before it.
//!
//! `(g+1) - f()` and `-g + f()` use the value before: their left operand is computed first.
//!
//! The IR evaluates operands left to right, so where a variable operand would be read late
//! and an operand after it could change it, [`Sema::late_reads`] evaluates every operand
//! that is not a leaf first, in order, into slots of its own, and the leaves are read after
//! them. Not followed: a `LET` group whose right-hand sides read its own names
//! (`Sema::group_reads`); a name that the operands to its right change both before and
//! after their first jump (Cintcode reads it at the jump, this after both); a `LET` in a
//! VALOF, which jumps in Cintcode's sense (`s_store`) and is taken here for an assignment;
//! and the code generator's other pending forms (`@g!0` is read late there too).

use super::Sema;
use crate::bcpl::ast::{BinOp, RelOp};
use crate::bcpl::ir::{Callee, Expr, Stmt};

/// What evaluating an expression does first, of what decides when a pending name is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Event {
    /// A call or an assignment, which may change a variable.
    Effect,
    /// A jump or a label, where Cintcode's code generator loads every pending name.
    Jump,
}

/// Whether evaluating `ops` in order may change a variable before it jumps.
fn effect_first(ops: &[Expr]) -> bool {
    ops.iter().find_map(first_event) == Some(Event::Effect)
}

/// The first [`Event`] of evaluating `e`; `None` when it has neither.
fn first_event(e: &Expr) -> Option<Event> {
    match e {
        Expr::Num(_) | Expr::Local(_) | Expr::Cell(_) | Expr::LocalAddr(_) => None,
        Expr::Neg(x) | Expr::Abs(x) | Expr::Not(x) | Expr::Load(x, _) => first_event(x),
        Expr::Binary(_, l, r, _) | Expr::Compare(_, l, r) | Expr::LoadByte(l, r, _) => {
            first_event(l).or_else(|| first_event(r))
        }
        // The arguments, then the function's value, then the call.
        Expr::Call { callee, args, .. } => args
            .iter()
            .find_map(first_event)
            .or_else(|| match callee {
                Callee::Value(f) => first_event(f),
                Callee::Func(_) => None,
            })
            .or(Some(Event::Effect)),
        // A truth value, then a conditional jump.
        Expr::AndThen(c, _) | Expr::OrElse(c, _) | Expr::Cond(c, ..) => {
            first_event(c).or(Some(Event::Jump))
        }
        // One [`Sema::after`] builds: its commands only evaluate operands into slots.
        Expr::Valof(body, None) => stmt_first_event(body, false),
        // The program's: its RESULTIS jumps, if nothing before it does.
        Expr::Valof(body, Some(_)) => stmt_first_event(body, true).or(Some(Event::Jump)),
    }
}

/// The first [`Event`] of running `s`, in a VALOF of the program's (`written`) or one of
/// [`Sema::after`], whose commands only evaluate operands into slots.
fn stmt_first_event(s: &Stmt, written: bool) -> Option<Event> {
    let then = |e: &Expr, next: Option<Event>| first_event(e).or(next);
    match s {
        Stmt::Block(body) => body.iter().find_map(|c| stmt_first_event(c, written)),
        Stmt::Set(_, e) => then(e, written.then_some(Event::Effect)),
        Stmt::SetCell(_, e) => then(e, Some(Event::Effect)),
        Stmt::Store(addr, value, _) => {
            first_event(value).or_else(|| then(addr, Some(Event::Effect)))
        }
        Stmt::StoreByte(v, i, value, _) => first_event(value)
            .or_else(|| first_event(v))
            .or_else(|| then(i, Some(Event::Effect))),
        Stmt::Call(e) => first_event(e),
        Stmt::Resultis(e) | Stmt::If { cond: e, .. } => then(e, Some(Event::Jump)),
        _ => Some(Event::Jump),
    }
}

/// Whether `e` takes the address of local `slot` or runs a `VALOF`: what can change a local
/// while `e` is evaluated, besides a call through an address taken elsewhere.
fn reaches_local(e: &Expr, slot: usize) -> bool {
    e.any(&|x| matches!(x, Expr::Valof(..)) || matches!(x, Expr::LocalAddr(s) if *s == slot))
}

impl Sema<'_> {
    /// Whether operands `later`, if they make a call or run a VALOF, could change the
    /// variable `leaf` reads.
    fn changes(&self, leaf: &Expr, later: &[Expr]) -> bool {
        match leaf {
            Expr::Cell(_) => true,
            Expr::Local(s) => {
                self.fs.last().is_some_and(|f| f.addressed.contains(s))
                    || later.iter().any(|x| reaches_local(x, *s))
            }
            _ => false,
        }
    }

    /// Rearranges `ops`, operands to be evaluated left to right, so that a pending name
    /// among them is read as Cintcode reads it (see the module's doc): returns the commands
    /// that evaluate the others first, leaving in `ops` only leaves. Nothing changes where no
    /// later operand could change a variable before it jumps.
    pub(super) fn late_reads(&mut self, ops: &mut [Expr]) -> Vec<Stmt> {
        let late = (0..ops.len())
            .any(|i| self.changes(&ops[i], &ops[i + 1..]) && effect_first(&ops[i + 1..]));
        self.leaves_last(ops, late)
    }

    /// [`Self::late_reads`] for the operands of a symmetric operator, whose right operand
    /// Cintcode evaluates first when the left one is a name.
    fn symmetric_reads(&mut self, ops: &mut [Expr; 2]) -> Vec<Stmt> {
        if ops[0].is_leaf() {
            let late = self.changes(&ops[0], &ops[1..]) && ops[1].has_effects();
            self.leaves_last(ops, late)
        } else {
            self.late_reads(ops)
        }
    }

    /// When `late`, the commands that evaluate the operands of `ops` that are not leaves,
    /// in order, into slots that replace them; else none.
    fn leaves_last(&mut self, ops: &mut [Expr], late: bool) -> Vec<Stmt> {
        let mut first = Vec::new();
        if late {
            for op in ops.iter_mut().filter(|op| !op.is_leaf()) {
                let slot = self.new_slot();
                first.push(Stmt::Set(slot, std::mem::replace(op, Expr::Local(slot))));
            }
        }
        first
    }

    /// `then` after the commands `first` (none: `then` itself), as one expression: a VALOF
    /// that always reaches its RESULTIS.
    pub(super) fn after(first: Vec<Stmt>, then: Expr) -> Expr {
        if first.is_empty() {
            return then;
        }
        let mut body = first;
        body.push(Stmt::Resultis(then));
        Expr::Valof(Box::new(Stmt::Block(body)), None)
    }

    /// `l op r`, `l` read after `r` is evaluated where Cintcode does so.
    pub(super) fn binary(&mut self, op: BinOp, l: Expr, r: Expr, line: u32) -> Expr {
        let mut ops = [l, r];
        let first = match op {
            BinOp::Add | BinOp::Mul | BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Eqv => {
                self.symmetric_reads(&mut ops)
            }
            _ => self.late_reads(&mut ops),
        };
        let [l, r] = ops;
        Self::after(first, Expr::Binary(op, Box::new(l), Box::new(r), line))
    }

    /// `l op r` for one relation, `l` read after `r` is evaluated where Cintcode does so.
    pub(super) fn comparison(&mut self, l: Expr, op: RelOp, r: Expr) -> Expr {
        let mut ops = [l, r];
        let first = match op {
            RelOp::Eq | RelOp::Ne => self.symmetric_reads(&mut ops),
            _ => self.late_reads(&mut ops),
        };
        let [l, r] = ops;
        Self::after(first, Expr::Compare(op, Box::new(l), Box::new(r)))
    }

    /// `!addr := value`: `value` is evaluated first, but a variable that is the whole of
    /// it is read after `addr`, as Cintcode's `assign` loads the right-hand side, then the
    /// address, then stores.
    pub(super) fn store(&mut self, addr: Expr, value: Expr, line: u32) -> Stmt {
        let mut ops = [value, addr];
        let first = self.late_reads(&mut ops);
        let [value, addr] = ops;
        Self::before(first, Stmt::Store(addr, value, line))
    }

    /// The commands `first`, then `then` (none: `then` itself).
    pub(super) fn before(mut first: Vec<Stmt>, then: Stmt) -> Stmt {
        if first.is_empty() {
            return then;
        }
        first.push(then);
        Stmt::Block(first)
    }

    /// The address `v + i` of `v!i`, `v` read after `i` is evaluated where Cintcode does so;
    /// `load` it or not.
    pub(super) fn subscript(&mut self, v: Expr, i: Expr, load: bool, line: u32) -> Expr {
        let mut ops = [v, i];
        let first = self.symmetric_reads(&mut ops);
        let [v, i] = ops;
        let addr = Expr::Binary(BinOp::Add, Box::new(v), Box::new(i), line);
        let e = if load {
            Expr::Load(Box::new(addr), line)
        } else {
            addr
        };
        Self::after(first, e)
    }
}
