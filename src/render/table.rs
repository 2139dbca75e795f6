//! Tables for people: comfy-table fitted to the terminal on a terminal, and
//! plain aligned columns (no borders, no colour) when piped, like `ls`.
//! Cells arrive already sanitized.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, presets};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::term::sanitize;
use crate::time::{Brevity, TimeFormat};

/// `room ID (FILE, line N): 3 participants`, the heading of a room's
/// section when there are several.
pub fn heading(id: Option<&str>, file: &str, line: usize, count: usize, noun: &str) -> String {
    format!(
        "room {} ({}, line {}): {count} {noun}{}",
        sanitize(id.unwrap_or("(no id)")),
        sanitize(file),
        line,
        if count == 1 { "" } else { "s" }
    )
}

/// What a column holds, which decides how it gives way when a table is
/// wider than its terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Text that may be cut with `…`, and at the last wrapped (names, notes).
    Wrap,
    /// Cut with `…` at its end, never wrapped (identities).
    Cut,
    /// Cut with `…` in its middle, never wrapped: a pointer, whose end
    /// names the field.
    CutMiddle,
    /// Never cut or wrapped (numbers, durations, statuses).
    Whole,
    /// A time: never cut or wrapped, but it may be written shorter.
    Time,
}

/// Which colour a cell of a column gets, if any.
pub type Tinter<'f> = &'f dyn Fn(usize, &str) -> Option<Tint>;

/// How a cell is coloured, when the output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tint {
    Good,
    Faint,
    Warn,
    Bad,
}

/// A bordered table. `cells` renders every row's cells with the times in
/// the given format; `width` is the terminal's (or `--width`), `None` when
/// there is none; `tint` colours cells, `None` for no colour.
///
/// A table must fit its width without splitting a time, a duration, a
/// pointer or an identity. When it is too wide, in this order:
/// 1. columns with no text in any row are left out;
/// 2. times are written shorter (`2024-12-04 08:01:00Z`, then
///    `12-04 08:01`), unless the user chose a time style;
/// 3. names, identities and pointers are cut with `…`, widest first, down
///    to the width of their header (at least 6);
/// 4. only then are names (and notes) wrapped.
///
/// `cells` renders the rows of a range of the `count`; a table of more
/// than [`STREAMED`] rows is not held: it is measured a batch at a time,
/// then drawn a batch at a time with every column at its measured width,
/// so memory follows the batch, not the table.
#[allow(clippy::too_many_arguments)]
pub fn bordered(
    out: &mut dyn Write,
    header: &[&str],
    fits: &[Fit],
    count: usize,
    cells: Cells<'_>,
    tf: &TimeFormat,
    width: Option<u16>,
    tint: Option<Tinter<'_>>,
) -> io::Result<()> {
    if count > STREAMED {
        let plan = plan(header, fits, count, cells, tf, width);
        return draw_streamed(out, header, fits, count, cells, &plan, width, tint);
    }
    let all = |tf: &TimeFormat| cells(tf, 0..count);
    let fitted = fit(header, fits, &all, tf, width);
    draw(out, header, fits, &fitted, &fitted.rows, width, tint, false)
}

/// The cells of a range of a table's rows, with times in the given format.
pub type Cells<'c> = &'c dyn Fn(&TimeFormat, Range<usize>) -> Vec<Vec<String>>;

/// Tables of more rows than this are drawn a batch of this many at a time.
pub const STREAMED: usize = 4096;

/// How a streamed table is drawn: the times' format, the columns shown
/// and their widths, and whether cells must be cut to those widths.
struct Plan {
    tf: TimeFormat,
    shown: Vec<usize>,
    /// Each column's width on the screen.
    widths: Vec<usize>,
    /// What cells are cut to, when `cut`: the widths before a terminal
    /// too narrow for them made the columns narrower still, where cells
    /// wrap instead.
    cut_to: Vec<usize>,
    cut: bool,
}

/// Every column's widest cell (cut to `widest_cell`) and whether any of
/// its cells has text, over all rows, a batch at a time.
fn measure(
    header: &[&str],
    count: usize,
    cells: Cells<'_>,
    tf: &TimeFormat,
    widest_cell: usize,
) -> (Vec<usize>, Vec<bool>) {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    let mut filled = vec![false; header.len()];
    for start in (0..count).step_by(STREAMED) {
        for row in cells(tf, start..count.min(start + STREAMED)) {
            for (col, text) in row.iter().enumerate().take(header.len()) {
                let shown = display_width(&cut(text, widest_cell));
                widths[col] = widths[col].max(shown);
                filled[col] |= !text.is_empty();
            }
        }
    }
    (widths, filled)
}

/// [`fit`]'s decisions for a table too long to hold, in the same order.
fn plan(
    header: &[&str],
    fits: &[Fit],
    count: usize,
    cells: Cells<'_>,
    tf: &TimeFormat,
    width: Option<u16>,
) -> Plan {
    let widest_cell = width.map_or(WIDEST_CELL, usize::from);
    let (mut all_widths, filled) = measure(header, count, cells, tf, widest_cell);
    let asked = tf;
    let mut tf = tf.clone();
    let mut shown: Vec<usize> = (0..header.len()).collect();
    let widths_of = |shown: &[usize], all: &[usize]| shown.iter().map(|&c| all[c]).collect();
    let Some(width) = width.map(usize::from) else {
        let widths: Vec<usize> = widths_of(&shown, &all_widths);
        return Plan {
            tf,
            shown,
            cut_to: widths.clone(),
            widths,
            cut: false,
        };
    };
    let too_wide = |shown: &[usize], all: &[usize]| table_width(&widths_of(shown, all)) > width;
    if too_wide(&shown, &all_widths) {
        shown.retain(|&c| filled[c]);
    }
    for brevity in [Brevity::Seconds, Brevity::Minutes] {
        let has_times = shown.iter().any(|&c| fits[c] == Fit::Time);
        if has_times
            && too_wide(&shown, &all_widths)
            && let Some(brief) = asked.briefer(brevity)
        {
            all_widths = measure(header, count, cells, &brief, widest_cell).0;
            tf = brief;
        }
    }
    let mut widths: Vec<usize> = widths_of(&shown, &all_widths);
    let cut = table_width(&widths) > width;
    if cut {
        let cuttable = |i: usize| matches!(fits[shown[i]], Fit::Wrap | Fit::Cut | Fit::CutMiddle);
        let least = |i: usize| display_width(header[shown[i]]).max(NARROWEST);
        while table_width(&widths) > width {
            let widest = (0..shown.len())
                .filter(|&i| cuttable(i) && widths[i] > least(i))
                .max_by_key(|&i| widths[i]);
            let Some(i) = widest else { break };
            widths[i] -= 1;
        }
    }
    let cut_to = widths.clone();
    if table_width(&widths) > width {
        share_out(&mut widths, width);
    }
    Plan {
        tf,
        shown,
        widths,
        cut_to,
        cut,
    }
}

/// Widths for a table narrower than every column's least, so that
/// everything wraps rather than overflows, as comfy-table lays out a held
/// table: a column narrower than an even share of what is left keeps its
/// width, the others share the rest evenly, the first ones taking what
/// does not divide.
fn share_out(widths: &mut [usize], width: usize) {
    let n = widths.len();
    let mut left = width.saturating_sub(1 + 3 * n);
    let mut open: Vec<usize> = (0..n).collect();
    while !open.is_empty() {
        let share = left / open.len();
        let (narrow, wide): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&i| widths[i] <= share);
        if narrow.is_empty() {
            let extra = left % open.len();
            for (k, &i) in open.iter().enumerate() {
                widths[i] = (share + usize::from(k < extra)).max(1);
            }
            return;
        }
        for i in narrow {
            left -= widths[i];
        }
        open = wide;
    }
}

/// Draws a planned table a batch at a time: the first batch with the top
/// border and the header, the last with the bottom border, every column
/// at its planned width so the batches line up as one table.
#[allow(clippy::too_many_arguments)]
fn draw_streamed(
    out: &mut dyn Write,
    header: &[&str],
    fits: &[Fit],
    count: usize,
    cells: Cells<'_>,
    plan: &Plan,
    width: Option<u16>,
    tint: Option<Tinter<'_>>,
) -> io::Result<()> {
    let widest_cell = width.map_or(WIDEST_CELL, usize::from);
    let fitted = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .map(|row| {
                plan.shown
                    .iter()
                    .enumerate()
                    .map(|(i, &col)| {
                        let text = row.get(col).map_or("", String::as_str);
                        let text = cut(text, widest_cell);
                        let text = match fits[col] {
                            _ if !plan.cut => text,
                            Fit::Wrap | Fit::Cut => {
                                Cow::Owned(cut(&text, plan.cut_to[i]).into_owned())
                            }
                            Fit::CutMiddle => {
                                Cow::Owned(cut_middle(&text, plan.cut_to[i]).into_owned())
                            }
                            Fit::Whole | Fit::Time => text,
                        };
                        text.into_owned()
                    })
                    .collect()
            })
            .collect()
    };
    for start in (0..count).step_by(STREAMED) {
        let end = count.min(start + STREAMED);
        let rows = fitted(cells(&plan.tf, start..end));
        let table = table_of(header, plan, &rows, start == 0, tint);
        let mut lines: Vec<&str> = table.lines().collect();
        if end < count {
            lines.pop();
        }
        let from = usize::from(start > 0);
        for line in lines.get(from..).unwrap_or_default() {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// One batch of a streamed table, as comfy-table draws it with every
/// column at its planned width; the header only when `with_header`.
fn table_of(
    header: &[&str],
    plan: &Plan,
    rows: &[Vec<String>],
    with_header: bool,
    tint: Option<Tinter<'_>>,
) -> String {
    let mut table = styled_table(tint);
    if with_header {
        table.set_header(plan.shown.iter().map(|&c| header_cell(header[c], tint)));
    }
    add_rows(&mut table, rows, &plan.shown, tint);
    table.set_constraints(plan.widths.iter().map(|&w| {
        ColumnConstraint::Absolute(comfy_table::Width::Fixed(
            u16::try_from(w + 2).unwrap_or(u16::MAX),
        ))
    }));
    table.to_string()
}

/// An empty table in the project's style, coloured or not.
fn styled_table(tint: Option<Tinter<'_>>) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        // Colour is decided once, in `main`; the table never asks the
        // terminal itself.
        .force_no_tty();
    if tint.is_some() {
        table.enforce_styling();
    }
    table
}

fn header_cell(title: &str, tint: Option<Tinter<'_>>) -> Cell {
    let cell = Cell::new(title);
    if tint.is_some() {
        cell.add_attribute(comfy_table::Attribute::Bold)
    } else {
        cell
    }
}

fn add_rows(table: &mut Table, rows: &[Vec<String>], shown: &[usize], tint: Option<Tinter<'_>>) {
    for row in rows {
        table.add_row(row.iter().zip(shown).map(|(text, &col)| {
            let cell = Cell::new(text);
            match tint.and_then(|tint| tint(col, text)) {
                None => cell,
                Some(Tint::Good) => cell.fg(comfy_table::Color::Green),
                Some(Tint::Faint) => cell.add_attribute(comfy_table::Attribute::Dim),
                Some(Tint::Warn) => cell.fg(comfy_table::Color::Yellow),
                Some(Tint::Bad) => cell.fg(comfy_table::Color::Red),
            }
        }));
    }
}

/// Several rooms' tables with one width per column, so they line up: the
/// rooms are fitted as one (see [`bordered`]), then drawn one by one under
/// their headings. `cells` holds each room's rows with times in full, then
/// [`Brevity::Seconds`], then [`Brevity::Minutes`].
pub struct HeldRoom {
    pub heading: String,
    pub cells: [Vec<Vec<String>>; 3],
}

/// Rooms held to be fitted as one. A lone room (one input, nothing after
/// it) is drawn at once instead; a long stream is flushed in batches of
/// about [`Held::BATCH`] rows, so memory stays bounded.
pub struct Held {
    /// More than one input: no room is alone.
    several_inputs: bool,
    rooms: Vec<HeldRoom>,
    rows: usize,
    /// A room was held already: no later room is alone.
    sectioned: bool,
}

impl Held {
    pub const BATCH: usize = 10_000;

    pub fn new(several_inputs: bool) -> Held {
        Held {
            several_inputs,
            rooms: Vec::new(),
            rows: 0,
            sectioned: false,
        }
    }

    /// Whether the room is the only one (one input, nothing after it), to
    /// be drawn straight away without a heading.
    pub fn alone(&self, last: bool) -> bool {
        !self.sectioned && !self.several_inputs && last
    }

    /// Holds a room; true when the batch is full and should be drawn.
    pub fn push(&mut self, room: HeldRoom) -> bool {
        self.sectioned = true;
        self.rows += room.cells[0].len();
        self.rooms.push(room);
        self.rows >= Held::BATCH
    }

    /// The rooms held so far, to draw.
    pub fn take(&mut self) -> Vec<HeldRoom> {
        self.rows = 0;
        std::mem::take(&mut self.rooms)
    }
}

#[allow(clippy::too_many_arguments)]
pub fn bordered_rooms(
    out: &mut dyn Write,
    header: &[&str],
    fits: &[Fit],
    rooms: &[HeldRoom],
    tf: &TimeFormat,
    width: Option<u16>,
    tint: Option<Tinter<'_>>,
    empty: &str,
) -> io::Result<()> {
    let seconds = tf.briefer(Brevity::Seconds).map(|t| t.style);
    let level = |t: &TimeFormat| {
        if t.style == tf.style {
            0
        } else if Some(&t.style) == seconds.as_ref() {
            1
        } else {
            2
        }
    };
    let cells = |t: &TimeFormat| -> Vec<Vec<String>> {
        let level = level(t);
        rooms
            .iter()
            .flat_map(|r| r.cells[level].iter().cloned())
            .collect()
    };
    let fitted = fit(header, fits, &cells, tf, width);
    let mut at = 0;
    for room in rooms {
        writeln!(out, "{}", room.heading)?;
        let count = room.cells[0].len();
        if count == 0 {
            writeln!(out, "{empty}")?;
        } else {
            draw(
                out,
                header,
                fits,
                &fitted,
                &fitted.rows[at..at + count],
                width,
                tint,
                true,
            )?;
        }
        at += count;
        writeln!(out)?;
    }
    Ok(())
}

/// Draws `rows` with the columns `fitted` chose; `fixed`: every column at
/// its fitted width, so tables drawn one after another line up.
#[allow(clippy::too_many_arguments)]
fn draw(
    out: &mut dyn Write,
    header: &[&str],
    fits: &[Fit],
    fitted: &Fitted,
    rows: &[Vec<String>],
    width: Option<u16>,
    tint: Option<Tinter<'_>>,
    fixed: bool,
) -> io::Result<()> {
    let mut table = styled_table(tint);
    table.set_header(fitted.shown.iter().map(|&c| header_cell(header[c], tint)));
    if let Some(w) = width {
        table.set_width(w);
    }
    add_rows(&mut table, rows, &fitted.shown, tint);
    // Only what may wrap is left to comfy-table's layout; every other
    // column keeps its width, unless even that does not fit (a very narrow
    // terminal), where wrapping everything beats overflowing.
    let keep: Vec<usize> = (0..fitted.shown.len())
        .filter(|&i| fits[fitted.shown[i]] != Fit::Wrap)
        .collect();
    let needed: usize = (0..fitted.shown.len())
        .map(|i| {
            if keep.contains(&i) {
                fitted.widths[i]
            } else {
                NARROWEST
            }
        })
        .map(|w| w + 3)
        .sum::<usize>()
        + 1;
    if fixed && width.is_none_or(|w| usize::from(w) >= needed) {
        let widths = fitted.widths.iter().map(|&w| {
            // A fixed width counts the padding, one space each side.
            ColumnConstraint::Absolute(comfy_table::Width::Fixed(
                u16::try_from(w + 2).unwrap_or(u16::MAX),
            ))
        });
        table.set_constraints(widths);
    } else if width.is_none_or(|w| usize::from(w) >= needed) {
        for &index in &keep {
            if let Some(column) = table.column_mut(index) {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    writeln!(out, "{table}")
}

/// A column is not cut narrower than this (or its header).
const NARROWEST: usize = 6;

/// A table's cells after fitting: which columns are shown, their rows and
/// their widths.
#[derive(Debug)]
struct Fitted {
    shown: Vec<usize>,
    rows: Vec<Vec<String>>,
    widths: Vec<usize>,
}

/// Columns `shown` take with these cells, borders included.
fn table_width(widths: &[usize]) -> usize {
    widths.iter().map(|w| w + 3).sum::<usize>() + 1
}

fn fit(
    header: &[&str],
    fits: &[Fit],
    cells: &dyn Fn(&TimeFormat) -> Vec<Vec<String>>,
    tf: &TimeFormat,
    width: Option<u16>,
) -> Fitted {
    // Laying out a cell costs more than its length (comfy-table wraps it
    // line by line), and no cell can show more than the table's width: cut
    // first, so a name of megabytes costs what a screenful does.
    let widest_cell = width.map_or(WIDEST_CELL, usize::from);
    let rendered = |tf: &TimeFormat| -> Vec<Vec<String>> {
        cells(tf)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|c| match cut(&c, widest_cell) {
                        Cow::Borrowed(_) => c,
                        Cow::Owned(short) => short,
                    })
                    .collect()
            })
            .collect()
    };
    let mut all = rendered(tf);
    let mut shown: Vec<usize> = (0..header.len()).collect();
    let widths_of = |shown: &[usize], rows: &[Vec<String>]| -> Vec<usize> {
        shown
            .iter()
            .map(|&c| {
                rows.iter()
                    .map(|r| r.get(c).map_or(0, |t| display_width(t)))
                    .max()
                    .unwrap_or(0)
                    .max(display_width(header[c]))
            })
            .collect()
    };
    let Some(width) = width.map(usize::from) else {
        let widths = widths_of(&shown, &all);
        return select(shown, all, widths);
    };
    let too_wide =
        |shown: &[usize], rows: &[Vec<String>]| table_width(&widths_of(shown, rows)) > width;
    if too_wide(&shown, &all) {
        shown.retain(|&c| all.iter().any(|r| r.get(c).is_some_and(|t| !t.is_empty())));
    }
    for brevity in [Brevity::Seconds, Brevity::Minutes] {
        let has_times = shown.iter().any(|&c| fits[c] == Fit::Time);
        if has_times
            && too_wide(&shown, &all)
            && let Some(brief) = tf.briefer(brevity)
        {
            all = rendered(&brief);
        }
    }
    let mut widths = widths_of(&shown, &all);
    if table_width(&widths) > width {
        let cuttable = |i: usize| matches!(fits[shown[i]], Fit::Wrap | Fit::Cut | Fit::CutMiddle);
        let least = |i: usize| display_width(header[shown[i]]).max(NARROWEST);
        while table_width(&widths) > width {
            let widest = (0..shown.len())
                .filter(|&i| cuttable(i) && widths[i] > least(i))
                .max_by_key(|&i| widths[i]);
            let Some(i) = widest else { break };
            widths[i] -= 1;
        }
        for (i, &col) in shown.iter().enumerate() {
            if !cuttable(i) {
                continue;
            }
            for row in &mut all {
                if let Some(text) = row.get_mut(col) {
                    let short = if fits[col] == Fit::CutMiddle {
                        cut_middle(text, widths[i])
                    } else {
                        cut(text, widths[i])
                    };
                    if let Cow::Owned(short) = short {
                        *text = short;
                    }
                }
            }
        }
    }
    select(shown, all, widths)
}

/// Keeps the cells of the shown columns only.
fn select(shown: Vec<usize>, rows: Vec<Vec<String>>, widths: Vec<usize>) -> Fitted {
    let rows = rows
        .into_iter()
        .map(|mut row| {
            shown
                .iter()
                .map(|&c| row.get_mut(c).map(std::mem::take).unwrap_or_default())
                .collect()
        })
        .collect();
    Fitted {
        shown,
        rows,
        widths,
    }
}

/// `text` within `columns` display columns, with `…` in its middle when it
/// is cut: its start and its end both stay.
pub fn cut_middle(text: &str, columns: usize) -> Cow<'_, str> {
    if text.len() <= columns || display_width(text) <= columns {
        return Cow::Borrowed(text);
    }
    let room = columns.saturating_sub(1);
    let tail_room = room / 2;
    let head = cut(text, room - tail_room + 1);
    let head = head.strip_suffix('…').unwrap_or(&head).to_string();
    let mut tail_start = text.len();
    let mut used = 0;
    for (i, grapheme) in text.grapheme_indices(true).rev() {
        let w = grapheme.width();
        if used + w > tail_room {
            break;
        }
        used += w;
        tail_start = i;
    }
    Cow::Owned(format!("{head}…{}", &text[tail_start..]))
}

/// The widest a cell is shown in a table of no set width (one written to
/// a pipe): enough for any real name, and a bound for a hostile one.
const WIDEST_CELL: usize = 512;

/// `text` within `columns` display columns, ended with `…` when it is cut.
pub fn cut(text: &str, columns: usize) -> Cow<'_, str> {
    // Cheap test first: a text of few bytes cannot be wide.
    if text.len() <= columns || display_width(text) <= columns {
        return Cow::Borrowed(text);
    }
    let room = columns.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    // Whole grapheme clusters: an emoji sequence is one wide character.
    for (i, grapheme) in text.grapheme_indices(true) {
        let w = grapheme.width();
        if used + w > room {
            break;
        }
        used += w;
        end = i + grapheme.len();
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// Columns padded to the widest cell, two spaces apart, no trailing
/// blanks; the cells are not held: one pass measures, a second
/// renders and writes, so a million rows need no million strings and a
/// reader that stops early (`| head`) stops the second pass.
pub fn plain_streamed(
    out: &mut dyn Write,
    header: Option<&[&str]>,
    columns: usize,
    rows: usize,
    cell: &dyn Fn(usize, usize, &mut String),
) -> io::Result<()> {
    let mut widths = vec![0usize; columns];
    for (i, h) in header.into_iter().flatten().enumerate().take(columns) {
        widths[i] = display_width(h);
    }
    let mut text = String::new();
    for row in 0..rows {
        for (col, width) in widths.iter_mut().enumerate() {
            text.clear();
            cell(row, col, &mut text);
            *width = (*width).max(display_width(&text));
        }
    }
    let mut line = String::new();
    let mut emit = |line: &mut String| -> io::Result<()> {
        let trimmed = line.trim_end();
        out.write_all(trimmed.as_bytes())?;
        out.write_all(b"\n")
    };
    if let Some(h) = header {
        for (col, title) in h.iter().enumerate().take(columns) {
            pad(&mut line, col, columns, title, widths[col]);
        }
        emit(&mut line)?;
    }
    for row in 0..rows {
        line.clear();
        for (col, &width) in widths.iter().enumerate() {
            text.clear();
            cell(row, col, &mut text);
            pad(&mut line, col, columns, &text, width);
        }
        emit(&mut line)?;
    }
    Ok(())
}

/// Columns `text` takes on a terminal. Printable ASCII, the common case,
/// is one column a byte and needs no lookup per character; anything else
/// (a `+FORMAT` time may hold a raw CR) goes through unicode-width.
pub(crate) fn display_width(text: &str) -> usize {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        text.len()
    } else {
        text.width()
    }
}

pub(crate) fn pad(line: &mut String, col: usize, columns: usize, text: &str, width: usize) {
    if col > 0 {
        line.push_str("  ");
    }
    line.push_str(text);
    if col + 1 < columns {
        line.extend(std::iter::repeat_n(
            ' ',
            width.saturating_sub(display_width(text)),
        ));
    }
}

/// A GitHub-flavoured Markdown table of sanitized cells, each escaped with
/// [`markdown_text`].
/// The rows come one at a time, so a long table is never held.
pub fn markdown(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> io::Result<()> {
    markdown_header(out, header)?;
    markdown_rows(out, rows)
}

pub fn markdown_header(out: &mut dyn Write, header: &[&str]) -> io::Result<()> {
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))
}

pub fn markdown_rows(
    out: &mut dyn Write,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> io::Result<()> {
    for row in rows {
        let cells: Vec<Cow<'_, str>> = row.iter().map(|c| markdown_text(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// Text as Markdown shows it: every character that CommonMark or GFM could
/// read as markup (emphasis, code, links, images, HTML, entities,
/// strikethrough, a cell's end) is backslash-escaped. Names are chosen by
/// whoever joins a room, so a name must render as text, never as a live
/// link or an image fetched from elsewhere.
pub fn markdown_text(text: &str) -> Cow<'_, str> {
    const MARKUP: &[u8] = b"\\`*_[]!<>|&~";
    if !text.bytes().any(|b| MARKUP.contains(&b)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii() && MARKUP.contains(&(c as u8)) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// One section per room under a heading. The first room's section is held
/// until it is known whether another follows: a lone room needs no heading.
pub struct Sections {
    several: bool,
    count: usize,
    held: Option<(String, Vec<u8>, &'static str)>,
}

impl Sections {
    /// `several_inputs`: more than one input, so every room gets a heading.
    pub fn new(several_inputs: bool) -> Self {
        Sections {
            several: several_inputs,
            count: 0,
            held: None,
        }
    }

    /// True if this room is the only one (one input, and nothing follows
    /// it): it is then written straight out, without a heading or holding.
    pub fn lone(&mut self, last: bool) -> bool {
        if self.count == 0 && !self.several && last {
            self.count = 1;
            return true;
        }
        false
    }

    /// `prefix` marks the heading: `# ` makes it a comment line that is
    /// easy to filter out of plain output, `### ` a Markdown heading.
    pub fn push(
        &mut self,
        out: &mut dyn Write,
        heading: String,
        body: Vec<u8>,
        prefix: &'static str,
    ) -> io::Result<()> {
        self.count += 1;
        if self.count == 1 && !self.several {
            self.held = Some((heading, body, prefix));
            return Ok(());
        }
        if let Some((h, b, p)) = self.held.take() {
            section(out, &h, &b, p)?;
        }
        section(out, &heading, &body, prefix)
    }

    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.held.take() {
            Some((_, body, _)) => out.write_all(&body),
            None => Ok(()),
        }
    }
}

fn section(out: &mut dyn Write, heading: &str, body: &[u8], prefix: &str) -> io::Result<()> {
    writeln!(out, "{prefix}{heading}")?;
    out.write_all(body)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_whole_characters_within_the_columns() {
        assert_eq!(cut("short", 5), "short");
        assert_eq!(cut("longer", 5), "long…");
        // Wide characters take two columns; one that does not fit is left out.
        assert_eq!(cut("李李李李", 5), "李李…");
        assert_eq!(cut("李李李李", 6), "李李…");
        assert_eq!(display_width(&cut(&"é".repeat(100), 10)), 10);
        assert_eq!(cut("xy", 1), "…");
    }

    #[test]
    fn display_width_counts_what_unicode_width_counts() {
        for text in ["plain", "a\r\nb", "tab\there", "é李😀", ""] {
            assert_eq!(display_width(text), text.width(), "{text:?}");
        }
    }

    const NAME: &str = "李小龙 🚀 a very long display name indeed";

    /// A name, a time and a column that is always empty.
    fn table_at(width: Option<u16>) -> (Fitted, String) {
        let tf = TimeFormat::utc(0);
        let cells = |tf: &TimeFormat| -> Vec<Vec<String>> {
            [(NAME, 1_710_051_000_000), ("short", 1_710_054_125_000)]
                .iter()
                .map(|&(name, ms)| {
                    let mut time = String::new();
                    tf.render_into(ms, &mut time);
                    vec![name.to_string(), time, String::new()]
                })
                .collect()
        };
        let header = ["NAME", "TIME", "NOTE"];
        let fits = [Fit::Wrap, Fit::Time, Fit::Wrap];
        let fitted = fit(&header, &fits, &cells, &tf, width);
        let mut out = Vec::new();
        let ranged = |tf: &TimeFormat, range: Range<usize>| cells(tf)[range].to_vec();
        let drawn = bordered(&mut out, &header, &fits, 2, &ranged, &tf, width, None);
        assert!(drawn.is_ok());
        (fitted, String::from_utf8_lossy(&out).into_owned())
    }

    /// `rows` rows of a name, a time and an always empty column; row `i`
    /// has a name as wide as `i % 50`, so the widest comes early.
    fn long_table(rows: usize, width: Option<u16>, held: bool) -> String {
        let tf = TimeFormat::utc(0);
        let cells = |tf: &TimeFormat, range: Range<usize>| -> Vec<Vec<String>> {
            range
                .map(|i| {
                    let mut time = String::new();
                    tf.render_into(1_710_051_000_000 + i as i64 * 61_000, &mut time);
                    let name = format!(
                        "{}{}",
                        &NAME[..NAME.len().min(i % 7 * 9)],
                        "x".repeat(i % 50)
                    );
                    vec![name, time, String::new()]
                })
                .collect()
        };
        let header = ["NAME", "TIME", "NOTE"];
        let fits = [Fit::Wrap, Fit::Time, Fit::Wrap];
        let mut out = Vec::new();
        let drawn = if held {
            let all = |tf: &TimeFormat| cells(tf, 0..rows);
            let fitted = fit(&header, &fits, &all, &tf, width);
            draw(
                &mut out,
                &header,
                &fits,
                &fitted,
                &fitted.rows,
                width,
                None,
                false,
            )
        } else {
            bordered(&mut out, &header, &fits, rows, &cells, &tf, width, None)
        };
        assert!(drawn.is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn a_long_table_is_drawn_in_batches_as_it_would_be_held() {
        let rows = STREAMED * 2 + 7;
        for width in [
            None,
            Some(200),
            Some(100),
            Some(76),
            Some(71),
            Some(62),
            Some(40),
        ] {
            let streamed = long_table(rows, width, false);
            assert_eq!(streamed, long_table(rows, width, true), "width {width:?}");
            let lines: Vec<&str> = streamed.lines().collect();
            assert!(lines[0].starts_with('┌') && lines[lines.len() - 1].starts_with('└'));
            let borders = lines
                .iter()
                .filter(|l| l.starts_with(['┌', '╞', '└']))
                .count();
            assert_eq!(borders, 3, "width {width:?}");
        }
        // Narrower than the columns' least: everything wraps, within the
        // width, and no text is lost to it (cells are cut as a held table
        // cuts them; columns may share the width another way).
        let text = |table: &str| -> usize {
            table
                .chars()
                .filter(|c| !c.is_whitespace() && !('\u{2500}'..='\u{257f}').contains(c))
                .count()
        };
        for width in [20u16, 24, 30] {
            let streamed = long_table(rows, Some(width), false);
            let widest = streamed.lines().map(UnicodeWidthStr::width).max();
            assert_eq!(widest, Some(usize::from(width)), "{width}");
            let header = streamed.lines().filter(|l| l.starts_with('╞')).count();
            assert_eq!(header, 1);
            assert_eq!(
                text(&streamed),
                text(&long_table(rows, Some(width), true)),
                "{width}"
            );
        }
    }

    #[test]
    fn an_even_share_goes_to_what_is_wider_than_it() {
        // 60 columns for six: 41 inside the borders.
        let mut widths = [8, 6, 11, 11, 12, 6];
        share_out(&mut widths, 60);
        assert_eq!(widths, [8, 6, 7, 7, 7, 6]);
        let mut widths = [30, 30, 2];
        share_out(&mut widths, 30);
        assert_eq!(widths, [9, 9, 2]);
        let mut widths = [5, 5];
        share_out(&mut widths, 3);
        assert_eq!(widths, [1, 1]);
    }

    #[test]
    fn a_table_gives_way_in_the_documented_order() {
        // Room for everything: nothing changes.
        let (wide, _) = table_at(Some(100));
        assert_eq!(wide.shown, [0, 1, 2]);
        assert_eq!(wide.rows[0], [NAME, "2024-03-10T06:10:00.000Z", ""]);
        // First the empty column goes, then the time gets shorter.
        let (t, _) = table_at(Some(76));
        assert_eq!(
            (t.shown.as_slice(), t.rows[0][1].as_str()),
            (&[0, 1][..], "2024-03-10T06:10:00.000Z")
        );
        let (t, _) = table_at(Some(71));
        assert_eq!(t.rows[0][1], "2024-03-10 06:10:00Z");
        let (t, _) = table_at(Some(62));
        assert_eq!(t.rows[0][1], "03-10 06:10");
        assert_eq!(t.rows[0][0], NAME);
        // Then the name is cut, and only below its narrowest wrapped.
        let (t, text) = table_at(Some(40));
        assert_eq!(t.rows[0][1], "03-10 06:10");
        assert!(t.rows[0][0].ends_with('…'), "{:?}", t.rows[0]);
        assert_eq!(text.lines().count(), 6, "one line a row\n{text}");
        for width in [20u16, 24, 30, 40, 62, 71, 76, 100] {
            let (_, text) = table_at(Some(width));
            let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
            assert!(
                widths.iter().all(|&w| w <= usize::from(width)),
                "{width}\n{text}"
            );
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "{width}\n{text}");
        }
    }

    #[test]
    fn cut_middle_keeps_both_ends() {
        assert_eq!(
            cut_middle("/participants/alice/joinedAt", 40),
            "/participants/alice/joinedAt"
        );
        let short = cut_middle("/participants/a-very-long-identity-indeed/joinedAt", 30);
        assert_eq!(display_width(&short), 30, "{short}");
        assert!(
            short.starts_with("/participants/") && short.ends_with("/joinedAt"),
            "{short}"
        );
    }

    #[test]
    fn plain_columns_align_by_display_width() {
        let rows = [["李伟", "a"], ["bob", "b"]];
        let mut out = Vec::new();
        let cell = |row: usize, col: usize, text: &mut String| text.push_str(rows[row][col]);
        assert!(plain_streamed(&mut out, Some(&["NAME", "X"]), 2, rows.len(), &cell).is_ok());
        assert_eq!(String::from_utf8_lossy(&out), "NAME  X\n李伟  a\nbob   b\n");
    }
}
