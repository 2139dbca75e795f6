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
use crate::input::RoomReport;
use crate::json::scan::JStr;
use crate::listing::{self, Event, Listing};
use crate::render::table;
use crate::room::{Collect, Participant, RoomScan, TsValue};
use crate::term::sanitize;
use crate::time::{self, TimeFormat};
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
    p: &'p Participant<'a>,
    /// Arena offsets: key, identity, name, end.
    texts: [usize; 4],
    has_identity: bool,
    has_name: bool,
    joined: Option<i64>,
    left: Option<i64>,
    duration: Option<i64>,
    status: Status,
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
    if text.escaped {
        arena.extend_from_slice(text.decode().as_bytes());
    } else {
        arena.extend_from_slice(text.raw);
    }
}

fn status(p: &Participant<'_>) -> Status {
    match (ms(p.joined), ms(p.left)) {
        (None, _) => Status::Unknown,
        (Some(_), Some(_)) => Status::Left,
        (Some(_), None) => Status::Active,
    }
}

fn row<'p, 'a>(p: &'p Participant<'a>, now: i64, arena: &mut Vec<u8>) -> Row<'p, 'a> {
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
        status: status(p),
    }
}

/// Time in the room: until `leftAt`, or until now when there is none.
fn duration(p: &Participant<'_>, now: i64) -> Option<i64> {
    match (ms(p.joined), ms(p.left)) {
        (Some(j), Some(l)) => Some(l - j),
        (Some(j), None) => Some(now - j),
        _ => None,
    }
}

/// The IDENTITY column: the identity, or the key when there is none; both
/// when they differ.
fn identity(p: &Participant<'_>) -> String {
    let key = p.key.decode();
    match p.identity.map(|id| id.decode()) {
        Some(id) if id != key => format!("{id} (key {key})"),
        Some(id) => id.into_owned(),
        None => key.into_owned(),
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
    listed: &[&'p Participant<'a>],
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
            line: Vec::with_capacity(64 << 10),
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

    /// Writes out what is held once it is large enough, or when `all`.
    fn flush(&mut self, out: &mut dyn Write, all: bool) -> io::Result<()> {
        if all || self.line.len() >= 60 << 10 {
            out.write_all(&self.line)?;
            self.line.clear();
        }
        Ok(())
    }
}

impl Row<'_, '_> {
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

    /// The identity, or the key when there is none; both when they differ.
    fn identity(&self, arena: &str) -> String {
        let key = self.key(arena);
        match self.identity_text(arena) {
            Some(id) if id != key => format!("{id} (key {key})"),
            Some(id) => id.to_string(),
            None => key.to_string(),
        }
    }

    fn time_cell(v: Option<TsValue<'_>>, tf: &TimeFormat) -> String {
        match v {
            None => String::new(),
            Some(TsValue::Ms(ms)) => tf.render(ms),
            Some(TsValue::Invalid { raw, why }) => {
                format!("invalid: {} ({why})", String::from_utf8_lossy(raw))
            }
        }
    }

    /// One of the six human columns, sanitized, appended to `out`.
    fn cell(&self, col: usize, tf: &TimeFormat, arena: &str, out: &mut String) {
        let time = |v: Option<TsValue<'_>>, out: &mut String| match v {
            Some(TsValue::Ms(ms)) => tf.render_into(ms, out),
            other => out.push_str(&sanitize(&Self::time_cell(other, tf))),
        };
        match col {
            0 => out.push_str(&sanitize(&self.identity(arena))),
            1 => out.push_str(&sanitize(self.name(arena).unwrap_or_default())),
            2 => time(self.p.joined, out),
            3 => time(self.p.left, out),
            4 => {
                if let Some(d) = self.duration {
                    time::duration_into(d, out);
                }
            }
            _ => out.push_str(self.status.as_str()),
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
    participants: &'p [Participant<'a>],
    args: &ParticipantsArgs,
    now: i64,
) -> Vec<&'p Participant<'a>> {
    let mut listed: Vec<&Participant<'a>> = participants
        .iter()
        .filter(|p| {
            let status = status(p);
            (!args.active || status == Status::Active) && (!args.left || status == Status::Left)
        })
        .collect();
    let numeric = |p: &Participant<'_>| match args.sort {
        SortKey::Joined => ms(p.joined),
        SortKey::Left => ms(p.left),
        SortKey::Duration => duration(p, now),
        SortKey::Identity | SortKey::Name => None,
    };
    match args.sort {
        SortKey::Identity => listed.sort_by_cached_key(|p| identity(p)),
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
                let mut w = Delimited::new(self.delimiter());
                for field in CSV_HEADER {
                    w.text(field.as_bytes());
                }
                w.end_record();
                w.flush(self.out, true)
            }
            _ => Ok(()),
        }
    }

    fn delimiter(&self) -> u8 {
        if self.format == ParticipantsFormat::Tsv {
            b'\t'
        } else {
            b','
        }
    }

    fn room(
        &mut self,
        report: &RoomReport<'_>,
        scan: &RoomScan<'_>,
        listed: &[&Participant<'_>],
    ) -> io::Result<()> {
        let id = scan.id.map(|id| id.decode().into_owned());
        let source = format!("{}#{}", report.origin.file, report.origin.index + 1);
        let now = self.tf.now_ms;
        let mut rows = Vec::new();
        let mut bytes = Vec::new();
        // Machine formats are written a few hundred rows at a time, so
        // rows and texts stay in cache and use no memory worth naming.
        const CHUNK: usize = 512;
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
                build_rows(listed, now, &mut rows, &mut bytes);
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
            ParticipantsFormat::Json | ParticipantsFormat::Ndjson => {
                for chunk in listed.chunks(CHUNK) {
                    build_rows(chunk, now, &mut rows, &mut bytes);
                    let arena = arena(&bytes);
                    for r in &rows {
                        let record = Record {
                            room: id.as_deref(),
                            source: &source,
                            key: r.key(&arena),
                            identity: r.identity_text(&arena),
                            name: r.name(&arena),
                            joined_at: r.joined,
                            joined: r.joined.map(|v| self.tf.render(v)),
                            left_at: r.left,
                            left: r.left.map(|v| self.tf.render(v)),
                            duration_ms: r.duration,
                            duration: r.duration.map(time::duration),
                            status: r.status,
                        };
                        if self.format == ParticipantsFormat::Json {
                            self.out.write_all(if self.records > 0 {
                                b",\n  "
                            } else {
                                b"\n  "
                            })?;
                        }
                        self.records += 1;
                        serde_json::to_writer(&mut *self.out, &record)?;
                        if self.format == ParticipantsFormat::Ndjson {
                            self.out.write_all(b"\n")?;
                        }
                    }
                }
                Ok(())
            }
            ParticipantsFormat::Csv | ParticipantsFormat::Tsv => {
                let mut w = Delimited::new(self.delimiter());
                // These styles write digits and `-:.TZ+` only; RFC 2822 has
                // commas and a `+FORMAT` style may hold anything.
                let times_plain = matches!(
                    self.tf.style,
                    time::Style::Rfc3339 | time::Style::IsoDate | time::Style::UnixSeconds
                );
                let room = w.encoded(id.unwrap_or_default().as_bytes());
                let source = w.encoded(source.as_bytes());
                let mut number = itoa::Buffer::new();
                let mut text = String::with_capacity(32);
                for chunk in listed.chunks(CHUNK) {
                    build_rows(chunk, now, &mut rows, &mut bytes);
                    let arena = arena(&bytes);
                    for r in &rows {
                        w.line.extend_from_slice(&room);
                        w.text(r.key(&arena).as_bytes());
                        w.text(r.identity_text(&arena).unwrap_or_default().as_bytes());
                        w.text(r.name(&arena).unwrap_or_default().as_bytes());
                        for v in [r.joined, r.left] {
                            text.clear();
                            match v {
                                Some(v) => {
                                    w.plain(number.format(v).as_bytes());
                                    self.tf.render_into(v, &mut text);
                                }
                                None => w.plain(b""),
                            }
                            if times_plain {
                                w.plain(text.as_bytes());
                            } else {
                                w.text(text.as_bytes());
                            }
                        }
                        text.clear();
                        match r.duration {
                            Some(v) => {
                                w.plain(number.format(v).as_bytes());
                                time::duration_into(v, &mut text);
                            }
                            None => w.plain(b""),
                        }
                        w.plain(text.as_bytes());
                        w.plain(r.status.as_str().as_bytes());
                        w.line.extend_from_slice(&source);
                        w.end_record();
                        w.flush(self.out, false)?;
                    }
                }
                w.flush(self.out, true)
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
