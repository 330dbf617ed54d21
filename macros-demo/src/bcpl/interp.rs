//! The reference back end: a tree-walking interpreter over [`super::ir`].
//!
//! It defines what a program means (the JIT must print the same bytes) and is the baseline
//! the JIT is measured against. It runs on the same [`Runtime`] as the JIT, with the same
//! layout of memory ([`super::memory`]): frames, globals, statics and the heap are words of
//! `rt.mem`, so `@x`, `v!i` and pointer arithmetic work exactly as in the JIT, and an address
//! outside memory is a located run-time error.
//!
//! Jumps (`GOTO`, `SWITCHON`'s dispatch) are executed by *entering* a statement at a label:
//! `Machine::enter` descends to the label, runs from there, and carries on with whatever
//! follows it in each enclosing block and loop.
//!
//! Recursion in the program is recursion here. The driver runs the interpreter on a thread
//! with a large stack; the hot functions keep their frames small for the same reason. A
//! coroutine runs on a native stack of its own ([`super::fiber`]), with a machine of its own
//! ([`Body`]) whose frames are in the coroutine's BCPL stack.

use std::rc::Rc;

use super::arith;
use super::coroutine::{self, Body};
use super::ir::{BinOp, Callee, Expr, ForLoop, LoopTest, Program, Stmt};
use super::library;
use super::memory::{Escape, Fault, Runtime, Stop, MEM_WORDS, STACK_BASE};

/// How a command ended.
enum Flow {
    Normal,
    Break,
    Continue,
    EndCase,
    Goto(usize),
    Resultis(i64),
    Return(i64),
}

/// A pass of a loop's body: a `BREAK` or `LOOP` in a VALOF in it arrives as a
/// [`Stop::Escape`], and is the flow it stands for here.
fn in_loop(r: Result<Flow, Stop>) -> Result<Flow, Stop> {
    match r {
        Err(Stop::Escape(Escape::Break)) => Ok(Flow::Break),
        Err(Stop::Escape(Escape::Loop)) => Ok(Flow::Continue),
        other => other,
    }
}

/// The value of a VALOF whose body ended with `flow`; `line` is where ending without
/// RESULTIS is reported, `None` where it ends quietly with 0.
fn valof_result(flow: Flow, line: Option<u32>) -> Result<i64, Stop> {
    match (flow, line) {
        (Flow::Resultis(v), _) => Ok(v),
        (Flow::Return(v), _) => Err(Stop::Return(v)),
        (Flow::Break, _) => Err(Stop::Escape(Escape::Break)),
        (Flow::Continue, _) => Err(Stop::Escape(Escape::Loop)),
        (Flow::EndCase, _) => Err(Stop::Escape(Escape::EndCase)),
        (Flow::Goto(label), _) => Err(Stop::Escape(Escape::Goto(label))),
        (_, None) => Ok(0),
        (_, Some(line)) => Err(Stop::Fault(line, Fault::NoResult)),
    }
}

/// What running `body` (a function's, or a VALOF's) gave: a GOTO from a VALOF inside it to
/// one of its labels arrives as a [`Stop::Escape`], and is that GOTO here.
fn caught(body: &Stmt, r: Result<Flow, Stop>) -> Result<Flow, Stop> {
    match r {
        Err(Stop::Escape(Escape::Goto(label))) if body.has_label(label) => Ok(Flow::Goto(label)),
        other => other,
    }
}

/// A SWITCHON's body: an `ENDCASE` in a VALOF in it arrives as a [`Stop::Escape`].
fn in_switch(r: Result<Flow, Stop>) -> Result<Flow, Stop> {
    match r {
        Err(Stop::Escape(Escape::EndCase)) => Ok(Flow::EndCase),
        other => other,
    }
}

/// Runs `prog` from `start` on `rt`; `Ok` is `start`'s result (0 from a routine, or when
/// the run ends with `stop(0)` or `FINISH`).
pub fn run(prog: &Program, rt: &mut Runtime) -> Result<i64, Stop> {
    rt.coroutines.set_body(Rc::new(Coroutine {
        prog: prog as *const Program,
    }));
    let mut m = Machine {
        prog,
        rt,
        fp: STACK_BASE,
        vec_base: 0,
        call_base: 0,
        limit: MEM_WORDS,
    };
    let r = m.call(prog.start, STACK_BASE);
    coroutine::finish(rt);
    match r {
        Ok(v) => Ok(v),
        Err(Stop::Exit(0) | Stop::Unwind) => Ok(0),
        Err(e) => Err(e),
    }
}

/// The interpreter as a coroutine's [`Body`]: a machine of its own on the coroutine's
/// native stack, its frames in the coroutine's BCPL stack. The program outlives the run
/// (`run` ends every coroutine before it returns).
struct Coroutine {
    prog: *const Program,
}

impl Body for Coroutine {
    fn call(
        &self,
        rt: &mut Runtime,
        f: i64,
        frame: usize,
        end: usize,
        line: u32,
    ) -> Result<i64, Stop> {
        // SAFETY: see the `Send` impl: `run`'s `prog` is alive while coroutines run.
        let prog = unsafe { &*self.prog };
        let mut m = Machine {
            prog,
            rt,
            fp: frame,
            vec_base: 0,
            call_base: 0,
            limit: end,
        };
        m.call_value(f, frame, line)
    }
}

struct Machine<'p, 'r> {
    prog: &'p Program,
    rt: &'r mut Runtime,
    /// The current frame's address.
    fp: usize,
    /// Where the current function's vector area and call area start, from `fp`.
    vec_base: usize,
    call_base: usize,
    /// One past the last word frames may use: the end of memory, or of a coroutine's stack.
    limit: usize,
}

impl Machine<'_, '_> {
    fn call(&mut self, index: usize, frame: usize) -> Result<i64, Stop> {
        let prog = self.prog;
        let f = &prog.funcs[index];
        if frame + f.frame_words() > self.limit {
            return Err(Stop::Fault(f.line, Fault::StackOverflow));
        }
        let saved = (self.fp, self.vec_base, self.call_base);
        self.fp = frame;
        self.vec_base = f.slots;
        self.call_base = f.call_base();
        let mut r = self.root(&f.body);
        while let Err(Stop::LongJump(j)) = r {
            match j.resumes(index, frame, f) {
                Some(label) => r = self.resume(&f.body, label).and_then(|f| f.ok_or(j.fault())),
                None => break,
            }
        }
        (self.fp, self.vec_base, self.call_base) = saved;
        match r {
            Ok(Flow::Return(v)) | Err(Stop::Return(v)) => Ok(v),
            Ok(_) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Runs a function body or a VALOF body: the place a GOTO is resolved.
    fn root(&mut self, body: &Stmt) -> Result<Flow, Stop> {
        let flow = caught(body, self.exec(body))?;
        self.follow(body, flow)
    }

    /// Follows `flow` out of `body`: a GOTO to a label of `body` runs `body` again from
    /// there, one to a label outside it is `body`'s flow (it leaves a VALOF).
    fn follow(&mut self, body: &Stmt, mut flow: Flow) -> Result<Flow, Stop> {
        while let Flow::Goto(label) = flow {
            if !body.has_label(label) {
                break;
            }
            let entered = self.enter(body, label).map(|f| f.unwrap_or(Flow::Normal));
            flow = caught(body, entered)?;
        }
        Ok(flow)
    }

    /// Runs a function body from `label` for `longjump`, as [`Machine::root`] runs it from
    /// the start; `None` when the label is inside a VALOF, other than the one that is the
    /// whole body (`LET f() = VALOF ...`).
    fn resume(&mut self, body: &Stmt, label: usize) -> Result<Option<Flow>, Stop> {
        let Some((inner, line)) = body.whole_valof() else {
            return self.resume_at(body, label);
        };
        match self.resume_at(inner, label)? {
            Some(flow) => Ok(Some(Flow::Return(valof_result(flow, line)?))),
            None => Ok(None),
        }
    }

    /// Runs `body` from `label` outside any VALOF in it, then on as [`Machine::root`] does.
    fn resume_at(&mut self, body: &Stmt, label: usize) -> Result<Option<Flow>, Stop> {
        match self.enter(body, label)? {
            Some(flow) => self.follow(body, flow).map(Some),
            None => Ok(None),
        }
    }

    /// Runs `s` from label `label` inside it; `None` when the label is not there.
    fn enter(&mut self, s: &Stmt, label: usize) -> Result<Option<Flow>, Stop> {
        if !s.has_label(label) {
            return Ok(None);
        }
        Ok(Some(match s {
            Stmt::Label(_) => Flow::Normal,
            Stmt::Block(b) => {
                let Some(i) = b.iter().position(|c| c.has_label(label)) else {
                    return Ok(None);
                };
                match self.enter(&b[i], label)?.unwrap_or(Flow::Normal) {
                    Flow::Normal => self.block(&b[i + 1..])?,
                    other => other,
                }
            }
            Stmt::If {
                then, otherwise, ..
            } => match self.enter(then, label)? {
                Some(flow) => flow,
                None => match otherwise {
                    Some(o) => self.enter(o, label)?.unwrap_or(Flow::Normal),
                    None => Flow::Normal,
                },
            },
            Stmt::Loop { test, body } => {
                let first = in_loop(self.enter(body, label).map(|f| f.unwrap_or(Flow::Normal)))?;
                self.run_loop(test, body, Some(first))?
            }
            Stmt::For(f) => {
                let first = in_loop(
                    self.enter(&f.body, label)
                        .map(|f| f.unwrap_or(Flow::Normal)),
                )?;
                self.for_loop(f, Some(first))?
            }
            Stmt::Switch { body, .. } => {
                match in_switch(self.enter(body, label).map(|f| f.unwrap_or(Flow::Normal)))? {
                    Flow::EndCase => Flow::Normal,
                    other => other,
                }
            }
            _ => Flow::Normal,
        }))
    }

    fn block(&mut self, body: &[Stmt]) -> Result<Flow, Stop> {
        for c in body {
            match self.exec(c)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn slot(&self, slot: usize) -> usize {
        self.fp + slot
    }

    /// Executes `s`; like [`eval`](Self::eval), only the commands every call passes through
    /// are handled here, the rest out of line.
    fn exec(&mut self, s: &Stmt) -> Result<Flow, Stop> {
        match s {
            Stmt::Set(slot, e) => {
                let v = self.eval(e)?;
                let a = self.slot(*slot);
                self.rt.mem[a] = v;
            }
            Stmt::If {
                cond,
                run_when,
                then,
                otherwise,
            } => {
                if (self.eval(cond)? != 0) == *run_when {
                    return self.exec(then);
                } else if let Some(o) = otherwise {
                    return self.exec(o);
                }
            }
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => 0,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::Call(e) => {
                self.eval(e)?;
            }
            Stmt::Block(body) => return self.block(body),
            _ => return self.exec_other(s),
        }
        Ok(Flow::Normal)
    }

    #[inline(never)]
    fn exec_other(&mut self, s: &Stmt) -> Result<Flow, Stop> {
        match s {
            Stmt::Set(..) | Stmt::If { .. } | Stmt::Return(_) | Stmt::Call(_) | Stmt::Block(_) => {
                return self.exec(s)
            }
            Stmt::SetCell(a, e) => {
                let v = self.eval(e)?;
                self.rt.mem[*a] = v;
            }
            Stmt::Store(addr, value, line) => {
                let v = self.eval(value)?;
                let a = self.eval(addr)?;
                self.rt.store(a, v, *line)?;
            }
            Stmt::StoreByte(s, i, value, line) => {
                let v = self.eval(value)?;
                let s = self.eval(s)?;
                let i = self.eval(i)?;
                self.rt.store_byte(s, i, v, *line)?;
            }
            Stmt::VecInit {
                slot,
                offset,
                words,
            } => {
                let start = self.fp + self.vec_base + offset;
                self.rt.mem[start..start + words].fill(0);
                let a = self.slot(*slot);
                self.rt.mem[a] = start as i64;
            }
            Stmt::Loop { test, body } => return self.run_loop(test, body, None),
            Stmt::For(f) => return self.for_loop(f, None),
            Stmt::Switch {
                value,
                cases,
                default,
                body,
            } => {
                let v = self.eval(value)?;
                let target = cases.iter().find(|c| c.0 == v).map(|c| c.1).or(*default);
                if let Some(label) = target {
                    let flow = self.enter(body, label).map(|f| f.unwrap_or(Flow::Normal));
                    return Ok(match in_switch(flow)? {
                        Flow::EndCase => Flow::Normal,
                        other => other,
                    });
                }
            }
            Stmt::Label(_) => {}
            Stmt::Goto(label) => return Ok(Flow::Goto(*label)),
            Stmt::EndCase => return Ok(Flow::EndCase),
            Stmt::Resultis(e) => return Ok(Flow::Resultis(self.eval(e)?)),
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::BadGoto(e, line) => {
                return Err(Stop::Fault(*line, Fault::BadGoto(self.eval(e)?)))
            }
        }
        Ok(Flow::Normal)
    }

    /// Runs a loop; `first` is the outcome of a pass already begun at a label inside it.
    fn run_loop(
        &mut self,
        test: &LoopTest,
        body: &Stmt,
        first: Option<Flow>,
    ) -> Result<Flow, Stop> {
        let mut pending = first;
        loop {
            let flow = match pending.take() {
                Some(flow) => flow,
                None => {
                    if let LoopTest::Before(c, run_when) = test {
                        if (self.eval(c)? != 0) != *run_when {
                            break;
                        }
                    }
                    in_loop(self.exec(body))?
                }
            };
            match flow {
                Flow::Break => break,
                Flow::Normal | Flow::Continue => {}
                other => return Ok(other),
            }
            if let LoopTest::After(c, run_when) = test {
                if (self.eval(c)? != 0) != *run_when {
                    break;
                }
            }
        }
        Ok(Flow::Normal)
    }

    fn for_loop(&mut self, f: &ForLoop, first: Option<Flow>) -> Result<Flow, Stop> {
        let (var, limit) = (self.slot(f.var), self.slot(f.limit));
        let mut pending = first;
        if pending.is_none() {
            let v = self.eval(&f.from)?;
            self.rt.mem[var] = v;
            let l = self.eval(&f.to)?;
            self.rt.mem[limit] = l;
        }
        loop {
            let flow = match pending.take() {
                Some(flow) => flow,
                None => {
                    let (i, l) = (self.rt.mem[var], self.rt.mem[limit]);
                    let go = if f.step > 0 { i <= l } else { i >= l };
                    if !go {
                        break;
                    }
                    in_loop(self.exec(&f.body))?
                }
            };
            match flow {
                Flow::Break => break,
                Flow::Normal | Flow::Continue => {}
                other => return Ok(other),
            }
            self.rt.mem[var] = self.rt.mem[var].wrapping_add(f.step);
        }
        Ok(Flow::Normal)
    }

    /// Evaluates `e`. The common leaves are handled here; everything else is out of line, so
    /// that this function's frame, which every level of BCPL recursion passes through several
    /// times, stays small.
    fn eval(&mut self, e: &Expr) -> Result<i64, Stop> {
        match e {
            Expr::Num(n) => Ok(*n),
            Expr::Local(s) => Ok(self.rt.mem[self.fp + s]),
            Expr::Call {
                callee,
                args,
                at,
                line,
            } => self.eval_call(callee, args, *at, *line),
            Expr::Binary(op, l, r, line) => self.eval_binary(*op, l, r, *line),
            Expr::Cond(c, a, b) => {
                let arm = if self.eval(c)? != 0 { a } else { b };
                self.eval(arm)
            }
            _ => self.eval_other(e),
        }
    }

    #[inline(never)]
    fn eval_binary(&mut self, op: BinOp, l: &Expr, r: &Expr, line: u32) -> Result<i64, Stop> {
        let a = self.eval(l)?;
        let b = self.eval(r)?;
        arith::binary(op, a, b).ok_or(Stop::Fault(line, Fault::DivZero))
    }

    #[inline(never)]
    fn eval_other(&mut self, e: &Expr) -> Result<i64, Stop> {
        Ok(match e {
            Expr::Num(_)
            | Expr::Local(_)
            | Expr::Call { .. }
            | Expr::Binary(..)
            | Expr::Cond(..) => return self.eval(e),
            Expr::Cell(a) => self.rt.mem[*a],
            Expr::LocalAddr(s) => (self.fp + s) as i64,
            Expr::Valof(body, line) => {
                let flow = self.root(body)?;
                valof_result(flow, *line)?
            }
            Expr::Neg(x) => self.eval(x)?.wrapping_neg(),
            Expr::Abs(x) => self.eval(x)?.wrapping_abs(),
            Expr::Not(x) => !self.eval(x)?,
            Expr::Load(a, line) => {
                let a = self.eval(a)?;
                self.rt.load(a, *line)?
            }
            Expr::LoadByte(s, i, line) => {
                let s = self.eval(s)?;
                let i = self.eval(i)?;
                self.rt.load_byte(s, i, *line)?
            }
            Expr::AndThen(l, r) => match self.eval(l)? {
                0 => 0,
                _ => self.eval(r)?,
            },
            Expr::OrElse(l, r) => match self.eval(l)? {
                0 => self.eval(r)?,
                v => v,
            },
            Expr::Compare(op, l, r) => {
                let a = self.eval(l)?;
                let b = self.eval(r)?;
                -i64::from(op.holds(a, b))
            }
        })
    }

    #[inline(never)]
    fn eval_call(
        &mut self,
        callee: &Callee,
        args: &[Expr],
        at: usize,
        line: u32,
    ) -> Result<i64, Stop> {
        let base = self.fp + self.call_base + at;
        for (k, a) in args.iter().enumerate() {
            let v = self.eval(a)?;
            self.rt.mem[base + k] = v;
        }
        match callee {
            Callee::Func(i) => self.call(*i, base),
            Callee::Value(f) => {
                let v = self.eval(f)?;
                self.call_value(v, base, line)
            }
        }
    }

    /// A call of function value `v` (a program function or a library routine) with its
    /// frame at `base`.
    fn call_value(&mut self, v: i64, base: usize, line: u32) -> Result<i64, Stop> {
        let index = self.rt.callable(v, line)?;
        let funcs = self.prog.funcs.len();
        if index < funcs {
            self.call(index, base)
        } else {
            library::call(self.rt, index - funcs, base, line)
        }
    }
}
