//! Making sure the tools for building and running AArch64 code are there.
//!
//! | host            | needs                                                             |
//! |-----------------|-------------------------------------------------------------------|
//! | AArch64 Linux   | nothing for the demo; `llvm-mc` (Debian `llvm`) for the oracle test, `gdb` for the gdb test |
//! | other Linux     | rustup target `aarch64-unknown-linux-gnu`; `qemu-aarch64` (`qemu-user`); `aarch64-linux-gnu-gcc` and the AArch64 C library (`gcc-aarch64-linux-gnu`, `libc6-dev-arm64-cross`) as linker; `llvm-mc` and `gdb-multiarch` for the tests |
//!
//! x86-64 code runs natively on x86-64 hosts. On an AArch64 host the tests also run the x86-64
//! tests ([`X64_TESTS`]) as x86-64 under `qemu-x86_64`: rustup target `x86_64-unknown-linux-gnu`,
//! `qemu-x86_64` (`qemu-user`), `x86_64-linux-gnu-gcc` and the x86-64 C library
//! (`gcc-x86-64-linux-gnu`, `libc6-dev-amd64-cross`). `JITKIT_XTASK_X64_QEMU=1` makes any Linux
//! host do the same (to check that path from an x86-64 machine, where qemu-x86_64 runs the
//! host's own libraries).
//!
//! Missing Debian packages are installed with `apt-get` (after `apt-get update`), through `sudo`
//! when not root; a missing Rust target with `rustup target add`. `cargo xtask setup` also adds
//! the targets CI only checks with clippy ([`CHECKED_TARGETS`]: macOS, Windows and Linux with
//! musl on AArch64). Where neither works the error
//! says what to install by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{output, run};

/// The Rust target jitkit's code is built for.
pub const TARGET: &str = "aarch64-unknown-linux-gnu";
/// Where the cross C library lives; qemu-aarch64 loads the dynamic linker and libc from here.
const SYSROOT: &str = "/usr/aarch64-linux-gnu";
const LINKER: &str = "aarch64-linux-gnu-gcc";
/// The Rust target of x86-64 code, run under qemu-x86_64 on AArch64 hosts.
pub const X64_TARGET: &str = "x86_64-unknown-linux-gnu";
const X64_SYSROOT: &str = "/usr/x86_64-linux-gnu";
const X64_LINKER: &str = "x86_64-linux-gnu-gcc";
/// The test files about x86-64 code, by package, which an AArch64 host runs under qemu-x86_64.
pub const X64_TESTS: [(&str, &[&str]); 2] = [
    (
        "jitkit",
        &[
            "x64_oracle",
            "x64_execution",
            "x64_errors",
            "x64_memory",
            "linking",
        ],
    ),
    ("macros-demo", &["programs", "differential"]),
];

/// What a command is about to do, and so which tools it needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Build and run the demo.
    Demo,
    /// Build and run every test, including the `llvm-mc` encoding oracle.
    Tests,
}

/// The checked toolchain: how AArch64 code is built and run on this host.
pub struct Toolchain {
    /// `true` on a non-AArch64 host: cross-compile, run under qemu.
    cross: bool,
    /// `true` where x86-64 code does not run natively (an AArch64 host): its tests are
    /// cross-compiled and run under qemu-x86_64.
    x64_cross: bool,
    /// Whether x86-64 binaries link with the cross gcc and load the cross C library (every
    /// host but x86-64 itself).
    x64_sysroot: bool,
    llvm_mc: Option<PathBuf>,
}

/// A program (or file) the build needs, and the Debian package that provides it.
struct Tool {
    name: &'static str,
    package: &'static str,
    find: fn() -> Option<PathBuf>,
}

impl Toolchain {
    /// Checks for everything `needs` requires, installs what is missing and reports each step.
    pub fn setup(needs: Needs) -> Result<Toolchain, String> {
        let (arch, os) = (std::env::consts::ARCH, std::env::consts::OS);
        if os != "linux" {
            return Err(format!(
                "jitkit's demo and tests run on Linux (AArch64 natively, other architectures \
                 through qemu-user); this host is {arch} {os}"
            ));
        }
        let cross = arch != "aarch64";
        if cross {
            println!(
                "xtask: host is {arch} Linux: AArch64 code is cross-compiled for {TARGET} \
                 and run under qemu-aarch64"
            );
        } else {
            println!("xtask: host is AArch64 Linux: everything builds and runs natively");
        }

        let x64_cross = needs == Needs::Tests
            && (arch == "aarch64"
                || std::env::var_os("JITKIT_XTASK_X64_QEMU").is_some_and(|v| v == "1"));
        let mut tools = Vec::new();
        // On a host that is itself x86-64 (the check mode), qemu-x86_64 runs the host's own
        // libraries and the host linker links: only qemu is needed.
        let x64_sysroot = x64_cross && arch != "x86_64";
        if x64_cross {
            println!(
                "xtask: the x86-64 tests are built for {X64_TARGET} and run under qemu-x86_64"
            );
            ensure_rust_target(X64_TARGET)?;
            tools.push(Tool {
                name: "qemu-x86_64",
                package: "qemu-user",
                find: || in_path("qemu-x86_64"),
            });
        }
        if x64_sysroot {
            tools.push(Tool {
                name: X64_LINKER,
                package: "gcc-x86-64-linux-gnu",
                find: || in_path(X64_LINKER),
            });
            tools.push(Tool {
                name: "the x86-64 C library (/usr/x86_64-linux-gnu)",
                package: "libc6-dev-amd64-cross",
                find: || {
                    let crt = Path::new(X64_SYSROOT).join("lib/crt1.o");
                    crt.is_file().then_some(crt)
                },
            });
        }
        if cross {
            ensure_rust_target(TARGET)?;
            tools.push(Tool {
                name: "qemu-aarch64",
                package: "qemu-user",
                find: || in_path("qemu-aarch64"),
            });
            tools.push(Tool {
                name: LINKER,
                package: "gcc-aarch64-linux-gnu",
                find: || in_path(LINKER),
            });
            tools.push(Tool {
                name: "the AArch64 C library (/usr/aarch64-linux-gnu)",
                package: "libc6-dev-arm64-cross",
                find: || {
                    let crt = Path::new(SYSROOT).join("lib/crt1.o");
                    crt.is_file().then_some(crt)
                },
            });
        }
        if needs == Needs::Tests {
            tools.push(Tool {
                name: "llvm-mc (the encoding oracle's reference assembler)",
                package: "llvm",
                find: find_llvm_mc,
            });
            // The gdb test: GDB attached to qemu-aarch64's gdb stub, or running the test natively.
            tools.push(if cross {
                Tool {
                    name: "gdb-multiarch (the GDB JIT interface test)",
                    package: "gdb-multiarch",
                    find: || in_path("gdb-multiarch"),
                }
            } else {
                Tool {
                    name: "gdb (the GDB JIT interface test)",
                    package: "gdb",
                    find: || in_path("gdb"),
                }
            });
        }

        let missing: Vec<&Tool> = tools.iter().filter(|t| report(t).is_none()).collect();
        if !missing.is_empty() {
            let mut packages: Vec<&str> = missing.iter().map(|t| t.package).collect();
            packages.dedup();
            println!(
                "xtask: installing the missing Debian packages: {}",
                packages.join(" ")
            );
            apt_install(&packages)?;
            let still: Vec<&str> = missing
                .iter()
                .filter(|t| report(t).is_none())
                .map(|t| t.name)
                .collect();
            if !still.is_empty() {
                return Err(format!(
                    "still missing after installing {}: {}",
                    packages.join(" "),
                    still.join(", ")
                ));
            }
        }
        println!("xtask: toolchain ready");
        Ok(Toolchain {
            cross,
            x64_cross,
            x64_sysroot,
            llvm_mc: find_llvm_mc(),
        })
    }

    /// Whether AArch64 code is cross-compiled and run under qemu on this host.
    pub fn is_cross(&self) -> bool {
        self.cross
    }

    /// Whether the x86-64 tests are cross-compiled and run under qemu-x86_64 here.
    pub fn is_x64_cross(&self) -> bool {
        self.x64_cross
    }

    /// The environment that makes cargo link x86-64 binaries with the cross gcc and run them
    /// under qemu-x86_64. A value the caller has set already is kept.
    pub fn x64_cross_env(&self) -> Vec<(&'static str, String)> {
        let (linker, runner) = if self.x64_sysroot {
            (X64_LINKER, format!("qemu-x86_64 -L {X64_SYSROOT}"))
        } else {
            ("cc", "qemu-x86_64".to_owned())
        };
        keep_preset(
            [
                (
                    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
                    linker.to_owned(),
                ),
                ("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER", runner),
            ],
            |key| std::env::var(key).ok(),
        )
    }

    /// A few words for the output: how the AArch64 build runs here.
    pub fn how_aarch64_runs(&self) -> &'static str {
        if self.cross {
            "under qemu-aarch64"
        } else {
            "natively"
        }
    }

    /// The environment every child cargo gets: `LLVM_MC` naming the oracle's assembler, unless
    /// the caller set it.
    pub fn common_env(&self) -> Vec<(&'static str, String)> {
        match &self.llvm_mc {
            Some(path) if std::env::var_os("LLVM_MC").is_none() => {
                vec![("LLVM_MC", path.display().to_string())]
            }
            _ => Vec::new(),
        }
    }

    /// The environment that makes cargo link AArch64 binaries with the cross gcc and run them
    /// under qemu-aarch64. A value the caller has set already is kept.
    pub fn cross_env(&self) -> Vec<(&'static str, String)> {
        cross_env_with(|key| std::env::var(key).ok())
    }
}

/// [`Toolchain::cross_env`] with `preset` telling which variables the caller has set.
fn cross_env_with(preset: impl Fn(&str) -> Option<String>) -> Vec<(&'static str, String)> {
    keep_preset(
        [
            (
                "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER",
                LINKER.to_owned(),
            ),
            (
                "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER",
                format!("qemu-aarch64 -L {SYSROOT}"),
            ),
        ],
        preset,
    )
}

/// `wanted`, less the variables `preset` says the caller has set (those are kept as they are).
fn keep_preset(
    wanted: [(&'static str, String); 2],
    preset: impl Fn(&str) -> Option<String>,
) -> Vec<(&'static str, String)> {
    wanted
        .into_iter()
        .filter_map(|(key, value)| match preset(key) {
            Some(mine) => {
                println!("xtask: keeping {key}={mine:?} from the environment");
                None
            }
            None => {
                println!("xtask: {key}={value:?}");
                Some((key, value))
            }
        })
        .collect()
}

/// Prints whether `tool` was found and returns where.
fn report(tool: &Tool) -> Option<PathBuf> {
    let found = (tool.find)();
    match &found {
        Some(path) => println!("xtask:   found    {}: {}", tool.name, path.display()),
        None => println!(
            "xtask:   missing  {} (Debian package {})",
            tool.name, tool.package
        ),
    }
    found
}

/// Targets whose code CI only checks (`cargo clippy --target ..`): the macOS and Windows
/// memory layers, which cannot be linked or run here, and Linux with musl, which can but whose
/// test runs are left out of CI for time (README says what was run).
pub const CHECKED_TARGETS: [&str; 3] = [
    "aarch64-apple-darwin",
    "aarch64-pc-windows-msvc",
    "aarch64-unknown-linux-musl",
];

/// The Rust standard libraries of [`CHECKED_TARGETS`], added with rustup when missing.
pub fn ensure_checked_targets() -> Result<(), String> {
    CHECKED_TARGETS
        .iter()
        .try_for_each(|t| ensure_rust_target(t))
}

/// The Rust standard library for `target`, added with rustup when missing.
fn ensure_rust_target(target: &str) -> Result<(), String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let installed = || {
        output(&rustc, &["--print", "target-libdir", "--target", target])
            .map(|dir| PathBuf::from(dir.trim()))
            .and_then(|dir| std::fs::read_dir(dir).ok())
            .is_some_and(|mut entries| {
                entries.any(|e| {
                    e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libcore-"))
                })
            })
    };
    if installed() {
        println!("xtask:   found    Rust target {target}");
        return Ok(());
    }
    println!("xtask:   missing  Rust target {target}: adding it with rustup");
    if in_path("rustup").is_none() {
        return Err(format!(
            "the Rust standard library for {target} is not installed and rustup is not on PATH: \
             install it for your toolchain (with rustup: `rustup target add {target}`)"
        ));
    }
    run(Command::new("rustup").args(["target", "add", target]))
        .map_err(|e| format!("{e}; run `rustup target add {target}` yourself"))?;
    if installed() {
        Ok(())
    } else {
        Err(format!(
            "`rustup target add {target}` succeeded but {rustc} still has no standard library \
             for {target}; is RUSTC pointing at another toolchain?"
        ))
    }
}

/// `apt-get update` then `apt-get install -y PACKAGES`, as root or through sudo.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let by_hand = format!(
        "install these Debian packages yourself: `sudo apt-get install {}`",
        packages.join(" ")
    );
    if in_path("apt-get").is_none() {
        return Err(format!(
            "apt-get is not available on this system, so nothing can be installed automatically; \
             {by_hand} (or your distribution's equivalents)"
        ));
    }
    let sudo = if is_root() {
        None
    } else if in_path("sudo").is_some() {
        println!("xtask: not root: using sudo for apt-get (it may ask for your password)");
        Some("sudo")
    } else {
        return Err(format!("not root and sudo is not available; {by_hand}"));
    };
    let apt = |args: &[&str]| {
        let mut cmd = match sudo {
            Some(sudo) => {
                let mut c = Command::new(sudo);
                c.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
                c
            }
            None => {
                let mut c = Command::new("apt-get");
                c.env("DEBIAN_FRONTEND", "noninteractive");
                c
            }
        };
        cmd.args(args);
        run(&mut cmd)
    };
    apt(&["update"]).map_err(|e| format!("{e}; {by_hand}"))?;
    let mut install = vec!["install", "-y"];
    install.extend_from_slice(packages);
    apt(&install).map_err(|e| format!("{e}; {by_hand}"))
}

/// Whether this process runs with effective user id 0, from `/proc/self/status`.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| euid_is_root(&status))
}

/// Whether the effective uid (the second number on the `Uid:` line) of a `/proc/PID/status`
/// text is 0.
fn euid_is_root(status: &str) -> bool {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|uids| uids.split_whitespace().nth(1))
        .is_some_and(|euid| euid == "0")
}

/// The first executable called `name` on `PATH`.
fn in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// `llvm-mc` on `PATH`, or else the newest versioned `llvm-mc-N` (Debian's `llvm-N` packages).
pub fn find_llvm_mc() -> Option<PathBuf> {
    if let Some(p) = in_path("llvm-mc") {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version: u32 = name.strip_prefix("llvm-mc-")?.parse().ok()?;
            is_executable(&e.path()).then(|| (version, e.path()))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, p)| p)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_the_effective_uid() {
        assert!(euid_is_root(
            "Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
        ));
        assert!(!euid_is_root("Uid:\t0\t1000\t1000\t1000\n"));
        assert!(!euid_is_root("Name:\tno uid line\n"));
    }

    #[test]
    fn the_cross_environment_names_the_linker_and_qemu() {
        let env = cross_env_with(|_| None);
        assert_eq!(
            env,
            [
                (
                    "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER",
                    LINKER.to_owned()
                ),
                (
                    "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER",
                    "qemu-aarch64 -L /usr/aarch64-linux-gnu".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_variable_the_caller_set_is_kept() {
        let env = cross_env_with(|key| key.ends_with("_LINKER").then(|| "my-cc".to_owned()));
        assert_eq!(env.len(), 1);
        assert_eq!(env[0].0, "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER");
    }
}
