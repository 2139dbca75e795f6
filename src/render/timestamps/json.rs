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
    /// A room of this many timestamps or more is rewritten in chunks of
    /// `chunk` timestamps on two threads (never in NDJSON).
    in_chunks_from: usize,
    chunk: usize,
}

impl<'t> Json<'t> {
    pub fn new(tf: &'t TimeFormat, lines: bool) -> Self {
        Json {
            tf,
            lines,
            in_array: false,
            text: Vec::new(),
            in_chunks_from: IN_CHUNKS_FROM,
            chunk: CHUNK,
        }
    }
}

/// A room goes out in one write, so a line is never cut by a flush and
/// diagnostics on a shared stderr fall between rooms; only a room larger
/// than this goes out in parts, so a huge room is never held twice.
const PIECE: usize = 1 << 20;

/// From this many timestamps on, a room that keeps its whitespace is
/// rewritten on two threads, [`CHUNK`] timestamps at a time each.
const IN_CHUNKS_FROM: usize = 1 << 16;

/// Timestamps a chunk: about a megabyte of a usual room's text.
const CHUNK: usize = 1 << 13;

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
        let (lines, text) = (self.lines, &mut self.text);
        text.clear();
        if !lines && room.timestamps.len() >= self.in_chunks_from {
            in_chunks(room, self.tf, self.chunk, out)?;
        } else {
            let mut minify = Minify::default();
            let mut escaped = Vec::new();
            rewrite(room, self.tf, &mut |piece, copied| {
                in_parts(piece, copied, &mut escaped, &mut |part| {
                    if lines {
                        minify.feed(part, text);
                    } else {
                        text.extend_from_slice(part);
                    }
                    if text.len() >= PIECE {
                        out.write_all(text)?;
                        text.clear();
                    }
                    Ok(())
                })
            })?;
        }
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

/// The room rewritten (without minifying) in chunks of `chunk` timestamps
/// and the text up to the next chunk's first: this thread rewrites every
/// other chunk and writes each in order, a second thread the ones
/// between. Each chunk starts where a timestamp's value does, so the text
/// between two times is cut where a character starts, and its escapes
/// are those of one pass.
fn in_chunks(
    room: &Room<'_, '_>,
    tf: &TimeFormat,
    chunk: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let stamps = room.timestamps.len();
    let chunks = stamps.div_ceil(chunk);
    let start_of = |k: usize| {
        if k == 0 {
            return 0;
        }
        room.timestamps
            .get(k * chunk)
            .map_or(room.text.len(), |t| t.at - room.start)
    };
    let rewrite_chunk = |escaped: &mut Vec<u8>, k: usize, buf: &mut Vec<u8>| {
        let stamps = k * chunk..stamps.min((k + 1) * chunk);
        let text = start_of(k)..start_of(k + 1);
        rewrite_part(room, tf, stamps, text, &mut |piece, copied| {
            in_parts(piece, copied, escaped, &mut |part| {
                buf.extend_from_slice(part);
                Ok(())
            })
        })
    };
    crate::render::in_order_on_two_threads(chunks, &Vec::new, &rewrite_chunk, out)
}

/// Hands `piece` on as the output has it. Text from the input goes
/// through the output's escapes a slice at a time, cut where a character
/// starts, so a huge stretch without timestamps is never held twice; most
/// of a room needs no escape and goes as it is.
fn in_parts(
    piece: &[u8],
    copied: Copied,
    escaped: &mut Vec<u8>,
    each: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    if copied == Copied::Escaped {
        return each(piece);
    }
    let mut rest = piece;
    while !rest.is_empty() {
        let (slice, after) = rest.split_at(char_boundary(rest, ESCAPE_SLICE));
        rest = after;
        if json::needs_escapes(slice) {
            escaped.clear();
            json::write_escaped_bytes(escaped, slice);
            each(escaped)?;
        } else {
            each(slice)?;
        }
    }
    Ok(())
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
    let (stamps, text) = (0..room.timestamps.len(), 0..room.text.len());
    rewrite_part(room, tf, stamps, text, emit)
}

/// `rewrite` of the timestamps at indices `stamps`, which lie in the
/// room's text at `part`, and of the rest of that text.
fn rewrite_part(
    room: &Room<'_, '_>,
    tf: &TimeFormat,
    stamps: std::ops::Range<usize>,
    part: std::ops::Range<usize>,
    emit: &mut dyn FnMut(&[u8], Copied) -> io::Result<()>,
) -> io::Result<()> {
    let text = room.text.get(..part.end).unwrap_or(room.text);
    let mut done = part.start;
    let mut rendered = String::new();
    let mut quoted = Vec::new();
    for t in stamps.filter_map(|i| room.timestamps.get(i)) {
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
    use super::*;
    use crate::walk::{Collect, Options, Scratch, Split, walk_room};

    /// A room with times everywhere a room has them, some of them not
    /// times, and text that needs the output's escapes between them.
    const ROOM: &str = "{\"id\":\"r\\u2028\",\"createdAt\":1700000000000,\"participants\":{
        \"a\":{\"identity\":\"a\",\"name\":\"\u{2028}x\u{7f}\",\"joinedAt\":1700000001000,\"leftAt\":\"soon\"},
        \"\u{e9}\":{\"joinedAt\":1700000002000.5,\"leftAt\":1700000003000,
            \"tracksPublished\":{\"TR\":{\"sid\":\"TR\",\"timestamp\":1700000004000}}},
        \"c\":{\"name\":\"\u{200b}\",\"joinedAt\":-1,\"leftAt\":1700000005000}
    },\"events\":[{\"eventName\":\"room_finished\",\"timestamp\":1700000006000}],
    \"updatedAt\":1700000007000}";

    #[test]
    fn a_room_rewritten_in_chunks_is_the_room_rewritten_whole() {
        let text = ROOM.as_bytes();
        let opts = Options {
            rules: crate::rules::RuleSet::defaults(false),
            now_ms: 1_700_000_500_000,
            collect: Collect {
                timestamps: true,
                ..Collect::NOTHING
            },
            split: Split::Never,
        };
        let Ok((walked, _)) = walk_room(text, 0, true, 0, None, &opts, &mut Scratch::default())
        else {
            panic!("the room walks");
        };
        let tf = TimeFormat::utc(1_700_000_500_000);
        for index_in_array in [None, Some(0)] {
            let room = Room {
                id: Some("r"),
                file: "t",
                line: 1,
                last: true,
                index_in_array,
                timestamps: &walked.timestamps,
                text,
                start: 0,
            };
            let mut whole = Vec::new();
            let Ok(()) = Json::new(&tf, false).room(&mut whole, &room) else {
                panic!("a Vec takes every write");
            };
            let whole = String::from_utf8_lossy(&whole).into_owned();
            assert!(whole.contains("\"2023-11-14T22:13:21.000Z\""), "{whole}");
            assert!(whole.contains("\\u2028x\\u007f"), "{whole}");
            let stamps = walked.timestamps.len();
            assert_eq!(stamps, 10);
            for chunk in 1..=stamps + 1 {
                let mut chunked = Vec::new();
                let mut sink = Json {
                    in_chunks_from: 0,
                    chunk,
                    ..Json::new(&tf, false)
                };
                let Ok(()) = sink.room(&mut chunked, &room) else {
                    panic!("a Vec takes every write");
                };
                assert_eq!(
                    String::from_utf8_lossy(&chunked),
                    whole,
                    "chunks of {chunk}"
                );
            }
        }
    }

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
