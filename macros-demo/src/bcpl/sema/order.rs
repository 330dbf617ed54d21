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
//! and an operand after it could change it before it jumps ([`effect_first`]),
//! [`Sema::late_reads`] evaluates every operand that is not a leaf first, in order, into
//! slots of its own; the variable is read at the first jump among them
//! ([`Sema::read_at_jump`]), or else after them. Not followed: a `LET` group whose
//! right-hand sides read its own names (`Sema::group_reads`); a `LET` in a VALOF, which
//! jumps in Cintcode's sense (`s_store`) and is taken here for an assignment; and the code
//! generator's other pending forms (`@g!0` is read late there too).

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
        Stmt::Resultis(e) if !written => first_event(e),
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
    ///
    /// A variable that is read late is read at the first jump to its right, as Cintcode
    /// reads every pending name there, or else after all the operands.
    pub(super) fn late_reads(&mut self, ops: &mut [Expr]) -> Vec<Stmt> {
        let late: Vec<bool> = (0..ops.len())
            .map(|i| self.changes(&ops[i], &ops[i + 1..]) && effect_first(&ops[i + 1..]))
            .collect();
        if !late.contains(&true) {
            return Vec::new();
        }
        // The late variables not read yet: slot, variable, index in `ops`.
        let mut waiting: Vec<(usize, Expr, usize)> = Vec::new();
        let mut first = Vec::new();
        for j in 0..ops.len() {
            if ops[j].is_leaf() {
                if late[j] {
                    let slot = self.new_slot();
                    let leaf = std::mem::replace(&mut ops[j], Expr::Local(slot));
                    waiting.push((slot, leaf, j));
                }
                continue;
            }
            let reads: Vec<Stmt> = waiting
                .iter()
                .map(|(slot, leaf, _)| Stmt::Set(*slot, leaf.clone()))
                .collect();
            if !reads.is_empty() && self.read_at_jump(&mut ops[j], &reads) {
                waiting.clear();
            }
            let slot = self.new_slot();
            first.push(Stmt::Set(
                slot,
                std::mem::replace(&mut ops[j], Expr::Local(slot)),
            ));
        }
        for (_, leaf, j) in waiting {
            ops[j] = leaf;
        }
        first
    }

    /// Makes `e` run `reads` at its first jump ([`first_event`]); `false`, and `e`
    /// unchanged, when it does not jump.
    fn read_at_jump(&mut self, e: &mut Expr, reads: &[Stmt]) -> bool {
        match e {
            Expr::Num(_) | Expr::Local(_) | Expr::Cell(_) | Expr::LocalAddr(_) => false,
            Expr::Neg(x) | Expr::Abs(x) | Expr::Not(x) | Expr::Load(x, _) => {
                self.read_at_jump(x, reads)
            }
            Expr::Binary(_, l, r, _) | Expr::Compare(_, l, r) | Expr::LoadByte(l, r, _) => {
                self.read_at_jump(l, reads) || self.read_at_jump(r, reads)
            }
            Expr::Call { callee, args, .. } => {
                for a in args.iter_mut() {
                    if self.read_at_jump(a, reads) {
                        return true;
                    }
                }
                match callee {
                    Callee::Value(f) => self.read_at_jump(f, reads),
                    Callee::Func(_) => false,
                }
            }
            Expr::AndThen(c, _) | Expr::OrElse(c, _) | Expr::Cond(c, ..) => {
                if !self.read_at_jump(c, reads) {
                    self.then_run(c, reads);
                }
                true
            }
            Expr::Valof(body, None) => self.stmt_read_at_jump(body, reads, false),
            Expr::Valof(body, Some(_)) => {
                if !self.stmt_read_at_jump(body, reads, true) {
                    self.then_run(e, reads);
                }
                true
            }
        }
    }

    /// [`Self::read_at_jump`] for a command of a VALOF, the program's (`written`) or one of
    /// [`Self::after`] ([`stmt_first_event`]).
    fn stmt_read_at_jump(&mut self, s: &mut Stmt, reads: &[Stmt], written: bool) -> bool {
        match s {
            Stmt::Block(body) => {
                for c in body.iter_mut() {
                    if self.stmt_read_at_jump(c, reads, written) {
                        return true;
                    }
                }
                false
            }
            Stmt::Set(_, e) | Stmt::SetCell(_, e) | Stmt::Call(e) => self.read_at_jump(e, reads),
            Stmt::Resultis(e) if !written => self.read_at_jump(e, reads),
            Stmt::Store(addr, value, _) => {
                self.read_at_jump(value, reads) || self.read_at_jump(addr, reads)
            }
            Stmt::StoreByte(v, i, value, _) => {
                self.read_at_jump(value, reads)
                    || self.read_at_jump(v, reads)
                    || self.read_at_jump(i, reads)
            }
            Stmt::Resultis(e) | Stmt::If { cond: e, .. } => {
                if !self.read_at_jump(e, reads) {
                    self.then_run(e, reads);
                }
                true
            }
            _ => {
                let jump = std::mem::replace(s, Stmt::Block(Vec::new()));
                let mut block = reads.to_vec();
                block.push(jump);
                *s = Stmt::Block(block);
                true
            }
        }
    }

    /// Makes `e` run `reads` after it is evaluated.
    fn then_run(&mut self, e: &mut Expr, reads: &[Stmt]) {
        let slot = self.new_slot();
        let mut body = vec![Stmt::Set(slot, std::mem::replace(e, Expr::Num(0)))];
        body.extend_from_slice(reads);
        body.push(Stmt::Resultis(Expr::Local(slot)));
        *e = Expr::Valof(Box::new(Stmt::Block(body)), None);
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
