//! The one pseudo-random generator of every test: Marsaglia's xorshift64. It is fast and
//! deterministic, so a failing input reproduces from its seed, and it needs no dependency.
//! The test crates of both packages and the library's unit tests include this file.

// Each includer uses only part of it.
#![allow(dead_code)]

/// Marsaglia's xorshift64 ("Xorshift RNGs", Journal of Statistical Software 8(14), 2003),
/// with shifts 13, 7, 17. The seed must not be 0 (0 maps to 0 for ever).
pub struct XorShift(pub u64);

impl XorShift {
    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n`; `n` must not be 0.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// An index in `0..n`; `n` must not be 0.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
}
