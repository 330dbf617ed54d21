//! One [`Func`] to x86-64 machine code, through [`jitkit::x64::Assembler`].
//!
//! The same design as the AArch64 generator ([`super::codegen`], which explains it): every
//! function is compiled on its own, calls go through the program's [`jitkit::CallTable`], and
//! BCPL frames are words of the shared memory ([`super::memory`]), laid out as the interpreter
//! lays them out. Registers, all callee-saved in the System V AMD64 ABI (section 3.2.1, figure
//! 3.4) and so kept by the Rust library and runtime too, set once by the entry trampoline:
//! - `r12`: the call table; `r13`: the memory's base (word `a` is at `r13 + 8*a`);
//! - `r14`: the number of words of memory, for bounds checks; `r15`: the memory's end;
//! - `rbx`: the current frame (slot `k` at `[rbx + 8*k]`).
//!
//! An expression leaves its value in `rax`; a binary operator's right operand is an
//! immediate, a memory operand (a local or a global) or `rcx`; `rdx`, `rsi`, `rdi` and
//! `r11` are scratch. Temporaries are pushed (`push rax`), so inside a function `rsp` is only
//! 8-byte aligned: every call into Rust (the run-time errors, `FINISH`, and the stubs of
//! [`super::backend_x64`]) aligns it to 16 bytes first, as the ABI requires at a call
//! (section 3.2.2), with `and rsp, -16` (the routines called there never return, or the stub
//! restores `rsp` from `rbp`). Functions keep no frame pointer (as `gcc -O2` does not): the
//! machine stack holds return addresses and temporaries only and `rbp` keeps the
//! trampoline's frame, so a frame-pointer unwinder goes from a JIT function straight to the
//! trampoline's caller. The generator
//! counts the temporaries pushed at each point, so a `RETURN` inside a `VALOF` inside an
//! expression drops them before `ret` (no jump crosses a `VALOF` otherwise: `sema` keeps
//! `GOTO`, `BREAK`, `LOOP` and `ENDCASE` inside theirs, so every jump joins code at the same
//! depth).
//!
//! A call of a function value passes the line in `rdx`, which the library stubs hand on.
//!
//! The operators mean what [`super::arith`] says; where x86-64 differs from it the code says
//! so: `idiv` traps on a zero divisor and on `minint / -1` (Intel SDM Vol. 2A, IDIV), so both
//! are tested first; `shl`/`shr` take the count modulo 64, so the code picks the direction by
//! the count's sign and gives 0 for counts outside -63..=63 explicitly. Every load and store checks its address against `r14` (unsigned, so a
//! negative address fails too) and branches to a cold block that calls
//! [`super::runtime::rt_fault`] with the same fault, value and line the interpreter reports.

use jitkit::x64::{Assembler, Code};
use jitkit::{dynasm, DynamicLabel, Error};

use super::arith;
use super::codegen::{Context, GotoDepths};
use super::ir::{BinOp, Callee, Expr, ForLoop, Func, LoopTest, RelOp, Stmt, JUMP_TAG};
use super::memory::{Fault, FN_BASE};
use super::runtime;

// Register numbers, as dynasm's `Rq(n)` takes them (Intel SDM Vol. 2A, table 3-1).
const RAX: u8 = 0;
const RCX: u8 = 1;
const RDX: u8 = 2;
const RDI: u8 = 7;
/// The current frame.
const FRAME: u8 = 3;
/// Scratch for offsets too large for a 32-bit displacement.
const R11: u8 = 11;
/// The memory's base.
const BASE: u8 = 13;

/// Compiles `f`, function `index` of its program, to position-independent code, entry at
/// offset 0. Calls of `f` itself are direct (`call rel32` to the entry): the table entry of a
/// compiled function only ever points at that code, so skipping the table changes nothing
/// but the time a recursive call takes.
pub fn compile(f: &Func, index: usize, ctx: &Context) -> Result<Code, Error> {
    let mut asm = Assembler::with_capacity(512);
    let entry = asm.new_dynamic_label();
    let labels = (0..f.labels).map(|_| asm.new_dynamic_label()).collect();
    let mut g = Gen {
        asm,
        ctx,
        index,
        entry,
        depth: 0,
        vec_base: f.slots,
        call_base: f.call_base(),
        loops: Vec::new(),
        valofs: Vec::new(),
        goto_depths: GotoDepths::new(f),
        switches: Vec::new(),
        labels,
        cold: Vec::new(),
        top_valof: f.body.whole_valof().is_some(),
        link: f.jump_target.then(|| 8 * f.link_base() as i64),
    };
    g.function(f)?;
    g.asm.finish()
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
    /// Temporaries pushed at the current point of the code.
    depth: usize,
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
    /// For a [`Func::jump_target`], the byte offset of its link words in the frame.
    link: Option<i64>,
}

type R = Result<(), Error>;

/// A right operand that an ALU instruction can take as it is.
#[derive(Clone, Copy)]
enum Operand {
    /// A constant that sign-extends from 32 bits to its value.
    Imm(i32),
    /// The word at `[base + disp]`.
    Mem(u8, i32),
}

fn slot_offset(slot: usize) -> i64 {
    8 * slot as i64
}

fn imm32(n: i64) -> Option<i32> {
    i32::try_from(n).ok()
}

/// `e` as an operand an instruction can read directly, if it is one.
fn direct(e: &Expr) -> Option<Operand> {
    match e {
        Expr::Num(n) => imm32(*n).map(Operand::Imm),
        Expr::Local(s) => imm32(slot_offset(*s)).map(|d| Operand::Mem(FRAME, d)),
        Expr::Cell(a) => imm32(8 * *a as i64).map(|d| Operand::Mem(BASE, d)),
        _ => None,
    }
}

impl Gen<'_> {
    fn function(&mut self, f: &Func) -> R {
        let entry = self.entry;
        dynasm!(self.asm ; .arch x64 ; =>entry);
        let overflow = self.cold(f.line, Fault::StackOverflow, RAX);
        self.lea(RAX, FRAME, 8 * f.frame_words() as i64);
        dynasm!(self.asm ; .arch x64 ; cmp rax, r15 ; ja =>overflow);
        if let Some(link) = self.link {
            // Where `longjump` finds this activation: rsp, the tag and the return address
            // (see `Func::link_base`).
            self.lea(RAX, FRAME, link);
            self.mov_imm(RCX, JUMP_TAG ^ self.index as i64);
            dynasm!(self.asm ; .arch x64
                ; mov [rax], rsp
                ; mov [rax + 8], rcx
                ; mov rcx, [rsp]
                ; mov [rax + 16], rcx
            );
        }
        self.stmt(&f.body)?;
        dynasm!(self.asm ; .arch x64 ; xor eax, eax);
        self.epilogue();
        for (label, line, fault, reg) in std::mem::take(&mut self.cold) {
            let (kind, _) = fault.code();
            dynasm!(self.asm ; .arch x64 ; =>label ; mov rsi, Rq(reg));
            self.mov_u32(RDI, kind as u32);
            self.mov_u32(RDX, line);
            dynasm!(self.asm ; .arch x64 ; and rsp, -16);
            self.asm
                .call_abs(runtime::rt_fault as extern "C" fn(i64, i64, i64) -> ! as usize);
        }
        Ok(())
    }

    /// Whether a label here is one `longjump` may resume at: in a [`Func::jump_target`],
    /// with no temporaries pushed, outside every VALOF but the one that is the whole body
    /// (what the interpreter's `resume` reaches).
    fn resumable_label(&self) -> bool {
        self.link.is_some() && self.depth == 0 && self.valofs.len() == usize::from(self.top_valof)
    }

    fn label(&mut self) -> DynamicLabel {
        self.asm.new_dynamic_label()
    }

    /// A cold block reporting `fault` at `line` with the value in `Rq(reg)`.
    fn cold(&mut self, line: u32, fault: Fault, reg: u8) -> DynamicLabel {
        let l = self.label();
        self.cold.push((l, line, fault, reg));
        l
    }

    /// `Rq(reg)` := `value`, zero-extended: `mov r32, imm32`.
    fn mov_u32(&mut self, reg: u8, value: u32) {
        let v = value as i32;
        dynasm!(self.asm ; .arch x64 ; mov Rd(reg), DWORD v);
    }

    /// `Rq(reg)` := `n`, in the shortest form.
    fn mov_imm(&mut self, reg: u8, n: i64) {
        if n == 0 {
            dynasm!(self.asm ; .arch x64 ; xor Rd(reg), Rd(reg));
        } else if let Ok(v) = u32::try_from(n) {
            self.mov_u32(reg, v);
        } else if let Some(v) = imm32(n) {
            dynasm!(self.asm ; .arch x64 ; mov Rq(reg), DWORD v);
        } else {
            dynasm!(self.asm ; .arch x64 ; mov Rq(reg), QWORD n);
        }
    }

    /// `Rq(reg)` := the word at `base + off` (`base` is [`FRAME`] or [`BASE`]).
    fn load(&mut self, reg: u8, base: u8, off: i64) {
        match (imm32(off), base) {
            (Some(d), FRAME) => dynasm!(self.asm ; .arch x64 ; mov Rq(reg), QWORD [rbx + d]),
            (Some(d), _) => dynasm!(self.asm ; .arch x64 ; mov Rq(reg), QWORD [r13 + d]),
            (None, _) => {
                self.mov_imm(R11, off);
                dynasm!(self.asm ; .arch x64 ; mov Rq(reg), QWORD [Rq(base) + r11]);
            }
        }
    }

    /// The word at `base + off` := `Rq(reg)` (`base` is [`FRAME`] or [`BASE`]).
    fn store(&mut self, reg: u8, base: u8, off: i64) {
        match (imm32(off), base) {
            (Some(d), FRAME) => dynasm!(self.asm ; .arch x64 ; mov QWORD [rbx + d], Rq(reg)),
            (Some(d), _) => dynasm!(self.asm ; .arch x64 ; mov QWORD [r13 + d], Rq(reg)),
            (None, _) => {
                self.mov_imm(R11, off);
                dynasm!(self.asm ; .arch x64 ; mov QWORD [Rq(base) + r11], Rq(reg));
            }
        }
    }

    /// `Rq(reg)` := `base + off`.
    fn lea(&mut self, reg: u8, base: u8, off: i64) {
        match imm32(off) {
            Some(0) if reg == base => {}
            Some(d) if base == FRAME => dynasm!(self.asm ; .arch x64 ; lea Rq(reg), [rbx + d]),
            Some(d) => dynasm!(self.asm ; .arch x64 ; lea Rq(reg), [Rq(base) + d]),
            None => {
                self.mov_imm(R11, off);
                dynasm!(self.asm ; .arch x64 ; lea Rq(reg), [Rq(base) + r11]);
            }
        }
    }

    fn push(&mut self) {
        dynasm!(self.asm ; .arch x64 ; push rax);
        self.depth += 1;
    }

    fn pop(&mut self, reg: u8) {
        dynasm!(self.asm ; .arch x64 ; pop Rq(reg));
        self.depth -= 1;
    }

    /// Loads a leaf (see [`Expr::is_leaf`]) into `Rq(reg)`.
    fn leaf(&mut self, e: &Expr, reg: u8) {
        match e {
            Expr::Num(n) => self.mov_imm(reg, *n),
            Expr::Local(s) => self.load(reg, FRAME, slot_offset(*s)),
            Expr::Cell(a) => self.load(reg, BASE, 8 * *a as i64),
            Expr::LocalAddr(s) => {
                dynasm!(self.asm ; .arch x64 ; mov Rq(reg), rbx ; sub Rq(reg), r13 ; shr Rq(reg), 3);
                if *s != 0 {
                    self.lea(reg, reg, *s as i64);
                }
            }
            _ => unreachable!("leaf() is only called on leaves"),
        }
    }

    /// Evaluates `l` into `rax` and `r` into `rcx`, `l` first.
    fn operands(&mut self, l: &Expr, r: &Expr) -> R {
        if r.is_leaf() {
            self.expr(l)?;
            self.leaf(r, RCX);
        } else if l.is_leaf() && l.loads_same_after(r) {
            // Evaluation order is kept: loading `l` late sees the value it had first.
            self.expr(r)?;
            dynasm!(self.asm ; .arch x64 ; mov rcx, rax);
            self.leaf(l, RAX);
        } else {
            self.expr(l)?;
            self.push();
            self.expr(r)?;
            dynasm!(self.asm ; .arch x64 ; mov rcx, rax);
            self.pop(RAX);
        }
        Ok(())
    }

    /// Evaluates `l` into `rax` and returns `r` as an operand: read directly when it can be,
    /// else evaluated into `rcx` (`None`).
    fn operand(&mut self, l: &Expr, r: &Expr) -> Result<Option<Operand>, Error> {
        match direct(r) {
            Some(op) => {
                self.expr(l)?;
                Ok(Some(op))
            }
            None => {
                self.operands(l, r)?;
                Ok(None)
            }
        }
    }

    /// [`operand`](Self::operand) for a commutative operator: where both sides must be
    /// evaluated into registers, `rax` and `rcx` may end up swapped.
    fn commutative(&mut self, l: &Expr, r: &Expr) -> Result<Option<Operand>, Error> {
        if direct(r).is_some() || r.is_leaf() || (l.is_leaf() && l.loads_same_after(r)) {
            return self.operand(l, r);
        }
        self.expr(l)?;
        self.push();
        self.expr(r)?;
        self.pop(RCX);
        Ok(None)
    }

    /// Checks the word address in `rax` (reporting a fault at `line`).
    fn check_address(&mut self, line: u32) {
        let bad = self.cold(line, Fault::BadAddress(0), RAX);
        dynasm!(self.asm ; .arch x64 ; cmp rax, r14 ; jae =>bad);
    }

    /// `rax` := the checked byte offset of `s%i` in memory, `s` in `rax` and `i` in `rcx`.
    /// The byte offset is `8*s + i`, wrapping; its word, `(8*s + i) >> 3` taken as unsigned,
    /// is what is checked and what a fault reports (as the interpreter does).
    fn byte_offset(&mut self, line: u32) {
        let bad = self.cold(line, Fault::BadAddress(0), RDX);
        dynasm!(self.asm ; .arch x64
            ; lea rax, [rcx + rax * 8]
            ; mov rdx, rax
            ; shr rdx, 3
            ; cmp rdx, r14
            ; jae =>bad
        );
    }

    fn stmt(&mut self, s: &Stmt) -> R {
        match s {
            Stmt::Set(slot, e) => {
                if !self.update_in_place(*slot, e)? {
                    self.expr(e)?;
                    self.store(RAX, FRAME, slot_offset(*slot));
                }
            }
            Stmt::SetCell(a, e) => {
                self.expr(e)?;
                self.store(RAX, BASE, 8 * *a as i64);
            }
            Stmt::Store(addr, value, line) => self.store_word(addr, value, *line)?,
            Stmt::StoreByte(b, i, value, line) => self.store_byte(b, i, value, *line)?,
            Stmt::VecInit {
                slot,
                offset,
                words,
            } => self.vec_init(*slot, *offset, *words),
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
                dynasm!(self.asm ; .arch x64 ; =>l);
                if self.resumable_label() {
                    self.asm.entry_point(Func::label_entry(*id))?;
                }
            }
            Stmt::Goto(id) => {
                let depth = self.goto_depths.at_label(*id);
                self.leave_to(self.labels[*id], depth);
            }
            Stmt::EndCase => {
                let (end, depth) = *self
                    .switches
                    .last()
                    .expect("sema puts ENDCASE inside SWITCHON");
                self.leave_to(end, depth);
            }
            Stmt::Resultis(e) => {
                self.expr(e)?;
                let end = *self.valofs.last().expect("sema puts RESULTIS inside VALOF");
                self.jump(end);
            }
            Stmt::Return(Some(e)) => self.return_value(e)?,
            Stmt::Return(None) => {
                dynasm!(self.asm ; .arch x64 ; xor eax, eax);
                self.epilogue();
            }
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
                self.leave_to(target, depth);
            }
            Stmt::BadGoto(e, line) => {
                self.expr(e)?;
                let bad = self.cold(*line, Fault::BadGoto(0), RAX);
                dynasm!(self.asm ; .arch x64 ; jmp =>bad);
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

    /// `x := x + e` and `x := x - e` as one `add`/`sub` to the slot, where reading `x` after
    /// evaluating `e` sees the value it had before (see [`Expr::loads_same_after`]). Returns whether it
    /// emitted that.
    fn update_in_place(&mut self, slot: usize, e: &Expr) -> Result<bool, Error> {
        let Expr::Binary(op @ (BinOp::Add | BinOp::Sub), l, r, _) = e else {
            return Ok(false);
        };
        let target = Expr::Local(slot);
        let Some(d) = imm32(slot_offset(slot)) else {
            return Ok(false);
        };
        if **l != target || !target.loads_same_after(r) {
            return Ok(false);
        }
        match (direct(r), op) {
            (Some(Operand::Imm(k)), BinOp::Add) => {
                dynasm!(self.asm ; .arch x64 ; add QWORD [rbx + d], DWORD k)
            }
            (Some(Operand::Imm(k)), _) => {
                dynasm!(self.asm ; .arch x64 ; sub QWORD [rbx + d], DWORD k)
            }
            (_, BinOp::Add) => {
                self.expr(r)?;
                dynasm!(self.asm ; .arch x64 ; add QWORD [rbx + d], rax);
            }
            _ => {
                self.expr(r)?;
                dynasm!(self.asm ; .arch x64 ; sub QWORD [rbx + d], rax);
            }
        }
        Ok(true)
    }

    /// Returns the value of `e`; each arm of a conditional returns on its own.
    fn return_value(&mut self, e: &Expr) -> R {
        if let Expr::Cond(c, a, b) = e {
            let other = self.label();
            self.branch(c, other, false)?;
            self.return_value(a)?;
            dynasm!(self.asm ; .arch x64 ; =>other);
            self.return_value(b)
        } else {
            self.expr(e)?;
            self.epilogue();
            Ok(())
        }
    }

    /// The epilogue, in place wherever the function returns: drops the temporaries pushed
    /// at this point (a `RETURN` inside a `VALOF` inside an expression), then `ret`.
    fn epilogue(&mut self) {
        if let Some(link) = self.link {
            self.lea(RDI, FRAME, link);
            dynasm!(self.asm ; .arch x64 ; mov QWORD [rdi], 0);
        }
        if self.depth > 0 {
            let bytes = 8 * self.depth as i32;
            dynasm!(self.asm ; .arch x64 ; add rsp, DWORD bytes);
        }
        dynasm!(self.asm ; .arch x64 ; ret);
    }

    fn jump(&mut self, target: DynamicLabel) {
        dynasm!(self.asm ; .arch x64 ; jmp =>target);
    }

    /// Jumps to `target`, where `depth` temporaries are pushed, dropping the ones above them
    /// (`BREAK`, `LOOP` or `ENDCASE` out of a VALOF inside an expression).
    fn leave_to(&mut self, target: DynamicLabel, depth: usize) {
        let extra = self.depth - depth;
        if extra > 0 {
            let bytes = 8 * extra as i32;
            dynasm!(self.asm ; .arch x64 ; add rsp, DWORD bytes);
        }
        self.jump(target);
    }

    fn store_word(&mut self, addr: &Expr, value: &Expr, line: u32) -> R {
        if let Some(Operand::Imm(k)) = direct(value) {
            self.expr(addr)?;
            self.check_address(line);
            dynasm!(self.asm ; .arch x64 ; mov QWORD [r13 + rax * 8], DWORD k);
            return Ok(());
        }
        if value.is_leaf() && value.loads_same_after(addr) {
            self.expr(addr)?;
            self.leaf(value, RCX);
        } else {
            self.expr(value)?;
            self.push();
            self.expr(addr)?;
            self.pop(RCX);
        }
        self.check_address(line);
        dynasm!(self.asm ; .arch x64 ; mov QWORD [r13 + rax * 8], rcx);
        Ok(())
    }

    fn store_byte(&mut self, b: &Expr, i: &Expr, value: &Expr, line: u32) -> R {
        self.expr(value)?;
        self.push();
        self.operands(b, i)?;
        self.byte_offset(line);
        self.pop(RCX);
        dynasm!(self.asm ; .arch x64 ; mov BYTE [r13 + rax], cl);
        Ok(())
    }

    fn vec_init(&mut self, slot: usize, offset: usize, words: usize) {
        let start = 8 * (self.vec_base + offset) as i64;
        if words <= 8 {
            dynasm!(self.asm ; .arch x64 ; xor ecx, ecx);
            for k in 0..words {
                self.store(RCX, FRAME, start + 8 * k as i64);
            }
            self.lea(RAX, FRAME, start);
        } else {
            // rep stosq: store rax at [rdi], rcx times, rdi advancing (Intel SDM Vol. 2B, STOS;
            // the direction flag is clear, as the ABI guarantees at calls and nothing sets it).
            self.lea(RDI, FRAME, start);
            self.mov_imm(RCX, words as i64);
            dynasm!(self.asm ; .arch x64 ; xor eax, eax ; rep stosq);
            self.lea(RAX, FRAME, start);
        }
        dynasm!(self.asm ; .arch x64 ; sub rax, r13 ; shr rax, 3);
        self.store(RAX, FRAME, slot_offset(slot));
    }

    fn if_then(&mut self, cond: &Expr, run_when: bool, then: &Stmt, otherwise: Option<&Stmt>) -> R {
        let skip = self.label();
        self.branch(cond, skip, !run_when)?;
        self.stmt(then)?;
        if let Some(o) = otherwise {
            let end = self.label();
            dynasm!(self.asm ; .arch x64 ; jmp =>end ; =>skip);
            self.stmt(o)?;
            dynasm!(self.asm ; .arch x64 ; =>end);
        } else {
            dynasm!(self.asm ; .arch x64 ; =>skip);
        }
        Ok(())
    }

    fn for_loop(&mut self, f: &ForLoop) -> R {
        self.expr(&f.from)?;
        self.store(RAX, FRAME, slot_offset(f.var));
        self.expr(&f.to)?;
        self.store(RAX, FRAME, slot_offset(f.limit));
        let (top, cont, test, exit) = (self.label(), self.label(), self.label(), self.label());
        dynasm!(self.asm ; .arch x64 ; jmp =>test ; =>top);
        self.loops.push(LoopLabels {
            cont,
            exit,
            depth: self.depth,
        });
        self.stmt(&f.body)?;
        self.loops.pop();
        dynasm!(self.asm ; .arch x64 ; =>cont);
        match (imm32(f.step), imm32(slot_offset(f.var))) {
            (Some(k), Some(d)) => dynasm!(self.asm ; .arch x64 ; add QWORD [rbx + d], DWORD k),
            _ => {
                self.load(RAX, FRAME, slot_offset(f.var));
                self.mov_imm(RCX, f.step);
                dynasm!(self.asm ; .arch x64 ; add rax, rcx);
                self.store(RAX, FRAME, slot_offset(f.var));
            }
        }
        dynasm!(self.asm ; .arch x64 ; =>test);
        self.load(RAX, FRAME, slot_offset(f.var));
        match imm32(slot_offset(f.limit)) {
            Some(d) => dynasm!(self.asm ; .arch x64 ; cmp rax, QWORD [rbx + d]),
            None => {
                self.load(RCX, FRAME, slot_offset(f.limit));
                dynasm!(self.asm ; .arch x64 ; cmp rax, rcx);
            }
        }
        if f.step > 0 {
            dynasm!(self.asm ; .arch x64 ; jle =>top);
        } else {
            dynasm!(self.asm ; .arch x64 ; jge =>top);
        }
        dynasm!(self.asm ; .arch x64 ; =>exit);
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
            match imm32(k) {
                Some(k) => dynasm!(self.asm ; .arch x64 ; cmp rax, DWORD k),
                None => {
                    self.mov_imm(RCX, k);
                    dynasm!(self.asm ; .arch x64 ; cmp rax, rcx);
                }
            }
            dynasm!(self.asm ; .arch x64 ; je =>target);
        }
        let end = self.label();
        let otherwise = default.map_or(end, |id| self.labels[id]);
        dynasm!(self.asm ; .arch x64 ; jmp =>otherwise);
        self.switches.push((end, self.depth));
        self.stmt(body)?;
        self.switches.pop();
        dynasm!(self.asm ; .arch x64 ; =>end);
        Ok(())
    }

    fn run_loop(&mut self, test: &LoopTest, body: &Stmt) -> R {
        let (top, cont, exit) = (self.label(), self.label(), self.label());
        if matches!(test, LoopTest::Before(..)) {
            dynasm!(self.asm ; .arch x64 ; jmp =>cont);
        }
        dynasm!(self.asm ; .arch x64 ; =>top);
        self.loops.push(LoopLabels {
            cont,
            exit,
            depth: self.depth,
        });
        self.stmt(body)?;
        self.loops.pop();
        dynasm!(self.asm ; .arch x64 ; =>cont);
        match test {
            LoopTest::Before(c, run_when) | LoopTest::After(c, run_when) => {
                self.branch(c, top, *run_when)?
            }
            LoopTest::Never => dynasm!(self.asm ; .arch x64 ; jmp =>top),
        }
        dynasm!(self.asm ; .arch x64 ; =>exit);
        Ok(())
    }

    /// Branches to `target` when the truth of `e` (non-zero) equals `when`.
    fn branch(&mut self, e: &Expr, target: DynamicLabel, when: bool) -> R {
        match e {
            Expr::Num(n) => {
                if (*n != 0) == when {
                    self.jump(target);
                }
            }
            Expr::Compare(op, l, r) => {
                self.compare(l, r)?;
                let op = if when { *op } else { negate(*op) };
                self.jcc(op, target);
            }
            Expr::Not(x) if x.is_truth_value() => self.branch(x, target, !when)?,
            Expr::AndThen(l, r) => {
                if when {
                    let skip = self.label();
                    self.branch(l, skip, false)?;
                    self.branch(r, target, true)?;
                    dynasm!(self.asm ; .arch x64 ; =>skip);
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
                    dynasm!(self.asm ; .arch x64 ; =>skip);
                }
            }
            _ => {
                self.expr(e)?;
                dynasm!(self.asm ; .arch x64 ; test rax, rax);
                if when {
                    dynasm!(self.asm ; .arch x64 ; jnz =>target);
                } else {
                    dynasm!(self.asm ; .arch x64 ; jz =>target);
                }
            }
        }
        Ok(())
    }

    /// Sets the flags for `l` compared with `r`.
    fn compare(&mut self, l: &Expr, r: &Expr) -> R {
        match self.operand(l, r)? {
            Some(Operand::Imm(k)) => dynasm!(self.asm ; .arch x64 ; cmp rax, DWORD k),
            Some(Operand::Mem(FRAME, d)) => {
                dynasm!(self.asm ; .arch x64 ; cmp rax, QWORD [rbx + d])
            }
            Some(Operand::Mem(_, d)) => {
                dynasm!(self.asm ; .arch x64 ; cmp rax, QWORD [r13 + d])
            }
            None => dynasm!(self.asm ; .arch x64 ; cmp rax, rcx),
        }
        Ok(())
    }

    fn jcc(&mut self, op: RelOp, t: DynamicLabel) {
        match op {
            RelOp::Eq => dynasm!(self.asm ; .arch x64 ; je =>t),
            RelOp::Ne => dynasm!(self.asm ; .arch x64 ; jne =>t),
            RelOp::Lt => dynasm!(self.asm ; .arch x64 ; jl =>t),
            RelOp::Le => dynasm!(self.asm ; .arch x64 ; jle =>t),
            RelOp::Gt => dynasm!(self.asm ; .arch x64 ; jg =>t),
            RelOp::Ge => dynasm!(self.asm ; .arch x64 ; jge =>t),
        }
    }

    /// `rax` := TRUE (-1) if the flags say `op` holds, else FALSE (0).
    fn truth(&mut self, op: RelOp) {
        match op {
            RelOp::Eq => dynasm!(self.asm ; .arch x64 ; sete al),
            RelOp::Ne => dynasm!(self.asm ; .arch x64 ; setne al),
            RelOp::Lt => dynasm!(self.asm ; .arch x64 ; setl al),
            RelOp::Le => dynasm!(self.asm ; .arch x64 ; setle al),
            RelOp::Gt => dynasm!(self.asm ; .arch x64 ; setg al),
            RelOp::Ge => dynasm!(self.asm ; .arch x64 ; setge al),
        }
        dynasm!(self.asm ; .arch x64 ; movzx eax, al ; neg rax);
    }

    /// Evaluates `e` into `rax`.
    fn expr(&mut self, e: &Expr) -> R {
        match e {
            Expr::Num(_) | Expr::Local(_) | Expr::Cell(_) | Expr::LocalAddr(_) => self.leaf(e, RAX),
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
                        let none = self.cold(*line, Fault::NoResult, RAX);
                        dynasm!(self.asm ; .arch x64 ; jmp =>none ; =>end);
                    }
                    None => dynasm!(self.asm ; .arch x64 ; xor eax, eax ; =>end),
                }
            }
            Expr::Neg(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch x64 ; neg rax);
            }
            Expr::Abs(x) => {
                self.expr(x)?;
                // |x| = (x ^ s) - s with s = x >> 63 (arithmetic): wraps for minint.
                dynasm!(self.asm ; .arch x64
                    ; mov rdx, rax
                    ; sar rdx, 63
                    ; xor rax, rdx
                    ; sub rax, rdx
                );
            }
            Expr::Not(x) => {
                self.expr(x)?;
                dynasm!(self.asm ; .arch x64 ; not rax);
            }
            Expr::Load(addr, line) => {
                self.expr(addr)?;
                self.check_address(*line);
                dynasm!(self.asm ; .arch x64 ; mov rax, QWORD [r13 + rax * 8]);
            }
            Expr::LoadByte(b, i, line) => {
                self.operands(b, i)?;
                self.byte_offset(*line);
                dynasm!(self.asm ; .arch x64 ; movzx eax, BYTE [r13 + rax]);
            }
            Expr::Binary(op, l, r, line) => self.binary(*op, l, r, *line)?,
            Expr::AndThen(l, r) | Expr::OrElse(l, r) => {
                let end = self.label();
                self.expr(l)?;
                dynasm!(self.asm ; .arch x64 ; test rax, rax);
                if matches!(e, Expr::AndThen(..)) {
                    dynasm!(self.asm ; .arch x64 ; jz =>end);
                } else {
                    dynasm!(self.asm ; .arch x64 ; jnz =>end);
                }
                self.expr(r)?;
                dynasm!(self.asm ; .arch x64 ; =>end);
            }
            Expr::Compare(op, l, r) => {
                self.compare(l, r)?;
                self.truth(*op);
            }
            Expr::Cond(c, a, b) => {
                let (other, end) = (self.label(), self.label());
                self.branch(c, other, false)?;
                self.expr(a)?;
                dynasm!(self.asm ; .arch x64 ; jmp =>end ; =>other);
                self.expr(b)?;
                dynasm!(self.asm ; .arch x64 ; =>end);
            }
        }
        Ok(())
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, line: u32) -> R {
        match op {
            BinOp::Sub => {
                let operand = self.operand(l, r)?;
                self.alu(op, operand);
            }
            BinOp::Add | BinOp::Mul | BinOp::And | BinOp::Or | BinOp::Xor => {
                let operand = self.commutative(l, r)?;
                self.alu(op, operand);
            }
            BinOp::Div | BinOp::Mod => {
                match r {
                    // A constant divisor other than 0 and -1 needs neither check.
                    Expr::Num(k) if *k != 0 && *k != -1 => {
                        self.expr(l)?;
                        self.mov_imm(RCX, *k);
                        dynasm!(self.asm ; .arch x64 ; cqo ; idiv rcx);
                    }
                    _ => {
                        self.operands(l, r)?;
                        let zero = self.cold(line, Fault::DivZero, RAX);
                        let (minus_one, done) = (self.label(), self.label());
                        dynasm!(self.asm ; .arch x64
                            ; test rcx, rcx
                            ; jz =>zero
                            ; cmp rcx, -1
                            ; je =>minus_one
                            ; cqo
                            ; idiv rcx
                            ; jmp =>done
                            ; =>minus_one
                            // x / -1 = -x (wrapping: minint / -1 = minint), x MOD -1 = 0:
                            // what arith says, where idiv would trap on minint.
                            ; neg rax
                            ; xor edx, edx
                            ; =>done
                        );
                    }
                }
                if op == BinOp::Mod {
                    dynasm!(self.asm ; .arch x64 ; mov rax, rdx);
                }
            }
            BinOp::Shl | BinOp::Shr => {
                let left = op == BinOp::Shl;
                if let Expr::Num(k) = r {
                    self.expr(l)?;
                    match arith::shift_count(*k, left) {
                        Some((true, n)) => dynasm!(self.asm ; .arch x64 ; shl rax, BYTE n as i8),
                        Some((false, n)) => dynasm!(self.asm ; .arch x64 ; shr rax, BYTE n as i8),
                        None => dynasm!(self.asm ; .arch x64 ; xor eax, eax),
                    }
                } else {
                    self.operands(l, r)?;
                    // Both directions by the count modulo 64 (`shl`/`shr` take it so), the
                    // count's sign choosing, then 0 when the count is outside -63..=63
                    // (`count + 63` above 126 unsigned); see `arith` for the rule.
                    dynasm!(self.asm ; .arch x64 ; mov rdx, rax ; mov rsi, rcx);
                    if left {
                        dynasm!(self.asm ; .arch x64 ; shl rax, cl ; neg rcx ; shr rdx, cl);
                    } else {
                        dynasm!(self.asm ; .arch x64 ; shr rax, cl ; neg rcx ; shl rdx, cl);
                    }
                    dynasm!(self.asm ; .arch x64
                        ; test rsi, rsi
                        ; cmovs rax, rdx
                        ; lea rcx, [rsi + 63]
                        ; xor edx, edx
                        ; cmp rcx, 126
                        ; cmova rax, rdx
                    );
                }
            }
            BinOp::Eqv => {
                let operand = self.commutative(l, r)?;
                self.alu(BinOp::Xor, operand);
                dynasm!(self.asm ; .arch x64 ; not rax);
            }
        }
        Ok(())
    }

    /// `rax` := `rax op operand` (`rcx` when `None`) for `+ - * & | XOR`.
    fn alu(&mut self, op: BinOp, operand: Option<Operand>) {
        macro_rules! form {
            ($ins:ident) => {
                match operand {
                    Some(Operand::Imm(k)) => dynasm!(self.asm ; .arch x64 ; $ins rax, DWORD k),
                    Some(Operand::Mem(FRAME, d)) => {
                        dynasm!(self.asm ; .arch x64 ; $ins rax, QWORD [rbx + d])
                    }
                    Some(Operand::Mem(_, d)) => {
                        dynasm!(self.asm ; .arch x64 ; $ins rax, QWORD [r13 + d])
                    }
                    None => dynasm!(self.asm ; .arch x64 ; $ins rax, rcx),
                }
            };
        }
        if matches!(operand, Some(Operand::Imm(0)))
            && matches!(op, BinOp::Add | BinOp::Sub | BinOp::Or | BinOp::Xor)
        {
            return;
        }
        match op {
            BinOp::Add => form!(add),
            BinOp::Sub => form!(sub),
            BinOp::And => form!(and),
            BinOp::Or => form!(or),
            BinOp::Xor => form!(xor),
            BinOp::Mul => match operand {
                Some(Operand::Imm(k)) => dynasm!(self.asm ; .arch x64 ; imul rax, rax, DWORD k),
                Some(Operand::Mem(FRAME, d)) => {
                    dynasm!(self.asm ; .arch x64 ; imul rax, QWORD [rbx + d])
                }
                Some(Operand::Mem(_, d)) => {
                    dynasm!(self.asm ; .arch x64 ; imul rax, QWORD [r13 + d])
                }
                None => dynasm!(self.asm ; .arch x64 ; imul rax, rcx),
            },
            _ => unreachable!("alu() takes + - * & | XOR"),
        }
    }

    fn call(&mut self, callee: &Callee, args: &[Expr], at: usize, line: u32) -> R {
        let base = 8 * (self.call_base + at) as i64;
        for (k, a) in args.iter().enumerate() {
            self.expr(a)?;
            self.store(RAX, FRAME, base + 8 * k as i64);
        }
        match callee {
            Callee::Func(i) => {
                self.lea(FRAME, FRAME, base);
                if *i == self.index && self.ctx.direct_self_calls() {
                    let entry = self.entry;
                    dynasm!(self.asm ; .arch x64 ; call =>entry);
                } else if let Some(addr) = self.ctx.direct(*i) {
                    dynasm!(self.asm ; .arch x64 ; call extern addr);
                } else {
                    self.call_table(*i);
                }
            }
            Callee::Value(f) => {
                self.expr(f)?;
                let bad = self.cold(line, Fault::BadCall(0), RAX);
                self.mov_imm(RCX, FN_BASE.wrapping_neg());
                self.mov_imm(RDX, self.ctx.callables as i64);
                dynasm!(self.asm ; .arch x64
                    ; add rcx, rax
                    ; cmp rcx, rdx
                    ; jae =>bad
                );
                self.lea(FRAME, FRAME, base);
                self.mov_u32(RDX, line);
                dynasm!(self.asm ; .arch x64 ; call QWORD [r12 + rcx * 8]);
            }
        }
        self.lea(FRAME, FRAME, -base);
        Ok(())
    }

    /// `call [r12 + 8*index]`.
    fn call_table(&mut self, index: usize) {
        match imm32(8 * index as i64) {
            Some(d) => dynasm!(self.asm ; .arch x64 ; call QWORD [r12 + d]),
            None => {
                self.mov_imm(R11, 8 * index as i64);
                dynasm!(self.asm ; .arch x64 ; call QWORD [r12 + r11]);
            }
        }
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
