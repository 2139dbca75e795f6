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
pub mod rules;
#[forbid(unsafe_code)]
pub mod term;
#[forbid(unsafe_code)]
pub mod time;
#[forbid(unsafe_code)]
pub mod walk;

use std::io::{self, Write};

use cli::{Cli, Command, InputArgs};
use commands::{completions, diff, man, participants, schema, summary, timestamps, validate};
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
        Command::Summary(args) => summary::run(args, env, out, err, &mut so_far),
        Command::Diff(args) => diff::run(args, env, out, err, &mut so_far),
        Command::Schema => schema::run(out),
        Command::Completions(args) => completions::run(args.shell, out),
        Command::Man => man::run(out),
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
/// find it empty and report a room that is not missing, so that is refused.
/// With no FILE at all and a terminal on standard input, the user most
/// likely forgot the FILE, and waiting for typed JSON would look like a
/// hang: that is refused too. An explicit `-` reads, as `cat -` does.
pub fn sources(args: &InputArgs, env: &Env) -> Result<Vec<Source>, Error> {
    let mut sources: Vec<Source> = Vec::with_capacity(args.files.len().max(1));
    if args.files.is_empty() {
        sources.push(Source::Stdin);
    }
    for file in &args.files {
        match Source::from_arg(file) {
            Source::Path(path) if path.is_dir() => {
                sources.extend(input::dirs::files_under(&path, &args.glob)?);
            }
            source => sources.push(source),
        }
    }
    if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
        return Err(Error::Usage(
            "standard input (-) is named more than once; give it once".to_string(),
        ));
    }
    if env.stdin_is_terminal && args.files.is_empty() {
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
        source = match error.downcast_ref::<io::Error>() {
            Some(io) if io.kind() == io::ErrorKind::BrokenPipe => return true,
            // An io error's `source()` skips the error it wraps and
            // reports that one's source, so step into it instead.
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    false
}

/// The whole library under a pretend terminal: `Env` is the only way the
/// environment gets in, so these run the real commands on fixtures with
/// any terminal, width and `NO_COLOR` the tests like.
#[cfg(test)]
mod tests {
    use clap::Parser;
    use unicode_width::UnicodeWidthStr;

    use super::*;

    const TTY: Env = Env {
        stdin_is_terminal: false,
        stdout_is_terminal: true,
        stderr_is_terminal: true,
        no_color: false,
        terminal_width: Some(80),
        tz: None,
    };
    const PIPED: Env = Env {
        stdin_is_terminal: false,
        stdout_is_terminal: false,
        stderr_is_terminal: false,
        no_color: false,
        terminal_width: None,
        tz: None,
    };

    struct Outcome {
        result: Result<Exit, Error>,
        out: String,
        err: String,
    }

    fn cli(args: &[&str]) -> Cli {
        let argv = ["room-inspector"].iter().chain(args);
        match Cli::try_parse_from(argv.chain(&["--now", "2024-06-01T00:00:00Z"])) {
            Ok(cli) => cli,
            Err(e) => panic!("{e}"),
        }
    }

    fn run_with(env: &Env, args: &[&str]) -> Outcome {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let result = run(cli(args), env, &mut out, &mut err);
        Outcome {
            result,
            out: String::from_utf8_lossy(&out).into_owned(),
            err: String::from_utf8_lossy(&err).into_owned(),
        }
    }

    fn usage_message(outcome: &Outcome) -> String {
        match &outcome.result {
            Err(e @ Error::Usage(message)) => {
                assert_eq!(e.code(), Exit::Usage);
                message.clone()
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn on_a_terminal_tables_are_the_default_and_fit_its_width() {
        for command in ["participants", "timestamps"] {
            let tty = run_with(&TTY, &[command, "fixtures/people.json"]);
            assert!(matches!(tty.result, Ok(Exit::Ok)), "{command}: {}", tty.err);
            assert!(tty.out.starts_with('┌'), "{command}:\n{}", tty.out);
            assert!(
                plain(&tty.out).lines().all(|l| l.width() <= 80),
                "{command}:\n{}",
                tty.out
            );
            let wide = Env {
                terminal_width: Some(200),
                ..TTY
            };
            let wide = run_with(&wide, &[command, "fixtures/people.json"]);
            assert!(
                plain(&wide.out).lines().any(|l| l.width() > 80),
                "{command}"
            );

            let piped = run_with(&PIPED, &[command, "fixtures/people.json"]);
            assert!(matches!(piped.result, Ok(Exit::Ok)));
            let first = piped.out.lines().next().unwrap_or_default();
            assert!(first.starts_with("IDENTITY") || first.starts_with("POINTER"));
            assert!(!piped.out.contains('┌'), "{command}:\n{}", piped.out);
        }
    }

    #[test]
    fn the_report_is_coloured_by_the_flag_then_no_color_then_stdout() {
        let cases = [
            ("auto", TTY, true),
            (
                "auto",
                Env {
                    no_color: true,
                    ..TTY
                },
                false,
            ),
            ("auto", PIPED, false),
            // Only stdout counts for the report.
            (
                "auto",
                Env {
                    stderr_is_terminal: false,
                    ..TTY
                },
                true,
            ),
            (
                "auto",
                Env {
                    stdout_is_terminal: false,
                    ..TTY
                },
                false,
            ),
            ("always", PIPED, true),
            (
                "always",
                Env {
                    no_color: true,
                    ..PIPED
                },
                true,
            ),
            ("never", TTY, false),
        ];
        for (color, env, coloured) in cases {
            let r = run_with(
                &env,
                &["validate", "--color", color, "fixtures/rules/type.json"],
            );
            assert!(matches!(r.result, Ok(Exit::Invalid)));
            assert_eq!(
                r.out.contains("\x1b[1;31merror"),
                coloured,
                "{color} {env:?}"
            );
            assert!(!r.err.contains('\x1b'));
        }
    }

    /// Text without its SGR colour sequences, for measuring and matching.
    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("\x1b[") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find('m') {
                Some(m) if after[..m].bytes().all(|b| b.is_ascii_digit() || b == b';') => {
                    rest = &after[m + 1..];
                }
                _ => {
                    out.push_str("\x1b[");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn listings_colour_diagnostics_by_stderr_and_tables_by_stdout() {
        for (env, coloured) in [
            (TTY, true),
            (
                Env {
                    stdout_is_terminal: false,
                    ..TTY
                },
                true,
            ),
            (
                Env {
                    stderr_is_terminal: false,
                    ..TTY
                },
                false,
            ),
            (
                Env {
                    no_color: true,
                    ..TTY
                },
                false,
            ),
        ] {
            for command in ["participants", "timestamps"] {
                let r = run_with(&env, &[command, "fixtures/people.json"]);
                assert!(
                    r.err.contains("warning[key-identity-mismatch]"),
                    "{}",
                    r.err
                );
                assert_eq!(r.err.contains("\x1b[1;33m"), coloured, "{command} {env:?}");
                // A table is coloured when stdout is a terminal (the bold
                // header); the hostile name is escaped either way.
                let table = env.stdout_is_terminal && !env.no_color;
                assert_eq!(
                    r.out.contains("\x1b[1m"),
                    table,
                    "{command} {env:?}:\n{}",
                    r.out
                );
                assert!(!plain(&r.out).contains('\x1b'), "{command}:\n{}", r.out);
            }
        }
    }

    #[test]
    fn standard_input_named_twice_is_a_usage_error_in_every_command() {
        for command in ["validate", "participants", "timestamps"] {
            for args in [&["-", "-"][..], &["fixtures/room.json", "-", "-"]] {
                let argv: Vec<&str> = std::iter::once(command)
                    .chain(args.iter().copied())
                    .collect();
                let r = run_with(&PIPED, &argv);
                assert_eq!(
                    usage_message(&r),
                    "standard input (-) is named more than once; give it once"
                );
                assert!(r.out.is_empty() && r.err.is_empty(), "{command}");
            }
            let once = run_with(&PIPED, &[command, "fixtures/room.json", "-"]);
            assert!(once.result.is_ok(), "{command}: {}", once.err);
        }
    }

    #[test]
    fn a_terminal_on_standard_input_is_refused_only_when_no_file_is_named() {
        let env = Env {
            stdin_is_terminal: true,
            ..TTY
        };
        for command in ["validate", "participants", "timestamps"] {
            let message = usage_message(&run_with(&env, &[command]));
            assert!(message.starts_with("no input: give a FILE"), "{message}");
            let files = run_with(&env, &[command, "fixtures/room.json"]);
            assert!(matches!(files.result, Ok(Exit::Ok)), "{command}");
        }
        let args = |files: &[&str]| crate::cli::InputArgs {
            files: files.iter().map(Into::into).collect(),
            glob: Vec::new(),
            color: crate::term::ColorChoice::Auto,
            now: None,
        };
        let named = sources(&args(&["-"]), &env);
        assert_eq!(named.ok(), Some(vec![Source::Stdin]));
        let both = sources(&args(&["fixtures/room.json", "-"]), &env);
        assert_eq!(both.ok().map(|s| s.len()), Some(2));
    }

    #[test]
    fn a_bad_zone_or_style_is_a_usage_error_before_any_input_is_read() {
        for command in ["participants", "timestamps"] {
            let zone = run_with(&PIPED, &[command, "--tz", "Nowhere/Else", "missing.json"]);
            assert!(!usage_message(&zone).is_empty());
            let style = run_with(&PIPED, &[command, "--time-style", "bogus", "missing.json"]);
            assert!(!usage_message(&style).is_empty());
            assert!(zone.err.is_empty() && style.err.is_empty());
        }
    }

    /// Takes `room` bytes, then fails every write the way `kind` says.
    struct Closing {
        room: usize,
        kind: io::ErrorKind,
    }

    impl Write for Closing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(self.kind.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            if self.room == 0 {
                return Err(self.kind.into());
            }
            Ok(())
        }
    }

    #[test]
    fn a_reader_that_goes_away_ends_the_run_quietly_with_the_exit_so_far() {
        let cases: [(&[&str], Exit); 5] = [
            (&["validate", "fixtures/rules/type.json"], Exit::Invalid),
            (&["validate", "fixtures/room.json"], Exit::Ok),
            (
                &["validate", "fixtures/rules/type.json", "missing.json"],
                Exit::Invalid,
            ),
            (
                &[
                    "participants",
                    "fixtures/rules/type.json",
                    "fixtures/people.json",
                ],
                Exit::Invalid,
            ),
            (&["timestamps", "fixtures/admin-room.json"], Exit::Ok),
        ];
        for (args, so_far) in cases {
            for room in [0, 10] {
                let mut out = Closing {
                    room,
                    kind: io::ErrorKind::BrokenPipe,
                };
                let mut err = Vec::new();
                let result = run(cli(args), &PIPED, &mut out, &mut err);
                assert!(
                    matches!(result, Ok(exit) if exit == so_far),
                    "{args:?} {room}"
                );
                assert!(!String::from_utf8_lossy(&err).contains("cannot write"));
            }
        }
    }

    #[test]
    fn any_other_failed_write_is_an_error_with_exit_2() {
        for args in [
            &["validate", "fixtures/rules/type.json"][..],
            &["participants", "fixtures/people.json"],
            &["timestamps", "fixtures/room.json"],
        ] {
            let mut out = Closing {
                room: 10,
                kind: io::ErrorKind::StorageFull,
            };
            match run(cli(args), &PIPED, &mut out, &mut Vec::new()) {
                Err(e @ Error::Write(_)) => {
                    assert_eq!(e.code(), Exit::Usage);
                    assert!(!e.is_broken_pipe());
                    assert!(e.to_string().starts_with("cannot write output: "));
                }
                other => panic!("{args:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_broken_pipe_is_found_inside_wrapping_errors() {
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(is_broken_pipe(&pipe));
        let wrapped = io::Error::other(pipe);
        assert!(is_broken_pipe(&wrapped));
        assert!(is_broken_pipe(&io::Error::other(wrapped)));
        assert!(!is_broken_pipe(&io::Error::other("full")));
        // Through an error of another type that names it as its source.
        #[derive(Debug)]
        struct Wrapper(io::Error);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("wrapper")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let through = Wrapper(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&io::Error::other(through)));
        let plain = Wrapper(io::Error::from(io::ErrorKind::StorageFull));
        assert!(!is_broken_pipe(&io::Error::other(plain)));
        assert!(!is_broken_pipe(&io::Error::from(
            io::ErrorKind::StorageFull
        )));
    }

    /// Compares with `tests/snapshots/<name>`; `UPDATE_SNAPSHOTS=1`
    /// rewrites it instead.
    fn snapshot(name: &str, actual: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(name);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            let _ = std::fs::write(&path, actual);
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(actual, expected, "snapshot {name} differs");
    }

    #[test]
    fn the_timeline_fits_40_and_100_columns_in_blocks_and_in_ascii() {
        for (width, ascii) in [(40, false), (100, false), (100, true)] {
            let env = Env {
                terminal_width: Some(width),
                ..TTY
            };
            let mut args = vec![
                "participants",
                "--timeline",
                "--color",
                "never",
                "fixtures/summary/standup.json",
                "fixtures/admin-room.json",
            ];
            if ascii {
                args.push("--ascii");
            }
            args.extend(["--now", "2023-11-14T23:13:20Z"]);
            let argv = std::iter::once("room-inspector").chain(args.iter().copied());
            let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let result = run(cli, &env, &mut out, &mut err);
            assert!(result.is_ok(), "{}", String::from_utf8_lossy(&err));
            let out = String::from_utf8_lossy(&out).into_owned();
            for line in out.lines() {
                assert!(
                    line.width() <= usize::from(width),
                    "wider than {width}: {line:?}"
                );
            }
            let r = Outcome {
                result,
                out,
                err: String::new(),
            };
            let name = format!("timeline.{width}{}.txt", if ascii { ".ascii" } else { "" });
            snapshot(&name, &r.out);
        }
    }
}
