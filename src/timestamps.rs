//! `timestamps`.
use crate::{Exit, cli::TimestampsArgs};
use std::io::Write;
pub fn run(_a: &TimestampsArgs, _o: &mut dyn Write, _e: &mut dyn Write) -> Exit {
    Exit::Usage
}
