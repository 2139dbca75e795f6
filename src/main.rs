//! The binary: parse arguments, run, turn the outcome into an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match room_inspector::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout and usage errors to stderr.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let exit = room_inspector::run(cli, &mut out, &mut err);
    let exit = match out.flush() {
        Err(e) if !room_inspector::is_broken_pipe(&e) => {
            let _ = writeln!(err, "room-inspector: cannot write output: {e}");
            room_inspector::Exit::Usage
        }
        _ => exit,
    };
    ExitCode::from(exit as u8)
}
