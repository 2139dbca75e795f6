//! Tables for people: comfy-table fitted to the terminal on a terminal, and
//! plain aligned columns (no borders, no colour) when piped, like `ls`.
//! Cells arrive already sanitized.

use std::borrow::Cow;
use std::io::{self, Write};

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
pub fn bordered(
    out: &mut dyn Write,
    header: &[&str],
    fits: &[Fit],
    cells: &dyn Fn(&TimeFormat) -> Vec<Vec<String>>,
    tf: &TimeFormat,
    width: Option<u16>,
    tint: Option<Tinter<'_>>,
) -> io::Result<()> {
    let fitted = fit(header, fits, cells, tf, width);
    draw(out, header, fits, &fitted, &fitted.rows, width, tint, false)
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
    let bold = |title: &str| {
        let cell = Cell::new(title);
        if tint.is_some() {
            cell.add_attribute(comfy_table::Attribute::Bold)
        } else {
            cell
        }
    };
    table.set_header(fitted.shown.iter().map(|&c| bold(header[c])));
    if let Some(w) = width {
        table.set_width(w);
    }
    for row in rows {
        table.add_row(row.iter().zip(&fitted.shown).map(|(text, &col)| {
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
pub fn markdown(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
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
        assert!(bordered(&mut out, &header, &fits, &cells, &tf, width, None).is_ok());
        (fitted, String::from_utf8_lossy(&out).into_owned())
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
