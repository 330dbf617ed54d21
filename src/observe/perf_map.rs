//! perf's map file for JIT code: `/tmp/perf-<pid>.map`.
//!
//! perf (and samply) read this file to name addresses in anonymous executable memory: one line
//! per symbol, `<start> <size> <name>`, start and size in hexadecimal without `0x`, as
//! perf's `tools/perf/Documentation/jit-interface.txt` specifies. Lines are only appended: a
//! profiler reads the file after the run, so a symbol whose code was dropped stays listed and
//! a later symbol at the same address is listed after it (perf takes the later line).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use super::{CodeInfo, Observer};
use crate::memory::lock::Lock;
use crate::Error;

/// The map file, once open; a [`Lock`] so that the fork handlers can hold it (`fork.rs`).
pub(super) static FILE: Lock<Option<File>> = Lock::new(None);

/// Appends each commit's symbols to `/tmp/perf-<pid>.map` ([`FILE`]).
pub(crate) struct PerfMap;

impl PerfMap {
    /// The map file of this process, created if needed.
    pub(crate) fn open() -> Result<PerfMap, Error> {
        let path = PathBuf::from(format!("/tmp/perf-{}.map", std::process::id()));
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::Observer {
                tool: "perf map",
                source: std::io::Error::new(e.kind(), format!("{}: {e}", path.display())),
            })?;
        *FILE.lock() = Some(file);
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
        let mut file = FILE.lock();
        // One write per commit, so lines of concurrent commits never interleave. A failed
        // write loses only these names from the profile, so it is reported, not raised.
        if let Some(Err(e)) = file.as_mut().map(|f| f.write_all(text.as_bytes())) {
            eprintln!("jitkit: perf map: {e}");
        }
    }

    fn released(&self, _code: &CodeInfo<'_>) {}
}
