//! `--format table`: a bordered table fitted to the terminal.

use std::io::{self, Write};

use super::{HEADER, Room, RowSink, sectioned};
use crate::render::table::{Fit, Sections, Tint, Tinter, bordered};
use crate::time::TimeFormat;

/// How each column of [`HEADER`] gives way in a narrow terminal.
const FITS: [Fit; 6] = [
    Fit::Cut,
    Fit::Wrap,
    Fit::Time,
    Fit::Time,
    Fit::Whole,
    Fit::Whole,
];
const STATUS: usize = 5;

pub struct Table<'t> {
    pub tf: &'t TimeFormat,
    /// `--width`, `COLUMNS` or the terminal's; `None` when there is none.
    pub width: Option<u16>,
    /// Colour the header and the status.
    pub colour: bool,
    pub sections: Sections,
}

/// The status in colour: who is in the room stands out, who left fades.
fn tint(col: usize, text: &str) -> Option<Tint> {
    if col != STATUS {
        return None;
    }
    Some(match text {
        "active" => Tint::Good,
        "left" => Tint::Faint,
        _ => Tint::Warn,
    })
}

impl RowSink for Table<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, width) = (self.tf, self.width);
        let tint: Option<Tinter<'_>> = self.colour.then_some(&tint);
        sectioned(&mut self.sections, out, room, "", |out, rows, arena| {
            if rows.is_empty() {
                return writeln!(out, "no participants");
            }
            let cells = |tf: &TimeFormat| rows.iter().map(|r| r.cells(tf, arena)).collect();
            bordered(out, &HEADER, &FITS, &cells, tf, width, tint)
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
