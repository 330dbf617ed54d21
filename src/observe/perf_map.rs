//! perf's map file for JIT code: `/tmp/perf-<pid>.map`.
//!
//! perf (and samply) read this file to name addresses in anonymous executable memory: one line
//! per symbol, `<start> <size> <name>`, start and size in hexadecimal without `0x`, as
//! perf's `tools/perf/Documentation/jit-interface.txt` specifies. Lines are only appended: a
//! profiler reads the file after the run, so a symbol whose code was dropped stays listed and
//! a later symbol at the same address is listed after it (perf takes the later line).
//!
//! A forked child's first commit opens the child's own file, which starts with a copy of the
//! parent's lines: the code the child inherited keeps its names in the child's profile.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use super::{CodeInfo, Observer};
use crate::memory::lock::Lock;
use crate::Error;

/// The map file, once open; a [`Lock`] so that the fork handlers can hold it (`fork.rs`).
pub(super) static FILE: Lock<Option<MapFile>> = Lock::new(None);

/// An open map file and the process it is named after.
pub(super) struct MapFile {
    pid: u32,
    file: File,
}

fn path(pid: u32) -> PathBuf {
    PathBuf::from(format!("/tmp/perf-{pid}.map"))
}

fn error(path: &std::path::Path, e: std::io::Error) -> Error {
    super::file_error("perf map", path, e)
}

/// The map file of forked child `pid`, holding the lines of its parent's (`parent`) so far.
fn open_in_child(parent: u32, pid: u32) -> Result<File, Error> {
    let path = path(pid);
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&path)
        .map_err(|e| error(&path, e))?;
    // The parent's file may be gone (a profiler cleaned it up): then the child starts empty.
    if let Ok(lines) = std::fs::read(self::path(parent)) {
        file.write_all(&lines).map_err(|e| error(&path, e))?;
    }
    Ok(file)
}

/// Appends each commit's symbols to `/tmp/perf-<pid>.map` ([`FILE`]).
pub(crate) struct PerfMap;

impl PerfMap {
    /// The map file of this process, created if needed.
    pub(crate) fn open() -> Result<PerfMap, Error> {
        let pid = std::process::id();
        let path = path(pid);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| error(&path, e))?;
        *FILE.lock() = Some(MapFile { pid, file });
        Ok(PerfMap)
    }
}

/// The map lines of `code`.
fn lines(code: &CodeInfo<'_>) -> String {
    code.symbols()
        .iter()
        .map(|s| format!("{:x} {:x} {}\n", s.start(), s.len(), s.name()))
        .collect()
}

impl Observer for PerfMap {
    fn committed(&self, code: &CodeInfo<'_>) {
        let text = lines(code);
        let pid = std::process::id();
        let mut open = FILE.lock();
        let Some(map) = super::own_file(
            &mut open,
            pid,
            |m| m.pid,
            |parent, pid| open_in_child(parent, pid).map(|file| MapFile { pid, file }),
        ) else {
            return;
        };
        // One write per commit, so lines of concurrent commits never interleave. A failed
        // write loses only these names from the profile, so it is reported, not raised.
        if let Err(e) = map.file.write_all(text.as_bytes()) {
            eprintln!("jitkit: perf map: {e}");
        }
    }

    fn released(&self, _code: &CodeInfo<'_>) {}
}
