//! The reference back end: a tree-walking interpreter over [`super::ir`].
//!
//! It defines what a program means (the JIT must print the same bytes) and is the baseline
//! the JIT is measured against. Memory is one vector of words, `mem`: string constants at
//! the bottom, then a stack of frames (each a function's slots followed by its vector area).
//! An address is an index into `mem`, so `v!i`, `!p` and pointer arithmetic work as in the JIT
//! (word addresses), and an address outside `mem` is a runtime error rather than undefined
//! behaviour.
//!
//! Recursion in the program is recursion here. The driver runs the interpreter on a thread
//! with a large stack; the hot functions keep their frames small for the same reason.

use super::arith;
use super::ir::{BinOp, Builtin, Callee, Expr, Func, LoopTest, Program, Stmt};
use super::runtime::{pack_string, Output};

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Division or MOD by zero at a line.
    DivZero(u32),
    /// A load or store outside memory, at a line.
    BadAddress(u32),
    /// `FINISH`.
    Finish,
    /// Internal: `RETURN` inside a `VALOF`, unwinding to the call it returns from.
    Returning(i64),
}

enum Flow {
    Normal,
    Break,
    Continue,
    Resultis(i64),
    Return(i64),
}

/// Runs `prog` from `start`.
pub fn run(prog: &Program) -> Result<(), Stop> {
    let mut m = Machine {
        prog,
        mem: vec![0],
        strings: Vec::with_capacity(prog.strings.len()),
        fp: 0,
        cur: prog.start,
    };
    for s in &prog.strings {
        m.strings.push(m.mem.len() as i64);
        m.mem.extend(pack_string(s).into_iter().map(|w| w as i64));
    }
    match m.call(prog.start, &[]) {
        Ok(_) | Err(Stop::Finish) => Ok(()),
        Err(e) => Err(e),
    }
}

struct Machine<'p> {
    prog: &'p Program,
    mem: Vec<i64>,
    strings: Vec<i64>,
    /// Index in `mem` of the current frame's slot 0.
    fp: usize,
    /// The running function.
    cur: usize,
}

impl Machine<'_> {
    fn call(&mut self, index: usize, args: &[i64]) -> Result<i64, Stop> {
        let prog = self.prog;
        let f: &Func = &prog.funcs[index];
        let (saved_fp, saved_cur) = (self.fp, self.cur);
        let base = self.mem.len();
        self.mem.resize(base + f.slots + f.vec_words, 0);
        self.mem[base..base + args.len()].copy_from_slice(args);
        self.fp = base;
        self.cur = index;
        let r = self.exec(&f.body);
        self.fp = saved_fp;
        self.cur = saved_cur;
        self.mem.truncate(base);
        match r {
            Ok(Flow::Return(v)) | Err(Stop::Returning(v)) => Ok(v),
            Ok(_) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn word(&self, addr: i64, line: u32) -> Result<usize, Stop> {
        usize::try_from(addr)
            .ok()
            .filter(|&a| a < self.mem.len())
            .ok_or(Stop::BadAddress(line))
    }

    /// Executes `s`; like [`eval`](Self::eval), only the commands every call passes through
    /// are handled here, the rest out of line.
    fn exec(&mut self, s: &Stmt) -> Result<Flow, Stop> {
        match s {
            Stmt::Set(slot, e) => {
                let v = self.eval(e)?;
                self.mem[self.fp + slot] = v;
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
            Stmt::Block(body) => {
                for c in body {
                    match self.exec(c)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
            }
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
            Stmt::Store(addr, value, line) => {
                let v = self.eval(value)?;
                let a = self.eval(addr)?;
                let a = self.word(a, *line)?;
                self.mem[a] = v;
            }
            Stmt::VecInit {
                slot,
                offset,
                words,
            } => {
                let start = self.fp + self.prog.funcs[self.cur].slots + offset;
                self.mem[start..start + words].fill(0);
                self.mem[self.fp + slot] = start as i64;
            }
            Stmt::Loop { test, body } => return self.run_loop(test, body),
            Stmt::For {
                var,
                limit,
                from,
                to,
                step,
                body,
            } => {
                let v = self.eval(from)?;
                self.mem[self.fp + var] = v;
                let l = self.eval(to)?;
                self.mem[self.fp + limit] = l;
                loop {
                    let i = self.mem[self.fp + var];
                    let go = if *step > 0 { i <= l } else { i >= l };
                    if !go {
                        break;
                    }
                    match self.exec(body)? {
                        Flow::Break => break,
                        Flow::Normal | Flow::Continue => {}
                        other => return Ok(other),
                    }
                    let i = self.mem[self.fp + var];
                    self.mem[self.fp + var] = i.wrapping_add(*step);
                }
            }
            Stmt::Resultis(e) => return Ok(Flow::Resultis(self.eval(e)?)),
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Finish => return Err(Stop::Finish),
        }
        Ok(Flow::Normal)
    }

    fn run_loop(&mut self, test: &LoopTest, body: &Stmt) -> Result<Flow, Stop> {
        loop {
            if let LoopTest::Before(c, run_when) = test {
                if (self.eval(c)? != 0) != *run_when {
                    break;
                }
            }
            match self.exec(body)? {
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

    /// Evaluates `e`. The common leaves are handled here; everything else is out of line, so
    /// that this function's frame, which every level of BCPL recursion passes through several
    /// times, stays small.
    fn eval(&mut self, e: &Expr) -> Result<i64, Stop> {
        match e {
            Expr::Num(n) => Ok(*n),
            Expr::Local(s) => Ok(self.mem[self.fp + s]),
            Expr::Call(callee, args) => self.eval_call(*callee, args),
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
        arith::binary(op, a, b).ok_or(Stop::DivZero(line))
    }

    #[inline(never)]
    fn eval_other(&mut self, e: &Expr) -> Result<i64, Stop> {
        Ok(match e {
            Expr::Num(_) | Expr::Local(_) | Expr::Call(..) | Expr::Binary(..) | Expr::Cond(..) => {
                return self.eval(e)
            }
            Expr::Str(i) => self.strings[*i],
            Expr::Valof(body) => match self.exec(body)? {
                Flow::Resultis(v) => v,
                Flow::Return(v) => return Err(Stop::Returning(v)),
                _ => 0,
            },
            Expr::Neg(x) => self.eval(x)?.wrapping_neg(),
            Expr::Not(x) => !self.eval(x)?,
            Expr::Load(a, line) => {
                let a = self.eval(a)?;
                self.mem[self.word(a, *line)?]
            }
            Expr::AndThen(l, r) => match self.eval(l)? {
                0 => 0,
                _ => self.eval(r)?,
            },
            Expr::OrElse(l, r) => match self.eval(l)? {
                0 => self.eval(r)?,
                v => v,
            },
            Expr::Compare(first, rest) => {
                let mut prev = self.eval(first)?;
                for (op, x) in rest {
                    let v = self.eval(x)?;
                    if !op.holds(prev, v) {
                        return Ok(0);
                    }
                    prev = v;
                }
                -1
            }
        })
    }

    #[inline(never)]
    fn eval_call(&mut self, callee: Callee, args: &[Expr]) -> Result<i64, Stop> {
        let mut values = [0i64; 8];
        let mut spill = Vec::new();
        let vals: &mut [i64] = if args.len() <= values.len() {
            &mut values[..args.len()]
        } else {
            spill.resize(args.len(), 0);
            &mut spill
        };
        for (v, a) in vals.iter_mut().zip(args) {
            *v = self.eval(a)?;
        }
        match callee {
            Callee::Func(i) => self.call(i, vals),
            Callee::Builtin(b) => {
                match b {
                    Builtin::Writen => Output::number(vals[0]),
                    Builtin::Wrch => Output::char(vals[0]),
                    Builtin::Newline => Output::char(i64::from(b'\n')),
                    Builtin::Writes => {
                        let text = self.string_at(vals[0])?;
                        Output::bytes(&text);
                    }
                }
                Ok(0)
            }
        }
    }

    fn string_at(&self, s: i64) -> Result<Vec<u8>, Stop> {
        let a = self.word(s, 0)?;
        let len = (self.mem[a] & 0xFF) as usize;
        let words = (len + 1).div_ceil(8);
        if a + words > self.mem.len() {
            return Err(Stop::BadAddress(0));
        }
        Ok(self.mem[a..a + words]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .skip(1)
            .take(len)
            .collect())
    }
}
