//! What `participants` and `timestamps` share: time settings from the
//! command line, and a walk over every room of every input that reports
//! problems with the input on stderr, hands on what can be listed, and
//! merges the exit codes.

use std::io::{self, Write};

use crate::cli::{InputArgs, TimeArgs};
use crate::input::{self, RoomReport, Source};
use crate::render::report::ReportSink;
use crate::render::report::human::Human;
use crate::rules::RuleSet;
use crate::term::{ColorChoice, Env, Paint, Stream};
use crate::time::{self, Style, TimeFormat};
use crate::walk::{Collect, Options, WalkedRoom};
use crate::{Error, Exit, sources};

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
        rules: RuleSet,
        collect: Collect,
        env: &Env,
    ) -> Result<Listing, Error> {
        let zone = time::zone(&time_args.tz, env.tz).map_err(Error::Usage)?;
        let style = Style::parse(&time_args.time_style).map_err(Error::Usage)?;
        let sources = sources(input, env)?;
        let now_ms = input.now.unwrap_or_else(time::now_ms);
        Ok(Listing {
            sources,
            tf: TimeFormat {
                zone,
                style,
                now_ms,
            },
            opts: Options {
                rules,
                now_ms,
                collect,
                split: crate::walk::Split::Large,
            },
        })
    }

    /// Walks every input; `exit` is kept at the code reached so far. The
    /// findings of each room and inputs that cannot be read are reported
    /// on `err`, and the walk goes on; a failed write to stdout stops it.
    pub fn walk(
        &self,
        color: ColorChoice,
        env: &Env,
        err: &mut dyn Write,
        exit: &mut Exit,
        each: &mut dyn FnMut(Event<'_, '_>) -> io::Result<()>,
    ) -> Result<(), Error> {
        let mut diagnostics = Human {
            paint: Paint {
                on: color.enabled(env, Stream::Stderr),
            },
        };
        for source in &self.sources {
            let mut sink = |report: RoomReport<'_>| -> Result<(), Error> {
                // A failed write to stderr must not stop the listing.
                let origin = &report.origin;
                let _ = diagnostics.room(err, &origin.file, origin.index, &report.diagnostics);
                if report.errors() > 0 {
                    *exit = exit.worst(Exit::Invalid);
                }
                match report.walked.as_ref().filter(|s| s.is_object) {
                    Some(scan) => Ok(each(Event::Room(&report, scan))?),
                    None => Ok(()),
                }
            };
            match input::for_each_room(source, &self.opts, &mut sink) {
                Ok(()) => {}
                Err(e @ Error::Write(_)) => return Err(e),
                Err(e) => {
                    let _ = writeln!(err, "room-inspector: {e}");
                    *exit = exit.worst(Exit::Usage);
                }
            }
            each(Event::InputDone)?;
        }
        Ok(())
    }
}
