//! `fork` with pools in use: both processes keep every function they hold, callable and
//! unchanged, whatever the other commits, frees and recycles; a fork while another thread uses
//! the pool, or names buffers and reports them to observers, does not hang the child; the child
//! does not inherit the pool's writable views; a child's perf map and jitdump are its own.
//!
//! Each test forks from a fresh process (the test re-runs itself, see `common::run_child`), so
//! no other test's threads are caught in the fork. Children report through their exit status
//! and end with `_exit`, never returning into the test harness.
// Linux only: the test reads or uses fork(2), pipes and waitpid.
#![cfg(target_os = "linux")]

mod common;

use common::{child_role, maps, run_child, run_child_with_env};
use jitkit::{CodeBuffer, CodePool, Instruction, Strategy};

const RET: Instruction = Instruction::new(0xD65F_03C0);

/// `movz x0, #value; ret` (value below 65536).
fn returning(value: u32) -> [Instruction; 2] {
    assert!(value < 1 << 16);
    [Instruction::new(0xD280_0000 | value << 5), RET]
}

/// The buffer holds `returning(value)` and, on AArch64, calling it returns `value`.
fn holds(buf: &CodeBuffer, value: u32) -> bool {
    let Some(entry) = buf.entry() else {
        return false;
    };
    if entry.bytes() != Instruction::slice_as_bytes(&returning(value)) {
        return false;
    }
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: the code takes no arguments and returns a u64; the buffer is alive.
        let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        if f() != u64::from(value) {
            return false;
        }
    }
    true
}

fn commit_many(pool: &CodePool, values: std::ops::Range<u32>) -> Vec<(CodeBuffer, u32)> {
    values
        .map(|v| {
            let buf = CodeBuffer::in_pool(pool);
            buf.commit(&returning(v)).expect("commit");
            (buf, v)
        })
        .collect()
}

fn all_hold(bufs: &[(CodeBuffer, u32)]) -> bool {
    bufs.iter().all(|(b, v)| holds(b, *v))
}

fn small_pool() -> CodePool {
    CodePool::builder()
        .chunk_size(64 * 1024)
        .strategy(Strategy::DualMapped)
        .build()
        .expect("a dual-mapped pool")
}

/// A pipe: (read end, write end).
fn pipe() -> (libc::c_int, libc::c_int) {
    let mut fds = [0; 2];
    // SAFETY: pipe writes two descriptors into the array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}

fn signal(fd: libc::c_int) {
    // SAFETY: writing one byte from a local to our own pipe.
    assert_eq!(unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) }, 1);
}

fn wait_for(fd: libc::c_int) {
    let mut b = [0u8];
    // SAFETY: reading one byte into a local from our own pipe.
    assert_eq!(unsafe { libc::read(fd, b.as_mut_ptr().cast(), 1) }, 1);
}

/// Forks; the child runs `child` and exits with 0 if it returned true, 1 if false.
fn fork_child(child: impl FnOnce() -> bool) -> libc::pid_t {
    // SAFETY: fork has no preconditions; the child only runs `child` and `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // A hang (a lock caught held) ends in SIGALRM instead of a stuck test.
        // SAFETY: alarm and _exit have no preconditions.
        unsafe { libc::alarm(20) };
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(false);
        // SAFETY: ends the child without running the harness's exit path.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    pid
}

/// Waits for `pid` and describes how it ended. A child still running after 60 s is killed
/// and reported as hung: its own alarm does not always end it under qemu-user.
fn ended(pid: libc::pid_t) -> Result<(), String> {
    let mut status = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        // SAFETY: waiting for our own child without blocking; `status` is written.
        let got = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(got == 0 || got == pid, "waitpid: {got}");
        if got == pid {
            break;
        }
        if std::time::Instant::now() > deadline {
            // SAFETY: killing and reaping our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return Err("child hung: still running after 60 s, killed".to_string());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        Ok(())
    } else if libc::WIFSIGNALED(status) {
        Err(format!("child killed by signal {}", libc::WTERMSIG(status)))
    } else {
        Err(format!("child exited with {}", libc::WEXITSTATUS(status)))
    }
}

/// Runs this test's body in a fresh process (see the module docs).
fn in_fresh_process(test: &str, body: fn()) {
    match child_role() {
        Some(role) if role == test => body(),
        Some(_) => {}
        None => {
            let out = run_child(test, test);
            assert!(
                out.status.success(),
                "{test} failed in its process ({}):\n{}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn both_sides_keep_their_code_whatever_the_other_does() {
    in_fresh_process(
        "both_sides_keep_their_code_whatever_the_other_does",
        both_sides,
    );
}

fn both_sides() {
    let pool = small_pool();
    let mut before = commit_many(&pool, 0..600);
    // Leave freed (dirty) space behind, some in every page.
    let freed: Vec<_> = (0..before.len()).rev().step_by(3).collect();
    for i in freed {
        before.swap_remove(i);
    }
    assert!(pool.stats().freed_bytes > 0);
    let (parent_done_r, parent_done_w) = pipe();
    let (child_done_r, child_done_w) = pipe();

    let pid = fork_child(|| {
        // The child: its inherited functions hold; it commits, frees (inherited ones too),
        // recycles and commits again; then, after the parent did the same, all still hold.
        let mut inherited = std::mem::take(&mut before);
        if !all_hold(&inherited) {
            return false;
        }
        let mut own = commit_many(&pool, 1000..1400);
        let dropped = inherited.split_off(inherited.len() / 2);
        drop(dropped);
        own.truncate(100);
        if pool.recycle().is_err() {
            return false;
        }
        own.extend(commit_many(&pool, 1400..1800));
        signal(child_done_w);
        wait_for(parent_done_r);
        all_hold(&inherited) && all_hold(&own) && pool.stats().live_functions == own.len()
    });

    // The parent: the same while the child works, on the same addresses.
    let mut own = commit_many(&pool, 2000..2400);
    let kept = before.split_off(before.len() / 2);
    drop(before); // the half the child keeps
    pool.recycle().expect("recycle");
    own.extend(commit_many(&pool, 2400..3000));
    wait_for(child_done_r);
    signal(parent_done_w);
    let child = ended(pid);
    assert!(all_hold(&kept), "the parent's pre-fork code changed");
    assert!(all_hold(&own), "the parent's post-fork code changed");
    child.expect("the child's code held");
    // The parent goes on committing, recycling and growing.
    drop(own);
    pool.recycle().unwrap();
    let more = commit_many(&pool, 3000..4000);
    assert!(all_hold(&more) && all_hold(&kept));
}

#[test]
fn a_fork_while_other_threads_use_the_pool_does_not_hang_the_child() {
    in_fresh_process(
        "a_fork_while_other_threads_use_the_pool_does_not_hang_the_child",
        fork_under_load,
    );
}

fn fork_under_load() {
    fork_while_busy(
        20,
        |pool, t, _| {
            // Commit and free in rounds, so refills, recycling and growth take the pool's lock
            // all the time.
            let bufs = commit_many(pool, t * 10_000..t * 10_000 + 300);
            assert!(all_hold(&bufs));
            drop(bufs);
            let _ = pool.recycle();
        },
        |pool, _| {
            let bufs = commit_many(pool, 40_000..40_200);
            all_hold(&bufs) && pool.recycle().is_ok()
        },
    );
}

/// Two threads run `work(pool, thread, n)` for n = 0, 1, ... while this one forks `rounds`
/// times; each child runs `child(pool, round)`, which must return `true` and not hang.
fn fork_while_busy(
    rounds: u32,
    work: impl Fn(&CodePool, u32, u32) + Sync,
    child: impl Fn(&CodePool, u32) -> bool,
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let pool = small_pool();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for t in 0..2u32 {
            let (pool, stop, work) = (&pool, &stop, &work);
            s.spawn(move || {
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    work(pool, t, n);
                    n += 1;
                }
            });
        }
        for round in 0..rounds {
            std::thread::sleep(std::time::Duration::from_millis(2));
            let pid = fork_child(|| child(&pool, round));
            if let Err(e) = ended(pid) {
                stop.store(true, Ordering::Relaxed);
                panic!("fork {round}: {e}");
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
}

#[test]
fn the_child_does_not_inherit_the_writable_views() {
    in_fresh_process(
        "the_child_does_not_inherit_the_writable_views",
        writable_views,
    );
}

fn writable_views() {
    let pool = small_pool();
    let bufs = commit_many(&pool, 0..100);
    let writable: Vec<_> = maps()
        .into_iter()
        .filter(|r| r.name.contains("jitkit-pool") && r.writable())
        .collect();
    assert!(!writable.is_empty(), "no writable pool view found");
    let pid = fork_child(|| {
        let now = maps();
        let inherited = writable.iter().any(|w| {
            now.iter()
                .any(|r| r.writable() && r.start < w.end && w.start < r.end)
        });
        !inherited && all_hold(&bufs)
    });
    ended(pid).expect("the child saw no writable pool view and its code held");
    assert!(all_hold(&bufs));
}

#[test]
fn a_fork_while_other_threads_name_buffers_and_report_them_does_not_hang_the_child() {
    in_fresh_process(
        "a_fork_while_other_threads_name_buffers_and_report_them_does_not_hang_the_child",
        fork_while_observed,
    );
}

/// Threads name every buffer anew and report each commit and drop to GDB's JIT interface, so
/// the name table's and the GDB observer's locks are taken all the time; each child names,
/// commits and drops a buffer of its own.
fn fork_while_observed() {
    jitkit::observe::enable(jitkit::observe::Tool::Gdb).expect("the GDB JIT interface");
    fork_while_busy(
        30,
        |pool, t, n| {
            let buf = CodeBuffer::in_pool(pool).named(format!("f{t}_{n}"));
            buf.commit(&returning(n % 1000)).expect("commit");
            assert!(holds(&buf, n % 1000));
        },
        |pool, round| {
            let buf = CodeBuffer::in_pool(pool).named(format!("child_{round}"));
            buf.commit(&returning(7)).is_ok() && holds(&buf, 7)
        },
    );
}

#[test]
fn a_forked_child_reports_its_code_to_files_of_its_own() {
    const TEST: &str = "a_forked_child_reports_its_code_to_files_of_its_own";
    if child_role().as_deref() == Some(TEST) {
        return tools_across_fork();
    }
    if child_role().is_some() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("jitkit-fork-dump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = run_child_with_env(
        TEST,
        TEST,
        &[
            ("JITKIT_PERF_MAP", "1"),
            ("JITKIT_JITDUMP", "1"),
            ("JITKIT_JITDUMP_DIR", dir.to_str().unwrap()),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// With the perf map and jitdump on (from the environment): the parent commits, a child
/// commits, then the parent again. Each process's files name its own commits; the child's
/// perf map also names the code it inherited.
fn tools_across_fork() {
    let dir = std::path::PathBuf::from(std::env::var_os("JITKIT_JITDUMP_DIR").unwrap());
    let pool = CodePool::new().expect("pool");
    let before = CodeBuffer::in_pool(&pool).named("fork_parent_before");
    before.commit(&returning(1)).expect("commit");
    let pid = fork_child(|| {
        let own = CodeBuffer::in_pool(&pool).named("fork_child_own");
        own.commit(&returning(2)).is_ok() && holds(&own, 2) && holds(&before, 1)
    });
    ended(pid).expect("the child committed");
    let after = CodeBuffer::in_pool(&pool).named("fork_parent_after");
    after.commit(&returning(3)).expect("commit");

    let parent = std::process::id();
    let map = |p: u32| std::fs::read_to_string(format!("/tmp/perf-{p}.map")).unwrap_or_default();
    let dump = |p: u32| std::fs::read(dir.join(format!("jit-{p}.dump"))).unwrap_or_default();
    let has = |data: &[u8], name: &str| {
        let mut key = name.as_bytes().to_vec();
        key.push(0);
        data.windows(key.len()).any(|w| w == key)
    };
    let (parent_map, child_map) = (map(parent), map(pid as u32));
    let (parent_dump, child_dump) = (dump(parent), dump(pid as u32));
    for p in [parent, pid as u32] {
        let _ = std::fs::remove_file(format!("/tmp/perf-{p}.map"));
    }
    assert!(
        parent_map.contains(" fork_parent_before\n") && parent_map.contains(" fork_parent_after\n")
    );
    assert!(!parent_map.contains("fork_child_own"), "{parent_map}");
    assert!(
        child_map.contains(" fork_parent_before\n") && child_map.contains(" fork_child_own\n"),
        "the child's map holds the inherited and its own names: {child_map:?}"
    );
    assert!(!child_map.contains("fork_parent_after"), "{child_map}");
    assert!(has(&parent_dump, "fork_parent_before") && has(&parent_dump, "fork_parent_after"));
    assert!(!has(&parent_dump, "fork_child_own"));
    assert!(child_dump.len() >= 40, "the child has a dump of its own");
    assert_eq!(
        u32::from_ne_bytes(child_dump[20..24].try_into().unwrap()),
        pid as u32
    );
    assert!(has(&child_dump, "fork_child_own") && !has(&child_dump, "fork_parent_after"));
}
