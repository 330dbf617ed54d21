//! Helpers shared by the integration tests: a small deterministic random generator, so test
//! inputs are reproducible from a seed without a dependency.

// Each test crate includes this module and uses only part of it.
#![allow(dead_code)]

/// Marsaglia's xorshift64: fast, deterministic, good enough to generate test inputs.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An index in `0..n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
}
