//! `timestamps`: every millisecond timestamp of each room, readable. The
//! JSON form is the room's own text with each timestamp replaced by its
//! rendered string, so structure, key order and every other byte survive.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::cli::{TimestampsArgs, TimestampsFormat};
use crate::commands::listing::{Event, Listing};
use crate::input::RoomReport;
use crate::render::table;
use crate::term::{Env, sanitize};
use crate::time::{self, TimeFormat};
use crate::walk::{Collect, SECONDS_LIKE, Timestamp, TsValue, WalkedRoom};
use crate::{Error, Exit};

const HEADER: [&str; 5] = ["POINTER", "VALUE", "TIME", "RELATIVE", "NOTE"];

/// One cell of the table for people, appended to `out`.
fn cell(scan: &WalkedRoom<'_>, t: &Timestamp<'_>, col: usize, tf: &TimeFormat, out: &mut String) {
    match (col, t.value) {
        (0, _) => {
            let start = out.len();
            t.loc.pointer_into(scan.index_in_array, out);
            if let Cow::Owned(clean) = sanitize(&out[start..]) {
                out.truncate(start);
                out.push_str(&clean);
            }
        }
        (1, TsValue::Ms(ms)) => out.push_str(itoa::Buffer::new().format(ms)),
        (1, TsValue::Invalid { raw, .. }) => {
            out.push_str(&sanitize(&String::from_utf8_lossy(raw)));
        }
        (2, TsValue::Ms(ms)) => tf.render_into(ms, out),
        (3, TsValue::Ms(ms)) => tf.relative_into(ms, out),
        (4, TsValue::Ms(ms)) if SECONDS_LIKE.contains(&ms) => {
            out.push_str("as seconds: ");
            out.push_str(&time::utc_seconds(ms));
        }
        (4, TsValue::Invalid { why, .. }) => {
            let _ = write!(out, "invalid: {why}");
        }
        _ => {}
    }
}

/// Writes the room's text with each valid timestamp replaced by a JSON
/// string, piece by piece, so a huge room is never held twice.
fn rewrite(
    report: &RoomReport<'_>,
    tf: &TimeFormat,
    emit: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let text = report.text();
    let start = report.span.0;
    let mut done = 0;
    let mut rendered = String::new();
    let mut quoted = Vec::new();
    if let Some(scan) = report.walked.as_ref() {
        for t in &scan.timestamps {
            if let TsValue::Ms(ms) = t.value {
                let at = t.at - start;
                emit(&text[done..at])?;
                rendered.clear();
                tf.render_into(ms, &mut rendered);
                // Rendered times are plain text; serde_json quotes them.
                quoted.clear();
                serde_json::to_writer(&mut quoted, rendered.as_str())?;
                emit(&quoted)?;
                done = at + t.len;
            }
        }
    }
    emit(&text[done..])
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

/// `--format`, or a table on a terminal and plain columns when piped.
fn format(chosen: Option<TimestampsFormat>, env: &Env) -> TimestampsFormat {
    chosen.unwrap_or(if env.stdout_is_terminal {
        TimestampsFormat::Table
    } else {
        TimestampsFormat::Plain
    })
}

/// Lists every room of every input; `exit` is kept at the code reached so
/// far. Findings about the input go to `err`, as `validate` words them.
pub fn run(
    args: &TimestampsArgs,
    env: &Env,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    let collect = Collect {
        participants: false,
        timestamps: true,
    };
    let listing = Listing::new(&args.input, &args.time, args.rules.strict, collect, env)?;
    let tf = &listing.tf;
    let format = format(args.format, env);
    let width = env.terminal_width;
    let mut sections = table::Sections::new(listing.sources.len() > 1);
    let mut text = Vec::new();
    // Rooms that came as an array go out as an array.
    let mut in_array = false;
    let mut each = |event: Event<'_, '_>| -> io::Result<()> {
        let (report, scan) = match event {
            Event::Room(report, scan) => (report, scan),
            Event::InputDone if in_array => {
                in_array = false;
                return out.write_all(b"\n]\n");
            }
            Event::InputDone => return Ok(()),
        };
        match format {
            TimestampsFormat::Json | TimestampsFormat::Ndjson => {
                if format == TimestampsFormat::Json {
                    // An array ends where a room outside it, or the first
                    // room of another array, begins.
                    let index = scan.index_in_array;
                    if in_array && index.is_none_or(|i| i == 0) {
                        out.write_all(b"\n]\n")?;
                        in_array = false;
                    }
                    if index.is_some() {
                        out.write_all(if in_array { b",\n" } else { b"[\n" })?;
                        in_array = true;
                    }
                }
                // A room goes out in one write, so a line is never cut by
                // a flush and diagnostics on a shared stderr fall between
                // rooms; only a room larger than PIECE goes out in parts,
                // so a huge room is never held twice.
                const PIECE: usize = 1 << 20;
                let mut minify = Minify::default();
                text.clear();
                rewrite(report, tf, &mut |piece| {
                    if format == TimestampsFormat::Ndjson {
                        minify.feed(piece, &mut text);
                    } else {
                        text.extend_from_slice(piece);
                    }
                    if text.len() >= PIECE {
                        out.write_all(&text)?;
                        text.clear();
                    }
                    Ok(())
                })?;
                if format == TimestampsFormat::Ndjson || scan.index_in_array.is_none() {
                    text.push(b'\n');
                }
                out.write_all(&text)
            }
            TimestampsFormat::Table | TimestampsFormat::Plain => {
                let stamps = &scan.timestamps;
                let write = |body: &mut dyn Write| -> io::Result<()> {
                    if format == TimestampsFormat::Plain {
                        let each = |row: usize, col: usize, text: &mut String| {
                            cell(scan, &stamps[row], col, tf, text);
                        };
                        return table::plain_streamed(
                            body,
                            Some(&HEADER),
                            HEADER.len(),
                            stamps.len(),
                            &each,
                        );
                    }
                    if stamps.is_empty() {
                        return writeln!(body, "no timestamps");
                    }
                    let cells: Vec<Vec<String>> = stamps
                        .iter()
                        .map(|t| {
                            (0..HEADER.len())
                                .map(|col| {
                                    let mut text = String::new();
                                    cell(scan, t, col, tf, &mut text);
                                    text
                                })
                                .collect()
                        })
                        .collect();
                    table::bordered(body, &HEADER, &cells, width, &[1, 2, 3])
                };
                if sections.lone(report.last) {
                    return write(&mut *out);
                }
                let id = scan.id.map(|id| id.decode());
                let origin = &report.origin;
                let heading = table::heading(
                    id.as_deref(),
                    &origin.file,
                    origin.line,
                    stamps.len(),
                    "timestamp",
                );
                let mut body = Vec::new();
                write(&mut body)?;
                let prefix = if format == TimestampsFormat::Plain {
                    "# "
                } else {
                    ""
                };
                sections.push(out, heading, body, prefix)
            }
        }
    };
    listing.walk(args.input.color, env, err, exit, &mut each)?;
    sections.finish(out)?;
    Ok(())
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
