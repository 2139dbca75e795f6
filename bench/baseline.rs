//! The parse limits: read a file and parse it into `IgnoredAny`, nothing
//! else. Benchmarks report the tool against this.
//!
//! `parse-baseline FILE` reads the file into memory and parses it with
//! serde_json, as the benchmark targets are defined;
//! `parse-baseline --map FILE` maps it instead, the way the tool reads
//! large files, so the report can also say how the tool compares with a
//! parse that does not pay for the copy; `parse-baseline --simd FILE`
//! reads it and parses it with sonic-rs, a SIMD parser, so the distance to
//! the faster limit stays in view.

use std::io::Read;

#[derive(PartialEq)]
enum Mode {
    Read,
    Map,
    Simd,
}

fn main() -> std::process::ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(first) = args.next() else {
        return std::process::ExitCode::from(2);
    };
    let mode = match first.to_str() {
        Some("--map") => Mode::Map,
        Some("--simd") => Mode::Simd,
        _ => Mode::Read,
    };
    let path = if mode == Mode::Read {
        Some(first)
    } else {
        args.next()
    };
    let Some(Ok(mut file)) = path.map(std::fs::File::open) else {
        return std::process::ExitCode::from(2);
    };
    let parse = |bytes: &[u8]| {
        serde_json::Deserializer::from_slice(bytes)
            .into_iter::<serde::de::IgnoredAny>()
            .all(|item| item.is_ok())
    };
    let parsed = match mode {
        Mode::Map => match mapped(&file) {
            Some(bytes) => parse(&bytes),
            None => return std::process::ExitCode::from(2),
        },
        Mode::Read | Mode::Simd => {
            let mut bytes = Vec::new();
            if file.read_to_end(&mut bytes).is_err() {
                return std::process::ExitCode::from(2);
            }
            if mode == Mode::Simd {
                sonic_rs::Deserializer::from_slice(&bytes)
                    .into_stream::<serde::de::IgnoredAny>()
                    .all(|item| item.is_ok())
            } else {
                parse(&bytes)
            }
        }
    };
    std::process::ExitCode::from(if parsed { 0 } else { 1 })
}

#[allow(unsafe_code)]
fn mapped(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: read-only; nothing truncates the benchmark's inputs.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}
