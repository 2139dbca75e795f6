//! `--format json` (one array over every room) and `--format ndjson` (one
//! object per line): raw ms values beside the rendered strings.

use std::io::{self, Write};

use serde::Serialize;

use super::{ChunkFormat, Room, Row, RowSink, Status, chunked};
use crate::time::{self, TimeFormat};

/// Wire form of a row, kept apart from the internals.
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

pub struct Json<'t> {
    pub tf: &'t TimeFormat,
    /// NDJSON: one record per line instead of one array.
    pub lines: bool,
    /// Records written so far: one array spans every room.
    pub records: usize,
}

impl RowSink for Json<'_> {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.lines {
            return Ok(());
        }
        out.write_all(b"[")
    }

    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let format = JsonRoom {
            tf: self.tf,
            lines: self.lines,
            id: room.id,
            source: room.source,
        };
        chunked(&format, room.rows, self.records, out)?;
        self.records += room.rows.count();
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match (self.lines, self.records) {
            (true, _) => Ok(()),
            (false, 0) => out.write_all(b"]\n"),
            (false, _) => out.write_all(b"\n]\n"),
        }
    }
}

/// What every record of one room shares.
struct JsonRoom<'r> {
    tf: &'r TimeFormat,
    lines: bool,
    id: Option<&'r str>,
    source: &'r str,
}

impl ChunkFormat for JsonRoom<'_> {
    type Scratch = ();

    fn scratch(&self) {}

    fn chunk(
        &self,
        _: &mut (),
        rows: &[Row<'_>],
        arena: &str,
        preceding: usize,
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
        for (i, r) in rows.iter().enumerate() {
            let (joined, left) = (r.joined_ms(), r.left_ms());
            let record = Record {
                room: self.id,
                source: self.source,
                key: r.key(arena),
                identity: r.identity(arena),
                name: r.name(arena),
                joined_at: joined,
                joined: joined.map(|v| self.tf.render(v)),
                left_at: left,
                left: left.map(|v| self.tf.render(v)),
                duration_ms: r.duration,
                duration: r.duration.map(time::duration),
                status: r.status(),
            };
            if !self.lines {
                out.extend_from_slice(if preceding + i > 0 { b",\n  " } else { b"\n  " });
            }
            crate::render::json::to_writer(&mut *out, &record)?;
            if self.lines {
                out.push(b'\n');
            }
        }
        Ok(())
    }
}
