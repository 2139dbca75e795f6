//! `--format human`: one line per finding in the compiler convention
//! (`file:line:col: severity[rule]: /pointer: message`), so editors can
//! jump to it, then a summary line. The listings print their diagnostics
//! about the input with the same lines on stderr.

use std::io::{self, Write};

use super::{ReportSink, Totals};
use crate::Exit;
use crate::diag::{Diagnostic, Severity};
use crate::term::{Paint, sanitize};

pub struct Human {
    /// Colour, decided by the caller for the stream this sink writes to.
    pub paint: Paint,
}

impl Human {
    /// One finding as a line; also the text of a JUnit failure.
    pub(super) fn line(&self, out: &mut dyn Write, file: &str, d: &Diagnostic) -> io::Result<()> {
        let p = self.paint;
        let place = format!("{}:{}:{}:", sanitize(file), d.line, d.column);
        let label = format!("{}[{}]", d.severity.as_str(), d.rule.code());
        let label = match d.severity {
            Severity::Error => p.error(&label),
            Severity::Warning => p.warning(&label),
        };
        write!(out, "{} {label}: ", p.bold(&place))?;
        if !d.pointer.is_empty() {
            write!(out, "{}: ", sanitize(&d.pointer))?;
        }
        writeln!(out, "{}", d.message)
    }
}

impl ReportSink for Human {
    fn room(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        _room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        diagnostics.iter().try_for_each(|d| self.line(out, file, d))
    }

    fn finish(&mut self, out: &mut dyn Write, totals: &Totals, _exit: Exit) -> io::Result<()> {
        super::summary(out, totals)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diagnostic, totals};
    use super::*;

    fn render(paint: bool, diagnostics: &[Diagnostic], t: &Totals) -> String {
        let mut sink = Human {
            paint: Paint { on: paint },
        };
        let mut out = Vec::new();
        assert!(sink.room(&mut out, "a\x1b.json", 0, diagnostics).is_ok());
        assert!(sink.finish(&mut out, t, Exit::Invalid).is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn lines_follow_the_compiler_convention_and_escape_the_file_name() {
        let d = [
            diagnostic(Severity::Error, "/createdAt", "expected a number"),
            diagnostic(Severity::Warning, "", "at the top"),
        ];
        assert_eq!(
            render(false, &d, &totals(1, 1, 1, 0)),
            "a\\u{1b}.json:4:16: error[type]: /createdAt: expected a number\n\
             a\\u{1b}.json:4:16: warning[type]: at the top\n\
             1 file, 0 rooms valid, 1 invalid: 1 error, 1 warning\n"
        );
    }

    #[test]
    fn colour_marks_place_and_severity_only_when_on() {
        let d = [
            diagnostic(Severity::Error, "/a", "bad"),
            diagnostic(Severity::Warning, "/b", "odd"),
        ];
        let text = render(true, &d, &totals(1, 1, 1, 0));
        assert!(text.starts_with(
            "\x1b[1ma\\u{1b}.json:4:16:\x1b[0m \x1b[1;31merror[type]\x1b[0m: /a: bad\n"
        ));
        assert!(text.contains("\x1b[1;33mwarning[type]\x1b[0m: /b: odd\n"));
        assert!(!render(false, &d, &totals(1, 1, 1, 0)).contains('\x1b'));
    }
}
