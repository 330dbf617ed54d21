//! One chunk of pooled memory: a range of a memory file mapped twice.
//!
//! The read+write view is where code is copied in; it is never executable. The read+execute
//! view is where code runs; it is never writable. Both are `MAP_SHARED` views of the same pages
//! of an anonymous memory file (`memfd_create`), so a byte written through one is seen through
//! the other, no protection ever changes, and the kernel counts each page once in `Pss`.
//!
//! A fresh chunk is populated (write-faulted through the writable view, read-faulted through the
//! executable one) so a commit into it takes no page fault. Recycling replaces part of the
//! executable view with a fresh mapping of the same file range (see `recycle.rs` for why).
//!
//! The chunks of a pool's shared file are placed in a [`Reservation`]: address space set aside
//! (inaccessible, backed by nothing) at pool creation, one range per view, where file offset `F`
//! sits at `base + F`. Consecutive chunks are then adjacent in both the address space and the
//! file, and the kernel merges their mappings: the pool costs four mappings however many chunks
//! it has, instead of two per chunk, and all its code lies within a short branch of each other.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;

use crate::Error;

/// An anonymous memory file: the backing store of chunks.
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
    pub(super) fn grow(&mut self, size: usize) -> Result<u64, Error> {
        let offset = self.len;
        let new_len = offset + size as u64;
        // SAFETY: ftruncate on a descriptor we own; the length fits off_t (checked by the
        // caller's limits: at most MAX_CODE_BYTES per chunk and far fewer chunks than 2^32).
        let rc = unsafe { libc::ftruncate(self.fd.as_raw_fd(), new_len as libc::off_t) };
        if rc != 0 {
            return Err(Error::MemoryFile {
                operation: "grow",
                size: new_len,
                source: io::Error::last_os_error(),
            });
        }
        self.len = new_len;
        Ok(offset)
    }

    fn raw(&self) -> libc::c_int {
        self.fd.as_raw_fd()
    }
}

/// Address space set aside for the two views of a memory file's first `size` bytes.
pub(super) struct Reservation {
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
}

// SAFETY: two address ranges owned by the pool; nothing in them is tied to a thread.
unsafe impl Send for Reservation {}

impl Reservation {
    /// Address space per view: 1 GiB, a thousand 1 MiB chunks. Chunks beyond it go anywhere.
    pub(super) const SIZE: usize = 1 << 30;

    /// Reserves `size` bytes twice, or `None` if the system refuses (chunks then go anywhere).
    pub(super) fn new(size: usize) -> Option<Reservation> {
        let rw = reserve(std::ptr::null_mut(), size, 0)?;
        let Some(rx) = reserve(std::ptr::null_mut(), size, 0) else {
            unmap(rw, size);
            return None;
        };
        Some(Reservation { rw, rx, size })
    }

    /// The (writable, executable) addresses for file bytes `offset..offset + size`, if they
    /// fall inside the reservation.
    pub(super) fn place(&self, offset: u64, size: usize) -> Option<(NonNull<u8>, NonNull<u8>)> {
        let offset = usize::try_from(offset).ok()?;
        if offset.checked_add(size)? > self.size {
            return None;
        }
        // SAFETY: offset + size <= self.size, so both sums stay inside the reserved ranges and
        // are not null.
        unsafe {
            Some((
                NonNull::new_unchecked(self.rw.as_ptr().add(offset)),
                NonNull::new_unchecked(self.rx.as_ptr().add(offset)),
            ))
        }
    }
}

impl Drop for Reservation {
    /// Unmaps both ranges whole, with every chunk mapped inside them: those chunks do not unmap
    /// themselves, so no hole opens that another mapping could take before this runs.
    fn drop(&mut self) {
        unmap(self.rx, self.size);
        unmap(self.rw, self.size);
    }
}

/// The two views of `size` bytes of a memory file at `offset`.
pub(super) struct Chunk {
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
    offset: u64,
    /// Mapped inside a [`Reservation`], which unmaps it.
    reserved: bool,
}

// SAFETY: a Chunk is two address ranges owned by the pool; nothing in it is tied to a thread.
// Writes through `rw` are made only to slots the pool handed out to exactly one committer.
unsafe impl Send for Chunk {}

impl Chunk {
    /// Maps `size` bytes (whole pages) of `file` from `offset` twice and populates them: at
    /// the reserved addresses `at` (writable, executable) if given, else where the kernel likes.
    pub(super) fn map(
        file: &MemFile,
        offset: u64,
        size: usize,
        at: Option<(NonNull<u8>, NonNull<u8>)>,
    ) -> Result<Chunk, Error> {
        let (rw_at, rx_at) = match at {
            Some((rw, rx)) => (Some(rw), Some(rx)),
            None => (None, None),
        };
        let rw = map_view(
            file,
            offset,
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            0,
            rw_at,
        )?;
        populate_writable(rw, size);
        let rx = match map_view(
            file,
            offset,
            size,
            libc::PROT_READ | libc::PROT_EXEC,
            libc::MAP_POPULATE,
            rx_at,
        ) {
            Ok(rx) => rx,
            Err(e) => {
                match rw_at {
                    // Give the range back to the reservation rather than open a hole in it.
                    Some(at) => {
                        let _ = reserve(at.as_ptr(), size, libc::MAP_FIXED);
                    }
                    None => unmap(rw, size),
                }
                return Err(e);
            }
        };
        Ok(Chunk {
            rw,
            rx,
            size,
            offset,
            reserved: at.is_some(),
        })
    }

    /// Bytes in the chunk.
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// The address of byte `at` in the writable view.
    pub(super) fn writable(&self, at: usize) -> NonNull<u8> {
        debug_assert!(at < self.size);
        // SAFETY: `at` is inside the mapping, so the sum stays in the same allocation and is
        // not null.
        unsafe { NonNull::new_unchecked(self.rw.as_ptr().add(at)) }
    }

    /// The address of byte `at` in the executable view.
    pub(super) fn executable(&self, at: usize) -> NonNull<u8> {
        debug_assert!(at < self.size);
        // SAFETY: `at` is inside the mapping, so the sum stays in the same allocation and is
        // not null.
        unsafe { NonNull::new_unchecked(self.rx.as_ptr().add(at)) }
    }

    /// Replaces bytes `start..end` (page-aligned) of the executable view with a fresh
    /// read+execute mapping of the same file range. The contents do not change; the kernel
    /// swaps the mapping under its lock, so a thread running other code on these pages waits on
    /// a page fault and goes on; emulators and the kernel forget what they knew of the old one.
    pub(super) fn remap_executable(
        &self,
        file: &MemFile,
        start: usize,
        end: usize,
    ) -> Result<(), Error> {
        debug_assert!(start < end && end <= self.size);
        let addr = self.executable(start);
        let len = end - start;
        // SAFETY: MAP_FIXED replaces exactly `len` bytes inside our own executable view with
        // the same file range it already shows, read+execute, so every byte keeps its value and
        // every live function its address. No other mapping is touched.
        let p = unsafe {
            libc::mmap(
                addr.as_ptr().cast(),
                len,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_SHARED | libc::MAP_FIXED,
                file.raw(),
                (self.offset + start as u64) as libc::off_t,
            )
        };
        if p == libc::MAP_FAILED || p != addr.as_ptr().cast() {
            return Err(Error::Protect {
                addr: addr.as_ptr() as usize,
                size: len,
                protection: "read+execute (remap)",
                source: io::Error::last_os_error(),
            });
        }
        Ok(())
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        if !self.reserved {
            unmap(self.rx, self.size);
            unmap(self.rw, self.size);
        }
    }
}

fn map_view(
    file: &MemFile,
    offset: u64,
    size: usize,
    prot: libc::c_int,
    extra: libc::c_int,
    at: Option<NonNull<u8>>,
) -> Result<NonNull<u8>, Error> {
    let (addr, fixed) = match at {
        Some(a) => (a.as_ptr().cast(), libc::MAP_FIXED),
        None => (std::ptr::null_mut(), 0),
    };
    // SAFETY: a new shared mapping of our own memory file, either where the kernel picks (it
    // overlaps nothing) or with MAP_FIXED over address space this pool reserved for exactly
    // this file range, which nothing else uses.
    let p = unsafe {
        libc::mmap(
            addr,
            size,
            prot,
            libc::MAP_SHARED | extra | fixed,
            file.raw(),
            offset as libc::off_t,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(Error::Map {
            size,
            source: io::Error::last_os_error(),
        });
    }
    NonNull::new(p.cast()).ok_or_else(|| Error::Map {
        size,
        source: io::Error::other("mmap returned a null address"),
    })
}

/// Reserves `size` bytes of address space (no access, no memory), at `addr` if `fixed` is
/// `MAP_FIXED`.
fn reserve(addr: *mut u8, size: usize, fixed: libc::c_int) -> Option<NonNull<u8>> {
    // SAFETY: an anonymous inaccessible mapping, either where the kernel picks or (MAP_FIXED)
    // over a range of our own reservation that is being handed back to it.
    let p = unsafe {
        libc::mmap(
            addr.cast(),
            size,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | fixed,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return None;
    }
    NonNull::new(p.cast())
}

/// Write-faults every page of a fresh writable view, so the first commit into it does not.
fn populate_writable(rw: NonNull<u8>, size: usize) {
    const MADV_POPULATE_WRITE: libc::c_int = 23;
    // SAFETY: advice on a range we just mapped; MADV_POPULATE_WRITE only faults pages in.
    let rc = unsafe { libc::madvise(rw.as_ptr().cast(), size, MADV_POPULATE_WRITE) };
    if rc == 0 {
        return;
    }
    // Kernels before 5.14 lack the advice: touch each page instead.
    let page = crate::memory::page_size();
    for at in (0..size).step_by(page) {
        // SAFETY: `at` is inside the fresh read+write view, which nothing else uses yet; the
        // byte is zero (a new file range) and stays zero.
        unsafe { std::ptr::write_volatile(rw.as_ptr().add(at), 0) };
    }
}

fn unmap(addr: NonNull<u8>, size: usize) {
    // SAFETY: `addr`/`size` describe a view this module mapped; it is unmapped once, when its
    // chunk drops, after every slot in it was released (each CodeBuffer holds the pool alive).
    unsafe { crate::memory::unmap(addr.as_ptr(), size) }
}
