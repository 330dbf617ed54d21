//! The tool's own messages on stdout and stderr, written so that a failed write loses the
//! message instead of ending the process.
//!
//! `println!` and `eprintln!` panic when a write fails, and a write can fail for reasons that
//! are not the tool's error: stdout is a pipe whose reader has left (`EPIPE`; Rust ignores
//! `SIGPIPE`), the disk is full (`ENOSPC`), or the file is at `RLIMIT_FSIZE` (`EFBIG`, once
//! [`ignore_file_size_signal`] has run). The macros here ([`outln!`](crate::outln),
//! [`errln!`](crate::errln), [`err!`](crate::err)) write the same text and drop such a failure;
//! the exit status still tells the outcome. A BCPL program's own output goes through
//! `bcpl::streams` and `bcpl::runtime`, which treat a failed write the same way.

use std::fmt;
use std::io::Write;

/// Writes `args` to stdout; a failed write is dropped (see the module doc).
pub fn out(args: fmt::Arguments<'_>) {
    let _ = std::io::stdout().lock().write_fmt(args);
}

/// Writes `args` to stderr; a failed write is dropped (see the module doc).
pub fn err(args: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `println!` that drops a failed write instead of panicking ([`out`]).
#[macro_export]
macro_rules! outln {
    () => {
        $crate::console::out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::console::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that drops a failed write instead of panicking ([`err`]).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that drops a failed write instead of panicking ([`err`]).
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::console::err(format_args!($($arg)*))
    };
}

/// Makes a write past `RLIMIT_FSIZE` (to stdout or stderr redirected to a file, or to a file a
/// BCPL program opened) fail with `EFBIG` instead of ending the process with `SIGXFSZ`, whose
/// default action is to terminate (setrlimit(2)). The bytes are lost, as on a full disk.
/// Call it first thing in `main`, before anything is written.
pub fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN touches no memory of this process;
    // nothing in it relies on receiving SIGXFSZ.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
