//! x86-64 code in jitkit's memory, natively: W^X after every commit (own pages and pools),
//! 10,000 commit/call/drop cycles with flat mappings, pools that run x86-64 code and reuse
//! freed slots, and A64 and x86-64 code side by side in one pool.
//!
//! `/proc/self/maps` is process-wide, so the tests take turns (a lock): one test's mappings
//! must not appear or vanish while another counts.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;

use std::sync::{Mutex, MutexGuard};

use common::{assert_no_wx, maps, region_of, Region};
use jitkit::x64::Code;
use jitkit::{a64, x64, CodeBuffer, CodePool, ExecPtr, Instruction, Isa, Strategy};

static MAPS: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    MAPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// `lea rax, [rdi + k] ; ret`, padded with leading `nop`s to at least `len` bytes.
fn adding(k: i32, len: usize) -> Code {
    let mut asm = x64::Assembler::new();
    let body = x64!(; lea rax, [rdi + k] ; ret).unwrap();
    for _ in body.len()..len {
        asm.emit(|a| jitkit::dynasm!(a ; .arch x64 ; nop)).unwrap();
    }
    asm.emit(|a| jitkit::dynasm!(a ; .arch x64 ; lea rax, [rdi + k] ; ret))
        .unwrap();
    asm.finish().unwrap()
}

fn call(entry: &ExecPtr<'_>, x: u64) -> u64 {
    assert_eq!(entry.isa(), Isa::X64);
    // SAFETY: only `adding` code is called here: a System V fn(u64) -> u64; the buffer lives.
    let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
    f(x)
}

#[track_caller]
fn assert_rx(entry: &ExecPtr<'_>, after: &str) {
    let region = region_of(entry.as_ptr() as usize)
        .unwrap_or_else(|| panic!("code at {:p} is not mapped after {after}", entry.as_ptr()));
    // Private for own pages, shared (`r-xs`) for the dual-mapped pool's memory file.
    assert!(
        region.perms == "r-xp" || region.perms == "r-xs",
        "code mapping after {after}: {region:?}"
    );
}

#[test]
fn no_mapping_is_writable_and_executable_in_own_pages() {
    let _guard = exclusive();
    assert_no_wx("start");
    let bufs: Vec<CodeBuffer> = (0..32).map(|_| CodeBuffer::new()).collect();
    for (i, buf) in bufs.iter().enumerate() {
        let entry = buf.commit(&adding(i as i32, 8 + 300 * i)).unwrap();
        assert_no_wx("a commit");
        assert_rx(&entry, "a commit");
        assert_eq!(call(&entry, 100), 100 + i as u64);
    }
    drop(bufs);
    assert_no_wx("the drops");
}

#[test]
fn no_mapping_is_writable_and_executable_in_pools() {
    let _guard = exclusive();
    for strategy in [Strategy::DualMapped, Strategy::PerBuffer] {
        let pool = CodePool::with_strategy(strategy).unwrap();
        let mut bufs = Vec::new();
        for i in 0..200 {
            let buf = CodeBuffer::in_pool(&pool);
            let entry = buf.commit(&adding(i, 16 + 40 * (i as usize % 7))).unwrap();
            assert_no_wx("a pooled commit");
            assert_rx(&entry, "a pooled commit");
            assert_eq!(call(&entry, 1), 1 + i as u64, "{strategy:?}");
            bufs.push(buf);
        }
        // Free every other function, so that recycling has holes to fill.
        let mut keep = false;
        bufs.retain(|_| {
            keep = !keep;
            keep
        });
        assert_eq!(bufs.len(), 100);
        pool.recycle().unwrap();
        assert_no_wx("recycling");
        for i in 0..100 {
            let buf = CodeBuffer::in_pool(&pool);
            let entry = buf.commit(&adding(-i, 24)).unwrap();
            assert_rx(&entry, "a commit into recycled space");
            assert_eq!(call(&entry, 1000), (1000 - i) as u64);
            bufs.push(buf);
        }
        assert_no_wx("commits into recycled space");
        drop(bufs);
        drop(pool);
        assert_no_wx("dropping the pool");
    }
}

const CYCLES: usize = 10_000;

/// Mappings that come and go for reasons of their own (the allocator's arenas, the harness);
/// leaking one per cycle would exceed this by orders of magnitude.
const SLACK: usize = 8;

fn anon_exec_bytes(maps: &[Region]) -> usize {
    maps.iter()
        .filter(|r| r.executable() && r.name.is_empty())
        .map(Region::len)
        .sum()
}

/// Runs `cycle` 10,000 times and checks that the mapping count and the executable anonymous
/// memory end (and stay) where they started.
fn flat_over_cycles(what: &str, mut cycle: impl FnMut(usize)) {
    cycle(0); // first-use allocations happen here
    let start = maps();
    let (count0, exec0) = (start.len(), anon_exec_bytes(&start));
    let mut hi = count0;
    for i in 0..CYCLES {
        cycle(i);
        if i % 500 == 0 {
            let now = maps();
            hi = hi.max(now.len());
            assert_eq!(
                anon_exec_bytes(&now),
                exec0,
                "{what}: executable memory grew by cycle {i}"
            );
        }
    }
    let end = maps();
    assert!(
        end.len() <= count0 + SLACK && hi <= count0 + SLACK,
        "{what}: mapping count grew from {count0} to {} (peak {hi}) over {CYCLES} cycles",
        end.len()
    );
    assert_eq!(
        anon_exec_bytes(&end),
        exec0,
        "{what}: executable memory leaked"
    );
}

#[test]
fn ten_thousand_commit_call_drop_cycles_leave_mappings_flat() {
    let _guard = exclusive();
    let code: Vec<Code> = (0..16).map(|k| adding(k, 8)).collect();
    flat_over_cycles("own pages", |i| {
        let buf = CodeBuffer::new();
        let entry = buf.commit(&code[i % 16]).unwrap();
        assert_eq!(call(&entry, i as u64), (i + i % 16) as u64);
    });
    let pool = CodePool::new().unwrap();
    flat_over_cycles("pool", |i| {
        let buf = CodeBuffer::in_pool(&pool);
        let entry = buf.commit(&code[i % 16]).unwrap();
        assert_eq!(call(&entry, i as u64), (i + i % 16) as u64);
    });
    pool.recycle().unwrap();
    assert_eq!(pool.stats().live_functions, 0);
}

#[test]
fn freed_pool_slots_are_reused_and_the_new_code_runs() {
    let _guard = exclusive();
    for strategy in [Strategy::DualMapped, Strategy::PerBuffer] {
        let pool = CodePool::with_strategy(strategy).unwrap();
        let first = adding(0xA, 32);
        let second = adding(0xB, 32);
        let buf = CodeBuffer::in_pool(&pool);
        let addr = buf.commit(&first).unwrap().as_ptr();
        assert_eq!(call(&buf.entry().unwrap(), 0), 0xA);
        drop(buf);
        pool.recycle().unwrap();
        let buf = CodeBuffer::in_pool(&pool);
        let entry = buf.commit(&second).unwrap();
        if strategy == Strategy::DualMapped {
            assert_eq!(entry.as_ptr(), addr, "the freed slot was not reused");
        }
        assert_eq!(entry.bytes(), second.bytes());
        assert_eq!(call(&entry, 0), 0xB, "{strategy:?}: the old code ran");
        let stats = pool.stats();
        assert_eq!(stats.live_functions, 1, "{stats:?}");
    }
}

#[test]
fn a64_and_x64_code_share_a_pool() {
    let _guard = exclusive();
    let pool = CodePool::new().unwrap();
    let k: u32 = 5;
    let a64_code: Vec<Instruction> = a64!(; add x0, x0, #k ; ret).unwrap();
    let mut bufs = Vec::new();
    for i in 0..64 {
        let buf = CodeBuffer::in_pool(&pool).named(format!("mixed{i}"));
        if i % 2 == 0 {
            buf.commit(&adding(i, 8 + i as usize)).unwrap();
        } else {
            buf.commit(&a64_code).unwrap();
        }
        bufs.push(buf);
    }
    for (i, buf) in bufs.iter().enumerate() {
        let entry = buf.entry().unwrap();
        let sym = jitkit::symbolize(entry.as_ptr() as usize).expect("registered");
        assert_eq!(sym.name(), format!("mixed{i}"));
        if i % 2 == 0 {
            assert_eq!(buf.isa(), Some(Isa::X64));
            assert_eq!(call(&entry, 1), 1 + i as u64);
        } else {
            // A64 code cannot run here; its words are in place, little-endian.
            assert_eq!(buf.isa(), Some(Isa::A64));
            assert_eq!(entry.isa(), Isa::A64);
            assert_eq!(entry.bytes(), Instruction::slice_as_bytes(&a64_code));
        }
    }
    // Free the x86-64 half; A64 and x86-64 commits reuse its space, and everything still holds.
    // (buffer, for x86-64 code the constant it adds)
    let mut kept: Vec<(CodeBuffer, Option<i32>)> = bufs
        .into_iter()
        .enumerate()
        .filter_map(|(i, b)| (i % 2 == 1).then_some((b, None)))
        .collect();
    pool.recycle().unwrap();
    for i in 0..32 {
        let buf = CodeBuffer::in_pool(&pool);
        if i % 2 == 0 {
            buf.commit(&a64_code).unwrap();
            kept.push((buf, None));
        } else {
            let entry = buf.commit(&adding(-i, 8)).unwrap();
            assert_eq!(call(&entry, 100), (100 - i) as u64);
            kept.push((buf, Some(-i)));
        }
    }
    for (buf, adds) in &kept {
        let entry = buf.entry().unwrap();
        match adds {
            None => assert_eq!(entry.bytes(), Instruction::slice_as_bytes(&a64_code)),
            Some(k) => assert_eq!(call(&entry, 100), (100 + k) as u64),
        }
    }
    assert_no_wx("mixed commits");
}

/// The measures see a leak when there is one: x86-64 buffers forgotten, not dropped.
#[test]
fn the_measures_see_leaked_buffers() {
    let _guard = exclusive();
    let code = x64!(; ret).unwrap();
    let before = anon_exec_bytes(&maps());
    for _ in 0..16 {
        let buf = CodeBuffer::new();
        buf.commit(&code).unwrap();
        std::mem::forget(buf);
    }
    assert!(
        anon_exec_bytes(&maps()) >= before + 16 * 4096,
        "16 leaked code pages were not seen"
    );
}
