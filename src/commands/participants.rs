//! `participants`: one row per participant of each room, as a table for
//! people or as JSON, NDJSON, CSV, TSV or Markdown for pipelines.
//!
//! `leftAt` is not exact: on every `participant_left` event the service
//! stamps `leftAt` on everyone still listed, so someone present may carry
//! one (SPEC.md). The help says so.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::{ParticipantsArgs, ParticipantsFormat, SortKey};
use crate::commands::listing::{self, Event, Listing};
use crate::input::RoomReport;
use crate::json::lexer::JStr;
use crate::render::table;
use crate::term::sanitize;
use crate::time::{self, TimeFormat};
use crate::walk::{Collect, ParticipantRef, TsValue, WalkedRoom};
use crate::{Exit, write_failed};

const HEADER: [&str; 6] = ["IDENTITY", "NAME", "JOINED", "LEFT", "DURATION", "STATUS"];
const CSV_HEADER: [&str; 12] = [
    "room",
    "key",
    "identity",
    "name",
    "joined_at_ms",
    "joined_at",
    "left_at_ms",
    "left_at",
    "duration_ms",
    "duration",
    "status",
    "source",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Active,
    Left,
    Unknown,
}

impl Status {
    fn of(joined: Option<i64>, left: Option<i64>) -> Status {
        match (joined, left) {
            (None, _) => Status::Unknown,
            (Some(_), Some(_)) => Status::Left,
            (Some(_), None) => Status::Active,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Left => "left",
            Status::Unknown => "unknown",
        }
    }
}

/// One participant with what is derived from it. Its texts are copied into
/// one arena in the order rows are written, so each row is one short run
/// of memory instead of three reads scattered over the whole input.
struct Row<'p, 'a> {
    p: &'p ParticipantRef<'a>,
    /// Arena offsets: key, identity, name, end.
    texts: [usize; 4],
    has_identity: bool,
    has_name: bool,
    joined: Option<i64>,
    left: Option<i64>,
    duration: Option<i64>,
}

fn ms(v: Option<TsValue<'_>>) -> Option<i64> {
    match v {
        Some(TsValue::Ms(ms)) => Some(ms),
        _ => None,
    }
}

/// Appends a string's value to the arena: the bytes as they are unless
/// they hold escapes. The arena is checked as UTF-8 once, at the end.
fn push_text(arena: &mut Vec<u8>, text: JStr<'_>) {
    arena.extend_from_slice(&text.name());
}

fn row<'p, 'a>(p: &'p ParticipantRef<'a>, now: i64, arena: &mut Vec<u8>) -> Row<'p, 'a> {
    let mut texts = [0; 4];
    texts[0] = arena.len();
    push_text(arena, p.key);
    texts[1] = arena.len();
    if let Some(identity) = p.identity {
        push_text(arena, identity);
    }
    texts[2] = arena.len();
    if let Some(name) = p.name {
        push_text(arena, name);
    }
    texts[3] = arena.len();
    Row {
        p,
        texts,
        has_identity: p.identity.is_some(),
        has_name: p.name.is_some(),
        joined: ms(p.joined),
        left: ms(p.left),
        duration: duration(p, now),
    }
}

/// Time in the room: until `leftAt`, or until now when there is none.
fn duration(p: &ParticipantRef<'_>, now: i64) -> Option<i64> {
    match (ms(p.joined), ms(p.left)) {
        (Some(j), Some(l)) => Some(l - j),
        (Some(j), None) => Some(now - j),
        _ => None,
    }
}

/// The IDENTITY column, which `--sort identity` orders by: the identity,
/// or the key when there is none; both when they differ. `text` is how
/// each part is written (as it is, or sanitized for a terminal).
fn push_identity<'t>(
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

/// Rows for `listed`, in that order, with their texts in `bytes`.
///
/// Rows are built in the order they are written, so writing reads memory
/// in order. Reading the participants out of input order is the costly
/// part: every text is touched first, a chunk at a time, in loads that do
/// not depend on each other, so that their cache misses overlap and the
/// copies that follow find the texts in cache.
fn build_rows<'p, 'a>(
    listed: &[&'p ParticipantRef<'a>],
    now: i64,
    rows: &mut Vec<Row<'p, 'a>>,
    bytes: &mut Vec<u8>,
) {
    rows.clear();
    bytes.clear();
    for chunk in listed.chunks(32) {
        let first = |s: Option<JStr<'_>>| s.and_then(|s| s.raw.first().copied()).unwrap_or(0);
        let touched = chunk.iter().fold(0u8, |acc, p| {
            acc ^ first(Some(p.key)) ^ first(p.identity) ^ first(p.name)
        });
        std::hint::black_box(touched);
        rows.extend(chunk.iter().map(|p| row(p, now, bytes)));
    }
}

/// The texts of rows as one string. The input was checked as UTF-8, so
/// the check cannot fail; it is one pass instead of one per text.
fn arena(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// CSV and TSV records. Texts go through csv_core, which quotes a field
/// only when it holds the delimiter, a quote or a line break, so the data
/// stays exact; numbers, durations and statuses cannot hold those and are
/// copied as they are.
struct Delimited {
    quoter: csv_core::Writer,
    delimiter: u8,
    line: Vec<u8>,
}

impl Delimited {
    fn new(delimiter: u8) -> Delimited {
        Delimited {
            quoter: csv_core::WriterBuilder::new().delimiter(delimiter).build(),
            delimiter,
            line: Vec::new(),
        }
    }

    fn text(&mut self, mut field: &[u8]) {
        // Room for the worst case: every byte a doubled quote.
        loop {
            let start = self.line.len();
            self.line.resize(start + 2 * field.len() + 2, 0);
            let (result, read, wrote) = self.quoter.field(field, &mut self.line[start..]);
            self.line.truncate(start + wrote);
            field = &field[read..];
            if result == csv_core::WriteResult::InputEmpty {
                break;
            }
        }
        loop {
            let start = self.line.len();
            self.line.resize(start + 2, 0);
            let (result, wrote) = self.quoter.delimiter(&mut self.line[start..]);
            self.line.truncate(start + wrote);
            if result == csv_core::WriteResult::InputEmpty {
                break;
            }
        }
    }

    fn plain(&mut self, field: &[u8]) {
        self.line.extend_from_slice(field);
        self.line.push(self.delimiter);
    }

    /// A text as it will be written, delimiter included, for the fields
    /// that are the same on every row.
    fn encoded(&mut self, field: &[u8]) -> Vec<u8> {
        let start = self.line.len();
        self.text(field);
        self.line.split_off(start)
    }

    fn end_record(&mut self) {
        if let Some(last) = self.line.last_mut() {
            *last = b'\n';
        }
    }
}

impl Row<'_, '_> {
    fn status(&self) -> Status {
        Status::of(self.joined, self.left)
    }

    fn key<'t>(&self, arena: &'t str) -> &'t str {
        arena.get(self.texts[0]..self.texts[1]).unwrap_or_default()
    }

    fn identity_text<'t>(&self, arena: &'t str) -> Option<&'t str> {
        self.has_identity
            .then(|| arena.get(self.texts[1]..self.texts[2]).unwrap_or_default())
    }

    fn name<'t>(&self, arena: &'t str) -> Option<&'t str> {
        self.has_name
            .then(|| arena.get(self.texts[2]..self.texts[3]).unwrap_or_default())
    }

    /// One of the six human columns, sanitized, appended to `out`.
    fn cell(&self, col: usize, tf: &TimeFormat, arena: &str, out: &mut String) {
        // The participant itself is read only for a value that is not a
        // time, which the row does not hold: empty when absent, else what
        // was written and why it is not a time.
        let time = |ms: Option<i64>, left: bool, out: &mut String| match ms {
            Some(ms) => tf.render_into(ms, out),
            None => {
                let v = if left { self.p.left } else { self.p.joined };
                if let Some(TsValue::Invalid { raw, why }) = v {
                    let text = format!("invalid: {} ({why})", String::from_utf8_lossy(raw));
                    out.push_str(&sanitize(&text));
                }
            }
        };
        match col {
            0 => push_identity(out, self.identity_text(arena), self.key(arena), sanitize),
            1 => out.push_str(&sanitize(self.name(arena).unwrap_or_default())),
            2 => time(self.joined, false, out),
            3 => time(self.left, true, out),
            4 => {
                if let Some(d) = self.duration {
                    time::duration_into(d, out);
                }
            }
            _ => out.push_str(self.status().as_str()),
        }
    }

    /// The six human columns, sanitized.
    fn cells(&self, tf: &TimeFormat, arena: &str) -> Vec<String> {
        (0..HEADER.len())
            .map(|col| {
                let mut text = String::new();
                self.cell(col, tf, arena, &mut text);
                text
            })
            .collect()
    }
}

/// Wire form of a row for json and ndjson.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'r> {
    room: Option<&'r str>,
    source: &'r str,
    key: &'r str,
    identity: Option<&'r str>,
    name: Option<&'r str>,
    joined_at: Option<i64>,
    joined: Option<String>,
    left_at: Option<i64>,
    left: Option<String>,
    duration_ms: Option<i64>,
    duration: Option<String>,
    status: Status,
}

/// The participants to list, in the order to list them (a stable sort:
/// ties keep input order; rows without the value sort last).
fn listed<'p, 'a>(
    participants: &'p [ParticipantRef<'a>],
    args: &ParticipantsArgs,
    now: i64,
) -> Vec<&'p ParticipantRef<'a>> {
    let mut listed: Vec<&ParticipantRef<'a>> = participants
        .iter()
        .filter(|p| {
            let status = Status::of(ms(p.joined), ms(p.left));
            (!args.active || status == Status::Active) && (!args.left || status == Status::Left)
        })
        .collect();
    let numeric = |p: &ParticipantRef<'_>| match args.sort {
        SortKey::Joined => ms(p.joined),
        SortKey::Left => ms(p.left),
        SortKey::Duration => duration(p, now),
        SortKey::Identity | SortKey::Name => None,
    };
    match args.sort {
        SortKey::Identity => listed.sort_by_cached_key(|p| {
            let (identity, key) = (p.identity.map(|id| id.decode()), p.key.decode());
            let mut text = String::new();
            push_identity(&mut text, identity.as_deref(), &key, Cow::Borrowed);
            text
        }),
        SortKey::Name => {
            listed.sort_by_cached_key(|p| (p.name.is_none(), p.name.map(|n| n.decode())))
        }
        _ => {
            // One integer per row, the value mapped to an order-preserving
            // u64 above the row's position: a stable sort of a million rows
            // that compares plain integers and moves 16 bytes at a time.
            let mut keys: Vec<u128> = listed
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let v = numeric(p).map_or(u64::MAX, |v| (v as u64) ^ (1 << 63));
                    (u128::from(v) << 64) | i as u128
                })
                .collect();
            keys.sort_unstable();
            listed = keys
                .into_iter()
                .map(|k| listed[(k as u64) as usize])
                .collect();
        }
    }
    if args.reverse {
        listed.reverse();
    }
    listed
}

/// What the human formats need, apart from where they write.
struct Human<'t> {
    format: ParticipantsFormat,
    header: bool,
    tf: &'t TimeFormat,
    width: Option<u16>,
}

impl Human<'_> {
    fn write(&self, out: &mut dyn Write, rows: &[Row<'_, '_>], arena: &str) -> io::Result<()> {
        if !matches!(
            self.format,
            ParticipantsFormat::Table | ParticipantsFormat::Markdown
        ) {
            let cell = |row: usize, col: usize, text: &mut String| {
                rows[row].cell(col, self.tf, arena, text);
            };
            let header = self.header.then_some(&HEADER[..]);
            return table::plain_streamed(out, header, HEADER.len(), rows.len(), &cell);
        }
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.cells(self.tf, arena)).collect();
        match self.format {
            ParticipantsFormat::Table if cells.is_empty() => writeln!(out, "no participants"),
            ParticipantsFormat::Table => {
                table::bordered(out, &HEADER, &cells, self.width, &[2, 3, 4, 5])
            }
            ParticipantsFormat::Markdown if cells.is_empty() => {
                writeln!(out, "_no participants_")
            }
            _ => table::markdown(out, &HEADER, &cells),
        }
    }
}

/// What every row of one room shares in the machine formats.
struct Machine<'r> {
    format: ParticipantsFormat,
    delimiter: u8,
    tf: &'r TimeFormat,
    id: Option<&'r str>,
    source: &'r str,
    /// The room ID and the source as CSV fields, quoted once per room.
    room_field: Vec<u8>,
    source_field: Vec<u8>,
    /// Times in this style never need CSV quoting.
    times_plain: bool,
}

impl<'r> Machine<'r> {
    fn room(
        format: ParticipantsFormat,
        tf: &'r TimeFormat,
        id: Option<&'r str>,
        source: &'r str,
    ) -> Machine<'r> {
        let delimiter = delimiter(format);
        let mut quoter = Delimited::new(delimiter);
        Machine {
            format,
            delimiter,
            tf,
            id,
            source,
            room_field: quoter.encoded(id.unwrap_or_default().as_bytes()),
            source_field: quoter.encoded(source.as_bytes()),
            times_plain: tf.style.is_plain(),
        }
    }
}

/// The buffers one thread needs to write rows, reused from chunk to chunk.
struct MachineWriter<'p, 'a> {
    rows: Vec<Row<'p, 'a>>,
    bytes: Vec<u8>,
    delimited: Delimited,
    number: itoa::Buffer,
    text: String,
}

impl<'p, 'a> MachineWriter<'p, 'a> {
    fn new(room: &Machine<'_>) -> Self {
        MachineWriter {
            rows: Vec::new(),
            bytes: Vec::new(),
            delimited: Delimited::new(room.delimiter),
            number: itoa::Buffer::new(),
            text: String::with_capacity(32),
        }
    }

    /// Appends `listed` to `out`; `preceding` records were written before
    /// them, which decides the JSON separator.
    fn chunk(
        &mut self,
        room: &Machine<'_>,
        listed: &[&'p ParticipantRef<'a>],
        preceding: usize,
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
        build_rows(listed, room.tf.now_ms, &mut self.rows, &mut self.bytes);
        if matches!(
            room.format,
            ParticipantsFormat::Csv | ParticipantsFormat::Tsv
        ) {
            self.delimited_rows(room, out);
            return Ok(());
        }
        let arena = arena(&self.bytes);
        for (i, r) in self.rows.iter().enumerate() {
            let record = Record {
                room: room.id,
                source: room.source,
                key: r.key(&arena),
                identity: r.identity_text(&arena),
                name: r.name(&arena),
                joined_at: r.joined,
                joined: r.joined.map(|v| room.tf.render(v)),
                left_at: r.left,
                left: r.left.map(|v| room.tf.render(v)),
                duration_ms: r.duration,
                duration: r.duration.map(time::duration),
                status: r.status(),
            };
            if room.format == ParticipantsFormat::Json {
                out.extend_from_slice(if preceding + i > 0 { b",\n  " } else { b"\n  " });
            }
            serde_json::to_writer(&mut *out, &record)?;
            if room.format == ParticipantsFormat::Ndjson {
                out.push(b'\n');
            }
        }
        Ok(())
    }

    fn delimited_rows(&mut self, room: &Machine<'_>, out: &mut Vec<u8>) {
        let arena = arena(&self.bytes);
        let w = &mut self.delimited;
        std::mem::swap(&mut w.line, out);
        for r in &self.rows {
            w.line.extend_from_slice(&room.room_field);
            w.text(r.key(&arena).as_bytes());
            w.text(r.identity_text(&arena).unwrap_or_default().as_bytes());
            w.text(r.name(&arena).unwrap_or_default().as_bytes());
            for v in [r.joined, r.left] {
                self.text.clear();
                match v {
                    Some(v) => {
                        w.plain(self.number.format(v).as_bytes());
                        room.tf.render_into(v, &mut self.text);
                    }
                    None => w.plain(b""),
                }
                if room.times_plain {
                    w.plain(self.text.as_bytes());
                } else {
                    w.text(self.text.as_bytes());
                }
            }
            self.text.clear();
            match r.duration {
                Some(v) => {
                    w.plain(self.number.format(v).as_bytes());
                    time::duration_into(v, &mut self.text);
                }
                None => w.plain(b""),
            }
            w.plain(self.text.as_bytes());
            w.plain(r.status().as_str().as_bytes());
            w.line.extend_from_slice(&room.source_field);
            w.end_record();
        }
        std::mem::swap(&mut w.line, out);
    }
}

/// Rows are written a few hundred at a time, so rows and texts stay in
/// cache and take no memory worth naming.
const CHUNK: usize = 512;
/// From this many chunks on, a second thread formats every other chunk
/// while this one formats and writes the rest: formatting is most of the
/// work once a room is read, and the two halves need nothing from each
/// other. Smaller rooms are not worth a thread.
const PARALLEL_CHUNKS: usize = 8;

/// Writes the rows of `listed` in a machine format to `out`.
fn machine_rows(
    room: &Machine<'_>,
    listed: &[&ParticipantRef<'_>],
    preceding: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let chunks: Vec<&[&ParticipantRef<'_>]> = listed.chunks(CHUNK).collect();
    let mut writer = MachineWriter::new(room);
    let mut buf = Vec::new();
    let mut own = |k: usize, buf: &mut Vec<u8>, out: &mut dyn Write| -> io::Result<()> {
        buf.clear();
        writer.chunk(room, chunks[k], preceding + k * CHUNK, buf)?;
        out.write_all(buf)
    };
    if chunks.len() < PARALLEL_CHUNKS {
        return (0..chunks.len()).try_for_each(|k| own(k, &mut buf, &mut *out));
    }
    std::thread::scope(|scope| {
        // Two buffers in flight are enough to keep both threads busy; a
        // failed write drops the receiver, which ends the helper.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
        let chunks = &chunks;
        scope.spawn(move || {
            let mut writer = MachineWriter::new(room);
            for k in (1..chunks.len()).step_by(2) {
                let mut buf = Vec::with_capacity(CHUNK * 256);
                let done = writer.chunk(room, chunks[k], preceding + k * CHUNK, &mut buf);
                if sender.send(done.map(|()| buf)).is_err() {
                    break;
                }
            }
        });
        for k in 0..chunks.len() {
            if k % 2 == 0 {
                own(k, &mut buf, &mut *out)?;
            } else {
                let theirs = receiver.recv().map_err(io::Error::other)??;
                out.write_all(&theirs)?;
            }
        }
        Ok(())
    })
}

fn delimiter(format: ParticipantsFormat) -> u8 {
    if format == ParticipantsFormat::Tsv {
        b'\t'
    } else {
        b','
    }
}

struct Printer<'w> {
    format: ParticipantsFormat,
    header: bool,
    tf: TimeFormat,
    width: Option<u16>,
    out: &'w mut dyn Write,
    /// Records written so far: one JSON array spans every room.
    records: usize,
    sections: table::Sections,
}

impl Printer<'_> {
    fn start(&mut self) -> io::Result<()> {
        match self.format {
            ParticipantsFormat::Json => self.out.write_all(b"["),
            ParticipantsFormat::Csv | ParticipantsFormat::Tsv if self.header => {
                let mut w = Delimited::new(delimiter(self.format));
                for field in CSV_HEADER {
                    w.text(field.as_bytes());
                }
                w.end_record();
                self.out.write_all(&w.line)
            }
            _ => Ok(()),
        }
    }

    fn room(
        &mut self,
        report: &RoomReport<'_>,
        scan: &WalkedRoom<'_>,
        listed: &[&ParticipantRef<'_>],
    ) -> io::Result<()> {
        let id = scan.id.map(|id| id.decode().into_owned());
        let source = format!("{}#{}", report.origin.file, report.origin.index + 1);
        match self.format {
            ParticipantsFormat::Table
            | ParticipantsFormat::Plain
            | ParticipantsFormat::Markdown => {
                let human = Human {
                    format: self.format,
                    header: self.header,
                    tf: &self.tf,
                    width: self.width,
                };
                let (mut rows, mut bytes) = (Vec::new(), Vec::new());
                build_rows(listed, self.tf.now_ms, &mut rows, &mut bytes);
                let arena = arena(&bytes);
                if self.sections.lone(report.last) {
                    return human.write(&mut *self.out, &rows, &arena);
                }
                let heading = listing::heading(report, scan, rows.len(), "participant");
                let mut body = Vec::new();
                human.write(&mut body, &rows, &arena)?;
                let prefix = match self.format {
                    ParticipantsFormat::Plain => "# ",
                    ParticipantsFormat::Markdown => "### ",
                    _ => "",
                };
                self.sections.push(self.out, heading, body, prefix)
            }
            ParticipantsFormat::Json
            | ParticipantsFormat::Ndjson
            | ParticipantsFormat::Csv
            | ParticipantsFormat::Tsv => {
                let room = Machine::room(self.format, &self.tf, id.as_deref(), &source);
                machine_rows(&room, listed, self.records, &mut *self.out)?;
                self.records += listed.len();
                Ok(())
            }
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.sections.finish(self.out)?;
        match self.format {
            ParticipantsFormat::Json if self.records > 0 => self.out.write_all(b"\n]\n"),
            ParticipantsFormat::Json => self.out.write_all(b"]\n"),
            _ => Ok(()),
        }
    }
}

pub fn run(args: &ParticipantsArgs, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let collect = Collect {
        participants: true,
        timestamps: false,
    };
    let listing = match Listing::new(&args.input, &args.time, args.rules.strict, collect, err) {
        Ok(listing) => listing,
        Err(exit) => return exit,
    };
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        ParticipantsFormat::Table
    } else {
        ParticipantsFormat::Plain
    });
    let mut printer = Printer {
        format,
        header: !args.no_header,
        tf: listing.tf.clone(),
        width: table::terminal_width(),
        out,
        records: 0,
        sections: table::Sections::new(listing.sources.len() > 1),
    };
    let now_ms = listing.tf.now_ms;
    let started = printer.start();
    let mut each = |event: Event<'_, '_>| -> io::Result<()> {
        let Event::Room(report, scan) = event else {
            return Ok(());
        };
        let listed = listed(&scan.participants, args, now_ms);
        printer.room(report, scan, &listed)
    };
    let result = match started {
        Ok(()) => listing.walk(args.input.color, err, &mut each),
        Err(e) => Err((e, Exit::Ok)),
    };
    let result = result.and_then(|exit| printer.finish().map(|()| exit).map_err(|e| (e, exit)));
    match result {
        Ok(exit) => exit,
        Err((e, exit)) => write_failed(&e, err, exit),
    }
}
