//! The runner cargo started this test binary with, shared by jitkit's and macros-demo's
//! tests (macros-demo includes this file by path).

/// The runner cargo used to start this binary, from `CARGO_TARGET_<TRIPLE>_RUNNER` (such as
/// `qemu-aarch64 -L /usr/aarch64-linux-gnu` when testing AArch64 on another host).
pub fn runner() -> Vec<String> {
    let env = if cfg!(target_env = "musl") {
        "musl"
    } else {
        "gnu"
    };
    let triple = format!(
        "{}_unknown_{}_{env}",
        std::env::consts::ARCH,
        std::env::consts::OS
    );
    let var = format!("CARGO_TARGET_{}_RUNNER", triple.to_uppercase());
    std::env::var(var)
        .map(|r| r.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}
