//! The anonymous memory file behind a dual-mapped pool's chunks.
//!
//! `memfd_create(2)` gives a file that lives only in memory; mapping the same range of it twice
//! (read+write and read+execute) is what lets the pool write code without ever having a
//! writable+executable mapping (see `chunk.rs`).
//!
//! Growing the file is `ftruncate(2)`, which is subject to `RLIMIT_FSIZE`: beyond the limit the
//! kernel sends `SIGXFSZ`, whose default action ends the process, and only then fails with
//! `EFBIG` (setrlimit(2), ftruncate(2)). So [`MemFile::grow`] checks the limit first and fails
//! with `EFBIG` itself instead of reaching the signal.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::Error;

/// An anonymous memory file. The descriptor is close-on-exec.
pub(super) struct MemFile {
    fd: OwnedFd,
    len: u64,
}

impl MemFile {
    /// Creates an empty memory file.
    pub(super) fn new() -> io::Result<MemFile> {
        // SAFETY: the name is a NUL-terminated string; MFD_CLOEXEC is a valid flag.
        let fd = unsafe { libc::memfd_create(c"jitkit-pool".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: memfd_create returned a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(MemFile { fd, len: 0 })
    }

    /// Grows the file by `size` bytes and returns the offset of the new range.
    ///
    /// Errors: [`Error::MemoryFile`] with `EFBIG` if the new length exceeds `RLIMIT_FSIZE`
    /// (checked before the call, see the module docs), or whatever `ftruncate` reports.
    pub(super) fn grow(&mut self, size: usize) -> Result<u64, Error> {
        let offset = self.len;
        let new_len = offset + size as u64;
        let fail = |source| Error::MemoryFile {
            operation: "grow",
            size: new_len,
            source,
        };
        if new_len > file_size_limit() {
            return Err(fail(io::Error::from_raw_os_error(libc::EFBIG)));
        }
        let len = libc::off_t::try_from(new_len)
            .map_err(|_| fail(io::Error::from_raw_os_error(libc::EFBIG)))?;
        // SAFETY: ftruncate on a descriptor we own, to a length checked against RLIMIT_FSIZE.
        let rc = unsafe { libc::ftruncate(self.fd.as_raw_fd(), len) };
        if rc != 0 {
            return Err(fail(io::Error::last_os_error()));
        }
        self.len = new_len;
        Ok(offset)
    }

    /// The descriptor, for `mmap`.
    pub(super) fn raw(&self) -> libc::c_int {
        self.fd.as_raw_fd()
    }
}

/// The soft `RLIMIT_FSIZE` in bytes (`u64::MAX` for none or if it cannot be read).
fn file_size_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct, which `lim` is.
    if unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &mut lim) } != 0
        || lim.rlim_cur == libc::RLIM_INFINITY
    {
        return u64::MAX;
    }
    // rlim_t is 32 bits wide on some 32-bit targets.
    #[allow(clippy::unnecessary_cast)]
    let limit = lim.rlim_cur as u64;
    limit
}
