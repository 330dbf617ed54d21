//! Source bytes to tokens.
//!
//! The lexer works on bytes, not `str`, because a source file may hold anything: bytes that are
//! not UTF-8 are accepted inside string constants (and written out unchanged) and reported with
//! their position everywhere else. Every token carries its line and column, and whether a line
//! break came before it: BCPL lets a newline end a command, and the parser needs that bit to
//! tell `x := a` + newline + `!p := b` (two commands) from `x := a!p` (one).
//!
//! Escapes in string and character constants are decoded here, in BCPL's notation: `*n`
//! newline, `*t` tab, `*s` space, `*b` backspace, `*p` form feed, `*c` carriage return, `*e`
//! escape, `**` a star, `*"` and `*'` quotes. A star before anything else is just a star, so
//! `"2 * 3"` prints as written.

use super::diag::{Pos, SourceError};

/// A token's kind and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A name: a letter followed by letters, digits, `_` and `.`.
    Name(String),
    /// A number: decimal, `#x` hex, `#b` binary, `#o` or `#` octal, or a character constant.
    Num(i64),
    /// A string constant, escapes decoded.
    Str(Vec<u8>),
    /// A reserved word.
    Kw(Kw),
    /// An operator or punctuation.
    Sym(Sym),
    /// End of input.
    Eof,
}

/// Reserved words (upper case, as BCPL writes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    Let,
    And,
    Be,
    Vec,
    If,
    Unless,
    Test,
    Then,
    Else,
    Do,
    While,
    Until,
    Repeat,
    RepeatWhile,
    RepeatUntil,
    For,
    To,
    By,
    Resultis,
    Return,
    Break,
    Loop,
    Finish,
    Valof,
    True,
    False,
    Mod,
    Get,
    Section,
}

/// Operators and punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sym {
    LParen,
    RParen,
    /// `$(` or `{`
    LBlock,
    /// `$)` or `}`
    RBlock,
    Comma,
    Semi,
    Assign,
    Plus,
    Minus,
    Star,
    Slash,
    Bang,
    Tilde,
    Amp,
    Bar,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Shl,
    Shr,
    Arrow,
    Colon,
}

/// A token with where it starts and whether a line break precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
    pub newline_before: bool,
}

const KEYWORDS: &[(&str, Kw)] = &[
    ("LET", Kw::Let),
    ("AND", Kw::And),
    ("BE", Kw::Be),
    ("VEC", Kw::Vec),
    ("IF", Kw::If),
    ("UNLESS", Kw::Unless),
    ("TEST", Kw::Test),
    ("THEN", Kw::Then),
    ("ELSE", Kw::Else),
    ("OR", Kw::Else),
    ("DO", Kw::Do),
    ("WHILE", Kw::While),
    ("UNTIL", Kw::Until),
    ("REPEAT", Kw::Repeat),
    ("REPEATWHILE", Kw::RepeatWhile),
    ("REPEATUNTIL", Kw::RepeatUntil),
    ("FOR", Kw::For),
    ("TO", Kw::To),
    ("BY", Kw::By),
    ("RESULTIS", Kw::Resultis),
    ("RETURN", Kw::Return),
    ("BREAK", Kw::Break),
    ("LOOP", Kw::Loop),
    ("FINISH", Kw::Finish),
    ("VALOF", Kw::Valof),
    ("TRUE", Kw::True),
    ("FALSE", Kw::False),
    ("MOD", Kw::Mod),
    ("REM", Kw::Mod),
    ("GET", Kw::Get),
    ("SECTION", Kw::Section),
];

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub fn lex(src: &[u8]) -> Result<Vec<Token>, SourceError> {
    Lexer {
        src,
        i: 0,
        line: 1,
        col: 1,
        newline: true,
    }
    .run()
}

struct Lexer<'s> {
    src: &'s [u8],
    i: usize,
    line: u32,
    col: u32,
    /// Whether a line break was passed since the last token.
    newline: bool,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.i + ahead).copied()
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek(0)?;
        self.i += 1;
        if b == b'\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
            self.newline = true;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(b)
    }

    fn run(mut self) -> Result<Vec<Token>, SourceError> {
        let mut out = Vec::new();
        loop {
            self.skip_space()?;
            let pos = self.pos();
            let newline_before = std::mem::take(&mut self.newline);
            let Some(b) = self.peek(0) else {
                out.push(Token {
                    tok: Tok::Eof,
                    pos,
                    newline_before: true,
                });
                return Ok(out);
            };
            let tok = match b {
                b'a'..=b'z' | b'A'..=b'Z' => self.word(),
                b'0'..=b'9' => self.decimal(pos)?,
                b'#' => self.based(pos)?,
                b'\'' => self.character(pos)?,
                b'"' => self.string(pos)?,
                _ => Tok::Sym(self.symbol(b, pos)?),
            };
            out.push(Token {
                tok,
                pos,
                newline_before,
            });
        }
    }

    fn skip_space(&mut self) -> Result<(), SourceError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b' ' | b'\t' | b'\r' | b'\x0c' | b'\n'), _) => {
                    self.bump();
                }
                (Some(b'/'), Some(b'/')) => {
                    while !matches!(self.peek(0), None | Some(b'\n')) {
                        self.bump();
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let start = self.pos();
                    self.bump();
                    self.bump();
                    loop {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => {
                                return Err(SourceError::new(start, "unterminated /* comment"))
                            }
                            (Some(b'*'), Some(b'/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            _ => {
                                self.bump();
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn word(&mut self) -> Tok {
        let start = self.i;
        while matches!(
            self.peek(0),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.')
        ) {
            self.bump();
        }
        let word = &self.src[start..self.i];
        match KEYWORDS.iter().find(|(k, _)| k.as_bytes() == word) {
            Some(&(_, kw)) => Tok::Kw(kw),
            // The bytes are ASCII letters, digits, `_` and `.` only.
            None => Tok::Name(String::from_utf8_lossy(word).into_owned()),
        }
    }

    fn digits(&mut self, pos: Pos, radix: u32, max: u64) -> Result<u64, SourceError> {
        let mut value: u64 = 0;
        let mut any = false;
        while let Some(b) = self.peek(0) {
            if b == b'_' && any {
                self.bump();
                continue;
            }
            let Some(d) = (b as char).to_digit(radix) else {
                break;
            };
            self.bump();
            any = true;
            value = value
                .checked_mul(u64::from(radix))
                .and_then(|v| v.checked_add(u64::from(d)))
                .filter(|&v| v <= max)
                .ok_or_else(|| SourceError::new(pos, "number is too large for a 64-bit word"))?;
        }
        if !any {
            return Err(SourceError::new(
                pos,
                "expected digits after the number prefix",
            ));
        }
        if let Some(b) = self.peek(0).filter(u8::is_ascii_alphanumeric) {
            return Err(SourceError::new(
                self.pos(),
                format!("unexpected `{}` in a number", b as char),
            ));
        }
        Ok(value)
    }

    fn decimal(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        // 2^63 is accepted so that `-9223372036854775808` can be written; it wraps to i64::MIN.
        let v = self.digits(pos, 10, 1 << 63)?;
        Ok(Tok::Num(v as i64))
    }

    fn based(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        self.bump();
        let radix = match self.peek(0) {
            Some(b'x' | b'X') => 16,
            Some(b'b' | b'B') => 2,
            Some(b'o' | b'O') => 8,
            Some(b'0'..=b'7') => 8,
            _ => {
                return Err(SourceError::new(
                    pos,
                    "expected #x, #b, #o or octal digits after `#`",
                ))
            }
        };
        if !matches!(self.peek(0), Some(b'0'..=b'7')) {
            self.bump();
        }
        let v = self.digits(pos, radix, u64::MAX)?;
        Ok(Tok::Num(v as i64))
    }

    /// One character of a string or character constant, with `*` escapes decoded.
    fn char_in_quotes(&mut self, quote: u8, start: Pos) -> Result<Option<u8>, SourceError> {
        let what = if quote == b'"' {
            "string"
        } else {
            "character constant"
        };
        match self.peek(0) {
            None | Some(b'\n') => Err(SourceError::new(start, format!("unterminated {what}"))),
            Some(b) if b == quote => {
                self.bump();
                Ok(None)
            }
            Some(b'*') => {
                let c = match self.peek(1) {
                    Some(b'n' | b'N') => b'\n',
                    Some(b't' | b'T') => b'\t',
                    Some(b's' | b'S') => b' ',
                    Some(b'b' | b'B') => 8,
                    Some(b'p' | b'P') => 12,
                    Some(b'c' | b'C') => b'\r',
                    Some(b'e' | b'E') => 27,
                    Some(b'*') => b'*',
                    Some(b'"') => b'"',
                    Some(b'\'') => b'\'',
                    // Not an escape: the star stands for itself ("2 * 3" prints as written).
                    _ => {
                        self.bump();
                        return Ok(Some(b'*'));
                    }
                };
                self.bump();
                self.bump();
                Ok(Some(c))
            }
            Some(b) => {
                self.bump();
                Ok(Some(b))
            }
        }
    }

    fn character(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        self.bump();
        let Some(c) = self.char_in_quotes(b'\'', pos)? else {
            return Err(SourceError::new(pos, "empty character constant"));
        };
        if self.char_in_quotes(b'\'', pos)?.is_some() {
            return Err(SourceError::new(
                pos,
                "a character constant holds one character (or one escape such as *n)",
            ));
        }
        Ok(Tok::Num(i64::from(c)))
    }

    fn string(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        self.bump();
        let mut bytes = Vec::new();
        while let Some(c) = self.char_in_quotes(b'"', pos)? {
            bytes.push(c);
        }
        if bytes.len() > 255 {
            return Err(SourceError::new(
                pos,
                format!("string of {} bytes is too long: at most 255", bytes.len()),
            ));
        }
        Ok(Tok::Str(bytes))
    }

    /// The operator or punctuation that starts with `b`, the byte at the current position.
    fn symbol(&mut self, b: u8, pos: Pos) -> Result<Sym, SourceError> {
        let (sym, len) = match (b, self.peek(1)) {
            (b'$', Some(b'(')) => (Sym::LBlock, 2),
            (b'$', Some(b')')) => (Sym::RBlock, 2),
            (b'{', _) => (Sym::LBlock, 1),
            (b'}', _) => (Sym::RBlock, 1),
            (b'(', _) => (Sym::LParen, 1),
            (b')', _) => (Sym::RParen, 1),
            (b',', _) => (Sym::Comma, 1),
            (b';', _) => (Sym::Semi, 1),
            (b':', Some(b'=')) => (Sym::Assign, 2),
            (b':', _) => (Sym::Colon, 1),
            (b'+', _) => (Sym::Plus, 1),
            (b'-', Some(b'>')) => (Sym::Arrow, 2),
            (b'-', _) => (Sym::Minus, 1),
            (b'*', _) => (Sym::Star, 1),
            (b'/', _) => (Sym::Slash, 1),
            (b'!', _) => (Sym::Bang, 1),
            (b'~' | b'\\', Some(b'=')) => (Sym::Ne, 2),
            (b'~' | b'\\', _) => (Sym::Tilde, 1),
            (b'&', _) => (Sym::Amp, 1),
            (b'|', _) => (Sym::Bar, 1),
            (b'=', _) => (Sym::Eq, 1),
            (b'<', Some(b'<')) => (Sym::Shl, 2),
            (b'<', Some(b'=')) => (Sym::Le, 2),
            (b'<', _) => (Sym::Lt, 1),
            (b'>', Some(b'>')) => (Sym::Shr, 2),
            (b'>', Some(b'=')) => (Sym::Ge, 2),
            (b'>', _) => (Sym::Gt, 1),
            _ => {
                let shown = if b.is_ascii_graphic() {
                    format!("unexpected character `{}`", b as char)
                } else {
                    format!("unexpected byte {b:#04x}")
                };
                return Err(SourceError::new(pos, shown));
            }
        };
        for _ in 0..len {
            self.bump();
        }
        Ok(sym)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s.as_bytes())
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn numbers_in_every_base_and_characters() {
        assert_eq!(
            toks("12 #x1F #b101 #17 #o17 'A' '*n'"),
            [12, 31, 5, 15, 15, 65, 10]
                .into_iter()
                .map(Tok::Num)
                .chain([Tok::Eof])
                .collect::<Vec<_>>()
        );
        assert_eq!(toks("#xFFFFFFFFFFFFFFFF")[0], Tok::Num(-1));
    }

    #[test]
    fn escapes_decode_in_strings() {
        assert_eq!(
            toks(r#""a*nb*t**c*"""#)[0],
            Tok::Str(b"a\nb\t*c\"".to_vec())
        );
        assert_eq!(
            toks(r#""2 * 3 *x* .""#)[0],
            Tok::Str(b"2 * 3 *x* .".to_vec())
        );
    }

    #[test]
    fn newline_bit_and_positions() {
        let t = lex(b"x := 1 // c\n  /* a\n b */ y").unwrap();
        assert_eq!(t[3].tok, Tok::Name("y".into()));
        assert!(t[3].newline_before);
        assert!(!t[1].newline_before);
        assert_eq!((t[3].pos.line, t[3].pos.col), (3, 7));
    }

    #[test]
    fn bad_input_is_located() {
        let e = lex(b"x\n  @").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 3));
        assert!(lex(b"\"abc").is_err());
        assert!(lex(b"/* never closed").is_err());
        assert!(lex(b"99999999999999999999").is_err());
        assert!(lex(b"'ab'").is_err());
    }
}
