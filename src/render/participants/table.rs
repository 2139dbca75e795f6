//! `--format table`: a bordered table fitted to the terminal; several
//! rooms get a heading each and share one width per column, so their
//! tables line up.

use std::io::{self, Write};
use std::ops::Range;

use super::{HEADER, Room, RowSink, Rows};
use crate::render::table::{Fit, Held, HeldRoom, Tint, Tinter, bordered, bordered_rooms, heading};
use crate::time::{Brevity, TimeFormat};

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
    pub held: Held,
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

impl Table<'_> {
    fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let tint: Option<Tinter<'_>> = self.colour.then_some(&tint);
        let rooms = self.held.take();
        bordered_rooms(
            out,
            &HEADER,
            &FITS,
            &rooms,
            self.tf,
            self.width,
            tint,
            "no participants",
        )
    }
}

impl RowSink for Table<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, width) = (self.tf, self.width);
        let tint: Option<Tinter<'_>> = self.colour.then_some(&tint);
        if self.held.alone(room.last) {
            let count = room.rows.count();
            if count == 0 {
                return writeln!(out, "no participants");
            }
            // Rows are built a range at a time, as the table asks for
            // them, so a long table never holds them all.
            let cells = |tf: &TimeFormat, range: Range<usize>| {
                let mut rows = Rows::default();
                room.rows.build(range, &mut rows);
                let arena = rows.arena();
                rows.rows.iter().map(|r| r.cells(tf, &arena)).collect()
            };
            return bordered(out, &HEADER, &FITS, count, &cells, tf, width, tint);
        }
        let mut rows = Rows::default();
        room.rows.build(0..room.rows.count(), &mut rows);
        let arena = rows.arena();
        let at = |tf: &TimeFormat| -> Vec<Vec<String>> {
            rows.rows.iter().map(|r| r.cells(tf, &arena)).collect()
        };
        let brief = |b: Brevity| tf.briefer(b).map_or_else(|| at(tf), |t| at(&t));
        let full = self.held.push(HeldRoom {
            heading: heading(
                room.id,
                room.file,
                room.line,
                rows.rows.len(),
                "participant",
            ),
            cells: [at(tf), brief(Brevity::Seconds), brief(Brevity::Minutes)],
        });
        if full {
            self.flush(out)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.flush(out)
    }
}
