//! Inputs (paths and standard input), and the road from one input to its
//! rooms: read the bytes (`window`, `mapped`), check them as UTF-8
//! (`utf8`), split them into rooms (`split`), and place each room's
//! findings in the text (`locate`).
//!
//! One input may hold a single room, an array of rooms, or a stream of
//! rooms (NDJSON or concatenated); SPEC.md says how a broken room is
//! reported without hiding the next one.

#[forbid(unsafe_code)]
pub mod dirs;
#[forbid(unsafe_code)]
mod locate;
mod mapped;
#[forbid(unsafe_code)]
mod parallel;
#[forbid(unsafe_code)]
mod split;
#[forbid(unsafe_code)]
mod utf8;
#[forbid(unsafe_code)]
mod window;

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use crate::Error;
use crate::diag::{Diagnostic, Severity};
use crate::walk::{Options, WalkedRoom};
use split::Splitter;
use window::{Bytes, Window};

/// Files up to this size are read in one piece.
const WHOLE_FILE_LIMIT: u64 = 512 << 20;
/// Reads from a pipe or a larger file come in windows of this size.
const WINDOW: usize = 4 << 20;
/// Files from this size up are mapped rather than read: copying a file
/// that the page cache already holds costs as much as the whole scan, while
/// for a small file one `read` is cheaper than setting up a mapping.
const MAP_MIN: u64 = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(PathBuf),
    /// Found while walking a directory, but not readable: reported as an
    /// input that could not be read, in its place in the order.
    Unreadable {
        name: PathBuf,
        message: String,
    },
}

/// The name standard input goes by in diagnostics and reports.
pub const STDIN_NAME: &str = "<stdin>";

impl Source {
    pub fn from_arg(arg: &std::ffi::OsStr) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name used in diagnostics.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => STDIN_NAME.to_string(),
            Source::Path(p) | Source::Unreadable { name: p, .. } => p.display().to_string(),
        }
    }
}

/// Why an input could not be read; these end in exit code 2.
#[derive(Debug)]
pub struct InputError {
    pub name: String,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A name that cannot be opened is shown as safely as one that can:
        // it may hold escapes that retitle a terminal or forge a line.
        write!(f, "{}: {}", crate::term::sanitize(&self.name), self.message)
    }
}

fn read_error(name: &str, e: &io::Error) -> InputError {
    let message = match e.kind() {
        io::ErrorKind::NotFound => {
            "no such file; check the path, or give - to read standard input".to_string()
        }
        io::ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions".to_string()
        }
        io::ErrorKind::IsADirectory => "is a directory; give a JSON file".to_string(),
        _ => format!("cannot read: {e}"),
    };
    InputError {
        name: name.to_string(),
        message,
    }
}

/// Where a room came from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Shared by every room of the input.
    pub file: Rc<str>,
    /// 0-based position of the room in its input.
    pub index: usize,
    /// Line of the room's first byte.
    pub line: usize,
}

/// One room of an input, handed to the command while its text is in memory.
pub struct RoomReport<'a> {
    pub origin: Origin,
    /// `None` when the room is not JSON (a syntax error, invalid UTF-8) or
    /// the input held no room; `diagnostics` then says why.
    pub walked: Option<WalkedRoom<'a>>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The window that holds the room and the offset of its first byte
    /// (for a room that is not JSON, an empty window at the error).
    pub window: &'a [u8],
    pub window_base: usize,
    /// Absolute byte span of the room.
    pub span: (usize, usize),
    /// Nothing but whitespace follows in this input (false when unknown).
    pub last: bool,
}

impl RoomReport<'_> {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
    /// The room's text as written.
    pub fn text(&self) -> &[u8] {
        let (start, end) = self.span;
        &self.window[start - self.window_base..end - self.window_base]
    }
}

/// Reads one input and hands each room to `sink`. An input that cannot be
/// read is an `InputError`; a failed write from the sink is returned as is.
pub fn for_each_room(
    source: &Source,
    opts: &Options,
    sink: &mut dyn FnMut(RoomReport<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let name = source.name();
    let (reader, whole, capacity): (Box<dyn Read>, bool, usize) = match source {
        Source::Stdin => (Box::new(io::stdin().lock()), false, WINDOW),
        Source::Unreadable { message, .. } => {
            return Err(Error::Input(InputError {
                name,
                message: message.clone(),
            }));
        }
        Source::Path(path) => {
            let meta = std::fs::metadata(path).map_err(|e| Error::Input(read_error(&name, &e)))?;
            if meta.is_dir() {
                return Err(
                    read_error(&name, &io::Error::from(io::ErrorKind::IsADirectory)).into(),
                );
            }
            let file = File::open(path).map_err(|e| Error::Input(read_error(&name, &e)))?;
            let whole = meta.is_file() && meta.len() <= WHOLE_FILE_LIMIT;
            if whole
                && meta.len() >= MAP_MIN
                && let Some(mapped) = mapped::map(&file, &name)
            {
                let mapped = Arc::new(mapped);
                if let Some(cuts) = parallel::cuts(&mapped, parallel::workers()) {
                    return parallel::run(&name, mapped, &cuts, opts, sink).map(|_| ());
                }
                let background = utf8::check_in_background(Arc::clone(&mapped));
                let mut w = Window::new(Box::new(io::empty()), Bytes::Mapped(mapped), true, 0);
                w.eof = true;
                match background {
                    Some(progress) => w.utf8.background = Some(progress),
                    None => w.utf8.check(&w.buf, w.base, w.eof),
                }
                return Splitter::new(&name, w, opts, sink).run();
            }
            // One allocation of the right size: growing a huge buffer by
            // doubling would copy it over and over.
            let capacity = if whole {
                meta.len() as usize + 1
            } else {
                WINDOW
            };
            (Box::new(file), whole, capacity)
        }
    };
    rooms_of(name, reader, whole, WINDOW, capacity, opts, sink)
}

/// The room split proper, over any reader; `step` is the read size when
/// the input is not read whole.
pub fn rooms_of(
    name: String,
    reader: Box<dyn Read>,
    whole: bool,
    step: usize,
    capacity: usize,
    opts: &Options,
    sink: &mut dyn FnMut(RoomReport<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let w = Window::new(
        reader,
        Bytes::Owned(Vec::with_capacity(capacity)),
        whole,
        step,
    );
    Splitter::new(&name, w, opts, sink).run()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of failure says what to do about it; a permission error
    /// cannot be provoked from a test running as root, so the words are
    /// checked here.
    #[test]
    fn each_read_error_says_what_to_do() {
        let said = |kind: io::ErrorKind| read_error("r.json", &io::Error::from(kind)).to_string();
        assert_eq!(
            said(io::ErrorKind::NotFound),
            "r.json: no such file; check the path, or give - to read standard input"
        );
        assert_eq!(
            said(io::ErrorKind::PermissionDenied),
            "r.json: permission denied; check the file's permissions"
        );
        assert_eq!(
            said(io::ErrorKind::IsADirectory),
            "r.json: is a directory; give a JSON file"
        );
        assert!(said(io::ErrorKind::InvalidData).starts_with("r.json: cannot read: "));
    }
}
