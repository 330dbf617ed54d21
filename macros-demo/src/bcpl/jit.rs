//! The JIT back end: function table, lazy compilation, one commit per function.
//!
//! Every function of the program owns an entry in a [`CallTable`] and, once compiled, a
//! [`CodeBuffer`] of its own in the program's [`CodePool`] (so ten thousand small functions
//! share pages instead of mapping ten thousand). At first every entry points
//! at that function's *stub* in a shared stub buffer: `x17` := the function's index (one
//! `mov` below 65536), `b common`. The common part saves the argument registers, calls `lazy_compile` (Rust),
//! which generates the function with [`codegen`], commits it into its own buffer and
//! points the table entry at it, then restores the arguments and jumps to the fresh code as if
//! it had been called directly. The next call goes straight through the table. So only
//! functions that run are compiled, each exactly once, and each commit is independent of the
//! others. [`Jit::compile_all`] does the same eagerly (the benchmark, `--eager`).
//!
//! The table's entries after the program's functions are the library routines: each points
//! at a small stub that passes the routine's number, the callee frame (`x22`, as a word
//! address) and the line (`x10`) to `lib_call`, which runs [`library::call`] on the
//! program's [`Runtime`], the same code the interpreter calls.
//!
//! Running enters through a trampoline that saves `x19`..`x23`, loads the table base, the
//! memory's base, size and end, and the first frame into them (see [`codegen`]'s register
//! conventions) and calls `start` through the table.
//!
//! JIT code runs only on AArch64; on other hosts everything up to running works (compiling,
//! committing, listings), which is what the host benchmark measures.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use jitkit::aarch64::{CalleeSaved, RX};
use jitkit::{dynasm, Assembler, CallTable, CodeBuffer, CodePool, DynasmApi, Error};

use super::codegen::{self, Context};
use super::ir::Program;
use super::library;
use super::memory::{Runtime, Stop};
use super::runtime;

/// What to report while compiling.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Print each function's instructions to stderr as it is compiled.
    pub listing: bool,
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

/// A program ready to JIT-compile and run.
pub struct Jit<'p> {
    prog: &'p Program,
    /// Where every commit goes: thousands of small functions share its pages.
    pool: CodePool,
    options: Options,
    ctx: Context,
    table: CallTable,
    /// The lazy-compilation stubs (kept alive: the table points into them).
    _stubs: CodeBuffer,
    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
    trampoline: CodeBuffer,
    compiled: RefCell<Vec<Option<CodeBuffer>>>,
    stats: RefCell<Vec<FuncStats>>,
}

thread_local! {
    /// The `Jit` whose code is running on this thread, for [`lazy_compile`].
    static RUNNING: std::cell::Cell<*const ()> = const { std::cell::Cell::new(std::ptr::null()) };
    /// The memory and library state of that run, for [`lib_call`].
    static RUNTIME: std::cell::Cell<*mut Runtime> = const { std::cell::Cell::new(std::ptr::null_mut()) };
}

impl<'p> Jit<'p> {
    /// Builds the table, the stubs and the trampoline; compiles nothing yet.
    pub fn new(prog: &'p Program, options: Options) -> Result<Self, Error> {
        let n = prog.funcs.len();
        let ctx = Context {
            callables: n + library::COUNT,
        };
        let pool = CodePool::new()?;
        let stubs = CodeBuffer::in_pool(&pool).named("bcpl::lazy_stubs");
        let offsets = {
            let (code, offsets) = stub_code(n)?;
            stubs.commit(&code)?;
            offsets
        };
        let stub_base = stubs.entry().map_or(0, |e| e.as_ptr() as usize);
        let table = CallTable::new(n + library::COUNT, 0);
        for (i, off) in offsets.into_iter().enumerate() {
            table.set(i, stub_base + off)?;
        }
        let trampoline = CodeBuffer::in_pool(&pool).named("bcpl::enter");
        trampoline.commit(&trampoline_code(prog.start)?)?;
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
        let code = codegen::compile(f, &self.ctx)?;
        // Named after the BCPL function: profilers, debuggers, `symbolize` and the listing
        // show that name.
        let buf = CodeBuffer::in_pool(&self.pool).named(&f.name);
        let entry = buf.commit(&code.instructions)?;
        let time = started.elapsed();
        let addr = entry.as_ptr() as usize;
        if self.options.listing {
            runtime::Output::flush();
            let text = format!(
                "; {} ({} instructions, {} bytes at {:#x})\n{}",
                f.name,
                code.instructions.len(),
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

    /// Runs the program from `start` with `args` for `rdargs`. A run-time error or `stop`
    /// ends the process from inside the JIT code (see [`runtime`]); returning means `start`
    /// returned.
    #[cfg(target_arch = "aarch64")]
    pub fn run(&self, args: Vec<String>) {
        let entry = self.trampoline.entry();
        let Some(entry) = entry else { return };
        let mut rt = Box::new(Runtime::new(self.prog, args));
        let base = rt.mem.as_mut_ptr() as usize;
        let words = rt.mem.len();
        // SAFETY: the trampoline is AArch64 code following AAPCS64 with the signature
        // fn(table, memory base, memory words, first frame, memory end) -> word; this CPU is
        // AArch64 (cfg). Everything it reaches stays alive while `self` is borrowed and `rt`
        // lives: the table, the stubs, the compiled buffers (only ever added) and the memory,
        // which the code only touches within its `words` words (every access is checked).
        let enter: extern "C" fn(usize, usize, usize, usize, usize) -> i64 =
            unsafe { entry.as_fn() };
        let this = (self as *const Jit<'_>).cast::<()>();
        let previous = RUNNING.with(|r| r.replace(this));
        let previous_rt = RUNTIME.with(|r| r.replace(&mut *rt as *mut Runtime));
        enter(
            self.table.base(),
            base,
            words,
            base + 8 * super::memory::STACK_BASE,
            base + 8 * words,
        );
        RUNNING.with(|r| r.set(previous));
        RUNTIME.with(|r| r.set(previous_rt));
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
extern "C" fn lazy_compile(index: u64) -> u64 {
    let jit = RUNNING.with(|r| r.get()).cast::<Jit<'_>>();
    // SAFETY: `run` sets RUNNING to a `Jit` borrowed for the whole time its code runs on this
    // thread, and stubs are only reached from that code. The type was erased to store the
    // pointer; it is only used within that borrow.
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

/// The stubs: `common` (save arguments, call [`lazy_compile`], restore, jump), then for each
/// function `x17 := index ; b common`, then for each library routine a call of [`lib_call`].
/// Returns the code and each stub's offset, in call-table order.
fn stub_code(n: usize) -> Result<(Vec<jitkit::Instruction>, Vec<usize>), Error> {
    let mut asm = Assembler::with_capacity(64 + 12 * n);
    let common = asm.new_dynamic_label();
    dynasm!(asm ; .arch aarch64
        ; =>common
        ; stp x29, x30, [sp, #-80]!
        ; mov x29, sp
        ; stp x0, x1, [sp, #16]
        ; stp x2, x3, [sp, #32]
        ; stp x4, x5, [sp, #48]
        ; stp x6, x7, [sp, #64]
        ; mov x0, x17
    );
    asm.call_abs(lazy_compile as extern "C" fn(u64) -> u64 as usize);
    dynasm!(asm ; .arch aarch64
        ; mov x16, x0
        ; ldp x0, x1, [sp, #16]
        ; ldp x2, x3, [sp, #32]
        ; ldp x4, x5, [sp, #48]
        ; ldp x6, x7, [sp, #64]
        ; ldp x29, x30, [sp], #80
        ; br x16
    );
    let mut offsets = Vec::with_capacity(n + library::COUNT);
    for i in 0..n {
        offsets.push(asm.offset().0);
        asm.load_imm64(RX::X17, i as u64);
        dynasm!(asm ; .arch aarch64 ; b =>common);
    }
    for id in 0..library::COUNT {
        offsets.push(asm.offset().0);
        dynasm!(asm ; .arch aarch64
            ; stp x29, x30, [sp, #-16]!
            ; mov x29, sp
            ; sub x1, x22, x20
            ; lsr x1, x1, #3
            ; mov x2, x10
        );
        asm.load_imm64(RX::X0, id as u64);
        asm.call_abs(lib_call as extern "C" fn(u64, u64, u64) -> i64 as usize);
        dynasm!(asm ; .arch aarch64 ; ldp x29, x30, [sp], #16 ; ret);
    }
    Ok((asm.finish()?.instructions, offsets))
}

/// `fn(table, base, words, frame, end) -> word`: save x19..x23, load them, call `start`
/// through the table, restore.
fn trampoline_code(start: usize) -> Result<Vec<jitkit::Instruction>, Error> {
    use CalleeSaved::{X19, X20, X21, X22, X23};
    let mut asm = Assembler::new();
    let frame = asm.prologue(0, &[X19, X20, X21, X22, X23])?;
    dynasm!(asm ; .arch aarch64
        ; mov x19, x0
        ; mov x20, x1
        ; mov x21, x2
        ; mov x22, x3
        ; mov x23, x4
    );
    asm.call_indirect(codegen::TABLE_REG, start)?;
    asm.epilogue(frame);
    Ok(asm.finish()?.instructions)
}
