//! `libhdr` routines written in BCPL, compiled with a program that uses them.
//!
//! Most of the library is Rust ([`super::library`]), which both back ends call. A routine that
//! must call back into the program (`mkobj` sends its new object the `InitObj` message), or
//! is plainly BCPL over memory, is easier and more faithful as BCPL: [`add_used`] adds the
//! definition of each such routine the program names and does not define itself, so the
//! interpreter and the JIT run the same code for it as for the program's own functions.

use super::ast::{Decl, LetItem, Program};
use super::lexer::{lex, Tok, Token};
use super::parser::parse;

/// Each routine's name and its definition.
const ROUTINES: &[(&str, &str)] = &[
    (
        "mkobj",
        // A new object of `upb + 1` words whose word 0 is its methods vector `fns`, sent
        // `InitObj` with the address of the arguments after `fns`; 0 when out of memory.
        "LET mkobj(upb, fns, a, b, c, d, e, f, g, h, i, j, k) = VALOF
         { LET obj = getvec(upb)
           IF obj = 0 RESULTIS 0
           !obj := fns
           InitObj#(obj, @a)
           RESULTIS obj
         }",
    ),
    // The classic library's byte access and stack vectors (Richards and Whitby-Strevens,
    // "BCPL: the language and its compiler", and the BCPL kits that follow it), which
    // Cintcode replaced by `%` and `VEC`: old programs still call them.
    ("getbyte", "LET getbyte(s, i) = s%i"),
    ("putbyte", "LET putbyte(s, i, ch) BE s%i := ch"),
    (
        "aptovec",
        // `f(v, n)` with `v` a vector of `n + 1` words, freed when `f` returns. The vector
        // is the heap's rather than the stack's; there being no room for it ends the run.
        "LET aptovec(f, n) = VALOF
         { LET v = getvec(n)
           LET r = ?
           IF v = 0 DO
           { sawritef(\"aptovec: no room for a vector of %n words*n\", n)
             stop(20)
           }
           r := f(v, n)
           freevec(v)
           RESULTIS r
         }",
    ),
    (
        "setvec",
        // Copies the `n` (at most 16) values after `n` into `v!0`..`v!(n-1)`.
        "LET setvec(v, n, a0, a1, a2, a3, a4, a5, a6, a7,
                    a8, a9, a10, a11, a12, a13, a14, a15) BE
         { LET p = @a0
           FOR i = 0 TO n - 1 DO v!i := p!i
         }",
    ),
    (
        "testbit",
        // Bit `n` of the bit vector `v` (bit 0 is the least significant of `v!0`): nonzero
        // when it is set.
        "LET testbit(n, v) = v!(n / bitsperword) & 1 << n MOD bitsperword",
    ),
    (
        "setbit",
        // Sets bit `n` of `v` to `state`; the bit's previous value as `testbit` gives it.
        "LET setbit(n, v, state) = VALOF
         { LET w, mask = n / bitsperword, 1 << n MOD bitsperword
           LET old = v!w & mask
           v!w := state -> v!w | mask, v!w & ~mask
           RESULTIS old
         }",
    ),
    (
        "splitname",
        // Copies the characters of `s` from position `p` up to the next `ch` into the string
        // `prefix`; the position after that `ch`, or 0 when `s` ends first.
        "LET splitname(prefix, ch, s, p) = VALOF
         { LET n = 0
           WHILE p <= s%0 DO
           { LET c = s%p
             p := p + 1
             IF c = ch DO { prefix%0 := n; RESULTIS p }
             n := n + 1
             prefix%n := c
           }
           prefix%0 := n
           RESULTIS 0
         }",
    ),
];

/// Puts in front of `prog`'s declarations the routines that `tokens` (the program's) name but
/// no top-level `LET` of the program defines (see [`Program::prelude`]).
pub fn add_used(tokens: &[Token], prog: &mut Program) {
    let mut used = Vec::new();
    for (name, source) in ROUTINES {
        // In any case of its letters, as names are found (`GETBYTE` for `getbyte`).
        let named = tokens
            .iter()
            .any(|t| matches!(&t.tok, Tok::Name(n) if n.eq_ignore_ascii_case(name)));
        if !named || defines(prog, name) {
            continue;
        }
        let (tokens, errors) = lex(source.as_bytes());
        let parsed = parse(&tokens);
        debug_assert!(errors.is_empty(), "the prelude's {name} lexes: {errors:?}");
        if let (true, Ok(routine)) = (errors.is_empty(), parsed) {
            used.extend(routine.decls);
        }
    }
    let n = used.len();
    prog.decls.splice(0..0, used);
    prog.prelude += n;
    for start in &mut prog.sections {
        *start += n;
    }
}

/// Whether a top-level `LET` of `prog` defines `name`.
fn defines(prog: &Program, name: &str) -> bool {
    prog.decls.iter().any(|d| match d {
        Decl::Let(items) => items
            .iter()
            .any(|i| matches!(i, LetItem::Func(f) if f.name.eq_ignore_ascii_case(name))),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_routine_parses_and_defines_its_name() {
        for (name, source) in ROUTINES {
            let (tokens, errors) = lex(source.as_bytes());
            assert!(errors.is_empty(), "{name}: {errors:?}");
            let prog = parse(&tokens).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(defines(&prog, name), "{name}");
        }
    }
}
