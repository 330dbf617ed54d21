//! Coroutines: `createco`, `callco`, `cowait`, `resumeco`, `deleteco`, `initco` and
//! `startco`, with the meaning Richards' Cintcode `blib` gives them (read for behaviour,
//! not copied), for both back ends.
//!
//! ## What a program sees
//! A coroutine `c` is a block of the heap, `size + 7` words as `getvec(size + 6)` returns:
//! `c!1` its parent (0 while it has none), `c!2` the next coroutine of `colist`, `c!3` its
//! function, `c!4` its size, `c!5` itself; words `c+6 .. c+size+6` are its stack, where its
//! first frame starts and beyond which no frame may reach (a located stack overflow). The
//! globals `currco` (G7) and `colist` (G8) are the running coroutine and the list of all of
//! them. The root, where `start` runs, gets a 6-word descriptor from the heap at the first
//! `createco` (until then `currco` is 0); its parent is -1, so `cowait` there is an error.
//!
//! A coroutine's body is in effect `c := fn(cowait(c)) REPEAT`: the first `callco(c, a)`
//! calls `fn(a)`, and when `fn` returns `v`, `v` goes to the parent as by `cowait(v)`.
//!
//! ## Threads
//! Each coroutine runs its BCPL on a thread of its own (its frames in its stack above), and
//! exactly one thread runs BCPL at any time: a switch puts a message in the next
//! coroutine's mailbox and then waits for one in its own. So memory, the heap and the
//! JIT's tables are touched by one thread at a time, and each hand-over is ordered by the
//! mailboxes' mutexes. A [`Body`], which the back end installs before a run, runs a
//! coroutine's function on its thread: the interpreter's machine, or the JIT's trampoline.
//!
//! A suspended coroutine's thread waits in its mailbox. When the coroutine is deleted, or
//! the run is over ([`finish`]), it is sent `Kill`: the routine it waits in returns
//! [`Stop::Unwind`], which the interpreter propagates like any stop and which the JIT, whose
//! frames cannot be unwound, turns into a jump back into its entry trampoline (see
//! [`super::jit`]). The thread then tells its killer it is done and ends; the killer joins
//! it, so no thread outlives a run. A run-time error or `stop` found by the library on a
//! coroutine's thread is handed to the root, which reports it (JIT code reports its own
//! errors and exits from whichever thread it runs on, see [`super::runtime`]).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use super::memory::{Fault, Runtime, Stop, MEM_WORDS};

/// `currco`: the running coroutine.
pub const CURRCO: usize = 7;
/// `colist`: the list of coroutines, linked through their `c!2`.
pub const COLIST: usize = 8;
const PARENT: usize = 1;
const LIST: usize = 2;
const FN: usize = 3;
const SIZE: usize = 4;
const SELF: usize = 5;
/// Words of a coroutine before its stack.
const HEADER: usize = 6;

/// A back end's way of running a coroutine's function on the calling thread.
pub trait Body: Send + Sync {
    /// Calls function value `f` with its frame at word `frame` (the argument stored there),
    /// frames allowed up to word `end` (exclusive); `line` locates an error in the call.
    fn call(
        &self,
        rt: &mut Runtime,
        f: i64,
        frame: usize,
        end: usize,
        line: u32,
    ) -> Result<i64, Stop>;
}

/// What a switch hands to the coroutine it wakes.
enum Msg {
    /// Carry on, with this value returned from `callco`/`cowait`/`resumeco`, and the run's
    /// [`Runtime`] (see [`Handover`]).
    Value(i64, Handover),
    /// For the root: a coroutine stopped the run (an error, `stop`, `FINISH`).
    Stop(Stop),
    /// End: unwind and report [`Msg::Done`] to [`Coroutines::killer`].
    Kill(Handover),
    /// For the killer: the killed thread is done with the memory.
    Done,
}

/// The run's [`Runtime`], passed with control from thread to thread.
///
/// Each thread works on the `Runtime` through a `&mut` of its own, one thread at a time (the
/// module's docs). Sending the pointer in every message that hands over control makes it
/// escape into the mailbox, so the compiler must assume that waiting for the next message
/// may change anything behind the sender's `&mut`; a thread that starts a call of its
/// coroutine's function takes the `Runtime` from the message that started it.
#[derive(Clone, Copy)]
struct Handover(*mut Runtime);

// SAFETY: the pointer is only followed by the thread that holds control, while every other
// thread of the run waits in its mailbox; the mailboxes' mutexes order the accesses.
unsafe impl Send for Handover {}

/// One coroutine's inbox: the next message, and the condition its thread waits on.
#[derive(Default)]
struct Mailbox {
    msg: Mutex<Option<Msg>>,
    ready: Condvar,
}

fn lock(m: &Mutex<Option<Msg>>) -> MutexGuard<'_, Option<Msg>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Mailbox {
    fn send(&self, msg: Msg) {
        *lock(&self.msg) = Some(msg);
        self.ready.notify_one();
    }

    fn receive(&self) -> Msg {
        let mut m = lock(&self.msg);
        loop {
            if let Some(msg) = m.take() {
                return msg;
            }
            m = self.ready.wait(m).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A coroutine that exists: its inbox, its thread, and where its stack ends.
struct Live {
    mailbox: Arc<Mailbox>,
    thread: Option<JoinHandle<()>>,
    /// One past its stack's last word.
    end: usize,
    /// The line of the `createco`, for errors of the call of its function.
    line: u32,
}

/// The coroutines of a run, part of its [`Runtime`].
#[derive(Default)]
pub struct Coroutines {
    body: Option<Arc<dyn Body>>,
    /// The root's descriptor, 0 until the first `createco`.
    root: usize,
    root_mailbox: Arc<Mailbox>,
    live: HashMap<usize, Live>,
    /// Who a killed thread tells when it is done.
    killer: usize,
}

impl Coroutines {
    /// Installs the back end's [`Body`], before a run.
    pub fn set_body(&mut self, body: Arc<dyn Body>) {
        self.body = Some(body);
    }

    fn mailbox(&self, id: usize) -> Option<Arc<Mailbox>> {
        if id == self.root && id != 0 {
            Some(Arc::clone(&self.root_mailbox))
        } else {
            self.live.get(&id).map(|l| Arc::clone(&l.mailbox))
        }
    }
}

/// Ends every coroutine's thread; the root calls it when the run is over, however it ended.
pub fn finish(rt: &mut Runtime) {
    let root = rt.coroutines.root;
    let ids: Vec<usize> = rt.coroutines.live.keys().copied().collect();
    for id in ids {
        end_thread(rt, id, root);
    }
    rt.coroutines.body = None;
}

/// Sends `Kill` to coroutine `id`, waits until its thread is done and joins it.
fn end_thread(rt: &mut Runtime, id: usize, me: usize) {
    let Some(mine) = rt.coroutines.mailbox(me) else {
        return;
    };
    let Some(mut live) = rt.coroutines.live.remove(&id) else {
        return;
    };
    rt.coroutines.killer = me;
    live.mailbox.send(Msg::Kill(Handover(rt as *mut Runtime)));
    while !matches!(mine.receive(), Msg::Done) {}
    if let Some(t) = live.thread.take() {
        let _ = t.join();
    }
}

/// The native stack of a coroutine's thread with a `size`-word BCPL stack: room for the
/// interpreter's recursion (about 2 KiB per word of frames, generously) or the JIT's.
fn native_stack(size: usize) -> usize {
    (256 << 10) + size.min(1 << 19) * 2048
}

fn word(rt: &Runtime, at: usize) -> i64 {
    rt.mem.get(at).copied().unwrap_or(0)
}

fn current(rt: &Runtime) -> usize {
    usize::try_from(rt.mem[CURRCO]).unwrap_or(0)
}

/// The coroutine `c` names, if it is live (or the root).
fn known(rt: &Runtime, c: i64, line: u32) -> Result<usize, Stop> {
    usize::try_from(c)
        .ok()
        .filter(|&c| c != 0 && rt.coroutines.mailbox(c).is_some())
        .ok_or(Stop::Fault(line, Fault::NotCoroutine(c)))
}

/// Makes `to` the running coroutine with `a`, and waits until something resumes the
/// current one; returns what that passed.
fn switch(rt: &mut Runtime, to: usize, a: i64, line: u32) -> Result<i64, Stop> {
    let me = current(rt);
    let (Some(target), Some(mine)) = (rt.coroutines.mailbox(to), rt.coroutines.mailbox(me)) else {
        return Err(Stop::Fault(line, Fault::NotCoroutine(to as i64)));
    };
    rt.mem[CURRCO] = to as i64;
    if to == me {
        return Ok(a);
    }
    target.send(Msg::Value(a, Handover(rt as *mut Runtime)));
    match mine.receive() {
        Msg::Value(v, _) => Ok(v),
        Msg::Stop(s) => Err(s),
        Msg::Kill(_) | Msg::Done => Err(Stop::Unwind),
    }
}

/// The most coroutines alive at once. Each is a thread, and a thread costs the process
/// several mappings (stack, guard page, signal stack): far more threads would reach the
/// kernel's limit on mappings (`vm.max_map_count`, 65530 by default), where a new thread can
/// only abort the process. Beyond this, `createco` returns 0 as when the heap is full.
pub const MAX_COROUTINES: usize = 4096;

/// `createco(f, size)`: a new coroutine, suspended without a parent, or 0 when there is no
/// room for it (or no thread for it, or [`MAX_COROUTINES`] are alive).
pub fn createco(rt: &mut Runtime, f: i64, size: i64, line: u32) -> Result<i64, Stop> {
    if rt.coroutines.body.is_none() || rt.coroutines.live.len() >= MAX_COROUTINES {
        return Ok(0);
    }
    if rt.coroutines.root == 0 {
        let Some(r) = rt.heap.alloc(HEADER) else {
            return Ok(0);
        };
        rt.mem[r..r + HEADER].fill(0);
        rt.mem[r + PARENT] = -1;
        rt.mem[r + SELF] = r as i64;
        rt.coroutines.root = r;
        rt.mem[CURRCO] = r as i64;
    }
    let Some(words) = usize::try_from(size)
        .ok()
        .and_then(|n| n.checked_add(HEADER + 1))
    else {
        return Ok(0);
    };
    let Some(c) = rt.heap.alloc(words) else {
        return Ok(0);
    };
    rt.mem[c..c + words].fill(0);
    rt.mem[c + LIST] = rt.mem[COLIST];
    rt.mem[c + FN] = f;
    rt.mem[c + SIZE] = size;
    rt.mem[c + SELF] = c as i64;
    let mailbox = Arc::new(Mailbox::default());
    let inbox = Arc::clone(&mailbox);
    let spawned = std::thread::Builder::new()
        .name("bcpl-coroutine".to_string())
        .stack_size(native_stack(words))
        .spawn(move || coroutine_main(c, &inbox));
    let Ok(thread) = spawned else {
        rt.heap.free(c);
        return Ok(0);
    };
    rt.mem[COLIST] = c as i64;
    rt.coroutines.live.insert(
        c,
        Live {
            mailbox,
            thread: Some(thread),
            end: (c + words).min(MEM_WORDS),
            line,
        },
    );
    Ok(c as i64)
}

/// A coroutine's thread: waits to be called, runs its function, passes its result back as
/// `cowait` does, again and again, until it is killed.
fn coroutine_main(c: usize, inbox: &Mailbox) {
    let mut msg = inbox.receive();
    let mut held = None;
    while let Msg::Value(a, Handover(ptr)) = msg {
        // SAFETY: `ptr` is the `Runtime` of the run that created this coroutine, sent by the
        // thread that just handed control to this one; the run ends only after `finish` has
        // joined this thread. This thread touches it only between receiving a message and
        // sending one, when every other thread of the run waits in its own mailbox (see the
        // module's docs and `Handover`): one thread at a time.
        let rt = unsafe { &mut *ptr };
        held = Some(ptr);
        msg = match run_once(rt, c, a) {
            Ok(a) => Msg::Value(a, Handover(ptr)),
            Err(Stop::Unwind) => break,
            Err(stop) => {
                let root = rt.coroutines.root;
                rt.mem[CURRCO] = root as i64;
                let to_root = Arc::clone(&rt.coroutines.root_mailbox);
                to_root.send(Msg::Stop(stop));
                inbox.receive()
            }
        };
    }
    let ptr = match msg {
        Msg::Kill(Handover(p)) => Some(p),
        _ => held,
    };
    if let Some(ptr) = ptr {
        // SAFETY: as above; the killer sent `Kill` and waits for `Done`.
        let rt = unsafe { &*ptr };
        if let Some(killer) = rt.coroutines.mailbox(rt.coroutines.killer) {
            killer.send(Msg::Done);
        }
    }
}

/// One pass of the body: `fn(a)`, then `cowait` of its result; returns what resumes it.
fn run_once(rt: &mut Runtime, c: usize, a: i64) -> Result<i64, Stop> {
    let (end, line) = match rt.coroutines.live.get(&c) {
        Some(l) => (l.end, l.line),
        None => return Err(Stop::Unwind),
    };
    let body = rt.coroutines.body.clone().ok_or(Stop::Unwind)?;
    let frame = c + HEADER;
    rt.mem[frame] = a;
    let f = rt.mem[c + FN];
    let v = body.call(rt, f, frame, end, line)?;
    cowait(rt, v, line)
}

/// `callco(c, a)`.
pub fn callco(rt: &mut Runtime, c: i64, a: i64, line: u32) -> Result<i64, Stop> {
    let c = known(rt, c, line)?;
    if word(rt, c + PARENT) != 0 {
        return Err(Stop::Fault(line, Fault::HasParent(c as i64)));
    }
    rt.mem[c + PARENT] = rt.mem[CURRCO];
    switch(rt, c, a, line)
}

/// `resumeco(c, a)`: `c` takes over the current coroutine's parent.
pub fn resumeco(rt: &mut Runtime, c: i64, a: i64, line: u32) -> Result<i64, Stop> {
    let c = known(rt, c, line)?;
    let me = current(rt);
    let parent = word(rt, me + PARENT);
    rt.mem[me + PARENT] = 0;
    if word(rt, c + PARENT) != 0 {
        return Err(Stop::Fault(line, Fault::HasParent(c as i64)));
    }
    rt.mem[c + PARENT] = parent;
    switch(rt, c, a, line)
}

/// `cowait(a)`: back to the parent with `a`.
pub fn cowait(rt: &mut Runtime, a: i64, line: u32) -> Result<i64, Stop> {
    let me = current(rt);
    let parent = if me == 0 { 0 } else { word(rt, me + PARENT) };
    let Ok(to) = usize::try_from(parent) else {
        return Err(Stop::Fault(line, Fault::NoParent));
    };
    if to == 0 {
        return Err(Stop::Fault(line, Fault::NoParent));
    }
    rt.mem[me + PARENT] = 0;
    switch(rt, to, a, line)
}

/// `deleteco(c)`: ends a coroutine that is suspended without a parent and frees it;
/// returns TRUE.
pub fn deleteco(rt: &mut Runtime, c: i64, line: u32) -> Result<i64, Stop> {
    let id = usize::try_from(c)
        .ok()
        .filter(|c| rt.coroutines.live.contains_key(c))
        .ok_or(Stop::Fault(line, Fault::NotCoroutine(c)))?;
    let me = current(rt);
    if word(rt, id + PARENT) != 0 || id == me {
        return Err(Stop::Fault(line, Fault::InUse(c)));
    }
    let mut link = COLIST;
    loop {
        let next = rt.load(link as i64, line)?;
        if next == 0 {
            break;
        }
        if next == c {
            let after = rt.load(c + LIST as i64, line)?;
            rt.store(link as i64, after, line)?;
            break;
        }
        link = usize::try_from(next.wrapping_add(LIST as i64)).unwrap_or(usize::MAX);
    }
    end_thread(rt, id, me);
    rt.heap.free(id);
    Ok(-1)
}

/// `initco(f, size, a, ...)`: `createco`, then `callco` with the address of the arguments
/// after `size` (`frame + 2`, as Cintcode passes `@a`); `result2` is what that returned.
pub fn initco(rt: &mut Runtime, frame: usize, result2: usize, line: u32) -> Result<i64, Stop> {
    let (f, size) = (
        rt.load(frame as i64, line)?,
        rt.load(frame as i64 + 1, line)?,
    );
    let c = createco(rt, f, size, line)?;
    rt.mem[result2] = 0;
    if c != 0 {
        let r = callco(rt, c, frame as i64 + 2, line)?;
        rt.mem[result2] = r;
    }
    Ok(c)
}

/// `startco(f, a, size)`: `createco(f, size)`, then `callco(c, a)`; returns `c`.
pub fn startco(rt: &mut Runtime, f: i64, a: i64, size: i64, line: u32) -> Result<i64, Stop> {
    let c = createco(rt, f, size, line)?;
    if c != 0 {
        callco(rt, c, a, line)?;
    }
    Ok(c)
}
