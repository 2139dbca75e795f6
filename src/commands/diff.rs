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
    pub participants: HashMap<String, Person>,
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

fn ts(value: Option<TsValue<'_>>) -> Value {
    match value {
        None => Value::Missing,
        Some(TsValue::Ms(ms)) => Value::Ms(ms),
        Some(TsValue::Invalid { raw, .. }) => Value::Raw(String::from_utf8_lossy(raw).into_owned()),
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
        ("deleted", room.deleted.map_or(Value::Missing, Value::Bool)),
        ("deletedAt", stamp(room.deleted_at)),
        (
            "egressId",
            room.egress_id
                .map_or(Value::Missing, |e| Value::Text(e.decode().into_owned())),
        ),
        ("events", Value::Count(room.events.len())),
    ];
    let mut tracks: HashMap<&[u8], usize> = HashMap::new();
    for track in &room.tracks {
        *tracks.entry(track.participant.raw).or_default() += 1;
    }
    let mut participants = HashMap::with_capacity(room.participants.len());
    participants.extend(room.participants.iter().map(|p| {
        let decode = |s: Option<crate::json::lexer::JStr<'_>>| s.map(|s| s.decode().into_owned());
        let person = Person {
            identity: decode(p.identity),
            name: decode(p.name),
            joined: ts(p.joined),
            left: ts(p.left),
            tracks: tracks.get(p.key.raw).copied().unwrap_or(0),
        };
        (p.key.decode().into_owned(), person)
    }));
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
    let mut changed: Vec<(&str, Change)> = Vec::new();
    for (key, before) in &old.participants {
        match new.participants.get(key) {
            None => changed.push((
                key,
                Change::Gone {
                    room: room.clone(),
                    key: key.clone(),
                    person: before.clone(),
                },
            )),
            // Most participants are unchanged: nothing to build for them.
            Some(after) if after == before => {}
            Some(after) => {
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
                                key: key.clone(),
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
    let mut joined: Vec<(&str, Change)> = new
        .participants
        .iter()
        .filter(|(key, _)| !old.participants.contains_key(*key))
        .map(|(key, after)| {
            let change = Change::Joined {
                room: room.clone(),
                key: key.clone(),
                person: after.clone(),
            };
            (key.as_str(), change)
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
        Source::Stdin => None,
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
    let input = crate::cli::InputArgs {
        files: vec![args.old.clone(), args.new.clone()],
        color: args.color,
        now: args.now,
    };
    let listing = Listing::new(&input, &args.time, false, collect, env)?;
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
    let mut index = Index::default();
    read(held_source, &listing, err, exit, &mut |snap| {
        index
            .by_label
            .entry(snap.label.clone())
            .or_insert(index.rooms.len());
        index.rooms.push(Some(snap));
        Ok(())
    })?;
    let mut sink = sink(args.format, &listing.tf);
    let mut differ = false;
    let mut changes = Vec::new();
    sink.start(out)?;
    read(streamed_source, &listing, err, exit, &mut |streamed| {
        changes.clear();
        match index.take(&streamed.label) {
            Some(held) => {
                let (old, new) = if hold_new {
                    (&streamed, &held)
                } else {
                    (&held, &streamed)
                };
                compare(old, new, &mut changes);
            }
            None => changes.push(alone(streamed, !hold_new)),
        }
        differ |= !changes.is_empty();
        for change in &changes {
            sink.change(out, change)?;
        }
        Ok(())
    })?;
    for held in index.rooms.into_iter().flatten() {
        differ = true;
        sink.change(out, &alone(held, hold_new))?;
    }
    sink.finish(out)?;
    if differ {
        *exit = exit.worst(Exit::Invalid);
    }
    Ok(())
}

/// A room only one side has: added when that side is NEW.
fn alone(snap: Snapshot, in_new: bool) -> Change {
    let (room, participants) = (snap.label, snap.participants.len());
    if in_new {
        Change::RoomAdded { room, participants }
    } else {
        Change::RoomRemoved { room, participants }
    }
}
