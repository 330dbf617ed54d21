//! The machine both back ends run on: one array of words, laid out the same way for both, and
//! the ways a run can stop.
//!
//! ```text
//! 0 .. GLOBALS            the global vector (G!0 holds its size)
//! GLOBALS .. image end    statics, TABLEs and string constants ([`ir::Program::image`])
//! image end .. STACK_BASE the heap of getvec/freevec
//! STACK_BASE .. MEM_WORDS the frames of running functions, the first one `start`'s
//! ```
//!
//! An address is an index into the array. The interpreter indexes it; JIT code adds the index,
//! times eight, to the array's base. Either way an index outside the array is a run-time error,
//! never an access outside it, and both back ends write the same words in the same order, so
//! even values a program should not rely on (a missing argument, `?`) agree.
//!
//! Frames grow upwards from [`STACK_BASE`]: a function's frame holds its slots (parameters
//! first), its vectors, then the area where its calls build their callees' frames (see
//! [`ir::Expr::Call`]). A function checks on entry that its whole frame fits. A coroutine's
//! frames grow the same way in its own stack, a block of the heap ([`super::coroutine`]),
//! and are checked against that block's end.

use std::collections::BTreeMap;

use super::ir;
use super::sysops;
use super::unprovided;

/// Words of the global vector.
pub const GLOBALS: usize = 4096;

/// What global `n` holds until a program sets it, as Cintcode fills its global vector
/// (`sysb/bootsys.b`, and `sysb/clisys.b` before each command): `globword + n`, a value no
/// program computes by chance, so that reading an unset global shows which one it was.
pub const GLOBWORD: i64 = 0xFFFF_FFFF_8F8F_0000_u64 as i64;

/// Words of memory.
pub const MEM_WORDS: usize = 1 << 24;
/// Words at the top of memory for frames.
pub const STACK_WORDS: usize = 1 << 20;
/// The first frame's address.
pub const STACK_BASE: usize = MEM_WORDS - STACK_WORDS;
/// A function value is this plus its index in the call table (program functions, then
/// library routines), so that small numbers are never callable.
pub const FN_BASE: i64 = 0x7AB0_0000_0000;

/// A run-time error's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A division or `MOD` by zero.
    DivZero,
    /// A load or store at an address outside memory.
    BadAddress(i64),
    /// A VALOF body ended without RESULTIS.
    NoResult,
    /// A call of a value that is not a function.
    BadCall(i64),
    /// A frame that does not fit in memory (recursion too deep).
    StackOverflow,
    /// `abort(code)`.
    Abort(i64),
    /// `freevec` of something `getvec` did not return.
    BadFree(i64),
    /// `callco`, `resumeco` or `deleteco` of a value that is not a live coroutine.
    NotCoroutine(i64),
    /// `callco` or `resumeco` of a coroutine that already has a parent.
    HasParent(i64),
    /// `cowait` in a coroutine with no parent: the root, or one that `resumeco` left.
    NoParent,
    /// `deleteco` of a coroutine that is running or has a parent.
    InUse(i64),
    /// `sys(op, ...)` of an operation the library does not provide.
    NoSys(i64),
    /// `sys(Sys_flt, op, ...)` of an operation that does not exist.
    NoFlt(i64),
    /// A computed `GOTO` of a value that is no label of its function (and VALOF).
    BadGoto(i64),
    /// `longjump(p, l)` to a label `l` that no running activation at level `p` can resume
    /// (see [`Jump`]).
    LongJump(i64),
    /// Reading from, or selecting for input, a value that is no open input stream.
    NoInput(i64),
    /// Writing to, or selecting for output, a value that is no open output stream.
    NoOutput(i64),
}

impl Fault {
    /// A number for the JIT's error routine, with [`Fault::from_code`] its inverse.
    pub fn code(&self) -> (i64, i64) {
        match *self {
            Fault::DivZero => (0, 0),
            Fault::BadAddress(a) => (1, a),
            Fault::NoResult => (2, 0),
            Fault::BadCall(v) => (3, v),
            Fault::StackOverflow => (4, 0),
            Fault::Abort(c) => (5, c),
            Fault::BadFree(a) => (6, a),
            Fault::NotCoroutine(v) => (7, v),
            Fault::HasParent(c) => (8, c),
            Fault::NoParent => (9, 0),
            Fault::InUse(c) => (10, c),
            Fault::NoSys(op) => (11, op),
            Fault::NoFlt(op) => (12, op),
            Fault::BadGoto(v) => (13, v),
            Fault::LongJump(l) => (14, l),
            Fault::NoInput(s) => (15, s),
            Fault::NoOutput(s) => (16, s),
        }
    }

    /// The fault that [`Fault::code`] turned into `(kind, value)`.
    pub fn from_code(kind: i64, value: i64) -> Fault {
        match kind {
            0 => Fault::DivZero,
            1 => Fault::BadAddress(value),
            2 => Fault::NoResult,
            3 => Fault::BadCall(value),
            4 => Fault::StackOverflow,
            5 => Fault::Abort(value),
            7 => Fault::NotCoroutine(value),
            8 => Fault::HasParent(value),
            9 => Fault::NoParent,
            10 => Fault::InUse(value),
            11 => Fault::NoSys(value),
            12 => Fault::NoFlt(value),
            13 => Fault::BadGoto(value),
            14 => Fault::LongJump(value),
            15 => Fault::NoInput(value),
            16 => Fault::NoOutput(value),
            _ => Fault::BadFree(value),
        }
    }

    /// The text of the run-time error, e.g. `division by zero`.
    pub fn message(&self) -> String {
        match self {
            Fault::DivZero => "division by zero".into(),
            Fault::BadAddress(a) => format!("bad address: {a} is outside memory"),
            Fault::NoResult => "VALOF ended without RESULTIS".into(),
            Fault::BadCall(v) => match v.wrapping_sub(GLOBWORD) {
                n if (1..GLOBALS as i64).contains(&n) => {
                    match unprovided::missing_routine_at(n as usize) {
                        Some(name) => unprovided::routine_message(name, n),
                        None => format!(
                            "call of global {n}, which was never set (it holds globword+{n})"
                        ),
                    }
                }
                _ => match unprovided::named_by_value(*v) {
                    Some(name) => unprovided::message(name),
                    None => format!("call of {v}, which is not a function"),
                },
            },
            Fault::StackOverflow => "stack overflow (recursion too deep)".into(),
            Fault::Abort(c) => format!("abort({c}) called"),
            Fault::BadFree(a) => format!("freevec({a}) of a block getvec did not return"),
            Fault::NotCoroutine(v) => format!("{v} is not a coroutine"),
            Fault::HasParent(_) => {
                "callco or resumeco of a coroutine that already has a parent".into()
            }
            Fault::NoParent => "cowait with no parent to return to (in the root)".into(),
            Fault::InUse(_) => "deleteco of a coroutine that is running or has a parent".into(),
            Fault::NoSys(op) => format!(
                "not supported: sys({op}) (only {})",
                sysops::provided_names()
            ),
            Fault::NoFlt(op) => format!("sys(Sys_flt, {op}): no such floating-point operation"),
            Fault::BadGoto(v) => format!("GOTO {v}, which is not a label of this function"),
            Fault::LongJump(l) if label_of(*l).is_none() => {
                format!("longjump to {l}, which is not a label")
            }
            Fault::LongJump(_) => "longjump to a label of no activation running at that \
                                   level() (it has returned, or runs on another stack), or \
                                   inside a VALOF"
                .into(),
            Fault::NoInput(0) => "no input stream is selected".into(),
            Fault::NoInput(s) => format!("{s} is not an open input stream"),
            Fault::NoOutput(0) => "no output stream is selected".into(),
            Fault::NoOutput(s) => format!("{s} is not an open output stream"),
        }
    }
}

/// The value of label `id` of function `owner` (`a := l1`, then `GOTO a`): distinct from
/// every other label's, and far from small numbers and addresses.
pub fn label_value(owner: usize, id: usize) -> i64 {
    LABEL_BASE + ((owner as i64) << LABEL_ID_BITS) + id as i64
}

/// The bits of a label's value that hold its number within its function.
const LABEL_ID_BITS: u32 = 20;

const LABEL_BASE: i64 = 0x1ABE_1000_0000_0000;

/// The `(owner, id)` that [`label_value`] made `v` from, if it made it.
pub fn label_of(v: i64) -> Option<(usize, usize)> {
    let off = v.checked_sub(LABEL_BASE).filter(|&o| o >= 0)?;
    let id = off & ((1 << LABEL_ID_BITS) - 1);
    Some(((off >> LABEL_ID_BITS) as usize, id as usize))
}

/// `longjump(level, label)` on its way out of nested calls: the activation it resumes is
/// the innermost one of `label`'s function whose call area holds `level` (the frame of a
/// call it made, as `level()` returns it), and it goes on at `label`, which must be outside
/// every VALOF. None running (a level that has returned, a label of another function, a
/// coroutine's stack left behind) is [`Fault::LongJump`] at `line`, the line of the call.
/// Cintcode's `longjump` sets its frame pointer to the level and jumps; here the level names
/// a call area instead of a frame, and the result is the same for `level()` and a label
/// taken in the same function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jump {
    /// The word address `level()` returned.
    pub level: i64,
    /// The label's value ([`label_value`]).
    pub label: i64,
    /// The line of the `longjump` call.
    pub line: u32,
    /// The word address of the `longjump` call's frame: every activation it leaves has its
    /// frame between the resumed one's call area and this.
    pub from: usize,
}

impl Jump {
    /// The error, and its line, when no activation resumes this jump.
    pub fn error(&self) -> (u32, Fault) {
        (self.line, Fault::LongJump(self.label))
    }

    /// [`Jump::error`] as the stop it is.
    pub fn fault(&self) -> Stop {
        let (line, fault) = self.error();
        Stop::Fault(line, fault)
    }

    /// Whether an activation of function `index` with its frame at word `fp` and `func`'s
    /// layout resumes this jump (its function owns the label and its call area holds the
    /// level), and the label's number if so.
    pub fn resumes(&self, index: usize, fp: usize, func: &ir::Func) -> Option<usize> {
        let (owner, id) = label_of(self.label)?;
        let level = usize::try_from(self.level).ok()?;
        let area = fp + func.call_base()..fp + func.frame_words();
        (owner == index && id < func.labels && area.contains(&level)).then_some(id)
    }
}
/// Why a run stopped before `start` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A run-time error at a line.
    Fault(u32, Fault),
    /// `stop(code)`, `FINISH` (code 0).
    Exit(i64),
    /// Internal to the interpreter: `RETURN` inside a `VALOF`, unwinding to the call it
    /// returns from.
    Return(i64),
    /// Internal to the interpreter: `BREAK`, `LOOP` or `ENDCASE` inside a `VALOF`, unwinding
    /// through the expression to the loop or SWITCHON around it (in the same function).
    Escape(Escape),
    /// `longjump`, unwinding to the activation it resumes ([`Jump`]).
    LongJump(Jump),
    /// Internal to coroutines: the run is over (or the coroutine deleted) while this
    /// coroutine was suspended; it unwinds and ends (see [`super::coroutine`]).
    Unwind,
}

/// The machine's [`MEM_WORDS`] words could not be allocated (under `ulimit -v`, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoMemory;

impl std::fmt::Display for NoMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not enough memory to run: the BCPL machine's {} MiB of words could not be allocated",
            (MEM_WORDS * 8) >> 20
        )
    }
}

/// `n` zero words, or [`NoMemory`]. The zeroed allocation leaves untouched pages to the
/// system's zero pages, so a run pays only for the memory it uses.
fn zeroed_words(n: usize) -> Result<Vec<i64>, NoMemory> {
    let layout = std::alloc::Layout::array::<i64>(n).map_err(|_| NoMemory)?;
    if layout.size() == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: `layout` has a non-zero size (checked above).
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    if p.is_null() {
        return Err(NoMemory);
    }
    // SAFETY: `p` was allocated by the global allocator with the layout of `n` i64s, which
    // is the layout a Vec<i64> of capacity `n` has; all-zero bytes are valid i64s, so all `n`
    // elements are initialised.
    Ok(unsafe { Vec::from_raw_parts(p.cast::<i64>(), n, n) })
}

/// What a [`Stop::Escape`] leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// `BREAK`: the loop.
    Break,
    /// `LOOP`: the loop's pass, on to the next.
    Loop,
    /// `ENDCASE`: the SWITCHON.
    EndCase,
    /// `GOTO`: the VALOFs inside the one that holds the label.
    Goto(usize),
}

/// Memory and the library's state, shared by both back ends.
pub struct Runtime {
    /// All of memory, [`MEM_WORDS`] words, indexed by word address.
    pub mem: Vec<i64>,
    /// Entries of the call table: program functions, then library routines.
    pub callables: usize,
    /// The getvec/freevec allocator over the words between the image and [`STACK_BASE`].
    pub heap: Heap,
    /// The command-line arguments after the file name, which `rdargs` reads from the
    /// console's input ([`super::streams::command_rest`]).
    pub args: Vec<String>,
    /// The coroutines' stacks and contexts.
    pub coroutines: super::coroutine::Coroutines,
    /// When the run started, for `sys(Sys_cputime)`.
    pub started: std::time::Instant,
    /// How many calls of a program's own `wrch`, `rdch` or `unrdch` by the library are
    /// running, one inside another.
    pub callback_depth: usize,
}

impl Runtime {
    /// Memory holding `prog`'s image, an empty heap and stack; [`NoMemory`] if the system
    /// refuses the memory.
    pub fn new(prog: &ir::Program, args: Vec<String>) -> Result<Runtime, NoMemory> {
        let mut mem = zeroed_words(MEM_WORDS)?;
        mem[..prog.image.len()].copy_from_slice(&prog.image);
        let heap_start = prog.image.len().next_multiple_of(8);
        super::streams::reset(&args);
        Ok(Runtime {
            mem,
            callables: prog.funcs.len() + super::library::COUNT,
            heap: Heap::new(heap_start, STACK_BASE),
            args,
            coroutines: super::coroutine::Coroutines::default(),
            started: std::time::Instant::now(),
            callback_depth: 0,
        })
    }

    /// Makes `self` ready for another run of `prog`, without allocating memory again: the
    /// image is copied back and the heap and input start afresh. Words the image does not
    /// cover keep what the last run left there (a fresh `Runtime` has zeros), which only a
    /// program reading memory it never wrote can see. For repeated runs (the benchmarks).
    pub fn reset(&mut self, prog: &ir::Program) {
        self.mem[..prog.image.len()].copy_from_slice(&prog.image);
        let heap_start = prog.image.len().next_multiple_of(8);
        self.heap = Heap::new(heap_start, STACK_BASE);
        super::streams::reset(&self.args);
        self.coroutines = super::coroutine::Coroutines::default();
        self.started = std::time::Instant::now();
        self.callback_depth = 0;
    }

    /// `getvec(upb)`: a vector of `upb + 1` words from the heap, all 0, or `None` when no free
    /// block is large enough (or `upb` is negative).
    pub fn getvec(&mut self, upb: i64) -> Option<i64> {
        let words = usize::try_from(upb).ok()?.checked_add(1)?;
        let at = self.heap.alloc(words)?;
        self.mem[at..at + words].fill(0);
        Some(at as i64)
    }

    /// `freevec(v)`: returns the vector at `v` to the heap; false if `getvec` did not give it.
    pub fn freevec(&mut self, v: i64) -> bool {
        usize::try_from(v).is_ok_and(|v| self.heap.free(v))
    }

    /// The index of word `addr`, or the error at `line`.
    pub fn index(&self, addr: i64, line: u32) -> Result<usize, Stop> {
        usize::try_from(addr)
            .ok()
            .filter(|&a| a < self.mem.len())
            .ok_or(Stop::Fault(line, Fault::BadAddress(addr)))
    }

    /// The word at `addr`, or [`Fault::BadAddress`] at `line`.
    pub fn load(&self, addr: i64, line: u32) -> Result<i64, Stop> {
        Ok(self.mem[self.index(addr, line)?])
    }

    /// Sets the word at `addr` to `value`, or fails with [`Fault::BadAddress`] at `line`.
    pub fn store(&mut self, addr: i64, value: i64, line: u32) -> Result<(), Stop> {
        let a = self.index(addr, line)?;
        self.mem[a] = value;
        Ok(())
    }

    /// The byte index of `s%i`, checked.
    fn byte_index(&self, s: i64, i: i64, line: u32) -> Result<(usize, u32), Stop> {
        let b = (s as u64).wrapping_mul(8).wrapping_add(i as u64);
        let word = (b / 8) as i64;
        Ok((self.index(word, line)?, (b % 8) as u32 * 8))
    }

    /// `s%i`: byte `i` (0 to 255) of the string or vector at `s`, or [`Fault::BadAddress`] at `line`.
    pub fn load_byte(&self, s: i64, i: i64, line: u32) -> Result<i64, Stop> {
        let (w, shift) = self.byte_index(s, i, line)?;
        Ok((self.mem[w] >> shift) & 0xFF)
    }

    /// `s%i := v`: sets byte `i` from `s` to the low byte of `v`, or fails with [`Fault::BadAddress`] at `line`.
    pub fn store_byte(&mut self, s: i64, i: i64, v: i64, line: u32) -> Result<(), Stop> {
        let (w, shift) = self.byte_index(s, i, line)?;
        let mask = !(0xFFi64 << shift);
        self.mem[w] = (self.mem[w] & mask) | ((v & 0xFF) << shift);
        Ok(())
    }

    /// The call-table index of function value `v`, or the error at `line`.
    pub fn callable(&self, v: i64, line: u32) -> Result<usize, Stop> {
        v.checked_sub(FN_BASE)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| i < self.callables)
            .ok_or(Stop::Fault(line, Fault::BadCall(v)))
    }
}

/// The getvec/freevec allocator: first fit over the heap words, deterministic so that both
/// back ends hand out the same addresses.
#[derive(Debug)]
pub struct Heap {
    /// Free blocks: start -> words.
    free: BTreeMap<usize, usize>,
    /// Allocated blocks: start -> words.
    used: BTreeMap<usize, usize>,
}

impl Heap {
    /// A heap of the words `start..end`, all free.
    pub fn new(start: usize, end: usize) -> Heap {
        let mut free = BTreeMap::new();
        if end > start {
            free.insert(start, end - start);
        }
        Heap {
            free,
            used: BTreeMap::new(),
        }
    }

    /// A block of `words` words, or `None` when no free block is large enough.
    pub fn alloc(&mut self, words: usize) -> Option<usize> {
        let (&at, &size) = self.free.iter().find(|(_, &size)| size >= words)?;
        self.free.remove(&at);
        if size > words {
            self.free.insert(at + words, size - words);
        }
        self.used.insert(at, words);
        Some(at)
    }

    /// The words of the largest free block.
    pub fn largest(&self) -> usize {
        self.free.values().copied().max().unwrap_or(0)
    }

    /// Frees the block at `at`; false if no block starts there.
    pub fn free(&mut self, at: usize) -> bool {
        let Some(mut size) = self.used.remove(&at) else {
            return false;
        };
        let mut start = at;
        if let Some((&next, &n)) = self.free.range(at + size..).next() {
            if next == at + size {
                self.free.remove(&next);
                size += n;
            }
        }
        if let Some((&prev, &p)) = self.free.range(..at).next_back() {
            if prev + p == at {
                self.free.remove(&prev);
                start = prev;
                size += p;
            }
        }
        self.free.insert(start, size);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_reuses_and_merges_freed_blocks() {
        let mut h = Heap::new(100, 200);
        let a = h.alloc(10).unwrap();
        let b = h.alloc(20).unwrap();
        assert_eq!((a, b), (100, 110));
        assert!(h.free(a));
        assert!(!h.free(a));
        assert_eq!(h.alloc(5), Some(100));
        assert!(h.free(100) && h.free(b));
        assert_eq!(h.alloc(100), Some(100));
        assert_eq!(h.alloc(1), None);
    }
}
