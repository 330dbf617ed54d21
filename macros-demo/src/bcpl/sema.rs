//! Checking the syntax tree and lowering it to [`ir`].
//!
//! This is where every rule of the dialect is enforced, once, with a located error:
//! - names: the innermost declaration wins (locals, labels, then the file's functions,
//!   GLOBALs, STATICs and MANIFESTs, which are visible everywhere, whatever their order), then
//!   `libhdr` ([`library`]);
//! - a function may not use the locals of an enclosing function (BCPL's "dynamic free
//!   variables");
//! - `BREAK`/`LOOP` only inside a loop, `ENDCASE` and `CASE` only inside a SWITCHON,
//!   `RESULTIS` only inside `VALOF`, `GOTO` only to a label of the same function and VALOF;
//! - `VEC` sizes, `FOR ... BY` steps, `CASE` labels, MANIFEST, STATIC, GLOBAL and TABLE
//!   values are constant expressions (folded here);
//! - `start` (the function in global 1, whatever its name) or `clihook` (which runs instead
//!   when the program defines it) exists;
//! - a `VALOF` that ends without `RESULTIS` is a run-time error where its value is used
//!   (`sema::noresult`).
//!
//! It also assigns every local its own frame slot, every vector its own range of the
//! function's vector area, every call its place in the call area, and every global, static,
//! table and string its address in the memory image, so the back ends need no scope handling.
//!
//! Errors: each function is checked on its own, so one run reports the first error of every
//! function (up to [`MAX_ERRORS`]).

use std::collections::{HashMap, HashSet};

use super::ast::{self, BinOp, Body, Decl, ExprKind, FnDef, Init, LetItem, RelOp, StmtKind};
use super::diag::{split_line, Pos, SourceError};
use super::field::Field;
use super::float::{self, FltOp};
use super::ir::{self, Callee, Expr, LoopTest, Stmt};
use super::lexer::MAX_ERRORS;
use super::library;
use super::memory::{self, FN_BASE, GLOBALS};
use super::scb;
use super::unprovided;

mod noresult;
mod order;
mod patterns;

/// The largest vector (`VEC n` with n up to this, in words).
pub const MAX_VEC: i64 = 1 << 20;
/// The most parameters a function may have.
pub const MAX_PARAMS: usize = 255;

type R<T> = Result<T, SourceError>;

/// What a name means.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Binding {
    /// A slot of the frame of function `owner`.
    Local {
        slot: usize,
        owner: usize,
    },
    /// A global or static cell.
    Cell(usize),
    Manifest(i64),
    /// A program function (called directly); when it is also a global, its cell.
    Func(usize, Option<usize>),
    /// A pattern variable under `[...]`: the word that `depth` steps of `path` reach from
    /// slot `slot` of function `owner` (see [`patterns`]).
    Path {
        slot: usize,
        owner: usize,
        path: [u8; patterns::MAX_PATH],
        depth: usize,
    },
    /// Label number `id` of function `owner`.
    Label {
        id: usize,
        owner: usize,
    },
}

/// Checks `prog` and lowers it.
///
/// A call of a function by a name that is also a global is a direct call, unless the program
/// may give the global another value: assigns to it (under any name of that global number)
/// or takes its address. Those calls go through the global, as every call does in Cintcode,
/// so `f := g; f(x)` calls `g`. The address of any global may reach the others
/// (`(@g)!1 := h`), so taking one counts as writing them all. Which globals are written is
/// known only once the whole program is read, so a program that writes such a global is
/// lowered a second time.
pub fn check(prog: &ast::Program) -> Result<ir::Program, Vec<SourceError>> {
    let (lowered, rewritten) = lower(prog, HashSet::new());
    if rewritten.is_empty() || lowered.is_err() {
        lowered
    } else {
        lower(prog, rewritten).0
    }
}

/// [`check`] with the calls of the functions in the globals of `via_cell` made through the
/// global; also the globals that this lowering called directly and the program writes.
fn lower(
    prog: &ast::Program,
    via_cell: HashSet<usize>,
) -> (Result<ir::Program, Vec<SourceError>>, HashSet<usize>) {
    let mut s = Sema {
        funcs: Vec::new(),
        image: [vec![0; GLOBALS], scb::console_blocks()].concat(),
        scope: Vec::new(),
        errors: Vec::new(),
        fs: Vec::new(),
        todo: Vec::new(),
        hidden: 0..0,
        floats: prog.floats,
        flt_marks: Vec::new(),
        named: HashSet::new(),
        label_valued: HashSet::new(),
        written: HashSet::new(),
        addresses_a_global: false,
        called_directly: HashSet::new(),
        via_cell,
    };
    let r = s.run(prog);
    let rewritten = if s.addresses_a_global {
        s.called_directly.clone()
    } else {
        s.called_directly
            .intersection(&s.written)
            .copied()
            .collect()
    };
    (r, rewritten)
}

impl<'a> Sema<'a> {
    /// Lowers `prog`: its declarations, then its functions, section by section.
    fn run(&mut self, prog: &'a ast::Program) -> Result<ir::Program, Vec<SourceError>> {
        let s = self;
        s.image[0] = GLOBALS as i64;
        s.image[library::CIS] = library::INPUT;
        s.image[library::COS] = library::OUTPUT;
        s.image[library::RANDSEED] = library::INITIAL_SEED;
        let mut start = None;
        let mut clihook = None;
        // The prelude first, seen by every section; then each section, seeing its own names.
        let ends = [prog.prelude]
            .into_iter()
            .chain(prog.sections.iter().copied())
            .chain([prog.decls.len()]);
        let mut from = 0;
        for (k, end) in ends.enumerate() {
            let mark = s.scope.len();
            for d in &prog.decls[from..end] {
                if let Err(e) = s.declare(d, true) {
                    s.errors.push(e);
                }
            }
            let todo = std::mem::take(&mut s.todo);
            for (index, def, declared) in todo {
                s.hidden = declared..s.scope.len();
                if let Err(e) = s.function(index, def) {
                    s.errors.push(e);
                }
            }
            s.hidden = 0..0;
            // The run's `start` is the function in global 1, whatever its name's case or
            // spelling (`GLOBAL { begin: 1 }`), as Cintcode's CLI calls it through that global.
            if let Some(i) = s.scope.iter().rev().find_map(|(_, b)| match *b {
                Binding::Func(i, Some(library::START)) => Some(i),
                _ => None,
            }) {
                start = Some(i);
            }
            if let Some(Binding::Func(i, _)) = s.lookup("clihook") {
                clihook = Some(i);
            }
            if k > 0 && end < prog.decls.len() {
                s.scope.truncate(mark);
            }
            from = end;
        }
        // Library routines' values follow the program's functions (nested ones included) in the call table; a global
        // the program gave a function of its own keeps it.
        let funcs = s.funcs.len();
        for (k, (_, g)) in library::ROUTINES.iter().enumerate() {
            if s.image[*g] == 0 {
                s.image[*g] = library::value(funcs, k);
            }
        }
        library::unset_globals(&mut s.image[..GLOBALS]);
        // Cintcode's CLI runs a command by calling its `clihook`, which blib defines as
        // `start(a1)` (`sysb/blib.b`); a program may define its own.
        let entry = clihook.or(start);
        if entry.is_none() && s.errors.is_empty() {
            s.errors.push(SourceError::new(
                Pos { line: 1, col: 1 },
                "there is no `start` routine: execution begins at `LET start() BE ...`",
            ));
        }
        if !s.errors.is_empty() {
            // In the order of the text, taking the headers (which a program GETs at its top)
            // first: a header's error usually explains the main file's.
            s.errors.sort_by_key(|e| {
                let (file, line) = split_line(e.pos.line);
                (file == 0, file, line, e.pos.col)
            });
            s.errors.truncate(MAX_ERRORS);
            return Err(std::mem::take(&mut s.errors));
        }
        let mut funcs: Vec<ir::Func> = std::mem::take(&mut s.funcs)
            .into_iter()
            .map(|f| f.expect("every declared function is lowered"))
            .collect();
        let named = std::mem::take(&mut s.named);
        noresult::settle(&mut funcs, named, entry.unwrap_or(0), &mut s.image);
        for &i in &s.label_valued {
            funcs[i].jump_target = true;
        }
        Ok(ir::Program {
            funcs,
            start: entry.unwrap_or(0),
            image: std::mem::take(&mut s.image),
        })
    }
}

/// The floating-point version of an arithmetic operator, for the ones that have one.
fn float_binary(op: BinOp) -> Option<FltOp> {
    match op {
        BinOp::Add => Some(FltOp::Add),
        BinOp::Sub => Some(FltOp::Sub),
        BinOp::Mul => Some(FltOp::Mul),
        BinOp::Div => Some(FltOp::Div),
        BinOp::Mod => Some(FltOp::Mod),
        _ => None,
    }
}

/// The floating-point version of a relation.
fn float_relation(op: RelOp) -> FltOp {
    match op {
        RelOp::Eq => FltOp::Eq,
        RelOp::Ne => FltOp::Ne,
        RelOp::Lt => FltOp::Lt,
        RelOp::Le => FltOp::Le,
        RelOp::Gt => FltOp::Gt,
        RelOp::Ge => FltOp::Ge,
    }
}

struct Sema<'a> {
    funcs: Vec<Option<ir::Func>>,
    image: Vec<i64>,
    /// Visible names, innermost last.
    scope: Vec<(String, Binding)>,
    errors: Vec<SourceError>,
    /// The functions being lowered, innermost last.
    fs: Vec<FnState>,
    /// Top-level functions declared but not yet lowered, each with the length of `scope`
    /// just after its `LET` (see [`Sema::hidden`]).
    todo: Vec<(usize, &'a FnDef, usize)>,
    /// While a top-level function's body is lowered (after its whole section is declared):
    /// the indices in `scope` of the names the section declares after that function's `LET`.
    /// Its body means what a name meant where the `LET` was, as in Cintcode, where a name's
    /// scope begins at its declaration: the `radius` that `arith.b` calls is its own global,
    /// not the one `sdl.h` declares later. A hidden name is still found when nothing visible
    /// has it (a call of a function defined further down, which Cintcode refuses).
    hidden: std::ops::Range<usize>,
    /// Whether the program uses floating point (see [`ast::Program::floats`]).
    floats: bool,
    /// The indices in `scope` of the names declared with the `FLT` tag.
    flt_marks: Vec<usize>,
    /// The functions the program names as values (see [`noresult`]).
    named: HashSet<usize>,
    /// Functions whose labels are taken as values: `longjump` may resume them.
    label_valued: HashSet<usize>,
    /// The globals and statics the program assigns to by name or takes the address of.
    written: HashSet<usize>,
    /// Whether it takes the address of a global.
    addresses_a_global: bool,
    /// The globals holding functions that calls by name went to directly.
    called_directly: HashSet<usize>,
    /// The globals holding functions that calls by name go through ([`check`]).
    via_cell: HashSet<usize>,
}

/// A SWITCHON being lowered: its cases (value, label), its default, and the VALOF it is in.
type Switch = (Vec<(i64, usize)>, Option<usize>, usize);

/// The lowering state of one function.
#[derive(Default)]
struct FnState {
    index: usize,
    slots: usize,
    vec_words: usize,
    /// The first free word of the call area, and the most used.
    top: usize,
    call_words: usize,
    /// Loops enclosing the current command, VALOFs or not in between.
    loops: usize,
    /// SWITCHONs likewise: their cases and default, and the VALOF they are in.
    switches: Vec<Switch>,
    /// VALOFs enclosing the current command.
    valofs: usize,
    /// The VALOF (numbered from 1; 0 is the body) each command is in.
    context: usize,
    contexts: usize,
    /// The context around each VALOF: `enclosing[c - 1]` for VALOF `c`.
    enclosing: Vec<usize>,
    /// Per label: the context it is in, once lowered.
    labels: Vec<Option<usize>>,
    /// GOTOs: label, context, position.
    gotos: Vec<(usize, usize, Pos)>,
    /// Computed GOTOs: context, position.
    computed_gotos: Vec<(usize, Pos)>,
    /// Slots of a `LET` whose names are declared but whose values are not yet set.
    unset: Vec<usize>,
    /// Those of `unset` read (or taken the address of) by an initialiser so far.
    touched: Vec<usize>,
    /// The slots of the `LET` group being lowered, and whether its initialisers read one.
    group: Vec<usize>,
    group_read: bool,
    /// The match lists around the current command, innermost last.
    matches: Vec<patterns::MatchScope>,
    /// Slots whose address (`@x`) has been taken so far, in the text (see [`order`]).
    addressed: HashSet<usize>,
    /// Each label's number, by the position of its `name:`.
    label_ids: HashMap<(u32, u32), usize>,
    /// Per label name declared so far, the numbers of the blocks it labels a command in
    /// (more than one: see [`Self::block`]).
    label_homes: HashMap<String, Vec<usize>>,
    /// The block whose labels are being declared, and how many blocks have been numbered.
    label_block: usize,
    label_blocks: usize,
}

impl FnState {
    /// Whether context `outer` is `inner` or one around it: a GOTO in `inner` may reach a
    /// label of `outer`, leaving the VALOFs in between.
    fn encloses(&self, outer: usize, mut inner: usize) -> bool {
        while inner != outer {
            match inner.checked_sub(1).and_then(|i| self.enclosing.get(i)) {
                Some(&up) => inner = up,
                None => return false,
            }
        }
        true
    }
}

impl<'a> Sema<'a> {
    /// What `name` means: spelled exactly as declared, or else (as Cintcode's current
    /// compiler allows, `BYTESPERWORD` for `bytesperword`) with the case of its letters
    /// ignored.
    fn lookup(&self, name: &str) -> Option<Binding> {
        self.lookup_exact(name).or_else(|| {
            let folded = name.to_ascii_lowercase();
            if let Some(at) = self.in_scope(|n| n.eq_ignore_ascii_case(name)) {
                return Some(self.scope[at].1);
            }
            self.lookup_exact(&folded).or_else(|| {
                library::manifests()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|&(_, v)| Binding::Manifest(v))
            })
        })
    }

    /// The index in `scope` of the innermost name that `matches`, a name outside
    /// [`Sema::hidden`] first.
    fn in_scope(&self, matches: impl Fn(&str) -> bool) -> Option<usize> {
        let found = |i: &usize| matches(&self.scope[*i].0);
        (0..self.scope.len())
            .rev()
            .filter(|i| !self.hidden.contains(i))
            .find(found)
            .or_else(|| self.hidden.clone().rev().find(found))
    }

    fn lookup_exact(&self, name: &str) -> Option<Binding> {
        if let Some(at) = self.in_scope(|n| n == name) {
            return Some(self.scope[at].1);
        }
        if let Some(k) = library::lookup(name) {
            return Some(Binding::Cell(library::ROUTINES[k].1));
        }
        let spelled = library::libhdr_spelling(name);
        if let Some(&(_, g)) = unprovided::MISSING_ROUTINES
            .iter()
            .find(|(n, _)| *n == spelled)
        {
            return Some(Binding::Cell(g));
        }
        if let Some(&(_, g)) = library::CELLS.iter().find(|(n, _)| *n == name) {
            return Some(Binding::Cell(g));
        }
        library::manifests()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| Binding::Manifest(v))
    }

    fn bind(&mut self, name: &str, b: Binding) {
        let len = self.scope.len();
        self.flt_marks.retain(|&i| i < len);
        self.scope.push((name.to_string(), b));
    }

    /// Binds `name`, marked floating point when it carries the `FLT` tag.
    fn bind_tagged(&mut self, name: &str, b: Binding, flt: bool) {
        self.bind(name, b);
        if flt {
            self.flt_marks.push(self.scope.len() - 1);
        }
    }

    /// Whether the declaration `name` refers to carries the `FLT` tag.
    fn flt_name(&self, name: &str) -> bool {
        if self.flt_marks.is_empty() {
            return false;
        }
        let at = self
            .in_scope(|n| n == name)
            .or_else(|| self.in_scope(|n| n.eq_ignore_ascii_case(name)));
        at.is_some_and(|i| self.flt_marks.contains(&i))
    }

    /// Whether a MANIFEST or STATIC name is `FLT`: tagged so, or given a floating-point value.
    fn declared_flt(&self, e: &ast::Entry) -> bool {
        e.flt || e.value.as_ref().is_some_and(|x| self.is_flt(x))
    }

    /// Whether `e` is floating point, as Cintcode's FLT feature decides: a floating-point
    /// constant, operator or `FLT` name, or `+ - * / MOD ABS ->` over one.
    fn is_flt(&self, e: &ast::Expr) -> bool {
        if !self.floats {
            return false;
        }
        match &e.kind {
            ExprKind::Fnum(_) => true,
            ExprKind::Flt(op, _) => op.float_result(),
            ExprKind::Name(n) => self.flt_name(n),
            ExprKind::Neg(x) | ExprKind::Abs(x) => self.is_flt(x),
            ExprKind::Binary(op, a, b) if float_binary(*op).is_some() => {
                self.is_flt(a) || self.is_flt(b)
            }
            ExprKind::Cond(_, a, b) => self.is_flt(a) || self.is_flt(b),
            _ => false,
        }
    }

    fn f(&mut self) -> &mut FnState {
        self.fs.last_mut().expect("inside a function")
    }

    /// Declares `d`'s names (and, in a function, lowers what it initialises into `out`).
    fn declare(&mut self, d: &'a Decl, top: bool) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        match d {
            Decl::Manifest(entries) => {
                // Without a value, a name is 0 (0.0 with FLT) when first, else one more than
                // the previous, converted between integer and floating point as needed
                // (Cintcode's `bcpltrn.b`); a floating-point value makes the name FLT.
                let mut prev: Option<(i64, bool)> = None;
                for e in entries {
                    let flt = self.declared_flt(e);
                    let v = match (&e.value, prev) {
                        (Some(x), _) => self.constant_ff(x, flt)?,
                        (None, None) => 0,
                        (None, Some((p, was_flt))) => float::next_manifest(p, was_flt, flt),
                    };
                    prev = Some((v, flt));
                    self.bind_tagged(&e.name, Binding::Manifest(v), flt);
                }
            }
            Decl::Global(entries) => {
                let mut next = 0;
                for e in entries {
                    let n = match &e.value {
                        Some(x) => self.constant(x)?,
                        None => next,
                    };
                    next = n.wrapping_add(1);
                    let g = usize::try_from(n)
                        .ok()
                        .filter(|&g| g < GLOBALS)
                        .ok_or_else(|| {
                            SourceError::new(
                                e.pos,
                                format!("global number {n} is out of range: 0 to {}", GLOBALS - 1),
                            )
                        })?;
                    // A new name, as in Cintcode: a function the section defined earlier under
                    // this name is not stored in the global.
                    self.bind_tagged(&e.name, Binding::Cell(g), e.flt);
                }
            }
            Decl::Static(entries) => {
                for e in entries {
                    let flt = self.declared_flt(e);
                    let v = match &e.value {
                        Some(x) => self.constant_ff(x, flt)?,
                        None => 0,
                    };
                    let at = self.image.len();
                    self.image.push(v);
                    self.bind_tagged(&e.name, Binding::Cell(at), flt);
                }
            }
            Decl::Let(items) => {
                let mut defs = Vec::new();
                for item in items {
                    if let LetItem::Func(def) = item {
                        let index = self.funcs.len();
                        self.funcs.push(None);
                        // A name declared global (by the program or by `libhdr`, as `start`
                        // and `wrch` are) holds the function: the library then calls it
                        // through that global as `blib` does (see `library::THROUGH_WRCH`).
                        let global = match self.lookup_exact(&def.name) {
                            Some(Binding::Cell(g)) if top && g < GLOBALS => Some(g),
                            // Another definition of a function held in a global: the global
                            // holds the later one, as Cintcode's loader stores each in turn,
                            // and every use of the name in the section means it.
                            Some(Binding::Func(_, Some(g))) if top => Some(g),
                            None if top && def.name.eq_ignore_ascii_case("start") => {
                                Some(library::START)
                            }
                            _ => None,
                        };
                        if let Some(g) = global {
                            self.image[g] = FN_BASE + index as i64;
                            for (_, b) in &mut self.scope {
                                if matches!(*b, Binding::Func(_, Some(h)) if h == g) {
                                    *b = Binding::Func(index, Some(g));
                                }
                            }
                        }
                        self.bind(&def.name, Binding::Func(index, global));
                        defs.push((index, &**def));
                    }
                }
                let mut vars = Vec::new();
                for item in items {
                    if let LetItem::Vars(v, pos) = item {
                        if top {
                            return Err(SourceError::new(
                                *pos,
                                "not supported at the top level: LET of a variable (declare it STATIC or GLOBAL)",
                            ));
                        }
                        vars.push(v);
                    }
                }
                if top {
                    let declared = self.scope.len();
                    self.todo
                        .extend(defs.into_iter().map(|(index, def)| (index, def, declared)));
                } else {
                    for (index, def) in defs {
                        self.function(index, def)?;
                    }
                    // Every name first, then the values in order (see `let_vars`).
                    let all: Vec<&(String, Init, bool)> = vars.into_iter().flatten().collect();
                    self.let_vars(&all, &mut out)?;
                }
            }
        }
        Ok(out)
    }

    /// Lowers the function `def`, numbered `index`.
    fn function(&mut self, index: usize, def: &'a FnDef) -> R<()> {
        if def.params.len() > MAX_PARAMS {
            return Err(SourceError::new(
                def.pos,
                format!("`{}` has more than {MAX_PARAMS} parameters", def.name),
            ));
        }
        let mark = self.scope.len();
        self.fs.push(FnState {
            index,
            ..FnState::default()
        });
        let r = self.function_body(def);
        let st = self.fs.pop().expect("pushed above");
        self.scope.truncate(mark);
        let body = r?;
        for (label, context, pos) in &st.gotos {
            if !st.labels[*label].is_some_and(|c| st.encloses(c, *context)) {
                return Err(SourceError::new(
                    *pos,
                    "not supported: GOTO into a VALOF (out of one is allowed)",
                ));
            }
        }
        for (context, pos) in &st.computed_gotos {
            if st.labels.iter().any(|c| *c != Some(*context)) {
                return Err(SourceError::new(
                    *pos,
                    "not supported: a computed GOTO in a function with labels in another VALOF",
                ));
            }
        }
        self.funcs[index] = Some(ir::Func {
            name: def.name.clone(),
            params: def.params.len(),
            slots: st.slots,
            vec_words: st.vec_words,
            call_words: st.call_words,
            labels: st.labels.len(),
            body,
            line: def.pos.line,
            jump_target: false,
        });
        Ok(())
    }

    fn function_body(&mut self, def: &'a FnDef) -> R<Stmt> {
        let mut slots = Vec::with_capacity(def.params.len());
        for (k, (name, pos, flt)) in def.params.iter().enumerate() {
            if def.params[..k].iter().any(|(n, ..)| n == name) {
                return Err(SourceError::new(
                    *pos,
                    format!("parameter `{name}` is repeated"),
                ));
            }
            slots.push(self.declare_local(name, *flt));
        }
        match &def.body {
            Body::Patterns(list) => self.pattern_body(list, &slots),
            Body::Function(e) => {
                self.declare_labels_in_expr(e)?;
                Ok(Stmt::Return(Some(self.expr(e)?)))
            }
            Body::Routine(s) => {
                self.declare_labels(s)?;
                self.stmt(s)
            }
        }
    }

    fn declare_local(&mut self, name: &str, flt: bool) -> usize {
        let slot = self.new_slot();
        let owner = self.f().index;
        self.bind_tagged(name, Binding::Local { slot, owner }, flt);
        slot
    }

    /// Notes a read of `slot` (see [`Self::let_vars`]).
    fn read_local(&mut self, slot: usize) {
        let f = self.f();
        f.group_read |= f.group.contains(&slot);
        if f.unset.contains(&slot) && !f.touched.contains(&slot) {
            f.touched.push(slot);
        }
    }

    fn new_slot(&mut self) -> usize {
        let f = self.f();
        f.slots += 1;
        f.slots - 1
    }

    /// Labels are visible in the whole function body: declares every `name:` in `s` (not in
    /// nested functions).
    fn declare_labels(&mut self, s: &ast::Stmt) -> R<()> {
        match &s.kind {
            // A label's scope is its block, as in Cintcode: the same name may label commands
            // in different blocks, the innermost one visible (see [`Self::block`]).
            StmtKind::Label(name) => {
                let f = self.f();
                if f.label_ids.contains_key(&(s.pos.line, s.pos.col)) {
                    // The parser writes the inner operand of a chain twice (`relations`).
                    return Err(SourceError::new(
                        s.pos,
                        "not supported: a label in the inner operand of a chain of relations \
                         (`a < VALOF { l: ... } < b`), which is evaluated twice",
                    ));
                }
                let block = f.label_block;
                let homes = f.label_homes.entry(name.clone()).or_default();
                if homes.contains(&block) {
                    return Err(SourceError::new(
                        s.pos,
                        format!("label `{name}` is declared twice in one block"),
                    ));
                }
                homes.push(block);
                let first = homes.len() == 1;
                let owner = f.index;
                let id = self.new_label();
                self.f().label_ids.insert((s.pos.line, s.pos.col), id);
                // A label whose name is a global's sets the global, as a function's does
                // (Cintcode's `declstat`): other functions reach it there, for `longjump`.
                if let Some(Binding::Cell(g)) = self.lookup(name) {
                    if g < GLOBALS {
                        self.image[g] = memory::label_value(owner, id);
                        self.label_valued.insert(owner);
                    }
                }
                if first {
                    self.bind(name, Binding::Label { id, owner });
                }
            }
            StmtKind::If { then, .. } => self.declare_labels(then)?,
            StmtKind::Test {
                then, otherwise, ..
            } => {
                self.declare_labels(then)?;
                self.declare_labels(otherwise)?;
            }
            StmtKind::While { body, .. }
            | StmtKind::Repeat { body, .. }
            | StmtKind::Switchon { body, .. } => self.declare_labels(body)?,
            StmtKind::For(f) => self.declare_labels(&f.body)?,
            StmtKind::Block(b) => {
                let f = self.f();
                let outer = f.label_block;
                f.label_blocks += 1;
                f.label_block = f.label_blocks;
                let r = b.iter().try_for_each(|c| self.declare_labels(c));
                self.f().label_block = outer;
                r?;
            }
            StmtKind::Match(m) => self.declare_labels_in_match(m)?,
            _ => {}
        }
        self.declare_labels_in_stmt_exprs(s)
    }

    /// Labels inside VALOFs inside the expressions of `s`.
    fn declare_labels_in_stmt_exprs(&mut self, s: &ast::Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Assign(pairs) => {
                for (t, v) in pairs {
                    self.declare_labels_in_expr(t)?;
                    self.declare_labels_in_expr(v)?;
                }
            }
            StmtKind::If { cond, .. }
            | StmtKind::Test { cond, .. }
            | StmtKind::While { cond, .. } => self.declare_labels_in_expr(cond)?,
            StmtKind::Resultis(e)
            | StmtKind::Call(e)
            | StmtKind::Goto(e)
            | StmtKind::Repeat {
                cond: Some((e, _)), ..
            }
            | StmtKind::Switchon { value: e, .. } => self.declare_labels_in_expr(e)?,
            StmtKind::For(f) => {
                self.declare_labels_in_expr(&f.from)?;
                self.declare_labels_in_expr(&f.to)?;
            }
            StmtKind::Decl(Decl::Let(items)) => {
                for item in items {
                    if let LetItem::Vars(vars, _) = item {
                        for (_, Init::Value(e) | Init::Vec(e), _) in vars {
                            self.declare_labels_in_expr(e)?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn declare_labels_in_expr(&mut self, e: &ast::Expr) -> R<()> {
        match &e.kind {
            ExprKind::Valof(body) => self.declare_labels(body),
            ExprKind::Call(f, args) => {
                self.declare_labels_in_expr(f)?;
                args.iter().try_for_each(|a| self.declare_labels_in_expr(a))
            }
            ExprKind::Neg(x)
            | ExprKind::Abs(x)
            | ExprKind::Not(x)
            | ExprKind::Deref(x)
            | ExprKind::Addr(x) => self.declare_labels_in_expr(x),
            ExprKind::Index(a, b)
            | ExprKind::Byte(a, b)
            | ExprKind::Binary(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::Of(a, b) => {
                self.declare_labels_in_expr(a)?;
                self.declare_labels_in_expr(b)
            }
            ExprKind::Cond(a, b, c) => {
                self.declare_labels_in_expr(a)?;
                self.declare_labels_in_expr(b)?;
                self.declare_labels_in_expr(c)
            }
            ExprKind::Flt(_, xs) => xs.iter().try_for_each(|x| self.declare_labels_in_expr(x)),
            ExprKind::Match(m) => self.declare_labels_in_match(m),
            _ => Ok(()),
        }
    }

    /// Labels in a `MATCH`'s arguments and items.
    fn declare_labels_in_match(&mut self, m: &ast::Match) -> R<()> {
        for a in &m.args {
            self.declare_labels_in_expr(a)?;
        }
        for item in &m.list.items {
            match &item.body {
                ast::MatchBody::Value(e) => self.declare_labels_in_expr(e)?,
                ast::MatchBody::Command(c) => self.declare_labels(c)?,
            }
        }
        Ok(())
    }

    fn new_label(&mut self) -> usize {
        let f = self.f();
        f.labels.push(None);
        f.labels.len() - 1
    }

    /// Lowers one command: one method per construct.
    fn stmt(&mut self, s: &'a ast::Stmt) -> R<Stmt> {
        match &s.kind {
            StmtKind::Decl(d) => self.lone_decl(d),
            StmtKind::Assign(pairs) => self.assign(pairs),
            StmtKind::If { cond, negate, then } => self.if_stmt(cond, *negate, then, None),
            StmtKind::Test {
                cond,
                then,
                otherwise,
            } => self.if_stmt(cond, false, then, Some(otherwise)),
            StmtKind::While { cond, negate, body } => self.while_loop(cond, *negate, body),
            StmtKind::Repeat { body, cond } => self.repeat_loop(body, cond.as_ref()),
            StmtKind::For(f) => self.for_loop(f, s.pos),
            StmtKind::Switchon { value, body } => self.switchon(value, body),
            StmtKind::Case(k) => self.case(Some(k), s.pos),
            StmtKind::Default => self.case(None, s.pos),
            StmtKind::Label(name) => self.label(name, s.pos),
            StmtKind::Goto(target) => self.goto(target),
            StmtKind::Endcase => self.endcase(s.pos),
            StmtKind::Resultis(e) => self.resultis(e, s.pos),
            StmtKind::Return => Ok(Stmt::Return(None)),
            StmtKind::Break => self.loop_exit(Stmt::Break, "BREAK", s.pos),
            StmtKind::Loop => self.loop_exit(Stmt::Continue, "LOOP", s.pos),
            // Cintcode compiles FINISH as `stop(0, 0)` (`s_finish` in `bcplcgcin.b`).
            StmtKind::Finish => {
                let (at, line) = (self.f().top, s.pos.line);
                let stop = Callee::Value(Box::new(Expr::Cell(library::STOP)));
                let args = vec![Expr::Num(0), Expr::Num(0)];
                Ok(Stmt::Call(self.finish_call(stop, args, at, line)))
            }
            StmtKind::Call(e) => Ok(Stmt::Call(match &e.kind {
                // A call as a command: its result is dropped.
                ExprKind::Call(f, args) => self.call(f, args, e.pos.line)?,
                _ => self.expr(e)?,
            })),
            StmtKind::Block(body) => self.block(body),
            StmtKind::Match(m) => self.match_command(m),
            StmtKind::Next => self.match_jump(true, s.pos),
            StmtKind::Exit => self.match_jump(false, s.pos),
        }
    }

    /// A declaration outside a block (an IF's arm, say): its scope is the declaration itself.
    fn lone_decl(&mut self, d: &'a Decl) -> R<Stmt> {
        let mark = self.scope.len();
        let out = self.declare(d, false);
        self.scope.truncate(mark);
        Ok(Stmt::Block(out?))
    }

    /// `IF`/`UNLESS` (no `otherwise`) and `TEST`.
    fn if_stmt(
        &mut self,
        cond: &'a ast::Expr,
        negate: bool,
        then: &'a ast::Stmt,
        otherwise: Option<&'a ast::Stmt>,
    ) -> R<Stmt> {
        let cond = self.condition(cond)?;
        let then = Box::new(self.scoped(then)?);
        let otherwise = match otherwise {
            Some(o) => Some(Box::new(self.scoped(o)?)),
            None => None,
        };
        Ok(Stmt::If {
            cond,
            run_when: !negate,
            then,
            otherwise,
        })
    }

    fn while_loop(&mut self, cond: &'a ast::Expr, negate: bool, body: &'a ast::Stmt) -> R<Stmt> {
        let cond = self.condition(cond)?;
        Ok(Stmt::Loop {
            test: LoopTest::Before(cond, !negate),
            body: Box::new(self.loop_body(body)?),
        })
    }

    fn repeat_loop(&mut self, body: &'a ast::Stmt, cond: Option<&'a (ast::Expr, bool)>) -> R<Stmt> {
        let body = Box::new(self.loop_body(body)?);
        let test = match cond {
            None => LoopTest::Never,
            Some((e, until)) => LoopTest::After(self.condition(e)?, !until),
        };
        Ok(Stmt::Loop { test, body })
    }

    fn label(&mut self, name: &str, pos: Pos) -> R<Stmt> {
        match self.f().label_ids.get(&(pos.line, pos.col)).copied() {
            Some(id) => {
                let context = self.f().context;
                self.f().labels[id] = Some(context);
                Ok(Stmt::Label(id))
            }
            _ => Err(SourceError::new(
                pos,
                format!("label `{name}` is not declared"),
            )),
        }
    }

    /// `ENDCASE`, which ends the innermost SWITCHON around it, from inside a VALOF in it too.
    fn endcase(&mut self, pos: Pos) -> R<Stmt> {
        match self.f().switches.last() {
            Some(_) => Ok(Stmt::EndCase),
            None => Err(SourceError::new(pos, "ENDCASE outside a SWITCHON")),
        }
    }

    fn resultis(&mut self, e: &'a ast::Expr, pos: Pos) -> R<Stmt> {
        if self.f().valofs == 0 {
            return Err(SourceError::new(pos, "RESULTIS outside a VALOF"));
        }
        Ok(Stmt::Resultis(self.expr(e)?))
    }

    /// `BREAK` or `LOOP`, which must be inside a loop: the innermost one around it, also
    /// from inside a VALOF in its body (Cintcode's translator allows that too).
    fn loop_exit(&mut self, lowered: Stmt, what: &str, pos: Pos) -> R<Stmt> {
        let f = self.f();
        if f.loops == 0 {
            return Err(SourceError::new(pos, format!("{what} outside a loop")));
        }
        Ok(lowered)
    }

    /// `{ ... }`: declarations in it last to its end.
    fn block(&mut self, body: &'a [ast::Stmt]) -> R<Stmt> {
        let mark = self.scope.len();
        if self.f().label_homes.values().any(|b| b.len() > 1) {
            self.bind_own_labels(body);
        }
        let mut out = Vec::with_capacity(body.len());
        for c in body {
            match &c.kind {
                StmtKind::Decl(d) => match self.declare(d, false) {
                    Ok(stmts) => out.extend(stmts),
                    Err(e) => {
                        self.scope.truncate(mark);
                        return Err(e);
                    }
                },
                _ => match self.stmt(c) {
                    Ok(stmt) => out.push(stmt),
                    Err(e) => {
                        self.scope.truncate(mark);
                        return Err(e);
                    }
                },
            }
        }
        self.scope.truncate(mark);
        Ok(Stmt::Block(out))
    }

    /// Makes the labels of `body`'s own block (not of blocks inside it) that name more than
    /// one command the visible ones, until the block ends.
    fn bind_own_labels(&mut self, body: &[ast::Stmt]) {
        let mut todo: Vec<&ast::Stmt> = body.iter().rev().collect();
        while let Some(s) = todo.pop() {
            match &s.kind {
                StmtKind::Label(name)
                    if self.f().label_homes.get(name).is_some_and(|b| b.len() > 1) =>
                {
                    let f = self.f();
                    let (owner, id) = (f.index, f.label_ids.get(&(s.pos.line, s.pos.col)));
                    if let Some(&id) = id {
                        self.bind(name, Binding::Label { id, owner });
                    }
                }
                StmtKind::If { then, .. } => todo.push(then),
                StmtKind::Test {
                    then, otherwise, ..
                } => todo.extend([&**otherwise, &**then]),
                StmtKind::While { body, .. } | StmtKind::Repeat { body, .. } => todo.push(body),
                StmtKind::For(f) => todo.push(&f.body),
                _ => {}
            }
        }
    }

    fn assign(&mut self, pairs: &'a [(ast::Expr, ast::Expr)]) -> R<Stmt> {
        let mut out = Vec::with_capacity(pairs.len());
        for (target, value) in pairs {
            let line = target.pos.line;
            let value = self.expr_ff(value, self.is_flt(target))?;
            out.push(match &target.kind {
                ExprKind::Name(n) => match self.lookup(n) {
                    Some(Binding::Local { slot, owner }) if owner == self.f().index => {
                        Stmt::Set(slot, value)
                    }
                    Some(Binding::Path {
                        slot,
                        owner,
                        path,
                        depth,
                    }) if owner == self.f().index => Stmt::Store(
                        patterns::path_address(slot, &path[..depth], line),
                        value,
                        line,
                    ),
                    Some(Binding::Cell(a) | Binding::Func(_, Some(a))) => {
                        self.written.insert(a);
                        Stmt::SetCell(a, value)
                    }
                    _ => return Err(self.not_a_variable(n, target.pos)),
                },
                ExprKind::Deref(p) => {
                    let addr = self.expr(p)?;
                    self.store(addr, value, line)
                }
                ExprKind::Index(v, i) => {
                    let (v, i) = (self.expr(v)?, self.expr(i)?);
                    let addr = self.subscript(v, i, false, line);
                    self.store(addr, value, line)
                }
                ExprKind::Byte(v, i) => {
                    let (v, i) = (self.expr(v)?, self.expr(i)?);
                    let mut ops = [value, v, i];
                    let first = self.late_reads(&mut ops);
                    let [value, v, i] = ops;
                    Self::before(first, Stmt::StoreByte(v, i, value, line))
                }
                ExprKind::Of(f, p) => self.store_field(f, p, value, line)?,
                _ => return Err(SourceError::new(target.pos, "cannot assign to this")),
            });
        }
        Ok(if out.len() == 1 {
            out.pop().unwrap_or(Stmt::Block(Vec::new()))
        } else {
            Stmt::Block(out)
        })
    }

    fn for_loop(&mut self, f: &'a ast::ForLoop, pos: Pos) -> R<Stmt> {
        let (from, to) = (self.expr(&f.from)?, self.expr(&f.to)?);
        // The initial value, if a variable, is read after the limit is evaluated.
        let mut ops = [from, to];
        let first = self.late_reads(&mut ops);
        let [from, to] = ops;
        let step = match &f.by {
            None => 1,
            Some(e) => self.constant(e)?,
        };
        if step == 0 {
            let pos = f.by.as_ref().map_or(pos, |e| e.pos);
            return Err(SourceError::new(pos, "a FOR step of 0 would never finish"));
        }
        let limit = self.new_slot();
        let mark = self.scope.len();
        let var = self.declare_local(&f.var, false);
        let body = self.loop_body(&f.body);
        self.scope.truncate(mark);
        let for_loop = Stmt::For(Box::new(ir::ForLoop {
            var,
            limit,
            from,
            to,
            step,
            body: body?,
        }));
        Ok(Self::before(first, for_loop))
    }

    fn switchon(&mut self, value: &'a ast::Expr, body: &'a ast::Stmt) -> R<Stmt> {
        let value = self.expr(value)?;
        let context = self.f().context;
        self.f().switches.push((Vec::new(), None, context));
        let body = self.scoped(body);
        let (cases, default, _) = self.f().switches.pop().expect("pushed above");
        Ok(Stmt::Switch {
            value,
            cases,
            default,
            body: Box::new(body?),
        })
    }

    /// `CASE k:` (`value` Some) or `DEFAULT:`.
    fn case(&mut self, value: Option<&'a ast::Expr>, pos: Pos) -> R<Stmt> {
        let k = value.map(|e| self.constant(e)).transpose()?;
        let what = if k.is_some() { "CASE" } else { "DEFAULT" };
        let context = self.f().context;
        if self.f().switches.last().is_none_or(|sw| sw.2 != context) {
            return Err(SourceError::new(pos, format!("{what} outside a SWITCHON")));
        }
        let id = self.new_label();
        self.f().labels[id] = Some(context);
        let sw = self.f().switches.last_mut().expect("checked above");
        match k {
            Some(k) if sw.0.iter().any(|c| c.0 == k) => {
                return Err(SourceError::new(
                    pos,
                    format!("CASE {k} appears twice in this SWITCHON"),
                ))
            }
            Some(k) => sw.0.push((k, id)),
            None if sw.1.is_some() => {
                return Err(SourceError::new(
                    pos,
                    "DEFAULT appears twice in this SWITCHON",
                ))
            }
            None => sw.1 = Some(id),
        }
        Ok(Stmt::Label(id))
    }

    fn goto(&mut self, target: &'a ast::Expr) -> R<Stmt> {
        let owner = self.f().index;
        let label = match &target.kind {
            ExprKind::Name(name) => match self.lookup(name) {
                Some(Binding::Label { .. }) => Some(name),
                _ => None,
            },
            _ => None,
        };
        let Some(name) = label else {
            return self.computed_goto(target);
        };
        match self.lookup(name) {
            Some(Binding::Label { id, owner: o }) if o == owner => {
                let context = self.f().context;
                self.f().gotos.push((id, context, target.pos));
                Ok(Stmt::Goto(id))
            }
            Some(Binding::Label { .. }) => Err(SourceError::new(
                target.pos,
                format!("label `{name}` belongs to another function"),
            )),
            _ => Err(SourceError::new(
                target.pos,
                format!("`{name}` is not a label"),
            )),
        }
    }

    /// `GOTO e` for a value `e` (a label's value kept in a variable): compared with the
    /// value of each label of the function, the first equal one jumped to, none a run-time
    /// error. Every label of the function must then be in the same VALOF as the GOTO
    /// (checked when the function is done).
    fn computed_goto(&mut self, target: &'a ast::Expr) -> R<Stmt> {
        let line = target.pos.line;
        let value = self.expr(target)?;
        let slot = self.new_slot();
        let owner = self.f().index;
        let context = self.f().context;
        self.f().computed_gotos.push((context, target.pos));
        let mut out = vec![Stmt::Set(slot, value)];
        for id in 0..self.f().labels.len() {
            out.push(Stmt::If {
                cond: Expr::Compare(
                    RelOp::Eq,
                    Box::new(Expr::Local(slot)),
                    Box::new(Expr::Num(memory::label_value(owner, id))),
                ),
                run_when: true,
                then: Box::new(Stmt::Goto(id)),
                otherwise: None,
            });
        }
        out.push(Stmt::BadGoto(Expr::Local(slot), line));
        Ok(Stmt::Block(out))
    }

    /// A command whose declarations end with it (the arm of an IF, say).
    fn scoped(&mut self, s: &'a ast::Stmt) -> R<Stmt> {
        let mark = self.scope.len();
        let r = self.stmt(s);
        self.scope.truncate(mark);
        r
    }

    fn loop_body(&mut self, s: &'a ast::Stmt) -> R<Stmt> {
        self.f().loops += 1;
        let r = self.scoped(s);
        self.f().loops -= 1;
        r
    }

    /// Lowers `LET a, b = x, y AND ...` (not functions), leaving the names in scope for the
    /// rest of the enclosing block. Every name is declared first, then the right-hand sides
    /// are evaluated and stored in order, so an initialiser sees the names set before it
    /// (`LET p, k, v = 0, 0, k` gives v = 0). Cintcode's translator stores them all at the
    /// end, so there such a read sees whatever its stack cell held (undefined). A name read
    /// before its value is set reads 0, the value of `?` here, in both back ends. A variable
    /// that is a whole right-hand side may be read after the ones to its right
    /// ([`Self::group_reads`]).
    fn let_vars(&mut self, items: &[&'a (String, Init, bool)], out: &mut Vec<Stmt>) -> R<()> {
        let slots: Vec<usize> = items
            .iter()
            .map(|(name, _, flt)| self.declare_local(name, *flt))
            .collect();
        let f = self.f();
        let mark = f.unset.len();
        f.unset.extend(&slots);
        let outer = (std::mem::replace(&mut f.group, slots.clone()), f.group_read);
        f.group_read = false;
        let r = self.let_values(items, &slots, out);
        let f = self.f();
        (f.group, f.group_read) = outer;
        f.unset.truncate(mark);
        f.touched.retain(|t| !slots.contains(t));
        r
    }

    fn let_values(
        &mut self,
        items: &[&'a (String, Init, bool)],
        slots: &[usize],
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        let mut sets = Vec::with_capacity(items.len());
        let mut zeroed = false;
        for (k, ((_, init, flt), &slot)) in items.iter().copied().zip(slots).enumerate() {
            let set = match init {
                Init::Value(e) => Stmt::Set(slot, self.expr_ff(e, *flt)?),
                Init::Vec(e) => {
                    let n = self.constant(e)?;
                    if !(0..=MAX_VEC).contains(&n) {
                        return Err(SourceError::new(
                            e.pos,
                            format!("VEC size {n} is out of range: 0 to {MAX_VEC}"),
                        ));
                    }
                    let words = n as usize + 1;
                    let f = self.f();
                    let offset = f.vec_words;
                    f.vec_words += words;
                    Stmt::VecInit {
                        slot,
                        offset,
                        words,
                    }
                }
            };
            let f = self.f();
            for &early in &slots[k..] {
                if let Some(at) = f.touched.iter().position(|&t| t == early) {
                    f.touched.swap_remove(at);
                    zeroed = true;
                    sets.push(Stmt::Set(early, Expr::Num(0)));
                }
            }
            f.unset.retain(|&u| u != slot);
            sets.push(set);
        }
        if !zeroed && !self.f().group_read {
            out.extend(self.group_reads(&mut sets));
        }
        out.extend(sets);
        Ok(())
    }

    /// The commands that evaluate first what the initialisers of a `LET` group, `sets`,
    /// compute before they read a name, as Cintcode stores a group's values together at its
    /// end (`s_store` after `transdef`) and so reads a name in it late (see [`order`]).
    /// Not called where an initialiser reads a name of the group itself, whose value
    /// Cintcode leaves to chance.
    fn group_reads(&mut self, sets: &mut [Stmt]) -> Vec<Stmt> {
        let mut values: Vec<&mut Expr> = sets
            .iter_mut()
            .filter_map(|s| match s {
                Stmt::Set(_, e) => Some(e),
                _ => None,
            })
            .collect();
        if values.len() < 2 {
            return Vec::new();
        }
        let mut ops: Vec<Expr> = values
            .iter_mut()
            .map(|e| std::mem::replace(*e, Expr::Num(0)))
            .collect();
        let first = self.late_reads(&mut ops);
        for (e, op) in values.into_iter().zip(ops) {
            *e = op;
        }
        first
    }

    /// Why `name` does not name a variable; a name of `libhdr` that is not provided is
    /// named as such in any case of its letters, as [`Sema::lookup`] finds names.
    fn not_a_variable(&self, name: &str, pos: Pos) -> SourceError {
        let libhdr_name = library::libhdr_spelling(name);
        let msg = match self.lookup(name) {
            Some(Binding::Func(..)) => format!("`{name}` is a function, not a variable"),
            Some(Binding::Manifest(_)) => format!("`{name}` is a MANIFEST constant, not a variable"),
            Some(Binding::Label { .. }) => format!("`{name}` is a label, not a variable"),
            Some(Binding::Local { .. }) => format!(
                "`{name}` is a local of an enclosing function: BCPL functions cannot use those (declare it STATIC or GLOBAL)"
            ),
            _ if unprovided::index_of(&libhdr_name).is_some() => unprovided::message(name),
            _ => format!("unknown name `{name}`"),
        };
        SourceError::new(pos, msg)
    }

    fn boxed(&mut self, e: &'a ast::Expr) -> R<Box<Expr>> {
        Ok(Box::new(self.expr(e)?))
    }

    /// A string constant's address in the image.
    fn string(&mut self, s: &[u8]) -> i64 {
        let at = self.image.len();
        self.image
            .extend(super::runtime::pack_string(s).into_iter().map(|w| w as i64));
        at as i64
    }

    fn expr(&mut self, e: &'a ast::Expr) -> R<Expr> {
        self.expr_ff(e, false)
    }

    /// Lowers `e`; in a floating-point context (`ff`, or when `e` is floating point itself)
    /// integer constants become floating point and `+ - * / MOD ABS ->` and the relations
    /// their floating-point versions, down through the operands, as Cintcode's FLT feature
    /// does.
    fn expr_ff(&mut self, e: &'a ast::Expr, ff: bool) -> R<Expr> {
        let line = e.pos.line;
        if matches!(e.kind, ExprKind::Cond(..)) && self.is_constant(e) {
            // Cintcode's `load` folds a constant `c -> a, b` with `evalconst`, which
            // tests `c` as a value: `(NOT 5) -> 1, 2` is 1, though `(NOT x) -> 1, 2` with x = 5,
            // tested by `jumpcond`, is 2.
            return Ok(Expr::Num(self.constant_ff(e, ff)?));
        }
        if ff || self.is_flt(e) {
            if let Some(x) = self.float_expr(e)? {
                return Ok(x);
            }
        }
        Ok(match &e.kind {
            ExprKind::Num(n) => Expr::Num(*n),
            ExprKind::Fnum(x) => Expr::Num(*x),
            ExprKind::Flt(op, args) => {
                let args: Vec<&ast::Expr> = args.iter().collect();
                self.flt_call(*op, &args, line)?
            }
            ExprKind::Bool(b) => Expr::Num(if *b { -1 } else { 0 }),
            ExprKind::Query => Expr::Num(0),
            ExprKind::Str(s) => Expr::Num(self.string(s)),
            ExprKind::Table(items) => Expr::Num(self.table(items)?),
            ExprKind::Name(n) => match self.lookup(n) {
                Some(Binding::Local { slot, owner }) if owner == self.f().index => {
                    self.read_local(slot);
                    Expr::Local(slot)
                }
                Some(Binding::Path {
                    slot,
                    owner,
                    path,
                    depth,
                }) if owner == self.f().index => patterns::path_value(slot, &path[..depth], line),
                Some(Binding::Func(i, global)) => {
                    self.named.insert(i);
                    match global {
                        Some(a) => Expr::Cell(a),
                        None => Expr::Num(FN_BASE + i as i64),
                    }
                }
                Some(Binding::Cell(a)) => Expr::Cell(a),
                Some(Binding::Manifest(v)) => Expr::Num(v),
                Some(Binding::Label { id, owner }) => {
                    self.label_valued.insert(owner);
                    Expr::Num(memory::label_value(owner, id))
                }
                None => match unprovided::index_of(&library::libhdr_spelling(n)) {
                    // A run-time error where it is evaluated (see `unprovided::VALUE_TAG`).
                    Some(k) => {
                        let tag = Expr::Num(unprovided::VALUE_TAG + k as i64);
                        let at = self.f().top;
                        self.finish_call(Callee::Value(Box::new(tag)), Vec::new(), at, line)
                    }
                    None => return Err(self.not_a_variable(n, e.pos)),
                },
                _ => return Err(self.not_a_variable(n, e.pos)),
            },
            ExprKind::Call(f, args) => self.call(f, args, line)?,
            ExprKind::Valof(body) => {
                let body = self.in_valof(|s| s.scoped(body))?;
                Expr::Valof(Box::new(body), Some(line))
            }
            ExprKind::Match(m) => self.match_value(m, line)?,
            ExprKind::Neg(x) => Expr::Neg(self.boxed(x)?),
            ExprKind::Abs(x) => Expr::Abs(self.boxed(x)?),
            ExprKind::Not(x) => Expr::Not(self.boxed(x)?),
            ExprKind::Deref(p) => Expr::Load(self.boxed(p)?, line),
            ExprKind::Addr(x) => self.address(x)?,
            ExprKind::Index(v, i) => {
                let (v, i) = (self.expr(v)?, self.expr(i)?);
                self.subscript(v, i, true, line)
            }
            ExprKind::Byte(v, i) => Expr::LoadByte(self.boxed(v)?, self.boxed(i)?, line),
            ExprKind::Slct(_) => Expr::Num(self.constant(e)?),
            ExprKind::Of(f, p) => {
                let field = self.field(f)?;
                let word = Expr::Load(Box::new(self.field_address(p, field.offset)?), line);
                field.extract(word, line)
            }
            // As a value, `&` and `|` are bitwise and evaluate both operands; where a
            // condition is tested they are the truth-value operators of [`Self::condition`].
            ExprKind::Binary(op, l, r) => {
                let (l, r) = (self.expr(l)?, self.expr(r)?);
                self.binary(*op, l, r, line)
            }
            ExprKind::Compare(op, l, r) if self.is_flt(l) || self.is_flt(r) => {
                self.flt_call(float_relation(*op), &[l, r], line)?
            }
            ExprKind::Compare(op, l, r) => {
                let (l, r) = (self.expr(l)?, self.expr(r)?);
                self.comparison(l, *op, r)
            }
            ExprKind::Cond(c, a, b) => {
                Expr::Cond(Box::new(self.condition(c)?), self.boxed(a)?, self.boxed(b)?)
            }
        })
    }

    /// `e` where a condition is tested (`IF`, `UNLESS`, `TEST`, `WHILE`, `UNTIL`,
    /// `REPEATWHILE`, `REPEATUNTIL`, the first operand of `->`). There, as in Cintcode's
    /// translator (`jumpcond` in `bcpltrn.b`), `&`, `|` and `~`/`NOT` are the operators of
    /// truth values, not of bits: `a & b` holds when both are nonzero, testing `b` only when
    /// `a` holds, `a | b` when either is, testing `b` only when `a` does not, and `~a` when
    /// `a` is zero. So `IF 2 & 1` holds, where the value `2 & 1` is 0.
    fn condition(&mut self, e: &'a ast::Expr) -> R<Expr> {
        Ok(match &e.kind {
            ExprKind::Binary(BinOp::And, l, r) => {
                Expr::AndThen(Box::new(self.truth(l)?), Box::new(self.truth(r)?))
            }
            ExprKind::Binary(BinOp::Or, l, r) => {
                Expr::OrElse(Box::new(self.truth(l)?), Box::new(self.truth(r)?))
            }
            ExprKind::Not(x) => Expr::Not(Box::new(self.truth(x)?)),
            _ => self.expr(e)?,
        })
    }

    /// [`Self::condition`] as TRUE or FALSE.
    fn truth(&mut self, e: &'a ast::Expr) -> R<Expr> {
        let c = self.condition(e)?;
        Ok(if c.is_truth_value() {
            c
        } else {
            Expr::Compare(RelOp::Ne, Box::new(c), Box::new(Expr::Num(0)))
        })
    }

    /// Runs `lower` inside a new VALOF: its own GOTO context, where RESULTIS is allowed.
    fn in_valof<T>(&mut self, lower: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        let f = self.f();
        f.valofs += 1;
        f.contexts += 1;
        f.enclosing.push(f.context);
        let outer = std::mem::replace(&mut f.context, f.contexts);
        let r = lower(self);
        let f = self.f();
        f.valofs -= 1;
        f.context = outer;
        r
    }

    /// The floating-point version of `e` in a floating-point context, or `None` when `e`
    /// is lowered as usual there (a name, a call, a subscript, ...).
    fn float_expr(&mut self, e: &'a ast::Expr) -> R<Option<Expr>> {
        let line = e.pos.line;
        Ok(Some(match &e.kind {
            ExprKind::Num(n) => Expr::Num((*n as f64).to_bits() as i64),
            ExprKind::Neg(x) => self.flt_call(FltOp::Neg, &[x], line)?,
            ExprKind::Abs(x) => self.flt_call(FltOp::Abs, &[x], line)?,
            ExprKind::Binary(op, a, b) => match float_binary(*op) {
                Some(op) => self.flt_call(op, &[a, b], line)?,
                None => return Ok(None),
            },
            ExprKind::Cond(c, a, b) => Expr::Cond(
                Box::new(self.condition(c)?),
                Box::new(self.expr_ff(a, true)?),
                Box::new(self.expr_ff(b, true)?),
            ),
            _ => return Ok(None),
        }))
    }

    /// A floating-point operation: a call of the library's `sys(Sys_flt, op, args...)`
    /// (see [`super::float`]), with the operands in a floating-point context unless the
    /// operation is `FLOAT`.
    fn flt_call(&mut self, op: FltOp, args: &[&'a ast::Expr], line: u32) -> R<Expr> {
        self.flt_call_on(op, Vec::new(), args, line)
    }

    /// [`Self::flt_call`] with operands already lowered, `first`, before `args`; they must
    /// make no call (they are evaluated in the call area).
    fn flt_call_on(
        &mut self,
        op: FltOp,
        first: Vec<Expr>,
        args: &[&'a ast::Expr],
        line: u32,
    ) -> R<Expr> {
        let at = self.f().top;
        let mut lowered = Vec::with_capacity(args.len() + first.len() + 2);
        lowered.push(Expr::Num(library::SYS_FLT));
        lowered.push(Expr::Num(op as i64));
        lowered.extend(first);
        for a in args {
            self.f().top = at + lowered.len();
            lowered.push(self.expr_ff(a, op.float_operands())?);
        }
        let callee = Callee::Value(Box::new(Expr::Cell(library::SYS_GLOBAL)));
        Ok(self.finish_call(callee, lowered, at, line))
    }

    /// The selector `f` of `f OF p`, which must be a constant.
    fn field(&mut self, f: &'a ast::Expr) -> R<Field> {
        let s = self.constant(f)?;
        Field::decode(s).ok_or_else(|| {
            SourceError::new(
                f.pos,
                format!("field selector {s:#x} does not fit in a 64-bit word"),
            )
        })
    }

    /// `p + offset`: the address of the word a field is in.
    fn field_address(&mut self, p: &'a ast::Expr, offset: i64) -> R<Expr> {
        let p = self.expr(p)?;
        Ok(if offset == 0 {
            p
        } else {
            Expr::Binary(BinOp::Add, Box::new(p), Box::new(Expr::Num(offset)), 0)
        })
    }

    /// `f OF p := value`: the field's bits of the word replaced by the low bits of `value`,
    /// the others kept; the address is computed once, into a slot of its own.
    fn store_field(
        &mut self,
        f: &'a ast::Expr,
        p: &'a ast::Expr,
        value: Expr,
        line: u32,
    ) -> R<Stmt> {
        let field = self.field(f)?;
        let addr = self.field_address(p, field.offset)?;
        if field.whole_word() {
            return Ok(Stmt::Store(addr, value, line));
        }
        let slot = self.new_slot();
        let at = || Box::new(Expr::Local(slot));
        let mask = field.mask();
        let num = |n: i64| Box::new(Expr::Num(n));
        let kept = Expr::Binary(
            BinOp::And,
            Box::new(Expr::Load(at(), line)),
            num(!(mask << field.shift)),
            line,
        );
        let bits = Expr::Binary(
            BinOp::Shl,
            Box::new(Expr::Binary(BinOp::And, Box::new(value), num(mask), line)),
            num(field.shift),
            line,
        );
        let merged = Expr::Binary(BinOp::Or, Box::new(kept), Box::new(bits), line);
        Ok(Stmt::Block(vec![
            Stmt::Set(slot, addr),
            Stmt::Store(Expr::Local(slot), merged, line),
        ]))
    }

    /// `@x`: the address of a variable or a cell.
    fn address(&mut self, x: &'a ast::Expr) -> R<Expr> {
        let line = x.pos.line;
        Ok(match &x.kind {
            ExprKind::Name(n) => match self.lookup(n) {
                Some(Binding::Local { slot, owner }) if owner == self.f().index => {
                    self.read_local(slot);
                    self.f().addressed.insert(slot);
                    Expr::LocalAddr(slot)
                }
                Some(Binding::Path {
                    slot,
                    owner,
                    path,
                    depth,
                }) if owner == self.f().index => patterns::path_address(slot, &path[..depth], line),
                Some(Binding::Cell(a)) => {
                    self.written.insert(a);
                    self.addresses_a_global |= a < GLOBALS;
                    Expr::Num(a as i64)
                }
                Some(Binding::Func(i, Some(a))) => {
                    self.named.insert(i);
                    self.written.insert(a);
                    self.addresses_a_global |= a < GLOBALS;
                    Expr::Num(a as i64)
                }
                None if unprovided::index_of(&library::libhdr_spelling(n)).is_some() => {
                    return Err(SourceError::new(x.pos, unprovided::message(n)))
                }
                _ => {
                    return Err(SourceError::new(
                        x.pos,
                        format!("`@{n}`: only a variable, a global or a static has an address"),
                    ))
                }
            },
            ExprKind::Deref(p) => self.expr(p)?,
            ExprKind::Index(v, i) => {
                let (v, i) = (self.expr(v)?, self.expr(i)?);
                self.subscript(v, i, false, line)
            }
            _ => {
                return Err(SourceError::new(
                    x.pos,
                    "`@` applies to a variable, `!p` or `v!i`",
                ))
            }
        })
    }

    /// A call: arguments go to the call area from the current top, the callee expression
    /// after them.
    fn call(&mut self, f: &'a ast::Expr, args: &'a [ast::Expr], line: u32) -> R<Expr> {
        let at = self.f().top;
        let mut lowered = Vec::with_capacity(args.len());
        for (k, a) in args.iter().enumerate() {
            self.f().top = at + k;
            lowered.push(self.expr(a)?);
        }
        self.f().top = at + args.len();
        let callee = match &f.kind {
            ExprKind::Name(n) => match self.lookup(n) {
                Some(Binding::Func(i, global)) => match global {
                    Some(g) if self.via_cell.contains(&g) => Callee::Value(Box::new(Expr::Cell(g))),
                    Some(g) => {
                        self.called_directly.insert(g);
                        Callee::Func(i)
                    }
                    None => Callee::Func(i),
                },
                _ => Callee::Value(self.boxed(f)?),
            },
            _ => Callee::Value(self.boxed(f)?),
        };
        Ok(self.finish_call(callee, lowered, at, line))
    }

    /// The call of `callee` with `args`, lowered at `at` of the call area, which is then free
    /// again; a variable among the arguments is read after those to its right (see
    /// [`order`]).
    fn finish_call(&mut self, callee: Callee, mut args: Vec<Expr>, at: usize, line: u32) -> Expr {
        let st = self.f();
        st.call_words = st.call_words.max(at + args.len());
        st.top = at;
        let first = self.late_reads(&mut args);
        let call = Expr::Call {
            callee,
            args,
            at,
            line,
        };
        Self::after(first, call)
    }

    /// `TABLE k, ...`: the constants' address in the image.
    fn table(&mut self, items: &'a [ast::Expr]) -> R<i64> {
        let mut values = Vec::with_capacity(items.len());
        for x in items {
            values.push(self.constant(x)?);
        }
        let at = self.image.len();
        self.image.extend(values);
        Ok(at as i64)
    }

    /// The value of a constant expression: numbers, characters, TRUE/FALSE, MANIFEST names,
    /// function names (their values), strings and TABLEs (their addresses), and operators on
    /// them.
    fn constant(&mut self, e: &'a ast::Expr) -> R<i64> {
        self.constant_ff(e, false)
    }

    /// Whether `e` is constant as Cintcode's translator decides (`isconst` in `bcpltrn.b`):
    /// numbers, TRUE/FALSE, `SLCT`, MANIFEST names, and operators (not `!`, `%`, `OF` or
    /// calls) over them; `?`, strings, `TABLE`s and function names are not.
    fn is_constant(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Num(_) | ExprKind::Fnum(_) | ExprKind::Bool(_) | ExprKind::Slct(_) => true,
            ExprKind::Name(n) => matches!(self.lookup(n), Some(Binding::Manifest(_))),
            ExprKind::Neg(x) | ExprKind::Abs(x) | ExprKind::Not(x) => self.is_constant(x),
            ExprKind::Flt(_, xs) => xs.iter().all(|x| self.is_constant(x)),
            ExprKind::Binary(_, a, b) | ExprKind::Compare(_, a, b) => {
                self.is_constant(a) && self.is_constant(b)
            }
            ExprKind::Cond(c, a, b) => {
                self.is_constant(c) && self.is_constant(a) && self.is_constant(b)
            }
            _ => false,
        }
    }

    /// The constant value of the floating-point operation `op` over constant operands.
    fn fold_flt(&mut self, op: FltOp, xs: impl IntoIterator<Item = &'a ast::Expr>) -> R<i64> {
        let mut vals = Vec::new();
        for x in xs {
            vals.push(self.constant_ff(x, op.float_operands())?);
        }
        Ok(float::fold(op, &vals))
    }

    /// The value of a constant expression, in a floating-point context when `ff` (see
    /// [`Sema::expr_ff`]).
    fn constant_ff(&mut self, e: &'a ast::Expr, ff: bool) -> R<i64> {
        if ff || self.is_flt(e) {
            match &e.kind {
                ExprKind::Num(n) => return Ok((*n as f64).to_bits() as i64),
                ExprKind::Neg(x) => return self.fold_flt(FltOp::Neg, [&**x]),
                ExprKind::Abs(x) => return self.fold_flt(FltOp::Abs, [&**x]),
                ExprKind::Binary(op, a, b) => {
                    if let Some(op) = float_binary(*op) {
                        return self.fold_flt(op, [&**a, &**b]);
                    }
                }
                ExprKind::Cond(c, a, b) => {
                    let pick = if self.constant(c)? != 0 { a } else { b };
                    return self.constant_ff(pick, true);
                }
                _ => {}
            }
        }
        let not_const = |what: &str| {
            SourceError::new(
                e.pos,
                format!("expected a constant expression here, not {what}"),
            )
        };
        Ok(match &e.kind {
            ExprKind::Num(n) => *n,
            ExprKind::Fnum(x) => *x,
            ExprKind::Slct(parts) => {
                let mut v = [0i64; 3];
                let skip = 3 - parts.len().min(3);
                for (k, x) in parts.iter().enumerate() {
                    v[skip + k] = self.constant(x)?;
                }
                let [len, shift, offset] = v;
                if !(0..=64).contains(&len)
                    || !(0..=63).contains(&shift)
                    || !(0..=0xFFFF).contains(&offset)
                {
                    return Err(SourceError::new(
                        e.pos,
                        format!(
                            "SLCT {len}:{shift}:{offset} is out of range: length 0 to 64, \
                             shift 0 to 63, offset 0 to 65535"
                        ),
                    ));
                }
                len << 24 | shift << 16 | offset
            }
            ExprKind::Flt(op, xs) => self.fold_flt(*op, xs)?,
            ExprKind::Compare(op, l, r) if self.is_flt(l) || self.is_flt(r) => {
                let (a, b) = (self.constant_ff(l, true)?, self.constant_ff(r, true)?);
                float::fold(float_relation(*op), &[a, b])
            }
            ExprKind::Bool(b) => -i64::from(*b),
            ExprKind::Query => 0,
            ExprKind::Str(s) => self.string(s),
            ExprKind::Table(items) => self.table(items)?,
            ExprKind::Name(n) => match self.lookup(n) {
                Some(Binding::Manifest(v)) => v,
                Some(Binding::Func(i, _)) => {
                    self.named.insert(i);
                    FN_BASE + i as i64
                }
                None => return Err(self.not_a_variable(n, e.pos)),
                _ => return Err(not_const(&format!("`{n}`"))),
            },
            ExprKind::Neg(x) => self.constant(x)?.wrapping_neg(),
            ExprKind::Abs(x) => self.constant(x)?.wrapping_abs(),
            ExprKind::Not(x) => !self.constant(x)?,
            ExprKind::Binary(op, l, r) => {
                let (a, b) = (self.constant(l)?, self.constant(r)?);
                match super::arith::binary(*op, a, b) {
                    Some(v) => v,
                    None => return Err(SourceError::new(e.pos, "division by zero in a constant")),
                }
            }
            ExprKind::Compare(op, l, r) => {
                let (a, b) = (self.constant(l)?, self.constant(r)?);
                -i64::from(op.holds(a, b))
            }
            ExprKind::Cond(c, a, b) => {
                if self.constant(c)? != 0 {
                    self.constant(a)?
                } else {
                    self.constant(b)?
                }
            }
            _ => return Err(not_const("this")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lexer::lex, parser::parse};
    use super::*;

    fn check_src(s: &str) -> Result<ir::Program, SourceError> {
        let (toks, errs) = lex(s.as_bytes());
        if let Some(e) = errs.into_iter().next() {
            return Err(e);
        }
        let ast = parse(&toks).map_err(|mut e| e.remove(0))?;
        check(&ast).map_err(|mut e| e.remove(0))
    }

    #[test]
    fn names_resolve_in_any_order() {
        let p = check_src("LET start() BE f(1)\nLET f(x) = x + g()\nLET g() = 2").unwrap();
        assert_eq!(p.funcs.len(), 3);
        assert_eq!(p.start, 0);
    }

    #[test]
    fn rule_violations_are_located_errors() {
        let cases = [
            ("LET start() BE x := 1", (1, 16), "unknown name"),
            ("LET start() BE BREAK", (1, 16), "outside a loop"),
            ("LET start() BE RESULTIS 1", (1, 16), "outside a VALOF"),
            (
                "LET start() BE writen(VALOF { LOOP })",
                (1, 31),
                "LOOP outside a loop",
            ),
            (
                "LET start() BE writen(VALOF ENDCASE)",
                (1, 29),
                "ENDCASE outside a SWITCHON",
            ),
            (
                "LET start() BE { LET n = 3; LET v = VEC n }",
                (1, 41),
                "constant",
            ),
            (
                "LET start() BE FOR i = 1 TO 2 BY 0 DO newline()",
                (1, 34),
                "never",
            ),
            ("LET f() = 1", (1, 1), "no `start`"),
            (
                "LET start() BE $( $( LET x = 1 $); writen(x) $)",
                (1, 43),
                "unknown name",
            ),
            (
                "LET start() BE f := 1\nLET f() = 1",
                (1, 16),
                "is a function",
            ),
            (
                "LET start() BE $( LET x = 1; LET g() = x $)",
                (1, 40),
                "enclosing function",
            ),
            (
                "LET start() BE CASE 1: newline()",
                (1, 16),
                "outside a SWITCHON",
            ),
            ("LET start() BE GOTO nowhere", (1, 21), "unknown name"),
            (
                "LET start() BE writen(1 < VALOF { l: RESULTIS 2 } < 3)",
                (1, 35),
                "not supported: a label in the inner operand of a chain",
            ),
        ];
        for (src, (line, col), msg) in cases {
            let e = check_src(src).unwrap_err();
            assert_eq!((e.pos.line, e.pos.col), (line, col), "{src}: {e}");
            assert!(e.message.contains(msg), "{src}: {e}");
        }
    }

    #[test]
    fn and_after_a_truth_value_short_circuits() {
        let p = check_src("LET start() BE IF 1 = 1 & 1 / 0 = 0 DO newline()").unwrap();
        let Stmt::If { cond, .. } = &p.funcs[0].body else {
            panic!()
        };
        assert!(matches!(cond, Expr::AndThen(..)));
    }

    #[test]
    fn labels_in_valofs_anywhere_in_a_command_are_declared() {
        for src in [
            "LET start() BE { LET x = VALOF { l: RESULTIS 1; GOTO l } }",
            "LET start() BE FOR i = 1 TO VALOF { l: RESULTIS 1; GOTO l } DO newline()",
            "LET start() BE newline() REPEATUNTIL VALOF { l: RESULTIS 1; GOTO l }",
        ] {
            check_src(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        }
    }

    /// The result `f` returns: the expression of `LET f(..) = e`.
    fn result_of(p: &ir::Program, f: usize) -> &Expr {
        match &p.funcs[f].body {
            Stmt::Return(Some(e)) => e,
            other => panic!("not a function of a value: {other:?}"),
        }
    }

    #[test]
    fn only_calls_of_functions_called_both_ways_are_checked_for_a_result() {
        let src = "LET f(x) = VALOF { IF x RESULTIS 1 }
            LET g(x) = VALOF { IF x RESULTIS 2 }
            LET h(x) = VALOF { IF x RESULTIS 3 }
            LET both() = f(1)
            LET valued() = g(1)
            LET start() BE { f(0); h(0); both(); valued() }";
        let p = check_src(src).unwrap();
        let valof = |i: usize| match result_of(&p, i) {
            Expr::Valof(body, line) => (&**body, *line),
            other => panic!("not a VALOF: {other:?}"),
        };
        // f, called both ways, ends quietly but records its line, which `both` checks.
        let (body, line) = valof(0);
        assert_eq!(line, None);
        assert!(matches!(body, Stmt::Block(b) if matches!(b[..], [_, Stmt::SetCell(..)])));
        assert!(matches!(result_of(&p, 3), Expr::Valof(..)));
        // g, whose value is always used, is an error where it ends; its call is plain.
        assert_eq!(valof(1).1, Some(2));
        assert!(matches!(result_of(&p, 4), Expr::Call { .. }));
        // h, only called as a command, ends quietly.
        let (body, line) = valof(2);
        assert_eq!(line, None);
        assert!(matches!(body, Stmt::Block(b) if !matches!(b.last(), Some(Stmt::SetCell(..)))));
    }

    #[test]
    fn a_variable_a_call_could_change_is_read_after_it() {
        let src = "GLOBAL { g: 200 }
            LET f() = 1
            LET local(x) = x + f()
            LET global() = g + f()
            LET addressed(x) = x + f(@x)
            LET computed(x) = (g + 1) + f()
            LET start() BE f()";
        let p = check_src(src).unwrap();
        // A local whose address is never taken cannot change: no reordering.
        assert!(matches!(result_of(&p, 1), Expr::Binary(..)));
        // A global can: the call is evaluated first, into a slot, then `g` is read.
        for f in [2, 3] {
            let Expr::Valof(body, _) = result_of(&p, f) else {
                panic!("function {f} is not reordered")
            };
            let Stmt::Block(b) = &**body else { panic!() };
            assert!(matches!(
                &b[..],
                [Stmt::Set(_, Expr::Call { .. }), Stmt::Resultis(_)]
            ));
        }
        // `(g + 1)` is computed before the call, as in Cintcode.
        assert!(matches!(result_of(&p, 4), Expr::Binary(..)));
    }

    #[test]
    fn pattern_rule_violations_are_located_errors() {
        let cases = [
            (
                "LET f : a, a => 1\nLET start() BE f()",
                (1, 12),
                "named twice",
            ),
            (
                "LET start() BE { LET x = MATCH (1) : 1 BE RETURN }",
                (1, 36),
                "gives no value",
            ),
            (
                "LET start() BE { GOTO L; LET y = VALOF { L: RESULTIS 1 } }",
                (1, 23),
                "GOTO into a VALOF",
            ),
            (
                "LET f : [[[[[x]]]]] => x\nLET start() BE f()",
                (1, 7),
                "more than 4 pointers",
            ),
        ];
        for (src, (line, col), want) in cases {
            let e = check_src(src).unwrap_err();
            assert_eq!((e.pos.line, e.pos.col), (line, col), "{src}: {e:?}");
            assert!(e.message.contains(want), "{src}: {}", e.message);
        }
    }

    #[test]
    fn every_function_reports_its_first_error() {
        let (toks, _) = lex(b"LET f() = x\nLET g() = y\nLET start() BE f()");
        let errors = check(&parse(&toks).unwrap()).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].pos.line, errors[1].pos.line), (1, 2));
    }
}
