//! `--format markdown`: a GitHub-flavoured Markdown table per room, under
//! a `###` heading when there are several.

use std::io::{self, Write};

use super::{HEADER, Room, RowSink, sectioned};
use crate::render::table::{Sections, markdown};
use crate::time::TimeFormat;

pub struct Markdown<'t> {
    pub tf: &'t TimeFormat,
    pub sections: Sections,
}

impl RowSink for Markdown<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let tf = self.tf;
        sectioned(&mut self.sections, out, room, "### ", |out, rows, arena| {
            if rows.is_empty() {
                return writeln!(out, "_no participants_");
            }
            markdown(out, &HEADER, rows.iter().map(|r| r.cells(tf, arena)))
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sections.finish(out)
    }
}
