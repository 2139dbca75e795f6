//! `participants`: one row per participant of each room, as a table for
//! people or as JSON, NDJSON, CSV, TSV or Markdown for pipelines. This
//! file picks and orders the participants and builds their rows; the
//! formats are in `render::participants`.
//!
//! `leftAt` is not exact: on every `participant_left` event the service
//! stamps `leftAt` on everyone still listed, so someone present may carry
//! one (SPEC.md). The help says so.

use std::borrow::Cow;
use std::io::Write;
use std::ops::Range;

use crate::cli::{ParticipantsArgs, ParticipantsFormat, SortKey};
use crate::commands::listing::{Event, Listing};
use crate::json::lexer::JStr;
use crate::render::participants::{
    Room, Row, RowSink, RowSource, Rows, Status, csv, json, markdown, ms, plain, push_identity,
    table,
};
use crate::render::table::{Held, Sections};
use crate::term::{Env, Stream};
use crate::time::TimeFormat;
use crate::walk::{Collect, Invalid, ParticipantRef, Participants, TsValue};
use crate::{Error, Exit};

/// Appends a string's value to the arena: the bytes as they are unless
/// they hold escapes. The arena is checked as UTF-8 once, at the end.
fn push_text(arena: &mut Vec<u8>, text: JStr<'_>) {
    arena.extend_from_slice(&text.name());
}

fn row<'a>(p: &ParticipantRef<'a>, now: i64, arena: &mut Vec<u8>) -> Row<'a> {
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
        texts,
        has_identity: p.identity.is_some(),
        has_name: p.name.is_some(),
        joined: p.joined,
        left: p.left,
        duration: duration(p, now),
        status: Status::of(p.joined, p.left, now),
    }
}

/// Time in the room: until `leftAt`, or until now when there is none;
/// `None` when the stay cannot be measured (the status says why).
fn duration(p: &ParticipantRef<'_>, now: i64) -> Option<i64> {
    stay_of(p.joined, p.left, now)
}

fn stay_of(joined: Option<TsValue<'_>>, left: Option<TsValue<'_>>, now: i64) -> Option<i64> {
    match (Status::of(joined, left, now), ms(joined), ms(left)) {
        (Status::Left, Some(j), Some(l)) => Some(l - j),
        (Status::Active, Some(j), None) => Some(now - j),
        _ => None,
    }
}

/// Rows for `listed`, in that order, with their texts in one arena.
///
/// Rows are built in the order they are written, so writing reads memory
/// in order. Reading the participants out of input order is the costly
/// part: every text is touched first, a chunk at a time, in loads that do
/// not depend on each other, so that their cache misses overlap and the
/// copies that follow find the texts in cache.
fn build_rows<'a>(people: &dyn People<'a>, listed: &[usize], now: i64, into: &mut Rows<'a>) {
    into.rows.clear();
    into.bytes.clear();
    let mut chunk: Vec<ParticipantRef<'a>> = Vec::with_capacity(CHUNK);
    const CHUNK: usize = 64;
    for indices in listed.chunks(CHUNK) {
        std::hint::black_box(people.touch(indices));
        chunk.clear();
        chunk.extend(indices.iter().filter_map(|&i| people.at(i)));
        let first = |s: Option<JStr<'_>>| s.and_then(|s| s.raw.first().copied()).unwrap_or(0);
        let touched = chunk.iter().fold(0u8, |acc, p| {
            acc ^ first(Some(p.key)) ^ first(p.identity) ^ first(p.name)
        });
        std::hint::black_box(touched);
        let bytes = &mut into.bytes;
        into.rows.extend(chunk.iter().map(|p| row(p, now, bytes)));
    }
}

/// Participants by index: a room's as the walk collected them, or those
/// gathered from several rooms.
trait People<'a>: Sync {
    fn count(&self) -> usize;
    fn at(&self, index: usize) -> Option<ParticipantRef<'a>>;
    /// `joinedAt` and `leftAt`, which sorts by time read.
    fn times(&self, index: usize) -> (Option<TsValue<'a>>, Option<TsValue<'a>>) {
        self.at(index).map_or((None, None), |p| (p.joined, p.left))
    }
    /// Brings the rows at `indices` into cache ([`Participants::touch`]).
    fn touch(&self, _indices: &[usize]) -> usize {
        0
    }
}

impl<'a> People<'a> for Participants<'a> {
    fn count(&self) -> usize {
        self.len()
    }
    fn at(&self, index: usize) -> Option<ParticipantRef<'a>> {
        self.get(index)
    }
    fn times(&self, index: usize) -> (Option<TsValue<'a>>, Option<TsValue<'a>>) {
        Participants::times(self, index)
    }
    fn touch(&self, indices: &[usize]) -> usize {
        Participants::touch(self, indices)
    }
}

impl<'a> People<'a> for Vec<ParticipantRef<'a>> {
    fn count(&self) -> usize {
        self.len()
    }
    fn at(&self, index: usize) -> Option<ParticipantRef<'a>> {
        self.get(index).copied()
    }
}

/// The participants of one room to list, in order.
struct Listed<'p, 'a> {
    people: &'p dyn People<'a>,
    listed: Vec<usize>,
    now: i64,
}

impl<'a> RowSource<'a> for Listed<'_, 'a> {
    fn count(&self) -> usize {
        self.listed.len()
    }

    fn build(&self, range: Range<usize>, into: &mut Rows<'a>) {
        build_rows(
            self.people,
            self.listed.get(range).unwrap_or_default(),
            self.now,
            into,
        );
    }
}

/// The indices of the participants to list, in the order to list them (a
/// stable sort: ties keep input order; rows without the value sort last).
fn order(participants: &dyn People<'_>, args: &ParticipantsArgs, now: i64) -> Vec<usize> {
    let pattern = args.matching.as_deref().map(Pattern::new);
    let filtered = args.active || args.left || pattern.is_some();
    let mut listed: Vec<usize> = (0..participants.count())
        .filter(|&i| {
            if !filtered {
                return true;
            }
            let Some(p) = participants.at(i) else {
                return false;
            };
            let status = Status::of(p.joined, p.left, now);
            let by_status = (!args.active || status == Status::Active)
                && (!args.left || status == Status::Left);
            by_status
                && pattern.as_ref().is_none_or(|pattern| {
                    [Some(p.key), p.identity, p.name]
                        .into_iter()
                        .flatten()
                        .any(|text| pattern.matches(&text.decode()))
                })
        })
        .collect();
    let numeric = |i: usize| match args.sort {
        SortKey::Joined => ms(participants.times(i).0),
        SortKey::Left => ms(participants.times(i).1),
        SortKey::Duration => {
            let (joined, left) = participants.times(i);
            stay_of(joined, left, now)
        }
        SortKey::Identity | SortKey::Name => None,
    };
    match args.sort {
        SortKey::Identity => listed.sort_by_cached_key(|&i| {
            let mut text = String::new();
            if let Some(p) = participants.at(i) {
                let (identity, key) = (p.identity.map(|id| id.decode()), p.key.decode());
                push_identity(&mut text, identity.as_deref(), &key, Cow::Borrowed);
            }
            text
        }),
        SortKey::Name => listed.sort_by_cached_key(|&i| {
            let name = participants.at(i).and_then(|p| p.name);
            (name.is_none(), name.map(|n| n.decode().into_owned()))
        }),
        _ => {
            // The value mapped to an order-preserving u64; rows without
            // one sort last.
            listed = by_value(listed, |i| numeric(i).map(|v| (v as u64) ^ (1 << 63)));
        }
    }
    if args.reverse {
        listed.reverse();
    }
    listed
}

/// From this many rows, each half is keyed and sorted on its own thread.
const SORT_HALVES_FROM: usize = 1 << 16;

/// `listed` (ascending rows) in the order of `value`, rows without one
/// last and ties in input order.
///
/// Each row becomes one integer, its value above its index: a stable sort
/// that compares plain integers. A room's values span little of their
/// range (its times lie within days of each other), so the value less the
/// least one and the index mostly fit 64 bits together, found by reading
/// every value once more first (from a row's record, or a copy of the
/// row); otherwise they take 128. What is held at once is the keys and `listed`,
/// whose buffer takes the result.
fn by_value(listed: Vec<usize>, value: impl Fn(usize) -> Option<u64> + Sync) -> Vec<usize> {
    let (low, high) = listed
        .iter()
        .filter_map(|&i| value(i))
        .fold((u64::MAX, 0), |(low, high), v| (low.min(v), high.max(v)));
    let index_bits = listed
        .last()
        .map_or(0, |&i| usize::BITS - i.leading_zeros());
    match narrow_rank(low, high, index_bits) {
        Some(past_all) => {
            let mask = u64::MAX.checked_shr(u64::BITS - index_bits).unwrap_or(0);
            let rank = |i: usize| value(i).map_or(past_all, |v| v - low);
            let key = |i: usize| rank(i).checked_shl(index_bits).unwrap_or(0) | i as u64;
            by_unique_key(listed, key, |&k| (k & mask) as usize)
        }
        _ => {
            let rank = |i: usize| value(i).map_or(u64::MAX, |v| v - low);
            let key = |i: usize| u128::from(rank(i)) << 64 | i as u128;
            by_unique_key(listed, key, |&k| k as u64 as usize)
        }
    }
}

/// The rank of rows without a value (one past the largest distance from
/// `low`) when every rank fits in 64 bits beside `index_bits` of row index.
fn narrow_rank(low: u64, high: u64, index_bits: u32) -> Option<u64> {
    // Values as their distance from the least; rows without one after all.
    let past_all = high
        .checked_sub(low)
        .map_or(Some(0), |span| span.checked_add(1))?;
    (past_all.checked_shr(u64::BITS - index_bits).unwrap_or(0) == 0).then_some(past_all)
}

/// The rows of `listed` ordered by `key`, which holds the row (given back
/// by `row`) so that no two keys are equal and any sort gives one order.
///
/// A large room's halves are sorted on two threads and merged: the sort of
/// a million rows was a tenth of a listing's time, with the other core
/// idle between the walk and the output.
fn by_unique_key<K: Ord + Send>(
    mut listed: Vec<usize>,
    key: impl Fn(usize) -> K + Sync,
    row: impl Fn(&K) -> usize,
) -> Vec<usize> {
    let sorted = |part: &[usize]| {
        let mut keys: Vec<K> = part.iter().map(|&i| key(i)).collect();
        keys.sort_unstable();
        keys
    };
    let half = if listed.len() < SORT_HALVES_FROM {
        listed.len()
    } else {
        listed.len() / 2
    };
    let (a, b) = std::thread::scope(|scope| {
        let (first, second) = listed.split_at(half);
        let helper = (!second.is_empty())
            .then(|| {
                std::thread::Builder::new()
                    .name("sort".into())
                    .spawn_scoped(scope, || sorted(second))
                    .ok()
            })
            .flatten();
        let a = sorted(first);
        // No thread, or one that failed: the half is sorted here.
        let b = helper.and_then(|h| h.join().ok());
        (a, b.unwrap_or_else(|| sorted(second)))
    });
    listed.clear();
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if x < y {
            listed.push(row(x));
            i += 1;
        } else {
            listed.push(row(y));
            j += 1;
        }
    }
    listed.extend(a[i..].iter().chain(&b[j..]).map(row));
    listed
}

/// `--format`, or a table on a terminal and plain columns when piped.
fn format(chosen: Option<ParticipantsFormat>, env: &Env) -> ParticipantsFormat {
    chosen.unwrap_or(if env.stdout_is_terminal {
        ParticipantsFormat::Table
    } else {
        ParticipantsFormat::Plain
    })
}

/// The one place a format meets its sink. `several`: more than one input,
/// so every room of the formats for people gets a heading.
fn sink<'t>(
    format: ParticipantsFormat,
    tf: &'t TimeFormat,
    header: bool,
    args: &ParticipantsArgs,
    env: &Env,
    several: bool,
) -> Box<dyn RowSink + 't> {
    let raw_csv = args.raw_csv;
    let select = (!args.columns.is_empty()).then(|| {
        args.columns
            .iter()
            .filter_map(|name| csv::HEADER.iter().position(|h| h == name))
            .collect()
    });
    let sections = Sections::new(several);
    match format {
        ParticipantsFormat::Table => Box::new(table::Table {
            tf,
            width: args.width.or(env.terminal_width),
            colour: args.input.color.enabled(env, Stream::Stdout),
            held: Held::new(several),
        }),
        ParticipantsFormat::Plain => Box::new(plain::Plain::new(tf, header, several)),
        ParticipantsFormat::Markdown => Box::new(markdown::Markdown { tf, sections }),
        ParticipantsFormat::Json | ParticipantsFormat::Ndjson => Box::new(json::Json {
            tf,
            lines: format == ParticipantsFormat::Ndjson,
            records: 0,
        }),
        ParticipantsFormat::Csv | ParticipantsFormat::Tsv => Box::new(csv::Delimited {
            tf,
            delimiter: if format == ParticipantsFormat::Tsv {
                b'\t'
            } else {
                b','
            },
            header,
            guard: !raw_csv,
            select,
        }),
    }
}

/// Lists every room of every input; `exit` is kept at the code reached so
/// far. Findings about the input go to `err`, as `validate` words them.
pub fn run(
    args: &ParticipantsArgs,
    env: &Env,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    let collect = Collect {
        participants: true,
        ..Collect::NOTHING
    };
    check_columns(args, format(args.format, env))?;
    let listing = Listing::new(
        &args.input,
        &args.time,
        args.rules.rule_set()?,
        collect,
        env,
    )?;
    let several = listing.sources.len() > 1;
    let mut sink = sink(
        format(args.format, env),
        &listing.tf,
        !args.no_header,
        args,
        env,
        several,
    );
    let now = listing.tf.now_ms;
    if args.timeline {
        return timeline(args, env, &listing, out, err, exit);
    }
    sink.start(out)?;
    // Notes of --limit go to stderr after the listing: the walk holds
    // stderr for the rooms' diagnostics meanwhile.
    let mut notes: Vec<u8> = Vec::new();
    // With several rooms, the formats for scripts get every room's rows
    // sorted together: they are gathered, then written in runs of one room.
    // One room alone (one input, nothing after it) is written as it is.
    let format = format(args.format, env);
    let across = !args.per_room
        && matches!(
            format,
            ParticipantsFormat::Plain
                | ParticipantsFormat::Csv
                | ParticipantsFormat::Tsv
                | ParticipantsFormat::Json
                | ParticipantsFormat::Ndjson
        );
    let mut gathered: Option<Gathered> = None;
    listing.walk(args.input.color, env, err, exit, &mut |event| {
        let Event::Room(report, scan) = event else {
            return Ok(());
        };
        let id = scan.id.map(|id| id.decode().into_owned());
        let source = format!("{}#{}", report.origin.file, report.origin.index + 1);
        let listed = limited(
            order(&scan.participants, args, now),
            args.limit,
            &source,
            &mut notes,
        );
        if across && gathered.is_none() && (several || !report.last) {
            gathered = Some(Gathered::default());
            sink.across_rooms();
        }
        if let Some(gathered) = &mut gathered {
            let room = HeldRoom {
                id,
                source,
                file: report.origin.file.to_string(),
                line: report.origin.line,
            };
            gathered.add(room, &scan.participants, &listed);
            return Ok(());
        }
        let rows = Listed {
            people: &scan.participants,
            listed,
            now,
        };
        let room = Room {
            id: id.as_deref(),
            source: &source,
            file: &report.origin.file,
            line: report.origin.line,
            last: report.last,
            rows: &rows,
        };
        sink.room(out, &room)
    })?;
    if let Some(gathered) = &gathered {
        gathered.write(&mut *sink, out, args, now)?;
    }
    sink.finish(out)?;
    let _ = err.write_all(&notes);
    Ok(())
}

/// A text of a gathered participant: where its raw bytes are in the store.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    len: usize,
    escaped: bool,
}

#[derive(Debug, Clone, Copy)]
enum HeldTs {
    Ms(i64),
    Invalid { span: Span, why: Invalid },
}

/// A listed participant of some room, kept after its room's window is
/// gone: its texts are copied into the store as written.
struct HeldParticipant {
    room: usize,
    key: Span,
    identity: Option<Span>,
    name: Option<Span>,
    joined: Option<HeldTs>,
    left: Option<HeldTs>,
}

struct HeldRoom {
    id: Option<String>,
    source: String,
    file: String,
    line: usize,
}

/// Every room's listed participants, for a sort across rooms.
#[derive(Default)]
struct Gathered {
    bytes: Vec<u8>,
    rooms: Vec<HeldRoom>,
    participants: Vec<HeldParticipant>,
}

impl Gathered {
    fn span(&mut self, text: JStr<'_>) -> Span {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(text.raw);
        Span {
            start,
            len: text.raw.len(),
            escaped: text.escaped,
        }
    }

    fn ts(&mut self, value: Option<TsValue<'_>>) -> Option<HeldTs> {
        Some(match value? {
            TsValue::Ms(ms) => HeldTs::Ms(ms),
            TsValue::Invalid { raw, why } => {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(raw);
                let span = Span {
                    start,
                    len: raw.len(),
                    escaped: false,
                };
                HeldTs::Invalid { span, why }
            }
        })
    }

    fn add(&mut self, room: HeldRoom, people: &Participants<'_>, listed: &[usize]) {
        let index = self.rooms.len();
        self.rooms.push(room);
        for p in listed.iter().filter_map(|&i| people.get(i)) {
            let held = HeldParticipant {
                room: index,
                key: self.span(p.key),
                identity: p.identity.map(|t| self.span(t)),
                name: p.name.map(|t| self.span(t)),
                joined: self.ts(p.joined),
                left: self.ts(p.left),
            };
            self.participants.push(held);
        }
    }

    /// The participants again as the walk gave them, over the store.
    fn refs(&self) -> Vec<ParticipantRef<'_>> {
        let text = |s: Span| JStr {
            raw: self.bytes.get(s.start..s.start + s.len).unwrap_or_default(),
            at: 0,
            escaped: s.escaped,
        };
        let ts = |t: Option<HeldTs>| {
            t.map(|t| match t {
                HeldTs::Ms(ms) => TsValue::Ms(ms),
                HeldTs::Invalid { span, why } => TsValue::Invalid {
                    raw: text(span).raw,
                    why,
                },
            })
        };
        self.participants
            .iter()
            .map(|p| ParticipantRef {
                key: text(p.key),
                identity: p.identity.map(text),
                name: p.name.map(text),
                joined: ts(p.joined),
                left: ts(p.left),
                joined_offset: 0,
                joined_len: 0,
                left_offset: 0,
                left_len: 0,
            })
            .collect()
    }

    /// Sorts every room's rows together (ties keep input order) and writes
    /// them in runs of one room.
    fn write(
        &self,
        sink: &mut dyn RowSink,
        out: &mut dyn Write,
        args: &ParticipantsArgs,
        now: i64,
    ) -> Result<(), Error> {
        let all = self.refs();
        let order = order(&all, args, now);
        let mut at = 0;
        while at < order.len() {
            let room = self.participants[order[at]].room;
            let run = order[at..]
                .iter()
                .take_while(|&&i| self.participants[i].room == room)
                .count();
            let rows = Listed {
                people: &all,
                listed: order[at..at + run].to_vec(),
                now,
            };
            at += run;
            let held = &self.rooms[room];
            sink.room(
                out,
                &Room {
                    id: held.id.as_deref(),
                    source: &held.source,
                    file: &held.file,
                    line: held.line,
                    last: at == order.len(),
                    rows: &rows,
                },
            )?;
        }
        Ok(())
    }
}

/// `--columns` names fields of the csv header, and only csv and tsv have
/// them; anything else is a usage error that says what would work.
fn check_columns(args: &ParticipantsArgs, format: ParticipantsFormat) -> Result<(), Error> {
    if args.columns.is_empty() {
        return Ok(());
    }
    if !matches!(format, ParticipantsFormat::Csv | ParticipantsFormat::Tsv) {
        return Err(Error::Usage(
            "--columns applies to --format csv and tsv; give one of those".to_string(),
        ));
    }
    for name in &args.columns {
        if !csv::HEADER.contains(&name.as_str()) {
            let nearest = csv::HEADER
                .iter()
                .max_by(|a, b| {
                    strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b))
                })
                .filter(|h| strsim::jaro_winkler(name, h) > 0.7);
            let hint = nearest.map_or(String::new(), |h| format!("; did you mean {h}?"));
            return Err(Error::Usage(format!(
                "--columns: unknown field {}{hint} (fields: {})",
                crate::term::quoted(name),
                csv::HEADER.join(",")
            )));
        }
    }
    Ok(())
}

/// `--match`: text to find, ignoring case, where `*` stands for any run of
/// characters.
struct Pattern {
    parts: Vec<String>,
}

impl Pattern {
    fn new(text: &str) -> Pattern {
        Pattern {
            parts: text.to_lowercase().split('*').map(str::to_string).collect(),
        }
    }

    /// The parts appear in order, anywhere in `text`.
    fn matches(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        let mut rest = text.as_str();
        for part in &self.parts {
            match rest.find(part.as_str()) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The first `limit` of `listed`; stderr says how many were left out, so
/// a short listing is never mistaken for the whole room.
fn limited(
    mut listed: Vec<usize>,
    limit: Option<usize>,
    source: &str,
    err: &mut dyn Write,
) -> Vec<usize> {
    if let Some(limit) = limit.filter(|l| *l < listed.len()) {
        let _ = writeln!(
            err,
            "room-inspector: {}: showing {limit} of {} participants (--limit {limit})",
            crate::term::sanitize(source),
            listed.len()
        );
        listed.truncate(limit);
    }
    listed
}

/// The bars of the participants at `indices`, in that order.
fn bars<'p, 'a>(
    people: &'p crate::walk::Participants<'a>,
    indices: &'p [usize],
    until: i64,
    now: i64,
) -> impl Iterator<Item = crate::render::timeline::Bar<'a>> + 'p {
    use crate::commands::summary::stay;
    indices
        .iter()
        .filter_map(|&i| people.get(i))
        .map(move |p| crate::render::timeline::Bar {
            label: p.identity.unwrap_or(p.key).decode(),
            stay: stay(&p, until),
            active: Status::of(p.joined, p.left, now) == Status::Active,
        })
}

/// `--timeline`: a bar per participant across the room's span, in the
/// order and number `--sort`, `--active`/`--left` and `--limit` give.
fn timeline(
    args: &ParticipantsArgs,
    env: &Env,
    listing: &Listing,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    use crate::commands::summary::open_until;
    use crate::render::timeline::Timeline;
    use crate::term::Paint;
    let now = listing.tf.now_ms;
    let drawer = Timeline {
        tf: &listing.tf,
        width: usize::from(args.width.or(env.terminal_width).unwrap_or(80)),
        ascii: args.ascii,
        paint: Paint {
            on: args.input.color.enabled(env, Stream::Stdout),
        },
    };
    let mut rooms = 0;
    let mut notes: Vec<u8> = Vec::new();
    listing.walk(args.input.color, env, err, exit, &mut |event| {
        let Event::Room(report, scan) = event else {
            return Ok(());
        };
        let source = format!("{}#{}", report.origin.file, report.origin.index + 1);
        let chosen = limited(
            order(&scan.participants, args, now),
            args.limit,
            &source,
            &mut notes,
        );
        let until = open_until(scan, now);
        // Measured in input order, which reads the text front to back.
        let mut measured = chosen.clone();
        measured.sort_unstable();
        let people = &scan.participants;
        let heading = scan.id.map_or_else(
            || source.clone(),
            |id| format!("{} ({source})", id.decode()),
        );
        if rooms > 0 {
            writeln!(out)?;
        }
        rooms += 1;
        drawer.room(
            out,
            &crate::term::sanitize(&heading),
            bars(people, &measured, until, now),
            bars(people, &chosen, until, now),
        )
    })?;
    let _ = err.write_all(&notes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator: random enough rows, the same on every run.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// Values near each other (64-bit keys) and far apart (128-bit keys)
    /// give the stable order, rows without a value last, on either side of
    /// the size where the halves go to two threads.
    #[test]
    fn rows_are_ordered_by_value_with_ties_in_input_order_and_none_last() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d_u64);
        for spread in [7, 1 << 40, u64::MAX] {
            for len in [0, 1, 5, 1000, SORT_HALVES_FROM + 1] {
                let values: Vec<Option<u64>> = (0..len)
                    .map(|_| {
                        let v = next();
                        (!v.is_multiple_of(5)).then(|| (1 << 63) + (v % spread) / 2)
                    })
                    .collect();
                // Ascending, with gaps, as a filter leaves them.
                let listed: Vec<usize> = (0..len).filter(|i| i % 3 != 1).collect();
                let mut expected = listed.clone();
                expected.sort_by_key(|&i| (values[i].is_none(), values[i]));
                let got = by_value(listed, |i| values[i]);
                assert_eq!(got, expected, "spread {spread}, {len} rows");
            }
        }
    }

    /// Keys are 64 bits while the ranks leave room for the row index.
    #[test]
    fn ranks_are_narrow_while_they_fit_beside_the_index() {
        // No value at all: every row ranks 0.
        assert_eq!(narrow_rank(u64::MAX, 0, 20), Some(0));
        assert_eq!(narrow_rank(100, 100, 20), Some(1));
        // A span of days in ms, a million rows: 64 bits hold both.
        let day = 86_400_000;
        assert_eq!(narrow_rank(5, 5 + 3 * day, 20), Some(3 * day + 1));
        // Ranks up to 2^44 - 1 fit beside 20 bits of index; 2^44 does not.
        assert_eq!(narrow_rank(0, (1 << 44) - 2, 20), Some((1 << 44) - 1));
        assert_eq!(narrow_rank(0, (1 << 44) - 1, 20), None);
        assert_eq!(narrow_rank(0, u64::MAX, 0), None);
        assert_eq!(narrow_rank(0, u64::MAX - 1, 0), Some(u64::MAX));
    }

    /// Halves sorted apart and merged give the order one sort gives, on
    /// either side of the size where the halves go to two threads.
    #[test]
    fn halves_sorted_apart_merge_into_the_one_order() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        for len in [0, 1, 2, 1000, SORT_HALVES_FROM - 1, SORT_HALVES_FROM + 3] {
            // Few distinct values, so ties (broken by the index) abound.
            let values: Vec<u64> = (0..len).map(|_| next() % 97).collect();
            let listed: Vec<usize> = (0..len).rev().collect();
            let key = |i: usize| (u128::from(values[i]) << 64) | i as u128;
            let mut expected = listed.clone();
            expected.sort_by_key(|&i| (values[i], i));
            let got = by_unique_key(listed.clone(), key, |&k| k as u64 as usize);
            assert_eq!(got, expected, "{len} rows");
        }
    }
}
