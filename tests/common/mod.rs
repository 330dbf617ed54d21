//! Helpers shared by the integration tests: reading `/proc/self/maps`, re-running one test
//! in a child process (for properties that need a fresh process: what reaches stderr, or a
//! process-wide limit such as the mapping count), and the tests' one random generator.
//!
//! Each test file uses some of these, so unused ones are allowed.
#![allow(dead_code)]

use std::process::{Command, Output};

mod llvm;
mod runner;
mod xorshift;
// Each test file uses some of these (as with the rest of this module).
#[allow(unused_imports)]
pub use llvm::{llvm_bytes, llvm_mc, llvm_mc_output};
pub use runner::runner;
// Used by the tests that generate inputs.
#[allow(unused_imports)]
pub use xorshift::XorShift;

/// One line of `/proc/self/maps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    /// `rwxp`-style permissions, e.g. `r-xp`.
    pub perms: String,
    /// The backing file or pseudo-name (`[stack]`), empty for anonymous memory.
    pub name: String,
}

impl Region {
    pub fn readable(&self) -> bool {
        self.perms.as_bytes()[0] == b'r'
    }
    pub fn writable(&self) -> bool {
        self.perms.as_bytes()[1] == b'w'
    }
    pub fn executable(&self) -> bool {
        self.perms.as_bytes()[2] == b'x'
    }
    pub fn contains(&self, addr: usize) -> bool {
        self.start <= addr && addr < self.end
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
}

/// The current process's mappings. Panics (failing the test) if the file cannot be read or parsed:
/// every property that uses it needs it.
pub fn maps() -> Vec<Region> {
    let text = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut fields = line.split_whitespace();
            let range = fields.next().expect("address range");
            let perms = fields.next().expect("permissions").to_owned();
            let (start, end) = range.split_once('-').expect("start-end");
            let hex = |s: &str| usize::from_str_radix(s, 16).expect("hex address");
            // offset, device and inode, then the optional name (which may contain spaces).
            let name = fields.skip(3).collect::<Vec<_>>().join(" ");
            assert_eq!(perms.len(), 4, "permissions in {line:?}");
            Region {
                start: hex(start),
                end: hex(end),
                perms,
                name,
            }
        })
        .collect()
}

/// Mappings that are writable and executable at once (W^X says: none).
pub fn wx_regions() -> Vec<Region> {
    maps()
        .into_iter()
        .filter(|r| r.writable() && r.executable())
        .collect()
}

/// Fails the test, naming `after`, if any mapping is writable and executable.
#[track_caller]
pub fn assert_no_wx(after: &str) {
    let wx = wx_regions();
    assert!(
        wx.is_empty(),
        "writable+executable mappings after {after}: {wx:#?}"
    );
}

/// The mapping that holds `addr`, if any.
pub fn region_of(addr: usize) -> Option<Region> {
    maps().into_iter().find(|r| r.contains(addr))
}

/// Environment variable that tells a re-run test binary which child role to play.
pub const CHILD_ENV: &str = "JITKIT_TEST_CHILD";

/// The child role this process was started for, or `None` in a normal test run.
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}

/// Re-runs the test called `test` (its path inside this test binary) in a child process, with
/// [`CHILD_ENV`] set to `role`, output not captured by the harness, and returns its output.
///
/// The child is started the way cargo started this binary: directly, or through the runner
/// named in `CARGO_TARGET_<TRIPLE>_RUNNER` (an emulator cannot `execve` a foreign binary unless
/// binfmt_misc is set up).
pub fn run_child(test: &str, role: &str) -> Output {
    run_child_with_env(test, role, &[])
}

/// [`run_child`] with `env` added to the child's environment.
pub fn run_child_with_env(test: &str, role: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().expect("current_exe");
    let mut argv = runner();
    argv.push(exe.to_string_lossy().into_owned());
    argv.extend(
        ["--exact", test, "--nocapture", "--test-threads=1"]
            .iter()
            .map(|s| s.to_string()),
    );
    let out = Command::new(&argv[0])
        .args(&argv[1..])
        .env(CHILD_ENV, role)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {argv:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("running 1 test"),
        "the child {argv:?} did not run exactly one test (status {}; stdout {stdout:?}; stderr {:?}). \
         Under an emulator, name it in CARGO_TARGET_<TRIPLE>_RUNNER so tests can re-run themselves.",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
