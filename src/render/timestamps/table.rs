//! `--format table`: one bordered row per timestamp, fitted to the terminal.

use std::io::{self, Write};

use super::{HEADER, Room, StampSink, cell, columns, sectioned};
use crate::render::table::{Sections, bordered};
use crate::time::TimeFormat;

/// The raw value, the time and the relative time are never wrapped.
const WHOLE: [usize; 3] = [1, 2, 3];

pub struct Table<'t> {
    pub tf: &'t TimeFormat,
    /// The terminal's width; `None` when not on a terminal.
    pub width: Option<u16>,
    pub sections: Sections,
}

impl StampSink for Table<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let (tf, width) = (self.tf, self.width);
        sectioned(&mut self.sections, out, room, "", |out| {
            if room.timestamps.is_empty() {
                return writeln!(out, "no timestamps");
            }
            let shown = columns(tf);
            let header: Vec<&str> = shown.iter().map(|&c| HEADER[c]).collect();
            let whole: Vec<usize> = (0..shown.len())
                .filter(|&i| WHOLE.contains(&shown[i]))
                .collect();
            let cells: Vec<Vec<String>> = room
                .timestamps
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
                .collect();
            bordered(out, &header, &cells, width, &whole)
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
