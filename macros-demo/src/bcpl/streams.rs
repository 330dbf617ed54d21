//! The streams of `libhdr`: the console and files opened by name.
//!
//! A stream is the address of its control block in BCPL memory ([`super::scb`], which
//! makes them and lays them out as Cintcode's `libhdr` does): the console's input is
//! [`CONSOLE_IN`] and its output [`CONSOLE_OUT`] (what `input()` and `output()` give at the
//! start of a run). This table holds the open streams by that address, and the bytes of
//! those that live outside BCPL memory: the console and files, which the library, not the
//! program, reads and writes, so that both back ends see the same streams. A `RAM:` stream's
//! bytes are in BCPL memory; the table only knows it is open ([`add_ram`]).
//!
//! What the routines do follows Cintcode's `blib` (`sysb/blib.b` of Richards' distribution):
//! - `rdch` skips carriage returns and gives `endstreamch` (-1) at the end of a stream;
//!   `unrdch` steps back a byte, as far as the start of what the stream buffers (a file's
//!   4096-byte block, the console's line), as Cintcode's does (see `Reader`).
//! - The console's input stream starts with the rest of the command line, as Cintcode's CLI
//!   leaves it ([`command_rest`]): `rdargs` reads the arguments from there. Then it takes
//!   the console's input a line at a time (up to 4096 bytes), through `sardch`, as
//!   Cintcode's `cnslrdfn` (`sysb/dlibsys.b`) does: so `sardch` and `sys(Sys_pollsardch)`
//!   give what follows the line the stream holds.
//! - `findinput("**")` and `findoutput("**")` give the console. A name whose part before its
//!   first `:` (all of it, if it has none) is `NIL` or `RAM`, in any case, is a device
//!   ([`device`]), as in `blib`'s `findstream`: `NIL:` is at its end at once and takes what
//!   is written; `RAM:` is a stream in memory. A `TCP` or `NET` prefix names a network
//!   connection, which Cintcode's `cintsys` does not open either: it gives 0
//!   ([`is_network`]). Other names are files, relative to the current directory. A name
//!   that cannot be opened gives 0.
//! - `findinoutput(name)` (`findupdate`) reads and writes a file at one position, from its
//!   first byte, keeping what it holds.
//! - `rewindstream(s)` goes back to the start of a file: reading it again, or writing over
//!   it; the console cannot go back. `note` and `point` give and set the position of a
//!   file, in bytes, and records of `setrecordlength` bytes are positions too (see
//!   `records`).
//! - `endstream(s)` closes `s` (`endread()` is `endstream(cis)`, `endwrite()` is
//!   `endstream(cos)`); if `s` was selected, no stream is selected afterwards, and reading or
//!   writing without one is an error (Cintcode aborts with 186 or 187).
//!
//! The console's input is read straight from file descriptor 0 into one buffer of the
//! process's own, not through `std::io::stdin`'s: so `sys(Sys_pollsardch)` (`poll_console`),
//! which asks the system whether a byte is waiting, never misses bytes a buffer it cannot see
//! already holds.
//!
//! The table is per thread, as a run is (coroutines included): so the exit routines, which
//! have no runtime at hand, can still flush what a run wrote to its files ([`flush_all`]).
//! Output to files opened by `findoutput` and `findappend` is buffered; it is written when
//! the stream is closed or depleted, and at every exit, through
//! [`super::runtime::Output::flush`]. A `findinoutput` stream writes at once.

use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::{Mutex, PoisonError};

use super::wordmap::WordMap;

/// The console's input stream: its control block is the first word after the global vector
/// ([`super::scb`] checks that this is where it puts it).
pub const CONSOLE_IN: i64 = 4096;
/// The console's output stream, whose control block follows the input's.
pub const CONSOLE_OUT: i64 = CONSOLE_IN + 25;

/// `endstreamch`: what reading gives at the end of a stream.
pub const END: i64 = -1;
/// `pollingch`: what `sys(Sys_pollsardch)` gives while no byte is waiting.
pub const POLLING: i64 = -3;

/// Where an input stream's bytes come from.
enum Source {
    Console,
    /// A file: read only (`findinput`), or read and written at one position
    /// (`findinoutput`), each write going straight to the file.
    File {
        file: File,
        writable: bool,
    },
    /// `NIL:`, which is at its end at once.
    Nil,
}

/// The size of a file's blocks, which Cintcode's file streams buffer one at a time
/// (`fh0rdfn` in `sysb/dlibsys.b`).
const BLOCK: usize = 4096;

/// An input stream, buffered as Cintcode buffers it (`scb_buf`, `scb_pos`, `scb_end`): the
/// file's current 4096-byte block, the console's current line, or at first the rest of the
/// command line. `rdch` takes the byte at `pos` and refills the buffer when it is used up;
/// at the end of the input the buffer stays as it was. `unrdch` steps `pos` back, as far as
/// the buffer's start: so after the end of a stream, it steps back over its last byte
/// (`readn` of "12" without a newline leaves the `2` to be read again), and after `readn`
/// it can step back over the number's digits.
struct Reader {
    source: Source,
    buf: Vec<u8>,
    pos: usize,
    /// A file's offset of `buf[0]`.
    base: u64,
}

impl Reader {
    fn new(source: Source) -> Reader {
        Reader {
            source,
            buf: Vec::new(),
            pos: 0,
            base: 0,
        }
    }

    /// Refills the used-up buffer: the console's next line, or a file's next block. False
    /// at the end of the input (or on an error), leaving the buffer as it is.
    fn refill(&mut self) -> bool {
        match &mut self.source {
            Source::Console => {
                let line = console_line();
                if line.is_empty() {
                    return false;
                }
                (self.buf, self.pos) = (line, 0);
                true
            }
            Source::File { .. } => {
                // The first block, or the next; the last, not full, is the end of the file.
                let next = match self.buf.len() {
                    0 => self.base,
                    BLOCK => self.base + BLOCK as u64,
                    _ => return false,
                };
                match self.block(next) {
                    Some(block) if !block.is_empty() => {
                        (self.buf, self.pos, self.base) = (block, 0, next);
                        true
                    }
                    _ => false,
                }
            }
            Source::Nil => false,
        }
    }

    /// The bytes of a file's block at `base`: fewer than [`BLOCK`] at its end.
    fn block(&mut self, base: u64) -> Option<Vec<u8>> {
        let Source::File { file, .. } = &mut self.source else {
            return None;
        };
        file.seek(SeekFrom::Start(base)).ok()?;
        let mut block = Vec::with_capacity(BLOCK);
        file.take(BLOCK as u64).read_to_end(&mut block).ok()?;
        Some(block)
    }

    fn rdch(&mut self, binary: bool) -> i64 {
        loop {
            if let Some(&b) = self.buf.get(self.pos) {
                self.pos += 1;
                if b == b'\r' && !binary {
                    continue;
                }
                return i64::from(b);
            }
            if !self.refill() {
                return END;
            }
        }
    }

    fn unrdch(&mut self) -> bool {
        let can = self.pos > 0;
        self.pos -= usize::from(can);
        can
    }

    /// Whether the buffer holds a byte not yet read.
    fn ready(&self) -> bool {
        self.pos < self.buf.len()
    }

    /// Whether the stream is written as well as read (`findinoutput`).
    fn writable(&self) -> bool {
        matches!(self.source, Source::File { writable: true, .. })
    }

    /// The stream's position, for a file: the offset of the next byte.
    fn position(&self) -> Option<u64> {
        matches!(self.source, Source::File { .. }).then(|| self.base + self.pos as u64)
    }

    /// Moves a file to byte `at` (not past its end), in the block that holds it.
    fn seek_to(&mut self, at: u64) -> bool {
        let base = at - at % BLOCK as u64;
        let pos = (at - base) as usize;
        match self.block(base) {
            Some(block) if pos <= block.len() => {
                (self.buf, self.pos, self.base) = (block, pos, base);
                true
            }
            _ => false,
        }
    }

    /// Writes `bytes` at the position of a stream that is also written; the stream goes on
    /// after them.
    fn write(&mut self, bytes: &[u8]) -> bool {
        let Some(at) = self.position() else {
            return false;
        };
        let Source::File {
            file,
            writable: true,
        } = &mut self.source
        else {
            return false;
        };
        if file.seek(SeekFrom::Start(at)).is_ok() {
            let _ = file.write_all(bytes);
        }
        let end = self.pos + bytes.len();
        if end <= BLOCK {
            // The block's copy, as the file now has it, without reading it again.
            self.buf.resize(self.buf.len().max(end), 0);
            self.buf[self.pos..end].copy_from_slice(bytes);
            self.pos = end;
        } else {
            self.seek_to(at + bytes.len() as u64);
        }
        true
    }
}

/// What has been read from file descriptor 0 and not yet taken, shared by every run.
static CONSOLE: Mutex<ConsoleIn> = Mutex::new(ConsoleIn {
    buf: Vec::new(),
    at: 0,
});

struct ConsoleIn {
    buf: Vec<u8>,
    at: usize,
}

impl ConsoleIn {
    /// The next buffered byte, if there is one.
    fn take(&mut self) -> Option<i64> {
        let b = *self.buf.get(self.at)?;
        self.at += 1;
        Some(i64::from(b))
    }

    /// Reads what descriptor 0 has (waiting for at least one byte) into the empty buffer, and
    /// gives its first byte, or `endstreamch` at the end of the input or on an error.
    fn fill(&mut self) -> i64 {
        self.buf.resize(4096, 0);
        self.at = 0;
        let got = loop {
            // SAFETY: `buf` is a live, writable allocation of `buf.len()` bytes, and read(2)
            // writes at most that many into it.
            let n = unsafe { libc::read(0, self.buf.as_mut_ptr().cast(), self.buf.len()) };
            if n >= 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                break usize::try_from(n).unwrap_or(0);
            }
        };
        self.buf.truncate(got);
        self.take().unwrap_or(END)
    }

    /// The next byte, waiting for it: `endstreamch` at the end of the input. Carriage
    /// returns are kept, as Cintcode's `Sys_sardch` keeps them when it does not echo (`-q`);
    /// `rdch` skips them.
    fn char(&mut self) -> i64 {
        self.take().unwrap_or_else(|| self.fill())
    }
}

/// The console's next line, taken character by character as [`sardch`] takes them, under
/// one lock of the console: up to a newline (kept), the end of the input, or 4096 bytes.
fn console_line() -> Vec<u8> {
    let mut console = CONSOLE.lock().unwrap_or_else(PoisonError::into_inner);
    let mut line = Vec::new();
    while line.len() < 4096 {
        let c = console.char();
        if c == END {
            break;
        }
        line.push(c as u8);
        if c == i64::from(b'\n') {
            break;
        }
    }
    line
}

/// Whether reading the console's input stream now would wait for the system: nothing is
/// left in the stream's buffer (its line, or the command line's rest), or of what was read
/// from descriptor 0.
/// With `raw`, for `sardch` and `sys(Sys_pollsardch)`, which read the console itself.
pub fn console_would_wait(raw: bool) -> bool {
    let ready = !raw
        && with(|t| match t.slot(CONSOLE_IN) {
            Some(Stream::In(r)) => r.ready(),
            _ => false,
        });
    let c = CONSOLE.lock().unwrap_or_else(PoisonError::into_inner);
    !ready && c.at >= c.buf.len()
}

/// `sardch()`: the next byte of the console's input itself, carriage returns included,
/// waiting for it; not the console stream's, so not the rest of the command line that
/// stream gives first ([`command_rest`]).
pub fn sardch() -> i64 {
    CONSOLE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .char()
}

/// `sys(Sys_pollsardch)`: the next byte of the console's input if one is there now,
/// `pollingch` (-3) if none is yet, `endstreamch` at its end; as Cintcode's `pollReadch`
/// (`sysc/kblib.c`), which polls descriptor 0 with select(2) and a zero timeout and does not
/// skip carriage returns.
pub fn poll_console() -> i64 {
    let mut c = CONSOLE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(b) = c.take() {
        return b;
    }
    let mut fd = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `fd` is one valid pollfd, and the count passed is 1; a zero timeout returns at
    // once.
    match unsafe { libc::poll(&mut fd, 1, 0) } {
        0 => POLLING,
        n if n > 0 => c.fill(),
        _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => POLLING,
        _ => END,
    }
}

enum Stream {
    In(Reader),
    Out(BufWriter<File>),
    /// `NIL:` for output, which takes everything and keeps nothing.
    NilOut,
    /// A `RAM:` stream, whose bytes are in BCPL memory ([`super::scb`]).
    Ram,
}

/// The open streams, by the address of their control blocks.
struct Table {
    streams: WordMap<i64, Stream>,
}

impl Table {
    fn fresh(command_rest: &[u8]) -> Table {
        let mut console = Reader::new(Source::Console);
        console.buf.extend(command_rest);
        Table {
            streams: WordMap::from_iter([(CONSOLE_IN, Stream::In(console))]),
        }
    }

    fn slot(&mut self, s: i64) -> Option<&mut Stream> {
        self.streams.get_mut(&s)
    }

    /// Stream `stream` at `at`, the address of its control block; `true`.
    fn add(&mut self, at: i64, stream: Stream) -> bool {
        self.streams.insert(at, stream);
        true
    }
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::fresh(b"\n"));
}

fn with<T>(f: impl FnOnce(&mut Table) -> T) -> T {
    TABLE.with(|t| f(&mut t.borrow_mut()))
}

/// Closes every file stream (writing what is buffered) and starts the console afresh: the
/// streams of a new run with arguments `args`, whose console input starts with the rest of
/// its command line ([`command_rest`]).
pub fn reset(args: &[String]) {
    flush_all();
    let rest = command_rest(args);
    with(|t| *t = Table::fresh(&rest));
}

/// What Cintcode's CLI leaves in the console's input for a command run with `args`: the rest
/// of the command line after the command's name, newline included (`" a b\n"`, or `"\n"`),
/// which the command's `rdargs` reads, and a command that reads its input without
/// `rdargs` reads first. The arguments are written as typed (`to=x`, `"a b"`), but one
/// holding white space, which a shell's quotes kept together, or empty is written as a
/// quoted item (`"a b"`, with `*"` and `**` for `"` and `*`).
pub fn command_rest(args: &[String]) -> Vec<u8> {
    let mut rest = Vec::new();
    for a in args {
        rest.push(b' ');
        let plain = !a.is_empty() && !a.bytes().any(|b| b.is_ascii_whitespace());
        if plain {
            rest.extend(a.bytes());
        } else {
            rest.push(b'"');
            for b in a.bytes() {
                match b {
                    b'"' => rest.extend(b"*\""),
                    b'*' => rest.extend(b"**"),
                    b'\n' => rest.extend(b"*n"),
                    _ => rest.push(b),
                }
            }
            rest.push(b'"');
        }
    }
    rest.push(b'\n');
    rest
}

/// Whether `s` is an open input stream.
pub fn is_input(s: i64) -> bool {
    with(|t| matches!(t.slot(s), Some(Stream::In(_) | Stream::Ram)))
}

/// Whether `s` is an open `RAM:` stream, whose bytes are in BCPL memory.
pub fn is_ram(s: i64) -> bool {
    with(|t| matches!(t.slot(s), Some(Stream::Ram)))
}

/// Records that the `RAM:` stream whose control block is at `at` is open.
pub fn add_ram(at: i64) {
    with(|t| t.add(at, Stream::Ram));
}

/// Whether `s` is an open output stream.
pub fn is_output(s: i64) -> bool {
    s == CONSOLE_OUT
        || with(|t| match t.slot(s) {
            Some(Stream::Out(_) | Stream::NilOut | Stream::Ram) => true,
            Some(Stream::In(r)) => r.writable(),
            None => false,
        })
}

/// The next character of input stream `s`, past carriage returns, or `None` if `s` is not
/// one outside BCPL memory (a `RAM:` stream is read by [`super::scb`]).
pub fn rdch(s: i64) -> Option<i64> {
    read(s, false)
}

/// `binrdch`: the next byte of input stream `s`, carriage returns included.
pub fn binrdch(s: i64) -> Option<i64> {
    read(s, true)
}

fn read(s: i64, binary: bool) -> Option<i64> {
    with(|t| match t.slot(s) {
        Some(Stream::In(r)) => Some(r.rdch(binary)),
        _ => None,
    })
}

/// Steps input stream `s` back one character: whether it could, or `None` if `s` is not one.
pub fn unrdch(s: i64) -> Option<bool> {
    with(|t| match t.slot(s) {
        Some(Stream::In(r)) => Some(r.unrdch()),
        _ => None,
    })
}

/// `rewindstream(s)`: file stream `s` back at its start, reading it from its first byte or
/// writing over it from there (what was buffered is written first). `Some(false)` for the
/// console, which cannot go back, or when the system refuses; `None` if `s` is no stream
/// outside BCPL memory.
pub fn rewind(s: i64) -> Option<bool> {
    if s == CONSOLE_OUT {
        return Some(false);
    }
    with(|t| match t.slot(s)? {
        Stream::In(r) => Some(r.seek_to(0)),
        Stream::Out(w) => Some(w.seek(SeekFrom::Start(0)).is_ok()),
        Stream::NilOut => Some(true),
        Stream::Ram => None,
    })
}

/// `note(s, posv)`: the position of file stream `s`, in bytes from its start. `Some(None)`
/// for a stream that has none (the console, `NIL:`); `None` if `s` is no stream outside BCPL
/// memory.
pub fn note(s: i64) -> Option<Option<u64>> {
    if s == CONSOLE_OUT {
        return Some(None);
    }
    with(|t| match t.slot(s)? {
        Stream::In(r) => Some(r.position()),
        Stream::Out(w) => Some(w.stream_position().ok()),
        Stream::NilOut => Some(None),
        Stream::Ram => None,
    })
}

/// `point(s, posv)`: file stream `s` at byte `at`, which must not be past its end (what was
/// buffered for an output file is written first). `Some(false)` if it cannot be (a stream
/// without a position, a position past the end); `None` if `s` is no stream outside BCPL
/// memory.
pub fn point(s: i64, at: u64) -> Option<bool> {
    if s == CONSOLE_OUT {
        return Some(false);
    }
    with(|t| match t.slot(s)? {
        Stream::In(r) => Some(r.seek_to(at)),
        Stream::Out(w) => {
            let len = w.flush().and_then(|()| w.get_ref().metadata());
            Some(len.is_ok_and(|m| at <= m.len()) && w.seek(SeekFrom::Start(at)).is_ok())
        }
        Stream::NilOut => Some(false),
        Stream::Ram => None,
    })
}

/// Writes `bytes` to output stream `s` (a file, `NIL:`, or a file also read): false if `s`
/// is not one outside BCPL memory. A write that fails
/// (a full disk) loses the bytes, as Cintcode's `wrch` returns FALSE and goes on.
pub fn write(s: i64, bytes: &[u8]) -> bool {
    with(|t| match t.slot(s) {
        Some(Stream::Out(w)) => {
            let _ = w.write_all(bytes);
            true
        }
        Some(Stream::NilOut) => true,
        Some(Stream::In(r)) => r.write(bytes),
        Some(Stream::Ram) | None => false,
    })
}

/// A stream that a name gives instead of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// `NIL:`.
    Nil,
    /// `RAM:`.
    Ram,
}

/// The device `name` gives, if any: the part of the name before its first `:` (all of it,
/// if there is none), in any case, is `NIL` or `RAM`, as `blib`'s `findstream`
/// (`sysb/dlibsys.b`) splits names.
pub fn device(name: &[u8]) -> Option<Device> {
    let prefix = prefix(name);
    if prefix.eq_ignore_ascii_case(b"NIL") {
        Some(Device::Nil)
    } else if prefix.eq_ignore_ascii_case(b"RAM") {
        Some(Device::Ram)
    } else {
        None
    }
}

/// The part of a stream name before its first `:`, all of it if it has none.
fn prefix(name: &[u8]) -> &[u8] {
    name.split(|&b| b == b':').next().unwrap_or_default()
}

/// Whether `name` names a network connection (prefix `TCP` or `NET`, in any case), which
/// `cintsys` refuses with a message and 0 (`sysb/dlibsys.b`), as the library does here.
pub fn is_network(name: &[u8]) -> bool {
    let prefix = prefix(name);
    prefix.eq_ignore_ascii_case(b"TCP") || prefix.eq_ignore_ascii_case(b"NET")
}

/// `findinput(name)` at `at`, the address of its control block: `NIL:`, or the file `name`
/// (the first found of `name` and `dir/name` for each directory in `path`); whether it is
/// open. The console (`*`) and `RAM:` are [`super::scb`]'s to open.
pub fn find_input(name: &[u8], path: &[String], at: i64) -> bool {
    match device(name) {
        Some(Device::Nil) => return with(|t| t.add(at, Stream::In(Reader::new(Source::Nil)))),
        Some(Device::Ram) => return false,
        None => {}
    }
    let Some(name) = file_name(name) else {
        return false;
    };
    let candidates =
        std::iter::once(name.to_string()).chain(path.iter().map(|dir| format!("{dir}/{name}")));
    for candidate in candidates {
        if let Ok(file) = File::open(&candidate) {
            if file.metadata().is_ok_and(|m| m.is_file()) {
                return add_file(at, file, false);
            }
        }
    }
    false
}

/// Stream `at` reading file `file`, and writing it if `writable`; `true`.
fn add_file(at: i64, file: File, writable: bool) -> bool {
    with(|t| t.add(at, Stream::In(Reader::new(Source::File { file, writable }))))
}

/// `findoutput(name)` (`append` false: the file is created or emptied) or `findappend(name)`
/// at `at`: `NIL:`, or the file `name`; whether it is open.
pub fn find_output(name: &[u8], append: bool, at: i64) -> bool {
    match device(name) {
        Some(Device::Nil) => return with(|t| t.add(at, Stream::NilOut)),
        Some(Device::Ram) => return false,
        None => {}
    }
    let Some(name) = file_name(name) else {
        return false;
    };
    let mut options = OpenOptions::new();
    options.create(true);
    if append {
        options.append(true);
    } else {
        options.write(true).truncate(true);
    }
    match options.open(name) {
        Ok(file) => with(|t| t.add(at, Stream::Out(BufWriter::new(file)))),
        Err(_) => false,
    }
}

/// `findinoutput(name)` (and `findupdate`) at `at`: a stream that reads and writes the file
/// `name` at one position, starting at its first byte; the file is created if it is not
/// there, and what it holds is kept (as Cintcode's `fopen` modes `rb+`, then `wb+`). `NIL:`
/// for its names. Whether it is open.
pub fn find_update(name: &[u8], at: i64) -> bool {
    match device(name) {
        Some(Device::Nil) => return with(|t| t.add(at, Stream::In(Reader::new(Source::Nil)))),
        Some(Device::Ram) => return false,
        None => {}
    }
    let Some(name) = file_name(name) else {
        return false;
    };
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(name);
    match opened {
        Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => add_file(at, file, true),
        _ => false,
    }
}

/// `deletefile(name)`: whether the file `name` was there and is deleted.
pub fn delete_file(name: &[u8]) -> bool {
    file_name(name).is_some_and(|n| std::fs::remove_file(n).is_ok())
}

/// `renamefile(from, to)`: whether the file `from` is now called `to`.
pub fn rename_file(from: &[u8], to: &[u8]) -> bool {
    match (file_name(from), file_name(to)) {
        (Some(from), Some(to)) => std::fs::rename(from, to).is_ok(),
        _ => false,
    }
}

/// A BCPL string as a file name: `None` unless it is UTF-8.
fn file_name(name: &[u8]) -> Option<&str> {
    std::str::from_utf8(name).ok()
}

/// `endstream(s)`: closes stream `s`, writing what is buffered for a file; whether it was
/// open. The console's streams stay open.
pub fn end(s: i64) -> bool {
    if s == CONSOLE_IN || s == CONSOLE_OUT {
        return true;
    }
    with(|t| match t.streams.remove(&s) {
        Some(Stream::Out(mut w)) => {
            let _ = w.flush();
            true
        }
        Some(_) => true,
        None => false,
    })
}

/// `deplete(s)`: writes what output file stream `s` has buffered.
pub fn deplete(s: i64) {
    with(|t| {
        if let Some(Stream::Out(w)) = t.slot(s) {
            let _ = w.flush();
        }
    });
}

/// Writes what every output file stream has buffered: at every exit of a run.
pub fn flush_all() {
    // At thread exit the table may be gone; then its files were dropped, and flushed, already.
    let _ = TABLE.try_with(|t| {
        if let Ok(mut t) = t.try_borrow_mut() {
            for stream in t.streams.values_mut() {
                if let Stream::Out(w) = stream {
                    let _ = w.flush();
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("bcpl-streams-{}-{name}", std::process::id()))
    }

    #[test]
    fn the_console_gives_the_rest_of_the_command_line_first_as_typed() {
        let args: Vec<String> = ["a", "b \"c*", "", "k=v", "\"x\""].map(String::from).into();
        let rest = command_rest(&args);
        assert_eq!(rest, b" a \"b *\"c**\" \"\" k=v \"x\"\n");
        assert_eq!(command_rest(&[]), b"\n");
        reset(&args);
        let read: Vec<i64> = (0..rest.len()).filter_map(|_| rdch(CONSOLE_IN)).collect();
        assert_eq!(read, rest.iter().map(|&b| i64::from(b)).collect::<Vec<_>>());
        assert_eq!(unrdch(CONSOLE_IN), Some(true));
        assert_eq!(rdch(CONSOLE_IN), Some(i64::from(b'\n')));
        reset(&[]);
    }

    #[test]
    fn nil_takes_what_is_written_and_reads_as_ended() {
        reset(&[]);
        let out = 10_000;
        assert!(find_output(b"nil:", false, out));
        assert!(is_output(out) && !is_input(out));
        assert!(write(out, b"gone"));
        assert_eq!(rewind(out), Some(true));
        end(out);
        let input = 10_100;
        assert!(find_input(b"NIL:", &[], input));
        assert!(is_input(input) && !is_output(input));
        assert_eq!(rdch(input), Some(END));
        assert_eq!(rdch(input), Some(END));
        end(input);
        assert!(!std::path::Path::new("nil:").exists() && !std::path::Path::new("NIL:").exists());
    }

    #[test]
    fn a_file_written_is_read_back_without_carriage_returns() {
        reset(&[]);
        let path = temp("rw");
        let name = path.to_str().unwrap().as_bytes();
        let (out, input) = (10_000, 10_100);
        assert!(find_output(name, false, out));
        assert!(is_output(out) && !is_input(out));
        assert!(write(out, b"a\r\nb"));
        assert!(end(out));
        assert!(!is_output(out) && !end(out));
        assert!(find_input(name, &[], input));
        assert!(is_input(input));
        let read: Vec<i64> = (0..4).map(|_| rdch(input).unwrap()).collect();
        assert_eq!(read, [97, 10, 98, END]);
        // The end leaves the buffer as it was: unrdch steps back over the last byte.
        assert_eq!(unrdch(input), Some(true));
        assert_eq!(rdch(input), Some(98));
        end(input);
        assert!(find_input(name, &[], input));
        assert_eq!(binrdch(input), Some(97));
        assert_eq!(binrdch(input), Some(13));
        // Back as far as the buffer's start, and no further.
        assert_eq!(unrdch(input), Some(true));
        assert_eq!(unrdch(input), Some(true));
        assert_eq!(unrdch(input), Some(false));
        assert_eq!(binrdch(input), Some(97));
        end(input);
        assert_eq!(rdch(input), None);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn an_update_stream_keeps_the_file_and_reads_and_writes_at_one_position() {
        reset(&[]);
        let path = temp("update");
        std::fs::write(&path, "abcdef").unwrap();
        let name = path.to_str().unwrap().as_bytes();
        let s = 10_000;
        assert!(find_update(name, s));
        assert!(is_input(s) && is_output(s));
        assert_eq!(note(s), Some(Some(0)));
        assert_eq!(rdch(s), Some(i64::from(b'a')));
        assert_eq!(rdch(s), Some(i64::from(b'b')));
        assert_eq!(unrdch(s), Some(true));
        assert_eq!(note(s), Some(Some(1)), "unrdch steps the position back");
        assert!(write(s, b"XY"));
        assert_eq!(note(s), Some(Some(3)));
        assert_eq!(rdch(s), Some(i64::from(b'd')));
        assert_eq!(point(s, 6), Some(true), "the end is a position");
        assert_eq!(point(s, 7), Some(false), "past the end is not");
        assert!(write(s, b"g"));
        assert_eq!(rewind(s), Some(true));
        let read: Vec<u8> = std::iter::from_fn(|| rdch(s).filter(|&c| c != END))
            .map(|c| c as u8)
            .collect();
        assert_eq!(read, b"aXYdefg");
        end(s);
        assert_eq!(std::fs::read(&path).unwrap(), b"aXYdefg");
        std::fs::remove_file(&path).unwrap();
        let created = 10_100;
        assert!(
            find_update(name, created) && path.exists(),
            "a missing file is created"
        );
        assert_eq!(rdch(created), Some(END));
        end(created);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn ram_and_nil_are_devices_by_the_name_before_a_colon() {
        reset(&[]);
        for name in [&b"ram:"[..], b"RAM:anything", b"Ram"] {
            assert_eq!(device(name), Some(Device::Ram));
            assert!(!find_input(name, &[], 10_000) && !find_update(name, 10_000));
        }
        assert_eq!(device(b"nil"), Some(Device::Nil));
        assert_eq!(device(b"nile"), None);
        add_ram(10_000);
        assert!(is_ram(10_000) && is_input(10_000) && is_output(10_000));
        assert_eq!(note(10_000), None, "a RAM: stream is read in BCPL memory");
        assert!(end(10_000) && !is_ram(10_000));
        let nil = 10_100;
        assert!(find_output(b"nil", false, nil));
        assert!(is_output(nil) && !is_input(nil) && !is_ram(nil));
        assert_eq!(note(nil), Some(None), "NIL: has no position");
        assert_eq!(point(nil, 0), Some(false));
        end(nil);
        for name in ["ram", "Ram", "nil"] {
            assert!(!std::path::Path::new(name).exists());
        }
        assert_eq!(note(CONSOLE_IN), Some(None));
        assert_eq!(point(CONSOLE_OUT, 0), Some(false));
        assert_eq!(note(99), None, "99 is no stream");
        assert!(
            end(CONSOLE_IN) && is_input(CONSOLE_IN),
            "the console stays open"
        );
    }

    #[test]
    fn missing_files_give_zero_and_path_directories_are_searched() {
        reset(&[]);
        assert!(!find_input(b"no such file here", &[], 10_000));
        assert!(!is_input(10_000));
        let path = temp("in-path");
        std::fs::write(&path, "x").unwrap();
        let dir = path.parent().unwrap().to_str().unwrap().to_string();
        let base = path.file_name().unwrap().to_str().unwrap().as_bytes();
        let s = 10_000;
        assert!(find_input(base, &[dir], s));
        assert_eq!(rdch(s), Some(i64::from(b'x')));
        end(s);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn append_keeps_what_was_there() {
        reset(&[]);
        let path = temp("append");
        let name = path.to_str().unwrap().as_bytes();
        assert!(find_output(name, false, 10_000));
        write(10_000, b"one ");
        end(10_000);
        assert!(find_output(name, true, 10_100));
        write(10_100, b"two");
        flush_all();
        assert_eq!(std::fs::read(&path).unwrap(), b"one two");
        end(10_100);
        std::fs::remove_file(path).unwrap();
    }
}
