//! `--format table`: one bordered row per timestamp, fitted to the terminal.

use std::io::{self, Write};

use super::{HEADER, Room, StampSink, cell, columns, sectioned};
use crate::render::table::{Fit, Sections, Tint, Tinter, bordered};
use crate::time::TimeFormat;

/// How each column of [`HEADER`] gives way in a narrow terminal.
const FITS: [Fit; 5] = [Fit::CutMiddle, Fit::Whole, Fit::Time, Fit::Whole, Fit::Wrap];
const NOTE: usize = 4;

pub struct Table<'t> {
    pub tf: &'t TimeFormat,
    /// `--width`, `COLUMNS` or the terminal's; `None` when there is none.
    pub width: Option<u16>,
    /// Colour the header and the notes.
    pub colour: bool,
    pub sections: Sections,
}

impl StampSink for Table<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, width) = (self.tf, self.width);
        let shown = columns(tf);
        // The note says how bad a value is: invalid in red, a time in
        // seconds in yellow.
        let note = shown.iter().position(|&c| c == NOTE);
        let tint = move |col: usize, text: &str| -> Option<Tint> {
            if Some(col) != note || text.is_empty() {
                return None;
            }
            Some(if text.starts_with("invalid") {
                Tint::Bad
            } else {
                Tint::Warn
            })
        };
        let tint: Option<Tinter<'_>> = self.colour.then_some(&tint);
        sectioned(&mut self.sections, out, room, "", |out| {
            if room.timestamps.is_empty() {
                return writeln!(out, "no timestamps");
            }
            let header: Vec<&str> = shown.iter().map(|&c| HEADER[c]).collect();
            let fits: Vec<Fit> = shown.iter().map(|&c| FITS[c]).collect();
            let cells = |tf: &TimeFormat| -> Vec<Vec<String>> {
                room.timestamps
                    .iter()
                    .map(|t| {
                        shown
                            .iter()
                            .map(|&col| {
                                let mut text = String::new();
                                cell(room, t, col, tf, &mut text);
                                text
                            })
                            .collect()
                    })
                    .collect()
            };
            bordered(out, &header, &fits, &cells, tf, width, tint)
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
