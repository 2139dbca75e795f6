//! Tables for people: comfy-table fitted to the terminal on a terminal, and
//! plain aligned columns (no borders, no colour) when piped, like `ls`.
//! Cells arrive already sanitized.

use std::borrow::Cow;
use std::io::{self, Write};

use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, presets};
use unicode_width::UnicodeWidthStr;

use crate::term::sanitize;

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

/// A bordered table (`width`: the terminal's, `None` when not on one);
/// wide cells wrap inside their column so the layout
/// holds at any width. Columns in `whole` (times, numbers) are never
/// wrapped: a timestamp cut in two is unreadable, so names give way first.
pub fn bordered(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    width: Option<u16>,
    whole: &[usize],
) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(Cell::new));
    if let Some(w) = width {
        table.set_width(w);
    }
    // Laying out a cell costs more than its length (comfy-table wraps it
    // line by line), and no cell can show more than the table's width: cut
    // first, so a name of megabytes costs what a screenful does.
    let widest_cell = width.map_or(WIDEST_CELL, usize::from);
    for row in rows {
        table.add_row(row.iter().map(|c| Cell::new(cut(c, widest_cell))));
    }
    // Only when the rest still gets a usable width; on a very narrow
    // terminal every column wraps rather than the table overflowing.
    let widest = |index: usize| {
        std::iter::once(header.get(index).map_or(0, |h| display_width(h)))
            .chain(
                rows.iter()
                    .map(|r| r.get(index).map_or(0, |c| display_width(c))),
            )
            .max()
            .unwrap_or(0)
    };
    const NARROWEST: usize = 8;
    let needed: usize = (0..header.len())
        .map(|i| {
            if whole.contains(&i) {
                widest(i)
            } else {
                NARROWEST
            }
        })
        .map(|w| w + 3)
        .sum::<usize>()
        + 1;
    if width.is_none_or(|w| usize::from(w) >= needed) {
        for &index in whole {
            if let Some(column) = table.column_mut(index) {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    writeln!(out, "{table}")
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
    for (i, c) in text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        end = i + c.len_utf8();
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
fn display_width(text: &str) -> usize {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        text.len()
    } else {
        text.width()
    }
}

fn pad(line: &mut String, col: usize, columns: usize, text: &str, width: usize) {
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

    #[test]
    fn a_narrow_table_wraps_cells_and_keeps_every_line_in_the_width() {
        let rows = vec![
            vec![
                "李小龙 🚀 a very long display name indeed".to_string(),
                "x".to_string(),
            ],
            vec!["short".to_string(), "2024-03-10T06:10:00.000Z".to_string()],
        ];
        for width in [30u16, 40, 60, 100] {
            let mut out = Vec::new();
            assert!(bordered(&mut out, &["NAME", "TIME"], &rows, Some(width), &[1]).is_ok());
            let text = String::from_utf8_lossy(&out);
            let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
            if width >= 60 {
                assert!(
                    text.contains("2024-03-10T06:10:00.000Z"),
                    "the time stays whole\n{text}"
                );
            }
            assert!(
                widths.iter().all(|&w| w <= usize::from(width)),
                "{width}\n{text}"
            );
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "{width}\n{text}");
        }
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
