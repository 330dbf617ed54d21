//! The runtime library: output, and the routines JIT code calls.
//!
//! Both back ends write through [`Output`], so `writen`, `writes`, `wrch` and `newline` print
//! byte for byte the same text. Output is buffered (a program printing a number per line would
//! otherwise make a system call per line) and flushed at exit, before a runtime error message,
//! and before anything the driver prints to stderr.
//!
//! The `extern "C"` functions are the JIT's view: generated code calls them with
//! [`jitkit::Assembler::call_abs`], arguments in `x0`, following AAPCS64. Two never return:
//! [`rt_div_zero`] and [`rt_finish`] flush and end the process from inside the JIT code, which
//! is sound because nothing on the stack between them and `main` needs to be unwound (JIT
//! frames own nothing; the driver's buffers are flushed here). The file name used in runtime
//! error messages is set by the driver with [`set_file_name`].

use std::io::Write;
use std::sync::Mutex;

use super::diag::runtime_message;

/// Bytes buffered before a flush.
const BUFFER: usize = 1 << 16;

static OUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static FILE: Mutex<String> = Mutex::new(String::new());

/// The program's standard output, buffered.
pub struct Output;

impl Output {
    fn with<T>(f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
        let mut buf = OUT.lock().unwrap_or_else(|e| e.into_inner());
        let r = f(&mut buf);
        if buf.len() >= BUFFER {
            write_out(&mut buf);
        }
        r
    }

    pub fn bytes(b: &[u8]) {
        Self::with(|o| o.extend_from_slice(b));
    }

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

    /// Writes everything buffered to stdout.
    pub fn flush() {
        let mut buf = OUT.lock().unwrap_or_else(|e| e.into_inner());
        write_out(&mut buf);
    }
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
    *FILE.lock().unwrap_or_else(|e| e.into_inner()) = name.to_string();
}

/// Flushes the output and prints the runtime error at `line` to stderr.
pub fn report_runtime_error(line: u32, what: &str) {
    Output::flush();
    let file = FILE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    eprintln!("{}", runtime_message(&file, line, what));
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

/// `writen(n)`.
pub extern "C" fn rt_writen(n: i64) -> i64 {
    Output::number(n);
    0
}

/// `wrch(c)`.
pub extern "C" fn rt_wrch(c: i64) -> i64 {
    Output::char(c);
    0
}

/// `newline()`.
pub extern "C" fn rt_newline() -> i64 {
    Output::char(i64::from(b'\n'));
    0
}

/// `writes(s)`, `s` the word address of a BCPL string.
///
/// # Safety
/// BCPL is untyped, so this trusts its argument as `!p` does: `s` must be the address of a
/// string, and in this dialect the only strings are string constants, which the JIT keeps
/// alive (8-byte aligned) for as long as the program runs.
pub unsafe extern "C" fn rt_writes(s: i64) -> i64 {
    let base = (s as u64).wrapping_mul(8) as *const u8;
    // SAFETY: per the contract above `base` points to a live string constant: a length byte
    // followed by that many bytes, all inside the constant's allocation.
    let text = unsafe {
        let len = usize::from(*base);
        std::slice::from_raw_parts(base.add(1), len)
    };
    Output::bytes(text);
    0
}

/// A division or MOD by zero at `line`: report it and exit with status 1.
pub extern "C" fn rt_div_zero(line: i64) -> ! {
    report_runtime_error(u32::try_from(line).unwrap_or(0), "division by zero");
    std::process::exit(1)
}

/// `FINISH`: flush and exit with status 0.
pub extern "C" fn rt_finish() -> ! {
    Output::flush();
    std::process::exit(0)
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
