//! The `validate` report in its three forms: compiler-style lines, JSON
//! Lines, and GitHub Actions workflow commands.

use std::io::{self, Write};

use serde::Serialize;

use crate::Exit;
use crate::cli::ReportFormat;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::input::RoomReport;
use crate::term::{Paint, sanitize};

#[derive(Debug, Default, Clone, Serialize)]
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

pub enum FileStatus {
    Valid,
    Invalid,
    Unreadable(String),
}

/// Wire form of `--format json`, kept apart from the internals.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Record<'a> {
    Diagnostic {
        file: &'a str,
        room: usize,
        line: usize,
        column: usize,
        pointer: &'a str,
        severity: Severity,
        rule: Rule,
        message: &'a str,
    },
    File {
        file: &'a str,
        status: &'a str,
        rooms: usize,
        errors: usize,
        warnings: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    },
    Summary {
        #[serde(flatten)]
        totals: &'a Totals,
        exit_code: u8,
    },
}

pub struct Reporter<'w> {
    pub format: ReportFormat,
    pub quiet: bool,
    pub paint: Paint,
    pub out: &'w mut dyn Write,
}

impl Reporter<'_> {
    pub fn diagnostics(&mut self, report: &RoomReport<'_>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        let file = &report.origin.file;
        for d in &report.diagnostics {
            match self.format {
                ReportFormat::Human => self.human(file, d)?,
                ReportFormat::Json => {
                    let record = Record::Diagnostic {
                        file,
                        room: report.origin.index,
                        line: d.line,
                        column: d.column,
                        pointer: &d.pointer,
                        severity: d.severity,
                        rule: d.rule,
                        message: &d.message,
                    };
                    serde_json::to_writer(&mut *self.out, &record)?;
                    self.out.write_all(b"\n")?;
                }
                ReportFormat::Github => github(self.out, file, d)?,
            }
        }
        Ok(())
    }

    fn human(&mut self, file: &str, d: &Diagnostic) -> io::Result<()> {
        let p = self.paint;
        let place = format!("{}:{}:{}:", sanitize(file), d.line, d.column);
        let label = format!("{}[{}]", d.severity.as_str(), d.rule.code());
        let label = match d.severity {
            Severity::Error => p.error(&label),
            Severity::Warning => p.warning(&label),
        };
        write!(self.out, "{} {label}: ", p.bold(&place))?;
        if !d.pointer.is_empty() {
            write!(self.out, "{}: ", sanitize(&d.pointer))?;
        }
        writeln!(self.out, "{}", d.message)
    }

    pub fn file(&mut self, name: &str, status: &FileStatus, t: &Totals) -> io::Result<()> {
        if self.quiet || self.format != ReportFormat::Json {
            return Ok(());
        }
        let (status, error) = match status {
            FileStatus::Valid => ("valid", None),
            FileStatus::Invalid => ("invalid", None),
            FileStatus::Unreadable(e) => ("unreadable", Some(e.as_str())),
        };
        let record = Record::File {
            file: name,
            status,
            rooms: t.valid + t.invalid,
            errors: t.errors,
            warnings: t.warnings,
            error,
        };
        serde_json::to_writer(&mut *self.out, &record)?;
        self.out.write_all(b"\n")
    }

    pub fn summary(&mut self, t: &Totals, exit: Exit) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        match self.format {
            ReportFormat::Json => {
                let record = Record::Summary {
                    totals: t,
                    exit_code: exit as u8,
                };
                serde_json::to_writer(&mut *self.out, &record)?;
                self.out.write_all(b"\n")
            }
            // Quiet when all is well: one file, nothing to say.
            _ if t.files == 1 && t.errors + t.warnings + t.unreadable == 0 => Ok(()),
            _ => writeln!(self.out, "{}", summary_line(t)),
        }
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

/// GitHub Actions escaping: `%`, CR and LF in data; `:` and `,` too in
/// properties.
fn gh_escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

fn github(out: &mut dyn Write, file: &str, d: &Diagnostic) -> io::Result<()> {
    let command = d.severity.as_str();
    let mut message = String::new();
    if !d.pointer.is_empty() {
        message.push_str(&d.pointer);
        message.push_str(": ");
    }
    message.push_str(&d.message);
    writeln!(
        out,
        "::{command} file={},line={},col={},title={}::{}",
        gh_escape(&sanitize(file), true),
        d.line,
        d.column,
        gh_escape(d.rule.code(), true),
        gh_escape(&sanitize(&message), false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn github_commands_escape_data_and_properties() {
        let d = Diagnostic {
            severity: Severity::Error,
            rule: Rule::Type,
            line: 4,
            column: 16,
            end_line: 4,
            end_column: 17,
            pointer: "/a".into(),
            message: "50% bad\nnext".into(),
        };
        let mut out = Vec::new();
        assert!(github(&mut out, "dir,x:y.json", &d).is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            "::error file=dir%2Cx%3Ay.json,line=4,col=16,title=type::/a: 50%25 bad\\nnext\n"
        );
    }
}
