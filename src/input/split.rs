//! The split of one input into rooms: a single room, an array of rooms, a
//! stream of rooms or of arrays, behind an optional byte-order mark.

use std::rc::Rc;

use super::locate::locate;
use super::utf8::invalid_utf8;
use super::window::Window;
use super::{Origin, RoomReport, read_error};
use crate::Error;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::json::lexer::{Lexer, Stop, describe_byte};
use crate::json::lines::LineStart;
use crate::walk::{Options, Scratch, WalkedRoom, walk_room};

/// How far past an error the scanner may have looked (a `\\uXXXX` escape,
/// a UTF-8 character, a literal).
const LOOKAHEAD: usize = 16;

enum Top {
    Start,
    ArrayFirst,
    /// After a comma: a room must follow.
    ArrayElem,
    ArrayNext,
    ArrayDone,
    Stream,
}

pub(super) fn split(
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
                    stop!(room_at, at, invalid_utf8(&w.buf, at))
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
        Some(bad) if bad <= w.base + at => (bad - w.base, invalid_utf8(&w.buf, bad - w.base)),
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
    let mut loc = w.locator();
    let located = locate(&mut loc, w.base, start, &mut scan);
    let report = RoomReport {
        origin: Origin {
            file: Rc::clone(file),
            index,
            line: located.line,
        },
        walked: Some(scan),
        diagnostics: located.diagnostics,
        window: &w.buf,
        window_base: w.base,
        span: (w.base + start, w.base + end),
        last: is_last(w, end),
    };
    (report, loc.position())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use crate::input::rooms_of;
    use crate::walk::{Collect, Options};

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
