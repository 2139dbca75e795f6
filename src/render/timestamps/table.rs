//! `--format table`: one bordered row per timestamp, fitted to the
//! terminal; several rooms get a heading each and share one width per
//! column, so their tables line up.

use std::io::{self, Write};
use std::ops::Range;

use super::{HEADER, Room, StampSink, cell, columns};
use crate::render::table::{Fit, Held, HeldRoom, Tint, Tinter, bordered, bordered_rooms, heading};
use crate::time::{Brevity, TimeFormat};

/// How each column of [`HEADER`] gives way in a narrow terminal.
const FITS: [Fit; 5] = [Fit::CutMiddle, Fit::Whole, Fit::Time, Fit::Whole, Fit::Wrap];
const NOTE: usize = 4;

pub struct Table<'t> {
    pub tf: &'t TimeFormat,
    /// `--width`, `COLUMNS` or the terminal's; `None` when there is none.
    pub width: Option<u16>,
    /// Colour the header and the notes.
    pub colour: bool,
    pub held: Held,
}

/// The note says how bad a value is: invalid in red, a time in seconds
/// in yellow.
fn tinter(tf: &TimeFormat) -> impl Fn(usize, &str) -> Option<Tint> {
    let note = columns(tf).iter().position(|&c| c == NOTE);
    move |col: usize, text: &str| -> Option<Tint> {
        if Some(col) != note || text.is_empty() {
            return None;
        }
        Some(if text.starts_with("invalid") {
            Tint::Bad
        } else {
            Tint::Warn
        })
    }
}

impl Table<'_> {
    fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let shown = columns(self.tf);
        let header: Vec<&str> = shown.iter().map(|&c| HEADER[c]).collect();
        let fits: Vec<Fit> = shown.iter().map(|&c| FITS[c]).collect();
        let tint = tinter(self.tf);
        let tint: Option<Tinter<'_>> = self.colour.then_some(&tint);
        let rooms = self.held.take();
        bordered_rooms(
            out,
            &header,
            &fits,
            &rooms,
            self.tf,
            self.width,
            tint,
            "no timestamps",
        )
    }
}

impl StampSink for Table<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, width) = (self.tf, self.width);
        let shown = columns(tf);
        let cells_of = |range: Range<usize>, tf: &TimeFormat| -> Vec<Vec<String>> {
            range
                .filter_map(|i| room.timestamps.get(i))
                .map(|t| {
                    shown
                        .iter()
                        .map(|&col| {
                            let mut text = String::new();
                            cell(room, &t, col, tf, &mut text);
                            text
                        })
                        .collect()
                })
                .collect()
        };
        if self.held.alone(room.last) {
            if room.timestamps.is_empty() {
                return writeln!(out, "no timestamps");
            }
            let header: Vec<&str> = shown.iter().map(|&c| HEADER[c]).collect();
            let fits: Vec<Fit> = shown.iter().map(|&c| FITS[c]).collect();
            let tint = tinter(tf);
            let tint: Option<Tinter<'_>> = self.colour.then_some(&tint);
            let range_cells = |tf: &TimeFormat, range: Range<usize>| cells_of(range, tf);
            let count = room.timestamps.len();
            return bordered(out, &header, &fits, count, &range_cells, tf, width, tint);
        }
        let cells = |tf: &TimeFormat| cells_of(0..room.timestamps.len(), tf);
        let brief = |b: Brevity| tf.briefer(b).map_or_else(|| cells(tf), |t| cells(&t));
        let count = room.timestamps.len();
        let full = self.held.push(HeldRoom {
            heading: heading(room.id, room.file, room.line, count, "timestamp"),
            cells: [cells(tf), brief(Brevity::Seconds), brief(Brevity::Minutes)],
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
