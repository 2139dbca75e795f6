//! `--format text`: one line per change, `+` (added), `-` (removed) or
//! `~` (changed) first, times readable, texts quoted and escaped.

use std::io::{self, Write};

use super::DiffSink;
use crate::commands::diff::{Change, Person, Value};
use crate::term::quoted;
use crate::time::TimeFormat;

pub struct Text<'t> {
    pub tf: &'t TimeFormat,
}

impl Text<'_> {
    fn value(&self, value: &Value) -> String {
        match value {
            Value::Missing => "(none)".to_string(),
            Value::Text(text) => quoted(text),
            Value::Ms(ms) => self.tf.render(*ms),
            Value::Bool(b) => b.to_string(),
            Value::Count(n) => n.to_string(),
            Value::Raw(raw) => format!("{} (invalid)", quoted(raw)),
        }
    }

    fn who(&self, room: &str, key: &str, identity: Option<&str>) -> String {
        let mut who = format!("{} participant {}", quoted(room), quoted(key));
        if let Some(identity) = identity {
            who.push_str(&format!(" (identity {})", quoted(identity)));
        }
        who
    }

    fn joined(&self, person: &Person) -> String {
        match &person.joined {
            Value::Missing => String::new(),
            joined => format!(": joined {}", self.value(joined)),
        }
    }
}

/// The identity when it is not the key.
fn other_identity<'p>(person: &'p Person, key: &str) -> Option<&'p str> {
    person.identity.as_deref().filter(|id| *id != key)
}

fn participants(n: usize) -> String {
    format!("{n} participant{}", if n == 1 { "" } else { "s" })
}

impl DiffSink for Text<'_> {
    fn change(&mut self, out: &mut dyn Write, change: &Change) -> io::Result<()> {
        match change {
            Change::RoomAdded {
                room,
                participants: n,
            } => {
                writeln!(out, "+ room {} ({})", quoted(room), participants(*n))
            }
            Change::RoomRemoved {
                room,
                participants: n,
            } => {
                writeln!(out, "- room {} ({})", quoted(room), participants(*n))
            }
            Change::RoomField {
                room,
                field,
                old,
                new,
            } => writeln!(
                out,
                "~ room {}: {field} {} → {}",
                quoted(room),
                self.value(old),
                self.value(new)
            ),
            Change::Joined { room, key, person } => writeln!(
                out,
                "+ {}{}",
                self.who(room, key, other_identity(person, key)),
                self.joined(person)
            ),
            Change::Gone { room, key, person } => writeln!(
                out,
                "- {}",
                self.who(room, key, other_identity(person, key))
            ),
            Change::Field {
                room,
                key,
                identity,
                field,
                old,
                new,
            } => writeln!(
                out,
                "~ {}: {field} {} → {}",
                self.who(room, key, identity.as_deref()),
                self.value(old),
                self.value(new)
            ),
        }
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
