//! The `diff` formats: one [`DiffSink`] per `--format`, handed one change
//! at a time in the order the diff finds them.

pub mod json;
pub mod text;

use std::io::{self, Write};

use crate::commands::diff::Change;

pub trait DiffSink {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn change(&mut self, out: &mut dyn Write, change: &Change) -> io::Result<()>;

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}
