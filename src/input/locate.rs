//! A walked room's findings carry byte offsets; a person needs line:col.
//! Offsets are placed only here, once per room, and only for rooms that
//! have findings, so a valid stream costs one lookup per room.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Finding, LineCol};
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
    // Every offset, duplicates' first occurrences included, placed in one
    // forward pass, so a thousand findings in a huge room stay linear.
    let mut offsets: Vec<(usize, usize)> = Vec::with_capacity(findings.len() + 1);
    offsets.push((base + start, usize::MAX));
    for (i, f) in findings.iter().enumerate() {
        offsets.push((f.at, i * 2));
        if let Some(first) = f.first_at {
            offsets.push((first, i * 2 + 1));
        }
    }
    offsets.sort_unstable();
    let mut places = vec![LineCol { line: 0, column: 0 }; findings.len() * 2];
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
            let place = places[i * 2];
            let mut message = f.message;
            if f.first_at.is_some() {
                let first = places[i * 2 + 1];
                let _ = write!(message, " (first at {}:{})", first.line, first.column);
            }
            Diagnostic {
                severity: f.severity,
                rule: f.rule,
                line: place.line,
                column: place.column,
                pointer: f.pointer,
                message,
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Located { line, diagnostics }
}
