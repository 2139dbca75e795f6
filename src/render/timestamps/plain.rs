//! `--format plain`: the table's rows as aligned columns without borders
//! or colour, the default when piped.

use std::io::{self, Write};

use super::{HEADER, Room, StampSink, cell, columns, sectioned};
use crate::render::table::{Sections, plain_streamed};
use crate::time::TimeFormat;

pub struct Plain<'t> {
    pub tf: &'t TimeFormat,
    /// Write the header row (`--no-header` leaves it out).
    pub header: bool,
    pub sections: Sections,
}

impl StampSink for Plain<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, with_header) = (self.tf, self.header);
        sectioned(&mut self.sections, out, room, "# ", |out| {
            let stamps = room.timestamps;
            let shown = columns(tf);
            let header: Vec<&str> = shown.iter().map(|&c| HEADER[c]).collect();
            let each = |row: usize, col: usize, text: &mut String| {
                if let Some(t) = stamps.get(row) {
                    cell(room, &t, shown[col], tf, text);
                }
            };
            plain_streamed(
                out,
                with_header.then_some(&header[..]),
                shown.len(),
                stamps.len(),
                &each,
            )
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
