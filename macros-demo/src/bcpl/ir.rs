//! The checked program that both back ends run: names resolved, every rule already enforced.
//!
//! [`super::sema`] produces it from the syntax tree. Locals are numbered slots of their
//! function's frame, functions are indices into the program's function table, vectors are
//! word ranges of the frame's vector area, and `VEC` sizes and `FOR` steps are constants. Both
//! the interpreter and the code generator take it as given that it is well formed: the rules
//! (scopes, arities, `BREAK` inside a loop, `RESULTIS` inside `VALOF`, ...) are checked once,
//! in `sema`, and the two back ends cannot disagree about them.
//!
//! Values are 64-bit words. An address is a *word* address, as in BCPL: `v!i` is the word at
//! address `v + i`, so `!(v + 1)` and `v!1` are the same word in both back ends.

pub use super::ast::{BinOp, RelOp};

/// A checked program.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub funcs: Vec<Func>,
    /// Index of `start` in `funcs`.
    pub start: usize,
    /// String constants, by [`Expr::Str`] index: the bytes, without the length.
    pub strings: Vec<Vec<u8>>,
}

/// One function or routine.
#[derive(Debug, Clone, PartialEq)]
pub struct Func {
    pub name: String,
    /// Parameters occupy slots `0..params`.
    pub params: usize,
    /// Slots for parameters, locals and hidden FOR limits.
    pub slots: usize,
    /// Words of the vector area (all `VEC`s of the function, each at its own offset).
    pub vec_words: usize,
    pub body: Stmt,
    pub line: u32,
}

/// What a call calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A program function, by index.
    Func(usize),
    Builtin(Builtin),
}

/// The runtime library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Writen,
    Writes,
    Wrch,
    Newline,
}

impl Builtin {
    pub fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "writen" => Builtin::Writen,
            "writes" => Builtin::Writes,
            "wrch" => Builtin::Wrch,
            "newline" => Builtin::Newline,
            _ => return None,
        })
    }

    pub fn arity(self) -> usize {
        match self {
            Builtin::Newline => 0,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(i64),
    Local(usize),
    /// The word address of string constant `i` (a length byte, then the bytes, packed).
    Str(usize),
    Call(Callee, Vec<Expr>),
    Valof(Box<Stmt>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    /// The word at a word address; `v!i` is `Load(v + i)`. The line is for error reports.
    Load(Box<Expr>, u32),
    /// Arithmetic and bitwise operators; the line locates a division by zero.
    Binary(BinOp, Box<Expr>, Box<Expr>, u32),
    /// `l & r` where `l` is a truth value (TRUE or FALSE): `l = 0 -> 0, r`. Same value as the
    /// bitwise `&`, without evaluating `r` when `l` already decides.
    AndThen(Box<Expr>, Box<Expr>),
    /// `l | r` where `l` is a truth value: `l ~= 0 -> l, r`.
    OrElse(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Vec<(RelOp, Expr)>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Whether the value is always TRUE (-1) or FALSE (0).
    pub fn is_truth_value(&self) -> bool {
        match self {
            Expr::Num(n) => *n == 0 || *n == -1,
            Expr::Compare(..) => true,
            Expr::Not(e) => e.is_truth_value(),
            Expr::AndThen(_, r) | Expr::OrElse(_, r) => r.is_truth_value(),
            Expr::Binary(BinOp::And | BinOp::Or, l, r, _) => {
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

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Set(usize, Expr),
    /// `Store(address, value, line)`: the word at `address` := `value`.
    Store(Expr, Expr, u32),
    /// Zero `words` words at `offset` of the vector area and put their address in `slot`.
    VecInit {
        slot: usize,
        offset: usize,
        words: usize,
    },
    /// Runs `then` when the condition's truth equals `run_when`, else `otherwise`.
    If {
        cond: Expr,
        run_when: bool,
        then: Box<Stmt>,
        otherwise: Option<Box<Stmt>>,
    },
    Loop {
        test: LoopTest,
        body: Box<Stmt>,
    },
    For {
        var: usize,
        limit: usize,
        from: Expr,
        to: Expr,
        step: i64,
        body: Box<Stmt>,
    },
    Resultis(Expr),
    /// Return from the function: with a value (a function's `= e`) or 0 (`RETURN`).
    Return(Option<Expr>),
    Break,
    Continue,
    Finish,
    Call(Expr),
    Block(Vec<Stmt>),
}
