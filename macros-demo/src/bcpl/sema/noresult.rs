//! Where a `VALOF` that ends without `RESULTIS` is a run-time error.
//!
//! Cintcode returns whatever value was left over, and Richards' programs rely on it where the
//! value is never used: `LET start() = VALOF { ... }`, or a function called as a command.
//! Here a function's own `VALOF` (its body, `LET f() = VALOF ...`) ending without
//! `RESULTIS` is an error exactly where its value is used, decided per function from the
//! places it is used:
//! - named as a value (called through a variable, stored, passed, `@f`): every such
//!   `VALOF` is an error where it ends, as any other `VALOF` is;
//! - only called as a command (and `start`, whose result the run ignores): it ends quietly;
//! - called both ways: it ends quietly but records its line in a hidden static word, which
//!   every call whose value is used checks, and reports, right after the call returns; a
//!   call as a command clears it. Between the end of such a `VALOF` and the check the
//!   function has only returned, so a recorded line is always that call's.

use std::collections::{HashMap, HashSet};

use crate::bcpl::ast::RelOp;
use crate::bcpl::ir::{self, Callee, Expr, LoopTest, Stmt};
use crate::bcpl::memory::{FN_BASE, GLOBALS};

/// Marks which function `VALOF`s end quietly and adds the checks. `named` holds the
/// functions the program names as values, `entry` the one the run calls; `image` is the
/// memory image, which gets the hidden word when a function is called both ways.
pub(super) fn settle(
    funcs: &mut [ir::Func],
    named: HashSet<usize>,
    entry: usize,
    image: &mut Vec<i64>,
) {
    // The functions that live in globals, by global: a call through the global is a call
    // of the function (any other value put there is a function named as a value, or the
    // library's, whose VALOFs never end quietly).
    let globals: HashMap<usize, usize> = image[..GLOBALS.min(image.len())]
        .iter()
        .enumerate()
        .filter_map(|(g, &v)| {
            let i = usize::try_from(v.wrapping_sub(FN_BASE)).ok()?;
            (i < funcs.len()).then_some((g, i))
        })
        .collect();
    let mut uses = Uses {
        globals: &globals,
        named,
        valued: HashSet::new(),
        dropped: HashSet::from([entry]),
    };
    for f in funcs.iter_mut() {
        stmt(&mut f.body, &mut uses);
    }
    let flag = image.len();
    let mut checked: HashMap<usize, Vec<u32>> = HashMap::new();
    for (i, f) in funcs.iter_mut().enumerate() {
        if uses.named.contains(&i) {
            continue;
        }
        if !uses.valued.contains(&i) {
            returned_valofs(&mut f.body, &mut |_, line| *line = None);
        } else if uses.dropped.contains(&i) {
            let mut lines = Vec::new();
            returned_valofs(&mut f.body, &mut |body, line| {
                if let Some(l) = line.take() {
                    lines.push(l);
                    let ended = std::mem::replace(body, Stmt::Block(Vec::new()));
                    let record = Stmt::SetCell(flag, Expr::Num(i64::from(l)));
                    *body = Stmt::Block(vec![ended, record]);
                }
            });
            if !lines.is_empty() {
                checked.insert(i, lines);
            }
        }
    }
    if checked.is_empty() {
        return;
    }
    image.push(0);
    for f in funcs.iter_mut() {
        let mut checks = Checks {
            globals: &globals,
            checked: &checked,
            flag,
            slots: f.slots,
            temp: None,
        };
        stmt(&mut f.body, &mut checks);
        f.slots = checks.slots;
    }
}

/// Calls `each` with the body and report line of every `VALOF` that `s` returns as the
/// function's result: its body's, or (in a pattern-defined function, whose items each
/// return) every item's.
fn returned_valofs(s: &mut Stmt, each: &mut dyn FnMut(&mut Stmt, &mut Option<u32>)) {
    match s {
        Stmt::Return(Some(Expr::Valof(body, line))) => each(body, line),
        Stmt::Block(items) => items.iter_mut().for_each(|s| returned_valofs(s, each)),
        Stmt::If { then, .. } => returned_valofs(then, each),
        _ => {}
    }
}

/// The function a call calls, when it is one of the program's, called by name.
fn target(callee: &Callee, globals: &HashMap<usize, usize>) -> Option<usize> {
    match callee {
        Callee::Func(i) => Some(*i),
        Callee::Value(v) => match **v {
            Expr::Cell(g) => globals.get(&g).copied(),
            _ => None,
        },
    }
}

/// What a walk over the program does at the places that decide a `VALOF`'s handling.
trait Visit {
    /// At a call whose callee and arguments have been visited; `dropped` for a command's.
    /// Returns what a command's call must be followed by; a call whose value is used may be
    /// replaced.
    fn call(&mut self, call: &mut Expr, dropped: bool) -> Option<Stmt>;
    /// At a global read as a value (not called).
    fn cell(&mut self, _g: usize) {}
}

/// Finds how each function is used.
struct Uses<'g> {
    globals: &'g HashMap<usize, usize>,
    named: HashSet<usize>,
    valued: HashSet<usize>,
    dropped: HashSet<usize>,
}

impl Visit for Uses<'_> {
    fn call(&mut self, call: &mut Expr, dropped: bool) -> Option<Stmt> {
        if let Expr::Call { callee, .. } = call {
            if let Some(i) = target(callee, self.globals) {
                if dropped {
                    self.dropped.insert(i);
                } else {
                    self.valued.insert(i);
                }
            }
        }
        None
    }

    fn cell(&mut self, g: usize) {
        if let Some(&i) = self.globals.get(&g) {
            self.named.insert(i);
        }
    }
}

/// Adds the checks of calls of functions called both ways, in one function.
struct Checks<'a> {
    globals: &'a HashMap<usize, usize>,
    /// The functions called both ways, with the lines their `VALOF`s record.
    checked: &'a HashMap<usize, Vec<u32>>,
    /// The hidden word's address.
    flag: usize,
    /// The function's slots, and the one that holds a checked call's value, once needed.
    slots: usize,
    temp: Option<usize>,
}

impl Visit for Checks<'_> {
    fn call(&mut self, call: &mut Expr, dropped: bool) -> Option<Stmt> {
        let Expr::Call { callee, .. } = call else {
            return None;
        };
        let lines = target(callee, self.globals).and_then(|i| self.checked.get(&i))?;
        if dropped {
            return Some(Stmt::SetCell(self.flag, Expr::Num(0)));
        }
        let temp = *self.temp.get_or_insert_with(|| {
            self.slots += 1;
            self.slots - 1
        });
        // VALOF { t := f(...); IF flag = line DO <VALOF ended without RESULTIS at line>;
        //         RESULTIS t }
        let mut body = vec![Stmt::Set(temp, std::mem::replace(call, Expr::Num(0)))];
        for &line in lines {
            body.push(Stmt::If {
                cond: Expr::Compare(
                    RelOp::Eq,
                    Box::new(Expr::Cell(self.flag)),
                    Box::new(Expr::Num(i64::from(line))),
                ),
                run_when: true,
                then: Box::new(Stmt::Set(
                    temp,
                    Expr::Valof(Box::new(Stmt::Block(Vec::new())), Some(line)),
                )),
                otherwise: None,
            });
        }
        body.push(Stmt::Resultis(Expr::Local(temp)));
        *call = Expr::Valof(Box::new(Stmt::Block(body)), None);
        None
    }
}

fn stmt(s: &mut Stmt, v: &mut impl Visit) {
    match s {
        Stmt::Call(e) => {
            let after = match command_call(e) {
                Some((first, call)) => {
                    first.iter_mut().for_each(|s| stmt(s, v));
                    visit_call(call, v, true)
                }
                None => {
                    expr(e, v);
                    None
                }
            };
            if let Some(after) = after {
                let call = std::mem::replace(s, Stmt::Block(Vec::new()));
                *s = Stmt::Block(vec![call, after]);
            }
        }
        Stmt::Set(_, e) | Stmt::SetCell(_, e) | Stmt::Resultis(e) | Stmt::BadGoto(e, _) => {
            expr(e, v)
        }
        Stmt::Return(e) => {
            if let Some(e) = e {
                expr(e, v);
            }
        }
        Stmt::Store(a, b, _) => {
            expr(a, v);
            expr(b, v);
        }
        Stmt::StoreByte(a, i, b, _) => {
            expr(a, v);
            expr(i, v);
            expr(b, v);
        }
        Stmt::If {
            cond,
            then,
            otherwise,
            ..
        } => {
            expr(cond, v);
            stmt(then, v);
            if let Some(o) = otherwise {
                stmt(o, v);
            }
        }
        Stmt::Loop { test, body } => {
            if let LoopTest::Before(e, _) | LoopTest::After(e, _) = test {
                expr(e, v);
            }
            stmt(body, v);
        }
        Stmt::For(f) => {
            expr(&mut f.from, v);
            expr(&mut f.to, v);
            stmt(&mut f.body, v);
        }
        Stmt::Switch { value, body, .. } => {
            expr(value, v);
            stmt(body, v);
        }
        Stmt::Block(items) => items.iter_mut().for_each(|s| stmt(s, v)),
        Stmt::VecInit { .. }
        | Stmt::Label(_)
        | Stmt::Goto(_)
        | Stmt::EndCase
        | Stmt::Break
        | Stmt::Continue => {}
    }
}

/// The call that a command runs, and the commands it runs before: the command itself, or a
/// VALOF that evaluates the call's arguments first and ends with `RESULTIS` of the call
/// (`Sema::finish_call`).
fn command_call(e: &mut Expr) -> Option<(&mut [Stmt], &mut Expr)> {
    match e {
        Expr::Call { .. } => Some((&mut [], e)),
        Expr::Valof(body, None) => match &mut **body {
            Stmt::Block(items) => match items.split_last_mut() {
                Some((Stmt::Resultis(call @ Expr::Call { .. }), first)) => Some((first, call)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// Visits the callee and arguments of `call` (an [`Expr::Call`]), then the call itself.
fn visit_call(call: &mut Expr, v: &mut impl Visit, dropped: bool) -> Option<Stmt> {
    if let Expr::Call { callee, args, .. } = call {
        for a in args.iter_mut() {
            expr(a, v);
        }
        match callee {
            // A global called by name is not read as a value.
            Callee::Value(c) if matches!(**c, Expr::Cell(_)) => {}
            Callee::Value(c) => expr(c, v),
            Callee::Func(_) => {}
        }
    }
    v.call(call, dropped)
}

fn expr(e: &mut Expr, v: &mut impl Visit) {
    match e {
        Expr::Num(_) | Expr::Local(_) | Expr::LocalAddr(_) => {}
        Expr::Cell(g) => v.cell(*g),
        Expr::Call { .. } => {
            visit_call(e, v, false);
        }
        Expr::Valof(body, _) => stmt(body, v),
        Expr::Neg(x) | Expr::Abs(x) | Expr::Not(x) | Expr::Load(x, _) => expr(x, v),
        Expr::Binary(_, l, r, _)
        | Expr::Compare(_, l, r)
        | Expr::AndThen(l, r)
        | Expr::OrElse(l, r)
        | Expr::LoadByte(l, r, _) => {
            expr(l, v);
            expr(r, v);
        }
        Expr::Cond(c, a, b) => {
            expr(c, v);
            expr(a, v);
            expr(b, v);
        }
    }
}
