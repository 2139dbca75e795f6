//! The parse limit: read a file and parse it with serde_json into
//! `IgnoredAny`, nothing else. Benchmarks report the tool against this.

use std::io::Read;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        return std::process::ExitCode::from(2);
    };
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
    if read.is_err() {
        return std::process::ExitCode::from(2);
    }
    let parsed = serde_json::Deserializer::from_slice(&bytes)
        .into_iter::<serde::de::IgnoredAny>()
        .all(|item| item.is_ok());
    std::process::ExitCode::from(if parsed { 0 } else { 1 })
}
