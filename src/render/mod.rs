//! Renderers: each writes to an injected writer, so each is testable into a
//! `Vec<u8>`.

pub mod diff;
pub mod json;
pub mod participants;
pub mod report;
pub mod summary;
pub mod table;
pub mod timeline;
pub mod timestamps;
