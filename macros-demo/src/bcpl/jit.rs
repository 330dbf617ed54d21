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
//! Running enters through a trampoline, `fn(table, memory base, memory words, first frame,
//! memory end) -> word` in the C calling convention of the back end's instruction set, which
//! saves the callee-saved registers the generated code keeps its context in, loads them, and
//! calls `start` through the table.
//!
//! Each back end's code runs only on its own instruction set ([`Backend::NATIVE`]); elsewhere
//! everything up to running works (compiling, committing, listings), which is what the
//! compile benchmark measures.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use jitkit::{CallTable, CodeBuffer, CodePool, Error};

use super::codegen::Context;
use super::ir::{Func, Program};
use super::library;
use super::memory::{Runtime, Stop};
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

    /// Function `f`, function `index` of the program, entry at offset 0.
    fn function(f: &Func, index: usize, ctx: &Context) -> Result<Self::Code, Error>;

    /// The stubs for `functions` program functions and then [`library::COUNT`] library
    /// routines, and each stub's offset, in call-table order.
    fn stubs(functions: usize, hooks: Hooks) -> Result<(Self::Code, Vec<usize>), Error>;

    /// The trampoline that calls table entry `start`.
    fn trampoline(start: usize) -> Result<Self::Code, Error>;
}

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

/// Why [`Jit::run`] did not run the program.
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
    compiled: RefCell<Vec<Option<CodeBuffer>>>,
    stats: RefCell<Vec<FuncStats>>,
    _backend: std::marker::PhantomData<B>,
}

thread_local! {
    /// The `Jit` whose code is running on this thread, for [`lazy_compile`].
    static RUNNING: std::cell::Cell<*const ()> = const { std::cell::Cell::new(std::ptr::null()) };
    /// The memory and library state of that run, for [`lib_call`].
    static RUNTIME: std::cell::Cell<*mut Runtime> = const { std::cell::Cell::new(std::ptr::null_mut()) };
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
            lib_call: lib_call as extern "C" fn(u64, u64, u64) -> i64 as usize,
        };
        let (code, offsets) = B::stubs(n, hooks)?;
        let stub_base = stubs.commit(&code)?.as_ptr() as usize;
        let table = CallTable::new(n + library::COUNT, 0);
        for (i, off) in offsets.into_iter().enumerate() {
            table.set(i, stub_base + off)?;
        }
        let trampoline = CodeBuffer::in_pool(&pool).named("bcpl::enter");
        trampoline.commit(&B::trampoline(prog.start)?)?;
        Ok(Jit {
            prog,
            pool,
            options,
            ctx,
            table,
            _stubs: stubs,
            trampoline,
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
            eprint!("{text}");
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
    /// (see [`runtime`]); returning `Ok` means `start` returned.
    pub fn run(&self, args: Vec<String>) -> Result<(), NotNative> {
        if !B::NATIVE {
            return Err(NotNative { code: B::ARCH });
        }
        let mut rt = Box::new(Runtime::new(self.prog, args));
        self.run_on(&mut rt)
    }

    /// [`run`](Self::run) on memory and library state the caller made for this program
    /// (see [`Runtime::new`] and [`Runtime::reset`]).
    pub fn run_on(&self, rt: &mut Runtime) -> Result<(), NotNative> {
        if !B::NATIVE {
            return Err(NotNative { code: B::ARCH });
        }
        let Some(entry) = self.trampoline.entry() else {
            return Ok(());
        };
        let base = rt.mem.as_mut_ptr() as usize;
        let words = rt.mem.len();
        // SAFETY: the trampoline is code for this process's instruction set (B::NATIVE,
        // checked above) following its C calling convention, with the signature
        // fn(table, memory base, memory words, first frame, memory end) -> word. Everything it
        // reaches stays alive while `self` and `rt` are borrowed: the table, the stubs, the
        // compiled buffers (only ever added) and the memory, which the code only touches
        // within its `words` words (every access is checked).
        let enter: extern "C" fn(usize, usize, usize, usize, usize) -> i64 =
            unsafe { entry.as_fn() };
        let this = (self as *const Self).cast::<()>();
        let previous = RUNNING.with(|r| r.replace(this));
        let previous_rt = RUNTIME.with(|r| r.replace(rt as *mut Runtime));
        enter(
            self.table.base(),
            base,
            words,
            base + 8 * super::memory::STACK_BASE,
            base + 8 * words,
        );
        RUNNING.with(|r| r.set(previous));
        RUNTIME.with(|r| r.set(previous_rt));
        Ok(())
    }
}

/// Called by the library stubs: runs routine `id` with its frame at word `frame`, for a call
/// at `line`. A run-time error or `stop` ends the process (the JIT code cannot unwind).
extern "C" fn lib_call(id: u64, frame: u64, line: u64) -> i64 {
    let rt = RUNTIME.with(|r| r.get());
    // SAFETY: `run` sets RUNTIME to its runtime for the whole time the code runs on this
    // thread, and the stubs are only reached from that code, which does not touch memory
    // while this call runs.
    let Some(rt) = (unsafe { rt.as_mut() }) else {
        eprintln!("macros-demo bcpl: a library stub ran outside Jit::run");
        std::process::exit(1)
    };
    match library::call(rt, id as usize, frame as usize, line as u32) {
        Ok(v) => v,
        Err(Stop::Fault(line, fault)) => {
            let (kind, value) = fault.code();
            runtime::rt_fault(kind, value, i64::from(line))
        }
        Err(Stop::Exit(code) | Stop::Return(code)) => runtime::rt_exit(code),
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
        eprintln!("macros-demo bcpl: a compilation stub ran outside Jit::run");
        std::process::exit(1)
    };
    match jit.compile(index as usize) {
        Ok(addr) => addr as u64,
        Err(e) => {
            runtime::Output::flush();
            eprintln!("macros-demo bcpl: cannot compile function {index}: {e}");
            std::process::exit(1)
        }
    }
}
