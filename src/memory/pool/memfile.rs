//! The anonymous memory file behind a dual-mapped pool's chunks.
//!
//! `memfd_create(2)` gives a file that lives only in memory; mapping the same range of it twice
//! (read+write and read+execute) is what lets the pool write code without ever having a
//! writable+executable mapping (see `chunk.rs`).
//!
//! Sizing the file is `ftruncate(2)`, which is subject to `RLIMIT_FSIZE`: beyond the limit the
//! kernel sends `SIGXFSZ`, whose default action ends the process, and only then fails with
//! `EFBIG` (setrlimit(2), ftruncate(2)). So [`MemFile::with_size`] checks the limit first and
//! fails with `EFBIG` itself instead of reaching the signal.
//!
//! A file's descriptor is closed once its region is mapped (`chunk.rs`): the mappings keep the
//! memory, and no one can `pwrite` code through it. Where it must stay open (an emulator that
//! cannot duplicate a mapping, see `chunk.rs`), it is sealed first ([`MemFile::seal`]).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::Error;

/// An anonymous memory file of a fixed size, kept only while its region is being mapped.
/// The descriptor is close-on-exec and closed on drop.
pub(super) struct MemFile {
    fd: OwnedFd,
}

impl MemFile {
    /// Creates an empty memory file.
    pub(super) fn new() -> io::Result<MemFile> {
        // SAFETY: the name is a NUL-terminated string; the flags are valid.
        let fd = unsafe {
            libc::memfd_create(
                c"jitkit-pool".as_ptr(),
                libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: memfd_create returned a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(MemFile { fd })
    }

    /// Creates a memory file of `size` bytes (sparse: no memory until pages are touched).
    ///
    /// Errors: [`Error::MemoryFile`] `"create"` if no file can be made (no descriptor left, no
    /// `memfd_create`), `"grow"` with `EFBIG` if `size` exceeds `RLIMIT_FSIZE` (checked before
    /// the call, see the module docs) or whatever `ftruncate` reports.
    pub(super) fn with_size(size: usize) -> Result<MemFile, Error> {
        let file = MemFile::new().map_err(|source| Error::MemoryFile {
            operation: "create",
            size: 0,
            source,
        })?;
        let fail = |source| Error::MemoryFile {
            operation: "grow",
            size: size as u64,
            source,
        };
        if size as u64 > file_size_limit() {
            return Err(fail(io::Error::from_raw_os_error(libc::EFBIG)));
        }
        let len = libc::off_t::try_from(size)
            .map_err(|_| fail(io::Error::from_raw_os_error(libc::EFBIG)))?;
        // SAFETY: ftruncate on a descriptor we own, to a length checked against RLIMIT_FSIZE.
        if unsafe { libc::ftruncate(file.fd.as_raw_fd(), len) } != 0 {
            return Err(fail(io::Error::last_os_error()));
        }
        Ok(file)
    }

    /// Seals the file so its descriptor can neither write nor resize it, nor map it writable
    /// again, while the writable mapping made before keeps working (`F_SEAL_FUTURE_WRITE`,
    /// memfd_create(2)). Returns whether the kernel (5.1 or later) did it.
    pub(super) fn seal(&self) -> bool {
        let seals =
            libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_FUTURE_WRITE;
        // SAFETY: fcntl on a descriptor we own; F_ADD_SEALS takes an int.
        unsafe { libc::fcntl(self.fd.as_raw_fd(), libc::F_ADD_SEALS, seals) == 0 }
    }

    /// The descriptor, for `mmap`.
    pub(super) fn raw(&self) -> libc::c_int {
        self.fd.as_raw_fd()
    }
}

/// The largest file this process may make: the soft `RLIMIT_FSIZE` in bytes (`u64::MAX` for
/// none or if it cannot be read).
pub(super) fn file_size_limit() -> u64 {
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
