//! Properties of pooled code buffers, checked for both strategies: commits run the code they were
//! given, freed space is reused and the new code (not the old) runs, statistics add up, W^X holds,
//! and many threads can commit, call and free at once.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use jitkit::{Assembler, CodeBuffer, CodePool, Error, ExecPtr, Instruction, Strategy};

const NOP: Instruction = Instruction::new(0xD503_201F);
const RET: Instruction = Instruction::new(0xD65F_03C0);

/// Code that returns `value`, padded with leading `nop`s to exactly `words` instructions.
fn returning(value: u64, words: usize) -> Vec<Instruction> {
    let mut asm = Assembler::new();
    asm.load_imm64(jitkit::aarch64::RX::X0, value);
    let mut tail = asm.finish().unwrap().instructions;
    tail.push(RET);
    assert!(
        tail.len() <= words,
        "{} words do not fit in {words}",
        tail.len()
    );
    let mut code = vec![NOP; words - tail.len()];
    code.extend(tail);
    code
}

/// Checks that `entry` holds `code` and, on AArch64, that calling it returns `value`.
fn check(entry: ExecPtr<'_>, code: &[Instruction], value: u64) {
    assert_eq!(entry.bytes(), Instruction::slice_as_bytes(code));
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: the code takes no arguments and returns a u64 in x0; the buffer is alive.
        let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(), value);
    }
    #[cfg(not(target_arch = "aarch64"))]
    let _ = value;
}

fn pools() -> Vec<CodePool> {
    let dual = CodePool::with_strategy(Strategy::DualMapped).expect("memfd is available here");
    assert_eq!(dual.strategy(), Strategy::DualMapped);
    let per = CodePool::with_strategy(Strategy::PerBuffer).unwrap();
    assert_eq!(per.strategy(), Strategy::PerBuffer);
    vec![dual, per]
}

/// One pool of each strategy, with chunks of `chunk_size` bytes.
fn pools_with_chunks(chunk_size: usize) -> Vec<CodePool> {
    [Strategy::DualMapped, Strategy::PerBuffer]
        .into_iter()
        .map(|strategy| {
            let pool = CodePool::builder()
                .chunk_size(chunk_size)
                .strategy(strategy)
                .build()
                .unwrap();
            assert_eq!(pool.strategy(), strategy);
            pool
        })
        .collect()
}

/// Lines of /proc/self/maps that are both writable and executable.
fn wx_mappings() -> Vec<String> {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .filter(|l| {
            let perms = l.split_whitespace().nth(1).unwrap_or("");
            perms.contains('w') && perms.contains('x')
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn the_default_pool_is_dual_mapped_on_linux() {
    assert_eq!(CodePool::new().unwrap().strategy(), Strategy::DualMapped);
}

#[test]
fn pooled_commits_run_their_own_code() {
    for pool in pools() {
        let bufs: Vec<_> = (0..200u64)
            .map(|i| {
                let code = returning(i * 7919, 4 + (i as usize % 40));
                let buf = CodeBuffer::in_pool(&pool);
                buf.commit(&code).unwrap();
                (buf, code, i * 7919)
            })
            .collect();
        for (buf, code, value) in &bufs {
            check(buf.entry().unwrap(), code, *value);
        }
        let starts: HashSet<_> = bufs.iter().map(|b| b.0.entry().unwrap().as_ptr()).collect();
        assert_eq!(
            starts.len(),
            bufs.len(),
            "{:?}: two commits share an address",
            pool
        );
    }
}

#[test]
fn commit_is_once_in_a_pool_too() {
    for pool in pools() {
        let buf = CodeBuffer::in_pool(&pool);
        assert!(matches!(buf.commit(&[]), Err(Error::Empty)));
        assert!(!buf.is_committed());
        let code = returning(1, 2);
        let first = buf.commit(&code).unwrap().as_ptr();
        assert!(matches!(buf.commit(&code), Err(Error::AlreadyCommitted)));
        assert_eq!(buf.entry().unwrap().as_ptr(), first);
        assert!(buf.pool().unwrap().ptr_eq(&pool));
    }
}

#[test]
fn freed_space_is_reused_and_the_new_code_runs() {
    let pool = CodePool::with_strategy(Strategy::DualMapped).unwrap();
    let a = returning(0xA, 16);
    let b = returning(0xB, 16);
    let buf = CodeBuffer::in_pool(&pool);
    let addr = buf.commit(&a).unwrap().as_ptr();
    check(buf.entry().unwrap(), &a, 0xA);
    drop(buf);
    assert_eq!(pool.recycle().unwrap(), 1);
    let buf = CodeBuffer::in_pool(&pool);
    let entry = buf.commit(&b).unwrap();
    assert_eq!(entry.as_ptr(), addr, "the freed slot was not reused");
    check(entry, &b, 0xB);
}

#[test]
fn a_full_pool_recycles_before_it_grows() {
    let page = 4096;
    let pool = CodePool::builder()
        .chunk_size(page)
        .strategy(Strategy::DualMapped)
        .build()
        .unwrap();
    // Fill the only chunk with 64-byte functions and call each.
    let slots = page / 64;
    let mut bufs: Vec<_> = (0..slots as u64)
        .map(|i| {
            let buf = CodeBuffer::in_pool(&pool);
            let code = returning(i, 16);
            check(buf.commit(&code).unwrap(), &code, i);
            Some(buf)
        })
        .collect();
    assert_eq!(pool.stats().chunks, 1);
    // Free one in the middle; the next commit must land there, with no new chunk.
    let freed = bufs[5].take().unwrap();
    let addr = freed.entry().unwrap().as_ptr();
    drop(freed);
    let code = returning(0xB0B, 16);
    let buf = CodeBuffer::in_pool(&pool);
    let entry = buf.commit(&code).unwrap();
    assert_eq!(entry.as_ptr(), addr);
    check(entry, &code, 0xB0B);
    let s = pool.stats();
    assert_eq!((s.chunks, s.recycles, s.recycled_pages), (1, 1, 1));
    // The live neighbours on the re-mapped page still run their own code.
    for (i, b) in bufs.iter().enumerate().filter(|(i, _)| *i != 5) {
        check(
            b.as_ref().unwrap().entry().unwrap(),
            &returning(i as u64, 16),
            i as u64,
        );
    }
}

#[test]
fn statistics_add_up() {
    for pool in pools() {
        let chunk = 1 << 20;
        let sizes = [1usize, 16, 17, 100, 1024, 1025, 16 * 1024, chunk / 4 + 1];
        let mut bufs = Vec::new();
        let mut committed = 0;
        for (i, &words) in sizes.iter().cycle().take(40).enumerate() {
            let buf = CodeBuffer::in_pool(&pool);
            let code = returning(i as u64, words.max(2));
            buf.commit(&code).unwrap();
            committed += code.len() * 4;
            bufs.push((buf, code.len() * 4));
        }
        let s = pool.stats();
        assert_eq!(s.live_functions, 40, "{pool:?}");
        assert_eq!(s.committed_bytes, committed, "{pool:?}");
        assert!(s.mapped_bytes >= committed);
        assert_eq!(s.freed_bytes, 0);
        if pool.strategy() == Strategy::DualMapped {
            // Five commits of chunk + 4 bytes took a chunk of their own, page-rounded.
            let own = 5;
            let expect = (s.chunks - own) * chunk + own * (chunk + 4096);
            assert_eq!(s.mapped_bytes, expect, "{pool:?}");
            assert!(s.bookkeeping_bytes > 0);
        }
        // Free every other one.
        let mut kept = Vec::new();
        for (i, (buf, len)) in bufs.into_iter().enumerate() {
            if i % 2 == 0 {
                committed -= len;
                drop(buf);
            } else {
                kept.push(buf);
            }
        }
        let s = pool.stats();
        assert_eq!(s.live_functions, 20, "{pool:?}");
        assert_eq!(s.committed_bytes, committed, "{pool:?}");
        if pool.strategy() == Strategy::DualMapped {
            assert!(s.freed_bytes > 0);
            pool.recycle().unwrap();
            assert_eq!(pool.stats().freed_bytes, 0);
        }
        drop(kept);
        let s = pool.stats();
        assert_eq!((s.live_functions, s.committed_bytes), (0, 0), "{pool:?}");
    }
}

#[test]
fn a_commit_larger_than_a_chunk_gets_its_own_and_returns_it() {
    for pool in pools_with_chunks(64 * 1024) {
        let small = CodeBuffer::in_pool(&pool);
        small.commit(&returning(1, 2)).unwrap();
        let before = pool.stats();
        let code = returning(0xB16, 100_000);
        let big = CodeBuffer::in_pool(&pool);
        check(big.commit(&code).unwrap(), &code, 0xB16);
        let during = pool.stats();
        assert_eq!(during.chunks, before.chunks + 1);
        assert!(during.mapped_bytes >= before.mapped_bytes + 400_000);
        drop(big);
        assert_eq!(pool.stats().mapped_bytes, before.mapped_bytes);
        assert_eq!(pool.stats().chunks, before.chunks);
    }
}

#[test]
fn four_threads_commit_call_and_free_with_reuse() {
    const THREADS: u64 = 4;
    const CYCLES: u64 = 10_000;
    for pool in pools_with_chunks(64 * 1024) {
        let done = Arc::new(AtomicBool::new(false));
        let watcher = {
            let done = done.clone();
            std::thread::spawn(move || {
                let mut looks = 0;
                while !done.load(Ordering::Acquire) || looks == 0 {
                    assert_eq!(wx_mappings(), Vec::<String>::new());
                    looks += 1;
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                looks
            })
        };
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    let mut held = std::collections::VecDeque::new();
                    for i in 0..CYCLES {
                        // A value unique to this cycle, in 1 to 4 instructions.
                        let value = (t << 48) | (i << 16) | (i % 7);
                        let code = returning(value, 5 + (i % 11) as usize);
                        let buf = CodeBuffer::in_pool(&pool);
                        check(buf.commit(&code).unwrap(), &code, value);
                        // Keep a few alive so frees happen out of order and pages are shared.
                        held.push_back((buf, code, value));
                        if held.len() > 3 + (i % 5) as usize {
                            let (buf, code, value) = held.pop_front().unwrap();
                            check(buf.entry().unwrap(), &code, value);
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        done.store(true, Ordering::Release);
        assert!(watcher.join().unwrap() > 0);
        let s = pool.stats();
        assert_eq!((s.live_functions, s.committed_bytes), (0, 0), "{s:?}");
        if pool.strategy() == Strategy::DualMapped {
            assert!(s.recycles > 0, "space was never reused: {s:?}");
            assert!(s.chunks <= 2, "the pool grew instead of reusing: {s:?}");
        }
    }
}

#[test]
fn no_mapping_is_writable_and_executable() {
    let pool = CodePool::new().unwrap();
    let bufs: Vec<_> = (0..100)
        .map(|i| {
            let b = CodeBuffer::in_pool(&pool);
            b.commit(&returning(i, 8)).unwrap();
            b
        })
        .collect();
    drop(bufs);
    pool.recycle().unwrap();
    assert_eq!(wx_mappings(), Vec::<String>::new());
}

#[test]
fn a_thread_moves_between_pools_and_their_statistics_stay_exact() {
    let a = CodePool::new().unwrap();
    let mut bufs = Vec::new();
    for round in 0..3u64 {
        // Alternate pools on one thread: each switch hands the other pool's reserved slots back.
        let b = CodePool::new().unwrap();
        for i in 0..50u64 {
            let pool = if i % 2 == 0 { &a } else { &b };
            let code = returning(round * 1000 + i, 16);
            let buf = CodeBuffer::in_pool(pool);
            check(buf.commit(&code).unwrap(), &code, round * 1000 + i);
            bufs.push((buf, code, round * 1000 + i));
        }
        let sb = b.stats();
        assert_eq!((sb.live_functions, sb.committed_bytes), (25, 25 * 64));
        // Dropping a pool's last handle while its buffers live keeps it alive for them.
        drop(b);
    }
    assert_eq!(a.stats().live_functions, 75);
    for (buf, code, value) in &bufs {
        check(buf.entry().unwrap(), code, *value);
    }
    bufs.clear();
    let s = a.stats();
    assert_eq!((s.live_functions, s.committed_bytes), (0, 0));
    // A pool made after the others are gone starts from nothing on this thread too.
    let c = CodePool::new().unwrap();
    let buf = CodeBuffer::in_pool(&c);
    buf.commit(&returning(5, 4)).unwrap();
    assert_eq!(c.stats().live_functions, 1);
}

#[test]
fn functions_committed_on_one_thread_can_be_freed_on_another() {
    let pool = CodePool::new().unwrap();
    let bufs: Vec<_> = std::thread::spawn({
        let pool = pool.clone();
        move || {
            (0..100u64)
                .map(|i| {
                    let b = CodeBuffer::in_pool(&pool);
                    b.commit(&returning(i, 8)).unwrap();
                    b
                })
                .collect()
        }
    })
    .join()
    .unwrap();
    assert_eq!(pool.stats().live_functions, 100);
    for (i, b) in bufs.iter().enumerate() {
        check(b.entry().unwrap(), &returning(i as u64, 8), i as u64);
    }
    std::thread::spawn(move || drop(bufs)).join().unwrap();
    let s = pool.stats();
    assert_eq!((s.live_functions, s.committed_bytes), (0, 0));
    assert_eq!(s.freed_bytes, 100 * 32);
}

#[test]
fn a_batch_commits_every_function_and_per_buffer_maps_it_once() {
    for pool in pools() {
        let codes: Vec<_> = (0..50u64)
            .map(|i| returning(i * 31, 2 + (i as usize % 30)))
            .collect();
        let bufs = pool.commit_batch(&codes).unwrap();
        assert_eq!(bufs.len(), codes.len());
        for (i, (buf, code)) in bufs.iter().zip(&codes).enumerate() {
            assert!(buf.pool().unwrap().ptr_eq(&pool));
            assert!(matches!(buf.commit(code), Err(Error::AlreadyCommitted)));
            check(buf.entry().unwrap(), code, i as u64 * 31);
            assert_eq!(buf.entry().unwrap().as_ptr() as usize % 16, 0);
        }
        let s = pool.stats();
        assert_eq!(s.live_functions, 50);
        assert_eq!(
            s.committed_bytes,
            codes.iter().map(|c| c.len() * 4).sum::<usize>()
        );
        if pool.strategy() == Strategy::PerBuffer {
            assert_eq!(s.chunks, 1, "{s:?}");
        }
        #[cfg(target_os = "linux")]
        assert!(wx_mappings().is_empty());
        // The pages stay while any buffer of the batch lives.
        let mut bufs = bufs;
        let last = bufs.pop().unwrap();
        drop(bufs);
        check(last.entry().unwrap(), &codes[49], 49 * 31);
        drop(last);
        let s = pool.stats();
        assert_eq!((s.live_functions, s.committed_bytes), (0, 0), "{s:?}");
        if pool.strategy() == Strategy::PerBuffer {
            assert_eq!((s.chunks, s.mapped_bytes), (0, 0), "{s:?}");
        }
    }
}

#[test]
fn a_batch_with_a_bad_function_commits_nothing() {
    for pool in pools() {
        let codes = vec![returning(1, 2), vec![], returning(2, 2)];
        assert!(matches!(pool.commit_batch(&codes), Err(Error::Empty)));
        let s = pool.stats();
        assert_eq!((s.live_functions, s.committed_bytes), (0, 0), "{s:?}");
        assert!(pool
            .commit_batch::<Vec<Instruction>>(&[])
            .unwrap()
            .is_empty());
    }
}
