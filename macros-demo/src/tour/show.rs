//! Printing what the tour builds, and checking what its code returns.
//!
//! Listings are read back from the committed, executable memory rather than from the
//! instruction list that went in, so they show what the CPU will fetch.

use std::fmt;

use jitkit::ExecPtr;

use super::Outcome;

/// Whether this process can call the AArch64 code it commits.
pub fn can_execute() -> bool {
    cfg!(target_arch = "aarch64")
}

/// Prints the code committed at `code`: its address and protection (as `/proc/self/maps` shows
/// it), then jitkit's listing: one line per instruction with symbol and offset, address, word
/// and disassembly, PC-relative targets named.
pub fn listing(title: &str, code: &ExecPtr<'_>) {
    macros_demo::outln!(
        "{title}: {} instructions at {:p}, mapped {}",
        code.len() / 4,
        code.as_ptr(),
        protection(code.as_ptr() as usize)
    );
    for line in code.listing().lines() {
        macros_demo::outln!("  {line}");
    }
}

/// The permissions of the mapping holding `addr`, such as `r-xp`, from `/proc/self/maps`.
fn protection(addr: usize) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    maps.lines()
        .find_map(|line| {
            let mut fields = line.split_whitespace();
            let (start, end) = fields.next()?.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (start..end)
                .contains(&addr)
                .then(|| fields.next().map(str::to_owned))?
        })
        .unwrap_or_else(|| "(not found in /proc/self/maps)".to_owned())
}

/// Calls JIT code through `call` where this CPU can run it and checks the result.
///
/// Elsewhere `call` is not invoked; the line says what the call would have had to return.
pub fn check<T: PartialEq + fmt::Debug>(
    what: &str,
    expected: T,
    call: impl FnOnce() -> T,
) -> Outcome {
    if !can_execute() {
        macros_demo::outln!("  {what:<32} not called (needs AArch64); expected {expected:?}");
        return Ok(());
    }
    let got = call();
    if got == expected {
        macros_demo::outln!("  {what:<32} = {got:?}");
        Ok(())
    } else {
        Err(format!("{what} returned {got:?}, expected {expected:?}").into())
    }
}

/// Prints an error the tour provoked on purpose, after checking it is the expected one.
pub fn expect_err<T>(
    what: &str,
    result: Result<T, jitkit::Error>,
    expected: fn(&jitkit::Error) -> bool,
) -> Outcome {
    match result {
        Err(e) if expected(&e) => {
            macros_demo::outln!("  {what}\n      -> Err: {e}");
            Ok(())
        }
        Err(e) => Err(format!("{what} gave an unexpected error: {e}").into()),
        Ok(_) => Err(format!("{what} succeeded, but it should have been refused").into()),
    }
}

/// A `u64` shown in hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Hex(pub u64);

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#018x}", self.0)
    }
}
