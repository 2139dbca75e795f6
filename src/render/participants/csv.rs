//! `--format csv` and `--format tsv`: one delimited writer, a header row,
//! one record per participant with the room and source in every record.
//!
//! Texts go through csv-core, which quotes a field only when it holds the
//! delimiter, a quote or a line break; numbers, durations and statuses
//! cannot hold those and are copied as they are.
//!
//! Names are chosen by whoever joins a room, and CSV is opened in
//! spreadsheets and printed to terminals. So by default a text cell from
//! the input that a spreadsheet would run as a formula gets a leading `'`,
//! and the characters that must not reach a terminal are written as the
//! tables write them. `--raw-csv` turns both off, for exact data.

use std::io::{self, Write};

use super::{ChunkFormat, Room, Row, RowSink, chunked};
use crate::term;
use crate::time::{self, TimeFormat};

pub const HEADER: [&str; 12] = [
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
    /// Guard text cells against formulas and terminal escapes.
    pub guard: bool,
    /// `--columns`: the fields to write, in this order, as indices into
    /// [`HEADER`]; `None` for all of them.
    pub select: Option<Vec<usize>>,
}

impl RowSink for Delimited<'_> {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.header {
            return Ok(());
        }
        let mut w = Line::new(self.delimiter);
        match &self.select {
            Some(select) => select.iter().for_each(|&i| w.text(HEADER[i].as_bytes())),
            None => HEADER.iter().for_each(|field| w.text(field.as_bytes())),
        }
        w.end_record();
        out.write_all(&w.line)
    }

    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let mut quoter = Line::new(self.delimiter);
        let mut cell = String::new();
        let guard = self.guard;
        let format = DelimitedRoom {
            tf: self.tf,
            delimiter: self.delimiter,
            room_field: quoter.encoded(room.id.unwrap_or_default(), guard, &mut cell),
            source_field: quoter.encoded(room.source, guard, &mut cell),
            times_plain: self.tf.style.is_plain(),
            guard,
            select: self.select.as_deref(),
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
        // Most fields need no quotes, and are then written as they are: as
        // csv-core would, without its state machine and the room it needs.
        if !self.quoter.should_quote(field) {
            return self.plain(field);
        }
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

    /// A text cell from the input, guarded (see the module's docs) when
    /// `guard` is set; `cell` is scratch space.
    fn data(&mut self, field: &str, guard: bool, cell: &mut String) {
        if !guard {
            return self.text(field.as_bytes());
        }
        let clean = term::sanitize(field);
        if starts_a_formula(field) {
            cell.clear();
            cell.push('\'');
            cell.push_str(&clean);
            self.text(cell.as_bytes());
        } else {
            self.text(clean.as_bytes());
        }
    }

    /// A field that cannot need quoting, and its delimiter.
    fn plain(&mut self, field: &[u8]) {
        self.line.extend_from_slice(field);
        self.line.push(self.delimiter);
    }

    /// A text as it will be written, delimiter included, for the fields
    /// that are the same on every row.
    fn encoded(&mut self, field: &str, guard: bool, cell: &mut String) -> Vec<u8> {
        let start = self.line.len();
        self.data(field, guard, cell);
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
    guard: bool,
    select: Option<&'t [usize]>,
}

/// A cell a spreadsheet would read as a formula (OWASP "CSV injection"):
/// `=`, `+`, `-` and `@` start one, and some spreadsheets skip a leading
/// TAB or CR before looking.
fn starts_a_formula(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The buffers one thread needs, reused from chunk to chunk.
struct Scratch {
    line: Line,
    number: itoa::Buffer,
    text: String,
    cell: String,
}

impl ChunkFormat for DelimitedRoom<'_> {
    type Scratch = Scratch;

    fn scratch(&self) -> Scratch {
        Scratch {
            line: Line::new(self.delimiter),
            number: itoa::Buffer::new(),
            text: String::with_capacity(32),
            cell: String::new(),
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
            cell,
        } = scratch;
        // Records are written straight into `out`.
        std::mem::swap(&mut w.line, out);
        // Where each field of the record starts, for `--columns`.
        let mut starts = [0usize; HEADER.len() + 1];
        for r in rows {
            let record = w.line.len();
            let mut field = 0;
            let mut mark = |w: &Line| {
                starts[field] = w.line.len();
                field += 1;
            };
            mark(w);
            w.line.extend_from_slice(&self.room_field);
            mark(w);
            w.data(r.key(arena), self.guard, cell);
            mark(w);
            w.data(r.identity(arena).unwrap_or_default(), self.guard, cell);
            mark(w);
            w.data(r.name(arena).unwrap_or_default(), self.guard, cell);
            for v in [r.joined_ms(), r.left_ms()] {
                text.clear();
                mark(w);
                match v {
                    Some(v) => {
                        w.plain(number.format(v).as_bytes());
                        self.tf.render_into(v, text);
                    }
                    None => w.plain(b""),
                }
                mark(w);
                if self.times_plain {
                    w.plain(text.as_bytes());
                } else {
                    w.text(text.as_bytes());
                }
            }
            text.clear();
            mark(w);
            match r.duration {
                Some(v) => {
                    w.plain(number.format(v).as_bytes());
                    time::duration_into(v, text);
                }
                None => w.plain(b""),
            }
            mark(w);
            w.plain(text.as_bytes());
            mark(w);
            w.plain(r.status().as_str().as_bytes());
            mark(w);
            w.line.extend_from_slice(&self.source_field);
            mark(w);
            if let Some(select) = self.select {
                // Each field ends with its delimiter; the record is written
                // again from its fields in the chosen order.
                let whole = w.line.split_off(record);
                for &i in select {
                    let (from, to) = (starts[i] - record, starts[i + 1] - record);
                    w.line.extend_from_slice(&whole[from..to - 1]);
                    w.line.push(self.delimiter);
                }
            }
            w.end_record();
        }
        std::mem::swap(&mut w.line, out);
        Ok(())
    }
}
