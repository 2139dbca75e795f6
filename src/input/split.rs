//! The split of one input into rooms: a single room, an array of rooms, a
//! stream of rooms or of arrays, behind an optional byte-order mark.
//!
//! Every decision here is a function of the text, never of where a window
//! ended: whenever the bytes in hand cannot settle a question, the one
//! refill sequence (`refill`) reads more and the room is looked at again.
//!
//! A broken room never hides the next one (SPEC.md, "Command line"):
//! - a room whose text runs into a line that begins with `{` in column 1
//!   was cut short: its error is placed where its last line ends (the
//!   column just past that line's last character, before the line break),
//!   and reading goes on at that `{`;
//! - otherwise, in NDJSON (a first room that is an object alone on its
//!   line), reading goes on at the line after the error;
//! - in any other stream, at the next line that begins with `{` in column
//!   1; when there is none but the text left holds a line whose text
//!   begins with `{` or `[` (an indented room or array, which is not read),
//!   a second diagnostic says that reading stopped there and how many bytes
//!   were left unchecked. The rest of the broken room itself (its closing
//!   braces) is not worth that word.
//! - an NDJSON line cut off by the end of the input has its error at the
//!   end of its text, on that line.
//!
//! Text after a room that cannot follow it (`{...} x`, `[...] x`, a comma
//! before `]`) is an error of that room, not a room of its own.

use std::rc::Rc;

use super::locate::locate;
use super::window::Window;
use super::{Origin, RoomReport, read_error};
use crate::Error;
use crate::diag::{Diagnostic, Facts, LineCol, Rule, Severity};
use crate::json::lexer::{Lexer, Stop, describe_byte};
use crate::json::lines::LineStart;
use crate::walk::{Options, Scratch, WalkedRoom, walk_room};

/// How far past an error the scanner may have looked (a `\\uXXXX` escape,
/// a UTF-8 character, a literal): an error closer than this to the end of
/// a window may only be one because the window cut a token.
const LOOKAHEAD: usize = 16;

const BOM: &[u8] = b"\xEF\xBB\xBF";

type Sink<'s> = &'s mut dyn FnMut(RoomReport<'_>) -> Result<(), Error>;

/// What may come next at the reading position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// A room, an array of rooms, or the end of the input.
    Value,
    /// Just after `[`: a room or `]`.
    FirstElement,
    /// After `,` in an array: the room of this index.
    Element(usize),
}

/// What the first room read says about the input, for recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    Unknown,
    /// One room per line: recovery goes on at the next line.
    Ndjson,
    Other,
}

/// Where a look for the place to go on stands within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// At the first byte of a line: a `{` here begins a room.
    Start,
    /// In the blanks that open a line.
    Indent,
    /// Past the first text of a line: the rest of it is skipped.
    Rest,
}

/// The answer of `find_resume`.
#[derive(Debug, PartialEq, Eq)]
enum Resume {
    /// Reading goes on here.
    At(usize),
    /// Nowhere: the input ends first.
    Nowhere,
    /// The window ended first; the look goes on in this state.
    More(Line),
}

/// What follows a room that was read whole.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum After {
    Next {
        pos: usize,
        expect: Expect,
    },
    /// Text that cannot follow the room: an error of the room.
    Garbage {
        at: usize,
        message: String,
        /// What reading expects where it goes on after the error.
        resume: Expect,
    },
    /// The window ended first.
    More,
}

/// A room that is not JSON, whose report waits until it is known whether
/// reading goes on after it.
struct Broken {
    /// Absolute offset of the error.
    at: usize,
    diagnostic: Diagnostic,
}

/// Text being skipped after a syntax error, across windows.
struct Skip {
    pending: Option<Broken>,
    line: Line,
    /// NDJSON: go on at the next line, whatever it holds.
    any_line: bool,
    /// A line that may begin a room was skipped: if reading stops, say so.
    hidden: bool,
    resume: Expect,
}

pub(super) struct Splitter<'s> {
    w: Window,
    file: Rc<str>,
    opts: &'s Options,
    sink: Sink<'s>,
    scratch: Scratch,
    /// Where reading goes on, relative to the window.
    pos: usize,
    expect: Expect,
    /// Reports handed to the sink so far.
    index: usize,
    layout: Layout,
    skip: Option<Skip>,
}

impl<'s> Splitter<'s> {
    pub(super) fn new(name: &str, w: Window, opts: &'s Options, sink: Sink<'s>) -> Self {
        Splitter {
            w,
            file: Rc::from(name),
            opts,
            sink,
            scratch: Scratch::default(),
            pos: 0,
            expect: Expect::Value,
            index: 0,
            layout: Layout::Unknown,
            skip: None,
        }
    }

    /// Hands every room to the sink. An input that cannot be read is an
    /// `InputError`; a failed write from the sink is returned as is.
    pub(super) fn run(mut self) -> Result<(), Error> {
        self.skip_bom()?;
        self.go()
    }

    fn go(mut self) -> Result<(), Error> {
        loop {
            if self.skip.is_some() {
                self.skip_step()?;
                continue;
            }
            match self.next_start()? {
                Some((at, in_array)) => self.room(at, in_array)?,
                None => return self.finish(),
            }
        }
    }

    /// Hands on the rooms from `pos` on, where the room of this `index`
    /// begins, in an input whose first room said `layout`: the rest of a
    /// file whose first rooms were walked elsewhere (`parallel`).
    pub(super) fn resume(mut self, pos: usize, index: usize, layout: Layout) -> Result<(), Error> {
        self.pos = pos;
        self.index = index;
        self.layout = layout;
        self.go()
    }

    /// The one way to more input: drops the bytes before `keep`, reads, and
    /// goes on from `keep`. `grow` asks for a larger window, for a room (or
    /// a look ahead) that already fills this one.
    fn refill(&mut self, keep: usize, grow: bool) -> Result<(), Error> {
        let dropped = self.w.consume(keep);
        self.pos = keep - dropped;
        self.w
            .fill(grow)
            .map_err(|e| Error::Input(read_error(&self.file, &e)))
    }

    /// A UTF-8 byte-order mark is skipped and is not a column (Windows
    /// tools write one).
    fn skip_bom(&mut self) -> Result<(), Error> {
        while self.w.buf.len() < BOM.len() && !self.w.eof {
            self.refill(0, false)?;
        }
        if self.w.buf.starts_with(BOM) {
            self.pos = BOM.len();
            self.w.origin.0 = BOM.len();
            self.w.mark.0 = BOM.len();
        }
        Ok(())
    }

    /// Where the next room begins and its index in its array, or `None` at
    /// the end of the input. Array brackets are stepped over here.
    fn next_start(&mut self) -> Result<Option<(usize, Option<usize>)>, Error> {
        loop {
            let at = Lexer::after_ws(&self.w.buf, self.pos);
            if at == self.w.buf.len() && !self.w.eof {
                self.refill(at, false)?;
                continue;
            }
            match (self.expect, self.w.buf.get(at)) {
                (Expect::Value, None) => return Ok(None),
                (Expect::Value, Some(b'[')) => {
                    self.pos = at + 1;
                    self.expect = Expect::FirstElement;
                }
                (Expect::Value, Some(_)) => return Ok(Some((at, None))),
                (Expect::FirstElement, Some(b']')) => {
                    self.pos = at + 1;
                    self.expect = Expect::Value;
                }
                (Expect::FirstElement, _) => return Ok(Some((at, Some(0)))),
                (Expect::Element(i), _) => return Ok(Some((at, Some(i)))),
            }
        }
    }

    /// Reads the room at `at` and hands it on, or reports why it is not one.
    fn room(&mut self, at: usize, in_array: Option<usize>) -> Result<(), Error> {
        // The room borrows the window's bytes only, so the UTF-8 state and
        // the sink stay usable while it is alive.
        let walked = walk_room(
            &self.w.buf,
            at,
            self.w.eof,
            self.w.base,
            in_array,
            self.opts,
            &mut self.scratch,
        );
        let (room, end) = match walked {
            Ok(walked) => walked,
            Err(Stop::Incomplete) => return self.refill(at, at == 0),
            Err(Stop::Syntax(e)) => return self.on_syntax_error(at, e.at, e.message, in_array),
        };
        let end_abs = self.w.base + end;
        self.w
            .utf8
            .sync(&self.w.buf, self.w.base, self.w.eof, end_abs);
        if let Some(bad) = self.w.utf8.bad.filter(|&b| b < end_abs) {
            let bad = bad - self.w.base;
            let message = super::utf8::invalid_utf8(&self.w.buf, bad);
            return self.on_syntax_error(at, bad, message, in_array);
        }
        // A number or literal must not run straight into the next value
        // (`1true`): then it is not a value at all.
        let scalar = !room.is_object && !matches!(self.w.buf[end - 1], b'}' | b']' | b'"');
        if scalar && in_array.is_none() {
            match self.w.buf.get(end) {
                None if !self.w.eof => return self.refill(at, false),
                Some(&b) if !separates(b) => {
                    let message = format!(
                        "expected whitespace after the value, found {}",
                        describe_byte(&self.w.buf[end..])
                    );
                    return self.on_syntax_error(at, end, message, None);
                }
                _ => {}
            }
        }
        if self.layout == Layout::Unknown {
            let Some(layout) =
                layout_after(&self.w.buf, at, end, room.is_object, in_array, self.w.eof)
            else {
                // What follows the first room decides; read it.
                return self.refill(at, false);
            };
            self.layout = layout;
        }
        match self.after_room(end, in_array) {
            After::More => self.refill(at, false),
            After::Next { pos, expect } => {
                let to = self.to(at, end);
                let mark = send_room(&self.w, &mut *self.sink, to, room, &[])?;
                self.sent(mark);
                self.pos = pos;
                self.expect = expect;
                Ok(())
            }
            After::Garbage {
                at: garbage,
                message,
                resume,
            } => {
                if !self.w.eof && garbage + LOOKAHEAD >= self.w.buf.len() {
                    return self.refill(at, false);
                }
                let (garbage, message) =
                    self.w
                        .utf8
                        .blame(&self.w.buf, self.w.base, self.w.eof, garbage, message);
                if self.layout == Layout::Ndjson {
                    let errors = [(garbage, message)];
                    let to = self.to(at, end);
                    let mark = send_room(&self.w, &mut *self.sink, to, room, &errors)?;
                    self.sent(mark);
                    self.pos = garbage;
                    self.skip = Some(Skip {
                        pending: None,
                        line: Line::Rest,
                        any_line: true,
                        hidden: false,
                        resume: Expect::Value,
                    });
                    return Ok(());
                }
                // The room's report must say whether reading stops after
                // it, so the place to go on is found before it is sent.
                let mut hidden = false;
                match find_resume(
                    &self.w.buf,
                    garbage,
                    Line::Rest,
                    false,
                    self.w.eof,
                    &mut hidden,
                ) {
                    Resume::More(_) => self.refill(at, true),
                    Resume::At(next) => {
                        let errors = [(garbage, message)];
                        let to = self.to(at, end);
                        let mark = send_room(&self.w, &mut *self.sink, to, room, &errors)?;
                        self.sent(mark);
                        self.go_on(next, resume);
                        Ok(())
                    }
                    Resume::Nowhere => {
                        let mut errors = vec![(garbage, message)];
                        if hidden {
                            errors.push((garbage, self.stopped(self.w.base + garbage)));
                        }
                        let to = self.to(at, end);
                        let mark = send_room(&self.w, &mut *self.sink, to, room, &errors)?;
                        self.sent(mark);
                        self.pos = self.w.buf.len();
                        self.expect = Expect::Value;
                        Ok(())
                    }
                }
            }
        }
    }

    /// What follows a room that ends at `end`.
    fn after_room(&self, end: usize, in_array: Option<usize>) -> After {
        let (buf, eof) = (&self.w.buf[..], self.w.eof);
        let Some(i) = in_array else {
            return after_value(buf, end, eof);
        };
        let at = Lexer::after_ws(buf, end);
        match buf.get(at) {
            None if !eof => After::More,
            Some(b',') => {
                let next = Lexer::after_ws(buf, at + 1);
                match buf.get(next) {
                    None if !eof => After::More,
                    Some(b']') => After::Garbage {
                        at: next,
                        message: "expected a room after ',', found ']'".to_string(),
                        resume: Expect::Value,
                    },
                    _ => After::Next {
                        pos: next,
                        expect: Expect::Element(i + 1),
                    },
                }
            }
            Some(b']') => after_value(buf, at + 1, eof),
            _ => After::Garbage {
                at,
                message: format!(
                    "expected ',' or ']' after a room in the array, found {}",
                    describe_byte(&buf[at..])
                ),
                resume: Expect::Element(i + 1),
            },
        }
    }

    /// Reports a room that is not JSON (the error at `at`) and decides
    /// where reading goes on.
    fn on_syntax_error(
        &mut self,
        room_at: usize,
        at: usize,
        message: String,
        in_array: Option<usize>,
    ) -> Result<(), Error> {
        if !self.w.eof && at + LOOKAHEAD >= self.w.buf.len() {
            // So that a message never depends on where a window ended.
            return self.refill(room_at, room_at == 0);
        }
        let (at, message) = self
            .w
            .utf8
            .blame(&self.w.buf, self.w.base, self.w.eof, at, message);
        let resume = match (self.layout, in_array) {
            (Layout::Ndjson, _) | (_, None) => Expect::Value,
            (_, Some(i)) => Expect::Element(i + 1),
        };
        if let Some(next) = brace_line_within(&self.w.buf, room_at, at) {
            let (cut_at, message) = self.cut_short(room_at, next, in_array);
            let broken = Broken {
                at: self.w.base + cut_at,
                diagnostic: self.syntax_at(cut_at, message),
            };
            self.send_broken(broken, None, false)?;
            self.go_on(next, resume);
            return Ok(());
        }
        let at = if self.layout == Layout::Ndjson && at == self.w.buf.len() {
            // An NDJSON line cut off by the end of the input: the error
            // sits on that line, not on the empty one after its newline.
            end_of_text(&self.w.buf, room_at, at)
        } else {
            at
        };
        self.skip = Some(Skip {
            pending: Some(Broken {
                at: self.w.base + at,
                diagnostic: self.syntax_at(at, message),
            }),
            line: Line::Rest,
            any_line: self.layout == Layout::Ndjson,
            hidden: false,
            resume,
        });
        self.pos = at;
        Ok(())
    }

    /// The error of a room that ran into the line at `next`: the room read
    /// as if its text ended where its last line's text ends, so the error
    /// sits just past that line's last character.
    fn cut_short(
        &mut self,
        room_at: usize,
        next: usize,
        in_array: Option<usize>,
    ) -> (usize, String) {
        let cut = end_of_text(&self.w.buf, room_at, next);
        let line = self.w.locator().locate(next).line;
        let w = &self.w;
        let walked = walk_room(
            &w.buf[..cut],
            room_at,
            true,
            w.base,
            in_array,
            self.opts,
            &mut self.scratch,
        );
        // The room was still open where its text ends, so the walk stops
        // there; the fallback only keeps the function total.
        let Err(Stop::Syntax(e)) = walked else {
            return (cut, "unexpected end of line".to_string());
        };
        let message = e.message.replace("end of input", "end of line");
        (e.at, format!("{message} (line {line} begins another room)"))
    }

    /// One step of skipping the text after an error: the place to go on,
    /// the end of the input, or more input to look at.
    fn skip_step(&mut self) -> Result<(), Error> {
        let Some(mut skip) = self.skip.take() else {
            return Ok(());
        };
        let found = find_resume(
            &self.w.buf,
            self.pos,
            skip.line,
            skip.any_line,
            self.w.eof,
            &mut skip.hidden,
        );
        match found {
            Resume::More(line) => {
                skip.line = line;
                self.skip = Some(skip);
                self.refill(self.w.buf.len(), false)
            }
            Resume::At(next) => {
                if let Some(broken) = skip.pending {
                    self.send_broken(broken, None, false)?;
                }
                self.go_on(next, skip.resume);
                Ok(())
            }
            Resume::Nowhere => {
                if let Some(broken) = skip.pending {
                    let note = skip.hidden.then(|| self.stopped(broken.at));
                    self.send_broken(broken, note, true)?;
                }
                self.pos = self.w.buf.len();
                self.expect = Expect::Value;
                Ok(())
            }
        }
    }

    /// Reading goes on at `next` after skipping text.
    fn go_on(&mut self, next: usize, expect: Expect) {
        self.pos = next;
        self.expect = expect;
        // A bad byte in the skipped text no longer counts.
        self.w
            .utf8
            .restart(&self.w.buf, self.w.base, self.w.eof, next);
    }

    /// Says that reading stopped at the error at `at` (absolute), once the
    /// whole input is in.
    fn stopped(&self, at: usize) -> String {
        let left = self.w.base + self.w.buf.len() - at;
        format!(
            "reading stopped at this error: no later line begins a room with '{{' in column 1, so the last {left} bytes were not checked"
        )
    }

    fn syntax_at(&self, at: usize, message: String) -> Diagnostic {
        let place = self.w.locator().locate(at);
        syntax(place.line, place.column, message)
    }

    fn send_broken(
        &mut self,
        broken: Broken,
        note: Option<String>,
        last: bool,
    ) -> Result<(), Error> {
        let line = broken.diagnostic.line;
        let mut diagnostics = vec![broken.diagnostic];
        if let Some(note) = note {
            diagnostics.push(syntax(line, diagnostics[0].column, note));
        }
        // The text behind the error may be gone from the window by now:
        // the report holds an empty window at the error.
        let report = RoomReport {
            origin: Origin {
                file: Rc::clone(&self.file),
                index: self.index,
                line,
            },
            walked: None,
            diagnostics,
            window: &[],
            window_base: broken.at,
            span: (broken.at, broken.at),
            last,
        };
        (self.sink)(report)?;
        self.index += 1;
        Ok(())
    }

    /// Where a room sent with `send_room` is to be reported from.
    fn to(&self, start: usize, end: usize) -> To {
        To {
            file: Rc::clone(&self.file),
            index: self.index,
            start,
            end,
        }
    }

    /// A room was handed on; its findings were placed up to `mark`.
    fn sent(&mut self, mark: (usize, LineStart)) {
        self.w.mark = mark;
        self.index += 1;
    }

    /// The end of the input: an input that held no room says so.
    fn finish(&mut self) -> Result<(), Error> {
        if self.index > 0 {
            return Ok(());
        }
        // Where the input ended, however it was read.
        let end = self.w.base + self.w.buf.len();
        let report = RoomReport {
            origin: Origin {
                file: Rc::clone(&self.file),
                index: 0,
                line: 1,
            },
            walked: None,
            diagnostics: (self.opts.rules.level(Rule::NoRoom).severity())
                .map(|severity| {
                    let start = LineCol { line: 1, column: 1 };
                    Diagnostic::of_input(Rule::NoRoom, severity, start, &Facts::None)
                })
                .into_iter()
                .collect(),
            window: &self.w.buf,
            window_base: self.w.base,
            span: (end, end),
            last: true,
        };
        (self.sink)(report)
    }
}

/// A room's place in its input (offsets relative to the window).
pub(super) struct To {
    pub(super) file: Rc<str>,
    pub(super) index: usize,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Hands on a room read whole, with `errors` found after it (offsets
/// relative to the window, in order), and says how far its findings were
/// placed. A free function, so that the room, which borrows the window's
/// bytes, and the sink, which the splitter holds, can be used together.
pub(super) fn send_room<'a>(
    w: &'a Window,
    sink: &mut dyn FnMut(RoomReport<'_>) -> Result<(), Error>,
    to: To,
    mut room: WalkedRoom<'a>,
    errors: &[(usize, String)],
) -> Result<(usize, LineStart), Error> {
    let To {
        file,
        index,
        start,
        end,
    } = to;
    let mut loc = w.locator();
    let located = locate(&mut loc, w.base, start, &mut room);
    let mut diagnostics = located.diagnostics;
    for (at, message) in errors {
        let place = loc.locate(*at);
        diagnostics.push(syntax(place.line, place.column, message.clone()));
    }
    let mark = loc.position();
    sink(RoomReport {
        origin: Origin {
            file,
            index,
            line: located.line,
        },
        walked: Some(room),
        diagnostics,
        window: &w.buf,
        window_base: w.base,
        span: (w.base + start, w.base + end),
        last: w.eof && Lexer::after_ws(&w.buf, end) == w.buf.len(),
    })?;
    Ok(mark)
}

/// `syntax` always runs, as an error (`RuleSet::of`).
fn syntax(line: usize, column: usize, message: String) -> Diagnostic {
    Diagnostic::of_input(
        Rule::Syntax,
        Severity::Error,
        LineCol { line, column },
        &Facts::Syntax(message),
    )
}

/// Bytes that may follow a number or literal directly in a stream.
fn separates(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b'"')
}

/// Whether the input is NDJSON, decided by its first room read whole
/// (an object alone on its line); `None` when the window ends before
/// the rest of that line says.
pub(super) fn layout_after(
    buf: &[u8],
    at: usize,
    end: usize,
    is_object: bool,
    in_array: Option<usize>,
    eof: bool,
) -> Option<Layout> {
    if in_array.is_some() {
        return Some(Layout::Other);
    }
    let rest = &buf[end..];
    let after = rest
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
        .map(|i| rest[i]);
    if after.is_none() && !eof {
        return None;
    }
    let one_line = memchr::memchr(b'\n', &buf[at..end]).is_none();
    Some(
        if is_object && one_line && matches!(after, Some(b'\n') | None) {
            Layout::Ndjson
        } else {
            Layout::Other
        },
    )
}

/// What follows a value at the top level, from `from` on: another room or
/// array, the end, or a scalar (a room of the wrong type, reported as
/// one); anything else is an error of the value before.
pub(super) fn after_value(buf: &[u8], from: usize, eof: bool) -> After {
    let at = Lexer::after_ws(buf, from);
    let next = After::Next {
        pos: at,
        expect: Expect::Value,
    };
    let Some(&first) = buf.get(at) else {
        return if eof { next } else { After::More };
    };
    let mut lexer = Lexer::new(buf, at, eof);
    let lexed = match first {
        b'{' | b'[' => return next,
        b'"' => lexer.string().map(|_| ()),
        b'-' | b'0'..=b'9' => lexer.number().map(|_| ()),
        b't' | b'f' | b'n' => lexer.literal().map(|_| ()),
        _ => lexer.syntax(at, String::new()),
    };
    let garbage = |at, message| After::Garbage {
        at,
        message,
        resume: Expect::Value,
    };
    match lexed {
        Err(Stop::Incomplete) => After::More,
        Err(Stop::Syntax(e)) if e.at == at => garbage(
            at,
            format!(
                "expected a room (a JSON object), found {}",
                describe_byte(&buf[at..])
            ),
        ),
        Err(Stop::Syntax(e)) => garbage(e.at, e.message),
        Ok(()) if first == b'"' => next,
        Ok(()) => match buf.get(lexer.pos) {
            None if !eof => After::More,
            Some(&b) if !separates(b) => garbage(
                lexer.pos,
                format!(
                    "expected whitespace after the value, found {}",
                    describe_byte(&buf[lexer.pos..])
                ),
            ),
            _ => next,
        },
    }
}

/// Where the text in `buf[from..to]` ends, trailing whitespace left out.
fn end_of_text(buf: &[u8], from: usize, to: usize) -> usize {
    buf[from..to]
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .map_or(to, |last| from + last + 1)
}

/// The first line within `(room_at, at]` that begins with `{`: a room
/// whose text runs into it was cut short before it.
fn brace_line_within(buf: &[u8], room_at: usize, at: usize) -> Option<usize> {
    let end = at.min(buf.len());
    memchr::memchr_iter(b'\n', &buf[room_at..end])
        .map(|n| room_at + n + 1)
        .find(|&line| buf.get(line) == Some(&b'{'))
}

/// Looks from `pos` (in the state `line`) for the place to go on after an
/// error: the next line start when `any_line`, else the next line that
/// begins with `{`. `hidden` is set when a line is passed whose text
/// begins with `{` or `[` (a room or an array of rooms, indented): if
/// reading stops, it may hide rooms, and the report says so. The rest of
/// a broken room (its closing braces, its members) does not.
fn find_resume(
    buf: &[u8],
    mut pos: usize,
    mut line: Line,
    any_line: bool,
    eof: bool,
    hidden: &mut bool,
) -> Resume {
    loop {
        if line == Line::Rest {
            let Some(n) = memchr::memchr(b'\n', &buf[pos..]) else {
                return if eof {
                    Resume::Nowhere
                } else {
                    Resume::More(Line::Rest)
                };
            };
            pos += n + 1;
            line = Line::Start;
            if any_line {
                return Resume::At(pos);
            }
        }
        let at = Lexer::after_ws(buf, pos);
        if at > pos {
            line = if buf[at - 1] == b'\n' {
                Line::Start
            } else {
                Line::Indent
            };
        }
        match buf.get(at) {
            None if eof => return Resume::Nowhere,
            None => return Resume::More(line),
            Some(b'{') if line == Line::Start => return Resume::At(at),
            Some(&b) => {
                // An indented room, or an array, that will not be read.
                *hidden |= matches!(b, b'{' | b'[');
                pos = at;
                line = Line::Rest;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use crate::input::rooms_of;
    use crate::walk::{Collect, Options};

    /// Everything a command could see of an input, as text.
    fn digest(text: &[u8], whole: bool, step: usize) -> Vec<String> {
        let opts = Options {
            rules: crate::rules::RuleSet::defaults(true),
            now_ms: 1_700_000_000_000,
            split: crate::walk::Split::Never,
            collect: Collect {
                participants: true,
                timestamps: true,
                ..Collect::NOTHING
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
                for t in scan.timestamps.iter() {
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

    /// The ` x` after the room with id 7 is an error of that room, not a
    /// room of its own, so the last room is the fifth.
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
            whole.iter().any(|l| l.contains("room 4 line 5")),
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

    /// What a person sees of `digest`: the rooms and their diagnostics.
    fn report(text: &[u8]) -> Vec<String> {
        digest(text, true, 1)
            .into_iter()
            .filter(|l| !l.starts_with("p ") && !l.starts_with("t "))
            .map(|l| match l.find(" span ") {
                Some(cut) if l.starts_with("room ") => l[..cut].to_string(),
                _ => l,
            })
            .collect()
    }

    /// Every recovery decision depends on the text only: windows of any
    /// size see what a whole read sees.
    fn same_in_every_window(text: &[u8]) {
        let whole = digest(text, true, 1);
        for step in 1..80 {
            assert_eq!(digest(text, false, step), whole, "step {step}");
        }
    }

    const NDJSON_DEFECTS: &[u8] = b"{\"id\":\"s1\",\"participants\":{}}\r\n\
        {\"id\":\"s2\",\"participants\":{\"a\":\r\n\
        {\"id\":\"s3\",\"participants\":{}}\r\n\
        {\"id\":\"s4\",\r\n \"participants\":{},\r\n \"x\": }\r\n\
        \r\n\
        {\"id\":\"s5\",\"participants\":{}} x\r\n\
        {\"id\":\"s6\",\"participants\":{}}\r\n\
        {\"id\":\"s7\",\"participants\":{";

    #[test]
    fn ndjson_recovers_at_the_line_after_the_broken_one() {
        assert_eq!(
            report(NDJSON_DEFECTS),
            vec![
                "room 0 line 1",
                "room 1 line 2",
                "2:32 syntax  unexpected end of line; expected a value (line 3 begins another room)",
                "room 2 line 3",
                "room 3 line 6",
                "6:7 syntax  expected a value, found '}'",
                "room 4 line 8",
                "8:31 syntax  expected a room (a JSON object), found 'x'",
                "room 5 line 9",
                "room 6 line 10",
                "10:28 syntax  unexpected end of input; expected a key (a string) or '}'",
            ]
        );
        same_in_every_window(NDJSON_DEFECTS);
    }

    const PRETTY_DEFECTS: &[u8] = b"{\n  \"id\": \"p1\",\n  \"participants\": {}\n}\n\
        {\n  \"id\": \"p2\" \"x\",\n  \"participants\": {}\n}\n\
        {\n  \"id\": \"p3\",\n  \"participants\": {}\n} trailing\n\
        {\"id\": \"p4\", \"participants\": {\n  \"a\": {} \"b\"\n  }\n}\n\
        \x20 {\"id\": \"p5\", \"participants\": {}}\n";

    #[test]
    fn other_streams_recover_at_a_line_that_begins_with_a_brace() {
        assert_eq!(
            report(PRETTY_DEFECTS),
            vec![
                "room 0 line 1",
                "room 1 line 6",
                "6:14 syntax  expected ',' or '}' after an object member, found '\"'",
                "room 2 line 9",
                "12:3 syntax  expected a room (a JSON object), found 't'",
                "room 3 line 14",
                "14:11 syntax  expected ',' or '}' after an object member, found '\"'",
                "14:11 syntax  reading stopped at this error: no later line begins a room with '{' in column 1, so the last 45 bytes were not checked",
            ]
        );
        same_in_every_window(PRETTY_DEFECTS);
    }

    const ARRAY_DEFECTS: &[u8] = b"[\n{\"id\":\"a1\",\"participants\":{}},\n\
        {\"id\":\"a2\",\"participants\":{\"x\":\n\
        {\"id\":\"a3\",\"participants\":{}}\n] x\n\
        {\"id\":\"a4\",\"participants\":{}}\n\
        [{\"id\":\"a5\",\"participants\":{}},]";

    #[test]
    fn arrays_recover_within_the_array() {
        assert_eq!(
            report(ARRAY_DEFECTS),
            vec![
                "room 0 line 2",
                "room 1 line 3",
                "3:32 syntax  unexpected end of line; expected a value (line 4 begins another room)",
                "room 2 line 4",
                "5:3 syntax  expected a room (a JSON object), found 'x'",
                "room 3 line 6",
                "room 4 line 7",
                "7:32 syntax  expected a room after ',', found ']'",
            ]
        );
        same_in_every_window(ARRAY_DEFECTS);
    }

    /// Values that end exactly where a window may end, and separators that
    /// fall on either side of a window's edge: what each reports (missing
    /// fields left out), and the same in windows of every size.
    #[test]
    fn values_and_separators_at_a_window_edge() {
        let cases: &[(&[u8], &[&str])] = &[
            (
                b"1true",
                &[
                    "room 0 line 1",
                    "1:2 syntax  expected whitespace after the value, found 't'",
                ],
            ),
            (
                b"1 2",
                &[
                    "room 0 line 1",
                    "1:1 type  expected a room (a JSON object), found number 1",
                    "room 1 line 1",
                    "1:3 type  expected a room (a JSON object), found number 2",
                ],
            ),
            (
                b"{} x",
                &[
                    "room 0 line 1",
                    "1:4 syntax  expected a room (a JSON object), found 'x'",
                ],
            ),
            (b"{}{}", &["room 0 line 1", "room 1 line 1"]),
            (
                b"[{},]",
                &[
                    "room 0 line 1",
                    "1:5 syntax  expected a room after ',', found ']'",
                ],
            ),
            (
                b"[{} {}]",
                &[
                    "room 0 line 1",
                    "1:5 syntax  expected ',' or ']' after a room in the array, found '{'",
                ],
            ),
            (
                b"[{\"id\":1}, 2, {\"id\":\"b\"}]",
                &[
                    "room 0 line 1",
                    "1:8 type /0/id expected a string (the room ID), found number 1",
                    "room 1 line 1",
                    "1:12 type /1 expected a room (a JSON object), found number 2",
                    "room 2 line 1",
                ],
            ),
            (b"\xef\xbb\xbf{}", &["room 0 line 1"]),
            (
                b"\xef\xbb",
                &[
                    "room 0 line 1",
                    "1:1 syntax  invalid UTF-8 (byte 0xef); JSON text must be UTF-8",
                ],
            ),
            (
                b"{}\n garbage\n{}\n",
                &[
                    "room 0 line 1",
                    "2:2 syntax  expected a room (a JSON object), found 'g'",
                    "room 1 line 3",
                ],
            ),
            (
                b"[] [{\"id\":\"a\",\"participants\":{}}]",
                &["room 0 line 1"],
            ),
            (
                b"[]",
                &[
                    "room 0 line 1",
                    "1:1 no-room  no room found: expected a room object, an array of rooms or a stream of rooms",
                ],
            ),
            (
                b"[1,",
                &[
                    "room 0 line 1",
                    "1:2 type /0 expected a room (a JSON object), found number 1",
                    "room 1 line 1",
                    "1:4 syntax  unexpected end of input; expected a room (a JSON object)",
                ],
            ),
            (
                b"",
                &[
                    "room 0 line 1",
                    "1:1 no-room  no room found: expected a room object, an array of rooms or a stream of rooms",
                ],
            ),
            (
                b"  \n ",
                &[
                    "room 0 line 1",
                    "1:1 no-room  no room found: expected a room object, an array of rooms or a stream of rooms",
                ],
            ),
        ];
        for (text, expected) in cases {
            let seen: Vec<String> = report(text)
                .into_iter()
                .filter(|l| !l.contains(" missing-field "))
                .collect();
            assert_eq!(seen, *expected, "{:?}", String::from_utf8_lossy(text));
            same_in_every_window(text);
        }
    }
}
