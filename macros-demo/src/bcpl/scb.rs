//! Stream control blocks: what a stream is to a program, in BCPL memory.
//!
//! In Cintcode a stream is the address of its control block, a vector of `scb_size` words
//! laid out by `libhdr` (`scb_id`, `scb_type`, `scb_buf`, `scb_pos`, `scb_end`, ...;
//! `g/libhdr.h`) and filled by `findstream` (`sysb/dlibsys.b`), and programs read it: the
//! length of what a `RAM:` stream holds is `s!scb_end`, its bytes are at `s!scb_buf`. Here
//! too every stream is the address of such a block, with `libhdr`'s layout ([`MANIFESTS`]):
//! - the console's two streams have theirs in the image, just after the global vector
//!   ([`console_blocks`]), so that they are the same in every run;
//! - a stream opened by name gets one from the heap, as `getvec` gives it, and `endstream`
//!   frees it; with no memory left the open gives 0, as in Cintcode.
//!
//! A `RAM:` stream lives entirely in BCPL memory, as in Cintcode: its bytes are in a vector
//! of the heap at `scb_buf`, of `scb_bufend` bytes (1024 at first, twice as many each time a
//! byte is written at its end), `scb_pos` is the position of the next byte and `scb_end` the
//! number of bytes written. Reading, writing, `unrdch`, `note`, `point`, `deplete` and
//! `endstream` read and update these words as `blib`'s routines do, so a program may read
//! them, or build a string in the buffer.
//!
//! Files and the console are read and written by the system outside BCPL memory
//! ([`super::streams`]). Their blocks hold what describes the stream (`scb_id`, `scb_type`,
//! the name, `scb_blength` and `scb_bufend`, `scb_reclen`, `scb_encoding`); their buffer
//! words (`scb_buf`, `scb_pos`, `scb_end`, `scb_block`) stay 0, as for a stream with no
//! buffer: the bytes they would describe are not in BCPL memory.
//!
//! A value is taken as a stream only if it is one that is open ([`streams`] knows them), so
//! a number a program passes is never read as a block; a program may still change an open
//! block's words, so every access through them is checked like any other access.

use super::memory::{Fault, Runtime, Stop, GLOBALS};
use super::streams::{self, Device, CONSOLE_IN, CONSOLE_OUT};

/// `scb_id`: [`ID_IN`], [`ID_OUT`], [`ID_INOUT`] or [`ID_APPEND`].
pub const ID: i64 = 0;
/// `scb_type`: [`TYPE_RAM`], [`TYPE_FILE`] or [`TYPE_CONSOLE`].
pub const TYPE: i64 = 1;
/// `scb_buf`: the byte buffer of a `RAM:` stream, 0 for the others.
pub const BUF: i64 = 3;
/// `scb_pos`: the position in the buffer of the next byte read or written.
pub const POS: i64 = 4;
/// `scb_end`: the number of valid bytes in the buffer.
pub const END: i64 = 5;
/// `scb_block`: the number of the block in the buffer (always 0 for a `RAM:` stream).
pub const BLOCK: i64 = 9;
/// `scb_write`: TRUE once the buffer holds bytes written to it.
pub const WRITE: i64 = 10;
/// `scb_bufend`: the size of the buffer in bytes.
pub const BUFEND: i64 = 11;
/// `scb_lblock`: the number of the last block.
pub const LBLOCK: i64 = 12;
/// `scb_ldata`: the bytes in the last block.
pub const LDATA: i64 = 13;
/// `scb_blength`: the length of a file's blocks in bytes.
pub const BLENGTH: i64 = 14;
/// `scb_reclen`: the record length that `setrecordlength` set.
pub const RECLEN: i64 = 15;
/// `scb_encoding`: the encoding `codewrch` last selected for the stream (`GB2312` is -2).
pub const ENCODING: i64 = 20;
/// `scb_name`: the stream's name, a BCPL string of up to [`MAX_NAME`] bytes.
pub const NAME: i64 = 21;
/// `scb_maxnamelen`.
pub const MAX_NAME: i64 = 31;
/// `scb_size`: the words of a block.
pub const SIZE: i64 = NAME + MAX_NAME / 8 + 1;

/// `id_inscb`: a stream opened for input.
pub const ID_IN: i64 = 0x81;
/// `id_outscb`: a stream opened for output.
pub const ID_OUT: i64 = 0x82;
/// `id_inoutscb`: a stream read and written (`findinoutput`, and every `RAM:` stream).
pub const ID_INOUT: i64 = 0x83;
/// `id_appendscb`: a stream opened by `findappend`.
pub const ID_APPEND: i64 = 0x84;
/// `scbt_ram`: a `RAM:` stream (and `NIL:`, whose type `findstream` leaves 0).
pub const TYPE_RAM: i64 = 0;
/// `scbt_file`: a disc file.
pub const TYPE_FILE: i64 = 1;
/// `scbt_console`: the console.
pub const TYPE_CONSOLE: i64 = -1;

/// The buffer size of file and console streams, and the block length of files: `buflen` of
/// `sysb/dlibsys.b`, which `note` and `point` count positions in ([`note`], [`point`]).
pub const BLOCK_BYTES: i64 = 4096;
/// The bytes of a new `RAM:` stream's buffer.
const RAM_FIRST: i64 = 1024;

const _: () = assert!(CONSOLE_IN == GLOBALS as i64 && CONSOLE_OUT == CONSOLE_IN + SIZE);

/// The `libhdr` names of the control block's layout, its ids and its types, with their
/// values (`g/libhdr.h`).
pub const MANIFESTS: &[(&str, i64)] = &[
    ("id_inscb", ID_IN),
    ("id_outscb", ID_OUT),
    ("id_inoutscb", ID_INOUT),
    ("id_appendscb", ID_APPEND),
    ("scbt_net", 2),
    ("scbt_file", TYPE_FILE),
    ("scbt_ram", TYPE_RAM),
    ("scbt_console", TYPE_CONSOLE),
    ("scbt_mbx", -2),
    ("scbt_tcp", -3),
    ("scb_maxnamelen", MAX_NAME),
    ("scb_id", ID),
    ("scb_type", TYPE),
    ("scb_task", 2),
    ("scb_buf", BUF),
    ("scb_pos", POS),
    ("scb_end", END),
    ("scb_rdfn", 6),
    ("scb_wrfn", 7),
    ("scb_endfn", 8),
    ("scb_block", BLOCK),
    ("scb_write", WRITE),
    ("scb_bufend", BUFEND),
    ("scb_lblock", LBLOCK),
    ("scb_ldata", LDATA),
    ("scb_blength", BLENGTH),
    ("scb_reclen", RECLEN),
    ("scb_fd", 16),
    ("scb_fd1", 17),
    ("scb_timeout", 18),
    ("scb_timeoutact", 19),
    ("scb_encoding", ENCODING),
    ("scb_name", NAME),
    ("scb_nameeend", NAME + MAX_NAME / 8),
    ("scb_size", SIZE),
    ("scb_upb", SIZE - 1),
];

/// The words of a block for a stream `id` of `kind` called `name` (cut to [`MAX_NAME`]
/// bytes, as `findstream` cuts it).
fn block(id: i64, kind: i64, name: &[u8]) -> Vec<i64> {
    let mut words = vec![0; SIZE as usize];
    words[ID as usize] = id;
    words[TYPE as usize] = kind;
    if kind != TYPE_RAM {
        words[BUFEND as usize] = BLOCK_BYTES;
    }
    if kind == TYPE_FILE {
        words[BLENGTH as usize] = BLOCK_BYTES;
    }
    let name = &name[..name.len().min(MAX_NAME as usize)];
    for (i, &b) in std::iter::once(&(name.len() as u8)).chain(name).enumerate() {
        words[NAME as usize + i / 8] |= i64::from(b) << (8 * (i % 8));
    }
    words
}

/// The console's input and output blocks, which the image holds from [`CONSOLE_IN`]: both
/// are called `*`, as `findinput("**")` names them in Cintcode.
pub fn console_blocks() -> Vec<i64> {
    let mut words = block(ID_IN, TYPE_CONSOLE, b"*");
    words.extend(block(ID_OUT, TYPE_CONSOLE, b"*"));
    words
}

/// How a stream is opened.
#[derive(Debug, Clone, Copy)]
pub enum Open<'a> {
    /// `findinput`, looking also in the directories of `pathfindinput`'s path.
    Input(&'a [String]),
    /// `findoutput`, or `findappend` with `true`.
    Output(bool),
    /// `findinoutput` and `findupdate`.
    Update,
}

/// Opens the stream `name` as `how` says ([`streams`] tells devices from files): the
/// address of its block, or 0 if it cannot be opened or no memory is left for it. `*`
/// is the console's input or output.
pub fn open(rt: &mut Runtime, name: &[u8], how: Open) -> i64 {
    match how {
        Open::Input(_) if name == b"*" => return CONSOLE_IN,
        Open::Output(_) if name == b"*" => return CONSOLE_OUT,
        _ => {}
    }
    let device = streams::device(name);
    let (id, kind) = match (how, device) {
        (_, Some(Device::Ram)) => (ID_INOUT, TYPE_RAM),
        (_, Some(Device::Nil)) => (id_of(how), TYPE_RAM),
        _ => (id_of(how), TYPE_FILE),
    };
    let Some(at) = rt.getvec(SIZE - 1) else {
        return 0;
    };
    let words = block(id, kind, name);
    rt.mem[at as usize..][..words.len()].copy_from_slice(&words);
    let opened = match (how, device) {
        (_, Some(Device::Ram)) => open_ram(rt, at),
        (Open::Input(path), _) => streams::find_input(name, path, at),
        (Open::Output(append), _) => streams::find_output(name, append, at),
        (Open::Update, _) => streams::find_update(name, at),
    };
    if opened {
        at
    } else {
        rt.freevec(at);
        0
    }
}

/// The `scb_id` of a stream opened as `how`.
fn id_of(how: Open) -> i64 {
    match how {
        Open::Input(_) => ID_IN,
        Open::Output(false) => ID_OUT,
        Open::Output(true) => ID_APPEND,
        Open::Update => ID_INOUT,
    }
}

/// Gives the `RAM:` stream at `at` its first buffer; false if no memory is left for it.
fn open_ram(rt: &mut Runtime, at: i64) -> bool {
    let Some(buf) = rt.getvec(RAM_FIRST / 8) else {
        return false;
    };
    let m = at as usize;
    rt.mem[m + BUF as usize] = buf;
    rt.mem[m + BUFEND as usize] = RAM_FIRST;
    streams::add_ram(at);
    true
}

/// The word `field` of block `s`, checked.
fn get(rt: &Runtime, s: i64, field: i64, line: u32) -> Result<i64, Stop> {
    rt.load(s.wrapping_add(field), line)
}

/// Sets the word `field` of block `s`, checked.
fn set(rt: &mut Runtime, s: i64, field: i64, v: i64, line: u32) -> Result<(), Stop> {
    rt.store(s.wrapping_add(field), v, line)
}

/// The next byte of input stream `s` (past carriage returns unless `binary`), or
/// `endstreamch` at its end; `None` if `s` is no open input stream.
pub fn rdch(rt: &mut Runtime, s: i64, binary: bool, line: u32) -> Result<Option<i64>, Stop> {
    let outside = if binary {
        streams::binrdch(s)
    } else {
        streams::rdch(s)
    };
    if outside.is_some() || !streams::is_ram(s) {
        return Ok(outside);
    }
    loop {
        let pos = get(rt, s, POS, line)?;
        if pos >= get(rt, s, END, line)? {
            // A `RAM:` stream has nothing to replenish its buffer with.
            return Ok(Some(streams::END));
        }
        let ch = rt.load_byte(get(rt, s, BUF, line)?, pos, line)?;
        set(rt, s, POS, pos + 1, line)?;
        if binary || ch != i64::from(b'\r') {
            return Ok(Some(ch));
        }
    }
}

/// `unrdch()` on input stream `s`: whether it stepped back; `None` if `s` is no open input
/// stream. A `RAM:` stream steps back a byte while it is not at its start, as `blib`'s does.
pub fn unrdch(rt: &mut Runtime, s: i64, line: u32) -> Result<Option<bool>, Stop> {
    let outside = streams::unrdch(s);
    if outside.is_some() || !streams::is_ram(s) {
        return Ok(outside);
    }
    let pos = get(rt, s, POS, line)?;
    if pos <= 0 {
        return Ok(Some(false));
    }
    set(rt, s, POS, pos - 1, line)?;
    Ok(Some(true))
}

/// Writes `bytes` to output stream `s`: false if it is not one. A byte that does not fit in
/// a `RAM:` stream's buffer, when no memory is left to make it larger, is lost, as
/// `wrch` gives FALSE and goes on.
pub fn write(rt: &mut Runtime, s: i64, bytes: &[u8], line: u32) -> Result<bool, Stop> {
    if streams::write(s, bytes) {
        return Ok(true);
    }
    if !streams::is_ram(s) {
        return Ok(false);
    }
    for &b in bytes {
        let mut pos = get(rt, s, POS, line)?;
        if pos >= get(rt, s, BUFEND, line)? {
            if !grow(rt, s, line)? {
                continue;
            }
            pos = get(rt, s, POS, line)?;
        }
        rt.store_byte(get(rt, s, BUF, line)?, pos, i64::from(b), line)?;
        let pos = pos.wrapping_add(1);
        set(rt, s, POS, pos, line)?;
        if get(rt, s, END, line)? < pos {
            set(rt, s, END, pos, line)?;
        }
        set(rt, s, WRITE, -1, line)?;
    }
    Ok(true)
}

/// `ramwrfn` of `sysb/dlibsys.b`: replaces the buffer of `RAM:` stream `s` by one twice its
/// size holding the same bytes; false if no memory is left for it.
fn grow(rt: &mut Runtime, s: i64, line: u32) -> Result<bool, Stop> {
    let (old, size) = (get(rt, s, BUF, line)?, get(rt, s, BUFEND, line)?);
    let Some(new) = size
        .checked_mul(2)
        .filter(|&n| n > 0)
        .and_then(|n| rt.getvec(n / 8))
    else {
        return Ok(false);
    };
    for i in 0..=size / 8 {
        let w = rt.load(old.wrapping_add(i), line)?;
        rt.store(new + i, w, line)?;
    }
    set(rt, s, BUF, new, line)?;
    set(rt, s, BUFEND, size * 2, line)?;
    if !rt.freevec(old) {
        return Err(Stop::Fault(line, Fault::BadFree(old)));
    }
    Ok(true)
}

/// `deplete(s)`: writes what output file stream `s` has buffered; a `RAM:` stream's buffer is
/// made twice as large, as its `ramwrfn` does. Whether that was done.
pub fn deplete(rt: &mut Runtime, s: i64, line: u32) -> Result<bool, Stop> {
    if streams::is_ram(s) {
        return grow(rt, s, line);
    }
    streams::deplete(s);
    Ok(true)
}

/// A position in a stream as `note` gives it: a block and the offset in it.
pub type Position = (i64, i64);

/// `note(s, posv)`: the position of `s`, `Some(None)` for a stream that has none (the
/// console, `NIL:`), or `None` if `s` is no open stream. A file's position is in blocks of
/// [`BLOCK_BYTES`]; a `RAM:` stream's is its block word (0) and its `scb_pos`, as `blib`'s
/// `note` gives them.
pub fn note(rt: &Runtime, s: i64, line: u32) -> Result<Option<Option<Position>>, Stop> {
    if streams::is_ram(s) {
        return Ok(Some(Some((
            get(rt, s, BLOCK, line)?,
            get(rt, s, POS, line)?,
        ))));
    }
    Ok(streams::note(s).map(|at| at.map(|at| position(s, at as i64))))
}

/// The position of byte `at` of `s`: a file's in blocks of [`BLOCK_BYTES`], a `RAM:`
/// stream's in its one block.
pub fn position(s: i64, at: i64) -> Position {
    if streams::is_ram(s) {
        (0, at)
    } else {
        (at.div_euclid(BLOCK_BYTES), at.rem_euclid(BLOCK_BYTES))
    }
}

/// `point(s, posv)`: `s` at position `(block, offset)` as [`note`] gives them; `Some(false)`
/// if it has no positions or that one is before its start or past its end, `None` if `s`
/// is no open stream. A `RAM:` stream has one block, of `scb_end` bytes.
pub fn point(rt: &mut Runtime, s: i64, to: Position, line: u32) -> Result<Option<bool>, Stop> {
    let (block, offset) = to;
    if !streams::is_ram(s) {
        let at = BLOCK_BYTES
            .checked_mul(block)
            .and_then(|b| b.checked_add(offset))
            .and_then(|at| u64::try_from(at).ok());
        return Ok(match at {
            Some(at) => streams::point(s, at),
            None => is_open(s).then_some(false),
        });
    }
    let here = get(rt, s, BLOCK, line)?;
    if block != here || offset < 0 || offset > get(rt, s, END, line)? {
        return Ok(Some(false));
    }
    set(rt, s, POS, offset, line)?;
    Ok(Some(true))
}

/// `rewindstream(s)`: `s` at its start ([`point`] to block 0, offset 0; see
/// [`streams::rewind`] for files).
pub fn rewind(rt: &mut Runtime, s: i64, line: u32) -> Result<Option<bool>, Stop> {
    if streams::is_ram(s) {
        return point(rt, s, (0, 0), line);
    }
    Ok(streams::rewind(s))
}

/// `endstream(s)`: closes `s` and frees its block (and a `RAM:` stream's buffer); nothing
/// for a value that is no open stream, or the console's streams, which stay open.
pub fn end(rt: &mut Runtime, s: i64, line: u32) -> Result<(), Stop> {
    let ram = streams::is_ram(s);
    if s == CONSOLE_IN || s == CONSOLE_OUT || !streams::end(s) {
        return Ok(());
    }
    if ram {
        let buf = get(rt, s, BUF, line)?;
        if buf != 0 && !rt.freevec(buf) {
            return Err(Stop::Fault(line, Fault::BadFree(buf)));
        }
    }
    rt.freevec(s);
    Ok(())
}

/// Whether `s` is an open stream, input or output.
pub fn is_open(s: i64) -> bool {
    streams::is_input(s) || streams::is_output(s)
}

/// `setrecordlength(s, len)`: sets the record length of open stream `s` (`scb_reclen`) and
/// gives the one it had.
pub fn set_record_length(rt: &mut Runtime, s: i64, len: i64, line: u32) -> Result<i64, Stop> {
    let old = get(rt, s, RECLEN, line)?;
    set(rt, s, RECLEN, len, line)?;
    Ok(old)
}

/// The record length of open stream `s`.
pub fn record_length(rt: &Runtime, s: i64, line: u32) -> Result<i64, Stop> {
    get(rt, s, RECLEN, line)
}

/// `codewrch(code)` with `code` negative: the encoding of output stream `s` (its
/// `scb_encoding`); nothing if `s` is no open output stream.
pub fn set_encoding(rt: &mut Runtime, s: i64, code: i64, line: u32) -> Result<(), Stop> {
    if streams::is_output(s) {
        set(rt, s, ENCODING, code, line)?;
    }
    Ok(())
}

/// The encoding code last selected for output stream `s` (0 if none was), or 0 if `s` is no
/// open output stream.
pub fn encoding(rt: &Runtime, s: i64, line: u32) -> Result<i64, Stop> {
    if streams::is_output(s) {
        get(rt, s, ENCODING, line)
    } else {
        Ok(0)
    }
}
