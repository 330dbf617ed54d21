//! `ExecPtr::listing` round-trips through llvm-mc. Two bodies of code are listed and the
//! listing is fed back to `llvm-mc -show-encoding` as it is:
//! - over a thousand words that `a64!` assembles, with dynamic registers and PC-relative forms;
//! - every word of the encoding oracle's corpus (`oracle/corpus.txt`: each form llvm-mc
//!   accepts, in every instruction family), as llvm-mc itself encodes it.
//!
//! At least 98% of the words of each must come back. The rest are printed; none may come back
//! as a different word (a listing line that names another instruction than the word holds).

mod common;

use jitkit::{a64, CodeBuffer, Instruction};

fn words() -> Vec<Instruction> {
    let mut code = Vec::new();
    for r in 0u8..31 {
        let (a, b) = ((r + 1) % 31, (r + 7) % 31);
        let k = u32::from(r) * 37;
        let imm = u32::from(r) * 8;
        let block = a64! {
            // Data processing.
            ; add X(r), X(a), X(b) ; sub W(r), W(a), W(b), lsl #3 ; adds x1, x2, #k
            ; and X(r), X(a), X(b) ; orr w3, w4, #0xff ; eor X(r), X(a), X(b), ror #5
            ; madd X(r), X(a), X(b), X(r) ; udiv W(r), W(a), W(b) ; lsl X(r), X(a), #3
            ; csel X(r), X(a), X(b), eq ; cset W(r), ne ; ubfx X(r), X(a), #4, #8
            ; movz X(r), #k ; movk W(r), #k, lsl #16 ; clz X(r), X(a) ; rev W(r), W(a)
            // Loads and stores.
            ; ldr X(r), [X(a), #imm] ; str W(r), [X(a), #imm] ; ldrb W(r), [X(a), X(b)]
            ; ldp X(r), X(b), [X(a), #16] ; stp W(r), W(b), [X(a), #-8]! ; ldur X(r), [X(a), #-3]
            ; ldrsw X(r), [X(a)] ; ldxr X(r), [X(a)] ; stlr W(r), [X(a)] ; ldaddal X(r), X(b), [X(a)]
            // Branches (fixed offsets; the listing writes them as offsets).
            ; ret X(r) ; br X(a) ; blr X(b)
            // System.
            ; mrs X(r), nzcv ; msr nzcv, X(a) ; dmb ish ; nop ; isb
            // Floating point.
            ; fadd D(r), D(a), D(b) ; fmul S(r), S(a), S(b) ; fsqrt D(r), D(a)
            ; fcvtzs X(r), D(a) ; scvtf S(r), W(a) ; fmov D(r), X(a) ; fcmp D(r), D(a)
            ; fmadd D(r), D(a), D(b), D(r) ; ldr Q(r), [X(a), #32]
            // SIMD.
            ; add V(r).S4, V(a).S4, V(b).S4 ; mul V(r).H8, V(a).H8, V(b).H8
            ; fadd V(r).D2, V(a).D2, V(b).D2 ; and V(r).B16, V(a).B16, V(b).B16
            ; dup V(r).S4, W(a) ; addv S(r), V(a).S4 ; ld1 {v1.b16}, [X(a)]
        }
        .unwrap();
        code.extend(block);
        // PC-relative forms, forwards and backwards.
        let off = (i64::from(r) - 15) * 4;
        for base in [
            0x1400_0000u32,
            0x9400_0000,
            0x5400_0000,
            0xB400_0000,
            0x3600_0000,
            0x1000_0000,
        ] {
            // b.cond takes a condition in bits 0..4 (bit 4 set would be BC.cond); the others a
            // register in bits 0..5.
            let low = if base == 0x5400_0000 { r % 15 } else { r % 31 };
            code.push(
                Instruction::new(base | u32::from(low))
                    .with_branch_offset(off)
                    .unwrap(),
            );
        }
    }
    code
}

/// The words each `fN:`-labelled block of `source` assembles to (empty where llvm-mc refused
/// it).
fn assemble(source: &str, count: usize) -> Vec<Vec<u32>> {
    let (stdout, _) = common::llvm_mc_output(
        &["-triple=aarch64", "-mattr=+lse", "-show-encoding"],
        source,
    );
    let mut words = vec![Vec::new(); count];
    let mut current = None;
    for line in stdout.lines() {
        let line = line.trim();
        if let Some(n) = line.strip_prefix('f').and_then(|l| l.strip_suffix(':')) {
            current = n.parse::<usize>().ok();
        } else if let (Some(i), Some(enc)) = (current, line.split("encoding: [").nth(1)) {
            let bytes: Vec<u8> = enc
                .trim_end_matches(']')
                .split(',')
                .filter_map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).ok())
                .collect();
            if bytes.len() == 4 {
                words[i].push(u32::from_le_bytes(bytes.try_into().unwrap()));
            }
        }
    }
    words
}

/// Lists `code` and feeds the listing back to llvm-mc; returns the lines that did not come back
/// as their word. Fails if fewer than 98% come back, or if any comes back as another word.
fn round_trip(name: &str, code: &[Instruction]) -> Vec<String> {
    let buf = CodeBuffer::new().named(name);
    let entry = buf.commit(code).unwrap();
    let listing = entry.listing();
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), code.len());
    assert!(
        lines[0].starts_with(&format!("/* {name}+0x0 ")),
        "{}",
        lines[0]
    );
    let source: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("f{i}:\n{l}\n"))
        .collect();
    let got = assemble(&source, lines.len());
    let (mut misses, mut wrong) = (Vec::new(), Vec::new());
    for ((line, want), got) in lines.iter().zip(code).zip(&got) {
        match got.as_slice() {
            [word] if *word == want.word() => {}
            [] => misses.push(format!("{:08x}: {line} (refused)", want.word())),
            other => wrong.push(format!("{:08x}: {line} -> {other:08x?}", want.word())),
        }
    }
    let rate = 1.0 - (misses.len() + wrong.len()) as f64 / code.len() as f64;
    println!(
        "{name}: {} of {} lines reproduce their word ({:.2}%)",
        code.len() - misses.len() - wrong.len(),
        code.len(),
        rate * 100.0
    );
    for m in &misses {
        println!("  not reproduced: {m}");
    }
    assert!(
        wrong.is_empty(),
        "{} lines assemble to another word:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        rate >= 0.98,
        "{} of {} lines do not reproduce:\n{}",
        misses.len(),
        code.len(),
        misses.join("\n")
    );
    misses
}

#[test]
fn listing_lines_reassemble_to_their_words() {
    let code = words();
    assert!(code.len() >= 1000, "{} words", code.len());
    round_trip("listed", &code);
}

/// Every word of the oracle's corpus, as llvm-mc encodes the corpus's LLVM text, each once.
fn oracle_words() -> Vec<Instruction> {
    let forms: Vec<&str> = include_str!("oracle/corpus.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').nth(3))
        .collect();
    let source: String = forms
        .iter()
        .enumerate()
        .map(|(i, f)| format!("f{i}:\n{}\n", f.replace(';', "\n")))
        .collect();
    let mut seen = std::collections::HashSet::new();
    assemble(&source, forms.len())
        .into_iter()
        .flatten()
        .filter(|w| seen.insert(*w))
        .map(Instruction::new)
        .collect()
}

#[test]
fn every_oracle_word_lists_as_itself() {
    let code = oracle_words();
    assert!(code.len() >= 3000, "{} words", code.len());
    round_trip("oracle", &code);
}

#[test]
fn branch_targets_are_named() {
    let code = a64! { ; nop ; b >end ; nop ; end: ; ret }.unwrap();
    let buf = CodeBuffer::new().named("jumps");
    let listing = buf.commit(&code).unwrap().listing();
    let line = listing.lines().nth(1).unwrap();
    assert!(line.ends_with("b #8  // jumps+0xc"), "{line}");
}
