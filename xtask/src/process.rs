//! Running commands, each announced before it starts.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::toolchain::{Toolchain, TARGET, X64_TARGET};

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a subdirectory of the workspace")
        .to_path_buf()
}

/// Runs `cmd`, echoing it first; `Err` says what failed and how.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = show(cmd);
    println!("xtask: $ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs `program args` quietly and returns its standard output, or `None` if it could not be
/// started or failed.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The command line as a shell would show it (environment set on the command is left out).
fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote(arg: &OsStr) -> String {
    let s = arg.to_string_lossy();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A child `cargo` in the workspace root, with the environment [`Toolchain`] sets for AArch64.
pub struct Cargo<'t> {
    toolchain: &'t Toolchain,
    cmd: Command,
}

impl<'t> Cargo<'t> {
    /// `cargo <subcommand>`, using the same cargo that runs xtask.
    pub fn new(toolchain: &'t Toolchain, subcommand: &str) -> Self {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.arg(subcommand).current_dir(workspace_root());
        cmd.envs(toolchain.common_env());
        Cargo { toolchain, cmd }
    }

    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Builds for AArch64: `--target aarch64-unknown-linux-gnu` plus linker and qemu runner on a
    /// cross host; nothing on an AArch64 host, where the native build already is AArch64.
    pub fn aarch64(&mut self) -> &mut Self {
        if self.toolchain.is_cross() {
            self.cmd.args(["--target", TARGET]);
            for (key, value) in self.toolchain.cross_env() {
                self.cmd.env(key, value);
            }
        }
        self
    }

    /// Sets an environment variable for cargo and what it runs.
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env(key, value);
        self
    }

    /// Builds for x86-64 under qemu-x86_64 (see [`Toolchain::is_x64_cross`]).
    pub fn x86_64_under_qemu(&mut self) -> &mut Self {
        self.cmd.args(["--target", X64_TARGET]);
        for (key, value) in self.toolchain.x64_cross_env() {
            self.cmd.env(key, value);
        }
        self
    }

    /// Runs it, announcing `what` first.
    pub fn run(&mut self, what: &str) -> Result<(), String> {
        println!("xtask: running {what}");
        run(&mut self.cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_shown_as_a_shell_would_need_them() {
        let mut cmd = Command::new("qemu-aarch64");
        cmd.args(["-L", "/usr/aarch64-linux-gnu", "a b", "it's", ""]);
        assert_eq!(
            show(&cmd),
            r"qemu-aarch64 -L /usr/aarch64-linux-gnu 'a b' 'it'\''s' ''"
        );
    }
}
