//! The `summary` formats: one [`SummarySink`] per `--format`, each in its
//! own file, handed one room's answers at a time.

pub mod json;
pub mod markdown;
pub mod text;

use std::io::{self, Write};

use crate::commands::summary::{People, RoomSummary};
use crate::time::{self, TimeFormat};

/// Where one format writes the summaries: `start` once, `room` for each
/// room in reading order, `finish` once (the totals, for the formats for
/// people).
pub trait SummarySink {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn room(&mut self, out: &mut dyn Write, room: &RoomSummary) -> io::Result<()>;

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// What the formats for people say of a room, line by line: a label and
/// its text. Data texts are left raw; each format escapes for its reader.
fn lines(
    room: &RoomSummary,
    tf: &TimeFormat,
    escape: &dyn Fn(&str) -> String,
) -> Vec<(&'static str, String)> {
    let at = |ms: Option<i64>| ms.map_or_else(|| "(none)".to_string(), |ms| tf.render(ms));
    let mut lines = vec![
        ("created", at(room.created_at)),
        ("updated", at(room.updated_at)),
    ];
    if room.deleted_at.is_some() {
        lines.push(("deleted", at(room.deleted_at)));
    }
    if let Some(lifetime) = room.lifetime_ms {
        let until = if room.deleted_at.is_some() {
            "until deleted"
        } else {
            "so far"
        };
        lines.push(("lifetime", format!("{} {until}", time::duration(lifetime))));
    }
    lines.push(("participants", people(&room.people)));
    lines.push((
        "peak",
        room.peak.map_or_else(
            || "nobody with a join time".to_string(),
            |p| format!("{} at once, first at {}", p.count, tf.render(p.at)),
        ),
    ));
    if let Some(stays) = &room.stays {
        lines.push((
            "time in room",
            format!(
                "{} in all; median {}; longest {} ({})",
                time::duration(stays.total_ms),
                time::duration(stays.median_ms),
                time::duration(stays.longest_ms),
                escape(&stays.longest_who)
            ),
        ));
    }
    for (i, event) in room.events.iter().enumerate() {
        let when = match (event.first, event.last) {
            (Some(first), Some(last)) if first == last => format!(" ({})", tf.render(first)),
            (Some(first), Some(last)) => {
                format!(" (first {}, last {})", tf.render(first), tf.render(last))
            }
            _ => String::new(),
        };
        let label = if i == 0 { "events" } else { "" };
        lines.push((
            label,
            format!("{}: {}{when}", escape(&event.name), event.count),
        ));
    }
    if let Some(egress) = &room.egress_id {
        lines.push(("egress", escape(egress)));
    }
    if !room.tracks.is_empty() {
        let tracks: Vec<String> = room
            .tracks
            .iter()
            .map(|(mime, n)| format!("{}: {n}", escape(mime)))
            .collect();
        lines.push(("tracks", tracks.join(", ")));
    }
    lines.push(("validation", validation(room.errors, room.warnings)));
    lines
}

fn people(p: &People) -> String {
    format!(
        "{}: {} active, {} left, {} without timestamps",
        p.total, p.active, p.left, p.without_timestamps
    )
}

/// `valid`, or the counts and where to look.
pub fn validation(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "valid".to_string(),
        (0, w) => format!("{} — run validate for details", plural(w, "warning")),
        (e, 0) => format!("{} — run validate for details", plural(e, "error")),
        (e, w) => format!(
            "{}, {} — run validate for details",
            plural(w, "warning"),
            plural(e, "error")
        ),
    }
}

/// What every room of a run adds up to, for the totals block.
#[derive(Default)]
struct Totals {
    rooms: usize,
    valid: usize,
    people: People,
}

impl Totals {
    fn add(&mut self, room: &RoomSummary) {
        self.rooms += 1;
        self.valid += usize::from(room.errors == 0);
        self.people.total += room.people.total;
        self.people.active += room.people.active;
        self.people.left += room.people.left;
        self.people.without_timestamps += room.people.without_timestamps;
    }

    fn line(&self) -> String {
        format!(
            "{} rooms, {} valid; participants {}",
            self.rooms,
            self.valid,
            people(&self.people)
        )
    }
}
