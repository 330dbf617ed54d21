//! Committed code may be called from any thread: four threads call one function concurrently
//! and all get correct results; commits race safely; `CodeBuffer` and `ExecPtr` are
//! `Send + Sync`.

mod common;

use std::sync::Barrier;

use jitkit::{a64, CodeBuffer, Error, ExecPtr, Instruction};

/// Compile-time check: sharing a buffer or a pointer across threads must type-check.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<CodeBuffer>();
    send_sync::<ExecPtr<'static>>();
    send_sync::<Instruction>();
    send_sync::<Error>();
};

const THREADS: usize = 4;
const CALLS: u64 = 20_000;

/// f(n, x) = sum over i in 0..n of (x ^ i), a loop that keeps every thread busy in the code.
fn sum_xor() -> Vec<Instruction> {
    a64! {
        ; mov x2, xzr
        ; mov x3, xzr
        ; b >test
        ; next:
        ; eor x4, x1, x3
        ; add x2, x2, x4
        ; add x3, x3, #1
        ; test:
        ; cmp x3, x0
        ; b.lo <next
        ; mov x0, x2
        ; ret
    }
    .unwrap()
}

fn sum_xor_rs(n: u64, x: u64) -> u64 {
    (0..n).fold(0u64, |s, i| s.wrapping_add(x ^ i))
}

#[test]
fn four_threads_call_one_function_concurrently() {
    let buf = CodeBuffer::new();
    let entry = buf.commit(&sum_xor()).unwrap();
    let start = Barrier::new(THREADS);
    let totals: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS as u64)
            .map(|t| {
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    let mut checked = 0;
                    for call in 0..CALLS {
                        let (n, x) = (call % 17, t << 32 | call);
                        let got = run(entry, n, x);
                        if let Some(got) = got {
                            assert_eq!(got, sum_xor_rs(n, x), "thread {t}, call {call}");
                            checked += 1;
                        }
                    }
                    checked
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let expect = if cfg!(target_arch = "aarch64") {
        CALLS
    } else {
        0
    };
    assert_eq!(totals, vec![expect; THREADS]);
}

/// Calls the committed function (AArch64 only; `None` elsewhere).
fn run(entry: ExecPtr<'_>, n: u64, x: u64) -> Option<u64> {
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: the code is a fn(u64, u64) -> u64 and the buffer outlives the scope.
        let f: extern "C" fn(u64, u64) -> u64 = unsafe { entry.as_fn() };
        Some(f(n, x))
    }
    #[cfg(not(target_arch = "aarch64"))]
    {
        let _ = (entry, n, x);
        None
    }
}

#[test]
fn code_committed_on_one_thread_runs_on_others() {
    let buf = CodeBuffer::new();
    std::thread::scope(|s| {
        s.spawn(|| buf.commit(&sum_xor()).map(|_| ()))
            .join()
            .unwrap()
            .unwrap();
    });
    assert!(buf.is_committed());
    let results: Vec<Option<u64>> = std::thread::scope(|s| {
        (0..THREADS as u64)
            .map(|t| {
                let buf = &buf;
                s.spawn(move || run(buf.entry().unwrap(), 100 + t, t))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect()
    });
    for (t, r) in results.into_iter().enumerate() {
        if cfg!(target_arch = "aarch64") {
            assert_eq!(r, Some(sum_xor_rs(100 + t as u64, t as u64)), "thread {t}");
        }
    }
}

#[test]
fn racing_commits_have_exactly_one_winner() {
    for round in 0..50 {
        let buf = CodeBuffer::new();
        let start = Barrier::new(THREADS);
        // Thread t commits code returning t; exactly one may win.
        let outcomes: Vec<Result<(usize, usize), Error>> = std::thread::scope(|s| {
            (0..THREADS)
                .map(|t| {
                    let (buf, start) = (&buf, &start);
                    s.spawn(move || {
                        let code = [
                            Instruction::new(0xD280_0000 | (t as u32) << 5),
                            Instruction::new(0xD65F_03C0),
                        ];
                        start.wait();
                        buf.commit(&code).map(|e| (t, e.as_ptr() as usize))
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect()
        });
        let winners: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .filter(|o| matches!(o, Err(Error::AlreadyCommitted)))
                .count()
                == THREADS - 1,
            "round {round}: {outcomes:?}"
        );
        let (t, addr) = *winners[0];
        let entry = buf.entry().unwrap();
        assert_eq!(entry.as_ptr() as usize, addr);
        // The winner's code is what the buffer holds.
        let word = u32::from_le_bytes(entry.bytes()[..4].try_into().unwrap());
        assert_eq!(word, 0xD280_0000 | (t as u32) << 5, "round {round}");
        if cfg!(target_arch = "aarch64") {
            assert_eq!(run(entry, 0, 0), Some(t as u64));
        }
    }
}

/// A commit that loses the race to one that then fails (here: an empty commit, which fails after
/// claiming the buffer) is not told `AlreadyCommitted`: it waits and commits. In every round,
/// whatever the interleaving, `AlreadyCommitted` is only reported while the buffer holds code.
#[test]
fn a_commit_racing_a_failing_one_is_never_falsely_refused() {
    let code = [Instruction::new(0xD280_0540), Instruction::new(0xD65F_03C0)];
    for round in 0..2_000 {
        let buf = CodeBuffer::new();
        let start = Barrier::new(2);
        let (good, bad) = std::thread::scope(|s| {
            let failing = s.spawn(|| {
                start.wait();
                (0..8).map(|_| buf.commit(&[]).err()).collect::<Vec<_>>()
            });
            start.wait();
            let good = buf.commit(&code).map(|e| e.as_ptr() as usize);
            (good, failing.join().unwrap())
        });
        assert!(
            good.is_ok(),
            "round {round}: the good commit failed: {good:?}"
        );
        assert!(buf.is_committed(), "round {round}: the buffer ended empty");
        for e in bad {
            assert!(
                matches!(e, Some(Error::Empty) | Some(Error::AlreadyCommitted)),
                "round {round}: {e:?}"
            );
        }
    }
}
