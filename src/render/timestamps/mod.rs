//! The `timestamps` formats: one [`StampSink`] per `--format`, each in its
//! own file, handed one room at a time.

pub mod json;
pub mod plain;
pub mod table;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::render::table::{Sections, heading};
use crate::term::sanitize;
use crate::time::{self, TimeFormat};
use crate::walk::{SECONDS_LIKE, Timestamp, Timestamps, TsValue};

/// The columns of the formats for people.
pub const HEADER: [&str; 5] = ["POINTER", "VALUE", "TIME", "RELATIVE", "NOTE"];

/// The columns shown, as indices into [`HEADER`]: in the relative style
/// TIME already is the relative time, so RELATIVE would repeat it.
pub fn columns(tf: &TimeFormat) -> &'static [usize] {
    if matches!(tf.style, time::Style::Relative) {
        &[0, 1, 2, 4]
    } else {
        &[0, 1, 2, 3, 4]
    }
}

/// One room, as every format is handed it.
pub struct Room<'r, 'a> {
    /// The room ID, decoded; `None` when the room has none.
    pub id: Option<&'r str>,
    /// The file and line the room starts on, for section headings.
    pub file: &'r str,
    pub line: usize,
    /// Nothing but whitespace follows the room in its input.
    pub last: bool,
    /// `Some(i)`: the room is element `i` of an array, and its pointers
    /// start with `/i`.
    pub index_in_array: Option<usize>,
    /// In the order of their place in the text.
    pub timestamps: &'r Timestamps<'a>,
    /// The room's text as written, and the offset of its first byte in the
    /// input (timestamps hold offsets in the input).
    pub text: &'r [u8],
    pub start: usize,
}

/// Where one format writes the timestamps of every room: `room` for each
/// room in reading order, `input_done` after each input, `finish` once.
pub trait StampSink {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()>;

    fn input_done(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// One cell of the table for people, appended to `out`.
fn cell(room: &Room<'_, '_>, t: &Timestamp<'_>, col: usize, tf: &TimeFormat, out: &mut String) {
    match (col, t.value) {
        (0, _) => {
            let start = out.len();
            t.loc.pointer_into(room.index_in_array, out);
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

/// The formats for people: a lone room (one input, nothing after it) is
/// written straight out; otherwise each room becomes a section under a
/// heading marked by `prefix`.
fn sectioned(
    sections: &mut Sections,
    out: &mut dyn Write,
    room: &Room<'_, '_>,
    prefix: &'static str,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if sections.lone(room.last) {
        return body(out);
    }
    let count = room.timestamps.len();
    let heading = heading(room.id, room.file, room.line, count, "timestamp");
    let mut text = Vec::new();
    body(&mut text)?;
    sections.push(out, heading, text, prefix)
}
