//! Located errors and how they are shown.
//!
//! Every error the front end can find is a [`SourceError`]: a position and a message, no
//! panics. [`SourceError::render`] turns it into the classic compiler form, the
//! `file:line:col: message` line that editors jump to, then the source line and a caret under
//! the column. Runtime errors (division by zero) know only a line: [`runtime_message`].
//!
//! A line number also says which file it is in, as Cintcode's compiler numbers them: the
//! file's number (0 for the source file, then each header in the order it is read, see
//! [`super::headers`]) above bit [`FILE_SHIFT`], the line within the file below it. So the
//! lines that the IR and both back ends carry name a header's own line, and errors there
//! point into the header.

use std::fmt;

/// Where file numbers start in a line number (see the module's note).
pub const FILE_SHIFT: u32 = 20;

/// Files that a line number can name: the source file and the first 4,095 headers.
pub const MAX_FILES: usize = 1 << (32 - FILE_SHIFT);

/// Line `line` of file number `file` (0, the source file, when `file` is too large).
pub fn file_line(file: usize, line: u32) -> u32 {
    let file = if file < MAX_FILES { file as u32 } else { 0 };
    (file << FILE_SHIFT) | (line & ((1 << FILE_SHIFT) - 1))
}

/// The file number and the line within it of a line number.
pub fn split_line(line: u32) -> (usize, u32) {
    (
        (line >> FILE_SHIFT) as usize,
        line & ((1 << FILE_SHIFT) - 1),
    )
}

/// A source file or header as errors show it: its name and its bytes.
pub type SourceFile<'a> = (&'a str, &'a [u8]);

/// A 1-based line and column (columns count bytes); the line carries its file's number
/// ([`split_line`]).
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
        self.render_in(&[(file, src)])
    }

    /// [`render`](Self::render) in the file of `files` (the source file first, then the
    /// headers by number) that the position names.
    pub fn render_in(&self, files: &[SourceFile<'_>]) -> String {
        let (index, line) = split_line(self.pos.line);
        let (file, src) = files
            .get(index)
            .or(files.first())
            .copied()
            .unwrap_or(("", &[]));
        let col = self.pos.col;
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
        write!(
            f,
            "{}:{}: {}",
            split_line(self.pos.line).1,
            self.pos.col,
            self.message
        )
    }
}

impl std::error::Error for SourceError {}

/// The one line printed for a runtime error at `line`, in the file of `files` (the source
/// file first, then the headers by number) that it names.
pub fn runtime_message(files: &[String], line: u32, what: &str) -> String {
    let (index, line) = split_line(line);
    let file = files
        .get(index)
        .or(files.first())
        .map_or("", String::as_str);
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
