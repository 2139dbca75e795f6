//! `diff OLD NEW`: what changed between two snapshots of rooms. Rooms are
//! matched by ID (rooms without one, by their place in the input), and
//! participants by their key in the participants map, as the service keys
//! them. Exit codes are `diff(1)`'s: 0 the same, 1 different, 2 trouble.
//!
//! Memory: the smaller input (by size on disk; standard input counts as
//! the larger, its size being unknown) is held as an index of owned
//! snapshots, and the other is streamed against it a room at a time, so
//! a large stream is never held whole.

use std::collections::HashMap;
use std::io::Write;
use std::sync::OnceLock;

use crate::cli::{DiffArgs, DiffFormat};
use crate::commands::listing::Listing;
use crate::input::{self, RoomReport, Source};
use crate::render::diff::{DiffSink, json, text};
use crate::walk::{Collect, TsValue, WalkedRoom};
use crate::{Error, Exit};

/// A field's value as the diff shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// The field is not there.
    Missing,
    Text(String),
    /// A timestamp in range, in ms.
    Ms(i64),
    Bool(bool),
    Count(usize),
    /// A value of the wrong type or out of range, as written.
    Raw(String),
}

/// What a participant is, for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub identity: Option<String>,
    pub name: Option<String>,
    pub joined: Value,
    pub left: Value,
    pub tracks: usize,
}

impl Person {
    fn fields(&self) -> [(&'static str, Value); 5] {
        let text = |t: &Option<String>| t.clone().map_or(Value::Missing, Value::Text);
        [
            ("identity", text(&self.identity)),
            ("name", text(&self.name)),
            ("joinedAt", self.joined.clone()),
            ("leftAt", self.left.clone()),
            ("tracksPublished", Value::Count(self.tracks)),
        ]
    }
}

/// One room, owned, as much as the diff compares.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The ID, or `#n` (the room's place in its input, from 1).
    pub label: String,
    pub fields: Vec<(&'static str, Value)>,
    /// By key; of a repeated key the last, as a JSON reader keeps it.
    pub participants: People,
}

/// Where a text of [`People`] is in its buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

/// A timestamp as [`People`] holds it: a raw value is text in the buffer.
#[derive(Debug, Clone, Copy)]
enum Ts {
    Missing,
    Ms(i64),
    Raw(Span),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Span,
    identity: Option<Span>,
    name: Option<Span>,
    joined: Ts,
    left: Ts,
    tracks: u32,
}

/// A room's participants, owned: every text in one buffer and an index by
/// key, so a million participants cost a few allocations, not millions,
/// and comparing two rooms reads memory mostly in order.
#[derive(Debug, Clone)]
pub struct People {
    text: String,
    entries: Vec<Entry>,
    /// The hash of each entry's key.
    hashes: Vec<u64>,
    /// Built for the side whose keys are looked up (NEW): the other side is
    /// only read in order.
    index: OnceLock<KeyIndex>,
    hasher: std::hash::RandomState,
}

/// The hash of a key, to the last entry with that hash; `chain` links the
/// others. The key is a hash already, so the map does not hash it again.
#[derive(Debug, Clone, Default)]
struct KeyIndex {
    heads: HashMap<u64, u32, std::hash::BuildHasherDefault<Hashed>>,
    chain: Vec<u32>,
}

const END: u32 = u32::MAX;

/// Whether two of `hashes` are equal: the few that share a slot of the
/// walk's bitset are sorted and compared, not all of them.
fn any_repeated(hashes: &[u64]) -> bool {
    crate::walk::repeated_by(hashes, |&hash| hash)
        .windows(2)
        .any(|pair| pair[0] == pair[1])
}

/// The hasher of a map whose keys are hashes: it takes them as they are.
#[derive(Default)]
struct Hashed(u64);

impl std::hash::Hasher for Hashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; anything else is folded in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl People {
    fn with_capacity(n: usize) -> People {
        People {
            text: String::new(),
            entries: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            index: OnceLock::new(),
            hasher: std::hash::RandomState::new(),
        }
    }

    /// How many participants (keys) the room has.
    pub fn count(&self) -> usize {
        self.entries.len()
    }

    fn str(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.text
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }

    fn push_text(&mut self, text: &str) -> Span {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        Span {
            start,
            len: u32::try_from(text.len()).unwrap_or(0),
        }
    }

    /// The index by key, built the first time it is needed.
    fn index(&self) -> &KeyIndex {
        self.index.get_or_init(|| {
            let mut index = KeyIndex {
                heads: HashMap::with_capacity_and_hasher(self.hashes.len(), Default::default()),
                chain: Vec::with_capacity(self.hashes.len()),
            };
            for (i, &hash) in self.hashes.iter().enumerate() {
                let i = u32::try_from(i).unwrap_or(END);
                index.chain.push(index.heads.insert(hash, i).unwrap_or(END));
            }
            index
        })
    }

    fn find(&self, key: &str) -> Option<usize> {
        let hash = std::hash::BuildHasher::hash_one(&self.hasher, key);
        let index = self.index();
        let mut at = *index.heads.get(&hash)?;
        while at != END {
            let i = at as usize;
            if self.str(self.entries[i].key) == key {
                return Some(i);
            }
            at = index.chain[i];
        }
        None
    }

    /// Adds a participant. `entry` is given the span of the key, pushed
    /// first. A repeated key is settled by [`People::settle`].
    fn push(&mut self, key: &str, entry: impl FnOnce(&mut People, Span) -> Entry) {
        let key_span = self.push_text(key);
        let mut entry = entry(self, key_span);
        entry.key = key_span;
        self.hashes
            .push(std::hash::BuildHasher::hash_one(&self.hasher, key));
        self.entries.push(entry);
    }

    /// Of a key given more than once the last value is kept, where the key
    /// was first, as a JSON reader keeps it. Keys are unique in all but
    /// broken rooms: a bitset of the hashes says so in one pass, and only
    /// then are keys compared.
    fn settle(&mut self) {
        if !any_repeated(&self.hashes) {
            return;
        }
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(self.entries.len());
        let mut kept = vec![true; self.entries.len()];
        let mut moves = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            match first.entry(self.str(e.key)) {
                std::collections::hash_map::Entry::Occupied(seen) => {
                    moves.push((*seen.get(), i));
                    kept[i] = false;
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        drop(first);
        if moves.is_empty() {
            return;
        }
        for (to, from) in moves {
            self.entries[to] = self.entries[from];
        }
        let mut keep = kept.iter();
        self.entries
            .retain(|_| keep.next().copied().unwrap_or(true));
        let mut keep = kept.iter();
        self.hashes.retain(|_| keep.next().copied().unwrap_or(true));
    }

    fn value(&self, ts: Ts) -> Value {
        match ts {
            Ts::Missing => Value::Missing,
            Ts::Ms(ms) => Value::Ms(ms),
            Ts::Raw(span) => Value::Raw(self.str(span).to_string()),
        }
    }

    fn person(&self, e: &Entry) -> Person {
        Person {
            identity: e.identity.map(|s| self.str(s).to_string()),
            name: e.name.map(|s| self.str(s).to_string()),
            joined: self.value(e.joined),
            left: self.value(e.left),
            tracks: e.tracks as usize,
        }
    }

    /// Whether entry `a` of `self` and entry `b` of `other`, matched by
    /// key, say the same. Texts are compared only where they can differ:
    /// this runs for every participant of both rooms.
    fn same(&self, a: &Entry, other: &People, b: &Entry) -> bool {
        let text = |x: Option<Span>, y: Option<Span>| match (x, y) {
            (None, None) => true,
            (Some(x), Some(y)) => self.str(x) == other.str(y),
            _ => false,
        };
        let ts = |x: Ts, y: Ts| match (x, y) {
            (Ts::Missing, Ts::Missing) => true,
            (Ts::Ms(x), Ts::Ms(y)) => x == y,
            (Ts::Raw(x), Ts::Raw(y)) => self.str(x) == other.str(y),
            _ => false,
        };
        // An identity that is its key's own text equals the other's when
        // that is its key's too: the keys matched.
        let identity = match (a.identity, b.identity) {
            (Some(x), Some(y)) if x == a.key && y == b.key => true,
            (x, y) => text(x, y),
        };
        a.tracks == b.tracks
            && ts(a.joined, b.joined)
            && ts(a.left, b.left)
            && text(a.name, b.name)
            && identity
    }
}

/// One line of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    RoomAdded {
        room: String,
        participants: usize,
    },
    RoomRemoved {
        room: String,
        participants: usize,
    },
    RoomField {
        room: String,
        field: &'static str,
        old: Value,
        new: Value,
    },
    Joined {
        room: String,
        key: String,
        person: Person,
    },
    Gone {
        room: String,
        key: String,
        person: Person,
    },
    Field {
        room: String,
        key: String,
        /// The identity, when it is not the key: the participant is
        /// matched by key, and the reader should know the two differ.
        identity: Option<String>,
        field: &'static str,
        old: Value,
        new: Value,
    },
}

fn ts(people: &mut People, value: Option<TsValue<'_>>) -> Ts {
    match value {
        None => Ts::Missing,
        Some(TsValue::Ms(ms)) => Ts::Ms(ms),
        Some(TsValue::Invalid { raw, .. }) => {
            Ts::Raw(people.push_text(&String::from_utf8_lossy(raw)))
        }
    }
}

pub fn snapshot(report: &RoomReport<'_>, room: &WalkedRoom<'_>) -> Snapshot {
    let label = room.id.map_or_else(
        || format!("#{}", report.origin.index + 1),
        |id| id.decode().into_owned(),
    );
    let stamp = |s: Option<crate::walk::Stamp>| s.map_or(Value::Missing, |s| Value::Ms(s.ms));
    let fields = vec![
        ("createdAt", stamp(room.created_at)),
        ("updatedAt", stamp(room.updated_at)),
        (
            "deleted",
            room.deleted
                .map_or(Value::Missing, |d| Value::Bool(d.value)),
        ),
        ("deletedAt", stamp(room.deleted_at)),
        (
            "egressId",
            room.egress_id
                .map_or(Value::Missing, |e| Value::Text(e.decode().into_owned())),
        ),
        ("events", Value::Count(room.events.len())),
    ];
    // Tracks are collected in walk order, inside their participant, and
    // name it by the same bytes of the input: counted in one merge.
    let mut tracks = room.tracks.iter().peekable();
    let mut participants = People::with_capacity(room.participants.len());
    for p in &room.participants {
        let mut count = 0usize;
        while tracks
            .next_if(|t| std::ptr::eq(t.participant.raw, p.key.raw))
            .is_some()
        {
            count += 1;
        }
        let tracks = count;
        participants.push(&p.key.decode(), |people, key| {
            let text = |people: &mut People, s: Option<crate::json::lexer::JStr<'_>>| {
                s.map(|s| people.push_text(&s.decode()))
            };
            // The identity is nearly always the key, whose text is pushed
            // first: it is not copied again.
            let identity = match p.identity {
                Some(identity) if identity.raw == p.key.raw => Some(key),
                other => text(people, other),
            };
            let name = text(people, p.name);
            let joined = ts(people, p.joined);
            let left = ts(people, p.left);
            Entry {
                key: Span { start: 0, len: 0 },
                identity,
                name,
                joined,
                left,
                tracks: u32::try_from(tracks).unwrap_or(u32::MAX),
            }
        });
    }
    participants.settle();
    Snapshot {
        label,
        fields,
        participants,
    }
}

/// The changes from `old` to `new`, room fields first, then participants
/// in key order.
pub fn compare(old: &Snapshot, new: &Snapshot, changes: &mut Vec<Change>) {
    let room = &new.label;
    for ((field, a), (_, b)) in old.fields.iter().zip(&new.fields) {
        if a != b {
            changes.push(Change::RoomField {
                room: room.clone(),
                field,
                old: a.clone(),
                new: b.clone(),
            });
        }
    }
    // Matched by hash, not by sorting a million keys: only the changes,
    // a few, are put in key order. What is gone or changed comes first,
    // then who joined.
    let (was, now) = (&old.participants, &new.participants);
    let mut changed: Vec<(&str, Change)> = Vec::new();
    // Who in NEW was matched: the rest joined.
    let mut matched = vec![false; now.entries.len()];
    // Two fetches of a room list it in much the same order: the entry
    // after the last one matched is tried first, which reads both rooms
    // in order. Keys are unique in `People`, so that match is the match.
    let mut next = 0;
    for e in &was.entries {
        let key = was.str(e.key);
        let found = match now.entries.get(next) {
            Some(n) if now.str(n.key) == key => Some(next),
            _ => now.find(key),
        };
        if let Some(i) = found {
            next = i + 1;
        }
        if let Some(i) = found {
            matched[i] = true;
        }
        match found {
            None => changed.push((
                key,
                Change::Gone {
                    room: room.clone(),
                    key: key.to_string(),
                    person: was.person(e),
                },
            )),
            // Most participants are unchanged: nothing to build for them.
            Some(i) if was.same(e, now, &now.entries[i]) => {}
            Some(i) => {
                let (before, after) = (was.person(e), now.person(&now.entries[i]));
                let identity = after
                    .identity
                    .clone()
                    .or_else(|| before.identity.clone())
                    .filter(|id| id != key);
                for ((field, a), (_, b)) in before.fields().into_iter().zip(after.fields()) {
                    if a != b {
                        changed.push((
                            key,
                            Change::Field {
                                room: room.clone(),
                                key: key.to_string(),
                                identity: identity.clone(),
                                field,
                                old: a,
                                new: b,
                            },
                        ));
                    }
                }
            }
        }
    }
    // Stable: a participant's fields stay in their order.
    changed.sort_by(|a, b| a.0.cmp(b.0));
    let mut joined: Vec<(&str, Change)> = now
        .entries
        .iter()
        .zip(&matched)
        .filter(|(_, matched)| !**matched)
        .map(|(e, _)| {
            let key = now.str(e.key);
            let change = Change::Joined {
                room: room.clone(),
                key: key.to_string(),
                person: now.person(e),
            };
            (key, change)
        })
        .collect();
    joined.sort_by(|a, b| a.0.cmp(b.0));
    changes.extend(changed.into_iter().chain(joined).map(|(_, c)| c));
}

/// The rooms of one input, held: in input order, and by label (the first
/// room of a label wins; a later one with the same label is compared as a
/// room of its own).
#[derive(Default)]
struct Index {
    rooms: Vec<Option<Snapshot>>,
    by_label: HashMap<String, usize>,
}

impl Index {
    fn take(&mut self, label: &str) -> Option<Snapshot> {
        let i = self.by_label.remove(label)?;
        self.rooms.get_mut(i).and_then(Option::take)
    }
}

/// Size on disk, or `None` for standard input and what cannot be read.
fn size(source: &Source) -> Option<u64> {
    match source {
        Source::Stdin | Source::Unreadable { .. } => None,
        Source::Path(path) => std::fs::metadata(path).ok().map(|m| m.len()),
    }
}

/// Reads every room of `source`, handing each one's snapshot to `each`.
/// An input that is not readable, or holds text that is not JSON or a
/// value that is not a room, is trouble: a diff of it would be a guess.
fn read(
    source: &Source,
    listing: &Listing,
    err: &mut dyn Write,
    exit: &mut Exit,
    each: &mut dyn FnMut(Snapshot) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut sink = |report: RoomReport<'_>| -> Result<(), Error> {
        let syntax = report
            .diagnostics
            .iter()
            .any(|d| d.rule == crate::rules::Rule::Syntax || d.rule == crate::rules::Rule::NoRoom);
        match report.walked.as_ref().filter(|w| w.is_object && !syntax) {
            Some(room) => each(snapshot(&report, room)),
            None => {
                let first = report.diagnostics.first();
                let _ = match first {
                    Some(d) => writeln!(
                        err,
                        "room-inspector: {}:{}:{}: {} (run validate for details)",
                        crate::term::sanitize(&report.origin.file),
                        d.line,
                        d.column,
                        d.message
                    ),
                    None => writeln!(
                        err,
                        "room-inspector: {}: not a room",
                        crate::term::sanitize(&report.origin.file)
                    ),
                };
                *exit = exit.worst(Exit::Usage);
                Ok(())
            }
        }
    };
    match input::for_each_room(source, &listing.opts, &mut sink) {
        Ok(()) => Ok(()),
        Err(e @ Error::Write(_)) => Err(e),
        Err(e) => {
            let _ = writeln!(err, "room-inspector: {e}");
            *exit = exit.worst(Exit::Usage);
            Ok(())
        }
    }
}

fn sink<'t>(format: DiffFormat, tf: &'t crate::time::TimeFormat) -> Box<dyn DiffSink + 't> {
    match format {
        DiffFormat::Text => Box::new(text::Text { tf }),
        DiffFormat::Json => Box::new(json::Json::new(tf)),
    }
}

pub fn run(
    args: &DiffArgs,
    env: &crate::term::Env,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    let collect = Collect {
        participants: true,
        events: true,
        tracks: true,
        ..Collect::NOTHING
    };
    for (side, path) in [("OLD", &args.old), ("NEW", &args.new)] {
        if std::path::Path::new(path).is_dir() {
            return Err(Error::Usage(format!(
                "{side} ({}) is a directory: diff compares two files (or two streams of rooms)",
                crate::term::sanitize(&path.to_string_lossy())
            )));
        }
    }
    let input = crate::cli::InputArgs {
        glob: Vec::new(),
        files: vec![args.old.clone(), args.new.clone()],
        color: args.color,
        now: args.now,
    };
    let mut listing = Listing::new(
        &input,
        &args.time,
        crate::rules::RuleSet::default(),
        collect,
        env,
    )?;
    // The two sides are walked on two threads already.
    listing.opts.split = crate::walk::Split::Never;
    let [old_source, new_source] = [&listing.sources[0], &listing.sources[1]];
    // Hold the smaller side; stream the other.
    let hold_new = match (size(old_source), size(new_source)) {
        (Some(old), Some(new)) => new < old,
        (None, _) => true,
        (_, None) => false,
    };
    let (held_source, streamed_source) = if hold_new {
        (new_source, old_source)
    } else {
        (old_source, new_source)
    };
    let mut sink = sink(args.format, &listing.tf);
    let mut held = Index::default();
    let mut changes = Vec::new();
    // Each room of the streamed side, compared with its held twin.
    let mut compare_streamed = |streamed: Snapshot,
                                held: &mut Index,
                                sink: &mut dyn DiffSink,
                                out: &mut dyn Write,
                                exit: &mut Exit|
     -> Result<(), Error> {
        changes.clear();
        match held.take(&streamed.label) {
            Some(twin) => {
                let (old, new) = if hold_new {
                    (&streamed, &twin)
                } else {
                    (&twin, &streamed)
                };
                compare(old, new, &mut changes);
            }
            None => changes.push(alone(streamed, !hold_new)),
        }
        if !changes.is_empty() {
            // Said at once: a reader that goes away early still gets
            // `diff(1)`'s answer.
            *exit = exit.worst(Exit::Invalid);
        }
        for change in &changes {
            sink.change(out, change)?;
        }
        Ok(())
    };
    let hold = |snap: Snapshot, held: &mut Index| {
        if hold_new {
            snap.participants.index();
        }
        held.by_label
            .entry(snap.label.clone())
            .or_insert(held.rooms.len());
        held.rooms.push(Some(snap));
        Ok(())
    };
    let streamed_exit = if size(streamed_source).is_some_and(|len| len < ONE_THREAD_BELOW) {
        // Both sides are small (the held one is the smaller): a second
        // thread would cost more than it saves.
        read(held_source, &listing, err, exit, &mut |snap| {
            hold(snap, &mut held)
        })?;
        sink.start(out)?;
        // What it says goes straight to stderr, and its exit code (2
        // with anything said) is taken in below.
        let mut streamed_exit = Exit::Ok;
        read(
            streamed_source,
            &listing,
            err,
            &mut streamed_exit,
            &mut |snap| {
                if !hold_new {
                    snap.participants.index();
                }
                compare_streamed(snap, &mut held, &mut *sink, out, exit)
            },
        )?;
        streamed_exit
    } else {
        // The streamed side is read on a second thread while this one
        // reads the held side: a room of each is walked at once. Its
        // snapshots and what it says on stderr come across one at a time,
        // in order, so memory stays that of the held side.
        std::thread::scope(|scope| -> Result<Exit, Error> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Streamed>(1);
            let listing = &listing;
            let streamer = scope.spawn(move || {
                let mut said = Said {
                    tx: &tx,
                    line: Vec::new(),
                };
                let mut streamed_exit = Exit::Ok;
                let gone = || Error::Write(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
                let read = read(
                    streamed_source,
                    listing,
                    &mut said,
                    &mut streamed_exit,
                    &mut |snap| {
                        if !hold_new {
                            // NEW's keys are looked up: indexed on this thread.
                            snap.participants.index();
                        }
                        tx.send(Streamed::Room(snap)).map_err(|_| gone())
                    },
                );
                let _ = said.flush();
                (read, streamed_exit)
            });
            read(held_source, listing, err, exit, &mut |snap| {
                hold(snap, &mut held)
            })?;
            sink.start(out)?;
            // An early return drops `rx`, which ends the reader's next send.
            for streamed in rx.iter() {
                match streamed {
                    Streamed::Room(snap) => {
                        compare_streamed(snap, &mut held, &mut *sink, out, exit)?
                    }
                    Streamed::Said(text) => {
                        let _ = err.write_all(&text);
                        *exit = exit.worst(Exit::Usage);
                    }
                }
            }
            let (read, streamed_exit) = match streamer.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            read.map(|()| streamed_exit)
        })?
    };
    *exit = exit.worst(streamed_exit);
    for held in held.rooms.into_iter().flatten() {
        *exit = exit.worst(Exit::Invalid);
        sink.change(out, &alone(held, hold_new))?;
    }
    sink.finish(out)?;
    Ok(())
}

/// Below this size the streamed side is read after the held one, on the
/// same thread.
const ONE_THREAD_BELOW: u64 = 256 << 10;

/// What the reader of the streamed side hands over, in input order.
enum Streamed {
    Room(Snapshot),
    /// Lines for stderr (a room that could not be compared).
    Said(Vec<u8>),
}

/// The streamed side's stderr: each line crosses to the writing thread as
/// it is written.
struct Said<'c> {
    tx: &'c std::sync::mpsc::SyncSender<Streamed>,
    line: Vec<u8>,
}

impl Write for Said<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(buf);
        if buf.contains(&b'\n') {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.tx
                .send(Streamed::Said(line))
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        }
        Ok(())
    }
}

/// A room only one side has: added when that side is NEW.
fn alone(snap: Snapshot, in_new: bool) -> Change {
    let (room, participants) = (snap.label, snap.participants.count());
    if in_new {
        Change::RoomAdded { room, participants }
    } else {
        Change::RoomRemoved { room, participants }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(keys: &[(&str, &str)]) -> People {
        let mut people = People::with_capacity(keys.len());
        for &(key, name) in keys {
            people.push(key, |people, key| Entry {
                key,
                identity: None,
                name: Some(people.push_text(name)),
                joined: Ts::Missing,
                left: Ts::Missing,
                tracks: 0,
            });
        }
        people.settle();
        people
    }

    fn names(people: &People) -> Vec<(String, String)> {
        people
            .entries
            .iter()
            .map(|e| {
                let name = e.name.map(|s| people.str(s)).unwrap_or_default();
                (people.str(e.key).to_string(), name.to_string())
            })
            .collect()
    }

    /// One participant, keyed "k": its identity (`Some("k")` is the key's
    /// own text, `Some("k*")` the text "k" written apart), name and
    /// joinedAt (`Err` a raw value).
    fn one(
        identity: Option<&str>,
        name: Option<&str>,
        joined: Option<Result<i64, &str>>,
    ) -> People {
        let mut people = People::with_capacity(1);
        people.push("k", |people, key| {
            let identity = match identity {
                Some("k") => Some(key),
                Some("k*") => Some(people.push_text("k")),
                other => other.map(|t| people.push_text(t)),
            };
            let name = name.map(|t| people.push_text(t));
            let joined = match joined {
                None => Ts::Missing,
                Some(Ok(ms)) => Ts::Ms(ms),
                Some(Err(raw)) => Ts::Raw(people.push_text(raw)),
            };
            Entry {
                key,
                identity,
                name,
                joined,
                left: Ts::Missing,
                tracks: 0,
            }
        });
        people
    }

    #[test]
    fn two_participants_are_the_same_only_when_every_field_is() {
        let same = |a: &People, b: &People| a.same(&a.entries[0], b, &b.entries[0]);
        let base = one(Some("k"), Some("N"), Some(Ok(5)));
        assert!(same(&base, &one(Some("k"), Some("N"), Some(Ok(5)))));
        let none = one(None, None, None);
        assert!(same(&none, &one(None, None, None)));
        let raw = one(Some("k"), Some("N"), Some(Err("\"x\"")));
        assert!(same(&raw, &one(Some("k"), Some("N"), Some(Err("\"x\"")))));
        // An identity written apart from the key, with the same text.
        let apart = one(Some("k*"), Some("N"), Some(Ok(5)));
        assert!(same(&base, &apart) && same(&apart, &base));
        for other in [
            one(Some("k"), Some("N"), Some(Ok(6))),
            one(Some("k"), Some("N"), None),
            one(Some("k"), Some("N"), Some(Err("5"))),
            one(Some("k"), Some("M"), Some(Ok(5))),
            one(Some("k"), None, Some(Ok(5))),
            one(Some("j"), Some("N"), Some(Ok(5))),
            one(None, Some("N"), Some(Ok(5))),
        ] {
            assert!(!same(&base, &other), "{:?}", other.entries[0]);
            assert!(!same(&other, &base), "{:?}", other.entries[0]);
        }
        assert!(!same(&raw, &one(Some("k"), Some("N"), Some(Err("\"y\"")))));
    }

    #[test]
    fn distinct_hashes_are_told_apart_from_a_repeated_one() {
        assert!(!any_repeated(&[]));
        assert!(!any_repeated(&[7]));
        let hasher = std::hash::RandomState::new();
        let mut hashes: Vec<u64> = (0..200_000)
            .map(|i| std::hash::BuildHasher::hash_one(&hasher, format!("user-{i}")))
            .collect();
        // Many slots of the bitset are hit twice; no hash is. Only those
        // few are sorted: the bitset must leave out nearly all.
        assert!(!any_repeated(&hashes));
        let few = crate::walk::repeated_by(&hashes, |&hash| hash).len();
        assert!(few > 0 && few < hashes.len() / 10, "{few} suspects");
        hashes.push(hashes[123_456]);
        assert!(any_repeated(&hashes));
        assert!(any_repeated(&[5, 5]));
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_its_last_value() {
        let p = people(&[
            ("a", "A1"),
            ("b", "B1"),
            ("a", "A2"),
            ("c", "C"),
            ("b", "B2"),
        ]);
        let expected = [("a", "A2"), ("b", "B2"), ("c", "C")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, n)| (k.to_string(), n.to_string()))
            .collect();
        assert_eq!(names(&p), expected);
        assert_eq!(p.count(), 3);
        assert_eq!(p.hashes.len(), 3);
        assert_eq!(
            ["a", "b", "c", "d"].map(|k| p.find(k)),
            [Some(0), Some(1), Some(2), None]
        );
        let unique = people(&[("x", "X"), ("y", "Y")]);
        assert_eq!(unique.count(), 2);
        assert_eq!((unique.find("y"), unique.find("z")), (Some(1), None));
    }
}
