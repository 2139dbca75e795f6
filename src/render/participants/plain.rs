//! `--format plain`: aligned columns without borders or colour, the
//! default when piped, shaped for `awk`, `sort` and `cut`: one header line
//! (none with `--no-header`), one line per participant, no headings.
//!
//! - A ROOM column comes first whenever the output holds more than one
//!   room (several inputs, or an input with several rooms), so every line
//!   says where it belongs.
//! - IDENTITY is the identity (the key when there is none). A KEY column
//!   follows it when there are several rooms, or when a key of the first
//!   room differs from its identity; otherwise the two are the same.
//! - The first room settles the columns and their widths, so a stream is
//!   written as it is read; a wider cell later pushes its line out rather
//!   than holding every room back.

use std::io::{self, Write};

use super::{HEADER, Room, RowSink, Rows};
use crate::render::table::{display_width, pad};
use crate::term::sanitize;
use crate::time::TimeFormat;

pub struct Plain<'t> {
    pub tf: &'t TimeFormat,
    /// Write the header row (`--no-header` leaves it out).
    pub header: bool,
    /// More than one input: several rooms whatever the first one holds.
    pub several_inputs: bool,
    /// Set by the first room.
    layout: Option<Layout>,
}

impl<'t> Plain<'t> {
    pub fn new(tf: &'t TimeFormat, header: bool, several_inputs: bool) -> Self {
        Plain {
            tf,
            header,
            several_inputs,
            layout: None,
        }
    }
}

/// Which columns are shown, and how wide each is.
struct Layout {
    room: bool,
    key: bool,
    widths: Vec<usize>,
}

/// The columns of a line: ROOM, IDENTITY, KEY, then the rest of [`HEADER`].
fn titles() -> Vec<&'static str> {
    let mut titles = vec!["ROOM", "IDENTITY", "KEY"];
    titles.extend(&HEADER[1..]);
    titles
}

impl RowSink for Plain<'_> {
    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let mut rows = Rows::default();
        room.rows.build(0..room.rows.count(), &mut rows);
        let arena = rows.arena();
        let tf = self.tf;
        let id = sanitize(room.id.unwrap_or("(no id)")).into_owned();
        let cell = |row: usize, col: usize, text: &mut String| {
            let r = &rows.rows[row];
            match col {
                0 => text.push_str(&id),
                1 => text.push_str(&sanitize(r.identity(&arena).unwrap_or(r.key(&arena)))),
                2 => text.push_str(&sanitize(r.key(&arena))),
                col => r.cell(col - 2, tf, &arena, text),
            }
        };
        let titles = titles();
        if self.layout.is_none() {
            let room_column = self.several_inputs || !room.last;
            let key_column = room_column
                || rows
                    .rows
                    .iter()
                    .any(|r| r.identity(&arena).is_some_and(|id| id != r.key(&arena)));
            let mut widths: Vec<usize> = titles.iter().map(|t| display_width(t)).collect();
            let mut text = String::new();
            for row in 0..rows.rows.len() {
                for (col, width) in widths.iter_mut().enumerate() {
                    text.clear();
                    cell(row, col, &mut text);
                    *width = (*width).max(display_width(&text));
                }
            }
            let layout = Layout {
                room: room_column,
                key: key_column,
                widths,
            };
            if self.header {
                let shown = shown(&layout);
                let mut line = String::new();
                for (i, &col) in shown.iter().enumerate() {
                    pad(&mut line, i, shown.len(), titles[col], layout.widths[col]);
                }
                writeln!(out, "{}", line.trim_end())?;
            }
            self.layout = Some(layout);
        }
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        let shown = shown(layout);
        let (mut line, mut text) = (String::new(), String::new());
        for row in 0..rows.rows.len() {
            line.clear();
            for (i, &col) in shown.iter().enumerate() {
                text.clear();
                cell(row, col, &mut text);
                pad(&mut line, i, shown.len(), &text, layout.widths[col]);
            }
            line.truncate(line.trim_end().len());
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// The columns of `layout`, in order.
fn shown(layout: &Layout) -> Vec<usize> {
    (0..layout.widths.len())
        .filter(|&col| (col != 0 || layout.room) && (col != 2 || layout.key))
        .collect()
}
