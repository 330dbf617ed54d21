//! The syntax tree, as written: names are still strings.
//!
//! The parser builds it; [`super::sema`] checks it and lowers it to [`super::ir`], where names
//! are resolved to slots, global and static cells, constants and function numbers. Every node
//! that can be the subject of an error keeps its [`Pos`].

use super::diag::Pos;
use super::float::FltOp;

/// A whole source file: its declarations, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The top-level declarations (`LET`, `GLOBAL`, `STATIC`, `MANIFEST`), in source order.
    pub decls: Vec<Decl>,
    /// Where each section after the first starts in `decls`: a file may hold several
    /// sections, each ended by `.`, and each sees only its own declarations (they share
    /// globals, which each declares for itself).
    pub sections: Vec<usize>,
    /// How many of the first `decls` are library routines written in BCPL
    /// ([`super::prelude`]), which every section sees.
    pub prelude: usize,
    /// Whether the file uses floating point at all (a constant, an operator or an `FLT`
    /// tag); when it does not, [`super::sema`] skips deciding which operators are floating.
    pub floats: bool,
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
    /// The declared name.
    pub name: String,
    /// Where the name is written.
    pub pos: Pos,
    /// The constant after `:` or `=`, if any; `None` takes the default the list's kind gives.
    pub value: Option<Expr>,
    /// Whether the name carries the `FLT` tag (its value is floating point).
    pub flt: bool,
}

/// One item of a `LET ... AND ...` group.
#[derive(Debug, Clone, PartialEq)]
pub enum LetItem {
    /// `LET f(a, b) = e` or `LET r(a, b) BE c`: a function or routine definition.
    Func(Box<FnDef>),
    /// `a, b = x, y` (each name with its own right-hand side and whether it carries the
    /// `FLT` tag), at `pos`.
    Vars(Vec<(String, Init, bool)>, Pos),
}

/// `LET name(params) = expr` (a function) or `LET name(params) BE command` (a routine).
#[derive(Debug, Clone, PartialEq)]
pub struct FnDef {
    /// The function's or routine's name.
    pub name: String,
    /// Where the name is written.
    pub pos: Pos,
    /// The formal parameters, in order, each with where it is written and whether it
    /// carries the `FLT` tag.
    pub params: Vec<(String, Pos, bool)>,
    /// What the definition runs: an expression (function) or a command (routine).
    pub body: Body,
}

/// The body of a [`FnDef`]: what follows `=` or `BE`.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `= e`: a function, whose result is the value of `e`.
    Function(Expr),
    /// `BE c`: a routine, which runs `c` and returns 0.
    Routine(Stmt),
    /// `: patterns => e ...` or `: patterns BE c ...`: a function or routine defined by
    /// pattern matching over its arguments (its [`FnDef::params`] are hidden names, one per
    /// argument the patterns inspect).
    Patterns(MatchList),
}

/// The match items of a pattern-defined function, a `MATCH` or an `EVERY`, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchList {
    /// The items, each `: pattern => e` or `: pattern BE c`.
    pub items: Vec<MatchItem>,
}

/// One `: pattern => e` or `: pattern BE c` of a [`MatchList`].
#[derive(Debug, Clone, PartialEq)]
pub struct MatchItem {
    /// What the arguments must match; `None` (nothing between `:` and `=>`) matches anything.
    pub pattern: Option<Pattern>,
    /// Where the item's `:` is written.
    pub pos: Pos,
    /// What runs when the pattern matches.
    pub body: MatchBody,
}

/// What a [`MatchItem`] runs.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchBody {
    /// `=> e`: the item's value.
    Value(Expr),
    /// `BE c`: a command.
    Command(Stmt),
}

/// A pattern, as Cintcode's 2021 extension defines it (`cintcode/com/bcplsyn.b`, `rpat`).
/// It tests a location: an argument, or a word a pointer pattern reaches.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// `?`: anything.
    Any,
    /// A name: a manifest constant the location must equal, or else a pattern variable
    /// that names the location (with whether it carries the `FLT` tag).
    Name(String, Pos, bool),
    /// A constant the location must equal: a number, a character, `TRUE`, `FALSE`.
    Value(Expr),
    /// `op e`: the location must stand in relation `op` to `e` (floating point when `true`).
    Rel(RelOp, bool, Expr),
    /// `a .. b`: the location must be between the two, inclusive; compared as floating-point
    /// values when `true` (written `a #.. b`) or when either is one.
    Range(Expr, Expr, bool),
    /// `p, q`: `p` tests this location and `q` the next (the next argument, or the next word
    /// under a pointer pattern).
    Then(Box<Pattern>, Box<Pattern>),
    /// `p q`: both test this location.
    Both(Box<Pattern>, Box<Pattern>),
    /// `p | q`: either does.
    Either(Box<Pattern>, Box<Pattern>),
    /// `[p]`: the location holds a pointer, and `p` tests the words it points to.
    Point(Box<Pattern>),
    /// A jump (`NEXT`, `EXIT`, `BREAK`, `LOOP`, `ENDCASE`, `RETURN`), taken when the test
    /// reaches it: `1, NEXT` goes on to the next item when the first argument is 1.
    Jump(Box<Stmt>),
}

impl Pattern {
    /// How many arguments the pattern inspects: one plus the commas at its outer level.
    pub fn args(&self) -> usize {
        match self {
            Pattern::Then(p, q) => p.args().max(1 + q.args()),
            Pattern::Both(p, q) | Pattern::Either(p, q) => p.args().max(q.args()),
            _ => 1,
        }
    }
}

impl MatchList {
    /// How many arguments the items inspect, at most.
    pub fn args(&self) -> usize {
        self.items
            .iter()
            .filter_map(|i| i.pattern.as_ref().map(Pattern::args))
            .max()
            .unwrap_or(0)
    }
}

/// `MATCH (args) : items` or `EVERY (args) : items`.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// `EVERY`: every item whose pattern matches runs (as a value, their sum); `MATCH`: the
    /// first only.
    pub every: bool,
    /// The values the patterns test, evaluated once, in order.
    pub args: Vec<Expr>,
    /// The items.
    pub list: MatchList,
}

/// A command, with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// Where the command starts (its first token, or the `REPEAT...` keyword of a repeat).
    pub pos: Pos,
    /// Which command it is, and its parts.
    pub kind: StmtKind,
}

/// The right-hand side of one name in a `LET`.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    /// `= e`: the name starts with the value of `e`.
    Value(Expr),
    /// `VEC n`: n+1 words.
    Vec(Expr),
}

/// The parts of a `FOR` command.
#[derive(Debug, Clone, PartialEq)]
pub struct ForLoop {
    /// The control variable, a new local visible only in the body.
    pub var: String,
    /// The initial value (after `=`).
    pub from: Expr,
    /// The limit (after `TO`), evaluated once, before the first pass.
    pub to: Expr,
    /// The step (after `BY`), a constant expression; `None` means 1.
    pub by: Option<Expr>,
    /// The command run for each value (after `DO`).
    pub body: Box<Stmt>,
}

/// What a command is, with its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// A declaration at the head of a block, in scope for the rest of the block.
    Decl(Decl),
    /// `a, b := x, y`, assigned left to right.
    Assign(Vec<(Expr, Expr)>),
    /// `IF e DO c` (`negate` false) or `UNLESS e DO c` (`negate` true).
    If {
        /// The condition.
        cond: Expr,
        /// True for `UNLESS`: run `then` when the condition is false.
        negate: bool,
        /// The command run when the test passes.
        then: Box<Stmt>,
    },
    /// `TEST e THEN c1 ELSE c2` (`OR` may stand for `ELSE`).
    Test {
        /// The condition.
        cond: Expr,
        /// The command run when the condition is true.
        then: Box<Stmt>,
        /// The command run when the condition is false.
        otherwise: Box<Stmt>,
    },
    /// `WHILE e DO c` (`negate` false) or `UNTIL e DO c` (`negate` true).
    While {
        /// The condition, tested before each pass.
        cond: Expr,
        /// True for `UNTIL`: loop while the condition is false.
        negate: bool,
        /// The command run on each pass.
        body: Box<Stmt>,
    },
    /// `c REPEAT`, `c REPEATWHILE e`, `c REPEATUNTIL e`: the body runs first.
    Repeat {
        /// The command run on each pass (before any test).
        body: Box<Stmt>,
        /// The test after each pass: `(e, false)` for `REPEATWHILE e`, `(e, true)` for `REPEATUNTIL e`; `None` for a plain `REPEAT`, which loops until `BREAK`.
        cond: Option<(Expr, bool)>,
    },
    /// `FOR i = a TO b BY k DO c`.
    For(ForLoop),
    /// `SWITCHON e INTO c`: jumps to the `CASE` in `c` equal to `e`, else to `DEFAULT`.
    Switchon {
        /// The value switched on.
        value: Expr,
        /// The body holding the `CASE` and `DEFAULT` labels.
        body: Box<Stmt>,
    },
    /// `CASE k:` in front of the next command.
    Case(Expr),
    /// `DEFAULT:` in front of the next command.
    Default,
    /// `name:` in front of the next command.
    Label(String),
    /// `GOTO l`: only a label's name is accepted; a computed target is reported.
    Goto(Expr),
    /// `ENDCASE`: leaves the innermost `SWITCHON`.
    Endcase,
    /// `RESULTIS e`: ends the innermost `VALOF` with the value of `e`.
    Resultis(Expr),
    /// `RETURN`: returns from the current function or routine (with 0).
    Return,
    /// `BREAK`: leaves the innermost loop.
    Break,
    /// `LOOP`: goes on to the next pass of the innermost loop.
    Loop,
    /// `FINISH`: ends the program (as `stop(0)`).
    Finish,
    /// A call used as a command, `f(a, b)`; its result is dropped.
    Call(Expr),
    /// `$( c1; c2 $)` or `{ c1; c2 }`: commands run in order (declarations first).
    Block(Vec<Stmt>),
    /// `MATCH (args) : p BE c ...` or `EVERY ...` as a command.
    Match(Box<Match>),
    /// `NEXT`: in a match item's command, goes on to the next item.
    Next,
    /// `EXIT`: in a match item's command, leaves the match (a pattern-defined function
    /// returns 0).
    Exit,
}

/// The binary arithmetic, shift and bitwise operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`, truncating towards zero.
    Div,
    /// `a MOD b` (or `REM`): the remainder, with the sign of `a`.
    Mod,
    /// `a << b`: logical shift left.
    Shl,
    /// `a >> b`: logical shift right.
    Shr,
    /// `a & b`: bitwise and as a value; in a condition, the and of truth values
    /// ([`super::ir::Expr::AndThen`]).
    And,
    /// `a | b`: bitwise or as a value; in a condition, the or of truth values
    /// ([`super::ir::Expr::OrElse`]).
    Or,
    /// `XOR` / `NEQV`
    Xor,
    /// `a EQV b`: bitwise equivalence, the complement of `XOR`.
    Eqv,
}

/// The relational operators; each comparison yields TRUE (-1) or FALSE (0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    /// `a = b`
    Eq,
    /// `a ~= b`
    Ne,
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
}

impl RelOp {
    /// Whether `a op b` is true, comparing as signed words.
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

/// An expression, with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// Where the expression starts (for a binary operator, its left operand).
    pub pos: Pos,
    /// Which expression it is, and its operands.
    pub kind: ExprKind,
}

/// What an expression is, with its operands.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A number or character constant, already converted (`42`, `#x2A`, `'*n'`).
    Num(i64),
    /// A floating-point constant (`1.5`): the bits of the double.
    Fnum(i64),
    /// A floating-point operator (`a #+ b`, `FLOAT n`, `#- x`) and its operands.
    Flt(FltOp, Vec<Expr>),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// `?`: a value the program may not rely on.
    Query,
    /// `"text"`: a string constant, escapes decoded; its value is the address of the string.
    Str(Vec<u8>),
    /// A name: a variable, function, global, static, manifest constant or library routine.
    Name(String),
    /// `f(args)`: `f` is any expression.
    Call(Box<Expr>, Vec<Expr>),
    /// `VALOF c`: runs `c` until a `RESULTIS e` gives the value.
    Valof(Box<Stmt>),
    /// `TABLE k, ...`: a static vector of constants.
    Table(Vec<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `ABS e`
    Abs(Box<Expr>),
    /// `~e` or `NOT e`: bitwise complement.
    Not(Box<Expr>),
    /// `!p`
    Deref(Box<Expr>),
    /// `@x`
    Addr(Box<Expr>),
    /// `v!i`
    Index(Box<Expr>, Box<Expr>),
    /// `s%i`
    Byte(Box<Expr>, Box<Expr>),
    /// `f OF p` (or `f :: p`): the field that selector `f` (a constant, see
    /// [`ExprKind::Slct`]) picks from the words at `p`.
    Of(Box<Expr>, Box<Expr>),
    /// `SLCT offset`, `SLCT shift:offset` or `SLCT len:shift:offset`, the parts as written:
    /// a constant `len << 24 | shift << 16 | offset` naming the `len` bits (0: the rest of
    /// the word) from bit `shift` of word `offset`.
    Slct(Vec<Expr>),
    /// `a op b` for an arithmetic, shift or bitwise operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a op b` for a relational operator. A chain `a < b <= c` is parsed as
    /// `a < b & b <= c` (see the parser's `relations`).
    Compare(RelOp, Box<Expr>, Box<Expr>),
    /// `a -> b, c`: the conditional expression.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `MATCH (args) : p => e ...` (the first matching item's value, else 0) or `EVERY`
    /// (the sum of every matching item's value).
    Match(Box<Match>),
}
