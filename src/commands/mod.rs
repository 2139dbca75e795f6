//! The commands: each reads its inputs, hands rooms to its renderers and
//! returns the exit code it reached.

pub mod catalogue;
pub mod completions;
pub mod diff;
pub mod listing;
pub mod man;
pub mod participants;
pub mod schema;
pub mod summary;
pub mod timestamps;
pub mod validate;
