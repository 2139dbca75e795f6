//! `--format plain`: aligned columns without borders or colour, the
//! default when piped; several rooms get `# ` headings, easy to filter out.

use std::io::{self, Write};

use super::{HEADER, Room, RowSink, sectioned};
use crate::render::table::{Sections, plain_streamed};
use crate::time::TimeFormat;

pub struct Plain<'t> {
    pub tf: &'t TimeFormat,
    /// Write the header row (`--no-header` leaves it out).
    pub header: bool,
    pub sections: Sections,
}

impl RowSink for Plain<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, header) = (self.tf, self.header.then_some(&HEADER[..]));
        sectioned(&mut self.sections, out, room, "# ", |out, rows, arena| {
            let cell = |row: usize, col: usize, text: &mut String| {
                rows[row].cell(col, tf, arena, text);
            };
            plain_streamed(out, header, HEADER.len(), rows.len(), &cell)
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
