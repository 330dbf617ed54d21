//! Positions in file and `RAM:` streams, and records: `note`, `point`, `setrecordlength`,
//! `recordnote`, `recordpoint`, `get_record` and `put_record` of `libhdr`.
//!
//! A position is a byte offset from the start of the stream ([`streams::note`]). `note` and
//! `point` split it into a block number and an offset in the block (`posv!0`, `posv!1`),
//! with blocks of [`streams::BLOCK`] bytes, as Cintcode's file streams do
//! (`sysb/dlibsys.b`), so that a program printing a position prints what it prints there.
//! A record `n` of a stream whose record length is `len` starts at byte `n * len`
//! (`sysb/blib.b`'s `recordpoint`, records numbered from 0).
//!
//! Where Cintcode aborts (a position past the end of the stream, a negative record number,
//! a stream without positions), these give `FALSE`, as the routines' own comments in `blib`
//! say they return; a value that is no open stream is the run-time error
//! [`Fault::NoInput`] (or [`Fault::NoOutput`] for `put_record`), as for `rewindstream`.

use super::arith::truth;
use super::memory::{Fault, Runtime, Stop};
use super::streams;

/// `Some(v)` unless `s` is no open stream: then the error at `line`.
fn open<T>(s: i64, line: u32, v: Option<T>) -> Result<T, Stop> {
    v.ok_or(Stop::Fault(line, Fault::NoInput(s)))
}

/// The error at `line` unless `s` is an open stream.
fn known(s: i64, line: u32) -> Result<(), Stop> {
    open(
        s,
        line,
        (streams::is_input(s) || streams::is_output(s)).then_some(()),
    )
}

/// `s` at byte `at`, if there is such a byte (`None`: before the start or beyond any file):
/// `TRUE`, or `FALSE` where it cannot go (see [`streams::point`]).
fn point_to(s: i64, at: Option<u64>, line: u32) -> Result<i64, Stop> {
    match at {
        Some(at) => Ok(truth(open(s, line, streams::point(s, at))?)),
        None => known(s, line).map(|()| truth(false)),
    }
}

/// `note(s, posv)`: `posv!0` and `posv!1` := the block and the offset in it of the position
/// of `s`; `TRUE`, or `FALSE` for a stream without positions (the console, `NIL:`).
pub fn note(rt: &mut Runtime, s: i64, posv: i64, line: u32) -> Result<i64, Stop> {
    let Some(at) = open(s, line, streams::note(s))? else {
        return Ok(truth(false));
    };
    let block = streams::BLOCK;
    rt.store(posv, (at / block) as i64, line)?;
    rt.store(posv.wrapping_add(1), (at % block) as i64, line)?;
    Ok(truth(true))
}

/// `point(s, posv)`: `s` at the position `posv` holds (as `note` gives it); `FALSE` if it is
/// past the end of the stream or negative, or `s` has no positions.
pub fn point(rt: &mut Runtime, s: i64, posv: i64, line: u32) -> Result<i64, Stop> {
    let (block, offset) = (rt.load(posv, line)?, rt.load(posv.wrapping_add(1), line)?);
    let at = (streams::BLOCK as i64)
        .checked_mul(block)
        .and_then(|b| b.checked_add(offset))
        .and_then(|at| u64::try_from(at).ok());
    point_to(s, at, line)
}

/// `setrecordlength(s, len)`: the record length of `s`, in bytes; gives the previous one.
pub fn set_record_length(s: i64, len: i64, line: u32) -> Result<i64, Stop> {
    known(s, line)?;
    Ok(streams::set_record_length(s, len))
}

/// `recordnote(s)`: the number of the record at the position of `s`, or -1 if `s` has no
/// record length or no positions.
pub fn record_note(s: i64, line: u32) -> Result<i64, Stop> {
    let at = open(s, line, streams::note(s))?;
    let len = streams::record_length(s);
    Ok(match at {
        Some(at) if len > 0 => (at / len as u64) as i64,
        _ => -1,
    })
}

/// `recordpoint(s, n)`: `s` at the start of record `n`; `FALSE` if that is past the end of
/// the stream (one record past the last is the end, where `put_record` adds one), `n` is
/// negative, or `s` has no positions.
pub fn record_point(s: i64, n: i64, line: u32) -> Result<i64, Stop> {
    let len = streams::record_length(s).max(0);
    let at = len.checked_mul(n).and_then(|at| u64::try_from(at).ok());
    point_to(s, at, line)
}

/// `get_record(v, n, s)`: the bytes of record `n` of `s` into `v%0`, `v%1`, ...; `FALSE` if
/// `s` has no record length, the record is not there, or the stream ends inside it (the
/// bytes before the end are in `v`).
pub fn get_record(rt: &mut Runtime, v: i64, n: i64, s: i64, line: u32) -> Result<i64, Stop> {
    let len = streams::record_length(s);
    if record_point(s, n, line)? == 0 || len <= 0 {
        return Ok(truth(false));
    }
    for i in 0..len {
        let b = open(s, line, streams::binrdch(s))?;
        if b == streams::END {
            return Ok(truth(false));
        }
        rt.store_byte(v, i, b, line)?;
    }
    Ok(truth(true))
}

/// `put_record(v, n, s)`: writes `v%0`, `v%1`, ... as record `n` of `s`, over what is there
/// or at the end; `FALSE` if `s` has no record length or record `n` is past the end.
pub fn put_record(rt: &mut Runtime, v: i64, n: i64, s: i64, line: u32) -> Result<i64, Stop> {
    if !streams::is_output(s) {
        return Err(Stop::Fault(line, Fault::NoOutput(s)));
    }
    let len = streams::record_length(s);
    if len <= 0 || record_point(s, n, line)? == 0 {
        return Ok(truth(false));
    }
    let bytes = (0..len)
        .map(|i| rt.load_byte(v, i, line).map(|b| b as u8))
        .collect::<Result<Vec<u8>, Stop>>()?;
    Ok(truth(streams::write(s, &bytes)))
}
