//! perf's jitdump file: `jit-<pid>.dump`, for `perf inject --jit`.
//!
//! The format is perf's `tools/perf/Documentation/jitdump-specification.txt`, in the writer's
//! byte order:
//!
//! - a 40-byte header: magic `0x4A695444` ("JiTD"), version 1, header size, `e_machine` of the
//!   code (the host's: `EM_AARCH64`, 183, or `EM_X86_64`, 62), padding, pid, timestamp, flags (0: timestamps are
//!   `CLOCK_MONOTONIC`, the clock `perf record -k 1` uses);
//! - one `JIT_CODE_LOAD` record (id 0) per symbol of each commit: record header (id, total size,
//!   timestamp), pid, tid, vma, code address, code size, `code_index`, the name with its NUL,
//!   then the code bytes.
//!
//! Timestamps are taken while the file's lock is held, so they never decrease along the file.
//! `code_index` counts records, so it is unique even when an address is reused.
//!
//! perf only looks at the file if the process maps it executable: `perf inject --jit` finds
//! `jit-<pid>.dump` through that mmap event in `perf.data`. [`JitDump::open`] therefore maps the
//! file's first page read+execute (a *marker*; nothing runs from it) and keeps the mapping for
//! the life of the process.
//!
//! A forked child's first commit starts the child's own `jit-<pid>.dump`, with its own header
//! and marker. It holds the child's commits only: the code the child inherited is described in
//! the parent's dump.

use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

use super::{CodeInfo, Observer};
use crate::memory::lock::Lock;
use crate::Error;

const MAGIC: u32 = 0x4A69_5444;
const VERSION: u32 = 1;
const HEADER_SIZE: u32 = 40;
/// The header's `e_machine`: the host's instruction set, which is what runs and is sampled
/// here (see [`Isa::elf_machine`](crate::Isa::elf_machine)).
const E_MACHINE: u32 = match crate::Isa::host() {
    Some(isa) => isa.elf_machine() as u32,
    None => 0,
};
const JIT_CODE_LOAD: u32 = 0;
/// Record header (16) + pid, tid (8) + vma, code_addr, code_size, code_index (32).
const LOAD_FIXED: usize = 56;

/// The dump file and its next record's index, once open; a [`Lock`] so that the fork
/// handlers can hold it (`fork.rs`).
pub(super) static STATE: Lock<Option<State>> = Lock::new(None);

/// Writes a `JIT_CODE_LOAD` record per symbol of each commit ([`STATE`]).
pub(crate) struct JitDump;

pub(super) struct State {
    /// The process the file is named after.
    pid: u32,
    file: File,
    next_index: u64,
}

fn error(path: &std::path::Path, e: std::io::Error) -> Error {
    super::file_error("jitdump", path, e)
}

/// `CLOCK_MONOTONIC` in nanoseconds.
fn timestamp() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}

fn thread_id() -> u32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() as u32 }
}

impl JitDump {
    /// Creates `jit-<pid>.dump` in `$JITKIT_JITDUMP_DIR` (or the current directory), writes its
    /// header and maps its marker page.
    pub(crate) fn open() -> Result<JitDump, Error> {
        *STATE.lock() = Some(State::create(std::process::id())?);
        Ok(JitDump)
    }
}

impl State {
    /// `jit-<pid>.dump` for process `pid`, its header written and its marker mapped.
    fn create(pid: u32) -> Result<State, Error> {
        let dir = std::env::var_os("JITKIT_JITDUMP_DIR")
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        let path = dir.join(format!("jit-{pid}.dump"));
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| error(&path, e))?;
        let mut header = Vec::with_capacity(HEADER_SIZE as usize);
        for v in [MAGIC, VERSION, HEADER_SIZE, E_MACHINE, 0, pid] {
            header.extend_from_slice(&v.to_ne_bytes());
        }
        header.extend_from_slice(&timestamp().to_ne_bytes());
        header.extend_from_slice(&0u64.to_ne_bytes());
        file.write_all(&header).map_err(|e| error(&path, e))?;
        let page = crate::memory::page_size();
        // SAFETY: a new private read+execute mapping of our own file descriptor at offset 0; it
        // replaces nothing (no MAP_FIXED) and is never read, written or unmapped. perf needs
        // only the mmap event; a mapping past the end of the file is allowed (only an access
        // past it would fault, and there is none).
        let marker = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if marker == libc::MAP_FAILED {
            return Err(error(&path, std::io::Error::last_os_error()));
        }
        Ok(State {
            pid,
            file,
            next_index: 0,
        })
    }
}

impl Observer for JitDump {
    fn committed(&self, code: &CodeInfo<'_>) {
        let pid = std::process::id();
        let tid = thread_id();
        let mut open = STATE.lock();
        let Some(state) = super::own_file(&mut open, pid, |s| s.pid, |_, pid| State::create(pid))
        else {
            return;
        };
        let mut out = Vec::new();
        for sym in code.symbols() {
            let offset = sym.start() - code.start();
            let bytes = &code.code()[offset..offset + sym.len()];
            let total = LOAD_FIXED + sym.name().len() + 1 + bytes.len();
            out.extend_from_slice(&JIT_CODE_LOAD.to_ne_bytes());
            out.extend_from_slice(&(total as u32).to_ne_bytes());
            out.extend_from_slice(&timestamp().to_ne_bytes());
            out.extend_from_slice(&pid.to_ne_bytes());
            out.extend_from_slice(&tid.to_ne_bytes());
            for v in [
                sym.start() as u64,
                sym.start() as u64,
                sym.len() as u64,
                state.next_index,
            ] {
                out.extend_from_slice(&v.to_ne_bytes());
            }
            out.extend_from_slice(sym.name().as_bytes());
            out.push(0);
            out.extend_from_slice(bytes);
            state.next_index += 1;
        }
        // A failed write loses these records from the profile: reported, not raised.
        if let Err(e) = state.file.write_all(&out) {
            eprintln!("jitkit: jitdump: {e}");
        }
    }

    fn released(&self, _code: &CodeInfo<'_>) {}
}
