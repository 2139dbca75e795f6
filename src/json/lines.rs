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
    /// Where to start over if asked for an offset behind `done`.
    restart: (usize, LineStart),
}

impl<'a> Locator<'a> {
    /// A locator that knows `buf[from]` is at `at`, and `buf[restart.0]`
    /// at `restart.1` for offsets before `from`.
    pub fn new(buf: &'a [u8], from: (usize, LineStart), restart: (usize, LineStart)) -> Self {
        Locator {
            buf,
            done: from.0,
            at: from.1,
            restart,
        }
    }

    /// The position of `offset` (relative to the window). Ascending offsets
    /// keep the pass linear; an earlier one starts over.
    pub fn locate(&mut self, offset: usize) -> LineCol {
        let offset = offset.min(self.buf.len());
        if offset < self.done {
            (self.done, self.at) = self.restart;
        }
        let span = &self.buf[self.done.min(offset)..offset];
        let newlines = memchr::memchr_iter(b'\n', span).count();
        if newlines > 0 {
            let last = memchr::memrchr(b'\n', span).unwrap_or(0);
            self.at.line += newlines;
            self.at.chars_before = count_chars(&span[last + 1..]);
        } else {
            self.at.chars_before += count_chars(span);
        }
        self.done = self.done.max(offset);
        LineCol {
            line: self.at.line,
            column: self.at.chars_before + 1,
        }
    }

    /// The last offset located and its position.
    pub fn position(&self) -> (usize, LineStart) {
        (self.done, self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_lines_carry_over() {
        let text = "ab\né💥x\ny";
        let start = (0, LineStart::default());
        let mut l = Locator::new(text.as_bytes(), start, start);
        assert_eq!(l.locate(0), LineCol { line: 1, column: 1 });
        assert_eq!(l.locate(3), LineCol { line: 2, column: 1 });
        let x = text.find('x').unwrap_or(0);
        assert_eq!(l.locate(x), LineCol { line: 2, column: 3 });
        assert_eq!(l.locate(text.len() - 1), LineCol { line: 3, column: 1 });
        // An earlier offset restarts and still gives the right answer.
        assert_eq!(l.locate(1), LineCol { line: 1, column: 2 });
        // Resuming from a known position gives the same answers.
        let resume = (
            3,
            LineStart {
                line: 2,
                chars_before: 0,
            },
        );
        let mut r = Locator::new(text.as_bytes(), resume, start);
        assert_eq!(r.locate(x), LineCol { line: 2, column: 3 });
    }
}
