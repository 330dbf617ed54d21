//! Where a dual-mapped pool's code lives: regions of memory files, each mapped twice, cut into
//! chunks.
//!
//! A [`Region`] is one anonymous memory file (`memfile.rs`) mapped twice: a read+write view,
//! never executable, and a read+execute view, never writable. Both are `MAP_SHARED`, so a byte
//! written through one is seen through the other, no protection ever changes, and the kernel
//! counts each page once. The descriptor is closed as soon as both views exist: nothing can
//! `pwrite` code through it afterwards. The writable view is placed at a random address of its
//! own ([`random_hint`]), not next to the code, so knowing where code is tells nothing about
//! where it can be written. Regions are made as the pool grows, each twice the size of the
//! last (four chunks first), so address space stays in proportion to use; each costs two
//! mappings.
//!
//! A [`Chunk`] is a range of a region, with its own bookkeeping in the pool. Its pages are
//! populated as the pool first hands them out ([`Chunk::populate`], in steps of
//! [`POPULATE_STEP`]), not whole: a pool with a 1 GiB chunk and one small function costs one
//! step of memory. Populating with `MADV_POPULATE_WRITE` turns a lack of memory into an error
//! value; a first write to an unpopulated page of a memory file would instead raise `SIGBUS`
//! (madvise(2)).
//!
//! Recycling replaces part of the executable view with a new mapping of the same pages (see
//! `recycle.rs` for why): `mremap` with an old size of 0 makes a second mapping of shared pages
//! (mremap(2)), which a second `mremap` moves over the old range in one step. No descriptor
//! is needed, and the pages are never writable or without execute permission on the way.
//! qemu-user cannot make such twins; there the region keeps its descriptor, sealed against
//! writing, growing and writable mappings (`memfile.rs`), and re-maps the range from the file
//! with `MAP_FIXED`, as atomic.
//!
//! The writable view is marked `MADV_DONTFORK`: a child made by `fork` does not inherit it.
//! How the executable view survives `fork` unchanged on both sides is `fork.rs`'s business;
//! this module offers the steps it needs ([`Chunk::snapshot_for_fork`],
//! [`Chunk::after_fork_in_parent`], [`Chunk::after_fork_in_child`],
//! [`Region::after_fork_in_child`]).

use std::io;
use std::ptr::NonNull;

use crate::memory::{icache, page_size};
use crate::Error;

use super::memfile::MemFile;

/// Bytes populated at a time as a chunk's pages are first handed out.
pub(super) const POPULATE_STEP: usize = 64 * 1024;

/// A memory file mapped twice (see the module docs), handed out a chunk at a time.
pub(super) struct Region {
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
    /// Bytes from the start already handed out as chunks.
    used: usize,
    /// False in a forked child: the writable view was the parent's (`MADV_DONTFORK`).
    rw_owned: bool,
    /// The sealed file, kept only where mappings cannot be duplicated (see the module docs).
    file: Option<MemFile>,
}

// SAFETY: two address ranges owned by the pool; nothing in them is tied to a thread.
unsafe impl Send for Region {}

impl Region {
    /// Makes a memory file of `size` bytes and maps it twice; the descriptor is closed before
    /// this returns.
    ///
    /// Errors: [`Error::MemoryFile`] (no file, or `RLIMIT_FSIZE`), [`Error::Map`].
    ///
    /// `near` is the range the pool's other executable views span: the new one goes at the
    /// free address nearest to it that keeps the pool's code within direct branch range
    /// ([`near_spots`]; see `CodePool`'s docs), else where the kernel likes.
    pub(super) fn new(size: usize, near: Option<(usize, usize)>) -> Result<Region, Error> {
        let file = MemFile::with_size(size)?;
        let rx_prot = libc::PROT_READ | libc::PROT_EXEC;
        let mut placed = None;
        for at in near.map_or_else(Vec::new, |(low, high)| near_spots(low, high, size)) {
            let Some(at) = NonNull::new(at as *mut u8) else {
                continue;
            };
            match map_view(&file, size, rx_prot, Some(at)) {
                Ok(p) => {
                    placed = Some(p);
                    break;
                }
                // Taken: try the next spot. Anything else (no memory) ends the search.
                Err(Error::Map { source, .. }) if is_taken(&source) => {}
                Err(_) => break,
            }
        }
        let rx = match placed {
            Some(p) => p,
            None => map_view(&file, size, rx_prot, None)?,
        };
        let rw = (0..4)
            .find_map(|_| {
                let hint = random_hint(size)?;
                map_view(&file, size, libc::PROT_READ | libc::PROT_WRITE, Some(hint)).ok()
            })
            .map_or_else(
                || map_view(&file, size, libc::PROT_READ | libc::PROT_WRITE, None),
                Ok,
            );
        let rw = match rw {
            Ok(rw) => rw,
            Err(e) => {
                unmap(rx, size);
                return Err(e);
            }
        };
        // The writable view is not inherited across fork (see the module docs).
        dont_fork(rw, size);
        let file = if twins_work(rx) {
            drop(file);
            None
        } else if file.seal() {
            Some(file)
        } else {
            unmap(rw, size);
            unmap(rx, size);
            return Err(Error::MemoryFile {
                operation: "seal",
                size: size as u64,
                source: io::Error::last_os_error(),
            });
        };
        Ok(Region {
            rw,
            rx,
            size,
            used: 0,
            rw_owned: true,
            file,
        })
    }

    /// Bytes in the region.
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// The executable view's address range.
    pub(super) fn executable_range(&self) -> (usize, usize) {
        let start = self.rx.as_ptr() as usize;
        (start, start + self.size)
    }

    /// The next `size` bytes as a chunk, if the region has them (never after a fork: an
    /// inherited region holds the child's frozen copies of the parent's code).
    pub(super) fn take_chunk(&mut self, size: usize) -> Option<Chunk> {
        if !self.rw_owned || self.size - self.used < size {
            return None;
        }
        let at = self.used;
        self.used += size;
        // SAFETY: at + size <= self.size, so both sums stay inside the views and are not null.
        let (rw, rx) = unsafe {
            (
                NonNull::new_unchecked(self.rw.as_ptr().add(at)),
                NonNull::new_unchecked(self.rx.as_ptr().add(at)),
            )
        };
        Some(Chunk {
            rw,
            rx,
            size,
            offset: at,
            fd: self.file.as_ref().map(MemFile::raw),
            populated: 0,
            fork_copy: None,
        })
    }

    /// In a forked child: gives up the writable view, which was not inherited, and makes the
    /// part of the executable view no chunk uses inaccessible (it would show whatever the
    /// parent writes there later).
    pub(super) fn after_fork_in_child(&mut self) {
        if self.rw_owned {
            // The range is a hole in the child (MADV_DONTFORK) or, where the advice is ignored
            // (emulators), still the parent's view: unmapping it is right either way.
            unmap(self.rw, self.size);
            self.rw_owned = false;
        }
        // The child never re-maps its frozen chunks: it needs no descriptor.
        self.file = None;
        if self.used < self.size {
            // SAFETY: used < size: the sum stays inside the view.
            let tail = unsafe { NonNull::new_unchecked(self.rx.as_ptr().add(self.used)) };
            reserve_at(tail, self.size - self.used);
        }
    }
}

impl Drop for Region {
    /// Unmaps both views whole, with every chunk in them (chunks do not unmap themselves). The
    /// pool drops its regions only when every commit in them was released.
    fn drop(&mut self) {
        unmap(self.rx, self.size);
        if self.rw_owned {
            unmap(self.rw, self.size);
        }
    }
}

/// Whether `mremap` can make a second mapping of shared pages here (real kernels can; qemu-user
/// cannot), tried once on the first page of `rx`, a shared read+execute view.
fn twins_work(rx: NonNull<u8>) -> bool {
    use std::sync::OnceLock;
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        let page = crate::memory::page_size();
        // SAFETY: an old size of 0 makes a second mapping of our own shared view's first page;
        // it replaces nothing, and is unmapped at once.
        let twin = unsafe { libc::mremap(rx.as_ptr().cast(), 0, page, libc::MREMAP_MAYMOVE) };
        if twin == libc::MAP_FAILED {
            return false;
        }
        unmap_raw(twin.cast(), page);
        true
    })
}

/// How far apart a pool's executable views may lie for a direct call between any two of them:
/// A64's `BL` reaches ±128 MiB (a signed 26-bit word offset; Arm ARM, the `BL` instruction);
/// x86-64's `call rel32`, ±2 GiB, is looser.
const BRANCH_SPAN: usize = 128 << 20;

/// Where a new executable view of `size` bytes may go so that the pool's views, now spanning
/// `low..high`, stay within [`BRANCH_SPAN`] of each other: right above and right below
/// first, then outwards a view's size at a time, nearest first. Right above and right below
/// are offered even when the span is already too wide.
fn near_spots(low: usize, high: usize, size: usize) -> Vec<usize> {
    let fits = |at: usize| {
        at.checked_add(size)
            .is_some_and(|end| end.max(high) - at.min(low) <= BRANCH_SPAN)
    };
    let mut spots = Vec::new();
    for i in 0usize.. {
        let step = i.checked_mul(size);
        let above = step.and_then(|s| high.checked_add(s));
        let below = step
            .and_then(|s| s.checked_add(size))
            .and_then(|s| low.checked_sub(s));
        let (above, below) = if i == 0 {
            (above, below)
        } else {
            (above.filter(|&a| fits(a)), below.filter(|&b| fits(b)))
        };
        if i > 0 && above.is_none() && below.is_none() {
            break;
        }
        spots.extend(above.into_iter().chain(below));
    }
    spots
}

/// Whether a mapping failed because the address asked for is taken (`MAP_FIXED_NOREPLACE`'s
/// `EEXIST`, or a kernel that put it elsewhere).
fn is_taken(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EEXIST) || e.kind() == io::ErrorKind::AddrInUse
}

/// A random address for a mapping of `size` bytes, unrelated to any other, in the lower
/// 256 GiB of the address space (available with 39-bit virtual addresses too), above 4 GiB.
/// `None` if the system has no random bytes to give.
fn random_hint(size: usize) -> Option<NonNull<u8>> {
    const LOW: usize = 1 << 32;
    const HIGH: usize = 1 << 38;
    let mut bytes = [0u8; 8];
    // SAFETY: getrandom writes at most `bytes.len()` bytes into the array.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), libc::GRND_NONBLOCK) };
    if n != bytes.len() as isize || size >= HIGH - LOW {
        return None;
    }
    let span = HIGH - LOW - size;
    let page = crate::memory::page_size();
    let at = LOW + (u64::from_ne_bytes(bytes) as usize % span) / page * page;
    NonNull::new(at as *mut u8)
}

/// A range of a region: its bytes in both views.
pub(super) struct Chunk {
    rw: NonNull<u8>,
    rx: NonNull<u8>,
    size: usize,
    /// Where the chunk starts in its region's file.
    offset: usize,
    /// The region's sealed file, where twins do not work; open while the region lives, which
    /// is longer than the chunk.
    fd: Option<libc::c_int>,
    /// Bytes from the start known to be populated.
    populated: usize,
    /// A private read+execute copy of the populated bytes, made just before `fork`.
    fork_copy: Option<NonNull<u8>>,
}

// SAFETY: a Chunk is two address ranges owned by the pool; nothing in it is tied to a thread.
// Writes through `rw` are made only to slots the pool handed out to exactly one committer.
unsafe impl Send for Chunk {}

impl Chunk {
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

    /// Replaces bytes `start..end` (page-aligned) of the executable view with a new mapping of
    /// the same pages (see the module docs). The contents do not change; the kernel swaps the
    /// mapping under its lock, so a thread running other code on these pages waits on a page
    /// fault and goes on; emulators and the kernel forget what they knew of the old one.
    ///
    /// # Safety
    /// `start < end <= ` the chunk's size, both page-aligned.
    pub(super) unsafe fn remap_executable(&self, start: usize, end: usize) -> Result<(), Error> {
        // SAFETY: the caller guarantees start < size.
        let addr = unsafe { self.executable(start) };
        let len = end - start;
        let fail = |source| Error::Protect {
            addr: addr.as_ptr() as usize,
            size: len,
            protection: "read+execute (remap)",
            source,
        };
        if let Some(fd) = self.fd {
            // SAFETY: MAP_FIXED replaces exactly `len` bytes inside our own executable view with
            // the same file range it already shows, read+execute, so every byte keeps its value
            // and every live function its address. No other mapping is touched.
            let p = unsafe {
                libc::mmap(
                    addr.as_ptr().cast(),
                    len,
                    libc::PROT_READ | libc::PROT_EXEC,
                    libc::MAP_SHARED | libc::MAP_FIXED,
                    fd,
                    (self.offset + start) as libc::off_t,
                )
            };
            if p != addr.as_ptr().cast() {
                return Err(fail(io::Error::last_os_error()));
            }
            return Ok(());
        }
        // SAFETY: an old size of 0 on our shared read+execute view makes a second mapping of
        // the same pages, read+execute, where the kernel likes; nothing is replaced.
        let twin = unsafe { libc::mremap(addr.as_ptr().cast(), 0, len, libc::MREMAP_MAYMOVE) };
        if twin == libc::MAP_FAILED {
            return Err(fail(io::Error::last_os_error()));
        }
        // SAFETY: moves the twin (`len` bytes we just got) over exactly `len` bytes of our own
        // executable view, which show the same pages: every byte keeps its value and every
        // live function its address. No other mapping is touched.
        let p = unsafe {
            libc::mremap(
                twin,
                len,
                len,
                libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED,
                addr.as_ptr().cast::<libc::c_void>(),
            )
        };
        if p == libc::MAP_FAILED {
            let source = io::Error::last_os_error();
            unmap_raw(twin.cast(), len);
            return Err(fail(source));
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
    /// in one `mremap`, so no address is ever unmapped) and the unpopulated rest inaccessible.
    /// (The region gives up the writable view.) Without a copy (it could not be made) the view
    /// stays shared; the parent then never reuses this chunk's freed space.
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
    }
}

impl Drop for Chunk {
    /// Only the fork copy is the chunk's own; its views belong to the region.
    fn drop(&mut self) {
        if let Some(copy) = self.fork_copy.take() {
            unmap(copy, self.populated);
        }
    }
}

/// Maps all of `file` (`size` bytes) shared with `prot`, at exactly `at` if given (never over
/// another mapping: `MAP_FIXED_NOREPLACE`), else where the kernel likes.
fn map_view(
    file: &MemFile,
    size: usize,
    prot: libc::c_int,
    at: Option<NonNull<u8>>,
) -> Result<NonNull<u8>, Error> {
    let (addr, fixed) = match at {
        Some(a) => (a.as_ptr().cast(), libc::MAP_FIXED_NOREPLACE),
        None => (std::ptr::null_mut(), 0),
    };
    // SAFETY: a new shared mapping of our own memory file, where the kernel picks or at `at`
    // only if nothing is mapped there (MAP_FIXED_NOREPLACE): it replaces nothing.
    let p = unsafe { libc::mmap(addr, size, prot, libc::MAP_SHARED | fixed, file.raw(), 0) };
    if p == libc::MAP_FAILED {
        return Err(Error::Map {
            size,
            source: io::Error::last_os_error(),
        });
    }
    if at.is_some_and(|a| a.as_ptr().cast() != p) {
        // A kernel before 4.17 takes the flag as a mere hint: not where we asked.
        unmap_raw(p.cast(), size);
        return Err(Error::Map {
            size,
            source: io::Error::from(io::ErrorKind::AddrInUse),
        });
    }
    NonNull::new(p.cast()).ok_or_else(|| Error::Map {
        size,
        source: io::Error::other("mmap returned a null address"),
    })
}

const RESERVE_FLAGS: libc::c_int = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;

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

#[cfg(test)]
mod tests {
    use super::Region;

    /// A free range of address space: reserved, then given back.
    fn free_range(size: usize) -> usize {
        // SAFETY: a fresh anonymous reservation, unmapped at once; nothing refers to it.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            libc::munmap(p, size);
            p as usize
        }
    }

    #[test]
    fn a_new_region_goes_right_beside_the_pools_others() {
        let size = 4 * crate::memory::page_size();
        // In the middle of a free range, where the kernel would not put it by itself.
        let at = free_range(64 << 20) + (32 << 20);
        let region = Region::new(size, Some((at - size, at))).unwrap();
        assert_eq!(region.executable_range(), (at, at + size));
        // Right above the others when that is free...
        let above = Region::new(size, Some((at, at + size))).unwrap();
        assert_eq!(above.executable_range(), (at + size, at + 2 * size));
        // ... else right below.
        let below = Region::new(size, Some((at, at + size))).unwrap();
        assert_eq!(below.executable_range(), (at - size, at));
        drop((region, above));
        // No neighbours: where the kernel likes.
        assert!(Region::new(size, None).is_ok());
    }

    /// An inaccessible mapping of `size` bytes exactly at `at`, as another user of the address
    /// space might have; unmapped when dropped.
    struct Taken(usize, usize);

    impl Taken {
        fn at(at: usize, size: usize) -> Taken {
            // SAFETY: a new anonymous mapping, only where nothing is mapped
            // (MAP_FIXED_NOREPLACE): it replaces nothing.
            let p = unsafe {
                libc::mmap(
                    at as *mut libc::c_void,
                    size,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE
                        | libc::MAP_ANONYMOUS
                        | libc::MAP_NORESERVE
                        | libc::MAP_FIXED_NOREPLACE,
                    -1,
                    0,
                )
            };
            assert_eq!(p as usize, at, "the range is free");
            Taken(at, size)
        }
    }

    impl Drop for Taken {
        fn drop(&mut self) {
            // SAFETY: the mapping this value made, used by nothing else.
            unsafe { libc::munmap(self.0 as *mut libc::c_void, self.1) };
        }
    }

    #[test]
    fn where_both_neighbours_are_taken_a_region_goes_the_nearest_free_spot_in_branch_range() {
        let size = 4 * crate::memory::page_size();
        let block = 1 << 20;
        let at = free_range(256 << 20) + (128 << 20);
        let _above = Taken::at(at + size, block);
        let _below = Taken::at(at - block, block);
        let region = Region::new(size, Some((at, at + size))).unwrap();
        let want = at + size + block;
        assert_eq!(region.executable_range(), (want, want + size));
    }

    #[test]
    fn spots_near_the_pool_are_nearest_first_and_keep_it_within_branch_range() {
        let (low, high, size) = (1 << 30, (1 << 30) + (8 << 20), 1 << 20);
        let spots = super::near_spots(low, high, size);
        assert_eq!(spots[..4], [high, low - size, high + size, low - 2 * size]);
        for &a in &spots {
            assert!(
                (a + size).max(high) - a.min(low) <= super::BRANCH_SPAN,
                "{a:#x}"
            );
        }
        // (128 - 8) MiB of room, in 1 MiB steps, on either side.
        assert_eq!(spots.len(), 2 * 120);
        // A pool already too wide gets only its two neighbours.
        let wide = super::near_spots(low, low + (200 << 20), size);
        assert_eq!(wide, [low + (200 << 20), low - size]);
    }
}
