//! The reference assembler: which forms llvm-mc accepts, and what it encodes them to.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use super::form::Form;

/// The architecture features llvm-mc is given: Armv8.6-A (LSE, RDM, CRC, pointer
/// authentication, BTI, SB, SSBS, flag manipulation, RCpc, FRINTTS, dot product, complex
/// numbers) plus the optional extensions the corpus uses. `tests/oracle.rs` uses the same string.
pub const MATTR: &str = "+v8.6a,+fullfp16,+aes,+sha2,+sha3,+rcpc-immo,+rand,+mte,+spe,+bf16";

/// The llvm-mc to run: `$LLVM_MC`, else the one the toolchain setup finds.
pub fn find() -> Result<String, String> {
    if let Some(p) = std::env::var_os("LLVM_MC") {
        return Ok(p.to_string_lossy().into_owned());
    }
    crate::toolchain::find_llvm_mc()
        .map(|p| p.display().to_string())
        .ok_or_else(|| "llvm-mc not found: run `cargo xtask setup` or set LLVM_MC".to_owned())
}

/// Each form's encoding by llvm-mc, or the diagnostic it gave (a warning counts: the oracle
/// wants forms LLVM takes without comment).
pub fn assemble(mc: &str, forms: &[Form]) -> Result<Vec<Result<Vec<u32>, String>>, String> {
    // First pass: which forms draw a diagnostic. Second pass: the rest, which must be clean.
    let first = run(mc, forms)?;
    let good: Vec<usize> = (0..forms.len())
        .filter(|i| !first.diagnostics.contains_key(i))
        .collect();
    let kept: Vec<Form> = good.iter().map(|&i| forms[i].clone()).collect();
    let second = run(mc, &kept)?;
    if !second.diagnostics.is_empty() {
        return Err(format!(
            "llvm-mc still complains after dropping the forms it rejected: {:?}",
            second.diagnostics
        ));
    }
    let mut out: Vec<Result<Vec<u32>, String>> = (0..forms.len())
        .map(|i| Err(first.diagnostics.get(&i).cloned().unwrap_or_default()))
        .collect();
    for (k, &i) in good.iter().enumerate() {
        if second.words[k].is_empty() {
            return Err(format!("llvm-mc encoded nothing for `{}`", forms[i].llvm));
        }
        out[i] = Ok(second.words[k].clone());
    }
    Ok(out)
}

struct Run {
    diagnostics: BTreeMap<usize, String>,
    words: Vec<Vec<u32>>,
}

fn run(mc: &str, forms: &[Form]) -> Result<Run, String> {
    let mut source = String::new();
    let mut line_form = vec![usize::MAX]; // line numbers start at 1
    for (i, form) in forms.iter().enumerate() {
        source.push_str(&format!("f{i}:\n"));
        line_form.push(i);
        for stmt in form
            .llvm
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            source.push_str(&format!("\t{stmt}\n"));
            line_form.push(i);
        }
    }
    let mut child = Command::new(mc)
        .args([
            "-triple=aarch64",
            &format!("-mattr={MATTR}"),
            "-show-encoding",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {mc}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(source.as_bytes()));
    let out = child.wait_with_output().map_err(|e| format!("{mc}: {e}"))?;
    writer
        .join()
        .map_err(|_| "writer panicked".to_owned())?
        .map_err(|e| format!("writing to {mc}: {e}"))?;

    let mut diagnostics = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        let Some(rest) = line.strip_prefix("<stdin>:") else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(_col), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(l) = l.parse::<usize>() else { continue };
        if let Some(&i) = line_form.get(l) {
            diagnostics
                .entry(i)
                .or_insert_with(|| msg.trim().to_owned());
        }
    }
    if diagnostics.is_empty() && !out.status.success() {
        return Err(format!(
            "{mc} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }

    let mut words: Vec<Vec<u32>> = vec![Vec::new(); forms.len()];
    let mut current = None;
    for line in String::from_utf8_lossy(&out.stdout).lines().map(str::trim) {
        if let Some(n) = line.strip_prefix('f').and_then(|l| l.strip_suffix(':')) {
            if let Ok(n) = n.parse::<usize>() {
                current = Some(n);
                continue;
            }
        }
        let Some((_, enc)) = line.split_once("encoding: [") else {
            continue;
        };
        let bytes: Vec<u8> = enc
            .trim_end_matches(']')
            .split(',')
            .filter_map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).ok())
            .collect();
        let (Some(n), &[b0, b1, b2, b3]) = (current, &bytes[..]) else {
            return Err(format!("unexpected llvm-mc output line: {line}"));
        };
        words[n].push(u32::from_le_bytes([b0, b1, b2, b3]));
    }
    Ok(Run { diagnostics, words })
}
