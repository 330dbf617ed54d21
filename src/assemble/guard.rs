//! Turning dynasm's encoder panics into [`Error::Immediate`].
//!
//! dynasm checks a *dynamic* immediate (a Rust expression such as `#k`) when the instruction is
//! assembled at run time, and on failure calls `dynasmrt::aarch64::immediate_out_of_range_*`,
//! which panics; some of its field arithmetic (`width - 1` for a bitfield, say) can also
//! overflow, which panics in debug builds. That code is written into the caller's expansion, so
//! no trait method can replace it. jitkit therefore runs the encoder under
//! [`std::panic::catch_unwind`]:
//!
//! - a process-wide panic hook, installed once and chained to the hook that was there before,
//!   stays silent for exactly these panics while the current thread is inside [`guarded`], and
//!   passes every other panic to the previous hook unchanged;
//! - [`guarded`] returns the caught panic's value, for an [`Error::Immediate`] that names the
//!   value, the statement and what the form accepts; any other panic is resumed as it was.
//!
//! The macros evaluate the user's operand expressions before the guarded encoder runs, so a
//! user's own panic never reaches the guard. A hook cannot be installed from a thread that is
//! already panicking (`std::panic::take_hook` panics there): a first use inside a `Drop` during
//! unwinding defers the installation to the next use, and until then an encoder panic prints its
//! message (the error is returned all the same). With `panic = "abort"` the process aborts.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

use super::ranges::allowed_for;
use crate::fork_once::ForkOnce;
use crate::Error;

/// What an error says is allowed when the statement is not known.
const UNKNOWN: &str = "the values the immediate field of this instruction form holds (see the instruction's page in the Arm ARM)";

/// dynasmrt's message: "Cannot assemble this Aarch64 instruction. Immediate {x} is out of range."
const PREFIX: &str = "Cannot assemble this Aarch64 instruction. Immediate ";
const SUFFIX: &str = " is out of range.";

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

fn install_hook() {
    static HOOK: ForkOnce = ForkOnce::new();
    if HOOK.is_done() || std::thread::panicking() {
        return;
    }
    HOOK.run(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let silent = GUARDED.with(Cell::get) && immediate_of(info.payload()).is_some();
            if !silent {
                previous(info);
            }
        }));
        true
    });
}

/// The value named in a dynasm out-of-range panic, or a description of an arithmetic overflow
/// inside the encoder; `None` for any other panic.
fn immediate_of(payload: &(dyn Any + Send)) -> Option<String> {
    let msg = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    if let Some(value) = msg
        .strip_prefix(PREFIX)
        .and_then(|m| m.strip_suffix(SUFFIX))
    {
        return Some(value.to_owned());
    }
    (msg.starts_with("attempt to ") && msg.ends_with(" with overflow"))
        .then(|| format!("an operand for which the encoder's arithmetic overflows ({msg})"))
}

/// Runs `f`; a dynasm out-of-range panic inside it becomes `Err(value)` without a message.
/// Other panics propagate unchanged.
pub(crate) fn guarded<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|payload| match immediate_of(payload.as_ref()) {
        Some(value) => value,
        None => panic::resume_unwind(payload),
    })
}

/// The error for an out-of-range `value` met when the code had reached byte `offset`, with the
/// statement found in `source` (the `a64!` input as `stringify!` prints it), if any.
pub(crate) fn immediate_error(value: String, source: Option<&str>, offset: usize) -> Error {
    let statement = source.and_then(|s| statement_at(s, offset));
    let allowed = statement.as_deref().map_or(UNKNOWN, allowed_for);
    Error::Immediate {
        value,
        statement: statement.unwrap_or_else(|| format!("the instruction at byte offset {offset}")),
        allowed,
    }
}

/// The statement whose code starts at byte `offset`, by walking `source` statement by statement
/// and adding up what each one emits. `None` where a directive's size cannot be told.
fn statement_at(source: &str, offset: usize) -> Option<String> {
    let mut at = 0usize;
    for stmt in source.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let size = emitted_bytes(stmt)?;
        if size > 0 && at == offset {
            return Some(stmt.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        at += size;
        if at > offset {
            return None;
        }
    }
    None
}

fn emitted_bytes(stmt: &str) -> Option<usize> {
    if let Some(directive) = stmt.strip_prefix('.') {
        let name = directive.split_whitespace().next().unwrap_or("");
        let items = directive[name.len()..]
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .count();
        return match name {
            "arch" | "alias" | "feature" => Some(0),
            "u8" | "i8" => Some(items),
            "u16" | "i16" => Some(2 * items),
            "u32" | "i32" | "f32" => Some(4 * items),
            "u64" | "i64" | "f64" => Some(8 * items),
            _ => None,
        };
    }
    let label = stmt.starts_with("=>") && !stmt.contains(' ')
        || stmt.starts_with("=> ") && stmt.split_whitespace().count() == 2
        || stmt.ends_with(':');
    Some(if label { 0 } else { 4 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_statement_by_offset() {
        let src = "mov x0, #1; top:; .u64 5; add x0, x0, #k; => l; ret";
        assert_eq!(statement_at(src, 0).as_deref(), Some("mov x0, #1"));
        assert_eq!(statement_at(src, 12).as_deref(), Some("add x0, x0, #k"));
        assert_eq!(statement_at(src, 16).as_deref(), Some("ret"));
        assert_eq!(statement_at(src, 8), None);
        assert_eq!(statement_at(".align 16; add x0, x0, #k", 16), None);
    }

    #[test]
    fn other_panics_pass_through() {
        let caught = std::panic::catch_unwind(|| guarded(|| panic!("a bug")));
        assert!(caught.is_err());
        let r = guarded(|| -> u32 { dynasmrt::aarch64::immediate_out_of_range_unsigned_32(70000) });
        assert_eq!(r, Err("70000".to_owned()));
    }
}
