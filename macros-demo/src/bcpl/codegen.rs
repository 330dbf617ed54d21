//! One [`Func`] to AArch64 instructions, through jitkit's [`Assembler`].
//!
//! Each function is compiled on its own and knows nothing of where other functions are: a
//! call to function `i` is `ldr x16, [x19, #8*i] ; blr x16` through the program's
//! [`jitkit::CallTable`], and a call of a function value `v` indexes the same table with
//! `v - FN_BASE` after checking it. That is what lets [`super::jit`] compile and commit
//! functions separately, and lazily.
//!
//! BCPL's frames are not on the machine stack: they are words of the shared memory
//! ([`super::memory`]), laid out exactly as the interpreter lays them out, so `@x` and the
//! values of missing arguments agree. Registers, all callee-saved in AAPCS64 and so kept by
//! the Rust library too, set once by the entry trampoline:
//! - `x19`: the call table; `x20`: the memory's base (word `a` is at `x20 + 8*a`);
//! - `x21`: the number of words of memory, for bounds checks; `x23`: the memory's end;
//! - `x22`: the current frame (slot `k` at `[x22, #8*k]`).
//!
//! A call stores argument `k` at word `at + k` of the caller's call area, moves `x22` to the
//! callee's frame (`at`), sets `x10` to the line (for the library), calls, and moves `x22`
//! back. The machine stack holds only return addresses, `x29` frame records and the
//! temporaries expressions push (`str x0, [sp, #-16]!`); an expression leaves its value in
//! `x0` (`x1`, `x2` are scratch; `x16`, `x17` belong to the call and offset helpers).
//!
//! Every load and store checks its address against `x21` and every division its divisor; a
//! failed check branches to a cold block at the end of the function that calls
//! [`super::runtime::rt_fault`] with the fault and the line. Conditions compile to
//! compare-and-branch, not to a TRUE/FALSE value and a test.

// dynasm's expansion converts dynamic register numbers with `.into()`, already `u8` here.
#![allow(clippy::useless_conversion)]

use jitkit::aarch64::{as_rxsp, RX, RXSP};
use jitkit::{dynasm, Assembled, Assembler, DynamicLabel, Error};

use super::arith;
use super::ir::{BinOp, Callee, Expr, ForLoop, Func, LoopTest, RelOp, Stmt, JUMP_TAG};
use super::memory::{Fault, FN_BASE};
use super::runtime;

/// The register holding the function table's base.
pub const TABLE_REG: RXSP = RXSP::X19;

/// What the generated code needs from its surroundings.
#[derive(Debug)]
pub struct Context {
    /// Entries of the call table (program functions and library routines).
    pub callables: usize,
    /// Where each program function's committed code is, 0 while it is not compiled. A call
    /// to a compiled function is direct, linked at commit (`bl`/`call` to its address, see
    /// `jitkit::Relocation`); calls to the others go through the table and its lazy stub.
    addresses: Vec<std::cell::Cell<usize>>,
    /// Every call through the table (no direct calls), for comparison.
    table_calls: bool,
}

impl Context {
    /// For a program of `functions` functions, none compiled yet.
    pub fn new(functions: usize, table_calls: bool) -> Context {
        Context {
            callables: functions + super::library::COUNT,
            addresses: (0..functions).map(|_| std::cell::Cell::new(0)).collect(),
            table_calls,
        }
    }

    /// Records that function `index` is committed at `addr`.
    pub fn compiled(&self, index: usize, addr: usize) {
        if let Some(a) = self.addresses.get(index) {
            a.set(addr);
        }
    }

    /// The address to call function `index` at directly, if it is compiled and direct calls
    /// are on.
    pub fn direct(&self, index: usize) -> Option<usize> {
        let addr = self.addresses.get(index)?.get();
        (addr != 0 && !self.table_calls).then_some(addr)
    }

    /// Whether a function's calls of itself are direct.
    pub fn direct_self_calls(&self) -> bool {
        !self.table_calls
    }
}

/// Compiles `f` to position-independent code, entry at offset 0.
pub fn compile(f: &Func, index: usize, ctx: &Context) -> Result<Assembled, Error> {
    let mut asm = Assembler::with_capacity(256);
    let entry = asm.new_dynamic_label();
    let ret = asm.new_dynamic_label();
    let labels = (0..f.labels).map(|_| asm.new_dynamic_label()).collect();
    let mut g = Gen {
        asm,
        ctx,
        index,
        entry,
        vec_base: f.slots,
        call_base: f.call_base(),
        loops: Vec::new(),
        valofs: Vec::new(),
        goto_depths: GotoDepths::new(f),
        switches: Vec::new(),
        labels,
        cold: Vec::new(),
        top_valof: f.body.whole_valof().is_some(),
        ret,
        depth: 0,
        jump_target: f.jump_target,
    };
    g.function(f)?;
    g.asm.finish()
}

/// Where a `GOTO` lands, as both code generators track it: how many temporaries are pushed
/// at each label, so that a `GOTO` out of VALOFs drops those pushed since the label's VALOF
/// began (see [`Func::label_levels`]).
pub(super) struct GotoDepths {
    /// How many VALOFs enclose each label.
    label_levels: Vec<usize>,
    /// The depth where each VALOF around the code being generated starts, outermost first.
    valofs: Vec<usize>,
}

impl GotoDepths {
    pub(super) fn new(f: &Func) -> GotoDepths {
        GotoDepths {
            label_levels: f.label_levels(),
            valofs: Vec::new(),
        }
    }

    /// The code of a VALOF that starts with `depth` temporaries pushed begins.
    pub(super) fn enter_valof(&mut self, depth: usize) {
        self.valofs.push(depth);
    }

    /// The code of the innermost VALOF ends.
    pub(super) fn leave_valof(&mut self) {
        self.valofs.pop();
    }

    /// The temporaries pushed at label `id`, which a `GOTO` from here reaches.
    pub(super) fn at_label(&self, id: usize) -> usize {
        match self.label_levels[id] {
            0 => 0,
            level => self.valofs[level - 1],
        }
    }
}

struct LoopLabels {
    cont: DynamicLabel,
    exit: DynamicLabel,
    /// [`Gen::depth`] in the loop's body.
    depth: usize,
}

struct Gen<'c> {
    asm: Assembler,
    ctx: &'c Context,
    /// The function's index in the program, and its entry.
    index: usize,
    entry: DynamicLabel,
    vec_base: usize,
    call_base: usize,
    loops: Vec<LoopLabels>,
    valofs: Vec<DynamicLabel>,
    /// [`Gen::depth`] at each label, for `GOTO`.
    goto_depths: GotoDepths,
    /// Each SWITCHON's end, and [`Gen::depth`] in its body.
    switches: Vec<(DynamicLabel, usize)>,
    labels: Vec<DynamicLabel>,
    /// Cold blocks: label, line, fault, and the register holding the fault's value.
    cold: Vec<(DynamicLabel, u32, Fault, u8)>,
    /// Whether the body is a VALOF (`LET f() = VALOF ...`).
    top_valof: bool,
    ret: DynamicLabel,
    /// Temporaries pushed at this point of the code: more than the loop's or SWITCHON's
    /// only in a VALOF inside an expression, which `BREAK`, `LOOP` and `ENDCASE` may leave.
    depth: usize,
    /// Whether `longjump` may resume the function ([`Func::jump_target`]).
    jump_target: bool,
}

type R = Result<(), Error>;

fn slot_offset(slot: usize) -> i64 {
    8 * slot as i64
}

/// A 12-bit unsigned immediate, for `add`, `sub` and `cmp`.
fn imm12(e: &Expr) -> Option<u32> {
    match e {
        Expr::Num(n) if (0..4096).contains(n) => Some(*n as u32),
        _ => None,
    }
}

impl Gen<'_> {
    fn function(&mut self, f: &Func) -> R {
        // x19..x23 are set once by the entry trampoline and kept (x22 is moved back after
        // each call), so a function saves nothing but its frame record.
        let entry = self.entry;
        dynasm!(self.asm ; .arch aarch64 ; =>entry);
        let frame = self.asm.prologue(0, &[])?;
        let overflow = self.cold(f.line, Fault::StackOverflow, 0);
        self.asm
            .add_offset(RXSP::X16, RXSP::X22, 8 * f.frame_words() as i64)?;
        dynasm!(self.asm ; .arch aarch64 ; cmp x16, x23 ; b.hi =>overflow);
        let link = 8 * f.link_base() as i64;
        if f.jump_target {
            // Where `longjump` finds this activation: sp (= x29), the tag and the return
            // address (see `Func::link_base`).
            self.asm.add_offset(RXSP::X16, RXSP::X22, link)?;
            self.asm
                .load_imm64(RX::X17, (JUMP_TAG ^ self.index as i64) as u64);
            dynasm!(self.asm ; .arch aarch64
                ; mov x9, sp
                ; stp x9, x17, [x16]
                ; str x30, [x16, #16]
            );
        }
        self.stmt(&f.body)?;
        let ret = self.ret;
        dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr ; =>ret);
        if f.jump_target {
            self.asm.add_offset(RXSP::X16, RXSP::X22, link)?;
            dynasm!(self.asm ; .arch aarch64 ; str xzr, [x16]);
        }
        self.asm.epilogue(frame);
        for (label, line, fault, reg) in std::mem::take(&mut self.cold) {
            let (kind, _) = fault.code();
            dynasm!(self.asm ; .arch aarch64 ; =>label ; mov x1, X(reg));
            self.asm.load_imm64(RX::X0, kind as u64);
            self.asm.load_imm64(RX::X2, u64::from(line));
            self.asm
                .call_abs(runtime::rt_fault as extern "C" fn(i64, i64, i64) -> ! as usize);
        }
        Ok(())
    }

    /// Whether a label here is one `longjump` may resume at: in a [`Func::jump_target`],
    /// with no temporaries pushed, outside every VALOF but the one that is the whole body
    /// (what the interpreter's `resume` reaches).
    fn resumable_label(&self) -> bool {
        self.jump_target && self.depth == 0 && self.valofs.len() == usize::from(self.top_valof)
    }

    fn label(&mut self) -> DynamicLabel {
        self.asm.new_dynamic_label()
    }

    /// A cold block reporting `fault` at `line` with the value in `Xreg`.
    fn cold(&mut self, line: u32, fault: Fault, reg: u8) -> DynamicLabel {
        let l = self.label();
        self.cold.push((l, line, fault, reg));
        l
    }

    fn push(&mut self) {
        dynasm!(self.asm ; .arch aarch64 ; str x0, [sp, #-16]!);
        self.depth += 1;
    }

    fn pop(&mut self, reg: u8) {
        dynasm!(self.asm ; .arch aarch64 ; ldr X(reg), [sp], #16);
        self.depth -= 1;
    }

    /// Jumps to `target`, where `depth` temporaries are pushed, dropping the ones above them.
    fn leave_to(&mut self, target: DynamicLabel, depth: usize) -> R {
        let extra = self.depth - depth;
        if extra > 0 {
            self.asm.add_offset(RXSP::SP, RXSP::SP, 16 * extra as i64)?;
        }
        self.jump(target);
        Ok(())
    }

    /// Loads a leaf (see [`Expr::is_leaf`]) into `reg`.
    fn leaf(&mut self, e: &Expr, reg: RX) -> R {
        match e {
            Expr::Num(n) => {
                self.asm.load_imm64(reg, *n as u64);
                Ok(())
            }
            Expr::Local(s) => self.asm.load_word(reg, RXSP::X22, slot_offset(*s)),
            Expr::Cell(a) => self.asm.load_word(reg, RXSP::X20, 8 * *a as i64),
            Expr::LocalAddr(s) => {
                dynasm!(self.asm ; .arch aarch64 ; sub X(reg), x22, x20 ; lsr X(reg), X(reg), #3);
                // `None` is xzr, where the value is discarded anyway.
                match as_rxsp(reg) {
                    Some(r) => self.asm.add_offset(r, r, *s as i64),
                    None => Ok(()),
                }
            }
            _ => unreachable!("leaf() is only called on leaves"),
        }
    }

    /// Evaluates `l` into `x0` and `r` into `x1`, `l` first.
    fn operands(&mut self, l: &Expr, r: &Expr) -> R {
        if r.is_leaf() {
            self.expr(l)?;
            self.leaf(r, RX::X1)
        } else if l.is_leaf() && l.loads_same_after(r) {
            // Evaluation order is kept: loading `l` late sees the value it had first.
            self.expr(r)?;
            dynasm!(self.asm ; .arch aarch64 ; mov x1, x0);
            self.leaf(l, RX::X0)
        } else {
            self.expr(l)?;
            self.push();
            self.expr(r)?;
            dynasm!(self.asm ; .arch aarch64 ; mov x1, x0);
            self.pop(0);
            Ok(())
        }
    }

    /// Checks the word address in `x0` (reporting a fault at `line`).
    fn check_address(&mut self, line: u32) {
        let bad = self.cold(line, Fault::BadAddress(0), 0);
        dynasm!(self.asm ; .arch aarch64 ; cmp x0, x21 ; b.hs =>bad);
    }

    /// `x0` := the checked byte offset of `s%i` in memory, `s` in `x0` and `i` in `x1`.
    fn byte_offset(&mut self, line: u32) {
        let bad = self.cold(line, Fault::BadAddress(0), 16);
        dynasm!(self.asm ; .arch aarch64
            ; add x0, x1, x0, lsl #3
            ; lsr x16, x0, #3
            ; cmp x16, x21
            ; b.hs =>bad
        );
    }

    fn stmt(&mut self, s: &Stmt) -> R {
        match s {
            Stmt::Set(slot, e) => {
                self.expr(e)?;
                self.asm.store_word(RX::X0, RXSP::X22, slot_offset(*slot))?;
            }
            Stmt::SetCell(a, e) => {
                self.expr(e)?;
                self.asm.store_word(RX::X0, RXSP::X20, 8 * *a as i64)?;
            }
            Stmt::Store(addr, value, line) => self.store(addr, value, *line)?,
            Stmt::StoreByte(b, i, value, line) => self.store_byte(b, i, value, *line)?,
            Stmt::VecInit {
                slot,
                offset,
                words,
            } => self.vec_init(*slot, *offset, *words)?,
            Stmt::If {
                cond,
                run_when,
                then,
                otherwise,
            } => self.if_then(cond, *run_when, then, otherwise.as_deref())?,
            Stmt::Loop { test, body } => self.run_loop(test, body)?,
            Stmt::For(f) => self.for_loop(f)?,
            Stmt::Switch {
                value,
                cases,
                default,
                body,
            } => self.switch(value, cases, *default, body)?,
            Stmt::Label(id) => {
                let l = self.labels[*id];
                dynasm!(self.asm ; .arch aarch64 ; =>l);
                if self.resumable_label() {
                    self.asm.entry_point(Func::label_entry(*id))?;
                }
            }
            Stmt::Goto(id) => {
                let depth = self.goto_depths.at_label(*id);
                self.leave_to(self.labels[*id], depth)?;
            }
            Stmt::EndCase => {
                let (end, depth) = *self
                    .switches
                    .last()
                    .expect("sema puts ENDCASE inside SWITCHON");
                self.leave_to(end, depth)?;
            }
            Stmt::Resultis(e) => {
                self.expr(e)?;
                let end = *self.valofs.last().expect("sema puts RESULTIS inside VALOF");
                self.jump(end);
            }
            Stmt::Return(e) => self.ret(e.as_ref())?,
            Stmt::Break | Stmt::Continue => {
                let l = self
                    .loops
                    .last()
                    .expect("sema puts BREAK and LOOP inside loops");
                let target = if matches!(s, Stmt::Break) {
                    l.exit
                } else {
                    l.cont
                };
                let depth = l.depth;
                self.leave_to(target, depth)?;
            }
            Stmt::BadGoto(e, line) => {
                self.expr(e)?;
                let bad = self.cold(*line, Fault::BadGoto(0), 0);
                dynasm!(self.asm ; .arch aarch64 ; b =>bad);
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

    fn jump(&mut self, target: DynamicLabel) {
        dynasm!(self.asm ; .arch aarch64 ; b =>target);
    }

    /// `RETURN` (0) or a function's result: to the epilogue.
    fn ret(&mut self, e: Option<&Expr>) -> R {
        match e {
            Some(e) => self.expr(e)?,
            None => dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr),
        }
        self.jump(self.ret);
        Ok(())
    }

    fn store(&mut self, addr: &Expr, value: &Expr, line: u32) -> R {
        if value.is_leaf() && value.loads_same_after(addr) {
            self.expr(addr)?;
            self.leaf(value, RX::X1)?;
        } else {
            self.expr(value)?;
            self.push();
            self.expr(addr)?;
            self.pop(1);
        }
        self.check_address(line);
        dynasm!(self.asm ; .arch aarch64 ; str x1, [x20, x0, lsl #3]);
        Ok(())
    }

    fn store_byte(&mut self, b: &Expr, i: &Expr, value: &Expr, line: u32) -> R {
        self.expr(value)?;
        self.push();
        self.operands(b, i)?;
        self.pop(2);
        self.byte_offset(line);
        dynasm!(self.asm ; .arch aarch64 ; strb w2, [x20, x0]);
        Ok(())
    }

    fn vec_init(&mut self, slot: usize, offset: usize, words: usize) -> R {
        let start = 8 * (self.vec_base + offset) as i64;
        self.asm.add_offset(RXSP::X0, RXSP::X22, start)?;
        if words <= 8 {
            for k in 0..words {
                self.asm.store_word(RX::XZR, RXSP::X0, 8 * k as i64)?;
            }
        } else {
            let top = self.label();
            dynasm!(self.asm ; .arch aarch64 ; mov x16, x0);
            self.asm.load_imm64(RX::X17, words as u64);
            dynasm!(self.asm ; .arch aarch64
                ; =>top
                ; str xzr, [x16], #8
                ; subs x17, x17, #1
                ; b.ne =>top
            );
        }
        dynasm!(self.asm ; .arch aarch64 ; sub x0, x0, x20 ; lsr x0, x0, #3);
        self.asm.store_word(RX::X0, RXSP::X22, slot_offset(slot))
    }

    fn if_then(&mut self, cond: &Expr, run_when: bool, then: &Stmt, otherwise: Option<&Stmt>) -> R {
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
        Ok(())
    }

    fn for_loop(&mut self, f: &ForLoop) -> R {
        self.expr(&f.from)?;
        self.asm.store_word(RX::X0, RXSP::X22, slot_offset(f.var))?;
        self.expr(&f.to)?;
        self.asm
            .store_word(RX::X0, RXSP::X22, slot_offset(f.limit))?;
        let (top, cont, test, exit) = (self.label(), self.label(), self.label(), self.label());
        dynasm!(self.asm ; .arch aarch64 ; b =>test ; =>top);
        self.loops.push(LoopLabels {
            cont,
            exit,
            depth: self.depth,
        });
        self.stmt(&f.body)?;
        self.loops.pop();
        dynasm!(self.asm ; .arch aarch64 ; =>cont);
        self.asm.load_word(RX::X0, RXSP::X22, slot_offset(f.var))?;
        let magnitude = f.step.unsigned_abs();
        if magnitude < 4096 {
            let m = magnitude as u32;
            if f.step > 0 {
                dynasm!(self.asm ; .arch aarch64 ; add x0, x0, m);
            } else {
                dynasm!(self.asm ; .arch aarch64 ; sub x0, x0, m);
            }
        } else {
            self.asm.load_imm64(RX::X1, f.step as u64);
            dynasm!(self.asm ; .arch aarch64 ; add x0, x0, x1);
        }
        self.asm.store_word(RX::X0, RXSP::X22, slot_offset(f.var))?;
        dynasm!(self.asm ; .arch aarch64 ; =>test);
        self.asm.load_word(RX::X0, RXSP::X22, slot_offset(f.var))?;
        self.asm
            .load_word(RX::X1, RXSP::X22, slot_offset(f.limit))?;
        dynasm!(self.asm ; .arch aarch64 ; cmp x0, x1);
        if f.step > 0 {
            dynasm!(self.asm ; .arch aarch64 ; b.le =>top);
        } else {
            dynasm!(self.asm ; .arch aarch64 ; b.ge =>top);
        }
        dynasm!(self.asm ; .arch aarch64 ; =>exit);
        Ok(())
    }

    fn switch(
        &mut self,
        value: &Expr,
        cases: &[(i64, usize)],
        default: Option<usize>,
        body: &Stmt,
    ) -> R {
        self.expr(value)?;
        for &(k, id) in cases {
            let target = self.labels[id];
            if (0..4096).contains(&k) {
                let k = k as u32;
                dynasm!(self.asm ; .arch aarch64 ; cmp x0, k);
            } else {
                self.asm.load_imm64(RX::X1, k as u64);
                dynasm!(self.asm ; .arch aarch64 ; cmp x0, x1);
            }
            dynasm!(self.asm ; .arch aarch64 ; b.eq =>target);
        }
        let end = self.label();
        let otherwise = default.map_or(end, |id| self.labels[id]);
        dynasm!(self.asm ; .arch aarch64 ; b =>otherwise);
        self.switches.push((end, self.depth));
        self.stmt(body)?;
        self.switches.pop();
        dynasm!(self.asm ; .arch aarch64 ; =>end);
        Ok(())
    }

    fn run_loop(&mut self, test: &LoopTest, body: &Stmt) -> R {
        let (top, cont, exit) = (self.label(), self.label(), self.label());
        if matches!(test, LoopTest::Before(..)) {
            dynasm!(self.asm ; .arch aarch64 ; b =>cont);
        }
        dynasm!(self.asm ; .arch aarch64 ; =>top);
        self.loops.push(LoopLabels {
            cont,
            exit,
            depth: self.depth,
        });
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
            Expr::Compare(op, l, r) => {
                self.compare(l, r)?;
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

    /// Evaluates `e` into `x0`.
    fn expr(&mut self, e: &Expr) -> R {
        match e {
            Expr::Num(_) | Expr::Local(_) | Expr::Cell(_) | Expr::LocalAddr(_) => {
                self.leaf(e, RX::X0)?
            }
            Expr::Call {
                callee,
                args,
                at,
                line,
            } => self.call(callee, args, *at, *line)?,
            Expr::Valof(body, line) => {
                let end = self.label();
                self.valofs.push(end);
                self.goto_depths.enter_valof(self.depth);
                self.stmt(body)?;
                self.goto_depths.leave_valof();
                self.valofs.pop();
                match line {
                    Some(line) => {
                        let none = self.cold(*line, Fault::NoResult, 0);
                        dynasm!(self.asm ; .arch aarch64 ; b =>none ; =>end);
                    }
                    None => dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr ; =>end),
                }
            }
            Expr::Neg(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch aarch64 ; neg x0, x0);
            }
            Expr::Abs(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch aarch64 ; cmp x0, xzr ; cneg x0, x0, lt);
            }
            Expr::Not(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch aarch64 ; mvn x0, x0);
            }
            Expr::Load(addr, line) => {
                self.expr(addr)?;
                self.check_address(*line);
                dynasm!(self.asm ; .arch aarch64 ; ldr x0, [x20, x0, lsl #3]);
            }
            Expr::LoadByte(b, i, line) => {
                self.operands(b, i)?;
                self.byte_offset(*line);
                dynasm!(self.asm ; .arch aarch64 ; ldrb w0, [x20, x0]);
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
            Expr::Compare(op, l, r) => {
                self.compare(l, r)?;
                self.csetm(*op);
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
        if let (BinOp::Shl | BinOp::Shr, Expr::Num(k)) = (op, r) {
            self.expr(l)?;
            match arith::shift_count(*k, op == BinOp::Shl) {
                Some((true, n)) => dynasm!(self.asm ; .arch aarch64 ; lsl x0, x0, n),
                Some((false, n)) => dynasm!(self.asm ; .arch aarch64 ; lsr x0, x0, n),
                None => dynasm!(self.asm ; .arch aarch64 ; mov x0, xzr),
            }
            return Ok(());
        }
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
                let zero = self.cold(line, Fault::DivZero, 0);
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
            // The shift either way by the count modulo 64, the count's sign choosing, then 0
            // when the count is outside -63..=63 (`count + 63` above 126 unsigned); see
            // `arith` for the rule.
            BinOp::Shl => dynasm!(self.asm ; .arch aarch64
                ; neg x2, x1
                ; lsr x2, x0, x2
                ; lsl x0, x0, x1
                ; cmp x1, #0
                ; csel x0, x0, x2, ge
                ; add x2, x1, #63
                ; cmp x2, #126
                ; csel x0, xzr, x0, hi
            ),
            BinOp::Shr => dynasm!(self.asm ; .arch aarch64
                ; neg x2, x1
                ; lsl x2, x0, x2
                ; lsr x0, x0, x1
                ; cmp x1, #0
                ; csel x0, x0, x2, ge
                ; add x2, x1, #63
                ; cmp x2, #126
                ; csel x0, xzr, x0, hi
            ),
            BinOp::And => dynasm!(self.asm ; .arch aarch64 ; and x0, x0, x1),
            BinOp::Or => dynasm!(self.asm ; .arch aarch64 ; orr x0, x0, x1),
            BinOp::Xor => dynasm!(self.asm ; .arch aarch64 ; eor x0, x0, x1),
            BinOp::Eqv => dynasm!(self.asm ; .arch aarch64 ; eon x0, x0, x1),
        }
        Ok(())
    }

    fn call(&mut self, callee: &Callee, args: &[Expr], at: usize, line: u32) -> R {
        let base = 8 * (self.call_base + at) as i64;
        for (k, a) in args.iter().enumerate() {
            if a.is_leaf() {
                self.leaf(a, RX::X0)?;
            } else {
                self.expr(a)?;
            }
            self.asm
                .store_word(RX::X0, RXSP::X22, base + 8 * k as i64)?;
        }
        match callee {
            Callee::Func(i) => {
                self.asm.add_offset(RXSP::X22, RXSP::X22, base)?;
                if *i == self.index && self.ctx.direct_self_calls() {
                    let entry = self.entry;
                    dynasm!(self.asm ; .arch aarch64 ; bl =>entry);
                } else if let Some(addr) = self.ctx.direct(*i) {
                    dynasm!(self.asm ; .arch aarch64 ; bl extern addr);
                } else {
                    self.asm.call_indirect(TABLE_REG, *i)?;
                }
            }
            Callee::Value(f) => {
                self.expr(f)?;
                let bad = self.cold(line, Fault::BadCall(0), 0);
                self.asm.load_imm64(RX::X16, FN_BASE as u64);
                dynasm!(self.asm ; .arch aarch64 ; sub x16, x0, x16);
                self.asm.load_imm64(RX::X17, self.ctx.callables as u64);
                dynasm!(self.asm ; .arch aarch64
                    ; cmp x16, x17
                    ; b.hs =>bad
                    ; ldr x16, [x19, x16, lsl #3]
                );
                self.asm.add_offset(RXSP::X22, RXSP::X22, base)?;
                self.asm.load_imm64(RX::X10, u64::from(line));
                dynasm!(self.asm ; .arch aarch64 ; blr x16);
            }
        }
        self.asm.add_offset(RXSP::X22, RXSP::X22, -base)?;
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
