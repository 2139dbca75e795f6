//! `--format markdown`: a heading and a two-column table per room, then
//! the totals when there is more than one room.

use std::io::{self, Write};

use super::{SummarySink, Totals, lines};
use crate::commands::summary::RoomSummary;
use crate::render::table;
use crate::term::sanitize;
use crate::time::TimeFormat;

pub struct Markdown<'t> {
    tf: &'t TimeFormat,
    totals: Totals,
}

impl<'t> Markdown<'t> {
    pub fn new(tf: &'t TimeFormat) -> Self {
        Markdown {
            tf,
            totals: Totals::default(),
        }
    }
}

impl SummarySink for Markdown<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &RoomSummary) -> io::Result<()> {
        if self.totals.rooms > 0 {
            writeln!(out)?;
        }
        self.totals.add(room);
        let id = room.id.as_deref().unwrap_or("(no id)");
        let source = format!("{}#{}, line {}", room.file, room.index + 1, room.line);
        let rows: Vec<Vec<String>> = std::iter::once(vec!["room".to_string(), id.to_string()])
            .chain(std::iter::once(vec!["source".to_string(), source]))
            .chain(
                lines(room, self.tf, &|s| s.to_string())
                    .into_iter()
                    .map(|(label, text)| vec![label.to_string(), text]),
            )
            .map(|row| row.iter().map(|c| sanitize(c).into_owned()).collect())
            .collect();
        table::markdown(out, &["field", "value"], rows)
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.totals.rooms > 1 {
            writeln!(out, "\n**Total:** {}", self.totals.line())?;
        }
        Ok(())
    }
}
