//! Observers of committed code, checked from outside: `symbolize` for every live function and
//! none after drop (also under concurrent commits and drops), exact perf-map lines, and a
//! jitdump read back by the parser below, written from perf's jitdump specification.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use jitkit::{Assembler, CodeBuffer, CodePool, Instruction, Strategy};

/// `n` instructions: `add x0, x0, #1` repeated, then `ret`.
fn code(n: usize) -> Vec<Instruction> {
    let mut v = vec![Instruction::new(0x9100_0400); n - 1];
    v.push(Instruction::new(0xD65F_03C0));
    v
}

#[test]
fn symbolize_names_every_live_function_and_none_after_drop() {
    let pool = CodePool::new().unwrap();
    let mut bufs = Vec::new();
    for i in 0..200usize {
        let buf = if i % 2 == 0 {
            CodeBuffer::in_pool(&pool).named(format!("f{i}"))
        } else {
            CodeBuffer::new().named(format!("f{i}"))
        };
        buf.commit(&code(1 + i % 7)).unwrap();
        bufs.push((i, buf));
    }
    for (i, buf) in &bufs {
        let e = buf.entry().unwrap();
        let start = e.as_ptr() as usize;
        for off in [0, e.len() - 1, e.len() / 2] {
            let s = jitkit::symbolize(start + off).expect("live code has a symbol");
            assert_eq!(s.name(), format!("f{i}"));
            assert_eq!((s.start(), s.len(), s.offset()), (start, e.len(), off));
        }
        assert!(jitkit::symbolize(start + e.len()).is_none_or(|s| s.name() != format!("f{i}")));
    }
    let gone: Vec<(usize, usize)> = bufs
        .drain(..100)
        .map(|(i, b)| (i, b.entry().unwrap().as_ptr() as usize))
        .collect();
    for (i, start) in gone {
        // The address may hold new code by now, but never the dropped function's name.
        assert!(
            jitkit::symbolize(start).is_none_or(|s| s.name() != format!("f{i}")),
            "f{i} is dropped"
        );
        if i % 2 == 0 {
            // Nothing else commits into this pool: its freed space stays unnamed.
            assert!(jitkit::symbolize(start).is_none(), "f{i} is dropped");
        }
    }
    let unnamed = CodeBuffer::new();
    let e = unnamed.commit(&code(2)).unwrap();
    let s = jitkit::symbolize(e.as_ptr() as usize + 4).unwrap();
    assert_eq!(s.name(), format!("jit_{:x}", e.as_ptr() as usize));
    assert_eq!(s.to_string(), format!("jit_{:x}+0x4", e.as_ptr() as usize));
}

#[test]
fn entry_points_are_symbols_of_their_own() {
    let mut asm = Assembler::new();
    jitkit::dynasm!(asm ; .arch aarch64 ; nop);
    asm.entry_point("first").unwrap();
    jitkit::dynasm!(asm ; .arch aarch64 ; nop ; nop ; ret);
    asm.entry_point("second").unwrap();
    jitkit::dynasm!(asm ; .arch aarch64 ; ret);
    let code = asm.finish().unwrap();
    let buf = CodeBuffer::new().named("module");
    let e = buf.commit(&code).unwrap();
    let at = |off: usize| jitkit::symbolize(e.as_ptr() as usize + off).unwrap();
    assert_eq!((at(0).name(), at(0).len()), ("module", 4));
    assert_eq!((at(4).name(), at(4).len()), ("module::first", 12));
    assert_eq!((at(12).name(), at(12).offset()), ("module::first", 8));
    assert_eq!((at(16).name(), at(16).len()), ("module::second", 4));
}

/// Readers racing with commits and drops on other threads only ever see a symbol whose name,
/// start and length belong together (each name spells its length), and never a dropped one.
#[test]
fn symbolize_is_consistent_under_concurrent_commits_and_drops() {
    let pool = CodePool::new().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                for round in 0..300usize {
                    let n = 1 + (round + t) % 9;
                    let buf = CodeBuffer::in_pool(&pool).named(format!("len{}", 4 * n));
                    let e = buf.commit(&code(n)).unwrap();
                    let s = jitkit::symbolize(e.as_ptr() as usize).unwrap();
                    assert_eq!(s.len(), 4 * n);
                }
            })
        })
        .collect();
    let reader = {
        let pool = pool.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen = 0u64;
            let probe = CodeBuffer::in_pool(&pool);
            let base = probe.commit(&code(1)).unwrap().as_ptr() as usize;
            while !stop.load(Ordering::Relaxed) {
                for addr in (base.saturating_sub(1 << 16)..base + (1 << 16)).step_by(4) {
                    if let Some(s) = jitkit::symbolize(addr) {
                        if let Some(len) = s.name().strip_prefix("len") {
                            assert_eq!(len.parse::<usize>().unwrap(), s.len(), "{s:?}");
                            assert!(s.offset() < s.len());
                            seen += 1;
                        }
                    }
                }
            }
            seen
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
}

/// What the child below committed: name, start, bytes.
struct Committed {
    name: String,
    start: usize,
    bytes: Vec<u8>,
}

fn parse_child(stdout: &str) -> (u32, Vec<Committed>, Vec<String>) {
    let mut pid = 0;
    let mut commits = Vec::new();
    let mut maps = Vec::new();
    for line in stdout.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.first() {
            Some(&"pid") => pid = f[1].parse().unwrap(),
            Some(&"commit") => commits.push(Committed {
                name: f[1].to_owned(),
                start: usize::from_str_radix(f[2], 16).unwrap(),
                bytes: (0..f[3].len() / 2)
                    .map(|i| u8::from_str_radix(&f[3][2 * i..2 * i + 2], 16).unwrap())
                    .collect(),
            }),
            Some(&"map") => maps.push(f[1..].join(" ")),
            _ => {}
        }
    }
    (pid, commits, maps)
}

/// The child: switched on by the environment, commits named functions (one address twice)
/// and prints what it committed and its mappings of the jitdump file.
#[test]
fn child_commits_with_tools_on() {
    if common::child_role().as_deref() != Some("tools") {
        return;
    }
    let pool = CodePool::new().unwrap();
    // perf looks perf-map names up in anonymous memory only: with the switch on, a default
    // pool's code is there rather than in a memory file.
    assert_eq!(pool.strategy(), Strategy::PerBuffer);
    // The harness has printed `test NAME ... ` without a line break.
    println!("\npid {}", std::process::id());
    let mut keep = Vec::new();
    for (i, n) in [3usize, 1, 8, 5].iter().enumerate() {
        let buf = CodeBuffer::in_pool(&pool).named(format!("tool_fn{i}"));
        let e = buf.commit(&code(*n)).unwrap();
        let hex: String = e.bytes().iter().map(|b| format!("{b:02x}")).collect();
        let at = e.as_ptr() as usize;
        println!("commit tool_fn{i} {at:x} {hex}");
        let region = common::region_of(at).expect("committed code is mapped");
        assert!(
            region.name.is_empty(),
            "tool_fn{i} is in {region:?}, not in anonymous memory"
        );
        keep.push(buf);
    }
    // The same size again and again: the pool may hand back the same address.
    for round in 0..3 {
        let buf = CodeBuffer::new().named(format!("again{round}"));
        let e = buf.commit(&code(2)).unwrap();
        let hex: String = e.bytes().iter().map(|b| format!("{b:02x}")).collect();
        println!("commit again{round} {:x} {hex}", e.as_ptr() as usize);
    }
    for r in common::maps() {
        if r.name.contains("jit-") {
            println!("map {} {}", r.perms, r.name);
        }
    }
}

/// A jitdump file, as perf's `jitdump-specification.txt` defines it.
struct JitDump {
    elf_mach: u32,
    pid: u32,
    loads: Vec<Load>,
}

struct Load {
    timestamp: u64,
    pid: u32,
    vma: u64,
    code_addr: u64,
    code_index: u64,
    name: String,
    code: Vec<u8>,
}

fn parse_jitdump(data: &[u8]) -> JitDump {
    let u32_at = |o: usize| u32::from_le_bytes(data[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(data[o..o + 8].try_into().unwrap());
    assert_eq!(
        u32_at(0),
        0x4A69_5444,
        "magic 'JiTD' in the writer's (little) endian"
    );
    assert_eq!(u32_at(4), 1, "version");
    let header = u32_at(8) as usize;
    assert_eq!(header, 40, "header size");
    assert_eq!(u32_at(16), 0, "pad1");
    assert_eq!(u64_at(32), 0, "flags: no arch timestamp");
    let mut dump = JitDump {
        elf_mach: u32_at(12),
        pid: u32_at(20),
        loads: Vec::new(),
    };
    let mut at = header;
    while at < data.len() {
        let (id, size, timestamp) = (u32_at(at), u32_at(at + 4) as usize, u64_at(at + 8));
        assert!(
            size >= 16 && at + size <= data.len(),
            "record size {size} at {at}"
        );
        if id == 0 {
            let code_size = u64_at(at + 40) as usize;
            let name_at = at + 56;
            let nul = data[name_at..].iter().position(|&b| b == 0).unwrap();
            let code_at = name_at + nul + 1;
            assert_eq!(code_at + code_size, at + size, "JIT_CODE_LOAD size");
            dump.loads.push(Load {
                timestamp,
                pid: u32_at(at + 16),
                vma: u64_at(at + 24),
                code_addr: u64_at(at + 32),
                code_index: u64_at(at + 48),
                name: String::from_utf8(data[name_at..name_at + nul].to_vec()).unwrap(),
                code: data[code_at..code_at + code_size].to_vec(),
            });
        }
        at += size;
    }
    dump
}

#[test]
fn perf_map_and_jitdump_describe_every_commit() {
    if common::child_role().is_some() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("jitkit-jitdump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = common::run_child_with_env(
        "child_commits_with_tools_on",
        "tools",
        &[
            ("JITKIT_PERF_MAP", "1"),
            ("JITKIT_JITDUMP", "1"),
            ("JITKIT_JITDUMP_DIR", dir.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let (pid, commits, maps) = parse_child(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(commits.len(), 7);

    // perf map: exactly one line per commit, in order.
    let map_path = format!("/tmp/perf-{pid}.map");
    let map = std::fs::read_to_string(&map_path).unwrap_or_else(|e| {
        panic!(
            "{map_path}: {e}; child said {:?}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let want: String = commits
        .iter()
        .map(|c| format!("{:x} {:x} {}\n", c.start, c.bytes.len(), c.name))
        .collect();
    assert_eq!(map, want);
    let _ = std::fs::remove_file(&map_path);

    // jitdump: header, marker mapping, one load per commit with its bytes.
    let dump_name = format!("jit-{pid}.dump");
    assert!(
        maps.iter()
            .any(|m| m.starts_with("r-x") && m.ends_with(&dump_name)),
        "the jitdump file is mapped read+execute (perf's marker): {maps:?}"
    );
    let dump = parse_jitdump(&std::fs::read(dir.join(&dump_name)).unwrap());
    // The host's instruction set: EM_AARCH64 (183) or EM_X86_64 (62).
    let host = jitkit::Isa::host().unwrap().elf_machine();
    assert_eq!(dump.elf_mach, u32::from(host));
    assert_eq!(
        host,
        if cfg!(target_arch = "x86_64") {
            62
        } else {
            183
        }
    );
    assert_eq!(dump.pid, pid);
    assert_eq!(dump.loads.len(), commits.len());
    let mut indices = HashSet::new();
    let mut last = 0;
    for (load, c) in dump.loads.iter().zip(&commits) {
        assert_eq!(load.name, c.name);
        assert_eq!(load.pid, pid);
        assert_eq!((load.vma, load.code_addr), (c.start as u64, c.start as u64));
        assert_eq!(load.code, c.bytes, "{}: code bytes", c.name);
        assert!(load.timestamp >= last, "timestamps never decrease");
        last = load.timestamp;
        assert!(indices.insert(load.code_index), "code_index is unique");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_tool_that_cannot_start_is_an_error() {
    if common::child_role().as_deref() != Some("bad_dir") {
        if common::child_role().is_none() {
            let out = common::run_child_with_env(
                "a_tool_that_cannot_start_is_an_error",
                "bad_dir",
                &[("JITKIT_JITDUMP_DIR", "/nonexistent/jitkit")],
            );
            assert!(out.status.success(), "{out:?}");
        }
        return;
    }
    let err = jitkit::observe::enable(jitkit::observe::Tool::JitDump).unwrap_err();
    assert!(matches!(err, jitkit::Error::Observer { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent/jitkit"), "{err}");
}

/// `symbolize` from a signal handler: the handler looks up an address and records what it
/// found in atomics (no allocation, no lock), as a crash handler would.
#[cfg(unix)]
#[test]
fn symbolize_works_inside_a_signal_handler() {
    use std::sync::atomic::AtomicUsize;
    static ADDR: AtomicUsize = AtomicUsize::new(0);
    static FOUND_START: AtomicUsize = AtomicUsize::new(0);
    static FOUND_NAME_LEN: AtomicUsize = AtomicUsize::new(0);
    extern "C" fn handler(_sig: libc::c_int) {
        if let Some(s) = jitkit::symbolize(ADDR.load(Ordering::SeqCst)) {
            FOUND_START.store(s.start(), Ordering::SeqCst);
            FOUND_NAME_LEN.store(s.name().len(), Ordering::SeqCst);
        }
    }
    let buf = CodeBuffer::new().named("in_a_handler");
    let e = buf.commit(&code(4)).unwrap();
    ADDR.store(e.as_ptr() as usize + 8, Ordering::SeqCst);
    // SAFETY: a zeroed sigaction with a plain handler for SIGUSR2, which no other test uses;
    // the handler only loads and stores atomics and calls the async-signal-safe `symbolize`.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR2, &action, std::ptr::null_mut()),
            0
        );
        assert_eq!(libc::raise(libc::SIGUSR2), 0);
    }
    assert_eq!(FOUND_START.load(Ordering::SeqCst), e.as_ptr() as usize);
    assert_eq!(FOUND_NAME_LEN.load(Ordering::SeqCst), "in_a_handler".len());
}
