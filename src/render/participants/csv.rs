//! `--format csv` and `--format tsv`: one delimited writer, a header row,
//! one record per participant with the room and source in every record.
//!
//! Texts go through csv-core, which quotes a field only when it holds the
//! delimiter, a quote or a line break, so the data stays exact; numbers,
//! durations and statuses cannot hold those and are copied as they are.

use std::io::{self, Write};

use super::{ChunkFormat, Room, Row, RowSink, chunked};
use crate::time::{self, TimeFormat};

const HEADER: [&str; 12] = [
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

pub struct Delimited<'t> {
    pub tf: &'t TimeFormat,
    /// `,` for CSV, TAB for TSV.
    pub delimiter: u8,
    /// Write the header row (`--no-header` leaves it out).
    pub header: bool,
}

impl RowSink for Delimited<'_> {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.header {
            return Ok(());
        }
        let mut w = Line::new(self.delimiter);
        for field in HEADER {
            w.text(field.as_bytes());
        }
        w.end_record();
        out.write_all(&w.line)
    }

    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let mut quoter = Line::new(self.delimiter);
        let format = DelimitedRoom {
            tf: self.tf,
            delimiter: self.delimiter,
            room_field: quoter.encoded(room.id.unwrap_or_default().as_bytes()),
            source_field: quoter.encoded(room.source.as_bytes()),
            times_plain: self.tf.style.is_plain(),
        };
        chunked(&format, room.rows, 0, out)
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// One record being written.
struct Line {
    quoter: csv_core::Writer,
    delimiter: u8,
    line: Vec<u8>,
}

impl Line {
    fn new(delimiter: u8) -> Line {
        Line {
            quoter: csv_core::WriterBuilder::new().delimiter(delimiter).build(),
            delimiter,
            line: Vec::new(),
        }
    }

    /// A text field, quoted where needed, and its delimiter.
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

    /// A field that cannot need quoting, and its delimiter.
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

    /// The last delimiter becomes the line end.
    fn end_record(&mut self) {
        if let Some(last) = self.line.last_mut() {
            *last = b'\n';
        }
    }
}

/// What every record of one room shares.
struct DelimitedRoom<'t> {
    tf: &'t TimeFormat,
    delimiter: u8,
    /// The room ID and the source as fields, quoted once per room.
    room_field: Vec<u8>,
    source_field: Vec<u8>,
    /// Times in this style never need quoting.
    times_plain: bool,
}

/// The buffers one thread needs, reused from chunk to chunk.
struct Scratch {
    line: Line,
    number: itoa::Buffer,
    text: String,
}

impl ChunkFormat for DelimitedRoom<'_> {
    type Scratch = Scratch;

    fn scratch(&self) -> Scratch {
        Scratch {
            line: Line::new(self.delimiter),
            number: itoa::Buffer::new(),
            text: String::with_capacity(32),
        }
    }

    fn chunk(
        &self,
        scratch: &mut Scratch,
        rows: &[Row<'_>],
        arena: &str,
        _preceding: usize,
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
        let Scratch {
            line: w,
            number,
            text,
        } = scratch;
        // Records are written straight into `out`.
        std::mem::swap(&mut w.line, out);
        for r in rows {
            w.line.extend_from_slice(&self.room_field);
            w.text(r.key(arena).as_bytes());
            w.text(r.identity(arena).unwrap_or_default().as_bytes());
            w.text(r.name(arena).unwrap_or_default().as_bytes());
            for v in [r.joined_ms(), r.left_ms()] {
                text.clear();
                match v {
                    Some(v) => {
                        w.plain(number.format(v).as_bytes());
                        self.tf.render_into(v, text);
                    }
                    None => w.plain(b""),
                }
                if self.times_plain {
                    w.plain(text.as_bytes());
                } else {
                    w.text(text.as_bytes());
                }
            }
            text.clear();
            match r.duration {
                Some(v) => {
                    w.plain(number.format(v).as_bytes());
                    time::duration_into(v, text);
                }
                None => w.plain(b""),
            }
            w.plain(text.as_bytes());
            w.plain(r.status().as_str().as_bytes());
            w.line.extend_from_slice(&self.source_field);
            w.end_record();
        }
        std::mem::swap(&mut w.line, out);
        Ok(())
    }
}
