//! The checked program that both back ends run: names resolved, every rule already enforced.
//!
//! [`super::sema`] produces it from the syntax tree. Locals are numbered slots of their
//! function's frame, globals and statics are word addresses, manifest constants, strings,
//! tables and function values are numbers, `VEC` sizes and `FOR` steps are constants, and
//! labels (`name:`, `CASE k:`, `DEFAULT:`) are numbers within their function. Both the
//! interpreter and the code generator take it as given that it is well formed: the rules are
//! checked once, in `sema`, and the two back ends cannot disagree about them.
//!
//! Memory is one array of 64-bit words that both back ends lay out the same way
//! ([`super::memory`]), so an address is a word index and every value a program can see,
//! addresses included, is the same in both.

pub use super::ast::{BinOp, RelOp};

/// A checked program.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Every function and routine of the program; [`Callee::Func`] and function values index this.
    pub funcs: Vec<Func>,
    /// Index in `funcs` of the function a run calls: the program's `clihook` if it defines
    /// one, else `start`.
    pub start: usize,
    /// The initial contents of memory from address 0: the global vector, then statics,
    /// tables and strings.
    pub image: Vec<i64>,
}

/// One function or routine.
#[derive(Debug, Clone, PartialEq)]
pub struct Func {
    /// The name it was defined with.
    pub name: String,
    /// Parameters occupy slots `0..params`.
    pub params: usize,
    /// Slots for parameters, locals and hidden FOR limits.
    pub slots: usize,
    /// Words of the vector area (all `VEC`s of the function, each at its own offset).
    pub vec_words: usize,
    /// Words above the vector area where calls build their callees' frames (see
    /// [`Expr::Call`]).
    pub call_words: usize,
    /// How many labels the body uses ([`Stmt::Label`] numbers are below this).
    pub labels: usize,
    /// The body: a function's `= e` becomes `Return(Some(e))`.
    pub body: Stmt,
    /// The line of the definition, where a stack overflow on entry is reported.
    pub line: u32,
    /// Whether the program takes the value of one of its labels, so that `longjump` may
    /// resume it ([`super::memory::Jump`]): the JIT's code for it then records its machine
    /// stack pointer in the frame's link words (see [`Func::link_base`]).
    pub jump_target: bool,
}

/// Words every frame reserves between its vectors and its call area, as Cintcode's frames
/// hold their links: so that every call, even of a function with no parameters or locals,
/// uses stack, and runaway recursion ends in a "stack overflow" at the same depth in both back
/// ends (long before the machine stack or the interpreter's own recursion runs out).
pub const LINK_WORDS: usize = 3;

/// What a jump target's second link word holds, xor its function's index: with the first,
/// how the JIT finds the activation a `longjump` resumes.
pub const JUMP_TAG: i64 = 0x10_4E67_0000_0000;

impl Func {
    /// The words of a frame, from its first slot to the end of its call area.
    pub fn frame_words(&self) -> usize {
        self.call_base() + self.call_words
    }

    /// Where, from the frame's start, the [`LINK_WORDS`] begin. A [`Func::jump_target`]
    /// compiled by the JIT keeps its machine stack pointer in the first while it runs (0
    /// once it returns), [`JUMP_TAG`] xor its index in the second, and its return address
    /// in the third, which must still be on the machine stack there for `longjump` to
    /// resume it.
    pub fn link_base(&self) -> usize {
        self.slots + self.vec_words
    }

    /// The name of the entry point a JIT back end gives label `id` of a
    /// [`Func::jump_target`], when the label is outside every VALOF: where `longjump`
    /// resumes.
    pub fn label_entry(id: usize) -> String {
        format!("label {id}")
    }

    /// Where, from the frame's start, the call area begins.
    pub fn call_base(&self) -> usize {
        self.slots + self.vec_words + LINK_WORDS
    }

    /// For each label, how many VALOFs of the body enclose it: a `Goto` from deeper leaves
    /// the VALOFs in between, and a code generator drops the temporaries they pushed.
    pub fn label_levels(&self) -> Vec<usize> {
        let mut levels = vec![0; self.labels];
        stmt_label_levels(&self.body, 0, &mut levels);
        levels
    }
}

fn stmt_label_levels(s: &Stmt, level: usize, out: &mut [usize]) {
    let exprs = |es: &[&Expr], out: &mut [usize]| {
        for e in es {
            expr_label_levels(e, level, out);
        }
    };
    match s {
        Stmt::Set(_, e)
        | Stmt::SetCell(_, e)
        | Stmt::Resultis(e)
        | Stmt::Return(Some(e))
        | Stmt::BadGoto(e, _)
        | Stmt::Call(e) => exprs(&[e], out),
        Stmt::Store(a, v, _) => exprs(&[a, v], out),
        Stmt::StoreByte(a, i, v, _) => exprs(&[a, i, v], out),
        Stmt::If {
            cond,
            then,
            otherwise,
            ..
        } => {
            exprs(&[cond], out);
            stmt_label_levels(then, level, out);
            if let Some(o) = otherwise {
                stmt_label_levels(o, level, out);
            }
        }
        Stmt::Loop { test, body } => {
            if let LoopTest::Before(e, _) | LoopTest::After(e, _) = test {
                exprs(&[e], out);
            }
            stmt_label_levels(body, level, out);
        }
        Stmt::For(f) => {
            exprs(&[&f.from, &f.to], out);
            stmt_label_levels(&f.body, level, out);
        }
        Stmt::Switch { value, body, .. } => {
            exprs(&[value], out);
            stmt_label_levels(body, level, out);
        }
        Stmt::Label(id) => out[*id] = level,
        Stmt::Block(b) => {
            for s in b {
                stmt_label_levels(s, level, out);
            }
        }
        Stmt::VecInit { .. }
        | Stmt::Goto(_)
        | Stmt::EndCase
        | Stmt::Return(None)
        | Stmt::Break
        | Stmt::Continue => {}
    }
}

fn expr_label_levels(e: &Expr, level: usize, out: &mut [usize]) {
    // `any` visits every expression outside VALOF bodies; each body is one level deeper.
    let out = std::cell::RefCell::new(out);
    e.any(&|x| {
        if let Expr::Valof(body, _) = x {
            stmt_label_levels(body, level + 1, &mut out.borrow_mut());
        }
        false
    });
}

/// What a call calls.
#[derive(Debug, Clone, PartialEq)]
pub enum Callee {
    /// A program function, by index: a direct call.
    Func(usize),
    /// A function value (the program's or the library's), computed.
    Value(Box<Expr>),
}

/// A checked expression; its value is one 64-bit word.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant: a number, TRUE (-1) or FALSE (0), a manifest, or the address of a string or table or a function value.
    Num(i64),
    /// The value in a slot of the current frame.
    Local(usize),
    /// The word at a fixed address (a global or a static).
    Cell(usize),
    /// The address of a local's slot (`@x`).
    LocalAddr(usize),
    /// A call. Argument `k` is evaluated and stored at word `at + k` of the call area; the
    /// callee's frame starts at `at`, so its parameters are those words. Nested calls inside
    /// argument `k` use the area from `at + k`, so nothing stored is overwritten.
    Call {
        /// What is called.
        callee: Callee,
        /// The arguments, in order.
        args: Vec<Expr>,
        /// The offset of the callee's frame from the caller's call area base (see [`Func::call_base`]).
        at: usize,
        /// The line of the call, where a call of a non-function is reported.
        line: u32,
    },
    /// A `VALOF`, and the line where ending without `RESULTIS` is reported; `None` where
    /// it ends quietly (see `sema::noresult`).
    Valof(Box<Stmt>, Option<u32>),
    /// `-e`, wrapping.
    Neg(Box<Expr>),
    /// `ABS e`, wrapping.
    Abs(Box<Expr>),
    /// `~e`: bitwise complement.
    Not(Box<Expr>),
    /// The word at a word address; `v!i` is `Load(v + i)`. The line is for error reports.
    Load(Box<Expr>, u32),
    /// `s%i`: byte `i` of the words from address `s` (bytes little-endian within a word).
    LoadByte(Box<Expr>, Box<Expr>, u32),
    /// Arithmetic and bitwise operators; the line locates a division by zero.
    Binary(BinOp, Box<Expr>, Box<Expr>, u32),
    /// `l = 0 -> 0, r` where `l` is a truth value (TRUE or FALSE): `&` in a condition
    /// (`sema`'s `condition`), `r` evaluated only when `l` is TRUE.
    AndThen(Box<Expr>, Box<Expr>),
    /// `l ~= 0 -> l, r` where `l` is a truth value: `|` in a condition.
    OrElse(Box<Expr>, Box<Expr>),
    /// `a op b` for a relational operator: TRUE or FALSE.
    Compare(RelOp, Box<Expr>, Box<Expr>),
    /// `c -> a, b`: `a` when `c` is nonzero, else `b`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Whether `self` is a constant or a variable's value or address: loaded into a register
    /// without touching others.
    pub fn is_leaf(&self) -> bool {
        matches!(
            self,
            Expr::Num(_) | Expr::Local(_) | Expr::Cell(_) | Expr::LocalAddr(_)
        )
    }

    /// Whether `pred` holds for `self` or for an expression inside it (not looking into the
    /// commands of a VALOF).
    pub fn any(&self, pred: &dyn Fn(&Expr) -> bool) -> bool {
        pred(self)
            || match self {
                Expr::Num(_)
                | Expr::Local(_)
                | Expr::Cell(_)
                | Expr::LocalAddr(_)
                | Expr::Valof(..) => false,
                Expr::Call { callee, args, .. } => {
                    matches!(callee, Callee::Value(c) if c.any(pred))
                        || args.iter().any(|a| a.any(pred))
                }
                Expr::Neg(x) | Expr::Abs(x) | Expr::Not(x) | Expr::Load(x, _) => x.any(pred),
                Expr::Binary(_, l, r, _)
                | Expr::Compare(_, l, r)
                | Expr::AndThen(l, r)
                | Expr::OrElse(l, r)
                | Expr::LoadByte(l, r, _) => l.any(pred) || r.any(pred),
                Expr::Cond(c, a, b) => c.any(pred) || a.any(pred) || b.any(pred),
            }
    }

    /// Whether evaluating `self` may change a variable: only a call (through `@`, a global
    /// or a static) or a `VALOF` can.
    pub fn has_effects(&self) -> bool {
        self.any(&|e| matches!(e, Expr::Valof(..) | Expr::Call { .. }))
    }

    /// Whether loading the leaf `self` after evaluating `other` gives the value it had
    /// before (see [`Expr::has_effects`]).
    pub fn loads_same_after(&self, other: &Expr) -> bool {
        matches!(self, Expr::Num(_) | Expr::LocalAddr(_)) || !other.has_effects()
    }

    /// Whether the value is always TRUE (-1) or FALSE (0).
    pub fn is_truth_value(&self) -> bool {
        match self {
            Expr::Num(n) => *n == 0 || *n == -1,
            Expr::Compare(..) => true,
            Expr::Not(e) => e.is_truth_value(),
            Expr::AndThen(_, r) | Expr::OrElse(_, r) => r.is_truth_value(),
            Expr::Binary(BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Eqv, l, r, _) => {
                l.is_truth_value() && r.is_truth_value()
            }
            Expr::Cond(_, a, b) => a.is_truth_value() && b.is_truth_value(),
            _ => false,
        }
    }
}

/// When a loop tests its condition.
#[derive(Debug, Clone, PartialEq)]
pub enum LoopTest {
    /// `WHILE e` (`run_when` true) or `UNTIL e`: before each pass.
    Before(Expr, bool),
    /// `REPEATWHILE e` (`run_when` true) or `REPEATUNTIL e`: after each pass.
    After(Expr, bool),
    /// `REPEAT`: until `BREAK`.
    Never,
}

/// `FOR var = from TO to BY step DO body`; `limit` is the hidden slot holding `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForLoop {
    /// The slot of the control variable.
    pub var: usize,
    /// The hidden slot that holds `to`, evaluated once before the first pass.
    pub limit: usize,
    /// The initial value.
    pub from: Expr,
    /// The limit: the loop runs while the variable is `<= to` (`>=` for a negative step).
    pub to: Expr,
    /// The step, a constant (1 when `BY` is missing).
    pub step: i64,
    /// The command run for each value.
    pub body: Stmt,
}

/// A checked command.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// Slot `n` of the current frame := value.
    Set(usize, Expr),
    /// The word at a fixed address := value.
    SetCell(usize, Expr),
    /// `Store(address, value, line)`: the word at `address` := `value`.
    Store(Expr, Expr, u32),
    /// `StoreByte(s, i, value, line)`: `s%i := value`.
    StoreByte(Expr, Expr, Expr, u32),
    /// Zero `words` words at `offset` of the vector area and put their address in `slot`.
    VecInit {
        /// The slot that receives the vector's address.
        slot: usize,
        /// The vector's offset, in words, from the start of the frame's vector area.
        offset: usize,
        /// The vector's size in words (`VEC n` is `n + 1`).
        words: usize,
    },
    /// Runs `then` when the condition's truth equals `run_when`, else `otherwise`.
    If {
        /// The condition.
        cond: Expr,
        /// Which truth of `cond` runs `then`: true for `IF` and `TEST`, false for `UNLESS`.
        run_when: bool,
        /// The command run when the condition's truth equals `run_when`.
        then: Box<Stmt>,
        /// The command run otherwise (`TEST`'s `ELSE`), if any.
        otherwise: Option<Box<Stmt>>,
    },
    /// A `WHILE`, `UNTIL` or `REPEAT...` loop.
    Loop {
        /// When the condition is tested, and which truth keeps looping.
        test: LoopTest,
        /// The command run on each pass.
        body: Box<Stmt>,
    },
    /// A `FOR` loop.
    For(Box<ForLoop>),
    /// Jumps to the label of the case equal to `value`, else to `default`, else past `body`.
    Switch {
        /// The value switched on.
        value: Expr,
        /// Each `CASE k:` as `(k, label number)`; the constants are distinct.
        cases: Vec<(i64, usize)>,
        /// The label number of `DEFAULT:`, if present.
        default: Option<usize>,
        /// The body holding the case labels.
        body: Box<Stmt>,
    },
    /// A place `Goto` and `Switch` jump to.
    Label(usize),
    /// Jumps to a label of the same function, by number: in the same VALOF, or in one
    /// around it (or outside all of them), leaving the VALOFs in between.
    Goto(usize),
    /// Leaves the innermost `Switch`.
    EndCase,
    /// Ends the innermost `VALOF` with this value.
    Resultis(Expr),
    /// Return from the function: with a value (a function's `= e`) or 0 (`RETURN`).
    Return(Option<Expr>),
    /// `BREAK`: leaves the innermost loop.
    Break,
    /// `LOOP`: goes on to the next pass of the innermost loop (a `FOR` steps first).
    Continue,
    /// The end of a computed `GOTO` whose value is no label it can reach: a run-time error
    /// ([`super::memory::Fault::BadGoto`]) with the value.
    BadGoto(Expr, u32),
    /// A call run for its effect; the result is dropped.
    Call(Expr),
    /// Commands run in order.
    Block(Vec<Stmt>),
}

impl Stmt {
    /// A function body that is one VALOF (`LET f() = VALOF ...`): the VALOF's body and the
    /// line where ending it without RESULTIS is reported.
    pub fn whole_valof(&self) -> Option<(&Stmt, Option<u32>)> {
        match self {
            Stmt::Return(Some(Expr::Valof(body, line))) => Some((body, *line)),
            _ => None,
        }
    }

    /// Whether label `id` is inside `self` (not counting VALOF bodies in expressions, which
    /// are their own GOTO scopes).
    pub fn has_label(&self, id: usize) -> bool {
        match self {
            Stmt::Label(l) => *l == id,
            Stmt::If {
                then, otherwise, ..
            } => then.has_label(id) || otherwise.as_ref().is_some_and(|o| o.has_label(id)),
            Stmt::Loop { body, .. } | Stmt::Switch { body, .. } => body.has_label(id),
            Stmt::For(f) => f.body.has_label(id),
            Stmt::Block(b) => b.iter().any(|s| s.has_label(id)),
            _ => false,
        }
    }
}
