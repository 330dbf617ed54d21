//! Observers of committed code: names for profilers, debuggers and crash handlers.
//!
//! Every successful [`CodeBuffer::commit`](crate::CodeBuffer::commit) is reported once, after
//! the code is executable and before the pointer is returned; every drop of a committed buffer
//! is reported once, while the code is still in place and before the memory layer gets it back.
//! Observers see names, addresses and code bytes ([`CodeInfo`]), never the memory layer.
//!
//! | observer | switch | what it does |
//! |---|---|---|
//! | symbol registry | always on | [`symbolize`]: address → [`Symbol`] |
//! | perf map | `JITKIT_PERF_MAP=1` or [`enable`]`(`[`Tool::PerfMap`]`)` | `/tmp/perf-<pid>.map` lines for perf and samply (perf reads them for anonymous memory only: see [`CodePool::new`](crate::CodePool::new)) |
//! | jitdump | `JITKIT_JITDUMP=1` or [`Tool::JitDump`] | `jit-<pid>.dump` for `perf inject --jit` |
//! | GDB | `JITKIT_GDB=1` or [`Tool::Gdb`] | an in-memory ELF per commit through GDB's JIT interface |
//! | yours | [`add_observer`] | anything that implements [`Observer`] |
//!
//! The environment switches are read at the first commit; `1` (or any value but `0` and the
//! empty string) turns a tool on. A tool that cannot start from the environment (an unwritable
//! directory) prints one line on stderr and stays off; [`enable`] returns the error instead.
//!
//! # Names
//! A buffer's symbol is its name ([`CodeBuffer::named`](crate::CodeBuffer::named)), or
//! `jit_<start address in hex>` without one. A commit of an [`Assembled`](crate::Assembled) or an
//! [`x64::Code`](crate::x64::Code) gets one symbol per named entry point, `<buffer>::<entry>` (or `<entry>` for a buffer without a name), each
//! running to the next entry or the end; code before the first entry keeps the buffer's name.
//! Names are interned (stored once per distinct name for the life of the process) so that the
//! registry can hand them to a signal handler.
//!
//! # Cost
//! With only the registry on, a commit pays one lock-free slot allocation and a few stores per
//! symbol, a drop the same (see `symbols.rs` and the `commit/64B` benchmark). The other tools are
//! called only once one of them is enabled.
//!
//! # fork
//! A forked child may name buffers and commit with any tool on: the locks behind names, tools
//! and observers are held across `fork` by handlers of their own (`fork.rs`). A child's first
//! commit opens a perf map and a jitdump file named after the child: its perf map starts with
//! the parent's lines, so the code it inherited keeps its names; its jitdump holds its own
//! commits.

#[cfg(feature = "listing")]
mod disarm_fixes;
#[cfg(feature = "gdb")]
mod gdb;
// perf is Linux's profiler; its jitdump format is defined in terms of Linux's clock, thread
// ids and mappings.
#[cfg(unix)]
mod fork;
#[cfg(target_os = "linux")]
mod jitdump;
pub(crate) mod listing;
#[doc(hidden)]
pub mod listing_x64;
#[cfg(not(unix))]
mod fork {
    /// No `fork` here: nothing to install.
    pub(super) fn install() {}
}
mod names;
mod perf_map;
pub(crate) mod symbols;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use crate::fork_once::ForkOnce;
use crate::memory::lock::Lock;
use crate::{Error, Isa};
use symbols::Handle;
pub use symbols::{symbolize, Symbol};

/// Receives every commit and every drop of committed code.
///
/// Implementations must be quick and must not panic: they run inside
/// [`commit`](crate::CodeBuffer::commit) and inside a buffer's `Drop`. They must not commit or
/// drop code, or call [`add_observer`] or [`enable`], from a callback.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use jitkit::observe::{CodeInfo, Observer};
/// use jitkit::{CodeBuffer, Instruction};
///
/// #[derive(Default)]
/// struct Log(Mutex<Vec<String>>);
/// impl Observer for Log {
///     fn committed(&self, code: &CodeInfo<'_>) {
///         self.0.lock().unwrap().push(format!("+{} {}", code.name(), code.code().len()));
///     }
///     fn released(&self, code: &CodeInfo<'_>) {
///         self.0.lock().unwrap().push(format!("-{}", code.name()));
///     }
/// }
///
/// let log = Arc::new(Log::default());
/// jitkit::observe::add_observer(log.clone());
/// let buf = CodeBuffer::new().named("observed_ret");
/// buf.commit(&[Instruction::new(0xD65F03C0)])?;
/// drop(buf);
/// let log = log.0.lock().unwrap();
/// assert!(log.contains(&"+observed_ret 4".to_string()));
/// assert!(log.contains(&"-observed_ret".to_string()));
/// # Ok::<(), jitkit::Error>(())
/// ```
pub trait Observer: Send + Sync {
    /// `code` was committed: it is executable and about to be handed to the caller.
    fn committed(&self, code: &CodeInfo<'_>);
    /// `code` is about to be released: still in place, and gone once this returns.
    fn released(&self, code: &CodeInfo<'_>);
}

/// One commit, as observers see it.
#[derive(Debug)]
pub struct CodeInfo<'a> {
    id: u64,
    name: &'a str,
    code: &'a [u8],
    symbols: &'a [Symbol],
    isa: Isa,
}

impl<'a> CodeInfo<'a> {
    /// A number no other commit of this process had or will have (also when the same address
    /// is reused), the same in `committed` and `released`.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The buffer's name, or `jit_<start address in hex>`.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The address of the first byte of code.
    pub fn start(&self) -> usize {
        self.code.as_ptr() as usize
    }

    /// The committed bytes (little-endian instruction words for A64).
    pub fn code(&self) -> &'a [u8] {
        self.code
    }

    /// The instruction set of the code.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The commit's symbols in address order: one for a plain commit, one per named entry
    /// point of an [`Assembled`](crate::Assembled). Together they cover the code.
    pub fn symbols(&self) -> &'a [Symbol] {
        self.symbols
    }
}

/// The observers jitkit ships, turned on by [`enable`] or their environment switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tool {
    /// `/tmp/perf-<pid>.map` (`JITKIT_PERF_MAP=1`).
    PerfMap,
    /// `jit-<pid>.dump` in `$JITKIT_JITDUMP_DIR` or the current directory (`JITKIT_JITDUMP=1`).
    JitDump,
    /// GDB's JIT interface (`JITKIT_GDB=1`).
    Gdb,
}

impl Tool {
    const ALL: [Tool; 3] = [Tool::PerfMap, Tool::JitDump, Tool::Gdb];

    fn env_var(self) -> &'static str {
        match self {
            Tool::PerfMap => crate::env::PERF_MAP,
            Tool::JitDump => "JITKIT_JITDUMP",
            Tool::Gdb => "JITKIT_GDB",
        }
    }

    /// A few words naming the tool, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Tool::PerfMap => "perf map",
            Tool::JitDump => "jitdump",
            Tool::Gdb => "GDB JIT interface",
        }
    }

    fn start(self) -> Result<Arc<dyn Observer>, Error> {
        let observer: Arc<dyn Observer> = match self {
            Tool::PerfMap => Arc::new(perf_map::PerfMap::open()?),
            #[cfg(target_os = "linux")]
            Tool::JitDump => Arc::new(jitdump::JitDump::open()?),
            #[cfg(not(target_os = "linux"))]
            Tool::JitDump => {
                return Err(Error::Observer {
                    tool: "jitdump",
                    source: std::io::Error::new(
                        std::io::ErrorKind::Unsupported,
                        "perf's jitdump is written on Linux only",
                    ),
                })
            }
            #[cfg(feature = "gdb")]
            Tool::Gdb => Arc::new(gdb::Gdb),
            #[cfg(not(feature = "gdb"))]
            Tool::Gdb => {
                return Err(Error::Observer {
                    tool: "GDB JIT interface",
                    source: std::io::Error::new(
                        std::io::ErrorKind::Unsupported,
                        "jitkit was built without its `gdb` feature",
                    ),
                })
            }
        };
        Ok(observer)
    }
}

/// Turns `tool` on for every commit from now on (code committed before is not reported).
/// Enabling a tool that is on already does nothing.
///
/// Errors: [`Error::Observer`] when the tool cannot start (its file cannot be created, or it
/// was left out of this build by a cargo feature).
pub fn enable(tool: Tool) -> Result<(), Error> {
    read_env();
    enable_now(tool)
}

/// Which tools are on, by their place in [`Tool::ALL`]. Held while a tool starts, so it starts
/// once; a [`Lock`] so that the fork handlers can hold it (`fork.rs`).
static ON: Lock<[bool; 3]> = Lock::new([false; 3]);

fn enable_now(tool: Tool) -> Result<(), Error> {
    fork::install();
    let mut on = ON.lock();
    let i = Tool::ALL.iter().position(|&t| t == tool).unwrap_or(0);
    if !on[i] {
        add_observer(tool.start()?);
        on[i] = true;
    }
    Ok(())
}

/// Adds `observer` for every commit and drop from now on. Observers cannot be removed.
pub fn add_observer(observer: Arc<dyn Observer>) {
    fork::install();
    let mut list = OBSERVERS.lock();
    list.push(observer);
    ACTIVE.store(true, Ordering::Release);
}

/// Whether commits are entered in the symbol registry (always, except to measure its cost).
static REGISTRY: AtomicBool = AtomicBool::new(true);

/// Turns the symbol registry off (`false`) or on for later commits. For the `commit`
/// benchmark, which measures what the registry costs; not part of the API.
#[doc(hidden)]
pub fn __set_registry(on: bool) {
    REGISTRY.store(on, Ordering::Relaxed);
}

/// Every observer added. Commits copy the list out and call the observers without it held; a
/// [`Lock`] so that the fork handlers can hold it (`fork.rs`).
static OBSERVERS: Lock<Vec<Arc<dyn Observer>>> = Lock::new(Vec::new());
/// Whether any observer besides the registry is registered: the commit path's one check.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The error of a tool (`"perf map"`, `"jitdump"`) whose file `path` failed with `e`.
fn file_error(tool: &'static str, path: &std::path::Path, e: std::io::Error) -> Error {
    Error::Observer {
        tool,
        source: std::io::Error::new(e.kind(), format!("{}: {e}", path.display())),
    }
}

/// A tool's open file, made this process's own: in a forked child (`pid_of` the file is not
/// `pid`), `reopen(parent, pid)` makes the child's. If that fails, the failure is reported and
/// the tool's file is closed. `None` once closed.
fn own_file<T>(
    open: &mut Option<T>,
    pid: u32,
    pid_of: fn(&T) -> u32,
    reopen: impl FnOnce(u32, u32) -> Result<T, Error>,
) -> Option<&mut T> {
    let parent = pid_of(open.as_ref()?);
    if parent != pid {
        match reopen(parent, pid) {
            Ok(fresh) => *open = Some(fresh),
            Err(e) => {
                eprintln!("jitkit: {e}");
                *open = None;
            }
        }
    }
    open.as_mut()
}

/// Starts the tools the environment asks for, once.
#[inline]
fn read_env() {
    static ENV: ForkOnce = ForkOnce::new();
    ENV.run(|| {
        for tool in Tool::ALL {
            if crate::env::switch_on(tool.env_var()) {
                if let Err(e) = enable_now(tool) {
                    eprintln!("jitkit: {}=1 ignored: {e}", tool.env_var());
                }
            }
        }
        true
    });
}

/// A registry slot taken for a commit before its code is written (see [`Observed::ticket`]);
/// given back if the commit fails.
pub(crate) struct Ticket(Option<symbols::Reserved>);

/// A buffer's observable state: its name and, once committed, its place in the registry.
/// Owned by [`CodeBuffer`](crate::CodeBuffer); the one thing the buffer knows of observers.
pub(crate) struct Observed {
    name: Option<&'static str>,
    handle: AtomicU32,
}

impl Observed {
    pub(crate) const fn new() -> Observed {
        Observed {
            name: None,
            handle: AtomicU32::new(Handle::NONE.raw()),
        }
    }

    pub(crate) fn set_name(&mut self, name: &str) {
        self.name = Some(names::intern(name));
    }

    /// What a commit with `entries` named entry points takes from the registry before it
    /// writes its code, to hand to [`committed`](Self::committed). Taking the registry's slot
    /// first keeps its atomic exchange clear of the code's stores, which it would otherwise
    /// wait for.
    #[inline]
    pub(crate) fn ticket(entries: usize) -> Ticket {
        read_env();
        Ticket(if REGISTRY.load(Ordering::Relaxed) && entries == 0 {
            symbols::Reserved::take()
        } else {
            None
        })
    }

    /// Reports a successful commit of `code` with named `entries` (name, byte offset); `ticket`
    /// is what [`ticket`](Self::ticket) gave before the commit.
    #[inline]
    pub(crate) fn committed(
        &self,
        ticket: Ticket,
        code: &[u8],
        entries: &[(String, usize)],
        isa: Isa,
    ) {
        let handle = if let Some(reserved) = ticket.0 {
            reserved.insert(code.as_ptr() as usize, code.len(), self.name)
        } else if REGISTRY.load(Ordering::Relaxed) {
            self.insert(code, entries)
        } else {
            Handle::NONE
        };
        self.handle.store(handle.raw(), Ordering::Release);
        if ACTIVE.load(Ordering::Acquire) {
            self.dispatch(code, handle, isa, |o, info| o.committed(info));
        }
    }

    /// Registers a commit without a slot taken ahead: one with named entries, or one whose
    /// ticket found the registry full (it is tried again).
    #[cold]
    fn insert(&self, code: &[u8], entries: &[(String, usize)]) -> Handle {
        let symbols = layout(self.name, code.len(), entries);
        symbols::insert(code.as_ptr() as usize, symbols.into_iter())
    }

    /// Reports that `code` is about to be released, and forgets its symbols.
    #[inline]
    pub(crate) fn released(&mut self, code: &[u8], isa: Isa) {
        let handle = Handle::from_raw(*self.handle.get_mut());
        if ACTIVE.load(Ordering::Acquire) {
            self.dispatch(code, handle, isa, |o, info| o.released(info));
        }
        symbols::remove(handle);
    }

    #[cold]
    #[inline(never)]
    fn dispatch(
        &self,
        code: &[u8],
        handle: Handle,
        isa: Isa,
        call: impl Fn(&dyn Observer, &CodeInfo<'_>),
    ) {
        let observers = OBSERVERS.lock().clone();
        let mut syms: Vec<Symbol> = symbols::symbols(handle).collect();
        if syms.is_empty() {
            // The registry had no room: observers still get the commit, under its generated name.
            syms = symbols::unregistered(code.as_ptr() as usize, code.len(), self.name);
        }
        let generated;
        let name = match self.name {
            Some(n) => n,
            None => {
                generated = format!("jit_{:x}", code.as_ptr() as usize);
                &generated
            }
        };
        let info = CodeInfo {
            id: handle.id(),
            name,
            code,
            symbols: &syms,
            isa,
        };
        for o in &observers {
            call(o.as_ref(), &info);
        }
    }
}

/// The symbols `(offset, len, name)` of a commit of `len` bytes with named entry points.
fn layout(
    buffer: Option<&'static str>,
    len: usize,
    entries: &[(String, usize)],
) -> Vec<(usize, usize, Option<&'static str>)> {
    let mut sorted: Vec<(usize, &str)> = entries
        .iter()
        .filter(|(_, off)| *off < len)
        .map(|(n, off)| (*off, n.as_str()))
        .collect();
    sorted.sort_by_key(|&(off, _)| off);
    let mut out = Vec::with_capacity(sorted.len() + 1);
    if sorted.first().is_none_or(|&(off, _)| off > 0) {
        let end = sorted.first().map_or(len, |&(off, _)| off);
        out.push((0, end, buffer));
    }
    for (i, &(off, entry)) in sorted.iter().enumerate() {
        let end = sorted.get(i + 1).map_or(len, |&(next, _)| next);
        if end > off {
            let name = match buffer {
                Some(b) => names::intern(&format!("{b}::{entry}")),
                None => names::intern(entry),
            };
            out.push((off, end - off, Some(name)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::layout;

    #[test]
    fn entries_split_the_code_and_run_to_the_next() {
        let e = |v: &[(&str, usize)]| -> Vec<(String, usize)> {
            v.iter().map(|&(n, o)| (n.to_string(), o)).collect()
        };
        let l = layout(Some("m"), 32, &e(&[("b", 16), ("a", 0)]));
        assert_eq!(l, vec![(0, 16, Some("m::a")), (16, 16, Some("m::b"))]);
        let l = layout(None, 32, &e(&[("f", 8), ("g", 8)]));
        assert_eq!(l, vec![(0, 8, None), (8, 24, Some("g"))]);
    }
}
