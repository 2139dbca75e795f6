//! The binary: parse arguments, read the environment once, run, turn the
//! outcome into an exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use room_inspector::Env;

/// The only place that asks the process about its terminals and `NO_COLOR`.
fn env() -> Env {
    let stdout_is_terminal = io::stdout().is_terminal();
    Env {
        stdin_is_terminal: io::stdin().is_terminal(),
        stdout_is_terminal,
        stderr_is_terminal: io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        // COLUMNS is honoured in a pipe too: a shell sets it only when
        // asked to, so `COLUMNS=100 room-inspector … | less -S` means it.
        terminal_width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|&c| c >= 20)
            .or_else(|| {
                stdout_is_terminal
                    .then(terminal_size::terminal_size)
                    .flatten()
                    .map(|(terminal_size::Width(w), _)| w)
            }),
        // Leaked once: `Env` is a small `Copy` value handed everywhere.
        tz: std::env::var_os("TZ")
            .map(|tz| &*Box::leak(tz.to_string_lossy().into_owned().into_boxed_str())),
    }
}

/// Help and version go to stdout, usage errors to stderr. A usage error
/// may echo an argument, and arguments come from globs over names anyone
/// chose: its text is escaped as data is, line by line so clap's own line
/// breaks stay. Help that cannot be written (a closed stdout, a full disk)
/// is an error, as any other output is; a reader that went away is not.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    if e.use_stderr() {
        let safe: Vec<String> = text
            .split('\n')
            .map(|line| room_inspector::term::sanitize(line).into_owned())
            .collect();
        let _ = io::stderr().write_all(safe.join("\n").as_bytes());
        return ExitCode::from(2);
    }
    if stdout_is_closed() {
        return closed();
    }
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "room-inspector: cannot write the output: {e}");
            ExitCode::from(2)
        }
    }
}

/// Whether standard output was closed when the process started (`>&-`).
///
/// The standard library reopens a closed standard descriptor on
/// `/dev/null`, read-write, before `main`, so writes then succeed unseen
/// and a run that printed nothing would exit 0. A shell's `>/dev/null`
/// opens it write-only: `/dev/null` (character device 1:3) open
/// read-write is the sign. Two calls on the descriptor tell, where asking
/// `/proc` by name cost a path lookup on every run; elsewhere this says no.
fn stdout_is_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{FileType, OFlags, fcntl_getfl, fstat, major, minor};
        let stdout = io::stdout();
        let Ok(stat) = fstat(&stdout) else {
            return false;
        };
        let dev_null = FileType::from_raw_mode(stat.st_mode) == FileType::CharacterDevice
            && (major(stat.st_rdev), minor(stat.st_rdev)) == (1, 3);
        dev_null && fcntl_getfl(&stdout).is_ok_and(|flags| flags & OFlags::ACCMODE == OFlags::RDWR)
    }
    #[cfg(not(target_os = "linux"))]
    false
}

fn closed() -> ExitCode {
    let _ = writeln!(
        io::stderr(),
        "room-inspector: standard output is closed; nothing could be written (redirect it to a file or /dev/null instead)"
    );
    ExitCode::from(2)
}

/// A pipe holds 64 KiB unless asked for more: output written into one
/// then goes across 64 KiB at a time, each step a switch to the reader and
/// back. With 1 MiB (what the kernel grants without privileges) a listing
/// read through `| cat` or `| jq` takes about a fifth less time. Anything
/// that is not a pipe, or a kernel that refuses, keeps what it has.
fn widen_pipe() {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::pipe::fcntl_setpipe_size(io::stdout(), 1 << 20);
    }
}

fn main() -> ExitCode {
    let cli = match room_inspector::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let quiet = matches!(&cli.command, room_inspector::cli::Command::Validate(a) if a.quiet);
    if !quiet && stdout_is_closed() {
        return closed();
    }
    let env = env();
    widen_pipe();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    // `run` has already ended a closed pipe quietly with the exit code
    // reached so far, so every error that arrives here is worth saying.
    let exit = match room_inspector::run(cli, &env, &mut out, &mut err) {
        Ok(exit) => exit,
        Err(e) => {
            let _ = writeln!(err, "room-inspector: {e}");
            e.code()
        }
    };
    ExitCode::from(exit as u8)
}
