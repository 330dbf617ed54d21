//! One chunk of pooled memory: a range of a memory file mapped twice.
//!
//! The read+write view is where code is copied in; it is never executable. The read+execute
//! view is where code runs; it is never writable. Both are `MAP_SHARED` views of the same pages
//! of an anonymous memory file (`memfile.rs`), so a byte written through one is seen through
//! the other, no protection ever changes, and the kernel counts each page once.
//!
//! Pages are populated as the pool first hands them out ([`Chunk::populate`], in steps of
//! [`POPULATE_STEP`]), not when the chunk is mapped: a pool with a 1 GiB chunk and one small
//! function costs one step of memory, not 1 GiB twice. Populating with `MADV_POPULATE_WRITE`
//! turns a lack of memory into an error value; a first write to an unpopulated page of a memory
//! file would instead raise `SIGBUS` (madvise(2)).
//!
//! The writable view is marked `MADV_DONTFORK`: a child made by `fork` does not inherit it.
//! How the executable view survives `fork` unchanged on both sides is `fork.rs`'s business;
//! this module offers the three steps it needs ([`Chunk::snapshot_for_fork`],
//! [`Chunk::after_fork_in_parent`], [`Chunk::after_fork_in_child`]).
//!
//! The chunks of a pool are placed in [`Reservation`]s: address space set aside (inaccessible,
//! backed by nothing) one range per view, where file offset `F` sits at `base + F - first`.
//! Consecutive chunks are then adjacent in both the address space and the file, and the kernel
//! merges their mappings: a pool costs a few mappings however many chunks it has.
//! Reservations are made as the pool grows, each twice the size of the last, so address space
//! stays in proportion to use.

use std::io;
use std::ptr::NonNull;

use crate::memory::{icache, page_size};
use crate::Error;

use super::memfile::MemFile;

/// Bytes populated at a time as a chunk's pages are first handed out.
pub(super) const POPULATE_STEP: usize = 64 * 1024;

/// Address space set aside for the two views of file bytes `first..first + size`.
pub(super) struct Reservation {
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
    first: u64,
    /// False in a forked child: the writable range was the parent's (`MADV_DONTFORK`).
    rw_owned: bool,
}

// SAFETY: two address ranges owned by the pool; nothing in them is tied to a thread.
unsafe impl Send for Reservation {}

impl Reservation {
    /// Reserves `size` bytes twice for the file range starting at `first`, or `None` if the
    /// system refuses (chunks then go wherever the kernel puts them).
    pub(super) fn new(size: usize, first: u64) -> Option<Reservation> {
        let rw = reserve(size)?;
        // The writable range is not inherited across fork (see the module docs).
        dont_fork(rw, size);
        let Some(rx) = reserve(size) else {
            unmap(rw, size);
            return None;
        };
        Some(Reservation {
            rw,
            rx,
            size,
            first,
            rw_owned: true,
        })
    }

    /// Bytes reserved per view.
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// The (writable, executable) addresses for file bytes `offset..offset + size`, if they
    /// fall inside the reservation.
    /// A reservation inherited across `fork` places nothing: its code is the child's frozen
    /// copy of the parent's.
    pub(super) fn place(&self, offset: u64, size: usize) -> Option<(NonNull<u8>, NonNull<u8>)> {
        if !self.rw_owned {
            return None;
        }
        let at = usize::try_from(offset.checked_sub(self.first)?).ok()?;
        if at.checked_add(size)? > self.size {
            return None;
        }
        // SAFETY: at + size <= self.size, so both sums stay inside the reserved ranges and
        // are not null.
        unsafe {
            Some((
                NonNull::new_unchecked(self.rw.as_ptr().add(at)),
                NonNull::new_unchecked(self.rx.as_ptr().add(at)),
            ))
        }
    }

    /// In a forked child: gives up the writable range, which was not inherited.
    pub(super) fn after_fork_in_child(&mut self) {
        if self.rw_owned {
            // The range is a hole in the child (MADV_DONTFORK) or, where the advice is ignored
            // (emulators), still the parent's view: unmapping it is right either way.
            unmap(self.rw, self.size);
            self.rw_owned = false;
        }
    }
}

impl Drop for Reservation {
    /// Unmaps both ranges whole, with every chunk mapped inside them: those chunks do not unmap
    /// themselves, so no hole opens that another mapping could take before this runs.
    fn drop(&mut self) {
        unmap(self.rx, self.size);
        if self.rw_owned {
            unmap(self.rw, self.size);
        }
    }
}

/// The two views of `size` bytes of a memory file at `offset`.
pub(super) struct Chunk {
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
    offset: u64,
    /// Mapped inside a [`Reservation`], which unmaps it.
    in_reservation: bool,
    /// False in a forked child: the writable view was the parent's.
    rw_owned: bool,
    /// Bytes from the start known to be populated.
    populated: usize,
    /// A private read+execute copy of the populated bytes, made just before `fork`.
    fork_copy: Option<NonNull<u8>>,
}

// SAFETY: a Chunk is two address ranges owned by the pool; nothing in it is tied to a thread.
// Writes through `rw` are made only to slots the pool handed out to exactly one committer.
unsafe impl Send for Chunk {}

impl Chunk {
    /// Maps `size` bytes (whole pages) of `file` from `offset` twice, at the reserved addresses
    /// `at` (writable, executable) if given, else where the kernel likes. Populates nothing.
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
            rw_at,
        )?;
        dont_fork(rw, size);
        let rx = match map_view(file, offset, size, libc::PROT_READ | libc::PROT_EXEC, rx_at) {
            Ok(rx) => rx,
            Err(e) => {
                match rw_at {
                    // Give the range back to the reservation rather than open a hole in it.
                    Some(at) => reserve_at(at, size),
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
            in_reservation: at.is_some(),
            rw_owned: true,
            populated: 0,
            fork_copy: None,
        })
    }

    /// The address of byte `at` in the writable view.
    ///
    /// # Safety
    /// `at < self.size()`.
    pub(super) unsafe fn writable(&self, at: usize) -> NonNull<u8> {
        // SAFETY: the caller guarantees `at` is inside the mapping, so the sum stays in the same
        // mapping and is not null.
        unsafe { NonNull::new_unchecked(self.rw.as_ptr().add(at)) }
    }

    /// The address of byte `at` in the executable view.
    ///
    /// # Safety
    /// `at < self.size()`.
    pub(super) unsafe fn executable(&self, at: usize) -> NonNull<u8> {
        // SAFETY: as for `writable`.
        unsafe { NonNull::new_unchecked(self.rx.as_ptr().add(at)) }
    }

    /// Makes sure bytes `..end` are populated (see the module docs), a step at a time.
    ///
    /// Errors: [`Error::Map`] if the system has no memory for the pages.
    pub(super) fn populate(&mut self, end: usize) -> Result<(), Error> {
        if end <= self.populated {
            return Ok(());
        }
        let target = end
            .max(self.populated + POPULATE_STEP)
            .next_multiple_of(page_size())
            .min(self.size);
        const MADV_POPULATE_WRITE: libc::c_int = 23;
        let len = target - self.populated;
        // SAFETY: advice on part of our writable view; it only faults pages in (zero-filled
        // pages of the file that nothing has written yet).
        let rc = unsafe {
            libc::madvise(
                self.rw.as_ptr().add(self.populated).cast(),
                len,
                MADV_POPULATE_WRITE,
            )
        };
        if rc != 0 {
            let err = io::Error::last_os_error();
            // Kernels before 5.14 do not know the advice: the pages fault in on first write.
            if err.raw_os_error() != Some(libc::EINVAL) {
                return Err(Error::Map {
                    size: len,
                    source: err,
                });
            }
        }
        self.populated = target;
        Ok(())
    }

    /// Replaces bytes `start..end` (page-aligned) of the executable view with a fresh
    /// read+execute mapping of the same file range. The contents do not change; the kernel
    /// swaps the mapping under its lock, so a thread running other code on these pages waits on
    /// a page fault and goes on; emulators and the kernel forget what they knew of the old one.
    ///
    /// # Safety
    /// `start < end <= self.size()`, both page-aligned, and `file` is the file this chunk maps.
    pub(super) unsafe fn remap_executable(
        &self,
        file: &MemFile,
        start: usize,
        end: usize,
    ) -> Result<(), Error> {
        // SAFETY: the caller guarantees start < size.
        let addr = unsafe { self.executable(start) };
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

    /// Before `fork`: copies the populated bytes of the executable view into a private
    /// read+execute mapping, which the child will move over its view (see `fork.rs`). Returns
    /// whether the copy was made. Called with the pool's lock held, so no recycling runs.
    pub(super) fn snapshot_for_fork(&mut self) -> bool {
        if self.populated == 0 {
            return true;
        }
        let len = self.populated;
        // SAFETY: a fresh private anonymous mapping where the kernel likes.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return false;
        }
        // SAFETY: `p` is `len` fresh writable bytes; the executable view has `len` readable
        // bytes from its start (populated <= size). The ranges do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(self.rx.as_ptr(), p.cast::<u8>(), len) };
        // SAFETY: our own fresh mapping: read+write becomes read+execute, never both.
        if unsafe { libc::mprotect(p, len, libc::PROT_READ | libc::PROT_EXEC) } != 0 {
            unmap_raw(p.cast(), len);
            return false;
        }
        self.fork_copy = NonNull::new(p.cast());
        true
    }

    /// After `fork`, in the parent: drops the copy.
    pub(super) fn after_fork_in_parent(&mut self) {
        if let Some(copy) = self.fork_copy.take() {
            unmap(copy, self.populated);
        }
    }

    /// After `fork`, in the child: the executable view becomes the private copy (moved over it
    /// in one `mremap`, so no address is ever unmapped), the unpopulated rest inaccessible, and
    /// the writable view, which is the parent's, is given up. Without a copy (it could not be
    /// made) the view stays shared; the parent then never reuses this chunk's freed space.
    pub(super) fn after_fork_in_child(&mut self) {
        if let Some(copy) = self.fork_copy.take() {
            // SAFETY: moves our private copy (`populated` bytes) over the first `populated`
            // bytes of our executable view, which hold the same bytes: every inherited function
            // keeps its address and code. The child has one thread, so nothing runs meanwhile.
            let p = unsafe {
                libc::mremap(
                    copy.as_ptr().cast(),
                    self.populated,
                    self.populated,
                    libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED,
                    self.rx.as_ptr().cast::<libc::c_void>(),
                )
            };
            if p == libc::MAP_FAILED {
                // Moving our own mapping within our own address space fails only when the
                // process is out of mappings; the view then stays shared with the parent.
                eprintln!(
                    "jitkit: after fork, making a pool chunk private failed ({}); inherited code \
                     in it may change if the parent reuses freed space",
                    io::Error::last_os_error()
                );
                unmap(copy, self.populated);
            } else {
                // SAFETY: the executable view's first `populated` bytes are mapped readable.
                let code = unsafe { std::slice::from_raw_parts(self.rx.as_ptr(), self.populated) };
                icache::sync_written(code);
            }
        }
        if self.populated < self.size {
            // SAFETY: the unpopulated tail of our own executable view; it holds no code.
            reserve_at(
                unsafe { self.executable(self.populated) },
                self.size - self.populated,
            );
        }
        if self.rw_owned {
            unmap(self.rw, self.size);
            self.rw_owned = false;
        }
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        if let Some(copy) = self.fork_copy.take() {
            unmap(copy, self.populated);
        }
        if !self.in_reservation {
            unmap(self.rx, self.size);
            if self.rw_owned {
                unmap(self.rw, self.size);
            }
        }
    }
}

fn map_view(
    file: &MemFile,
    offset: u64,
    size: usize,
    prot: libc::c_int,
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
            libc::MAP_SHARED | fixed,
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

const RESERVE_FLAGS: libc::c_int = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;

/// Reserves `size` bytes of address space (no access, no memory) where the kernel likes.
fn reserve(size: usize) -> Option<NonNull<u8>> {
    // SAFETY: a new anonymous inaccessible mapping that overlaps nothing.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_NONE,
            RESERVE_FLAGS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return None;
    }
    NonNull::new(p.cast())
}

/// Replaces `size` bytes at `at`, address space of this pool, with an inaccessible mapping.
fn reserve_at(at: NonNull<u8>, size: usize) {
    // SAFETY: MAP_FIXED over a range this pool owns (a view or a reservation of its own) that
    // holds no live code.
    unsafe {
        libc::mmap(
            at.as_ptr().cast(),
            size,
            libc::PROT_NONE,
            RESERVE_FLAGS | libc::MAP_FIXED,
            -1,
            0,
        )
    };
}

/// Asks the kernel not to copy `size` bytes at `addr` into a forked child. Where the advice is
/// ignored (emulators), the fork handlers unmap the range in the child instead.
fn dont_fork(addr: NonNull<u8>, size: usize) {
    // SAFETY: advice on a range this pool just mapped; MADV_DONTFORK changes no contents.
    unsafe { libc::madvise(addr.as_ptr().cast(), size, libc::MADV_DONTFORK) };
}

fn unmap(addr: NonNull<u8>, size: usize) {
    unmap_raw(addr.as_ptr(), size)
}

fn unmap_raw(addr: *mut u8, size: usize) {
    // SAFETY: `addr`/`size` describe a range this module mapped; it is unmapped once, when its
    // owner drops (after every slot in it was released: each CodeBuffer holds the pool alive)
    // or when a fork handler gives it up.
    unsafe { crate::memory::sys::unmap(addr, size) }
}
