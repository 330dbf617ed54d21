//! One [`Func`] to AArch64 instructions, through jitkit's [`Assembler`].
//!
//! Each function is compiled on its own and knows nothing of where other functions are: a
//! call to function `i` is `ldr x16, [x19, #8*i] ; blr x16` through the program's
//! [`jitkit::CallTable`], whose base every function finds in `x19` (callee-saved, so set once
//! by the entry trampoline and preserved by everything, Rust included). That is what lets
//! [`super::jit`] compile and commit functions separately, and lazily.
//!
//! The code follows AAPCS64, so BCPL functions call each other and the Rust runtime alike:
//! - arguments in `x0..x7`, the rest on the stack (at `[sp]`, `[sp+8]`, ... at the call),
//!   the result in `x0`; `x29`/`x30` frame record; `sp` 16-byte aligned at every call;
//! - every parameter and local has a slot at `x29 - 8*(slot+1)`, the vector area lies below
//!   the slots, and temporaries are pushed (`str x0, [sp, #-16]!`) and popped as expressions
//!   need them, so `sp` moves but `x29`-relative slots do not;
//! - an expression leaves its value in `x0` (`x1`, `x2` are scratch; `x16`, `x17` belong to
//!   the call and offset helpers).
//!
//! Conditions compile to compare-and-branch, not to a TRUE/FALSE value and a test. Division
//! checks its divisor and branches to a cold block at the end of the function that calls the
//! runtime's error routine with the line number. Shifts check their count (see
//! [`super::arith`]).

// dynasm's expansion converts dynamic register numbers with `.into()`, already `u8` here.
#![allow(clippy::useless_conversion)]

use jitkit::{dynasm, Assembled, Assembler, DynamicLabel, Error};

use super::ir::{BinOp, Builtin, Callee, Expr, Func, LoopTest, RelOp, Stmt};
use super::runtime;

/// The register holding the function table's base.
pub const TABLE_REG: u8 = 19;

/// Addresses the generated code needs from its surroundings.
#[derive(Debug, Clone)]
pub struct Context {
    /// Word address of each string constant.
    pub strings: Vec<u64>,
}

/// Compiles `f` to position-independent code, entry at offset 0.
pub fn compile(f: &Func, ctx: &Context) -> Result<Assembled, Error> {
    let mut asm = Assembler::with_capacity(256);
    let ret = asm.new_dynamic_label();
    let mut g = Gen {
        asm,
        ctx,
        slots: f.slots,
        vec_words: f.vec_words,
        loops: Vec::new(),
        valofs: Vec::new(),
        div_zero: Vec::new(),
        ret,
    };
    g.function(f)?;
    g.asm.finish()
}

struct LoopLabels {
    cont: DynamicLabel,
    exit: DynamicLabel,
}

struct Gen<'c> {
    asm: Assembler,
    ctx: &'c Context,
    slots: usize,
    vec_words: usize,
    loops: Vec<LoopLabels>,
    valofs: Vec<DynamicLabel>,
    /// Cold blocks: (label, line) of each division's zero check.
    div_zero: Vec<(DynamicLabel, u32)>,
    ret: DynamicLabel,
}

type R = Result<(), Error>;

fn slot_offset(slot: usize) -> i64 {
    -8 * (slot as i64 + 1)
}

/// A 12-bit unsigned immediate, for `add`, `sub` and `cmp`.
fn imm12(e: &Expr) -> Option<u32> {
    match e {
        Expr::Num(n) if (0..4096).contains(n) => Some(*n as u32),
        _ => None,
    }
}

/// Whether `e` can be loaded into any register without touching others.
fn is_leaf(e: &Expr) -> bool {
    matches!(e, Expr::Num(_) | Expr::Local(_) | Expr::Str(_))
}

/// Whether loading the leaf `leaf` after evaluating `other` gives the value it had before:
/// only a `VALOF` inside `other` can assign a local (calls cannot reach the caller's slots).
fn can_load_late(leaf: &Expr, other: &Expr) -> bool {
    !matches!(leaf, Expr::Local(_)) || !has_valof(other)
}

fn has_valof(e: &Expr) -> bool {
    match e {
        Expr::Valof(_) => true,
        Expr::Num(_) | Expr::Local(_) | Expr::Str(_) => false,
        Expr::Call(_, args) => args.iter().any(has_valof),
        Expr::Neg(x) | Expr::Not(x) | Expr::Load(x, _) => has_valof(x),
        Expr::Binary(_, l, r, _) | Expr::AndThen(l, r) | Expr::OrElse(l, r) => {
            has_valof(l) || has_valof(r)
        }
        Expr::Compare(first, rest) => has_valof(first) || rest.iter().any(|(_, x)| has_valof(x)),
        Expr::Cond(c, a, b) => has_valof(c) || has_valof(a) || has_valof(b),
    }
}

impl Gen<'_> {
    fn function(&mut self, f: &Func) -> R {
        let frame = 8 * (f.slots + f.vec_words);
        self.asm.prologue(frame)?;
        for p in 0..f.params {
            if p < 8 {
                self.asm.store_word(p as u8, 29, slot_offset(p))?;
            } else {
                self.asm.load_word(16, 29, 16 + 8 * (p as i64 - 8))?;
                self.asm.store_word(16, 29, slot_offset(p))?;
            }
        }
        self.stmt(&f.body)?;
        let ret = self.ret;
        dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr ; =>ret);
        self.asm.epilogue();
        for (label, line) in std::mem::take(&mut self.div_zero) {
            dynasm!(self.asm ; .arch aarch64 ; =>label);
            self.asm.load_imm64(0, u64::from(line))?;
            self.asm
                .call_abs(runtime::rt_div_zero as extern "C" fn(i64) -> ! as usize);
        }
        Ok(())
    }

    fn label(&mut self) -> DynamicLabel {
        self.asm.new_dynamic_label()
    }

    fn push(&mut self) {
        dynasm!(self.asm ; .arch aarch64 ; str x0, [sp, #-16]!);
    }

    fn pop(&mut self, reg: u8) {
        dynasm!(self.asm ; .arch aarch64 ; ldr X(reg), [sp], #16);
    }

    /// Loads a leaf (see [`is_leaf`]) into `Xreg`.
    fn leaf(&mut self, e: &Expr, reg: u8) -> R {
        match e {
            Expr::Num(n) => self.asm.load_imm64(reg, *n as u64),
            Expr::Local(s) => self.asm.load_word(reg, 29, slot_offset(*s)),
            Expr::Str(i) => self.asm.load_imm64(reg, self.ctx.strings[*i]),
            _ => unreachable!("leaf() is only called on leaves"),
        }
    }

    /// Evaluates `l` into `x0` and `r` into `x1`, `l` first.
    fn operands(&mut self, l: &Expr, r: &Expr) -> R {
        if is_leaf(r) {
            self.expr(l)?;
            self.leaf(r, 1)
        } else if is_leaf(l) && can_load_late(l, r) {
            // Evaluation order is kept: loading `l` late sees the value it had first.
            self.expr(r)?;
            dynasm!(self.asm ; .arch aarch64 ; mov x1, x0);
            self.leaf(l, 0)
        } else {
            self.expr(l)?;
            self.push();
            self.expr(r)?;
            dynasm!(self.asm ; .arch aarch64 ; mov x1, x0);
            self.pop(0);
            Ok(())
        }
    }

    fn stmt(&mut self, s: &Stmt) -> R {
        match s {
            Stmt::Set(slot, e) => {
                self.expr(e)?;
                self.asm.store_word(0, 29, slot_offset(*slot))?;
            }
            Stmt::Store(addr, value, _) => {
                if is_leaf(value) && can_load_late(value, addr) {
                    self.byte_address(addr)?;
                    self.leaf(value, 1)?;
                } else {
                    self.expr(value)?;
                    self.push();
                    self.byte_address(addr)?;
                    self.pop(1);
                }
                dynasm!(self.asm ; .arch aarch64 ; str x1, [x0]);
            }
            Stmt::VecInit {
                slot,
                offset,
                words,
            } => {
                let start = -8 * (self.slots + self.vec_words) as i64 + 8 * *offset as i64;
                self.asm.add_offset(0, 29, start)?;
                if *words <= 8 {
                    for k in 0..*words {
                        self.asm.store_word(31, 0, 8 * k as i64)?;
                    }
                } else {
                    let top = self.label();
                    dynasm!(self.asm ; .arch aarch64 ; mov x16, x0);
                    self.asm.load_imm64(17, *words as u64)?;
                    dynasm!(self.asm ; .arch aarch64
                        ; =>top
                        ; str xzr, [x16], #8
                        ; subs x17, x17, #1
                        ; b.ne =>top
                    );
                }
                dynasm!(self.asm ; .arch aarch64 ; lsr x0, x0, #3);
                self.asm.store_word(0, 29, slot_offset(*slot))?;
            }
            Stmt::If {
                cond,
                run_when,
                then,
                otherwise,
            } => {
                let skip = self.label();
                self.branch(cond, skip, !run_when)?;
                self.stmt(then)?;
                if let Some(o) = otherwise {
                    let end = self.label();
                    dynasm!(self.asm ; .arch aarch64 ; b =>end ; =>skip);
                    self.stmt(o)?;
                    dynasm!(self.asm ; .arch aarch64 ; =>end);
                } else {
                    dynasm!(self.asm ; .arch aarch64 ; =>skip);
                }
            }
            Stmt::Loop { test, body } => self.run_loop(test, body)?,
            Stmt::For {
                var,
                limit,
                from,
                to,
                step,
                body,
            } => {
                self.expr(from)?;
                self.asm.store_word(0, 29, slot_offset(*var))?;
                self.expr(to)?;
                self.asm.store_word(0, 29, slot_offset(*limit))?;
                let (top, cont, test, exit) =
                    (self.label(), self.label(), self.label(), self.label());
                dynasm!(self.asm ; .arch aarch64 ; b =>test ; =>top);
                self.loops.push(LoopLabels { cont, exit });
                self.stmt(body)?;
                self.loops.pop();
                dynasm!(self.asm ; .arch aarch64 ; =>cont);
                self.asm.load_word(0, 29, slot_offset(*var))?;
                let magnitude = step.unsigned_abs();
                if magnitude < 4096 {
                    let m = magnitude as u32;
                    if *step > 0 {
                        dynasm!(self.asm ; .arch aarch64 ; add x0, x0, m);
                    } else {
                        dynasm!(self.asm ; .arch aarch64 ; sub x0, x0, m);
                    }
                } else {
                    self.asm.load_imm64(1, *step as u64)?;
                    dynasm!(self.asm ; .arch aarch64 ; add x0, x0, x1);
                }
                self.asm.store_word(0, 29, slot_offset(*var))?;
                dynasm!(self.asm ; .arch aarch64 ; =>test);
                self.asm.load_word(0, 29, slot_offset(*var))?;
                self.asm.load_word(1, 29, slot_offset(*limit))?;
                dynasm!(self.asm ; .arch aarch64 ; cmp x0, x1);
                if *step > 0 {
                    dynasm!(self.asm ; .arch aarch64 ; b.le =>top);
                } else {
                    dynasm!(self.asm ; .arch aarch64 ; b.ge =>top);
                }
                dynasm!(self.asm ; .arch aarch64 ; =>exit);
            }
            Stmt::Resultis(e) => {
                self.expr(e)?;
                let Some(&end) = self.valofs.last() else {
                    unreachable!("sema puts RESULTIS inside VALOF")
                };
                dynasm!(self.asm ; .arch aarch64 ; b =>end);
            }
            Stmt::Return(e) => {
                match e {
                    Some(e) => self.expr(e)?,
                    None => dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr),
                }
                let ret = self.ret;
                dynasm!(self.asm ; .arch aarch64 ; b =>ret);
            }
            Stmt::Break | Stmt::Continue => {
                let Some(l) = self.loops.last() else {
                    unreachable!("sema puts BREAK and LOOP inside loops")
                };
                let target = if matches!(s, Stmt::Break) {
                    l.exit
                } else {
                    l.cont
                };
                dynasm!(self.asm ; .arch aarch64 ; b =>target);
            }
            Stmt::Finish => {
                self.asm
                    .call_abs(runtime::rt_finish as extern "C" fn() -> ! as usize);
            }
            Stmt::Call(e) => self.expr(e)?,
            Stmt::Block(body) => {
                for c in body {
                    self.stmt(c)?;
                }
            }
        }
        Ok(())
    }

    fn run_loop(&mut self, test: &LoopTest, body: &Stmt) -> R {
        let (top, cont, exit) = (self.label(), self.label(), self.label());
        if matches!(test, LoopTest::Before(..)) {
            dynasm!(self.asm ; .arch aarch64 ; b =>cont);
        }
        dynasm!(self.asm ; .arch aarch64 ; =>top);
        self.loops.push(LoopLabels { cont, exit });
        self.stmt(body)?;
        self.loops.pop();
        dynasm!(self.asm ; .arch aarch64 ; =>cont);
        match test {
            LoopTest::Before(c, run_when) | LoopTest::After(c, run_when) => {
                self.branch(c, top, *run_when)?
            }
            LoopTest::Never => dynasm!(self.asm ; .arch aarch64 ; b =>top),
        }
        dynasm!(self.asm ; .arch aarch64 ; =>exit);
        Ok(())
    }

    /// Branches to `target` when the truth of `e` (non-zero) equals `when`.
    fn branch(&mut self, e: &Expr, target: DynamicLabel, when: bool) -> R {
        match e {
            Expr::Num(n) => {
                if (*n != 0) == when {
                    dynasm!(self.asm ; .arch aarch64 ; b =>target);
                }
            }
            Expr::Compare(first, rest) if rest.len() == 1 => {
                let (op, r) = (&rest[0].0, &rest[0].1);
                self.compare(first, r)?;
                let op = if when { *op } else { negate(*op) };
                self.b_cond(op, target);
            }
            Expr::Not(x) if x.is_truth_value() => self.branch(x, target, !when)?,
            Expr::AndThen(l, r) => {
                if when {
                    let skip = self.label();
                    self.branch(l, skip, false)?;
                    self.branch(r, target, true)?;
                    dynasm!(self.asm ; .arch aarch64 ; =>skip);
                } else {
                    self.branch(l, target, false)?;
                    self.branch(r, target, false)?;
                }
            }
            Expr::OrElse(l, r) => {
                if when {
                    self.branch(l, target, true)?;
                    self.branch(r, target, true)?;
                } else {
                    let skip = self.label();
                    self.branch(l, skip, true)?;
                    self.branch(r, target, false)?;
                    dynasm!(self.asm ; .arch aarch64 ; =>skip);
                }
            }
            _ => {
                self.expr(e)?;
                if when {
                    dynasm!(self.asm ; .arch aarch64 ; cbnz x0, =>target);
                } else {
                    dynasm!(self.asm ; .arch aarch64 ; cbz x0, =>target);
                }
            }
        }
        Ok(())
    }

    /// Sets the flags for `l` compared with `r`.
    fn compare(&mut self, l: &Expr, r: &Expr) -> R {
        if let Some(k) = imm12(r) {
            self.expr(l)?;
            dynasm!(self.asm ; .arch aarch64 ; cmp x0, k);
        } else {
            self.operands(l, r)?;
            dynasm!(self.asm ; .arch aarch64 ; cmp x0, x1);
        }
        Ok(())
    }

    fn b_cond(&mut self, op: RelOp, t: DynamicLabel) {
        match op {
            RelOp::Eq => dynasm!(self.asm ; .arch aarch64 ; b.eq =>t),
            RelOp::Ne => dynasm!(self.asm ; .arch aarch64 ; b.ne =>t),
            RelOp::Lt => dynasm!(self.asm ; .arch aarch64 ; b.lt =>t),
            RelOp::Le => dynasm!(self.asm ; .arch aarch64 ; b.le =>t),
            RelOp::Gt => dynasm!(self.asm ; .arch aarch64 ; b.gt =>t),
            RelOp::Ge => dynasm!(self.asm ; .arch aarch64 ; b.ge =>t),
        }
    }

    /// `x0` := TRUE (-1) if the flags say `op` holds, else FALSE (0).
    fn csetm(&mut self, op: RelOp) {
        match op {
            RelOp::Eq => dynasm!(self.asm ; .arch aarch64 ; csetm x0, eq),
            RelOp::Ne => dynasm!(self.asm ; .arch aarch64 ; csetm x0, ne),
            RelOp::Lt => dynasm!(self.asm ; .arch aarch64 ; csetm x0, lt),
            RelOp::Le => dynasm!(self.asm ; .arch aarch64 ; csetm x0, le),
            RelOp::Gt => dynasm!(self.asm ; .arch aarch64 ; csetm x0, gt),
            RelOp::Ge => dynasm!(self.asm ; .arch aarch64 ; csetm x0, ge),
        }
    }

    /// `x0` := the byte address of the word at word address `addr`.
    fn byte_address(&mut self, addr: &Expr) -> R {
        if let Expr::Binary(BinOp::Add, v, i, _) = addr {
            self.operands(v, i)?;
            dynasm!(self.asm ; .arch aarch64 ; add x0, x0, x1 ; lsl x0, x0, #3);
        } else {
            self.expr(addr)?;
            dynasm!(self.asm ; .arch aarch64 ; lsl x0, x0, #3);
        }
        Ok(())
    }

    /// Evaluates `e` into `x0`.
    fn expr(&mut self, e: &Expr) -> R {
        match e {
            Expr::Num(_) | Expr::Local(_) | Expr::Str(_) => self.leaf(e, 0)?,
            Expr::Call(callee, args) => self.call(*callee, args)?,
            Expr::Valof(body) => {
                let end = self.label();
                self.valofs.push(end);
                self.stmt(body)?;
                self.valofs.pop();
                dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr ; =>end);
            }
            Expr::Neg(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch aarch64 ; neg x0, x0);
            }
            Expr::Not(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch aarch64 ; mvn x0, x0);
            }
            Expr::Load(addr, _) => {
                self.byte_address(addr)?;
                dynasm!(self.asm ; .arch aarch64 ; ldr x0, [x0]);
            }
            Expr::Binary(op, l, r, line) => self.binary(*op, l, r, *line)?,
            Expr::AndThen(l, r) | Expr::OrElse(l, r) => {
                let end = self.label();
                self.expr(l)?;
                if matches!(e, Expr::AndThen(..)) {
                    dynasm!(self.asm ; .arch aarch64 ; cbz x0, =>end);
                } else {
                    dynasm!(self.asm ; .arch aarch64 ; cbnz x0, =>end);
                }
                self.expr(r)?;
                dynasm!(self.asm ; .arch aarch64 ; =>end);
            }
            Expr::Compare(first, rest) => {
                if let [(op, r)] = rest.as_slice() {
                    self.compare(first, r)?;
                    self.csetm(*op);
                } else {
                    let (fail, end) = (self.label(), self.label());
                    self.expr(first)?;
                    for (op, r) in rest {
                        self.push();
                        self.expr(r)?;
                        self.pop(1);
                        dynasm!(self.asm ; .arch aarch64 ; cmp x1, x0);
                        self.b_cond(negate(*op), fail);
                    }
                    dynasm!(self.asm ; .arch aarch64
                        ; movn x0, 0
                        ; b =>end
                        ; =>fail
                        ; mov x0, xzr
                        ; =>end
                    );
                }
            }
            Expr::Cond(c, a, b) => {
                let (other, end) = (self.label(), self.label());
                self.branch(c, other, false)?;
                self.expr(a)?;
                dynasm!(self.asm ; .arch aarch64 ; b =>end ; =>other);
                self.expr(b)?;
                dynasm!(self.asm ; .arch aarch64 ; =>end);
            }
        }
        Ok(())
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, line: u32) -> R {
        if let (BinOp::Add | BinOp::Sub, Some(k)) = (op, imm12(r)) {
            self.expr(l)?;
            if op == BinOp::Add {
                dynasm!(self.asm ; .arch aarch64 ; add x0, x0, k);
            } else {
                dynasm!(self.asm ; .arch aarch64 ; sub x0, x0, k);
            }
            return Ok(());
        }
        self.operands(l, r)?;
        match op {
            BinOp::Add => dynasm!(self.asm ; .arch aarch64 ; add x0, x0, x1),
            BinOp::Sub => dynasm!(self.asm ; .arch aarch64 ; sub x0, x0, x1),
            BinOp::Mul => dynasm!(self.asm ; .arch aarch64 ; mul x0, x0, x1),
            BinOp::Div | BinOp::Mod => {
                let zero = self.label();
                self.div_zero.push((zero, line));
                dynasm!(self.asm ; .arch aarch64 ; cbz x1, =>zero);
                if op == BinOp::Div {
                    dynasm!(self.asm ; .arch aarch64 ; sdiv x0, x0, x1);
                } else {
                    dynasm!(self.asm ; .arch aarch64
                        ; sdiv x2, x0, x1
                        ; msub x0, x2, x1, x0
                    );
                }
            }
            BinOp::Shl => dynasm!(self.asm ; .arch aarch64
                ; cmp x1, #64
                ; lsl x0, x0, x1
                ; csel x0, xzr, x0, hs
            ),
            BinOp::Shr => dynasm!(self.asm ; .arch aarch64
                ; cmp x1, #64
                ; lsr x0, x0, x1
                ; csel x0, xzr, x0, hs
            ),
            BinOp::And => dynasm!(self.asm ; .arch aarch64 ; and x0, x0, x1),
            BinOp::Or => dynasm!(self.asm ; .arch aarch64 ; orr x0, x0, x1),
        }
        Ok(())
    }

    fn call(&mut self, callee: Callee, args: &[Expr]) -> R {
        let n = args.len();
        // Bytes of stack the arguments take during the call: none when they load straight into
        // registers.
        let mut stack = 0;
        if n <= 8 && args.iter().all(is_leaf) {
            for (i, a) in args.iter().enumerate() {
                self.leaf(a, i as u8)?;
            }
        } else {
            // Push every argument (16 bytes each keeps sp aligned): argument i ends up at
            // [sp + 16*(n-1-i)]. Then copy those beyond the eighth to the outgoing area
            // AAPCS64 wants at [sp], and load the first eight into x0..x7.
            for a in args {
                self.expr(a)?;
                self.push();
            }
            let area = (8 * n.saturating_sub(8) as i64 + 15) & !15;
            let pushed = |i: usize| area + 16 * (n - 1 - i) as i64;
            self.asm.add_offset(31, 31, -area)?;
            for i in 8..n {
                self.asm.load_word(16, 31, pushed(i))?;
                self.asm.store_word(16, 31, 8 * (i as i64 - 8))?;
            }
            for i in 0..n.min(8) {
                self.asm.load_word(i as u8, 31, pushed(i))?;
            }
            stack = area + 16 * n as i64;
        }
        match callee {
            Callee::Func(i) => self.asm.call_indirect(TABLE_REG, i)?,
            Callee::Builtin(b) => {
                let target = match b {
                    Builtin::Writen => runtime::rt_writen as extern "C" fn(i64) -> i64 as usize,
                    Builtin::Writes => {
                        runtime::rt_writes as unsafe extern "C" fn(i64) -> i64 as usize
                    }
                    Builtin::Wrch => runtime::rt_wrch as extern "C" fn(i64) -> i64 as usize,
                    Builtin::Newline => runtime::rt_newline as extern "C" fn() -> i64 as usize,
                };
                self.asm.call_abs(target);
            }
        }
        if stack != 0 {
            self.asm.add_offset(31, 31, stack)?;
        }
        Ok(())
    }
}

fn negate(op: RelOp) -> RelOp {
    match op {
        RelOp::Eq => RelOp::Ne,
        RelOp::Ne => RelOp::Eq,
        RelOp::Lt => RelOp::Ge,
        RelOp::Le => RelOp::Gt,
        RelOp::Gt => RelOp::Le,
        RelOp::Ge => RelOp::Lt,
    }
}
