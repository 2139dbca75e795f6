//! What `participants` and `timestamps` share: time settings from the
//! command line, and a walk over every room of every input that reports
//! problems with the input on stderr, hands on what can be listed, and
//! merges the exit codes.

use std::io::{self, IsTerminal, Write};

use crate::cli::{InputArgs, ReportFormat, TimeArgs};
use crate::input::{self, RoomReport, Source};
use crate::render::report::Reporter;
use crate::term::{ColorChoice, Paint, sanitize};
use crate::time::{self, Style, TimeFormat};
use crate::walk::{Collect, Options, WalkedRoom};
use crate::{Error, Exit, sources, usage_error};

pub struct Listing {
    pub sources: Vec<Source>,
    pub tf: TimeFormat,
    pub opts: Options,
}

/// What the walk hands to a command.
pub enum Event<'r, 'a> {
    /// A room that is an object, listed even when it has findings.
    Room(&'r RoomReport<'a>, &'r WalkedRoom<'a>),
    /// The end of one input.
    InputDone,
}

impl Listing {
    /// Zone, style, clock and inputs; a bad one is a usage error (exit 2).
    pub fn new(
        input: &InputArgs,
        time_args: &TimeArgs,
        strict: bool,
        collect: Collect,
        err: &mut dyn Write,
    ) -> Result<Listing, Exit> {
        let zone = time::zone(&time_args.tz).map_err(|e| usage_error(err, &e))?;
        let style = Style::parse(&time_args.time_style).map_err(|e| usage_error(err, &e))?;
        let sources = sources(input, err).ok_or(Exit::Usage)?;
        let now_ms = input.now.unwrap_or_else(time::now_ms);
        Ok(Listing {
            sources,
            tf: TimeFormat {
                zone,
                style,
                now_ms,
            },
            opts: Options {
                strict,
                now_ms,
                collect,
            },
        })
    }

    /// Walks every input. A failed write to stdout stops the walk and is
    /// returned with the exit code known so far.
    pub fn walk(
        &self,
        color: ColorChoice,
        err: &mut dyn Write,
        each: &mut dyn FnMut(Event<'_, '_>) -> io::Result<()>,
    ) -> Result<Exit, (io::Error, Exit)> {
        let mut diagnostics = Reporter {
            format: ReportFormat::Human,
            quiet: false,
            paint: Paint {
                on: color.enabled(io::stderr().is_terminal()),
            },
            out: err,
        };
        let mut exit = Exit::Ok;
        for source in &self.sources {
            let mut sink = |report: RoomReport<'_>| -> Result<(), Error> {
                // A failed write to stderr must not stop the listing.
                let _ = diagnostics.diagnostics(&report);
                if report.errors() > 0 {
                    exit = exit.worst(Exit::Invalid);
                }
                match report.walked.as_ref().filter(|s| s.is_object) {
                    Some(scan) => each(Event::Room(&report, scan)).map_err(Error::Write),
                    None => Ok(()),
                }
            };
            match input::for_each_room(source, &self.opts, &mut sink) {
                Ok(()) => {}
                Err(Error::Write(e)) => return Err((e, exit)),
                Err(e) => {
                    let _ = writeln!(diagnostics.out, "room-inspector: {e}");
                    exit = exit.worst(Exit::Usage);
                }
            }
            each(Event::InputDone).map_err(|e| (e, exit))?;
        }
        Ok(exit)
    }
}

/// `room ID (FILE, line N): 3 participants`
pub fn heading(report: &RoomReport<'_>, scan: &WalkedRoom<'_>, count: usize, noun: &str) -> String {
    let id = scan.id.map(|id| id.decode());
    format!(
        "room {} ({}, line {}): {count} {noun}{}",
        sanitize(id.as_deref().unwrap_or("(no id)")),
        sanitize(&report.origin.file),
        report.origin.line,
        if count == 1 { "" } else { "s" }
    )
}
