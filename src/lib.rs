//! room-inspector: validate Livepeer Room JSON, list its participants and
//! read its timestamps. `run` returns an [`Exit`]; nothing here exits or
//! prints except through the writers it is given.

pub mod cli;
pub mod commands;
pub mod diag;
pub mod error;
pub mod input;
pub mod json;
pub mod model;
pub mod render;
pub mod term;
pub mod time;
pub mod walk;

use std::io::{self, IsTerminal, Write};

use cli::{Cli, Command, InputArgs};
use commands::{participants, timestamps, validate};
use input::Source;

pub use error::Error;

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

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    match cli.command {
        Command::Validate(args) => validate::run(&args, out, err),
        Command::Participants(args) => participants::run(&args, out, err),
        Command::Timestamps(args) => timestamps::run(&args, out, err),
    }
}

/// The inputs named on the command line, or standard input. Standard input
/// that is a terminal would only hang, so it is refused with a hint.
pub fn sources(args: &InputArgs, err: &mut dyn Write) -> Option<Vec<Source>> {
    let sources: Vec<Source> = if args.files.is_empty() {
        vec![Source::Stdin]
    } else {
        args.files.iter().map(|f| Source::from_arg(f)).collect()
    };
    if sources.contains(&Source::Stdin) && io::stdin().is_terminal() {
        let _ = writeln!(
            err,
            "room-inspector: no input: give a FILE, or pipe a room into standard input (see --help)"
        );
        return None;
    }
    Some(sources)
}

/// A write failed: a reader that went away ends the run quietly.
pub fn write_failed(e: &io::Error, err: &mut dyn Write, so_far: Exit) -> Exit {
    if is_broken_pipe(e) {
        return so_far;
    }
    let _ = writeln!(err, "room-inspector: cannot write output: {e}");
    Exit::Usage
}

/// Prints a usage problem found after argument parsing.
pub fn usage_error(err: &mut dyn Write, message: &str) -> Exit {
    let _ = writeln!(err, "room-inspector: {message}");
    Exit::Usage
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
