//! The commit-once contract: [`CodeBuffer`] owns executable code, [`ExecPtr`] points into it.
//!
//! A buffer starts empty. [`CodeBuffer::commit`] does all the work at once: it checks the size,
//! gets memory from the memory manager, copies the encodings little-endian, synchronises the
//! instruction cache, seals the memory read+execute and hands back an [`ExecPtr`]. From then on
//! the code never changes: a second commit is refused with [`Error::AlreadyCommitted`], so a
//! pointer handed out earlier can never see its instructions rewritten under it.
//!
//! [`ExecPtr`] borrows the buffer, so safe code cannot keep it past the buffer's drop; only the
//! raw function pointer from [`ExecPtr::as_fn`] can outlive it, which is why that call is
//! `unsafe` and states what the caller must uphold.

use std::cell::UnsafeCell;
use std::fmt;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::code::{Code, Image};
use crate::memory::pages::OwnPages;
use crate::memory::provider::{Committed, Provider};
use crate::observe::Observed;
use crate::{CodePool, Error, Isa};

/// A commit-once owner of executable memory.
///
/// ```
/// use jitkit::{CodeBuffer, Error, Instruction};
///
/// let buf = CodeBuffer::new();
/// let code = [Instruction::new(0xD2800540), Instruction::new(0xD65F03C0)]; // mov x0, #42; ret
/// let entry = buf.commit(&code)?;
/// assert_eq!(entry.len(), 8);
/// assert!(matches!(buf.commit(&code), Err(Error::AlreadyCommitted)));
/// # #[cfg(target_arch = "aarch64")] {
/// let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
/// assert_eq!(f(), 42);
/// # }
/// # Ok::<(), Error>(())
/// ```
///
/// `CodeBuffer` is `Send + Sync`: commit on one thread, call from any. `commit` takes `&self`
/// and is atomic: of two racing commits one wins, the other gets [`Error::AlreadyCommitted`].
/// A commit that finds another one in progress waits for it, so it reports
/// `AlreadyCommitted` only if that one succeeded; if it failed, the waiting commit runs.
/// Dropping the buffer unmaps the code (or returns it to its pool); every [`ExecPtr`] into it
/// is gone by then (the borrow checker sees to that), and every function pointer taken from one
/// must be too.
///
/// # Own pages or a pool
/// [`CodeBuffer::new`] makes a buffer that maps pages of its own at commit (one `mmap` and one
/// `mprotect`) and unmaps them on drop: no shared state, no process-wide file, memory returned
/// to the system at once, which suits a program that commits a few large blocks. It stays the
/// default for that reason. A program that commits many functions, and frees some, should use
/// [`CodeBuffer::in_pool`]: commits share pages of a [`CodePool`], take no system call in the
/// steady state, and freed space is reused. The contract below is the same for both.
pub struct CodeBuffer {
    /// [`EMPTY`], [`BUSY`] while the one commit that won runs, [`DONE`] once `code` is set.
    state: AtomicU8,
    /// Where a commit gets its memory: `None` for pages of its own.
    pool: Option<CodePool>,
    /// Initialised exactly when `state` is [`DONE`]; written only by the commit that moved
    /// `state` from [`EMPTY`] to [`BUSY`], before it publishes [`DONE`].
    code: UnsafeCell<MaybeUninit<Held>>,
    /// The name, and the commit as the observers know it (see [`crate::observe`]).
    observed: Observed,
}

/// What a committed buffer holds: the memory, and what the code is.
struct Held {
    committed: Committed,
    isa: Isa,
    /// Bytes of the code as written; veneers (see `crate::link`) follow it.
    code_len: usize,
    /// Named entry points: (name, byte offset).
    entries: Vec<(String, usize)>,
}

impl Held {
    /// `entries` is `image`'s, copied (`Image::entries_owned`) before the memory was taken.
    #[inline]
    fn new(committed: Committed, image: &Image<'_>, entries: Vec<(String, usize)>) -> Held {
        Held {
            committed,
            isa: image.isa(),
            code_len: image.code_len(),
            entries,
        }
    }

    #[inline]
    fn entry(&self, offset: usize, end: usize) -> ExecPtr<'_> {
        ExecPtr {
            code: &self.committed.code()[offset..end],
            offset,
            isa: self.isa,
        }
    }
}

const EMPTY: u8 = 0;
const BUSY: u8 = 1;
const DONE: u8 = 2;

// SAFETY: `code` is written once, by the single thread that won the EMPTY -> BUSY exchange,
// before it stores DONE with Release; other threads read it only after loading DONE with
// Acquire, and it is never written again while shared (Drop has `&mut self`). `Committed` is
// Send + Sync (immutable code and the pool's thread-safe handle).
unsafe impl Sync for CodeBuffer {}

impl CodeBuffer {
    /// An empty buffer. Allocates nothing until [`commit`](Self::commit).
    pub const fn new() -> Self {
        CodeBuffer {
            state: AtomicU8::new(EMPTY),
            pool: None,
            code: UnsafeCell::new(MaybeUninit::uninit()),
            observed: Observed::new(),
        }
    }

    /// An empty buffer whose commit copies into `pool` (see [`CodePool`]). Dropping the buffer
    /// returns the space to the pool. Allocates nothing until [`commit`](Self::commit).
    pub fn in_pool(pool: &CodePool) -> Self {
        CodeBuffer {
            state: AtomicU8::new(EMPTY),
            pool: Some(pool.clone()),
            code: UnsafeCell::new(MaybeUninit::uninit()),
            observed: Observed::new(),
        }
    }

    /// A buffer of `pool` that already holds `committed` (from `CodePool::commit_batch`).
    /// The observers are told of it as of any commit.
    pub(crate) fn holding(
        pool: &CodePool,
        committed: Committed,
        image: &Image<'_>,
        entries: Vec<(String, usize)>,
    ) -> Self {
        let observed = Observed::new();
        let held = Held::new(committed, image, entries);
        let ticket = Observed::ticket(held.entries.len());
        observed.committed(ticket, held.committed.code(), &held.entries, held.isa);
        CodeBuffer {
            state: AtomicU8::new(DONE),
            pool: Some(pool.clone()),
            code: UnsafeCell::new(MaybeUninit::new(held)),
            observed,
        }
    }

    /// This buffer under `name`: the name profilers, debuggers, [`crate::symbolize`] and
    /// listings show for its code (see [`crate::observe`]). Without one, the code is called
    /// `jit_<start address in hex>`.
    ///
    /// ```
    /// let pool = jitkit::CodePool::new()?;
    /// let buf = jitkit::CodeBuffer::in_pool(&pool).named("fib");
    /// let entry = buf.commit(&[jitkit::Instruction::new(0xD65F03C0)])?;
    /// assert_eq!(jitkit::symbolize(entry.as_ptr() as usize).unwrap().name(), "fib");
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    pub fn named(mut self, name: impl AsRef<str>) -> Self {
        self.observed.set_name(name.as_ref());
        self
    }

    /// The pool this buffer commits into, if any.
    pub fn pool(&self) -> Option<&CodePool> {
        self.pool.as_ref()
    }

    /// Commits `code` and returns a pointer to its first instruction.
    ///
    /// `code` is any code jitkit produces ([`Code`]): A64 instructions (`[Instruction]`,
    /// `Vec<Instruction>`, [`Assembled`](crate::Assembled)) or x86-64 code
    /// ([`x64::Code`](crate::x64::Code)). Its named entry points become
    /// [`entry_named`](Self::entry_named) pointers and symbols (`<buffer>::<entry>`, see
    /// [`crate::observe`]); its references to absolute addresses are linked for the address
    /// the code lands at (see [`Relocation`](crate::Relocation)).
    ///
    /// Errors: [`Error::AlreadyCommitted`] if this buffer holds code (the code is left as it
    /// was); [`Error::Empty`] and [`Error::TooLarge`] for bad sizes; [`Error::Link`] for a
    /// reference the code cannot reach from where it landed; [`Error::Map`] and
    /// [`Error::Protect`] (and, in a pool, [`Error::MemoryFile`]) when the operating system
    /// refuses memory. A commit that fails leaves the buffer empty, so it may be tried again.
    pub fn commit<C: Code + ?Sized>(&self, code: &C) -> Result<ExecPtr<'_>, Error> {
        self.commit_image(&code.image())
    }

    #[inline]
    fn commit_image(&self, image: &Image<'_>) -> Result<ExecPtr<'_>, Error> {
        // A commit that finds another in progress waits for its outcome: if that one fails,
        // the buffer is empty again and this one tries; only code really held is reported as
        // `AlreadyCommitted`.
        loop {
            match self
                .state
                .compare_exchange(EMPTY, BUSY, Ordering::Acquire, Ordering::Acquire)
            {
                Ok(_) => break,
                Err(DONE) => return Err(Error::AlreadyCommitted),
                Err(_) => std::thread::yield_now(),
            }
        }
        let ticket = Observed::ticket(image.entries_len());
        // The entries are copied first: nothing is left to undo if that fails.
        let committed = image.entries_owned().and_then(|entries| {
            let len = image.len()?;
            let committed = match &self.pool {
                Some(pool) => pool.commit(image, len),
                None => OwnPages.commit(image, len),
            }?;
            Ok((committed, entries))
        });
        match committed {
            Ok((committed, entries)) => {
                // SAFETY: this thread won EMPTY -> BUSY, so it alone touches `code` until it
                // publishes DONE below; `code` is uninitialised (state was EMPTY).
                let held: &Held =
                    unsafe { (*self.code.get()).write(Held::new(committed, image, entries)) };
                // Made before the observers' call, from the values just written: read back
                // after it, the two halves of the slice would come from memory in one wide
                // load that store forwarding cannot serve.
                let entry = held.entry(0, held.committed.code().len());
                self.state.store(DONE, Ordering::Release);
                self.observed
                    .committed(ticket, held.committed.code(), &held.entries, held.isa);
                Ok(entry)
            }
            Err(e) => {
                self.state.store(EMPTY, Ordering::Release);
                Err(e)
            }
        }
    }

    /// The committed code's entry pointer again, or `None` before a successful commit.
    pub fn entry(&self) -> Option<ExecPtr<'_>> {
        self.held().map(|h| h.entry(0, h.committed.code().len()))
    }

    /// The entry point called `name` of the committed code (from [`Assembled`](crate::Assembled)
    /// or [`x64::Code`](crate::x64::Code)), or `None` before a commit or for an unknown name.
    /// Its [`len`](ExecPtr::len) runs to the next entry point or the end of the code.
    ///
    /// ```
    /// use jitkit::{dynasm, Assembler, CodeBuffer, DynasmApi};
    ///
    /// let mut asm = Assembler::new();
    /// asm.entry_point("one")?;
    /// dynasm!(asm ; .arch aarch64 ; mov x0, #1 ; ret);
    /// asm.entry_point("two")?;
    /// dynasm!(asm ; .arch aarch64 ; mov x0, #2 ; ret);
    /// let buf = CodeBuffer::new();
    /// buf.commit(&asm.finish()?)?;
    /// let two = buf.entry_named("two").unwrap();
    /// assert_eq!((two.offset(), two.len()), (8, 8));
    /// # #[cfg(target_arch = "aarch64")]
    /// assert_eq!(unsafe { two.as_fn::<extern "C" fn() -> u64>() }(), 2);
    /// # Ok::<(), jitkit::Error>(())
    /// ```
    pub fn entry_named(&self, name: &str) -> Option<ExecPtr<'_>> {
        let held = self.held()?;
        let &(_, start) = held.entries.iter().find(|(n, _)| n == name)?;
        let end = held
            .entries
            .iter()
            .map(|&(_, off)| off)
            .filter(|&off| off > start)
            .min()
            .unwrap_or(held.code_len)
            .max(start);
        (start < end).then(|| held.entry(start, end))
    }

    /// The named entry points of the committed code, as (name, byte offset), in the order
    /// they were defined; empty before a commit.
    pub fn entries(&self) -> &[(String, usize)] {
        self.held().map_or(&[], |h| &h.entries)
    }

    /// The instruction set of the committed code, or `None` before a commit.
    pub fn isa(&self) -> Option<Isa> {
        self.held().map(|h| h.isa)
    }

    /// Whether this buffer holds committed code.
    pub fn is_committed(&self) -> bool {
        self.held().is_some()
    }

    fn held(&self) -> Option<&Held> {
        (self.state.load(Ordering::Acquire) == DONE).then(|| {
            // SAFETY: DONE (loaded with Acquire, pairing with the committer's Release store)
            // means `code` is initialised and never written again while `self` is borrowed.
            unsafe { (*self.code.get()).assume_init_ref() }
        })
    }
}

impl Drop for CodeBuffer {
    fn drop(&mut self) {
        if *self.state.get_mut() != DONE {
            return;
        }
        // SAFETY: DONE means `code` is initialised; `&mut self` means no one else uses it, and it
        // is read out exactly once, here.
        let held = unsafe { self.code.get_mut().assume_init_read() };
        let committed = held.committed;
        self.observed.released(committed.code(), held.isa);
        match &self.pool {
            Some(pool) => pool.release(committed),
            None => OwnPages.release(committed),
        }
    }
}

impl Default for CodeBuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CodeBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry() {
            Some(e) => write!(
                f,
                "CodeBuffer {{ committed: {} bytes at {:p} }}",
                e.len(),
                e.as_ptr()
            ),
            None => f.write_str("CodeBuffer { empty }"),
        }
    }
}

/// A pointer to committed, executable code: the executable-pointer contract.
///
/// While the [`CodeBuffer`] it came from lives (the lifetime `'a` enforces this in safe code):
/// - the bytes from [`as_ptr`](Self::as_ptr) to `as_ptr() + len()` are mapped readable and
///   executable, and are never writable;
/// - they never change: the instruction cache was synchronised before the pointer was returned;
/// - the code may be called from any thread, any number of times, concurrently.
///
/// `ExecPtr` is `Copy`, `Send` and `Sync`.
#[derive(Clone, Copy)]
pub struct ExecPtr<'a> {
    /// From this entry to the end of the committed code, or to the next named entry.
    code: &'a [u8],
    /// Offset of this entry from the start of the committed code.
    offset: usize,
    isa: Isa,
}

impl<'a> ExecPtr<'a> {
    /// The address of the entry instruction.
    pub fn as_ptr(&self) -> *const u8 {
        self.code.as_ptr()
    }

    /// Bytes of code from this entry to the end of the commit, or to the next entry point for
    /// one from [`CodeBuffer::entry_named`] (always positive; a multiple of 4 for A64).
    pub fn len(&self) -> usize {
        self.code.len()
    }

    /// Always `false`: a commit holds at least one instruction and an entry is never at its end.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }

    /// Offset of this entry from the start of the committed code.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The code bytes from this entry on (little-endian instruction words for A64), for
    /// listings.
    pub fn bytes(&self) -> &'a [u8] {
        self.code
    }

    /// The instruction set of the code.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// A pointer `offset` bytes further on, such as a named entry point from
    /// [`Assembled::entry`](crate::Assembled::entry).
    ///
    /// Errors: [`Error::BadEntry`] unless `offset` is below [`len`](Self::len) (and, for A64,
    /// a multiple of 4).
    pub fn at(&self, offset: usize) -> Result<ExecPtr<'a>, Error> {
        if (self.isa == Isa::A64 && !offset.is_multiple_of(4)) || offset >= self.code.len() {
            return Err(Error::BadEntry {
                offset,
                len: self.code.len(),
            });
        }
        Ok(ExecPtr {
            code: &self.code[offset..],
            offset: self.offset + offset,
            isa: self.isa,
        })
    }

    /// A disassembly of the code from this entry to the end of the commit, one line per
    /// instruction: symbol and offset, address and word in a block comment, then the
    /// instruction, so that each line is valid assembler input (llvm-mc re-assembles it to the
    /// same word). PC-relative operands are the encoded byte offset, with the target named in a
    /// `//` comment:
    ///
    /// ```text
    /// /* fib+0x0           0x0000ffff8a7f0000  a9bf7bfd */  stp x29, x30, [sp, #-16]!
    /// /* fib+0x8           0x0000ffff8a7f0008  94000004 */  bl #16  // fib+0x18
    /// ```
    ///
    /// Without the `listing` feature (on by default) each instruction is `.inst 0x<word>`.
    pub fn listing(&self) -> String {
        crate::observe::listing::listing(self.code, self.isa)
    }

    /// The entry as a typed function pointer, such as `extern "C" fn(u64) -> u64`.
    ///
    /// `F` is a function-pointer type with the C calling convention ([`FnPtr`](crate::FnPtr));
    /// [`JitFn`](crate::JitFn) keeps the pointer together with the buffer that owns the code.
    ///
    /// # Safety
    /// The caller guarantees that:
    /// - `F` is an `extern "C"` (AAPCS64, System V) function pointer type whose signature matches what the
    ///   code at this entry expects and returns, and the code obeys the calling convention
    ///   (callee-saved registers, stack alignment, returning with `ret`);
    /// - the function pointer is not called after the owning [`CodeBuffer`] is dropped: unlike
    ///   `ExecPtr`, a function pointer carries no lifetime;
    /// - the code is in the instruction set of the current CPU ([`isa`](Self::isa) is
    ///   [`Isa::host`]); calling it elsewhere is undefined.
    pub unsafe fn as_fn<F: crate::FnPtr>(&self) -> F {
        const { assert!(std::mem::size_of::<F>() == std::mem::size_of::<*const u8>()) };
        let ptr = self.as_ptr();
        // SAFETY: F is pointer-sized (checked above); the caller guarantees it is a function
        // pointer type matching the code, and a function pointer's representation is its address.
        unsafe { std::mem::transmute_copy::<*const u8, F>(&ptr) }
    }
}

impl fmt::Debug for ExecPtr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ExecPtr({:p}, {} bytes, offset {})",
            self.as_ptr(),
            self.len(),
            self.offset
        )
    }
}
