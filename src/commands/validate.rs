//! `validate`: every problem of every input in one run, then a summary.
//! The report is the product, so it goes to stdout in every format.

use std::io::{IsTerminal, Write};

use crate::cli::{ReportFormat, ValidateArgs};
use crate::input::{self, RoomReport};
use crate::render::report::{FileStatus, Reporter, Totals};
use crate::term::Paint;
use crate::walk::{Collect, Options};
use crate::{Error, Exit, sources, time, write_failed};

pub fn run(args: &ValidateArgs, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let Some(sources) = sources(&args.input, err) else {
        return Exit::Usage;
    };
    let opts = Options {
        strict: args.rules.strict,
        now_ms: args.input.now.unwrap_or_else(time::now_ms),
        collect: Collect::default(),
    };
    let paint = Paint {
        on: args.format == ReportFormat::Human
            && args.input.color.enabled(std::io::stdout().is_terminal()),
    };
    let mut reporter = Reporter {
        format: args.format,
        quiet: args.quiet,
        paint,
        out,
    };
    let mut totals = Totals::default();
    let mut exit = Exit::Ok;
    for source in &sources {
        let mut file = Totals {
            files: 1,
            ..Totals::default()
        };
        let mut sink = |report: RoomReport<'_>| {
            let errors = report.errors();
            let warnings = report.warnings();
            file.errors += errors;
            file.warnings += warnings;
            if errors > 0 || (args.deny_warnings && warnings > 0) {
                file.invalid += 1;
            } else {
                file.valid += 1;
            }
            reporter.diagnostics(&report).map_err(Error::Write)
        };
        let status = match input::for_each_room(source, &opts, &mut sink) {
            Ok(()) => {
                if file.invalid > 0 {
                    FileStatus::Invalid
                } else {
                    FileStatus::Valid
                }
            }
            Err(Error::Write(e)) => return write_failed(&e, err, exit.worst(file.exit())),
            Err(Error::Usage(message)) => return crate::usage_error(err, &message),
            Err(Error::Input(e)) => {
                let _ = writeln!(err, "room-inspector: {e}");
                file.unreadable = 1;
                FileStatus::Unreadable(e.message)
            }
        };
        exit = exit.worst(file.exit());
        if let Err(e) = reporter.file(&source.name(), &status, &file) {
            return write_failed(&e, err, exit);
        }
        totals.add(&file);
    }
    if let Err(e) = reporter.summary(&totals, exit) {
        return write_failed(&e, err, exit);
    }
    exit
}

impl Totals {
    fn exit(&self) -> Exit {
        if self.unreadable > 0 {
            Exit::Usage
        } else if self.invalid > 0 {
            Exit::Invalid
        } else {
            Exit::Ok
        }
    }
}
