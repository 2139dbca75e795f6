//! `--format gitlab`: a GitLab Code Quality report (CodeClimate issues),
//! one JSON array, as `artifacts:reports:codequality` takes it. Issues are
//! written as they come; the array is closed in `finish`.
//!
//! GitLab matches issues between pipelines by `fingerprint`, so it must
//! not change when nothing changed: it is FNV-1a (64 bits) of the file, the
//! room's index, the rule, the pointer and the message, with no line
//! number, so an issue keeps its fingerprint when lines are added above
//! it. An input that cannot be read is an issue of its own with
//! `check_name` `unreadable` at line 1 (severity `blocker`: nothing in it
//! was checked), as the JSON and GitHub formats report it too.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use super::{FileStatus, ReportSink, Totals};
use crate::Exit;
use crate::diag::{Diagnostic, Severity};

/// Wire form of one issue (the fields GitLab reads).
#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

#[derive(Default)]
pub struct Gitlab {
    /// Whether the array is open (an issue was written).
    open: bool,
    /// Fingerprints given so far: a finding repeated word for word in the
    /// same room gets the next one, so no two issues share one.
    seen: HashSet<u64>,
}

/// GitLab's severities are info, minor, major, critical and blocker.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
    }
}

/// FNV-1a, 64 bits: fixed, so the same finding hashes the same in every
/// run and on every machine. Fields are separated by 0xff, which UTF-8
/// text never holds.
fn fnv1a(fields: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, field) in fields.iter().enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b"\xff" };
        for &b in sep.iter().chain(field.iter()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

impl Gitlab {
    fn fingerprint(&mut self, fields: &[&[u8]]) -> String {
        let mut hash = fnv1a(fields);
        let mut again: u64 = 0;
        while !self.seen.insert(hash) {
            again += 1;
            hash = fnv1a(&[&hash.to_be_bytes(), &again.to_be_bytes()]);
        }
        format!("{hash:016x}")
    }

    fn issue(&mut self, out: &mut dyn Write, issue: &Issue<'_>) -> io::Result<()> {
        out.write_all(if self.open { b",\n" } else { b"[\n" })?;
        self.open = true;
        crate::render::json::to_writer(&mut *out, issue)?;
        Ok(())
    }
}

impl ReportSink for Gitlab {
    fn room(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        let room_bytes = room.to_string();
        for d in diagnostics {
            let code = d.rule.code();
            let fingerprint = self.fingerprint(&[
                file.as_bytes(),
                room_bytes.as_bytes(),
                code.as_bytes(),
                d.pointer.as_bytes(),
                d.message.as_bytes(),
            ]);
            let issue = Issue {
                description: format!("{code}: {}", d.text()),
                check_name: code,
                fingerprint,
                severity: severity(d.severity),
                location: Location {
                    path: file,
                    lines: Lines { begin: d.line },
                },
            };
            self.issue(out, &issue)?;
        }
        Ok(())
    }

    fn file(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        status: &FileStatus,
        _totals: &Totals,
    ) -> io::Result<()> {
        let FileStatus::Unreadable(why) = status else {
            return Ok(());
        };
        let issue = Issue {
            description: format!("unreadable: {file}: {why}"),
            check_name: "unreadable",
            fingerprint: self.fingerprint(&[file.as_bytes(), b"unreadable"]),
            severity: "blocker",
            location: Location {
                path: file,
                lines: Lines { begin: 1 },
            },
        };
        self.issue(out, &issue)
    }

    fn finish(&mut self, out: &mut dyn Write, _totals: &Totals, _exit: Exit) -> io::Result<()> {
        out.write_all(if self.open { b"\n]\n" } else { b"[]\n" })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diagnostic, totals};
    use super::*;

    fn render(calls: impl FnOnce(&mut Gitlab, &mut Vec<u8>)) -> serde_json::Value {
        let mut sink = Gitlab::default();
        let mut out = Vec::new();
        calls(&mut sink, &mut out);
        assert!(sink.finish(&mut out, &totals(1, 0, 0, 0), Exit::Ok).is_ok());
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("one JSON array: {e}"))
    }

    #[test]
    fn no_finding_is_an_empty_array() {
        assert_eq!(render(|_, _| {}), serde_json::json!([]));
    }

    #[test]
    fn issues_carry_rule_severity_place_and_a_stable_fingerprint() {
        let d = [
            diagnostic(Severity::Error, "/a", "bad"),
            diagnostic(Severity::Warning, "", "odd"),
            diagnostic(Severity::Warning, "", "odd"),
        ];
        let issues = render(|sink, out| assert!(sink.room(out, "f.json", 0, &d).is_ok()));
        assert_eq!(issues[0]["description"], "type: /a: bad");
        assert_eq!(issues[0]["check_name"], "type");
        assert_eq!(issues[0]["severity"], "major");
        assert_eq!(issues[1]["severity"], "minor");
        assert_eq!(issues[1]["description"], "type: odd");
        assert_eq!(issues[0]["location"]["path"], "f.json");
        assert_eq!(issues[0]["location"]["lines"]["begin"], 4);
        let again = render(|sink, out| assert!(sink.room(out, "f.json", 0, &d).is_ok()));
        assert_eq!(issues, again);
        // The same words twice still make two issues.
        assert_ne!(issues[1]["fingerprint"], issues[2]["fingerprint"]);
        let other_room = render(|sink, out| assert!(sink.room(out, "f.json", 1, &d).is_ok()));
        assert_ne!(issues[0]["fingerprint"], other_room[0]["fingerprint"]);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 64 of "a" (the reference test vector).
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }

    #[test]
    fn an_unreadable_input_is_a_blocker_issue() {
        let gone = FileStatus::Unreadable("no such file".into());
        let issues = render(|sink, out| {
            assert!(sink.file(out, "g.json", &gone, &totals(1, 0, 0, 1)).is_ok());
        });
        assert_eq!(issues[0]["check_name"], "unreadable");
        assert_eq!(issues[0]["severity"], "blocker");
        assert_eq!(issues[0]["description"], "unreadable: g.json: no such file");
        assert_eq!(issues[0]["location"]["lines"]["begin"], 1);
    }
}
