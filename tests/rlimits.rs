//! Resource limits give errors, never an abort or a signal, and leave nothing behind:
//! `RLIMIT_FSIZE` (the memory file cannot grow), `RLIMIT_NOFILE` (no descriptor to spare) and
//! `RLIMIT_AS` (no address space, no heap). Also: pools cost address space and memory in
//! proportion to use.
//!
//! Each test sets its limit in a fresh process (the test re-runs itself, see
//! `common::run_child`) and asserts that the process survives: a signal or an abort there fails
//! the test here. qemu-user does not apply `RLIMIT_AS` to the emulated program (the emulator
//! needs the address space itself); there the address-space test checks the limit is in force
//! and says so when it is not.
// Linux only: the test reads or uses setrlimit and /proc.
#![cfg(target_os = "linux")]

mod common;

use common::{child_role, maps, run_child};
use jitkit::{CodeBuffer, CodePool, Error, Instruction, Strategy};

const RET: Instruction = Instruction::new(0xD65F_03C0);

fn code(words: usize) -> Vec<Instruction> {
    let mut v = vec![Instruction::new(0xD503_201F); words - 1];
    v.push(RET);
    v
}

/// Runs `body` in a fresh process and checks it ended normally and printed `marker`.
fn in_fresh_process(test: &str, body: fn()) {
    match child_role() {
        Some(role) if role == test => {
            body();
            println!("child done: {test}");
        }
        Some(_) => {}
        None => {
            let out = run_child(test, test);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && stdout.contains(&format!("child done: {test}")),
                "{test} did not survive its limit ({}):\n{stdout}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The type of a resource number: glibc's own enum, a plain int elsewhere (musl).
#[cfg(target_env = "gnu")]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(target_env = "gnu"))]
type Resource = libc::c_int;

fn set_soft_limit(resource: Resource, value: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write one rlimit struct.
    unsafe {
        assert_eq!(libc::getrlimit(resource, &mut lim), 0);
        lim.rlim_cur = value.min(lim.rlim_max);
        assert_eq!(libc::setrlimit(resource, &lim), 0);
    }
}

fn soft_limit(resource: Resource) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct.
    assert_eq!(unsafe { libc::getrlimit(resource, &mut lim) }, 0);
    lim.rlim_cur
}

/// Open descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// A field of /proc/self/status in KiB (VmSize, VmRSS).
fn status_kib(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_file_size_limit_is_an_error_not_sigxfsz() {
    in_fresh_process("a_file_size_limit_is_an_error_not_sigxfsz", file_size);
}

fn file_size() {
    let fds = open_fds();
    let pool = CodePool::builder()
        .chunk_size(64 * 1024)
        .strategy(Strategy::DualMapped)
        .build()
        .unwrap();
    set_soft_limit(libc::RLIMIT_FSIZE, 16 * 1024);
    for _ in 0..3 {
        let buf = CodeBuffer::in_pool(&pool);
        match buf.commit(&code(16)) {
            Err(Error::MemoryFile {
                operation: "grow",
                source,
                ..
            }) => assert_eq!(source.raw_os_error(), Some(libc::EFBIG)),
            other => panic!("expected EFBIG growing the memory file, got {other:?}"),
        }
        assert!(!buf.is_committed());
    }
    // Memory of its own needs no file: still fine.
    CodeBuffer::new().commit(&code(16)).unwrap();
    drop(pool);
    assert_eq!(open_fds(), fds, "a descriptor leaked");
    // With the limit lifted the same kind of pool works.
    set_soft_limit(libc::RLIMIT_FSIZE, u64::MAX);
    let pool = CodePool::with_strategy(Strategy::DualMapped).unwrap();
    CodeBuffer::in_pool(&pool).commit(&code(16)).unwrap();
}

#[test]
fn no_descriptor_stays_open_per_commit_and_none_is_an_error() {
    in_fresh_process(
        "no_descriptor_stays_open_per_commit_and_none_is_an_error",
        descriptors,
    );
}

fn descriptors() {
    let pool = CodePool::builder()
        .chunk_size(64 * 1024)
        .strategy(Strategy::DualMapped)
        .build()
        .unwrap();
    // The pool's memory file exists once it has a chunk.
    let small = CodeBuffer::in_pool(&pool);
    small.commit(&code(16)).unwrap();
    let fds = open_fds();
    // Two descriptors to spare (read_dir of /proc/self/fd takes one).
    set_soft_limit(libc::RLIMIT_NOFILE, fds as u64 + 2);
    // 64 commits larger than a chunk, all alive at once.
    let big: Vec<_> = (0..64)
        .map(|_| {
            let buf = CodeBuffer::in_pool(&pool);
            buf.commit(&code(48 * 1024)).unwrap();
            buf
        })
        .collect();
    assert_eq!(open_fds(), fds, "commits keep descriptors open");
    std::fs::File::open("/proc/self/status").expect("a descriptor to spare");
    drop(big);

    // No descriptor at all: a pool that needs a memory file says so.
    set_soft_limit(libc::RLIMIT_NOFILE, 0);
    match CodePool::with_strategy(Strategy::DualMapped) {
        Err(Error::MemoryFile {
            operation: "create",
            source,
            ..
        }) => assert_eq!(source.raw_os_error(), Some(libc::EMFILE)),
        other => panic!("expected EMFILE, got {other:?}"),
    }
    let fallback = CodePool::new().unwrap();
    assert_eq!(fallback.strategy(), Strategy::PerBuffer);
    CodeBuffer::in_pool(&fallback).commit(&code(16)).unwrap();
    set_soft_limit(libc::RLIMIT_NOFILE, fds as u64 + 16);
}

#[test]
fn an_address_space_limit_is_an_error_not_an_abort() {
    in_fresh_process(
        "an_address_space_limit_is_an_error_not_an_abort",
        address_space,
    );
}

fn address_space() {
    let before = maps().len();
    let pool = CodePool::builder()
        .chunk_size(256 * 1024)
        .strategy(Strategy::DualMapped)
        .build()
        .unwrap();
    let warm = CodeBuffer::in_pool(&pool);
    warm.commit(&code(16)).unwrap();
    // Room for everything this function allocates up front, and a thread made beforehand.
    let mut live: Vec<CodeBuffer> = Vec::with_capacity(1 << 20);
    let large = code(1 << 20);
    let (go_tx, go_rx) = std::sync::mpsc::sync_channel::<()>(1);
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<()>(1);
    let thread = std::thread::spawn(move || {
        // std maps the thread's signal stack as it starts: that must happen before the limit.
        ready_tx.send(()).unwrap();
        go_rx.recv().unwrap();
        // A thread's first commit, under the limit: Ok or Err, never an abort.
        let pool2 = CodePool::new();
        pool2.map(|p| CodeBuffer::in_pool(&p).commit(&code(16)).map(|_| ()))
    });
    ready_rx.recv().unwrap();
    let limit = (status_kib("VmSize") + 2048) * 1024;
    set_soft_limit(libc::RLIMIT_AS, limit);
    // SAFETY: an anonymous mapping larger than the limit allows, unmapped if it succeeds.
    let probe = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            64 << 20,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if probe != libc::MAP_FAILED {
        // SAFETY: the probe mapping made just above.
        unsafe { libc::munmap(probe, 64 << 20) };
        set_soft_limit(libc::RLIMIT_AS, u64::MAX);
        go_tx.send(()).unwrap();
        let _ = thread.join();
        println!("RLIMIT_AS is not enforced here (an emulator?): only survival was checked");
        return;
    }
    let mut error = None;
    while live.len() < live.capacity() {
        let buf = CodeBuffer::in_pool(&pool);
        match buf.commit(&code(16)) {
            Ok(_) => live.push(buf),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    // Big commits (pages of their own) and per-buffer commits fail cleanly too.
    let big = CodeBuffer::in_pool(&pool).commit(&large).err();
    let own = CodeBuffer::new().commit(&large).err();
    go_tx.send(()).unwrap();
    let threaded = thread.join().expect("the thread did not abort");
    let committed = live.len();
    drop(live);
    set_soft_limit(libc::RLIMIT_AS, u64::MAX);
    assert_eq!(soft_limit(libc::RLIMIT_AS), libc::RLIM_INFINITY);

    let error = error.expect("the limit was reached");
    assert!(
        matches!(
            error,
            Error::Map { .. } | Error::OutOfMemory { .. } | Error::MemoryFile { .. }
        ),
        "{error:?}"
    );
    assert!(matches!(big, Some(Error::Map { .. })), "{big:?}");
    assert!(matches!(own, Some(Error::Map { .. })), "{own:?}");
    println!("under RLIMIT_AS: {committed} commits, then {error}; thread: {threaded:?}");
    // The pool works again, and once it is gone the mapping count is back (give or take the
    // allocator's arenas, one for the thread).
    let buf = CodeBuffer::in_pool(&pool);
    buf.commit(&code(16)).unwrap();
    drop((buf, warm, pool));
    let after = maps().len();
    assert!(
        after <= before + 8,
        "mappings grew from {before} to {after}"
    );
}

#[test]
fn pools_cost_in_proportion_to_use() {
    in_fresh_process("pools_cost_in_proportion_to_use", proportion);
}

fn proportion() {
    let size0 = status_kib("VmSize");
    let empty: Vec<_> = (0..10).map(|_| CodePool::new().unwrap()).collect();
    let size1 = status_kib("VmSize");
    assert!(
        size1 - size0 < 1024,
        "10 empty pools took {} KiB of address space",
        size1 - size0
    );
    drop(empty);
    // One small commit into a pool of 256 MiB chunks populates a step, not the chunk.
    let pool = CodePool::builder()
        .chunk_size(256 << 20)
        .strategy(Strategy::DualMapped)
        .build()
        .unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    buf.commit(&code(5)).unwrap();
    let (mapped, resident) = pool_kib();
    assert!(mapped >= 2 * 256 * 1024, "{mapped} KiB of pool views");
    assert!(
        resident <= 2 * 64,
        "one 20-byte commit made {resident} KiB of the pool resident"
    );
    println!("a 256 MiB chunk with one commit: {mapped} KiB mapped, {resident} KiB resident");
}

/// KiB mapped and resident in the pool's memory-file views, from /proc/self/smaps. (The
/// total resident size is no measure under an emulator, whose own bookkeeping grows with
/// the address space the program maps.)
fn pool_kib() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let (mut mapped, mut resident, mut in_pool) = (0, 0, false);
    for line in text.lines() {
        let kib = |l: &str| -> u64 { l.split_whitespace().nth(1).unwrap().parse().unwrap() };
        if line.starts_with("Size:") && in_pool {
            mapped += kib(line);
        } else if line.starts_with("Rss:") && in_pool {
            resident += kib(line);
        } else if is_region_header(line) {
            in_pool = line.contains("jitkit-pool");
        }
    }
    (mapped, resident)
}

/// Whether an smaps line starts a region (`start-end perms ...`) rather than giving a field.
fn is_region_header(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    first.split_once('-').is_some_and(|(a, b)| {
        usize::from_str_radix(a, 16).is_ok() && usize::from_str_radix(b, 16).is_ok()
    })
}
