//! The bytes of one input, read as they are needed.
//!
//! A regular file is held whole (mapped when large, read when small), so a
//! huge room is scanned once. Pipes and very large files are read in
//! windows: a room that runs past the window is scanned again once more
//! input is in, and consumed rooms are dropped, so memory follows the
//! largest room, not the length of the stream.

use std::io::{self, Read};
use std::sync::Arc;

use super::utf8::Utf8;
use crate::json::lines::{LineStart, Locator};

/// A whole file is read and checked as UTF-8 in pieces of this size.
const WHOLE_PIECE: usize = 256 << 10;

/// The bytes of an input: read into memory, or a read-only map of a file.
pub(super) enum Bytes {
    Owned(Vec<u8>),
    Mapped(Arc<memmap2::Mmap>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

pub(super) struct Window {
    reader: Box<dyn Read>,
    pub(super) buf: Bytes,
    /// Absolute offset of `buf[0]`.
    pub(super) base: usize,
    pub(super) eof: bool,
    /// Where counting lines starts: `buf[0]`, or just after a byte-order
    /// mark, which is not a column.
    pub(super) origin: (usize, LineStart),
    /// The furthest offset located so far and its position, so locating
    /// the findings of a stream of rooms is one pass, not one per room.
    pub(super) mark: (usize, LineStart),
    pub(super) utf8: Utf8,
    whole: bool,
    /// Bytes to read at a time when not reading whole.
    step: usize,
}

impl Window {
    pub(super) fn new(reader: Box<dyn Read>, buf: Bytes, whole: bool, step: usize) -> Window {
        Window {
            reader,
            buf,
            base: 0,
            eof: false,
            origin: (0, LineStart::default()),
            mark: (0, LineStart::default()),
            utf8: Utf8::default(),
            whole,
            step: step.max(1),
        }
    }

    /// Reads more; `grow` asks for a window larger than the current one.
    pub(super) fn fill(&mut self, grow: bool) -> io::Result<()> {
        if self.eof {
            return Ok(());
        }
        loop {
            let Bytes::Owned(buf) = &mut self.buf else {
                // A map holds the whole file from the start.
                return Ok(());
            };
            // A whole file is checked piece by piece while each piece is
            // still in cache, rather than in a second pass over the buffer.
            let limit = if self.whole {
                WHOLE_PIECE
            } else if grow {
                (buf.len() * 2).max(self.step) - buf.len()
            } else {
                self.step
            };
            let n = (&mut self.reader).take(limit as u64).read_to_end(buf)?;
            if n == 0 {
                self.eof = true;
            }
            self.utf8.check(&self.buf, self.base, self.eof);
            if n == 0 || !self.whole {
                return Ok(());
            }
        }
    }

    pub(super) fn locator(&self) -> Locator<'_> {
        Locator::new(&self.buf, self.mark, self.origin)
    }

    /// Drops bytes before `pos` (relative), keeping track of lines, and
    /// says how many were dropped: none when the input is held whole.
    pub(super) fn consume(&mut self, pos: usize) -> usize {
        if self.whole || pos == 0 {
            return 0;
        }
        let mut loc = self.locator();
        loc.locate(pos);
        let (_, start) = loc.position();
        self.origin = (0, start);
        self.mark = (0, start);
        if let Bytes::Owned(buf) = &mut self.buf {
            buf.drain(..pos);
        }
        self.base += pos;
        self.utf8.checked = self.utf8.checked.saturating_sub(pos);
        pos
    }
}
