//! `--format text`: a block of labelled lines per room, then the totals
//! when there is more than one room.

use std::io::{self, Write};

use super::{SummarySink, Totals, lines};
use crate::commands::summary::RoomSummary;
use crate::term::sanitize;
use crate::time::TimeFormat;

pub struct Text<'t> {
    tf: &'t TimeFormat,
    totals: Totals,
}

impl<'t> Text<'t> {
    pub fn new(tf: &'t TimeFormat) -> Self {
        Text {
            tf,
            totals: Totals::default(),
        }
    }
}

impl SummarySink for Text<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &RoomSummary) -> io::Result<()> {
        if self.totals.rooms > 0 {
            writeln!(out)?;
        }
        self.totals.add(room);
        let id = room
            .id
            .as_deref()
            .map_or_else(|| "(no id)".to_string(), |id| sanitize(id).into_owned());
        writeln!(
            out,
            "room {id}  {}#{}, line {}",
            sanitize(&room.file),
            room.index + 1,
            room.line
        )?;
        for (label, text) in lines(room, self.tf, &|s| sanitize(s).into_owned()) {
            writeln!(out, "  {label:<13} {text}")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.totals.rooms > 1 {
            writeln!(out, "\ntotal: {}", self.totals.line())?;
        }
        Ok(())
    }
}
