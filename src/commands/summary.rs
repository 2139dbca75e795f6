//! `summary`: what happened in each room, in one block: its life so far,
//! how many came, how many were there at once and when, who stayed
//! longest, the admin-view extras, and whether the room is valid. This
//! file computes the answers from what the walk collects; the formats are
//! in `render::summary`.
//!
//! Stays are the `participants` command's durations: until `leftAt`, or
//! until `--now` for someone with none (until `deletedAt`, if the room was
//! deleted earlier: nobody stays in a room that is gone). `leftAt` is an upper bound
//! upstream (the service stamps it on everyone still listed at each leave
//! event), so the peak is one too.

use std::collections::BTreeMap;
use std::io::Write;

use crate::cli::{SummaryArgs, SummaryFormat};
use crate::commands::listing::Listing;
use crate::input::{self, RoomReport};
use crate::render::participants::{Status, ms};
use crate::render::report::ReportSink;
use crate::render::report::human::Human;
use crate::render::summary::{SummarySink, json, markdown, text};
use crate::term::{Env, Paint, Stream};
use crate::walk::{Collect, ParticipantRef, TsValue, WalkedRoom, participant_at};
use crate::{Error, Exit};

/// One room's answers. Texts are decoded but not escaped: each format
/// escapes for its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSummary {
    pub id: Option<String>,
    pub file: String,
    /// The room's place in its input, from 0, and the line it starts on.
    pub index: usize,
    pub line: usize,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub deleted_at: Option<i64>,
    /// From `createdAt` to `deletedAt`, or to now while the room lives.
    pub lifetime_ms: Option<i64>,
    pub people: People,
    pub peak: Option<Peak>,
    pub stays: Option<Stays>,
    pub events: Vec<EventCount>,
    pub egress_id: Option<String>,
    /// Published tracks by MIME type, most common first.
    pub tracks: Vec<(String, usize)>,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct People {
    pub total: usize,
    pub active: usize,
    pub left: usize,
    /// No stay that can be measured (no usable `joinedAt`, a `leftAt`
    /// that is not a time or before `joinedAt`, a join after now): they
    /// count in the total only.
    pub without_timestamps: usize,
}

/// The largest number present at once, and when that first happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peak {
    pub count: usize,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stays {
    pub total_ms: i64,
    /// Of an even count, the lower of the two middle stays: a stay someone
    /// had, not an average of two.
    pub median_ms: i64,
    pub longest_ms: i64,
    /// The identity (or key) of who stayed longest; the first in input
    /// order on a tie.
    pub longest_who: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCount {
    pub name: String,
    pub count: usize,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// Until when a stay with no `leftAt` runs: now, or when the room was
/// deleted if that came first.
pub fn open_until(room: &WalkedRoom<'_>, now: i64) -> i64 {
    room.deleted_at.map_or(now, |d| d.ms.min(now))
}

/// A participant's stay as an interval of ms, or `None` when it has no
/// start, or ends before it starts (which `validate` reports).
pub fn stay(p: &ParticipantRef<'_>, now: i64) -> Option<(i64, i64)> {
    stay_between(p.joined, p.left, now)
}

fn stay_between(
    joined: Option<TsValue<'_>>,
    left: Option<TsValue<'_>>,
    now: i64,
) -> Option<(i64, i64)> {
    let joined = ms(joined)?;
    let end = match left {
        None => now,
        Some(TsValue::Ms(left)) => left,
        // A leftAt that is not a time: when the stay ended is unknown.
        Some(TsValue::Invalid { .. }) => return None,
    };
    (end >= joined).then_some((joined, end))
}

/// The peak of concurrency over closed intervals, in O(n log n).
///
/// At an instant where one stay ends and another starts, the one that
/// ends has gone: `[a, b]` and `[b, c]` count as one at `b`. A stay of no
/// length still counts at its instant. So at one instant the sweep takes
/// the ends of stays with a length first, then the starts, then the ends
/// of stays without one.
pub fn peak(stays: &[(i64, i64)]) -> Option<Peak> {
    let mut sweep = Sweep::with_capacity(stays.len());
    for &(start, end) in stays {
        sweep.push(start, end);
    }
    sweep.peak()
}

/// The bounds of stays as one integer each: the instant above its kind,
/// so the sort moves and compares 8 bytes, not a 16-byte pair. Instants
/// are stay bounds in range, 0 ..= year 9999 in ms: they fit in 62 bits.
struct Sweep(Vec<u64>);

impl Sweep {
    const END: u8 = 0;
    const START: u8 = 1;
    const END_OF_INSTANT: u8 = 2;

    fn with_capacity(stays: usize) -> Sweep {
        Sweep(Vec::with_capacity(stays * 2))
    }

    fn push(&mut self, start: i64, end: i64) {
        let point = |at: i64, kind: u8| (at.max(0) as u64) << 2 | u64::from(kind);
        self.0.push(point(start, Self::START));
        let kind = if end == start {
            Self::END_OF_INSTANT
        } else {
            Self::END
        };
        self.0.push(point(end, kind));
    }

    fn peak(mut self) -> Option<Peak> {
        self.0.sort_unstable();
        let (mut present, mut best): (usize, Option<Peak>) = (0, None);
        for p in self.0 {
            let (at, kind) = ((p >> 2) as i64, (p & 3) as u8);
            if kind != Self::START {
                present = present.saturating_sub(1);
                continue;
            }
            present += 1;
            if best.is_none_or(|b| present > b.count) {
                best = Some(Peak { count: present, at });
            }
        }
        best
    }
}

/// From this many stay bounds (a room of some 50,000 participants) the
/// peak is found on a thread of its own: below it, a thread costs more
/// than it saves.
const PEAK_ON_A_THREAD: usize = 100_000;

/// The lower middle value, found in linear time (the order of `values`
/// changes).
fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let middle = (values.len() - 1) / 2;
    Some(*values.select_nth_unstable(middle).1)
}

pub fn summarize(report: &RoomReport<'_>, room: &WalkedRoom<'_>, now: i64) -> RoomSummary {
    let mut people = People {
        total: room.stays.len(),
        ..People::default()
    };
    let open_until = open_until(room, now);
    let mut sweep = Sweep::with_capacity(room.stays.len());
    let mut lengths: Vec<i64> = Vec::with_capacity(room.stays.len());
    // Only the times are kept of each participant; the longest stay's
    // whole participant is read again, once, at the end.
    let mut longest: Option<(i64, usize)> = None;
    for (i, stay) in room.stays.iter().enumerate() {
        let (joined, left) = stay.times();
        match Status::of(joined, left, now) {
            Status::Active => people.active += 1,
            Status::Left => people.left += 1,
            Status::Unknown | Status::LeftBeforeJoined | Status::JoinedAfterNow => {
                people.without_timestamps += 1;
            }
        }
        if let Some((start, end)) = stay_between(joined, left, open_until) {
            sweep.push(start, end);
            lengths.push(end - start);
            if longest.is_none_or(|(ms, _)| end - start > ms) {
                longest = Some((end - start, i));
            }
        }
    }
    // Sorting the bounds of a large room's stays is the longest step once
    // the walk is done: it runs on a second thread beside the rest.
    let big = sweep.0.len() >= PEAK_ON_A_THREAD;
    let sweep = std::sync::Mutex::new(Some(sweep));
    std::thread::scope(|scope| {
        let take_peak = || sweep.lock().ok()?.take()?.peak();
        // Where no thread can be started, the sort runs here after all.
        let sorting = if big {
            std::thread::Builder::new()
                .name("summary-peak".into())
                .spawn_scoped(scope, take_peak)
                .ok()
        } else {
            None
        };
        let stays = longest.map(|(longest_ms, who)| Stays {
            total_ms: lengths.iter().fold(0i64, |sum, l| sum.saturating_add(*l)),
            median_ms: median(&mut lengths).unwrap_or(0),
            longest_ms,
            longest_who: room
                .stays
                .get(who)
                .and_then(|stay| participant_at(room.text, stay.key_at))
                .map_or_else(String::new, |who| {
                    who.identity.unwrap_or(who.key).decode().into_owned()
                }),
        });
        let created_at = room.created_at.map(|s| s.ms);
        let deleted_at = room.deleted_at.map(|s| s.ms);
        let events = events(room);
        let tracks = tracks(room);
        RoomSummary {
            id: room.id.map(|id| id.decode().into_owned()),
            file: report.origin.file.to_string(),
            index: report.origin.index,
            line: report.origin.line,
            created_at,
            updated_at: room.updated_at.map(|s| s.ms),
            deleted_at,
            lifetime_ms: created_at.map(|c| deleted_at.unwrap_or(now).saturating_sub(c)),
            people,
            peak: match sorting {
                Some(sorting) => sorting
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => take_peak(),
            },
            stays,
            events,
            egress_id: room.egress_id.map(|e| e.decode().into_owned()),
            tracks,
            errors: report.errors(),
            warnings: report.warnings(),
        }
    })
}

/// Events by name, in the order each name first appears.
fn events(room: &WalkedRoom<'_>) -> Vec<EventCount> {
    let mut counts: Vec<EventCount> = Vec::new();
    for event in &room.events {
        let name = event
            .name
            .map_or_else(|| "(no name)".to_string(), |n| n.decode().into_owned());
        let at = ms(event.timestamp);
        let entry = match counts.iter().position(|c| c.name == name) {
            Some(i) => &mut counts[i],
            None => {
                counts.push(EventCount {
                    name,
                    count: 0,
                    first: None,
                    last: None,
                });
                let last = counts.len() - 1;
                &mut counts[last]
            }
        };
        entry.count += 1;
        if let Some(at) = at {
            entry.first = Some(entry.first.map_or(at, |f| f.min(at)));
            entry.last = Some(entry.last.map_or(at, |l| l.max(at)));
        }
    }
    counts
}

/// Published tracks by MIME type, most common first, then by name.
fn tracks(room: &WalkedRoom<'_>) -> Vec<(String, usize)> {
    // A room has many tracks and few types: counted by the bytes as
    // written first, each distinct one decoded once.
    let mut by_raw: Vec<(Option<&[u8]>, bool, usize)> = Vec::new();
    for track in &room.tracks {
        let raw = track.mime_type.map(|m| (m.raw, m.escaped));
        let key = raw.map(|(raw, _)| raw);
        match by_raw.iter_mut().find(|(seen, _, _)| *seen == key) {
            Some((_, _, count)) => *count += 1,
            None => by_raw.push((key, raw.is_some_and(|(_, escaped)| escaped), 1)),
        }
    }
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for (raw, escaped, count) in by_raw {
        let mime = raw.map_or_else(
            || "(no mimeType)".to_string(),
            |raw| {
                let text = crate::json::lexer::JStr {
                    raw,
                    at: 0,
                    escaped,
                };
                text.decode().into_owned()
            },
        );
        *by_type.entry(mime).or_default() += count;
    }
    let mut counted: Vec<(String, usize)> = by_type.into_iter().collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counted
}

/// The one place a format meets its sink.
fn sink<'t>(format: SummaryFormat, tf: &'t crate::time::TimeFormat) -> Box<dyn SummarySink + 't> {
    match format {
        SummaryFormat::Text => Box::new(text::Text::new(tf)),
        SummaryFormat::Markdown => Box::new(markdown::Markdown::new(tf)),
        SummaryFormat::Json => Box::new(json::Json::new(tf, false)),
        SummaryFormat::Ndjson => Box::new(json::Json::new(tf, true)),
    }
}

/// One block per room. A room's problems are counted in its block, not
/// listed; a value that is not a room at all is reported on `err` as
/// `validate` words it, since it has no block to be counted in.
pub fn run(
    args: &SummaryArgs,
    env: &Env,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    let collect = Collect {
        stays: true,
        events: true,
        tracks: true,
        ..Collect::NOTHING
    };
    let listing = Listing::new(
        &args.input,
        &args.time,
        args.rules.rule_set()?,
        collect,
        env,
    )?;
    let now = listing.tf.now_ms;
    let mut sink = sink(args.format, &listing.tf);
    let mut stderr = Human {
        paint: Paint {
            on: args.input.color.enabled(env, Stream::Stderr),
        },
    };
    sink.start(out)?;
    for source in &listing.sources {
        let mut each = |report: RoomReport<'_>| -> Result<(), Error> {
            if report.errors() > 0 {
                *exit = exit.worst(Exit::Invalid);
            }
            match report.walked.as_ref().filter(|w| w.is_object) {
                Some(room) => Ok(sink.room(out, &summarize(&report, room, now))?),
                None => {
                    let origin = &report.origin;
                    let _ = stderr.room(err, &origin.file, origin.index, &report.diagnostics);
                    Ok(())
                }
            }
        };
        match input::for_each_room(source, &listing.opts, &mut each) {
            Ok(()) => {}
            Err(e @ Error::Write(_)) => return Err(e),
            Err(e) => {
                let _ = writeln!(err, "room-inspector: {e}");
                *exit = exit.worst(Exit::Usage);
            }
        }
    }
    sink.finish(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_most_at_once_and_when_it_first_happened() {
        assert_eq!(peak(&[]), None);
        assert_eq!(peak(&[(5, 9)]), Some(Peak { count: 1, at: 5 }));
        // Overlapping: two at once from 3.
        assert_eq!(
            peak(&[(0, 10), (3, 4), (6, 8)]),
            Some(Peak { count: 2, at: 3 })
        );
        // Three at once, reached at 7, not at the first pair's 2.
        assert_eq!(
            peak(&[(0, 10), (2, 3), (5, 12), (7, 9)]),
            Some(Peak { count: 3, at: 7 })
        );
    }

    #[test]
    fn touching_stays_count_as_one_at_the_instant_they_touch() {
        assert_eq!(
            peak(&[(0, 5), (5, 10), (10, 15)]),
            Some(Peak { count: 1, at: 0 })
        );
        // Given in any order.
        assert_eq!(
            peak(&[(10, 15), (5, 10), (0, 5)]),
            Some(Peak { count: 1, at: 0 })
        );
    }

    #[test]
    fn a_stay_of_no_length_counts_at_its_instant() {
        assert_eq!(peak(&[(4, 4)]), Some(Peak { count: 1, at: 4 }));
        assert_eq!(peak(&[(0, 10), (4, 4)]), Some(Peak { count: 2, at: 4 }));
        assert_eq!(peak(&[(4, 4), (4, 4)]), Some(Peak { count: 2, at: 4 }));
        assert_eq!(peak(&[(0, 4), (4, 4)]), Some(Peak { count: 1, at: 0 }));
    }

    #[test]
    fn the_median_is_a_stay_someone_had() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [1, 2, 9]), Some(2));
        assert_eq!(median(&mut [1, 2, 8, 9]), Some(2));
        // In any order.
        assert_eq!(median(&mut [9, 1, 8, 2]), Some(2));
        assert_eq!(median(&mut [5, 3, 4, 1, 2]), Some(3));
    }
}
