//! A scratch crate that puts each form in its own `a64!` call, to learn which forms `a64!`
//! accepts at compile time (`cargo check --message-format=json`, errors mapped back to forms by
//! line) and what the accepted ones encode to (built and run on the host).
//!
//! Shared by `cargo xtask oracle` and `tests/oracle_gap.rs` (through `#[path]`), so both judge
//! acceptance the same way. Standard library only.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use super::json::Json;

/// Where the scratch crate lives and what it builds against.
pub struct Scratch {
    /// The crate's directory (created if missing).
    pub dir: PathBuf,
    /// Its own target directory, so that a cargo already holding the workspace's lock (a
    /// running `cargo test`) does not block it.
    pub target_dir: PathBuf,
    /// The jitkit package directory it depends on by path.
    pub jitkit: PathBuf,
    /// Whether the crate also depends on `dynasmrt` directly. dynasm 5.1's expansion of a
    /// dynamic immediate names `::dynasmrt`, so without it every `#d(..)` form is refused; with
    /// it, their run-time encodings can be checked.
    pub dynasmrt: bool,
}

/// Lines of `src/main.rs` before the first form; form `i` is on line `PRELUDE + 1 + i`.
const PRELUDE: usize = 5;

impl Scratch {
    /// The forms of `forms` (jitkit statements) that `a64!` refuses at compile time, by index,
    /// each with the compiler's first message for it. Refused forms are taken out and the rest
    /// checked again until none fails, since some errors (lints) only show once expansion
    /// errors are gone.
    pub fn refused(&self, forms: &[&str]) -> Result<BTreeMap<usize, String>, String> {
        let mut refused = BTreeMap::new();
        let mut remaining: Vec<usize> = (0..forms.len()).collect();
        loop {
            let batch: Vec<&str> = remaining.iter().map(|&i| forms[i]).collect();
            let errors = self.check(&batch)?;
            if errors.is_empty() {
                return Ok(refused);
            }
            for (k, message) in errors {
                refused.insert(remaining[k], message);
            }
            remaining.retain(|i| !refused.contains_key(i));
        }
    }

    /// Builds `forms` (all of which must compile) and runs them on the host: the instruction
    /// words of each, or the error `a64!` returned at run time, or `panicked: ...`.
    pub fn encode(&self, forms: &[&str]) -> Result<Vec<Result<Vec<u32>, String>>, String> {
        self.write(forms)?;
        let out = self
            .cargo("run")
            .arg("--quiet")
            .output()
            .map_err(|e| format!("running cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "the scratch crate in {} did not build or run:\n{}",
                self.dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut result: Vec<Result<Vec<u32>, String>> = vec![Err("no output".into()); forms.len()];
        for line in stdout.lines() {
            let mut parts = line.splitn(3, ' ');
            let (Some(i), Some(kind), rest) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            let Ok(i) = i.parse::<usize>() else { continue };
            let rest = rest.unwrap_or("");
            result[i] = match kind {
                "ok" => Ok(rest
                    .split_whitespace()
                    .filter_map(|w| u32::from_str_radix(w, 16).ok())
                    .collect()),
                "panic" => Err(format!("panicked: {rest}")),
                _ => Err(rest.to_owned()),
            };
        }
        Ok(result)
    }

    /// `cargo check` on `forms`: the index and message of each form with an error.
    fn check(&self, forms: &[&str]) -> Result<BTreeMap<usize, String>, String> {
        self.write(forms)?;
        let out = self
            .cargo("check")
            .arg("--message-format=json")
            .output()
            .map_err(|e| format!("running cargo: {e}"))?;
        let mut errors = BTreeMap::new();
        let mut unplaced = Vec::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Some(msg) = Json::parse(line) else {
                continue;
            };
            if msg.get("reason").and_then(Json::as_str) != Some("compiler-message") {
                continue;
            }
            let Some(message) = msg.get("message") else {
                continue;
            };
            if message.get("level").and_then(Json::as_str) != Some("error") {
                continue;
            }
            let text = message
                .get("message")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_owned();
            match main_rs_line(message) {
                Some(line) if line > PRELUDE && line <= PRELUDE + forms.len() => {
                    errors.entry(line - PRELUDE - 1).or_insert(text);
                }
                _ if message.get("spans").map_or(0, |s| s.as_array().len()) == 0 => {}
                _ => unplaced.push(text),
            }
        }
        if !unplaced.is_empty() {
            return Err(format!(
                "errors that belong to no form:\n{}",
                unplaced.join("\n")
            ));
        }
        if errors.is_empty() && !out.status.success() {
            return Err(format!(
                "cargo check failed without naming a form:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(errors)
    }

    fn cargo(&self, subcommand: &str) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.arg(subcommand)
            .arg("--offline")
            .arg("--manifest-path")
            .arg(self.dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target_dir)
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        cmd
    }

    fn write(&self, forms: &[&str]) -> Result<(), String> {
        let io =
            |e: std::io::Error| format!("writing the scratch crate in {}: {e}", self.dir.display());
        std::fs::create_dir_all(self.dir.join("src")).map_err(io)?;
        let manifest = format!(
            "[package]\nname = \"jitkit-oracle-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\njitkit = {{ path = {:?} }}\n{}\n[workspace]\n",
            self.jitkit.display().to_string(),
            if self.dynasmrt { "dynasmrt = \"5\"\n" } else { "" }
        );
        write_if_changed(&self.dir.join("Cargo.toml"), &manifest).map_err(io)?;
        // The workspace's lock file pins the same dependency versions, so no network is needed.
        if let Ok(lock) = std::fs::read_to_string(self.jitkit.join("Cargo.lock")) {
            write_if_changed(&self.dir.join("Cargo.lock"), &lock).map_err(io)?;
        }
        let mut src = String::from(
            "#![allow(unused)]\n\
             use jitkit::{a64, Error, Instruction};\n\
             fn d<T>(x: T) -> T { x }\n\
             type R = Result<Vec<Instruction>, Error>;\n\
             // One form per line: the line number names the form.\n",
        );
        for (i, form) in forms.iter().enumerate() {
            src.push_str(&format!("fn f{i}() -> R {{ a64!(; {form}) }}\n"));
        }
        src.push_str("fn main() {\n    let forms: &[fn() -> R] = &[");
        for i in 0..forms.len() {
            src.push_str(&format!("f{i}, "));
        }
        src.push_str(concat!(
            "];\n",
            "    std::panic::set_hook(Box::new(|_| {}));\n",
            "    for (i, f) in forms.iter().enumerate() {\n",
            "        match std::panic::catch_unwind(f) {\n",
            "            Ok(Ok(code)) => {\n",
            "                let words: Vec<String> = code.iter().map(|w| format!(\"{:08x}\", w.word())).collect();\n",
            "                println!(\"{i} ok {}\", words.join(\" \"));\n",
            "            }\n",
            "            Ok(Err(e)) => println!(\"{i} err {}\", e.to_string().replace('\\n', \" \")),\n",
            "            Err(p) => {\n",
            "                let msg = p.downcast_ref::<&str>().map(|s| s.to_string())\n",
            "                    .or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();\n",
            "                println!(\"{i} panic {}\", msg.replace('\\n', \" \"));\n",
            "            }\n",
            "        }\n",
            "    }\n",
            "}\n",
        ));
        write_if_changed(&self.dir.join("src/main.rs"), &src).map_err(io)
    }
}

fn write_if_changed(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}

/// The line in `src/main.rs` an error points at: its primary span there, else any span there
/// (macro expansions nest the user's span under `expansion`).
fn main_rs_line(message: &Json) -> Option<usize> {
    let spans = message.get("spans")?.as_array();
    let in_main = |s: &&Json| s.get("file_name").and_then(Json::as_str) == Some("src/main.rs");
    let primary = spans
        .iter()
        .filter(in_main)
        .find(|s| s.get("is_primary") == Some(&Json::Bool(true)))
        .or_else(|| spans.iter().find(in_main));
    if let Some(s) = primary {
        return s
            .get("line_start")
            .and_then(Json::as_u64)
            .map(|l| l as usize);
    }
    spans.iter().find_map(|s| {
        let mut e = s.get("expansion");
        while let Some(exp) = e {
            let span = exp.get("span")?;
            if in_main(&span) {
                return span
                    .get("line_start")
                    .and_then(Json::as_u64)
                    .map(|l| l as usize);
            }
            e = span.get("expansion");
        }
        None
    })
}
