//! `timestamps`: every millisecond timestamp of each room, readable. The
//! formats are in `render::timestamps`; this file hands them the rooms.

use std::io::Write;

use crate::cli::{TimestampsArgs, TimestampsFormat};
use crate::commands::listing::{Event, Listing};
use crate::render::table::{Held, Sections};
use crate::render::timestamps::{Room, StampSink, json, plain, table};
use crate::term::{Env, Stream};
use crate::time::TimeFormat;
use crate::walk::Collect;
use crate::{Error, Exit};

/// `--format`, or a table on a terminal and plain columns when piped.
fn format(chosen: Option<TimestampsFormat>, env: &Env) -> TimestampsFormat {
    chosen.unwrap_or(if env.stdout_is_terminal {
        TimestampsFormat::Table
    } else {
        TimestampsFormat::Plain
    })
}

/// The one place a format meets its sink. `several`: more than one input,
/// so every room of the formats for people gets a heading.
fn sink<'t>(
    format: TimestampsFormat,
    tf: &'t TimeFormat,
    args: &TimestampsArgs,
    env: &Env,
    several: bool,
) -> Box<dyn StampSink + 't> {
    let sections = Sections::new(several);
    match format {
        TimestampsFormat::Table => Box::new(table::Table {
            tf,
            width: args.width.or(env.terminal_width),
            colour: args.input.color.enabled(env, Stream::Stdout),
            held: Held::new(several),
        }),
        TimestampsFormat::Plain => Box::new(plain::Plain {
            tf,
            header: !args.no_header,
            sections,
        }),
        TimestampsFormat::Json => Box::new(json::Json::new(tf, false)),
        TimestampsFormat::Ndjson => Box::new(json::Json::new(tf, true)),
    }
}

/// Lists every room of every input; `exit` is kept at the code reached so
/// far. Findings about the input go to `err`, as `validate` words them.
pub fn run(
    args: &TimestampsArgs,
    env: &Env,
    out: &mut dyn Write,
    err: &mut dyn Write,
    exit: &mut Exit,
) -> Result<(), Error> {
    let collect = Collect {
        timestamps: true,
        ..Collect::NOTHING
    };
    let listing = Listing::new(
        &args.input,
        &args.time,
        args.rules.rule_set()?,
        collect,
        env,
    )?;
    let several = listing.sources.len() > 1;
    let mut sink = sink(format(args.format, env), &listing.tf, args, env, several);
    listing.walk(args.input.color, env, err, exit, &mut |event| {
        let (report, scan) = match event {
            Event::Room(report, scan) => (report, scan),
            Event::InputDone => return sink.input_done(out),
        };
        let id = scan.id.map(|id| id.decode());
        let room = Room {
            id: id.as_deref(),
            file: &report.origin.file,
            line: report.origin.line,
            last: report.last,
            index_in_array: scan.index_in_array,
            timestamps: &scan.timestamps,
            text: report.text(),
            start: report.span.0,
        };
        sink.room(out, &room)
    })?;
    sink.finish(out)?;
    Ok(())
}
