//! `--format junit`: JUnit XML, as Jenkins, Azure Pipelines and GitLab
//! (`artifacts:reports:junit`) read test results. Each input is a
//! `<testsuite>`, each room a `<testcase>` (`room 0`, `room 1`… as the JSON
//! format counts them), each error a `<failure>` whose text is the human
//! line; warnings do not fail a room and go to its `<system-out>`. An input
//! that cannot be read is a suite with one `<testcase name="read">` holding
//! an `<error>`. The counts come first in the XML, so the report is kept
//! until `finish`.
//!
//! Text from the input goes through [`sanitize`] first, so no control
//! character reaches the XML (XML 1.0 cannot even carry most C0 controls),
//! then the writer escapes markup.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::human::Human;
use super::{FileStatus, ReportSink, Totals};
use crate::Exit;
use crate::diag::{Diagnostic, Severity};
use crate::term::{Paint, sanitize};

#[derive(Default)]
pub struct Junit {
    /// The rooms of the input being read.
    rooms: Vec<Case>,
    suites: Vec<Suite>,
}

struct Suite {
    name: String,
    cases: Vec<Case>,
    /// Why the input could not be read.
    error: Option<String>,
}

struct Case {
    room: usize,
    /// (`message` attribute, rule, text) of each error.
    failures: Vec<(String, &'static str, String)>,
    /// The warnings' lines.
    out: String,
}

/// Text safe in XML 1.0: [`sanitize`] escapes every control character,
/// and the two non-characters XML also forbids (U+FFFE, U+FFFF) are
/// escaped the same way.
fn xml_text(text: &str) -> Cow<'_, str> {
    let clean = sanitize(text);
    if !clean.contains(['\u{fffe}', '\u{ffff}']) {
        return clean;
    }
    Cow::Owned(
        clean
            .replace('\u{fffe}', "\\u{fffe}")
            .replace('\u{ffff}', "\\u{ffff}"),
    )
}

/// The human line of a finding, without colour.
fn human_line(file: &str, d: &Diagnostic) -> String {
    let mut line = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = Human {
        paint: Paint { on: false },
    }
    .line(&mut line, file, d);
    let text = String::from_utf8_lossy(&line);
    xml_text(text.trim_end_matches('\n')).into_owned()
}

fn failed(case: &Case) -> bool {
    !case.failures.is_empty()
}

impl Suite {
    fn tests(&self) -> usize {
        self.cases.len() + usize::from(self.error.is_some())
    }
    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| failed(c)).count()
    }
    fn errors(&self) -> usize {
        usize::from(self.error.is_some())
    }
}

fn write_suite<W: Write>(w: &mut Writer<W>, suite: &Suite) -> io::Result<()> {
    let name = xml_text(&suite.name);
    w.create_element("testsuite")
        .with_attribute(("name", name.as_ref()))
        .with_attribute(("tests", suite.tests().to_string().as_str()))
        .with_attribute(("failures", suite.failures().to_string().as_str()))
        .with_attribute(("errors", suite.errors().to_string().as_str()))
        .write_inner_content(|w| {
            if let Some(why) = &suite.error {
                let why = xml_text(why);
                w.create_element("testcase")
                    .with_attribute(("name", "read"))
                    .with_attribute(("classname", name.as_ref()))
                    .write_inner_content(|w| {
                        w.create_element("error")
                            .with_attribute(("message", why.as_ref()))
                            .with_attribute(("type", "unreadable"))
                            .write_text_content(BytesText::new(&format!("{name}: {why}")))?;
                        Ok(())
                    })?;
            }
            for case in &suite.cases {
                write_case(w, &name, case)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_case<W: Write>(w: &mut Writer<W>, classname: &str, case: &Case) -> io::Result<()> {
    let element = w
        .create_element("testcase")
        .with_attribute(("name", format!("room {}", case.room).as_str()))
        .with_attribute(("classname", classname));
    if case.failures.is_empty() && case.out.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|w| {
        for (message, rule, text) in &case.failures {
            w.create_element("failure")
                .with_attribute(("message", message.as_str()))
                .with_attribute(("type", *rule))
                .write_text_content(BytesText::new(text))?;
        }
        if !case.out.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&case.out))?;
        }
        Ok(())
    })?;
    Ok(())
}

impl ReportSink for Junit {
    fn room(
        &mut self,
        _out: &mut dyn Write,
        file: &str,
        room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        let mut case = Case {
            room,
            failures: Vec::new(),
            out: String::new(),
        };
        for d in diagnostics {
            let line = human_line(file, d);
            match d.severity {
                Severity::Error => {
                    let message = format!("{}: {}", d.rule.code(), d.text());
                    let message = xml_text(&message).into_owned();
                    case.failures.push((message, d.rule.code(), line));
                }
                Severity::Warning => {
                    case.out.push_str(&line);
                    case.out.push('\n');
                }
            }
        }
        self.rooms.push(case);
        Ok(())
    }

    fn file(
        &mut self,
        _out: &mut dyn Write,
        file: &str,
        status: &FileStatus,
        _totals: &Totals,
    ) -> io::Result<()> {
        let error = match status {
            FileStatus::Unreadable(why) => Some(why.clone()),
            FileStatus::Valid | FileStatus::Invalid => None,
        };
        self.suites.push(Suite {
            name: file.to_string(),
            cases: std::mem::take(&mut self.rooms),
            error,
        });
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _totals: &Totals, _exit: Exit) -> io::Result<()> {
        let suites = std::mem::take(&mut self.suites);
        let sum = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>().to_string();
        let mut w = Writer::new_with_indent(&mut *out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("testsuites")
            .with_attribute(("name", env!("CARGO_PKG_NAME")))
            .with_attribute(("tests", sum(Suite::tests).as_str()))
            .with_attribute(("failures", sum(Suite::failures).as_str()))
            .with_attribute(("errors", sum(Suite::errors).as_str()))
            .write_inner_content(|w| suites.iter().try_for_each(|s| write_suite(w, s)))?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diagnostic, totals};
    use super::*;

    fn render(calls: impl FnOnce(&mut Junit, &mut Vec<u8>)) -> String {
        let mut sink = Junit::default();
        let mut out = Vec::new();
        calls(&mut sink, &mut out);
        assert!(sink.finish(&mut out, &totals(1, 0, 0, 0), Exit::Ok).is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn rooms_are_cases_errors_fail_them_and_warnings_are_output() {
        let d = [
            diagnostic(Severity::Error, "/a", "bad <x> & \"y\""),
            diagnostic(Severity::Warning, "/b", "odd"),
        ];
        let xml = render(|sink, out| {
            assert!(sink.room(out, "f.json", 0, &d).is_ok());
            assert!(sink.room(out, "f.json", 1, &[]).is_ok());
            let t = totals(1, 1, 1, 0);
            assert!(sink.file(out, "f.json", &FileStatus::Invalid, &t).is_ok());
        });
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="room-inspector" tests="2" failures="1" errors="0">
  <testsuite name="f.json" tests="2" failures="1" errors="0">
    <testcase name="room 0" classname="f.json">
      <failure message="type: /a: bad &lt;x&gt; &amp; &quot;y&quot;" type="type">f.json:4:16: error[type]: /a: bad &lt;x&gt; &amp; &quot;y&quot;</failure>
      <system-out>f.json:4:16: warning[type]: /b: odd
</system-out>
    </testcase>
    <testcase name="room 1" classname="f.json"/>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn an_unreadable_input_is_a_suite_with_an_error() {
        let gone = FileStatus::Unreadable("no such file".into());
        let xml = render(|sink, out| {
            assert!(sink.file(out, "g.json", &gone, &totals(1, 0, 0, 1)).is_ok());
        });
        assert!(xml.contains(
            r#"<testsuite name="g.json" tests="1" failures="0" errors="1">
    <testcase name="read" classname="g.json">
      <error message="no such file" type="unreadable">g.json: no such file</error>"#
        ));
        assert!(
            xml.contains(r#"<testsuites name="room-inspector" tests="1" failures="0" errors="1">"#)
        );
    }

    #[test]
    fn characters_xml_cannot_hold_are_escaped() {
        assert_eq!(
            xml_text("a\u{1}b\u{ffff}c\u{fffe}"),
            "a\\u{1}b\\u{ffff}c\\u{fffe}"
        );
        assert_eq!(xml_text("plain é"), "plain é");
    }
}
