//! The front end never panics: arbitrary bytes, and mutations of the example and dialect
//! programs, either compile or give errors (at most `MAX_ERRORS`) located inside the input.
//!
//! Inputs come from a xorshift generator with fixed seeds, so a failure reproduces. Whatever
//! checks cleanly is also run through the code generator (not executed), which must not panic
//! either. Everything runs on a thread with a large stack, as the driver does.

mod common;

use macros_demo::bcpl;

use std::path::Path;

use common::XorShift;

/// Checks one input: no panic, and an error's position lies within the text (or just past it).
fn check(src: &[u8]) -> Result<bool, String> {
    let lines = src.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let longest = src
        .split(|&b| b == b'\n')
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0) as u32;
    let result = std::panic::catch_unwind(|| bcpl::front_end(src));
    match result {
        Err(_) => Err(format!("panic on {:?}", String::from_utf8_lossy(src))),
        Ok(Ok(prog)) => {
            let ctx = bcpl::codegen::Context::new(prog.funcs.len(), false);
            for (i, f) in prog.funcs.iter().enumerate() {
                let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    bcpl::codegen::compile(f, i, &ctx)
                }));
                match compiled {
                    Err(_) => {
                        return Err(format!(
                            "codegen panic on {:?}",
                            String::from_utf8_lossy(src)
                        ))
                    }
                    Ok(Err(e)) => {
                        return Err(format!(
                            "codegen error {e} on {:?}",
                            String::from_utf8_lossy(src)
                        ))
                    }
                    Ok(Ok(_)) => {}
                }
            }
            Ok(true)
        }
        Ok(Err(errors)) => {
            if errors.is_empty() || errors.len() > bcpl::lexer::MAX_ERRORS {
                return Err(format!(
                    "{} errors for {:?}",
                    errors.len(),
                    String::from_utf8_lossy(src)
                ));
            }
            for e in &errors {
                let p = e.pos;
                if p.line == 0 || p.line > lines || p.col == 0 || p.col > longest + 1 {
                    return Err(format!(
                        "error {e} is outside the input {:?}",
                        String::from_utf8_lossy(src)
                    ));
                }
                let rendered = e.render("f.b", src);
                if !rendered.starts_with(&format!("f.b:{}:{}: ", p.line, p.col)) {
                    return Err(format!("bad rendering {rendered:?}"));
                }
            }
            Ok(false)
        }
    }
}

fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn arbitrary_bytes_never_panic() {
    on_big_stack(|| {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let alphabet: &[u8] =
            b"LETBEVALOFRESULTISIFDOWHILEFORTOBY$(){}!:=+-*/<>~&|,;'\"#x0123456789 \n\tabcz";
        for i in 0..20_000 {
            let len = rng.index(120);
            let src: Vec<u8> = (0..len)
                .map(|_| {
                    if i % 2 == 0 {
                        rng.next_u64() as u8
                    } else {
                        alphabet[rng.index(alphabet.len())]
                    }
                })
                .collect();
            if let Err(e) = check(&src) {
                panic!("input {i}: {e}");
            }
        }
    });
}

/// Keyword- and symbol-level noise: mostly well-formed token streams that stress the parser
/// rather than the lexer.
#[test]
fn random_token_soup_never_panics() {
    on_big_stack(|| {
        let tokens = [
            "LET",
            "start",
            "(",
            ")",
            "BE",
            "$(",
            "$)",
            "{",
            "}",
            "=",
            "VALOF",
            "RESULTIS",
            "IF",
            "UNLESS",
            "TEST",
            "THEN",
            "ELSE",
            "WHILE",
            "UNTIL",
            "DO",
            "FOR",
            "TO",
            "BY",
            "BREAK",
            "LOOP",
            "RETURN",
            "FINISH",
            "REPEAT",
            "REPEATUNTIL",
            "x",
            "f",
            "v",
            "1",
            "0",
            "#x1F",
            "'a'",
            "\"s*n\"",
            "VEC",
            ":=",
            "!",
            "+",
            "-",
            "*",
            "/",
            "MOD",
            "<<",
            ">>",
            "&",
            "|",
            "~",
            "->",
            ",",
            ";",
            "\n",
            "<",
            "=",
            "~=",
            "writen",
            "AND",
            "TRUE",
        ];
        let mut rng = XorShift(42);
        let mut compiled = 0;
        for i in 0..20_000 {
            let n = rng.index(40);
            let mut src = String::from(if i % 3 == 0 { "LET start() BE " } else { "" });
            for _ in 0..n {
                src.push_str(tokens[rng.index(tokens.len())]);
                src.push(' ');
            }
            match check(src.as_bytes()) {
                Ok(ok) => compiled += usize::from(ok),
                Err(e) => panic!("input {i}: {e}"),
            }
        }
        eprintln!("{compiled} of 20000 token soups compiled");
    });
}

#[test]
fn mutated_example_programs_never_panic() {
    on_big_stack(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
        let mut sources = Vec::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "b") {
                sources.push(std::fs::read(&p).unwrap());
            }
        }
        assert!(sources.len() >= 20);
        for s in &sources {
            assert_eq!(check(s), Ok(true), "{}", String::from_utf8_lossy(s));
        }
        // The dialect's programs bring every construct into the mutations; some of them are
        // meant to fail (a missing header, errors at run time), so they need only check.
        for e in std::fs::read_dir(dir.join("dialect")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "b") {
                let s = std::fs::read(&p).unwrap();
                check(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                sources.push(s);
            }
        }
        let mut rng = XorShift(7);
        let mut compiled = 0;
        let total = 12_000;
        for i in 0..total {
            let mut src = sources[i % sources.len()].clone();
            for _ in 0..1 + rng.index(4) {
                if src.is_empty() {
                    break;
                }
                let at = rng.index(src.len());
                match rng.index(5) {
                    0 => {
                        src.remove(at);
                    }
                    1 => src.insert(at, b"()$!:=;,'\"*/\n{}"[rng.index(15)]),
                    2 => src[at] = rng.next_u64() as u8,
                    3 => src.truncate(at),
                    _ => {
                        // Duplicate a slice somewhere else.
                        let end = (at + rng.index(30)).min(src.len());
                        let piece = src[at..end].to_vec();
                        let to = rng.index(src.len());
                        src.splice(to..to, piece);
                    }
                }
            }
            match check(&src) {
                Ok(ok) => compiled += usize::from(ok),
                Err(e) => panic!("mutation {i}: {e}"),
            }
        }
        eprintln!("{compiled} of {total} mutated programs still compiled");
    });
}
