//! The symbol registry behind [`symbolize`]: address → function for every live commit.
//!
//! # Design
//! Each symbol (a whole commit, or one named entry of it) lives in a *slot*: start, length and
//! name, guarded by a sequence counter (a seqlock). Slots sit in segments that are allocated on
//! demand (64, 128, 256, ... slots) and never freed, so a reader may look at any slot at any
//! time; a freed slot goes on the freeing thread's own free list, or when that is full on a
//! shared lock-free one (a Treiber stack whose head carries a tag against ABA), and is reused by
//! a later commit (see `local` below).
//!
//! - **Commit** takes a slot (from its thread's list with no atomic read-modify-write; else one
//!   compare-and-swap on the shared list), writes it under the seqlock and, for a commit with
//!   several entries, links its slots in a chain. No lock, no allocation, no system call.
//! - **Drop** clears each slot of the chain (start and length zero, under the seqlock) *before*
//!   the memory layer gets the code back, then pushes it on the free list. A reader therefore
//!   never sees a range whose code is gone, and a reused slot shows its new owner's name, never
//!   the old one: the sequence counter tells a reader that raced with the change to read again.
//! - **[`symbolize`]** scans the slots handed out so far. It takes no lock, allocates nothing,
//!   never waits for a writer (a slot being written is skipped, a slot changed under it is read
//!   again a bounded number of times), and returns a [`Symbol`] that owns everything it shows:
//!   names are interned (`names.rs`) or generated from the address.
//!
//! # Signal safety
//! [`symbolize`] is async-signal-safe: it only loads atomics and copies plain values, so a
//! signal handler (a SIGSEGV handler mapping the faulting PC to its function) may call it, also
//! when the signal interrupted a commit or a drop on the same thread (that slot is then skipped).
//! `Symbol::name` is safe there too. Formatting a `Symbol` with `format!` allocates, so a handler
//! should write `name()` with `write(2)`. The scan is linear in the number of slots ever in use
//! at once, which suits diagnostics (a fault, a profiler sample), not a hot path.

use std::fmt;
use std::sync::atomic::{fence, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// The function (or named entry) that holds an address in committed code, as [`symbolize`]
/// found it.
///
/// `Copy`, owns what it shows, and valid to keep after the code is dropped (it then describes
/// code that was there).
#[derive(Clone, Copy)]
pub struct Symbol {
    name: Name,
    start: usize,
    len: usize,
    offset: usize,
}

/// A symbol's name: interned, or `jit_<start in hex>` for a buffer without a name.
#[derive(Clone, Copy)]
enum Name {
    Interned(&'static str),
    Generated { text: [u8; GENERATED_MAX], len: u8 },
}

/// `jit_` and 16 hex digits.
const GENERATED_MAX: usize = 20;

impl Name {
    fn generated(start: usize) -> Name {
        let mut text = [0u8; GENERATED_MAX];
        text[..4].copy_from_slice(b"jit_");
        let digits = ((usize::BITS - start.leading_zeros()).div_ceil(4)).max(1) as usize;
        for i in 0..digits {
            let nibble = (start >> (4 * (digits - 1 - i))) & 0xf;
            text[4 + i] = b"0123456789abcdef"[nibble];
        }
        Name::Generated {
            text,
            len: (4 + digits) as u8,
        }
    }
}

impl Symbol {
    /// The symbol's name: the buffer's name ([`CodeBuffer::named`](crate::CodeBuffer::named)),
    /// `<buffer>::<entry>` for a named entry point of an [`Assembled`](crate::Assembled), or
    /// `jit_<start in hex>` for a buffer without a name.
    pub fn name(&self) -> &str {
        match &self.name {
            Name::Interned(s) => s,
            Name::Generated { text, len } => {
                // The generator writes only ASCII letters and digits.
                std::str::from_utf8(&text[..*len as usize]).unwrap_or("jit_")
            }
        }
    }

    /// The address of the symbol's first byte.
    pub fn start(&self) -> usize {
        self.start
    }

    /// The symbol's size in bytes (to the next entry point, or to the end of the commit).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always `false`: a symbol covers at least one instruction.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How far into the symbol the looked-up address is (0 for symbols handed to observers).
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Symbol")
            .field("name", &self.name())
            .field("start", &format_args!("{:#x}", self.start))
            .field("len", &self.len)
            .field("offset", &self.offset)
            .finish()
    }
}

impl fmt::Display for Symbol {
    /// `name+0xoffset`, as debuggers and profilers print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{:#x}", self.name(), self.offset)
    }
}

/// The symbol holding `addr`, if `addr` is inside live committed code.
///
/// Covers every commit whose [`CodeBuffer`](crate::CodeBuffer) has not been dropped; a dropped
/// buffer's code is forgotten before its memory is released, and a reused address shows its
/// new owner, never the old one.
///
/// # Signal safety
/// Thread-safe, lock-free and async-signal-safe: it takes no lock, allocates nothing and never
/// waits for a writer, so a signal handler (say a `SIGSEGV` handler mapping the faulting PC to
/// its function) may call it, even when the signal interrupted a commit or a drop on the same
/// thread. [`Symbol::name`] is safe there too; formatting a `Symbol` allocates. The lookup is
/// linear in the number of symbols alive at once (suited to faults and profiler samples, not to
/// a hot path).
///
/// ```
/// use jitkit::{CodeBuffer, Instruction};
/// let buf = CodeBuffer::new().named("answer");
/// let entry = buf.commit(&[Instruction::new(0xD2800540), Instruction::new(0xD65F03C0)])?;
/// let sym = jitkit::symbolize(entry.as_ptr() as usize + 4).unwrap();
/// assert_eq!((sym.name(), sym.offset(), sym.len()), ("answer", 4, 8));
/// let start = entry.as_ptr() as usize;
/// drop(buf);
/// assert!(jitkit::symbolize(start).is_none());
/// # Ok::<(), jitkit::Error>(())
/// ```
pub fn symbolize(addr: usize) -> Option<Symbol> {
    let high = HIGH.load(Ordering::Acquire).min(MAX_SLOTS);
    (0..high).find_map(|index| slot(index).and_then(|s| s.lookup(addr)))
}

/// How often a reader re-reads a slot that changed under it before skipping it: a slot that
/// keeps changing is being freed and reused, so its old contents are no answer anyway.
const RETRIES: usize = 4;

/// One symbol's slot. Every field is atomic so that the seqlock's readers never race with plain
/// writes; the counter says whether what they read belongs together.
struct Slot {
    /// Odd while the owner writes the slot; changes on every write.
    seq: AtomicU32,
    start: AtomicUsize,
    /// 0 for a free slot.
    len: AtomicUsize,
    /// Null for a generated name.
    name_ptr: AtomicPtr<u8>,
    name_len: AtomicUsize,
    /// Counts the slot's uses, for unique commit ids.
    generation: AtomicU32,
    /// The next free slot (index + 1, 0 for none) while on the free list.
    next_free: AtomicU32,
    /// The next slot of the same commit (index + 1, 0 for none).
    next_in_commit: AtomicU32,
}

impl Slot {
    const fn new() -> Slot {
        Slot {
            seq: AtomicU32::new(0),
            start: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
            name_ptr: AtomicPtr::new(std::ptr::null_mut()),
            name_len: AtomicUsize::new(0),
            generation: AtomicU32::new(0),
            next_free: AtomicU32::new(0),
            next_in_commit: AtomicU32::new(0),
        }
    }

    /// Writes the slot; only its owner (the commit that popped it) calls this.
    #[inline]
    fn write(&self, start: usize, len: usize, name: Option<&'static str>) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        let (ptr, nlen) = name.map_or((std::ptr::null_mut(), 0), |n| {
            (n.as_ptr().cast_mut(), n.len())
        });
        self.start.store(start, Ordering::Relaxed);
        self.len.store(len, Ordering::Relaxed);
        self.name_ptr.store(ptr, Ordering::Relaxed);
        self.name_len.store(nlen, Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }

    /// The symbol of this slot if it holds `addr`, read consistently.
    fn lookup(&self, addr: usize) -> Option<Symbol> {
        for _ in 0..RETRIES {
            let seq = self.seq.load(Ordering::Acquire);
            if seq & 1 == 1 {
                return None;
            }
            let start = self.start.load(Ordering::Relaxed);
            let len = self.len.load(Ordering::Relaxed);
            let ptr = self.name_ptr.load(Ordering::Relaxed);
            let nlen = self.name_len.load(Ordering::Relaxed);
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) != seq {
                continue;
            }
            if len == 0 || addr.wrapping_sub(start) >= len {
                return None;
            }
            return Some(Symbol {
                name: name_from(ptr, nlen, start),
                start,
                len,
                offset: addr - start,
            });
        }
        None
    }

    /// The symbol this slot holds; only its owner calls this.
    fn symbol(&self) -> Symbol {
        let start = self.start.load(Ordering::Relaxed);
        Symbol {
            name: name_from(
                self.name_ptr.load(Ordering::Relaxed),
                self.name_len.load(Ordering::Relaxed),
                start,
            ),
            start,
            len: self.len.load(Ordering::Relaxed),
            offset: 0,
        }
    }
}

fn name_from(ptr: *mut u8, len: usize, start: usize) -> Name {
    if ptr.is_null() {
        return Name::generated(start);
    }
    // SAFETY: a non-null name pointer was stored from an interned `&'static str` of `len`
    // bytes (`Slot::write`), and the seqlock check showed pointer and length belong together;
    // interned names are never freed.
    let s = unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len)) };
    Name::Interned(s)
}

/// Segment `k` holds `FIRST << k` slots; 27 segments hold every index below `MAX_SLOTS`.
const FIRST: usize = 64;
const SEGMENTS: usize = 27;
/// No slot index reaches this: it stays below `u32::MAX`, which marks "no slot".
const MAX_SLOTS: u32 = u32::MAX - 1;

static SEGMENT: [AtomicPtr<Slot>; SEGMENTS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; SEGMENTS];
/// Slots handed out at least once: readers scan `0..HIGH`.
static HIGH: AtomicU32 = AtomicU32::new(0);
/// The free list's head: `tag << 32 | (index + 1)`, 0 in the low half for empty.
static FREE: AtomicU64 = AtomicU64::new(0);

/// Segment number and position in it of slot `index`.
#[inline]
fn locate(index: u32) -> (usize, usize) {
    let n = index as usize + FIRST;
    let k = (usize::BITS - 1 - n.leading_zeros()) as usize - FIRST.trailing_zeros() as usize;
    (k, n - (FIRST << k))
}

/// Slot `index`, if its segment exists.
#[inline]
fn slot(index: u32) -> Option<&'static Slot> {
    let (k, i) = locate(index);
    let seg = SEGMENT.get(k)?.load(Ordering::Acquire);
    // SAFETY: a non-null segment pointer is an installed `[Slot; FIRST << k]` that is never freed
    // (`slot_or_grow`), and `i < FIRST << k` by `locate`.
    (!seg.is_null()).then(|| unsafe { &*seg.add(i) })
}

/// Slot `index`, allocating its segment if needed. `None` when memory for it is refused.
///
/// Threads that need the same new segment each allocate one and race to install it with a
/// compare-and-swap; the losers free theirs. No lock is taken, so a `fork` that happens while
/// another thread grows the registry leaves the child nothing held.
fn slot_or_grow(index: u32) -> Option<&'static Slot> {
    if let Some(s) = slot(index) {
        return Some(s);
    }
    let (k, _) = locate(index);
    let mut segment = Vec::new();
    segment.try_reserve_exact(FIRST << k).ok()?;
    segment.extend((0..FIRST << k).map(|_| Slot::new()));
    let fresh = Box::into_raw(segment.into_boxed_slice()).cast::<Slot>();
    if SEGMENT[k]
        .compare_exchange(
            std::ptr::null_mut(),
            fresh,
            Ordering::AcqRel,
            Ordering::Acquire,
        )
        .is_err()
    {
        // SAFETY: `fresh` came from `Box::into_raw` of a `[Slot]` of `FIRST << k` elements
        // just above, and losing the exchange means no other thread ever saw it.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(fresh, FIRST << k)) });
    }
    slot(index)
}

/// A free slot's index: from this thread's free list, the shared one, or never used before.
#[inline]
fn pop() -> Option<u32> {
    if let Some(index) = local::pop() {
        return Some(index);
    }
    if let Some(index) = local::refill() {
        return Some(index);
    }
    let mut head = FREE.load(Ordering::Acquire);
    loop {
        let top = head as u32;
        if top == 0 {
            return pop_unused();
        }
        let next = slot(top - 1)?.next_free.load(Ordering::Relaxed);
        let new = ((head >> 32).wrapping_add(1) << 32) | u64::from(next);
        match FREE.compare_exchange_weak(head, new, Ordering::Acquire, Ordering::Acquire) {
            Ok(_) => return Some(top - 1),
            Err(h) => head = h,
        }
    }
}

/// A slot never used before, its segment allocated if needed.
#[cold]
fn pop_unused() -> Option<u32> {
    let index = HIGH.fetch_add(1, Ordering::AcqRel);
    if index >= MAX_SLOTS {
        HIGH.fetch_sub(1, Ordering::AcqRel);
        return None;
    }
    match slot_or_grow(index) {
        Some(_) => Some(index),
        None => {
            // The slot's segment could not be allocated: hand the index back for later.
            push(index);
            None
        }
    }
}

/// Frees slot `index`: onto this thread's free list while it has room, else the shared one.
#[inline]
fn push(index: u32) {
    if !local::push(index) {
        push_shared(index);
    }
}

/// Takes up to `want` slots off the shared list in one exchange: the first one's index and how
/// many, linked through `next_free`, the last one's link cleared.
///
/// Safe against a concurrent change of the list because the head carries a tag: if the head is
/// unchanged, nothing was taken off or put on, so the chain walked below it is still the list's.
#[cfg(unix)]
fn pop_shared_chain(want: u32) -> Option<(u32, u32)> {
    let mut head = FREE.load(Ordering::Acquire);
    loop {
        let first = (head as u32).checked_sub(1)?;
        let mut last = slot(first)?;
        let mut taken = 1;
        let mut next = last.next_free.load(Ordering::Relaxed);
        while taken < want {
            let Some(s) = next.checked_sub(1).and_then(slot) else {
                break;
            };
            last = s;
            next = s.next_free.load(Ordering::Relaxed);
            taken += 1;
        }
        let new = ((head >> 32).wrapping_add(1) << 32) | u64::from(next);
        match FREE.compare_exchange_weak(head, new, Ordering::Acquire, Ordering::Acquire) {
            Ok(_) => {
                last.next_free.store(0, Ordering::Relaxed);
                return Some((first, taken));
            }
            Err(h) => head = h,
        }
    }
}

fn push_shared(index: u32) {
    let Some(s) = slot(index) else { return };
    let mut head = FREE.load(Ordering::Relaxed);
    loop {
        s.next_free.store(head as u32, Ordering::Relaxed);
        let new = ((head >> 32).wrapping_add(1) << 32) | u64::from(index + 1);
        match FREE.compare_exchange_weak(head, new, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => return,
            Err(h) => head = h,
        }
    }
}

/// A commit's place in the registry: the first of its slots. `NONE` when the registry had no
/// room (the code then runs, it is only unknown to [`symbolize`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Handle(u32);

impl Handle {
    pub(crate) const NONE: Handle = Handle(u32::MAX);

    pub(crate) const fn from_raw(raw: u32) -> Handle {
        Handle(raw)
    }

    pub(crate) const fn raw(self) -> u32 {
        self.0
    }

    /// A number no other commit in this process has had: slot and its use count.
    pub(crate) fn id(self) -> u64 {
        let generation = slot(self.0).map_or(0, |s| s.generation.load(Ordering::Relaxed));
        (u64::from(generation) << 32) | u64::from(self.0)
    }
}

/// Registers the symbols `(offset, len, name)` of code at `start`; `None` names are generated.
/// The first symbol starts at offset 0 and the symbols are ordered and contiguous.
pub(crate) fn insert(
    start: usize,
    symbols: impl Iterator<Item = (usize, usize, Option<&'static str>)>,
) -> Handle {
    let mut head = Handle::NONE;
    let mut last: Option<&'static Slot> = None;
    for (offset, len, name) in symbols {
        let Some((index, s)) = take(start + offset, len, name) else {
            break;
        };
        match last {
            None => head = Handle(index),
            Some(prev) => prev.next_in_commit.store(index + 1, Ordering::Relaxed),
        }
        last = Some(s);
    }
    head
}

/// Each thread keeps up to `LOCAL_MAX` free slots on a list of its own: the slots it freed, and
/// a few dozen taken off the shared list in one exchange when its own list is empty. So a
/// thread that keeps replacing functions takes and frees slots with no atomic
/// read-modify-write per commit (a compare-and-swap on the shared list costs about a tenth of a
/// pooled commit). A slot is on one list at a time, linked through `next_free` as on the shared list.
///
/// A thread's list goes back to the shared one when the thread exits, through a POSIX
/// thread-specific key's destructor (`pthread_key_create(3)`), not a thread-local destructor:
/// registering one of those can abort the process under memory pressure. A thread that cannot
/// set the key, and every thread elsewhere than Unix, uses the shared list only. A forked child
/// keeps the list of the thread that forked; the lists of the parent's other threads, like the
/// threads, are not in the child.
mod local {
    /// Slots one thread keeps before it frees to the shared list.
    #[cfg(unix)]
    const LOCAL_MAX: u32 = 128;
    /// Slots a thread takes off the shared list at once when its own list is empty.
    #[cfg(unix)]
    const REFILL: u32 = 32;

    #[cfg(unix)]
    mod imp {
        use super::{LOCAL_MAX, REFILL};
        use crate::observe::symbols::{pop_shared_chain, push_shared, slot};
        use std::cell::Cell;
        use std::sync::atomic::Ordering;

        /// This thread's list: no key yet, the key set (the list is returned at exit), or no list.
        const UNSET: u8 = 0;
        const SET: u8 = 1;
        const NONE: u8 = 2;

        thread_local! {
            /// The first slot of the list (index + 1, 0 for none).
            static HEAD: Cell<u32> = const { Cell::new(0) };
            static COUNT: Cell<u32> = const { Cell::new(0) };
            static KEYED: Cell<u8> = const { Cell::new(UNSET) };
        }

        fn key() -> Option<libc::pthread_key_t> {
            static KEY: crate::memory::ExitKey = crate::memory::ExitKey::new();
            KEY.get(at_exit)
        }

        /// The key's destructor: hands the exiting thread's list to the shared one. Frees after
        /// this (a later destructor dropping a buffer) go to the shared list.
        unsafe extern "C" fn at_exit(_: *mut libc::c_void) {
            KEYED.with(|k| k.set(NONE));
            while let Some(index) = pop() {
                push_shared(index);
            }
        }

        #[inline]
        pub(in crate::observe::symbols) fn pop() -> Option<u32> {
            let head = HEAD.with(Cell::get);
            let index = head.checked_sub(1)?;
            let next = slot(index)?.next_free.load(Ordering::Relaxed);
            HEAD.with(|h| h.set(next));
            COUNT.with(|c| c.set(c.get() - 1));
            Some(index)
        }

        #[inline]
        pub(in crate::observe::symbols) fn push(index: u32) -> bool {
            let count = COUNT.with(Cell::get);
            if count >= LOCAL_MAX || !keyed() {
                return false;
            }
            let Some(s) = slot(index) else { return false };
            s.next_free.store(HEAD.with(Cell::get), Ordering::Relaxed);
            HEAD.with(|h| h.set(index + 1));
            COUNT.with(|c| c.set(count + 1));
            true
        }

        /// Moves a few slots of the shared list to this thread's (empty) list and takes one.
        #[cold]
        pub(in crate::observe::symbols) fn refill() -> Option<u32> {
            if !keyed() {
                return None;
            }
            let (first, taken) = pop_shared_chain(REFILL)?;
            HEAD.with(|h| h.set(first + 1));
            COUNT.with(|c| c.set(taken));
            pop()
        }

        /// Whether this thread may keep a list: its key is set, now if not yet, so that the list
        /// is returned at exit.
        #[inline]
        fn keyed() -> bool {
            match KEYED.with(Cell::get) {
                SET => true,
                UNSET => set_key(),
                _ => false,
            }
        }

        /// Sets the key for this thread; whether it could.
        #[cold]
        fn set_key() -> bool {
            // Any non-null value makes the destructor run; the list itself is in HEAD.
            let set = key().is_some_and(|key| {
                // SAFETY: `key` was made by pthread_key_create; the value is never dereferenced.
                unsafe {
                    libc::pthread_setspecific(
                        key,
                        std::ptr::NonNull::<u8>::dangling().as_ptr().cast(),
                    ) == 0
                }
            });
            KEYED.with(|k| k.set(if set { SET } else { NONE }));
            set
        }
    }

    #[cfg(not(unix))]
    mod imp {
        #[inline]
        pub(in crate::observe::symbols) fn pop() -> Option<u32> {
            None
        }

        #[inline]
        pub(in crate::observe::symbols) fn refill() -> Option<u32> {
            None
        }

        #[inline]
        pub(in crate::observe::symbols) fn push(_index: u32) -> bool {
            false
        }
    }

    pub(super) use imp::{pop, push, refill};
}

/// A free slot taken for one symbol that is not written yet; given back when dropped unused.
pub(crate) struct Reserved(u32);

impl Reserved {
    /// A free slot, or `None` when the registry has no room.
    #[inline]
    pub(crate) fn take() -> Option<Reserved> {
        pop().map(Reserved)
    }

    /// Registers one symbol in the slot: `len` bytes at `start`, named `name` (generated for
    /// `None`).
    #[inline]
    pub(crate) fn insert(self, start: usize, len: usize, name: Option<&'static str>) -> Handle {
        let index = self.0;
        std::mem::forget(self);
        match slot(index) {
            Some(s) => {
                fill(s, start, len, name);
                Handle(index)
            }
            None => Handle::NONE,
        }
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        push(self.0);
    }
}

/// A free slot, written with one symbol and the end of its commit's chain.
#[inline]
fn take(start: usize, len: usize, name: Option<&'static str>) -> Option<(u32, &'static Slot)> {
    let index = pop()?;
    let s = slot(index)?;
    fill(s, start, len, name);
    Some((index, s))
}

/// Writes a slot its owner just took: one symbol, a new use, the end of its commit's chain.
#[inline]
fn fill(s: &Slot, start: usize, len: usize, name: Option<&'static str>) {
    s.next_in_commit.store(0, Ordering::Relaxed);
    // Only the slot's owner writes its generation: no read-modify-write needed.
    let generation = s.generation.load(Ordering::Relaxed);
    s.generation
        .store(generation.wrapping_add(1), Ordering::Relaxed);
    s.write(start, len, name);
}

/// The symbols registered under `handle`, in order.
pub(crate) fn symbols(handle: Handle) -> impl Iterator<Item = Symbol> {
    chain(handle).map(|(_, s)| s.symbol())
}

fn chain(handle: Handle) -> impl Iterator<Item = (u32, &'static Slot)> {
    let mut next = (handle != Handle::NONE).then_some(handle.0);
    std::iter::from_fn(move || {
        let index = next?;
        let s = slot(index)?;
        next = s.next_in_commit.load(Ordering::Relaxed).checked_sub(1);
        Some((index, s))
    })
}

/// Forgets the symbols registered under `handle` and frees their slots.
#[inline]
pub(crate) fn remove(handle: Handle) {
    let mut next = (handle != Handle::NONE).then_some(handle.0);
    while let Some(index) = next {
        let Some(s) = slot(index) else { return };
        next = s.next_in_commit.load(Ordering::Relaxed).checked_sub(1);
        s.write(0, 0, None);
        push(index);
    }
}

/// The symbol of a commit the registry had no room for, for observers.
pub(crate) fn unregistered(start: usize, len: usize, name: Option<&'static str>) -> Vec<Symbol> {
    vec![Symbol {
        name: name.map_or_else(|| Name::generated(start), Name::Interned),
        start,
        len,
        offset: 0,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_indices_map_to_segments_without_gaps() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(63), (0, 63));
        assert_eq!(locate(64), (1, 0));
        assert_eq!(locate(191), (1, 127));
        assert_eq!(locate(192), (2, 0));
        assert_eq!(locate(MAX_SLOTS - 1).0, SEGMENTS - 1);
    }

    /// Runs `check` in a forked child, where no other test thread touches the registry, so its
    /// lists can be read exactly; whether it returned `true`.
    #[cfg(unix)]
    fn alone_in_a_child(check: fn() -> bool) -> bool {
        // SAFETY: the child only runs `check` and `_exit`s; the parent waits for it.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let ok = std::panic::catch_unwind(check).unwrap_or(false);
            // SAFETY: ends the child without running the parent's exit handlers.
            unsafe { libc::_exit(i32::from(!ok)) };
        }
        let mut status = 0;
        // SAFETY: `pid` is our child; `status` is written by the call.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
    }

    /// Whether slot `index` is on the shared free list.
    #[cfg(unix)]
    fn shared(index: u32) -> bool {
        let mut next = FREE.load(Ordering::Acquire) as u32;
        while let Some(i) = next.checked_sub(1) {
            if i == index {
                return true;
            }
            next = slot(i).map_or(0, |s| s.next_free.load(Ordering::Relaxed));
        }
        false
    }

    #[cfg(unix)]
    #[test]
    fn an_exiting_thread_hands_its_free_slots_to_the_shared_list() {
        assert!(alone_in_a_child(|| {
            let freed = std::thread::spawn(|| {
                let taken: Vec<u32> = (0..5).map(|_| pop().unwrap()).collect();
                taken.iter().for_each(|&i| push(i));
                // Freed onto the thread's own list, not the shared one.
                assert!(!taken.iter().any(|&i| shared(i)));
                taken
            })
            .join()
            .unwrap();
            freed.iter().all(|&i| shared(i))
        }));
    }

    #[cfg(unix)]
    #[test]
    fn a_chain_taken_off_the_shared_list_ends_where_it_says() {
        assert!(alone_in_a_child(|| {
            let fresh: Vec<u32> = (0..10).map(|_| pop_unused().unwrap()).collect();
            fresh.iter().for_each(|&i| push_shared(i));
            let (first, taken) = pop_shared_chain(4).unwrap();
            let mut chain = vec![first];
            while let Some(next) = slot(*chain.last().unwrap())
                .unwrap()
                .next_free
                .load(Ordering::Relaxed)
                .checked_sub(1)
            {
                chain.push(next);
            }
            // The last four pushed, in stack order; the other six still shared.
            let mut expect: Vec<u32> = fresh[6..].to_vec();
            expect.reverse();
            taken == 4 && chain == expect && fresh[..6].iter().all(|&i| shared(i))
        }));
    }

    #[test]
    fn generated_names_spell_the_address() {
        let sym = |start| Symbol {
            name: Name::generated(start),
            start,
            len: 4,
            offset: 0,
        };
        assert_eq!(sym(0xffff_8000_1000).name(), "jit_ffff80001000");
        assert_eq!(sym(0).name(), "jit_0");
        assert_eq!(sym(usize::MAX).name(), "jit_ffffffffffffffff");
    }
}
