//! `--format json`: one array of change objects, with raw values (ms as
//! numbers) beside the rendered times.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value as Raw;

use super::DiffSink;
use crate::commands::diff::{Change, Value};
use crate::time::TimeFormat;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'c> {
    change: &'static str,
    room: &'c str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'c str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'c str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<Raw>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<Raw>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    participants: Option<usize>,
}

impl<'c> Record<'c> {
    fn new(change: &'static str, room: &'c str) -> Self {
        Record {
            change,
            room,
            key: None,
            identity: None,
            field: None,
            old: None,
            new: None,
            old_time: None,
            new_time: None,
            participants: None,
        }
    }
}

pub struct Json<'t> {
    tf: &'t TimeFormat,
    changes: usize,
}

impl<'t> Json<'t> {
    pub fn new(tf: &'t TimeFormat) -> Self {
        Json { tf, changes: 0 }
    }

    fn time(&self, value: &Value) -> Option<String> {
        match value {
            Value::Ms(ms) => Some(self.tf.render(*ms)),
            _ => None,
        }
    }
}

fn raw(value: &Value) -> Raw {
    match value {
        Value::Missing => Raw::Null,
        Value::Text(text) | Value::Raw(text) => Raw::String(text.clone()),
        Value::Ms(ms) => Raw::from(*ms),
        Value::Bool(b) => Raw::Bool(*b),
        Value::Count(n) => Raw::from(*n),
    }
}

impl DiffSink for Json<'_> {
    fn change(&mut self, out: &mut dyn Write, change: &Change) -> io::Result<()> {
        let record = match change {
            Change::RoomAdded { room, participants } => Record {
                participants: Some(*participants),
                ..Record::new("roomAdded", room)
            },
            Change::RoomRemoved { room, participants } => Record {
                participants: Some(*participants),
                ..Record::new("roomRemoved", room)
            },
            Change::RoomField {
                room,
                field,
                old,
                new,
            } => Record {
                field: Some(field),
                old: Some(raw(old)),
                new: Some(raw(new)),
                old_time: self.time(old),
                new_time: self.time(new),
                ..Record::new("roomChanged", room)
            },
            Change::Joined { room, key, person } => Record {
                key: Some(key),
                identity: person.identity.as_deref(),
                new: Some(raw(&person.joined)),
                new_time: self.time(&person.joined),
                field: Some("joinedAt"),
                ..Record::new("participantAdded", room)
            },
            Change::Gone { room, key, person } => Record {
                key: Some(key),
                identity: person.identity.as_deref(),
                ..Record::new("participantRemoved", room)
            },
            Change::Field {
                room,
                key,
                identity,
                field,
                old,
                new,
            } => Record {
                key: Some(key),
                identity: identity.as_deref(),
                field: Some(field),
                old: Some(raw(old)),
                new: Some(raw(new)),
                old_time: self.time(old),
                new_time: self.time(new),
                ..Record::new("participantChanged", room)
            },
        };
        out.write_all(if self.changes == 0 {
            b"[\n  "
        } else {
            b",\n  "
        })?;
        self.changes += 1;
        crate::render::json::to_writer(&mut *out, &record)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.changes == 0 {
            out.write_all(b"[]\n")
        } else {
            out.write_all(b"\n]\n")
        }
    }
}
