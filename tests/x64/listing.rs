//! x86-64 listings round-trip through llvm-mc. Every form of the x86-64 oracle
//! (`tests/x64/forms.rs`: arithmetic of every width, every addressing shape, immediates,
//! shifts, extensions, bit operations, conditional moves and sets, stack, calls, branches,
//! system, SSE and AVX) is listed twice, and each listing is fed back to
//! `llvm-mc -show-encoding` as it is:
//! - as LLVM encodes the form: at least 98% of the lines reproduce their bytes;
//! - as `x64!` encodes it, statically and with dynamic registers: dynasm picks encodings that
//!   LLVM 14's syntax cannot ask for (a REX prefix with no bits set, `cmp` with the operands the
//!   other way round, `81 /0` rather than the accumulator's short form, `shl $1` with an
//!   immediate byte), so here the share is only reported.
//!
//! In both, a line that does not reproduce its bytes is printed, and the bytes llvm-mc makes
//! of it must list as the same instruction.
//!
//! llvm-mc is required (`$LLVM_MC`, else `llvm-mc` on `PATH`). A module of the x86-64 oracle's
//! test binary, so that the largest table of the tests is compiled once for both.

use jitkit::observe::listing_x64::__listing as listing;
use jitkit::x64;

use super::common::llvm_mc_output;
use super::table::{table, Form};

/// Every form as `x64!` assembles it, then its dynamic variant, one after the other.
fn x64_corpus(forms: &[Form]) -> Vec<u8> {
    let mut code = Vec::new();
    for f in forms {
        let variants =
            std::iter::once((f.dynasm, &f.code)).chain(f.dynamic.iter().map(|(t, c)| (*t, c)));
        for (text, assembled) in variants {
            match assembled {
                Ok(c) => code.extend_from_slice(c.bytes()),
                Err(e) => panic!("`{text}`: {e}"),
            }
        }
    }
    code
}

/// Every form as llvm-mc assembles its Intel-syntax text. A branch to the label after the
/// form's `nop` becomes a branch to `.+N`, the same place, so that it needs no label.
fn llvm_corpus(forms: &[Form]) -> Vec<u8> {
    let mut source = String::from(".intel_syntax noprefix\n");
    let mut count = 0;
    for f in forms {
        for stmt in f.llvm.split(';').map(str::trim) {
            let stmt = match stmt.split_once(" 1f") {
                // (LLVM reads `.` in AT&T syntax only.)
                Some((branch, _)) if branch == "call" => {
                    format!(".att_syntax\n{branch} .+6\n.intel_syntax noprefix")
                }
                Some((branch, _)) => format!(".att_syntax\n{branch} .+3\n.intel_syntax noprefix"),
                None if stmt == "1:" => continue,
                None => stmt.to_owned(),
            };
            source.push_str(&format!("f{count}:\n{stmt}\n"));
            count += 1;
        }
    }
    assemble(&source, count)
        .into_iter()
        .enumerate()
        .flat_map(|(i, b)| b.unwrap_or_else(|| panic!("llvm-mc did not assemble statement {i}")))
        .collect()
}

/// One listing line: its bytes (from the block comment, after the address) and its text.
fn split(line: &str) -> (Vec<u8>, &str) {
    let (comment, text) = line
        .split_once(" */  ")
        .expect("a block comment, then text");
    let tokens: Vec<&str> = comment.split_whitespace().collect();
    let address = tokens
        .iter()
        .rposition(|t| t.starts_with("0x") && t.len() == 18)
        .expect("an address");
    let bytes = tokens[address + 1..]
        .iter()
        .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
        .collect();
    (bytes, text)
}

/// The text of a line without its `//` comment (which holds an address).
fn instruction(text: &str) -> &str {
    text.split("  // ").next().unwrap_or(text)
}

/// The bytes each `fN:`-labelled statement of `source` assembles to. A PC-relative fixup
/// (`value: (.LtmpK+N)-M` at byte `offset`, `.LtmpK` the statement's start) is resolved here:
/// llvm-mc prints the instruction before layout, with `A` for the bytes the fixup fills.
fn assemble(source: &str, count: usize) -> Vec<Option<Vec<u8>>> {
    let (stdout, _) = llvm_mc_output(&["-triple=x86_64", "-show-encoding"], source);
    let mut result = vec![None; count];
    let mut current = None;
    for line in stdout.lines() {
        let line = line.trim();
        if let Some(n) = line.strip_prefix('f').and_then(|l| l.strip_suffix(':')) {
            current = n.parse::<usize>().ok();
        } else if let (Some(i), Some(enc)) = (current, line.split("encoding: [").nth(1)) {
            let enc = enc.split(']').next().unwrap();
            let bytes: Vec<Option<u8>> = enc
                .split(',')
                .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).ok())
                .collect();
            result[i] = Some(bytes);
        } else if let (Some(i), Some(fixup)) = (current, line.split("fixup A - offset: ").nth(1)) {
            resolve_fixup(result[i].as_mut(), fixup);
        }
    }
    result
        .into_iter()
        .map(|r| r.and_then(|b| b.into_iter().collect::<Option<Vec<u8>>>()))
        .collect()
}

/// Fills the `A` bytes of `bytes` from `fixup`: `1, value: (.Ltmp3+7)-4, kind: FK_PCRel_4`.
fn resolve_fixup(bytes: Option<&mut Vec<Option<u8>>>, fixup: &str) {
    let Some(bytes) = bytes else { return };
    let (offset, rest) = fixup.split_once(", value: ").expect("fixup offset");
    let offset: i64 = offset.parse().expect("fixup offset");
    let (value, kind) = rest
        .split_once(", kind: FK_PCRel_")
        .expect("a PC-relative fixup");
    let size: usize = kind.trim().parse().expect("fixup size");
    // `(.LtmpK+N)-M` or `.LtmpK+N-M` (with `-` for negative N).
    let value = value.replace(['(', ')'], "");
    let after = value
        .trim_start_matches(".Ltmp")
        .trim_start_matches(char::is_numeric);
    let mut total = 0i64;
    let mut sign = 1;
    let mut number = String::new();
    for c in after.chars().chain(std::iter::once('+')) {
        match c {
            '+' | '-' => {
                if !number.is_empty() {
                    total += sign * number.parse::<i64>().expect("a number");
                    number.clear();
                }
                sign = if c == '-' { -1 } else { 1 };
            }
            c => number.push(c),
        }
    }
    // The field holds target - end of field = (start + total) - (start + offset) - ... where
    // `total` already subtracted the field size (the `-M`).
    let rel = total - offset;
    let le = rel.to_le_bytes();
    for k in 0..size {
        bytes[offset as usize + k] = Some(le[k]);
    }
}

/// Lists `code`, assembles the listing, and returns (lines, lines not reproduced); panics if
/// a line not reproduced is not the same instruction.
fn round_trip(code: &[u8]) -> (usize, Vec<String>) {
    let listed = listing(code);
    let lines: Vec<(Vec<u8>, &str)> = listed.lines().map(split).collect();
    // The byte column covers the code, in order, one instruction per line.
    assert_eq!(
        lines
            .iter()
            .flat_map(|(b, _)| b.clone())
            .collect::<Vec<u8>>(),
        code
    );
    assert!(
        lines.iter().all(|(_, t)| !t.starts_with(".byte")),
        "undecoded bytes"
    );
    let source: String = lines
        .iter()
        .enumerate()
        .map(|(i, (_, text))| format!("f{i}:\n{text}\n"))
        .collect();
    let got = assemble(&source, lines.len());
    let mut misses = Vec::new();
    let mut unequal = Vec::new();
    for ((bytes, text), got) in lines.iter().zip(&got) {
        if got.as_ref() == Some(bytes) {
            continue;
        }
        misses.push(format!("{bytes:02x?} {text} -> {got:02x?}"));
        let again = got.as_ref().map(|g| listing(g));
        let same = again.as_deref().is_some_and(|l| {
            let lines: Vec<&str> = l.lines().collect();
            lines.len() == 1 && instruction(split(lines[0]).1) == instruction(text)
        });
        if !same {
            unequal.push(format!(
                "{bytes:02x?} {text} -> {got:02x?} lists as {again:?}"
            ));
        }
    }
    println!(
        "{} of {} lines reproduce their bytes ({:.2}%)",
        lines.len() - misses.len(),
        lines.len(),
        100.0 * (lines.len() - misses.len()) as f64 / lines.len() as f64
    );
    for m in &misses {
        println!("  not reproduced: {m}");
    }
    assert!(
        unequal.is_empty(),
        "not the same instruction:\n{}",
        unequal.join("\n")
    );
    (lines.len(), misses)
}

#[test]
fn listings_of_llvm_encodings_reassemble_to_their_bytes() {
    let (lines, misses) = round_trip(&llvm_corpus(&table()));
    assert!(lines >= 1000, "{lines} instructions");
    let rate = 1.0 - misses.len() as f64 / lines as f64;
    assert!(
        rate >= 0.98,
        "{} of {lines} lines do not reproduce",
        misses.len()
    );
}

#[test]
fn listings_of_x64_encodings_reassemble_to_the_same_instructions() {
    let (lines, _) = round_trip(&x64_corpus(&table()));
    assert!(lines >= 1000, "{lines} instructions");
}

#[test]
fn committed_code_names_its_places_and_targets() {
    let code = x64!(
        ; nop
        ; jmp >end
        ; nop
        ; end:
        ; call ->f
        ; lea rax, [->f]
        ; ret
        ; ->f:
        ; ret
    )
    .unwrap();
    let buf = jitkit::CodeBuffer::new().named("jumps");
    let entry = buf.commit(&code).unwrap();
    let listed = listing(entry.bytes());
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 7, "{listed}");
    assert!(lines[0].starts_with("/* jumps+0x0 "), "{}", lines[0]);
    assert!(lines[4].starts_with("/* jumps+0xc "), "{}", lines[4]);
    // A 32-bit jump 6 bytes ahead (LLVM would use 8 bits: hence `{disp32}`), to offset 7.
    assert!(
        lines[1].ends_with("*/  {disp32} jmp .+6  // jumps+0x7"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].ends_with("*/  call .+13  // jumps+0x14"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].ends_with("*/  lea 1(%rip), %rax  // jumps+0x14"),
        "{}",
        lines[4]
    );
}
