//! `--format json` and `--format ndjson`: the room's own text with each
//! timestamp replaced by its rendered string, so structure, key order and
//! every other byte survive. NDJSON drops insignificant whitespace to put
//! each room on one line.

use std::io::{self, Write};

use super::{Room, StampSink};
use crate::render::json;
use crate::time::TimeFormat;
use crate::walk::TsValue;

pub struct Json<'t> {
    pub tf: &'t TimeFormat,
    /// NDJSON: one room per line.
    pub lines: bool,
    /// Rooms that came as an array go out as an array: one is open.
    pub in_array: bool,
    /// The room being written, reused from room to room.
    pub text: Vec<u8>,
}

impl<'t> Json<'t> {
    pub fn new(tf: &'t TimeFormat, lines: bool) -> Self {
        Json {
            tf,
            lines,
            in_array: false,
            text: Vec::new(),
        }
    }
}

/// A room goes out in one write, so a line is never cut by a flush and
/// diagnostics on a shared stderr fall between rooms; only a room larger
/// than this goes out in parts, so a huge room is never held twice.
const PIECE: usize = 1 << 20;

impl StampSink for Json<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        if !self.lines {
            // An array ends where a room outside it, or the first room of
            // another array, begins.
            let index = room.index_in_array;
            if self.in_array && index.is_none_or(|i| i == 0) {
                out.write_all(b"\n]\n")?;
                self.in_array = false;
            }
            if index.is_some() {
                out.write_all(if self.in_array { b",\n" } else { b"[\n" })?;
                self.in_array = true;
            }
        }
        let mut minify = Minify::default();
        let (lines, text) = (self.lines, &mut self.text);
        let mut escaped = Vec::new();
        text.clear();
        rewrite(room, self.tf, &mut |piece, copied| {
            // Text from the input is escaped a slice at a time, so a huge
            // stretch without timestamps is never held twice.
            let mut rest = piece;
            while !rest.is_empty() {
                let part = if copied == Copied::FromInput {
                    let cut = char_boundary(rest, ESCAPE_SLICE);
                    let (piece, after) = rest.split_at(cut);
                    rest = after;
                    // Most of a room needs no escape: copied as it is.
                    if !json::needs_escapes(piece) {
                        piece
                    } else {
                        escaped.clear();
                        json::write_escaped_bytes(&mut escaped, piece);
                        &escaped[..]
                    }
                } else {
                    std::mem::take(&mut rest)
                };
                if lines {
                    minify.feed(part, text);
                } else {
                    text.extend_from_slice(part);
                }
                if text.len() >= PIECE {
                    out.write_all(text)?;
                    text.clear();
                }
            }
            Ok(())
        })?;
        if self.lines || room.index_in_array.is_none() {
            text.push(b'\n');
        }
        out.write_all(text)
    }

    fn input_done(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.in_array {
            return Ok(());
        }
        self.in_array = false;
        out.write_all(b"\n]\n")
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

const ESCAPE_SLICE: usize = 1 << 16;

/// The first `max` bytes or fewer, ended where a character ends: the
/// start of the next is a byte that is not a UTF-8 continuation byte.
fn char_boundary(bytes: &[u8], max: usize) -> usize {
    if bytes.len() <= max {
        return bytes.len();
    }
    let mut cut = max;
    // A character is at most 4 bytes; invalid bytes end it sooner.
    while cut > max - 3 && (0x80..0xc0).contains(&bytes[cut]) {
        cut -= 1;
    }
    cut
}

/// Whether a piece of output still needs the output's escapes.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    FromInput,
    Escaped,
}

/// Writes the room's text with each valid timestamp replaced by a JSON
/// string, piece by piece, so a huge room is never held twice; the text
/// between goes through the output's escapes (`render::json`).
fn rewrite(
    room: &Room<'_, '_>,
    tf: &TimeFormat,
    emit: &mut dyn FnMut(&[u8], Copied) -> io::Result<()>,
) -> io::Result<()> {
    let text = room.text;
    let mut done = 0;
    let mut rendered = String::new();
    let mut quoted = Vec::new();
    for t in room.timestamps.iter() {
        if let TsValue::Ms(ms) = t.value {
            let at = t.at - room.start;
            emit(&text[done..at], Copied::FromInput)?;
            rendered.clear();
            tf.render_into(ms, &mut rendered);
            quoted.clear();
            // A time is printable ASCII in every style but `+FORMAT`:
            // quoted as it is, with no escape to look for.
            if rendered
                .bytes()
                .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
            {
                quoted.push(b'"');
                quoted.extend_from_slice(rendered.as_bytes());
                quoted.push(b'"');
            } else {
                json::to_writer(&mut quoted, rendered.as_str())?;
            }
            emit(&quoted, Copied::Escaped)?;
            done = at + t.len;
        }
    }
    emit(&text[done..], Copied::FromInput)
}

/// JSON text without insignificant whitespace, for one room per line; fed
/// in pieces, so it keeps whether a piece ends inside a string.
#[derive(Default)]
struct Minify {
    in_string: bool,
    escaped: bool,
}

impl Minify {
    /// Copies runs rather than bytes: up to the next quote or backslash
    /// inside a string, up to the next quote or whitespace outside one.
    fn feed(&mut self, mut text: &[u8], out: &mut Vec<u8>) {
        while let Some(&first) = text.first() {
            if self.escaped {
                out.push(first);
                self.escaped = false;
                text = &text[1..];
            } else if self.in_string {
                let Some(i) = memchr::memchr2(b'"', b'\\', text) else {
                    out.extend_from_slice(text);
                    return;
                };
                out.extend_from_slice(&text[..=i]);
                if text[i] == b'"' {
                    self.in_string = false;
                } else {
                    self.escaped = true;
                }
                text = &text[i + 1..];
            } else {
                let stop = text
                    .iter()
                    .position(|b| matches!(b, b'"' | b' ' | b'\n' | b'\r' | b'\t'));
                let Some(i) = stop else {
                    out.extend_from_slice(text);
                    return;
                };
                out.extend_from_slice(&text[..i]);
                if text[i] == b'"' {
                    out.push(b'"');
                    self.in_string = true;
                }
                text = &text[i + 1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Minify;

    #[test]
    fn minify_keeps_strings_exact_across_pieces() {
        let text = b"{ \"a b\" : [ 1 , \"x \\\" y\" ,\t\"\\\\\" ]\r\n}";
        // Every split point, escapes and quotes cut included.
        for cut in 0..=text.len() {
            let mut minify = Minify::default();
            let mut out = Vec::new();
            minify.feed(&text[..cut], &mut out);
            minify.feed(&text[cut..], &mut out);
            assert_eq!(out, b"{\"a b\":[1,\"x \\\" y\",\"\\\\\"]}", "cut at {cut}");
        }
    }
}
