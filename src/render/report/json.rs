//! `--format json`: JSON Lines, one object per diagnostic and per file,
//! then a summary, each tagged with `type` (as `rg --json` does).

use std::io::{self, Write};

use serde::Serialize;

use super::{FileStatus, ReportSink, Totals};
use crate::Exit;
use crate::diag::{Diagnostic, Rule, Severity};

/// Wire form, kept apart from the internals so the format cannot drift by
/// accident when they change.
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

fn line(out: &mut dyn Write, record: &Record<'_>) -> io::Result<()> {
    crate::render::json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

pub struct Json;

impl ReportSink for Json {
    fn room(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        diagnostics.iter().try_for_each(|d| {
            let record = Record::Diagnostic {
                file,
                room,
                line: d.line,
                column: d.column,
                pointer: &d.pointer,
                severity: d.severity,
                rule: d.rule,
                message: &d.message,
            };
            line(out, &record)
        })
    }

    fn file(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        status: &FileStatus,
        t: &Totals,
    ) -> io::Result<()> {
        let (status, error) = match status {
            FileStatus::Valid => ("valid", None),
            FileStatus::Invalid => ("invalid", None),
            FileStatus::Unreadable(e) => ("unreadable", Some(e.as_str())),
        };
        let record = Record::File {
            file,
            status,
            rooms: t.valid + t.invalid,
            errors: t.errors,
            warnings: t.warnings,
            error,
        };
        line(out, &record)
    }

    fn finish(&mut self, out: &mut dyn Write, totals: &Totals, exit: Exit) -> io::Result<()> {
        let record = Record::Summary {
            totals,
            exit_code: exit as u8,
        };
        line(out, &record)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diagnostic, totals};
    use super::*;

    #[test]
    fn every_call_is_one_tagged_line() {
        let mut out = Vec::new();
        let d = [diagnostic(Severity::Warning, "/a", "odd \"x\"")];
        assert!(Json.room(&mut out, "f\n.json", 2, &d).is_ok());
        let t = Totals {
            files: 1,
            rooms: 0,
            valid: 2,
            invalid: 1,
            unreadable: 0,
            errors: 0,
            warnings: 1,
        };
        assert!(
            Json.file(&mut out, "f\n.json", &FileStatus::Invalid, &t)
                .is_ok()
        );
        let gone = FileStatus::Unreadable("no such file".into());
        assert!(Json.file(&mut out, "g", &gone, &totals(1, 0, 0, 1)).is_ok());
        assert!(
            Json.file(&mut out, "h", &FileStatus::Valid, &totals(1, 0, 0, 0))
                .is_ok()
        );
        assert!(
            Json.finish(&mut out, &totals(3, 0, 1, 1), Exit::Usage)
                .is_ok()
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            concat!(
                r#"{"type":"diagnostic","file":"f\n.json","room":2,"line":4,"column":16,"pointer":"/a","severity":"warning","rule":"type","message":"odd \"x\""}"#,
                "\n",
                r#"{"type":"file","file":"f\n.json","status":"invalid","rooms":3,"errors":0,"warnings":1}"#,
                "\n",
                r#"{"type":"file","file":"g","status":"unreadable","rooms":1,"errors":0,"warnings":0,"error":"no such file"}"#,
                "\n",
                r#"{"type":"file","file":"h","status":"valid","rooms":1,"errors":0,"warnings":0}"#,
                "\n",
                r#"{"type":"summary","files":3,"rooms":3,"valid":3,"invalid":0,"unreadable":1,"errors":0,"warnings":1,"exit_code":2}"#,
                "\n"
            )
        );
    }
}
