//! When a variable that is an operand is read: as in Cintcode, when its operator is applied,
//! after the operands to its right.
//!
//! Cintcode's translator (`load` and `loadlist` in `cintcode/com/bcpltrn.b`) emits the
//! operands of `E1 op E2`, of `v!i` and of a call left to right, but its code generator
//! (`cintcode/com/bcplcgcin.b`) keeps the load of a name or a constant pending on its
//! simulated stack, and a call stores only the values already computed (`cgapply`). So the
//! name is read when its operator needs it. With `g` a global that `f` changes, `g - f()`,
//! `v!f()` (with `v` changed), `h(g, f())`, `g +:= f()`, `v!f() := g` and
//! `FOR i = g TO f()` all use the value `f` left, while `(g+1) - f()` and `-g + f()` use the
//! value before.
//!
//! The IR evaluates operands left to right, so where a variable operand could be changed by
//! an operand after it, [`Sema::late_reads`] evaluates every operand that is not a leaf
//! first, in order, into slots of its own, and the leaves are read after them. Not followed:
//! the names of one `LET ... AND ...` group (Cintcode stores them together at the end), and
//! the code generator's other pending forms (`@g!0` is read late there too).

use super::Sema;
use crate::bcpl::ast::{BinOp, RelOp};
use crate::bcpl::ir::{Expr, Stmt};

/// Whether `e` takes the address of local `slot` or runs a `VALOF`: what can change a local
/// while `e` is evaluated, besides a call through an address taken elsewhere.
fn reaches_local(e: &Expr, slot: usize) -> bool {
    e.any(&|x| matches!(x, Expr::Valof(..)) || matches!(x, Expr::LocalAddr(s) if *s == slot))
}

impl Sema<'_> {
    /// Whether operands `later`, which make a call or run a VALOF, could change the
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

    /// Rearranges `ops`, operands to be evaluated left to right, so that a variable among
    /// them is read after the operands to its right (see the module's doc): returns the
    /// commands that evaluate the others first, leaving in `ops` only leaves. Nothing changes
    /// where no later operand could change a variable read before it.
    pub(super) fn late_reads(&mut self, ops: &mut [Expr]) -> Vec<Stmt> {
        // From the right: whether an operand after `i` has effects, then whether they matter.
        let mut effects_after = false;
        let mut early = false;
        for i in (0..ops.len()).rev() {
            if effects_after && self.changes(&ops[i], &ops[i + 1..]) {
                early = true;
                break;
            }
            effects_after |= ops[i].has_effects();
        }
        let mut first = Vec::new();
        if early {
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

    /// `l op r`, `l` read after `r` is evaluated where that matters.
    pub(super) fn binary(&mut self, op: BinOp, l: Expr, r: Expr, line: u32) -> Expr {
        let mut ops = [l, r];
        let first = self.late_reads(&mut ops);
        let [l, r] = ops;
        Self::after(first, Expr::Binary(op, Box::new(l), Box::new(r), line))
    }

    /// `l op r` for one relation, `l` read after `r` is evaluated where that matters.
    pub(super) fn comparison(&mut self, l: Expr, op: RelOp, r: Expr) -> Expr {
        let mut ops = [l, r];
        let first = self.late_reads(&mut ops);
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

    /// The address `v + i` of `v!i`, `v` read after `i` is evaluated where that matters;
    /// `load` it or not.
    pub(super) fn subscript(&mut self, v: Expr, i: Expr, load: bool, line: u32) -> Expr {
        let mut ops = [v, i];
        let first = self.late_reads(&mut ops);
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
