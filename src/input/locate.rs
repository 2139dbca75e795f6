//! A walked room's findings carry byte offsets; a person needs line:col.
//! Offsets are placed only here, once per room, and only for rooms that
//! have findings, so a valid stream costs one lookup per room.

use crate::diag::{self, Diagnostic, Finding, LineCol};
use crate::json::lines::Locator;
use crate::walk::WalkedRoom;

/// Where a room stands and its findings as diagnostics.
pub(super) struct Located {
    /// Line of the room's first byte.
    pub(super) line: usize,
    /// Sorted by position.
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Takes the findings out of `room` (which starts at `start`, relative to
/// the window at absolute offset `base`) and places them with `loc`.
pub(super) fn locate(
    loc: &mut Locator<'_>,
    base: usize,
    start: usize,
    room: &mut WalkedRoom<'_>,
) -> Located {
    let findings: Vec<Finding> = std::mem::take(&mut room.findings);
    if findings.is_empty() {
        // The usual room: only its first line is needed.
        return Located {
            line: loc.locate(start).line,
            diagnostics: Vec::new(),
        };
    }
    // Every offset (starts, ends, duplicates' first occurrences) placed in
    // one forward pass, so a thousand findings in a huge room stay linear.
    const SLOTS: usize = 3;
    let mut offsets: Vec<(usize, usize)> = Vec::with_capacity(findings.len() * SLOTS + 1);
    offsets.push((base + start, usize::MAX));
    for (i, f) in findings.iter().enumerate() {
        offsets.push((f.at, i * SLOTS));
        offsets.push((f.end.max(f.at), i * SLOTS + 1));
        if let Some(other) = f.other_at() {
            offsets.push((other, i * SLOTS + 2));
        }
    }
    offsets.sort_unstable();
    let mut places = vec![LineCol { line: 0, column: 0 }; findings.len() * SLOTS];
    let mut line = 1;
    for (offset, slot) in offsets {
        let place = loc.locate(offset - base);
        if slot == usize::MAX {
            line = place.line;
        } else {
            places[slot] = place;
        }
    }
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let (place, end) = (places[i * SLOTS], places[i * SLOTS + 1]);
            let other = f.other_at().map(|_| places[i * SLOTS + 2]);
            Diagnostic {
                severity: f.severity,
                rule: f.rule,
                line: place.line,
                column: place.column,
                end_line: end.line,
                end_column: end.column,
                message: diag::message(&f, other),
                pointer: f.pointer,
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Located { line, diagnostics }
}
