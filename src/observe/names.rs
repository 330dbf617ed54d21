//! Interned symbol names: each distinct name is stored once and lives as long as the process.
//!
//! The symbol registry hands names to readers that may run in a signal handler, where nothing
//! may be freed or allocated; a `&'static str` that is never freed is the one kind of string
//! such a reader can return. Interning bounds the cost by the number of *distinct* names (a code
//! generator names its functions after a finite program), not by the number of commits.
//! Buffers without a name take none of this space: their `jit_<address>` name is generated on
//! demand (see [`crate::Symbol::name`]).

use std::collections::HashSet;

use crate::memory::lock::Lock;

/// The stored names; a [`Lock`] so that the fork handlers can hold it (`fork.rs`).
pub(super) static NAMES: Lock<Option<HashSet<&'static str>>> = Lock::new(None);

/// The one stored copy of `name`, stored now if it is new.
pub(crate) fn intern(name: &str) -> &'static str {
    super::fork::install();
    let mut names = NAMES.lock();
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(&stored) = names.get(name) {
        return stored;
    }
    let stored: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(stored);
    stored
}

#[cfg(test)]
mod tests {
    use super::intern;

    #[test]
    fn equal_names_share_one_copy() {
        let a = intern(&String::from("fib"));
        let b = intern("fib");
        assert_eq!(a, "fib");
        assert!(std::ptr::eq(a, b));
        assert!(!std::ptr::eq(intern("fob"), a));
    }
}
