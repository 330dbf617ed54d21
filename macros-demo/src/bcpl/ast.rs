//! The syntax tree, as written: names are still strings.
//!
//! The parser builds it; [`super::sema`] checks it and lowers it to [`super::ir`], where names
//! are resolved to slots, global and static cells, constants and function numbers. Every node
//! that can be the subject of an error keeps its [`Pos`].

use super::diag::Pos;

/// A whole source file: its declarations, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub decls: Vec<Decl>,
}

/// A declaration, at the top level or at the head of a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    /// `LET ... AND ...`: functions, routines and (in blocks) variables, defined together.
    Let(Vec<LetItem>),
    /// `GLOBAL { name : n ... }`; a name without `: n` takes the previous number plus one.
    Global(Vec<Entry>),
    /// `STATIC { name = k ... }`; a name without a value starts at 0.
    Static(Vec<Entry>),
    /// `MANIFEST { name = k ... }`; a name without a value is the previous plus one.
    Manifest(Vec<Entry>),
}

/// One `name` or `name : k` / `name = k` of a GLOBAL, STATIC or MANIFEST list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub pos: Pos,
    pub value: Option<Expr>,
}

/// One item of a `LET ... AND ...` group.
#[derive(Debug, Clone, PartialEq)]
pub enum LetItem {
    Func(Box<FnDef>),
    /// `a, b = x, y` (each name with its own right-hand side), at `pos`.
    Vars(Vec<(String, Init)>, Pos),
}

/// `LET name(params) = expr` (a function) or `LET name(params) BE command` (a routine).
#[derive(Debug, Clone, PartialEq)]
pub struct FnDef {
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

/// The parts of a `FOR` command.
#[derive(Debug, Clone, PartialEq)]
pub struct ForLoop {
    pub var: String,
    pub from: Expr,
    pub to: Expr,
    pub by: Option<Expr>,
    pub body: Box<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Decl(Decl),
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
    For(ForLoop),
    Switchon {
        value: Expr,
        body: Box<Stmt>,
    },
    /// `CASE k:` in front of the next command.
    Case(Expr),
    /// `DEFAULT:` in front of the next command.
    Default,
    /// `name:` in front of the next command.
    Label(String),
    Goto(Expr),
    Endcase,
    Resultis(Expr),
    Return,
    Break,
    Loop,
    Finish,
    Call(Expr),
    Block(Vec<Stmt>),
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
    /// `XOR` / `NEQV`
    Xor,
    Eqv,
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
pub struct Expr {
    pub pos: Pos,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Num(i64),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// `?`: a value the program may not rely on.
    Query,
    Str(Vec<u8>),
    Name(String),
    /// `f(args)`: `f` is any expression.
    Call(Box<Expr>, Vec<Expr>),
    Valof(Box<Stmt>),
    /// `TABLE k, ...`: a static vector of constants.
    Table(Vec<Expr>),
    Neg(Box<Expr>),
    Abs(Box<Expr>),
    Not(Box<Expr>),
    /// `!p`
    Deref(Box<Expr>),
    /// `@x`
    Addr(Box<Expr>),
    /// `v!i`
    Index(Box<Expr>, Box<Expr>),
    /// `s%i`
    Byte(Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c` means `a < b & b <= c`, each operand evaluated once.
    Compare(Box<Expr>, Vec<(RelOp, Expr)>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}
