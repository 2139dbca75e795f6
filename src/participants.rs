//! `participants`.
use crate::{Exit, cli::ParticipantsArgs};
use std::io::Write;
pub fn run(_a: &ParticipantsArgs, _o: &mut dyn Write, _e: &mut dyn Write) -> Exit {
    Exit::Usage
}
