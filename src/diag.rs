//! Findings about the input are data, not errors: each one is a rule code,
//! a severity, where it is, and a message that says what was expected.

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Stable rule codes (SPEC.md, "Rules"); the string form is the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Syntax,
    NoRoom,
    Type,
    MissingField,
    DuplicateKey,
    TimestampRange,
    UnknownField,
    SecondsNotMs,
    LeftBeforeJoined,
    UpdatedBeforeCreated,
    KeyIdentityMismatch,
    TimestampInFuture,
    PrecisionLoss,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::Syntax => "syntax",
            Rule::NoRoom => "no-room",
            Rule::Type => "type",
            Rule::MissingField => "missing-field",
            Rule::DuplicateKey => "duplicate-key",
            Rule::TimestampRange => "timestamp-range",
            Rule::UnknownField => "unknown-field",
            Rule::SecondsNotMs => "seconds-not-ms",
            Rule::LeftBeforeJoined => "left-before-joined",
            Rule::UpdatedBeforeCreated => "updated-before-created",
            Rule::KeyIdentityMismatch => "key-identity-mismatch",
            Rule::TimestampInFuture => "timestamp-in-future",
            Rule::PrecisionLoss => "precision-loss",
        }
    }
}

// JSON output spells severities and rules as the human report does, from
// the one table of names above.
impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// A finding whose place is still a byte offset; offsets become line:col
/// only for the few values that get a diagnostic.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub rule: Rule,
    /// Absolute byte offset in the input.
    pub at: usize,
    pub pointer: String,
    pub message: String,
    /// Where the first of a duplicated key stands.
    pub first_at: Option<usize>,
}

/// A finding placed in the text.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub rule: Rule,
    pub line: usize,
    pub column: usize,
    pub pointer: String,
    pub message: String,
}

/// Line and column (1-based; the column counts characters) of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}
