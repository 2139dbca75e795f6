//! JSON text: scanning with offsets, and turning offsets into line:col.

pub mod lines;
pub mod scan;
