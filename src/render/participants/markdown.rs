//! `--format markdown`: a GitHub-flavoured Markdown table per room, under
//! a `###` heading when there are several.

use std::io::{self, Write};

use super::{CHUNK, HEADER, Room, RowSink, Rows, sectioned};
use crate::render::table::{Sections, markdown_header, markdown_rows};
use crate::time::TimeFormat;

pub struct Markdown<'t> {
    pub tf: &'t TimeFormat,
    pub sections: Sections,
}

impl RowSink for Markdown<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let tf = self.tf;
        sectioned(&mut self.sections, out, room, "### ", |out| {
            let source = room.rows;
            let count = source.count();
            if count == 0 {
                return writeln!(out, "_no participants_");
            }
            // No column is aligned: rows are built and written a chunk at
            // a time, whatever the size of the room.
            markdown_header(out, &HEADER)?;
            let mut rows = Rows::default();
            for start in (0..count).step_by(CHUNK) {
                source.build(start..count.min(start + CHUNK), &mut rows);
                let arena = rows.arena();
                markdown_rows(out, rows.rows.iter().map(|r| r.cells(tf, &arena)))?;
            }
            Ok(())
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
