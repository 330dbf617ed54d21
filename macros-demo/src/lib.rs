//! The library half of `macros-demo`: the BCPL compiler, for the binary, its tests and its
//! benchmark, and [`console`], the writing of its messages. The tour of jitkit lives in the
//! binary alone.

pub mod bcpl;
pub mod console;
