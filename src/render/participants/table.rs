//! `--format table`: a bordered table fitted to the terminal.

use std::io::{self, Write};

use super::{HEADER, Room, RowSink, sectioned};
use crate::render::table::{Sections, bordered};
use crate::time::TimeFormat;

/// Times, duration and status are never wrapped.
const WHOLE: [usize; 4] = [2, 3, 4, 5];

pub struct Table<'t> {
    pub tf: &'t TimeFormat,
    /// The terminal's width; `None` when not on a terminal.
    pub width: Option<u16>,
    pub sections: Sections,
}

impl RowSink for Table<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, width) = (self.tf, self.width);
        sectioned(&mut self.sections, out, room, "", |out, rows, arena| {
            if rows.is_empty() {
                return writeln!(out, "no participants");
            }
            let cells: Vec<Vec<String>> = rows.iter().map(|r| r.cells(tf, arena)).collect();
            bordered(out, &HEADER, &cells, width, &WHOLE)
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
