//! Byte offsets become line:col only for the few values that get a
//! diagnostic; a window of a stream carries the position of its first byte.

use crate::diag::LineCol;

/// The line and column of the first byte of a window.
#[derive(Debug, Clone, Copy)]
pub struct LineStart {
    /// 1-based line of `buf[0]`.
    pub line: usize,
    /// Characters before `buf[0]` on its line.
    pub chars_before: usize,
}

impl Default for LineStart {
    fn default() -> Self {
        LineStart {
            line: 1,
            chars_before: 0,
        }
    }
}

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Walks forward through a window, so many sorted offsets cost one pass.
pub struct Locator<'a> {
    buf: &'a [u8],
    done: usize,
    at: LineStart,
}

impl<'a> Locator<'a> {
    pub fn new(buf: &'a [u8], start: LineStart) -> Self {
        Locator {
            buf,
            done: 0,
            at: start,
        }
    }

    /// The position of `offset` (relative to the window); offsets must come
    /// in ascending order for the pass to stay linear, and earlier ones
    /// restart from the window's start.
    pub fn locate(&mut self, offset: usize, start: LineStart) -> LineCol {
        let offset = offset.min(self.buf.len());
        if offset < self.done {
            self.done = 0;
            self.at = start;
        }
        let span = &self.buf[self.done..offset];
        let newlines = memchr::memchr_iter(b'\n', span).count();
        if newlines > 0 {
            let last = memchr::memrchr(b'\n', span).unwrap_or(0);
            self.at.line += newlines;
            self.at.chars_before = count_chars(&span[last + 1..]);
        } else {
            self.at.chars_before += count_chars(span);
        }
        self.done = offset;
        LineCol {
            line: self.at.line,
            column: self.at.chars_before + 1,
        }
    }

    pub fn line_start(&self) -> LineStart {
        self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_lines_carry_over() {
        let text = "ab\né💥x\ny";
        let start = LineStart::default();
        let mut l = Locator::new(text.as_bytes(), start);
        assert_eq!(l.locate(0, start), LineCol { line: 1, column: 1 });
        assert_eq!(l.locate(3, start), LineCol { line: 2, column: 1 });
        let x = text.find('x').unwrap_or(0);
        assert_eq!(l.locate(x, start), LineCol { line: 2, column: 3 });
        assert_eq!(
            l.locate(text.len() - 1, start),
            LineCol { line: 3, column: 1 }
        );
        // An earlier offset restarts and still gives the right answer.
        assert_eq!(l.locate(1, start), LineCol { line: 1, column: 2 });
    }
}
