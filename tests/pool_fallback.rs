//! Where `memfd_create` is unavailable, `CodePool::new` falls back to per-buffer mappings at run
//! time, and forcing dual mapping is an error, not a panic.
//!
//! The test makes `memfd_create` fail with `ENOSYS` on one thread with a seccomp filter (it
//! applies to that thread only) and uses the pool there. Emulators that do not support seccomp
//! filters (qemu-user refuses them) skip the test with a note.
// Linux only: the test reads or uses a seccomp filter.
#![cfg(target_os = "linux")]

use jitkit::{CodeBuffer, CodePool, Error, Instruction, Strategy};

/// Makes `memfd_create` fail with ENOSYS on the calling thread. Returns whether it could.
fn deny_memfd_on_this_thread() -> bool {
    use libc::{sock_filter, sock_fprog, BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W};
    let filter = [
        // Load the system call number (offset 0 of struct seccomp_data).
        sock_filter {
            code: (BPF_LD | BPF_W | BPF_ABS) as u16,
            jt: 0,
            jf: 0,
            k: 0,
        },
        sock_filter {
            code: (BPF_JMP | BPF_JEQ | BPF_K) as u16,
            jt: 0,
            jf: 1,
            k: libc::SYS_memfd_create as u32,
        },
        sock_filter {
            code: (BPF_RET | BPF_K) as u16,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        },
        sock_filter {
            code: (BPF_RET | BPF_K) as u16,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ALLOW,
        },
    ];
    let prog = sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut sock_filter,
    };
    // SAFETY: prctl with integer arguments; PR_SET_NO_NEW_PRIVS only restricts this thread.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return false;
    }
    // SAFETY: `prog` points to a valid filter that outlives the call (the kernel copies it);
    // without SECCOMP_FILTER_FLAG_TSYNC it applies to the calling thread only.
    let rc = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &prog as *const sock_fprog,
        )
    };
    rc == 0
}

#[test]
fn without_memfd_the_pool_falls_back_to_per_buffer_mappings() {
    let outcome = std::thread::spawn(|| {
        if !deny_memfd_on_this_thread() {
            return None;
        }
        // memfd_create now fails here; check the filter really bites.
        // SAFETY: a plain system call with a NUL-terminated name; a descriptor is closed.
        let fd = unsafe { libc::memfd_create(c"probe".as_ptr(), libc::MFD_CLOEXEC) };
        let errno = std::io::Error::last_os_error().raw_os_error();
        if fd >= 0 {
            // SAFETY: fd is a descriptor we own.
            unsafe { libc::close(fd) };
        }
        assert_eq!((fd, errno), (-1, Some(libc::ENOSYS)));

        let forced = CodePool::with_strategy(Strategy::DualMapped);
        assert!(
            matches!(forced, Err(Error::MemoryFile { operation: "create", ref source, .. })
                if source.raw_os_error() == Some(libc::ENOSYS)),
            "{forced:?}"
        );

        let pool = CodePool::new().unwrap();
        assert_eq!(pool.strategy(), Strategy::PerBuffer);
        // mov x0, #42 ; ret
        let code = [Instruction::new(0xD280_0540), Instruction::new(0xD65F_03C0)];
        let bufs: Vec<_> = (0..10)
            .map(|_| {
                let b = CodeBuffer::in_pool(&pool);
                b.commit(&code).unwrap();
                b
            })
            .collect();
        for b in &bufs {
            let entry = b.entry().unwrap();
            assert_eq!(entry.bytes(), Instruction::slice_as_bytes(&code));
            #[cfg(target_arch = "aarch64")]
            {
                // SAFETY: the code takes nothing and returns 42; the buffer is alive.
                let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
                assert_eq!(f(), 42);
            }
        }
        let s = pool.stats();
        assert_eq!(
            (s.live_functions, s.committed_bytes, s.chunks),
            (10, 80, 10)
        );
        drop(bufs);
        assert_eq!(pool.stats().live_functions, 0);
        Some(())
    })
    .join()
    .unwrap();
    if outcome.is_none() {
        eprintln!(
            "note: seccomp filters are unavailable here (an emulator?); fallback not exercised"
        );
    }
}
