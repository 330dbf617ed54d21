//! Every way the public API can fail comes back as a typed `Error` whose message names the value
//! and the limit involved; commit is once per buffer; dynasm's immediate panics become errors
//! silently, while other panics keep propagating.

mod common;

use std::panic::{self, AssertUnwindSafe};

#[cfg(target_os = "linux")]
use common::maps;
use common::{child_role, run_child};
use jitkit::{a64, dynasm, Assembler, CodeBuffer, Error, Instruction, InstructionKind, LabelError};
#[cfg(target_os = "linux")]
use jitkit::{CodePool, Strategy};

const MOV_X0_42: u32 = 0xD280_0540;
const MOV_X0_7: u32 = 0xD280_00E0;
const RET: u32 = 0xD65F_03C0;

fn words(code: &[u8]) -> Vec<u32> {
    code.chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect()
}

fn assert_mentions(err: &Error, parts: &[&str]) {
    let msg = err.to_string();
    for p in parts {
        assert!(
            msg.contains(p),
            "message {msg:?} of {err:?} does not mention {p:?}"
        );
    }
}

#[test]
fn second_commit_is_refused_and_the_first_code_is_unchanged() {
    let buf = CodeBuffer::new();
    let first = buf
        .commit(&[Instruction::new(MOV_X0_42), Instruction::new(RET)])
        .unwrap();
    let (addr, len) = (first.as_ptr(), first.len());

    let second = buf.commit(&[Instruction::new(MOV_X0_7), Instruction::new(RET)]);
    let err = second.unwrap_err();
    assert!(matches!(err, Error::AlreadyCommitted), "{err:?}");
    assert_mentions(&err, &["already holds committed code"]);
    // A second failing attempt is refused the same way.
    assert!(matches!(
        buf.commit(&[Instruction::new(RET)]),
        Err(Error::AlreadyCommitted)
    ));

    let again = buf.entry().expect("still committed");
    assert!(buf.is_committed());
    assert_eq!((again.as_ptr(), again.len()), (addr, len));
    assert_eq!(words(again.bytes()), [MOV_X0_42, RET]);
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: the code is `mov x0, #42; ret`, a valid fn() -> u64; buf outlives the call.
        let f: extern "C" fn() -> u64 = unsafe { again.as_fn() };
        assert_eq!(f(), 42);
    }
}

#[test]
fn empty_input_is_refused_and_leaves_the_buffer_usable() {
    let buf = CodeBuffer::new();
    let err = buf.commit(&[]).unwrap_err();
    assert!(matches!(err, Error::Empty), "{err:?}");
    assert_mentions(&err, &["empty", "at least one instruction"]);
    assert!(!buf.is_committed());
    assert!(buf.entry().is_none());

    // An empty a64! block assembles to nothing, which cannot be committed either.
    let nothing = a64!().unwrap();
    assert!(nothing.is_empty());
    assert!(matches!(buf.commit(&nothing), Err(Error::Empty)));

    // A failed commit leaves the buffer empty: the next one succeeds.
    let ok = buf.commit(&[Instruction::new(RET)]).unwrap();
    assert_eq!(ok.len(), 4);
}

#[test]
fn too_large_input_names_its_size_and_the_limit() {
    const LIMIT: usize = 1 << 30;
    // vec! of zeros is calloc'd: lazily zeroed pages, never touched by the size check.
    let words = vec![0u32; LIMIT / 4 + 1];
    let buf = CodeBuffer::new();
    let err = buf.commit(Instruction::from_words(&words)).unwrap_err();
    match err {
        Error::TooLarge {
            instructions,
            bytes,
            limit,
        } => {
            assert_eq!(instructions, LIMIT / 4 + 1);
            assert_eq!(bytes, LIMIT as u128 + 4);
            assert_eq!(limit, LIMIT);
        }
        ref other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_mentions(
        &err,
        &[
            "268435457 instructions",
            "1073741828 bytes",
            "limit is 1073741824",
        ],
    );
    assert!(!buf.is_committed());
}

#[cfg(target_os = "linux")]
/// Above this many mappings per process, filling the table takes too long and too much kernel
/// memory to be a test (the Linux default is 65,530; some distributions raise it to 2^20).
const MAP_COUNT_CAP: usize = 1 << 21;

#[cfg(target_os = "linux")]
/// Child role: fill the process's mapping table (vm.max_map_count) so that the commit's mmap
/// fails, then print the error and free the table again.
fn exhaust_mappings_then_commit() {
    let max: usize = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(65_530);
    if max > MAP_COUNT_CAP {
        println!("CHILD-NO-MAPLIMIT {max}");
        return;
    }
    let mut held = Vec::new();
    loop {
        // Alternate protections so neighbouring mappings cannot merge into one.
        let prot = if held.len() % 2 == 0 {
            libc::PROT_READ
        } else {
            libc::PROT_NONE
        };
        // SAFETY: a fresh anonymous private mapping of one page; it aliases nothing.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                prot,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            break;
        }
        held.push(p);
        assert!(held.len() <= max, "{} mappings and no failure", held.len());
    }
    let buf = CodeBuffer::new();
    let result = buf.commit(&[Instruction::new(MOV_X0_42), Instruction::new(RET)]);
    for p in held {
        // SAFETY: each p is a one-page mapping made above and not used since.
        unsafe { libc::munmap(p, 4096) };
    }
    match result {
        Err(ref e @ Error::Map { size, ref source }) => {
            println!(
                "CHILD-MAP size={size} errno={:?} msg={e}",
                source.raw_os_error()
            );
        }
        other => println!("CHILD-UNEXPECTED {other:?}"),
    }
    // Once memory is available again, the same buffer commits.
    let ok = buf.commit(&[Instruction::new(MOV_X0_42), Instruction::new(RET)]);
    println!("CHILD-RETRY {}", ok.is_ok());
}

#[cfg(target_os = "linux")]
#[test]
fn map_failure_carries_the_os_error_and_the_size() {
    if child_role().as_deref() == Some("map") {
        return exhaust_mappings_then_commit();
    }
    let out = run_child("map_failure_carries_the_os_error_and_the_size", "map");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let page = page_size();
    let line = child_line(&stdout);
    if let Some(max) = line.strip_prefix("CHILD-NO-MAPLIMIT ") {
        eprintln!(
            "note: vm.max_map_count is {max}, too high to fill; Error::Map is not provoked here"
        );
        return;
    }
    assert!(
        line.starts_with(&format!("CHILD-MAP size={page} errno=Some(12)")),
        "{line}"
    );
    assert!(
        line.contains(&format!("mapping {page} bytes of read+write memory failed"))
            && line.contains("os error 12"),
        "{line}"
    );
    assert!(stdout.contains("CHILD-RETRY true"), "{stdout}");
}

#[cfg(target_os = "linux")]
/// The child's result line: from `CHILD-` to the end of its line (the harness prints
/// `test name ... ` in front of it).
fn child_line(stdout: &str) -> &str {
    let at = stdout
        .find("CHILD-")
        .unwrap_or_else(|| panic!("no result from the child: {stdout}"));
    stdout[at..].lines().next().unwrap_or_default()
}

#[cfg(target_os = "linux")]
fn page_size() -> usize {
    // SAFETY: sysconf only reads a system constant.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

#[cfg(target_os = "linux")]
/// Child role: forbid this process to make memory executable (Linux 6.3's
/// `PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN`) so that sealing the code read+execute fails.
fn refuse_exec_then_commit() {
    const PR_SET_MDWE: libc::c_int = 65;
    const PR_MDWE_REFUSE_EXEC_GAIN: libc::c_ulong = 1;
    // SAFETY: prctl with integer arguments; it changes only this (child) process's policy.
    let rc = unsafe { libc::prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) };
    if rc != 0 {
        println!("CHILD-NO-MDWE {}", std::io::Error::last_os_error());
        return;
    }
    let before = maps().len();
    let buf = CodeBuffer::new();
    let result = buf.commit(&[Instruction::new(MOV_X0_42), Instruction::new(RET)]);
    let after = maps();
    let wx = after
        .iter()
        .filter(|r| r.writable() && r.executable())
        .count();
    match result {
        Err(ref e @ Error::Protect {
            size,
            protection,
            ref source,
            ..
        }) => println!(
            "CHILD-PROTECT size={size} protection={protection} errno={:?} leaked={} wx={wx} committed={} msg={e}",
            source.raw_os_error(),
            after.len() as isize - before as isize,
            buf.is_committed(),
        ),
        other => println!("CHILD-UNEXPECTED {other:?}"),
    }
}

#[cfg(target_os = "linux")]
/// Needs a kernel that can forbid `PROT_EXEC` (Linux >= 6.3). qemu-user 7.2 refuses the prctl
/// (EINVAL), so under qemu this test can only check that the refusal is that one; the host run
/// of the suite (commit does not execute code) checks the error itself.
#[test]
fn protect_failure_carries_the_os_error_and_leaks_nothing() {
    if child_role().as_deref() == Some("protect") {
        return refuse_exec_then_commit();
    }
    let out = run_child(
        "protect_failure_carries_the_os_error_and_leaks_nothing",
        "protect",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let line = child_line(&stdout);
    if let Some(why) = line.strip_prefix("CHILD-NO-MDWE ") {
        assert!(why.contains("os error 22"), "{line}");
        eprintln!("note: this kernel or emulator cannot forbid PROT_EXEC ({why}); Error::Protect is checked by the host run");
        return;
    }
    let page = page_size();
    assert!(
        line.starts_with(&format!(
            "CHILD-PROTECT size={page} protection=read+execute errno=Some(13) leaked=0 wx=0 committed=false"
        )),
        "{line}"
    );
    assert!(
        line.contains(&format!("changing {page} bytes at 0x"))
            && line.contains("to read+execute failed")
            && line.contains("os error 13"),
        "{line}"
    );
}

#[cfg(target_os = "linux")]
/// Child role: no descriptor can be opened (RLIMIT_NOFILE at the next free descriptor), so the
/// pool's memory file cannot be created.
fn no_descriptors_then_make_pools() {
    // SAFETY: dup/close of stdin's descriptor only probe the lowest free descriptor number.
    let next = unsafe {
        let fd = libc::dup(0);
        assert!(fd >= 0, "dup: {}", std::io::Error::last_os_error());
        libc::close(fd);
        fd
    };
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit write/read the local struct; lowering the soft limit affects
    // only this (child) process.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = next as libc::rlim_t;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
    match CodePool::with_strategy(Strategy::DualMapped) {
        Err(
            ref e @ Error::MemoryFile {
                operation,
                size,
                ref source,
            },
        ) => println!(
            "CHILD-MEMFILE operation={operation} size={size} errno={:?} msg={e}",
            source.raw_os_error()
        ),
        other => println!("CHILD-UNEXPECTED {:?}", other.map(|p| p.strategy())),
    }
    // The default pool falls back to one mapping per buffer, which needs no descriptor.
    let pool = CodePool::new().unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    let ok = buf.commit(&[Instruction::new(MOV_X0_42), Instruction::new(RET)]);
    println!(" CHILD-FALLBACK {:?} {}", pool.strategy(), ok.is_ok());
}

#[cfg(target_os = "linux")]
/// Child role: files may not grow (RLIMIT_FSIZE of one page, SIGXFSZ ignored), so the pool's
/// memory file cannot grow by a chunk at the first commit.
fn no_file_growth_then_commit() {
    // SAFETY: ignoring SIGXFSZ (so a refused ftruncate returns EFBIG instead of killing the
    // process) and lowering RLIMIT_FSIZE affect only this (child) process.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let limit = libc::rlimit {
            rlim_cur: 4096,
            rlim_max: libc::RLIM_INFINITY,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let pool = CodePool::builder()
        .chunk_size(1 << 20)
        .strategy(Strategy::DualMapped)
        .build()
        .unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    match buf.commit(&[Instruction::new(MOV_X0_42), Instruction::new(RET)]) {
        Err(
            ref e @ Error::MemoryFile {
                operation,
                size,
                ref source,
            },
        ) => println!(
            "CHILD-MEMFILE operation={operation} size={size} errno={:?} committed={} msg={e}",
            source.raw_os_error(),
            buf.is_committed()
        ),
        other => println!("CHILD-UNEXPECTED {other:?}"),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn memory_file_failures_name_the_operation_size_and_os_error() {
    match child_role().as_deref() {
        Some("create") => return no_descriptors_then_make_pools(),
        Some("grow") => return no_file_growth_then_commit(),
        _ => {}
    }
    let name = "memory_file_failures_name_the_operation_size_and_os_error";

    let out = run_child(name, "create");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let line = child_line(&stdout);
    assert!(
        line.starts_with("CHILD-MEMFILE operation=create size=0 errno=Some(24)"),
        "{line}"
    );
    assert!(
        line.contains("create of the code pool's memory file (0 bytes) failed")
            && line.contains("os error 24"),
        "{line}"
    );
    assert!(stdout.contains("CHILD-FALLBACK PerBuffer true"), "{stdout}");

    let out = run_child(name, "grow");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let line = child_line(&stdout);
    assert!(
        line.starts_with(
            "CHILD-MEMFILE operation=grow size=1048576 errno=Some(27) committed=false"
        ),
        "{line}"
    );
    assert!(
        line.contains("grow of the code pool's memory file (1048576 bytes) failed")
            && line.contains("os error 27"),
        "{line}"
    );
}

#[test]
fn undefined_labels_are_errors_naming_the_label() {
    let local = a64!(; b >missing ; ret).unwrap_err();
    assert!(
        matches!(local, Error::Label(LabelError::Undefined(ref l)) if l.contains("missing")),
        "{local:?}"
    );
    assert_mentions(&local, &["missing", "never defined"]);

    let global = a64!(; bl ->nowhere ; ret).unwrap_err();
    assert!(
        matches!(global, Error::Label(LabelError::Undefined(ref l)) if l.contains("nowhere")),
        "{global:?}"
    );
    assert_mentions(&global, &["nowhere", "never defined"]);

    let backward = a64!(; ret ; cbz x0, <gone).unwrap_err();
    assert!(
        matches!(backward, Error::Label(LabelError::Undefined(ref l)) if l.contains("gone")),
        "{backward:?}"
    );

    let dynamic = a64!(let never; ; b =>never).unwrap_err();
    assert!(
        matches!(dynamic, Error::Label(LabelError::Undefined(_))),
        "{dynamic:?}"
    );
    assert_mentions(&dynamic, &["=>never", "never defined"]);
}

#[test]
fn duplicate_labels_are_errors_naming_the_label() {
    let global = a64!(; ->twice: ; nop ; ->twice: ; b ->twice).unwrap_err();
    assert!(
        matches!(global, Error::Label(LabelError::Duplicate(ref l)) if l.contains("twice")),
        "{global:?}"
    );
    assert_mentions(&global, &["twice", "defined more than once"]);

    let dynamic = a64!(let l; ; =>l ; nop ; =>l ; b =>l).unwrap_err();
    assert!(
        matches!(dynamic, Error::Label(LabelError::Duplicate(ref l)) if l.ends_with("=>l")),
        "{dynamic:?}"
    );
}

#[test]
fn branch_out_of_label_range_is_an_error() {
    // b.cond reaches -1 MiB..=1 MiB - 4: put its target exactly 1 MiB away.
    let mut asm = Assembler::new();
    let far = asm.new_dynamic_label();
    dynasm!(asm ; .arch aarch64 ; b.eq =>far);
    for _ in 0..(1 << 18) - 1 {
        dynasm!(asm ; .arch aarch64 ; nop);
    }
    dynasm!(asm ; .arch aarch64 ; =>far ; ret);
    let err = asm.finish().unwrap_err();
    assert!(
        matches!(err, Error::Label(LabelError::OutOfRange(_))),
        "{err:?}"
    );
    assert_mentions(&err, &["out of the instruction's range"]);

    // One instruction less and it fits.
    let mut asm = Assembler::new();
    let near = asm.new_dynamic_label();
    dynasm!(asm ; .arch aarch64 ; b.eq =>near);
    for _ in 0..(1 << 18) - 2 {
        dynasm!(asm ; .arch aarch64 ; nop);
    }
    dynasm!(asm ; .arch aarch64 ; =>near ; ret);
    let code = asm.finish().unwrap().instructions;
    assert_eq!(code[0].kind(), InstructionKind::CondBranch);
    assert_eq!(code[0].branch_offset(), Some((1 << 20) - 4));
}

#[test]
fn branch_to_an_absolute_address_is_an_error_pointing_to_call_abs() {
    let target: usize = 0x1234_5678;
    let err = a64!(; bl extern target ; ret).unwrap_err();
    assert!(
        matches!(err, Error::Label(LabelError::Absolute(0x1234_5678))),
        "{err:?}"
    );
    assert_mentions(&err, &["0x12345678", "call_abs"]);
}

#[test]
fn adrp_to_a_label_is_an_error_because_its_page_depends_on_placement() {
    let err = a64!(; adrp x0, >data ; ret ; data: ; .u64 7).unwrap_err();
    assert!(
        matches!(err, Error::Label(LabelError::PageRelative(ref l)) if l.contains("data")),
        "{err:?}"
    );
    assert_mentions(&err, &["adrp", "data", "adr"]);
    // Through an assembler: emit reports it at once, naming the label, and finish again.
    let mut asm = Assembler::new();
    let target = asm.new_named_label("target");
    let err = asm
        .emit(|asm| dynasm!(asm ; .arch aarch64 ; adrp x1, =>target ; =>target ; ret))
        .unwrap_err();
    assert!(
        matches!(err, Error::Label(LabelError::PageRelative(ref l)) if l.contains("=>target")),
        "{err:?}"
    );
    assert!(matches!(
        asm.finish(),
        Err(Error::Label(LabelError::PageRelative(_)))
    ));
    // Every other PC-relative reference to a label is position-independent and accepted.
    let ok = a64!(
        ; adr x0, >data ; ldr x1, >data ; b >next ; next: ; b.eq >next2 ; next2:
        ; cbz x0, >next3 ; next3: ; tbz x0, #3, >next4 ; next4: ; bl >next5 ; next5: ; ret
        ; data: ; .u64 7
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn offset_rewriting_errors_name_offset_and_range() {
    let b = Instruction::new(0x1400_0000); // b .
    let err = b.with_branch_offset(128 << 20).unwrap_err();
    assert!(
        matches!(
            err,
            Error::OffsetOutOfRange {
                offset: 134_217_728,
                kind: InstructionKind::Branch,
                ..
            }
        ),
        "{err:?}"
    );
    assert_mentions(&err, &["134217728", "-134217728..=134217724", "128 MiB"]);

    let tbz = Instruction::new(0x3600_0000); // tbz w0, #0, .
    let err = tbz.with_branch_offset(-(32 << 10) - 4).unwrap_err();
    assert_mentions(&err, &["-32772", "-32768..=32764", "32 KiB"]);

    let err = b.with_branch_offset(6).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MisalignedOffset {
                offset: 6,
                alignment: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert_mentions(&err, &["offset 6", "multiple of 4 bytes"]);

    let adrp = Instruction::new(0x9000_0000);
    let err = adrp.with_branch_offset(2048).unwrap_err();
    assert_mentions(&err, &["offset 2048", "multiple of 4096 bytes"]);

    let err = Instruction::new(RET).with_branch_offset(8).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotPcRelative {
                word: RET,
                kind: InstructionKind::Other
            }
        ),
        "{err:?}"
    );
    assert_mentions(&err, &["0xd65f03c0", "no PC-relative offset"]);
}

/// An assembled block, and the value, statement and limit its error must name.
type ImmediateCase = (
    Result<Vec<Instruction>, Error>,
    &'static str,
    &'static str,
    &'static str,
);

/// Out-of-range dynamic immediates, one per instruction family, with the value each reports.
fn immediate_cases() -> Vec<ImmediateCase> {
    let add: u32 = 4096;
    let off: u32 = 32_768;
    let shift: u32 = 64;
    let wide: u32 = 65_536;
    let svc: u32 = 70_000;
    vec![
        (
            a64!(; mov x1, x0 ; add x0, x0, #add ; ret),
            "4096",
            "add x0, x0, #add",
            "4095",
        ),
        (
            a64!(; ldr x0, [x1, #off]),
            "32768",
            "ldr x0, [x1, #off]",
            "a multiple of 8 in 0..=32760",
        ),
        (
            a64!(; nop ; lsl x0, x1, #shift),
            "64",
            "lsl x0, x1, #shift",
            "0..=63",
        ),
        (
            a64!(; movz x0, #wide),
            "65536",
            "movz x0, #wide",
            "0..=65535",
        ),
        (a64!(; svc #svc), "70000", "svc #svc", "0..=65535"),
    ]
}

#[test]
fn out_of_range_dynamic_immediates_are_errors_naming_value_statement_and_limit() {
    for (result, value, statement, limit) in immediate_cases() {
        let err = result.expect_err(statement);
        match &err {
            Error::Immediate {
                value: v,
                statement: s,
                allowed,
            } => {
                assert_eq!(v, value);
                assert_eq!(s, statement);
                assert!(allowed.contains(limit), "{allowed}");
            }
            other => panic!("{statement}: expected Error::Immediate, got {other:?}"),
        }
        assert_mentions(&err, &[value, statement, limit]);
    }

    // In range, the same statements assemble.
    let add: u32 = 4095;
    assert_eq!(a64!(; add x0, x0, #add).unwrap()[0].word(), 0x913F_FC00);
}

#[test]
fn emit_returns_immediate_errors_and_spends_the_assembler() {
    let big: u32 = 5000;
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch aarch64 ; mov x0, x1))
        .unwrap();
    let err = asm
        .emit(|a| dynasm!(a ; .arch aarch64 ; sub x0, x0, #big))
        .unwrap_err();
    assert!(
        matches!(err, Error::Immediate { ref value, ref statement, allowed } if value == "5000" && statement == "sub x0, x0, #big" && allowed.contains("4095")),
        "{err:?}"
    );
    assert_mentions(&err, &["5000"]);
    // The failed instruction is missing, so finish reports the same error rather than short code.
    let again = asm.finish().unwrap_err();
    assert!(
        matches!(again, Error::Immediate { ref value, .. } if value == "5000"),
        "{again:?}"
    );
}

/// Child role: the silent path (roles "quiet") or, as a control that the check can see a
/// message, an ordinary panic that escapes a64! (role "loud").
fn immediate_paths(role: &str) {
    if role == "quiet" {
        let n = immediate_cases()
            .into_iter()
            .filter(|(r, ..)| r.is_err())
            .count();
        let big: u32 = 5000;
        let mut asm = Assembler::new();
        let emitted = asm.emit(|a| dynasm!(a ; .arch aarch64 ; sub x0, x0, #big));
        println!("CHILD-QUIET errors={n} emit_err={}", emitted.is_err());
    } else {
        let r = panic::catch_unwind(|| a64!(; add x0, x0, #boom()));
        println!("CHILD-LOUD caught={}", r.is_err());
    }
}

#[test]
fn immediate_errors_print_nothing_to_stderr() {
    if let Some(role) = child_role() {
        return immediate_paths(&role);
    }
    let quiet = run_child("immediate_errors_print_nothing_to_stderr", "quiet");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&quiet.stdout),
        String::from_utf8_lossy(&quiet.stderr),
    );
    assert!(quiet.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("CHILD-QUIET errors=5 emit_err=true"),
        "{stdout}"
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert!(!stderr.contains("out of range"), "stderr: {stderr}");

    // Control: the same check sees a panic message when there is one.
    let loud = run_child("immediate_errors_print_nothing_to_stderr", "loud");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&loud.stdout),
        String::from_utf8_lossy(&loud.stderr),
    );
    assert!(stdout.contains("CHILD-LOUD caught=true"), "{stdout}");
    assert!(
        stderr.contains("panicked") && stderr.contains("boom"),
        "stderr: {stderr}"
    );
}

fn lookalike() -> u32 {
    panic!("Immediate 5 is out of range, says the caller")
}

fn boom() -> u32 {
    panic!("boom: a bug in the caller's operand expression")
}

#[test]
fn other_panics_inside_a64_propagate() {
    let caught = panic::catch_unwind(|| a64!(; add x0, x0, #boom()));
    let payload = caught.expect_err("the panic must propagate");
    let msg = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default();
    assert!(msg.starts_with("boom"), "{msg:?}");

    let mut asm = Assembler::new();
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        asm.emit(|_| panic!("a code generator bug"))
    }));
    assert!(caught.is_err());

    // A panic that merely mentions an immediate is not dynasm's check: it propagates too.
    let caught = panic::catch_unwind(|| a64!(; add x0, x0, #lookalike()));
    assert!(caught.is_err());
}

/// The helpers take typed registers (a wrong kind does not compile: see the `compile_fail`
/// examples of `jitkit::aarch64`); what is left to check at run time is the scratch register
/// the large-offset forms need, and that error names it.
#[test]
fn the_scratch_register_in_a_large_offset_form_is_an_error_naming_it() {
    use jitkit::aarch64::{RX, RXSP};
    let mut asm = Assembler::new();
    let err = asm.load_word(RX::X0, RXSP::X17, 1 << 20).unwrap_err();
    assert!(matches!(err, Error::Register { reg: 17, .. }), "{err:?}");
    assert_mentions(&err, &["register 17", "load_word", "x17", "scratch"]);
    // The failed helper emitted nothing; the assembler goes on.
    asm.load_imm64(RX::X0, 1);
    asm.load_imm64(RX::XZR, 1); // discarded: nothing emitted
    assert_eq!(asm.finish().unwrap().instructions.len(), 1);
}

#[test]
fn partial_words_are_errors_naming_the_byte_count() {
    let err = a64!(; nop ; .u8 1, 2, 3).unwrap_err();
    assert!(matches!(err, Error::PartialWord { bytes: 7 }), "{err:?}");
    assert_mentions(&err, &["7 bytes", "4-byte"]);
    // Whole words of data are fine.
    let data = a64!(; .u32 0xD65F03C0 ; .u64 0x1122_3344_5566_7788).unwrap();
    assert_eq!(
        data.iter().map(|i| i.word()).collect::<Vec<_>>(),
        [0xD65F_03C0, 0x5566_7788, 0x1122_3344]
    );
}

#[test]
fn bad_entry_offsets_are_errors_naming_offset_and_length() {
    let buf = CodeBuffer::new();
    let code = [MOV_X0_42, MOV_X0_7, RET].map(Instruction::new);
    let entry = buf.commit(&code).unwrap();
    for offset in [12, 13, 2, 1 << 40] {
        let err = entry.at(offset).unwrap_err();
        assert!(
            matches!(err, Error::BadEntry { offset: o, len: 12 } if o == offset),
            "{err:?}"
        );
        assert_mentions(&err, &[&format!("offset {offset}"), "12 bytes"]);
    }
    let second = entry.at(4).unwrap();
    assert_eq!((second.offset(), second.len()), (4, 8));
    // Offsets are relative to the pointer they are taken from.
    let err = second.at(8).unwrap_err();
    assert!(
        matches!(err, Error::BadEntry { offset: 8, len: 8 }),
        "{err:?}"
    );
    assert_eq!(second.at(4).unwrap().offset(), 8);
}

#[test]
fn duplicate_entry_points_are_errors_naming_both_offsets() {
    let mut asm = Assembler::new();
    asm.entry_point("main").unwrap();
    dynasm!(asm ; .arch aarch64 ; nop ; nop);
    asm.entry_point("other").unwrap();
    let err = asm.entry_point("main").unwrap_err();
    assert!(
        matches!(err, Error::DuplicateEntry { ref name, first: 0, second: 8 } if name == "main"),
        "{err:?}"
    );
    assert_mentions(&err, &["`main`", "offsets 0 and 8"]);
    dynasm!(asm ; .arch aarch64 ; ret);
    let code = asm.finish().unwrap();
    assert_eq!(
        code.entries,
        [("main".to_owned(), 0), ("other".to_owned(), 8)]
    );
}
