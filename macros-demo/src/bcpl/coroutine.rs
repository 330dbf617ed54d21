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
//! ## Stacks
//! Each coroutine runs its BCPL on a native stack of its own ([`fiber`]), on the thread of
//! the run: a switch leaves a message for the next coroutine, saves the running one's
//! registers and resumes the next one's, with no system call. A [`Body`], which the back
//! end installs before a run, runs a coroutine's function on its stack: the interpreter's
//! machine, or the JIT's trampoline.
//!
//! A suspended coroutine waits inside a switch. When it is deleted, or the run is over
//! ([`finish`]), it is resumed with `Kill`: the routine it waits in returns
//! [`Stop::Unwind`], which the interpreter propagates like any stop and which the JIT, whose
//! frames cannot be unwound, turns into a jump back into its entry trampoline (see
//! [`super::jit`]). The coroutine then resumes its killer with `Done` and is never resumed
//! again; the killer unmaps its stack. A run-time error found by the library in a
//! coroutine, or a `stop` that ends the run ([`stop`]), is handed to the root, which reports it (JIT code reports its own errors and
//! exits from whichever stack it runs on, see [`super::runtime`]); a panic is carried to the
//! root likewise and resumed there.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use super::fiber::{self, Stack};
use super::memory::{Fault, Runtime, Stop, MEM_WORDS};
use super::wordmap::WordMap;

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

/// A back end's way of running a coroutine's function on the running coroutine's stack.
pub trait Body {
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

    /// What the back end keeps for the running coroutine outside the [`Runtime`] (the JIT's
    /// way out of its trampoline), taken before a switch leaves it.
    fn leave(&self) -> [usize; 2] {
        [0; 2]
    }

    /// Puts back what [`Body::leave`] took, when the switch returns to that coroutine.
    fn reenter(&self, _kept: [usize; 2]) {}
}

/// What a switch hands to the coroutine it resumes.
enum Msg {
    /// Carry on, with this value returned from `callco`/`cowait`/`resumeco`.
    Value(i64),
    /// For the root: a coroutine stopped the run (an error, `stop`, `FINISH`).
    Stop(Stop),
    /// For the root: a coroutine panicked.
    Panic(Box<dyn Any + Send>),
    /// End: unwind and resume [`Coroutines::killer`] with [`Msg::Done`].
    Kill,
    /// For the killer: the killed coroutine is over.
    Done,
}

/// A coroutine's context: where its registers are saved while it is suspended, and the
/// message left for it by the switch that resumes it.
#[derive(Default)]
struct Context {
    sp: usize,
    inbox: Option<Msg>,
}

/// A coroutine that exists: its context and stack, and where its BCPL stack ends.
struct Live {
    context: Context,
    /// Its native stack; unmapped (with the `Live`) only once the coroutine is over.
    _stack: Stack,
    /// One past its stack's last word.
    end: usize,
    /// The line of the `createco`, for errors of the call of its function.
    line: u32,
}

/// The coroutines of a run, part of its [`Runtime`].
#[derive(Default)]
pub struct Coroutines {
    body: Option<Rc<dyn Body>>,
    /// The root's descriptor, 0 until the first `createco`.
    root: usize,
    /// The root's context: it runs on the stack of the thread of the run.
    root_context: Context,
    live: WordMap<usize, Live>,
    /// Who a killed coroutine resumes when it is over.
    killer: usize,
}

impl Coroutines {
    /// Installs the back end's [`Body`], before a run.
    pub fn set_body(&mut self, body: Rc<dyn Body>) {
        self.body = Some(body);
    }

    /// The back end's [`Body`], through which the library calls a program's function
    /// (a coroutine's, or the `wrch` a program installed); `None` outside a run.
    pub fn body(&self) -> Option<Rc<dyn Body>> {
        self.body.clone()
    }

    fn context(&mut self, id: usize) -> Option<&mut Context> {
        if id == self.root && id != 0 {
            Some(&mut self.root_context)
        } else {
            self.live.get_mut(&id).map(|l| &mut l.context)
        }
    }

    fn exists(&self, id: usize) -> bool {
        (id == self.root && id != 0) || self.live.contains_key(&id)
    }
}

/// Leaves `msg` for coroutine `to` and resumes it; the current coroutine `me` waits until
/// something resumes it, and gets what that left. Both must exist (see `exists`).
fn transfer(rt: &mut Runtime, me: usize, to: usize, msg: Msg) -> Msg {
    let body = rt.coroutines.body.clone();
    let kept = body.as_ref().map(|b| b.leave());
    let target = rt.coroutines.context(to).expect("the target exists");
    target.inbox = Some(msg);
    let to_sp = target.sp;
    let save: *mut usize = &mut rt.coroutines.context(me).expect("the caller exists").sp;
    let rt_ptr = rt as *mut Runtime;
    // SAFETY: `save` points into `me`'s context, which stays in place until the switch has
    // written it. `to_sp` is the stack pointer of a suspended context: `to` exists and is
    // not running (only `me` runs), so it was saved by its own last switch, or laid out by
    // `createco` and never resumed; its stack stays mapped until it is over (`end_coroutine`).
    // The `Runtime` is passed on as the switch's argument, so the compiler treats it as
    // touched by the other coroutines before the switch returns.
    unsafe { fiber::switch(save, to_sp, rt_ptr as usize) };
    if let (Some(b), Some(k)) = (body, kept) {
        b.reenter(k);
    }
    let inbox = rt.coroutines.context(me).and_then(|c| c.inbox.take());
    match inbox {
        Some(Msg::Panic(p)) => panic::resume_unwind(p),
        Some(m) => m,
        None => Msg::Kill,
    }
}

/// Ends every coroutine; the root calls it when the run is over, however it ended.
pub fn finish(rt: &mut Runtime) {
    let root = rt.coroutines.root;
    let ids: Vec<usize> = rt.coroutines.live.keys().copied().collect();
    for id in ids {
        end_coroutine(rt, id, root);
    }
    rt.coroutines.body = None;
}

/// Resumes coroutine `id` with `Kill`, and when it is over unmaps its stack.
fn end_coroutine(rt: &mut Runtime, id: usize, me: usize) {
    if !rt.coroutines.live.contains_key(&id) || !rt.coroutines.exists(me) {
        return;
    }
    rt.coroutines.killer = me;
    while !matches!(transfer(rt, me, id, Msg::Kill), Msg::Done) {}
    rt.coroutines.live.remove(&id);
}

/// The native stack of a coroutine with a `size`-word BCPL stack: room for the
/// interpreter's recursion (about 2 KiB per word of frames, generously) or the JIT's.
fn native_stack(size: usize) -> usize {
    (256 << 10) + size.min(1 << 19) * 2048
}

fn word(rt: &Runtime, at: usize) -> i64 {
    rt.mem.get(at).copied().unwrap_or(0)
}

/// One past the last word of the running stack: the running coroutine's, or the main one's.
pub fn stack_end(rt: &Runtime) -> usize {
    rt.coroutines
        .live
        .get(&current(rt))
        .map_or(MEM_WORDS, |l| l.end)
}

fn current(rt: &Runtime) -> usize {
    usize::try_from(rt.mem[CURRCO]).unwrap_or(0)
}

/// The coroutine `c` names, if it is live (or the root).
fn known(rt: &Runtime, c: i64, line: u32) -> Result<usize, Stop> {
    usize::try_from(c)
        .ok()
        .filter(|&c| c != 0 && rt.coroutines.exists(c))
        .ok_or(Stop::Fault(line, Fault::NotCoroutine(c)))
}

/// Makes `to` the running coroutine with `a`, and waits until something resumes the
/// current one; returns what that passed.
fn switch(rt: &mut Runtime, to: usize, a: i64, line: u32) -> Result<i64, Stop> {
    let me = current(rt);
    if !rt.coroutines.exists(to) || !rt.coroutines.exists(me) {
        return Err(Stop::Fault(line, Fault::NotCoroutine(to as i64)));
    }
    rt.mem[CURRCO] = to as i64;
    if to == me {
        return Ok(a);
    }
    match transfer(rt, me, to, Msg::Value(a)) {
        Msg::Value(v) => Ok(v),
        Msg::Stop(s) => Err(s),
        Msg::Kill | Msg::Done | Msg::Panic(_) => Err(Stop::Unwind),
    }
}

/// The most coroutines alive at once. Each takes two of the kernel's memory mappings (its
/// stack and the stack's guard page, [`super::fiber::Stack`]), and a process may have
/// `vm.max_map_count` of them, 65530 by default (proc(5)): this many leave about 16000 for the
/// rest of the process. Cintcode's default memory of 8M words holds about 38000 coroutines of
/// 200 words; simulations that keep one per customer (`events/airport.b` of Richards' demos)
/// need some 17000. Beyond this, `createco` returns 0 as when the heap is full.
pub const MAX_COROUTINES: usize = 24 * 1024;

/// `createco(f, size)`: a new coroutine, suspended without a parent, or 0 when there is no
/// room for it (in the heap or for its native stack, or [`MAX_COROUTINES`] are alive).
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
    let Some(stack) = Stack::new(native_stack(words)) else {
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
    rt.mem[COLIST] = c as i64;
    let sp = stack.prepare(coroutine_main, c);
    rt.coroutines.live.insert(
        c,
        Live {
            context: Context { sp, inbox: None },
            _stack: stack,
            end: (c + words).min(MEM_WORDS),
            line,
        },
    );
    Ok(c as i64)
}

/// A coroutine's first code, on its own stack, started by the first switch to it with that
/// switch's `Runtime`: runs the coroutine until it is killed, then resumes its killer for
/// good.
extern "C" fn coroutine_main(c: usize, rt: usize) -> ! {
    // SAFETY: `rt` is the `Runtime` of the run, passed by the switch that started this
    // coroutine (`transfer`); the run ends only after `finish` has ended this coroutine, and
    // only the running coroutine uses it.
    let rt = unsafe { &mut *(rt as *mut Runtime) };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| serve(rt, c)));
    let (mut to, mut msg) = match outcome {
        Ok(()) => (rt.coroutines.killer, Msg::Done),
        Err(p) => (rt.coroutines.root, Msg::Panic(p)),
    };
    // Over: whoever resumes it from now on (only `end_coroutine` does, with `Kill`) is told
    // it is done, and unmaps its stack without switching to it again.
    loop {
        rt.mem[CURRCO] = to as i64;
        transfer(rt, c, to, msg);
        (to, msg) = (rt.coroutines.killer, Msg::Done);
    }
}

/// Waits to be called, runs the function, passes its result back as `cowait` does, again
/// and again, until the coroutine is killed.
fn serve(rt: &mut Runtime, c: usize) {
    let Some(Msg::Value(mut a)) = rt.coroutines.context(c).and_then(|x| x.inbox.take()) else {
        return;
    };
    loop {
        a = match run_once(rt, c, a) {
            Ok(a) => a,
            Err(Stop::Unwind) => return,
            Err(stop) => {
                let root = rt.coroutines.root;
                rt.mem[CURRCO] = root as i64;
                match transfer(rt, c, root, Msg::Stop(stop)) {
                    Msg::Value(a) => a,
                    _ => return,
                }
            }
        };
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
    // A `longjump` resumes an activation on the coroutine's own stack or none.
    let v = body.call(rt, f, frame, end, line).map_err(|e| match e {
        Stop::LongJump(j) => j.fault(),
        e => e,
    })?;
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

/// `stop(code)`, which Cintcode's `blib` defines as `cowait(code)`: in a coroutine with a
/// parent it goes back to the parent with `code` (and goes on after the call when resumed);
/// in the root, or in a coroutine that `resumeco` left without a parent, the run ends with
/// `code`.
pub fn stop(rt: &mut Runtime, code: i64, line: u32) -> Result<i64, Stop> {
    let me = current(rt);
    if me != 0 && word(rt, me + PARENT) > 0 {
        cowait(rt, code, line)
    } else {
        Err(Stop::Exit(code))
    }
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
    end_coroutine(rt, id, me);
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
