//! The syntax tree, as written: names are still strings.
//!
//! The parser builds it; [`super::sema`] checks it and lowers it to [`super::ir`], where names
//! are resolved to slots and function numbers. Every node that can be the subject of an error
//! keeps its [`Pos`].

use super::diag::Pos;

/// A whole source file: its function and routine declarations.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub decls: Vec<Decl>,
}

/// `LET name(params) = expr` (a function) or `LET name(params) BE command` (a routine).
#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    pub name: String,
    pub pos: Pos,
    pub params: Vec<(String, Pos)>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Function(Expr),
    Routine(Stmt),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub pos: Pos,
    pub kind: StmtKind,
}

/// The right-hand side of one name in a `LET`.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    Value(Expr),
    /// `VEC n`: n+1 words.
    Vec(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Let(Vec<(String, Init)>),
    /// `a, b := x, y`, assigned left to right.
    Assign(Vec<(Expr, Expr)>),
    If {
        cond: Expr,
        negate: bool,
        then: Box<Stmt>,
    },
    Test {
        cond: Expr,
        then: Box<Stmt>,
        otherwise: Box<Stmt>,
    },
    While {
        cond: Expr,
        negate: bool,
        body: Box<Stmt>,
    },
    /// `c REPEAT`, `c REPEATWHILE e`, `c REPEATUNTIL e`: the body runs first.
    Repeat {
        body: Box<Stmt>,
        cond: Option<(Expr, bool)>,
    },
    For {
        var: String,
        from: Expr,
        to: Expr,
        by: Option<Expr>,
        body: Box<Stmt>,
    },
    Resultis(Expr),
    Return,
    Break,
    Loop,
    Finish,
    Call(Expr),
    Block(Vec<Stmt>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub pos: Pos,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Shl,
    Shr,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl RelOp {
    pub fn holds(self, a: i64, b: i64) -> bool {
        match self {
            RelOp::Eq => a == b,
            RelOp::Ne => a != b,
            RelOp::Lt => a < b,
            RelOp::Le => a <= b,
            RelOp::Gt => a > b,
            RelOp::Ge => a >= b,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Num(i64),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    Str(Vec<u8>),
    Name(String),
    Call(String, Vec<Expr>),
    Valof(Box<Stmt>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    /// `!p`
    Deref(Box<Expr>),
    /// `v!i`
    Index(Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c` means `a < b & b <= c`, each operand evaluated once.
    Compare(Box<Expr>, Vec<(RelOp, Expr)>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}
