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
use super::encoding;
use super::float::FltOp;

/// A token's kind and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A name: a letter followed by letters, digits, `_` and `.`.
    Name(String),
    /// A number: decimal, `#x` hex, `#b` binary, `#o` or `#` octal, or a character constant.
    Num(i64),
    /// A floating-point constant (`1.5`, `2e-3`): the bits of the IEEE double.
    Float(i64),
    /// A floating-point operator: `#+`, `#-`, `#*`, `#/`, `#MOD`, `#ABS`, `#=`, `#~=`, `#<`,
    /// `#>`, `#<=`, `#>=` (see [`super::float`]).
    FltOp(FltOp),
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
    /// `LET`: starts a declaration of functions, routines or variables.
    Let,
    /// `AND`: joins the definitions of one `LET` group.
    And,
    /// `BE`: introduces a routine's body, `LET r(x) BE c`.
    Be,
    /// `VEC`: a local vector, `LET v = VEC 10`.
    Vec,
    /// `IF`, as in `IF e DO c`.
    If,
    /// `UNLESS`, as in `UNLESS e DO c`.
    Unless,
    /// `TEST`, as in `TEST e THEN c1 ELSE c2`.
    Test,
    /// `THEN`, after the condition of `TEST` (or `IF`).
    Then,
    /// `ELSE`, or its synonym `OR`: the second arm of a `TEST`.
    Else,
    /// `DO`, before the body of a loop or `IF`.
    Do,
    /// `WHILE`, as in `WHILE e DO c`.
    While,
    /// `UNTIL`, as in `UNTIL e DO c`.
    Until,
    /// `REPEAT`, as in `c REPEAT`.
    Repeat,
    /// `REPEATWHILE`, as in `c REPEATWHILE e`.
    RepeatWhile,
    /// `REPEATUNTIL`, as in `c REPEATUNTIL e`.
    RepeatUntil,
    /// `FOR`, as in `FOR i = 1 TO n DO c`.
    For,
    /// `TO`: the limit of a `FOR`.
    To,
    /// `BY`: the step of a `FOR`.
    By,
    /// `RESULTIS`, as in `RESULTIS e`: the value of the enclosing `VALOF`.
    Resultis,
    /// `RETURN`: leave the current function or routine.
    Return,
    /// `BREAK`: leave the innermost loop.
    Break,
    /// `LOOP`: go on to the next pass of the innermost loop.
    Loop,
    /// `FINISH`: end the program.
    Finish,
    /// `SKIP`: the command that does nothing, as `{}` does.
    Skip,
    /// `VALOF`, as in `VALOF $( ... RESULTIS e $)`.
    Valof,
    /// `TRUE`: the value -1.
    True,
    /// `FALSE`: the value 0.
    False,
    /// `MOD`, or its synonym `REM`: the remainder operator.
    Mod,
    /// `GET`, as in `GET "libhdr"`: the header is built in, so the name is skipped.
    Get,
    /// `SECTION`, as in `SECTION "name"`: accepted and ignored.
    Section,
    /// `NEEDS`, as in `NEEDS "name"`: accepted and ignored.
    Needs,
    /// `GLOBAL`, as in `GLOBAL { f : 200 }`.
    Global,
    /// `STATIC`, as in `STATIC { count = 0 }`.
    Static,
    /// `MANIFEST`, as in `MANIFEST { size = 100 }`.
    Manifest,
    /// `SWITCHON`, as in `SWITCHON e INTO $( ... $)`.
    Switchon,
    /// `INTO`: before the body of a `SWITCHON`.
    Into,
    /// `CASE`, as in `CASE 1:`.
    Case,
    /// `DEFAULT`, as in `DEFAULT:`.
    Default,
    /// `ENDCASE`: leave the innermost `SWITCHON`.
    Endcase,
    /// `GOTO`, as in `GOTO l`.
    Goto,
    /// `TABLE`, as in `TABLE 1, 2, 3`.
    Table,
    /// `XOR`, or its synonym `NEQV`: bitwise exclusive or.
    Xor,
    /// `EQV`: bitwise equivalence.
    Eqv,
    /// `NOT`: bitwise complement, like `~`.
    Not,
    /// `ABS`: absolute value.
    Abs,
    /// `FLOAT`: an integer as a floating-point value.
    Float,
    /// `FIX`: a floating-point value as the nearest integer.
    Fix,
    /// `FLT`: the tag that declares a name floating point (`LET FLT x = 1.5`).
    Flt,
    /// `OF` (or `::`): a field of a word, `f OF p` (see `SLCT`).
    Of,
    /// `SLCT len:shift:offset`: a field selector constant for `OF`.
    Slct,
}

/// Operators and punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sym {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `$(` or `{`
    LBlock,
    /// `$)` or `}`
    RBlock,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `:=`
    Assign,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `!` (indirection and subscript)
    Bang,
    /// `~` or `\` (bitwise complement)
    Tilde,
    /// `&`
    Amp,
    /// `|`
    Bar,
    /// `=`
    Eq,
    /// `~=` or `\=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `->` (the conditional expression)
    Arrow,
    /// `#` right before `(`: a method application, `e#(obj, args)`
    Method,
    /// `:` (labels, `CASE k:`, `GLOBAL` numbers)
    Colon,
    /// `@` (the address of a variable or cell)
    At,
    /// `%` (the byte subscript)
    Percent,
    /// `?` (an undefined value)
    Query,
    /// `[` and `]`: `v[i]` is `v!i`.
    LBracket,
    /// `]`
    RBracket,
    /// `<>`: runs the commands on either side in turn, as one command (`IF c DO a <> b`).
    Seq,
    /// `::`, the same as `OF`.
    Of,
    /// `.` on its own: the end of a section; the next starts afresh (see
    /// [`super::ast::Program::sections`]).
    Dot,
    /// `=>`: between a match item's pattern and its value.
    Yields,
    /// `#..`: a range pattern of floating-point values (`50.0#..75.0`).
    FltRange,
}

/// A token with where it starts and whether a line break precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub tok: Tok,
    /// Where its first byte is.
    pub pos: Pos,
    /// Whether a line break comes between the previous token and this one (true for the first token and for [`Tok::Eof`]).
    pub newline_before: bool,
    /// The section tag of `$(tag` or `$)tag`; empty otherwise.
    pub tag: String,
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
    ("NEEDS", Kw::Needs),
    ("GLOBAL", Kw::Global),
    ("STATIC", Kw::Static),
    ("MANIFEST", Kw::Manifest),
    ("SWITCHON", Kw::Switchon),
    ("INTO", Kw::Into),
    ("CASE", Kw::Case),
    ("DEFAULT", Kw::Default),
    ("ENDCASE", Kw::Endcase),
    ("GOTO", Kw::Goto),
    ("TABLE", Kw::Table),
    ("XOR", Kw::Xor),
    ("NEQV", Kw::Xor),
    ("EQV", Kw::Eqv),
    ("NOT", Kw::Not),
    ("ABS", Kw::Abs),
    ("OF", Kw::Of),
    ("SLCT", Kw::Slct),
    ("FLOAT", Kw::Float),
    ("FIX", Kw::Fix),
    ("FLT", Kw::Flt),
];

/// One character between quotes: a byte, or a code from a `*#` escape.
enum Quoted {
    Byte(u8),
    Unicode(u32),
    Gb2312(u32),
}

/// Reserved words are recognised in either case, but programs written for Cintcode (which
/// reserves only upper-case words unless its `EQCASES` option is on) may use a lower-case
/// reserved word as a name: `LET test = ...`, `GLOBAL { by: 200 }`. A lower-case reserved word
/// (or a [`LEGACY`] word in either case) that the program declares (after `LET` or `AND`,
/// among a definition's parameters or `LET` names, in a `GLOBAL`, `STATIC` or `MANIFEST`
/// list, or as a label for a [`LEGACY`] word) or assigns to (`by := 2`) is a name throughout
/// the file; the upper-case spelling of the other reserved words stays reserved.
fn declared_lower_keywords_are_names(tokens: &mut [Token], lower: &[(usize, String)]) {
    if lower.is_empty() {
        return;
    }
    let is_lower_kw = |i: usize| lower.binary_search_by_key(&i, |(j, _)| *j).ok();
    let sym = |tokens: &[Token], i: usize, s: Sym| matches!(tokens.get(i), Some(t) if t.tok == Tok::Sym(s));
    let kw =
        |tokens: &[Token], i: usize, k: Kw| matches!(tokens.get(i), Some(t) if t.tok == Tok::Kw(k));
    let mut declared: Vec<&str> = Vec::new();
    let mut list_depth: Option<usize> = None;
    let mut depth = 0usize;
    for i in 0..tokens.len() {
        match tokens[i].tok {
            Tok::Kw(Kw::Global | Kw::Static | Kw::Manifest) if sym(tokens, i + 1, Sym::LBlock) => {
                list_depth = Some(depth + 1);
            }
            Tok::Sym(Sym::LBlock) => depth += 1,
            Tok::Sym(Sym::RBlock) => {
                if list_depth == Some(depth) {
                    list_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        let Some(k) = is_lower_kw(i) else { continue };
        // The token before the name, past an `FLT` tag (`LET FLT bx, FLT by = ...`).
        let prev = i.checked_sub(1).and_then(|p| {
            if kw(tokens, p, Kw::Flt) {
                p.checked_sub(1)
            } else {
                Some(p)
            }
        });
        let after_let = prev.is_some_and(|p| kw(tokens, p, Kw::Let) || kw(tokens, p, Kw::And));
        let assigned = sym(tokens, i + 1, Sym::Assign)
            || (sym(tokens, i + 1, Sym::Comma) && assignment_follows(tokens, i + 1));
        let in_list = list_depth == Some(depth)
            && prev.is_some_and(|p| {
                sym(tokens, p, Sym::LBlock)
                    || sym(tokens, p, Sym::Semi)
                    || sym(tokens, p, Sym::Comma)
                    || tokens[i].newline_before
            });
        let in_names = prev.is_some_and(|p| {
            (sym(tokens, p, Sym::Comma)
                || sym(tokens, p, Sym::LParen)
                || sym(tokens, p, Sym::Colon))
                && declaring_names(tokens, p, &|j| is_lower_kw(j).is_some())
        });
        // A label (`finish:`, `skip:`), its `:` on the same line (a match item's `: p` on the
        // next line follows a command such as `BE break`); `default:` stays `DEFAULT:`, and
        // `true` and `false` stay values (`=> false : p => ...`).
        let label = sym(tokens, i + 1, Sym::Colon)
            && !tokens[i + 1].newline_before
            && !["default", "true", "false"]
                .iter()
                .any(|w| lower[k].1.eq_ignore_ascii_case(w));
        if after_let || assigned || in_list || in_names || label {
            declared.push(lower[k].1.as_str());
        }
    }
    for (i, spelling) in lower {
        if declared.contains(&spelling.as_str()) {
            tokens[*i].tok = Tok::Name(spelling.clone());
        }
    }
}

/// Whether the `,` at `comma` is inside a list of names that ends in `:=` (`a, by := 1, 2`).
fn assignment_follows(tokens: &[Token], comma: usize) -> bool {
    let mut i = comma;
    while let Some(t) = tokens.get(i) {
        match t.tok {
            Tok::Sym(Sym::Comma) | Tok::Name(_) | Tok::Kw(_) => i += 1,
            Tok::Sym(Sym::Assign) => return true,
            _ => return false,
        }
    }
    false
}

/// Whether the `,`, `(` or `:` at `at` belongs to a list of names being declared: the names
/// of a `LET`/`AND` (`LET a, by = ...`), the parameters of a definition (`LET f(a, by) =
/// ...`), or the first pattern of a pattern-defined one (`LET f : a, rv BE ...`). `word(j)`
/// tells whether token `j` is a reserved word in lower case, which may be one of the names.
fn declaring_names(tokens: &[Token], at: usize, word: &dyn Fn(usize) -> bool) -> bool {
    let mut i = at;
    loop {
        match tokens[i].tok {
            Tok::Kw(Kw::Let | Kw::And) => return true,
            Tok::Sym(Sym::LParen | Sym::Colon) => {
                // `LET name (` or `AND name (`; `LET name :` or `AND name :`.
                return i >= 2
                    && (matches!(tokens[i - 1].tok, Tok::Name(_) | Tok::Kw(_)) || word(i - 1))
                    && matches!(tokens[i - 2].tok, Tok::Kw(Kw::Let | Kw::And));
            }
            Tok::Sym(Sym::Comma) | Tok::Name(_) | Tok::Kw(_) if i > 0 => i -= 1,
            _ if i > 0 && word(i) => i -= 1,
            _ => return false,
        }
    }
}

/// The system words of BCPL before 2018 (Richards' compiler dropped them then; older
/// published programs still use them), as the symbols they stand for: `LV x` is `@x`, `a LS b`
/// is `a < b`, `TEST c IFSO a IFNOT b` is `TEST c THEN a ELSE b`, `FABS x` is `#ABS x`; and
/// `SKIP`, the empty command, which Cintcode dropped in 2010 and reserved again in 2022
/// (`cintcode/com/bcplsyn.b`'s notes). A program that declares one of them as a name, in
/// either case, keeps it as a name.
const LEGACY: &[(&str, Tok)] = &[
    ("SKIP", Tok::Kw(Kw::Skip)),
    ("FABS", Tok::FltOp(FltOp::Abs)),
    ("LV", Tok::Sym(Sym::At)),
    ("RV", Tok::Sym(Sym::Bang)),
    ("EQ", Tok::Sym(Sym::Eq)),
    ("NE", Tok::Sym(Sym::Ne)),
    ("LS", Tok::Sym(Sym::Lt)),
    ("GR", Tok::Sym(Sym::Gt)),
    ("LE", Tok::Sym(Sym::Le)),
    ("GE", Tok::Sym(Sym::Ge)),
    ("LOGOR", Tok::Sym(Sym::Bar)),
    ("LOGAND", Tok::Sym(Sym::Amp)),
    ("LSHIFT", Tok::Sym(Sym::Shl)),
    ("RSHIFT", Tok::Sym(Sym::Shr)),
    ("IFSO", Tok::Kw(Kw::Then)),
    ("IFNOT", Tok::Kw(Kw::Else)),
];

/// Most errors one run reports; the rest are dropped.
pub const MAX_ERRORS: usize = 20;

/// Splits `src` into tokens, ending with [`Tok::Eof`]. A bad character or constant is
/// reported and skipped, so one pass finds every lexical error (up to [`MAX_ERRORS`]).
pub fn lex(src: &[u8]) -> (Vec<Token>, Vec<SourceError>) {
    Lexer {
        src,
        i: 0,
        line: 1,
        col: 1,
        newline: true,
        errors: Vec::new(),
        tags: Vec::new(),
        skipping: None,
        lower_keywords: Vec::new(),
        gb2312: false,
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
    errors: Vec<SourceError>,
    /// The conditional-compilation tags that are set (`$$tag` flips one).
    tags: Vec<String>,
    /// While tokens are skipped: the tag whose `$>tag` ends the skipping.
    skipping: Option<String>,
    /// The reserved words a declaration turns into names (written in lower case, or one of
    /// the [`LEGACY`] words): each token's index and spelling.
    lower_keywords: Vec<(usize, String)>,
    /// Whether `*#` escapes of the current string or character constant are GB2312 codes.
    gb2312: bool,
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

    fn run(mut self) -> (Vec<Token>, Vec<SourceError>) {
        let mut out = Vec::new();
        loop {
            if let Err(e) = self.skip_space() {
                self.errors.push(e);
            }
            let pos = self.pos();
            let newline_before = std::mem::take(&mut self.newline);
            let Some(b) = self.peek(0) else {
                out.push(Token {
                    tok: Tok::Eof,
                    pos,
                    newline_before: true,
                    tag: String::new(),
                });
                self.errors.truncate(MAX_ERRORS);
                declared_lower_keywords_are_names(&mut out, &self.lower_keywords);
                return (out, self.errors);
            };
            if b == b'$' && matches!(self.peek(1), Some(b'<' | b'>' | b'$' | b'~')) {
                self.conditional(pos);
                self.newline |= newline_before;
                continue;
            }
            let start = self.i;
            let mut tag = String::new();
            let tok = match b {
                b'a'..=b'z' | b'A'..=b'Z' => {
                    let (tok, overridable) = self.word();
                    if overridable {
                        let spelling = String::from_utf8_lossy(&self.src[start..self.i]);
                        self.lower_keywords.push((out.len(), spelling.into_owned()));
                    }
                    Ok(tok)
                }
                b'0'..=b'9' => self.decimal(pos),
                b'#' => self.based(pos),
                b'\'' => self.character(pos),
                b'"' => self.string(pos),
                _ => self.symbol(b, pos, &mut tag).map(Tok::Sym),
            };
            if self.skipping.is_some() {
                // Skipped text is read as tokens (so that a `$>tag` inside a string or a
                // comment does not count), but neither they nor their errors are kept.
                if tok.is_err() && self.i == start {
                    self.bump();
                }
                self.newline |= newline_before;
                continue;
            }
            match tok {
                Ok(tok) => out.push(Token {
                    tok,
                    pos,
                    newline_before,
                    tag,
                }),
                Err(e) => {
                    self.errors.push(e);
                    if self.i == start {
                        self.bump();
                    }
                    // The bad token is dropped; the line break before it still counts.
                    self.newline |= newline_before;
                }
            }
        }
    }

    /// Conditional compilation, as the Cintcode compiler's lexer does it: `$$tag` flips a
    /// tag (all start unset); `$<tag` skips the tokens up to the matching `$>tag` (or the end
    /// of the file) unless the tag is set, `$~tag` unless it is not. While skipping, only the
    /// matching `$>tag` counts; other `$$`, `$<` and `$~` are skipped with the rest.
    fn conditional(&mut self, pos: Pos) {
        self.bump();
        let kind = self.bump();
        let start = self.i;
        while matches!(self.peek(0), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            self.bump();
        }
        let tag = String::from_utf8_lossy(&self.src[start..self.i]).into_owned();
        if kind == Some(b'>') {
            if self.skipping.as_deref() == Some(tag.as_str()) {
                self.skipping = None;
            }
            return;
        }
        if self.skipping.is_some() {
            return;
        }
        if tag.is_empty() {
            self.errors.push(SourceError::new(
                pos,
                "expected a tag (letters, digits, `_` or `.`) after `$$`, `$<`, `$>` or `$~`",
            ));
            return;
        }
        let set = self.tags.iter().position(|t| *t == tag);
        match kind {
            Some(b'$') => match set {
                Some(i) => {
                    self.tags.swap_remove(i);
                }
                None => self.tags.push(tag),
            },
            Some(b'<') if set.is_none() => self.skipping = Some(tag),
            Some(b'~') if set.is_some() => self.skipping = Some(tag),
            _ => {}
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
                    self.block_comment(start)?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// The rest of a block comment, from its `*` to past its final `*/`.
    ///
    /// Block comments nest, and this follows Cintcode's lexer (`bcplsyn.b`, `lex`, case `/`)
    /// step by step, so that the same text is comment in both: a run of stars followed by `/`
    /// closes one level; a `/` followed by `*` opens one; the byte after a `/` that does not
    /// open a level is skipped unexamined, so `//*` inside a comment opens nothing.
    fn block_comment(&mut self, start: Pos) -> Result<(), SourceError> {
        let mut depth = 1usize;
        loop {
            self.bump();
            if self.peek(0) == Some(b'*') {
                while self.peek(0) == Some(b'*') {
                    self.bump();
                }
                if self.peek(0) == Some(b'/') {
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        return Ok(());
                    }
                    continue;
                }
            }
            if self.peek(0) == Some(b'/') {
                self.bump();
                if self.peek(0) == Some(b'*') {
                    depth += 1;
                    continue;
                }
            }
            if self.peek(0).is_none() {
                return Err(SourceError::new(start, "unterminated /* comment"));
            }
        }
    }

    /// A name or reserved word, and whether a declaration of it as a name would make it one
    /// (see [`declared_lower_keywords_are_names`]).
    fn word(&mut self) -> (Tok, bool) {
        let start = self.i;
        // `..` ends a name, as in Cintcode's `rdtag`: it is the range of a pattern (`a..b`).
        while matches!(
            self.peek(0),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.')
        ) && (self.peek(0), self.peek(1)) != (Some(b'.'), Some(b'.'))
        {
            self.bump();
        }
        let word = &self.src[start..self.i];
        // Reserved words are all upper case or all lower case; `Let` is a name.
        let upper = word.to_ascii_uppercase();
        let one_case = word == upper.as_slice() || word == word.to_ascii_lowercase().as_slice();
        let lower = word[0].is_ascii_lowercase();
        if let Some(&(_, kw)) = KEYWORDS
            .iter()
            .find(|(k, _)| one_case && k.as_bytes() == upper.as_slice())
        {
            return (Tok::Kw(kw), lower);
        }
        if let Some((_, tok)) = LEGACY
            .iter()
            .find(|(k, _)| one_case && k.as_bytes() == upper.as_slice())
        {
            return (tok.clone(), true);
        }
        // The bytes are ASCII letters, digits, `_` and `.` only.
        (Tok::Name(String::from_utf8_lossy(word).into_owned()), false)
    }

    /// Digits in `radix` (with `_` separators anywhere, `#x_FF` too), wrapping modulo 2^64 as BCPL's
    /// own compiler does, so `#xFFFFFFFFFFFFFFFF` is -1 and 2^63 is the most negative word.
    fn digits(&mut self, pos: Pos, radix: u32) -> Result<u64, SourceError> {
        let mut value: u64 = 0;
        let mut any = false;
        while let Some(b) = self.peek(0) {
            if b == b'_' {
                self.bump();
                continue;
            }
            let Some(d) = (b as char).to_digit(radix) else {
                break;
            };
            self.bump();
            any = true;
            value = value
                .wrapping_mul(u64::from(radix))
                .wrapping_add(u64::from(d));
        }
        if !any {
            return Err(SourceError::new(
                pos,
                "expected digits after the number prefix",
            ));
        }
        Ok(value)
    }

    /// A decimal integer, or a floating-point constant when a `.` (not `..`, a range) or an
    /// `e`/`E` follows the digits, as Cintcode's lexer reads one (`readdecimal` in
    /// `bcplsyn.b`): digits after the `.` are optional (`5.` is 5.0), and after `e` come an
    /// optional `-` and digits, none meaning exponent 0; there is no `+`, so `7E+1` is `7.0 + 1`.
    /// A number ends at the first byte that cannot continue it: `0to 8wrch` is `0 to 8 wrch`.
    fn decimal(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        let start = self.i;
        let int = self.digits(pos, 10)?;
        let digit_at = |l: &Self, k: usize| matches!(l.peek(k), Some(b'0'..=b'9'));
        let point_at = |l: &Self| l.peek(0) == Some(b'.') && l.peek(1) != Some(b'.');
        let exponent_at = |l: &Self| matches!(l.peek(0), Some(b'e' | b'E'));
        let fraction = point_at(self);
        if !fraction && !exponent_at(self) {
            return Ok(Tok::Num(int as i64));
        }
        if fraction {
            self.bump();
            if digit_at(self, 0) {
                self.digits(pos, 10)?;
            }
            if point_at(self) {
                return Err(SourceError::new(pos, "two decimal points in a number"));
            }
        }
        if exponent_at(self) {
            self.bump();
            if self.peek(0) == Some(b'-') {
                self.bump();
            }
            if digit_at(self, 0) {
                self.digits(pos, 10)?;
            }
        }
        let text: String = self.src[start..self.i]
            .iter()
            .filter(|&&b| b != b'_')
            .map(|&b| b as char)
            .collect();
        match cintcode_float(&text) {
            x if x.is_finite() => Ok(Tok::Float(x.to_bits() as i64)),
            _ => Err(SourceError::new(
                pos,
                format!("floating-point constant {text} is out of range"),
            )),
        }
    }

    /// What follows `#`: a number in a base (`#x1F`, `#b101`, `#o17`, `#17`), a method
    /// application `#(`, a floating-point operator (`#+`, `#<=`, `#ABS`, ...) or range
    /// (`#..`); `#:=` and `#->` are `:=` and `->`.
    fn based(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        if self.peek(1) == Some(b'(') {
            self.bump();
            return Ok(Tok::Sym(Sym::Method));
        }
        self.bump();
        if (self.peek(0), self.peek(1)) == (Some(b'.'), Some(b'.')) {
            self.bump();
            self.bump();
            return Ok(Tok::Sym(Sym::FltRange));
        }
        if let Some(tok) = self.float_operator() {
            return Ok(tok);
        }
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
        let v = self.digits(pos, radix)?;
        Ok(Tok::Num(v as i64))
    }

    /// The operator after a `#` (already read), if one follows.
    fn float_operator(&mut self) -> Option<Tok> {
        let two = (self.peek(0)?, self.peek(1));
        let (tok, len) = match two {
            (b'*', _) => (Tok::FltOp(FltOp::Mul), 1),
            (b'/', _) => (Tok::FltOp(FltOp::Div), 1),
            (b'+', _) => (Tok::FltOp(FltOp::Add), 1),
            (b'-', Some(b'>')) => (Tok::Sym(Sym::Arrow), 2),
            (b'-', _) => (Tok::FltOp(FltOp::Sub), 1),
            (b'=', _) => (Tok::FltOp(FltOp::Eq), 1),
            (b'~' | b'\\', Some(b'=')) => (Tok::FltOp(FltOp::Ne), 2),
            (b'<', Some(b'=')) => (Tok::FltOp(FltOp::Le), 2),
            (b'<', _) => (Tok::FltOp(FltOp::Lt), 1),
            (b'>', Some(b'=')) => (Tok::FltOp(FltOp::Ge), 2),
            (b'>', _) => (Tok::FltOp(FltOp::Gt), 1),
            (b':', Some(b'=')) => (Tok::Sym(Sym::Assign), 2),
            (b'a'..=b'z' | b'A'..=b'Z', _) => {
                let end = (0..)
                    .find(|&k| !matches!(self.peek(k), Some(c) if c.is_ascii_alphabetic()))
                    .unwrap_or(0);
                let word = self.src[self.i..self.i + end].to_ascii_uppercase();
                let op = match word.as_slice() {
                    b"MOD" | b"REM" => FltOp::Mod,
                    b"ABS" => FltOp::Abs,
                    _ => return None,
                };
                (Tok::FltOp(op), end)
            }
            _ => return None,
        };
        for _ in 0..len {
            self.bump();
        }
        Some(tok)
    }

    /// One character of a string or character constant, with `*` escapes decoded; `None` at
    /// the closing quote. A byte, or a code point from `*#hhhh` or `*##hhhhhhhh` (which a
    /// string holds in UTF-8, as Cintcode's default encoding does), or after `*#g` a GB2312
    /// code from `*#dddd` (row × 100 + column), until `*#u` or the end of the constant.
    fn char_in_quotes(&mut self, quote: u8, start: Pos) -> Result<Option<Quoted>, SourceError> {
        let what = if quote == b'"' {
            "string"
        } else {
            "character constant"
        };
        loop {
            match self.peek(0) {
                None | Some(b'\n') => {
                    return Err(SourceError::new(start, format!("unterminated {what}")))
                }
                Some(b) if b == quote => {
                    self.bump();
                    return Ok(None);
                }
                Some(b'*') if self.peek(1) == Some(b'#') => {
                    let at = self.pos();
                    self.bump();
                    self.bump();
                    match self.peek(0) {
                        Some(b'u' | b'U') => {
                            self.bump();
                            self.gb2312 = false;
                            continue;
                        }
                        Some(b'g' | b'G') => {
                            self.bump();
                            self.gb2312 = true;
                            continue;
                        }
                        _ => {}
                    }
                    if self.gb2312 {
                        let code = self.escape_digits(0, 10, 4)?;
                        return Ok(Some(Quoted::Gb2312(code)));
                    }
                    let digits = if self.peek(0) == Some(b'#') {
                        self.bump();
                        8
                    } else {
                        4
                    };
                    let code = self.escape_digits(0, 16, digits)?;
                    if code > 0x7FFF_FFFF {
                        return Err(SourceError::new(
                            at,
                            format!("`*##` escape {code:#x} is more than 31 bits"),
                        ));
                    }
                    return Ok(Some(Quoted::Unicode(code)));
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
                        Some(b'x' | b'X') => return self.escape_byte(2, 16, 2),
                        Some(b'0'..=b'7') => return self.escape_byte(1, 8, 3),
                        // `*`, then white space and `//` comments, then `*`: the string goes
                        // on after the second star (Cintcode's `rdstrch`).
                        Some(b' ' | b'\t' | b'\n' | b'\r' | 12 | b'/') => {
                            let (resume, broken) = self.string_gap();
                            if let Some(star) = resume {
                                while self.i <= star {
                                    self.bump();
                                }
                                continue;
                            }
                            if broken {
                                self.bump();
                                while matches!(self.peek(0), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                                    self.bump();
                                }
                                return Err(SourceError::new(
                                    self.pos(),
                                    "expected `*` to resume the string after the line break",
                                ));
                            }
                            self.bump();
                            return Ok(Some(Quoted::Byte(b'*')));
                        }
                        // Not an escape: the star stands for itself ("2 * 3" prints as written).
                        _ => {
                            self.bump();
                            return Ok(Some(Quoted::Byte(b'*')));
                        }
                    };
                    self.bump();
                    self.bump();
                    return Ok(Some(Quoted::Byte(c)));
                }
                Some(b) => {
                    self.bump();
                    return Ok(Some(Quoted::Byte(b)));
                }
            }
        }
    }

    /// At a star inside quotes, followed by white space or `/`: the index of the star that
    /// resumes the string past white space and `//` comments, if there is one, and whether
    /// that gap holds a line break. Without a resuming star the first star stands for
    /// itself, unless the gap crosses a line (an unterminated continuation).
    fn string_gap(&self) -> (Option<usize>, bool) {
        let mut j = self.i + 1;
        let mut broken = false;
        loop {
            match self.src.get(j) {
                Some(b'\n') => broken = true,
                Some(b' ' | b'\t' | b'\r' | 12) => {}
                Some(b'/') if self.src.get(j + 1) == Some(&b'/') => {
                    while !matches!(self.src.get(j), None | Some(b'\n')) {
                        j += 1;
                    }
                    continue;
                }
                Some(b'*') => return (Some(j), broken),
                _ => return (None, broken),
            }
            j += 1;
        }
    }

    /// `*xHH` or `*ddd`: a byte; more than 255 (`*777`) is an error.
    fn escape_byte(
        &mut self,
        skip: usize,
        radix: u32,
        count: usize,
    ) -> Result<Option<Quoted>, SourceError> {
        let at = self.pos();
        let v = self.escape_digits(skip, radix, count)?;
        match u8::try_from(v) {
            Ok(b) => Ok(Some(Quoted::Byte(b))),
            Err(_) => Err(SourceError::new(
                at,
                format!("escape value {v} is more than 255"),
            )),
        }
    }

    /// Skips the `skip` bytes of an escape's start (star and letter), then reads one to
    /// `count` digits in `radix`, `_` between them ignored, as Cintcode does.
    fn escape_digits(&mut self, skip: usize, radix: u32, count: usize) -> Result<u32, SourceError> {
        let at = self.pos();
        for _ in 0..skip {
            self.bump();
        }
        let (mut v, mut read): (u32, usize) = (0, 0);
        while read < count {
            match self.peek(0) {
                Some(b'_') => {
                    self.bump();
                }
                Some(b) => match (b as char).to_digit(radix) {
                    Some(d) => {
                        v = v.wrapping_mul(radix).wrapping_add(d);
                        read += 1;
                        self.bump();
                    }
                    None => break,
                },
                None => break,
            }
        }
        if read == 0 {
            return Err(SourceError::new(at, "bad numeric escape in a constant"));
        }
        Ok(v)
    }

    fn character(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        self.bump();
        self.gb2312 = false;
        let Some(c) = self.char_in_quotes(b'\'', pos)? else {
            return Err(SourceError::new(pos, "empty character constant"));
        };
        if self.char_in_quotes(b'\'', pos)?.is_some() {
            while !matches!(self.peek(0), None | Some(b'\n' | b'\'')) {
                self.bump();
            }
            self.bump();
            return Err(SourceError::new(
                pos,
                "a character constant holds one character (or one escape such as *n)",
            ));
        }
        Ok(Tok::Num(match c {
            Quoted::Byte(b) => i64::from(b),
            Quoted::Unicode(c) | Quoted::Gb2312(c) => i64::from(c),
        }))
    }

    fn string(&mut self, pos: Pos) -> Result<Tok, SourceError> {
        self.bump();
        self.gb2312 = false;
        let mut bytes = Vec::new();
        while let Some(c) = self.char_in_quotes(b'"', pos)? {
            match c {
                Quoted::Byte(b) => bytes.push(b),
                Quoted::Unicode(c) => encoding::utf8(c, &mut bytes),
                // Row and column plus 160 each, low byte first as on a little-endian machine.
                Quoted::Gb2312(c) if c > 0x7F => {
                    bytes.extend([(c % 100 + 160) as u8, (c / 100 + 160) as u8]);
                }
                Quoted::Gb2312(c) => bytes.push(c as u8),
            }
        }
        // Line breaks inside the quotes (a `*` newline ... `*` continuation) do not separate
        // the string from what follows it: `"ab*<newline>  *cd"%i` is one expression.
        self.newline = false;
        if bytes.len() > 255 {
            return Err(SourceError::new(
                pos,
                format!("string of {} bytes is too long: at most 255", bytes.len()),
            ));
        }
        Ok(Tok::Str(bytes))
    }

    /// The operator or punctuation that starts with `b`, the byte at the current position.
    /// A section bracket's tag goes to `tag`.
    fn symbol(&mut self, b: u8, pos: Pos, tag: &mut String) -> Result<Sym, SourceError> {
        let (sym, len) = match (b, self.peek(1)) {
            (b'$', Some(b'(')) => (Sym::LBlock, 2),
            (b'$', Some(b')')) => (Sym::RBlock, 2),
            (b'[', _) => (Sym::LBracket, 1),
            (b']', _) => (Sym::RBracket, 1),
            (b'{', _) => (Sym::LBlock, 1),
            (b'}', _) => (Sym::RBlock, 1),
            (b'(', _) => (Sym::LParen, 1),
            (b')', _) => (Sym::RParen, 1),
            (b',', _) => (Sym::Comma, 1),
            (b';', _) => (Sym::Semi, 1),
            (b':', Some(b'=')) => (Sym::Assign, 2),
            (b':', Some(b':')) => (Sym::Of, 2),
            (b'.', _) => (Sym::Dot, 1),
            (b':', _) => (Sym::Colon, 1),
            (b'+', _) => (Sym::Plus, 1),
            (b'-', Some(b'>')) => (Sym::Arrow, 2),
            (b'-', _) => (Sym::Minus, 1),
            (b'*', _) => (Sym::Star, 1),
            // `/\` and `\/`: the old spellings of `&` and `|`.
            (b'/', Some(b'\\')) => (Sym::Amp, 2),
            (b'\\', Some(b'/')) => (Sym::Bar, 2),
            (b'/', _) => (Sym::Slash, 1),
            (b'!', _) => (Sym::Bang, 1),
            (b'@', _) => (Sym::At, 1),
            (b'%', _) => (Sym::Percent, 1),
            (b'?', _) => (Sym::Query, 1),
            (b'~' | b'\\', Some(b'=')) => (Sym::Ne, 2),
            (b'~' | b'\\', _) => (Sym::Tilde, 1),
            (b'&', _) => (Sym::Amp, 1),
            (b'|', _) => (Sym::Bar, 1),
            (b'=', Some(b'>')) => (Sym::Yields, 2),
            (b'=', _) => (Sym::Eq, 1),
            (b'<', Some(b'>')) => (Sym::Seq, 2),
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
        if b == b'$' {
            while let Some(c) = self
                .peek(0)
                .filter(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
            {
                tag.push(c as char);
                self.bump();
            }
        }
        Ok(sym)
    }
}

/// The value of the floating-point constant `text` (digits, an optional `.` and digits, an
/// optional exponent; no `_`) as Cintcode's compiler computes it (`bcplsyn.b`,
/// `readdecimal`), so that both give the same bits.
///
/// The digits accumulate in a double, `v := v*10 + d`, until `v*10 + 1 = v*10`, after which
/// digits only move the decimal point; then `v` is multiplied or divided by 10 once per place
/// of the corrected exponent. Each step rounds, so the result can be an ulp or two from the
/// correctly rounded value (`3.14` gives `0x40091EB851EB851E`, not `...851F`). Past 400 steps
/// the value has reached infinity or 0, so the loop stops there.
fn cintcode_float(text: &str) -> f64 {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(k) => {
            let e = &text[k + 1..];
            let (negative, digits) = match e.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, e),
            };
            let magnitude = match digits {
                "" => 0,
                d => d.parse::<i64>().unwrap_or(i64::MAX),
            };
            (&text[..k], if negative { -magnitude } else { magnitude })
        }
        None => (text, 0),
    };
    let (mut value, mut digits, mut point, mut significant) = (0.0f64, 0i64, 0i64, 0i64);
    let mut before_point = true;
    for b in mantissa.bytes() {
        if b == b'.' {
            before_point = false;
            continue;
        }
        let x = value * 10.0;
        digits += 1;
        if before_point {
            point = digits;
        }
        if x == x + 1.0 {
            continue;
        }
        value = x + f64::from(b - b'0');
        significant += 1;
    }
    let scale = exponent.saturating_add(point - significant);
    for _ in 0..scale.unsigned_abs().min(400) {
        if scale >= 0 {
            value *= 10.0;
        } else {
            value /= 10.0;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let (t, errors) = lex(s.as_bytes());
        assert!(errors.is_empty(), "{errors:?}");
        t.into_iter().map(|t| t.tok).collect()
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
    fn floating_point_constants_and_operators() {
        let f = |x: f64| Tok::Float(x.to_bits() as i64);
        assert_eq!(
            toks("1.5 2e3 1_000.25e-2 7E+1 3")[..6],
            [
                f(1.5),
                f(2000.0),
                Tok::Float(0x4024_0147_AE14_7AE2),
                f(7.0),
                Tok::Sym(Sym::Plus),
                Tok::Num(1)
            ]
        );
        // As Cintcode's lexer: digits after `.` and after `e` are optional; `..` is a range.
        assert_eq!(
            toks("5. 2.e1 3e 4e- 1..2")[..8],
            [
                f(5.0),
                f(20.0),
                f(3.0),
                f(4.0),
                Tok::Num(1),
                Tok::Sym(Sym::Dot),
                Tok::Sym(Sym::Dot),
                Tok::Num(2)
            ]
        );
        // The bits Cintcode's compiler gives, printed by a program run there; the correctly
        // rounded values of the first three end in 851F, A1CB and 0530.
        for (text, bits) in [
            ("3.14", 0x4009_1EB8_51EB_851E_u64),
            ("5.123", 0x4014_7DF3_B645_A1CA),
            ("1.0e-100", 0x2B2B_FF2E_E48E_0536),
            ("0.1", 0x3FB9_9999_9999_999A),
            ("123456789012345678901234.5", 0x44BA_249B_1F10_A06A),
            ("0.000000000000000000001234", 0x3B97_4F42_022B_9FE9),
        ] {
            assert_eq!(toks(text)[0], Tok::Float(bits as i64), "{text}");
        }
        assert_eq!(toks("1e-999")[0], f(0.0));
        assert_eq!(
            toks("#+ #- #* #/ #MOD #abs #= #~= #< #<= #> #>= #:= #-> #x1F")[..15],
            [
                Tok::FltOp(FltOp::Add),
                Tok::FltOp(FltOp::Sub),
                Tok::FltOp(FltOp::Mul),
                Tok::FltOp(FltOp::Div),
                Tok::FltOp(FltOp::Mod),
                Tok::FltOp(FltOp::Abs),
                Tok::FltOp(FltOp::Eq),
                Tok::FltOp(FltOp::Ne),
                Tok::FltOp(FltOp::Lt),
                Tok::FltOp(FltOp::Le),
                Tok::FltOp(FltOp::Gt),
                Tok::FltOp(FltOp::Ge),
                Tok::Sym(Sym::Assign),
                Tok::Sym(Sym::Arrow),
                Tok::Num(31),
            ]
        );
        // A name may hold `.` but not `..`; a number followed by `.` and no digit is not a
        // float.
        assert_eq!(toks("a.b")[0], Tok::Name("a.b".into()));
        assert_eq!(
            toks("a..b")[..4],
            [
                Tok::Name("a".into()),
                Tok::Sym(Sym::Dot),
                Tok::Sym(Sym::Dot),
                Tok::Name("b".into())
            ]
        );
        for bad in ["1e999", "#y"] {
            assert!(!lex(bad.as_bytes()).1.is_empty(), "{bad}");
        }
        // A number ends where its digits do; an `e` after decimal digits makes a
        // floating-point constant, as in Cintcode.
        assert_eq!(
            toks("0to 8wrch #x1Fg 2e")[..7],
            [
                Tok::Num(0),
                Tok::Kw(Kw::To),
                Tok::Num(8),
                Tok::Name("wrch".into()),
                Tok::Num(31),
                Tok::Name("g".into()),
                Tok::Float(2.0f64.to_bits() as i64),
            ]
        );
    }

    #[test]
    fn declared_lower_case_reserved_words_are_names() {
        let t = toks("LET test(by) = by\nAND f() = VALOF { test := 1; if x do resultis 2 }");
        assert_eq!(t[1], Tok::Name("test".into()));
        assert_eq!(t[3], Tok::Name("by".into()));
        assert!(t.contains(&Tok::Kw(Kw::If)) && t.contains(&Tok::Kw(Kw::Resultis)));
        assert_eq!(toks("GLOBAL { bx: 200; by }")[6], Tok::Name("by".into()));
        assert_eq!(toks("x := BY")[2], Tok::Kw(Kw::By));
    }

    #[test]
    fn escapes_decode_in_strings() {
        assert_eq!(
            toks(r#""a*nb*t**c*"""#)[0],
            Tok::Str(b"a\nb\t*c\"".to_vec())
        );
        assert_eq!(
            toks(r#""2 * 3 *q* .""#)[0],
            Tok::Str(b"2 * 3 *q* .".to_vec())
        );
    }

    #[test]
    fn a_continued_string_is_not_followed_by_a_line_break() {
        let t = lex(b"x := \"ab*\n    *cd\"%1\ny").0;
        assert_eq!(t[2].tok, Tok::Str(b"abcd".to_vec()));
        assert_eq!(t[3].tok, Tok::Sym(Sym::Percent));
        assert!(!t[3].newline_before);
        assert!(t[5].newline_before);
    }

    #[test]
    fn a_string_resumes_past_comments_and_on_the_same_line() {
        let t = lex(b"s := \"hello* // a comment\n   // another\n  * world*n\" y").0;
        assert_eq!(t[2].tok, Tok::Str(b"hello world\n".to_vec()));
        assert_eq!(t[3].pos.line, 3);
        assert_eq!(toks("\"a*   *b\"")[0], Tok::Str(b"ab".to_vec()));
        assert_eq!(toks("\"a */ b\"")[0], Tok::Str(b"a */ b".to_vec()));
        let (_, e) = lex(b"\"a* // no star\n  b\"");
        assert!(e[0].message.contains("resume the string"), "{e:?}");
    }

    #[test]
    fn newline_bit_and_positions() {
        let t = lex(b"x := 1 // c\n  /* a\n b */ y").0;
        assert_eq!(t[3].tok, Tok::Name("y".into()));
        assert!(t[3].newline_before);
        assert!(!t[1].newline_before);
        assert_eq!((t[3].pos.line, t[3].pos.col), (3, 7));
    }

    #[test]
    fn block_comments_nest_as_in_cintcode() {
        let names = |src: &str| -> Vec<Tok> {
            let (t, e) = lex(src.as_bytes());
            assert!(e.is_empty(), "{src}: {e:?}");
            t.into_iter().map(|t| t.tok).collect()
        };
        let x = Tok::Name("x".into());
        let y = Tok::Name("y".into());
        assert_eq!(
            names("x /* a /* b */ c */ y"),
            [x.clone(), y.clone(), Tok::Eof]
        );
        assert_eq!(names("x /*** a **/ y"), [x.clone(), y.clone(), Tok::Eof]);
        // `//*` opens nothing inside a comment, and `/*/` does not close one.
        assert_eq!(names("x /* //*** */ y"), [x.clone(), y.clone(), Tok::Eof]);
        assert_eq!(names("x /*/ */ y"), [x, y, Tok::Eof]);
        let (_, e) = lex(b"x /* a /* b */ y");
        assert!(e[0].message.contains("unterminated /* comment"), "{e:?}");
        assert_eq!((e[0].pos.line, e[0].pos.col), (1, 3));
    }

    #[test]
    fn every_bad_token_is_reported_and_skipped() {
        let (t, e) = lex(b"x\n  `\n 'ab' \"abc");
        assert_eq!((e[0].pos.line, e[0].pos.col), (2, 3));
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(t[0].tok, Tok::Name("x".into()));
        assert!(!lex(b"/* never closed").1.is_empty());
    }

    #[test]
    fn keywords_in_either_case_and_wrapping_literals() {
        assert_eq!(
            toks("let LET Let")[..3],
            [Tok::Kw(Kw::Let), Tok::Kw(Kw::Let), Tok::Name("Let".into())]
        );
        assert_eq!(toks("18446744073709551617")[0], Tok::Num(1));
        assert_eq!(toks("#b1010_1010")[0], Tok::Num(170));
        assert_eq!(toks("'*x41' '*101'")[..2], [Tok::Num(65), Tok::Num(65)]);
    }
}
