//! The `participants` formats: one [`RowSink`] per `--format`, each in its
//! own file, handed one room at a time. The rows come from a [`RowSource`]
//! that the command implements (it filters and sorts), so a format only
//! writes.
//!
//! Formats are dispatched once per room, and the machine formats once per
//! chunk of rows: nothing is dynamic per row or per field.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod plain;
pub mod table;

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use crate::render::table::{Sections, heading, markdown_text};
use crate::term::sanitize;
use crate::time::{self, TimeFormat};
use crate::walk::TsValue;

/// The columns of the formats for people.
pub const HEADER: [&str; 6] = ["IDENTITY", "NAME", "JOINED", "LEFT", "DURATION", "STATUS"];

/// Where a participant stands, the same word in every format. A stay
/// that cannot be measured says why instead of showing a negative
/// duration, as `validate` warns about the same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Joined, and no `leftAt`.
    Active,
    /// Joined, then left.
    Left,
    /// No usable `joinedAt`, or a `leftAt` that is not a time.
    Unknown,
    /// `leftAt` earlier than `joinedAt`.
    LeftBeforeJoined,
    /// No `leftAt`, and `joinedAt` later than now.
    JoinedAfterNow,
}

impl Status {
    pub fn of(joined: Option<TsValue<'_>>, left: Option<TsValue<'_>>, now: i64) -> Status {
        let Some(TsValue::Ms(joined)) = joined else {
            return Status::Unknown;
        };
        match left {
            Some(TsValue::Invalid { .. }) => Status::Unknown,
            Some(TsValue::Ms(left)) if left < joined => Status::LeftBeforeJoined,
            Some(TsValue::Ms(_)) => Status::Left,
            None if joined > now => Status::JoinedAfterNow,
            None => Status::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Left => "left",
            Status::Unknown => "unknown",
            Status::LeftBeforeJoined => "left-before-joined",
            Status::JoinedAfterNow => "joined-after-now",
        }
    }
}

/// A time that is in range, as milliseconds.
pub fn ms(v: Option<TsValue<'_>>) -> Option<i64> {
    match v {
        Some(TsValue::Ms(ms)) => Some(ms),
        _ => None,
    }
}

/// One participant with what is derived from it. Its texts sit in the
/// arena of the [`Rows`] it belongs to, in the order rows are written, so
/// each row is one short run of memory instead of three reads scattered
/// over the whole input.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// Arena offsets: key, identity, name, end.
    pub texts: [usize; 4],
    pub has_identity: bool,
    pub has_name: bool,
    /// As written, so that the formats for people can say why a value is
    /// not a time.
    pub joined: Option<TsValue<'a>>,
    pub left: Option<TsValue<'a>>,
    /// Only for a stay that can be measured: active or left.
    pub duration: Option<i64>,
    pub status: Status,
}

impl Row<'_> {
    pub fn joined_ms(&self) -> Option<i64> {
        ms(self.joined)
    }

    pub fn left_ms(&self) -> Option<i64> {
        ms(self.left)
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn key<'t>(&self, arena: &'t str) -> &'t str {
        arena.get(self.texts[0]..self.texts[1]).unwrap_or_default()
    }

    pub fn identity<'t>(&self, arena: &'t str) -> Option<&'t str> {
        self.has_identity
            .then(|| arena.get(self.texts[1]..self.texts[2]).unwrap_or_default())
    }

    pub fn name<'t>(&self, arena: &'t str) -> Option<&'t str> {
        self.has_name
            .then(|| arena.get(self.texts[2]..self.texts[3]).unwrap_or_default())
    }

    /// One of the six human columns, sanitized, appended to `out`.
    pub fn cell(&self, col: usize, tf: &TimeFormat, arena: &str, out: &mut String) {
        // A value that is not a time: empty when absent, else what was
        // written and why it is not a time.
        let time = |v: Option<TsValue<'_>>, out: &mut String| match v {
            Some(TsValue::Ms(ms)) => tf.render_into(ms, out),
            Some(TsValue::Invalid { raw, why }) => {
                let text = format!("invalid: {} ({why})", String::from_utf8_lossy(raw));
                out.push_str(&sanitize(&text));
            }
            None => {}
        };
        match col {
            0 => push_identity(out, self.identity(arena), self.key(arena), sanitize),
            1 => out.push_str(&sanitize(self.name(arena).unwrap_or_default())),
            2 => time(self.joined, out),
            3 => time(self.left, out),
            4 => {
                if let Some(d) = self.duration {
                    time::duration_into(d, out);
                }
            }
            _ => out.push_str(self.status().as_str()),
        }
    }

    /// The six human columns, sanitized.
    pub fn cells(&self, tf: &TimeFormat, arena: &str) -> Vec<String> {
        (0..HEADER.len())
            .map(|col| {
                let mut text = String::new();
                self.cell(col, tf, arena, &mut text);
                text
            })
            .collect()
    }
}

/// The IDENTITY column, which `--sort identity` orders by: the identity,
/// or the key when there is none; both when they differ. `text` is how
/// each part is written (as it is, or sanitized for a terminal).
pub fn push_identity<'t>(
    out: &mut String,
    identity: Option<&'t str>,
    key: &'t str,
    text: fn(&'t str) -> Cow<'t, str>,
) {
    match identity {
        Some(id) if id != key => {
            out.push_str(&text(id));
            out.push_str(" (key ");
            out.push_str(&text(key));
            out.push(')');
        }
        Some(id) => out.push_str(&text(id)),
        None => out.push_str(&text(key)),
    }
}

/// Rows and the arena that holds their texts, reused from chunk to chunk.
#[derive(Debug, Default)]
pub struct Rows<'a> {
    pub rows: Vec<Row<'a>>,
    pub bytes: Vec<u8>,
}

impl Rows<'_> {
    /// The texts of the rows as one string. The input was checked as
    /// UTF-8, so the check cannot fail; it is one pass instead of one per
    /// text.
    pub fn arena(&self) -> Cow<'_, str> {
        match simdutf8::basic::from_utf8(&self.bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&self.bytes),
        }
    }
}

/// The rows of one room, in the order to write them, built on demand a
/// range at a time. `Sync`: a second thread builds every other chunk of a
/// large room.
pub trait RowSource<'a>: Sync {
    /// How many rows the room has.
    fn count(&self) -> usize;

    /// Replaces the contents of `into` with the rows in `range`.
    fn build(&self, range: Range<usize>, into: &mut Rows<'a>);
}

/// One room, as every format is handed it.
pub struct Room<'r, 'a> {
    /// The room ID, decoded; `None` when the room has none.
    pub id: Option<&'r str>,
    /// `FILE#N`: where the room came from, for the machine formats.
    pub source: &'r str,
    /// The file and line the room starts on, for section headings.
    pub file: &'r str,
    pub line: usize,
    /// Nothing but whitespace follows the room in its input.
    pub last: bool,
    pub rows: &'r dyn RowSource<'a>,
}

/// Where one format writes the participants of every room: `start` once,
/// `room` for each room in reading order, `finish` once.
pub trait RowSink {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()>;

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;

    /// The rows of every room will come, sorted across rooms, as runs of
    /// one room each: a format that aligns columns may hold them all and
    /// align them together.
    fn across_rooms(&mut self) {}
}

/// The formats for people: a lone room (one input, nothing after it) is
/// written straight out; otherwise each room becomes a section under a
/// heading marked by `prefix`. `body` writes the rows of `room`.
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
    let heading = heading(
        room.id,
        room.file,
        room.line,
        room.rows.count(),
        "participant",
    );
    let heading = if prefix.starts_with("###") {
        markdown_text(&heading).into_owned()
    } else {
        heading
    };
    let mut text = Vec::new();
    body(&mut text)?;
    sections.push(out, heading, text, prefix)
}

/// A machine format's rows for one room, formatted a chunk at a time into
/// a buffer. `&self` and `Sync`: a second thread formats every other chunk
/// of a large room, each thread with its own `Scratch`.
trait ChunkFormat: Sync {
    type Scratch;

    fn scratch(&self) -> Self::Scratch;

    /// Appends `rows` to `out`; `preceding` records of this run came
    /// before them (a JSON array needs to know where it is).
    fn chunk(
        &self,
        scratch: &mut Self::Scratch,
        rows: &[Row<'_>],
        arena: &str,
        preceding: usize,
        out: &mut Vec<u8>,
    ) -> io::Result<()>;
}

/// Rows are written a few hundred at a time, so rows and texts stay in
/// cache and take no memory worth naming.
pub(super) const CHUNK: usize = 512;
/// From this many chunks on, a second thread formats every other chunk
/// while this one formats and writes the rest: formatting is most of the
/// work once a room is read, and the two halves need nothing from each
/// other. Smaller rooms are not worth a thread.
const PARALLEL_CHUNKS: usize = 8;

/// Writes every row of `source` in `format` to `out`, in order.
fn chunked<'a, F: ChunkFormat>(
    format: &F,
    source: &dyn RowSource<'a>,
    preceding: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let len = source.count();
    let chunks = len.div_ceil(CHUNK);
    let state = || (Rows::default(), format.scratch());
    let make = |(rows, scratch): &mut (Rows<'a>, F::Scratch), k: usize, buf: &mut Vec<u8>| {
        source.build(k * CHUNK..len.min((k + 1) * CHUNK), rows);
        let arena = rows.arena();
        format.chunk(scratch, &rows.rows, &arena, preceding + k * CHUNK, buf)
    };
    if chunks >= PARALLEL_CHUNKS {
        return crate::render::in_order_on_two_threads(chunks, &state, &make, out);
    }
    let (mut own, mut buf) = (state(), Vec::new());
    (0..chunks).try_for_each(|k| {
        buf.clear();
        make(&mut own, k, &mut buf)?;
        out.write_all(&buf)
    })
}
