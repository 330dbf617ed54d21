//! The library of `libhdr`: written once, run by both back ends.
//!
//! Each routine is a Rust function over the [`Runtime`] (memory, heap) and the run's
//! [`streams`] (the console and files; what is written to the console is buffered by
//! [`Output`], what goes to a file is taken from there by [`call`]). The
//! interpreter calls [`call`] directly; JIT code reaches it through a small stub per routine
//! that [`super::jit`] builds, so both print and read exactly the same bytes. A call's
//! arguments are the words of the callee's frame (`frame`, `frame + 1`, ...), as for a BCPL
//! function: routines that take a variable number of arguments (`writef`) read as many as
//! the format asks for.
//!
//! Library routines are globals, at their `libhdr` numbers (`writef` is G!94), holding
//! function values, so a program can pass them around, call them through variables, or
//! assign its own routine to the global. The manifest constants of `libhdr`
//! (`bytesperword`, `endstreamch`, `ug`, ...) are in [`MANIFESTS`]. The numeric routines
//! follow Richards' `blib` (read for its behaviour, not copied): `writed` pads on the left,
//! `writehex(n, d)` writes exactly `d` digits, `randno` is his linear congruential generator.

use super::arith::truth;
use super::calendar;
use super::coroutine;
use super::encoding;
use super::float;
use super::memory::{Fault, Jump, Runtime, Stop, FN_BASE, GLOBWORD, MEM_WORDS, STACK_BASE};
use super::records;
use super::runtime::Output;
use super::scb::{self, Open};
use super::streams;
use super::sysops::{
    self, is_cintcode_sys, SYS_BUTTONS, SYS_CPUTIME, SYS_DELAY, SYS_FREEVEC, SYS_GETPID,
    SYS_GETVEC, SYS_GL, SYS_GRAPHICS, SYS_INTFLAG, SYS_MEMMOVEBYTES, SYS_MEMMOVEWORDS, SYS_MULDIV,
    SYS_PLATFORM, SYS_POLLSARDCH, SYS_QUIT, SYS_SARDCH, SYS_SAWRCH, SYS_SDL, SYS_SOUND,
};
use std::rc::Rc;

pub use super::sysops::SYS_FLT;

/// `result2`: the global that holds the second result of library routines (`string_to_number`'s value, `muldiv`'s remainder).
pub const RESULT2: usize = 10;
/// `stop`: the global that holds the routine `stop`, which `FINISH` calls.
pub const STOP: usize = 2;
/// `randseed`: the state of `randno`'s generator, which `setseed` sets.
pub const RANDSEED: usize = 127;
/// What `randseed` holds when a run starts, as in Cintcode (whose programs that never call
/// `setseed` see this sequence).
pub const INITIAL_SEED: i64 = 12345;

/// The routines, in call-table order after the program's functions: name and global number.
pub const ROUTINES: &[(&str, usize)] = &[
    ("wrch", 41),
    ("rdch", 38),
    ("unrdch", 40),
    ("newline", 84),
    ("newpage", 120),
    ("writes", 89),
    ("writen", 86),
    ("writed", 85),
    ("writeu", 91),
    ("writez", 92),
    ("writehex", 87),
    ("writeoct", 88),
    ("writebin", 176),
    ("writet", 90),
    ("writef", 94),
    ("sawritef", 95),
    ("readn", 83),
    ("readflt", 74),
    ("getvec", 25),
    ("freevec", 27),
    ("randno", 34),
    ("setseed", 35),
    ("datstamp", 109),
    ("stop", STOP),
    ("abort", 28),
    ("rdargs", 102),
    ("rdargs2", 26),
    ("str2numb", 101),
    ("capitalch", 96),
    ("compch", 97),
    ("compstring", 98),
    ("muldiv", 5),
    ("sardch", 36),
    ("sawrch", 37),
    ("input", 58),
    ("output", 59),
    ("selectinput", 56),
    ("selectoutput", 57),
    ("endread", 60),
    ("endstream", 62),
    ("endwrite", 61),
    ("findinput", 48),
    ("findoutput", 49),
    ("findappend", 130),
    ("pathfindinput", 53),
    ("binrdch", 39),
    ("binwrch", 42),
    ("readwords", 44),
    ("writewords", 45),
    ("deletefile", 76),
    ("renamefile", 77),
    ("copystring", 99),
    ("string_to_number", 100),
    ("copy_words", 114),
    ("clear_words", 115),
    ("deplete", 43),
    ("rewindstream", 65),
    ("codewrch", 126),
    ("unpackstring", 31),
    ("packstring", 30),
    ("maxvec", 177),
    ("createco", 17),
    ("deleteco", 18),
    ("callco", 19),
    ("cowait", 20),
    ("resumeco", 21),
    ("initco", 22),
    ("startco", 23),
    ("intflag", 119),
    ("sys", SYS_GLOBAL),
    ("writeflt", 73),
    ("writee", 180),
    ("delay", 128),
    ("level", 15),
    ("longjump", 16),
    ("findinoutput", 50),
    ("findupdate", 51),
    ("note", 63),
    ("point", 64),
    ("setrecordlength", 68),
    ("recordpoint", 69),
    ("recordnote", 70),
    ("get_record", 71),
    ("put_record", 72),
    ("datstring", 108),
    ("dat_to_strings", 110),
    ("rditem", 103),
    ("findarg", 104),
    ("getword", 32),
    ("putword", 33),
    ("copy_bytes", 116),
];

/// How many library routines there are.
pub const COUNT: usize = ROUTINES.len();

/// The console's input stream, which `cis` (the selected input stream) starts with.
pub const INPUT: i64 = streams::CONSOLE_IN;
/// The console's output stream, which `cos` (the selected output stream) starts with.
pub const OUTPUT: i64 = streams::CONSOLE_OUT;
/// `cis` and `cos`: the current input and output streams.
pub const CIS: usize = 12;
/// See [`CIS`].
pub const COS: usize = 13;

/// `start`'s global: a program's `start` (in any case) is its value.
pub const START: usize = 1;

/// Named cells of `libhdr` that programs use as variables.
pub const CELLS: &[(&str, usize)] = &[
    ("start", START),
    ("result2", RESULT2),
    ("cis", CIS),
    ("cos", COS),
    ("randseed", RANDSEED),
    ("globsize", 0),
    ("glob0", 0),
    // A scratch word of native code's in Cintcode, a plain global here.
    ("tempval", 11),
    ("currco", coroutine::CURRCO),
    ("colist", coroutine::COLIST),
];

/// Sets every global of `globals` (the global vector) that neither the program nor the
/// library gave a value to [`GLOBWORD`]` + n`, but for those the library's own code expects
/// to start at 0 (`result2`, `currco`, `colist`).
pub fn unset_globals(globals: &mut [i64]) {
    for (n, g) in globals.iter_mut().enumerate().skip(1) {
        if *g == 0 && ![RESULT2, coroutine::CURRCO, coroutine::COLIST].contains(&n) {
            *g = GLOBWORD + n as i64;
        }
    }
}

/// The manifest constants of `libhdr` (64-bit words).
pub const MANIFESTS: &[(&str, i64)] = &[
    ("globword", GLOBWORD),
    ("bytesperword", 8),
    ("bitsperbyte", 8),
    ("bitsperword", 64),
    ("BITSPERBCPLWORD", 64),
    // log2 of the bytes per word: 1 + BITSPERBCPLWORD/32.
    ("B2Wsh", 3),
    ("W2Bsh", 3),
    // TRUE: words are 64 bits.
    ("ON64", -1),
    ("g_result2", RESULT2 as i64),
    // The classic library's bounds of the stack (the main one's here), by which old
    // programs size their work vectors for `aptovec`.
    ("stackbase", STACK_BASE as i64),
    ("stackend", MEM_WORDS as i64 - 1),
    ("mcaddrinc", 8),
    ("minint", i64::MIN),
    ("maxint", i64::MAX),
    ("endstreamch", streams::END),
    ("timeoutch", -2),
    ("pollingch", streams::POLLING),
    ("tg", 190),
    ("ug", 200),
    // The first globals of the libraries for graphics, sound and extensions, which
    // programs GET as source (`g/sdl.b`, `g/graphics.b`, ...); their devices answer as in
    // [`sysops::SYS_SDL`].
    ("g_grbase", 450),
    ("g_bdrawbase", 450),
    ("g_sdlbase", 450),
    ("g_glbase", 450),
    ("g_sndbase", 450),
    ("g_alsabase", 500),
    ("g_extbase", 950),
    // The method numbers `mkobj` objects answer (see `#(` in the parser).
    ("InitObj", 0),
    ("CloseObj", 1),
    // The encodings `codewrch` selects.
    ("UTF8", UTF8),
    ("GB2312", GB2312),
];

/// `codewrch`'s codes that select an encoding (see [`codewrch`]).
const UTF8: i64 = -1;
const GB2312: i64 = -2;

/// The global that holds `sys`, through which floating-point operators call it.
pub const SYS_GLOBAL: usize = 3;

/// What `sys(Sys_platform)` gives: Cintcode's code for the system it was built for
/// (`sysc/cintmain.c`), 5 for Linux (`-DforLinux`, the Makefile's setting on every Linux
/// machine) and 0, "unknown", for the others, macOS included, which that list does not name.
const PLATFORM: i64 = if cfg!(target_os = "linux") { 5 } else { 0 };

/// The manifest constants of `libhdr`: [`MANIFESTS`], the `sys` operations provided,
/// floating point's `fl_` numbers and the layout of stream control blocks.
pub fn manifests() -> impl Iterator<Item = &'static (&'static str, i64)> {
    MANIFESTS
        .iter()
        .chain(sysops::PROVIDED)
        .chain(float::MANIFESTS)
        .chain(scb::MANIFESTS)
}

/// `name` as `libhdr` spells it: old programs write `string.to.number` for
/// `string_to_number`.
pub fn libhdr_spelling(name: &str) -> String {
    name.replace('.', "_")
}

/// The routine called `name` (in any [`libhdr_spelling`]): its index in [`ROUTINES`].
pub fn lookup(name: &str) -> Option<usize> {
    let name = libhdr_spelling(name);
    ROUTINES.iter().position(|(n, _)| *n == name)
}

/// The arguments of one call: word `k` of the callee's frame.
struct Args<'r> {
    rt: &'r mut Runtime,
    frame: usize,
    line: u32,
}

impl Args<'_> {
    fn get(&self, k: usize) -> Result<i64, Stop> {
        self.rt.load(self.frame.wrapping_add(k) as i64, self.line)
    }

    /// The bytes of the BCPL string at `s`.
    fn string(&self, s: i64) -> Result<Vec<u8>, Stop> {
        string_at(self.rt, s, self.line)
    }

    /// The bytes of the string at `s` if `s` is an address inside memory, else `bad`:
    /// `blib`'s safety check (`0 < s < rtn_memsize`) on what `writes` and `writef` write.
    fn checked_string(&self, s: i64, bad: &[u8]) -> Result<Vec<u8>, Stop> {
        if self.rt.index(s, self.line).is_ok_and(|at| at > 0) {
            self.string(s)
        } else {
            Ok(bad.to_vec())
        }
    }

    /// What `writes(s)` writes: the string at `s`, or `##Bad string##` where `s` is not an
    /// address inside memory.
    fn written_string(&self, s: i64) -> Result<Vec<u8>, Stop> {
        self.checked_string(s, b"##Bad string##")
    }
}

/// The bytes of the BCPL string at word address `s`.
pub fn string_at(rt: &Runtime, s: i64, line: u32) -> Result<Vec<u8>, Stop> {
    let len = rt.load_byte(s, 0, line)?;
    (1..=len)
        .map(|i| rt.load_byte(s, i, line).map(|b| b as u8))
        .collect()
}

/// Writes `bytes` as a BCPL string at `at`; returns the words used.
fn put_string(rt: &mut Runtime, at: i64, bytes: &[u8], line: u32) -> Result<usize, Stop> {
    let bytes = &bytes[..bytes.len().min(255)];
    rt.store_byte(at, 0, bytes.len() as i64, line)?;
    for (i, &b) in bytes.iter().enumerate() {
        rt.store_byte(at, i as i64 + 1, i64::from(b), line)?;
    }
    let words = (bytes.len() + 8) / 8;
    for i in bytes.len() + 1..words * 8 {
        rt.store_byte(at, i as i64, 0, line)?;
    }
    Ok(words)
}

/// Now as a date stamp: days since 1 January 1970 and milliseconds since midnight, UTC.
fn now_stamp() -> (i64, i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let (days, msecs) = (now / 86_400_000, now % 86_400_000);
    (i64::try_from(days).unwrap_or(0), msecs as i64)
}

/// `dat_to_strings` of the stamp (`days`, `msecs`) into `v`: the date at `v`, the time at
/// `v+5`, the day of the week at `v+10` ([`calendar`]). Returns `v`.
fn put_date_strings(
    rt: &mut Runtime,
    days: i64,
    msecs: i64,
    v: i64,
    line: u32,
) -> Result<i64, Stop> {
    for (i, s) in calendar::strings(days, msecs).iter().enumerate() {
        put_string(rt, v.wrapping_add(5 * i as i64), s, line)?;
    }
    Ok(v)
}

/// The routines that write to the selected output stream, `cos`.
const WRITERS: &[&str] = &[
    "wrch",
    "binwrch",
    "codewrch",
    "newline",
    "newpage",
    "writes",
    "writet",
    "writen",
    "writed",
    "writez",
    "writeu",
    "writehex",
    "writeoct",
    "writebin",
    "writef",
    "writeflt",
    "writee",
    "writewords",
];

/// The writers that `blib` writes through the global `wrch`, one character at a time, so
/// that a program's own `wrch` (`wrch := f`) gets what they write; `binwrch(ch)` is
/// `wrch(ch | 256)` there. `writewords` and `sawritef` write to the stream or the console
/// directly.
const THROUGH_WRCH: &[&str] = &[
    "binwrch", "codewrch", "newline", "newpage", "writes", "writet", "writen", "writed", "writez",
    "writeu", "writehex", "writeoct", "writebin", "writef", "writeflt", "writee",
];

/// `wrch`, `rdch` and `unrdch`: the globals through which the writers of [`THROUGH_WRCH`]
/// write and the readers ([`Reader`]) read, which are also the indices in [`ROUTINES`] of
/// the library's own routines of those names ([`own_function`]).
const WRCH: (usize, usize) = (41, 0);
const RDCH: (usize, usize) = (38, 1);
const UNRDCH: (usize, usize) = (40, 2);
const _: () = assert!(
    matches!(ROUTINES[WRCH.1], (name, g) if g == WRCH.0 && matches!(name.as_bytes(), b"wrch"))
        && matches!(ROUTINES[RDCH.1], (name, g) if g == RDCH.0 && matches!(name.as_bytes(), b"rdch"))
        && matches!(ROUTINES[UNRDCH.1], (name, g) if g == UNRDCH.0 && matches!(name.as_bytes(), b"unrdch"))
);

/// How deeply the library's calls of a program's own `wrch`, `rdch` or `unrdch` may run one
/// inside another (a `wrch` that calls `writef`, which calls it again), before the run
/// stops with a stack overflow: each level takes native stack, which must not run out.
const MAX_CALLBACK_DEPTH: usize = 32;

/// Calls library routine `id` with the frame at `frame`, from a call at `line`.
pub fn call(rt: &mut Runtime, id: usize, frame: usize, line: u32) -> Result<i64, Stop> {
    let name = ROUTINES.get(id).map_or("", |r| r.0);
    if THROUGH_WRCH.contains(&name) {
        if let Some((body, _)) = own_function(rt, WRCH) {
            return through_wrch(rt, &*body, name, frame, line);
        }
    }
    let cos = rt.mem[COS];
    if cos == OUTPUT || !WRITERS.contains(&name) {
        return dispatch(rt, name, frame, line);
    }
    // Writing to a file: what the routine writes is taken from the console's buffer.
    if !streams::is_output(cos) {
        return Err(Stop::Fault(line, Fault::NoOutput(cos)));
    }
    Output::divert();
    let result = dispatch(rt, name, frame, line);
    scb::write(rt, cos, &Output::undivert(), line)?;
    result
}

/// The function the program has put in global `g` of library routine `(g, routine)` (its
/// own `wrch`, say), with the back end's way to call it; `None` while the library's routine
/// is there, or outside a run.
fn own_function(
    rt: &Runtime,
    (g, routine): (usize, usize),
) -> Option<(Rc<dyn coroutine::Body>, i64)> {
    let f = rt.mem[g];
    (f != value(rt.callables - COUNT, routine))
        .then(|| rt.coroutines.body())
        .flatten()
        .map(|body| (body, f))
}

/// Calls the program's function `f` for the library (the `wrch`, `rdch` or `unrdch` it
/// installed) with its frame at `frame`, where the calling routine's was (which has taken
/// its arguments by then), on the running stack.
fn call_back(
    rt: &mut Runtime,
    body: &dyn coroutine::Body,
    f: i64,
    frame: usize,
    line: u32,
) -> Result<i64, Stop> {
    if rt.callback_depth >= MAX_CALLBACK_DEPTH {
        return Err(Stop::Fault(line, Fault::StackOverflow));
    }
    let end = coroutine::stack_end(rt);
    rt.callback_depth += 1;
    let result = body.call(rt, f, frame, end, line);
    rt.callback_depth -= 1;
    result
}

/// Writer `name` (with the frame at `frame`) when the program has its own `wrch`: what the
/// writer writes is taken, then handed to that `wrch` a character at a time ([`call_back`]).
fn through_wrch(
    rt: &mut Runtime,
    body: &dyn coroutine::Body,
    name: &str,
    frame: usize,
    line: u32,
) -> Result<i64, Stop> {
    let binary = name == "binwrch";
    let (written, mut result) = if binary {
        (vec![Args { rt, frame, line }.get(0)? | 256], Ok(0))
    } else {
        Output::divert();
        let result = dispatch(rt, name, frame, line);
        let bytes = Output::undivert();
        (bytes.into_iter().map(i64::from).collect(), result)
    };
    for ch in written {
        rt.store(frame as i64, ch, line)?;
        let value = call_back(rt, body, rt.mem[WRCH.0], frame, line)?;
        if binary {
            // `binwrch(ch)` is `wrch(ch | 256)`: what the program's `wrch` gives.
            result = Ok(value);
        }
    }
    result
}

/// `op` on the selected input stream `cis`, or the error at `line` if `cis` is no open input
/// stream (`op` gives `None`). Before a read of the console that would wait for input, what
/// was written is flushed ([`flush_before_console_wait`]).
fn on_input<T>(
    rt: &mut Runtime,
    line: u32,
    op: impl FnOnce(&mut Runtime, i64) -> Result<Option<T>, Stop>,
) -> Result<T, Stop> {
    let cis = rt.mem[CIS];
    if cis == INPUT {
        flush_before_console_wait(false);
    }
    op(rt, cis)?.ok_or(Stop::Fault(line, Fault::NoInput(cis)))
}

/// Where the library's readers (`readn`, `readflt`, `rditem`, `rdargs`) take their
/// characters. As `blib`'s, they read through the globals `rdch` and `unrdch`: while those
/// hold the library's routines, from the selected input, as those routines read it (the
/// error at the reader's line if no input stream is selected); when the program has put its
/// own function in one (`rdch := f`), from that function ([`call_back`], with the reader's
/// frame).
///
/// A reader belongs to a routine, with its frame at `frame` and called at `line`, that has
/// taken its arguments.
struct Reader {
    frame: usize,
    line: u32,
}

impl Reader {
    /// The next character.
    fn next(&self, rt: &mut Runtime) -> Result<i64, Stop> {
        if let Some((body, f)) = own_function(rt, RDCH) {
            return call_back(rt, &*body, f, self.frame, self.line);
        }
        let line = self.line;
        on_input(rt, line, |rt, s| scb::rdch(rt, s, false, line))
    }

    /// Steps back a character: the next [`Reader::next`] gives it again.
    fn back(&self, rt: &mut Runtime) -> Result<(), Stop> {
        if let Some((body, f)) = own_function(rt, UNRDCH) {
            return call_back(rt, &*body, f, self.frame, self.line).map(drop);
        }
        let line = self.line;
        on_input(rt, line, |rt, s| scb::unrdch(rt, s, line)).map(drop)
    }
}

/// Writes what the program has written (to the console and to files) before a read of the
/// console that would wait for the system, so that a prompt is seen before the program waits
/// for its answer, as Cintcode's `deplete(cos)` before reading and its console stream's
/// writing of each line do. `raw` as for [`streams::console_would_wait`].
fn flush_before_console_wait(raw: bool) {
    if streams::console_would_wait(raw) {
        Output::flush();
    }
}

/// `endstream(s)`: closes `s`, which is then selected no more.
fn end_stream(rt: &mut Runtime, s: i64, line: u32) -> Result<(), Stop> {
    scb::end(rt, s, line)?;
    for selected in [CIS, COS] {
        if rt.mem[selected] == s {
            rt.mem[selected] = 0;
        }
    }
    Ok(())
}

/// The routine `name` with the frame at `frame`, from a call at `line`.
fn dispatch(rt: &mut Runtime, name: &str, frame: usize, line: u32) -> Result<i64, Stop> {
    let mut a = Args { rt, frame, line };
    let arg = |a: &Args, k| a.get(k);
    Ok(match name {
        // `wrch` (and `binwrch`, which is `wrch(ch | 256)` in blib) gives TRUE, as blib's
        // does when the character is taken. `sawrch` is `sys(Sys_sawrch, ch)`, which writes
        // past the console stream's pending line and gives 0.
        "wrch" | "binwrch" => {
            Output::char(arg(&a, 0)?);
            truth(true)
        }
        "sawrch" => {
            let c = arg(&a, 0)?;
            Output::direct(|| Output::char(c));
            0
        }
        "codewrch" => {
            codewrch(a.rt, arg(&a, 0)?, line)?;
            0
        }
        "rdch" => on_input(a.rt, line, |rt, s| scb::rdch(rt, s, false, line))?,
        "binrdch" => on_input(a.rt, line, |rt, s| scb::rdch(rt, s, true, line))?,
        // `readwords(v, n)`: up to `n` words' bytes from `cis` into `v`; the number of whole
        // words read (a few bytes of a last partial word may be stored too).
        "readwords" => {
            let (v, n) = (arg(&a, 0)?, arg(&a, 1)?);
            let bytes = n.saturating_mul(8);
            let mut i = 0;
            while i < bytes {
                let b = on_input(a.rt, line, |rt, s| scb::rdch(rt, s, true, line))?;
                if b < 0 {
                    break;
                }
                a.rt.store_byte(v, i, b, line)?;
                i += 1;
            }
            i / 8
        }
        // `writewords(v, n)`: the bytes of `n` words from `v` to `cos`; FALSE when `n` <= 0.
        "writewords" => {
            let (v, n) = (arg(&a, 0)?, arg(&a, 1)?);
            for i in 0..n.max(0).saturating_mul(8) {
                Output::char(a.rt.load_byte(v, i, line)?);
            }
            truth(n > 0)
        }
        "sardch" => {
            flush_before_console_wait(true);
            streams::sardch()
        }
        "unrdch" => truth(on_input(a.rt, line, |rt, s| scb::unrdch(rt, s, line))?),
        "newline" => {
            Output::char(10);
            0
        }
        "newpage" => {
            Output::char(12);
            0
        }
        "writes" => {
            let s = a.written_string(arg(&a, 0)?)?;
            Output::bytes(&s);
            0
        }
        "writet" => {
            let s = a.written_string(arg(&a, 0)?)?;
            Output::bytes(&s);
            pad(arg(&a, 1)? - s.len() as i64, b' ');
            0
        }
        "writen" => {
            write_signed(arg(&a, 0)?, 0, false);
            0
        }
        "writed" => {
            write_signed(arg(&a, 0)?, arg(&a, 1)?, false);
            0
        }
        "writez" => {
            write_signed(arg(&a, 0)?, arg(&a, 1)?, true);
            0
        }
        "writeu" => {
            write_unsigned(arg(&a, 0)?, arg(&a, 1)?);
            0
        }
        "writehex" => {
            write_digits(arg(&a, 0)?, arg(&a, 1)?, 4);
            0
        }
        "writeoct" => {
            write_digits(arg(&a, 0)?, arg(&a, 1)?, 3);
            0
        }
        "writebin" => {
            write_digits(arg(&a, 0)?, arg(&a, 1)?, 1);
            0
        }
        "writef" => {
            let format = arg(&a, 0)?;
            let mut next = 1;
            write_format(&mut a, format, &mut next)?;
            0
        }
        "sawritef" => {
            let format = arg(&a, 0)?;
            let mut next = 1;
            Output::direct(|| write_format(&mut a, format, &mut next))?;
            0
        }
        "readn" => readn(
            &Reader {
                frame: a.frame,
                line,
            },
            a.rt,
        )?,
        "readflt" => readflt(
            &Reader {
                frame: a.frame,
                line,
            },
            a.rt,
        )?,
        "getvec" => a.rt.getvec(arg(&a, 0)?).unwrap_or(0),
        // `delay(msecs)`: waits that long (a negative time as 0); returns 0.
        "delay" => {
            let ms = u64::try_from(arg(&a, 0)?).unwrap_or(0);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            0
        }
        "maxvec" => a.rt.heap.largest().saturating_sub(1) as i64,
        "createco" => coroutine::createco(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "deleteco" => coroutine::deleteco(a.rt, arg(&a, 0)?, line)?,
        "callco" => coroutine::callco(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "cowait" => coroutine::cowait(a.rt, arg(&a, 0)?, line)?,
        "resumeco" => coroutine::resumeco(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "initco" => coroutine::initco(a.rt, frame, RESULT2, line)?,
        "startco" => {
            let (f, x, size) = (arg(&a, 0)?, arg(&a, 1)?, arg(&a, 2)?);
            coroutine::startco(a.rt, f, x, size, line)?
        }
        "freevec" => {
            let v = arg(&a, 0)?;
            if v != 0 && !a.rt.freevec(v) {
                return Err(Stop::Fault(line, Fault::BadFree(v)));
            }
            0
        }
        "randno" => {
            let upb = arg(&a, 0)?;
            let seed = a.rt.mem[RANDSEED]
                .wrapping_mul(2147001325)
                .wrapping_add(715136305);
            a.rt.mem[RANDSEED] = seed;
            if upb == 0 {
                return Err(Stop::Fault(line, Fault::DivZero));
            }
            (seed / 3).wrapping_abs().wrapping_rem(upb) + 1
        }
        "setseed" => {
            let old = a.rt.mem[RANDSEED];
            a.rt.mem[RANDSEED] = arg(&a, 0)?;
            old
        }
        "datstamp" => {
            // Cintcode's format: days since 1 January 1970 and milliseconds since midnight
            // (UTC here); `v!2` is no longer set (`sysc/cintmain.c`, 2023), and the result
            // is -1, success.
            let v = arg(&a, 0)?;
            let (days, msecs) = now_stamp();
            a.rt.store(v, days, line)?;
            a.rt.store(v.wrapping_add(1), msecs, line)?;
            -1
        }
        "datstring" => {
            let v = arg(&a, 0)?;
            let (days, msecs) = now_stamp();
            put_date_strings(a.rt, days, msecs, v, line)?
        }
        "dat_to_strings" => {
            let (datv, v) = (arg(&a, 0)?, arg(&a, 1)?);
            let (days, msecs) = (
                a.rt.load(datv, line)?,
                a.rt.load(datv.wrapping_add(1), line)?,
            );
            put_date_strings(a.rt, days, msecs, v, line)?
        }
        "stop" => coroutine::stop(a.rt, arg(&a, 0)?, line)?,
        "abort" => return Err(Stop::Fault(line, Fault::Abort(arg(&a, 0)?))),
        "rdargs" => {
            let keys = a.string(a.get(0)?)?;
            rdargs(&mut a, &keys, 1)?
        }
        // The keys in two strings, one after the other (for formats longer than a string).
        "rdargs2" => {
            let mut keys = a.string(a.get(0)?)?;
            keys.extend(a.string(a.get(1)?)?);
            rdargs(&mut a, &keys, 2)?
        }
        "rditem" => rditem(&mut a)?,
        "findarg" => findarg(&a)?,
        // Element `i` of a vector of 16-bit words, stored low byte first, as blib's.
        "getword" => {
            let (v, j) = (arg(&a, 0)?, arg(&a, 1)?.wrapping_mul(2));
            let high = a.rt.load_byte(v, j.wrapping_add(1), line)?;
            a.rt.load_byte(v, j, line)? | high << 8
        }
        "putword" => {
            let (v, j, w) = (arg(&a, 0)?, arg(&a, 1)?.wrapping_mul(2), arg(&a, 2)?);
            a.rt.store_byte(v, j, w, line)?;
            a.rt.store_byte(v, j.wrapping_add(1), w >> 8, line)?;
            0
        }
        // `copy_bytes(fromlen, from, fillch, tolen, to)`, between byte addresses: copies
        // as many bytes as both lengths allow, fills the rest of `to` with `fillch`, and
        // gives how many bytes of `from` were not copied.
        "copy_bytes" => {
            let (fromlen, from, fill) = (arg(&a, 0)?, arg(&a, 1)?, arg(&a, 2)?);
            let (tolen, to) = (arg(&a, 3)?, arg(&a, 4)?);
            let n = fromlen.min(tolen);
            for i in 0..tolen.max(0) {
                let b = if i < n {
                    a.rt.load_byte(0, from.wrapping_add(i), line)?
                } else {
                    fill
                };
                a.rt.store_byte(0, to.wrapping_add(i), b, line)?;
            }
            fromlen - n
        }
        "str2numb" => {
            let s = a.string(arg(&a, 0)?)?;
            let mut v: i64 = 0;
            for &c in &s {
                if c.is_ascii_digit() {
                    v = v.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
                }
            }
            if s.first() == Some(&b'-') {
                v.wrapping_neg()
            } else {
                v
            }
        }
        "string_to_number" => {
            let s = a.string(arg(&a, 0)?)?;
            let (ok, v) = string_to_number(&s);
            a.rt.mem[RESULT2] = v;
            if ok {
                -1
            } else {
                0
            }
        }
        "capitalch" => capital(arg(&a, 0)?),
        "compch" => capital(arg(&a, 0)?) - capital(arg(&a, 1)?),
        "compstring" => {
            let s1 = a.string(arg(&a, 0)?)?;
            let s2 = a.string(arg(&a, 1)?)?;
            let diff = s1
                .iter()
                .zip(&s2)
                .map(|(&x, &y)| capital(i64::from(x)) - capital(i64::from(y)))
                .find(|&d| d != 0);
            match diff {
                Some(d) => d,
                None => match s1.len().cmp(&s2.len()) {
                    std::cmp::Ordering::Equal => 0,
                    std::cmp::Ordering::Less => -1,
                    std::cmp::Ordering::Greater => 1,
                },
            }
        }
        "muldiv" => {
            let (x, y, z) = (arg(&a, 0)?, arg(&a, 1)?, arg(&a, 2)?);
            if z == 0 {
                return Err(Stop::Fault(line, Fault::DivZero));
            }
            let p = i128::from(x) * i128::from(y);
            a.rt.mem[RESULT2] = (p % i128::from(z)) as i64;
            (p / i128::from(z)) as i64
        }
        "sys" => sys(&mut a)?,
        // A value that identifies the calling activation: this call's frame, in the caller's
        // call area; the same in every back end. `longjump` goes back to it (see [`Jump`]).
        "level" => frame as i64,
        "longjump" => {
            return Err(Stop::LongJump(Jump {
                level: arg(&a, 0)?,
                label: arg(&a, 1)?,
                line,
                from: frame,
            }))
        }
        "writeflt" | "writee" => {
            let (x, width, places) = (arg(&a, 0)?, arg(&a, 1)?, arg(&a, 2)?);
            write_float(x, width, places, name == "writee");
            0
        }
        // No interrupt ever reaches a program here.
        "intflag" => 0,
        "input" => a.rt.mem[CIS],
        "output" => a.rt.mem[COS],
        "findinput" | "pathfindinput" | "findoutput" | "findappend" | "findinoutput"
        | "findupdate" => {
            let file = a.string(arg(&a, 0)?)?;
            if streams::is_network(&file) {
                // Written as `cintsys`'s `sawritef` writes it.
                Output::direct(|| Output::bytes(b"TCP connections not yet available in cintsys\n"));
                0
            } else {
                let dirs;
                let how = match name {
                    "findinput" => Open::Input(&[]),
                    "pathfindinput" => {
                        let var = arg(&a, 1)?;
                        dirs = if var == 0 {
                            Vec::new()
                        } else {
                            search_path(&a.string(var)?)
                        };
                        Open::Input(&dirs)
                    }
                    "findoutput" => Open::Output(false),
                    "findappend" => Open::Output(true),
                    _ => Open::Update,
                };
                scb::open(a.rt, &file, how)
            }
        }
        "note" => records::note(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "point" => records::point(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "setrecordlength" => records::set_record_length(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "recordnote" => records::record_note(a.rt, arg(&a, 0)?, line)?,
        "recordpoint" => records::record_point(a.rt, arg(&a, 0)?, arg(&a, 1)?, line)?,
        "get_record" | "put_record" => {
            let (v, n, s) = (arg(&a, 0)?, arg(&a, 1)?, arg(&a, 2)?);
            if name == "get_record" {
                records::get_record(a.rt, v, n, s, line)?
            } else {
                records::put_record(a.rt, v, n, s, line)?
            }
        }
        "selectinput" | "selectoutput" => {
            let s = arg(&a, 0)?;
            let (selected, fits, fault) = if name == "selectinput" {
                (CIS, streams::is_input(s), Fault::NoInput(s))
            } else {
                (COS, streams::is_output(s), Fault::NoOutput(s))
            };
            if s != 0 && !fits {
                return Err(Stop::Fault(line, fault));
            }
            a.rt.mem[selected] = s;
            0
        }
        "endread" | "endwrite" | "endstream" => {
            let s = match name {
                "endread" => a.rt.mem[CIS],
                "endwrite" => a.rt.mem[COS],
                _ => arg(&a, 0)?,
            };
            end_stream(a.rt, s, line)?;
            0
        }
        // 1 if done and 0 if not, as Cintcode's `sys` gives C's `!remove(...)` and
        // `!rename(...)` (`sysc/cintmain.c`).
        "deletefile" => i64::from(streams::delete_file(&a.string(arg(&a, 0)?)?)),
        "renamefile" => {
            let (from, to) = (a.string(arg(&a, 0)?)?, a.string(arg(&a, 1)?)?);
            i64::from(streams::rename_file(&from, &to))
        }
        "rewindstream" => {
            let s = arg(&a, 0)?;
            match scb::rewind(a.rt, s, line)? {
                Some(done) => truth(done),
                None => return Err(Stop::Fault(line, Fault::NoInput(s))),
            }
        }
        "deplete" => {
            let s = arg(&a, 0)?;
            if s == OUTPUT {
                Output::flush();
            }
            truth(scb::deplete(a.rt, s, line)?)
        }
        "copystring" => {
            let s = a.string(arg(&a, 0)?)?;
            put_string(a.rt, arg(&a, 1)?, &s, line)?;
            0
        }
        "copy_words" | "clear_words" => {
            let (to, n) = if name == "copy_words" {
                (arg(&a, 1)?, arg(&a, 2)?)
            } else {
                (arg(&a, 0)?, arg(&a, 1)?)
            };
            let from = arg(&a, 0)?;
            for k in 0..n.max(0) {
                let v = if name == "copy_words" {
                    a.rt.load(from.wrapping_add(k), line)?
                } else {
                    0
                };
                a.rt.store(to.wrapping_add(k), v, line)?;
            }
            0
        }
        "unpackstring" => {
            let (s, v) = (arg(&a, 0)?, arg(&a, 1)?);
            let len = a.rt.load_byte(s, 0, line)?;
            for i in (0..=len).rev() {
                let b = a.rt.load_byte(s, i, line)?;
                a.rt.store(v.wrapping_add(i), b, line)?;
            }
            0
        }
        "packstring" => {
            let (v, s) = (arg(&a, 0)?, arg(&a, 1)?);
            let n = a.rt.load(v, line)? & 255;
            for i in 0..=n {
                let b = a.rt.load(v.wrapping_add(i), line)?;
                a.rt.store_byte(s, i, b, line)?;
            }
            let size = n / 8;
            for i in n + 1..(size + 1) * 8 {
                a.rt.store_byte(s, i, 0, line)?;
            }
            size
        }
        _ => 0,
    })
}

/// The call-table entry of routine `id` as a function value, given the program's function
/// count.
pub fn value(funcs: usize, id: usize) -> i64 {
    FN_BASE + (funcs + id) as i64
}

fn capital(c: i64) -> i64 {
    if (i64::from(b'a')..=i64::from(b'z')).contains(&c) {
        c - 32
    } else {
        c
    }
}

fn pad(n: i64, with: u8) {
    for _ in 0..n.max(0) {
        Output::char(i64::from(with));
    }
}

/// `writed(n, d)` (spaces) or `writez(n, d)` (zeros): at least `d` characters, sign first.
fn write_signed(n: i64, d: i64, zeros: bool) {
    write_dz(n, d, zeros, n < 0);
}

/// `writedz(n, d, zeroes, neg)` of Cintcode's `blib`: the digits of `n` in a field of `d`,
/// padded with zeros or spaces, after a minus sign when `neg` (`-0` for `n = 0`).
fn write_dz(n: i64, d: i64, zeros: bool, neg: bool) {
    let digits = n.unsigned_abs().to_string();
    let len = digits.len() as i64 + i64::from(neg);
    if neg && zeros {
        Output::char(i64::from(b'-'));
    }
    pad(d - len, if zeros { b'0' } else { b' ' });
    if neg && !zeros {
        Output::char(i64::from(b'-'));
    }
    Output::bytes(digits.as_bytes());
}

fn write_unsigned(n: i64, d: i64) {
    let digits = (n as u64).to_string();
    pad(d - digits.len() as i64, b' ');
    Output::bytes(digits.as_bytes());
}

/// The largest width or precision the writers take (2^20): a larger one written in a `writef`
/// format, or given to `writehex`, `writeoct` or `writebin`, is cut to it.
const MAX_FIELD: i64 = 1 << 20;

/// `writehex`/`writeoct`/`writebin`: exactly `max(d, 1)` digits of `bits` bits each, the
/// low-order ones; `d` is cut at [`MAX_FIELD`].
fn write_digits(n: i64, d: i64, bits: u32) {
    for k in (0..d.clamp(1, MAX_FIELD) as u64).rev() {
        let shift = k.saturating_mul(u64::from(bits));
        let digit = if shift >= 64 {
            0
        } else {
            ((n as u64) >> shift) & ((1 << bits) - 1)
        };
        Output::char(i64::from(b"0123456789ABCDEF"[digit as usize]));
    }
}

/// The format items of `writef`, as Cintcode's `blib` has them: `%` then an optional
/// decimal width and precision (`%5i`, `%8.2d`, `%8.3f`) and a letter, which for
/// `i d x o b u z t` may instead take its width from the next character (`%i5`, `%xA` for
/// ten); a written width or precision is cut at [`MAX_FIELD`]. `%n.mD` writes a scaled number,
/// `nnn.mm`, and so does `%nD` (`%5d` of 42 is `  42.0`). `next` is the frame word of the
/// next argument.
///
/// A format that is not an address inside memory is written as `##Bad format##`, `blib`'s
/// safety check (`0 < format < rtn_memsize`).
fn write_format(a: &mut Args, format: i64, next: &mut usize) -> Result<(), Stop> {
    let fmt = a.checked_string(format, b"##Bad format##")?;
    write_items(a, &fmt, next)
}

/// What `%M` writes for message number `n`: the text `blib`'s `get_textblib` gives every
/// number, itself a format, applied to the arguments from `n` on (`%-` steps back to `n`).
const MESSAGE_TEXT: &[u8] = b"<mess:%-%n>";

/// [`write_format`] of the format's bytes.
fn write_items(a: &mut Args, fmt: &[u8], next: &mut usize) -> Result<(), Stop> {
    let mut p = 0;
    while p < fmt.len() {
        let k = fmt[p];
        p += 1;
        if k != b'%' {
            Output::char(i64::from(k));
            continue;
        }
        let mut ty = fmt.get(p).copied().unwrap_or(0);
        let (mut n, mut m, mut width_given) = (0i64, 0i64, false);
        while ty.is_ascii_digit() {
            n = (n * 10 + i64::from(ty - b'0')).min(MAX_FIELD);
            p += 1;
            ty = fmt.get(p).copied().unwrap_or(0);
            width_given = true;
        }
        if width_given && ty == b'.' {
            p += 1;
            ty = fmt.get(p).copied().unwrap_or(0);
            while ty.is_ascii_digit() {
                m = (m * 10 + i64::from(ty - b'0')).min(MAX_FIELD);
                p += 1;
                ty = fmt.get(p).copied().unwrap_or(0);
            }
        }
        p += 1;
        let arg = a.get(*next)?;
        let upper = ty.to_ascii_uppercase();
        if matches!(upper, b'I' | b'D' | b'X' | b'O' | b'B' | b'U' | b'Z' | b'T') && !width_given {
            let w = fmt.get(p).copied().unwrap_or(b'0').to_ascii_uppercase();
            p += 1;
            n = match w {
                b'0'..=b'9' => i64::from(w - b'0'),
                _ => 10 + i64::from(w) - i64::from(b'A'),
            };
        }
        match upper {
            b'S' => Output::bytes(&a.written_string(arg)?),
            b'T' => {
                let s = a.written_string(arg)?;
                Output::bytes(&s);
                pad(n - s.len() as i64, b' ');
            }
            b'C' => Output::char(arg),
            b'#' => codewrch(a.rt, arg, a.line)?,
            b'N' => write_signed(arg, 0, false),
            b'I' => write_signed(arg, n, false),
            b'D' if width_given => {
                // As `blib` writes `%n.mD`, `%nD` too: `%5d` of -42 is ` -42.0`.
                let scale = 10i64.saturating_pow(m as u32);
                write_dz(arg / scale, n - 1 - m, false, arg < 0);
                Output::char(i64::from(b'.'));
                // The fraction's digits of |arg|, which for minint is not an i64.
                write_signed((arg.unsigned_abs() % scale.unsigned_abs()) as i64, m, true);
            }
            b'D' => write_signed(arg, n, false),
            b'U' => write_unsigned(arg, n),
            b'Z' => write_signed(arg, n, true),
            b'X' => write_digits(arg, n, 4),
            b'O' => write_digits(arg, n, 3),
            b'B' => write_digits(arg, n, 1),
            b'F' if !width_given => {
                // `%f`: the argument is a format, applied to the arguments after it.
                *next = next.wrapping_add(1);
                write_format(a, arg, next)?;
                continue;
            }
            b'F' | b'E' => write_float(arg, n, m, upper == b'E'),
            b'M' => {
                *next = next.wrapping_add(1);
                write_items(a, MESSAGE_TEXT, next)?;
                continue;
            }
            b'$' | b'+' => {}
            b'-' => {
                // Back to the previous argument; before the first one is the format itself.
                *next = next.wrapping_sub(2);
            }
            b'P' => {
                let plural = arg != 1;
                let c = fmt.get(p).copied().unwrap_or(b's');
                p += 1;
                if c == b'\\' {
                    let rest = &fmt[p.min(fmt.len())..];
                    let mut parts = rest.splitn(3, |&b| b == b'\\');
                    let (one, many) = (parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]));
                    Output::bytes(if plural { many } else { one });
                    p += one.len() + many.len() + 2;
                } else if plural {
                    Output::char(i64::from(c));
                }
            }
            _ => {
                Output::char(i64::from(ty));
                continue;
            }
        }
        *next = next.wrapping_add(1);
    }
    Ok(())
}

/// `codewrch(code)` (and writef's `%#`) as `blib` has it: a negative code selects the
/// encoding of the selected output stream, GB2312 for `GB2312` (-2) and UTF-8 for any other
/// (`UTF8` is -1); a code up to 127 is that byte; above, in GB2312 the row-and-column code
/// `rrcc` is the bytes `rr+160, cc+160`, in UTF-8 the character's bytes to 31 bits
/// ([`encoding::utf8`]), and `#hhhh#` (its last four hex digits) beyond.
fn codewrch(rt: &mut Runtime, code: i64, line: u32) -> Result<(), Stop> {
    let cos = rt.mem[COS];
    if code < 0 {
        return scb::set_encoding(rt, cos, code, line);
    }
    if code <= 0x7F {
        Output::char(code);
    } else if scb::encoding(rt, cos, line)? == GB2312 {
        Output::char(code / 100 + 160);
        Output::char(code % 100 + 160);
    } else if let Ok(code @ 0..=0x7FFF_FFFF) = u32::try_from(code) {
        let mut bytes = Vec::with_capacity(6);
        encoding::utf8(code, &mut bytes);
        Output::bytes(&bytes);
    } else {
        Output::char(i64::from(b'#'));
        write_digits(code, 4, 4);
        Output::char(i64::from(b'#'));
    }
    Ok(())
}

/// `writeflt(x, width, places)` (`%w.pF`) or `writee` (`%w.pE`), laid out by
/// [`float::format`].
fn write_float(x: i64, width: i64, places: i64, exponent: bool) {
    Output::bytes(float::format(x, width, places, exponent).as_bytes());
}

/// `sys(op, ...)`: the operations of Cintcode's `sys` that a program (not an operating
/// system) uses. `Sys_cputime` is the milliseconds since the run started, by the wall
/// clock. The devices this system lacks answer as Cintcode's do without them
/// ([`sysops::SYS_SDL`], [`sysops::SYS_BUTTONS`]). Any other operation is [`Fault::NoSys`],
/// an unknown `fl_` one [`Fault::NoFlt`].
fn sys(a: &mut Args) -> Result<i64, Stop> {
    let op = a.get(0)?;
    let line = a.line;
    // The routine `sys(op, x, ...)` hands on to takes its arguments from `x`.
    let shifted = |a: &mut Args, routine: &str| dispatch(a.rt, routine, a.frame + 1, line);
    Ok(match op {
        SYS_QUIT => return Err(Stop::Exit(a.get(1)?)),
        SYS_SARDCH => shifted(a, "sardch")?,
        SYS_SAWRCH => shifted(a, "sawrch")?,
        SYS_GETVEC => shifted(a, "getvec")?,
        SYS_FREEVEC => shifted(a, "freevec")?,
        SYS_MULDIV => shifted(a, "muldiv")?,
        SYS_INTFLAG => 0,
        SYS_CPUTIME => i64::try_from(a.rt.started.elapsed().as_millis()).unwrap_or(i64::MAX),
        SYS_GETPID => i64::from(std::process::id()),
        SYS_DELAY => shifted(a, "delay")?,
        SYS_POLLSARDCH => {
            flush_before_console_wait(true);
            streams::poll_console()
        }
        SYS_PLATFORM => PLATFORM,
        SYS_SOUND | SYS_SDL | SYS_GL | SYS_GRAPHICS => 0,
        SYS_BUTTONS => -3,
        SYS_MEMMOVEWORDS | SYS_MEMMOVEBYTES => {
            let (dest, src, n) = (a.get(1)?, a.get(2)?, a.get(3)?);
            memmove(a.rt, dest, src, n, op == SYS_MEMMOVEBYTES, line)?;
            0
        }
        SYS_FLT => {
            let (fl, x, y, z) = (a.get(1)?, a.get(2)?, a.get(3)?, a.get(4)?);
            let Some((value, result2)) = float::sys_flt(fl, x, y, z) else {
                return Err(Stop::Fault(line, Fault::NoFlt(fl)));
            };
            if let Some(r2) = result2 {
                a.rt.mem[RESULT2] = r2;
            }
            value
        }
        _ if !is_cintcode_sys(op) => {
            // What Cintcode's `dosys` does with a number it does not know: say so and go on.
            Output::bytes(format!("\nBad sys number: {op}\n").as_bytes());
            op
        }
        _ => return Err(Stop::Fault(line, Fault::NoSys(op))),
    })
}

/// `sys(Sys_memmovewords, dest, src, n)` (or `Sys_memmovebytes` when `bytes`, with byte
/// addresses, `s%i` being byte `8*s + i`): copies `n` words (bytes) from `src` to `dest` as
/// if through a buffer (without one), so the two may overlap. Nothing is copied when `n <= 0`; either
/// region leaving memory is the bad address it reaches, and nothing is copied then.
fn memmove(
    rt: &mut Runtime,
    dest: i64,
    src: i64,
    n: i64,
    bytes: bool,
    line: u32,
) -> Result<(), Stop> {
    if n <= 0 {
        return Ok(());
    }
    for start in [src, dest] {
        let last = start.checked_add(n - 1).unwrap_or(i64::MAX);
        for at in [start, last] {
            if bytes {
                rt.load_byte(0, at, line)?;
            } else {
                rt.load(at, line)?;
            }
        }
    }
    if bytes {
        // Forwards when the destination is below the source, else backwards, so that no
        // byte is overwritten before it is read and no buffer (up to all of memory) is needed.
        let mut copy = |k: i64| -> Result<(), Stop> {
            let b = rt.load_byte(0, src + k, line)?;
            rt.store_byte(0, dest + k, b, line)
        };
        if dest <= src {
            (0..n).try_for_each(&mut copy)?;
        } else {
            (0..n).rev().try_for_each(&mut copy)?;
        }
    } else {
        let (d, s) = (dest as usize, src as usize);
        rt.mem.copy_within(s..s + n as usize, d);
    }
    Ok(())
}

/// `readn()`: skips spaces, tabs and newlines, reads an optionally signed decimal number;
/// `result2` is 0, or -1 (and the result 0) when no number starts there.
fn readn(r: &Reader, rt: &mut Runtime) -> Result<i64, Stop> {
    let mut ch;
    let mut neg = false;
    loop {
        ch = r.next(rt)?;
        match ch {
            c if decimal_digit(c).is_some() => break,
            32 | 9 | 10 => continue,
            45 | 43 => {
                neg = ch == 45;
                ch = r.next(rt)?;
                break;
            }
            _ => {
                r.back(rt)?;
                rt.mem[RESULT2] = -1;
                return Ok(0);
            }
        }
    }
    let mut sum: i64 = 0;
    while let Some(d) = decimal_digit(ch) {
        sum = sum.wrapping_mul(10).wrapping_add(d);
        ch = r.next(rt)?;
    }
    r.back(rt)?;
    rt.mem[RESULT2] = 0;
    Ok(if neg { sum.wrapping_neg() } else { sum })
}

/// The value of `c` when it is a decimal digit character.
fn decimal_digit(c: i64) -> Option<i64> {
    (i64::from(b'0')..=i64::from(b'9'))
        .contains(&c)
        .then(|| c - i64::from(b'0'))
}

/// How many significant digits `readflt` keeps, as Cintcode's does with 64-bit words.
const FLT_DIGITS: i64 = 17;

/// `readflt()`, as Cintcode's `blib.b` documents it: skips spaces, tabs, newlines and
/// newpages, then reads `[+|-] digits [. digits] [e|E [+|-] digits]` (`_` may separate
/// digits; there must be a digit before or after the point) and leaves the character after
/// it to be read. The result is the number as a floating-point word: the first
/// [`FLT_DIGITS`] significant digits scaled by the exponent (`fl_mk`), with `result2` 0; with
/// no digit, or a second `.`, it is 0 with `result2` -1.
fn readflt(r: &Reader, rt: &mut Runtime) -> Result<i64, Stop> {
    let mut ch = r.next(rt)?;
    while matches!(ch, 32 | 9 | 10 | 12) {
        ch = r.next(rt)?;
    }
    let negative = |rt: &mut Runtime, ch: &mut i64| -> Result<bool, Stop> {
        let neg = *ch == i64::from(b'-');
        if neg || *ch == i64::from(b'+') {
            *ch = r.next(rt)?;
        }
        Ok(neg)
    };
    let neg = negative(rt, &mut ch)?;
    // `significant`: digits from the first nonzero one; `fraction`: digits after the point.
    let (mut value, mut significant, mut fraction) = (0i64, None::<i64>, None::<i64>);
    let (mut digits, mut bad) = (false, false);
    loop {
        if ch == i64::from(b'.') {
            bad |= fraction.is_some();
            fraction = Some(0);
        } else if let Some(d) = decimal_digit(ch) {
            digits = true;
            if d > 0 || significant.is_some() {
                let n = significant.map_or(1, |n| n + 1);
                significant = Some(n);
                if n <= FLT_DIGITS {
                    value = 10 * value + d;
                }
            }
            if let Some(f) = fraction.as_mut() {
                *f += 1;
            }
        } else if ch != i64::from(b'_') {
            break;
        }
        ch = r.next(rt)?;
    }
    let mut exponent = 0i64;
    if ch == i64::from(b'e') || ch == i64::from(b'E') {
        ch = r.next(rt)?;
        let neg = negative(rt, &mut ch)?;
        loop {
            if let Some(d) = decimal_digit(ch) {
                exponent = exponent.saturating_mul(10).saturating_add(d);
            } else if ch != i64::from(b'_') {
                break;
            }
            ch = r.next(rt)?;
        }
        if neg {
            exponent = -exponent;
        }
    }
    r.back(rt)?;
    if bad || !digits {
        rt.mem[RESULT2] = -1;
        return Ok(0);
    }
    // The digits dropped after the first FLT_DIGITS, and those after the point, scale it.
    let significant = significant.unwrap_or(1);
    let kept = significant.min(FLT_DIGITS);
    let exponent = exponent
        .saturating_add(significant - kept)
        .saturating_sub(fraction.unwrap_or(0));
    let value = if neg { -value } else { value };
    rt.mem[RESULT2] = 0;
    Ok(float::make(value, exponent).to_bits() as i64)
}

/// The directories of `pathfindinput`'s path: the environment variable named `var`, split
/// at `:` or `;` (Cintcode's separators).
fn search_path(var: &[u8]) -> Vec<String> {
    let value = std::str::from_utf8(var)
        .ok()
        .and_then(|v| std::env::var(v).ok())
        .unwrap_or_default();
    value
        .split([':', ';'])
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

/// `string_to_number(s)` as blib defines it: whether `s` is a number, and the value
/// (`result2`). A number is a character constant `'c'`, or an optional sign, then `#` (octal),
/// `#o`, `#x` or `#b` or nothing (decimal), then digits (letters from `A` in either case
/// for hex), `_` ignored among them. A sign or prefix with nothing after it is 0; at the first
/// byte that is no digit of the radix, `s` is not a number and the value is what the digits
/// before it gave (0 when none).
fn string_to_number(s: &[u8]) -> (bool, i64) {
    match s {
        [] => return (false, 0),
        [b'\'', c, b'\''] => return (true, i64::from(*c)),
        _ => {}
    }
    let mut rest = s;
    let mut neg = false;
    if let [sign @ (b'+' | b'-'), after @ ..] = rest {
        neg = *sign == b'-';
        rest = after;
    }
    let mut radix = 10;
    if let [b'#', after @ ..] = rest {
        radix = 8;
        rest = after;
        if let [p, after @ ..] = rest {
            match p.to_ascii_uppercase() {
                b'O' => rest = after,
                b'X' => (radix, rest) = (16, after),
                b'B' => (radix, rest) = (2, after),
                _ => {}
            }
        }
    }
    let mut v: i64 = 0;
    for &c in rest {
        if c == b'_' {
            continue;
        }
        match (c as char).to_digit(36).filter(|&d| d < radix) {
            Some(d) => v = v.wrapping_mul(i64::from(radix)).wrapping_add(i64::from(d)),
            None => return (false, v),
        }
    }
    (true, if neg { v.wrapping_neg() } else { v })
}

/// Stores `value` for an `rdargs` key at `slot`: a number (`number`, for `/N`) or a string,
/// in `argv`'s words from `free` (advanced past it) up to `end`. False when it does not fit
/// or is not a number.
fn store_argument(
    a: &mut Args,
    slot: i64,
    number: bool,
    value: &[u8],
    free: &mut i64,
    end: i64,
) -> Result<bool, Stop> {
    let line = a.line;
    let words = if number {
        1
    } else {
        (value.len() as i64 + 8) / 8
    };
    if *free + words > end || (!number && value.len() > 255) {
        return Ok(false);
    }
    if number {
        let Some(v) = parse_number(value) else {
            return Ok(false);
        };
        a.rt.store(*free, v, line)?;
    } else {
        put_string(a.rt, *free, value, line)?;
    }
    a.rt.store(slot, *free, line)?;
    *free += words;
    Ok(true)
}

/// `rdargs`' prompting, as `blib`'s: for each key with `/P` still unset, writes `NAME > `
/// (`NAME (yes/no) > ` for a switch), flushes, and reads one item from `r` as the key's
/// value (for a switch, TRUE when it is `yes` or `y` in any case), skipping the rest of the
/// answer's line; an empty line or the end of input leaves the key unset. False when an
/// answer does not fit the key.
fn prompt_missing(
    a: &mut Args,
    keys: &[Key],
    set: &mut [bool],
    argv: i64,
    free: &mut i64,
    end: i64,
    r: &Reader,
) -> Result<bool, Stop> {
    for (i, key) in keys.iter().enumerate() {
        if !key.prompt || set[i] {
            continue;
        }
        Output::bytes(&key.label);
        if key.switch {
            Output::bytes(b" (yes/no)");
        }
        Output::bytes(b" > ");
        Output::flush();
        let slot = argv.wrapping_add(i as i64);
        match read_item(r, a.rt, usize::MAX)? {
            Item::End | Item::LineEnd(_) => continue,
            Item::Equals | Item::Bad(_) => return Ok(false),
            Item::Text(value, quoted) => {
                if key.switch && !quoted {
                    let yes =
                        value.eq_ignore_ascii_case(b"yes") || value.eq_ignore_ascii_case(b"y");
                    a.rt.store(slot, truth(yes), a.line)?;
                } else if !store_argument(a, slot, key.number && !quoted, &value, free, end)? {
                    return Ok(false);
                }
                set[i] = true;
                skip_rest_of_line(r, a.rt)?;
            }
        }
    }
    Ok(true)
}

/// As blib's `rdargs` after an item: steps back over the character read last, then reads up
/// to the end of the line (a newline, a `;` or the end of the stream).
fn skip_rest_of_line(r: &Reader, rt: &mut Runtime) -> Result<(), Stop> {
    r.back(rt)?;
    loop {
        let ch = r.next(rt)?;
        if ch == streams::END || ch == i64::from(b'\n') || ch == i64::from(b';') {
            return Ok(());
        }
    }
}

/// A number as [`string_to_number`] reads it, for `rdargs`' `/N` keys.
fn parse_number(s: &[u8]) -> Option<i64> {
    let (ok, v) = string_to_number(s);
    ok.then_some(v)
}

/// One key of an `rdargs` format: its qualifiers ([`parse_keys`]).
struct Key {
    /// The first name as the format writes it, for the prompt of `/P`.
    label: Vec<u8>,
    required: bool,
    prompt: bool,
    keyword: bool,
    switch: bool,
    number: bool,
}

/// An item of input as `blib`'s `rditem` reads it, for `rdargs` and for programs.
enum Item {
    /// The end of the stream.
    End,
    /// A newline or a `;`, which end a command line.
    LineEnd(u8),
    /// `=`, between a keyword and its value.
    Equals,
    /// An item, and whether it was quoted (`"..."`, where `*n` is a newline and `*c` is `c`).
    Text(Vec<u8>, bool),
    /// A quoted item that its line or the stream ends inside, or an item longer than
    /// allowed: what was read of it.
    Bad(Vec<u8>),
}

impl Item {
    /// The item's type as `rditem` gives it.
    fn code(&self) -> i64 {
        match self {
            Item::End => 0,
            Item::Text(_, quoted) => 1 + i64::from(*quoted),
            Item::LineEnd(b'\n') => 3,
            Item::LineEnd(_) => 4,
            Item::Equals => 5,
            Item::Bad(_) => -1,
        }
    }
}

/// The next item from `r`, as `blib`'s `rditem` reads it: spaces, tabs and carriage returns
/// before it are skipped, carriage returns inside it are dropped, it is [`Item::Bad`] when
/// it would grow past `max` bytes, and the character that ends an unquoted item is left to
/// be read again.
fn read_item(r: &Reader, rt: &mut Runtime, max: usize) -> Result<Item, Stop> {
    let is = |c: i64, b: u8| c == i64::from(b);
    let mut ch = r.next(rt)?;
    while is(ch, b' ') || is(ch, b'\t') || is(ch, b'\r') {
        ch = r.next(rt)?;
    }
    if ch == streams::END {
        return Ok(Item::End);
    }
    if is(ch, b'\n') || is(ch, b';') {
        return Ok(Item::LineEnd(ch as u8));
    }
    if is(ch, b'=') {
        return Ok(Item::Equals);
    }
    let mut text = Vec::new();
    if is(ch, b'"') {
        loop {
            let mut c = r.next(rt)?;
            if is(c, b'\r') {
                continue;
            }
            if c == streams::END || is(c, b'\n') {
                return Ok(Item::Bad(text));
            }
            if is(c, b'"') {
                return Ok(Item::Text(text, true));
            }
            if is(c, b'*') {
                c = r.next(rt)?;
                if is(capital(c), b'N') {
                    c = i64::from(b'\n');
                }
            }
            if text.len() >= max {
                return Ok(Item::Bad(text));
            }
            text.push(c as u8);
        }
    }
    while !(ch == streams::END || [b'\n', b' ', b'\t', b';', b'='].iter().any(|&b| is(ch, b))) {
        if text.len() >= max {
            return Ok(Item::Bad(text));
        }
        text.push(ch as u8);
        ch = r.next(rt)?;
        while is(ch, b'\r') {
            ch = r.next(rt)?;
        }
    }
    if ch != streams::END {
        r.back(rt)?;
    }
    Ok(Item::Text(text, false))
}

/// `rditem(v, upb)`, as `blib`'s: clears `v!0` to `v!upb`, reads the next item
/// ([`read_item`]) into `v` as a string of at most `(upb + 1) * bytesperword - 1` bytes
/// (its length byte holds the low byte of longer lengths, as there) and gives its type: 0
/// the end of the stream, 1 an item, 2 a quoted item, 3 a newline, 4 `;`, 5 `=`, and -1
/// an error, with what was read of the item in `v`.
fn rditem(a: &mut Args) -> Result<i64, Stop> {
    let (v, upb, line) = (a.get(0)?, a.get(1)?, a.line);
    for i in 0..=upb {
        a.rt.store(v.wrapping_add(i), 0, line)?;
    }
    let reader = Reader {
        frame: a.frame,
        line,
    };
    let max = upb
        .saturating_add(1)
        .saturating_mul(8)
        .saturating_sub(1)
        .max(0);
    let item = read_item(&reader, a.rt, usize::try_from(max).unwrap_or(usize::MAX))?;
    if let Item::Text(text, _) | Item::Bad(text) = &item {
        for (i, &b) in text.iter().enumerate() {
            a.rt.store_byte(v, i as i64 + 1, i64::from(b), line)?;
        }
        if !text.is_empty() {
            a.rt.store_byte(v, 0, text.len() as i64 & 255, line)?;
        }
    }
    Ok(item.code())
}

/// `findarg(keys, w)`, as `blib`'s: the number of the key of `rdargs` format `keys` that
/// has `w` among its names (compared without case), or -1.
fn findarg(a: &Args) -> Result<i64, Stop> {
    let (keys, w) = (a.get(0)?, a.get(1)?);
    let (keys, w) = (a.string(keys)?, a.string(w)?);
    Ok(key_number(&keys, &w).map_or(-1, |n| n as i64))
}

/// The number of the key of `rdargs` format `keys` that has `word` among its names, compared
/// without case, as `blib`'s `findarglen` finds it: a name is the text after the start or a
/// `,` or `=`, up to the next `=`, `/` or `,` (so in `a/K=b`, `b` is a name too).
fn key_number(keys: &[u8], word: &[u8]) -> Option<usize> {
    let (mut matching, mut wp, mut number) = (true, 0, 0);
    for &k in keys {
        if matching {
            if matches!(k, b'=' | b'/' | b',') && wp == word.len() {
                return Some(number);
            }
            wp += 1;
            let w = word.get(wp - 1).copied().unwrap_or(0);
            matching = k.eq_ignore_ascii_case(&w);
        }
        if matches!(k, b',' | b'=') {
            matching = true;
            wp = 0;
        }
        if k == b',' {
            number += 1;
        }
    }
    (matching && wp == word.len()).then_some(number)
}

/// The keys of `rdargs` format `text`, as `blib`'s `rdargslen` reads them: each `/` gives
/// the key it is in the qualifier named by the next character (`A`, `K`, `S`, `N` or `P`, in
/// either case). None when the format is bad: a `/` followed by anything else (or by
/// nothing), or a key both `/S` and `/N`.
fn parse_keys(text: &[u8]) -> Option<Vec<Key>> {
    let mut keys = Vec::new();
    for part in text.split(|&b| b == b',') {
        let mut key = Key {
            label: part
                .iter()
                .copied()
                .take_while(|&b| b != b'/' && b != b'=')
                .filter(|&b| b != b'\n')
                .collect(),
            required: false,
            prompt: false,
            keyword: false,
            switch: false,
            number: false,
        };
        for (i, _) in part.iter().enumerate().filter(|&(_, &b)| b == b'/') {
            match part.get(i + 1).map(u8::to_ascii_uppercase) {
                Some(b'A') => key.required = true,
                Some(b'K') => key.keyword = true,
                Some(b'S') => key.switch = true,
                Some(b'N') => key.number = true,
                Some(b'P') => key.prompt = true,
                _ => return None,
            }
        }
        if key.switch && key.number {
            return None;
        }
        keys.push(key);
    }
    Some(keys)
}

/// `rdargs(keys, argv, upb)`, `argv` and `upb` being arguments `at` and `at + 1`, as
/// `blib`'s: reads items from the selected input up to the end of the line (at the start of
/// a run, the console's input begins with the rest of the command line,
/// [`streams::command_rest`]), and fills `argv!i` for key `i` with a string (for `/N`, the
/// address of a number; for `/S`, TRUE), the strings and numbers stored in `argv` after
/// the pointers. Returns the first word of `argv` left unused, or 0 (`result2` 120), having
/// skipped the rest of the line, when the items do not match the keys. At the end of the
/// line, each unset `/P` key is asked for when both the selected streams are the console
/// ([`prompt_missing`]); an item `?` alone on its line writes the format and reads on.
fn rdargs(a: &mut Args, keys_text: &[u8], at: usize) -> Result<i64, Stop> {
    let line = a.line;
    let (argv, upb) = (a.get(at)?, a.get(at + 1)?);
    for k in 0..=upb.max(0) {
        a.rt.store(argv.wrapping_add(k), 0, line)?;
    }
    let r = Reader {
        frame: a.frame,
        line,
    };
    let Some(keys) = parse_keys(keys_text) else {
        return rdargs_failed(a, &r);
    };
    let mut free = argv.wrapping_add(keys.len() as i64);
    let end = argv.wrapping_add(upb) + 1;
    let mut set = vec![false; keys.len()];
    let matched = loop {
        let (index, value) = match read_item(&r, a.rt, usize::MAX)? {
            Item::End | Item::LineEnd(_) => {
                let prompting = a.rt.mem[CIS] == INPUT && a.rt.mem[COS] == OUTPUT;
                if prompting && !prompt_missing(a, &keys, &mut set, argv, &mut free, end, &r)? {
                    break false;
                }
                break keys.iter().zip(&set).all(|(k, &s)| !k.required || s);
            }
            Item::Equals | Item::Bad(_) => break false,
            Item::Text(item, quoted) => {
                let named = (!quoted).then(|| key_number(keys_text, &item)).flatten();
                if named.is_none() && !quoted && item == b"?" {
                    if r.next(a.rt)? == i64::from(b'\n') {
                        Output::bytes(keys_text);
                        Output::bytes(b": ");
                        Output::flush();
                        continue;
                    }
                    r.back(a.rt)?;
                }
                match named {
                    Some(i) if set[i] => break false,
                    Some(i) if keys[i].switch => {
                        a.rt.store(argv.wrapping_add(i as i64), -1, line)?;
                        set[i] = true;
                        continue;
                    }
                    Some(i) => {
                        let mut value = read_item(&r, a.rt, usize::MAX)?;
                        if matches!(value, Item::Equals) {
                            value = read_item(&r, a.rt, usize::MAX)?;
                        }
                        match value {
                            Item::Text(v, _) => (i, v),
                            _ => break false,
                        }
                    }
                    None => {
                        let positional = (0..keys.len())
                            .find(|&i| !set[i] && !keys[i].keyword && !keys[i].switch);
                        match positional {
                            Some(i) => (i, item),
                            None => break false,
                        }
                    }
                }
            }
        };
        set[index] = true;
        let number = keys[index].number;
        if !store_argument(
            a,
            argv.wrapping_add(index as i64),
            number,
            &value,
            &mut free,
            end,
        )? {
            break false;
        }
    };
    if matched {
        a.rt.mem[RESULT2] = 0;
        return Ok(free);
    }
    rdargs_failed(a, &r)
}

/// `rdargs`' failure, as `blib`'s: skips the rest of the line and gives 0, with `result2`
/// 120 ("bad arguments").
fn rdargs_failed(a: &mut Args, r: &Reader) -> Result<i64, Stop> {
    a.rt.mem[RESULT2] = 120;
    skip_rest_of_line(r, a.rt)?;
    Ok(0)
}
