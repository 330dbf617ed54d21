//! Maps keyed by a word: the open streams by their control blocks' addresses
//! ([`super::streams`]) and the live coroutines by theirs ([`super::coroutine`]), which a read
//! of a character and a coroutine switch look up.
//!
//! The keys are the program's own values, not an adversary's, so a multiply-fold hash is
//! enough: std's default SipHash took a third of the time of a `callco`/`cowait` pair, and
//! more than a `rdch` of a file.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by a word, hashed by [`WordHasher`].
pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// The multiply-fold hash of a word (Fibonacci hashing, the high half folded in).
#[derive(Default)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let m = u128::from(n ^ self.0) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}
