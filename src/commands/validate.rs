//! `validate`: every problem of every input in one run, then a summary.
//! The report is the product, so it goes to stdout in every format.

use std::io::Write;

use crate::cli::ValidateArgs;
use crate::input::{self, RoomReport};
use crate::render::report::{FileStatus, ReportSink, Silent, Totals};
use crate::term::{Env, Paint, Stream};
use crate::walk::{Collect, Options};
use crate::{Error, Exit, sources, time};

/// Reports every input; `exit` is kept at the code reached so far. An
/// input that cannot be read is named on stderr and the run goes on.
pub fn run(
    args: &ValidateArgs,
    env: &Env,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    if args.list_rules {
        return super::catalogue::list(args.format, out);
    }
    if let Some(rule) = args.explain {
        return super::catalogue::explain(rule, out);
    }
    let sources = sources(&args.input, env)?;
    let opts = Options {
        rules: args.rules.rule_set()?,
        now_ms: args.input.now.unwrap_or_else(time::now_ms),
        split: crate::walk::Split::Large,
        collect: Collect::default(),
    };
    let paint = Paint {
        on: args.input.color.enabled(env, Stream::Stdout),
    };
    // `--quiet` is one sink, not a check in every format.
    let mut sink: Box<dyn ReportSink> = if args.quiet {
        Box::new(Silent)
    } else {
        args.format.sink(paint)
    };
    let mut totals = Totals::default();
    for source in &sources {
        let mut file = Totals {
            files: 1,
            ..Totals::default()
        };
        let mut each = |report: RoomReport<'_>| -> Result<(), Error> {
            let errors = report.errors();
            let warnings = report.warnings();
            file.errors += errors;
            file.warnings += warnings;
            if errors > 0 || (args.deny_warnings && warnings > 0) {
                file.invalid += 1;
            } else {
                file.valid += 1;
            }
            *exit = exit.worst(file.exit());
            let origin = &report.origin;
            sink.room(out, &origin.file, origin.index, &report.diagnostics)?;
            Ok(())
        };
        let status = match input::for_each_room(source, &opts, &mut each) {
            Ok(()) if file.invalid > 0 => FileStatus::Invalid,
            Ok(()) => FileStatus::Valid,
            Err(Error::Input(e)) => {
                let _ = writeln!(err, "room-inspector: {e}");
                file.unreadable = 1;
                FileStatus::Unreadable(e.message)
            }
            Err(e) => return Err(e),
        };
        *exit = exit.worst(file.exit());
        sink.file(out, &source.name(), &status, &file)?;
        totals.add(&file);
    }
    sink.finish(out, &totals, *exit)?;
    Ok(())
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
