//! What can stop a command, apart from findings about the input (which are
//! data, not errors). Each kind has its exit code; `main` prints it.

use std::fmt;
use std::io;

use crate::Exit;
use crate::input::InputError;

#[derive(Debug)]
pub enum Error {
    /// A bad option value or combination found after argument parsing.
    Usage(String),
    /// An input that could not be read; the run goes on with the next one.
    Input(InputError),
    /// Writing the output failed. A reader that went away is not an error
    /// to report (see [`Error::is_broken_pipe`]).
    Write(io::Error),
}

impl Error {
    pub fn code(&self) -> Exit {
        match self {
            Error::Usage(_) | Error::Input(_) | Error::Write(_) => Exit::Usage,
        }
    }

    /// A write that failed because the reader of our output went away
    /// (`| head`): the run ends quietly with the exit code it had so far.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Write(e) if crate::is_broken_pipe(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) => f.write_str(message),
            Error::Input(e) => write!(f, "{e}"),
            Error::Write(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Write(e)
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Error {
        Error::Input(e)
    }
}
