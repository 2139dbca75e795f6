//! `--format json` (one array of rooms) and `--format ndjson` (one room
//! per line): raw ms values beside the rendered strings, as in
//! `participants`.

use std::io::{self, Write};

use serde::Serialize;

use super::{SummarySink, validation};
use crate::commands::summary::RoomSummary;
use crate::time::{self, TimeFormat};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'r> {
    id: Option<&'r str>,
    source: String,
    line: usize,
    created_at: Option<i64>,
    created: Option<String>,
    updated_at: Option<i64>,
    updated: Option<String>,
    deleted_at: Option<i64>,
    deleted: Option<String>,
    lifetime_ms: Option<i64>,
    lifetime: Option<String>,
    participants: Participants,
    peak: Option<Peak>,
    time_in_room: Option<TimeInRoom<'r>>,
    events: Vec<Event<'r>>,
    egress_id: Option<&'r str>,
    tracks: Vec<Track<'r>>,
    validation: Validation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Participants {
    total: usize,
    active: usize,
    left: usize,
    without_timestamps: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Peak {
    count: usize,
    at_ms: i64,
    at: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TimeInRoom<'r> {
    total_ms: i64,
    total: String,
    median_ms: i64,
    median: String,
    longest_ms: i64,
    longest: String,
    longest_identity: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'r> {
    name: &'r str,
    count: usize,
    first_ms: Option<i64>,
    first: Option<String>,
    last_ms: Option<i64>,
    last: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Track<'r> {
    mime_type: &'r str,
    count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Validation {
    errors: usize,
    warnings: usize,
    status: String,
}

pub struct Json<'t> {
    tf: &'t TimeFormat,
    lines: bool,
    rooms: usize,
}

impl<'t> Json<'t> {
    pub fn new(tf: &'t TimeFormat, lines: bool) -> Self {
        Json {
            tf,
            lines,
            rooms: 0,
        }
    }

    fn record<'r>(&self, room: &'r RoomSummary) -> Record<'r> {
        let tf = self.tf;
        let at = |ms: Option<i64>| ms.map(|ms| tf.render(ms));
        Record {
            id: room.id.as_deref(),
            source: format!("{}#{}", room.file, room.index + 1),
            line: room.line,
            created_at: room.created_at,
            created: at(room.created_at),
            updated_at: room.updated_at,
            updated: at(room.updated_at),
            deleted_at: room.deleted_at,
            deleted: at(room.deleted_at),
            lifetime_ms: room.lifetime_ms,
            lifetime: room.lifetime_ms.map(time::duration),
            participants: Participants {
                total: room.people.total,
                active: room.people.active,
                left: room.people.left,
                without_timestamps: room.people.without_timestamps,
            },
            peak: room.peak.map(|p| Peak {
                count: p.count,
                at_ms: p.at,
                at: tf.render(p.at),
            }),
            time_in_room: room.stays.as_ref().map(|s| TimeInRoom {
                total_ms: s.total_ms,
                total: time::duration(s.total_ms),
                median_ms: s.median_ms,
                median: time::duration(s.median_ms),
                longest_ms: s.longest_ms,
                longest: time::duration(s.longest_ms),
                longest_identity: &s.longest_who,
            }),
            events: room
                .events
                .iter()
                .map(|e| Event {
                    name: &e.name,
                    count: e.count,
                    first_ms: e.first,
                    first: at(e.first),
                    last_ms: e.last,
                    last: at(e.last),
                })
                .collect(),
            egress_id: room.egress_id.as_deref(),
            tracks: room
                .tracks
                .iter()
                .map(|(mime, count)| Track {
                    mime_type: mime,
                    count: *count,
                })
                .collect(),
            validation: Validation {
                errors: room.errors,
                warnings: room.warnings,
                status: validation(room.errors, room.warnings),
            },
        }
    }
}

impl SummarySink for Json<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &RoomSummary) -> io::Result<()> {
        if !self.lines {
            out.write_all(if self.rooms == 0 { b"[\n  " } else { b",\n  " })?;
        }
        self.rooms += 1;
        crate::render::json::to_writer(&mut *out, &self.record(room))?;
        if self.lines {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match (self.lines, self.rooms) {
            (true, _) => Ok(()),
            (false, 0) => out.write_all(b"[]\n"),
            (false, _) => out.write_all(b"\n]\n"),
        }
    }
}
