//! A small BCPL, compiled function by function to AArch64 with jitkit.
//!
//! This is jitkit in the role it was made for: the back end of a language prototype. The
//! pipeline, one module per stage:
//!
//! ```text
//! bytes --lexer--> tokens --parser--> ast --sema--> ir --+--interp--> output   (reference)
//!                                                        +--codegen/jit--> CodeBuffer per
//!                                                           function, called through a
//!                                                           CallTable (lazily compiled)
//! ```
//!
//! - [`lexer`], [`parser`]: source to syntax tree, every error located ([`diag`]).
//! - [`sema`]: every rule of the dialect, checked once; lowers to [`ir`] (slots, indices).
//! - [`interp`]: the tree-walking interpreter: the meaning of a program, and the baseline.
//! - [`codegen`]: one function to instructions through [`jitkit::Assembler`], AAPCS64.
//! - [`jit`]: function table, lazy-compilation stubs, one commit per function, running.
//! - [`runtime`]: output and the routines JIT code calls (`writen`, `writes`, `wrch`, ...).
//! - [`arith`]: what the operators mean, shared by the interpreter and constant folding.
//! - [`driver`]: the command line.
//!
//! ## The dialect
//! Words are 64-bit and signed; everything is a word. A program is `LET f(a, ...) = e` and
//! `LET r(a, ...) BE c` declarations (also joined with `AND`), in any order; it runs
//! `start()`. `GET "..."` and `SECTION "..."` lines are ignored. Commands: `LET` (several
//! names at once, `VEC n` for n+1 zeroed words), `:=` (also `v!i :=`, `!p :=`, and
//! `a, b := x, y`), `IF`/`UNLESS ... DO`, `TEST ... THEN ... ELSE`, `WHILE`/`UNTIL ... DO`,
//! `c REPEAT`/`REPEATWHILE e`/`REPEATUNTIL e`, `FOR i = a TO b BY k DO` (k constant),
//! `RESULTIS`, `RETURN`, `BREAK`, `LOOP`, `FINISH`, calls, and `$( ... $)` or `{ ... }` blocks;
//! a `;` or a line break ends a command. Expressions: numbers (`#x` hex, `#b`, `#o`/`#`
//! octal), `'c'`, strings, `TRUE`/`FALSE`, calls, `VALOF`, and the operators listed in
//! [`parser`] with BCPL's precedence; [`arith`] says what they compute. `writen`, `writes`,
//! `wrch` and `newline` are the runtime; `*n`, `*t`, `*s`, `**`, `*"` are string escapes.

pub mod arith;
pub mod ast;
pub mod codegen;
pub mod diag;
pub mod driver;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod lexer;
pub mod parser;
pub mod runtime;
pub mod sema;

pub use driver::main;

/// Source bytes to a checked program: lex, parse, check.
pub fn front_end(src: &[u8]) -> Result<ir::Program, diag::SourceError> {
    let tokens = lexer::lex(src)?;
    let ast = parser::parse(&tokens)?;
    sema::check(&ast)
}
