//! `participants --timeline`: one row per participant with a bar across
//! the room's time span, in Unicode block characters (eighth blocks for
//! the end of a bar) or plain characters under `--ascii`, and a time axis
//! below with a few readable ticks in the chosen zone.
//!
//! A bar's start is drawn from the start of its cell: the blocks that
//! fill a cell from the right are too few for eighths, and a bar that
//! starts up to one cell early reads better than one with a ragged start.

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use crate::term::{Paint, sanitize};
use crate::time::{self, TimeFormat};

/// One participant's stay, as the timeline draws it.
pub struct Bar<'a> {
    pub label: Cow<'a, str>,
    /// `None`: no usable join time; the row says so instead of a bar.
    pub stay: Option<(i64, i64)>,
    pub active: bool,
}

pub struct Timeline<'t> {
    pub tf: &'t TimeFormat,
    pub width: usize,
    pub ascii: bool,
    pub paint: Paint,
}

/// The widest a label gets before it is shortened with `…`.
const MAX_LABEL: usize = 20;
/// The narrowest bar area drawn, whatever the width.
const MIN_BARS: usize = 10;

const EIGHTHS: [&str; 9] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];

/// `text` cut to `max` columns, with `…` when it was longer.
fn fit(text: &str, max: usize) -> Cow<'_, str> {
    if text.width() <= max {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// The columns `text` takes as a label, without building the label when
/// it is printable ASCII.
fn label_width(text: &str) -> usize {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.len().min(MAX_LABEL);
    }
    fit(&sanitize(text), MAX_LABEL).width()
}

impl Timeline<'_> {
    /// The room's heading, its bars and the axis. The bars come twice, so
    /// that none of a huge room is held: `measured` in any order, for the
    /// widest label and the time the axis covers, then `drawn` in order.
    pub fn room<'a>(
        &self,
        out: &mut dyn Write,
        heading: &str,
        measured: impl Iterator<Item = Bar<'a>>,
        drawn: impl Iterator<Item = Bar<'a>>,
    ) -> io::Result<()> {
        let mut widest = 0;
        let mut span: Option<(i64, i64)> = None;
        for bar in measured {
            widest = widest.max(label_width(&bar.label));
            if let Some((from, to)) = bar.stay {
                span = Some(span.map_or((from, to), |(start, end)| (start.min(from), end.max(to))));
            }
        }
        let cells = self.width.saturating_sub(widest + 1).max(MIN_BARS);
        writeln!(out, "{}", self.paint.bold(&fit(heading, self.width)))?;
        if let Some((start, end)) = span {
            let duration = time::duration(end - start);
            let mut line = format!(
                "{} → {} ({duration})",
                self.tf.render(start),
                self.tf.render(end)
            );
            if line.width() > self.width {
                let with_date = true;
                line = format!(
                    "{} → {} ({duration})",
                    self.tf.axis_label(start, with_date),
                    self.tf.axis_label(end, with_date)
                );
            }
            writeln!(out, "{}", fit(&line, self.width))?;
        }
        for bar in drawn {
            let label = sanitize(&bar.label);
            let label = fit(&label, MAX_LABEL);
            let pad = " ".repeat(widest - label.width());
            let drawn = match (bar.stay, span) {
                (Some(stay), Some(span)) => self.bar(stay, span, cells),
                _ => "(no joinedAt)".to_string(),
            };
            let code = match (bar.stay, bar.active) {
                (None, _) => "33",
                (Some(_), true) => "32",
                (Some(_), false) => "2",
            };
            writeln!(
                out,
                "{label}{pad} {}",
                self.paint.wrap(code, drawn.trim_end())
            )?;
        }
        if let Some(span) = span {
            self.axis(out, widest, cells, span)?;
        }
        Ok(())
    }

    /// One bar: whole cells up to the eighth where the stay ends.
    fn bar(&self, (from, to): (i64, i64), (start, end): (i64, i64), cells: usize) -> String {
        let length = (end - start).max(1) as i128;
        let eighths = |t: i64| -> usize {
            let at = (i128::from(t.clamp(start, end)) - i128::from(start)) * cells as i128 * 8;
            (at / length) as usize
        };
        let first = eighths(from) / 8;
        // A stay of no length still shows, as the thinnest mark.
        let last = eighths(to).max(first * 8 + 1).min(cells * 8);
        let mut text = " ".repeat(first);
        for cell in first..cells {
            let filled = last.saturating_sub(cell * 8).min(8);
            if filled == 0 {
                break;
            }
            text.push_str(if self.ascii {
                match filled {
                    8 => "=",
                    4..=7 => "-",
                    _ => "|",
                }
            } else {
                EIGHTHS[filled]
            });
        }
        text
    }

    /// Ticks under the bars at round times (every 5 minutes, every hour,
    /// every day…), as many as fit with room between their labels.
    fn axis(
        &self,
        out: &mut dyn Write,
        indent: usize,
        cells: usize,
        (start, end): (i64, i64),
    ) -> io::Result<()> {
        let span = (end - start).max(1);
        let with_date = span >= 86_400_000;
        let spacing = self.tf.axis_label(start, with_date).width() + 2;
        let most = (cells / spacing).max(1) as i64;
        let step = NICE_STEPS
            .iter()
            .copied()
            .find(|step| span / step < most)
            .unwrap_or(span);
        // Round in the zone's wall-clock time, so an hour tick reads :00
        // even where the offset is not whole hours.
        let offset = self.tf.offset_ms(start);
        let first = (start + offset).div_euclid(step) * step - offset;
        let column = |t: i64| -> usize {
            ((i128::from(t - start) * (cells - 1) as i128) / i128::from(span)) as usize
        };
        let (tick, line) = if self.ascii {
            ('+', '-')
        } else {
            ('┬', '─')
        };
        let mut rule: Vec<char> = vec![line; cells];
        let mut labels = String::new();
        let mut t = if first < start { first + step } else { first };
        while t <= end {
            let p = column(t);
            rule[p.min(cells - 1)] = tick;
            let label = self.tf.axis_label(t, with_date);
            let used = labels.width();
            if p >= used + usize::from(used > 0) && p + label.width() <= cells {
                labels.push_str(&" ".repeat(p - used));
                labels.push_str(&label);
            }
            t += step;
        }
        let rule: String = rule.into_iter().collect();
        let indent = " ".repeat(indent + 1);
        writeln!(out, "{indent}{}", self.paint.wrap("2", &rule))?;
        writeln!(out, "{indent}{labels}")
    }
}

/// Steps between ticks, in ms: the round intervals people read a clock by.
const NICE_STEPS: [i64; 23] = [
    1_000,
    5_000,
    15_000,
    30_000,
    60_000,
    2 * 60_000,
    5 * 60_000,
    10 * 60_000,
    15 * 60_000,
    30 * 60_000,
    3_600_000,
    2 * 3_600_000,
    3 * 3_600_000,
    6 * 3_600_000,
    12 * 3_600_000,
    86_400_000,
    2 * 86_400_000,
    7 * 86_400_000,
    14 * 86_400_000,
    30 * 86_400_000,
    91 * 86_400_000,
    182 * 86_400_000,
    365 * 86_400_000,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(width: usize, ascii: bool) -> Timeline<'static> {
        static TF: std::sync::LazyLock<TimeFormat> =
            std::sync::LazyLock::new(|| TimeFormat::utc(1_700_003_600_000));
        Timeline {
            tf: &TF,
            width,
            ascii,
            paint: Paint { on: false },
        }
    }

    #[test]
    fn a_bar_ends_on_the_eighth_and_starts_on_its_cell() {
        let t = timeline(40, false);
        // Ten cells over 0..80: one cell is 8 ms, one eighth 1 ms.
        assert_eq!(t.bar((0, 80), (0, 80), 10), "██████████");
        assert_eq!(t.bar((0, 12), (0, 80), 10), "█▌");
        assert_eq!(t.bar((20, 40), (0, 80), 10), "  ███");
        assert_eq!(t.bar((33, 33), (0, 80), 10), "    ▏");
        let ascii = timeline(40, true);
        assert_eq!(ascii.bar((0, 12), (0, 80), 10), "=-");
        assert_eq!(ascii.bar((33, 33), (0, 80), 10), "    |");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(fit("short", 20), "short");
        assert_eq!(fit("a-very-long-participant-name", 10), "a-very-lo…");
        assert_eq!(fit("李小龙李小龙李小龙李小龙", 9), "李小龙李…");
    }

    #[test]
    fn a_label_is_measured_as_it_is_drawn() {
        for text in [
            "",
            "short",
            "exactly-twenty-chars",
            "twenty-one-characters",
            "a-very-long-participant-name",
            "李小龙李小龙李小龙李小龙",
            "tab\there",
            "bell\u{7}\u{1b}[31m",
            "e\u{301}\u{200b}",
        ] {
            assert_eq!(
                label_width(text),
                fit(&sanitize(text), MAX_LABEL).width(),
                "{text:?}"
            );
        }
    }
}
