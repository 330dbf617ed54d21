//! Located errors and how they are shown.
//!
//! Every error the front end can find is a [`SourceError`]: a position and a message, no
//! panics. [`SourceError::render`] turns it into the classic compiler form, the
//! `file:line:col: message` line that editors jump to, then the source line and a caret under
//! the column. Runtime errors (division by zero) know only a line: [`runtime_message`].

use std::fmt;

/// A 1-based line and column (columns count bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in bytes.
    pub col: u32,
}

/// An error in the source text, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// Where the error is.
    pub pos: Pos,
    /// What is wrong, without the position (e.g. ``expected `)` ``).
    pub message: String,
}

impl SourceError {
    /// An error at `pos` saying `message`.
    pub fn new(pos: Pos, message: impl Into<String>) -> Self {
        SourceError {
            pos,
            message: message.into(),
        }
    }

    /// `file:line:col: message`, the source line, and a caret under the column.
    pub fn render(&self, file: &str, src: &[u8]) -> String {
        let Pos { line, col } = self.pos;
        let mut out = format!("{file}:{line}:{col}: {}\n", self.message);
        let text = src
            .split(|&b| b == b'\n')
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or(&[]);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        out.push_str(&String::from_utf8_lossy(text));
        out.push('\n');
        // Tabs are kept so the caret lines up however the terminal expands them.
        let indent = (col.saturating_sub(1) as usize).min(text.len() + 1);
        for i in 0..indent {
            out.push(if text.get(i) == Some(&b'\t') {
                '\t'
            } else {
                ' '
            });
        }
        out.push('^');
        out
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message)
    }
}

impl std::error::Error for SourceError {}

/// The one line printed for a runtime error at `line` of `file`.
pub fn runtime_message(file: &str, line: u32, what: &str) -> String {
    format!("{file}:{line}: runtime error: {what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_column() {
        let e = SourceError::new(Pos { line: 2, col: 4 }, "expected `)`");
        let shown = e.render("t.b", b"LET a\n\tx (1\n");
        assert_eq!(shown, "t.b:2:4: expected `)`\n\tx (1\n\t  ^");
    }

    #[test]
    fn render_survives_positions_past_the_end() {
        let e = SourceError::new(Pos { line: 9, col: 3 }, "m");
        assert_eq!(e.render("f", b"x"), "f:9:3: m\n\n ^");
    }
}
