//! The `validate` report: one [`ReportSink`] per `--format`, each in its
//! own file. A sink is handed plain data (a file name, a room's index, its
//! diagnostics, totals, the exit code), never the reader's or the command
//! line's types, so a format knows nothing of where findings come from.
//!
//! Adding a format: a file here with a type that implements `ReportSink`,
//! a variant of `cli::ReportFormat`, and its arm in `ReportFormat::sink`.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::io::{self, Write};

use serde::Serialize;

use crate::Exit;
use crate::diag::Diagnostic;
pub(crate) use crate::input::STDIN_NAME as STDIN;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub files: usize,
    pub rooms: usize,
    pub valid: usize,
    pub invalid: usize,
    pub unreadable: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        self.files += other.files;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.rooms += other.valid + other.invalid;
        self.unreadable += other.unreadable;
        self.errors += other.errors;
        self.warnings += other.warnings;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    Valid,
    Invalid,
    /// Why the input could not be read.
    Unreadable(String),
}

/// Where one format writes the report. Calls come in reading order: `room`
/// for each room of a file, then `file`, and after the last file `finish`.
///
/// A format that can stream writes as it is called; one that must see
/// everything first (a single document such as SARIF) keeps what it needs
/// in its own fields and writes it in `finish`. The writer is handed to
/// every call rather than held, so the same sink can write to a stream
/// that the caller also uses (the listings' diagnostics on stderr).
pub trait ReportSink {
    /// The diagnostics of one room, in the order of their position; `room`
    /// is the room's 0-based index in `file`.
    fn room(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()>;

    /// One input is done: what it held, or why it could not be read.
    fn file(
        &mut self,
        _out: &mut dyn Write,
        _file: &str,
        _status: &FileStatus,
        _totals: &Totals,
    ) -> io::Result<()> {
        Ok(())
    }

    /// Every input is done; `exit` is the code the run ends with.
    fn finish(&mut self, out: &mut dyn Write, totals: &Totals, exit: Exit) -> io::Result<()>;
}

/// `--quiet`: no report in any format; the exit code is the answer.
pub struct Silent;

impl ReportSink for Silent {
    fn room(&mut self, _: &mut dyn Write, _: &str, _: usize, _: &[Diagnostic]) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Totals, _: Exit) -> io::Result<()> {
        Ok(())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 files, 2 rooms valid, 1 invalid: 4 errors, 1 warning`
pub fn summary_line(t: &Totals) -> String {
    let mut line = format!(
        "{}, {} valid, {} invalid",
        plural(t.files, "file", "files"),
        plural(t.valid, "room", "rooms"),
        t.invalid
    );
    if t.unreadable > 0 {
        line.push_str(&format!(", {} unreadable", t.unreadable));
    }
    line.push_str(&format!(
        ": {}, {}",
        plural(t.errors, "error", "errors"),
        plural(t.warnings, "warning", "warnings")
    ));
    line
}

/// The last line of the line-per-finding formats. Quiet when all is well:
/// one file with nothing to say needs no summary (SPEC.md: quiet when all
/// is well); anything else, or several files, is counted.
fn summary(out: &mut dyn Write, t: &Totals) -> io::Result<()> {
    if t.files == 1 && t.errors + t.warnings + t.unreadable == 0 {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Rule, Severity};

    pub(super) fn diagnostic(severity: Severity, pointer: &str, message: &str) -> Diagnostic {
        Diagnostic {
            severity,
            rule: Rule::Type,
            line: 4,
            column: 16,
            end_line: 4,
            end_column: 17,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    pub(super) fn totals(
        files: usize,
        errors: usize,
        warnings: usize,
        unreadable: usize,
    ) -> Totals {
        Totals {
            files,
            rooms: files,
            valid: files - errors.min(files),
            invalid: errors.min(files),
            unreadable,
            errors,
            warnings,
        }
    }

    #[test]
    fn summary_counts_read_naturally() {
        let t = Totals {
            files: 3,
            rooms: 3,
            valid: 2,
            invalid: 1,
            unreadable: 0,
            errors: 4,
            warnings: 1,
        };
        assert_eq!(
            summary_line(&t),
            "3 files, 2 rooms valid, 1 invalid: 4 errors, 1 warning"
        );
        let one = Totals {
            files: 1,
            valid: 1,
            unreadable: 2,
            errors: 1,
            warnings: 2,
            ..Totals::default()
        };
        assert_eq!(
            summary_line(&one),
            "1 file, 1 room valid, 0 invalid, 2 unreadable: 1 error, 2 warnings"
        );
    }

    #[test]
    fn totals_add_counts_rooms_as_valid_plus_invalid() {
        let mut all = Totals::default();
        let file = Totals {
            files: 1,
            rooms: 0,
            valid: 2,
            invalid: 3,
            unreadable: 1,
            errors: 4,
            warnings: 5,
        };
        all.add(&file);
        all.add(&file);
        let twice = Totals {
            files: 2,
            rooms: 10,
            valid: 4,
            invalid: 6,
            unreadable: 2,
            errors: 8,
            warnings: 10,
        };
        assert_eq!(all, twice);
    }

    #[test]
    fn the_summary_is_left_out_only_for_one_file_with_nothing_to_say() {
        let said = |t: &Totals| {
            let mut out = Vec::new();
            assert!(summary(&mut out, t).is_ok());
            !out.is_empty()
        };
        assert!(!said(&totals(1, 0, 0, 0)));
        assert!(said(&totals(2, 0, 0, 0)));
        assert!(said(&totals(1, 1, 0, 0)));
        assert!(said(&totals(1, 0, 1, 0)));
        assert!(said(&totals(1, 0, 0, 1)));
    }

    #[test]
    fn silent_writes_nothing() {
        let mut out = Vec::new();
        let d = [diagnostic(Severity::Error, "/a", "bad")];
        assert!(Silent.room(&mut out, "f", 0, &d).is_ok());
        assert!(
            Silent
                .file(&mut out, "f", &FileStatus::Invalid, &totals(1, 1, 0, 0))
                .is_ok()
        );
        assert!(
            Silent
                .finish(&mut out, &totals(1, 1, 0, 0), Exit::Invalid)
                .is_ok()
        );
        assert!(out.is_empty());
    }
}
