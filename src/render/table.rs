//! Tables for people: comfy-table fitted to the terminal on a terminal, and
//! plain aligned columns (no borders, no colour) when piped, like `ls`.
//! Cells arrive already sanitized.

use std::io::{self, IsTerminal, Write};

use comfy_table::{Cell, ContentArrangement, Table, presets};
use unicode_width::UnicodeWidthStr;

/// The width to fit a table to, when stdout is a terminal.
pub fn terminal_width() -> Option<u16> {
    if !io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| w)
}

/// A bordered table; wide cells wrap inside their column so the layout
/// holds at any width.
pub fn bordered(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    width: Option<u16>,
) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(Cell::new));
    if let Some(w) = width {
        table.set_width(w);
    }
    for row in rows {
        table.add_row(row.iter().map(Cell::new));
    }
    writeln!(out, "{table}")
}

/// Columns padded to the widest cell, two spaces apart, no trailing blanks.
pub fn plain(out: &mut dyn Write, header: Option<&[&str]>, rows: &[Vec<String>]) -> io::Result<()> {
    let columns = header
        .map(|h| h.len())
        .or_else(|| rows.first().map(Vec::len))
        .unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for (i, h) in header.into_iter().flatten().enumerate() {
        widths[i] = widths[i].max(h.width());
    }
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut line = String::new();
    let mut emit = |cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        line.clear();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if i + 1 < columns {
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i].saturating_sub(cell.width()),
                ));
            }
        }
        let trimmed = line.trim_end();
        out.write_all(trimmed.as_bytes())?;
        out.write_all(b"\n")
    };
    if let Some(h) = header {
        emit(&mut h.iter().copied())?;
    }
    for row in rows {
        emit(&mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

/// A GitHub-flavoured Markdown table; pipes in cells are escaped.
pub fn markdown(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let cell = |s: &str| s.replace('|', "\\|");
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
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
    fn a_narrow_table_wraps_cells_and_keeps_every_line_in_the_width() {
        let rows = vec![
            vec![
                "李小龙 🚀 a very long display name indeed".to_string(),
                "x".to_string(),
            ],
            vec!["short".to_string(), "2024-03-10T06:10:00.000Z".to_string()],
        ];
        for width in [30u16, 40, 60] {
            let mut out = Vec::new();
            assert!(bordered(&mut out, &["NAME", "TIME"], &rows, Some(width)).is_ok());
            let text = String::from_utf8_lossy(&out);
            let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
            assert!(
                widths.iter().all(|&w| w <= usize::from(width)),
                "{width}\n{text}"
            );
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "{width}\n{text}");
        }
    }

    #[test]
    fn plain_columns_align_by_display_width() {
        let rows = vec![
            vec!["李伟".to_string(), "a".to_string()],
            vec!["bob".to_string(), "b".to_string()],
        ];
        let mut out = Vec::new();
        assert!(plain(&mut out, Some(&["NAME", "X"]), &rows).is_ok());
        assert_eq!(String::from_utf8_lossy(&out), "NAME  X\n李伟  a\nbob   b\n");
    }
}
