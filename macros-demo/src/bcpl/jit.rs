//! The JIT driver: function table, lazy compilation, one commit per function, running;
//! written once for every instruction set, which a [`Backend`] supplies.
//!
//! Every function of the program owns an entry in a [`CallTable`] and, once compiled, a
//! [`CodeBuffer`] of its own in the program's [`CodePool`] (so ten thousand small functions
//! share pages instead of mapping ten thousand). At first every entry points at that
//! function's *stub* in a shared stub buffer, which passes the function's index to
//! `lazy_compile` (Rust). That generates the function with the back end, commits it into its
//! own buffer and points the table entry at it; the stub then jumps to the fresh code as if it
//! had been called directly. The next call goes straight through the table. So only functions
//! that run are compiled, each exactly once, and each commit is independent of the others.
//! [`Jit::compile_all`] does the same eagerly (the benchmark, `--eager`).
//!
//! The table's entries after the program's functions are the library routines: each points
//! at a small stub that passes the routine's number, the callee frame (as a word address) and
//! the line of the call to `lib_call`, which runs [`library::call`] on the program's
//! [`Runtime`], the same code the interpreter calls.
//!
//! Running enters through a trampoline, `fn(&mut Entry) -> word` in the C calling
//! convention of the back end's instruction set, which saves the callee-saved registers the
//! generated code keeps its context in, loads them from the [`Entry`] (table, memory base,
//! memory words, first frame, frames' end), and calls the entry's function (`start`, or a
//! coroutine's function on its own stacks) through the table. The trampoline's
//! `escape(&mut Entry, value)` returns from that call at once, from anywhere below it: a
//! coroutine leaves its JIT frames that way when it is ended while suspended (see
//! [`super::coroutine`]); they own nothing, and the Rust frame it leaves (`lib_call`) has
//! nothing left to drop.
//!
//! Each back end's code runs only on its own instruction set ([`Backend::NATIVE`]); elsewhere
//! everything up to running works (compiling, committing, listings), which is what the
//! compile benchmark measures.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use jitkit::{CallTable, CodeBuffer, CodePool, Error};

use super::codegen::Context;
use super::coroutine::{self, Body};
use super::ir::{Func, Program, JUMP_TAG};
use super::library;
use super::memory::{label_of, Fault, Jump, NoMemory, Runtime, Stop};
use super::runtime;

/// The addresses of the Rust routines the stubs call.
#[derive(Debug, Clone, Copy)]
pub struct Hooks {
    /// `extern "C" fn(index: u64) -> u64`: compiles a function, returns its address.
    pub lazy_compile: usize,
    /// `extern "C" fn(id: u64, frame: u64, line: u64) -> i64`: runs a library routine.
    pub lib_call: usize,
}

/// One instruction set's half of the JIT: code for a function, for the stubs and for the
/// entry trampoline, following the conventions described in [`self`](crate::bcpl::jit).
pub trait Backend: 'static {
    /// The instruction set, as messages name it.
    const ARCH: &'static str;
    /// Whether this process can run the code: the build's target is this instruction set.
    const NATIVE: bool;
    /// Machine code as the back end's assembler returns it, ready to commit.
    type Code: jitkit::Code;
    /// Where a function's return address is on the machine stack, in bytes from the stack
    /// pointer it records for `longjump` (see [`Func::link_base`]).
    const RETURN_SLOT: usize;

    /// Function `f`, function `index` of the program, entry at offset 0.
    fn function(f: &Func, index: usize, ctx: &Context) -> Result<Self::Code, Error>;

    /// The stubs for `functions` program functions and then [`library::COUNT`] library
    /// routines, and each stub's offset, in call-table order.
    fn stubs(functions: usize, hooks: Hooks) -> Result<(Self::Code, Vec<usize>), Error>;

    /// The trampoline that calls an [`Entry`]'s function, and the offsets of its [`Exits`].
    fn trampoline() -> Result<(Self::Code, Exits), Error>;
}

/// Where the trampoline's two ways back into the code it entered are, as offsets in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exits {
    /// `escape(&mut Entry, value) -> !`: returns from the entered call at once, with `value`.
    pub escape: usize,
    /// `resume(&Entry, sp, frame, code) -> !`: reloads the context registers from the entry,
    /// sets the stack pointer (and a frame-record register, where the instruction set has
    /// one) to `sp` and the frame register to `frame` (a byte address), and jumps to `code`:
    /// how `longjump` goes back into an activation at a label.
    pub resume: usize,
}

/// What the trampoline loads, and where it saves its stack pointer for `escape`.
#[repr(C)]
#[derive(Debug, Default)]
pub struct Entry {
    /// The call table's base.
    pub table: usize,
    /// The memory's base address.
    pub base: usize,
    /// The memory's size in words.
    pub words: usize,
    /// The first frame's address.
    pub frame: usize,
    /// The address frames must end before.
    pub end: usize,
    /// The table entry to call.
    pub index: usize,
    /// The line a library routine's errors name, when the entry is one.
    pub line: usize,
    /// The stack pointer at the call, set by the trampoline.
    pub saved_sp: usize,
}

/// Byte offsets of [`Entry`]'s fields, for the trampolines.
pub const ENTRY_TABLE: i32 = std::mem::offset_of!(Entry, table) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_BASE: i32 = std::mem::offset_of!(Entry, base) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_WORDS: i32 = std::mem::offset_of!(Entry, words) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_FRAME: i32 = std::mem::offset_of!(Entry, frame) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_END: i32 = std::mem::offset_of!(Entry, end) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_INDEX: i32 = std::mem::offset_of!(Entry, index) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_LINE: i32 = std::mem::offset_of!(Entry, line) as i32;
/// See [`ENTRY_TABLE`].
pub const ENTRY_SP: i32 = std::mem::offset_of!(Entry, saved_sp) as i32;

/// What to report while compiling.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Print each function's instructions to stderr as it is compiled.
    pub listing: bool,
    /// Call every function through the table, even compiled ones (no direct calls): the
    /// code before linking at commit, for comparison.
    pub table_calls: bool,
}

/// One compiled function's numbers, for `--stats`.
#[derive(Debug, Clone)]
pub struct FuncStats {
    /// The function's name.
    pub name: String,
    /// How long compiling it took (code generation and commit).
    pub time: Duration,
    /// The size of its committed machine code, in bytes.
    pub bytes: usize,
}

/// Why [`Jit::run_on`] did not run the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNative {
    /// The instruction set of the code.
    pub code: &'static str,
}

impl std::fmt::Display for NotNative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} code cannot run in this {} process",
            self.code,
            std::env::consts::ARCH
        )
    }
}

/// Why [`Jit::run`] did not run the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRun {
    /// The code is for another instruction set than this process's.
    NotNative(NotNative),
    /// The machine's memory could not be allocated.
    NoMemory(NoMemory),
}

impl std::fmt::Display for NotRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRun::NotNative(e) => e.fmt(f),
            NotRun::NoMemory(e) => e.fmt(f),
        }
    }
}

/// A program ready to JIT-compile for back end `B` and run.
pub struct Jit<'p, B: Backend> {
    prog: &'p Program,
    /// Where every commit goes: thousands of small functions share its pages.
    pool: CodePool,
    options: Options,
    ctx: Context,
    table: CallTable,
    /// The lazy-compilation stubs (kept alive: the table points into them).
    _stubs: CodeBuffer,
    trampoline: CodeBuffer,
    exits: Exits,
    compiled: RefCell<Vec<Option<CodeBuffer>>>,
    stats: RefCell<Vec<FuncStats>>,
    _backend: std::marker::PhantomData<B>,
}

thread_local! {
    /// The `Jit` whose code is running on this thread, for [`lazy_compile`].
    static RUNNING: std::cell::Cell<*const ()> = const { std::cell::Cell::new(std::ptr::null()) };
    /// The memory and library state of that run, for [`lib_call`].
    static RUNTIME: std::cell::Cell<*mut Runtime> = const { std::cell::Cell::new(std::ptr::null_mut()) };
    /// The [`Entry`] the running code was entered with, and in a coroutine the trampoline's
    /// `escape` (0 outside coroutines), for [`lib_call`] to leave the JIT code when the
    /// coroutine is ended, and for `longjump`. Each coroutine has its own: a switch takes
    /// it away and puts it back ([`Body::leave`]).
    static ESCAPE: std::cell::Cell<(usize, *mut Entry)> = const { std::cell::Cell::new((0, std::ptr::null_mut())) };
    /// Whether this thread's JIT code was left through `escape`.
    static ESCAPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl<'p, B: Backend> Jit<'p, B> {
    /// Builds the table, the stubs and the trampoline; compiles nothing yet.
    pub fn new(prog: &'p Program, options: Options) -> Result<Self, Error> {
        let n = prog.funcs.len();
        let ctx = Context::new(n, options.table_calls);
        let pool = CodePool::new()?;
        let stubs = CodeBuffer::in_pool(&pool).named("bcpl::lazy_stubs");
        let hooks = Hooks {
            lazy_compile: lazy_compile::<B> as extern "C" fn(u64) -> u64 as usize,
            lib_call: lib_call::<B> as extern "C" fn(u64, u64, u64) -> i64 as usize,
        };
        let (code, offsets) = B::stubs(n, hooks)?;
        let stub_base = stubs.commit(&code)?.as_ptr() as usize;
        let table = CallTable::new(n + library::COUNT, 0);
        for (i, off) in offsets.into_iter().enumerate() {
            table.set(i, stub_base + off)?;
        }
        let trampoline = CodeBuffer::in_pool(&pool).named("bcpl::enter");
        let (code, exits) = B::trampoline()?;
        trampoline.commit(&code)?;
        Ok(Jit {
            prog,
            pool,
            options,
            ctx,
            table,
            _stubs: stubs,
            trampoline,
            exits,
            compiled: RefCell::new((0..n).map(|_| None).collect()),
            stats: RefCell::new(Vec::new()),
            _backend: std::marker::PhantomData,
        })
    }

    /// Compiles and commits function `index` unless it is compiled already; returns its
    /// address.
    pub fn compile(&self, index: usize) -> Result<usize, Error> {
        if let Some(Some(buf)) = self.compiled.borrow().get(index) {
            return Ok(buf.entry().map_or(0, |e| e.as_ptr() as usize));
        }
        let f = &self.prog.funcs[index];
        let started = Instant::now();
        let code = B::function(f, index, &self.ctx)?;
        // Named after the BCPL function: profilers, debuggers, `symbolize` and the listing
        // show that name.
        let buf = CodeBuffer::in_pool(&self.pool).named(&f.name);
        let entry = buf.commit(&code)?;
        let time = started.elapsed();
        let addr = entry.as_ptr() as usize;
        if self.options.listing {
            runtime::Output::flush();
            let text = format!(
                "; {} ({}, {} bytes at {:#x})\n{}",
                f.name,
                B::ARCH,
                entry.len(),
                addr,
                entry.listing()
            );
            crate::err!("{text}");
        }
        self.stats.borrow_mut().push(FuncStats {
            name: f.name.clone(),
            time,
            bytes: entry.len(),
        });
        self.table.set(index, addr)?;
        self.ctx.compiled(index, addr);
        self.compiled.borrow_mut()[index] = Some(buf);
        Ok(addr)
    }

    /// Compiles every function now.
    pub fn compile_all(&self) -> Result<(), Error> {
        for i in 0..self.prog.funcs.len() {
            self.compile(i)?;
        }
        Ok(())
    }

    /// Per-function compile statistics, in compilation order.
    pub fn stats(&self) -> Vec<FuncStats> {
        self.stats.borrow().clone()
    }

    /// Runs the program from `start` with `args` for `rdargs`, if this process can run the
    /// back end's code. A run-time error or `stop` ends the process from inside the JIT code
    /// (see [`runtime`]); returning `Ok` means `start` returned, with that value (0 from a
    /// routine).
    pub fn run(&self, args: Vec<String>) -> Result<i64, NotRun> {
        if !B::NATIVE {
            return Err(NotRun::NotNative(NotNative { code: B::ARCH }));
        }
        let mut rt = Box::new(Runtime::new(self.prog, args).map_err(NotRun::NoMemory)?);
        self.run_on(&mut rt).map_err(NotRun::NotNative)
    }

    /// [`run`](Self::run) on memory and library state the caller made for this program
    /// (see [`Runtime::new`] and [`Runtime::reset`]).
    pub fn run_on(&self, rt: &mut Runtime) -> Result<i64, NotNative> {
        if !B::NATIVE {
            return Err(NotNative { code: B::ARCH });
        }
        let Some(entry) = self.trampoline.entry() else {
            return Ok(0);
        };
        let base = rt.mem.as_mut_ptr() as usize;
        let words = rt.mem.len();
        let body = Coroutine::<B> {
            jit: (self as *const Self).cast::<()>(),
            enter: entry.as_ptr() as usize,
            escape: entry.as_ptr() as usize + self.exits.escape,
            table: self.table.base(),
            _backend: std::marker::PhantomData,
        };
        rt.coroutines.set_body(Rc::new(body));
        let mut first = Entry {
            table: self.table.base(),
            base,
            words,
            frame: base + 8 * super::memory::STACK_BASE,
            end: base + 8 * words,
            index: self.prog.start,
            line: 0,
            saved_sp: 0,
        };
        // SAFETY: the trampoline is code for this process's instruction set (B::NATIVE,
        // checked above) following its C calling convention, with the signature
        // fn(&mut Entry) -> word. Everything it reaches stays alive while `self` and `rt` are
        // borrowed: the table, the stubs, the compiled buffers (only ever added) and the
        // memory, which the code only touches within its `words` words (every access is
        // checked); coroutines end (`finish`) before this returns.
        let enter: extern "C" fn(*mut Entry) -> i64 = unsafe { entry.as_fn() };
        let this = (self as *const Self).cast::<()>();
        let previous = RUNNING.with(|r| r.replace(this));
        let previous_rt = RUNTIME.with(|r| r.replace(rt as *mut Runtime));
        let first: *mut Entry = &mut first;
        let outer = ESCAPE.with(|e| e.replace((0, first)));
        let result = enter(first);
        ESCAPE.with(|e| e.set(outer));
        RUNNING.with(|r| r.set(previous));
        RUNTIME.with(|r| r.set(previous_rt));
        coroutine::finish(rt);
        Ok(result)
    }
}

/// The JIT as a coroutine's [`Body`]: the trampoline, entered on the coroutine's native stack
/// with its frames in the coroutine's BCPL stack. The `Jit` and its code are alive for the
/// whole run (`run_on` ends every coroutine before it returns).
struct Coroutine<B> {
    /// The running `Jit<B>`, type-erased as in `RUNNING`.
    jit: *const (),
    enter: usize,
    escape: usize,
    table: usize,
    _backend: std::marker::PhantomData<B>,
}

impl<B: Backend> Body for Coroutine<B> {
    fn call(
        &self,
        rt: &mut Runtime,
        f: i64,
        frame: usize,
        end: usize,
        line: u32,
    ) -> Result<i64, Stop> {
        let index = rt.callable(f, line)?;
        let base = rt.mem.as_mut_ptr() as usize;
        let mut entry = Entry {
            table: self.table,
            base,
            words: rt.mem.len(),
            frame: base + 8 * frame,
            end: base + 8 * end,
            index,
            line: line as usize,
            saved_sp: 0,
        };
        // SAFETY: `enter` is the running Jit's trampoline, for this process's instruction
        // set (a Body is only installed by `run_on`, after its B::NATIVE check), with the
        // signature fn(&mut Entry) -> word; see `run_on` for what it reaches.
        let enter: extern "C" fn(*mut Entry) -> i64 = unsafe { std::mem::transmute(self.enter) };
        RUNNING.with(|r| r.set(self.jit));
        RUNTIME.with(|r| r.set(rt as *mut Runtime));
        let outer = ESCAPE.with(|e| e.replace((self.escape, &mut entry as *mut Entry)));
        let v = enter(&mut entry);
        ESCAPE.with(|e| e.set(outer));
        if ESCAPED.with(|e| e.replace(false)) {
            Err(Stop::Unwind)
        } else {
            Ok(v)
        }
    }

    fn leave(&self) -> [usize; 2] {
        let (escape, entry) = ESCAPE.with(|e| e.get());
        [escape, entry as usize]
    }

    fn reenter(&self, [escape, entry]: [usize; 2]) {
        ESCAPE.with(|e| e.set((escape, entry as *mut Entry)));
    }
}

/// Leaves the running coroutine's JIT code through the trampoline's `escape`.
fn escape() -> ! {
    let (escape, entry) = ESCAPE.with(|e| e.get());
    if escape == 0 {
        crate::errln!("macros-demo bcpl: a coroutine was ended outside its JIT code");
        std::process::exit(1)
    }
    ESCAPED.with(|e| e.set(true));
    // SAFETY: `escape` is the trampoline's escape routine, `fn(&mut Entry, word) -> !` in
    // the C convention, and `entry` the Entry the running coroutine's trampoline runs with (set
    // by `Coroutine::call` around that call, which is below us on this stack). It returns
    // into that call's trampoline; the frames it skips are JIT frames (which own nothing)
    // and `lib_call`'s, which has nothing left to drop when it calls this.
    let go: extern "C" fn(*mut Entry, i64) -> ! = unsafe { std::mem::transmute(escape) };
    go(entry, 0)
}

/// Called by the library stubs: runs routine `id` with its frame at word `frame`, for a call
/// at `line`. A run-time error or `stop` ends the process (the JIT code cannot unwind);
/// `longjump` leaves through the trampoline's `resume`.
extern "C" fn lib_call<B: Backend>(id: u64, frame: u64, line: u64) -> i64 {
    let rt = RUNTIME.with(|r| r.get());
    // SAFETY: `run` sets RUNTIME to its runtime for the whole time the code runs on this
    // thread, and the stubs are only reached from that code, which does not touch memory
    // while this call runs.
    let Some(rt) = (unsafe { rt.as_mut() }) else {
        crate::errln!("macros-demo bcpl: a library stub ran outside Jit::run");
        std::process::exit(1)
    };
    match library::call(rt, id as usize, frame as usize, line as u32) {
        Ok(v) => v,
        Err(Stop::Fault(line, fault)) => fault_exit(line, &fault),
        Err(Stop::Exit(code) | Stop::Return(code)) => runtime::rt_exit(code),
        Err(Stop::Unwind) => escape(),
        Err(Stop::LongJump(j)) => long_jump::<B>(rt, j),
        Err(Stop::Escape(e)) => unreachable!("only the interpreter unwinds {e:?}"),
    }
}

/// Reports `fault` at `line` and ends the run, as JIT code's own faults do.
fn fault_exit(line: u32, fault: &Fault) -> ! {
    let (kind, value) = fault.code();
    runtime::rt_fault(kind, value, i64::from(line))
}

/// Goes back into the activation that `j` resumes ([`Jump`]), in the running coroutine (or
/// the main stack), or ends the run with [`Jump::fault`] when there is none.
fn long_jump<B: Backend>(rt: &mut Runtime, j: Jump) -> ! {
    let jit = RUNNING.with(|r| r.get()).cast::<Jit<'_, B>>();
    let (_, entry) = ESCAPE.with(|e| e.get());
    // SAFETY: RUNNING is the running `Jit<B>` (see `lazy_compile`), and ESCAPE's entry is
    // the Entry the running code was entered with (`run_on`, `Coroutine::call`), alive in
    // the Rust frame that called the trampoline, below us on this stack.
    let target = unsafe { jit.as_ref().zip(entry.as_ref()) }
        .and_then(|(jit, entry)| Some((jit, entry, jit.resume_point(rt, entry, j)?)));
    let Some((jit, entry, (sp, frame, code, left))) = target else {
        let (line, fault) = j.error();
        fault_exit(line, &fault)
    };
    // The activations left behind return through no epilogue: their link words go, so that
    // no later `longjump` takes one of them for a running activation.
    // (JUMP_TAG has its low 32 bits clear, so xor with an index is addition.)
    let tags = JUMP_TAG..JUMP_TAG + jit.prog.funcs.len() as i64;
    for w in left..j.from.min(rt.mem.len().saturating_sub(1)) {
        if tags.contains(&rt.mem[w + 1]) && rt.mem[w] != 0 {
            rt.mem[w] = 0;
        }
    }
    let resume = jit.trampoline.entry().map_or(0, |e| e.as_ptr() as usize) + jit.exits.resume;
    // SAFETY: `resume` is the trampoline's resume routine, `fn(&Entry, sp, frame, code) -> !`
    // in the C convention. `resume_point` found `sp` in the link words of an activation of
    // the label's function that is still running on this stack (its tag is there, and `sp`
    // lies between this frame and the trampoline's), and `code` is that function's label
    // outside every VALOF, where nothing but `sp` and the frame is live. The frames it
    // leaves are JIT frames (which own nothing) and `lib_call`'s, which has nothing left to
    // drop.
    let go: extern "C" fn(*const Entry, usize, usize, usize) -> ! =
        unsafe { std::mem::transmute(resume) };
    go(entry, sp, frame, code)
}

impl<B: Backend> Jit<'_, B> {
    /// Where `j` goes back to: the stack pointer its activation recorded, the frame's byte
    /// address, the label's code and where its call area starts; `None` when no activation
    /// on the stack of `entry` (the running coroutine's, or the main one) resumes it. The
    /// innermost activation whose call area holds the level wins, as in the interpreter.
    fn resume_point(
        &self,
        rt: &Runtime,
        entry: &Entry,
        j: Jump,
    ) -> Option<(usize, usize, usize, usize)> {
        let (owner, id) = label_of(j.label)?;
        let f = self.prog.funcs.get(owner).filter(|f| f.jump_target)?;
        let code = self
            .compiled
            .borrow()
            .get(owner)?
            .as_ref()?
            .entry_named(&Func::label_entry(id))?
            .as_ptr() as usize;
        let (first, end) = ((entry.frame - entry.base) / 8, (entry.end - entry.base) / 8);
        let here = std::ptr::addr_of!(entry) as usize;
        let level = usize::try_from(j.level).ok()?;
        (0..f.call_words).find_map(|at| {
            let fp = level.checked_sub(f.call_base() + at)?;
            if fp < first || fp + f.frame_words() > end {
                return None;
            }
            let link = fp + f.link_base();
            let sp = *rt.mem.get(link)? as usize;
            let tag = *rt.mem.get(link + 1)?;
            let ret = *rt.mem.get(link + 2)? as usize;
            let on_stack =
                here < sp && sp + B::RETURN_SLOT < entry.saved_sp && sp.is_multiple_of(8);
            if tag != JUMP_TAG ^ owner as i64 || !on_stack {
                return None;
            }
            // SAFETY: `sp + RETURN_SLOT` is an aligned word between this frame and the
            // trampoline's, on this thread's stack (the main one or the coroutine's, whose
            // Entry this is): mapped, and only read.
            let still = unsafe { *((sp + B::RETURN_SLOT) as *const usize) } == ret;
            // A frame whose memory still holds the link words of an activation that a
            // `longjump` left (which returned through no epilogue) is taken only while the
            // machine stack there holds the same return address.
            still.then_some((sp, entry.base + 8 * fp, code, fp + f.call_base()))
        })
    }
}

/// Called by the stubs: compiles function `index` of the running program and returns its
/// address. A failure here (the operating system refusing memory) cannot be returned through
/// the JIT code, so it is reported and ends the process.
extern "C" fn lazy_compile<B: Backend>(index: u64) -> u64 {
    let jit = RUNNING.with(|r| r.get()).cast::<Jit<'_, B>>();
    // SAFETY: `run` sets RUNNING to a `Jit<B>` borrowed for the whole time its code runs on
    // this thread, and only that `Jit`'s stubs, built with this instance of `lazy_compile`,
    // reach here. The type was erased to store the pointer; it is only used within that
    // borrow.
    let Some(jit) = (unsafe { jit.as_ref() }) else {
        crate::errln!("macros-demo bcpl: a compilation stub ran outside Jit::run");
        std::process::exit(1)
    };
    match jit.compile(index as usize) {
        Ok(addr) => addr as u64,
        Err(e) => {
            runtime::Output::flush();
            crate::errln!("macros-demo bcpl: cannot compile function {index}: {e}");
            std::process::exit(1)
        }
    }
}
