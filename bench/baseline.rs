//! The parse limit: read a file and parse it with serde_json into
//! `IgnoredAny`, nothing else. Benchmarks report the tool against this.
//!
//! `parse-baseline FILE` reads the file into memory, as the benchmark
//! targets are defined; `parse-baseline --map FILE` maps it instead, the
//! way the tool reads large files, so the report can also say how the
//! tool compares with a parse that does not pay for the copy.

use std::io::Read;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(first) = args.next() else {
        return std::process::ExitCode::from(2);
    };
    let (map, path) = if first == "--map" {
        match args.next() {
            Some(path) => (true, path),
            None => return std::process::ExitCode::from(2),
        }
    } else {
        (false, first)
    };
    let Ok(mut file) = std::fs::File::open(path) else {
        return std::process::ExitCode::from(2);
    };
    let parse = |bytes: &[u8]| {
        serde_json::Deserializer::from_slice(bytes)
            .into_iter::<serde::de::IgnoredAny>()
            .all(|item| item.is_ok())
    };
    let parsed = if map {
        match mapped(&file) {
            Some(bytes) => parse(&bytes),
            None => return std::process::ExitCode::from(2),
        }
    } else {
        let mut bytes = Vec::new();
        if file.read_to_end(&mut bytes).is_err() {
            return std::process::ExitCode::from(2);
        }
        parse(&bytes)
    };
    std::process::ExitCode::from(if parsed { 0 } else { 1 })
}

#[allow(unsafe_code)]
fn mapped(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: read-only; nothing truncates the benchmark's inputs.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}
