//! W^X: after every public operation no mapping of the process is writable and executable at
//! once, and committed code lies in a read+execute (`r-x`) mapping.
//!
//! `/proc/self/maps` is process-wide, so the tests in this file take turns (a lock) to keep one
//! test's mappings from appearing or vanishing while another looks.
//!
//! The host run is the authoritative one. Under qemu-user the file is emulated from the host's
//! mappings, and a host region that merged several guest mappings is shown with the flags of its
//! first page, so there a writable+executable page could hide next to writable memory. The
//! memory-management code is the same on both architectures.
// Linux only: the test reads or uses /proc/self/maps.
#![cfg(target_os = "linux")]

mod common;

use std::sync::{Mutex, MutexGuard};

use common::{assert_no_wx, maps, region_of, wx_regions};
use jitkit::{a64, CodeBuffer, Error, Instruction};

static MAPS: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    MAPS.lock().unwrap_or_else(|e| e.into_inner())
}

#[track_caller]
fn assert_rx(addr: *const u8, after: &str) {
    let region = region_of(addr as usize)
        .unwrap_or_else(|| panic!("committed code at {addr:p} is not mapped after {after}"));
    assert_eq!(
        region.perms, "r-xp",
        "code mapping after {after}: {region:?}"
    );
}

fn code() -> Vec<Instruction> {
    let k: u32 = 5;
    a64!(; add x0, x0, #k ; ret).unwrap()
}

#[test]
fn no_mapping_is_writable_and_executable_through_a_buffers_life() {
    let _guard = exclusive();
    assert_no_wx("start");

    let buf = CodeBuffer::new();
    assert_no_wx("CodeBuffer::new");

    let entry = buf.commit(&code()).unwrap();
    assert_no_wx("commit");
    assert_rx(entry.as_ptr(), "commit");
    let addr = entry.as_ptr();

    let again = buf.entry().unwrap();
    assert_no_wx("entry");
    assert_rx(again.as_ptr(), "entry");

    let second = entry.at(4).unwrap();
    assert_no_wx("at");
    assert_rx(second.as_ptr(), "at");

    assert!(matches!(buf.commit(&code()), Err(Error::AlreadyCommitted)));
    assert_no_wx("a refused second commit");
    assert_rx(addr, "a refused second commit");

    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: `add x0, x0, #5; ret` is a fn(u64) -> u64; buf outlives the call.
        let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(37), 42);
        assert_no_wx("a call");
    }

    drop(buf);
    assert_no_wx("drop");
    // The code's pages are gone (or at least no longer executable code of ours).
    if let Some(r) = region_of(addr as usize) {
        assert!(
            !r.executable(),
            "code pages still executable after drop: {r:?}"
        );
    }
}

#[test]
fn failed_commits_leave_no_writable_or_executable_memory_behind() {
    let _guard = exclusive();
    let before = maps();

    let buf = CodeBuffer::new();
    assert!(matches!(buf.commit(&[]), Err(Error::Empty)));
    assert_no_wx("an empty commit");

    let big = vec![0u32; (1 << 30) / 4 + 1];
    assert!(matches!(
        buf.commit(Instruction::from_words(&big)),
        Err(Error::TooLarge { .. })
    ));
    drop(big);
    assert_no_wx("a too-large commit");
    // Nothing was mapped for the failed commits.
    assert_eq!(
        maps().iter().filter(|r| r.executable()).count(),
        before.iter().filter(|r| r.executable()).count()
    );

    let entry = buf.commit(&code()).unwrap();
    assert_no_wx("a commit after failed ones");
    assert_rx(entry.as_ptr(), "a commit after failed ones");
}

#[test]
fn many_buffers_alive_at_once_are_all_read_execute() {
    let _guard = exclusive();
    let bufs: Vec<CodeBuffer> = (0..64).map(|_| CodeBuffer::new()).collect();
    let code = code();
    let addrs: Vec<*const u8> = bufs
        .iter()
        .map(|b| b.commit(&code).unwrap().as_ptr())
        .collect();
    assert_no_wx("64 commits");
    for &a in &addrs {
        assert_rx(a, "64 commits");
    }
    drop(bufs);
    assert_no_wx("dropping 64 buffers");
    for &a in &addrs {
        if let Some(r) = region_of(a as usize) {
            assert!(!r.executable(), "{a:p} still executable after drop: {r:?}");
        }
    }
}

/// The checks above could pass vacuously if they could not see a W+X mapping; make one on
/// purpose (without jitkit) and check that they do.
#[test]
fn the_check_sees_a_writable_executable_mapping() {
    let _guard = exclusive();
    // A rwx page between two inaccessible guard pages, so it cannot merge with a neighbour.
    // (qemu-user derives its emulated /proc/self/maps from the host's mappings and reports a
    // merged host region with the flags of its first page; an unguarded rwx page next to
    // read+write memory is then shown as `rw-p`.)
    // SAFETY: a fresh anonymous reservation of three pages, used only to be seen in
    // /proc/self/maps, then unmapped whole.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            3 * 4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(base, libc::MAP_FAILED);
    let p = base.wrapping_byte_add(4096);
    // SAFETY: p is the middle page of the reservation made above.
    let rc = unsafe {
        libc::mprotect(
            p,
            4096,
            libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
        )
    };
    assert_eq!(rc, 0, "mprotect rwx: {}", std::io::Error::last_os_error());
    let seen = wx_regions().iter().any(|r| r.contains(p as usize));
    let perms = region_of(p as usize).map(|r| r.perms);
    // SAFETY: base is the three-page reservation made above; nothing else refers to it.
    unsafe { libc::munmap(base, 3 * 4096) };
    assert!(seen, "a rwx mapping at {p:p} was not reported: {perms:?}");
    assert_eq!(perms.as_deref(), Some("rwxp"));
}
