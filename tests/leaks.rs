//! 10,000 commit/call/drop cycles leave the process's mappings as they found them.
//!
//! Two measures from `/proc/self/maps`: the number of mappings, and the bytes of executable
//! anonymous memory. The second matters because the kernel merges adjacent mappings with equal
//! protections, so leaked code pages next to each other could hide in a flat count.
// Linux only: the test reads or uses /proc/self/maps.
#![cfg(target_os = "linux")]

mod common;

use std::sync::{Mutex, MutexGuard};

use common::{maps, Region};
use jitkit::{a64, CodeBuffer, Instruction};

/// The two tests take turns: one leaks on purpose, which the other must not see.
static MAPS: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    MAPS.lock().unwrap_or_else(|e| e.into_inner())
}

const CYCLES: usize = 10_000;

/// Mappings that come and go for reasons of their own: the allocator may map or trim an arena
/// and the test harness may grow a buffer while the loop runs. Leaking one mapping per cycle
/// would exceed this by orders of magnitude.
const SLACK: usize = 8;

fn anon_exec_bytes(maps: &[Region]) -> usize {
    maps.iter()
        .filter(|r| r.executable() && r.name.is_empty())
        .map(Region::len)
        .sum()
}

fn one_cycle(code: &[Instruction], x: u64) {
    let buf = CodeBuffer::new();
    let entry = buf.commit(code).unwrap();
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: `add x0, x0, #k; ret` is a fn(u64) -> u64; buf outlives the call.
        let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(x), x + 3);
    }
    #[cfg(not(target_arch = "aarch64"))]
    assert_eq!(entry.len(), 8, "{x}");
}

#[test]
fn commit_call_drop_cycles_leave_mappings_flat() {
    let _guard = exclusive();
    let k: u32 = 3;
    let code = a64!(; add x0, x0, #k ; ret).unwrap();
    // Warm up: first-use allocations (thread-locals, the allocator's arenas) happen here.
    one_cycle(&code, 0);

    let start = maps();
    let (count0, exec0) = (start.len(), anon_exec_bytes(&start));
    let (mut lo, mut hi) = (count0, count0);
    for i in 0..CYCLES {
        one_cycle(&code, i as u64);
        if i % 500 == 0 {
            let now = maps();
            lo = lo.min(now.len());
            hi = hi.max(now.len());
            assert_eq!(
                anon_exec_bytes(&now),
                exec0,
                "executable memory grew by cycle {i}"
            );
        }
    }
    let end = maps();
    assert!(
        end.len() <= count0 + SLACK && hi <= count0 + SLACK,
        "mapping count grew from {count0} to {} (peak {hi}) over {CYCLES} cycles",
        end.len()
    );
    assert!(
        lo + SLACK >= count0,
        "mapping count fell from {count0} to {lo}"
    );
    assert_eq!(anon_exec_bytes(&end), exec0, "executable memory leaked");
}

/// The measures see a leak when there is one: buffers that are forgotten, not dropped.
#[test]
fn the_measures_see_leaked_buffers() {
    let _guard = exclusive();
    let code = a64!(; ret).unwrap();
    let before = anon_exec_bytes(&maps());
    for _ in 0..16 {
        let buf = CodeBuffer::new();
        buf.commit(&code).unwrap();
        std::mem::forget(buf);
    }
    let page = 4096;
    assert!(
        anon_exec_bytes(&maps()) >= before + 16 * page,
        "16 leaked code pages were not seen"
    );
}
