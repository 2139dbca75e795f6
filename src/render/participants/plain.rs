//! `--format plain`: aligned columns without borders or colour, the
//! default when piped, shaped for `awk`, `sort` and `cut`: one header line
//! (none with `--no-header`), one line per participant, no headings.
//!
//! - A ROOM column comes first whenever the output holds more than one
//!   room (several inputs, or an input with several rooms), so every line
//!   says where it belongs.
//! - IDENTITY is the identity (the key when there is none). A KEY column
//!   follows it when there are several rooms, or when a key of the room
//!   differs from its identity; otherwise the two are the same.
//! - When rows are sorted across rooms (the default with several rooms)
//!   they are all held, so one width fits every room. With `--per-room` a
//!   stream is written as it is read: the first room settles the columns
//!   and their widths, and a wider cell later pushes its line out.

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
    /// Set by the first room written.
    layout: Option<Layout>,
    /// Rows sorted across rooms, held until the end: cells, and whether
    /// a key differs from its identity.
    held: Option<Held>,
}

#[derive(Default)]
struct Held {
    lines: Vec<Vec<String>>,
    rooms: Vec<String>,
    key_differs: bool,
}

impl<'t> Plain<'t> {
    pub fn new(tf: &'t TimeFormat, header: bool, several_inputs: bool) -> Self {
        Plain {
            tf,
            header,
            several_inputs,
            layout: None,
            held: None,
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

/// The cell at a row and column of `room`. Held rows keep these as
/// strings; a room written as it comes is measured
/// and written in two passes instead, so a huge room needs no strings.
fn cell_of<'r>(
    room: &'r Room<'_, '_>,
    rows: &'r Rows<'_>,
    arena: &'r str,
    tf: &'r TimeFormat,
) -> impl Fn(usize, usize, &mut String) + 'r {
    let id = sanitize(room.id.unwrap_or("(no id)")).into_owned();
    move |row: usize, col: usize, text: &mut String| {
        let r = &rows.rows[row];
        match col {
            0 => text.push_str(&id),
            1 => text.push_str(&sanitize(r.identity(arena).unwrap_or(r.key(arena)))),
            2 => text.push_str(&sanitize(r.key(arena))),
            col => r.cell(col - 2, tf, arena, text),
        }
    }
}

impl RowSink for Plain<'_> {
    fn across_rooms(&mut self) {
        self.held = Some(Held::default());
    }

    fn room(&mut self, out: &mut dyn Write, room: &Room<'_, '_>) -> io::Result<()> {
        let columns = titles().len();
        let differs = |rows: &Rows<'_>, arena: &str| {
            rows.rows
                .iter()
                .any(|r| r.identity(arena).is_some_and(|id| id != r.key(arena)))
        };
        if let Some(held) = &mut self.held {
            let mut rows = Rows::default();
            room.rows.build(0..room.rows.count(), &mut rows);
            let arena = rows.arena();
            let cell = cell_of(room, &rows, &arena, self.tf);
            held.key_differs = held.key_differs || differs(&rows, &arena);
            if held.rooms.last().is_none_or(|r| r != room.source) {
                held.rooms.push(room.source.to_string());
            }
            for row in 0..rows.rows.len() {
                held.lines.push(
                    (0..columns)
                        .map(|col| {
                            let mut text = String::new();
                            cell(row, col, &mut text);
                            text
                        })
                        .collect(),
                );
            }
            return Ok(());
        }
        // A room written as it comes is measured (the first room) and then
        // written. A large room is built a batch of rows at a time for
        // each pass, so it never holds all its rows; a smaller one is
        // built once.
        let mut whole = Rows::default();
        let built = room.rows.count() <= ONE_BUILD;
        if built {
            room.rows.build(0..room.rows.count(), &mut whole);
        }
        let whole = built.then_some(&whole);
        if self.layout.is_none() {
            let room_column = self.several_inputs || !room.last;
            let mut key_differs = room_column;
            let mut widths: Vec<usize> = titles().iter().map(|t| display_width(t)).collect();
            in_batches(room, whole, |rows, arena| {
                key_differs = key_differs || differs(rows, arena);
                let cell = cell_of(room, rows, arena, self.tf);
                let batch = measure(room_column, key_differs, rows.rows.len(), &cell);
                for (width, seen) in widths.iter_mut().zip(batch.widths) {
                    *width = (*width).max(seen);
                }
                Ok(())
            })?;
            let layout = Layout {
                room: room_column,
                key: key_differs,
                widths,
            };
            self.start_with(out, layout)?;
        }
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        in_batches(room, whole, |rows, arena| {
            let cell = cell_of(room, rows, arena, self.tf);
            write_lines(out, layout, rows.rows.len(), &cell)
        })
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some(mut held) = self.held.take() else {
            return Ok(());
        };
        held.rooms.sort_unstable();
        held.rooms.dedup();
        let room_column = self.several_inputs || held.rooms.len() > 1;
        let cell = |row: usize, col: usize, text: &mut String| text.push_str(&held.lines[row][col]);
        let layout = measure(
            room_column,
            room_column || held.key_differs,
            held.lines.len(),
            &cell,
        );
        self.start_with(out, layout)?;
        match &self.layout {
            Some(layout) => write_lines(out, layout, held.lines.len(), &cell),
            None => Ok(()),
        }
    }
}

impl Plain<'_> {
    /// Settles the layout and writes the header line.
    fn start_with(&mut self, out: &mut dyn Write, layout: Layout) -> io::Result<()> {
        if self.header {
            let titles = titles();
            let shown = shown(&layout);
            let mut line = String::new();
            for (i, &col) in shown.iter().enumerate() {
                pad(&mut line, i, shown.len(), titles[col], layout.widths[col]);
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        self.layout = Some(layout);
        Ok(())
    }
}

/// Rooms of up to this many rows are built once for both passes.
const ONE_BUILD: usize = 1 << 16;

/// The rows of `room` with their texts: `whole` when they were built
/// already, else a batch at a time.
fn in_batches(
    room: &Room<'_, '_>,
    whole: Option<&Rows<'_>>,
    mut each: impl FnMut(&Rows<'_>, &str) -> io::Result<()>,
) -> io::Result<()> {
    const BATCH: usize = 4096;
    if let Some(rows) = whole {
        return each(rows, &rows.arena());
    }
    let count = room.rows.count();
    let mut rows = Rows::default();
    for start in (0..count).step_by(BATCH) {
        room.rows.build(start..count.min(start + BATCH), &mut rows);
        let arena = rows.arena();
        each(&rows, &arena)?;
    }
    Ok(())
}

/// The widest cell of each column over `rows` rows, headers included.
fn measure(room: bool, key: bool, rows: usize, cell: &dyn Fn(usize, usize, &mut String)) -> Layout {
    let mut widths: Vec<usize> = titles().iter().map(|t| display_width(t)).collect();
    let mut text = String::new();
    for row in 0..rows {
        for (col, width) in widths.iter_mut().enumerate() {
            text.clear();
            cell(row, col, &mut text);
            *width = (*width).max(display_width(&text));
        }
    }
    Layout { room, key, widths }
}

fn write_lines(
    out: &mut dyn Write,
    layout: &Layout,
    rows: usize,
    cell: &dyn Fn(usize, usize, &mut String),
) -> io::Result<()> {
    let shown = shown(layout);
    let (mut line, mut text) = (String::new(), String::new());
    for row in 0..rows {
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

/// The columns of `layout`, in order.
fn shown(layout: &Layout) -> Vec<usize> {
    (0..layout.widths.len())
        .filter(|&col| (col != 0 || layout.room) && (col != 2 || layout.key))
        .collect()
}
