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
        terminal_width: stdout_is_terminal
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(terminal_size::Width(w), _)| w),
    }
}

fn main() -> ExitCode {
    let cli = match room_inspector::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout and usage errors to stderr.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let env = env();
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
