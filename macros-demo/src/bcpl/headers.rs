//! `GET "name"`: the text of a header, read in place of the directive.
//!
//! `libhdr` is built in ([`super::library`]), so its `GET` stays for the parser to skip. Any
//! other header is looked for as `name` and then `name.h` in the directories of
//! [`search_path`]: beside the source file, then where Cintcode's compiler looks (the current
//! directory, the directories listed in `BCPLHDRS`, then `g/` under `BCPLROOT`;
//! `cintcode/com/bcplfe.b`'s notes of 27/07/06), so that the headers of a Cintcode
//! installation, and those a program names from where it is compiled, are found. A header that
//! is found is lexed and its tokens replace the `GET`, headers inside it too, up to
//! [`MAX_DEPTH`] deep. Each header read gets the next file number, and its tokens carry their
//! own lines in it ([`super::diag::file_line`]), so an error in a header, at compile time or
//! at run time, names the header and its line. One that is not found stays, and the parser
//! reports it by name.

use std::path::{Path, PathBuf};

use super::diag::{file_line, Pos, SourceError};
use super::lexer::{lex, Kw, Tok, Token};

/// How deeply headers may `GET` other headers.
pub const MAX_DEPTH: usize = 8;

/// Whether a `GET` names the standard header: `libhdr`, in any case, with or without `.h`
/// and a directory.
pub fn is_libhdr(name: &[u8]) -> bool {
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let file = name.rsplit(['/', '\\', ':']).next().unwrap_or(&name);
    matches!(file, "libhdr" | "libhdr.h")
}

/// Where headers of a source file in `dir` are looked for, in order: `dir`, the current
/// directory (as the empty path, so that a header found there is named as the `GET` names
/// it), each directory of the environment variable `BCPLHDRS` (separated by `:` or `;`),
/// and `g` under `BCPLROOT`.
pub fn search_path(dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![dir.to_path_buf()];
    if !dir.as_os_str().is_empty() {
        dirs.push(PathBuf::new());
    }
    if let Some(hdrs) = std::env::var_os("BCPLHDRS") {
        let hdrs = hdrs.to_string_lossy().into_owned();
        dirs.extend(
            hdrs.split([':', ';'])
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
        );
    }
    if let Some(root) = std::env::var_os("BCPLROOT") {
        dirs.push(PathBuf::from(root).join("g"));
    }
    dirs
}

/// A header that was read: where it was found, and its bytes. Its file number is its index
/// in [`Included::headers`] plus one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The path it was read from, as errors name it.
    pub path: String,
    /// Its text.
    pub text: Vec<u8>,
}

/// What [`include()`] made of a file's tokens.
#[derive(Debug, Clone, Default)]
pub struct Included {
    /// The tokens, with the headers' in place of their `GET`s.
    pub tokens: Vec<Token>,
    /// The headers' lexical errors.
    pub errors: Vec<SourceError>,
    /// The headers read, in the order of their file numbers.
    pub headers: Vec<Header>,
}

/// `tokens` with every `GET` of a header found in `dirs` (the first that has it) replaced by
/// the header's tokens.
pub fn include(tokens: Vec<Token>, dirs: &[PathBuf]) -> Included {
    let mut inc = Included::default();
    inc.tokens = expand(tokens, dirs, 0, &mut inc);
    inc
}

fn expand(tokens: Vec<Token>, dirs: &[PathBuf], depth: usize, inc: &mut Included) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut it = tokens.into_iter().peekable();
    while let Some(t) = it.next() {
        let name = match (&t.tok, it.peek().map(|n| &n.tok)) {
            (Tok::Kw(Kw::Get), Some(Tok::Str(name))) if !is_libhdr(name) => name.clone(),
            _ => {
                out.push(t);
                continue;
            }
        };
        let Some((path, text)) = read(dirs, &name) else {
            out.push(t);
            continue;
        };
        let shown = String::from_utf8_lossy(&name).into_owned();
        if depth >= MAX_DEPTH {
            inc.errors.push(SourceError::new(
                t.pos,
                format!("GET \"{shown}\": headers nest more than {MAX_DEPTH} deep"),
            ));
            it.next();
            continue;
        }
        it.next();
        let (header, lex_errors) = lex(&text);
        inc.headers.push(Header {
            path: path.display().to_string(),
            text,
        });
        let file = inc.headers.len();
        let place = |pos: Pos| Pos {
            line: file_line(file, pos.line),
            ..pos
        };
        inc.errors.extend(
            lex_errors
                .into_iter()
                .map(|e| SourceError::new(place(e.pos), e.message)),
        );
        let header: Vec<Token> = header
            .into_iter()
            .filter(|h| h.tok != Tok::Eof)
            .map(|h| Token {
                pos: place(h.pos),
                ..h
            })
            .collect();
        out.extend(expand(header, dirs, depth + 1, inc));
    }
    out
}

/// Header `name` from the first of `dirs` that has it (`name`, else `name.h`): its path and
/// bytes.
fn read(dirs: &[PathBuf], name: &[u8]) -> Option<(PathBuf, Vec<u8>)> {
    let name = String::from_utf8_lossy(name).into_owned();
    let path = dirs
        .iter()
        .flat_map(|d| [d.join(&name), d.join(format!("{name}.h"))])
        .find(|p| p.is_file())?;
    let text = std::fs::read(&path).ok()?;
    Some((path, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_beside_the_source_is_read_in_place() {
        let dir = std::env::temp_dir().join(format!("bcpl-headers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("defs.h"), "MANIFEST { ten = 10 }\nGET \"more\"\n").unwrap();
        std::fs::write(dir.join("more"), "GLOBAL { g: 300 }").unwrap();
        let (tokens, errors) = lex(b"GET \"libhdr\"\nGET \"defs\"\nGET \"missing.h\"\n");
        assert!(errors.is_empty());
        let inc = include(tokens, &[dir.join("elsewhere"), dir.clone()]);
        assert!(inc.errors.is_empty(), "{:?}", inc.errors);
        let tokens = inc.tokens;
        let toks: Vec<&Tok> = tokens.iter().map(|t| &t.tok).collect();
        assert!(toks.contains(&&Tok::Name("ten".into())) && toks.contains(&&Tok::Name("g".into())));
        // libhdr and a header that is not there stay for the parser.
        assert_eq!(toks.iter().filter(|t| ***t == Tok::Kw(Kw::Get)).count(), 2);
        // Every token of a header carries its own line in its own file: defs.h is file 1,
        // more (read from it) file 2.
        let line_of = |name: &str| {
            let t = tokens
                .iter()
                .find(|t| t.tok == Tok::Name(name.into()))
                .unwrap();
            crate::bcpl::diag::split_line(t.pos.line)
        };
        assert_eq!((line_of("ten"), line_of("g")), ((1, 1), (2, 1)));
        let paths: Vec<&str> = inc.headers.iter().map(|h| h.path.as_str()).collect();
        assert!(
            paths[0].ends_with("defs.h") && paths[1].ends_with("more"),
            "{paths:?}"
        );
        std::fs::write(dir.join("bad.h"), "LET x = 1\n  `\n").unwrap();
        let (tokens, _) = lex(b"\nGET \"bad\"");
        let errors = include(tokens, std::slice::from_ref(&dir)).errors;
        let files: [(&str, &[u8]); 2] = [("m.b", b""), ("bad.h", b"LET x = 1\n  `\n")];
        let shown = errors[0].render_in(&files);
        assert!(
            shown.starts_with("bad.h:2:3: unexpected character"),
            "{shown}"
        );
        std::fs::write(dir.join("loop.h"), "GET \"loop.h\"").unwrap();
        let (tokens, _) = lex(b"GET \"loop.h\"");
        let errors = include(tokens, std::slice::from_ref(&dir)).errors;
        assert!(errors[0].message.contains("nest more than"), "{errors:?}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn libhdr_is_recognised_in_its_spellings() {
        for name in ["libhdr", "LIBHDR", "libhdr.h", "g/libhdr.h", "sys:LIBHDR"] {
            assert!(is_libhdr(name.as_bytes()), "{name}");
        }
        assert!(!is_libhdr(b"mc.h"));
    }
}
