//! `--format github`: GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…::…`), one per finding, so each shows as an
//! annotation on the line it is about; then the summary line.

use std::io::{self, Write};

use super::{FileStatus, ReportSink, Totals};
use crate::Exit;
use crate::diag::Diagnostic;
use crate::term::sanitize;

pub struct Github;

/// GitHub Actions escaping: `%`, CR and LF in data; `:` and `,` too in
/// properties.
fn escape(text: &str, property: bool) -> String {
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

fn command(out: &mut dyn Write, file: &str, d: &Diagnostic) -> io::Result<()> {
    let command = d.severity.as_str();
    let message = d.text();
    writeln!(
        out,
        "::{command} file={},line={},col={},title={}::{}",
        escape(&sanitize(file), true),
        d.line,
        d.column,
        escape(d.rule.code(), true),
        escape(&sanitize(&message), false)
    )
}

impl ReportSink for Github {
    fn room(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        _room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        diagnostics.iter().try_for_each(|d| command(out, file, d))
    }

    /// An input that cannot be read gets an annotation of its own, so the
    /// run's summary on GitHub shows why it failed, not only the log.
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
        let message = format!("{}: {why}", sanitize(file));
        let location = if file == super::STDIN {
            String::new()
        } else {
            format!(" file={},", escape(&sanitize(file), true))
        };
        writeln!(
            out,
            "::error{}title=unreadable::{}",
            location,
            escape(&message, false)
        )
    }

    fn finish(&mut self, out: &mut dyn Write, totals: &Totals, _exit: Exit) -> io::Result<()> {
        super::summary(out, totals)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diagnostic, totals};
    use super::*;
    use crate::diag::Severity;

    #[test]
    fn commands_escape_data_and_properties() {
        let d = [
            diagnostic(Severity::Error, "/a", "50% bad\nnext\r"),
            diagnostic(Severity::Warning, "", "a:b,c"),
        ];
        let mut out = Vec::new();
        assert!(Github.room(&mut out, "dir,x:y%.json", 0, &d).is_ok());
        assert!(
            Github
                .finish(&mut out, &totals(2, 0, 0, 0), Exit::Ok)
                .is_ok()
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            "::error file=dir%2Cx%3Ay%25.json,line=4,col=16,title=type::/a: 50%25 bad\\nnext\\r\n\
             ::warning file=dir%2Cx%3Ay%25.json,line=4,col=16,title=type::a:b,c\n\
             2 files, 2 rooms valid, 0 invalid: 0 errors, 0 warnings\n"
        );
    }

    #[test]
    fn raw_line_breaks_are_percent_encoded() {
        assert_eq!(escape("a\r\nb%", false), "a%0D%0Ab%25");
        assert_eq!(escape("a:b,c", true), "a%3Ab%2Cc");
    }
}
