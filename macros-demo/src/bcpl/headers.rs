//! `GET "name"`: the text of a header, read in place of the directive.
//!
//! `libhdr` is built in ([`super::library`]), so its `GET` stays for the parser to skip. Any
//! other header is looked for as `name` and then `name.h` in the directories of
//! [`search_path`]: beside the source file, then where Cintcode's compiler looks (the
//! directories listed in `BCPLHDRS`, then `g/` under `BCPLROOT`; `cintcode/com/bcplfe.b`'s
//! notes of 27/07/06), so that the headers of a Cintcode installation are found. A header that
//! is found is lexed and its tokens replace the `GET`, headers inside it too, up to
//! [`MAX_DEPTH`] deep. Its tokens carry the position of the `GET`, so an error in a header
//! points at the line that brought it in; the message names the header. One that is not found
//! stays, and the parser reports it by name.

use std::path::{Path, PathBuf};

use super::diag::SourceError;
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

/// Where headers of a source file in `dir` are looked for, in order: `dir`, each directory
/// of the environment variable `BCPLHDRS` (separated by `:` or `;`), and `g` under
/// `BCPLROOT`.
pub fn search_path(dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![dir.to_path_buf()];
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

/// `tokens` with every `GET` of a header found in `dirs` (the first that has it) replaced by
/// the header's tokens, and the lexical errors of those headers.
pub fn include(tokens: Vec<Token>, dirs: &[PathBuf]) -> (Vec<Token>, Vec<SourceError>) {
    let mut errors = Vec::new();
    let out = expand(tokens, dirs, 0, &mut errors);
    (out, errors)
}

fn expand(
    tokens: Vec<Token>,
    dirs: &[PathBuf],
    depth: usize,
    errors: &mut Vec<SourceError>,
) -> Vec<Token> {
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
        let Some(text) = read(dirs, &name) else {
            out.push(t);
            continue;
        };
        let shown = String::from_utf8_lossy(&name).into_owned();
        if depth >= MAX_DEPTH {
            errors.push(SourceError::new(
                t.pos,
                format!("GET \"{shown}\": headers nest more than {MAX_DEPTH} deep"),
            ));
            it.next();
            continue;
        }
        it.next();
        let (header, lex_errors) = lex(&text);
        errors.extend(
            lex_errors
                .into_iter()
                .map(|e| SourceError::new(t.pos, format!("in header \"{shown}\": {}", e.message))),
        );
        let header: Vec<Token> = header
            .into_iter()
            .filter(|h| h.tok != Tok::Eof)
            .map(|h| Token { pos: t.pos, ..h })
            .collect();
        out.extend(expand(header, dirs, depth + 1, errors));
    }
    out
}

/// The bytes of header `name` from the first of `dirs` that has it: `name`, else `name.h`.
fn read(dirs: &[PathBuf], name: &[u8]) -> Option<Vec<u8>> {
    let name = String::from_utf8_lossy(name).into_owned();
    dirs.iter()
        .flat_map(|d| [d.join(&name), d.join(format!("{name}.h"))])
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read(p).ok())
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
        let (tokens, errors) = include(tokens, &[dir.join("elsewhere"), dir.clone()]);
        assert!(errors.is_empty(), "{errors:?}");
        let toks: Vec<&Tok> = tokens.iter().map(|t| &t.tok).collect();
        assert!(toks.contains(&&Tok::Name("ten".into())) && toks.contains(&&Tok::Name("g".into())));
        // libhdr and a header that is not there stay for the parser.
        assert_eq!(toks.iter().filter(|t| ***t == Tok::Kw(Kw::Get)).count(), 2);
        // Every token of a header is placed at the GET that brought it in.
        let ten = tokens
            .iter()
            .find(|t| t.tok == Tok::Name("ten".into()))
            .unwrap();
        assert_eq!(ten.pos.line, 2);
        std::fs::write(dir.join("loop.h"), "GET \"loop.h\"").unwrap();
        let (tokens, _) = lex(b"GET \"loop.h\"");
        let (_, errors) = include(tokens, std::slice::from_ref(&dir));
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
