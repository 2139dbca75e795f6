//! JSON text: lexing with offsets, and turning offsets into line:col.

pub mod lexer;
pub mod lines;
