//! Frames built by `Assembler::prologue(locals, saves)` and undone by `epilogue(frame)`:
//!
//! - their words are llvm-mc's encodings of the AAPCS64 frame sequence, for every shape of
//!   frame (no saves, odd and even counts, general and floating-point registers, locals below,
//!   at and above the probe interval);
//! - callee-saved registers a function clobbers reach its caller unchanged, checked by a
//!   hand-written trampoline that sets `x19`–`x28` and `d8`–`d15` before the call and reads
//!   them after (and a function that clobbers a register it did not save is caught);
//! - locals are addressable from `x29` and `sp` is 16-byte aligned, seen from a Rust callback;
//! - the frame-record chain is walkable from a Rust callback: `x29` points at the record, the
//!   record holds the caller's `x29` and the return address right after the caller's `bl`, and
//!   the saved registers are where `Frame::save_offset` says.
//!
//! Execution is AArch64-only; on other hosts the code is assembled and committed.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::XorShift;
use jitkit::aarch64::{CalleeSaved, Frame, RX, RXSP};
use jitkit::{a64, dynasm, Assembler, CodeBuffer, DynasmApi, Instruction};

/// A pseudo-random subset of the callee-saved registers.
fn subset(rng: &mut XorShift) -> Vec<CalleeSaved> {
    let bits = rng.next_u64();
    CalleeSaved::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| bits >> i & 1 == 1)
        .map(|(_, r)| r)
        .collect()
}

/// The save sets every test goes through: the shapes that pair differently, then random ones.
fn save_sets() -> Vec<Vec<CalleeSaved>> {
    use CalleeSaved::*;
    let mut sets = vec![
        vec![],
        vec![X19],
        vec![X19, X20],
        vec![X19, X20, X21],
        CalleeSaved::GENERAL.to_vec(),
        vec![D8],
        vec![D8, D9, D15],
        vec![X28, D8],
        vec![X19, X21, X23, D9, D10],
        CalleeSaved::ALL.to_vec(),
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    sets.extend((0..20).map(|_| subset(&mut rng)));
    sets
}

// ---------------------------------------------------------------------------------------------
// Encodings against llvm-mc.

fn llvm_mc() -> String {
    std::env::var("LLVM_MC").unwrap_or_else(|_| "llvm-mc".to_owned())
}

/// The words of each `fN:`-labelled group of `source`, as llvm-mc encodes them.
fn llvm_encodings(source: &str, count: usize) -> Vec<Vec<u32>> {
    let mc = llvm_mc();
    let mut child = Command::new(&mc)
        .args(["-triple=aarch64", "-show-encoding"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("running {mc}: {e} (llvm-mc is required: `cargo xtask setup`, or set LLVM_MC)")
        });
    let mut stdin = child.stdin.take().unwrap();
    let source = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(source.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{mc} rejected the expected frames:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut groups = vec![Vec::new(); count];
    let mut current = None;
    for line in String::from_utf8_lossy(&out.stdout).lines().map(str::trim) {
        if let Some(n) = line.strip_prefix('f').and_then(|l| l.strip_suffix(':')) {
            current = n.parse::<usize>().ok();
        } else if let Some((_, enc)) = line.split_once("encoding: [") {
            let bytes: Vec<u8> = enc
                .trim_end_matches(']')
                .split(',')
                .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).unwrap())
                .collect();
            let n = current.expect("an encoding before the first label");
            groups[n].push(u32::from_le_bytes(bytes.try_into().unwrap()));
        }
    }
    groups
}

/// A register's name in LLVM's syntax.
fn name(r: CalleeSaved) -> String {
    if r.is_fp() {
        format!("d{}", r.number())
    } else {
        format!("x{}", r.number())
    }
}

/// The AAPCS64 frame for `locals` and `saves`, in LLVM's syntax, written from the layout the
/// crate documents (record at `x29`, saves above it in ascending pairs, locals below, probed a
/// page at a time beyond 4 KiB), independently of how jitkit emits it.
fn expected_frame(locals: usize, saves: &[CalleeSaved]) -> String {
    let mut regs = saves.to_vec();
    regs.sort();
    regs.dedup();
    let locals = locals.div_ceil(16) * 16;
    let record = 16 + (8 * regs.len()).div_ceil(16) * 16;
    // The saves, pairs of the same register file at consecutive slots.
    let mut moves = Vec::new();
    let mut i = 0;
    while i < regs.len() {
        let offset = 16 + 8 * i;
        match regs.get(i + 1) {
            Some(&next) if next.is_fp() == regs[i].is_fp() => {
                moves.push((format!("{}, {}", name(regs[i]), name(next)), offset, true));
                i += 2;
            }
            _ => {
                moves.push((name(regs[i]), offset, false));
                i += 1;
            }
        }
    }
    let mut text = vec![
        format!("stp x29, x30, [sp, #-{record}]!"),
        "mov x29, sp".to_owned(),
    ];
    for (regs, offset, pair) in &moves {
        let op = if *pair { "stp" } else { "str" };
        text.push(format!("{op} {regs}, [sp, #{offset}]"));
    }
    let rest = if locals > 4096 {
        let pages = locals / 4096;
        if pages < 0x10000 || pages.is_multiple_of(0x10000) {
            text.push(format!("mov x17, #{pages}"));
        } else {
            text.push(format!("movz x17, #{}", pages & 0xffff));
            text.push(format!("movk x17, #{}, lsl #16", pages >> 16));
        }
        text.push("sub sp, sp, #1, lsl #12".to_owned());
        text.push("str xzr, [sp]".to_owned());
        text.push("subs x17, x17, #1".to_owned());
        text.push("b.ne #-12".to_owned());
        locals % 4096
    } else {
        locals
    };
    if rest == 4096 {
        text.push("sub sp, sp, #1, lsl #12".to_owned());
    } else if rest > 0 {
        text.push(format!("sub sp, sp, #{rest}"));
    }
    text.push("mov sp, x29".to_owned());
    for (regs, offset, pair) in &moves {
        let op = if *pair { "ldp" } else { "ldr" };
        text.push(format!("{op} {regs}, [sp, #{offset}]"));
    }
    text.push(format!("ldp x29, x30, [sp], #{record}"));
    text.push("ret".to_owned());
    text.join("\n")
}

fn emitted_frame(locals: usize, saves: &[CalleeSaved]) -> Vec<u32> {
    let mut asm = Assembler::new();
    let frame = asm.prologue(locals, saves).unwrap();
    asm.epilogue(frame);
    asm.finish()
        .unwrap()
        .instructions
        .iter()
        .map(|i| i.word())
        .collect()
}

#[test]
fn prologue_and_epilogue_encode_as_llvm_mc_encodes_the_aapcs64_frame() {
    let locals = [
        0,
        8,
        20,
        4095,
        4096,
        4097,
        3 * 4096 + 40,
        1 << 20,
        (1 << 28) + 16,
        (0x12345 << 12) + 32,
    ];
    let mut cases = Vec::new();
    for saves in save_sets() {
        for &l in &locals {
            cases.push((l, saves.clone()));
        }
    }
    let mut source = String::new();
    for (i, (l, saves)) in cases.iter().enumerate() {
        source.push_str(&format!("f{i}:\n{}\n", expected_frame(*l, saves)));
    }
    let expected = llvm_encodings(&source, cases.len());
    let mut failures = Vec::new();
    for (i, (l, saves)) in cases.iter().enumerate() {
        let got = emitted_frame(*l, saves);
        if got != expected[i] {
            failures.push(format!(
                "prologue({l}, {saves:?}):\n  jitkit  {got:08x?}\n  llvm-mc {:08x?}\n{}",
                expected[i],
                expected_frame(*l, saves)
            ));
        }
    }
    assert!(cases.len() >= 300, "only {} frames", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} frames differ from llvm-mc:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Execution.

/// `fn(f, input, output, arg) -> u64`: sets `x19`–`x28` and `d8`–`d15` from `input[0..18]`,
/// calls `f(arg)`, writes the same registers to `output[0..18]` and `x29 - sp` to
/// `output[18]` (0 when `f` gave `sp` back), restores its own caller's registers and returns
/// what `f` returned. Written out by hand, not with `prologue`, so that it checks it.
fn trampoline() -> Vec<Instruction> {
    a64! {
        ; stp x29, x30, [sp, #-176]!
        ; mov x29, sp
        ; stp x19, x20, [sp, #16]
        ; stp x21, x22, [sp, #32]
        ; stp x23, x24, [sp, #48]
        ; stp x25, x26, [sp, #64]
        ; stp x27, x28, [sp, #80]
        ; stp d8, d9, [sp, #96]
        ; stp d10, d11, [sp, #112]
        ; stp d12, d13, [sp, #128]
        ; stp d14, d15, [sp, #144]
        ; str x2, [sp, #160]
        ; mov x16, x0
        ; ldp x19, x20, [x1]
        ; ldp x21, x22, [x1, #16]
        ; ldp x23, x24, [x1, #32]
        ; ldp x25, x26, [x1, #48]
        ; ldp x27, x28, [x1, #64]
        ; ldp d8, d9, [x1, #80]
        ; ldp d10, d11, [x1, #96]
        ; ldp d12, d13, [x1, #112]
        ; ldp d14, d15, [x1, #128]
        ; mov x0, x3
        ; blr x16
        ; ldr x2, [x29, #160]
        ; stp x19, x20, [x2]
        ; stp x21, x22, [x2, #16]
        ; stp x23, x24, [x2, #32]
        ; stp x25, x26, [x2, #48]
        ; stp x27, x28, [x2, #64]
        ; stp d8, d9, [x2, #80]
        ; stp d10, d11, [x2, #96]
        ; stp d12, d13, [x2, #112]
        ; stp d14, d15, [x2, #128]
        ; mov x9, sp
        ; sub x9, x29, x9
        ; str x9, [x2, #144]
        ; mov sp, x29
        ; ldp x19, x20, [sp, #16]
        ; ldp x21, x22, [sp, #32]
        ; ldp x23, x24, [sp, #48]
        ; ldp x25, x26, [sp, #64]
        ; ldp x27, x28, [sp, #80]
        ; ldp d8, d9, [sp, #96]
        ; ldp d10, d11, [sp, #112]
        ; ldp d12, d13, [sp, #128]
        ; ldp d14, d15, [sp, #144]
        ; ldp x29, x30, [sp], #176
        ; ret
    }
    .unwrap()
}

/// What [`observe_frame`] saw, per thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Seen {
    fp: usize,
    sp: usize,
    local: u64,
}

thread_local! {
    static SEEN: std::cell::Cell<Seen> = const { std::cell::Cell::new(Seen { fp: 0, sp: 0, local: 0 }) };
}

/// Called by the function under test with its `x29`, its `sp` and the address of its lowest
/// local: records them and the local's value, and triples the local.
extern "C" fn observe_frame(fp: usize, sp: usize, lowest: *mut u64) -> u64 {
    // SAFETY: `lowest` is the address of a local of the JIT frame that called us, which is
    // live (below its x29, at or above its sp) until we return.
    let local = unsafe { lowest.read() };
    SEEN.with(|s| s.set(Seen { fp, sp, local }));
    // SAFETY: as above.
    unsafe { lowest.write(local * 3) };
    0
}

/// `fn(arg) -> 4 * arg` in a frame of `locals` (at least 8) bytes saving `saves`: stores `arg`
/// in its highest and lowest locals, overwrites every register in `clobber` (x19..x28 with
/// `load_imm64`, d8..d15 with `fmov`), calls [`observe_frame`], and returns the lowest local
/// (now `3 * arg`) plus the highest.
fn clobbering(
    locals: usize,
    saves: &[CalleeSaved],
    clobber: &[CalleeSaved],
) -> (Vec<Instruction>, Frame) {
    let mut asm = Assembler::new();
    let frame = asm.prologue(locals, saves).unwrap();
    let lowest = -(frame.locals() as i64);
    asm.store_word(RX::X0, RXSP::X29, -8).unwrap();
    asm.store_word(RX::X0, RXSP::X29, lowest).unwrap();
    for &r in clobber {
        let garbage = 0xDEAD_0000_0000_0000 | u64::from(r.number()) << 8 | r as u64;
        match r.general() {
            Some(x) => asm.load_imm64(x, garbage),
            None => {
                asm.load_imm64(RX::X9, garbage);
                let d = r.number();
                dynasm!(asm ; .arch aarch64 ; fmov D(d), x9);
            }
        }
    }
    dynasm!(asm ; .arch aarch64 ; mov x0, x29 ; mov x1, sp);
    asm.add_offset(RXSP::X2, RXSP::X29, lowest).unwrap();
    asm.call_abs(observe_frame as extern "C" fn(usize, usize, *mut u64) -> u64 as usize);
    asm.load_word(RX::X1, RXSP::X29, lowest).unwrap();
    asm.load_word(RX::X2, RXSP::X29, -8).unwrap();
    dynasm!(asm ; .arch aarch64 ; add x0, x1, x2);
    asm.epilogue(frame);
    (asm.finish().unwrap().instructions, frame)
}

/// The values the trampoline puts in x19..x28, d8..d15.
fn inputs(seed: u64) -> [u64; 18] {
    let mut rng = XorShift(seed);
    std::array::from_fn(|_| rng.next_u64())
}

/// Runs `code` through the trampoline with `arg`: (its result, the registers after, x29 - sp
/// after, what `observe_frame` saw). `None` where AArch64 code cannot run.
#[allow(unused_variables)]
fn run(code: &[Instruction], input: &[u64; 18], arg: u64) -> Option<(u64, [u64; 18], u64, Seen)> {
    let tramp = CodeBuffer::new();
    let tramp_entry = tramp.commit(&trampoline()).unwrap();
    let buf = CodeBuffer::new();
    let entry = buf.commit(code).unwrap();
    #[cfg(target_arch = "aarch64")]
    {
        type Tramp = extern "C" fn(usize, *const u64, *mut u64, u64) -> u64;
        // SAFETY: the trampoline has this signature and follows AAPCS64 (it saves and restores
        // everything it changes); `f` is a fn(u64) -> u64; both buffers outlive the call, and
        // `out` has room for the 19 words the trampoline writes.
        let t: Tramp = unsafe { tramp_entry.as_fn() };
        let mut out = [0u64; 19];
        SEEN.with(|s| s.set(Seen::default()));
        let result = t(
            entry.as_ptr() as usize,
            input.as_ptr(),
            out.as_mut_ptr(),
            arg,
        );
        let regs: [u64; 18] = out[..18].try_into().unwrap();
        Some((result, regs, out[18], SEEN.with(|s| s.get())))
    }
    #[cfg(not(target_arch = "aarch64"))]
    {
        let _ = (tramp_entry, entry);
        None
    }
}

#[test]
fn callee_saved_registers_survive_a_function_that_clobbers_them() {
    let mut cases = 0;
    for (k, saves) in save_sets().into_iter().enumerate() {
        for locals in [8, 40, 4096, 3 * 4096 + 24] {
            let (code, frame) = clobbering(locals, &saves, &saves);
            let input = inputs(k as u64 + 1);
            let arg = 1000 + k as u64;
            let Some((result, after, sp_delta, seen)) = run(&code, &input, arg) else {
                continue;
            };
            let what = format!("prologue({locals}, {saves:?})");
            assert_eq!(after, input, "{what}: callee-saved registers changed");
            assert_eq!(sp_delta, 0, "{what}: sp not given back");
            assert_eq!(result, 4 * arg, "{what}: locals");
            assert_eq!(seen.local, arg, "{what}: the lowest local, read from Rust");
            assert_eq!(
                seen.fp - seen.sp,
                frame.locals(),
                "{what}: sp = x29 - locals"
            );
            assert_eq!(seen.sp % 16, 0, "{what}: sp 16-byte aligned");
            assert_eq!(seen.fp % 16, 0, "{what}: x29 16-byte aligned");
            cases += 1;
        }
    }
    if cfg!(target_arch = "aarch64") {
        assert!(cases >= 100, "{cases}");
    }
}

/// The check above can fail: a function that clobbers a register its prologue did not save is
/// caught, and only that register differs.
#[test]
fn a_register_clobbered_but_not_saved_is_caught() {
    use CalleeSaved::*;
    let (code, _) = clobbering(16, &[X19, D8], &[X19, X24, D8, D13]);
    let input = inputs(7);
    if let Some((_, after, _, _)) = run(&code, &input, 1) {
        let changed: Vec<usize> = (0..18).filter(|&i| after[i] != input[i]).collect();
        // x24 is input[5], d13 is input[10 + 5].
        assert_eq!(changed, [5, 15]);
    }
}

/// What [`observe_chain`] read, per thread: x29 and the two records above it.
#[derive(Debug, Clone, Copy, Default)]
#[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
struct Chain {
    fp: usize,
    record: [usize; 2],
    caller_record: [usize; 2],
    saved_x19: u64,
    saved_d8: u64,
}

thread_local! {
    static CHAIN: std::cell::Cell<Chain> = const { std::cell::Cell::new(Chain { fp: 0, record: [0; 2], caller_record: [0; 2], saved_x19: 0, saved_d8: 0 }) };
    static INNER_FRAME: std::cell::Cell<Option<Frame>> = const { std::cell::Cell::new(None) };
}

/// Called with the inner JIT function's `x29`: walks the frame-record chain as an unwinder
/// does, and reads the registers the inner frame saved, where its `Frame` says they are.
extern "C" fn observe_chain(fp: usize) -> u64 {
    let frame = INNER_FRAME
        .with(|f| f.get())
        .expect("the inner frame is set");
    let word = |addr: usize| -> usize {
        // SAFETY: the addresses read are the two live JIT frames' records and save slots, on
        // this thread's stack, above this call's own frame.
        unsafe { (addr as *const usize).read() }
    };
    let record = [word(fp), word(fp + 8)];
    let caller_record = [word(record[0]), word(record[0] + 8)];
    let at = |r| fp.wrapping_add_signed(frame.save_offset(r).unwrap() as isize);
    CHAIN.with(|c| {
        c.set(Chain {
            fp,
            record,
            caller_record,
            saved_x19: word(at(CalleeSaved::X19)) as u64,
            saved_d8: word(at(CalleeSaved::D8)) as u64,
        })
    });
    7
}

#[test]
fn the_frame_record_chain_is_walkable_from_a_rust_callback() {
    use CalleeSaved::*;
    const MARK_X19: u64 = 0x1919_1919_0000_0019;
    const MARK_D8: u64 = 0x0808_0808_0000_0008;

    // outer(x) -> inner() + 1, inner() -> observe_chain(x29); one commit.
    let mut asm = Assembler::new();
    let inner = asm.new_dynamic_label();
    let outer_frame = asm.prologue(48, &[X19, X20, D8]).unwrap();
    asm.load_imm64(RX::X19, MARK_X19);
    asm.load_imm64(RX::X9, MARK_D8);
    dynasm!(asm ; .arch aarch64 ; fmov d8, x9 ; bl =>inner);
    let return_offset = asm.offset().0;
    dynasm!(asm ; .arch aarch64 ; add x0, x0, #1);
    asm.epilogue(outer_frame);
    dynasm!(asm ; .arch aarch64 ; =>inner);
    let inner_frame = asm.prologue(32, &[D8, X19, X25]).unwrap();
    dynasm!(asm ; .arch aarch64 ; mov x19, xzr ; fmov d8, xzr ; mov x0, x29);
    asm.call_abs(observe_chain as extern "C" fn(usize) -> u64 as usize);
    asm.epilogue(inner_frame);
    let code = asm.finish().unwrap().instructions;

    let buf = CodeBuffer::new().named("frames_outer");
    let entry = buf.commit(&code).unwrap();
    #[cfg(target_arch = "aarch64")]
    {
        INNER_FRAME.with(|f| f.set(Some(inner_frame)));
        // SAFETY: `outer` is a fn() -> u64 following AAPCS64; `buf` outlives the call.
        let outer: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        assert_eq!(outer(), 8);
        let chain = CHAIN.with(|c| c.get());
        let base = entry.as_ptr() as usize;
        let outer_fp = chain.record[0];
        // The inner record: the outer x29, and the return address right after the outer `bl`.
        assert_eq!(chain.record[1], base + return_offset, "{chain:x?}");
        // The outer frame sits right above the inner one: its locals, then the inner record.
        assert_eq!(
            outer_fp - chain.fp,
            outer_frame.locals() + inner_frame.record_size(),
            "{chain:x?}"
        );
        // The outer record returns into Rust, outside the JIT code.
        assert!(!(base..base + entry.len()).contains(&chain.caller_record[1]));
        // An unwinder finds the outer function by the return address, by name.
        let sym = jitkit::symbolize(chain.record[1]).unwrap();
        assert_eq!((sym.name(), sym.offset()), ("frames_outer", return_offset));
        // The registers the inner frame saved are the outer function's values.
        assert_eq!((chain.saved_x19, chain.saved_d8), (MARK_X19, MARK_D8));
    }
    #[cfg(not(target_arch = "aarch64"))]
    let _ = (entry, return_offset, MARK_D8);
}
