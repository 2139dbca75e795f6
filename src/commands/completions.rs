//! `completions SHELL`: a completion script generated from the clap
//! definition, so it offers exactly the commands and options there are.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::Error;
use crate::cli::Cli;

pub fn run(shell: Shell, out: &mut dyn Write) -> Result<(), Error> {
    // Generated into memory first: clap_complete panics on a failed write,
    // and a reader that goes away (`| head`) must end the run quietly.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "room-inspector", &mut script);
    out.write_all(&script)?;
    Ok(())
}
