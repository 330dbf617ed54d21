//! What an attacker who knows where code is cannot use: the writable views of a dual-mapped
//! pool sit at random addresses far from the code, and no descriptor of its memory files can
//! write code (none is open; where the emulator needs one, it is sealed against writing).

// Linux only: the test reads /proc/self/maps and /proc/self/fd.
#![cfg(target_os = "linux")]

mod common;

use common::maps;
use jitkit::{CodeBuffer, CodePool, Instruction, Strategy};
use std::sync::{Mutex, MutexGuard};

/// Taken by each test for its whole run: a pool being made holds its memory file open, unsealed,
/// until the views are mapped, and the descriptor scan must not see another test's pool mid-way.
fn alone() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn pool_with_code() -> (CodePool, CodeBuffer) {
    let pool = CodePool::with_strategy(Strategy::DualMapped).unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    buf.commit(&[Instruction::new(0xD65F_03C0)]).unwrap();
    (pool, buf)
}

#[test]
fn writable_views_are_far_from_any_code_and_not_at_a_fixed_offset() {
    let _alone = alone();
    let pools: Vec<_> = (0..4).map(|_| pool_with_code()).collect();
    let regions = maps();
    let views = |w: bool| -> Vec<_> {
        regions
            .iter()
            .filter(|r| r.name.contains("jitkit-pool") && r.writable() == w)
            .cloned()
            .collect()
    };
    let (rw, rx) = (views(true), views(false));
    assert!(rw.len() >= 4 && rx.len() >= 4, "rw {rw:#?} rx {rx:#?}");
    for w in &rw {
        for x in &rx {
            let gap = if w.start > x.start {
                w.start - x.end
            } else {
                x.start - w.end
            };
            assert!(
                gap >= 1 << 30,
                "writable {w:?} lies within 1 GiB of code {x:?}"
            );
        }
    }
    // Sorted by address, the k-th writable and executable views are no constant distance
    // apart.
    let mut offsets: Vec<_> = rw
        .iter()
        .zip(&rx)
        .map(|(w, x)| w.start as i128 - x.start as i128)
        .collect();
    offsets.dedup();
    assert!(offsets.len() > 1, "one offset for every pool: {offsets:?}");
    drop(pools);
}

#[test]
fn no_descriptor_can_write_pool_code() {
    let _alone = alone();
    let (_pool, _buf) = pool_with_code();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        if !target.to_string_lossy().contains("jitkit-pool") {
            continue;
        }
        // Kept only where the emulator cannot duplicate mappings: then it must be sealed.
        let fd: i32 = entry.file_name().to_string_lossy().parse().unwrap();
        // SAFETY: F_GET_SEALS only reads the seals of an open descriptor.
        let seals = unsafe { libc::fcntl(fd, libc::F_GET_SEALS) };
        assert!(
            seals >= 0 && seals & libc::F_SEAL_FUTURE_WRITE != 0 && seals & libc::F_SEAL_GROW != 0,
            "descriptor {fd} of a pool file is open and not sealed (seals {seals:#x})"
        );
        // SAFETY: pwrite of one byte from a local; it must fail.
        let wrote = unsafe { libc::pwrite(fd, [0u8].as_ptr().cast(), 1, 0) };
        assert_eq!(
            wrote, -1,
            "pwrite through descriptor {fd} rewrote pool code"
        );
    }
}
