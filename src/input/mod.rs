//! Inputs (paths and standard input) and the split of one input into rooms:
//! a single room, an array of rooms, or a stream (NDJSON or concatenated).
//!
//! A regular file is held whole (mapped when large, read when small), so a
//! huge room is scanned once. Pipes and very large files are read in
//! windows: a room that runs past the window is scanned again once more
//! input is in, and consumed rooms are dropped, so memory follows the
//! largest room, not the length of the stream.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crate::Error;
use crate::diag::{Diagnostic, Finding, LineCol, Rule, Severity};
use crate::json::lexer::{Lexer, Stop, describe_byte};
use crate::json::lines::{LineStart, Locator};
use crate::walk::{Options, Scratch, WalkedRoom, walk_room};

/// Files up to this size are read in one piece.
const WHOLE_FILE_LIMIT: u64 = 512 << 20;
/// How far past an error the scanner may have looked (a `\\uXXXX` escape,
/// a UTF-8 character, a literal).
const LOOKAHEAD: usize = 16;
/// A whole file is read and checked as UTF-8 in pieces of this size.
const WHOLE_PIECE: usize = 256 << 10;
/// Reads from a pipe or a larger file come in windows of this size.
const WINDOW: usize = 4 << 20;
/// Files from this size up are mapped rather than read: copying a file
/// that the page cache already holds costs as much as the whole scan, while
/// for a small file one `read` is cheaper than setting up a mapping.
const MAP_MIN: u64 = 1 << 20;

/// The bytes of an input: read into memory, or a read-only map of a file.
enum Bytes {
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

/// Maps `file` for reading.
///
/// A map sees the file as it is on disk: were another process to truncate
/// the file while it is being read, the read past the new end would kill
/// this process with SIGBUS (ripgrep and git take the same risk for the
/// same speed). Room dumps are written once and read many times, so the
/// copy is not worth its cost; `None` (mapping refused) falls back to it.
#[allow(unsafe_code)]
fn map(file: &File) -> Option<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process; the only
    // hazard is a concurrent truncation, described above.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(PathBuf),
}

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
            Source::Stdin => "<stdin>".to_string(),
            Source::Path(p) => p.display().to_string(),
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
        write!(f, "{}: {}", self.name, self.message)
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
    /// `None` when the input could not be read as JSON from here on, or held
    /// no room; `diagnostics` then says why.
    pub walked: Option<WalkedRoom<'a>>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The window that holds the room and the offset of its first byte.
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

/// The bytes of one input, read as they are needed.
struct Window {
    reader: Box<dyn Read>,
    buf: Bytes,
    /// Absolute offset of `buf[0]`.
    base: usize,
    eof: bool,
    /// Where counting lines starts: `buf[0]`, or just after a byte-order
    /// mark, which is not a column.
    origin: (usize, LineStart),
    /// The furthest offset located so far and its position, so locating
    /// the findings of a stream of rooms is one pass, not one per room.
    mark: (usize, LineStart),
    utf8: Utf8,
    whole: bool,
    /// Bytes to read at a time when not reading whole.
    step: usize,
}

impl Window {
    fn new(reader: Box<dyn Read>, buf: Bytes, whole: bool, step: usize) -> Window {
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
    fn fill(&mut self, grow: bool) -> io::Result<()> {
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

    fn locator(&self) -> Locator<'_> {
        Locator::new(&self.buf, self.mark, self.origin)
    }

    /// Drops bytes before `pos` (relative), keeping track of lines.
    fn consume(&mut self, pos: usize) {
        if self.whole || pos == 0 {
            return;
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
    }
}

/// What is known of an input's bytes as UTF-8.
#[derive(Default)]
struct Utf8 {
    /// `buf[..checked]` is known to be UTF-8 (relative to the window).
    checked: usize,
    /// Absolute offset of the first byte that is not UTF-8.
    bad: Option<usize>,
    /// A helper thread checking a mapped file ahead of the scan; `checked`
    /// and `bad` are taken from it as they are needed.
    background: Option<Arc<Utf8Progress>>,
}

impl Utf8 {
    /// Checks `buf[checked..]`; `base` is the absolute offset of `buf`.
    fn check(&mut self, buf: &[u8], base: usize, eof: bool) {
        // A check from here supersedes the helper's.
        self.background = None;
        if self.bad.is_some() {
            return;
        }
        let start = self.checked;
        let (valid, bad) = utf8_prefix(&buf[start..], !eof);
        self.checked = start + valid;
        self.bad = bad.map(|at| base + start + at);
    }

    /// Checks again from `from` (relative), after a broken line was
    /// skipped: a bad byte behind it no longer counts.
    fn restart(&mut self, buf: &[u8], base: usize, eof: bool, from: usize) {
        if self.bad.take().is_some() || self.background.is_some() {
            self.checked = from;
            self.check(buf, base, eof);
        }
    }

    /// Waits until the helper has checked the bytes before `up_to`
    /// (absolute), or found the first that is not UTF-8.
    fn sync(&mut self, buf: &[u8], base: usize, eof: bool, up_to: usize) {
        let Some(progress) = &self.background else {
            return;
        };
        let mut state = progress
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while state.checked < up_to && state.bad.is_none() && !state.done {
            state = progress
                .advanced
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let (checked, bad) = (state.checked, state.bad);
        drop(state);
        self.checked = checked - base;
        self.bad = bad;
        if checked < up_to && bad.is_none() {
            // The helper ended early (it cannot, short of a panic): check
            // the rest here.
            self.check(buf, base, eof);
        }
    }
}

/// How much of `bytes` is known to be UTF-8, and where the first byte that
/// is not stands (relative). When `more` follows, a character cut by the
/// end is not an error: the valid part stops before it.
fn utf8_prefix(bytes: &[u8], more: bool) -> (usize, Option<usize>) {
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return (bytes.len(), None);
    }
    match simdutf8::compat::from_utf8(bytes) {
        Ok(_) => (bytes.len(), None),
        Err(e) if e.error_len().is_none() && more => (e.valid_up_to(), None),
        Err(e) => (e.valid_up_to(), Some(e.valid_up_to())),
    }
}

/// How far the helper thread has checked a mapped file as UTF-8.
#[derive(Default)]
struct Utf8Progress {
    state: Mutex<Checked>,
    advanced: Condvar,
}

#[derive(Default)]
struct Checked {
    /// `bytes[..checked]` is UTF-8.
    checked: usize,
    /// The first byte that is not.
    bad: Option<usize>,
    /// The helper has stopped.
    done: bool,
}

impl Utf8Progress {
    fn publish(&self, update: impl FnOnce(&mut Checked)) {
        update(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        self.advanced.notify_all();
    }
}

/// Marks the helper as stopped however it stops, so no one waits for it
/// in vain.
struct Done(Arc<Utf8Progress>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.publish(|state| state.done = true);
    }
}

/// Checks a mapped file as UTF-8 on a helper thread, a megabyte at a time,
/// so the check overlaps the scan instead of preceding it. `None` when no
/// thread could be started.
fn check_in_background(bytes: Arc<memmap2::Mmap>) -> Option<Arc<Utf8Progress>> {
    const PIECE: usize = 1 << 20;
    let progress = Arc::new(Utf8Progress::default());
    let done = Done(Arc::clone(&progress));
    let spawned = std::thread::Builder::new()
        .name("utf8-check".into())
        .spawn(move || {
            let progress = &done.0;
            let mut at = 0;
            while at < bytes.len() {
                let end = (at + PIECE).min(bytes.len());
                let piece = &bytes[at..end];
                let (valid, bad) = utf8_prefix(piece, end < bytes.len());
                let (next, bad) = (at + valid, bad.map(|b| at + b));
                progress.publish(|state| {
                    state.checked = next;
                    state.bad = bad;
                });
                if bad.is_some() || next == at {
                    return;
                }
                at = next;
            }
        });
    spawned.ok().map(|_| progress)
}

enum Top {
    Start,
    ArrayFirst,
    /// After a comma: a room must follow.
    ArrayElem,
    ArrayNext,
    ArrayDone,
    Stream,
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
                && let Some(mapped) = map(&file)
            {
                let mapped = Arc::new(mapped);
                let background = check_in_background(Arc::clone(&mapped));
                let mut w = Window::new(Box::new(io::empty()), Bytes::Mapped(mapped), true, 0);
                w.eof = true;
                match background {
                    Some(progress) => w.utf8.background = Some(progress),
                    None => w.utf8.check(&w.buf, w.base, w.eof),
                }
                return split(name, w, opts, sink);
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
    split(name, w, opts, sink)
}

fn split(
    name: String,
    mut w: Window,
    opts: &Options,
    sink: &mut dyn FnMut(RoomReport<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    while w.buf.len() < 3 && !w.eof {
        w.fill(false)
            .map_err(|e| Error::Input(read_error(&name, &e)))?;
    }
    let mut pos = 0;
    if w.buf.starts_with(b"\xEF\xBB\xBF") {
        pos = 3;
        w.origin.0 = 3;
        w.mark.0 = 3;
    }
    let mut top = Top::Start;
    let mut index = 0;
    let mut scratch = Scratch::default();
    let file: Rc<str> = Rc::from(name.as_str());
    let mut array_index = 0;
    // NDJSON (a first room on one line): a broken line is reported and the
    // next line read, so one bad line does not hide the rest of the file.
    let mut ndjson = false;
    let mut skip_line = false;
    // A syntax error close to the end of a window may only be one because a
    // character or token was cut by the edge: read more and look again, so
    // that a message never depends on where a window ended.
    macro_rules! stop {
        ($keep:expr, $at:expr, $message:expr) => {{
            let at: usize = $at;
            let message: String = $message;
            let keep: usize = $keep;
            if !w.eof && at + LOOKAHEAD >= w.buf.len() {
                w.consume(keep);
                pos = 0;
                w.fill(keep == 0)
                    .map_err(|e| Error::Input(read_error(&name, &e)))?;
                continue;
            }
            let resync = ndjson && matches!(top, Top::Start | Top::Stream);
            w.utf8.sync(&w.buf, w.base, w.eof, w.base + at + 1);
            let sent = emit_stop(&w, &file, index, at, message, !resync, sink);
            if !resync || sent.is_err() {
                return sent;
            }
            // Go on from the line the error is on if the broken room began
            // on an earlier one (a room cut short: the next line may be a
            // whole room), else from the line after it.
            index += 1;
            let error_line =
                memchr::memrchr(b'\n', &w.buf[..at.min(w.buf.len())]).map_or(0, |n| n + 1);
            if error_line > keep {
                pos = error_line;
                top = Top::Start;
                w.utf8.restart(&w.buf, w.base, w.eof, pos);
            } else {
                pos = keep;
                skip_line = true;
            }
            continue;
        }};
    }
    loop {
        if skip_line {
            match memchr::memchr(b'\n', &w.buf[pos..]) {
                Some(newline) => {
                    pos += newline + 1;
                    skip_line = false;
                    top = Top::Start;
                    // A bad byte on the skipped line is behind us: check
                    // again from the new line.
                    w.utf8.restart(&w.buf, w.base, w.eof, pos);
                }
                None if w.eof => return Ok(()),
                None => {
                    w.consume(pos);
                    pos = 0;
                    w.fill(false)
                        .map_err(|e| Error::Input(read_error(&name, &e)))?;
                    continue;
                }
            }
        }
        let buf = &w.buf[..];
        let at = Lexer::after_ws(buf, pos);
        if at == buf.len() && !w.eof {
            w.consume(at);
            pos = 0;
            w.fill(false)
                .map_err(|e| Error::Input(read_error(&name, &e)))?;
            continue;
        }
        let next = buf.get(at).copied();
        let room_at = match top {
            Top::Start => match next {
                Some(b'[') => {
                    pos = at + 1;
                    top = Top::ArrayFirst;
                    array_index = 0;
                    continue;
                }
                _ => {
                    top = Top::Stream;
                    continue;
                }
            },
            Top::ArrayFirst if next == Some(b']') => {
                pos = at + 1;
                top = Top::ArrayDone;
                continue;
            }
            Top::ArrayFirst => Some(at),
            Top::ArrayElem if next == Some(b']') => {
                stop!(pos, at, "expected a room after ',', found ']'".to_string())
            }
            Top::ArrayElem => Some(at),
            Top::ArrayNext => match next {
                Some(b',') => {
                    pos = at + 1;
                    top = Top::ArrayElem;
                    continue;
                }
                Some(b']') => {
                    pos = at + 1;
                    top = Top::ArrayDone;
                    continue;
                }
                _ => stop!(
                    pos,
                    at,
                    format!(
                        "expected ',' or ']' after a room in the array, found {}",
                        describe_byte(&buf[at..])
                    )
                ),
            },
            Top::ArrayDone | Top::Stream if next.is_none() => None,
            Top::ArrayDone => {
                // Another value follows the array: a stream of arrays.
                pos = at;
                top = Top::Start;
                continue;
            }
            Top::Stream => Some(at),
        };
        let Some(room_at) = room_at else {
            if index == 0 {
                let report = RoomReport {
                    origin: Origin {
                        file: Rc::clone(&file),
                        index,
                        line: 1,
                    },
                    walked: None,
                    diagnostics: vec![Diagnostic {
                        severity: Severity::Error,
                        rule: Rule::NoRoom,
                        line: 1,
                        column: 1,
                        pointer: String::new(),
                        message: "no room found: expected a room object, an array of rooms or a stream of rooms".to_string(),
                    }],
                    window: &w.buf,
                    window_base: w.base,
                    span: (w.base, w.base),
                    last: true,
                };
                return sink(report);
            }
            return Ok(());
        };
        let in_array = matches!(top, Top::ArrayFirst | Top::ArrayElem).then_some(array_index);
        match walk_room(&w.buf, room_at, w.eof, w.base, in_array, opts, &mut scratch) {
            Err(Stop::Incomplete) => {
                let grow = room_at == 0;
                w.consume(room_at);
                pos = 0;
                w.fill(grow)
                    .map_err(|e| Error::Input(read_error(&name, &e)))?;
            }
            Err(Stop::Syntax(e)) => stop!(room_at, e.at, e.message),
            Ok((scan, end)) => {
                w.utf8.sync(&w.buf, w.base, w.eof, w.base + end);
                if let Some(bad) = w.utf8.bad.filter(|&b| b < w.base + end) {
                    let at = bad - w.base;
                    stop!(room_at, at, invalid_utf8(&w, bad))
                }
                // A number or literal must not run straight into the next
                // value (`1true`); when the window ends right after it,
                // wait for more input to know.
                let scalar = !scan.is_object && !matches!(w.buf[end - 1], b'}' | b']' | b'"');
                if scalar && in_array.is_none() {
                    match w.buf.get(end) {
                        None if !w.eof => {
                            w.consume(room_at);
                            pos = 0;
                            w.fill(false)
                                .map_err(|e| Error::Input(read_error(&name, &e)))?;
                            continue;
                        }
                        Some(&b)
                            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b'"') =>
                        {
                            stop!(
                                room_at,
                                end,
                                format!(
                                    "expected whitespace after the value, found {}",
                                    describe_byte(&w.buf[end..])
                                )
                            )
                        }
                        _ => {}
                    }
                }
                if index == 0 && in_array.is_none() {
                    // A first room that is an object alone on its line.
                    let rest = &w.buf[end..];
                    let after = rest
                        .iter()
                        .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
                        .map(|i| rest[i]);
                    if after.is_none() && !w.eof {
                        // What follows the first room decides; read it.
                        w.consume(room_at);
                        pos = 0;
                        w.fill(false)
                            .map_err(|e| Error::Input(read_error(&name, &e)))?;
                        continue;
                    }
                    ndjson = scan.is_object
                        && memchr::memchr(b'\n', &w.buf[room_at..end]).is_none()
                        && matches!(after, Some(b'\n') | None);
                }
                let (report, mark) = located(&w, &file, index, room_at, end, scan);
                sink(report)?;
                w.mark = mark;
                index += 1;
                pos = end;
                if in_array.is_some() {
                    array_index += 1;
                    top = Top::ArrayNext;
                } else {
                    // The next value may be a room or an array of rooms.
                    top = Top::Start;
                }
            }
        }
    }
}

fn invalid_utf8(w: &Window, bad: usize) -> String {
    let byte = w.buf.get(bad - w.base).copied().unwrap_or(0);
    format!("invalid UTF-8 (byte 0x{byte:02x}); JSON text must be UTF-8")
}

/// Reports a syntax error; `last` when it ends the input.
fn emit_stop(
    w: &Window,
    file: &Rc<str>,
    index: usize,
    at: usize,
    message: String,
    last: bool,
    sink: &mut dyn FnMut(RoomReport<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let (at, message) = match w.utf8.bad {
        Some(bad) if bad <= w.base + at => (bad - w.base, invalid_utf8(w, bad)),
        _ => (at, message),
    };
    let mut loc = w.locator();
    let place = loc.locate(at);
    sink(RoomReport {
        origin: Origin {
            file: Rc::clone(file),
            index,
            line: place.line,
        },
        walked: None,
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            rule: Rule::Syntax,
            line: place.line,
            column: place.column,
            pointer: String::new(),
            message,
        }],
        window: &w.buf,
        window_base: w.base,
        span: (w.base + at, w.base + at),
        last,
    })
}

/// Whether nothing but whitespace follows `end` in this input.
fn is_last(w: &Window, end: usize) -> bool {
    w.eof && Lexer::after_ws(&w.buf, end) == w.buf.len()
}

/// Places a room's findings in the text, in order.
fn located<'a>(
    w: &'a Window,
    file: &Rc<str>,
    index: usize,
    start: usize,
    end: usize,
    mut scan: WalkedRoom<'a>,
) -> (RoomReport<'a>, (usize, LineStart)) {
    let findings: Vec<Finding> = std::mem::take(&mut scan.findings);
    let mut loc = w.locator();
    if findings.is_empty() {
        // The usual room: only its first line is needed.
        let line = loc.locate(start).line;
        let report = RoomReport {
            origin: Origin {
                file: Rc::clone(file),
                index,
                line,
            },
            walked: Some(scan),
            diagnostics: Vec::new(),
            window: &w.buf,
            window_base: w.base,
            span: (w.base + start, w.base + end),
            last: is_last(w, end),
        };
        return (report, loc.position());
    }
    // Every offset, duplicates' first occurrences included, placed in one
    // forward pass, so a thousand findings in a huge room stay linear.
    let mut offsets: Vec<(usize, usize)> = Vec::with_capacity(findings.len() + 1);
    offsets.push((w.base + start, usize::MAX));
    for (i, f) in findings.iter().enumerate() {
        offsets.push((f.at, i * 2));
        if let Some(first) = f.first_at {
            offsets.push((first, i * 2 + 1));
        }
    }
    offsets.sort_unstable();
    let mut places = vec![LineCol { line: 0, column: 0 }; findings.len() * 2];
    let mut origin_line = 1;
    for (offset, slot) in offsets {
        let place = loc.locate(offset - w.base);
        if slot == usize::MAX {
            origin_line = place.line;
        } else {
            places[slot] = place;
        }
    }
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let place = places[i * 2];
            let mut message = f.message;
            if f.first_at.is_some() {
                let first = places[i * 2 + 1];
                let _ = write!(message, " (first at {}:{})", first.line, first.column);
            }
            Diagnostic {
                severity: f.severity,
                rule: f.rule,
                line: place.line,
                column: place.column,
                pointer: f.pointer,
                message,
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    let mark = loc.position();
    let report = RoomReport {
        origin: Origin {
            file: Rc::clone(file),
            index,
            line: origin_line,
        },
        walked: Some(scan),
        diagnostics,
        window: &w.buf,
        window_base: w.base,
        span: (w.base + start, w.base + end),
        last: is_last(w, end),
    };
    (report, mark)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::Collect;

    /// Everything a command could see of an input, as text.
    fn digest(text: &[u8], whole: bool, step: usize) -> Vec<String> {
        let opts = Options {
            strict: true,
            now_ms: 1_700_000_000_000,
            collect: Collect {
                participants: true,
                timestamps: true,
            },
        };
        let mut seen = Vec::new();
        let reader: Box<dyn Read> = Box::new(std::io::Cursor::new(text.to_vec()));
        let result = rooms_of("t".into(), reader, whole, step, 0, &opts, &mut |r| {
            seen.push(format!(
                "room {} line {} span {:?} text {:?}",
                r.origin.index,
                r.origin.line,
                r.span,
                String::from_utf8_lossy(r.text())
            ));
            for d in &r.diagnostics {
                seen.push(format!(
                    "{}:{} {} {} {}",
                    d.line,
                    d.column,
                    d.rule.code(),
                    d.pointer,
                    d.message
                ));
            }
            if let Some(scan) = &r.walked {
                for p in &scan.participants {
                    seen.push(format!("p {} {:?} {:?}", p.key.decode(), p.joined, p.left));
                }
                for t in &scan.timestamps {
                    seen.push(format!(
                        "t {} {} {}",
                        t.loc.pointer(scan.index_in_array),
                        t.at,
                        t.len
                    ));
                }
            }
            Ok(())
        });
        assert!(result.is_ok());
        seen
    }

    const MIXED: &str = "\u{feff}{\"id\":\"a\",\"createdAt\":1587667174725,\"participants\":{\"é\":{\"identity\":\"é\",\"joinedAt\":1687517025,\"leftAt\":1}}}\n\
        {\"id\":\"b\",\"participants\":{\"x\":{\"name\":\"李\\n\",\"x\":1},\"x\":{}}, \"userId\": 1}\n\
        [1]\n\
        {\"participants\": {\"q\": {\"joinedAt\": \"soon\"}}}\n\
        {\"id\": \"broken\", \"participants\": {";

    #[test]
    fn windows_of_any_size_see_the_same_rooms_and_findings() {
        let whole = digest(MIXED.as_bytes(), true, 1);
        assert!(
            whole.iter().any(|l| l.contains("duplicate-key")),
            "{whole:#?}"
        );
        assert!(
            whole.last().is_some_and(|l| l.contains("syntax")),
            "{whole:#?}"
        );
        for step in 1..40 {
            assert_eq!(digest(MIXED.as_bytes(), false, step), whole, "step {step}");
        }
    }

    #[test]
    fn ndjson_goes_on_after_a_broken_line_in_windows_of_any_size() {
        let text = b"{\"id\":\"a\",\"participants\":{}}\n{\"id\":\"b\",\"participants\":{\n{\"id\":\"\xff\"}\n{\"id\":7,\"participants\":{}} x\n{\"id\":\"c\",\"participants\":{}}\n";
        let whole = digest(text, true, 1);
        assert_eq!(
            whole.iter().filter(|l| l.contains(" syntax ")).count(),
            3,
            "{whole:#?}"
        );
        assert!(
            whole.iter().any(|l| l.contains("room 5 line 5")),
            "{whole:#?}"
        );
        for step in 1..48 {
            assert_eq!(digest(text, false, step), whole, "step {step}");
        }
    }

    #[test]
    fn arrays_of_rooms_split_with_pointer_prefixes() {
        let text = br#"[{"id":"a","participants":{}}, {"id":2,"participants":{}} ]"#;
        let whole = digest(text, true, 1);
        assert!(whole.iter().any(|l| l.contains("type /1/id")), "{whole:#?}");
        // An array may follow a room in a stream; its rooms count from 0.
        let mixed = br#"{"id":"a","participants":{}} [{"id":2,"participants":{}}]"#;
        let seen = digest(mixed, true, 1);
        assert!(seen.iter().any(|l| l.contains("type /0/id")), "{seen:#?}");
        for step in 1..20 {
            assert_eq!(digest(text, false, step), whole, "step {step}");
        }
    }

    #[test]
    fn invalid_utf8_is_reported_where_it_is() {
        let text = b"{\"id\":\"a\xff\",\"participants\":{}}";
        for (whole, step) in [(true, 1), (false, 1), (false, 5)] {
            let seen = digest(text, whole, step);
            assert!(
                seen.iter().any(|l| l.starts_with("1:9 syntax")),
                "{seen:#?}"
            );
        }
    }

    #[test]
    fn trailing_commas_and_garbage_after_an_array_are_syntax_errors() {
        for text in [
            &b"[{\"id\":\"a\",\"participants\":{}},]"[..],
            b"[] x",
            b"{} {",
        ] {
            let seen = digest(text, true, 1);
            assert!(seen.iter().any(|l| l.contains(" syntax ")), "{seen:#?}");
        }
    }
}
