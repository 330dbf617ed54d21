//! Output, error reports, and the routines JIT code calls to stop.
//!
//! The library ([`super::library`]) writes through [`Output`] for both back ends, so they
//! print byte for byte the same text. Output is buffered (a program printing a number per line would
//! otherwise make a system call per line) and flushed at exit, before a runtime error message,
//! before anything the driver prints to stderr, at `deplete(cos)`, before the program waits
//! for the console's input, and at the end of each line when stdout is a terminal. To a pipe
//! or a file, the lines that have ended are also written every 100 ms ([`Output::pace`]).
//!
//! The `extern "C"` functions are the JIT's view: generated code calls them with `call_abs`
//! in the C calling convention of its instruction set (AAPCS64 or System V). Both never return:
//! [`rt_fault`] and [`rt_exit`] flush and end the process from inside the JIT code, which
//! is sound because nothing on the stack between them and `main` needs to be unwound (JIT
//! frames own nothing; the driver's buffers are flushed here). The file name used in runtime
//! error messages is set by the driver with [`set_file_name`].

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::diag::runtime_message;
use super::memory::Fault;
use super::streams;

/// Bytes buffered before a flush.
const BUFFER: usize = 1 << 16;

/// Bytes the console stream holds before it writes them without a line end: its buffer's
/// size in Cintcode (`sysb/dlibsys.b`).
const LINE: usize = 4096;

/// How often [`Output::pace`]'s thread writes the lines that have ended.
const PACE: Duration = Duration::from_millis(100);

static OUT: Mutex<Buffers> = Mutex::new(Buffers {
    console: Vec::new(),
    line: Vec::new(),
    diverted: None,
    direct: false,
});

/// The console's output, in two parts as Cintcode's: `line`, what the console stream holds
/// until a line (or page) ends or it is full, and `console`, what has left it, buffered here
/// before it goes to stdout. `sawrch` and `sawritef` write to `console` directly
/// ([`Output::direct`]), past a pending line, as Cintcode's `sys(Sys_sawrch)` writes to the
/// terminal: `writef("one "); sawritef("two*n")` prints `two`, then `one `. Also what is
/// being written to a file instead ([`Output::divert`]).
struct Buffers {
    console: Vec<u8>,
    line: Vec<u8>,
    diverted: Option<Vec<u8>>,
    direct: bool,
}

impl Buffers {
    /// Moves the pending line's ended lines, and what does not fit, out to `console`;
    /// whether a line ended.
    fn settle(&mut self) -> bool {
        let ended = self.line.iter().rposition(|&b| b == b'\n' || b == 0x0C);
        let mut taken = ended.map_or(0, |k| k + 1);
        // The stream writes a full buffer when one more byte comes: it keeps 1 to LINE.
        taken += (self.line.len() - taken).saturating_sub(1) / LINE * LINE;
        self.console.extend(self.line.drain(..taken));
        ended.is_some()
    }

    /// Moves all of the pending line out to `console`, as the stream's `deplete` does.
    fn release_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.console.extend(line);
    }
}

static FILES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The program's standard output, buffered.
pub struct Output;

impl Output {
    fn with<T>(f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
        let mut bufs = OUT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(diverted) = &mut bufs.diverted {
            return f(diverted);
        }
        let (r, ended) = if bufs.direct {
            (f(&mut bufs.console), true)
        } else {
            let r = f(&mut bufs.line);
            (r, bufs.settle())
        };
        if bufs.console.len() >= BUFFER || (to_terminal() && ended) {
            write_out(&mut bufs.console);
        }
        r
    }

    /// From now on, when stdout is not a terminal, writes the console lines that have ended
    /// every 100 ms, on a thread of its own. Cintcode writes each line as it ends; writing in
    /// blocks spares the system calls, and the pace still shows a person reading a pipe or a
    /// file each line soon after it is written, and keeps what a run wrote until shortly
    /// before it was killed (by a timeout, say). For a process that prints its output: a caller
    /// that collects it with [`Output::take`] must not call this. If the thread cannot be
    /// started, the output goes in blocks.
    pub fn pace() {
        if to_terminal() {
            return;
        }
        let _ = std::thread::Builder::new()
            .name("bcpl-output".to_string())
            .stack_size(256 << 10)
            .spawn(|| loop {
                std::thread::sleep(PACE);
                let mut bufs = OUT.lock().unwrap_or_else(|e| e.into_inner());
                if !bufs.console.is_empty() {
                    write_out(&mut bufs.console);
                }
            });
    }

    /// Runs `write` with what it writes going to the console past the console stream's
    /// pending line, as `sawrch` and `sawritef` write (see the module's `Buffers`).
    pub fn direct<T>(write: impl FnOnce() -> T) -> T {
        OUT.lock().unwrap_or_else(|e| e.into_inner()).direct = true;
        let r = write();
        OUT.lock().unwrap_or_else(|e| e.into_inner()).direct = false;
        r
    }

    /// Collects what is written from now on, until [`Output::undivert`], instead of
    /// printing it: for the library, writing to a file stream ([`super::streams`]).
    pub fn divert() {
        OUT.lock().unwrap_or_else(|e| e.into_inner()).diverted = Some(Vec::new());
    }

    /// What was written since [`Output::divert`]; output goes to the console again.
    pub fn undivert() -> Vec<u8> {
        let mut bufs = OUT.lock().unwrap_or_else(|e| e.into_inner());
        bufs.diverted.take().unwrap_or_default()
    }

    /// Appends `b` to the output.
    pub fn bytes(b: &[u8]) {
        Self::with(|o| o.extend_from_slice(b));
    }

    /// Appends `n` in decimal.
    pub fn number(n: i64) {
        Self::with(|o| {
            // Formatting into a Vec cannot fail.
            let _ = write!(o, "{n}");
        });
    }

    /// `wrch(c)`: the low byte of `c`.
    pub fn char(c: i64) {
        Self::with(|o| o.push(c as u8));
    }

    /// Takes everything buffered, instead of writing it: for a caller that runs programs
    /// in-process and checks their output (the benchmarks).
    pub fn take() -> Vec<u8> {
        let mut bufs = OUT.lock().unwrap_or_else(|e| e.into_inner());
        bufs.release_line();
        std::mem::take(&mut bufs.console)
    }

    /// Writes everything buffered to stdout, and what this thread's run has buffered for its
    /// files ([`streams::flush_all`]).
    pub fn flush() {
        streams::flush_all();
        let mut bufs = OUT.lock().unwrap_or_else(|e| e.into_inner());
        bufs.release_line();
        write_out(&mut bufs.console);
    }
}

/// Whether stdout is a terminal: then the console's output is written at the end of each line
/// (and page), as Cintcode depletes its console stream (`wrch` in `sysb/blib.b`), so that a
/// person sees each line when it is written; to a file or a pipe it goes in blocks.
fn to_terminal() -> bool {
    static TERMINAL: OnceLock<bool> = OnceLock::new();
    *TERMINAL.get_or_init(|| std::io::stdout().is_terminal())
}

fn write_out(buf: &mut Vec<u8>) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (a pipe whose reader left) is not the program's error: drop the output.
    let _ = out.write_all(buf);
    let _ = out.flush();
    buf.clear();
}

/// The file name runtime errors name.
pub fn set_file_name(name: &str) {
    set_file_names(vec![name.to_string()]);
}

/// The file names runtime errors name: the source file's, then the headers' by number (see
/// [`super::diag::split_line`]).
pub fn set_file_names(names: Vec<String>) {
    *FILES.lock().unwrap_or_else(|e| e.into_inner()) = names;
}

/// Flushes the output and prints the runtime error at `line` to stderr.
pub fn report_runtime_error(line: u32, what: &str) {
    Output::flush();
    let files = FILES.lock().unwrap_or_else(|e| e.into_inner()).clone();
    crate::errln!("{}", runtime_message(&files, line, what));
}

/// The bytes of a BCPL string: a length byte, then the bytes, packed little-endian into words.
pub fn pack_string(s: &[u8]) -> Vec<u64> {
    let mut bytes = Vec::with_capacity(s.len() + 8);
    bytes.push(s.len().min(255) as u8);
    bytes.extend_from_slice(&s[..s.len().min(255)]);
    bytes
        .chunks(8)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(w)
        })
        .collect()
}

/// A run-time error in JIT code: `kind` and `value` as [`Fault::code`] gives them, at `line`.
/// Reports it and exits with status 1.
pub extern "C" fn rt_fault(kind: i64, value: i64, line: i64) -> ! {
    let fault = Fault::from_code(kind, value);
    report_runtime_error(u32::try_from(line).unwrap_or(0), &fault.message());
    std::process::exit(1)
}

/// `FINISH` or `stop(code)` in JIT code: flush and exit with `code`.
pub extern "C" fn rt_exit(code: i64) -> ! {
    Output::flush();
    std::process::exit(exit_status(code))
}

/// The process exit status for `stop(code)` or `start`'s result `code`.
pub fn exit_status(code: i64) -> i32 {
    (code & 0xFF) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_pack_length_first() {
        let w = pack_string(b"hello, world");
        assert_eq!(w.len(), 2);
        assert_eq!(w[0] & 0xFF, 12);
        assert_eq!((w[0] >> 8) as u8, b'h');
        assert_eq!((w[1] >> 56) as u8, 0);
        assert_eq!(pack_string(b""), vec![0]);
    }
}
