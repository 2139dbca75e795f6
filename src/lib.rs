//! room-inspector: validate Livepeer Room JSON, list its participants and
//! read its timestamps. `run` returns an [`Exit`] or the [`Error`] that
//! stopped it; nothing here exits, prints except through the writers it is
//! given, or looks at the environment except through the [`Env`] it is
//! handed.

#[forbid(unsafe_code)]
pub mod cli;
#[forbid(unsafe_code)]
pub mod commands;
#[forbid(unsafe_code)]
pub mod diag;
#[forbid(unsafe_code)]
pub mod error;
pub mod input;
#[forbid(unsafe_code)]
pub mod json;
#[forbid(unsafe_code)]
pub mod model;
#[forbid(unsafe_code)]
pub mod render;
#[forbid(unsafe_code)]
pub mod term;
#[forbid(unsafe_code)]
pub mod time;
#[forbid(unsafe_code)]
pub mod walk;

use std::io::{self, Write};

use cli::{Cli, Command, InputArgs};
use commands::{participants, timestamps, validate};
use input::Source;

pub use error::Error;
pub use term::Env;

/// Exit codes (SPEC.md); with several inputs the worst wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Exit {
    Ok = 0,
    Invalid = 1,
    Usage = 2,
}

impl Exit {
    pub fn worst(self, other: Exit) -> Exit {
        self.max(other)
    }
}

/// Runs one command and flushes its output.
///
/// Each command keeps `so_far`, the exit code it has reached, up to date as
/// it reads, so that when the reader of stdout goes away (`| head`) the run
/// ends quietly with that code (SPEC.md); this is the one place that
/// decides so. Any other error is returned for `main` to print.
pub fn run(cli: Cli, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit, Error> {
    let mut so_far = Exit::Ok;
    let done = match &cli.command {
        Command::Validate(args) => validate::run(args, env, out, err, &mut so_far),
        Command::Participants(args) => participants::run(args, env, out, err, &mut so_far),
        Command::Timestamps(args) => timestamps::run(args, env, out, err, &mut so_far),
    }
    .and_then(|()| out.flush().map_err(Error::Write));
    match done {
        Ok(()) => Ok(so_far),
        Err(e) if e.is_broken_pipe() => Ok(so_far),
        Err(e) => Err(e),
    }
}

/// The inputs named on the command line, or standard input.
///
/// Standard input can be read once: named twice, the second read would
/// find it empty and report a room that is not missing. Standard input
/// that is a terminal would only hang. Both are refused as usage errors.
pub fn sources(args: &InputArgs, env: &Env) -> Result<Vec<Source>, Error> {
    let sources: Vec<Source> = if args.files.is_empty() {
        vec![Source::Stdin]
    } else {
        args.files.iter().map(|f| Source::from_arg(f)).collect()
    };
    if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
        return Err(Error::Usage(
            "standard input (-) is named more than once; give it once".to_string(),
        ));
    }
    if env.stdin_is_terminal && sources.contains(&Source::Stdin) {
        return Err(Error::Usage(
            "no input: give a FILE, or pipe a room into standard input (see --help)".to_string(),
        ));
    }
    Ok(sources)
}

/// Whether the reader of our output went away, looking through errors
/// that wrap an io error.
pub fn is_broken_pipe(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = e
        .get_ref()
        .map(|inner| inner as &(dyn std::error::Error + 'static));
    while let Some(error) = source {
        if let Some(io) = error.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            return true;
        }
        source = error.source();
    }
    false
}
