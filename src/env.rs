//! jitkit's environment switches. A switch is on when its variable is set to anything but
//! `0` or the empty string (`JITKIT_PERF_MAP=1`); each is read where it takes effect.

/// `JITKIT_PERF_MAP`: write perf maps (see `observe`), and give pools made by
/// `CodePool::new` anonymous memory, where perf looks names up (see `memory::pool`).
pub(crate) const PERF_MAP: &str = "JITKIT_PERF_MAP";

/// Whether the environment variable `var` turns its switch on.
pub(crate) fn switch_on(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0")
}
