//! A small BCPL, compiled function by function to x86-64 or AArch64 with jitkit.
//!
//! This is jitkit in the role it was made for: the back end of a language prototype. The
//! pipeline, one module per stage:
//!
//! ```text
//! bytes --lexer--> tokens --parser--> ast --sema--> ir --+--interp--> output   (reference)
//!                                                        +--jit + a Backend--> CodeBuffer per
//!                                                           function, called through a
//!                                                           CallTable (lazily compiled)
//! ```
//!
//! - [`lexer`], [`parser`]: source to syntax tree, every error located ([`diag`]).
//! - [`sema`]: every rule of the dialect, checked once; lowers to [`ir`] (slots, indices).
//! - [`interp`]: the tree-walking interpreter: the meaning of a program, and the baseline.
//! - [`jit`]: function table, lazy-compilation stubs, one commit per function, running;
//!   generic over a [`jit::Backend`], one per instruction set:
//!   - [`backend_a64`] with [`codegen`]: AArch64 through [`jitkit::Assembler`], AAPCS64;
//!   - [`backend_x64`] with [`codegen_x64`]: x86-64 through [`jitkit::x64::Assembler`],
//!     the System V ABI.
//! - [`memory`], [`library`]: the words both back ends run on and `libhdr`'s routines,
//!   written once for all; [`prelude`]: the few that are BCPL, compiled with the program;
//!   [`unprovided`]: the `libhdr` names of Cintcode's operating system, reported by name.
//! - [`runtime`]: output, error reports, and the exits JIT code calls; [`streams`]: the
//!   console and files that `rdch`, `wrch` and the rest read and write, and `records`:
//!   positions and records in them (`note`, `point`, `get_record`, ...); `calendar`: dates
//!   as `dat_to_strings` writes them.
//! - [`arith`]: what the operators mean, shared by the interpreter and constant folding;
//!   [`float`] likewise for floating point, which both back ends reach through `sys`;
//!   [`field`]: `SLCT` field selectors, which [`sema`] lowers to shifts and masks.
//! - [`driver`]: the command line (`--target` picks the instruction set; the host's by default).
//!
//! ## The dialect
//! BCPL as Martin Richards' Cintcode system defines it, with 64-bit words: `GET "libhdr"`
//! (built in; other headers from beside the source, [`headers`]), `SECTION`, `NEEDS`, sections
//! ended by `.`; `LET`/`AND` functions and routines (also nested in
//! blocks), `GLOBAL`, `STATIC` and `MANIFEST` declarations; `LET a, b = 1, 2` (names declared first, values set in order);
//! `$( $)` (with section tags) and `{ }`; reserved words in upper or lower case; `@`, `!`,
//! `%`, `TABLE`, `?`; `SWITCHON`/`CASE`/`DEFAULT`/`ENDCASE`; `GOTO` and labels (also as
//! values); `SLCT`, `OF` and `::`; `<>`; `XOR`, `EQV`, `NEQV`, `NOT`, `ABS`, `->`; numbers in
//! every base with `_`; character escapes; function values and calls with fewer or more
//! arguments than declared; `op:=` assignments; conditional compilation (`$$tag`, `$<tag`,
//! `$~tag`, `$>tag`); method application `e#(obj, args)`; floating point and the `FLT` tag
//! ([`float`]). [`library`] is `libhdr`'s library (`writef` and the rest), [`memory`] the
//! machine both back ends share.
//!
//! `BREAK`, `LOOP` and `ENDCASE` may leave a VALOF for the loop or SWITCHON around it.
//! `longjump(level(), label)` leaves nested calls for a label of a running activation
//! ([`memory::Jump`]).
//!
//! The pattern matching Cintcode added in 2021 (`LET f : patterns => ...`, `MATCH`, `EVERY`,
//! `NEXT`, `EXIT`) is parsed in `parser/patterns.rs` and lowered to the IR's tests and jumps in
//! `sema/patterns.rs`.
//!
//! Not supported, each reported by name: GOTO into a VALOF, the operating-system names of
//! `libhdr` ([`unprovided`]) and its routines not provided (`changeco`, `instrcount`, ...),
//! which stop a run when it reaches one. Sound, SDL, OpenGL and the GP2X's buttons are devices this
//! system has none of: `sys` answers for them as Cintcode built without them does, so that
//! programs using the graphics libraries of its `g/` directory report them missing.
//! Coroutines ([`coroutine`]) run on a native stack each ([`fiber`]), all on the run's thread.

pub mod arith;
pub mod ast;
pub mod backend_a64;
pub mod backend_x64;
mod calendar;
pub mod codegen;
pub mod codegen_x64;
pub mod coroutine;
pub mod diag;
pub mod driver;
pub mod encoding;
pub mod fiber;
pub mod field;
pub mod float;
pub mod headers;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod lexer;
pub mod library;
pub mod memory;
pub mod parser;
pub mod prelude;
mod records;
pub mod runtime;
pub mod scb;
pub mod sema;
pub mod streams;
mod sysops;
pub mod unprovided;
mod wordmap;

pub use driver::main;

/// Source bytes to a checked program: lex, parse, check. Every error found (up to
/// [`lexer::MAX_ERRORS`]), in source order. No header but `libhdr` is read.
pub fn front_end(src: &[u8]) -> Result<ir::Program, Vec<diag::SourceError>> {
    front_end_at(src, None)
}

/// [`front_end`] for a source file in `dir`, whose `GET`s of other headers read them from
/// there or Cintcode's header directories ([`headers::search_path`]).
pub fn front_end_at(
    src: &[u8],
    dir: Option<&std::path::Path>,
) -> Result<ir::Program, Vec<diag::SourceError>> {
    front_end_with_headers(src, dir).0
}

/// [`front_end_at`], and the headers it read, whose file numbers the positions of errors and
/// the lines of the program name ([`diag::split_line`]).
pub fn front_end_with_headers(
    src: &[u8],
    dir: Option<&std::path::Path>,
) -> (
    Result<ir::Program, Vec<diag::SourceError>>,
    Vec<headers::Header>,
) {
    let (tokens, mut errors) = lexer::lex(src);
    let (tokens, read) = match dir {
        Some(dir) => {
            let inc = headers::include(tokens, &headers::search_path(dir));
            errors.extend(inc.errors);
            (inc.tokens, inc.headers)
        }
        None => (tokens, Vec::new()),
    };
    (checked(&tokens, errors), read)
}

/// Parses and checks `tokens`, after the lexical `errors` found in them.
fn checked(
    tokens: &[lexer::Token],
    mut errors: Vec<diag::SourceError>,
) -> Result<ir::Program, Vec<diag::SourceError>> {
    match parser::parse(tokens) {
        Ok(mut ast) if errors.is_empty() => {
            prelude::add_used(tokens, &mut ast);
            sema::check(&ast)
        }
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| (e.pos.line, e.pos.col));
            errors.dedup_by_key(|e| e.pos);
            errors.truncate(lexer::MAX_ERRORS);
            Err(errors)
        }
    }
}
