//! Linking at commit: `extern` targets of an `Assembler` (A64) and of `x64!`/`x64::Assembler`
//! resolved against the address the code lands at: direct branches when in reach, veneers
//! beyond, errors naming target and distance for what has no veneer. Data next to code.
//!
//! The A64 calls run as AArch64 (under qemu on x86-64 hosts); the x86-64 calls run natively on
//! x86-64 hosts. Encodings are checked on every host.

mod common;

use common::llvm_bytes;

use jitkit::{
    a64, dynasm, x64, Assembler, CodeBuffer, CodePool, Error, Instruction, InstructionKind, Isa,
    JitFn, LabelError,
};

extern "C" fn times_three(x: u64) -> u64 {
    x.wrapping_mul(3)
}

/// The word at byte `offset` of a committed buffer.
fn word_at(buf: &CodeBuffer, offset: usize) -> Instruction {
    let b = &buf.entry().unwrap().bytes()[offset..offset + 4];
    Instruction::new(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[test]
fn a64_calls_resolve_directly_when_near_and_through_a_veneer_when_far() {
    let pool = CodePool::new().unwrap();
    // The first function: x0 + 1.
    let first = CodeBuffer::in_pool(&pool).named("first_fn");
    let first_at = first
        .commit(&a64!(; add x0, x0, #1 ; ret).unwrap())
        .unwrap();
    let first_addr = first_at.as_ptr() as usize;
    let rust_addr = times_three as extern "C" fn(u64) -> u64 as usize;

    // (x0 + 1) * 3, by calling both.
    let mut asm = Assembler::new();
    asm.emit(|a| {
        dynasm!(a ; .arch aarch64
            ; stp x29, x30, [sp, #-16]!
            ; mov x29, sp
            ; bl extern first_addr
            ; bl extern rust_addr
            ; ldp x29, x30, [sp], #16
            ; ret)
    })
    .unwrap();
    let linked = asm.finish().unwrap();
    assert_eq!(linked.relocations.len(), 2);
    assert_eq!(linked.relocations[0].offset, 8);
    assert_eq!(linked.relocations[1].target, rust_addr);

    let calls = CodeBuffer::in_pool(&pool).named("calls");
    let entry = calls.commit(&linked).unwrap();
    let base = entry.as_ptr() as usize;
    // Near: a direct BL to the first function.
    let bl = word_at(&calls, 8);
    assert_eq!(bl.kind(), InstructionKind::BranchLink);
    assert_eq!(
        bl.branch_offset(),
        Some(first_addr as i64 - (base + 8) as i64)
    );
    // Far or near, the second BL lands on the Rust function, directly or through a veneer
    // (`ldr x16, #8 ; br x16 ; .quad target`) after the code.
    let bl = word_at(&calls, 12);
    let lands = (base + 12).wrapping_add_signed(bl.branch_offset().unwrap() as isize);
    if lands != rust_addr {
        assert!(lands >= base + 24 && lands < base + entry.len());
        assert_eq!(word_at(&calls, lands - base).word(), 0x5800_0050);
        assert_eq!(word_at(&calls, lands - base + 4).word(), 0xD61F_0200);
        let lo = word_at(&calls, lands - base + 8).word() as u64;
        let hi = word_at(&calls, lands - base + 12).word() as u64;
        assert_eq!((hi << 32 | lo) as usize, rust_addr);
    }
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: AAPCS64 code of this signature, called while `calls` and `first` live.
        let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(13), 42);
    }
}

#[test]
fn a64_veneers_reach_any_distance_and_keep_the_return_address() {
    // A target 1 TiB away from wherever the code lands cannot be reached by a BL: the veneer
    // is used. Only the encoding is checked (nothing lives there).
    let mut asm = Assembler::new();
    let far = 0x0000_1234_5678_9000usize;
    asm.emit(|a| dynasm!(a ; .arch aarch64 ; bl extern far ; b extern far ; ret))
        .unwrap();
    let buf = CodeBuffer::new();
    let entry = buf.commit(&asm.finish().unwrap()).unwrap();
    let base = entry.as_ptr() as usize;
    if far.abs_diff(base) > 128 << 20 {
        // Both branches share one veneer at byte 16 (3 words, 1 of padding).
        assert_eq!(word_at(&buf, 0).branch_offset(), Some(16));
        assert_eq!(word_at(&buf, 4).branch_offset(), Some(12));
        assert_eq!(word_at(&buf, 12).word(), 0, "padding is udf #0");
        assert_eq!(entry.len(), 32);
    }
}

#[test]
fn adrp_and_literal_loads_link_to_nearby_data_and_fail_clearly_beyond_reach() {
    let pool = CodePool::new().unwrap();
    // Data committed into the same pool: within ±4 GiB of the code.
    let data = CodeBuffer::in_pool(&pool);
    let data_at = data
        .commit(&[Instruction::new(0x1122_3344), Instruction::new(0x5566_7788)])
        .unwrap()
        .as_ptr() as usize;
    let mut asm = Assembler::new();
    asm.emit(|a| {
        dynasm!(a ; .arch aarch64
            ; adrp x1, extern data_at
            ; add x1, x1, #(data_at & 0xfff) as u32
            ; ldr x0, [x1]
            ; ret)
    })
    .unwrap();
    let code = asm.finish().unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    let entry = buf.commit(&code).unwrap();
    let pc = entry.as_ptr() as usize;
    let adrp = word_at(&buf, 0);
    assert_eq!(
        adrp.branch_offset(),
        Some((data_at & !0xfff) as i64 - (pc & !0xfff) as i64)
    );
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: AAPCS64 code returning a u64; `data` lives.
        let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(), 0x5566_7788_1122_3344);
    }

    // A literal load or adr to an address far away has no veneer: an error naming it, and
    // the buffer stays empty.
    let far = pc ^ (1 << 45);
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch aarch64 ; ldr x0, extern far ; ret))
        .unwrap();
    let code = asm.finish().unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    let err = buf.commit(&code).unwrap_err();
    match &err {
        Error::Link { target, reason, .. } => {
            assert_eq!(*target, far);
            assert!(reason.contains("±1 MiB"), "{err}");
        }
        other => panic!("expected Error::Link, got {other:?}"),
    }
    assert!(err.to_string().contains(&format!("{far:#x}")), "{err}");
    assert!(!buf.is_committed());
    let before = pool.stats().live_functions;
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch aarch64 ; adrp x0, extern far ; ret))
        .unwrap();
    let err = CodeBuffer::in_pool(&pool)
        .commit(&asm.finish().unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("±4 GiB"), "{err}");
    assert_eq!(
        pool.stats().live_functions,
        before,
        "the failed commit's slot came back"
    );
}

#[test]
fn a64_macro_refuses_extern_targets_and_says_what_to_use() {
    let target = 0x1000usize;
    let err = a64!(; bl extern target ; ret).unwrap_err();
    assert!(
        matches!(err, Error::Label(LabelError::Absolute(0x1000))),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("Assembler") && text.contains("commit"),
        "{text}"
    );
}

#[test]
fn data_lives_with_the_code_and_is_read_through_literal_loads_and_adr() {
    let mut asm = Assembler::new();
    asm.emit(|a| {
        dynasm!(a ; .arch aarch64
            ; ldr x0, >value
            ; adr x1, >table
            ; ldr x2, [x1, #8]
            ; add x0, x0, x2
            ; ret
            ; .align 8
            ; value:
            ; .u64 0x0102_0304_0506_0708
            ; table:
            ; .u64 1
            ; .u64 0x10
        )
    })
    .unwrap();
    let code = asm.finish().unwrap();
    assert_eq!(code.instructions.len(), 6 + 6);
    let buf = CodeBuffer::new();
    let entry = buf.commit(&code).unwrap();
    // The data words are in the commit, little-endian.
    assert_eq!(
        &entry.bytes()[24..32],
        &0x0102_0304_0506_0708u64.to_le_bytes()
    );
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: AAPCS64 code returning a u64.
        let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(), 0x0102_0304_0506_0718);
    }
}

#[test]
fn named_entries_have_their_own_length_and_a_jitfn_keeps_its_buffer() {
    let mut asm = Assembler::new();
    asm.entry_point("inc").unwrap();
    dynasm!(asm ; .arch aarch64 ; add x0, x0, #1 ; ret);
    asm.entry_point("dec").unwrap();
    dynasm!(asm ; .arch aarch64 ; sub x0, x0, #1 ; nop ; ret);
    let buf = CodeBuffer::new().named("arith");
    buf.commit(&asm.finish().unwrap()).unwrap();
    let inc = buf.entry_named("inc").unwrap();
    let dec = buf.entry_named("dec").unwrap();
    assert_eq!((inc.offset(), inc.len()), (0, 8));
    assert_eq!((dec.offset(), dec.len()), (8, 12));
    assert!(buf.entry_named("nope").is_none());
    assert_eq!(buf.entries().len(), 2);
    assert_eq!(buf.isa(), Some(Isa::A64));
    let sym = jitkit::symbolize(dec.as_ptr() as usize + 4).unwrap();
    assert_eq!(sym.name(), "arith::dec");

    struct Kernel {
        scale: u64,
        f: JitFn<extern "C" fn(u64) -> u64>,
    }
    let one = CodeBuffer::new();
    one.commit(&a64!(; lsl x0, x0, #1 ; ret).unwrap()).unwrap();
    // SAFETY: AAPCS64 code of this signature.
    let f = unsafe { JitFn::new(one) }.unwrap();
    let k = Kernel { scale: 2, f };
    #[cfg(target_arch = "aarch64")]
    assert_eq!((k.f.get())(21) * k.scale, 84);
    assert!(k.f.buffer().is_committed() && k.scale == 2);
    // SAFETY: never called.
    let empty = unsafe { JitFn::<extern "C" fn()>::new(CodeBuffer::new()) };
    assert!(
        matches!(empty, Err(Error::NotCommitted)),
        "{:?}",
        empty.err()
    );
}

#[test]
fn x64_calls_resolve_directly_when_near_and_through_a_veneer_when_far() {
    let pool = CodePool::new().unwrap();
    let first = CodeBuffer::in_pool(&pool).named("x64_first");
    let first_addr = first
        .commit(&x64!(; lea rax, [rdi + 1] ; ret).unwrap())
        .unwrap()
        .as_ptr() as usize;
    let rust_addr = times_three as extern "C" fn(u64) -> u64 as usize;
    // (x + 1) * 3: call the first function, then the Rust one; rsp is 16-aligned at calls.
    let code = x64!(
        ; push rbx
        ; call extern first_addr
        ; mov rdi, rax
        ; call extern rust_addr
        ; pop rbx
        ; ret
    )
    .unwrap();
    assert_eq!(code.relocations(), 2);
    let buf = CodeBuffer::in_pool(&pool);
    let entry = buf.commit(&code).unwrap();
    assert_eq!(entry.isa(), Isa::X64);
    let base = entry.as_ptr() as usize;
    let bytes = entry.bytes();
    // push rbx (1 byte), then call rel32 (E8) to the first function, relative to its end.
    assert_eq!(bytes[1], 0xE8);
    let rel = i32::from_le_bytes(bytes[2..6].try_into().unwrap()) as i64;
    assert_eq!((base + 6) as i64 + rel, first_addr as i64);
    // The Rust call lands on the function or on a `jmp [rip]` veneer holding its address.
    let call2 = 9;
    assert_eq!(bytes[call2], 0xE8);
    let rel = i32::from_le_bytes(bytes[call2 + 1..call2 + 5].try_into().unwrap()) as i64;
    let lands = ((base + call2 + 5) as i64 + rel) as usize;
    if lands != rust_addr {
        let v = lands - base;
        assert_eq!(bytes[v..v + 6], [0xFF, 0x25, 0, 0, 0, 0]);
        assert_eq!(
            usize::from_le_bytes(bytes[v + 6..v + 14].try_into().unwrap()),
            rust_addr
        );
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: System V code of this signature, called while `buf` and `first` live.
        let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
        assert_eq!(f(13), 42);
    }
}

#[test]
fn x64_assembler_extern_calls_and_rip_relative_errors() {
    let rust_addr = times_three as extern "C" fn(u64) -> u64 as usize;
    let mut asm = x64::Assembler::new();
    asm.entry_point("triple").unwrap();
    asm.emit(|a| dynasm!(a ; .arch x64 ; sub rsp, 8 ; call extern rust_addr ; add rsp, 8 ; ret))
        .unwrap();
    let code = asm.finish().unwrap();
    let buf = CodeBuffer::new().named("x64_triple");
    buf.commit(&code).unwrap();
    let triple = buf.entry_named("triple").unwrap();
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: System V code of this signature.
        let f: extern "C" fn(u64) -> u64 = unsafe { triple.as_fn() };
        assert_eq!(f(14), 42);
    }
    assert_eq!(triple.isa(), Isa::X64);

    // A RIP-relative operand has no veneer.
    let buf = CodeBuffer::new();
    let probe = buf.commit(&x64!(; ret).unwrap()).unwrap().as_ptr() as usize;
    let far = probe ^ (1 << 45);
    let err = CodeBuffer::new()
        .commit(&x64!(; lea rax, [extern far] ; ret).unwrap())
        .unwrap_err();
    assert!(
        matches!(err, Error::Link { target, .. } if target == far),
        "{err:?}"
    );
    assert!(err.to_string().contains("±2 GiB"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_growing_pool_keeps_its_functions_within_direct_branch_range() {
    let pool = CodePool::builder()
        .chunk_size(64 * 1024)
        .strategy(jitkit::Strategy::DualMapped)
        .build()
        .unwrap();
    // 4 KiB functions, enough for several regions (4, 8, then 16 chunks).
    let body = vec![Instruction::new(0xD503_201F); 1024];
    let commit = |_| {
        let b = CodeBuffer::in_pool(&pool);
        b.commit(&body).unwrap();
        b
    };
    let bufs: Vec<CodeBuffer> = (0..300).map(commit).collect();
    assert!(pool.stats().chunks >= 16, "{:?}", pool.stats());
    let addrs: Vec<usize> = bufs
        .iter()
        .map(|b| b.entry().unwrap().as_ptr() as usize)
        .collect();
    let (low, high) = (addrs.iter().min().unwrap(), addrs.iter().max().unwrap());
    assert!(high - low < 128 << 20, "span {:#x}", high - low);
    // So a call from a new function to the first one is one direct BL.
    let first = addrs[0];
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch aarch64 ; bl extern first ; ret))
        .unwrap();
    let code = asm.finish().unwrap();
    let buf = CodeBuffer::in_pool(&pool);
    let at = buf.commit(&code).unwrap().as_ptr() as usize;
    assert_eq!(
        word_at(&buf, 0).branch_offset(),
        Some(first as i64 - at as i64)
    );
}

#[test]
fn veneers_encode_as_llvm_mc_encodes_them() {
    let far = 0x0000_1234_5678_9ab0usize;
    // A64: one far `bl`, so a padding word and one veneer follow the two instructions.
    let mut asm = Assembler::new();
    asm.emit(|a| dynasm!(a ; .arch aarch64 ; bl extern far ; ret))
        .unwrap();
    let buf = CodeBuffer::new();
    let entry = buf.commit(&asm.finish().unwrap()).unwrap();
    if far.abs_diff(entry.as_ptr() as usize) > 128 << 20 {
        let want = llvm_bytes("-triple=aarch64", "ldr x16, #8\nbr x16\n");
        assert_eq!(&entry.bytes()[8..16], &want[..]);
        assert_eq!(&entry.bytes()[16..24], &(far as u64).to_le_bytes());
    }
    // x86-64: `call` then `ret`, padding to 8, then the veneer.
    let buf = CodeBuffer::new();
    let entry = buf.commit(&x64!(; call extern far ; ret).unwrap()).unwrap();
    if far.abs_diff(entry.as_ptr() as usize) > 1 << 31 {
        let want = llvm_bytes("-triple=x86_64", "jmpq *0(%rip)\n");
        assert_eq!(&entry.bytes()[8..14], &want[..]);
        assert_eq!(&entry.bytes()[14..22], &(far as u64).to_le_bytes());
    }
}
