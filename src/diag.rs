//! Findings about the input are data, not errors: a rule, where the value
//! starts and ends, its JSON Pointer and typed facts. Words come last:
//! [`message`] renders a finding's text once it is placed in the text, the
//! one place where facts become English.

use std::fmt::Write as _;

pub use crate::rules::{Facts, Rule, Severity};

/// A finding whose place is still a byte span; offsets become line:col
/// only for the few values that get a diagnostic.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Absolute byte offsets in the input: where the value starts, and
    /// where it ends (for carets and SARIF regions).
    pub at: usize,
    pub end: usize,
    pub pointer: String,
    pub facts: Facts,
}

impl Finding {
    /// The other offset a finding refers to (the first of a duplicated key).
    pub fn other_at(&self) -> Option<usize> {
        match self.facts {
            Facts::Duplicate { first_at, .. } => Some(first_at),
            _ => None,
        }
    }
}

/// A finding placed in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub rule: Rule,
    pub line: usize,
    pub column: usize,
    /// Where the value ends (the character after it).
    pub end_line: usize,
    pub end_column: usize,
    pub pointer: String,
    pub message: String,
}

/// Line and column (1-based; the column counts characters) of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The text of a finding. `other` is where the offset of
/// [`Finding::other_at`] was placed.
pub fn message(finding: &Finding, other: Option<LineCol>) -> String {
    let mut text = finding.rule.message(&finding.facts);
    if let (Facts::Duplicate { .. }, Some(first)) = (&finding.facts, other) {
        let _ = write!(text, " (first at {}:{})", first.line, first.column);
    }
    text
}

impl Diagnostic {
    /// `/pointer: message`, or the message alone when the finding is about
    /// the input rather than a value: the text every report format shows
    /// beside its own place fields.
    pub fn text(&self) -> String {
        if self.pointer.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.pointer, self.message)
        }
    }

    /// A diagnostic of the input itself rather than of a value in a room
    /// (no room, not JSON), at one place and with no pointer, at the
    /// severity the run gives its rule.
    pub fn of_input(rule: Rule, severity: Severity, place: LineCol, facts: &Facts) -> Diagnostic {
        Diagnostic {
            severity,
            rule,
            line: place.line,
            column: place.column,
            end_line: place.line,
            end_column: place.column,
            pointer: String::new(),
            message: rule.message(facts),
        }
    }
}
